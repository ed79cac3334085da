/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The block translator's shared state between jit.c (classification and
 * the register templates) and jit-mem.c (memory operands: effective
 * address, segment checks, the soft-TLB path and the slow-path stubs).
 * Internal to those two files; see docs/devel/cpu-translator.md.
 */
#ifndef TARGET_I386_JIT_INT_H
#define TARGET_I386_JIT_INT_H

#include "target/i386/jit.h"
#include "target/i386/jit-emit.h"
#include "target/i386/ops.h"

/* Offsets into X86CPU. */
#define CPU_REG(n) ((int32_t)(offsetof(X86CPU, regs) + (n) * 8))
#define CPU_OFF(f) ((int32_t)offsetof(X86CPU, f))
#define TLB_OFF(f) ((int32_t)(offsetof(X86CPU, tlb) + \
                              offsetof(X86TLBEntry, f)))
#define SEG_OFF(s, f) ((int32_t)(offsetof(X86CPU, seg) + \
                                 (s) * sizeof(X86Seg) + offsetof(X86Seg, f)))

/* Chained blocks are entered past the prologue (seven pushes, two movs)
 * and R14's load: the block before left R14 right (mmu_idx changes only
 * in handlers, and a block ending in one reloads R14 after it). */
#define JIT_TLB_BASE_LEN 22
#define JIT_CHAIN_SKIP (17 + JIT_TLB_BASE_LEN)

/* The guest register cache (jit-regs.c): guest RAX..R15 in R12, R13, R15. */
#define JIT_GUEST_REGS 16
#define JIT_NREGS 3

/* Group-1 numbering of the guest ALU operations, plus TEST. */
enum { OP_ADD, OP_OR, OP_ADC, OP_SBB, OP_AND, OP_SUB, OP_XOR, OP_CMP,
       OP_TEST };

/* What an entry becomes. */
typedef enum JitKind {
    JK_CALL,        /* call the handler, cur_insn and RIP stored first */
    JK_PURE,        /* call the handler: it cannot fault or stop */
    JK_ALU,         /* ALU, CMP, TEST: register or memory destination */
    JK_MOV,
    JK_LEA,
    JK_EXT,         /* MOVZX, MOVSX, MOVSXD */
    JK_JCC,         /* the block's last entry: a Jcc */
    JK_INCDEC,      /* INC (alu 0) or DEC (alu 1), register or memory */
    JK_UNARY,       /* NOT (alu 2) or NEG (alu 3), register or memory */
    JK_SHIFT,       /* SHL (alu 4), SHR (5), SAR (7) by an immediate */
    JK_IMUL,        /* IMUL r, r/m and IMUL r, r/m, imm */
    JK_CMOV,        /* CMOVcc r, r */
    JK_SETCC,       /* SETcc r8 */
    JK_PUSH,        /* PUSH r/imm (alu 1: POP r), 64- or 32-bit stack */
    JK_CALLN,       /* near CALL rel32, 64- or 32-bit */
    JK_RET,         /* near RET (imm16), 64- or 32-bit */
    JK_JMPN,        /* near JMP rel8/rel32, 32/64-bit operand */
} JitKind;

/* Where the guest's CF is, known at translation time, for INC/DEC. */
enum { CFS_NONE, CFS_ZERO, CFS_R10 };

typedef struct JitOp {
    JitKind kind;
    uint8_t alu;        /* OP_* */
    bool sx;            /* JK_EXT: sign-extend */
} JitOp;

/* What a slow-path stub does. */
typedef enum JitColdKind {
    COLD_LD,        /* x86_ld_slow(): RAX = the value */
    COLD_ST,        /* x86_st_slow() of RDX, then the stop test */
    COLD_SEG,       /* the exact segment check (x86_seg_lin()): RSI = lin */
    COLD_RMW,       /* the write probe: RSI = host pointer, or the handler */
    COLD_HANDLER,   /* the entry's handler does all of it */
} JitColdKind;

/*
 * A lazy-flag record not stored yet (c->rec): R9 and R11 hold what
 * rebuilds it (jx_rec_store()), until the next flag-setting template,
 * past moves only, overwrites it.  Every stub in between stores it first
 * (it may raise, and an exception reads EFLAGS) and keeps R9 and R11.
 */
typedef struct JitRec {
    bool on;
    bool neg;           /* CC_OP_SUB of 0 and R11 */
    uint8_t op;         /* CC_OP_*: LOGIC (R9 = dst), ADD/SUB (R9, R11 =
                           the operands), INC/DEC (R9 = the operand, R11 =
                           CF), SHIFT (R9 = dst, R11 = CF | OF << 1) */
    uint8_t size;
} JitRec;

