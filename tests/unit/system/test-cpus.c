/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for system/cpus.c with the real CPU: a tiny machine (1 MiB
 * RAM, a 64 KiB ROM at the top of 4 GiB aliased at 0xf0000, a port at
 * 0x80) runs a few instructions from the reset vector on a vCPU thread;
 * the tests check port writes reach the machine under the lock, that
 * vm_stop() parks the vCPU (no progress while paused) and vm_start()
 * resumes it, and that HLT parks without spinning the CPU at 100 %.
 */
#include <glib.h>
#include <string.h>

#include "hw/core/ioport.h"
#include "hw/core/lock.h"
#include "hw/core/machine.h"
#include "system/cpus.h"
#include "system/runstate.h"
#include "util/main-loop.h"

typedef struct TestMachine {
    Machine parent;
    MemoryRegion ram, rom, rom_low, port;
    unsigned writes;
    uint8_t last;
} TestMachine;

static GCond port_cond;

static void port_write(void *opaque, uint64_t offset, uint64_t val,
                       unsigned size)
{
    TestMachine *t = opaque;

    /* Device callbacks run with the machine lock held. */
    g_assert_true(machine_lock_held());
    t->writes++;
    t->last = val;
    g_cond_broadcast(&port_cond);
}

static const MemoryRegionOps port_ops = {
    .write = port_write, .min_access = 1, .max_access = 1,
};

static const MachineClass test_class = {
    .name = "test-cpus",
    .description = "tiny machine for the vCPU loop",
    .instance_size = sizeof(TestMachine),
    .max_cpus = 1,
};

static TestMachine *test_machine_new(const MachineConfig *cfg,
                                     const uint8_t *code, size_t len)
{
    TestMachine *t = (TestMachine *)machine_new(&test_class, cfg);
    Machine *m = &t->parent;

    memory_region_init_ram(&t->ram, "ram", 1 << 20, &error_abort);
    memory_region_init_rom(&t->rom, "rom", 1 << 16, &error_abort);
    memory_region_init_alias(&t->rom_low, "rom-low", &t->rom, 0, 1 << 16);
    memory_region_init_io(&t->port, "port80", &port_ops, t, 1);
    memcpy(memory_region_get_ram_ptr(&t->rom) + 0xfff0, code, len);
    memory_map_add(m->mem, &t->ram, 0, 0);
    memory_map_add(m->mem, &t->rom, 0xffff0000, 0);
    memory_map_add(m->mem, &t->rom_low, 0xf0000, 1);
    io_space_map(m->io, &t->port, 0x80);
    return t;
}

static void test_machine_free(TestMachine *t)
{
    machine_unlock();
    cpus_destroy(&t->parent);
    machine_lock();
    memory_region_destroy(&t->port);
    memory_region_destroy(&t->rom_low);
    memory_region_destroy(&t->rom);
    memory_region_destroy(&t->ram);
    machine_free(&t->parent);
}

/* Wait (lock held) until @t saw a port write; false after 10 s. */
static bool wait_for_write(TestMachine *t)
{
    gint64 end = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

    while (!t->writes && g_get_monotonic_time() < end) {
        machine_lock_cond_wait(&port_cond, 10000);
    }
    return t->writes > 0;
}

static void test_pause_resume(void)
{
    /* mov al,0x42; out 0x80,al; l: inc bx; jmp l */
    static const uint8_t code[] = { 0xb0, 0x42, 0xe6, 0x80, 0x43, 0xeb,
                                    0xfd };
    MachineConfig cfg = { .smp_cpus = 1 };
    TestMachine *t;
    uint64_t bx1, bx2, bx3;

    runstate_init(false, false);
    machine_lock();
    t = test_machine_new(&cfg, code, sizeof(code));
    g_assert_true(cpus_create(&t->parent, &error_abort));
    g_assert_cmpuint(t->parent.ncpus, ==, 1);
    g_assert_true(vm_start(&error_abort));
    g_assert_true(wait_for_write(t));
    g_assert_cmpuint(t->last, ==, 0x42);

    vm_stop(RUN_STATE_PAUSED);
    g_assert_true(runstate_check(RUN_STATE_PAUSED));
    bx1 = x86_cpu_get_reg(t->parent.cpus[0], X86_REG_RAX + 3) & 0xffff;
    machine_unlock();
    g_usleep(30000);
    machine_lock();
    bx2 = x86_cpu_get_reg(t->parent.cpus[0], X86_REG_RAX + 3) & 0xffff;
    g_assert_cmpuint(bx1, ==, bx2);

    g_assert_true(vm_start(&error_abort));
    machine_unlock();
    g_usleep(30000);
    machine_lock();
    vm_stop(RUN_STATE_PAUSED);
    bx3 = x86_cpu_get_reg(t->parent.cpus[0], X86_REG_RAX + 3) & 0xffff;
    g_assert_cmpuint(bx3, !=, bx2);
    test_machine_free(t);
    machine_unlock();
}

static void test_halt(void)
{
    /* mov al,0x17; out 0x80,al; hlt (interrupts are off after reset) */
    static const uint8_t code[] = { 0xb0, 0x17, 0xe6, 0x80, 0xf4 };
    MachineConfig cfg = { .smp_cpus = 1 };
    TestMachine *t;
    gint64 end;

    runstate_init(false, false);
    machine_lock();
    t = test_machine_new(&cfg, code, sizeof(code));
    g_assert_true(cpus_create(&t->parent, &error_abort));
    g_assert_true(vm_start(&error_abort));
    g_assert_true(wait_for_write(t));
    g_assert_cmpuint(t->last, ==, 0x17);
    end = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    while (!x86_cpu_is_halted(t->parent.cpus[0]) &&
           g_get_monotonic_time() < end) {
        machine_lock_cond_wait(&port_cond, 1000);
    }
    g_assert_true(x86_cpu_is_halted(t->parent.cpus[0]));
    vm_stop(RUN_STATE_PAUSED);
    g_assert_cmpuint(t->writes, ==, 1);
    test_machine_free(t);
    machine_unlock();
}

static void test_bad_model(void)
{
    MachineConfig cfg = { .smp_cpus = 1, .cpu_model = (char *)"pentium9" };
    TestMachine *t;
    Error *err = NULL;

    machine_lock();
    t = test_machine_new(&cfg, (const uint8_t *)"\xf4", 1);
    g_assert_false(cpus_create(&t->parent, &err));
    g_assert_nonnull(strstr(error_get_pretty(err), "pentium9"));
    error_free(err);
    test_machine_free(t);
    machine_unlock();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    main_loop_init();
    g_test_add_func("/system/cpus/pause-resume", test_pause_resume);
    g_test_add_func("/system/cpus/halt", test_halt);
    g_test_add_func("/system/cpus/bad-model", test_bad_model);
    return g_test_run();
}
