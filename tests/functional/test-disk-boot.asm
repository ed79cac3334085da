; SPDX-License-Identifier: GPL-2.0-or-later
;
; A boot sector for test-disk-seabios.py: SeaBIOS loads it from an IDE
; disk (MBR) or from an El Torito no-emulation CD image (-DCDROM).  It
; prints BOOT-OK on the debug console (port 0x402), reads the disk's
; second sector through INT 13h (disk only), checks that it starts with
; "SECTOR2!" and prints it, writes "WRITTEN!" to the third sector and
; reads it back, then leaves through isa-debug-exit (port 0xf4): 1
; (status 3) on success, 2 (status 5) when a transfer failed or the data
; is wrong.
bits 16
org 0x7c00

start:
    cli
    cld
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, 0x7c00
    sti
    mov [drive], dl
    mov si, msg
    call print
%ifndef CDROM
    mov ax, 0x0201              ; read 1 sector
    mov cx, 0x0002              ; cylinder 0, sector 2
    xor dh, dh                  ; head 0
    mov dl, [drive]
    mov bx, 0x7e00
    int 0x13
    jc fail
    mov si, 0x7e00
    mov di, expect
    mov cx, 8
    repe cmpsb
    jne fail
    mov byte [0x7e08], 0
    mov si, 0x7e00
    call print
    mov si, nl
    call print
    mov si, written             ; sector 3 := "WRITTEN!" + the rest
    mov di, 0x7e00
    mov cx, 8
    rep movsb
    mov ax, 0x0301
    call sector3
    mov di, 0x7e00
    xor al, al
    mov cx, 8
    rep stosb
    mov ax, 0x0201
    call sector3
    mov si, 0x7e00
    mov di, written
    mov cx, 8
    repe cmpsb
    jne fail
%endif
    mov al, 1
    out 0xf4, al
    hlt

fail:
    mov si, failmsg
    call print
    mov al, 2
    out 0xf4, al
    hlt

%ifndef CDROM
; INT 13h function AX (0x0201 read / 0x0301 write) on sector 3 at 0x7e00.
sector3:
    mov cx, 0x0003
    xor dh, dh
    mov dl, [drive]
    mov bx, 0x7e00
    int 0x13
    jc fail
    ret
%endif

print:
    mov dx, 0x402
.next:
    lodsb
    test al, al
    jz .done
    out dx, al
    jmp .next
.done:
    ret

drive:   db 0
msg:     db "BOOT-OK", 10, 0
nl:      db 10, 0
failmsg: db "READ-FAIL", 10, 0
expect:  db "SECTOR2!"
written: db "WRITTEN!"

%ifdef CDROM
times 2048-($-$$) db 0
%else
times 510-($-$$) db 0
dw 0xaa55
%endif
