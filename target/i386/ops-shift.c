/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shifts, rotates and bit operations: ROL ROR RCL RCR SHL SHR SAR SHLD SHRD
 * (SDM vol. 2B "RCL/RCR/ROL/ROR", "SAL/SAR/SHL/SHR", "SHLD", "SHRD"),
 * BT BTS BTR BTC, BSF BSR, POPCNT, TZCNT, LZCNT, BSWAP, MOVBE, CRC32.
 *
 * The count is masked to 5 bits (6 with a 64-bit operand); a masked count
 * of zero changes no flag.  OF is architecturally defined only for a count
 * of one; for larger counts we compute it with the count-1 formula, which
 * the differential tests mask as undefined.
 */
#include "target/i386/ops.h"

static unsigned shift_count(X86CPU *cpu, const X86Insn *i, int n)
{
    uint64_t c = x86_op_read(cpu, i, n);
    return c & (i->op[0].size == 8 ? 63 : 31);
}

static inline uint64_t top_bit(uint64_t v, unsigned size)
{
    return (v >> (size * 8 - 1)) & 1;
}

/* A zero count changes nothing, but a 32-bit register destination is
 * still written, so its upper half is cleared in 64-bit mode. */
static void shift_none(X86CPU *cpu, const X86Insn *i, uint64_t v)
{
    if (i->op[0].size == 4 && i->op[0].kind == OPK_REG) {
        x86_reg_write(cpu, i->op[0].reg, v, 4);
    }
}

static void shift_flags(X86CPU *cpu, uint64_t r, unsigned size, bool cf,
                        bool of)
{
    x86_cc_set(cpu, CC_OP_SHIFT, size, cf, of, r);
}

void x86_op_shl(X86CPU *cpu, const X86Insn *i)
{
    unsigned size = i->op[0].size, bits = size * 8;
    uint64_t v = x86_op_read_rmw(cpu, i, 0);
    unsigned c = shift_count(cpu, i, 1);
    uint64_t r;
    bool cf;

    if (c == 0) {
        shift_none(cpu, i, v);
        return;
    }
    r = c >= 64 ? 0 : (v << c) & x86_size_mask(size);
    cf = c <= bits ? (v >> (bits - c)) & 1 : 0;
    x86_op_write(cpu, i, 0, r);
    shift_flags(cpu, r, size, cf, top_bit(r, size) ^ cf);
}

void x86_op_shr(X86CPU *cpu, const X86Insn *i)
{
    unsigned size = i->op[0].size;
    uint64_t v = x86_op_read_rmw(cpu, i, 0);
    unsigned c = shift_count(cpu, i, 1);
    uint64_t r;
    bool cf;

    if (c == 0) {
        shift_none(cpu, i, v);
        return;
    }
    r = c >= 64 ? 0 : v >> c;
    cf = c <= 64 ? (v >> (c - 1)) & 1 : 0;
    x86_op_write(cpu, i, 0, r);
    shift_flags(cpu, r, size, cf, top_bit(v, size));
}

void x86_op_sar(X86CPU *cpu, const X86Insn *i)
{
    unsigned size = i->op[0].size, sh = 64 - size * 8;
    int64_t v = (int64_t)(x86_op_read_rmw(cpu, i, 0) << sh) >> sh;
    unsigned c = shift_count(cpu, i, 1);
    uint64_t r;
    bool cf;

    if (c == 0) {
        shift_none(cpu, i, v);
        return;
    }
    r = (uint64_t)(v >> c) & x86_size_mask(size);
    cf = (v >> (c - 1)) & 1;
    x86_op_write(cpu, i, 0, r);
    shift_flags(cpu, r, size, cf, false);
}

/* Rotates keep SF ZF AF PF (SDM: only CF and OF are affected). */
static void rot_flags(X86CPU *cpu, bool cf, bool of)
{
    uint32_t f = x86_cc_all(cpu) & ~(CC_C | CC_O);
    x86_cc_eflags(cpu, f | (cf ? CC_C : 0) | (of ? CC_O : 0));
}

