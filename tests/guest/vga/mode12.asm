; SPDX-License-Identifier: GPL-2.0-or-later
;
; Mode 12h (640x480, 16 colours, four planes) set through INT 10h, then a
; test pattern drawn by direct writes to A000h with the planar write modes
; of the graphics controller (IBM VGA Technical Reference, "Graphics
; Controller Registers": set/reset, data rotate and function select, mode
; register write modes 0-3, bit mask; sequencer map mask):
;
;   rows   0- 79  c = (x/8 + y/8) mod 16   write mode 0, map mask = c
;   rows  80-159  c = that XOR 15          write mode 0, set/reset 15
;                                          with function XOR over latches
;   rows 160-319  c = (x + y) mod 16       write mode 2, one pixel at a
;                                          time through the bit mask
;   rows 320-479  t = (y/8) mod 16: c = t  write mode 3, data F0h with
;                 for x mod 8 < 4, else    set/reset t and rotate 0, then
;                 15 - t                   F0h again, set/reset 15 - t and
;                                          rotate 4 (so it selects 0Fh)
;
; Then read mode 1 (colour compare) reads three bytes back and prints them
; as "CMP=xx,xx,xx": row 0 byte 5 against colour 5 and colour 6, row 320
; byte 0 against colour 8 (expected ff, 00, f0).
%include "lib.inc"

%macro GR 2                     ; graphics controller register := value
    mov dx, 0x3ce
    mov ax, (%2 << 8) | %1
    out dx, ax
%endmacro

main:
    mov ax, 0x0012
    int 0x10
    mov ax, 0xa000
    mov es, ax

    ; Rows 0-79: clear the byte through all planes, then set colour c
    ; by enabling only the planes of c.
    GR 0x05, 0x00               ; write mode 0, read mode 0
    GR 0x01, 0x00               ; no set/reset
    GR 0x03, 0x00               ; rotate 0, function replace
    GR 0x08, 0xff               ; bit mask: all
    xor di, di
    xor bx, bx                  ; y
.a_row:
    xor cx, cx                  ; byte column
.a_col:
    mov dx, 0x3c4
    mov ax, 0x0f02
    out dx, ax
    mov byte [es:di], 0
    mov ax, bx
    shr ax, 3
    add ax, cx
    and al, 15
    mov ah, al
    mov al, 0x02
    out dx, ax                  ; map mask = c
    mov byte [es:di], 0xff
    inc di
    inc cx
    cmp cx, 80
    jb .a_col
    inc bx
    cmp bx, 80
    jb .a_row

    ; Rows 80-159: draw as above, then XOR every byte with colour 15
    ; through set/reset and the latches.
    mov bx, 80
.b_row:
    xor cx, cx
.b_col:
    mov dx, 0x3c4
    mov ax, 0x0f02
    out dx, ax
    mov byte [es:di], 0
    mov ax, bx
    shr ax, 3
    add ax, cx
    and al, 15
    mov ah, al
    mov al, 0x02
    out dx, ax
    mov byte [es:di], 0xff
    inc di
    inc cx
    cmp cx, 80
    jb .b_col
    inc bx
    cmp bx, 160
    jb .b_row
    mov dx, 0x3c4
    mov ax, 0x0f02
    out dx, ax
    GR 0x00, 0x0f               ; set/reset value 15
    GR 0x01, 0x0f               ; enable set/reset on all planes
    GR 0x03, 0x18               ; function XOR
    mov di, 80 * 80
.b_xor:
    mov al, [es:di]             ; load the latches
    mov [es:di], al
    inc di
    cmp di, 160 * 80
    jb .b_xor
    GR 0x01, 0x00
    GR 0x03, 0x00

    ; Rows 160-319: write mode 2, the colour in the CPU data, one pixel
    ; per write through the bit mask.
    GR 0x05, 0x02
    mov di, 160 * 80
    mov bx, 160
.c_row:
    xor cx, cx                  ; x
.c_px:
    mov ah, 0x80
    push cx
    and cl, 7
    shr ah, cl
    pop cx
    mov al, 0x08
    mov dx, 0x3ce
    out dx, ax                  ; bit mask = this pixel
    mov al, [es:di]
    mov ax, bx
    add ax, cx
    and al, 15
    mov [es:di], al
    inc cx
    test cl, 7
    jnz .c_same
    inc di
.c_same:
    cmp cx, 640
    jb .c_px
    inc bx
    cmp bx, 320
    jb .c_row
    GR 0x08, 0xff

    ; Rows 320-479: write mode 3.  The set/reset register supplies the
    ; colour, the rotated CPU data ANDed with the bit mask selects pixels.
    GR 0x05, 0x03
    mov di, 320 * 80
    mov bx, 320
.d_row:
    mov ax, bx
    shr ax, 3
    and al, 15
    mov si, ax                  ; t
    xor cx, cx
.d_col:
    GR 0x03, 0x00
    mov ax, si
    mov ah, al
    mov al, 0x00
    mov dx, 0x3ce
    out dx, ax                  ; set/reset = t
    mov al, [es:di]
    mov byte [es:di], 0xf0
    GR 0x03, 0x04               ; rotate right by 4
    mov ax, si
    xor al, 15
    mov ah, al
    mov al, 0x00
    mov dx, 0x3ce
    out dx, ax                  ; set/reset = 15 - t
    mov al, [es:di]
    mov byte [es:di], 0xf0      ; rotated by 4: 0Fh, the right half
    inc di
    inc cx
    cmp cx, 80
    jb .d_col
    inc bx
    cmp bx, 480
    jb .d_row
    GR 0x03, 0x00
    GR 0x05, 0x00

    ; Read mode 1: colour compare, all four planes count.
    GR 0x07, 0x0f
    GR 0x05, 0x08
    mov si, msg_cmp
    call puts
    GR 0x02, 0x05
    mov al, [es:5]
    call puthex8
    call comma
    GR 0x02, 0x06
    mov al, [es:5]
    call puthex8
    call comma
    GR 0x02, 0x08
    mov al, [es:320 * 80]
    call puthex8
    mov si, msg_nl
    call puts
    GR 0x05, 0x00
    jmp ready

comma:
    mov si, msg_comma
    jmp puts

msg_cmp:   db "CMP=", 0
msg_comma: db ",", 0
msg_nl:    db 10, 0

    PROGRAM_END
