/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x87 transcendental instructions and constants: F2XM1, FYL2X, FYL2XP1,
 * FPATAN, FSIN, FCOS, FPTAN (FSINCOS is FSIN and FCOS), FLD1 ... FLDZ.
 *
 * Values are computed in binary128 (113-bit significand, the compiler's
 * __float128 soft arithmetic) with series after argument reduction, then
 * rounded once to the x87 format; the extra 49 bits make the result the
 * correctly rounded one for nearly all inputs, as the x87 aims for (SDM
 * vol. 1 8.3.10: error below 1 ulp).  Trigonometric arguments are reduced
 * exactly, in integer arithmetic, modulo the x87's 66-bit pi (SDM vol. 1
 * 8.3.8 and 8.3.10), so large arguments give the hardware's answers.
 * Constants are the 66-bit internal values rounded per FCW.RC (8.3.8).
 *
 * Special operands follow the tables of the FYL2X, FYL2XP1, FPATAN,
 * FSIN, FCOS and FPTAN pages of SDM vol. 2.
 */
#include "target/i386/fpu/softfloat-int.h"

typedef __float128 quad;

static const quad Q_LN2 = 0x1.62e42fefa39ef35793c7673007e6p-1Q;
static const quad Q_PIO2 = 0x1.921fb54442d18469898cc51701b8p+0Q;
static const quad Q_PI = 0x1.921fb54442d18469898cc51701b8p+1Q;

/* pi * 2^64 truncated to 66 bits: the x87's reduction constant. */
static const u128 PI66 = ((u128)0x3 << 64) | 0x243F6A8885A308D3ull;

union QuadBits {
    quad q;
    u128 u;
};

static quad unp_to_quad(const Unp *a)
{
    union QuadBits b;
    int32_t e = a->exp + 16383;

    if (a->cls == UNP_ZERO) {
        b.u = (u128)a->sign << 127;
        return b.q;
    }
    if (e <= 0) {
        /* Below binary128's normal range: keep what survives. */
        b.u = (((u128)a->sig << 49) >> (1 - e));
        b.u |= (u128)a->sign << 127;
        return b.q;
    }
    b.u = (u128)a->sign << 127 | (u128)e << 112 |
          (((u128)a->sig << 49) & (((u128)1 << 112) - 1));
    return b.q;
}

/*
 * Round @q to 80 bits.  @dir tells the sign of (true value - q) when q
 * might be exact in 64 bits: +1/-1 add/subtract a sticky unit below the
 * binary128 precision, 0 means q is the exact result.
 */
static Float80 quad_round_scaled(FpEnv *env, quad q, int dir, int32_t scale);

static Float80 quad_round(FpEnv *env, quad q, int dir)
{
    return quad_round_scaled(env, q, dir, 0);
}

/* quad_round() of q * 2^scale (keeps huge operands out of quad range). */
static Float80 quad_round_scaled(FpEnv *env, quad q, int dir, int32_t scale)
{
    union QuadBits b = { .q = q };
    bool sign = b.u >> 127;
    int32_t e = (int32_t)(b.u >> 112) & 0x7fff;
    u128 frac = b.u & (((u128)1 << 112) - 1);
    u128 sig;
    int lz;

    if (!e && !frac) {
        return f80_make(sign, 0, 0);
    }
    sig = e ? (((u128)1 << 112) | frac) << 15 : frac << 15;
    if (!e) {
        e = 1;
    }
    if (dir) {
        /* The magnitude grows when the true value lies further out. */
        sig = (dir > 0) != sign ? sig + 1 : sig - 1;
    }
    lz = fp_clz128(sig);
    /* Precision control does not apply to transcendentals (SDM 8.1.5.2). */
    FpEnv e64 = *env;
    e64.prec = 64;
    Float80 r = fp_round_pack(&e64, FMT_F80, sign, e - 16383 - lz + scale,
                              sig << lz);
    env->flags = e64.flags;
    return r;
}

