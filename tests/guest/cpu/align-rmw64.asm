; SPDX-License-Identifier: GPL-2.0-or-later
; Alignment checking of read-modify-write forms in 64-bit code (SDM vol.
; 3A 6.15 "Interrupt 17"): at CPL 3 with CR0.AM and RFLAGS.AC set, a
; misaligned ADD [m], r / ADD [m], imm / INC [m] is #AC(0) at the
; instruction even when the page is already writable in the TLB (the
; fast path of a RMW must not skip the check); an aligned one is not.
; Own GDT (64-bit ring 3 code), 64-bit TSS and IDT; user pages.
%include "lib.inc"
ROM_BEGIN

%define PML4 0x10000
%define PDPT 0x11000
%define PD   0x12000
%define IDT64 0x20000
%define TSS64 0x3000
%define BUF 0x2000
%define ACCOUNT 0x600
%define USTACK 0x7000
%define KSTACK 0x9000

entry:
    PM_ENTER start
start:
    LM_TABLES 7                         ; user pages
    mov edi, TSS64
    mov ecx, 0x68 / 4
    rep stosd
    mov dword [TSS64 + 4], KSTACK       ; RSP0
    LM_ENABLE 0x100, 0x80040000         ; LME; PG, AM
    lgdt [ROM_BASE + gdt64_desc]
    jmp 0x08:(ROM_BASE + lm)
    bits 64
lm:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov rsp, KSTACK
    mov ax, 0x28
    ltr ax
    mov rdi, IDT64
    mov ecx, 256 * 16 / 4
    xor eax, eax
    rep stosd
    mov ecx, 32
    mov rdx, ROM_BASE + bad_vector
.gates:
    dec ecx
    call set_gate
    test ecx, ecx
    jnz .gates
    mov ecx, 17
    mov rdx, ROM_BASE + ac_handler
    call set_gate
    mov ecx, 3
    mov rdx, ROM_BASE + done
    call set_gate
    mov word [IDT64 + 3 * 16 + 4], 0xee00   ; INT3 from ring 3
    lidt [rel idt64_desc]
    mov dword [ACCOUNT], 0
    push 0x23                           ; SS
    push USTACK                         ; RSP
    push 0x40202                        ; RFLAGS: AC, IF
    push 0x1b                           ; CS: 64-bit ring 3
    push ROM_BASE + user
    iretq

; gate ECX -> RDX, interrupt gate DPL 0; clobbers RAX, RDI.
set_gate:
    mov edi, ecx
    shl edi, 4
    add rdi, IDT64
    mov rax, rdx
    mov [rdi], ax
    mov word [rdi + 2], 0x08
    mov word [rdi + 4], 0x8e00
    shr rax, 16
    mov [rdi + 6], ax
    shr rax, 16
    mov [rdi + 8], eax
    ret

user:
    mov ebx, BUF
    mov [rbx], eax                      ; the page is writable in the TLB
    mov [rbx + 8], eax
ac1: add [rbx + 1], eax
ac2: add dword [rbx + 3], 1
ac3: inc word [rbx + 9]
    add [rbx + 4], eax                  ; aligned: no #AC
    inc word [rbx + 10]
    int3

; #AC: error code 0, at the expected instruction; resume after it.
ac_handler:
    cmp qword [rsp], 0
    jne bad_vector
    mov eax, [ACCOUNT]
    mov rdx, [ROM_BASE + ac_at + rax * 8]
    cmp [rsp + 8], rdx
    jne bad_vector
    mov rdx, [ROM_BASE + ac_next + rax * 8]
    mov [rsp + 8], rdx
    inc dword [ACCOUNT]
    add rsp, 8
    iretq

done:
    cmp dword [ACCOUNT], 3
    jne bad_vector
    mov al, 0
    out PORT_EXIT, al
    hlt
bad_vector:
    mov al, 1
    out PORT_EXIT, al
    hlt

    align 8
ac_at:
    dq ROM_BASE + ac1, ROM_BASE + ac2, ROM_BASE + ac3
ac_next:
    dq ROM_BASE + ac2, ROM_BASE + ac3, ROM_BASE + ac3 + 4
idt64_desc:
    dw 256 * 16 - 1
    dq IDT64
gdt64:
    dq 0
    dq 0x00af9a000000ffff               ; 0x08 64-bit code, DPL 0
    dq 0x00cf92000000ffff               ; 0x10 data, DPL 0
    dq 0x00affa000000ffff               ; 0x18 64-bit code, DPL 3
    dq 0x00cff2000000ffff               ; 0x20 data, DPL 3
    dw 0x67, TSS64, 0x8900, 0           ; 0x28 64-bit TSS
    dq 0
gdt64_end:
gdt64_desc:
    dw gdt64_end - gdt64 - 1
    dd ROM_BASE + gdt64
    bits 16

GDT_TABLE
LIB_ROUTINES
ROM_END
