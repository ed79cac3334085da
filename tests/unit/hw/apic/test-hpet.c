/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HPET tests on the PC with apic=on: capabilities, the main counter
 * against the fake virtual clock, one-shot and periodic timers, legacy
 * replacement routing through the IOAPIC, level interrupts, hostile
 * accesses, and a clock that moves on between reading it and arming a
 * timer (a preempted vCPU or main-loop thread).
 */
#include "apic-test.h"

#define HPET_BASE HPET_DEFAULT_ADDR

static uint64_t hpet_rd64(Fixture *f, unsigned reg)
{
    return memory_map_read(f->m->mem, HPET_BASE + reg, 8);
}

static uint32_t hpet_rd32(Fixture *f, unsigned reg)
{
    return memory_map_read(f->m->mem, HPET_BASE + reg, 4);
}

static void hpet_wr64(Fixture *f, unsigned reg, uint64_t v)
{
    memory_map_write(f->m->mem, HPET_BASE + reg, v, 8);
}

static void hpet_wr32(Fixture *f, unsigned reg, uint32_t v)
{
    memory_map_write(f->m->mem, HPET_BASE + reg, v, 4);
}

static void test_counter(Fixture *f, gconstpointer data)
{
    g_assert_cmphex(hpet_rd32(f, 0x00), ==, 0x8086a201);
    g_assert_cmpuint(hpet_rd32(f, 0x04), ==, 10000000);     /* 10 ns */
    g_assert_cmphex(hpet_rd64(f, 0x100), ==, 0x00f0000000000030ull);
    /* Halted: the counter does not move. */
    test_clock_step(1000);
    g_assert_cmpuint(hpet_rd64(f, 0xf0), ==, 0);
    hpet_wr32(f, 0x10, 1);
    test_clock_step(1000);
    g_assert_cmpuint(hpet_rd64(f, 0xf0), ==, 100);
    /* Written while running, read as two dwords. */
    hpet_wr32(f, 0x10, 0);
    hpet_wr32(f, 0xf4, 0x1);
    hpet_wr32(f, 0xf0, 0xfffffff0);
    hpet_wr32(f, 0x10, 1);
    test_clock_step(200);
    g_assert_cmphex(hpet_rd32(f, 0xf0), ==, 0x00000004);
    g_assert_cmphex(hpet_rd32(f, 0xf4), ==, 0x2);
    /* Disabling freezes it. */
    hpet_wr32(f, 0x10, 0);
    test_clock_step(5000);
    g_assert_cmphex(hpet_rd64(f, 0xf0), ==, 0x200000004ull);
    /* Read-only capabilities. */
    hpet_wr64(f, 0x00, 0);
    g_assert_cmphex(hpet_rd32(f, 0x00), ==, 0x8086a201);
}

static void test_oneshot_routed(Fixture *f, gconstpointer data)
{
    apic_enable_all(f);
    ioapic_route(f, 21, 0x61, 0);
    /* Timer 1: edge, route 21, one-shot at 500 ticks (5 us). */
    hpet_wr64(f, 0x120, (21u << 9) | (1u << 2));
    hpet_wr64(f, 0x128, 500);
    hpet_wr32(f, 0x10, 1);
    test_clock_step(4990);
    g_assert_false(apic_irr(f, 0, 0x61));
    test_clock_step(10);
    g_assert_true(apic_irr(f, 0, 0x61));
    g_assert_cmpint(apic_intr_ack(f->pc->apic, 0), ==, 0x61);
    apic_wr(f, 0, 0xb0, 0);
    test_clock_step(100000);
    g_assert_false(apic_irr(f, 0, 0x61));
    /* 32-bit mode: comparator reads 32 bits. */
    hpet_wr64(f, 0x120, (21u << 9) | (1u << 8));
    hpet_wr64(f, 0x128, 0x123456789ull);
    g_assert_cmphex(hpet_rd64(f, 0x128), ==, 0x23456789);
}