/* A slow-path stub, emitted after the block's code. */
typedef struct JitCold {
    uint8_t *patch[2];  /* rel32s of the fast path's jumps to the stub */
    uint8_t *resume;    /* where the fast path goes on */
    uint8_t *done;      /* COLD_RMW: the end of the entry's code */
    uint16_t k;         /* entry index */
    uint8_t size;
    uint8_t kind;       /* JitColdKind */
    uint8_t seg;        /* COLD_SEG: segment and SEG_PERM_* */
    uint8_t perm;
    bool flags;         /* COLD_RMW: the host flags are live at done */
    int8_t rsp_adj;     /* COLD_ST of a PUSH: RSP moves before the stop */
    uint16_t valid;     /* the cached guest registers valid at the jump */
    uint16_t valid_done;    /* ... at done, reloaded after a handler */
    JitRec rec;         /* a record the stub stores first */
} JitCold;

typedef struct JitCtx {
    JitBuf j;
    const X86Block *b;
    /* per entry: a segment check and one TLB access */
    JitCold cold[X86_BLOCK_MAX * 2];
    unsigned n_cold;
    uint8_t *epi;       /* the shared epilogue: returns EAX */
    uint8_t *chain;     /* to the next block (emit_chain()) */
    int cf;             /* CFS_*: the guest's CF as the entry starts */
    bool hflags;        /* the host's flags are the guest's */
    bool has_call;      /* a handler is called (not counting slow paths) */
    bool packed_imm;    /* the entry's immediate is the low half of .imm */
    bool flags_dead;    /* the next entry overwrites this one's cc_* */
    bool rec_defer;     /* a later one does, past moves: keep it in R9/R11 */
    JitRec rec;         /* the record kept in R9/R11, if on */
    unsigned rec_k;     /* the entry that made it */
    unsigned k;         /* the entry being translated */
    uint8_t rip_adj;    /* a fused entry: RIP-relative from the CMP's end */
    uint8_t *body;      /* the first entry's code */
    /* the register cache (jit-regs.c), guest registers as bit masks */
    int8_t host_of[JIT_GUEST_REGS];     /* host register, or H_NONE */
    uint16_t cached;    /* given a host register for the block */
    uint16_t valid;     /* the host copy is the guest's value */
    uint16_t dirty;     /* the host copy is newer than cpu->regs[] */
    bool loops;         /* the block branches to its own start */
    uint16_t dirty0;    /* dirty as the body starts (a self-loop's back
                           edge writes back the rest) */
} JitCtx;

/*
 * jit.c, for the stubs: store cur_insn and RIP for entry @k (what the
 * interpreter stores before it runs it); leave with @n entries run if
 * the block was stopped.
 */
void jx_insn_state(JitCtx *c, unsigned k);
void jx_stop_check(JitCtx *c, unsigned n);

/* jit-classify.c */

/* What entry @i of @b becomes (JK_CALL: its handler is called). */
JitOp jit_classify(const X86Block *b, const X86Insn *i);
/* @i has a memory operand (LEA's counts). */
bool jit_has_mem(const X86Insn *i);
/* Entry @n (after an entry of kind @pk) writes the whole lazy-flag record
 * its cc_op uses, inline, before anything can read it. */
bool jit_flags_overwritten(const X86Block *b, unsigned n, JitKind pk);
/* The same for the first entry from @n on that is not a move (MOV, LEA,
 * MOVZX/MOVSX, any operands), which may also be an ALU/CMP/TEST with a
 * register destination and a memory source. */
bool jit_flags_overwritten_later(const X86Block *b, unsigned n, JitKind pk);
/* @b probably branches back to its own start (a heuristic). */
bool jit_loops(const X86Block *b);
/* In a block that loops, entry @k's record is dead across the back edge
 * (it sets the flags of the block-ending Jcc, the first entry overwrites
 * them inline without memory or the CF). */
bool jit_loop_rec_dead(const X86Block *b, unsigned k);
/* Entry @n needs the guest's CF as it starts (INC, DEC, ADC, SBB). */
bool jit_needs_cf(const X86Block *b, unsigned n);
/* Entry @i's template leaves the host flags alone (moves). */
bool jit_keeps_hflags(const X86Block *b, const X86Insn *i);
/* The host flags entry @k leaves are read before anything changes them. */
bool jit_hflags_used(const X86Block *b, unsigned k);

/* jit-regs.c */

