/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SSE/SSE2/SSE3/SSE4.1 floating-point lane operations: arithmetic,
 * MIN/MAX, CMPcc, horizontal and alternating add/subtract, DPPS/DPPD,
 * ROUNDxx, blends, INSERTPS, the bitwise forms, the RCP/RSQRT
 * approximations, and MXCSR exception bookkeeping.
 *
 * Spec: Intel SDM vol. 1 10.4 and 11.4 (instruction summaries), 11.5
 * (SIMD floating-point exceptions, the pre-/post-computation split),
 * 4.8.3.5 table 4-7 (SSE NaN rule: the first source operand wins);
 * vol. 2 pages MINPS (a NaN or two zeros return the second operand),
 * CMPPS (predicates 0-7; LT/LE/NLT/NLE signal on QNaN), DPPS (sum order),
 * ROUNDPS (imm8 bits 0-3), RCPPS (relative error at most 1.5 * 2^-12).
 */
#include "target/i386/fpu/softfloat.h"
#include "target/i386/sse/sse-ops.h"

typedef uint32_t F32Op(FpEnv *e, uint32_t a, uint32_t b);
typedef uint64_t F64Op(FpEnv *e, uint64_t a, uint64_t b);

void sse_env_init(SseEnv *env, uint32_t mxcsr, unsigned vlen)
{
    *env = (SseEnv){ .mxcsr = mxcsr, .vlen = (uint8_t)vlen };
}

bool sse_commit(const SseEnv *env, uint32_t *mxcsr)
{
    uint32_t masks = (*mxcsr >> MXCSR_MASK_SHIFT) & MXCSR_FLAGS;
    uint32_t pre = env->flags & (MXCSR_IE | MXCSR_DE | MXCSR_ZE);

    if (pre & ~masks) {
        *mxcsr |= pre;
        return true;
    }
    *mxcsr |= env->flags & MXCSR_FLAGS;
    return (env->flags & ~masks & MXCSR_FLAGS) != 0;
}

static FpEnv fenv(const SseEnv *env)
{
    FpEnv e = {
        .round = (env->mxcsr >> MXCSR_RC_SHIFT) & 3,
        .prec = 64,
        .masks = (env->mxcsr >> MXCSR_MASK_SHIFT) & MXCSR_FLAGS,
        .daz = (env->mxcsr & MXCSR_DAZ) != 0,
        .ftz = (env->mxcsr & MXCSR_FZ) != 0,
    };
    return e;
}

/* Collect the flags of one lane (or one scalar result). */
static void done(SseEnv *env, FpEnv *e)
{
    env->flags |= e->flags & MXCSR_FLAGS;
    e->flags = 0;
}

static void ps_op(SseEnv *env, XMMReg *d, const XMMReg *s, F32Op *fn,
                  int lanes)
{
    FpEnv e = fenv(env);

    for (int i = 0; i < lanes; i++) {
        d->d[i] = fn(&e, d->d[i], s->d[i]);
        done(env, &e);
    }
}

static void pd_op(SseEnv *env, XMMReg *d, const XMMReg *s, F64Op *fn,
                  int lanes)
{
    FpEnv e = fenv(env);

    for (int i = 0; i < lanes; i++) {
        d->q[i] = fn(&e, d->q[i], s->q[i]);
        done(env, &e);
    }
}

void sse_addps(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    ps_op(env, d, s, f32_add, 4);
}

void sse_addss(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    ps_op(env, d, s, f32_add, 1);
}

void sse_addpd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    pd_op(env, d, s, f64_add, 2);
}

void sse_addsd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    pd_op(env, d, s, f64_add, 1);
}

void sse_subps(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    ps_op(env, d, s, f32_sub, 4);
}

void sse_subss(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    ps_op(env, d, s, f32_sub, 1);
}

void sse_subpd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    pd_op(env, d, s, f64_sub, 2);
}

void sse_subsd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    pd_op(env, d, s, f64_sub, 1);
}

void sse_mulps(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    ps_op(env, d, s, f32_mul, 4);
}

void sse_mulss(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    ps_op(env, d, s, f32_mul, 1);
}

void sse_mulpd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    pd_op(env, d, s, f64_mul, 2);
}

void sse_mulsd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    pd_op(env, d, s, f64_mul, 1);
}

void sse_divps(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    ps_op(env, d, s, f32_div, 4);
}

void sse_divss(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    ps_op(env, d, s, f32_div, 1);
}

void sse_divpd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    pd_op(env, d, s, f64_div, 2);
}

void sse_divsd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    pd_op(env, d, s, f64_div, 1);
}


static uint32_t sqrt32(FpEnv *e, uint32_t a, uint32_t b)
{
    return f32_sqrt(e, b);
}

