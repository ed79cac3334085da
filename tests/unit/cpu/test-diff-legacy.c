/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Differential tests of the instructions that do not exist in 64-bit mode
 * (DAA, DAS, AAA, AAS, AAM, AAD, SALC, INC/DEC 40-4F, PUSHA/POPA forms are
 * left out) against the host CPU running them in compatibility mode.
 *
 * Natively, a stub in the low 4 GiB far-returns to the host kernel's 32-bit
 * user code segment (selector 23h on x86-64 Linux), runs the instruction
 * with the registers of a low-memory state block, and far-jumps back to the
 * 64-bit segment (33h).  The emulated CPU runs it in compatibility mode
 * (long mode, CS.L = 0, CS.D = 1).  Flags the SDM leaves undefined for
 * each instruction are masked.
 */
#include <string.h>
#include <sys/mman.h>
#include <glib.h>

#include "accel/test-machine.h"
#include "target/i386/cpu.h"

#define CODE_ADDR 0x10000
#define F_CF 0x001
#define F_PF 0x004
#define F_AF 0x010
#define F_ZF 0x040
#define F_SF 0x080
#define F_OF 0x800
#define F_ALL (F_CF | F_PF | F_AF | F_ZF | F_SF | F_OF)
#define USER32_CS 0x23
#define USER64_CS 0x33
#define USER_DS 0x2b

/* The low state block the compatibility-mode code addresses directly. */
typedef struct LowState {
    uint32_t r[12];     /* eax ebx ecx edx esi edi as 64-bit slots */
    uint32_t flags_in, pad0, flags_out, pad1;
    uint64_t saved_rsp;
} LowState;

typedef struct LegacyCase {
    const char *name;
    const char *enc;
    uint32_t undef;
} LegacyCase;

static const LegacyCase cases[] = {
    { "daa", "27", F_OF },
    { "das", "2f", F_OF },
    { "aaa", "37", F_OF | F_SF | F_ZF | F_PF },
    { "aas", "3f", F_OF | F_SF | F_ZF | F_PF },
    { "aam", "d40a", F_OF | F_AF | F_CF },
    { "aam-7", "d407", F_OF | F_AF | F_CF },
    { "aad", "d50a", F_OF | F_AF | F_CF },
    { "aad-13", "d50d", F_OF | F_AF | F_CF },
    { "inc-eax", "40", 0 },
    { "dec-ebx", "4b", 0 },
    { "inc-16", "6641", 0 },
};

static uint8_t *low;            /* code page, then the state page */
static LowState *st;
static TestMachine *tm;

static int put_hex(uint8_t *out, const char *hex)
{
    int n = 0;
    for (; hex[0] && hex[1]; hex += 2) {
        out[n++] = g_ascii_xdigit_value(hex[0]) << 4 |
                   g_ascii_xdigit_value(hex[1]);
    }
    return n;
}

static int put32(uint8_t *out, uint32_t v)
{
    memcpy(out, &v, 4);
    return 4;
}

/* Emit "opcode modrm disp32" with an absolute address (mod 00, rm 101). */
static int put_abs(uint8_t *out, const char *op_modrm, uint32_t addr)
{
    int n = put_hex(out, op_modrm);
    return n + put32(out + n, addr);
}

static void build_native(const uint8_t *insn, int len)
{
    uint8_t *p = low;
    uint32_t s = (uint32_t)(uintptr_t)st;
    uint8_t *lea_fix, *compat, *jmp_fix;
    int n = 0;

    n += put_hex(p + n, "53" "55" "4989fb" "49896340");     /* save rsp */
    n += put_hex(p + n, "498da300100000");      /* lea rsp, [r11+0x1000] */
    n += put_hex(p + n, "6a23" "488d05");       /* push 23h; lea rax,[rip] */
    lea_fix = p + n;
    n += 4;
    n += put_hex(p + n, "50" "48cb");           /* push rax; retfq */
    compat = p + n;
    n += put_hex(p + n, "66b82b00" "8ed8" "8ec0");
    n += put_hex(p + n, "a1");
    n += put32(p + n, s);
    n += put_abs(p + n, "8b1d", s + 8);
    n += put_abs(p + n, "8b0d", s + 16);
    n += put_abs(p + n, "8b15", s + 24);
    n += put_abs(p + n, "8b35", s + 32);
    n += put_abs(p + n, "8b3d", s + 40);
    n += put_abs(p + n, "ff35", s + 48);
    n += put_hex(p + n, "9d");
    memcpy(p + n, insn, len);
    n += len;
    n += put_hex(p + n, "9c");
    n += put_abs(p + n, "8f05", s + 56);
    n += put_hex(p + n, "a3");
    n += put32(p + n, s);
    n += put_abs(p + n, "891d", s + 8);
    n += put_abs(p + n, "890d", s + 16);
    n += put_abs(p + n, "8915", s + 24);
    n += put_abs(p + n, "8935", s + 32);
    n += put_abs(p + n, "893d", s + 40);
    n += put_hex(p + n, "ea");
    jmp_fix = p + n;
    n += 4;
    n += put_hex(p + n, "3300");
    put32(jmp_fix, (uint32_t)(uintptr_t)(p + n));
    n += put_abs(p + n, "488b2425", s + 64);    /* mov rsp, [saved_rsp] */
    n += put_hex(p + n, "5d" "5b" "c3");
    put32(lea_fix, (uint32_t)(compat - (lea_fix + 4)));
    __builtin___clear_cache((char *)p, (char *)p + n);
}

