/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IEEE 754 binary floating point in software, in the three formats the x86
 * uses: single (32-bit), double (64-bit) and the x87 double extended
 * (80-bit, explicit integer bit).  Shared by the x87 (fpu/x87.c) and the
 * SSE unit (sse/).
 *
 * What it models: Intel SDM vol. 1 ch. 4.2 (formats), 4.8 (real numbers,
 * NaNs, the QNaN floating-point indefinite), 4.9 (the six exceptions and
 * their masked responses), 8.1.5 (x87 precision and rounding control),
 * 8.3.7 (pseudo-denormals, unnormals, pseudo-NaNs: invalid operands),
 * 10.2.3.4 (MXCSR DAZ/FTZ).  Tininess is detected after rounding, as x86
 * processors do.  Exception flags use the bit positions of both the x87
 * status word and MXCSR (IE=bit 0 ... PE=bit 5); FP_C1 is the x87
 * "rounded up" indicator.
 *
 * Not here: x87 stack and tag handling (x87.c), SSE lane semantics such as
 * MINPS/MAXPS and the SSE NaN rules (sse/).
 */
#ifndef TARGET_I386_FPU_SOFTFLOAT_H
#define TARGET_I386_FPU_SOFTFLOAT_H

#include <stdbool.h>
#include <stdint.h>

/**
 * struct Float80 - an x87 double extended value: 64-bit significand with
 * explicit integer bit (bit 63), and sign (bit 15) + 15-bit biased exponent.
 */
typedef struct Float80 {
    uint64_t mant;
    uint16_t se;
} Float80;

/* Exception flags (x87 FSW bits 0-5 == MXCSR bits 0-5). */
enum {
    FP_IE = 0x01,   /* invalid operation */
    FP_DE = 0x02,   /* denormal operand */
    FP_ZE = 0x04,   /* divide by zero */
    FP_OE = 0x08,   /* overflow */
    FP_UE = 0x10,   /* underflow */
    FP_PE = 0x20,   /* precision (inexact) */
    FP_C1 = 0x200,  /* x87: the result was rounded up in magnitude */
};

/* Rounding control, encoded as in the x87 FCW.RC and MXCSR.RC fields. */
typedef enum FpRound {
    FP_ROUND_NEAREST = 0,
    FP_ROUND_DOWN = 1,
    FP_ROUND_UP = 2,
    FP_ROUND_ZERO = 3,
} FpRound;

/**
 * struct FpEnv - the environment of one operation.
 * @round: an FpRound.
 * @prec: significand bits of 80-bit results: 24, 53 or 64 (x87 FCW.PC).
 *        Ignored for 32- and 64-bit results.
 * @masks: exception masks (FP_IE ... FP_PE bits).  Only the x87 response
 *         to unmasked overflow/underflow on 80-bit results (exponent
 *         wrapped by 24576, SDM 8.5.4/8.5.5) depends on it; other unmasked
 *         responses are the caller's (it must not store the result).
 * @daz: SSE: denormal source operands are read as zero (no DE).
 * @ftz: SSE: tiny results become zero when underflow is masked.
 * @flags: exceptions raised so far (OR-ed in, never cleared here).
 * @denormal_arg: x87 only: operand 1 (first) or 2 (second) came from a
 *                denormal m32/m64 (exact in 80 bits, but it still raises
 *                DE when the operation reaches the numeric path); 0: none.
 */
typedef struct FpEnv {
    uint8_t round;
    uint8_t prec;
    uint8_t masks;
    bool daz;
    bool ftz;
    uint16_t flags;
    uint8_t denormal_arg;
} FpEnv;

/** Result of a comparison. */
typedef enum FpRel {
    FP_REL_LESS = 0,
    FP_REL_EQUAL = 1,
    FP_REL_GREATER = 2,
    FP_REL_UNORDERED = 3,
} FpRel;

/** Classes, as FXAM distinguishes them plus the invalid encodings. */
typedef enum FpClass {
    FP_CLASS_ZERO,
    FP_CLASS_DENORMAL,      /* includes x87 pseudo-denormals */
    FP_CLASS_NORMAL,
    FP_CLASS_INF,
    FP_CLASS_QNAN,
    FP_CLASS_SNAN,
    FP_CLASS_UNSUPPORTED,   /* unnormal, pseudo-NaN, pseudo-infinity */
} FpClass;

