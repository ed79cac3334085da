; SPDX-License-Identifier: GPL-2.0-or-later
; CPU benchmark guest: a 64 KiB BIOS-style image (reset vector F000:FFF0)
; that enters 32-bit protected mode and runs one loop, then writes 0 to the
; isa-debug-exit port 0xf4.  Assemble with -DLOOP=alu|mem|none and
; -DITERS=n.  Runs on plimsoll-cputest and on qemu-system-x86_64 -bios.
;   alu: 5 register instructions per iteration (add, xor, add, dec, jnz)
;   mem: 5 instructions per iteration over a 64 KiB buffer (load, add,
;        store, dec, jnz)
;   call: 15 instructions per three iterations: one leaf routine (add,
;        xor, ret) called from three sites, so its RET goes to three
;        places in turn, then nop, dec, jnz
%ifndef ITERS
%define ITERS 10000000
%endif
    bits 16
    org 0
entry:
    cli
    xor ax, ax
    mov ds, ax
    lgdt [cs:gdt_desc]
    mov eax, cr0
    or al, 1
    mov cr0, eax
    jmp dword 0x08:(0xf0000 + pm)
    bits 32
pm:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov esp, 0x90000
    mov edx, ITERS
%ifidn LOOP, alu
    xor eax, eax
    mov ebx, 1
    mov ecx, ITERS
.l: add eax, ebx
    xor edx, eax
    add ebx, 3
    dec ecx
    jnz .l
%elifidn LOOP, mem
    mov esi, 0x200000
    mov edi, ITERS / 16384
.outer:
    mov ecx, 16384
.l: mov eax, [esi + ecx * 4 - 4]
    add eax, edx
    mov [esi + ecx * 4 - 4], eax
    dec ecx
    jnz .l
    dec edi
    jnz .outer
%elifidn LOOP, call
    xor eax, eax
    mov ebx, 1
    mov ecx, ITERS / 3
.l: call leaf
    call leaf
    call leaf
    nop
    dec ecx
    jnz .l
%endif
    xor eax, eax
    out 0xf4, al
    hlt
    jmp $

leaf:
    add eax, ebx
    xor edx, eax
    ret

    align 8
gdt:
    dq 0
    dq 0x00cf9a000000ffff       ; 0x08: flat 32-bit code
    dq 0x00cf92000000ffff       ; 0x10: flat data
gdt_desc:
    dw gdt_desc - gdt - 1
    dd 0xf0000 + gdt

    times 0xfff0 - ($ - $$) db 0xf4
    bits 16
    jmp 0xf000:entry
    times 0x10000 - ($ - $$) db 0xf4
