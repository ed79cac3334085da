/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Decoded blocks and the block cache interface (tb.c), used by the run
 * loop (exec.c).  See tb.c for the design.
 */
#ifndef TARGET_I386_TB_H
#define TARGET_I386_TB_H

#include "target/i386/insn.h"

#define X86_BLOCK_MAX 64

typedef struct X86PageCode {
    int64_t key;                /* physical page number */
    X86Block *page_first;       /* blocks starting on this page */
} X86PageCode;

/*
 * A remembered successor: the block that ran after this one when EIP was
 * @eip.  It stays right while cpu->chain_gen equals @gen (no change to CS,
 * code size, CPL, or the TLB since) and @next is still valid (no write to
 * its bytes).
 */
typedef struct X86BlockLink {
    uint64_t eip;
    X86Block *next;
    uint32_t gen;
} X86BlockLink;

struct X86Block {
    uint64_t phys;              /* physical address of the first byte */
    uint32_t mode;              /* code size it was decoded for */
    uint16_t n_insns;
    uint16_t bytes;             /* bytes covered, from phys */
    bool valid;
    bool fused;                 /* the last entry is two instructions */
    X86Insn *insns;
    X86Block *hash_next;
    X86Block *page_next;
    X86PageCode *page_owner;
    X86PageCode page_code;      /* used when this block created the list */
    X86BlockLink link[2];       /* successors (taken, fall-through) */
    uint8_t link_next;          /* slot the next new link replaces */
    X86BlockLink ret_link;      /* after a CALL ending this block returns */
    uint32_t runs;              /* interpreted runs, until translated */
    /* Host code (jit.c, X86JitFn), or NULL. */
    uint32_t (*jit)(X86CPU *cpu, uint64_t eip, const X86Insn *insns,
                    uint64_t budget);
};

X86Block *x86_bc_lookup(X86CPU *cpu, uint64_t paddr, unsigned mode);
X86Block *x86_bc_alloc(X86CPU *cpu, unsigned max);
void x86_bc_commit(X86CPU *cpu, X86Block *b);
X86Block *x86_bc_scratch(X86CPU *cpu);
/* Translate @b (jit.c) if this vCPU translates; may flush the cache. */
void x86_bc_translate(X86CPU *cpu, X86Block *b);
/* Blocks translated and code-region flushes of this vCPU (tests). */
uint64_t x86_bc_jit_blocks(X86CPU *cpu);
uint64_t x86_bc_jit_flushes(X86CPU *cpu);

/* log.c */
void x86_log_block(X86CPU *cpu, const X86Block *b, bool is_new);
void x86_log_interrupt(X86CPU *cpu, int vec, bool soft, bool has_err,
                       uint32_t err);

#endif /* TARGET_I386_TB_H */
