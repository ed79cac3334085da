/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The block translator (jit.c): host code for hot decoded blocks, on
 * x86-64 hosts.  See docs/devel/cpu-translator.md for the design.
 */
#ifndef TARGET_I386_JIT_H
#define TARGET_I386_JIT_H

#include "target/i386/tb.h"

typedef struct X86JitCode X86JitCode;

/*
 * Host code of a block: runs its entries with @eip as cpu->insn_eip and
 * @insns as the block's decoded array, then, while @budget allows and
 * nothing needs the run loop, the translated blocks its links name
 * (chaining, which updates cpu->cur_block, insn_eip and retired as it
 * goes).  Returns what the last block run adds to cpu->retired: all its
 * instructions, or fewer when an entry stopped it.  Exceptions leave by
 * siglongjmp, as they leave the interpreter.
 */
typedef uint32_t (*X86JitFn)(X86CPU *cpu, uint64_t eip, const X86Insn *insns,
                             uint64_t budget);

/* Runs of a block before it is translated (1: at its first run). */
extern uint32_t x86_jit_hot;

/**
 * x86_jit_new() - the code region of one vCPU.
 *
 * Returns NULL when translation is off (configuration, PLIMSOLL_JIT=0, a
 * host other than x86-64) or when executable memory cannot be mapped (a
 * W^X policy: one warning, then the interpreter).  Free with
 * x86_jit_free().
 */
X86JitCode *x86_jit_new(void);
void x86_jit_free(X86JitCode *jc);

/** x86_jit_reset() - forget all code (the block cache was flushed). */
void x86_jit_reset(X86JitCode *jc);

/**
 * x86_jit_translate() - make host code for @b and set @b->jit.
 *
 * Returns false when the region is full: the caller flushes the block
 * cache (which resets the region) and @b runs interpreted this time.
 */
bool x86_jit_translate(X86JitCode *jc, const X86Block *b, X86JitFn *out);

/* Statistics for tests: blocks translated and region flushes so far. */
uint64_t x86_jit_blocks(const X86JitCode *jc);
uint64_t x86_jit_flushes(const X86JitCode *jc);

#endif /* TARGET_I386_JIT_H */
