/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shape-specialised forms, part two (CPU-ENGINE.md "Specialise on mode"):
 * the frequent instructions with a memory operand or a narrow register,
 * found hot in the Linux boot profile: MOV of every size to and from
 * memory and MOV of an immediate to memory; MOVZX, MOVSX and MOVSXD; ADD
 * SUB AND OR XOR CMP TEST between a register and memory or an immediate
 * and memory; 8-bit register ALU forms; SHL SHR SAR of a register by an
 * immediate or CL; IMUL with two and three operands; LEA; CMOVcc; SETcc
 * of a register.  Each has its access size fixed, so the soft-TLB fast path
 * (mem.h) is inlined without a size switch, and 64-bit code skips the
 * segment checks it does not have.  Semantics are those of ops-arith.c,
 * ops-move.c and ops-shift.c (the differential tests run both).
 *
 * LOCK-prefixed instructions are never specialised: they keep the generic
 * read-modify-write entry point, x86_op_read_mem_rmw() / x86_op_write(),
 * which is where multi-vCPU atomicity is provided.
 */
#include <glib.h>

#include "target/i386/ops.h"

enum { FM_ADD, FM_SUB, FM_AND, FM_OR, FM_XOR, FM_CMP, FM_TEST, FM_MOV };

/* Load or store @size bytes at offset @ea of @i's segment. */
X86_INLINE uint64_t fm_ld(X86CPU *cpu, const X86Insn *i, uint64_t ea,
                          unsigned size)
{
    return i->flat64 ? x86_ld_seg(cpu, true, i->seg, ea, size)
                     : x86_ld_seg(cpu, false, i->seg, ea, size);
}

X86_INLINE void fm_st(X86CPU *cpu, const X86Insn *i, uint64_t ea,
                      uint64_t v, unsigned size)
{
    if (i->flat64) {
        x86_st_seg(cpu, true, i->seg, ea, v, size);
    } else {
        x86_st_seg(cpu, false, i->seg, ea, v, size);
    }
}

/* Apply @op to @a and @b of @size bytes, recording the flags lazily;
 * returns the result (meaningless for CMP and TEST). */
X86_INLINE uint64_t fm_alu(X86CPU *cpu, int op, unsigned size, uint64_t a,
                           uint64_t b)
{
    uint64_t r;

    switch (op) {
    case FM_ADD: r = a + b; break;
    case FM_SUB: case FM_CMP: r = a - b; break;
    case FM_AND: case FM_TEST: r = a & b; break;
    case FM_OR: r = a | b; break;
    case FM_XOR: r = a ^ b; break;
    default: return b;
    }
    cpu->cc_size = size;
    cpu->cc_dst = r;
    if (op == FM_ADD) {
        cpu->cc_op = CC_OP_ADD, cpu->cc_src = a, cpu->cc_src2 = b;
    } else if (op == FM_SUB || op == FM_CMP) {
        cpu->cc_op = CC_OP_SUB, cpu->cc_src = a, cpu->cc_src2 = b;
    } else {
        cpu->cc_op = CC_OP_LOGIC;
    }
    return r;
}

/* Operand 1 as a value of @size: a register (any byte offset) or the
 * immediate. */
X86_INLINE uint64_t fm_src(X86CPU *cpu, const X86Insn *i, unsigned size,
                           bool imm)
{
    return imm ? i->imm : x86_reg_read(cpu, i->op[1].reg, size);
}

/* reg OP= [mem] (and CMP/TEST reg, [mem]); a 32-bit result zero-extends. */
X86_INLINE void fm_rm(X86CPU *cpu, const X86Insn *i, unsigned size, int op)
{
    uint64_t b = fm_ld(cpu, i, x86_insn_ea(cpu, i), size);
    uint64_t a = x86_reg_read(cpu, i->op[0].reg, size);
    uint64_t r = fm_alu(cpu, op, size, a, b);

    if (op != FM_CMP && op != FM_TEST) {
        x86_reg_write(cpu, i->op[0].reg, r, size);
    }
}

/* [mem] OP= reg/imm, MOV [mem], reg/imm, CMP/TEST [mem], reg/imm.  A
 * read-modify-write uses the host pointer of a write-tagged TLB entry for
 * both halves; anything else goes through the generic checked path. */
