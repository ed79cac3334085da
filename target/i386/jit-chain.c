/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The block translator's way between blocks (docs/devel/cpu-translator.md
 * "Between blocks: chaining"): the chain stub each translated block ends
 * in, which does what exec.c's run loop would do between two blocks when
 * nothing needs the loop (budget left, no event to take, no debugging, no
 * interrupt shadow) and one of the block's links (or, after a RET, the
 * return-address cache, as exec.c's find_return() reads it) names a valid
 * translated block for the new RIP in this generation: it becomes that
 * block and enters its code past the prologue.  Anything else returns to
 * the run loop, which learns the link.
 */
#include "target/i386/jit-int.h"

/*
 * Leave (the jumps at out[]) if the run loop has something to do: any
 * event but INTR raised while IF is clear, as the run loop tests it.
 * Returns how many jumps it added.
 */
unsigned jx_events_check(JitCtx *c, uint8_t **out)
{
    JitBuf *j = &c->j;
    uint8_t *ok;

    jit_load(j, H_RCX, 8, H_RBX, H_NONE, 0, CPU_OFF(events));
    jit_rr(j, 0x85, 8, H_RCX, H_RCX);
    ok = jit_jcc(j, 4);                         /* jz: no event */
    jit_alu_ri(j, G1_CMP, 8, H_RCX, 1);
    out[0] = jit_jcc(j, 5);                     /* jne: not just INTR */
    jit_rm(j, 0xf7, 4, 0, H_RBX, H_NONE, 0, CPU_OFF(eflags));
    jit_d(j, EF_IF);                            /* test dword, EF_IF */
    out[1] = jit_jcc(j, 5);                     /* jnz: deliverable */
    jit_patch(ok, j->p);
    return 2;
}

/*
 * After a RET whose links missed: the return-address cache, as exec.c's
 * find_return() reads it.  The block whose CALL pushed the address is
 * cpu->ret_caller (x86_op_ret() set it); its ret_link, if right for RIP
 * (RAX) in this generation (ECX), names the next block (RSI), and the
 * hint is used up.  Returns the jump to the found path.
 */
static uint8_t *emit_chain_ret(JitCtx *c, uint8_t **out, unsigned *n_out)
{
    JitBuf *j = &c->j;
    int32_t rl = offsetof(X86Block, ret_link);

    jit_load(j, H_R9, 8, H_RBX, H_NONE, 0, CPU_OFF(ret_caller));
    jit_rr(j, 0x85, 8, H_R9, H_R9);
    out[(*n_out)++] = jit_jcc(j, 4);                /* jz: no caller */
    jit_rm(j, 0x3b, 8, H_RAX, H_R9, H_NONE, 0,
           rl + (int32_t)offsetof(X86BlockLink, eip));
    out[(*n_out)++] = jit_jcc(j, 5);
    jit_rm(j, 0x3b, 4, H_RCX, H_R9, H_NONE, 0,
           rl + (int32_t)offsetof(X86BlockLink, gen));
    out[(*n_out)++] = jit_jcc(j, 5);
    jit_load(j, H_RSI, 8, H_R9, H_NONE, 0,
             rl + (int32_t)offsetof(X86BlockLink, next));
    jit_rr(j, 0x85, 8, H_RSI, H_RSI);
    out[(*n_out)++] = jit_jcc(j, 4);                /* jz: never set */
    jit_rm(j, 0xc7, 8, 0, H_RBX, H_NONE, 0, CPU_OFF(ret_caller));
    jit_d(j, 0);                                    /* ret_caller = NULL */
    return jit_jmp(j);
}

/*
 * The chain stub: RAX = the new RIP, EDX = what this block retired.  Does
 * what the run loop would do between blocks when nothing needs it (budget
 * left, no event, no debugging, no interrupt shadow) and one of this
 * block's links names a translated block for RIP in this generation:
 * becomes that block (cur_block, insn_eip, RBP) and jumps into its
 * code past the prologue.  Anything else returns to the run loop.
 */
