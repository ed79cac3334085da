; SPDX-License-Identifier: GPL-2.0-or-later
;
; A 64 KiB firmware image (-bios) for "-machine pc,apic=on" that drives the
; interrupt controllers with the real CPU: it enters flat 32-bit protected
; mode, then waits in HLT for
;   A  one local APIC timer interrupt (one-shot, vector 0x40),
;   P  four periodic local APIC timer interrupts,
;   H  three HPET timer 0 interrupts in legacy replacement mode, through
;      IOAPIC pin 2 (vector 0x41), acknowledged by EOI,
;   S  the second vCPU (-smp 2) started by INIT and two STARTUP IPIs (the
;      second is ignored: the AP already runs), seeing BSP = 0 in its
;      IA32_APIC_BASE,
; before which
;   M  CPUID.1:EDX.APIC is set and IA32_APIC_BASE reads 0xfee00900 (EN,
;      BSP),
; and after which
;   D  clearing IA32_APIC_BASE.EN hides the APIC from CPUID, and setting
;      it again brings the APIC back in its reset state (SVR 0xff),
; printing each letter on port 0xe9, and exits through isa-debug-exit at
; 0xf4 with 0 (status 1).  An unexpected vector or a failed check prints X
; and exits with 3.

bits 16
org 0

%include "bios64k.inc"

APIC        equ 0xfee00000
IOAPIC      equ 0xfec00000
HPET        equ 0xfed00000
IDT         equ 0x1000
COUNT40     equ 0x2000
COUNT41     equ 0x2004
APCOUNT     equ 0x2008

start:
    cli
    BIOS_PM_ENTER pm32
pm32:
    mov esp, 0x8000
    ; 8259s masked: only the APICs interrupt.
    mov al, 0xff
    out 0x21, al
    out 0xa1, al
    ; IDT: every vector fails, except 0x40, 0x41 and spurious 0xff.
    mov edi, IDT
    mov ecx, 256
.fill:
    mov eax, ROM + h_bad
    call set_gate
    add edi, 8
    loop .fill
    mov edi, IDT + 0x40 * 8
    mov eax, ROM + h_apic_timer
    call set_gate
    mov edi, IDT + 0x41 * 8
    mov eax, ROM + h_hpet
    call set_gate
    mov edi, IDT + 0xff * 8
    mov eax, ROM + h_spurious
    call set_gate
    lidt [ROM + idt_desc]
    mov dword [COUNT40], 0
    mov dword [COUNT41], 0

    ; M: the CPU reports its local APIC.
    mov eax, 1
    cpuid
    test edx, 1 << 9
    jz h_bad
    mov ecx, 0x1b
    rdmsr
    cmp eax, 0xfee00900
    jne h_bad
    mov al, 'M'
    out 0xe9, al

    ; Local APIC: enabled, LINT0 masked, timer divide by 1.
    mov dword [APIC + 0xf0], 0x1ff
    mov dword [APIC + 0x350], 0x10700
    mov dword [APIC + 0x3e0], 0xb
    ; A: one-shot after 100 us.
    mov dword [APIC + 0x320], 0x40
    mov dword [APIC + 0x380], 100000
    mov ebx, COUNT40
    mov edx, 1
    call wait_count
    mov al, 'A'
    out 0xe9, al
    ; P: periodic every 50 us, four interrupts, then masked.
    mov dword [APIC + 0x320], 0x20040
    mov dword [APIC + 0x380], 50000
    mov edx, 5
    call wait_count
    mov dword [APIC + 0x320], 0x10040
    mov al, 'P'
    out 0xe9, al
    ; H: IOAPIC pin 2 -> vector 0x41, edge, APIC 0.
    mov dword [IOAPIC], 0x15
    mov dword [IOAPIC + 0x10], 0
    mov dword [IOAPIC], 0x14
    mov dword [IOAPIC + 0x10], 0x41
    ; HPET timer 0: 32-bit periodic every 100 us (10000 ticks), legacy
    ; route; the first comparator write (VAL_SET) sets the match, the
    ; second the period, as Linux does.
    mov dword [HPET + 0x100], 0x14c
    mov dword [HPET + 0x108], 10000
    mov dword [HPET + 0x108], 10000
    mov dword [HPET + 0x10], 3
    mov ebx, COUNT41
    mov edx, 3
    call wait_count
    mov dword [HPET + 0x10], 0
    mov al, 'H'
    out 0xe9, al
    ; S: wake the application processor with INIT and STARTUP (vector 8:
    ; 0x8000) to all excluding self, as SeaBIOS does; it counts in.
    mov esi, ROM + trampoline
    mov edi, 0x8000
    mov ecx, trampoline_end - trampoline
    rep movsb
    mov dword [APCOUNT], 0
    mov dword [APIC + 0x310], 0
    mov dword [APIC + 0x300], 0xc4500
    mov dword [APIC + 0x300], 0xc4608
.ap_wait:
    pause
    cmp dword [APCOUNT], 1
    jb .ap_wait
    mov dword [APIC + 0x300], 0xc4608
    ; Give a wrongly honoured second STARTUP 200 us to count in again.
    mov dword [COUNT40], 0
    mov dword [APIC + 0x320], 0x40
    mov dword [APIC + 0x380], 200000
    mov ebx, COUNT40
    mov edx, 1
    call wait_count
    cmp dword [APCOUNT], 1
    jne h_bad
    mov al, 'S'
    out 0xe9, al
    ; D: hardware disable and re-enable through IA32_APIC_BASE.
    mov ecx, 0x1b
    rdmsr
    and eax, ~0x800
    wrmsr
    mov eax, 1
    cpuid
    test edx, 1 << 9
    jnz h_bad
    mov ecx, 0x1b
    rdmsr
    or eax, 0x800
    wrmsr
    mov eax, 1
    cpuid
    test edx, 1 << 9
    jz h_bad
    cmp dword [APIC + 0xf0], 0xff
    jne h_bad
    mov al, 'D'
    out 0xe9, al
    mov al, 0
    out 0xf4, al
.stop:
    hlt
    jmp .stop

; Sleep in HLT until dword [ebx] >= edx (interrupts off on return).
wait_count:
    cli
    cmp [ebx], edx
    jae .done
    sti
    hlt
    jmp wait_count
.done:
    ret

; Interrupt gate at [edi] to handler eax, selector 0x08.
set_gate:
    mov [edi], ax
    mov word [edi + 2], 0x08
    mov word [edi + 4], 0x8e00
    shr eax, 16
    mov [edi + 6], ax
    ret

; The application processor's start-up code, copied to 0x8000.
bits 16
trampoline:
    xor ax, ax
    mov ds, ax
    mov ecx, 0x1b
    rdmsr
    test ah, 1                  ; BSP bit: must be clear on the AP
    jz .counted
    lock add dword [APCOUNT], 0x100
.counted:
    lock inc dword [APCOUNT]
.park:
    cli
    hlt
    jmp .park
trampoline_end:
bits 32

h_apic_timer:
    inc dword [COUNT40]
    mov dword [APIC + 0xb0], 0
    iret

h_hpet:
    inc dword [COUNT41]
    mov dword [APIC + 0xb0], 0
    iret

h_spurious:
    iret

h_bad:
    mov al, 'X'
    out 0xe9, al
    mov al, 1
    out 0xf4, al
    jmp h_bad

BIOS_GDT
idt_desc:
    dw 256 * 8 - 1
    dd IDT

BIOS_RESET_VECTOR