X86_INLINE void fm_mr(X86CPU *cpu, const X86Insn *i, unsigned size, int op,
                      bool imm)
{
    uint64_t ea = x86_insn_ea(cpu, i), b = fm_src(cpu, i, size, imm);
    uint64_t lin;
    X86TLBEntry *e;

    if (op == FM_MOV) {
        fm_st(cpu, i, ea, b, size);
        return;
    }
    if (op == FM_CMP || op == FM_TEST) {
        fm_alu(cpu, op, size, fm_ld(cpu, i, ea, size), b);
        return;
    }
    if (i->flat64) {
        lin = x86_lin_addr(cpu, true, i->seg, ea, size, SEG_PERM_W);
        e = x86_tlb_entry(cpu, lin);
        /* Aligned only: a misaligned one may be #AC (the slow path). */
        if (likely(e->tag_w == x86_tlb_key(lin, size))) {
            void *p = (void *)(uintptr_t)(lin + e->addend);
            x86_host_st(p, fm_alu(cpu, op, size, x86_host_ld(p, size), b),
                        size);
            return;
        }
    }
    x86_op_write(cpu, i, 0,
                 fm_alu(cpu, op, size, x86_op_read_mem_rmw(cpu, i, 0), b));
}

/* 8-bit register forms: reg8 OP= reg8/imm8 (AH..BH through the offset). */
X86_INLINE void fm_rr1(X86CPU *cpu, const X86Insn *i, int op, bool imm)
{
    uint64_t a = x86_reg_read(cpu, i->op[0].reg, 1);
    uint64_t r = fm_alu(cpu, op, 1, a, fm_src(cpu, i, 1, imm));

    if (op != FM_CMP && op != FM_TEST) {
        x86_reg_write(cpu, i->op[0].reg, r, 1);
    }
}

#define FM_FAMILY(name, op)                                                  \
    static void name##_rm4(X86CPU *c, const X86Insn *i) { fm_rm(c, i, 4, op); } \
    static void name##_rm8(X86CPU *c, const X86Insn *i) { fm_rm(c, i, 8, op); } \
    static void name##_mr1(X86CPU *c, const X86Insn *i)                      \
    { fm_mr(c, i, 1, op, false); }                                           \
    static void name##_mr4(X86CPU *c, const X86Insn *i)                      \
    { fm_mr(c, i, 4, op, false); }                                           \
    static void name##_mr8(X86CPU *c, const X86Insn *i)                      \
    { fm_mr(c, i, 8, op, false); }                                           \
    static void name##_mi1(X86CPU *c, const X86Insn *i)                      \
    { fm_mr(c, i, 1, op, true); }                                            \
    static void name##_mi4(X86CPU *c, const X86Insn *i)                      \
    { fm_mr(c, i, 4, op, true); }                                            \
    static void name##_mi8(X86CPU *c, const X86Insn *i)                      \
    { fm_mr(c, i, 8, op, true); }                                            \
    static void name##_rr1(X86CPU *c, const X86Insn *i)                      \
    { fm_rr1(c, i, op, false); }                                             \
    static void name##_ri1(X86CPU *c, const X86Insn *i)                      \
    { fm_rr1(c, i, op, true); }

FM_FAMILY(add, FM_ADD)
FM_FAMILY(sub, FM_SUB)
FM_FAMILY(and, FM_AND)
FM_FAMILY(or, FM_OR)
FM_FAMILY(xor, FM_XOR)
FM_FAMILY(cmp, FM_CMP)
FM_FAMILY(test, FM_TEST)

/*
 * CMP and TEST with a memory operand or an 8-bit register, fused with the
 * Jcc that ends the block (x86_fuse_jcc_mem(), the pairing rules of
 * x86_fuse_jcc() in ops-fast.c).  .imm carries the immediate in its low
 * half and the Jcc displacement in its high half; .imm2 the condition
 * (bits 0-3), the Jcc length (bits 4-7) and the Jcc operand size (bits
 * 8-15).  The memory read comes first, so a fault leaves before anything
 * changed and is reported at the CMP or TEST.
 */
enum { FF_RM, FF_MR, FF_MI, FF_RR, FF_RI };

/* RIP at run time is past the Jcc; a RIP-relative operand is relative to
 * the end of the CMP or TEST. */
X86_INLINE uint64_t fused_ea(X86CPU *cpu, const X86Insn *i)
{
    uint64_t ea = x86_insn_ea(cpu, i);

    return i->base == R_RIP ? (ea - ((i->imm2 >> 4) & 15)) & i->amask : ea;
}

