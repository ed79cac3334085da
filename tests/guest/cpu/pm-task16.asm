; SPDX-License-Identifier: GPL-2.0-or-later
; Task switches through 16-bit TSSs (SDM vol. 3A 7.6, the 80286 format):
; LTR of a 16-bit TSS, CALL to another 16-bit TSS (the new task's IP,
; FLAGS, general and segment registers loaded, NT set, the back link
; written, both busy), IRET back (the caller's registers restored from its
; TSS, the callee's state saved in its own, its busy bit cleared).  Both
; tasks run in a 32-bit code segment based at the ROM so that their EIPs
; fit the 16-bit IP field.
%include "lib.inc"
ROM_BEGIN

%define NGDT    0x4000          ; the GDT, copied to RAM and extended
%define SEL_CF  0x70            ; 32-bit code, base ROM_BASE, limit 64 KiB
%define SEL_TA  0x78            ; 16-bit TSS of task A
%define SEL_TB  0x80            ; 16-bit TSS of task B
%define TSSA    0x5000
%define TSSB    0x5100

entry:
    PM_ENTER start
start:
    ; Copy the GDT to RAM and append the three descriptors.
    mov esi, ROM_BASE + gdt
    mov edi, NGDT
    mov ecx, SEL_CF
    rep movsb
    mov dword [NGDT + SEL_CF], 0x0000ffff
    mov dword [NGDT + SEL_CF + 4], 0x004f9a0f   ; base 0xf0000, D = 1
    mov dword [NGDT + SEL_TA], (TSSA << 16) | 0x2b
    mov dword [NGDT + SEL_TA + 4], 0x00008100   ; P, type 1
    mov dword [NGDT + SEL_TB], (TSSB << 16) | 0x2b
    mov dword [NGDT + SEL_TB + 4], 0x00008100
    mov word [0x600], SEL_TB + 7
    mov dword [0x602], NGDT
    lgdt [0x600]
    ; Task B's initial state.
    mov edi, TSSA
    mov ecx, 0x200 / 4
    xor eax, eax
    rep stosd
    mov word [TSSB + 0x0e], task_b  ; IP
    mov word [TSSB + 0x10], 0x0002  ; FLAGS
    mov word [TSSB + 0x12], 0x1234  ; AX
    mov word [TSSB + 0x18], 0x5678  ; BX
    mov word [TSSB + 0x1a], 0x6000  ; SP
    mov word [TSSB + 0x22], SEL_DATA0   ; ES
    mov word [TSSB + 0x24], SEL_CF      ; CS
    mov word [TSSB + 0x26], SEL_DATA0   ; SS
    mov word [TSSB + 0x28], SEL_DATA0   ; DS
    mov ax, SEL_TA
    ltr ax
    str ax
    CHECK ax, SEL_TA, 'LTR of a 16-bit TSS'
    jmp SEL_CF:in_cf
in_cf:
    mov ecx, 0xabcd
    mov edx, 0x1111
    call SEL_TB:0
after_call:
    CHECK cx, 0xabcd, 'caller CX restored'
    CHECK dx, 0x1111, 'caller DX restored'
    CHECK word [0x700], 0x1234, 'task B started with its AX'
    CHECK word [0x702], 0x5678, 'task B started with its BX'
    CHECK word [0x704], SEL_CF, 'task B CS'
    CHECK word [0x706], 0x4002, 'task B FLAGS: NT set'
    CHECK word [0x708], SEL_TA, 'task B saw the back link'
    CHECK word [0x70a], 0x8300, 'task B saw itself busy'
    CHECK word [TSSB + 0x0e], task_b.after_iret, 'B saved its IP'
    CHECK word [TSSB + 0x12], 0x4321, 'B saved its AX'
    mov eax, [NGDT + SEL_TB + 4]
    and eax, 0xf00
    CHECK eax, 0x100, 'B not busy after IRET'
    mov eax, [NGDT + SEL_TA + 4]
    and eax, 0xf00
    CHECK eax, 0x300, 'A busy'
    pushfd
    pop eax
    and eax, 0x4000
    CHECK eax, 0, 'NT clear in A'
    PASS

task_b:
    mov [0x700], ax
    mov [0x702], bx
    mov [0x704], cs
    pushf
    pop word [0x706]
    mov ax, [TSSB]
    mov [0x708], ax
    mov ax, [NGDT + SEL_TB + 4]
    mov [0x70a], ax
    mov ax, 0x4321
    iret
.after_iret:
    FAIL 'task B resumed'

GDT_TABLE
LIB_ROUTINES
ROM_END
