/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One IDE channel: the task file, device control, the PIO data port,
 * INTRQ, the reset protocols and the asynchronous request plumbing
 * shared by ATA disks (ata-disk.c) and ATAPI CD-ROMs (atapi.c).
 *
 * Specs: ATA/ATAPI-8 Parallel Transport (T13/1698-D) §5 "Register
 * description" (command block 0-7, control block alternate status /
 * device control), §11 "Reset protocols" (SRST, signatures); ACS-2
 * (T13/2015-D) §4.21 "48-bit Address feature set" (the two-deep register
 * FIFO read back with HOB).
 *
 * Register map (command block, offset from 0x1f0 / 0x170):
 *   0 data (16/32 bit)   1 error / feature   2 sector count
 *   3 LBA low (sector)   4 LBA mid (cyl lo)  5 LBA high (cyl hi)
 *   6 device (select)    7 status / command
 * Control block (0x3f6 / 0x376): alternate status / device control.
 *
 * Task file writes go to both devices, reads come from the selected one.
 * An absent device reads status 0; a channel with no device floats
 * (0xff).  Deviation: INTRQ follows the selected device only, which is
 * what a host that does not overlap commands sees.
 */
#include "hw/ide/ide.h"

#include <assert.h>
#include <errno.h>
#include <string.h>

#include "hw/core/lock.h"
#include "system/runstate.h"
#include "util/log.h"

/* ---- interrupts ----------------------------------------------------- */

static void ide_bus_update_irq(IDEBus *bus)
{
    irq_set(bus->irq, ide_bus_intrq(bus));
}

bool ide_bus_intrq(const IDEBus *bus)
{
    const IDEDrive *d = &bus->drive[(bus->drive[0].select & ATA_DEV_DEV) ?
                                    1 : 0];

    return d->intrq && !(bus->devctl & ATA_CTL_NIEN);
}

void ide_drive_set_irq(IDEDrive *d)
{
    IDEBus *bus = d->bus;

    d->intrq = true;
    if (!(bus->devctl & ATA_CTL_NIEN) && bus->dma_ops && bus->dma_ops->intr) {
        bus->dma_ops->intr(bus);
    }
    ide_bus_update_irq(bus);
}

static IDEDrive *ide_bus_selected(IDEBus *bus)
{
    return &bus->drive[(bus->drive[0].select & ATA_DEV_DEV) ? 1 : 0];
}

static bool ide_bus_empty(const IDEBus *bus)
{
    return bus->drive[0].kind == IDE_KIND_NONE &&
           bus->drive[1].kind == IDE_KIND_NONE;
}

/* ---- addressing ----------------------------------------------------- */

int64_t ide_drive_get_lba(IDEDrive *d)
{
    if (!(d->select & ATA_DEV_LBA)) {
        uint32_t cyl = (d->hcyl << 8) | d->lcyl;
        uint32_t head = d->select & 0x0f;

        if (!d->sector || !d->cur_heads || !d->cur_secs ||
            d->sector > d->cur_secs || head >= d->cur_heads) {
            return -1;
        }
        return ((int64_t)cyl * d->cur_heads + head) * d->cur_secs +
               d->sector - 1;
    }
    if (d->lba48) {
        return ((int64_t)d->hob_hcyl << 40) | ((int64_t)d->hob_lcyl << 32) |
               ((int64_t)d->hob_sector << 24) | (d->hcyl << 16) |
               (d->lcyl << 8) | d->sector;
    }
    return ((int64_t)(d->select & 0x0f) << 24) | (d->hcyl << 16) |
           (d->lcyl << 8) | d->sector;
}

void ide_drive_set_lba(IDEDrive *d, int64_t lba)
{
    if (!(d->select & ATA_DEV_LBA)) {
        uint32_t hs = d->cur_heads * d->cur_secs;
        uint32_t cyl, rem;

        if (!hs) {
            return;
        }
        cyl = lba / hs;
        rem = lba % hs;
        d->hcyl = cyl >> 8;
        d->lcyl = cyl;
        d->select = (d->select & 0xf0) | (rem / d->cur_secs);
        d->sector = rem % d->cur_secs + 1;
        return;
    }
    if (d->lba48) {
        d->hob_hcyl = lba >> 40;
        d->hob_lcyl = lba >> 32;
        d->hob_sector = lba >> 24;
    } else {
        d->select = (d->select & 0xf0) | ((lba >> 24) & 0x0f);
    }
    d->hcyl = lba >> 16;
    d->lcyl = lba >> 8;
    d->sector = lba;
}

