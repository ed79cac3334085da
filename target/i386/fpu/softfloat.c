/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Soft-float core: unpacking of the three x86 formats, rounding, and the
 * basic operations (add, subtract, multiply, divide, square root) on the
 * unpacked form, with the x87 and SSE front ends for them.
 *
 * Spec: Intel SDM vol. 1 4.2.2 (formats), 4.8.3 (NaNs, table 4-7 NaN
 * rules), 4.8.4 (rounding), 4.9.1 (exception conditions), 8.1.5.2
 * (precision control: the exponent range stays that of the 80-bit
 * format), 8.2.2 (unsupported encodings), 8.5.4-5 (the unmasked x87
 * overflow/underflow responses, exponent adjusted by 24576),
 * 10.2.3.3-4 (FTZ, DAZ).  Tininess is detected after rounding.
 */
#include "target/i386/fpu/softfloat-int.h"

const Float80 f80_indefinite = { 0xC000000000000000ull, 0xFFFF };

typedef struct FmtInfo {
    int frac_bits;     /* stored fraction bits */
    int bias;
    int exp_max;       /* all-ones biased exponent */
} FmtInfo;

static const FmtInfo fmt_info[] = {
    [FMT_F32] = { 23, 127, 0xff },
    [FMT_F64] = { 52, 1023, 0x7ff },
    [FMT_F80] = { 63, 16383, 0x7fff },
};

#define X87_BIAS_ADJUST 24576

u128 fp_shr_jam(u128 v, int n)
{
    if (n <= 0) {
        return v;
    }
    if (n >= 128) {
        return v != 0;
    }
    return (v >> n) | ((v << (128 - n)) != 0);
}

static Unp unpack_f80(Float80 v)
{
    Unp u = { .sign = v.se >> 15, .exp = v.se & 0x7fff, .sig = v.mant };
    bool j = v.mant >> 63;

    if (u.exp == 0x7fff) {
        if (!j) {
            u.cls = UNP_INVALID;
        } else if (!(v.mant << 1)) {
            u.cls = UNP_INF;
        } else {
            u.cls = (v.mant >> 62) & 1 ? UNP_QNAN : UNP_SNAN;
        }
        return u;
    }
    if (u.exp == 0) {
        if (!v.mant) {
            u.cls = UNP_ZERO;
            return u;
        }
        /* Denormal or pseudo-denormal: the exponent reads as 1. */
        u.denorm = true;
        u.exp = 1;
    } else if (!j) {
        u.cls = UNP_INVALID;      /* unnormal */
        return u;
    }
    u.cls = UNP_FINITE;
    int lz = __builtin_clzll(u.sig);
    u.sig <<= lz;
    u.exp = u.exp - 16383 - lz;
    return u;
}

static Unp unpack_ieee(FpFmt fmt, uint64_t bits)
{
    const FmtInfo *f = &fmt_info[fmt];
    int width = f->frac_bits + (fmt == FMT_F32 ? 9 : 12);
    Unp u = { .sign = (bits >> (width - 1)) & 1 };
    int e = (bits >> f->frac_bits) & f->exp_max;
    uint64_t frac = bits & ((1ull << f->frac_bits) - 1);
    int sh = 63 - f->frac_bits;

    if (e == f->exp_max) {
        u.sig = (1ull << 63) | (frac << sh);
        if (!frac) {
            u.cls = UNP_INF;
        } else {
            u.cls = (frac >> (f->frac_bits - 1)) ? UNP_QNAN : UNP_SNAN;
        }
        return u;
    }
    if (e == 0) {
        if (!frac) {
            u.cls = UNP_ZERO;
            return u;
        }
        u.denorm = true;
        u.cls = UNP_FINITE;
        int lz = __builtin_clzll(frac);
        u.sig = frac << lz;
        u.exp = 1 - f->bias - (lz - sh);
        return u;
    }
    u.cls = UNP_FINITE;
    u.sig = (1ull << 63) | (frac << sh);
    u.exp = e - f->bias;
    return u;
}

Unp fp_unpack(const FpEnv *env, FpFmt fmt, Float80 v)
{
    Unp u = fmt == FMT_F80 ? unpack_f80(v) : unpack_ieee(fmt, v.mant);

    if (u.denorm && env->daz && fmt != FMT_F80) {
        u.cls = UNP_ZERO;
        u.denorm = false;
    }
    return u;
}

