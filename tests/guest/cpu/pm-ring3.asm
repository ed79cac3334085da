; SPDX-License-Identifier: GPL-2.0-or-later
; Privilege levels (SDM vol. 3A 5.8, 6.12.1, 19.5): IRET to ring 3, INT
; from ring 3 through a DPL 3 gate with the stack switch from the TSS,
; #GP(vector*8+2) for a DPL 0 gate, #GP(0) for CLI and IN at CPL 3 with
; IOPL 0, and the I/O permission bitmap.
%include "lib.inc"
ROM_BEGIN

%define USTACK 0x7000
%define KSTACK 0x9000

entry:
    PM_ENTER start
start:
    SET_GATE 13, fault_13, 0x8e00
    SET_GATE 0x80, sys80, 0xee00
    SET_GATE 0x41, sys80, 0x8e00
    ; TSS: ESP0/SS0, I/O bitmap at 0x68 allowing port 0x80 only.
    mov edi, TSS_BASE
    mov ecx, 0x68 / 4 + 0x2000 / 4 + 1
    mov eax, 0
    rep stosd
    mov dword [TSS_BASE + 4], KSTACK
    mov dword [TSS_BASE + 8], SEL_DATA0
    mov word [TSS_BASE + 0x66], 0x68
    mov edi, TSS_BASE + 0x68
    mov ecx, 0x2000 / 4
    mov eax, 0xffffffff
    rep stosd
    mov byte [TSS_BASE + 0x68 + 0x80 / 8], 0xfe     ; port 0x80 allowed
    ; The TSS limit must cover the bitmap.
    mov word [ROM_BASE + gdt + SEL_TSS], 0x68 + 0x2000
    mov ax, SEL_TSS
    ltr ax

    EXPECT_FAULT t1
    call to_ring3
    cli                         ; CPL 3 > IOPL 0
    FAIL 'CLI at CPL 3'
t1: CHECK dword [FAULT_VEC], 13, 'CLI: vector'
    CHECK dword [FAULT_CS], SEL_CODE3, 'CLI: CS pushed'

    EXPECT_FAULT t2
    call to_ring3
    mov dword [0x700], 0
    int 0x80
    CHECK dword [0x700], 0x80, 'INT 80h from ring 3'
    CHECK esp, USTACK, 'user stack after IRET'
    mov ax, cs
    CHECK ax, SEL_CODE3, 'back in ring 3'
    in al, 0x80                 ; allowed by the bitmap
    in al, 0x81                 ; not allowed
    FAIL 'IN 81h at CPL 3 did not fault'
t2: CHECK dword [FAULT_VEC], 13, 'I/O bitmap: vector'
    CHECK dword [FAULT_ERR], 0, 'I/O bitmap: error code'

    EXPECT_FAULT t3
    call to_ring3
    int 0x41                    ; DPL 0 gate
t3: CHECK dword [FAULT_ERR], 0x41 * 8 + 2, 'DPL 0 gate: error code'
    PASS

TO_RING3_ROUTINE

sys80:
    mov ax, ss
    cmp ax, SEL_DATA0
    jne .bad
    cmp esp, KSTACK - 20
    jne .bad
    mov eax, [esp + 4]
    cmp eax, SEL_CODE3
    jne .bad
    mov dword [0x700], 0x80
    iretd
.bad:
    FAIL 'INT 80h: ring 0 stack frame'

FAULT_HANDLER 13, 1

GDT_TABLE
LIB_ROUTINES
ROM_END
