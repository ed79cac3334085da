/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ATA command set of an IDE hard disk (ide-hd), and the dispatch of
 * every command a channel receives (ATAPI devices accept only the few the
 * PACKET feature set allows and answer the rest with ABRT and their
 * signature, ACS-2 §4.3).
 *
 * Spec: ATA/ATAPI Command Set ACS-2 (T13/2015-D) §7: DATA SET MANAGEMENT
 * (06h, TRIM), READ/WRITE SECTORS (20h/30h, EXT 24h/34h), READ/WRITE
 * MULTIPLE (C4h/C5h, EXT 29h/39h), READ/WRITE DMA (C8h/CAh, EXT 25h/35h,
 * FUA 3Dh), READ VERIFY (40h/42h), FLUSH CACHE (E7h, EXT EAh), SET
 * FEATURES (EFh), SET MULTIPLE MODE (C6h), INITIALIZE DEVICE PARAMETERS
 * (91h), EXECUTE DEVICE DIAGNOSTIC (90h), IDENTIFY DEVICE (ECh) with the
 * word layout of §7.16 Table 45; power commands E0h-E6h complete at once.
 * Errors: a range past the end of the medium is IDNF, an unsupported
 * command or a failed transfer is ABRT (reads UNC), as §6.2 defines.
 *
 * Data moves in DRQ blocks of one sector (or the multiple count).  Reads
 * fetch up to 128 KiB of the command at once while the device shows BSY;
 * each written block goes to the backend asynchronously before the next
 * DRQ.  DMA commands wait for the bus master's start bit and
 * move the whole command through a bounce buffer.
 */
#include "hw/ide/ide.h"

#include <errno.h>
#include <string.h>

#include "util/log.h"

#define ATA_CMD_HD      0x01    /* accepted by a disk */
#define ATA_CMD_CD      0x02    /* accepted by an ATAPI device */
#define ATA_CMD_LBA48   0x04    /* 48-bit addressing */

#define ATA_DSM_MAX_BLOCKS  8   /* IDENTIFY word 105 */

typedef struct ATACmd {
    void (*exec)(IDEDrive *d);
    uint8_t flags;
} ATACmd;

void ide_ata_set_signature(IDEDrive *d)
{
    d->nsector = 1;
    d->sector = 1;
    d->select &= ATA_DEV_DEV | 0xa0;
    if (d->kind == IDE_KIND_CD) {
        d->lcyl = 0x14;
        d->hcyl = 0xeb;
    } else {
        d->lcyl = 0;
        d->hcyl = 0;
    }
}

/* ---- errors --------------------------------------------------------- */

static void ata_error(IDEDrive *d, uint8_t err)
{
    d->status = ATA_STAT_DRDY | ATA_STAT_DSC | ATA_STAT_ERR;
    d->error = err;
    d->data_end = d->data_pos = 0;
    ide_drive_set_irq(d);
}

static bool ata_check_range(IDEDrive *d, int64_t lba, uint32_t n,
                            BlockAcctType type)
{
    if (lba < 0 || (uint64_t)lba + n > d->nb_sectors) {
        log_guest_error("ide: %s unit %d: LBA %" PRId64 "+%u past the end "
                        "(%" PRIu64 " sectors)", d->bus->name, d->unit, lba,
                        n, d->nb_sectors);
        block_acct_invalid(blk_get_stats(d->blk), type);
        ata_error(d, ATA_ERR_IDNF | ATA_ERR_ABRT);
        return false;
    }
    return true;
}

/*
 * Common error path of a transfer's completion: returns true when the
 * caller must stop (error reported, or request kept for the retry).
 */
