/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Memory operands of decoded instructions: effective address, segment
 * checks and the TLB, kept out of line so register forms stay small.
 * Each access size has its own inlined TLB fast path (mem.h), and 64-bit
 * code skips the segment checks it does not have (SDM vol. 3A 3.2.4).
 * Sizes other than 1, 2, 4 and 8 (far pointers) take the generic path.
 */
#include "target/i386/insn.h"

/* One load of a constant @size through the checks @i's mode needs. */
#define LD_SIZED(size)                                                  \
    (i->flat64 ? x86_ld_seg(cpu, true, i->seg, ea, size)                \
               : x86_ld_seg(cpu, false, i->seg, ea, size))
#define ST_SIZED(size)                                                  \
    (i->flat64 ? x86_st_seg(cpu, true, i->seg, ea, val, size)           \
               : x86_st_seg(cpu, false, i->seg, ea, val, size))

uint64_t x86_op_read_mem(X86CPU *cpu, const X86Insn *i, int n)
{
    uint64_t ea = x86_insn_ea(cpu, i);

    cpu->ea = ea;
    switch (i->op[n].size) {
    case 1: return LD_SIZED(1);
    case 2: return LD_SIZED(2);
    case 4: return LD_SIZED(4);
    case 8: return LD_SIZED(8);
    default: return x86_ld(cpu, i->seg, ea, i->op[n].size);
    }
}

/* The write permission is checked (and the page made writable in the
 * TLB) before the read, so a faulting RMW changes nothing.  A TLB entry
 * whose write tag matches is plain RAM, so the read can use it too. */
static inline __attribute__((always_inline)) uint64_t
rmw_sized(X86CPU *cpu, const X86Insn *i, uint64_t ea, unsigned size)
{
    uint64_t lin;
    X86TLBEntry *e;

    if (i->flat64) {
        lin = x86_lin_addr(cpu, true, i->seg, ea, size, SEG_PERM_W);
    } else {
        lin = x86_seg_lin(cpu, i->seg, ea, size, SEG_PERM_W);
        if (unlikely(!(cpu->seg[i->seg].perm & SEG_PERM_R))) {
            x86_seg_fault(cpu, i->seg, ea);
        }
    }
    e = x86_tlb_entry(cpu, lin);
    /* Aligned only: a misaligned one may be #AC (the slow path). */
    if (likely(e->tag_w == x86_tlb_key(lin, size))) {
        return x86_host_ld((void *)(uintptr_t)(lin + e->addend), size);
    }
    x86_probe_write(cpu, lin, size);
    return x86_ld_lin(cpu, lin, size);
}

uint64_t x86_op_read_mem_rmw(X86CPU *cpu, const X86Insn *i, int n)
{
    uint64_t ea = x86_insn_ea(cpu, i);
    unsigned size = i->op[n].size;

    cpu->ea = ea;
    switch (size) {
    case 1: return rmw_sized(cpu, i, ea, 1);
    case 2: return rmw_sized(cpu, i, ea, 2);
    case 4: return rmw_sized(cpu, i, ea, 4);
    case 8: return rmw_sized(cpu, i, ea, 8);
    default: break;
    }
    {
        uint64_t lin = x86_seg_lin(cpu, i->seg, ea, size, SEG_PERM_W);
        if (unlikely(!(cpu->seg[i->seg].perm & SEG_PERM_R))) {
            x86_seg_fault(cpu, i->seg, ea);
        }
        x86_probe_write(cpu, lin, size);
        return x86_ld_lin(cpu, lin, size);
    }
}

void x86_op_write_mem(X86CPU *cpu, const X86Insn *i, int n, uint64_t val,
                      bool reuse_ea)
{
    uint64_t ea;

    if (!reuse_ea) {
        cpu->ea = x86_insn_ea(cpu, i);
    }
    ea = cpu->ea;
    switch (i->op[n].size) {
    case 1: ST_SIZED(1); return;
    case 2: ST_SIZED(2); return;
    case 4: ST_SIZED(4); return;
    case 8: ST_SIZED(8); return;
    default: x86_st(cpu, i->seg, ea, val, i->op[n].size); return;
    }
}
