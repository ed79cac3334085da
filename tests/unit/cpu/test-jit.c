/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests of the block translator (target/i386/jit.c) against the
 * interpreter: two test machines, one translating every block at its first
 * run and one interpreting, run the same 64-bit code and must end in the
 * same state.  Covers what the single-instruction differential tests do
 * not reach: a flag-setting entry followed by a block-ending Jcc (the
 * translator branches on the host's flags, including after INC/DEC with
 * each source of CF), faults from inlined loads and stores (RIP, error
 * code, CR2), self-modifying code in and across translated blocks, a full
 * code region (flush and retranslate), and jit=off.
 */
#include <inttypes.h>
#include <string.h>
#include <glib.h>

#include "accel/test-machine.h"
#include "target/i386/cpu.h"
#include "target/i386/jit.h"
#include "target/i386/tb.h"

#define CODE_ADDR 0x10000
#define MEM_ADDR  0x20000
#define STACK_TOP 0x30000
#define GDT_ADDR  0x5000
#define IDT_ADDR  0x6000
#define VEC_ADDR  0x7000        /* a HLT per vector: 0x7000 + vector */

static int hexbytes(const char *hex, uint8_t *out)
{
    int n = 0;
    for (; hex[0] && hex[1]; hex += 2) {
        if (hex[0] == ' ') {
            hex--;
            continue;
        }
        out[n++] = g_ascii_xdigit_value(hex[0]) << 4 |
                   g_ascii_xdigit_value(hex[1]);
    }
    return n;
}

static void put64(TestMachine *m, uint64_t addr, uint64_t v)
{
    test_machine_load(m, addr, &v, 8, &error_abort);
}

/* 64-bit mode, identity paging of the low 8 MiB, a GDT and an IDT whose
 * gates 0-31 go to one HLT each. */
static void enter_long_mode(TestMachine *m)
{
    X86CPU *cpu = m->cpu;
    uint8_t hlt[32];

    put64(m, 0x1000, 0x2000 | 3);
    put64(m, 0x2000, 0x3000 | 3);
    for (uint64_t k = 0; k < 4; k++) {
        put64(m, 0x3000 + k * 8, (k << 21) | 0x83);
    }
    put64(m, GDT_ADDR, 0);
    put64(m, GDT_ADDR + 8, 0x00af9a000000ffffull);
    put64(m, GDT_ADDR + 16, 0x00cf92000000ffffull);
    for (unsigned v = 0; v < 32; v++) {
        uint64_t h = VEC_ADDR + v;
        put64(m, IDT_ADDR + v * 16, (h & 0xffff) | 0x08u << 16 |
              0x8e00ull << 32 | (h >> 16 & 0xffff) << 48);
        put64(m, IDT_ADDR + v * 16 + 8, h >> 32);
    }
    memset(hlt, 0xf4, sizeof(hlt));
    test_machine_load(m, VEC_ADDR, hlt, sizeof(hlt), &error_abort);
    x86_cpu_enter_flat32(cpu, CODE_ADDR);
    x86_set_cr4(cpu, CR4_PAE);
    cpu->cr3 = 0x1000;
    g_assert_true(x86_msr_write(cpu, 0xc0000080, EFER_LME));
    x86_set_cr0(cpu, cpu->cr0 | CR0_PG);
    x86_seg_set_cache(cpu, R_CS, 0x08, 0, 0xffffffff,
                      DESC_P | DESC_S | DESC_CODE | DESC_RW | DESC_L);
    cpu->gdt.base = GDT_ADDR;
    cpu->gdt.limit = 23;
    cpu->idt.base = IDT_ADDR;
    cpu->idt.limit = 32 * 16 - 1;
    g_assert_cmpint(cpu->code_size, ==, 8);
}

static TestMachine *machine(bool jit)
{
    TestMachine *m;
    x86_jit_configure(jit, 0);
    m = test_machine_new(16, &error_abort);
    enter_long_mode(m);
    return m;
}

static void load_code(TestMachine *m, uint64_t addr, const char *hex)
{
    uint8_t buf[4096];
    int n = hexbytes(hex, buf);
    test_machine_load(m, addr, buf, n, &error_abort);
    x86_cpu_phys_written(m->cpu, addr, n);
}

/* Run from @rip until HLT. */
static void run_at(TestMachine *m, uint64_t rip)
{
    X86CPU *cpu = m->cpu;
    cpu->regs[R_ESP] = STACK_TOP;
    cpu->regs[R_RIP] = rip;
    cpu->halted = false;
    for (int k = 0; k < 100 && !cpu->halted; k++) {
        x86_cpu_run(cpu, 100000, NULL);
    }
    g_assert_true(cpu->halted);
}

static const uint64_t vals[] = {
    0, 1, 2, 5, 0x7f, 0x80, 0xe8, 0xff, 0x7fff, 0x8000, 0xffff,
    0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull,
    0x7fffffffffffffffull, 0x8000000000000000ull, 0xffffffffffffffffull,
};

/* Flag-setting entries (RAX op0, RBX op1 or [RSI]) of every width. */
static const char *const flag_ops[] = {
    "4839d8", "4829d8", "4801d8", "4821d8", "4809d8", "4831d8", "4885d8",
    "4883f805", "48ffc0", "48ffc8", "4811d8", "483b06", "480306",
    "39d8", "29d8", "01d8", "21d8", "85d8", "83f805", "ffc0", "ffc8",
    "09d8", "3b06", "81e8ffff0000",
    "6639d8", "6601d8", "66ffc8", "6685d8",
    "38d8", "00d8", "3ce8", "fec8", "fec0", "84d8", "20d8", "3a06",
    "48c1e003", "c1e81f", "48c1f821", "d1e0", "c1e000", "48d1e8", "c1f803",
    "480fafc3", "0fafc3", "486bc085", "69c001000080", "480faf06",
    "66c1e805", "66c1e00f", "66c1f803", "c0e803", "c0e007", "d0f8",
    "c0ec03", "66d1e0", "66c1e811", "c0e008", "d0e4",
    "11d8", "19d8", "4819d8", "10d8", "6619d8", "83d005", "4883d8ff",
    "1306", "4811d84819d8", "19d811d8", "01d811d8", "21d819d8",
    "4883f8054801d8", "a90001000001d8", "4883e00f4809d8", "83f0ff29d8",
    "4885c04883c0ff", "ffc8ffc0", "48ffc04839d8",
    "01d88906ffc8", "4829d88b0e4883d100", "4801d8488d0c180fb6d0ffc0",
    "c1c0054801d8", "48c1c83f4821d8", "d1c001d8", "c1c80029d8",
    "48c1c0004801d8", "48d1c84831d8",
    "4801d84889064801d8", "29d88b0e2b06", "48c1e0058906ffc0",
    "48c1e0034801d8", "480fafc34801d8", "6bc0074801d8", "c1e8054821d8",
    "48c1f8034809d8", "4869c0ffffff7f4829d8",
};

