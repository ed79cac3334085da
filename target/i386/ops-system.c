/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * System instructions: IN/OUT with the IOPL and TSS I/O-permission bitmap
 * checks (SDM vol. 1 19.5), CLI/STI, HLT, MOV to/from control and debug
 * registers, LGDT/LIDT/SGDT/SIDT, LLDT/LTR/SLDT/STR, LMSW/SMSW/CLTS,
 * INVLPG, LAR/LSL/VERR/VERW/ARPL, CPUID, RDTSC, RDMSR/WRMSR, SYSCALL/
 * SYSRET, SYSENTER/SYSEXIT, SWAPGS, RDTSCP (SDM vol. 2 and 3A ch. 2, 5).
 */
#include "target/i386/ops.h"

void x86_exec_gp_len(X86CPU *cpu, const X86Insn *i)
{
    x86_raise(cpu, EXCP_GP, 0);
}

static bool pe_mode(X86CPU *cpu)
{
    return (cpu->cr0 & CR0_PE) && !(cpu->eflags & EF_VM);
}

/* #GP(0) unless at CPL 0 (real mode counts as CPL 0; V86 as CPL 3). */
static void require_cpl0(X86CPU *cpu)
{
    if ((cpu->cr0 & CR0_PE) && (cpu->cpl != 0 || (cpu->eflags & EF_VM))) {
        x86_raise(cpu, EXCP_GP, 0);
    }
}

static unsigned iopl(X86CPU *cpu)
{
    return (cpu->eflags & EF_IOPL) >> 12;
}

bool x86_io_allowed(X86CPU *cpu, uint16_t port, unsigned size)
{
    X86Seg *tr = &cpu->seg[R_TR];
    uint32_t base, bits;

    if (!(cpu->cr0 & CR0_PE) ||
        (!(cpu->eflags & EF_VM) && cpu->cpl <= iopl(cpu))) {
        return true;
    }
    if (((tr->flags >> 8) & 0xf) < 9 || tr->limit < 0x67) {
        return false;
    }
    base = x86_ld_sys(cpu, tr->base + 0x66, 2);
    if (base + port / 8 + 1 > tr->limit) {
        return false;
    }
    bits = x86_ld_sys(cpu, tr->base + base + port / 8, 2);
    return ((bits >> (port & 7)) & ((1u << size) - 1)) == 0;
}

void x86_op_in(X86CPU *cpu, const X86Insn *i)
{
    uint16_t port = i->op[1].kind == OPK_IMM ? i->imm & 0xff
                                              : cpu->regs[R_EDX] & 0xffff;
    unsigned size = i->op[0].size;
    if (!x86_io_allowed(cpu, port, size)) {
        x86_raise(cpu, EXCP_GP, 0);
    }
    x86_reg_write(cpu, 0, cpu->plat.io_read(cpu->plat.opaque, port, size),
                  size);
    if (unlikely(cpu->dr_io)) {
        x86_debug_io_access(cpu, port, size);
    }
}

void x86_op_out(X86CPU *cpu, const X86Insn *i)
{
    uint16_t port = i->op[0].kind == OPK_IMM ? i->imm & 0xff
                                              : cpu->regs[R_EDX] & 0xffff;
    unsigned size = i->op[1].size;
    if (!x86_io_allowed(cpu, port, size)) {
        x86_raise(cpu, EXCP_GP, 0);
    }
    cpu->plat.io_write(cpu->plat.opaque, port,
                       x86_reg_read(cpu, 0, size), size);
    if (unlikely(cpu->dr_io)) {
        x86_debug_io_access(cpu, port, size);
    }
}

static void check_if_change(X86CPU *cpu)
{
    if ((cpu->cr0 & CR0_PE) &&
        ((cpu->eflags & EF_VM) ? iopl(cpu) < 3 : cpu->cpl > iopl(cpu))) {
        x86_raise(cpu, EXCP_GP, 0);
    }
}

void x86_op_cli(X86CPU *cpu, const X86Insn *i)
{
    check_if_change(cpu);
    cpu->eflags &= ~EF_IF;
}

/* STI: interrupts stay blocked until after the next instruction. */
void x86_op_sti(X86CPU *cpu, const X86Insn *i)
{
    check_if_change(cpu);
    if (!(cpu->eflags & EF_IF)) {
        cpu->inhibit_irq = true;
        cpu->inhibit_irq_eip = cpu->regs[R_RIP];
    }
    cpu->eflags |= EF_IF;
}