static Float80 nan_or_invalid(FpEnv *env, const Unp *a, const Unp *b)
{
    return fp_nan_result(env, FMT_F80, a, b, false);
}

static Float80 invalid(FpEnv *env)
{
    env->flags |= FP_IE;
    return f80_indefinite;
}

static Float80 inf(bool sign)
{
    return f80_make(sign, 0x7fff, 1ull << 63);
}

/* e^t - 1 for |t| <= 1 by its Taylor series. */
static quad q_expm1(quad t)
{
    quad sum = 0, term = t;

    for (int n = 2; n < 40 && term != 0; n++) {
        sum += term;
        term = term * t / n;
    }
    return sum;
}

/* atanh(s) series, |s| <= 0.18. */
static quad q_atanh(quad s)
{
    quad s2 = s * s, p = s, sum = 0;

    for (int n = 1; n < 80; n += 2) {
        quad t = p / n;
        if (t == 0 || sum + t == sum) {
            break;
        }
        sum += t;
        p *= s2;
    }
    return sum;
}

/* ln(m) for m in [0.5, 2]. */
static quad q_log_m(quad m)
{
    return 2 * q_atanh((m - 1) / (m + 1));
}

static quad q_sqrt(quad v)
{
    quad r = (quad)__builtin_sqrt((double)v);

    for (int i = 0; i < 3; i++) {
        r = (r + v / r) / 2;
    }
    return r;
}

/* atan(t), t >= 0, by halving the angle until t < 0.1, then the series. */
static quad q_atan(quad t)
{
    int halvings = 0;
    quad sum = 0, p, t2;

    while (t > 0.1Q) {
        t = t / (1 + q_sqrt(1 + t * t));
        halvings++;
    }
    t2 = t * t;
    p = t;
    for (int n = 1; n < 80; n += 2) {
        quad term = p / n;
        if (sum + term == sum) {
            break;
        }
        sum += (n & 2) ? -term : term;
        p *= t2;
    }
    return sum * (quad)(1 << halvings);
}

static quad q_sin_red(quad t)
{
    quad t2 = t * t, term = t, sum = 0;

    for (int n = 1; n < 60 && sum + term != sum; n += 2) {
        sum += term;
        term = -term * t2 / ((n + 1) * (n + 2));
    }
    return sum;
}

static quad q_cos_red(quad t)
{
    quad t2 = t * t, term = 1, sum = 0;

    for (int n = 0; n < 60 && sum + term != sum; n += 2) {
        sum += term;
        term = -term * t2 / ((n + 1) * (n + 2));
    }
    return sum;
}

Float80 f80_f2xm1(FpEnv *env, Float80 x)
{
    Unp a = fp_unpack(env, FMT_F80, x);

    if (a.cls >= UNP_QNAN) {
        return nan_or_invalid(env, &a, NULL);
    }
    if (a.cls == UNP_ZERO) {
        return x;
    }
    if (a.cls == UNP_INF) {
        return a.sign ? f80_make(true, 0x3fff, 1ull << 63) : x;
    }
    env->flags |= a.denorm ? FP_DE : 0;
    quad q = unp_to_quad(&a);
    if (q == 1 || q == -1) {
        return quad_round(env, q == 1 ? 1 : -0.5Q, 0);
    }
    if (a.exp < -100) {
        return quad_round(env, q * Q_LN2, 0);
    }
    if (q > 1 || q < -1) {
        /* Outside the documented domain the hardware returns the operand
         * (with PE). */
        env->flags |= FP_PE;
        return x;
    }
    return quad_round(env, q_expm1(q * Q_LN2), 1);
}

/* log2 of a finite positive binary128 value. */
static quad q_log2_quad(quad v)
{
    union QuadBits b = { .q = v };
    int32_t e = (int32_t)((b.u >> 112) & 0x7fff) - 16383;
    quad m;

    b.u = (b.u & (((u128)1 << 112) - 1)) | (u128)16383 << 112;
    m = b.q;
    if (m > 1.41421356Q) {
        m /= 2;
        e++;
    }
    return (quad)e + q_log_m(m) / Q_LN2;
}