/* Entries before it: nothing, CF from EFLAGS (STC, CLC), from an ADD
 * (kept in a host register), from a logic operation (zero); moves of RAX,
 * RBX (and RCX) to themselves, so the register cache holds them. */
static const char *const prefixes[] = {
    "", "f9", "f8", "4801d1", "4821d1", "4889c04889db",
    "f94889c04889db4889c9",
};

static void set_regs(TestMachine *m, uint64_t a, uint64_t b, uint64_t d)
{
    X86CPU *cpu = m->cpu;
    cpu->regs[R_EAX] = a;
    cpu->regs[R_EBX] = b;
    cpu->regs[R_ECX] = ~0ull;
    cpu->regs[R_EDX] = d;
    cpu->regs[R_ESI] = MEM_ADDR;
    put64(m, MEM_ADDR, b);
    x86_eflags_set(cpu, 0x2, 0xffffffffu);
}

static void check_same(TestMachine *j, TestMachine *i, const char *what)
{
    static const int regs[] = { R_EAX, R_EBX, R_ECX, R_EDX, R_RIP };
    for (unsigned k = 0; k < G_N_ELEMENTS(regs); k++) {
        if (j->cpu->regs[regs[k]] != i->cpu->regs[regs[k]]) {
            g_error("%s: reg %d jit %#" PRIx64 " interp %#" PRIx64, what,
                    regs[k], j->cpu->regs[regs[k]], i->cpu->regs[regs[k]]);
        }
    }
    if (x86_eflags_get(j->cpu) != x86_eflags_get(i->cpu)) {
        g_error("%s: eflags jit %#x interp %#x", what,
                x86_eflags_get(j->cpu), x86_eflags_get(i->cpu));
    }
}

/* Run the code at CODE_ADDR on both machines from the same registers
 * (set_regs @a, @b, @d) and check they end the same; @what names it. */
static void run_both(TestMachine *j, TestMachine *i, uint64_t a, uint64_t b,
                     uint64_t d, const char *what)
{
    set_regs(j, a, b, d);
    set_regs(i, a, b, d);
    run_at(j, CODE_ADDR);
    run_at(i, CODE_ADDR);
    check_same(j, i, what);
}

/* PREFIX; OP; Jcc +1; HLT; HLT for every condition and operand pair. */
static void test_flags_jcc(void)
{
    TestMachine *j = machine(true), *i = machine(false);
    char hex[128];
    unsigned runs = 0;

    for (unsigned p = 0; p < G_N_ELEMENTS(prefixes); p++) {
        for (unsigned o = 0; o < G_N_ELEMENTS(flag_ops); o++) {
            for (unsigned cc = 0; cc < 16; cc++) {
                g_snprintf(hex, sizeof(hex), "%s%s%02x01f4f4", prefixes[p],
                           flag_ops[o], 0x70 + cc);
                load_code(j, CODE_ADDR, hex);
                load_code(i, CODE_ADDR, hex);
                for (unsigned v = 0; v < G_N_ELEMENTS(vals); v += 1 + cc % 3) {
                    uint64_t a = vals[v];
                    uint64_t b = vals[(v * 7 + cc + o) % G_N_ELEMENTS(vals)];
                    run_both(j, i, a, b, v & 1, hex);
                    runs++;
                }
            }
        }
    }
    g_assert_cmpuint(x86_bc_jit_blocks(j->cpu), >, 0);
    g_assert_cmpuint(x86_bc_jit_blocks(i->cpu), ==, 0);
    g_test_message("%u runs", runs);
    test_machine_free(j);
    test_machine_free(i);
}

/* OP; a move that keeps the flags (or one that needs memory, or LEA
 * with a 16-bit address); Jcc, or CMOVcc and SETcc: the flags must
 * survive the move on the host too. */
static void test_flags_between(void)
{
    static const char *const middles[] = {
        "89d9", "488d0c19", "b907000000", "0fb6cb", "488b0e", "678d0c19",
        "89d9b9050000000fbfcb",
    };
    TestMachine *j = machine(true), *i = machine(false);
    char hex[128];

    for (unsigned o = 0; o < G_N_ELEMENTS(flag_ops); o++) {
        for (unsigned m = 0; m < G_N_ELEMENTS(middles); m++) {
            for (unsigned cc = 0; cc < 16; cc++) {
                g_snprintf(hex, sizeof(hex), "%s%s%s%02x01f4f4",
                           prefixes[(o + cc) % 3], flag_ops[o], middles[m],
                           0x70 + cc);
                load_code(j, CODE_ADDR, hex);
                load_code(i, CODE_ADDR, hex);
                run_both(j, i, vals[(o + cc) % 18], vals[(m + cc) % 18],
                         cc & 1, hex);
                g_snprintf(hex, sizeof(hex), "%s%s0f%02xc20f%02xc3f4",
                           flag_ops[o], middles[m], 0x90 + cc, 0x40 + cc);
                load_code(j, CODE_ADDR, hex);
                load_code(i, CODE_ADDR, hex);
                run_both(j, i, vals[(o + m) % 18], vals[(cc * 5) % 18],
                         cc & 1, hex);
            }
        }
    }
    test_machine_free(j);
    test_machine_free(i);
}

