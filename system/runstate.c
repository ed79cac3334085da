/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VM's run state (include/system/runstate.h): QEMU's RunState values
 * and the transitions QEMU allows between them (QEMU's runstate table,
 * restricted to the states Plimsoll has), stop/start of the vCPUs and the
 * virtual clock, and the reset/shutdown/powerdown requests that devices,
 * signals and QMP raise from any thread and the main loop carries out.
 *
 * Rules as in QEMU: stopping a VM that is not running changes nothing;
 * "cont" is refused in internal-error, shutdown and guest-panicked until a
 * reset; a reset of a VM that is not running leaves it in prelaunch; with
 * -no-reboot any reset request (except a subsystem reset) becomes a
 * shutdown; with -no-shutdown a guest power-off pauses in "shutdown"
 * instead of exiting, while quit and signals always exit.
 */
#include <glib.h>

#include "hw/core/lock.h"
#include "hw/core/machine.h"
#include "system/cpus.h"
#include "system/runstate.h"
#include "util/clock.h"
#include "util/main-loop.h"

static const char *const runstate_names[RUN_STATE__MAX] = {
    [RUN_STATE_PRELAUNCH] = "prelaunch",
    [RUN_STATE_RUNNING] = "running",
    [RUN_STATE_PAUSED] = "paused",
    [RUN_STATE_IO_ERROR] = "io-error",
    [RUN_STATE_SHUTDOWN] = "shutdown",
    [RUN_STATE_INTERNAL_ERROR] = "internal-error",
    [RUN_STATE_GUEST_PANICKED] = "guest-panicked",
    [RUN_STATE_DEBUG] = "debug",
};

static const char *const shutdown_cause_names[SHUTDOWN_CAUSE__MAX] = {
    [SHUTDOWN_CAUSE_NONE] = "none",
    [SHUTDOWN_CAUSE_HOST_QMP_QUIT] = "host-qmp-quit",
    [SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET] = "host-qmp-system-reset",
    [SHUTDOWN_CAUSE_HOST_SIGNAL] = "host-signal",
    [SHUTDOWN_CAUSE_HOST_UI] = "host-ui",
    [SHUTDOWN_CAUSE_GUEST_SHUTDOWN] = "guest-shutdown",
    [SHUTDOWN_CAUSE_GUEST_RESET] = "guest-reset",
    [SHUTDOWN_CAUSE_SUBSYSTEM_RESET] = "subsystem-reset",
};

#define RS(s) (1u << (s))

/* allowed[from] = set of states "from" may move to (QEMU's table). */
static const unsigned runstate_allowed[RUN_STATE__MAX] = {
    [RUN_STATE_PRELAUNCH] = RS(RUN_STATE_RUNNING),
    [RUN_STATE_RUNNING] = RS(RUN_STATE_PAUSED) | RS(RUN_STATE_IO_ERROR) |
                          RS(RUN_STATE_SHUTDOWN) |
                          RS(RUN_STATE_INTERNAL_ERROR) |
                          RS(RUN_STATE_GUEST_PANICKED) | RS(RUN_STATE_DEBUG),
    [RUN_STATE_PAUSED] = RS(RUN_STATE_RUNNING) | RS(RUN_STATE_PRELAUNCH),
    [RUN_STATE_IO_ERROR] = RS(RUN_STATE_RUNNING) | RS(RUN_STATE_PRELAUNCH),
    [RUN_STATE_SHUTDOWN] = RS(RUN_STATE_PAUSED) | RS(RUN_STATE_PRELAUNCH),
    [RUN_STATE_INTERNAL_ERROR] = RS(RUN_STATE_PAUSED) |
                                 RS(RUN_STATE_PRELAUNCH),
    [RUN_STATE_GUEST_PANICKED] = RS(RUN_STATE_RUNNING) |
                                 RS(RUN_STATE_PRELAUNCH),
    [RUN_STATE_DEBUG] = RS(RUN_STATE_RUNNING) | RS(RUN_STATE_PRELAUNCH),
};