static uint64_t sqrt64(FpEnv *e, uint64_t a, uint64_t b)
{
    return f64_sqrt(e, b);
}

void sse_sqrtps(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    ps_op(env, d, s, sqrt32, 4);
}

void sse_sqrtss(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    ps_op(env, d, s, sqrt32, 1);
}

void sse_sqrtpd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    pd_op(env, d, s, sqrt64, 2);
}

void sse_sqrtsd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    pd_op(env, d, s, sqrt64, 1);
}


/* DAZ: a denormal source reads as a zero of its sign. */
static uint32_t daz32(const FpEnv *e, uint32_t a)
{
    return e->daz && !(a & 0x7f800000u) ? a & 0x80000000u : a;
}

static uint64_t daz64(const FpEnv *e, uint64_t a)
{
    return e->daz && !(a & 0x7ff0000000000000ull) ?
           a & 0x8000000000000000ull : a;
}

/* MIN/MAX: a NaN anywhere, or equal values (two zeros), give the second
 * operand; any NaN raises IE. */
static uint32_t min32(FpEnv *e, uint32_t a, uint32_t b)
{
    a = daz32(e, a);
    b = daz32(e, b);
    return f32_compare(e, a, b, false) == FP_REL_LESS ? a : b;
}

static uint32_t max32(FpEnv *e, uint32_t a, uint32_t b)
{
    a = daz32(e, a);
    b = daz32(e, b);
    return f32_compare(e, a, b, false) == FP_REL_GREATER ? a : b;
}

static uint64_t min64(FpEnv *e, uint64_t a, uint64_t b)
{
    a = daz64(e, a);
    b = daz64(e, b);
    return f64_compare(e, a, b, false) == FP_REL_LESS ? a : b;
}

static uint64_t max64(FpEnv *e, uint64_t a, uint64_t b)
{
    a = daz64(e, a);
    b = daz64(e, b);
    return f64_compare(e, a, b, false) == FP_REL_GREATER ? a : b;
}

void sse_minps(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    ps_op(env, d, s, min32, 4);
}

void sse_minss(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    ps_op(env, d, s, min32, 1);
}

void sse_minpd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    pd_op(env, d, s, min64, 2);
}

void sse_minsd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    pd_op(env, d, s, min64, 1);
}

void sse_maxps(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    ps_op(env, d, s, max32, 4);
}

void sse_maxss(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    ps_op(env, d, s, max32, 1);
}

void sse_maxpd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    pd_op(env, d, s, max64, 2);
}

void sse_maxsd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    pd_op(env, d, s, max64, 1);
}


/* CMPcc predicates 0-7: which relations are true, and signalling? */
static const struct {
    uint8_t true_rels;    /* bit per FpRel */
    bool signalling;
} cmp_pred[8] = {
    { 1 << FP_REL_EQUAL, false },                                /* EQ */
    { 1 << FP_REL_LESS, true },                                  /* LT */
    { 1 << FP_REL_LESS | 1 << FP_REL_EQUAL, true },              /* LE */
    { 1 << FP_REL_UNORDERED, false },                            /* UNORD */
    { 0xf & ~(1 << FP_REL_EQUAL), false },                       /* NEQ */
    { 0xf & ~(1 << FP_REL_LESS), true },                         /* NLT */
    { 0xf & ~(1 << FP_REL_LESS | 1 << FP_REL_EQUAL), true },     /* NLE */
    { 0xf & ~(1 << FP_REL_UNORDERED), false },                   /* ORD */
};

static void cmp_ps(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm,
                   int lanes)
{
    FpEnv e = fenv(env);
    int p = imm & 7;

    for (int i = 0; i < lanes; i++) {
        FpRel r = f32_compare(&e, d->d[i], s->d[i], !cmp_pred[p].signalling);
        d->d[i] = (cmp_pred[p].true_rels >> r) & 1 ? ~0u : 0;
    }
    done(env, &e);
}

static void cmp_pd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm,
                   int lanes)
{
    FpEnv e = fenv(env);
    int p = imm & 7;

    for (int i = 0; i < lanes; i++) {
        FpRel r = f64_compare(&e, d->q[i], s->q[i], !cmp_pred[p].signalling);
        d->q[i] = (cmp_pred[p].true_rels >> r) & 1 ? ~0ull : 0;
    }
    done(env, &e);
}

void sse_cmpps(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    cmp_ps(env, d, s, imm, 4);
}

void sse_cmpss(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    cmp_ps(env, d, s, imm, 1);
}

void sse_cmppd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    cmp_pd(env, d, s, imm, 2);
}

void sse_cmpsd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    cmp_pd(env, d, s, imm, 1);
}


void sse_andps(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    d->q[0] &= s->q[0];
    d->q[1] &= s->q[1];
}

