/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An ATAPI CD/DVD-ROM drive (ide-cd): the PACKET protocol (ATA8-APT
 * §11.8 "PACKET command protocol": command packet, then data-in blocks
 * bounded by the byte count limit, then status, with the interrupt
 * reason in the sector count register) and the MMC commands that
 * firmware, Linux and installers send (MMC-6, T10/1836-D; SPC-3 for
 * INQUIRY/REQUEST SENSE):
 *
 *   00h TEST UNIT READY     03h REQUEST SENSE        12h INQUIRY
 *   1Bh START STOP UNIT     1Eh PREVENT ALLOW MEDIUM REMOVAL
 *   25h READ CAPACITY       28h READ(10)             A8h READ(12)
 *   2Bh SEEK(10)            43h READ TOC/PMA/ATIP (formats 0, 1)
 *   46h GET CONFIGURATION   4Ah GET EVENT STATUS NOTIFICATION (polled)
 *   5Ah MODE SENSE(10) (pages 01h, 2Ah, 3Fh)          BBh SET CD SPEED
 *
 * Anything else is CHECK CONDITION, ILLEGAL REQUEST / INVALID COMMAND
 * OPERATION CODE.  The tray opens and closes with START STOP UNIT unless
 * PREVENT locked it.  Data moves by PIO in DRQ blocks bounded by the
 * byte count limit, or, when the PACKET command's features register has
 * the DMA bit (ATA8-APT §11.8.5 "PACKET DMA"), through the bus-master
 * engine in one go: READ(10)/(12) in chunks of 64 KiB at increasing
 * offsets of the PRD area, replies of other commands from the buffer.
 * QMP drives the tray and the medium through ide_atapi_dev_ops (eject
 * requests, media changes: GET EVENT STATUS NOTIFICATION and the
 * NOT READY, then UNIT ATTENTION "medium may have changed" pair).
 * Deviation: a byte count limit below 2048 still gets whole sectors.
 */
#include "hw/ide/ide.h"

#include <string.h>

#include "qapi/qapi-events.h"
#include "util/log.h"

#define CD_BLOCK        2048
#define CD_MAX_BLOCKS   32      /* per DRQ block: 64 KiB */

/* Sense keys and additional sense codes (SPC-3 §4.5.6, MMC-6 Annex F). */
#define SENSE_NONE              0x00
#define SENSE_NOT_READY         0x02
#define SENSE_MEDIUM_ERROR      0x03
#define SENSE_ILLEGAL_REQUEST   0x05
#define SENSE_UNIT_ATTENTION    0x06
#define SENSE_ABORTED_COMMAND   0x0b
#define ASC_INV_OPCODE          0x20
#define ASC_LBA_OUT_OF_RANGE    0x21
#define ASC_INV_FIELD_IN_CDB    0x24
#define ASC_MEDIUM_MAY_HAVE_CHANGED 0x28
#define ASC_MEDIUM_NOT_PRESENT  0x3a
#define ASC_REMOVAL_PREVENTED   0x53
#define ASC_READ_ERROR          0x11

/* Interrupt reason (sector count register). */
#define ATAPI_INT_COD   0x01
#define ATAPI_INT_IO    0x02

#define ATAPI_NEED_MEDIUM  0x01
#define ATAPI_ALLOW_UA     0x02    /* runs even with a unit attention */

typedef struct ATAPICmd {
    void (*exec)(IDEDrive *d, const uint8_t *p);
    uint8_t flags;
} ATAPICmd;

static uint16_t be16(const uint8_t *p)
{
    return (p[0] << 8) | p[1];
}

static uint32_t be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
}

static void st16(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = v;
}

static void st32(uint8_t *p, uint32_t v)
{
    st16(p, v >> 16);
    st16(p + 2, v);
}

static bool atapi_medium_present(IDEDrive *d)
{
    return d->blk && blk_is_inserted(d->blk) && !d->tray_open;
}

static uint32_t atapi_total_blocks(IDEDrive *d)
{
    int64_t len = atapi_medium_present(d) ? blk_getlength(d->blk) : 0;

    return len > 0 ? MIN(len / CD_BLOCK, UINT32_MAX) : 0;
}

