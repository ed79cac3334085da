; SPDX-License-Identifier: GPL-2.0-or-later
;
; Monochrome text, mode 07h: the CRT controller at 3B4h/3B5h, input
; status at 3BAh, the text at B000h, and underlined characters: with
; foreground 1 and background 0 (attribute AND 77h = 01h) the scanline
; the underline location register (CR14) names is drawn in the
; foreground colour (IBM VGA Technical Reference, CR14; MDA attributes).
; Row 0 shows "PLIMSOLL" in each of normal (07h), bright (0Fh), reverse
; (70h), underline (01h), bright underline (09h) and invisible (00h);
; CR14 is set to 0Eh first (the VGA BIOS leaves 1Fh: no underline).
;
; Dumped raw on the debug console: "TEXT:" 4000 bytes from B000:0000,
; "AR:" AR00-AR14 (21 bytes), "CR14:" 1, "DAC:" 768 bytes, "FONT:" 256 x
; 16 bytes from plane 2 (as text.asm reads it).
%include "lib.inc"

main:
    mov ax, 0x0007
    int 0x10
    mov ah, 0x01
    mov cx, 0x2000
    int 0x10                    ; cursor off
    mov dx, 0x3b4               ; the VGA BIOS leaves CR14 at 1Fh, below
    mov ax, 0x0e14              ; the 16-line cell: underline on line 14
    out dx, ax

    xor di, di                  ; column
    mov si, attrs
.word:
    lodsb
    mov bl, al
    mov bp, word_text
.char:
    mov al, [bp]
    test al, al
    jz .next_word
    mov ah, 0x02
    xor bh, bh
    mov dx, di
    int 0x10
    mov ah, 0x09
    mov cx, 1
    int 0x10
    inc bp
    inc di
    jmp .char
.next_word:
    inc di
    cmp si, attrs_end
    jb .word

    mov si, msg_text
    call puts
    mov ax, 0xb000
    mov cx, 4000
    call dump_seg

    mov si, msg_ar
    call puts
    xor bl, bl
.ar:
    mov dx, 0x3ba               ; input status at the mono address
    mov al, bl
    call put_attr
    inc bl
    cmp bl, 21
    jb .ar

    mov si, msg_cr14
    call puts
    mov dx, 0x3b4
    mov al, 0x14
    out dx, al
    inc dx
    in al, dx
    mov dx, PORT_CON
    out dx, al

    mov si, msg_dac
    call puts
    mov dx, 0x3c7
    xor al, al
    out dx, al
    mov cx, 768
.dac:
    mov dx, 0x3c9
    in al, dx
    mov dx, PORT_CON
    out dx, al
    loop .dac

    mov si, msg_font
    call puts
    xor ax, ax
    call dump_font
    mov si, msg_nl
    call puts
    jmp ready

attrs:     db 0x07, 0x0f, 0x70, 0x01, 0x09, 0x00
attrs_end:
word_text: db "PLIMSOLL", 0
msg_text:  db "TEXT:", 0
msg_ar:    db "AR:", 0
msg_cr14:  db "CR14:", 0
msg_dac:   db "DAC:", 0
msg_font:  db "FONT:", 0
msg_nl:    db 10, 0

    PROGRAM_END