static void test_periodic_legacy(Fixture *f, gconstpointer data)
{
    int fired = 0;

    apic_enable_all(f);
    ioapic_route(f, 2, 0x22, 0);
    /* PIT output on IRQ0 reaches pin 2 before legacy replacement. */
    /* The idle PIT holds IRQ0 high after reset: make an edge. */
    irq_lower(pc_isa_irq(f->pc, 0));
    irq_raise(pc_isa_irq(f->pc, 0));
    g_assert_true(apic_irr(f, 0, 0x22));
    g_assert_cmpint(apic_intr_ack(f->pc->apic, 0), ==, 0x22);
    apic_wr(f, 0, 0xb0, 0);
    irq_lower(pc_isa_irq(f->pc, 0));
    /* Timer 0 periodic every 1 us (100 ticks), legacy route. */
    hpet_wr64(f, 0x100, (1u << 2) | (1u << 3) | (1u << 6));
    hpet_wr64(f, 0x108, 100);
    hpet_wr64(f, 0x108, 100);
    g_assert_cmphex(hpet_rd64(f, 0x100) & (1u << 6), ==, 0);
    hpet_wr32(f, 0x10, 3);
    g_assert_true(f->pc->hpet_legacy);
    for (int i = 0; i < 4; i++) {
        test_clock_step(1000);
        if (apic_irr(f, 0, 0x22)) {
            fired++;
            g_assert_cmpint(apic_intr_ack(f->pc->apic, 0), ==, 0x22);
            apic_wr(f, 0, 0xb0, 0);
        }
    }
    g_assert_cmpint(fired, ==, 4);
    g_assert_cmpuint(hpet_rd64(f, 0x108), ==, 500);
    /* 64-bit periodic set up with dword writes, low then high. */
    hpet_wr32(f, 0x100, (1u << 2) | (1u << 3) | (1u << 6));
    hpet_wr32(f, 0x108, 1000);
    hpet_wr32(f, 0x10c, 0);
    g_assert_cmphex(hpet_rd64(f, 0x100) & (1u << 6), ==, 0);
    g_assert_cmpuint(hpet_rd64(f, 0x108), ==, 1000);
    hpet_wr32(f, 0x108, 100);
    hpet_wr32(f, 0x10c, 0);
    g_assert_cmpuint(hpet_rd64(f, 0x108), ==, 1000);
    g_assert_cmpuint(hpet_rd64(f, 0xf0), ==, 400);
    test_clock_step(6500);
    g_assert_true(apic_irr(f, 0, 0x22));
    g_assert_cmpint(apic_intr_ack(f->pc->apic, 0), ==, 0x22);
    apic_wr(f, 0, 0xb0, 0);
    g_assert_cmpuint(hpet_rd64(f, 0x108), ==, 1100);
    /* The PIT is disconnected meanwhile. */
    hpet_wr32(f, 0x100, 0);
    irq_raise(pc_isa_irq(f->pc, 0));
    g_assert_false(apic_irr(f, 0, 0x22));
    /* Leaving legacy mode gives IRQ0 back (it is high: an edge). */
    hpet_wr32(f, 0x10, 1);
    g_assert_true(apic_irr(f, 0, 0x22));
}

static void test_level(Fixture *f, gconstpointer data)
{
    apic_enable_all(f);
    ioapic_route(f, 20, 0x8000 | 0x60, 0);
    hpet_wr64(f, 0x140, (20u << 9) | (1u << 2) | (1u << 1));
    hpet_wr64(f, 0x148, 50);
    hpet_wr32(f, 0x10, 1);
    test_clock_step(500);
    g_assert_cmphex(hpet_rd32(f, 0x20), ==, 0x4);
    g_assert_true(apic_irr(f, 0, 0x60));
    g_assert_cmpint(apic_intr_ack(f->pc->apic, 0), ==, 0x60);
    /* Still pending: the EOI brings it back. */
    apic_wr(f, 0, 0xb0, 0);
    g_assert_true(apic_irr(f, 0, 0x60));
    g_assert_cmpint(apic_intr_ack(f->pc->apic, 0), ==, 0x60);
    /* Clear the status (write 1), then EOI: gone. */
    hpet_wr32(f, 0x20, 0x4);
    g_assert_cmphex(hpet_rd32(f, 0x20), ==, 0);
    apic_wr(f, 0, 0xb0, 0);
    g_assert_false(apic_irr(f, 0, 0x60));
}

