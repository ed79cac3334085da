/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for hw/intc/i8259.c: initialisation as a PC BIOS does it,
 * priorities, EOI, masking, cascade, edge and level inputs, spurious
 * vectors, poll mode.
 */
#include "hw/intc/i8259.h"
#include "pc-test-machine.h"

typedef struct Fixture {
    Machine *m;
    I8259State *pic;
    TestPin intr;
} Fixture;

static void pic_init_pc(Machine *m)
{
    /* The BIOS sequence: ICW1 edge/cascade/ICW4, vectors 0x08 and 0x70,
     * cascade on IR2, 8086 mode. */
    outb(m, 0x20, 0x11);
    outb(m, 0x21, 0x08);
    outb(m, 0x21, 0x04);
    outb(m, 0x21, 0x01);
    outb(m, 0xa0, 0x11);
    outb(m, 0xa1, 0x70);
    outb(m, 0xa1, 0x02);
    outb(m, 0xa1, 0x01);
    outb(m, 0x21, 0x00);
    outb(m, 0xa1, 0x00);
}

static void fixture_setup(Fixture *f, gconstpointer data)
{
    f->m = test_machine_new();
    f->pic = container_of(test_device(f->m, &i8259_class), I8259State, parent);
    test_pin_init(&f->intr);
    f->pic->out = &f->intr.line;
    pic_init_pc(f->m);
}

static void fixture_teardown(Fixture *f, gconstpointer data)
{
    machine_free(f->m);
}

static void test_priority_and_eoi(Fixture *f, gconstpointer data)
{
    irq_raise(i8259_irq(f->pic, 4));
    irq_raise(i8259_irq(f->pic, 1));
    g_assert_true(f->intr.level);
    /* IR1 beats IR4. */
    g_assert_cmpint(i8259_acknowledge(f->pic), ==, 0x09);
    /* IR4 waits while IR1 is in service. */
    g_assert_false(f->intr.level);
    outb(f->m, 0x20, 0x0b);           /* OCW3: read ISR */
    g_assert_cmphex(inb(f->m, 0x20), ==, 0x02);
    outb(f->m, 0x20, 0x20);           /* non-specific EOI */
    g_assert_true(f->intr.level);
    g_assert_cmpint(i8259_acknowledge(f->pic), ==, 0x0c);
    outb(f->m, 0x20, 0x64);           /* specific EOI for IR4 */
    g_assert_cmphex(inb(f->m, 0x20), ==, 0x00);
}

static void test_mask(Fixture *f, gconstpointer data)
{
    outb(f->m, 0x21, 0x01);
    irq_raise(i8259_irq(f->pic, 0));
    g_assert_false(f->intr.level);
    g_assert_cmphex(inb(f->m, 0x21), ==, 0x01);
    outb(f->m, 0x21, 0x00);
    g_assert_true(f->intr.level);
    g_assert_cmpint(i8259_acknowledge(f->pic), ==, 0x08);
}

static void test_cascade(Fixture *f, gconstpointer data)
{
    irq_raise(i8259_irq(f->pic, 14));
    g_assert_true(f->intr.level);
    g_assert_cmpint(i8259_acknowledge(f->pic), ==, 0x76);
    /* EOI to both chips, as Linux does. */
    outb(f->m, 0xa0, 0x20);
    outb(f->m, 0x20, 0x20);
    irq_lower(i8259_irq(f->pic, 14));
    g_assert_false(f->intr.level);
}

static void test_edge_vs_level(Fixture *f, gconstpointer data)
{
    /* Edge: a held line requests once. */
    irq_raise(i8259_irq(f->pic, 3));
    g_assert_cmpint(i8259_acknowledge(f->pic), ==, 0x0b);
    outb(f->m, 0x20, 0x20);
    g_assert_false(f->intr.level);
    irq_lower(i8259_irq(f->pic, 3));

    /* Level via ELCR (IRQ 11): a held line requests again after EOI. */
    outb(f->m, 0x4d1, 0x08);
    g_assert_cmphex(inb(f->m, 0x4d1), ==, 0x08);
    irq_raise(i8259_irq(f->pic, 11));
    g_assert_cmpint(i8259_acknowledge(f->pic), ==, 0x73);
    outb(f->m, 0xa0, 0x20);
    outb(f->m, 0x20, 0x20);
    g_assert_true(f->intr.level);
    irq_lower(i8259_irq(f->pic, 11));
    g_assert_false(f->intr.level);
    /* IRQ 8 and 13 are edge only on the PIIX3. */
    outb(f->m, 0x4d1, 0xff);
    g_assert_cmphex(inb(f->m, 0x4d1), ==, 0xde);
}

static void test_spurious(Fixture *f, gconstpointer data)
{
    irq_raise(i8259_irq(f->pic, 5));
    irq_lower(i8259_irq(f->pic, 5));
    /* The edge was latched: still delivered. */
    g_assert_cmpint(i8259_acknowledge(f->pic), ==, 0x0d);
    outb(f->m, 0x20, 0x20);
    /* Nothing pending: IR7 without ISR. */
    g_assert_cmpint(i8259_acknowledge(f->pic), ==, 0x0f);
    outb(f->m, 0x20, 0x0b);
    g_assert_cmphex(inb(f->m, 0x20), ==, 0x00);
}

static void test_poll_and_aeoi(Fixture *f, gconstpointer data)
{
    irq_raise(i8259_irq(f->pic, 6));
    outb(f->m, 0x20, 0x0c);           /* OCW3 poll */
    g_assert_cmphex(inb(f->m, 0x20), ==, 0x86);
    outb(f->m, 0x20, 0x20);

    /* Re-initialise the master with auto-EOI. */
    outb(f->m, 0x20, 0x11);
    outb(f->m, 0x21, 0x20);
    outb(f->m, 0x21, 0x04);
    outb(f->m, 0x21, 0x03);
    irq_lower(i8259_irq(f->pic, 6));
    irq_raise(i8259_irq(f->pic, 6));
    g_assert_cmpint(i8259_acknowledge(f->pic), ==, 0x26);
    outb(f->m, 0x20, 0x0b);
    g_assert_cmphex(inb(f->m, 0x20), ==, 0x00);
}

static void test_hostile(Fixture *f, gconstpointer data)
{
    /* Every command byte on every port: never crashes, stays coherent. */
    for (int v = 0; v < 256; v++) {
        outb(f->m, 0x20, v);
        outb(f->m, 0x21, v);
        outb(f->m, 0xa0, v ^ 0x55);
        outb(f->m, 0xa1, v);
        (void)inb(f->m, 0x20);
        (void)inb(f->m, 0xa0);
        irq_set(i8259_irq(f->pic, v & 15), v & 1);
        (void)i8259_acknowledge(f->pic);
    }
    pic_init_pc(f->m);
    irq_raise(i8259_irq(f->pic, 1));
    g_assert_cmpint(i8259_acknowledge(f->pic), >=, 0x08);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) \
    g_test_add("/hw/i8259/" path, Fixture, NULL, fixture_setup, fn, \
               fixture_teardown)
    ADD("priority-eoi", test_priority_and_eoi);
    ADD("mask", test_mask);
    ADD("cascade", test_cascade);
    ADD("edge-vs-level", test_edge_vs_level);
    ADD("spurious", test_spurious);
    ADD("poll-aeoi", test_poll_and_aeoi);
    ADD("hostile", test_hostile);
    return g_test_run();
}
