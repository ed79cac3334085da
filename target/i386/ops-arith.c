/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Integer arithmetic: ADD, ADC, SUB, SBB, CMP, AND, OR, XOR, TEST, INC, DEC,
 * NOT, NEG, MUL, IMUL, DIV, IDIV, XADD, CMPXCHG, CMPXCHG8B/16B
 * (SDM vol. 2A/2B, one section per mnemonic).
 *
 * Operand 0 is the destination.  Flags are recorded lazily (flags.c).
 * LOCKed forms are atomic with respect to this vCPU only; the multi-vCPU
 * atomicity of SMP guests is left to the SMP work.
 */
#include "target/i386/ops.h"

static inline uint64_t sz_mask(const X86Insn *i)
{
    return x86_size_mask(i->op[0].size);
}

void x86_op_add(X86CPU *cpu, const X86Insn *i)
{
    uint64_t a = x86_op_read_rmw(cpu, i, 0), b = x86_op_read(cpu, i, 1);
    uint64_t r = a + b;
    x86_op_write(cpu, i, 0, r);
    x86_cc_set(cpu, CC_OP_ADD, i->op[0].size, a, b, r);
}

void x86_op_adc(X86CPU *cpu, const X86Insn *i)
{
    uint64_t a = x86_op_read_rmw(cpu, i, 0), b = x86_op_read(cpu, i, 1);
    uint64_t r = a + b + x86_get_cf(cpu);
    x86_op_write(cpu, i, 0, r);
    x86_cc_set(cpu, CC_OP_ADC, i->op[0].size, a, b, r);
}

void x86_op_sub(X86CPU *cpu, const X86Insn *i)
{
    uint64_t a = x86_op_read_rmw(cpu, i, 0), b = x86_op_read(cpu, i, 1);
    uint64_t r = a - b;
    x86_op_write(cpu, i, 0, r);
    x86_cc_set(cpu, CC_OP_SUB, i->op[0].size, a, b, r);
}

void x86_op_sbb(X86CPU *cpu, const X86Insn *i)
{
    uint64_t a = x86_op_read_rmw(cpu, i, 0), b = x86_op_read(cpu, i, 1);
    uint64_t r = a - b - x86_get_cf(cpu);
    x86_op_write(cpu, i, 0, r);
    x86_cc_set(cpu, CC_OP_SBB, i->op[0].size, a, b, r);
}

void x86_op_cmp(X86CPU *cpu, const X86Insn *i)
{
    uint64_t a = x86_op_read(cpu, i, 0), b = x86_op_read(cpu, i, 1);
    x86_cc_set(cpu, CC_OP_SUB, i->op[0].size, a, b, a - b);
}

void x86_op_and(X86CPU *cpu, const X86Insn *i)
{
    uint64_t r = x86_op_read_rmw(cpu, i, 0) & x86_op_read(cpu, i, 1);
    x86_op_write(cpu, i, 0, r);
    x86_cc_set(cpu, CC_OP_LOGIC, i->op[0].size, 0, 0, r);
}

void x86_op_or(X86CPU *cpu, const X86Insn *i)
{
    uint64_t r = x86_op_read_rmw(cpu, i, 0) | x86_op_read(cpu, i, 1);
    x86_op_write(cpu, i, 0, r);
    x86_cc_set(cpu, CC_OP_LOGIC, i->op[0].size, 0, 0, r);
}

void x86_op_xor(X86CPU *cpu, const X86Insn *i)
{
    uint64_t r = x86_op_read_rmw(cpu, i, 0) ^ x86_op_read(cpu, i, 1);
    x86_op_write(cpu, i, 0, r);
    x86_cc_set(cpu, CC_OP_LOGIC, i->op[0].size, 0, 0, r);
}

void x86_op_test(X86CPU *cpu, const X86Insn *i)
{
    uint64_t r = x86_op_read(cpu, i, 0) & x86_op_read(cpu, i, 1);
    x86_cc_set(cpu, CC_OP_LOGIC, i->op[0].size, 0, 0, r);
}

void x86_op_inc(X86CPU *cpu, const X86Insn *i)
{
    uint64_t a = x86_op_read_rmw(cpu, i, 0);
    bool cf = x86_get_cf(cpu);
    x86_op_write(cpu, i, 0, a + 1);
    x86_cc_set(cpu, CC_OP_INC, i->op[0].size, a, cf, a + 1);
}

void x86_op_dec(X86CPU *cpu, const X86Insn *i)
{
    uint64_t a = x86_op_read_rmw(cpu, i, 0);
    bool cf = x86_get_cf(cpu);
    x86_op_write(cpu, i, 0, a - 1);
    x86_cc_set(cpu, CC_OP_DEC, i->op[0].size, a, cf, a - 1);
}

void x86_op_not(X86CPU *cpu, const X86Insn *i)
{
    x86_op_write(cpu, i, 0, ~x86_op_read_rmw(cpu, i, 0));
}

