/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x87 wired into the emulated CPU, against the host: each case is
 * "FRSTOR [esi]; <x87 instruction, memory operand [edi]>; FNSAVE [esi]"
 * run natively and on the test machine's CPU (32-bit flat mode), from the
 * same random x87 state, memory operand, EAX and EFLAGS.  The state images,
 * the memory operand, AX (FNSTSW AX) and the arithmetic flags (FCOMI,
 * FCMOVcc) must match; the instruction/operand pointers and FOP are not
 * compared (addresses differ between host and guest).  Also FXSAVE/FXRSTOR
 * and LDMXCSR/STMXCSR round trips through guest memory.
 */
#include <glib.h>
#include <string.h>
#include <sys/mman.h>

#include "accel/test-machine.h"
#include "target/i386/cpu.h"
#include "tests/unit/cpu/fpu/fp-gen.h"

#define CODE_ADDR 0x10000
#define IMG_ADDR  0x20000
#define MEM_ADDR  0x21000
#define IMAGE 108
#define ROUNDS 40

typedef uint64_t NativeFn(uint8_t *mem, uint8_t *image, uint64_t eflags,
                          uint64_t *rax);

static uint8_t *code_page;
static TestMachine *tm;

static const uint8_t pre[] = { 0x31, 0xc0, 0x52, 0x9d, 0xdd, 0x26 };
static const uint8_t post[] = { 0xdd, 0x36 };

static NativeFn *build_native(uint8_t op, uint8_t modrm)
{
    static const uint8_t tail[] = { 0x48, 0x89, 0x01, 0x9c, 0x58, 0xc3 };
    uint8_t *p = code_page;

    memcpy(p, pre, sizeof(pre));
    p += sizeof(pre);
    *p++ = op;
    *p++ = modrm;
    memcpy(p, post, sizeof(post));
    p += sizeof(post);
    memcpy(p, tail, sizeof(tail));
    p += sizeof(tail);
    __builtin___clear_cache((char *)code_page, (char *)p);
    return (NativeFn *)code_page;
}

static void build_guest(uint8_t op, uint8_t modrm)
{
    uint8_t code[16];
    int n = 0;

    code[n++] = 0xdd;       /* frstor [esi] */
    code[n++] = 0x26;
    code[n++] = op;
    code[n++] = modrm;
    code[n++] = 0xdd;       /* fnsave [esi] */
    code[n++] = 0x36;
    code[n++] = 0xf4;       /* hlt */
    test_machine_load(tm, CODE_ADDR, code, n, &error_abort);
}

static void random_image(FpGen *g, uint8_t *img)
{
    X87State s;
    uint16_t cw = (uint16_t)(0x0040 | (fpgen_next(g) & 0x0f00) | 0x3f);
    uint16_t sw = (uint16_t)(fpgen_next(g) & 0x477f & ~0x80);
    Float80 near = { 0x8000000000000000ull, 0x3fff };

    x87_reset(&s);
    s.fcw = cw;
    x87_set_fsw(&s, sw);
    for (int i = 0; i < 8; i++) {
        s.regs[i] = fpgen_f80(g, near);
        near = s.regs[i];
    }
    s.empty = (uint8_t)(fpgen_next(g) & fpgen_next(g));
    x87_save(&s, img, X87_IMAGE_PROT32);
}

static void random_mem(FpGen *g, uint8_t *mem)
{
    Float80 v = fpgen_f80(g, (Float80){ 0x8000000000000000ull, 0x403e });
    uint64_t r = fpgen_next(g) % 3;

    for (int i = 0; i < IMAGE; i++) {
        mem[i] = (uint8_t)fpgen_next(g);
    }
    if (r == 0) {
        memcpy(mem, &v.mant, 8);
        memcpy(mem + 8, &v.se, 2);
    } else if (r == 1) {
        uint32_t f = fpgen_f32(g, 0x3f800000);
        memcpy(mem, &f, 4);
    } else {
        uint64_t d = fpgen_f64(g, 0x3ff0000000000000ull);
        memcpy(mem, &d, 8);
    }
}

/* FIP/FCS/FDP/FDS hold addresses that differ between host and guest, and
 * the host (like recent Intel processors, SDM vol. 1 8.1.9) records FOP
 * only for unmasked exceptions where the model records it always. */
static void mask_pointers(uint8_t *img)
{
    memset(img + 12, 0, 16);
    img[2] = img[3] = img[6] = img[7] = img[10] = img[11] = 0;
}