void x86_op_hlt(X86CPU *cpu, const X86Insn *i)
{
    require_cpl0(cpu);
    cpu->halted = true;
    x86_stop_block(cpu);
}

void x86_op_clts(X86CPU *cpu, const X86Insn *i)
{
    require_cpl0(cpu);
    cpu->cr0 &= ~(uint64_t)CR0_TS;
}

void x86_op_mov_from_cr(X86CPU *cpu, const X86Insn *i)
{
    uint64_t v;
    require_cpl0(cpu);
    switch (i->op[1].reg) {
    case 0: v = cpu->cr0; break;
    case 2: v = cpu->cr2; break;
    case 3: v = cpu->cr3; break;
    case 4: v = cpu->cr4; break;
    case 8:
        if (cpu->code_size == 8) {
            v = cpu->cr8;
            break;
        }
        /* fall through */
    default: x86_raise(cpu, EXCP_UD, 0);
    }
    x86_reg_write(cpu, i->op[0].reg, v, cpu->code_size == 8 ? 8 : 4);
}

void x86_op_mov_to_cr(X86CPU *cpu, const X86Insn *i)
{
    uint64_t v = x86_reg_read(cpu, i->op[1].reg, cpu->code_size == 8 ? 8 : 4);
    require_cpl0(cpu);
    switch (i->op[0].reg) {
    case 0: x86_set_cr0(cpu, v); break;
    case 2: cpu->cr2 = v; break;
    case 3: x86_set_cr3(cpu, v); break;
    case 4: x86_set_cr4(cpu, v); break;
    case 8:
        if (cpu->code_size == 8) {
            cpu->cr8 = v & 15;
            break;
        }
        /* fall through */
    default: x86_raise(cpu, EXCP_UD, 0);
    }
}

void x86_op_mov_from_dr(X86CPU *cpu, const X86Insn *i)
{
    unsigned n = i->op[1].reg;
    require_cpl0(cpu);
    if (n > 7 || ((n == 4 || n == 5) && (cpu->cr4 & CR4_DE))) {
        x86_raise(cpu, EXCP_UD, 0);
    }
    x86_debug_dr_access(cpu);
    n = n == 4 ? 6 : n == 5 ? 7 : n;
    x86_reg_write(cpu, i->op[0].reg, cpu->dr[n], cpu->code_size == 8 ? 8 : 4);
}

/* Breakpoints DR0-DR3 as DR7 arms them are modelled in debugreg.c;
 * DR6 and DR7 keep their fixed-1 bits (SDM vol. 3B 17.2.3, 17.2.4). */
void x86_op_mov_to_dr(X86CPU *cpu, const X86Insn *i)
{
    unsigned n = i->op[0].reg;
    uint64_t v;

    require_cpl0(cpu);
    if (n > 7 || ((n == 4 || n == 5) && (cpu->cr4 & CR4_DE))) {
        x86_raise(cpu, EXCP_UD, 0);
    }
    x86_debug_dr_access(cpu);
    n = n == 4 ? 6 : n == 5 ? 7 : n;
    v = x86_reg_read(cpu, i->op[1].reg, cpu->code_size == 8 ? 8 : 4);
    if (n >= 6 && (v >> 32)) {
        x86_raise(cpu, EXCP_GP, 0);
    }
    cpu->dr[n] = n == 6 ? (v | 0xffff0ff0u) & ~0x1000ull :
                 n == 7 ? (v | 0x400) & ~0xd800ull : v;
    if (n != 6) {
        x86_debug_dr_changed(cpu);
        x86_stop_block(cpu);
    }
}

static void load_dt(X86CPU *cpu, const X86Insn *i, X86DescTable *t)
{
    uint64_t ea = x86_insn_ea(cpu, i), base;
    uint16_t limit;
    require_cpl0(cpu);
    limit = x86_ld(cpu, i->seg, ea, 2);
    if (cpu->code_size == 8) {
        base = x86_ld(cpu, i->seg, (ea + 2) & i->amask, 8);
    } else {
        base = x86_ld(cpu, i->seg, (ea + 2) & i->amask, 4);
        if (i->opsize == 2) {
            base &= 0xffffff;
        }
    }
    t->base = base;
    t->limit = limit;
}

