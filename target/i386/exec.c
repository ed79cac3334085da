/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The interpreter's run loop (CPU-ENGINE.md "Plimsoll's design").
 *
 * Finds the decoded block at CS:RIP (decoding it on a miss), runs its
 * instructions in a tight loop, and between blocks checks the instruction
 * budget, kicks, NMI and the INTR line (SDM vol. 3A 6.9 priorities,
 * simplified to NMI before INTR; interrupt shadows after STI and MOV SS).
 * Guest exceptions arrive here through x86_raise()'s siglongjmp.
 */
#include "target/i386/jit.h"
#include "target/i386/ops.h"
#include "target/i386/tb.h"
#include "util/log.h"

/* Fetch @n code bytes at @lin through the slow path (page-crossing or MMIO
 * code); faults are those of the instruction fetch. */
static unsigned fetch_slow(X86CPU *cpu, uint64_t lin, uint8_t *buf,
                           unsigned n)
{
    for (unsigned k = 0; k < n; k++) {
        buf[k] = x86_ld_slow(cpu, (lin + k) & cpu->lin_mask, 1, ACC_EXEC);
    }
    return n;
}

static X86Block *decode_scratch(X86CPU *cpu, uint64_t lin, uint64_t paddr)
{
    X86Block *b = x86_bc_scratch(cpu);
    uint8_t buf[X86_MAX_INSN_LEN + 1];
    unsigned n = 1;
    int r;

    /* Grow the window one byte at a time so no byte past the
     * instruction is fetched (it might fault). */
    fetch_slow(cpu, lin, buf, 1);
    while ((r = x86_decode(cpu, buf, n, cpu->code_size, b->insns)) ==
           DEC_SHORT && n < X86_MAX_INSN_LEN + 1) {
        fetch_slow(cpu, lin + n, buf + n, 1);
        n++;
    }
    b->insns[0].off = 0;
    b->insns[0].next_off = b->insns[0].len;
    b->insns[0].end_block = true;
    b->n_insns = 1;
    b->phys = paddr;
    b->mode = cpu->code_size;
    return b;
}

static X86Block *decode_block(X86CPU *cpu, const uint8_t *page,
                              uint64_t paddr, uint64_t lin)
{
    unsigned off = paddr & 0xfff, start = off;
    X86Block *b = x86_bc_alloc(cpu, X86_BLOCK_MAX);

    b->phys = paddr;
    b->mode = cpu->code_size;
    while (b->n_insns < X86_BLOCK_MAX && off < 0x1000) {
        X86Insn *i = &b->insns[b->n_insns];
        int r;
        /* A debugger breakpoint starts a block of its own. */
        if (unlikely(cpu->debug_flags & X86_DEBUG_BP) && b->n_insns &&
            x86_debug_bp_at(cpu, (lin + off - start) & cpu->lin_mask)) {
            break;
        }
        r = x86_decode(cpu, page + off, 0x1000 - off, cpu->code_size, i);
        if (r == DEC_SHORT) {
            break;
        }
        i->off = off - start;
        i->next_off = i->off + i->len;
        off += i->len;
        b->n_insns++;
        if (i->end_block) {
            break;
        }
    }
    if (b->n_insns == 0) {
        /* The first instruction straddles the page end. */
        return decode_scratch(cpu, lin, paddr);
    }
    b->bytes = off - start;
    if (b->n_insns >= 2 &&
        x86_fuse_jcc(&b->insns[b->n_insns - 2], &b->insns[b->n_insns - 1])) {
        b->insns[b->n_insns - 2].next_off = b->insns[b->n_insns - 1].next_off;
        b->n_insns--;
        b->fused = true;
    }
    x86_bc_commit(cpu, b);
    return b;
}

