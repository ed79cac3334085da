/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x86 CPU state: general registers, segment caches, control registers,
 * lazy flags, the software TLB and the decoded-block cache handle.
 *
 * Internal to target/i386 (the machine sees only include/exec/cpu-iface.h).
 * Register numbering and EFLAGS/CR bit names follow the Intel SDM vol. 1
 * ch. 3 and vol. 3A ch. 2; segment descriptor attribute bits are kept in
 * the layout of the descriptor's high dword (SDM vol. 3A 3.4.5), bits 8-23.
 */
#ifndef TARGET_I386_CPU_H
#define TARGET_I386_CPU_H

#include <setjmp.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "exec/cpu-iface.h"
#include "target/i386/fpu/x87.h"
#include "target/i386/sse/sse-ops.h"

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* General registers, in ModRM encoding order (SDM vol. 2A table 2-1). */
enum {
    R_EAX, R_ECX, R_EDX, R_EBX, R_ESP, R_EBP, R_ESI, R_EDI,
    R_R8, R_R9, R_R10, R_R11, R_R12, R_R13, R_R14, R_R15,
    R_ZERO = 16,        /* always reads 0: "no base / no index" in an EA */
    R_RIP = 17,         /* the instruction pointer (next instruction) */
    X86_NREGS = 18,
};

/* Segment registers in Sreg encoding order, then the system segments. */
enum { R_ES, R_CS, R_SS, R_DS, R_FS, R_GS, R_LDTR, R_TR, X86_NSEGS };

/* EFLAGS (SDM vol. 1 3.4.3). */
#define CC_C   0x0001u
#define CC_P   0x0004u
#define CC_A   0x0010u
#define CC_Z   0x0040u
#define CC_S   0x0080u
#define CC_O   0x0800u
#define CC_ALL (CC_C | CC_P | CC_A | CC_Z | CC_S | CC_O)
#define EF_TF   0x00000100u
#define EF_IF   0x00000200u
#define EF_DF   0x00000400u
#define EF_IOPL 0x00003000u
#define EF_NT   0x00004000u
#define EF_RF   0x00010000u
#define EF_VM   0x00020000u
#define EF_AC   0x00040000u
#define EF_VIF  0x00080000u
#define EF_VIP  0x00100000u
#define EF_ID   0x00200000u
#define EF_FIXED1 0x00000002u

/* Control registers (SDM vol. 3A 2.5). */
#define CR0_PE (1u << 0)
#define CR0_MP (1u << 1)
#define CR0_EM (1u << 2)
#define CR0_TS (1u << 3)
#define CR0_ET (1u << 4)
#define CR0_NE (1u << 5)
#define CR0_WP (1u << 16)
#define CR0_AM (1u << 18)
#define CR0_NW (1u << 29)
#define CR0_CD (1u << 30)
#define CR0_PG (1u << 31)
#define CR4_VME (1u << 0)
#define CR4_PVI (1u << 1)
#define CR4_TSD (1u << 2)
#define CR4_DE  (1u << 3)
#define CR4_PSE (1u << 4)
#define CR4_PAE (1u << 5)
#define CR4_MCE (1u << 6)
#define CR4_PGE (1u << 7)
#define CR4_PCE (1u << 8)
#define CR4_OSFXSR (1u << 9)
#define CR4_OSXMMEXCPT (1u << 10)
#define CR4_UMIP (1u << 11)
#define CR4_SMEP (1u << 20)
#define CR4_SMAP (1u << 21)
/* Debug status and control (SDM vol. 3B 17.2.3, 17.2.4). */
#define DR6_BD (1u << 13)
#define DR6_BT (1u << 15)
#define DR7_GD (1u << 13)
#define EFER_SCE (1u << 0)
#define EFER_LME (1u << 8)
#define EFER_LMA (1u << 10)
#define EFER_NXE (1u << 11)

/* Exception vectors (SDM vol. 3A table 6-1). */
enum {
    EXCP_DE = 0, EXCP_DB = 1, EXCP_NMI = 2, EXCP_BP = 3, EXCP_OF = 4,
    EXCP_BR = 5, EXCP_UD = 6, EXCP_NM = 7, EXCP_DF = 8, EXCP_TS = 10,
    EXCP_NP = 11, EXCP_SS = 12, EXCP_GP = 13, EXCP_PF = 14, EXCP_MF = 16,
    EXCP_AC = 17, EXCP_MC = 18, EXCP_XM = 19,
};

