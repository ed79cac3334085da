/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Conventional PCI (PCI Local Bus Specification 3.0, chapter 6
 * "Configuration Space"): one bus of 32 slots x 8 functions, type 0
 * configuration headers, BARs mapped into the memory map and I/O space,
 * INTx lines routed by the host bridge's platform (PIIX3 PIRQ on a PC).
 *
 * A PCI device class embeds DeviceClass first and adds its IDs and
 * optional config-space hooks:
 *
 *     static const PCIDeviceClass piix3_ide_class = {
 *         .parent = { .name = "piix3-ide", .bus = "PCI", ... },
 *         .vendor_id = 0x8086, .device_id = 0x7010, .class_id = 0x0101,
 *     };
 *
 * and its realize starts with pci_device_plug(), which claims the devfn
 * (the "addr" property, or the first free slot), fills the header and
 * puts the device on the bus.  BARs are declared with pci_register_bar()
 * over a MemoryRegion the device owns; the core maps them where the guest
 * programs them whenever the command register enables decoding.
 * All functions run under the machine lock.
 */
#ifndef HW_PCI_PCI_H
#define HW_PCI_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/core/device.h"
#include "hw/core/machine.h"
#include "hw/core/memory.h"
#include "util/byteorder.h"

/* Type 0 header registers (PCI 3.0 §6.1). */
#define PCI_VENDOR_ID         0x00
#define PCI_DEVICE_ID         0x02
#define PCI_COMMAND           0x04
#define PCI_COMMAND_IO        0x0001
#define PCI_COMMAND_MEMORY    0x0002
#define PCI_COMMAND_MASTER    0x0004
#define PCI_COMMAND_INTX_DISABLE 0x0400
#define PCI_STATUS            0x06
#define PCI_STATUS_INTERRUPT  0x0008
#define PCI_STATUS_CAP_LIST   0x0010
#define PCI_REVISION_ID       0x08
#define PCI_CLASS_PROG        0x09
#define PCI_CLASS_DEVICE      0x0a
#define PCI_CACHE_LINE_SIZE   0x0c
#define PCI_LATENCY_TIMER     0x0d
#define PCI_HEADER_TYPE       0x0e
#define PCI_HEADER_TYPE_MULTI_FUNCTION 0x80
#define PCI_BASE_ADDRESS_0    0x10
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID      0x2e
#define PCI_ROM_ADDRESS       0x30
#define PCI_CAPABILITY_LIST   0x34
#define PCI_INTERRUPT_LINE    0x3c
#define PCI_INTERRUPT_PIN     0x3d

#define PCI_BAR_IO            0x01
#define PCI_BAR_MEM64         0x04
#define PCI_BAR_PREFETCH      0x08
#define PCI_ROM_SLOT          6
#define PCI_NUM_BARS          7     /* six BARs and the expansion ROM */
#define PCI_CONFIG_SIZE       256

#define PCI_DEVFN(slot, fn)   ((((slot) & 0x1f) << 3) | ((fn) & 7))
#define PCI_SLOT(devfn)       (((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn)       ((devfn) & 7)

typedef struct PCIBus PCIBus;
typedef struct PCIDevice PCIDevice;

/**
 * struct PCIDeviceClass - a PCI function type.
 * @parent: the device class (bus "PCI"); must be first.
 * @vendor_id, @device_id, @revision, @class_id (base class << 8 | sub),
 * @prog_if, @subsystem_vendor_id, @subsystem_id: header values.
 * @multifunction: set the header type's multi-function bit.
 * @config_read: hook for device-specific registers, or NULL; return the
 *               value of @size bytes at @addr (default: pci_default_read).
 * @config_write: hook, or NULL (default: pci_default_write); call
 *               pci_default_write() for the standard header.
 */
typedef struct PCIDeviceClass {
    DeviceClass parent;
    uint16_t vendor_id;
    uint16_t device_id;
    uint8_t revision;
    uint16_t class_id;
    uint8_t prog_if;
    uint16_t subsystem_vendor_id;
    uint16_t subsystem_id;
    bool multifunction;
    uint32_t (*config_read)(PCIDevice *d, uint32_t addr, unsigned size);
    void (*config_write)(PCIDevice *d, uint32_t addr, uint32_t val,
                         unsigned size);
} PCIDeviceClass;

typedef struct PCIBar {
    MemoryRegion *mr;       /* NULL: BAR not implemented */
    uint64_t size;          /* power of two */
    uint8_t type;           /* PCI_BAR_* bits as the BAR's low bits */
    uint64_t addr;          /* where it is mapped, or PCI_BAR_UNMAPPED */
} PCIBar;
#define PCI_BAR_UNMAPPED UINT64_MAX

/**
 * struct PCIDevice - the first member of a PCI function's state.
 * @config: the 256-byte configuration space.
 * @wmask: bits the guest may write.  @w1cmask: write-1-to-clear bits.
 * @bars: BARs 0-5 and the ROM (index 6).
 * @devfn: device and function number on the bus.
 * @addr_str: the "addr" property ("3", "03.0", "0x3.0x1"), or NULL.
 * @irq_state: the level of INTA#..INTD# the device drives.
 */
