/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Display surfaces: the pixels a display device draws and a front end shows.
 *
 * A surface is a pixman image plus the facts a front end needs.  It either
 * owns its pixels (32-bit x8r8g8b8, zeroed at creation) or borrows memory
 * the device keeps, for instance a VBE linear framebuffer in 15, 16, 24 or
 * 32 bits per pixel, which is then shown without a copy.  Front ends that
 * need 32-bit pixels convert a dirty region with surface_convert_region().
 * Pixel formats are pixman's (pixman.h, "pixman_format_code_t").
 */
#ifndef UI_SURFACE_H
#define UI_SURFACE_H

#include <stdbool.h>
#include <stdint.h>
#include <pixman.h>

#include "util/error.h"

/* Largest surface edge accepted; larger sizes come from a confused guest. */
#define SURFACE_MAX_EDGE 16384

typedef struct DisplaySurface {
    pixman_image_t *image;
    pixman_format_code_t format;
    bool borrowed;          /* pixels belong to the device, not to us */
} DisplaySurface;

/**
 * surface_create() - a new surface with its own zeroed x8r8g8b8 pixels.
 * @width: 1..SURFACE_MAX_EDGE.
 * @height: 1..SURFACE_MAX_EDGE.
 * @errp: set when the size is out of range or memory is short.
 *
 * Returns the surface (free with surface_free()) or NULL.
 */
DisplaySurface *surface_create(int width, int height, Error **errp);

/**
 * surface_create_from() - a surface over pixels the caller keeps.
 * @width, @height: size in pixels, 1..SURFACE_MAX_EDGE.
 * @format: one of PIXMAN_x8r8g8b8, PIXMAN_a8r8g8b8, PIXMAN_r8g8b8,
 *          PIXMAN_r5g6b5, PIXMAN_x1r5g5b5, PIXMAN_a8.
 * @stride: bytes per line, a multiple of 4 at least width * bytes per pixel.
 * @data: the pixels; must stay valid until surface_free().
 *
 * Returns NULL with *errp set for an unsupported format or bad geometry.
 */
DisplaySurface *surface_create_from(int width, int height,
                                    pixman_format_code_t format, int stride,
                                    void *data, Error **errp);

/** surface_free() - release @s (NULL is fine); borrowed pixels stay. */
void surface_free(DisplaySurface *s);

static inline int surface_width(const DisplaySurface *s)
{
    return pixman_image_get_width(s->image);
}

static inline int surface_height(const DisplaySurface *s)
{
    return pixman_image_get_height(s->image);
}

static inline int surface_stride(const DisplaySurface *s)
{
    return pixman_image_get_stride(s->image);
}

static inline uint8_t *surface_data(const DisplaySurface *s)
{
    return (uint8_t *)pixman_image_get_data(s->image);
}

/** surface_bytes_per_pixel() - 1..4 for the formats accepted above. */
int surface_bytes_per_pixel(const DisplaySurface *s);

/**
 * surface_convert_region() - copy @rect of @s into @dst, converting the
 * pixel format; @dst must be at least as large as @s.  Rectangles outside
 * @s are clipped.  Used by front ends that upload x8r8g8b8 textures.
 */
void surface_convert_region(const DisplaySurface *s, pixman_image_t *dst,
                            const pixman_box32_t *rect);

/**
 * surface_to_x8r8g8b8() - a new 32-bit copy of the whole surface (for
 * screendumps).  Caller unrefs the result with pixman_image_unref().
 */
pixman_image_t *surface_to_x8r8g8b8(const DisplaySurface *s);

#endif /* UI_SURFACE_H */
