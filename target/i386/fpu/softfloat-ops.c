/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Soft-float front ends: the special-operand tables of add, subtract,
 * multiply, divide and square root (SDM vol. 1 4.9.1.2 invalid operations,
 * 4.9.1.3 divide by zero, 4.9.1.1 denormal operand), comparisons, and
 * rounding to an integral value, for the 80-bit x87 format (x87 NaN rules)
 * and the 32/64-bit SSE formats (SSE NaN rules: the first operand wins).
 */
#include "target/i386/fpu/softfloat-int.h"

typedef enum BinOp { OP_ADD, OP_SUB, OP_MUL, OP_DIV } BinOp;

static Float80 invalid(FpEnv *env, FpFmt fmt)
{
    env->flags |= FP_IE;
    return fp_default_nan(fmt);
}

static Float80 inf_of(FpFmt fmt, bool sign)
{
    return fp_pack_special(fmt, sign, UNP_INF, 0);
}

static Float80 zero_of(FpFmt fmt, bool sign)
{
    return fp_pack_special(fmt, sign, UNP_ZERO, 0);
}

static Float80 binop(FpEnv *env, FpFmt fmt, BinOp op, Float80 x, Float80 y)
{
    Unp a = fp_unpack(env, fmt, x);
    Unp b = fp_unpack(env, fmt, y);
    bool s = a.sign ^ b.sign;

    a.denorm |= env->denormal_arg == 1 && a.cls == UNP_FINITE;
    b.denorm |= env->denormal_arg == 2 && b.cls == UNP_FINITE;

    if (a.cls >= UNP_QNAN || b.cls >= UNP_QNAN) {
        return fp_nan_result(env, fmt, &a, &b, fmt != FMT_F80);
    }
    switch (op) {
    case OP_SUB:
        b.sign = !b.sign;
        /* fall through */
    case OP_ADD:
        if (a.cls == UNP_INF || b.cls == UNP_INF) {
            if (a.cls == UNP_INF && b.cls == UNP_INF && a.sign != b.sign) {
                return invalid(env, fmt);
            }
            env->flags |= (a.denorm || b.denorm) ? FP_DE : 0;
            return inf_of(fmt, a.cls == UNP_INF ? a.sign : b.sign);
        }
        env->flags |= (a.denorm || b.denorm) ? FP_DE : 0;
        return fp_add_unp(env, fmt, a, b);
    case OP_MUL:
        if (a.cls == UNP_INF || b.cls == UNP_INF) {
            if (a.cls == UNP_ZERO || b.cls == UNP_ZERO) {
                return invalid(env, fmt);
            }
            env->flags |= (a.denorm || b.denorm) ? FP_DE : 0;
            return inf_of(fmt, s);
        }
        env->flags |= (a.denorm || b.denorm) ? FP_DE : 0;
        return fp_mul_unp(env, fmt, a, b);
    default:
        if ((a.cls == UNP_INF && b.cls == UNP_INF) ||
            (a.cls == UNP_ZERO && b.cls == UNP_ZERO)) {
            return invalid(env, fmt);
        }
        if (b.cls == UNP_ZERO && a.cls != UNP_INF) {
            env->flags |= FP_ZE;
            return inf_of(fmt, s);
        }
        env->flags |= (a.denorm || b.denorm) ? FP_DE : 0;
        if (a.cls == UNP_INF) {
            return inf_of(fmt, s);
        }
        if (b.cls == UNP_INF) {
            return zero_of(fmt, s);
        }
        return fp_div_unp(env, fmt, a, b);
    }
}

static Float80 sqrtop(FpEnv *env, FpFmt fmt, Float80 x)
{
    Unp a = fp_unpack(env, fmt, x);

    if (a.cls >= UNP_QNAN) {
        return fp_nan_result(env, fmt, &a, NULL, fmt != FMT_F80);
    }
    if (a.cls == UNP_ZERO) {
        return zero_of(fmt, a.sign);
    }
    if (a.sign) {
        return invalid(env, fmt);
    }
    env->flags |= a.denorm ? FP_DE : 0;
    if (a.cls == UNP_INF) {
        return inf_of(fmt, false);
    }
    return fp_sqrt_unp(env, fmt, a);
}

