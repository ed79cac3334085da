/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hardware task switching (SDM vol. 3A ch. 7): JMP/CALL to a TSS or task
 * gate, interrupts through task gates, IRET with NT set.
 * Deviation: not modelled yet; the attempt raises #GP(selector) and is
 * logged once, so a guest that needs it fails visibly.
 */
#include <stdio.h>

#include "target/i386/ops.h"

void x86_task_switch(X86CPU *cpu, uint16_t sel, int reason, bool has_err,
                     uint32_t err)
{
    static bool logged;
    if (!logged) {
        logged = true;
        fprintf(stderr, "plimsoll: unimplemented: hardware task switch "
                "(selector 0x%x)\n", sel);
    }
    x86_raise(cpu, EXCP_GP, sel & ~3u);
}
