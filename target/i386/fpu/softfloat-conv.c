/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Soft-float conversions: between the three floating-point formats,
 * to and from signed integers (FILD/FIST/FISTTP, CVTSI2SS, CVTSS2SI ...),
 * and 18-digit packed BCD (FBLD/FBSTP).
 *
 * Spec: Intel SDM vol. 1 4.2.1 (integer indefinite), 4.7 (packed BCD and
 * the BCD indefinite, table 4-4), 4.8.3.7 (QNaN floating-point
 * indefinite), vol. 2 FIST/FISTP, FISTTP, FBSTP, CVTSS2SI, CVTSD2SS.
 */
#include "target/i386/fpu/softfloat-int.h"

static Float80 convert(FpEnv *env, FpFmt from, FpFmt to, Float80 v,
                       bool exact)
{
    Unp a = fp_unpack(env, from, v);
    FpEnv e64 = *env;

    if (a.cls == UNP_SNAN && exact) {
        /* Widening into the x87 keeps the SNaN for the consumer. */
        return fp_pack_special(to, a.sign, UNP_QNAN, a.sig);
    }
    if (a.cls >= UNP_QNAN) {
        return fp_nan_result(env, to, &a, NULL, from != FMT_F80);
    }
    if (a.cls != UNP_FINITE) {
        return fp_pack_special(to, a.sign, a.cls, 0);
    }
    /* Narrowing an x87 denormal does not report DE on real hardware. */
    env->flags |= a.denorm && from != FMT_F80 ? FP_DE : 0;
    if (exact) {
        e64.prec = 64;
        return fp_pack_unp(&e64, to, a);
    }
    return fp_pack_unp(env, to, a);
}

Float80 f80_from_f32(FpEnv *env, uint32_t a)
{
    Float80 r = convert(env, FMT_F32, FMT_F80, fp_bits(a), true);

    if (f32_is_snan(a)) {
        r.mant &= ~(1ull << 62);
    }
    return r;
}

Float80 f80_from_f64(FpEnv *env, uint64_t a)
{
    Float80 r = convert(env, FMT_F64, FMT_F80, fp_bits(a), true);

    if (f64_is_snan(a)) {
        r.mant &= ~(1ull << 62);
    }
    return r;
}

uint32_t f80_to_f32(FpEnv *env, Float80 a)
{
    return (uint32_t)convert(env, FMT_F80, FMT_F32, a, false).mant;
}

uint64_t f80_to_f64(FpEnv *env, Float80 a)
{
    return convert(env, FMT_F80, FMT_F64, a, false).mant;
}

uint64_t f32_to_f64(FpEnv *env, uint32_t a)
{
    return convert(env, FMT_F32, FMT_F64, fp_bits(a), false).mant;
}

uint32_t f64_to_f32(FpEnv *env, uint64_t a)
{
    return (uint32_t)convert(env, FMT_F64, FMT_F32, fp_bits(a), false).mant;
}

static Float80 from_int(FpEnv *env, FpFmt fmt, int64_t a)
{
    uint64_t m = a < 0 ? -(uint64_t)a : (uint64_t)a;

    if (!m) {
        return fp_pack_special(fmt, false, UNP_ZERO, 0);
    }
    int lz = __builtin_clzll(m);
    return fp_round_pack(env, fmt, a < 0, 63 - lz, (u128)(m << lz) << 64);
}

Float80 f80_from_i64(int64_t a)
{
    FpEnv env = { .prec = 64 };

    return from_int(&env, FMT_F80, a);
}

uint32_t i64_to_f32(FpEnv *env, int64_t a)
{
    return (uint32_t)from_int(env, FMT_F32, a).mant;
}

uint64_t i64_to_f64(FpEnv *env, int64_t a)
{
    return from_int(env, FMT_F64, a).mant;
}

static int64_t to_int(FpEnv *env, FpFmt fmt, Float80 v, int bits, bool trunc)
{
    Unp a = fp_unpack(env, fmt, v);
    int64_t indefinite = (int64_t)((uint64_t)1 << (bits - 1));
    u128 ip;
    bool half, sticky, up;
    int rc = trunc ? FP_ROUND_ZERO : env->round;

    if (a.cls != UNP_FINITE && a.cls != UNP_ZERO) {
        env->flags |= FP_IE;
        return indefinite;
    }
    if (a.cls == UNP_ZERO) {
        return 0;
    }
    if (a.exp >= 64) {
        env->flags |= FP_IE;
        return indefinite;
    }
    if (a.exp < 0) {
        ip = 0;
        half = a.exp == -1;
        sticky = a.exp < -1 || (a.sig << 1) != 0;
    } else {
        int sh = 63 - a.exp;
        uint64_t rest = sh ? a.sig << (64 - sh) : 0;
        ip = sh ? a.sig >> sh : a.sig;
        half = rest >> 63;
        sticky = (rest << 1) != 0;
    }
    switch (rc) {
    case FP_ROUND_NEAREST:
        up = half && (sticky || (ip & 1));
        break;
    case FP_ROUND_DOWN:
        up = a.sign && (half || sticky);
        break;
    case FP_ROUND_UP:
        up = !a.sign && (half || sticky);
        break;
    default:
        up = false;
        break;
    }
    ip += up;
    u128 limit = (u128)1 << (bits - 1);
    if (a.sign ? ip > limit : ip >= limit) {
        env->flags |= FP_IE;
        return indefinite;
    }
    if (half || sticky) {
        env->flags |= FP_PE | (up ? FP_C1 : 0);
    }
    return a.sign ? (int64_t)(0 - (uint64_t)ip) : (int64_t)ip;
}

int64_t f80_to_int(FpEnv *env, Float80 a, int bits, bool trunc)
{
    return to_int(env, FMT_F80, a, bits, trunc);
}

int64_t f32_to_int(FpEnv *env, uint32_t a, int bits, bool trunc)
{
    return to_int(env, FMT_F32, fp_bits(a), bits, trunc);
}

int64_t f64_to_int(FpEnv *env, uint64_t a, int bits, bool trunc)
{
    return to_int(env, FMT_F64, fp_bits(a), bits, trunc);
}

Float80 f80_from_bcd(uint64_t lo, uint16_t hi)
{
    uint64_t v = 0;
    Float80 r;

    for (int i = 1; i >= 0; i--) {
        v = v * 10 + ((hi >> (4 * i)) & 0xf);
    }
    for (int i = 15; i >= 0; i--) {
        v = v * 10 + ((lo >> (4 * i)) & 0xf);
    }
    r = f80_from_i64((int64_t)v);
    if (hi & 0x8000) {
        r.se |= 0x8000;
    }
    return r;
}

void f80_to_bcd(FpEnv *env, Float80 a, uint64_t *lo, uint16_t *hi)
{
    FpEnv tmp = *env;
    Unp u = fp_unpack(env, FMT_F80, a);
    int64_t v;
    uint64_t m, out = 0;

    tmp.flags = 0;
    v = to_int(&tmp, FMT_F80, a, 64, false);
    m = v < 0 ? -(uint64_t)v : (uint64_t)v;
    if ((tmp.flags & FP_IE) || m > 999999999999999999ull) {
        env->flags |= FP_IE;
        *lo = 0xC000000000000000ull;
        *hi = 0xFFFF;
        return;
    }
    env->flags |= tmp.flags;
    for (int i = 0; i < 16; i++) {
        out |= (m % 10) << (4 * i);
        m /= 10;
    }
    *lo = out;
    *hi = (uint16_t)((m % 10) | ((m / 10) << 4) | (u.sign ? 0x8000 : 0));
}
