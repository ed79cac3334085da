/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x87 register stack: TOP, tags, the status and control words, stack
 * faults, exception reporting (masked responses, ES/B for #MF), and the
 * common shapes of x87 instructions (load/push, arithmetic with ST(0),
 * compares, stores) on which x87-exec.c builds the opcode tables.
 *
 * Spec: Intel SDM vol. 1 8.1 (registers, FSW, FCW, tag word, TOP),
 * 8.1.3.3 (C1 on stack faults and rounding), 8.5.1.1 (stack overflow and
 * underflow), 8.6 (unmasked exceptions: no result for IE/DE/ZE, the
 * 24576-adjusted result for OE/UE), 9.5 (MMX aliasing).
 */
#include <string.h>

#include "target/i386/fpu/x87-int.h"

enum { SW_FLAGS = 0x3f, SW_CC = X87_SW_C0 | X87_SW_C1 | X87_SW_C2 |
       X87_SW_C3 };

static const uint8_t pc_bits[4] = { 24, 64, 53, 64 };

void x87_reset(X87State *s)
{
    memset(s, 0, sizeof(*s));
    s->fcw = 0x037f;
    s->empty = 0xff;
}

void x87_finit(X87State *s)
{
    Float80 regs[8];

    memcpy(regs, s->regs, sizeof(regs));
    x87_reset(s);
    memcpy(s->regs, regs, sizeof(regs));
}

uint16_t x87_fsw(const X87State *s)
{
    return (uint16_t)((s->fsw & ~(7u << X87_SW_TOP_SHIFT)) |
                      ((s->top & 7u) << X87_SW_TOP_SHIFT));
}

void x87_set_fsw(X87State *s, uint16_t fsw)
{
    s->top = (fsw >> X87_SW_TOP_SHIFT) & 7;
    s->fsw = fsw & ~(7u << X87_SW_TOP_SHIFT);
}

static int tag_of(Float80 v)
{
    uint16_t e = v.se & 0x7fff;

    if (e == 0x7fff) {
        return X87_TAG_SPECIAL;
    }
    if (e == 0) {
        return v.mant ? X87_TAG_SPECIAL : X87_TAG_ZERO;
    }
    return (v.mant >> 63) ? X87_TAG_VALID : X87_TAG_SPECIAL;
}

uint16_t x87_tag_word(const X87State *s)
{
    uint16_t tw = 0;

    for (int i = 0; i < 8; i++) {
        int t = (s->empty >> i) & 1 ? X87_TAG_EMPTY : tag_of(s->regs[i]);
        tw |= (uint16_t)(t << (2 * i));
    }
    return tw;
}

void x87_set_tag_word(X87State *s, uint16_t ftw)
{
    s->empty = 0;
    for (int i = 0; i < 8; i++) {
        if (((ftw >> (2 * i)) & 3) == X87_TAG_EMPTY) {
            s->empty |= 1u << i;
        }
    }
}

void x87_set_pointers(X87State *s, uint16_t fop, uint16_t cs, uint64_t ip,
                      uint16_t ds, uint64_t dp)
{
    s->fop = fop & 0x7ff;
    s->fcs = cs;
    s->fip = ip;
    s->fds = ds;
    s->fdp = dp;
}

static int phys(const X87State *s, int i)
{
    return (s->top + i) & 7;
}

Float80 x87_st(const X87State *s, int i)
{
    return s->regs[phys(s, i)];
}

void x87_set_st(X87State *s, int i, Float80 v)
{
    int p = phys(s, i);

    s->regs[p] = v;
    s->empty &= (uint8_t)~(1u << p);
}

bool x87_st_empty(const X87State *s, int i)
{
    return (s->empty >> phys(s, i)) & 1;
}

FpEnv x87_env(const X87State *s)
{
    FpEnv e = {
        .round = (s->fcw >> X87_CW_RC_SHIFT) & 3,
        .prec = pc_bits[(s->fcw >> X87_CW_PC_SHIFT) & 3],
        .masks = s->fcw & X87_CW_MASKS,
    };
    return e;
}

void x87_set_fcw(X87State *s, uint16_t fcw)
{
    s->fcw = (uint16_t)((fcw & X87_CW_WRITABLE) | X87_CW_ONES);
    x87_update_es(s);
}

void x87_update_es(X87State *s)
{
    if (s->fsw & ~s->fcw & SW_FLAGS) {
        s->fsw |= X87_SW_ES | X87_SW_B;
    } else {
        s->fsw &= (uint16_t)~(X87_SW_ES | X87_SW_B);
    }
}

bool x87_raise(X87State *s, unsigned flags)
{
    /* An unmasked pre-computation exception stops the operation before
     * overflow, underflow or precision could be detected. */
    if (flags & ~s->fcw & (FP_IE | FP_DE | FP_ZE)) {
        flags &= FP_IE | FP_DE | FP_ZE | X87_SW_SF;
    }
    s->fsw |= flags & (SW_FLAGS | X87_SW_SF);
    x87_update_es(s);
    return !(flags & ~s->fcw & (FP_IE | FP_DE | FP_ZE));
}

void x87_set_c1(X87State *s, bool c1)
{
    s->fsw = (uint16_t)((s->fsw & ~X87_SW_C1) | (c1 ? X87_SW_C1 : 0));
}

void x87_set_cc(X87State *s, unsigned cc)
{
    s->fsw = (uint16_t)((s->fsw & ~SW_CC) | (cc & SW_CC));
}

bool x87_finish(X87State *s, const FpEnv *e)
{
    if (x87_raise(s, e->flags)) {
        x87_set_c1(s, e->flags & FP_C1);
        return true;
    }
    x87_set_c1(s, false);
    return false;
}

bool x87_stack_fault(X87State *s, bool overflow)
{
    x87_set_c1(s, overflow);
    return x87_raise(s, FP_IE | X87_SW_SF);
}

void x87_push(X87State *s, Float80 v)
{
    int p = (s->top - 1) & 7;

    if (!((s->empty >> p) & 1)) {
        if (!x87_stack_fault(s, true)) {
            return;
        }
        v = f80_indefinite;
    }
    s->top = (uint8_t)p;
    x87_set_st(s, 0, v);
}

void x87_pop(X87State *s)
{
    s->empty |= (uint8_t)(1u << s->top);
    s->top = (s->top + 1) & 7;
}

static Float80 arith_op(FpEnv *e, X87Arith op, Float80 d, Float80 src)
{
    if (op == X87_SUBR || op == X87_DIVR) {
        e->denormal_arg = e->denormal_arg ? 1 : 0;   /* src comes first */
    }
    switch (op) {
    case X87_ADD:
        return f80_add(e, d, src);
    case X87_MUL:
        return f80_mul(e, d, src);
    case X87_SUB:
        return f80_sub(e, d, src);
    case X87_SUBR:
        return f80_sub(e, src, d);
    case X87_DIV:
        return f80_div(e, d, src);
    default:
        return f80_div(e, src, d);
    }
}

void x87_arith_env(X87State *s, FpEnv *e, X87Arith op, int dst, Float80 src,
                   bool src_empty, bool pop)
{
    Float80 r;

    if (op == X87_COM || op == X87_COMP) {
        if (x87_compare_env(s, e, src, src_empty, false) &&
            op == X87_COMP) {
            x87_pop(s);
        }
        return;
    }
    if (src_empty || x87_st_empty(s, dst)) {
        if (!x87_stack_fault(s, false)) {
            return;
        }
        r = f80_indefinite;
    } else {
        r = arith_op(e, op, x87_st(s, dst), src);
        if (!x87_finish(s, e)) {
            return;
        }
    }
    x87_set_st(s, dst, r);
    if (pop) {
        x87_pop(s);
    }
}

void x87_arith(X87State *s, X87Arith op, int dst, Float80 src,
               bool src_empty, bool pop)
{
    FpEnv e = x87_env(s);

    x87_arith_env(s, &e, op, dst, src, src_empty, pop);
}

unsigned x87_rel_cc(FpRel rel)
{
    static const unsigned cc[] = {
        [FP_REL_LESS] = X87_SW_C0,
        [FP_REL_EQUAL] = X87_SW_C3,
        [FP_REL_GREATER] = 0,
        [FP_REL_UNORDERED] = X87_SW_C0 | X87_SW_C2 | X87_SW_C3,
    };
    return cc[rel];
}

bool x87_compare_env(X87State *s, FpEnv *e, Float80 src, bool src_empty,
                     bool quiet)
{
    FpRel rel = FP_REL_UNORDERED;
    bool ok;

    if (src_empty || x87_st_empty(s, 0)) {
        ok = x87_stack_fault(s, false);
    } else {
        rel = f80_compare(e, x87_st(s, 0), src, quiet);
        ok = x87_raise(s, e->flags);
    }
    /* The condition codes are written even when the exception is
     * unmasked. */
    x87_set_cc(s, x87_rel_cc(rel));
    return ok;
}

void x87_compare(X87State *s, Float80 src, bool src_empty, bool quiet)
{
    FpEnv e = x87_env(s);

    x87_compare_env(s, &e, src, src_empty, quiet);
}

void x87_mmx_enter(X87State *s)
{
    s->top = 0;
    s->empty = 0;
}

void x87_mmx_write(X87State *s, int n, uint64_t v)
{
    s->regs[n & 7].mant = v;
    s->regs[n & 7].se = 0xffff;
}

void x87_emms(X87State *s)
{
    s->empty = 0xff;
}
