/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The standard VGA's register file and renderer (hw/display/vga-regs.c,
 * vga-render.c) without a machine: registers are written through the
 * port handlers as a guest would, the console surface is read back.  VRAM
 * is replaced by a buffer followed by an inaccessible guard page, so any
 * read past its end faults: the VBE framebuffer placed at the very end of
 * VRAM, offsets far outside it, and random register values (a hostile
 * guest) must draw what fits and never reach beyond.
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <glib.h>

#include "hw/display/vga.h"
#include "ui/console.h"
#include "ui/surface.h"
#include "util/error.h"

typedef struct Fixture {
    VGAState s;
    uint8_t *map;
    size_t map_len;
    uint8_t *own_vram;
} Fixture;

static void fixture_init(Fixture *f)
{
    size_t page = sysconf(_SC_PAGESIZE);

    memset(f, 0, sizeof(*f));
    f->s.vram_mb = 1;
    g_assert_true(vga_init(&f->s, NULL, &error_abort));
    f->map_len = f->s.vram_size + page;
    f->map = mmap(NULL, f->map_len, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    g_assert_true(f->map != MAP_FAILED);
    g_assert_cmpint(mprotect(f->map + f->s.vram_size, page, PROT_NONE), ==,
                    0);
    f->own_vram = f->s.vram;
    f->s.vram = f->map;
    f->s.con = console_create("vga", 0, NULL, NULL);
    vga_reset(&f->s);
}

static void fixture_fini(Fixture *f)
{
    console_destroy(f->s.con);
    f->s.vram = f->own_vram;
    vga_destroy(&f->s);
    munmap(f->map, f->map_len);
}

static void dispi(Fixture *f, unsigned idx, uint16_t val)
{
    vga_vbe_write_index(&f->s, idx);
    vga_vbe_write_data(&f->s, val);
}

static void vbe_mode(Fixture *f, int w, int h, int bpp)
{
    /* Palette address source on: the screen is not blanked. */
    vga_ioport_read(&f->s, 0x3da);
    vga_ioport_write(&f->s, 0x3c0, 0x20);
    dispi(f, VBE_DISPI_INDEX_ENABLE, 0);
    dispi(f, VBE_DISPI_INDEX_XRES, w);
    dispi(f, VBE_DISPI_INDEX_YRES, h);
    dispi(f, VBE_DISPI_INDEX_BPP, bpp);
    dispi(f, VBE_DISPI_INDEX_ENABLE,
          VBE_DISPI_ENABLED | VBE_DISPI_LFB_ENABLED);
    g_assert_cmphex(f->s.vbe_regs[VBE_DISPI_INDEX_ENABLE] & 1, ==, 1);
}

static uint32_t pixel(Fixture *f, int x, int y)
{
    DisplaySurface *surf = console_surface(f->s.con);

    g_assert_cmpint(x, <, surface_width(surf));
    g_assert_cmpint(y, <, surface_height(surf));
    return ((uint32_t *)(surface_data(surf) + y * surface_stride(surf)))[x] &
           0xffffff;
}

/* Attribute registers 0-15 := 0-15, DAC entry i := (4i, 0, 63 - 4i). */
static void identity_palette(Fixture *f)
{
    vga_ioport_read(&f->s, 0x3da);
    for (int i = 0; i < 16; i++) {
        vga_ioport_write(&f->s, 0x3c0, i);
        vga_ioport_write(&f->s, 0x3c0, i);
    }
    vga_ioport_write(&f->s, 0x3c0, 0x12);
    vga_ioport_write(&f->s, 0x3c0, 0x0f);
    vga_ioport_write(&f->s, 0x3c0, 0x20);
    vga_ioport_write(&f->s, 0x3c8, 0);
    for (int i = 0; i < 16; i++) {
        vga_ioport_write(&f->s, 0x3c9, 4 * i);
        vga_ioport_write(&f->s, 0x3c9, 0);
        vga_ioport_write(&f->s, 0x3c9, 63 - 4 * i);
    }
}

static uint32_t identity_rgb(int c)
{
    return (4 * c * 255 / 63) << 16 | (63 - 4 * c) * 255 / 63;
}

static void test_vbe_formats(void)
{
    static const struct {
        int bpp;
        uint8_t bytes[4];
        uint32_t rgb;
    } cases[] = {
        { 8, { 5 }, 0xff0055 },
        { 15, { 0x00, 0x7c }, 0xff0000 },
        { 16, { 0xe0, 0x07 }, 0x00ff00 },
        { 16, { 0x1f, 0x00 }, 0x0000ff },
        { 24, { 0x11, 0x22, 0x33 }, 0x332211 },
        { 32, { 0x11, 0x22, 0x33, 0x44 }, 0x332211 },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        Fixture f;
        int n = (cases[i].bpp + 7) / 8;

        fixture_init(&f);
        vga_ioport_write(&f.s, 0x3c8, 5);
        vga_ioport_write(&f.s, 0x3c9, 63);
        vga_ioport_write(&f.s, 0x3c9, 0);
        vga_ioport_write(&f.s, 0x3c9, 21);
        vbe_mode(&f, 4, 2, cases[i].bpp);
        /* Pixel (2, 1) of a 4-pixel-wide screen. */
        memcpy(f.s.vram + (4 + 2) * n, cases[i].bytes, n);
        vga_render(&f.s);
        g_assert_cmphex(pixel(&f, 2, 1), ==, cases[i].rgb);
        g_assert_cmphex(pixel(&f, 1, 1), ==, 0);
        fixture_fini(&f);
    }
}

/* 4 bpp is planar: plane p gives colour bit p, 8 pixels per offset. */
static void test_vbe_planar(void)
{
    static const uint8_t planes[4] = { 0xf0, 0xcc, 0xaa, 0x01 };
    Fixture f;

    fixture_init(&f);
    identity_palette(&f);
    vbe_mode(&f, 16, 2, 4);
    memcpy(f.s.vram, planes, 4);
    vga_render(&f.s);
    for (int x = 0; x < 8; x++) {
        int bit = 7 - x, c = 0;

        for (int p = 0; p < 4; p++) {
            c |= ((planes[p] >> bit) & 1) << p;
        }
        g_assert_cmphex(pixel(&f, x, 0), ==, identity_rgb(c));
    }
    /* X_OFFSET 3 shifts the line left by three pixels. */
    dispi(&f, VBE_DISPI_INDEX_X_OFFSET, 3);
    vga_render(&f.s);
    g_assert_cmphex(pixel(&f, 0, 0), ==, identity_rgb(0x01));
    g_assert_cmphex(pixel(&f, 4, 0), ==, identity_rgb(0x08));
    fixture_fini(&f);
}

/* The screen's last line ends at the last byte of VRAM, then beyond. */
static void test_vbe_vram_end(void)
{
    static const int bpps[] = { 4, 8, 15, 16, 24, 32 };

    for (size_t i = 0; i < G_N_ELEMENTS(bpps); i++) {
        Fixture f;
        int bpp = bpps[i];
        uint32_t stride = bpp == 4 ? 64 / 8 * 4 : 64 * ((bpp + 7) / 8);

        fixture_init(&f);
        identity_palette(&f);
        vbe_mode(&f, 64, 16, bpp);
        uint32_t last;

        memset(f.s.vram + f.s.vram_size - 64 * 1024, 0x5b, 64 * 1024);
        dispi(&f, VBE_DISPI_INDEX_Y_OFFSET, f.s.vram_size / stride - 16);
        vga_render(&f.s);
        last = pixel(&f, 63, 15);
        /*
         * One line further, over zeroed memory: line 14 is redrawn, the
         * last line lies outside VRAM and keeps what it showed.
         */
        dispi(&f, VBE_DISPI_INDEX_Y_OFFSET, f.s.vram_size / stride - 15);
        memset(f.s.vram + f.s.vram_size - 64 * 1024, 0, 64 * 1024);
        vga_render(&f.s);
        g_assert_cmphex(pixel(&f, 63, 14), !=, last);
        g_assert_cmphex(pixel(&f, 63, 15), ==, last);
        /* Offsets whose 32-bit products would wrap around. */
        dispi(&f, VBE_DISPI_INDEX_VIRT_WIDTH, 0xffff);
        dispi(&f, VBE_DISPI_INDEX_X_OFFSET, 0xffff);
        dispi(&f, VBE_DISPI_INDEX_Y_OFFSET, 0xffff);
        vga_render(&f.s);
        dispi(&f, VBE_DISPI_INDEX_VIRT_WIDTH, 0x4000);
        dispi(&f, VBE_DISPI_INDEX_Y_OFFSET, 0x4000);
        vga_render(&f.s);
        fixture_fini(&f);
    }
}

/* A register or memory access as a guest would do it, values random. */
static void random_write(Fixture *f)
{
    VGAState *s = &f->s;
    uint8_t v = g_test_rand_int_range(0, 256);

    switch (g_test_rand_int_range(0, 10)) {
    case 0:
        vga_ioport_write(s, 0x3c2, v | 1);
        break;
    case 1:
        vga_ioport_write(s, 0x3c4, g_test_rand_int_range(0, 8));
        vga_ioport_write(s, 0x3c5, v);
        break;
    case 2:
        vga_ioport_write(s, 0x3ce, g_test_rand_int_range(0, 16));
        vga_ioport_write(s, 0x3cf, v);
        break;
    case 3:
        vga_ioport_write(s, 0x3d4, g_test_rand_int_range(0, 0x19));
        vga_ioport_write(s, 0x3d5, v);
        break;
    case 4:
        vga_ioport_read(s, 0x3da);
        vga_ioport_write(s, 0x3c0, g_test_rand_int_range(0, 0x40));
        vga_ioport_write(s, 0x3c0, v);
        vga_ioport_write(s, 0x3c0, 0x20);
        break;
    case 5:
        vga_ioport_write(s, 0x3c9, v);
        break;
    case 6: {
        unsigned idx = g_test_rand_int_range(0, VBE_DISPI_INDEX_NB + 2);
        uint16_t val = g_test_rand_int_range(0, 0x10000);

        /* Keep most screens small so the test stays quick. */
        if ((idx == VBE_DISPI_INDEX_XRES || idx == VBE_DISPI_INDEX_YRES) &&
            g_test_rand_int_range(0, 8)) {
            val &= 0x3ff;
        }
        dispi(f, idx, val);
        break;
    }
    case 7:
        vga_mem_writeb(s, g_test_rand_int_range(0, 0x20000), v);
        break;
    case 8:
        vga_ioport_read(s, g_test_rand_int_range(0x3b0, 0x3e0));
        break;
    default:
        vga_mem_readb(s, g_test_rand_int_range(0, 0x20000));
        break;
    }
}

static void test_random_registers(void)
{
    Fixture f;

    fixture_init(&f);
    for (int i = 0; i < 4000; i++) {
        random_write(&f);
        if (i % 40 == 0) {
            DisplaySurface *surf;

            vga_render(&f.s);
            surf = console_surface(f.s.con);
            g_assert_cmpint(surface_width(surf), <=, 4096);
            g_assert_cmpint(surface_height(surf), <=, 4096);
        }
    }
    fixture_fini(&f);
}

/* AR index bit 5 clear or SR01 bit 5 set: black, VBE included. */
static void test_blank(void)
{
    Fixture f;

    fixture_init(&f);
    vbe_mode(&f, 8, 4, 32);
    memset(f.s.vram, 0xff, 8 * 4 * 4);
    vga_render(&f.s);
    g_assert_cmphex(pixel(&f, 7, 3), ==, 0xffffff);
    vga_ioport_read(&f.s, 0x3da);
    vga_ioport_write(&f.s, 0x3c0, 0x00);
    vga_render(&f.s);
    g_assert_cmphex(pixel(&f, 7, 3), ==, 0);
    vga_ioport_write(&f.s, 0x3c0, 0x20);
    vga_ioport_write(&f.s, 0x3c0, 0x20);
    vga_render(&f.s);
    g_assert_cmphex(pixel(&f, 7, 3), ==, 0xffffff);
    vga_ioport_write(&f.s, 0x3c4, 0x01);
    vga_ioport_write(&f.s, 0x3c5, 0x20);
    vga_render(&f.s);
    g_assert_cmphex(pixel(&f, 7, 3), ==, 0);
    g_assert_cmpint(surface_width(console_surface(f.s.con)), ==, 8);
    fixture_fini(&f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/hw/display/vga/vbe-formats", test_vbe_formats);
    g_test_add_func("/hw/display/vga/vbe-planar", test_vbe_planar);
    g_test_add_func("/hw/display/vga/vbe-vram-end", test_vbe_vram_end);
    g_test_add_func("/hw/display/vga/blank", test_blank);
    g_test_add_func("/hw/display/vga/random-registers",
                    test_random_registers);
    return g_test_run();
}
