/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The machine lock (include/hw/core/lock.h): one mutex for all device and
 * machine state, with per-thread ownership tracking so that misuse
 * (recursion, unlocking a lock not held) asserts instead of deadlocking.
 */
#include <assert.h>
#include <glib.h>

#include "hw/core/lock.h"

static GMutex machine_mutex;
static __thread bool machine_lock_owned;

void machine_lock(void)
{
    /* Taking it twice on one thread would deadlock: a caller bug. */
    assert(!machine_lock_owned);
    g_mutex_lock(&machine_mutex);
    machine_lock_owned = true;
}

void machine_unlock(void)
{
    assert(machine_lock_owned);
    machine_lock_owned = false;
    g_mutex_unlock(&machine_mutex);
}

bool machine_lock_held(void)
{
    return machine_lock_owned;
}

void machine_lock_cond_wait(GCond *cond, int64_t timeout_us)
{
    assert(machine_lock_owned);
    machine_lock_owned = false;
    if (timeout_us > 0) {
        g_cond_wait_until(cond, &machine_mutex,
                          g_get_monotonic_time() + timeout_us);
    } else {
        g_cond_wait(cond, &machine_mutex);
    }
    machine_lock_owned = true;
}
