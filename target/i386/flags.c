/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Lazy arithmetic flags (CPU-ENGINE.md "Lazy flags").
 *
 * Flag-setting instructions record an operation and its operands in
 * cpu->cc_*; CF, PF, AF, ZF, SF and OF (SDM vol. 1 3.4.3.1) are computed
 * here only when something reads them.  ADD and ADC share one operation,
 * as do SUB and SBB: the carry/borrow out of the top bit and AF follow from
 * the two operands and the result alone, whatever the carry in was.
 */
#include "target/i386/ops.h"

static const uint8_t parity_table[256] = {
#define P2(n) n, n ^ 4, n ^ 4, n
#define P4(n) P2(n), P2(n ^ 4), P2(n ^ 4), P2(n)
#define P6(n) P4(n), P4(n ^ 4), P4(n ^ 4), P4(n)
    P6(4), P6(0), P6(0), P6(4)
#undef P2
#undef P4
#undef P6
};

uint32_t x86_flags_szp(uint64_t r, unsigned size)
{
    uint64_t m = size == 8 ? ~0ull : (1ull << (size * 8)) - 1;
    uint32_t f = parity_table[r & 0xff];
    r &= m;
    if (r == 0) {
        f |= CC_Z;
    }
    if ((r >> (size * 8 - 1)) & 1) {
        f |= CC_S;
    }
    return f;
}

static inline uint32_t msb(uint64_t v, unsigned size)
{
    return (v >> (size * 8 - 1)) & 1;
}

static uint32_t flags_compute(X86CPU *cpu)
{
    uint64_t a = cpu->cc_src, b = cpu->cc_src2, r = cpu->cc_dst;
    unsigned size = cpu->cc_size;
    uint32_t f;

    switch (cpu->cc_op) {
    case CC_OP_ADD:
    case CC_OP_ADC:
        f = x86_flags_szp(r, size) | ((a ^ b ^ r) & CC_A);
        f |= msb((a & b) | ((a | b) & ~r), size) ? CC_C : 0;
        f |= msb((a ^ r) & (b ^ r), size) ? CC_O : 0;
        return f;
    case CC_OP_SUB:
    case CC_OP_SBB:
        f = x86_flags_szp(r, size) | ((a ^ b ^ r) & CC_A);
        f |= msb((~a & b) | (~(a ^ b) & r), size) ? CC_C : 0;
        f |= msb((a ^ b) & (a ^ r), size) ? CC_O : 0;
        return f;
    case CC_OP_LOGIC:
        return x86_flags_szp(r, size);
    case CC_OP_SHIFT:
        return x86_flags_szp(r, size) | (a ? CC_C : 0) | (b ? CC_O : 0);
    case CC_OP_INC:
        f = x86_flags_szp(r, size) | (b ? CC_C : 0);
        f |= (r & 0xf) == 0 ? CC_A : 0;
        f |= (r & x86_size_mask(size)) == 1ull << (size * 8 - 1) ? CC_O : 0;
        return f;
    case CC_OP_DEC:
        f = x86_flags_szp(r, size) | (b ? CC_C : 0);
        f |= (r & 0xf) == 0xf ? CC_A : 0;
        f |= (r & x86_size_mask(size)) ==
             (x86_size_mask(size) >> 1) ? CC_O : 0;
        return f;
    default:
        return cpu->cc_src & CC_ALL;
    }
}

uint32_t x86_eflags_get(X86CPU *cpu)
{
    return cpu->eflags | flags_compute(cpu);
}

/* Set the bits of EFLAGS in @mask from @val (arith bits go to cc_src). */
void x86_eflags_set(X86CPU *cpu, uint32_t val, uint32_t mask)
{
    uint32_t cur = x86_eflags_get(cpu);
    uint32_t nv = (cur & ~mask) | (val & mask);
    cpu->cc_op = CC_OP_EFLAGS;
    cpu->cc_src = nv & CC_ALL;
    cpu->eflags = (nv & ~CC_ALL) | EF_FIXED1;
    cpu->eflags &= ~(0x8u | 0x20u | 0x8000u | 0xffc00000u);
    if (unlikely(cpu->eflags & EF_TF) && !(cpu->debug_flags & X86_DEBUG_TF)) {
        x86_debug_tf_set(cpu);
    }
}

/* A condition from the flags themselves (SDM vol. 2 appendix B.1). */
static bool cond_from_flags(uint32_t f, unsigned cc)
{
    bool r;

    switch (cc >> 1) {
    case 0: r = f & CC_O; break;
    case 1: r = f & CC_C; break;
    case 2: r = f & CC_Z; break;
    case 3: r = f & (CC_C | CC_Z); break;
    case 4: r = f & CC_S; break;
    case 5: r = f & CC_P; break;
    case 6: r = !(f & CC_S) != !(f & CC_O); break;
    default: r = (f & CC_Z) || (!(f & CC_S) != !(f & CC_O)); break;
    }
    return r ^ (cc & 1);
}

/*
 * The condition word of x86_fused_flags() (ops.h: 1 OF, 2 CF, 4 ZF,
 * 16 SF, 64 SF != OF) for any recorded operation: after CMP/SUB/NEG from
 * the compared operands, after AND/OR/XOR/TEST from the result (CF = OF =
 * 0), otherwise from the flags.
 */
static uint32_t cond_word(X86CPU *cpu)
{
    uint64_t m = x86_size_mask(cpu->cc_size);
    uint32_t f;
    bool of, sf;

    switch (cpu->cc_op) {
    case CC_OP_SUB:
        return x86_fused_flags(cpu->cc_src & m, cpu->cc_src2 & m,
                               cpu->cc_size, false);
    case CC_OP_LOGIC:
        return x86_fused_flags(cpu->cc_dst & m, m, cpu->cc_size, true);
    case CC_OP_EFLAGS:
        f = cpu->cc_src;
        break;
    default:
        f = flags_compute(cpu);
        break;
    }
    of = f & CC_O, sf = f & CC_S;
    return of | ((f & CC_C) != 0) << 1 | ((f & CC_Z) != 0) << 2 | sf << 4 |
           (sf != of) << 6;
}

/*
 * Condition codes (SDM vol. 2 appendix B.1), cc = low nibble of Jcc.
 * Compare-and-branch and test-and-branch, the common pairs, are answered
 * from the recorded operands without building EFLAGS; CF after ADD, ADC,
 * SBB, INC, DEC and shifts comes straight from x86_get_cf().
 */
bool x86_cond_slow(X86CPU *cpu, unsigned cc)
{
    unsigned mask = x86_fused_cond_mask(cc);

    if (!mask) {
        return cond_from_flags(x86_eflags_get(cpu), cc);    /* parity */
    }
    if (mask == 2) {
        return x86_get_cf(cpu) ^ (cc & 1);
    }
    return ((cond_word(cpu) & mask) != 0) ^ (cc & 1);
}
