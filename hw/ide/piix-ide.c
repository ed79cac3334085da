/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Intel 82371SB PIIX3 function 1: the IDE controller (PIIX3 datasheet,
 * order 290550, §2.4 "PCI Configuration Registers (IDE)" and §2.7 "Bus
 * Master IDE I/O Registers"; SFF-8038i rev 1.0 "Bus Master Programming
 * Interface for IDE ATA Controllers").
 *
 * Config: 8086:7010, class 0101h, programming interface 80h (both
 * channels in legacy mode, bus master capable); BMIBA (BAR4, 20h) is a
 * 16-byte I/O window; IDETIM 40h/42h reset to 8000h (decode enabled).
 * Legacy blocks: primary 1F0h-1F7h + 3F6h on IRQ 14, secondary
 * 170h-177h + 376h on IRQ 15.
 *
 * Bus-master registers (offset in BAR4; +8 for the secondary channel):
 *   0 command: bit 0 start/stop, bit 3 read/write control (1 = the
 *     controller writes memory, i.e. a device read)
 *   2 status: bit 0 active (RO), bit 1 error (R/WC), bit 2 interrupt
 *     (R/WC), bits 5/6 device 0/1 DMA capable (R/W)
 *   4 PRD table address (dword aligned)
 * A PRD entry is 8 bytes: a physical address, a byte count (0 = 64 KiB)
 * and bit 31 of the second dword marking the last entry.  The table may
 * not cross a 64 KiB boundary, which bounds a walk to 8192 entries.
 *
 * Deviations: the legacy ports decode whatever IDETIM and the PCI command
 * register say (PC firmware always enables them); a transfer ends with
 * active cleared even when the PRD table was longer than the data.
 */
#include "hw/ide/piix-ide.h"

#include <string.h>

#include "hw/core/ioport.h"
#include "system/runstate.h"
#include "util/log.h"

#define BM_CMD_START    0x01
#define BM_CMD_WRITE    0x08
#define BM_ST_ACTIVE    0x01
#define BM_ST_ERROR     0x02
#define BM_ST_INTR      0x04
#define BM_ST_CAP       0x60

#define PRD_EOT         0x80000000u
#define PRD_MAX_ENTRIES (65536 / 8)

static const uint16_t piix_cmd_base[2] = { 0x1f0, 0x170 };
static const uint16_t piix_ctl_base[2] = { 0x3f6, 0x376 };

static PIIXIDEState *piix_of_bus(IDEBus *bus)
{
    return bus->dma_opaque;
}

/* ---- PRD walking ------------------------------------------------------ */

typedef struct PRDEntry {
    uint32_t addr;
    uint32_t len;
    bool last;
} PRDEntry;

static bool piix_prd_get(PIIXIDEState *s, int ch, unsigned i, PRDEntry *e)
{
    uint8_t raw[8];
    uint32_t base = s->bm[ch].prd;
    uint32_t cnt;

    if (i >= PRD_MAX_ENTRIES ||
        pci_dma_read(&s->parent, base + 8ull * i, raw, 8) < 0) {
        return false;
    }
    e->addr = (raw[0] | (raw[1] << 8) | (raw[2] << 16) |
               ((uint32_t)raw[3] << 24)) & ~1u;
    cnt = (raw[4] | (raw[5] << 8)) & ~1u;
    e->len = cnt ? cnt : 0x10000;
    e->last = raw[7] & 0x80;
    return true;
}

static int64_t piix_prd_bytes(IDEBus *bus)
{
    PIIXIDEState *s = piix_of_bus(bus);
    int64_t total = 0;
    PRDEntry e;

    for (unsigned i = 0; i < PRD_MAX_ENTRIES; i++) {
        if (!piix_prd_get(s, bus->index, i, &e)) {
            log_guest_error("piix-ide: %s: PRD entry %u at 0x%x unreadable",
                            bus->name, i, s->bm[bus->index].prd + 8 * i);
            return total ? total : -1;
        }
        total += e.len;
        if (e.last) {
            return total;
        }
    }
    log_guest_error("piix-ide: %s: PRD table without an end mark",
                    bus->name);
    return total;
}

static uint64_t piix_dma_rw(IDEBus *bus, uint8_t *buf, uint64_t offset,
                            uint64_t len, bool to_guest)
{
    PIIXIDEState *s = piix_of_bus(bus);
    PIIXBMDMA *bm = &s->bm[bus->index];
    uint64_t done = 0;
    PRDEntry e;

    if (!!(bm->cmd & BM_CMD_WRITE) != to_guest) {
        log_guest_error("piix-ide: %s: bus-master direction does not match "
                        "the command", bus->name);
        return 0;
    }
    for (unsigned i = 0; done < len && piix_prd_get(s, bus->index, i, &e);
         i++) {
        uint64_t skip = MIN(offset, e.len);
        uint64_t n = MIN(e.len - skip, len - done);
        uint32_t addr = e.addr + skip;
        int r;

        offset -= skip;
        if (!n) {
            if (e.last) {
                break;
            }
            continue;
        }
        r = to_guest ? pci_dma_write(&s->parent, addr, buf + done, n)
                     : pci_dma_read(&s->parent, addr, buf + done, n);

        if (r < 0) {
            log_guest_error("piix-ide: %s: PRD buffer 0x%x+%" PRIu64
                            " is not RAM", bus->name, addr, n);
            break;
        }
        done += n;
        if (e.last) {
            break;
        }
    }
    return done;
}

static bool piix_dma_started(IDEBus *bus)
{
    return piix_of_bus(bus)->bm[bus->index].cmd & BM_CMD_START;
}

static void piix_dma_done(IDEBus *bus, bool error)
{
    PIIXBMDMA *bm = &piix_of_bus(bus)->bm[bus->index];

    bm->status &= ~BM_ST_ACTIVE;
    if (error) {
        bm->status |= BM_ST_ERROR;
    }
}

static void piix_dma_intr(IDEBus *bus)
{
    piix_of_bus(bus)->bm[bus->index].status |= BM_ST_INTR;
}

static const IDEDMAOps piix_dma_ops = {
    .intr = piix_dma_intr,
    .rw = piix_dma_rw,
    .prd_bytes = piix_prd_bytes,
    .started = piix_dma_started,
    .done = piix_dma_done,
};

/* ---- bus-master registers (byte-wide; the core splits wider accesses) */

static uint64_t piix_bm_read(void *opaque, uint64_t offset, unsigned size)
{
    PIIXIDEState *s = opaque;
    PIIXBMDMA *bm = &s->bm[offset >> 3];
    unsigned reg = offset & 7;

    switch (reg) {
    case 0:
        return bm->cmd;
    case 2:
        return bm->status;
    case 4: case 5: case 6: case 7:
        return (bm->prd >> (8 * (reg - 4))) & 0xff;
    default:
        return 0;
    }
}

static void piix_bm_write_cmd(PIIXIDEState *s, int ch, uint8_t val)
{
    PIIXBMDMA *bm = &s->bm[ch];
    bool was = bm->cmd & BM_CMD_START;

    if (!(val & BM_CMD_START)) {
        /* Stop: the engine goes idle; an unfinished transfer is lost. */
        bm->cmd = val & BM_CMD_WRITE;
        bm->status &= ~BM_ST_ACTIVE;
        return;
    }
    if (was) {
        bm->cmd = (bm->cmd & BM_CMD_WRITE) | BM_CMD_START;
        return;
    }
    bm->cmd = val & (BM_CMD_START | BM_CMD_WRITE);
    bm->status |= BM_ST_ACTIVE;
    ide_bus_dma_kick(&s->bus[ch]);
}

static void piix_bm_write(void *opaque, uint64_t offset, uint64_t val,
                          unsigned size)
{
    PIIXIDEState *s = opaque;
    int ch = offset >> 3;
    PIIXBMDMA *bm = &s->bm[ch];
    unsigned reg = offset & 7;
    unsigned shift;

    switch (reg) {
    case 0:
        piix_bm_write_cmd(s, ch, val);
        break;
    case 2:
        bm->status = (bm->status & ~(val & (BM_ST_ERROR | BM_ST_INTR)));
        bm->status = (bm->status & ~BM_ST_CAP) | (val & BM_ST_CAP);
        break;
    case 4: case 5: case 6: case 7:
        shift = 8 * (reg - 4);
        bm->prd = (bm->prd & ~(0xffu << shift)) | ((uint32_t)val << shift);
        bm->prd &= ~3u;
        break;
    default:
        break;
    }
}

static const MemoryRegionOps piix_bm_ops = {
    .read = piix_bm_read, .write = piix_bm_write,
    .min_access = 1, .max_access = 1,
};

/* ---- legacy command and control blocks -------------------------------- */

static uint64_t piix_cmd_read(void *opaque, uint64_t offset, unsigned size)
{
    return ide_ioport_read(opaque, offset, size);
}

static void piix_cmd_write(void *opaque, uint64_t offset, uint64_t val,
                           unsigned size)
{
    ide_ioport_write(opaque, offset, val, size);
}

/* Only the data register (offset 0) is 16/32 bits wide; the core hands
 * wider accesses elsewhere to us split in bytes by declaring the data
 * window separately would cost a region, so split here instead. */
static uint64_t piix_cmd_read_any(void *opaque, uint64_t offset,
                                  unsigned size)
{
    uint64_t v = 0;

    if (offset == 0 || size == 1) {
        return piix_cmd_read(opaque, offset, size);
    }
    for (unsigned i = 0; i < size; i++) {
        v |= piix_cmd_read(opaque, offset + i, 1) << (8 * i);
    }
    return v;
}

static void piix_cmd_write_any(void *opaque, uint64_t offset, uint64_t val,
                               unsigned size)
{
    if (offset == 0 || size == 1) {
        piix_cmd_write(opaque, offset, val, size);
        return;
    }
    for (unsigned i = 0; i < size; i++) {
        piix_cmd_write(opaque, offset + i, (val >> (8 * i)) & 0xff, 1);
    }
}

static const MemoryRegionOps piix_cmd_ops = {
    .read = piix_cmd_read_any, .write = piix_cmd_write_any,
    .min_access = 1, .max_access = 4,
};

static uint64_t piix_ctl_read(void *opaque, uint64_t offset, unsigned size)
{
    return ide_ctl_read(opaque);
}

static void piix_ctl_write(void *opaque, uint64_t offset, uint64_t val,
                           unsigned size)
{
    ide_ctl_write(opaque, val);
}

static const MemoryRegionOps piix_ctl_ops = {
    .read = piix_ctl_read, .write = piix_ctl_write,
    .min_access = 1, .max_access = 1,
};

/* ---- life cycle ------------------------------------------------------- */

/* cont after an io-error stop: resubmit what the error policy kept. */
static void piix_ide_runstate(RunStateNotice notice, RunState old_state,
                              RunState new_state, ShutdownCause cause,
                              void *opaque)
{
    PIIXIDEState *s = opaque;

    if (notice == RUNSTATE_NOTICE_STATE && new_state == RUN_STATE_RUNNING) {
        ide_bus_resubmit(&s->bus[0]);
        ide_bus_resubmit(&s->bus[1]);
    }
}

static bool piix_ide_realize(Device *dev, Error **errp)
{
    PIIXIDEState *s = piix_ide_from_dev(dev);
    PCIDevice *d = &s->parent;
    Machine *m = dev->machine;

    if (!pci_device_plug(d, errp)) {
        return false;
    }
    /* IDETIM/SIDETIM/UDMA timing registers are plain R/W for software. */
    memset(d->wmask + 0x40, 0xff, 0x10);
    memory_region_init_io(&s->bm_io, "piix-bmdma", &piix_bm_ops, s, 16);
    pci_register_bar(d, 4, PCI_BAR_IO, &s->bm_io);
    for (int i = 0; i < 2; i++) {
        ide_bus_init(&s->bus[i], i, s->irq[i], &piix_dma_ops, s);
        memory_region_init_io(&s->cmd_io[i], i ? "ide1-cmd" : "ide0-cmd",
                              &piix_cmd_ops, &s->bus[i], 8);
        memory_region_init_io(&s->ctl_io[i], i ? "ide1-ctl" : "ide0-ctl",
                              &piix_ctl_ops, &s->bus[i], 1);
        io_space_map(m->io, &s->cmd_io[i], piix_cmd_base[i]);
        io_space_map(m->io, &s->ctl_io[i], piix_ctl_base[i]);
    }
    runstate_add_hook(piix_ide_runstate, s);
    return true;
}

static void piix_ide_reset(Device *dev)
{
    PIIXIDEState *s = piix_ide_from_dev(dev);
    PCIDevice *d = &s->parent;

    pci_device_reset(d);
    pci_set_word(d->config + 0x40, 0x8000);
    pci_set_word(d->config + 0x42, 0x8000);
    for (int i = 0; i < 2; i++) {
        s->bm[i] = (PIIXBMDMA){ 0 };
        ide_bus_reset(&s->bus[i]);
    }
}

static void piix_ide_sync_irqs(Device *dev)
{
    PIIXIDEState *s = piix_ide_from_dev(dev);

    for (int i = 0; i < 2; i++) {
        irq_set(s->irq[i], ide_bus_intrq(&s->bus[i]));
    }
}

static void piix_ide_unrealize(Device *dev)
{
    PIIXIDEState *s = piix_ide_from_dev(dev);

    runstate_remove_hook(piix_ide_runstate, s);
    for (int i = 0; i < 2; i++) {
        ide_bus_free(&s->bus[i]);
        memory_region_destroy(&s->cmd_io[i]);
        memory_region_destroy(&s->ctl_io[i]);
    }
    pci_device_unplug(&s->parent);
    memory_region_destroy(&s->bm_io);
}

PIIXIDEState *piix_ide_find(Machine *m)
{
    for (guint i = 0; i < m->devices->len; i++) {
        Device *dev = m->devices->pdata[i];

        if (dev->cls == &piix3_ide_class.parent) {
            return piix_ide_from_dev(dev);
        }
    }
    return NULL;
}

IDEBus *piix_ide_bus(PIIXIDEState *s, const char *name)
{
    for (int i = 0; i < 2; i++) {
        if (!strcmp(s->bus[i].name, name)) {
            return &s->bus[i];
        }
    }
    return NULL;
}

const PCIDeviceClass piix3_ide_class = {
    .parent = {
        .name = "piix3-ide",
        .description = "Intel 82371SB PIIX3 IDE controller",
        .category = DEVICE_CATEGORY_STORAGE,
        .bus = "PCI",
        .user_creatable = false,
        .instance_size = sizeof(PIIXIDEState),
        .base_props = pci_base_props,
        .realize = piix_ide_realize,
        .reset = piix_ide_reset,
        .sync_irqs = piix_ide_sync_irqs,
        .unrealize = piix_ide_unrealize,
    },
    .vendor_id = 0x8086,
    .device_id = 0x7010,
    .class_id = 0x0101,
    .prog_if = 0x80,
};
