/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the PC machine's chipset, driven through its ports and
 * memory as firmware would, without running the CPU: PCI configuration
 * mechanism #1 and the fixed functions, PAM shadowing, PIRQ routing,
 * fw_cfg (I/O and DMA, including hostile descriptors), the i8042 and the
 * CMOS fields SeaBIOS reads.
 */
#include <string.h>

#include "hw/display/vga-pci.h"
#include "hw/i386/pc.h"
#include "ui/console.h"
#include "pc-test-machine.h"

typedef struct Fixture {
    Machine *m;
    PCMachineState *pc;
    MachineConfig cfg;
} Fixture;

static void fixture_setup(Fixture *f, gconstpointer data)
{
    static char *dirs[] = { "/usr/share/seabios", NULL };

    machine_free(test_machine_new());   /* installs the fake clock */
    memset(&f->cfg, 0, sizeof(f->cfg));
    f->cfg.ram_size = 64 * 1024 * 1024;
    f->cfg.smp_cpus = 1;
    f->cfg.firmware_dirs = dirs;
    f->cfg.boot_reboot_timeout = -1;
    f->cfg.boot_splash_time = -1;
    f->m = machine_new(&pc_i440fx_class, &f->cfg);
    f->pc = pc_from_machine(f->m);
    g_assert_true(machine_init(f->m, &error_abort));
    machine_reset(f->m);
}

static void fixture_teardown(Fixture *f, gconstpointer data)
{
    machine_free(f->m);
}

static uint32_t pci_cfg_read(Fixture *f, int devfn, int reg, unsigned size)
{
    io_space_write(f->m->io, 0xcf8, 0x80000000u | (devfn << 8) | (reg & 0xfc),
                   4);
    return io_space_read(f->m->io, 0xcfc + (reg & 3), size);
}

static void pci_cfg_write(Fixture *f, int devfn, int reg, uint32_t v,
                          unsigned size)
{
    io_space_write(f->m->io, 0xcf8, 0x80000000u | (devfn << 8) | (reg & 0xfc),
                   4);
    io_space_write(f->m->io, 0xcfc + (reg & 3), v, size);
}

static void test_pci_ids(Fixture *f, gconstpointer data)
{
    g_assert_cmphex(pci_cfg_read(f, 0x00, 0, 4), ==, 0x12378086);
    g_assert_cmphex(pci_cfg_read(f, 0x00, 0x2c, 4), ==, 0x11001af4);
    g_assert_cmphex(pci_cfg_read(f, 0x08, 0, 4), ==, 0x70008086);
    g_assert_cmphex(pci_cfg_read(f, 0x0b, 0, 4), ==, 0x71138086);
    /* Empty slot and a bus with nothing on it read all-ones. */
    g_assert_cmphex(pci_cfg_read(f, 0x30, 0, 4), ==, 0xffffffff);
    io_space_write(f->m->io, 0xcf8, 0x80010000, 4);
    g_assert_cmphex(io_space_read(f->m->io, 0xcfc, 4), ==, 0xffffffff);
    /* Vendor ID is read-only. */
    pci_cfg_write(f, 0x00, 0, 0x1234, 2);
    g_assert_cmphex(pci_cfg_read(f, 0x00, 0, 2), ==, 0x8086);
}

