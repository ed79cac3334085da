/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the notification model (ui/notifications.c): event
 * sequences become toasts, modals and log lines; toast timing and fades on
 * a fake clock; notifications=off hides toasts but never modals; the
 * history keeps 20; events raised in another thread reach the model
 * through its main context.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ui/notifications.h"
#include "util/event-bus.h"

static int64_t fake_now;

static int64_t fake_clock(void *opaque)
{
    return fake_now;
}

static int resumes, power_offs;
static bool resume_fails;

static bool fake_resume(void *opaque, Error **errp)
{
    if (resume_fails) {
        error_setg(errp, "Resetting the Virtual Machine is required");
        return false;
    }
    resumes++;
    return true;
}

static void fake_power_off(void *opaque)
{
    power_offs++;
}

static const NotifActions fake_actions = { fake_resume, fake_power_off };

static NotifModel *new_model(void)
{
    NotifModel *m = notif_model_new(fake_clock, NULL);

    fake_now = 1000;
    resumes = power_offs = 0;
    resume_fails = false;
    notif_model_set_actions(m, &fake_actions);
    return m;
}

static struct json_object *parse(const char *text)
{
    struct json_object *o = json_tokener_parse(text);

    g_assert_nonnull(o);
    return o;
}

static void feed(NotifModel *m, const char *name, const char *data)
{
    struct json_object *o = data ? parse(data) : NULL;

    notif_model_event(m, name, o);
    json_object_put(o);
}

#define THRESHOLD_EV "{\"node-name\": \"#block163\", \"amount-exceeded\": " \
    "3145728, \"write-threshold\": 1073741824}"
#define NOSPACE_EV "{\"device\": \"\", \"node-name\": \"disk0-fmt\", " \
    "\"operation\": \"write\", \"action\": \"stop\", \"nospace\": true, " \
    "\"reason\": \"No space left on device\"}"

static void test_threshold_toast_timing(void)
{
    NotifModel *m = new_model();
    const Notification *n;
    double a;

    feed(m, "BLOCK_WRITE_THRESHOLD", THRESHOLD_EV);
    n = notif_model_current_toast(m, &a);
    g_assert_nonnull(n);
    g_assert_cmpint(n->kind, ==, NOTIF_TOAST);
    g_assert_cmpint(n->severity, ==, NOTIF_WARNING);
    g_assert_cmpstr(n->title, ==, "Disk almost full");
    g_assert_cmpstr(n->body, ==, "Disk '#block163' passed its high-water "
                    "mark (1 GiB) by 3 MiB");
    g_assert_cmpfloat(a, ==, 0.0);

    g_assert_cmpint(notif_model_ms_to_change(m), ==, 0);
    fake_now += 200; /* half way through the 400 ms fade-in */
    g_assert_true(notif_model_tick(m));
    notif_model_current_toast(m, &a);
    g_assert_cmpfloat_with_epsilon(a, 0.5, 1e-9);
    fake_now += 1800;
    notif_model_current_toast(m, &a);
    g_assert_cmpfloat(a, ==, 1.0);
    /* Steady until the fade-out starts at 3600 ms. */
    g_assert_cmpint(notif_model_ms_to_change(m), ==, 1600);
    fake_now += 1800; /* 3800 ms: half way through the fade-out */
    g_assert_true(notif_model_tick(m));
    notif_model_current_toast(m, &a);
    g_assert_cmpfloat_with_epsilon(a, 0.5, 1e-9);
    fake_now += 200;
    g_assert_false(notif_model_tick(m));
    g_assert_null(notif_model_current_toast(m, NULL));
    g_assert_cmpint(notif_model_ms_to_change(m), ==, -1);
    notif_model_free(m);
}

