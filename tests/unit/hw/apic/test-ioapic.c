/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IOAPIC tests on the PC with apic=on: registers, edge and level
 * redirection to the local APICs with the EOI broadcast, ISA and PIRQ
 * routing, hostile register indexes.
 */
#include "apic-test.h"

static void test_regs(Fixture *f, gconstpointer data)
{
    g_assert_cmphex(ioapic_rd(f, 0x01), ==, 0x00170011);
    g_assert_cmphex(ioapic_rd(f, 0x00), ==, 0);
    ioapic_wr(f, 0x00, 0x0f000000 | 0x00ffffff);
    g_assert_cmphex(ioapic_rd(f, 0x00), ==, 0x0f000000);
    for (int pin = 0; pin < 24; pin++) {
        g_assert_cmphex(ioapic_rd(f, 0x10 + 2 * pin), ==, 0x10000);
        g_assert_cmphex(ioapic_rd(f, 0x11 + 2 * pin), ==, 0);
    }
    /* Delivery status and remote IRR are read-only. */
    ioapic_wr(f, 0x10 + 2 * 5, 0xffffffff);
    g_assert_cmphex(ioapic_rd(f, 0x10 + 2 * 5), ==, 0x1afff);
    ioapic_wr(f, 0x11 + 2 * 5, 0xffffffff);
    g_assert_cmphex(ioapic_rd(f, 0x11 + 2 * 5), ==, 0xff000000);
    /* IOREGSEL reads back. */
    memory_map_write(f->m->mem, IOAPIC_DEFAULT_ADDR, 0x13, 4);
    g_assert_cmphex(memory_map_read(f->m->mem, IOAPIC_DEFAULT_ADDR, 4), ==,
                    0x13);
}

static void test_edge(Fixture *f, gconstpointer data)
{
    APICState *a = f->pc->apic;

    apic_enable_all(f);
    /* ISA IRQ 1 -> pin 1, vector 0x31, physical APIC 0, edge. */
    ioapic_route(f, 1, 0x31, 0);
    irq_raise(pc_isa_irq(f->pc, 1));
    g_assert_true(apic_irr(f, 0, 0x31));
    g_assert_true(f->rec.intr[0]);
    g_assert_cmpint(apic_intr_ack(a, 0), ==, 0x31);
    /* No new edge, no new message; EOI of an edge vector stays local. */
    irq_raise(pc_isa_irq(f->pc, 1));
    g_assert_false(apic_irr(f, 0, 0x31));
    apic_wr(f, 0, 0xb0, 0);
    irq_lower(pc_isa_irq(f->pc, 1));
    irq_raise(pc_isa_irq(f->pc, 1));
    g_assert_true(apic_irr(f, 0, 0x31));
    irq_lower(pc_isa_irq(f->pc, 1));
    g_assert_cmpint(apic_intr_ack(a, 0), ==, 0x31);
    apic_wr(f, 0, 0xb0, 0);
    /* IRQ0 arrives on pin 2 (interrupt source override). */
    ioapic_route(f, 2, 0x30, 0);
    /* The idle PIT holds IRQ0 high after reset: make an edge. */
    irq_lower(pc_isa_irq(f->pc, 0));
    irq_raise(pc_isa_irq(f->pc, 0));
    g_assert_true(apic_irr(f, 0, 0x30));
    irq_lower(pc_isa_irq(f->pc, 0));
    g_assert_cmpint(apic_intr_ack(a, 0), ==, 0x30);
    apic_wr(f, 0, 0xb0, 0);
    /* A masked edge is lost. */
    ioapic_route(f, 4, 0x10000 | 0x34, 0);
    irq_pulse(pc_isa_irq(f->pc, 4));
    ioapic_route(f, 4, 0x34, 0);
    g_assert_false(apic_irr(f, 0, 0x34));
    /* Active-low: the falling edge asserts. */
    ioapic_route(f, 3, 0x2000 | 0x33, 0);
    irq_raise(pc_isa_irq(f->pc, 3));
    g_assert_false(apic_irr(f, 0, 0x33));
    irq_lower(pc_isa_irq(f->pc, 3));
    g_assert_true(apic_irr(f, 0, 0x33));
}

