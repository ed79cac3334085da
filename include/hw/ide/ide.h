/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An IDE channel (ATA/ATAPI-8 Parallel Transport, T13/1698-D: the task
 * file registers, device control, the PIO data port and the device
 * reset protocols) with up to two devices: ATA hard disks (ide-hd,
 * hw/ide/ata-disk.c) and ATAPI CD-ROMs (ide-cd, hw/ide/atapi.c).
 *
 * The controller (hw/ide/piix-ide.c) owns two IDEBus channels, maps
 * their command and control blocks and drives bus-master DMA; the
 * channel code calls back into it through IDEDMAOps when a DMA command
 * is ready to move data.
 *
 * Every request goes to the block backend asynchronously: while it is
 * in flight the device shows BSY, and the completion (on the main loop,
 * under the machine lock) makes the data available (DRQ) or ends the
 * command, raising INTRQ.  A request that fails under a werror/rerror
 * "stop" policy is kept and resubmitted when the VM runs again.
 */
#ifndef HW_IDE_IDE_H
#define HW_IDE_IDE_H

#include <stdbool.h>
#include <stdint.h>

#include "block/block-backend.h"
#include "hw/core/irq.h"
#include "hw/core/memory.h"

/* Status register (ATA8-APT §5.2.13 / ACS-2 §6.1). */
#define ATA_STAT_ERR   0x01
#define ATA_STAT_DRQ   0x08
#define ATA_STAT_DSC   0x10     /* seek complete (obsolete, guests test it) */
#define ATA_STAT_DF    0x20
#define ATA_STAT_DRDY  0x40
#define ATA_STAT_BSY   0x80

/* Error register. */
#define ATA_ERR_AMNF   0x01
#define ATA_ERR_ABRT   0x04
#define ATA_ERR_IDNF   0x10
#define ATA_ERR_UNC    0x40

/* Device control register. */
#define ATA_CTL_NIEN   0x02
#define ATA_CTL_SRST   0x04
#define ATA_CTL_HOB    0x80

/* Device (select) register. */
#define ATA_DEV_DEV    0x10
#define ATA_DEV_LBA    0x40

#define IDE_SECTOR_SIZE     512
#define IDE_MAX_MULT        16          /* sectors per DRQ block, max */
#define IDE_IO_BUF_SIZE     (128 * 1024)

typedef struct IDEBus IDEBus;
typedef struct IDEDrive IDEDrive;
typedef struct IDEReq IDEReq;

typedef enum IDEDriveKind {
    IDE_KIND_NONE = 0,
    IDE_KIND_HD,
    IDE_KIND_CD,
} IDEDriveKind;

/* What an async request does. */
typedef enum IDEReqKind {
    IDE_REQ_READ = 0,
    IDE_REQ_WRITE,
    IDE_REQ_FLUSH,
    IDE_REQ_DISCARD,
} IDEReqKind;

/**
 * struct IDEReq - one block-layer request of a drive.
 * @d: the drive; @gen: the drive's generation when submitted (a reset
 * bumps it, so a completion arriving afterwards is dropped).
 * @buf: bounce buffer of @bytes (the device copies guest data in or out
 * under the machine lock; the worker only touches @buf).
 * @ranges: DISCARD: (lba, count) pairs, @nranges of them.
 * @done: what to do with the result (ATA PIO block, DMA, ATAPI, ...).
 */
struct IDEReq {
    IDEDrive *d;
    uint64_t gen;
    IDEReqKind kind;
    int64_t offset;
    uint64_t bytes;
    uint8_t *buf;
    BlockIOV qiov;
    uint64_t *ranges;
    unsigned nranges;
    unsigned next_range;
    void (*done)(IDEReq *req, int ret);
};

/**
 * struct IDEDMAOps - what a bus-master controller offers a channel.
 * @rw: move @len bytes between @buf and the guest memory described by
 *      the channel's PRD table, starting @offset bytes into the area it
 *      describes (@to_guest: device read).  Returns the number of bytes
 *      moved; less than @len when the table is shorter or invalid.
 * @prd_bytes: total bytes the PRD table describes (capped), or -1 when
 *      it cannot be read.
 * @started: whether the guest set the start bit.
 * @intr: the channel raised INTRQ (PIIX sets its interrupt bit).
 * @done: the DMA command ended (@error: the transfer failed): set the
 *      interrupt bit, clear active as the controller would.
 */
