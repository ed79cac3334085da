/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Segmentation (SDM vol. 3A ch. 3 and 5): segment-register loads with the
 * descriptor type, privilege and presence checks of 5.5-5.8, expand-down
 * and conforming segments, far JMP/CALL/RET through code segments and call
 * gates (5.8.3-5.8.6), MOV/POP to segment registers, LDS/LES/LFS/LGS/LSS.
 * Real-address and virtual-8086 loads only set selector and base.
 * A call through a gate to an inner privilege level copies the gate's
 * parameter count of stack entries to the new stack (5.8.5); far CALL and
 * JMP to a TSS or task gate switch tasks (task.c).
 * Deviation: 16-bit call gates to inner privilege are not modelled.
 */
#include "target/i386/ops.h"

static bool pe_mode(X86CPU *cpu)
{
    return (cpu->cr0 & CR0_PE) && !(cpu->eflags & EF_VM);
}

/* Offsets below fast_lim pass the limit check for any access of up to 8
 * bytes (mem.h); 0 sends every access to the exact check. */
static void seg_fast_lim(X86Seg *s)
{
    s->fast_lim = s->lo == 0 && s->hi >= 7 ? s->hi - 6 : 0;
}

/* Recompute the offset window and permissions of a cached segment. */
static void seg_window(X86CPU *cpu, int seg)
{
    X86Seg *s = &cpu->seg[seg];
    uint32_t f = s->flags;

    if (cpu->code_size == 8 && seg < R_LDTR) {
        s->lo = 0;
        s->hi = ~0ull;
        s->perm = seg == R_CS ? SEG_PERM_R : SEG_PERM_R | SEG_PERM_W;
        seg_fast_lim(s);
        return;
    }
    if (!pe_mode(cpu)) {
        s->perm = SEG_PERM_R | SEG_PERM_W;
    } else if (!(f & DESC_P) || !(f & DESC_S)) {
        s->perm = seg >= R_LDTR ? SEG_PERM_R : 0;
    } else if (f & DESC_CODE) {
        s->perm = (f & DESC_RW) ? SEG_PERM_R : 0;
    } else {
        s->perm = SEG_PERM_R | ((f & DESC_RW) ? SEG_PERM_W : 0);
    }
    if ((f & DESC_S) && !(f & DESC_CODE) && (f & DESC_CE) && pe_mode(cpu)) {
        s->lo = (uint64_t)s->limit + 1;
        s->hi = (f & DESC_B) ? 0xffffffffull : 0xffffull;
    } else {
        s->lo = 0;
        s->hi = s->limit;
    }
    seg_fast_lim(s);
}

void x86_seg_set_cache(X86CPU *cpu, int seg, uint16_t sel, uint64_t base,
                       uint32_t limit, uint32_t flags)
{
    X86Seg *s = &cpu->seg[seg];
    s->sel = sel;
    s->base = base;
    s->limit = limit;
    s->flags = flags;
    seg_window(cpu, seg);
    if (seg == R_CS || seg == R_SS) {
        x86_update_mode(cpu);
    }
}

void x86_seg_refresh_all(X86CPU *cpu)
{
    for (int s = 0; s < X86_NSEGS; s++) {
        seg_window(cpu, s);
    }
}

void x86_seg_load_real(X86CPU *cpu, int seg, uint16_t sel)
{
    X86Seg *s = &cpu->seg[seg];
    uint32_t flags = s->flags;
    uint32_t limit = s->limit;
    if (cpu->eflags & EF_VM) {
        flags = DESC_P | DESC_S | DESC_RW | DESC_A | (3u << DESC_DPL_SHIFT) |
                (seg == R_CS ? DESC_CODE : 0);
        limit = 0xffff;
    }
    x86_seg_set_cache(cpu, seg, sel, (uint64_t)sel << 4, limit, flags);
}

static uint64_t desc_base(const uint32_t d[2])
{
    return (d[0] >> 16) | ((d[1] & 0xff) << 16) | (d[1] & 0xff000000u);
}

uint32_t x86_desc_limit(const uint32_t d[2])
{
    uint32_t l = (d[0] & 0xffff) | (d[1] & 0x000f0000u);
    return (d[1] & DESC_G) ? (l << 12) | 0xfff : l;
}

/* Descriptor of @sel from the GDT or LDT; false (no fault) if the index
 * is beyond the table limit. */
