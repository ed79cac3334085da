/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The block translator's guest register cache (docs/devel/cpu-translator.md
 * "Guest registers in host registers").
 *
 * Within one translated block the general registers its inline templates
 * use most (at most JIT_NREGS, each used at least twice or, in a block
 * that loops to its own start, once; never one whose
 * high byte, AH-BH, the block names) live in callee-saved host registers:
 * loaded at their first use (in a block that loops, after the prologue),
 * written back to cpu->regs[] only when changed ("dirty") and only before
 * something can read cpu->regs[] or leave: every handler call (then
 * reloaded at their next use), every slow-
 * path stub (which writes back every cached register: x86_ld_slow() and
 * x86_st_slow() may raise, and an exception leaves by siglongjmp, so
 * memory must be the guest's state at each call), every exit and chain.
 * Every access site goes through jx_reg_host(), jx_reg_read() or
 * jx_reg_write(), which load a cached register whose host copy is not
 * valid first, so the plan is a performance choice only.
 *
 * The guest's register file is cpu->regs[] (X86_NREGS qwords); operands
 * name registers by byte offset into it, so offset 8n + 1 is the high
 * byte of register n (x86_reg_write(): a 32-bit write zero-extends, an 8
 * or 16-bit one keeps the rest).
 *
 * Also here: ROL/ROR of a register by a constant when the next entry
 * overwrites the flags (jx_rot_dead()), on the cached register if any.
 */
#include <glib.h>

#include "target/i386/jit-int.h"

static const int jit_host_regs[JIT_NREGS] = { H_R12, H_R13, H_R15 };

/* Count @n's use at entry @k (or forbid it: a high-byte use). */
static void plan_use(unsigned *uses, uint16_t *no, unsigned off)
{
    unsigned n = off / 8;

    if (n >= JIT_GUEST_REGS) {
        return;
    }
    if (off % 8) {
        *no |= 1u << n;
    }
    uses[n]++;
}

/* Entry @k's register uses, inline templates only (a called handler
 * reads and writes cpu->regs[]). */
static void plan_entry(const JitCtx *c, unsigned k, unsigned *uses,
                       uint16_t *no)
{
    const X86Insn *i = &c->b->insns[k];
    JitOp o = jit_classify(c->b, i);

    if (o.kind == JK_CALL || o.kind == JK_PURE) {
        return;
    }
    for (int n = 0; n < 3; n++) {
        if (i->op[n].kind == OPK_REG) {
            plan_use(uses, no, i->op[n].reg);
        }
    }
    if (jit_has_mem(i)) {
        if (i->base < JIT_GUEST_REGS) {
            plan_use(uses, no, i->base * 8);
        }
        if (i->index < JIT_GUEST_REGS) {
            plan_use(uses, no, i->index * 8);
        }
    }
    if (o.kind == JK_PUSH || o.kind == JK_CALLN || o.kind == JK_RET) {
        plan_use(uses, no, R_ESP * 8);
        plan_use(uses, no, R_ESP * 8);
    }
}

void jx_regs_plan(JitCtx *c)
{
    unsigned uses[JIT_GUEST_REGS] = { 0 };
    uint16_t no = 0;

    memset(c->host_of, -1, sizeof(c->host_of));
    c->cached = c->valid = c->dirty = 0;
    for (unsigned k = 0; k < c->b->n_insns; k++) {
        plan_entry(c, k, uses, &no);
    }
    for (unsigned h = 0; h < JIT_NREGS; h++) {
        int best = -1;

        for (unsigned n = 0; n < JIT_GUEST_REGS; n++) {
            if (!(no & (1u << n)) && !(c->cached & (1u << n)) &&
                uses[n] >= (c->loops ? 1u : 2u) && (best < 0 || uses[n] > uses[best])) {
                best = n;
            }
        }
        if (best < 0) {
            break;
        }
        c->host_of[best] = jit_host_regs[h];
        c->cached |= 1u << best;
    }
}

void jx_regs_load(JitCtx *c, uint16_t mask)
{
    mask &= c->cached;
    for (unsigned n = 0; n < JIT_GUEST_REGS; n++) {
        if (mask & (1u << n)) {
            jit_load(&c->j, c->host_of[n], 8, H_RBX, H_NONE, 0, CPU_REG(n));
        }
    }
    c->valid |= mask;
    c->dirty &= ~mask;
}

void jx_regs_store(JitCtx *c, uint16_t mask)
{
    mask &= c->valid;
    for (unsigned n = 0; n < JIT_GUEST_REGS; n++) {
        if (mask & (1u << n)) {
            jit_store(&c->j, c->host_of[n], 8, H_RBX, CPU_REG(n));
        }
    }
}

void jx_regs_before_call(JitCtx *c)
{
    jx_regs_store(c, c->dirty);
    c->dirty = 0;
}

void jx_regs_after_call(JitCtx *c)
{
    c->valid = 0;               /* reloaded at their next use */
}

int jx_reg_host(JitCtx *c, unsigned n)
{
    if (n >= JIT_GUEST_REGS || !(c->cached & (1u << n))) {
        return H_NONE;
    }
    if (!(c->valid & (1u << n))) {
        jx_regs_load(c, 1u << n);
    }
    return c->host_of[n];
}

int jx_reg_host_wr(JitCtx *c, unsigned n, unsigned size)
{
    if (n >= JIT_GUEST_REGS || !(c->cached & (1u << n))) {
        return H_NONE;
    }
    if (size < 4) {
        return jx_reg_host(c, n);           /* the write merges */
    }
    c->valid |= 1u << n;                    /* the write sets all of it */
    return c->host_of[n];
}

void jx_reg_read(JitCtx *c, int dst, unsigned off, unsigned size)
{
    int h = off % 8 ? H_NONE : jx_reg_host(c, off / 8);

    if (h == H_NONE) {
        jit_load(&c->j, dst, size, H_RBX, H_NONE, 0, CPU_REG(0) + off);
    } else if (size >= 4) {
        jit_mov(&c->j, size, dst, h);           /* 4: zero-extends */
    } else {
        jit_rr(&c->j, size == 1 ? 0x0fb6 : 0x0fb7, 4, dst, h);
    }
}

void jx_reg_write(JitCtx *c, int src, unsigned off, unsigned size)
{
    int h = off % 8 ? H_NONE : jx_reg_host_wr(c, off / 8, size);

    if (h == H_NONE) {
        if (size == 4) {
            jit_mov(&c->j, 4, src, src);
            size = 8;
        }
        jit_store(&c->j, src, size, H_RBX, CPU_REG(0) + off);
        return;
    }
    jit_rr(&c->j, size == 1 ? 0x88 : 0x89, size, src, h);
    c->dirty |= 1u << (off / 8);
}

/*
 * ROL/ROR of a 32/64-bit register by a constant whose flags the next
 * entry overwrites (c->flags_dead): the host's rotate, no record (fm_rot()
 * would merge CF and OF into the previous flags).  False otherwise: the
 * handler is called.
 */
bool jx_rot_dead(JitCtx *c, unsigned k)
{
    const X86Insn *i = &c->b->insns[k];
    const X86Operand *d = &i->op[0];
    unsigned n = i->imm & (d->size == 8 ? 63 : 31);
    int h;

    if (!c->flags_dead || i->map != 0 || i->modrm_reg > 1 ||
        (i->opcode != 0xc1 && i->opcode != 0xd1) || d->kind != OPK_REG ||
        (d->size != 4 && d->size != 8) || d->reg % 8) {
        return false;
    }
    h = jx_reg_host(c, d->reg / 8);
    if (h == H_NONE) {
        jx_reg_read(c, H_RAX, d->reg, d->size);
        if (n) {
            jit_shift_ri(&c->j, i->modrm_reg, d->size, H_RAX, n);
        }
        jx_reg_write(c, H_RAX, d->reg, d->size);
        return true;
    }
    if (n) {
        jit_shift_ri(&c->j, i->modrm_reg, d->size, h, n);
    } else {
        jit_mov(&c->j, d->size, h, h);          /* 32-bit: zero-extends */
    }
    c->dirty |= 1u << (d->reg / 8);
    return true;
}
