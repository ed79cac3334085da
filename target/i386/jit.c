/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The block translator: x86-64 host code for hot decoded blocks
 * (CPU-ENGINE.md "Plimsoll's design" item 5; docs/devel/cpu-translator.md).
 *
 * A template translator over the decoder's X86Insn array.  Every entry
 * either becomes inline host code (register MOV/ALU/CMP/TEST/LEA/MOVZX/
 * MOVSX/shifts/IMUL, loads, stores, ALU with a memory operand and the
 * read-modify-write forms through the soft TLB of mem.h: jit-mem.c), or a
 * direct call to the entry's handler with what the interpreter would have
 * stored first (cur_insn and RIP).  A block-ending Jcc after an inlined
 * flag-setting entry, or a compare-and-branch the decoder fused, branches
 * on the host flags, which x86 computes exactly as the guest's.
 * Lazy-flag fields are written as the handlers write them, so the rest of
 * the CPU cannot tell which engine ran.  Host registers: RBX = cpu, RBP =
 * cpu->insn_eip, R14 = the TLB, R12, R13 and R15 the block's most used
 * guest registers (jit-regs.c), [RSP] the budget; all else is scratch
 * between entries.
 *
 * Leaves out: SMC inside a block is left to the existing invalidation
 * (stores to code pages miss the TLB; the slow path stops the block);
 * LOCK-prefixed, ADC/SBB-to-memory and string forms call their handlers.
 */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <glib.h>

#include "exec/cpu-iface.h"
#include "target/i386/jit-int.h"

#if defined(__x86_64__)
#define JIT_HOST_OK true
#else
#define JIT_HOST_OK false
#endif

#define JIT_INSN_ROOM 400       /* bytes of host code per entry, at most */
#define JIT_COLD_ROOM 256       /* per slow-path stub */

struct X86JitCode {
    uint8_t *base;
    size_t size;
    size_t used;
    uint64_t blocks, flushes;
};

static struct {
    bool enabled;
    uint64_t tb_size;       /* bytes */
    FILE *perf_map;         /* PLIMSOLL_JIT_PERF_MAP=1: /tmp/perf-PID.map */
} jit_cfg = { JIT_HOST_OK, 32u << 20, NULL };
uint32_t x86_jit_hot = 8;

void x86_jit_configure(bool enabled, uint64_t tb_size_mib)
{
    jit_cfg.enabled = enabled && JIT_HOST_OK;
    if (tb_size_mib) {
        jit_cfg.tb_size = MIN(tb_size_mib, 2048) << 20;
    }
}

/* PLIMSOLL_JIT=0|1 and PLIMSOLL_JIT_HOT=N override the configuration (the
 * test suites run each CPU test with both engines). */
static void jit_env(void)
{
    const char *s = getenv("PLIMSOLL_JIT");
    const char *h = getenv("PLIMSOLL_JIT_HOT");
    const char *t = getenv("PLIMSOLL_JIT_TB_SIZE_KIB");

    if (s) {
        jit_cfg.enabled = atoi(s) != 0 && JIT_HOST_OK;
    }
    if (h && atoi(h) > 0) {
        x86_jit_hot = atoi(h);
    }
    if (t && atoi(t) > 0) {
        jit_cfg.tb_size = (uint64_t)atoi(t) << 10;
    }
    if (getenv("PLIMSOLL_JIT_PERF_MAP") && !jit_cfg.perf_map) {
        g_autofree char *path = g_strdup_printf("/tmp/perf-%d.map",
                                                (int)getpid());
        jit_cfg.perf_map = fopen(path, "w");
    }
}

X86JitCode *x86_jit_new(void)
{
    static bool warned;
    X86JitCode *jc;
    void *hint, *p;

    jit_env();
    if (!jit_cfg.enabled) {
        return NULL;
    }
    /* Near the handlers, so calls to them are direct rel32 calls. */
    hint = (void *)(((uintptr_t)x86_jit_new & ~(uintptr_t)0xfffff) -
                    ((uintptr_t)1 << 30));
    p = mmap(hint, jit_cfg.tb_size, PROT_READ | PROT_WRITE | PROT_EXEC,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        if (!warned) {
            warned = true;
            fprintf(stderr, "plimsoll: no executable memory for the "
                    "translator (%s); using the interpreter\n",
                    g_strerror(errno));
        }
        return NULL;
    }
    jc = g_new0(X86JitCode, 1);
    jc->base = p;
    jc->size = jit_cfg.tb_size;
    return jc;
}

void x86_jit_free(X86JitCode *jc)
{
    if (jc) {
        munmap(jc->base, jc->size);
        g_free(jc);
    }
}

void x86_jit_reset(X86JitCode *jc)
{
    if (jc && jc->used) {
        jc->used = 0;
        jc->flushes++;
    }
}

uint64_t x86_jit_blocks(const X86JitCode *jc)
{
    return jc ? jc->blocks : 0;
}

uint64_t x86_jit_flushes(const X86JitCode *jc)
{
    return jc ? jc->flushes : 0;
}

/* Store what the interpreter stores before an entry that may fault. */
void jx_insn_state(JitCtx *c, unsigned k)
{
    const X86Insn *i = &c->b->insns[k];
    jit_movi(&c->j, H_RAX, (uintptr_t)i);
    jit_store(&c->j, H_RAX, 8, H_RBX, CPU_OFF(cur_insn));
    jit_lea(&c->j, H_RAX, H_RBP, H_NONE, 0, i->next_off);
    jit_store(&c->j, H_RAX, 8, H_RBX, CPU_REG(R_RIP));
}

/* What the block adds to cpu->retired after @n entries: a fused last
 * entry retires two instructions. */
static unsigned jit_retired(const JitCtx *c, unsigned n)
{
    return n + (c->b->fused && n == c->b->n_insns);
}

/* Return to the run loop after @n entries, the dirty cached registers
 * written back first. */
static void emit_exit(JitCtx *c, unsigned n)
{
    if (c->rec.on) {
        jx_rec_store(c, &c->rec);   /* other paths may still keep it */
    }
    jx_regs_store(c, c->dirty);
    jit_b(&c->j, 0xb8);                         /* mov eax, retired */
    jit_d(&c->j, jit_retired(c, n));
    jit_patch(jit_jmp(&c->j), c->epi);
}