void jx_chain(JitCtx *c)
{
    JitBuf *j = &c->j;
    uint8_t *out[16], *found[3];
    unsigned n_out = 0;
    int32_t lk = sizeof(X86BlockLink);

    jit_rm(j, 0x01, 8, H_RDX, H_RBX, H_NONE, 0, CPU_OFF(retired));
    jit_load(j, H_RCX, 8, H_RSP, H_NONE, 0, 0);    /* the budget */
    jit_rm(j, 0x39, 8, H_RCX, H_RBX, H_NONE, 0, CPU_OFF(retired));
    out[n_out++] = jit_jcc(j, 3);                   /* jae: budget spent */
    n_out += jx_events_check(c, out + n_out);
    jit_rm(j, 0x83, 4, 7, H_RBX, H_NONE, 0, CPU_OFF(debug_flags));
    jit_b(j, 0);
    out[n_out++] = jit_jcc(j, 5);
    jit_rm(j, 0x80, 1, 7, H_RBX, H_NONE, 0, CPU_OFF(inhibit_irq));
    jit_b(j, 0);
    out[n_out++] = jit_jcc(j, 5);
    jit_movi(j, H_R8, (uintptr_t)&c->b->link[0]);
    jit_load(j, H_RCX, 4, H_RBX, H_NONE, 0, CPU_OFF(chain_gen));
    for (int k = 0; k < 2; k++) {
        uint8_t *miss[2];
        jit_rm(j, 0x3b, 8, H_RAX, H_R8, H_NONE, 0,
               k * lk + (int32_t)offsetof(X86BlockLink, eip));
        miss[0] = jit_jcc(j, 5);
        jit_rm(j, 0x3b, 4, H_RCX, H_R8, H_NONE, 0,
               k * lk + (int32_t)offsetof(X86BlockLink, gen));
        miss[1] = jit_jcc(j, 5);
        jit_load(j, H_RSI, 8, H_R8, H_NONE, 0,
                 k * lk + (int32_t)offsetof(X86BlockLink, next));
        found[k] = jit_jmp(j);
        jit_patch(miss[0], j->p);
        jit_patch(miss[1], j->p);
    }
    if (c->b->insns[c->b->n_insns - 1].exec == x86_op_ret) {
        found[2] = emit_chain_ret(c, out, &n_out);
    } else {
        found[2] = NULL;
    }
    out[n_out++] = jit_jmp(j);
    for (int k = 0; k < 3; k++) {
        if (found[k]) {
            jit_patch(found[k], j->p);
        }
    }
    jit_rm(j, 0x80, 1, 7, H_RSI, H_NONE, 0, offsetof(X86Block, valid));
    jit_b(j, 0);
    out[n_out++] = jit_jcc(j, 4);                   /* je: invalid */
    jit_load(j, H_RDI, 8, H_RSI, H_NONE, 0, offsetof(X86Block, jit));
    jit_rr(j, 0x85, 8, H_RDI, H_RDI);
    out[n_out++] = jit_jcc(j, 4);                   /* je: not translated */
    jit_store(j, H_RSI, 8, H_RBX, CPU_OFF(cur_block));
    jit_store(j, H_RAX, 8, H_RBX, CPU_OFF(insn_eip));
    jit_mov(j, 8, H_RBP, H_RAX);
    jit_alu_ri(j, G1_ADD, 8, H_RDI, JIT_CHAIN_SKIP);
    jit_b(j, 0xff);                                 /* jmp rdi */
    jit_b(j, 0xe7);
    for (unsigned k = 0; k < n_out; k++) {
        jit_patch(out[k], j->p);
    }
    jit_rr(j, 0x31, 4, H_RAX, H_RAX);               /* retired: counted */
    jit_patch(jit_jmp(j), c->epi);
}