bool x86_desc_fetch(X86CPU *cpu, uint16_t sel, uint32_t desc[2], int exc)
{
    uint64_t base;
    uint32_t limit;
    if (sel & 4) {
        if (!(cpu->seg[R_LDTR].flags & DESC_P) ||
            (cpu->seg[R_LDTR].sel & ~3) == 0) {
            return false;
        }
        base = cpu->seg[R_LDTR].base, limit = cpu->seg[R_LDTR].limit;
    } else {
        base = cpu->gdt.base, limit = cpu->gdt.limit;
    }
    if ((sel | 7u) > limit) {
        return false;
    }
    desc[0] = x86_ld_sys(cpu, base + (sel & ~7u), 4);
    desc[1] = x86_ld_sys(cpu, base + (sel & ~7u) + 4, 4);
    return true;
}

static void desc_set_accessed(X86CPU *cpu, uint16_t sel, uint32_t desc[2])
{
    uint64_t base = (sel & 4) ? cpu->seg[R_LDTR].base : cpu->gdt.base;
    if (!(desc[1] & DESC_A)) {
        desc[1] |= DESC_A;
        x86_st_sys(cpu, base + (sel & ~7u) + 4, desc[1], 4);
    }
}

void x86_seg_load_desc(X86CPU *cpu, int seg, uint16_t sel,
                       const uint32_t d[2])
{
    x86_seg_set_cache(cpu, seg, sel, desc_base(d), x86_desc_limit(d),
                      d[1] & 0x00f0ff00u);
}

/* MOV/POP/LxS to a data segment register or SS (SDM 5.5, 5.6, 6.3). */
void x86_seg_load(X86CPU *cpu, int seg, uint16_t sel)
{
    uint32_t d[2], dpl, rpl = sel & 3, cpl = cpu->cpl;

    if (!pe_mode(cpu)) {
        x86_seg_load_real(cpu, seg, sel);
        return;
    }
    if ((sel & ~3u) == 0) {
        if (seg == R_SS && (cpu->code_size != 8 || cpl == 3 || rpl != cpl)) {
            x86_raise(cpu, EXCP_GP, 0);
        }
        x86_seg_set_cache(cpu, seg, sel, 0, 0, 0);
        return;
    }
    if (!x86_desc_fetch(cpu, sel, d, EXCP_GP)) {
        x86_raise(cpu, EXCP_GP, sel & ~3u);
    }
    dpl = (d[1] >> DESC_DPL_SHIFT) & 3;
    if (!(d[1] & DESC_S)) {
        x86_raise(cpu, EXCP_GP, sel & ~3u);
    }
    if (seg == R_SS) {
        if ((d[1] & DESC_CODE) || !(d[1] & DESC_RW) || rpl != cpl ||
            dpl != cpl) {
            x86_raise(cpu, EXCP_GP, sel & ~3u);
        }
        if (!(d[1] & DESC_P)) {
            x86_raise(cpu, EXCP_SS, sel & ~3u);
        }
    } else {
        bool code = d[1] & DESC_CODE;
        if (code && !(d[1] & DESC_RW)) {
            x86_raise(cpu, EXCP_GP, sel & ~3u);
        }
        if ((!code || !(d[1] & DESC_CE)) && (dpl < cpl || dpl < rpl)) {
            x86_raise(cpu, EXCP_GP, sel & ~3u);
        }
        if (!(d[1] & DESC_P)) {
            x86_raise(cpu, EXCP_NP, sel & ~3u);
        }
    }
    desc_set_accessed(cpu, sel, d);
    x86_seg_load_desc(cpu, seg, sel, d);
}

/* Load CS for a transfer to code descriptor @d at privilege @cpl. */
static void load_cs(X86CPU *cpu, uint16_t sel, uint32_t d[2], unsigned cpl,
                    uint64_t off)
{
    uint32_t limit = x86_desc_limit(d);
    bool is64 = cpu->long_mode && (d[1] & DESC_L);
    if (!is64 && off > limit) {
        x86_raise(cpu, EXCP_GP, 0);
    }
    desc_set_accessed(cpu, sel, d);
    x86_set_cpl(cpu, cpl);
    x86_seg_load_desc(cpu, R_CS, (sel & ~3u) | cpl, d);
    cpu->regs[R_RIP] = is64 ? off : off & 0xffffffffull;
}