static bool ata_req_failed(IDEReq *req, int ret, bool dma)
{
    IDEDrive *d = req->d;

    if (ret >= 0) {
        return false;
    }
    switch (ide_req_error(req, ret)) {
    case IDE_ERROR_STOPPED:
        return true;
    case IDE_ERROR_REPORTED:
        if (dma && d->bus->dma_ops) {
            d->bus->dma_ops->done(d->bus, true);
        }
        ide_drive_set_lba(d, req->offset / IDE_SECTOR_SIZE);
        ata_error(d, req->kind == IDE_REQ_READ ? ATA_ERR_UNC
                                               : ATA_ERR_ABRT);
        ide_req_free(req);
        return true;
    case IDE_ERROR_IGNORED:
    default:
        return false;
    }
}

/* ---- PIO ------------------------------------------------------------ */

static void ata_pio_read_next(IDEDrive *d);
static void ata_pio_read_end(IDEDrive *d);
static void ata_pio_write_end(IDEDrive *d);

/*
 * PIO reads fetch up to IDE_IO_BUF_SIZE at once (a multiple of every DRQ
 * block size) and hand it out block by block; only an exhausted buffer
 * waits for the backend again.
 */
static void ata_pio_read_block(IDEDrive *d)
{
    uint32_t n = MIN(d->block_sectors, d->chunk_left);

    ide_drive_pio_window(d, d->chunk_pos * IDE_SECTOR_SIZE,
                         n * IDE_SECTOR_SIZE, ata_pio_read_end);
    d->chunk_pos += n;
    d->chunk_left -= n;
    d->sector_num += n;
    d->nsector_left -= n;
    ide_drive_set_lba(d, d->sector_num - 1);
    ide_drive_set_irq(d);
}

static void ata_pio_read_end(IDEDrive *d)
{
    if (d->chunk_left) {
        ata_pio_read_block(d);
    } else if (d->nsector_left) {
        ata_pio_read_next(d);
    } else {
        d->status = ATA_STAT_DRDY | ATA_STAT_DSC;
    }
}

static void ata_pio_read_done(IDEReq *req, int ret)
{
    IDEDrive *d = req->d;

    if (ata_req_failed(req, ret, false)) {
        return;
    }
    memcpy(d->io_buf, req->buf, req->bytes);
    d->chunk_pos = 0;
    d->chunk_left = req->bytes / IDE_SECTOR_SIZE;
    ide_req_free(req);
    ata_pio_read_block(d);
}

static void ata_pio_read_next(IDEDrive *d)
{
    uint32_t n = MIN(d->nsector_left, IDE_IO_BUF_SIZE / IDE_SECTOR_SIZE);

    ide_req_submit(ide_req_new(d, IDE_REQ_READ,
                               d->sector_num * IDE_SECTOR_SIZE,
                               (uint64_t)n * IDE_SECTOR_SIZE,
                               ata_pio_read_done));
}

static void ata_pio_write_block(IDEDrive *d)
{
    uint32_t n = MIN(d->nsector_left, d->block_sectors);

    ide_drive_pio_start(d, n * IDE_SECTOR_SIZE, ata_pio_write_end);
}

static void ata_pio_write_done(IDEReq *req, int ret)
{
    IDEDrive *d = req->d;
    uint32_t n = req->bytes / IDE_SECTOR_SIZE;

    if (ata_req_failed(req, ret, false)) {
        return;
    }
    ide_req_free(req);
    d->sector_num += n;
    d->nsector_left -= n;
    ide_drive_set_lba(d, d->sector_num - 1);
    if (d->nsector_left) {
        ata_pio_write_block(d);
        ide_drive_set_irq(d);
    } else {
        ide_drive_cmd_done(d);
    }
}

static void ata_pio_write_end(IDEDrive *d)
{
    IDEReq *req = ide_req_new(d, IDE_REQ_WRITE,
                              d->sector_num * IDE_SECTOR_SIZE,
                              d->data_end, ata_pio_write_done);

    memcpy(req->buf, d->io_buf, d->data_end);
    ide_req_submit(req);
}

