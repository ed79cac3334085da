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

%macro GETREG 3                 ; %3 := register %2 at index port %1
    mov dx, %1
    mov al, %2
    out dx, al
    inc dx
    in al, dx
    mov %3, al
%endmacro

%macro SETREG 3                 ; register %2 at index port %1 := %3
    mov dx, %1
    mov al, %2
    mov ah, %3
    out dx, ax
%endmacro

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
    push ds
    mov ax, 0xb800
    mov ds, ax
    xor si, si
    mov cx, 4000
    call dump
    pop ds

    mov si, msg_ar10
    call puts
    mov dx, 0x3da
    in al, dx                   ; attribute flip-flop to index
    mov dx, 0x3c0
    mov al, 0x30                ; AR10, palette address source kept on
    out dx, al
    inc dx
    in al, dx
    mov dx, PORT_CON
    out dx, al
    mov dx, 0x3da
    in al, dx
    mov dx, 0x3c0
    mov al, 0x20
    out dx, al

    mov si, msg_font
    call puts
    GETREG 0x3c4, 0x04, [save_sr4]
    GETREG 0x3ce, 0x04, [save_gr4]
    GETREG 0x3ce, 0x05, [save_gr5]
    GETREG 0x3ce, 0x06, [save_gr6]
    SETREG 0x3c4, 0x04, 0x07
    SETREG 0x3ce, 0x04, 0x02
    SETREG 0x3ce, 0x05, 0x00
    SETREG 0x3ce, 0x06, 0x04
    push ds
    mov ax, 0xa000
    mov ds, ax
    xor si, si
    mov bx, 256
.glyph:
    mov cx, 16
    call dump
    add si, 16                  ; 32-byte glyph slots
    dec bx
    jnz .glyph
    pop ds
    SETREG 0x3c4, 0x04, [save_sr4]
    SETREG 0x3ce, 0x04, [save_gr4]
    SETREG 0x3ce, 0x05, [save_gr5]
    SETREG 0x3ce, 0x06, [save_gr6]
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

; dump: CX raw bytes from DS:SI to the debug console.
dump:
    mov dx, PORT_CON
.next:
    lodsb
    out dx, al
    loop .next
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

save_sr4: db 0
save_gr4: db 0
save_gr5: db 0
save_gr6: db 0
msg_text: db "TEXT:", 0
msg_ar10: db "AR10:", 0
msg_font: db "FONT:", 0
msg_nl:   db 10, 0

    PROGRAM_END
