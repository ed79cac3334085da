/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the overlay renderer (ui/overlay.c) with the real font:
 * a toast lands in the top-right corner, changes the pixels there (text
 * and box drawn, accent colour present), leaves the rest of the guest
 * image alone and fades with the model's clock; a modal dims the guest
 * and its buttons answer hit tests; the history panel draws.
 * Set PLIMSOLL_TEST_OUTDIR to keep the rendered images as PNG.
 */
#include <glib.h>
#include <string.h>

#include "ui/overlay.h"
#include "ui/screendump.h"

#define W 800
#define H 600

static int64_t fake_now;

static int64_t fake_clock(void *opaque)
{
    return fake_now;
}

/* A guest-like test pattern: vertical colour bars. */
static pixman_image_t *pattern(void)
{
    static const uint32_t bars[] = { 0xc0c0c0, 0xc0c000, 0x00c0c0, 0x00c000,
                                     0xc000c0, 0xc00000, 0x0000c0, 0x101010 };
    pixman_image_t *img = pixman_image_create_bits(PIXMAN_x8r8g8b8, W, H,
                                                   NULL, 0);
    uint32_t *p = pixman_image_get_data(img);

    for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
            p[y * W + x] = bars[x * 8 / W];
        }
    }
    return img;
}

static uint32_t px(pixman_image_t *img, int x, int y)
{
    return pixman_image_get_data(img)[y * W + x] & 0xffffff;
}

static void keep(pixman_image_t *img, const char *name)
{
    const char *dir = g_getenv("PLIMSOLL_TEST_OUTDIR");
    g_autofree char *path = NULL;

    if (dir) {
        path = g_build_filename(dir, name, NULL);
        screendump_save(img, path, SCREENDUMP_FORMAT_PNG, &error_abort);
    }
}

/* Pixels inside @box differing from @ref, and how many look amber. */
static void count_changes(pixman_image_t *img, pixman_image_t *ref,
                          pixman_box32_t box, int *changed, int *amber)
{
    *changed = *amber = 0;
    for (int y = box.y1; y < box.y2; y++) {
        for (int x = box.x1; x < box.x2; x++) {
            uint32_t v = px(img, x, y);
            int r = v >> 16, g = (v >> 8) & 0xff, b = v & 0xff;

            *changed += v != px(ref, x, y);
            *amber += r > 200 && g > 120 && g < 200 && b < 90;
        }
    }
}

static Overlay *new_overlay(void)
{
    return overlay_new(NULL, &error_abort);
}

static void test_toast(void)
{
    Overlay *ov = new_overlay();
    NotifModel *m = notif_model_new(fake_clock, NULL);
    pixman_image_t *ref = pattern(), *img = pattern();
    pixman_box32_t box;
    int changed, amber, total;

    fake_now = 0;
    g_assert_false(overlay_render(ov, m, img));
    g_assert_false(overlay_toast_rect(ov, &box));
    notif_model_toast(m, NOTIF_WARNING, "BLOCK_WRITE_THRESHOLD",
                      "Disk almost full",
                      "Disk 'disk0' passed its high-water mark (1 GiB) by "
                      "3 MiB");
    fake_now = 2000; /* fully opaque */
    g_assert_true(overlay_render(ov, m, img));
    keep(img, "overlay-toast.png");
    g_assert_true(overlay_toast_rect(ov, &box));
    /* Top-right, 10 px from the edges, a sensible size. */
    g_assert_cmpint(box.x2, ==, W - 10);
    g_assert_cmpint(box.y1, ==, 10);
    g_assert_cmpint(box.x2 - box.x1, >, 200);
    g_assert_cmpint(box.x2 - box.x1, <=, 480);
    g_assert_cmpint(box.y2 - box.y1, >, 40);
    g_assert_cmpint(box.y2 - box.y1, <, 150);

    count_changes(img, ref, box, &changed, &amber);
    total = (box.x2 - box.x1) * (box.y2 - box.y1);
    /* The box covers the guest; amber title, border and icon are drawn. */
    g_assert_cmpint(changed, >, total * 9 / 10);
    g_assert_cmpint(amber, >, 150);
    /* Light body text on the dark box. */
    int light = 0;
    for (int y = box.y1; y < box.y2; y++) {
        for (int x = box.x1; x < box.x2; x++) {
            light += (px(img, x, y) & 0xf0f0f0) == 0xe0e0e0;
        }
    }
    g_assert_cmpint(light, >, 100);
    /* Nothing else was touched. */
    count_changes(img, ref, (pixman_box32_t){ 0, box.y2 + 1, W, H }, &changed,
                  &amber);
    g_assert_cmpint(changed, ==, 0);
    count_changes(img, ref, (pixman_box32_t){ 0, 0, box.x1 - 1, H },
                  &changed, &amber);
    g_assert_cmpint(changed, ==, 0);

    /* Fading: at 5 % of its life the toast is half transparent. */
    int full_amber = amber;
    pixman_image_unref(img);
    img = pattern();
    fake_now = 200;
    overlay_render(ov, m, img);
    count_changes(img, ref, box, &changed, &full_amber);
    g_assert_cmpint(full_amber, <, 50);
    g_assert_cmpint(changed, >, total / 2);

    /* Expired: nothing drawn. */
    pixman_image_unref(img);
    img = pattern();
    fake_now = 4000;
    notif_model_tick(m);
    g_assert_false(overlay_render(ov, m, img));

    pixman_image_unref(img);
    pixman_image_unref(ref);
    notif_model_free(m);
    overlay_free(ov);
}

static int resumed;

static bool fake_resume(void *opaque, Error **errp)
{
    resumed++;
    return true;
}

