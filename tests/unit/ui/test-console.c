/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for display surfaces, the console layer and input routing:
 * dirty tracking (unchanged frames report nothing), clipping of hostile
 * rectangles, surface switches, borrowed framebuffers in 16 bpp, console
 * lookup for screendump, held-key and modifier tracking, release-all.
 */
#include <linux/input-event-codes.h>

#include <glib.h>

#include "ui/console.h"
#include "ui/input.h"

static int listener_calls;

static void count_changed(void *opaque)
{
    listener_calls++;
}

static const ConsoleListener counting_listener = { count_changed, NULL };

static void test_dirty_tracking(void)
{
    Console *con = console_create("video0", 0, NULL, NULL);
    pixman_region32_t r;
    pixman_box32_t *box;
    int n;

    pixman_region32_init(&r);
    g_assert_true(console_take_dirty(con, &r, NULL));
    g_assert_cmpint(pixman_region32_extents(&r)->x2, ==, 640);
    /* Nothing changed: the next frame costs nothing. */
    g_assert_false(console_take_dirty(con, &r, NULL));
    g_assert_false(pixman_region32_not_empty(&r));

    console_add_listener(con, &counting_listener);
    listener_calls = 0;
    console_mark_dirty(con, 10, 20, 30, 40);
    g_assert_cmpint(listener_calls, ==, 1);
    g_assert_true(console_take_dirty(con, &r, NULL));
    box = pixman_region32_rectangles(&r, &n);
    g_assert_cmpint(n, ==, 1);
    g_assert_cmpint(box->x1, ==, 10);
    g_assert_cmpint(box->y2, ==, 60);

    /* Hostile rectangles are clipped, empty ones ignored. */
    console_mark_dirty(con, -100, 470, 1000000, 2000000000);
    console_mark_dirty(con, 700, 0, 10, 10);
    g_assert_true(console_take_dirty(con, &r, NULL));
    box = pixman_region32_extents(&r);
    g_assert_cmpint(box->x1, ==, 0);
    g_assert_cmpint(box->y1, ==, 470);
    g_assert_cmpint(box->x2, ==, 640);
    g_assert_cmpint(box->y2, ==, 480);
    g_assert_cmpint(listener_calls, ==, 2);

    console_remove_listener(con, &counting_listener);
    pixman_region32_fini(&r);
    console_destroy(con);
}

static void test_resize_and_borrowed(void)
{
    Console *con = console_create(NULL, 0, NULL, NULL);
    pixman_region32_t r;
    uint64_t gen0, gen1;
    Error *err = NULL;
    uint16_t fb[8 * 4];
    DisplaySurface *s;
    pixman_image_t *img;

    pixman_region32_init(&r);
    console_take_dirty(con, &r, &gen0);
    g_assert_null(console_resize(con, 0, 10, &err));
    error_free_or_abort(&err);
    g_assert_null(console_resize(con, 100000, 10, &err));
    error_free_or_abort(&err);
    g_assert_nonnull(console_resize(con, 320, 200, &error_abort));
    g_assert_true(console_take_dirty(con, &r, &gen1));
    g_assert_cmpuint(gen1, ==, gen0 + 1);
    g_assert_cmpint(pixman_region32_extents(&r)->x2, ==, 320);
    g_assert_cmpint(surface_width(console_surface(con)), ==, 320);

    /* A 16 bpp device framebuffer converts to x8r8g8b8. */
    for (int i = 0; i < 32; i++) {
        fb[i] = 0xf800; /* pure red in r5g6b5 */
    }
    g_assert_null(surface_create_from(8, 4, PIXMAN_r5g6b5, 6, fb, &err));
    error_free_or_abort(&err);
    s = surface_create_from(8, 4, PIXMAN_r5g6b5, 16, fb, &error_abort);
    g_assert_cmpint(surface_bytes_per_pixel(s), ==, 2);
    console_set_surface(con, s);
    img = surface_to_x8r8g8b8(console_surface(con));
    g_assert_cmphex(((uint32_t *)pixman_image_get_data(img))[5] & 0xffffff,
                    ==, 0xff0000);
    pixman_image_unref(img);

    console_set_text_mode(con, true, 80, 25);
    console_set_text_cursor(con, 3, 4, true);
    ConsoleState st;
    console_get_state(con, &st);
    g_assert_true(st.text_mode);
    g_assert_cmpint(st.cols, ==, 80);
    g_assert_cmpint(st.cursor_row, ==, 4);
    g_assert_true(st.cursor_visible);

    pixman_region32_fini(&r);
    console_destroy(con);
}

