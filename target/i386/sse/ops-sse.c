/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SSE dispatcher: executes the MMX/SSE/SSE2/SSE3 instructions of the
 * two-byte map from their x86_sse_table cell: fault checks, operand fetch
 * (XMM, MMX, general registers, memory with the 16-byte alignment rule),
 * the operation from sse-ops.h, MXCSR update and #XM, write-back.
 *
 * Spec: Intel SDM vol. 3 table 2-2 and 13.1-13.4 (CR0.EM -> #UD, CR0.TS
 * -> #NM, CR4.OSFXSR required for SSE, #XM vs #UD by CR4.OSXMMEXCPT),
 * vol. 1 9.5.1 (an MMX instruction sets TOP = 0 and all tags valid; a
 * pending x87 error gives #MF first), 11.4.1.1 / vol. 2 "Exceptions" of
 * each instruction (#GP(0) for misaligned m128 of the aligned forms).
 */
#include <string.h>

#include "target/i386/cpu.h"
#include "target/i386/insn.h"
#include "target/i386/mem.h"
#include "target/i386/sse/ops-sse.h"

enum { PFX_NONE, PFX_66, PFX_F3, PFX_F2 };

typedef struct SseCtx {
    const SseDesc *d;
    bool mem;
    bool reg_mmx, rm_mmx;
    unsigned reg, rm;       /* register numbers (REX applied for XMM) */
    unsigned gpr_reg, gpr_rm;
    uint64_t ea;
} SseCtx;

static void get_reg(X86CPU *cpu, bool mmx, unsigned n, XMMReg *v)
{
    if (mmx) {
        v->q[0] = x87_mmx_read(&cpu->x87, (int)n);
        v->q[1] = 0;
    } else {
        /* Word copies: the operations write registers 8 bytes at a time,
         * and a 16-byte reload of those would stall store forwarding. */
        v->q[0] = cpu->xmm[n].q[0];
        v->q[1] = cpu->xmm[n].q[1];
    }
}

static void set_reg(X86CPU *cpu, bool mmx, unsigned n, const XMMReg *v)
{
    if (mmx) {
        x87_mmx_write(&cpu->x87, (int)n, v->q[0]);
    } else {
        cpu->xmm[n].q[0] = v->q[0];
        cpu->xmm[n].q[1] = v->q[1];
    }
}

static void load_mem(X86CPU *cpu, const X86Insn *insn, uint64_t ea,
                     unsigned size, XMMReg *v)
{
    memset(v, 0, sizeof(*v));
    if (size == 16) {
        v->q[0] = x86_ld(cpu, insn->seg, ea & insn->amask, 8);
        v->q[1] = x86_ld(cpu, insn->seg, (ea + 8) & insn->amask, 8);
    } else {
        v->q[0] = x86_ld(cpu, insn->seg, ea & insn->amask, size);
    }
}

static void store_mem(X86CPU *cpu, const X86Insn *insn, uint64_t ea,
                      unsigned size, const XMMReg *v)
{
    if (size == 16) {
        uint64_t lin = x86_seg_lin(cpu, insn->seg, ea, 16, SEG_PERM_W);
        x86_probe_write(cpu, lin, 16);
        x86_st(cpu, insn->seg, ea & insn->amask, v->q[0], 8);
        x86_st(cpu, insn->seg, (ea + 8) & insn->amask, v->q[1], 8);
    } else {
        x86_st(cpu, insn->seg, ea & insn->amask, v->q[0], size);
    }
}

static unsigned width(const SseCtx *c, bool mmx)
{
    return mmx ? 8 : 16;
}

/* The r/m operand as a vector: register, or @size bytes of memory. */
static void get_rm(X86CPU *cpu, const X86Insn *insn, const SseCtx *c,
                   unsigned size, XMMReg *v)
{
    if (!c->mem) {
        get_reg(cpu, c->rm_mmx, c->rm, v);
        return;
    }
    if (size == 16 && !(c->d->flags & SF_UNALIGNED) && (c->ea & 15)) {
        x86_raise(cpu, EXCP_GP, 0);
    }
    load_mem(cpu, insn, c->ea, size, v);
}

static void checks(X86CPU *cpu, const SseCtx *c)
{
    unsigned flags = c->d->flags;
    bool xmm = !(flags & SF_MMX);

    if ((cpu->cr0 & CR0_EM) || (xmm && !(cpu->cr4 & CR4_OSFXSR))) {
        x86_raise_noerr(cpu, EXCP_UD);
    }
    if (cpu->cr0 & CR0_TS) {
        x86_raise_noerr(cpu, EXCP_NM);
    }
    if (flags & (SF_MMX | SF_REG_MMX | SF_RM_MMX)) {
        if (x87_mf_pending(&cpu->x87) && (cpu->cr0 & CR0_NE)) {
            x86_raise_noerr(cpu, EXCP_MF);
        }
        x87_mmx_enter(&cpu->x87);
    }
}

/* Merge the instruction's MXCSR flags; unmasked ones fault. */
static void commit(X86CPU *cpu, const SseEnv *env)
{
    uint32_t mx = cpu->mxcsr;
    bool fault = sse_commit(env, &mx);

    cpu->mxcsr = mx;
    if (fault) {
        x86_raise_noerr(cpu, (cpu->cr4 & CR4_OSXMMEXCPT) ? EXCP_XM :
                        EXCP_UD);
    }
}

static void do_op(X86CPU *cpu, const X86Insn *insn, const SseCtx *c,
                  bool shift_imm)
{
    const SseDesc *d = c->d;
    XMMReg dst, src;
    SseEnv env;
    uint8_t imm = (uint8_t)insn->imm;

    sse_env_init(&env, cpu->mxcsr, (d->flags & SF_MMX) ? 8 : 16);
    env.xmm0 = &cpu->xmm[0];
    if (shift_imm) {
        get_reg(cpu, c->rm_mmx, c->rm, &dst);
        memset(&src, 0, sizeof(src));
        src.q[0] = imm;
    } else {
        get_reg(cpu, c->reg_mmx, c->reg, &dst);
        get_rm(cpu, insn, c, d->msize ? d->msize : width(c, c->rm_mmx),
               &src);
    }
    d->fn(&env, &dst, &src, imm);
    if (d->flags & SF_FP) {
        commit(cpu, &env);
    }
    if (shift_imm) {
        set_reg(cpu, c->rm_mmx, c->rm, &dst);
    } else {
        set_reg(cpu, c->reg_mmx, c->reg, &dst);
    }
}

/* Moves between the reg operand and r/m. */
static void do_move(X86CPU *cpu, const X86Insn *insn, const SseCtx *c)
{
    const SseDesc *d = c->d;
    unsigned size = d->msize ? d->msize : width(c, c->reg_mmx);
    XMMReg r, m;

    get_reg(cpu, c->reg_mmx, c->reg, &r);
    switch (d->kind) {
    case SK_LOAD:
        get_rm(cpu, insn, c, size, &r);
        break;
    case SK_MOVS:
        get_rm(cpu, insn, c, size, &m);
        if (c->mem) {
            r = m;
        } else {
            memcpy(&r, &m, size);
        }
        break;
    case SK_MOVLO:
        get_rm(cpu, insn, c, 8, &m);
        r.q[0] = c->mem ? m.q[0] : m.q[1];       /* reg form: MOVHLPS */
        break;
    case SK_MOVHI:
        get_rm(cpu, insn, c, 8, &m);
        r.q[1] = m.q[0];                         /* reg form: MOVLHPS */
        break;
    case SK_MOVQ_IN:
        get_rm(cpu, insn, c, 8, &m);
        r.q[0] = m.q[0];
        r.q[1] = 0;
        break;
    default:
        break;
    }
    set_reg(cpu, c->reg_mmx, c->reg, &r);
}

static void do_store(X86CPU *cpu, const X86Insn *insn, const SseCtx *c)
{
    const SseDesc *d = c->d;
    unsigned size = d->msize ? d->msize : width(c, c->reg_mmx);
    XMMReg r, m;

    get_reg(cpu, c->reg_mmx, c->reg, &r);
    if (d->kind == SK_STHI) {
        r.q[0] = r.q[1];
    }
    if (c->mem) {
        if (size == 16 && !(d->flags & SF_UNALIGNED) && (c->ea & 15)) {
            x86_raise(cpu, EXCP_GP, 0);
        }
        store_mem(cpu, insn, c->ea, size, &r);
        return;
    }
    get_reg(cpu, c->rm_mmx, c->rm, &m);
    if (d->kind == SK_MOVQ_OUT) {
        m.q[0] = r.q[0];
        m.q[1] = 0;
    } else {
        memcpy(&m, &r, size);      /* SK_STORE: whole; SK_STORES: merge */
    }
    set_reg(cpu, c->rm_mmx, c->rm, &m);
}

static uint64_t get_gpr_or_mem(X86CPU *cpu, const X86Insn *insn,
                               const SseCtx *c, unsigned size)
{
    if (c->mem) {
        return x86_ld(cpu, insn->seg, c->ea, size);
    }
    return x86_reg_read(cpu, c->gpr_rm * 8, size);
}

static void do_gpr(X86CPU *cpu, const X86Insn *insn, const SseCtx *c)
{
    const SseDesc *d = c->d;
    unsigned gsize = (insn->rex & 8) ? 8 : 4;
    uint8_t imm = (uint8_t)insn->imm;
    XMMReg r, m;
    SseEnv env;
    uint64_t v;

    sse_env_init(&env, cpu->mxcsr, c->reg_mmx ? 8 : 16);
    get_reg(cpu, c->reg_mmx, c->reg, &r);
    switch (d->kind) {
    case SK_MOVD_IN:
        memset(&r, 0, sizeof(r));
        r.q[0] = get_gpr_or_mem(cpu, insn, c, gsize);
        set_reg(cpu, c->reg_mmx, c->reg, &r);
        return;
    case SK_MOVD_OUT:
        if (c->mem) {
            x86_st(cpu, insn->seg, c->ea, r.q[0], gsize);
        } else {
            x86_reg_write(cpu, c->gpr_rm * 8, r.q[0], gsize);
        }
        return;
    case SK_MOVNTI:
        x86_st(cpu, insn->seg, c->ea,
               x86_reg_read(cpu, c->gpr_reg * 8, gsize), gsize);
        return;
    case SK_MSK:
        get_reg(cpu, c->rm_mmx, c->rm, &m);
        x86_reg_write(cpu, c->gpr_reg * 8, d->msk(&m), 4);
        return;
    case SK_PEXTRW:
        get_reg(cpu, c->rm_mmx, c->rm, &m);
        x86_reg_write(cpu, c->gpr_reg * 8,
                      sse_pextr(&m, 2, imm, c->rm_mmx ? 8 : 16), 4);
        return;
    case SK_PINSRW:
        v = c->mem ? x86_ld(cpu, insn->seg, c->ea, 2) :
                     x86_reg_read(cpu, c->gpr_rm * 8, 2);
        sse_pinsr(&r, v, 2, imm, c->reg_mmx ? 8 : 16);
        set_reg(cpu, c->reg_mmx, c->reg, &r);
        return;
    case SK_CVT2SI:
        get_rm(cpu, insn, c, d->msize, &m);
        v = (uint64_t)d->to_si(&env, &m, gsize * 8);
        commit(cpu, &env);
        x86_reg_write(cpu, c->gpr_reg * 8, v, gsize);
        return;
    case SK_CVTSI:
        v = get_gpr_or_mem(cpu, insn, c, gsize);
        d->from_si(&env, &r, gsize == 4 ? (int64_t)(int32_t)v : (int64_t)v);
        commit(cpu, &env);
        set_reg(cpu, false, c->reg, &r);
        return;
    default:
        get_rm(cpu, insn, c, d->msize, &m);
        d->comi(&env, &r, &m);
        commit(cpu, &env);
        x86_cc_eflags(cpu, env.eflags);
        return;
    }
}

static void do_misc(X86CPU *cpu, const X86Insn *insn, const SseCtx *c)
{
    XMMReg r, m;

    switch (c->d->kind) {
    case SK_MOVDQ2Q:
        get_reg(cpu, false, c->rm, &m);
        set_reg(cpu, true, c->reg, &m);
        break;
    case SK_MOVQ2DQ:
        get_reg(cpu, true, c->rm, &m);
        set_reg(cpu, false, c->reg, &m);
        break;
    default: {
        /* MASKMOVQ/MASKMOVDQU: byte stores to DS:rDI under the mask. */
        uint64_t base = cpu->regs[R_EDI];
        unsigned n = c->reg_mmx ? 8 : 16;
        get_reg(cpu, c->reg_mmx, c->reg, &r);
        get_reg(cpu, c->rm_mmx, c->rm, &m);
        for (unsigned i = 0; i < n; i++) {
            if (m.b[i] & 0x80) {
                x86_st(cpu, insn->seg, (base + i) & insn->amask, r.b[i], 1);
            }
        }
        break;
    }
    }
}

/* SSE4.1 PEXTRx/PINSRx/INSERTPS and SSE4.2 PCMPxSTRx. */
static void do_sse4(X86CPU *cpu, const X86Insn *insn, const SseCtx *c)
{
    const SseDesc *d = c->d;
    unsigned size = d->msize == 4 && (insn->rex & 8) ? 8 : d->msize;
    uint8_t imm = (uint8_t)insn->imm;
    XMMReg r, m;
    SseEnv env;
    uint64_t v;

    sse_env_init(&env, cpu->mxcsr, 16);
    env.xmm0 = &cpu->xmm[0];
    get_reg(cpu, false, c->reg, &r);
    switch (d->kind) {
    case SK_PEXTR:
        v = sse_pextr(&r, size, imm, 16);
        if (c->mem) {
            x86_st(cpu, insn->seg, c->ea, v, size);
        } else {
            x86_reg_write(cpu, c->gpr_rm * 8, v, size == 8 ? 8 : 4);
        }
        return;
    case SK_PINSR:
        v = c->mem ? x86_ld(cpu, insn->seg, c->ea, size) :
                     x86_reg_read(cpu, c->gpr_rm * 8, size < 4 ? 4 : size);
        sse_pinsr(&r, v, size, imm, 16);
        set_reg(cpu, false, c->reg, &r);
        return;
    case SK_INSERTPS:
        if (c->mem) {
            memset(&m, 0, sizeof(m));
            m.d[0] = (uint32_t)x86_ld(cpu, insn->seg, c->ea, 4);
            imm &= 0x3f;
        } else {
            get_reg(cpu, false, c->rm, &m);
        }
        sse_insertps(&env, &r, &m, imm);
        set_reg(cpu, false, c->reg, &r);
        return;
    default:
        get_rm(cpu, insn, c, 16, &m);
        env.rax = (insn->rex & 8) ? cpu->regs[R_EAX] :
                  (uint64_t)(int64_t)(int32_t)cpu->regs[R_EAX];
        env.rdx = (insn->rex & 8) ? cpu->regs[R_EDX] :
                  (uint64_t)(int64_t)(int32_t)cpu->regs[R_EDX];
        d->fn(&env, &r, &m, imm);
        if (d->fn == sse_pcmpestrm || d->fn == sse_pcmpistrm) {
            cpu->xmm[0] = r;
        } else {
            x86_reg_write(cpu, R_ECX * 8, env.ecx, 4);
        }
        x86_cc_eflags(cpu, env.eflags);
        return;
    }
}

static const SseDesc *lookup(const X86Insn *insn, int pfx)
{
    switch (insn->map) {
    case 2:
        return &x86_sse_table_0f38[insn->opcode][pfx];
    case 3:
        return &x86_sse_table_0f3a[insn->opcode][pfx];
    default:
        return &x86_sse_table[insn->opcode][pfx];
    }
}

static void sse_exec(X86CPU *cpu, const X86Insn *insn, int pfx)
{
    SseCtx c = { .d = lookup(insn, pfx) };
    bool shift_imm = c.d->kind == SK_SHIFT_IMM;
    unsigned rexr = (insn->rex & 4) ? 8 : 0, rexb = (insn->rex & 1) ? 8 : 0;

    if (shift_imm) {
        c.d = &c.d->group[insn->modrm_reg];
    }
    c.mem = insn->modrm < 0xc0;
    if (!c.d->kind || (c.mem && (c.d->flags & SF_REG_ONLY)) ||
        (!c.mem && (c.d->flags & SF_MEM_ONLY)) || (c.mem && shift_imm)) {
        x86_raise_noerr(cpu, EXCP_UD);
    }
    c.reg_mmx = c.d->flags & (SF_MMX | SF_REG_MMX);
    c.rm_mmx = c.d->flags & (SF_MMX | SF_RM_MMX);
    c.gpr_reg = insn->modrm_reg | rexr;
    c.gpr_rm = (insn->modrm & 7) | rexb;
    c.reg = c.reg_mmx ? insn->modrm_reg : c.gpr_reg;
    c.rm = c.rm_mmx ? (insn->modrm & 7u) : c.gpr_rm;
    checks(cpu, &c);
    if (c.mem) {
        c.ea = cpu->ea = x86_insn_ea(cpu, insn);
    }
    switch (c.d->kind) {
    case SK_OP:
        do_op(cpu, insn, &c, shift_imm);
        break;
    case SK_LOAD: case SK_MOVS: case SK_MOVLO: case SK_MOVHI:
    case SK_MOVQ_IN:
        do_move(cpu, insn, &c);
        break;
    case SK_STORE: case SK_STORES: case SK_STLO: case SK_STHI:
    case SK_MOVQ_OUT:
        do_store(cpu, insn, &c);
        break;
    case SK_MOVDQ2Q: case SK_MOVQ2DQ: case SK_MASKMOV:
        do_misc(cpu, insn, &c);
        break;
    case SK_PEXTR: case SK_PINSR: case SK_INSERTPS: case SK_PCMPSTR:
        do_sse4(cpu, insn, &c);
        break;
    default:
        do_gpr(cpu, insn, &c);
        break;
    }
}

void x86_op_sse_np(X86CPU *cpu, const X86Insn *insn)
{
    sse_exec(cpu, insn, PFX_NONE);
}

void x86_op_sse_66(X86CPU *cpu, const X86Insn *insn)
{
    sse_exec(cpu, insn, PFX_66);
}

void x86_op_sse_f3(X86CPU *cpu, const X86Insn *insn)
{
    sse_exec(cpu, insn, PFX_F3);
}

void x86_op_sse_f2(X86CPU *cpu, const X86Insn *insn)
{
    sse_exec(cpu, insn, PFX_F2);
}

const X86OpcodeEntry x86_sse_rows[4] = {
    { .exec = x86_op_sse_np, .flags = X86_F_MODRM },
    { .exec = x86_op_sse_66, .flags = X86_F_MODRM },
    { .exec = x86_op_sse_f3, .flags = X86_F_MODRM },
    { .exec = x86_op_sse_f2, .flags = X86_F_MODRM },
};

const X86OpcodeEntry x86_sse_rows_ib[4] = {
    { .exec = x86_op_sse_np, .op = { { OPM_I, SZ_B } },
      .flags = X86_F_MODRM },
    { .exec = x86_op_sse_66, .op = { { OPM_I, SZ_B } },
      .flags = X86_F_MODRM },
    { .exec = x86_op_sse_f3, .op = { { OPM_I, SZ_B } },
      .flags = X86_F_MODRM },
    { .exec = x86_op_sse_f2, .op = { { OPM_I, SZ_B } },
      .flags = X86_F_MODRM },
};
