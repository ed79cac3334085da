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
 *   - I/O breakpoints (R/W = 10, only while CR4.DE is set, 17.2.4, 17.2.5):
 *     IN, OUT, INS and OUTS call x86_debug_io_access() after the access
 *     while cpu->dr_io is nonzero; a hit is owed as a data breakpoint's.
 *     With CR4.DE clear, R/W = 10 is "undefined" (17.2.4): such a
 *     breakpoint never fires, and MOV to DR7 accepts it.
 *   - TF: instructions run one per block; after each one that completes,
 *     the check delivers the #DB trap with DR6.BS.
 *   - DR7.GD (general detect, 17.3.1.2): a MOV to or from any DRn while it
 *     is set is a #DB fault with DR6.BD; delivering any #DB but INT 1
 *     clears GD so the handler can read DR6 (excp.c).
 *   - INT1 (F1) raises #DB through excp.c as a trap, DR6 unchanged.
 *   - The task-switch trap (17.3.1.5): task.c calls x86_debug_task_trap()
 *     and the trap, with DR6.BT, is owed as a data breakpoint's.
 *   - No single-step trap follows INT n, INT3, INTO or INT1 (excp.c).
 *   - MOV SS and POP SS hold the debug traps they owe (single-step, data
 *     and I/O breakpoints) until after the next instruction (vol. 3A
 *     6.8.3), so a handler never runs on a stack half switched.
 *     Deviation: an instruction breakpoint on that next instruction is
 *     not checked.
 * Deviation: BTF (single-step on branches) is not modelled.
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

/*
 * Data breakpoints are "watch slots": 0-3 are DR0-DR3 as DR7 arms them,
 * 4-7 the debugger's watchpoints (x86_cpu_watchpoint_insert()).  A slot
 * covers [addr, addr + len) and fires on writes (WATCH_WRITE), reads
 * (WATCH_READ, debugger only) or both.
 */
#define GDB_SLOT0 4

static bool watch_slot(X86CPU *cpu, int n, uint64_t *addr, uint64_t *len,
                       unsigned *kind)
{
    if (!(cpu->dr_watch & (1u << n))) {
        return false;
    }
    if (n < GDB_SLOT0) {
        *len = dr7_len(cpu->dr[7], n);
        *addr = cpu->dr[n] & cpu->lin_mask & ~(*len - 1);
        *kind = dr7_rw(cpu->dr[7], n) == 1 ? X86_WATCH_WRITE
                                            : X86_WATCH_ACCESS;
    } else {
        *addr = cpu->gdb_watch[n - GDB_SLOT0].addr;
        *len = cpu->gdb_watch[n - GDB_SLOT0].len;
        *kind = cpu->gdb_watch[n - GDB_SLOT0].kind;
    }
    return true;
}

/* Recompute which breakpoints are armed (after DR0-3, DR7 or the
 * debugger's watchpoints changed). */
void x86_debug_dr_changed(X86CPU *cpu)
{
    uint32_t exec = 0, io = 0, watch = cpu->dr_watch & ~0xfu;

    for (int n = 0; n < 4; n++) {
        if (!dr7_enabled(cpu->dr[7], n)) {
            continue;
        }
        if (dr7_rw(cpu->dr[7], n) == 0) {
            exec |= 1u << n;
        } else if (dr7_rw(cpu->dr[7], n) != 2) {
            watch |= 1u << n;
        } else {
            io |= 1u << n;
        }
    }
    cpu->dr_io = io;
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
    unsigned want = acc == ACC_READ ? X86_WATCH_READ : X86_WATCH_WRITE;
    uint64_t addr, len;
    unsigned kind;

    for (int n = 0; n < 8; n++) {
        if (watch_slot(cpu, n, &addr, &len, &kind) && (kind & want) &&
            addr < page + 0x1000 && page < addr + len) {
            return true;
        }
    }
    return false;
}

void x86_debug_watch_access(X86CPU *cpu, uint64_t lin, unsigned size,
                            bool is_write)
{
    unsigned want = is_write ? X86_WATCH_WRITE : X86_WATCH_READ;
    uint64_t addr, len;
    unsigned kind;

    for (int n = 0; n < 8; n++) {
        if (!watch_slot(cpu, n, &addr, &len, &kind) || !(kind & want) ||
            lin >= addr + len || addr >= lin + size) {
            continue;
        }
        if (n < GDB_SLOT0) {
            cpu->dr_hits |= 1u << n;
        } else if (!cpu->gdb_watch_hit) {
            cpu->gdb_watch_hit = n - GDB_SLOT0 + 1;
            cpu->gdb_watch_hit_kind = want;
        }
        cpu->debug_flags |= X86_DEBUG_DB_PENDING;
        x86_stop_block(cpu);
    }
}

