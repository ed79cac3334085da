/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Conventional PCI bus and type 0 functions (PCI Local Bus Specification
 * 3.0 §6.1 header, §6.2.5 base address registers, §6.2.5.2 expansion ROM,
 * §2.2.6 INTx).  See include/hw/pci/pci.h for the model.
 *
 * BARs are decoded only while the command register enables the space,
 * and only at addresses a PC can reach: an I/O BAR of 0 or one that runs
 * past 64 KiB, and a memory BAR of 0 or one that would wrap, stay unmapped
 * (the state firmware leaves while sizing BARs with all-ones writes).
 * Left out: bridges (a PC has one root bus), capabilities beyond what a
 * device adds itself, parity and SERR reporting.
 */
#include "hw/pci/pci.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hw/core/ioport.h"
#include "util/log.h"

/* BARs sit above RAM and ROM in the memory map. */
#define PCI_BAR_PRIORITY 1

struct PCIBus {
    Machine *machine;
    PCIDevice *devices[256];
    void (*route)(void *opaque, int devfn, int pin, bool level);
    void *route_opaque;
    void (*msi)(void *opaque, uint64_t addr, uint32_t data);
    void *msi_opaque;
};

/* One PC has one PCI root bus; machines register it here. */
static struct {
    Machine *machine;
    PCIBus *bus;
} pci_buses[4];

const Property pci_base_props[] = {
    DEFINE_PROP_STR("addr", PCIDevice, addr_str, NULL,
                    "slot and function, e.g. 03.0"),
    { 0 },
};

PCIBus *pci_bus_new(Machine *m)
{
    PCIBus *bus = g_new0(PCIBus, 1);

    bus->machine = m;
    for (size_t i = 0; i < G_N_ELEMENTS(pci_buses); i++) {
        if (!pci_buses[i].bus) {
            pci_buses[i].machine = m;
            pci_buses[i].bus = bus;
            break;
        }
    }
    return bus;
}

void pci_bus_free(PCIBus *bus)
{
    for (size_t i = 0; i < G_N_ELEMENTS(pci_buses); i++) {
        if (pci_buses[i].bus == bus) {
            pci_buses[i].bus = NULL;
            pci_buses[i].machine = NULL;
        }
    }
    g_free(bus);
}

void pci_bus_set_msi(PCIBus *bus,
                     void (*msi)(void *opaque, uint64_t addr, uint32_t data),
                     void *opaque)
{
    bus->msi = msi;
    bus->msi_opaque = opaque;
}

bool pci_bus_has_msi(const PCIBus *bus)
{
    return bus && bus->msi;
}

void pci_msi_send(PCIDevice *d, uint64_t addr, uint32_t data)
{
    if (d->bus && d->bus->msi) {
        d->bus->msi(d->bus->msi_opaque, addr, data);
    }
}

PCIBus *pci_bus_of(Machine *m)
{
    for (size_t i = 0; i < G_N_ELEMENTS(pci_buses); i++) {
        if (pci_buses[i].bus && pci_buses[i].machine == m) {
            return pci_buses[i].bus;
        }
    }
    return NULL;
}

void pci_bus_set_irq_router(PCIBus *bus,
                            void (*route)(void *opaque, int devfn, int pin,
                                          bool level),
                            void *opaque)
{
    bus->route = route;
    bus->route_opaque = opaque;
}

PCIDevice *pci_bus_find(PCIBus *bus, int devfn)
{
    if (devfn < 0 || devfn > 255) {
        return NULL;
    }
    return bus->devices[devfn];
}

/* Parse "S", "S.F" (hex, QEMU's addr= syntax). */
static bool pci_parse_addr(const char *str, int *devfn, Error **errp)
{
    char *end;
    unsigned long slot = strtoul(str, &end, 16);
    unsigned long fn = 0;

    if (end == str) {
        goto bad;
    }
    if (*end == '.') {
        const char *f = end + 1;
        fn = strtoul(f, &end, 16);
        if (end == f) {
            goto bad;
        }
    }
    if (*end || slot > 31 || fn > 7) {
        goto bad;
    }
    *devfn = PCI_DEVFN(slot, fn);
    return true;
bad:
    error_setg(errp, "Property 'addr' expects a PCI address 'slot[.function]',"
               " got '%s'", str);
    return false;
}