static uint64_t rotl(uint64_t v, unsigned c, unsigned bits)
{
    uint64_t m = bits == 64 ? ~0ull : (1ull << bits) - 1;
    c %= bits;
    return c ? ((v << c) | (v >> (bits - c))) & m : v & m;
}

void x86_op_rol(X86CPU *cpu, const X86Insn *i)
{
    unsigned size = i->op[0].size, bits = size * 8;
    uint64_t v = x86_op_read_rmw(cpu, i, 0), r;
    unsigned c = shift_count(cpu, i, 1);
    bool cf;

    if (c == 0) {
        shift_none(cpu, i, v);
        return;
    }
    r = rotl(v, c, bits);
    cf = r & 1;
    x86_op_write(cpu, i, 0, r);
    rot_flags(cpu, cf, top_bit(r, size) ^ cf);
}

void x86_op_ror(X86CPU *cpu, const X86Insn *i)
{
    unsigned size = i->op[0].size, bits = size * 8;
    uint64_t v = x86_op_read_rmw(cpu, i, 0), r;
    unsigned c = shift_count(cpu, i, 1);

    if (c == 0) {
        shift_none(cpu, i, v);
        return;
    }
    r = rotl(v, bits - c % bits, bits);
    x86_op_write(cpu, i, 0, r);
    rot_flags(cpu, top_bit(r, size),
              top_bit(r, size) ^ ((r >> (bits - 2)) & 1));
}

/* RCL/RCR rotate through CF: a (bits+1)-bit rotation. */
void x86_op_rcl(X86CPU *cpu, const X86Insn *i)
{
    unsigned size = i->op[0].size, bits = size * 8;
    uint64_t v = x86_op_read_rmw(cpu, i, 0);
    unsigned c = shift_count(cpu, i, 1);
    bool cf = x86_get_cf(cpu);

    if (c == 0) {
        shift_none(cpu, i, v);
        return;
    }
    c %= bits + 1;
    for (unsigned k = 0; k < c; k++) {
        bool out = top_bit(v, size);
        v = ((v << 1) | cf) & x86_size_mask(size);
        cf = out;
    }
    x86_op_write(cpu, i, 0, v);
    rot_flags(cpu, cf, top_bit(v, size) ^ cf);
}

void x86_op_rcr(X86CPU *cpu, const X86Insn *i)
{
    unsigned size = i->op[0].size, bits = size * 8;
    uint64_t v = x86_op_read_rmw(cpu, i, 0);
    unsigned c = shift_count(cpu, i, 1);
    bool cf = x86_get_cf(cpu), of = top_bit(v, size) ^ cf;

    if (c == 0) {
        shift_none(cpu, i, v);
        return;
    }
    c %= bits + 1;
    for (unsigned k = 0; k < c; k++) {
        bool out = v & 1;
        v = (v >> 1) | ((uint64_t)cf << (bits - 1));
        cf = out;
    }
    x86_op_write(cpu, i, 0, v);
    if (c != 1) {
        of = top_bit(v, size) ^ ((v >> (bits - 2)) & 1);
    }
    rot_flags(cpu, cf, of);
}

/* SHLD/SHRD: the count is masked; a count above the operand size leaves
 * the result and flags undefined (we shift through a double width). */
