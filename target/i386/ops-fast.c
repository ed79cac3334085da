/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shape-specialised forms of the most frequent instructions (CPU-ENGINE.md
 * "Specialise on mode"): ADD ADC SUB SBB AND OR XOR CMP TEST MOV with a
 * 32- or 64-bit register destination and a register or immediate source,
 * INC/DEC of a register.  The semantics are those of ops-arith.c and
 * ops-move.c (the differential tests run both); the decoder swaps a
 * generic handler for its specialised twin through x86_fast_table.
 */
#include <glib.h>

#include "target/i386/ops.h"

enum { ALU_ADD, ALU_ADC, ALU_SUB, ALU_SBB, ALU_AND, ALU_OR, ALU_XOR,
       ALU_CMP, ALU_TEST, ALU_MOV };

X86_INLINE void alu(X86CPU *cpu, const X86Insn *i, unsigned size, int op,
                    bool imm)
{
    uint64_t *d = &cpu->regs[i->op[0].reg >> 3];
    uint64_t m = size == 4 ? 0xffffffffull : ~0ull;
    uint64_t a = *d & m;
    uint64_t b = imm ? i->imm : cpu->regs[i->op[1].reg >> 3] & m;
    uint64_t r;

    switch (op) {
    case ALU_ADD: r = a + b; break;
    case ALU_ADC: r = a + b + x86_get_cf(cpu); break;
    case ALU_SUB: case ALU_CMP: r = a - b; break;
    case ALU_SBB: r = a - b - x86_get_cf(cpu); break;
    case ALU_AND: case ALU_TEST: r = a & b; break;
    case ALU_OR: r = a | b; break;
    case ALU_XOR: r = a ^ b; break;
    default: *d = b; return;
    }
    if (op != ALU_CMP && op != ALU_TEST) {
        *d = r & m;
    }
    cpu->cc_size = size;
    cpu->cc_dst = r;
    if (op <= ALU_SBB || op == ALU_CMP) {
        cpu->cc_op = op == ALU_ADD ? CC_OP_ADD : op == ALU_ADC ? CC_OP_ADC :
                     op == ALU_SBB ? CC_OP_SBB : CC_OP_SUB;
        cpu->cc_src = a, cpu->cc_src2 = b;
    } else {
        cpu->cc_op = CC_OP_LOGIC;
    }
}

X86_INLINE void incdec(X86CPU *cpu, const X86Insn *i, unsigned size,
                       bool dec)
{
    uint64_t *d = &cpu->regs[i->op[0].reg >> 3];
    uint64_t m = size == 4 ? 0xffffffffull : ~0ull;
    uint64_t a = *d & m;
    cpu->cc_src2 = x86_get_cf(cpu);
    cpu->cc_src = a;
    cpu->cc_dst = dec ? a - 1 : a + 1;
    cpu->cc_op = dec ? CC_OP_DEC : CC_OP_INC;
    cpu->cc_size = size;
    *d = cpu->cc_dst & m;
}

static void add_rr4(X86CPU *c, const X86Insn *i)
{
    alu(c, i, 4, ALU_ADD, false);
}

static void add_rr8(X86CPU *c, const X86Insn *i)
{
    alu(c, i, 8, ALU_ADD, false);
}

static void add_ri4(X86CPU *c, const X86Insn *i)
{
    alu(c, i, 4, ALU_ADD, true);
}

static void add_ri8(X86CPU *c, const X86Insn *i)
{
    alu(c, i, 8, ALU_ADD, true);
}

static void adc_rr4(X86CPU *c, const X86Insn *i)
{
    alu(c, i, 4, ALU_ADC, false);
}

static void adc_rr8(X86CPU *c, const X86Insn *i)
{
    alu(c, i, 8, ALU_ADC, false);
}

static void adc_ri4(X86CPU *c, const X86Insn *i)
{
    alu(c, i, 4, ALU_ADC, true);
}

static void adc_ri8(X86CPU *c, const X86Insn *i)
{
    alu(c, i, 8, ALU_ADC, true);
}

static void sub_rr4(X86CPU *c, const X86Insn *i)
{
    alu(c, i, 4, ALU_SUB, false);
}