static void store_dt(X86CPU *cpu, const X86Insn *i, X86DescTable *t)
{
    uint64_t ea;
    if (i->op[0].kind != OPK_MEM) {
        x86_raise(cpu, EXCP_UD, 0);
    }
    ea = x86_insn_ea(cpu, i);
    x86_st(cpu, i->seg, ea, t->limit, 2);
    x86_st(cpu, i->seg, (ea + 2) & i->amask, t->base,
           cpu->code_size == 8 ? 8 : 4);
}

void x86_op_lgdt(X86CPU *cpu, const X86Insn *i) { load_dt(cpu, i, &cpu->gdt); }
void x86_op_lidt(X86CPU *cpu, const X86Insn *i) { load_dt(cpu, i, &cpu->idt); }

/* CR4.UMIP: SGDT, SIDT, SLDT, SMSW and STR fault outside ring 0 (SDM vol.
 * 3A 2.5, "User-Mode Instruction Prevention"). */
static void umip_check(X86CPU *cpu)
{
    if ((cpu->cr4 & CR4_UMIP) && cpu->cpl > 0) {
        x86_raise(cpu, EXCP_GP, 0);
    }
}

/* 0F 01 CA CLAC and 0F 01 CB STAC: EFLAGS.AC at CPL 0, with SMAP (SDM vol.
 * 2B "STAC"); the other 0F 01 /1 register forms are not modelled. */
static void stac_clac(X86CPU *cpu, const X86Insn *i)
{
    unsigned rm = i->modrm & 7;

    if ((rm != 2 && rm != 3) || !(cpu->features7_ebx & (1u << 20)) ||
        cpu->cpl > 0 || (cpu->eflags & EF_VM)) {
        x86_raise(cpu, EXCP_UD, 0);
    }
    if (rm == 3) {
        cpu->eflags |= EF_AC;
    } else {
        cpu->eflags &= ~EF_AC;
    }
}

void x86_op_sidt(X86CPU *cpu, const X86Insn *i)
{
    if (i->op[0].kind == OPK_REG) {
        stac_clac(cpu, i);
        return;
    }
    umip_check(cpu);
    store_dt(cpu, i, &cpu->idt);
}

/* SGDT, and with mod = 3 the 0F 01 /0 register forms (none modelled). */
void x86_op_sgdt(X86CPU *cpu, const X86Insn *i)
{
    umip_check(cpu);
    store_dt(cpu, i, &cpu->gdt);
}

void x86_op_smsw(X86CPU *cpu, const X86Insn *i)
{
    umip_check(cpu);
    if (i->op[0].kind == OPK_MEM) {
        x86_op_store(cpu, i, 0, cpu->cr0 & 0xffff);
    } else {
        x86_reg_write(cpu, i->op[0].reg, cpu->cr0, i->op[0].size);
    }
}

/* LMSW loads PE MP EM TS; it can set PE but never clear it. */
void x86_op_lmsw(X86CPU *cpu, const X86Insn *i)
{
    uint64_t v = x86_op_read(cpu, i, 0) & 0xf;
    require_cpl0(cpu);
    x86_set_cr0(cpu, (cpu->cr0 & ~0xeull) | v | (cpu->cr0 & CR0_PE));
}

/* 0F 01 /7: INVLPG m; with mod = 3: SWAPGS (F8) and RDTSCP (F9). */
void x86_op_invlpg(X86CPU *cpu, const X86Insn *i)
{
    if (i->op[0].kind == OPK_REG) {
        unsigned rm = i->modrm & 7;
        if (rm == 0 && cpu->code_size == 8) {
            uint64_t t = cpu->seg[R_GS].base;
            require_cpl0(cpu);
            cpu->seg[R_GS].base = cpu->kernel_gs_base;
            cpu->kernel_gs_base = t;
            return;
        }
        if (rm == 1) {
            uint64_t tsc;
            if ((cpu->cr4 & CR4_TSD) && cpu->cpl != 0 &&
                (cpu->cr0 & CR0_PE)) {
                x86_raise(cpu, EXCP_GP, 0);
            }
            tsc = x86_rdtsc(cpu);
            cpu->regs[R_EAX] = (uint32_t)tsc;
            cpu->regs[R_EDX] = tsc >> 32;
            cpu->regs[R_ECX] = (uint32_t)cpu->tsc_aux;
            return;
        }
        x86_raise(cpu, EXCP_UD, 0);
    }
    require_cpl0(cpu);
    x86_tlb_flush_page(cpu, (cpu->seg[i->seg].base + x86_insn_ea(cpu, i)) &
                            cpu->lin_mask);
}

