/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What ui/display.c shares with the SDL front end (ui/sdl2*.c); not a
 * public interface.
 */
#ifndef UI_DISPLAY_INT_H
#define UI_DISPLAY_INT_H

#include <stdbool.h>
#include <pixman.h>

#include "ui/console.h"
#include "ui/display.h"
#include "ui/notifications.h"
#include "ui/overlay.h"

/**
 * display_layout() - where a @gw x @gh guest goes in a @ww x @wh window:
 * scaled to fit with its aspect ratio kept, centred; into @out.
 */
void display_layout(int gw, int gh, int ww, int wh, pixman_box32_t *out);

/** display_title() - "NAME - Plimsoll" plus the run-state tag; g_free. */
char *display_title(void);

/** display_overlay() - the overlay renderer, or NULL without fonts. */
Overlay *display_overlay(void);

/** display_console() - the console shown (the first one), or NULL. */
Console *display_console(void);

/** display_power_off() - the window-close button / Power off path. */
void display_power_off(void);

/* The SDL front end (ui/sdl2.c). */
bool sdl2_display_init(const DisplayOptions *opts, Error **errp);
void sdl2_display_cleanup(void);
/** sdl2_display_kick() - something changed: draw a frame soon. */
void sdl2_display_kick(void);
/** sdl2_frames_drawn() - frames presented so far (tests: idle = none). */
unsigned sdl2_frames_drawn(void);
/** sdl2_window_size() - the drawable size in pixels; false if no window. */
bool sdl2_window_size(int *w, int *h);

#endif /* UI_DISPLAY_INT_H */
