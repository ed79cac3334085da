; SPDX-License-Identifier: GPL-2.0-or-later
; Long mode (SDM vol. 3A 9.8.5, 10.8): PAE tables with 2 MiB pages, EFER.LME,
; CR0.PG activates IA-32e mode (EFER.LMA), a far jump to a 64-bit code
; segment; 64-bit arithmetic, REX registers, RIP-relative addressing,
; 64-bit push/pop; RIP-relative CMP/TEST before a Jcc; SYSCALL/SYSRET
; through STAR/LSTAR/SFMASK; CPUID.
%include "lib.inc"
ROM_BEGIN

%define PML4 0x10000
%define PDPT 0x11000
%define PD   0x12000

entry:
    PM_ENTER start
start:
    LM_TABLES 3
    mov dword [PD + 8], 0x200083        ; 2 MiB at 2 MiB
    ; CPUID: long mode advertised.
    mov eax, 0x80000001
    cpuid
    bt edx, 29
    jc .lm_ok
    FAIL 'CPUID does not advertise long mode'
.lm_ok:
    LM_ENABLE 0x101, 0x80000000         ; LME, SCE; PG
    rdmsr
    bt eax, 10
    jc .lma_ok
    FAIL 'EFER.LMA not set'
.lma_ok:
    jmp SEL_CODE64:(ROM_BASE + lm)
    bits 64
lm:
    mov rax, 0x123456789abcdef0
    mov rbx, 0x0fedcba987654321
    add rax, rbx
    mov rcx, 0x2222222222222211
    cmp rax, rcx
    jne .bad
    mov r15, rax
    shr r15, 60
    cmp r15d, 2
    jne .bad
    mov r8, -1
    imul r8, r8, 3
    cmp r8, -3
    jne .bad
    lea r9, [rel lm]
    mov r10, ROM_BASE + lm
    cmp r9, r10
    jne .bad
    ; RIP-relative CMP and TEST fused with their Jcc: the operand is
    ; relative to the end of the CMP, not of the Jcc.
    cmp dword [rel magic], 0x12345678
    jne .bad
    cmp byte [rel magic + 1], 0x56
    jne .bad
    test dword [rel magic], 0x80000000
    jnz .bad
    mov eax, 0x12345678
    cmp [rel magic], eax
    jne .bad
    cmp rax, [rel magic]
    jne .bad
    mov rsp, 0x8000
    push r10
    pop r11
    cmp rsp, 0x8000
    jne .bad
    cmp r11, r10
    jne .bad
    ; SYSCALL to LSTAR with CS from STAR, RFLAGS masked by SFMASK.
    mov ecx, 0xc0000081
    xor eax, eax
    mov edx, (0x08) | (0x10 << 16)     ; SYSCALL CS = 8, SYSRET base 0x10
    wrmsr
    mov ecx, 0xc0000082
    mov eax, ROM_BASE + syscall_entry
    xor edx, edx
    wrmsr
    mov ecx, 0xc0000084
    mov eax, 0x100
    xor edx, edx
    wrmsr
    mov r12, 0
    syscall
    cmp r12, 0x5c
    jne .bad
    mov al, 0
    out PORT_EXIT, al
.bad:
    mov al, 1
    out PORT_EXIT, al

magic:
    dq 0x12345678
    dq 0x9abcdef0

syscall_entry:
    mov r12, 0x5c
    ; RCX holds the return RIP, R11 the old RFLAGS; return in 64-bit mode
    ; stays at CPL 0 here via a plain jump (SYSRET would go to CPL 3).
    jmp rcx
    bits 16

GDT_TABLE
LIB_ROUTINES
ROM_END
