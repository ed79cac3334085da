/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Memory operands of decoded instructions: effective address, segment
 * checks and the TLB, kept out of line so register forms stay small.
 */
#include "target/i386/insn.h"

uint64_t x86_op_read_mem(X86CPU *cpu, const X86Insn *i, int n)
{
    cpu->ea = x86_insn_ea(cpu, i);
    return x86_ld(cpu, i->seg, cpu->ea, i->op[n].size);
}

uint64_t x86_op_read_mem_rmw(X86CPU *cpu, const X86Insn *i, int n)
{
    unsigned size = i->op[n].size;
    uint64_t lin;

    cpu->ea = x86_insn_ea(cpu, i);
    lin = x86_seg_lin(cpu, i->seg, cpu->ea, size, SEG_PERM_W);
    if (unlikely(!(cpu->seg[i->seg].perm & SEG_PERM_R))) {
        x86_seg_fault(cpu, i->seg, cpu->ea);
    }
    x86_probe_write(cpu, lin, size);
    return x86_ld_lin(cpu, lin, size);
}

void x86_op_write_mem(X86CPU *cpu, const X86Insn *i, int n, uint64_t val,
                      bool reuse_ea)
{
    if (!reuse_ea) {
        cpu->ea = x86_insn_ea(cpu, i);
    }
    x86_st(cpu, i->seg, cpu->ea, val, i->op[n].size);
}
