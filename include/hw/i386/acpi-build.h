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
