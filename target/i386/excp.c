/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Exceptions and interrupts (SDM vol. 3A ch. 6): the one noreturn exit
 * x86_raise(), the double-fault rules of table 6-5 (contributory and page
 * faults) and the triple fault (shutdown: the machine is asked to reset),
 * delivery through the real-mode IVT, the protected-mode IDT (interrupt,
 * trap and task gates, privilege changes through the TSS, from virtual-8086
 * mode) and the 64-bit IDT (IST, 16-byte aligned stack), IRET, and the
 * alignment check (#AC).
 */
#include "target/i386/ops.h"
#include "target/i386/tb.h"

void x86_tss_stack(X86CPU *cpu, unsigned dpl, uint16_t *ss, uint64_t *sp);
void x86_load_inner_ss(X86CPU *cpu, uint16_t ss, unsigned cpl, int exc);
void x86_seg_validate_outer(X86CPU *cpu);

static bool has_error_code(int v)
{
    return v == EXCP_DF || (v >= EXCP_TS && v <= EXCP_PF) || v == EXCP_AC;
}

_Noreturn void x86_raise(X86CPU *cpu, int vector, uint32_t err)
{
    cpu->pending_excp = vector;
    cpu->pending_err = err;
    cpu->pending_has_err = has_error_code(vector);
    cpu->pending_soft = false;
    cpu->pending_icebp = false;
    siglongjmp(cpu->jmp, 1);
}

_Noreturn void x86_raise_noerr(X86CPU *cpu, int vector)
{
    x86_raise(cpu, vector, 0);
}

_Noreturn void x86_raise_soft_int(X86CPU *cpu, int vector)
{
    cpu->pending_excp = vector;
    cpu->pending_err = 0;
    cpu->pending_has_err = false;
    cpu->pending_soft = true;
    cpu->pending_icebp = false;
    siglongjmp(cpu->jmp, 1);
}

/*
 * INT1 (F1, "ICEBP"): a #DB trap after the instruction, left with the
 * next EIP as INT n is, and reported at the instruction if its delivery
 * faults; but it is not a software interrupt for the gate DPL check,
 * sets EXT in the error codes of such faults and leaves DR6 alone
 * (SDM vol. 2A "INT n/INTO/INT3/INT1", vol. 3A 6.12.1.1, 6.13).
 */
_Noreturn void x86_raise_icebp(X86CPU *cpu)
{
    cpu->pending_excp = EXCP_DB;
    cpu->pending_err = 0;
    cpu->pending_has_err = false;
    cpu->pending_soft = true;
    cpu->pending_icebp = true;
    siglongjmp(cpu->jmp, 1);
}

/*
 * Alignment checking (SDM vol. 3A 6.15 "Interrupt 17", table 6-7): words,
 * doublewords and quadwords must be aligned to their size.  Aligned
 * accesses never get here: only the TLB slow path and locked accesses,
 * which see every misaligned one, call this.
 */
void x86_alignment_check(X86CPU *cpu, uint64_t lin, unsigned size)
{
    if (cpu->cpl == 3 && (cpu->cr0 & CR0_AM) && (cpu->eflags & EF_AC) &&
        (size & (size - 1)) == 0 && (lin & (size - 1))) {
        x86_raise(cpu, EXCP_AC, 0);
    }
}

static void push_sys(X86CPU *cpu, uint64_t *sp, uint64_t smask,
                     uint64_t v, unsigned size)
{
    *sp = (*sp - size) & smask;
    x86_st_lin(cpu, (cpu->seg[R_SS].base + *sp) & cpu->lin_mask, v, size);
}

static void deliver_real(X86CPU *cpu, int vec, uint64_t next_eip)
{
    uint32_t flags = x86_eflags_get(cpu);
    uint16_t ip, cs;

    if ((uint32_t)vec * 4 + 3 > cpu->idt.limit) {
        x86_raise(cpu, EXCP_GP, vec * 8 + 2);
    }
    ip = x86_ld_sys(cpu, cpu->idt.base + vec * 4, 2);
    cs = x86_ld_sys(cpu, cpu->idt.base + vec * 4 + 2, 2);
    x86_push(cpu, flags, 2);
    x86_push(cpu, cpu->seg[R_CS].sel, 2);
    x86_push(cpu, next_eip, 2);
    cpu->eflags &= ~(EF_IF | EF_TF | EF_AC | EF_RF);
    x86_seg_load_real(cpu, R_CS, cs);
    cpu->regs[R_RIP] = ip;
}

typedef struct Gate {
    unsigned type, dpl, ist;
    uint16_t sel;
    uint64_t off;
} Gate;

static void read_idt_gate(X86CPU *cpu, int vec, bool soft, uint32_t ext,
                          Gate *g)
{
    unsigned esz = cpu->long_mode ? 16 : 8;
    uint32_t err = vec * 8 + 2 + ext;
    uint32_t lo, hi;

    if ((uint32_t)vec * esz + esz - 1 > cpu->idt.limit) {
        x86_raise(cpu, EXCP_GP, err);
    }
    lo = x86_ld_sys(cpu, cpu->idt.base + vec * esz, 4);
    hi = x86_ld_sys(cpu, cpu->idt.base + vec * esz + 4, 4);
    g->type = (hi >> 8) & 0x1f;
    g->dpl = (hi >> 13) & 3;
    g->sel = lo >> 16;
    g->off = (lo & 0xffff) | (hi & 0xffff0000u);
    g->ist = cpu->long_mode ? hi & 7 : 0;
    if (cpu->long_mode) {
        g->off |= (uint64_t)x86_ld_sys(cpu, cpu->idt.base + vec * 16 + 8, 4)
                  << 32;
        if (g->type != 0xe && g->type != 0xf) {
            x86_raise(cpu, EXCP_GP, err);
        }
    } else if (g->type != 0x5 && g->type != 0x6 && g->type != 0x7 &&
               g->type != 0xe && g->type != 0xf) {
        x86_raise(cpu, EXCP_GP, err);
    }
    if (soft && g->dpl < cpu->cpl) {
        x86_raise(cpu, EXCP_GP, err);
    }
    if (!(hi & DESC_P)) {
        x86_raise(cpu, EXCP_NP, err);
    }
}

static void deliver_protected(X86CPU *cpu, int vec, bool soft, bool has_err,
                              uint32_t err, uint64_t next_eip)
{
    uint32_t ext = soft ? 0 : 1, d[2];
    uint32_t flags = x86_eflags_get(cpu);
    bool from_vm86 = cpu->eflags & EF_VM, lm = cpu->long_mode;
    uint64_t old_sp = cpu->regs[R_ESP], sp, smask;
    uint16_t old_ss = cpu->seg[R_SS].sel, old_cs = cpu->seg[R_CS].sel;
    unsigned dpl, gsize;
    bool switched = false;
    Gate g;

    read_idt_gate(cpu, vec, soft, ext, &g);
    if (g.type == 0x5) {
        x86_task_switch(cpu, g.sel, 2, has_err, err);
        return;
    }
    gsize = lm ? 8 : (g.type & 8) ? 4 : 2;
    if ((g.sel & ~3u) == 0 || !x86_desc_fetch(cpu, g.sel, d, EXCP_GP)) {
        x86_raise(cpu, EXCP_GP, (g.sel & ~3u) + ext);
    }
    dpl = (d[1] >> DESC_DPL_SHIFT) & 3;
    if (!(d[1] & DESC_S) || !(d[1] & DESC_CODE) || dpl > cpu->cpl ||
        (lm && (!(d[1] & DESC_L) || (d[1] & DESC_B)))) {
        x86_raise(cpu, EXCP_GP, (g.sel & ~3u) + ext);
    }
    if (!(d[1] & DESC_P)) {
        x86_raise(cpu, EXCP_NP, (g.sel & ~3u) + ext);
    }
    if (d[1] & DESC_CE) {
        dpl = cpu->cpl;
    }
    if (from_vm86 && dpl != 0) {
        x86_raise(cpu, EXCP_GP, (g.sel & ~3u) + ext);
    }
    if (dpl < cpu->cpl || g.ist) {
        uint16_t nss;
        uint64_t nsp;
        if (g.ist) {
            nsp = x86_ld_sys(cpu, cpu->seg[R_TR].base + 0x1c + (g.ist - 1) * 8,
                             8);
            nss = dpl;
        } else {
            x86_tss_stack(cpu, dpl, &nss, &nsp);
        }
        if (dpl < cpu->cpl) {
            x86_load_inner_ss(cpu, lm ? dpl : nss, dpl, EXCP_TS);
        }
        switched = dpl < cpu->cpl;
        sp = nsp;
    } else {
        sp = old_sp;
    }
    smask = lm ? ~0ull : (cpu->seg[R_SS].flags & DESC_B) ? 0xffffffff : 0xffff;
    if (lm) {
        sp &= ~15ull;
    }
    x86_set_cpl(cpu, dpl);
    if (from_vm86) {
        push_sys(cpu, &sp, smask, cpu->seg[R_GS].sel, gsize);
        push_sys(cpu, &sp, smask, cpu->seg[R_FS].sel, gsize);
        push_sys(cpu, &sp, smask, cpu->seg[R_DS].sel, gsize);
        push_sys(cpu, &sp, smask, cpu->seg[R_ES].sel, gsize);
    }
    if (lm || switched) {
        push_sys(cpu, &sp, smask, old_ss, gsize);
        push_sys(cpu, &sp, smask, old_sp, gsize);
    }
    push_sys(cpu, &sp, smask, flags, gsize);
    push_sys(cpu, &sp, smask, old_cs, gsize);
    push_sys(cpu, &sp, smask, next_eip, gsize);
    if (has_err) {
        push_sys(cpu, &sp, smask, err, gsize);
    }
    if (from_vm86) {
        for (int s = R_ES; s <= R_GS; s++) {
            if (s != R_CS && s != R_SS) {
                x86_seg_set_cache(cpu, s, 0, 0, 0, 0);
            }
        }
    }
    x86_reg_write(cpu, R_ESP * 8, sp, smask == 0xffff ? 2 : lm ? 8 : 4);
    cpu->eflags &= ~(EF_TF | EF_NT | EF_RF | EF_VM);
    if (!(g.type & 1)) {
        cpu->eflags &= ~EF_IF;
    }
    x86_seg_load_desc(cpu, R_CS, (g.sel & ~3u) | dpl, d);
    cpu->regs[R_RIP] = gsize == 2 ? g.off & 0xffff : g.off;
}

/*
 * Deliver interrupt @vector: @soft for INT n/INT3/INTO (privilege-checked
 * against the gate DPL), @next_eip is the return address to push.
 */
void x86_deliver_interrupt(X86CPU *cpu, int vector, bool soft, bool has_err,
                           uint32_t err, uint64_t next_eip)
{
    cpu->halted = false;
    if (unlikely(cpu->log_mask & X86_LOG_INT)) {
        x86_log_interrupt(cpu, vector, soft, has_err, err);
    }
    if (!(cpu->cr0 & CR0_PE)) {
        deliver_real(cpu, vector, next_eip);
    } else {
        deliver_protected(cpu, vector, soft, has_err, err, next_eip);
    }
    if (vector == EXCP_DB && !soft) {
        cpu->dr[7] &= ~DR7_GD;  /* lets the handler use DRn (17.2.4) */
    }
    x86_stop_block(cpu);
}

/*
 * The fault-class exceptions (SDM vol. 3A table 6-1) whose pushed EFLAGS
 * image has RF set (vol. 3B 17.3.1.1), so that the faulting instruction,
 * restarted by IRET, does not hit its instruction breakpoint again.  #DB
 * is left out: here it is only raised for instruction breakpoints (the
 * handler sets RF itself), and traps, aborts and INT n push RF as it is.
 */
#define RF_FAULTS ((1u << EXCP_DE) | (1u << EXCP_BR) | (1u << EXCP_UD) | \
                   (1u << EXCP_NM) | (1u << EXCP_TS) | (1u << EXCP_NP) | \
                   (1u << EXCP_SS) | (1u << EXCP_GP) | (1u << EXCP_PF) | \
                   (1u << EXCP_MF) | (1u << EXCP_AC) | (1u << EXCP_XM) | \
                   (1u << 20) | (1u << 21))    /* #VE, #CP */

