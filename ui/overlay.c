/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The notification overlay; see include/ui/overlay.h for the look.
 *
 * Each toast or modal is rendered once into a premultiplied ARGB "card"
 * (cached by notification id and width) and then composited every frame
 * with the fade as a constant mask, so an animating toast costs one pixman
 * composite per frame.  Text comes from SDL2_ttf as white glyphs whose
 * alpha channel becomes an a8 mask for a solid colour; rounded boxes are
 * a8 coverage masks computed with 4x4 supersampling at the corners.
 */
#include "ui/overlay.h"

#include "config-host.h"

#include <math.h>
#include <string.h>
#include <glib.h>

#if CONFIG_SDL_TTF
#include <SDL.h>
#include <SDL_ttf.h>

#define OV_MARGIN        10    /* distance of the toast from the edges */
#define OV_PAD           12
#define OV_RADIUS        6     /* xemu's PopupRounding */
#define OV_TOAST_WIDTH   480
#define OV_MODAL_WIDTH   520
#define OV_ICON_BOX      28
#define OV_BUTTON_W      116
#define OV_BUTTON_H      32
#define OV_MAX_BUTTONS   3
#define OV_HISTORY_WIDTH 560

typedef struct OvColor {
    uint8_t r, g, b;
} OvColor;

/* Accent per severity: xemu green (0.26, 0.66, 0.23), amber, red. */
static const OvColor ov_accent[] = {
    [NOTIF_INFO] = { 66, 168, 59 },
    [NOTIF_WARNING] = { 245, 166, 35 },
    [NOTIF_ERROR] = { 229, 72, 72 },
};

/* Icon glyphs per severity, with an ASCII fallback if the font lacks one. */
static const struct {
    uint32_t cp;
    const char *utf8;
    const char *fallback;
} ov_icon[] = {
    [NOTIF_INFO] = { 0x2714, "\u2714", "i" },
    [NOTIF_WARNING] = { 0x26A0, "\u26A0", "!" },
    [NOTIF_ERROR] = { 0x2716, "\u2716", "x" },
};

static const OvColor ov_body_color = { 230, 230, 230 };
static const OvColor ov_dim_color = { 150, 150, 150 };

static const struct {
    NotifButton button;
    const char *label;
} ov_buttons[] = {
    { NOTIF_BUTTON_RESUME, "Resume" },
    { NOTIF_BUTTON_DISMISS, "Dismiss" },
    { NOTIF_BUTTON_POWER_OFF, "Power off" },   /* the destructive one last */
};

typedef struct OvCard {
    uint64_t id;               /* notification id, 0 = empty */
    int width;
    pixman_image_t *image;     /* premultiplied a8r8g8b8 */
    int n_buttons;
    NotifButton buttons[OV_MAX_BUTTONS];
    pixman_box32_t button_box[OV_MAX_BUTTONS];   /* card coordinates */
} OvCard;

struct Overlay {
    TTF_Font *title;
    TTF_Font *body;
    TTF_Font *small;
    TTF_Font *icon;
    OvCard toast_card;
    OvCard modal_card;
    bool toast_drawn;
    pixman_box32_t toast_box;
    int n_hits;
    NotifButton hit_button[OV_MAX_BUTTONS];
    pixman_box32_t hit_box[OV_MAX_BUTTONS];       /* destination coords */
};

static pixman_color_t ov_pixman_color(OvColor c, double alpha)
{
    /* pixman colours are 16 bit per channel, premultiplied. */
    return (pixman_color_t){
        .red = (uint16_t)(c.r * 257 * alpha),
        .green = (uint16_t)(c.g * 257 * alpha),
        .blue = (uint16_t)(c.b * 257 * alpha),
        .alpha = (uint16_t)(65535 * alpha),
    };
}

/* Composite a solid colour through @mask (may be NULL: a box) at x, y. */
static void ov_fill(pixman_image_t *dst, pixman_image_t *mask, OvColor c,
                    double alpha, int x, int y, int w, int h)
{
    pixman_color_t pc = ov_pixman_color(c, alpha);
    pixman_image_t *solid = pixman_image_create_solid_fill(&pc);

    pixman_image_composite32(PIXMAN_OP_OVER, solid, mask, dst, 0, 0, 0, 0, x,
                             y, w, h);
    pixman_image_unref(solid);
}

