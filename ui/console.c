/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The console layer; see include/ui/console.h.
 *
 * Each console has one lock guarding its surface pointer, dirty region,
 * mode and listeners, so a device may mark changes from a vCPU thread
 * while the window reads on the main thread.  The list of consoles is
 * changed only on the main thread during machine assembly and teardown.
 */
#include "ui/console.h"

#include <glib.h>
#include <string.h>

#define CONSOLE_MAX_LISTENERS 4

struct Console {
    GMutex lock;
    char *device_id;
    int head;
    const ConsoleHwOps *ops;
    void *opaque;
    DisplaySurface *surface;
    uint64_t generation;
    pixman_region32_t dirty;
    bool changed;
    bool text_mode;
    int cols, rows;
    int cursor_col, cursor_row;
    bool cursor_visible;
    const ConsoleListener *listeners[CONSOLE_MAX_LISTENERS];
};

static GPtrArray *consoles;

/* Called with con->lock held. */
static void console_notify_locked(Console *con)
{
    con->changed = true;
    for (int i = 0; i < CONSOLE_MAX_LISTENERS; i++) {
        if (con->listeners[i]) {
            con->listeners[i]->changed(con->listeners[i]->opaque);
        }
    }
}

/* Called with con->lock held: replace the surface, everything dirty. */
static void console_switch_locked(Console *con, DisplaySurface *s)
{
    surface_free(con->surface);
    con->surface = s;
    con->generation++;
    pixman_region32_fini(&con->dirty);
    pixman_region32_init_rect(&con->dirty, 0, 0, surface_width(s),
                              surface_height(s));
    console_notify_locked(con);
}

Console *console_create(const char *device_id, int head,
                        const ConsoleHwOps *ops, void *opaque)
{
    Console *con = g_new0(Console, 1);

    g_mutex_init(&con->lock);
    con->device_id = g_strdup(device_id ? device_id : "");
    con->head = head;
    con->ops = ops;
    con->opaque = opaque;
    pixman_region32_init(&con->dirty);
    /* 640x480 is always within the surface limits. */
    con->surface = surface_create(640, 480, &error_abort);
    pixman_region32_fini(&con->dirty);
    pixman_region32_init_rect(&con->dirty, 0, 0, 640, 480);
    con->changed = true;
    if (!consoles) {
        consoles = g_ptr_array_new();
    }
    g_ptr_array_add(consoles, con);
    return con;
}

void console_destroy(Console *con)
{
    if (!con) {
        return;
    }
    g_ptr_array_remove(consoles, con);
    if (consoles->len == 0) {
        g_ptr_array_free(consoles, TRUE);
        consoles = NULL;
    }
    surface_free(con->surface);
    pixman_region32_fini(&con->dirty);
    g_mutex_clear(&con->lock);
    g_free(con->device_id);
    g_free(con);
}

DisplaySurface *console_resize(Console *con, int width, int height,
                               Error **errp)
{
    DisplaySurface *s = surface_create(width, height, errp);

    if (!s) {
        return NULL;
    }
    g_mutex_lock(&con->lock);
    console_switch_locked(con, s);
    g_mutex_unlock(&con->lock);
    return s;
}

void console_set_surface(Console *con, DisplaySurface *s)
{
    g_mutex_lock(&con->lock);
    console_switch_locked(con, s);
    g_mutex_unlock(&con->lock);
}

DisplaySurface *console_surface(Console *con)
{
    DisplaySurface *s;

    g_mutex_lock(&con->lock);
    s = con->surface;
    g_mutex_unlock(&con->lock);
    return s;
}

void console_mark_dirty(Console *con, int x, int y, int w, int h)
{
    int sw, sh;

    g_mutex_lock(&con->lock);
    sw = surface_width(con->surface);
    sh = surface_height(con->surface);
    /* Clip in 64 bits: a device may pass any int. */
    int64_t x1 = MAX(x, 0), y1 = MAX(y, 0);
    int64_t x2 = MIN((int64_t)x + w, sw), y2 = MIN((int64_t)y + h, sh);
    if (x2 > x1 && y2 > y1) {
        pixman_region32_union_rect(&con->dirty, &con->dirty, x1, y1,
                                   x2 - x1, y2 - y1);
        console_notify_locked(con);
    }
    g_mutex_unlock(&con->lock);
}

