/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Motorola MC146818 real-time clock and its 128 bytes of CMOS RAM at ports
 * 0x70 (index, bit 7 = NMI disable) and 0x71 (data), interrupting on IRQ 8.
 */
#ifndef HW_TIMER_MC146818_H
#define HW_TIMER_MC146818_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/core/device.h"
#include "hw/core/irq.h"
#include "hw/core/memory.h"

typedef struct Timer Timer;

/* Register indexes of the MC146818 datasheet. */
enum {
    RTC_SECONDS = 0x00,
    RTC_SECONDS_ALARM = 0x01,
    RTC_MINUTES = 0x02,
    RTC_MINUTES_ALARM = 0x03,
    RTC_HOURS = 0x04,
    RTC_HOURS_ALARM = 0x05,
    RTC_DAY_OF_WEEK = 0x06,
    RTC_DAY_OF_MONTH = 0x07,
    RTC_MONTH = 0x08,
    RTC_YEAR = 0x09,
    RTC_REG_A = 0x0a,
    RTC_REG_B = 0x0b,
    RTC_REG_C = 0x0c,
    RTC_REG_D = 0x0d,
    RTC_CENTURY = 0x32,   /* IBM PC convention, as ACPI FADT names it */
};

/**
 * struct MC146818State - the RTC.
 * @base_year: the year the two-digit year counts from (2000 by default;
 *             the century byte 0x32 carries the rest).
 * @cmos: the 128 bytes; time registers are computed on read.
 * @index: the selected register (port 0x70 bits 6-0).
 * @offset_ns: guest wall time minus host-derived wall time, set when the
 *             guest writes the clock.
 * @host_base_ns: wall-clock ns at virtual time 0 (from CLOCK_TYPE_HOST).
 * @last_pf_ns, @last_update_s: for flags computed lazily when their
 *             interrupts are disabled.
 */
typedef struct MC146818State {
    Device parent;
    /* properties */
    uint32_t base_year;
    /* guest-visible state */
    uint8_t cmos[128];
    uint8_t index;
    int64_t offset_ns;
    int64_t last_pf_ns;
    int64_t last_update_s;
    /* host plumbing */
    int64_t host_base_ns;
    IRQLine *irq;
    Timer *periodic_timer;
    Timer *second_timer;
    MemoryRegion io;
} MC146818State;

extern const DeviceClass mc146818_class;

/** rtc_set_cmos() - the machine fills CMOS bytes (memory size, boot
 *  order, equipment) before the firmware runs. */
void rtc_set_cmos(MC146818State *s, int index, uint8_t val);
/** rtc_get_cmos() - for tests. */
uint8_t rtc_get_cmos(MC146818State *s, int index);

#endif /* HW_TIMER_MC146818_H */