static void test_pam(Fixture *f, gconstpointer data)
{
    MemoryMap *mem = f->m->mem;
    uint32_t bios_word = memory_map_read(mem, 0xffff0, 4);

    /* Reset: the F segment shows the BIOS. */
    g_assert_cmphex(bios_word, ==, memory_map_read(mem, 0xfffffff0, 4));
    /* PAM0 = RE|WE: RAM; copy, then read-only. */
    pci_cfg_write(f, 0x00, 0x59, 0x30, 1);
    memory_map_write(mem, 0xffff0, 0xdeadbeef, 4);
    g_assert_cmphex(memory_map_read(mem, 0xffff0, 4), ==, 0xdeadbeef);
    pci_cfg_write(f, 0x00, 0x59, 0x10, 1);
    memory_map_write(mem, 0xffff0, 0x12345678, 4);
    g_assert_cmphex(memory_map_read(mem, 0xffff0, 4), ==, 0xdeadbeef);
    /* Disabled again: the ROM shows through. */
    pci_cfg_write(f, 0x00, 0x59, 0x00, 1);
    g_assert_cmphex(memory_map_read(mem, 0xffff0, 4), ==, bios_word);
    /* Below the BIOS: the VGA window, not RAM; with -vga none, nothing. */
    memory_map_write(mem, 0xa0000, 0x55, 1);
    g_assert_cmphex(memory_map_read(mem, 0xa0000, 1), ==, 0x55);
    g_assert_cmphex(memory_map_read(mem, 0xc8000, 1), ==, 0xff);
}

static VGAState *pc_vga(Fixture *f)
{
    PCIDevice *d = pci_bus_find(f->pc->pci, PCI_DEVFN(2, 0));

    g_assert_nonnull(d);
    return &container_of(d, VGAPCIState, parent)->vga;
}

static uint32_t pixel(VGAState *s, int x, int y)
{
    DisplaySurface *surf;

    console_hw_update(s->con);
    surf = console_surface(s->con);
    return ((uint32_t *)(surface_data(surf) + y * surface_stride(surf)))[x] &
           0xffffff;
}

static void vbe_write(Fixture *f, uint16_t idx, uint16_t val)
{
    io_space_write(f->m->io, 0x1ce, idx, 2);
    io_space_write(f->m->io, 0x1cf, val, 2);
}

static void test_vga_vbe(Fixture *f, gconstpointer data)
{
    VGAState *s = pc_vga(f);

    g_assert_cmphex(pci_cfg_read(f, PCI_DEVFN(2, 0), 0, 4), ==, 0x11111234);
    io_space_write(f->m->io, 0x1ce, 0, 2);
    g_assert_cmphex(io_space_read(f->m->io, 0x1cf, 2), ==, 0xb0c5);
    vbe_write(f, VBE_DISPI_INDEX_XRES, 64);
    vbe_write(f, VBE_DISPI_INDEX_YRES, 48);
    vbe_write(f, VBE_DISPI_INDEX_BPP, 32);
    vbe_write(f, VBE_DISPI_INDEX_ENABLE,
              VBE_DISPI_ENABLED | VBE_DISPI_LFB_ENABLED);
    /* Unblank as a driver does: attribute index with PAS (bit 5) set. */
    io_space_read(f->m->io, 0x3da, 1);
    io_space_write(f->m->io, 0x3c0, 0x20, 1);
    /* Through the banked 0xa0000 window: pixel (3, 2) = 0x123456. */
    memory_map_write(f->m->mem, 0xa0000 + (2 * 64 + 3) * 4, 0x00123456, 4);
    g_assert_cmpint(surface_width(console_surface(s->con)), ==, 640);
    g_assert_cmphex(pixel(s, 3, 2), ==, 0x123456);
    g_assert_cmpint(surface_width(console_surface(s->con)), ==, 64);
    g_assert_cmphex(pixel(s, 4, 2), ==, 0);
    /* Hostile: a mode bigger than VRAM is refused, not rendered. */
    vbe_write(f, VBE_DISPI_INDEX_ENABLE, 0);
    vbe_write(f, VBE_DISPI_INDEX_XRES, 0xffff);
    vbe_write(f, VBE_DISPI_INDEX_ENABLE, VBE_DISPI_ENABLED);
    io_space_write(f->m->io, 0x1ce, VBE_DISPI_INDEX_ENABLE, 2);
    g_assert_cmphex(io_space_read(f->m->io, 0x1cf, 2) & 1, ==, 0);
}

static void vga_reg(Fixture *f, uint16_t port, uint8_t idx, uint8_t val)
{
    outb(f->m, port, idx);
    outb(f->m, port + 1, val);
}

