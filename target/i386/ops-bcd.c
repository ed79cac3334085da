/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Decimal arithmetic adjustments: DAA, DAS, AAA, AAS, AAM, AAD, following
 * the pseudo-code of their SDM vol. 2A sections.  Flags the SDM leaves
 * undefined are computed from the result (SF ZF PF) or cleared (OF).
 */
#include "target/i386/ops.h"

static uint8_t get_al(X86CPU *cpu)
{
    return cpu->regs[R_EAX] & 0xff;
}

static void set_al(X86CPU *cpu, uint8_t v)
{
    x86_reg_write(cpu, 0, v, 1);
}

void x86_op_daa(X86CPU *cpu, const X86Insn *i)
{
    uint32_t f = x86_cc_all(cpu);
    uint8_t al = get_al(cpu), old_al = al;
    bool old_cf = f & CC_C, cf = false, af = false;

    if ((al & 0xf) > 9 || (f & CC_A)) {
        cf = old_cf || al > 0xf9;
        al += 6;
        af = true;
    }
    if (old_al > 0x99 || old_cf) {
        al += 0x60;
        cf = true;
    } else {
        cf = false;
    }
    set_al(cpu, al);
    x86_cc_eflags(cpu, x86_flags_szp(al, 1) | (cf ? CC_C : 0) |
                  (af ? CC_A : 0));
}

void x86_op_das(X86CPU *cpu, const X86Insn *i)
{
    uint32_t f = x86_cc_all(cpu);
    uint8_t al = get_al(cpu), old_al = al;
    bool old_cf = f & CC_C, cf = false, af = false;

    if ((al & 0xf) > 9 || (f & CC_A)) {
        cf = old_cf || al < 6;
        al -= 6;
        af = true;
    }
    if (old_al > 0x99 || old_cf) {
        al -= 0x60;
        cf = true;
    }
    set_al(cpu, al);
    x86_cc_eflags(cpu, x86_flags_szp(al, 1) | (cf ? CC_C : 0) |
                  (af ? CC_A : 0));
}

void x86_op_aaa(X86CPU *cpu, const X86Insn *i)
{
    uint32_t f = x86_cc_all(cpu);
    uint16_t ax = cpu->regs[R_EAX];
    bool adj = (ax & 0xf) > 9 || (f & CC_A);

    if (adj) {
        ax += 0x106;
    }
    ax = (ax & 0xff00) | (ax & 0x0f);
    x86_reg_write(cpu, 0, ax, 2);
    x86_cc_eflags(cpu, x86_flags_szp(ax & 0xff, 1) |
                  (adj ? CC_A | CC_C : 0));
}

void x86_op_aas(X86CPU *cpu, const X86Insn *i)
{
    uint32_t f = x86_cc_all(cpu);
    uint16_t ax = cpu->regs[R_EAX];
    bool adj = (ax & 0xf) > 9 || (f & CC_A);

    if (adj) {
        ax -= 6;
        ax -= 0x100;
    }
    ax = (ax & 0xff00) | (ax & 0x0f);
    x86_reg_write(cpu, 0, ax, 2);
    x86_cc_eflags(cpu, x86_flags_szp(ax & 0xff, 1) |
                  (adj ? CC_A | CC_C : 0));
}

void x86_op_aam(X86CPU *cpu, const X86Insn *i)
{
    uint8_t base = i->imm, al = get_al(cpu);
    if (base == 0) {
        x86_raise(cpu, EXCP_DE, 0);
    }
    x86_reg_write(cpu, 0, ((al / base) << 8) | (al % base), 2);
    x86_cc_eflags(cpu, x86_flags_szp(al % base, 1));
}

void x86_op_aad(X86CPU *cpu, const X86Insn *i)
{
    uint8_t base = i->imm, al = get_al(cpu);
    uint8_t ah = cpu->regs[R_EAX] >> 8;
    uint8_t r = al + ah * base;
    x86_reg_write(cpu, 0, r, 2);
    x86_cc_eflags(cpu, x86_flags_szp(r, 1));
}
