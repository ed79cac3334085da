; SPDX-License-Identifier: GPL-2.0-or-later
;
; The direct Linux boot entry stub: a 64 KiB ROM mapped at 0xffff0000 in
; place of firmware when -kernel is given without -bios.  The loader
; (hw/i386/linux-boot.c) has already placed the protected-mode kernel, the
; zero page (boot_params), the command line and the initrd in RAM and
; patched the parameter block below.  The stub does what the 32-bit boot
; protocol asks of a boot loader (Linux Documentation/x86/boot.rst, "32-bit
; boot protocol"): flat 4 GiB code and data segments with selectors 0x10
; and 0x18, protected mode, interrupts off, ESI = boot_params, EBP = EDI =
; EBX = 0, then a jump to the kernel's 32-bit entry point.
;
; Assembled with nasm at build time; nothing binary is committed.

BITS 16
ORG 0

ROM_BASE equ 0xffff0000

params:
entry32:    dd 0            ; kernel code32_start, patched by the loader
zero_page:  dd 0            ; boot_params address, patched by the loader

start16:
    cli
    cld
    ; CS still has its reset base 0xffff0000: address the GDT through it.
    o32 lgdt [cs:gdt_ptr]
    mov eax, cr0
    or al, 1
    mov cr0, eax
    jmp dword 0x10:(ROM_BASE + start32)

BITS 32
start32:
    mov ax, 0x18
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov fs, ax
    mov gs, ax
    mov esi, [ROM_BASE + zero_page]
    xor ebp, ebp
    xor edi, edi
    xor ebx, ebx
    jmp [ROM_BASE + entry32]

align 16
gdt:
    dq 0                        ; null
    dq 0                        ; unused
    dq 0x00cf9a000000ffff       ; 0x10: code, base 0, limit 4 GiB
    dq 0x00cf92000000ffff       ; 0x18: data, base 0, limit 4 GiB
gdt_end:

gdt_ptr:
    dw gdt_end - gdt - 1
    dd ROM_BASE + gdt

    times 0xfff0 - ($ - $$) db 0xff

BITS 16
reset_vector:
    ; A near jump keeps CS's reset base, so the stub runs from this ROM.
    jmp start16
    times 0x10000 - ($ - $$) db 0xff
