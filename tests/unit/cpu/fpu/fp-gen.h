/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Operand generators for the floating-point differential tests: a seeded
 * PRNG and values biased towards the edges (zeros, infinities, quiet and
 * signalling NaNs, denormals, the extreme exponents, halfway cases, and
 * for 80 bits the unsupported encodings of SDM vol. 1 8.2.2).
 */
#ifndef TESTS_UNIT_CPU_FPU_FP_GEN_H
#define TESTS_UNIT_CPU_FPU_FP_GEN_H

#include <stdint.h>

#include "target/i386/fpu/softfloat.h"

typedef struct FpGen {
    uint64_t s;
} FpGen;

static inline uint64_t fpgen_next(FpGen *g)
{
    g->s ^= g->s << 13;
    g->s ^= g->s >> 7;
    g->s ^= g->s << 17;
    return g->s;
}

static inline uint64_t fpgen_mant(FpGen *g)
{
    uint64_t r = fpgen_next(g);

    switch (fpgen_next(g) % 8) {
    case 0:
        return 0;
    case 1:
        return ~0ull;
    case 2:
        return r & 0xff; /* few low bits */
    case 3:
        return r << (r % 64); /* few high bits */
    case 4:
        return (1ull << (r % 64)) ^ (r & 7);
    default:
        return r;
    }
}

/* An exponent field value of @bits bits biased towards edges. */
static inline uint32_t fpgen_exp(FpGen *g, int bits, uint32_t near)
{
    uint32_t max = (1u << bits) - 1;
    uint64_t r = fpgen_next(g);

    switch (r % 10) {
    case 0:
        return 0;
    case 1:
        return max;
    case 2:
        return 1 + (r >> 8) % 3;
    case 3:
        return max - 1 - (r >> 8) % 3;
    case 4:
    case 5:
        return (near + (uint32_t)((r >> 8) % 5) - 2) & max;
    default:
        return (uint32_t)(((r >> 8) % (max / 2)) + max / 4);
    }
}

static inline Float80 fpgen_f80(FpGen *g, Float80 near)
{
    uint64_t m = fpgen_mant(g);
    uint32_t e = fpgen_exp(g, 15, near.se & 0x7fff);
    uint64_t r = fpgen_next(g);
    Float80 v;

    if (r % 16 != 0 && e != 0) {
        m |= 1ull << 63; /* mostly valid encodings */
    }
    if (e == 0 && r % 4 != 0) {
        m &= ~(1ull << 63); /* mostly true denormals */
    }
    if (r % 7 == 0) {
        m = near.mant ^ (fpgen_next(g) & 0xfff);
        e = near.se & 0x7fff;
    }
    v.mant = m;
    v.se = (uint16_t)(e | ((r >> 20) & 1 ? 0x8000 : 0));
    return v;
}

static inline uint32_t fpgen_f32(FpGen *g, uint32_t near)
{
    uint32_t m = (uint32_t)(fpgen_mant(g) >> 41);
    uint32_t e = fpgen_exp(g, 8, (near >> 23) & 0xff);
    uint64_t r = fpgen_next(g);

    if (r % 7 == 0) {
        return near ^ (uint32_t)(fpgen_next(g) & 0x3f) ^
               (r & 8 ? 0x80000000u : 0);
    }
    return (uint32_t)((r >> 20) & 1) << 31 | e << 23 | m;
}

static inline uint64_t fpgen_f64(FpGen *g, uint64_t near)
{
    uint64_t m = fpgen_mant(g) >> 12;
    uint64_t e = fpgen_exp(g, 11, (near >> 52) & 0x7ff);
    uint64_t r = fpgen_next(g);

    if (r % 7 == 0) {
        return near ^ (fpgen_next(g) & 0x3f) ^ (r & 8 ? 1ull << 63 : 0);
    }
    return ((r >> 20) & 1) << 63 | e << 52 | m;
}

#endif
