/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Standard VGA with the Bochs VBE extension ("-vga std", PCI 1234:1111):
 * the state shared by the register file (hw/display/vga-regs.c), the
 * renderer (hw/display/vga-render.c) and the PCI device
 * (hw/display/vga-pci.c).
 */
#ifndef HW_DISPLAY_VGA_H
#define HW_DISPLAY_VGA_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/core/memory.h"
#include "hw/pci/pci.h"

typedef struct Console Console;

#define VGA_VRAM_DEFAULT_MB 16

/* Bochs VBE DISPI registers (index at 0x1ce, data at 0x1cf). */
enum {
    VBE_DISPI_INDEX_ID = 0,
    VBE_DISPI_INDEX_XRES,
    VBE_DISPI_INDEX_YRES,
    VBE_DISPI_INDEX_BPP,
    VBE_DISPI_INDEX_ENABLE,
    VBE_DISPI_INDEX_BANK,
    VBE_DISPI_INDEX_VIRT_WIDTH,
    VBE_DISPI_INDEX_VIRT_HEIGHT,
    VBE_DISPI_INDEX_X_OFFSET,
    VBE_DISPI_INDEX_Y_OFFSET,
    VBE_DISPI_INDEX_VIDEO_MEMORY_64K,
    VBE_DISPI_INDEX_NB,
};
#define VBE_DISPI_ID5          0xb0c5
#define VBE_DISPI_ENABLED      0x01
#define VBE_DISPI_GETCAPS      0x02
#define VBE_DISPI_8BIT_DAC     0x20
#define VBE_DISPI_LFB_ENABLED  0x40
#define VBE_DISPI_NOCLEARMEM   0x80
#define VBE_DISPI_MAX_XRES     2560
#define VBE_DISPI_MAX_YRES     1600
#define VBE_DISPI_MAX_BPP      32

/**
 * struct VGAState - one VGA adapter.
 * Register files are named after the VGA's own: misc output, sequencer
 * (sr), graphics controller (gr), attribute controller (ar), CRT
 * controller (cr), DAC.  VRAM keeps the four planes interleaved byte by
 * byte (plane p of offset o at vram[o * 4 + p]), so chain-4 modes and the
 * VBE linear framebuffer are plain byte arrays.
 */
typedef struct VGAState {
    /* properties */
    uint32_t vram_mb;
    /* guest-visible state */
    uint8_t misc;
    uint8_t sr_index, sr[8];
    uint8_t gr_index, gr[16];
    uint8_t ar_index, ar[21];
    bool ar_flip_flop;          /* next 0x3c0 write: false = index */
    uint8_t cr_index, cr[256];
    uint8_t feature;
    uint8_t latch[4];
    uint8_t dac_read_index, dac_write_index, dac_sub, dac_state;
    uint8_t dac_cache[3];
    uint8_t palette[768];       /* 6-bit (or 8-bit) DAC entries */
    uint8_t pel_mask;
    uint16_t vbe_index;
    uint16_t vbe_regs[VBE_DISPI_INDEX_NB];
    uint32_t vbe_bank_offset;
    /* host plumbing */
    uint8_t *vram;
    uint32_t vram_size;
    MemoryRegion vram_mr;       /* RAM: the LFB BAR */
    MemoryRegion lowmem_mr;     /* IO: 0xa0000-0xbffff window */
    MemoryRegion io_mr;         /* 0x3b0-0x3df */
    MemoryRegion vbe_mr;        /* 0x1ce-0x1cf */
    MemoryRegion mmio_mr;       /* BAR2: VGA ports and DISPI as MMIO */
    Console *con;
    /* renderer cache */
    uint8_t *shadow;            /* last rendered VRAM bytes */
    uint32_t shadow_size;
    int last_w, last_h, last_mode;
    uint32_t last_pal_gen, pal_gen;
    uint64_t frames;
    int64_t last_blink_ns;
    bool blink_on;
    bool full_update;
} VGAState;

/**
 * vga_init() - allocate VRAM and the register regions of @s (owner
 * @owner); does not map them.
 */
bool vga_init(VGAState *s, Device *owner, Error **errp);
void vga_destroy(VGAState *s);
/** vga_reset() - power-on register values (VRAM is kept). */
void vga_reset(VGAState *s);
/** vga_map_legacy() - ports 0x3b0-0x3df, 0x1ce-0x1cf and the memory
 *  window at 0xa0000 into @m. */
void vga_map_legacy(VGAState *s, Machine *m);

/* Register access used by the port and MMIO handlers. */
uint8_t vga_ioport_read(VGAState *s, uint16_t port);
void vga_ioport_write(VGAState *s, uint16_t port, uint8_t val);
uint16_t vga_vbe_read(VGAState *s);
void vga_vbe_write_index(VGAState *s, uint16_t val);
void vga_vbe_write_data(VGAState *s, uint16_t val);

/* The 0xa0000 window: planar access per the graphics controller. */
uint8_t vga_mem_readb(VGAState *s, uint32_t addr);
void vga_mem_writeb(VGAState *s, uint32_t addr, uint8_t val);

/** vga_render() - bring the console surface up to date (gfx_update). */
void vga_render(VGAState *s);

#endif /* HW_DISPLAY_VGA_H */
