; SPDX-License-Identifier: GPL-2.0-or-later
;
; Mode 12h with the display start moved, pixel panning and a split screen
; (IBM VGA Technical Reference: CRTC start address CR0C/CR0D, line compare
; CR18 with bit 8 in CR07 bit 4 and bit 9 in CR09 bit 6; attribute
; registers AR13 horizontal pixel panning and AR10 bit 5, which keeps the
; split screen unpanned).  All 64 KiB of each plane are filled first
; through the map mask, plane p of offset o holding
;
;   p0 = o mod 256, p1 = o / 256, p2 = AAh, p3 = (o / 80) mod 256
;
; then the start address is set to 8002 (row 100, byte 2), AR13 to 3, AR10
; bit 5 on and the line compare to 300: scanlines 0-300 show memory from
; offset 8002 shifted left by 3 pixels, scanlines 301-479 memory from 0,
; unshifted.
%include "lib.inc"

main:
    mov ax, 0x0012
    int 0x10
    mov ax, 0xa000
    mov es, ax
    mov dx, 0x3ce
    mov ax, 0x0005              ; write mode 0
    out dx, ax
    mov ax, 0x0001              ; no set/reset
    out dx, ax
    mov ax, 0xff08              ; bit mask: all
    out dx, ax

    mov bx, 0x0102              ; bh = map mask, bl = SR02
.plane:
    mov dx, 0x3c4
    mov ax, bx
    mov al, 0x02
    out dx, ax
    xor di, di
.byte:
    mov ax, di                  ; value of plane log2(bh) at offset di
    test bh, 1
    jnz .store
    mov al, ah
    test bh, 2
    jnz .store
    mov al, 0xaa
    test bh, 4
    jnz .store
    push dx
    xor dx, dx
    mov ax, di
    mov cx, 80
    div cx
    pop dx
.store:
    stosb
    test di, di
    jnz .byte
    shl bh, 1
    cmp bh, 0x10
    jb .plane
    mov dx, 0x3c4
    mov ax, 0x0f02
    out dx, ax

    mov dx, 0x3d4
    mov ax, ((8002 >> 8) << 8) | 0x0c
    out dx, ax
    mov ax, ((8002 & 0xff) << 8) | 0x0d
    out dx, ax
    mov ax, ((300 & 0xff) << 8) | 0x18
    out dx, ax
    mov al, 0x07                ; line compare bit 8 (writable even
    out dx, al                  ; with CR0-7 protected)
    inc dx
    in al, dx
    or al, 0x10
    out dx, al
    dec dx
    mov al, 0x09                ; line compare bit 9 clear
    out dx, al
    inc dx
    in al, dx
    and al, 0xbf
    out dx, al

    mov dx, 0x3da
    in al, dx
    mov dx, 0x3c0
    mov al, 0x30                ; AR10 (palette source kept on)
    out dx, al
    inc dx
    in al, dx
    dec dx
    or al, 0x20
    out dx, al
    mov al, 0x33                ; AR13 := 3
    out dx, al
    mov al, 3
    out dx, al
    jmp ready

    PROGRAM_END
