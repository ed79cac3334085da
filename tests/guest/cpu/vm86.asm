; SPDX-License-Identifier: GPL-2.0-or-later
; Virtual-8086 mode (SDM vol. 3A ch. 20): IRET with EFLAGS.VM from CPL 0
; enters V86 mode with real-mode segments; 16-bit code runs with
; segment * 16 addressing; with IOPL 3 an INT n goes to the protected-mode
; IDT (ring 0, with GS FS DS ES SS ESP pushed and the data segments
; nulled); with IOPL 0, INT1 (F1) still reaches the ring 0 #DB handler
; (it is not IOPL-sensitive, SDM vol. 3A 20.1.3), and CLI raises #GP.
%include "lib.inc"
ROM_BEGIN

%define V86_CODE 0x2000         ; linear; real-mode CS:IP = 0200:0000
%define KSTACK 0x9000

entry:
    PM_ENTER start
start:
    TSS_LOAD
    SET_GATE 0x21, v86_int, 0xee00
    SET_GATE 13, fault_13, 0x8e00
    SET_GATE 1, db_v86, 0x8e00
    mov dword [0x720], 0
    ; Copy the V86 program.
    mov esi, ROM_BASE + v86_prog
    mov edi, V86_CODE
    mov ecx, v86_end - v86_prog
    rep movsb
    ; Enter V86 mode: GS FS DS ES SS ESP EFLAGS CS EIP, IOPL = 3.
    push dword 0                ; GS
    push dword 0                ; FS
    push dword 0x300            ; DS
    push dword 0                ; ES
    push dword 0x0000           ; SS
    push dword 0x7000           ; ESP
    push dword 0x23002          ; EFLAGS: VM, IOPL 3
    push dword 0x0200           ; CS
    push dword 0                ; EIP
    iretd

v86_int:
    ; Frame: EIP CS EFLAGS ESP SS ES DS FS GS (V86 mode).
    mov eax, [esp + 8]
    test eax, 0x20000
    jz v86_bad
    cmp dword [esp + 4], 0x200
    jne v86_bad
    cmp dword [esp + 24], 0x300
    jne v86_bad
    mov ax, ds
    test ax, ax
    jnz v86_bad
    mov ax, SEL_DATA0
    mov ds, ax
    CHECK word [0x3010], 0xbeef, 'V86 store through DS = 300h'
    CHECK word [0x3012], 0x0200, 'V86 reads CS'
    ; Now run the V86 program's second part with IOPL 0: CLI faults.
    EXPECT_FAULT t2
    mov dword [esp + 8], 0x20002 ; IOPL 0
    iretd
t2: CHECK dword [FAULT_VEC], 13, 'CLI at IOPL 0 in V86 mode'
    CHECK dword [0x720], 1, 'INT1 at IOPL 0 in V86 mode: #DB'
    CHECK dword [0x724], v86_cli - v86_prog, 'INT1: IP after it'
    PASS
v86_bad:
    FAIL 'V86 interrupt frame'

; #DB from V86 mode: count it, note the IP, return.
db_v86:
    inc dword [ss:0x720]
    push eax
    mov eax, [esp + 4]
    mov [ss:0x724], eax
    pop eax
    iretd

FAULT_HANDLER 13, 1

    bits 16
v86_prog:
    mov word [0x10], 0xbeef     ; DS = 300h: linear 3010h
    mov ax, cs
    mov [0x12], ax
    int 0x21
    int1
v86_cli:
    cli
    hlt
v86_end:

GDT_TABLE
LIB_ROUTINES
ROM_END
