/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fast system calls: SYSCALL/SYSRET (AMD APM vol. 3, SDM vol. 2B "SYSCALL",
 * "SYSRET") and SYSENTER/SYSEXIT (SDM vol. 2B).  These load flat CS and SS
 * caches from MSR-selected selectors without reading descriptors.
 * Deviation: SYSCALL/SYSRET are modelled in 64-bit mode only (the Intel
 * behaviour); legacy-mode SYSCALL raises #UD.
 */
#include "target/i386/ops.h"

#define FLAT_CODE (DESC_P | DESC_S | DESC_CODE | DESC_RW | DESC_A | DESC_G)
#define FLAT_DATA (DESC_P | DESC_S | DESC_RW | DESC_A | DESC_G | DESC_B)

static void load_flat(X86CPU *cpu, unsigned cpl, uint16_t cs, uint16_t ss,
                      bool code64)
{
    uint32_t dpl = cpl << DESC_DPL_SHIFT;
    x86_set_cpl(cpu, cpl);
    x86_seg_set_cache(cpu, R_CS, cs, 0, 0xffffffff,
                      FLAT_CODE | dpl | (code64 ? DESC_L : DESC_B));
    x86_seg_set_cache(cpu, R_SS, ss, 0, 0xffffffff, FLAT_DATA | dpl);
}

void x86_op_syscall(X86CPU *cpu, const X86Insn *i)
{
    uint16_t sel = (cpu->star >> 32) & 0xfffc;
    if (!(cpu->efer & EFER_SCE)) {
        x86_raise(cpu, EXCP_UD, 0);
    }
    cpu->regs[R_ECX] = cpu->regs[R_RIP];
    cpu->regs[R_R11] = x86_eflags_get(cpu) & ~EF_RF;
    x86_eflags_set(cpu, x86_eflags_get(cpu) & ~(uint32_t)cpu->sfmask,
                   ~0u);
    cpu->eflags &= ~EF_RF;
    load_flat(cpu, 0, sel, sel + 8, true);
    cpu->regs[R_RIP] = cpu->lstar;
}

void x86_op_sysret(X86CPU *cpu, const X86Insn *i)
{
    uint16_t sel = (cpu->star >> 48) & 0xffff;
    bool to64 = i->opsize == 8;
    uint64_t rip = to64 ? cpu->regs[R_ECX] : (uint32_t)cpu->regs[R_ECX];

    if (!(cpu->efer & EFER_SCE)) {
        x86_raise(cpu, EXCP_UD, 0);
    }
    if (cpu->cpl != 0 ||
        (uint64_t)((int64_t)(rip << 16) >> 16) != rip) {
        x86_raise(cpu, EXCP_GP, 0);
    }
    x86_eflags_set(cpu, (cpu->regs[R_R11] & 0x3c7fd7) | 2, ~0u);
    load_flat(cpu, 3, (to64 ? sel + 16 : sel) | 3, (sel + 8) | 3, to64);
    cpu->regs[R_RIP] = rip;
}

void x86_op_sysenter(X86CPU *cpu, const X86Insn *i)
{
    uint16_t cs = cpu->sysenter_cs & 0xfffc;
    if (!(cpu->cr0 & CR0_PE) || cs == 0) {
        x86_raise(cpu, EXCP_GP, 0);
    }
    cpu->eflags &= ~(EF_VM | EF_IF | EF_RF);
    load_flat(cpu, 0, cs, cs + 8, cpu->long_mode);
    if (cpu->long_mode) {
        cpu->regs[R_ESP] = cpu->sysenter_esp;
        cpu->regs[R_RIP] = cpu->sysenter_eip;
    } else {
        cpu->regs[R_ESP] = (uint32_t)cpu->sysenter_esp;
        cpu->regs[R_RIP] = (uint32_t)cpu->sysenter_eip;
    }
}

void x86_op_sysexit(X86CPU *cpu, const X86Insn *i)
{
    uint16_t cs = cpu->sysenter_cs & 0xfffc;
    bool to64 = i->opsize == 8;
    if (!(cpu->cr0 & CR0_PE) || cpu->cpl != 0 || cs == 0) {
        x86_raise(cpu, EXCP_GP, 0);
    }
    /* REX.W: the new RSP and RIP must be canonical (SDM vol. 2B). */
    if (to64 && ((uint64_t)((int64_t)(cpu->regs[R_ECX] << 16) >> 16) !=
                 cpu->regs[R_ECX] ||
                 (uint64_t)((int64_t)(cpu->regs[R_EDX] << 16) >> 16) !=
                 cpu->regs[R_EDX])) {
        x86_raise(cpu, EXCP_GP, 0);
    }
    load_flat(cpu, 3, (cs + (to64 ? 32 : 16)) | 3,
              (cs + (to64 ? 40 : 24)) | 3, to64);
    if (to64) {
        cpu->regs[R_ESP] = cpu->regs[R_ECX];
        cpu->regs[R_RIP] = cpu->regs[R_EDX];
    } else {
        cpu->regs[R_ESP] = (uint32_t)cpu->regs[R_ECX];
        cpu->regs[R_RIP] = (uint32_t)cpu->regs[R_EDX];
    }
}
