/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The firmware configuration device as QEMU defines it (docs/specs/
 * fw_cfg.rst in QEMU's documentation): a table of items selected by a
 * 16-bit key, read byte by byte through the data port or copied by the DMA
 * interface, and a directory of named files for everything newer than the
 * fixed keys (GUESTS-AND-FIRMWARE.md §5.2 lists what SeaBIOS reads).
 *
 * I/O: 0x510 selector (16-bit write; bit 14 "write" and the arch bit 15
 * are part of the key), 0x511 data (8-bit reads advance the offset; reads
 * past the end return 0), 0x514 DMA address high / 0x518 low (big-endian;
 * writing the low half runs the transfer).  The DMA descriptor
 * {be32 control; be32 length; be64 address} is read from guest RAM, the
 * transfer done, and control written back as 0 or as the error bit.
 *
 * Hostile guests: a descriptor or a buffer outside guest RAM sets the error
 * bit (or, when even the descriptor cannot be read, does nothing); a
 * control word with a reserved bit (5-15) set fails with the error bit and
 * changes nothing, not even the selection (the specification reserves
 * them; acting on a half-understood request could overwrite guest RAM); a
 * length runs only to the end of the item and is then zero-filled, as the
 * specification says; write requests are refused with the error bit since
 * no item is writable.
 */
#include "hw/nvram/fw_cfg.h"

#include <inttypes.h>
#include <string.h>

#include "hw/core/ioport.h"
#include "hw/core/machine.h"
#include "util/log.h"

#define FW_CFG_PORT_SEL   0x510
#define FW_CFG_PORT_DMA   0x514
#define FW_CFG_WRITE_FLAG 0x4000
#define FW_CFG_ID_TRAD    0x01
#define FW_CFG_ID_DMA     0x02

#define FW_CFG_DMA_ERROR  0x01
#define FW_CFG_DMA_READ   0x02
#define FW_CFG_DMA_SKIP   0x04
#define FW_CFG_DMA_SELECT 0x08
#define FW_CFG_DMA_WRITE  0x10
/* Bits 5-15 of the control word are reserved: a request using one fails. */
#define FW_CFG_DMA_RESERVED 0xffe0

static inline FWCfgState *fw_cfg_from_dev(Device *dev)
{
    return container_of(dev, FWCfgState, parent);
}

static FWCfgEntry *fw_cfg_entry(FWCfgState *s, uint16_t key)
{
    uint16_t k = key & ~FW_CFG_WRITE_FLAG;

    if (k & FW_CFG_ARCH_LOCAL) {
        k &= ~FW_CFG_ARCH_LOCAL;
        return k < FW_CFG_MAX_ARCH ? &s->arch_entries[k] : NULL;
    }
    return k < FW_CFG_MAX_ENTRY ? &s->entries[k] : NULL;
}

void fw_cfg_add_bytes(FWCfgState *s, uint16_t key, const void *data,
                      uint32_t len)
{
    FWCfgEntry *e = fw_cfg_entry(s, key);

    /* Keys are chosen by the machine code, never by the guest. */
    g_assert(e != NULL);
    g_free(e->data);
    e->data = g_memdup2(data, len);
    e->len = len;
}

void fw_cfg_add_i16(FWCfgState *s, uint16_t key, uint16_t v)
{
    uint16_t le = GUINT16_TO_LE(v);

    fw_cfg_add_bytes(s, key, &le, sizeof(le));
}

void fw_cfg_add_i32(FWCfgState *s, uint16_t key, uint32_t v)
{
    uint32_t le = GUINT32_TO_LE(v);

    fw_cfg_add_bytes(s, key, &le, sizeof(le));
}

void fw_cfg_add_i64(FWCfgState *s, uint16_t key, uint64_t v)
{
    uint64_t le = GUINT64_TO_LE(v);

    fw_cfg_add_bytes(s, key, &le, sizeof(le));
}

void fw_cfg_add_string(FWCfgState *s, uint16_t key, const char *str)
{
    fw_cfg_add_bytes(s, key, str, strlen(str) + 1);
}

/* Rebuild the directory item: be32 count, then 64-byte entries. */
static void fw_cfg_update_dir(FWCfgState *s)
{
    uint32_t len = 4 + 64 * s->nfiles;
    uint8_t *dir = g_malloc0(len);

    *(uint32_t *)dir = GUINT32_TO_BE(s->nfiles);
    for (unsigned i = 0; i < s->nfiles; i++) {
        uint8_t *e = dir + 4 + 64 * i;
        uint16_t key = FW_CFG_FILE_FIRST + i;

        *(uint32_t *)e = GUINT32_TO_BE(s->entries[key].len);
        *(uint16_t *)(e + 4) = GUINT16_TO_BE(key);
        g_strlcpy((char *)e + 8, s->file_names[i], 56);
    }
    g_free(s->entries[FW_CFG_FILE_DIR].data);
    s->entries[FW_CFG_FILE_DIR].data = dir;
    s->entries[FW_CFG_FILE_DIR].len = len;
}

bool fw_cfg_add_file(FWCfgState *s, const char *name, const void *data,
                     uint32_t len)
{
    unsigned pos;

    g_assert(strlen(name) < 56);
    for (pos = 0; pos < s->nfiles; pos++) {
        int c = strcmp(name, s->file_names[pos]);
        if (c == 0) {
            fw_cfg_add_bytes(s, FW_CFG_FILE_FIRST + pos, data, len);
            fw_cfg_update_dir(s);
            return true;
        }
        if (c < 0) {
            break;
        }
    }
    if (s->nfiles == FW_CFG_FILE_SLOTS) {
        return false;
    }
    /* Keep names sorted: shift the later files (and their keys) up. */
    for (unsigned i = s->nfiles; i > pos; i--) {
        s->file_names[i] = s->file_names[i - 1];
        s->entries[FW_CFG_FILE_FIRST + i] = s->entries[FW_CFG_FILE_FIRST + i - 1];
    }
    s->file_names[pos] = g_strdup(name);
    s->entries[FW_CFG_FILE_FIRST + pos] = (FWCfgEntry){ NULL, 0 };
    s->nfiles++;
    fw_cfg_add_bytes(s, FW_CFG_FILE_FIRST + pos, data, len);
    fw_cfg_update_dir(s);
    return true;
}

static void fw_cfg_select(FWCfgState *s, uint16_t key)
{
    s->cur_key = key;
    s->cur_offset = 0;
}

static uint8_t fw_cfg_read_byte(FWCfgState *s)
{
    FWCfgEntry *e = fw_cfg_entry(s, s->cur_key);

    if (!e || !e->data || s->cur_offset >= e->len) {
        return 0;
    }
    return e->data[s->cur_offset++];
}

static uint64_t fw_cfg_io_read(void *opaque, uint64_t offset, unsigned size)
{
    FWCfgState *s = opaque;

    if (offset == 1) {
        return fw_cfg_read_byte(s);
    }
    /* The selector is write-only. */
    return 0;
}

static void fw_cfg_io_write(void *opaque, uint64_t offset, uint64_t val,
                            unsigned size)
{
    FWCfgState *s = opaque;

    if (offset == 0 && size == 2) {
        fw_cfg_select(s, val);
    } else if (offset == 1) {
        log_guest_error("fw_cfg: write to the data port (key 0x%x) ignored",
                        s->cur_key);
    }
}

static const MemoryRegionOps fw_cfg_io_ops = {
    .read = fw_cfg_io_read, .write = fw_cfg_io_write,
    .min_access = 1, .max_access = 2,
};

/* Copy @len bytes of the current item to guest @addr (zeros past the end,
 * or nothing for SKIP).  Returns false on a bad guest address. */
static bool fw_cfg_dma_copy(FWCfgState *s, uint64_t addr, uint32_t len,
                            bool skip)
{
    MemoryMap *mem = s->parent.machine->mem;
    FWCfgEntry *e = fw_cfg_entry(s, s->cur_key);
    uint32_t avail = 0;
    uint32_t n;

    if (e && e->data && s->cur_offset < e->len) {
        avail = e->len - s->cur_offset;
    }
    n = MIN(len, avail);
    if (!skip && n && dma_memory_write(mem, addr, e->data + s->cur_offset, n)) {
        return false;
    }
    if (!skip && len > n) {
        static const uint8_t zeros[4096];
        uint64_t a = addr + n;
        uint32_t left = len - n;

        while (left) {
            uint32_t chunk = MIN(left, (uint32_t)sizeof(zeros));
            if (dma_memory_write(mem, a, zeros, chunk)) {
                return false;
            }
            a += chunk;
            left -= chunk;
        }
    }
    s->cur_offset += n;
    return true;
}

/* Carry out one decoded descriptor; returns the control word to write
 * back (0 or the error bit). */
static uint32_t fw_cfg_dma_transfer(FWCfgState *s, uint32_t control,
                                    uint32_t length, uint64_t address)
{
    if (control & FW_CFG_DMA_RESERVED) {
        log_guest_error("fw_cfg: DMA control 0x%x has reserved bits set",
                        control);
        return FW_CFG_DMA_ERROR;
    }
    if (control & FW_CFG_DMA_SELECT) {
        fw_cfg_select(s, control >> 16);
    }
    if (control & FW_CFG_DMA_WRITE) {
        log_guest_error("fw_cfg: DMA write to read-only key 0x%x", s->cur_key);
        return FW_CFG_DMA_ERROR;
    }
    if (control & (FW_CFG_DMA_READ | FW_CFG_DMA_SKIP)) {
        bool skip = !(control & FW_CFG_DMA_READ);
        if (!fw_cfg_dma_copy(s, address, length, skip)) {
            log_guest_error("fw_cfg: DMA buffer 0x%" PRIx64 "+%u not in RAM",
                            address, length);
            return FW_CFG_DMA_ERROR;
        }
    }
    return 0;
}

static void fw_cfg_dma_run(FWCfgState *s)
{
    MemoryMap *mem = s->parent.machine->mem;
    uint64_t daddr = s->dma_addr;
    uint8_t raw[16];
    uint32_t control;

    s->dma_addr = 0;
    if (dma_memory_read(mem, daddr, raw, sizeof(raw))) {
        log_guest_error("fw_cfg: DMA descriptor at 0x%" PRIx64 " is not in RAM",
                        daddr);
        return;
    }
    control = fw_cfg_dma_transfer(s, GUINT32_FROM_BE(*(uint32_t *)raw),
                                  GUINT32_FROM_BE(*(uint32_t *)(raw + 4)),
                                  GUINT64_FROM_BE(*(uint64_t *)(raw + 8)));
    control = GUINT32_TO_BE(control);
    /* Best effort: if this fails too the guest gave a bad descriptor. */
    (void)dma_memory_write(mem, daddr, &control, sizeof(control));
}

static uint64_t fw_cfg_dma_read(void *opaque, uint64_t offset, unsigned size)
{
    /* Reads return the bytes "QEMU CFG" (the register is big-endian). */
    static const char sig[8] = "QEMU CFG";
    uint64_t v = 0;

    for (unsigned i = 0; i < size && offset + i < 8; i++) {
        v |= (uint64_t)(uint8_t)sig[offset + i] << (8 * i);
    }
    return v;
}

static void fw_cfg_dma_write(void *opaque, uint64_t offset, uint64_t val,
                             unsigned size)
{
    FWCfgState *s = opaque;

    if (size == 4 && offset == 0) {
        s->dma_addr = (s->dma_addr & 0xffffffffULL) |
                      ((uint64_t)GUINT32_FROM_BE((uint32_t)val) << 32);
    } else if (size == 4 && offset == 4) {
        s->dma_addr = (s->dma_addr & ~0xffffffffULL) |
                      GUINT32_FROM_BE((uint32_t)val);
        fw_cfg_dma_run(s);
    } else if (size == 8 && offset == 0) {
        s->dma_addr = GUINT64_FROM_BE(val);
        fw_cfg_dma_run(s);
    } else {
        log_guest_error("fw_cfg: %u-byte DMA register write at +%u ignored",
                        size, (unsigned)offset);
    }
}

static const MemoryRegionOps fw_cfg_dma_ops = {
    .read = fw_cfg_dma_read, .write = fw_cfg_dma_write,
    .min_access = 1, .max_access = 8,
};

static bool fw_cfg_realize(Device *dev, Error **errp)
{
    FWCfgState *s = fw_cfg_from_dev(dev);

    fw_cfg_add_bytes(s, FW_CFG_SIGNATURE, "QEMU", 4);
    fw_cfg_add_i32(s, FW_CFG_ID, FW_CFG_ID_TRAD | FW_CFG_ID_DMA);
    fw_cfg_update_dir(s);
    memory_region_init_io(&s->io, "fw_cfg", &fw_cfg_io_ops, s, 2);
    memory_region_init_io(&s->dma_io, "fw_cfg-dma", &fw_cfg_dma_ops, s, 8);
    s->io.owner = dev;
    s->dma_io.owner = dev;
    io_space_map(dev->machine->io, &s->io, FW_CFG_PORT_SEL);
    io_space_map(dev->machine->io, &s->dma_io, FW_CFG_PORT_DMA);
    return true;
}

static void fw_cfg_reset(Device *dev)
{
    FWCfgState *s = fw_cfg_from_dev(dev);

    fw_cfg_select(s, FW_CFG_SIGNATURE);
    s->dma_addr = 0;
}

static void fw_cfg_unrealize(Device *dev)
{
    FWCfgState *s = fw_cfg_from_dev(dev);

    memory_map_del(&s->io);
    memory_map_del(&s->dma_io);
    for (unsigned i = 0; i < FW_CFG_MAX_ENTRY; i++) {
        g_free(s->entries[i].data);
    }
    for (unsigned i = 0; i < FW_CFG_MAX_ARCH; i++) {
        g_free(s->arch_entries[i].data);
    }
    for (unsigned i = 0; i < s->nfiles; i++) {
        g_free(s->file_names[i]);
    }
}

const DeviceClass fw_cfg_class = {
    .name = "fw_cfg_io",
    .description = "QEMU firmware configuration interface",
    .category = DEVICE_CATEGORY_MISC,
    .user_creatable = false,
    .instance_size = sizeof(FWCfgState),
    .realize = fw_cfg_realize,
    .reset = fw_cfg_reset,
    .unrealize = fw_cfg_unrealize,
};