/* Checks common to far JMP/CALL to a code segment; returns the DPL. */
static unsigned check_code_target(X86CPU *cpu, uint16_t sel, uint32_t d[2],
                                  bool via_gate)
{
    unsigned dpl = (d[1] >> DESC_DPL_SHIFT) & 3, rpl = sel & 3;
    if (!(d[1] & DESC_S) || !(d[1] & DESC_CODE)) {
        x86_raise(cpu, EXCP_GP, sel & ~3u);
    }
    if (d[1] & DESC_CE) {
        if (dpl > cpu->cpl) {
            x86_raise(cpu, EXCP_GP, sel & ~3u);
        }
    } else if (via_gate ? dpl > cpu->cpl
                        : (rpl > cpu->cpl || dpl != cpu->cpl)) {
        x86_raise(cpu, EXCP_GP, sel & ~3u);
    }
    if (!(d[1] & DESC_P)) {
        x86_raise(cpu, EXCP_NP, sel & ~3u);
    }
    return dpl;
}

/* Read a call gate at @sel; returns target selector and offset. */
static void read_gate(X86CPU *cpu, uint16_t sel, uint32_t d[2],
                      uint16_t *tsel, uint64_t *toff)
{
    unsigned dpl = (d[1] >> DESC_DPL_SHIFT) & 3;
    unsigned type = (d[1] >> 8) & 0x1f;
    if (dpl < cpu->cpl || dpl < (sel & 3u)) {
        x86_raise(cpu, EXCP_GP, sel & ~3u);
    }
    if (!(d[1] & DESC_P)) {
        x86_raise(cpu, EXCP_NP, sel & ~3u);
    }
    *tsel = d[0] >> 16;
    *toff = (d[0] & 0xffff) | (type == 0xc ? (d[1] & 0xffff0000u) : 0);
    if (cpu->long_mode) {
        uint64_t base = (sel & 4) ? cpu->seg[R_LDTR].base : cpu->gdt.base;
        *toff |= (uint64_t)x86_ld_sys(cpu, base + (sel & ~7u) + 8, 4) << 32;
    }
}

static void fetch_or_gp(X86CPU *cpu, uint16_t sel, uint32_t d[2])
{
    if ((sel & ~3u) == 0 || !x86_desc_fetch(cpu, sel, d, EXCP_GP)) {
        x86_raise(cpu, EXCP_GP, sel & ~3u);
    }
}

void x86_far_jmp(X86CPU *cpu, uint16_t sel, uint64_t off)
{
    uint32_t d[2];
    if (!pe_mode(cpu)) {
        x86_seg_load_real(cpu, R_CS, sel);
        cpu->regs[R_RIP] = off & 0xffffffff;
        return;
    }
    fetch_or_gp(cpu, sel, d);
    if (d[1] & DESC_S) {
        check_code_target(cpu, sel, d, false);
        load_cs(cpu, sel, d, cpu->cpl, off);
        return;
    }
    switch ((d[1] >> 8) & 0xf) {
    case 0x4: case 0xc: {
        uint16_t tsel;
        uint64_t toff;
        read_gate(cpu, sel, d, &tsel, &toff);
        fetch_or_gp(cpu, tsel, d);
        check_code_target(cpu, tsel, d, true);
        if (!(d[1] & DESC_CE) && ((d[1] >> DESC_DPL_SHIFT) & 3) != cpu->cpl) {
            x86_raise(cpu, EXCP_GP, tsel & ~3u);
        }
        load_cs(cpu, tsel, d, cpu->cpl, toff);
        return;
    }
    case 0x1: case 0x9: case 0x5:
        x86_task_switch(cpu, sel, 0, false, 0);
        return;
    default:
        x86_raise(cpu, EXCP_GP, sel & ~3u);
    }
}

/* Inner stack from the TSS for privilege @dpl (SDM 7.2.1, 7.7). */
void x86_tss_stack(X86CPU *cpu, unsigned dpl, uint16_t *ss, uint64_t *sp)
{
    X86Seg *tr = &cpu->seg[R_TR];
    if (cpu->long_mode) {
        unsigned o = 4 + dpl * 8;
        if (o + 7 > tr->limit) {
            x86_raise(cpu, EXCP_TS, tr->sel & ~3u);
        }
        *sp = x86_ld_sys(cpu, tr->base + o, 8);
        *ss = dpl;
        return;
    }
    bool t32 = ((tr->flags >> 8) & 0xf) >= 9;
    unsigned o = t32 ? 4 + dpl * 8 : 2 + dpl * 4;
    if (o + (t32 ? 5 : 3) > tr->limit) {
        x86_raise(cpu, EXCP_TS, tr->sel & ~3u);
    }
    *sp = x86_ld_sys(cpu, tr->base + o, t32 ? 4 : 2);
    *ss = x86_ld_sys(cpu, tr->base + o + (t32 ? 4 : 2), 2);
}

