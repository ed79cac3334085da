; SPDX-License-Identifier: GPL-2.0-or-later
;
; The CGA graphics modes of the VGA, set through INT 10h: mode 04h
; (320x200, 4 colours, two pixels' bits per byte pair of planes 0/1 via
; the shift register interleave, GR05 bit 5) or, with -DMODE6, mode 06h
; (640x200, 2 colours, plane 0).  Both keep the CGA memory layout at
; B800h: even scanlines from offset 0, odd ones from 2000h, 80 bytes each
; (the CRTC puts row scan bit 0 on address bit 13: CR17 bit 0 clear).
; The program loads attribute registers 0-3 with 0-3 and DAC entries 0-3
; with (5,10,15) (63,20,0) (0,40,63) (50,50,50), then draws
;
;   mode 04h  c = (x/2 + x/32 + y) mod 4, leftmost pixel in bits 7-6
;   mode 06h  c = (x/4 + x/64 + y) mod 2, leftmost pixel in bit 7
%include "lib.inc"

%ifdef MODE6
%define MODE 0x06
%define BPP_SHIFT 0             ; log2 of bits per pixel
%define PX_PER_BYTE 8
%define XSHIFT1 2
%define XSHIFT2 6
%define CMASK 1
%else
%define MODE 0x04
%define BPP_SHIFT 1
%define PX_PER_BYTE 4
%define XSHIFT1 1
%define XSHIFT2 5
%define CMASK 3
%endif

main:
    mov ax, MODE
    int 0x10

    mov dx, 0x3da
    in al, dx                   ; attribute flip-flop to index
    mov dx, 0x3c0
    xor bl, bl
.ar:
    mov al, bl
    out dx, al                  ; index (palette source off meanwhile)
    out dx, al                  ; AR[i] = i
    inc bl
    cmp bl, 4
    jb .ar
    mov al, 0x20
    out dx, al                  ; palette address source back on

    mov dx, 0x3c8
    xor al, al
    out dx, al
    inc dx
    mov si, dac
    mov cx, 12
.dac:
    lodsb
    out dx, al
    loop .dac

    mov ax, 0xb800
    mov es, ax
    xor bx, bx                  ; y
.row:
    mov di, bx
    shr di, 1
    imul di, di, 80
    test bl, 1
    jz .even
    add di, 0x2000
.even:
    xor si, si                  ; x
.byte:
    xor dl, dl                  ; the byte being built
    mov cx, PX_PER_BYTE
.px:
    mov ax, si
    shr ax, XSHIFT1
    mov bp, si
    shr bp, XSHIFT2
    add ax, bp
    add ax, bx
    and al, CMASK
    shl dl, 1 << BPP_SHIFT
    or dl, al
    inc si
    loop .px
    mov [es:di], dl
    inc di
    cmp si, 320 << (1 - BPP_SHIFT)
    jb .byte
    inc bx
    cmp bx, 200
    jb .row
    jmp ready

dac: db 5, 10, 15,  63, 20, 0,  0, 40, 63,  50, 50, 50

    PROGRAM_END