X86_INLINE void fm_fused(X86CPU *cpu, const X86Insn *i, unsigned size,
                         bool logic, int form)
{
    unsigned cc = i->imm2 & 15, mask = x86_fused_cond_mask(cc);
    uint64_t imm = size == 8 ? (uint64_t)(int64_t)(int32_t)i->imm
                             : (uint32_t)i->imm, a, b;
    bool take;

    if (form == FF_RM) {
        b = fm_ld(cpu, i, fused_ea(cpu, i), size);
        a = x86_reg_read(cpu, i->op[0].reg, size);
    } else {
        a = form == FF_RR || form == FF_RI
            ? x86_reg_read(cpu, i->op[0].reg, size)
            : fm_ld(cpu, i, fused_ea(cpu, i), size);
        b = form == FF_MI || form == FF_RI
            ? imm : x86_reg_read(cpu, i->op[1].reg, size);
    }
    fm_alu(cpu, logic ? FM_TEST : FM_CMP, size, a, b);
    if (mask) {
        take = ((x86_fused_flags(a, b, size, logic) & mask) != 0) ^ (cc & 1);
    } else {
        take = x86_cond(cpu, cc);
    }
    if (take) {
        uint64_t t = cpu->regs[R_RIP] + (int64_t)(int32_t)(i->imm >> 32);
        cpu->regs[R_RIP] = (i->imm2 >> 8) == 4 ? (uint32_t)t : t;
    }
}

#define FUSED_FORM(name, size, logic, form)                                  \
    static void name##_jcc(X86CPU *c, const X86Insn *i)                      \
    { fm_fused(c, i, size, logic, form); }

FUSED_FORM(cmp_rm4, 4, false, FF_RM)
FUSED_FORM(cmp_rm8, 8, false, FF_RM)
FUSED_FORM(cmp_mr1, 1, false, FF_MR)
FUSED_FORM(cmp_mr4, 4, false, FF_MR)
FUSED_FORM(cmp_mr8, 8, false, FF_MR)
FUSED_FORM(cmp_mi1, 1, false, FF_MI)
FUSED_FORM(cmp_mi4, 4, false, FF_MI)
FUSED_FORM(cmp_mi8, 8, false, FF_MI)
FUSED_FORM(cmp_rr1, 1, false, FF_RR)
FUSED_FORM(cmp_ri1, 1, false, FF_RI)
FUSED_FORM(test_mr1, 1, true, FF_MR)
FUSED_FORM(test_mr4, 4, true, FF_MR)
FUSED_FORM(test_mr8, 8, true, FF_MR)
FUSED_FORM(test_mi1, 1, true, FF_MI)
FUSED_FORM(test_mi4, 4, true, FF_MI)
FUSED_FORM(test_mi8, 8, true, FF_MI)
FUSED_FORM(test_rr1, 1, true, FF_RR)
FUSED_FORM(test_ri1, 1, true, FF_RI)

static const struct {
    X86ExecFn first, fused;
} fm_fusable[] = {
    { cmp_rm4, cmp_rm4_jcc }, { cmp_rm8, cmp_rm8_jcc },
    { cmp_mr1, cmp_mr1_jcc }, { cmp_mr4, cmp_mr4_jcc },
    { cmp_mr8, cmp_mr8_jcc }, { cmp_mi1, cmp_mi1_jcc },
    { cmp_mi4, cmp_mi4_jcc }, { cmp_mi8, cmp_mi8_jcc },
    { cmp_rr1, cmp_rr1_jcc }, { cmp_ri1, cmp_ri1_jcc },
    { test_mr1, test_mr1_jcc }, { test_mr4, test_mr4_jcc },
    { test_mr8, test_mr8_jcc }, { test_mi1, test_mi1_jcc },
    { test_mi4, test_mi4_jcc }, { test_mi8, test_mi8_jcc },
    { test_rr1, test_rr1_jcc }, { test_ri1, test_ri1_jcc },
};

bool x86_fuse_jcc_mem(X86Insn *first, const X86Insn *jcc, unsigned size)
{
    uint64_t imm = first->imm;

    /* The immediate must survive the trip through 32 bits. */
    if (first->op[1].kind == OPK_IMM &&
        (first->op[0].size == 8 ? (int64_t)imm != (int32_t)imm
                                : imm > 0xffffffffull)) {
        return false;
    }
    for (unsigned k = 0; k < G_N_ELEMENTS(fm_fusable); k++) {
        if (fm_fusable[k].first == first->exec) {
            first->exec = fm_fusable[k].fused;
            first->imm = (uint64_t)(uint32_t)jcc->imm << 32 | (uint32_t)imm;
            first->imm2 = (jcc->opcode & 15) | jcc->len << 4 | size << 8;
            return true;
        }
    }
    return false;
}

