/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a debugger needs from the x86 CPU (include/exec/cpu-iface.h,
 * "Debugger support"): the register file in the layout of gdb's
 * i386:x86-64 target description (GDB manual, appendix G "Target
 * Descriptions", G.5.9 "i386 Features": org.gnu.gdb.i386.core and
 * org.gnu.gdb.i386.sse), memory read and write at virtual (linear)
 * addresses, breakpoints by linear address and single-stepping.
 *
 * Breakpoints live outside guest memory: the run loop (exec.c) checks the
 * linear address of CS:RIP at every block start while any breakpoint is
 * set (x86_debug_check()), and blocks are decoded to end just before a
 * breakpoint, so every breakpoint is a block start.  With none set the
 * check is one predictable branch per block.  Single-stepping decodes one
 * instruction at a time (exec.c) and stops at the next block start.
 * Deviation: a debugger memory access walks the page tables like the CPU
 *   does and so may set accessed bits.
 */
#include <glib.h>

#include "target/i386/mem.h"

/* Wire layout: gdb register number -> our register. */
enum {
    GDB_RIP = 16, GDB_EFLAGS = 17, GDB_SEG = 18, GDB_ST0 = 24,
    GDB_FCTRL = 32, GDB_FSTAT, GDB_FTAG, GDB_FISEG, GDB_FIOFF, GDB_FOSEG,
    GDB_FOOFF, GDB_FOP, GDB_XMM0 = 40, GDB_MXCSR = 56, GDB_NREGS = 57,
};

/* gdb's amd64 order: rax rbx rcx rdx rsi rdi rbp rsp r8..r15. */
static const uint8_t gdb_gpr[16] = {
    R_EAX, R_EBX, R_ECX, R_EDX, R_ESI, R_EDI, R_EBP, R_ESP,
    R_R8, R_R9, R_R10, R_R11, R_R12, R_R13, R_R14, R_R15,
};

/* gdb's segment order: cs ss ds es fs gs. */
static const uint8_t gdb_seg[6] = { R_CS, R_SS, R_DS, R_ES, R_FS, R_GS };

