/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Timers on the clocks of util/clock.h, fired on the main loop.
 *
 * A timer is armed with an absolute expiry time on its clock
 * (timer_mod(t, clock_get_ns(CLOCK_TYPE_VIRTUAL) + 10 * 1000000)) and
 * fires once; its callback may re-arm it.  Virtual-clock timers do not
 * fire while the virtual clock is stopped and fire at their virtual time
 * after it restarts.  A timer whose time has already passed fires on the
 * next main loop iteration.
 *
 * timer_mod(), timer_del() and timer_pending() are safe from any thread
 * (a vCPU thread arming a device timer wakes the main loop).  Callbacks
 * run on the main loop thread, in expiry order.
 */
#ifndef UTIL_TIMER_H
#define UTIL_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#include "util/clock.h"

typedef struct Timer Timer;
typedef void TimerFunc(void *opaque);

/**
 * timer_new() - a new, unarmed timer on clock @type calling @cb(@opaque).
 * Free it with timer_free().
 */
Timer *timer_new(ClockType type, TimerFunc *cb, void *opaque);

/**
 * timer_mod() - (re)arm @t to fire when its clock reaches @expire_ns.
 */
void timer_mod(Timer *t, int64_t expire_ns);

/** timer_mod_in_ns() - arm @t to fire @delta_ns from now on its clock. */
void timer_mod_in_ns(Timer *t, int64_t delta_ns);

/** timer_del() - disarm @t (no-op when not armed). */
void timer_del(Timer *t);

/** timer_pending() - whether @t is armed. */
bool timer_pending(Timer *t);

/** timer_expire_time_ns() - @t's expiry time, or -1 when not armed. */
int64_t timer_expire_time_ns(Timer *t);

/**
 * timer_free() - disarm and free @t (NULL is ignored).  Call it on the
 * main loop thread, or when no other thread can touch @t.
 */
void timer_free(Timer *t);

/**
 * timers_deadline_ns() - ns until the earliest timer on @type is due: 0 if
 * one is already due, -1 if none is armed (or @type is the virtual clock
 * and it is stopped).
 */
int64_t timers_deadline_ns(ClockType type);

/**
 * timers_run_expired() - run the callbacks of every timer on @type that is
 * due now; returns whether any ran.  The main loop calls it; a
 * deterministic time base (clock_set_virtual_counter()) calls it after
 * advancing time.  Main loop thread only.
 */
bool timers_run_expired(ClockType type);

#endif /* UTIL_TIMER_H */
