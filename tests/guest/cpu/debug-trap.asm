; SPDX-License-Identifier: GPL-2.0-or-later
; Debug traps around control transfers (SDM vol. 3B 17.3.1.4, 17.3.1.5):
; with EFLAGS.TF set, INT n enters its handler with TF clear and no
; single-step trap is reported for the INT itself (the next trap follows
; the instruction after it); MOV SS and POP SS hold their trap until after
; the next instruction (vol. 3A 6.8.3); a task switch to a TSS whose T flag is set
; traps before the new task's first instruction with DR6.BT.
%include "lib.inc"
ROM_BEGIN

%define COUNT 0x600             ; #DB traps taken
%define EIPS  0x610             ; return EIP of each (8 kept)
%define DR6S  0x640             ; DR6 at each
%define TSS2 (TSS_BASE + 0x100)

entry:
    PM_ENTER start
start:
    SET_GATE 1, db_handler, 0x8e00
    SET_GATE 0x40, int40, 0x8e00
    xor eax, eax
    mov dr6, eax

    ; TF across INT 40h.
    mov dword [COUNT], 0
    mov dword [0x700], 0
    pushfd
    or dword [esp], 0x100
    popfd
.a: nop
.b: int 0x40
.c: nop
.d: pushfd
    and dword [esp], ~0x100
    popfd
    CHECK dword [0x700], 1, 'INT 40h ran its handler'
    CHECK dword [0x704], 0, 'the handler ran with TF clear'
    CHECK dword [EIPS], ROM_BASE + start.b, 'trap after the NOP'
    CHECK dword [EIPS + 4], ROM_BASE + start.d, 'next trap after the INT'
    ; ... pushfd, and, popfd: three more.
    CHECK dword [COUNT], 5, 'single-step trap count around INT n'

    ; MOV SS and POP SS hold their single-step traps one instruction.
    mov dword [COUNT], 0
    pushfd
    or dword [esp], 0x100
    popfd
    mov ax, ss
ss_m:
    mov ss, ax
    nop
ss_o:
    push ss
ss_p:
    pop ss
    nop
ss_r:
    pushfd
    and dword [esp], ~0x100
    popfd
    CHECK dword [EIPS], ROM_BASE + ss_m, 'trap after MOV AX, SS'
    CHECK dword [EIPS + 4], ROM_BASE + ss_o, 'MOV SS: trap after the next'
    CHECK dword [EIPS + 8], ROM_BASE + ss_p, 'trap after PUSH SS'
    CHECK dword [EIPS + 12], ROM_BASE + ss_r, 'POP SS: trap after the next'
    CHECK dword [COUNT], 7, 'single-step traps around MOV/POP SS'

    ; The T flag: CALL to a TSS with T = 1.
    TASKS_LOAD task2
    mov word [TSS2 + 0x64], 1   ; T
    mov dword [COUNT], 0
    call SEL_TSS2:0
    CHECK dword [0x700], 2, 'the called task ran'
    CHECK dword [COUNT], 1, 'one trap: none on the IRET back (T = 0)'
    CHECK dword [EIPS], ROM_BASE + task2, 'trap before the first insn'
    mov eax, [DR6S]
    and eax, 0xe00f
    CHECK eax, 0x8000, 'DR6.BT'
    PASS

task2:
    inc dword [0x700]
    iretd
    jmp task2

int40:
    inc dword [0x700]
    pushfd
    pop eax
    and eax, 0x100
    mov [0x704], eax
    iretd

DB_RECORD_HANDLER 0

GDT_TABLE
LIB_ROUTINES
ROM_END
