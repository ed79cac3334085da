; SPDX-License-Identifier: GPL-2.0-or-later
;
; Text mode 01h (40x25, each dot two pixels wide: SR01 bit 3) with blink
; off (INT 10h AX=1003h: attribute bit 7 selects bright backgrounds) and a
; 512-character font: INT 10h AX=1100h loads glyphs for 'A'-'H' into
; character map 1 (plane 2 at 4000h), AX=1103h BL=04h selects map 1 as
; map A, used by characters whose attribute has bit 3 set (IBM VGA
; Technical Reference, sequencer Character Map Select).  Row 0 holds
; 'A'-'H' repeated with attribute (29i + 8Fh) mod 256 for column i, row 1
; line-drawing characters C4h and B3h.  The user glyph of character k
; ('A' + k), row r: (81h rotated left by k) XOR 11h * r.
;
; Dumped raw on the debug console, as text.asm does: "TEXT:" 2000 bytes,
; "AR10:" 1, "SR03:" 1, "FONT0:" and "FONT1:" 256 x 16 bytes each, the
; glyphs of maps 0 and 1 read back from plane 2.
%include "lib.inc"

main:
    mov ax, 0x0001
    int 0x10
    mov ah, 0x01
    mov cx, 0x2000
    int 0x10                    ; cursor off
    mov ax, 0x1003
    xor bl, bl
    int 0x10                    ; blink off: 16 background colours

    ; The user glyphs, then load them into map 1.
    mov di, glyphs
    xor bx, bx                  ; k
.glyph:
    mov al, 0x81
    mov cl, bl
    rol al, cl
    xor cx, cx                  ; r
.grow:
    mov ah, cl
    shl ah, 4
    or ah, cl                   ; 11h * r
    xor ah, al
    mov [di], ah
    inc di
    inc cx
    cmp cx, 16
    jb .grow
    inc bx
    cmp bx, 8
    jb .glyph
    push es
    mov ax, ds
    mov es, ax
    mov bp, glyphs
    mov ax, 0x1100
    mov bx, 0x1001              ; 16 bytes per glyph, map 1
    mov cx, 8
    mov dx, 'A'
    int 0x10
    pop es
    mov ax, 0x1103
    mov bl, 0x04                ; map A = 1, map B = 0
    int 0x10

    ; Row 0: 'A'-'H' over all attributes, row 1: line drawing.
    xor si, si                  ; column
.col:
    mov ah, 0x02
    xor bh, bh
    xor dh, dh
    mov dx, si
    int 0x10
    mov ax, si
    and al, 7
    add al, 'A'
    push ax
    mov ax, si
    mov bl, 29
    mul bl
    add al, 0x8f
    mov bl, al
    pop ax
    mov ah, 0x09
    mov cx, 1
    int 0x10
    mov ah, 0x02
    xor bh, bh
    mov dx, si
    mov dh, 1
    int 0x10
    mov al, 0xc4
    mov bl, 0x1e
    test si, 1
    jz .even
    mov al, 0xb3
    mov bl, 0x9f
.even:
    mov ah, 0x09
    mov cx, 1
    int 0x10
    inc si
    cmp si, 40
    jb .col

    mov si, msg_text
    call puts
    mov ax, 0xb800
    mov cx, 2000
    call dump_seg

    mov si, msg_ar10
    call puts
    mov dx, 0x3da
    mov al, 0x10
    call put_attr

    mov si, msg_sr03
    call puts
    mov dx, 0x3c4
    mov al, 0x03
    out dx, al
    inc dx
    in al, dx
    mov dx, PORT_CON
    out dx, al

    ; Both maps from plane 2.
    mov si, msg_font0
    call puts
    xor ax, ax
    call dump_font
    mov si, msg_font1
    call puts
    mov ax, 0x4000
    call dump_font
    mov si, msg_nl
    call puts
    jmp ready

msg_text:  db "TEXT:", 0
msg_ar10:  db "AR10:", 0
msg_sr03:  db "SR03:", 0
msg_font0: db "FONT0:", 0
msg_font1: db "FONT1:", 0
msg_nl:    db 10, 0
glyphs:    times 8 * 16 db 0

    PROGRAM_END