/* The jump cache and the block hash: the slow way to a block. */
static X86Block *lookup_block(X86CPU *cpu, uint64_t lin, uint32_t key)
{
    struct X86JumpCache *jc;
    X86TLBEntry *e;
    X86Block *b;
    uint64_t paddr;

    jc = &cpu->jc[(lin ^ (lin >> X86_JC_BITS)) & (X86_JC_SIZE - 1)];
    if (likely(jc->lin == lin && jc->key == key &&
               jc->gen == cpu->jc_gen && jc->block &&
               jc->block->valid &&
               !(cpu->log_mask & (X86_LOG_EXEC | X86_LOG_CPU)))) {
        return jc->block;
    }
    e = x86_tlb_entry(cpu, lin);
    if ((e->tag_x & ~X86_TLB_SLOW) != (lin & ~0xfffull)) {
        e = x86_tlb_fill(cpu, lin, ACC_EXEC, cpu->mmu_idx);
    }
    paddr = e->paddr | (lin & 0xfff);
    /* Single-stepping (gdb, EFLAGS.TF) runs one instruction per block. */
    if (e->mmio || unlikely(cpu->debug_flags & X86_DEBUG_ONE_INSN)) {
        return decode_scratch(cpu, lin, paddr);
    }
    b = x86_bc_lookup(cpu, paddr, cpu->code_size);
    if (likely(b)) {
        if (unlikely(cpu->log_mask)) {
            x86_log_block(cpu, b, false);
        }
    } else {
        b = decode_block(cpu, (const uint8_t *)(uintptr_t)
                         ((lin & ~0xfffull) + e->addend), paddr, lin);
        if (unlikely(cpu->log_mask)) {
            x86_log_block(cpu, b, true);
        }
    }
    if (b->valid) {
        jc->lin = lin;
        jc->key = key;
        jc->gen = cpu->jc_gen;
        jc->block = b;
    }
    return b;
}

static inline void set_link(X86CPU *cpu, X86BlockLink *l, uint64_t eip,
                            X86Block *next)
{
    l->eip = eip;
    l->gen = cpu->chain_gen;
    l->next = next;
}

/* After a link miss following a RET: the caller's return link. */
static X86Block *find_return(X86CPU *cpu, X86Block *prev, uint64_t eip,
                             X86BlockLink **fill)
{
    X86Block *caller = cpu->ret_caller;
    X86BlockLink *l;

    cpu->ret_caller = NULL;
    if (!prev || prev->insns[prev->n_insns - 1].exec != x86_op_ret) {
        return NULL;            /* a RET that hit a link, long ago */
    }
    l = &caller->ret_link;
    if (l->eip == eip && l->gen == cpu->chain_gen && l->next->valid) {
        return l->next;
    }
    *fill = caller->valid ? l : NULL;
    return NULL;
}

/*
 * The block at CS:RIP.  @prev, the block that just ran (or NULL), keeps
 * links to its successors (CPU-ENGINE.md "No central dispatch"), so a
 * loop or a chain of direct jumps finds its next block in @prev itself.
 * A link is checked by EIP and generation only: every change to CS, the
 * code size, the CPL or the paging view bumps cpu->chain_gen.
 *
 * A RET's successors are many, so the return-address cache comes next:
 * RET popped the block whose CALL pushed the return address (ops-branch.c)
 * into cpu->ret_caller, and that block's return link names the block that
 * followed the last return to it.  Like any link it says only "EIP X in
 * generation G is block B", so a stale or mismatched caller costs a miss,
 * never a wrong block; blocks live in the cache's pools, so the pointer is
 * always readable.  On a miss the caller learns the block found.
 */
static X86Block *find_block(X86CPU *cpu, X86Block *prev)
{
    uint64_t eip = cpu->regs[R_RIP], lin;
    const X86Seg *cs = &cpu->seg[R_CS];
    X86BlockLink *l, *fill = NULL;
    uint32_t key;
    X86Block *b;

    if (likely(prev != NULL)) {
        for (l = prev->link; l < prev->link + 2; l++) {
            if (l->eip == eip && l->gen == cpu->chain_gen &&
                l->next->valid) {
                return l->next;
            }
        }
    }
    if (cpu->ret_caller && (b = find_return(cpu, prev, eip, &fill))) {
        return b;
    }
    if (cpu->code_size != 8 && eip > cs->limit) {
        x86_raise(cpu, EXCP_GP, 0);
    }
    lin = (cs->base + eip) & cpu->lin_mask;
    key = cpu->code_size | cpu->mmu_idx << 4;
    b = lookup_block(cpu, lin, key);
    if (b->valid && !cpu->log_mask) {
        if (prev && prev->valid) {
            set_link(cpu, &prev->link[prev->link_next], eip, b);
            prev->link_next ^= 1;
        }
        if (fill) {
            set_link(cpu, fill, eip, b);
        }
    }
    return b;
}

