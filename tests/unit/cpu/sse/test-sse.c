/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Differential test of the SSE unit against the host processor: every
 * operation in the table below runs natively (from a generated code page:
 * LDMXCSR, load XMM0/XMM1/XMM2 (or MM1/MM2), the instruction, STMXCSR,
 * store) and through sse-ops, on random and edge operands (zeros,
 * infinities, quiet and signalling NaNs, denormals, extreme exponents),
 * random immediates, every rounding mode, with DAZ and FTZ on and off
 * (all exceptions masked, and one case in five of the floating-point
 * operations with random exceptions unmasked: the host's #XM arrives as
 * SIGFPE, and fault, MXCSR and the unchanged destination must match).  The destination, MXCSR, EFLAGS, and the GPR
 * or XMM0 outputs are compared bit for bit.  RCPPS/RSQRTPS results are
 * approximations by definition: they are checked against the hardware's
 * within the documented relative error 1.5 * 2^-12 instead.
 */
#include <glib.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "target/i386/fpu/softfloat.h"
#include "target/i386/sse/sse-ops.h"
#include "tests/unit/cpu/fpu/fp-gen.h"

#define ROUNDS 3000

typedef enum Kind { K_F32, K_F64, K_INT, K_STR } Kind;
typedef enum Shape { SH_OP, SH_FLAGS, SH_TOGPR, SH_FROMGPR, SH_MSK } Shape;

typedef struct SseCase {
    const char *name;
    uint8_t prefix; /* 0, 0x66, 0xf2, 0xf3 */
    uint8_t map;    /* 0: 0F xx, 0x38: 0F 38 xx, 0x3a: 0F 3A xx */
    uint8_t opcode;
    int8_t group; /* ModRM.reg extension for 0F 71-73, else -1 */
    bool imm;
    bool mmx;
    Kind kind;
    Shape shape;
    SseOpFn *fn;
    void (*flags_fn)(SseEnv *, const XMMReg *, const XMMReg *);
    int64_t (*togpr_fn)(SseEnv *, const XMMReg *, int);
    void (*fromgpr_fn)(SseEnv *, XMMReg *, int64_t);
    uint32_t (*msk_fn)(const XMMReg *);
    bool rex_w;
} SseCase;

#define OP(n, p, m, o, i, k)                                                   \
    {                                                                          \
#n, p, m, o, -1, i, false, k, SH_OP, sse_##n                           \
    }
#define MMXOP(n, p, m, o, i)                                                   \
    {                                                                          \
#n "-mmx", p, m, o, -1, i, true, K_INT, SH_OP, sse_##n                 \
    }
#define GRP(n, o, g, x)                                                        \
    {                                                                          \
#n "-imm", 0x66, 0, o, g, true, false, K_INT, SH_OP, sse_##n           \
    }

