; SPDX-License-Identifier: GPL-2.0-or-later
; Faults loading the new task's segment registers (SDM vol. 3A 7.3 step
; 13, table 7-1): the task switch itself completes (TR is the new task),
; then a bad selector is #TS(selector): DS beyond the GDT limit, SS
; read-only; a data segment that is only not present is #NP(selector).
%include "lib.inc"
ROM_BEGIN

%define TSS1 TSS_BASE
%define TSS2 (TSS_BASE + 0x100)

entry:
    PM_ENTER start
start:
    SET_GATE 10, fault_10, 0x8e00
    SET_GATE 11, fault_11, 0x8e00
    SET_GATE 13, fault_13, 0x8e00
    TASKS_LOAD task2
    mov dword [TSS2 + 0x54], 0x1000     ; DS: beyond the GDT

    EXPECT_FAULT t1
    jmp SEL_TSS2:0
    FAIL 'JMP to a task with a bad DS did not fault'
t1: CHECK dword [FAULT_VEC], 10, 'bad DS in the new task: #TS'
    CHECK dword [FAULT_ERR], 0x1000, '#TS error code = the selector'
    str ax
    CHECK ax, SEL_TSS2, 'the switch completed before the fault'

    ; Back to the first task, its DS not present.
    mov dword [TSS1 + 0x54], SEL_NP
    EXPECT_FAULT t2
    jmp SEL_TSS:0
    FAIL 'JMP to a task with a not-present DS did not fault'
t2: CHECK dword [FAULT_VEC], 11, 'not-present DS: #NP'
    CHECK dword [FAULT_ERR], SEL_NP, '#NP error code = the selector'

    ; To the second task again, its SS read-only.
    mov dword [TSS2 + 0x50], SEL_RO
    mov dword [TSS2 + 0x54], SEL_DATA0
    EXPECT_FAULT t3
    jmp SEL_TSS2:0
    FAIL 'JMP to a task with a read-only SS did not fault'
t3: CHECK dword [FAULT_VEC], 10, 'read-only SS: #TS'
    CHECK dword [FAULT_ERR], SEL_RO, '#TS error code = the SS selector'
    PASS

task2:
    FAIL 'the faulting task ran'

FAULT_HANDLER 10, 1
FAULT_HANDLER 11, 1
FAULT_HANDLER 13, 1

GDT_TABLE
LIB_ROUTINES
ROM_END
