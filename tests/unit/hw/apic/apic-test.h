/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PC built with apic=on for the APIC, IOAPIC and HPET tests, without
 * running its vCPUs: the fake virtual clock of pc-test-machine.h, MMIO
 * through the memory map (as vCPU cpus_set_current_index()), and a
 * recorder in place of the vCPUs' interrupt inputs.
 */
#ifndef TESTS_UNIT_HW_APIC_APIC_TEST_H
#define TESTS_UNIT_HW_APIC_APIC_TEST_H

#include <string.h>

#include "hw/i386/pc.h"
#include "system/cpus.h"
#include "../pc/pc-test-machine.h"

#define TEST_MAX_CPUS 4

/* What the APICs asked of each vCPU. */
typedef struct Recorder {
    bool intr[TEST_MAX_CPUS];
    int nmi[TEST_MAX_CPUS];
    int init[TEST_MAX_CPUS];
    int sipi[TEST_MAX_CPUS];
    int sipi_vector[TEST_MAX_CPUS];
} Recorder;

typedef struct Fixture {
    Machine *m;
    PCMachineState *pc;
    MachineConfig cfg;
    Recorder rec;
} Fixture;

static inline void recorder_signal(void *opaque, unsigned cpu, APICSignal sig,
                            int arg)
{
    Recorder *r = opaque;

    g_assert_cmpuint(cpu, <, TEST_MAX_CPUS);
    switch (sig) {
    case APIC_SIGNAL_INTR:
        r->intr[cpu] = arg;
        break;
    case APIC_SIGNAL_NMI:
        r->nmi[cpu]++;
        break;
    case APIC_SIGNAL_INIT:
        r->init[cpu]++;
        break;
    case APIC_SIGNAL_SIPI:
        r->sipi[cpu]++;
        r->sipi_vector[cpu] = arg;
        break;
    }
}

static inline void fixture_setup_n(Fixture *f, unsigned ncpus)
{
    static char *dirs[] = { "/usr/share/seabios", NULL };

    machine_free(test_machine_new());   /* installs the fake clock */
    memset(f, 0, sizeof(*f));
    f->cfg.ram_size = 32 * 1024 * 1024;
    f->cfg.smp_cpus = ncpus;
    f->cfg.firmware_dirs = dirs;
    f->cfg.boot_reboot_timeout = -1;
    f->cfg.boot_splash_time = -1;
    f->cfg.vga = (char *)"none";
    f->m = machine_new(&pc_i440fx_class, &f->cfg);
    f->pc = pc_from_machine(f->m);
    {
        /* As -machine pc,apic=on sets it. */
        struct json_object *o = json_tokener_parse("{\"apic\": \"on\"}");

        g_assert_true(machine_set_props(f->m, o, &error_abort));
        json_object_put(o);
    }
    g_assert_true(f->pc->apic_on);
    g_assert_true(machine_init(f->m, &error_abort));
    g_assert_nonnull(f->pc->apic);
    apic_set_signal(f->pc->apic, recorder_signal, &f->rec);
    machine_reset(f->m);
    /* Mask the 8259s so that ISA IRQs reach only the IOAPIC (test_extint
     * re-initialises them). */
    outb(f->m, 0x21, 0xff);
    outb(f->m, 0xa1, 0xff);
    cpus_set_current_index(0);
}

static inline void fixture_setup(Fixture *f, gconstpointer data)
{
    fixture_setup_n(f, 1);
}

static inline void fixture_setup_smp(Fixture *f, gconstpointer data)
{
    fixture_setup_n(f, TEST_MAX_CPUS);
}

static inline void fixture_teardown(Fixture *f, gconstpointer data)
{
    cpus_set_current_index(-1);
    cpus_destroy(f->m);
    machine_free(f->m);
}

/* MMIO as vCPU @cpu. */
static inline uint32_t apic_rd(Fixture *f, unsigned cpu, unsigned reg)
{
    cpus_set_current_index(cpu);
    return memory_map_read(f->m->mem, APIC_DEFAULT_ADDR + reg, 4);
}

static inline void apic_wr(Fixture *f, unsigned cpu, unsigned reg,
                           uint32_t v)
{
    cpus_set_current_index(cpu);
    memory_map_write(f->m->mem, APIC_DEFAULT_ADDR + reg, v, 4);
}

static inline bool apic_irr(Fixture *f, unsigned cpu, unsigned vector)
{
    return apic_rd(f, cpu, 0x200 + (vector >> 5) * 0x10) &
           (1u << (vector & 31));
}

static inline bool apic_isr(Fixture *f, unsigned cpu, unsigned vector)
{
    return apic_rd(f, cpu, 0x100 + (vector >> 5) * 0x10) &
           (1u << (vector & 31));
}

/* Software-enable every APIC (SVR = 0x1ff). */
static inline void apic_enable_all(Fixture *f)
{
    for (unsigned i = 0; i < f->m->ncpus; i++) {
        apic_wr(f, i, 0xf0, 0x1ff);
    }
}

static inline void ioapic_wr(Fixture *f, uint8_t reg, uint32_t v)
{
    memory_map_write(f->m->mem, IOAPIC_DEFAULT_ADDR, reg, 4);
    memory_map_write(f->m->mem, IOAPIC_DEFAULT_ADDR + 0x10, v, 4);
}

static inline uint32_t ioapic_rd(Fixture *f, uint8_t reg)
{
    memory_map_write(f->m->mem, IOAPIC_DEFAULT_ADDR, reg, 4);
    return memory_map_read(f->m->mem, IOAPIC_DEFAULT_ADDR + 0x10, 4);
}

/* Redirection entry of @pin: @lo (vector, mode, flags), destination @dest. */
static inline void ioapic_route(Fixture *f, int pin, uint32_t lo,
                                uint8_t dest)
{
    ioapic_wr(f, 0x11 + 2 * pin, (uint32_t)dest << 24);
    ioapic_wr(f, 0x10 + 2 * pin, lo);
}

#endif
