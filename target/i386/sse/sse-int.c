/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MMX and SSE2 integer SIMD: unpack, pack with saturation, add/subtract
 * (wrapping and saturating), multiplies, averages, min/max, PSADBW,
 * compares, logic, shifts, and the PSHUF family.  Every operation works on
 * env->vlen bytes: 8 for the MMX form, 16 for the XMM form.
 *
 * Spec: Intel SDM vol. 1 9.4 (MMX instruction set, saturation), 11.4.3
 * (SSE2 128-bit integer instructions); vol. 2 pages PUNPCKLBW ... PSHUFW.
 * Shift counts above the element width clear the element (arithmetic
 * shifts fill with the sign).
 */
#include "target/i386/sse/sse-ops.h"

static inline int64_t lane_s(const XMMReg *r, int size, int i)
{
    switch (size) {
    case 1:
        return r->sb[i];
    case 2:
        return r->sw[i];
    case 4:
        return r->sd[i];
    default:
        return r->sq[i];
    }
}

static inline uint64_t lane_u(const XMMReg *r, int size, int i)
{
    switch (size) {
    case 1:
        return r->b[i];
    case 2:
        return r->w[i];
    case 4:
        return r->d[i];
    default:
        return r->q[i];
    }
}

static inline void lane_set(XMMReg *r, int size, int i, uint64_t v)
{
    switch (size) {
    case 1:
        r->b[i] = (uint8_t)v;
        break;
    case 2:
        r->w[i] = (uint16_t)v;
        break;
    case 4:
        r->d[i] = (uint32_t)v;
        break;
    default:
        r->q[i] = v;
        break;
    }
}

static int64_t sat_s(int64_t v, int size)
{
    int64_t max = (int64_t)((1ull << (8 * size - 1)) - 1), min = -max - 1;

    return v > max ? max : v < min ? min : v;
}

static uint64_t sat_u(int64_t v, int size)
{
    int64_t max = (int64_t)((1ull << (8 * size)) - 1);

    return (uint64_t)(v > max ? max : v < 0 ? 0 : v);
}

/* Interleave the low (@hi false) or high halves of d and s. */
static void unpack(SseEnv *env, XMMReg *d, const XMMReg *s, int size, bool hi)
{
    int n = env->vlen / size;
    int base = hi ? n / 2 : 0;
    XMMReg r = { .q = { 0, 0 } };

    for (int i = 0; i < n / 2; i++) {
        lane_set(&r, size, 2 * i, lane_u(d, size, base + i));
        lane_set(&r, size, 2 * i + 1, lane_u(s, size, base + i));
    }
    for (int i = 0; i < n; i++) {
        lane_set(d, size, i, lane_u(&r, size, i));
    }
}

void sse_punpcklbw(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    unpack(env, d, s, 1, false);
}

void sse_punpcklwd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    unpack(env, d, s, 2, false);
}

void sse_punpckldq(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    unpack(env, d, s, 4, false);
}

void sse_punpcklqdq(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    unpack(env, d, s, 8, false);
}

void sse_punpckhbw(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    unpack(env, d, s, 1, true);
}

void sse_punpckhwd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    unpack(env, d, s, 2, true);
}

void sse_punpckhdq(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    unpack(env, d, s, 4, true);
}

void sse_punpckhqdq(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    unpack(env, d, s, 8, true);
}


/* Narrow elements of @size to @size / 2 with (un)signed saturation. */
static void pack(SseEnv *env, XMMReg *d, const XMMReg *s, int size,
                 bool to_unsigned)
{
    int n = env->vlen / size;
    XMMReg r = { .q = { 0, 0 } };

    for (int i = 0; i < 2 * n; i++) {
        int64_t v = i < n ? lane_s(d, size, i) : lane_s(s, size, i - n);
        lane_set(&r, size / 2, i, to_unsigned ? sat_u(v, size / 2) :
                                  (uint64_t)sat_s(v, size / 2));
    }
    for (int i = 0; i < n; i++) {
        lane_set(d, size, i, lane_u(&r, size, i));
    }
}

