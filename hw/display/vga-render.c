/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Turning VGA and VBE state into pixels on the console surface.
 *
 * Modes: VBE linear framebuffer at 8 (palette), 15, 16, 24 and 32 bits;
 * VGA text (8 or 9 dot characters from the font in plane 2, attribute
 * colours through the attribute palette and the DAC, blink, cursor);
 * VGA 256-colour chain-4 (mode 13h and friends) and 16-colour planar
 * graphics (mode 12h), and the CGA modes 4-6 (shift register interleave,
 * row scan address substitution).  Geometry comes from the CRTC:
 * horizontal display end, vertical display end with its overflow bits,
 * maximum scan line and scan doubling, start address, offset, line
 * compare (split screen); the attribute controller's pixel panning shifts
 * graphics lines.  Left out: panning in text mode.
 *
 * Unchanged frames cost a comparison and nothing else: the renderer keeps
 * a shadow of the VRAM bytes it last turned into pixels and redraws only
 * scanlines (graphics) or cells (text) whose bytes changed, unless the
 * mode, palette or registers changed, which redraws everything.
 */
#include "hw/display/vga.h"

#include <string.h>

#include "ui/console.h"
#include "util/clock.h"

enum { MODE_BLANK, MODE_TEXT, MODE_G256, MODE_G16, MODE_VBE };