static const char gdb_target_xml[] =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
    "<target version=\"1.0\">\n"
    "<architecture>i386:x86-64</architecture>\n"
    "<feature name=\"org.gnu.gdb.i386.core\">\n"
    "<reg name=\"rax\" bitsize=\"64\" type=\"int64\"/>\n"
    "<reg name=\"rbx\" bitsize=\"64\" type=\"int64\"/>\n"
    "<reg name=\"rcx\" bitsize=\"64\" type=\"int64\"/>\n"
    "<reg name=\"rdx\" bitsize=\"64\" type=\"int64\"/>\n"
    "<reg name=\"rsi\" bitsize=\"64\" type=\"int64\"/>\n"
    "<reg name=\"rdi\" bitsize=\"64\" type=\"int64\"/>\n"
    "<reg name=\"rbp\" bitsize=\"64\" type=\"data_ptr\"/>\n"
    "<reg name=\"rsp\" bitsize=\"64\" type=\"data_ptr\"/>\n"
    "<reg name=\"r8\" bitsize=\"64\" type=\"int64\"/>\n"
    "<reg name=\"r9\" bitsize=\"64\" type=\"int64\"/>\n"
    "<reg name=\"r10\" bitsize=\"64\" type=\"int64\"/>\n"
    "<reg name=\"r11\" bitsize=\"64\" type=\"int64\"/>\n"
    "<reg name=\"r12\" bitsize=\"64\" type=\"int64\"/>\n"
    "<reg name=\"r13\" bitsize=\"64\" type=\"int64\"/>\n"
    "<reg name=\"r14\" bitsize=\"64\" type=\"int64\"/>\n"
    "<reg name=\"r15\" bitsize=\"64\" type=\"int64\"/>\n"
    "<reg name=\"rip\" bitsize=\"64\" type=\"code_ptr\"/>\n"
    "<reg name=\"eflags\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"cs\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"ss\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"ds\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"es\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"fs\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"gs\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"st0\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st1\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st2\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st3\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st4\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st5\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st6\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st7\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"fctrl\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"fstat\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"ftag\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"fiseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"fioff\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"foseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"fooff\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"fop\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "</feature>\n"
    "<feature name=\"org.gnu.gdb.i386.sse\">\n"
    "<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>\n"
    "<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>\n"
    "<vector id=\"v16i8\" type=\"int8\" count=\"16\"/>\n"
    "<vector id=\"v8i16\" type=\"int16\" count=\"8\"/>\n"
    "<vector id=\"v4i32\" type=\"int32\" count=\"4\"/>\n"
    "<vector id=\"v2i64\" type=\"int64\" count=\"2\"/>\n"
    "<union id=\"vec128\">\n"
    "<field name=\"v4_float\" type=\"v4f\"/>\n"
    "<field name=\"v2_double\" type=\"v2d\"/>\n"
    "<field name=\"v16_int8\" type=\"v16i8\"/>\n"
    "<field name=\"v8_int16\" type=\"v8i16\"/>\n"
    "<field name=\"v4_int32\" type=\"v4i32\"/>\n"
    "<field name=\"v2_int64\" type=\"v2i64\"/>\n"
    "<field name=\"uint128\" type=\"uint128\"/>\n"
    "</union>\n"
    "<reg name=\"xmm0\" bitsize=\"128\" type=\"vec128\" regnum=\"40\"/>\n"
    "<reg name=\"xmm1\" bitsize=\"128\" type=\"vec128\"/>\n"
    "<reg name=\"xmm2\" bitsize=\"128\" type=\"vec128\"/>\n"
    "<reg name=\"xmm3\" bitsize=\"128\" type=\"vec128\"/>\n"
    "<reg name=\"xmm4\" bitsize=\"128\" type=\"vec128\"/>\n"
    "<reg name=\"xmm5\" bitsize=\"128\" type=\"vec128\"/>\n"
    "<reg name=\"xmm6\" bitsize=\"128\" type=\"vec128\"/>\n"
    "<reg name=\"xmm7\" bitsize=\"128\" type=\"vec128\"/>\n"
    "<reg name=\"xmm8\" bitsize=\"128\" type=\"vec128\"/>\n"
    "<reg name=\"xmm9\" bitsize=\"128\" type=\"vec128\"/>\n"
    "<reg name=\"xmm10\" bitsize=\"128\" type=\"vec128\"/>\n"
    "<reg name=\"xmm11\" bitsize=\"128\" type=\"vec128\"/>\n"
    "<reg name=\"xmm12\" bitsize=\"128\" type=\"vec128\"/>\n"
    "<reg name=\"xmm13\" bitsize=\"128\" type=\"vec128\"/>\n"
    "<reg name=\"xmm14\" bitsize=\"128\" type=\"vec128\"/>\n"
    "<reg name=\"xmm15\" bitsize=\"128\" type=\"vec128\"/>\n"
    "<reg name=\"mxcsr\" bitsize=\"32\" type=\"int\" group=\"vector\"/>\n"
    "</feature>\n"
    "</target>\n";

const char *x86_cpu_gdb_target_xml(void)
{
    return gdb_target_xml;
}

static void put_le(uint8_t *buf, uint64_t v, unsigned n)
{
    for (unsigned k = 0; k < n; k++) {
        buf[k] = v >> (k * 8);
    }
}

static uint64_t get_le(const uint8_t *buf, unsigned n)
{
    uint64_t v = 0;
    for (unsigned k = 0; k < n; k++) {
        v |= (uint64_t)buf[k] << (k * 8);
    }
    return v;
}

/* Size in bytes of gdb register @n, 0 past the end. */
static unsigned gdb_reg_size(int n)
{
    if (n < 0 || n >= GDB_NREGS) {
        return 0;
    }
    if (n <= GDB_RIP) {
        return 8;
    }
    if (n >= GDB_ST0 && n < GDB_FCTRL) {
        return 10;
    }
    if (n >= GDB_XMM0 && n < GDB_MXCSR) {
        return 16;
    }
    return 4;
}

static uint32_t x87_ctl_get(X86CPU *cpu, int n)
{
    X87State *s = &cpu->x87;

    switch (n) {
    case GDB_FCTRL: return s->fcw;
    case GDB_FSTAT: return x87_fsw(s);
    case GDB_FTAG: return x87_tag_word(s);
    case GDB_FISEG: return s->fcs;
    case GDB_FIOFF: return (uint32_t)s->fip;
    case GDB_FOSEG: return s->fds;
    case GDB_FOOFF: return (uint32_t)s->fdp;
    default: return s->fop;
    }
}

