/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -display none|sdl: option parsing, display-server detection, and the glue
 * between the run state, the event bus, the notification model and the
 * front end.  See include/ui/display.h.
 *
 * Deviation: QEMU accepts -display gtk, vnc, curses, egl-headless, dbus,
 * cocoa; Plimsoll has only none and sdl.
 */
#include "ui/display.h"

#include "config-host.h"

#include <stdio.h>
#include <string.h>
#include <glib.h>

#if CONFIG_SDL
#include <SDL.h>
#endif

#include "system/runstate.h"
#include "ui/disk-names.h"
#include "ui/display-int.h"

static struct {
    bool started;
    DisplayType type;
    DisplayOptions opts;
    NotifModel *model;
    Overlay *overlay;
    char *vm_name;
} dpy;

/* ---- option parsing ----------------------------------------------------- */

static bool display_parse_onoff(const char *key, const char *val, bool *out,
                                Error **errp)
{
    static const char *const on[] = { "on", "yes", "true" };
    static const char *const off[] = { "off", "no", "false" };

    for (size_t i = 0; i < G_N_ELEMENTS(on); i++) {
        if (!strcmp(val, on[i]) || !strcmp(val, off[i])) {
            *out = !strcmp(val, on[i]);
            return true;
        }
    }
    error_setg(errp, "Parameter '%s' expects 'on' or 'off'", key);
    return false;
}

static bool display_parse_gl(const char *val, bool *out, Error **errp)
{
    static const char *const gl_values[] = { "on", "core", "es", "off" };

    for (size_t i = 0; i < G_N_ELEMENTS(gl_values); i++) {
        if (!strcmp(val, gl_values[i])) {
            *out = strcmp(val, "off") != 0;
            return true;
        }
    }
    error_setg(errp, "Parameter 'gl' does not accept value '%s'", val);
    return false;
}

/* Split @spec at single commas; ",," stands for a literal comma. */
static GPtrArray *display_split(const char *spec)
{
    GPtrArray *parts = g_ptr_array_new_with_free_func(g_free);
    GString *cur = g_string_new(NULL);

    for (const char *p = spec; *p; p++) {
        if (*p == ',' && p[1] == ',') {
            g_string_append_c(cur, ',');
            p++;
        } else if (*p == ',') {
            g_ptr_array_add(parts, g_string_free(cur, FALSE));
            cur = g_string_new(NULL);
        } else {
            g_string_append_c(cur, *p);
        }
    }
    g_ptr_array_add(parts, g_string_free(cur, FALSE));
    return parts;
}

static bool display_parse_key(DisplayOptions *opts, const char *key,
                              const char *val, Error **errp)
{
    bool sdl = opts->type != DISPLAY_TYPE_NONE;

    if (!strcmp(key, "notifications-log")) {
        g_free(opts->notifications_log);
        opts->notifications_log = g_strdup(val);
        return true;
    }
    if (!strcmp(key, "notifications")) {
        return display_parse_onoff(key, val, &opts->notifications, errp);
    }
    if (sdl && !strcmp(key, "gl")) {
        return display_parse_gl(val, &opts->gl, errp);
    }
    if (sdl && !strcmp(key, "full-screen")) {
        return display_parse_onoff(key, val, &opts->full_screen, errp);
    }
    if (sdl && !strcmp(key, "window-close")) {
        return display_parse_onoff(key, val, &opts->window_close, errp);
    }
    error_setg(errp, "Invalid parameter '%s'", key);
    return false;
}

bool display_parse(const char *spec, DisplayOptions *opts, Error **errp)
{
    g_autoptr(GPtrArray) parts = display_split(spec);
    const char *type = g_ptr_array_index(parts, 0);

    *opts = (DisplayOptions){ .notifications = true, .window_close = true };
    if (!strcmp(type, "none")) {
        opts->type = DISPLAY_TYPE_NONE;
    } else if (!strcmp(type, "sdl")) {
        opts->type = DISPLAY_TYPE_SDL;
    } else if (!strcmp(type, "default") || !*type) {
        opts->type = DISPLAY_TYPE_DEFAULT;
    } else {
        error_setg(errp, "Display '%s' is not available (use sdl or none)",
                   type);
        return false;
    }
    for (unsigned i = 1; i < parts->len; i++) {
        const char *kv = g_ptr_array_index(parts, i);
        const char *eq = strchr(kv, '=');
        g_autofree char *key = eq ? g_strndup(kv, eq - kv) : g_strdup(kv);

        if (!eq) {
            error_setg(errp, "Parameter '%s' is missing a value", key);
            display_options_clear(opts);
            return false;
        }
        if (!display_parse_key(opts, key, eq + 1, errp)) {
            display_options_clear(opts);
            return false;
        }
    }
    return true;
}

