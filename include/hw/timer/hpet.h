/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The High Precision Event Timer (IA-PC HPET specification 1.0a) at
 * 0xfed00000: a 64-bit main counter at 100 MHz and three comparators.
 */
#ifndef HW_TIMER_HPET_H
#define HW_TIMER_HPET_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/core/device.h"
#include "hw/core/irq.h"
#include "hw/core/memory.h"

#define HPET_DEFAULT_ADDR 0xfed00000ULL
#define HPET_NUM_TIMERS   3
/* Main counter period in femtoseconds: 10 ns, 100 MHz. */
#define HPET_PERIOD_FS    10000000u
#define HPET_NS_PER_TICK  10
/* Tn_INT_ROUTE_CAP: IOAPIC pins 20-23 (unused by ISA devices). */
#define HPET_ROUTE_CAP    0x00f00000u

typedef struct Timer Timer;
typedef struct HPETState HPETState;

/**
 * struct HPETTimer - one comparator (spec §2.3.8-2.3.9).
 * @config: Tn_CONFIG (bits 63-32 are the route capability).
 * @cmp: Tn_COMPARATOR; @period: the periodic increment.
 * @level_out: the level driven on its current route.
 */
typedef struct HPETTimer {
    uint64_t config;
    uint64_t cmp;
    uint64_t period;
    bool level_out;
    /* host plumbing */
    HPETState *hpet;
    unsigned index;
    Timer *timer;
} HPETTimer;

/**
 * struct HPETState - the event timer block.
 * @config: GEN_CONF (ENABLE_CNF, LEG_RT_CNF).  @isr: GEN_INT_STATUS.
 * @counter: the main counter at @load_ns (it runs while enabled).
 * @irq: IOAPIC pins 0-23 (the machine connects those in HPET_ROUTE_CAP
 *       and the legacy ones: [0] = IRQ0 (pin 2 / PIC 0), [8] = IRQ8).
 * @legacy_changed: the machine's hook to disconnect the PIT and RTC
 *       interrupts while LEG_RT_CNF is set; may be NULL.
 */
struct HPETState {
    Device parent;
    /* guest-visible state */
    uint64_t config;
    uint64_t isr;
    uint64_t counter;
    int64_t load_ns;
    HPETTimer t[HPET_NUM_TIMERS];
    /* host plumbing */
    IRQLine *irq[24];
    void (*legacy_changed)(void *opaque, bool legacy);
    void *legacy_opaque;
    MemoryRegion mmio;
};

extern const DeviceClass hpet_class;

static inline HPETState *hpet_from_dev(Device *dev)
{
    return container_of(dev, HPETState, parent);
}

/** hpet_counter() - the main counter at virtual time @now. */
uint64_t hpet_counter(const HPETState *s, int64_t now);

#endif /* HW_TIMER_HPET_H */
