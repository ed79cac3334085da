/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Decoder handlers of the x87 and of the FXSAVE/MXCSR instructions
 * (fpu/ops-x87.c).  Wiring, as the opcode maps use them:
 *   one-byte 9B          { .exec = x86_op_x87_wait }
 *   one-byte D8-DF       { .exec = x86_op_x87, .flags = X86_F_MODRM }
 *   0F 77                { .exec = x86_op_emms }
 *   0F AE /0 /1 /2 /3    FXSAVE, FXRSTOR, LDMXCSR, STMXCSR (memory only)
 * and x86_fpu_reset() at power-on/RESET (not INIT, SDM vol. 3 table 9-1).
 */
#ifndef TARGET_I386_FPU_OPS_X87_H
#define TARGET_I386_FPU_OPS_X87_H

#include "target/i386/insn.h"

void x86_op_x87(X86CPU *cpu, const X86Insn *insn);
void x86_op_x87_wait(X86CPU *cpu, const X86Insn *insn);
void x86_op_emms(X86CPU *cpu, const X86Insn *insn);
void x86_op_fxsave(X86CPU *cpu, const X86Insn *insn);
void x86_op_fxrstor(X86CPU *cpu, const X86Insn *insn);
void x86_op_ldmxcsr(X86CPU *cpu, const X86Insn *insn);
void x86_op_stmxcsr(X86CPU *cpu, const X86Insn *insn);
/** x86_fpu_reset() - power-on state: FCW 0040h, tags valid-zero, XMM
 *  registers zero, MXCSR 1F80h. */
void x86_fpu_reset(X86CPU *cpu);

#endif