static void pci_fill_header(PCIDevice *d, const PCIDeviceClass *pc)
{
    uint8_t *c = d->config;

    memset(c, 0, PCI_CONFIG_SIZE);
    memset(d->wmask, 0, PCI_CONFIG_SIZE);
    memset(d->w1cmask, 0, PCI_CONFIG_SIZE);
    pci_set_word(c + PCI_VENDOR_ID, pc->vendor_id);
    pci_set_word(c + PCI_DEVICE_ID, pc->device_id);
    c[PCI_REVISION_ID] = pc->revision;
    c[PCI_CLASS_PROG] = pc->prog_if;
    pci_set_word(c + PCI_CLASS_DEVICE, pc->class_id);
    c[PCI_HEADER_TYPE] = pc->multifunction ? PCI_HEADER_TYPE_MULTI_FUNCTION : 0;
    pci_set_word(c + PCI_SUBSYSTEM_VENDOR_ID, pc->subsystem_vendor_id);
    pci_set_word(c + PCI_SUBSYSTEM_ID, pc->subsystem_id);
    /* Writable: command (IO, MEM, MASTER, SERR, INTx disable), cache line,
     * latency timer, interrupt line; status error bits are RW1C. */
    pci_set_word(d->wmask + PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY |
                 PCI_COMMAND_MASTER | 0x0100 | PCI_COMMAND_INTX_DISABLE);
    pci_set_word(d->w1cmask + PCI_STATUS, 0xf900);
    d->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
    d->wmask[PCI_LATENCY_TIMER] = 0xff;
    d->wmask[PCI_INTERRUPT_LINE] = 0xff;
}

bool pci_device_plug(PCIDevice *d, Error **errp)
{
    const PCIDeviceClass *pc = pci_get_class(d);
    PCIBus *bus = pci_bus_of(d->parent.machine);
    int devfn = -1;

    if (!bus) {
        error_setg(errp, "No 'PCI' bus found for device '%s'", pc->parent.name);
        return false;
    }
    if (d->addr_str) {
        if (!pci_parse_addr(d->addr_str, &devfn, errp)) {
            return false;
        }
        if (bus->devices[devfn]) {
            error_setg(errp, "PCI: slot %d function %d not available for %s, "
                       "in use by %s", PCI_SLOT(devfn), PCI_FUNC(devfn),
                       pc->parent.name,
                       bus->devices[devfn]->parent.cls->name);
            return false;
        }
    } else {
        for (int slot = 1; slot < 32 && devfn < 0; slot++) {
            if (!bus->devices[PCI_DEVFN(slot, 0)]) {
                devfn = PCI_DEVFN(slot, 0);
            }
        }
        if (devfn < 0) {
            error_setg(errp, "PCI: no slot available for %s", pc->parent.name);
            return false;
        }
    }
    d->devfn = devfn;
    d->bus = bus;
    for (int i = 0; i < PCI_NUM_BARS; i++) {
        d->bars[i].addr = PCI_BAR_UNMAPPED;
    }
    pci_fill_header(d, pc);
    bus->devices[devfn] = d;
    return true;
}

static void pci_unmap_bar(PCIBar *bar)
{
    if (bar->mr && bar->addr != PCI_BAR_UNMAPPED) {
        memory_map_del(bar->mr);
        bar->addr = PCI_BAR_UNMAPPED;
    }
}

void pci_device_unplug(PCIDevice *d)
{
    if (!d->bus) {
        return;
    }
    for (int i = 0; i < PCI_NUM_BARS; i++) {
        pci_unmap_bar(&d->bars[i]);
    }
    pci_set_irq(d, false);
    d->bus->devices[d->devfn] = NULL;
    d->bus = NULL;
}

static uint32_t pci_bar_offset(int idx)
{
    return idx == PCI_ROM_SLOT ? PCI_ROM_ADDRESS : PCI_BASE_ADDRESS_0 + 4 * idx;
}

