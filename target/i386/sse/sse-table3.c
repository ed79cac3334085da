/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SSE tables of the three-byte maps 0F 38 and 0F 3A (SSSE3, SSE4.1,
 * SSE4.2), indexed like x86_sse_table by opcode and mandatory prefix,
 * whose rows (decode-sse38.c.inc, decode-sse3a.c.inc) the CPU's
 * three-byte maps include.
 *
 * Spec: Intel SDM vol. 2D tables A-4 (0F 38) and A-5 (0F 3A).  PEXTRW at
 * 0F 3A 15 is the memory-capable form; PEXTRD/PINSRD become PEXTRQ/PINSRQ
 * with REX.W; PCMPxSTRx m128 needs no alignment.
 */
#include "target/i386/sse/ops-sse.h"

const SseDesc x86_sse_table_0f38[256][4] = {
    [0x00] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_pshufb },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_pshufb },
    },
    [0x01] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_phaddw },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_phaddw },
    },
    [0x02] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_phaddd },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_phaddd },
    },
    [0x03] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_phaddsw },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_phaddsw },
    },
    [0x04] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_pmaddubsw },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_pmaddubsw },
    },
    [0x05] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_phsubw },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_phsubw },
    },
    [0x06] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_phsubd },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_phsubd },
    },
    [0x07] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_phsubsw },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_phsubsw },
    },
    [0x08] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_psignb },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_psignb },
    },
    [0x09] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_psignw },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_psignw },
    },
    [0x0a] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_psignd },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_psignd },
    },
    [0x0b] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_pmulhrsw },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_pmulhrsw },
    },
    [0x10] = {
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_pblendvb },
    },
    [0x14] = {
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_blendvps },
    },
    [0x15] = {
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_blendvpd },
    },
    [0x17] = {
        [1] = { .kind = SK_COMI, .msize = 16, .comi = sse_ptest },
    },
    [0x1c] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_pabsb },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_pabsb },
    },
    [0x1d] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_pabsw },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_pabsw },
    },
    [0x1e] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_pabsd },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_pabsd },
    },
    [0x20] = {
        [1] = { .kind = SK_OP, .msize = 8, .fn = sse_pmovsxbw },
    },
    [0x21] = {
        [1] = { .kind = SK_OP, .msize = 4, .fn = sse_pmovsxbd },
    },
    [0x22] = {
        [1] = { .kind = SK_OP, .msize = 2, .fn = sse_pmovsxbq },
    },
    [0x23] = {
        [1] = { .kind = SK_OP, .msize = 8, .fn = sse_pmovsxwd },
    },
    [0x24] = {
        [1] = { .kind = SK_OP, .msize = 4, .fn = sse_pmovsxwq },
    },
    [0x25] = {
        [1] = { .kind = SK_OP, .msize = 8, .fn = sse_pmovsxdq },
    },
    [0x28] = {
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_pmuldq },
    },
    [0x29] = {
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_pcmpeqq },
    },
    [0x2a] = {
        [1] = { .kind = SK_LOAD, .msize = 16, .flags = SF_MEM_ONLY },
    },
    [0x2b] = {
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_packusdw },
    },
    [0x30] = {
        [1] = { .kind = SK_OP, .msize = 8, .fn = sse_pmovzxbw },
    },
    [0x31] = {
        [1] = { .kind = SK_OP, .msize = 4, .fn = sse_pmovzxbd },
    },
    [0x32] = {
        [1] = { .kind = SK_OP, .msize = 2, .fn = sse_pmovzxbq },
    },
    [0x33] = {
        [1] = { .kind = SK_OP, .msize = 8, .fn = sse_pmovzxwd },
    },
    [0x34] = {
        [1] = { .kind = SK_OP, .msize = 4, .fn = sse_pmovzxwq },
    },
    [0x35] = {
        [1] = { .kind = SK_OP, .msize = 8, .fn = sse_pmovzxdq },
    },
    [0x37] = {
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_pcmpgtq },
    },
    [0x38] = {
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_pminsb },
    },
    [0x39] = {
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_pminsd },
    },
    [0x3a] = {
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_pminuw },
    },
    [0x3b] = {
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_pminud },
    },
    [0x3c] = {
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_pmaxsb },
    },
    [0x3d] = {
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_pmaxsd },
    },
    [0x3e] = {
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_pmaxuw },
    },
    [0x3f] = {
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_pmaxud },
    },
    [0x40] = {
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_pmulld },
    },
    [0x41] = {
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_phminposuw },
    },
};

const SseDesc x86_sse_table_0f3a[256][4] = {
    [0x08] = {
        [1] = { .kind = SK_OP, .msize = 16, .flags = SF_FP, .fn = sse_roundps },
    },
    [0x09] = {
        [1] = { .kind = SK_OP, .msize = 16, .flags = SF_FP, .fn = sse_roundpd },
    },
    [0x0a] = {
        [1] = { .kind = SK_OP, .msize = 4, .flags = SF_FP, .fn = sse_roundss },
    },
    [0x0b] = {
        [1] = { .kind = SK_OP, .msize = 8, .flags = SF_FP, .fn = sse_roundsd },
    },
    [0x0c] = {
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_blendps },
    },
    [0x0d] = {
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_blendpd },
    },
    [0x0e] = {
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_pblendw },
    },
    [0x0f] = {
        [0] = { .kind = SK_OP, .flags = SF_MMX, .fn = sse_palignr },
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_palignr },
    },
    [0x14] = {
        [1] = { .kind = SK_PEXTR, .msize = 1 },
    },
    [0x15] = {
        [1] = { .kind = SK_PEXTR, .msize = 2 },
    },
    [0x16] = {
        [1] = { .kind = SK_PEXTR, .msize = 4 },
    },
    [0x17] = {
        [1] = { .kind = SK_PEXTR, .msize = 4 },
    },
    [0x20] = {
        [1] = { .kind = SK_PINSR, .msize = 1 },
    },
    [0x21] = {
        [1] = { .kind = SK_INSERTPS, .msize = 4 },
    },
    [0x22] = {
        [1] = { .kind = SK_PINSR, .msize = 4 },
    },
    [0x40] = {
        [1] = { .kind = SK_OP, .msize = 16, .flags = SF_FP, .fn = sse_dpps },
    },
    [0x41] = {
        [1] = { .kind = SK_OP, .msize = 16, .flags = SF_FP, .fn = sse_dppd },
    },
    [0x42] = {
        [1] = { .kind = SK_OP, .msize = 16, .fn = sse_mpsadbw },
    },
    [0x60] = {
        [1] = { .kind = SK_PCMPSTR, .msize = 16, .flags = SF_UNALIGNED,
                .fn = sse_pcmpestrm },
    },
    [0x61] = {
        [1] = { .kind = SK_PCMPSTR, .msize = 16, .flags = SF_UNALIGNED,
                .fn = sse_pcmpestri },
    },
    [0x62] = {
        [1] = { .kind = SK_PCMPSTR, .msize = 16, .flags = SF_UNALIGNED,
                .fn = sse_pcmpistrm },
    },
    [0x63] = {
        [1] = { .kind = SK_PCMPSTR, .msize = 16, .flags = SF_UNALIGNED,
                .fn = sse_pcmpistri },
    },
};
