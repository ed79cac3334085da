/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x87 floating-point unit: register stack, status/control/tag words,
 * last-instruction pointers, and every x87 instruction as a function of
 * this state and of memory operand values.  The CPU owns memory access,
 * #NM (CR0.EM/TS), and turns a pending unmasked exception into #MF (or
 * FERR# when CR0.NE=0) before the next waiting instruction.
 *
 * Spec: Intel SDM vol. 1 ch. 8 (x87 FPU), vol. 2 instruction pages of the
 * F* instructions, vol. 1 10.5.1 (FXSAVE layout of the x87 part).
 *
 * How the CPU calls this (decoder D8-DF):
 *  - Before a waiting instruction: if x87_mf_pending(), raise #MF.
 *  - Register forms (mod == 3): x87_exec_reg(s, opcode, modrm, &eflags).
 *  - Memory forms: x87_mem_info(opcode, reg) tells the operand size and
 *    direction; loads: read the bytes, call x87_exec_mem_load(); stores:
 *    call x87_exec_mem_store() and write the bytes only if it returns true.
 *    FLDENV/FRSTOR/FSTENV/FSAVE use x87_ldenv()/x87_stenv() and friends.
 *  - Non-control instructions: x87_set_pointers() with CS:IP of the
 *    instruction, the opcode and the memory operand's DS:offset.
 */
#ifndef TARGET_I386_FPU_X87_H
#define TARGET_I386_FPU_X87_H

#include <stdbool.h>
#include <stdint.h>

#include "target/i386/fpu/softfloat.h"

/* Status word (FSW) bits; TOP (bits 11-13) is kept in X87State.top. */
enum {
    X87_SW_IE = 0x0001, X87_SW_DE = 0x0002, X87_SW_ZE = 0x0004,
    X87_SW_OE = 0x0008, X87_SW_UE = 0x0010, X87_SW_PE = 0x0020,
    X87_SW_SF = 0x0040,   /* stack fault (with IE; C1 = 1 overflow) */
    X87_SW_ES = 0x0080,   /* error summary: an unmasked exception */
    X87_SW_C0 = 0x0100, X87_SW_C1 = 0x0200, X87_SW_C2 = 0x0400,
    X87_SW_C3 = 0x4000,
    X87_SW_B = 0x8000,    /* busy: mirrors ES */
    X87_SW_TOP_SHIFT = 11,
};

/* Control word (FCW) fields. */
enum {
    X87_CW_MASKS = 0x003f,   /* IM DM ZM OM UM PM */
    X87_CW_PC_SHIFT = 8,     /* 00 single, 10 double, 11 extended */
    X87_CW_RC_SHIFT = 10,
    X87_CW_X = 0x1000,       /* infinity control (ignored since the 387) */
    X87_CW_WRITABLE = 0x1f3f,
    X87_CW_ONES = 0x0040,    /* bit 6 reads as 1 */
};


/** Full tag values (x87_tag_word()). */
enum { X87_TAG_VALID = 0, X87_TAG_ZERO = 1, X87_TAG_SPECIAL = 2,
       X87_TAG_EMPTY = 3 };

/**
 * struct X87State - the architectural x87 state.
 * @regs: physical registers R0-R7; ST(i) is regs[(top + i) & 7].  MMX
 *        registers alias regs[i].mant.
 * @top: TOP field of FSW.
 * @fsw: status word with the TOP field zero (x87_fsw() merges it).
 * @fcw: control word.
 * @empty: bit i set when physical register i is empty (tag 11b); the
 *         other tag values are derived from the contents.
 * @fop: last non-control opcode, 11 bits (low 3 bits of the first
 *       opcode byte << 8 | ModRM).
 * @fip, @fcs: CS:IP of the last non-control instruction.
 * @fdp, @fds: its memory operand's segment:offset (0 if none).
 */
typedef struct X87State {
    Float80 regs[8];
    uint8_t top;
    uint8_t empty;
    uint16_t fsw;
    uint16_t fcw;
    uint16_t fop;
    uint16_t fcs;
    uint16_t fds;
    uint64_t fip;
    uint64_t fdp;
} X87State;

/** x87_reset() - power-on / FNINIT state (FCW 037F, FSW 0, all empty,
 *  pointers zero). */
void x87_reset(X87State *s);
/** x87_finit() - FNINIT: like x87_reset() but register contents stay. */
void x87_finit(X87State *s);
/** x87_set_fcw() - load the control word (FLDCW, FLDENV, FRSTOR, FXRSTOR):
 *  reserved bits read as on hardware; ES follows the new masks. */