static void test_vga_text(Fixture *f, gconstpointer data)
{
    VGAState *s = pc_vga(f);
    static const uint8_t glyph_a[16] = {
        0, 0, 0x10, 0x38, 0x6c, 0xc6, 0xc6, 0xfe, 0xc6, 0xc6, 0xc6, 0xc6,
    };

    /* Load one glyph into plane 2, as the VGA BIOS loads its font. */
    vga_reg(f, 0x3c4, 0x02, 0x04);
    vga_reg(f, 0x3c4, 0x04, 0x06);
    vga_reg(f, 0x3ce, 0x05, 0x00);
    vga_reg(f, 0x3ce, 0x06, 0x04);
    for (int y = 0; y < 16; y++) {
        memory_map_write(f->m->mem, 0xa0000 + 'A' * 32 + y, glyph_a[y], 1);
    }
    /* 80x25 text at 0xb8000, 9-dot, 16 lines per row. */
    vga_reg(f, 0x3c4, 0x02, 0x03);
    vga_reg(f, 0x3c4, 0x04, 0x02);
    vga_reg(f, 0x3ce, 0x06, 0x0e);
    vga_reg(f, 0x3d4, 0x01, 79);
    vga_reg(f, 0x3d4, 0x09, 15);
    vga_reg(f, 0x3d4, 0x12, 0x8f);
    vga_reg(f, 0x3d4, 0x07, 0x02);
    vga_reg(f, 0x3d4, 0x13, 40);
    vga_reg(f, 0x3d4, 0x0a, 0x20);     /* cursor off */
    (void)inb(f->m, 0x3da);
    outb(f->m, 0x3c0, 0x07);
    outb(f->m, 0x3c0, 0x07);
    outb(f->m, 0x3c0, 0x20);           /* palette source: display on */
    outb(f->m, 0x3c8, 7);
    outb(f->m, 0x3c9, 42);
    outb(f->m, 0x3c9, 42);
    outb(f->m, 0x3c9, 42);
    memory_map_write(f->m->mem, 0xb8000, 'A', 1);
    memory_map_write(f->m->mem, 0xb8001, 0x07, 1);
    g_assert_cmphex(pixel(s, 3, 3), ==, 0xaaaaaa);   /* the A's apex */
    g_assert_cmphex(pixel(s, 0, 0), ==, 0x000000);   /* background */
    g_assert_cmpint(surface_width(console_surface(s->con)), ==, 720);
    g_assert_cmpint(surface_height(console_surface(s->con)), ==, 400);
    /* Row 1 starts 80 cells (160 bytes) further on. */
    memory_map_write(f->m->mem, 0xb8000 + 160, 'A', 1);
    memory_map_write(f->m->mem, 0xb8000 + 161, 0x07, 1);
    g_assert_cmphex(pixel(s, 3, 16 + 3), ==, 0xaaaaaa);
    g_assert_cmphex(pixel(s, 40 * 9 + 3, 3), ==, 0x000000);
    /* Changing the cell redraws it. */
    memory_map_write(f->m->mem, 0xb8000, ' ', 1);
    g_assert_cmphex(pixel(s, 3, 3), ==, 0x000000);
}

static void test_pirq_route(Fixture *f, gconstpointer data)
{
    PCIDevice *pm = &f->pc->pm->parent;
    TestPin pin;

    /* Route PIRQA (slot 1 INTA) to IRQ 9; the PM function drives INTA. */
    pci_cfg_write(f, 0x08, 0x60, 0x09, 1);
    test_pin_init(&pin);
    f->pc->piix3->isa_irq[9] = &pin.line;
    pci_set_irq(pm, true);
    g_assert_true(pin.level);
    pci_set_irq(pm, false);
    g_assert_false(pin.level);
    /* Disabled route: nothing. */
    pci_cfg_write(f, 0x08, 0x60, 0x80, 1);
    pci_set_irq(pm, true);
    g_assert_false(pin.level);
    pci_set_irq(pm, false);
}