void pci_register_bar(PCIDevice *d, int idx, uint8_t type, MemoryRegion *mr)
{
    PCIBar *bar = &d->bars[idx];
    uint64_t size = 16;
    uint32_t off = pci_bar_offset(idx);
    uint64_t mask;

    while (size < mr->size) {
        size <<= 1;
    }
    if (!(type & PCI_BAR_IO) && size < 4096 && idx != PCI_ROM_SLOT) {
        /* Memory BARs get at least a page so they never share one. */
        size = 4096;
    }
    if (idx == PCI_ROM_SLOT && size < 2048) {
        size = 2048;
    }
    bar->mr = mr;
    bar->size = size;
    bar->type = type;
    bar->addr = PCI_BAR_UNMAPPED;
    mask = ~(size - 1);
    if (idx == PCI_ROM_SLOT) {
        /* Address bits and the enable bit (bit 0) are writable. */
        pci_set_long(d->config + off, 0);
        pci_set_long(d->wmask + off, (uint32_t)mask | 1);
    } else {
        pci_set_long(d->config + off, type);
        pci_set_long(d->wmask + off, (uint32_t)mask & (type & PCI_BAR_IO ?
                                                       ~3u : ~15u));
        if (type & PCI_BAR_MEM64) {
            pci_set_long(d->wmask + off + 4, (uint32_t)(mask >> 32));
        }
    }
}

/* The address BAR @idx decodes now, or PCI_BAR_UNMAPPED. */
static uint64_t pci_bar_decode(PCIDevice *d, int idx)
{
    PCIBar *bar = &d->bars[idx];
    uint16_t cmd = pci_get_word(d->config + PCI_COMMAND);
    uint32_t off = pci_bar_offset(idx);
    uint64_t addr;

    if (bar->type & PCI_BAR_IO) {
        if (!(cmd & PCI_COMMAND_IO)) {
            return PCI_BAR_UNMAPPED;
        }
        addr = pci_get_long(d->config + off) & ~3u;
        if (addr == 0 || addr + bar->size > 0x10000) {
            return PCI_BAR_UNMAPPED;
        }
        return addr;
    }
    if (!(cmd & PCI_COMMAND_MEMORY)) {
        return PCI_BAR_UNMAPPED;
    }
    if (idx == PCI_ROM_SLOT) {
        uint32_t v = pci_get_long(d->config + off);
        if (!(v & 1)) {
            return PCI_BAR_UNMAPPED;
        }
        addr = v & ~(uint32_t)(bar->size - 1);
    } else {
        addr = pci_get_long(d->config + off) & ~15u;
        if (bar->type & PCI_BAR_MEM64) {
            addr |= (uint64_t)pci_get_long(d->config + off + 4) << 32;
        }
    }
    addr &= ~(bar->size - 1);
    if (addr == 0 || addr + bar->size < addr ||
        addr + bar->size > (UINT64_C(1) << 52)) {
        return PCI_BAR_UNMAPPED;
    }
    return addr;
}

static void pci_update_mappings(PCIDevice *d)
{
    Machine *m = d->parent.machine;

    memory_map_begin(m->mem);
    for (int i = 0; i < PCI_NUM_BARS; i++) {
        PCIBar *bar = &d->bars[i];
        uint64_t addr;

        if (!bar->mr) {
            continue;
        }
        addr = pci_bar_decode(d, i);
        if (addr == bar->addr) {
            continue;
        }
        pci_unmap_bar(bar);
        if (addr != PCI_BAR_UNMAPPED) {
            memory_map_add(bar->type & PCI_BAR_IO ? m->io : m->mem, bar->mr,
                           addr, PCI_BAR_PRIORITY);
            bar->addr = addr;
        }
    }
    memory_map_commit(m->mem);
}

uint64_t pci_bar_address(PCIDevice *d, int idx)
{
    return d->bars[idx].addr;
}

static void pci_update_irq(PCIDevice *d)
{
    bool level = d->irq_state &&
        !(pci_get_word(d->config + PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE);
    int pin = d->config[PCI_INTERRUPT_PIN];

    if (d->irq_state) {
        d->config[PCI_STATUS] |= PCI_STATUS_INTERRUPT;
    } else {
        d->config[PCI_STATUS] &= ~PCI_STATUS_INTERRUPT;
    }
    if (pin >= 1 && pin <= 4 && d->bus && d->bus->route) {
        d->bus->route(d->bus->route_opaque, d->devfn, pin - 1, level);
    }
}

void pci_set_irq(PCIDevice *d, bool level)
{
    d->irq_state = level;
    pci_update_irq(d);
}

uint32_t pci_default_read(PCIDevice *d, uint32_t addr, unsigned size)
{
    uint32_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        v |= (uint32_t)d->config[addr + i] << (8 * i);
    }
    return v;
}