static bool is_skipped(uint8_t op, uint8_t modrm)
{
    int reg = (modrm >> 3) & 7;

    if (modrm < 0xc0) {
        /* FLDENV/FRSTOR from random bytes could leave an exception
         * pending that the next FNSAVE does not care about, but their
         * pointer fields are masked anyway; keep them. */
        return x87_mem_info(op, reg).kind == X87_MEM_INVALID;
    }
    /* D9 D8-DF: undocumented alias; F0-F3, F9, FB, FE, FF: the
     * transcendentals, within 1 ulp (test-x87-trans). */
    return op == 0xd9 && ((modrm >= 0xd8 && modrm <= 0xdf) ||
                          (modrm >= 0xf0 && modrm <= 0xf3) || modrm == 0xf9 ||
                          modrm == 0xfb || modrm >= 0xfe);
}

static unsigned run_one(FpGen *g, uint8_t op, uint8_t modrm, unsigned *count)
{
    uint8_t img[IMAGE], mem[IMAGE], himg[IMAGE], hmem[IMAGE];
    uint64_t ef = (fpgen_next(g) & 0x8d5) | 2, hax = 0;
    X86CPU *cpu = tm->cpu;
    uint32_t ef_ui = 0;
    uint8_t eff = modrm < 0xc0 ? (uint8_t)(modrm & 0x38) | 7 : modrm;
    X87State probe;

    random_image(g, img);
    random_mem(g, mem);
    x87_reset(&probe);
    x87_rstor(&probe, img, X87_IMAGE_PROT32);
    if (modrm >= 0xc0 && x87_exec_reg(&probe, op, modrm, &ef_ui) == X87_UD) {
        return 0;
    }
    memcpy(himg, img, IMAGE);
    memcpy(hmem, mem, IMAGE);
    uint64_t hef = build_native(op, eff)(hmem, himg, ef, &hax);

    test_machine_load(tm, IMG_ADDR, img, IMAGE, &error_abort);
    test_machine_load(tm, MEM_ADDR, mem, IMAGE, &error_abort);
    cpu->regs[R_EAX] = 0;
    cpu->regs[R_ESI] = IMG_ADDR;
    cpu->regs[R_EDI] = MEM_ADDR;
    x86_eflags_set(cpu, (uint32_t)ef, 0x8d5);
    cpu->regs[R_RIP] = CODE_ADDR;
    cpu->halted = false;
    x86_cpu_run(cpu, 100, NULL);
    (*count)++;
    if (!cpu->halted) {
        g_test_message("%02x %02x: guest did not reach HLT (rip %llx)", op,
                       modrm, (unsigned long long)cpu->regs[R_RIP]);
        return 1;
    }
    uint8_t *gimg = tm->ram + IMG_ADDR, *gmem = tm->ram + MEM_ADDR;
    mask_pointers(himg);
    mask_pointers(gimg);
    if (x87_mem_info(op, (modrm >> 3) & 7).kind >= X87_MEM_STENV &&
        modrm < 0xc0) {
        mask_pointers(hmem);
        mask_pointers(gmem);
    }
    bool ok = !memcmp(himg, gimg, IMAGE) && !memcmp(hmem, gmem, IMAGE) &&
              ((hef ^ x86_eflags_get(cpu)) & 0x8d5) == 0 &&
              (uint16_t)hax == (uint16_t)cpu->regs[R_EAX];
    if (!ok) {
        g_test_message("%02x %02x: mismatch (ef %03llx/%03x ax %04x/%04x "
                       "img %d mem %d)", op, modrm,
                       (unsigned long long)(hef & 0x8d5),
                       x86_eflags_get(cpu) & 0x8d5, (uint16_t)hax,
                       (uint16_t)cpu->regs[R_EAX],
                       memcmp(himg, gimg, IMAGE), memcmp(hmem, gmem, IMAGE));
        for (int i = 0; i < IMAGE; i++) {
            if (himg[i] != gimg[i]) {
                g_test_message("  img[%d] %02x/%02x", i, himg[i], gimg[i]);
            }
        }
        return 1;
    }
    return 0;
}

static void test_wired(void)
{
    FpGen g = { 0x3c6ef372fe94f82bull };
    unsigned bad = 0, count = 0;

    for (int op = 0xd8; op <= 0xdf; op++) {
        for (int modrm = 0; modrm < 0x100; modrm++) {
            if ((modrm < 0xc0 && (modrm & 7) != 0) ||
                is_skipped((uint8_t)op, (uint8_t)modrm)) {
                continue;
            }
            build_guest((uint8_t)op, modrm < 0xc0 ?
                        (uint8_t)((modrm & 0x38) | 7) : (uint8_t)modrm);
            for (int r = 0; r < (modrm < 0xc0 ? ROUNDS * 4 : ROUNDS); r++) {
                bad += run_one(&g, (uint8_t)op, (uint8_t)modrm, &count);
            }
        }
    }
    g_test_message("%u cases through the CPU, %u mismatches", count, bad);
    g_assert_cmpuint(bad, ==, 0);
}