static void fw_cfg_select(Fixture *f, uint16_t key)
{
    io_space_write(f->m->io, 0x510, key, 2);
}

static void fw_cfg_read(Fixture *f, uint16_t key, void *buf, unsigned len)
{
    fw_cfg_select(f, key);
    for (unsigned i = 0; i < len; i++) {
        ((uint8_t *)buf)[i] = io_space_read(f->m->io, 0x511, 1);
    }
}

/* Find file @name in the directory; returns its key or 0. */
static uint16_t fw_cfg_find(Fixture *f, const char *name, uint32_t *size)
{
    uint32_t count;

    fw_cfg_read(f, 0x19, &count, 4);
    count = GUINT32_FROM_BE(count);
    for (uint32_t i = 0; i < count; i++) {
        uint8_t e[64];

        for (unsigned j = 0; j < 64; j++) {
            e[j] = io_space_read(f->m->io, 0x511, 1);
        }
        if (!strcmp((char *)e + 8, name)) {
            *size = GUINT32_FROM_BE(*(uint32_t *)e);
            return GUINT16_FROM_BE(*(uint16_t *)(e + 4));
        }
    }
    return 0;
}

static void test_fw_cfg_io(Fixture *f, gconstpointer data)
{
    char sig[5] = { 0 };
    uint32_t id;
    uint64_t ram;
    uint32_t size = 0;
    uint16_t key;
    uint8_t e820[40];

    fw_cfg_read(f, 0x00, sig, 4);
    g_assert_cmpstr(sig, ==, "QEMU");
    fw_cfg_read(f, 0x01, &id, 4);
    g_assert_cmphex(id & 2, ==, 2);
    fw_cfg_read(f, 0x03, &ram, 8);
    g_assert_cmpuint(ram, ==, 64 * 1024 * 1024);
    key = fw_cfg_find(f, "etc/e820", &size);
    g_assert_cmpuint(key, >=, 0x20);
    g_assert_cmpuint(size, ==, 20);
    fw_cfg_read(f, key, e820, size);
    g_assert_cmpuint(*(uint64_t *)(e820 + 8), ==, 64 * 1024 * 1024);
    /* Past the end and unknown keys read zero. */
    g_assert_cmpuint(io_space_read(f->m->io, 0x511, 1), ==, 0);
    fw_cfg_select(f, 0x7fff);
    g_assert_cmpuint(io_space_read(f->m->io, 0x511, 1), ==, 0);
}

static void dma_run(Fixture *f, uint64_t desc)
{
    io_space_write(f->m->io, 0x514, GUINT32_TO_BE((uint32_t)(desc >> 32)), 4);
    io_space_write(f->m->io, 0x518, GUINT32_TO_BE((uint32_t)desc), 4);
}

static void put_desc(Fixture *f, uint64_t at, uint32_t control, uint32_t len,
                     uint64_t addr)
{
    uint8_t d[16];

    *(uint32_t *)d = GUINT32_TO_BE(control);
    *(uint32_t *)(d + 4) = GUINT32_TO_BE(len);
    *(uint64_t *)(d + 8) = GUINT64_TO_BE(addr);
    g_assert_cmpint(dma_memory_write(f->m->mem, at, d, 16), ==, 0);
}

static uint32_t get_control(Fixture *f, uint64_t at)
{
    uint32_t c;

    g_assert_cmpint(dma_memory_read(f->m->mem, at, &c, 4), ==, 0);
    return GUINT32_FROM_BE(c);
}

/* Reserved control bits, a buffer wrapping around the address space and
 * SKIP past the end: each fails (or reads zeros) without touching RAM it
 * should not. */
