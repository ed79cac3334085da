/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The console layer: the meeting point of a display device and a front end.
 *
 * A display device (VGA, a test pattern) creates a console, gives it a
 * surface (console_resize() or console_set_surface()), draws into the
 * surface's pixels and marks what it changed (console_mark_dirty()).  It
 * also says whether it shows text or graphics, and where the text cursor is.
 * Devices whose pixels change behind their back (VGA video memory written
 * by the guest) supply a gfx_update hook: the front end calls it before each
 * frame through console_hw_update(), and the device then renders what
 * changed and marks it dirty.
 *
 * A front end (the SDL window, screendump) reads the surface.  It learns
 * that something changed through a listener (called in whatever thread the
 * device runs, so it must only wake the front end) and collects the changed
 * area with console_take_dirty(); when nothing changed, a frame costs one
 * locked check.  The console keeps one accumulated dirty region, so there
 * is one front end consuming it (the window); screendump reads the whole
 * surface and does not consume the region.
 *
 * Consoles are numbered in creation order; QMP's screendump names them by
 * the device id given at creation and a head number.
 */
#ifndef UI_CONSOLE_H
#define UI_CONSOLE_H

#include <stdbool.h>
#include <stdint.h>
#include <pixman.h>

#include "ui/surface.h"
#include "util/error.h"

typedef struct Console Console;

/**
 * struct ConsoleHwOps - what a display device offers its console.
 * @gfx_update: render what changed since the last call into the surface
 *              and mark it dirty; called on the main thread before a
 *              front end reads a frame.  May be NULL for devices that
 *              mark every change as they draw.
 * @invalidate: forget what was drawn; the next gfx_update redraws
 *              everything.  May be NULL.
 */
typedef struct ConsoleHwOps {
    void (*gfx_update)(void *opaque);
    void (*invalidate)(void *opaque);
} ConsoleHwOps;

/**
 * struct ConsoleListener - a front end's wake-up call.
 * @changed: something became dirty, the surface was replaced, or the
 *           mode or cursor changed.  Called in the drawing thread with the
 *           console lock held: only set a flag or wake a main loop.
 * @opaque: passed to @changed.
 */
typedef struct ConsoleListener {
    void (*changed)(void *opaque);
    void *opaque;
} ConsoleListener;

/**
 * struct ConsoleState - the non-pixel facts of a console, copied out by
 * console_get_state().
 * @text_mode: the device shows a text mode (it still renders the glyphs
 *             into the surface itself).
 * @cols, @rows: text grid size in text mode, else 0.
 * @cursor_col, @cursor_row: text cursor cell.
 * @cursor_visible: whether the text cursor is shown.
 * @surface_generation: bumped every time the surface is replaced.
 */
typedef struct ConsoleState {
    bool text_mode;
    int cols, rows;
    int cursor_col, cursor_row;
    bool cursor_visible;
    uint64_t surface_generation;
} ConsoleState;

/**
 * console_create() - register a console for a display device.
 * @device_id: the device's id as QMP names it (e.g. "video0"), or NULL.
 * @head: head number on that device (0 for single-head devices).
 * @ops: the device's hooks, or NULL; must outlive the console.
 * @opaque: passed to @ops.
 *
 * The console starts with a 640x480 black surface in graphic mode.
 * Returns the console; free it with console_destroy().
 */
Console *console_create(const char *device_id, int head,
                        const ConsoleHwOps *ops, void *opaque);

/** console_destroy() - unregister and free @con and its surface. */
void console_destroy(Console *con);

/**
 * console_resize() - replace the surface by a new zeroed x8r8g8b8 one
 * (main thread, see console_surface()).
 * Returns the new surface (owned by the console), or NULL with *errp set
 * when the size is out of range (the old surface then stays).
 */
DisplaySurface *console_resize(Console *con, int width, int height,
                               Error **errp);

/**
 * console_set_surface() - replace the surface by @s (which the console
 * now owns and frees); used for device-owned framebuffers.  The whole
 * surface is marked dirty.
 */
void console_set_surface(Console *con, DisplaySurface *s);

/**
 * console_surface() - the current surface.  Valid until the next
 * console_resize()/console_set_surface().  Those two run on the main
 * thread (from a device's gfx_update hook or with the machine lock held
 * by main-loop code), where front ends read the surface, so a front end
 * never sees it freed mid-frame.  Pixels and dirty marks may come from any
 * thread (at worst a frame shows a half-drawn update, as on hardware).
 */
DisplaySurface *console_surface(Console *con);

/**
 * console_mark_dirty() - @x, @y, @w, @h changed; clipped to the surface.
 * Safe from any thread.
 */
void console_mark_dirty(Console *con, int x, int y, int w, int h);

/** console_set_text_mode() - text (with a @cols x @rows grid) or graphic. */
void console_set_text_mode(Console *con, bool text, int cols, int rows);

/** console_set_text_cursor() - the text cursor's cell and visibility. */
void console_set_text_cursor(Console *con, int col, int row, bool visible);

/** console_get_state() - copy the mode and cursor facts into @out. */
void console_get_state(Console *con, ConsoleState *out);

/**
 * console_add_listener() - call @l->changed on every change; @l must stay
 * valid until console_remove_listener().
 */
void console_add_listener(Console *con, const ConsoleListener *l);
void console_remove_listener(Console *con, const ConsoleListener *l);

/**
 * console_hw_update() - let the device render what changed (its
 * gfx_update hook); does nothing for devices without one.  Main thread.
 */
void console_hw_update(Console *con);

/** console_has_hw_update() - the device must be polled for changes. */
bool console_has_hw_update(Console *con);

/** console_invalidate() - ask the device to redraw everything. */
void console_invalidate(Console *con);

/**
 * console_take_dirty() - hand over the accumulated dirty region.
 * @out: an initialised region; replaced by the changed area in surface
 *       coordinates (the whole surface after a surface switch).
 * @generation: if not NULL, the surface generation the region refers to.
 *
 * Returns false (and an empty @out) when nothing changed since the last
 * call.  The region is cleared.
 */
bool console_take_dirty(Console *con, pixman_region32_t *out,
                        uint64_t *generation);

/** console_get() - the @index-th console in creation order, or NULL. */
Console *console_get(int index);

/**
 * console_lookup() - the console of @device_id (NULL: the first console)
 * and @head.  NULL with *errp set when there is none.
 */
Console *console_lookup(const char *device_id, int head, Error **errp);

/** console_device_id() - the id given at creation ("" when none). */
const char *console_device_id(Console *con);

#endif /* UI_CONSOLE_H */
