; SPDX-License-Identifier: GPL-2.0-or-later
; Self-modifying code (SDM vol. 3A 8.1.3): a store to an instruction that
; was already executed (and so decoded and cached) must be seen the next
; time it runs; a store to the very next instruction of the running block
; must be seen too, as on the processors after the Pentium 4.
%include "lib.inc"
ROM_BEGIN

%define CODE 0x2000

entry:
    PM_ENTER start
start:
    ; Copy "mov eax, imm32; ret" to RAM and call it.
    mov esi, ROM_BASE + template
    mov edi, CODE
    mov ecx, template_end - template
    rep movsb
    mov edx, CODE
    call edx
    CHECK eax, 0x11111111, 'first run'
    ; Patch the immediate and run again: the cached block must go.
    mov dword [CODE + 1], 0x22222222
    mov edx, CODE
    call edx
    CHECK eax, 0x22222222, 'after patching cached code'
    ; Patch many times in a loop (cache churn).
    mov ebx, 100
.loop:
    mov [CODE + 1], ebx
    mov edx, CODE
    call edx
    cmp eax, ebx
    jne .bad
    dec ebx
    jnz .loop
    ; Modify the next instruction of the running block.
    mov edi, ROM_BASE + .next
    mov byte [edi + 1], 0x44        ; "mov al, 0x33" becomes "mov al, 0x44"
.next:
    mov al, 0x33
    CHECK al, 0x44, 'store to the next instruction'
    PASS
.bad:
    FAIL 'patched code ran stale'

template:
    mov eax, 0x11111111
    ret
template_end:

GDT_TABLE
LIB_ROUTINES
ROM_END