/* FXSAVE, change state, FXRSTOR: the state comes back; LDMXCSR/STMXCSR. */
static void test_fxsave(void)
{
    static const uint8_t code[] = {
        0x0f, 0xae, 0x06,             /* fxsave [esi] */
        0xd9, 0xe8,                   /* fld1 */
        0x0f, 0xae, 0x17,             /* ldmxcsr [edi] */
        0x0f, 0xae, 0x1f,             /* stmxcsr [edi] -> same value */
        0x0f, 0xae, 0x0e,             /* fxrstor [esi] */
        0xf4,
    };
    X86CPU *cpu = tm->cpu;
    uint32_t mx = 0x7f80 | MXCSR_DAZ;
    X87State before;

    cpu->cr4 |= CR4_OSFXSR;
    x87_reset(&cpu->x87);
    x87_push(&cpu->x87, f80_make(true, 0x4000, 0xc000000000000000ull));
    cpu->xmm[3].q[0] = 0x1122334455667788ull;
    before = cpu->x87;
    test_machine_load(tm, CODE_ADDR, code, sizeof(code), &error_abort);
    test_machine_load(tm, MEM_ADDR, &mx, 4, &error_abort);
    cpu->regs[R_ESI] = IMG_ADDR;
    cpu->regs[R_EDI] = MEM_ADDR;
    cpu->regs[R_RIP] = CODE_ADDR;
    cpu->halted = false;
    x86_cpu_run(cpu, 100, NULL);
    g_assert_true(cpu->halted);
    g_assert_cmpuint(cpu->x87.top, ==, before.top);
    g_assert_cmpuint(cpu->x87.empty, ==, before.empty);
    g_assert_cmpuint(x87_st(&cpu->x87, 0).se, ==, 0xc000);
    g_assert_cmphex(cpu->mxcsr, ==, MXCSR_DEFAULT);   /* restored */
    g_assert_cmphex(*(uint32_t *)(tm->ram + MEM_ADDR), ==, mx);
    g_assert_cmphex(*(uint64_t *)(tm->ram + IMG_ADDR + 160 + 48), ==,
                    0x1122334455667788ull);
    g_assert_cmphex(*(uint32_t *)(tm->ram + IMG_ADDR + 24), ==,
                    MXCSR_DEFAULT);
}

/*
 * Fault delivery through the CPU: a GDT and an IDT whose #UD, #NM, #MF and
 * #XM handlers store their vector at RESULT_ADDR and halt.
 */
#define GDT_ADDR 0x1000
#define IDT_ADDR 0x2000
#define HANDLER_ADDR 0x3000
#define RESULT_ADDR 0x4000

static void setup_idt(void)
{
    static const uint64_t gdt[3] = { 0, 0x00cf9a000000ffffull,
                                     0x00cf92000000ffffull };
    X86CPU *cpu = tm->cpu;

    test_machine_load(tm, GDT_ADDR, gdt, sizeof(gdt), &error_abort);
    for (int v = 0; v < 32; v++) {
        uint32_t h = HANDLER_ADDR + 16 * v;
        uint64_t gate = (h & 0xffff) | (0x08u << 16) |
                        ((uint64_t)(0x8e00 | (h & 0xffff0000u)) << 32);
        uint8_t code[11] = { 0xc7, 0x05 };   /* mov dword [RESULT], v */
        uint32_t addr = RESULT_ADDR;

        memcpy(code + 2, &addr, 4);
        memcpy(code + 6, &v, 4);
        code[10] = 0xf4;                      /* hlt */
        test_machine_load(tm, IDT_ADDR + 8 * v, &gate, 8, &error_abort);
        test_machine_load(tm, h, code, sizeof(code), &error_abort);
    }
    cpu->gdt.base = GDT_ADDR;
    cpu->gdt.limit = sizeof(gdt) - 1;
    cpu->idt.base = IDT_ADDR;
    cpu->idt.limit = 32 * 8 - 1;
    cpu->regs[R_ESP] = 0x8000;
}

/* Run @hex at CODE_ADDR; returns the vector delivered, or -1 if the code
 * reached its own HLT. */
