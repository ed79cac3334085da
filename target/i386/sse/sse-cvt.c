/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SSE/SSE2 conversions (CVT*), the EFLAGS compares (COMISS, UCOMISS,
 * COMISD, UCOMISD), PTEST, and the extractions into general-purpose
 * registers (MOVMSKPS/PD, PMOVMSKB, PEXTRx, PINSRx).
 *
 * Spec: Intel SDM vol. 2 pages of CVTPS2PD ... CVTTSD2SI (integer
 * indefinite 80000000h on invalid; the T forms truncate; CVTPD2DQ and
 * CVTPD2PS zero the upper half), COMISS (ZF/PF/CF; OF, SF, AF cleared;
 * COMISS signals on QNaN, UCOMISS only on SNaN), PTEST, PEXTRB ... PINSRQ.
 */
#include "target/i386/fpu/softfloat.h"
#include "target/i386/sse/sse-ops.h"

enum { EF_CF = 0x001, EF_PF = 0x004, EF_AF = 0x010, EF_ZF = 0x040,
       EF_SF = 0x080, EF_OF = 0x800 };

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

void sse_cvtps2pd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    FpEnv e = fenv(env);
    XMMReg r = { .q = { f32_to_f64(&e, s->d[0]), f32_to_f64(&e, s->d[1]) } };

    *d = r;
    done(env, &e);
}

void sse_cvtpd2ps(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    FpEnv e = fenv(env);
    XMMReg r = { .q = { 0, 0 } };

    r.d[0] = f64_to_f32(&e, s->q[0]);
    done(env, &e);
    r.d[1] = f64_to_f32(&e, s->q[1]);
    done(env, &e);
    *d = r;
}

void sse_cvtss2sd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    FpEnv e = fenv(env);

    d->q[0] = f32_to_f64(&e, s->d[0]);
    done(env, &e);
}

void sse_cvtsd2ss(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    FpEnv e = fenv(env);

    d->d[0] = f64_to_f32(&e, s->q[0]);
    done(env, &e);
}

void sse_cvtdq2ps(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    FpEnv e = fenv(env);

    for (int i = 0; i < 4; i++) {
        d->d[i] = i64_to_f32(&e, s->sd[i]);
    }
    done(env, &e);
}

static void f32_to_i32_lanes(SseEnv *env, XMMReg *d, const XMMReg *s,
                             int lanes, bool trunc)
{
    FpEnv e = fenv(env);
    uint32_t r[4];

    for (int i = 0; i < lanes; i++) {
        r[i] = (uint32_t)f32_to_int(&e, s->d[i], 32, trunc);
    }
    for (int i = 0; i < lanes; i++) {
        d->d[i] = r[i];
    }
    done(env, &e);
}

static void f64_to_i32_lanes(SseEnv *env, XMMReg *d, const XMMReg *s,
                             bool trunc, bool mmx)
{
    FpEnv e = fenv(env);
    uint32_t r0 = (uint32_t)f64_to_int(&e, s->q[0], 32, trunc);
    uint32_t r1 = (uint32_t)f64_to_int(&e, s->q[1], 32, trunc);

    d->d[0] = r0;
    d->d[1] = r1;
    if (!mmx) {
        d->q[1] = 0;
    }
    done(env, &e);
}

void sse_cvtps2dq(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    f32_to_i32_lanes(env, d, s, 4, false);
}

void sse_cvttps2dq(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    f32_to_i32_lanes(env, d, s, 4, true);
}

void sse_cvtps2pi(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    f32_to_i32_lanes(env, d, s, 2, false);
}

void sse_cvttps2pi(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    f32_to_i32_lanes(env, d, s, 2, true);
}

void sse_cvtpd2dq(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    f64_to_i32_lanes(env, d, s, false, false);
}

void sse_cvttpd2dq(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    f64_to_i32_lanes(env, d, s, true, false);
}

void sse_cvtpd2pi(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    f64_to_i32_lanes(env, d, s, false, true);
}

void sse_cvttpd2pi(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    f64_to_i32_lanes(env, d, s, true, true);
}


void sse_cvtdq2pd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    FpEnv e = fenv(env);
    XMMReg r = { .q = { i64_to_f64(&e, s->sd[0]), i64_to_f64(&e, s->sd[1]) } };

    *d = r;
    done(env, &e);
}

void sse_cvtpi2pd(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    sse_cvtdq2pd(env, d, s, imm);
}

void sse_cvtpi2ps(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm)
{
    FpEnv e = fenv(env);

    d->d[0] = i64_to_f32(&e, s->sd[0]);
    d->d[1] = i64_to_f32(&e, s->sd[1]);
    done(env, &e);
}