Float80 fp_pack_special(FpFmt fmt, bool sign, int cls, uint64_t sig)
{
    const FmtInfo *f = &fmt_info[fmt];
    uint64_t e = 0, frac = 0;

    if (cls == UNP_INF) {
        e = f->exp_max;
    } else if (cls == UNP_QNAN || cls == UNP_SNAN) {
        e = f->exp_max;
        frac = (sig << 1) >> (64 - f->frac_bits);
    }
    if (fmt == FMT_F80) {
        return f80_make(sign, e, e ? (1ull << 63) | frac : 0);
    }
    int width = f->frac_bits + (fmt == FMT_F32 ? 9 : 12);
    return fp_bits(((uint64_t)sign << (width - 1)) | (e << f->frac_bits) |
                   frac);
}

Float80 fp_default_nan(FpFmt fmt)
{
    return fp_pack_special(fmt, true, UNP_QNAN, 0xC000000000000000ull);
}

static bool round_up(int rc, bool sign, bool lsb, bool half, bool sticky)
{
    switch (rc) {
    case FP_ROUND_NEAREST:
        return half && (sticky || lsb);
    case FP_ROUND_DOWN:
        return sign && (half || sticky);
    case FP_ROUND_UP:
        return !sign && (half || sticky);
    default:
        return false;
    }
}

/* Round sig (bit 127 set or below, for denormals) to @prec bits. */
static uint64_t round_sig(FpEnv *env, bool sign, u128 sig, int prec,
                          bool *inexact, bool *up)
{
    uint64_t m = (uint64_t)(sig >> (128 - prec));
    u128 rest = sig << prec;
    bool half = rest >> 127;
    bool sticky = (rest << 1) != 0;

    *inexact = half || sticky;
    *up = round_up(env->round, sign, m & 1, half, sticky);
    return m + *up;
}

static Float80 pack_fields(FpFmt fmt, bool sign, int bexp, uint64_t m,
                           int prec)
{
    const FmtInfo *f = &fmt_info[fmt];

    if (fmt == FMT_F80) {
        return f80_make(sign, bexp, m << (64 - prec));
    }
    int width = f->frac_bits + (fmt == FMT_F32 ? 9 : 12);
    return fp_bits(((uint64_t)sign << (width - 1)) |
                   ((uint64_t)bexp << f->frac_bits) |
                   (m & ((1ull << f->frac_bits) - 1)));
}

static Float80 overflow_result(FpEnv *env, FpFmt fmt, bool sign, int prec)
{
    const FmtInfo *f = &fmt_info[fmt];
    bool to_inf;

    switch (env->round) {
    case FP_ROUND_NEAREST:
        to_inf = true;
        break;
    case FP_ROUND_DOWN:
        to_inf = sign;
        break;
    case FP_ROUND_UP:
        to_inf = !sign;
        break;
    default:
        to_inf = false;
        break;
    }
    env->flags |= FP_OE | FP_PE;
    if (to_inf) {
        env->flags |= FP_C1;
        return fp_pack_special(fmt, sign, UNP_INF, 0);
    }
    return pack_fields(fmt, sign, f->exp_max - 1, (prec == 64 ? ~0ull :
                       (1ull << prec) - 1), prec);
}