/* Descriptor attribute bits as kept in X86Seg.flags (descriptor dword 1). */
#define DESC_TYPE_SHIFT 8
#define DESC_A    (1u << 8)     /* accessed */
#define DESC_RW   (1u << 9)     /* data: writable; code: readable */
#define DESC_CE   (1u << 10)    /* data: expand-down; code: conforming */
#define DESC_CODE (1u << 11)
#define DESC_S    (1u << 12)    /* code/data (not system) */
#define DESC_DPL_SHIFT 13
#define DESC_P    (1u << 15)
#define DESC_L    (1u << 21)
#define DESC_B    (1u << 22)
#define DESC_G    (1u << 23)

/* Access kinds for segment and page checks. */
enum { ACC_READ = 0, ACC_WRITE = 1, ACC_EXEC = 2 };

/* Segment permission bits in X86Seg.perm. */
#define SEG_PERM_R 1u
#define SEG_PERM_W 2u

typedef struct X86Seg {
    uint64_t base;
    uint64_t lo;        /* lowest valid offset */
    uint64_t hi;        /* highest valid offset */
    uint64_t fast_lim;  /* offsets below pass for sizes <= 8 (seg.c) */
    uint32_t limit;     /* byte-granular limit */
    uint32_t flags;     /* descriptor attribute bits, DESC_* */
    uint16_t sel;
    uint8_t perm;       /* SEG_PERM_*; 0 = null or unusable */
} X86Seg;

typedef struct X86DescTable {
    uint64_t base;
    uint32_t limit;
} X86DescTable;

/* Software TLB (CPU-ENGINE.md): direct mapped, one per privilege class. */
#define X86_TLB_BITS 10
#define X86_TLB_SIZE (1u << X86_TLB_BITS)
/* Tag bits, above the alignment bits the fast path compares (mem.h). */
#define X86_TLB_INVALID 0x400ull /* never matches an address */
#define X86_TLB_SLOW    0x800ull /* matches only in mmu.c: MMIO, code pages */

typedef struct X86TLBEntry {
    uint64_t tag_r;     /* page-aligned linear address, or INVALID */
    uint64_t tag_w;
    uint64_t tag_x;
    uintptr_t addend;   /* host address = linear + addend (RAM/ROM) */
    uint64_t paddr;     /* physical page */
    uint8_t mmio;       /* no host pointer: go through phys_read/write */
    uint8_t global;
} X86TLBEntry;

/* Lazy flags operations (CPU-ENGINE.md "Lazy flags"). */
enum {
    CC_OP_EFLAGS = 0,   /* cc_src holds the flags themselves */
    CC_OP_ADD,          /* cc_src = a, cc_src2 = b, cc_dst = a+b(+c) */
    CC_OP_SUB,          /* cc_src = a, cc_src2 = b, cc_dst = a-b(-c) */
    CC_OP_LOGIC,        /* cc_dst = result; CF=OF=0 */
    CC_OP_INC,          /* cc_dst = result, cc_src2 = old CF */
    CC_OP_DEC,
    CC_OP_ADC,          /* as ADD, with a carry in: r is a+b+CF */
    CC_OP_SBB,          /* as SUB, with a borrow in: r is a-b-CF */
    CC_OP_SHIFT,        /* cc_dst = result (SF ZF PF), cc_src = CF,
                           cc_src2 = OF, AF clear: shifts, multiplies */
    CC_OP_NR,
};

/* Linear-address cache in front of the block hash (exec.c). */
#define X86_JC_BITS 12
#define X86_JC_SIZE (1u << X86_JC_BITS)
#define X86_RAS_SIZE 16            /* return-address cache depth */