/* All entries ran and RAX is the new RIP: go on to the next block through
 * the chain stub (or return, for 16-bit code, whose RIP the loop masks). */
static void emit_exit_all(JitCtx *c)
{
    if (c->b->mode == 2) {
        emit_exit(c, c->b->n_insns);
        return;
    }
    if (c->rec.on) {
        jx_rec_store(c, &c->rec);
    }
    jx_regs_store(c, c->dirty);
    jit_b(&c->j, 0xba);                         /* mov edx, retired */
    jit_d(&c->j, jit_retired(c, c->b->n_insns));
    jit_patch(jit_jmp(&c->j), c->chain);
}

/* Leave with @n entries run when the block was stopped (run_end NULL). */
void jx_stop_check(JitCtx *c, unsigned n)
{
    uint8_t *over;

    jit_rm(&c->j, 0x83, 8, 7, H_RBX, H_NONE, 0, CPU_OFF(run_end));
    jit_b(&c->j, 0);                            /* cmp qword [], 0 */
    jit_b(&c->j, 0x75);                         /* jne over the exit */
    jit_b(&c->j, 0);
    over = c->j.p;
    emit_exit(c, n);
    assert(c->j.p - over < 128);
    over[-1] = c->j.p - over;
}

/* Write the low @size bytes of @src to the guest register at byte offset
 * @off, zero-extending 32-bit results (x86_reg_write()). */
static void emit_reg_write(JitCtx *c, int src, unsigned off, unsigned size)
{
    jx_reg_write(c, src, off, size);
}

/* RCX (or RAX for @to_rax) = operand @n of @i: register, immediate or
 * memory, zero-extended from its size. */
static void emit_src(JitCtx *c, unsigned k, int n, int dst)
{
    const X86Insn *i = &c->b->insns[k];
    const X86Operand *o = &i->op[n];

    if (o->kind == OPK_REG) {
        jx_reg_read(c, dst, o->reg, o->size);
    } else if (o->kind == OPK_IMM) {
        uint64_t imm = i->imm;
        if (c->packed_imm) {    /* x86_fuse_jcc_mem(): 32 bits */
            imm = i->op[0].size == 8 ? (uint64_t)(int64_t)(int32_t)imm
                               : (uint32_t)imm;
        }
        jit_movi(&c->j, dst, imm);
    } else {
        jx_mem_load(c, k, o->size);
        if (dst != H_RAX) {
            jit_mov(&c->j, 8, dst, H_RAX);
        }
    }
}

/* No cc_src/cc_src2 store (H_NONE), or a store of zero. */
#define CC_ZERO (-2)

/*
 * Keep the record in R9/R11 instead (c->rec_defer: a later entry past
 * moves overwrites it): the operands, zero-extended, rebuild cc_dst.
 * False for ADC/SBB (their cc_dst needs the CF too).
 */
static bool emit_cc_defer(JitCtx *c, unsigned op, unsigned size, int src,
                          int src2, int dst)
{
    JitBuf *j = &c->j;
    unsigned w = size == 8 ? 8 : 4;

    if (!c->rec_defer || op == CC_OP_ADC || op == CC_OP_SBB) {
        return false;
    }
    c->rec = (JitRec){ .on = true, .op = op, .size = size,
                       .neg = src == CC_ZERO };
    c->rec_k = c->k;
    switch (op) {
    case CC_OP_LOGIC:
        jit_mov(j, 8, H_R9, dst);
        break;
    case CC_OP_SHIFT:
        jit_mov(j, 8, H_R9, dst);
        jit_lea(j, H_R11, src, src2, 1, 0);     /* CF | OF << 1 */
        break;
    default:                                    /* ADD, SUB, INC, DEC */
        if (src != CC_ZERO) {
            jit_mov(j, w, H_R9, src);
        }
        jit_mov(j, op == CC_OP_INC || op == CC_OP_DEC ? 8 : w, H_R11, src2);
        break;
    }
    return true;
}

/*
 * The lazy-flag record of a flag-setting template: cc_src, cc_src2 and
 * cc_dst from host registers, cc_op and cc_size.  Left out when the next
 * entry overwrites them before anything can read them (c->flags_dead), or
 * kept in host registers until a later one does (emit_cc_defer()).
 */
static void emit_cc(JitCtx *c, unsigned op, unsigned size, int src, int src2,
                    int dst)
{
    JitBuf *j = &c->j;

    c->rec.on = false;          /* this record replaces a kept one */
    if (c->flags_dead || emit_cc_defer(c, op, size, src, src2, dst)) {
        return;
    }
    if (src == CC_ZERO) {
        jit_store_imm(j, 8, H_RBX, CPU_OFF(cc_src), 0);
    } else if (src != H_NONE) {
        jit_store(j, src, 8, H_RBX, CPU_OFF(cc_src));
    }
    if (src2 != H_NONE) {
        jit_store(j, src2, 8, H_RBX, CPU_OFF(cc_src2));
    }
    jit_store(j, dst, 8, H_RBX, CPU_OFF(cc_dst));
    jit_store_imm(j, 4, H_RBX, CPU_OFF(cc_op), op);
    jit_store_imm(j, 4, H_RBX, CPU_OFF(cc_size), size);
}

/* Host opcodes (r/m, reg forms; byte forms are one less). */
static const uint8_t alu_host_op[] = {
    [OP_ADD] = 0x01, [OP_OR] = 0x09, [OP_ADC] = 0x11, [OP_SBB] = 0x19,
    [OP_AND] = 0x21, [OP_SUB] = 0x29, [OP_XOR] = 0x31, [OP_CMP] = 0x39,
    [OP_TEST] = 0x85,
};

/* The lazy-flag operation of each ALU operation. */
static const uint8_t alu_cc_op[] = {
    [OP_ADD] = CC_OP_ADD, [OP_OR] = CC_OP_LOGIC, [OP_ADC] = CC_OP_ADC,
    [OP_SBB] = CC_OP_SBB, [OP_AND] = CC_OP_LOGIC, [OP_SUB] = CC_OP_SUB,
    [OP_XOR] = CC_OP_LOGIC, [OP_CMP] = CC_OP_SUB, [OP_TEST] = CC_OP_LOGIC,
};

