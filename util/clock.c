/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The realtime, virtual and host clocks; see include/util/clock.h.
 *
 * The virtual clock is "base time + offset" while running and a frozen
 * value while stopped.  The base is the host monotonic clock, or the
 * deterministic counter when one is installed.  Stopping records the
 * current virtual time; starting recomputes the offset so time continues
 * from exactly that value.  One mutex guards the state: readers are
 * frequent but short, and a pause must be atomic with respect to them.
 * (A sequence lock is not enough: a reader can sample the host clock after
 * the pausing thread did and still pass its check, so time would step
 * back when the frozen value is read.  The mutex costs ~10 ns here against
 * ~60 ns for clock_gettime() itself; test-main-loop checks monotonicity.)
 */
#include "util/clock.h"

#include <time.h>
#include <glib.h>

#include "util/main-loop.h"
#include "util/util-internal.h"

/* Wall time of the fake source at fake monotonic time 0: 2020-01-01. */
#define FAKE_EPOCH_NS (1577836800LL * NANOSECONDS_PER_SECOND)

static int64_t host_monotonic_ns(void *opaque)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * NANOSECONDS_PER_SECOND + ts.tv_nsec;
}

static int64_t host_wall_ns(void *opaque)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return ts.tv_sec * NANOSECONDS_PER_SECOND + ts.tv_nsec;
}

static const ClockSource host_source = {
    .monotonic_ns = host_monotonic_ns,
    .wall_ns = host_wall_ns,
};

static GMutex clock_lock;
static ClockSource source = {
    .monotonic_ns = host_monotonic_ns,
    .wall_ns = host_wall_ns,
};
static int64_t (*vcounter)(void *opaque);
static void *vcounter_opaque;
static bool vclock_initialised;
static bool vclock_stopped;
static int64_t vclock_offset;   /* virtual = base + offset while running */
static int64_t vclock_frozen;   /* virtual time while stopped */

static int64_t fake_now_ns;      /* accessed with __atomic builtins */

/* The virtual clock's time base; clock_lock held. */
static int64_t vclock_base_locked(void)
{
    if (vcounter) {
        return vcounter(vcounter_opaque);
    }
    return source.monotonic_ns(source.opaque);
}

static int64_t vclock_now_locked(void)
{
    if (!vclock_initialised) {
        vclock_offset = -vclock_base_locked();
        vclock_frozen = 0;
        vclock_initialised = true;
    }
    if (vclock_stopped) {
        return vclock_frozen;
    }
    return vclock_base_locked() + vclock_offset;
}

int64_t clock_get_ns(ClockType type)
{
    int64_t now;

    g_mutex_lock(&clock_lock);
    switch (type) {
    case CLOCK_TYPE_VIRTUAL:
        now = vclock_now_locked();
        break;
    case CLOCK_TYPE_HOST:
        now = source.wall_ns(source.opaque);
        break;
    case CLOCK_TYPE_REALTIME:
    default:
        now = source.monotonic_ns(source.opaque);
        break;
    }
    g_mutex_unlock(&clock_lock);
    return now;
}

int64_t clock_get_ms(ClockType type)
{
    return clock_get_ns(type) / 1000000;
}

void virtual_clock_stop(void)
{
    g_mutex_lock(&clock_lock);
    if (!vclock_stopped) {
        vclock_frozen = vclock_now_locked();
        vclock_stopped = true;
    }
    g_mutex_unlock(&clock_lock);
}

void virtual_clock_start(void)
{
    bool changed = false;

    g_mutex_lock(&clock_lock);
    if (vclock_stopped) {
        vclock_offset = vclock_frozen - vclock_base_locked();
        vclock_stopped = false;
        changed = true;
    }
    g_mutex_unlock(&clock_lock);
    if (changed) {
        /* Virtual timers may now be due: let the loop recompute. */
        main_loop_kick();
    }
}

bool virtual_clock_is_running(void)
{
    bool running;

    g_mutex_lock(&clock_lock);
    running = !vclock_stopped;
    g_mutex_unlock(&clock_lock);
    return running;
}

bool clock_source_is_host(void)
{
    bool host;

    g_mutex_lock(&clock_lock);
    host = source.monotonic_ns == host_monotonic_ns && !vcounter;
    g_mutex_unlock(&clock_lock);
    return host;
}

void clock_set_source(const ClockSource *src)
{
    g_mutex_lock(&clock_lock);
    source = src ? *src : host_source;
    vclock_initialised = false;
    vclock_now_locked();
    g_mutex_unlock(&clock_lock);
    main_loop_kick();
}

void clock_set_virtual_counter(int64_t (*counter_ns)(void *opaque),
                               void *opaque)
{
    g_mutex_lock(&clock_lock);
    /* Keep virtual time continuous across the change of base. */
    int64_t now = vclock_now_locked();

    vcounter = counter_ns;
    vcounter_opaque = opaque;
    vclock_offset = now - vclock_base_locked();
    vclock_frozen = now;
    g_mutex_unlock(&clock_lock);
    main_loop_kick();
}

static int64_t fake_monotonic_ns(void *opaque)
{
    return __atomic_load_n(&fake_now_ns, __ATOMIC_SEQ_CST);
}

static int64_t fake_wall_ns(void *opaque)
{
    return FAKE_EPOCH_NS + fake_monotonic_ns(opaque);
}

static const ClockSource fake_source = {
    .monotonic_ns = fake_monotonic_ns,
    .wall_ns = fake_wall_ns,
};

const ClockSource *clock_fake_source(void)
{
    return &fake_source;
}

void clock_fake_set_ns(int64_t ns)
{
    __atomic_store_n(&fake_now_ns, ns, __ATOMIC_SEQ_CST);
    main_loop_kick();
}

void clock_fake_advance_ns(int64_t delta)
{
    __atomic_add_fetch(&fake_now_ns, delta, __ATOMIC_SEQ_CST);
    main_loop_kick();
}
