; SPDX-License-Identifier: GPL-2.0-or-later
; Hardware task switching (SDM vol. 3A 7.3): CALL to a TSS descriptor, INT
; through a task gate, and IRET back through the previous-task link; NT,
; the busy bits and the saved state of the outgoing task.
%include "lib.inc"
ROM_BEGIN

%define TSS2 (TSS_BASE + 0x100)

entry:
    PM_ENTER start
start:
    TASKS_LOAD task2
    ; Task gate for vector 42h.
    mov word [IDT_BASE + 0x42 * 8 + 2], SEL_TSS2
    mov word [IDT_BASE + 0x42 * 8 + 4], 0x8500
    mov dword [0x700], 0
    mov ebx, 0x1234
    call SEL_TSS2:0
    CHECK dword [0x700], 1, 'CALL to a TSS ran the task'
    CHECK ebx, 0x1234, 'registers of the calling task restored'
    CHECK dword [TSS_BASE + 0x34], 0x1234, 'EBX saved in the old TSS'
    mov eax, [ROM_BASE + gdt + SEL_TSS2 + 4]
    and eax, 0xf00
    CHECK eax, 0x900, 'returned task no longer busy'
    int 0x42
    CHECK dword [0x700], 2, 'INT through a task gate'
    str ax
    CHECK ax, SEL_TSS, 'TR after the return'
    PASS

task2:
    ; NT set, link = the caller's TSS, TR = ours, busy.
    pushfd
    pop eax
    test eax, 0x4000
    jz .bad
    mov ax, [TSS2]
    cmp ax, SEL_TSS
    jne .bad
    str ax
    cmp ax, SEL_TSS2
    jne .bad
    inc dword [0x700]
    mov ebx, 0x5555
    iretd
    jmp task2
.bad:
    FAIL 'state inside the called task'

GDT_TABLE
LIB_ROUTINES
ROM_END