typedef struct RunStateHookEntry {
    RunStateHook fn;
    void *opaque;
} RunStateHookEntry;

static RunState current_state = RUN_STATE_PRELAUNCH;
static GArray *hooks;
static GThread *main_thread;
static bool opt_no_shutdown, opt_no_reboot;
static bool exit_requested;
static ShutdownCause exit_cause;

const char *runstate_name(RunState state)
{
    return state < RUN_STATE__MAX ? runstate_names[state] : "?";
}

const char *shutdown_cause_name(ShutdownCause cause)
{
    return cause < SHUTDOWN_CAUSE__MAX ? shutdown_cause_names[cause] : "?";
}

RunState runstate_get(void)
{
    return current_state;
}

bool runstate_is_running(void)
{
    return current_state == RUN_STATE_RUNNING;
}

bool runstate_check(RunState state)
{
    return current_state == state;
}

bool runstate_needs_reset(void)
{
    return current_state == RUN_STATE_INTERNAL_ERROR ||
           current_state == RUN_STATE_SHUTDOWN ||
           current_state == RUN_STATE_GUEST_PANICKED;
}

void runstate_init(bool no_shutdown, bool no_reboot)
{
    main_thread = g_thread_self();
    opt_no_shutdown = no_shutdown;
    opt_no_reboot = no_reboot;
    current_state = RUN_STATE_PRELAUNCH;
    exit_requested = false;
    exit_cause = SHUTDOWN_CAUSE_NONE;
    virtual_clock_stop();
}

bool runstate_exit_requested(ShutdownCause *cause)
{
    if (exit_requested && cause) {
        *cause = exit_cause;
    }
    return exit_requested;
}

static bool runstate_on_main_thread(void)
{
    return !main_thread || g_thread_self() == main_thread;
}

static void runstate_notify(RunStateNotice notice, RunState old_state,
                            RunState new_state, ShutdownCause cause)
{
    guint i;

    for (i = 0; hooks && i < hooks->len; i++) {
        RunStateHookEntry *e = &g_array_index(hooks, RunStateHookEntry, i);

        e->fn(notice, old_state, new_state, cause, e->opaque);
    }
}

void runstate_add_hook(RunStateHook fn, void *opaque)
{
    RunStateHookEntry e = { fn, opaque };

    if (!hooks) {
        hooks = g_array_new(FALSE, FALSE, sizeof(RunStateHookEntry));
    }
    g_array_append_val(hooks, e);
}

void runstate_remove_hook(RunStateHook fn, void *opaque)
{
    guint i;

    for (i = 0; hooks && i < hooks->len; i++) {
        RunStateHookEntry *e = &g_array_index(hooks, RunStateHookEntry, i);

        if (e->fn == fn && e->opaque == opaque) {
            g_array_remove_index(hooks, i);
            return;
        }
    }
}

bool runstate_set(RunState new_state)
{
    RunState old = current_state;

    if (new_state >= RUN_STATE__MAX) {
        error_report("invalid runstate %d", (int)new_state);
        return false;
    }
    if (new_state == old) {
        return true;
    }
    if (!(runstate_allowed[old] & RS(new_state))) {
        error_report("invalid runstate transition: '%s' -> '%s'",
                     runstate_name(old), runstate_name(new_state));
        return false;
    }
    current_state = new_state;
    runstate_notify(RUNSTATE_NOTICE_STATE, old, new_state,
                    SHUTDOWN_CAUSE_NONE);
    return true;
}

/* Main thread: stop the vCPUs and the clock, then change state. */
static void runstate_do_stop(RunState state)
{
    if (!runstate_is_running()) {
        return;
    }
    cpus_pause();
    virtual_clock_stop();
    runstate_set(state);
}

static void runstate_stop_cb(void *opaque)
{
    runstate_do_stop((RunState)GPOINTER_TO_INT(opaque));
}

