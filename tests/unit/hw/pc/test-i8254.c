/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for hw/timer/i8254.c on a fake virtual clock: periodic IRQ 0
 * in mode 2, one-shot mode 0, counter latch and read-back, channel 2 gate.
 */
#include "hw/timer/i8254.h"
#include "pc-test-machine.h"

typedef struct Fixture {
    Machine *m;
    I8254State *pit;
    TestPin irq0;
} Fixture;

static void fixture_setup(Fixture *f, gconstpointer data)
{
    f->m = test_machine_new();
    f->pit = container_of(device_new(&i8254_class, f->m, NULL), I8254State,
                          parent);
    test_pin_init(&f->irq0);
    f->pit->irq = &f->irq0.line;
    g_assert_true(device_realize(&f->pit->parent, &error_abort));
    device_reset(&f->pit->parent);
}

static void fixture_teardown(Fixture *f, gconstpointer data)
{
    machine_free(f->m);
}

static void test_mode2_periodic(Fixture *f, gconstpointer data)
{
    /* Linux's 100 Hz tick: channel 0, LSB/MSB, mode 2, count 11932. */
    outb(f->m, 0x43, 0x34);
    outb(f->m, 0x40, 11932 & 0xff);
    outb(f->m, 0x40, 11932 >> 8);
    f->irq0.rises = 0;
    for (int i = 0; i < 100; i++) {
        test_clock_step(1000000);     /* 1 ms */
    }
    /* One rising edge per period: 100 ms / 10 ms. */
    g_assert_cmpint(f->irq0.rises, >=, 9);
    g_assert_cmpint(f->irq0.rises, <=, 11);
}

static void test_mode0_oneshot(Fixture *f, gconstpointer data)
{
    outb(f->m, 0x43, 0x30);
    outb(f->m, 0x40, 0xe8);
    outb(f->m, 0x40, 0x03);           /* 1000 ticks = 838 us */
    g_assert_false(f->irq0.level);
    test_clock_step(800000);
    g_assert_false(f->irq0.level);
    test_clock_step(50000);
    g_assert_true(f->irq0.level);
    /* OUT stays high until re-programmed. */
    test_clock_step(10000000);
    g_assert_true(f->irq0.level);
    g_assert_cmpint(f->irq0.rises, ==, 1);
}

static void test_latch_and_readback(Fixture *f, gconstpointer data)
{
    uint16_t a;
    uint16_t b;
    uint8_t status;

    outb(f->m, 0x43, 0x34);
    outb(f->m, 0x40, 0x00);
    outb(f->m, 0x40, 0x00);           /* 65536 */
    test_clock_step(1000000);         /* ~1193 ticks */
    outb(f->m, 0x43, 0x00);           /* latch channel 0 */
    test_clock_step(1000000);
    a = inb(f->m, 0x40);
    a |= inb(f->m, 0x40) << 8;
    g_assert_cmpint(a, <=, 65536 - 1190);
    g_assert_cmpint(a, >=, 65536 - 1196);
    b = inb(f->m, 0x40);
    b |= inb(f->m, 0x40) << 8;
    g_assert_cmpint(b, <, a);         /* live count moved on */

    /* Read-back status of channel 0: OUT high, LSB/MSB, mode 2. */
    outb(f->m, 0x43, 0xe2);
    status = inb(f->m, 0x40);
    g_assert_cmphex(status & 0x3f, ==, 0x34);
    g_assert_cmphex(status & 0x80, ==, 0x80);
}

static void test_channel2_gate(Fixture *f, gconstpointer data)
{
    /* The TSC calibration idiom: channel 2 mode 0 gated by port 0x61. */
    outb(f->m, 0x43, 0xb0);
    outb(f->m, 0x42, 0xff);
    outb(f->m, 0x42, 0xff);
    i8254_set_gate(f->pit, 2, false);
    test_clock_step(5000000);
    g_assert_false(i8254_get_out(f->pit, 2));
    i8254_set_gate(f->pit, 2, true);
    test_clock_step(56000000);        /* 0xffff ticks = 54.9 ms */
    g_assert_true(i8254_get_out(f->pit, 2));
}

static void test_bcd_and_hostile(Fixture *f, gconstpointer data)
{
    uint8_t lo;
    uint8_t hi;

    outb(f->m, 0x43, 0x31);           /* mode 0, BCD */
    outb(f->m, 0x40, 0x00);
    outb(f->m, 0x40, 0x50);           /* 5000 */
    outb(f->m, 0x43, 0x00);
    lo = inb(f->m, 0x40);
    hi = inb(f->m, 0x40);
    g_assert_cmphex(hi, ==, 0x50);
    g_assert_cmphex(lo, ==, 0x00);
    for (int v = 0; v < 256; v++) {
        outb(f->m, 0x43, v);
        outb(f->m, 0x40 + (v % 3), v);
        (void)inb(f->m, 0x40 + (v % 4));
        test_clock_step(1000);
    }
    g_assert_cmphex(inb(f->m, 0x43), ==, 0xff);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) \
    g_test_add("/hw/i8254/" path, Fixture, NULL, fixture_setup, fn, \
               fixture_teardown)
    ADD("mode2-periodic", test_mode2_periodic);
    ADD("mode0-oneshot", test_mode0_oneshot);
    ADD("latch-readback", test_latch_and_readback);
    ADD("channel2-gate", test_channel2_gate);
    ADD("bcd-hostile", test_bcd_and_hostile);
    return g_test_run();
}