static void ata_pio_begin(IDEDrive *d, bool write, bool multiple)
{
    int64_t lba = ide_drive_get_lba(d);
    uint32_t n = ide_drive_get_count(d);

    if (multiple && !d->mult_sectors) {
        ide_drive_abort(d);
        return;
    }
    if (!ata_check_range(d, lba, n, write ? BLOCK_ACCT_WRITE
                                          : BLOCK_ACCT_READ)) {
        return;
    }
    d->sector_num = lba;
    d->nsector_left = n;
    d->block_sectors = multiple ? d->mult_sectors : 1;
    d->chunk_left = 0;
    if (write) {
        ata_pio_write_block(d);
    } else {
        ata_pio_read_next(d);
    }
}

static void ata_cmd_read_sectors(IDEDrive *d)
{
    ata_pio_begin(d, false, false);
}

static void ata_cmd_write_sectors(IDEDrive *d)
{
    ata_pio_begin(d, true, false);
}

static void ata_cmd_read_multiple(IDEDrive *d)
{
    ata_pio_begin(d, false, true);
}

static void ata_cmd_write_multiple(IDEDrive *d)
{
    ata_pio_begin(d, true, true);
}

/* ---- DMA ------------------------------------------------------------ */

static void ata_dma_fail(IDEDrive *d)
{
    IDEBus *bus = d->bus;

    log_guest_error("ide: %s unit %d: bus-master PRD table unusable",
                    bus->name, d->unit);
    if (bus->dma_ops) {
        bus->dma_ops->done(bus, true);
    }
    ide_drive_abort(d);
}

static void ata_dma_done(IDEReq *req, int ret)
{
    IDEDrive *d = req->d;
    IDEBus *bus = d->bus;
    uint32_t n = req->bytes / IDE_SECTOR_SIZE;

    if (ata_req_failed(req, ret, true)) {
        return;
    }
    if (req->kind == IDE_REQ_READ &&
        bus->dma_ops->rw(bus, req->buf, 0, req->bytes, true) <
            req->bytes) {
        ide_req_free(req);
        ata_dma_fail(d);
        return;
    }
    ide_req_free(req);
    d->sector_num += n;
    d->nsector_left = 0;
    ide_drive_set_lba(d, d->sector_num - 1);
    bus->dma_ops->done(bus, false);
    ide_drive_cmd_done(d);
}

static void ata_dsm_done(IDEReq *req, int ret)
{
    IDEDrive *d = req->d;

    if (ata_req_failed(req, ret, true)) {
        return;
    }
    ide_req_free(req);
    d->bus->dma_ops->done(d->bus, false);
    ide_drive_cmd_done(d);
}

/* DATA SET MANAGEMENT/TRIM: 8-byte entries, LBA in bits 0-47, count in
 * 48-63 (ACS-2 §7.10.3.2); a zero count ends nothing, it is skipped. */
static void ata_dsm_start(IDEDrive *d, const uint8_t *buf, uint64_t len)
{
    IDEReq *req = ide_req_new(d, IDE_REQ_DISCARD, 0, 0, ata_dsm_done);

    req->ranges = g_new(uint64_t, 2 * (len / 8));
    for (uint64_t i = 0; i + 8 <= len; i += 8) {
        uint64_t e = 0, lba, cnt;

        for (int k = 7; k >= 0; k--) {
            e = (e << 8) | buf[i + k];
        }
        lba = e & 0xffffffffffffULL;
        cnt = e >> 48;
        if (!cnt) {
            continue;
        }
        if (lba + cnt > d->nb_sectors) {
            ide_req_free(req);
            d->bus->dma_ops->done(d->bus, true);
            ata_check_range(d, lba, cnt, BLOCK_ACCT_UNMAP);
            return;
        }
        req->ranges[2 * req->nranges] = lba;
        req->ranges[2 * req->nranges + 1] = cnt;
        req->nranges++;
    }
    if (!req->nranges) {
        ide_req_free(req);
        d->bus->dma_ops->done(d->bus, false);
        ide_drive_cmd_done(d);
        return;
    }
    ide_req_submit(req);
}

