/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for hw/core/irq.c: receiver pins, levels, pulses, fan-out and
 * unconnected (NULL) lines.
 */
#include <glib.h>

#include "hw/core/irq.h"

typedef struct Pic {
    bool level[8];
    unsigned calls;
    GString *edges;
} Pic;

static void pic_set_irq(void *opaque, int n, bool level)
{
    Pic *p = opaque;

    p->calls++;
    if (level && !p->level[n]) {
        g_string_append_printf(p->edges, "+%d", n);
    } else if (!level && p->level[n]) {
        g_string_append_printf(p->edges, "-%d", n);
    }
    p->level[n] = level;
}

static void test_lines(void)
{
    Pic pic = { .edges = g_string_new(NULL) };
    IRQLine *pins = irq_array_new(pic_set_irq, &pic, 8);

    irq_raise(&pins[4]);
    g_assert_true(pic.level[4]);
    g_assert_true(irq_get_level(&pins[4]));
    irq_raise(&pins[4]);             /* repeated level: delivered again */
    g_assert_cmpuint(pic.calls, ==, 2);
    irq_lower(&pins[4]);
    irq_pulse(&pins[0]);
    g_assert_false(pic.level[0]);
    g_assert_cmpstr(pic.edges->str, ==, "+4-4+0-0");

    /* Unconnected outputs are no-ops. */
    irq_set(NULL, true);
    irq_pulse(NULL);
    g_assert_false(irq_get_level(NULL));

    irq_array_free(pins);
    g_string_free(pic.edges, TRUE);
}

static void test_fanout(void)
{
    Pic a = { .edges = g_string_new(NULL) };
    Pic b = { .edges = g_string_new(NULL) };
    IRQLine pa, pb;
    IRQLine *outs[3];
    IRQLine *fan;

    irq_init(&pa, pic_set_irq, &a, 0);
    irq_init(&pb, pic_set_irq, &b, 2);
    outs[0] = &pa;
    outs[1] = NULL;
    outs[2] = &pb;
    fan = irq_fanout_new(outs, 3);
    irq_raise(fan);
    g_assert_true(a.level[0]);
    g_assert_true(b.level[2]);
    irq_lower(fan);
    g_assert_cmpstr(a.edges->str, ==, "+0-0");
    g_assert_cmpstr(b.edges->str, ==, "+2-2");
    irq_fanout_free(fan);
    g_string_free(a.edges, TRUE);
    g_string_free(b.edges, TRUE);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/hw/core/irq/lines", test_lines);
    g_test_add_func("/hw/core/irq/fanout", test_fanout);
    return g_test_run();
}
