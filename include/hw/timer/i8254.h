/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Intel 8254 programmable interval timer at ports 0x40-0x43.
 */
#ifndef HW_TIMER_I8254_H
#define HW_TIMER_I8254_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/core/device.h"
#include "hw/core/irq.h"
#include "hw/core/memory.h"

/** The PIT's input clock: 1.193182 MHz (14.31818 MHz / 12). */
#define PIT_FREQ_HZ 1193182

typedef struct Timer Timer;

/**
 * struct PITChannel - one counter.
 * @count: the initial count N as programmed (1..0x10000; 0 means 0x10000,
 *         or 10000 in BCD).
 * @load_ns: virtual time the count was loaded (or the gate triggered).
 * @latched_count, @count_latched: counter latch command (2 bytes to read).
 * @status, @status_latched: read-back status latch.
 * @rw_mode: 1 LSB, 2 MSB, 3 LSB then MSB.
 * @read_msb_next, @write_msb_next: the byte flip-flops.
 * @write_lsb: the low byte written so far in rw_mode 3.
 * @mode: 0-5.  @bcd: count in BCD.
 * @gate: the GATE input (channels 0 and 1 tied high on a PC).
 * @null_count: a new count was written but not yet loaded.
 * @armed: counting (mode 1/5 after a trigger; others after a write).
 * @frozen_count, @frozen: gate low in modes 0/4 holds the count.
 * @irq_out: last level driven on @irq.
 * @irq_ticks: the tick up to which channel 0's OUT was last evaluated.
 */
typedef struct PITChannel {
    uint32_t count;
    int64_t load_ns;
    uint16_t latched_count;
    uint8_t count_latched;
    uint8_t status;
    bool status_latched;
    uint8_t rw_mode;
    bool read_msb_next;
    bool write_msb_next;
    uint8_t write_lsb;
    uint8_t mode;
    bool bcd;
    bool gate;
    bool null_count;
    bool armed;
    uint32_t frozen_count;
    bool frozen;
    bool irq_out;
    uint64_t irq_ticks;
} PITChannel;

typedef struct I8254State {
    Device parent;
    /* properties */
    uint32_t iobase;
    /* guest-visible state */
    PITChannel ch[3];
    /* host plumbing */
    IRQLine *irq;          /* channel 0 OUT: IRQ 0 */
    Timer *timer;          /* next channel 0 OUT transition */
    MemoryRegion io;
} I8254State;

extern const DeviceClass i8254_class;

/** i8254_set_gate() - drive GATE of channel @ch (port 0x61 bit 0 for
 *  channel 2). */
void i8254_set_gate(I8254State *s, int ch, bool level);
/** i8254_get_out() - OUT of channel @ch now (port 0x61 bit 5). */
bool i8254_get_out(I8254State *s, int ch);

#endif /* HW_TIMER_I8254_H */
