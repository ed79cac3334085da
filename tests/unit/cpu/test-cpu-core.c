/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CPU core unit tests on the test machine: decoded code invalidated by
 * x86_cpu_phys_written() (DMA and loaders), CPUID describing the model,
 * MSR access rules (unknown MSRs fail so RDMSR/WRMSR raise #GP), RDTSC
 * from the virtual clock, RESET state, NMI blocking until IRET, reserved
 * bits of 4-level paging entries.
 */
#include <glib.h>

#include "accel/test-machine.h"
#include "target/i386/mem.h"

static void run_at(TestMachine *m, uint64_t addr)
{
    X86CPU *cpu = m->cpu;
    cpu->halted = false;
    cpu->regs[R_RIP] = addr;
    x86_cpu_run(cpu, 100, NULL);
    g_assert_true(cpu->halted);
}

static void test_phys_written(void)
{
    TestMachine *m = test_machine_new(2, &error_abort);
    const uint8_t code1[] = { 0xb8, 1, 0, 0, 0, 0xf4 };   /* mov eax,1; hlt */
    const uint8_t code2[] = { 0xb8, 2, 0, 0, 0, 0xf4 };

    x86_cpu_enter_flat32(m->cpu, 0x10000);
    test_machine_load(m, 0x10000, code1, sizeof(code1), &error_abort);
    run_at(m, 0x10000);
    g_assert_cmphex(m->cpu->regs[R_EAX], ==, 1);
    run_at(m, 0x10000);
    g_assert_cmphex(m->cpu->regs[R_EAX], ==, 1);
    /* Same bytes written behind the CPU's back (as DMA would). */
    test_machine_load(m, 0x10000, code2, sizeof(code2), &error_abort);
    run_at(m, 0x10000);
    g_assert_cmphex(m->cpu->regs[R_EAX], ==, 2);
    test_machine_free(m);
}

static void test_cpuid(void)
{
    TestMachine *m = test_machine_new(1, &error_abort);
    uint32_t r[4];
    char vendor[13] = { 0 };

    x86_cpuid(m->cpu, 0, 0, r);
    g_assert_cmpuint(r[0], >=, 1);
    memcpy(vendor, &r[1], 4);
    memcpy(vendor + 4, &r[3], 4);
    memcpy(vendor + 8, &r[2], 4);
    g_assert_cmpstr(vendor, ==, "GenuineIntel");
    x86_cpuid(m->cpu, 1, 0, r);
    g_assert_true(r[3] & (1u << 8));            /* CX8: implemented */
    g_assert_true(r[3] & (1u << 15));           /* CMOV */
    g_assert_false(r[3] & (1u << 1));           /* VME: not advertised */
    x86_cpuid(m->cpu, 0x80000001, 0, r);
    g_assert_true(r[3] & (1u << 29));           /* long mode */
    g_assert_true(r[3] & (1u << 20));           /* NX */
    x86_cpuid(m->cpu, 0x80000000, 0, r);
    g_assert_cmphex(r[0], >=, 0x80000004);
    test_machine_free(m);
}

static void test_msr(void)
{
    TestMachine *m = test_machine_new(1, &error_abort);
    X86CPU *cpu = m->cpu;
    uint64_t v;

    g_assert_false(x86_msr_read(cpu, 0x12345678, &v));
    g_assert_false(x86_msr_write(cpu, 0x12345678, 0));
    g_assert_true(x86_msr_write(cpu, 0xc0000082, 0xffffffff81000000ull));
    g_assert_true(x86_msr_read(cpu, 0xc0000082, &v));
    g_assert_cmphex(v, ==, 0xffffffff81000000ull);
    /* Non-canonical LSTAR: #GP. */
    g_assert_false(x86_msr_write(cpu, 0xc0000082, 0x0000800000000000ull));
    /* EFER: reserved bits fault; LMA is read-only. */
    g_assert_false(x86_msr_write(cpu, 0xc0000080, 1ull << 3));
    g_assert_true(x86_msr_write(cpu, 0xc0000080, EFER_LMA | EFER_SCE));
    g_assert_true(x86_msr_read(cpu, 0xc0000080, &v));
    g_assert_cmphex(v, ==, EFER_SCE);
    g_assert_true(x86_msr_read(cpu, 0x1b, &v));
    g_assert_cmphex(v & ~0xfffull, ==, 0xfee00000);
    test_machine_free(m);
}

static void test_tsc(void)
{
    TestMachine *m = test_machine_new(1, &error_abort);
    uint64_t v;

    m->clock_ns = 1000;
    g_assert_cmpuint(x86_rdtsc(m->cpu), ==, 1000);
    g_assert_true(x86_msr_write(m->cpu, 0x10, 5000));
    m->clock_ns = 1500;
    g_assert_true(x86_msr_read(m->cpu, 0x10, &v));
    g_assert_cmpuint(v, ==, 5500);
    test_machine_free(m);
}

/* Run until HLT (a run may stop early when an NMI kicks the vCPU). */
static void run_to_hlt(X86CPU *cpu)
{
    cpu->halted = false;
    for (int k = 0; k < 4 && !cpu->halted; k++) {
        x86_cpu_run(cpu, 100, NULL);
    }
    g_assert_true(cpu->halted);
}

/*
 * NMI blocking (SDM vol. 3A 6.7.1): an NMI that arrives while the NMI
 * handler runs waits for the handler's IRET, then is taken at once.
 */
static void test_nmi_blocking(void)
{
    TestMachine *m = test_machine_new(1, &error_abort);
    X86CPU *cpu = m->cpu;
    const uint8_t ivt2[] = { 0x00, 0x20, 0x00, 0x00 };     /* 0000:2000 */
    const uint8_t main_code[] = { 0xf4, 0xeb, 0xfd };      /* hlt; jmp */
    const uint8_t handler[] = {
        0xfe, 0x06, 0x00, 0x05,         /* inc byte [0x500] */
        0xf4,                           /* hlt */
        0xfe, 0x06, 0x01, 0x05,         /* inc byte [0x501] */
        0xf4,                           /* hlt */
        0xcf,                           /* iret */
    };

    test_machine_load(m, 2 * 4, ivt2, sizeof(ivt2), &error_abort);
    test_machine_load(m, 0x1000, main_code, sizeof(main_code), &error_abort);
    test_machine_load(m, 0x2000, handler, sizeof(handler), &error_abort);
    x86_seg_load_real(cpu, R_CS, 0);
    cpu->regs[R_RIP] = 0x1000;
    cpu->regs[R_ESP] = 0x7000;

    x86_cpu_nmi(cpu);
    run_to_hlt(cpu);
    g_assert_cmpuint(m->ram[0x500], ==, 1);
    /* A second NMI inside the handler is held ... */
    x86_cpu_nmi(cpu);
    run_to_hlt(cpu);
    g_assert_cmpuint(m->ram[0x500], ==, 1);
    g_assert_cmpuint(m->ram[0x501], ==, 1);
    /* ... until its IRET. */
    run_to_hlt(cpu);
    g_assert_cmpuint(m->ram[0x500], ==, 2);
    g_assert_cmphex(cpu->regs[R_RIP], ==, 0x2005);
    test_machine_free(m);
}

static void put64(TestMachine *m, uint64_t addr, uint64_t v)
{
    test_machine_load(m, addr, &v, 8, &error_abort);
}

static bool probe_read(X86CPU *cpu, uint64_t lin, uint64_t *pa)
{
    x86_tlb_flush(cpu, true);
    return x86_translate(cpu, lin, ACC_READ, false, pa, true);
}

/*
 * 4-level paging reserved bits (SDM vol. 3A 4.5.4): PS in a PML4E, PS in
 * a PDPTE (CPUID 80000001h:EDX.Page1GB is clear), bits 51:40 (MAXPHYADDR
 * 40); bits 62:52 are ignored.
 */
static void test_paging_lm_reserved(void)
{
    TestMachine *m = test_machine_new(16, &error_abort);
    X86CPU *cpu = m->cpu;
    uint64_t pa;
    uint32_t r[4];

    x86_cpuid(cpu, 0x80000001, 0, r);
    g_assert_false(r[3] & (1u << 26));
    put64(m, 0x1000, 0x2000 | 3);               /* PML4[0] -> PDPT */
    put64(m, 0x2000, 0x3000 | 3);               /* PDPT[0] -> PD */
    put64(m, 0x3000, 0x83);                     /* 2 MiB at 0 */
    put64(m, 0x3008, 0x200083 | (0x7ffull << 52));   /* ignored bits */
    x86_cpu_enter_flat32(cpu, 0x10000);
    x86_set_cr4(cpu, CR4_PAE);
    cpu->cr3 = 0x1000;
    g_assert_true(x86_msr_write(cpu, 0xc0000080, EFER_LME));
    x86_set_cr0(cpu, cpu->cr0 | CR0_PG);
    g_assert_true(cpu->long_mode);

    g_assert_true(probe_read(cpu, 0x1234, &pa));
    g_assert_cmphex(pa, ==, 0x1234);
    g_assert_true(probe_read(cpu, 0x200010, &pa));
    g_assert_cmphex(pa, ==, 0x200010);
    put64(m, 0x3008, 0x200083 | (1ull << 40));
    g_assert_false(probe_read(cpu, 0x200010, &pa));
    put64(m, 0x2008, 0x40000083);               /* a 1 GiB page */
    g_assert_false(probe_read(cpu, 0x40000000, &pa));
    put64(m, 0x2008, 0x3000 | 3);
    g_assert_true(probe_read(cpu, 0x40000000, &pa));
    put64(m, 0x1008, 0x2000 | 0x83);            /* PS in a PML4E */
    g_assert_false(probe_read(cpu, 0x8000000000ull, &pa));
    put64(m, 0x1008, 0x2000 | 3);
    g_assert_true(probe_read(cpu, 0x8000000000ull, &pa));
    test_machine_free(m);
}

static void test_reset_state(void)
{
    TestMachine *m = test_machine_new(1, &error_abort);
    X86CPU *cpu = m->cpu;

    g_assert_cmphex(cpu->regs[R_RIP], ==, 0xfff0);
    g_assert_cmphex(cpu->seg[R_CS].sel, ==, 0xf000);
    g_assert_cmphex(cpu->seg[R_CS].base, ==, 0xffff0000);
    g_assert_cmphex(cpu->cr0, ==, 0x60000010);
    g_assert_cmphex(x86_eflags_get(cpu), ==, 2);
    g_assert_cmphex(cpu->regs[R_EDX] >> 8 & 0xf, ==, 6);
    g_assert_cmpuint(cpu->code_size, ==, 2);
    test_machine_free(m);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cpu/core/phys-written", test_phys_written);
    g_test_add_func("/cpu/core/cpuid", test_cpuid);
    g_test_add_func("/cpu/core/msr", test_msr);
    g_test_add_func("/cpu/core/tsc", test_tsc);
    g_test_add_func("/cpu/core/reset-state", test_reset_state);
    g_test_add_func("/cpu/core/nmi-blocking", test_nmi_blocking);
    g_test_add_func("/cpu/core/paging-lm-reserved", test_paging_lm_reserved);
    return g_test_run();
}
