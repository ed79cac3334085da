/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Intel 82093AA I/O APIC (datasheet 290566-001, §3): 24 interrupt inputs,
 * each with a 64-bit redirection table entry, reached through an index
 * register and a data window:
 *
 *   0x00 IOREGSEL (8 bits: register index)   0x10 IOWIN (32 bits: data)
 *   index 0x00 IOAPICID   0x01 IOAPICVER   0x02 IOAPICARB
 *   index 0x10 + 2n / 0x11 + 2n  redirection entry n, low / high dword
 *
 * Redirection entry: bits 7-0 vector, 10-8 delivery mode, 11 destination
 * mode, 12 delivery status (RO), 13 polarity (1 = active low), 14 remote
 * IRR (RO), 15 trigger mode (1 = level), 16 mask, 63-56 destination.
 *
 * Edge-triggered pins send a message on each unmasked asserting edge;
 * level-triggered pins send one while asserted and set remote IRR, which
 * the local APIC's EOI of that vector clears (ioapic_eoi()); a pin still
 * asserted then sends again.
 * Left out: ExtINT and SMI delivery (logged), the arbitration ID's use.
 * Deviation: the ID is 8 bits wide in the destination (xAPIC), and
 * IOAPICID keeps bits 27-24 as the datasheet says.
 */
#include "hw/intc/ioapic.h"

#include "hw/core/machine.h"
#include "util/log.h"

#define IOAPIC_IOREGSEL  0x00
#define IOAPIC_IOWIN     0x10

#define IOAPIC_REG_ID    0x00
#define IOAPIC_REG_VER   0x01
#define IOAPIC_REG_ARB   0x02
#define IOAPIC_REG_REDIR 0x10

#define IOAPIC_RTE_DEST_LOGICAL (1ull << 11)
#define IOAPIC_RTE_STATUS       (1ull << 12)
#define IOAPIC_RTE_ACTIVE_LOW   (1ull << 13)
#define IOAPIC_RTE_REMOTE_IRR   (1ull << 14)
#define IOAPIC_RTE_LEVEL        (1ull << 15)
#define IOAPIC_RTE_MASKED       (1ull << 16)
/* Bits the guest may write: all but delivery status and remote IRR. */
#define IOAPIC_RTE_WRITABLE     (0xff0000000001ffffull & \
                                 ~(IOAPIC_RTE_STATUS | IOAPIC_RTE_REMOTE_IRR))

/* Whether pin @n is asserted, after its polarity. */
static bool ioapic_asserted(const IOAPICState *s, int n)
{
    bool level = s->pin_level & (1u << n);

    return (s->redir[n] & IOAPIC_RTE_ACTIVE_LOW) ? !level : level;
}

/* Send pin @n's message. */
static void ioapic_send(IOAPICState *s, int n)
{
    uint64_t e = s->redir[n];
    APICDeliveryMode mode = (e >> 8) & 7;
    bool level = e & IOAPIC_RTE_LEVEL;

    if (mode == APIC_DM_EXTINT || mode == APIC_DM_SMI || mode == 3) {
        log_unimp("ioapic: pin %d delivery mode %u", n, mode);
        return;
    }
    if (level) {
        s->redir[n] |= IOAPIC_RTE_REMOTE_IRR;
    }
    if (s->apic) {
        apic_deliver(s->apic, e >> 56, e & IOAPIC_RTE_DEST_LOGICAL, mode,
                     e & 0xff, level);
    }
}

/* A level-triggered pin that is asserted, unmasked and idle sends. */
static void ioapic_service_level(IOAPICState *s, int n)
{
    uint64_t e = s->redir[n];

    if ((e & IOAPIC_RTE_LEVEL) && !(e & IOAPIC_RTE_MASKED) &&
        !(e & IOAPIC_RTE_REMOTE_IRR) && ioapic_asserted(s, n)) {
        ioapic_send(s, n);
    }
}

static void ioapic_set_irq(void *opaque, int n, bool level)
{
    IOAPICState *s = opaque;
    bool was = ioapic_asserted(s, n);

    if (level) {
        s->pin_level |= 1u << n;
    } else {
        s->pin_level &= ~(1u << n);
    }
    if (s->redir[n] & IOAPIC_RTE_LEVEL) {
        ioapic_service_level(s, n);
    } else if (!was && ioapic_asserted(s, n) &&
               !(s->redir[n] & IOAPIC_RTE_MASKED)) {
        ioapic_send(s, n);
    }
}

IRQLine *ioapic_irq(IOAPICState *s, int n)
{
    return &s->in[n % IOAPIC_NUM_PINS];
}