/* PREFIX; OP; CMOVcc RCX/ECX, RBX/EBX; SETcc DL; HLT. */
static void test_flags_cmov(void)
{
    TestMachine *j = machine(true), *i = machine(false);
    char hex[128];

    for (unsigned p = 0; p < G_N_ELEMENTS(prefixes); p++) {
        for (unsigned o = 0; o < G_N_ELEMENTS(flag_ops); o++) {
            for (unsigned cc = 0; cc < 16; cc++) {
                g_snprintf(hex, sizeof(hex), "%s%s%s0f%02xcb0f%02xc2f4",
                           prefixes[p], flag_ops[o], cc & 1 ? "" : "48",
                           0x40 + cc, 0x90 + cc);
                load_code(j, CODE_ADDR, hex);
                load_code(i, CODE_ADDR, hex);
                for (unsigned v = 0; v < G_N_ELEMENTS(vals); v += 2) {
                    uint64_t a = vals[v];
                    uint64_t b = vals[(v * 5 + cc + o) % G_N_ELEMENTS(vals)];
                    run_both(j, i, a, b, v & 1, hex);
                }
            }
        }
    }
    test_machine_free(j);
    test_machine_free(i);
}

static TestMachine *machine32(bool jit);

/* MOV RCX, 5; then a load or store through RBX = an unmapped address:
 * #PF with the right RIP, error code and CR2, and RCX written.  With
 * @m32 in 32-bit code (MOV ECX, 5; 32-bit stack slots). */
static void fault_case(bool jit, bool m32, const char *insn, uint32_t err,
                       unsigned disp)
{
    TestMachine *m = m32 ? machine32(jit) : machine(jit);
    X86CPU *cpu = m->cpu;
    unsigned slot = m32 ? 4 : 8, mov_len = m32 ? 5 : 7;
    char hex[64];
    uint64_t rsp, v;

    g_snprintf(hex, sizeof(hex), "%s%sf4",
               m32 ? "b905000000" : "48c7c105000000", insn);
    load_code(m, CODE_ADDR, hex);
    for (int k = 0; k < 3; k++) {
        cpu->regs[R_EBX] = 0x40000000 + k * 8;
        cpu->regs[R_ECX] = 0;
        run_at(m, CODE_ADDR);
        g_assert_cmphex(cpu->regs[R_RIP], ==, VEC_ADDR + EXCP_PF + 1);
        rsp = cpu->regs[R_ESP];
        v = 0;
        memcpy(&v, m->ram + rsp, slot);
        g_assert_cmphex(v, ==, err);
        memcpy(&v, m->ram + rsp + slot, slot);
        g_assert_cmphex(v, ==, CODE_ADDR + mov_len);
        g_assert_cmphex(cpu->cr2, ==, 0x40000000 + k * 8 + disp);
        g_assert_cmphex(cpu->regs[R_ECX], ==, 5);
    }
    if (jit) {
        g_assert_cmpuint(x86_bc_jit_blocks(cpu), >, 0);
    }
    test_machine_free(m);
}

static void test_fault(void)
{
    static const struct {
        const char *insn;
        uint32_t err;
        unsigned disp;
    } cases[] = {
        { "488b03", 0, 0 },         /* mov rax, [rbx] */
        { "8b4304", 0, 4 },         /* mov eax, [rbx + 4] */
        { "0fb603", 0, 0 },         /* movzx eax, byte [rbx] */
        { "483b03", 0, 0 },         /* cmp rax, [rbx] */
        { "488903", 2, 0 },         /* mov [rbx], rax */
        { "8803", 2, 0 },           /* mov [rbx], al */
        { "c70301000000", 2, 0 },   /* mov dword [rbx], 1 */
        { "0103", 2, 0 },           /* add [rbx], eax */
        { "83430801", 2, 8 },       /* add dword [rbx + 8], 1 */
        { "fe03", 2, 0 },           /* inc byte [rbx] */
        { "66f71b", 2, 0 },         /* neg word [rbx] */
        { "3903", 0, 0 },           /* cmp [rbx], eax */
        { "f60301", 0, 0 },         /* test byte [rbx], 1 */
    };
    for (unsigned k = 0; k < G_N_ELEMENTS(cases); k++) {
        /* REX.W forms are 64-bit only (48 is DEC EAX in 32-bit code). */
        for (int m32 = 0; m32 < 2 - !strncmp(cases[k].insn, "48", 2);
             m32++) {
            fault_case(true, m32, cases[k].insn, cases[k].err,
                       cases[k].disp);
            fault_case(false, m32, cases[k].insn, cases[k].err,
                       cases[k].disp);
        }
    }
}

static void put32(TestMachine *m, uint64_t addr, uint32_t v)
{
    test_machine_load(m, addr, &v, 4, &error_abort);
}

/* 32-bit protected mode, flat segments, 4 MiB pages for the low 8 MiB,
 * 32-bit interrupt gates 0-31 to one HLT each. */
static TestMachine *machine32(bool jit)
{
    TestMachine *m;
    X86CPU *cpu;
    uint8_t hlt[32];

    x86_jit_configure(jit, 0);
    m = test_machine_new(16, &error_abort);
    cpu = m->cpu;
    for (uint32_t k = 0; k < 2; k++) {
        put32(m, 0x1000 + k * 4, (k << 22) | 0x83);
    }
    put64(m, GDT_ADDR, 0);
    put64(m, GDT_ADDR + 8, 0x00cf9a000000ffffull);
    put64(m, GDT_ADDR + 16, 0x00cf92000000ffffull);
    for (unsigned v = 0; v < 32; v++) {
        uint64_t h = VEC_ADDR + v;
        put64(m, IDT_ADDR + v * 8, (h & 0xffff) | 0x08u << 16 |
              0x8e00ull << 32 | (h >> 16 & 0xffff) << 48);
    }
    memset(hlt, 0xf4, sizeof(hlt));
    test_machine_load(m, VEC_ADDR, hlt, sizeof(hlt), &error_abort);
    x86_cpu_enter_flat32(cpu, CODE_ADDR);
    x86_set_cr4(cpu, CR4_PSE);
    cpu->cr3 = 0x1000;
    x86_set_cr0(cpu, cpu->cr0 | CR0_PG);
    cpu->gdt.base = GDT_ADDR;
    cpu->gdt.limit = 23;
    cpu->idt.base = IDT_ADDR;
    cpu->idt.limit = 32 * 8 - 1;
    g_assert_cmpint(cpu->code_size, ==, 4);
    return m;
}

