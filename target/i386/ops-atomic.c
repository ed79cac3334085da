/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Locked operations (SDM vol. 3A 8.1.2 "Bus locking", 8.2 "Memory
 * ordering"; vol. 2 "LOCK", "XCHG", "CMPXCHG", "CMPXCHG8B/16B", "MFENCE").
 *
 * vCPUs run on their own host threads without a common lock, so a LOCK
 * prefix (or XCHG with memory, which is always locked) must be atomic
 * against every other vCPU.  The decoder swaps the handler of a locked
 * instruction for one of these (x86_atomic_specialize()).  Each one:
 *   - does every check that can fault first (segment, paging, write
 *     permission), so nothing below can leave the instruction half done;
 *   - when the operand lies in one RAM page, performs the operation with a
 *     host atomic on the RAM host pointer (a compare-and-swap loop, or the
 *     host exchange), sequentially consistent, so it is also a full fence
 *     as locked instructions are on x86 (8.2.2);
 *   - otherwise (the operand straddles a page, MMIO, ROM, or a misaligned
 *     operand on a host without misaligned atomics) runs the plain
 *     read-modify-write under one global "split lock".
 * Deviation: a split-lock operation is atomic against other locked
 *   operations that also take the split lock and against plain accesses
 *   only as far as the host makes them, not against host atomics on the
 *   same bytes (real processors lock the bus).  Guests do not share
 *   page-straddling lock words in practice; MMIO goes through the machine
 *   lock in the platform callbacks as before.
 * Plain loads and stores rely on the host's ordering: x86 hosts are TSO
 * like the guest; MFENCE is a host full fence, LFENCE/SFENCE compiler
 * barriers (they order nothing more on write-back memory).
 */
#include <pthread.h>

#include "target/i386/ops.h"

#if defined(__x86_64__) || defined(__i386__)
#define HOST_MISALIGNED_ATOMICS 1
#else
#define HOST_MISALIGNED_ATOMICS 0
#endif

static pthread_mutex_t split_lock = PTHREAD_MUTEX_INITIALIZER;

/* Arithmetic kinds of the locked read-modify-write handlers. */
typedef enum AtomicOp {
    AOP_ADD, AOP_ADC, AOP_SUB, AOP_SBB, AOP_AND, AOP_OR, AOP_XOR,
    AOP_INC, AOP_DEC, AOP_NOT, AOP_NEG, AOP_XCHG, AOP_XADD,
} AtomicOp;

/*
 * The host address of a locked access of @size bytes at @lin, after the
 * write checks; NULL when the split-lock path must be taken.  @lin is
 * already checked against the segment.
 */
static void *atomic_host(X86CPU *cpu, uint64_t lin, unsigned size)
{
    if (unlikely(lin & (size - 1))) {
        x86_alignment_check(cpu, lin, size);
    }
    if ((lin & 0xfff) > 0x1000u - size) {
        x86_probe_write(cpu, lin, size);
        return NULL;
    }
    if (!HOST_MISALIGNED_ATOMICS && (lin & (size - 1))) {
        x86_probe_write(cpu, lin, size);
        return NULL;
    }
    return x86_tlb_host_rmw(cpu, lin, size);
}

/* Linear address of memory operand 0 for a locked access (read+write). */
static uint64_t atomic_lin(X86CPU *cpu, const X86Insn *i, uint64_t ea,
                           unsigned size)
{
    uint64_t lin = x86_seg_lin(cpu, i->seg, ea, size, SEG_PERM_W);
    if (unlikely(!(cpu->seg[i->seg].perm & SEG_PERM_R))) {
        x86_seg_fault(cpu, i->seg, ea);
    }
    return lin;
}

static uint64_t host_load(void *p, unsigned size)
{
    switch (size) {
    case 1: return __atomic_load_n((uint8_t *)p, __ATOMIC_RELAXED);
    case 2: return __atomic_load_n((uint16_t *)p, __ATOMIC_RELAXED);
    case 4: return __atomic_load_n((uint32_t *)p, __ATOMIC_RELAXED);
    default: return __atomic_load_n((uint64_t *)p, __ATOMIC_RELAXED);
    }
}

/* Compare-and-swap; on failure *@expected gets the value found. */
static bool host_cas(void *p, unsigned size, uint64_t *expected,
                     uint64_t desired)
{
    bool ok;

    switch (size) {
    case 1: {
        uint8_t e = *expected;
        ok = __atomic_compare_exchange_n((uint8_t *)p, &e, (uint8_t)desired,
                                         false, __ATOMIC_SEQ_CST,
                                         __ATOMIC_SEQ_CST);
        *expected = e;
        return ok;
    }
    case 2: {
        uint16_t e = *expected;
        ok = __atomic_compare_exchange_n((uint16_t *)p, &e,
                                         (uint16_t)desired, false,
                                         __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        *expected = e;
        return ok;
    }
    case 4: {
        uint32_t e = *expected;
        ok = __atomic_compare_exchange_n((uint32_t *)p, &e,
                                         (uint32_t)desired, false,
                                         __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        *expected = e;
        return ok;
    }
    default:
        return __atomic_compare_exchange_n((uint64_t *)p, expected, desired,
                                           false, __ATOMIC_SEQ_CST,
                                           __ATOMIC_SEQ_CST);
    }
}

/* The new value of the destination for @op (unmasked, like the plain
 * handlers produce). */
static uint64_t aop_compute(AtomicOp op, uint64_t a, uint64_t b, bool cf)
{
    switch (op) {
    case AOP_ADD: case AOP_XADD: return a + b;
    case AOP_ADC: return a + b + cf;
    case AOP_SUB: return a - b;
    case AOP_SBB: return a - b - cf;
    case AOP_AND: return a & b;
    case AOP_OR: return a | b;
    case AOP_XOR: return a ^ b;
    case AOP_INC: return a + 1;
    case AOP_DEC: return a - 1;
    case AOP_NOT: return ~a;
    case AOP_NEG: return 0 - a;
    default: return b;                  /* AOP_XCHG */
    }
}

/* Flags and register results once the memory update has happened. */
static void aop_finish(X86CPU *cpu, const X86Insn *i, AtomicOp op,
                       uint64_t a, uint64_t b, bool cf, uint64_t r)
{
    unsigned size = i->op[0].size;

    switch (op) {
    case AOP_ADD: case AOP_ADC:
        x86_cc_set(cpu, CC_OP_ADD, size, a, b, r);
        break;
    case AOP_SUB: case AOP_SBB:
        x86_cc_set(cpu, CC_OP_SUB, size, a, b, r);
        break;
    case AOP_AND: case AOP_OR: case AOP_XOR:
        x86_cc_set(cpu, CC_OP_LOGIC, size, 0, 0, r);
        break;
    case AOP_INC:
        x86_cc_set(cpu, CC_OP_INC, size, a, cf, r);
        break;
    case AOP_DEC:
        x86_cc_set(cpu, CC_OP_DEC, size, a, cf, r);
        break;
    case AOP_NEG:
        x86_cc_set(cpu, CC_OP_SUB, size, 0, a, r);
        break;
    case AOP_XADD:
        x86_reg_write(cpu, i->op[1].reg, a, i->op[1].size);
        x86_cc_set(cpu, CC_OP_ADD, size, a, b, r);
        break;
    case AOP_XCHG:
        x86_reg_write(cpu, i->op[1].reg, a, i->op[1].size);
        break;
    case AOP_NOT:
        break;
    }
}

/* A locked read-modify-write of memory operand 0 with source operand 1. */
static void atomic_rmw(X86CPU *cpu, const X86Insn *i, AtomicOp op)
{
    unsigned size = i->op[0].size;
    bool unary = op == AOP_INC || op == AOP_DEC || op == AOP_NOT ||
                 op == AOP_NEG;
    uint64_t b = unary ? 0 : x86_op_read(cpu, i, 1);
    bool cf = x86_get_cf(cpu);
    uint64_t lin, a, r;
    void *p;

    cpu->ea = x86_insn_ea(cpu, i);
    lin = atomic_lin(cpu, i, cpu->ea, size);
    p = atomic_host(cpu, lin, size);
    if (likely(p)) {
        a = host_load(p, size);
        do {
            r = aop_compute(op, a, b, cf);
        } while (!host_cas(p, size, &a, r));
    } else {
        pthread_mutex_lock(&split_lock);
        a = x86_ld_lin(cpu, lin, size);
        r = aop_compute(op, a, b, cf);
        x86_st_lin(cpu, lin, r, size);
        pthread_mutex_unlock(&split_lock);
    }
    aop_finish(cpu, i, op, a, b, cf, r);
}

static void locked_add(X86CPU *cpu, const X86Insn *i)
{
    atomic_rmw(cpu, i, AOP_ADD);
}

static void locked_adc(X86CPU *cpu, const X86Insn *i)
{
    atomic_rmw(cpu, i, AOP_ADC);
}

static void locked_sub(X86CPU *cpu, const X86Insn *i)
{
    atomic_rmw(cpu, i, AOP_SUB);
}

static void locked_sbb(X86CPU *cpu, const X86Insn *i)
{
    atomic_rmw(cpu, i, AOP_SBB);
}

static void locked_and(X86CPU *cpu, const X86Insn *i)
{
    atomic_rmw(cpu, i, AOP_AND);
}

static void locked_or(X86CPU *cpu, const X86Insn *i)
{
    atomic_rmw(cpu, i, AOP_OR);
}

static void locked_xor(X86CPU *cpu, const X86Insn *i)
{
    atomic_rmw(cpu, i, AOP_XOR);
}

static void locked_inc(X86CPU *cpu, const X86Insn *i)
{
    atomic_rmw(cpu, i, AOP_INC);
}

static void locked_dec(X86CPU *cpu, const X86Insn *i)
{
    atomic_rmw(cpu, i, AOP_DEC);
}

static void locked_not(X86CPU *cpu, const X86Insn *i)
{
    atomic_rmw(cpu, i, AOP_NOT);
}

static void locked_neg(X86CPU *cpu, const X86Insn *i)
{
    atomic_rmw(cpu, i, AOP_NEG);
}

static void locked_xchg(X86CPU *cpu, const X86Insn *i)
{
    atomic_rmw(cpu, i, AOP_XCHG);
}

static void locked_xadd(X86CPU *cpu, const X86Insn *i)
{
    atomic_rmw(cpu, i, AOP_XADD);
}

/* LOCK CMPXCHG: a failed comparison leaves memory as it is (the write
 * back of the old value that the SDM describes changes nothing). */
static void locked_cmpxchg(X86CPU *cpu, const X86Insn *i)
{
    unsigned size = i->op[0].size;
    uint64_t mask = x86_size_mask(size);
    uint64_t acc = x86_reg_read(cpu, R_EAX * 8, size);
    uint64_t src = x86_reg_read(cpu, i->op[1].reg, size);
    uint64_t lin, d = acc;
    bool equal;
    void *p;

    cpu->ea = x86_insn_ea(cpu, i);
    lin = atomic_lin(cpu, i, cpu->ea, size);
    p = atomic_host(cpu, lin, size);
    if (likely(p)) {
        equal = host_cas(p, size, &d, src);
    } else {
        pthread_mutex_lock(&split_lock);
        d = x86_ld_lin(cpu, lin, size);
        equal = ((acc ^ d) & mask) == 0;
        x86_st_lin(cpu, lin, equal ? src : d, size);
        pthread_mutex_unlock(&split_lock);
    }
    x86_cc_set(cpu, CC_OP_SUB, size, acc, d, acc - d);
    if (!equal) {
        x86_reg_write(cpu, R_EAX * 8, d, size);
    }
}

/* 16-byte compare-and-swap on the host, or the split lock. */
#if defined(__x86_64__)
__attribute__((target("cx16")))
static bool host_cas16(void *p, unsigned __int128 *expected,
                       unsigned __int128 desired)
{
    unsigned __int128 old = __sync_val_compare_and_swap(
        (unsigned __int128 *)p, *expected, desired);
    bool ok = old == *expected;
    *expected = old;
    return ok;
}
#define HAVE_HOST_CAS16 1
#else
#define HAVE_HOST_CAS16 0
static bool host_cas16(void *p, unsigned __int128 *expected,
                       unsigned __int128 desired)
{
    return false;
}
#endif

/* CMPXCHG8B/16B with LOCK: EDX:EAX (RDX:RAX) against m64 (m128). */
static void locked_cmpxchg8b(X86CPU *cpu, const X86Insn *i)
{
    unsigned half = i->opsize == 8 ? 8 : 4, size = half * 2;
    uint64_t ea = x86_insn_ea(cpu, i), lin, lo, hi;
    uint64_t cmp_lo = x86_reg_read(cpu, R_EAX * 8, half);
    uint64_t cmp_hi = x86_reg_read(cpu, R_EDX * 8, half);
    uint64_t new_lo = x86_reg_read(cpu, R_EBX * 8, half);
    uint64_t new_hi = x86_reg_read(cpu, R_ECX * 8, half);
    uint32_t f = x86_cc_all(cpu) & ~CC_Z;
    bool equal;
    void *p;

    if (size == 16 && (ea & 15)) {
        x86_raise(cpu, EXCP_GP, 0);
    }
    lin = atomic_lin(cpu, i, ea, size);
    p = (size == 8 || HAVE_HOST_CAS16) ? atomic_host(cpu, lin, size) : NULL;
    if (!p && size == 16) {
        x86_probe_write(cpu, lin, size);
    }
    if (p && size == 8) {
        uint64_t d = cmp_lo | cmp_hi << 32;
        equal = host_cas(p, 8, &d, new_lo | new_hi << 32);
        lo = (uint32_t)d, hi = d >> 32;
    } else if (p) {
        unsigned __int128 d = (unsigned __int128)cmp_hi << 64 | cmp_lo;
        equal = host_cas16(p, &d, (unsigned __int128)new_hi << 64 | new_lo);
        lo = (uint64_t)d, hi = (uint64_t)(d >> 64);
    } else {
        pthread_mutex_lock(&split_lock);
        lo = x86_ld_lin(cpu, lin, half);
        hi = x86_ld_lin(cpu, (lin + half) & cpu->lin_mask, half);
        equal = lo == cmp_lo && hi == cmp_hi;
        if (equal) {
            x86_st_lin(cpu, lin, new_lo, half);
            x86_st_lin(cpu, (lin + half) & cpu->lin_mask, new_hi, half);
        }
        pthread_mutex_unlock(&split_lock);
    }
    if (equal) {
        f |= CC_Z;
    } else {
        x86_reg_write(cpu, R_EAX * 8, lo, half);
        x86_reg_write(cpu, R_EDX * 8, hi, half);
    }
    x86_cc_eflags(cpu, f);
}

/*
 * LOCK BTS/BTR/BTC: the bit is updated with a byte-wide atomic on the byte
 * holding it; the other bytes of the operand are not written, which no
 * other processor can tell apart from a write of their old value.
 */
static void locked_bt(X86CPU *cpu, const X86Insn *i, AtomicOp op)
{
    unsigned size = i->op[0].size, bits = size * 8;
    uint64_t off = i->op[1].kind == OPK_IMM ? i->imm :
                   x86_reg_read(cpu, i->op[1].reg, size);
    uint64_t ea = x86_insn_ea(cpu, i), lin, old;
    unsigned bit;
    uint8_t mask;
    void *p;

    if (i->op[1].kind == OPK_REG) {
        unsigned sh = 64 - bits;
        int64_t soff = (int64_t)(off << sh) >> sh;
        ea = (ea + (uint64_t)((soff >> (size == 2 ? 4 : size == 4 ? 5 : 6))
                              * size)) & i->amask;
    }
    bit = off & (bits - 1);
    lin = atomic_lin(cpu, i, ea, size);
    x86_probe_write(cpu, lin, size);
    lin = (lin + bit / 8) & cpu->lin_mask;
    mask = 1u << (bit & 7);
    p = atomic_host(cpu, lin, 1);
    if (likely(p)) {
        old = op == AOP_OR ? __atomic_fetch_or((uint8_t *)p, mask,
                                               __ATOMIC_SEQ_CST) :
              op == AOP_AND ? __atomic_fetch_and((uint8_t *)p,
                                                 (uint8_t)~mask,
                                                 __ATOMIC_SEQ_CST) :
              __atomic_fetch_xor((uint8_t *)p, mask, __ATOMIC_SEQ_CST);
    } else {
        pthread_mutex_lock(&split_lock);
        old = x86_ld_lin(cpu, lin, 1);
        x86_st_lin(cpu, lin, op == AOP_OR ? old | mask :
                   op == AOP_AND ? old & ~mask : old ^ mask, 1);
        pthread_mutex_unlock(&split_lock);
    }
    x86_cc_eflags(cpu, (x86_cc_all(cpu) & ~CC_C) | ((old & mask) ? CC_C : 0));
}

static void locked_bts(X86CPU *cpu, const X86Insn *i)
{
    locked_bt(cpu, i, AOP_OR);
}

static void locked_btr(X86CPU *cpu, const X86Insn *i)
{
    locked_bt(cpu, i, AOP_AND);
}

static void locked_btc(X86CPU *cpu, const X86Insn *i)
{
    locked_bt(cpu, i, AOP_XOR);
}

void x86_op_mfence(X86CPU *cpu, const X86Insn *i)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void x86_op_lfence(X86CPU *cpu, const X86Insn *i)
{
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
}

/*
 * CLFLUSH (0F AE /7 with a memory operand): there is no cache to flush,
 * but the address is checked as a byte load's would be (SDM vol. 2A
 * "CLFLUSH"): segment limit (#GP(0), #SS(0) through SS), a non-canonical
 * address (#GP(0)), the page walk (#PF).  An execute-only code segment is
 * allowed.  No data is read, so MMIO sees nothing.
 */
static void clflush(X86CPU *cpu, const X86Insn *i)
{
    uint64_t ea = x86_insn_ea(cpu, i), lin;
    const X86Seg *s = &cpu->seg[i->seg];

    if (i->flat64) {
        lin = s->base + ea;
    } else if ((s->flags & (DESC_P | DESC_S | DESC_CODE)) ==
               (DESC_P | DESC_S | DESC_CODE) && !(s->perm & SEG_PERM_R)) {
        if (ea < s->lo || ea > s->hi) {
            x86_seg_fault(cpu, i->seg, ea);
        }
        lin = (s->base + ea) & cpu->lin_mask;
    } else {
        lin = x86_seg_lin(cpu, i->seg, ea, 1, SEG_PERM_R);
    }
    x86_tlb_fill(cpu, lin, ACC_READ, cpu->mmu_idx);
}

void x86_op_sfence(X86CPU *cpu, const X86Insn *i)
{
    if (i->op[0].kind == OPK_MEM) {
        clflush(cpu, i);
        return;
    }
    __atomic_thread_fence(__ATOMIC_RELEASE);
}

/* Plain handler -> its locked form. */
static const struct {
    X86ExecFn plain, locked;
} locked_forms[] = {
    { x86_op_add, locked_add }, { x86_op_adc, locked_adc },
    { x86_op_sub, locked_sub }, { x86_op_sbb, locked_sbb },
    { x86_op_and, locked_and }, { x86_op_or, locked_or },
    { x86_op_xor, locked_xor }, { x86_op_inc, locked_inc },
    { x86_op_dec, locked_dec }, { x86_op_not, locked_not },
    { x86_op_neg, locked_neg }, { x86_op_xchg, locked_xchg },
    { x86_op_xadd, locked_xadd }, { x86_op_cmpxchg, locked_cmpxchg },
    { x86_op_cmpxchg8b, locked_cmpxchg8b }, { x86_op_bts, locked_bts },
    { x86_op_btr, locked_btr }, { x86_op_btc, locked_btc },
};

void x86_atomic_specialize(X86Insn *insn)
{
    /* XCHG with a memory operand is locked without the prefix (8.1.2.1). */
    bool locked = insn->lock ||
                  (insn->exec == x86_op_xchg && insn->op[0].kind == OPK_MEM);

    if (!locked || insn->op[0].kind != OPK_MEM) {
        return;
    }
    for (unsigned k = 0; k < sizeof(locked_forms) / sizeof(locked_forms[0]);
         k++) {
        if (locked_forms[k].plain == insn->exec) {
            insn->exec = locked_forms[k].locked;
            insn->lock = 1;
            return;
        }
    }
}