void x87_set_fcw(X87State *s, uint16_t fcw);
/** x87_fsw() - the status word as FNSTSW stores it (TOP merged). */
uint16_t x87_fsw(const X87State *s);
/** x87_set_fsw() - load the status word (FLDENV/FRSTOR/FXRSTOR). */
void x87_set_fsw(X87State *s, uint16_t fsw);
/** x87_tag_word() - the full 16-bit tag word, computed from contents. */
uint16_t x87_tag_word(const X87State *s);
/** x87_set_tag_word() - only the empty/non-empty distinction is kept. */
void x87_set_tag_word(X87State *s, uint16_t ftw);
/** x87_mf_pending() - true when FSW.ES is set: the next waiting x87
 *  (or MMX) instruction must raise #MF (CR0.NE=1) or assert FERR#. */
static inline bool x87_mf_pending(const X87State *s)
{
    return s->fsw & X87_SW_ES;
}
/** x87_set_pointers() - record FIP/FCS/FOP/FDP/FDS for a non-control
 *  instruction (the CPU calls it; x87_insn_is_control() says which). */
void x87_set_pointers(X87State *s, uint16_t fop, uint16_t cs, uint64_t ip,
                      uint16_t ds, uint64_t dp);

/** x87_st() / x87_set_st() - read/write ST(@i) without tag checks. */
Float80 x87_st(const X87State *s, int i);
void x87_set_st(X87State *s, int i, Float80 v);
/** x87_st_empty() - is ST(@i) tagged empty? */
bool x87_st_empty(const X87State *s, int i);

/* --- Decoder entry points -------------------------------------------- */

/** Kinds of x87 memory operand (x87_mem_info()). */
typedef enum X87MemKind {
    X87_MEM_INVALID = 0,   /* #UD */
    X87_MEM_LOAD,          /* read @size bytes, x87_exec_mem_load() */
    X87_MEM_STORE,         /* x87_exec_mem_store(), write @size bytes */
    X87_MEM_LDENV,         /* FLDENV: 14 (16-bit) / 28 (32-bit) bytes */
    X87_MEM_STENV,         /* FNSTENV */
    X87_MEM_RSTOR,         /* FRSTOR: 94 / 108 bytes */
    X87_MEM_SAVE,          /* FNSAVE (then FNINIT) */
} X87MemKind;

/**
 * struct X87MemInfo - what an x87 memory-form instruction does.
 * @kind: an X87MemKind.
 * @size: operand bytes for LOAD/STORE (2, 4, 8, 10).
 * @waits: a waiting instruction (check #MF first); the FN* forms do not.
 * @control: a control instruction (does not update FIP/FDP/FOP).
 */
typedef struct X87MemInfo {
    uint8_t kind;
    uint8_t size;
    bool waits;
    bool control;
} X87MemInfo;

/** x87_mem_info() - classify opcode @op (0xD8-0xDF) with ModRM.reg @reg. */
X87MemInfo x87_mem_info(uint8_t op, int reg);
/** x87_exec_mem_load() - execute a load-kind memory form with its
 *  little-endian operand bytes @buf (x87_mem_info().size of them). */
void x87_exec_mem_load(X87State *s, uint8_t op, int reg, const uint8_t *buf);
/**
 * x87_exec_mem_store() - execute a store-kind memory form, filling @buf.
 * Returns false when an unmasked exception suppresses the store (the
 * CPU must then not write memory).
 */
bool x87_exec_mem_store(X87State *s, uint8_t op, int reg, uint8_t *buf);

/** Results of x87_exec_reg(). */
typedef enum X87Exit {
    X87_OK = 0,
    X87_UD,            /* reserved encoding: #UD */
    X87_FNSTSW_AX,     /* DF E0: the CPU stores x87_fsw() into AX */
} X87Exit;

/**
 * x87_exec_reg() - execute a register form (ModRM >= 0xC0) of opcode @op.
 * @eflags: in: FCMOVcc reads CF/ZF/PF; out: FCOMI/FUCOMI(P) set ZF, PF, CF
 *          and clear OF, SF, AF.
 */
X87Exit x87_exec_reg(X87State *s, uint8_t op, uint8_t modrm,
                     uint32_t *eflags);
/** x87_insn_waits() - does (@op, @modrm) check for pending #MF?  False
 *  for FNINIT, FNCLEX, FNSTSW, FNSTCW, FNSTENV, FNSAVE. */
