; SPDX-License-Identifier: GPL-2.0-or-later
; Real-address mode basics: reset state (SDM vol. 3A table 9-1), 16- and
; 32-bit arithmetic with prefixes, flags from the SDM definitions, the
; stack, near/far calls, BCD, MUL/DIV, addressing modes with segments.
%include "lib.inc"
ROM_BEGIN

entry:
    ; Reset state: CS = F000, flags = 2, CR0 = 60000010h.
    pushf
    pop dx
    mov bx, cs
    CHECK bx, 0xf000, 'CS after reset'
    CHECK dx, 0x0002, 'FLAGS after reset'
    mov ebx, cr0
    CHECK ebx, 0x60000010, 'CR0 after reset'
    xor ax, ax
    mov ss, ax
    mov sp, 0x7000
    mov ds, ax
    mov es, ax

    ; ADD: 0xffff + 1 = 0 with CF ZF AF PF set (SDM "ADD", 3.4.3.1).
    mov ax, 0xffff
    add ax, 1
    pushf
    pop bx
    and bx, 0x8d5
    CHECK bx, 0x55, 'ADD flags'
    CHECK ax, 0, 'ADD result'
    ; SUB: 0x8000 - 1 = 0x7fff sets OF AF, clears CF SF ZF; PF (0xff) set.
    mov ax, 0x8000
    sub ax, 1
    pushf
    pop bx
    and bx, 0x8d5
    CHECK bx, 0x814, 'SUB flags'
    ; 32-bit operand prefix in real mode.
    mov eax, 0x12345678
    add eax, 0x0fedcba8
    CHECK eax, 0x22222220, 'ADD 32'
    ; ADC chain, 64-bit sum in EDX:EAX.
    mov eax, 0xffffffff
    mov edx, 1
    add eax, 2
    adc edx, 0
    CHECK eax, 1, 'ADC low'
    CHECK edx, 2, 'ADC high'
    ; MUL / DIV.
    mov ax, 300
    mov cx, 300
    mul cx
    CHECK dx, 1, 'MUL high'
    CHECK ax, 0x5f90, 'MUL low'
    div cx
    CHECK ax, 300, 'DIV quotient'
    CHECK dx, 0, 'DIV remainder'
    mov ax, -7
    cwd
    mov cx, 2
    idiv cx
    CHECK ax, -3, 'IDIV quotient'
    CHECK dx, -1, 'IDIV remainder'
    ; Memory operands and segment overrides.
    mov word [0x500], 0x1234
    mov ax, 0x50
    mov fs, ax
    mov bx, 0
    CHECK word [fs:bx], 0x1234, 'FS override'
    mov bx, 0x4f0
    mov di, 0x10
    CHECK word [bx+di], 0x1234, 'base+index'
    mov bp, 0x500
    CHECK word [bp], 0x1234, 'BP uses SS'
    mov ebx, 0x100
    CHECK word [ebx*4+0x100], 0x1234, "32-bit SIB address"
    ; Stack, call and return.
    call near sub1
    CHECK ax, 0xbeef, 'near call'
    call 0xf000:sub2
    CHECK ax, 0xcafe, 'far call'
    push word 0x55aa
    pop cx
    CHECK cx, 0x55aa, 'push imm'
    ; BCD: 0x79 + 0x35 = 0x114 (DAA gives AL = 0x14, CF = 1).
    mov al, 0x79
    add al, 0x35
    daa
    setc dl
    CHECK al, 0x14, 'DAA'
    CHECK dl, 1, 'DAA carry'
    ; Shifts and rotates.
    mov ax, 0x8001
    rol ax, 1
    setc dl
    CHECK ax, 0x0003, 'ROL'
    CHECK dl, 1, 'ROL carry'
    mov eax, 0x80000000
    sar eax, 31
    CHECK eax, 0xffffffff, 'SAR'
    ; Bit scan.
    mov ecx, 0x00100000
    bsf edx, ecx
    CHECK edx, 20, 'BSF'
    ; LOOP.
    mov cx, 10
    xor ax, ax
.loop:
    add ax, cx
    loop .loop
    CHECK ax, 55, 'LOOP sum'
    PASS

sub1:
    mov ax, 0xbeef
    ret
sub2:
    mov ax, 0xcafe
    retf

LIB_ROUTINES
ROM_END
