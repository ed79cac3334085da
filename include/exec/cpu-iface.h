/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The narrow interface between the x86 CPU (target/i386) and the machine
 * around it (hw/, accel/, the test machine).
 *
 * target/i386 never includes hw/ headers.  The machine hands each vCPU a
 * CPUPlatform: physical memory and I/O port callbacks, the interrupt
 * acknowledge hook, the virtual clock, and the reset/shutdown requests.  The
 * machine drives the CPU through the x86_cpu_* functions at the bottom.
 *
 * Memory: the CPU asks phys_map() for a host pointer to the page holding a
 * physical address.  RAM (and ROM, for reads) come back as host pointers the
 * CPU may cache in its software TLB until the machine calls
 * x86_cpu_memory_map_changed() (PAM, SMRAM, BAR moves) or a device writes to
 * guest RAM behind the CPU's back (DMA), which it reports with
 * x86_cpu_phys_written() so decoded code there is invalidated.  Everything
 * else (MMIO, unassigned) goes through phys_read()/phys_write() every time.
 */
#ifndef EXEC_CPU_IFACE_H
#define EXEC_CPU_IFACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Kinds of physical page, as phys_map() reports them. */
typedef enum PhysPageKind {
    PHYS_PAGE_MMIO = 0,   /* no host pointer: use phys_read/phys_write */
    PHYS_PAGE_RAM,        /* readable and writable through the pointer */
    PHYS_PAGE_ROM,        /* readable through the pointer; writes go to
                             phys_write (which usually drops them) */
} PhysPageKind;

/**
 * struct CPUPlatform - what the machine provides to a vCPU.
 * @opaque: passed back to every callback.
 * @phys_map: look up the 4 KiB page containing @paddr.  Returns the kind;
 *            for RAM and ROM sets *@host to the host address of the start
 *            of that page.  Must be cheap; the CPU caches the answer.
 * @phys_read: MMIO/unassigned read of @size bytes (1, 2, 4 or 8) at @paddr.
 *             Unassigned memory reads all-ones.
 * @phys_write: MMIO/ROM/unassigned write; unassigned writes are dropped.
 * @io_read: IN from @port of @size bytes (1, 2, 4); unassigned reads ones.
 * @io_write: OUT to @port.
 * @intr_ack: INTA cycle: the vector of the highest-priority pending
 *            interrupt (PIC or local APIC); called only while the CPU's
 *            INTR line is high and it accepts the interrupt.
 * @clock_ns: the virtual clock in nanoseconds (stops while paused); the
 *            CPU derives RDTSC from it.
 * @request_reset: triple fault (or a reset the CPU asks for).
 * @request_shutdown: reserved for an emulated shutdown cycle.
 * @has_apic: the machine gives this vCPU a local APIC: CPUID.1:EDX.APIC
 *            (bit 9) is set while IA32_APIC_BASE.EN is.  False (the zero
 *            value) for machines that predate this field.
 * @apic_base_write: optional; WRMSR IA32_APIC_BASE (0x1b) stored a new
 *            value @val (BSP bit 8, EN bit 11, base bits 12+): the machine
 *            enables or disables the local APIC (SDM vol. 3A 10.4.4).
 */
typedef struct CPUPlatform {
    void *opaque;
    PhysPageKind (*phys_map)(void *opaque, uint64_t paddr, uint8_t **host);
    uint64_t (*phys_read)(void *opaque, uint64_t paddr, unsigned size);
    void (*phys_write)(void *opaque, uint64_t paddr, uint64_t val,
                       unsigned size);
    uint32_t (*io_read)(void *opaque, uint16_t port, unsigned size);
    void (*io_write)(void *opaque, uint16_t port, uint32_t val, unsigned size);
    int (*intr_ack)(void *opaque);
    int64_t (*clock_ns)(void *opaque);
    void (*request_reset)(void *opaque);
    void (*request_shutdown)(void *opaque);
    bool has_apic;
    void (*apic_base_write)(void *opaque, uint64_t val);
} CPUPlatform;

typedef struct X86CPU X86CPU;

/** Why x86_cpu_run() returned. */
typedef enum CPUExitReason {
    CPU_EXIT_BUDGET = 0,    /* the instruction budget ran out */
    CPU_EXIT_HALTED,        /* HLT with no interrupt pending */
    CPU_EXIT_KICKED,        /* x86_cpu_kick() from another thread */
    CPU_EXIT_RESET,         /* triple fault: request_reset was called */
    CPU_EXIT_DEBUG,         /* breakpoint or single step (gdbstub) */
} CPUExitReason;

/**
 * x86_cpu_new() - create a vCPU of @model ("qemu64", "max", ... or NULL for
 * the default) with APIC ID @apic_id.  Returns NULL and sets *errp for an
 * unknown model.  Power-on state is set as after RESET.
 */