void ide_ata_dma_start(IDEDrive *d)
{
    IDEBus *bus = d->bus;
    uint64_t bytes = (uint64_t)d->nsector_left * IDE_SECTOR_SIZE;
    int64_t prd = bus->dma_ops->prd_bytes(bus);
    IDEReq *req;

    d->dma_pending = false;
    if (prd < 0 || (uint64_t)prd < bytes) {
        ata_dma_fail(d);
        return;
    }
    d->status = ATA_STAT_DRDY | ATA_STAT_DSC | ATA_STAT_BSY;
    if (d->cmd == 0x06) {
        g_autofree uint8_t *buf = g_malloc(bytes);

        if (bus->dma_ops->rw(bus, buf, 0, bytes, false) < bytes) {
            ata_dma_fail(d);
            return;
        }
        ata_dsm_start(d, buf, bytes);
        return;
    }
    req = ide_req_new(d, d->dma_write ? IDE_REQ_WRITE : IDE_REQ_READ,
                      d->sector_num * IDE_SECTOR_SIZE, bytes, ata_dma_done);
    if (d->dma_write &&
        bus->dma_ops->rw(bus, req->buf, 0, bytes, false) < bytes) {
        ide_req_free(req);
        ata_dma_fail(d);
        return;
    }
    ide_req_submit(req);
}

static void ata_dma_begin(IDEDrive *d, bool write)
{
    IDEBus *bus = d->bus;
    int64_t lba = ide_drive_get_lba(d);
    uint32_t n = ide_drive_get_count(d);

    if (!bus->dma_ops) {
        ide_drive_abort(d);
        return;
    }
    if (!ata_check_range(d, lba, n, write ? BLOCK_ACCT_WRITE
                                          : BLOCK_ACCT_READ)) {
        return;
    }
    d->sector_num = lba;
    d->nsector_left = n;
    d->dma_write = write;
    d->dma_pending = true;
    d->status = ATA_STAT_DRDY | ATA_STAT_DSC | ATA_STAT_DRQ;
    if (bus->dma_ops->started(bus)) {
        ide_ata_dma_start(d);
    }
}

static void ata_cmd_read_dma(IDEDrive *d)
{
    ata_dma_begin(d, false);
}

static void ata_cmd_write_dma(IDEDrive *d)
{
    ata_dma_begin(d, true);
}

static void ata_cmd_dsm(IDEDrive *d)
{
    uint32_t blocks = ide_drive_get_count(d);

    if (!(d->feature & 0x01) || !d->bus->dma_ops ||
        blocks > ATA_DSM_MAX_BLOCKS) {
        ide_drive_abort(d);
        return;
    }
    d->nsector_left = blocks;
    d->dma_write = true;
    d->dma_pending = true;
    d->status = ATA_STAT_DRDY | ATA_STAT_DSC | ATA_STAT_DRQ;
    if (d->bus->dma_ops->started(d->bus)) {
        ide_ata_dma_start(d);
    }
}

/* ---- other data-less commands --------------------------------------- */

static void ata_flush_done(IDEReq *req, int ret)
{
    IDEDrive *d = req->d;

    if (ata_req_failed(req, ret, false)) {
        return;
    }
    ide_req_free(req);
    ide_drive_cmd_done(d);
}

static void ata_cmd_flush(IDEDrive *d)
{
    if (d->kind != IDE_KIND_HD) {
        ide_drive_cmd_done(d);
        return;
    }
    ide_req_submit(ide_req_new(d, IDE_REQ_FLUSH, 0, 0, ata_flush_done));
}

static void ata_cmd_verify(IDEDrive *d)
{
    int64_t lba = ide_drive_get_lba(d);
    uint32_t n = ide_drive_get_count(d);

    if (ata_check_range(d, lba, n, BLOCK_ACCT_READ)) {
        ide_drive_set_lba(d, lba + n - 1);
        ide_drive_cmd_done(d);
    }
}