uint32_t ide_drive_get_count(IDEDrive *d)
{
    uint32_t n;

    if (d->lba48) {
        n = (d->hob_nsector << 8) | d->nsector;
        return n ? n : 65536;
    }
    return d->nsector ? d->nsector : 256;
}

/* ---- command completion --------------------------------------------- */

void ide_drive_abort(IDEDrive *d)
{
    d->status = ATA_STAT_DRDY | ATA_STAT_ERR;
    if (d->kind == IDE_KIND_HD) {
        d->status |= ATA_STAT_DSC;
    }
    d->error = ATA_ERR_ABRT;
    d->data_end = d->data_pos = 0;
    d->dma_pending = false;
    ide_drive_set_irq(d);
}

void ide_drive_cmd_done(IDEDrive *d)
{
    d->status = ATA_STAT_DRDY | (d->kind == IDE_KIND_HD ? ATA_STAT_DSC : 0);
    d->error = 0;
    d->data_end = d->data_pos = 0;
    ide_drive_set_irq(d);
}

bool ide_drive_is_busy(const IDEDrive *d)
{
    return (d->status & ATA_STAT_BSY) || d->in_reset;
}

void ide_drive_pio_start(IDEDrive *d, uint32_t len, void (*end)(IDEDrive *d))
{
    ide_drive_pio_window(d, 0, len, end);
}

/* The data port serves io_buf[@start, @start + @len). */
void ide_drive_pio_window(IDEDrive *d, uint32_t start, uint32_t len,
                          void (*end)(IDEDrive *d))
{
    assert(start + len <= IDE_IO_BUF_SIZE);    /* callers size blocks */
    d->data_pos = start;
    d->data_end = start + len;
    d->end_transfer = end;
    d->status = ATA_STAT_DRDY | ATA_STAT_DRQ |
                (d->kind == IDE_KIND_HD ? ATA_STAT_DSC : 0);
}

/* ---- requests ------------------------------------------------------- */

IDEReq *ide_req_new(IDEDrive *d, IDEReqKind kind, int64_t offset,
                    uint64_t bytes, void (*done)(IDEReq *req, int ret))
{
    IDEReq *req = g_new0(IDEReq, 1);

    req->d = d;
    req->gen = d->gen;
    req->kind = kind;
    req->offset = offset;
    req->bytes = bytes;
    req->done = done;
    if (bytes && (kind == IDE_REQ_READ || kind == IDE_REQ_WRITE)) {
        req->buf = g_malloc(bytes);
        block_iov_init_buf(&req->qiov, req->buf, bytes);
    }
    return req;
}

void ide_req_free(IDEReq *req)
{
    if (req) {
        g_free(req->buf);
        g_free(req->ranges);
        g_free(req);
    }
}

static bool ide_lock(void)
{
    if (machine_lock_held()) {
        return false;
    }
    machine_lock();
    return true;
}

static void ide_req_cb(void *opaque, int ret)
{
    IDEReq *req = opaque;
    IDEDrive *d = req->d;
    bool taken = ide_lock();

    if (d->inflight == req) {
        d->inflight = NULL;
    }
    if (req->gen != d->gen) {
        /* The device was reset (or detached) meanwhile: drop it. */
        ide_req_free(req);
    } else if (req->kind == IDE_REQ_DISCARD && ret == 0 &&
               ++req->next_range < req->nranges) {
        ide_req_submit(req);
    } else {
        req->done(req, ret);
    }
    if (taken) {
        machine_unlock();
    }
}

void ide_req_submit(IDEReq *req)
{
    IDEDrive *d = req->d;
    uint64_t *r;

    d->inflight = req;
    d->status = (d->status & ~ATA_STAT_DRQ) | ATA_STAT_BSY;
    switch (req->kind) {
    case IDE_REQ_READ:
        blk_aio_preadv(d->blk, req->offset, &req->qiov, 0, ide_req_cb, req);
        break;
    case IDE_REQ_WRITE:
        blk_aio_pwritev(d->blk, req->offset, &req->qiov, 0, ide_req_cb, req);
        break;
    case IDE_REQ_FLUSH:
        blk_aio_flush(d->blk, ide_req_cb, req);
        break;
    case IDE_REQ_DISCARD:
        r = &req->ranges[2 * req->next_range];
        blk_aio_pdiscard(d->blk, r[0] * IDE_SECTOR_SIZE,
                         r[1] * IDE_SECTOR_SIZE, ide_req_cb, req);
        break;
    }
}