static void sub_rr8(X86CPU *c, const X86Insn *i)
{
    alu(c, i, 8, ALU_SUB, false);
}

static void sub_ri4(X86CPU *c, const X86Insn *i)
{
    alu(c, i, 4, ALU_SUB, true);
}

static void sub_ri8(X86CPU *c, const X86Insn *i)
{
    alu(c, i, 8, ALU_SUB, true);
}

static void sbb_rr4(X86CPU *c, const X86Insn *i)
{
    alu(c, i, 4, ALU_SBB, false);
}

static void sbb_rr8(X86CPU *c, const X86Insn *i)
{
    alu(c, i, 8, ALU_SBB, false);
}

static void sbb_ri4(X86CPU *c, const X86Insn *i)
{
    alu(c, i, 4, ALU_SBB, true);
}

static void sbb_ri8(X86CPU *c, const X86Insn *i)
{
    alu(c, i, 8, ALU_SBB, true);
}

static void and_rr4(X86CPU *c, const X86Insn *i)
{
    alu(c, i, 4, ALU_AND, false);
}

static void and_rr8(X86CPU *c, const X86Insn *i)
{
    alu(c, i, 8, ALU_AND, false);
}

static void and_ri4(X86CPU *c, const X86Insn *i)
{
    alu(c, i, 4, ALU_AND, true);
}

static void and_ri8(X86CPU *c, const X86Insn *i)
{
    alu(c, i, 8, ALU_AND, true);
}

static void or_rr4(X86CPU *c, const X86Insn *i)
{
    alu(c, i, 4, ALU_OR, false);
}

static void or_rr8(X86CPU *c, const X86Insn *i)
{
    alu(c, i, 8, ALU_OR, false);
}

static void or_ri4(X86CPU *c, const X86Insn *i)
{
    alu(c, i, 4, ALU_OR, true);
}

static void or_ri8(X86CPU *c, const X86Insn *i)
{
    alu(c, i, 8, ALU_OR, true);
}

static void xor_rr4(X86CPU *c, const X86Insn *i)
{
    alu(c, i, 4, ALU_XOR, false);
}

static void xor_rr8(X86CPU *c, const X86Insn *i)
{
    alu(c, i, 8, ALU_XOR, false);
}

static void xor_ri4(X86CPU *c, const X86Insn *i)
{
    alu(c, i, 4, ALU_XOR, true);
}

static void xor_ri8(X86CPU *c, const X86Insn *i)
{
    alu(c, i, 8, ALU_XOR, true);
}

static void cmp_rr4(X86CPU *c, const X86Insn *i)
{
    alu(c, i, 4, ALU_CMP, false);
}

static void cmp_rr8(X86CPU *c, const X86Insn *i)
{
    alu(c, i, 8, ALU_CMP, false);
}

static void cmp_ri4(X86CPU *c, const X86Insn *i)
{
    alu(c, i, 4, ALU_CMP, true);
}

static void cmp_ri8(X86CPU *c, const X86Insn *i)
{
    alu(c, i, 8, ALU_CMP, true);
}

static void test_rr4(X86CPU *c, const X86Insn *i)
{
    alu(c, i, 4, ALU_TEST, false);
}

static void test_rr8(X86CPU *c, const X86Insn *i)
{
    alu(c, i, 8, ALU_TEST, false);
}

static void test_ri4(X86CPU *c, const X86Insn *i)
{
    alu(c, i, 4, ALU_TEST, true);
}

static void test_ri8(X86CPU *c, const X86Insn *i)
{
    alu(c, i, 8, ALU_TEST, true);
}

static void mov_rr4(X86CPU *c, const X86Insn *i)
{
    alu(c, i, 4, ALU_MOV, false);
}

static void mov_rr8(X86CPU *c, const X86Insn *i)
{
    alu(c, i, 8, ALU_MOV, false);
}

static void mov_ri4(X86CPU *c, const X86Insn *i)
{
    alu(c, i, 4, ALU_MOV, true);
}

static void mov_ri8(X86CPU *c, const X86Insn *i)
{
    alu(c, i, 8, ALU_MOV, true);
}