/*
 * Memory forms through [rsi]/[esi] (valid in 64- and 32-bit code): loads,
 * stores, ALU with a memory source, CMP/TEST of memory, and the read-
 * modify-write forms (ALU [m], r/imm; INC/DEC/NOT/NEG [m]) of every width.
 */
static const char *const mem_ops[] = {
    "8b06", "8a06", "668b06", "0fb606", "0fbf06", "8906", "8806", "668906",
    "c70678563412", "c606e8", "66c7060180",
    "0306", "2b06", "3b06", "2306", "3a06", "0faf06",
    "0106", "2906", "2106", "0906", "3106", "3906", "8506", "0006",
    "660106", "66290e", "830605", "832e01", "8006ff", "66830601",
    "813e00000080", "f60601", "803e80", "8036ff",
    "ff06", "ff0e", "fe06", "fe0e", "66ff06", "66ff0e",
    "f716", "f71e", "f61e", "66f71e", "f616",
    "39d80306", "01d82b06", "c1e0030306", "21d8ff06", "0fafc38b06",
    "f7d83906", "d1e8ffc0ffc88906",
};

/* 64-bit only: REX.W forms. */
static const char *const mem_ops64[] = {
    "480106", "482906", "483906", "488506", "4883060f", "48ff06", "48ff0e",
    "48f71e", "48f716", "48c706ffffffff", "48833e00", "48833eff",
    "48813e00000080", "48f706ffffffff",
    "505b", "6a8059", "545a", "68785634125b", "565c", "4150415b", "ff36",
};

/* Run @code on both machines with [rsi] at linear @lin (offset @off in
 * its segment), compare registers, flags, the data and the stack. */
static void run_mem_both(TestMachine *j, TestMachine *i, const char *code,
                         uint64_t a, uint64_t b, uint64_t lin, uint64_t off,
                         uint64_t stack_lin)
{
    TestMachine *ms[2] = { j, i };

    load_code(j, CODE_ADDR, code);
    load_code(i, CODE_ADDR, code);
    for (int e = 0; e < 2; e++) {
        set_regs(ms[e], a, b, 0);
        put64(ms[e], lin, b);
        ms[e]->cpu->regs[R_ESI] = off;
    }
    run_at(j, CODE_ADDR);
    run_at(i, CODE_ADDR);
    check_same(j, i, code);
    g_assert_cmphex(j->cpu->regs[R_ESP], ==, i->cpu->regs[R_ESP]);
    if (memcmp(j->ram + MEM_ADDR, i->ram + MEM_ADDR, 0x1010) ||
        memcmp(j->ram + stack_lin - 32, i->ram + stack_lin - 32, 32)) {
        g_error("%s: memory differs", code);
    }
}

/* OP [RSI]; Jcc or CMOVcc/SETcc, after STC/CLC/ADD, aligned and not. */
static void mem_flags(TestMachine *j, TestMachine *i, const char *op)
{
    static const uint64_t offs[] = { 0, 1, 0xffe };
    char hex[128];

    for (unsigned cc = 0; cc < 16; cc++) {
        const char *pre = prefixes[cc % 4 + 1];
        uint64_t off = MEM_ADDR + offs[cc % 3];

        g_snprintf(hex, sizeof(hex), "%s%s%02x01f4f4", pre, op, 0x70 + cc);
        for (unsigned v = cc % 2; v < G_N_ELEMENTS(vals); v += 3) {
            run_mem_both(j, i, hex, vals[v], vals[(v * 7 + cc) % 18], off,
                         off, STACK_TOP);
        }
        g_snprintf(hex, sizeof(hex), "%s%s0f%02xcb0f%02xc2f4", pre, op,
                   0x40 + cc, 0x90 + cc);
        for (unsigned v = cc % 3; v < G_N_ELEMENTS(vals); v += 4) {
            run_mem_both(j, i, hex, vals[v], vals[(v * 5 + cc) % 18], off,
                         off, STACK_TOP);
        }
    }
}

static void test_mem_flags(void)
{
    TestMachine *j = machine(true), *i = machine(false);

    for (unsigned o = 0; o < G_N_ELEMENTS(mem_ops); o++) {
        mem_flags(j, i, mem_ops[o]);
    }
    for (unsigned o = 0; o < G_N_ELEMENTS(mem_ops64); o++) {
        mem_flags(j, i, mem_ops64[o]);
    }
    g_assert_cmpuint(x86_bc_jit_blocks(j->cpu), >, 0);
    test_machine_free(j);
    test_machine_free(i);
    j = machine32(true);
    i = machine32(false);
    for (unsigned o = 0; o < G_N_ELEMENTS(mem_ops); o++) {
        mem_flags(j, i, mem_ops[o]);
    }
    g_assert_cmpuint(x86_bc_jit_blocks(j->cpu), >, 0);
    test_machine_free(j);
    test_machine_free(i);
}

/* A data or stack segment that is not flat, and where [esi] lands. */
typedef struct SegCase {
    const char *name;
    int seg;
    uint64_t base;
    uint32_t limit;
    uint32_t flags;
    uint64_t off;
} SegCase;

#define DATA_RW (DESC_P | DESC_S | DESC_RW | DESC_A | DESC_B)

static const SegCase seg_cases[] = {
    { "based", R_DS, 0x1000, 0x2ffff, DATA_RW, MEM_ADDR - 0x1000 },
    { "limit-edge", R_DS, 0x1000, 0x1f001, DATA_RW, MEM_ADDR - 0x1000 },
    { "beyond", R_DS, 0, 0x1ffff, DATA_RW, MEM_ADDR },
    { "read-only", R_DS, 0, 0xfffff, DATA_RW & ~DESC_RW, MEM_ADDR },
    { "expand-down", R_DS, 0, 0xffff, DATA_RW | DESC_CE, MEM_ADDR },
    { "expand-down-out", R_DS, 0, 0x20001, DATA_RW | DESC_CE, MEM_ADDR },
    { "stack", R_SS, 0x10000, 0x2ffff, DATA_RW, MEM_ADDR - 0x10000 },
    { "stack-edge", R_SS, 0x10000, 0x2ffff, DATA_RW, 0x2fffe },
    { "null", R_DS, 0, 0, 0, MEM_ADDR },
};