static void emit_cf(JitCtx *c);
static bool emit_alu_cached(JitCtx *c, unsigned k, unsigned op);

/* bt r10d, 0: the guest's CF (R10) into the host's. */
static void emit_cf_to_host(JitCtx *c)
{
    jit_prefix(&c->j, 4, 0, 0, H_R10, false);
    jit_b(&c->j, 0x0f);
    jit_b(&c->j, 0xba);
    jit_b(&c->j, 0xe2);
    jit_b(&c->j, 0);
}

/*
 * RAX = the destination operand of entry @k (@size bytes, zero-extended),
 * RCX = its source.  A memory destination is read (CMP, TEST) or, with
 * @rmw, probed for writing, leaving RSI = its host address and returning
 * the stub for jx_rmw_done().  Memory goes first: its stubs keep only
 * RDX and R10.
 */
static JitCold *emit_dst_src(JitCtx *c, unsigned k, unsigned size, bool rmw,
                             bool flags)
{
    const X86Insn *i = &c->b->insns[k];
    JitCold *cold = NULL;

    if (i->op[0].kind == OPK_REG) {
        if (i->op[1].kind != OPK_NONE) {
            emit_src(c, k, 1, H_RCX);
        }
        jx_reg_read(c, H_RAX, i->op[0].reg, size);
        return NULL;
    }
    if (rmw) {
        cold = jx_rmw_addr(c, k, size, flags);
        jit_load(&c->j, H_RAX, size, H_RSI, H_NONE, 0, 0);
    } else {
        jx_mem_load(c, k, size);
    }
    if (i->op[1].kind != OPK_NONE) {
        emit_src(c, k, 1, H_RCX);
    }
    return cold;
}

/* Write RDX (@size bytes) to entry @k's destination: a register, or the
 * host address in RSI that emit_dst_src() left. */
static void emit_dst_write(JitCtx *c, unsigned k, unsigned size)
{
    const X86Insn *i = &c->b->insns[k];

    if (i->op[0].kind == OPK_REG) {
        emit_reg_write(c, H_RDX, i->op[0].reg, size);
    } else {
        jit_store(&c->j, H_RDX, size, H_RSI, 0);
    }
}

/*
 * ALU, CMP, TEST, as ops-fast.c's alu() and ops-arith.c record them:
 * cc_dst = the 64-bit result of the zero-extended operands, cc_src and
 * cc_src2 the operands for arithmetic.  ADC/SBB add/subtract the CF
 * (R10, emit_cf()) too.  With @flags the host operation of the guest's
 * width runs last, leaving its flags (the guest's) for a Jcc.
 */
static void emit_alu(JitCtx *c, unsigned k, unsigned op, bool flags)
{
    const X86Insn *i = &c->b->insns[k];
    unsigned size = i->op[0].size;
    unsigned calc = op == OP_CMP ? OP_SUB : op == OP_TEST ? OP_AND :
                    op == OP_ADC ? OP_ADD : op == OP_SBB ? OP_SUB : op;
    bool carry = op == OP_ADC || op == OP_SBB;
    bool arith = alu_cc_op[op] != CC_OP_LOGIC;
    bool write = op != OP_CMP && op != OP_TEST;
    JitBuf *j = &c->j;
    JitCold *cold;

    if (!carry && emit_alu_cached(c, k, op)) {
        return;
    }
    if (carry) {
        emit_cf(c);
    }
    cold = emit_dst_src(c, k, size, write, flags);
    jit_mov(j, 8, H_RDX, H_RAX);
    jit_rr(j, alu_host_op[calc], 8, H_RCX, H_RDX);
    if (carry) {
        jit_rr(j, alu_host_op[calc], 8, H_R10, H_RDX);
    }
    emit_cc(c, alu_cc_op[op], size, arith ? H_RAX : H_NONE,
            arith ? H_RCX : H_NONE, H_RDX);
    if (write) {
        emit_dst_write(c, k, size);
    }
    if (flags) {
        if (carry) {
            emit_cf_to_host(c);
        }
        jit_rr(j, alu_host_op[op] - (size == 1), size, H_RCX, H_RAX);
    }
    if (cold) {
        jx_rmw_done(c, cold);
    }
}

/*
 * ALU, CMP, TEST of a 32/64-bit register the cache holds, with a register,
 * immediate or memory source, run on the host register itself: the host's
 * operation of the guest's width leaves the guest's result (a 32-bit one
 * zero-extended) and flags.  Only when the record is dead or, for logic
 * operations and 64-bit arithmetic, equal to what the host registers hold
 * (cc_dst = the result of the zero-extended operands): returns false
 * when emit_alu() must do it.
 */
