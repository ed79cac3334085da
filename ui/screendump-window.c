/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * screendump_window(): Plimsoll's capture of the window as a person sees
 * it (include/ui/screendump.h).  Kept apart from ui/screendump.c so that
 * plain screendumps need nothing of the display's run-state glue.
 */
#include "ui/screendump.h"

#include "ui/display.h"

bool screendump_window(const char *filename, const char *format,
                       Error **errp)
{
    ScreendumpFormat fmt;
    pixman_image_t *img;
    bool ok;

    if (!screendump_parse_format(format ? format : "png", &fmt, errp)) {
        return false;
    }
    img = display_compose_window(errp);
    if (!img) {
        return false;
    }
    ok = screendump_save(img, filename, fmt, errp);
    pixman_image_unref(img);
    return ok;
}