static void set_seg(TestMachine *m, const SegCase *sc)
{
    x86_seg_set_cache(m->cpu, sc->seg, sc->flags ? 0x10 : 0, sc->base,
                      sc->limit, sc->flags);
}

/*
 * 32-bit code with non-flat segments: based, limits at and past the
 * access (#GP(0)), read-only (stores #GP(0)), expand-down, SS (#SS(0)),
 * a null DS: both engines must end alike, and the faults must happen.
 */
static void test_mem_seg(void)
{
    unsigned faults[32] = { 0 };

    for (unsigned s = 0; s < G_N_ELEMENTS(seg_cases); s++) {
        const SegCase *sc = &seg_cases[s];
        TestMachine *j = machine32(true), *i = machine32(false);
        uint64_t lin = sc->base + sc->off;
        char hex[128];

        set_seg(j, sc);
        set_seg(i, sc);
        for (unsigned o = 0; o < G_N_ELEMENTS(mem_ops); o++) {
            g_snprintf(hex, sizeof(hex), "%s%s7401f4f4",
                       sc->seg == R_SS ? "36" : "", mem_ops[o]);
            for (unsigned v = o % 3; v < G_N_ELEMENTS(vals); v += 5) {
                run_mem_both(j, i, hex, vals[v], vals[(v + o) % 18],
                             lin < MEM_ADDR + 0x1000 ? lin : MEM_ADDR,
                             sc->off, (sc->seg == R_SS ? sc->base : 0) +
                             STACK_TOP);
                if (j->cpu->regs[R_RIP] > VEC_ADDR &&
                    j->cpu->regs[R_RIP] <= VEC_ADDR + 32) {
                    faults[j->cpu->regs[R_RIP] - VEC_ADDR - 1]++;
                }
            }
        }
        g_test_message("%s: %u blocks translated", sc->name,
                       (unsigned)x86_bc_jit_blocks(j->cpu));
        test_machine_free(j);
        test_machine_free(i);
    }
    g_assert_cmpuint(faults[EXCP_GP], >, 0);
    g_assert_cmpuint(faults[EXCP_SS], >, 0);
    g_assert_cmpuint(faults[EXCP_PF], ==, 0);
}

/*
 * Read-modify-write at a read-only page (a 2 MiB page at 1 GiB, CR0.WP
 * set): #PF with
 * error code 3 and nothing written, where a CMP of it reads fine; an ADD
 * to the immediate of the block's own next instruction (SMC through a
 * RMW); CMP [rip + d] fused with its Jcc (RIP-relative from the CMP).
 */
static void test_rmw_special(void)
{
    for (int jit = 0; jit < 2; jit++) {
        TestMachine *m = machine(jit);
        X86CPU *cpu = m->cpu;
        char hex[64];

        x86_set_cr0(cpu, cpu->cr0 | CR0_WP);
        put64(m, 0x2000 + 8, 0x4000 | 3);
        put64(m, 0x4000, 0x200000 | 0x81);
        put32(m, 0x200000, 41);
        load_code(m, CODE_ADDR, "8303013b03f4");    /* add; cmp; hlt */
        load_code(m, CODE_ADDR + 0x100, "3b03f4");  /* cmp [rbx], eax */
        for (int k = 0; k < 3; k++) {
            cpu->regs[R_EBX] = 0x40000000;
            cpu->regs[R_EAX] = 41;
            run_at(m, CODE_ADDR);
            g_assert_cmphex(cpu->regs[R_RIP], ==, VEC_ADDR + EXCP_PF + 1);
            g_assert_cmphex(*(uint64_t *)(m->ram + cpu->regs[R_ESP]), ==, 3);
            g_assert_cmphex(cpu->cr2, ==, 0x40000000);
            run_at(m, CODE_ADDR + 0x100);
            g_assert_true(x86_eflags_get(cpu) & CC_Z);
        }
        g_assert_cmphex(*(uint32_t *)(m->ram + 0x200000), ==, 41);

        /* add byte [C + 9], 1; mov eax, imm32; hlt */
        load_code(m, CODE_ADDR + 0x200, "8004250902010001b800000000f4");
        for (int k = 0; k < 3; k++) {
            run_at(m, CODE_ADDR + 0x200);
            g_assert_cmphex(cpu->regs[R_EAX], ==, k + 1);
        }

        /* cmp dword [rip + d], 7; je +1; hlt; hlt (d: to MEM_ADDR) */
        g_snprintf(hex, sizeof(hex), "833d%08x077401f4f4",
                   GUINT32_SWAP_LE_BE((uint32_t)(MEM_ADDR -
                                                 (CODE_ADDR + 0x300 + 7))));
        load_code(m, CODE_ADDR + 0x300, hex);
        for (int k = 0; k < 4; k++) {
            put32(m, MEM_ADDR, 5 + k);
            run_at(m, CODE_ADDR + 0x300);
            g_assert_cmphex(cpu->regs[R_RIP], ==,
                            CODE_ADDR + 0x300 + 10 + (k == 2));
        }
        if (jit) {
            g_assert_cmpuint(x86_bc_jit_blocks(cpu), >=, 4);
        }
        test_machine_free(m);
    }
}

/*
 * Near CALL and RET in 64-bit code: three call sites of one routine (RET
 * to each in turn), RET imm16, nested calls; each with the stack page in
 * the TLB and after a flush (the CALL's stub runs its handler then).
 */