extern const Float80 f80_indefinite;   /* FFFF C000000000000000 */
#define F32_INDEFINITE 0xFFC00000u
#define F64_INDEFINITE 0xFFF8000000000000ull

/* --- 80-bit ---------------------------------------------------------- */

/** f80_classify() - class of @a (never raises). */
FpClass f80_classify(Float80 a);
static inline bool f80_sign(Float80 a) { return a.se >> 15; }
static inline Float80 f80_make(bool sign, uint16_t exp, uint64_t mant)
{
    Float80 r = { mant, (uint16_t)((sign ? 0x8000 : 0) | exp) };
    return r;
}

/*
 * Arithmetic.  Each rounds to env->prec bits with env->round, applies the
 * x87 NaN rules (SDM vol. 1 table 4-7: a QNaN operand wins over an SNaN,
 * of two NaNs of the same kind the larger significand wins) and raises
 * the flags of SDM vol. 1 4.9 in env->flags, including FP_C1.
 */
Float80 f80_add(FpEnv *env, Float80 a, Float80 b);
Float80 f80_sub(FpEnv *env, Float80 a, Float80 b);
Float80 f80_mul(FpEnv *env, Float80 a, Float80 b);
Float80 f80_div(FpEnv *env, Float80 a, Float80 b);
Float80 f80_sqrt(FpEnv *env, Float80 a);
/** f80_round_int() - FRNDINT: round to an integral value with env->round. */
Float80 f80_round_int(FpEnv *env, Float80 a);
/**
 * f80_rem() - FPREM (@ieee false: quotient truncated) or FPREM1 (@ieee
 * true: quotient rounded to nearest even).  When the exponent difference
 * is 64 or more only a partial reduction is done and *@partial is set
 * (x87 C2).  *@quot receives the low three bits of the quotient
 * (C0 = bit 2, C3 = bit 1, C1 = bit 0).
 */
Float80 f80_rem(FpEnv *env, Float80 a, Float80 b, bool ieee,
                unsigned *quot, bool *partial);
/** f80_scale() - FSCALE: @a * 2^trunc(@b). */
Float80 f80_scale(FpEnv *env, Float80 a, Float80 b);
/** f80_xtract() - FXTRACT: *@exp = unbiased exponent, returns significand. */
Float80 f80_xtract(FpEnv *env, Float80 a, Float80 *exp);
/**
 * f80_compare() - compare @a with @b.  Any NaN raises IE when @quiet is
 * false (FCOM), only an SNaN when @quiet is true (FUCOM).  Denormal
 * operands raise DE; unsupported encodings raise IE and are unordered.
 */
FpRel f80_compare(FpEnv *env, Float80 a, Float80 b, bool quiet);

/*
 * Transcendentals (softfloat-trans.c), computed with 113-bit internal
 * precision and rounded once to env->prec bits.  The trigonometric
 * functions reduce their argument modulo the x87's 66-bit pi, as the
 * hardware does; for |x| >= 2^63 they set *@out_of_range (x87 C2) and
 * return @x unchanged.
 */
Float80 f80_f2xm1(FpEnv *env, Float80 x);
/** f80_yl2x() - FYL2X: @y * log2(@x). */
Float80 f80_yl2x(FpEnv *env, Float80 x, Float80 y);
/** f80_yl2xp1() - FYL2XP1: @y * log2(@x + 1). */
Float80 f80_yl2xp1(FpEnv *env, Float80 x, Float80 y);
/** f80_atan2() - FPATAN: arctan(@y / @x) with the quadrant of (@x, @y). */
Float80 f80_atan2(FpEnv *env, Float80 y, Float80 x);
Float80 f80_sin(FpEnv *env, Float80 x, bool *out_of_range);
Float80 f80_cos(FpEnv *env, Float80 x, bool *out_of_range);
Float80 f80_tan(FpEnv *env, Float80 x, bool *out_of_range);
/** f80_const() - FLD1/FLDL2T/FLDL2E/FLDPI/FLDLG2/FLDLN2/FLDZ by the low
 *  three bits of the D9 E8..EE opcode byte, rounded per env->round. */
