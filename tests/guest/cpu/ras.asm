; SPDX-License-Identifier: GPL-2.0-or-later
; The return-address cache (docs/devel/cpu-interpreter.md): a near CALL
; remembers its block, and the RET that pops its return address goes
; straight to the block that followed the last return there.  A RET is a
; plain "pop EIP" (SDM vol. 2B "RET"), so these check that what runs after
; a RET is always what the popped address and the bytes there say, in the
; cases where the cache's guess is wrong:
;  1. one routine returning to three call sites in turn, hot;
;  2. a routine that replaces its return address on every other call;
;  3. calls that never return (CALL/POP, the position-independent idiom)
;     and RETs with no call (PUSH/RET), so the cache is out of step;
;  4. recursion deeper than the cache, returning through every level;
;  5. a return site in RAM rewritten between returns (self-modifying
;     code, SDM vol. 3A 8.1.3);
;  6. RET imm16 releasing arguments;
;  7. a return address stored across a page boundary.
%include "lib.inc"
ROM_BEGIN

%define CODE    0x3000          ; RAM copy of the rewritten return site
%define ITERS   300

entry:
    PM_ENTER start
start:
    ; --- 1. One routine, three return sites. ---
    xor eax, eax
    xor ebx, ebx
    mov ecx, ITERS
.three:
    call leaf
    add ebx, 1
    call leaf
    add ebx, 100
    call leaf
    add ebx, 10000
    dec ecx
    jnz .three
    CHECK ebx, ITERS * 10101, 'three call sites: a RET went elsewhere'
    CHECK eax, ITERS * 3, 'three call sites: leaf count'

    ; --- 2. Every other call returns to .alt instead. ---
    xor ebx, ebx
    xor edi, edi
    mov ecx, ITERS
.swap:
    call swapper
    add ebx, 1                  ; the normal return site
    jmp .swap_next
.alt:
    add edi, 1                  ; where a replaced return address goes
.swap_next:
    dec ecx
    jnz .swap
    CHECK ebx, ITERS / 2, 'replaced return address: normal returns'
    CHECK edi, ITERS / 2, 'replaced return address: diverted returns'

    ; --- 3. CALL without RET and RET without CALL, then normal calls. ---
    xor ebx, ebx
    mov ecx, ITERS
.skew:
    call .here                  ; pushes .here, never returned to by RET
.here:
    pop edx
    cmp edx, ROM_BASE + .here
    jne .skew_bad
    push dword ROM_BASE + .pushed
    ret                         ; a RET the cache never saw called
.pushed:
    call leaf
    add ebx, 3
    dec ecx
    jnz .skew
    CHECK ebx, ITERS * 3, 'out-of-step cache: return sites'
    jmp .recurse
.skew_bad:
    FAIL 'CALL pushed a wrong return address'

    ; --- 4. Recursion 40 deep (past the cache's 16 entries), twice. ---
.recurse:
    mov ecx, 2
.rec_again:
    push ecx
    mov ecx, 40
    xor ebx, ebx
    call recurse
    pop ecx
    CHECK ebx, 40 * 41 / 2 + 40 * 1000, 'deep recursion: returns'
    dec ecx
    jnz .rec_again

    ; --- 5. The return site rewritten between returns. ---
    mov esi, ROM_BASE + site_tpl
    mov edi, CODE
    mov ecx, site_tpl_end - site_tpl
    rep movsb
    xor ebx, ebx
    mov ecx, ITERS
.smc:
    mov edx, CODE
    call edx                    ; CODE calls leaf, then adds its imm
    mov [CODE + (site_imm - site_tpl)], ecx
    dec ecx
    jnz .smc
    ; The first pass adds 7, pass k (k = ITERS - 1 .. 1) adds k + 1.
    CHECK ebx, 7 + ITERS * (ITERS + 1) / 2 - 1, 'rewritten return site'

    ; --- 6. RET imm16. ---
    mov esi, esp
    mov ecx, ITERS
    xor ebx, ebx
.args:
    push dword 5
    push dword 7
    call add_args
    add ebx, 1
    dec ecx
    jnz .args
    CHECK esp, esi, 'RET imm16: stack pointer'
    CHECK ebx, ITERS * 13, 'RET imm16: sum'

    ; --- 7. The return address straddles 0x9000. ---
    mov esi, esp
    mov esp, 0x9002
    xor eax, eax
    mov ecx, ITERS
.straddle:
    call leaf
.straddle_ret:
    dec ecx
    jnz .straddle
    mov esp, esi
    CHECK eax, ITERS, 'page-straddling return address: calls'
    CHECK dword [0x8ffe], ROM_BASE + .straddle_ret, 'page-straddling push'
    PASS

leaf:
    add eax, 1
    ret

; Returns normally on odd ECX; on even ECX returns to .alt instead.
swapper:
    test ecx, 1
    jnz .out
    mov dword [esp], ROM_BASE + start.alt
.out:
    ret

; EBX += n + 1000 for n = ECX .. 1, adding 1000 after each return.
recurse:
    add ebx, ecx
    dec ecx
    jz .bottom
    call recurse
.bottom:
    add ebx, 1000
    ret

; EBX += [ESP + 4] + [ESP + 8] + 1, releasing both arguments.
add_args:
    add ebx, [esp + 4]
    add ebx, [esp + 8]
    ret 8

; Copied to CODE: call leaf (through a register: the copy is elsewhere),
; then add an immediate that the test rewrites after every return.
site_tpl:
    mov edx, ROM_BASE + leaf
    call edx
    add ebx, strict dword 7
site_imm equ $ - 4
    ret
site_tpl_end:

GDT_TABLE
LIB_ROUTINES
ROM_END