static void test_call_ret(void)
{
    static const char *const progs[] = {
        "e80b000000e806000000e801000000f401d848ffc1c3",
        "e80b000000e806000000e801000000f401d848ffc1c20800",
        "e806000000e801000000f4e802000000c3f401d8c3",
    };
    TestMachine *j = machine(true), *i = machine(false);

    for (unsigned p = 0; p < G_N_ELEMENTS(progs); p++) {
        for (unsigned v = 0; v < G_N_ELEMENTS(vals); v += 3) {
            if (v % 2) {
                x86_tlb_flush(j->cpu, true);
                x86_tlb_flush(i->cpu, true);
            }
            run_mem_both(j, i, progs[p], vals[v], 3, MEM_ADDR, MEM_ADDR,
                         STACK_TOP);
            g_assert_cmphex(j->cpu->regs[R_RIP], ==,
                            CODE_ADDR + (p == 2 ? 0xb : 0x10));
        }
    }
    g_assert_cmpuint(x86_bc_jit_blocks(j->cpu), >, 0);
    test_machine_free(j);
    test_machine_free(i);
}

/*
 * PUSH/POP/CALL/RET in 32-bit code: a flat and a based 32-bit stack, a
 * 16-bit stack (SS.B clear: the templates leave to the handlers), and a
 * POP/RET reading past SS's limit (#SS(0)).
 */
static void test_stack32(void)
{
    static const char *const progs[] = {
        "505b6a805968785634125a545df4",
        "e80b000000e806000000e801000000f401d841c3",
        "e80b000000e806000000e801000000f401d841c20800",
        "5b5df4",
        "eb01f441f4",
    };
    static const struct {
        uint64_t base;
        uint32_t limit, flags, esp;
    } stacks[] = {
        { 0, 0xffffffff, DATA_RW | DESC_G, STACK_TOP },
        { 0x10000, 0x2ffff, DATA_RW, STACK_TOP - 0x10000 },
        { 0x20000, 0xffff, DATA_RW & ~DESC_B, 0x10002 },
        { 0, 0x2ffff, DATA_RW, 0x2fffe },
    };
    unsigned ss_faults = 0;

    for (unsigned s = 0; s < G_N_ELEMENTS(stacks); s++) {
        TestMachine *j = machine32(true), *i = machine32(false);
        TestMachine *ms[2] = { j, i };

        for (unsigned p = 0; p < G_N_ELEMENTS(progs); p++) {
            load_code(j, CODE_ADDR, progs[p]);
            load_code(i, CODE_ADDR, progs[p]);
            for (unsigned v = 0; v < 3; v++) {
                for (int e = 0; e < 2; e++) {
                    X86CPU *cpu = ms[e]->cpu;
                    x86_seg_set_cache(cpu, R_SS, 0x10, stacks[s].base,
                                      stacks[s].limit, stacks[s].flags);
                    set_regs(ms[e], vals[v * 5], vals[v * 3 + 1], 0);
                    cpu->regs[R_ESP] = stacks[s].esp;
                    cpu->regs[R_RIP] = CODE_ADDR;
                    cpu->halted = false;
                    for (int n = 0; n < 10 && !cpu->halted; n++) {
                        x86_cpu_run(cpu, 100000, NULL);
                    }
                    g_assert_true(cpu->halted);
                }
                check_same(j, i, progs[p]);
                g_assert_cmphex(j->cpu->regs[R_ESP], ==, i->cpu->regs[R_ESP]);
                g_assert_true(!memcmp(j->ram, i->ram, 0x80000));
                ss_faults += j->cpu->regs[R_RIP] == VEC_ADDR + EXCP_SS + 1;
            }
        }
        g_assert_cmpuint(x86_bc_jit_blocks(j->cpu), >, 0);
        test_machine_free(j);
        test_machine_free(i);
    }
    g_assert_cmpuint(ss_faults, >, 0);
}

/* PUSH RAX onto the bytes of the block's own next instruction (RSP
 * there): the block stops after the push with RSP moved, and the new
 * MOV EAX, 7 runs. */
static void test_push_smc(void)
{
    for (int jit = 0; jit < 2; jit++) {
        TestMachine *m = machine(jit);
        X86CPU *cpu = m->cpu;

        for (int k = 0; k < 3; k++) {
            load_code(m, CODE_ADDR + 0x400, "50b805000000f4");
            cpu->regs[R_EAX] = 0xf4f4f4f400000007ull;
            cpu->regs[R_ESP] = CODE_ADDR + 0x40a;
            cpu->regs[R_RIP] = CODE_ADDR + 0x400;
            cpu->halted = false;
            for (int n = 0; n < 10 && !cpu->halted; n++) {
                x86_cpu_run(cpu, 100000, NULL);
            }
            g_assert_true(cpu->halted);
            g_assert_cmphex(cpu->regs[R_EAX], ==, 7);
            g_assert_cmphex(cpu->regs[R_ESP], ==, CODE_ADDR + 0x402);
        }
        if (jit) {
            g_assert_cmpuint(x86_bc_jit_blocks(cpu), >, 0);
        }
        test_machine_free(m);
    }
}

/* A translated block rewritten by a guest store from another block, and
 * by a store in itself to its own next instruction. */
static void test_smc(void)
{
    TestMachine *m = machine(true);
    X86CPU *cpu = m->cpu;

    load_code(m, CODE_ADDR, "b801000000f4");                 /* mov eax,1 */
    load_code(m, CODE_ADDR + 0x100, "c6042501000100 02 f4"); /* [A+1] = 2 */
    for (int k = 0; k < 3; k++) {
        run_at(m, CODE_ADDR);
        g_assert_cmphex(cpu->regs[R_EAX], ==, 1);
    }
    run_at(m, CODE_ADDR + 0x100);
    run_at(m, CODE_ADDR);
    g_assert_cmphex(cpu->regs[R_EAX], ==, 2);
    /* mov byte [C + 9], 7; mov eax, 0; hlt: the store hits the MOV. */
    load_code(m, CODE_ADDR + 0x200, "c6042509020100 07 b800000000 f4");
    for (int k = 0; k < 3; k++) {
        cpu->regs[R_EAX] = 0;
        run_at(m, CODE_ADDR + 0x200);
        g_assert_cmphex(cpu->regs[R_EAX], ==, 7);
    }
    g_assert_cmpuint(x86_bc_jit_blocks(cpu), >=, 3);
    test_machine_free(m);
}