/*
 * The block's host code (jit.c) in place of the loop below: the same
 * state before and after, and the same entries counted.  Debugging and
 * logging keep the interpreter, as does an interrupt shadow (one entry).
 */
static bool run_block_jit(X86CPU *cpu, X86Block *b, uint64_t budget)
{
    uint64_t eip = cpu->regs[R_RIP];
    uint32_t n;

    if (unlikely(!b->jit)) {
        if (++b->runs != x86_jit_hot) {
            return false;
        }
        x86_bc_translate(cpu, b);
        if (!b->jit) {
            return false;
        }
    }
    if (unlikely(cpu->debug_flags | cpu->log_mask | cpu->inhibit_irq)) {
        return false;
    }
    cpu->cur_block = b;
    cpu->insn_eip = eip;
    cpu->run_end = b->insns + b->n_insns;
    n = b->jit(cpu, eip, b->insns, budget);
    if (unlikely(cpu->code_size == 2)) {
        cpu->regs[R_RIP] &= 0xffff;
    }
    cpu->retired += n;
    cpu->cur_insn = NULL;
    return true;
}

static void run_block(X86CPU *cpu, X86Block *b, uint64_t budget)
{
    const X86Insn *i = b->insns, *end = b->insns + b->n_insns;
    uint64_t eip = cpu->regs[R_RIP];

    if (run_block_jit(cpu, b, budget)) {
        return;
    }

    /* In an interrupt shadow with an interrupt waiting, run one
     * instruction so the interrupt is taken right after it. */
    if (unlikely(cpu->inhibit_irq)) {
        if (cpu->regs[R_RIP] != cpu->inhibit_irq_eip) {
            cpu->inhibit_irq = false;       /* the shadow has passed */
        } else if (cpu->intr_line || cpu->nmi_pending) {
            end = i + 1;
        }
    }

    cpu->cur_block = b;
    cpu->insn_eip = eip;
    cpu->run_end = end;
    /* Only the last instruction of a block (or one that stops it) changes
     * RIP other than by its length, so RIP is the block start plus the
     * next instruction's offset, with no dependency on the last store. */
    do {
        cpu->cur_insn = i;
        cpu->regs[R_RIP] = eip + i->next_off;
        i->exec(cpu, i);
    } while (++i < cpu->run_end);
    if (unlikely(cpu->code_size == 2)) {
        cpu->regs[R_RIP] &= 0xffff;
    }
    /* A fused last entry retires two instructions. */
    cpu->retired += i - b->insns + (b->fused && i == b->insns + b->n_insns);
    cpu->cur_insn = NULL;
}

/* An exception left an instruction: rewind to it and deliver. */
static void exception_exit(X86CPU *cpu)
{
    const X86Insn *i = cpu->cur_insn;
    if (i) {
        uint64_t start = cpu->insn_eip + i->off;
        cpu->retired += i - cpu->cur_block->insns;
        cpu->regs[R_RIP] = cpu->pending_soft ? start + i->len : start;
        if (cpu->pending_soft) {
            cpu->soft_int_eip = start;
            cpu->retired++;
        }
        cpu->cur_insn = NULL;
        cpu->cur_block = NULL;
    }
    if (cpu->code_size == 2) {
        cpu->regs[R_RIP] &= 0xffff;
    }
    cpu->stop_block = false;
    x86_deliver_pending(cpu);
}

