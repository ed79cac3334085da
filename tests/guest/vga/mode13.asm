; SPDX-License-Identifier: GPL-2.0-or-later
;
; Mode 13h (320x200, 256 colours, chain-4) set through INT 10h, a DAC
; palette loaded through ports 3C8h/3C9h (IBM VGA Technical Reference,
; "Video DAC Palette"), and a pattern written straight to A000h:
;
;   DAC entry i   = (i / 4, (i * 5) mod 64, (i XOR 2Ah) mod 64)   6-bit
;   pixel (x, y)  = (x + 3y) mod 256
;
; The program then reads DAC entry 200 back through 3C7h/3C9h and prints
; it as "DAC200=rr,gg,bb" (expected 32,28,22 in hex).
%include "lib.inc"

main:
    mov ax, 0x0013
    int 0x10

    mov dx, 0x3c8
    xor al, al
    out dx, al                  ; write index 0, auto-increment
    inc dx
    xor bx, bx
.dac:
    mov al, bl
    shr al, 2
    out dx, al                  ; red
    mov al, bl
    mov ah, 5
    mul ah
    and al, 63
    out dx, al                  ; green
    mov al, bl
    xor al, 0x2a
    and al, 63
    out dx, al                  ; blue
    inc bx
    cmp bx, 256
    jb .dac

    mov ax, 0xa000
    mov es, ax
    xor di, di
    xor bx, bx                  ; y
.row:
    mov ax, bx
    mov cx, 3
    mul cx                      ; ax = 3y
    xor cx, cx                  ; x
.px:
    stosb                       ; al = (x + 3y) mod 256
    inc al
    inc cx
    cmp cx, 320
    jb .px
    inc bx
    cmp bx, 200
    jb .row

    mov dx, 0x3c7
    mov al, 200
    out dx, al                  ; read index 200
    mov dx, 0x3c9
    mov si, msg_dac
    call puts
    in al, dx
    call puthex8
    mov si, msg_comma
    call puts
    in al, dx
    call puthex8
    mov si, msg_comma
    call puts
    in al, dx
    call puthex8
    mov si, msg_nl
    call puts
    jmp ready

msg_dac:   db "DAC200=", 0
msg_comma: db ",", 0
msg_nl:    db 10, 0

    PROGRAM_END
