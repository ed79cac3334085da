; SPDX-License-Identifier: GPL-2.0-or-later
; PAE PDPTE registers (SDM vol. 3A 4.4.1): PAE walks use four internal
; registers loaded from the table at CR3 by MOV to CR3, by MOV to CR0 or
; CR4 changing CD, NW, PG, PAE, PGE, PSE or SMEP and by a task switch
; loading CR3, not from memory, so a rewritten PDPT takes effect only at
; such a load (INVLPG and CR0.WP do not load them).  A present PDPTE
; with a reserved bit (2:1, 8:5, 63:MAXPHYADDR) makes the loading MOV
; #GP(0), leaving the control register and the PDPTE registers unchanged;
; a not-present PDPTE may hold anything.
%include "lib.inc"
ROM_BEGIN

%define PDPT  0x10000
%define PDPT2 0x10020
%define PD_A  0x11000           ; linear 2 MiB -> physical 2 MiB
%define PD_B  0x12000           ; linear 2 MiB -> physical 4 MiB
%define MARK_A 0xaaaa1111
%define MARK_B 0xbbbb2222

; GP_ZERO 'what': the instruction before it faulted #GP(0) and resumed at
; the label given to EXPECT_FAULT.
%macro GP_ZERO 1
    CHECK dword [FAULT_VEC], 13, %1
    CHECK dword [FAULT_ERR], 0, %1
%endmacro

; SEES mark, 'what': linear 2 MiB reads @mark.
%macro SEES 2
    mov eax, [0x200000]
    CHECK eax, %1, %2
%endmacro

; BAD_CR3 'what': MOV CR3 <- PDPT2 faults #GP(0), CR3 stays PDPT and the
; walk still goes to PD_B.
%macro BAD_CR3 1
    EXPECT_FAULT %%f
    mov eax, PDPT2
    mov cr3, eax
    FAIL %1
%%f:
    GP_ZERO %1
    mov eax, cr3
    CHECK eax, PDPT, 'CR3 changed by a faulting MOV CR3'
    SEES MARK_B, 'PDPTEs changed by a faulting MOV CR3'
%endmacro

entry:
    PM_ENTER start
start:
    SET_GATE 13, fault_13, 0x8e00
    mov edi, PDPT
    mov ecx, 0x3000 / 4
    xor eax, eax
    rep stosd
    mov dword [PD_A], 0x83
    mov dword [PD_A + 8], 0x200083
    mov dword [PD_B], 0x83
    mov dword [PD_B + 8], 0x400083
    mov dword [0x200000], MARK_A
    mov dword [0x400000], MARK_B
    mov dword [PDPT], PD_A | 1
    mov eax, cr4
    or eax, 0x20                ; PAE
    mov cr4, eax
    mov eax, PDPT
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000          ; PG: loads the PDPTEs
    mov cr0, eax
    SEES MARK_A, 'first mapping'

    ; (a) The PDPT in memory changes: INVLPG keeps the registers.
    mov dword [PDPT], PD_B | 1
    invlpg [0x200000]
    SEES MARK_A, 'INVLPG reloaded the PDPTEs'
    mov eax, PDPT
    mov cr3, eax
    SEES MARK_B, 'MOV CR3 did not load the PDPTEs'

    ; (b) Reserved bits: MOV CR3 faults and changes nothing.
    mov dword [PDPT2], PD_A | 3         ; bit 1
    BAD_CR3 'PDPTE bit 1'
    mov dword [PDPT2], PD_A | 0x21      ; bit 5
    BAD_CR3 'PDPTE bit 5'
    mov dword [PDPT2], PD_A | 0x101     ; bit 8
    BAD_CR3 'PDPTE bit 8'
    mov dword [PDPT2], PD_A | 1
    mov dword [PDPT2 + 12], 0x100       ; PDPTE 1 bit 40, P clear: fine
    mov dword [PDPT2 + 24], PD_A | 0x19 ; PDPTE 3 P | PWT | PCD: fine
    mov dword [PDPT2 + 28], 0x100       ; ... with bit 40
    BAD_CR3 'PDPTE 3 bit 40 (MAXPHYADDR)'
    mov dword [PDPT2 + 28], 0x80000000  ; bit 63
    BAD_CR3 'PDPTE 3 bit 63'
    mov dword [PDPT2 + 28], 0x0f        ; bits 35:32: address
    mov dword [PDPT2 + 8], 0xfffffffe   ; PDPTE 1 not present
    EXPECT_FAULT bad_fault
    mov eax, PDPT2
    mov cr3, eax
    SEES MARK_A, 'MOV CR3 to a valid PDPT'

    ; (c) MOV CR0 / CR4: WP does not load, PGE, CD and NW do.
    mov dword [PDPT2], PD_B | 1
    mov eax, cr0
    or eax, 0x10000             ; WP
    mov cr0, eax
    invlpg [0x200000]
    SEES MARK_A, 'CR0.WP loaded the PDPTEs'
    mov eax, cr4
    or eax, 0x80                ; PGE
    mov cr4, eax
    SEES MARK_B, 'MOV CR4 (PGE) did not load the PDPTEs'
    mov dword [PDPT2], PD_A | 1
    mov eax, cr0
    and eax, ~0x60000000        ; CD, NW: set at reset
    mov cr0, eax
    invlpg [0x200000]           ; MOV CR0 need not flush the TLB
    SEES MARK_A, 'MOV CR0 (CD, NW) did not load the PDPTEs'

    ; A bad PDPTE makes those MOVs #GP(0), the register unchanged.
    mov dword [PDPT2], PD_B | 5         ; bit 2
    EXPECT_FAULT c4
    mov eax, cr4
    and eax, ~0x80
    mov cr4, eax
    FAIL 'MOV CR4 (PGE) with PDPTE bit 2'
c4:
    GP_ZERO 'MOV CR4 with a bad PDPTE'
    mov eax, cr4
    CHECK eax, 0xa0, 'CR4 changed by a faulting MOV CR4'
    SEES MARK_A, 'PDPTEs changed by a faulting MOV CR4'
    EXPECT_FAULT c0
    mov eax, cr0
    or eax, 0x40000000
    mov cr0, eax
    FAIL 'MOV CR0 (CD) with PDPTE bit 2'
c0:
    GP_ZERO 'MOV CR0 with a bad PDPTE'
    mov eax, cr0
    test eax, 0x40000000
    jz c0_ok
    FAIL 'CR0 changed by a faulting MOV CR0'
c0_ok:
    ; Clearing PG loads nothing; setting it again does.
    EXPECT_FAULT bad_fault
    and eax, ~0x80000000
    mov cr0, eax
    mov dword [PDPT2], PD_B | 1
    or eax, 0x80000000
    mov cr0, eax
    SEES MARK_B, 'MOV CR0 (PG) did not load the PDPTEs'

    ; (d) A task switch loading CR3 loads the PDPTEs (SDM 7.3 step 12).
    TASKS_LOAD task2
    mov dword [TSS_BASE + 0x100 + 0x1c], PDPT
    mov dword [PDPT], PD_A | 1
    jmp SEL_TSS2:0
    FAIL 'task switch returned'
task2:
    mov eax, cr3
    CHECK eax, PDPT, 'task switch CR3'
    SEES MARK_A, 'task switch did not load the PDPTEs'
    PASS

bad_fault:
    FAIL 'unexpected fault'

FAULT_HANDLER 13, 1

GDT_TABLE
LIB_ROUTINES
ROM_END
