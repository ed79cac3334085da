/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -d in_asm,exec,int,cpu: the CPU's trace output on stderr.  Each hook is
 * behind one predictable branch on cpu->log_mask in the run loop; the
 * disassembly comes from capstone.
 */
#include <stdio.h>

#include "target/i386/disas.h"
#include "target/i386/tb.h"

void x86_cpu_set_log(X86CPU *cpu, unsigned mask)
{
    cpu->log_forced = mask;
    cpu->log_mask = mask;
}

void x86_log_block(X86CPU *cpu, const X86Block *b, bool is_new)
{
    uint64_t lin = (cpu->seg[R_CS].base + cpu->regs[R_RIP]) & cpu->lin_mask;

    if (cpu->log_mask & X86_LOG_CPU) {
        fprintf(stderr, "RAX=%016llx RBX=%016llx RCX=%016llx RDX=%016llx\n"
                "RSI=%016llx RDI=%016llx RBP=%016llx RSP=%016llx\n"
                "RIP=%016llx RFL=%08x CPL=%u CR0=%08llx CR3=%08llx "
                "CS=%04x SS=%04x DS=%04x\n",
                (unsigned long long)cpu->regs[R_EAX],
                (unsigned long long)cpu->regs[R_EBX],
                (unsigned long long)cpu->regs[R_ECX],
                (unsigned long long)cpu->regs[R_EDX],
                (unsigned long long)cpu->regs[R_ESI],
                (unsigned long long)cpu->regs[R_EDI],
                (unsigned long long)cpu->regs[R_EBP],
                (unsigned long long)cpu->regs[R_ESP],
                (unsigned long long)cpu->regs[R_RIP], x86_eflags_get(cpu),
                cpu->cpl, (unsigned long long)cpu->cr0,
                (unsigned long long)cpu->cr3, cpu->seg[R_CS].sel,
                cpu->seg[R_SS].sel, cpu->seg[R_DS].sel);
    }
    if (cpu->log_mask & X86_LOG_EXEC) {
        fprintf(stderr, "Trace %04x:%016llx [%016llx] %u insns\n",
                cpu->seg[R_CS].sel, (unsigned long long)cpu->regs[R_RIP],
                (unsigned long long)b->phys, b->n_insns);
    }
    if ((cpu->log_mask & X86_LOG_IN_ASM) && is_new) {
        uint8_t buf[X86_BLOCK_MAX * X86_MAX_INSN_LEN];
        unsigned len = 0;
        for (unsigned k = 0; k < b->n_insns; k++) {
            len += b->insns[k].len;
        }
        for (unsigned k = 0; k < len && k < sizeof(buf); k++) {
            buf[k] = x86_phys_ld(cpu, b->phys + k, 1);
        }
        fprintf(stderr, "IN: %016llx\n", (unsigned long long)lin);
        x86_disas(stderr, buf, len < sizeof(buf) ? len : sizeof(buf),
                  cpu->regs[R_RIP], cpu->code_size);
        fprintf(stderr, "\n");
    }
}

void x86_log_interrupt(X86CPU *cpu, int vec, bool soft, bool has_err,
                       uint32_t err)
{
    fprintf(stderr, "%s v=%02x e=%04x cpl=%u IP=%04x:%016llx "
            "CR2=%016llx\n", soft ? "softint" : "exception/irq", vec,
            has_err ? err : 0, cpu->cpl, cpu->seg[R_CS].sel,
            (unsigned long long)cpu->regs[R_RIP],
            (unsigned long long)cpu->cr2);
}