static bool emit_alu_cached(JitCtx *c, unsigned k, unsigned op)
{
    const X86Insn *i = &c->b->insns[k];
    const X86Operand *d = &i->op[0], *s = &i->op[1];
    bool logic = alu_cc_op[op] == CC_OP_LOGIC;
    int hd = d->kind == OPK_REG && !(d->reg % 8) ?
             jx_reg_host(c, d->reg / 8) : H_NONE;
    int src = H_RCX;
    JitBuf *j = &c->j;

    if (hd == H_NONE || (d->size != 4 && d->size != 8) || c->packed_imm ||
        op == OP_ADC || op == OP_SBB ||
        (!c->flags_dead && !c->rec_defer && !logic && d->size != 8)) {
        return false;
    }
    if (s->kind == OPK_REG && !(s->reg % 8) &&
        jx_reg_host(c, s->reg / 8) != H_NONE) {
        src = jx_reg_host(c, s->reg / 8);
    } else if (s->kind == OPK_IMM && (int64_t)i->imm == (int32_t)i->imm &&
               c->flags_dead) {
        src = H_NONE;
    } else {
        emit_src(c, k, 1, H_RCX);
    }
    if (!c->flags_dead && (op == OP_CMP || op == OP_TEST)) {
        /* The record's result in RDX, the host flags from hd last. */
        jit_mov(j, d->size, H_RDX, hd);
        if (!logic) {
            jit_mov(j, d->size, H_RAX, hd);
        }
        jit_rr(j, alu_host_op[logic ? OP_AND : OP_SUB], d->size, src, H_RDX);
        emit_cc(c, alu_cc_op[op], d->size, logic ? H_NONE : H_RAX,
                logic ? H_NONE : src, H_RDX);
        jit_rr(j, alu_host_op[op], d->size, src, hd);
        return true;
    }
    if (!c->flags_dead && !logic) {
        jit_mov(j, d->size, H_RAX, hd);     /* 32-bit: zero-extended */
    }
    if (src != H_NONE) {
        jit_rr(j, alu_host_op[op], d->size, src, hd);
    } else if (op == OP_TEST) {
        jit_prefix(j, d->size, 0, 0, hd, false);
        jit_b(j, 0xf7);                         /* test r, imm32 */
        jit_b(j, 0xc0 | (hd & 7));
        jit_d(j, (uint32_t)i->imm);
    } else {
        jit_alu_ri(j, op == OP_CMP ? G1_CMP : op, d->size, hd,
                   (int32_t)i->imm);
    }
    if (op != OP_CMP && op != OP_TEST) {
        c->dirty |= 1u << (d->reg / 8);
    }
    emit_cc(c, alu_cc_op[op], d->size, logic ? H_NONE : H_RAX,
            logic ? H_NONE : src, hd);
    return true;
}

static bool jit_cf(X86CPU *cpu)
{
    return x86_get_cf(cpu);
}

/* R10 = the guest's CF (0 or 1) as the entry starts. */
static void emit_cf(JitCtx *c)
{
    JitBuf *j = &c->j;

    if (c->cf == CFS_ZERO) {
        jit_rr(j, 0x31, 4, H_R10, H_R10);       /* xor r10d, r10d */
    } else if (c->cf == CFS_NONE) {
        jit_mov(j, 8, H_RDI, H_RBX);
        jit_call(j, jit_cf);
        jit_rr(j, 0x0fb6, 4, H_R10, H_RAX);     /* movzx r10d, al */
    }
    c->cf = CFS_R10;
}

/* INC/DEC of a register as ops-arith.c records it (CF kept in cc_src2);
 * with @flags the host INC/DEC runs last after BT has put the guest's CF
 * in the host's, so all six flags are the guest's. */
static void emit_incdec(JitCtx *c, unsigned k, bool dec, bool flags)
{
    const X86Insn *i = &c->b->insns[k];
    unsigned size = i->op[0].size;
    JitBuf *j = &c->j;
    JitCold *cold;
    int hd = i->op[0].kind == OPK_REG && !(i->op[0].reg % 8) ?
             jx_reg_host(c, i->op[0].reg / 8) : H_NONE;

    if (hd != H_NONE && size >= 4) {
        /* A cached register: the host's INC/DEC on it, last. */
        if (!c->flags_dead || flags) {
            emit_cf(c);
        }
        if (!c->flags_dead) {
            jit_mov(j, size, H_RAX, hd);
            jit_lea(j, H_RDX, H_RAX, H_NONE, 0, dec ? -1 : 1);
            emit_cc(c, dec ? CC_OP_DEC : CC_OP_INC, size, H_RAX, H_R10,
                    H_RDX);
        }
        if (flags) {
            emit_cf_to_host(c);
        }
        jit_prefix(j, size, 0, 0, hd, false);
        jit_b(j, 0xff);                         /* inc/dec hd */
        jit_b(j, 0xc0 | dec << 3 | (hd & 7));
        c->dirty |= 1u << (i->op[0].reg / 8);
        return;
    }
    emit_cf(c);
    cold = emit_dst_src(c, k, size, true, flags);
    jit_lea(j, H_RDX, H_RAX, H_NONE, 0, dec ? -1 : 1);
    emit_cc(c, dec ? CC_OP_DEC : CC_OP_INC, size, H_RAX, H_R10, H_RDX);
    emit_dst_write(c, k, size);
    if (flags) {
        emit_cf_to_host(c);
        jit_prefix(j, size, 0, 0, H_RAX, false);
        jit_b(j, size == 1 ? 0xfe : 0xff);      /* inc/dec eax */
        jit_b(j, 0xc0 | dec << 3);
    }
    if (cold) {
        jx_rmw_done(c, cold);
    }
}

/* NOT (no flags) and NEG, recorded as ops-arith.c's x86_op_neg() does:
 * CC_OP_SUB of 0 and the operand.  With @flags the host NEG runs last. */
static void emit_unary(JitCtx *c, unsigned k, bool neg, bool flags)
{
    const X86Insn *i = &c->b->insns[k];
    unsigned size = i->op[0].size;
    JitBuf *j = &c->j;
    JitCold *cold = emit_dst_src(c, k, size, true, flags && neg);

    jit_mov(j, 8, H_RDX, H_RAX);
    jit_prefix(j, 8, 0, 0, H_RDX, false);       /* not/neg rdx */
    jit_b(j, 0xf7);
    jit_b(j, 0xc0 | (neg ? 3 : 2) << 3 | H_RDX);
    if (neg) {
        emit_cc(c, CC_OP_SUB, size, CC_ZERO, H_RAX, H_RDX);
    }
    emit_dst_write(c, k, size);
    if (neg && flags) {
        jit_prefix(j, size, 0, 0, H_RAX, false);
        jit_b(j, size == 1 ? 0xf6 : 0xf7);      /* neg eax */
        jit_b(j, 0xd8);
    }
    if (cold) {
        jx_rmw_done(c, cold);
    }
}

/* SHL/SHR/SAR of a 32/64-bit register by a constant, as ops-fast-mem.c's
 * fm_shift() records it: CC_OP_SHIFT, cc_src = CF, cc_src2 = OF. */