typedef struct IDEDMAOps {
    void (*intr)(IDEBus *bus);
    uint64_t (*rw)(IDEBus *bus, uint8_t *buf, uint64_t offset,
                   uint64_t len, bool to_guest);
    int64_t (*prd_bytes)(IDEBus *bus);
    bool (*started)(IDEBus *bus);
    void (*done)(IDEBus *bus, bool error);
} IDEDMAOps;

/**
 * struct IDEDrive - one ATA or ATAPI device on a channel.
 * Configuration (set before ide_drive_attach, frozen after), task file
 * and transfer state (guest-visible), then plumbing.
 */
struct IDEDrive {
    /* configuration */
    IDEDriveKind kind;
    BlockBackend *blk;
    char serial[21];
    char model[41];
    char version[9];
    uint64_t wwn;
    uint64_t nb_sectors;
    uint16_t cyls;
    uint8_t heads;
    uint8_t secs;
    int unit;
    IDEBus *bus;
    /* task file (registers are written to both devices of a channel) */
    uint8_t feature, hob_feature;
    uint8_t nsector, hob_nsector;
    uint8_t sector, hob_sector;
    uint8_t lcyl, hob_lcyl;
    uint8_t hcyl, hob_hcyl;
    uint8_t select;
    uint8_t status;
    uint8_t error;
    /* device state */
    uint8_t cmd;
    bool lba48;
    bool intrq;
    uint16_t mult_sectors;
    uint8_t cur_heads;
    uint8_t cur_secs;
    uint8_t xfer_mode;
    bool wce;
    bool in_reset;
    /* the running command */
    int64_t sector_num;
    uint32_t nsector_left;
    uint32_t block_sectors;
    uint32_t chunk_pos;         /* PIO read-ahead: next sector in io_buf */
    uint32_t chunk_left;        /* sectors of io_buf not handed out yet */
    bool dma_pending;
    bool dma_write;
    /* PIO data port */
    uint8_t *io_buf;
    uint32_t data_pos;
    uint32_t data_end;
    void (*end_transfer)(IDEDrive *d);
    /* ATAPI */
    uint8_t sense_key;
    uint8_t asc;
    uint8_t ascq;
    bool tray_open;
    bool tray_locked;
    bool unit_attention;
    bool not_ready_once;        /* a changed medium: NOT READY, then UA */
    bool event_new_media;       /* GET EVENT STATUS: media events */
    bool event_eject_request;
    uint8_t packet[12];
    int64_t atapi_lba;
    uint32_t atapi_blocks_left;
    uint32_t atapi_byte_limit;
    bool atapi_dma;             /* this PACKET moves its data by DMA */
    uint32_t atapi_dma_reply;   /* bytes of io_buf to send, 0: a READ */
    uint64_t atapi_dma_off;     /* bytes moved so far */
    /* host plumbing */
    uint64_t gen;
    IDEReq *inflight;
    IDEReq *retry;
    bool retry_is_read;
};

/**
 * struct IDEBus - one channel: two device slots, device control, INTRQ.
 * @irq: the channel's interrupt output (IRQ 14 or 15 on a PC).
 * @dma_ops/@dma_opaque: the bus-master controller, or NULL ops (PIO only).
 * @name: "ide.0" / "ide.1", as -device bus= names it.
 */
struct IDEBus {
    IDEDrive drive[2];
    uint8_t devctl;
    IRQLine *irq;
    const IDEDMAOps *dma_ops;
    void *dma_opaque;
    char name[8];
    int index;
};

/** ide_bus_init() - an empty channel called "ide.@index". */
void ide_bus_init(IDEBus *bus, int index, IRQLine *irq,
                  const IDEDMAOps *dma_ops, void *dma_opaque);

