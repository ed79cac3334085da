; SPDX-License-Identifier: GPL-2.0-or-later
; Triple fault (SDM vol. 3A 6.15, interrupt 8): with an empty IDT a #UD
; cannot be delivered (#GP), the #GP cannot be delivered (#DF), and the
; #DF cannot be delivered: the processor shuts down and the test machine
; reports a reset (runner exit status 2).
%include "lib.inc"
ROM_BEGIN

entry:
    PM_ENTER start
start:
    lidt [ROM_BASE + empty_idt]
    ud2
    FAIL 'ud2 did not fault'

empty_idt:
    dw 0
    dd 0

GDT_TABLE
LIB_ROUTINES
ROM_END
