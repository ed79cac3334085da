/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PIIX3 IDE function on the CPU-less disk rig, programmed through its
 * legacy ports (primary channel, master), the bus-master BAR at 0xc000
 * and guest RAM, as a driver would: shared by the hw/ide unit tests.
 */
#ifndef TESTS_UNIT_HW_IDE_IDE_RIG_H
#define TESTS_UNIT_HW_IDE_IDE_RIG_H

#include "disk-rig.h"

#include "hw/ide/ide-dev.h"
#include "hw/ide/piix-ide.h"

#define BM_BASE   0xc000
#define PRD_ADDR  0x1000
#define BUF_ADDR  0x10000

typedef struct IDERig {
    DiskRig r;
    PIIXIDEState *ide;
    TestPin pin[2];
} IDERig;

static inline void ide_rig_init(IDERig *t, const char *fmt,
                                uint64_t size, const char *inject,
                                const DeviceClass *dcls)
{
    Device *dev;
    struct json_object *props;

    rig_init(&t->r, fmt, size, inject);
    test_pin_init(&t->pin[0]);
    test_pin_init(&t->pin[1]);
    dev = device_new(&piix3_ide_class.parent, t->r.m, NULL);
    device_set_prop_str(dev, "addr", "1.1", &error_abort);
    t->ide = piix_ide_from_dev(dev);
    t->ide->irq[0] = &t->pin[0].line;
    t->ide->irq[1] = &t->pin[1].line;
    g_assert_true(device_realize(dev, &error_abort));
    props = json_object_new_object();
    json_object_object_add(props, "driver",
                           json_object_new_string(dcls->name));
    json_object_object_add(props, "drive", json_object_new_string("disk0"));
    json_object_object_add(props, "serial", json_object_new_string("SN42"));
    g_assert_nonnull(device_create(t->r.m, props, &error_abort));
    json_object_put(props);
    machine_reset(t->r.m);
    /* Bus-master BAR and command register, as firmware programs them. */
    pci_config_write(&t->ide->parent, 0x20, BM_BASE | 1, 4);
    pci_config_write(&t->ide->parent, PCI_COMMAND,
                     PCI_COMMAND_IO | PCI_COMMAND_MASTER, 2);
}

static inline void ide_rig_free(IDERig *t)
{
    rig_free(&t->r);
}

static inline uint16_t inw(Machine *m, uint16_t port)
{
    return io_space_read(m->io, port, 2);
}

static inline void outw(Machine *m, uint16_t port, uint16_t v)
{
    io_space_write(m->io, port, v, 2);
}

/* Wait until BSY clears (block completions run meanwhile). */
static inline uint8_t ide_wait(IDERig *t)
{
    for (int i = 0; i < 1000; i++) {
        uint8_t st = inb(t->r.m, 0x3f6);

        if (!(st & ATA_STAT_BSY)) {
            return st;
        }
        rig_drain(&t->r);
    }
    g_assert_not_reached();
}

static inline void ide_issue(IDERig *t, uint8_t cmd, uint64_t lba,
                             uint32_t count, bool lba48)
{
    Machine *m = t->r.m;

    outb(m, 0x1f6, 0xe0 | (lba48 ? 0 : ((lba >> 24) & 0x0f)));
    if (lba48) {
        outb(m, 0x1f2, count >> 8);
        outb(m, 0x1f3, lba >> 24);
        outb(m, 0x1f4, lba >> 32);
        outb(m, 0x1f5, lba >> 40);
    }
    outb(m, 0x1f2, count);
    outb(m, 0x1f3, lba);
    outb(m, 0x1f4, lba >> 8);
    outb(m, 0x1f5, lba >> 16);
    outb(m, 0x1f7, cmd);
}

static inline void ide_pio_in(IDERig *t, uint8_t *buf,
                              unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i += 2) {
        uint16_t w = inw(t->r.m, 0x1f0);

        buf[i] = w;
        buf[i + 1] = w >> 8;
    }
}

static inline void ide_pio_out(IDERig *t, const uint8_t *buf,
                               unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i += 2) {
        outw(t->r.m, 0x1f0, buf[i] | (buf[i + 1] << 8));
    }
}

