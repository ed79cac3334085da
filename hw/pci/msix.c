/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MSI-X (PCI Local Bus Specification 3.0 §6.8.2; PCI Express Base 4.0
 * §7.7.2): a function signals each of its interrupt vectors with a
 * memory write of a programmed data word to a programmed address.
 *
 * Capability (ID 11h, 12 bytes):
 *   +0  ID, next pointer
 *   +2  message control: bits 10:0 table size - 1, bit 14 function
 *       mask, bit 15 MSI-X enable (only 14 and 15 are writable)
 *   +4  table offset | BIR        +8  PBA offset | BIR
 * Table entry (16 bytes): message address low (bits 1:0 read 0),
 * message address high, message data, vector control (bit 0 mask; the
 * other bits reserved and read 0).  Entries come out of reset masked.
 * The pending bit array (PBA) is read-only: a bit is set while its
 * vector is masked and was signalled, and cleared when the message goes
 * out after the unmask.
 *
 * Messages leave through the bus's MSI route (pci_bus_set_msi()):
 * on a PC the local APICs decode 0xfeeXXXXX (Intel SDM vol. 3 §11.11).
 * A function without bus mastering cannot write memory: its messages
 * are dropped.  Deviation: the table and PBA share one 4 KiB BAR with
 * nothing else in it (as QEMU's virtio-pci lays them out).
 */
#include "hw/pci/msix.h"

#include <assert.h>
#include <string.h>

#include "util/log.h"

#define MSIX_CAP_ID             0x11
#define MSIX_CTRL_ENABLE        0x8000
#define MSIX_CTRL_MASKALL       0x4000
#define MSIX_VC_MASKED          0x1

#define MSIX_ENTRY_ADDR_LO      0
#define MSIX_ENTRY_ADDR_HI      4
#define MSIX_ENTRY_DATA         8
#define MSIX_ENTRY_CTRL         12

/* ---- state ------------------------------------------------------------- */

static uint16_t msix_control(const MSIXState *s)
{
    return pci_get_word(s->dev->config + s->cap + 2);
}

bool msix_enabled(const MSIXState *s)
{
    return s->nvectors && (msix_control(s) & MSIX_CTRL_ENABLE);
}

static bool msix_function_masked(const MSIXState *s)
{
    return msix_control(s) & MSIX_CTRL_MASKALL;
}

static uint8_t *msix_entry(MSIXState *s, unsigned vector)
{
    return s->table + vector * MSIX_ENTRY_SIZE;
}

static bool msix_vector_masked(MSIXState *s, unsigned vector)
{
    return msix_function_masked(s) ||
           (pci_get_long(msix_entry(s, vector) + MSIX_ENTRY_CTRL) &
            MSIX_VC_MASKED);
}

static void msix_send(MSIXState *s, unsigned vector)
{
    const uint8_t *e = msix_entry(s, vector);
    uint64_t addr = pci_get_long(e + MSIX_ENTRY_ADDR_LO) |
                    ((uint64_t)pci_get_long(e + MSIX_ENTRY_ADDR_HI) << 32);

    if (!(pci_get_word(s->dev->config + PCI_COMMAND) & PCI_COMMAND_MASTER)) {
        log_guest_error("msix: %s: vector %u signalled with bus mastering "
                        "off", s->dev->parent.cls->name, vector);
        return;
    }
    pci_msi_send(s->dev, addr, pci_get_long(e + MSIX_ENTRY_DATA));
}

void msix_notify(MSIXState *s, unsigned vector)
{
    if (vector >= s->nvectors || !msix_enabled(s)) {
        return;
    }
    if (msix_vector_masked(s, vector)) {
        s->pending |= 1ull << vector;
        return;
    }
    msix_send(s, vector);
}

/* Send what is pending on vectors that are now unmasked. */
static void msix_flush_pending(MSIXState *s)
{
    if (!msix_enabled(s)) {
        return;
    }
    for (unsigned v = 0; v < s->nvectors; v++) {
        if ((s->pending & (1ull << v)) && !msix_vector_masked(s, v)) {
            s->pending &= ~(1ull << v);
            msix_send(s, v);
        }
    }
}

void msix_config_write(MSIXState *s, uint32_t addr, unsigned size)
{
    uint32_t ctrl = s->cap + 2;

    if (s->nvectors && addr < ctrl + 2 && addr + size > ctrl) {
        msix_flush_pending(s);
    }
}

/* ---- the BAR: table and PBA ------------------------------------------ */

static uint64_t msix_mmio_read(void *opaque, uint64_t off, unsigned size)
{
    MSIXState *s = opaque;

    if (off < (uint64_t)s->nvectors * MSIX_ENTRY_SIZE) {
        return pci_get_long(s->table + off);
    }
    if (off >= MSIX_PBA_OFFSET && off < MSIX_PBA_OFFSET + 8) {
        return (uint32_t)(s->pending >> (8 * (off - MSIX_PBA_OFFSET)));
    }
    return 0;
}

static void msix_mmio_write(void *opaque, uint64_t off, uint64_t val,
                            unsigned size)
{
    MSIXState *s = opaque;
    unsigned vector = off / MSIX_ENTRY_SIZE;

    if (off >= (uint64_t)s->nvectors * MSIX_ENTRY_SIZE) {
        log_guest_error("msix: %s: write at 0x%" PRIx64 " outside the "
                        "table", s->dev->parent.cls->name, off);
        return;
    }
    switch (off % MSIX_ENTRY_SIZE) {
    case MSIX_ENTRY_ADDR_LO:
        val &= ~3u;
        break;
    case MSIX_ENTRY_CTRL:
        val &= MSIX_VC_MASKED;
        break;
    }
    pci_set_long(s->table + off, val);
    if (off % MSIX_ENTRY_SIZE == MSIX_ENTRY_CTRL &&
        !msix_vector_masked(s, vector) && (s->pending & (1ull << vector))) {
        msix_flush_pending(s);
    }
}

/* Entries are dwords: the core splits qword accesses (Linux uses 32-bit
 * ones), so every access arrives aligned and 4 bytes wide. */
static const MemoryRegionOps msix_mmio_ops = {
    .read = msix_mmio_read, .write = msix_mmio_write,
    .min_access = 4, .max_access = 4,
};

/* ---- life cycle ---------------------------------------------------------- */

void msix_init(MSIXState *s, PCIDevice *dev, unsigned nvectors, int bar,
               uint8_t cap, uint8_t next)
{
    uint8_t *c = dev->config + cap;

    assert(nvectors >= 1 && nvectors <= MSIX_MAX_VECTORS &&
           cap + MSIX_CAP_SIZE <= PCI_CONFIG_SIZE);
    memset(s, 0, sizeof(*s));
    s->dev = dev;
    s->nvectors = nvectors;
    s->cap = cap;
    c[0] = MSIX_CAP_ID;
    c[1] = next;
    pci_set_word(c + 2, nvectors - 1);
    pci_set_long(c + 4, 0 | bar);
    pci_set_long(c + 8, MSIX_PBA_OFFSET | bar);
    dev->wmask[cap + 3] = (MSIX_CTRL_ENABLE | MSIX_CTRL_MASKALL) >> 8;
    memory_region_init_io(&s->mr, "msix", &msix_mmio_ops, s, MSIX_BAR_SIZE);
    pci_register_bar(dev, bar, 0, &s->mr);
    msix_reset(s);
}

void msix_uninit(MSIXState *s)
{
    if (s->nvectors) {
        memory_region_destroy(&s->mr);
        s->nvectors = 0;
    }
}

void msix_reset(MSIXState *s)
{
    uint8_t *ctrl;

    if (!s->nvectors) {
        return;
    }
    ctrl = s->dev->config + s->cap + 2;
    pci_set_word(ctrl, pci_get_word(ctrl) &
                       ~(MSIX_CTRL_ENABLE | MSIX_CTRL_MASKALL));
    memset(s->table, 0, sizeof(s->table));
    for (unsigned v = 0; v < s->nvectors; v++) {
        pci_set_long(msix_entry(s, v) + MSIX_ENTRY_CTRL, MSIX_VC_MASKED);
    }
    s->pending = 0;
}
