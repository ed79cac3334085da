/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VM's run state, as QMP's query-status reports it, and its allowed
 * transitions.  Changing state notifies hooks in registration order; QMP's
 * STOP/RESUME/RESET/SHUTDOWN/POWERDOWN events and the UI hang off them.
 */
#ifndef SYSTEM_RUNSTATE_H
#define SYSTEM_RUNSTATE_H

#include <stdbool.h>

#include "util/error.h"

/* The QAPI RunState values Plimsoll uses, with QEMU's spellings. */
typedef enum RunState {
    RUN_STATE_PRELAUNCH = 0,   /* "prelaunch": -S, before the first cont */
    RUN_STATE_RUNNING,         /* "running" */
    RUN_STATE_PAUSED,          /* "paused": stop command or -S after cont */
    RUN_STATE_IO_ERROR,        /* "io-error": a disk error policy stopped it */
    RUN_STATE_SHUTDOWN,        /* "shutdown": guest powered off, -no-shutdown */
    RUN_STATE_INTERNAL_ERROR,  /* "internal-error": emulation failed */
    RUN_STATE_GUEST_PANICKED,  /* "guest-panicked" */
    RUN_STATE_DEBUG,           /* "debug": stopped by the gdbstub */
    RUN_STATE__MAX,
} RunState;

/** Why the VM stops, shuts down or resets (QEMU's ShutdownCause subset). */
typedef enum ShutdownCause {
    SHUTDOWN_CAUSE_NONE = 0,
    SHUTDOWN_CAUSE_HOST_QMP_QUIT,
    SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET,
    SHUTDOWN_CAUSE_HOST_SIGNAL,
    SHUTDOWN_CAUSE_HOST_UI,
    SHUTDOWN_CAUSE_GUEST_SHUTDOWN,
    SHUTDOWN_CAUSE_GUEST_RESET,
    SHUTDOWN_CAUSE_SUBSYSTEM_RESET,
    SHUTDOWN_CAUSE__MAX,
} ShutdownCause;

/** runstate_name() - QEMU's spelling ("running", "io-error", ...). */
const char *runstate_name(RunState state);
/** shutdown_cause_name() - QEMU's spelling ("guest-shutdown", ...). */
const char *shutdown_cause_name(ShutdownCause cause);

RunState runstate_get(void);
bool runstate_is_running(void);
/** runstate_check() - whether the current state is @state. */
bool runstate_check(RunState state);
/** runstate_needs_reset() - internal-error, shutdown or guest-panicked:
 *  "cont" is refused until a system reset. */
bool runstate_needs_reset(void);

/**
 * runstate_init() - start-up: the calling thread becomes the main thread
 * (where requests and state changes are carried out); the VM starts in
 * prelaunch with the virtual clock stopped.  @no_shutdown and @no_reboot
 * are -no-shutdown and -no-reboot.
 */
void runstate_init(bool no_shutdown, bool no_reboot);

/**
 * runstate_exit_requested() - a shutdown that ends the process was
 * carried out (main_loop_run() returned because of it); its cause.
 */
bool runstate_exit_requested(ShutdownCause *cause);

/**
 * runstate_set() - move to @new_state.  A transition QEMU does not allow
 * (see the table in system/runstate.c) is a bug in the caller: it is
 * reported and refused (returns false).
 */
bool runstate_set(RunState new_state);

/**
 * vm_stop() - stop the vCPUs and the virtual clock and enter @state
 * (paused, io-error, shutdown, debug); raises STOP once.  Safe from any
 * thread: on the main thread (with the machine lock held, as the main
 * loop holds it) the VM is stopped when vm_stop returns; from another
 * thread (a vCPU) the work is posted to the main loop and vm_stop returns
 * at once.  Stopping a VM that is not running changes nothing.
 */
void vm_stop(RunState state);

/**
 * vm_start() - resume from a stopped state (QMP "cont"); raises RESUME.
 * On the main thread (machine lock held, as the main loop has it) the VM
 * runs when it returns; from another thread the start is posted to the
 * main loop, vm_start returns true, and a refusal is only logged.
 * Fails with *errp as QEMU does, e.g. in shutdown state without
 * -no-shutdown handling ("Resetting the Virtual Machine is required").
 */
bool vm_start(Error **errp);

/** Requests honoured by the main loop (any thread may call them). */
void system_reset_request(ShutdownCause cause);
void system_shutdown_request(ShutdownCause cause);
void system_powerdown_request(void);

/**
 * RunStateHook - called on the main loop after every state change, and for
 * reset/shutdown/powerdown requests as they are carried out.
 *
 * runstate itself raises no QMP events: the QMP layer registers a hook and
 * sends, as QEMU does: STOP on a STATE notice from "running" to any other
 * state; RESUME on a STATE notice to "running"; RESET, SHUTDOWN and
 * POWERDOWN on those notices (with "guest" true for the GUEST_* causes and
 * "reason" = shutdown_cause_name()).  Order for a guest power-off with
 * -no-shutdown: SHUTDOWN, then STATE running -> shutdown (STOP).
 */
typedef enum RunStateNotice {
    RUNSTATE_NOTICE_STATE,      /* state changed: old -> new */
    RUNSTATE_NOTICE_RESET,      /* the machine was reset (@cause) */
    RUNSTATE_NOTICE_SHUTDOWN,   /* the VM is shutting down (@cause) */
    RUNSTATE_NOTICE_POWERDOWN,  /* a powerdown was requested (ACPI button) */
} RunStateNotice;

typedef void (*RunStateHook)(RunStateNotice notice, RunState old_state,
                             RunState new_state, ShutdownCause cause,
                             void *opaque);
void runstate_add_hook(RunStateHook fn, void *opaque);
void runstate_remove_hook(RunStateHook fn, void *opaque);

#endif /* SYSTEM_RUNSTATE_H */