/* log2 of a finite positive operand; *exact when it is a power of 2. */
static quad q_log2(const Unp *a, bool *exact)
{
    Unp m = *a;
    quad mq;
    int32_t e = a->exp;

    *exact = a->sig == 1ull << 63;
    m.exp = 0;
    mq = unp_to_quad(&m);
    if (mq > 1.41421356Q) {
        mq /= 2;
        e++;
    }
    return (quad)e + q_log_m(mq) / Q_LN2;
}

/* The operand as m * 2^*scale with m in [1, 2). */
static quad split(const Unp *a, int32_t *scale)
{
    Unp m = *a;

    *scale = a->exp;
    m.exp = 0;
    return unp_to_quad(&m);
}

Float80 f80_yl2x(FpEnv *env, Float80 xv, Float80 yv)
{
    Unp x = fp_unpack(env, FMT_F80, xv);
    Unp y = fp_unpack(env, FMT_F80, yv);
    bool exact;

    if (x.cls >= UNP_QNAN || y.cls >= UNP_QNAN) {
        return nan_or_invalid(env, &x, &y);
    }
    if (x.sign && x.cls != UNP_ZERO) {
        return invalid(env);
    }
    if (x.cls == UNP_ZERO) {
        if (y.cls == UNP_ZERO) {
            return invalid(env);
        }
        /* ZE takes precedence over DE, as for division by zero. */
        env->flags |= y.cls == UNP_INF ? 0 : FP_ZE;
        return inf(!y.sign);
    }
    if (x.cls == UNP_INF) {
        if (y.cls == UNP_ZERO) {
            return invalid(env);
        }
        env->flags |= y.denorm ? FP_DE : 0;
        return inf(y.sign);
    }
    env->flags |= (x.denorm || y.denorm) ? FP_DE : 0;
    quad l = q_log2(&x, &exact);
    if (y.cls == UNP_INF) {
        if (l == 0) {
            return invalid(env);
        }
        return inf(y.sign ^ (l < 0));
    }
    if (y.cls == UNP_ZERO || l == 0) {
        return f80_make(y.sign ^ (l < 0), 0, 0);
    }
    int32_t sc;
    quad ym = split(&y, &sc);
    return quad_round_scaled(env, l * ym, exact ? 0 : 1, sc);
}

Float80 f80_yl2xp1(FpEnv *env, Float80 xv, Float80 yv)
{
    Unp x = fp_unpack(env, FMT_F80, xv);
    Unp y = fp_unpack(env, FMT_F80, yv);

    if (x.cls >= UNP_QNAN || y.cls >= UNP_QNAN) {
        return nan_or_invalid(env, &x, &y);
    }
    if (x.cls == UNP_INF) {
        if (x.sign || y.cls == UNP_ZERO) {
            return invalid(env);
        }
        return inf(y.sign);
    }
    quad q = unp_to_quad(&x);
    if (q <= -1) {
        /* Outside the domain the hardware treats log2(1 + x) as a
         * negative number and returns x for a finite non-zero y. */
        env->flags |= y.denorm ? FP_DE : 0;
        if (y.cls == UNP_ZERO || y.cls == UNP_INF) {
            return fp_pack_special(FMT_F80, !y.sign, y.cls, 0);
        }
        env->flags |= FP_PE;
        return xv;
    }
    if (x.cls == UNP_ZERO) {
        if (y.cls == UNP_INF) {
            return invalid(env);
        }
        env->flags |= y.denorm ? FP_DE : 0;
        return f80_make(x.sign ^ y.sign, 0, 0);
    }
    env->flags |= (x.denorm || y.denorm) ? FP_DE : 0;
    if (y.cls == UNP_INF) {
        return inf(y.sign ^ x.sign);
    }
    if (y.cls == UNP_ZERO) {
        return f80_make(x.sign ^ y.sign, 0, 0);
    }
    quad l2;
    int32_t sc;
    quad ym = split(&y, &sc);
    if (x.exp < -100) {
        /* log2(1 + x) = x / ln 2 to far beyond 64 bits: keep x scaled. */
        int32_t xs;
        quad xm = split(&x, &xs);
        return quad_round_scaled(env, xm / Q_LN2 * ym, 1, sc + xs);
    }
    if (q > 0.4142Q || q < -0.2929Q) {
        l2 = q_log2_quad(1 + q);
    } else {
        l2 = 2 * q_atanh(q / (2 + q)) / Q_LN2;
    }
    return quad_round_scaled(env, l2 * ym, 1, sc);
}

