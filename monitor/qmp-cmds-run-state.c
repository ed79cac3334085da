/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Run-state QMP: query-status, stop, cont, system_reset,
 * system_powerdown and quit, as thin wrappers over
 * include/system/runstate.h; and the run-state hook that turns state
 * changes into STOP, RESUME, RESET, SHUTDOWN and POWERDOWN events (the
 * commands never raise events themselves, so a stop caused by a disk error
 * reads the same as one a client asked for).
 */
#include "monitor-internal.h"

#include <assert.h>

#include "block/block-backend.h"
#include "qapi/qapi-commands.h"
#include "qapi/qapi-events.h"
#include "system/runstate.h"

/* QEMU's enum and Plimsoll's share spellings; map through them. */
static QapiRunState qmp_runstate(RunState state)
{
    int i = qapi_enum_lookup(QapiRunState_names, QAPI_RUN_STATE__MAX,
                             runstate_name(state));

    /* Both lists hold exactly the states of include/system/runstate.h. */
    assert(i >= 0);
    return i;
}

static QapiShutdownCause qmp_shutdown_cause(ShutdownCause cause)
{
    int i = qapi_enum_lookup(QapiShutdownCause_names,
                             QAPI_SHUTDOWN_CAUSE__MAX,
                             shutdown_cause_name(cause));

    return i < 0 ? QAPI_SHUTDOWN_CAUSE_NONE : i;
}

/* QEMU's shutdown_caused_by_guest(). */
static bool qmp_cause_is_guest(ShutdownCause cause)
{
    return cause == SHUTDOWN_CAUSE_GUEST_SHUTDOWN ||
           cause == SHUTDOWN_CAUSE_GUEST_RESET;
}

StatusInfo *qmp_query_status(Error **errp)
{
    StatusInfo *info = g_new0(StatusInfo, 1);

    info->running = runstate_is_running();
    info->singlestep = false;
    info->status = qmp_runstate(runstate_get());
    return info;
}

void qmp_stop(Error **errp)
{
    vm_stop(RUN_STATE_PAUSED);
}

void qmp_cont(Error **errp)
{
    if (runstate_needs_reset()) {
        error_setg(errp, "Resetting the Virtual Machine is required");
        return;
    }
    /* Held-back requests are retried once the VM runs again. */
    blk_iostatus_reset_all();
    if (!runstate_is_running()) {
        vm_start(errp);
    }
}

void qmp_system_reset(Error **errp)
{
    system_reset_request(SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET);
}

void qmp_system_powerdown(Error **errp)
{
    system_powerdown_request();
}

void qmp_quit(Error **errp)
{
    system_shutdown_request(SHUTDOWN_CAUSE_HOST_QMP_QUIT);
}

static void qmp_runstate_hook(RunStateNotice notice, RunState old_state,
                              RunState new_state, ShutdownCause cause,
                              void *opaque)
{
    switch (notice) {
    case RUNSTATE_NOTICE_STATE:
        if (new_state == RUN_STATE_RUNNING && old_state != new_state) {
            qapi_event_send_resume();
        } else if (old_state == RUN_STATE_RUNNING) {
            qapi_event_send_stop();
        }
        break;
    case RUNSTATE_NOTICE_RESET:
        qapi_event_send_reset(qmp_cause_is_guest(cause),
                              qmp_shutdown_cause(cause));
        break;
    case RUNSTATE_NOTICE_SHUTDOWN:
        qapi_event_send_shutdown(qmp_cause_is_guest(cause),
                                 qmp_shutdown_cause(cause));
        /* The main loop may end next: do not leave SHUTDOWN queued. */
        monitor_events_flush();
        break;
    case RUNSTATE_NOTICE_POWERDOWN:
        qapi_event_send_powerdown();
        break;
    }
}

void monitor_runstate_events_init(void)
{
    static bool done;

    if (!done) {
        done = true;
        runstate_add_hook(qmp_runstate_hook, NULL);
    }
}
