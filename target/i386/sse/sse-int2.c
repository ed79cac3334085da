/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SSSE3 and SSE4.1 integer operations that are not plain lane-wise:
 * PSHUFB, horizontal add/subtract, PMADDUBSW, PALIGNR, PBLENDVB, PBLENDW,
 * PHMINPOSUW, MPSADBW, and PMOVSX/PMOVZX.
 *
 * Spec: Intel SDM vol. 2 pages of each instruction (SSSE3 forms work on
 * 64-bit MMX registers when env->vlen == 8).
 */
#include "target/i386/sse/sse-ops.h"

void sse_pshufb(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    XMMReg r = *d;
    int n = env->vlen;

    for (int i = 0; i < n; i++) {
        uint8_t c = s->b[i];
        d->b[i] = (c & 0x80) ? 0 : r.b[c & (n - 1)];
    }
}

static int32_t sat16(int32_t v)
{
    return v > 32767 ? 32767 : v < -32768 ? -32768 : v;
}

typedef enum { H_ADD, H_SUB, H_ADDS, H_SUBS } HKind;

static void hop_w(SseEnv *env, XMMReg *d, const XMMReg *s, HKind k)
{
    int n = env->vlen / 2;     /* words per register */
    XMMReg r = { .q = { 0, 0 } };

    for (int i = 0; i < n; i++) {
        const XMMReg *src = i < n / 2 ? d : s;
        int j = 2 * (i % (n / 2));
        int32_t a = src->sw[j], b = src->sw[j + 1];
        int32_t v = (k == H_ADD || k == H_ADDS) ? a + b : a - b;
        r.w[i] = (uint16_t)(k >= H_ADDS ? sat16(v) : v);
    }
    for (int i = 0; i < n; i++) {
        d->w[i] = r.w[i];
    }
}

static void hop_d(SseEnv *env, XMMReg *d, const XMMReg *s, bool sub)
{
    int n = env->vlen / 4;
    XMMReg r = { .q = { 0, 0 } };

    for (int i = 0; i < n; i++) {
        const XMMReg *src = i < n / 2 ? d : s;
        int j = 2 * (i % (n / 2));
        r.d[i] = sub ? src->d[j] - src->d[j + 1] : src->d[j] + src->d[j + 1];
    }
    for (int i = 0; i < n; i++) {
        d->d[i] = r.d[i];
    }
}

void sse_phaddw(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    hop_w(env, d, s, H_ADD);
}

void sse_phaddsw(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    hop_w(env, d, s, H_ADDS);
}

void sse_phsubw(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    hop_w(env, d, s, H_SUB);
}

void sse_phsubsw(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    hop_w(env, d, s, H_SUBS);
}

void sse_phaddd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    hop_d(env, d, s, false);
}

void sse_phsubd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    hop_d(env, d, s, true);
}


void sse_pmaddubsw(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    for (int i = 0; i < env->vlen / 2; i++) {
        int32_t v = d->b[2 * i] * s->sb[2 * i] +
                    d->b[2 * i + 1] * s->sb[2 * i + 1];
        d->w[i] = (uint16_t)sat16(v);
    }
}

void sse_palignr(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int n = env->vlen;
    uint8_t cat[32];
    XMMReg r = { .q = { 0, 0 } };

    for (int i = 0; i < n; i++) {
        cat[i] = s->b[i];
        cat[n + i] = d->b[i];
    }
    for (int i = 0; i < n; i++) {
        int k = imm + i;
        r.b[i] = k < 2 * n ? cat[k] : 0;
    }
    for (int i = 0; i < n; i++) {
        d->b[i] = r.b[i];
    }
}

void sse_pblendvb(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    for (int i = 0; i < 16; i++) {
        if (env->xmm0->b[i] & 0x80) {
            d->b[i] = s->b[i];
        }
    }
}

void sse_pblendw(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    for (int i = 0; i < 8; i++) {
        if ((imm >> i) & 1) {
            d->w[i] = s->w[i];
        }
    }
}

void sse_phminposuw(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int idx = 0;

    for (int i = 1; i < 8; i++) {
        if (s->w[i] < s->w[idx]) {
            idx = i;
        }
    }
    XMMReg r = { .q = { 0, 0 } };
    r.w[0] = s->w[idx];
    r.w[1] = (uint16_t)idx;
    *d = r;
}

void sse_mpsadbw(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    int soff = 4 * (imm & 3), doff = 4 * ((imm >> 2) & 1);
    XMMReg r;

    for (int i = 0; i < 8; i++) {
        unsigned sum = 0;
        for (int j = 0; j < 4; j++) {
            int a = d->b[doff + i + j], b = s->b[soff + j];
            sum += (unsigned)(a > b ? a - b : b - a);
        }
        r.w[i] = (uint16_t)sum;
    }
    *d = r;
}

/* PMOVSX/ZX: widen the low elements of @s from @from to @to bytes. */
static void pmov(XMMReg *d, const XMMReg *s, int from, int to, bool sx)
{
    XMMReg r = { .q = { 0, 0 } };

    for (int i = 0; i < 16 / to; i++) {
        uint64_t v = 0;
        for (int k = 0; k < from; k++) {
            v |= (uint64_t)s->b[i * from + k] << (8 * k);
        }
        if (sx && (v >> (8 * from - 1)) & 1 && from < 8) {
            v |= ~0ull << (8 * from);
        }
        for (int k = 0; k < to; k++) {
            r.b[i * to + k] = (uint8_t)(v >> (8 * k));
        }
    }
    *d = r;
}

void sse_pmovsxbw(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    pmov(d, s, 1, 2, true);
}

void sse_pmovsxbd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    pmov(d, s, 1, 4, true);
}

void sse_pmovsxbq(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    pmov(d, s, 1, 8, true);
}

void sse_pmovsxwd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    pmov(d, s, 2, 4, true);
}

void sse_pmovsxwq(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    pmov(d, s, 2, 8, true);
}

void sse_pmovsxdq(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    pmov(d, s, 4, 8, true);
}

void sse_pmovzxbw(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    pmov(d, s, 1, 2, false);
}

void sse_pmovzxbd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    pmov(d, s, 1, 4, false);
}

void sse_pmovzxbq(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    pmov(d, s, 1, 8, false);
}

void sse_pmovzxwd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    pmov(d, s, 2, 4, false);
}

void sse_pmovzxwq(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    pmov(d, s, 2, 8, false);
}

void sse_pmovzxdq(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    pmov(d, s, 4, 8, false);
}

