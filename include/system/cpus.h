/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vCPU threads: one host thread per vCPU runs x86_cpu_run() in slices and
 * reaches the machine through a CPUPlatform whose callbacks take the
 * machine lock (include/hw/core/lock.h) around memory, port and INTA
 * accesses.  Built only when the CPU (target/i386) is in the tree; then
 * config-machine.h defines CONFIG_X86_CPU to 1.
 *
 * The runstate code (system/runstate.c) pauses and resumes the threads
 * with cpus_pause()/cpus_resume(); a machine's init creates the vCPUs
 * with cpus_create() and wires their interrupt inputs.
 */
#ifndef SYSTEM_CPUS_H
#define SYSTEM_CPUS_H

#include <stdbool.h>

#include "hw/core/machine.h"
#include "util/error.h"

/** cpus_available() - whether this build has a CPU. */
bool cpus_available(void);

/**
 * cpus_create() - create cfg->smp_cpus vCPUs of cfg->cpu_model (or the
 * class default) in @m->cpus, APIC IDs 0..n-1, connected to @m's memory
 * map, I/O space and @m->intr_ack.  Threads are created paused.
 * Fails with *errp for an unknown model or a build without a CPU
 * ("CPU emulation is not built yet").  Call with the machine lock held.
 */
bool cpus_create(Machine *m, Error **errp);

/** cpus_resume() - let every vCPU thread run (runstate "running"). */
void cpus_resume(void);

/**
 * cpus_pause() - stop every vCPU at an instruction boundary and return
 * once none runs guest code.  Call on the main thread WITH the machine
 * lock held: it is released while waiting (vCPUs blocked on it in a device
 * callback can finish), as QEMU's pause_all_vcpus does with its big lock.
 */
void cpus_pause(void);

/**
 * cpus_kick_all() - make every vCPU return to its loop soon and wake
 * halted ones.  Interrupt controllers call it (under the machine lock)
 * after raising a CPU's INTR line, so a vCPU halted in HLT wakes at once.
 * Any thread.
 */
void cpus_kick_all(void);

/**
 * cpus_current_index() - the index (in m->cpus[]) of the vCPU whose thread
 * is calling, or -1 on any other thread (main loop, QMP, tests).  Each
 * vCPU thread sets it once when it starts, so every CPUPlatform callback
 * (and so every device MMIO handler it reaches) can tell which vCPU made
 * the access: the local APIC shows each vCPU its own registers.
 */
int cpus_current_index(void);

/**
 * cpus_set_current_index() - set the calling thread's current vCPU index
 * (-1 for none).  The vCPU threads call it; tests call it to act as vCPU
 * @index when driving per-CPU devices.
 */
void cpus_set_current_index(int index);

/** cpus_destroy() - join the threads and free the vCPUs of @m (at exit).
 *  Call without the machine lock. */
void cpus_destroy(Machine *m);

#endif /* SYSTEM_CPUS_H */