/* Choose the cached registers of c->b (use counts of inline entries). */
void jx_regs_plan(JitCtx *c);
/* Load the cached registers in @mask (guest bits) into their hosts. */
void jx_regs_load(JitCtx *c, uint16_t mask);
/* Write the valid cached registers in @mask back to cpu->regs[]. */
void jx_regs_store(JitCtx *c, uint16_t mask);
/* Before a handler call: write back the dirty ones. */
void jx_regs_before_call(JitCtx *c);
/* After a handler call: the host copies are stale. */
void jx_regs_after_call(JitCtx *c);
/* ROL/ROR by a constant whose flags are dead (c->flags_dead), inline;
 * false: the handler must run. */
bool jx_rot_dead(JitCtx *c, unsigned k);
/* The host register holding guest register @n (loaded now if its copy is
 * not valid), or H_NONE when it is not cached. */
int jx_reg_host(JitCtx *c, unsigned n);
/* The same for a write of @size bytes about to happen: a 32/64-bit one
 * sets the whole register, so it is not loaded first. */
int jx_reg_host_wr(JitCtx *c, unsigned n, unsigned size);
/* @dst = @size bytes (zero-extended) of the guest register at byte
 * offset @off of cpu->regs[]. */
void jx_reg_read(JitCtx *c, int dst, unsigned off, unsigned size);
/* The guest register at byte offset @off = the low @size bytes of @src
 * (x86_reg_write(): 4 zero-extends; may zero-extend @src itself). */
void jx_reg_write(JitCtx *c, int src, unsigned off, unsigned size);

/* jit-chain.c */

/* Jumps (at out[], returns how many) taken when the run loop has work:
 * an event other than INTR with IF clear. */
unsigned jx_events_check(JitCtx *c, uint8_t **out);
/* The chain stub: RAX = the new RIP, EDX = what the block retired. */
void jx_chain(JitCtx *c);

/* jit-mem.c */

/* R14 = cpu->tlb[cpu->mmu_idx]: at block start and after handlers. */
void jx_tlb_base(JitCtx *c);
/* RSI = the effective address of entry @k's memory operand. */
void jx_ea(JitCtx *c, const X86Insn *i);
/* RAX = @size bytes (zero-extended) at entry @k's memory operand. */
void jx_mem_load(JitCtx *c, unsigned k, unsigned size);
/* Store the low @size bytes of RDX at entry @k's memory operand. */
void jx_mem_store(JitCtx *c, unsigned k, unsigned size);
/* RSP += @delta for a stack of @size (8: 64-bit; 4: ESP, wrapping). */
void jx_sp_add(JitCtx *c, unsigned size, int32_t delta);
/*
 * PUSH of RDX or POP to RAX of @size bytes (8: 64-bit code; 4: 32-bit
 * code), RSP updated after the access.  For 4 the stack must be 32-bit:
 * otherwise the returned stub (else NULL) runs the handler and goes to
 * the end of the entry, which the caller marks with jx_rmw_done().
 */
JitCold *jx_stack(JitCtx *c, unsigned k, unsigned size, bool push);
/*
 * CALL's push of RDX (@size as jx_stack()), RSP not updated: a 16-bit
 * stack (stubs[0], or NULL) or a TLB miss (stubs[1]) runs the whole CALL
 * (its handler) and goes to the end marked with jx_rmw_done() on each.
 */
void jx_call_push(JitCtx *c, unsigned k, unsigned size, JitCold *stubs[2]);
/*
 * RSI = the host address of entry @k's memory operand for a read-modify-
 * write of @size bytes (segment check for writing, TLB write tag).  When
 * the page cannot be written through a host pointer the stub runs the
 * entry's handler instead and goes to the end the caller marks with
 * jx_rmw_done(); with @flags it leaves the guest's flags in the host's
 * (and the guest CF in R10) there, as the template does.
 */
JitCold *jx_rmw_addr(JitCtx *c, unsigned k, unsigned size, bool flags);
void jx_rmw_done(JitCtx *c, JitCold *cold);
/* Store the record @r that R9/R11 hold (a stub, before it calls out). */
void jx_rec_store(JitCtx *c, const JitRec *r);
/* Store c->rec, if on, and forget it (before a call or an exit). */
void jx_rec_flush(JitCtx *c);
/* Entries of @kind leave a kept record alone (moves). */
static inline bool jit_keeps_rec(JitKind kind)
{
    return kind == JK_MOV || kind == JK_LEA || kind == JK_EXT;
}
/* The stubs, after the block's code.  They keep RDX, R9, R10 and R11. */
void jx_cold(JitCtx *c, const JitCold *cold);

#endif /* TARGET_I386_JIT_INT_H */