/*
 * Apply werror/rerror to a failed request (BLOCK-QMP-REFERENCE.md §4).
 * STOP keeps @req as the drive's retry: the VM stops and cont resubmits
 * it (one command per channel at a time, so order is kept trivially).
 */
IDEErrorOutcome ide_req_error(IDEReq *req, int ret)
{
    IDEDrive *d = req->d;
    bool is_read = req->kind == IDE_REQ_READ;
    BlockErrorAction action = blk_get_error_action(d->blk, is_read, -ret);

    if (action == BLOCK_ERROR_ACTION_STOP) {
        d->retry = req;
        d->status |= ATA_STAT_BSY;
        blk_error_action(d->blk, action, is_read, -ret);
        return IDE_ERROR_STOPPED;
    }
    blk_error_action(d->blk, action, is_read, -ret);
    return action == BLOCK_ERROR_ACTION_IGNORE ? IDE_ERROR_IGNORED
                                               : IDE_ERROR_REPORTED;
}

void ide_bus_resubmit(IDEBus *bus)
{
    for (int i = 0; i < 2; i++) {
        IDEDrive *d = &bus->drive[i];
        IDEReq *req = d->retry;

        if (req) {
            d->retry = NULL;
            ide_req_submit(req);
        }
    }
}

/* ---- reset ---------------------------------------------------------- */

static void ide_drive_cancel(IDEDrive *d)
{
    d->gen++;
    ide_req_free(d->retry);
    d->retry = NULL;
    d->data_end = d->data_pos = 0;
    d->chunk_left = 0;
    d->dma_pending = false;
    d->intrq = false;
}

/* The state a device shows after a reset (ATA8-APT §11, ACS-2 §9.12). */
static void ide_drive_reset_regs(IDEDrive *d)
{
    d->feature = d->hob_feature = 0;
    d->lba48 = false;
    d->select = 0xa0;
    d->cur_heads = d->heads;
    d->cur_secs = d->secs;
    d->error = 0x01;        /* diagnostic: device passed */
    d->in_reset = false;
    switch (d->kind) {
    case IDE_KIND_HD:
        d->status = ATA_STAT_DRDY | ATA_STAT_DSC;
        ide_ata_set_signature(d);
        break;
    case IDE_KIND_CD:
        d->status = 0;
        ide_ata_set_signature(d);
        break;
    default:
        /* No device: a signature that classifies as nothing (neither
         * ATA 00h/00h nor ATAPI 14h/EBh), so hosts skip the slot. */
        d->status = 0;
        d->nsector = d->sector = 1;
        d->lcyl = d->hcyl = 0xff;
        break;
    }
}

void ide_bus_reset(IDEBus *bus)
{
    bus->devctl = 0;
    for (int i = 0; i < 2; i++) {
        IDEDrive *d = &bus->drive[i];

        ide_drive_cancel(d);
        ide_drive_reset_regs(d);
        d->mult_sectors = IDE_MAX_MULT;
        d->wce = true;
        d->xfer_mode = 0;
        if (d->kind == IDE_KIND_CD) {
            ide_atapi_reset(d);
        }
        if (d->blk && d->kind == IDE_KIND_HD) {
            blk_set_enable_write_cache(d->blk, true);
        }
    }
    /* The line itself is re-driven by the controller's sync_irqs. */
}

/* SRST: both devices are held in reset while the bit is set. */
void ide_ctl_write(IDEBus *bus, uint8_t val)
{
    bool was = bus->devctl & ATA_CTL_SRST;
    bool now = val & ATA_CTL_SRST;

    bus->devctl = val;
    for (int i = 0; i < 2; i++) {
        IDEDrive *d = &bus->drive[i];

        if (!was && now) {
            ide_drive_cancel(d);
            d->in_reset = true;
            d->status = ATA_STAT_BSY;
        } else if (was && !now) {
            ide_drive_reset_regs(d);
            if (d->kind == IDE_KIND_CD) {
                ide_atapi_reset(d);
            }
        }
    }
    ide_bus_update_irq(bus);
}

uint8_t ide_ctl_read(IDEBus *bus)
{
    IDEDrive *d = ide_bus_selected(bus);

    if (ide_bus_empty(bus)) {
        return 0xff;
    }
    return d->kind == IDE_KIND_NONE ? 0 : d->status;
}

/* ---- the command block ---------------------------------------------- */