/**
 * ide_drive_attach() - put a device of @kind on @bus as @unit over @blk
 * (NULL only for an empty CD-ROM).  @serial/@model may be NULL for the
 * defaults ("QM000NN", "PLIMSOLL HARDDISK"/"PLIMSOLL DVD-ROM").  Enables
 * io-status on the backend.  Fails when the slot is taken, an ide-hd has
 * no medium, or the image is not a whole number of sectors.
 */
bool ide_drive_attach(IDEBus *bus, int unit, IDEDriveKind kind,
                      BlockBackend *blk, const char *serial,
                      const char *model, Error **errp);

/** ide_drive_detach() - drain and remove the device of @unit. */
void ide_drive_detach(IDEBus *bus, int unit);

/** ide_bus_reset() - hardware reset of the channel and its devices. */
void ide_bus_reset(IDEBus *bus);

/** ide_bus_free() - release buffers (after detaching). */
void ide_bus_free(IDEBus *bus);

/**
 * ide_ioport_read()/ide_ioport_write() - the command block (offset 0-7:
 * data, error/feature, sector count, LBA low/mid/high, device,
 * status/command).  @size is 1, 2 or 4; only the data register is wider
 * than a byte.
 */
uint32_t ide_ioport_read(IDEBus *bus, unsigned offset, unsigned size);
void ide_ioport_write(IDEBus *bus, unsigned offset, uint32_t val,
                      unsigned size);
/** ide_ctl_read()/ide_ctl_write() - alternate status / device control. */
uint8_t ide_ctl_read(IDEBus *bus);
void ide_ctl_write(IDEBus *bus, uint8_t val);

/** ide_bus_dma_kick() - the controller's start bit went to 1: run the
 *  DMA command that waits for it, if any. */
void ide_bus_dma_kick(IDEBus *bus);

/** ide_bus_resubmit() - resubmit every request kept by a "stop" error
 *  policy (the VM runs again after cont). */
void ide_bus_resubmit(IDEBus *bus);

/** ide_bus_intrq() - the level the channel drives on its IRQ line. */
bool ide_bus_intrq(const IDEBus *bus);

/*
 * Internal to hw/ide/: shared by ide-core.c, ata-disk.c and atapi.c.
 */
void ide_drive_set_irq(IDEDrive *d);
void ide_drive_abort(IDEDrive *d);
void ide_drive_cmd_done(IDEDrive *d);
void ide_drive_pio_start(IDEDrive *d, uint32_t len,
                         void (*end)(IDEDrive *d));
void ide_drive_pio_window(IDEDrive *d, uint32_t start, uint32_t len,
                          void (*end)(IDEDrive *d));
IDEReq *ide_req_new(IDEDrive *d, IDEReqKind kind, int64_t offset,
                    uint64_t bytes, void (*done)(IDEReq *req, int ret));
void ide_req_submit(IDEReq *req);
void ide_req_free(IDEReq *req);
/* What a failed request turned into under the error policy. */
typedef enum IDEErrorOutcome {
    IDE_ERROR_IGNORED = 0,      /* finish as if it had succeeded */
    IDE_ERROR_REPORTED,         /* abort the command */
    IDE_ERROR_STOPPED,          /* kept for resubmission; the VM stops */
} IDEErrorOutcome;
IDEErrorOutcome ide_req_error(IDEReq *req, int ret);
int64_t ide_drive_get_lba(IDEDrive *d);
void ide_drive_set_lba(IDEDrive *d, int64_t lba);
uint32_t ide_drive_get_count(IDEDrive *d);
void ide_ata_exec(IDEDrive *d, uint8_t cmd);
void ide_ata_set_signature(IDEDrive *d);
void ide_atapi_exec_packet(IDEDrive *d);
void ide_atapi_identify(IDEDrive *d);
void ide_atapi_reset(IDEDrive *d);
/* The removable-media callbacks of an ide-cd (opaque: its IDEDrive). */
extern const BlockDevOps ide_atapi_dev_ops;
void ide_ata_identify(IDEDrive *d);
void ide_ata_dma_start(IDEDrive *d);
void ide_atapi_dma_start(IDEDrive *d);
uint16_t ide_xfer_mode_word(const IDEDrive *d, bool udma);
bool ide_drive_is_busy(const IDEDrive *d);

#endif /* HW_IDE_IDE_H */