static const SseCase cases[] = {
    OP(addps, 0, 0, 0x58, false, K_F32),
    OP(addss, 0xf3, 0, 0x58, false, K_F32),
    OP(addpd, 0x66, 0, 0x58, false, K_F64),
    OP(addsd, 0xf2, 0, 0x58, false, K_F64),
    OP(mulps, 0, 0, 0x59, false, K_F32),
    OP(mulss, 0xf3, 0, 0x59, false, K_F32),
    OP(mulpd, 0x66, 0, 0x59, false, K_F64),
    OP(mulsd, 0xf2, 0, 0x59, false, K_F64),
    OP(subps, 0, 0, 0x5c, false, K_F32),
    OP(subss, 0xf3, 0, 0x5c, false, K_F32),
    OP(subpd, 0x66, 0, 0x5c, false, K_F64),
    OP(subsd, 0xf2, 0, 0x5c, false, K_F64),
    OP(divps, 0, 0, 0x5e, false, K_F32),
    OP(divss, 0xf3, 0, 0x5e, false, K_F32),
    OP(divpd, 0x66, 0, 0x5e, false, K_F64),
    OP(divsd, 0xf2, 0, 0x5e, false, K_F64),
    OP(minps, 0, 0, 0x5d, false, K_F32),
    OP(minss, 0xf3, 0, 0x5d, false, K_F32),
    OP(minpd, 0x66, 0, 0x5d, false, K_F64),
    OP(minsd, 0xf2, 0, 0x5d, false, K_F64),
    OP(maxps, 0, 0, 0x5f, false, K_F32),
    OP(maxss, 0xf3, 0, 0x5f, false, K_F32),
    OP(maxpd, 0x66, 0, 0x5f, false, K_F64),
    OP(maxsd, 0xf2, 0, 0x5f, false, K_F64),
    OP(sqrtps, 0, 0, 0x51, false, K_F32),
    OP(sqrtss, 0xf3, 0, 0x51, false, K_F32),
    OP(sqrtpd, 0x66, 0, 0x51, false, K_F64),
    OP(sqrtsd, 0xf2, 0, 0x51, false, K_F64),
    OP(rcpps, 0, 0, 0x53, false, K_F32),
    OP(rcpss, 0xf3, 0, 0x53, false, K_F32),
    OP(rsqrtps, 0, 0, 0x52, false, K_F32),
    OP(rsqrtss, 0xf3, 0, 0x52, false, K_F32),
    OP(cmpps, 0, 0, 0xc2, true, K_F32),
    OP(cmpss, 0xf3, 0, 0xc2, true, K_F32),
    OP(cmppd, 0x66, 0, 0xc2, true, K_F64),
    OP(cmpsd, 0xf2, 0, 0xc2, true, K_F64),
    OP(andps, 0, 0, 0x54, false, K_INT),
    OP(andnps, 0, 0, 0x55, false, K_INT),
    OP(orps, 0, 0, 0x56, false, K_INT),
    OP(xorps, 0, 0, 0x57, false, K_INT),
    OP(unpcklps, 0, 0, 0x14, false, K_INT),
    OP(unpckhps, 0, 0, 0x15, false, K_INT),
    OP(unpcklpd, 0x66, 0, 0x14, false, K_INT),
    OP(unpckhpd, 0x66, 0, 0x15, false, K_INT),
    OP(shufps, 0, 0, 0xc6, true, K_INT),
    OP(shufpd, 0x66, 0, 0xc6, true, K_INT),
    OP(movsldup, 0xf3, 0, 0x12, false, K_INT),
    OP(movshdup, 0xf3, 0, 0x16, false, K_INT),
    OP(movddup, 0xf2, 0, 0x12, false, K_INT),
    OP(haddps, 0xf2, 0, 0x7c, false, K_F32),
    OP(hsubps, 0xf2, 0, 0x7d, false, K_F32),
    OP(haddpd, 0x66, 0, 0x7c, false, K_F64),
    OP(hsubpd, 0x66, 0, 0x7d, false, K_F64),
    OP(addsubps, 0xf2, 0, 0xd0, false, K_F32),
    OP(addsubpd, 0x66, 0, 0xd0, false, K_F64),
    OP(roundps, 0x66, 0x3a, 0x08, true, K_F32),
    OP(roundpd, 0x66, 0x3a, 0x09, true, K_F64),
    OP(roundss, 0x66, 0x3a, 0x0a, true, K_F32),
    OP(roundsd, 0x66, 0x3a, 0x0b, true, K_F64),
    OP(dpps, 0x66, 0x3a, 0x40, true, K_F32),
    OP(dppd, 0x66, 0x3a, 0x41, true, K_F64),
    OP(blendps, 0x66, 0x3a, 0x0c, true, K_INT),
    OP(blendpd, 0x66, 0x3a, 0x0d, true, K_INT),
    OP(blendvps, 0x66, 0x38, 0x14, false, K_INT),
    OP(blendvpd, 0x66, 0x38, 0x15, false, K_INT),
    OP(insertps, 0x66, 0x3a, 0x21, true, K_INT),
    OP(cvtps2pd, 0, 0, 0x5a, false, K_F32),
    OP(cvtpd2ps, 0x66, 0, 0x5a, false, K_F64),
    OP(cvtss2sd, 0xf3, 0, 0x5a, false, K_F32),
    OP(cvtsd2ss, 0xf2, 0, 0x5a, false, K_F64),
    OP(cvtdq2ps, 0, 0, 0x5b, false, K_INT),
    OP(cvtps2dq, 0x66, 0, 0x5b, false, K_F32),
    OP(cvttps2dq, 0xf3, 0, 0x5b, false, K_F32),
    OP(cvtdq2pd, 0xf3, 0, 0xe6, false, K_INT),
    OP(cvtpd2dq, 0xf2, 0, 0xe6, false, K_F64),
    OP(cvttpd2dq, 0x66, 0, 0xe6, false, K_F64),
    OP(punpcklbw, 0x66, 0, 0x60, false, K_INT),
    OP(punpcklwd, 0x66, 0, 0x61, false, K_INT),
    OP(punpckldq, 0x66, 0, 0x62, false, K_INT),
    OP(punpcklqdq, 0x66, 0, 0x6c, false, K_INT),
    OP(punpckhbw, 0x66, 0, 0x68, false, K_INT),
    OP(punpckhwd, 0x66, 0, 0x69, false, K_INT),
    OP(punpckhdq, 0x66, 0, 0x6a, false, K_INT),
    OP(punpckhqdq, 0x66, 0, 0x6d, false, K_INT),
    OP(packsswb, 0x66, 0, 0x63, false, K_INT),
    OP(packuswb, 0x66, 0, 0x67, false, K_INT),
    OP(packssdw, 0x66, 0, 0x6b, false, K_INT),
    OP(packusdw, 0x66, 0x38, 0x2b, false, K_INT),
    OP(pcmpgtb, 0x66, 0, 0x64, false, K_INT),
    OP(pcmpgtw, 0x66, 0, 0x65, false, K_INT),
    OP(pcmpgtd, 0x66, 0, 0x66, false, K_INT),
    OP(pcmpgtq, 0x66, 0x38, 0x37, false, K_INT),
    OP(pcmpeqb, 0x66, 0, 0x74, false, K_INT),
    OP(pcmpeqw, 0x66, 0, 0x75, false, K_INT),
    OP(pcmpeqd, 0x66, 0, 0x76, false, K_INT),
    OP(pcmpeqq, 0x66, 0x38, 0x29, false, K_INT),
    OP(paddb, 0x66, 0, 0xfc, false, K_INT),
    OP(paddw, 0x66, 0, 0xfd, false, K_INT),
    OP(paddd, 0x66, 0, 0xfe, false, K_INT),
    OP(paddq, 0x66, 0, 0xd4, false, K_INT),
    OP(psubb, 0x66, 0, 0xf8, false, K_INT),
    OP(psubw, 0x66, 0, 0xf9, false, K_INT),
    OP(psubd, 0x66, 0, 0xfa, false, K_INT),
    OP(psubq, 0x66, 0, 0xfb, false, K_INT),
    OP(paddsb, 0x66, 0, 0xec, false, K_INT),
    OP(paddsw, 0x66, 0, 0xed, false, K_INT),
    OP(paddusb, 0x66, 0, 0xdc, false, K_INT),
    OP(paddusw, 0x66, 0, 0xdd, false, K_INT),
    OP(psubsb, 0x66, 0, 0xe8, false, K_INT),
    OP(psubsw, 0x66, 0, 0xe9, false, K_INT),
    OP(psubusb, 0x66, 0, 0xd8, false, K_INT),
    OP(psubusw, 0x66, 0, 0xd9, false, K_INT),
    OP(pmullw, 0x66, 0, 0xd5, false, K_INT),
    OP(pmulhw, 0x66, 0, 0xe5, false, K_INT),
    OP(pmulhuw, 0x66, 0, 0xe4, false, K_INT),
    OP(pmuludq, 0x66, 0, 0xf4, false, K_INT),
    OP(pmaddwd, 0x66, 0, 0xf5, false, K_INT),
    OP(pavgb, 0x66, 0, 0xe0, false, K_INT),
    OP(pavgw, 0x66, 0, 0xe3, false, K_INT),
    OP(pminub, 0x66, 0, 0xda, false, K_INT),
    OP(pmaxub, 0x66, 0, 0xde, false, K_INT),
    OP(pminsw, 0x66, 0, 0xea, false, K_INT),
    OP(pmaxsw, 0x66, 0, 0xee, false, K_INT),
    OP(psadbw, 0x66, 0, 0xf6, false, K_INT),
    OP(pand, 0x66, 0, 0xdb, false, K_INT),
    OP(pandn, 0x66, 0, 0xdf, false, K_INT),
    OP(por, 0x66, 0, 0xeb, false, K_INT),
    OP(pxor, 0x66, 0, 0xef, false, K_INT),
    OP(psllw, 0x66, 0, 0xf1, false, K_INT),
    OP(pslld, 0x66, 0, 0xf2, false, K_INT),
    OP(psllq, 0x66, 0, 0xf3, false, K_INT),
    OP(psrlw, 0x66, 0, 0xd1, false, K_INT),
    OP(psrld, 0x66, 0, 0xd2, false, K_INT),
    OP(psrlq, 0x66, 0, 0xd3, false, K_INT),
    OP(psraw, 0x66, 0, 0xe1, false, K_INT),
    OP(psrad, 0x66, 0, 0xe2, false, K_INT),
    GRP(psrlw, 0x71, 2, 0),
    GRP(psraw, 0x71, 4, 0),
    GRP(psllw, 0x71, 6, 0),
    GRP(psrld, 0x72, 2, 0),
    GRP(psrad, 0x72, 4, 0),
    GRP(pslld, 0x72, 6, 0),
    GRP(psrlq, 0x73, 2, 0),
    GRP(psrldq, 0x73, 3, 0),
    GRP(psllq, 0x73, 6, 0),
    GRP(pslldq, 0x73, 7, 0),
    OP(pshufd, 0x66, 0, 0x70, true, K_INT),
    OP(pshufhw, 0xf3, 0, 0x70, true, K_INT),
    OP(pshuflw, 0xf2, 0, 0x70, true, K_INT),
    OP(pshufb, 0x66, 0x38, 0x00, false, K_INT),
    OP(phaddw, 0x66, 0x38, 0x01, false, K_INT),
    OP(phaddd, 0x66, 0x38, 0x02, false, K_INT),
    OP(phaddsw, 0x66, 0x38, 0x03, false, K_INT),
    OP(pmaddubsw, 0x66, 0x38, 0x04, false, K_INT),
    OP(phsubw, 0x66, 0x38, 0x05, false, K_INT),
    OP(phsubd, 0x66, 0x38, 0x06, false, K_INT),
    OP(phsubsw, 0x66, 0x38, 0x07, false, K_INT),
    OP(psignb, 0x66, 0x38, 0x08, false, K_INT),
    OP(psignw, 0x66, 0x38, 0x09, false, K_INT),
    OP(psignd, 0x66, 0x38, 0x0a, false, K_INT),
    OP(pmulhrsw, 0x66, 0x38, 0x0b, false, K_INT),
    OP(pabsb, 0x66, 0x38, 0x1c, false, K_INT),
    OP(pabsw, 0x66, 0x38, 0x1d, false, K_INT),
    OP(pabsd, 0x66, 0x38, 0x1e, false, K_INT),
    OP(palignr, 0x66, 0x3a, 0x0f, true, K_INT),
    OP(pblendvb, 0x66, 0x38, 0x10, false, K_INT),
    OP(pblendw, 0x66, 0x3a, 0x0e, true, K_INT),
    OP(pminsb, 0x66, 0x38, 0x38, false, K_INT),
    OP(pminsd, 0x66, 0x38, 0x39, false, K_INT),
    OP(pminuw, 0x66, 0x38, 0x3a, false, K_INT),
    OP(pminud, 0x66, 0x38, 0x3b, false, K_INT),
    OP(pmaxsb, 0x66, 0x38, 0x3c, false, K_INT),
    OP(pmaxsd, 0x66, 0x38, 0x3d, false, K_INT),
    OP(pmaxuw, 0x66, 0x38, 0x3e, false, K_INT),
    OP(pmaxud, 0x66, 0x38, 0x3f, false, K_INT),
    OP(pmulld, 0x66, 0x38, 0x40, false, K_INT),
    OP(pmuldq, 0x66, 0x38, 0x28, false, K_INT),
    OP(phminposuw, 0x66, 0x38, 0x41, false, K_INT),
    OP(mpsadbw, 0x66, 0x3a, 0x42, true, K_INT),
    OP(pmovsxbw, 0x66, 0x38, 0x20, false, K_INT),
    OP(pmovsxbd, 0x66, 0x38, 0x21, false, K_INT),
    OP(pmovsxbq, 0x66, 0x38, 0x22, false, K_INT),
    OP(pmovsxwd, 0x66, 0x38, 0x23, false, K_INT),
    OP(pmovsxwq, 0x66, 0x38, 0x24, false, K_INT),
    OP(pmovsxdq, 0x66, 0x38, 0x25, false, K_INT),
    OP(pmovzxbw, 0x66, 0x38, 0x30, false, K_INT),
    OP(pmovzxbd, 0x66, 0x38, 0x31, false, K_INT),
    OP(pmovzxbq, 0x66, 0x38, 0x32, false, K_INT),
    OP(pmovzxwd, 0x66, 0x38, 0x33, false, K_INT),
    OP(pmovzxwq, 0x66, 0x38, 0x34, false, K_INT),
    OP(pmovzxdq, 0x66, 0x38, 0x35, false, K_INT),
    OP(pcmpestri, 0x66, 0x3a, 0x61, true, K_STR),
    OP(pcmpestrm, 0x66, 0x3a, 0x60, true, K_STR),
    OP(pcmpistri, 0x66, 0x3a, 0x63, true, K_STR),
    OP(pcmpistrm, 0x66, 0x3a, 0x62, true, K_STR),
    MMXOP(paddb, 0, 0, 0xfc, false),
    MMXOP(paddsw, 0, 0, 0xed, false),
    MMXOP(psubusb, 0, 0, 0xd8, false),
    MMXOP(pmulhw, 0, 0, 0xe5, false),
    MMXOP(pmaddwd, 0, 0, 0xf5, false),
    MMXOP(packsswb, 0, 0, 0x63, false),
    MMXOP(packuswb, 0, 0, 0x67, false),
    MMXOP(punpckhbw, 0, 0, 0x68, false),
    MMXOP(punpcklwd, 0, 0, 0x61, false),
    MMXOP(punpckhdq, 0, 0, 0x6a, false),
    MMXOP(pcmpgtw, 0, 0, 0x65, false),
    MMXOP(psrlq, 0, 0, 0xd3, false),
    MMXOP(psraw, 0, 0, 0xe1, false),
    MMXOP(psadbw, 0, 0, 0xf6, false),
    MMXOP(pmuludq, 0, 0, 0xf4, false),
    MMXOP(pshufw, 0, 0, 0x70, true),
    MMXOP(pshufb, 0, 0x38, 0x00, false),
    MMXOP(phaddsw, 0, 0x38, 0x03, false),
    MMXOP(phsubd, 0, 0x38, 0x06, false),
    MMXOP(pmaddubsw, 0, 0x38, 0x04, false),
    MMXOP(psignw, 0, 0x38, 0x09, false),
    MMXOP(pabsb, 0, 0x38, 0x1c, false),
    MMXOP(palignr, 0, 0x3a, 0x0f, true),
    {"comiss", 0, 0, 0x2f, -1, false, false, K_F32, SH_FLAGS,
     .flags_fn = sse_comiss},
    {"ucomiss", 0, 0, 0x2e, -1, false, false, K_F32, SH_FLAGS,
     .flags_fn = sse_ucomiss},
    {"comisd", 0x66, 0, 0x2f, -1, false, false, K_F64, SH_FLAGS,
     .flags_fn = sse_comisd},
    {"ucomisd", 0x66, 0, 0x2e, -1, false, false, K_F64, SH_FLAGS,
     .flags_fn = sse_ucomisd},
    {"ptest", 0x66, 0x38, 0x17, -1, false, false, K_INT, SH_FLAGS,
     .flags_fn = sse_ptest},
    {"cvtss2si", 0xf3, 0, 0x2d, -1, false, false, K_F32, SH_TOGPR,
     .togpr_fn = sse_cvtss2si},
    {"cvttss2si", 0xf3, 0, 0x2c, -1, false, false, K_F32, SH_TOGPR,
     .togpr_fn = sse_cvttss2si},
    {"cvtsd2si", 0xf2, 0, 0x2d, -1, false, false, K_F64, SH_TOGPR,
     .togpr_fn = sse_cvtsd2si},
    {"cvttsd2si", 0xf2, 0, 0x2c, -1, false, false, K_F64, SH_TOGPR,
     .togpr_fn = sse_cvttsd2si},
    {"cvtss2si-64", 0xf3, 0, 0x2d, -1, false, false, K_F32, SH_TOGPR,
     .togpr_fn = sse_cvtss2si, .rex_w = true},
    {"cvttsd2si-64", 0xf2, 0, 0x2c, -1, false, false, K_F64, SH_TOGPR,
     .togpr_fn = sse_cvttsd2si, .rex_w = true},
    {"cvtsi2ss", 0xf3, 0, 0x2a, -1, false, false, K_INT, SH_FROMGPR,
     .fromgpr_fn = sse_cvtsi2ss},
    {"cvtsi2sd", 0xf2, 0, 0x2a, -1, false, false, K_INT, SH_FROMGPR,
     .fromgpr_fn = sse_cvtsi2sd},
    {"cvtsi2ss-64", 0xf3, 0, 0x2a, -1, false, false, K_INT, SH_FROMGPR,
     .fromgpr_fn = sse_cvtsi2ss, .rex_w = true},
    {"cvtsi2sd-64", 0xf2, 0, 0x2a, -1, false, false, K_INT, SH_FROMGPR,
     .fromgpr_fn = sse_cvtsi2sd, .rex_w = true},
    {"movmskps", 0, 0, 0x50, -1, false, false, K_F32, SH_MSK,
     .msk_fn = sse_movmskps},
    {"movmskpd", 0x66, 0, 0x50, -1, false, false, K_F64, SH_MSK,
     .msk_fn = sse_movmskpd},
};

