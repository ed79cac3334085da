; SPDX-License-Identifier: GPL-2.0-or-later
;
; The 80x25 text screen SeaBIOS left (its banner and "Booting from Hard
; Disk..."), plus two rows written through INT 10h AH=09h: row 12 has
; 'A'..'P' in all 16 foreground colours over 8 backgrounds, row 13 the
; block and line-drawing characters B0h-DFh (C0h-DFh repeat their eighth
; dot in the ninth column; IBM VGA Technical Reference, attribute mode
; control AR10 bit 2).  The cursor is hidden (INT 10h AH=01h, CX=2000h) so
; the picture does not blink.
;
; The program then prints on the debug console, raw:
;   "TEXT:"  4000 bytes of character/attribute pairs from B800:0000
;   "AR10:"  the attribute mode control register
;   "FONT:"  256 x 16 bytes, the first 16 rows of each glyph of font
;            block 0, read from plane 2 (sequencer memory mode 07h,
;            graphics read map 2, mode 00h, misc 04h, then restored)
; and the test draws the expected screen from exactly these bytes.
%include "lib.inc"

main:
    mov ah, 0x01
    mov cx, 0x2000
    int 0x10                    ; cursor off
    mov si, row12
    mov dx, 0x0c00              ; row 12, column 0
    mov cx, 16
    call write_cells
    mov si, row13
    mov dx, 0x0d00
    mov cx, 48
    call write_cells

    mov si, msg_text
    call puts
    mov ax, 0xb800
    mov cx, 4000
    call dump_seg

    mov si, msg_ar10
    call puts
    mov dx, 0x3da
    mov al, 0x10
    call put_attr

    mov si, msg_font
    call puts
    xor ax, ax
    call dump_font
    mov si, msg_nl
    call puts
    jmp ready

; write_cells: CX (char, attr) pairs at DS:SI from row DH, column DL.
write_cells:
    push cx
    mov ah, 0x02
    xor bh, bh
    int 0x10                    ; cursor position
    lodsw                       ; al = char, ah = attr
    mov bl, ah
    mov ah, 0x09
    mov cx, 1
    int 0x10
    inc dl
    pop cx
    loop write_cells
    ret

row12:
%assign i 0
%rep 16
    db 'A' + i, i | (((i + 3) & 7) << 4)
%assign i i + 1
%endrep
row13:
%assign i 0
%rep 48
    db 0xb0 + i, 0x1e ^ ((i & 1) * 0x5b)
%assign i i + 1
%endrep

msg_text: db "TEXT:", 0
msg_ar10: db "AR10:", 0
msg_font: db "FONT:", 0
msg_nl:   db 10, 0

    PROGRAM_END