static void test_toast_queue_fifo(void)
{
    NotifModel *m = new_model();
    const Notification *n;

    feed(m, "BLOCK_WRITE_THRESHOLD", THRESHOLD_EV);
    feed(m, "QCOW2_OVERLAP_CHECK_MEMORY_LIMIT_REACHED",
         "{\"reference\": \"disk0\", \"start\": 268435456, "
         "\"length\": 268435456}");
    feed(m, "BLOCK_WRITE_THRESHOLD",
         "{\"node-name\": \"n2\", \"amount-exceeded\": 512, "
         "\"write-threshold\": 1536}");
    g_assert_cmpuint(notif_model_pending_toasts(m), ==, 2);
    n = notif_model_current_toast(m, NULL);
    g_assert_cmpstr(n->event, ==, "BLOCK_WRITE_THRESHOLD");

    fake_now += 3999;
    notif_model_tick(m);
    g_assert_true(notif_model_current_toast(m, NULL) == n);
    fake_now += 1;
    notif_model_tick(m);
    n = notif_model_current_toast(m, NULL);
    g_assert_cmpstr(n->title, ==, "Metadata checks limited");
    g_assert_nonnull(strstr(n->body, "Disk 'disk0'"));
    g_assert_nonnull(strstr(n->body, "256 MiB from offset 256 MiB"));
    g_assert_cmpint(n->shown_ms, ==, fake_now);

    fake_now += 4000;
    notif_model_tick(m);
    n = notif_model_current_toast(m, NULL);
    g_assert_cmpstr(n->body, ==, "Disk 'n2' passed its high-water mark "
                    "(1.5 KiB) by 512 B");
    fake_now += 4000;
    g_assert_false(notif_model_tick(m));
    notif_model_free(m);
}

static void test_disk_full_modal_and_resume(void)
{
    NotifModel *m = new_model();
    const Notification *n;
    Error *err = NULL;

    g_assert_cmpstr(notif_model_title_tag(m), ==, "");
    feed(m, "BLOCK_IO_ERROR", NOSPACE_EV);
    /* No modal before the VM actually stops. */
    g_assert_null(notif_model_current_modal(m));
    feed(m, "STOP", NULL);
    n = notif_model_current_modal(m);
    g_assert_nonnull(n);
    g_assert_cmpint(n->kind, ==, NOTIF_MODAL);
    g_assert_cmpstr(n->title, ==, "VM paused: disk full");
    g_assert_nonnull(strstr(n->body, "disk 'disk0-fmt'"));
    g_assert_cmpuint(n->buttons, ==,
                     NOTIF_BUTTON_RESUME | NOTIF_BUTTON_POWER_OFF);
    g_assert_cmpstr(notif_model_title_tag(m), ==, " [Paused: disk full]");

    /* The run-state hook reporting the same pause adds nothing. */
    notif_model_runstate(m, RUN_STATE_RUNNING, RUN_STATE_IO_ERROR);
    g_assert_cmpuint(notif_model_history(m, (const Notification *[4]){ 0 },
                                         4), ==, 1);

    /* Modals stay however long nobody acts. */
    fake_now += 60000;
    notif_model_tick(m);
    g_assert_true(notif_model_current_modal(m) == n);

    g_assert_false(notif_model_press(m, NOTIF_BUTTON_DISMISS, &err));
    error_free_or_abort(&err);
    resume_fails = true;
    g_assert_false(notif_model_press(m, NOTIF_BUTTON_RESUME, &err));
    error_free_or_abort(&err);
    g_assert_nonnull(notif_model_current_modal(m));
    resume_fails = false;
    g_assert_true(notif_model_press(m, NOTIF_BUTTON_RESUME, &error_abort));
    g_assert_cmpint(resumes, ==, 1);
    g_assert_null(notif_model_current_modal(m));

    /*
     * The run state going back to running (what cont does) brings the
     * "resumed" toast; the queued RESUME event after it adds nothing.
     */
    notif_model_runstate(m, RUN_STATE_IO_ERROR, RUN_STATE_RUNNING);
    feed(m, "RESUME", NULL);
    g_assert_cmpuint(notif_model_pending_toasts(m), ==, 0);
    n = notif_model_current_toast(m, NULL);
    g_assert_nonnull(n);
    g_assert_cmpint(n->severity, ==, NOTIF_INFO);
    g_assert_cmpstr(n->body, ==, "Disk space available again \u2014 VM "
                    "resumed");
    g_assert_cmpstr(notif_model_title_tag(m), ==, "");

    /* Still full: the guest hits ENOSPC again and the modal reappears. */
    feed(m, "BLOCK_IO_ERROR", NOSPACE_EV);
    notif_model_runstate(m, RUN_STATE_RUNNING, RUN_STATE_IO_ERROR);
    g_assert_nonnull(notif_model_current_modal(m));
    g_assert_true(notif_model_press(m, NOTIF_BUTTON_POWER_OFF,
                                    &error_abort));
    g_assert_cmpint(power_offs, ==, 1);

    /* A STOP handled after the hook said "running" does not pause. */
    notif_model_runstate(m, RUN_STATE_IO_ERROR, RUN_STATE_RUNNING);
    feed(m, "STOP", NULL);
    g_assert_cmpstr(notif_model_title_tag(m), ==, "");
    notif_model_free(m);
}

