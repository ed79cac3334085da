/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SMP correctness of the x86 CPU: several vCPUs (one host thread each, as
 * system/cpus.c runs them) share one guest RAM and hammer one location
 * with LOCK-prefixed and implicitly locked instructions (SDM vol. 3A
 * 8.1.2.2).  Every update must land: the final counter is exact.  The
 * spinlock cases (XCHG, LOCK BTS/BTR) also check that a plain
 * read-modify-write inside the critical section is never lost, which needs
 * the lock to be atomic and the stores to stay ordered (SDM vol. 3A 8.2.2).
 * Last, cross-modifying code (SDM vol. 3A 8.1.3): code another vCPU
 * patches must be seen after a serialising instruction.
 *
 * The guest programs are 32-bit flat code, assembled from the nasm source
 * quoted next to each one.
 */
#include <glib.h>
#include <string.h>

#include "exec/cpu-iface.h"
#include "util/error.h"

#define RAM_SIZE (1u << 20)
#define PROG_BASE 0x10000u
#define N_THREADS 3
#define ITERS 100000u

/*
 * At PROG_BASE (org 0x10000); EBX = counter address, ECX = iterations,
 * except cx8 (EBP = counter, ESI = iterations).  The lock word of the
 * spinlock programs is at [ebx + 64].
 *
 * 0x00 xadd:  mov eax, 1 / lock xadd [ebx], eax / dec ecx / jnz / hlt
 * 0x10 cx:    mov eax, [ebx] / .r: lea edx, [eax + 1] /
 *             lock cmpxchg [ebx], edx / jnz .r / dec ecx / jnz / hlt
 * 0x20 inc:   lock inc dword [ebx] / lock add dword [ebx], 3 /
 *             lock sub dword [ebx], 2 / dec ecx / jnz / hlt   (+2 each)
 * 0x30 xchg:  mov eax, 1 / xchg [ebx + 64], eax / test eax, eax / jnz /
 *             mov eax, [ebx] / inc eax / mov [ebx], eax /
 *             mov dword [ebx + 64], 0 / dec ecx / jnz / hlt
 * 0x50 bts:   lock bts dword [ebx + 64], 0 / jc / mov eax, [ebx] /
 *             inc eax / mov [ebx], eax / lock btr dword [ebx + 64], 0 /
 *             dec ecx / jnz / hlt
 * 0x70 cx8:   mov eax, [ebp] / mov edx, [ebp + 4] / .r: mov ebx, eax /
 *             mov ecx, edx / add ebx, 1 / adc ecx, 0 /
 *             lock cmpxchg8b [ebp] / jnz .r / dec esi / jnz / hlt
 */
static const uint8_t progs[] = {
    0xb8, 0x01, 0x00, 0x00, 0x00, 0xf0, 0x0f, 0xc1, 0x03, 0x49, 0x75, 0xf4,
    0xf4, 0x90, 0x90, 0x90, 0x8b, 0x03, 0x8d, 0x50, 0x01, 0xf0, 0x0f, 0xb1,
    0x13, 0x75, 0xf7, 0x49, 0x75, 0xf2, 0xf4, 0x90, 0xf0, 0xff, 0x03, 0xf0,
    0x83, 0x03, 0x03, 0xf0, 0x83, 0x2b, 0x02, 0x49, 0x75, 0xf2, 0xf4, 0x90,
    0xb8, 0x01, 0x00, 0x00, 0x00, 0x87, 0x43, 0x40, 0x85, 0xc0, 0x75, 0xf4,
    0x8b, 0x03, 0x40, 0x89, 0x03, 0xc7, 0x43, 0x40, 0x00, 0x00, 0x00, 0x00,
    0x49, 0x75, 0xe5, 0xf4, 0x90, 0x90, 0x90, 0x90, 0xf0, 0x0f, 0xba, 0x6b,
    0x40, 0x00, 0x72, 0xf8, 0x8b, 0x03, 0x40, 0x89, 0x03, 0xf0, 0x0f, 0xba,
    0x73, 0x40, 0x00, 0x49, 0x75, 0xea, 0xf4, 0x90, 0x90, 0x90, 0x90, 0x90,
    0x90, 0x90, 0x90, 0x90, 0x8b, 0x45, 0x00, 0x8b, 0x55, 0x04, 0x89, 0xc3,
    0x89, 0xd1, 0x83, 0xc3, 0x01, 0x83, 0xd1, 0x00, 0xf0, 0x0f, 0xc7, 0x4d,
    0x00, 0x75, 0xef, 0x4e, 0x75, 0xe6, 0xf4,
};

enum { P_XADD = 0x00, P_CX = 0x10, P_INC = 0x20, P_XCHG = 0x30,
       P_BTS = 0x50, P_CX8 = 0x70 };

