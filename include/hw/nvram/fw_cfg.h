/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QEMU's firmware configuration device (fw_cfg), through which SeaBIOS and
 * boot loaders read the machine's description: RAM size, CPU count, boot
 * order, the e820 map, ACPI tables, kernel, initrd and command line.
 * I/O interface at 0x510 (selector) / 0x511 (data) and the DMA interface
 * at 0x514 (address, big-endian, high half) / 0x518 (low half, starts it).
 */
#ifndef HW_NVRAM_FW_CFG_H
#define HW_NVRAM_FW_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hw/core/device.h"
#include "hw/core/memory.h"

/* Selector keys (QEMU's docs/specs/fw_cfg.rst; the numbers are ABI). */
enum {
    FW_CFG_SIGNATURE = 0x00,
    FW_CFG_ID = 0x01,
    FW_CFG_UUID = 0x02,
    FW_CFG_RAM_SIZE = 0x03,
    FW_CFG_NOGRAPHIC = 0x04,
    FW_CFG_NB_CPUS = 0x05,
    FW_CFG_MACHINE_ID = 0x06,
    FW_CFG_KERNEL_ADDR = 0x07,
    FW_CFG_KERNEL_SIZE = 0x08,
    FW_CFG_KERNEL_CMDLINE = 0x09,
    FW_CFG_INITRD_ADDR = 0x0a,
    FW_CFG_INITRD_SIZE = 0x0b,
    FW_CFG_BOOT_DEVICE = 0x0c,
    FW_CFG_NUMA = 0x0d,
    FW_CFG_BOOT_MENU = 0x0e,
    FW_CFG_MAX_CPUS = 0x0f,
    FW_CFG_KERNEL_ENTRY = 0x10,
    FW_CFG_KERNEL_DATA = 0x11,
    FW_CFG_INITRD_DATA = 0x12,
    FW_CFG_CMDLINE_ADDR = 0x13,
    FW_CFG_CMDLINE_SIZE = 0x14,
    FW_CFG_CMDLINE_DATA = 0x15,
    FW_CFG_SETUP_ADDR = 0x16,
    FW_CFG_SETUP_SIZE = 0x17,
    FW_CFG_SETUP_DATA = 0x18,
    FW_CFG_FILE_DIR = 0x19,
    FW_CFG_FILE_FIRST = 0x20,
    FW_CFG_FILE_SLOTS = 0x20,
    FW_CFG_ACPI_TABLES = 0x8000,
    FW_CFG_SMBIOS_ENTRIES = 0x8001,
    FW_CFG_IRQ0_OVERRIDE = 0x8002,
    FW_CFG_E820_TABLE = 0x8003,
};

#define FW_CFG_MAX_ENTRY (FW_CFG_FILE_FIRST + FW_CFG_FILE_SLOTS)
#define FW_CFG_ARCH_LOCAL 0x8000
#define FW_CFG_MAX_ARCH 8

typedef struct FWCfgEntry {
    uint8_t *data;      /* owned */
    uint32_t len;
} FWCfgEntry;

/**
 * struct FWCfgState - the device.
 * @cur_key: the selected key.  @cur_offset: read position in it.
 * @dma_addr: the DMA address register (high half written first).
 */
typedef struct FWCfgState {
    Device parent;
    /* guest-visible state */
    uint16_t cur_key;
    uint32_t cur_offset;
    uint64_t dma_addr;
    /* host plumbing: the item table */
    FWCfgEntry entries[FW_CFG_MAX_ENTRY];
    FWCfgEntry arch_entries[FW_CFG_MAX_ARCH];
    char *file_names[FW_CFG_FILE_SLOTS];
    unsigned nfiles;
    MemoryRegion io;
    MemoryRegion dma_io;
} FWCfgState;

extern const DeviceClass fw_cfg_class;

/**
 * fw_cfg_add_bytes() - set item @key to a copy of @data (@len bytes).
 * Keys are the FW_CFG_* values; arch-local keys (0x8000 + n) too.
 */
void fw_cfg_add_bytes(FWCfgState *s, uint16_t key, const void *data,
                      uint32_t len);
void fw_cfg_add_i16(FWCfgState *s, uint16_t key, uint16_t v);
void fw_cfg_add_i32(FWCfgState *s, uint16_t key, uint32_t v);
void fw_cfg_add_i64(FWCfgState *s, uint16_t key, uint64_t v);
void fw_cfg_add_string(FWCfgState *s, uint16_t key, const char *str);
/**
 * fw_cfg_add_file() - add (or replace) the named file (@name at most 55
 * characters), listed in the directory at FW_CFG_FILE_DIR sorted by name.
 * Returns false when the directory is full.
 */
bool fw_cfg_add_file(FWCfgState *s, const char *name, const void *data,
                     uint32_t len);

#endif /* HW_NVRAM_FW_CFG_H */