static bool sets_rf(int v, bool soft)
{
    return !soft && v >= 0 && v < 32 && (RF_FAULTS & (1u << v));
}

static int excp_class(int v)
{
    if (v == EXCP_DE || (v >= EXCP_TS && v <= EXCP_GP)) {
        return 1;
    }
    return v == EXCP_PF ? 2 : 0;
}

/*
 * Called by the run loop after x86_raise(): deliver cpu->pending_excp,
 * turning a fault during delivery into #DF and a fault during #DF into a
 * triple fault.  May itself raise (and be re-entered via the run loop).
 */
void x86_deliver_pending(X86CPU *cpu)
{
    int vec = cpu->pending_excp;
    uint32_t err = cpu->pending_err;
    bool has_err = cpu->pending_has_err, soft = cpu->pending_soft;
    bool icebp = cpu->pending_icebp;
    uint64_t ret_eip;

    cpu->pending_icebp = false;

    if (cpu->exc_depth) {
        int first = cpu->last_excp;
        /* INT n, INT3 or INTO faulted on its gate: the fault reports
         * the INT instruction itself (SDM vol. 3A 6.5, faults). */
        if (cpu->soft_int_rewind) {
            cpu->regs[R_RIP] = cpu->soft_int_eip &
                               (cpu->code_size == 2 ? 0xffff : ~0ull);
            cpu->soft_int_rewind = false;
        }
        if (first == EXCP_DF) {
            cpu->reset_requested = true;
            cpu->exc_depth = 0;
            cpu->plat.request_reset(cpu->plat.opaque);
            return;
        }
        if ((excp_class(first) == 1 && excp_class(vec) == 1) ||
            (excp_class(first) == 2 && excp_class(vec) != 0)) {
            vec = EXCP_DF, err = 0, has_err = true;
        }
    }
    ret_eip = cpu->regs[R_RIP];
    if (soft) {
        /* INT n, INT3, INTO, INT1: no single-step trap after them, the
         * handler starts with TF clear (SDM vol. 3B 17.3.1.4). */
        cpu->tf_armed = false;
    }
    cpu->exc_depth = 1;
    cpu->last_excp = soft ? -1 : vec;
    cpu->soft_int_rewind = soft;
    if (sets_rf(vec, soft)) {
        cpu->eflags |= EF_RF;       /* pushed, then cleared by delivery */
    }
    x86_deliver_interrupt(cpu, vec, soft && !icebp, has_err, err, ret_eip);
    cpu->soft_int_rewind = false;
    cpu->exc_depth = 0;
}