void sse_andnps(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    d->q[0] = ~d->q[0] & s->q[0];
    d->q[1] = ~d->q[1] & s->q[1];
}

void sse_orps(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    d->q[0] |= s->q[0];
    d->q[1] |= s->q[1];
}

void sse_xorps(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    d->q[0] ^= s->q[0];
    d->q[1] ^= s->q[1];
}

void sse_unpcklps(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    XMMReg r = { .d = { d->d[0], s->d[0], d->d[1], s->d[1] } };
    *d = r;
}

void sse_unpckhps(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    XMMReg r = { .d = { d->d[2], s->d[2], d->d[3], s->d[3] } };
    *d = r;
}

void sse_unpcklpd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    d->q[1] = s->q[0];
}

void sse_unpckhpd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    d->q[0] = d->q[1];
    d->q[1] = s->q[1];
}

void sse_shufps(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    XMMReg r = { .d = { d->d[imm & 3], d->d[(imm >> 2) & 3],
                        s->d[(imm >> 4) & 3], s->d[(imm >> 6) & 3] } };
    *d = r;
}

void sse_shufpd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    XMMReg r = { .q = { d->q[imm & 1], s->q[(imm >> 1) & 1] } };
    *d = r;
}

void sse_movsldup(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    XMMReg r = { .d = { s->d[0], s->d[0], s->d[2], s->d[2] } };
    *d = r;
}

void sse_movshdup(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    XMMReg r = { .d = { s->d[1], s->d[1], s->d[3], s->d[3] } };
    *d = r;
}

void sse_movddup(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    XMMReg r = { .q = { s->q[0], s->q[0] } };
    *d = r;
}

static void hop_ps(SseEnv *env, XMMReg *d, const XMMReg *s, F32Op *fn)
{
    FpEnv e = fenv(env);
    XMMReg r;

    r.d[0] = fn(&e, d->d[0], d->d[1]);
    done(env, &e);
    r.d[1] = fn(&e, d->d[2], d->d[3]);
    done(env, &e);
    r.d[2] = fn(&e, s->d[0], s->d[1]);
    done(env, &e);
    r.d[3] = fn(&e, s->d[2], s->d[3]);
    done(env, &e);
    *d = r;
}

static void hop_pd(SseEnv *env, XMMReg *d, const XMMReg *s, F64Op *fn)
{
    FpEnv e = fenv(env);
    XMMReg r;

    r.q[0] = fn(&e, d->q[0], d->q[1]);
    done(env, &e);
    r.q[1] = fn(&e, s->q[0], s->q[1]);
    done(env, &e);
    *d = r;
}

void sse_haddps(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    hop_ps(env, d, s, f32_add);
}

void sse_hsubps(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    hop_ps(env, d, s, f32_sub);
}

void sse_haddpd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    hop_pd(env, d, s, f64_add);
}

void sse_hsubpd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    hop_pd(env, d, s, f64_sub);
}


void sse_addsubps(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    FpEnv e = fenv(env);

    for (int i = 0; i < 4; i++) {
        d->d[i] = (i & 1) ? f32_add(&e, d->d[i], s->d[i]) :
                            f32_sub(&e, d->d[i], s->d[i]);
        done(env, &e);
    }
}

void sse_addsubpd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    FpEnv e = fenv(env);

    d->q[0] = f64_sub(&e, d->q[0], s->q[0]);
    done(env, &e);
    d->q[1] = f64_add(&e, d->q[1], s->q[1]);
    done(env, &e);
}

/* ROUNDxx: imm bit 2 selects MXCSR.RC, bits 0-1 the mode, bit 3 no PE.
 * DE is not reported (the SDM lists only IE and PE). */
static int round_mode(const SseEnv *env, uint8_t imm)
{
    return (imm & 4) ? (env->mxcsr >> MXCSR_RC_SHIFT) & 3 : imm & 3;
}

static void round_lanes(SseEnv *env, XMMReg *d, const XMMReg *s,
                        uint8_t imm, int lanes, bool dbl)
{
    FpEnv e = fenv(env);
    int rc = round_mode(env, imm);

    for (int i = 0; i < lanes; i++) {
        if (dbl) {
            d->q[i] = f64_round_int(&e, s->q[i], rc, imm & 8);
        } else {
            d->d[i] = f32_round_int(&e, s->d[i], rc, imm & 8);
        }
    }
    e.flags &= (uint16_t)~(FP_DE | FP_C1);
    done(env, &e);
}

void sse_roundps(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    round_lanes(env, d, s, imm, 4, false);
}

void sse_roundss(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    round_lanes(env, d, s, imm, 1, false);
}

void sse_roundpd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    round_lanes(env, d, s, imm, 2, true);
}

void sse_roundsd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    round_lanes(env, d, s, imm, 1, true);
}


