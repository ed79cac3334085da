/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x87-only operations on 80-bit values: partial remainders (FPREM,
 * FPREM1), FSCALE and FXTRACT.
 *
 * Spec: Intel SDM vol. 2 FPREM, FPREM1 (the operation sections, with the
 * implementation-dependent partial reduction), FSCALE (table 3-37 of
 * special cases), FXTRACT.
 */
#include "target/i386/fpu/softfloat-int.h"

/*
 * How far one partial FPREM step reduces the exponent difference: the
 * SDM allows 32..63; this is what the processors we compare with do.
 */
static int rem_partial_n(int32_t d)
{
    return 32 + (d % 32);
}

static Float80 pack_exact(FpEnv *env, bool sign, int32_t e_top, u128 v)
{
    FpEnv exact = *env;
    int lz;

    exact.prec = 64;
    if (!v) {
        return f80_make(sign, 0, 0);
    }
    lz = fp_clz128(v);
    Float80 r = fp_round_pack(&exact, FMT_F80, sign, e_top - lz, v << lz);
    env->flags |= exact.flags & ~(FP_PE | FP_C1);
    return r;
}

Float80 f80_rem(FpEnv *env, Float80 x, Float80 y, bool ieee,
                unsigned *quot, bool *partial)
{
    Unp a = fp_unpack(env, FMT_F80, x);
    Unp b = fp_unpack(env, FMT_F80, y);

    *quot = 0;
    *partial = false;
    if (a.cls >= UNP_QNAN || b.cls >= UNP_QNAN) {
        return fp_nan_result(env, FMT_F80, &a, &b, false);
    }
    if (a.cls == UNP_INF || b.cls == UNP_ZERO) {
        env->flags |= FP_IE;
        return f80_indefinite;
    }
    env->flags |= (a.denorm || b.denorm) ? FP_DE : 0;
    if (a.cls == UNP_ZERO || b.cls == UNP_INF) {
        return a.cls == UNP_ZERO ? f80_make(a.sign, 0, 0) :
               pack_exact(env, a.sign, a.exp, (u128)a.sig << 64);
    }
    int32_t d = a.exp - b.exp;
    int32_t eb = b.exp;
    if (d >= 64) {
        int n = rem_partial_n(d);
        eb += d - n;
        d = n;
        ieee = false;
        *partial = true;
    }
    if (d < -1) {
        return pack_exact(env, a.sign, a.exp, (u128)a.sig << 64);
    }
    u128 big_a = (u128)a.sig << (d + 1);
    u128 big_b = (u128)b.sig << 1;
    u128 q = big_a / big_b;
    u128 r = big_a % big_b;
    bool sign = a.sign;
    if (ieee && (2 * r > big_b || (2 * r == big_b && (q & 1)))) {
        r = big_b - r;
        q++;
        sign = !sign;
    }
    if (!*partial) {
        *quot = (unsigned)(q & 7);
    }
    if (!r) {
        return f80_make(a.sign, 0, 0);
    }
    /* value = r * 2^(eb - 64) */
    return pack_exact(env, sign, eb + 63, r);
}

Float80 f80_scale(FpEnv *env, Float80 x, Float80 y)
{
    Unp a = fp_unpack(env, FMT_F80, x);
    Unp b = fp_unpack(env, FMT_F80, y);

    if (a.cls >= UNP_QNAN || b.cls >= UNP_QNAN) {
        return fp_nan_result(env, FMT_F80, &a, &b, false);
    }
    if (b.cls == UNP_INF) {
        bool bad = b.sign ? a.cls == UNP_INF : a.cls == UNP_ZERO;
        if (bad) {
            env->flags |= FP_IE;
            return f80_indefinite;
        }
        env->flags |= a.denorm ? FP_DE : 0;
        if (a.cls == UNP_ZERO || a.cls == UNP_INF) {
            return fp_pack_special(FMT_F80, a.sign, a.cls, 0);
        }
        return fp_pack_special(FMT_F80, a.sign,
                               b.sign ? UNP_ZERO : UNP_INF, 0);
    }
    env->flags |= (a.denorm || b.denorm) ? FP_DE : 0;
    if (a.cls != UNP_FINITE) {
        return fp_pack_special(FMT_F80, a.sign, a.cls, 0);
    }
    int32_t n = 0;
    if (b.cls == UNP_FINITE && b.exp >= 0) {
        n = b.exp > 20 ? 1 << 20 : (int32_t)(b.sig >> (63 - b.exp));
        if (b.sign) {
            n = -n;
        }
    }
    /* FSCALE ignores precision control (checked against hardware). */
    FpEnv e64 = *env;
    e64.prec = 64;
    Float80 r = fp_round_pack(&e64, FMT_F80, a.sign, a.exp + n,
                              (u128)a.sig << 64);
    env->flags = e64.flags;
    return r;
}

Float80 f80_xtract(FpEnv *env, Float80 x, Float80 *exp)
{
    Unp a = fp_unpack(env, FMT_F80, x);

    if (a.cls >= UNP_QNAN) {
        Float80 r = fp_nan_result(env, FMT_F80, &a, NULL, false);
        *exp = r;
        return r;
    }
    if (a.cls == UNP_ZERO) {
        env->flags |= FP_ZE;
        *exp = f80_make(true, 0x7fff, 1ull << 63);
        return f80_make(a.sign, 0, 0);
    }
    if (a.cls == UNP_INF) {
        *exp = f80_make(false, 0x7fff, 1ull << 63);
        return f80_make(a.sign, 0x7fff, 1ull << 63);
    }
    env->flags |= a.denorm ? FP_DE : 0;
    *exp = f80_from_i64(a.exp);
    return f80_make(a.sign, 0x3fff, a.sig);
}
