/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * screendump; see include/ui/screendump.h.  PNG goes through libpng's
 * simplified write API (png_image_write_to_stdio), PPM is written by hand
 * (netpbm's P6: header, then width * height RGB triplets).
 */
#include "ui/screendump.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <glib.h>
#include <png.h>

#include "ui/console.h"

bool screendump_parse_format(const char *name, ScreendumpFormat *out,
                             Error **errp)
{
    if (!strcmp(name, "ppm")) {
        *out = SCREENDUMP_FORMAT_PPM;
    } else if (!strcmp(name, "png")) {
        *out = SCREENDUMP_FORMAT_PNG;
    } else {
        error_setg(errp, "Parameter 'format' does not accept value '%s'",
                   name);
        return false;
    }
    return true;
}

/* Packed RGB rows of @img (x8r8g8b8 or a8r8g8b8). */
static uint8_t *screendump_rgb(pixman_image_t *img, int *w, int *h)
{
    int stride;
    const uint8_t *bits;
    uint8_t *rgb, *p;

    *w = pixman_image_get_width(img);
    *h = pixman_image_get_height(img);
    stride = pixman_image_get_stride(img);
    bits = (const uint8_t *)pixman_image_get_data(img);
    rgb = g_malloc((size_t)*w * *h * 3);
    p = rgb;
    for (int y = 0; y < *h; y++) {
        const uint32_t *row = (const uint32_t *)(bits + (size_t)y * stride);

        for (int x = 0; x < *w; x++) {
            *p++ = row[x] >> 16;
            *p++ = row[x] >> 8;
            *p++ = row[x];
        }
    }
    return rgb;
}

static bool screendump_write_png(FILE *f, const uint8_t *rgb, int w, int h,
                                 Error **errp)
{
    png_image png = {
        .version = PNG_IMAGE_VERSION,
        .width = w,
        .height = h,
        .format = PNG_FORMAT_RGB,
    };

    if (!png_image_write_to_stdio(&png, f, 0, rgb, w * 3, NULL)) {
        error_setg(errp, "PNG encoding failed: %s", png.message);
        return false;
    }
    return true;
}

bool screendump_save(pixman_image_t *img, const char *filename,
                     ScreendumpFormat format, Error **errp)
{
    pixman_format_code_t fmt = pixman_image_get_format(img);
    g_autofree uint8_t *rgb = NULL;
    FILE *f;
    int w, h;
    bool ok = true;

    /* Only our own 32-bit images reach here; anything else is a bug. */
    g_assert(fmt == PIXMAN_x8r8g8b8 || fmt == PIXMAN_a8r8g8b8);
    f = fopen(filename, "wb");
    if (!f) {
        error_setg_errno(errp, errno, "Could not open '%s'", filename);
        return false;
    }
    rgb = screendump_rgb(img, &w, &h);
    if (format == SCREENDUMP_FORMAT_PNG) {
        ok = screendump_write_png(f, rgb, w, h, errp);
    } else if (fprintf(f, "P6\n%d %d\n255\n", w, h) < 0 ||
               fwrite(rgb, 3, (size_t)w * h, f) != (size_t)w * h) {
        error_setg_errno(errp, errno, "Failed to write '%s'", filename);
        ok = false;
    }
    if (fclose(f) != 0 && ok) {
        error_setg_errno(errp, errno, "Failed to write '%s'", filename);
        ok = false;
    }
    return ok;
}

bool screendump(const char *filename, const char *device, bool has_head,
                int64_t head, const char *format, Error **errp)
{
    ScreendumpFormat fmt;
    Console *con;
    pixman_image_t *img;
    bool ok;

    if (!screendump_parse_format(format ? format : "ppm", &fmt, errp)) {
        return false;
    }
    if (has_head && (head < 0 || head > INT_MAX)) {
        error_setg(errp, "Head '%" G_GINT64_FORMAT "' not found", head);
        return false;
    }
    con = device ? console_lookup(device, has_head ? (int)head : 0, errp)
                 : console_lookup(NULL, 0, errp);
    if (!con) {
        return false;
    }
    console_hw_update(con);
    img = surface_to_x8r8g8b8(console_surface(con));
    if (!img) {
        error_setg(errp, "out of memory for the screendump");
        return false;
    }
    ok = screendump_save(img, filename, fmt, errp);
    pixman_image_unref(img);
    return ok;
}
