; SPDX-License-Identifier: GPL-2.0-or-later
; REP MOVS and REP STOS across pages, forwards and backwards (EFLAGS.DF),
; overlapping (SDM vol. 2B "MOVS", "REP"): the emulator copies a page at a
; time through host pointers, and this checks that the result is the
; architectural element-by-element one, including the replicating forward
; overlap, and that ECX, ESI and EDI end where they must.
%include "lib.inc"
ROM_BEGIN

%define BUF     0x20003         ; unaligned, so elements straddle pages
%define LEN     0x2100

entry:
    PM_ENTER start
start:
    ; Backward overlapping copy to BUF + 5 is a memmove.
    call fill
    std
    mov esi, BUF + LEN - 1
    mov edi, BUF + 5 + LEN - 1
    mov ecx, LEN
    rep movsb
    cld
    CHECK ecx, 0, 'backward movsb: ECX'
    CHECK esi, BUF - 1, 'backward movsb: ESI'
    CHECK edi, BUF + 4, 'backward movsb: EDI'
    xor ecx, ecx
.b1:
    call pattern
    cmp [BUF + 5 + ecx], al
    jne .bad_back
    inc ecx
    cmp ecx, LEN
    jne .b1

    ; Forward copy to BUF + 3 replicates the first three bytes.
    call fill
    mov esi, BUF
    mov edi, BUF + 3
    mov ecx, LEN
    rep movsb
    CHECK edi, BUF + 3 + LEN, 'forward movsb: EDI'
    xor ecx, ecx
.f1:
    mov eax, ecx
    xor edx, edx
    mov ebx, 3
    div ebx
    push ecx
    mov ecx, edx
    call pattern
    pop ecx
    cmp [BUF + 3 + ecx], al
    jne .bad_fwd
    inc ecx
    cmp ecx, LEN
    jne .f1

    ; Backward dword copy, no overlap, then backward dword fill.
    call fill
    std
    mov esi, BUF + LEN - 4
    mov edi, BUF + 0x4000 + LEN - 4
    mov ecx, LEN / 4
    rep movsd
    cld
    CHECK edi, BUF + 0x4000 - 4, 'backward movsd: EDI'
    mov eax, [BUF]
    CHECK [BUF + 0x4000], eax, 'backward movsd: first dword'
    mov eax, [BUF + LEN - 4]
    CHECK [BUF + 0x4000 + LEN - 4], eax, 'backward movsd: last dword'
    std
    mov edi, BUF + LEN - 4
    mov ecx, LEN / 4
    mov eax, 0xdeadbeef
    rep stosd
    cld
    CHECK edi, BUF - 4, 'backward stosd: EDI'
    CHECK dword [BUF], 0xdeadbeef, 'backward stosd: first'
    CHECK dword [BUF + 0x1000], 0xdeadbeef, 'backward stosd: middle'
    CHECK dword [BUF + LEN - 4], 0xdeadbeef, 'backward stosd: last'
    mov ecx, LEN
    call pattern
    CHECK [BUF + LEN], al, 'backward stosd: past the end'
    PASS
.bad_back:
    FAIL 'backward overlapping movsb'
.bad_fwd:
    FAIL 'forward overlapping movsb'

; AL = pattern byte number ECX.
pattern:
    mov eax, ecx
    imul eax, eax, 7
    add eax, ecx
    shr eax, 3
    add al, cl
    ret

; BUF[k] = pattern(k) for k < LEN + 8; zero after.
fill:
    push ecx
    xor ecx, ecx
.l: call pattern
    mov [BUF + ecx], al
    inc ecx
    cmp ecx, LEN + 8
    jne .l
    mov dword [BUF + ecx], 0
    pop ecx
    ret

GDT_TABLE
LIB_ROUTINES
ROM_END
