; SPDX-License-Identifier: GPL-2.0-or-later
; INT1 (opcode F1, "ICEBP"; SDM vol. 2A "INT n/INTO/INT3/INT1", vol. 3A
; 6.12.1.1): a #DB trap that is not a software interrupt for the gate
; privilege check.  From ring 3 through a DPL 0 gate it reaches the
; handler (where INT 1, CD 01, takes #GP(1*8+2)); the pushed EIP is the
; next instruction; DR6 is left as it was; a fault delivering it reports
; EXT = 1 in its error code.
%include "lib.inc"
ROM_BEGIN

%define USTACK 0x7000
%define KSTACK 0x9000
%define DB_ESP 0x720            ; ESP at the #DB handler's entry

entry:
    PM_ENTER start
start:
    SET_GATE 1, db_entry, 0x8e00        ; DPL 0: CPL 3 may not INT 1
    SET_GATE 11, fault_11, 0x8e00
    SET_GATE 13, fault_13, 0x8e00
    TSS_LOAD
    xor eax, eax
    mov dr6, eax

    ; INT1 in ring 3: delivered through the DPL 0 gate, as a trap.
    EXPECT_FAULT t1
    call to_ring3
    int1
after_int1:
    FAIL 'INT1 did not trap'
t1: CHECK dword [FAULT_VEC], 1, 'INT1 at CPL 3: vector 1'
    CHECK dword [FAULT_CS], SEL_CODE3, 'INT1: CS pushed'
    CHECK dword [FAULT_EIP], ROM_BASE + after_int1, 'INT1: EIP after it'
    CHECK dword [DB_ESP], KSTACK - 20, 'INT1: stack switched to ring 0'
    mov eax, dr6
    CHECK eax, 0xffff0ff0, 'INT1 leaves DR6 alone'

    ; INT 1 (CD 01) is a software interrupt: #GP(vector*8 + 2).
    EXPECT_FAULT t2
    call to_ring3
int_1:
    int 1
    FAIL 'INT 1 through a DPL 0 gate did not fault'
t2: CHECK dword [FAULT_VEC], 13, 'INT 1 at CPL 3: #GP'
    CHECK dword [FAULT_ERR], 1 * 8 + 2, 'INT 1: error code'
    CHECK dword [FAULT_EIP], ROM_BASE + int_1, 'INT 1: EIP of the INT'

    ; INT1 at CPL 0 with a DPL 0 gate: the same trap.
    EXPECT_FAULT t3
    int1
after_int1_r0:
    FAIL 'INT1 at CPL 0 did not trap'
t3: CHECK dword [FAULT_VEC], 1, 'INT1 at CPL 0: vector 1'
    CHECK dword [FAULT_EIP], ROM_BASE + after_int1_r0, 'INT1 at CPL 0: EIP'

    ; A not-present gate: #NP(1*8 + 2 + EXT), EXT set as for an exception.
    mov byte [IDT_BASE + 1 * 8 + 5], 0x0e
    EXPECT_FAULT t4
    int1
    FAIL 'INT1 through a not-present gate did not fault'
t4: CHECK dword [FAULT_VEC], 11, 'INT1, gate not present: #NP'
    CHECK dword [FAULT_ERR], 1 * 8 + 2 + 1, 'INT1: #NP error code, EXT = 1'
    EXPECT_FAULT t5
    int 1
    FAIL 'INT 1 through a not-present gate did not fault'
t5: CHECK dword [FAULT_VEC], 11, 'INT 1, gate not present: #NP'
    CHECK dword [FAULT_ERR], 1 * 8 + 2, 'INT 1: #NP error code, EXT = 0'
    PASS

TO_RING3_ROUTINE

; #DB: note the ring 0 ESP at entry, then as FAULT_HANDLER 1, 0.
db_entry:
    mov [ss:DB_ESP], esp
FAULT_HANDLER 1, 0
FAULT_HANDLER 11, 1
FAULT_HANDLER 13, 1

GDT_TABLE
LIB_ROUTINES
ROM_END
