/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internals shared by the x87 files (x87.c, x87-exec.c, x87-env.c):
 * exception reporting and the instruction shapes.  SDM vol. 1 8.1.3,
 * 8.5, 8.6.
 */
#ifndef TARGET_I386_FPU_X87_INT_H
#define TARGET_I386_FPU_X87_INT_H

#include "target/i386/fpu/x87.h"

/** x87_raise() - OR @flags (FP_* and X87_SW_SF) into FSW and update ES/B.
 *  Returns false when an unmasked IE, DE or ZE means no result. */
bool x87_raise(X87State *s, unsigned flags);
/** x87_finish() - x87_raise() of an operation's flags, C1 = rounded up. */
bool x87_finish(X87State *s, const FpEnv *e);
/** x87_stack_fault() - IE|SF with C1 = @overflow; false when unmasked. */
bool x87_stack_fault(X87State *s, bool overflow);
void x87_update_es(X87State *s);
void x87_set_c1(X87State *s, bool c1);
/** x87_set_cc() - set C0..C3 to @cc (X87_SW_C* bits). */
void x87_set_cc(X87State *s, unsigned cc);
unsigned x87_rel_cc(FpRel rel);
void x87_arith_env(X87State *s, FpEnv *e, X87Arith op, int dst, Float80 src,
                   bool src_empty, bool pop);
bool x87_compare_env(X87State *s, FpEnv *e, Float80 src, bool src_empty,
                     bool quiet);

/** x87_exec_d9_group() - D9 E0+@n (FCHS ... FCOS). */
X87Exit x87_exec_d9_group(X87State *s, int n, uint32_t *eflags);

#endif
