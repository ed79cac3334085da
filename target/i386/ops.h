/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Instruction handlers, one per mnemonic (or mnemonic family), defined in
 * the ops-*.c files by instruction family, and the opcode maps they fill.
 */
#ifndef TARGET_I386_OPS_H
#define TARGET_I386_OPS_H

#include "target/i386/insn.h"
#include "target/i386/fpu/ops-x87.h"
#include "target/i386/sse/ops-sse.h"

extern const X86OpcodeEntry x86_map_onebyte[256];
extern const X86OpcodeEntry x86_map_0f[256];
extern const X86OpcodeEntry x86_map_0f38[256];
extern const X86OpcodeEntry x86_map_0f3a[256];

/* CPUID feature identifiers for X86OpcodeEntry.cpuid: word, bit. */
#define CPUID_FEATURE(word, bit) ((((word) << 5) | (bit)) + 1)
enum {
    CPUID_W_1_EDX = 0, CPUID_W_1_ECX, CPUID_W_81_EDX, CPUID_W_81_ECX,
    CPUID_W_7_EBX,
};
#define CPUID_CX8     CPUID_FEATURE(CPUID_W_1_EDX, 8)
#define CPUID_CMOV    CPUID_FEATURE(CPUID_W_1_EDX, 15)
#define CPUID_CX16    CPUID_FEATURE(CPUID_W_1_ECX, 13)
#define CPUID_MOVBE   CPUID_FEATURE(CPUID_W_1_ECX, 22)
#define CPUID_POPCNT  CPUID_FEATURE(CPUID_W_1_ECX, 23)
#define CPUID_ABM     CPUID_FEATURE(CPUID_W_81_ECX, 5)
#define CPUID_BMI1    CPUID_FEATURE(CPUID_W_7_EBX, 3)
bool x86_cpuid_has(X86CPU *cpu, uint32_t feature);

void x86_exec_gp_len(X86CPU *cpu, const X86Insn *i);
void x86_specialize(X86Insn *insn);
bool x86_specialize_mem(X86Insn *insn);
/* Fuse @first (a register CMP/TEST/ADD/SUB/AND/INC/DEC) with the Jcc that
 * follows it into @first; false (nothing changed) if the pair does not
 * fuse.  ops-fast.c */
bool x86_fuse_jcc(X86Insn *first, const X86Insn *jcc);
/* The same for a CMP or TEST with a memory operand or of 8-bit registers
 * (ops-fast-mem.c); @size is @jcc's operand size (4 or 8) and its
 * displacement already known to fit 32 bits. */
bool x86_fuse_jcc_mem(X86Insn *first, const X86Insn *jcc, unsigned size);

/* Which bits of the word x86_fused_flags() builds decide Jcc condition
 * @cc (pairs cc >> 1): 1 OF, 2 CF, 4 ZF, 16 SF, 64 SF != OF; 0 for the
 * parity conditions, which are left to x86_cond(). */
static inline unsigned x86_fused_cond_mask(unsigned cc)
{
    return (0x4440001006040201ull >> ((cc >> 1) * 8)) & 0xff;
}

/* The condition bits after CMP/SUB @a - @b or TEST/AND @a & @b of @size
 * bytes (operands already masked), straight from the operands. */
