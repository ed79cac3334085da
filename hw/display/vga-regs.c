/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VGA register file and video memory access (IBM VGA Technical Reference;
 * the register names below are the VGA's: misc output, sequencer SR00-04,
 * graphics controller GR00-08, attribute controller AR00-14, CRT controller
 * CR00-18, DAC), plus the Bochs VBE "DISPI" interface at 0x1ce/0x1cf.
 *
 * Memory: the 0xa0000-0xbffff window decodes per GR06 (memory map select)
 * and reaches the four planes in chain-4, odd/even or planar fashion; in
 * planar mode reads load the four latches and use read mode 0 (one plane)
 * or 1 (colour compare), writes use write modes 0-3 with set/reset,
 * rotate, logical operation, bit mask and the sequencer's map mask.  With
 * VBE enabled the window is a 64 KiB bank of the linear framebuffer.
 * Left out: light pen, CGA/Hercules compatibility registers, split-screen
 * and panning in the renderer (the registers are stored).
 */
#include "hw/display/vga.h"

#include <string.h>

#include "util/log.h"

#define SR_MAP_MASK   0x02
#define SR_MEM_MODE   0x04
#define SR4_CHAIN4    0x08
#define SR4_ODD_EVEN_OFF 0x04
#define GR_SET_RESET  0x00
#define GR_ENABLE_SR  0x01
#define GR_COLOR_CMP  0x02
#define GR_ROTATE     0x03
#define GR_READ_MAP   0x04
#define GR_MODE       0x05
#define GR_MISC       0x06
#define GR_DONT_CARE  0x07
#define GR_BIT_MASK   0x08

static uint32_t vbe_bytes_per_pixel(VGAState *s)
{
    return (s->vbe_regs[VBE_DISPI_INDEX_BPP] + 7) / 8;
}