/* Is (px, py) inside the w x h box inset by @in with corner radius @r? */
static bool ov_inside(double px, double py, int w, int h, double in,
                      double r)
{
    double x0 = in, y0 = in, x1 = w - in, y1 = h - in;
    double cx, cy;

    if (px < x0 || py < y0 || px > x1 || py > y1) {
        return false;
    }
    cx = px < x0 + r ? x0 + r : px > x1 - r ? x1 - r : px;
    cy = py < y0 + r ? y0 + r : py > y1 - r ? y1 - r : py;
    return (px - cx) * (px - cx) + (py - cy) * (py - cy) <= r * r;
}

/* Coverage 0..255 of pixel (x, y) by the inset rounded box. */
static unsigned ov_coverage(int x, int y, int w, int h, double in, double r)
{
    unsigned hits = 0;

    for (int sy = 0; sy < 4; sy++) {
        for (int sx = 0; sx < 4; sx++) {
            hits += ov_inside(x + (sx + 0.5) / 4, y + (sy + 0.5) / 4, w, h,
                              in, r);
        }
    }
    return hits * 255 / 16;
}

/*
 * An a8 mask of a w x h rounded box; with @border > 0, only the ring of
 * that width along the edge.
 */
static pixman_image_t *ov_round_mask(int w, int h, int r, int border)
{
    pixman_image_t *m = pixman_image_create_bits(PIXMAN_a8, w, h, NULL, 0);
    uint8_t *bits = (uint8_t *)pixman_image_get_data(m);
    int stride = pixman_image_get_stride(m);

    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
            bool corner = (x < r + 1 || x >= w - r - 1) &&
                          (y < r + 1 || y >= h - r - 1);
            bool edge = x < border + 1 || y < border + 1 ||
                        x >= w - border - 1 || y >= h - border - 1;
            unsigned outer = 255, inner = 255;

            if (corner) {
                outer = ov_coverage(x, y, w, h, 0, r);
            }
            if (border && (corner || edge)) {
                inner = ov_coverage(x, y, w, h, border, MAX(r - border, 0));
            } else if (border) {
                inner = 255;
            }
            bits[y * stride + x] = border ? (outer > inner ? outer - inner : 0)
                                          : outer;
        }
    }
    return m;
}

static void ov_round_box(pixman_image_t *dst, int x, int y, int w, int h,
                         OvColor fill, double fill_alpha, OvColor border)
{
    pixman_image_t *m = ov_round_mask(w, h, OV_RADIUS, 0);

    ov_fill(dst, m, fill, fill_alpha, x, y, w, h);
    pixman_image_unref(m);
    m = ov_round_mask(w, h, OV_RADIUS, 1);
    ov_fill(dst, m, border, 1.0, x, y, w, h);
    pixman_image_unref(m);
}

/*
 * Rasterise @text (wrapped at @wrap pixels, 0 = one line) into an a8 mask;
 * sets *w and *h.  NULL for empty text or when SDL2_ttf fails.
 */
static pixman_image_t *ov_text_mask(TTF_Font *font, const char *text,
                                    int wrap, int *w, int *h)
{
    static const SDL_Color white = { 255, 255, 255, 255 };
    SDL_Surface *s, *argb;
    pixman_image_t *m;

    *w = *h = 0;
    if (!text || !*text) {
        return NULL;
    }
    s = wrap ? TTF_RenderUTF8_Blended_Wrapped(font, text, white, wrap)
             : TTF_RenderUTF8_Blended(font, text, white);
    if (!s) {
        return NULL;
    }
    argb = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_ARGB8888, 0);
    SDL_FreeSurface(s);
    if (!argb) {
        return NULL;
    }
    m = pixman_image_create_bits(PIXMAN_a8, argb->w, argb->h, NULL, 0);
    for (int y = 0; y < argb->h; y++) {
        const uint32_t *src =
            (const uint32_t *)((uint8_t *)argb->pixels + y * argb->pitch);
        uint8_t *d = (uint8_t *)pixman_image_get_data(m) +
                     y * pixman_image_get_stride(m);

        for (int x = 0; x < argb->w; x++) {
            d[x] = src[x] >> 24;
        }
    }
    *w = argb->w;
    *h = argb->h;
    SDL_FreeSurface(argb);
    return m;
}

