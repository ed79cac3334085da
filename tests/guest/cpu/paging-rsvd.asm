; SPDX-License-Identifier: GPL-2.0-or-later
; Reserved bits in paging-structure entries (SDM vol. 3A 4.3, 4.4.2, 4.7):
; a present entry with a reserved bit set is #PF with P and RSVD in the
; error code and CR2 = the address.  PAE paging: physical-address bits at
; and above MAXPHYADDR (40, CPUID 80000008h) up to bit 62, NX with
; EFER.NXE clear, bits 20:13 of a 2 MiB page.  32-bit paging: bit 21 of a
; 4 MiB page.  Legal entries around them translate.  With EFER.NXE set,
; NX makes a fetch #PF(P | I) while reads still work (4.6, 4.7).
%include "lib.inc"
ROM_BEGIN

%define PDPT 0x10000
%define PD   0x11000
%define PT   0x12000
%define PD32 0x13000

; TOUCH addr, 'what': a read of addr is #PF(P | RSVD) with CR2 = addr.
%macro RSVD_FAULT 2
    EXPECT_FAULT %%f
    mov eax, [%1]
    FAIL %2
%%f:
    CHECK dword [FAULT_VEC], 14, %2
    CHECK dword [FAULT_ERR], 9, %2
    mov eax, cr2
    CHECK eax, %1, 'CR2'
%endmacro

entry:
    PM_ENTER start
start:
    SET_GATE 14, fault_14, 0x8e00
    mov edi, PDPT
    mov ecx, 0x4000 / 4
    xor eax, eax
    rep stosd
    ; PAE: PDPTE 0 -> PD; PDE 0: 2 MiB at 0; PDE 1 -> PT (4 KiB at 2 MiB).
    mov dword [PDPT], PD | 1
    mov dword [PD], 0x83
    mov dword [PD + 8], PT | 3
    mov dword [PT], 0x200003
    mov dword [PT + 8], 0x201003
    mov dword [PD + 16], 0x400083
    mov eax, cr4
    or eax, 0x20                ; PAE
    mov cr4, eax
    mov eax, PDPT
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax

    mov eax, [0x200000]
    mov eax, [0x400000]         ; the legal entries translate
    mov dword [PT + 4], 0x100   ; bit 40
    invlpg [0x200000]
    RSVD_FAULT 0x200000, 'PTE bit 40 (MAXPHYADDR)'
    mov dword [PT + 12], 0x40000000     ; bit 62
    RSVD_FAULT 0x201000, 'PTE bit 62'
    mov dword [PT + 12], 0x80000000     ; NX, EFER.NXE clear
    invlpg [0x201000]
    RSVD_FAULT 0x201000, 'NX with EFER.NXE clear'
    mov dword [PT + 12], 0x0000000f     ; bits 35:32: address, fine
    invlpg [0x201000]
    mov eax, [0x201000]
    mov dword [PD + 16], 0x402083       ; 2 MiB page with bit 13
    invlpg [0x400000]
    RSVD_FAULT 0x400000, '2 MiB page bit 13'
    mov dword [PD + 16], 0x500083       ; bit 20
    invlpg [0x400000]
    RSVD_FAULT 0x400000, '2 MiB page bit 20'
    mov dword [PD + 16], 0x401083       ; bit 12: PAT, fine
    invlpg [0x400000]
    mov eax, [0x400000]

    ; NX with EFER.NXE set (4.6): reading is fine, a fetch is #PF(P|I).
    mov ecx, 0xc0000080
    rdmsr
    or eax, 1 << 11
    wrmsr
    mov dword [PT + 8], 0x201003
    mov dword [PT + 12], 0x80000000
    invlpg [0x201000]
    mov byte [0x201000], 0xc3           ; RET
    mov eax, [0x201000]
    EXPECT_FAULT nx1
    mov eax, 0x201000
    call eax
    FAIL 'fetch from an NX page'
nx1:
    CHECK dword [FAULT_VEC], 14, 'NX fetch: #PF'
    CHECK dword [FAULT_ERR], 0x11, 'NX fetch: error code P | I'
    CHECK dword [FAULT_EIP], 0x201000, 'NX fetch: EIP'
    mov dword [PT + 12], 0
    invlpg [0x201000]
    mov eax, 0x201000
    call eax                            ; executable again
    mov ecx, 0xc0000080
    rdmsr
    and eax, ~(1 << 11)
    wrmsr

    ; 32-bit paging with PSE: bit 21 of a 4 MiB page is reserved.
    mov eax, cr0
    and eax, 0x7fffffff
    mov cr0, eax
    mov eax, cr4
    and eax, ~0x20
    or eax, 0x10                ; PSE
    mov cr4, eax
    mov dword [PD32], 0x83
    mov dword [PD32 + 4], 0x600083      ; 4 MiB at 4 MiB with bit 21
    mov eax, PD32
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    RSVD_FAULT 0x400000, '4 MiB page bit 21'
    mov dword [PD32 + 4], 0x400083
    invlpg [0x400000]
    mov eax, [0x400000]
    PASS

FAULT_HANDLER 14, 1

GDT_TABLE
LIB_ROUTINES
ROM_END
