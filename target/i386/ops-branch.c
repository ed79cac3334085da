/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Control transfer: Jcc, JMP, CALL, RET (near and far), LOOP/LOOPE/LOOPNE,
 * JCXZ/JECXZ/JRCXZ, INT n, INT3, INTO, INT1, IRET (SDM vol. 2A/2B).
 * Near targets are truncated to the operand size (SDM "JMP": "if the
 * operand size is 16, the upper two bytes of EIP are cleared").  Far
 * transfers go to seg.c, software interrupts to excp.c.
 * Deviation: the CS-limit check of a near target happens when the target is
 * fetched, so the #GP reports the target rather than the branch.
 */
#include "target/i386/ops.h"

static inline uint64_t next_ip(X86CPU *cpu)
{
    return cpu->regs[R_RIP];
}

void x86_op_jcc(X86CPU *cpu, const X86Insn *i)
{
    if (x86_cond(cpu, i->opcode & 15)) {
        x86_jump(cpu, next_ip(cpu) + i->imm, i->opsize);
    }
}

void x86_op_jmp(X86CPU *cpu, const X86Insn *i)
{
    x86_jump(cpu, next_ip(cpu) + i->imm, i->opsize);
}

void x86_op_jmp_ind(X86CPU *cpu, const X86Insn *i)
{
    x86_jump(cpu, x86_op_read(cpu, i, 0), i->opsize);
}

/* Return-address cache (exec.c find_block()): a near CALL that has
 * pushed its return address records the calling block; RET hands the
 * most recent one to the block lookup.  Entries are hints only. */
static inline void ras_push(X86CPU *cpu)
{
    cpu->ras[++cpu->ras_top & (X86_RAS_SIZE - 1)] = cpu->cur_block;
}

static inline void ras_pop(X86CPU *cpu)
{
    cpu->ret_caller = cpu->ras[cpu->ras_top-- & (X86_RAS_SIZE - 1)];
}

/*
 * The return address pushed by a near CALL.  The usual shapes, a 64-bit
 * push in 64-bit code and a 32-bit push on a 32-bit (SS.B) stack, have
 * their size fixed here so the stack store is the inlined TLB fast path;
 * anything else takes x86_push().
 */
static inline void call_push(X86CPU *cpu, unsigned opsize)
{
    uint64_t sp;

    if (likely(opsize == 8 && cpu->code_size == 8)) {
        sp = cpu->regs[R_ESP] - 8;
        x86_st_seg(cpu, true, R_SS, sp, next_ip(cpu), 8);
        cpu->regs[R_ESP] = sp;
    } else if (opsize == 4 && cpu->code_size == 4 &&
               (cpu->seg[R_SS].flags & DESC_B)) {
        sp = (uint32_t)(cpu->regs[R_ESP] - 4);
        x86_st_seg(cpu, false, R_SS, sp, next_ip(cpu), 4);
        cpu->regs[R_ESP] = sp;
    } else {
        x86_push(cpu, next_ip(cpu), opsize);
    }
    ras_push(cpu);
}

void x86_op_call(X86CPU *cpu, const X86Insn *i)
{
    call_push(cpu, i->opsize);
    x86_jump(cpu, next_ip(cpu) + i->imm, i->opsize);
}

void x86_op_call_ind(X86CPU *cpu, const X86Insn *i)
{
    uint64_t target = x86_op_read(cpu, i, 0);
    call_push(cpu, i->opsize);
    x86_jump(cpu, target, i->opsize);
}

/* RET's return address and stack release, in the shapes of call_push(). */
void x86_op_ret(X86CPU *cpu, const X86Insn *i)
{
    uint64_t target, sp = cpu->regs[R_ESP];
    unsigned release = i->op[0].kind ? (i->imm & 0xffff) : 0;

    if (likely(i->opsize == 8 && cpu->code_size == 8)) {
        target = x86_ld_seg(cpu, true, R_SS, sp, 8);
        cpu->regs[R_ESP] = sp + 8 + release;
    } else if (i->opsize == 4 && cpu->code_size == 4 &&
               (cpu->seg[R_SS].flags & DESC_B)) {
        target = x86_ld_seg(cpu, false, R_SS, (uint32_t)sp, 4);
        cpu->regs[R_ESP] = (uint32_t)(sp + 4 + release);
    } else {
        target = x86_stack_peek(cpu, 0, i->opsize);
        x86_stack_adjust(cpu, i->opsize + release);
    }
    ras_pop(cpu);
    x86_jump(cpu, target, i->opsize);
}

static uint64_t count_reg(X86CPU *cpu, const X86Insn *i, int64_t delta)
{
    uint64_t c = (cpu->regs[R_ECX] + delta) & i->amask;
    if (delta) {
        x86_reg_write(cpu, R_ECX * 8, c, i->addrsize);
    }
    return c;
}

void x86_op_loop(X86CPU *cpu, const X86Insn *i)
{
    if (count_reg(cpu, i, -1) != 0) {
        x86_jump(cpu, next_ip(cpu) + i->imm, i->opsize);
    }
}

void x86_op_loope(X86CPU *cpu, const X86Insn *i)
{
    if (count_reg(cpu, i, -1) != 0 && x86_cond(cpu, 4)) {
        x86_jump(cpu, next_ip(cpu) + i->imm, i->opsize);
    }
}

void x86_op_loopne(X86CPU *cpu, const X86Insn *i)
{
    if (count_reg(cpu, i, -1) != 0 && x86_cond(cpu, 5)) {
        x86_jump(cpu, next_ip(cpu) + i->imm, i->opsize);
    }
}

void x86_op_jcxz(X86CPU *cpu, const X86Insn *i)
{
    if (count_reg(cpu, i, 0) == 0) {
        x86_jump(cpu, next_ip(cpu) + i->imm, i->opsize);
    }
}

void x86_op_jmp_far(X86CPU *cpu, const X86Insn *i)
{
    x86_far_jmp(cpu, i->imm2, i->imm);
}

void x86_op_call_far(X86CPU *cpu, const X86Insn *i)
{
    x86_far_call(cpu, i->imm2, i->imm, i->opsize);
}

/* FF /3 and FF /5: the far pointer is in memory, offset first. */
static void far_ptr(X86CPU *cpu, const X86Insn *i, uint16_t *sel,
                    uint64_t *off)
{
    uint64_t ea = x86_insn_ea(cpu, i);
    *off = x86_ld(cpu, i->seg, ea, i->opsize);
    *sel = x86_ld(cpu, i->seg, (ea + i->opsize) & i->amask, 2);
}

void x86_op_jmp_far_ind(X86CPU *cpu, const X86Insn *i)
{
    uint16_t sel;
    uint64_t off;
    far_ptr(cpu, i, &sel, &off);
    x86_far_jmp(cpu, sel, off);
}

void x86_op_call_far_ind(X86CPU *cpu, const X86Insn *i)
{
    uint16_t sel;
    uint64_t off;
    far_ptr(cpu, i, &sel, &off);
    x86_far_call(cpu, sel, off, i->opsize);
}

void x86_op_ret_far(X86CPU *cpu, const X86Insn *i)
{
    x86_far_ret(cpu, i->opsize, i->op[0].kind ? (i->imm & 0xffff) : 0);
}

void x86_op_int(X86CPU *cpu, const X86Insn *i)
{
    /* V86 mode with IOPL < 3 (and no VME redirection): #GP(0). */
    if ((cpu->eflags & EF_VM) && ((cpu->eflags & EF_IOPL) >> 12) < 3) {
        x86_raise(cpu, EXCP_GP, 0);
    }
    x86_raise_soft_int(cpu, i->imm & 0xff);
}

void x86_op_int3(X86CPU *cpu, const X86Insn *i)
{
    x86_raise_soft_int(cpu, EXCP_BP);
}

void x86_op_int1(X86CPU *cpu, const X86Insn *i)
{
    x86_raise_icebp(cpu);
}

void x86_op_into(X86CPU *cpu, const X86Insn *i)
{
    if (x86_cond(cpu, 0)) {
        x86_raise_soft_int(cpu, EXCP_OF);
    }
}

void x86_op_iret(X86CPU *cpu, const X86Insn *i)
{
    x86_iret(cpu, i->opsize);
}
