/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The machine lock: Plimsoll's equivalent of QEMU's big lock.
 *
 * THE RULE.  All device and machine state (registers, memory map, I/O
 * space, IRQ lines, device lists, runstate-driven reset) is read and
 * written only while holding the machine lock.  Concretely:
 *
 *   - vCPU threads run guest code WITHOUT the lock; system/cpus.c takes it
 *     around every CPUPlatform callback that reaches the machine
 *     (phys_map, phys_read, phys_write, io_read, io_write, intr_ack).
 *     Device callbacks (MemoryRegionOps, IRQ handlers) are therefore always
 *     called with the lock held and must NOT take it themselves.
 *   - The main loop takes the lock before touching device state from a
 *     timer, chardev handler, block completion, QMP command or UI event.
 *   - Never do host I/O, sleep, or wait for another thread (join, condvar
 *     wait on a vCPU) while holding it.  Hand host I/O to the block layer's
 *     workers and finish the device request in a completion that takes the
 *     lock again.
 *   - The lock is not recursive: taking it twice on one thread is a bug and
 *     asserts.  Lock order: machine lock before any subsystem lock (block
 *     node locks, event bus); never the other way round.
 */
#ifndef HW_CORE_LOCK_H
#define HW_CORE_LOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

/** machine_lock() - take the machine lock (asserts it is not held by the
 *  calling thread already). */
void machine_lock(void);
/** machine_unlock() - release it (asserts the caller holds it). */
void machine_unlock(void);
/** machine_lock_held() - whether the calling thread holds it, for
 *  assert()s in code that requires the lock. */
bool machine_lock_held(void);

/**
 * machine_lock_cond_wait() - wait on @cond, releasing the machine lock
 * while waiting and holding it again on return (the caller holds it).
 * For the vCPU threads and cpus_pause(); spurious wake-ups happen: wait in
 * a loop that re-checks the condition.  @timeout_us > 0 bounds the wait.
 */
void machine_lock_cond_wait(GCond *cond, int64_t timeout_us);

#endif /* HW_CORE_LOCK_H */