void pci_default_write(PCIDevice *d, uint32_t addr, uint32_t val,
                       unsigned size)
{
    bool bars_touched = false;
    bool cmd_touched = false;

    for (unsigned i = 0; i < size; i++) {
        uint32_t a = addr + i;
        uint8_t b = val >> (8 * i);
        uint8_t wm = d->wmask[a];
        uint8_t w1c = d->w1cmask[a];

        d->config[a] = (d->config[a] & ~wm) | (b & wm);
        d->config[a] &= ~(b & w1c);
        if ((a >= PCI_BASE_ADDRESS_0 && a < PCI_BASE_ADDRESS_0 + 24) ||
            (a >= PCI_ROM_ADDRESS && a < PCI_ROM_ADDRESS + 4)) {
            bars_touched = true;
        }
        if (a == PCI_COMMAND || a == PCI_COMMAND + 1) {
            cmd_touched = true;
        }
    }
    if (bars_touched || cmd_touched) {
        pci_update_mappings(d);
    }
    if (cmd_touched) {
        pci_update_irq(d);
    }
}

uint32_t pci_config_read(PCIDevice *d, uint32_t addr, unsigned size)
{
    const PCIDeviceClass *pc = pci_get_class(d);

    if (addr + size > PCI_CONFIG_SIZE) {
        return 0xffffffffu >> (32 - 8 * size);
    }
    if (pc->config_read) {
        return pc->config_read(d, addr, size);
    }
    return pci_default_read(d, addr, size);
}

void pci_config_write(PCIDevice *d, uint32_t addr, uint32_t val,
                      unsigned size)
{
    const PCIDeviceClass *pc = pci_get_class(d);

    if (addr + size > PCI_CONFIG_SIZE) {
        return;
    }
    if (pc->config_write) {
        pc->config_write(d, addr, val, size);
    } else {
        pci_default_write(d, addr, val, size);
    }
}

void pci_device_reset(PCIDevice *d)
{
    pci_set_word(d->config + PCI_COMMAND, 0);
    pci_set_word(d->config + PCI_STATUS,
                 pci_get_word(d->config + PCI_STATUS) & PCI_STATUS_CAP_LIST);
    d->config[PCI_CACHE_LINE_SIZE] = 0;
    d->config[PCI_LATENCY_TIMER] = 0;
    d->config[PCI_INTERRUPT_LINE] = 0;
    for (int i = 0; i < PCI_NUM_BARS; i++) {
        PCIBar *bar = &d->bars[i];
        uint32_t off = pci_bar_offset(i);

        if (!bar->mr) {
            continue;
        }
        pci_set_long(d->config + off, i == PCI_ROM_SLOT ? 0 : bar->type);
        if (bar->type & PCI_BAR_MEM64) {
            pci_set_long(d->config + off + 4, 0);
        }
    }
    pci_update_mappings(d);
    d->irq_state = 0;
}

static bool pci_master_enabled(PCIDevice *d)
{
    return pci_get_word(d->config + PCI_COMMAND) & PCI_COMMAND_MASTER;
}

int pci_dma_read(PCIDevice *d, uint64_t addr, void *buf, uint64_t len)
{
    if (!pci_master_enabled(d)) {
        log_guest_error("%s: DMA read with bus mastering disabled",
                        d->parent.cls->name);
        return -EFAULT;
    }
    return dma_memory_read(d->parent.machine->mem, addr, buf, len);
}

int pci_dma_write(PCIDevice *d, uint64_t addr, const void *buf, uint64_t len)
{
    if (!pci_master_enabled(d)) {
        log_guest_error("%s: DMA write with bus mastering disabled",
                        d->parent.cls->name);
        return -EFAULT;
    }
    return dma_memory_write(d->parent.machine->mem, addr, buf, len);
}
