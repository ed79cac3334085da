/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Seams between the files of util/ that no other directory may use.
 */
#ifndef UTIL_UTIL_INTERNAL_H
#define UTIL_UTIL_INTERNAL_H

#include <stdbool.h>

/* util/timer.c: attach the timer GSource to the default context; called
 * once by main_loop_init(). */
void timer_source_attach(void);

/* util/clock.c: whether host time comes from the host's CLOCK_MONOTONIC
 * (not a fake source), so a timerfd can wait for a deadline. */
bool clock_source_is_host(void);

#endif /* UTIL_UTIL_INTERNAL_H */
