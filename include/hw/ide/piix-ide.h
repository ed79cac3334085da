/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PIIX3 IDE function (PCI 8086:7010 at 00:01.1 on a PC): two legacy
 * channels and their bus-master DMA engines (hw/ide/piix-ide.c).
 */
#ifndef HW_IDE_PIIX_IDE_H
#define HW_IDE_PIIX_IDE_H

#include "hw/ide/ide.h"
#include "hw/pci/pci.h"

/* Bus-master registers per channel (SFF-8038i §2). */
typedef struct PIIXBMDMA {
    uint8_t cmd;
    uint8_t status;
    uint32_t prd;
} PIIXBMDMA;

/**
 * struct PIIXIDEState - the IDE function.
 * @irq: IRQ 14 and 15 (set by the machine before realize).
 */
typedef struct PIIXIDEState {
    PCIDevice parent;
    /* guest-visible state (config space lives in parent) */
    PIIXBMDMA bm[2];
    IDEBus bus[2];
    /* host plumbing */
    IRQLine *irq[2];
    MemoryRegion cmd_io[2];
    MemoryRegion ctl_io[2];
    MemoryRegion bm_io;
} PIIXIDEState;

extern const PCIDeviceClass piix3_ide_class;

static inline PIIXIDEState *piix_ide_from_dev(Device *dev)
{
    return container_of(pci_from_dev(dev), PIIXIDEState, parent);
}

/**
 * piix_ide_find() - the PIIX IDE function of machine @m, or NULL.
 */
PIIXIDEState *piix_ide_find(Machine *m);

/**
 * piix_ide_bus() - the channel called @name ("ide.0", "ide.1"), or NULL.
 */
IDEBus *piix_ide_bus(PIIXIDEState *s, const char *name);

#endif /* HW_IDE_PIIX_IDE_H */