void ide_atapi_reset(IDEDrive *d)
{
    d->sense_key = SENSE_NONE;
    d->asc = d->ascq = 0;
    d->atapi_blocks_left = 0;
    d->atapi_dma = false;
}

/* The command ended while the bus-master engine may be waiting on it. */
static void atapi_dma_finish(IDEDrive *d, bool error)
{
    if (d->atapi_dma && d->bus->dma_ops) {
        d->dma_pending = false;
        d->bus->dma_ops->done(d->bus, error);
    }
    d->atapi_dma = false;
}

/* ---- status phase --------------------------------------------------- */

static void atapi_cmd_ok(IDEDrive *d)
{
    atapi_dma_finish(d, false);
    d->status = ATA_STAT_DRDY;
    d->error = 0;
    d->nsector = ATAPI_INT_IO | ATAPI_INT_COD;
    d->sense_key = SENSE_NONE;
    d->asc = d->ascq = 0;
    ide_drive_set_irq(d);
}

static void atapi_cmd_error(IDEDrive *d, uint8_t key, uint8_t asc)
{
    atapi_dma_finish(d, false);
    d->status = ATA_STAT_DRDY | ATA_STAT_ERR;
    d->error = (key << 4) | ATA_ERR_ABRT;
    d->nsector = ATAPI_INT_IO | ATAPI_INT_COD;
    d->sense_key = key;
    d->asc = asc;
    d->ascq = 0;
    d->data_end = d->data_pos = 0;
    ide_drive_set_irq(d);
}

/* ---- data-in -------------------------------------------------------- */

static void atapi_data_end(IDEDrive *d)
{
    atapi_cmd_ok(d);
}

/* ---- data-in by DMA ------------------------------------------------- */

static void atapi_dma_fail(IDEDrive *d)
{
    log_guest_error("ide: %s unit %d: ATAPI DMA: PRD table too short or "
                    "unusable", d->bus->name, d->unit);
    d->bus->dma_ops->done(d->bus, true);
    d->atapi_dma = false;
    atapi_cmd_error(d, SENSE_ABORTED_COMMAND, 0);
}

/* Data is ready: move it when the guest has started the engine. */
static void atapi_dma_wait(IDEDrive *d)
{
    d->atapi_dma_off = 0;
    d->dma_pending = true;
    d->status = ATA_STAT_DRDY | ATA_STAT_DRQ;
    d->nsector = ATAPI_INT_IO;
    if (d->bus->dma_ops->started(d->bus)) {
        ide_atapi_dma_start(d);
    }
}

static void atapi_dma_read_next(IDEDrive *d);

/*
 * The error policy's verdict on a failed read (@ret < 0): true when the
 * request is finished with (the VM stopped and keeps it for "cont", or the
 * guest got MEDIUM ERROR); false to go on as if it had succeeded (ignore).
 */
static bool atapi_read_failed(IDEReq *req, int ret)
{
    IDEErrorOutcome o;

    if (ret >= 0) {
        return false;
    }
    o = ide_req_error(req, ret);
    if (o == IDE_ERROR_REPORTED) {
        IDEDrive *d = req->d;

        ide_req_free(req);
        atapi_cmd_error(d, SENSE_MEDIUM_ERROR, ASC_READ_ERROR);
    }
    return o == IDE_ERROR_STOPPED || o == IDE_ERROR_REPORTED;
}

static void atapi_dma_read_done(IDEReq *req, int ret)
{
    IDEDrive *d = req->d;
    IDEBus *bus = d->bus;
    uint32_t n = req->bytes / CD_BLOCK;

    if (atapi_read_failed(req, ret)) {
        return;
    }
    if (bus->dma_ops->rw(bus, req->buf, d->atapi_dma_off, req->bytes,
                         true) < req->bytes) {
        ide_req_free(req);
        atapi_dma_fail(d);
        return;
    }
    ide_req_free(req);
    d->atapi_dma_off += (uint64_t)n * CD_BLOCK;
    d->atapi_lba += n;
    d->atapi_blocks_left -= n;
    if (d->atapi_blocks_left) {
        atapi_dma_read_next(d);
    } else {
        atapi_cmd_ok(d);
    }
}

