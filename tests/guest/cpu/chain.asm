; SPDX-License-Identifier: GPL-2.0-or-later
; Block chaining (CPU-ENGINE.md "No central dispatch"): a block remembers
; the block that ran after it, so these check that what runs after a
; chained jump is always what the bytes and the paging say now:
;  1. a hot two-block loop whose first block rewrites the second block's
;     immediate on every iteration (self-modifying code across blocks,
;     SDM vol. 3A 8.1.3);
;  2. one call site whose target, at a fixed linear address, changes under
;     it: through CR0.PG (paging on and off), a PTE change with a CR3
;     reload, and a global PTE change made visible by a CR4.PGE toggle
;     (SDM vol. 3A 4.10.4.1), with the caller block linked each time.
%include "lib.inc"
ROM_BEGIN

%define CODE    0x2000          ; the self-modifying loop
%define TARGET  0x400000        ; linear address of the changing routine
%define P1      0x401000        ; physical pages holding versions of it
%define P2      0x402000
%define PD      0x10000
%define PT0     0x11000         ; identity, 0-4 MiB
%define PT1     0x12000         ; 4-8 MiB: TARGET's page
%define ITERS   1000

entry:
    PM_ENTER start
start:
    ; --- 1. A rewrites B's immediate; B adds it up. ---
    mov esi, ROM_BASE + loop_tpl
    mov edi, CODE
    mov ecx, loop_tpl_end - loop_tpl
    rep movsb
    xor ebx, ebx
    mov ecx, ITERS
    mov edx, CODE
    call edx
    CHECK ebx, ITERS * (ITERS + 1) / 2, 'chained block ran stale code'

    ; --- 2. One call site, three versions of its target. ---
    mov esi, ROM_BASE + ret1
    mov edi, TARGET             ; identity (paging off): "mov eax, 1"
    call copy_ret
    mov esi, ROM_BASE + ret2
    mov edi, P1
    call copy_ret
    mov esi, ROM_BASE + ret3
    mov edi, P2
    call copy_ret
    call hot_call
    CHECK eax, 1, 'paging off: the identity-mapped target'

    ; Paging on, TARGET -> P1.
    PT_IDENTITY PT0, 0x003
    mov dword [PD], PT0 | 3
    mov dword [PD + 4], PT1 | 3
    mov dword [PT1], P1 | 3
    mov eax, PD
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    call hot_call
    CHECK eax, 2, 'CR0.PG set: the mapped target'

    ; TARGET -> P2, then reload CR3.
    mov dword [PT1], P2 | 3
    mov eax, cr3
    mov cr3, eax
    call hot_call
    CHECK eax, 3, 'after a PTE change and CR3 reload'

    ; Global mapping TARGET -> P1 under CR4.PGE: a CR3 reload keeps it,
    ; clearing CR4.PGE drops it.
    mov dword [PT1], P1 | 0x103
    mov eax, cr3
    mov cr3, eax
    mov eax, cr4
    or eax, 0x80
    mov cr4, eax
    call hot_call
    CHECK eax, 2, 'global mapping'
    mov dword [PT1], P2 | 0x103
    mov eax, cr4
    and eax, ~0x80
    mov cr4, eax
    call hot_call
    CHECK eax, 3, 'after clearing CR4.PGE'

    ; Paging off again: the identity target.
    mov eax, cr0
    and eax, 0x7fffffff
    mov cr0, eax
    call hot_call
    CHECK eax, 1, 'CR0.PG cleared: the identity target'
    PASS

; Call TARGET 50 times from one block so the call site is linked to it;
; returns the last EAX.
hot_call:
    push ecx
    mov ecx, 50
.again:
    mov edx, TARGET
    call edx
    dec ecx
    jnz .again
    pop ecx
    ret

copy_ret:
    mov ecx, ret1_end - ret1
    rep movsb
    ret

loop_tpl:
.a: mov [CODE + (.imm - loop_tpl)], ecx
    jmp .b
.b: mov edx, 0
.imm equ $ - 4
    add ebx, edx
    dec ecx
    jnz .a
    ret
loop_tpl_end:

ret1:
    mov eax, 1
    ret
ret1_end:
ret2:
    mov eax, 2
    ret
ret3:
    mov eax, 3
    ret

GDT_TABLE
LIB_ROUTINES
ROM_END