static void shxd(X86CPU *cpu, const X86Insn *i, bool left)
{
    unsigned size = i->op[0].size, bits = size * 8;
    uint64_t d = x86_op_read_rmw(cpu, i, 0);
    uint64_t s = x86_reg_read(cpu, i->op[1].reg, size);
    unsigned c = x86_op_read(cpu, i, 2);
    uint64_t r;
    bool cf;

    c &= size == 8 ? 63 : 31;
    if (c == 0) {
        shift_none(cpu, i, d);
        return;
    }
    if (left) {
        unsigned __int128 w = ((unsigned __int128)d << bits) | s;
        r = (uint64_t)((w << c) >> bits) & x86_size_mask(size);
        cf = (uint64_t)(w >> (2 * bits - c)) & 1;
    } else {
        unsigned __int128 w = ((unsigned __int128)s << bits) | d;
        r = (uint64_t)(w >> c) & x86_size_mask(size);
        cf = (uint64_t)(w >> (c - 1)) & 1;
    }
    x86_op_write(cpu, i, 0, r);
    shift_flags(cpu, r, size, cf, top_bit(r ^ d, size));
}

void x86_op_shld(X86CPU *cpu, const X86Insn *i)
{
    shxd(cpu, i, true);
}

void x86_op_shrd(X86CPU *cpu, const X86Insn *i)
{
    shxd(cpu, i, false);
}

/*
 * BT family.  With a register bit offset and a memory operand the offset
 * is signed and selects any word of memory (SDM "BT" table 3-2); with an
 * immediate it is taken modulo the operand size.
 */
static void bt_common(X86CPU *cpu, const X86Insn *i, int op)
{
    unsigned size = i->op[0].size, bits = size * 8;
    uint64_t off = i->op[1].kind == OPK_IMM ? i->imm :
                   x86_reg_read(cpu, i->op[1].reg, size);
    uint64_t v, mask;
    uint32_t f;

    if (i->op[0].kind == OPK_MEM && i->op[1].kind == OPK_REG) {
        unsigned sh = 64 - bits;
        int64_t soff = (int64_t)(off << sh) >> sh;
        uint64_t ea = (x86_insn_ea(cpu, i) +
                       (uint64_t)((soff >> (size == 2 ? 4 : size == 4 ? 5 : 6))
                                  * size)) & i->amask;
        uint64_t lin = x86_seg_lin(cpu, i->seg, ea, size,
                                   op ? SEG_PERM_W : SEG_PERM_R);
        if (op) {
            x86_probe_write(cpu, lin, size);
        }
        v = x86_ld_lin(cpu, lin, size);
        mask = 1ull << (off & (bits - 1));
        if (op) {
            x86_st_lin(cpu, lin, op == 1 ? v | mask : op == 2 ? v & ~mask :
                       v ^ mask, size);
        }
    } else {
        v = op ? x86_op_read_rmw(cpu, i, 0) : x86_op_read(cpu, i, 0);
        mask = 1ull << (off & (bits - 1));
        if (op) {
            x86_op_write(cpu, i, 0, op == 1 ? v | mask : op == 2 ? v & ~mask :
                         v ^ mask);
        }
    }
    f = x86_cc_all(cpu) & ~CC_C;
    x86_cc_eflags(cpu, f | ((v & mask) ? CC_C : 0));
}

void x86_op_bt(X86CPU *cpu, const X86Insn *i) { bt_common(cpu, i, 0); }
void x86_op_bts(X86CPU *cpu, const X86Insn *i) { bt_common(cpu, i, 1); }
void x86_op_btr(X86CPU *cpu, const X86Insn *i) { bt_common(cpu, i, 2); }
void x86_op_btc(X86CPU *cpu, const X86Insn *i) { bt_common(cpu, i, 3); }

/* BSF/BSR: ZF=1 and the destination unchanged for a zero source (the
 * SDM says undefined; every current CPU leaves it unchanged). */
void x86_op_bsf(X86CPU *cpu, const X86Insn *i)
{
    uint64_t v = x86_op_read(cpu, i, 1);
    uint32_t f = x86_cc_all(cpu) & ~CC_Z;
    if (v == 0) {
        x86_cc_eflags(cpu, f | CC_Z);
        return;
    }
    x86_reg_write(cpu, i->op[0].reg, __builtin_ctzll(v), i->op[0].size);
    x86_cc_eflags(cpu, f);
}

