; SPDX-License-Identifier: GPL-2.0-or-later
; The guest's debug facilities (SDM vol. 3B ch. 17): EFLAGS.TF single-step
; traps (17.3.1.4) with DR6.BS, a DR0 instruction breakpoint (a fault at
; the instruction, passed with RF, 17.3.1.1), DR1 write-only and DR2
; read/write data breakpoints (traps after the access, DR6.Bn), a locked
; read-modify-write hitting a data breakpoint, REP STOSB trapping after
; each iteration that writes a watched byte (17.3.1.2), and DR6/DR7 fixed
; bits.
%include "lib.inc"
ROM_BEGIN

%define COUNT 0x600             ; #DB count
%define EIPS  0x610             ; return EIP of each #DB (8 kept)
%define DR6S  0x640             ; DR6 at each #DB
%define WATCH 0x2000

entry:
    PM_ENTER start
start:
    SET_GATE 1, db_handler, 0x8e00

    ; DR6 and DR7 read back their fixed bits.
    xor eax, eax
    mov dr6, eax
    mov eax, dr6
    CHECK eax, 0xffff0ff0, 'DR6 fixed bits'
    xor eax, eax
    mov dr7, eax
    mov eax, dr7
    CHECK eax, 0x400, 'DR7 fixed bit'

    ; TF: a trap after every instruction once POPF has set it.
    mov dword [COUNT], 0
    pushfd
    or dword [esp], 0x100
    popfd
.s1: nop
.s2: nop
.s3: pushfd
    and dword [esp], ~0x100
    popfd
    nop
    nop
    mov eax, [COUNT]
    cmp eax, 4
    jb tf_bad
    cmp eax, 5
    ja tf_bad
    CHECK dword [EIPS], ROM_BASE + start.s2, 'first TF trap after NOP'
    CHECK dword [EIPS + 4], ROM_BASE + start.s3, 'second TF trap'
    mov eax, [DR6S]
    and eax, 0x4000
    CHECK eax, 0x4000, 'DR6.BS on a single-step trap'
    mov eax, dr6
    CHECK eax, 0xffff0ff0, 'the handler cleared DR6'

    ; DR0: an instruction breakpoint faults before the instruction runs.
    mov dword [COUNT], 0
    mov eax, ROM_BASE + bp_target
    mov dr0, eax
    mov eax, 1                  ; L0, R/W0 = 00 (execute), LEN0 = 00
    mov dr7, eax
    xor ecx, ecx
bp_target:
    inc ecx
    xor eax, eax
    mov dr7, eax
    CHECK ecx, 1, 'the breakpointed instruction ran once'
    CHECK dword [COUNT], 1, 'one instruction-breakpoint #DB'
    CHECK dword [EIPS], ROM_BASE + bp_target, 'fault EIP = breakpoint'
    mov eax, [DR6S]
    and eax, 0x400f
    CHECK eax, 1, 'DR6.B0'

    ; DR1: write-only watch of the dword at WATCH.
    mov dword [COUNT], 0
    mov eax, WATCH
    mov dr1, eax
    mov eax, (1 << 2) | (1 << 20) | (3 << 22)   ; L1, write, 4 bytes
    mov dr7, eax
    mov dword [WATCH + 4], 5    ; next dword: not watched
    mov eax, [WATCH]            ; a read: not watched
    CHECK dword [COUNT], 0, 'no #DB outside the watch'
    mov dword [WATCH], 7
after_write:
    nop
    CHECK dword [COUNT], 1, 'a write to the watch traps'
    CHECK dword [EIPS], ROM_BASE + after_write, 'trap EIP after the write'
    mov eax, [DR6S]
    and eax, 0x400f
    CHECK eax, 2, 'DR6.B1'
    lock add dword [WATCH + 2], 1
after_lock:
    CHECK dword [COUNT], 2, 'a locked add to the watch traps'
    CHECK dword [EIPS + 4], ROM_BASE + after_lock, 'trap EIP after LOCK ADD'

    ; DR2: read/write watch of one byte.
    mov dword [COUNT], 0
    mov eax, WATCH + 0x11
    mov dr2, eax
    mov eax, (1 << 4) | (3 << 24)       ; L2, read/write, 1 byte
    mov dr7, eax
    mov al, [WATCH + 0x10]
    CHECK dword [COUNT], 0, 'no #DB for the byte before'
    mov al, [WATCH + 0x11]
after_read:
    CHECK dword [COUNT], 1, 'a read of the watched byte traps'
    CHECK dword [EIPS], ROM_BASE + after_read, 'trap EIP after the read'
    mov eax, [DR6S]
    and eax, 0x400f
    CHECK eax, 4, 'DR6.B2'
    xor eax, eax
    mov dr7, eax
    mov al, [WATCH + 0x11]
    CHECK dword [COUNT], 1, 'DR7 cleared: no more traps'

    ; REP STOSB over a write watch: a trap after each iteration that
    ; writes a watched byte, at the REP instruction until the last.
    mov dword [COUNT], 0
    mov eax, WATCH + 0x24
    mov dr1, eax
    mov eax, (1 << 2) | (1 << 20) | (3 << 22)   ; L1, write, 4 bytes
    mov dr7, eax
    mov edi, WATCH + 0x20
    mov ecx, 7
    mov al, 0x5a
rep_stos:
    rep stosb
after_stos:
    xor eax, eax
    mov dr7, eax
    CHECK dword [COUNT], 3, 'REP STOSB: a trap per watched byte'
    CHECK dword [EIPS], ROM_BASE + rep_stos, 'REP STOSB: trap at the REP'
    CHECK dword [EIPS + 8], ROM_BASE + after_stos, 'last trap after it'
    CHECK ecx, 0, 'REP STOSB finished'
    CHECK dword [WATCH + 0x23], 0x5a5a5a5a, 'REP STOSB stored'
    PASS

tf_bad:
    FAIL 'TF trap count'

DB_RECORD_HANDLER 1             ; passes a breakpoint with RF

GDT_TABLE
LIB_ROUTINES
ROM_END