Float80 f80_atan2(FpEnv *env, Float80 yv, Float80 xv)
{
    Unp y = fp_unpack(env, FMT_F80, yv);
    Unp x = fp_unpack(env, FMT_F80, xv);
    quad r;

    if (x.cls >= UNP_QNAN || y.cls >= UNP_QNAN) {
        return nan_or_invalid(env, &y, &x);
    }
    env->flags |= (x.denorm || y.denorm) ? FP_DE : 0;
    if (y.cls == UNP_ZERO) {
        return x.sign ? quad_round(env, y.sign ? -Q_PI : Q_PI, 1) :
               f80_make(y.sign, 0, 0);
    }
    if (x.cls == UNP_INF || y.cls == UNP_INF) {
        if (x.cls != UNP_INF) {
            r = Q_PIO2;
        } else if (y.cls != UNP_INF) {
            if (!x.sign) {
                return f80_make(y.sign, 0, 0);
            }
            r = Q_PI;
        } else {
            r = x.sign ? 3 * Q_PIO2 / 2 : Q_PIO2 / 2;
        }
        return quad_round(env, y.sign ? -r : r, 1);
    }
    if (x.cls == UNP_ZERO) {
        return quad_round(env, y.sign ? -Q_PIO2 : Q_PIO2, 1);
    }
    quad ax = unp_to_quad(&x), ay = unp_to_quad(&y);
    ax = ax < 0 ? -ax : ax;
    ay = ay < 0 ? -ay : ay;
    if (!x.sign && y.exp - x.exp < -120) {
        /* atan(t) = t - t^3/3: just below the quotient. */
        r = ay / ax;
        return quad_round(env, y.sign ? -r : r, -1);
    }
    r = ay <= ax ? q_atan(ay / ax) : Q_PIO2 - q_atan(ax / ay);
    if (x.sign) {
        r = Q_PI - r;
    }
    return quad_round(env, y.sign ? -r : r, 1);
}

/*
 * Reduce |x| modulo pi66/2: returns the reduced argument in
 * [-pi/4, pi/4] and the quadrant (quotient mod 4).
 */
static quad reduce(const Unp *a, int *quadrant)
{
    u128 r = a->sig % PI66;
    unsigned q = (unsigned)(a->sig / PI66) & 3;
    int shift = a->exp + 2;     /* |x| / (pi66/2) = sig * 2^shift / PI66 */
    bool neg = false;

    while (shift > 0) {
        int step = shift > 60 ? 60 : shift;
        u128 v = r << step;
        q = ((q << (step < 2 ? step : 2)) + (unsigned)(v / PI66)) & 3;
        r = v % PI66;
        shift -= step;
    }
    if (r > PI66 / 2) {
        r = PI66 - r;
        q = (q + 1) & 3;
        neg = true;
    }
    *quadrant = (int)q;
    union QuadBits b;
    quad t = 0;
    if (r) {
        int lz = fp_clz128(r);
        int32_t e = 127 - lz - 65;   /* value = r * 2^-65 */
        b.u = (u128)(e + 16383) << 112 |
              (((r << lz) >> 15) & (((u128)1 << 112) - 1));
        t = b.q;
    }
    return neg ? -t : t;
}