void sse_packsswb(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    pack(env, d, s, 2, false);
}

void sse_packuswb(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    pack(env, d, s, 2, true);
}

void sse_packssdw(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    pack(env, d, s, 4, false);
}

void sse_packusdw(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    pack(env, d, s, 4, true);
}


typedef enum IntOp {
    I_ADD, I_SUB, I_ADDS, I_ADDUS, I_SUBS, I_SUBUS, I_MULLO, I_MULHI,
    I_MULHU, I_AVG, I_MINU, I_MAXU, I_MINS, I_MAXS, I_CMPEQ, I_CMPGT,
    I_SIGN, I_ABS, I_MULHRS,
} IntOp;

static uint64_t int_lane(IntOp op, int size, int64_t a, int64_t b,
                         uint64_t ua, uint64_t ub)
{
    switch (op) {
    case I_ADD:
        return ua + ub;
    case I_SUB:
        return ua - ub;
    case I_ADDS:
        return (uint64_t)sat_s(a + b, size);
    case I_ADDUS:
        return sat_u((int64_t)(ua + ub), size);
    case I_SUBS:
        return (uint64_t)sat_s(a - b, size);
    case I_SUBUS:
        return sat_u((int64_t)ua - (int64_t)ub, size);
    case I_MULLO:
        return (uint64_t)(a * b);
    case I_MULHI:
        return (uint64_t)((a * b) >> (8 * size));
    case I_MULHU:
        return (ua * ub) >> (8 * size);
    case I_AVG:
        return (ua + ub + 1) >> 1;
    case I_MINU:
        return ua < ub ? ua : ub;
    case I_MAXU:
        return ua > ub ? ua : ub;
    case I_MINS:
        return (uint64_t)(a < b ? a : b);
    case I_MAXS:
        return (uint64_t)(a > b ? a : b);
    case I_CMPEQ:
        return ua == ub ? ~0ull : 0;
    case I_CMPGT:
        return a > b ? ~0ull : 0;
    case I_SIGN:
        return b < 0 ? (uint64_t)-a : b == 0 ? 0 : (uint64_t)a;
    case I_ABS:
        return (uint64_t)(b < 0 ? -b : b);
    default:
        return (uint64_t)((((a * b) >> (8 * size - 2)) + 1) >> 1);
    }
}

/* Lane masks of the element sizes: low bits and high bit of each lane. */
static const uint64_t lane_hi[9] = {
    [1] = 0x8080808080808080ull, [2] = 0x8000800080008000ull,
    [4] = 0x8000000080000000ull, [8] = 0x8000000000000000ull,
};

/*
 * Wrapping add/subtract and equality on whole 64-bit words (the hot
 * forms of string and memory routines): carries are kept inside each
 * lane by adding the low bits separately from the top bit.
 */
static uint64_t swar_add(uint64_t a, uint64_t b, int size)
{
    uint64_t h = lane_hi[size];

    return ((a & ~h) + (b & ~h)) ^ ((a ^ b) & h);
}

static uint64_t swar_sub(uint64_t a, uint64_t b, int size)
{
    uint64_t h = lane_hi[size];

    return ((a | h) - (b & ~h)) ^ ((a ^ ~b) & h);
}

static uint64_t swar_eq(uint64_t a, uint64_t b, int size)
{
    uint64_t h = lane_hi[size], x = a ^ b;
    uint64_t ne = (((x & ~h) + ~h) | x) & h;     /* top bit: lane != 0 */
    uint64_t eq = ~ne & h;

    return (eq >> (8 * size - 1)) * (size == 8 ? ~0ull :
                                     (1ull << (8 * size)) - 1);
}

static bool swar_op(SseEnv *env, XMMReg *d, const XMMReg *s, int size,
                    IntOp op)
{
    for (int i = 0; i < env->vlen / 8; i++) {
        switch (op) {
        case I_ADD:
            d->q[i] = swar_add(d->q[i], s->q[i], size);
            break;
        case I_SUB:
            d->q[i] = swar_sub(d->q[i], s->q[i], size);
            break;
        case I_CMPEQ:
            d->q[i] = swar_eq(d->q[i], s->q[i], size);
            break;
        default:
            return false;
        }
    }
    return true;
}