static void atapi_dma_read_next(IDEDrive *d)
{
    uint32_t n = MIN(d->atapi_blocks_left, CD_MAX_BLOCKS);

    ide_req_submit(ide_req_new(d, IDE_REQ_READ, d->atapi_lba * CD_BLOCK,
                               (uint64_t)n * CD_BLOCK, atapi_dma_read_done));
}

void ide_atapi_dma_start(IDEDrive *d)
{
    IDEBus *bus = d->bus;

    d->dma_pending = false;
    d->status = ATA_STAT_DRDY | ATA_STAT_BSY;
    if (!d->atapi_dma_reply) {
        atapi_dma_read_next(d);
        return;
    }
    if (bus->dma_ops->rw(bus, d->io_buf, 0, d->atapi_dma_reply, true) <
        d->atapi_dma_reply) {
        atapi_dma_fail(d);
        return;
    }
    atapi_cmd_ok(d);
}

/* ---- data-in by PIO ------------------------------------------------- */

/* Reply with @len bytes already in io_buf, cut to the allocation length. */
static void atapi_reply(IDEDrive *d, uint32_t len, uint32_t alloc)
{
    len = MIN(len, alloc);
    if (d->atapi_dma && len) {
        d->atapi_dma_reply = len;
        atapi_dma_wait(d);
        return;
    }
    len = MIN(len, d->atapi_byte_limit);
    if (!len) {
        atapi_cmd_ok(d);
        return;
    }
    ide_drive_pio_start(d, len, atapi_data_end);
    d->status &= ~ATA_STAT_DSC;
    d->nsector = ATAPI_INT_IO;
    d->lcyl = len;
    d->hcyl = len >> 8;
    ide_drive_set_irq(d);
}

static void atapi_read_next(IDEDrive *d);

static void atapi_read_end(IDEDrive *d)
{
    if (d->atapi_blocks_left) {
        atapi_read_next(d);
    } else {
        atapi_cmd_ok(d);
    }
}

static void atapi_read_done(IDEReq *req, int ret)
{
    IDEDrive *d = req->d;
    uint32_t n = req->bytes / CD_BLOCK;

    if (atapi_read_failed(req, ret)) {
        return;
    }
    memcpy(d->io_buf, req->buf, req->bytes);
    ide_req_free(req);
    d->atapi_lba += n;
    d->atapi_blocks_left -= n;
    ide_drive_pio_start(d, n * CD_BLOCK, atapi_read_end);
    d->status &= ~ATA_STAT_DSC;
    d->nsector = ATAPI_INT_IO;
    d->lcyl = (n * CD_BLOCK);
    d->hcyl = (n * CD_BLOCK) >> 8;
    ide_drive_set_irq(d);
}

static void atapi_read_next(IDEDrive *d)
{
    uint32_t per = MAX(d->atapi_byte_limit / CD_BLOCK, 1);
    uint32_t n = MIN(MIN(d->atapi_blocks_left, per), CD_MAX_BLOCKS);

    ide_req_submit(ide_req_new(d, IDE_REQ_READ, d->atapi_lba * CD_BLOCK,
                               (uint64_t)n * CD_BLOCK, atapi_read_done));
}

static void atapi_read(IDEDrive *d, uint32_t lba, uint32_t n)
{
    if ((uint64_t)lba + n > atapi_total_blocks(d)) {
        block_acct_invalid(blk_get_stats(d->blk), BLOCK_ACCT_READ);
        atapi_cmd_error(d, SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE);
        return;
    }
    if (!n) {
        atapi_cmd_ok(d);
        return;
    }
    d->atapi_lba = lba;
    d->atapi_blocks_left = n;
    if (d->atapi_dma) {
        d->atapi_dma_reply = 0;
        atapi_dma_wait(d);
        return;
    }
    atapi_read_next(d);
}

/* ---- commands ------------------------------------------------------- */

static void atapi_test_unit_ready(IDEDrive *d, const uint8_t *p)
{
    atapi_cmd_ok(d);
}

