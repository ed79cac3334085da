; SPDX-License-Identifier: GPL-2.0-or-later
; SYSEXIT with REX.W (return to 64-bit code) checks RCX and RDX: a
; non-canonical one is #GP(0) at CPL 0 with nothing changed (SDM vol. 2B
; "SYSEXIT", 64-bit mode exceptions), rather than a return to ring 3 with
; a non-canonical RSP or RIP.  64-bit code with a 64-bit IDT whose #GP
; handler counts the fault, records the error code and resumes.
%include "lib.inc"
ROM_BEGIN

%define PML4 0x10000
%define PDPT 0x11000
%define PD   0x12000
%define IDT64 0x20000
%define RESUME 0x600
%define GPCOUNT 0x608
%define GPERR 0x610

entry:
    PM_ENTER start
start:
    LM_TABLES 3
    LM_ENABLE 0x100, 0x80000000         ; LME; PG
    jmp SEL_CODE64:(ROM_BASE + lm)
    bits 64
lm:
    mov rsp, 0x8000
    mov rdi, IDT64 + 13 * 16
    mov rax, ROM_BASE + gp_handler
    mov [rdi], ax
    mov word [rdi + 2], SEL_CODE64
    mov word [rdi + 4], 0x8e00
    shr rax, 16
    mov [rdi + 6], ax
    shr rax, 16
    mov [rdi + 8], eax
    mov dword [rdi + 12], 0
    lidt [rel idt64_desc]
    mov dword [GPCOUNT], 0
    mov ecx, 0x174                      ; SYSENTER_CS
    mov eax, SEL_CODE0
    xor edx, edx
    wrmsr

    ; RDX (the new RIP) not canonical.
    mov qword [RESUME], ROM_BASE + c2
    mov rcx, 0x7000
    mov rdx, 0x0000800000000000
    o64 sysexit
    jmp bad
c2: cmp dword [GPCOUNT], 1
    jne bad
    cmp qword [GPERR], 0
    jne bad

    ; RCX (the new RSP) not canonical.
    mov qword [RESUME], ROM_BASE + c3
    mov rcx, 0xffff7fffffffff00
    mov rdx, ROM_BASE + bad
    o64 sysexit
    jmp bad
c3: cmp dword [GPCOUNT], 2
    jne bad
    cmp qword [GPERR], 0
    jne bad
    mov ax, cs                          ; still ring 0, 64-bit code
    cmp ax, SEL_CODE64
    jne bad
    mov al, 0
    out PORT_EXIT, al
bad:
    mov al, 1
    out PORT_EXIT, al
    hlt

gp_handler:
    pop rax
    mov [GPERR], rax
    inc dword [GPCOUNT]
    mov rsp, 0x8000
    jmp [RESUME]

    align 8
idt64_desc:
    dw 256 * 16 - 1
    dq IDT64
    bits 16

GDT_TABLE
LIB_ROUTINES
ROM_END
