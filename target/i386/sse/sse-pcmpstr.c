/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SSE4.2 string compares: PCMPESTRI, PCMPESTRM, PCMPISTRI, PCMPISTRM.
 * The first operand (xmm1) is string 1, the second (xmm2/m128) string 2;
 * imm8 selects the element format (bits 0-1), the aggregation (2-3:
 * equal any, ranges, equal each, equal ordered), the polarity (4-5) and
 * the output selection (6).
 *
 * Spec: Intel SDM vol. 2, 4.1 "Imm8 control byte operation for
 * PCMPESTRI/PCMPESTRM/PCMPISTRI/PCMPISTRM": 4.1.2 data formats, 4.1.3
 * aggregation with the invalid-element override table, 4.1.4 polarity,
 * 4.1.5/4.1.6 outputs, 4.1.7 flags (CF: IntRes2 != 0, ZF/SF: string 2/1
 * shorter than the register, OF: IntRes2[0], AF = PF = 0).
 */
#include "target/i386/sse/sse-ops.h"

enum { EF_CF = 0x001, EF_ZF = 0x040, EF_SF = 0x080, EF_OF = 0x800 };

static int64_t elem(const XMMReg *r, uint8_t imm, int i)
{
    switch (imm & 3) {
    case 0:
        return r->b[i];
    case 1:
        return r->w[i];
    case 2:
        return r->sb[i];
    default:
        return r->sw[i];
    }
}

static int implicit_len(const XMMReg *r, uint8_t imm, int n)
{
    for (int i = 0; i < n; i++) {
        if (elem(r, imm, i) == 0) {
            return i;
        }
    }
    return n;
}

static int explicit_len(uint64_t reg, int n)
{
    int64_t v = (int64_t)reg;

    if (v < 0) {
        v = v == INT64_MIN ? INT64_MAX : -v;
    }
    return v > n ? n : (int)v;
}

/* BoolRes[i][j] for string-1 element i and string-2 element j, with the
 * overrides for invalid elements. */
static bool boolres(int agg, const XMMReg *a, const XMMReg *b, uint8_t imm,
                    int i, int j, int la, int lb)
{
    bool va = i < la, vb = j < lb;

    if (!va || !vb) {
        switch (agg) {
        case 2:
            return !va && !vb;
        case 3:
            return !va;
        default:
            return false;
        }
    }
    int64_t x = elem(a, imm, i), y = elem(b, imm, j);
    if (agg == 1) {
        return (i & 1) ? y <= x : y >= x;
    }
    return x == y;
}

static uint32_t intres(const XMMReg *a, const XMMReg *b, uint8_t imm,
                       int la, int lb, int n)
{
    int agg = (imm >> 2) & 3;
    uint32_t r = 0;

    for (int j = 0; j < n; j++) {
        bool bit;
        switch (agg) {
        case 0:
            bit = false;
            for (int i = 0; i < n; i++) {
                bit |= boolres(agg, a, b, imm, i, j, la, lb);
            }
            break;
        case 1:
            bit = false;
            for (int i = 0; i + 1 < n; i += 2) {
                bit |= boolres(agg, a, b, imm, i, j, la, lb) &&
                       boolres(agg, a, b, imm, i + 1, j, la, lb);
            }
            break;
        case 2:
            bit = boolres(agg, a, b, imm, j, j, la, lb);
            break;
        default:
            bit = true;
            for (int k = 0; k < n - j; k++) {
                bit &= boolres(agg, a, b, imm, k, j + k, la, lb);
            }
            break;
        }
        r |= (uint32_t)bit << j;
    }
    switch ((imm >> 4) & 3) {
    case 1:
        r = ~r;
        break;
    case 3:
        r ^= (1u << lb) - 1;
        break;
    default:
        break;
    }
    return r & ((1u << n) - 1);
}

static uint32_t run(SseEnv *env, const XMMReg *a, const XMMReg *b,
                    uint8_t imm, bool explicit_lengths)
{
    int n = (imm & 1) ? 8 : 16;
    int la, lb;
    uint32_t r;

    if (explicit_lengths) {
        la = explicit_len(env->rax, n);
        lb = explicit_len(env->rdx, n);
    } else {
        la = implicit_len(a, imm, n);
        lb = implicit_len(b, imm, n);
    }
    r = intres(a, b, imm, la, lb, n);
    env->eflags = (r ? EF_CF : 0) | (lb < n ? EF_ZF : 0) |
                  (la < n ? EF_SF : 0) | ((r & 1) ? EF_OF : 0);
    return r;
}

static void index_out(SseEnv *env, uint32_t r, uint8_t imm)
{
    int n = (imm & 1) ? 8 : 16;

    if (!r) {
        env->ecx = (uint32_t)n;
    } else if (imm & 0x40) {
        env->ecx = 31 - (uint32_t)__builtin_clz(r);
    } else {
        env->ecx = (uint32_t)__builtin_ctz(r);
    }
}

static void mask_out(XMMReg *d, uint32_t r, uint8_t imm)
{
    XMMReg m = { .q = { 0, 0 } };

    if (!(imm & 0x40)) {
        m.d[0] = r;
    } else if (imm & 1) {
        for (int i = 0; i < 8; i++) {
            m.w[i] = (r >> i) & 1 ? 0xffff : 0;
        }
    } else {
        for (int i = 0; i < 16; i++) {
            m.b[i] = (r >> i) & 1 ? 0xff : 0;
        }
    }
    *d = m;
}

void sse_pcmpestri(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    index_out(env, run(env, d, s, imm, true), imm);
}

void sse_pcmpestrm(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    mask_out(d, run(env, d, s, imm, true), imm);
}

void sse_pcmpistri(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    index_out(env, run(env, d, s, imm, false), imm);
}

void sse_pcmpistrm(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    mask_out(d, run(env, d, s, imm, false), imm);
}
