/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Interrupt lines: level-triggered wires from a sender's output pin to a
 * receiver's input pin, with fan-out (include/hw/core/irq.h).  There is no
 * hardware here beyond the wire: the line remembers its level and calls the
 * receiver on every drive.
 */
#include <glib.h>

#include "hw/core/irq.h"

void irq_init(IRQLine *line, IRQHandler handler, void *opaque, int n)
{
    *line = (IRQLine){ .handler = handler, .opaque = opaque, .n = n };
}

IRQLine *irq_array_new(IRQHandler handler, void *opaque, int count)
{
    IRQLine *lines = g_new0(IRQLine, count);
    int i;

    for (i = 0; i < count; i++) {
        irq_init(&lines[i], handler, opaque, i);
    }
    return lines;
}

void irq_array_free(IRQLine *lines)
{
    g_free(lines);
}

static void irq_fanout_handler(void *opaque, int n, bool level)
{
    IRQLine *line = opaque;
    unsigned i;

    for (i = 0; i < line->nfanout; i++) {
        irq_set(line->fanout[i], level);
    }
}

IRQLine *irq_fanout_new(IRQLine *const *outs, unsigned n)
{
    IRQLine *line = g_new0(IRQLine, 1);
    unsigned i;

    irq_init(line, irq_fanout_handler, line, 0);
    line->fanout = g_new0(IRQLine *, n ? n : 1);
    for (i = 0; i < n; i++) {
        if (outs[i]) {
            line->fanout[line->nfanout++] = outs[i];
        }
    }
    return line;
}

void irq_fanout_free(IRQLine *line)
{
    if (line) {
        g_free(line->fanout);
        g_free(line);
    }
}

void irq_set(IRQLine *line, bool level)
{
    if (!line) {
        return;
    }
    line->level = level;
    if (line->handler) {
        line->handler(line->opaque, line->n, level);
    }
}

void irq_pulse(IRQLine *line)
{
    irq_set(line, true);
    irq_set(line, false);
}

bool irq_get_level(const IRQLine *line)
{
    return line && line->level;
}
