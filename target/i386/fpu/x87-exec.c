/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x87 opcode maps D8-DF, register forms (ModRM 0xC0-0xFF): one
 * handler per SDM instruction page, found through a table indexed by the
 * opcode byte and ModRM.reg, with a second table for the D9 E0-FF group.
 * Undocumented aliases that real processors execute (DC D0/D8, DD C8,
 * DE D0, DF C0/C8/D0/D8, D9 D8) are included.
 *
 * Spec: Intel SDM vol. 2 appendix A.4 (escape opcode maps, tables A-7 to
 * A-22) and the F* instruction pages for condition codes.
 */
#include "target/i386/fpu/x87-int.h"

enum { EF_CF = 0x001, EF_PF = 0x004, EF_AF = 0x010, EF_ZF = 0x040,
       EF_SF = 0x080, EF_OF = 0x800 };

typedef X87Exit X87RegFn(X87State *s, int i, uint32_t *eflags);

/* Fetch ST(i); an empty register is a stack underflow.  Returns false
 * when the fault is unmasked (instruction aborted); *v is the value or
 * the indefinite. */
static bool fetch(X87State *s, int i, Float80 *v)
{
    if (x87_st_empty(s, i)) {
        *v = f80_indefinite;
        return x87_stack_fault(s, false);
    }
    *v = x87_st(s, i);
    return true;
}

/* Both ST(0) and ST(i) must be valid; *under tells a masked underflow. */
static bool fetch2(X87State *s, int i, Float80 *a, Float80 *b, bool *under)
{
    *under = x87_st_empty(s, 0) || x87_st_empty(s, i);
    if (*under) {
        *a = *b = f80_indefinite;
        return x87_stack_fault(s, false);
    }
    *a = x87_st(s, 0);
    *b = x87_st(s, i);
    return true;
}

static X87Exit arith_st0_sti(X87State *s, int i, X87Arith op, bool rev,
                             bool pop)
{
    bool src_empty = x87_st_empty(s, rev ? 0 : i);
    Float80 src = x87_st(s, rev ? 0 : i);

    x87_arith(s, op, rev ? i : 0, src, src_empty, pop);
    return X87_OK;
}

#define D8_OP(name, op) \
    static X87Exit name(X87State *s, int i, uint32_t *ef) \
    { \
        return arith_st0_sti(s, i, op, false, op == X87_COMP); \
    }
#define DC_OP(name, op, pop) \
    static X87Exit name(X87State *s, int i, uint32_t *ef) \
    { \
        if (op == X87_COM || op == X87_COMP) { \
            return arith_st0_sti(s, i, op, false, false); \
        } \
        return arith_st0_sti(s, i, op, true, pop); \
    }

D8_OP(d8_add, X87_ADD)
D8_OP(d8_mul, X87_MUL)
D8_OP(d8_com, X87_COM)
D8_OP(d8_comp, X87_COMP)
D8_OP(d8_sub, X87_SUB)
D8_OP(d8_subr, X87_SUBR)
D8_OP(d8_div, X87_DIV)
D8_OP(d8_divr, X87_DIVR)
/* DC/DE: ST(i) = ST(i) op ST(0); reg 4 (E0) is FSUBR, reg 5 FSUB, etc. */
DC_OP(dc_add, X87_ADD, false)
DC_OP(dc_mul, X87_MUL, false)
DC_OP(dc_com, X87_COM, false)
DC_OP(dc_comp, X87_COMP, false)
DC_OP(dc_subr, X87_SUBR, false)
DC_OP(dc_sub, X87_SUB, false)
DC_OP(dc_divr, X87_DIVR, false)
DC_OP(dc_div, X87_DIV, false)
DC_OP(de_addp, X87_ADD, true)
DC_OP(de_mulp, X87_MUL, true)
DC_OP(de_subrp, X87_SUBR, true)
DC_OP(de_subp, X87_SUB, true)
DC_OP(de_divrp, X87_DIVR, true)
DC_OP(de_divp, X87_DIV, true)

static X87Exit op_ud(X87State *s, int i, uint32_t *ef)
{
    return X87_UD;
}

static X87Exit op_fld_sti(X87State *s, int i, uint32_t *ef)
{
    Float80 v;

    x87_set_c1(s, false);
    if (!fetch(s, i, &v)) {
        return X87_OK;
    }
    if (x87_st_empty(s, i)) {
        /* Underflow (masked): the indefinite is pushed, no overflow. */
        s->top = (s->top - 1) & 7;
        x87_set_st(s, 0, v);
        return X87_OK;
    }
    x87_push(s, v);
    return X87_OK;
}