/* The shared machine: flat RAM, nothing else. */
typedef struct SmpRig {
    uint8_t *ram;
    X86CPU *cpu[N_THREADS];
    GThread *thread[N_THREADS];
    gint go;                /* start line: all threads begin together */
    gint ready;
    CPUPlatform plat;
} SmpRig;

static PhysPageKind rig_phys_map(void *opaque, uint64_t paddr,
                                 uint8_t **host)
{
    SmpRig *r = opaque;
    if (paddr < RAM_SIZE) {
        *host = r->ram + (paddr & ~0xfffull);
        return PHYS_PAGE_RAM;
    }
    return PHYS_PAGE_MMIO;
}

static uint64_t rig_phys_read(void *opaque, uint64_t paddr, unsigned size)
{
    return size == 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

static void rig_phys_write(void *opaque, uint64_t paddr, uint64_t val,
                           unsigned size)
{
}

static uint32_t rig_io_read(void *opaque, uint16_t port, unsigned size)
{
    return 0xffffffffu;
}

static void rig_io_write(void *opaque, uint16_t port, uint32_t val,
                         unsigned size)
{
}

static int rig_intr_ack(void *opaque)
{
    return -1;
}

static int64_t rig_clock_ns(void *opaque)
{
    return 0;
}

static void rig_request(void *opaque)
{
}

static SmpRig *rig_new(unsigned ncpus)
{
    SmpRig *r = g_new0(SmpRig, 1);

    r->ram = g_malloc0(RAM_SIZE);
    memcpy(r->ram + PROG_BASE, progs, sizeof(progs));
    r->plat = (CPUPlatform){
        .opaque = r, .phys_map = rig_phys_map, .phys_read = rig_phys_read,
        .phys_write = rig_phys_write, .io_read = rig_io_read,
        .io_write = rig_io_write, .intr_ack = rig_intr_ack,
        .clock_ns = rig_clock_ns, .request_reset = rig_request,
        .request_shutdown = rig_request,
    };
    for (unsigned i = 0; i < ncpus; i++) {
        r->cpu[i] = x86_cpu_new(NULL, i, &r->plat, &error_abort);
    }
    return r;
}

static void rig_free(SmpRig *r)
{
    for (unsigned i = 0; i < N_THREADS; i++) {
        if (r->cpu[i]) {
            x86_cpu_free(r->cpu[i]);
        }
    }
    g_free(r->ram);
    g_free(r);
}

/* Run until HLT; false if the program does not halt in time. */
static bool run_to_halt(X86CPU *cpu, uint64_t max_insns)
{
    uint64_t total = 0, n;

    while (total < max_insns) {
        if (x86_cpu_run(cpu, 1000000, &n) == CPU_EXIT_HALTED) {
            return true;
        }
        total += n;
    }
    return false;
}

typedef struct StartArgs {
    SmpRig *rig;
    X86CPU *cpu;
} StartArgs;

/* One vCPU thread: wait at the start line, then run to HLT. */
static gpointer rig_thread(gpointer opaque)
{
    StartArgs *a = opaque;

    g_atomic_int_inc(&a->rig->ready);
    while (!g_atomic_int_get(&a->rig->go)) {
        g_thread_yield();
    }
    return GINT_TO_POINTER(run_to_halt(a->cpu, 1000ull * ITERS));
}

/* Run the first @n vCPUs, already set up, until all of them halt. */
static void rig_run_all(SmpRig *r, unsigned n)
{
    StartArgs args[N_THREADS];

    for (unsigned i = 0; i < n; i++) {
        args[i] = (StartArgs){ r, r->cpu[i] };
        r->thread[i] = g_thread_new("vcpu", rig_thread, &args[i]);
    }
    while (g_atomic_int_get(&r->ready) < (gint)n) {
        g_thread_yield();
    }
    g_atomic_int_set(&r->go, 1);
    for (unsigned i = 0; i < n; i++) {
        g_assert_true(GPOINTER_TO_INT(g_thread_join(r->thread[i])));
    }
}

/* Each vCPU at its own stack, in flat 32-bit mode at @prog. */
static void rig_enter(SmpRig *r, unsigned i, unsigned prog)
{
    x86_cpu_enter_flat32(r->cpu[i], PROG_BASE + prog);
    x86_cpu_set_reg(r->cpu[i], X86_REG_RAX + 4, 0x80000 + i * 0x1000);
}

static uint32_t ram_ld32(SmpRig *r, uint32_t addr)
{
    uint32_t v;
    memcpy(&v, r->ram + addr, 4);
    return v;
}

/* Every vCPU runs @prog with the counter at @addr; check the total. */
static void check_counter(unsigned prog, uint32_t addr, uint32_t per_iter)
{
    SmpRig *r = rig_new(N_THREADS);

    for (unsigned i = 0; i < N_THREADS; i++) {
        rig_enter(r, i, prog);
        x86_cpu_set_reg(r->cpu[i], X86_REG_RAX + 3, addr);
        x86_cpu_set_reg(r->cpu[i], X86_REG_RAX + 1, ITERS);
    }
    rig_run_all(r, N_THREADS);
    g_assert_cmpuint(ram_ld32(r, addr), ==, N_THREADS * ITERS * per_iter);
    if (prog == P_XCHG || prog == P_BTS) {
        g_assert_cmpuint(ram_ld32(r, addr + 64), ==, 0);
    }
    rig_free(r);
}

static void test_lock_xadd(void)
{
    check_counter(P_XADD, 0x2000, 1);
}

static void test_lock_cmpxchg(void)
{
    check_counter(P_CX, 0x2000, 1);
}

static void test_lock_arith(void)
{
    check_counter(P_INC, 0x2000, 2);
}

static void test_xchg_spinlock(void)
{
    check_counter(P_XCHG, 0x2000, 1);
}

static void test_bts_spinlock(void)
{
    check_counter(P_BTS, 0x2000, 1);
}

/* A misaligned counter that straddles two pages: the split-lock path. */
static void test_lock_xadd_split(void)
{
    check_counter(P_XADD, 0x2ffe, 1);
}

/* A 64-bit counter through LOCK CMPXCHG8B, crossing 2^32 on the way. */
static void test_lock_cmpxchg8b(void)
{
    SmpRig *r = rig_new(N_THREADS);
    uint64_t start = 0xffff0000ull, v;

    memcpy(r->ram + 0x2000, &start, 8);
    for (unsigned i = 0; i < N_THREADS; i++) {
        rig_enter(r, i, P_CX8);
        x86_cpu_set_reg(r->cpu[i], X86_REG_RAX + 5, 0x2000);
        x86_cpu_set_reg(r->cpu[i], X86_REG_RAX + 6, ITERS);
    }
    rig_run_all(r, N_THREADS);
    memcpy(&v, r->ram + 0x2000, 8);
    g_assert_cmphex(v, ==, start + (uint64_t)N_THREADS * ITERS);
    rig_free(r);
}

/*
 * Cross-modifying code.  CPU A (org 0x20000) calls the function at 0x21000
 * ("mov eax, 0x11111111 / ret") until the flag at 0x3000 is set, then runs
 * CPUID and calls it once more; CPU B (0x20020) patches the immediate to
 * 0x22222222 and sets the flag.  A's decoded copy must not survive.
 */
static const uint8_t xmod_code[] = {
    0xba, 0x00, 0x10, 0x02, 0x00, 0xff, 0xd2, 0x8b, 0x1d, 0x00, 0x30, 0x00,
    0x00, 0x85, 0xdb, 0x74, 0xef, 0x89, 0xc6, 0x31, 0xc0, 0x0f, 0xa2, 0xba,
    0x00, 0x10, 0x02, 0x00, 0xff, 0xd2, 0xf4, 0x90, 0xc7, 0x05, 0x01, 0x10,
    0x02, 0x00, 0x22, 0x22, 0x22, 0x22, 0xc7, 0x05, 0x00, 0x30, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0xf4,
};
static const uint8_t xmod_func[] = { 0xb8, 0x11, 0x11, 0x11, 0x11, 0xc3 };

static void test_cross_modifying_code(void)
{
    SmpRig *r = rig_new(2);
    X86CPU *a = r->cpu[0], *b = r->cpu[1];

    memcpy(r->ram + 0x20000, xmod_code, sizeof(xmod_code));
    memcpy(r->ram + 0x21000, xmod_func, sizeof(xmod_func));
    x86_cpu_enter_flat32(a, 0x20000);
    x86_cpu_set_reg(a, X86_REG_RAX + 4, 0x80000);
    x86_cpu_enter_flat32(b, 0x20020);
    /* A decodes and runs the function many times first. */
    g_assert_cmpint(x86_cpu_run(a, 1000, NULL), ==, CPU_EXIT_BUDGET);
    g_assert_cmphex(x86_cpu_get_reg(a, X86_REG_RAX), ==, 0x11111111);
    g_assert_true(run_to_halt(b, 100));
    g_assert_true(run_to_halt(a, 10000));
    g_assert_cmphex(x86_cpu_get_reg(a, X86_REG_RAX), ==, 0x22222222);
    rig_free(r);
}

/*
 * The same with both vCPUs running at once on their own threads, A having
 * run the function before B starts (the window of a vCPU writing a page
 * through a fast TLB entry while another first decodes code there is a
 * documented deviation in smp.c).
 */
static void test_cross_modifying_code_threads(void)
{
    for (unsigned round = 0; round < 20; round++) {
        SmpRig *r = rig_new(2);

        memcpy(r->ram + 0x20000, xmod_code, sizeof(xmod_code));
        memcpy(r->ram + 0x21000, xmod_func, sizeof(xmod_func));
        x86_cpu_enter_flat32(r->cpu[0], 0x20000);
        x86_cpu_set_reg(r->cpu[0], X86_REG_RAX + 4, 0x80000);
        x86_cpu_enter_flat32(r->cpu[1], 0x20020);
        g_assert_cmpint(x86_cpu_run(r->cpu[0], 100, NULL), ==,
                        CPU_EXIT_BUDGET);
        rig_run_all(r, 2);
        g_assert_cmphex(x86_cpu_get_reg(r->cpu[0], X86_REG_RAX), ==,
                        0x22222222);
        rig_free(r);
    }
}

/*
 * Accessed bits (SDM vol. 3A 4.8: set with a locked operation).  At
 * 0x11000 (org), after turning on 32-bit paging with one 4 MiB page
 * (PDE at 0x40000): ESI = 0 loops "invlpg [0x2000] / mov eax, [0x2000]",
 * so every access walks and sets the accessed bit; ESI = 1 loops
 * "lock and dword [0x40000], ~0x20 / lock xor dword [0x40000], 0x200",
 * clearing the accessed bit and flipping an ignored bit of the same PDE.
 * A walk that wrote back a stale PDE would lose a flip: after an even
 * number of flips the bit must be clear.
 */
static const uint8_t pt_code[] = {
    0xb8, 0x00, 0x00, 0x04, 0x00, 0x0f, 0x22, 0xd8, 0x0f, 0x20, 0xe0, 0x83,
    0xc8, 0x10, 0x0f, 0x22, 0xe0, 0x0f, 0x20, 0xc0, 0x0d, 0x00, 0x00, 0x00,
    0x80, 0x0f, 0x22, 0xc0, 0x85, 0xf6, 0x75, 0x10, 0x0f, 0x01, 0x3d, 0x00,
    0x20, 0x00, 0x00, 0xa1, 0x00, 0x20, 0x00, 0x00, 0x49, 0x75, 0xf1, 0xf4,
    0xf0, 0x83, 0x25, 0x00, 0x00, 0x04, 0x00, 0xdf, 0xf0, 0x81, 0x35, 0x00,
    0x00, 0x04, 0x00, 0x00, 0x02, 0x00, 0x00, 0x49, 0x75, 0xea, 0xf4,
};

static void test_accessed_bit_race(void)
{
    SmpRig *r = rig_new(N_THREADS);
    uint32_t pde = 0x83;        /* present, writable, 4 MiB page at 0 */

    memcpy(r->ram + 0x11000, pt_code, sizeof(pt_code));
    memcpy(r->ram + 0x40000, &pde, 4);
    for (unsigned i = 0; i < N_THREADS; i++) {
        x86_cpu_enter_flat32(r->cpu[i], 0x11000);
        x86_cpu_set_reg(r->cpu[i], X86_REG_RAX + 4, 0x80000 + i * 0x1000);
        x86_cpu_set_reg(r->cpu[i], X86_REG_RAX + 6, i == 1);
        x86_cpu_set_reg(r->cpu[i], X86_REG_RAX + 1, ITERS);
    }
    rig_run_all(r, N_THREADS);
    g_assert_cmphex(ram_ld32(r, 0x40000) & ~0x60u, ==, 0x83);
    rig_free(r);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cpu/smp/lock-xadd", test_lock_xadd);
    g_test_add_func("/cpu/smp/lock-cmpxchg", test_lock_cmpxchg);
    g_test_add_func("/cpu/smp/lock-inc-add-sub", test_lock_arith);
    g_test_add_func("/cpu/smp/xchg-spinlock", test_xchg_spinlock);
    g_test_add_func("/cpu/smp/lock-bts-spinlock", test_bts_spinlock);
    g_test_add_func("/cpu/smp/lock-xadd-split-page", test_lock_xadd_split);
    g_test_add_func("/cpu/smp/lock-cmpxchg8b", test_lock_cmpxchg8b);
    g_test_add_func("/cpu/smp/accessed-bit-race", test_accessed_bit_race);
    g_test_add_func("/cpu/smp/cross-modifying-code",
                    test_cross_modifying_code);
    g_test_add_func("/cpu/smp/cross-modifying-code-threads",
                    test_cross_modifying_code_threads);
    return g_test_run();
}