static void test_level(Fixture *f, gconstpointer data)
{
    APICState *a = f->pc->apic;

    apic_enable_all(f);
    /* Pin 10 level, active high, vector 0x3a. */
    ioapic_route(f, 10, 0x8000 | 0x3a, 0);
    irq_raise(pc_isa_irq(f->pc, 10));
    g_assert_true(apic_irr(f, 0, 0x3a));
    g_assert_true(apic_rd(f, 0, 0x180 + 0x10) & (1u << (0x3a - 32)));
    g_assert_cmphex(ioapic_rd(f, 0x10 + 20) & 0x4000, ==, 0x4000);
    g_assert_cmpint(apic_intr_ack(a, 0), ==, 0x3a);
    /* Still asserted at EOI: remote IRR clears and the pin sends again. */
    apic_wr(f, 0, 0xb0, 0);
    g_assert_true(apic_irr(f, 0, 0x3a));
    g_assert_cmphex(ioapic_rd(f, 0x10 + 20) & 0x4000, ==, 0x4000);
    g_assert_cmpint(apic_intr_ack(a, 0), ==, 0x3a);
    irq_lower(pc_isa_irq(f->pc, 10));
    apic_wr(f, 0, 0xb0, 0);
    g_assert_false(apic_irr(f, 0, 0x3a));
    g_assert_cmphex(ioapic_rd(f, 0x10 + 20) & 0x4000, ==, 0);
    /* Asserted while masked: sent when unmasked. */
    ioapic_route(f, 10, 0x18000 | 0x3a, 0);
    irq_raise(pc_isa_irq(f->pc, 10));
    g_assert_false(apic_irr(f, 0, 0x3a));
    ioapic_route(f, 10, 0x8000 | 0x3a, 0);
    g_assert_true(apic_irr(f, 0, 0x3a));
}

static void test_pirq_and_dest(Fixture *f, gconstpointer data)
{
    apic_enable_all(f);
    for (int i = 0; i < 4; i++) {
        g_assert_true(f->pc->piix3->ioapic_pirq[i] ==
                      ioapic_irq(f->pc->ioapic, 16 + i));
    }
    /* PIRQC -> pin 18, level, active low, to logical APICs 1 and 2. */
    apic_wr(f, 1, 0xd0, 0x02000000);
    apic_wr(f, 2, 0xd0, 0x04000000);
    ioapic_route(f, 18, 0xa000 | 0x800 | 0x48, 0x06);
    irq_lower(ioapic_irq(f->pc->ioapic, 18));
    g_assert_true(apic_irr(f, 1, 0x48));
    g_assert_true(apic_irr(f, 2, 0x48));
    g_assert_false(apic_irr(f, 0, 0x48));
    /* NMI and INIT delivery modes. */
    ioapic_route(f, 19, (APIC_DM_NMI << 8), 3);
    irq_raise(ioapic_irq(f->pc->ioapic, 19));
    g_assert_cmpint(f->rec.nmi[3], ==, 1);
}

static void test_hostile(Fixture *f, gconstpointer data)
{
    MemoryMap *mem = f->m->mem;

    g_assert_cmphex(ioapic_rd(f, 0xff), ==, 0xffffffff);
    g_assert_cmphex(ioapic_rd(f, 0x40), ==, 0xffffffff);
    ioapic_wr(f, 0x40, 0x12345678);
    ioapic_wr(f, 0x03, 0x12345678);
    g_assert_cmphex(ioapic_rd(f, 0x02), ==, 0);
    /* Byte and unaligned accesses, other offsets in the window. */
    memory_map_write(mem, IOAPIC_DEFAULT_ADDR, 0x01, 1);
    g_assert_cmphex(memory_map_read(mem, IOAPIC_DEFAULT_ADDR + 0x12, 1), ==,
                    0x17);
    memory_map_write(mem, IOAPIC_DEFAULT_ADDR + 0x13, 0xff, 1);
    memory_map_write(mem, IOAPIC_DEFAULT_ADDR + 0x40, 0xff, 4);
    g_assert_cmphex(memory_map_read(mem, IOAPIC_DEFAULT_ADDR + 0x40, 4), ==,
                    0);
    (void)memory_map_read(mem, IOAPIC_DEFAULT_ADDR + 0xffd, 8);
    /* Vector < 16 from a pin: the receiver flags an illegal vector. */
    apic_enable_all(f);
    ioapic_route(f, 5, 0x07, 0);
    irq_raise(pc_isa_irq(f->pc, 5));
    apic_wr(f, 0, 0x280, 0);
    g_assert_cmphex(apic_rd(f, 0, 0x280), ==, 0x40);
    g_assert_false(f->rec.intr[0]);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add("/ioapic/regs", Fixture, NULL, fixture_setup, test_regs,
               fixture_teardown);
    g_test_add("/ioapic/edge", Fixture, NULL, fixture_setup, test_edge,
               fixture_teardown);
    g_test_add("/ioapic/level-eoi", Fixture, NULL, fixture_setup, test_level,
               fixture_teardown);
    g_test_add("/ioapic/pirq-logical-nmi", Fixture, NULL, fixture_setup_smp,
               test_pirq_and_dest, fixture_teardown);
    g_test_add("/ioapic/hostile", Fixture, NULL, fixture_setup, test_hostile,
               fixture_teardown);
    return g_test_run();
}
