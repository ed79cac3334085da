/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Firmware tables for the direct Linux boot, where no BIOS builds them:
 * ACPI (RSDP, RSDT, FADT, DSDT) and the PCI IRQ routing table ($PIR), in
 * the reserved 0xf0000-0xfffff area of RAM.
 */
#ifndef HW_I386_ACPI_BUILD_H
#define HW_I386_ACPI_BUILD_H

#include <stdint.h>

typedef struct PCMachineState PCMachineState;

/** PIIX4 PM I/O base the tables describe (as QEMU's tables do). */
#define ACPI_PM_BASE 0x600

/** Size of the area acpi_build_area() may write (the F segment). */
#define ACPI_AREA_SIZE 0x10000
#define ACPI_MAX_TABLES 5

/**
 * struct AcpiLayout - where acpi_build_area() put things, as offsets from
 * the area's start: what a BIOS linker/loader must patch and checksum.
 */
typedef struct AcpiLayout {
    uint32_t size;          /* bytes used from the area's start */
    uint32_t rsdt_off;
    unsigned ntables;
    uint32_t table_off[ACPI_MAX_TABLES];
    uint32_t table_len[ACPI_MAX_TABLES];
    unsigned nptrs;         /* 32-bit fields holding base + offset */
    uint32_t ptr_off[ACPI_MAX_TABLES];
} AcpiLayout;

/**
 * acpi_build_area() - write RSDT, FADT, DSDT (and MADT, HPET with the
 * APICs) into @area (ACPI_AREA_SIZE bytes, the first 0x40 left for the
 * RSDP) as if @area sat at guest address @base, and the 20-byte RSDP into
 * @rsdp; @lay records the layout.
 */
void acpi_build_area(PCMachineState *pcms, uint8_t *area, uint32_t base,
                     uint8_t *rsdp, AcpiLayout *lay);

/**
 * acpi_fw_cfg_install() - offer the tables to firmware: etc/acpi/tables,
 * etc/acpi/rsdp and the etc/table-loader commands (hw/i386/acpi-fw.c).
 */
void acpi_fw_cfg_install(PCMachineState *pcms);

/**
 * acpi_build_tables() - write the ACPI tables into guest RAM @ram (the
 * host pointer of guest physical 0) at 0xf0000 and return the RSDP's
 * guest address.
 */
uint64_t acpi_build_tables(PCMachineState *pcms, uint8_t *ram);

/**
 * acpi_dsdt_aml() - the DSDT's AML body (PCI root bridge with _PRT and
 * _CRS, the PCI hole starting at or above @ram_below_4g; _S5);
 * caller frees with g_byte_array_free().
 */
struct _GByteArray;
struct _GByteArray *acpi_dsdt_aml(uint64_t ram_below_4g);

/** pirq_build_table() - write the $PIR table at 0xf0800. */
void pirq_build_table(PCMachineState *pcms, uint8_t *ram);

#endif /* HW_I386_ACPI_BUILD_H */
