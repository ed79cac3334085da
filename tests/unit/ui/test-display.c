/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for ui/display.c without a display server: -display option
 * parsing, the aspect-preserving layout, and a headless display
 * ("none,notifications-log=...") that follows the event bus and the run
 * state, writes the notification log, titles itself and composes the
 * "window" (guest plus overlay) for screendump_window().
 *
 * The run state is system/runstate.c itself (no machine, no vCPUs), so
 * Resume and Power off go through vm_start() and the shutdown request.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "system/runstate.h"
#include "ui/console.h"
#include "ui/display.h"
#include "ui/display-int.h"
#include "ui/screendump.h"
#include "util/event-bus.h"

/* Run-state notices seen, to check what Power off asked for. */
static int shutdowns;
static ShutdownCause last_cause;

static void watch_runstate(RunStateNotice notice, RunState old_state,
                           RunState new_state, ShutdownCause cause,
                           void *opaque)
{
    if (notice == RUNSTATE_NOTICE_SHUTDOWN) {
        shutdowns++;
        last_cause = cause;
    }
}

static void test_parse(void)
{
    static const struct {
        const char *spec;
        const char *error;   /* NULL: accepted */
    } cases[] = {
        { "sdl", NULL },
        { "sdl,gl=on,notifications=off", NULL },
        { "sdl,gl=core,full-screen=on,window-close=off", NULL },
        { "none,notifications-log=/tmp/a,,b", NULL },
        { "default", NULL },
        { "gtk", "Display 'gtk' is not available (use sdl or none)" },
        { "sdl,gl=maybe", "Parameter 'gl' does not accept value 'maybe'" },
        { "sdl,notifications=perhaps",
          "Parameter 'notifications' expects 'on' or 'off'" },
        { "sdl,bogus=1", "Invalid parameter 'bogus'" },
        { "none,gl=on", "Invalid parameter 'gl'" },
        { "sdl,gl", "Parameter 'gl' is missing a value" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        DisplayOptions o;
        Error *err = NULL;
        bool ok = display_parse(cases[i].spec, &o, &err);

        if (cases[i].error) {
            g_assert_false(ok);
            g_assert_cmpstr(error_get_pretty(err), ==, cases[i].error);
            error_free(err);
            continue;
        }
        g_assert_true(ok);
        display_options_clear(&o);
    }
}

static void test_parse_values(void)
{
    DisplayOptions o;

    g_assert_true(display_parse("sdl,gl=on,notifications=off,"
                                "notifications-log=a,,b", &o, &error_abort));
    g_assert_cmpint(o.type, ==, DISPLAY_TYPE_SDL);
    g_assert_true(o.gl);
    g_assert_false(o.notifications);
    g_assert_true(o.window_close);
    g_assert_cmpstr(o.notifications_log, ==, "a,b");
    display_options_clear(&o);
    g_assert_true(display_parse("sdl", &o, &error_abort));
    g_assert_false(o.gl);
    g_assert_true(o.notifications);
    display_options_clear(&o);
}

static void test_layout(void)
{
    pixman_box32_t b;

    display_layout(640, 480, 640, 480, &b);
    g_assert_cmpint(b.x1, ==, 0);
    g_assert_cmpint(b.x2, ==, 640);
    /* Wider window: pillarbox. */
    display_layout(640, 480, 1280, 480, &b);
    g_assert_cmpint(b.x1, ==, 320);
    g_assert_cmpint(b.x2, ==, 960);
    g_assert_cmpint(b.y2, ==, 480);
    /* Taller window: letterbox, aspect kept. */
    display_layout(720, 400, 720, 800, &b);
    g_assert_cmpint(b.y1, ==, 200);
    g_assert_cmpint(b.y2, ==, 600);
    display_layout(640, 480, 1920, 1080, &b);
    g_assert_cmpint(b.x2 - b.x1, ==, 1440);
    g_assert_cmpint(b.y2 - b.y1, ==, 1080);
    /* No guest yet, or a minimised window: an empty box, no division. */
    display_layout(0, 0, 640, 480, &b);
    g_assert_cmpint(b.x2 - b.x1, ==, 0);
    display_layout(640, 480, 0, 0, &b);
    g_assert_cmpint(b.y2 - b.y1, ==, 0);
}

static void iterate(void)
{
    while (g_main_context_iteration(NULL, FALSE)) {
    }
}

static void test_headless(void)
{
    g_autofree char *dir = g_dir_make_tmp("display-XXXXXX", NULL);
    g_autofree char *log = g_build_filename(dir, "n.log", NULL);
    g_autofree char *png = g_build_filename(dir, "w.png", NULL);
    g_autofree char *spec = g_strdup_printf("none,notifications-log=%s", log);
    g_autofree char *text = NULL;
    g_autofree char *title = NULL;
    Console *con = console_create("video0", 0, NULL, NULL);
    pixman_image_t *img;
    Error *err = NULL;

    g_assert_null(display_compose_window(&err));
    error_free_or_abort(&err);
    g_assert_true(display_init(spec, &error_abort));
    g_assert_false(display_init(spec, &err));
    error_free_or_abort(&err);
    g_assert_cmpint(display_type(), ==, DISPLAY_TYPE_NONE);
    display_set_vm_name("vm1");
    /* -S: prelaunch is not running. */
    title = display_title();
    g_assert_cmpstr(title, ==, "vm1 - Plimsoll [Paused]");
    g_free(title);
    g_assert_true(vm_start(&error_abort));
    title = display_title();
    g_assert_cmpstr(title, ==, "vm1 - Plimsoll");
    g_free(title);

    event_bus_emit("BLOCK_WRITE_THRESHOLD",
                   json_tokener_parse("{\"node-name\": \"f\", "
                                      "\"amount-exceeded\": 1, "
                                      "\"write-threshold\": 2}"));
    event_bus_emit("BLOCK_IO_ERROR",
                   json_tokener_parse("{\"device\": \"d0\", \"operation\": "
                                      "\"write\", \"action\": \"stop\", "
                                      "\"nospace\": true, \"reason\": "
                                      "\"No space left on device\"}"));
    /* The stop reaches the display before the queued bus events. */
    vm_stop(RUN_STATE_IO_ERROR);
    iterate();
    title = display_title();
    g_assert_cmpstr(title, ==, "vm1 - Plimsoll [Paused: disk full]");
    g_assert_nonnull(notif_model_current_modal(display_notifications()));

    /* The composed "window" is the guest size with the overlay on it. */
    img = display_compose_window(&error_abort);
    g_assert_cmpint(pixman_image_get_width(img), ==, 640);
    g_assert_cmphex(pixman_image_get_data(img)[640 * 240 + 320] & 0xffffff,
                    !=, 0);
    pixman_image_unref(img);
    g_assert_true(screendump_window(png, NULL, &error_abort));
    g_assert_true(g_file_test(png, G_FILE_TEST_IS_REGULAR));

    g_assert_true(notif_model_press(display_notifications(),
                                    NOTIF_BUTTON_RESUME, &error_abort));
    g_assert_true(runstate_is_running());
    g_assert_null(notif_model_current_modal(display_notifications()));
    g_free(title);
    title = display_title();
    g_assert_cmpstr(title, ==, "vm1 - Plimsoll");

    /* An io-error stop without a BLOCK_IO_ERROR still gets a modal. */
    vm_stop(RUN_STATE_IO_ERROR);
    g_assert_cmpstr(notif_model_current_modal(display_notifications())->title,
                    ==, "VM paused: disk error");
    runstate_add_hook(watch_runstate, NULL);
    g_assert_true(notif_model_press(display_notifications(),
                                    NOTIF_BUTTON_POWER_OFF, &error_abort));
    iterate();
    runstate_remove_hook(watch_runstate, NULL);
    g_assert_cmpint(shutdowns, ==, 1);
    g_assert_cmpint(last_cause, ==, SHUTDOWN_CAUSE_HOST_UI);
    display_cleanup();
    g_assert_null(display_notifications());

    g_assert_true(g_file_get_contents(log, &text, NULL, NULL));
    g_assert_nonnull(strstr(text, " toast warning BLOCK_WRITE_THRESHOLD "));
    g_assert_nonnull(strstr(text, " modal error BLOCK_IO_ERROR VM paused: "
                            "disk full: No space left on device for disk "
                            "'d0'"));
    console_destroy(con);
    g_unlink(log);
    g_unlink(png);
    g_rmdir(dir);
}

static void test_bad_log(void)
{
    Error *err = NULL;

    g_assert_false(display_init("none,notifications-log=/nonexistent/x/y",
                                &err));
    g_assert_nonnull(strstr(error_get_pretty(err), "notification log"));
    error_free(err);
    g_assert_null(display_notifications());
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    runstate_init(false, false);
    g_test_add_func("/ui/display/parse", test_parse);
    g_test_add_func("/ui/display/parse-values", test_parse_values);
    g_test_add_func("/ui/display/layout", test_layout);
    g_test_add_func("/ui/display/headless", test_headless);
    g_test_add_func("/ui/display/bad-log", test_bad_log);
    return g_test_run();
}