typedef struct Gprs {
    uint64_t rax, rdx, rcx, out;
} Gprs;

typedef uint64_t NativeFn(XMMReg *d, XMMReg *s, uint32_t *mx, XMMReg *x0,
                          Gprs *g);

static uint8_t *code_page;

static uint8_t *emit(uint8_t *p, const uint8_t *bytes, size_t n)
{
    memcpy(p, bytes, n);
    return p + n;
}

static NativeFn *build(const SseCase *c, uint8_t imm)
{
    static const uint8_t pro[] = {
        0x0f, 0xae, 0x12,       /* ldmxcsr (%rdx) */
        0xf3, 0x0f, 0x6f, 0x01, /* movdqu (%rcx), %xmm0 */
        0x49, 0x89, 0xd1,       /* mov %rdx, %r9 */
        0x49, 0x8b, 0x00,       /* mov (%r8), %rax */
        0x49, 0x8b, 0x50, 0x08, /* mov 8(%r8), %rdx */
        0x31, 0xc9,             /* xor %ecx, %ecx */
    };
    static const uint8_t ld_xmm[] = {0xf3, 0x0f, 0x6f, 0x0f,  /* xmm1 */
                                     0xf3, 0x0f, 0x6f, 0x16}; /* xmm2 */
    static const uint8_t ld_mmx[] = {0x0f, 0x6f, 0x0f, 0x0f, 0x6f, 0x16};
    static const uint8_t epi[] = {
        0x49, 0x89, 0x48, 0x10,       /* mov %rcx, 16(%r8) */
        0x49, 0x89, 0x40, 0x18,       /* mov %rax, 24(%r8) */
        0x41, 0x0f, 0xae, 0x19,       /* stmxcsr (%r9) */
        0x41, 0x0f, 0xae, 0x51, 0x04, /* ldmxcsr 4(%r9) */
        0xf3, 0x0f, 0x7f, 0x06,       /* movdqu %xmm0, (%rsi) */
    };
    static const uint8_t st_xmm[] = {0xf3, 0x0f, 0x7f, 0x0f};
    static const uint8_t st_mmx[] = {0x0f, 0x7f, 0x0f, 0x0f, 0x77};
    static const uint8_t ret[] = {0x9c, 0x58, 0xc3};
    uint8_t *p = code_page;
    uint8_t modrm = 0xca;

    p = emit(p, pro, sizeof(pro));
    p = c->mmx ? emit(p, ld_mmx, sizeof(ld_mmx))
               : emit(p, ld_xmm, sizeof(ld_xmm));
    if (c->prefix) {
        *p++ = c->prefix;
    }
    if (c->rex_w) {
        *p++ = 0x48;
    }
    *p++ = 0x0f;
    if (c->map) {
        *p++ = c->map;
    }
    *p++ = c->opcode;
    if (c->group >= 0) {
        modrm = (uint8_t)(0xc1 | c->group << 3);
    } else if (c->shape == SH_TOGPR || c->shape == SH_MSK) {
        modrm = 0xc2;
    } else if (c->shape == SH_FROMGPR) {
        modrm = 0xc8;
    }
    *p++ = modrm;
    if (c->imm) {
        *p++ = imm;
    }
    p = emit(p, epi, sizeof(epi));
    p = c->mmx ? emit(p, st_mmx, sizeof(st_mmx))
               : emit(p, st_xmm, sizeof(st_xmm));
    p = emit(p, ret, sizeof(ret));
    __builtin___clear_cache((char *)code_page, (char *)p);
    return (NativeFn *)code_page;
}

