/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MMX, SSE, SSE2, SSE3, SSSE3, SSE4.1 and SSE4.2 operations as pure
 * functions on register values.  The CPU fetches operands (memory or
 * registers, with the alignment checks of the instruction), calls the
 * operation, and writes the destination back.  Floating point follows
 * MXCSR: rounding control, DAZ, FTZ, the six exception flags.
 *
 * Spec: Intel SDM vol. 1 ch. 9 (MMX), 10 (SSE), 11 (SSE2), 12 (SSE3 ..
 * SSE4.2), 11.5 (SIMD floating-point exceptions), vol. 2 instruction pages.
 * Not here: memory access, CRC32 and POPCNT (general-purpose), MASKMOVQ and
 * MOVNT* (stores), AES and PCLMULQDQ.
 *
 * Calling convention of every SseOpFn: *@d is the destination and first
 * source, *@s the second source, @imm the immediate byte (0 if none).
 * The function may write *@d even when it raises an unmasked exception:
 * the CPU passes a copy of the destination, calls sse_commit(), and writes
 * the copy back only when sse_commit() returns false (no #XM).
 */
#ifndef TARGET_I386_SSE_SSE_OPS_H
#define TARGET_I386_SSE_SSE_OPS_H

#include <stdbool.h>
#include <stdint.h>

/** union XMMReg - one 128-bit register, little-endian lanes.  An MMX
 *  register is the low 8 bytes (q[0]). */
typedef union XMMReg {
    uint8_t b[16];
    int8_t sb[16];
    uint16_t w[8];
    int16_t sw[8];
    uint32_t d[4];
    int32_t sd[4];
    uint64_t q[2];
    int64_t sq[2];
} XMMReg;

/* MXCSR (SDM vol. 1 10.2.3). */
enum {
    MXCSR_IE = 0x0001, MXCSR_DE = 0x0002, MXCSR_ZE = 0x0004,
    MXCSR_OE = 0x0008, MXCSR_UE = 0x0010, MXCSR_PE = 0x0020,
    MXCSR_FLAGS = 0x003f,
    MXCSR_DAZ = 0x0040,
    MXCSR_MASK_SHIFT = 7,        /* IM..PM in bits 7-12 */
    MXCSR_RC_SHIFT = 13,
    MXCSR_FZ = 0x8000,
    MXCSR_DEFAULT = 0x1f80,
    MXCSR_SUPPORTED = 0xffff,    /* MXCSR_MASK reported by FXSAVE */
};

/**
 * struct SseEnv - one instruction's environment.
 * @mxcsr: MXCSR at the start of the instruction (read only).
 * @vlen: 8 for MMX forms, 16 for XMM forms (integer ops only).
 * @flags: exception flags raised (MXCSR bits 0-5), filled by the op.
 * @xmm0: implicit XMM0 for BLENDVPS/PD and PBLENDVB.
 * @rax, @rdx: explicit string lengths of PCMPESTRx: RAX/RDX with REX.W,
 *             else EAX/EDX sign-extended to 64 bits.
 * @ecx: index result of PCMPxSTRI.
 * @eflags: arithmetic flags result of PTEST, PCMPxSTRx, COMISS and
 *          friends (only CF, PF, AF, ZF, SF, OF bits are meaningful).
 */
typedef struct SseEnv {
    uint32_t mxcsr;
    uint8_t vlen;
    uint16_t flags;
    const union XMMReg *xmm0;
    uint64_t rax, rdx;
    uint32_t ecx;
    uint32_t eflags;
} SseEnv;

typedef void SseOpFn(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm);

/** sse_env_init() - an SseEnv for an instruction under @mxcsr. */
void sse_env_init(SseEnv *env, uint32_t mxcsr, unsigned vlen);
/**
 * sse_commit() - merge env->flags into *@mxcsr following SDM 11.5.1
 * (pre-computation exceptions IE/DE/ZE suppress post-computation ones when
 * unmasked).  Returns true when an unmasked exception must raise #XM
 * (or #UD if CR4.OSXMMEXCPT is clear); the destination is then unchanged.
 */
bool sse_commit(const SseEnv *env, uint32_t *mxcsr);
/** sse_mxcsr_valid() - LDMXCSR/FXRSTOR: false (#GP) if reserved bits set. */
static inline bool sse_mxcsr_valid(uint32_t v)
{
    return !(v & ~(uint32_t)MXCSR_SUPPORTED);
}

/* SSE/SSE2 packed and scalar arithmetic (0F 58-5F, 0F 51).  Scalar forms
 * touch only the low lane.
 */
SseOpFn sse_addps;
SseOpFn sse_addss;
SseOpFn sse_addpd;
SseOpFn sse_addsd;
SseOpFn sse_subps;
SseOpFn sse_subss;
SseOpFn sse_subpd;
SseOpFn sse_subsd;
SseOpFn sse_mulps;
SseOpFn sse_mulss;
SseOpFn sse_mulpd;
SseOpFn sse_mulsd;
SseOpFn sse_divps;
SseOpFn sse_divss;
SseOpFn sse_divpd;
SseOpFn sse_divsd;
SseOpFn sse_minps;
SseOpFn sse_minss;
SseOpFn sse_minpd;
SseOpFn sse_minsd;
SseOpFn sse_maxps;
SseOpFn sse_maxss;
SseOpFn sse_maxpd;
SseOpFn sse_maxsd;
SseOpFn sse_sqrtps;
SseOpFn sse_sqrtss;
SseOpFn sse_sqrtpd;
SseOpFn sse_sqrtsd;
SseOpFn sse_rcpps;
SseOpFn sse_rcpss;
SseOpFn sse_rsqrtps;
SseOpFn sse_rsqrtss;

/* CMPccPS/SS/PD/SD (0F C2): predicate in @imm bits 0-2. */
SseOpFn sse_cmpps;
SseOpFn sse_cmpss;
SseOpFn sse_cmppd;
SseOpFn sse_cmpsd;

/* Bitwise and data movement (also usable for the integer forms). */
SseOpFn sse_andps;
SseOpFn sse_andnps;
SseOpFn sse_orps;
SseOpFn sse_xorps;
SseOpFn sse_unpcklps;
SseOpFn sse_unpckhps;
SseOpFn sse_unpcklpd;
SseOpFn sse_unpckhpd;
SseOpFn sse_shufps;
SseOpFn sse_shufpd;
SseOpFn sse_movsldup;
SseOpFn sse_movshdup;
SseOpFn sse_movddup;

/* SSE3 horizontal and alternating arithmetic. */
SseOpFn sse_haddps;
SseOpFn sse_haddpd;
SseOpFn sse_hsubps;
SseOpFn sse_hsubpd;
SseOpFn sse_addsubps;
SseOpFn sse_addsubpd;

/* SSE4.1 floating point: ROUNDxx (@imm bits 0-3), DPPS/DPPD, BLENDPS/PD
 * (@imm), BLENDVPS/PD (env->xmm0), INSERTPS (@imm; for a memory source the
 * CPU puts the m32 in s->d[0] and sets imm bits 6-7 to 0).
 */
SseOpFn sse_roundps;
SseOpFn sse_roundpd;
SseOpFn sse_roundss;
SseOpFn sse_roundsd;
SseOpFn sse_dpps;
SseOpFn sse_dppd;
SseOpFn sse_blendps;
SseOpFn sse_blendpd;
SseOpFn sse_blendvps;
SseOpFn sse_blendvpd;
SseOpFn sse_insertps;

/* Conversions between packed/scalar floats and packed integers.  MMX
 * sources/destinations (CVTPI2PS, CVTPS2PI, ...) use the low 64 bits of an
 * XMMReg.
 */
SseOpFn sse_cvtps2pd;
SseOpFn sse_cvtpd2ps;
SseOpFn sse_cvtss2sd;
SseOpFn sse_cvtsd2ss;
SseOpFn sse_cvtdq2ps;
SseOpFn sse_cvtps2dq;
SseOpFn sse_cvttps2dq;
SseOpFn sse_cvtdq2pd;
SseOpFn sse_cvtpd2dq;
SseOpFn sse_cvttpd2dq;
SseOpFn sse_cvtpi2ps;
SseOpFn sse_cvtps2pi;
SseOpFn sse_cvttps2pi;
SseOpFn sse_cvtpi2pd;
SseOpFn sse_cvtpd2pi;
SseOpFn sse_cvttpd2pi;

/* Integer SIMD (MMX when env->vlen == 8, SSE2 when 16): unpack and pack. */
SseOpFn sse_punpcklbw;
SseOpFn sse_punpcklwd;
SseOpFn sse_punpckldq;
SseOpFn sse_punpcklqdq;
SseOpFn sse_punpckhbw;
SseOpFn sse_punpckhwd;
SseOpFn sse_punpckhdq;
SseOpFn sse_punpckhqdq;
SseOpFn sse_packsswb;
SseOpFn sse_packuswb;
SseOpFn sse_packssdw;
SseOpFn sse_packusdw;

/* Integer arithmetic and compares. */
SseOpFn sse_paddb;
SseOpFn sse_paddw;
SseOpFn sse_paddd;
SseOpFn sse_paddq;
SseOpFn sse_psubb;
SseOpFn sse_psubw;
SseOpFn sse_psubd;
SseOpFn sse_psubq;
SseOpFn sse_paddsb;
SseOpFn sse_paddsw;
SseOpFn sse_paddusb;
SseOpFn sse_paddusw;
SseOpFn sse_psubsb;
SseOpFn sse_psubsw;
SseOpFn sse_psubusb;
SseOpFn sse_psubusw;
SseOpFn sse_pmullw;
SseOpFn sse_pmulhw;
SseOpFn sse_pmulhuw;
SseOpFn sse_pmuludq;
SseOpFn sse_pmaddwd;
SseOpFn sse_pavgb;
SseOpFn sse_pavgw;
SseOpFn sse_pminub;
SseOpFn sse_pmaxub;
SseOpFn sse_pminsw;
SseOpFn sse_pmaxsw;
SseOpFn sse_psadbw;
SseOpFn sse_pcmpeqb;
SseOpFn sse_pcmpeqw;
SseOpFn sse_pcmpeqd;
SseOpFn sse_pcmpgtb;
SseOpFn sse_pcmpgtw;
SseOpFn sse_pcmpgtd;
SseOpFn sse_pand;
SseOpFn sse_pandn;
SseOpFn sse_por;
SseOpFn sse_pxor;

/* Shifts: the count is s->q[0] (the CPU puts an imm8 there for the immediate
 * forms); PSLLDQ/PSRLDQ take @imm.
 */
SseOpFn sse_psllw;
SseOpFn sse_pslld;
SseOpFn sse_psllq;
SseOpFn sse_psrlw;
SseOpFn sse_psrld;
SseOpFn sse_psrlq;
SseOpFn sse_psraw;
SseOpFn sse_psrad;
SseOpFn sse_pslldq;
SseOpFn sse_psrldq;

/* Shuffles with @imm. */
SseOpFn sse_pshufw;
SseOpFn sse_pshufd;
SseOpFn sse_pshufhw;
SseOpFn sse_pshuflw;

/* SSSE3. */
SseOpFn sse_pshufb;
SseOpFn sse_phaddw;
SseOpFn sse_phaddd;
SseOpFn sse_phaddsw;
SseOpFn sse_phsubw;
SseOpFn sse_phsubd;
SseOpFn sse_phsubsw;
SseOpFn sse_pmaddubsw;
SseOpFn sse_pmulhrsw;
SseOpFn sse_psignb;
SseOpFn sse_psignw;
SseOpFn sse_psignd;
SseOpFn sse_pabsb;
SseOpFn sse_pabsw;
SseOpFn sse_pabsd;
SseOpFn sse_palignr;

/* SSE4.1 integer.  PMOVSX/ZX read the low bytes of @s (the CPU loads a
 * narrower memory operand into a zeroed XMMReg).
 */
SseOpFn sse_pblendvb;
SseOpFn sse_pblendw;
SseOpFn sse_pminsb;
SseOpFn sse_pminsd;
SseOpFn sse_pmaxsb;
SseOpFn sse_pmaxsd;
SseOpFn sse_pminuw;
SseOpFn sse_pminud;
SseOpFn sse_pmaxuw;
SseOpFn sse_pmaxud;
SseOpFn sse_pmulld;
SseOpFn sse_pmuldq;
SseOpFn sse_phminposuw;
SseOpFn sse_mpsadbw;
SseOpFn sse_pcmpeqq;
SseOpFn sse_pmovsxbw;
SseOpFn sse_pmovsxbd;
SseOpFn sse_pmovsxbq;
SseOpFn sse_pmovsxwd;
SseOpFn sse_pmovsxwq;
SseOpFn sse_pmovsxdq;
SseOpFn sse_pmovzxbw;
SseOpFn sse_pmovzxbd;
SseOpFn sse_pmovzxbq;
SseOpFn sse_pmovzxwd;
SseOpFn sse_pmovzxwq;
SseOpFn sse_pmovzxdq;

/* SSE4.2.  PCMPESTRx read env->rax/env->rdx (lengths), PCMPxSTRI write
 * env->ecx, PCMPxSTRM write the mask into *@d (XMM0 for the CPU); all set
 * env->eflags (CF, ZF, SF, OF; AF, PF cleared).  PCMPGTQ is a plain op.
 */
SseOpFn sse_pcmpgtq;
SseOpFn sse_pcmpestri;
SseOpFn sse_pcmpestrm;
SseOpFn sse_pcmpistri;
SseOpFn sse_pcmpistrm;
/* Compares setting EFLAGS (ZF, PF, CF; OF, SF, AF cleared) in env->eflags. */
void sse_comiss(SseEnv *env, const XMMReg *a, const XMMReg *b);
void sse_ucomiss(SseEnv *env, const XMMReg *a, const XMMReg *b);
void sse_comisd(SseEnv *env, const XMMReg *a, const XMMReg *b);
void sse_ucomisd(SseEnv *env, const XMMReg *a, const XMMReg *b);
/** sse_ptest() - PTEST: ZF = (d AND s) == 0, CF = (s AND NOT d) == 0. */
void sse_ptest(SseEnv *env, const XMMReg *d, const XMMReg *s);

/* Scalar conversions with a general-purpose register. */
/** sse_cvtsi2ss() / sse_cvtsi2sd() - @v is a sign-extended r/m32 or r/m64. */
void sse_cvtsi2ss(SseEnv *env, XMMReg *d, int64_t v);
void sse_cvtsi2sd(SseEnv *env, XMMReg *d, int64_t v);
/** sse_cvtss2si() etc. - @bits 32 or 64; invalid gives the integer
 *  indefinite.  The 'tt' forms truncate. */
int64_t sse_cvtss2si(SseEnv *env, const XMMReg *s, int bits);
int64_t sse_cvttss2si(SseEnv *env, const XMMReg *s, int bits);
int64_t sse_cvtsd2si(SseEnv *env, const XMMReg *s, int bits);
int64_t sse_cvttsd2si(SseEnv *env, const XMMReg *s, int bits);

/* Extractions into a general-purpose register. */
uint32_t sse_movmskps(const XMMReg *s);
uint32_t sse_movmskpd(const XMMReg *s);
/** sse_pmovmskb() - @vlen 8 (MMX) or 16. */
uint32_t sse_pmovmskb(const XMMReg *s, unsigned vlen);
/** sse_pextr() - PEXTRB/W/D/Q and EXTRACTPS: lane (@imm modulo the lane
 *  count) of @size bytes (1, 2, 4, 8), zero-extended. */
uint64_t sse_pextr(const XMMReg *s, unsigned size, uint8_t imm, unsigned vlen);
/** sse_pinsr() - PINSRB/W/D/Q: write @v into lane @imm of @size bytes. */
void sse_pinsr(XMMReg *d, uint64_t v, unsigned size, uint8_t imm,
               unsigned vlen);

#endif
