; SPDX-License-Identifier: GPL-2.0-or-later
; SMAP, advertised in CPUID.(EAX=7,ECX=0):EBX bit 20 (SDM vol. 3A 4.6.1):
; with CR4.SMAP a supervisor-mode data access to a user-mode page faults
; with #PF (error code P, plus W for a write; CR2 = the address) unless
; EFLAGS.AC is set at CPL < 3; at CPL 3 the implicit supervisor accesses
; (here a segment load reading an LDT in a user page) fault whatever AC
; says.  STAC and CLAC set and clear AC at CPL 0 and raise #UD at CPL 3;
; user-mode accesses are unaffected.
%include "lib.inc"
ROM_BEGIN

%define KSTACK 0x9000
%define GDT2   0x4000           ; RAM copy of the GDT plus an LDT descriptor
%define SEL_LDT (gdt_end - gdt)
%define PD     0x10000
%define PT     0x11000
%define UPAGE  0x20000          ; U/S = 1; holds an LDT
%define EF_AC  0x40000

; Enter ring 3 at the copy of user_code's label %1, stack in the user page.
%macro ENTER_USER 1
    push SEL_DATA3
    push UPAGE + 0x800
    push 0x002
    push SEL_CODE3
    push UPAGE + 0x200 + %1 - user_code
    mov ax, SEL_DATA3
    mov ds, ax
    mov es, ax
    iretd
%endmacro

entry:
    PM_ENTER start
start:
    SET_GATE 6, fault_6, 0x8e00
    SET_GATE 13, fault_13, 0x8e00
    SET_GATE 14, fault_14, 0x8e00

    mov eax, 7
    xor ecx, ecx
    cpuid
    and ebx, 1 << 20
    CHECK ebx, 1 << 20, 'CPUID.7.0:EBX.SMAP'

    TSS_LOAD

    ; The GDT in RAM with an LDT (base UPAGE, limit 15) after it.
    mov esi, ROM_BASE + gdt
    mov edi, GDT2
    mov ecx, gdt_end - gdt
    rep movsb
    mov dword [edi], 0x0000000f | (UPAGE & 0xffff) << 16
    mov dword [edi + 4], 0x00008200 | (UPAGE >> 16)
    mov word [0x700], gdt_end - gdt + 7
    mov dword [0x702], GDT2
    lgdt [0x700]
    mov dword [UPAGE], 0
    mov dword [UPAGE + 4], 0
    mov dword [UPAGE + 8], 0x0000ffff      ; LDT entry 1: flat data
    mov dword [UPAGE + 12], 0x00cf9200
    mov ax, SEL_LDT
    lldt ax

    ; Paging: 4 MiB identity-mapped, supervisor except UPAGE.
    PT_IDENTITY PT, 3
    or dword [PT + (UPAGE >> 12) * 4], 4
    mov dword [PD], PT | 7
    mov eax, PD
    mov cr3, eax
    mov eax, cr0
    or eax, 1 << 31
    mov cr0, eax

    mov dword [UPAGE + 0x100], 0x1234  ; SMAP off: allowed
    mov ax, 0x0c
    mov es, ax                  ; LDT read: allowed
    mov ax, SEL_DATA0
    mov es, ax
    mov eax, cr4
    or eax, 1 << 21
    mov cr4, eax
    mov eax, cr4
    and eax, 1 << 21
    CHECK eax, 1 << 21, 'CR4.SMAP sticks'

    clac
    pushfd
    pop eax
    and eax, EF_AC
    CHECK eax, 0, 'CLAC clears AC'
    EXPECT_FAULT p1
at_read:
    mov eax, [UPAGE + 0x100]
    FAIL 'SMAP: supervisor read of a user page with AC = 0'
p1: CHECK dword [FAULT_VEC], 14, 'SMAP read: vector'
    CHECK dword [FAULT_ERR], 0x01, 'SMAP read: error code P'
    CHECK dword [FAULT_EIP], ROM_BASE + at_read, 'SMAP read: faulting EIP'
    mov eax, cr2
    CHECK eax, UPAGE + 0x100, 'SMAP read: CR2'
    EXPECT_FAULT p2
    mov dword [UPAGE + 0x104], 1
    FAIL 'SMAP: supervisor write of a user page with AC = 0'
p2: CHECK dword [FAULT_VEC], 14, 'SMAP write: vector'
    CHECK dword [FAULT_ERR], 0x03, 'SMAP write: error code P | W'

    stac
    pushfd
    pop eax
    and eax, EF_AC
    CHECK eax, EF_AC, 'STAC sets AC'
    mov eax, [UPAGE + 0x100]
    CHECK eax, 0x1234, 'explicit read with AC = 1'
    mov dword [UPAGE + 0x104], 5
    CHECK dword [UPAGE + 0x104], 5, 'explicit write with AC = 1'
    mov ax, 0x0c
    mov es, ax                  ; CPL 0, AC = 1: the LDT read is allowed
    mov ax, SEL_DATA0
    mov es, ax
    clac
    EXPECT_FAULT p3
at_ldt:
    mov ax, 0x0c
    mov es, ax
    FAIL 'SMAP: LDT read at CPL 0 with AC = 0'
p3: CHECK dword [FAULT_VEC], 14, 'LDT read: vector'
    CHECK dword [FAULT_ERR], 0x01, 'LDT read: error code P'
    CHECK dword [FAULT_EIP], ROM_BASE + at_ldt + 4, 'LDT read: faulting EIP'
    mov eax, cr2
    CHECK eax, UPAGE + 8, 'LDT read: CR2'
    EXPECT_FAULT p4
    mov eax, [UPAGE + 0x100]
    FAIL 'SMAP: read after CLAC'
p4: CHECK dword [FAULT_VEC], 14, 'CLAC again: vector'

    ; Ring 3, running a copy of user_code in the user page: user accesses
    ; are not affected; with AC = 1 the implicit LDT read still faults.
    stac
    mov esi, ROM_BASE + user_code
    mov edi, UPAGE + 0x200
    mov ecx, user_code_end - user_code
    rep movsb
    clac
    EXPECT_FAULT r1
    ENTER_USER user_code
r1: CHECK dword [FAULT_VEC], 14, 'CPL 3 LDT read with AC = 1: #PF'
    CHECK dword [FAULT_ERR], 0x01, 'CPL 3 LDT read: supervisor, P'
    CHECK dword [FAULT_EIP], UPAGE + 0x200 + user_ldt + 4 - user_code, \
          'CPL 3 LDT read: faulting EIP'
    stac
    CHECK dword [UPAGE + 0x108], 0x1234, 'user read of a user page'
    clac
    EXPECT_FAULT r2
    ENTER_USER user_stac
r2: CHECK dword [FAULT_VEC], 6, 'STAC at CPL 3: #UD'
    CHECK dword [FAULT_EIP], UPAGE + 0x200 + user_stac - user_code, \
          'STAC at CPL 3: faulting EIP'
    PASS

user_code:
    mov eax, [UPAGE + 0x100]
    mov [UPAGE + 0x108], eax
    pushfd
    or dword [esp], EF_AC
    popfd
user_ldt:
    mov ax, 0x0f
    mov es, ax
    hlt
user_stac:
    stac
    hlt
user_code_end:

FAULT_HANDLER 6, 0
FAULT_HANDLER 13, 1
FAULT_HANDLER 14, 1

GDT_TABLE
LIB_ROUTINES
ROM_END