void x86_op_bsr(X86CPU *cpu, const X86Insn *i)
{
    uint64_t v = x86_op_read(cpu, i, 1);
    uint32_t f = x86_cc_all(cpu) & ~CC_Z;
    if (v == 0) {
        x86_cc_eflags(cpu, f | CC_Z);
        return;
    }
    x86_reg_write(cpu, i->op[0].reg, 63 - __builtin_clzll(v), i->op[0].size);
    x86_cc_eflags(cpu, f);
}

void x86_op_popcnt(X86CPU *cpu, const X86Insn *i)
{
    uint64_t v = x86_op_read(cpu, i, 1);
    x86_reg_write(cpu, i->op[0].reg, __builtin_popcountll(v), i->op[0].size);
    x86_cc_eflags(cpu, v ? 0 : CC_Z);
}

void x86_op_tzcnt(X86CPU *cpu, const X86Insn *i)
{
    unsigned size = i->op[0].size;
    if (!x86_cpuid_has(cpu, CPUID_BMI1)) {
        x86_op_bsf(cpu, i);
        return;
    }
    uint64_t v = x86_op_read(cpu, i, 1);
    unsigned r = v ? __builtin_ctzll(v) : size * 8;
    uint32_t f = x86_cc_all(cpu) & ~(CC_C | CC_Z);
    x86_reg_write(cpu, i->op[0].reg, r, size);
    x86_cc_eflags(cpu, f | (v ? 0 : CC_C) | (r == 0 ? CC_Z : 0));
}

void x86_op_lzcnt(X86CPU *cpu, const X86Insn *i)
{
    unsigned size = i->op[0].size;
    uint64_t v = x86_op_read(cpu, i, 1);
    unsigned r = v ? __builtin_clzll(v) - (64 - size * 8) : size * 8;
    uint32_t f = x86_cc_all(cpu) & ~(CC_C | CC_Z);
    x86_reg_write(cpu, i->op[0].reg, r, size);
    x86_cc_eflags(cpu, f | (v ? 0 : CC_C) | (r == 0 ? CC_Z : 0));
}

/* BSWAP with a 16-bit operand is undefined; we clear the word, as the
 * processors the SDM describes do. */
void x86_op_bswap(X86CPU *cpu, const X86Insn *i)
{
    uint64_t v = x86_reg_read(cpu, i->op[0].reg, i->op[0].size);
    if (i->opsize == 2) {
        x86_reg_write(cpu, i->op[0].reg, 0, 2);
    } else if (i->op[0].size == 8) {
        x86_reg_write(cpu, i->op[0].reg, __builtin_bswap64(v), 8);
    } else {
        x86_reg_write(cpu, i->op[0].reg, __builtin_bswap32(v), 4);
    }
}

/* MOVBE: load or store with the bytes reversed (one operand is memory). */
void x86_op_movbe(X86CPU *cpu, const X86Insn *i)
{
    unsigned size = i->op[0].size;
    uint64_t v = x86_op_read(cpu, i, 1);

    v = size == 2 ? __builtin_bswap16(v) :
        size == 4 ? __builtin_bswap32(v) : __builtin_bswap64(v);
    x86_op_store(cpu, i, 0, v);
}

/* CRC32: CRC-32C (polynomial 11EDC6F41h, bit-reflected), no inversion,
 * over the source bytes in memory order (SDM "CRC32"). */
void x86_op_crc32(X86CPU *cpu, const X86Insn *i)
{
    uint32_t crc = x86_reg_read(cpu, i->op[0].reg, 4);
    uint64_t src = x86_op_read(cpu, i, 1);

    for (unsigned b = 0; b < i->op[1].size; b++) {
        crc ^= (src >> (b * 8)) & 0xff;
        for (int k = 0; k < 8; k++) {
            crc = (crc >> 1) ^ (0x82f63b78u & -(crc & 1));
        }
    }
    x86_reg_write(cpu, i->op[0].reg, crc, i->op[0].size);
}
