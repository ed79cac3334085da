/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The notification overlay: draws the notification model's current state
 * (toast, modal, history) over an image of any size, the way
 * shared/docs/UX-NOTIFICATIONS.md 4.5 describes it:
 *  - toast: top-right, 10 px from the edges, black box at 90 % opacity
 *    with a 1 px accent border and 6 px rounded corners, an icon glyph, a
 *    bold title in the accent colour and the body below; the whole card is
 *    faded by the model's opacity;
 *  - modal: the window dimmed, a centred card with icon, title, wrapped
 *    body and buttons (Resume, Power off, Dismiss) whose positions are kept
 *    for hit testing;
 *  - history: a panel on the left listing the last notifications.
 * Accent colours: green for info, amber for warnings, red for errors.
 * Text is rasterised by SDL2_ttf with DejaVu Sans (Debian's
 * fonts-dejavu-core); no display connection is needed.
 */
#ifndef UI_OVERLAY_H
#define UI_OVERLAY_H

#include <stdbool.h>
#include <pixman.h>

#include "ui/notifications.h"
#include "util/error.h"

#define OVERLAY_FONT_DIR "/usr/share/fonts/truetype/dejavu"

typedef struct Overlay Overlay;

/**
 * overlay_new() - load the fonts.
 * @font_dir: directory holding DejaVuSans.ttf and DejaVuSans-Bold.ttf, or
 *            NULL for OVERLAY_FONT_DIR.
 * Returns NULL with *errp set when SDL2_ttf or a font is missing.
 */
Overlay *overlay_new(const char *font_dir, Error **errp);
void overlay_free(Overlay *ov);

/**
 * overlay_render() - draw @m's toast, modal and history over @dst (an
 * a8r8g8b8 or x8r8g8b8 image; a8r8g8b8 stays premultiplied).
 * Returns true when anything was drawn.
 */
bool overlay_render(Overlay *ov, NotifModel *m, pixman_image_t *dst);

/**
 * overlay_hit() - the modal button under (@x, @y) in the coordinates of
 * the last overlay_render(), or 0.
 */
NotifButton overlay_hit(Overlay *ov, int x, int y);

/**
 * overlay_toast_rect() - where the last overlay_render() put the toast
 * (false when none was drawn); for tests and the screenshot script.
 */
bool overlay_toast_rect(Overlay *ov, pixman_box32_t *out);

#endif /* UI_OVERLAY_H */
