; SPDX-License-Identifier: GPL-2.0-or-later
; CLFLUSH (SDM vol. 2A "CLFLUSH"): no cache to flush, but its address is
; checked like a byte load's: past the segment limit is #GP(0) (#SS(0)
; through SS), a not-present page is #PF with error code 0 and CR2;
; within the limit nothing faults.
%include "lib.inc"
ROM_BEGIN

%define PD  0x10000
%define PT  0x11000

entry:
    PM_ENTER start
start:
    SET_GATE 12, fault_12, 0x8e00
    SET_GATE 13, fault_13, 0x8e00
    SET_GATE 14, fault_14, 0x8e00
    PT_IDENTITY PT, 0x003
    mov dword [PD], PT | 3
    mov dword [PT + 0x200 * 4], 0           ; 0x200000 not present
    mov eax, PD
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax

    ; Within limits, present: nothing.
    EXPECT_FAULT t0
    clflush [0x1000]
    mov ax, SEL_SMALL
    mov es, ax
    clflush [es:0xfff]
    mov dword [FAULT_VEC], 0
t0: CHECK dword [FAULT_VEC], 0, 'CLFLUSH within limits faulted'

    ; Past ES's limit: #GP(0).
    EXPECT_FAULT t1
    clflush [es:0x1000]
    FAIL 'CLFLUSH past the limit did not fault'
t1: CHECK dword [FAULT_VEC], 13, 'past the limit: #GP'
    CHECK dword [FAULT_ERR], 0, 'past the limit: error code 0'

    ; Past SS's limit: #SS(0).
    EXPECT_FAULT t2
    mov ax, SEL_SSMALL
    mov ss, ax
    mov esp, 0x1ff0
    clflush [ss:0x2000]
    FAIL 'CLFLUSH past the SS limit did not fault'
t2: CHECK dword [FAULT_VEC], 12, 'past the SS limit: #SS'
    CHECK dword [FAULT_ERR], 0, 'past the SS limit: error code 0'

    ; A not-present page: #PF, read, supervisor.
    EXPECT_FAULT t3
    clflush [0x200010]
    FAIL 'CLFLUSH of a not-present page did not fault'
t3: CHECK dword [FAULT_VEC], 14, 'not present: #PF'
    CHECK dword [FAULT_ERR], 0, 'not present: error code 0'
    mov eax, cr2
    CHECK eax, 0x200010, 'not present: CR2'

    PASS

FAULT_HANDLER 12, 1
FAULT_HANDLER 13, 1
FAULT_HANDLER 14, 1

GDT_TABLE
LIB_ROUTINES
ROM_END
