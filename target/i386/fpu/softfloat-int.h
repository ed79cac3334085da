/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internals of the soft-float core shared by softfloat.c,
 * softfloat-conv.c and softfloat-trans.c: the unpacked form, the three
 * formats, and the one rounding routine (SDM vol. 1 4.8.4, 4.9.1.5-6).
 */
#ifndef TARGET_I386_FPU_SOFTFLOAT_INT_H
#define TARGET_I386_FPU_SOFTFLOAT_INT_H

#include <stddef.h>

#include "target/i386/fpu/softfloat.h"

typedef unsigned __int128 u128;

typedef enum FpFmt { FMT_F32, FMT_F64, FMT_F80 } FpFmt;

/* Classes of the unpacked form. */
enum { UNP_ZERO, UNP_FINITE, UNP_INF, UNP_QNAN, UNP_SNAN, UNP_INVALID };

/**
 * struct Unp - an unpacked operand.  Finite non-zero values are
 * normalised: sig bit 63 set, value = sig * 2^(exp - 63).  NaNs keep their
 * payload as an x87 significand (bit 63 set, quiet bit 62).
 */
typedef struct Unp {
    bool sign;
    bool denorm;       /* the encoding was (pseudo-)denormal */
    uint8_t cls;
    int32_t exp;
    uint64_t sig;
} Unp;

/* Packed values of any format travel in a Float80: F32/F64 bits in mant. */
Unp fp_unpack(const FpEnv *env, FpFmt fmt, Float80 v);
/**
 * fp_round_pack() - round sign * sig * 2^(exp - 127) (sig normalised,
 * bit 127 set, or zero) to @fmt under @env, raising OE/UE/PE/C1.
 */
Float80 fp_round_pack(FpEnv *env, FpFmt fmt, bool sign, int32_t exp, u128 sig);
/** fp_pack_unp() - round a finite/zero Unp to @fmt. */
Float80 fp_pack_unp(FpEnv *env, FpFmt fmt, Unp a);
Float80 fp_pack_special(FpFmt fmt, bool sign, int cls, uint64_t sig);
Float80 fp_default_nan(FpFmt fmt);
/** fp_nan_result() - x87 (@sse false) or SSE NaN propagation for a two
 *  (or one, @b NULL) operand operation; raises IE for SNaN/invalid. */
Float80 fp_nan_result(FpEnv *env, FpFmt fmt, const Unp *a, const Unp *b,
                      bool sse);
u128 fp_shr_jam(u128 v, int n);
Float80 fp_add_unp(FpEnv *env, FpFmt fmt, Unp a, Unp b);
Float80 fp_mul_unp(FpEnv *env, FpFmt fmt, Unp a, Unp b);
Float80 fp_div_unp(FpEnv *env, FpFmt fmt, Unp a, Unp b);
Float80 fp_sqrt_unp(FpEnv *env, FpFmt fmt, Unp a);

static inline int fp_clz128(u128 v)
{
    uint64_t hi = (uint64_t)(v >> 64);
    return hi ? __builtin_clzll(hi) : 64 + __builtin_clzll((uint64_t)v);
}

static inline Float80 fp_bits(uint64_t v)
{
    Float80 r = { v, 0 };
    return r;
}

#endif