static void test_fw_cfg_dma_hostile(Fixture *f)
{
    static const uint32_t reserved[] = { 0x20, 0x40, 0x100, 0x8000 };
    char buf[8];

    for (unsigned i = 0; i < G_N_ELEMENTS(reserved); i++) {
        memset(buf, 0x77, sizeof(buf));
        g_assert_cmpint(dma_memory_write(f->m->mem, 0x2000, buf, 8), ==, 0);
        /* Select ID (key 1) and read: refused, nothing selected or copied. */
        fw_cfg_select(f, 0x0000);
        put_desc(f, 0x1000, (0x0001u << 16) | 0x08 | 0x02 | reserved[i], 4,
                 0x2000);
        dma_run(f, 0x1000);
        g_assert_cmphex(get_control(f, 0x1000), ==, 1);
        g_assert_cmpint(dma_memory_read(f->m->mem, 0x2000, buf, 8), ==, 0);
        g_assert_cmpmem(buf, 8, "\x77\x77\x77\x77\x77\x77\x77\x77", 8);
        g_assert_cmphex(io_space_read(f->m->io, 0x511, 1), ==, 'Q');
    }
    /* A buffer that wraps past 2^64. */
    put_desc(f, 0x1000, 0x08 | 0x02, 0x2000, 0xfffffffffffff000ULL);
    dma_run(f, 0x1000);
    g_assert_cmphex(get_control(f, 0x1000), ==, 1);
    /* A descriptor straddling the end of RAM (64 MiB): ignored. */
    dma_run(f, 64 * 1024 * 1024 - 8);
    /* SKIP far past the end of the item, then READ: zeros. */
    put_desc(f, 0x1000, 0x08 | 0x04, 0xffffffff, 0);
    dma_run(f, 0x1000);
    g_assert_cmphex(get_control(f, 0x1000), ==, 0);
    memset(buf, 0x77, sizeof(buf));
    g_assert_cmpint(dma_memory_write(f->m->mem, 0x2000, buf, 8), ==, 0);
    put_desc(f, 0x1000, 0x02, 8, 0x2000);
    dma_run(f, 0x1000);
    g_assert_cmphex(get_control(f, 0x1000), ==, 0);
    g_assert_cmpint(dma_memory_read(f->m->mem, 0x2000, buf, 8), ==, 0);
    g_assert_cmpmem(buf, 8, "\0\0\0\0\0\0\0\0", 8);
}

static void test_fw_cfg_dma(Fixture *f, gconstpointer data)
{
    char buf[8] = { 0 };

    /* Select the signature and read 8 bytes: 4 of data, 4 zero-filled. */
    memset(buf, 0x77, sizeof(buf));
    g_assert_cmpint(dma_memory_write(f->m->mem, 0x2000, buf, 8), ==, 0);
    put_desc(f, 0x1000, (0x0000u << 16) | 0x08 | 0x02, 8, 0x2000);
    dma_run(f, 0x1000);
    g_assert_cmphex(get_control(f, 0x1000), ==, 0);
    g_assert_cmpint(dma_memory_read(f->m->mem, 0x2000, buf, 8), ==, 0);
    g_assert_cmpmem(buf, 8, "QEMU\0\0\0\0", 8);

    /* Hostile: buffer outside RAM -> error bit, nothing crashes. */
    put_desc(f, 0x1000, 0x08 | 0x02, 4096, 0xfffffffff000ULL);
    dma_run(f, 0x1000);
    g_assert_cmphex(get_control(f, 0x1000), ==, 1);
    /* Hostile: a huge length into RAM ends with the error at RAM's end. */
    put_desc(f, 0x1000, 0x08 | 0x02, 0xffffffff, 0x3000);
    dma_run(f, 0x1000);
    g_assert_cmphex(get_control(f, 0x1000), ==, 1);
    /* Hostile: the descriptor itself outside RAM: ignored. */
    dma_run(f, 0xfffffffffff0ULL);
    /* Writes are refused. */
    put_desc(f, 0x1000, 0x08 | 0x10, 4, 0x2000);
    dma_run(f, 0x1000);
    g_assert_cmphex(get_control(f, 0x1000), ==, 1);
    test_fw_cfg_dma_hostile(f);
}

