/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hardware task switching (SDM vol. 3A ch. 7): JMP or CALL to a TSS
 * descriptor or task gate, interrupts and exceptions through task gates,
 * and IRET with EFLAGS.NT (return to the previous task).  Follows the
 * steps of 7.3: checks on the new TSS descriptor, saving the current state
 * in the old TSS, busy flags and the previous-task link, CR0.TS, then the
 * new CR3, LDTR, EFLAGS, EIP, general and segment registers.
 * 16-bit TSSs (7.6, the 80286 format) are switched the same way: no CR3,
 * FS or GS, 16-bit IP, FLAGS and registers.
 * The T flag of a 32-bit TSS (offset 64h bit 0) owes a #DB trap with
 * DR6.BT once the switch to it completes (SDM vol. 3B 17.3.1.5).
 * Faults loading the new task's segment registers are #TS, or #NP/#SS
 * for a segment that is only not present (table 7-1).
 * Deviation: a 16-bit task leaves the upper halves of the general
 * registers as they were, and gets null FS and GS.
 */
#include <stdio.h>

#include "target/i386/ops.h"

enum { TS_JMP = 0, TS_CALL = 1, TS_INT = 2, TS_IRET = 3 };

static const int tss_segs[6] = { R_ES, R_CS, R_SS, R_DS, R_FS, R_GS };

static void set_busy(X86CPU *cpu, uint16_t sel, bool busy)
{
    uint64_t addr = cpu->gdt.base + (sel & ~7u) + 4;
    uint32_t d1 = x86_ld_sys(cpu, addr, 4);
    d1 = busy ? d1 | (2u << 8) : d1 & ~(2u << 8);
    x86_st_sys(cpu, addr, d1, 4);
}

/* Offsets of the fields that differ between the 32-bit TSS (7.2.1) and
 * the 16-bit TSS (7.6). */
typedef struct TssLayout {
    unsigned eip, eflags, regs, segs, ldt, width, nsegs, limit;
} TssLayout;

static const TssLayout tss32 = { 0x20, 0x24, 0x28, 0x48, 0x60, 4, 6, 0x67 };
static const TssLayout tss16 = { 0x0e, 0x10, 0x12, 0x22, 0x2a, 2, 4, 0x2b };

static void save_state(X86CPU *cpu, uint64_t tss, uint32_t eflags,
                       const TssLayout *t)
{
    static const int gpr[8] = { R_EAX, R_ECX, R_EDX, R_EBX,
                                R_ESP, R_EBP, R_ESI, R_EDI };
    if (t == &tss16) {
        x86_st_sys(cpu, tss + t->eip, cpu->regs[R_RIP], 2);
        x86_st_sys(cpu, tss + t->eflags, eflags, 2);
        for (int k = 0; k < 8; k++) {
            x86_st_sys(cpu, tss + t->regs + k * 2, cpu->regs[gpr[k]], 2);
        }
        for (int k = 0; k < 4; k++) {
            x86_st_sys(cpu, tss + t->segs + k * 2,
                       cpu->seg[tss_segs[k]].sel, 2);
        }
        return;
    }
    x86_st_sys(cpu, tss + 0x20, cpu->regs[R_RIP], 4);
    x86_st_sys(cpu, tss + 0x24, eflags, 4);
    for (int k = 0; k < 8; k++) {
        x86_st_sys(cpu, tss + 0x28 + k * 4, cpu->regs[gpr[k]], 4);
    }
    for (int k = 0; k < 6; k++) {
        x86_st_sys(cpu, tss + 0x48 + k * 4, cpu->seg[tss_segs[k]].sel, 2);
    }
}

/*
 * The checks of 7.3 step 13 (table 7-1) on the new task's SS and data
 * segment selectors, made before each is loaded so that a bad one is
 * #TS(selector), or #SS / #NP when it is only not present, rather than
 * the #GP a MOV to the register would raise.  A null data selector is
 * fine; a null SS is not.
 */