static uint32_t ide_data_read(IDEDrive *d, unsigned size)
{
    uint32_t v = 0;

    if (!(d->status & ATA_STAT_DRQ) || d->end_transfer == NULL ||
        d->data_pos + size > d->data_end) {
        return size == 4 ? 0xffffffffu : 0xffff;
    }
    memcpy(&v, d->io_buf + d->data_pos, size);
    v = GUINT32_FROM_LE(v);
    d->data_pos += size;
    if (d->data_pos >= d->data_end) {
        d->status &= ~ATA_STAT_DRQ;
        d->end_transfer(d);
    }
    return v;
}

static void ide_data_write(IDEDrive *d, uint32_t v, unsigned size)
{
    if (!(d->status & ATA_STAT_DRQ) || d->end_transfer == NULL ||
        d->data_pos + size > d->data_end) {
        return;
    }
    v = GUINT32_TO_LE(v);
    memcpy(d->io_buf + d->data_pos, &v, size);
    d->data_pos += size;
    if (d->data_pos >= d->data_end) {
        d->status &= ~ATA_STAT_DRQ;
        d->end_transfer(d);
    }
}

static uint8_t ide_reg_read(IDEBus *bus, IDEDrive *d, unsigned offset)
{
    bool hob = bus->devctl & ATA_CTL_HOB;

    switch (offset) {
    case 1:
        return hob ? d->hob_feature : d->error;
    case 2:
        return hob ? d->hob_nsector : d->nsector;
    case 3:
        return hob ? d->hob_sector : d->sector;
    case 4:
        return hob ? d->hob_lcyl : d->lcyl;
    case 5:
        return hob ? d->hob_hcyl : d->hcyl;
    case 6:
        return d->select;
    default:
        /* Reading status acknowledges the interrupt. */
        if (d->kind == IDE_KIND_NONE) {
            return 0;
        }
        d->intrq = false;
        ide_bus_update_irq(bus);
        return d->status;
    }
}

uint32_t ide_ioport_read(IDEBus *bus, unsigned offset, unsigned size)
{
    IDEDrive *d;

    if (ide_bus_empty(bus)) {
        return size == 4 ? 0xffffffffu : (size == 2 ? 0xffff : 0xff);
    }
    d = ide_bus_selected(bus);
    if (offset == 0) {
        return d->kind == IDE_KIND_NONE ? 0 : ide_data_read(d, size == 1 ? 2
                                                                     : size);
    }
    return ide_reg_read(bus, d, offset);
}

/* Each task file register is a two-deep FIFO for 48-bit commands. */
static void ide_tf_write(IDEDrive *d, unsigned offset, uint8_t v)
{
    switch (offset) {
    case 1:
        d->hob_feature = d->feature;
        d->feature = v;
        break;
    case 2:
        d->hob_nsector = d->nsector;
        d->nsector = v;
        break;
    case 3:
        d->hob_sector = d->sector;
        d->sector = v;
        break;
    case 4:
        d->hob_lcyl = d->lcyl;
        d->lcyl = v;
        break;
    case 5:
        d->hob_hcyl = d->hcyl;
        d->hcyl = v;
        break;
    case 6:
        d->select = v | 0xa0;
        break;
    }
}

static void ide_exec_cmd(IDEBus *bus, uint8_t cmd)
{
    IDEDrive *d = ide_bus_selected(bus);

    if (d->in_reset) {
        log_guest_error("ide: %s: command 0x%02x during reset ignored",
                        bus->name, cmd);
        return;
    }
    if (cmd == 0x90) {
        /* EXECUTE DEVICE DIAGNOSTIC addresses both devices. */
        d = &bus->drive[0];
    }
    if (d->kind == IDE_KIND_NONE) {
        return;
    }
    if ((d->status & ATA_STAT_BSY) &&
        !(cmd == 0x08 && d->kind == IDE_KIND_CD)) {
        log_guest_error("ide: %s: command 0x%02x while busy ignored",
                        bus->name, cmd);
        return;
    }
    d->data_end = d->data_pos = 0;
    d->chunk_left = 0;
    d->end_transfer = NULL;
    d->dma_pending = false;
    d->cmd = cmd;
    ide_ata_exec(d, cmd);
}

void ide_ioport_write(IDEBus *bus, unsigned offset, uint32_t val,
                      unsigned size)
{
    IDEDrive *d = ide_bus_selected(bus);

    if (offset == 0) {
        if (d->kind != IDE_KIND_NONE) {
            ide_data_write(d, val, size == 1 ? 2 : size);
        }
        return;
    }
    if (offset == 7) {
        ide_exec_cmd(bus, val);
        return;
    }
    /* Any task file write clears HOB (ACS-2 §4.21.3). */
    bus->devctl &= ~ATA_CTL_HOB;
    for (int i = 0; i < 2; i++) {
        if (!ide_drive_is_busy(&bus->drive[i]) ||
            bus->drive[i].kind == IDE_KIND_NONE) {
            ide_tf_write(&bus->drive[i], offset, val);
        }
    }
    if (offset == 6) {
        ide_bus_update_irq(bus);
    }
}