Float80 f80_add(FpEnv *env, Float80 a, Float80 b)
{
    return binop(env, FMT_F80, OP_ADD, a, b);
}

Float80 f80_sub(FpEnv *env, Float80 a, Float80 b)
{
    return binop(env, FMT_F80, OP_SUB, a, b);
}

Float80 f80_mul(FpEnv *env, Float80 a, Float80 b)
{
    return binop(env, FMT_F80, OP_MUL, a, b);
}

Float80 f80_div(FpEnv *env, Float80 a, Float80 b)
{
    return binop(env, FMT_F80, OP_DIV, a, b);
}

Float80 f80_sqrt(FpEnv *env, Float80 a)
{
    return sqrtop(env, FMT_F80, a);
}

#define IEEE_BINOP(name, fmt, op, type) \
    type name(FpEnv *env, type a, type b) \
    { \
        return (type)binop(env, fmt, op, fp_bits(a), fp_bits(b)).mant; \
    }

IEEE_BINOP(f32_add, FMT_F32, OP_ADD, uint32_t)
IEEE_BINOP(f32_sub, FMT_F32, OP_SUB, uint32_t)
IEEE_BINOP(f32_mul, FMT_F32, OP_MUL, uint32_t)
IEEE_BINOP(f32_div, FMT_F32, OP_DIV, uint32_t)
IEEE_BINOP(f64_add, FMT_F64, OP_ADD, uint64_t)
IEEE_BINOP(f64_sub, FMT_F64, OP_SUB, uint64_t)
IEEE_BINOP(f64_mul, FMT_F64, OP_MUL, uint64_t)
IEEE_BINOP(f64_div, FMT_F64, OP_DIV, uint64_t)

uint32_t f32_sqrt(FpEnv *env, uint32_t a)
{
    return (uint32_t)sqrtop(env, FMT_F32, fp_bits(a)).mant;
}

uint64_t f64_sqrt(FpEnv *env, uint64_t a)
{
    return sqrtop(env, FMT_F64, fp_bits(a)).mant;
}

static FpRel compare(FpEnv *env, FpFmt fmt, Float80 x, Float80 y, bool quiet)
{
    Unp a = fp_unpack(env, fmt, x);
    Unp b = fp_unpack(env, fmt, y);

    a.denorm |= env->denormal_arg == 1 && a.cls == UNP_FINITE;
    b.denorm |= env->denormal_arg == 2 && b.cls == UNP_FINITE;
    if (a.cls >= UNP_QNAN || b.cls >= UNP_QNAN) {
        if (!quiet || a.cls != UNP_QNAN || b.cls != UNP_QNAN) {
            bool sig = a.cls >= UNP_SNAN || b.cls >= UNP_SNAN;
            env->flags |= (sig || !quiet) ? FP_IE : 0;
        }
        return FP_REL_UNORDERED;
    }
    env->flags |= (a.denorm || b.denorm) ? FP_DE : 0;
    if (a.cls == UNP_ZERO && b.cls == UNP_ZERO) {
        return FP_REL_EQUAL;
    }
    if (a.sign != b.sign) {
        return a.sign ? FP_REL_LESS : FP_REL_GREATER;
    }
    /* Same sign: compare magnitudes (zero < finite < infinity). */
    int ka = a.cls == UNP_ZERO ? 0 : a.cls == UNP_INF ? 2 : 1;
    int kb = b.cls == UNP_ZERO ? 0 : b.cls == UNP_INF ? 2 : 1;
    int c = ka != kb ? (ka < kb ? -1 : 1) :
            ka != 1 ? 0 :
            a.exp != b.exp ? (a.exp < b.exp ? -1 : 1) :
            a.sig != b.sig ? (a.sig < b.sig ? -1 : 1) : 0;
    if (a.sign) {
        c = -c;
    }
    return c < 0 ? FP_REL_LESS : c > 0 ? FP_REL_GREATER : FP_REL_EQUAL;
}