static void x87_ctl_set(X86CPU *cpu, int n, uint32_t v)
{
    X87State *s = &cpu->x87;

    switch (n) {
    case GDB_FCTRL: x87_set_fcw(s, v); break;
    case GDB_FSTAT: x87_set_fsw(s, v); break;
    case GDB_FTAG: x87_set_tag_word(s, v); break;
    case GDB_FISEG: s->fcs = v; break;
    case GDB_FIOFF: s->fip = v; break;
    case GDB_FOSEG: s->fds = v; break;
    case GDB_FOOFF: s->fdp = v; break;
    default: s->fop = v & 0x7ff; break;
    }
}

int x86_cpu_gdb_read_reg(X86CPU *cpu, int n, uint8_t *buf)
{
    unsigned size = gdb_reg_size(n);

    if (n < 16) {
        put_le(buf, cpu->regs[gdb_gpr[n]], 8);
    } else if (n == GDB_RIP) {
        put_le(buf, cpu->regs[R_RIP], 8);
    } else if (n == GDB_EFLAGS) {
        put_le(buf, x86_eflags_get(cpu), 4);
    } else if (n < GDB_ST0) {
        put_le(buf, cpu->seg[gdb_seg[n - GDB_SEG]].sel, 4);
    } else if (n < GDB_FCTRL) {
        Float80 f = x87_st(&cpu->x87, n - GDB_ST0);
        put_le(buf, f.mant, 8);
        put_le(buf + 8, f.se, 2);
    } else if (n < GDB_XMM0) {
        put_le(buf, x87_ctl_get(cpu, n), 4);
    } else if (n < GDB_MXCSR) {
        memcpy(buf, &cpu->xmm[n - GDB_XMM0], 16);
    } else if (n == GDB_MXCSR) {
        put_le(buf, cpu->mxcsr, 4);
    }
    return size;
}

/* A selector written by the debugger: loaded in real mode, otherwise only
 * accepted unchanged (a protected-mode load could fault). */
static bool gdb_set_seg(X86CPU *cpu, int seg, uint16_t sel)
{
    if (cpu->seg[seg].sel == sel) {
        return true;
    }
    if (!(cpu->cr0 & CR0_PE) || (cpu->eflags & EF_VM)) {
        x86_seg_load_real(cpu, seg, sel);
        if (seg == R_CS) {
            x86_update_mode(cpu);
        }
        return true;
    }
    return false;
}

int x86_cpu_gdb_write_reg(X86CPU *cpu, int n, const uint8_t *buf)
{
    unsigned size = gdb_reg_size(n);

    if (n < 16) {
        cpu->regs[gdb_gpr[n]] = get_le(buf, 8);
    } else if (n == GDB_RIP) {
        cpu->regs[R_RIP] = get_le(buf, 8);
    } else if (n == GDB_EFLAGS) {
        /* VM and the reserved bits stay as they are. */
        x86_eflags_set(cpu, get_le(buf, 4), ~(uint32_t)EF_VM);
    } else if (n < GDB_ST0) {
        if (!gdb_set_seg(cpu, gdb_seg[n - GDB_SEG], get_le(buf, 4))) {
            return -1;
        }
    } else if (n < GDB_FCTRL) {
        Float80 f = { .mant = get_le(buf, 8), .se = get_le(buf + 8, 2) };
        x87_set_st(&cpu->x87, n - GDB_ST0, f);
    } else if (n < GDB_XMM0) {
        x87_ctl_set(cpu, n, get_le(buf, 4));
    } else if (n < GDB_MXCSR) {
        memcpy(&cpu->xmm[n - GDB_XMM0], buf, 16);
    } else if (n == GDB_MXCSR) {
        cpu->mxcsr = get_le(buf, 4) & 0xffff;
    }
    return size;
}

int x86_cpu_gdb_num_regs(void)
{
    return GDB_NREGS;
}