static void int_op(SseEnv *env, XMMReg *d, const XMMReg *s, int size,
                   IntOp op)
{
    if ((op == I_ADD || op == I_SUB || op == I_CMPEQ) &&
        swar_op(env, d, s, size, op)) {
        return;
    }
    int n = env->vlen / size;

    for (int i = 0; i < n; i++) {
        lane_set(d, size, i, int_lane(op, size, lane_s(d, size, i),
                                      lane_s(s, size, i), lane_u(d, size, i),
                                      lane_u(s, size, i)));
    }
}

void sse_paddb(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 1, I_ADD);
}

void sse_paddw(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 2, I_ADD);
}

void sse_paddd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 4, I_ADD);
}

void sse_paddq(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 8, I_ADD);
}

void sse_psubb(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 1, I_SUB);
}

void sse_psubw(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 2, I_SUB);
}

void sse_psubd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 4, I_SUB);
}

void sse_psubq(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 8, I_SUB);
}

void sse_paddsb(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 1, I_ADDS);
}

void sse_paddsw(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 2, I_ADDS);
}

void sse_paddusb(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 1, I_ADDUS);
}

void sse_paddusw(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 2, I_ADDUS);
}

void sse_psubsb(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 1, I_SUBS);
}

void sse_psubsw(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 2, I_SUBS);
}

void sse_psubusb(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 1, I_SUBUS);
}

void sse_psubusw(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 2, I_SUBUS);
}

void sse_pmullw(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 2, I_MULLO);
}

void sse_pmulhw(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 2, I_MULHI);
}

void sse_pmulhuw(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 2, I_MULHU);
}

void sse_pavgb(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 1, I_AVG);
}

void sse_pavgw(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 2, I_AVG);
}

void sse_pminub(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 1, I_MINU);
}

void sse_pmaxub(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 1, I_MAXU);
}

void sse_pminsw(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 2, I_MINS);
}

void sse_pmaxsw(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 2, I_MAXS);
}

void sse_pcmpeqb(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 1, I_CMPEQ);
}

void sse_pcmpeqw(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 2, I_CMPEQ);
}

void sse_pcmpeqd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 4, I_CMPEQ);
}

void sse_pcmpgtb(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 1, I_CMPGT);
}

void sse_pcmpgtw(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 2, I_CMPGT);
}

void sse_pcmpgtd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 4, I_CMPGT);
}

/* SSSE3 / SSE4.1 / SSE4.2 lane operations of the same shape. */
void sse_psignb(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 1, I_SIGN);
}

void sse_psignw(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 2, I_SIGN);
}

void sse_psignd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 4, I_SIGN);
}

void sse_pabsb(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 1, I_ABS);
}

void sse_pabsw(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 2, I_ABS);
}

void sse_pabsd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 4, I_ABS);
}

void sse_pmulhrsw(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 2, I_MULHRS);
}

void sse_pminsb(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 1, I_MINS);
}

void sse_pminsd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 4, I_MINS);
}

void sse_pmaxsb(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 1, I_MAXS);
}

void sse_pmaxsd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 4, I_MAXS);
}

void sse_pminuw(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 2, I_MINU);
}

void sse_pminud(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 4, I_MINU);
}

void sse_pmaxuw(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 2, I_MAXU);
}

void sse_pmaxud(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 4, I_MAXU);
}

void sse_pmulld(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 4, I_MULLO);
}

void sse_pcmpeqq(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 8, I_CMPEQ);
}

void sse_pcmpgtq(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int_op(env, d, s, 8, I_CMPGT);
}


void sse_pmuludq(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    for (int i = 0; i < env->vlen / 8; i++) {
        d->q[i] = (uint64_t)d->d[2 * i] * s->d[2 * i];
    }
}

void sse_pmuldq(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    for (int i = 0; i < env->vlen / 8; i++) {
        d->sq[i] = (int64_t)d->sd[2 * i] * s->sd[2 * i];
    }
}