void display_options_clear(DisplayOptions *opts)
{
    g_free(opts->notifications_log);
    opts->notifications_log = NULL;
}

/* ---- display server ------------------------------------------------------ */

bool display_server_available(char **why)
{
#if CONFIG_SDL
    const char *x = g_getenv("DISPLAY");
    const char *wl = g_getenv("WAYLAND_DISPLAY");

    if ((!x || !*x) && (!wl || !*wl)) {
        if (why) {
            *why = g_strdup("neither DISPLAY nor WAYLAND_DISPLAY is set");
        }
        return false;
    }
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) < 0) {
        if (why) {
            *why = g_strdup_printf("cannot reach the display server: %s",
                                   SDL_GetError());
        }
        return false;
    }
    SDL_QuitSubSystem(SDL_INIT_VIDEO);
    return true;
#else
    if (why) {
        *why = g_strdup("Plimsoll was built without SDL2");
    }
    return false;
#endif
}

/* ---- run state and actions ---------------------------------------------- */

static void display_kick(void *opaque)
{
#if CONFIG_SDL
    if (dpy.type == DISPLAY_TYPE_SDL) {
        sdl2_display_kick();
    }
#endif
}

static void display_runstate_hook(RunStateNotice notice, RunState old_state,
                                  RunState new_state, ShutdownCause cause,
                                  void *opaque)
{
    if (notice == RUNSTATE_NOTICE_STATE && dpy.model) {
        notif_model_runstate(dpy.model, old_state, new_state);
        display_kick(NULL);
    }
}

static bool display_resume(void *opaque, Error **errp)
{
    return vm_start(errp);
}

void display_power_off(void)
{
    system_shutdown_request(SHUTDOWN_CAUSE_HOST_UI);
}

static void display_power_off_action(void *opaque)
{
    display_power_off();
}

static const NotifActions display_actions = {
    .resume = display_resume,
    .power_off = display_power_off_action,
};

/* ---- start and stop ------------------------------------------------------ */

/* Resolve "default" to sdl or none, saying why on stderr. */
static void display_pick_default(DisplayOptions *opts)
{
    g_autofree char *why = NULL;

    if (opts->type != DISPLAY_TYPE_DEFAULT) {
        return;
    }
    if (display_server_available(&why)) {
        opts->type = DISPLAY_TYPE_SDL;
        return;
    }
    info_report("no display available (%s); running headless", why);
    opts->type = DISPLAY_TYPE_NONE;
}

static bool display_start_model(Error **errp)
{
    Error *local = NULL;

    dpy.model = notif_model_new(NULL, NULL);
    notif_model_set_actions(dpy.model, &display_actions);
    notif_model_set_toasts_enabled(dpy.model, dpy.opts.notifications);
    notif_model_set_changed_cb(dpy.model, display_kick, NULL);
    notif_model_set_disk_namer(dpy.model, ui_disk_name, NULL);
    if (!notif_model_set_log_file(dpy.model, dpy.opts.notifications_log,
                                  errp)) {
        return false;
    }
    notif_model_subscribe(dpy.model, NULL);
    notif_model_runstate(dpy.model, RUN_STATE_PRELAUNCH, runstate_get());
    runstate_add_hook(display_runstate_hook, NULL);
    dpy.overlay = overlay_new(NULL, &local);
    if (!dpy.overlay) {
        /* Headless, the log still works; a window needs the overlay. */
        if (dpy.opts.type == DISPLAY_TYPE_SDL) {
            error_propagate(errp, local);
            return false;
        }
        warn_report_err(local);
    }
    return true;
}

bool display_init(const char *spec, Error **errp)
{
    if (dpy.started) {
        error_setg(errp, "the display is already initialised");
        return false;
    }
    if (!display_parse(spec, &dpy.opts, errp)) {
        return false;
    }
    display_pick_default(&dpy.opts);
    dpy.started = true;
    dpy.type = dpy.opts.type;
    if (!display_start_model(errp)) {
        display_cleanup();
        return false;
    }
#if CONFIG_SDL
    if (dpy.type == DISPLAY_TYPE_SDL && !sdl2_display_init(&dpy.opts, errp)) {
        display_cleanup();
        return false;
    }
#else
    if (dpy.type == DISPLAY_TYPE_SDL) {
        error_setg(errp, "Plimsoll was built without SDL2");
        display_cleanup();
        return false;
    }
#endif
    return true;
}