static void inc_r4(X86CPU *c, const X86Insn *i)
{
    incdec(c, i, 4, false);
}

static void inc_r8(X86CPU *c, const X86Insn *i)
{
    incdec(c, i, 8, false);
}

static void dec_r4(X86CPU *c, const X86Insn *i)
{
    incdec(c, i, 4, true);
}

static void dec_r8(X86CPU *c, const X86Insn *i)
{
    incdec(c, i, 8, true);
}

/* MOV between a 32/64-bit register and memory. */
X86_INLINE void mov_load(X86CPU *cpu, const X86Insn *i, unsigned size)
{
    uint64_t ea = x86_insn_ea(cpu, i);
    uint64_t v = i->flat64 ? x86_ld_seg(cpu, true, i->seg, ea, size)
                           : x86_ld_seg(cpu, false, i->seg, ea, size);
    cpu->regs[i->op[0].reg >> 3] = v;
}

X86_INLINE void mov_store(X86CPU *cpu, const X86Insn *i, unsigned size)
{
    uint64_t ea = x86_insn_ea(cpu, i);
    uint64_t v = cpu->regs[i->op[1].reg >> 3];
    if (i->flat64) {
        x86_st_seg(cpu, true, i->seg, ea, v, size);
    } else {
        x86_st_seg(cpu, false, i->seg, ea, v, size);
    }
}

static void mov_load4(X86CPU *c, const X86Insn *i)
{
    mov_load(c, i, 4);
}

static void mov_load8(X86CPU *c, const X86Insn *i)
{
    mov_load(c, i, 8);
}

static void mov_store4(X86CPU *c, const X86Insn *i)
{
    mov_store(c, i, 4);
}

static void mov_store8(X86CPU *c, const X86Insn *i)
{
    mov_store(c, i, 8);
}

/* Jcc with a 32- or 64-bit operand size; JZ/JNZ test the result inline. */
X86_INLINE void jcc(X86CPU *cpu, const X86Insn *i, unsigned size, int zf)
{
    bool take;
    if (zf >= 0 && cpu->cc_op != CC_OP_EFLAGS) {
        uint64_t m = cpu->cc_size == 4 ? 0xffffffffull :
                     x86_size_mask(cpu->cc_size);
        take = ((cpu->cc_dst & m) == 0) ^ zf;
    } else {
        take = x86_cond(cpu, i->opcode & 15);
    }
    if (take) {
        uint64_t t = cpu->regs[R_RIP] + i->imm;
        cpu->regs[R_RIP] = size == 4 ? (uint32_t)t : t;
    }
}

static void jz4(X86CPU *c, const X86Insn *i)
{
    jcc(c, i, 4, 0);
}

static void jnz4(X86CPU *c, const X86Insn *i)
{
    jcc(c, i, 4, 1);
}

static void jcc4(X86CPU *c, const X86Insn *i)
{
    jcc(c, i, 4, -1);
}

static void jz8(X86CPU *c, const X86Insn *i)
{
    jcc(c, i, 8, 0);
}

static void jnz8(X86CPU *c, const X86Insn *i)
{
    jcc(c, i, 8, 1);
}

static void jcc8(X86CPU *c, const X86Insn *i)
{
    jcc(c, i, 8, -1);
}

/*
 * Compare-and-branch fusion (CPU-ENGINE.md "Lazy flags"): a block ending
 * in CMP/TEST/ADD/SUB/AND/INC/DEC of registers followed by a Jcc runs the
 * pair as one decoded instruction.  The first instruction keeps its
 * operands; .disp holds the Jcc displacement (register forms have no
 * displacement), .imm2 the condition (low 4 bits) and the Jcc operand size
 * (bits 8-15), .len the length of both.  Neither half can fault, so an
 * exception never lands between them; the flags are recorded as the first
 * instruction alone would record them.
 */
enum { ALU_INC = ALU_MOV + 1, ALU_DEC };