struct Error;
X86CPU *x86_cpu_new(const char *model, uint32_t apic_id,
                    const CPUPlatform *platform, struct Error **errp);
void x86_cpu_free(X86CPU *cpu);

/**
 * x86_jit_configure() - the block translator for vCPUs created afterwards
 * (-accel tcg,jit=on|off,tb-size=N): @enabled (ignored on hosts other than
 * x86-64, where the interpreter always runs), @tb_size_mib the code
 * region of each vCPU in MiB (0: keep the default, 32).
 */
void x86_jit_configure(bool enabled, uint64_t tb_size_mib);

/** x86_cpu_reset() - RESET (power-on) or INIT (@init_only) state. */
void x86_cpu_reset(X86CPU *cpu, bool init_only);

/**
 * x86_cpu_run() - execute until about @budget instructions have retired,
 * the CPU halts, or it is kicked.  Interrupts are checked at block ends.
 * Returns the reason; *@executed (if not NULL) gets the count retired.
 */
CPUExitReason x86_cpu_run(X86CPU *cpu, uint64_t budget, uint64_t *executed);

/** x86_cpu_kick() - make x86_cpu_run() return soon; any thread. */
void x86_cpu_kick(X86CPU *cpu);

/** x86_cpu_set_intr() - level of the INTR line (from PIC/APIC). */
void x86_cpu_set_intr(X86CPU *cpu, bool level);
/** x86_cpu_nmi() - an NMI edge. */
void x86_cpu_nmi(X86CPU *cpu);
/**
 * x86_cpu_init_sipi() - INIT (@vector < 0) or a STARTUP IPI.  INIT leaves
 * the CPU in wait-for-SIPI, where it takes no interrupts or NMIs; a
 * STARTUP starts it in real mode at @vector << 12 and is ignored outside
 * that state (SDM vol. 3A 8.4.3, 10.6.1).
 */
void x86_cpu_init_sipi(X86CPU *cpu, int vector);

/**
 * x86_cpu_set_a20() - the A20M# pin: while @enabled is false, bit 20 of
 * every physical address the CPU issues reads as 0 (the 8086 wrap-around
 * the PC's A20 gate emulates).  Flushes the CPU's TLB on a change.  Call
 * from the vCPU's own thread or while it is stopped (firmware gates A20
 * before it starts application processors).  Power-on: enabled.
 */
void x86_cpu_set_a20(X86CPU *cpu, bool enabled);

/** x86_cpu_memory_map_changed() - drop every cached host pointer. */
void x86_cpu_memory_map_changed(X86CPU *cpu);
/** x86_cpu_phys_written() - RAM at [@paddr, +@len) changed behind the
 *  CPU's back (DMA, loader): drop decoded code there. */
void x86_cpu_phys_written(X86CPU *cpu, uint64_t paddr, uint64_t len);

/** x86_cpu_is_halted() - true while in HLT waiting for an interrupt. */
bool x86_cpu_is_halted(const X86CPU *cpu);

/* Register numbers for x86_cpu_get_reg()/x86_cpu_set_reg(). */
enum {
    X86_REG_RAX = 0,    /* 0-15: RAX RCX RDX RBX RSP RBP RSI RDI R8-R15 */
    X86_REG_RIP = 16,
    X86_REG_RFLAGS = 17,
    X86_REG_CR0 = 18,
    X86_REG_CR3 = 19,
    X86_REG_CR4 = 20,
    X86_REG_EFER = 21,
    X86_REG_SEG = 22,   /* 22-27: ES CS SS DS FS GS selectors, in order */
    X86_REG_NUM = 28,
};

/**
 * x86_cpu_get_reg() - read a register (debugger, tests, loaders).
 * @reg: an X86_REG_* number; X86_REG_SEG + n reads segment selector n
 *       (ES CS SS DS FS GS).  Unknown numbers read 0.
 */
uint64_t x86_cpu_get_reg(X86CPU *cpu, int reg);
/** x86_cpu_set_reg() - write a general register, RIP or RFLAGS. */
void x86_cpu_set_reg(X86CPU *cpu, int reg, uint64_t val);

/**
 * x86_cpu_enter_flat32() - put the CPU in 32-bit protected mode with flat
 * 4 GiB code and data segments (selectors 0x08/0x10, not backed by a GDT),
 * paging off and interrupts disabled, at @eip: the multiboot hand-off state.
 */
void x86_cpu_enter_flat32(X86CPU *cpu, uint32_t eip);

/*
 * Debugger support (target/i386/gdb.c), for the gdbstub.  Call these only
 * while the vCPU is not running (the VM is stopped); memory access goes
 * through the CPUPlatform callbacks, so the caller must not hold locks
 * they take.
 */

