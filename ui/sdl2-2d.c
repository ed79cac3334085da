/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SDL renderer path of the window (-display sdl,gl=off): the guest is
 * an XRGB8888 texture updated on dirty rectangles, the overlay an
 * ARGB8888 texture with SDL's alpha blending.  SDL_BLENDMODE_BLEND wants
 * straight alpha, so the premultiplied overlay is converted per upload.
 */
#include "ui/sdl2.h"

#include <string.h>
#include <glib.h>

static struct {
    SDL_Renderer *ren;
    SDL_Texture *guest;
    SDL_Texture *overlay;
    int gw, gh;
    uint32_t *straight;        /* staging for one overlay upload */
    size_t straight_len;
} r2d;

static bool sdl2_2d_init(SDL_Window *win, Error **errp)
{
    r2d.ren = SDL_CreateRenderer(win, -1, 0);
    if (!r2d.ren) {
        error_setg(errp, "cannot create an SDL renderer: %s", SDL_GetError());
        return false;
    }
    return true;
}

static void sdl2_2d_drawable_size(int *w, int *h)
{
    if (SDL_GetRendererOutputSize(r2d.ren, w, h) < 0) {
        *w = *h = 0;
    }
}

static void sdl2_2d_guest_resize(int w, int h)
{
    if (r2d.guest) {
        SDL_DestroyTexture(r2d.guest);
    }
    r2d.guest = SDL_CreateTexture(r2d.ren, SDL_PIXELFORMAT_RGB888,
                                  SDL_TEXTUREACCESS_STREAMING, w, h);
    r2d.gw = w;
    r2d.gh = h;
    /* Scaled guests look better filtered. */
    if (r2d.guest) {
        SDL_SetTextureScaleMode(r2d.guest, SDL_ScaleModeLinear);
    }
}

static void sdl2_2d_guest_update(pixman_image_t *src,
                                 const pixman_box32_t *box)
{
    int stride = pixman_image_get_stride(src);
    uint8_t *bits = (uint8_t *)pixman_image_get_data(src);
    SDL_Rect rect = { box->x1, box->y1, box->x2 - box->x1, box->y2 - box->y1 };

    if (!r2d.guest || rect.w <= 0 || rect.h <= 0) {
        return;
    }
    SDL_UpdateTexture(r2d.guest, &rect,
                      bits + (size_t)box->y1 * stride + box->x1 * 4, stride);
}

static void sdl2_2d_overlay_resize(int w, int h)
{
    if (r2d.overlay) {
        SDL_DestroyTexture(r2d.overlay);
    }
    r2d.overlay = SDL_CreateTexture(r2d.ren, SDL_PIXELFORMAT_ARGB8888,
                                    SDL_TEXTUREACCESS_STREAMING, w, h);
    if (r2d.overlay) {
        SDL_SetTextureBlendMode(r2d.overlay, SDL_BLENDMODE_BLEND);
    }
}

/* Premultiplied to straight alpha, one pixel. */
static uint32_t sdl2_2d_unpremultiply(uint32_t p)
{
    uint32_t a = p >> 24;

    if (a == 0 || a == 255) {
        return p;
    }
    return a << 24 | MIN(((p >> 16) & 0xff) * 255 / a, 255u) << 16 |
           MIN(((p >> 8) & 0xff) * 255 / a, 255u) << 8 |
           MIN((p & 0xff) * 255 / a, 255u);
}

static void sdl2_2d_overlay_update(pixman_image_t *src,
                                   const pixman_box32_t *box)
{
    int w = box->x2 - box->x1, h = box->y2 - box->y1;
    int stride = pixman_image_get_stride(src) / 4;
    const uint32_t *bits = pixman_image_get_data(src);
    SDL_Rect rect = { box->x1, box->y1, w, h };

    if (!r2d.overlay || w <= 0 || h <= 0) {
        return;
    }
    if (r2d.straight_len < (size_t)w * h) {
        g_free(r2d.straight);
        r2d.straight_len = (size_t)w * h;
        r2d.straight = g_new(uint32_t, r2d.straight_len);
    }
    for (int y = 0; y < h; y++) {
        const uint32_t *row = bits + (size_t)(box->y1 + y) * stride + box->x1;

        for (int x = 0; x < w; x++) {
            r2d.straight[y * w + x] = sdl2_2d_unpremultiply(row[x]);
        }
    }
    SDL_UpdateTexture(r2d.overlay, &rect, r2d.straight, w * 4);
}

static void sdl2_2d_draw(const pixman_box32_t *dst, bool with_overlay)
{
    SDL_Rect d = { dst->x1, dst->y1, dst->x2 - dst->x1, dst->y2 - dst->y1 };

    SDL_SetRenderDrawColor(r2d.ren, 0, 0, 0, 255);
    SDL_RenderClear(r2d.ren);
    if (r2d.guest) {
        SDL_RenderCopy(r2d.ren, r2d.guest, NULL, &d);
    }
    if (with_overlay && r2d.overlay) {
        SDL_RenderCopy(r2d.ren, r2d.overlay, NULL, NULL);
    }
    SDL_RenderPresent(r2d.ren);
}

static void sdl2_2d_cleanup(void)
{
    if (r2d.guest) {
        SDL_DestroyTexture(r2d.guest);
    }
    if (r2d.overlay) {
        SDL_DestroyTexture(r2d.overlay);
    }
    if (r2d.ren) {
        SDL_DestroyRenderer(r2d.ren);
    }
    g_free(r2d.straight);
    memset(&r2d, 0, sizeof(r2d));
}

const Sdl2Renderer sdl2_renderer_2d = {
    .name = "2d",
    .init = sdl2_2d_init,
    .drawable_size = sdl2_2d_drawable_size,
    .guest_resize = sdl2_2d_guest_resize,
    .guest_update = sdl2_2d_guest_update,
    .overlay_resize = sdl2_2d_overlay_resize,
    .overlay_update = sdl2_2d_overlay_update,
    .draw = sdl2_2d_draw,
    .cleanup = sdl2_2d_cleanup,
};
