; SPDX-License-Identifier: GPL-2.0-or-later
; 32-bit paging (SDM vol. 3A 4.3, 4.7, 4.8, 4.10): #PF error codes and CR2,
; CR0.WP for supervisor writes, accessed and dirty bits, 4 MiB pages with
; CR4.PSE, INVLPG of a changed data or code mapping.
%include "lib.inc"
ROM_BEGIN

%define PD  0x10000
%define PT  0x11000

entry:
    PM_ENTER start
start:
    SET_GATE 14, fault_14, 0x8e00
    ; Page table 0: identity map 0-4 MiB with 4 KiB pages, writable.
    PT_IDENTITY PT, 0x003
    mov dword [PD], PT | 3
    ; PDE 1: a 4 MiB page at 4 MiB mapping physical 0 (alias).
    mov dword [PD + 4], 0x00000083
    ; Page 0x200000: not present; page 0x201000: read-only.
    mov dword [PT + 0x200 * 4], 0
    mov dword [PT + 0x201 * 4], 0x201001
    mov eax, cr4
    or eax, 0x10                ; PSE
    mov cr4, eax
    mov eax, PD
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax

    ; Not present, supervisor read: error code 0, CR2 = address.
    EXPECT_FAULT t1
    mov eax, [0x200010]
    FAIL 'no #PF on a not-present page'
t1: CHECK dword [FAULT_VEC], 14, 'not present: vector'
    CHECK dword [FAULT_ERR], 0, 'not present: error code'
    mov eax, cr2
    CHECK eax, 0x200010, 'CR2'
    ; Not present, write: error code 2.
    EXPECT_FAULT t2
    mov dword [0x200ffc], 1
t2: CHECK dword [FAULT_ERR], 2, 'not present write: error code'

    ; Read-only page, supervisor write with WP = 0: allowed.
    mov dword [0x201000], 0x5a5a
    ; With WP = 1: #PF, error code P | W = 3.
    mov eax, cr0
    or eax, 0x10000
    mov cr0, eax
    EXPECT_FAULT t3
    mov dword [0x201000], 0x6b6b
    FAIL 'no #PF writing a read-only page with CR0.WP'
t3: CHECK dword [FAULT_ERR], 3, 'WP: error code'
    CHECK dword [0x201000], 0x5a5a, 'WP: memory unchanged'

    ; Accessed and dirty bits of the PTE for page 0x202000.
    and dword [PT + 0x202 * 4], ~0x60
    invlpg [0x202000]
    mov eax, [0x202000]
    mov eax, [PT + 0x202 * 4]
    and eax, 0x60
    CHECK eax, 0x20, 'accessed bit after a read'
    mov dword [0x202000], 7
    mov eax, [PT + 0x202 * 4]
    and eax, 0x60
    CHECK eax, 0x60, 'dirty bit after a write'

    ; 4 MiB page: linear 0x400000 + x reads physical x.
    mov dword [0x3000], 0x11223344
    CHECK dword [0x403000], 0x11223344, '4 MiB page alias'

    ; INVLPG: remap page 0x203000 to physical 0x3000.
    mov eax, [0x203000]
    mov dword [PT + 0x203 * 4], 0x3003
    invlpg [0x203000]
    CHECK dword [0x203000], 0x11223344, 'INVLPG remap'

    ; INVLPG of a code page: code that ran from linear 0x204000 (physical
    ; 0x4000, "mov eax, 1; ret") is remapped to physical 0x5000 ("mov eax,
    ; 2; ret"); the next call runs the new code.  INVLPG of a data page in
    ; between keeps the old mapping running.
    mov dword [0x4000], 0x0001b8
    mov word [0x4004], 0xc300
    mov dword [0x5000], 0x0002b8
    mov word [0x5004], 0xc300
    mov dword [PT + 0x204 * 4], 0x4003
    invlpg [0x204000]
    mov ecx, 0x204000
    call ecx
    CHECK eax, 1, 'code page before the remap'
    invlpg [0x203000]
    call ecx
    CHECK eax, 1, 'code page after INVLPG of a data page'
    mov dword [PT + 0x204 * 4], 0x5003
    invlpg [0x204000]
    call ecx
    CHECK eax, 2, 'code page after INVLPG of its remapping'
    PASS

FAULT_HANDLER 14, 1

GDT_TABLE
LIB_ROUTINES
ROM_END