typedef struct X86Block X86Block;
#define X86_MAX_BREAKPOINTS 64
#define X86_DEBUG_BP   1u       /* gdb or DR7 instruction breakpoints */
#define X86_DEBUG_STEP 2u       /* gdb single-step */
#define X86_DEBUG_TF   4u       /* EFLAGS.TF (maybe) set, or its trap owed */
#define X86_DEBUG_WATCH 8u      /* DR7 data breakpoints armed */
#define X86_DEBUG_DB_PENDING 16u /* a data breakpoint hit: trap owed */
#define X86_DEBUG_ONE_INSN (X86_DEBUG_STEP | X86_DEBUG_TF)

#define X86_GDB_WATCH_SLOTS 4
typedef struct X86GdbWatch {
    uint64_t addr, len;
    unsigned kind;              /* X86WatchKind */
} X86GdbWatch;

typedef struct X86BlockCache X86BlockCache;
typedef struct X86SmpState X86SmpState;
typedef struct X86Insn X86Insn;

struct X86CPU {
    /* Hot: registers and flags. */
    uint64_t regs[X86_NREGS];
    uint64_t cc_src, cc_src2, cc_dst;
    uint32_t cc_op;
    uint32_t cc_size;           /* operand size in bytes of the cc op */
    uint32_t eflags;            /* every bit except the CC_ALL ones */
    uint32_t mmu_idx;           /* 0 = supervisor, 1 = user (CPL 3) */
    X86Seg seg[X86_NSEGS];
    uint64_t lin_mask;          /* 0xffffffff outside long mode */
    uint64_t a20_mask;          /* ~bit 20 while the A20M# pin masks it */
    const X86Insn *cur_insn;    /* the instruction executing */
    uint64_t ea;                /* effective address of the memory operand */
    uint64_t insn_eip;          /* EIP of the first insn of the block */
    X86Block *cur_block;        /* the block executing */
    bool stop_block;            /* end the block after this instruction */
    const X86Insn *run_end;     /* the run loop stops before this one */
    /*
     * Reasons to leave the block loop, in one word so the run loop tests
     * them all with one load per block (other threads set intr_line,
     * nmi_pending and kick with atomic stores).
     */
    union {
        struct {
            bool intr_line;
            volatile bool nmi_pending;
            bool halted;
            bool reset_requested;
            volatile int kick;
        };
        uint64_t events;
    };
    /* Bumped by every jump-cache flush and by every change of CS, code
     * size or CPL: block links made before are stale (exec.c, tb.h). */
    uint32_t chain_gen;
    X86TLBEntry tlb[2][X86_TLB_SIZE];
    /* Host pointers of RAM pages the page walker, TLB fills and slow
     * stores used lately (mmu.c), so they skip the platform's locked
     * lookup; keyed by page | 1, 0 = empty; emptied with every global TLB
     * flush. */
    struct X86PhysCache {
        uint64_t key;
        uint8_t *host;
    } phys_cache[1024];
    struct X86JumpCache {
        uint64_t lin;           /* linear address of the block */
        X86Block *block;
        uint32_t key;           /* code_size | mmu_idx << 4 */
        uint32_t gen;           /* valid while equal to jc_gen */
    } jc[X86_JC_SIZE];
    uint32_t jc_gen;            /* a flush bumps it instead of clearing */
    /* Linear pages (hashed, one bit each) given an executable TLB entry
     * since the last global TLB flush (mmu.c): INVLPG of any other page
     * cannot leave a jump-cache entry or block link stale. */
    uint64_t code_pages[512];
    /* Return-address cache (exec.c): near CALLs push the calling block,
     * RET pops it into ret_caller, whose ret_link names the block at the
     * return address.  A wrong or stale entry only costs a lookup. */
    X86Block *ras[X86_RAS_SIZE];
    uint32_t ras_top;
    X86Block *ret_caller;

    /* Mode. */
    uint8_t cpl;
    uint8_t code_size;          /* 2, 4 or 8 */
    bool long_mode;             /* EFER.LMA */

    /* System state. */
    uint64_t cr0, cr2, cr3, cr4, cr8, efer;
    uint64_t pdpte[4];          /* PAE PDPTE registers (SDM 3A 4.4.1) */
    uint64_t dr[8];
    X86DescTable gdt, idt;
    uint64_t star, lstar, cstar, sfmask, kernel_gs_base;
    uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
    uint64_t apic_base, tsc_offset, tsc_aux, pat, misc_enable;
    uint64_t mtrr_def_type, mtrr_fixed[11], mtrr_var[16];

