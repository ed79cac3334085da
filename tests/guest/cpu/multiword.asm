; SPDX-License-Identifier: GPL-2.0-or-later
; Multi-word arithmetic as compilers emit it for 64-bit values in 32-bit
; code (SeaBIOS's e820 list): ADC/SBB carry chains read by Jcc and SETcc,
; backward (STD) overlapping REP MOVS, SHLD/SHRD.  SBB with a borrow in
; once lost its carry in the condition fast path.
%include "lib.inc"
ROM_BEGIN
entry:
    xor ax, ax
    mov ss, ax
    mov sp, 0x7000
    mov ds, ax
    mov es, ax
    ; fill 0x1000.. with 0..15
    mov di, 0x1000
    xor al, al
    mov cx, 16
.f: stosb
    inc al
    loop .f
    ; memmove up by 4 backwards: src 0x1000..0x100b -> dst 0x1004..0x100f
    std
    mov si, 0x100b
    mov di, 0x100f
    mov cx, 12
    rep movsb
    cld
    mov al, [0x100f]
    CHECK al, 11, 'std rep movsb last'
    mov al, [0x1004]
    CHECK al, 0, 'std rep movsb first'
    CHECK si, 0x0fff, 'si after'
    CHECK di, 0x1003, 'di after'
    ; dword backwards with a32 prefix
    mov edi, 0x2000
    mov eax, 0x11111111
    mov [edi], eax
    mov eax, 0x22222222
    mov [edi+4], eax
    mov eax, 0x33333333
    mov [edi+8], eax
    std
    mov esi, 0x2004
    mov edi, 0x2008
    mov ecx, 2
    a32 rep movsd
    cld
    mov eax, [0x2008]
    CHECK eax, 0x22222222, 'a32 std rep movsd 1'
    mov eax, [0x2004]
    CHECK eax, 0x11111111, 'a32 std rep movsd 2'
    CHECK esi, 0x1ffc, 'esi after'
    ; 64-bit add via adc
    mov eax, 0xffffffff
    mov edx, 0x00000001
    add eax, 1
    adc edx, 0
    CHECK edx, 2, 'adc'
    CHECK eax, 0, 'add lo'
    ; 64-bit compare via sub/sbb: 0x1_00000000 < 0x1_00000001
    mov eax, 0
    mov edx, 1
    sub eax, 1
    sbb edx, 1
    jnc .bad1
    jmp .ok1
.bad1:
    FAIL 'sbb borrow lost'
.ok1:
    mov eax, 0
    mov edx, 1
    cmp eax, 1
    sbb edx, 1
    setc bl
    CHECK bl, 1, 'cmp/sbb carry'
    ; shld / shrd
    mov eax, 0x12345678
    mov edx, 0x9abcdef0
    shld edx, eax, 8
    CHECK edx, 0xbcdef012, 'shld'
    mov eax, 0x12345678
    mov edx, 0x9abcdef0
    shrd eax, edx, 8
    CHECK eax, 0xf0123456, 'shrd'
    mov cl, 36
    mov eax, 0x12345678
    mov edx, 0x9abcdef0
    shrd eax, edx, cl
    CHECK eax, 0x01234567, 'shrd cl mod 32'
    PASS
LIB_ROUTINES
ROM_END
