/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for hw/timer/mc146818.c: BCD and binary time, 12/24 hour,
 * setting the clock, update-in-progress, periodic and update interrupts,
 * CMOS bytes.
 */
#include "hw/timer/mc146818.h"
#include "pc-test-machine.h"

typedef struct Fixture {
    Machine *m;
    MC146818State *rtc;
    TestPin irq8;
} Fixture;

static void fixture_setup(Fixture *f, gconstpointer data)
{
    f->m = test_machine_new();
    f->rtc = container_of(device_new(&mc146818_class, f->m, NULL),
                          MC146818State, parent);
    test_pin_init(&f->irq8);
    f->rtc->irq = &f->irq8.line;
    g_assert_true(device_realize(&f->rtc->parent, &error_abort));
    device_reset(&f->rtc->parent);
}

static void fixture_teardown(Fixture *f, gconstpointer data)
{
    machine_free(f->m);
}

static uint8_t cmos_read(Fixture *f, int idx)
{
    outb(f->m, 0x70, idx);
    return inb(f->m, 0x71);
}

static void cmos_write(Fixture *f, int idx, uint8_t v)
{
    outb(f->m, 0x70, idx);
    outb(f->m, 0x71, v);
}

static void set_time_bcd(Fixture *f)
{
    /* 2024-02-29 23:59:58, a leap day, in BCD 24-hour mode. */
    cmos_write(f, RTC_REG_B, 0x82);
    cmos_write(f, RTC_SECONDS, 0x58);
    cmos_write(f, RTC_MINUTES, 0x59);
    cmos_write(f, RTC_HOURS, 0x23);
    cmos_write(f, RTC_DAY_OF_MONTH, 0x29);
    cmos_write(f, RTC_MONTH, 0x02);
    cmos_write(f, RTC_YEAR, 0x24);
    cmos_write(f, RTC_CENTURY, 0x20);
    cmos_write(f, RTC_REG_B, 0x02);
}

static void test_set_and_advance(Fixture *f, gconstpointer data)
{
    set_time_bcd(f);
    g_assert_cmphex(cmos_read(f, RTC_SECONDS), ==, 0x58);
    test_clock_step(3 * NANOSECONDS_PER_SECOND);
    /* Rolled over into March 1st. */
    g_assert_cmphex(cmos_read(f, RTC_SECONDS), ==, 0x01);
    g_assert_cmphex(cmos_read(f, RTC_MINUTES), ==, 0x00);
    g_assert_cmphex(cmos_read(f, RTC_HOURS), ==, 0x00);
    g_assert_cmphex(cmos_read(f, RTC_DAY_OF_MONTH), ==, 0x01);
    g_assert_cmphex(cmos_read(f, RTC_MONTH), ==, 0x03);
    g_assert_cmphex(cmos_read(f, RTC_YEAR), ==, 0x24);
    g_assert_cmphex(cmos_read(f, RTC_CENTURY), ==, 0x20);
    g_assert_cmphex(cmos_read(f, RTC_DAY_OF_WEEK), ==, 0x06); /* Friday */
}

static void test_binary_12h(Fixture *f, gconstpointer data)
{
    set_time_bcd(f);
    cmos_write(f, RTC_REG_B, 0x04);   /* binary, 12-hour */
    g_assert_cmpuint(cmos_read(f, RTC_SECONDS), ==, 58);
    /* 23 h = 11 PM: bit 7 set. */
    g_assert_cmphex(cmos_read(f, RTC_HOURS), ==, 0x80 | 11);
    g_assert_cmpuint(cmos_read(f, RTC_YEAR), ==, 24);
}

static void test_uip(Fixture *f, gconstpointer data)
{
    int seen = 0;

    /* Sample register A across two seconds in 100 us steps. */
    for (int i = 0; i < 20000; i++) {
        if (cmos_read(f, RTC_REG_A) & 0x80) {
            seen++;
        }
        test_clock_step(100000);
    }
    /* 244 us per second: 2 or 3 samples per second, 2 seconds. */
    g_assert_cmpint(seen, >=, 4);
    g_assert_cmpint(seen, <=, 6);
}

static void test_periodic_irq(Fixture *f, gconstpointer data)
{
    cmos_write(f, RTC_REG_A, 0x26);   /* 1024 Hz */
    cmos_write(f, RTC_REG_B, 0x42);   /* PIE */
    f->irq8.rises = 0;
    for (int i = 0; i < 10; i++) {
        test_clock_step(1000000);
        if (f->irq8.level) {
            g_assert_cmphex(cmos_read(f, RTC_REG_C) & 0xc0, ==, 0xc0);
            g_assert_false(f->irq8.level);
        }
    }
    g_assert_cmpint(f->irq8.rises, >=, 9);
}

static void test_update_irq_and_flags(Fixture *f, gconstpointer data)
{
    set_time_bcd(f);
    (void)cmos_read(f, RTC_REG_C);
    cmos_write(f, RTC_REG_B, 0x12);   /* UIE */
    test_clock_step(NANOSECONDS_PER_SECOND + 1000);
    g_assert_true(f->irq8.level);
    /* PF is set too: the 1024 Hz rate runs even with PIE off. */
    g_assert_cmphex(cmos_read(f, RTC_REG_C) & 0xb0, ==, 0x90);
    g_assert_false(f->irq8.level);
    /* With interrupts off the flag is still set when C is read. */
    cmos_write(f, RTC_REG_B, 0x02);
    test_clock_step(NANOSECONDS_PER_SECOND);
    g_assert_cmphex(cmos_read(f, RTC_REG_C) & 0x10, ==, 0x10);
    g_assert_false(f->irq8.level);
}

static void test_cmos_ram(Fixture *f, gconstpointer data)
{
    rtc_set_cmos(f->rtc, 0x34, 0xab);
    g_assert_cmphex(cmos_read(f, 0x34), ==, 0xab);
    cmos_write(f, 0x50, 0x12);
    g_assert_cmphex(rtc_get_cmos(f->rtc, 0x50), ==, 0x12);
    /* NMI-disable bit of the index is ignored; index wraps at 128. */
    outb(f->m, 0x70, 0x80 | 0x50);
    g_assert_cmphex(inb(f->m, 0x71), ==, 0x12);
    g_assert_cmphex(cmos_read(f, RTC_REG_D), ==, 0x80);
    g_assert_cmphex(inb(f->m, 0x70), ==, 0xff);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) \
    g_test_add("/hw/mc146818/" path, Fixture, NULL, fixture_setup, fn, \
               fixture_teardown)
    ADD("set-and-advance", test_set_and_advance);
    ADD("binary-12h", test_binary_12h);
    ADD("uip", test_uip);
    ADD("periodic-irq", test_periodic_irq);
    ADD("update-irq-flags", test_update_irq_and_flags);
    ADD("cmos-ram", test_cmos_ram);
    return g_test_run();
}
