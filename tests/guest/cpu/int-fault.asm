; SPDX-License-Identifier: GPL-2.0-or-later
; INT n, INT3 and INTO that fault on their gate (SDM vol. 3A 6.5, 6.12.1.1,
; 6.13): a gate DPL below the CPL gives #GP(vector * 8 + 2), a not-present
; gate #NP(vector * 8 + 2), a vector past the real-mode IVT limit #GP; all
; are faults, so the pushed return address is the INT instruction itself,
; while a delivered INT n pushes the address of the next instruction.
%include "lib.inc"
ROM_BEGIN

%define USTACK 0x7000
%define KSTACK 0x9000
%define R_IP   0x600            ; real-mode #GP: return IP and count
%define R_CNT  0x602
%define OK_EIP 0x604            ; INT 42h handler: return EIP

entry:
    ; Real mode: the IVT limit covers vectors 0..15 only.
    xor ax, ax
    mov ds, ax
    mov ss, ax
    mov sp, 0x7000
    mov word [13 * 4], real_gp
    mov word [13 * 4 + 2], 0xf000
    mov word [R_CNT], 0
    lidt [cs:small_ivt]
r_int:
    int 0x20
    CHECK word [R_CNT], 1, 'real mode: #GP past the IVT limit'
    CHECK word [R_IP], r_int, 'real mode: #GP reports the INT'
    lidt [cs:full_ivt]

    PM_ENTER start
start:
    SET_GATE 11, fault_11, 0x8e00
    SET_GATE 13, fault_13, 0x8e00
    SET_GATE 3, ok_handler, 0x8e00      ; DPL 0: INT3 from ring 3 faults
    SET_GATE 4, ok_handler, 0x8e00      ; DPL 0: INTO from ring 3 faults
    SET_GATE 0x40, ok_handler, 0x8e00   ; DPL 0
    SET_GATE 0x41, ok_handler, 0x0e00   ; not present
    SET_GATE 0x42, ok_handler, 0xee00   ; DPL 3

    TSS_LOAD

    ; Delivered: the return address is after the INT.
    int 0x42
at_next:
    CHECK dword [OK_EIP], ROM_BASE + at_next, 'INT 42h pushes the next EIP'

    ; Not-present gate at CPL 0: #NP at the INT.
    EXPECT_FAULT t1
at_np:
    int 0x41
    FAIL 'INT 41h through a not-present gate'
t1: CHECK dword [FAULT_VEC], 11, 'not-present gate: vector'
    CHECK dword [FAULT_ERR], 0x41 * 8 + 2, 'not-present gate: error code'
    CHECK dword [FAULT_EIP], ROM_BASE + at_np, '#NP reports the INT'

    ; Gate DPL 0 from ring 3: #GP at the INT.
    EXPECT_FAULT t2
    call to_ring3
at_gp:
    int 0x40
    FAIL 'INT 40h from ring 3 through a DPL 0 gate'
t2: CHECK dword [FAULT_VEC], 13, 'DPL check: vector'
    CHECK dword [FAULT_ERR], 0x40 * 8 + 2, 'DPL check: error code'
    CHECK dword [FAULT_EIP], ROM_BASE + at_gp, '#GP reports the INT'
    CHECK dword [FAULT_CS], SEL_CODE3, '#GP reports ring 3 CS'

    EXPECT_FAULT t3
    call to_ring3
at_int3:
    int3
    FAIL 'INT3 from ring 3 through a DPL 0 gate'
t3: CHECK dword [FAULT_VEC], 13, 'INT3 DPL check: vector'
    CHECK dword [FAULT_ERR], 3 * 8 + 2, 'INT3 DPL check: error code'
    CHECK dword [FAULT_EIP], ROM_BASE + at_int3, '#GP reports the INT3'

    EXPECT_FAULT t4
    call to_ring3
    mov al, 0x7f
    add al, 1                   ; OF = 1
at_into:
    into
    FAIL 'INTO from ring 3 through a DPL 0 gate'
t4: CHECK dword [FAULT_VEC], 13, 'INTO DPL check: vector'
    CHECK dword [FAULT_ERR], 4 * 8 + 2, 'INTO DPL check: error code'
    CHECK dword [FAULT_EIP], ROM_BASE + at_into, '#GP reports the INTO'

    ; A delivered INT 42h from ring 3 still returns after it.
    mov dword [OK_EIP], 0
    EXPECT_FAULT t5
    call to_ring3
    int 0x42
at_next3:
    cli                         ; CPL 3 > IOPL: #GP back to ring 0
t5: CHECK dword [OK_EIP], ROM_BASE + at_next3, 'ring 3 INT 42h: next EIP'
    CHECK dword [FAULT_EIP], ROM_BASE + at_next3, 'then #GP at the CLI'
    PASS

; Record the return EIP and return.
ok_handler:
    push eax
    mov eax, [esp + 4]
    mov [ss:OK_EIP], eax
    pop eax
    iretd

TO_RING3_ROUTINE

FAULT_HANDLER 11, 1
FAULT_HANDLER 13, 1

    bits 16
real_gp:
    pop ax
    mov [R_IP], ax
    inc word [R_CNT]
    add ax, 2                   ; skip the INT imm8
    push ax
    iret

small_ivt:
    dw 16 * 4 - 1
    dd 0
full_ivt:
    dw 0x3ff
    dd 0

GDT_TABLE
LIB_ROUTINES
ROM_END