void console_set_text_mode(Console *con, bool text, int cols, int rows)
{
    g_mutex_lock(&con->lock);
    if (con->text_mode != text || con->cols != cols || con->rows != rows) {
        con->text_mode = text;
        con->cols = text ? MAX(cols, 0) : 0;
        con->rows = text ? MAX(rows, 0) : 0;
        console_notify_locked(con);
    }
    g_mutex_unlock(&con->lock);
}

void console_set_text_cursor(Console *con, int col, int row, bool visible)
{
    g_mutex_lock(&con->lock);
    if (con->cursor_col != col || con->cursor_row != row ||
        con->cursor_visible != visible) {
        con->cursor_col = col;
        con->cursor_row = row;
        con->cursor_visible = visible;
        console_notify_locked(con);
    }
    g_mutex_unlock(&con->lock);
}

void console_get_state(Console *con, ConsoleState *out)
{
    g_mutex_lock(&con->lock);
    *out = (ConsoleState){
        .text_mode = con->text_mode,
        .cols = con->cols,
        .rows = con->rows,
        .cursor_col = con->cursor_col,
        .cursor_row = con->cursor_row,
        .cursor_visible = con->cursor_visible,
        .surface_generation = con->generation,
    };
    g_mutex_unlock(&con->lock);
}

void console_add_listener(Console *con, const ConsoleListener *l)
{
    bool added = false;

    g_mutex_lock(&con->lock);
    for (int i = 0; i < CONSOLE_MAX_LISTENERS && !added; i++) {
        if (!con->listeners[i]) {
            con->listeners[i] = l;
            added = true;
        }
    }
    g_mutex_unlock(&con->lock);
    /* A console has the window and at most a few test observers. */
    g_assert(added);
}

void console_remove_listener(Console *con, const ConsoleListener *l)
{
    g_mutex_lock(&con->lock);
    for (int i = 0; i < CONSOLE_MAX_LISTENERS; i++) {
        if (con->listeners[i] == l) {
            con->listeners[i] = NULL;
        }
    }
    g_mutex_unlock(&con->lock);
}

void console_hw_update(Console *con)
{
    if (con->ops && con->ops->gfx_update) {
        con->ops->gfx_update(con->opaque);
    }
}

bool console_has_hw_update(Console *con)
{
    return con->ops && con->ops->gfx_update;
}

void console_invalidate(Console *con)
{
    if (con->ops && con->ops->invalidate) {
        con->ops->invalidate(con->opaque);
    }
    console_mark_dirty(con, 0, 0, INT32_MAX / 2, INT32_MAX / 2);
}

bool console_take_dirty(Console *con, pixman_region32_t *out,
                        uint64_t *generation)
{
    bool changed;

    g_mutex_lock(&con->lock);
    changed = con->changed;
    pixman_region32_copy(out, &con->dirty);
    pixman_region32_clear(&con->dirty);
    con->changed = false;
    if (generation) {
        *generation = con->generation;
    }
    g_mutex_unlock(&con->lock);
    return changed;
}

Console *console_get(int index)
{
    if (!consoles || index < 0 || (unsigned)index >= consoles->len) {
        return NULL;
    }
    return g_ptr_array_index(consoles, index);
}

static bool console_device_exists(const char *device_id)
{
    for (unsigned i = 0; consoles && i < consoles->len; i++) {
        Console *con = g_ptr_array_index(consoles, i);

        if (!strcmp(con->device_id, device_id)) {
            return true;
        }
    }
    return false;
}

Console *console_lookup(const char *device_id, int head, Error **errp)
{
    for (unsigned i = 0; consoles && i < consoles->len; i++) {
        Console *con = g_ptr_array_index(consoles, i);

        if (device_id && strcmp(con->device_id, device_id)) {
            continue;
        }
        if (con->head == head) {
            return con;
        }
    }
    if (!device_id && (!consoles || !consoles->len)) {
        error_setg(errp, "There is no console to take a screendump from");
    } else if (device_id && !console_device_exists(device_id)) {
        error_set_class(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                        "Device '%s' not found", device_id);
    } else {
        error_setg(errp, "Head '%d' not found", head);
    }
    return NULL;
}

const char *console_device_id(Console *con)
{
    return con->device_id;
}