void ide_bus_dma_kick(IDEBus *bus)
{
    for (int i = 0; i < 2; i++) {
        IDEDrive *d = &bus->drive[i];

        if (d->dma_pending && !d->inflight) {
            if (d->kind == IDE_KIND_CD) {
                ide_atapi_dma_start(d);
            } else {
                ide_ata_dma_start(d);
            }
        }
    }
}

/* ---- life cycle ----------------------------------------------------- */

void ide_bus_init(IDEBus *bus, int index, IRQLine *irq,
                  const IDEDMAOps *dma_ops, void *dma_opaque)
{
    memset(bus, 0, sizeof(*bus));
    bus->index = index;
    bus->irq = irq;
    bus->dma_ops = dma_ops;
    bus->dma_opaque = dma_opaque;
    g_snprintf(bus->name, sizeof(bus->name), "ide.%d", index);
    for (int i = 0; i < 2; i++) {
        bus->drive[i].bus = bus;
        bus->drive[i].unit = i;
        bus->drive[i].io_buf = g_malloc0(IDE_IO_BUF_SIZE);
    }
}

/* Default CHS geometry: 16 heads, 63 sectors, at most 16383 cylinders
 * (what IDENTIFY words 1/3/6 report for large disks, ATA-8 §7.16). */
static void ide_drive_guess_geometry(IDEDrive *d)
{
    uint64_t cyls = d->nb_sectors / (16 * 63);

    d->heads = 16;
    d->secs = 63;
    d->cyls = cyls > 16383 ? 16383 : (cyls ? cyls : 1);
}

bool ide_drive_attach(IDEBus *bus, int unit, IDEDriveKind kind,
                      BlockBackend *blk, const char *serial,
                      const char *model, Error **errp)
{
    IDEDrive *d = &bus->drive[unit];
    int64_t len = blk && blk_is_inserted(blk) ? blk_getlength(blk) : 0;

    if (unit < 0 || unit > 1 || d->kind != IDE_KIND_NONE) {
        error_setg(errp, "IDE unit %d on %s is not available", unit,
                   bus->name);
        return false;
    }
    if (kind == IDE_KIND_HD && (!blk || !blk_is_inserted(blk))) {
        error_setg(errp, "Device needs media, but drive is empty");
        return false;
    }
    if (len < 0) {
        error_setg(errp, "Could not get the size of the image");
        return false;
    }
    d->kind = kind;
    d->blk = blk;
    d->nb_sectors = len / IDE_SECTOR_SIZE;
    g_snprintf(d->serial, sizeof(d->serial), "%s",
               serial ? serial : "");
    if (!serial) {
        g_snprintf(d->serial, sizeof(d->serial), "QM%05d",
                   bus->index * 2 + unit + 1);
    }
    g_snprintf(d->model, sizeof(d->model), "%s", model ? model :
               (kind == IDE_KIND_CD ? "PLIMSOLL DVD-ROM" :
                                      "PLIMSOLL HARDDISK"));
    g_snprintf(d->version, sizeof(d->version), "1.0");
    ide_drive_guess_geometry(d);
    if (blk) {
        blk_iostatus_enable(blk);
    }
    ide_drive_cancel(d);
    ide_drive_reset_regs(d);
    d->mult_sectors = IDE_MAX_MULT;
    if (kind == IDE_KIND_CD) {
        ide_atapi_reset(d);
        if (blk) {
            blk_set_dev_ops(blk, &ide_atapi_dev_ops, d);
        }
    }
    return true;
}

void ide_drive_detach(IDEBus *bus, int unit)
{
    IDEDrive *d = &bus->drive[unit];

    if (d->blk) {
        ide_drive_cancel(d);
        blk_drain(d->blk);
        blk_set_dev_ops(d->blk, NULL, NULL);
    }
    d->kind = IDE_KIND_NONE;
    d->blk = NULL;
}

void ide_bus_free(IDEBus *bus)
{
    for (int i = 0; i < 2; i++) {
        ide_drive_detach(bus, i);
        g_free(bus->drive[i].io_buf);
        bus->drive[i].io_buf = NULL;
    }
}
