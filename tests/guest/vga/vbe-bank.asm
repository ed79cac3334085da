; SPDX-License-Identifier: GPL-2.0-or-later
;
; A Bochs VBE mode without the linear framebuffer: 640x480 at 8 bpp with
; an 8-bit DAC (DISPI ENABLE = 01h | 20h), drawn in real mode through the
; 64 KiB window at A000h, one bank (DISPI index 5) at a time.  DAC entry
; i (8 bits per component) = (i, 255 - i, 3i mod 256); pixel (x, y) =
; (x + 2y) mod 256, the framebuffer being 640 bytes per line.
%include "lib.inc"

%macro DISPI_W 2
    mov dx, 0x1ce
    mov ax, %1
    out dx, ax
    inc dx
    mov ax, %2
    out dx, ax
%endmacro

main:
    DISPI_W 4, 0
    DISPI_W 1, 640
    DISPI_W 2, 480
    DISPI_W 3, 8
    DISPI_W 4, 0x21             ; enabled, 8-bit DAC, banked window

    mov dx, 0x3c8
    xor al, al
    out dx, al
    inc dx
    xor bx, bx
.dac:
    mov al, bl
    out dx, al
    not al
    out dx, al
    mov al, bl
    mov ah, 3
    mul ah
    out dx, al
    inc bx
    cmp bx, 256
    jb .dac

    mov ax, 0xa000
    mov es, ax
    xor si, si                  ; bank
    xor cx, cx                  ; x
    xor bx, bx                  ; y
.bank:
    DISPI_W 5, si
    xor di, di
.px:
    mov ax, bx
    shl ax, 1
    add ax, cx
    stosb
    inc cx
    cmp cx, 640
    jb .same_line
    xor cx, cx
    inc bx
    cmp bx, 480
    jae .done
.same_line:
    test di, di
    jnz .px
    inc si
    jmp .bank
.done:
    jmp ready

    PROGRAM_END
