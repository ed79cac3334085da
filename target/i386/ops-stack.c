/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The stack: PUSH, POP, PUSHA, POPA, PUSHF, POPF, ENTER, LEAVE, PUSH/POP of
 * segment registers (SDM vol. 2B), and the push/pop helpers every other
 * family uses.  The stack-address size is SS.B (16 or 32 bits) outside
 * 64-bit mode and 64 bits in it (SDM vol. 1 6.2.3).
 */
#include "target/i386/ops.h"

unsigned x86_stack_size(X86CPU *cpu)
{
    if (cpu->code_size == 8) {
        return 8;
    }
    return (cpu->seg[R_SS].flags & DESC_B) ? 4 : 2;
}

static void set_sp(X86CPU *cpu, uint64_t sp, unsigned ssize)
{
    if (ssize == 2) {
        x86_reg_write(cpu, R_ESP * 8, sp, 2);
    } else {
        x86_reg_write(cpu, R_ESP * 8, sp, ssize);
    }
}

void x86_stack_adjust(X86CPU *cpu, int64_t delta)
{
    unsigned ss = x86_stack_size(cpu);
    set_sp(cpu, cpu->regs[R_ESP] + delta, ss);
}

void x86_push(X86CPU *cpu, uint64_t val, unsigned size)
{
    unsigned ss;

    /* 64-bit code, 64-bit push: a flat stack with no limit (the common
     * case, so it skips the generic sizing). */
    if (likely(cpu->code_size == 8 && size == 8)) {
        uint64_t sp = cpu->regs[R_ESP] - 8;
        x86_st_seg(cpu, true, R_SS, sp, val, 8);
        cpu->regs[R_ESP] = sp;
        return;
    }
    ss = x86_stack_size(cpu);
    uint64_t sp = (cpu->regs[R_ESP] - size) & x86_size_mask(ss);
    x86_st(cpu, R_SS, sp, val, size);
    set_sp(cpu, sp, ss);
}

uint64_t x86_stack_peek(X86CPU *cpu, unsigned offset, unsigned size)
{
    unsigned ss;
    uint64_t sp;

    if (likely(cpu->code_size == 8 && size == 8)) {
        return x86_ld_seg(cpu, true, R_SS, cpu->regs[R_ESP] + offset, 8);
    }
    ss = x86_stack_size(cpu);
    sp = (cpu->regs[R_ESP] + offset) & x86_size_mask(ss);
    return x86_ld(cpu, R_SS, sp, size);
}

uint64_t x86_pop(X86CPU *cpu, unsigned size)
{
    uint64_t v = x86_stack_peek(cpu, 0, size);
    x86_stack_adjust(cpu, size);
    return v;
}

void x86_op_push(X86CPU *cpu, const X86Insn *i)
{
    x86_push(cpu, x86_op_read(cpu, i, 0), i->opsize);
}

/* POP Ev: a memory destination addressed through ESP uses the value of
 * ESP after the pop (SDM "POP"). */
void x86_op_pop(X86CPU *cpu, const X86Insn *i)
{
    uint64_t v = x86_stack_peek(cpu, 0, i->opsize);
    if (i->op[0].kind == OPK_MEM) {
        uint64_t old = cpu->regs[R_ESP];
        x86_stack_adjust(cpu, i->opsize);
        cpu->ea = x86_insn_ea(cpu, i);
        cpu->regs[R_ESP] = old;
        x86_st(cpu, i->seg, cpu->ea, v, i->opsize);
        x86_stack_adjust(cpu, i->opsize);
    } else {
        x86_stack_adjust(cpu, i->opsize);
        x86_reg_write(cpu, i->op[0].reg, v, i->opsize);
    }
}

void x86_op_push_seg(X86CPU *cpu, const X86Insn *i)
{
    x86_push(cpu, cpu->seg[(i->opcode >> 3) & 7].sel, i->opsize);
}

void x86_op_pop_seg(X86CPU *cpu, const X86Insn *i)
{
    int seg = (i->opcode >> 3) & 7;
    uint16_t sel = x86_stack_peek(cpu, 0, i->opsize);
    x86_seg_load(cpu, seg, sel);
    x86_stack_adjust(cpu, i->opsize);
    if (seg == R_SS) {
        cpu->inhibit_irq = true;
        cpu->inhibit_irq_eip = cpu->regs[R_RIP];
        if (unlikely(cpu->debug_flags)) {
            x86_debug_ss_shadow(cpu);
        }
    }
}

