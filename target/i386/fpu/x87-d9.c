/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The D9 E0-FF group of the x87: sign operations, FTST, FXAM, the
 * constants, the transcendentals, FXTRACT, FPREM/FPREM1, TOP adjustment,
 * FSQRT, FRNDINT, FSCALE.
 *
 * Spec: Intel SDM vol. 2 appendix A table A-10 (D9 with ModRM >= C0) and
 * the instruction pages (condition codes: FXAM's table of classes, C2 of
 * FPTAN/FSIN/FCOS/FSINCOS for out-of-range operands, C0/C3/C1 quotient
 * bits and C2 of FPREM/FPREM1).
 */
#include "target/i386/fpu/x87-int.h"

typedef X87Exit X87GroupFn(X87State *s);

/* Unary operation on ST(0) with the usual underflow handling. */
static X87Exit unary(X87State *s, Float80 (*fn)(FpEnv *, Float80))
{
    FpEnv e = x87_env(s);
    Float80 r;

    if (x87_st_empty(s, 0)) {
        if (x87_stack_fault(s, false)) {
            x87_set_st(s, 0, f80_indefinite);
        }
        return X87_OK;
    }
    r = fn(&e, x87_st(s, 0));
    if (x87_finish(s, &e)) {
        x87_set_st(s, 0, r);
    }
    return X87_OK;
}

static Float80 do_chs(FpEnv *e, Float80 a)
{
    a.se ^= 0x8000;
    return a;
}

static Float80 do_abs(FpEnv *e, Float80 a)
{
    a.se &= 0x7fff;
    return a;
}

static X87Exit g_fchs(X87State *s)
{
    return unary(s, do_chs);
}

static X87Exit g_fabs(X87State *s)
{
    return unary(s, do_abs);
}

static X87Exit g_fsqrt(X87State *s)
{
    return unary(s, f80_sqrt);
}

static X87Exit g_frndint(X87State *s)
{
    return unary(s, f80_round_int);
}

static X87Exit g_f2xm1(X87State *s)
{
    return unary(s, f80_f2xm1);
}

static X87Exit g_ftst(X87State *s)
{
    x87_set_c1(s, false);
    x87_compare(s, f80_make(false, 0, 0), false, false);
    return X87_OK;
}

static X87Exit g_fxam(X87State *s)
{
    static const unsigned cc[] = {
        [FP_CLASS_UNSUPPORTED] = 0,
        [FP_CLASS_QNAN] = X87_SW_C0,
        [FP_CLASS_SNAN] = X87_SW_C0,
        [FP_CLASS_NORMAL] = X87_SW_C2,
        [FP_CLASS_INF] = X87_SW_C2 | X87_SW_C0,
        [FP_CLASS_ZERO] = X87_SW_C3,
        [FP_CLASS_DENORMAL] = X87_SW_C3 | X87_SW_C2,
    };
    Float80 v = x87_st(s, 0);
    unsigned c = x87_st_empty(s, 0) ? X87_SW_C3 | X87_SW_C0 :
                 cc[f80_classify(v)];

    x87_set_cc(s, c | (f80_sign(v) ? X87_SW_C1 : 0));
    return X87_OK;
}

static X87Exit push_const(X87State *s, int which)
{
    FpEnv e = x87_env(s);

    x87_set_c1(s, false);
    x87_push(s, f80_const(&e, which));
    return X87_OK;
}

static X87Exit g_fld1(X87State *s) { return push_const(s, 0); }
static X87Exit g_fldl2t(X87State *s) { return push_const(s, 1); }
static X87Exit g_fldl2e(X87State *s) { return push_const(s, 2); }
static X87Exit g_fldpi(X87State *s) { return push_const(s, 3); }
static X87Exit g_fldlg2(X87State *s) { return push_const(s, 4); }
static X87Exit g_fldln2(X87State *s) { return push_const(s, 5); }
static X87Exit g_fldz(X87State *s) { return push_const(s, 6); }

