/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CPU side of the x87: the handlers the decoder calls for D8-DF,
 * WAIT/FWAIT, EMMS, FXSAVE/FXRSTOR and LDMXCSR/STMXCSR.  They check the
 * device-not-available and pending-error conditions, move memory operands
 * between guest memory and the FPU library (fpu/x87.h), and record the
 * last instruction and operand pointers.
 *
 * Spec: Intel SDM vol. 1 8.1.8 (FIP/FDP/FOP), 8.7 (#MF at the next
 * waiting instruction when CR0.NE = 1), 10.5.1 (FXSAVE image), vol. 3
 * 2.5 and table 2-2 (CR0.EM/MP/TS -> #NM/#UD), vol. 2 FXSAVE (16-byte
 * alignment, #GP(0)), LDMXCSR (#GP(0) for reserved bits).
 * Deviation: with CR0.NE = 0 a pending error does not assert FERR#/IRQ13
 * (no DOS-compatible error reporting); the instruction proceeds.
 */
#include <string.h>

#include "target/i386/cpu.h"
#include "target/i386/insn.h"
#include "target/i386/mem.h"
#include "target/i386/fpu/ops-x87.h"

static void check_nm(X86CPU *cpu)
{
    if (cpu->cr0 & (CR0_EM | CR0_TS)) {
        x86_raise_noerr(cpu, EXCP_NM);
    }
}

static void check_mf(X86CPU *cpu)
{
    if (x87_mf_pending(&cpu->x87) && (cpu->cr0 & CR0_NE)) {
        x86_raise_noerr(cpu, EXCP_MF);
    }
}

static uint64_t insn_ea(X86CPU *cpu, const X86Insn *insn)
{
    cpu->ea = x86_insn_ea(cpu, insn);
    return cpu->ea;
}

static void mem_read(X86CPU *cpu, const X86Insn *insn, uint64_t ea,
                     uint8_t *buf, unsigned n)
{
    for (unsigned i = 0; i < n;) {
        unsigned c = n - i >= 8 ? 8 : n - i >= 4 ? 4 : n - i >= 2 ? 2 : 1;
        uint64_t v = x86_ld(cpu, insn->seg, (ea + i) & insn->amask, c);
        for (unsigned k = 0; k < c; k++) {
            buf[i + k] = (uint8_t)(v >> (8 * k));
        }
        i += c;
    }
}

/* Check the whole destination first so a fault leaves memory unchanged. */
static void mem_write(X86CPU *cpu, const X86Insn *insn, uint64_t ea,
                      const uint8_t *buf, unsigned n)
{
    uint64_t lin = x86_seg_lin(cpu, insn->seg, ea, n, SEG_PERM_W);

    x86_probe_write(cpu, lin, n);
    if (((lin + n - 1) ^ lin) & ~0xfffull) {
        x86_probe_write(cpu, (lin + n - 1) & ~0xfffull, 1);
    }
    for (unsigned i = 0; i < n;) {
        unsigned c = n - i >= 8 ? 8 : n - i >= 4 ? 4 : n - i >= 2 ? 2 : 1;
        uint64_t v = 0;
        for (unsigned k = 0; k < c; k++) {
            v |= (uint64_t)buf[i + k] << (8 * k);
        }
        x86_st(cpu, insn->seg, (ea + i) & insn->amask, v, c);
        i += c;
    }
}

static X87ImageMode image_mode(X86CPU *cpu, const X86Insn *insn)
{
    bool real = !(cpu->cr0 & CR0_PE) || (cpu->eflags & EF_VM);

    if (insn->opsize == 2) {
        return real ? X87_IMAGE_REAL16 : X87_IMAGE_PROT16;
    }
    return real ? X87_IMAGE_REAL32 : X87_IMAGE_PROT32;
}

static void exec_reg(X86CPU *cpu, const X86Insn *insn)
{
    uint32_t ef = x86_cc_all(cpu);
    uint32_t before = ef;

    switch (x87_exec_reg(&cpu->x87, insn->opcode, insn->modrm, &ef)) {
    case X87_UD:
        x86_raise_noerr(cpu, EXCP_UD);
    case X87_FNSTSW_AX:
        x86_reg_write(cpu, R_EAX * 8, x87_fsw(&cpu->x87), 2);
        break;
    default:
        if (ef != before) {
            x86_cc_eflags(cpu, ef);
        }
        break;
    }
}

static void exec_mem(X86CPU *cpu, const X86Insn *insn, uint64_t ea)
{
    X87MemInfo info = x87_mem_info(insn->opcode, insn->modrm_reg);
    X87ImageMode mode = image_mode(cpu, insn);
    unsigned env = x87_env_size(mode);
    uint8_t buf[108];
    X87State tmp;

    switch (info.kind) {
    case X87_MEM_LOAD:
        mem_read(cpu, insn, ea, buf, info.size);
        x87_exec_mem_load(&cpu->x87, insn->opcode, insn->modrm_reg, buf);
        break;
    case X87_MEM_STORE:
        tmp = cpu->x87;
        if (x87_exec_mem_store(&tmp, insn->opcode, insn->modrm_reg, buf)) {
            mem_write(cpu, insn, ea, buf, info.size);
        }
        cpu->x87 = tmp;
        break;
    case X87_MEM_LDENV:
        mem_read(cpu, insn, ea, buf, env);
        x87_ldenv(&cpu->x87, buf, mode);
        break;
    case X87_MEM_RSTOR:
        mem_read(cpu, insn, ea, buf, env + 80);
        x87_rstor(&cpu->x87, buf, mode);
        break;
    case X87_MEM_STENV:
        tmp = cpu->x87;
        x87_stenv(&tmp, buf, mode);
        mem_write(cpu, insn, ea, buf, env);
        cpu->x87 = tmp;
        break;
    case X87_MEM_SAVE:
        tmp = cpu->x87;
        x87_save(&tmp, buf, mode);
        mem_write(cpu, insn, ea, buf, env + 80);
        cpu->x87 = tmp;
        break;
    default:
        x86_raise_noerr(cpu, EXCP_UD);
    }
}

void x86_op_x87(X86CPU *cpu, const X86Insn *insn)
{
    uint8_t op = insn->opcode, modrm = insn->modrm;
    uint64_t ip = cpu->regs[R_RIP] - insn->len, ea = 0;
    bool mem = modrm < 0xc0;

    check_nm(cpu);
    if (x87_insn_waits(op, modrm)) {
        check_mf(cpu);
    }
    if (mem) {
        ea = insn_ea(cpu, insn);
        exec_mem(cpu, insn, ea);
    } else {
        exec_reg(cpu, insn);
    }
    if (!x87_insn_is_control(op, modrm)) {
        x87_set_pointers(&cpu->x87, (uint16_t)((op & 7) << 8 | modrm),
                         cpu->seg[R_CS].sel, ip,
                         mem ? cpu->seg[insn->seg].sel : 0, ea);
    }
}

void x86_op_x87_wait(X86CPU *cpu, const X86Insn *insn)
{
    if ((cpu->cr0 & (CR0_MP | CR0_TS)) == (CR0_MP | CR0_TS)) {
        x86_raise_noerr(cpu, EXCP_NM);
    }
    check_mf(cpu);
}

void x86_op_emms(X86CPU *cpu, const X86Insn *insn)
{
    if (cpu->cr0 & CR0_EM) {
        x86_raise_noerr(cpu, EXCP_UD);
    }
    check_nm(cpu);
    check_mf(cpu);
    x87_emms(&cpu->x87);
}

/* FXSAVE/FXRSTOR/LDMXCSR/STMXCSR: #UD without CR4.OSFXSR (the MXCSR
 * forms) or with CR0.EM, #NM with CR0.TS. */
static void check_fxsr(X86CPU *cpu, bool needs_osfxsr)
{
    if ((cpu->cr0 & CR0_EM) ||
        (needs_osfxsr && !(cpu->cr4 & CR4_OSFXSR))) {
        x86_raise_noerr(cpu, EXCP_UD);
    }
    if (cpu->cr0 & CR0_TS) {
        x86_raise_noerr(cpu, EXCP_NM);
    }
}

static unsigned xmm_count(X86CPU *cpu)
{
    return cpu->code_size == 8 ? 16 : 8;
}

void x86_op_fxsave(X86CPU *cpu, const X86Insn *insn)
{
    uint8_t img[512];
    uint64_t ea;

    check_fxsr(cpu, false);
    ea = insn_ea(cpu, insn);
    if (ea & 15) {
        x86_raise(cpu, EXCP_GP, 0);
    }
    x87_fxsave(&cpu->x87, img, cpu->mxcsr, MXCSR_SUPPORTED,
               (insn->rex & 8) != 0);
    if (cpu->cr4 & CR4_OSFXSR) {
        for (unsigned i = 0; i < xmm_count(cpu); i++) {
            memcpy(img + 160 + 16 * i, &cpu->xmm[i], 16);
        }
    }
    mem_write(cpu, insn, ea, img, 160 + 16 * xmm_count(cpu));
}

void x86_op_fxrstor(X86CPU *cpu, const X86Insn *insn)
{
    uint8_t img[416];
    uint64_t ea;
    uint32_t mxcsr;

    check_fxsr(cpu, false);
    ea = insn_ea(cpu, insn);
    if (ea & 15) {
        x86_raise(cpu, EXCP_GP, 0);
    }
    mem_read(cpu, insn, ea, img, 160 + 16 * xmm_count(cpu));
    mxcsr = img[24] | img[25] << 8 | img[26] << 16 | (uint32_t)img[27] << 24;
    if (!sse_mxcsr_valid(mxcsr)) {
        x86_raise(cpu, EXCP_GP, 0);
    }
    x87_fxrstor(&cpu->x87, img, (insn->rex & 8) != 0);
    if (cpu->cr4 & CR4_OSFXSR) {
        cpu->mxcsr = mxcsr;
        for (unsigned i = 0; i < xmm_count(cpu); i++) {
            memcpy(&cpu->xmm[i], img + 160 + 16 * i, 16);
        }
    }
}

void x86_op_ldmxcsr(X86CPU *cpu, const X86Insn *insn)
{
    uint32_t v;

    check_fxsr(cpu, true);
    v = (uint32_t)x86_ld(cpu, insn->seg, insn_ea(cpu, insn), 4);
    if (!sse_mxcsr_valid(v)) {
        x86_raise(cpu, EXCP_GP, 0);
    }
    cpu->mxcsr = v;
}

void x86_op_stmxcsr(X86CPU *cpu, const X86Insn *insn)
{
    check_fxsr(cpu, true);
    x86_st(cpu, insn->seg, insn_ea(cpu, insn), cpu->mxcsr, 4);
}

void x86_fpu_reset(X86CPU *cpu)
{
    x87_reset(&cpu->x87);
    cpu->x87.fcw = 0x0040;
    cpu->x87.empty = 0;
    memset(cpu->xmm, 0, sizeof(cpu->xmm));
    cpu->mxcsr = MXCSR_DEFAULT;
}