static void emit_shift(JitCtx *c, unsigned k, unsigned kind)
{
    const X86Insn *i = &c->b->insns[k];
    unsigned size = i->op[0].size, bits = size * 8;
    unsigned n = i->imm & (size == 8 ? 63 : 31);
    unsigned off = i->op[0].reg;
    JitBuf *j = &c->j;
    int h = size >= 4 && !(off % 8) ? jx_reg_host(c, off / 8) : H_NONE;

    if (h != H_NONE && n && c->flags_dead) {
        /* No record: the host's shift on the cached register. */
        jit_shift_ri(j, kind, size, h, n);
        c->dirty |= 1u << (off / 8);
        return;
    }
    jx_reg_read(c, H_RAX, off, size);
    if (n == 0) {
        emit_reg_write(c, H_RAX, off, size);    /* zero-extends, no flags */
        return;
    }
    jit_mov(j, 8, H_RDX, H_RAX);
    jit_shift_ri(j, kind, size, H_RDX, n);
    jit_b(j, 0x0f);                             /* setc cl */
    jit_b(j, 0x92);
    jit_b(j, 0xc1);
    jit_rr(j, 0x0fb6, 4, H_RCX, H_RCX);         /* movzx ecx, cl */
    if (kind == 7) {
        jit_rr(j, 0x31, 4, H_R8, H_R8);         /* SAR: OF = 0 */
    } else {
        /* SHL: OF = MSB(result) ^ CF; SHR: OF = MSB(operand). */
        jit_mov(j, 8, H_R8, kind == 4 ? H_RDX : H_RAX);
        jit_shift_ri(j, 5, 8, H_R8, bits - 1);
        if (kind == 4) {
            jit_rr(j, 0x31, 4, H_RCX, H_R8);
        }
    }
    emit_cc(c, CC_OP_SHIFT, size, H_RCX, H_R8, H_RDX);
    emit_reg_write(c, H_RDX, off, size);
}

/* PUSH r/imm and POP r of 8 (64-bit code) or 4 bytes (32-bit code,
 * jx_stack()); POP RSP leaves the value. */
static void emit_push_pop(JitCtx *c, unsigned k, bool pop)
{
    const X86Insn *i = &c->b->insns[k];
    const X86Operand *o = &i->op[0];
    JitCold *guard;

    if (pop) {
        guard = jx_stack(c, k, i->opsize, false);
        emit_reg_write(c, H_RAX, o->reg, i->opsize);
    } else {
        emit_src(c, k, 0, H_RDX);
        guard = jx_stack(c, k, i->opsize, true);
    }
    if (guard) {
        jx_rmw_done(c, guard);
    }
}

/* The return-address cache (ops-branch.c ras_push()/ras_pop()): a CALL
 * records the running block, a RET hands the latest to cpu->ret_caller. */
static void emit_ras(JitCtx *c, bool push)
{
    JitBuf *j = &c->j;

    jit_load(j, H_RCX, 4, H_RBX, H_NONE, 0, CPU_OFF(ras_top));
    jit_lea(j, H_RDX, H_RCX, H_NONE, 0, push ? 1 : -1);
    jit_store(j, H_RDX, 4, H_RBX, CPU_OFF(ras_top));
    if (push) {
        jit_mov(j, 4, H_RCX, H_RDX);
    }
    jit_alu_ri(j, G1_AND, 4, H_RCX, X86_RAS_SIZE - 1);
    if (push) {
        jit_load(j, H_R8, 8, H_RBX, H_NONE, 0, CPU_OFF(cur_block));
        jit_rm(j, 0x89, 8, H_R8, H_RBX, H_RCX, 3, CPU_OFF(ras));
    } else {
        jit_rm(j, 0x8b, 8, H_R8, H_RBX, H_RCX, 3, CPU_OFF(ras));
        jit_store(j, H_R8, 8, H_RBX, CPU_OFF(ret_caller));
    }
}

/* Near CALL rel32 and RET (imm16) in 64-bit code or, with a 32-bit
 * operand, in 32-bit code, as x86_op_call() and x86_op_ret() do them
 * (a 32-bit RIP wraps); a CALL whose push misses the TLB, and both on a
 * 16-bit stack, run their handlers. */
static void emit_call_ret(JitCtx *c, unsigned k, bool ret)
{
    const X86Insn *i = &c->b->insns[k];
    unsigned size = i->opsize;
    JitBuf *j = &c->j;
    JitCold *stubs[2];

    if (ret) {
        stubs[0] = jx_stack(c, k, size, false);
        stubs[1] = NULL;
        if (i->op[0].kind == OPK_IMM && (i->imm & 0xffff)) {
            jx_sp_add(c, size, i->imm & 0xffff);
        }
        jit_mov(j, 8, H_R9, H_RAX);
        emit_ras(c, false);
        jit_store(j, H_R9, 8, H_RBX, CPU_REG(R_RIP));
    } else {
        jit_lea(j, H_RDX, H_RBP, H_NONE, 0, i->next_off);
        jx_call_push(c, k, size, stubs);
        jx_sp_add(c, size, -(int32_t)size);
        emit_ras(c, true);
        jit_lea(j, H_RAX, H_RBP, H_NONE, 0, i->next_off);
        jit_alu_ri(j, G1_ADD, 8, H_RAX, (int32_t)i->imm);
        if (size == 4) {
            jit_mov(j, 4, H_RAX, H_RAX);
        }
        jit_store(j, H_RAX, 8, H_RBX, CPU_REG(R_RIP));
    }
    for (int n = 0; n < 2; n++) {
        if (stubs[n]) {
            jx_rmw_done(c, stubs[n]);
        }
    }
    jit_load(j, H_RAX, 8, H_RBX, H_NONE, 0, CPU_REG(R_RIP));
    emit_exit_all(c);
}

/* IMUL with a 32/64-bit register destination as fm_imul() records it:
 * the host's IMUL sets CF = OF = "the product did not fit". */