    /* x87, MMX and SSE state (fpu/, sse/). */
    X87State x87;
    XMMReg xmm[16];
    uint32_t mxcsr;

    /* Interrupts and run state. */
    bool nmi_blocked;
    bool wait_sipi;             /* after INIT: only a STARTUP IPI wakes */
    uint64_t inhibit_irq_eip;   /* interrupt shadow (STI, MOV SS) */
    bool inhibit_irq;
    int exc_depth;              /* 0, or vector class being delivered */
    int last_excp;
    uint64_t retired;           /* instructions retired this slice */

    /* Exceptions leave through x86_raise() to here. */
    sigjmp_buf jmp;
    int pending_excp;
    uint32_t pending_err;
    bool pending_has_err;
    bool pending_soft;          /* INT n: push next EIP, check DPL */
    bool pending_icebp;         /* INT1 (F1): as INT n, but no DPL check */
    bool soft_int_rewind;       /* delivering INT n: its faults report it */
    uint64_t soft_int_eip;      /* ... at this EIP (the INT instruction) */

    /* Model. */
    uint32_t cpuid_vendor[3];
    uint32_t cpuid_level, cpuid_xlevel;
    uint32_t cpuid_sig;
    uint32_t features_edx, features_ecx;
    uint32_t ext_features_edx, ext_features_ecx;
    uint32_t features7_ebx, features7_ecx;      /* CPUID.(EAX=7,ECX=0) */
    uint32_t apic_id;
    char model_id[48];

    /* Debugger (gdb.c): breakpoints by linear address, single-step. */
    uint32_t debug_flags;       /* X86_DEBUG_*: nonzero makes the run
                                   loop call x86_debug_check() */
    unsigned n_breakpoints;
    uint64_t breakpoints[X86_MAX_BREAKPOINTS];
    bool debug_step;            /* stop after one instruction */
    bool debug_stepped;         /* ... which has been started */
    bool debug_skip;            /* resume over a breakpoint at ... */
    uint64_t debug_skip_lin;    /* ... this linear address, once */
    X86DebugStop debug_stop;    /* why the last CPU_EXIT_DEBUG */
    /* The guest's debug registers as armed (debugreg.c). */
    uint32_t dr_exec;           /* DRn armed as instruction breakpoints */
    uint32_t dr_watch;          /* watch slots armed: DRn (bits 0-3),
                                   debugger watchpoints (bits 4-7) */
    X86GdbWatch gdb_watch[X86_GDB_WATCH_SLOTS];
    unsigned gdb_watch_hit;     /* 1 + slot of a debugger watch hit */
    unsigned gdb_watch_hit_kind;
    uint32_t dr_io;             /* DRn armed as I/O breakpoints */
    uint32_t dr_hits;           /* DR6 B0-B3 (breakpoints hit) and BT
                                   (task switch): #DB trap owed */
    bool db_shadow;             /* MOV/POP SS: #DB traps held until ... */
    uint64_t db_shadow_eip;     /* ... the instruction at this EIP ran */
    bool tf_armed;              /* TF was set when this insn started */
    uint64_t tf_retired;        /* cpu->retired when it started */

    /* Host plumbing. */
    CPUPlatform plat;
    X86BlockCache *bc;
    X86SmpState *smp;           /* cross-vCPU requests (smp.c) */
    unsigned smp_slot;          /* this vCPU's bit in the code map */
    int smp_pending;            /* requests are waiting in smp */
    uint32_t log_mask;          /* X86_LOG_* in force this slice */
    uint32_t log_forced;        /* set by x86_cpu_set_log() */
};

/* The run loop reads events == 1 as "only INTR raised". */
_Static_assert(offsetof(X86CPU, intr_line) == offsetof(X86CPU, events),
               "intr_line must be the low byte of events");

/* End the running block after the current instruction (the run loop
 * compares against run_end alone, so both are set). */
static inline void x86_stop_block(X86CPU *cpu)
{
    cpu->stop_block = true;
    cpu->run_end = NULL;
}

/* A general register as a byte array (host is little endian). */
static inline uint8_t *x86_reg_ptr(X86CPU *cpu, unsigned off)
{
    return (uint8_t *)cpu->regs + off;
}