struct PCIDevice {
    Device parent;
    /* properties */
    char *addr_str;
    /* guest-visible state */
    uint8_t config[PCI_CONFIG_SIZE];
    /* host plumbing */
    uint8_t wmask[PCI_CONFIG_SIZE];
    uint8_t w1cmask[PCI_CONFIG_SIZE];
    PCIBar bars[PCI_NUM_BARS];
    int devfn;
    uint8_t irq_state;
    PCIBus *bus;
};

static inline PCIDevice *pci_from_dev(Device *dev)
{
    return container_of(dev, PCIDevice, parent);
}

static inline const PCIDeviceClass *pci_get_class(const PCIDevice *d)
{
    return container_of(d->parent.cls, PCIDeviceClass, parent);
}

/** The "addr" property every PCI device class lists as base_props. */
extern const Property pci_base_props[];

/**
 * pci_bus_new() - the bus of @m.  @set_irq routes a function's INTx
 * (@pin 0-3 = INTA-INTD) level change; the host/ISA bridge installs it
 * with pci_bus_set_irq_router().
 */
PCIBus *pci_bus_new(Machine *m);
void pci_bus_free(PCIBus *bus);
void pci_bus_set_irq_router(PCIBus *bus,
                            void (*route)(void *opaque, int devfn, int pin,
                                          bool level),
                            void *opaque);
/**
 * pci_bus_set_msi() - where the bus's MSI messages (a device's 32-bit
 * write of @data to @addr, hw/pci/msix.c) go: the local APICs on a PC.
 * Without it, devices offer no MSI-X.
 */
void pci_bus_set_msi(PCIBus *bus,
                     void (*msi)(void *opaque, uint64_t addr, uint32_t data),
                     void *opaque);
/** pci_bus_has_msi() - whether @bus (may be NULL) delivers MSI. */
bool pci_bus_has_msi(const PCIBus *bus);
/** pci_msi_send() - deliver an MSI message of @d (dropped without). */
void pci_msi_send(PCIDevice *d, uint64_t addr, uint32_t data);

/** pci_bus_of() - the PCI bus of machine @m (NULL when it has none). */
PCIBus *pci_bus_of(Machine *m);

/**
 * pci_device_plug() - first step of a PCI device's realize: claim the
 * devfn from "addr" (or the first free slot from 1 up), fill the header
 * from the class, and attach.  Fails with *errp when there is no bus, the
 * address is malformed or taken ("PCI: slot 3 function 0 not available
 * for virtio-blk-pci, in use by piix3-ide").
 */
bool pci_device_plug(PCIDevice *d, Error **errp);
/** pci_device_unplug() - undo: unmap BARs, leave the bus. */
void pci_device_unplug(PCIDevice *d);
/** pci_device_reset() - header power-on state (command 0, BARs 0). */
void pci_device_reset(PCIDevice *d);

/**
 * pci_register_bar() - declare BAR @idx over @mr (size rounded up to a
 * power of two, at least 16 bytes for I/O... as the spec allows).
 * @type: PCI_BAR_IO, or memory with optional PCI_BAR_MEM64 and
 * PCI_BAR_PREFETCH.  A 64-bit BAR uses @idx and @idx + 1.
 */
void pci_register_bar(PCIDevice *d, int idx, uint8_t type, MemoryRegion *mr);
/** pci_bar_address() - where BAR @idx is mapped, or PCI_BAR_UNMAPPED. */
uint64_t pci_bar_address(PCIDevice *d, int idx);

/** pci_set_irq() - drive the device's interrupt pin (config 0x3d). */
void pci_set_irq(PCIDevice *d, bool level);

/** pci_default_read()/write() - standard config space semantics. */
uint32_t pci_default_read(PCIDevice *d, uint32_t addr, unsigned size);
void pci_default_write(PCIDevice *d, uint32_t addr, uint32_t val,
                       unsigned size);

/** pci_config_read()/write() - an access from the host bridge, through the
 *  class hooks.  @addr + @size must stay within 256 bytes. */
uint32_t pci_config_read(PCIDevice *d, uint32_t addr, unsigned size);
void pci_config_write(PCIDevice *d, uint32_t addr, uint32_t val,
                      unsigned size);

/** pci_bus_find() - the function at @devfn, or NULL. */
PCIDevice *pci_bus_find(PCIBus *bus, int devfn);

/** Little-endian config helpers for device code (util/byteorder.h). */
static inline void pci_set_word(uint8_t *p, uint16_t v)
{
    st_le16(p, v);
}
static inline void pci_set_long(uint8_t *p, uint32_t v)
{
    st_le32(p, v);
}
static inline uint16_t pci_get_word(const uint8_t *p)
{
    return ld_le16(p);
}
static inline uint32_t pci_get_long(const uint8_t *p)
{
    return ld_le32(p);
}

/**
 * pci_dma_read()/pci_dma_write() - bus-master access to guest memory; fail
 * with -EFAULT (nothing done) when bus mastering is disabled or the range
 * is not RAM (include/hw/core/memory.h).
 */
int pci_dma_read(PCIDevice *d, uint64_t addr, void *buf, uint64_t len);
int pci_dma_write(PCIDevice *d, uint64_t addr, const void *buf, uint64_t len);

#endif /* HW_PCI_PCI_H */