/* Write @n sectors with PIO in DRQ blocks of @blk sectors. */
static inline void ide_pio_write(IDERig *t, uint8_t cmd, uint64_t lba,
                                 unsigned n, unsigned blk,
                                 const uint8_t *data, bool lba48)
{
    ide_issue(t, cmd, lba, n, lba48);
    for (unsigned done = 0; done < n; done += blk) {
        uint8_t st = ide_wait(t);

        g_assert_cmphex(st & (ATA_STAT_DRQ | ATA_STAT_ERR), ==, ATA_STAT_DRQ);
        ide_pio_out(t, data + done * 512, MIN(blk, n - done) * 512);
    }
    g_assert_cmphex(ide_wait(t), ==, ATA_STAT_DRDY | ATA_STAT_DSC);
    g_assert_true(t->pin[0].level);
    inb(t->r.m, 0x1f7);
    g_assert_false(t->pin[0].level);
}

static inline void ide_pio_read(IDERig *t, uint8_t cmd, uint64_t lba,
                                unsigned n, unsigned blk, uint8_t *data,
                                bool lba48)
{
    ide_issue(t, cmd, lba, n, lba48);
    for (unsigned done = 0; done < n; done += blk) {
        uint8_t st = ide_wait(t);

        g_assert_cmphex(st & (ATA_STAT_DRQ | ATA_STAT_ERR), ==, ATA_STAT_DRQ);
        g_assert_true(t->pin[0].level);
        inb(t->r.m, 0x1f7);
        ide_pio_in(t, data + done * 512, MIN(blk, n - done) * 512);
    }
    g_assert_cmphex(ide_wait(t), ==, ATA_STAT_DRDY | ATA_STAT_DSC);
}

static inline void prd_set(IDERig *t, unsigned i, uint32_t addr,
                           uint32_t len, bool last)
{
    uint8_t *p = rig_ram(&t->r) + PRD_ADDR + 8 * i;

    p[0] = addr;
    p[1] = addr >> 8;
    p[2] = addr >> 16;
    p[3] = addr >> 24;
    p[4] = len;
    p[5] = len >> 8;
    p[6] = 0;
    p[7] = last ? 0x80 : 0;
}

/* Start a DMA command; return the bus-master status after completion. */
static inline uint8_t ide_dma(IDERig *t, uint8_t cmd, uint64_t lba,
                              unsigned n, bool to_mem)
{
    Machine *m = t->r.m;

    io_space_write(m->io, BM_BASE + 4, PRD_ADDR, 4);
    outb(m, BM_BASE, to_mem ? 0x08 : 0x00);
    ide_issue(t, cmd, lba, n, cmd == 0x25 || cmd == 0x35 || cmd == 0x06);
    outb(m, BM_BASE, (to_mem ? 0x08 : 0x00) | 1);
    ide_wait(t);
    outb(m, BM_BASE, 0);
    return inb(m, BM_BASE + 2);
}

static inline uint8_t atapi_cmd(IDERig *t, const uint8_t *pkt,
                                uint8_t *out, unsigned *len)
{
    Machine *m = t->r.m;
    unsigned got = 0;
    uint8_t st;

    outb(m, 0x1f1, 0);
    outb(m, 0x1f4, 0x00);
    outb(m, 0x1f5, 0x80);                   /* byte count limit 32 KiB */
    outb(m, 0x1f7, 0xa0);
    st = ide_wait(t);
    g_assert_cmphex(st & ATA_STAT_DRQ, ==, ATA_STAT_DRQ);
    g_assert_cmphex(inb(m, 0x1f2), ==, 0x01);   /* CoD: packet wanted */
    ide_pio_out(t, pkt, 12);
    for (;;) {
        st = ide_wait(t);
        if (!(st & ATA_STAT_DRQ)) {
            break;
        }
        unsigned n = inb(m, 0x1f4) | (inb(m, 0x1f5) << 8);

        g_assert_cmphex(inb(m, 0x1f2), ==, 0x02);   /* data in */
        ide_pio_in(t, out + got, n);
        got += n;
    }
    g_assert_cmphex(inb(m, 0x1f2), ==, 0x03);       /* status phase */
    if (len) {
        *len = got;
    }
    return inb(m, 0x1f7);
}

#endif