static int hw_updates;
static Console *fake_con;

/* A device that finds one changed pixel per update. */
static void fake_gfx_update(void *opaque)
{
    hw_updates++;
    console_mark_dirty(fake_con, 5, 5, 1, 1);
}

static const ConsoleHwOps fake_ops = { .gfx_update = fake_gfx_update };

static void test_lookup_and_hw_update(void)
{
    Console *a = console_create("vga", 0, NULL, NULL);
    Console *b = console_create("multi", 1, &fake_ops, NULL);
    Error *err = NULL;

    g_assert_true(console_lookup(NULL, 0, &error_abort) == a);
    g_assert_true(console_lookup("multi", 1, &error_abort) == b);
    g_assert_null(console_lookup("multi", 0, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Head '0' not found");
    error_free_or_abort(&err);
    g_assert_null(console_lookup("nope", 0, &err));
    g_assert_cmpint(error_get_class(err), ==, ERROR_CLASS_DEVICE_NOT_FOUND);
    error_free_or_abort(&err);
    g_assert_true(console_get(1) == b);
    g_assert_null(console_get(2));

    g_assert_false(console_has_hw_update(a));
    g_assert_true(console_has_hw_update(b));
    console_destroy(b);
    console_destroy(a);
    g_assert_null(console_lookup(NULL, 0, &err));
    error_free_or_abort(&err);
}

static unsigned last_code;
static bool last_down;
static int key_events;

static void fake_key(void *opaque, unsigned code, bool down)
{
    last_code = code;
    last_down = down;
    key_events++;
}

static const InputKbdHandler fake_kbd = { "fake-kbd", fake_key };

static void test_input(void)
{
    g_assert_false(input_key(KEY_A, true));
    input_key(KEY_A, false);
    input_register_kbd(&fake_kbd, NULL);
    g_assert_true(input_key(KEY_LEFTCTRL, true));
    g_assert_true(input_key(KEY_RIGHTALT, true));
    g_assert_cmpuint(input_modifiers(), ==, INPUT_MOD_CTRL | INPUT_MOD_ALT);
    g_assert_true(input_key(KEY_G, true));
    g_assert_cmpuint(last_code, ==, KEY_G);
    g_assert_false(input_key(0, true));
    g_assert_false(input_key(INPUT_KEY_MAX + 1, true));
    key_events = 0;
    input_release_all();
    g_assert_cmpint(key_events, ==, 3);
    g_assert_false(last_down);
    g_assert_cmpuint(input_modifiers(), ==, 0);
    g_assert_cmpuint(input_key_from_qcode("ctrl_r"), ==, KEY_RIGHTCTRL);
    g_assert_cmpuint(input_key_from_qcode("kp_enter"), ==, KEY_KPENTER);
    g_assert_cmpuint(input_key_from_qcode("bogus"), ==, 0);
    input_unregister_kbd(&fake_kbd);
}

static void test_hw_update_hook(void)
{
    Console *con = console_create("dev", 0, &fake_ops, NULL);
    pixman_region32_t r;

    fake_con = con;
    pixman_region32_init(&r);
    console_take_dirty(con, &r, NULL);
    hw_updates = 0;
    g_assert_false(console_take_dirty(con, &r, NULL));
    console_hw_update(con);
    g_assert_cmpint(hw_updates, ==, 1);
    g_assert_true(console_take_dirty(con, &r, NULL));
    g_assert_cmpint(pixman_region32_extents(&r)->x1, ==, 5);
    console_invalidate(con);
    g_assert_true(console_take_dirty(con, &r, NULL));
    g_assert_cmpint(pixman_region32_extents(&r)->x2, ==, 640);
    pixman_region32_fini(&r);
    fake_con = NULL;
    console_destroy(con);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/ui/console/dirty-tracking", test_dirty_tracking);
    g_test_add_func("/ui/console/resize-borrowed", test_resize_and_borrowed);
    g_test_add_func("/ui/console/lookup", test_lookup_and_hw_update);
    g_test_add_func("/ui/console/hw-update", test_hw_update_hook);
    g_test_add_func("/ui/input/routing", test_input);
    return g_test_run();
}