static void test_external_cont_and_eio(void)
{
    NotifModel *m = new_model();
    const Notification *n;

    /* werror=stop with EIO: a disk-error modal, plain [Paused]. */
    feed(m, "BLOCK_IO_ERROR", "{\"device\": \"ide0-hd0\", \"operation\": "
         "\"read\", \"action\": \"stop\", \"reason\": \"Input/output error\"}");
    notif_model_runstate(m, RUN_STATE_RUNNING, RUN_STATE_IO_ERROR);
    n = notif_model_current_modal(m);
    g_assert_cmpstr(n->title, ==, "VM paused: disk error");
    g_assert_nonnull(strstr(n->body, "read on disk 'ide0-hd0' failed: "
                            "Input/output error"));
    g_assert_cmpstr(notif_model_title_tag(m), ==, " [Paused]");

    /* A manager's cont over QMP closes the modal without a click. */
    notif_model_runstate(m, RUN_STATE_IO_ERROR, RUN_STATE_RUNNING);
    feed(m, "RESUME", NULL);
    g_assert_null(notif_model_current_modal(m));
    n = notif_model_current_toast(m, NULL);
    g_assert_cmpstr(n->body, ==, "The VM resumed after a disk error");
    g_assert_cmpuint(notif_model_pending_toasts(m), ==, 0);

    /* An ordinary pause and resume say nothing. */
    fake_now += 5000;
    notif_model_tick(m);
    notif_model_runstate(m, RUN_STATE_RUNNING, RUN_STATE_PAUSED);
    g_assert_cmpstr(notif_model_title_tag(m), ==, " [Paused]");
    g_assert_null(notif_model_current_modal(m));
    notif_model_runstate(m, RUN_STATE_PAUSED, RUN_STATE_RUNNING);
    g_assert_null(notif_model_current_toast(m, NULL));

    /* action=report never pauses. */
    feed(m, "BLOCK_IO_ERROR", "{\"device\": \"d\", \"operation\": \"write\", "
         "\"action\": \"report\", \"nospace\": true, \"reason\": \"x\"}");
    notif_model_runstate(m, RUN_STATE_RUNNING, RUN_STATE_PAUSED);
    g_assert_null(notif_model_current_modal(m));
    notif_model_free(m);
}