static Float80 round_tiny(FpEnv *env, FpFmt fmt, bool sign, int32_t exp,
                          u128 sig, int prec, int emin)
{
    bool inexact, up;
    bool x87_unmasked = fmt == FMT_F80 && !(env->masks & FP_UE);
    /* Tininess after rounding: does rounding at unbounded range reach
     * 2^emin? */
    uint64_t m = round_sig(env, sign, sig, prec, &inexact, &up);
    bool carry = prec < 64 ? (m >> prec) != 0 : (m == 0 && up);
    bool tiny = !(exp == emin - 1 && carry);

    if (x87_unmasked && tiny && exp + X87_BIAS_ADJUST >= emin) {
        env->flags |= FP_UE;
        return fp_round_pack(env, fmt, sign, exp + X87_BIAS_ADJUST, sig);
    }
    if (x87_unmasked && tiny) {
        /* Too small even for the wrapped exponent (FSCALE): a zero of
         * the result's sign, as the hardware gives. */
        env->flags |= FP_UE | FP_PE;
        return pack_fields(fmt, sign, 0, 0, prec);
    }
    if (!tiny) {
        /* Rounds up to the smallest normal. */
        env->flags |= FP_PE | FP_C1;
        return pack_fields(fmt, sign, 1, 1ull << (prec - 1), prec);
    }
    if (env->ftz && (env->masks & FP_UE)) {
        /* Flush to zero: any tiny result, exact or not (SDM 10.2.3.3). */
        env->flags |= FP_UE | FP_PE;
        return pack_fields(fmt, sign, 0, 0, prec);
    }
    if (fmt != FMT_F80 && !(env->masks & FP_UE)) {
        /* Unmasked (SSE #XM, x87 store): UE, and PE when the result at
         * full precision would be inexact; nothing is delivered. */
        env->flags |= FP_UE | (inexact ? FP_PE : 0);
        return pack_fields(fmt, sign, 0, 0, prec);
    }
    sig = fp_shr_jam(sig, emin - exp);
    m = round_sig(env, sign, sig, prec, &inexact, &up);
    if (inexact) {
        env->flags |= FP_UE | FP_PE | (up ? FP_C1 : 0);
    }
    return pack_fields(fmt, sign, m >> (prec - 1) ? 1 : 0, m, prec);
}

Float80 fp_round_pack(FpEnv *env, FpFmt fmt, bool sign, int32_t exp,
                      u128 sig)
{
    const FmtInfo *f = &fmt_info[fmt];
    int prec = fmt == FMT_F80 ? env->prec : f->frac_bits + 1;
    int emin = 1 - f->bias;
    bool inexact, up;

    if (!sig) {
        return pack_fields(fmt, sign, 0, 0, prec);
    }
    if (exp < emin) {
        return round_tiny(env, fmt, sign, exp, sig, prec, emin);
    }
    uint64_t m = round_sig(env, sign, sig, prec, &inexact, &up);
    if (prec < 64 ? m >> prec : (m == 0 && up)) {
        m = 1ull << (prec - 1);
        exp++;
    }
    if (exp > f->bias) {
        if (fmt == FMT_F80 && !(env->masks & FP_OE) &&
            exp - X87_BIAS_ADJUST <= f->bias) {
            env->flags |= FP_OE;
            exp -= X87_BIAS_ADJUST;
        } else if (fmt != FMT_F80 && !(env->masks & FP_OE)) {
            /* Unmasked: OE, PE only for an inexact significand. */
            env->flags |= FP_OE | (inexact ? FP_PE : 0);
            return fp_pack_special(fmt, sign, UNP_INF, 0);
        } else {
            return overflow_result(env, fmt, sign, prec);
        }
    }
    if (inexact) {
        env->flags |= FP_PE | (up ? FP_C1 : 0);
    }
    return pack_fields(fmt, sign, exp + f->bias, m, prec);
}

Float80 fp_pack_unp(FpEnv *env, FpFmt fmt, Unp a)
{
    if (a.cls == UNP_ZERO) {
        return pack_fields(fmt, a.sign, 0, 0, 64);
    }
    return fp_round_pack(env, fmt, a.sign, a.exp, (u128)a.sig << 64);
}

static int nan_rank(const Unp *u)
{
    return u->cls == UNP_QNAN ? 2 : u->cls == UNP_SNAN ? 1 : 0;
}

Float80 fp_nan_result(FpEnv *env, FpFmt fmt, const Unp *a, const Unp *b,
                      bool sse)
{
    const Unp *pick;

    if (a->cls == UNP_INVALID || (b && b->cls == UNP_INVALID)) {
        env->flags |= FP_IE;
        return fp_default_nan(fmt);
    }
    if (a->cls == UNP_SNAN || (b && b->cls == UNP_SNAN)) {
        env->flags |= FP_IE;
    }
    if (!b || !nan_rank(b)) {
        pick = a;
    } else if (!nan_rank(a)) {
        pick = b;
    } else if (sse) {
        pick = a;
    } else if (nan_rank(a) != nan_rank(b)) {
        pick = nan_rank(a) > nan_rank(b) ? a : b;
    } else {
        uint64_t ma = a->sig | (1ull << 62), mb = b->sig | (1ull << 62);
        pick = ma > mb ? a : mb > ma ? b : (a->sign ? b : a);
    }
    return fp_pack_special(fmt, pick->sign, UNP_QNAN,
                           pick->sig | (1ull << 62));
}

