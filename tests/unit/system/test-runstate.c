/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for system/runstate.c: QEMU's allowed transitions, hooks,
 * vm_stop/vm_start from the main thread and from another thread, the
 * virtual clock stopping while paused, and reset/shutdown/powerdown
 * requests with -no-reboot and -no-shutdown.
 */
#include <glib.h>
#include <string.h>

#include "system/runstate.h"
#include "util/clock.h"
#include "util/main-loop.h"

static GString *notes;

static void record_hook(RunStateNotice notice, RunState old_state,
                        RunState new_state, ShutdownCause cause,
                        void *opaque)
{
    static const char *const kinds[] = { "state", "reset", "shutdown",
                                         "powerdown" };

    if (notice == RUNSTATE_NOTICE_STATE) {
        g_string_append_printf(notes, "%s->%s ", runstate_name(old_state),
                               runstate_name(new_state));
    } else {
        g_string_append_printf(notes, "%s(%s) ", kinds[notice],
                               shutdown_cause_name(cause));
    }
}

static void setup(bool no_shutdown, bool no_reboot)
{
    clock_set_source(clock_fake_source());
    clock_fake_set_ns(0);
    runstate_init(no_shutdown, no_reboot);
    if (!notes) {
        notes = g_string_new(NULL);
        runstate_add_hook(record_hook, NULL);
    }
    g_string_truncate(notes, 0);
}

/* Run pending main-loop work without blocking. */
static void drain(void)
{
    while (main_loop_wait(true)) {
    }
}

static void test_names(void)
{
    g_assert_cmpstr(runstate_name(RUN_STATE_IO_ERROR), ==, "io-error");
    g_assert_cmpstr(runstate_name(RUN_STATE_INTERNAL_ERROR), ==,
                    "internal-error");
    g_assert_cmpstr(shutdown_cause_name(SHUTDOWN_CAUSE_GUEST_SHUTDOWN), ==,
                    "guest-shutdown");
    g_assert_cmpstr(shutdown_cause_name(SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET),
                    ==, "host-qmp-system-reset");
}

static void test_transitions(void)
{
    setup(false, false);
    g_assert_true(runstate_check(RUN_STATE_PRELAUNCH));
    /* prelaunch -> paused and -> io-error are not in QEMU's table. */
    g_assert_false(runstate_set(RUN_STATE_IO_ERROR));
    g_assert_true(runstate_check(RUN_STATE_PRELAUNCH));
    g_assert_true(runstate_set(RUN_STATE_RUNNING));
    g_assert_true(runstate_set(RUN_STATE_IO_ERROR));
    g_assert_false(runstate_set(RUN_STATE_SHUTDOWN));
    g_assert_true(runstate_set(RUN_STATE_RUNNING));
    g_assert_true(runstate_set(RUN_STATE_SHUTDOWN));
    g_assert_false(runstate_set(RUN_STATE_RUNNING));
    g_assert_true(runstate_needs_reset());
    g_assert_true(runstate_set(RUN_STATE_PRELAUNCH));
    /* Same state: no notice. */
    g_assert_true(runstate_set(RUN_STATE_PRELAUNCH));
    g_assert_cmpstr(notes->str, ==,
                    "prelaunch->running running->io-error io-error->running "
                    "running->shutdown shutdown->prelaunch ");
}

