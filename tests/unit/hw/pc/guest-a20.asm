; SPDX-License-Identifier: GPL-2.0-or-later
;
; A 64 KiB firmware image (-bios) that checks the PC's A20 gate with the
; real CPU in real mode: FFFF:0510 is physical 0x100500 while A20 is on,
; and wraps to 0x000500 once both gates (port 0x92 bit 1 and the i8042
; output port bit 1) are off, in real mode and in flat protected mode.
; Each passed step prints a letter on port 0xe9:
;   O  A20 on at reset: a write to FFFF:0510 leaves 0:0500 alone
;   K  the keyboard controller alone (D1h) still keeps A20 on (OR)
;   W  both gates off: FFFF:0510 is 0:0500 (and reads wrap too)
;   P  in 32-bit protected mode, 0x100500 is 0x000500 while A20 is off
;   E  port 0x92 bit 1 set again: no more wrap (still in protected mode)
; then exits through isa-debug-exit at 0xf4 with 0 (status 1); a failed
; step exits with 1 (status 3).

bits 16
org 0

%include "bios64k.inc"

start:
    cli
    xor ax, ax
    mov ds, ax
    mov ax, 0xffff
    mov es, ax
    ; O
    mov byte [0x500], 0x11
    mov byte [es:0x510], 0x22
    cmp byte [0x500], 0x11
    jne fail
    cmp byte [es:0x510], 0x22
    jne fail
    mov al, 'O'
    out 0xe9, al
    ; K: i8042 output port with A20 low (reset line kept high); port 0x92
    ; still has A20 on.
    call kbc_wait
    mov al, 0xd1
    out 0x64, al
    call kbc_wait
    mov al, 0x01
    out 0x60, al
    call kbc_wait
    mov byte [es:0x510], 0x33
    cmp byte [0x500], 0x11
    jne fail
    mov al, 'K'
    out 0xe9, al
    ; W: fast A20 off too.
    mov al, 0
    out 0x92, al
    mov byte [es:0x510], 0x44
    cmp byte [0x500], 0x44
    jne fail
    mov byte [0x501], 0x55
    cmp byte [es:0x511], 0x55
    jne fail
    mov al, 'W'
    out 0xe9, al
    ; P: the same in flat protected mode.
    BIOS_PM_ENTER pm32
pm32:
    mov byte [0x100500], 0x66
    cmp byte [0x500], 0x66
    jne fail32
    mov al, 'P'
    out 0xe9, al
    ; E: fast A20 on again.
    mov al, 2
    out 0x92, al
    mov byte [0x100500], 0x77
    cmp byte [0x500], 0x66
    jne fail32
    cmp byte [0x100500], 0x77
    jne fail32
    mov al, 'E'
    out 0xe9, al
    mov al, 0
    out 0xf4, al
.stop:
    hlt
    jmp .stop
bits 16

fail:
    mov al, 'X'
    out 0xe9, al
    mov al, 1
    out 0xf4, al
    jmp fail

bits 32
fail32:
    mov al, 'X'
    out 0xe9, al
    mov al, 1
    out 0xf4, al
    jmp fail32
bits 16

; Wait until the i8042 input buffer is empty.
kbc_wait:
    in al, 0x64
    test al, 2
    jnz kbc_wait
    ret

BIOS_GDT
BIOS_RESET_VECTOR