/* 6-bit DAC value to 8 bits (or 8-bit DAC as is). */
static uint32_t vga_rgb(VGAState *s, uint8_t idx)
{
    const uint8_t *p = &s->palette[(idx & s->pel_mask) * 3];

    if (s->vbe_regs[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_8BIT_DAC) {
        return (p[0] << 16) | (p[1] << 8) | p[2];
    }
    return ((p[0] & 63) * 255 / 63) << 16 | ((p[1] & 63) * 255 / 63) << 8 |
           ((p[2] & 63) * 255 / 63);
}

/* An attribute colour index (0-15) through the attribute palette. */
static uint32_t vga_attr_rgb(VGAState *s, uint8_t c)
{
    uint8_t v = s->ar[c & 15] & 0x3f;

    if (s->ar[0x10] & 0x80) {
        v = (v & 0x0f) | ((s->ar[0x14] & 0x03) << 4);
    }
    v |= (s->ar[0x14] & 0x0c) << 4;
    return vga_rgb(s, v);
}

static int vga_height(VGAState *s)
{
    int h = s->cr[0x12] | ((s->cr[0x07] & 0x02) << 7) |
            ((s->cr[0x07] & 0x40) << 3);

    return h + 1;
}

static int vga_mode(VGAState *s)
{
    /*
     * Palette address source clear (AR index bit 5) or screen off (SR01
     * bit 5): the screen shows nothing, VBE modes included (bochs-drm
     * blanks through AR index bit 5, as QEMU's VGA honours it).
     */
    if (!(s->ar_index & 0x20) || (s->sr[1] & 0x20)) {
        return MODE_BLANK;
    }
    if (s->vbe_regs[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_ENABLED) {
        return MODE_VBE;
    }
    if (!(s->gr[6] & 0x01)) {
        return MODE_TEXT;
    }
    return (s->gr[5] & 0x40) ? MODE_G256 : MODE_G16;
}

static DisplaySurface *vga_surface(VGAState *s, int w, int h, int mode)
{
    if (w != s->last_w || h != s->last_h || mode != s->last_mode) {
        if (w <= 0 || h <= 0 || w > 4096 || h > 4096 ||
            !console_resize(s->con, w, h, NULL)) {
            return NULL;
        }
        s->last_w = w;
        s->last_h = h;
        s->last_mode = mode;
        s->full_update = true;
    }
    return console_surface(s->con);
}

/* Whether @len VRAM bytes at @off differ from the shadow; updates it. */
static bool vga_changed(VGAState *s, uint32_t off, uint32_t len, bool force)
{
    bool diff;

    if (off >= s->vram_size) {
        return false;
    }
    if (off + len > s->vram_size) {
        len = s->vram_size - off;
    }
    diff = force || memcmp(s->shadow + off, s->vram + off, len);
    if (diff) {
        memcpy(s->shadow + off, s->vram + off, len);
    }
    return diff;
}

/*
 * Plane 2 offset of character map @sel (SR03): maps 0-3 at 16 KiB steps,
 * 4-7 between them (IBM VGA Technical Reference, Character Map Select).
 */
static uint32_t vga_font_base(unsigned sel)
{
    return (sel & 3) * 0x4000 + (sel >> 2) * 0x2000;
}

/*
 * One character cell.  Attribute bit 3 picks character map A (SR03 bits
 * 2-3 and 5) over map B (bits 0-1 and 4), which is how 512-character
 * fonts work; @xs is 2 when the dot clock is halved (SR01 bit 3, 40
 * columns), each dot then two pixels wide.  Colour modes put the
 * underline location (CR14) below the cell, so only mode 7 underlines.
 */
static void vga_draw_glyph(VGAState *s, DisplaySurface *surf, int cx, int cy,
                           int cw, int xs, int chh, uint8_t ch, uint8_t attr,
                           bool cursor_here)
{
    uint32_t fg = vga_attr_rgb(s, attr & 15);
    uint32_t bg;
    bool blink = s->ar[0x10] & 0x08;
    uint8_t sr3 = s->sr[3];
    unsigned sel = (attr & 0x08) ? ((sr3 >> 2) & 3) | ((sr3 >> 3) & 4)
                                 : (sr3 & 3) | ((sr3 >> 2) & 4);
    uint32_t font = vga_font_base(sel) + ch * 32;

    bg = vga_attr_rgb(s, blink ? (attr >> 4) & 7 : attr >> 4);
    if (blink && (attr & 0x80) && !s->blink_on) {
        fg = bg;
    }
    for (int y = 0; y < chh; y++) {
        uint8_t bits = s->vram[((font + y) << 2 | 2) & (s->vram_size - 1)];
        uint32_t *row = (uint32_t *)(surface_data(surf) +
                                     (cy * chh + y) * surface_stride(surf)) +
                        cx * cw * xs;
        bool cur = cursor_here && s->blink_on &&
                   y >= (s->cr[0x0a] & 0x1f) && y <= (s->cr[0x0b] & 0x1f);
        /* MDA underline: foreground 1 on background 0, line CR14. */
        bool ul = (attr & 0x77) == 0x01 && y == (s->cr[0x14] & 0x1f);

        for (int x = 0; x < cw * xs; x++) {
            int dot = x / xs;
            bool on;

            if (dot < 8) {
                on = (bits >> (7 - dot)) & 1;
            } else {
                /* Ninth dot: line-drawing characters repeat the eighth. */
                on = (s->ar[0x10] & 0x04) && ch >= 0xc0 && ch <= 0xdf &&
                     (bits & 1);
            }
            row[x] = (on || cur || ul) ? fg : bg;
        }
    }
}

static void vga_render_text(VGAState *s, bool full)
{
    int cols = s->cr[0x01] + 1;
    int cw = (s->sr[1] & 0x01) ? 8 : 9;
    int xs = (s->sr[1] & 0x08) ? 2 : 1;
    int chh = (s->cr[0x09] & 0x1f) + 1;
    int rows = vga_height(s) / chh;
    uint32_t start = (s->cr[0x0c] << 8) | s->cr[0x0d];
    /* CR13 counts words per row: two cells of character and attribute
     * in the odd/even layout, so the row stride in cells is CR13 * 2. */
    uint32_t pitch = s->cr[0x13] * 2;
    uint32_t cursor = (s->cr[0x0e] << 8) | s->cr[0x0f];
    bool cursor_on = !(s->cr[0x0a] & 0x20);
    int64_t now = clock_get_ns(CLOCK_TYPE_REALTIME);
    DisplaySurface *surf;

    if (rows <= 0 || cols <= 0 || rows > 200) {
        return;
    }
    surf = vga_surface(s, cols * cw * xs, rows * chh, MODE_TEXT);
    if (!surf) {
        return;
    }
    if (now - s->last_blink_ns > 266000000LL) {
        /* Cursor and character blink at about 1.9 Hz, as the VGA does. */
        s->blink_on = !s->blink_on;
        s->last_blink_ns = now;
        full = true;
    }
    full |= s->full_update;
    /* The font lives in plane 2: any change there redraws everything. */
    for (uint32_t f = 0; f < 0x10000 && !full; f += 0x1000) {
        for (uint32_t i = f; i < f + 0x1000; i++) {
            if (s->shadow[(i << 2) | 2] != s->vram[(i << 2) | 2]) {
                full = true;
                break;
            }
        }
    }
    for (uint32_t i = 0; i < 0x10000 && full; i++) {
        s->shadow[(i << 2) | 2] = s->vram[(i << 2) | 2];
    }
    for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
            uint32_t a = (start + r * pitch + c) & 0xffff;
            uint32_t off = a << 2;
            bool here = cursor_on && a == (cursor & 0xffff);

            if (!vga_changed(s, off, 2, full || here)) {
                continue;
            }
            vga_draw_glyph(s, surf, c, r, cw, xs, chh, s->vram[off],
                           s->vram[off + 1], here);
            console_mark_dirty(s->con, c * cw * xs, r * chh, cw * xs, chh);
        }
    }
    console_set_text_mode(s->con, true, cols, rows);
    console_set_text_cursor(s->con, cursor % (cols ? cols : 1),
                            cursor / (cols ? cols : 1), cursor_on);
}