/* MOV: loads and stores of 1 and 2 bytes, stores of immediates. */
static void mov_mr1(X86CPU *c, const X86Insn *i) { fm_mr(c, i, 1, FM_MOV, false); }
static void mov_mr2(X86CPU *c, const X86Insn *i) { fm_mr(c, i, 2, FM_MOV, false); }
static void mov_mi1(X86CPU *c, const X86Insn *i) { fm_mr(c, i, 1, FM_MOV, true); }
static void mov_mi2(X86CPU *c, const X86Insn *i) { fm_mr(c, i, 2, FM_MOV, true); }
static void mov_mi4(X86CPU *c, const X86Insn *i) { fm_mr(c, i, 4, FM_MOV, true); }
static void mov_mi8(X86CPU *c, const X86Insn *i) { fm_mr(c, i, 8, FM_MOV, true); }
static void mov_rr1(X86CPU *c, const X86Insn *i) { fm_rr1(c, i, FM_MOV, false); }
static void mov_ri1(X86CPU *c, const X86Insn *i) { fm_rr1(c, i, FM_MOV, true); }

X86_INLINE void mov_rm_narrow(X86CPU *cpu, const X86Insn *i, unsigned size)
{
    x86_reg_write(cpu, i->op[0].reg, fm_ld(cpu, i, x86_insn_ea(cpu, i), size),
                  size);
}

static void mov_rm1(X86CPU *c, const X86Insn *i) { mov_rm_narrow(c, i, 1); }
static void mov_rm2(X86CPU *c, const X86Insn *i) { mov_rm_narrow(c, i, 2); }

/*
 * MOVZX/MOVSX/MOVSXD into a 32- or 64-bit register (@dsize) from @ssize
 * bytes of memory (@mem) or register: the whole 64-bit register is
 * written (32-bit results zero-extend).
 */
X86_INLINE void fm_ext(X86CPU *cpu, const X86Insn *i, unsigned dsize,
                       unsigned ssize, bool sign, bool mem)
{
    uint64_t v = mem ? fm_ld(cpu, i, x86_insn_ea(cpu, i), ssize)
                     : x86_reg_read(cpu, i->op[1].reg, ssize);
    unsigned sh = 64 - ssize * 8;

    if (sign) {
        v = (uint64_t)((int64_t)(v << sh) >> sh);
    }
    cpu->regs[i->op[0].reg >> 3] = dsize == 4 ? (uint32_t)v : v;
}

#define EXT_FORMS(name, sign)                                                \
    static void name##_4m1(X86CPU *c, const X86Insn *i)                      \
    { fm_ext(c, i, 4, 1, sign, true); }                                      \
    static void name##_4m2(X86CPU *c, const X86Insn *i)                      \
    { fm_ext(c, i, 4, 2, sign, true); }                                      \
    static void name##_8m1(X86CPU *c, const X86Insn *i)                      \
    { fm_ext(c, i, 8, 1, sign, true); }                                      \
    static void name##_8m2(X86CPU *c, const X86Insn *i)                      \
    { fm_ext(c, i, 8, 2, sign, true); }                                      \
    static void name##_4r1(X86CPU *c, const X86Insn *i)                      \
    { fm_ext(c, i, 4, 1, sign, false); }                                     \
    static void name##_4r2(X86CPU *c, const X86Insn *i)                      \
    { fm_ext(c, i, 4, 2, sign, false); }                                     \
    static void name##_8r1(X86CPU *c, const X86Insn *i)                      \
    { fm_ext(c, i, 8, 1, sign, false); }                                     \
    static void name##_8r2(X86CPU *c, const X86Insn *i)                      \
    { fm_ext(c, i, 8, 2, sign, false); }

EXT_FORMS(movzx, false)
EXT_FORMS(movsx, true)

static void movsxd_m(X86CPU *c, const X86Insn *i) { fm_ext(c, i, 8, 4, true, true); }
static void movsxd_r(X86CPU *c, const X86Insn *i) { fm_ext(c, i, 8, 4, true, false); }

/* LEA into a 32- or 64-bit register. */
static void lea4(X86CPU *c, const X86Insn *i)
{
    c->regs[i->op[0].reg >> 3] = (uint32_t)x86_insn_ea(c, i);
}