/*
 * DPPS/DPPD: the SDM's sum is (m0 + m1) + (m2 + m3).  Hardware forms it
 * per output lane, in an order that changes which NaN a lane receives when
 * several products are NaN.  (m[i] + m[i^1]) + (m[i^2] + m[i^3]) matches
 * it in most such cases and always for DPPD.  Deviation: other multi-NaN
 * DPPS cases return a different (still NaN) payload.
 */
void sse_dpps(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    FpEnv e = fenv(env);
    uint32_t m[4], r[4];

    for (int i = 0; i < 4; i++) {
        m[i] = (imm >> (4 + i)) & 1 ? f32_mul(&e, d->d[i], s->d[i]) : 0;
    }
    if (e.flags & ~e.masks & MXCSR_FLAGS) {
        done(env, &e);      /* #XM after the products: no sums */
        return;
    }
    for (int i = 0; i < 4; i++) {
        uint32_t t1 = f32_add(&e, m[i], m[i ^ 1]);
        uint32_t t2 = f32_add(&e, m[i ^ 2], m[i ^ 3]);
        r[i] = f32_add(&e, t1, t2);
    }
    for (int i = 0; i < 4; i++) {
        d->d[i] = (imm >> i) & 1 ? r[i] : 0;
    }
    done(env, &e);
}

void sse_dppd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    FpEnv e = fenv(env);
    uint64_t m[2], r[2];

    for (int i = 0; i < 2; i++) {
        m[i] = (imm >> (4 + i)) & 1 ? f64_mul(&e, d->q[i], s->q[i]) : 0;
    }
    if (e.flags & ~e.masks & MXCSR_FLAGS) {
        done(env, &e);
        return;
    }
    r[0] = f64_add(&e, m[0], m[1]);
    r[1] = f64_add(&e, m[1], m[0]);
    for (int i = 0; i < 2; i++) {
        d->q[i] = (imm >> i) & 1 ? r[i] : 0;
    }
    done(env, &e);
}

void sse_blendps(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    for (int i = 0; i < 4; i++) {
        if ((imm >> i) & 1) {
            d->d[i] = s->d[i];
        }
    }
}

void sse_blendpd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    for (int i = 0; i < 2; i++) {
        if ((imm >> i) & 1) {
            d->q[i] = s->q[i];
        }
    }
}

void sse_blendvps(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    for (int i = 0; i < 4; i++) {
        if (env->xmm0->d[i] >> 31) {
            d->d[i] = s->d[i];
        }
    }
}

void sse_blendvpd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    for (int i = 0; i < 2; i++) {
        if (env->xmm0->q[i] >> 63) {
            d->q[i] = s->q[i];
        }
    }
}

void sse_insertps(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    d->d[(imm >> 4) & 3] = s->d[(imm >> 6) & 3];
    for (int i = 0; i < 4; i++) {
        if ((imm >> i) & 1) {
            d->d[i] = 0;
        }
    }
}

/*
 * RCP/RSQRT: the hardware uses an undocumented table; this computes the
 * exact value and keeps 12 significant bits (relative error < 2^-12, in
 * the documented 1.5 * 2^-12 bound).  Denormal inputs count as zero and
 * tiny results flush to zero, as on hardware; no exceptions.
 */
static uint32_t approx(uint32_t a, bool rsqrt)
{
    FpEnv e = { .round = FP_ROUND_NEAREST, .masks = 0x3f, .daz = true,
                .ftz = true };
    uint32_t sign = a & 0x80000000u, mag = a & 0x7fffffffu;
    uint32_t r;

    if (f32_is_nan(a)) {
        return a | 0x00400000u;
    }
    if (mag < 0x00800000u) {
        return sign | 0x7f800000u;
    }
    if (rsqrt && sign) {
        return F32_INDEFINITE;
    }
    if (mag == 0x7f800000u || (!rsqrt && mag >= 0x7e800000u)) {
        /* Reciprocals of 2^126 and above flush to zero on hardware. */
        return sign;
    }
    r = rsqrt ? f32_div(&e, 0x3f800000u, f32_sqrt(&e, a)) :
                f32_div(&e, 0x3f800000u, a);
    if ((r & 0x7fffffffu) < 0x00800000u) {
        return sign;
    }
    return (r + 0x800u) & 0xfffff000u;
}

void sse_rcpps(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    for (int i = 0; i < 4; i++) {
        d->d[i] = approx(s->d[i], false);
    }
}

void sse_rcpss(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    d->d[0] = approx(s->d[0], false);
}

void sse_rsqrtps(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    for (int i = 0; i < 4; i++) {
        d->d[i] = approx(s->d[i], true);
    }
}

void sse_rsqrtss(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    d->d[0] = approx(s->d[0], true);
}
