/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The emulator's clocks (ARCHITECTURE.md "Threads, locks, clocks").
 *
 * - CLOCK_TYPE_REALTIME: host monotonic time; drives the UI, QMP
 *   housekeeping, chardev reconnects and log rate limits.  Never stops.
 * - CLOCK_TYPE_VIRTUAL: guest time; stops while the VM is paused, so a
 *   guest timer armed for 10 ms fires 10 ms of *running* time later however
 *   long the VM sat paused.  Devices read only this clock.
 * - CLOCK_TYPE_HOST: host wall-clock time (nanoseconds since the epoch),
 *   for the RTC's initial date and event timestamps.
 *
 * All host time comes from one injectable source (STYLE.md principle 6):
 * tests install a fake source with clock_set_source() and step it.  A
 * deterministic mode (instruction counting, the test accelerator) replaces
 * the virtual clock's time base with clock_set_virtual_counter().
 *
 * Every function here is safe to call from any thread.
 */
#ifndef UTIL_CLOCK_H
#define UTIL_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Named CLOCK_TYPE_* because <time.h> already owns CLOCK_REALTIME.
 */
typedef enum ClockType {
    CLOCK_TYPE_REALTIME = 0,
    CLOCK_TYPE_VIRTUAL,
    CLOCK_TYPE_HOST,
    CLOCK_TYPE__MAX,
} ClockType;

#define NANOSECONDS_PER_SECOND 1000000000LL

/**
 * struct ClockSource - where host time comes from.
 * @monotonic_ns: host monotonic time in ns (never goes backwards).
 * @wall_ns: host wall-clock time in ns since the epoch.
 * @opaque: passed to both.
 */
typedef struct ClockSource {
    int64_t (*monotonic_ns)(void *opaque);
    int64_t (*wall_ns)(void *opaque);
    void *opaque;
} ClockSource;

/**
 * clock_get_ns() - current time of clock @type, in nanoseconds.
 *
 * The virtual clock starts at 0 when the program starts (or when a source
 * is installed) and does not advance while stopped.
 */
int64_t clock_get_ns(ClockType type);

/** clock_get_ms() - clock_get_ns() / 1000000, for coarse users. */
int64_t clock_get_ms(ClockType type);

/**
 * virtual_clock_stop() - freeze the virtual clock (the VM pauses).
 * Idempotent.  Virtual timers do not fire while it is stopped.
 */
void virtual_clock_stop(void);

/**
 * virtual_clock_start() - let the virtual clock run again from the value
 * it had when it stopped.  Idempotent.  Wakes the main loop so virtual
 * timers are rescheduled.
 */
void virtual_clock_start(void);

/** virtual_clock_is_running() - whether the virtual clock advances. */
bool virtual_clock_is_running(void);

/**
 * clock_set_source() - take host time from @src (copied) instead of the
 * host's clocks; NULL restores the host.  The virtual clock is reset to 0
 * and keeps its running/stopped state.  For tests: call it before any
 * timer is armed.
 */
void clock_set_source(const ClockSource *src);

/**
 * clock_set_virtual_counter() - deterministic mode: while running, the
 * virtual clock reads @counter_ns(@opaque) (e.g. executed instructions
 * scaled to ns, or the test accelerator's stepped time) instead of
 * following host time.  @counter_ns must not go backwards.  NULL returns
 * to host time, continuing from the current virtual time.  The owner of
 * the counter runs due timers with timers_run_expired().
 */
void clock_set_virtual_counter(int64_t (*counter_ns)(void *opaque),
                               void *opaque);

/**
 * clock_fake_source() - a ready-made fake source for tests: both clocks
 * read the value last given to clock_fake_set_ns() (the wall clock adds
 * a fixed 2020-01-01 epoch).  Install it with clock_set_source().
 */
const ClockSource *clock_fake_source(void);

/** clock_fake_set_ns() - set the fake source's monotonic time. */
void clock_fake_set_ns(int64_t ns);

/** clock_fake_advance_ns() - add @delta to the fake source's time. */
void clock_fake_advance_ns(int64_t delta);

#endif /* UTIL_CLOCK_H */