bool x87_insn_waits(uint8_t op, uint8_t modrm);
/** x87_insn_is_control() - control instructions (FLDCW, FNSTCW, FNSTSW,
 *  FNSTENV, FLDENV, FNSAVE, FRSTOR, FNINIT, FNCLEX) keep FIP/FDP/FOP. */
bool x87_insn_is_control(uint8_t op, uint8_t modrm);

/* --- Environment and state images (SDM vol. 1 8.1.10, figures 8-9..8-12) */

/** Forms of the FSTENV/FSAVE image. */
typedef enum X87ImageMode {
    X87_IMAGE_REAL16 = 0,    /* real or virtual-8086 mode, 16-bit operand */
    X87_IMAGE_PROT16,
    X87_IMAGE_REAL32,
    X87_IMAGE_PROT32,
} X87ImageMode;

/** x87_env_size() - 14 for the 16-bit forms, 28 for the 32-bit ones. */
unsigned x87_env_size(X87ImageMode mode);
/** x87_stenv() - FNSTENV image into @buf, then mask all exceptions
 *  (FNSTENV sets FCW[5:0]). */
void x87_stenv(X87State *s, uint8_t *buf, X87ImageMode mode);
/** x87_ldenv() - FLDENV from @buf. */
void x87_ldenv(X87State *s, const uint8_t *buf, X87ImageMode mode);
/** x87_save() - FNSAVE: env + 8 registers (80 bytes) into @buf, then
 *  FNINIT.  x87_env_size() + 80 bytes. */
void x87_save(X87State *s, uint8_t *buf, X87ImageMode mode);
/** x87_rstor() - FRSTOR from @buf. */
void x87_rstor(X87State *s, const uint8_t *buf, X87ImageMode mode);
/**
 * x87_fxsave() - bytes 0-159 of the FXSAVE image (FCW, FSW, abridged FTW,
 * FOP, FIP/FDP in the 32-bit (@rex_w false) or 64-bit form, MXCSR
 * @mxcsr and MXCSR_MASK @mxcsr_mask, ST0-ST7).  XMM registers (bytes
 * 160-415) are the CPU's.
 */
void x87_fxsave(const X87State *s, uint8_t *img, uint32_t mxcsr,
                uint32_t mxcsr_mask, bool rex_w);
/** x87_fxrstor() - load the x87 part of an FXSAVE image (the CPU checks
 *  and loads MXCSR, bytes 24-27, itself: reserved bits give #GP). */
void x87_fxrstor(X87State *s, const uint8_t *img, bool rex_w);

/* --- MMX aliasing (SDM vol. 1 9.5) ------------------------------------ */

/** x87_mmx_enter() - any MMX instruction: TOP = 0, all tags valid. */
void x87_mmx_enter(X87State *s);
/** x87_mmx_write() - write MMn: mantissa = @v, exponent/sign = all ones. */
void x87_mmx_write(X87State *s, int n, uint64_t v);
static inline uint64_t x87_mmx_read(const X87State *s, int n)
{
    return s->regs[n & 7].mant;
}
/** x87_emms() - EMMS: all tags empty. */
void x87_emms(X87State *s);

/* --- Individual operations (used by the dispatcher and by tests) ------ */

/** x87_env() - an FpEnv built from FCW (rounding, precision, masks). */
FpEnv x87_env(const X87State *s);
/** x87_push() - push @v (stack overflow: IE|SF|C1, indefinite if masked). */
void x87_push(X87State *s, Float80 v);
/** x87_pop() - mark ST(0) empty and increment TOP. */
void x87_pop(X87State *s);

/** Arithmetic operation selectors (ModRM.reg of D8/DC/DE). */
typedef enum X87Arith {
    X87_ADD = 0, X87_MUL = 1, X87_COM = 2, X87_COMP = 3,
    X87_SUB = 4, X87_SUBR = 5, X87_DIV = 6, X87_DIVR = 7,
} X87Arith;

/**
 * x87_arith() - ST(@dst) = ST(@dst) op @src for ADD/MUL/SUB/DIV,
 * @src op ST(@dst) for SUBR/DIVR, then pop if @pop.  @src_empty tells that
 * the source register was empty (stack underflow).
 */
void x87_arith(X87State *s, X87Arith op, int dst, Float80 src,
               bool src_empty, bool pop);
/** x87_compare() - FCOM/FUCOM family: sets C0, C2, C3 (C1 cleared). */
void x87_compare(X87State *s, Float80 src, bool src_empty, bool quiet);

#endif
