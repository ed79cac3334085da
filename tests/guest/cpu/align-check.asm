; SPDX-License-Identifier: GPL-2.0-or-later
; Alignment checking (SDM vol. 3A 2.5 CR0.AM, 6.15 "Interrupt 17 -
; Alignment Check Exception (#AC)"): at CPL 3 with CR0.AM and EFLAGS.AC
; set, a misaligned word, doubleword or quadword data access (load, store,
; read-modify-write, locked, stack) is #AC(0) at the instruction; aligned
; and byte accesses are not, nor is anything with AM or AC clear or at
; CPL 0.
%include "lib.inc"
ROM_BEGIN

%define USTACK 0x7000
%define KSTACK 0x9000
%define BUF    0x2000

; RING3_TRY label, EFLAGS: go to ring 3 with these flags; a fault lands at
; label (the handler stores the vector).
%macro RING3_TRY 2
    EXPECT_FAULT %1
    mov edx, %2
    call to_ring3
%endmacro

%macro EXPECT_AC 1              ; EXPECT_AC 'what'
    CHECK dword [FAULT_VEC], 17, %1
    CHECK dword [FAULT_ERR], 0, 'error code 0'
%endmacro

entry:
    PM_ENTER start
start:
    SET_GATE 13, fault_13, 0x8e00
    SET_GATE 17, fault_17, 0x8e00
    SET_GATE 0x80, back_to_ring0, 0xee00
    TSS_LOAD

    ; CR0.AM clear: no #AC even with EFLAGS.AC at CPL 3.
    RING3_TRY t0, 0x40002
    mov eax, [BUF + 1]
    int 0x80
t0: CHECK dword [FAULT_VEC], 0x80, 'no #AC with CR0.AM clear'

    mov eax, cr0
    or eax, 1 << 18             ; CR0.AM
    mov cr0, eax
    ; CPL 0 with AC set: no #AC.
    pushfd
    or dword [esp], 0x40000
    popfd
    mov eax, [BUF + 1]
    mov [BUF + 3], eax
    pushfd
    and dword [esp], ~0x40000
    popfd

    ; CPL 3, AC clear: no #AC.
    RING3_TRY t1, 0x00002
    mov eax, [BUF + 1]
    int 0x80
t1: CHECK dword [FAULT_VEC], 0x80, 'no #AC with EFLAGS.AC clear'

    ; CPL 3, AC set: aligned and byte accesses are fine ...
    RING3_TRY t2, 0x40002
    mov eax, [BUF + 4]
    mov ax, [BUF + 2]
    mov al, [BUF + 3]
    mov [BUF + 5], al
    int 0x80
t2: CHECK dword [FAULT_VEC], 0x80, 'aligned accesses at CPL 3 with AC'

    ; ... a misaligned load is #AC at the instruction ...
    RING3_TRY t3, 0x40002
ac_load:
    mov eax, [BUF + 2]
    int 0x80
t3: EXPECT_AC 'misaligned dword load'
    CHECK dword [FAULT_EIP], ROM_BASE + ac_load, '#AC is a fault'
    CHECK dword [FAULT_CS], SEL_CODE3, '#AC from ring 3'

    RING3_TRY t4, 0x40002
    mov word [BUF + 1], 5
    int 0x80
t4: EXPECT_AC 'misaligned word store'
    CHECK word [BUF + 1], 0, 'the faulting store did not happen'

    RING3_TRY t5, 0x40002
    add [BUF + 6], eax
    int 0x80
t5: EXPECT_AC 'misaligned read-modify-write'

    RING3_TRY t6, 0x40002
    lock inc dword [BUF + 9]
    int 0x80
t6: EXPECT_AC 'misaligned locked increment'

    RING3_TRY t7, 0x40002
    sub esp, 2
    push eax
    int 0x80
t7: EXPECT_AC 'push to a misaligned stack'

    RING3_TRY t8, 0x40002
    movq mm0, [BUF + 4]
    int 0x80
t8: EXPECT_AC 'misaligned MMX quadword load'
    PASS

TO_RING3_ROUTINE edx             ; EFLAGS = EDX

BACK_TO_RING0_ROUTINE

FAULT_HANDLER 13, 1
FAULT_HANDLER 17, 1

GDT_TABLE
LIB_ROUTINES
ROM_END