static void iret_real(X86CPU *cpu, unsigned opsize)
{
    uint64_t ip = x86_stack_peek(cpu, 0, opsize);
    uint16_t cs = x86_stack_peek(cpu, opsize, opsize);
    uint32_t fl = x86_stack_peek(cpu, 2 * opsize, opsize);
    uint32_t mask = CC_ALL | EF_TF | EF_IF | EF_DF | EF_NT | EF_IOPL;

    if (cpu->eflags & EF_VM) {
        if (((cpu->eflags & EF_IOPL) >> 12) < 3) {
            x86_raise(cpu, EXCP_GP, 0);
        }
        mask &= ~EF_IOPL;
    }
    if (opsize == 4) {
        mask |= EF_AC | EF_ID | EF_RF;
    }
    x86_stack_adjust(cpu, 3 * opsize);
    x86_seg_load_real(cpu, R_CS, cs);
    cpu->regs[R_RIP] = ip & x86_size_mask(opsize);
    x86_eflags_set(cpu, fl, mask);
}

static void iret_to_vm86(X86CPU *cpu, uint32_t eip, uint16_t cs, uint32_t fl)
{
    uint32_t esp = x86_stack_peek(cpu, 12, 4);
    uint16_t ss = x86_stack_peek(cpu, 16, 4);
    uint16_t es = x86_stack_peek(cpu, 20, 4), ds = x86_stack_peek(cpu, 24, 4);
    uint16_t fs = x86_stack_peek(cpu, 28, 4), gs = x86_stack_peek(cpu, 32, 4);

    x86_eflags_set(cpu, fl, ~0u);
    x86_set_cpl(cpu, 3);
    x86_seg_load_real(cpu, R_CS, cs);
    x86_seg_load_real(cpu, R_SS, ss);
    x86_seg_load_real(cpu, R_ES, es);
    x86_seg_load_real(cpu, R_DS, ds);
    x86_seg_load_real(cpu, R_FS, fs);
    x86_seg_load_real(cpu, R_GS, gs);
    cpu->regs[R_ESP] = esp;
    cpu->regs[R_RIP] = eip & 0xffff;
}

