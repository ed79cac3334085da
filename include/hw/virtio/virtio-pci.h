/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The virtio PCI transport of a transitional device (Virtual I/O Device
 * 1.2 §4.1): the legacy I/O BAR0 (§4.1.4.8) and the modern capabilities
 * in memory BAR4 (§4.1.4: common, notify, ISR, device config), INTx,
 * and MSI-X (table and PBA in memory BAR1) where the machine has MSI.
 *
 * A device type embeds VirtIOPCIState first (which embeds PCIDevice
 * first), describes itself with VirtIODeviceOps, and calls
 * virtio_pci_realize() from its realize.
 */
#ifndef HW_VIRTIO_VIRTIO_PCI_H
#define HW_VIRTIO_VIRTIO_PCI_H

#include "hw/pci/msix.h"
#include "hw/pci/pci.h"
#include "hw/virtio/virtio-queue.h"

#define VIRTIO_PCI_MAX_QUEUES   16

/* Device status (§2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE   1
#define VIRTIO_STATUS_DRIVER        2
#define VIRTIO_STATUS_DRIVER_OK     4
#define VIRTIO_STATUS_FEATURES_OK   8
#define VIRTIO_STATUS_NEEDS_RESET   0x40
#define VIRTIO_STATUS_FAILED        0x80

/* Transport and ring feature bits (§6). */
#define VIRTIO_F_ANY_LAYOUT         27
#define VIRTIO_RING_F_INDIRECT_DESC 28
#define VIRTIO_RING_F_EVENT_IDX     29
#define VIRTIO_F_VERSION_1          32

typedef struct VirtIOPCIState VirtIOPCIState;

/**
 * struct VirtIODeviceOps - what the device type provides.
 * @features: device-specific feature bits offered.
 * @config_size: bytes of device configuration space.
 * @get_config: fill @cfg (@config_size bytes) with the current values.
 * @set_config: the driver wrote; @cfg is the whole space after the write.
 * @notify: the driver kicked queue @q.
 * @reset: device reset (status 0 written, or system reset).
 */
typedef struct VirtIODeviceOps {
    uint64_t (*features)(VirtIOPCIState *vp);
    unsigned config_size;
    void (*get_config)(VirtIOPCIState *vp, uint8_t *cfg);
    void (*set_config)(VirtIOPCIState *vp, const uint8_t *cfg);
    void (*notify)(VirtIOPCIState *vp, int q);
    void (*reset)(VirtIOPCIState *vp);
} VirtIODeviceOps;

struct VirtIOPCIState {
    PCIDevice parent;
    /* guest-visible state */
    uint64_t guest_features;
    uint32_t dfselect;
    uint32_t gfselect;
    uint8_t status;
    uint8_t isr;
    uint8_t config_generation;
    uint16_t queue_sel;
    VirtQueue vq[VIRTIO_PCI_MAX_QUEUES];
    uint16_t config_vector;
    uint16_t queue_vector[VIRTIO_PCI_MAX_QUEUES];
    MSIXState msix;
    /* host plumbing */
    const VirtIODeviceOps *ops;
    unsigned nvqs;
    unsigned nvectors;
    MemoryRegion legacy_io;
    MemoryRegion modern_mem;
};

static inline VirtIOPCIState *virtio_pci_from_dev(Device *dev)
{
    return container_of(pci_from_dev(dev), VirtIOPCIState, parent);
}

/**
 * virtio_pci_realize() - plug the function, build BAR0, BAR4 and the
 * capability list, with @nvqs queues (<= VIRTIO_PCI_MAX_QUEUES).  Set
 * @vp->nvectors first: MSI-X vectors to offer (0: INTx only); they are
 * offered only on a bus that delivers MSI (pci_bus_set_msi()).
 */
bool virtio_pci_realize(VirtIOPCIState *vp, const VirtIODeviceOps *ops,
                        unsigned nvqs, Error **errp);
void virtio_pci_unrealize(VirtIOPCIState *vp);
/** virtio_pci_reset() - system reset: header and transport state. */
void virtio_pci_reset(VirtIOPCIState *vp);

/**
 * virtio_pci_config_write() - the device's PCI config_write hook: the
 * standard header, then MSI-X message control (an enable turns INTx
 * off; an unmask sends pending vectors).
 */
void virtio_pci_config_write(PCIDevice *d, uint32_t addr, uint32_t val,
                             unsigned size);

/** virtio_pci_sync_irq() - drive INTx from the ISR (off under MSI-X). */
void virtio_pci_sync_irq(VirtIOPCIState *vp);

/** virtio_pci_has_feature() - negotiated feature bit @bit. */
bool virtio_pci_has_feature(const VirtIOPCIState *vp, unsigned bit);

/** virtio_pci_notify_queue() - interrupt for queue @q if the driver
 *  wants one (after pushing used elements). */
void virtio_pci_notify_queue(VirtIOPCIState *vp, int q);

/** virtio_pci_config_changed() - ISR bit 1 and the interrupt. */
void virtio_pci_config_changed(VirtIOPCIState *vp);

#endif /* HW_VIRTIO_VIRTIO_PCI_H */