FpRel f80_compare(FpEnv *env, Float80 a, Float80 b, bool quiet)
{
    return compare(env, FMT_F80, a, b, quiet);
}

FpRel f32_compare(FpEnv *env, uint32_t a, uint32_t b, bool quiet)
{
    return compare(env, FMT_F32, fp_bits(a), fp_bits(b), quiet);
}

FpRel f64_compare(FpEnv *env, uint64_t a, uint64_t b, bool quiet)
{
    return compare(env, FMT_F64, fp_bits(a), fp_bits(b), quiet);
}

/*
 * Round a finite non-zero value to an integral value in the same format:
 * clear the fraction bits below 2^0 and round them away per @rc.
 */
static Float80 round_int(FpEnv *env, FpFmt fmt, Float80 x, int rc, bool no_pe)
{
    Unp a = fp_unpack(env, fmt, x);
    bool inexact, up, half, sticky;
    uint64_t ip;

    if (a.cls >= UNP_QNAN) {
        return fp_nan_result(env, fmt, &a, NULL, fmt != FMT_F80);
    }
    env->flags |= a.denorm ? FP_DE : 0;
    if (a.cls != UNP_FINITE || a.exp >= 63) {
        FpEnv exact = *env;
        exact.prec = 64;
        return a.cls == UNP_FINITE ? fp_pack_unp(&exact, fmt, a) :
               fp_pack_special(fmt, a.sign, a.cls, 0);
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
    inexact = half || sticky;
    switch (rc) {
    case FP_ROUND_NEAREST:
        up = half && (sticky || (ip & 1));
        break;
    case FP_ROUND_DOWN:
        up = a.sign && inexact;
        break;
    case FP_ROUND_UP:
        up = !a.sign && inexact;
        break;
    default:
        up = false;
        break;
    }
    ip += up;
    if (inexact && !no_pe) {
        env->flags |= FP_PE | (up ? FP_C1 : 0);
    }
    if (!ip) {
        return zero_of(fmt, a.sign);
    }
    FpEnv exact = *env;
    exact.prec = 64;
    int lz = __builtin_clzll(ip);
    return fp_round_pack(&exact, fmt, a.sign, 63 - lz, (u128)(ip << lz) << 64);
}

Float80 f80_round_int(FpEnv *env, Float80 a)
{
    return round_int(env, FMT_F80, a, env->round, false);
}

uint32_t f32_round_int(FpEnv *env, uint32_t a, int rc, bool no_pe)
{
    return (uint32_t)round_int(env, FMT_F32, fp_bits(a), rc, no_pe).mant;
}

uint64_t f64_round_int(FpEnv *env, uint64_t a, int rc, bool no_pe)
{
    return round_int(env, FMT_F64, fp_bits(a), rc, no_pe).mant;
}

FpClass f80_classify(Float80 a)
{
    FpEnv env = { .prec = 64 };
    Unp u = fp_unpack(&env, FMT_F80, a);
    static const FpClass map[] = {
        [UNP_ZERO] = FP_CLASS_ZERO, [UNP_FINITE] = FP_CLASS_NORMAL,
        [UNP_INF] = FP_CLASS_INF, [UNP_QNAN] = FP_CLASS_QNAN,
        [UNP_SNAN] = FP_CLASS_SNAN, [UNP_INVALID] = FP_CLASS_UNSUPPORTED,
    };

    return u.denorm ? FP_CLASS_DENORMAL : map[u.cls];
}

bool f32_is_nan(uint32_t a)
{
    return (a & 0x7fffffff) > 0x7f800000;
}

bool f64_is_nan(uint64_t a)
{
    return (a & ~(1ull << 63)) > 0x7ff0000000000000ull;
}

bool f32_is_snan(uint32_t a)
{
    return f32_is_nan(a) && !(a & 0x00400000);
}

bool f64_is_snan(uint64_t a)
{
    return f64_is_nan(a) && !(a & 0x0008000000000000ull);
}