static void ata_cmd_nop_done(IDEDrive *d)
{
    ide_drive_cmd_done(d);
}

static void ata_cmd_check_power(IDEDrive *d)
{
    d->nsector = 0xff;      /* active or idle */
    ide_drive_cmd_done(d);
}

static void ata_cmd_set_multiple(IDEDrive *d)
{
    uint8_t n = d->nsector;

    if (n > IDE_MAX_MULT || (n & (n - 1))) {
        ide_drive_abort(d);
        return;
    }
    d->mult_sectors = n;
    ide_drive_cmd_done(d);
}

static void ata_cmd_init_params(IDEDrive *d)
{
    d->cur_secs = d->nsector;
    d->cur_heads = (d->select & 0x0f) + 1;
    ide_drive_cmd_done(d);
}

/* Subcommands of SET FEATURES (ACS-2 §7.48 Table 80) Plimsoll honours. */
static void ata_cmd_set_features(IDEDrive *d)
{
    switch (d->feature) {
    case 0x02:
    case 0x82:
        d->wce = d->feature == 0x02;
        if (d->kind == IDE_KIND_HD) {
            blk_set_enable_write_cache(d->blk, d->wce);
        }
        break;
    case 0x03:
        /* Transfer mode: PIO (0x08-0x0c), MWDMA (0x20-0x22), UDMA
         * (0x40-0x46); the mode is recorded for IDENTIFY. */
        if ((d->nsector & 0xf8) == 0x08 || d->nsector <= 1 ||
            (d->nsector >= 0x20 && d->nsector <= 0x22) ||
            (d->nsector >= 0x40 && d->nsector <= 0x46)) {
            d->xfer_mode = d->nsector;
            break;
        }
        ide_drive_abort(d);
        return;
    case 0x05: case 0x85: case 0x31: case 0x42: case 0x55: case 0x66:
    case 0xaa: case 0xc2: case 0xcc: case 0xdd: case 0x44: case 0x57:
        break;
    default:
        log_unimp("ide: SET FEATURES subcommand 0x%02x", d->feature);
        ide_drive_abort(d);
        return;
    }
    ide_drive_cmd_done(d);
}

static void ata_cmd_diag(IDEDrive *d)
{
    IDEBus *bus = d->bus;

    for (int i = 0; i < 2; i++) {
        IDEDrive *x = &bus->drive[i];

        if (x->kind == IDE_KIND_NONE) {
            continue;
        }
        ide_ata_set_signature(x);
        x->error = 0x01;
        x->status = x->kind == IDE_KIND_HD ? ATA_STAT_DRDY | ATA_STAT_DSC : 0;
    }
    ide_drive_set_irq(&bus->drive[0]);
}

static void ata_cmd_device_reset(IDEDrive *d)
{
    ide_atapi_reset(d);
    ide_ata_set_signature(d);
    d->error = 0x01;
    d->status = 0;
}

static void ata_identify_end(IDEDrive *d)
{
    d->status = ATA_STAT_DRDY | ATA_STAT_DSC;
}

static void ata_cmd_identify(IDEDrive *d)
{
    ide_ata_identify(d);
    ide_drive_pio_start(d, IDE_SECTOR_SIZE, ata_identify_end);
    ide_drive_set_irq(d);
}

static void ata_cmd_identify_packet(IDEDrive *d)
{
    ide_atapi_identify(d);
}

static void ata_cmd_packet(IDEDrive *d)
{
    ide_atapi_exec_packet(d);
}

/* ---- the command table ---------------------------------------------- */

#define HD ATA_CMD_HD
#define CD ATA_CMD_CD
#define L48 ATA_CMD_LBA48

