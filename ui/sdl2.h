/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The two ways the SDL window puts pixels on screen: the SDL renderer
 * (ui/sdl2-2d.c, gl=off) and OpenGL through libepoxy (ui/sdl2-gl.c,
 * gl=on).  ui/sdl2.c owns the window, events and timing and calls these.
 * Internal to ui/.
 */
#ifndef UI_SDL2_H
#define UI_SDL2_H

#include <stdbool.h>
#include <pixman.h>
#include <SDL.h>

#include "ui/surface.h"
#include "util/error.h"

/**
 * struct Sdl2Renderer - one way of drawing the window.
 * @name: "gl" or "2d", for messages.
 * @window_flags: extra SDL_CreateWindow flags (SDL_WINDOW_OPENGL).
 * @init: set up on @win; false with *errp on failure.
 * @drawable_size: the window's size in pixels.
 * @guest_resize: the guest surface is now @w x @h (re-create textures).
 * @guest_update: upload @box of the 32-bit x8r8g8b8 image @src.
 * @overlay_resize: the overlay is now @w x @h (the drawable size).
 * @overlay_update: upload @box of the premultiplied a8r8g8b8 @src.
 * @draw: clear to black, draw the guest into @dst, the overlay over the
 *        whole window when @with_overlay, and present.
 * @cleanup: release everything (the window itself stays).
 */
typedef struct Sdl2Renderer {
    const char *name;
    uint32_t window_flags;
    bool (*init)(SDL_Window *win, Error **errp);
    void (*drawable_size)(int *w, int *h);
    void (*guest_resize)(int w, int h);
    void (*guest_update)(pixman_image_t *src, const pixman_box32_t *box);
    void (*overlay_resize)(int w, int h);
    void (*overlay_update)(pixman_image_t *src, const pixman_box32_t *box);
    void (*draw)(const pixman_box32_t *dst, bool with_overlay);
    void (*cleanup)(void);
} Sdl2Renderer;

extern const Sdl2Renderer sdl2_renderer_2d;
extern const Sdl2Renderer sdl2_renderer_gl;

#endif /* UI_SDL2_H */