static X87Exit op_fxch(X87State *s, int i, uint32_t *ef)
{
    Float80 a, b;
    bool under;

    x87_set_c1(s, false);
    if (!fetch2(s, i, &a, &b, &under)) {
        return X87_OK;
    }
    if (under) {
        a = x87_st_empty(s, 0) ? f80_indefinite : x87_st(s, 0);
        b = x87_st_empty(s, i) ? f80_indefinite : x87_st(s, i);
    }
    x87_set_st(s, 0, b);
    x87_set_st(s, i, a);
    return X87_OK;
}

static X87Exit st_sti(X87State *s, int i, bool pop)
{
    Float80 v;

    x87_set_c1(s, false);
    if (!fetch(s, 0, &v)) {
        return X87_OK;
    }
    x87_set_st(s, i, v);
    if (pop) {
        x87_pop(s);
    }
    return X87_OK;
}

/* D9 D8+i: an undocumented FSTP alias that does not check for empty. */
static X87Exit op_fstp_nce(X87State *s, int i, uint32_t *ef)
{
    x87_set_c1(s, false);
    x87_set_st(s, i, x87_st(s, 0));
    x87_pop(s);
    return X87_OK;
}

static X87Exit op_fst_sti(X87State *s, int i, uint32_t *ef)
{
    return st_sti(s, i, false);
}

static X87Exit op_fstp_sti(X87State *s, int i, uint32_t *ef)
{
    return st_sti(s, i, true);
}

static X87Exit op_fnop(X87State *s, int i, uint32_t *ef)
{
    return X87_OK;
}

static X87Exit op_ffree(X87State *s, int i, uint32_t *ef)
{
    x87_set_c1(s, false);
    s->empty |= (uint8_t)(1u << ((s->top + i) & 7));
    return X87_OK;
}

static X87Exit op_ffreep(X87State *s, int i, uint32_t *ef)
{
    op_ffree(s, i, ef);
    x87_pop(s);
    return X87_OK;
}

static X87Exit ucom_sti(X87State *s, int i, bool quiet, int pops)
{
    bool empty = x87_st_empty(s, i);
    FpEnv e = x87_env(s);
    bool ok;

    x87_set_c1(s, false);
    ok = x87_compare_env(s, &e, x87_st(s, i), empty, quiet);
    while (ok && pops--) {
        x87_pop(s);
    }
    return X87_OK;
}

static X87Exit op_fucom(X87State *s, int i, uint32_t *ef)
{
    return ucom_sti(s, i, true, 0);
}

static X87Exit op_fucomp(X87State *s, int i, uint32_t *ef)
{
    return ucom_sti(s, i, true, 1);
}

static X87Exit op_fucompp(X87State *s, int i, uint32_t *ef)
{
    return i == 1 ? ucom_sti(s, 1, true, 2) : X87_UD;
}

static X87Exit op_fcompp(X87State *s, int i, uint32_t *ef)
{
    return i == 1 ? ucom_sti(s, 1, false, 2) : X87_UD;
}

static X87Exit comi(X87State *s, int i, uint32_t *ef, bool quiet, bool pop)
{
    static const uint32_t fl[] = {
        [FP_REL_LESS] = EF_CF, [FP_REL_EQUAL] = EF_ZF,
        [FP_REL_GREATER] = 0, [FP_REL_UNORDERED] = EF_ZF | EF_PF | EF_CF,
    };
    FpEnv e = x87_env(s);
    Float80 a, b;
    bool under, ok;
    FpRel rel = FP_REL_UNORDERED;

    ok = fetch2(s, i, &a, &b, &under);
    if (ok && !under) {
        rel = f80_compare(&e, a, b, quiet);
        ok = x87_raise(s, e.flags);
    }
    /* EFLAGS are written even when the exception is unmasked. */
    *ef = (*ef & ~(uint32_t)(EF_CF | EF_PF | EF_AF | EF_ZF | EF_SF | EF_OF)) |
          fl[rel];
    if (ok && pop) {
        x87_pop(s);
    }
    return X87_OK;
}

static X87Exit op_fucomi(X87State *s, int i, uint32_t *ef)
{
    return comi(s, i, ef, true, false);
}

static X87Exit op_fcomi(X87State *s, int i, uint32_t *ef)
{
    return comi(s, i, ef, false, false);
}

static X87Exit op_fucomip(X87State *s, int i, uint32_t *ef)
{
    return comi(s, i, ef, true, true);
}