static const ATACmd ata_cmds[256] = {
    [0x06] = { ata_cmd_dsm, HD | L48 },
    [0x08] = { ata_cmd_device_reset, CD },
    /* 10h-1Fh RECALIBRATE and 70h-7Fh SEEK (obsolete): done at once. */
    [0x10 ... 0x1f] = { ata_cmd_nop_done, HD },
    [0x20] = { ata_cmd_read_sectors, HD },
    [0x21] = { ata_cmd_read_sectors, HD },
    [0x24] = { ata_cmd_read_sectors, HD | L48 },
    [0x25] = { ata_cmd_read_dma, HD | L48 },
    [0x29] = { ata_cmd_read_multiple, HD | L48 },
    [0x30] = { ata_cmd_write_sectors, HD },
    [0x31] = { ata_cmd_write_sectors, HD },
    [0x34] = { ata_cmd_write_sectors, HD | L48 },
    [0x35] = { ata_cmd_write_dma, HD | L48 },
    [0x39] = { ata_cmd_write_multiple, HD | L48 },
    [0x3d] = { ata_cmd_write_dma, HD | L48 },
    [0x40] = { ata_cmd_verify, HD },
    [0x41] = { ata_cmd_verify, HD },
    [0x42] = { ata_cmd_verify, HD | L48 },
    [0x70 ... 0x7f] = { ata_cmd_nop_done, HD },
    [0x90] = { ata_cmd_diag, HD | CD },
    [0x91] = { ata_cmd_init_params, HD },
    [0xa0] = { ata_cmd_packet, CD },
    [0xa1] = { ata_cmd_identify_packet, CD },
    [0xc4] = { ata_cmd_read_multiple, HD },
    [0xc5] = { ata_cmd_write_multiple, HD },
    [0xc6] = { ata_cmd_set_multiple, HD },
    [0xc8] = { ata_cmd_read_dma, HD },
    [0xc9] = { ata_cmd_read_dma, HD },
    [0xca] = { ata_cmd_write_dma, HD },
    [0xcb] = { ata_cmd_write_dma, HD },
    [0xce] = { ata_cmd_write_multiple, HD | L48 },
    [0xe0] = { ata_cmd_nop_done, HD | CD },
    [0xe1] = { ata_cmd_nop_done, HD | CD },
    [0xe2] = { ata_cmd_nop_done, HD | CD },
    [0xe3] = { ata_cmd_nop_done, HD | CD },
    [0xe5] = { ata_cmd_check_power, HD | CD },
    [0xe6] = { ata_cmd_nop_done, HD | CD },
    [0xe7] = { ata_cmd_flush, HD | CD },
    [0xea] = { ata_cmd_flush, HD | L48 },
    [0xec] = { ata_cmd_identify, HD },
    [0xef] = { ata_cmd_set_features, HD | CD },
};

void ide_ata_exec(IDEDrive *d, uint8_t cmd)
{
    const ATACmd *c = &ata_cmds[cmd];
    uint8_t need = d->kind == IDE_KIND_CD ? ATA_CMD_CD : ATA_CMD_HD;

    if (!c->exec || !(c->flags & need)) {
        if (!c->exec) {
            log_unimp("ide: %s unit %d: ATA command 0x%02x", d->bus->name,
                      d->unit, cmd);
        }
        if (d->kind == IDE_KIND_CD) {
            ide_ata_set_signature(d);
        }
        ide_drive_abort(d);
        return;
    }
    d->lba48 = c->flags & ATA_CMD_LBA48;
    c->exec(d);
}

/* ---- IDENTIFY DEVICE ------------------------------------------------ */

static void ata_put_string(uint16_t *w, const char *s, unsigned words)
{
    char buf[64];

    memset(buf, ' ', sizeof(buf));
    memcpy(buf, s, MIN(strlen(s), words * 2));
    for (unsigned i = 0; i < words; i++) {
        w[i] = ((uint8_t)buf[2 * i] << 8) | (uint8_t)buf[2 * i + 1];
    }
}