static void atapi_request_sense(IDEDrive *d, const uint8_t *p)
{
    uint8_t *b = d->io_buf;

    memset(b, 0, 18);
    b[0] = 0x70;
    b[2] = d->sense_key;
    b[7] = 10;
    b[12] = d->asc;
    b[13] = d->ascq;
    d->sense_key = SENSE_NONE;
    d->asc = d->ascq = 0;
    atapi_reply(d, 18, p[4]);
}

static void atapi_inquiry(IDEDrive *d, const uint8_t *p)
{
    uint8_t *b = d->io_buf;

    if (p[1] & 0x01) {          /* EVPD pages are not provided */
        atapi_cmd_error(d, SENSE_ILLEGAL_REQUEST, ASC_INV_FIELD_IN_CDB);
        return;
    }
    memset(b, ' ', 36);
    b[0] = 0x05;                /* CD/DVD device */
    b[1] = 0x80;                /* removable */
    b[2] = 0x00;
    b[3] = 0x21;                /* ATAPI, response data format 1 */
    b[4] = 31;
    b[5] = b[6] = b[7] = 0;
    memcpy(b + 8, "PLIMSOLL", 8);
    memcpy(b + 16, d->model, MIN(strlen(d->model), 16));
    memcpy(b + 32, d->version, MIN(strlen(d->version), 4));
    atapi_reply(d, 36, be16(p + 3));
}

/* Tell QMP clients the tray moved (QEMU's DEVICE_TRAY_MOVED). */
static void atapi_tray_moved(IDEDrive *d)
{
    const char *qdev = d->blk ? blk_get_qdev(d->blk) : NULL;

    qapi_event_send_device_tray_moved(d->blk ? blk_name(d->blk) : "",
                                      qdev ? qdev : "", d->tray_open);
}

static void atapi_start_stop(IDEDrive *d, const uint8_t *p)
{
    bool start = p[4] & 0x01;
    bool loej = p[4] & 0x02;

    if (loej) {
        if (!start && d->tray_locked && !d->tray_open) {
            atapi_cmd_error(d, SENSE_NOT_READY, ASC_REMOVAL_PREVENTED);
            d->ascq = 2;
            return;
        }
        if (d->tray_open == start) {
            d->tray_open = !start;
            d->unit_attention = start && d->blk && blk_is_inserted(d->blk);
            d->event_new_media = d->unit_attention;
            d->event_eject_request = false;
            atapi_tray_moved(d);
        }
    }
    atapi_cmd_ok(d);
}

static void atapi_prevent_allow(IDEDrive *d, const uint8_t *p)
{
    d->tray_locked = p[4] & 0x01;
    atapi_cmd_ok(d);
}

static void atapi_read_capacity(IDEDrive *d, const uint8_t *p)
{
    st32(d->io_buf, atapi_total_blocks(d) - 1);
    st32(d->io_buf + 4, CD_BLOCK);
    atapi_reply(d, 8, 8);
}

static void atapi_read10(IDEDrive *d, const uint8_t *p)
{
    atapi_read(d, be32(p + 2), be16(p + 7));
}

static void atapi_read12(IDEDrive *d, const uint8_t *p)
{
    atapi_read(d, be32(p + 2), be32(p + 6));
}

static void atapi_put_addr(uint8_t *b, uint32_t lba, bool msf)
{
    if (msf) {
        lba += 150;
        b[0] = 0;
        b[1] = lba / (75 * 60);
        b[2] = (lba / 75) % 60;
        b[3] = lba % 75;
    } else {
        st32(b, lba);
    }
}

/* READ TOC format 0 (one data track and the lead-out) and 1 (session). */
static void atapi_read_toc(IDEDrive *d, const uint8_t *p)
{
    uint8_t *b = d->io_buf;
    bool msf = p[1] & 0x02;
    uint8_t format = p[2] & 0x0f;
    uint32_t len;

    if (!format) {
        format = p[9] >> 6;
    }
    memset(b, 0, 20);
    b[2] = b[3] = 1;
    switch (format) {
    case 0:
        b[5] = 0x14;            /* ADR 1, data track */
        b[6] = 1;
        atapi_put_addr(b + 8, 0, msf);
        b[13] = 0x14;
        b[14] = 0xaa;           /* lead-out */
        atapi_put_addr(b + 16, atapi_total_blocks(d), msf);
        len = 20;
        break;
    case 1:
        b[5] = 0x14;
        b[6] = 1;
        atapi_put_addr(b + 8, 0, msf);
        len = 12;
        break;
    default:
        atapi_cmd_error(d, SENSE_ILLEGAL_REQUEST, ASC_INV_FIELD_IN_CDB);
        return;
    }
    st16(b, len - 2);
    atapi_reply(d, len, be16(p + 7));
}

