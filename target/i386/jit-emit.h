/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small x86-64 instruction encoder for the block translator (jit.c).
 *
 * Emits the few instruction shapes the translator needs into a byte
 * buffer: register-register and register-memory forms with a REX prefix
 * computed from the operands, immediates, and rel32 jumps and calls.
 * Encodings follow the Intel SDM vol. 2A chapter 2 (2.1 instruction
 * format, 2.1.5 ModR/M and SIB, 2.2.1 REX prefixes).  Memory operands are
 * always [base + index * scale + disp32]; no RIP-relative forms, no VEX.
 * The caller checks room before each guest instruction (JIT_INSN_ROOM).
 */
#ifndef TARGET_I386_JIT_EMIT_H
#define TARGET_I386_JIT_EMIT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Host registers, in ModRM encoding order. */
enum {
    H_RAX, H_RCX, H_RDX, H_RBX, H_RSP, H_RBP, H_RSI, H_RDI,
    H_R8, H_R9, H_R10, H_R11, H_R12, H_R13, H_R14, H_R15,
    H_NONE = -1,
};

typedef struct JitBuf {
    uint8_t *p;         /* next byte */
    uint8_t *end;       /* first byte past the room */
} JitBuf;

static inline void jit_b(JitBuf *j, uint8_t v)
{
    *j->p++ = v;
}

static inline void jit_d(JitBuf *j, uint32_t v)
{
    memcpy(j->p, &v, 4);
    j->p += 4;
}

static inline void jit_q(JitBuf *j, uint64_t v)
{
    memcpy(j->p, &v, 8);
    j->p += 8;
}

/* Operand-size prefix and REX for an operation of @size bytes. */
static inline void jit_prefix(JitBuf *j, unsigned size, int reg, int index,
                              int base, bool byte_regs)
{
    unsigned rex = 0x40 | (size == 8) << 3 | ((reg >> 3) & 1) << 2 |
                   ((index >> 3) & 1) << 1 | ((base >> 3) & 1);
    if (size == 2) {
        jit_b(j, 0x66);
    }
    /* SPL/BPL/SIL/DIL need a REX prefix to be encodable as bytes. */
    if (rex != 0x40 || (byte_regs && size == 1 && (reg >= 4 || base >= 4))) {
        jit_b(j, rex);
    }
}

static inline void jit_opcode(JitBuf *j, unsigned opc)
{
    if (opc > 0xff) {
        jit_b(j, opc >> 8);         /* 0F xx */
    }
    jit_b(j, opc & 0xff);
}

/* ModRM (and SIB) for [base + index * (1 << scale) + disp]. */
static inline void jit_modrm_mem(JitBuf *j, int reg, int base, int index,
                                 unsigned scale, int32_t disp)
{
    unsigned mod = disp == 0 && (base & 7) != H_RBP ? 0 :
                   disp == (int8_t)disp ? 1 : 2;

    if (index == H_NONE && (base & 7) != H_RSP) {
        jit_b(j, mod << 6 | (reg & 7) << 3 | (base & 7));
    } else {
        jit_b(j, mod << 6 | (reg & 7) << 3 | 4);
        jit_b(j, scale << 6 | ((index == H_NONE ? H_RSP : index) & 7) << 3 |
                 (base & 7));
    }
    if (mod == 1) {
        jit_b(j, (uint8_t)disp);
    } else if (mod == 2) {
        jit_d(j, disp);
    }
}

/* opc reg, [base + index * scale + disp] with operand size @size. */
static inline void jit_rm(JitBuf *j, unsigned opc, unsigned size, int reg,
                          int base, int index, unsigned scale, int32_t disp)
{
    jit_prefix(j, size, reg, index == H_NONE ? 0 : index, base, false);
    jit_opcode(j, opc);
    jit_modrm_mem(j, reg, base, index, scale, disp);
}

/* opc rm, reg (register direct) with operand size @size. */
static inline void jit_rr(JitBuf *j, unsigned opc, unsigned size, int reg,
                          int rm)
{
    jit_prefix(j, size, reg, 0, rm, true);
    jit_opcode(j, opc);
    jit_b(j, 0xc0 | (reg & 7) << 3 | (rm & 7));
}

/* Loads of 1, 2 (zero-extended), 4 (zero-extended) or 8 bytes. */
static inline void jit_load(JitBuf *j, int dst, unsigned size, int base,
                            int index, unsigned scale, int32_t disp)
{
    switch (size) {
    case 1: jit_rm(j, 0x0fb6, 4, dst, base, index, scale, disp); break;
    case 2: jit_rm(j, 0x0fb7, 4, dst, base, index, scale, disp); break;
    default: jit_rm(j, 0x8b, size, dst, base, index, scale, disp); break;
    }
}

