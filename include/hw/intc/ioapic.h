/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The I/O APIC (Intel 82093AA) at 0xfec00000: 24 interrupt pins whose
 * redirection table entries turn pin activity into messages on the APIC
 * bus (apic_deliver()).
 */
#ifndef HW_INTC_IOAPIC_H
#define HW_INTC_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/core/device.h"
#include "hw/core/irq.h"
#include "hw/core/memory.h"
#include "hw/intc/apic.h"

#define IOAPIC_DEFAULT_ADDR 0xfec00000ULL
#define IOAPIC_NUM_PINS     24
/* IOAPICVER: version 0x11, maximum redirection entry 23. */
#define IOAPIC_VERSION_VALUE 0x00170011u

/**
 * struct IOAPICState - the 82093AA.
 * @id: IOAPICID bits 27-24.
 * @ioregsel: the register index selected at offset 0x00.
 * @redir: the redirection table (datasheet §3.2.4), 64 bits per pin.
 * @pin_level: the raw level of each input pin.
 * @in: the input pins (GSI 0-23).
 * @apic: where messages go (connected by the machine before realize).
 */
typedef struct IOAPICState {
    Device parent;
    /* guest-visible state */
    uint8_t id;
    uint8_t ioregsel;
    uint64_t redir[IOAPIC_NUM_PINS];
    uint32_t pin_level;
    /* host plumbing */
    IRQLine in[IOAPIC_NUM_PINS];
    APICState *apic;
    MemoryRegion mmio;
} IOAPICState;

extern const DeviceClass ioapic_class;

static inline IOAPICState *ioapic_from_dev(Device *dev)
{
    return container_of(dev, IOAPICState, parent);
}

/** ioapic_irq() - input pin @n (0-23) for the machine to connect. */
IRQLine *ioapic_irq(IOAPICState *s, int n);

/**
 * ioapic_eoi() - a local APIC EOIed level-triggered @vector: clear the
 * remote IRR of every pin with that vector, and re-deliver those whose
 * input is still asserted.  Suits APICState.eoi_broadcast.
 */
void ioapic_eoi(void *opaque, int vector);

#endif /* HW_INTC_IOAPIC_H */
