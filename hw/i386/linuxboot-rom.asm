; SPDX-License-Identifier: GPL-2.0-or-later
;
; Plimsoll's Linux boot option ROM, for -kernel together with firmware
; (-bios): the machine (hw/i386/linux-boot.c) offers it to SeaBIOS as the
; fw_cfg file "genroms/linuxboot.bin" and names it first in "bootorder".
; SeaBIOS runs its (empty) initialisation entry at POST, and, because the
; ROM has a PnP expansion header with a Bootstrap Entry Vector (BIOS Boot
; Specification 1.01, §3.2 and appendix A "PnP Option ROM header"), lists
; it as a boot device.  Booting it:
;   1. reads the setup (real-mode) code, the protected-mode kernel, the
;      initrd and the command line from fw_cfg by DMA (QEMU's fw_cfg DMA
;      interface: a big-endian {control, length, address} descriptor whose
;      address goes to port 0x518), each to the address its *_ADDR key
;      gives;
;   2. enters the kernel's real-mode setup as the Linux boot protocol asks
;      of a 16-bit boot loader (Documentation/x86/boot.rst, "Running the
;      kernel"): DS = ES = FS = GS = SS = setup segment, SP just below the
;      command line (the machine placed it 64 KiB above the setup), a far
;      jump to setup segment + 0x20, offset 0.
; The machine fixes both checksums (ROM and PnP header) when it loads the
; image.  Assembled with nasm at build time; nothing binary is committed.

BITS 16
ORG 0

FW_CFG_SEL      equ 0x510
FW_CFG_DMA_HI   equ 0x514
FW_CFG_DMA_LO   equ 0x518
FW_CFG_DATA     equ 0x511

KERNEL_ADDR     equ 0x07
KERNEL_SIZE     equ 0x08
INITRD_ADDR     equ 0x0a
INITRD_SIZE     equ 0x0b
KERNEL_DATA     equ 0x11
INITRD_DATA     equ 0x12
CMDLINE_ADDR    equ 0x13
CMDLINE_SIZE    equ 0x14
CMDLINE_DATA    equ 0x15
SETUP_ADDR      equ 0x16
SETUP_SIZE      equ 0x17
SETUP_DATA      equ 0x18

DMA_CTL_READ    equ 0x02
DMA_CTL_SELECT  equ 0x08
DESC            equ 0x7000      ; DMA descriptor, linear (segment 0)

rom_header:
    db 0x55, 0xaa
    db ROM_SIZE / 512
    jmp short init
    times 0x1a - ($ - $$) db 0
    dw pnp_header

    align 16
pnp_header:
    db "$PnP"
    db 1                        ; structure revision
    db 2                        ; length in 16-byte units
    dw 0                        ; next header: none
    db 0                        ; reserved
    db 0                        ; checksum (set by the machine)
    dd 0                        ; device identifier
    dw manufacturer
    dw product
    db 0, 0, 0                  ; device type code
    db 0x14                     ; indicators: IPL device, may be shadowed
    dw 0                        ; boot connection vector
    dw 0                        ; disconnect vector
    dw bev                      ; bootstrap entry vector
    dw 0                        ; reserved
    dw 0                        ; static resource information vector

manufacturer: db "Plimsoll", 0
product:      db "Linux loader", 0

; POST initialisation: nothing to set up.
init:
    retf

; The boot: never returns.
bev:
    cli
    cld
    xor ax, ax
    mov ds, ax
    mov ss, ax
    mov sp, 0x7c00

    mov bx, SETUP_ADDR
    call fw_cfg_u32
    mov edi, eax
    mov bx, SETUP_SIZE
    call fw_cfg_u32
    mov ecx, eax
    mov bx, SETUP_DATA
    call fw_cfg_dma
    mov [setup_linear], edi

    mov bx, KERNEL_ADDR
    mov si, KERNEL_SIZE
    mov bp, KERNEL_DATA
    call load_item
    mov bx, INITRD_ADDR
    mov si, INITRD_SIZE
    mov bp, INITRD_DATA
    call load_item
    mov bx, CMDLINE_ADDR
    mov si, CMDLINE_SIZE
    mov bp, CMDLINE_DATA
    call load_item

    ; Enter the setup code in real mode.
    mov eax, [setup_linear]
    shr eax, 4
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov ss, ax
    mov sp, 0xfff0
    add ax, 0x20
    push ax
    push word 0
    retf

; Address key bx, size key si, data key bp: DMA the item where it belongs.
load_item:
    call fw_cfg_u32
    mov edi, eax
    mov bx, si
    call fw_cfg_u32
    mov ecx, eax
    jecxz .empty
    mov bx, bp
    call fw_cfg_dma
.empty:
    ret

; eax = the 32-bit little-endian item bx, read through the data port.
fw_cfg_u32:
    mov dx, FW_CFG_SEL
    mov ax, bx
    out dx, ax
    mov dx, FW_CFG_DATA
    mov cx, 4
.byte:
    in al, dx
    ror eax, 8
    loop .byte
    ret

; DMA ecx bytes of item bx to linear address edi; waits for completion.
fw_cfg_dma:
    movzx eax, bx
    shl eax, 16
    or eax, DMA_CTL_SELECT | DMA_CTL_READ
    bswap eax
    mov [DESC], eax
    mov eax, ecx
    bswap eax
    mov [DESC + 4], eax
    mov dword [DESC + 8], 0
    mov eax, edi
    bswap eax
    mov [DESC + 12], eax
    mov dx, FW_CFG_DMA_HI
    xor eax, eax
    out dx, eax
    mov eax, DESC
    bswap eax
    mov dx, FW_CFG_DMA_LO
    out dx, eax
.wait:
    mov eax, [DESC]
    bswap eax
    and eax, ~1                 ; done when only the error bit may remain
    jnz .wait
    ret

; Variables live in low RAM next to the descriptor: the ROM is read-only
; once SeaBIOS has shadowed it.
setup_linear equ DESC + 16

    times 1023 - ($ - $$) db 0
    db 0                        ; ROM checksum (set by the machine)
ROM_SIZE equ 1024