void x86_op_neg(X86CPU *cpu, const X86Insn *i)
{
    uint64_t b = x86_op_read_rmw(cpu, i, 0);
    x86_op_write(cpu, i, 0, 0 - b);
    x86_cc_set(cpu, CC_OP_SUB, i->op[0].size, 0, b, 0 - b);
}

/* MUL/IMUL: CF = OF = "the upper half is significant"; SF ZF AF PF are
 * undefined: we give SF, ZF, PF of the low half and clear AF. */
static void mul_flags(X86CPU *cpu, uint64_t lo, unsigned size, bool ovf)
{
    x86_cc_set(cpu, CC_OP_SHIFT, size, ovf, ovf, lo);
}

static void write_pair(X86CPU *cpu, unsigned size, uint64_t lo, uint64_t hi)
{
    if (size == 1) {
        x86_reg_write(cpu, R_EAX * 8, (lo & 0xff) | (hi & 0xff) << 8, 2);
    } else {
        x86_reg_write(cpu, R_EAX * 8, lo, size);
        x86_reg_write(cpu, R_EDX * 8, hi, size);
    }
}

void x86_op_mul(X86CPU *cpu, const X86Insn *i)
{
    unsigned size = i->op[0].size, bits = size * 8;
    uint64_t a = x86_reg_read(cpu, R_EAX * 8, size);
    uint64_t b = x86_op_read(cpu, i, 0), lo, hi;

    if (size == 8) {
        unsigned __int128 p = (unsigned __int128)a * b;
        lo = (uint64_t)p, hi = (uint64_t)(p >> 64);
    } else {
        uint64_t p = a * b;
        lo = p & x86_size_mask(size), hi = p >> bits;
    }
    write_pair(cpu, size, lo, hi);
    mul_flags(cpu, lo, size, hi != 0);
}

static int64_t sext(uint64_t v, unsigned size)
{
    unsigned sh = 64 - size * 8;
    return (int64_t)(v << sh) >> sh;
}

/* Signed product of @a and @b at @size; *@hi gets the upper half. */
static uint64_t imul_sized(uint64_t a, uint64_t b, unsigned size,
                           uint64_t *hi, bool *ovf)
{
    if (size == 8) {
        __int128 p = (__int128)(int64_t)a * (int64_t)b;
        *hi = (uint64_t)(p >> 64);
        *ovf = p != (__int128)(int64_t)p;
        return (uint64_t)p;
    } else {
        int64_t p = sext(a, size) * sext(b, size);
        *hi = (uint64_t)(p >> (size * 8));
        *ovf = p != sext((uint64_t)p, size);
        return (uint64_t)p & x86_size_mask(size);
    }
}

void x86_op_imul1(X86CPU *cpu, const X86Insn *i)
{
    unsigned size = i->op[0].size;
    uint64_t hi, lo;
    bool ovf;
    lo = imul_sized(x86_reg_read(cpu, R_EAX * 8, size),
                    x86_op_read(cpu, i, 0), size, &hi, &ovf);
    write_pair(cpu, size, lo, hi);
    mul_flags(cpu, lo, size, ovf);
}

/* IMUL Gv, Ev (0F AF) and IMUL Gv, Ev, I (69, 6B). */
void x86_op_imul(X86CPU *cpu, const X86Insn *i)
{
    unsigned size = i->op[0].size;
    uint64_t a, b, hi, lo;
    bool ovf;
    if (i->op[2].kind != OPK_NONE) {
        a = x86_op_read(cpu, i, 1), b = i->imm;
    } else {
        a = x86_op_read(cpu, i, 0), b = x86_op_read(cpu, i, 1);
    }
    lo = imul_sized(a, b, size, &hi, &ovf);
    x86_reg_write(cpu, i->op[0].reg, lo, size);
    mul_flags(cpu, lo, size, ovf);
}

/* DIV/IDIV: #DE on a zero divisor or a quotient that does not fit;
 * every flag is undefined (we leave them unchanged). */
void x86_op_div(X86CPU *cpu, const X86Insn *i)
{
    unsigned size = i->op[0].size;
    uint64_t d = x86_op_read(cpu, i, 0), q, r;

    if (d == 0) {
        x86_raise(cpu, EXCP_DE, 0);
    }
    if (size == 8) {
        unsigned __int128 n = ((unsigned __int128)cpu->regs[R_EDX] << 64) |
                              cpu->regs[R_EAX];
        unsigned __int128 q128 = n / d;
        if (q128 >> 64) {
            x86_raise(cpu, EXCP_DE, 0);
        }
        q = (uint64_t)q128, r = (uint64_t)(n % d);
    } else {
        uint64_t n;
        if (size == 1) {
            n = cpu->regs[R_EAX] & 0xffff;
        } else {
            n = (x86_reg_read(cpu, R_EDX * 8, size) << (size * 8)) |
                x86_reg_read(cpu, R_EAX * 8, size);
        }
        q = n / d, r = n % d;
        if (q > x86_size_mask(size)) {
            x86_raise(cpu, EXCP_DE, 0);
        }
    }
    write_pair(cpu, size, q, r);
}