static bool vbe_enabled(VGAState *s)
{
    return s->vbe_regs[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_ENABLED;
}

/* Map a window address to a plane offset, or -1 outside the window. */
static int64_t vga_window_offset(VGAState *s, uint32_t addr)
{
    switch ((s->gr[GR_MISC] >> 2) & 3) {
    case 0:
        return addr;
    case 1:
        return addr < 0x10000 ? (int64_t)addr : -1;
    case 2:
        return addr >= 0x10000 && addr < 0x18000 ? (int64_t)addr - 0x10000 : -1;
    default:
        return addr >= 0x18000 ? (int64_t)addr - 0x18000 : -1;
    }
}

uint8_t vga_mem_readb(VGAState *s, uint32_t addr)
{
    int64_t off;
    uint32_t o;

    if (vbe_enabled(s) && s->vbe_regs[VBE_DISPI_INDEX_BPP] > 4) {
        uint64_t a = (uint64_t)s->vbe_bank_offset + (addr & 0xffff);
        return a < s->vram_size ? s->vram[a] : 0xff;
    }
    off = vga_window_offset(s, addr);
    if (off < 0) {
        return 0xff;
    }
    o = off;
    if (s->sr[SR_MEM_MODE] & SR4_CHAIN4) {
        return s->vram[o & (s->vram_size - 1)];
    }
    if (!(s->sr[SR_MEM_MODE] & SR4_ODD_EVEN_OFF)) {
        unsigned plane = (s->gr[GR_READ_MAP] & 2) | (o & 1);
        return s->vram[((o >> 1) << 2 | plane) & (s->vram_size - 1)];
    }
    o &= 0xffff;
    memcpy(s->latch, &s->vram[o << 2], 4);
    if (!(s->gr[GR_MODE] & 0x08)) {
        return s->latch[s->gr[GR_READ_MAP] & 3];
    }
    /* Read mode 1: colour compare over the planes not "don't care". */
    {
        uint8_t result = 0xff;
        for (unsigned p = 0; p < 4; p++) {
            if (s->gr[GR_DONT_CARE] & (1u << p)) {
                uint8_t want = (s->gr[GR_COLOR_CMP] >> p) & 1 ? 0xff : 0;
                result &= ~(s->latch[p] ^ want);
            }
        }
        return result;
    }
}

static uint8_t vga_alu(VGAState *s, uint8_t data, uint8_t latch)
{
    switch ((s->gr[GR_ROTATE] >> 3) & 3) {
    case 1:
        return data & latch;
    case 2:
        return data | latch;
    case 3:
        return data ^ latch;
    default:
        return data;
    }
}

static void vga_planar_write(VGAState *s, uint32_t o, uint8_t val)
{
    unsigned mode = s->gr[GR_MODE] & 3;
    unsigned rot = s->gr[GR_ROTATE] & 7;
    uint8_t rotated = (uint8_t)((val >> rot) | (val << ((8 - rot) & 7)));
    uint8_t mask = s->gr[GR_BIT_MASK];
    uint8_t map = s->sr[SR_MAP_MASK] & 0x0f;

    o &= 0xffff;
    for (unsigned p = 0; p < 4; p++) {
        uint8_t sr_bit = (s->gr[GR_SET_RESET] >> p) & 1 ? 0xff : 0;
        uint8_t data;
        uint8_t m = mask;

        switch (mode) {
        case 0:
            data = (s->gr[GR_ENABLE_SR] >> p) & 1 ? sr_bit : rotated;
            break;
        case 1:
            data = s->latch[p];
            m = 0xff;
            break;
        case 2:
            data = (val >> p) & 1 ? 0xff : 0;
            break;
        default:
            data = sr_bit;
            m = mask & rotated;
            break;
        }
        if (mode != 1) {
            data = vga_alu(s, data, s->latch[p]);
        }
        data = (data & m) | (s->latch[p] & ~m);
        if (map & (1u << p)) {
            s->vram[(o << 2) | p] = data;
        }
    }
}

void vga_mem_writeb(VGAState *s, uint32_t addr, uint8_t val)
{
    int64_t off;
    uint32_t o;

    if (vbe_enabled(s) && s->vbe_regs[VBE_DISPI_INDEX_BPP] > 4) {
        uint64_t a = (uint64_t)s->vbe_bank_offset + (addr & 0xffff);
        if (a < s->vram_size) {
            s->vram[a] = val;
        }
        return;
    }
    off = vga_window_offset(s, addr);
    if (off < 0) {
        return;
    }
    o = off;
    if (s->sr[SR_MEM_MODE] & SR4_CHAIN4) {
        if (s->sr[SR_MAP_MASK] & (1u << (o & 3))) {
            s->vram[o & (s->vram_size - 1)] = val;
        }
        return;
    }
    if (!(s->sr[SR_MEM_MODE] & SR4_ODD_EVEN_OFF)) {
        unsigned plane = (s->gr[GR_READ_MAP] & 2) | (o & 1);
        if (s->sr[SR_MAP_MASK] & (1u << plane)) {
            s->vram[((o >> 1) << 2 | plane) & (s->vram_size - 1)] = val;
        }
        return;
    }
    vga_planar_write(s, o, val);
}

static bool vga_port_is_mono_mismatch(VGAState *s, uint16_t port)
{
    bool color = s->misc & 0x01;

    /* 0x3bx answers only in mono mode, 0x3dx only in colour mode. */
    return (port >= 0x3b0 && port < 0x3c0 && color) ||
           (port >= 0x3d0 && port < 0x3e0 && !color);
}

static uint8_t vga_dac_read(VGAState *s)
{
    uint8_t v = s->palette[s->dac_read_index * 3 + s->dac_sub];

    if (++s->dac_sub == 3) {
        s->dac_sub = 0;
        s->dac_read_index++;
    }
    return v;
}

static void vga_dac_write(VGAState *s, uint8_t val)
{
    s->dac_cache[s->dac_sub] = val;
    if (++s->dac_sub == 3) {
        memcpy(&s->palette[s->dac_write_index * 3], s->dac_cache, 3);
        s->dac_sub = 0;
        s->dac_write_index++;
        s->pal_gen++;
    }
}

uint8_t vga_ioport_read(VGAState *s, uint16_t port)
{
    if (vga_port_is_mono_mismatch(s, port)) {
        return 0xff;
    }
    switch (port) {
    case 0x3c0:
        return s->ar_flip_flop ? 0 : s->ar_index;
    case 0x3c1:
        /* AR15-AR1F do not exist. */
        return (s->ar_index & 0x1f) < sizeof(s->ar) ?
               s->ar[s->ar_index & 0x1f] : 0;
    case 0x3c2:
        return 0x10;            /* input status 0: switch sense */
    case 0x3c4:
        return s->sr_index;
    case 0x3c5:
        return s->sr[s->sr_index & 7];
    case 0x3c6:
        return s->pel_mask;
    case 0x3c7:
        return s->dac_state;
    case 0x3c8:
        return s->dac_write_index;
    case 0x3c9:
        return vga_dac_read(s);
    case 0x3ca:
        return s->feature;
    case 0x3cc:
        return s->misc;
    case 0x3ce:
        return s->gr_index;
    case 0x3cf:
        return s->gr[s->gr_index & 15];
    case 0x3b4:
    case 0x3d4:
        return s->cr_index;
    case 0x3b5:
    case 0x3d5:
        return s->cr[s->cr_index];
    case 0x3ba:
    case 0x3da: {
        /* Input status 1: reading resets the attribute flip-flop; the
         * retrace and display-enable bits toggle so polling loops end. */
        static const uint8_t seq[4] = { 0x00, 0x01, 0x09, 0x08 };
        s->ar_flip_flop = false;
        return seq[s->frames++ & 3];
    }
    default:
        return 0xff;
    }
}

void vga_ioport_write(VGAState *s, uint16_t port, uint8_t val)
{
    if (vga_port_is_mono_mismatch(s, port)) {
        return;
    }
    switch (port) {
    case 0x3c0:
        if (!s->ar_flip_flop) {
            s->ar_index = val & 0x3f;
        } else if ((s->ar_index & 0x1f) < 21) {
            s->ar[s->ar_index & 0x1f] = val;
            s->pal_gen++;
        }
        s->ar_flip_flop = !s->ar_flip_flop;
        break;
    case 0x3c2:
        s->misc = val;
        break;
    case 0x3c4:
        s->sr_index = val & 7;
        break;
    case 0x3c5:
        s->sr[s->sr_index & 7] = val;
        s->full_update = true;
        break;
    case 0x3c6:
        s->pel_mask = val;
        s->pal_gen++;
        break;
    case 0x3c7:
        s->dac_read_index = val;
        s->dac_sub = 0;
        s->dac_state = 0x03;
        break;
    case 0x3c8:
        s->dac_write_index = val;
        s->dac_sub = 0;
        s->dac_state = 0x00;
        break;
    case 0x3c9:
        vga_dac_write(s, val);
        break;
    case 0x3ce:
        s->gr_index = val & 15;
        break;
    case 0x3cf:
        s->gr[s->gr_index & 15] = val;
        s->full_update = true;
        break;
    case 0x3b4:
    case 0x3d4:
        s->cr_index = val;
        break;
    case 0x3b5:
    case 0x3d5:
        /* CR00-CR07 are write-protected by CR11 bit 7 (except CR07 bit 4). */
        if ((s->cr[0x11] & 0x80) && s->cr_index <= 7) {
            if (s->cr_index == 7) {
                s->cr[7] = (s->cr[7] & ~0x10) | (val & 0x10);
            }
            break;
        }
        s->cr[s->cr_index] = val;
        s->full_update = true;
        break;
    case 0x3ba:
    case 0x3da:
        s->feature = val;
        break;
    default:
        break;
    }
}

static uint16_t vbe_max(VGAState *s, unsigned idx)
{
    switch (idx) {
    case VBE_DISPI_INDEX_XRES:
        return VBE_DISPI_MAX_XRES;
    case VBE_DISPI_INDEX_YRES:
        return VBE_DISPI_MAX_YRES;
    default:
        return VBE_DISPI_MAX_BPP;
    }
}

uint16_t vga_vbe_read(VGAState *s)
{
    unsigned idx = s->vbe_index;

    if (idx == VBE_DISPI_INDEX_VIDEO_MEMORY_64K) {
        return s->vram_size >> 16;
    }
    if (idx >= VBE_DISPI_INDEX_NB) {
        return 0;
    }
    if ((s->vbe_regs[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_GETCAPS) &&
        idx >= VBE_DISPI_INDEX_XRES && idx <= VBE_DISPI_INDEX_BPP) {
        return vbe_max(s, idx);
    }
    return s->vbe_regs[idx];
}

void vga_vbe_write_index(VGAState *s, uint16_t val)
{
    s->vbe_index = val;
}

/* Clamp the mode to what VRAM holds; called when it is enabled. */
static void vbe_fixup(VGAState *s)
{
    uint16_t *r = s->vbe_regs;
    uint32_t bpp;
    uint64_t need;

    /* Enabled without a depth ever written (0 after reset): 8 bpp. */
    if (!r[VBE_DISPI_INDEX_BPP]) {
        r[VBE_DISPI_INDEX_BPP] = 8;
    }
    bpp = vbe_bytes_per_pixel(s);

    if (!r[VBE_DISPI_INDEX_XRES] || !r[VBE_DISPI_INDEX_YRES] ||
        r[VBE_DISPI_INDEX_XRES] > VBE_DISPI_MAX_XRES ||
        r[VBE_DISPI_INDEX_YRES] > VBE_DISPI_MAX_YRES) {
        log_guest_error("vga: VBE mode %ux%u out of range", r[1], r[2]);
        r[VBE_DISPI_INDEX_ENABLE] &= ~VBE_DISPI_ENABLED;
        return;
    }
    if (r[VBE_DISPI_INDEX_VIRT_WIDTH] < r[VBE_DISPI_INDEX_XRES]) {
        r[VBE_DISPI_INDEX_VIRT_WIDTH] = r[VBE_DISPI_INDEX_XRES];
    }
    need = (uint64_t)r[VBE_DISPI_INDEX_VIRT_WIDTH] * bpp *
           r[VBE_DISPI_INDEX_YRES];
    if (need > s->vram_size) {
        log_guest_error("vga: VBE mode needs %llu bytes of VRAM",
                        (unsigned long long)need);
        r[VBE_DISPI_INDEX_ENABLE] &= ~VBE_DISPI_ENABLED;
        return;
    }
    r[VBE_DISPI_INDEX_VIRT_HEIGHT] = s->vram_size /
        ((uint32_t)r[VBE_DISPI_INDEX_VIRT_WIDTH] * bpp);
}

void vga_vbe_write_data(VGAState *s, uint16_t val)
{
    unsigned idx = s->vbe_index;
    uint16_t *r = s->vbe_regs;

    switch (idx) {
    case VBE_DISPI_INDEX_ID:
        if (val >= 0xb0c0 && val <= VBE_DISPI_ID5) {
            r[idx] = val;
        }
        break;
    case VBE_DISPI_INDEX_XRES:
    case VBE_DISPI_INDEX_YRES:
    case VBE_DISPI_INDEX_VIRT_WIDTH:
    case VBE_DISPI_INDEX_X_OFFSET:
    case VBE_DISPI_INDEX_Y_OFFSET:
        /* The screen now shows other memory (panning, page flips). */
        r[idx] = val;
        s->full_update = true;
        break;
    case VBE_DISPI_INDEX_BPP:
        if (val == 0) {
            val = 8;
        }
        if (val == 4 || val == 8 || val == 15 || val == 16 || val == 24 ||
            val == 32) {
            r[idx] = val;
            s->full_update = true;
        }
        break;
    case VBE_DISPI_INDEX_BANK:
        r[idx] = val & ((s->vram_size >> 16) - 1);
        s->vbe_bank_offset = (uint32_t)r[idx] << 16;
        break;
    case VBE_DISPI_INDEX_ENABLE: {
        bool was = vbe_enabled(s);
        r[idx] = val;
        if ((val & VBE_DISPI_ENABLED) && !was) {
            r[VBE_DISPI_INDEX_VIRT_WIDTH] = r[VBE_DISPI_INDEX_XRES];
            r[VBE_DISPI_INDEX_X_OFFSET] = 0;
            r[VBE_DISPI_INDEX_Y_OFFSET] = 0;
            vbe_fixup(s);
            if (vbe_enabled(s) && !(val & VBE_DISPI_NOCLEARMEM)) {
                memset(s->vram, 0, (size_t)r[VBE_DISPI_INDEX_VIRT_WIDTH] *
                       vbe_bytes_per_pixel(s) * r[VBE_DISPI_INDEX_YRES]);
            }
            /* Linear framebuffer modes run the VGA in chain-4 256 colour. */
            s->gr[GR_MODE] = (s->gr[GR_MODE] & ~0x60) | 0x40;
            s->sr[SR_MEM_MODE] |= SR4_CHAIN4;
        }
        s->full_update = true;
        break;
    }
    default:
        break;
    }
}

void vga_reset(VGAState *s)
{
    memset(s->sr, 0, sizeof(s->sr));
    memset(s->gr, 0, sizeof(s->gr));
    memset(s->ar, 0, sizeof(s->ar));
    memset(s->cr, 0, sizeof(s->cr));
    memset(s->vbe_regs, 0, sizeof(s->vbe_regs));
    s->misc = 0x01;             /* colour: CRTC at 0x3d4 */
    s->sr[SR_MEM_MODE] = 0x06;
    s->sr[SR_MAP_MASK] = 0x0f;
    s->gr[GR_BIT_MASK] = 0xff;
    s->pel_mask = 0xff;
    s->ar_flip_flop = false;
    s->vbe_index = 0;
    s->vbe_regs[VBE_DISPI_INDEX_ID] = VBE_DISPI_ID5;
    s->vbe_regs[VBE_DISPI_INDEX_VIDEO_MEMORY_64K] = s->vram_size >> 16;
    s->vbe_bank_offset = 0;
    s->full_update = true;
    s->pal_gen++;
}
