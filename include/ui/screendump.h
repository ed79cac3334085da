/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * screendump: the guest display, or the window as a person sees it, to a
 * file.  QMP's screendump command (QEMU 7.1+: filename, device, head,
 * format "ppm"|"png", default ppm) wraps screendump(); the output matches
 * QEMU's: binary PPM "P6\n<w> <h>\n255\n" + RGB, or 8-bit RGB PNG.
 * Plimsoll's extension screendump_window() captures the window contents:
 * the guest scaled as shown plus the notification overlay.
 */
#ifndef UI_SCREENDUMP_H
#define UI_SCREENDUMP_H

#include <stdbool.h>
#include <stdint.h>
#include <pixman.h>

#include "util/error.h"

typedef enum ScreendumpFormat {
    SCREENDUMP_FORMAT_PPM,
    SCREENDUMP_FORMAT_PNG,
} ScreendumpFormat;

/**
 * screendump_parse_format() - "ppm" or "png"; anything else fails like
 * QEMU: "Parameter 'format' does not accept value 'jpeg'".
 */
bool screendump_parse_format(const char *name, ScreendumpFormat *out,
                             Error **errp);

/**
 * screendump_save() - write @img (x8r8g8b8 or a8r8g8b8; alpha dropped) to
 * @filename in @format.  The file is created or truncated.
 */
bool screendump_save(pixman_image_t *img, const char *filename,
                     ScreendumpFormat format, Error **errp);

/**
 * screendump() - QMP screendump: the surface of the console of @device
 * (NULL: the first console) and @head (0 unless @has_head; not looked at
 * without @device, as in QEMU, though a negative or huge one is refused)
 * to @filename in @format (NULL: "ppm").  The device renders pending
 * changes first.
 */
bool screendump(const char *filename, const char *device, bool has_head,
                int64_t head, const char *format, Error **errp);

/**
 * screendump_window() - Plimsoll extension: what the window shows (guest
 * scaled and letterboxed as displayed, overlay on top) to @filename in
 * @format (NULL: "png").  Works headless too (-display none): the "window"
 * is then the guest size.  Fails when no display was initialised.
 */
bool screendump_window(const char *filename, const char *format,
                       Error **errp);

#endif /* UI_SCREENDUMP_H */