static void test_modal(void)
{
    Overlay *ov = new_overlay();
    NotifModel *m = notif_model_new(fake_clock, NULL);
    NotifActions acts = { .resume = fake_resume };
    pixman_image_t *ref = pattern(), *img = pattern();
    struct json_object *ev = json_tokener_parse(
        "{\"device\": \"disk0\", \"operation\": \"write\", \"action\": "
        "\"stop\", \"nospace\": true, \"reason\": \"No space left on "
        "device\"}");
    NotifButton hit = 0;
    int hx = 0, hy = 0;

    fake_now = 0;
    notif_model_set_actions(m, &acts);
    notif_model_set_toasts_enabled(m, false);
    notif_model_event(m, "BLOCK_IO_ERROR", ev);
    json_object_put(ev);
    notif_model_event(m, "STOP", NULL);
    g_assert_true(overlay_render(ov, m, img));
    keep(img, "overlay-modal.png");

    /* Corners dimmed: darker than the guest, not black. */
    uint32_t c = px(img, 5, H - 5), r = px(ref, 5, H - 5);
    g_assert_cmpuint((c >> 16) & 0xff, <, (r >> 16) & 0xff);
    g_assert_cmpuint((c >> 16) & 0xff, >, 0);
    /* The card sits in the middle and is dark grey. */
    uint32_t mid = px(img, W / 2, H / 2);
    g_assert_cmpuint(mid, !=, px(ref, W / 2, H / 2));

    /* Find the Resume button by scanning for a hit. */
    for (int y = 0; y < H && !hit; y += 4) {
        for (int x = 0; x < W && !hit; x += 4) {
            if (overlay_hit(ov, x, y) == NOTIF_BUTTON_RESUME) {
                hit = NOTIF_BUTTON_RESUME;
                hx = x;
                hy = y;
            }
        }
    }
    g_assert_cmpint(hit, ==, NOTIF_BUTTON_RESUME);
    g_assert_cmpint(hx, >, W / 2 - 260);
    g_assert_cmpint(hy, >, H / 2);
    g_assert_cmpint(overlay_hit(ov, 1, 1), ==, 0);
    g_assert_true(notif_model_press(m, overlay_hit(ov, hx, hy),
                                    &error_abort));
    g_assert_cmpint(resumed, ==, 1);

    /* No modal any more: nothing to hit. */
    pixman_image_unref(img);
    img = pattern();
    overlay_render(ov, m, img);
    g_assert_cmpint(overlay_hit(ov, hx, hy), ==, 0);

    pixman_image_unref(img);
    pixman_image_unref(ref);
    notif_model_free(m);
    overlay_free(ov);
}

static void test_history_and_small(void)
{
    Overlay *ov = new_overlay();
    NotifModel *m = notif_model_new(fake_clock, NULL);
    pixman_image_t *ref = pattern(), *img = pattern();
    pixman_image_t *tiny;
    int changed, amber;

    for (int i = 0; i < 3; i++) {
        notif_model_toast(m, NOTIF_INFO, "UI", "Screenshot saved",
                          "/tmp/shot.png");
    }
    notif_model_set_toasts_enabled(m, false);
    notif_model_toggle_history(m);
    g_assert_true(overlay_render(ov, m, img));
    keep(img, "overlay-history.png");
    count_changes(img, ref, (pixman_box32_t){ 10, 10, 300, 60 }, &changed,
                  &amber);
    g_assert_cmpint(changed, >, 5000);

    /* A window too small for cards draws nothing and does not crash. */
    tiny = pixman_image_create_bits(PIXMAN_x8r8g8b8, 50, 20, NULL, 0);
    g_assert_false(overlay_render(ov, m, tiny));
    pixman_image_unref(tiny);

    pixman_image_unref(img);
    pixman_image_unref(ref);
    notif_model_free(m);
    overlay_free(ov);
}

/* The corruption modal: Dismiss and Power off, no Resume. */
static void test_corrupt_modal(void)
{
    Overlay *ov = new_overlay();
    NotifModel *m = notif_model_new(fake_clock, NULL);
    pixman_image_t *img = pattern();
    struct json_object *ev = json_tokener_parse(
        "{\"device\": \"disk0\", \"node-name\": \"fmt0\", \"msg\": "
        "\"Preventing invalid write on metadata (overlaps with refcount "
        "table)\", \"offset\": 65536, \"size\": 65536, \"fatal\": true}");
    bool seen[8] = { false };

    fake_now = 0;
    notif_model_event(m, "BLOCK_IMAGE_CORRUPTED", ev);
    json_object_put(ev);
    notif_model_toggle_history(m);
    g_assert_true(overlay_render(ov, m, img));
    keep(img, "overlay-corrupt.png");
    for (int y = 0; y < H; y += 3) {
        for (int x = 0; x < W; x += 3) {
            seen[overlay_hit(ov, x, y)] = true;
        }
    }
    g_assert_true(seen[NOTIF_BUTTON_DISMISS]);
    g_assert_true(seen[NOTIF_BUTTON_POWER_OFF]);
    g_assert_false(seen[NOTIF_BUTTON_RESUME]);
    pixman_image_unref(img);
    notif_model_free(m);
    overlay_free(ov);
}

static void test_missing_font(void)
{
    Error *err = NULL;

    g_assert_null(overlay_new("/nonexistent", &err));
    g_assert_nonnull(strstr(error_get_pretty(err), "fonts-dejavu-core"));
    error_free(err);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/ui/overlay/toast", test_toast);
    g_test_add_func("/ui/overlay/modal", test_modal);
    g_test_add_func("/ui/overlay/history", test_history_and_small);
    g_test_add_func("/ui/overlay/corrupt-modal", test_corrupt_modal);
    g_test_add_func("/ui/overlay/missing-font", test_missing_font);
    return g_test_run();
}
