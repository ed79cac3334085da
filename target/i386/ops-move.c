/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Data movement and flag instructions: MOV, MOVZX, MOVSX, MOVSXD, LEA,
 * XCHG, NOP/PAUSE, CBW/CWDE/CDQE, CWD/CDQ/CQO, LAHF, SAHF, SALC, XLAT,
 * CMOVcc, SETcc, BOUND, CLC STC CMC CLD STD, FWAIT (SDM vol. 2).
 */
#include "target/i386/ops.h"

void x86_op_mov(X86CPU *cpu, const X86Insn *i)
{
    x86_op_store(cpu, i, 0, x86_op_read(cpu, i, 1));
}

void x86_op_mov_moffs_ld(X86CPU *cpu, const X86Insn *i)
{
    uint64_t v = x86_ld(cpu, i->seg, i->imm & i->amask, i->op[0].size);
    x86_reg_write(cpu, i->op[0].reg, v, i->op[0].size);
}

void x86_op_mov_moffs_st(X86CPU *cpu, const X86Insn *i)
{
    x86_st(cpu, i->seg, i->imm & i->amask,
           x86_reg_read(cpu, i->op[1].reg, i->op[1].size), i->op[1].size);
}

void x86_op_movzx(X86CPU *cpu, const X86Insn *i)
{
    x86_reg_write(cpu, i->op[0].reg, x86_op_read(cpu, i, 1), i->op[0].size);
}

void x86_op_movsx(X86CPU *cpu, const X86Insn *i)
{
    uint64_t v = x86_op_read(cpu, i, 1);
    unsigned sh = 64 - i->op[1].size * 8;
    x86_reg_write(cpu, i->op[0].reg, (uint64_t)((int64_t)(v << sh) >> sh),
                  i->op[0].size);
}

void x86_op_movsxd(X86CPU *cpu, const X86Insn *i)
{
    uint64_t v = x86_op_read(cpu, i, 1);
    x86_reg_write(cpu, i->op[0].reg, (uint64_t)(int64_t)(int32_t)v,
                  i->op[0].size);
}

void x86_op_lea(X86CPU *cpu, const X86Insn *i)
{
    x86_reg_write(cpu, i->op[0].reg, x86_insn_ea(cpu, i), i->op[0].size);
}

void x86_op_xchg(X86CPU *cpu, const X86Insn *i)
{
    uint64_t a = x86_op_read_rmw(cpu, i, 0);
    uint64_t b = x86_op_read(cpu, i, 1);
    x86_op_write(cpu, i, 0, b);
    x86_op_write(cpu, i, 1, a);
}

/* 90: NOP, PAUSE (F3 90), or XCHG r8, rAX with REX.B. */
void x86_op_xchg_nop(X86CPU *cpu, const X86Insn *i)
{
    if (i->rex & 1) {
        x86_op_xchg(cpu, i);
    }
}

void x86_op_nop(X86CPU *cpu, const X86Insn *i)
{
}

void x86_op_fwait(X86CPU *cpu, const X86Insn *i)
{
    if ((cpu->cr0 & (CR0_MP | CR0_TS)) == (CR0_MP | CR0_TS)) {
        x86_raise(cpu, EXCP_NM, 0);
    }
}

void x86_op_cbw(X86CPU *cpu, const X86Insn *i)
{
    uint64_t a = cpu->regs[R_EAX];
    switch (i->opsize) {
    case 2: x86_reg_write(cpu, 0, (uint64_t)(int8_t)a, 2); break;
    case 4: x86_reg_write(cpu, 0, (uint64_t)(int16_t)a, 4); break;
    default: cpu->regs[R_EAX] = (uint64_t)(int32_t)a; break;
    }
}

void x86_op_cwd(X86CPU *cpu, const X86Insn *i)
{
    unsigned size = i->opsize;
    uint64_t a = x86_reg_read(cpu, 0, size);
    bool neg = (a >> (size * 8 - 1)) & 1;
    x86_reg_write(cpu, R_EDX * 8, neg ? ~0ull : 0, size);
}

void x86_op_lahf(X86CPU *cpu, const X86Insn *i)
{
    x86_reg_write(cpu, 1, x86_eflags_get(cpu) & 0xff, 1);
}

void x86_op_sahf(X86CPU *cpu, const X86Insn *i)
{
    uint32_t ah = x86_reg_read(cpu, 1, 1);
    uint32_t of = x86_cc_all(cpu) & CC_O;
    x86_cc_eflags(cpu, (ah & (CC_S | CC_Z | CC_A | CC_P | CC_C)) | of);
}

void x86_op_salc(X86CPU *cpu, const X86Insn *i)
{
    x86_reg_write(cpu, 0, x86_get_cf(cpu) ? 0xff : 0, 1);
}

void x86_op_xlat(X86CPU *cpu, const X86Insn *i)
{
    uint64_t ea = (cpu->regs[R_EBX] + (cpu->regs[R_EAX] & 0xff)) & i->amask;
    x86_reg_write(cpu, 0, x86_ld(cpu, i->seg, ea, 1), 1);
}

/* CMOVcc reads its source even when the condition is false; a 32-bit
 * destination is zero-extended either way in 64-bit mode. */
void x86_op_cmov(X86CPU *cpu, const X86Insn *i)
{
    uint64_t v = x86_op_read(cpu, i, 1);
    if (x86_cond(cpu, i->opcode & 15)) {
        x86_reg_write(cpu, i->op[0].reg, v, i->op[0].size);
    } else if (i->op[0].size == 4) {
        x86_reg_write(cpu, i->op[0].reg,
                      x86_reg_read(cpu, i->op[0].reg, 4), 4);
    }
}

void x86_op_setcc(X86CPU *cpu, const X86Insn *i)
{
    x86_op_store(cpu, i, 0, x86_cond(cpu, i->opcode & 15));
}

void x86_op_bound(X86CPU *cpu, const X86Insn *i)
{
    unsigned size = i->op[0].size, sh = 64 - size * 8;
    uint64_t ea = x86_insn_ea(cpu, i);
    int64_t idx = (int64_t)(x86_reg_read(cpu, i->op[0].reg, size) << sh) >> sh;
    int64_t lo = (int64_t)(x86_ld(cpu, i->seg, ea, size) << sh) >> sh;
    int64_t hi = (int64_t)(x86_ld(cpu, i->seg, (ea + size) & i->amask, size)
                           << sh) >> sh;
    if (idx < lo || idx > hi) {
        x86_raise(cpu, EXCP_BR, 0);
    }
}

static void set_cf(X86CPU *cpu, int how)
{
    uint32_t f = x86_cc_all(cpu);
    f = how == 0 ? f & ~CC_C : how == 1 ? f | CC_C : f ^ CC_C;
    x86_cc_eflags(cpu, f);
}

void x86_op_clc(X86CPU *cpu, const X86Insn *i) { set_cf(cpu, 0); }
void x86_op_stc(X86CPU *cpu, const X86Insn *i) { set_cf(cpu, 1); }
void x86_op_cmc(X86CPU *cpu, const X86Insn *i) { set_cf(cpu, 2); }
void x86_op_cld(X86CPU *cpu, const X86Insn *i) { cpu->eflags &= ~EF_DF; }
void x86_op_std(X86CPU *cpu, const X86Insn *i) { cpu->eflags |= EF_DF; }
