; SPDX-License-Identifier: GPL-2.0-or-later
; A far CALL from ring 3 through a 32-bit call gate with a parameter
; count to ring 0 code (SDM vol. 3A 5.8.5, 5.8.6): the stack switches to
; SS0:ESP0 from the TSS, the new stack holds the caller's SS and ESP, then
; the count of parameters copied from the caller's stack in the same
; order, then CS and EIP; RETF n returns to ring 3 and drops the
; parameters from the caller's stack.
%include "lib.inc"
ROM_BEGIN

%define USTACK 0x7000
%define KSTACK 0x9000
%define SEL_CGATE (SEL_TGATE | 3)       ; this test makes 0x68 a call gate

entry:
    PM_ENTER start
start:
    SET_GATE 13, fault_13, 0x8e00
    SET_GATE 0x80, back_to_ring0, 0xee00
    TSS_LOAD
    ; Call gate: DPL 3, 32-bit (type 0Ch), 2 parameters, to SEL_CODE0.
    mov eax, ROM_BASE + gate_target
    mov [ROM_BASE + gdt + SEL_TGATE], ax
    mov word [ROM_BASE + gdt + SEL_TGATE + 2], SEL_CODE0
    mov word [ROM_BASE + gdt + SEL_TGATE + 4], 0xec02
    shr eax, 16
    mov [ROM_BASE + gdt + SEL_TGATE + 6], ax

    EXPECT_FAULT done
    call to_ring3
    push dword 0x11111111
    push dword 0x22222222
    call SEL_CGATE:0
    mov [0x748], esp
    mov ax, cs
    mov [0x74c], ax
    int 0x80
done:
    CHECK dword [FAULT_VEC], 0x80, 'back from ring 3'
    CHECK dword [0x720], SEL_CODE3, 'gate: caller CS pushed'
    CHECK dword [0x730], 0x22222222, 'gate: parameter 1 copied'
    CHECK dword [0x734], 0x11111111, 'gate: parameter 2 copied'
    CHECK dword [0x738], USTACK - 8, 'gate: caller ESP pushed'
    CHECK dword [0x73c], SEL_DATA3, 'gate: caller SS pushed'
    CHECK dword [0x740], KSTACK - 24, 'gate: ESP from the TSS'
    CHECK dword [0x744], SEL_DATA0, 'gate: SS from the TSS'
    CHECK dword [0x748], USTACK, 'RETF 8 dropped the parameters'
    CHECK word [0x74c], SEL_CODE3, 'RETF back in ring 3'
    PASS

; Ring 0 through the gate: record the new stack, return with RETF 8.
gate_target:
    mov eax, [esp + 4]
    mov [0x720], eax
    mov eax, [esp + 8]
    mov [0x730], eax
    mov eax, [esp + 12]
    mov [0x734], eax
    mov eax, [esp + 16]
    mov [0x738], eax
    mov eax, [esp + 20]
    mov [0x73c], eax
    mov [0x740], esp
    mov [0x744], ss
    retf 8

TO_RING3_ROUTINE

BACK_TO_RING0_ROUTINE

FAULT_HANDLER 13, 1

GDT_TABLE
LIB_ROUTINES
ROM_END