static void test_corrupted(void)
{
    NotifModel *m = new_model();
    const Notification *n;

    feed(m, "BLOCK_IMAGE_CORRUPTED", "{\"device\": \"\", \"node-name\": "
         "\"drive\", \"msg\": \"L2 table offset 0x2a2a2a00 unaligned (L1 "
         "index: 0)\", \"fatal\": false}");
    n = notif_model_current_toast(m, NULL);
    g_assert_cmpstr(n->title, ==, "Disk image inconsistent");
    g_assert_null(notif_model_current_modal(m));

    feed(m, "BLOCK_IMAGE_CORRUPTED", "{\"device\": \"none0\", \"node-name\": "
         "\"drive\", \"msg\": \"Preventing invalid write on metadata "
         "(overlaps with refcount table)\", \"offset\": 65536, \"size\": "
         "65536, \"fatal\": true}");
    n = notif_model_current_modal(m);
    g_assert_cmpstr(n->title, ==, "Disk image corrupt");
    g_assert_nonnull(strstr(n->body, "disk 'none0' was marked corrupt: "
                            "Preventing invalid write"));
    g_assert_cmpuint(n->buttons, ==,
                     NOTIF_BUTTON_DISMISS | NOTIF_BUTTON_POWER_OFF);
    /* The VM keeps running: no pause tag. */
    g_assert_cmpstr(notif_model_title_tag(m), ==, "");
    g_assert_true(notif_model_press(m, NOTIF_BUTTON_DISMISS, &error_abort));
    g_assert_null(notif_model_current_modal(m));
    g_assert_cmpint(power_offs, ==, 0);
    notif_model_free(m);
}

static void test_notifications_off(void)
{
    NotifModel *m = new_model();
    const Notification *hist[NOTIF_HISTORY_LEN];

    feed(m, "BLOCK_WRITE_THRESHOLD", THRESHOLD_EV);
    feed(m, "BLOCK_WRITE_THRESHOLD", THRESHOLD_EV);
    notif_model_set_toasts_enabled(m, false);
    g_assert_null(notif_model_current_toast(m, NULL));
    g_assert_cmpuint(notif_model_pending_toasts(m), ==, 0);
    feed(m, "BLOCK_WRITE_THRESHOLD", THRESHOLD_EV);
    g_assert_false(notif_model_tick(m));
    g_assert_null(notif_model_current_toast(m, NULL));

    /* A blocking error is never hidden. */
    feed(m, "BLOCK_IO_ERROR", NOSPACE_EV);
    feed(m, "STOP", NULL);
    g_assert_nonnull(notif_model_current_modal(m));
    feed(m, "RESUME", NULL);
    g_assert_null(notif_model_current_toast(m, NULL));

    /* Everything is still in the history. */
    g_assert_cmpuint(notif_model_history(m, hist, NOTIF_HISTORY_LEN), ==, 5);
    g_assert_cmpstr(hist[0]->title, ==, "VM resumed");
    g_assert_cmpstr(hist[1]->title, ==, "VM paused: disk full");
    g_assert_cmpstr(hist[4]->title, ==, "Disk almost full");
    notif_model_free(m);
}

static void test_history_bound(void)
{
    NotifModel *m = new_model();
    const Notification *hist[30];

    for (int i = 0; i < 25; i++) {
        g_autofree char *t = g_strdup_printf("t%d", i);

        notif_model_toast(m, NOTIF_INFO, "UI", t, "body");
    }
    g_assert_cmpuint(notif_model_history(m, hist, 30), ==, 20);
    g_assert_cmpstr(hist[0]->title, ==, "t24");
    g_assert_cmpstr(hist[19]->title, ==, "t5");
    g_assert_cmpuint(hist[0]->id, ==, 25);
    g_assert_cmpuint(notif_model_history(m, hist, 3), ==, 3);
    g_assert_false(notif_model_history_visible(m));
    notif_model_toggle_history(m);
    g_assert_true(notif_model_history_visible(m));
    notif_model_free(m);
}