static void lea8(X86CPU *c, const X86Insn *i)
{
    c->regs[i->op[0].reg >> 3] = x86_insn_ea(c, i);
}

/*
 * SHL/SHR/SAR of a 32- or 64-bit register by an immediate (C1 and D1
 * forms): flags as ops-shift.c records them; a count that masks to zero
 * changes no flag but still zero-extends a 32-bit register.
 */
enum { SH_SHL, SH_SHR, SH_SAR };

X86_INLINE void fm_shift(X86CPU *cpu, const X86Insn *i, unsigned size,
                         int kind, bool by_cl)
{
    uint64_t *d = &cpu->regs[i->op[0].reg >> 3];
    unsigned bits = size * 8;
    unsigned c = (by_cl ? cpu->regs[R_ECX] : i->imm) & (size == 8 ? 63 : 31);
    uint64_t m = size == 8 ? ~0ull : 0xffffffffull;
    uint64_t v = *d & m, r;
    bool cf, of;

    if (c == 0) {
        *d = v;
        return;
    }
    switch (kind) {
    case SH_SHL:
        r = (v << c) & m;
        cf = (v >> (bits - c)) & 1;
        of = ((r >> (bits - 1)) & 1) ^ cf;
        break;
    case SH_SHR:
        r = v >> c;
        cf = (v >> (c - 1)) & 1;
        of = (v >> (bits - 1)) & 1;
        break;
    default: {
        int64_t sv = (int64_t)(v << (64 - bits)) >> (64 - bits);
        r = (uint64_t)(sv >> c) & m;
        cf = (sv >> (c - 1)) & 1;
        of = false;
        break;
    }
    }
    *d = r;
    x86_cc_set(cpu, CC_OP_SHIFT, size, cf, of, r);
}

#define SHIFT_FORMS(name, kind)                                              \
    static void name##_ri4(X86CPU *c, const X86Insn *i)                      \
    { fm_shift(c, i, 4, kind, false); }                                      \
    static void name##_ri8(X86CPU *c, const X86Insn *i)                      \
    { fm_shift(c, i, 8, kind, false); }                                      \
    static void name##_rc4(X86CPU *c, const X86Insn *i)                      \
    { fm_shift(c, i, 4, kind, true); }                                       \
    static void name##_rc8(X86CPU *c, const X86Insn *i)                      \
    { fm_shift(c, i, 8, kind, true); }

SHIFT_FORMS(shl, SH_SHL)
SHIFT_FORMS(shr, SH_SHR)
SHIFT_FORMS(sar, SH_SAR)

/*
 * ROL/ROR of a 32- or 64-bit register by an immediate or CL (SHA-256 and
 * friends): CF and OF as ops-shift.c sets them, SF ZF AF PF kept.
 */
X86_INLINE void fm_rot(X86CPU *cpu, const X86Insn *i, unsigned size,
                       bool right, bool by_cl)
{
    uint64_t *d = &cpu->regs[i->op[0].reg >> 3];
    unsigned bits = size * 8;
    unsigned c = (by_cl ? cpu->regs[R_ECX] : i->imm) & (bits - 1);
    uint64_t m = size == 8 ? ~0ull : 0xffffffffull;
    uint64_t v = *d & m, r;
    bool cf, of;
    uint32_t f;

    /* The count is masked to 5 or 6 bits, so it never wraps the width. */
    if (c == 0) {
        *d = v;
        return;
    }
    if (right) {
        r = ((v >> c) | (v << (bits - c))) & m;
        cf = (r >> (bits - 1)) & 1;
        of = cf ^ ((r >> (bits - 2)) & 1);
    } else {
        r = ((v << c) | (v >> (bits - c))) & m;
        cf = r & 1;
        of = cf ^ ((r >> (bits - 1)) & 1);
    }
    *d = r;
    f = cpu->cc_op == CC_OP_EFLAGS ? (uint32_t)cpu->cc_src : x86_cc_all(cpu);
    x86_cc_eflags(cpu, (f & ~(CC_C | CC_O)) | (cf ? CC_C : 0) |
                       (of ? CC_O : 0));
}

#define ROT_FORMS(name, right)                                               \
    static void name##_ri4(X86CPU *c, const X86Insn *i)                      \
    { fm_rot(c, i, 4, right, false); }                                       \
    static void name##_ri8(X86CPU *c, const X86Insn *i)                      \
    { fm_rot(c, i, 8, right, false); }                                       \
    static void name##_rc4(X86CPU *c, const X86Insn *i)                      \
    { fm_rot(c, i, 4, right, true); }                                        \
    static void name##_rc8(X86CPU *c, const X86Insn *i)                      \
    { fm_rot(c, i, 8, right, true); }

