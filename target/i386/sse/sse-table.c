/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SSE table: for every MMX/SSE/SSE2/SSE3 opcode of the two-byte map,
 * what each mandatory prefix (none, 66, F3, F2) selects, with the memory
 * operand size and the operation from sse-ops.h.  Empty cells are #UD.
 *
 * Spec: Intel SDM vol. 2D table A-3 (0F map, rows 10-17, 28-2F, 50-7F,
 * C2-C7, D0-FF) and table A-6 groups 12-14 (0F 71-73).
 */
#include "target/i386/sse/ops-sse.h"

static uint32_t pmovmskb_mmx(const XMMReg *s)
{
    return sse_pmovmskb(s, 8);
}

static uint32_t pmovmskb_xmm(const XMMReg *s)
{
    return sse_pmovmskb(s, 16);
}

static const SseDesc grp71_mmx[8] = {
    [2] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_psrlw },
    [4] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_psraw },
    [6] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_psllw },
};

static const SseDesc grp71_xmm[8] = {
    [2] = { .kind = SK_OP, .fn = sse_psrlw },
    [4] = { .kind = SK_OP, .fn = sse_psraw },
    [6] = { .kind = SK_OP, .fn = sse_psllw },
};

static const SseDesc grp72_mmx[8] = {
    [2] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_psrld },
    [4] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_psrad },
    [6] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_pslld },
};

static const SseDesc grp72_xmm[8] = {
    [2] = { .kind = SK_OP, .fn = sse_psrld },
    [4] = { .kind = SK_OP, .fn = sse_psrad },
    [6] = { .kind = SK_OP, .fn = sse_pslld },
};

static const SseDesc grp73_mmx[8] = {
    [2] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_psrlq },
    [6] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_psllq },
};

static const SseDesc grp73_xmm[8] = {
    [2] = { .kind = SK_OP, .fn = sse_psrlq },
    [3] = { .kind = SK_OP, .fn = sse_psrldq },
    [6] = { .kind = SK_OP, .fn = sse_psllq },
    [7] = { .kind = SK_OP, .fn = sse_pslldq },
};