/* Current profile: DVD-ROM above a CD's 700 MiB, else CD-ROM. */
static uint16_t atapi_profile(IDEDrive *d)
{
    uint32_t blocks = atapi_total_blocks(d);

    if (!blocks) {
        return 0;
    }
    return blocks > 700 * 512 ? 0x0010 : 0x0008;
}

static void atapi_get_configuration(IDEDrive *d, const uint8_t *p)
{
    uint8_t *b = d->io_buf;
    uint16_t cur = atapi_profile(d);
    uint16_t start = be16(p + 2);
    uint32_t n = 8;

    memset(b, 0, 64);
    st16(b + 6, cur);
    if (start == 0) {           /* profile list */
        st16(b + n, 0x0000);
        b[n + 2] = 0x03;
        b[n + 3] = 8;
        st16(b + n + 4, 0x0010);
        b[n + 6] = cur == 0x0010;
        st16(b + n + 8, 0x0008);
        b[n + 10] = cur == 0x0008;
        n += 12;
    }
    if (start <= 1) {           /* core: ATAPI interface */
        st16(b + n, 0x0001);
        b[n + 2] = 0x0b;
        b[n + 3] = 8;
        st32(b + n + 4, 2);
        b[n + 8] = 0x01;
        n += 12;
    }
    if (start <= 3) {           /* removable medium: tray, eject, lock */
        st16(b + n, 0x0003);
        b[n + 2] = 0x03;
        b[n + 3] = 4;
        b[n + 4] = 0x29 | (d->tray_locked ? 0x04 : 0);
        n += 8;
    }
    st32(b, n - 4);
    atapi_reply(d, n, be16(p + 7));
}

static void atapi_get_event_status(IDEDrive *d, const uint8_t *p)
{
    uint8_t *b = d->io_buf;
    bool present = atapi_medium_present(d);

    if (!(p[1] & 0x01)) {       /* only polled mode */
        atapi_cmd_error(d, SENSE_ILLEGAL_REQUEST, ASC_INV_FIELD_IN_CDB);
        return;
    }
    memset(b, 0, 8);
    b[3] = 0x10;                /* supported: media class */
    if (!(p[4] & 0x10)) {
        st16(b, 2);
        b[2] = 0x80;            /* no event available */
        atapi_reply(d, 4, be16(p + 7));
        return;
    }
    st16(b, 6);
    b[2] = 0x04;
    if (!d->tray_open && d->event_new_media) {
        b[4] = 0x02;            /* new media */
        d->event_new_media = false;
    } else if (!d->tray_open && d->event_eject_request) {
        b[4] = 0x01;            /* eject request (the host asked) */
        d->event_eject_request = false;
    }
    b[5] = (present ? 0x02 : 0) | (d->tray_open ? 0x01 : 0);
    atapi_reply(d, 8, be16(p + 7));
}

static uint32_t atapi_mode_page(IDEDrive *d, uint8_t page, uint8_t *b)
{
    switch (page) {
    case 0x01:                  /* read error recovery */
        memset(b, 0, 8);
        b[0] = 0x01;
        b[1] = 6;
        b[3] = 5;               /* read retry count */
        return 8;
    case 0x2a:                  /* capabilities and mechanical status */
        memset(b, 0, 22);
        b[0] = 0x2a;
        b[1] = 20;
        b[2] = 0x3b;
        b[4] = 0x71;
        b[5] = 0x60;
        b[6] = 0x29 | (d->tray_locked ? 0x02 : 0);
        st16(b + 8, 706);
        st16(b + 10, 2);
        st16(b + 12, 512);
        st16(b + 14, 706);
        return 22;
    default:
        return 0;
    }
}