static int run_fault(const char *hex)
{
    X86CPU *cpu = tm->cpu;
    uint8_t code[32];
    uint32_t none = 0xffffffff;
    int n = 0;

    for (; hex[0] && hex[1]; hex += 2) {
        code[n++] = (uint8_t)(g_ascii_xdigit_value(hex[0]) << 4 |
                              g_ascii_xdigit_value(hex[1]));
    }
    code[n++] = 0xf4;
    test_machine_load(tm, CODE_ADDR, code, n, &error_abort);
    test_machine_load(tm, RESULT_ADDR, &none, 4, &error_abort);
    cpu->regs[R_ESP] = 0x8000;
    cpu->regs[R_RIP] = CODE_ADDR;
    cpu->regs[R_EDI] = MEM_ADDR;
    cpu->halted = false;
    x86_cpu_run(cpu, 1000, NULL);
    g_assert_true(cpu->halted);
    return (int32_t)*(uint32_t *)(tm->ram + RESULT_ADDR);
}

static void test_faults(void)
{
    X86CPU *cpu = tm->cpu;
    uint64_t cr0 = cpu->cr0, cr4 = cpu->cr4;
    uint32_t mx = 0x1f80 & ~(uint32_t)MXCSR_ZE << 7;   /* ZE unmasked */
    uint32_t zero = 0;

    setup_idt();
    test_machine_load(tm, MEM_ADDR, &zero, 4, &error_abort);
    test_machine_load(tm, MEM_ADDR + 4, &mx, 4, &error_abort);
    /* fld1; fdiv dword [edi] (1/0, ZE masked): no fault. */
    x87_reset(&cpu->x87);
    g_assert_cmpint(run_fault("d9e8d837"), ==, -1);
    g_assert_true(cpu->x87.fsw & X87_SW_ZE);
    /* Unmask ZE: FDIV flags ES; the next waiting instruction gets #MF. */
    x87_reset(&cpu->x87);
    cpu->x87.fcw = 0x037b;
    g_assert_cmpint(run_fault("d9e8d8379b"), ==, EXCP_MF);
    /* FNCLEX (no-wait) clears it: no #MF. */
    x87_reset(&cpu->x87);
    cpu->x87.fcw = 0x037b;
    g_assert_cmpint(run_fault("d9e8d837dbe29b"), ==, -1);
    /* CR0.TS: x87 and SSE give #NM; WAIT only with CR0.MP. */
    x87_reset(&cpu->x87);
    cpu->cr0 |= CR0_TS;
    g_assert_cmpint(run_fault("d9e8"), ==, EXCP_NM);
    g_assert_cmpint(run_fault("0f58ca"), ==, EXCP_NM);
    g_assert_cmpint(run_fault("9b"), ==, -1);
    cpu->cr0 |= CR0_MP;
    g_assert_cmpint(run_fault("9b"), ==, EXCP_NM);
    cpu->cr0 = cr0;
    /* SSE: #UD without CR4.OSFXSR; MMX still runs. */
    cpu->cr4 &= ~(uint64_t)CR4_OSFXSR;
    g_assert_cmpint(run_fault("0f58ca"), ==, EXCP_UD);
    g_assert_cmpint(run_fault("0ffcca0f77"), ==, -1);
    /* Unmasked SSE divide by zero: #XM, or #UD without OSXMMEXCPT. */
    cpu->cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
    cpu->xmm[1].d[0] = 0x3f800000;
    cpu->xmm[2].d[0] = 0;
    g_assert_cmpint(run_fault("0fae5704" "f30f5eca"), ==, EXCP_XM);
    g_assert_true(cpu->mxcsr & MXCSR_ZE);
    g_assert_cmphex(cpu->xmm[1].d[0], ==, 0x3f800000);   /* unchanged */
    cpu->cr4 &= ~(uint64_t)CR4_OSXMMEXCPT;
    g_assert_cmpint(run_fault("0fae5704" "f30f5eca"), ==, EXCP_UD);
    cpu->cr4 = cr4;
    cpu->mxcsr = MXCSR_DEFAULT;
    x87_reset(&cpu->x87);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    code_page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    g_assert(code_page != MAP_FAILED);
    tm = test_machine_new(4, &error_abort);
    x86_cpu_enter_flat32(tm->cpu, CODE_ADDR);
    x86_set_cr0(tm->cpu, tm->cpu->cr0 | CR0_NE);
    g_test_add_func("/cpu/fpu/wired/x87", test_wired);
    g_test_add_func("/cpu/fpu/wired/fxsave", test_fxsave);
    g_test_add_func("/cpu/fpu/wired/faults", test_faults);
    int r = g_test_run();
    test_machine_free(tm);
    return r;
}