static void emit_imul(JitCtx *c, unsigned k)
{
    const X86Insn *i = &c->b->insns[k];
    unsigned size = i->op[0].size;
    JitBuf *j = &c->j;
    int h = i->op[0].reg % 8 ? H_NONE : jx_reg_host(c, i->op[0].reg / 8);
    bool three = i->op[2].kind == OPK_IMM;

    emit_src(c, k, 1, H_RAX);
    if (h != H_NONE && c->flags_dead &&
        (!three || (int64_t)i->imm == (int32_t)i->imm)) {
        /* No record: the host's IMUL into the cached register. */
        jit_rr(j, three ? 0x69 : 0x0faf, size, h, H_RAX);
        if (three) {
            jit_d(j, (uint32_t)i->imm);
        }
        c->dirty |= 1u << (i->op[0].reg / 8);
        return;
    }
    if (i->op[2].kind == OPK_IMM) {
        jit_movi(j, H_RCX, i->imm);
    } else {
        jx_reg_read(c, H_RCX, i->op[0].reg, size);
    }
    jit_rr(j, 0x0faf, size, H_RAX, H_RCX);      /* imul eax/rax, ecx/rcx */
    jit_b(j, 0x0f);                             /* setc dl */
    jit_b(j, 0x92);
    jit_b(j, 0xc2);
    jit_rr(j, 0x0fb6, 4, H_RDX, H_RDX);         /* movzx edx, dl */
    emit_cc(c, CC_OP_SHIFT, size, H_RDX, H_RDX, H_RAX);
    emit_reg_write(c, H_RAX, i->op[0].reg, size);
}

/* CMOVcc and SETcc on the host flags a flag-setting template left. */
static void emit_cmov(JitCtx *c, unsigned k)
{
    const X86Insn *i = &c->b->insns[k];
    unsigned size = i->op[0].size;
    JitBuf *j = &c->j;

    jx_reg_read(c, H_RAX, i->op[0].reg, size);
    jx_reg_read(c, H_RCX, i->op[1].reg, size);
    jit_rr(j, 0x0f40 | (i->opcode & 15), size, H_RAX, H_RCX);
    emit_reg_write(c, H_RAX, i->op[0].reg, size);
}

static void emit_setcc(JitCtx *c, unsigned k)
{
    const X86Insn *i = &c->b->insns[k];
    jit_b(&c->j, 0x0f);                         /* setcc al */
    jit_b(&c->j, 0x90 | (i->opcode & 15));
    jit_b(&c->j, 0xc0);
    jx_reg_write(c, H_RAX, i->op[0].reg, 1);
}

static void emit_mov(JitCtx *c, unsigned k)
{
    const X86Insn *i = &c->b->insns[k];
    const X86Operand *d = &i->op[0], *s = &i->op[1];
    int hd = H_NONE;

    /* A cached destination of 32/64 bits: an immediate sets it without
     * loading it; a memory source takes the general way. */
    if (d->kind == OPK_REG && !(d->reg % 8) && d->size >= 4) {
        if (s->kind == OPK_IMM) {
            hd = jx_reg_host_wr(c, d->reg / 8, d->size);
        } else if (s->kind == OPK_REG) {
            hd = jx_reg_host(c, d->reg / 8);
        }
    }

    if (hd != H_NONE && s->kind == OPK_IMM) {
        jit_movi(&c->j, hd, d->size == 4 ? (uint32_t)i->imm : i->imm);
        c->dirty |= 1u << (d->reg / 8);
    } else if (hd != H_NONE && s->kind == OPK_REG) {
        jx_reg_read(c, hd, s->reg, d->size);
        c->dirty |= 1u << (d->reg / 8);
    } else if (d->kind == OPK_REG) {
        emit_src(c, k, 1, H_RAX);
        emit_reg_write(c, H_RAX, d->reg, d->size);
    } else {
        emit_src(c, k, 1, H_RDX);
        jx_mem_store(c, k, d->size);
    }
}

static void emit_lea(JitCtx *c, unsigned k)
{
    const X86Insn *i = &c->b->insns[k];
    jx_ea(c, i);
    emit_reg_write(c, H_RSI, i->op[0].reg, i->op[0].size);
}

static void emit_ext(JitCtx *c, unsigned k, bool sx)
{
    const X86Insn *i = &c->b->insns[k];
    unsigned ss = i->op[1].size;
    static const unsigned sx_op[] = { [1] = 0x0fbe, [2] = 0x0fbf,
                                      [4] = 0x63 };

    emit_src(c, k, 1, H_RAX);
    if (sx) {
        jit_rr(&c->j, sx_op[ss], 8, H_RAX, H_RAX);
    }
    emit_reg_write(c, H_RAX, i->op[0].reg, i->op[0].size);
}

/*
 * A branch back to the block's own start, in a block of inline templates
 * only (no handler ran, so CS, modes, links and debugging are as they
 * were, and a store that hit this block's code left through its stop
 * check): count the block and run it again while the budget lasts and no
 * event is raised; otherwise fall into the ordinary exit.
 */
static void emit_self_loop(JitCtx *c)
{
    JitBuf *j = &c->j;
    uint8_t *out[3];

    jit_load(j, H_RAX, 8, H_RBX, H_NONE, 0, CPU_OFF(retired));
    jit_alu_ri(j, G1_ADD, 8, H_RAX, jit_retired(c, c->b->n_insns));
    jit_rm(j, 0x3b, 8, H_RAX, H_RSP, H_NONE, 0, 0); /* cmp rax, budget */
    out[0] = jit_jcc(j, 3);                     /* jae */
    jx_events_check(c, out + 1);
    jit_store(j, H_RAX, 8, H_RBX, CPU_OFF(retired));
    /* The body starts with dirty0 dirty: write back the others. */
    jx_regs_store(c, c->dirty & ~c->dirty0);
    jit_patch(jit_jmp(j), c->body);
    for (int k = 0; k < 3; k++) {
        jit_patch(out[k], j->p);
    }
}

/* A taken or not-taken end of block: RIP = eip + @off (+ @disp, masked
 * to 32 bits for a 32-bit Jcc), then on to the next block. */
static void emit_set_rip(JitCtx *c, unsigned off, int64_t disp,
                         unsigned jsize)
{
    if (off + disp == 0 && !c->has_call && c->b->mode != 2) {
        emit_self_loop(c);
    }
    jit_lea(&c->j, H_RAX, H_RBP, H_NONE, 0, off);
    if (disp || jsize == 4) {
        jit_alu_ri(&c->j, G1_ADD, 8, H_RAX, (int32_t)disp);
        if (jsize == 4) {
            jit_mov(&c->j, 4, H_RAX, H_RAX);
        }
    }
    jit_store(&c->j, H_RAX, 8, H_RBX, CPU_REG(R_RIP));
    emit_exit_all(c);
}

