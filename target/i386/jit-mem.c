/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The block translator's memory operands (docs/devel/cpu-translator.md):
 * effective address, segment check, soft-TLB lookup and the slow-path
 * stubs, as host code.  It computes what mem.h computes for a handler:
 *
 * - the offset: base + index * scale + disp masked to the address size;
 * - the linear address: in 64-bit code (flat64) the segment base only
 *   (SDM vol. 3A 3.2.4); elsewhere x86_seg_lin()'s fast test, "offset
 *   below X86Seg.fast_lim and the access right in X86Seg.perm", read
 *   from the CPU at run time (so a segment reload needs no retranslation),
 *   then base + offset masked by cpu->lin_mask; anything else goes to a
 *   stub that calls x86_seg_lin() itself, which raises #GP(0)/#SS(0)
 *   exactly (SDM vol. 3A 5.3) or returns the address;
 * - the TLB test of mem.h: the tag equals the address with its low
 *   size - 1 bits kept (an aligned, page-internal access), then the host
 *   address is linear + addend; on a miss a stub calls x86_ld_slow() or
 *   x86_st_slow() (#PF with CR2 and the error code, MMIO, code pages).
 *
 * Read-modify-write forms probe the write tag only: a writable entry is
 * RAM and readable (ops-mem.c's rmw_sized() relies on the same).  Their
 * stub fills the TLB for writing (x86_probe_write(): the #PF a handler
 * would raise first) and goes on with the host pointer; when the access
 * is misaligned or the page is not plain writable RAM (MMIO, code) it
 * runs the entry's handler instead.
 *
 * Every stub stores cur_insn and RIP first, so a fault reports the entry.
 */
#include <assert.h>
#include <glib.h>

#include "target/i386/jit-int.h"

/* Always JIT_TLB_BASE_LEN bytes (disp32 forms): chained blocks are
 * entered past it. */
void jx_tlb_base(JitCtx *c)
{
    JitBuf *j = &c->j;
    uint8_t *start = j->p;

    jit_b(j, 0x44);                             /* mov r14d, [rbx + d32] */
    jit_b(j, 0x8b);
    jit_b(j, 0xb3);
    jit_d(j, CPU_OFF(mmu_idx));
    jit_rr(j, 0x69, 4, H_R14, H_R14);           /* imul r14d, r14d, imm32 */
    jit_d(j, sizeof(((X86CPU *)0)->tlb[0]));
    jit_b(j, 0x4e);                             /* lea r14, [rbx + r14 + */
    jit_b(j, 0x8d);                             /*           d32] */
    jit_b(j, 0xb4);
    jit_b(j, 0x33);
    jit_d(j, CPU_OFF(tlb));
    assert(j->p - start == JIT_TLB_BASE_LEN);
}

void jx_ea(JitCtx *c, const X86Insn *i)
{
    JitBuf *j = &c->j;
    int32_t disp = i->disp;

    int base = H_RSI, index = H_R8;

    if (i->base == R_RIP) {
        jit_lea(j, H_RSI, H_RBP, H_NONE, 0, i->next_off - c->rip_adj);
    } else if (i->base == R_ZERO) {
        jit_movi(j, H_RSI, (uint64_t)(int64_t)disp);
        disp = 0;
    } else if ((base = jx_reg_host(c, i->base)) == H_NONE) {
        base = H_RSI;
        jx_reg_read(c, H_RSI, i->base * 8, 8);
    }
    if (i->index != R_ZERO) {
        if ((index = jx_reg_host(c, i->index)) == H_NONE) {
            index = H_R8;
            jx_reg_read(c, H_R8, i->index * 8, 8);
        }
        jit_lea(j, H_RSI, base, index, i->scale, disp);
    } else if (disp) {
        jit_lea(j, H_RSI, base, H_NONE, 0, disp);
    } else if (base != H_RSI) {
        jit_mov(j, 8, H_RSI, base);
    }
    if (i->amask == 0xffffffffull) {
        jit_mov(j, 4, H_RSI, H_RSI);
    } else if (i->amask != ~0ull) {
        jit_movi(j, H_R8, i->amask);
        jit_rr(j, 0x21, 8, H_R8, H_RSI);
    }
}

static JitCold *new_cold(JitCtx *c, unsigned k, unsigned size,
                         JitColdKind kind)
{
    JitCold *cold = &c->cold[c->n_cold++];

    assert(c->n_cold <= G_N_ELEMENTS(c->cold));
    *cold = (JitCold){ .k = k, .size = size, .kind = kind,
                       .valid = c->valid, .rec = c->rec };
    return cold;
}

/* RSI = offset in segment @seg -> linear address, for an access of
 * @size with @perm (64-bit code: the base only). */
static void emit_seg(JitCtx *c, unsigned k, int seg, bool flat64,
                     unsigned size, unsigned perm)
{
    JitBuf *j = &c->j;
    JitCold *cold;

    if (flat64) {
        jit_rm(j, 0x03, 8, H_RSI, H_RBX, H_NONE, 0, SEG_OFF(seg, base));
        return;
    }
    cold = new_cold(c, k, size, COLD_SEG);
    cold->seg = seg;
    cold->perm = perm;
    jit_rm(j, 0x3b, 8, H_RSI, H_RBX, H_NONE, 0, SEG_OFF(seg, fast_lim));
    cold->patch[0] = jit_jcc(j, 3);             /* jae: not below */
    jit_rm(j, 0xf6, 1, 0, H_RBX, H_NONE, 0, SEG_OFF(seg, perm));
    jit_b(j, perm);                             /* test byte [perm], perm */
    cold->patch[1] = jit_jcc(j, 4);             /* jz: no access right */
    jit_rm(j, 0x03, 8, H_RSI, H_RBX, H_NONE, 0, SEG_OFF(seg, base));
    jit_rm(j, 0x23, 8, H_RSI, H_RBX, H_NONE, 0, CPU_OFF(lin_mask));
    cold->resume = j->p;
}

/*
 * The TLB test of RSI = a linear address for an access of @size bytes
 * against the read or write tag: on a hit RSI becomes the host address; a
 * miss jumps to the returned stub.
 */
static JitCold *emit_tlb_lin(JitCtx *c, unsigned k, unsigned size,
                             bool write, JitColdKind kind)
{
    JitBuf *j = &c->j;
    JitCold *cold = new_cold(c, k, size, kind);

    /* RCX = index * sizeof(X86TLBEntry) = (index << 4) * 3 */
    _Static_assert(sizeof(X86TLBEntry) == 48, "TLB entry of 48 bytes");
    jit_mov(j, 4, H_RCX, H_RSI);
    jit_shift_ri(j, 5, 4, H_RCX, 12 - 4);
    jit_alu_ri(j, G1_AND, 4, H_RCX, (X86_TLB_SIZE - 1) << 4);
    jit_lea(j, H_RCX, H_RCX, H_RCX, 1, 0);
    jit_mov(j, 8, H_RAX, H_RSI);
    jit_alu_ri(j, G1_AND, 8, H_RAX, (int32_t)(~0xfffu | (size - 1)));
    jit_rm(j, 0x3b, 8, H_RAX, H_R14, H_RCX, 0,
           (write ? TLB_OFF(tag_w) : TLB_OFF(tag_r)) - CPU_OFF(tlb));
    cold->patch[0] = jit_jcc(j, 5);             /* jne */
    jit_rm(j, 0x03, 8, H_RSI, H_R14, H_RCX, 0,
           TLB_OFF(addend) - CPU_OFF(tlb));
    return cold;
}

/* The same for entry @k's memory operand: address, segment, TLB. */
static JitCold *emit_tlb(JitCtx *c, unsigned k, unsigned size, bool write,
                         JitColdKind kind)
{
    const X86Insn *i = &c->b->insns[k];

    jx_ea(c, i);
    emit_seg(c, k, i->seg, i->flat64, size, write ? SEG_PERM_W : SEG_PERM_R);
    return emit_tlb_lin(c, k, size, write, kind);
}

void jx_mem_load(JitCtx *c, unsigned k, unsigned size)
{
    JitCold *cold = emit_tlb(c, k, size, false, COLD_LD);

    jit_load(&c->j, H_RAX, size, H_RSI, H_NONE, 0, 0);
    cold->resume = c->j.p;
}

void jx_mem_store(JitCtx *c, unsigned k, unsigned size)
{
    JitCold *cold = emit_tlb(c, k, size, true, COLD_ST);

    jit_store(&c->j, H_RDX, size, H_RSI, 0);
    cold->resume = c->j.p;
}

void jx_sp_add(JitCtx *c, unsigned size, int32_t delta)
{
    JitBuf *j = &c->j;
    int h = jx_reg_host(c, R_ESP);

    if (h != H_NONE) {
        jit_rm(j, 0x8d, size, h, h, H_NONE, 0, delta);  /* lea r(d) */
        c->dirty |= 1u << R_ESP;
        return;
    }
    if (size == 8) {
        jit_rm(j, 0x81, 8, 0, H_RBX, H_NONE, 0, CPU_REG(R_ESP));
        jit_d(j, delta);                        /* add qword [rsp], delta */
        return;
    }
    jit_load(j, H_R9, 8, H_RBX, H_NONE, 0, CPU_REG(R_ESP));
    jit_rm(j, 0x8d, 4, H_R9, H_R9, H_NONE, 0, delta);   /* lea r9d */
    jit_store(j, H_R9, 8, H_RBX, CPU_REG(R_ESP));
}

/*
 * RSI = the linear address of the stack slot of @size bytes: RSP - @size
 * for a @push, else RSP.  64-bit code: SS.base + RSP.  32-bit code: the
 * stack must be 32-bit (SS.B; else the returned stub runs the entry's
 * handler), then ESP wraps at 4 GiB and SS's limit and type are checked
 * as for any operand (#SS(0) from the stub).
 */
static JitCold *emit_stack_addr(JitCtx *c, unsigned k, unsigned size,
                                bool push)
{
    JitBuf *j = &c->j;
    JitCold *guard;

    jx_reg_read(c, H_RSI, R_ESP * 8, 8);
    if (push) {
        jit_lea(j, H_RSI, H_RSI, H_NONE, 0, -(int32_t)size);
    }
    if (size == 8) {
        emit_seg(c, k, R_SS, true, 8, 0);
        return NULL;
    }
    guard = new_cold(c, k, size, COLD_HANDLER);
    jit_rm(j, 0xf7, 4, 0, H_RBX, H_NONE, 0, SEG_OFF(R_SS, flags));
    jit_d(j, DESC_B);                           /* test dword, DESC_B */
    guard->patch[0] = jit_jcc(j, 4);            /* jz: a 16-bit stack */
    jit_mov(j, 4, H_RSI, H_RSI);
    emit_seg(c, k, R_SS, false, size, push ? SEG_PERM_W : SEG_PERM_R);
    return guard;
}

JitCold *jx_stack(JitCtx *c, unsigned k, unsigned size, bool push)
{
    JitBuf *j = &c->j;
    JitCold *guard = emit_stack_addr(c, k, size, push);
    JitCold *cold = emit_tlb_lin(c, k, size, push, push ? COLD_ST : COLD_LD);

    if (push) {
        jit_store(j, H_RDX, size, H_RSI, 0);
    } else {
        jit_load(j, H_RAX, size, H_RSI, H_NONE, 0, 0);
        cold->resume = j->p;
    }
    jx_sp_add(c, size, push ? -(int32_t)size : (int32_t)size);
    if (push) {
        cold->resume = j->p;
        cold->rsp_adj = -(int8_t)size;
    }
    return guard;
}

void jx_call_push(JitCtx *c, unsigned k, unsigned size, JitCold *stubs[2])
{
    stubs[0] = emit_stack_addr(c, k, size, true);
    stubs[1] = emit_tlb_lin(c, k, size, true, COLD_HANDLER);
    jit_store(&c->j, H_RDX, size, H_RSI, 0);
}

JitCold *jx_rmw_addr(JitCtx *c, unsigned k, unsigned size, bool flags)
{
    JitCold *cold = emit_tlb(c, k, size, true, COLD_RMW);

    cold->resume = c->j.p;
    cold->flags = flags;
    return cold;
}

void jx_rmw_done(JitCtx *c, JitCold *cold)
{
    cold->done = c->j.p;
    cold->valid_done = c->valid;
}

/* The stubs' helpers: what the handler would do for the access. */
static uint64_t jit_seg_lin(X86CPU *cpu, int seg, uint64_t off,
                            unsigned size, unsigned perm)
{
    return x86_seg_lin(cpu, seg, off, size, perm);
}

/* The host address for a RMW of @size at @lin after the write probe, or
 * NULL when the handler must do it (misaligned: page crossing, #AC; not
 * plain writable RAM). */
static void *jit_rmw_ptr(X86CPU *cpu, uint64_t lin, unsigned size)
{
    X86TLBEntry *e;

    if (lin & (size - 1)) {
        return NULL;
    }
    x86_probe_write(cpu, lin, size);
    e = x86_tlb_entry(cpu, lin);
    if (e->tag_w != (lin & ~0xfffull)) {
        return NULL;
    }
    return (void *)(uintptr_t)(lin + e->addend);
}

/* The guest's arithmetic flags, for POPF into the host's. */
static uint64_t jit_host_flags(X86CPU *cpu)
{
    return x86_eflags_get(cpu) & CC_ALL;
}

/* Four pushes: the stack stays 16-byte aligned for the calls. */
static void emit_push_saved(JitBuf *j)
{
    jit_b(j, 0x52);                             /* push rdx */
    jit_b(j, 0x41);                             /* push r9, r10, r11 */
    jit_b(j, 0x51);
    jit_b(j, 0x41);
    jit_b(j, 0x52);
    jit_b(j, 0x41);
    jit_b(j, 0x53);
}

static void emit_pop_saved(JitBuf *j)
{
    jit_b(j, 0x41);                             /* pop r11, r10, r9 */
    jit_b(j, 0x5b);
    jit_b(j, 0x41);
    jit_b(j, 0x5a);
    jit_b(j, 0x41);
    jit_b(j, 0x59);
    jit_b(j, 0x5a);                             /* pop rdx */
}

void jx_rec_flush(JitCtx *c)
{
    if (c->rec.on) {
        jx_rec_store(c, &c->rec);
        c->rec.on = false;
    }
}

void jx_rec_store(JitCtx *c, const JitRec *r)
{
    JitBuf *j = &c->j;

    switch (r->op) {
    case CC_OP_LOGIC:
        jit_store(j, H_R9, 8, H_RBX, CPU_OFF(cc_dst));
        break;
    case CC_OP_SHIFT:
        jit_store(j, H_R9, 8, H_RBX, CPU_OFF(cc_dst));
        jit_mov(j, 4, H_RAX, H_R11);
        jit_alu_ri(j, G1_AND, 4, H_RAX, 1);
        jit_store(j, H_RAX, 8, H_RBX, CPU_OFF(cc_src));
        jit_mov(j, 4, H_RAX, H_R11);
        jit_shift_ri(j, 5, 4, H_RAX, 1);        /* shr eax, 1 */
        jit_store(j, H_RAX, 8, H_RBX, CPU_OFF(cc_src2));
        break;
    case CC_OP_INC:
    case CC_OP_DEC:
        jit_store(j, H_R9, 8, H_RBX, CPU_OFF(cc_src));
        jit_store(j, H_R11, 8, H_RBX, CPU_OFF(cc_src2));
        jit_lea(j, H_RAX, H_R9, H_NONE, 0, r->op == CC_OP_INC ? 1 : -1);
        jit_store(j, H_RAX, 8, H_RBX, CPU_OFF(cc_dst));
        break;
    default:                                    /* ADD, SUB */
        if (r->neg) {
            jit_rr(j, 0x31, 4, H_RAX, H_RAX);   /* xor eax, eax */
        } else {
            jit_mov(j, 8, H_RAX, H_R9);
        }
        jit_store(j, H_RAX, 8, H_RBX, CPU_OFF(cc_src));
        jit_store(j, H_R11, 8, H_RBX, CPU_OFF(cc_src2));
        jit_rr(j, r->op == CC_OP_ADD ? 0x01 : 0x29, 8, H_R11, H_RAX);
        jit_store(j, H_RAX, 8, H_RBX, CPU_OFF(cc_dst));
        break;
    }
    jit_store_imm(j, 4, H_RBX, CPU_OFF(cc_op), r->op);
    jit_store_imm(j, 4, H_RBX, CPU_OFF(cc_size), r->size);
}

/* The RMW stub's other way, and COLD_HANDLER's only one: the entry's
 * handler does all of it. */
static void emit_rmw_handler(JitCtx *c, const JitCold *cold)
{
    JitBuf *j = &c->j;

    jit_mov(j, 8, H_RDI, H_RBX);
    jit_movi(j, H_RSI, (uintptr_t)&c->b->insns[cold->k]);
    jit_call(j, c->b->insns[cold->k].exec);
    emit_pop_saved(j);
    c->valid = 0;
    jx_regs_load(c, cold->valid_done);
    jx_stop_check(c, cold->k + 1);
    if (cold->flags) {
        jit_mov(j, 8, H_RDI, H_RBX);
        jit_call(j, jit_host_flags);
        jit_b(j, 0x50);                         /* push rax */
        jit_b(j, 0x9d);                         /* popfq */
        jit_b(j, 0x41);                         /* setc r10b */
        jit_b(j, 0x0f);
        jit_b(j, 0x92);
        jit_b(j, 0xc2);
        jit_rr(j, 0x0fb6, 4, H_R10, H_R10);     /* movzx r10d, r10b */
    }
    jit_patch(jit_jmp(j), cold->done);
}

void jx_cold(JitCtx *c, const JitCold *cold)
{
    JitBuf *j = &c->j;
    uint8_t *handler = NULL;

    for (int n = 0; n < 2; n++) {
        if (cold->patch[n]) {
            jit_patch(cold->patch[n], j->p);
        }
    }
    if (cold->rec.on) {
        jx_rec_store(c, &cold->rec);
    }
    c->rec.on = false;          /* stored: the stub's exits need nothing */
    jx_insn_state(c, cold->k);
    /* Memory is the guest's state at the call: it may raise. */
    c->valid = cold->valid;
    jx_regs_store(c, c->valid);
    c->dirty = 0;
    emit_push_saved(j);
    if (cold->kind == COLD_HANDLER) {
        emit_rmw_handler(c, cold);
        return;
    }
    jit_mov(j, 8, H_RDI, H_RBX);
    switch (cold->kind) {
    case COLD_LD:
        jit_movi(j, H_RDX, cold->size);
        jit_movi(j, H_RCX, ACC_READ);
        jit_call(j, x86_ld_slow);
        break;
    case COLD_ST:
        jit_movi(j, H_RCX, cold->size);
        jit_call(j, x86_st_slow);
        emit_pop_saved(j);
        if (cold->rsp_adj) {
            jx_sp_add(c, cold->size, cold->rsp_adj);
        }
        jx_stop_check(c, cold->k + 1);
        jit_patch(jit_jmp(j), cold->resume);
        return;
    case COLD_SEG:
        jit_mov(j, 8, H_RDX, H_RSI);
        jit_movi(j, H_RSI, cold->seg);
        jit_movi(j, H_RCX, cold->size);
        jit_movi(j, H_R8, cold->perm);
        jit_call(j, jit_seg_lin);
        jit_mov(j, 8, H_RSI, H_RAX);
        break;
    case COLD_HANDLER:
    case COLD_RMW:
        jit_movi(j, H_RDX, cold->size);
        jit_call(j, jit_rmw_ptr);
        jit_rr(j, 0x85, 8, H_RAX, H_RAX);
        handler = jit_jcc(j, 4);                /* jz: the handler */
        jit_mov(j, 8, H_RSI, H_RAX);
        break;
    }
    emit_pop_saved(j);
    jit_patch(jit_jmp(j), cold->resume);
    if (handler) {
        jit_patch(handler, j->p);
        emit_rmw_handler(c, cold);
    }
}