ROT_FORMS(rol, false)
ROT_FORMS(ror, true)

/*
 * IMUL r32/r64, r/m (0F AF) and IMUL r32/r64, r/m, imm (69, 6B): the
 * truncated signed product; CF = OF = "it did not fit", the other flags
 * as ops-arith.c records them.
 */
X86_INLINE void fm_imul(X86CPU *cpu, const X86Insn *i, unsigned size,
                        bool mem, bool three)
{
    uint64_t *d = &cpu->regs[i->op[0].reg >> 3];
    uint64_t s = mem ? fm_ld(cpu, i, x86_insn_ea(cpu, i), size)
                     : cpu->regs[i->op[1].reg >> 3];
    uint64_t o = three ? i->imm : *d, lo;
    bool ovf;

    if (size == 4) {
        int32_t p;
        ovf = __builtin_mul_overflow((int32_t)s, (int32_t)o, &p);
        lo = (uint32_t)p;
    } else {
        int64_t p;
        ovf = __builtin_mul_overflow((int64_t)s, (int64_t)o, &p);
        lo = (uint64_t)p;
    }
    *d = lo;
    x86_cc_set(cpu, CC_OP_SHIFT, size, ovf, ovf, lo);
}

#define IMUL_FORMS(sfx, mem, three)                                          \
    static void imul_##sfx##4(X86CPU *c, const X86Insn *i)                   \
    { fm_imul(c, i, 4, mem, three); }                                        \
    static void imul_##sfx##8(X86CPU *c, const X86Insn *i)                   \
    { fm_imul(c, i, 8, mem, three); }

IMUL_FORMS(rr, false, false)
IMUL_FORMS(rm, true, false)
IMUL_FORMS(rri, false, true)
IMUL_FORMS(rmi, true, true)

/* CMOVcc r32/r64, r/m: the source is read (and may fault) either way; a
 * 32-bit destination is zero-extended either way. */
X86_INLINE void fm_cmov(X86CPU *cpu, const X86Insn *i, unsigned size,
                        bool mem)
{
    uint64_t *d = &cpu->regs[i->op[0].reg >> 3];
    uint64_t v = mem ? fm_ld(cpu, i, x86_insn_ea(cpu, i), size)
                     : cpu->regs[i->op[1].reg >> 3];

    if (x86_cond(cpu, i->opcode & 15)) {
        *d = size == 4 ? (uint32_t)v : v;
    } else if (size == 4) {
        *d = (uint32_t)*d;
    }
}

static void cmov_rr4(X86CPU *c, const X86Insn *i) { fm_cmov(c, i, 4, false); }
static void cmov_rr8(X86CPU *c, const X86Insn *i) { fm_cmov(c, i, 8, false); }
static void cmov_rm4(X86CPU *c, const X86Insn *i) { fm_cmov(c, i, 4, true); }
static void cmov_rm8(X86CPU *c, const X86Insn *i) { fm_cmov(c, i, 8, true); }

/* SETcc of a byte register (AH..BH through the offset). */
static void setcc_r(X86CPU *c, const X86Insn *i)
{
    x86_reg_write(c, i->op[0].reg, x86_cond(c, i->opcode & 15), 1);
}

/*
 * PUSH and POP of a 64-bit register and PUSH of an immediate in 64-bit
 * code: the stack is flat and 64 bits wide (SDM vol. 1 6.2.3), so
 * x86_push()'s sizing and segment checks drop out.  PUSH RSP pushes the
 * value before the push; POP RSP leaves RSP holding the popped value
 * (SDM "PUSH", "POP").
 */
X86_INLINE void fm_push(X86CPU *cpu, uint64_t v)
{
    uint64_t sp = cpu->regs[R_ESP] - 8;

    x86_st_seg(cpu, true, R_SS, sp, v, 8);
    cpu->regs[R_ESP] = sp;
}

static void push_r8(X86CPU *c, const X86Insn *i)
{
    fm_push(c, c->regs[i->op[0].reg >> 3]);
}

static void push_i8(X86CPU *c, const X86Insn *i)
{
    fm_push(c, i->imm);
}

static void pop_r8(X86CPU *c, const X86Insn *i)
{
    uint64_t v = x86_ld_seg(c, true, R_SS, c->regs[R_ESP], 8);

    c->regs[R_ESP] += 8;
    c->regs[i->op[0].reg >> 3] = v;
}