static uint8_t kbc_read(Fixture *f)
{
    g_assert_true(io_space_read(f->m->io, 0x64, 1) & 0x01);
    return io_space_read(f->m->io, 0x60, 1);
}

static void test_i8042(Fixture *f, gconstpointer data)
{
    I8042State *k = f->pc->kbc;

    io_space_write(f->m->io, 0x64, 0xaa, 1);
    g_assert_cmphex(kbc_read(f), ==, 0x55);
    /* Keyboard reset: ACK then BAT. */
    io_space_write(f->m->io, 0x60, 0xff, 1);
    g_assert_cmphex(kbc_read(f), ==, 0xfa);
    g_assert_cmphex(kbc_read(f), ==, 0xaa);
    /* 'A' in set 2 (1C, F0 1C) translated to set 1 (1E, 9E). */
    ps2_kbd_key(&k->kbd, 30, true);
    ps2_kbd_key(&k->kbd, 30, false);
    io_space_write(f->m->io, 0x64, 0x20, 1);        /* read command byte */
    g_assert_cmphex(kbc_read(f) & 0x40, ==, 0x40);  /* XLAT on */
    io_space_write(f->m->io, 0x64, 0xae, 1);
    io_space_write(f->m->io, 0x60, 0xf4, 1);        /* enable: pushes ACK */
    g_assert_cmphex(kbc_read(f), ==, 0x1e);
    g_assert_cmphex(kbc_read(f), ==, 0x9e);
    g_assert_cmphex(kbc_read(f), ==, 0xfa);
    /* Mouse: enable reporting and move. */
    io_space_write(f->m->io, 0x64, 0xa8, 1);
    io_space_write(f->m->io, 0x64, 0xd4, 1);
    io_space_write(f->m->io, 0x60, 0xf4, 1);
    g_assert_cmphex(io_space_read(f->m->io, 0x64, 1) & 0x21, ==, 0x21);
    g_assert_cmphex(kbc_read(f), ==, 0xfa);
    ps2_mouse_event(&k->mouse, 5, -3, 0, 1);
    io_space_write(f->m->io, 0x64, 0x20, 1);
    (void)kbc_read(f);
    g_assert_cmphex(kbc_read(f), ==, 0x09);          /* left button, sync */
    g_assert_cmphex(kbc_read(f), ==, 5);
    g_assert_cmphex(kbc_read(f), ==, 3);             /* up is positive */
}

static void test_cmos_fields(Fixture *f, gconstpointer data)
{
    /* 64 MiB: 48 MiB above 16 MiB = 0x300 units of 64 KiB. */
    outb(f->m, 0x70, 0x34);
    g_assert_cmphex(inb(f->m, 0x71), ==, 0x00);
    outb(f->m, 0x70, 0x35);
    g_assert_cmphex(inb(f->m, 0x71), ==, 0x03);
    /* Boot order "cad": HD, floppy, CD. */
    outb(f->m, 0x70, 0x3d);
    g_assert_cmphex(inb(f->m, 0x71), ==, 0x12);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (!g_file_test("/usr/share/seabios/bios-256k.bin", G_FILE_TEST_EXISTS)) {
        g_test_skip("SeaBIOS (Debian package seabios) is not installed");
    }
#define ADD(path, fn) \
    g_test_add("/hw/pc/" path, Fixture, NULL, fixture_setup, fn, \
               fixture_teardown)
    ADD("pci-ids", test_pci_ids);
    ADD("pam", test_pam);
    ADD("pirq-route", test_pirq_route);
    ADD("fw-cfg-io", test_fw_cfg_io);
    ADD("fw-cfg-dma", test_fw_cfg_dma);
    ADD("i8042", test_i8042);
    ADD("cmos-fields", test_cmos_fields);
    ADD("vga-vbe", test_vga_vbe);
    ADD("vga-text", test_vga_text);
    return g_test_run();
}
