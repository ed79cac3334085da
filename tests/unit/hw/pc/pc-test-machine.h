/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A bare machine for device unit tests: the "none" machine's memory map
 * and I/O space, a fake virtual clock the test steps, and an IRQ pin that
 * records its level.
 */
#ifndef TESTS_UNIT_HW_PC_TEST_MACHINE_H
#define TESTS_UNIT_HW_PC_TEST_MACHINE_H

#include <glib.h>

#include "hw/core/device.h"
#include "hw/core/ioport.h"
#include "hw/core/irq.h"
#include "hw/core/machine.h"
#include "util/clock.h"
#include "util/timer.h"

typedef struct TestPin {
    IRQLine line;
    bool level;
    int rises;
} TestPin;

static void test_pin_handler(void *opaque, int n, bool level)
{
    TestPin *p = opaque;

    if (level && !p->level) {
        p->rises++;
    }
    p->level = level;
}

static inline void test_pin_init(TestPin *p)
{
    *p = (TestPin){ 0 };
    irq_init(&p->line, test_pin_handler, p, 0);
}

static inline Machine *test_machine_new(void)
{
    static MachineConfig cfg;

    static bool clock_installed;

    /* Install the fake source once: the virtual clock never goes back,
     * so later fixtures simply continue from where the last one ended. */
    if (!clock_installed) {
        clock_set_source(clock_fake_source());
        clock_fake_set_ns(1000000000LL);
        clock_installed = true;
    }
    return machine_new(machine_class_find("none"), &cfg);
}

static inline Device *test_device(Machine *m, const DeviceClass *cls)
{
    Device *dev = device_new(cls, m, NULL);

    g_assert_true(device_realize(dev, &error_abort));
    device_reset(dev);
    return dev;
}

/* Advance virtual time by @ns and run the timers that came due. */
static inline void test_clock_step(int64_t ns)
{
    clock_fake_advance_ns(ns);
    timers_run_expired(CLOCK_TYPE_VIRTUAL);
}

static inline void outb(Machine *m, uint16_t port, uint8_t v)
{
    io_space_write(m->io, port, v, 1);
}

static inline uint8_t inb(Machine *m, uint16_t port)
{
    return io_space_read(m->io, port, 1);
}

#endif