X86_INLINE void fused_jcc(X86CPU *cpu, const X86Insn *i, unsigned size,
                          int op, bool imm)
{
    unsigned cc = i->imm2 & 15, mask = x86_fused_cond_mask(cc);
    uint64_t m = size == 4 ? 0xffffffffull : ~0ull;
    uint64_t a = cpu->regs[i->op[0].reg >> 3] & m;
    uint64_t b = imm ? i->imm : cpu->regs[i->op[1].reg >> 3] & m;
    bool take;

    if (op == ALU_INC || op == ALU_DEC) {
        incdec(cpu, i, size, op == ALU_DEC);
    } else {
        alu(cpu, i, size, op, imm);
    }
    if (mask && (op == ALU_CMP || op == ALU_SUB || op == ALU_TEST ||
                 op == ALU_AND)) {
        uint32_t f = x86_fused_flags(a, b, size,
                                     op == ALU_TEST || op == ALU_AND);
        take = ((f & mask) != 0) ^ (cc & 1);
    } else {
        take = x86_cond(cpu, cc);
    }
    if (take) {
        uint64_t t = cpu->regs[R_RIP] + (int64_t)i->disp;
        cpu->regs[R_RIP] = (i->imm2 >> 8) == 4 ? (uint32_t)t : t;
    }
}

#define FUSED(name, op, imm)                                                 \
    static void name##4_jcc(X86CPU *c, const X86Insn *i)                     \
    { fused_jcc(c, i, 4, op, imm); }                                         \
    static void name##8_jcc(X86CPU *c, const X86Insn *i)                     \
    { fused_jcc(c, i, 8, op, imm); }

FUSED(cmp_rr, ALU_CMP, false)
FUSED(cmp_ri, ALU_CMP, true)
FUSED(test_rr, ALU_TEST, false)
FUSED(test_ri, ALU_TEST, true)
FUSED(add_rr, ALU_ADD, false)
FUSED(add_ri, ALU_ADD, true)
FUSED(sub_rr, ALU_SUB, false)
FUSED(sub_ri, ALU_SUB, true)
FUSED(and_rr, ALU_AND, false)
FUSED(and_ri, ALU_AND, true)
FUSED(inc_r, ALU_INC, false)
FUSED(dec_r, ALU_DEC, false)

static const struct {
    X86ExecFn first, fused;
} fusable[] = {
    { cmp_rr4, cmp_rr4_jcc }, { cmp_rr8, cmp_rr8_jcc },
    { cmp_ri4, cmp_ri4_jcc }, { cmp_ri8, cmp_ri8_jcc },
    { test_rr4, test_rr4_jcc }, { test_rr8, test_rr8_jcc },
    { test_ri4, test_ri4_jcc }, { test_ri8, test_ri8_jcc },
    { add_rr4, add_rr4_jcc }, { add_rr8, add_rr8_jcc },
    { add_ri4, add_ri4_jcc }, { add_ri8, add_ri8_jcc },
    { sub_rr4, sub_rr4_jcc }, { sub_rr8, sub_rr8_jcc },
    { sub_ri4, sub_ri4_jcc }, { sub_ri8, sub_ri8_jcc },
    { and_rr4, and_rr4_jcc }, { and_rr8, and_rr8_jcc },
    { and_ri4, and_ri4_jcc }, { and_ri8, and_ri8_jcc },
    { inc_r4, inc_r4_jcc }, { inc_r8, inc_r8_jcc },
    { dec_r4, dec_r4_jcc }, { dec_r8, dec_r8_jcc },
};

bool x86_fuse_jcc(X86Insn *first, const X86Insn *jcc)
{
    unsigned size;

    if (jcc->exec == jz4 || jcc->exec == jnz4 || jcc->exec == jcc4) {
        size = 4;
    } else if (jcc->exec == jz8 || jcc->exec == jnz8 || jcc->exec == jcc8) {
        size = 8;
    } else {
        return false;
    }
    if ((int64_t)jcc->imm != (int32_t)jcc->imm ||
        first->len + jcc->len > 255) {
        return false;
    }
    for (unsigned k = 0; k < G_N_ELEMENTS(fusable); k++) {
        if (fusable[k].first == first->exec) {
            first->exec = fusable[k].fused;
            first->disp = (int32_t)jcc->imm;
            first->imm2 = (jcc->opcode & 15) | size << 8;
            first->len += jcc->len;
            first->end_block = 1;
            return true;
        }
    }
    if (x86_fuse_jcc_mem(first, jcc, size)) {
        first->len += jcc->len;
        first->end_block = 1;
        return true;
    }
    return false;
}