/*
 * Where the CRTC fetches each line of a graphics mode (IBM VGA Technical
 * Reference, CRT controller registers).  A character row is CR09's
 * maximum scan line + 1 scanlines, each shown twice with CR09 bit 7
 * (double scanning); the scanlines of a row repeat the same memory unless
 * CR17 bit 0 (bit 1) is clear, when row scan bit 0 (1) replaces memory
 * address bit 13 (14): the CGA (Hercules) interleave of modes 4-6.  The
 * address counter restarts at 0 after the scanline CR18/CR07 bit 4/CR09
 * bit 6 name (line compare: a split screen).  Addresses here are plane
 * offsets: in word mode (CR17 bit 6 clear) they are the CRTC address
 * halved, as odd/even memory stores two CPU bytes per plane offset.
 */
typedef struct VGALineMap {
    uint32_t maxscan;           /* scanlines per character row */
    uint32_t dbl;               /* 2 when double scanning */
    uint32_t rep;               /* scanlines one output line stands for */
    uint32_t start;             /* CR0C/CR0D */
    uint32_t pitch;             /* plane offsets per character row */
    uint32_t line_cmp;          /* split after this scanline */
    uint32_t bit13, bit14;      /* address bits row scan replaces, or 0 */
} VGALineMap;

static void vga_line_map(VGAState *s, VGALineMap *lm)
{
    bool word = !(s->cr[0x17] & 0x40);

    lm->maxscan = (s->cr[0x09] & 0x1f) + 1;
    lm->dbl = (s->cr[0x09] & 0x80) ? 2 : 1;
    lm->bit13 = (s->cr[0x17] & 0x01) ? 0 : word ? 1u << 12 : 1u << 13;
    lm->bit14 = (s->cr[0x17] & 0x02) ? 0 : word ? 1u << 13 : 1u << 14;
    lm->rep = (lm->bit13 || lm->bit14) ? 1 : lm->maxscan;
    lm->start = (s->cr[0x0c] << 8) | s->cr[0x0d];
    lm->pitch = s->cr[0x13] * 2;
    lm->line_cmp = s->cr[0x18] | ((s->cr[0x07] & 0x10) << 4) |
                   ((s->cr[0x09] & 0x40) << 3);
}

/* Plane offset of output line @y; *split: below the split line. */
static uint32_t vga_line_addr(const VGALineMap *lm, int y, bool *split)
{
    uint32_t p = (uint32_t)y * lm->rep * lm->dbl;
    uint32_t base = lm->start, scan, rs, a;

    *split = p > lm->line_cmp;
    if (*split) {
        p -= lm->line_cmp + 1;
        base = 0;
    }
    scan = p / lm->dbl;
    rs = scan % lm->maxscan;
    a = base + scan / lm->maxscan * lm->pitch;
    if (lm->bit13) {
        a = (a & ~lm->bit13) | ((rs & 1) ? lm->bit13 : 0);
    }
    if (lm->bit14) {
        a = (a & ~lm->bit14) | ((rs & 2) ? lm->bit14 : 0);
    }
    return a;
}