void vm_stop(RunState state)
{
    if (runstate_on_main_thread()) {
        runstate_do_stop(state);
        return;
    }
    main_loop_call(runstate_stop_cb, GINT_TO_POINTER(state));
}

static void runstate_start_cb(void *opaque)
{
    Error *err = NULL;

    if (!vm_start(&err)) {
        warn_report_err(err);
    }
}

bool vm_start(Error **errp)
{
    if (!runstate_on_main_thread()) {
        main_loop_call(runstate_start_cb, NULL);
        return true;
    }
    if (runstate_needs_reset()) {
        error_setg(errp, "Resetting the Virtual Machine is required");
        return false;
    }
    if (runstate_is_running()) {
        return true;
    }
    if (!(runstate_allowed[current_state] & RS(RUN_STATE_RUNNING))) {
        error_setg(errp, "Cannot resume from state '%s'",
                   runstate_name(current_state));
        return false;
    }
    virtual_clock_start();
    runstate_set(RUN_STATE_RUNNING);
    cpus_resume();
    return true;
}

/*
 * Pending requests: 0 = none, else cause + 1.  Any thread sets them; the
 * main loop consumes them in runstate_process_requests().
 */
static gint pending_shutdown, pending_reset, pending_powerdown;

static int runstate_take(gint *flag)
{
    int v;

    do {
        v = g_atomic_int_get(flag);
    } while (!g_atomic_int_compare_and_exchange(flag, v, 0));
    return v;
}

/* Quit and signals always exit; other causes honour -no-shutdown. */
static bool runstate_cause_forces_exit(ShutdownCause cause)
{
    return cause == SHUTDOWN_CAUSE_HOST_QMP_QUIT ||
           cause == SHUTDOWN_CAUSE_HOST_SIGNAL;
}

static void runstate_do_shutdown(ShutdownCause cause)
{
    runstate_notify(RUNSTATE_NOTICE_SHUTDOWN, current_state, current_state,
                    cause);
    if (opt_no_shutdown && !runstate_cause_forces_exit(cause)) {
        runstate_do_stop(RUN_STATE_SHUTDOWN);
        return;
    }
    exit_requested = true;
    exit_cause = cause;
    main_loop_quit();
}

static void runstate_do_reset(ShutdownCause cause)
{
    Machine *m = machine_current();
    bool was_running = runstate_is_running();

    if (was_running) {
        cpus_pause();
    }
    if (m) {
        machine_reset(m);
    }
    runstate_notify(RUNSTATE_NOTICE_RESET, current_state, current_state,
                    cause);
    if (was_running) {
        cpus_resume();
    } else {
        runstate_set(RUN_STATE_PRELAUNCH);
    }
}

static void runstate_process_requests(void *opaque)
{
    int shutdown = runstate_take(&pending_shutdown);
    int reset = runstate_take(&pending_reset);
    int powerdown = runstate_take(&pending_powerdown);

    if (shutdown) {
        runstate_do_shutdown((ShutdownCause)(shutdown - 1));
        return;
    }
    if (reset) {
        runstate_do_reset((ShutdownCause)(reset - 1));
    }
    if (powerdown) {
        runstate_notify(RUNSTATE_NOTICE_POWERDOWN, current_state,
                        current_state, SHUTDOWN_CAUSE_NONE);
    }
}

static void runstate_post(gint *flag, ShutdownCause cause)
{
    g_atomic_int_set(flag, (int)cause + 1);
    main_loop_call(runstate_process_requests, NULL);
}

void system_reset_request(ShutdownCause cause)
{
    if (opt_no_reboot && cause != SHUTDOWN_CAUSE_SUBSYSTEM_RESET) {
        runstate_post(&pending_shutdown, cause);
        return;
    }
    runstate_post(&pending_reset, cause);
}

void system_shutdown_request(ShutdownCause cause)
{
    runstate_post(&pending_shutdown, cause);
}

void system_powerdown_request(void)
{
    runstate_post(&pending_powerdown, SHUTDOWN_CAUSE_NONE);
}
