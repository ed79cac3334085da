/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Interrupt lines between devices: level-triggered wires.
 *
 * The RECEIVER owns the line: an interrupt controller (i8259, IOAPIC) makes
 * one IRQLine per input pin with its handler; a SENDER (UART, PIT) keeps a
 * pointer "IRQLine *irq" that the machine connects to a receiver's pin.
 * The sender calls irq_set()/irq_raise()/irq_lower()/irq_pulse(); a NULL
 * pointer is an unconnected pin and every call on it is a no-op.
 *
 * Handlers are called synchronously, on the caller's thread, under the
 * machine lock, with every level change and also with repeated levels
 * (handlers must be idempotent).  A line remembers its last level so the
 * machine can re-sync after reset (DeviceClass.sync_irqs) and tests can
 * assert it.  A fan-out line forwards to several receivers (the PIT's
 * output goes to both the i8259 pin 0 and the IOAPIC pin 2).
 */
#ifndef HW_CORE_IRQ_H
#define HW_CORE_IRQ_H

#include <stdbool.h>

/** IRQHandler - a receiver pin changed: @n is the pin index given at
 *  init, @level the new level. */
typedef void (*IRQHandler)(void *opaque, int n, bool level);

/**
 * struct IRQLine - one wire.  Members are private to hw/core/irq.c.
 */
typedef struct IRQLine {
    IRQHandler handler;
    void *opaque;
    int n;
    bool level;
    struct IRQLine **fanout;
    unsigned nfanout;
} IRQLine;

/** irq_init() - a receiver pin embedded in the receiver's state. */
void irq_init(IRQLine *line, IRQHandler handler, void *opaque, int n);

/**
 * irq_array_new() - @count receiver pins 0..@count-1 with one handler;
 * free with irq_array_free().
 */
IRQLine *irq_array_new(IRQHandler handler, void *opaque, int count);
void irq_array_free(IRQLine *lines);

/**
 * irq_fanout_new() - a line that forwards every level to each of the
 * @n lines in @outs (copied; NULL entries skipped).  Free with
 * irq_fanout_free().
 */
IRQLine *irq_fanout_new(IRQLine *const *outs, unsigned n);
void irq_fanout_free(IRQLine *line);

/** irq_set() - drive @line to @level (NULL: no-op). */
void irq_set(IRQLine *line, bool level);
static inline void irq_raise(IRQLine *line)
{
    irq_set(line, true);
}
static inline void irq_lower(IRQLine *line)
{
    irq_set(line, false);
}
/** irq_pulse() - raise then lower: an edge for edge-triggered inputs. */
void irq_pulse(IRQLine *line);
/** irq_get_level() - the last level driven (false for NULL). */
bool irq_get_level(const IRQLine *line);

#endif /* HW_CORE_IRQ_H */