static void iret_any(X86CPU *cpu, unsigned opsize)
{
    uint64_t ip, sp = 0;
    uint16_t cs, ss = 0;
    uint32_t fl, d[2], mask;
    unsigned rpl, dpl, old_cpl = cpu->cpl;
    bool lm = cpu->long_mode, outer;

    if (!(cpu->cr0 & CR0_PE) || (cpu->eflags & EF_VM)) {
        iret_real(cpu, opsize);
        return;
    }
    if ((cpu->eflags & EF_NT) && !lm) {
        x86_task_switch(cpu, x86_ld_sys(cpu, cpu->seg[R_TR].base, 2), 3,
                        false, 0);
        return;
    }
    ip = x86_stack_peek(cpu, 0, opsize);
    cs = x86_stack_peek(cpu, opsize, opsize);
    fl = x86_stack_peek(cpu, 2 * opsize, opsize);
    if ((fl & EF_VM) && cpu->cpl == 0 && opsize == 4 && !lm) {
        iret_to_vm86(cpu, ip, cs, fl);
        return;
    }
    rpl = cs & 3;
    if ((cs & ~3u) == 0 || !x86_desc_fetch(cpu, cs, d, EXCP_GP)) {
        x86_raise(cpu, EXCP_GP, cs & ~3u);
    }
    dpl = (d[1] >> DESC_DPL_SHIFT) & 3;
    if (rpl < cpu->cpl || !(d[1] & DESC_S) || !(d[1] & DESC_CODE) ||
        ((d[1] & DESC_CE) ? dpl > rpl : dpl != rpl)) {
        x86_raise(cpu, EXCP_GP, cs & ~3u);
    }
    if (!(d[1] & DESC_P)) {
        x86_raise(cpu, EXCP_NP, cs & ~3u);
    }
    outer = rpl > cpu->cpl || (lm && cpu->code_size == 8);
    if (outer) {
        sp = x86_stack_peek(cpu, 3 * opsize, opsize);
        ss = x86_stack_peek(cpu, 4 * opsize, opsize);
    }
    mask = CC_ALL | EF_TF | EF_DF | EF_NT | EF_RF;
    if (opsize != 2) {
        mask |= EF_AC | EF_ID;
    }
    if (old_cpl == 0) {
        mask |= EF_IOPL | (opsize != 2 ? EF_VIF | EF_VIP : 0);
    }
    if (old_cpl <= ((cpu->eflags & EF_IOPL) >> 12)) {
        mask |= EF_IF;
    }
    if (!(lm && (d[1] & DESC_L)) && ip > x86_desc_limit(d)) {
        x86_raise(cpu, EXCP_GP, 0);
    }
    if (!outer) {
        x86_stack_adjust(cpu, 3 * opsize);
    }
    x86_set_cpl(cpu, rpl);
    x86_seg_load_desc(cpu, R_CS, cs, d);
    if (outer) {
        x86_load_inner_ss(cpu, ss, rpl, EXCP_GP);
        x86_reg_write(cpu, R_ESP * 8, sp,
                      opsize == 2 ? 2 : x86_stack_size(cpu) == 2 ? 2 :
                      opsize);
        if (rpl > old_cpl) {
            x86_seg_validate_outer(cpu);
        }
    }
    cpu->regs[R_RIP] = ip & x86_size_mask(opsize);
    x86_eflags_set(cpu, fl, mask);
}

/*
 * IRET, which also unblocks NMIs; RF, restored from the image, lets the instruction returned to pass
 * its breakpoint and is cleared once it completes (SDM vol. 3B 17.3.1.1).
 * With no breakpoint checked it has done its work at once.
 */
void x86_iret(X86CPU *cpu, unsigned opsize)
{
    /* The NMI handler's IRET ends NMI blocking, even if it faults (SDM
     * vol. 3A 6.7.1; vol. 3C 26.3.1.5 notes the fault case). */
    cpu->nmi_blocked = false;
    iret_any(cpu, opsize);
    if (!(cpu->debug_flags & X86_DEBUG_BP)) {
        cpu->eflags &= ~EF_RF;
    }
}