X86_INLINE uint32_t x86_fused_flags(uint64_t a, uint64_t b, unsigned size,
                                    bool logic)
{
    unsigned sh = 64 - size * 8;
    uint64_t r = logic ? a & b : a - b;
    bool zf = (r << sh) == 0, sf = (int64_t)(r << sh) < 0;

    if (logic) {
        return zf << 2 | sf << 4 | sf << 6;
    }
    return (uint32_t)((int64_t)(((a ^ b) & (a ^ r)) << sh) < 0) |
           (a < b) << 1 | zf << 2 | sf << 4 |
           ((int64_t)(a << sh) < (int64_t)(b << sh)) << 6;
}
/* ops-atomic.c: swap a locked instruction's handler for its atomic form. */
void x86_atomic_specialize(X86Insn *insn);
void x86_op_lfence(X86CPU *cpu, const X86Insn *i);
void x86_op_mfence(X86CPU *cpu, const X86Insn *i);
void x86_op_sfence(X86CPU *cpu, const X86Insn *i);
void x86_op_aaa(X86CPU *cpu, const X86Insn *i);
void x86_op_aad(X86CPU *cpu, const X86Insn *i);
void x86_op_aam(X86CPU *cpu, const X86Insn *i);
void x86_op_aas(X86CPU *cpu, const X86Insn *i);
void x86_op_adc(X86CPU *cpu, const X86Insn *i);
void x86_op_add(X86CPU *cpu, const X86Insn *i);
void x86_op_and(X86CPU *cpu, const X86Insn *i);
void x86_op_arpl(X86CPU *cpu, const X86Insn *i);
void x86_op_bound(X86CPU *cpu, const X86Insn *i);
void x86_op_bsf(X86CPU *cpu, const X86Insn *i);
void x86_op_bsr(X86CPU *cpu, const X86Insn *i);
void x86_op_bswap(X86CPU *cpu, const X86Insn *i);
void x86_op_bt(X86CPU *cpu, const X86Insn *i);
void x86_op_btc(X86CPU *cpu, const X86Insn *i);
void x86_op_btr(X86CPU *cpu, const X86Insn *i);
void x86_op_bts(X86CPU *cpu, const X86Insn *i);
void x86_op_call(X86CPU *cpu, const X86Insn *i);
void x86_op_call_far(X86CPU *cpu, const X86Insn *i);
void x86_op_call_far_ind(X86CPU *cpu, const X86Insn *i);
void x86_op_call_ind(X86CPU *cpu, const X86Insn *i);
void x86_op_cbw(X86CPU *cpu, const X86Insn *i);
void x86_op_clc(X86CPU *cpu, const X86Insn *i);
void x86_op_cld(X86CPU *cpu, const X86Insn *i);
void x86_op_cli(X86CPU *cpu, const X86Insn *i);
void x86_op_clts(X86CPU *cpu, const X86Insn *i);
void x86_op_cmc(X86CPU *cpu, const X86Insn *i);
void x86_op_cmov(X86CPU *cpu, const X86Insn *i);
void x86_op_cmp(X86CPU *cpu, const X86Insn *i);
void x86_op_cmps(X86CPU *cpu, const X86Insn *i);
void x86_op_cmpxchg(X86CPU *cpu, const X86Insn *i);
void x86_op_cmpxchg8b(X86CPU *cpu, const X86Insn *i);
void x86_op_cpuid(X86CPU *cpu, const X86Insn *i);
void x86_op_cwd(X86CPU *cpu, const X86Insn *i);
void x86_op_daa(X86CPU *cpu, const X86Insn *i);
void x86_op_das(X86CPU *cpu, const X86Insn *i);
void x86_op_dec(X86CPU *cpu, const X86Insn *i);
void x86_op_div(X86CPU *cpu, const X86Insn *i);
void x86_op_enter(X86CPU *cpu, const X86Insn *i);
void x86_op_fwait(X86CPU *cpu, const X86Insn *i);
void x86_op_hlt(X86CPU *cpu, const X86Insn *i);
void x86_op_idiv(X86CPU *cpu, const X86Insn *i);
void x86_op_imul(X86CPU *cpu, const X86Insn *i);
void x86_op_imul1(X86CPU *cpu, const X86Insn *i);
void x86_op_in(X86CPU *cpu, const X86Insn *i);
void x86_op_inc(X86CPU *cpu, const X86Insn *i);
void x86_op_ins(X86CPU *cpu, const X86Insn *i);
void x86_op_int(X86CPU *cpu, const X86Insn *i);
void x86_op_int1(X86CPU *cpu, const X86Insn *i);
void x86_op_int3(X86CPU *cpu, const X86Insn *i);
void x86_op_into(X86CPU *cpu, const X86Insn *i);
void x86_op_invlpg(X86CPU *cpu, const X86Insn *i);
void x86_op_iret(X86CPU *cpu, const X86Insn *i);
void x86_op_jcc(X86CPU *cpu, const X86Insn *i);
void x86_op_jcxz(X86CPU *cpu, const X86Insn *i);
void x86_op_jmp(X86CPU *cpu, const X86Insn *i);
void x86_op_jmp_far(X86CPU *cpu, const X86Insn *i);
void x86_op_jmp_far_ind(X86CPU *cpu, const X86Insn *i);
void x86_op_jmp_ind(X86CPU *cpu, const X86Insn *i);
void x86_op_lahf(X86CPU *cpu, const X86Insn *i);
void x86_op_lar(X86CPU *cpu, const X86Insn *i);
void x86_op_lea(X86CPU *cpu, const X86Insn *i);
void x86_op_leave(X86CPU *cpu, const X86Insn *i);
void x86_op_lgdt(X86CPU *cpu, const X86Insn *i);
void x86_op_lidt(X86CPU *cpu, const X86Insn *i);
void x86_op_lldt(X86CPU *cpu, const X86Insn *i);
void x86_op_lmsw(X86CPU *cpu, const X86Insn *i);
void x86_op_lods(X86CPU *cpu, const X86Insn *i);
void x86_op_loop(X86CPU *cpu, const X86Insn *i);
void x86_op_loope(X86CPU *cpu, const X86Insn *i);
void x86_op_loopne(X86CPU *cpu, const X86Insn *i);
void x86_op_lseg(X86CPU *cpu, const X86Insn *i);
void x86_op_lsl(X86CPU *cpu, const X86Insn *i);
void x86_op_ltr(X86CPU *cpu, const X86Insn *i);
void x86_op_lzcnt(X86CPU *cpu, const X86Insn *i);
void x86_op_mov(X86CPU *cpu, const X86Insn *i);
void x86_op_mov_from_cr(X86CPU *cpu, const X86Insn *i);
void x86_op_mov_from_dr(X86CPU *cpu, const X86Insn *i);
void x86_op_mov_from_seg(X86CPU *cpu, const X86Insn *i);
void x86_op_mov_moffs_ld(X86CPU *cpu, const X86Insn *i);
void x86_op_mov_moffs_st(X86CPU *cpu, const X86Insn *i);
void x86_op_mov_to_cr(X86CPU *cpu, const X86Insn *i);
void x86_op_mov_to_dr(X86CPU *cpu, const X86Insn *i);
void x86_op_mov_to_seg(X86CPU *cpu, const X86Insn *i);
void x86_op_movs(X86CPU *cpu, const X86Insn *i);
void x86_op_movsx(X86CPU *cpu, const X86Insn *i);
void x86_op_movsxd(X86CPU *cpu, const X86Insn *i);
void x86_op_movbe(X86CPU *cpu, const X86Insn *i);
void x86_op_crc32(X86CPU *cpu, const X86Insn *i);
void x86_op_movzx(X86CPU *cpu, const X86Insn *i);
void x86_op_mul(X86CPU *cpu, const X86Insn *i);
void x86_op_neg(X86CPU *cpu, const X86Insn *i);
void x86_op_nop(X86CPU *cpu, const X86Insn *i);
void x86_op_not(X86CPU *cpu, const X86Insn *i);
void x86_op_or(X86CPU *cpu, const X86Insn *i);
void x86_op_out(X86CPU *cpu, const X86Insn *i);
void x86_op_outs(X86CPU *cpu, const X86Insn *i);
void x86_op_pop(X86CPU *cpu, const X86Insn *i);
void x86_op_pop_seg(X86CPU *cpu, const X86Insn *i);
void x86_op_popa(X86CPU *cpu, const X86Insn *i);
void x86_op_popcnt(X86CPU *cpu, const X86Insn *i);
void x86_op_popf(X86CPU *cpu, const X86Insn *i);
void x86_op_push(X86CPU *cpu, const X86Insn *i);
void x86_op_push_seg(X86CPU *cpu, const X86Insn *i);
void x86_op_pusha(X86CPU *cpu, const X86Insn *i);
void x86_op_pushf(X86CPU *cpu, const X86Insn *i);
void x86_op_rcl(X86CPU *cpu, const X86Insn *i);
void x86_op_rcr(X86CPU *cpu, const X86Insn *i);
void x86_op_rdmsr(X86CPU *cpu, const X86Insn *i);
void x86_op_rdtsc(X86CPU *cpu, const X86Insn *i);
void x86_op_ret(X86CPU *cpu, const X86Insn *i);
void x86_op_ret_far(X86CPU *cpu, const X86Insn *i);
void x86_op_rol(X86CPU *cpu, const X86Insn *i);
void x86_op_ror(X86CPU *cpu, const X86Insn *i);
void x86_op_sahf(X86CPU *cpu, const X86Insn *i);
void x86_op_salc(X86CPU *cpu, const X86Insn *i);
void x86_op_sar(X86CPU *cpu, const X86Insn *i);
void x86_op_sbb(X86CPU *cpu, const X86Insn *i);
void x86_op_scas(X86CPU *cpu, const X86Insn *i);
void x86_op_setcc(X86CPU *cpu, const X86Insn *i);
void x86_op_sgdt(X86CPU *cpu, const X86Insn *i);
void x86_op_shl(X86CPU *cpu, const X86Insn *i);
void x86_op_shld(X86CPU *cpu, const X86Insn *i);
void x86_op_shr(X86CPU *cpu, const X86Insn *i);
void x86_op_shrd(X86CPU *cpu, const X86Insn *i);
void x86_op_sidt(X86CPU *cpu, const X86Insn *i);
void x86_op_sldt(X86CPU *cpu, const X86Insn *i);
void x86_op_smsw(X86CPU *cpu, const X86Insn *i);
void x86_op_stc(X86CPU *cpu, const X86Insn *i);
void x86_op_std(X86CPU *cpu, const X86Insn *i);
void x86_op_sti(X86CPU *cpu, const X86Insn *i);
void x86_op_stos(X86CPU *cpu, const X86Insn *i);
void x86_op_str(X86CPU *cpu, const X86Insn *i);
void x86_op_sub(X86CPU *cpu, const X86Insn *i);
void x86_op_syscall(X86CPU *cpu, const X86Insn *i);
void x86_op_sysenter(X86CPU *cpu, const X86Insn *i);
void x86_op_sysexit(X86CPU *cpu, const X86Insn *i);
void x86_op_sysret(X86CPU *cpu, const X86Insn *i);
void x86_op_test(X86CPU *cpu, const X86Insn *i);
void x86_op_tzcnt(X86CPU *cpu, const X86Insn *i);
void x86_op_verr(X86CPU *cpu, const X86Insn *i);
void x86_op_verw(X86CPU *cpu, const X86Insn *i);
void x86_op_wrmsr(X86CPU *cpu, const X86Insn *i);
void x86_op_xadd(X86CPU *cpu, const X86Insn *i);
void x86_op_xchg(X86CPU *cpu, const X86Insn *i);
void x86_op_xchg_nop(X86CPU *cpu, const X86Insn *i);
void x86_op_xlat(X86CPU *cpu, const X86Insn *i);
void x86_op_xor(X86CPU *cpu, const X86Insn *i);

#endif /* TARGET_I386_OPS_H */