static void gen(FpGen *g, Kind k, XMMReg *r)
{
    static XMMReg near = {.q = {0x3f8000003f800000ull, 0x3ff0000000000000ull}};

    for (int i = 0; i < 4; i++) {
        switch (k) {
        case K_F32:
            r->d[i] = fpgen_f32(g, near.d[i & 1]);
            break;
        case K_F64:
            r->q[i / 2] = fpgen_f64(g, near.q[1]);
            break;
        case K_STR:
            for (int j = 0; j < 4; j++) {
                uint64_t v = fpgen_next(g) % 8;
                r->b[4 * i + j] = v == 0 && fpgen_next(g) % 3
                                      ? 'a'
                                      : (uint8_t)("\0abcAB\x80\xff"[v]);
            }
            break;
        default: {
            uint64_t v = fpgen_next(g);
            switch (v % 6) {
            case 0:
                r->d[i] = 0;
                break;
            case 1:
                r->d[i] = (uint32_t)(v >> 8) & 0x80ff7f01u;
                break;
            case 2:
                r->d[i] = (uint32_t)(v >> 32) % 40;
                break;
            default:
                r->d[i] = (uint32_t)(v >> 16);
                break;
            }
        }
        }
    }
    if (k == K_F32 || k == K_F64) {
        near = *r;
    }
}