void ioapic_eoi(void *opaque, int vector)
{
    IOAPICState *s = opaque;

    for (int n = 0; n < IOAPIC_NUM_PINS; n++) {
        if ((s->redir[n] & IOAPIC_RTE_REMOTE_IRR) &&
            (s->redir[n] & 0xff) == (uint64_t)vector) {
            s->redir[n] &= ~IOAPIC_RTE_REMOTE_IRR;
            ioapic_service_level(s, n);
        }
    }
}

static uint32_t ioapic_reg_read(IOAPICState *s, uint8_t reg)
{
    int n;

    switch (reg) {
    case IOAPIC_REG_ID:
    case IOAPIC_REG_ARB:
        return (uint32_t)(s->id & 0xf) << 24;
    case IOAPIC_REG_VER:
        return IOAPIC_VERSION_VALUE;
    default:
        n = (reg - IOAPIC_REG_REDIR) >> 1;
        if (reg < IOAPIC_REG_REDIR || n >= IOAPIC_NUM_PINS) {
            log_guest_error("ioapic: read of register 0x%02x", reg);
            return 0xffffffff;
        }
        return (reg & 1) ? s->redir[n] >> 32 : (uint32_t)s->redir[n];
    }
}

static void ioapic_reg_write(IOAPICState *s, uint8_t reg, uint32_t val)
{
    uint64_t old, e;
    int n;

    if (reg == IOAPIC_REG_ID) {
        s->id = (val >> 24) & 0xf;
        return;
    }
    n = (reg - IOAPIC_REG_REDIR) >> 1;
    if (reg < IOAPIC_REG_REDIR || n >= IOAPIC_NUM_PINS) {
        log_guest_error("ioapic: write to register 0x%02x", reg);
        return;
    }
    old = s->redir[n];
    e = (reg & 1) ? (old & 0xffffffffull) | ((uint64_t)val << 32)
                  : (old & ~0xffffffffull) | val;
    s->redir[n] = (e & IOAPIC_RTE_WRITABLE) |
                  (old & (IOAPIC_RTE_STATUS | IOAPIC_RTE_REMOTE_IRR));
    if (!(s->redir[n] & IOAPIC_RTE_LEVEL)) {
        s->redir[n] &= ~IOAPIC_RTE_REMOTE_IRR;
    }
    /* Unmasking (or switching to level) an asserted level pin sends. */
    ioapic_service_level(s, n);
}

static uint64_t ioapic_mmio_read(void *opaque, uint64_t offset, unsigned size)
{
    IOAPICState *s = opaque;

    switch (offset) {
    case IOAPIC_IOREGSEL:
        return s->ioregsel;
    case IOAPIC_IOWIN:
        return ioapic_reg_read(s, s->ioregsel);
    default:
        return 0;
    }
}

static void ioapic_mmio_write(void *opaque, uint64_t offset, uint64_t val,
                              unsigned size)
{
    IOAPICState *s = opaque;

    switch (offset) {
    case IOAPIC_IOREGSEL:
        s->ioregsel = val;
        break;
    case IOAPIC_IOWIN:
        ioapic_reg_write(s, s->ioregsel, val);
        break;
    default:
        log_guest_error("ioapic: write at offset 0x%x", (unsigned)offset);
        break;
    }
}

static const MemoryRegionOps ioapic_mmio_ops = {
    .read = ioapic_mmio_read, .write = ioapic_mmio_write,
    .min_access = 4, .max_access = 4,
};

static bool ioapic_realize(Device *dev, Error **errp)
{
    IOAPICState *s = ioapic_from_dev(dev);

    for (int n = 0; n < IOAPIC_NUM_PINS; n++) {
        irq_init(&s->in[n], ioapic_set_irq, s, n);
    }
    memory_region_init_io(&s->mmio, "ioapic", &ioapic_mmio_ops, s, 0x1000);
    s->mmio.owner = dev;
    memory_map_add(dev->machine->mem, &s->mmio, IOAPIC_DEFAULT_ADDR, 1);
    return true;
}

static void ioapic_reset(Device *dev)
{
    IOAPICState *s = ioapic_from_dev(dev);

    s->id = 0;
    s->ioregsel = 0;
    for (int n = 0; n < IOAPIC_NUM_PINS; n++) {
        s->redir[n] = IOAPIC_RTE_MASKED;
    }
}

static void ioapic_unrealize(Device *dev)
{
    IOAPICState *s = ioapic_from_dev(dev);

    memory_region_destroy(&s->mmio);
}

const DeviceClass ioapic_class = {
    .name = "ioapic",
    .description = "Intel 82093AA I/O APIC",
    .category = DEVICE_CATEGORY_MISC,
    .user_creatable = false,
    .instance_size = sizeof(IOAPICState),
    .realize = ioapic_realize,
    .reset = ioapic_reset,
    .unrealize = ioapic_unrealize,
};