/* The branch on the host flags the previous template left. */
static void emit_jcc_tail(JitCtx *c, unsigned cc, unsigned off,
                          int32_t disp, unsigned jsize)
{
    uint8_t *taken = jit_jcc(&c->j, cc);
    emit_set_rip(c, off, 0, 8);
    jit_patch(taken, c->j.p);
    emit_set_rip(c, off, disp, jsize);
}

static void emit_call(JitCtx *c, unsigned k, bool pure)
{
    const X86Insn *i = &c->b->insns[k];

    if (!pure || k == c->b->n_insns - 1u) {
        jx_insn_state(c, k);
    }
    c->has_call = true;
    jx_rec_flush(c);
    jx_regs_before_call(c);
    jit_mov(&c->j, 8, H_RDI, H_RBX);
    jit_movi(&c->j, H_RSI, (uintptr_t)i);
    jit_call(&c->j, i->exec);
    if (!pure && k + 1u < c->b->n_insns) {
        jx_stop_check(c, k + 1);
    }
    if (!pure) {
        jx_tlb_base(c);         /* the handler may change mmu_idx */
    }
    jx_regs_after_call(c);
}

/* A flag-setting template (ALU or INC/DEC) for entry @k; with @flags the
 * host flags are the guest's when it ends. */
static void emit_flagop(JitCtx *c, unsigned k, const JitOp *o, bool flags)
{
    if (o->kind == JK_INCDEC) {
        emit_incdec(c, k, o->alu, flags);
        return;
    }
    if (o->kind == JK_UNARY) {
        emit_unary(c, k, true, flags);
        c->cf = CFS_NONE;
        return;
    }
    emit_alu(c, k, o->alu, flags);
    c->cf = alu_cc_op[o->alu] == CC_OP_LOGIC ? CFS_ZERO : CFS_NONE;
}

/* ADD/ADC/SUB/SBB/CMP followed by an entry that needs the CF (INC, DEC,
 * ADC, SBB): keep the CF in R10 (setc). */
static void emit_alu_keep_cf(JitCtx *c, unsigned k, const JitOp *o)
{
    emit_alu(c, k, o->alu, true);
    jit_b(&c->j, 0x41);                         /* setc r10b */
    jit_b(&c->j, 0x0f);
    jit_b(&c->j, 0x92);
    jit_b(&c->j, 0xc2);
    jit_rr(&c->j, 0x0fb6, 4, H_R10, H_R10);     /* movzx r10d, r10b */
    c->cf = CFS_R10;
}

/* What emit_entry() made of an entry. */
enum { EMIT_INLINE, EMIT_CALLED, EMIT_ENDED };

/* Entry @k: EMIT_ENDED if it ended the block's code (a branch tail). */
static int emit_entry(JitCtx *c, unsigned k)
{
    const X86Block *b = c->b;
    const X86Insn *i = &b->insns[k];
    JitOp o = jit_classify(b, i);
    bool last = k + 1u == b->n_insns;
    bool flagop = o.kind == JK_ALU || o.kind == JK_INCDEC ||
                  (o.kind == JK_UNARY && o.alu == 3);
    bool flags_next, hflags;

    c->flags_dead = !last && jit_flags_overwritten(b, k + 1, o.kind);
    c->k = k;
    c->rec_defer = !c->flags_dead &&
                   ((!last && jit_flags_overwritten_later(b, k + 1, o.kind)) ||
                    (c->loops && jit_loop_rec_dead(b, k)));
    /*
     * A compare-and-branch the decoder fused: x86_fuse_jcc() (ops-fast.c)
     * keeps the operands and puts the displacement in .disp for register
     * forms of 32 and 64 bits; other forms (x86_fuse_jcc_mem(), 8-bit
     * registers and memory) pack it into .imm.
     */
    if (last && b->fused) {
        if (flagop && o.kind != JK_UNARY && i->op[0].kind == OPK_REG &&
            i->op[1].kind != OPK_MEM &&
            (i->op[0].size == 4 || i->op[0].size == 8)) {
            emit_flagop(c, k, &o, true);
            emit_jcc_tail(c, i->imm2 & 15, i->next_off, i->disp,
                          i->imm2 >> 8);
            return EMIT_ENDED;
        }
        /* x86_fuse_jcc_mem()'s CMP/TEST of a byte register or with a
         * memory operand: .imm holds the immediate (low half) and the
         * displacement (high half), .imm2 the Jcc's length, which a
         * RIP-relative operand does not count. */
        if (o.kind == JK_ALU && (o.alu == OP_CMP || o.alu == OP_TEST) &&
            (jit_has_mem(i) || (i->op[0].kind == OPK_REG &&
                                i->op[0].size == 1))) {
            c->packed_imm = true;
            c->rip_adj = (i->imm2 >> 4) & 15;
            emit_alu(c, k, o.alu, true);
            c->packed_imm = false;
            c->rip_adj = 0;
            emit_jcc_tail(c, i->imm2 & 15, i->next_off,
                          (int32_t)(i->imm >> 32), i->imm2 >> 8);
            return EMIT_ENDED;
        }
        o.kind = JK_CALL;
    }
    if (k + 2u == b->n_insns && flagop &&
        jit_classify(b, i + 1).kind == JK_JCC) {
        emit_flagop(c, k, &o, true);
        emit_jcc_tail(c, i[1].opcode & 15, i[1].next_off, (int32_t)i[1].imm,
                      i[1].opsize);
        return EMIT_ENDED;
    }
    /* CMOVcc/SETcc/Jcc next, past moves: leave the host flags (the
     * guest's) live. */
    flags_next = !last && jit_hflags_used(b, k);
    hflags = c->hflags;
    c->hflags = false;
    switch (o.kind) {
    case JK_ALU:
        if (alu_cc_op[o.alu] != CC_OP_LOGIC && jit_needs_cf(b, k + 1)) {
            emit_alu_keep_cf(c, k, &o);
        } else {
            emit_flagop(c, k, &o, flags_next);
        }
        c->hflags = flags_next;
        break;
    case JK_INCDEC:
        emit_incdec(c, k, o.alu, flags_next);
        c->hflags = flags_next;
        break;
    case JK_UNARY:
        emit_unary(c, k, o.alu == 3, flags_next);
        if (o.alu == 3) {
            c->cf = CFS_NONE;
            c->hflags = flags_next;
        }
        break;
    case JK_SHIFT:
        emit_shift(c, k, o.alu);
        c->cf = CFS_NONE;
        break;
    case JK_IMUL:
        emit_imul(c, k);
        c->cf = CFS_NONE;
        break;
    case JK_CMOV:
    case JK_SETCC:
        if (!hflags) {
            emit_call(c, k, true);
            c->cf = CFS_NONE;
            return EMIT_CALLED;
        }
        if (o.kind == JK_CMOV) {
            emit_cmov(c, k);
        } else {
            emit_setcc(c, k);
        }
        c->hflags = true;
        break;
    case JK_MOV:
        emit_mov(c, k);
        break;
    case JK_LEA:
        emit_lea(c, k);
        break;
    case JK_PUSH:
        emit_push_pop(c, k, o.alu);
        break;
    case JK_CALLN:
    case JK_RET:
        emit_call_ret(c, k, o.kind == JK_RET);
        return EMIT_ENDED;
    case JK_JMPN:
        emit_set_rip(c, i->next_off, (int32_t)i->imm, i->opsize);
        return EMIT_ENDED;
    case JK_JCC:
        if (!hflags) {
            emit_call(c, k, false);
            c->cf = CFS_NONE;
            return EMIT_CALLED;
        }
        emit_jcc_tail(c, i->opcode & 15, i->next_off, (int32_t)i->imm,
                      i->opsize);
        return EMIT_ENDED;
    case JK_EXT:
        emit_ext(c, k, o.sx);
        break;
    case JK_PURE:
        if (jx_rot_dead(c, k)) {
            c->cf = CFS_NONE;
            break;
        }
        emit_call(c, k, true);
        c->cf = CFS_NONE;
        return EMIT_CALLED;
    default:
        emit_call(c, k, false);
        c->cf = CFS_NONE;
        return EMIT_CALLED;
    }
    if (hflags && jit_keeps_hflags(b, i)) {
        c->hflags = true;
    }
    /* The memory stubs keep R10, so a CF there survives. */
    return EMIT_INLINE;
}