/*
 * @text cut to fit @max_w pixels on one line, with an ellipsis when cut
 * (whole UTF-8 characters are dropped from the end).
 */
static char *ov_fit_text(TTF_Font *font, const char *text, int max_w)
{
    GString *s = g_string_new(text);
    int w = 0, h;

    TTF_SizeUTF8(font, s->str, &w, &h);
    if (w <= max_w) {
        return g_string_free(s, FALSE);
    }
    while (s->len) {
        const char *last = g_utf8_find_prev_char(s->str, s->str + s->len);

        g_string_truncate(s, last ? (gsize)(last - s->str) : 0);
        g_string_append(s, "\u2026");
        TTF_SizeUTF8(font, s->str, &w, &h);
        g_string_truncate(s, s->len - strlen("\u2026"));
        if (w <= max_w) {
            break;
        }
    }
    g_string_append(s, "\u2026");
    return g_string_free(s, FALSE);
}

/* Draw @text at x, y; returns its height (0 when nothing was drawn). */
static int ov_text(pixman_image_t *dst, TTF_Font *font, const char *text,
                   int wrap, OvColor c, int x, int y)
{
    int w, h;
    pixman_image_t *m = ov_text_mask(font, text, wrap, &w, &h);

    if (!m) {
        return 0;
    }
    ov_fill(dst, m, c, 1.0, x, y, w, h);
    pixman_image_unref(m);
    return h;
}

static void ov_card_clear(OvCard *card)
{
    if (card->image) {
        pixman_image_unref(card->image);
    }
    *card = (OvCard){ 0 };
}

static const char *ov_icon_text(Overlay *ov, NotifSeverity sev)
{
    return TTF_GlyphIsProvided32(ov->icon, ov_icon[sev].cp)
               ? ov_icon[sev].utf8
               : ov_icon[sev].fallback;
}

/* Text column of a card: where it starts and how wide it may be. */
static int ov_text_x(void)
{
    return OV_PAD + OV_ICON_BOX + 6;
}

/* Lay out and draw the buttons of a modal card along its bottom edge. */
static void ov_card_buttons(Overlay *ov, OvCard *card, const Notification *n,
                            OvColor accent, int card_w, int card_h)
{
    int x = card_w - OV_PAD;
    int y = card_h - OV_PAD - OV_BUTTON_H;

    /* Right to left so the first (primary) button ends up leftmost. */
    for (int i = G_N_ELEMENTS(ov_buttons) - 1; i >= 0; i--) {
        int tw, th;
        pixman_image_t *label;
        /* Enter presses the primary: Resume if offered, else Dismiss. */
        bool primary = ov_buttons[i].button ==
                       (n->buttons & NOTIF_BUTTON_RESUME ? NOTIF_BUTTON_RESUME
                                                         : NOTIF_BUTTON_DISMISS);
        int k = card->n_buttons;

        if (!(n->buttons & ov_buttons[i].button)) {
            continue;
        }
        x -= OV_BUTTON_W;
        ov_round_box(card->image, x, y, OV_BUTTON_W, OV_BUTTON_H,
                     primary ? accent : (OvColor){ 60, 60, 60 }, 1.0,
                     accent);
        label = ov_text_mask(ov->title, ov_buttons[i].label, 0, &tw, &th);
        if (label) {
            ov_fill(card->image, label,
                    primary ? (OvColor){ 20, 20, 20 } : ov_body_color, 1.0,
                    x + (OV_BUTTON_W - tw) / 2, y + (OV_BUTTON_H - th) / 2,
                    tw, th);
            pixman_image_unref(label);
        }
        card->buttons[k] = ov_buttons[i].button;
        card->button_box[k] = (pixman_box32_t){ x, y, x + OV_BUTTON_W,
                                                y + OV_BUTTON_H };
        card->n_buttons++;
        x -= 10;
    }
}