static void check_task_seg(X86CPU *cpu, int seg, uint16_t sel)
{
    unsigned cpl = cpu->cpl, rpl = sel & 3, dpl;
    uint32_t d[2], err = sel & ~3u;
    bool code;

    if (err == 0 && seg != R_SS) {
        return;
    }
    if (err == 0 || !x86_desc_fetch(cpu, sel, d, EXCP_TS) ||
        !(d[1] & DESC_S)) {
        x86_raise(cpu, EXCP_TS, err);
    }
    dpl = (d[1] >> DESC_DPL_SHIFT) & 3;
    code = d[1] & DESC_CODE;
    if (seg == R_SS) {
        if (code || !(d[1] & DESC_RW) || rpl != cpl || dpl != cpl) {
            x86_raise(cpu, EXCP_TS, err);
        }
        if (!(d[1] & DESC_P)) {
            x86_raise(cpu, EXCP_SS, err);
        }
        return;
    }
    if ((code && !(d[1] & DESC_RW)) ||
        ((!code || !(d[1] & DESC_CE)) && (dpl < cpl || dpl < rpl))) {
        x86_raise(cpu, EXCP_TS, err);
    }
    if (!(d[1] & DESC_P)) {
        x86_raise(cpu, EXCP_NP, err);
    }
}

static void load_segments(X86CPU *cpu, const uint16_t sel[6])
{
    uint32_t d[2];
    unsigned dpl;

    if (cpu->eflags & EF_VM) {
        for (int k = 0; k < 6; k++) {
            x86_seg_load_real(cpu, tss_segs[k], sel[k]);
        }
        return;
    }
    if ((sel[1] & ~3u) == 0 || !x86_desc_fetch(cpu, sel[1], d, EXCP_TS) ||
        !(d[1] & DESC_S) || !(d[1] & DESC_CODE)) {
        x86_raise(cpu, EXCP_TS, sel[1] & ~3u);
    }
    /* CS: the new CPL is its RPL; DPL must equal it (conforming: not
     * exceed it). */
    dpl = (d[1] >> DESC_DPL_SHIFT) & 3;
    if ((d[1] & DESC_CE) ? dpl > (sel[1] & 3u) : dpl != (sel[1] & 3u)) {
        x86_raise(cpu, EXCP_TS, sel[1] & ~3u);
    }
    if (!(d[1] & DESC_P)) {
        x86_raise(cpu, EXCP_NP, sel[1] & ~3u);
    }
    x86_set_cpl(cpu, sel[1] & 3);
    x86_seg_load_desc(cpu, R_CS, sel[1], d);
    for (int k = 0; k < 5; k++) {
        static const int order[5] = { 2, 0, 3, 4, 5 };  /* SS, then data */
        int n = order[k];
        check_task_seg(cpu, tss_segs[n], sel[n]);
        x86_seg_load(cpu, tss_segs[n], sel[n]);
    }
}

static void load_state(X86CPU *cpu, uint16_t ldt, const uint32_t regs[8],
                       uint32_t eflags, uint32_t eip, const uint16_t sel[6],
                       bool t16)
{
    static const int gpr[8] = { R_EAX, R_ECX, R_EDX, R_EBX,
                                R_ESP, R_EBP, R_ESI, R_EDI };
    uint32_t d[2];

    for (int k = 0; k < 8; k++) {
        if (t16) {
            cpu->regs[gpr[k]] = (cpu->regs[gpr[k]] & ~0xffffull) | regs[k];
        } else {
            cpu->regs[gpr[k]] = regs[k];
        }
    }
    cpu->regs[R_RIP] = eip;
    x86_eflags_set(cpu, eflags, ~0u);
    x86_update_mode(cpu);
    if ((ldt & ~3u) == 0) {
        x86_seg_set_cache(cpu, R_LDTR, ldt, 0, 0, 0);
    } else if (!(ldt & 4) && x86_desc_fetch(cpu, ldt, d, EXCP_TS) &&
               !(d[1] & DESC_S) && ((d[1] >> 8) & 0xf) == 2 &&
               (d[1] & DESC_P)) {
        x86_seg_load_desc(cpu, R_LDTR, ldt, d);
    } else {
        x86_raise(cpu, EXCP_TS, ldt & ~3u);
    }
    load_segments(cpu, sel);
}

/* The new task's state, read in full before anything changes. */
typedef struct TaskState {
    uint32_t regs[8], eflags, eip, cr3;
    uint16_t segsel[6], ldt;
} TaskState;