/* Load SS for a privilege change to @cpl, checking as 6.12.1.1. */
void x86_load_inner_ss(X86CPU *cpu, uint16_t ss, unsigned cpl, int exc)
{
    uint32_t d[2];
    if ((ss & ~3u) == 0) {
        if (cpu->long_mode) {
            x86_seg_set_cache(cpu, R_SS, ss, 0, 0,
                              DESC_P | DESC_S | DESC_RW |
                              (cpl << DESC_DPL_SHIFT));
            return;
        }
        x86_raise(cpu, exc, ss & ~3u);
    }
    if (!x86_desc_fetch(cpu, ss, d, exc) || (ss & 3) != cpl ||
        ((d[1] >> DESC_DPL_SHIFT) & 3) != cpl || !(d[1] & DESC_S) ||
        (d[1] & DESC_CODE) || !(d[1] & DESC_RW)) {
        x86_raise(cpu, exc, ss & ~3u);
    }
    if (!(d[1] & DESC_P)) {
        x86_raise(cpu, EXCP_SS, ss & ~3u);
    }
    desc_set_accessed(cpu, ss, d);
    x86_seg_load_desc(cpu, R_SS, ss, d);
}

void x86_far_call(X86CPU *cpu, uint16_t sel, uint64_t off, unsigned opsize)
{
    uint32_t d[2];
    uint16_t old_cs = cpu->seg[R_CS].sel;
    uint64_t next = cpu->regs[R_RIP];

    if (!pe_mode(cpu)) {
        x86_push(cpu, old_cs, opsize);
        x86_push(cpu, next, opsize);
        x86_seg_load_real(cpu, R_CS, sel);
        cpu->regs[R_RIP] = off & x86_size_mask(opsize);
        return;
    }
    fetch_or_gp(cpu, sel, d);
    if (d[1] & DESC_S) {
        check_code_target(cpu, sel, d, false);
        x86_push(cpu, old_cs, opsize);
        x86_push(cpu, next, opsize);
        load_cs(cpu, sel, d, cpu->cpl, off);
        return;
    }
    switch ((d[1] >> 8) & 0xf) {
    case 0x4: case 0xc: {
        uint16_t tsel, nss;
        uint64_t toff, nsp, old_ss = cpu->seg[R_SS].sel;
        uint64_t old_sp = cpu->regs[R_ESP], params[31];
        unsigned dpl, gsize = ((d[1] >> 8) & 0xf) == 0xc ?
                              (cpu->long_mode ? 8 : 4) : 2;
        /* Parameter count (5.8.5): 64-bit call gates have none. */
        unsigned nparams = cpu->long_mode ? 0 : d[1] & 0x1f;
        read_gate(cpu, sel, d, &tsel, &toff);
        fetch_or_gp(cpu, tsel, d);
        dpl = check_code_target(cpu, tsel, d, true);
        if (!(d[1] & DESC_CE) && dpl < cpu->cpl) {
            for (unsigned k = 0; k < nparams; k++) {
                params[k] = x86_stack_peek(cpu, k * gsize, gsize);
            }
            x86_tss_stack(cpu, dpl, &nss, &nsp);
            x86_load_inner_ss(cpu, nss, dpl, EXCP_TS);
            x86_set_cpl(cpu, dpl);
            x86_reg_write(cpu, R_ESP * 8, nsp, gsize == 8 ? 8 : 4);
            x86_push(cpu, old_ss, gsize);
            x86_push(cpu, old_sp, gsize);
            /* The caller's parameters, in the same order, on the new
             * stack (5.8.5, figure 5-13). */
            for (unsigned k = nparams; k-- > 0;) {
                x86_push(cpu, params[k], gsize);
            }
        }
        x86_push(cpu, old_cs, gsize);
        x86_push(cpu, next, gsize);
        load_cs(cpu, tsel, d, dpl < cpu->cpl ? dpl : cpu->cpl, toff);
        return;
    }
    case 0x1: case 0x9: case 0x5:
        x86_task_switch(cpu, sel, 1, false, 0);
        return;
    default:
        x86_raise(cpu, EXCP_GP, sel & ~3u);
    }
}

/* A data segment register is nulled on a return to an outer level when
 * its DPL is below the new CPL (SDM "RET", "IRET"). */
