/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Intel 82371SB PIIX3 function 0: the PCI-to-ISA bridge (PIIX3 datasheet,
 * order 290550: §2.2 "PCI to ISA Bridge Configuration Registers"; PIRQRC
 * 60h-63h route PIRQA#-PIRQD# to an ISA IRQ, bit 7 disables the route).
 *
 * PCI INTx lines of the slots reach PIRQA-D rotated by slot number, as a
 * PC's board wires them (and as SeaBIOS's $PIR table and QEMU's DSDT
 * describe): PIRQ = (slot - 1 + pin) mod 4.  A PIRQ is the OR of every
 * function asserting it; when routed it drives the ISA IRQ (level
 * triggered: firmware sets the IRQ's ELCR bit) and, always, the IOAPIC's
 * pins 16-19 for guests that use the IOAPIC.
 * The ISA devices themselves (PIC, PIT, RTC, ...) are separate chips here;
 * this function only owns the routing.
 */
#include "hw/pci/piix.h"

#include <string.h>

#define PIIX3_PIRQRC 0x60
#define PIIX3_PIRQRC_IRQEN 0x80

static inline PIIX3State *piix3_from_pci(PCIDevice *d)
{
    return container_of(d, PIIX3State, parent);
}

static bool piix3_pirq_level(PIIX3State *s, int pirq)
{
    for (int w = 0; w < 4; w++) {
        if (s->pirq_level[pirq][w]) {
            return true;
        }
    }
    return false;
}

/* The ISA IRQ PIRQ @pirq is routed to, or -1. */
static int piix3_route(PIIX3State *s, int pirq)
{
    uint8_t r = s->parent.config[PIIX3_PIRQRC + pirq];

    if (r & PIIX3_PIRQRC_IRQEN) {
        return -1;
    }
    r &= 0x0f;
    /* IRQ 0, 1, 2, 8 and 13 are reserved; the datasheet marks them so. */
    if (r < 3 || r == 8 || r == 13) {
        return -1;
    }
    return r;
}

/*
 * Re-drive every ISA IRQ that some PIRQ routes to (several PIRQs may share
 * one IRQ, and a route change must release the old IRQ).
 */
static void piix3_update(PIIX3State *s)
{
    bool level[16] = { false };
    bool used[16] = { false };

    for (int p = 0; p < 4; p++) {
        int irq = piix3_route(s, p);
        bool l = piix3_pirq_level(s, p);

        if (s->routed_irq[p] >= 0 && s->routed_irq[p] != irq) {
            used[s->routed_irq[p]] = true;
        }
        s->routed_irq[p] = irq;
        if (irq >= 0) {
            used[irq] = true;
            level[irq] |= l;
        }
        irq_set(s->ioapic_pirq[p], l);
    }
    for (int i = 0; i < 16; i++) {
        if (used[i]) {
            irq_set(s->isa_irq[i], level[i]);
        }
    }
}

static void piix3_route_intx(void *opaque, int devfn, int pin, bool level)
{
    PIIX3State *s = opaque;
    int slot = PCI_SLOT(devfn);
    int pirq = (slot + pin + 3) & 3;   /* (slot - 1 + pin) mod 4 */
    uint64_t bit = UINT64_C(1) << (devfn & 63);

    if (level) {
        s->pirq_level[pirq][devfn >> 6] |= bit;
    } else {
        s->pirq_level[pirq][devfn >> 6] &= ~bit;
    }
    piix3_update(s);
}

static void piix3_config_write(PCIDevice *d, uint32_t addr, uint32_t val,
                               unsigned size)
{
    pci_default_write(d, addr, val, size);
    if (addr < PIIX3_PIRQRC + 4 && addr + size > PIIX3_PIRQRC) {
        piix3_update(piix3_from_pci(d));
    }
}

static bool piix3_realize(Device *dev, Error **errp)
{
    PCIDevice *d = pci_from_dev(dev);
    PIIX3State *s = piix3_from_pci(d);

    if (!pci_device_plug(d, errp)) {
        return false;
    }
    for (int i = 0; i < 4; i++) {
        s->routed_irq[i] = -1;
    }
    /* Device-specific registers 40h-FFh are writable scratch as far as a
     * PC's firmware is concerned (ISA clock, top of memory, ...). */
    memset(d->wmask + 0x40, 0xff, PCI_CONFIG_SIZE - 0x40);
    pci_bus_set_irq_router(d->bus, piix3_route_intx, s);
    return true;
}

static void piix3_reset(Device *dev)
{
    PCIDevice *d = pci_from_dev(dev);
    PIIX3State *s = piix3_from_pci(d);

    pci_device_reset(d);
    pci_set_word(d->config + PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY |
                 PCI_COMMAND_MASTER);
    for (int i = 0; i < 4; i++) {
        d->config[PIIX3_PIRQRC + i] = PIIX3_PIRQRC_IRQEN;
    }
    d->config[0x4c] = 0x4d;     /* ISA I/O recovery timer */
    d->config[0x4e] = 0x03;     /* X-bus chip select */
    d->config[0x69] = 0x02;     /* top of memory */
    d->config[0x70] = 0x80;     /* MBIRQ0 disabled */
    d->config[0x76] = 0x0c;     /* MBDMA */
    d->config[0x77] = 0x0c;
    d->config[0x80] = 0x00;     /* APIC base relocation */
    d->config[0xa0] = 0x08;     /* SMI control */
    piix3_update(s);
}

static void piix3_unrealize(Device *dev)
{
    pci_device_unplug(pci_from_dev(dev));
}

const PCIDeviceClass piix3_class = {
    .parent = {
        .name = "PIIX3",
        .description = "Intel 82371SB PIIX3 PCI-to-ISA bridge",
        .category = DEVICE_CATEGORY_BRIDGE,
        .bus = "PCI",
        .user_creatable = false,
        .instance_size = sizeof(PIIX3State),
        .base_props = pci_base_props,
        .realize = piix3_realize,
        .reset = piix3_reset,
        .unrealize = piix3_unrealize,
    },
    .vendor_id = 0x8086,
    .device_id = 0x7000,
    .class_id = 0x0601,
    .multifunction = true,
    .subsystem_vendor_id = 0x1af4,
    .subsystem_id = 0x1100,
    .config_write = piix3_config_write,
};
