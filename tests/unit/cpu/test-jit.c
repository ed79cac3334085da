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
};

/* Entries before it: nothing, CF from EFLAGS (STC, CLC), from an ADD
 * (kept in a host register), from a logic operation (zero). */
static const char *const prefixes[] = { "", "f9", "f8", "4801d1", "4821d1" };

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

/* MOV RCX, 5; then a load or store through RBX = an unmapped address:
 * #PF with the right RIP, error code and CR2, and RCX written. */
static void fault_case(bool jit, const char *insn, uint32_t err,
                       unsigned disp)
{
    TestMachine *m = machine(jit);
    X86CPU *cpu = m->cpu;
    char hex[64];
    uint64_t rsp;

    g_snprintf(hex, sizeof(hex), "48c7c105000000%sf4", insn);
    load_code(m, CODE_ADDR, hex);
    for (int k = 0; k < 3; k++) {
        cpu->regs[R_EBX] = 0x40000000 + k * 8;
        cpu->regs[R_ECX] = 0;
        run_at(m, CODE_ADDR);
        g_assert_cmphex(cpu->regs[R_RIP], ==, VEC_ADDR + EXCP_PF + 1);
        rsp = cpu->regs[R_ESP];
        g_assert_cmphex(*(uint64_t *)(m->ram + rsp), ==, err);
        g_assert_cmphex(*(uint64_t *)(m->ram + rsp + 8), ==, CODE_ADDR + 7);
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
    };
    for (unsigned k = 0; k < G_N_ELEMENTS(cases); k++) {
        fault_case(true, cases[k].insn, cases[k].err, cases[k].disp);
        fault_case(false, cases[k].insn, cases[k].err, cases[k].disp);
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
    g_test_add_func("/cpu/jit/fault", test_fault);
    g_test_add_func("/cpu/jit/smc", test_smc);
    g_test_add_func("/cpu/jit/budget", test_budget);
    g_test_add_func("/cpu/jit/region-full", test_region_full);
#endif
    g_test_add_func("/cpu/jit/off", test_jit_off);
    return g_test_run();
}