/** Why the last x86_cpu_run() returned CPU_EXIT_DEBUG. */
typedef enum X86DebugStop {
    X86_DEBUG_STOP_NONE = 0,
    X86_DEBUG_STOP_BREAKPOINT,  /* CS:RIP reached a breakpoint */
    X86_DEBUG_STOP_STEP,        /* one instruction was single-stepped */
    X86_DEBUG_STOP_WATCH,       /* an instruction hit a watchpoint */
} X86DebugStop;

/** Accesses a watchpoint fires on. */
typedef enum X86WatchKind {
    X86_WATCH_WRITE = 1,
    X86_WATCH_READ = 2,
    X86_WATCH_ACCESS = 3,
} X86WatchKind;

/** x86_cpu_gdb_target_xml() - gdb target description (i386:x86-64). */
const char *x86_cpu_gdb_target_xml(void);
/** x86_cpu_gdb_num_regs() - registers in that description. */
int x86_cpu_gdb_num_regs(void);
/**
 * x86_cpu_gdb_read_reg() - gdb register @n (description order) into @buf
 * (at least 16 bytes), little endian.  Returns its size in bytes, 0 for
 * an unknown register.
 */
int x86_cpu_gdb_read_reg(X86CPU *cpu, int n, uint8_t *buf);
/**
 * x86_cpu_gdb_write_reg() - set gdb register @n from @buf (its size in
 * bytes).  Returns the size, 0 for an unknown register, -1 when the value
 * cannot be set (a protected-mode segment selector).
 */
int x86_cpu_gdb_write_reg(X86CPU *cpu, int n, const uint8_t *buf);
/**
 * x86_cpu_debug_rw() - read or write @len bytes of memory at the linear
 * address @addr through the CPU's paging, without faults.  Writes to RAM
 * drop decoded code as CPU writes do.  False if an address is unmapped.
 */
bool x86_cpu_debug_rw(X86CPU *cpu, uint64_t addr, uint8_t *buf, size_t len,
                      bool is_write);
/**
 * x86_cpu_breakpoint_insert() - stop (CPU_EXIT_DEBUG) before executing
 * the instruction at linear address @addr.  Guest memory is not touched.
 * False when the table (64 entries) is full.
 */
bool x86_cpu_breakpoint_insert(X86CPU *cpu, uint64_t addr);
/** x86_cpu_breakpoint_remove() - false if there was none at @addr. */
bool x86_cpu_breakpoint_remove(X86CPU *cpu, uint64_t addr);
void x86_cpu_breakpoint_remove_all(X86CPU *cpu);
/**
 * x86_cpu_debug_resume() - before the VM resumes under the debugger: a
 * breakpoint at the current CS:RIP is passed over once; with @step the
 * CPU stops (CPU_EXIT_DEBUG) after one instruction.
 */
void x86_cpu_debug_resume(X86CPU *cpu, bool step);
/**
 * x86_cpu_watchpoint_insert() - stop (CPU_EXIT_DEBUG) right after an
 * instruction that accesses [@addr, @addr + @len) (linear, @len 1..4096)
 * as @kind says.  Four per vCPU; false when full or invalid.
 */
bool x86_cpu_watchpoint_insert(X86CPU *cpu, uint64_t addr, uint64_t len,
                               X86WatchKind kind);
/** x86_cpu_watchpoint_remove() - false if there was no such one. */
bool x86_cpu_watchpoint_remove(X86CPU *cpu, uint64_t addr, uint64_t len,
                               X86WatchKind kind);
void x86_cpu_watchpoint_remove_all(X86CPU *cpu);
/**
 * x86_cpu_debug_watch_hit() - after X86_DEBUG_STOP_WATCH: the watchpoint's
 * address and the kind of access that hit it (X86_WATCH_ACCESS for an
 * access watchpoint).
 */
bool x86_cpu_debug_watch_hit(X86CPU *cpu, uint64_t *addr,
                             X86WatchKind *kind);
/** x86_cpu_debug_stop_reason() - why the last CPU_EXIT_DEBUG. */
X86DebugStop x86_cpu_debug_stop_reason(X86CPU *cpu);

/* -d items the CPU implements (x86_cpu_set_log()). */
#define X86_LOG_IN_ASM  (1u << 0)   /* disassemble each new block */
#define X86_LOG_EXEC    (1u << 1)   /* one line per block executed */
#define X86_LOG_INT     (1u << 2)   /* exceptions and interrupts */
#define X86_LOG_CPU     (1u << 3)   /* registers before each block */
/** x86_cpu_set_log() - enable the -d items in @mask (stderr). */
void x86_cpu_set_log(X86CPU *cpu, unsigned mask);

/**
 * x86_cpu_model_name() - the @idx-th CPU model for -cpu help, or NULL past
 * the end; *@desc (if not NULL) gets a one-line description.
 */
const char *x86_cpu_model_name(unsigned idx, const char **desc);

#endif /* EXEC_CPU_IFACE_H */
