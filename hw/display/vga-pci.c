/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PCI standard VGA ("VGA", PCI 1234:1111, class 0300h), as QEMU's
 * -vga std and what SeaBIOS's vgabios-stdvga.bin (Debian package seabios)
 * drives: BAR0 is the VRAM as a prefetchable linear framebuffer, BAR2 a
 * 4 KiB register window (VGA ports 0x3c0-0x3df at 0x400, the DISPI
 * registers as 16-bit words at 0x500), the expansion ROM BAR carries the
 * VGA BIOS.  The legacy ports 0x3b0-0x3df, 0x1ce-0x1cf and the memory
 * window 0xa0000-0xbffff are decoded too, as on every PC VGA.
 */
#include "hw/display/vga-pci.h"

#include <string.h>

#include "hw/core/ioport.h"
#include "ui/console.h"
#include "util/log.h"

#define VGA_MMIO_SIZE    0x1000
#define VGA_MMIO_PORTS   0x400
#define VGA_MMIO_DISPI   0x500
#define VGA_LOWMEM_PRIO  2

static uint64_t vga_lowmem_read(void *opaque, uint64_t off, unsigned size)
{
    return vga_mem_readb(opaque, off);
}

static void vga_lowmem_write(void *opaque, uint64_t off, uint64_t val,
                             unsigned size)
{
    vga_mem_writeb(opaque, off, val);
}

static const MemoryRegionOps vga_lowmem_ops = {
    .read = vga_lowmem_read, .write = vga_lowmem_write,
    .min_access = 1, .max_access = 1,
};

static uint64_t vga_io_read(void *opaque, uint64_t off, unsigned size)
{
    return vga_ioport_read(opaque, 0x3b0 + off);
}

static void vga_io_write(void *opaque, uint64_t off, uint64_t val,
                         unsigned size)
{
    vga_ioport_write(opaque, 0x3b0 + off, val);
}

static const MemoryRegionOps vga_io_ops = {
    .read = vga_io_read, .write = vga_io_write,
    .min_access = 1, .max_access = 1,
};

/*
 * 0x1ce index and 0x1cf data, overlapping 16-bit ports (0x1d0 is the old
 * data port).  Byte accesses reach the low or high half of the register
 * the port names.
 */
static uint64_t vbe_io_read(void *opaque, uint64_t off, unsigned size)
{
    VGAState *s = opaque;
    uint16_t v = off == 0 ? s->vbe_index : vga_vbe_read(s);

    return size == 2 ? v : v & 0xff;
}

static void vbe_io_write(void *opaque, uint64_t off, uint64_t val,
                         unsigned size)
{
    VGAState *s = opaque;

    if (size != 2) {
        log_guest_error("vga: %u-byte write to VBE port 0x%x ignored", size,
                        (unsigned)(0x1ce + off));
    } else if (off == 0) {
        vga_vbe_write_index(s, val);
    } else {
        vga_vbe_write_data(s, val);
    }
}

static const MemoryRegionOps vbe_io_ops = {
    .read = vbe_io_read, .write = vbe_io_write,
    .min_access = 1, .max_access = 2, .unaligned = true,
};

static uint64_t vga_mmio_read(void *opaque, uint64_t off, unsigned size)
{
    VGAState *s = opaque;

    if (off >= VGA_MMIO_PORTS && off < VGA_MMIO_PORTS + 0x20 && size == 1) {
        return vga_ioport_read(s, 0x3c0 + off - VGA_MMIO_PORTS);
    }
    if (off >= VGA_MMIO_DISPI && off < VGA_MMIO_DISPI + 2 * VBE_DISPI_INDEX_NB
        && size == 2) {
        s->vbe_index = (off - VGA_MMIO_DISPI) / 2;
        return vga_vbe_read(s);
    }
    return 0;
}

static void vga_mmio_write(void *opaque, uint64_t off, uint64_t val,
                           unsigned size)
{
    VGAState *s = opaque;

    if (off >= VGA_MMIO_PORTS && off < VGA_MMIO_PORTS + 0x20) {
        for (unsigned i = 0; i < size; i++) {
            vga_ioport_write(s, 0x3c0 + off - VGA_MMIO_PORTS + i, val >> (8 * i));
        }
    } else if (off >= VGA_MMIO_DISPI &&
               off < VGA_MMIO_DISPI + 2 * VBE_DISPI_INDEX_NB && size == 2) {
        s->vbe_index = (off - VGA_MMIO_DISPI) / 2;
        vga_vbe_write_data(s, val);
    }
}

static const MemoryRegionOps vga_mmio_ops = {
    .read = vga_mmio_read, .write = vga_mmio_write,
    .min_access = 1, .max_access = 2,
};

bool vga_init(VGAState *s, Device *owner, Error **errp)
{
    if (s->vram_mb < 1 || s->vram_mb > 256 ||
        (s->vram_mb & (s->vram_mb - 1))) {
        error_setg(errp, "vgamem_mb=%u must be a power of two from 1 to 256",
                   s->vram_mb);
        return false;
    }
    s->vram_size = s->vram_mb << 20;
    if (!memory_region_init_ram(&s->vram_mr, "vga.vram", s->vram_size, errp)) {
        return false;
    }
    s->vram = memory_region_get_ram_ptr(&s->vram_mr);
    s->shadow = g_malloc0(s->vram_size);
    s->shadow_size = s->vram_size;
    s->vram_mr.owner = owner;
    memory_region_init_io(&s->lowmem_mr, "vga-lowmem", &vga_lowmem_ops, s,
                          0x20000);
    memory_region_init_io(&s->io_mr, "vga", &vga_io_ops, s, 0x30);
    memory_region_init_io(&s->vbe_mr, "vbe", &vbe_io_ops, s, 4);
    memory_region_init_io(&s->mmio_mr, "vga.mmio", &vga_mmio_ops, s,
                          VGA_MMIO_SIZE);
    s->lowmem_mr.owner = owner;
    s->io_mr.owner = owner;
    s->vbe_mr.owner = owner;
    s->mmio_mr.owner = owner;
    return true;
}

