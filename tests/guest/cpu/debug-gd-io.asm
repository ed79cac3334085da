; SPDX-License-Identifier: GPL-2.0-or-later
; Debug-register general detect and I/O breakpoints (SDM vol. 3B 17.2.4,
; 17.2.5, 17.3.1.2).  With DR7.GD set, MOV from and MOV to a debug
; register are #DB faults at the MOV with DR6.BD, RF set in the pushed
; EFLAGS and GD cleared for the handler.  With CR4.DE set, an R/W = 10
; breakpoint traps after IN, OUT, INS and OUTS whose ports overlap it
; (lengths 1, 2 and 4; the address aligned down to the length), after each
; iteration of REP INS that hits it; with CR4.DE clear it never fires.
%include "lib.inc"
ROM_BEGIN

%define COUNT 0x600             ; #DB traps taken
%define EIPS  0x610             ; return EIP of each (8 kept)
%define DR6S  0x640             ; DR6 at each
%define GD_DR6    0x680         ; general detect: DR6, DR7, EFLAGS image
%define GD_DR7    0x684
%define GD_EFLAGS 0x688
%define BUF   0x2000

%macro IO_BP 2                  ; IO_BP expected-count, 'what'
    CHECK dword [COUNT], %1, %2
%endmacro

entry:
    PM_ENTER start
start:
    SET_GATE 1, gd_handler, 0x8e00
    xor eax, eax
    mov dr6, eax
    mov eax, 0x12345678
    mov dr1, eax

    ; General detect: MOV from DR0 faults at the MOV.
    mov eax, 0x2400
    mov dr7, eax
    EXPECT_FAULT g1
gd_read:
    mov eax, dr0
    FAIL 'MOV from DR0 with DR7.GD did not fault'
g1: CHECK dword [FAULT_VEC], 1, 'general detect: #DB'
    CHECK dword [FAULT_EIP], ROM_BASE + gd_read, 'general detect is a fault'
    mov eax, [GD_DR6]
    and eax, 0x600f
    CHECK eax, 0x2000, 'DR6.BD on general detect'
    CHECK dword [GD_DR7], 0x400, 'GD cleared for the handler'
    mov eax, [GD_EFLAGS]
    and eax, 0x10000
    CHECK eax, 0x10000, 'RF set in the pushed EFLAGS'
    mov eax, dr7
    CHECK eax, 0x400, 'GD stays clear'

    ; ... and MOV to DR1: the write does not happen.
    mov eax, 0x2400
    mov dr7, eax
    EXPECT_FAULT g2
gd_write:
    xor eax, eax
    mov dr1, eax
    FAIL 'MOV to DR1 with DR7.GD did not fault'
g2: CHECK dword [FAULT_VEC], 1, 'general detect on MOV to DR1'
    CHECK dword [FAULT_EIP], ROM_BASE + gd_write + 2, 'fault at MOV DR1'
    mov eax, dr1
    CHECK eax, 0x12345678, 'the faulting MOV to DR1 did not write'

    ; I/O breakpoints.  DR0: port 0x80, 1 byte; DR1: port 0x85 with
    ; length 4, so ports 0x84-0x87; both R/W = 10.
    SET_GATE 1, db_handler, 0x8e00
    mov eax, cr4
    or eax, 8                   ; CR4.DE
    mov cr4, eax
    mov eax, 0x80
    mov dr0, eax
    mov eax, 0x85
    mov dr1, eax
    mov eax, 0x405 | (2 << 16) | (2 << 20) | (3 << 22)
    mov dr7, eax
    mov dword [COUNT], 0
    in al, 0x81
    out 0x7f, al
    in al, 0x83
    out 0x88, al
    mov dx, 0x7e
    in ax, dx                   ; 0x7e-0x7f
    IO_BP 0, 'no #DB for ports outside the breakpoints'
    out 0x80, al
io1:
    IO_BP 1, 'OUT to port 0x80 traps'
    CHECK dword [EIPS], ROM_BASE + io1, 'trap EIP after the OUT'
    mov eax, [DR6S]
    and eax, 0x600f
    CHECK eax, 1, 'DR6.B0 for the OUT'
    in ax, 0x86                 ; 0x86-0x87
io2:
    IO_BP 2, 'IN AX from 0x86 traps (length 4)'
    CHECK dword [EIPS + 4], ROM_BASE + io2, 'trap EIP after the IN'
    mov eax, [DR6S + 4]
    and eax, 0x600f
    CHECK eax, 2, 'DR6.B1 for the IN'
    mov dx, 0x82
    in eax, dx                  ; 0x82-0x85 overlaps 0x84
    IO_BP 3, 'IN EAX from 0x82 traps'
    mov dx, 0x7f
    mov esi, BUF
    outsw                       ; 0x7f-0x80 overlaps 0x80
io4:
    IO_BP 4, 'OUTSW to 0x7f traps'
    CHECK dword [EIPS + 12], ROM_BASE + io4, 'trap EIP after the OUTSW'

    ; REP INSB: a trap after each iteration at port 0x80, the REP
    ; instruction restarted by the handler's IRET until ECX is 0.
    mov dword [COUNT], 0
    mov dx, 0x80
    mov edi, BUF
    mov ecx, 3
rep_ins:
    rep insb
after_rep:
    IO_BP 3, 'REP INSB: one trap per iteration'
    CHECK ecx, 0, 'REP INSB finished'
    CHECK edi, BUF + 3, 'REP INSB stored 3 bytes'
    CHECK dword [EIPS], ROM_BASE + rep_ins, 'first trap: EIP of the REP'
    CHECK dword [EIPS + 8], ROM_BASE + after_rep, 'last trap: after it'

    ; With CR4.DE clear, R/W = 10 breakpoints never fire.
    mov dword [COUNT], 0
    mov eax, cr4
    and eax, ~8
    mov cr4, eax
    out 0x80, al
    in al, 0x84
    IO_BP 0, 'no I/O breakpoint with CR4.DE clear'
    xor eax, eax
    mov dr7, eax
    PASS

; General detect: record DR6, DR7 and the EFLAGS image, then resume.
gd_handler:
    mov eax, dr6
    mov [GD_DR6], eax
    mov eax, dr7
    mov [GD_DR7], eax
    mov eax, [esp + 8]
    mov [GD_EFLAGS], eax
    xor eax, eax
    mov dr6, eax
    FAULT_RECORD 1, 0

DB_RECORD_HANDLER 0

GDT_TABLE
LIB_ROUTINES
ROM_END
