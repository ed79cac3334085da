/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest's own debugging facilities (SDM vol. 3B ch. 17 "Debug,
 * Branch Profile, TSC, and Intel Resource Director Technology Features"):
 * debug registers DR0-DR3 (breakpoint addresses), DR6 (status) and DR7
 * (control, 17.2.4), the debug exception #DB (17.3), EFLAGS.TF single-step
 * (17.3.1.4) and EFLAGS.RF (17.3.1.1).
 *
 * They share the run loop's debug hook with the gdbstub (gdb.c): while
 * anything below is armed, cpu->debug_flags is nonzero and the loop calls
 * x86_debug_check() at every block start.
 *   - Instruction breakpoints (R/W = 00): blocks end before them (like
 *     gdb's), and the check raises the #DB fault there unless RF is set.
 *   - Data breakpoints (R/W = 01 write, 11 read/write): TLB entries of a
 *     page holding one take the slow path (mmu.c), which calls
 *     x86_debug_watch_access(); a hit ends the block after the
 *     instruction and the check delivers the #DB trap.
 *   - TF: instructions run one per block; after each one that completes,
 *     the check delivers the #DB trap with DR6.BS.
 * Deviation: I/O breakpoints (R/W = 10, with CR4.DE), DR7.GD (general
 *   detect), the task-switch trap (T bit) and BTF are not modelled; an
 *   exception does not set RF in the EFLAGS image it pushes, so an
 *   instruction breakpoint on a faulting instruction hits again after the
 *   fault handler returns; a single-step trap is also reported after INT n.
 */
#include "target/i386/mem.h"

#define DR6_BS      (1u << 14)
#define DR6_FIXED1  0xffff0ff0u

static unsigned dr7_rw(uint64_t dr7, int n)
{
    return (dr7 >> (16 + 4 * n)) & 3;
}

/* Bytes covered by breakpoint @n: 1, 2, 8 (encoding 10) or 4. */
static unsigned dr7_len(uint64_t dr7, int n)
{
    static const uint8_t len[4] = { 1, 2, 8, 4 };
    return len[(dr7 >> (18 + 4 * n)) & 3];
}

static bool dr7_enabled(uint64_t dr7, int n)
{
    return (dr7 >> (2 * n)) & 3;
}

/* Recompute which guest breakpoints are armed (after DR0-3 or DR7). */
void x86_debug_dr_changed(X86CPU *cpu)
{
    uint32_t exec = 0, watch = 0;

    for (int n = 0; n < 4; n++) {
        if (!dr7_enabled(cpu->dr[7], n)) {
            continue;
        }
        if (dr7_rw(cpu->dr[7], n) == 0) {
            exec |= 1u << n;
        } else if (dr7_rw(cpu->dr[7], n) != 2) {
            watch |= 1u << n;
        }
    }
    if (exec != cpu->dr_exec || exec) {
        x86_bc_flush(cpu);      /* blocks must end at the new addresses */
    }
    cpu->dr_exec = exec;
    cpu->dr_watch = watch;
    x86_tlb_flush(cpu, true);   /* watched pages take the slow path */
    x86_debug_update_flags(cpu);
}

bool x86_debug_dr_exec_at(X86CPU *cpu, uint64_t lin, uint32_t *hits)
{
    uint32_t h = 0;

    for (int n = 0; n < 4; n++) {
        if ((cpu->dr_exec & (1u << n)) &&
            (cpu->dr[n] & cpu->lin_mask) == lin) {
            h |= 1u << n;
        }
    }
    if (hits) {
        *hits = h;
    }
    return h != 0;
}

/* Does the page at @page hold a data breakpoint for accesses @acc? */
bool x86_debug_watch_page(X86CPU *cpu, uint64_t page, int acc)
{
    for (int n = 0; n < 4; n++) {
        uint64_t a = cpu->dr[n] & cpu->lin_mask;
        unsigned len = dr7_len(cpu->dr[7], n);
        if (!(cpu->dr_watch & (1u << n)) ||
            (acc == ACC_READ && dr7_rw(cpu->dr[7], n) == 1)) {
            continue;
        }
        if (((a & ~(uint64_t)(len - 1)) & ~0xfffull) == page) {
            return true;
        }
    }
    return false;
}

void x86_debug_watch_access(X86CPU *cpu, uint64_t lin, unsigned size,
                            bool is_write)
{
    for (int n = 0; n < 4; n++) {
        unsigned len = dr7_len(cpu->dr[7], n);
        uint64_t a = cpu->dr[n] & cpu->lin_mask & ~(uint64_t)(len - 1);
        if (!(cpu->dr_watch & (1u << n)) ||
            (!is_write && dr7_rw(cpu->dr[7], n) == 1)) {
            continue;
        }
        if (lin < a + len && a < lin + size) {
            cpu->dr_hits |= 1u << n;
            cpu->debug_flags |= X86_DEBUG_DB_PENDING;
            x86_stop_block(cpu);
        }
    }
}

/* EFLAGS.TF may have become set (flags.c): run one instruction a block. */
void x86_debug_tf_set(X86CPU *cpu)
{
    cpu->debug_flags |= X86_DEBUG_TF;
    x86_stop_block(cpu);
    x86_jc_flush(cpu);
}

void x86_debug_update_flags(X86CPU *cpu)
{
    cpu->debug_flags =
        (cpu->n_breakpoints || cpu->dr_exec ? X86_DEBUG_BP : 0) |
        (cpu->debug_step ? X86_DEBUG_STEP : 0) |
        (cpu->eflags & EF_TF ? X86_DEBUG_TF : 0) |
        (cpu->dr_watch ? X86_DEBUG_WATCH : 0) |
        (cpu->dr_hits ? X86_DEBUG_DB_PENDING : 0) |
        (cpu->tf_armed ? X86_DEBUG_TF : 0);
}

/* Deliver a #DB trap (after the instruction) with these DR6 bits. */
static void debug_trap(X86CPU *cpu, uint32_t dr6_bits)
{
    cpu->dr[6] = (cpu->dr[6] & ~0xfull) | DR6_FIXED1 | dr6_bits;
    x86_deliver_interrupt(cpu, EXCP_DB, false, false, 0, cpu->regs[R_RIP]);
}

/*
 * The guest side of x86_debug_check(), at a block start: traps owed by
 * the instruction that just ran, then an instruction breakpoint here (a
 * fault: raised, not returned from), then arming TF for the next one.
 */
void x86_debug_guest_check(X86CPU *cpu, uint64_t lin)
{
    uint32_t hits, bits = 0;

    if (cpu->tf_armed) {
        cpu->tf_armed = false;
        if (cpu->retired != cpu->tf_retired) {
            bits |= DR6_BS;
        }
    }
    if (cpu->dr_hits) {
        bits |= cpu->dr_hits;
        cpu->dr_hits = 0;
    }
    if (bits) {
        debug_trap(cpu, bits);
        lin = (cpu->seg[R_CS].base + cpu->regs[R_RIP]) & cpu->lin_mask;
    }
    if (cpu->dr_exec && !(cpu->eflags & EF_RF) &&
        x86_debug_dr_exec_at(cpu, lin, &hits)) {
        cpu->dr[6] = (cpu->dr[6] & ~0xfull) | DR6_FIXED1 | hits;
        x86_debug_update_flags(cpu);
        x86_raise(cpu, EXCP_DB, 0);
    }
    /* RF lets exactly one instruction pass its breakpoint. */
    cpu->eflags &= ~EF_RF;
    if (cpu->eflags & EF_TF) {
        cpu->tf_armed = true;
        cpu->tf_retired = cpu->retired;
    }
    x86_debug_update_flags(cpu);
}