/*
 * One line of 16-colour graphics from plane offset @o (wrapped by @mask),
 * shifted left by @pan pixels (AR13).  Planar: pixel x is bit 7 - x % 8
 * of the byte at o + x / 8 of each plane, plane p giving colour bit p.
 * With GR05 bit 5 (shift register interleave, CGA 4-colour modes) each
 * offset holds 8 pixels of 2 bits, the first four in plane 0 and the last
 * four in plane 1, leftmost in the top bits, exactly as a CGA byte.
 */
static void vga_draw_line16(VGAState *s, uint32_t *dst, int w, uint32_t o,
                            int pan, uint32_t mask)
{
    bool cga = s->gr[5] & 0x20;

    for (int x = 0; x < w; x++) {
        int px = x + pan;
        const uint8_t *b = &s->vram[((o + px / 8) & mask) << 2];
        uint8_t c;

        if (cga) {
            int i = px & 7;
            c = (b[i >> 2] >> (6 - 2 * (i & 3))) & 3;
        } else {
            int bit = 7 - (px & 7);
            c = ((b[0] >> bit) & 1) | (((b[1] >> bit) & 1) << 1) |
                (((b[2] >> bit) & 1) << 2) | (((b[3] >> bit) & 1) << 3);
        }
        dst[x] = vga_attr_rgb(s, c & s->ar[0x12]);
    }
}

/* Whether the memory line @o (plane offsets, @n of them) changed. */
static bool vga_line_changed(VGAState *s, uint32_t o, uint32_t n, int mode,
                             bool full)
{
    if (mode == MODE_G256) {
        uint32_t off = (o << 2) & (s->vram_size - 1);
        return off + n * 4 > s->vram_size || vga_changed(s, off, n * 4, full);
    }
    o &= 0xffff;
    return o + n > 0x10000 || vga_changed(s, o << 2, n * 4, full);
}

static void vga_render_graphics(VGAState *s, bool full, int mode)
{
    VGALineMap lm;
    int w = (s->cr[0x01] + 1) * 8, h;
    /* Pixel panning (AR13): 0-7 pixels, in 256-colour mode 0-3. */
    int pan = mode == MODE_G256 ? (s->ar[0x13] >> 1) & 3 : s->ar[0x13] & 7;
    DisplaySurface *surf;

    vga_line_map(s, &lm);
    h = vga_height(s) / (int)(lm.dbl * lm.rep);
    if (mode == MODE_G256) {
        w /= 2;
    }
    surf = vga_surface(s, w, h, mode);
    if (!surf) {
        return;
    }
    /* Lines may show the same memory twice around a split: no shadow. */
    full |= s->full_update || lm.line_cmp < (uint32_t)vga_height(s);
    for (int y = 0; y < h; y++) {
        uint32_t *dst = (uint32_t *)(surface_data(surf) +
                                     y * surface_stride(surf));
        bool split;
        uint32_t o = vga_line_addr(&lm, y, &split);
        /* AR10 bit 5: the split screen is not panned. */
        int p = split && (s->ar[0x10] & 0x20) ? 0 : pan;

        if (mode == MODE_G256) {
            uint32_t off = o << 2;
            if (!vga_line_changed(s, o, w / 4 + 1, mode, full)) {
                continue;
            }
            for (int x = 0; x < w; x++) {
                dst[x] = vga_rgb(s, s->vram[(off + x + p) &
                                            (s->vram_size - 1)]);
            }
        } else {
            if (!vga_line_changed(s, o, w / 8 + 1, mode, full)) {
                continue;
            }
            vga_draw_line16(s, dst, w, o, p, 0xffff);
        }
        console_mark_dirty(s->con, 0, y, w, 1);
    }
}

