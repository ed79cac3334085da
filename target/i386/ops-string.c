/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * String instructions and their REP prefixes: MOVS, CMPS, STOS, LODS,
 * SCAS, INS, OUTS (SDM vol. 2B "REP/REPE/REPZ/REPNE/REPNZ").
 *
 * The source is rSI in DS (overridable), the destination rDI in ES; both
 * step by the element size, down when EFLAGS.DF is set; the address size
 * selects SI/ESI/RSI and CX/ECX/RCX.  A REP instruction runs a bounded
 * number of iterations and then restarts itself (RIP rewound), so
 * interrupts are taken between iterations as on hardware; every iteration
 * commits its register updates, so a fault leaves a restartable state.
 */
#include <glib.h>

#include "target/i386/ops.h"

#define REP_CHUNK 4096

typedef struct StrCtx {
    unsigned size;
    uint64_t amask;
    int64_t step;
} StrCtx;

static void str_ctx(X86CPU *cpu, const X86Insn *i, StrCtx *c)
{
    c->size = i->op[0].size;
    c->amask = i->amask;
    c->step = (cpu->eflags & EF_DF) ? -(int64_t)c->size : c->size;
}

static inline uint64_t idx_reg(X86CPU *cpu, int r, const StrCtx *c)
{
    return cpu->regs[r] & c->amask;
}

static inline void idx_step(X86CPU *cpu, int r, const StrCtx *c)
{
    unsigned as = c->amask == 0xffff ? 2 : c->amask == 0xffffffff ? 4 : 8;
    x86_reg_write(cpu, r * 8, cpu->regs[r] + c->step, as);
}

/*
 * How many elements of @sz bytes from offset @off (linear @lin) stay
 * inside one page, the segment window and the address-size wrap, going
 * up (@down false) or down; at most @n.
 */
static uint64_t rep_span(const X86Seg *s, const StrCtx *c, uint64_t off,
                         uint64_t lin, uint64_t n, bool down)
{
    unsigned sz = c->size;
    uint64_t pg = lin & 0xfff;

    if (off < s->lo || off > s->hi || off + sz - 1 > s->hi ||
        pg + sz > 0x1000) {
        return 0;
    }
    if (down) {
        n = MIN(n, pg / sz + 1);
        n = MIN(n, off / sz + 1);
        return MIN(n, (off - s->lo) / sz + 1);
    }
    n = MIN(n, (0x1000 - pg) / sz);
    n = MIN(n, (c->amask - off) / sz + 1);
    return MIN(n, (s->hi - off) / sz + ((s->hi - off) % sz == sz - 1));
}

/*
 * REP MOVS/STOS fast path: as many elements as fit in the current pages,
 * straight through the TLB's host pointers, one element at a time in the
 * architectural order (overlapping MOVS replicates), up or down by DF.
 * Returns the elements done (0: take one element the checked way).
 */
static uint64_t rep_fast(X86CPU *cpu, const X86Insn *i, const StrCtx *c,
                         bool movs)
{
    unsigned sz = c->size;
    bool down = c->step < 0;
    int64_t st = c->step;
    uint64_t cnt = cpu->regs[R_ECX] & c->amask, n;
    uint64_t di = idx_reg(cpu, R_EDI, c), si = idx_reg(cpu, R_ESI, c);
    const X86Seg *es = &cpu->seg[R_ES], *ss = &cpu->seg[i->seg];
    uint64_t dlin, slin;
    X86TLBEntry *de, *se;
    uint8_t *d, *src = NULL;

    if (cnt < 2 || !(es->perm & SEG_PERM_W) ||
        (movs && !(ss->perm & SEG_PERM_R))) {
        return 0;
    }
    dlin = (es->base + di) & cpu->lin_mask;
    n = rep_span(es, c, di, dlin, MIN(cnt, REP_CHUNK), down);
    if (movs && n) {
        slin = (ss->base + si) & cpu->lin_mask;
        n = rep_span(ss, c, si, slin, n, down);
        se = x86_tlb_entry(cpu, slin);
        if (se->tag_r != (slin & ~0xfffull)) {
            return 0;
        }
        src = (uint8_t *)(uintptr_t)(slin + se->addend);
    }
    de = x86_tlb_entry(cpu, dlin);
    if (n == 0 || de->tag_w != (dlin & ~0xfffull)) {
        return 0;
    }
    d = (uint8_t *)(uintptr_t)(dlin + de->addend);
    if (movs) {
        for (uint64_t k = 0; k < n; k++) {
            x86_host_st(d + k * st, x86_host_ld(src + k * st, sz), sz);
        }
    } else {
        uint64_t v = x86_reg_read(cpu, 0, sz);
        for (uint64_t k = 0; k < n; k++) {
            x86_host_st(d + k * st, v, sz);
        }
    }
    return n;
}