static const char *ov_button_hint(unsigned buttons)
{
    if (buttons & NOTIF_BUTTON_RESUME) {
        return "Keys: R or Enter = Resume, P = Power off";
    }
    return "Keys: D or Enter = Dismiss, P = Power off";
}

/*
 * Render notification @n into @card at @max_w pixels wide at most (toasts
 * shrink to their text).  Modals get buttons and a key hint.
 */
static void ov_card_build(Overlay *ov, OvCard *card, const Notification *n,
                          int max_w)
{
    OvColor accent = ov_accent[n->severity];
    bool modal = n->kind == NOTIF_MODAL;
    int tx = ov_text_x(), text_w = max_w - tx - OV_PAD;
    int title_w = 0, body_w = 0, line_h;
    int w, h, th, bh, hh = 0, ih, iw, y;
    pixman_image_t *title_m, *body_m, *hint_m = NULL, *icon_m;

    ov_card_clear(card);
    text_w = MAX(text_w, 60);
    TTF_SizeUTF8(ov->title, n->title, &title_w, &line_h);
    TTF_SizeUTF8(ov->body, n->body, &body_w, &line_h);
    if (!modal) {
        max_w = MIN(max_w, tx + MAX(title_w, body_w) + OV_PAD + 1);
        text_w = max_w - tx - OV_PAD;
    }
    title_m = ov_text_mask(ov->title, n->title, text_w, &w, &th);
    body_m = ov_text_mask(ov->body, n->body, text_w, &w, &bh);
    if (modal) {
        hint_m = ov_text_mask(ov->small, ov_button_hint(n->buttons), text_w,
                              &w, &hh);
    }
    icon_m = ov_text_mask(ov->icon, ov_icon_text(ov, n->severity), 0, &iw,
                          &ih);
    h = OV_PAD + th + 4 + bh + OV_PAD;
    if (modal) {
        h += 8 + hh + 14 + OV_BUTTON_H;
    }
    h = MAX(h, 2 * OV_PAD + OV_ICON_BOX);

    card->id = n->id;
    card->width = max_w;
    card->image = pixman_image_create_bits(PIXMAN_a8r8g8b8, max_w, h, NULL, 0);
    ov_round_box(card->image, 0, 0, max_w, h,
                 modal ? (OvColor){ 28, 28, 30 } : (OvColor){ 0, 0, 0 },
                 modal ? 0.97 : 0.90, accent);
    if (icon_m) {
        ov_fill(card->image, icon_m, accent, 1.0,
                OV_PAD + (OV_ICON_BOX - iw) / 2, OV_PAD + (th - ih) / 2, iw,
                ih);
        pixman_image_unref(icon_m);
    }
    y = OV_PAD;
    if (title_m) {
        ov_fill(card->image, title_m, accent, 1.0, tx, y, max_w, th);
        pixman_image_unref(title_m);
    }
    y += th + 4;
    if (body_m) {
        ov_fill(card->image, body_m, ov_body_color, 1.0, tx, y, max_w, bh);
        pixman_image_unref(body_m);
    }
    y += bh + 8;
    if (hint_m) {
        ov_fill(card->image, hint_m, ov_dim_color, 1.0, tx, y, max_w, hh);
        pixman_image_unref(hint_m);
    }
    if (modal) {
        ov_card_buttons(ov, card, n, accent, max_w, h);
    }
}

/* Composite @card at x, y with opacity @alpha. */
static void ov_card_draw(const OvCard *card, pixman_image_t *dst, int x,
                         int y, double alpha)
{
    pixman_color_t a = { 0, 0, 0, (uint16_t)(65535 * CLAMP(alpha, 0, 1)) };
    pixman_image_t *mask = pixman_image_create_solid_fill(&a);

    pixman_image_composite32(PIXMAN_OP_OVER, card->image, mask, dst, 0, 0, 0,
                             0, x, y, pixman_image_get_width(card->image),
                             pixman_image_get_height(card->image));
    pixman_image_unref(mask);
}

