/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Display start-up: -display none|sdl, the window's glue to the main loop,
 * the run state and the notification model.
 *
 * main() (on the main thread, after the machine created its consoles):
 *
 *     if (!display_init(opt_display ? opt_display : "default", &err)) ...
 *     display_set_vm_name(name);       (-name, optional)
 *     ... g_main_loop_run() on the default context ...
 *     display_cleanup();
 *
 * "default" picks sdl when display_server_available(), else none, and
 * says so on stderr.  The display attaches its own sources to the default
 * GMainContext; nothing needs to be called per iteration.  SDL runs on the
 * thread that called display_init(), which must be the one running the
 * default context.
 *
 * Spec syntax (QEMU's -display plus Plimsoll's notification options):
 *   none[,notifications-log=FILE]
 *   sdl[,gl=on|core|es|off][,notifications=on|off][,notifications-log=FILE]
 *      [,full-screen=on|off][,window-close=on|off]
 */
#ifndef UI_DISPLAY_H
#define UI_DISPLAY_H

#include <stdbool.h>
#include <pixman.h>

#include "ui/notifications.h"
#include "util/error.h"

typedef enum DisplayType {
    DISPLAY_TYPE_DEFAULT,
    DISPLAY_TYPE_NONE,
    DISPLAY_TYPE_SDL,
} DisplayType;

/**
 * struct DisplayOptions - a parsed -display spec.
 * @type: what was asked for.
 * @gl: render through OpenGL (gl=on|core|es).
 * @notifications: show toasts (modals always show).
 * @notifications_log: file for the notification log, or NULL.
 * @full_screen: start in full screen.
 * @window_close: the close button powers the VM off (default on).
 */
typedef struct DisplayOptions {
    DisplayType type;
    bool gl;
    bool notifications;
    char *notifications_log;
    bool full_screen;
    bool window_close;
} DisplayOptions;

/**
 * display_parse() - parse @spec into @opts (which the caller clears with
 * display_options_clear()).  Unknown keys or values fail with QEMU-style
 * messages ("Parameter 'gl' does not accept value 'maybe'").
 */
bool display_parse(const char *spec, DisplayOptions *opts, Error **errp);
void display_options_clear(DisplayOptions *opts);

/**
 * display_server_available() - whether an X11 or Wayland server can be
 * reached (DISPLAY / WAYLAND_DISPLAY set and SDL's video subsystem starts).
 * @why: if not NULL and the answer is no, set to a newly allocated reason.
 */
bool display_server_available(char **why);

/**
 * display_init() - start the display described by @spec.  Creates the
 * notification model (subscribed to the event bus and the run state),
 * opens the notification log, and for sdl the window on the first
 * console.  Main thread, once.
 */
bool display_init(const char *spec, Error **errp);

/** display_set_vm_name() - "-name": the window title's first part. */
void display_set_vm_name(const char *name);

/** display_notifications() - the model, or NULL before display_init(). */
NotifModel *display_notifications(void);

/** display_type() - what display_init() started (NONE when not called). */
DisplayType display_type(void);

/**
 * display_compose_window() - the window as shown: the guest scaled into
 * the window with its aspect kept, letterboxed in black, the overlay on
 * top; x8r8g8b8 at the window's pixel size (the guest size headless).
 * Caller unrefs.  NULL with *errp set before display_init().
 */
pixman_image_t *display_compose_window(Error **errp);

/** display_cleanup() - close the window and free the model. */
void display_cleanup(void);

#endif /* UI_DISPLAY_H */