/* Two operands ST(0), ST(1): returns false when the instruction ends. */
static bool need_st01(X87State *s, Float80 *a, Float80 *b, bool *under)
{
    *under = x87_st_empty(s, 0) || x87_st_empty(s, 1);
    if (*under) {
        return x87_stack_fault(s, false);
    }
    *a = x87_st(s, 0);
    *b = x87_st(s, 1);
    return true;
}

/* ST(1) = fn(ST(0), ST(1)), pop: FYL2X, FYL2XP1, FPATAN. */
static X87Exit into_st1_pop(X87State *s,
                            Float80 (*fn)(FpEnv *, Float80, Float80))
{
    FpEnv e = x87_env(s);
    Float80 a, b, r = f80_indefinite;
    bool under;

    if (!need_st01(s, &a, &b, &under)) {
        return X87_OK;
    }
    if (!under) {
        r = fn(&e, a, b);
        if (!x87_finish(s, &e)) {
            return X87_OK;
        }
    }
    x87_set_st(s, 1, r);
    x87_pop(s);
    return X87_OK;
}

static Float80 do_atan(FpEnv *e, Float80 x, Float80 y)
{
    return f80_atan2(e, y, x);
}

static X87Exit g_fyl2x(X87State *s) { return into_st1_pop(s, f80_yl2x); }
static X87Exit g_fyl2xp1(X87State *s) { return into_st1_pop(s, f80_yl2xp1); }
static X87Exit g_fpatan(X87State *s) { return into_st1_pop(s, do_atan); }

static X87Exit g_fscale(X87State *s)
{
    FpEnv e = x87_env(s);
    Float80 a, b, r = f80_indefinite;
    bool under;

    if (!need_st01(s, &a, &b, &under)) {
        return X87_OK;
    }
    if (!under) {
        r = f80_scale(&e, a, b);
        if (!x87_finish(s, &e)) {
            return X87_OK;
        }
    }
    x87_set_st(s, 0, r);
    return X87_OK;
}

static X87Exit prem(X87State *s, bool ieee)
{
    FpEnv e = x87_env(s);
    Float80 a, b, r = f80_indefinite;
    unsigned q = 0;
    bool under, partial = false;

    /* C1 and C2 are cleared first; C0 and C3 only change with a numeric
     * result (a fault or a NaN result leaves them). */
    s->fsw &= (uint16_t)~(X87_SW_C1 | X87_SW_C2);
    if (!need_st01(s, &a, &b, &under)) {
        return X87_OK;
    }
    if (!under) {
        r = f80_rem(&e, a, b, ieee, &q, &partial);
        if (!x87_raise(s, e.flags)) {
            return X87_OK;
        }
        if (f80_classify(r) != FP_CLASS_QNAN) {
            x87_set_cc(s, (q & 4 ? X87_SW_C0 : 0) | (q & 2 ? X87_SW_C3 : 0) |
                          (q & 1 ? X87_SW_C1 : 0) |
                          (partial ? X87_SW_C2 : 0));
        }
    }
    x87_set_st(s, 0, r);
    return X87_OK;
}

static X87Exit g_fprem(X87State *s) { return prem(s, false); }
static X87Exit g_fprem1(X87State *s) { return prem(s, true); }

/* ST(0) = first, then push second: FXTRACT, FPTAN, FSINCOS. */
static X87Exit replace_push(X87State *s, Float80 first, Float80 second)
{
    x87_set_st(s, 0, first);
    x87_push(s, second);
    return X87_OK;
}

/* A masked stack fault of FXTRACT/FPTAN/FSINCOS: two indefinites. */
static void fault_push(X87State *s)
{
    x87_set_st(s, 0, f80_indefinite);
    s->top = (s->top - 1) & 7;
    x87_set_st(s, 0, f80_indefinite);
}

/* Checks shared by FXTRACT/FPTAN/FSINCOS: ST(0) valid, ST(7) empty. */
static bool need_st0_room(X87State *s)
{
    x87_set_c1(s, false);
    if (x87_st_empty(s, 0)) {
        if (x87_stack_fault(s, false)) {
            fault_push(s);
        }
        return false;
    }
    if (!x87_st_empty(s, 7)) {
        if (x87_stack_fault(s, true)) {
            fault_push(s);
        }
        return false;
    }
    return true;
}