static void rep_advance(X86CPU *cpu, const X86Insn *i, const StrCtx *c,
                        uint64_t n, bool movs)
{
    unsigned as = i->addrsize;
    x86_reg_write(cpu, R_EDI * 8, cpu->regs[R_EDI] + n * c->step, as);
    if (movs) {
        x86_reg_write(cpu, R_ESI * 8, cpu->regs[R_ESI] + n * c->step, as);
    }
    x86_reg_write(cpu, R_ECX * 8, cpu->regs[R_ECX] - n, as);
}

/* Run @one up to the REP count; @cmp_kind: 0 none, else REPE/REPNE test. */
typedef void (*StrStep)(X86CPU *cpu, const X86Insn *i, const StrCtx *c);
static void movs_one(X86CPU *cpu, const X86Insn *i, const StrCtx *c);
static void stos_one(X86CPU *cpu, const X86Insn *i, const StrCtx *c);

static void str_run(X86CPU *cpu, const X86Insn *i, StrStep one, bool is_cmp)
{
    StrCtx c;
    unsigned as = i->addrsize;

    str_ctx(cpu, i, &c);
    if (!i->rep) {
        one(cpu, i, &c);
        return;
    }
    if (one == movs_one || one == stos_one) {
        /* A page at a time; where that cannot be done (TLB not filled
         * yet, page or segment edge, MMIO) one element the checked way,
         * which fills the TLB or faults, then pages again. */
        for (unsigned round = 0; round < 256; round++) {
            uint64_t cnt = cpu->regs[R_ECX] & c.amask;
            uint64_t n;
            if (cnt == 0) {
                return;
            }
            n = rep_fast(cpu, i, &c, one == movs_one);
            if (n) {
                rep_advance(cpu, i, &c, n, one == movs_one);
                continue;
            }
            one(cpu, i, &c);
            x86_reg_write(cpu, R_ECX * 8, cnt - 1, as);
            if (unlikely(cpu->dr_hits)) {
                break;  /* the breakpoint's trap comes after this one */
            }
        }
    }
    for (unsigned n = 0; n < REP_CHUNK && !(one == movs_one ||
                                            one == stos_one); n++) {
        uint64_t cnt = cpu->regs[R_ECX] & c.amask;
        if (cnt == 0) {
            return;
        }
        one(cpu, i, &c);
        x86_reg_write(cpu, R_ECX * 8, cnt - 1, as);
        if (is_cmp && x86_cond(cpu, 4) != (i->rep == 0xf3)) {
            return;
        }
        if (unlikely(cpu->dr_hits)) {
            break;  /* the breakpoint's trap comes after this iteration */
        }
    }
    if ((cpu->regs[R_ECX] & c.amask) != 0) {
        /* Not finished: come back after checking for interrupts.  With
         * RF the instruction does not hit its breakpoint again, and an
         * event taken here pushes RF = 1 (SDM vol. 3B 17.3.1.1). */
        cpu->regs[R_RIP] -= i->len;
        if (cpu->debug_flags & X86_DEBUG_BP) {
            cpu->eflags |= EF_RF;
        }
        x86_stop_block(cpu);
    }
}

static void movs_one(X86CPU *cpu, const X86Insn *i, const StrCtx *c)
{
    uint64_t v = x86_ld(cpu, i->seg, idx_reg(cpu, R_ESI, c), c->size);
    x86_st(cpu, R_ES, idx_reg(cpu, R_EDI, c), v, c->size);
    idx_step(cpu, R_ESI, c);
    idx_step(cpu, R_EDI, c);
}