void x86_op_pusha(X86CPU *cpu, const X86Insn *i)
{
    unsigned size = i->opsize;
    uint64_t sp = cpu->regs[R_ESP];
    unsigned ss = x86_stack_size(cpu);
    x86_probe_write(cpu, x86_seg_lin(cpu, R_SS, (sp - 8 * size) &
                                     x86_size_mask(ss), 8 * size,
                                     SEG_PERM_W), 8 * size);
    for (int r = R_EAX; r <= R_EDI; r++) {
        x86_push(cpu, r == R_ESP ? sp : cpu->regs[r], size);
    }
}

void x86_op_popa(X86CPU *cpu, const X86Insn *i)
{
    unsigned size = i->opsize;
    uint64_t v[8];
    for (int k = 0; k < 8; k++) {
        v[k] = x86_stack_peek(cpu, k * size, size);
    }
    for (int r = R_EDI, k = 0; r >= R_EAX; r--, k++) {
        if (r != R_ESP) {
            x86_reg_write(cpu, r * 8, v[k], size);
        }
    }
    x86_stack_adjust(cpu, 8 * size);
}

static bool vm86_iopl_trap(X86CPU *cpu)
{
    return (cpu->eflags & EF_VM) && ((cpu->eflags & EF_IOPL) >> 12) < 3;
}

void x86_op_pushf(X86CPU *cpu, const X86Insn *i)
{
    uint32_t f = x86_eflags_get(cpu) & ~(EF_VM | EF_RF);
    if (vm86_iopl_trap(cpu)) {
        x86_raise(cpu, EXCP_GP, 0);
    }
    x86_push(cpu, f, i->opsize);
}

/* POPF: which bits may change depends on CPL and IOPL (SDM "POPF"). */
void x86_op_popf(X86CPU *cpu, const X86Insn *i)
{
    uint32_t mask = CC_ALL | EF_TF | EF_DF | EF_NT | EF_AC | EF_ID |
                    EF_IF | EF_IOPL;
    unsigned iopl = (cpu->eflags & EF_IOPL) >> 12;
    uint32_t v;

    if (vm86_iopl_trap(cpu)) {
        x86_raise(cpu, EXCP_GP, 0);
    }
    v = x86_stack_peek(cpu, 0, i->opsize);
    if ((cpu->cr0 & CR0_PE) && cpu->cpl > 0) {
        mask &= ~EF_IOPL;
    }
    if ((cpu->cr0 & CR0_PE) && cpu->cpl > iopl) {
        mask &= ~EF_IF;
    }
    if (cpu->eflags & EF_VM) {
        mask &= ~EF_IOPL;
    }
    if (i->opsize == 2) {
        mask &= 0xffff;
    }
    x86_stack_adjust(cpu, i->opsize);
    x86_eflags_set(cpu, v, mask);
    cpu->eflags &= ~EF_RF;
}

void x86_op_enter(X86CPU *cpu, const X86Insn *i)
{
    unsigned size = i->opsize, ss = x86_stack_size(cpu);
    unsigned level = i->imm2 & 31;
    uint64_t smask = x86_size_mask(ss);
    uint64_t bp = cpu->regs[R_EBP], frame;

    x86_push(cpu, bp, size);
    frame = cpu->regs[R_ESP] & smask;
    if (level > 0) {
        for (unsigned k = 1; k < level; k++) {
            bp = (bp - size) & smask;
            x86_push(cpu, x86_ld(cpu, R_SS, bp, size), size);
        }
        x86_push(cpu, frame, size);
    }
    x86_reg_write(cpu, R_EBP * 8, frame, ss);
    x86_stack_adjust(cpu, -(int64_t)(i->imm & 0xffff));
}

void x86_op_leave(X86CPU *cpu, const X86Insn *i)
{
    unsigned ss = x86_stack_size(cpu);
    uint64_t bp = cpu->regs[R_EBP] & x86_size_mask(ss);
    uint64_t v = x86_ld(cpu, R_SS, bp, i->opsize);
    set_sp(cpu, bp + i->opsize, ss);
    x86_reg_write(cpu, R_EBP * 8, v, i->opsize);
}
