; SPDX-License-Identifier: GPL-2.0-or-later
;
; The guest of test-gdbstub.py: a 64 KiB firmware image (-bios) that enters
; 32-bit flat protected mode, stores 0x11 at VALUE, counts EAX up to EBX
; (5) in the loop at "count", then leaves through isa-debug-exit (port
; 0xf4) with AL = EAX + [VALUE].  Run alone it exits with 0x16 (status
; 45); the test changes EBX to 2 and VALUE to 0x2a through gdb, so the
; exit byte becomes 0x2c (status 89).  The labels sit at fixed offsets so
; the test knows their addresses: start 0xf0100, count 0xf0180.  With
; -DSPIN it spins at "start" forever instead.
%include "lib.inc"
ROM_BEGIN

%define VALUE 0x2000

entry:
    PM_ENTER start

    times 0x100 - ($ - $$) db 0x90
start:
%ifdef SPIN
    jmp $                       ; test-gdbstub.py stops this with Ctrl-C
%endif
    mov dword [VALUE], 0x11
    xor eax, eax
    mov ebx, 5
    times 0x180 - ($ - $$) db 0x90
count:
    inc eax                     ; 0xf0180
    cmp eax, ebx                ; 0xf0181
    jne count                   ; 0xf0183
done:
    add eax, [VALUE]
    out PORT_EXIT, al
    hlt

GDT_TABLE
LIB_ROUTINES
ROM_END