/* A loop of one block (self-chained) and a loop of two blocks (chained
 * through links) stop after the same instruction count as the
 * interpreter for every budget, with the same registers. */
static void test_budget(void)
{
    static const char *const loops[] = {
        "ffc975fcf4",                   /* l: dec ecx; jnz l; hlt */
        "ffc0eb00ffc975f8f4",           /* l: inc eax; jmp +0; dec ecx;
                                           jnz l; hlt */
        "8b0683c00189064885c975f4f4",   /* l: mov eax,[rsi]; add eax,1;
                                           mov [rsi],eax; test rcx,rcx;
                                           jnz l; hlt (no dec: endless) */
        "ffc97402ebfaf4",               /* l: dec ecx; jz o; jmp l; o: hlt */
        "83c001ebfb",                   /* l: add eax, 1; jmp l (endless) */
        "83c00183e90175f8f4",           /* l: add eax, 1; sub ecx, 1;
                                           jnz l; hlt (the SUB's record
                                           kept around the loop) */
        "4801c84839c875f8f4",           /* l: add rax, rcx; cmp rax, rcx;
                                           jne l; hlt (endless) */
    };
    TestMachine *j = machine(true), *i = machine(false);

    for (unsigned l = 0; l < G_N_ELEMENTS(loops); l++) {
        load_code(j, CODE_ADDR, loops[l]);
        load_code(i, CODE_ADDR, loops[l]);
        for (uint64_t budget = 1; budget < 120; budget += 7) {
            TestMachine *ms[2] = { j, i };
            uint64_t done[2];
            for (int e = 0; e < 2; e++) {
                set_regs(ms[e], 0, 0, 0);
                ms[e]->cpu->regs[R_ECX] = 40;
                ms[e]->cpu->regs[R_RIP] = CODE_ADDR;
                ms[e]->cpu->halted = false;
                /* A new machine starts with a kick pending. */
                while (x86_cpu_run(ms[e]->cpu, budget, &done[e]) ==
                       CPU_EXIT_KICKED && done[e] == 0) {
                    continue;
                }
            }
            g_assert_cmpuint(done[0], ==, done[1]);
            check_same(j, i, loops[l]);
            g_assert_cmphex(*(uint32_t *)(j->ram + MEM_ADDR), ==,
                            *(uint32_t *)(i->ram + MEM_ADDR));
        }
    }
    test_machine_free(j);
    test_machine_free(i);
}

/*
 * The register cache (jit-regs.c): guest registers kept in host registers
 * and written back only before calls, stubs and exits.  Each program runs
 * with RBX at mapped memory and at an unmapped page (a #PF from an inline
 * load, store or RMW, from a called handler, from inside a CALLed routine,
 * with RSP or other cached registers dirty), with the TLB full and
 * flushed; the whole register file, flags, CR2, data and stack must be
 * the interpreter's.
 */
static const struct {
    const char *code;
    uint64_t rsi;       /* 0: MEM_ADDR */
    uint8_t dl;
} cache_progs[] = {
    /* add rax, rcx (x2); add rdx, rax; mov rdi, [rbx]; add rax, 1 */
    { "4801c84801c84801c2488b3b4883c001f4" },
    /* ...; mov [rbx], rax; add rax, rcx */
    { "4801c84801c84801c24889034801c8f4" },
    /* ...; add [rbx], eax (inline RMW); add rdx, rax */
    { "4801c84801c84801c201034801c2f4" },
    /* ...; adc [rbx], rax (its handler); add rax, rcx */
    { "4801c84801c84801c24811034801c8f4" },
    /* push rax; push rcx; add rax, rcx (x2); mov rdi, [rbx]; pop rdx */
    { "50514801c84801c8488b3b5af4" },
    /* add rax, rcx; rol rax, 1 (a handler); add rax, rcx; add rdx, rax;
     * mov rdi, [rbx]; add rax, rcx */
    { "4801c848d1c04801c84801c2488b3b4801c8f4" },
    /* add rax, rcx; bswap rax (a handler); add rax, rcx; add rdx, rax;
     * mov rdi, [rbx]; add rax, rcx */
    { "4801c8480fc84801c84801c2488b3b4801c8f4" },
    /* add [rsi], ecx (misaligned: the handler runs, RCX first loaded
     * after the stub's jump); add rax, rcx; add rdx, rcx */
    { "010e4801c84801caf4", MEM_ADDR + 0x41 },
    /* add ah, cl; add rax, rcx (x2); mov dl, ah; mov rdi, [rbx] */
    { "00cc4801c84801c888e2488b3bf4" },
    /* l: add rax, rcx; add rdx, rax; dec rcx; jnz l (a self-loop) */
    { "4801c84801c248ffc975f5f4" },
    /* l: add rdx, rax; mov [rsi], edx; sub ecx, 1; jnz l: a record kept
     * around the loop, the store's stubs */
    { "4801c2891683e90175f6f4" },
    /* add rax, rcx (x2); mov [rsi], dl (a HLT over the next MOV: SMC);
     * mov eax, 1; add rax, rcx */
    { "4801c84801c88816b8010000004801c8f4", CODE_ADDR + 8, 0xf4 },
    /* call f; add rax, rcx; hlt; f: add rax, rcx; add rdx, rax;
     * mov rdi, [rbx]; ret */
    { "e8050000004801c8f4f44801c84801c2488b3bc3" },
    /* add rax, rcx (x2); mov [rbx], rax; dec rdx (the ADD's CF kept in
     * a host register across the store) */
    { "4801c84801c848890348ffcaf4" },
    /* A record kept in host registers past moves to the next flag
     * write, faults in between: ADD, SUB, DEC, SHL, NEG, IMUL, AND, an
     * 8-bit ADD; then a fault from the overwriting XOR's own load. */
    { "4801c84889034801c2f4" },
    { "4829c88b3b4821c2f4" },
    { "ffc8488b3b4801c2f4" },
    { "48c1e003488b3b4801c2f4" },
    { "48f7d8488b3b4801c2f4" },
    { "0fafc1488b3b01c2f4" },
    { "21c88b3b488d0c080fb6d04801c2f4" },
    { "00c88b3b00c2f4" },
    { "4801c848330b4801c2f4" },
    /* add rax, rcx (x2); add rax, [rbx] (into the cached RAX); cmp rcx,
     * [rbx]; add rdx, rax */
    { "4801c84801c848030348390b4801c2f4" },
    /* push rcx (x3); mov rdi, [rbx]; pop rax; pop rdx; pop rcx */
    { "515151488b3b585a59f4" },
};

