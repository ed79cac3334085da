/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Display surfaces on pixman; see include/ui/surface.h.  Format conversion
 * is pixman's SRC composite, which handles every format listed there.
 */
#include "ui/surface.h"

#include <glib.h>

static const pixman_format_code_t surface_formats[] = {
    PIXMAN_x8r8g8b8, PIXMAN_a8r8g8b8, PIXMAN_r8g8b8,
    PIXMAN_r5g6b5,   PIXMAN_x1r5g5b5, PIXMAN_a8,
};

static bool surface_size_ok(int width, int height, Error **errp)
{
    if (width < 1 || height < 1 || width > SURFACE_MAX_EDGE ||
        height > SURFACE_MAX_EDGE) {
        error_setg(errp, "display surface size %dx%d out of range "
                   "(1..%d per edge)", width, height, SURFACE_MAX_EDGE);
        return false;
    }
    return true;
}

DisplaySurface *surface_create(int width, int height, Error **errp)
{
    DisplaySurface *s;
    pixman_image_t *img;

    if (!surface_size_ok(width, height, errp)) {
        return NULL;
    }
    /* pixman zeroes the pixels it allocates itself. */
    img = pixman_image_create_bits(PIXMAN_x8r8g8b8, width, height, NULL, 0);
    if (!img) {
        error_setg(errp, "out of memory for a %dx%d display surface",
                   width, height);
        return NULL;
    }
    s = g_new0(DisplaySurface, 1);
    s->image = img;
    s->format = PIXMAN_x8r8g8b8;
    return s;
}

static bool surface_format_ok(pixman_format_code_t format)
{
    for (size_t i = 0; i < G_N_ELEMENTS(surface_formats); i++) {
        if (surface_formats[i] == format) {
            return true;
        }
    }
    return false;
}

DisplaySurface *surface_create_from(int width, int height,
                                    pixman_format_code_t format, int stride,
                                    void *data, Error **errp)
{
    DisplaySurface *s;
    pixman_image_t *img;
    int bpp;

    if (!surface_size_ok(width, height, errp)) {
        return NULL;
    }
    if (!surface_format_ok(format)) {
        error_setg(errp, "unsupported display surface format 0x%x",
                   (unsigned)format);
        return NULL;
    }
    bpp = PIXMAN_FORMAT_BPP(format) / 8;
    if (!data || stride % 4 || stride < (int64_t)width * bpp) {
        error_setg(errp, "bad display surface stride %d for width %d",
                   stride, width);
        return NULL;
    }
    img = pixman_image_create_bits(format, width, height, data, stride);
    if (!img) {
        error_setg(errp, "cannot wrap a %dx%d display surface",
                   width, height);
        return NULL;
    }
    s = g_new0(DisplaySurface, 1);
    s->image = img;
    s->format = format;
    s->borrowed = true;
    return s;
}

void surface_free(DisplaySurface *s)
{
    if (!s) {
        return;
    }
    pixman_image_unref(s->image);
    g_free(s);
}

int surface_bytes_per_pixel(const DisplaySurface *s)
{
    return PIXMAN_FORMAT_BPP(s->format) / 8;
}

void surface_convert_region(const DisplaySurface *s, pixman_image_t *dst,
                            const pixman_box32_t *rect)
{
    int x1 = MAX(rect->x1, 0), y1 = MAX(rect->y1, 0);
    int x2 = MIN(rect->x2, surface_width(s));
    int y2 = MIN(rect->y2, surface_height(s));

    if (x2 <= x1 || y2 <= y1) {
        return;
    }
    pixman_image_composite32(PIXMAN_OP_SRC, s->image, NULL, dst, x1, y1, 0, 0,
                             x1, y1, x2 - x1, y2 - y1);
}

pixman_image_t *surface_to_x8r8g8b8(const DisplaySurface *s)
{
    int w = surface_width(s), h = surface_height(s);
    pixman_image_t *img =
        pixman_image_create_bits(PIXMAN_x8r8g8b8, w, h, NULL, 0);
    pixman_box32_t all = { 0, 0, w, h };

    if (img) {
        surface_convert_region(s, img, &all);
    }
    return img;
}
