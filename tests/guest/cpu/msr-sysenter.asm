; SPDX-License-Identifier: GPL-2.0-or-later
; MSRs, SYSENTER/SYSEXIT and what CPUID leaves out.  RDMSR and WRMSR of an
; MSR the model does not have are #GP(0) (SDM vol. 2B "RDMSR"), as is a
; write of a reserved bit or memory type to PAT or the MTRRs (vol. 3A
; 11.11.2, 11.12.2), of a non-canonical address to SYSENTER_EIP, of bits
; 63:32 to TSC_AUX or of a reserved EFER bit (vol. 4 table 2-2); the MSR
; keeps its value.  SYSEXIT enters ring 3 with CS and SS from
; SYSENTER_CS + 16/24, SYSENTER comes back to ring 0 (vol. 2B "SYSENTER",
; "SYSEXIT").  XRSTOR, XGETBV, MONITOR and RDRAND are #UD and CR4.VME
; and CR4.PVI are reserved: CPUID says they are not there; CLFLUSH is.
%include "lib.inc"
ROM_BEGIN

%define USTACK 0x7000
%define KSTACK 0x9000

; WRMSR_GP ecx, edx, eax, 'what': the write must be #GP(0).
%macro WRMSR_GP 4
    EXPECT_FAULT %%f
    mov ecx, %1
    mov edx, %2
    mov eax, %3
    wrmsr
    FAIL %4
%%f:
    CHECK dword [FAULT_VEC], 13, %4
    CHECK dword [FAULT_ERR], 0, %4
%endmacro

; WRMSR_OK ecx, edx, eax: the write succeeds and reads back.
%macro WRMSR_OK 3
    mov ecx, %1
    mov edx, %2
    mov eax, %3
    wrmsr
    rdmsr
    CHECK edx, %2, 'MSR high half reads back'
    CHECK eax, %3, 'MSR low half reads back'
%endmacro

entry:
    PM_ENTER start
start:
    SET_GATE 6, fault_6, 0x8e00
    SET_GATE 13, fault_13, 0x8e00
    TSS_LOAD

    ; MSRs the model does not have.
    EXPECT_FAULT m1
    mov ecx, 0x12345
    rdmsr
    FAIL 'RDMSR of an unknown MSR'
m1: CHECK dword [FAULT_VEC], 13, 'RDMSR unknown: #GP'
    WRMSR_GP 0x12345, 0, 0, 'WRMSR unknown'
    WRMSR_GP 0x179, 0, 0, 'WRMSR to the read-only MCG_CAP'

    ; PAT: types 2 and 3 and bits 3-7 of an entry are reserved.
    WRMSR_GP 0x277, 0x00070406, 0x00070402, 'PAT entry 0 = 2'
    WRMSR_GP 0x277, 0x00070406, 0x00070416, 'PAT entry 0 = 16h'
    mov ecx, 0x277
    rdmsr
    CHECK eax, 0x00070406, 'PAT unchanged by the faulting WRMSR'
    WRMSR_OK 0x277, 0x00070105, 0x00070406

    ; MTRRs: MTRRdefType reserved bits and type; PHYSBASE/PHYSMASK bits
    ; at and above MAXPHYADDR (40) and their reserved low bits; a fixed
    ; range type 2.
    WRMSR_GP 0x2ff, 0, 0x206, 'MTRRdefType bit 9'
    WRMSR_GP 0x2ff, 0, 0x802, 'MTRRdefType type 2'
    WRMSR_OK 0x2ff, 0, 0xc06
    WRMSR_GP 0x200, 0, 0x10003, 'PHYSBASE0 type 3'
    WRMSR_GP 0x200, 0, 0x10106, 'PHYSBASE0 bit 8'
    WRMSR_GP 0x200, 0x100, 0x6, 'PHYSBASE0 bit 40'
    WRMSR_OK 0x200, 0xff, 0x80000006
    WRMSR_GP 0x201, 0, 0xfff00801, 'PHYSMASK0 bit 0'
    WRMSR_OK 0x201, 0xff, 0xfff00800
    WRMSR_GP 0x250, 0x06060606, 0x06020606, 'fixed-range type 2'
    WRMSR_OK 0x250, 0x06060606, 0x06050606
    xor eax, eax
    xor edx, edx
    mov ecx, 0x2ff
    wrmsr

    ; Canonical SYSENTER_EIP, 32-bit TSC_AUX, EFER reserved bits.
    WRMSR_GP 0x176, 0x8000, 0, 'non-canonical SYSENTER_EIP'
    WRMSR_GP 0xc0000103, 1, 0, 'TSC_AUX bit 32'
    WRMSR_GP 0xc0000080, 0, 2, 'EFER bit 1'
    WRMSR_OK 0xc0000103, 0, 0x12345678

    ; SYSENTER with SYSENTER_CS = 0: #GP(0).
    mov ecx, 0x174
    xor eax, eax
    xor edx, edx
    wrmsr
    EXPECT_FAULT s1
    sysenter
    FAIL 'SYSENTER with SYSENTER_CS = 0'