void x86_seg_validate_outer(X86CPU *cpu)
{
    static const int segs[] = { R_ES, R_DS, R_FS, R_GS };
    for (unsigned k = 0; k < 4; k++) {
        X86Seg *s = &cpu->seg[segs[k]];
        unsigned dpl = (s->flags >> DESC_DPL_SHIFT) & 3;
        bool conf_code = (s->flags & DESC_CODE) && (s->flags & DESC_CE);
        if (!conf_code && dpl < cpu->cpl && (s->flags & DESC_S)) {
            x86_seg_set_cache(cpu, segs[k], 0, 0, 0, 0);
        }
    }
}

void x86_far_ret(X86CPU *cpu, unsigned opsize, unsigned imm)
{
    uint64_t off = x86_stack_peek(cpu, 0, opsize);
    uint16_t sel = x86_stack_peek(cpu, opsize, opsize);
    uint32_t d[2];
    unsigned rpl = sel & 3, dpl;

    if (!pe_mode(cpu)) {
        x86_seg_load_real(cpu, R_CS, sel);
        cpu->regs[R_RIP] = off & x86_size_mask(opsize);
        x86_stack_adjust(cpu, 2 * opsize + imm);
        return;
    }
    fetch_or_gp(cpu, sel, d);
    dpl = (d[1] >> DESC_DPL_SHIFT) & 3;
    if (rpl < cpu->cpl || !(d[1] & DESC_S) || !(d[1] & DESC_CODE) ||
        ((d[1] & DESC_CE) ? dpl > rpl : dpl != rpl)) {
        x86_raise(cpu, EXCP_GP, sel & ~3u);
    }
    if (!(d[1] & DESC_P)) {
        x86_raise(cpu, EXCP_NP, sel & ~3u);
    }
    if (rpl == cpu->cpl) {
        load_cs(cpu, sel, d, rpl, off);
        x86_stack_adjust(cpu, 2 * opsize + imm);
        return;
    }
    {
        uint64_t nsp = x86_stack_peek(cpu, 2 * opsize + imm, opsize);
        uint16_t nss = x86_stack_peek(cpu, 3 * opsize + imm, opsize);
        load_cs(cpu, sel, d, rpl, off);
        x86_load_inner_ss(cpu, nss, rpl, EXCP_GP);
        x86_reg_write(cpu, R_ESP * 8, nsp + imm,
                      opsize == 2 ? 2 : x86_stack_size(cpu));
        x86_seg_validate_outer(cpu);
    }
}

void x86_op_mov_to_seg(X86CPU *cpu, const X86Insn *i)
{
    int seg = i->op[0].reg;
    if (seg == R_CS || seg > R_GS) {
        x86_raise(cpu, EXCP_UD, 0);
    }
    x86_seg_load(cpu, seg, x86_op_read(cpu, i, 1));
    if (seg == R_SS) {
        cpu->inhibit_irq = true;
        cpu->inhibit_irq_eip = cpu->regs[R_RIP];
        if (unlikely(cpu->debug_flags)) {
            x86_debug_ss_shadow(cpu);
        }
    }
}

void x86_op_mov_from_seg(X86CPU *cpu, const X86Insn *i)
{
    int seg = i->op[1].reg;
    if (seg > R_GS) {
        x86_raise(cpu, EXCP_UD, 0);
    }
    if (i->op[0].kind == OPK_MEM) {
        x86_op_store(cpu, i, 0, cpu->seg[seg].sel);
    } else {
        x86_reg_write(cpu, i->op[0].reg, cpu->seg[seg].sel,
                      i->op[0].size == 8 ? 8 : 4);
    }
}

/* LDS LES LSS LFS LGS: opcode picks the segment register. */
void x86_op_lseg(X86CPU *cpu, const X86Insn *i)
{
    static const int8_t segs_1b[2] = { R_ES, R_DS };        /* C4, C5 */
    static const int8_t segs_0f[4] = { R_SS, -1, R_FS, R_GS };  /* B2-B5 */
    int seg = i->map ? segs_0f[i->opcode - 0xb2] : segs_1b[i->opcode - 0xc4];
    unsigned size = i->op[0].size;
    uint64_t ea = x86_insn_ea(cpu, i);
    uint64_t off = x86_ld(cpu, i->seg, ea, size);
    uint16_t sel = x86_ld(cpu, i->seg, (ea + size) & i->amask, 2);

    x86_seg_load(cpu, seg, sel);
    x86_reg_write(cpu, i->op[0].reg, off, size);
}