void vga_map_legacy(VGAState *s, Machine *m)
{
    memory_map_add(m->mem, &s->lowmem_mr, 0xa0000, VGA_LOWMEM_PRIO);
    io_space_map(m->io, &s->io_mr, 0x3b0);
    io_space_map(m->io, &s->vbe_mr, 0x1ce);
}

void vga_destroy(VGAState *s)
{
    memory_region_destroy(&s->lowmem_mr);
    memory_region_destroy(&s->io_mr);
    memory_region_destroy(&s->vbe_mr);
    memory_region_destroy(&s->mmio_mr);
    memory_region_destroy(&s->vram_mr);
    g_free(s->shadow);
    s->shadow = NULL;
}

static void vga_gfx_update(void *opaque)
{
    vga_render(opaque);
}

static void vga_invalidate(void *opaque)
{
    VGAState *s = opaque;

    s->full_update = true;
}

static const ConsoleHwOps vga_console_ops = {
    .gfx_update = vga_gfx_update,
    .invalidate = vga_invalidate,
};

static bool vga_pci_load_rom(VGAPCIState *v, Error **errp)
{
    Device *dev = &v->parent.parent;
    g_autofree char *path = NULL;
    g_autofree char *data = NULL;
    gsize len;

    if (!v->romfile || !*v->romfile) {
        return true;
    }
    path = machine_find_firmware(dev->machine, v->romfile, errp);
    if (!path) {
        return false;
    }
    if (!g_file_get_contents(path, &data, &len, NULL) || len == 0 ||
        len > 1024 * 1024) {
        error_setg(errp, "VGA: could not load option ROM '%s'", path);
        return false;
    }
    if (!memory_region_init_rom(&v->rom, "vga.rom", len, errp)) {
        return false;
    }
    memcpy(memory_region_get_ram_ptr(&v->rom), data, len);
    v->rom.owner = dev;
    v->has_rom = true;
    pci_register_bar(&v->parent, PCI_ROM_SLOT, 0, &v->rom);
    return true;
}

static bool vga_pci_realize(Device *dev, Error **errp)
{
    PCIDevice *d = pci_from_dev(dev);
    VGAPCIState *v = container_of(d, VGAPCIState, parent);
    VGAState *s = &v->vga;

    s->vram_mb = v->vgamem_mb;
    if (!pci_device_plug(d, errp)) {
        return false;
    }
    if (!vga_init(s, dev, errp)) {
        pci_device_unplug(d);
        return false;
    }
    pci_register_bar(d, 0, PCI_BAR_PREFETCH, &s->vram_mr);
    pci_register_bar(d, 2, 0, &s->mmio_mr);
    if (!vga_pci_load_rom(v, errp)) {
        vga_destroy(s);
        pci_device_unplug(d);
        return false;
    }
    vga_map_legacy(s, dev->machine);
    s->con = console_create(dev->id, 0, &vga_console_ops, s);
    return true;
}

static void vga_pci_reset(Device *dev)
{
    PCIDevice *d = pci_from_dev(dev);
    VGAPCIState *v = container_of(d, VGAPCIState, parent);

    pci_device_reset(d);
    vga_reset(&v->vga);
}

static void vga_pci_unrealize(Device *dev)
{
    PCIDevice *d = pci_from_dev(dev);
    VGAPCIState *v = container_of(d, VGAPCIState, parent);

    console_destroy(v->vga.con);
    pci_device_unplug(d);
    vga_destroy(&v->vga);
    if (v->has_rom) {
        memory_region_destroy(&v->rom);
    }
}

static const Property vga_pci_props[] = {
    DEFINE_PROP_STR("romfile", VGAPCIState, romfile, "vgabios-stdvga.bin",
                    "VGA BIOS option ROM (empty: none)"),
    DEFINE_PROP_UINT("vgamem_mb", VGAPCIState, vgamem_mb,
                     VGA_VRAM_DEFAULT_MB, "video memory in MiB"),
    { 0 },
};

const PCIDeviceClass vga_pci_class = {
    .parent = {
        .name = "VGA",
        .description = "standard VGA with Bochs VBE extensions",
        .category = DEVICE_CATEGORY_DISPLAY,
        .bus = "PCI",
        .user_creatable = true,
        .instance_size = sizeof(VGAPCIState),
        .base_props = pci_base_props,
        .props = vga_pci_props,
        .realize = vga_pci_realize,
        .reset = vga_pci_reset,
        .unrealize = vga_pci_unrealize,
    },
    .vendor_id = 0x1234,
    .device_id = 0x1111,
    .revision = 0x02,
    .class_id = 0x0300,
    .subsystem_vendor_id = 0x1af4,
    .subsystem_id = 0x1100,
};