void x86_op_sldt(X86CPU *cpu, const X86Insn *i)
{
    if (!pe_mode(cpu)) {
        x86_raise(cpu, EXCP_UD, 0);
    }
    umip_check(cpu);
    x86_op_store(cpu, i, 0, cpu->seg[R_LDTR].sel);
}

void x86_op_str(X86CPU *cpu, const X86Insn *i)
{
    if (!pe_mode(cpu)) {
        x86_raise(cpu, EXCP_UD, 0);
    }
    umip_check(cpu);
    x86_op_store(cpu, i, 0, cpu->seg[R_TR].sel);
}

static void load_sys_seg(X86CPU *cpu, int seg, uint16_t sel, unsigned type)
{
    uint32_t d[2];
    uint64_t base;
    if (sel & 4 || !x86_desc_fetch(cpu, sel, d, EXCP_GP) ||
        (d[1] & DESC_S) || ((d[1] >> 8) & 0xf) != type) {
        x86_raise(cpu, EXCP_GP, sel & ~3u);
    }
    if (!(d[1] & DESC_P)) {
        x86_raise(cpu, EXCP_NP, sel & ~3u);
    }
    x86_seg_load_desc(cpu, seg, sel, d);
    if (cpu->long_mode) {
        base = x86_ld_sys(cpu, cpu->gdt.base + (sel & ~7u) + 8, 4);
        cpu->seg[seg].base |= base << 32;
    }
}

void x86_op_lldt(X86CPU *cpu, const X86Insn *i)
{
    uint16_t sel;
    if (!pe_mode(cpu)) {
        x86_raise(cpu, EXCP_UD, 0);
    }
    require_cpl0(cpu);
    sel = x86_op_read(cpu, i, 0);
    if ((sel & ~3u) == 0) {
        x86_seg_set_cache(cpu, R_LDTR, sel, 0, 0, 0);
        return;
    }
    load_sys_seg(cpu, R_LDTR, sel, 2);
}

void x86_op_ltr(X86CPU *cpu, const X86Insn *i)
{
    uint16_t sel;
    uint32_t d[2];
    if (!pe_mode(cpu)) {
        x86_raise(cpu, EXCP_UD, 0);
    }
    require_cpl0(cpu);
    sel = x86_op_read(cpu, i, 0);
    if ((sel & ~3u) == 0 || !x86_desc_fetch(cpu, sel, d, EXCP_GP)) {
        x86_raise(cpu, EXCP_GP, sel & ~3u);
    }
    load_sys_seg(cpu, R_TR, sel, ((d[1] >> 8) & 0xf) == 1 ? 1 : 9);
    d[1] |= 2u << 8;    /* busy */
    x86_st_sys(cpu, cpu->gdt.base + (sel & ~7u) + 4, d[1], 4);
    cpu->seg[R_TR].flags |= 2u << 8;
}

/* Whether @sel's descriptor is visible at the current CPL/RPL for LAR,
 * LSL, VERR, VERW (SDM "LAR": conforming code skips the DPL check). */
static bool desc_visible(X86CPU *cpu, uint16_t sel, uint32_t d[2])
{
    unsigned dpl;
    if ((sel & ~3u) == 0 || !x86_desc_fetch(cpu, sel, d, EXCP_GP)) {
        return false;
    }
    dpl = (d[1] >> DESC_DPL_SHIFT) & 3;
    if ((d[1] & DESC_S) && (d[1] & DESC_CODE) && (d[1] & DESC_CE)) {
        return true;
    }
    return dpl >= cpu->cpl && dpl >= (sel & 3u);
}

static void set_zf(X86CPU *cpu, bool z)
{
    uint32_t f = x86_cc_all(cpu) & ~CC_Z;
    x86_cc_eflags(cpu, f | (z ? CC_Z : 0));
}

/* System descriptor types LAR and LSL accept (SDM "LAR", "LSL"). */
static bool sys_type_ok(X86CPU *cpu, uint32_t d1, bool lsl)
{
    unsigned t = (d1 >> 8) & 0xf;
    uint32_t ok;
    if (cpu->long_mode) {
        ok = 1u << 2 | 1u << 9 | 1u << 0xb | (lsl ? 0 : 1u << 0xc);
    } else {
        ok = 1u << 1 | 1u << 2 | 1u << 3 | 1u << 9 | 1u << 0xb |
             (lsl ? 0 : 1u << 4 | 1u << 5 | 1u << 0xc);
    }
    return (ok >> t) & 1;
}