bool x86_cpu_watchpoint_insert(X86CPU *cpu, uint64_t addr, uint64_t len,
                               X86WatchKind kind)
{
    int free_slot = -1;

    if (len == 0 || len > 0x1000 || !(kind & X86_WATCH_ACCESS)) {
        return false;
    }
    for (int k = 0; k < X86_GDB_WATCH_SLOTS; k++) {
        X86GdbWatch *w = &cpu->gdb_watch[k];
        bool used = cpu->dr_watch & (1u << (GDB_SLOT0 + k));
        if (used && w->addr == addr && w->len == len && w->kind == kind) {
            return true;
        }
        if (!used && free_slot < 0) {
            free_slot = k;
        }
    }
    if (free_slot < 0) {
        return false;
    }
    cpu->gdb_watch[free_slot] = (X86GdbWatch){ addr, len, kind };
    cpu->dr_watch |= 1u << (GDB_SLOT0 + free_slot);
    x86_debug_dr_changed(cpu);
    return true;
}

bool x86_cpu_watchpoint_remove(X86CPU *cpu, uint64_t addr, uint64_t len,
                               X86WatchKind kind)
{
    for (int k = 0; k < X86_GDB_WATCH_SLOTS; k++) {
        X86GdbWatch *w = &cpu->gdb_watch[k];
        if ((cpu->dr_watch & (1u << (GDB_SLOT0 + k))) && w->addr == addr &&
            w->len == len && w->kind == kind) {
            cpu->dr_watch &= ~(1u << (GDB_SLOT0 + k));
            x86_debug_dr_changed(cpu);
            return true;
        }
    }
    return false;
}

void x86_cpu_watchpoint_remove_all(X86CPU *cpu)
{
    cpu->dr_watch &= 0xfu;
    x86_debug_dr_changed(cpu);
}

bool x86_cpu_debug_watch_hit(X86CPU *cpu, uint64_t *addr,
                             X86WatchKind *kind)
{
    if (!cpu->gdb_watch_hit) {
        return false;
    }
    *addr = cpu->gdb_watch[cpu->gdb_watch_hit - 1].addr;
    *kind = cpu->gdb_watch[cpu->gdb_watch_hit - 1].kind == X86_WATCH_ACCESS
            ? X86_WATCH_ACCESS : cpu->gdb_watch_hit_kind;
    return true;
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
        (cpu->dr_hits || cpu->gdb_watch_hit ? X86_DEBUG_DB_PENDING : 0) |
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

    if (cpu->db_shadow) {
        cpu->db_shadow = false;
        if (cpu->regs[R_RIP] == cpu->db_shadow_eip) {
            /* Just after MOV/POP SS: its traps wait one instruction. */
            cpu->eflags &= ~EF_RF;
            x86_debug_update_flags(cpu);
            return;
        }
    }
    if (cpu->tf_armed) {
        cpu->tf_armed = false;
        if (cpu->retired != cpu->tf_retired) {
            bits |= DR6_BS;
        }
    }
    if (cpu->dr_hits) {
        bits |= cpu->dr_hits;       /* B0-B3, and BT after a task switch */
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

/*
 * MOV to or from a debug register, after its #GP and #UD checks: with
 * DR7.GD set, a #DB fault at the MOV with DR6.BD (17.3.1.2).  As for
 * every fault but an instruction breakpoint, the EFLAGS image pushed has
 * RF set (17.3.1.1).
 */
void x86_debug_dr_access(X86CPU *cpu)
{
    if (likely(!(cpu->dr[7] & DR7_GD))) {
        return;
    }
    cpu->dr[6] = (cpu->dr[6] & ~0xfull) | DR6_FIXED1 | DR6_BD;
    cpu->eflags |= EF_RF;
    x86_raise(cpu, EXCP_DB, 0);
}

/*
 * An I/O instruction accessed ports [@port, +@size): an I/O breakpoint
 * whose ports (DRn aligned down to its length) overlap them is owed as a
 * #DB trap after the instruction, as a data breakpoint is (17.2.5).
 */
void x86_debug_io_access(X86CPU *cpu, uint16_t port, unsigned size)
{
    if (!(cpu->cr4 & CR4_DE)) {
        return;
    }
    for (int n = 0; n < 4; n++) {
        uint64_t len = dr7_len(cpu->dr[7], n);
        uint64_t addr = cpu->dr[n] & ~(len - 1);

        if ((cpu->dr_io & (1u << n)) && port < addr + len &&
            addr < (uint64_t)port + size) {
            cpu->dr_hits |= 1u << n;
            cpu->debug_flags |= X86_DEBUG_DB_PENDING;
            x86_stop_block(cpu);
        }
    }
}

/* The switch to a task whose TSS has T set is done: owe the #DB trap,
 * taken before the new task's first instruction (17.3.1.5). */
void x86_debug_task_trap(X86CPU *cpu)
{
    cpu->dr_hits |= DR6_BT;
    cpu->debug_flags |= X86_DEBUG_DB_PENDING;
}

void x86_debug_ss_shadow(X86CPU *cpu)
{
    cpu->db_shadow = true;
    cpu->db_shadow_eip = cpu->regs[R_RIP];
}
