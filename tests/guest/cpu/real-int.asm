; SPDX-License-Identifier: GPL-2.0-or-later
; Real-address mode interrupts (SDM vol. 3A 20.1.4): INT n through the
; IVT pushes FLAGS, CS, IP and clears IF and TF; IRET restores them; #DE
; returns to the faulting DIV (a fault), INT3/INTO are traps; the test
; interrupt source (port 0xe0) delivers through the INTR line only with
; IF set, after the STI shadow.
%include "lib.inc"
ROM_BEGIN

entry:
    xor ax, ax
    mov ds, ax
    mov ss, ax
    mov sp, 0x7000
    mov word [0x30 * 4], int30
    mov word [0x30 * 4 + 2], 0xf000
    mov word [0 * 4], de_handler
    mov word [0 * 4 + 2], 0xf000
    mov word [0x50 * 4], irq50
    mov word [0x50 * 4 + 2], 0xf000
    sti
    mov bx, 0
    int 0x30
    CHECK bx, 0x4321, 'INT 30h handler'
    CHECK sp, 0x7000, 'stack after IRET'
    pushf
    pop ax
    test ax, 0x200
    jnz .ok1
    FAIL 'IF not restored by IRET'
.ok1:
    ; #DE is a fault: the handler sees the DIV's address and skips it.
    mov word [0x600], 0
    xor dx, dx
    mov ax, 10
    xor cx, cx
.div: div cx
    CHECK word [0x600], 1, '#DE handler count'
    CHECK word [0x602], .div, '#DE return IP is the DIV'
    ; External interrupt through INTR (port 0xe0, vector 50h).
    cli
    mov word [0x604], 0
    mov al, 0x50
    out 0xe0, al
    nop
    nop
    CHECK word [0x604], 0, 'INTR taken with IF clear'
    sti
    nop
    CHECK word [0x604], 1, 'INTR not taken after STI'
    PASS

int30:
    pushf
    pop ax
    test ax, 0x200
    jz .ok
    FAIL 'INT left IF set'
.ok:mov bx, 0x4321
    iret

de_handler:
    inc word [0x600]
    push bp
    mov bp, sp
    mov ax, [bp + 2]
    mov [0x602], ax
    add word [bp + 2], 2        ; skip "div cx" (2 bytes)
    pop bp
    iret

irq50:
    inc word [0x604]
    iret

LIB_ROUTINES
ROM_END