void x86_op_lar(X86CPU *cpu, const X86Insn *i)
{
    uint32_t d[2];
    uint16_t sel = x86_op_read(cpu, i, 1);
    if (!pe_mode(cpu)) {
        x86_raise(cpu, EXCP_UD, 0);
    }
    if (!desc_visible(cpu, sel, d) ||
        (!(d[1] & DESC_S) && !sys_type_ok(cpu, d[1], false))) {
        set_zf(cpu, false);
        return;
    }
    x86_reg_write(cpu, i->op[0].reg, d[1] & 0x00f0ff00u, i->op[0].size);
    set_zf(cpu, true);
}

void x86_op_lsl(X86CPU *cpu, const X86Insn *i)
{
    uint32_t d[2];
    uint16_t sel = x86_op_read(cpu, i, 1);
    if (!pe_mode(cpu)) {
        x86_raise(cpu, EXCP_UD, 0);
    }
    if (!desc_visible(cpu, sel, d) ||
        (!(d[1] & DESC_S) && !sys_type_ok(cpu, d[1], true))) {
        set_zf(cpu, false);
        return;
    }
    x86_reg_write(cpu, i->op[0].reg, x86_desc_limit(d), i->op[0].size);
    set_zf(cpu, true);
}

static void verx(X86CPU *cpu, const X86Insn *i, bool write)
{
    uint32_t d[2];
    uint16_t sel = x86_op_read(cpu, i, 0);
    bool ok;
    if (!pe_mode(cpu)) {
        x86_raise(cpu, EXCP_UD, 0);
    }
    ok = desc_visible(cpu, sel, d) && (d[1] & DESC_S);
    if (ok && write) {
        ok = !(d[1] & DESC_CODE) && (d[1] & DESC_RW);
    } else if (ok) {
        ok = !(d[1] & DESC_CODE) || (d[1] & DESC_RW);
    }
    set_zf(cpu, ok);
}

void x86_op_verr(X86CPU *cpu, const X86Insn *i) { verx(cpu, i, false); }
void x86_op_verw(X86CPU *cpu, const X86Insn *i) { verx(cpu, i, true); }

void x86_op_arpl(X86CPU *cpu, const X86Insn *i)
{
    uint16_t dst, src;
    if (!pe_mode(cpu)) {
        x86_raise(cpu, EXCP_UD, 0);
    }
    dst = x86_op_read_rmw(cpu, i, 0);
    src = x86_op_read(cpu, i, 1);
    if ((dst & 3) < (src & 3)) {
        x86_op_write(cpu, i, 0, (dst & ~3u) | (src & 3));
        set_zf(cpu, true);
    } else {
        set_zf(cpu, false);
    }
}

void x86_op_cpuid(X86CPU *cpu, const X86Insn *i)
{
    uint32_t r[4];
    x86_cpuid(cpu, cpu->regs[R_EAX], cpu->regs[R_ECX], r);
    cpu->regs[R_EAX] = r[0];
    cpu->regs[R_EBX] = r[1];
    cpu->regs[R_ECX] = r[2];
    cpu->regs[R_EDX] = r[3];
}

void x86_op_rdtsc(X86CPU *cpu, const X86Insn *i)
{
    uint64_t tsc;
    if ((cpu->cr4 & CR4_TSD) && cpu->cpl != 0 && (cpu->cr0 & CR0_PE)) {
        x86_raise(cpu, EXCP_GP, 0);
    }
    tsc = x86_rdtsc(cpu);
    cpu->regs[R_EAX] = (uint32_t)tsc;
    cpu->regs[R_EDX] = tsc >> 32;
}

void x86_op_rdmsr(X86CPU *cpu, const X86Insn *i)
{
    uint64_t v;
    require_cpl0(cpu);
    if (!x86_msr_read(cpu, cpu->regs[R_ECX], &v)) {
        x86_raise(cpu, EXCP_GP, 0);
    }
    cpu->regs[R_EAX] = (uint32_t)v;
    cpu->regs[R_EDX] = v >> 32;
}

void x86_op_wrmsr(X86CPU *cpu, const X86Insn *i)
{
    uint64_t v = (uint32_t)cpu->regs[R_EAX] |
                 (cpu->regs[R_EDX] << 32);
    require_cpl0(cpu);
    if (!x86_msr_write(cpu, cpu->regs[R_ECX], v)) {
        x86_raise(cpu, EXCP_GP, 0);
    }
}