static inline uint64_t x86_size_mask(unsigned size)
{
    return size == 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

/* Noreturn exits to the run loop (excp.c). */
_Noreturn void x86_raise(X86CPU *cpu, int vector, uint32_t err);
_Noreturn void x86_raise_noerr(X86CPU *cpu, int vector);
_Noreturn void x86_raise_soft_int(X86CPU *cpu, int vector);
_Noreturn void x86_raise_icebp(X86CPU *cpu);
/* A data access of @size bytes at @lin that is not aligned to its size:
 * #AC(0) at CPL 3 with CR0.AM and EFLAGS.AC set, else nothing. */
void x86_alignment_check(X86CPU *cpu, uint64_t lin, unsigned size);
void x86_deliver_pending(X86CPU *cpu);
void x86_deliver_interrupt(X86CPU *cpu, int vector, bool soft,
                           bool has_err, uint32_t err, uint64_t next_eip);
void x86_iret(X86CPU *cpu, unsigned opsize);

/* Flags (flags.c). */
uint32_t x86_eflags_get(X86CPU *cpu);
void x86_eflags_set(X86CPU *cpu, uint32_t val, uint32_t mask);
static inline bool x86_get_cf(X86CPU *cpu)
{
    uint64_t a = cpu->cc_src, b = cpu->cc_src2, r = cpu->cc_dst;
    /* Shifting the operands to the top compares only their low
     * cc_size bytes. */
    unsigned sh = 64 - cpu->cc_size * 8;

    switch (cpu->cc_op) {
    case CC_OP_INC:
    case CC_OP_DEC:
        return b;
    case CC_OP_EFLAGS:
        return a & CC_C;
    case CC_OP_ADD:
        return (r << sh) < (a << sh);
    case CC_OP_SUB:
        return (a << sh) < (b << sh);
    case CC_OP_ADC:
        return ((((a & b) | ((a | b) & ~r)) << sh) >> 63) & 1;
    case CC_OP_SBB:
        return ((((~a & b) | (~(a ^ b) & r)) << sh) >> 63) & 1;
    case CC_OP_SHIFT:
        return a;
    default:
        return false;       /* CC_OP_LOGIC */
    }
}
uint32_t x86_flags_szp(uint64_t r, unsigned size);
/* Replace the six arithmetic flags with @f (CC_* bits). */
static inline void x86_cc_eflags(X86CPU *cpu, uint32_t f)
{
    cpu->cc_op = CC_OP_EFLAGS;
    cpu->cc_src = f & CC_ALL;
}
/* The arithmetic flags now, as CC_* bits. */
static inline uint32_t x86_cc_all(X86CPU *cpu)
{
    return x86_eflags_get(cpu) & CC_ALL;
}
bool x86_cond_slow(X86CPU *cpu, unsigned cc);
/* Condition @cc (low nibble of Jcc); ZF and SF tests of a recorded result
 * are answered inline. */
static inline bool x86_cond(X86CPU *cpu, unsigned cc)
{
    if ((cc >> 1) == 2 && cpu->cc_op != CC_OP_EFLAGS) {
        uint64_t m = cpu->cc_size == 8 ? ~0ull
                                       : (1ull << (cpu->cc_size * 8)) - 1;
        return ((cpu->cc_dst & m) == 0) ^ (cc & 1);
    }
    return x86_cond_slow(cpu, cc);
}

/* Mode and state changes (cpu.c, seg.c). */
void x86_update_mode(X86CPU *cpu);
void x86_set_cpl(X86CPU *cpu, unsigned cpl);
void x86_set_cr0(X86CPU *cpu, uint64_t val);
void x86_set_cr3(X86CPU *cpu, uint64_t val);
void x86_set_cr4(X86CPU *cpu, uint64_t val);
void x86_seg_load_real(X86CPU *cpu, int seg, uint16_t sel);
void x86_seg_load(X86CPU *cpu, int seg, uint16_t sel);
void x86_seg_set_cache(X86CPU *cpu, int seg, uint16_t sel, uint64_t base,
                       uint32_t limit, uint32_t flags);
void x86_seg_load_desc(X86CPU *cpu, int seg, uint16_t sel,
                       const uint32_t d[2]);
uint32_t x86_desc_limit(const uint32_t d[2]);
void x86_seg_refresh_all(X86CPU *cpu);
bool x86_desc_fetch(X86CPU *cpu, uint16_t sel, uint32_t desc[2], int exc);
void x86_far_jmp(X86CPU *cpu, uint16_t sel, uint64_t off);
void x86_far_call(X86CPU *cpu, uint16_t sel, uint64_t off, unsigned opsize);
void x86_far_ret(X86CPU *cpu, unsigned opsize, unsigned imm);
void x86_task_switch(X86CPU *cpu, uint16_t sel, int reason, bool has_err,
                     uint32_t err);
bool x86_io_allowed(X86CPU *cpu, uint16_t port, unsigned size);
bool x86_cpuid(X86CPU *cpu, uint32_t leaf, uint32_t sub, uint32_t out[4]);
bool x86_msr_read(X86CPU *cpu, uint32_t idx, uint64_t *val);
bool x86_msr_write(X86CPU *cpu, uint32_t idx, uint64_t val);
uint64_t x86_rdtsc(X86CPU *cpu);

/* Decoded-block cache (tb.c). */
void x86_bc_create(X86CPU *cpu);
void x86_bc_destroy(X86CPU *cpu);
void x86_bc_flush(X86CPU *cpu);
void x86_jc_flush(X86CPU *cpu);
void x86_bc_invalidate_phys(X86CPU *cpu, uint64_t paddr, uint64_t len);
bool x86_bc_page_has_code(X86CPU *cpu, uint64_t paddr);

/* Debugger (gdb.c): at a block start, true if the CPU must stop here
 * (breakpoint, or the single step is done); only while debug_flags. */
bool x86_debug_check(X86CPU *cpu);
/* A block must end before @lin (gdb or DR7 instruction breakpoint). */
bool x86_debug_bp_at(X86CPU *cpu, uint64_t lin);

/* Guest debug registers, #DB, TF, RF (debugreg.c). */
void x86_debug_update_flags(X86CPU *cpu);
void x86_debug_dr_changed(X86CPU *cpu);
bool x86_debug_dr_exec_at(X86CPU *cpu, uint64_t lin, uint32_t *hits);
bool x86_debug_watch_page(X86CPU *cpu, uint64_t page, int acc);
void x86_debug_watch_access(X86CPU *cpu, uint64_t lin, unsigned size,
                            bool is_write);
void x86_debug_tf_set(X86CPU *cpu);
void x86_debug_guest_check(X86CPU *cpu, uint64_t lin);
/* MOV to or from DRn: the general-detect #DB fault while DR7.GD is set. */
void x86_debug_dr_access(X86CPU *cpu);
/* IN/OUT/INS/OUTS completed on [@port, +@size): I/O breakpoints (only
 * called while cpu->dr_io is nonzero). */
void x86_debug_io_access(X86CPU *cpu, uint16_t port, unsigned size);
/* MOV or POP SS completed while debug_flags is set: the debug traps it
 * owes wait until after the next instruction. */
void x86_debug_ss_shadow(X86CPU *cpu);
/* A task switch to a TSS with its T flag set has completed. */
void x86_debug_task_trap(X86CPU *cpu);

/* Cross-modifying code between vCPUs (smp.c). */
void x86_smp_register(X86CPU *cpu);
void x86_smp_unregister(X86CPU *cpu);
/* Some vCPU has decoded code on the page of @paddr. */
bool x86_smp_page_has_code(uint64_t paddr);
/* tb.c: this vCPU now has (no longer has) decoded code on @ppage. */
void x86_smp_code_added(X86CPU *cpu, uint64_t ppage);
void x86_smp_code_removed(X86CPU *cpu, uint64_t ppage);
/* A store to RAM [@paddr, +@len) on a page with code: drop the code it
 * overlaps here and in the other vCPUs; true while the page has code. */
bool x86_smp_ram_store(X86CPU *cpu, uint64_t paddr, uint64_t len);
/* Apply the requests other vCPUs posted (run loop, owning thread). */
void x86_smp_process(X86CPU *cpu);

#endif /* TARGET_I386_CPU_H */
