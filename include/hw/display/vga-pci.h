/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PCI "VGA" device (QEMU's -vga std): 1234:1111 with Bochs VBE.
 */
#ifndef HW_DISPLAY_VGA_PCI_H
#define HW_DISPLAY_VGA_PCI_H

#include "hw/display/vga.h"

typedef struct VGAPCIState {
    PCIDevice parent;
    /* properties */
    char *romfile;
    uint32_t vgamem_mb;
    /* state */
    VGAState vga;
    MemoryRegion rom;
    bool has_rom;
} VGAPCIState;

extern const PCIDeviceClass vga_pci_class;

#endif /* HW_DISPLAY_VGA_PCI_H */
