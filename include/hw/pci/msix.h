/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MSI-X for a PCI function (hw/pci/msix.c): the capability in config
 * space, the vector table and pending bit array in a memory BAR, and the
 * delivery of a message as a memory write the bus routes to the
 * machine's interrupt controller (pci_bus_set_msi(): the local APICs on
 * a PC).
 */
#ifndef HW_PCI_MSIX_H
#define HW_PCI_MSIX_H

#include "hw/pci/pci.h"

#define MSIX_MAX_VECTORS    64
#define MSIX_ENTRY_SIZE     16
#define MSIX_PBA_OFFSET     0x800   /* in the BAR, after 128 entries */
#define MSIX_BAR_SIZE       0x1000
#define MSIX_CAP_SIZE       12

/**
 * struct MSIXState - one function's MSI-X.
 * @nvectors: table size (1..MSIX_MAX_VECTORS).
 * @cap: config-space offset of the capability.
 * @table: @nvectors entries of 16 bytes: address low, address high,
 *         data, vector control (bit 0: masked).  Guest-visible.
 * @pending: the pending bit array, one bit per vector.  Guest-visible.
 */
typedef struct MSIXState {
    PCIDevice *dev;
    unsigned nvectors;
    uint8_t cap;
    uint8_t table[MSIX_MAX_VECTORS * MSIX_ENTRY_SIZE];
    uint64_t pending;
    MemoryRegion mr;
} MSIXState;

/**
 * msix_init() - add the capability at config offset @cap (linked to
 * @next) for @nvectors vectors whose table (offset 0) and PBA (offset
 * MSIX_PBA_OFFSET) live in memory BAR @bar, which this registers.
 * Message control bits 15 (enable) and 14 (function mask) become
 * writable.  Call msix_config_write() from the device's config_write.
 */
void msix_init(MSIXState *s, PCIDevice *dev, unsigned nvectors, int bar,
               uint8_t cap, uint8_t next);
/** msix_uninit() - release the BAR's region (after unplug). */
void msix_uninit(MSIXState *s);
/** msix_reset() - every vector masked, nothing pending, MSI-X off. */
void msix_reset(MSIXState *s);

/** msix_enabled() - the guest set the enable bit (INTx is then off). */
bool msix_enabled(const MSIXState *s);

/**
 * msix_notify() - signal @vector: send its message, or set its pending
 * bit while it or the function is masked.  Ignored for a vector beyond
 * the table or when MSI-X is off; dropped when bus mastering is off.
 */
void msix_notify(MSIXState *s, unsigned vector);

/**
 * msix_config_write() - the device's config_write hook calls this after
 * pci_default_write(): an unmask through message control sends what is
 * pending.
 */
void msix_config_write(MSIXState *s, uint32_t addr, unsigned size);

#endif /* HW_PCI_MSIX_H */