static bool intr_deliverable(X86CPU *cpu)
{
    if (!cpu->intr_line || !(cpu->eflags & EF_IF)) {
        return false;
    }
    if (cpu->inhibit_irq) {
        if (cpu->regs[R_RIP] == cpu->inhibit_irq_eip) {
            return false;
        }
        cpu->inhibit_irq = false;
    }
    return true;
}

/* Returns true if an event was delivered or the CPU should keep going. */
static void check_interrupts(X86CPU *cpu)
{
    if (cpu->nmi_pending && !cpu->nmi_blocked) {
        cpu->nmi_pending = false;
        cpu->nmi_blocked = true;
        x86_deliver_interrupt(cpu, EXCP_NMI, false, false, 0,
                              cpu->regs[R_RIP]);
    } else if (intr_deliverable(cpu)) {
        int vec = cpu->plat.intr_ack(cpu->plat.opaque);
        if (vec >= 0) {
            x86_deliver_interrupt(cpu, vec & 0xff, false, false, 0,
                                  cpu->regs[R_RIP]);
        }
    }
    cpu->stop_block = false;
}

/* Blocks until the budget is spent or something needs the caller. */
static CPUExitReason run_loop(X86CPU *cpu, uint64_t budget)
{
    X86Block *prev = NULL, *b;

    while (cpu->retired < budget) {
        uint64_t ev = __atomic_load_n(&cpu->events, __ATOMIC_RELAXED);

        /* Only INTR raised (the first byte) while IF is clear, as in a
         * kernel's critical sections: nothing to do here. */
        if (unlikely(ev) && (ev != 1 || (cpu->eflags & EF_IF))) {
            if (cpu->reset_requested) {
                return CPU_EXIT_RESET;
            }
            if (cpu->wait_sipi) {
                return CPU_EXIT_HALTED;     /* deaf to INTR and NMI */
            }
            check_interrupts(cpu);
            if (cpu->halted) {
                return CPU_EXIT_HALTED;
            }
            if (__atomic_load_n(&cpu->kick, __ATOMIC_ACQUIRE)) {
                __atomic_store_n(&cpu->kick, 0, __ATOMIC_RELAXED);
                return CPU_EXIT_KICKED;
            }
        }
        if (unlikely(cpu->debug_flags)) {
            if (x86_debug_check(cpu)) {
                return CPU_EXIT_DEBUG;
            }
            prev = NULL;        /* breakpoints and steps split blocks */
            cpu->ret_caller = NULL;
        }
        /* A link only records "EIP X in generation G is block B", which
         * stays true however @prev ended, so every block may link. */
        b = find_block(cpu, prev);
        run_block(cpu, b, budget);
        /* Translated blocks chain: the last one run links to the next. */
        prev = cpu->cur_block;
        cpu->stop_block = false;
    }
    return CPU_EXIT_BUDGET;
}

CPUExitReason x86_cpu_run(X86CPU *cpu, uint64_t budget, uint64_t *executed)
{
    CPUExitReason why;

    /* -d items from the command line (util/log.c), plus any set directly. */
    cpu->log_mask = cpu->log_forced |
                    (log_enabled(LOG_IN_ASM) ? X86_LOG_IN_ASM : 0) |
                    (log_enabled(LOG_EXEC) ? X86_LOG_EXEC : 0) |
                    (log_enabled(LOG_INT) ? X86_LOG_INT : 0) |
                    (log_enabled(LOG_CPU) ? X86_LOG_CPU : 0);
    if (unlikely(__atomic_load_n(&cpu->smp_pending, __ATOMIC_ACQUIRE))) {
        x86_smp_process(cpu);
    }
    cpu->retired = 0;
    cpu->stop_block = false;
    cpu->cur_insn = NULL;
    cpu->cur_block = NULL;
    if (sigsetjmp(cpu->jmp, 0)) {
        exception_exit(cpu);
    }
    /* Entered again after every exception, with no previous block. */
    why = run_loop(cpu, budget);
    if (cpu->reset_requested) {
        why = CPU_EXIT_RESET;
    }
    if (executed) {
        *executed = cpu->retired;
    }
    return why;
}