static void atapi_mode_sense10(IDEDrive *d, const uint8_t *p)
{
    uint8_t *b = d->io_buf;
    uint8_t page = p[2] & 0x3f;
    uint32_t n = 8;

    if ((p[2] >> 6) == 3) {     /* saved values are not supported */
        atapi_cmd_error(d, SENSE_ILLEGAL_REQUEST, 0x39);
        return;
    }
    memset(b, 0, 8);
    if (page == 0x3f) {
        n += atapi_mode_page(d, 0x01, b + n);
        n += atapi_mode_page(d, 0x2a, b + n);
    } else {
        uint32_t len = atapi_mode_page(d, page, b + n);

        if (!len) {
            atapi_cmd_error(d, SENSE_ILLEGAL_REQUEST, ASC_INV_FIELD_IN_CDB);
            return;
        }
        n += len;
    }
    st16(b, n - 2);
    b[2] = 0x70;                /* medium type: door closed, no disc info */
    atapi_reply(d, n, be16(p + 7));
}

static void atapi_seek(IDEDrive *d, const uint8_t *p)
{
    if (be32(p + 2) >= atapi_total_blocks(d)) {
        atapi_cmd_error(d, SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE);
        return;
    }
    atapi_cmd_ok(d);
}

static void atapi_nop(IDEDrive *d, const uint8_t *p)
{
    atapi_cmd_ok(d);
}

#define NEED ATAPI_NEED_MEDIUM
#define UA ATAPI_ALLOW_UA

static const ATAPICmd atapi_cmds[256] = {
    [0x00] = { atapi_test_unit_ready, NEED },
    [0x03] = { atapi_request_sense, UA },
    [0x12] = { atapi_inquiry, UA },
    [0x1b] = { atapi_start_stop, 0 },
    [0x1e] = { atapi_prevent_allow, 0 },
    [0x25] = { atapi_read_capacity, NEED },
    [0x28] = { atapi_read10, NEED },
    [0x2b] = { atapi_seek, NEED },
    [0x43] = { atapi_read_toc, NEED },
    [0x46] = { atapi_get_configuration, UA },
    [0x4a] = { atapi_get_event_status, UA },
    [0x5a] = { atapi_mode_sense10, 0 },
    [0xa8] = { atapi_read12, NEED },
    [0xbb] = { atapi_nop, 0 },
};

static void atapi_exec(IDEDrive *d)
{
    const uint8_t *p = d->packet;
    const ATAPICmd *c = &atapi_cmds[p[0]];

    if (!c->exec) {
        log_unimp("ide: %s unit %d: ATAPI command 0x%02x", d->bus->name,
                  d->unit, p[0]);
        atapi_cmd_error(d, SENSE_ILLEGAL_REQUEST, ASC_INV_OPCODE);
        return;
    }
    if (d->unit_attention && !(c->flags & ATAPI_ALLOW_UA)) {
        /* A medium changed behind the guest's back reads as "removed"
         * once, then as a unit attention: guests that do not poll GET
         * EVENT STATUS NOTIFICATION still see both halves. */
        if (d->not_ready_once) {
            d->not_ready_once = false;
            atapi_cmd_error(d, SENSE_NOT_READY, ASC_MEDIUM_NOT_PRESENT);
            return;
        }
        d->unit_attention = false;
        atapi_cmd_error(d, SENSE_UNIT_ATTENTION, ASC_MEDIUM_MAY_HAVE_CHANGED);
        return;
    }
    if ((c->flags & ATAPI_NEED_MEDIUM) && !atapi_medium_present(d)) {
        atapi_cmd_error(d, SENSE_NOT_READY, ASC_MEDIUM_NOT_PRESENT);
        return;
    }
    c->exec(d, p);
}

/* ---- removable medium (QMP eject / change, BlockDevOps) --------------- */