static X87Exit op_fcomip(X87State *s, int i, uint32_t *ef)
{
    return comi(s, i, ef, false, true);
}

static X87Exit fcmov(X87State *s, int i, bool cond)
{
    Float80 a, b;
    bool under;

    if (!fetch2(s, i, &a, &b, &under)) {
        return X87_OK;
    }
    if (under) {
        x87_set_st(s, 0, f80_indefinite);
    } else if (cond) {
        x87_set_st(s, 0, b);
    }
    return X87_OK;
}

#define FCMOV(name, expr) \
    static X87Exit name(X87State *s, int i, uint32_t *ef) \
    { \
        uint32_t f = *ef; \
        return fcmov(s, i, expr); \
    }

FCMOV(op_fcmovb, f & EF_CF)
FCMOV(op_fcmove, f & EF_ZF)
FCMOV(op_fcmovbe, f & (EF_CF | EF_ZF))
FCMOV(op_fcmovu, f & EF_PF)
FCMOV(op_fcmovnb, !(f & EF_CF))
FCMOV(op_fcmovne, !(f & EF_ZF))
FCMOV(op_fcmovnbe, !(f & (EF_CF | EF_ZF)))
FCMOV(op_fcmovnu, !(f & EF_PF))

static X87Exit op_db_misc(X87State *s, int i, uint32_t *ef)
{
    switch (i) {
    case 0: /* FENI, FDISI, FSETPM: 8087/287 relics, no-ops since 387 */
    case 1:
    case 4:
        return X87_OK;
    case 2:
        s->fsw &= (uint16_t)~(0x00ff | X87_SW_B);
        return X87_OK;
    case 3:
        x87_finit(s);
        return X87_OK;
    default:
        return X87_UD;
    }
}

static X87Exit op_fnstsw_ax(X87State *s, int i, uint32_t *ef)
{
    return i == 0 ? X87_FNSTSW_AX : X87_UD;
}

static X87RegFn *const reg_table[8][8] = {
    { d8_add, d8_mul, d8_com, d8_comp, d8_sub, d8_subr, d8_div, d8_divr },
    { op_fld_sti, op_fxch, op_fnop, op_fstp_nce,
      op_ud, op_ud, op_ud, op_ud },       /* E0-FF: x87_exec_d9_group() */
    { op_fcmovb, op_fcmove, op_fcmovbe, op_fcmovu,
      op_ud, op_fucompp, op_ud, op_ud },
    { op_fcmovnb, op_fcmovne, op_fcmovnbe, op_fcmovnu,
      op_db_misc, op_fucomi, op_fcomi, op_ud },
    { dc_add, dc_mul, dc_com, dc_comp, dc_subr, dc_sub, dc_divr, dc_div },
    { op_ffree, op_fxch, op_fst_sti, op_fstp_sti,
      op_fucom, op_fucomp, op_ud, op_ud },
    { de_addp, de_mulp, dc_comp, op_fcompp,
      de_subrp, de_subp, de_divrp, de_divp },
    { op_ffreep, op_fxch, op_fstp_sti, op_fstp_sti,
      op_fnstsw_ax, op_fucomip, op_fcomip, op_ud },
};

X87Exit x87_exec_reg(X87State *s, uint8_t op, uint8_t modrm,
                     uint32_t *eflags)
{
    int reg = (modrm >> 3) & 7;

    if (op < 0xd8 || modrm < 0xc0) {
        return X87_UD;
    }
    if (op == 0xd9 && reg >= 4) {
        return x87_exec_d9_group(s, modrm - 0xe0, eflags);
    }
    if (op == 0xd9 && reg == 2 && (modrm & 7)) {
        return X87_UD;       /* only D9 D0 (FNOP) is defined */
    }
    return reg_table[op - 0xd8][reg](s, modrm & 7, eflags);
}

bool x87_insn_waits(uint8_t op, uint8_t modrm)
{
    int reg = (modrm >> 3) & 7;

    if (modrm >= 0xc0) {
        return !((op == 0xdb && (modrm == 0xe2 || modrm == 0xe3)) ||
                 (op == 0xdf && modrm == 0xe0));
    }
    return x87_mem_info(op, reg).waits;
}

bool x87_insn_is_control(uint8_t op, uint8_t modrm)
{
    int reg = (modrm >> 3) & 7;

    if (modrm >= 0xc0) {
        return (op == 0xdb && modrm >= 0xe0 && modrm <= 0xe4) ||
               (op == 0xdf && modrm == 0xe0);
    }
    return x87_mem_info(op, reg).control;
}