void x86_op_idiv(X86CPU *cpu, const X86Insn *i)
{
    unsigned size = i->op[0].size;
    int64_t d = sext(x86_op_read(cpu, i, 0), size), q, r;

    if (d == 0) {
        x86_raise(cpu, EXCP_DE, 0);
    }
    if (size == 8) {
        __int128 n = (__int128)(((unsigned __int128)cpu->regs[R_EDX] << 64) |
                                cpu->regs[R_EAX]);
        __int128 q128;
        if (n == (__int128)((unsigned __int128)1 << 127) && d == -1) {
            x86_raise(cpu, EXCP_DE, 0);
        }
        q128 = n / d;
        if (q128 != (__int128)(int64_t)q128) {
            x86_raise(cpu, EXCP_DE, 0);
        }
        q = (int64_t)q128, r = (int64_t)(n % d);
    } else {
        int64_t n;
        if (size == 1) {
            n = (int16_t)cpu->regs[R_EAX];
        } else {
            n = sext((x86_reg_read(cpu, R_EDX * 8, size) << (size * 8)) |
                     x86_reg_read(cpu, R_EAX * 8, size), size * 2);
        }
        if (n == INT64_MIN && d == -1) {
            x86_raise(cpu, EXCP_DE, 0);
        }
        q = n / d, r = n % d;
        if (q != sext((uint64_t)q, size)) {
            x86_raise(cpu, EXCP_DE, 0);
        }
    }
    write_pair(cpu, size, (uint64_t)q & x86_size_mask(size),
               (uint64_t)r & x86_size_mask(size));
}

void x86_op_xadd(X86CPU *cpu, const X86Insn *i)
{
    uint64_t a = x86_op_read_rmw(cpu, i, 0), b = x86_op_read(cpu, i, 1);
    x86_reg_write(cpu, i->op[1].reg, a, i->op[1].size);
    x86_op_write(cpu, i, 0, a + b);
    x86_cc_set(cpu, CC_OP_ADD, i->op[0].size, a, b, a + b);
}

/* CMPXCHG: compare the accumulator with the destination (SDM: the
 * destination is written back even when the comparison fails). */
void x86_op_cmpxchg(X86CPU *cpu, const X86Insn *i)
{
    unsigned size = i->op[0].size;
    uint64_t acc = x86_reg_read(cpu, R_EAX * 8, size);
    uint64_t d = x86_op_read_rmw(cpu, i, 0);

    x86_cc_set(cpu, CC_OP_SUB, size, acc, d, acc - d);
    if (((acc ^ d) & sz_mask(i)) == 0) {
        x86_op_write(cpu, i, 0, x86_op_read(cpu, i, 1));
    } else {
        if (i->op[0].kind == OPK_MEM) {
            x86_op_write(cpu, i, 0, d);
        }
        x86_reg_write(cpu, R_EAX * 8, d, size);
    }
}

void x86_op_cmpxchg8b(X86CPU *cpu, const X86Insn *i)
{
    unsigned half = i->opsize == 8 ? 8 : 4;
    uint64_t ea = x86_insn_ea(cpu, i), lin;
    uint64_t lo, hi, cmp_lo, cmp_hi;
    uint32_t f = x86_cc_all(cpu) & ~CC_Z;

    if (half == 8 && (ea & 15)) {
        x86_raise(cpu, EXCP_GP, 0);
    }
    lin = x86_seg_lin(cpu, i->seg, ea, half * 2, SEG_PERM_W);
    x86_probe_write(cpu, lin, half * 2);
    lo = x86_ld_lin(cpu, lin, half);
    hi = x86_ld_lin(cpu, (lin + half) & cpu->lin_mask, half);
    cmp_lo = x86_reg_read(cpu, R_EAX * 8, half);
    cmp_hi = x86_reg_read(cpu, R_EDX * 8, half);
    if (lo == cmp_lo && hi == cmp_hi) {
        x86_st_lin(cpu, lin, x86_reg_read(cpu, R_EBX * 8, half), half);
        x86_st_lin(cpu, (lin + half) & cpu->lin_mask,
                   x86_reg_read(cpu, R_ECX * 8, half), half);
        f |= CC_Z;
    } else {
        x86_st_lin(cpu, lin, lo, half);
        x86_st_lin(cpu, (lin + half) & cpu->lin_mask, hi, half);
        x86_reg_write(cpu, R_EAX * 8, lo, half);
        x86_reg_write(cpu, R_EDX * 8, hi, half);
    }
    x86_cc_eflags(cpu, f);
}