void display_cleanup(void)
{
    if (!dpy.started) {
        return;
    }
#if CONFIG_SDL
    if (dpy.type == DISPLAY_TYPE_SDL) {
        sdl2_display_cleanup();
    }
#endif
    if (dpy.model) {
        runstate_remove_hook(display_runstate_hook, NULL);
    }
    overlay_free(dpy.overlay);
    notif_model_free(dpy.model);
    display_options_clear(&dpy.opts);
    g_free(dpy.vm_name);
    memset(&dpy, 0, sizeof(dpy));
}

void display_set_vm_name(const char *name)
{
    g_free(dpy.vm_name);
    dpy.vm_name = g_strdup(name);
    display_kick(NULL);
}

NotifModel *display_notifications(void)
{
    return dpy.model;
}

DisplayType display_type(void)
{
    return dpy.started ? dpy.type : DISPLAY_TYPE_NONE;
}

Overlay *display_overlay(void)
{
    return dpy.overlay;
}

Console *display_console(void)
{
    return console_get(0);
}

char *display_title(void)
{
    const char *tag = dpy.model ? notif_model_title_tag(dpy.model) : "";

    if (dpy.vm_name && *dpy.vm_name) {
        return g_strdup_printf("%s - Plimsoll%s", dpy.vm_name, tag);
    }
    return g_strdup_printf("Plimsoll%s", tag);
}

/* ---- what the window shows ------------------------------------------------ */

void display_layout(int gw, int gh, int ww, int wh, pixman_box32_t *out)
{
    int64_t w = ww, h = wh;

    if (gw <= 0 || gh <= 0 || ww <= 0 || wh <= 0) {
        *out = (pixman_box32_t){ 0, 0, 0, 0 };   /* nothing to show */
        return;
    }
    /* Fit by the tighter dimension: w/gw vs h/gh, in integers. */
    if ((int64_t)ww * gh > (int64_t)wh * gw) {
        w = (int64_t)gw * wh / gh;
    } else {
        h = (int64_t)gh * ww / gw;
    }
    out->x1 = (ww - w) / 2;
    out->y1 = (wh - h) / 2;
    out->x2 = out->x1 + w;
    out->y2 = out->y1 + h;
}

/* Scale @s into @box of @dst (bilinear unless 1:1). */
static void display_compose_guest(DisplaySurface *s, pixman_image_t *dst,
                                  const pixman_box32_t *box)
{
    int gw = surface_width(s), gh = surface_height(s);
    int bw = box->x2 - box->x1, bh = box->y2 - box->y1;
    pixman_transform_t t;

    if (bw <= 0 || bh <= 0) {
        return;
    }
    pixman_transform_init_scale(&t, pixman_int_to_fixed(gw) / bw,
                                pixman_int_to_fixed(gh) / bh);
    pixman_image_set_transform(s->image, &t);
    pixman_image_set_filter(s->image,
                            bw == gw && bh == gh ? PIXMAN_FILTER_NEAREST
                                                 : PIXMAN_FILTER_BILINEAR,
                            NULL, 0);
    pixman_image_composite32(PIXMAN_OP_SRC, s->image, NULL, dst, 0, 0, 0, 0,
                             box->x1, box->y1, bw, bh);
    pixman_image_set_transform(s->image, NULL);
    pixman_image_set_filter(s->image, PIXMAN_FILTER_NEAREST, NULL, 0);
}

pixman_image_t *display_compose_window(Error **errp)
{
    Console *con = display_console();
    DisplaySurface *s;
    int ww, wh;
    pixman_image_t *img;
    pixman_box32_t box;

    if (!dpy.started) {
        error_setg(errp, "no display is running");
        return NULL;
    }
    /* The update may replace the surface (a mode change): read it after. */
    if (con) {
        console_hw_update(con);
    }
    s = con ? console_surface(con) : NULL;
    ww = s ? surface_width(s) : 640;
    wh = s ? surface_height(s) : 480;
#if CONFIG_SDL
    if (dpy.type == DISPLAY_TYPE_SDL) {
        sdl2_window_size(&ww, &wh);
    }
#endif
    img = pixman_image_create_bits(PIXMAN_x8r8g8b8, ww, wh, NULL, 0);
    if (!img) {
        error_setg(errp, "out of memory for a %dx%d window image", ww, wh);
        return NULL;
    }
    if (s) {
        display_layout(surface_width(s), surface_height(s), ww, wh, &box);
        display_compose_guest(s, img, &box);
    }
    if (dpy.overlay) {
        notif_model_tick(dpy.model);
        overlay_render(dpy.overlay, dpy.model, img);
    }
    return img;
}
