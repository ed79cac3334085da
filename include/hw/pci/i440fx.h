/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Intel 82441FX PCI and memory controller (i440FX "PMC") at 00:00.0, with
 * the PCI configuration mechanism #1 ports 0xcf8/0xcfc and the PAM shadow
 * RAM controls for 0xc0000-0xfffff.
 */
#ifndef HW_PCI_I440FX_H
#define HW_PCI_I440FX_H

#include "hw/pci/pci.h"

#define I440FX_PAM_SEGMENTS 13

typedef struct I440FXState {
    PCIDevice parent;
    /* guest-visible state */
    uint32_t config_address;        /* port 0xcf8 */
    uint8_t rcr;                    /* port 0xcf9, PIIX3 reset control */
    /* host plumbing */
    PCIBus *bus;                    /* the root bus, owned */
    MemoryRegion conf_addr_io;
    MemoryRegion conf_data_io;
    MemoryRegion pam[I440FX_PAM_SEGMENTS];   /* shadow RAM per segment */
    bool pam_mapped[I440FX_PAM_SEGMENTS];
} I440FXState;

extern const PCIDeviceClass i440fx_class;

#endif /* HW_PCI_I440FX_H */