/* One VBE pixel of @bpp (8 through the DAC, 15/16/24/32 direct). */
static uint32_t vga_vbe_pixel(VGAState *s, const uint8_t *p, int bpp)
{
    uint16_t v = p[0] | (bpp > 8 ? p[1] << 8 : 0);

    switch (bpp) {
    case 8:
        return vga_rgb(s, p[0]);
    case 15:
        return ((v >> 10) & 31) * 255 / 31 << 16 |
               ((v >> 5) & 31) * 255 / 31 << 8 | (v & 31) * 255 / 31;
    case 16:
        return (v >> 11) * 255 / 31 << 16 |
               ((v >> 5) & 63) * 255 / 63 << 8 | (v & 31) * 255 / 31;
    default:
        return p[2] << 16 | p[1] << 8 | p[0];
    }
}

/*
 * The VBE framebuffer: XRES x YRES from the virtual screen of VIRT_WIDTH
 * pixels per line, starting at (X_OFFSET, Y_OFFSET).  4 bpp is planar, as
 * in QEMU: the VGA's 16-colour path over plane offsets, VIRT_WIDTH / 8 per
 * line.  Offsets are 64-bit: a guest's registers can describe lines far
 * outside VRAM, and those lines are not drawn.
 */
static void vga_render_vbe(VGAState *s, bool full)
{
    uint16_t *r = s->vbe_regs;
    int w = r[VBE_DISPI_INDEX_XRES], h = r[VBE_DISPI_INDEX_YRES];
    int bpp = r[VBE_DISPI_INDEX_BPP];
    bool planar = bpp == 4;
    /* Bytes per pixel, or for 4 bpp bytes of VRAM (4 planes) per 8. */
    uint64_t bytes = planar ? 4 : (bpp + 7) / 8;
    uint64_t vw = r[VBE_DISPI_INDEX_VIRT_WIDTH];
    uint64_t first = r[VBE_DISPI_INDEX_Y_OFFSET] * vw +
                     r[VBE_DISPI_INDEX_X_OFFSET];
    uint64_t stride = planar ? vw / 8 * bytes : vw * bytes;
    uint64_t start = planar ? first / 8 * bytes : first * bytes;
    uint64_t len = planar ? ((w - 1 + (first & 7)) / 8 + 1) * bytes
                          : w * bytes;
    DisplaySurface *surf = vga_surface(s, w, h, MODE_VBE);

    if (!surf) {
        return;
    }
    full |= s->full_update;
    for (int y = 0; y < h; y++) {
        uint64_t off = start + y * stride;
        uint32_t *dst = (uint32_t *)(surface_data(surf) +
                                     y * surface_stride(surf));

        if (off + len > s->vram_size ||
            !vga_changed(s, off, len, full)) {
            continue;
        }
        if (planar) {
            vga_draw_line16(s, dst, w, off / 4, (int)(first & 7),
                            s->vram_size / 4 - 1);
        } else {
            for (int x = 0; x < w; x++) {
                dst[x] = vga_vbe_pixel(s, s->vram + off + x * bytes, bpp);
            }
        }
        console_mark_dirty(s->con, 0, y, w, 1);
    }
}

/* A blanked screen: black, at the size of the last picture. */
static void vga_render_blank(VGAState *s)
{
    int w = s->last_w > 0 ? s->last_w : 640;
    int h = s->last_h > 0 ? s->last_h : 480;
    DisplaySurface *surf = vga_surface(s, w, h, MODE_BLANK);

    if (!surf || !s->full_update) {
        return;
    }
    for (int y = 0; y < h; y++) {
        memset(surface_data(surf) + y * surface_stride(surf), 0, w * 4);
    }
    console_mark_dirty(s->con, 0, 0, w, h);
}

void vga_render(VGAState *s)
{
    int mode = vga_mode(s);
    bool full = s->pal_gen != s->last_pal_gen;

    s->last_pal_gen = s->pal_gen;
    switch (mode) {
    case MODE_VBE:
        console_set_text_mode(s->con, false, 0, 0);
        vga_render_vbe(s, full);
        break;
    case MODE_TEXT:
        vga_render_text(s, full);
        break;
    case MODE_G256:
    case MODE_G16:
        console_set_text_mode(s->con, false, 0, 0);
        vga_render_graphics(s, full, mode);
        break;
    default:
        console_set_text_mode(s->con, false, 0, 0);
        vga_render_blank(s);
        break;
    }
    s->full_update = false;
}