static Float80 norm_round(FpEnv *env, FpFmt fmt, bool sign, int32_t e_top,
                          u128 v)
{
    int lz = fp_clz128(v);

    return fp_round_pack(env, fmt, sign, e_top - lz, v << lz);
}

Float80 fp_add_unp(FpEnv *env, FpFmt fmt, Unp a, Unp b)
{
    if (a.cls == UNP_ZERO && b.cls == UNP_ZERO) {
        bool s = a.sign == b.sign ? a.sign : env->round == FP_ROUND_DOWN;
        return pack_fields(fmt, s, 0, 0, 64);
    }
    if (a.cls == UNP_ZERO) {
        return fp_pack_unp(env, fmt, b);
    }
    if (b.cls == UNP_ZERO) {
        return fp_pack_unp(env, fmt, a);
    }
    if (a.exp < b.exp || (a.exp == b.exp && a.sig < b.sig)) {
        Unp t = a;
        a = b;
        b = t;
    }
    u128 x = (u128)a.sig << 63;
    u128 y = fp_shr_jam((u128)b.sig << 63, a.exp - b.exp);
    if (a.sign == b.sign) {
        return norm_round(env, fmt, a.sign, a.exp + 1, x + y);
    }
    if (x == y) {
        return pack_fields(fmt, env->round == FP_ROUND_DOWN, 0, 0, 64);
    }
    return norm_round(env, fmt, a.sign, a.exp + 1, x - y);
}

Float80 fp_mul_unp(FpEnv *env, FpFmt fmt, Unp a, Unp b)
{
    bool s = a.sign ^ b.sign;

    if (a.cls == UNP_ZERO || b.cls == UNP_ZERO) {
        return pack_fields(fmt, s, 0, 0, 64);
    }
    return norm_round(env, fmt, s, a.exp + b.exp + 1,
                      (u128)a.sig * b.sig);
}

Float80 fp_div_unp(FpEnv *env, FpFmt fmt, Unp a, Unp b)
{
    bool s = a.sign ^ b.sign;

    if (a.cls == UNP_ZERO) {
        return pack_fields(fmt, s, 0, 0, 64);
    }
    u128 n = (u128)a.sig << 64;
    u128 q1 = n / b.sig;
    u128 r1 = n % b.sig;
    u128 n2 = r1 << 64;
    uint64_t q2 = (uint64_t)(n2 / b.sig);
    bool sticky = (n2 % b.sig) != 0;
    u128 q = (q1 << 63) | (q2 >> 1) | (((q2 & 1) || sticky) ? 1 : 0);

    return norm_round(env, fmt, s, a.exp - b.exp, q);
}

static u128 isqrt128(u128 v, u128 *rem)
{
    u128 res = 0;
    u128 bit = (u128)1 << 126;

    while (bit > v) {
        bit >>= 2;
    }
    while (bit) {
        if (v >= res + bit) {
            v -= res + bit;
            res = (res >> 1) + bit;
        } else {
            res >>= 1;
        }
        bit >>= 2;
    }
    *rem = v;
    return res;
}

Float80 fp_sqrt_unp(FpEnv *env, FpFmt fmt, Unp a)
{
    /* value = sig * 2^(exp - 63); make the scale even. */
    int32_t n = a.exp - 63;
    int s = ((n - 63) & 1) ? 64 : 63;
    u128 r = (u128)a.sig << s;
    u128 rem;
    u128 root = isqrt128(r, &rem);
    u128 q;

    if (rem > root) {
        q = (root << 1) | 1;
        q = (q << 62) | ((4 * rem - 4 * root - 1) != 0);
    } else {
        q = (root << 63) | (rem != 0);
    }
    /* sqrt = q * 2^((n - s) / 2 - 63) with q's top bit at 127 - 0. */
    return norm_round(env, fmt, false, (n - s) / 2 + 64, q);
}