static bool ov_draw_toast(Overlay *ov, NotifModel *m, pixman_image_t *dst)
{
    double alpha;
    const Notification *n = notif_model_current_toast(m, &alpha);
    int dw = pixman_image_get_width(dst);
    int max_w = MIN(OV_TOAST_WIDTH, dw - 2 * OV_MARGIN);
    int x, cw, ch;

    ov->toast_drawn = false;
    if (!n || alpha <= 0 || max_w < 80) {
        return false;
    }
    if (ov->toast_card.id != n->id || ov->toast_card.width > max_w ||
        (ov->toast_card.width < max_w && max_w < OV_TOAST_WIDTH)) {
        ov_card_build(ov, &ov->toast_card, n, max_w);
    }
    cw = pixman_image_get_width(ov->toast_card.image);
    ch = pixman_image_get_height(ov->toast_card.image);
    x = dw - OV_MARGIN - cw;
    ov_card_draw(&ov->toast_card, dst, x, OV_MARGIN, alpha);
    ov->toast_drawn = true;
    ov->toast_box = (pixman_box32_t){ x, OV_MARGIN, x + cw, OV_MARGIN + ch };
    return true;
}

static bool ov_draw_modal(Overlay *ov, NotifModel *m, pixman_image_t *dst)
{
    const Notification *n = notif_model_current_modal(m);
    int dw = pixman_image_get_width(dst), dh = pixman_image_get_height(dst);
    int max_w = MIN(OV_MODAL_WIDTH, dw - 40);
    int x, y, cw, ch;

    ov->n_hits = 0;
    if (!n || max_w < 200) {
        return false;
    }
    if (ov->modal_card.id != n->id || ov->modal_card.width != max_w) {
        ov_card_build(ov, &ov->modal_card, n, max_w);
    }
    /* Dim the guest behind the modal, as xemu's ModalWindowDimBg. */
    ov_fill(dst, NULL, (OvColor){ 0, 0, 0 }, 0.55, 0, 0, dw, dh);
    cw = pixman_image_get_width(ov->modal_card.image);
    ch = pixman_image_get_height(ov->modal_card.image);
    x = (dw - cw) / 2;
    y = MAX((dh - ch) / 2, 0);
    ov_card_draw(&ov->modal_card, dst, x, y, 1.0);
    for (int i = 0; i < ov->modal_card.n_buttons; i++) {
        pixman_box32_t b = ov->modal_card.button_box[i];

        ov->hit_button[i] = ov->modal_card.buttons[i];
        ov->hit_box[i] = (pixman_box32_t){ b.x1 + x, b.y1 + y, b.x2 + x,
                                           b.y2 + y };
    }
    ov->n_hits = ov->modal_card.n_buttons;
    return true;
}

static bool ov_draw_history(Overlay *ov, NotifModel *m, pixman_image_t *dst)
{
    const Notification *hist[NOTIF_HISTORY_LEN];
    unsigned n = notif_model_history(m, hist, NOTIF_HISTORY_LEN);
    int dw = pixman_image_get_width(dst), dh = pixman_image_get_height(dst);
    int w = MIN(OV_HISTORY_WIDTH, dw - 2 * OV_MARGIN);
    int line_h = TTF_FontLineSkip(ov->small), y, h;
    pixman_image_t *panel;

    if (!notif_model_history_visible(m) || w < 120) {
        return false;
    }
    h = MIN(2 * OV_PAD + TTF_FontLineSkip(ov->title) + 6 +
                MAX(n, 1u) * line_h,
            dh - 2 * OV_MARGIN);
    if (h < 40) {
        return false;
    }
    panel = pixman_image_create_bits(PIXMAN_a8r8g8b8, w, h, NULL, 0);
    ov_round_box(panel, 0, 0, w, h, (OvColor){ 0, 0, 0 }, 0.92,
                 ov_dim_color);
    y = OV_PAD;
    y += ov_text(panel, ov->title, "Notifications (Ctrl+Alt+N to close)", 0,
                 ov_body_color, OV_PAD, y) + 6;
    if (!n) {
        ov_text(panel, ov->small, "Nothing yet", 0, ov_dim_color, OV_PAD, y);
    }
    for (unsigned i = 0; i < n && y + line_h <= h - OV_PAD; i++) {
        g_autoptr(GDateTime) t =
            g_date_time_new_from_unix_local(hist[i]->wall_us / G_USEC_PER_SEC);
        g_autofree char *when = g_date_time_format(t, "%H:%M:%S");
        g_autofree char *line = g_strdup_printf("%s  %s: %s", when,
                                                hist[i]->title, hist[i]->body);
        g_autofree char *fit = ov_fit_text(ov->small, line, w - 2 * OV_PAD);

        ov_text(panel, ov->small, fit, 0, ov_accent[hist[i]->severity],
                OV_PAD, y);
        y += line_h;
    }
    ov_card_draw(&(OvCard){ .image = panel }, dst, OV_MARGIN, OV_MARGIN, 1.0);
    pixman_image_unref(panel);
    return true;
}

