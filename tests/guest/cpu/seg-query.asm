; SPDX-License-Identifier: GPL-2.0-or-later
; Descriptor queries and privilege odds and ends (SDM vol. 2A/2B "LAR",
; "LSL", "VERR/VERW", "ARPL", "XLAT", "RDTSC", "RDTSCP"; vol. 3A 5.8.2
; conforming code): LAR returns the access bytes of a visible descriptor
; (accessed bit set by the CS load, busy TSS) and clears ZF for a null,
; out-of-table or more privileged one; LSL the expanded limit; VERR/VERW
; readability and writability at the current CPL; ARPL raises an RPL; a
; far call from ring 3 to a DPL 0 conforming segment runs at CPL 3;
; CR4.TSD makes RDTSC and RDTSCP #GP(0) outside ring 0; RDTSCP returns
; TSC_AUX in ECX.
%include "lib.inc"
ROM_BEGIN

%define USTACK 0x7000
%define KSTACK 0x9000
%define SEL_CONF SEL_TGATE              ; made a conforming code segment

; ZF_IS 0/1, 'what'
%macro ZF_IS 2
    pushfd
    pop ecx
    and ecx, 0x40
    CHECK ecx, %1 * 0x40, %2
%endmacro

entry:
    PM_ENTER start
start:
    SET_GATE 13, fault_13, 0x8e00
    SET_GATE 0x80, back_to_ring0, 0xee00
    TSS_LOAD
    ; Conforming, readable code, DPL 0, flat.
    mov dword [ROM_BASE + gdt + SEL_CONF], 0x0000ffff
    mov dword [ROM_BASE + gdt + SEL_CONF + 4], 0x00cf9e00

    ; LAR and LSL at CPL 0.
    mov eax, 0x5555
    mov bx, SEL_CODE0
    lar eax, bx
    ZF_IS 1, 'LAR CS descriptor: ZF'
    CHECK eax, 0x00c09b00, 'LAR: access rights, accessed set'
    mov bx, SEL_TSS
    lar eax, bx
    ZF_IS 1, 'LAR busy TSS: ZF'
    CHECK eax, 0x00008b00, 'LAR: busy 32-bit TSS'
    mov eax, 0x5555
    xor ebx, ebx
    lar eax, bx
    ZF_IS 0, 'LAR null selector'
    CHECK eax, 0x5555, 'LAR null: destination unchanged'
    mov bx, 0x1000
    lar eax, bx
    ZF_IS 0, 'LAR beyond the GDT'
    mov bx, SEL_SMALL
    lsl eax, bx
    ZF_IS 1, 'LSL small segment: ZF'
    CHECK eax, 0xfff, 'LSL byte-granular limit'
    mov bx, SEL_DATA0
    lsl eax, bx
    CHECK eax, 0xffffffff, 'LSL page-granular limit'

    ; VERR and VERW at CPL 0.
    mov bx, SEL_CODE0
    verr bx
    ZF_IS 1, 'VERR readable code'
    verw bx
    ZF_IS 0, 'VERW code'
    mov bx, SEL_RO
    verr bx
    ZF_IS 1, 'VERR read-only data'
    verw bx
    ZF_IS 0, 'VERW read-only data'
    mov bx, SEL_DATA0
    verw bx
    ZF_IS 1, 'VERW writable data'

    ; ARPL.
    mov ax, SEL_DATA0
    mov bx, SEL_DATA3
    arpl ax, bx
    ZF_IS 1, 'ARPL raised the RPL: ZF'
    CHECK ax, SEL_DATA0 | 3, 'ARPL result'
    arpl ax, bx
    ZF_IS 0, 'ARPL already at that RPL'

    ; XLAT.
    mov dword [0x2000], 0x44332211
    mov ebx, 0x2000
    mov al, 2
    xlatb
    CHECK al, 0x33, 'XLAT'

    ; RDTSCP: TSC_AUX in ECX.
    mov ecx, 0xc0000103
    mov eax, 0x1234
    xor edx, edx
    wrmsr
    xor ecx, ecx
    rdtscp
    CHECK ecx, 0x1234, 'RDTSCP: ECX = TSC_AUX'

    ; Ring 3: LAR/VERW of a DPL 0 descriptor fail; conforming code runs at
    ; CPL 3; with CR4.TSD, RDTSC faults.
    mov eax, cr4
    or eax, 4                   ; TSD
    mov cr4, eax
    EXPECT_FAULT r1
    call to_ring3
    mov bx, SEL_CODE0
    lar eax, bx
    pushfd
    pop dword [0x710]
    mov bx, SEL_CODE3
    lar eax, bx
    pushfd
    pop dword [0x714]
    mov bx, SEL_DATA0
    verw bx
    pushfd
    pop dword [0x718]
    call (SEL_CONF | 3):(ROM_BASE + conf_code)
    rdtsc
    FAIL 'RDTSC at CPL 3 with CR4.TSD'
r1: CHECK dword [FAULT_VEC], 13, 'RDTSC at CPL 3 with TSD: #GP'
    CHECK dword [FAULT_ERR], 0, 'RDTSC with TSD: error code'
    mov eax, [0x710]
    and eax, 0x40
    CHECK eax, 0, 'LAR of a DPL 0 segment at CPL 3'
    mov eax, [0x714]
    and eax, 0x40
    CHECK eax, 0x40, 'LAR of a DPL 3 segment at CPL 3'
    mov eax, [0x718]
    and eax, 0x40
    CHECK eax, 0, 'VERW of a DPL 0 segment at CPL 3'
    CHECK word [0x71c], SEL_CONF | 3, 'conforming code: CS RPL = CPL 3'
    EXPECT_FAULT r2
    call to_ring3
    rdtscp
    FAIL 'RDTSCP at CPL 3 with CR4.TSD'
r2: CHECK dword [FAULT_VEC], 13, 'RDTSCP at CPL 3 with TSD: #GP'
    rdtsc                       ; ring 0: fine
    PASS

conf_code:
    mov [0x71c], cs
    retf

TO_RING3_ROUTINE

BACK_TO_RING0_ROUTINE

FAULT_HANDLER 13, 1

GDT_TABLE
LIB_ROUTINES
ROM_END