s1: CHECK dword [FAULT_VEC], 13, 'SYSENTER, CS MSR 0: #GP'

    ; SYSEXIT to ring 3, SYSENTER back.
    WRMSR_OK 0x174, 0, SEL_CODE0
    WRMSR_OK 0x175, 0, KSTACK
    WRMSR_OK 0x176, 0, ROM_BASE + sysenter_entry
    mov ecx, USTACK
    mov edx, ROM_BASE + ring3
    sysexit
ring3:
    ; DS keeps its ring 0 cache: SYSEXIT loads only CS and SS.
    mov [0x710], cs
    mov [0x714], ss
    mov [0x718], esp
    EXPECT_FAULT s2
    sysexit                     ; CPL 3: #GP(0)
s2: CHECK word [0x710], SEL_CODE3, 'SYSEXIT: CS = SYSENTER_CS + 16, RPL 3'
    CHECK word [0x714], SEL_DATA3, 'SYSEXIT: SS = SYSENTER_CS + 24, RPL 3'
    CHECK dword [0x718], USTACK, 'SYSEXIT: ESP = ECX'
    CHECK dword [FAULT_VEC], 13, 'SYSEXIT at CPL 3: #GP'
    CHECK dword [FAULT_CS], SEL_CODE3, 'SYSEXIT fault from ring 3'
    mov ecx, USTACK
    mov edx, ROM_BASE + ring3_again
    sysexit
ring3_again:
    sysenter
    FAIL 'SYSENTER fell through'
sysenter_entry:
    mov ax, cs
    CHECK ax, SEL_CODE0, 'SYSENTER: CS = SYSENTER_CS'
    mov ax, ss
    CHECK ax, SEL_DATA0, 'SYSENTER: SS = SYSENTER_CS + 8'
    CHECK esp, KSTACK, 'SYSENTER: ESP = SYSENTER_ESP'
    mov esp, 0x8000

    ; Instructions CPUID does not advertise: #UD.
    EXPECT_FAULT u1
    xrstor [0x2000]
    FAIL 'XRSTOR without XSAVE in CPUID'
u1: CHECK dword [FAULT_VEC], 6, 'XRSTOR: #UD'
    EXPECT_FAULT u2
    xgetbv
    FAIL 'XGETBV without XSAVE in CPUID'
u2: CHECK dword [FAULT_VEC], 6, 'XGETBV: #UD'
    EXPECT_FAULT u3
    monitor
    FAIL 'MONITOR without MONITOR in CPUID'
u3: CHECK dword [FAULT_VEC], 6, 'MONITOR: #UD'
    EXPECT_FAULT u4
    rdrand eax
    FAIL 'RDRAND without RDRAND in CPUID'
u4: CHECK dword [FAULT_VEC], 6, 'RDRAND: #UD'
    EXPECT_FAULT u5
    xsaveopt [0x2000]
    FAIL 'XSAVEOPT without XSAVE in CPUID'
u5: CHECK dword [FAULT_VEC], 6, 'XSAVEOPT: #UD'
    clflush [0x2000]
    lfence
    mfence
    sfence
    mov eax, 1
    cpuid
    and ecx, (1 << 3) | (1 << 26) | (1 << 27) | (1 << 30)
    CHECK ecx, 0, 'CPUID.1:ECX: no MONITOR, XSAVE, OSXSAVE, RDRAND'
    and edx, (1 << 1) | (1 << 2) | (1 << 19)
    CHECK edx, (1 << 2) | (1 << 19), 'CPUID.1:EDX: DE and CLFSH, no VME'
    ; ... so CR4.VME and CR4.PVI are reserved.
    EXPECT_FAULT c1
    mov eax, cr4
    or eax, 1                   ; VME
    mov cr4, eax
    FAIL 'CR4.VME without VME in CPUID'
c1: CHECK dword [FAULT_VEC], 13, 'CR4.VME: #GP'
    EXPECT_FAULT c2
    mov eax, cr4
    or eax, 2                   ; PVI
    mov cr4, eax
    FAIL 'CR4.PVI without VME in CPUID'
c2: CHECK dword [FAULT_VEC], 13, 'CR4.PVI: #GP'
    PASS

FAULT_HANDLER 6, 0
FAULT_HANDLER 13, 1

GDT_TABLE
LIB_ROUTINES
ROM_END