bool overlay_render(Overlay *ov, NotifModel *m, pixman_image_t *dst)
{
    bool drawn = false;

    /* Modal over the dimmed guest, then history, toast on top. */
    drawn |= ov_draw_modal(ov, m, dst);
    drawn |= ov_draw_history(ov, m, dst);
    drawn |= ov_draw_toast(ov, m, dst);
    return drawn;
}

NotifButton overlay_hit(Overlay *ov, int x, int y)
{
    for (int i = 0; i < ov->n_hits; i++) {
        if (x >= ov->hit_box[i].x1 && x < ov->hit_box[i].x2 &&
            y >= ov->hit_box[i].y1 && y < ov->hit_box[i].y2) {
            return ov->hit_button[i];
        }
    }
    return 0;
}

bool overlay_toast_rect(Overlay *ov, pixman_box32_t *out)
{
    if (ov->toast_drawn) {
        *out = ov->toast_box;
    }
    return ov->toast_drawn;
}

static TTF_Font *ov_open_font(const char *dir, const char *file, int size,
                              Error **errp)
{
    g_autofree char *path = g_build_filename(dir, file, NULL);
    TTF_Font *f = TTF_OpenFont(path, size);

    if (!f) {
        error_setg(errp, "cannot load font '%s': %s (install the Debian "
                   "package fonts-dejavu-core)", path, TTF_GetError());
    }
    return f;
}

Overlay *overlay_new(const char *font_dir, Error **errp)
{
    Overlay *ov;
    const char *dir = font_dir ? font_dir : OVERLAY_FONT_DIR;

    if (!TTF_WasInit() && TTF_Init() < 0) {
        error_setg(errp, "cannot initialise SDL2_ttf: %s", TTF_GetError());
        return NULL;
    }
    ov = g_new0(Overlay, 1);
    if (!(ov->title = ov_open_font(dir, "DejaVuSans-Bold.ttf", 15, errp)) ||
        !(ov->body = ov_open_font(dir, "DejaVuSans.ttf", 14, errp)) ||
        !(ov->small = ov_open_font(dir, "DejaVuSans.ttf", 12, errp)) ||
        !(ov->icon = ov_open_font(dir, "DejaVuSans.ttf", 20, errp))) {
        overlay_free(ov);
        return NULL;
    }
    return ov;
}

void overlay_free(Overlay *ov)
{
    TTF_Font *fonts[4];

    if (!ov) {
        return;
    }
    fonts[0] = ov->title;
    fonts[1] = ov->body;
    fonts[2] = ov->small;
    fonts[3] = ov->icon;
    for (int i = 0; i < 4; i++) {
        if (fonts[i]) {
            TTF_CloseFont(fonts[i]);
        }
    }
    ov_card_clear(&ov->toast_card);
    ov_card_clear(&ov->modal_card);
    g_free(ov);
}

#else /* !CONFIG_SDL_TTF */

Overlay *overlay_new(const char *font_dir, Error **errp)
{
    error_setg(errp, "Plimsoll was built without SDL2_ttf: install the "
               "Debian package libsdl2-ttf-dev and rebuild");
    return NULL;
}

void overlay_free(Overlay *ov)
{
}

bool overlay_render(Overlay *ov, NotifModel *m, pixman_image_t *dst)
{
    return false;
}

NotifButton overlay_hit(Overlay *ov, int x, int y)
{
    return 0;
}

bool overlay_toast_rect(Overlay *ov, pixman_box32_t *out)
{
    return false;
}

#endif /* CONFIG_SDL_TTF */