typedef enum { FN_SIN, FN_COS, FN_TAN } TrigFn;

static Float80 trig(FpEnv *env, Float80 xv, bool *oor, TrigFn fn)
{
    Unp a = fp_unpack(env, FMT_F80, xv);
    int quadrant = 0;
    quad t, s, c, r;

    *oor = false;
    if (a.cls >= UNP_QNAN) {
        return nan_or_invalid(env, &a, NULL);
    }
    if (a.cls == UNP_INF) {
        return invalid(env);
    }
    if (a.cls == UNP_ZERO) {
        return fn == FN_COS ? f80_make(false, 0x3fff, 1ull << 63) : xv;
    }
    if (a.exp >= 63) {
        *oor = true;
        return xv;
    }
    env->flags |= a.denorm ? FP_DE : 0;
    if (a.exp < -40) {
        /* sin x = x - x^3/6, tan x = x + x^3/3, cos x = 1 - x^2/2. */
        if (fn == FN_COS) {
            return quad_round(env, 1, -1);
        }
        return quad_round(env, unp_to_quad(&a), fn == FN_SIN ?
                          (a.sign ? 1 : -1) : (a.sign ? -1 : 1));
    }
    if (a.exp < -1 || (a.exp == -1 && a.sig < 0xC90FDAA22168C234ull)) {
        t = unp_to_quad(&a);
        t = t < 0 ? -t : t;
    } else {
        t = reduce(&a, &quadrant);
    }
    s = q_sin_red(t);
    c = q_cos_red(t);
    switch (quadrant) {
    case 1:
        r = s;
        s = c;
        c = -r;
        break;
    case 2:
        s = -s;
        c = -c;
        break;
    case 3:
        r = s;
        s = -c;
        c = r;
        break;
    default:
        break;
    }
    if (a.sign) {
        s = -s;
    }
    r = fn == FN_SIN ? s : fn == FN_COS ? c : s / c;
    return quad_round(env, r, 1);
}

Float80 f80_sin(FpEnv *env, Float80 x, bool *out_of_range)
{
    return trig(env, x, out_of_range, FN_SIN);
}

Float80 f80_cos(FpEnv *env, Float80 x, bool *out_of_range)
{
    return trig(env, x, out_of_range, FN_COS);
}

Float80 f80_tan(FpEnv *env, Float80 x, bool *out_of_range)
{
    return trig(env, x, out_of_range, FN_TAN);
}

/*
 * The constants, 128 bits of each.  Deviation from SDM 8.3.8 (a 66-bit
 * internal value): rounding the longer value is what the processors we
 * compare with do (FLDLG2 rounds up to ...F799 under round-to-nearest).
 */
static const struct {
    uint64_t hi, lo;
    int16_t exp;
} consts[6] = {
    { 0x8000000000000000ull, 0, 0 },                         /* 1 */
    { 0xD49A784BCD1B8AFEull, 0x492BF6FF4DAFDB4Cull, 1 },     /* log2(10) */
    { 0xB8AA3B295C17F0BBull, 0xBE87FED0691D3E88ull, 0 },     /* log2(e) */
    { 0xC90FDAA22168C234ull, 0xC4C6628B80DC1CD1ull, 1 },     /* pi */
    { 0x9A209A84FBCFF798ull, 0x8F8959AC0B7C9178ull, -2 },    /* log10(2) */
    { 0xB17217F7D1CF79ABull, 0xC9E3B39803F2F6AFull, -1 },    /* ln(2) */
};

Float80 f80_const(FpEnv *env, int which)
{
    FpEnv e = *env;

    if (which < 0 || which >= 6) {
        return f80_make(false, 0, 0);
    }
    e.prec = 64;
    u128 sig = ((u128)consts[which].hi << 64) | consts[which].lo;
    return fp_round_pack(&e, FMT_F80, false, consts[which].exp, sig);
}
