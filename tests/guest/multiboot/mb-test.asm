; SPDX-License-Identifier: GPL-2.0-or-later
;
; A Multiboot v1 test kernel (Multiboot Specification 0.6.96 §3), built two
; ways by nasm -f bin: -DAOUT (header flag 16, the a.out kludge addresses)
; and -DELF (a hand-made ELF32 executable whose entry point is virtual,
; 0xC0100000-based, with one PT_LOAD at physical 1 MiB).  It checks what
; the loader promised and reports on the debug console (0xe9):
;   M  EAX = 0x2BADB002, protected mode, paging and interrupts off
;   I  info flags 0, 2, 3, 6, 9; mem_lower 640; mem_upper = RAM - 1 MiB
;      (the test runs with -m 32)
;   C  the command line holds "mbtest=ok"
;   D  two page-aligned modules "MOD1..." ("... arg1") and "MOD2..."
;      ("... second,comma": -initrd's ",," escape), lengths 4
;   E  the memory map has RAM from 1 MiB to 32 MiB
;   L  the boot loader name is there
; then, on the first boot, dirties its own data, bss and the information
; structure and resets the machine through port 0x92; the second boot runs
; every check again and checks the images were restored (R).  It exits
; with isa-debug-exit (0xf4) 0 (status 1) when all passed, 1 (status 3)
; on the first failure.

BASE    equ 0x100000
VBASE   equ 0xc0100000
BOOTCNT equ 0x7000              ; outside every loaded image
MAGIC   equ 0x1badb002

bits 32
org BASE

%ifdef ELF
ehdr:
    db 0x7f, "ELF", 1, 1, 1, 0
    times 8 db 0
    dw 2                        ; ET_EXEC
    dw 3                        ; EM_386
    dd 1
    dd start - BASE + VBASE     ; virtual entry point
    dd phdr - ehdr
    dd 0, 0
    dw 52, 32, 1, 0, 0, 0
phdr:
    dd 1                        ; PT_LOAD
    dd 0                        ; from the start of the file
    dd VBASE
    dd BASE
    dd file_end - BASE
    dd bss_end - BASE
    dd 7
    dd 0x1000
%define MBFLAGS 0x00000003
%else
%define MBFLAGS 0x00010003
%endif

align 4
mbhdr:
    dd MAGIC
    dd MBFLAGS
    dd -(MAGIC + MBFLAGS)
    dd mbhdr                    ; header_addr (a.out kludge)
    dd BASE                     ; load_addr
    dd file_end                 ; load_end_addr
    dd bss_end                  ; bss_end_addr
    dd start                    ; entry_addr

start:
    mov esp, stack_top
    cmp eax, 0x2badb002
    jne fail
    mov [info], ebx
    mov eax, cr0
    and eax, 0x80000001
    cmp eax, 1
    jne fail
    pushfd
    pop eax
    test eax, 0x20200           ; IF, VM
    jnz fail
    mov al, 'M'
    out 0xe9, al

    ; I
    mov ebx, [info]
    mov eax, [ebx]
    and eax, 0x24d
    cmp eax, 0x24d
    jne fail
    cmp dword [ebx + 4], 640
    jne fail
    cmp dword [ebx + 8], 31 * 1024
    jne fail
    mov al, 'I'
    out 0xe9, al

    ; C
    mov esi, [ebx + 16]
    mov edi, s_cmd
    call contains
    jnz fail
    mov al, 'C'
    out 0xe9, al

    ; D
    cmp dword [ebx + 20], 2
    jne fail
    mov edx, [ebx + 24]
    mov eax, 'MOD1'
    mov edi, s_arg1
    call check_module
    add edx, 16
    mov eax, 'MOD2'
    mov edi, s_arg2
    call check_module
    mov al, 'D'
    out 0xe9, al

    ; E: an entry {size 20, base 1 MiB, length 31 MiB, type 1}.
    mov esi, [ebx + 48]
    mov ecx, [ebx + 44]
    add ecx, esi
.mmap:
    cmp esi, ecx
    jae fail
    cmp dword [esi + 4], 0x100000
    jne .next
    cmp dword [esi + 8], 0
    jne .next
    cmp dword [esi + 12], 31 * 1024 * 1024
    jne .next
    cmp dword [esi + 20], 1
    je .mmap_ok
.next:
    add esi, [esi]
    add esi, 4
    jmp .mmap
.mmap_ok:
    mov al, 'E'
    out 0xe9, al

    ; L
    mov esi, [ebx + 64]
    cmp byte [esi], 0
    je fail
    mov al, 'L'
    out 0xe9, al

    cmp dword [BOOTCNT], 0x5a5a5a5a
    je second_boot
    ; First boot: dirty everything the loader placed, then reset.
    mov dword [BOOTCNT], 0x5a5a5a5a
    mov dword [pristine], 0
    mov dword [bss_word], 1
    mov dword [ebx + 4], 0
    mov al, 0x03                ; A20 on, fast reset
    out 0x92, al
.hang:
    hlt
    jmp .hang

second_boot:
    cmp dword [pristine], 0x600dda7a
    jne fail
    cmp dword [bss_word], 0
    jne fail
    mov al, 'R'
    out 0xe9, al
    mov al, 0
    out 0xf4, al
    jmp $

fail:
    mov al, 'X'
    out 0xe9, al
    mov al, 1
    out 0xf4, al
    jmp fail

; Module entry at edx: contents start with eax, 4 bytes long, page
; aligned, string contains the string at edi.
check_module:
    mov esi, [edx]
    test esi, 0xfff
    jnz fail
    cmp [esi], eax
    jne fail
    mov eax, [edx + 4]
    sub eax, esi
    cmp eax, 4
    jne fail
    mov esi, [edx + 8]
    call contains
    jnz fail
    ret

; ZF set if the NUL-terminated string at esi contains the one at edi.
contains:
    push ebx
.outer:
    xor ebx, ebx
.inner:
    mov al, [edi + ebx]
    test al, al
    jz .found
    cmp al, [esi + ebx]
    jne .advance
    inc ebx
    jmp .inner
.advance:
    cmp byte [esi], 0
    je .missing
    inc esi
    jmp .outer
.found:
    pop ebx
    xor eax, eax                ; ZF = 1
    ret
.missing:
    pop ebx
    or eax, 1                   ; ZF = 0
    ret

s_cmd:  db "mbtest=ok", 0
s_arg1: db " arg1", 0
s_arg2: db " second,comma", 0
align 4
pristine: dd 0x600dda7a
file_end:

; bss (not in the file)
info:       equ file_end
bss_word:   equ file_end + 4
stack_top:  equ file_end + 0x1000
bss_end:    equ file_end + 0x1000