static void test_stop_start_clock(void)
{
    Error *err = NULL;

    setup(false, false);
    /* -S: the clock does not run in prelaunch. */
    clock_fake_advance_ns(1000);
    g_assert_cmpint(clock_get_ns(CLOCK_TYPE_VIRTUAL), ==, 0);
    g_assert_true(vm_start(&error_abort));
    clock_fake_advance_ns(500);
    g_assert_cmpint(clock_get_ns(CLOCK_TYPE_VIRTUAL), ==, 500);
    vm_stop(RUN_STATE_PAUSED);
    g_assert_true(runstate_check(RUN_STATE_PAUSED));
    clock_fake_advance_ns(10000);
    g_assert_cmpint(clock_get_ns(CLOCK_TYPE_VIRTUAL), ==, 500);
    /* Stopping a stopped VM changes nothing. */
    vm_stop(RUN_STATE_IO_ERROR);
    g_assert_true(runstate_check(RUN_STATE_PAUSED));
    g_assert_true(vm_start(&error_abort));
    g_assert_true(vm_start(&error_abort));     /* running: no-op */
    clock_fake_advance_ns(1);
    g_assert_cmpint(clock_get_ns(CLOCK_TYPE_VIRTUAL), ==, 501);
    g_assert_cmpstr(notes->str, ==,
                    "prelaunch->running running->paused paused->running ");

    /* cont is refused where QEMU wants a reset. */
    vm_stop(RUN_STATE_INTERNAL_ERROR);
    g_assert_false(vm_start(&err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Resetting the Virtual Machine is required");
    error_free(err);
}

static gpointer stop_from_thread(gpointer opaque)
{
    vm_stop(RUN_STATE_IO_ERROR);
    return NULL;
}

static void test_stop_other_thread(void)
{
    GThread *t;

    setup(false, false);
    g_assert_true(vm_start(&error_abort));
    t = g_thread_new("stopper", stop_from_thread, NULL);
    g_thread_join(t);
    /* Posted to the main loop: nothing happened yet. */
    g_assert_true(runstate_is_running());
    drain();
    g_assert_true(runstate_check(RUN_STATE_IO_ERROR));
}

static gpointer start_from_thread(gpointer opaque)
{
    return GINT_TO_POINTER(vm_start(NULL));
}

static void test_start_other_thread(void)
{
    GThread *t;

    setup(false, false);
    t = g_thread_new("starter", start_from_thread, NULL);
    g_assert_true(GPOINTER_TO_INT(g_thread_join(t)));
    g_assert_true(runstate_check(RUN_STATE_PRELAUNCH));
    drain();
    g_assert_true(runstate_is_running());
}

static void test_reset_request(void)
{
    setup(false, false);
    g_assert_true(vm_start(&error_abort));
    vm_stop(RUN_STATE_PAUSED);
    g_string_truncate(notes, 0);
    system_reset_request(SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET);
    drain();
    /* A reset of a stopped VM leaves it in prelaunch. */
    g_assert_cmpstr(notes->str, ==,
                    "reset(host-qmp-system-reset) paused->prelaunch ");
    g_assert_false(runstate_exit_requested(NULL));

    g_assert_true(vm_start(&error_abort));
    g_string_truncate(notes, 0);
    system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
    drain();
    g_assert_cmpstr(notes->str, ==, "reset(guest-reset) ");
    g_assert_true(runstate_is_running());
}

static void test_shutdown_request(void)
{
    ShutdownCause cause = SHUTDOWN_CAUSE_NONE;

    setup(false, false);
    g_assert_true(vm_start(&error_abort));
    system_powerdown_request();
    drain();
    g_assert_cmpstr(notes->str, ==, "prelaunch->running powerdown(none) ");
    system_shutdown_request(SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
    drain();
    g_assert_true(runstate_exit_requested(&cause));
    g_assert_cmpint(cause, ==, SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
}

static void test_no_shutdown_no_reboot(void)
{
    ShutdownCause cause = SHUTDOWN_CAUSE_NONE;

    /* -no-shutdown: a guest power-off pauses in "shutdown". */
    setup(true, false);
    g_assert_true(vm_start(&error_abort));
    g_string_truncate(notes, 0);
    system_shutdown_request(SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
    drain();
    g_assert_false(runstate_exit_requested(NULL));
    g_assert_cmpstr(notes->str, ==,
                    "shutdown(guest-shutdown) running->shutdown ");
    /* ... but a signal still exits. */
    system_shutdown_request(SHUTDOWN_CAUSE_HOST_SIGNAL);
    drain();
    g_assert_true(runstate_exit_requested(&cause));
    g_assert_cmpint(cause, ==, SHUTDOWN_CAUSE_HOST_SIGNAL);

    /* -no-reboot: a reset becomes a shutdown with the reset's cause. */
    setup(false, true);
    g_assert_true(vm_start(&error_abort));
    system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
    drain();
    g_assert_true(runstate_exit_requested(&cause));
    g_assert_cmpint(cause, ==, SHUTDOWN_CAUSE_GUEST_RESET);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    main_loop_init();
    g_test_add_func("/system/runstate/names", test_names);
    g_test_add_func("/system/runstate/transitions", test_transitions);
    g_test_add_func("/system/runstate/stop-start-clock",
                    test_stop_start_clock);
    g_test_add_func("/system/runstate/stop-other-thread",
                    test_stop_other_thread);
    g_test_add_func("/system/runstate/start-other-thread",
                    test_start_other_thread);
    g_test_add_func("/system/runstate/reset-request", test_reset_request);
    g_test_add_func("/system/runstate/shutdown-request",
                    test_shutdown_request);
    g_test_add_func("/system/runstate/no-shutdown-no-reboot",
                    test_no_shutdown_no_reboot);
    return g_test_run();
}
