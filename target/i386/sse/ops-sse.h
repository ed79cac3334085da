/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CPU side of MMX/SSE/SSE2/SSE3 in the two-byte opcode map: one
 * dispatcher (sse/ops-sse.c) reached through the mandatory-prefix rows
 * x86_sse_rows / x86_sse_rows_ib (none, 66, F3, F2), which looks the
 * instruction up in x86_sse_table by opcode and prefix.  The opcode map
 * includes target/i386/decode-sse.c.inc inside x86_map_0f to route the
 * SSE opcodes here.
 *
 * Spec: Intel SDM vol. 2D table A-3 (two-byte map with mandatory
 * prefixes), vol. 3 table 2-2 and 13.1 (CR0.EM/TS, CR4.OSFXSR,
 * CR4.OSXMMEXCPT), vol. 1 9.5.1 (MMX instructions and the x87 tag word).
 */
#ifndef TARGET_I386_SSE_OPS_SSE_H
#define TARGET_I386_SSE_OPS_SSE_H

#include "target/i386/insn.h"

/** Kinds of SSE table entry (what the operands are). */
typedef enum SseKind {
    SK_NONE = 0,    /* #UD */
    SK_OP,          /* reg = fn(reg, r/m) */
    SK_LOAD,        /* reg = r/m (whole register) */
    SK_STORE,       /* r/m = reg (whole register) */
    SK_MOVS,        /* MOVSS/MOVSD load: memory zero-extends, reg merges */
    SK_STORES,      /* MOVSS/MOVSD store: low @msize bytes */
    SK_MOVLO,       /* MOVLPS/MOVLPD load; reg form MOVHLPS */
    SK_MOVHI,       /* MOVHPS/MOVHPD load; reg form MOVLHPS */
    SK_STLO,        /* MOVLPS/MOVLPD store (memory only) */
    SK_STHI,        /* MOVHPS/MOVHPD store (memory only) */
    SK_MOVD_IN,     /* MOVD/MOVQ reg <- r/m32/64 (REX.W), zero-extended */
    SK_MOVD_OUT,    /* MOVD/MOVQ r/m32/64 <- reg */
    SK_MOVQ_IN,     /* MOVQ xmm <- xmm/m64, upper half zeroed */
    SK_MOVQ_OUT,    /* MOVQ xmm/m64 <- xmm, upper half zeroed (reg form) */
    SK_MOVDQ2Q,     /* MOVDQ2Q mm <- xmm (register only) */
    SK_MOVQ2DQ,     /* MOVQ2DQ xmm <- mm (register only) */
    SK_MSK,         /* r32 <- msk(r/m register) */
    SK_CVT2SI,      /* r32/64 <- cvt(xmm/m32/m64) */
    SK_CVTSI,       /* xmm <- cvt(r/m32/64) */
    SK_COMI,        /* EFLAGS <- compare(reg, r/m) */
    SK_PEXTRW,      /* r32 <- word imm of r/m register */
    SK_PINSRW,      /* reg word imm <- r32/m16 */
    SK_SHIFT_IMM,   /* 0F 71-73: r/m register shifted by imm (by reg field) */
    SK_MASKMOV,     /* MASKMOVQ/MASKMOVDQU to DS:rDI */
    SK_MOVNTI,      /* MOVNTI m32/64 <- r32/64 */
    SK_PEXTR,       /* PEXTRB/W/D/Q, EXTRACTPS: r/m <- lane imm of reg */
    SK_PINSR,       /* PINSRB/D/Q: lane imm of reg <- r/m */
    SK_INSERTPS,    /* INSERTPS (memory form reads one m32) */
    SK_PCMPSTR,     /* PCMPxSTRx: implicit RAX/RDX, RCX or XMM0, EFLAGS */
} SseKind;

/* Entry flags. */
enum {
    SF_MMX = 0x01,        /* both operands are MMX registers (vlen 8) */
    SF_FP = 0x02,         /* floating point: MXCSR flags, #XM */
    SF_UNALIGNED = 0x04,  /* m128 needs no 16-byte alignment */
    SF_RM_MMX = 0x08,     /* only the r/m operand is an MMX register */
    SF_REG_MMX = 0x10,    /* only the reg operand is an MMX register */
    SF_MEM_ONLY = 0x20,   /* register form is #UD */
    SF_REG_ONLY = 0x40,   /* memory form is #UD */
};

/**
 * struct SseDesc - one (opcode, prefix) cell of the SSE table.
 * @kind: an SseKind.  @msize: memory operand bytes (0: register width).
 * @flags: SF_* bits.  The function fields are used by kind.
 */
typedef struct SseDesc {
    uint8_t kind;
    uint8_t msize;
    uint8_t flags;
    SseOpFn *fn;
    uint32_t (*msk)(const XMMReg *s);
    int64_t (*to_si)(SseEnv *env, const XMMReg *s, int bits);
    void (*from_si)(SseEnv *env, XMMReg *d, int64_t v);
    void (*comi)(SseEnv *env, const XMMReg *a, const XMMReg *b);
    const struct SseDesc *group;    /* SK_SHIFT_IMM: 8 rows by ModRM.reg */
} SseDesc;

extern const SseDesc x86_sse_table[256][4];
extern const SseDesc x86_sse_table_0f38[256][4];
extern const SseDesc x86_sse_table_0f3a[256][4];
extern const X86OpcodeEntry x86_sse_rows[4];
extern const X86OpcodeEntry x86_sse_rows_ib[4];

void x86_op_sse_np(X86CPU *cpu, const X86Insn *insn);
void x86_op_sse_66(X86CPU *cpu, const X86Insn *insn);
void x86_op_sse_f3(X86CPU *cpu, const X86Insn *insn);
void x86_op_sse_f2(X86CPU *cpu, const X86Insn *insn);

#endif