void sse_pmaddwd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    for (int i = 0; i < env->vlen / 4; i++) {
        int32_t lo = d->sw[2 * i] * s->sw[2 * i];
        int32_t hi = d->sw[2 * i + 1] * s->sw[2 * i + 1];
        d->d[i] = (uint32_t)lo + (uint32_t)hi;
    }
}

void sse_psadbw(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    for (int q = 0; q < env->vlen / 8; q++) {
        unsigned sum = 0;
        for (int i = 0; i < 8; i++) {
            int a = d->b[8 * q + i], b = s->b[8 * q + i];
            sum += (unsigned)(a > b ? a - b : b - a);
        }
        d->q[q] = sum;
    }
}

void sse_pand(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    for (int i = 0; i < env->vlen / 8; i++) {
        d->q[i] &= s->q[i];
    }
}

void sse_pandn(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    for (int i = 0; i < env->vlen / 8; i++) {
        d->q[i] = ~d->q[i] & s->q[i];
    }
}

void sse_por(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    for (int i = 0; i < env->vlen / 8; i++) {
        d->q[i] |= s->q[i];
    }
}

void sse_pxor(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    for (int i = 0; i < env->vlen / 8; i++) {
        d->q[i] ^= s->q[i];
    }
}

typedef enum ShiftKind { SH_LEFT, SH_RIGHT, SH_ARITH } ShiftKind;

static void shift(SseEnv *env, XMMReg *d, const XMMReg *s, int size,
                  ShiftKind k)
{
    uint64_t count = s->q[0];
    int bits = 8 * size;

    for (int i = 0; i < env->vlen / size; i++) {
        uint64_t v;
        if (k == SH_ARITH) {
            int64_t x = lane_s(d, size, i);
            v = (uint64_t)(count >= (uint64_t)bits ? (x < 0 ? -1 : 0) :
                           x >> count);
        } else if (count >= (uint64_t)bits) {
            v = 0;
        } else {
            uint64_t x = lane_u(d, size, i);
            v = k == SH_LEFT ? x << count : x >> count;
        }
        lane_set(d, size, i, v);
    }
}

void sse_psllw(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    shift(env, d, s, 2, SH_LEFT);
}

void sse_pslld(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    shift(env, d, s, 4, SH_LEFT);
}

void sse_psllq(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    shift(env, d, s, 8, SH_LEFT);
}

void sse_psrlw(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    shift(env, d, s, 2, SH_RIGHT);
}

void sse_psrld(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    shift(env, d, s, 4, SH_RIGHT);
}

void sse_psrlq(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    shift(env, d, s, 8, SH_RIGHT);
}

void sse_psraw(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    shift(env, d, s, 2, SH_ARITH);
}

void sse_psrad(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    shift(env, d, s, 4, SH_ARITH);
}


void sse_pslldq(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    XMMReg r = { .q = { 0, 0 } };

    for (int i = imm; i < 16; i++) {
        r.b[i] = d->b[i - imm];
    }
    *d = r;
}

void sse_psrldq(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    XMMReg r = { .q = { 0, 0 } };

    for (int i = 0; i + imm < 16; i++) {
        r.b[i] = d->b[i + imm];
    }
    *d = r;
}

void sse_pshufw(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    XMMReg r = *s;

    for (int i = 0; i < 4; i++) {
        d->w[i] = r.w[(imm >> (2 * i)) & 3];
    }
}

void sse_pshufd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    XMMReg r = *s;

    for (int i = 0; i < 4; i++) {
        d->d[i] = r.d[(imm >> (2 * i)) & 3];
    }
}

void sse_pshuflw(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    XMMReg r = *s;

    for (int i = 0; i < 4; i++) {
        d->w[i] = r.w[(imm >> (2 * i)) & 3];
    }
    d->q[1] = r.q[1];
}

void sse_pshufhw(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    XMMReg r = *s;

    for (int i = 0; i < 4; i++) {
        d->w[4 + i] = r.w[4 + ((imm >> (2 * i)) & 3)];
    }
    d->q[0] = r.q[0];
}