/* Sign-extending loads of 1, 2 or 4 bytes to 64 bits. */
static inline void jit_load_sx(JitBuf *j, int dst, unsigned size, int base,
                               int32_t disp)
{
    unsigned opc = size == 1 ? 0x0fbe : size == 2 ? 0x0fbf : 0x63;
    jit_rm(j, opc, 8, dst, base, H_NONE, 0, disp);
}

static inline void jit_store(JitBuf *j, int src, unsigned size, int base,
                             int32_t disp)
{
    if (size == 1) {
        jit_prefix(j, 1, src, 0, base, true);
        jit_b(j, 0x88);
        jit_modrm_mem(j, src, base, H_NONE, 0, disp);
    } else {
        jit_rm(j, 0x89, size, src, base, H_NONE, 0, disp);
    }
}

/* mov dword/qword [base + disp], simm32 */
static inline void jit_store_imm(JitBuf *j, unsigned size, int base,
                                 int32_t disp, int32_t imm)
{
    jit_rm(j, 0xc7, size, 0, base, H_NONE, 0, disp);
    jit_d(j, imm);
}

/* mov reg, imm: the shortest encoding for a 64-bit value. */
static inline void jit_movi(JitBuf *j, int dst, uint64_t imm)
{
    if (imm == (uint32_t)imm) {
        jit_prefix(j, 4, 0, 0, dst, false);
        jit_b(j, 0xb8 | (dst & 7));
        jit_d(j, imm);
    } else if ((int64_t)imm == (int32_t)imm) {
        jit_prefix(j, 8, 0, 0, dst, false);
        jit_b(j, 0xc7);
        jit_b(j, 0xc0 | (dst & 7));
        jit_d(j, imm);
    } else {
        jit_prefix(j, 8, 0, 0, dst, false);
        jit_b(j, 0xb8 | (dst & 7));
        jit_q(j, imm);
    }
}

static inline void jit_mov(JitBuf *j, unsigned size, int dst, int src)
{
    jit_rr(j, 0x89, size, src, dst);
}

static inline void jit_lea(JitBuf *j, int dst, int base, int index,
                           unsigned scale, int32_t disp)
{
    jit_rm(j, 0x8d, 8, dst, base, index, scale, disp);
}

/* Group 1 (81 /n) with a 32-bit immediate: add, or, and, sub, xor, cmp. */
enum { G1_ADD = 0, G1_OR = 1, G1_AND = 4, G1_SUB = 5, G1_XOR = 6,
       G1_CMP = 7 };

static inline void jit_alu_ri(JitBuf *j, unsigned g1, unsigned size, int rm,
                              int32_t imm)
{
    jit_prefix(j, size, 0, 0, rm, false);
    jit_b(j, 0x81);
    jit_b(j, 0xc0 | g1 << 3 | (rm & 7));
    jit_d(j, imm);
}

/* Shift by an immediate (C1 /4 SHL, /5 SHR, /7 SAR; C0 for bytes). */
static inline void jit_shift_ri(JitBuf *j, unsigned ext, unsigned size,
                                int rm, uint8_t count)
{
    jit_prefix(j, size, 0, 0, rm, true);
    jit_b(j, size == 1 ? 0xc0 : 0xc1);
    jit_b(j, 0xc0 | ext << 3 | (rm & 7));
    jit_b(j, count);
}

/* rel32 jumps: returns where the displacement goes, for jit_patch(). */
static inline uint8_t *jit_jcc(JitBuf *j, unsigned cc)
{
    jit_b(j, 0x0f);
    jit_b(j, 0x80 | (cc & 15));
    jit_d(j, 0);
    return j->p - 4;
}

static inline uint8_t *jit_jmp(JitBuf *j)
{
    jit_b(j, 0xe9);
    jit_d(j, 0);
    return j->p - 4;
}

/* Point the rel32 at @at to @target. */
static inline void jit_patch(uint8_t *at, const uint8_t *target)
{
    int32_t rel = (int32_t)(target - (at + 4));
    memcpy(at, &rel, 4);
}

/* A call to @fn: direct when within rel32 reach, else through RAX. */
static inline void jit_call(JitBuf *j, const void *fn)
{
    intptr_t rel = (intptr_t)fn - (intptr_t)(j->p + 5);
    if (rel == (int32_t)rel) {
        jit_b(j, 0xe8);
        jit_d(j, (uint32_t)rel);
    } else {
        jit_movi(j, H_RAX, (uintptr_t)fn);
        jit_b(j, 0xff);
        jit_b(j, 0xd0);             /* call rax */
    }
}

#endif /* TARGET_I386_JIT_EMIT_H */