static void read_state(X86CPU *cpu, uint64_t tss, const TssLayout *t,
                       TaskState *ts)
{
    unsigned w = t->width;

    ts->cr3 = t == &tss32 ? x86_ld_sys(cpu, tss + 0x1c, 4) : 0;
    ts->eip = x86_ld_sys(cpu, tss + t->eip, w);
    ts->eflags = x86_ld_sys(cpu, tss + t->eflags, w);
    for (int k = 0; k < 8; k++) {
        ts->regs[k] = x86_ld_sys(cpu, tss + t->regs + k * w, w);
    }
    memset(ts->segsel, 0, sizeof(ts->segsel));     /* 16-bit: FS, GS null */
    for (unsigned k = 0; k < t->nsegs; k++) {
        ts->segsel[k] = x86_ld_sys(cpu, tss + t->segs + k * w, 2);
    }
    ts->ldt = x86_ld_sys(cpu, tss + t->ldt, 2);
}

/* The TSS descriptor for @sel (through a task gate), checked as 7.3
 * steps 1-4; returns its layout. */
static const TssLayout *check_tss(X86CPU *cpu, uint16_t *sel, int reason,
                                  uint32_t d[2])
{
    unsigned type;

    if ((*sel & 4) || !x86_desc_fetch(cpu, *sel, d, EXCP_GP)) {
        x86_raise(cpu, reason == TS_IRET ? EXCP_TS : EXCP_GP, *sel & ~3u);
    }
    type = (d[1] >> 8) & 0x1f;
    if (type == 0x05) {         /* task gate: its TSS selector */
        *sel = d[0] >> 16;
        if ((*sel & 4) || !x86_desc_fetch(cpu, *sel, d, EXCP_GP)) {
            x86_raise(cpu, EXCP_GP, *sel & ~3u);
        }
        type = (d[1] >> 8) & 0x1f;
    } else if (reason <= TS_CALL &&
               ((d[1] >> DESC_DPL_SHIFT) & 3) < cpu->cpl) {
        x86_raise(cpu, EXCP_GP, *sel & ~3u);
    }
    /* 32-bit TSS: 9 available, 0Bh busy; 16-bit: 1 and 3. */
    if ((type & ~8u) != (reason == TS_IRET ? 3u : 1u)) {
        x86_raise(cpu, reason == TS_IRET ? EXCP_TS : EXCP_GP, *sel & ~3u);
    }
    if (!(d[1] & DESC_P)) {
        x86_raise(cpu, EXCP_NP, *sel & ~3u);
    }
    if (x86_desc_limit(d) < ((type & 8) ? tss32.limit : tss16.limit)) {
        x86_raise(cpu, EXCP_TS, *sel & ~3u);
    }
    return (type & 8) ? &tss32 : &tss16;
}

void x86_task_switch(X86CPU *cpu, uint16_t sel, int reason, bool has_err,
                     uint32_t err)
{
    uint32_t d[2];
    uint16_t old_tr = cpu->seg[R_TR].sel;
    uint64_t old_tss = cpu->seg[R_TR].base, new_tss;
    uint32_t old_flags = x86_eflags_get(cpu);
    const TssLayout *old_t = ((cpu->seg[R_TR].flags >> 8) & 8) ? &tss32
                                                                : &tss16;
    const TssLayout *t = check_tss(cpu, &sel, reason, d);
    TaskState ts;

    new_tss = (d[0] >> 16) | ((d[1] & 0xff) << 16) | (d[1] & 0xff000000u);
    read_state(cpu, new_tss, t, &ts);

    if (reason == TS_JMP || reason == TS_IRET) {
        set_busy(cpu, old_tr, false);
    }
    save_state(cpu, old_tss, reason == TS_IRET ? old_flags & ~EF_NT
                                              : old_flags, old_t);
    cpu->soft_int_rewind = false;   /* later faults belong to the new task */
    if (reason == TS_CALL || reason == TS_INT) {
        x86_st_sys(cpu, new_tss, old_tr, 2);
        ts.eflags |= EF_NT;
    }
    if (reason != TS_IRET) {
        set_busy(cpu, sel, true);
        d[1] |= 2u << 8;
    }
    x86_seg_load_desc(cpu, R_TR, sel, d);
    cpu->cr0 |= CR0_TS;
    if ((cpu->cr0 & CR0_PG) && t == &tss32) {
        x86_set_cr3(cpu, ts.cr3);
    }
    load_state(cpu, ts.ldt, ts.regs, ts.eflags, ts.eip, ts.segsel,
               t == &tss16);
    if (has_err) {
        x86_push(cpu, err, t->width);
    }
    if (t == &tss32 && (x86_ld_sys(cpu, new_tss + 0x64, 2) & 1)) {
        x86_debug_task_trap(cpu);
    }
    x86_stop_block(cpu);
}
