/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for screendump (ui/screendump.c): PPM and PNG round trips of
 * a console's surface (including a 16 bpp device framebuffer), QMP-style
 * argument errors (format, device, head, unwritable file).
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <png.h>
#include <string.h>

#include "ui/console.h"
#include "ui/screendump.h"

static char *tmpdir;

static char *tmp_path(const char *name)
{
    return g_build_filename(tmpdir, name, NULL);
}

/* Fill @s with a pattern whose every pixel differs from its neighbours. */
static void draw_pattern(DisplaySurface *s)
{
    uint32_t *p = (uint32_t *)surface_data(s);
    int w = surface_width(s), stride = surface_stride(s) / 4;

    for (int y = 0; y < surface_height(s); y++) {
        for (int x = 0; x < w; x++) {
            p[y * stride + x] = (x * 7 & 0xff) << 16 | (y * 13 & 0xff) << 8 |
                                ((x + y) & 0xff);
        }
    }
}

static uint32_t expected(int x, int y)
{
    return (x * 7 & 0xff) << 16 | (y * 13 & 0xff) << 8 | ((x + y) & 0xff);
}

static void test_ppm(void)
{
    Console *con = console_create("video0", 0, NULL, NULL);
    g_autofree char *path = tmp_path("a.ppm");
    g_autofree char *data = NULL;
    gsize len;
    const char header[] = "P6\n321 200\n255\n";
    const uint8_t *rgb;

    draw_pattern(console_resize(con, 321, 200, &error_abort));
    g_assert_true(screendump(path, NULL, false, 0, NULL, &error_abort));
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    g_assert_cmpuint(len, ==, strlen(header) + 321 * 200 * 3);
    g_assert_cmpmem(data, strlen(header), header, strlen(header));
    rgb = (const uint8_t *)data + strlen(header);
    for (int y = 0; y < 200; y += 17) {
        for (int x = 0; x < 321; x += 11) {
            const uint8_t *q = rgb + (y * 321 + x) * 3;

            g_assert_cmphex(q[0] << 16 | q[1] << 8 | q[2], ==, expected(x, y));
        }
    }
    console_destroy(con);
}

static void test_png(void)
{
    Console *con = console_create("video0", 0, NULL, NULL);
    g_autofree char *path = tmp_path("a.png");
    png_image png = { .version = PNG_IMAGE_VERSION };
    g_autofree uint8_t *rgb = NULL;

    draw_pattern(console_resize(con, 64, 48, &error_abort));
    g_assert_true(screendump(path, "video0", true, 0, "png", &error_abort));
    g_assert_true(png_image_begin_read_from_file(&png, path));
    g_assert_cmpuint(png.width, ==, 64);
    g_assert_cmpuint(png.height, ==, 48);
    /* 8-bit RGB, no alpha, as QEMU writes it. */
    g_assert_cmphex(png.format, ==, PNG_FORMAT_RGB);
    rgb = g_malloc(PNG_IMAGE_SIZE(png));
    g_assert_true(png_image_finish_read(&png, NULL, rgb, 0, NULL));
    for (int y = 0; y < 48; y++) {
        for (int x = 0; x < 64; x++) {
            const uint8_t *q = rgb + (y * 64 + x) * 3;

            g_assert_cmphex(q[0] << 16 | q[1] << 8 | q[2], ==, expected(x, y));
        }
    }
    console_destroy(con);
}

static void test_borrowed_16bpp(void)
{
    Console *con = console_create("vga", 0, NULL, NULL);
    g_autofree char *path = tmp_path("b.ppm");
    g_autofree char *data = NULL;
    uint16_t fb[4 * 2] = { 0xf800, 0x07e0, 0x001f, 0xffff,
                           0, 0, 0, 0 };
    const uint8_t *q;
    gsize len;

    console_set_surface(con, surface_create_from(4, 2, PIXMAN_r5g6b5, 8, fb,
                                                 &error_abort));
    g_assert_true(screendump(path, "vga", false, 0, "ppm", &error_abort));
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    q = (const uint8_t *)data + strlen("P6\n4 2\n255\n");
    g_assert_cmpuint(q[0], ==, 0xff);  /* red */
    g_assert_cmpuint(q[4], ==, 0xff);  /* green */
    g_assert_cmpuint(q[8], ==, 0xff);  /* blue */
    g_assert_cmpuint(q[9] & q[10] & q[11], ==, 0xff);
    console_destroy(con);
}

static void test_errors(void)
{
    Console *con;
    g_autofree char *path = tmp_path("c.ppm");
    Error *err = NULL;

    g_assert_false(screendump(path, NULL, false, 0, NULL, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "There is no console to take a screendump from");
    error_free_or_abort(&err);

    con = console_create("video0", 0, NULL, NULL);
    g_assert_false(screendump(path, NULL, false, 0, "jpeg", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'format' does not accept value 'jpeg'");
    error_free_or_abort(&err);
    g_assert_false(screendump(path, "nope", false, 0, NULL, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Device 'nope' not found");
    error_free_or_abort(&err);
    g_assert_false(screendump(path, "video0", true, 1, NULL, &err));
    error_free_or_abort(&err);
    g_assert_false(screendump(path, NULL, true, -1, NULL, &err));
    error_free_or_abort(&err);
    g_assert_false(screendump(path, NULL, true, (int64_t)1 << 40, NULL, &err));
    error_free_or_abort(&err);
    g_assert_false(screendump("/nonexistent/dir/x.ppm", NULL, false, 0, NULL,
                              &err));
    g_assert_nonnull(strstr(error_get_pretty(err), "Could not open"));
    error_free_or_abort(&err);
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    console_destroy(con);
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp("screendump-XXXXXX", NULL);
    g_test_add_func("/ui/screendump/ppm", test_ppm);
    g_test_add_func("/ui/screendump/png", test_png);
    g_test_add_func("/ui/screendump/borrowed-16bpp", test_borrowed_16bpp);
    g_test_add_func("/ui/screendump/errors", test_errors);
    ret = g_test_run();
    for (const char *f = "a.ppm\0a.png\0b.ppm\0c.ppm\0"; *f;
         f += strlen(f) + 1) {
        g_autofree char *p = tmp_path(f);

        g_unlink(p);
    }
    g_rmdir(tmpdir);
    g_free(tmpdir);
    return ret;
}