bool x86_jit_translate(X86JitCode *jc, const X86Block *b, X86JitFn *out)
{
    size_t need = 64 + b->n_insns * (JIT_INSN_ROOM + 2 * JIT_COLD_ROOM);
    JitCtx *c;
    uint8_t *entry;
    int how = EMIT_INLINE;

    if (jc->used + need > jc->size) {
        return false;
    }
    c = g_new(JitCtx, 1);
    c->b = b;
    c->n_cold = 0;
    c->cf = CFS_NONE;
    c->hflags = false;
    c->has_call = false;
    c->packed_imm = false;
    c->rip_adj = 0;
    c->flags_dead = false;
    c->rec_defer = false;
    c->rec.on = false;
    c->j.p = jc->base + jc->used;
    c->j.end = c->j.p + need;
    /* The epilogue and the chain stub first, so every exit jumps back
     * to a known place. */
    c->epi = c->j.p;
    jit_b(&c->j, 0x59);                         /* pop rcx: the budget */
    for (int r = H_R15; r >= H_R12; r--) {
        jit_b(&c->j, 0x41);                     /* pop r15, r14, r13, r12 */
        jit_b(&c->j, 0x58 | (r & 7));
    }
    jit_b(&c->j, 0x5d);                         /* pop rbp */
    jit_b(&c->j, 0x5b);                         /* pop rbx */
    jit_b(&c->j, 0xc3);                         /* ret */
    c->chain = c->j.p;
    jx_chain(c);
    entry = c->j.p;
    jit_b(&c->j, 0x53);                         /* push rbx */
    jit_b(&c->j, 0x55);                         /* push rbp */
    for (int r = H_R12; r <= H_R15; r++) {
        jit_b(&c->j, 0x41);                     /* push r12, r13, r14, r15 */
        jit_b(&c->j, 0x50 | (r & 7));
    }
    jit_b(&c->j, 0x51);                         /* push rcx: the budget */
    jit_mov(&c->j, 8, H_RBX, H_RDI);
    jit_mov(&c->j, 8, H_RBP, H_RSI);
    jx_tlb_base(c);
    assert(c->j.p - entry == JIT_CHAIN_SKIP);
    c->loops = jit_loops(b);
    jx_regs_plan(c);
    if (c->loops) {
        jx_regs_load(c, c->cached);     /* valid across the back edge */
    }
    c->dirty = c->dirty0 = c->loops ? c->cached : 0;
    c->body = c->j.p;
    for (unsigned k = 0; k < b->n_insns && how != EMIT_ENDED; k++) {
        how = emit_entry(c, k);
        /* A kept record lives until the next entry that is not a move. */
        if (c->rec.on && c->rec_k != k &&
            !jit_keeps_rec(jit_classify(b, &b->insns[k]).kind)) {
            c->rec.on = false;
        }
    }
    if (how == EMIT_INLINE) {
        emit_set_rip(c, b->insns[b->n_insns - 1].next_off, 0, 8);
    } else if (how == EMIT_CALLED) {
        jit_load(&c->j, H_RAX, 8, H_RBX, H_NONE, 0, CPU_REG(R_RIP));
        emit_exit_all(c);
    }
    for (unsigned k = 0; k < c->n_cold; k++) {
        jx_cold(c, &c->cold[k]);
    }
    assert(c->j.p <= c->j.end);
    *out = (X86JitFn)(void *)entry;
    if (jit_cfg.perf_map) {
        /* perf's JIT symbol map: start, size, name (the guest block). */
        fprintf(jit_cfg.perf_map, "%" PRIxPTR " %zx jit-%" PRIx64 "-%u\n",
                (uintptr_t)c->epi, (size_t)(c->j.p - c->epi), b->phys,
                b->n_insns);
        fflush(jit_cfg.perf_map);
    }
    jc->used = (c->j.p - jc->base + 15) & ~(size_t)15;
    jc->blocks++;
    g_free(c);
    return true;
}