/* Both within 1.5 * 2^-12 of the true value: within 3 * 2^-12 of each
 * other; zeros, infinities and NaNs must be identical. */
static bool approx_ok(uint32_t h, uint32_t s)
{
    float fh, fs;

    if (h == s) {
        return true;
    }
    memcpy(&fh, &h, 4);
    memcpy(&fs, &s, 4);
    if (!__builtin_isnormal(fh) || !__builtin_isnormal(fs) || (h ^ s) >> 31) {
        return false;
    }
    return __builtin_fabs((double)fh - fs) <= __builtin_fabs(fh) * (3.0 / 4096);
}

static bool is_approx(const SseCase *c)
{
    return c->fn == sse_rcpps || c->fn == sse_rcpss || c->fn == sse_rsqrtps ||
           c->fn == sse_rsqrtss;
}

/* Unmasked exceptions: the host's #XM arrives as SIGFPE; the handler
 * takes MXCSR from the signal frame. */
static sigjmp_buf fpe_jmp;
static volatile uint32_t fpe_mxcsr;

static void on_fpe(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;

    fpe_mxcsr = uc->uc_mcontext.fpregs->mxcsr;
    siglongjmp(fpe_jmp, 1);
}

/* Run the stub; true when it raised #XM (mx[0] then holds the MXCSR at
 * the fault). */
