/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ACPI tables for firmware (SeaBIOS) through fw_cfg, with the "BIOS
 * linker/loader" command list that tells the firmware where to put them.
 *
 * The tables are the direct boot's (hw/i386/acpi-build.c) built as if
 * their area sat at address 0, so every pointer between tables is an
 * offset into "etc/acpi/tables"; the RSDP goes in "etc/acpi/rsdp".
 * "etc/table-loader" is an array of 128-byte little-endian commands:
 *
 *   1 ALLOCATE      file[56], align u32, zone u8 (1 high memory, 2 F seg)
 *   2 ADD_POINTER   dest[56], src[56], offset u32, size u8: add the
 *                   address where src was allocated to the size-byte
 *                   field at dest + offset
 *   3 ADD_CHECKSUM  file[56], offset u32, start u32, length u32: subtract
 *                   the byte sum of [start, start + length) from the
 *                   byte at offset (which the host leaves zero)
 *
 * The firmware then finds the RSDP in the F segment as on real hardware
 * (ACPI §5.2.5.1).
 */
#include "hw/i386/acpi-build.h"

#include <glib.h>
#include <string.h>

#include "hw/i386/pc.h"
#include "hw/nvram/fw_cfg.h"

#define LOADER_ENTRY     128
#define LOADER_FILESZ    56
#define TABLES_FILE      "etc/acpi/tables"
#define RSDP_FILE        "etc/acpi/rsdp"

enum {
    LOADER_ALLOCATE = 1,
    LOADER_ADD_POINTER = 2,
    LOADER_ADD_CHECKSUM = 3,
};

enum {
    ZONE_HIGH = 1,
    ZONE_FSEG = 2,
};

static void le32(uint8_t *p, uint32_t v)
{
    for (unsigned i = 0; i < 4; i++) {
        p[i] = v >> (8 * i);
    }
}

static uint8_t *loader_entry(GByteArray *cmds, uint32_t cmd)
{
    uint8_t *e;

    g_byte_array_set_size(cmds, cmds->len + LOADER_ENTRY);
    e = cmds->data + cmds->len - LOADER_ENTRY;
    memset(e, 0, LOADER_ENTRY);
    le32(e, cmd);
    return e;
}

static void loader_allocate(GByteArray *cmds, const char *file,
                            uint32_t align, uint8_t zone)
{
    uint8_t *e = loader_entry(cmds, LOADER_ALLOCATE);

    g_strlcpy((char *)e + 4, file, LOADER_FILESZ);
    le32(e + 4 + LOADER_FILESZ, align);
    e[8 + LOADER_FILESZ] = zone;
}

static void loader_add_pointer(GByteArray *cmds, const char *dest,
                               const char *src, uint32_t offset)
{
    uint8_t *e = loader_entry(cmds, LOADER_ADD_POINTER);

    g_strlcpy((char *)e + 4, dest, LOADER_FILESZ);
    g_strlcpy((char *)e + 4 + LOADER_FILESZ, src, LOADER_FILESZ);
    le32(e + 4 + 2 * LOADER_FILESZ, offset);
    e[8 + 2 * LOADER_FILESZ] = 4;
}

static void loader_add_checksum(GByteArray *cmds, const char *file,
                                uint32_t offset, uint32_t start,
                                uint32_t length)
{
    uint8_t *e = loader_entry(cmds, LOADER_ADD_CHECKSUM);

    g_strlcpy((char *)e + 4, file, LOADER_FILESZ);
    le32(e + 4 + LOADER_FILESZ, offset);
    le32(e + 8 + LOADER_FILESZ, start);
    le32(e + 12 + LOADER_FILESZ, length);
}

void acpi_fw_cfg_install(PCMachineState *pcms)
{
    g_autofree uint8_t *area = g_malloc0(ACPI_AREA_SIZE);
    g_autoptr(GByteArray) cmds = g_byte_array_new();
    uint8_t rsdp[20];
    AcpiLayout lay;

    acpi_build_area(pcms, area, 0, rsdp, &lay);
    /* The loader computes every checksum over a zero checksum byte. */
    rsdp[8] = 0;
    for (unsigned i = 0; i < lay.ntables; i++) {
        area[lay.table_off[i] + 9] = 0;
    }

    loader_allocate(cmds, RSDP_FILE, 16, ZONE_FSEG);
    loader_allocate(cmds, TABLES_FILE, 64, ZONE_HIGH);
    for (unsigned i = 0; i < lay.nptrs; i++) {
        loader_add_pointer(cmds, TABLES_FILE, TABLES_FILE, lay.ptr_off[i]);
    }
    for (unsigned i = 0; i < lay.ntables; i++) {
        loader_add_checksum(cmds, TABLES_FILE, lay.table_off[i] + 9,
                            lay.table_off[i], lay.table_len[i]);
    }
    loader_add_pointer(cmds, RSDP_FILE, TABLES_FILE, 16);
    loader_add_checksum(cmds, RSDP_FILE, 8, 0, 20);

    fw_cfg_add_file(pcms->fw_cfg, TABLES_FILE, area, lay.size);
    fw_cfg_add_file(pcms->fw_cfg, RSDP_FILE, rsdp, sizeof(rsdp));
    fw_cfg_add_file(pcms->fw_cfg, "etc/table-loader", cmds->data, cmds->len);
}