static X86ExecFn pick_stack(const X86Insn *insn)
{
    const X86Operand *o = &insn->op[0];

    if (!insn->flat64 || insn->opsize != 8) {
        return NULL;
    }
    if (insn->exec == x86_op_push) {
        return o->kind == OPK_REG && o->size == 8 ? push_r8
             : o->kind == OPK_IMM ? push_i8 : NULL;
    }
    return o->kind == OPK_REG && o->size == 8 ? pop_r8 : NULL;
}

/* The ALU families by generic handler. */
typedef struct FMFamily {
    X86ExecFn generic;
    X86ExecFn rm4, rm8, mr1, mr4, mr8, mi1, mi4, mi8, rr1, ri1;
} FMFamily;

#define FM_ROW(gen, name)                                                    \
    { gen, name##_rm4, name##_rm8, name##_mr1, name##_mr4, name##_mr8,       \
      name##_mi1, name##_mi4, name##_mi8, name##_rr1, name##_ri1 }

static const FMFamily fm_families[] = {
    FM_ROW(x86_op_add, add),
    FM_ROW(x86_op_sub, sub),
    FM_ROW(x86_op_and, and),
    FM_ROW(x86_op_or, or),
    FM_ROW(x86_op_xor, xor),
    FM_ROW(x86_op_cmp, cmp),
    FM_ROW(x86_op_test, test),
};

/* Pick a form of an ALU family from the operand shapes, or NULL. */
static X86ExecFn pick_alu(const FMFamily *f, const X86Insn *insn)
{
    const X86Operand *d = &insn->op[0], *s = &insn->op[1];
    unsigned sz = d->size;

    if (insn->op[2].kind != OPK_NONE || (s->kind != OPK_IMM &&
                                         s->size != sz)) {
        return NULL;
    }
    if (d->kind == OPK_REG && s->kind == OPK_MEM) {
        return sz == 4 ? f->rm4 : sz == 8 ? f->rm8 : NULL;
    }
    if (d->kind == OPK_MEM && s->kind == OPK_REG) {
        return sz == 1 ? f->mr1 : sz == 4 ? f->mr4 : sz == 8 ? f->mr8 : NULL;
    }
    if (d->kind == OPK_MEM && s->kind == OPK_IMM) {
        return sz == 1 ? f->mi1 : sz == 4 ? f->mi4 : sz == 8 ? f->mi8 : NULL;
    }
    if (d->kind == OPK_REG && sz == 1) {
        return s->kind == OPK_REG ? f->rr1 : s->kind == OPK_IMM ? f->ri1
                                                                 : NULL;
    }
    return NULL;
}

static X86ExecFn pick_mov(const X86Insn *insn)
{
    const X86Operand *d = &insn->op[0], *s = &insn->op[1];
    unsigned sz = d->size;

    if (d->kind == OPK_MEM && s->kind == OPK_IMM) {
        return sz == 1 ? mov_mi1 : sz == 2 ? mov_mi2 : sz == 4 ? mov_mi4
                                                               : mov_mi8;
    }
    if (s->size != sz) {
        return NULL;
    }
    if (d->kind == OPK_MEM && s->kind == OPK_REG) {
        return sz == 1 ? mov_mr1 : sz == 2 ? mov_mr2 : NULL;
    }
    if (d->kind == OPK_REG && s->kind == OPK_MEM) {
        return sz == 1 ? mov_rm1 : sz == 2 ? mov_rm2 : NULL;
    }
    if (d->kind == OPK_REG && sz == 1) {
        return s->kind == OPK_REG ? mov_rr1 : s->kind == OPK_IMM ? mov_ri1
                                                                 : NULL;
    }
    return NULL;
}

/* MOVZX/MOVSX/MOVSXD by destination size, source size and kind. */
static const X86ExecFn ext_forms[2][2][2][2] = {
    /* [sign][dest 8][mem][source 2] */
    { { { movzx_4r1, movzx_4r2 }, { movzx_4m1, movzx_4m2 } },
      { { movzx_8r1, movzx_8r2 }, { movzx_8m1, movzx_8m2 } } },
    { { { movsx_4r1, movsx_4r2 }, { movsx_4m1, movsx_4m2 } },
      { { movsx_8r1, movsx_8r2 }, { movsx_8m1, movsx_8m2 } } },
};

static X86ExecFn pick_ext(const X86Insn *insn)
{
    const X86Operand *d = &insn->op[0], *s = &insn->op[1];
    bool sign = insn->exec == x86_op_movsx, mem = s->kind == OPK_MEM;

    if (d->kind != OPK_REG || (d->size != 4 && d->size != 8)) {
        return NULL;
    }
    if (insn->exec == x86_op_movsxd) {
        return d->size == 8 && s->size == 4 ? (mem ? movsxd_m : movsxd_r)
                                            : NULL;
    }
    if (s->size != 1 && s->size != 2) {
        return NULL;
    }
    return ext_forms[sign][d->size == 8][mem][s->size == 2];
}

/* SHL/SHR/SAR of a register by an immediate or by CL. */
static X86ExecFn pick_shift(const X86Insn *insn, bool wide)
{
    static const struct {
        X86ExecFn generic, ri4, ri8, rc4, rc8;
    } shifts[] = {
        { x86_op_shl, shl_ri4, shl_ri8, shl_rc4, shl_rc8 },
        { x86_op_shr, shr_ri4, shr_ri8, shr_rc4, shr_rc8 },
        { x86_op_sar, sar_ri4, sar_ri8, sar_rc4, sar_rc8 },
        { x86_op_rol, rol_ri4, rol_ri8, rol_rc4, rol_rc8 },
        { x86_op_ror, ror_ri4, ror_ri8, ror_rc4, ror_rc8 },
    };
    const X86Operand *s = &insn->op[1];
    bool by_cl = s->kind == OPK_REG && s->reg == R_ECX * 8 && s->size == 1;

    if (s->kind != OPK_IMM && !by_cl) {
        return NULL;
    }
    for (unsigned k = 0; k < G_N_ELEMENTS(shifts); k++) {
        if (shifts[k].generic == insn->exec) {
            return by_cl ? (wide ? shifts[k].rc8 : shifts[k].rc4)
                         : (wide ? shifts[k].ri8 : shifts[k].ri4);
        }
    }
    return NULL;
}

static X86ExecFn pick_misc(const X86Insn *insn)
{
    const X86Operand *d = &insn->op[0], *s = &insn->op[1];
    bool wide = d->size == 8;

    if (d->kind != OPK_REG || (d->size != 4 && d->size != 8)) {
        return NULL;
    }
    if (insn->exec == x86_op_lea) {
        return wide ? lea8 : lea4;
    }
    if (insn->exec == x86_op_cmov) {
        if (s->kind == OPK_MEM) {
            return wide ? cmov_rm8 : cmov_rm4;
        }
        return s->kind == OPK_REG ? (wide ? cmov_rr8 : cmov_rr4) : NULL;
    }
    if (insn->exec == x86_op_imul && s->size == d->size &&
        (s->kind == OPK_REG || s->kind == OPK_MEM)) {
        static const X86ExecFn imul_forms[2][2][2] = {
            /* [three operands][memory][64-bit] */
            { { imul_rr4, imul_rr8 }, { imul_rm4, imul_rm8 } },
            { { imul_rri4, imul_rri8 }, { imul_rmi4, imul_rmi8 } },
        };
        return imul_forms[insn->op[2].kind == OPK_IMM]
                         [s->kind == OPK_MEM][wide];
    }
    return pick_shift(insn, wide);
}

/* Swap @insn's handler for a form from this file; false if none fits. */
bool x86_specialize_mem(X86Insn *insn)
{
    X86ExecFn fn = NULL;

    if (insn->lock) {
        return false;
    }
    for (unsigned k = 0; k < G_N_ELEMENTS(fm_families) && !fn; k++) {
        if (fm_families[k].generic == insn->exec) {
            fn = pick_alu(&fm_families[k], insn);
            if (!fn) {
                return false;
            }
        }
    }
    if (!fn && insn->exec == x86_op_setcc && insn->op[0].kind == OPK_REG) {
        fn = setcc_r;
    } else if (!fn && (insn->exec == x86_op_push ||
                       insn->exec == x86_op_pop)) {
        fn = pick_stack(insn);
    } else if (!fn && insn->exec == x86_op_mov) {
        fn = pick_mov(insn);
    } else if (!fn && (insn->exec == x86_op_movzx ||
                       insn->exec == x86_op_movsx ||
                       insn->exec == x86_op_movsxd)) {
        fn = pick_ext(insn);
    } else if (!fn) {
        fn = pick_misc(insn);
    }
    if (fn) {
        insn->exec = fn;
    }
    return fn != NULL;
}