static void atapi_change_media(void *opaque, bool load)
{
    IDEDrive *d = opaque;
    bool was_open = d->tray_open;
    int64_t len = load && d->blk && blk_is_inserted(d->blk)
                  ? blk_getlength(d->blk) : 0;

    d->tray_open = !load;
    d->nb_sectors = len > 0 ? len / IDE_SECTOR_SIZE : 0;
    d->unit_attention = load && len > 0;
    d->not_ready_once = d->unit_attention;
    d->event_new_media = d->unit_attention;
    d->event_eject_request = false;
    if (was_open != d->tray_open) {
        atapi_tray_moved(d);
    }
}

static void atapi_eject_request(void *opaque, bool force)
{
    IDEDrive *d = opaque;

    d->event_eject_request = true;
    if (force) {
        d->tray_locked = false;
    }
}

static bool atapi_is_tray_open(void *opaque)
{
    return ((IDEDrive *)opaque)->tray_open;
}

static bool atapi_is_medium_locked(void *opaque)
{
    return ((IDEDrive *)opaque)->tray_locked;
}

const BlockDevOps ide_atapi_dev_ops = {
    .change_media_cb = atapi_change_media,
    .eject_request_cb = atapi_eject_request,
    .is_tray_open = atapi_is_tray_open,
    .is_medium_locked = atapi_is_medium_locked,
};

static void atapi_packet_received(IDEDrive *d)
{
    memcpy(d->packet, d->io_buf, sizeof(d->packet));
    d->status = ATA_STAT_DRDY;
    atapi_exec(d);
}

/* PACKET: receive the 12-byte command packet (no interrupt first). */
void ide_atapi_exec_packet(IDEDrive *d)
{
    uint32_t limit = (d->hcyl << 8) | d->lcyl;

    if ((d->feature & 0x01) && !d->bus->dma_ops) {
        log_guest_error("ide: %s unit %d: ATAPI DMA without a bus master",
                        d->bus->name, d->unit);
        ide_drive_abort(d);
        return;
    }
    d->atapi_dma = d->feature & 0x01;
    d->atapi_byte_limit = (limit == 0 || limit == 0xffff) ? 0xfffe
                                                           : limit & ~1u;
    ide_drive_pio_start(d, sizeof(d->packet), atapi_packet_received);
    d->status &= ~ATA_STAT_DSC;
    d->nsector = ATAPI_INT_COD;
}

static void atapi_identify_end(IDEDrive *d)
{
    d->status = ATA_STAT_DRDY;
}

static void atapi_put_string(uint16_t *w, const char *s, unsigned words)
{
    char buf[64];

    memset(buf, ' ', sizeof(buf));
    memcpy(buf, s, MIN(strlen(s), words * 2));
    for (unsigned i = 0; i < words; i++) {
        w[i] = ((uint8_t)buf[2 * i] << 8) | (uint8_t)buf[2 * i + 1];
    }
}

/* IDENTIFY PACKET DEVICE (ACS-2 §7.17 Table 54). */
void ide_atapi_identify(IDEDrive *d)
{
    uint16_t w[256] = { 0 };

    w[0] = (2 << 14) | (5 << 8) | (1 << 7) | (2 << 5);
    atapi_put_string(&w[10], d->serial, 10);
    atapi_put_string(&w[23], d->version, 4);
    atapi_put_string(&w[27], d->model, 20);
    w[49] = (1 << 9) | (1 << 8);                /* LBA, DMA */
    w[53] = 0x07;
    w[63] = ide_xfer_mode_word(d, false);
    w[64] = 0x03;
    w[65] = w[66] = w[67] = w[68] = 0xb4;
    w[71] = 30;
    w[72] = 30;
    w[80] = 0x1e;
    w[82] = (1 << 14) | (1 << 9) | (1 << 4);   /* NOP, DEVICE RESET, PACKET */
    w[83] = 0x4000;
    w[84] = 0x4000;
    w[85] = (1 << 14) | (1 << 9) | (1 << 4);
    w[87] = 0x4000;
    w[88] = ide_xfer_mode_word(d, true);
    w[93] = 0x6001;
    for (int i = 0; i < 256; i++) {
        d->io_buf[2 * i] = w[i];
        d->io_buf[2 * i + 1] = w[i] >> 8;
    }
    ide_drive_pio_start(d, 512, atapi_identify_end);
    d->status &= ~ATA_STAT_DSC;
    ide_drive_set_irq(d);
}