/* Forms that are not "register destination, register/immediate source". */
static bool specialize_other(X86Insn *insn)
{
    const X86Operand *d = &insn->op[0], *s = &insn->op[1];
    unsigned sz = insn->opsize;

    if (insn->exec == x86_op_jcc && (sz == 4 || sz == 8)) {
        unsigned cc = insn->opcode & 15;
        insn->exec = cc == 4 ? (sz == 4 ? jz4 : jz8) :
                     cc == 5 ? (sz == 4 ? jnz4 : jnz8) :
                     (sz == 4 ? jcc4 : jcc8);
        return true;
    }
    if (insn->exec != x86_op_mov || insn->lock) {
        return false;
    }
    if (d->kind == OPK_REG && s->kind == OPK_MEM && d->size == s->size &&
        (d->size == 4 || d->size == 8)) {
        insn->exec = d->size == 4 ? mov_load4 : mov_load8;
        return true;
    }
    if (d->kind == OPK_MEM && s->kind == OPK_REG && d->size == s->size &&
        (d->size == 4 || d->size == 8)) {
        insn->exec = d->size == 4 ? mov_store4 : mov_store8;
        return true;
    }
    return false;
}

typedef struct X86FastForm {
    X86ExecFn generic;
    X86ExecFn rr4, ri4, rr8, ri8;   /* ri* NULL: no immediate form */
} X86FastForm;

static const X86FastForm x86_fast_table[] = {
    { x86_op_add, add_rr4, add_ri4, add_rr8, add_ri8 },
    { x86_op_adc, adc_rr4, adc_ri4, adc_rr8, adc_ri8 },
    { x86_op_sub, sub_rr4, sub_ri4, sub_rr8, sub_ri8 },
    { x86_op_sbb, sbb_rr4, sbb_ri4, sbb_rr8, sbb_ri8 },
    { x86_op_and, and_rr4, and_ri4, and_rr8, and_ri8 },
    { x86_op_or, or_rr4, or_ri4, or_rr8, or_ri8 },
    { x86_op_xor, xor_rr4, xor_ri4, xor_rr8, xor_ri8 },
    { x86_op_cmp, cmp_rr4, cmp_ri4, cmp_rr8, cmp_ri8 },
    { x86_op_test, test_rr4, test_ri4, test_rr8, test_ri8 },
    { x86_op_mov, mov_rr4, mov_ri4, mov_rr8, mov_ri8 },
    { x86_op_inc, inc_r4, NULL, inc_r8, NULL },
    { x86_op_dec, dec_r4, NULL, dec_r8, NULL },
};

/* The register-destination forms of this file, or false. */
static bool specialize_reg(X86Insn *insn)
{
    const X86Operand *d = &insn->op[0], *s = &insn->op[1];
    X86ExecFn fn = NULL;

    if (d->kind != OPK_REG || (d->size != 4 && d->size != 8) ||
        insn->lock) {
        return false;
    }
    for (unsigned k = 0; k < G_N_ELEMENTS(x86_fast_table); k++) {
        const X86FastForm *f = &x86_fast_table[k];
        bool unary = f->ri4 == NULL;
        if (f->generic != insn->exec) {
            continue;
        }
        if (unary && s->kind == OPK_NONE) {
            fn = d->size == 4 ? f->rr4 : f->rr8;
        } else if (!unary && s->kind == OPK_REG && s->size == d->size) {
            fn = d->size == 4 ? f->rr4 : f->rr8;
        } else if (!unary && s->kind == OPK_IMM && s->size <= d->size &&
                   insn->op[2].kind == OPK_NONE) {
            fn = d->size == 4 ? f->ri4 : f->ri8;
        }
        break;
    }
    if (fn) {
        insn->exec = fn;
    }
    return fn != NULL;
}

/* Swap @insn's handler for a specialised one when its shape allows. */
void x86_specialize(X86Insn *insn)
{
    if (!specialize_other(insn) && !specialize_reg(insn)) {
        x86_specialize_mem(insn);
    }
}
