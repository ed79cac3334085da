; SPDX-License-Identifier: GPL-2.0-or-later
; Protected-mode segmentation faults and IDT delivery (SDM vol. 3A 5.3-5.6,
; 6.12-6.15): vectors, error codes (selector index forms), faulting EIP,
; limit checks, expand-down segments, not-present and read-only segments,
; #UD without an error code, #DE, software INT through a DPL 0 gate.
%include "lib.inc"
ROM_BEGIN

entry:
    PM_ENTER start
start:
    SET_GATE 0, fault_0, 0x8e00
    SET_GATE 6, fault_6, 0x8e00
    SET_GATE 11, fault_11, 0x8e00
    SET_GATE 12, fault_12, 0x8e00
    SET_GATE 13, fault_13, 0x8e00
    SET_GATE 0x40, int40, 0x8e00

    ; Selector beyond the GDT limit: #GP(selector).
    EXPECT_FAULT t1
    mov ax, 0x100
.f1: mov ds, ax
    FAIL 'no #GP for a selector past the GDT limit'
t1: CHECK dword [FAULT_VEC], 13, 'vector of bad selector'
    CHECK dword [FAULT_ERR], 0x100, 'error code of bad selector'
    CHECK dword [FAULT_EIP], ROM_BASE + start.f1, 'faulting EIP'

    ; Limit violation through a small segment: #GP(0).
    mov ax, SEL_SMALL
    mov fs, ax
    mov eax, [fs:0xffc]
    EXPECT_FAULT t2
    mov eax, [fs:0xffe]
    FAIL 'no #GP past the segment limit'
t2: CHECK dword [FAULT_VEC], 13, 'limit: vector'
    CHECK dword [FAULT_ERR], 0, 'limit: error code'

    ; A memory CMP and the Jcc after it run as one fused entry; a fault of
    ; the CMP is still reported at the CMP, before the branch.
    EXPECT_FAULT t2b
.f2b: cmp dword [fs:0xffe], 5
    jne t2b
    FAIL 'no #GP from a fused CMP past the segment limit'
t2b: CHECK dword [FAULT_VEC], 13, 'fused CMP: vector'
    CHECK dword [FAULT_EIP], ROM_BASE + t2.f2b, 'fused CMP: faulting EIP'

    ; Expand-down: offsets above the limit are valid, at or below fault.
    mov ax, SEL_EXPDN
    mov gs, ax
    mov eax, [gs:0x2000]
    EXPECT_FAULT t3
    mov eax, [gs:0x800]
    FAIL 'no #GP in an expand-down segment'
t3: CHECK dword [FAULT_VEC], 13, 'expand-down: vector'

    ; Not-present data segment: #NP(selector).
    EXPECT_FAULT t4
    mov ax, SEL_NP
    mov ds, ax
    FAIL 'no #NP'
t4: CHECK dword [FAULT_VEC], 11, 'not present: vector'
    CHECK dword [FAULT_ERR], SEL_NP, 'not present: error code'

    ; Read-only data segment: a write faults.
    mov ax, SEL_RO
    mov fs, ax
    mov eax, [fs:0x600]
    EXPECT_FAULT t5
    mov [fs:0x600], eax
    FAIL 'no #GP writing a read-only segment'
t5: CHECK dword [FAULT_VEC], 13, 'read-only: vector'
    CHECK dword [FAULT_ERR], 0, 'read-only: error code'

    ; Stack segment limit: #SS(0).
    EXPECT_FAULT t6
    mov ax, SEL_SSMALL
    mov ss, ax
    mov esp, 0x2002
    push eax
    FAIL 'no #SS'
t6: CHECK dword [FAULT_VEC], 12, 'stack limit: vector'
    CHECK dword [FAULT_ERR], 0, 'stack limit: error code'

    ; SS cannot be loaded with a read-only segment: #GP(selector).
    EXPECT_FAULT t7
    mov ax, SEL_RO
    mov ss, ax
    FAIL 'loaded SS with a read-only segment'
t7: CHECK dword [FAULT_ERR], SEL_RO, 'SS type check'

    ; #UD pushes no error code.
    EXPECT_FAULT t8
    ud2
t8: CHECK dword [FAULT_VEC], 6, '#UD vector'
    ; #DE.
    EXPECT_FAULT t9
    xor edx, edx
    xor ecx, ecx
    mov eax, 5
    div ecx
t9: CHECK dword [FAULT_VEC], 0, '#DE vector'

    ; INT n through an interrupt gate: IF cleared, flags restored.
    sti
    mov ebx, 0
    int 0x40
    CHECK ebx, 0x1234, 'INT 40h handler ran'
    pushfd
    pop eax
    test eax, 0x200
    jnz .if_ok
    FAIL 'IRET did not restore IF'
.if_ok:
    cli
    PASS

int40:
    pushfd
    pop eax
    test eax, 0x200
    jz .ok
    FAIL 'interrupt gate left IF set'
.ok:mov ebx, 0x1234
    iretd

FAULT_HANDLER 0, 0
FAULT_HANDLER 6, 0
FAULT_HANDLER 11, 1
FAULT_HANDLER 12, 1
FAULT_HANDLER 13, 1

GDT_TABLE
LIB_ROUTINES
ROM_END
