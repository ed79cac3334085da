; SPDX-License-Identifier: GPL-2.0-or-later
;
; A Bochs VBE ("DISPI") mode set and a pattern in the linear framebuffer.
; The program finds the standard VGA (PCI 1234:1111) on bus 0 through
; configuration mechanism 1, takes the framebuffer address from BAR0 and
; the register window from BAR2, switches to 32-bit protected mode with
; flat segments and programs the DISPI registers (index 0 ID, 1 XRES,
; 2 YRES, 3 BPP, 4 ENABLE, 5 BANK, 6 VIRT_WIDTH, 7 VIRT_HEIGHT, 8 X_OFFSET,
; 9 Y_OFFSET, 0Ah VIDEO_MEMORY_64K):
;
; default   through ports 1CEh (index) / 1CFh (data): 640x480, 32 bpp,
;           pixel (x, y) = R x mod 256, G y mod 256, B (x + y) mod 256.
; -DMMIO    through BAR2 as Linux's bochs-drm does (DISPI register i as
;           the 16-bit word at 500h + 2i, VGA port p as the byte at
;           400h + p - 3C0h): unblank through 3DAh/3C0h, then 800x600 at
;           16 bpp (RGB565) with a virtual width of 1024 and the display
;           start at (8, 16); the pattern fills the virtual screen with
;           R = vx mod 32, G = vy mod 64, B = ((vx + vy) / 8) mod 32.
;
; It prints "ID=b0c5 VRAM64K=xxxx" (the ID read back after writing B0C5h
; and the VRAM size in 64 KiB units) before drawing.
%include "lib.inc"

%ifdef MMIO
%define XRES 800
%define YRES 600
%define BPP 16
%define VWIDTH 1024
%define XOFF 8
%define YOFF 16
%else
%define XRES 640
%define YRES 480
%define BPP 32
%endif

main:
    xor ebx, ebx                ; device number on bus 0
.scan:
    mov eax, ebx
    shl eax, 11
    or eax, 0x80000000
    mov dx, 0xcf8
    out dx, eax
    mov dx, 0xcfc
    in eax, dx
    cmp eax, 0x11111234
    je .found
    inc ebx
    cmp ebx, 32
    jb .scan
    mov si, msg_novga
    call puts
    jmp halt
.found:
    shl ebx, 11
    or ebx, 0x80000010
    mov eax, ebx
    mov dx, 0xcf8
    out dx, eax
    mov dx, 0xcfc
    in eax, dx
    and eax, ~0xf
    mov [lfb], eax
    add ebx, 8                  ; BAR2
    mov eax, ebx
    mov dx, 0xcf8
    out dx, eax
    mov dx, 0xcfc
    in eax, dx
    and eax, ~0xf
    mov [mmio], eax

    cli
    lgdt [gdt_desc]
    mov eax, cr0
    or al, 1
    mov cr0, eax
    jmp 0x08:pm32

    bits 32
pm32:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov esp, 0x7c00
    mov ebp, [mmio]

%ifdef MMIO
%macro DISPI_W 2
    mov word [ebp + 0x500 + 2 * %1], %2
%endmacro
%macro DISPI_R 1
    mov ax, [ebp + 0x500 + 2 * %1]
%endmacro
%else
%macro DISPI_W 2
    mov dx, 0x1ce
    mov ax, %1
    out dx, ax
    inc dx
    mov ax, %2
    out dx, ax
%endmacro
%macro DISPI_R 1
    mov dx, 0x1ce
    mov ax, %1
    out dx, ax
    inc dx
    in ax, dx
%endmacro
%endif

    DISPI_W 0, 0xb0c5
    mov esi, msg_id
    call puts32
    DISPI_R 0
    call puthex16
    mov esi, msg_vram
    call puts32
    DISPI_R 0x0a
    call puthex16
    mov esi, msg_nl
    call puts32

%ifdef MMIO
    mov al, [ebp + 0x400 + 0x1a]    ; 3DAh: reset the attribute flip-flop
    mov byte [ebp + 0x400], 0x20    ; 3C0h: palette address source on
%endif
    DISPI_W 4, 0
    DISPI_W 3, BPP
    DISPI_W 1, XRES
    DISPI_W 2, YRES
    DISPI_W 5, 0
    DISPI_W 4, 0x41             ; enabled, linear framebuffer
%ifdef MMIO
    DISPI_W 6, VWIDTH
    DISPI_W 8, XOFF
    DISPI_W 9, YOFF
    call draw16
%else
    call draw32
%endif
    mov esi, msg_ready
    call puts32
    jmp halt

%ifndef MMIO
draw32:
    mov edi, [lfb]
    xor ebx, ebx                ; y
.row:
    xor ecx, ecx                ; x
.px:
    mov eax, ecx
    and eax, 0xff
    shl eax, 16
    mov ah, bl
    mov edx, ecx
    add edx, ebx
    mov al, dl
    stosd
    inc ecx
    cmp ecx, XRES
    jb .px
    inc ebx
    cmp ebx, YRES
    jb .row
    ret
%else
draw16:
    mov edi, [lfb]
    xor ebx, ebx                ; vy
.row:
    xor ecx, ecx                ; vx
.px:
    mov eax, ecx
    and eax, 31
    shl eax, 11
    mov edx, ebx
    and edx, 63
    shl edx, 5
    or eax, edx
    mov edx, ecx
    add edx, ebx
    shr edx, 3
    and edx, 31
    or eax, edx
    stosw
    inc ecx
    cmp ecx, VWIDTH
    jb .px
    inc ebx
    cmp ebx, YRES + YOFF
    jb .row
    ret
%endif

; puts32: print the NUL-terminated string at ESI.
puts32:
    mov dx, PORT_CON
.next:
    lodsb
    test al, al
    jz .done
    out dx, al
    jmp .next
.done:
    ret

; puthex16: print AX as four hex digits.
puthex16:
    mov ecx, 4
    mov bx, ax
    mov dx, PORT_CON
.digit:
    rol bx, 4
    mov al, bl
    and al, 0x0f
    add al, '0'
    cmp al, '9'
    jbe .out
    add al, 'a' - '0' - 10
.out:
    out dx, al
    loop .digit
    ret

    align 8
gdt:
    dq 0
    dq 0x00cf9a000000ffff       ; 08h: code, flat 4 GiB, 32-bit
    dq 0x00cf92000000ffff       ; 10h: data, flat 4 GiB
gdt_desc:
    dw gdt_desc - gdt - 1
    dd gdt

lfb:  dd 0
mmio: dd 0
msg_novga: db "VGA-FAIL no 1234:1111 on bus 0", 10, 0
msg_id:    db "ID=", 0
msg_vram:  db " VRAM64K=", 0
msg_nl:    db 10, 0

    PROGRAM_END