static void run_native(uint32_t regs[6], uint32_t fin, uint32_t *fout)
{
    for (int k = 0; k < 6; k++) {
        st->r[k * 2] = regs[k];
    }
    st->flags_in = fin;
    ((void (*)(LowState *))(void *)low)(st);
    for (int k = 0; k < 6; k++) {
        regs[k] = st->r[k * 2];
    }
    *fout = st->flags_out;
}

static void run_emu(uint32_t regs[6], uint32_t fin, uint32_t *fout)
{
    static const int map[6] = { R_EAX, R_EBX, R_ECX, R_EDX, R_ESI, R_EDI };
    X86CPU *cpu = tm->cpu;
    for (int k = 0; k < 6; k++) {
        cpu->regs[map[k]] = regs[k];
    }
    x86_eflags_set(cpu, fin, 0xffffffffu);
    cpu->regs[R_RIP] = CODE_ADDR;
    cpu->halted = false;
    x86_cpu_run(cpu, 100, NULL);
    g_assert_true(cpu->halted);
    for (int k = 0; k < 6; k++) {
        regs[k] = cpu->regs[map[k]];
    }
    *fout = x86_eflags_get(cpu);
}

/* Long mode with identity paging, then a 32-bit CS: compatibility mode. */
static void enter_compat_mode(TestMachine *m)
{
    X86CPU *cpu = m->cpu;
    uint64_t e;

    e = 0x2000 | 3;
    test_machine_load(m, 0x1000, &e, 8, &error_abort);
    e = 0x3000 | 3;
    test_machine_load(m, 0x2000, &e, 8, &error_abort);
    e = 0x83;
    test_machine_load(m, 0x3000, &e, 8, &error_abort);
    x86_cpu_enter_flat32(cpu, CODE_ADDR);
    x86_set_cr4(cpu, CR4_PAE);
    cpu->cr3 = 0x1000;
    g_assert_true(x86_msr_write(cpu, 0xc0000080, EFER_LME));
    x86_set_cr0(cpu, cpu->cr0 | CR0_PG);
    g_assert_true(cpu->long_mode);
    g_assert_cmpint(cpu->code_size, ==, 4);
}

static void run_case(gconstpointer data)
{
    const LegacyCase *c = data;
    uint8_t insn[16];
    int len = put_hex(insn, c->enc);
    uint32_t mask = F_ALL & ~c->undef;

    build_native(insn, len);
    insn[len] = 0xf4;
    test_machine_load(tm, CODE_ADDR, insn, len + 1, &error_abort);
    for (int it = 0; it < 3000; it++) {
        uint32_t in[6], nat[6], emu[6], fin, fn, fe;
        for (int k = 0; k < 6; k++) {
            in[k] = g_test_rand_int();
        }
        if (it < 512) {         /* every AL with both CF and AF values */
            in[0] = (in[0] & ~0xffu) | (it & 0xff);
        }
        fin = (g_test_rand_int() & F_ALL) | 0x202;
        if (it < 512) {
            fin = (fin & ~(F_CF | F_AF)) | (it & 256 ? F_CF : 0) |
                  (g_test_rand_bit() ? F_AF : 0);
        }
        memcpy(nat, in, sizeof(in));
        memcpy(emu, in, sizeof(in));
        run_native(nat, fin, &fn);
        run_emu(emu, fin, &fe);
        if (memcmp(nat, emu, sizeof(nat)) || ((fn ^ fe) & mask)) {
            g_test_message("%s: eax in %08x native %08x emu %08x; flags in "
                           "%03x native %03x emu %03x mask %03x", c->name,
                           in[0], nat[0], emu[0], fin, fn & F_ALL,
                           fe & F_ALL, mask);
            g_test_fail();
            return;
        }
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    low = mmap(NULL, 0x2000, PROT_READ | PROT_WRITE | PROT_EXEC,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
    g_assert_true(low != MAP_FAILED);
    st = (LowState *)(low + 0x1000);
    tm = test_machine_new(4, &error_abort);
    enter_compat_mode(tm);
    for (unsigned k = 0; k < G_N_ELEMENTS(cases); k++) {
        g_autofree char *path = g_strdup_printf("/cpu/diff-legacy/%s",
                                                cases[k].name);
        g_test_add_data_func(path, &cases[k], run_case);
    }
    return g_test_run();
}
