; SPDX-License-Identifier: GPL-2.0-or-later
; EFLAGS.RF in the image pushed for an event (SDM vol. 3B 17.3.1.1): set
; for fault-class exceptions other than an instruction breakpoint #DB, so
; a faulting instruction restarted by IRET does not hit its DR0 breakpoint
; again; left clear for the breakpoint #DB itself, INT n and traps.  RF is
; cleared once the instruction completes, so the breakpoint fires again
; the next time round; a REP instruction resumed between iterations keeps
; it (one #DB).  QEMU TCG does not set RF for faults, so this test fails
; there on the first #DE.
%include "lib.inc"
ROM_BEGIN

%define DB_CNT  0x600           ; #DB count
%define DB_FL   0x604           ; EFLAGS pushed for the last #DB
%define DE_CNT  0x608           ; #DE count
%define DE_FL   0x60c           ; EFLAGS pushed for the last #DE
%define DE_EIP  0x610
%define INT_FL  0x614           ; EFLAGS pushed by INT 42h
%define EF_RF   0x10000

entry:
    PM_ENTER start
start:
    SET_GATE 0, de_handler, 0x8e00
    SET_GATE 1, db_handler, 0x8e00
    SET_GATE 0x42, int_handler, 0x8e00
    mov dword [DB_CNT], 0
    mov dword [DE_CNT], 0

    ; Without breakpoints: a fault pushes RF, INT n does not.
    call divide
    CHECK dword [DE_CNT], 1, '#DE taken'
    CHECK dword [DE_EIP], ROM_BASE + bp_div, '#DE reports the DIV'
    mov eax, [DE_FL]
    and eax, EF_RF
    CHECK eax, EF_RF, '#DE pushes RF = 1'
    int 0x42
    mov eax, [INT_FL]
    and eax, EF_RF
    CHECK eax, 0, 'INT n pushes RF = 0'

    ; DR0 on the DIV: #DB (RF = 0 pushed; the handler sets it), then #DE
    ; (RF = 1 pushed), then the DIV completes without a second #DB.
    mov eax, ROM_BASE + bp_div
    mov dr0, eax
    mov eax, 1                  ; L0, execute
    mov dr7, eax
    call divide
    CHECK dword [DB_CNT], 1, 'one #DB for a DIV that faulted once'
    CHECK dword [DE_CNT], 2, 'second #DE taken'
    mov eax, [DB_FL]
    and eax, EF_RF
    CHECK eax, 0, 'instruction breakpoint #DB pushes RF = 0'
    mov eax, [DE_FL]
    and eax, EF_RF
    CHECK eax, EF_RF, '#DE after the breakpoint pushes RF = 1'
    CHECK esi, 5, 'the DIV completed'

    ; RF was cleared after the DIV: the breakpoint fires again.
    call divide
    CHECK dword [DB_CNT], 2, 'breakpoint armed again after the DIV'
    CHECK dword [DE_CNT], 3, 'third #DE taken'

    ; A long REP LODSB on the breakpoint runs in several slices but is one
    ; instruction: one #DB.
    mov dword [DB_CNT], 0
    mov eax, ROM_BASE + bp_rep
    mov dr0, eax
    mov esi, 0x10000
    mov ecx, 20000
    xor eax, eax
    cld
bp_rep:
    rep lodsb
    CHECK ecx, 0, 'REP LODSB completed'
    CHECK dword [DB_CNT], 1, 'one #DB for a long REP LODSB'
    xor eax, eax
    mov dr7, eax
    PASS

; 10 / ECX with ECX = 0: #DE, whose handler makes ECX 2.  Result in ESI.
divide:
    xor edx, edx
    mov eax, 10
    xor ecx, ecx
bp_div:
    div ecx
    mov esi, eax
    ret

de_handler:
    inc dword [DE_CNT]
    mov eax, [esp]
    mov [DE_EIP], eax
    mov eax, [esp + 8]
    mov [DE_FL], eax
    mov ecx, 2
    xor edx, edx
    mov eax, 10
    iretd

db_handler:
    push eax
    inc dword [DB_CNT]
    mov eax, [esp + 12]
    mov [DB_FL], eax
    or dword [esp + 12], EF_RF
    xor eax, eax
    mov dr6, eax
    pop eax
    iretd

int_handler:
    push eax
    mov eax, [esp + 12]
    mov [INT_FL], eax
    pop eax
    iretd

GDT_TABLE
LIB_ROUTINES
ROM_END