static void test_hostile(Fixture *f, gconstpointer data)
{
    MemoryMap *mem = f->m->mem;

    /* Reserved registers, byte and unaligned accesses. */
    g_assert_cmphex(hpet_rd64(f, 0x30), ==, 0);
    hpet_wr64(f, 0x30, ~0ull);
    hpet_wr64(f, 0x160, ~0ull);             /* timer 3 does not exist */
    g_assert_cmphex(hpet_rd64(f, 0x160), ==, 0);
    g_assert_cmphex(memory_map_read(mem, HPET_BASE + 0x1, 1), ==, 0xa2);
    memory_map_write(mem, HPET_BASE + 0x13, 0xff, 1);
    (void)memory_map_read(mem, HPET_BASE + 0x3fd, 8);
    /* Route outside the capability: the timer reaches no pin. */
    apic_enable_all(f);
    for (int pin = 0; pin < 24; pin++) {
        ioapic_route(f, pin, 0x40 + pin, 0);
    }
    hpet_wr64(f, 0x100, (5u << 9) | (1u << 2));
    hpet_wr64(f, 0x108, 10);
    hpet_wr32(f, 0x10, 1);
    test_clock_step(1000);
    for (unsigned v = 0x40; v < 0x58; v++) {
        g_assert_false(apic_irr(f, 0, v));
    }
    /* Comparator in the past (64-bit): no storm, nothing armed. */
    hpet_wr64(f, 0x108, 1);
    test_clock_step(1000);
    /* Periodic with period 0 does not spin. */
    hpet_wr64(f, 0x100, (1u << 3) | (1u << 6));
    hpet_wr64(f, 0x108, hpet_rd64(f, 0xf0) + 10);
    hpet_wr64(f, 0x108, 0);
    test_clock_step(1000);
}

/*
 * The thread running a timer callback or a register write can be preempted
 * between reading the clock and arming the host timer.  These hooks move
 * the fake clock on at those points, once, by late_ns.
 */
static int64_t late_ns;
static void (*late_legacy_changed)(void *opaque, bool legacy);

static void late_signal(void *opaque, unsigned cpu, APICSignal sig, int arg)
{
    recorder_signal(opaque, cpu, sig, arg);
    if (sig == APIC_SIGNAL_INTR && arg && late_ns) {
        clock_fake_advance_ns(late_ns);
        late_ns = 0;
    }
}

static void late_legacy(void *opaque, bool legacy)
{
    late_legacy_changed(opaque, legacy);
    clock_fake_advance_ns(late_ns);
    late_ns = 0;
}

/* Count vector 0x22 over @steps steps of 1 us, acknowledging each. */
static int count_0x22(Fixture *f, int steps)
{
    int fired = 0;

    for (int i = 0; i < steps; i++) {
        test_clock_step(1000);
        if (apic_irr(f, 0, 0x22)) {
            fired++;
            g_assert_cmpint(apic_intr_ack(f->pc->apic, 0), ==, 0x22);
            apic_wr(f, 0, 0xb0, 0);
        }
    }
    return fired;
}

static void test_late(Fixture *f, gconstpointer data)
{
    HPETState *s = f->pc->hpet;

    apic_enable_all(f);
    ioapic_route(f, 2, 0x22, 0);
    apic_set_signal(f->pc->apic, late_signal, &f->rec);
    late_legacy_changed = s->legacy_changed;
    s->legacy_changed = late_legacy;
    /* Timer 0: 32-bit, periodic every 1 us (100 ticks), legacy route. */
    hpet_wr64(f, 0x100, (1u << 2) | (1u << 3) | (1u << 6) | (1u << 8));
    hpet_wr64(f, 0x108, 100);
    hpet_wr64(f, 0x108, 100);
    /* Enabling, 1.5 us pass between the counter's load and the arming:
     * the first match (100) is due at once, not after the 32-bit wrap. */
    late_ns = 1500;
    hpet_wr32(f, 0x10, 3);
    g_assert_cmpuint(hpet_rd64(f, 0xf0), ==, 150);
    g_assert_cmpint(count_0x22(f, 1), ==, 1);
    g_assert_cmpint(count_0x22(f, 4), ==, 4);
    /* A callback held up 1.5 us while it delivers: the period it advanced
     * to is past by the time it re-arms, and is due at once. */
    late_ns = 1500;
    g_assert_cmpint(count_0x22(f, 1), ==, 1);
    g_assert_cmpint(late_ns, ==, 0);
    g_assert_cmpint(count_0x22(f, 4), ==, 4);
    s->legacy_changed = late_legacy_changed;
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add("/hpet/counter", Fixture, NULL, fixture_setup, test_counter,
               fixture_teardown);
    g_test_add("/hpet/oneshot-routed", Fixture, NULL, fixture_setup,
               test_oneshot_routed, fixture_teardown);
    g_test_add("/hpet/periodic-legacy", Fixture, NULL, fixture_setup,
               test_periodic_legacy, fixture_teardown);
    g_test_add("/hpet/level", Fixture, NULL, fixture_setup, test_level,
               fixture_teardown);
    g_test_add("/hpet/hostile", Fixture, NULL, fixture_setup, test_hostile,
               fixture_teardown);
    g_test_add("/hpet/late", Fixture, NULL, fixture_setup, test_late,
               fixture_teardown);
    return g_test_run();
}