static __attribute__((noinline)) bool run_native(NativeFn *fn, XMMReg *d,
                                                 XMMReg *s, uint32_t *mx,
                                                 XMMReg *x0, Gprs *g,
                                                 uint64_t *ef)
{
    if (sigsetjmp(fpe_jmp, 1)) {
        uint32_t dflt = 0x1f80;
        asm volatile("ldmxcsr %0" : : "m"(dflt));
        mx[0] = fpe_mxcsr;
        return true;
    }
    *ef = fn(d, s, mx, x0, g);
    return false;
}

static unsigned run_case(const SseCase *c, FpGen *g, unsigned *count)
{
    unsigned bad = 0;

    for (int r = 0; r < ROUNDS; r++) {
        XMMReg d, s, x0, hd, hs, sd;
        Gprs hg, sg;
        uint32_t mx[2], smx;
        uint8_t imm = (uint8_t)fpgen_next(g);
        SseEnv env;

        gen(g, c->kind, &d);
        gen(g, c->kind, &s);
        gen(g, K_INT, &x0);
        if (c->group >= 0 ||
            (c->kind == K_INT && c->fn && (fpgen_next(g) & 3) == 0)) {
            s.q[0] = fpgen_next(g) % 70;
            imm = (uint8_t)(fpgen_next(g) % 70);
        }
        if (c->fn == sse_roundps || c->fn == sse_roundpd ||
            c->fn == sse_roundss || c->fn == sse_roundsd) {
            imm &= 0x0f;
        }
        hg = (Gprs){fpgen_next(g), fpgen_next(g), 0, 0};
        if (c->kind == K_STR) {
            hg.rax = (uint64_t)(int64_t)(int32_t)((fpgen_next(g) % 40) - 20);
            hg.rdx = (uint64_t)(int64_t)(int32_t)((fpgen_next(g) % 40) - 20);
        }
        sg = hg;
        mx[0] = 0x1f80 | (uint32_t)((r & 3) << 13) |
                ((r >> 2) & 1 ? MXCSR_DAZ : 0) | ((r >> 3) & 1 ? MXCSR_FZ : 0);
        if ((c->kind == K_F32 || c->kind == K_F64) && r % 5 == 4) {
            mx[0] &= ~((uint32_t)fpgen_next(g) & 0x1f80);
        }
        mx[1] = 0x1f80;
        smx = mx[0];
        hd = d;
        hs = s;
        uint64_t hef = 0;
        bool hfault = run_native(build(c, imm), &hd, &hs, mx, &x0, &hg, &hef);
        if (hfault) {
            hd = d;
        }

        sd = d;
        sse_env_init(&env, smx, c->mmx ? 8 : 16);
        env.xmm0 = &x0;
        env.rax = sg.rax;
        env.rdx = sg.rdx;
        XMMReg sx0 = x0;
        uint64_t sout = sg.rax;
        switch (c->shape) {
        case SH_OP: {
            XMMReg src = s;
            if (c->group >= 0) {
                src.q[0] = imm;
                src.q[1] = 0;
            }
            if (c->fn == sse_pcmpestrm || c->fn == sse_pcmpistrm) {
                sx0 = d; /* string 1 in, mask out (XMM0 for the CPU) */
                c->fn(&env, &sx0, &src, imm);
            } else {
                c->fn(&env, &sd, &src, imm);
            }
            break;
        }
        case SH_FLAGS:
            c->flags_fn(&env, &d, &s);
            break;
        case SH_TOGPR:
            sout = (uint64_t)c->togpr_fn(&env, &s, c->rex_w ? 64 : 32);
            if (!c->rex_w) {
                sout = (uint32_t)sout;
            }
            break;
        case SH_FROMGPR:
            c->fromgpr_fn(&env, &sd,
                          c->rex_w ? (int64_t)sg.rax
                                   : (int64_t)(int32_t)sg.rax);
            break;
        default:
            sout = c->msk_fn(&s);
            break;
        }
        bool sfault = sse_commit(&env, &smx);
        (*count)++;
        if (sfault) {
            sd = d;     /* #XM: the destination is not written */
        }

        bool ok = mx[0] == smx && hfault == sfault;
        if (c->shape == SH_OP || c->shape == SH_FROMGPR) {
            if (is_approx(c)) {
                for (int i = 0; i < 4; i++) {
                    ok &= approx_ok(hd.d[i], sd.d[i]);
                }
            } else if (c->fn == sse_dpps) {
                /* Which NaN a lane gets when several products are NaN is
                 * not documented; require a NaN then. */
                for (int i = 0; i < 4; i++) {
                    ok &= hd.d[i] == sd.d[i] ||
                          (f32_is_nan(hd.d[i]) && f32_is_nan(sd.d[i]));
                }
            } else {
                ok &= c->mmx ? hd.q[0] == sd.q[0] : !memcmp(&hd, &sd, 16);
            }
        }
        if (!hfault && (c->kind == K_STR || c->shape == SH_FLAGS)) {
            ok &= (hef & 0x8d5) == (env.eflags & 0x8d5);
        }
        if (c->fn == sse_pcmpestri || c->fn == sse_pcmpistri) {
            ok &= (uint32_t)hg.rcx == env.ecx;
        }
        if (c->fn == sse_pcmpestrm || c->fn == sse_pcmpistrm) {
            ok &= !memcmp(&hs, &sx0, 16);
        }
        if (!hfault && (c->shape == SH_TOGPR || c->shape == SH_MSK)) {
            ok &= hg.out == sout;
        }
        if (!ok && bad++ < 4) {
            g_test_message(
                "%s imm=%02x mxcsr %04x: d=%016llx%016llx "
                "s=%016llx%016llx host %016llx%016llx mx %04x "
                "ef %03llx out %llx; soft %016llx%016llx mx %04x "
                "ef %03x out %llx",
                c->name, imm, smx & 0xffc0, (unsigned long long)d.q[1],
                (unsigned long long)d.q[0], (unsigned long long)s.q[1],
                (unsigned long long)s.q[0], (unsigned long long)hd.q[1],
                (unsigned long long)hd.q[0], mx[0],
                (unsigned long long)(hef & 0x8d5), (unsigned long long)hg.out,
                (unsigned long long)sd.q[1], (unsigned long long)sd.q[0], smx,
                env.eflags & 0x8d5, (unsigned long long)sout);
        }
    }
    return bad;
}

static void test_all(void)
{
    FpGen g = {0x243f6a8885a308d3ull};
    unsigned total_bad = 0, count = 0;

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        unsigned bad = run_case(&cases[i], &g, &count);
        if (bad) {
            g_test_message("%s: %u of %d mismatch", cases[i].name, bad, ROUNDS);
        }
        total_bad += bad;
    }
    g_test_message("%zu operations, %u cases, %u mismatches",
                   G_N_ELEMENTS(cases), count, total_bad);
    g_assert_cmpuint(total_bad, ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    struct sigaction sa = { .sa_sigaction = on_fpe, .sa_flags = SA_SIGINFO };
    sigaction(SIGFPE, &sa, NULL);
    code_page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    g_assert(code_page != MAP_FAILED);
    g_test_add_func("/cpu/sse/differential", test_all);
    return g_test_run();
}