Float80 f80_const(FpEnv *env, int which);

/* Conversions into 80 bits (exact; SNaN sources stay signalling, the
 * consumer raises IE; denormal sources raise DE). */
Float80 f80_from_f32(FpEnv *env, uint32_t a);
Float80 f80_from_f64(FpEnv *env, uint64_t a);
Float80 f80_from_i64(int64_t a);
/** f80_from_bcd() - 18-digit packed BCD (@lo: digits 0-15, @hi: digits
 *  16-17 in bits 0-7, sign in bit 15).  Invalid digits give an
 *  undefined but harmless value. */
Float80 f80_from_bcd(uint64_t lo, uint16_t hi);

/* Conversions out of 80 bits (rounded with env->round; invalid operands
 * raise IE and give the format's indefinite when IE is masked). */
uint32_t f80_to_f32(FpEnv *env, Float80 a);
uint64_t f80_to_f64(FpEnv *env, Float80 a);
/**
 * f80_to_int() - convert to a signed integer of @bits (16, 32, 64),
 * rounding with env->round, or towards zero when @trunc (FISTTP).
 * Out of range or NaN: IE, result is the integer indefinite (sign bit only).
 */
int64_t f80_to_int(FpEnv *env, Float80 a, int bits, bool trunc);
/** f80_to_bcd() - FBSTP: round to integer, store as 18-digit BCD.  Out
 *  of range: IE and the BCD indefinite. */
void f80_to_bcd(FpEnv *env, Float80 a, uint64_t *lo, uint16_t *hi);

/* --- 32- and 64-bit (SSE semantics for NaNs: first operand wins) ------- */

uint32_t f32_add(FpEnv *env, uint32_t a, uint32_t b);
uint32_t f32_sub(FpEnv *env, uint32_t a, uint32_t b);
uint32_t f32_mul(FpEnv *env, uint32_t a, uint32_t b);
uint32_t f32_div(FpEnv *env, uint32_t a, uint32_t b);
uint32_t f32_sqrt(FpEnv *env, uint32_t a);
uint64_t f64_add(FpEnv *env, uint64_t a, uint64_t b);
uint64_t f64_sub(FpEnv *env, uint64_t a, uint64_t b);
uint64_t f64_mul(FpEnv *env, uint64_t a, uint64_t b);
uint64_t f64_div(FpEnv *env, uint64_t a, uint64_t b);
uint64_t f64_sqrt(FpEnv *env, uint64_t a);
/** f32_compare()/f64_compare() - ordered compare; @quiet: only SNaN
 *  raises IE (UCOMISS), else any NaN does (COMISS, CMPLTPS). */
FpRel f32_compare(FpEnv *env, uint32_t a, uint32_t b, bool quiet);
FpRel f64_compare(FpEnv *env, uint64_t a, uint64_t b, bool quiet);
uint64_t f32_to_f64(FpEnv *env, uint32_t a);
uint32_t f64_to_f32(FpEnv *env, uint64_t a);
uint32_t i64_to_f32(FpEnv *env, int64_t a);
uint64_t i64_to_f64(FpEnv *env, int64_t a);
/** f32_to_int()/f64_to_int() - to a signed @bits (32/64) integer; out of
 *  range or NaN: IE and the integer indefinite. */
int64_t f32_to_int(FpEnv *env, uint32_t a, int bits, bool trunc);
int64_t f64_to_int(FpEnv *env, uint64_t a, int bits, bool trunc);
/** f32_round_int()/f64_round_int() - ROUNDSS/ROUNDSD: @rc is an FpRound;
 *  PE is suppressed when @no_pe (imm8 bit 3). */
uint32_t f32_round_int(FpEnv *env, uint32_t a, int rc, bool no_pe);
uint64_t f64_round_int(FpEnv *env, uint64_t a, int rc, bool no_pe);
bool f32_is_nan(uint32_t a);
bool f64_is_nan(uint64_t a);
bool f32_is_snan(uint32_t a);
bool f64_is_snan(uint64_t a);

#endif
