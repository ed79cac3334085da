; SPDX-License-Identifier: GPL-2.0-or-later
; SMEP and UMIP, advertised in CPUID.(EAX=7,ECX=0) (SDM vol. 2A "CPUID"):
; with CR4.UMIP, SGDT, SIDT, SLDT, SMSW and STR fault with #GP(0) at CPL 3
; but work at CPL 0 (vol. 3A 2.5); with CR4.SMEP a supervisor-mode
; instruction fetch from a user-mode page faults with #PF, error code
; P | I/D, CR2 = the address (vol. 3A 4.6.1, 4.7), while data accesses to
; it and fetches from supervisor pages still work (CR4.SMAP is clear).
%include "lib.inc"
ROM_BEGIN

%define USTACK 0x7000
%define KSTACK 0x9000
%define PD     0x10000
%define PT     0x11000
%define UPAGE  0x20000          ; U/S = 1
%define SPAGE  0x21000          ; U/S = 0

entry:
    PM_ENTER start
start:
    SET_GATE 13, fault_13, 0x8e00
    SET_GATE 14, fault_14, 0x8e00

    mov eax, 7
    xor ecx, ecx
    cpuid
    mov eax, ebx
    and eax, 1 << 7
    CHECK eax, 1 << 7, 'CPUID.7.0:EBX.SMEP'
    and ecx, 1 << 2
    CHECK ecx, 1 << 2, 'CPUID.7.0:ECX.UMIP'

    ; A TSS for the ring 3 -> ring 0 fault path.
    TSS_LOAD

    ; UMIP (paging off).
    mov eax, cr4
    or eax, 1 << 11
    mov cr4, eax
    sgdt [0x700]
    smsw ax
    EXPECT_FAULT u1
    call to_ring3
    sgdt [0x700]
    FAIL 'SGDT at CPL 3 with UMIP'
u1: CHECK dword [FAULT_VEC], 13, 'UMIP SGDT: vector'
    CHECK dword [FAULT_ERR], 0, 'UMIP SGDT: error code'
    EXPECT_FAULT u2
    call to_ring3
    smsw ax
    FAIL 'SMSW at CPL 3 with UMIP'
u2: CHECK dword [FAULT_VEC], 13, 'UMIP SMSW: vector'
    EXPECT_FAULT u3
    call to_ring3
    str ax
    FAIL 'STR at CPL 3 with UMIP'
u3: CHECK dword [FAULT_VEC], 13, 'UMIP STR: vector'
    mov eax, cr4
    and eax, ~(1 << 11)
    mov cr4, eax
    EXPECT_FAULT u4
    call to_ring3
    sidt [0x700]
at_cli:
    cli                         ; CPL 3 > IOPL: #GP back to ring 0
u4: CHECK dword [FAULT_VEC], 13, 'without UMIP SIDT passes'
    CHECK dword [FAULT_EIP], ROM_BASE + at_cli, 'at the CLI'

    ; Paging: 4 MiB identity-mapped, supervisor except UPAGE.
    PT_IDENTITY PT, 3
    or dword [PT + (UPAGE >> 12) * 4], 4
    mov dword [PD], PT | 7
    mov byte [UPAGE], 0xc3      ; ret
    mov byte [SPAGE], 0xc3
    mov eax, PD
    mov cr3, eax
    mov eax, cr0
    or eax, 1 << 31
    mov cr0, eax

    mov edx, UPAGE
    call edx                    ; without SMEP: allowed
    mov eax, cr4
    or eax, 1 << 20
    mov cr4, eax
    mov eax, [UPAGE]            ; data access: allowed (no SMAP)
    CHECK al, 0xc3, 'data read of a user page'
    mov edx, SPAGE
    call edx                    ; supervisor page: allowed
    EXPECT_FAULT s1
    mov edx, UPAGE
    call edx
    FAIL 'SMEP: fetch from a user page'
s1: CHECK dword [FAULT_VEC], 14, 'SMEP: vector'
    CHECK dword [FAULT_ERR], 0x11, 'SMEP: error code P | I/D'
    CHECK dword [FAULT_EIP], UPAGE, 'SMEP: faulting EIP'
    mov eax, cr2
    CHECK eax, UPAGE, 'SMEP: CR2'
    mov eax, cr4
    and eax, ~(1 << 20)
    mov cr4, eax
    mov edx, UPAGE
    call edx                    ; SMEP off again: allowed
    PASS

TO_RING3_ROUTINE

FAULT_HANDLER 13, 1
FAULT_HANDLER 14, 1

GDT_TABLE
LIB_ROUTINES
ROM_END