static void test_log_file(void)
{
    NotifModel *m = new_model();
    g_autofree char *dir = g_dir_make_tmp("notif-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "log", NULL);
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    Error *err = NULL;

    g_assert_false(notif_model_set_log_file(m, "/nonexistent/dir/x", &err));
    error_free_or_abort(&err);
    g_assert_true(notif_model_set_log_file(m, path, &error_abort));
    feed(m, "BLOCK_WRITE_THRESHOLD", THRESHOLD_EV);
    feed(m, "BLOCK_WRITE_THRESHOLD", THRESHOLD_EV); /* queued: not shown */
    feed(m, "BLOCK_IO_ERROR", NOSPACE_EV);
    feed(m, "STOP", NULL);
    g_assert_true(notif_model_press(m, NOTIF_BUTTON_RESUME, &error_abort));
    notif_model_free(m);

    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    lines = g_strsplit(text, "\n", 0);
    g_assert_cmpuint(g_strv_length(lines), ==, 5); /* 4 + the empty tail */
    g_assert_true(g_regex_match_simple(
        "^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z toast warning "
        "BLOCK_WRITE_THRESHOLD Disk almost full: Disk '#block163' passed its "
        "high-water mark \\(1 GiB\\) by 3 MiB$", lines[0], 0, 0));
    g_assert_nonnull(strstr(lines[1], " modal error BLOCK_IO_ERROR VM paused: "
                            "disk full: No space left on device for disk "));
    g_assert_nonnull(strstr(lines[2], " pressed error BLOCK_IO_ERROR VM "
                            "paused: disk full: Resume pressed"));
    g_assert_nonnull(strstr(lines[3], " closed error"));
    g_unlink(path);
    g_rmdir(dir);
}

static gpointer emit_thread(gpointer opaque)
{
    event_bus_emit("BLOCK_WRITE_THRESHOLD", parse(THRESHOLD_EV));
    event_bus_emit("SHUTDOWN", NULL);
    return NULL;
}

static void test_event_bus_thread(void)
{
    NotifModel *m = new_model();
    GMainContext *ctx = g_main_context_new();
    GThread *t;

    notif_model_subscribe(m, ctx);
    t = g_thread_new("emitter", emit_thread, NULL);
    g_thread_join(t);
    /* Nothing happens in the raising thread... */
    g_assert_null(notif_model_current_toast(m, NULL));
    /* ...but on the UI context. */
    while (g_main_context_iteration(ctx, FALSE)) {
    }
    g_assert_nonnull(notif_model_current_toast(m, NULL));
    g_assert_false(g_main_context_pending(ctx));
    notif_model_free(m);
    /* After free the bus no longer calls the model. */
    event_bus_emit("BLOCK_WRITE_THRESHOLD", parse(THRESHOLD_EV));
    g_main_context_unref(ctx);
}

static void test_format_size(void)
{
    static const struct {
        uint64_t v;
        const char *s;
    } cases[] = {
        { 0, "0 B" }, { 1023, "1023 B" }, { 1024, "1 KiB" },
        { 1536, "1.5 KiB" }, { 64 << 20, "64 MiB" },
        { 1932735283ULL, "1.8 GiB" }, { UINT64_MAX, "16 EiB" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *s = notif_format_size(cases[i].v);

        g_assert_cmpstr(s, ==, cases[i].s);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/ui/notifications/threshold-toast-timing",
                    test_threshold_toast_timing);
    g_test_add_func("/ui/notifications/toast-queue", test_toast_queue_fifo);
    g_test_add_func("/ui/notifications/disk-full-modal",
                    test_disk_full_modal_and_resume);
    g_test_add_func("/ui/notifications/external-cont-eio",
                    test_external_cont_and_eio);
    g_test_add_func("/ui/notifications/corrupted", test_corrupted);
    g_test_add_func("/ui/notifications/off", test_notifications_off);
    g_test_add_func("/ui/notifications/history-bound", test_history_bound);
    g_test_add_func("/ui/notifications/log-file", test_log_file);
    g_test_add_func("/ui/notifications/event-bus-thread",
                    test_event_bus_thread);
    g_test_add_func("/ui/notifications/format-size", test_format_size);
    return g_test_run();
}