/* Bits of the selected transfer mode for words 63 and 88. */
uint16_t ide_xfer_mode_word(const IDEDrive *d, bool udma)
{
    uint8_t base = udma ? 0x40 : 0x20;
    uint16_t w = udma ? 0x3f : 0x07;

    if ((d->xfer_mode & 0xf8) == base) {
        w |= 0x100 << (d->xfer_mode & 7);
    }
    return w;
}

static void ata_identify_words(IDEDrive *d, uint16_t *w)
{
    uint64_t n = d->nb_sectors;
    uint64_t chs = (uint64_t)d->cyls * d->heads * d->secs;
    uint64_t lba28 = MIN(n, 0x0fffffffULL);

    w[0] = 0x0040;
    w[1] = d->cyls;
    w[3] = d->heads;
    w[6] = d->secs;
    ata_put_string(&w[10], d->serial, 10);
    w[20] = 3;
    w[21] = 512;
    ata_put_string(&w[23], d->version, 4);
    ata_put_string(&w[27], d->model, 20);
    w[47] = 0x8000 | IDE_MAX_MULT;
    w[49] = (1 << 11) | (1 << 9) | (1 << 8);   /* IORDY, LBA, DMA */
    w[50] = 0x4000;
    w[51] = 0x200;
    w[52] = 0x200;
    w[53] = 0x07;
    w[54] = d->cur_heads && d->cur_secs ?
            MIN(n / (d->cur_heads * d->cur_secs), 65535) : 0;
    w[55] = d->cur_heads;
    w[56] = d->cur_secs;
    chs = (uint64_t)w[54] * d->cur_heads * d->cur_secs;
    w[57] = chs;
    w[58] = chs >> 16;
    w[59] = d->mult_sectors ? 0x100 | d->mult_sectors : 0;
    w[60] = lba28;
    w[61] = lba28 >> 16;
    w[62] = 0x07;
    w[63] = ide_xfer_mode_word(d, false);
    w[64] = 0x03;
    w[65] = w[66] = w[67] = w[68] = 120;
    w[80] = 0x1f0;                              /* ATA-4 .. ATA8-ACS */
    w[82] = (1 << 14) | (1 << 5) | (1 << 3);    /* NOP, cache, PM */
    w[83] = 0x4000 | (1 << 13) | (1 << 12) | (1 << 10);
    w[84] = 0x4000 | (d->wwn ? 1 << 8 : 0);
    w[85] = (1 << 14) | (d->wce ? 1 << 5 : 0) | (1 << 3);
    w[86] = (1 << 13) | (1 << 12) | (1 << 10);
    w[87] = 0x4000 | (d->wwn ? 1 << 8 : 0);
    w[88] = ide_xfer_mode_word(d, true);
    w[93] = 0x6001;     /* 80-conductor cable, device 0 passed */
    w[100] = n;
    w[101] = n >> 16;
    w[102] = n >> 32;
    w[103] = n >> 48;
    w[105] = ATA_DSM_MAX_BLOCKS;
    w[106] = 0x4000;    /* one logical sector per physical sector */
    if (d->wwn) {
        w[108] = d->wwn >> 48;
        w[109] = d->wwn >> 32;
        w[110] = d->wwn >> 16;
        w[111] = d->wwn;
    }
    w[169] = 1;         /* DATA SET MANAGEMENT/TRIM */
}

void ide_ata_identify(IDEDrive *d)
{
    uint16_t w[256] = { 0 };
    uint8_t sum = 0;

    ata_identify_words(d, w);
    w[255] = 0xa5;      /* integrity word: signature, then checksum */
    for (int i = 0; i < 255; i++) {
        sum += (w[i] & 0xff) + (w[i] >> 8);
    }
    sum += 0xa5;
    w[255] |= (uint16_t)(uint8_t)-sum << 8;
    for (int i = 0; i < 256; i++) {
        d->io_buf[2 * i] = w[i];
        d->io_buf[2 * i + 1] = w[i] >> 8;
    }
}