static void cmps_one(X86CPU *cpu, const X86Insn *i, const StrCtx *c)
{
    uint64_t a = x86_ld(cpu, i->seg, idx_reg(cpu, R_ESI, c), c->size);
    uint64_t b = x86_ld(cpu, R_ES, idx_reg(cpu, R_EDI, c), c->size);
    x86_cc_set(cpu, CC_OP_SUB, c->size, a, b, a - b);
    idx_step(cpu, R_ESI, c);
    idx_step(cpu, R_EDI, c);
}

static void stos_one(X86CPU *cpu, const X86Insn *i, const StrCtx *c)
{
    x86_st(cpu, R_ES, idx_reg(cpu, R_EDI, c),
           x86_reg_read(cpu, 0, c->size), c->size);
    idx_step(cpu, R_EDI, c);
}

static void lods_one(X86CPU *cpu, const X86Insn *i, const StrCtx *c)
{
    uint64_t v = x86_ld(cpu, i->seg, idx_reg(cpu, R_ESI, c), c->size);
    x86_reg_write(cpu, 0, v, c->size);
    idx_step(cpu, R_ESI, c);
}

static void scas_one(X86CPU *cpu, const X86Insn *i, const StrCtx *c)
{
    uint64_t a = x86_reg_read(cpu, 0, c->size);
    uint64_t b = x86_ld(cpu, R_ES, idx_reg(cpu, R_EDI, c), c->size);
    x86_cc_set(cpu, CC_OP_SUB, c->size, a, b, a - b);
    idx_step(cpu, R_EDI, c);
}

static void io_check(X86CPU *cpu, uint16_t port, unsigned size)
{
    if (!x86_io_allowed(cpu, port, size)) {
        x86_raise(cpu, EXCP_GP, 0);
    }
}

static void ins_one(X86CPU *cpu, const X86Insn *i, const StrCtx *c)
{
    uint16_t port = cpu->regs[R_EDX];
    uint64_t di = idx_reg(cpu, R_EDI, c);
    uint64_t lin = x86_seg_lin(cpu, R_ES, di, c->size, SEG_PERM_W);
    io_check(cpu, port, c->size);
    x86_probe_write(cpu, lin, c->size);
    x86_st_lin(cpu, lin, cpu->plat.io_read(cpu->plat.opaque, port, c->size),
               c->size);
    idx_step(cpu, R_EDI, c);
    if (unlikely(cpu->dr_io)) {
        x86_debug_io_access(cpu, port, c->size);
    }
}

static void outs_one(X86CPU *cpu, const X86Insn *i, const StrCtx *c)
{
    uint16_t port = cpu->regs[R_EDX];
    uint64_t v;
    io_check(cpu, port, c->size);
    v = x86_ld(cpu, i->seg, idx_reg(cpu, R_ESI, c), c->size);
    cpu->plat.io_write(cpu->plat.opaque, port, v, c->size);
    idx_step(cpu, R_ESI, c);
    if (unlikely(cpu->dr_io)) {
        x86_debug_io_access(cpu, port, c->size);
    }
}

void x86_op_movs(X86CPU *cpu, const X86Insn *i) { str_run(cpu, i, movs_one, false); }
void x86_op_cmps(X86CPU *cpu, const X86Insn *i) { str_run(cpu, i, cmps_one, true); }
void x86_op_stos(X86CPU *cpu, const X86Insn *i) { str_run(cpu, i, stos_one, false); }
void x86_op_lods(X86CPU *cpu, const X86Insn *i) { str_run(cpu, i, lods_one, false); }
void x86_op_scas(X86CPU *cpu, const X86Insn *i) { str_run(cpu, i, scas_one, true); }
void x86_op_ins(X86CPU *cpu, const X86Insn *i) { str_run(cpu, i, ins_one, false); }
void x86_op_outs(X86CPU *cpu, const X86Insn *i) { str_run(cpu, i, outs_one, false); }