void sse_cvtsi2ss(SseEnv *env, XMMReg *d, int64_t v)
{
    FpEnv e = fenv(env);

    d->d[0] = i64_to_f32(&e, v);
    done(env, &e);
}

void sse_cvtsi2sd(SseEnv *env, XMMReg *d, int64_t v)
{
    FpEnv e = fenv(env);

    d->q[0] = i64_to_f64(&e, v);
    done(env, &e);
}

static int64_t cvt_to_si(SseEnv *env, uint64_t v, bool dbl, int bits,
                         bool trunc)
{
    FpEnv e = fenv(env);
    int64_t r = dbl ? f64_to_int(&e, v, bits, trunc) :
                      f32_to_int(&e, (uint32_t)v, bits, trunc);

    done(env, &e);
    return bits == 32 ? (int64_t)(uint32_t)r : r;
}

int64_t sse_cvtss2si(SseEnv *env, const XMMReg *s, int bits)
{
    return cvt_to_si(env, s->d[0], false, bits, false);
}

int64_t sse_cvttss2si(SseEnv *env, const XMMReg *s, int bits)
{
    return cvt_to_si(env, s->d[0], false, bits, true);
}

int64_t sse_cvtsd2si(SseEnv *env, const XMMReg *s, int bits)
{
    return cvt_to_si(env, s->q[0], true, bits, false);
}

int64_t sse_cvttsd2si(SseEnv *env, const XMMReg *s, int bits)
{
    return cvt_to_si(env, s->q[0], true, bits, true);
}

static void set_rel_flags(SseEnv *env, FpRel r)
{
    static const uint32_t fl[] = {
        [FP_REL_LESS] = EF_CF, [FP_REL_EQUAL] = EF_ZF,
        [FP_REL_GREATER] = 0, [FP_REL_UNORDERED] = EF_ZF | EF_PF | EF_CF,
    };
    env->eflags = fl[r];
}

static void comi(SseEnv *env, const XMMReg *a, const XMMReg *b, bool dbl,
                 bool quiet)
{
    FpEnv e = fenv(env);
    FpRel r = dbl ? f64_compare(&e, a->q[0], b->q[0], quiet) :
                    f32_compare(&e, a->d[0], b->d[0], quiet);

    set_rel_flags(env, r);
    done(env, &e);
}

void sse_comiss(SseEnv *env, const XMMReg *a, const XMMReg *b)
{
    comi(env, a, b, false, false);
}

void sse_ucomiss(SseEnv *env, const XMMReg *a, const XMMReg *b)
{
    comi(env, a, b, false, true);
}

void sse_comisd(SseEnv *env, const XMMReg *a, const XMMReg *b)
{
    comi(env, a, b, true, false);
}

void sse_ucomisd(SseEnv *env, const XMMReg *a, const XMMReg *b)
{
    comi(env, a, b, true, true);
}


void sse_ptest(SseEnv *env, const XMMReg *d, const XMMReg *s)
{
    bool zf = !((d->q[0] & s->q[0]) | (d->q[1] & s->q[1]));
    bool cf = !((~d->q[0] & s->q[0]) | (~d->q[1] & s->q[1]));

    env->eflags = (zf ? EF_ZF : 0) | (cf ? EF_CF : 0);
}

uint32_t sse_movmskps(const XMMReg *s)
{
    uint32_t r = 0;

    for (int i = 0; i < 4; i++) {
        r |= (s->d[i] >> 31) << i;
    }
    return r;
}

uint32_t sse_movmskpd(const XMMReg *s)
{
    return (uint32_t)((s->q[0] >> 63) | (s->q[1] >> 63) << 1);
}

uint32_t sse_pmovmskb(const XMMReg *s, unsigned vlen)
{
    uint32_t r = 0;

    for (unsigned i = 0; i < vlen && i < 16; i++) {
        r |= (uint32_t)(s->b[i] >> 7) << i;
    }
    return r;
}

uint64_t sse_pextr(const XMMReg *s, unsigned size, uint8_t imm, unsigned vlen)
{
    unsigned lanes = vlen / size;
    unsigned i = imm % lanes;

    switch (size) {
    case 1:
        return s->b[i];
    case 2:
        return s->w[i];
    case 4:
        return s->d[i];
    default:
        return s->q[i];
    }
}

void sse_pinsr(XMMReg *d, uint64_t v, unsigned size, uint8_t imm,
               unsigned vlen)
{
    unsigned lanes = vlen / size;
    unsigned i = imm % lanes;

    switch (size) {
    case 1:
        d->b[i] = (uint8_t)v;
        break;
    case 2:
        d->w[i] = (uint16_t)v;
        break;
    case 4:
        d->d[i] = (uint32_t)v;
        break;
    default:
        d->q[i] = v;
        break;
    }
}