/* Physical address of linear @lin for the debugger, without faults. */
static bool debug_translate(X86CPU *cpu, uint64_t lin, uint64_t *paddr)
{
    if (!(cpu->cr0 & CR0_PG)) {
        *paddr = lin & cpu->lin_mask;
        return true;
    }
    return x86_translate(cpu, lin & cpu->lin_mask, ACC_READ, false, paddr,
                         true);
}

bool x86_cpu_debug_rw(X86CPU *cpu, uint64_t addr, uint8_t *buf, size_t len,
                      bool is_write)
{
    uint64_t paddr = 0;

    for (size_t k = 0; k < len; k++) {
        uint64_t lin = addr + k;
        if ((k == 0 || (lin & 0xfff) == 0) &&
            !debug_translate(cpu, lin, &paddr)) {
            return false;
        }
        if (is_write) {
            x86_phys_st(cpu, paddr, buf[k], 1);
        } else {
            buf[k] = x86_phys_ld(cpu, paddr, 1);
        }
        paddr++;
    }
    return true;
}

/* Breakpoints and single-step. */

static bool gdb_bp_at(X86CPU *cpu, uint64_t lin)
{
    for (unsigned k = 0; k < cpu->n_breakpoints; k++) {
        if (cpu->breakpoints[k] == lin) {
            return true;
        }
    }
    return false;
}

bool x86_debug_bp_at(X86CPU *cpu, uint64_t lin)
{
    return gdb_bp_at(cpu, lin) ||
           (cpu->dr_exec && x86_debug_dr_exec_at(cpu, lin, NULL));
}

bool x86_cpu_breakpoint_insert(X86CPU *cpu, uint64_t addr)
{
    if (gdb_bp_at(cpu, addr)) {
        return true;
    }
    if (cpu->n_breakpoints == X86_MAX_BREAKPOINTS) {
        return false;
    }
    cpu->breakpoints[cpu->n_breakpoints++] = addr;
    x86_debug_update_flags(cpu);
    /* Blocks decoded before must be split at the new breakpoint. */
    x86_bc_flush(cpu);
    return true;
}

bool x86_cpu_breakpoint_remove(X86CPU *cpu, uint64_t addr)
{
    for (unsigned k = 0; k < cpu->n_breakpoints; k++) {
        if (cpu->breakpoints[k] == addr) {
            cpu->breakpoints[k] = cpu->breakpoints[--cpu->n_breakpoints];
            x86_debug_update_flags(cpu);
            return true;
        }
    }
    return false;
}

void x86_cpu_breakpoint_remove_all(X86CPU *cpu)
{
    cpu->n_breakpoints = 0;
    x86_debug_update_flags(cpu);
}

void x86_cpu_debug_resume(X86CPU *cpu, bool step)
{
    cpu->debug_skip = true;
    cpu->debug_skip_lin = (cpu->seg[R_CS].base + cpu->regs[R_RIP]) &
                          cpu->lin_mask;
    cpu->debug_step = step;
    cpu->debug_stepped = false;
    cpu->debug_stop = X86_DEBUG_STOP_NONE;
    cpu->gdb_watch_hit = 0;
    x86_debug_update_flags(cpu);
    /* A cached block would run more than the one instruction. */
    x86_jc_flush(cpu);
}

X86DebugStop x86_cpu_debug_stop_reason(X86CPU *cpu)
{
    return cpu->debug_stop;
}

bool x86_debug_check(X86CPU *cpu)
{
    uint64_t lin = (cpu->seg[R_CS].base + cpu->regs[R_RIP]) & cpu->lin_mask;
    bool skip = cpu->debug_skip && cpu->debug_skip_lin == lin;

    cpu->debug_skip = false;
    if (cpu->gdb_watch_hit) {
        cpu->debug_stop = X86_DEBUG_STOP_WATCH;
        return true;
    }
    if (cpu->debug_step && cpu->debug_stepped) {
        cpu->debug_stop = X86_DEBUG_STOP_STEP;
        return true;
    }
    if (!skip && cpu->n_breakpoints && gdb_bp_at(cpu, lin)) {
        cpu->debug_stop = X86_DEBUG_STOP_BREAKPOINT;
        return true;
    }
    cpu->debug_stepped = cpu->debug_step;
    x86_debug_guest_check(cpu, lin);
    return false;
}