const SseDesc x86_sse_table[256][4] = {
    [0x10] = {
        [0] = { .kind = SK_LOAD, .msize = 16, .flags = SF_UNALIGNED },
        [1] = { .kind = SK_LOAD, .msize = 16, .flags = SF_UNALIGNED },
        [2] = { .kind = SK_MOVS, .msize = 4 },
        [3] = { .kind = SK_MOVS, .msize = 8 },
    },
    [0x11] = {
        [0] = { .kind = SK_STORE, .msize = 16, .flags = SF_UNALIGNED },
        [1] = { .kind = SK_STORE, .msize = 16, .flags = SF_UNALIGNED },
        [2] = { .kind = SK_STORES, .msize = 4 },
        [3] = { .kind = SK_STORES, .msize = 8 },
    },
    [0x12] = {
        [0] = { .kind = SK_MOVLO, .msize = 8 },
        [1] = { .kind = SK_MOVLO, .msize = 8, .flags = SF_MEM_ONLY },
        [2] = { .kind = SK_OP, .msize = 16, .fn = sse_movsldup },
        [3] = { .kind = SK_OP, .msize = 8, .fn = sse_movddup },
    },
    [0x13] = {
        [0] = { .kind = SK_STLO, .msize = 8, .flags = SF_MEM_ONLY },
        [1] = { .kind = SK_STLO, .msize = 8, .flags = SF_MEM_ONLY },
    },
    [0x14] = {
        [0] = { .kind = SK_OP, .msize = 16, .fn = sse_unpcklps },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_unpcklpd },
    },
    [0x15] = {
        [0] = { .kind = SK_OP, .msize = 16, .fn = sse_unpckhps },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_unpckhpd },
    },
    [0x16] = {
        [0] = { .kind = SK_MOVHI, .msize = 8 },
        [1] = { .kind = SK_MOVHI, .msize = 8, .flags = SF_MEM_ONLY },
        [2] = { .kind = SK_OP, .msize = 16, .fn = sse_movshdup },
    },
    [0x17] = {
        [0] = { .kind = SK_STHI, .msize = 8, .flags = SF_MEM_ONLY },
        [1] = { .kind = SK_STHI, .msize = 8, .flags = SF_MEM_ONLY },
    },
    [0x28] = {
        [0] = { .kind = SK_LOAD, .msize = 16 },
        [1] = { .kind = SK_LOAD, .msize = 16 },
    },
    [0x29] = {
        [0] = { .kind = SK_STORE, .msize = 16 },
        [1] = { .kind = SK_STORE, .msize = 16 },
    },
    [0x2a] = {
        [0] = { .kind = SK_OP, .msize = 8, .flags = SF_FP | SF_RM_MMX,
                .fn = sse_cvtpi2ps },
        [1] = { .kind = SK_OP, .msize = 8, .flags = SF_FP | SF_RM_MMX,
                .fn = sse_cvtpi2pd },
        [2] = { .kind = SK_CVTSI, .flags = SF_FP, .from_si = sse_cvtsi2ss },
        [3] = { .kind = SK_CVTSI, .flags = SF_FP, .from_si = sse_cvtsi2sd },
    },
    [0x2b] = {
        [0] = { .kind = SK_STORE, .msize = 16, .flags = SF_MEM_ONLY },
        [1] = { .kind = SK_STORE, .msize = 16, .flags = SF_MEM_ONLY },
    },
    [0x2c] = {
        [0] = { .kind = SK_OP, .msize = 8, .flags = SF_FP | SF_REG_MMX,
                .fn = sse_cvttps2pi },
        [1] = { .kind = SK_OP, .msize = 16, .flags = SF_FP | SF_REG_MMX,
                .fn = sse_cvttpd2pi },
        [2] = { .kind = SK_CVT2SI, .msize = 4, .flags = SF_FP,
                .to_si = sse_cvttss2si },
        [3] = { .kind = SK_CVT2SI, .msize = 8, .flags = SF_FP,
                .to_si = sse_cvttsd2si },
    },
    [0x2d] = {
        [0] = { .kind = SK_OP, .msize = 8, .flags = SF_FP | SF_REG_MMX,
                .fn = sse_cvtps2pi },
        [1] = { .kind = SK_OP, .msize = 16, .flags = SF_FP | SF_REG_MMX,
                .fn = sse_cvtpd2pi },
        [2] = { .kind = SK_CVT2SI, .msize = 4, .flags = SF_FP,
                .to_si = sse_cvtss2si },
        [3] = { .kind = SK_CVT2SI, .msize = 8, .flags = SF_FP,
                .to_si = sse_cvtsd2si },
    },
    [0x2e] = {
        [0] = { .kind = SK_COMI, .msize = 4, .flags = SF_FP,
                .comi = sse_ucomiss },
        [1] = { .kind = SK_COMI, .msize = 8, .flags = SF_FP,
                .comi = sse_ucomisd },
    },
    [0x2f] = {
        [0] = { .kind = SK_COMI, .msize = 4, .flags = SF_FP,
                .comi = sse_comiss },
        [1] = { .kind = SK_COMI, .msize = 8, .flags = SF_FP,
                .comi = sse_comisd },
    },
    [0x50] = {
        [0] = { .kind = SK_MSK, .flags = SF_REG_ONLY, .msk = sse_movmskps },
        [1] = { .kind = SK_MSK, .flags = SF_REG_ONLY, .msk = sse_movmskpd },
    },
    [0x51] = {
        [0] = { .kind = SK_OP, .msize = 16, .flags = SF_FP, .fn = sse_sqrtps },
        [1] = { .kind = SK_OP, .msize = 16, .flags = SF_FP, .fn = sse_sqrtpd },
        [2] = { .kind = SK_OP, .msize = 4, .flags = SF_FP, .fn = sse_sqrtss },
        [3] = { .kind = SK_OP, .msize = 8, .flags = SF_FP, .fn = sse_sqrtsd },
    },
    [0x52] = {
        [0] = { .kind = SK_OP, .msize = 16, .fn = sse_rsqrtps },
        [2] = { .kind = SK_OP, .msize = 4, .fn = sse_rsqrtss },
    },
    [0x53] = {
        [0] = { .kind = SK_OP, .msize = 16, .fn = sse_rcpps },
        [2] = { .kind = SK_OP, .msize = 4, .fn = sse_rcpss },
    },
    [0x54] = {
        [0] = { .kind = SK_OP, .msize = 16, .fn = sse_andps },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_andps },
    },
    [0x55] = {
        [0] = { .kind = SK_OP, .msize = 16, .fn = sse_andnps },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_andnps },
    },
    [0x56] = {
        [0] = { .kind = SK_OP, .msize = 16, .fn = sse_orps },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_orps },
    },
    [0x57] = {
        [0] = { .kind = SK_OP, .msize = 16, .fn = sse_xorps },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_xorps },
    },
    [0x58] = {
        [0] = { .kind = SK_OP, .msize = 16, .flags = SF_FP, .fn = sse_addps },
        [1] = { .kind = SK_OP, .msize = 16, .flags = SF_FP, .fn = sse_addpd },
        [2] = { .kind = SK_OP, .msize = 4, .flags = SF_FP, .fn = sse_addss },
        [3] = { .kind = SK_OP, .msize = 8, .flags = SF_FP, .fn = sse_addsd },
    },
    [0x59] = {
        [0] = { .kind = SK_OP, .msize = 16, .flags = SF_FP, .fn = sse_mulps },
        [1] = { .kind = SK_OP, .msize = 16, .flags = SF_FP, .fn = sse_mulpd },
        [2] = { .kind = SK_OP, .msize = 4, .flags = SF_FP, .fn = sse_mulss },
        [3] = { .kind = SK_OP, .msize = 8, .flags = SF_FP, .fn = sse_mulsd },
    },
    [0x5a] = {
        [0] = { .kind = SK_OP, .msize = 8, .flags = SF_FP, .fn = sse_cvtps2pd },
        [1] = { .kind = SK_OP, .msize = 16, .flags = SF_FP,
                .fn = sse_cvtpd2ps },
        [2] = { .kind = SK_OP, .msize = 4, .flags = SF_FP, .fn = sse_cvtss2sd },
        [3] = { .kind = SK_OP, .msize = 8, .flags = SF_FP, .fn = sse_cvtsd2ss },
    },
    [0x5b] = {
        [0] = { .kind = SK_OP, .msize = 16, .flags = SF_FP,
                .fn = sse_cvtdq2ps },
        [1] = { .kind = SK_OP, .msize = 16, .flags = SF_FP,
                .fn = sse_cvtps2dq },
        [2] = { .kind = SK_OP, .msize = 16, .flags = SF_FP,
                .fn = sse_cvttps2dq },
    },
    [0x5c] = {
        [0] = { .kind = SK_OP, .msize = 16, .flags = SF_FP, .fn = sse_subps },
        [1] = { .kind = SK_OP, .msize = 16, .flags = SF_FP, .fn = sse_subpd },
        [2] = { .kind = SK_OP, .msize = 4, .flags = SF_FP, .fn = sse_subss },
        [3] = { .kind = SK_OP, .msize = 8, .flags = SF_FP, .fn = sse_subsd },
    },
    [0x5d] = {
        [0] = { .kind = SK_OP, .msize = 16, .flags = SF_FP, .fn = sse_minps },
        [1] = { .kind = SK_OP, .msize = 16, .flags = SF_FP, .fn = sse_minpd },
        [2] = { .kind = SK_OP, .msize = 4, .flags = SF_FP, .fn = sse_minss },
        [3] = { .kind = SK_OP, .msize = 8, .flags = SF_FP, .fn = sse_minsd },
    },
    [0x5e] = {
        [0] = { .kind = SK_OP, .msize = 16, .flags = SF_FP, .fn = sse_divps },
        [1] = { .kind = SK_OP, .msize = 16, .flags = SF_FP, .fn = sse_divpd },
        [2] = { .kind = SK_OP, .msize = 4, .flags = SF_FP, .fn = sse_divss },
        [3] = { .kind = SK_OP, .msize = 8, .flags = SF_FP, .fn = sse_divsd },
    },
    [0x5f] = {
        [0] = { .kind = SK_OP, .msize = 16, .flags = SF_FP, .fn = sse_maxps },
        [1] = { .kind = SK_OP, .msize = 16, .flags = SF_FP, .fn = sse_maxpd },
        [2] = { .kind = SK_OP, .msize = 4, .flags = SF_FP, .fn = sse_maxss },
        [3] = { .kind = SK_OP, .msize = 8, .flags = SF_FP, .fn = sse_maxsd },
    },
    [0x60] = {
        [0] = { .kind = SK_OP, .msize = 4, .flags = SF_MMX,
                .fn = sse_punpcklbw },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_punpcklbw },
    },
    [0x61] = {
        [0] = { .kind = SK_OP, .msize = 4, .flags = SF_MMX,
                .fn = sse_punpcklwd },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_punpcklwd },
    },
    [0x62] = {
        [0] = { .kind = SK_OP, .msize = 4, .flags = SF_MMX,
                .fn = sse_punpckldq },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_punpckldq },
    },
    [0x63] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_packsswb },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_packsswb },
    },
    [0x64] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_pcmpgtb },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_pcmpgtb },
    },
    [0x65] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_pcmpgtw },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_pcmpgtw },
    },
    [0x66] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_pcmpgtd },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_pcmpgtd },
    },
    [0x67] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_packuswb },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_packuswb },
    },
    [0x68] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_punpckhbw },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_punpckhbw },
    },
    [0x69] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_punpckhwd },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_punpckhwd },
    },
    [0x6a] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_punpckhdq },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_punpckhdq },
    },
    [0x6b] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_packssdw },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_packssdw },
    },
    [0x6c] = {
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_punpcklqdq },
    },
    [0x6d] = {
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_punpckhqdq },
    },
    [0x6e] = {
        [0] = { .kind = SK_MOVD_IN, .flags = SF_MMX },
        [1] = { .kind = SK_MOVD_IN },
    },
    [0x6f] = {
        [0] = { .kind = SK_LOAD, .msize = 8, .flags = SF_MMX },
        [1] = { .kind = SK_LOAD, .msize = 16 },
        [2] = { .kind = SK_LOAD, .msize = 16, .flags = SF_UNALIGNED },
    },
    [0x70] = {
        [0] = { .kind = SK_OP, .msize = 8, .flags = SF_MMX, .fn = sse_pshufw },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_pshufd },
        [2] = { .kind = SK_OP, .msize = 16, .fn = sse_pshufhw },
        [3] = { .kind = SK_OP, .msize = 16, .fn = sse_pshuflw },
    },
    [0x71] = {
        [0] = { .kind = SK_SHIFT_IMM, .flags = SF_MMX | SF_REG_ONLY,
                .group = grp71_mmx },
        [1] = { .kind = SK_SHIFT_IMM, .flags = SF_REG_ONLY,
                .group = grp71_xmm },
    },
    [0x72] = {
        [0] = { .kind = SK_SHIFT_IMM, .flags = SF_MMX | SF_REG_ONLY,
                .group = grp72_mmx },
        [1] = { .kind = SK_SHIFT_IMM, .flags = SF_REG_ONLY,
                .group = grp72_xmm },
    },
    [0x73] = {
        [0] = { .kind = SK_SHIFT_IMM, .flags = SF_MMX | SF_REG_ONLY,
                .group = grp73_mmx },
        [1] = { .kind = SK_SHIFT_IMM, .flags = SF_REG_ONLY,
                .group = grp73_xmm },
    },
    [0x74] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_pcmpeqb },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_pcmpeqb },
    },
    [0x75] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_pcmpeqw },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_pcmpeqw },
    },
    [0x76] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_pcmpeqd },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_pcmpeqd },
    },
    [0x7c] = {
        [1] = { .kind = SK_OP, .msize = 16, .flags = SF_FP, .fn = sse_haddpd },
        [3] = { .kind = SK_OP, .msize = 16, .flags = SF_FP, .fn = sse_haddps },
    },
    [0x7d] = {
        [1] = { .kind = SK_OP, .msize = 16, .flags = SF_FP, .fn = sse_hsubpd },
        [3] = { .kind = SK_OP, .msize = 16, .flags = SF_FP, .fn = sse_hsubps },
    },
    [0x7e] = {
        [0] = { .kind = SK_MOVD_OUT, .flags = SF_MMX },
        [1] = { .kind = SK_MOVD_OUT },
        [2] = { .kind = SK_MOVQ_IN, .msize = 8 },
    },
    [0x7f] = {
        [0] = { .kind = SK_STORE, .msize = 8, .flags = SF_MMX },
        [1] = { .kind = SK_STORE, .msize = 16 },
        [2] = { .kind = SK_STORE, .msize = 16, .flags = SF_UNALIGNED },
    },
    [0xc2] = {
        [0] = { .kind = SK_OP, .msize = 16, .flags = SF_FP, .fn = sse_cmpps },
        [1] = { .kind = SK_OP, .msize = 16, .flags = SF_FP, .fn = sse_cmppd },
        [2] = { .kind = SK_OP, .msize = 4, .flags = SF_FP, .fn = sse_cmpss },
        [3] = { .kind = SK_OP, .msize = 8, .flags = SF_FP, .fn = sse_cmpsd },
    },
    [0xc3] = {
        [0] = { .kind = SK_MOVNTI, .flags = SF_MEM_ONLY },
    },
    [0xc4] = {
        [0] = { .kind = SK_PINSRW, .msize = 2, .flags = SF_MMX },
        [1] = { .kind = SK_PINSRW, .msize = 2 },
    },
    [0xc5] = {
        [0] = { .kind = SK_PEXTRW, .flags = SF_MMX | SF_REG_ONLY },
        [1] = { .kind = SK_PEXTRW, .flags = SF_REG_ONLY },
    },
    [0xc6] = {
        [0] = { .kind = SK_OP, .msize = 16, .fn = sse_shufps },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_shufpd },
    },
    [0xd0] = {
        [1] = { .kind = SK_OP, .msize = 16, .flags = SF_FP,
                .fn = sse_addsubpd },
        [3] = { .kind = SK_OP, .msize = 16, .flags = SF_FP,
                .fn = sse_addsubps },
    },
    [0xd1] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_psrlw },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_psrlw },
    },
    [0xd2] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_psrld },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_psrld },
    },
    [0xd3] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_psrlq },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_psrlq },
    },
    [0xd4] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_paddq },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_paddq },
    },
    [0xd5] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_pmullw },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_pmullw },
    },
    [0xd6] = {
        [1] = { .kind = SK_MOVQ_OUT, .msize = 8 },
        [2] = { .kind = SK_MOVQ2DQ, .flags = SF_RM_MMX | SF_REG_ONLY },
        [3] = { .kind = SK_MOVDQ2Q, .flags = SF_REG_MMX | SF_REG_ONLY },
    },
    [0xd7] = {
        [0] = { .kind = SK_MSK, .flags = SF_MMX | SF_REG_ONLY,
                .msk = pmovmskb_mmx },
        [1] = { .kind = SK_MSK, .flags = SF_REG_ONLY, .msk = pmovmskb_xmm },
    },
    [0xd8] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_psubusb },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_psubusb },
    },
    [0xd9] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_psubusw },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_psubusw },
    },
    [0xda] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_pminub },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_pminub },
    },
    [0xdb] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_pand },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_pand },
    },
    [0xdc] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_paddusb },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_paddusb },
    },
    [0xdd] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_paddusw },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_paddusw },
    },
    [0xde] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_pmaxub },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_pmaxub },
    },
    [0xdf] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_pandn },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_pandn },
    },
    [0xe0] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_pavgb },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_pavgb },
    },
    [0xe1] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_psraw },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_psraw },
    },
    [0xe2] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_psrad },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_psrad },
    },
    [0xe3] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_pavgw },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_pavgw },
    },
    [0xe4] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_pmulhuw },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_pmulhuw },
    },
    [0xe5] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_pmulhw },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_pmulhw },
    },
    [0xe6] = {
        [1] = { .kind = SK_OP, .msize = 16, .flags = SF_FP,
                .fn = sse_cvttpd2dq },
        [2] = { .kind = SK_OP, .msize = 8, .flags = SF_FP, .fn = sse_cvtdq2pd },
        [3] = { .kind = SK_OP, .msize = 16, .flags = SF_FP,
                .fn = sse_cvtpd2dq },
    },
    [0xe7] = {
        [0] = { .kind = SK_STORE, .msize = 8, .flags = SF_MMX | SF_MEM_ONLY },
        [1] = { .kind = SK_STORE, .msize = 16, .flags = SF_MEM_ONLY },
    },
    [0xe8] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_psubsb },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_psubsb },
    },
    [0xe9] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_psubsw },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_psubsw },
    },
    [0xea] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_pminsw },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_pminsw },
    },
    [0xeb] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_por },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_por },
    },
    [0xec] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_paddsb },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_paddsb },
    },
    [0xed] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_paddsw },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_paddsw },
    },
    [0xee] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_pmaxsw },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_pmaxsw },
    },
    [0xef] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_pxor },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_pxor },
    },
    [0xf0] = {
        [3] = { .kind = SK_LOAD, .msize = 16,
                .flags = SF_UNALIGNED | SF_MEM_ONLY },
    },
    [0xf1] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_psllw },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_psllw },
    },
    [0xf2] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_pslld },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_pslld },
    },
    [0xf3] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_psllq },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_psllq },
    },
    [0xf4] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_pmuludq },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_pmuludq },
    },
    [0xf5] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_pmaddwd },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_pmaddwd },
    },
    [0xf6] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_psadbw },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_psadbw },
    },
    [0xf7] = {
        [0] = { .kind = SK_MASKMOV, .flags = SF_MMX | SF_REG_ONLY },
        [1] = { .kind = SK_MASKMOV, .flags = SF_REG_ONLY },
    },
    [0xf8] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_psubb },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_psubb },
    },
    [0xf9] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_psubw },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_psubw },
    },
    [0xfa] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_psubd },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_psubd },
    },
    [0xfb] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_psubq },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_psubq },
    },
    [0xfc] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_paddb },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_paddb },
    },
    [0xfd] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_paddw },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_paddw },
    },
    [0xfe] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_paddd },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_paddd },
    },
};