static void regcache_setup(TestMachine *m, unsigned p, bool fault)
{
    X86CPU *cpu = m->cpu;

    load_code(m, CODE_ADDR, cache_progs[p].code);
    for (int r = 0; r < 16; r++) {
        cpu->regs[r] = 0x0101010101010101ull * (r + 1) + p;
    }
    cpu->regs[R_EAX] = 0x1234567890ull + p;
    cpu->regs[R_ECX] = 25;
    cpu->regs[R_EDX] = cache_progs[p].dl;
    cpu->regs[R_EBX] = fault ? 0x40000000 : MEM_ADDR + 0x40;
    cpu->regs[R_ESI] = cache_progs[p].rsi ? cache_progs[p].rsi : MEM_ADDR;
    cpu->regs[R_ESP] = STACK_TOP;
    cpu->regs[R_RIP] = CODE_ADDR;
    cpu->cr2 = 0;
    cpu->halted = false;
    x86_eflags_set(cpu, 0x2, 0xffffffffu);
    put64(m, MEM_ADDR + 0x40, 0x8000000000000001ull);
}

static void test_regcache(void)
{
    TestMachine *j = machine(true), *i = machine(false);
    TestMachine *ms[2] = { j, i };
    unsigned faults = 0;

    for (unsigned p = 0; p < G_N_ELEMENTS(cache_progs); p++) {
        for (unsigned v = 0; v < 6; v++) {
            for (int e = 0; e < 2; e++) {
                regcache_setup(ms[e], p, v & 1);
                if (v & 2) {
                    x86_tlb_flush(ms[e]->cpu, true);
                }
                for (int n = 0; n < 10 && !ms[e]->cpu->halted; n++) {
                    x86_cpu_run(ms[e]->cpu, 100000, NULL);
                }
                g_assert_true(ms[e]->cpu->halted);
            }
            for (int r = 0; r < 16; r++) {
                if (j->cpu->regs[r] != i->cpu->regs[r]) {
                    g_error("%s/%u: reg %d jit %#" PRIx64 " interp %#"
                            PRIx64, cache_progs[p].code, v, r,
                            j->cpu->regs[r], i->cpu->regs[r]);
                }
            }
            check_same(j, i, cache_progs[p].code);
            g_assert_cmphex(j->cpu->cr2, ==, i->cpu->cr2);
            g_assert_true(!memcmp(j->ram + MEM_ADDR, i->ram + MEM_ADDR, 256));
            g_assert_true(!memcmp(j->ram + STACK_TOP - 256,
                                  i->ram + STACK_TOP - 256, 256));
            faults += j->cpu->regs[R_RIP] == VEC_ADDR + EXCP_PF + 1;
        }
    }
    g_assert_cmpuint(faults, >=, 8 * 3);
    g_assert_cmpuint(x86_bc_jit_blocks(j->cpu), >, 0);
    test_machine_free(j);
    test_machine_free(i);
}

/* 600 blocks of ADD EAX, 1; JMP +0 in a 64 KiB code region. */
static uint64_t run_many_blocks(bool jit, uint64_t *flushes)
{
    GString *code = g_string_new(NULL);
    TestMachine *m;
    uint64_t blocks;

    for (int k = 0; k < 600; k++) {
        g_string_append(code, "83c001eb00");
    }
    g_string_append(code, "f4");
    g_setenv("PLIMSOLL_JIT_TB_SIZE_KIB", "64", true);
    m = machine(jit);
    g_unsetenv("PLIMSOLL_JIT_TB_SIZE_KIB");
    load_code(m, CODE_ADDR, code->str);
    m->cpu->regs[R_EAX] = 0;
    for (int k = 0; k < 3; k++) {
        run_at(m, CODE_ADDR);
    }
    g_assert_cmphex(m->cpu->regs[R_EAX], ==, 1800);
    blocks = x86_bc_jit_blocks(m->cpu);
    *flushes = x86_bc_jit_flushes(m->cpu);
    test_machine_free(m);
    g_string_free(code, true);
    return blocks;
}

static void test_region_full(void)
{
    uint64_t flushes;
    g_assert_cmpuint(run_many_blocks(true, &flushes), >, 600);
    g_assert_cmpuint(flushes, >, 0);
}

static void test_jit_off(void)
{
    uint64_t flushes;
    g_assert_cmpuint(run_many_blocks(false, &flushes), ==, 0);
    g_assert_cmpuint(flushes, ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_unsetenv("PLIMSOLL_JIT");
    g_unsetenv("PLIMSOLL_JIT_HOT");
    x86_jit_hot = 1;
#if defined(__x86_64__)
    g_test_add_func("/cpu/jit/flags-jcc", test_flags_jcc);
    g_test_add_func("/cpu/jit/flags-cmov", test_flags_cmov);
    g_test_add_func("/cpu/jit/flags-between", test_flags_between);
    g_test_add_func("/cpu/jit/fault", test_fault);
    g_test_add_func("/cpu/jit/mem-flags", test_mem_flags);
    g_test_add_func("/cpu/jit/mem-seg", test_mem_seg);
    g_test_add_func("/cpu/jit/rmw-special", test_rmw_special);
    g_test_add_func("/cpu/jit/push-smc", test_push_smc);
    g_test_add_func("/cpu/jit/call-ret", test_call_ret);
    g_test_add_func("/cpu/jit/stack32", test_stack32);
    g_test_add_func("/cpu/jit/smc", test_smc);
    g_test_add_func("/cpu/jit/budget", test_budget);
    g_test_add_func("/cpu/jit/regcache", test_regcache);
    g_test_add_func("/cpu/jit/region-full", test_region_full);
#endif
    g_test_add_func("/cpu/jit/off", test_jit_off);
    return g_test_run();
}