static X87Exit g_fxtract(X87State *s)
{
    FpEnv e = x87_env(s);
    Float80 sig, ex;

    if (!need_st0_room(s)) {
        return X87_OK;
    }
    sig = f80_xtract(&e, x87_st(s, 0), &ex);
    if (!x87_finish(s, &e)) {
        return X87_OK;
    }
    return replace_push(s, ex, sig);
}

static bool st0_present(X87State *s)
{
    if (!x87_st_empty(s, 0)) {
        return true;
    }
    if (x87_stack_fault(s, false)) {
        x87_set_st(s, 0, f80_indefinite);
    }
    return false;
}

enum { TRIG_SIN, TRIG_COS, TRIG_TAN, TRIG_SINCOS };

/* C2 = out of range (operand unchanged), C1 = rounded up. */
static bool trig_cc(X87State *s, const FpEnv *e, bool oor)
{
    x87_set_cc(s, (s->fsw & (X87_SW_C0 | X87_SW_C3)) |
                  (oor ? X87_SW_C2 : 0) |
                  (e->flags & FP_C1 ? X87_SW_C1 : 0));
    return !oor && x87_raise(s, e->flags);
}

static X87Exit trig(X87State *s, int kind)
{
    FpEnv e = x87_env(s);
    Float80 x, r1, r2 = f80_make(false, 0x3fff, 1ull << 63);
    bool oor = false;

    if (kind >= TRIG_TAN ? !need_st0_room(s) : !st0_present(s)) {
        return X87_OK;
    }
    x = x87_st(s, 0);
    switch (kind) {
    case TRIG_SIN:
        r1 = f80_sin(&e, x, &oor);
        break;
    case TRIG_COS:
        r1 = f80_cos(&e, x, &oor);
        break;
    case TRIG_TAN:
        r1 = f80_tan(&e, x, &oor);
        break;
    default:
        r1 = f80_sin(&e, x, &oor);
        r2 = f80_cos(&e, x, &oor);
        break;
    }
    if (!trig_cc(s, &e, oor)) {
        return X87_OK;
    }
    if (kind <= TRIG_COS) {
        x87_set_st(s, 0, r1);
        return X87_OK;
    }
    return replace_push(s, r1, r2);
}

static X87Exit g_fsin(X87State *s) { return trig(s, TRIG_SIN); }
static X87Exit g_fcos(X87State *s) { return trig(s, TRIG_COS); }
static X87Exit g_fptan(X87State *s) { return trig(s, TRIG_TAN); }
static X87Exit g_fsincos(X87State *s) { return trig(s, TRIG_SINCOS); }

static X87Exit g_fdecstp(X87State *s)
{
    x87_set_c1(s, false);
    s->top = (s->top - 1) & 7;
    return X87_OK;
}

static X87Exit g_fincstp(X87State *s)
{
    x87_set_c1(s, false);
    s->top = (s->top + 1) & 7;
    return X87_OK;
}

static X87GroupFn *const group_table[32] = {
    [0x00] = g_fchs, [0x01] = g_fabs, [0x04] = g_ftst, [0x05] = g_fxam,
    [0x08] = g_fld1, [0x09] = g_fldl2t, [0x0a] = g_fldl2e,
    [0x0b] = g_fldpi, [0x0c] = g_fldlg2, [0x0d] = g_fldln2, [0x0e] = g_fldz,
    [0x10] = g_f2xm1, [0x11] = g_fyl2x, [0x12] = g_fptan,
    [0x13] = g_fpatan, [0x14] = g_fxtract, [0x15] = g_fprem1,
    [0x16] = g_fdecstp, [0x17] = g_fincstp, [0x18] = g_fprem,
    [0x19] = g_fyl2xp1, [0x1a] = g_fsqrt, [0x1b] = g_fsincos,
    [0x1c] = g_frndint, [0x1d] = g_fscale, [0x1e] = g_fsin,
    [0x1f] = g_fcos,
};

X87Exit x87_exec_d9_group(X87State *s, int n, uint32_t *eflags)
{
    if (n < 0 || n >= 32 || !group_table[n]) {
        return X87_UD;
    }
    return group_table[n](s);
}
