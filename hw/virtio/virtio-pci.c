/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The virtio PCI transport of a transitional device (Virtual I/O Device
 * 1.2, OASIS, §4.1 "Virtio Over PCI Bus").
 *
 * Legacy interface, I/O BAR0 (§4.1.4.8):
 *   00h device features (32)   04h driver features (32)
 *   08h queue address (PFN)    0Ch queue size (16)   0Eh queue select
 *   10h queue notify (16)      12h device status (8) 13h ISR (8)
 *   14h device configuration, or with MSI-X enabled:
 *   14h config_msix_vector (16) 16h queue_msix_vector (16)
 *   18h device configuration
 * A legacy ring lives at PFN * 4096: descriptors, then the available
 * ring, then the used ring aligned to 4096 (§2.7 "Legacy Interfaces").
 *
 * Modern interface, memory BAR4, described by vendor capabilities
 * (§4.1.4) at 40h (common), 50h (ISR), 60h (device), 70h (notify):
 *   0000h common configuration (§4.1.4.3)
 *   1000h ISR status (read to clear)
 *   2000h device configuration
 *   3000h notifications, queue q at 3000h + 4 * q (multiplier 4)
 *
 * Interrupts (§4.1.5.3, §4.1.5.4): INTx follows the ISR while MSI-X is
 * off; with MSI-X on (capability at 84h, table and PBA in memory BAR1,
 * hw/pci/msix.c) a used buffer signals the queue's vector and a config
 * change the config vector, and INTx stays low.  A vector number the
 * table does not have is stored as NO_VECTOR (FFFFh), which the driver
 * reads back to learn it was refused.  MSI-X is offered only on a bus
 * that delivers MSI (the PC with apic=on), as QEMU offers it only where
 * MSI works.  Deviation: no
 * VIRTIO_PCI_CAP_PCI_CFG window (§4.1.4.9); Linux and SeaBIOS with a BAR
 * below 4 GiB do not use it.
 */
#include "hw/virtio/virtio-pci.h"

#include <assert.h>
#include <string.h>

#include "util/log.h"

#define VP_LEGACY_HDR       0x14
#define VP_COMMON           0x0000
#define VP_ISR              0x1000
#define VP_DEVICE           0x2000
#define VP_NOTIFY           0x3000
#define VP_MODERN_SIZE      0x4000
#define VP_NOTIFY_MULT      4
#define VP_NO_VECTOR        0xffff
#define VP_MSIX_CAP         0x84
#define VP_MSIX_BAR         1

#define VP_CAP_COMMON       1
#define VP_CAP_NOTIFY       2
#define VP_CAP_ISR          3
#define VP_CAP_DEVICE       4

static uint64_t vp_offered(VirtIOPCIState *vp)
{
    return vp->ops->features(vp) | (1ull << VIRTIO_F_VERSION_1) |
           (1ull << VIRTIO_RING_F_INDIRECT_DESC) |
           (1ull << VIRTIO_RING_F_EVENT_IDX);
}

bool virtio_pci_has_feature(const VirtIOPCIState *vp, unsigned bit)
{
    return vp->guest_features & (1ull << bit);
}

static void vp_update_irq(VirtIOPCIState *vp)
{
    pci_set_irq(&vp->parent, vp->isr != 0 && !msix_enabled(&vp->msix));
}

void virtio_pci_sync_irq(VirtIOPCIState *vp)
{
    vp_update_irq(vp);
}

/* Raise ISR bit @isr_bit and signal @vector (MSI-X) or INTx. */
static void vp_interrupt(VirtIOPCIState *vp, uint8_t isr_bit,
                         uint16_t vector)
{
    vp->isr |= isr_bit;
    if (msix_enabled(&vp->msix)) {
        if (vector != VP_NO_VECTOR) {
            msix_notify(&vp->msix, vector);
        }
        return;
    }
    vp_update_irq(vp);
}

void virtio_pci_notify_queue(VirtIOPCIState *vp, int q)
{
    bool ev = virtio_pci_has_feature(vp, VIRTIO_RING_F_EVENT_IDX);

    if (virtqueue_should_notify(&vp->vq[q], &vp->parent, ev)) {
        vp_interrupt(vp, 1, vp->queue_vector[q]);
    }
}

void virtio_pci_config_changed(VirtIOPCIState *vp)
{
    vp->config_generation++;
    if (vp->status & VIRTIO_STATUS_DRIVER_OK) {
        vp_interrupt(vp, 2, vp->config_vector);
    }
}

/* A vector the table has, or NO_VECTOR (what the driver reads back). */
static uint16_t vp_vector(VirtIOPCIState *vp, uint32_t val)
{
    return val < vp->msix.nvectors ? val : VP_NO_VECTOR;
}

static void vp_vectors_reset(VirtIOPCIState *vp)
{
    vp->config_vector = VP_NO_VECTOR;
    for (unsigned i = 0; i < VIRTIO_PCI_MAX_QUEUES; i++) {
        vp->queue_vector[i] = VP_NO_VECTOR;
    }
}

/* Device reset: status 0 from the driver, or a system reset. */
static void vp_device_reset(VirtIOPCIState *vp)
{
    vp->ops->reset(vp);
    vp->guest_features = 0;
    vp->dfselect = vp->gfselect = 0;
    vp->status = 0;
    vp->isr = 0;
    vp->queue_sel = 0;
    for (unsigned i = 0; i < VIRTIO_PCI_MAX_QUEUES; i++) {
        virtqueue_reset(&vp->vq[i]);
        vp->vq[i].num = i < vp->nvqs ? VIRTQ_MAX_SIZE : 0;
    }
    vp_vectors_reset(vp);
    vp_update_irq(vp);
}

static void vp_write_status(VirtIOPCIState *vp, uint8_t val)
{
    if (!val) {
        vp_device_reset(vp);
        return;
    }
    if ((val & VIRTIO_STATUS_FEATURES_OK) &&
        (vp->guest_features & ~vp_offered(vp))) {
        log_guest_error("virtio: driver accepted features it was not "
                        "offered (0x%" PRIx64 ")", vp->guest_features);
        val &= ~VIRTIO_STATUS_FEATURES_OK;
    }
    vp->status = val;
}

static VirtQueue *vp_sel_vq(VirtIOPCIState *vp)
{
    return vp->queue_sel < vp->nvqs ? &vp->vq[vp->queue_sel] : NULL;
}

static void vp_notify(VirtIOPCIState *vp, uint32_t q)
{
    if (q >= vp->nvqs) {
        log_guest_error("virtio: notify of queue %u (has %u)", q, vp->nvqs);
        return;
    }
    vp->ops->notify(vp, q);
}

static uint8_t vp_isr_read(VirtIOPCIState *vp)
{
    uint8_t v = vp->isr;

    vp->isr = 0;
    vp_update_irq(vp);
    return v;
}

/* ---- device configuration (both interfaces) --------------------------- */

static uint64_t vp_config_read(VirtIOPCIState *vp, uint64_t off,
                               unsigned size)
{
    uint8_t cfg[256] = { 0 };
    uint64_t v = 0;

    if (off + size > vp->ops->config_size) {
        return 0;
    }
    vp->ops->get_config(vp, cfg);
    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)cfg[off + i] << (8 * i);
    }
    return v;
}

static void vp_config_write(VirtIOPCIState *vp, uint64_t off, uint64_t val,
                            unsigned size)
{
    uint8_t cfg[256] = { 0 };

    if (off + size > vp->ops->config_size) {
        log_guest_error("virtio: config write at 0x%" PRIx64 " past the "
                        "end", off);
        return;
    }
    vp->ops->get_config(vp, cfg);
    for (unsigned i = 0; i < size; i++) {
        cfg[off + i] = val >> (8 * i);
    }
    vp->ops->set_config(vp, cfg);
}

/* ---- legacy I/O BAR0 -------------------------------------------------- */

/* Where the device configuration starts in BAR0 (§4.1.4.8). */
static uint64_t vp_legacy_cfg(VirtIOPCIState *vp)
{
    return VP_LEGACY_HDR + (msix_enabled(&vp->msix) ? 4 : 0);
}

static uint64_t vp_legacy_read(void *opaque, uint64_t off, unsigned size)
{
    VirtIOPCIState *vp = opaque;
    VirtQueue *vq = vp_sel_vq(vp);

    if (off >= vp_legacy_cfg(vp)) {
        return vp_config_read(vp, off - vp_legacy_cfg(vp), size);
    }
    switch (off) {
    case 0x14:
        return vp->config_vector;
    case 0x16:
        return vq ? vp->queue_vector[vp->queue_sel] : VP_NO_VECTOR;
    case 0x00:
        return (uint32_t)vp_offered(vp) | (1u << VIRTIO_F_ANY_LAYOUT);
    case 0x04:
        return (uint32_t)vp->guest_features;
    case 0x08:
        return vq ? vq->pfn : 0;
    case 0x0c:
        return vq ? VIRTQ_MAX_SIZE : 0;
    case 0x0e:
        return vp->queue_sel;
    case 0x12:
        return vp->status;
    case 0x13:
        return vp_isr_read(vp);
    default:
        return 0;
    }
}

static void vp_legacy_set_pfn(VirtIOPCIState *vp, uint32_t pfn)
{
    VirtQueue *vq = vp_sel_vq(vp);
    uint64_t base = (uint64_t)pfn << 12;

    if (!vq) {
        return;
    }
    if (!pfn) {
        virtqueue_reset(vq);
        vq->num = VIRTQ_MAX_SIZE;
        return;
    }
    vq->pfn = pfn;
    vq->num = VIRTQ_MAX_SIZE;
    vq->desc = base;
    vq->avail = base + 16 * vq->num;
    vq->used = (vq->avail + 4 + 2 * vq->num + 2 + 4095) & ~4095ull;
    vq->ready = true;
}

static void vp_legacy_write(void *opaque, uint64_t off, uint64_t val,
                            unsigned size)
{
    VirtIOPCIState *vp = opaque;

    if (off >= vp_legacy_cfg(vp)) {
        vp_config_write(vp, off - vp_legacy_cfg(vp), val, size);
        return;
    }
    switch (off) {
    case 0x14:
        vp->config_vector = vp_vector(vp, val);
        break;
    case 0x16:
        if (vp_sel_vq(vp)) {
            vp->queue_vector[vp->queue_sel] = vp_vector(vp, val);
        }
        break;
    case 0x04:
        vp->guest_features = (uint32_t)val;
        break;
    case 0x08:
        vp_legacy_set_pfn(vp, val);
        break;
    case 0x0e:
        vp->queue_sel = val;
        break;
    case 0x10:
        vp_notify(vp, val & 0xffff);
        break;
    case 0x12:
        vp_write_status(vp, val);
        break;
    default:
        log_guest_error("virtio: legacy write to 0x%02" PRIx64, off);
        break;
    }
}

/* Legacy fields are 8/16/32 bits at fixed offsets; the core splits
 * accesses that straddle them, so any size 1-4 arrives aligned. */
static const MemoryRegionOps vp_legacy_ops = {
    .read = vp_legacy_read, .write = vp_legacy_write,
    .min_access = 1, .max_access = 4,
};

/* ---- modern common configuration -------------------------------------- */

static uint64_t vp_common_read(VirtIOPCIState *vp, uint64_t off)
{
    VirtQueue *vq = vp_sel_vq(vp);
    uint64_t f = vp_offered(vp);

    switch (off) {
    case 0x00: return vp->dfselect;
    case 0x04: return vp->dfselect < 2 ? (uint32_t)(f >> (32 * vp->dfselect))
                                       : 0;
    case 0x08: return vp->gfselect;
    case 0x0c: return vp->gfselect < 2 ?
                      (uint32_t)(vp->guest_features >> (32 * vp->gfselect))
                      : 0;
    case 0x10: return vp->config_vector;
    case 0x12: return vp->nvqs;
    case 0x14: return vp->status;
    case 0x15: return vp->config_generation;
    case 0x16: return vp->queue_sel;
    case 0x18: return vq ? vq->num : 0;
    case 0x1a: return vq ? vp->queue_vector[vp->queue_sel] : VP_NO_VECTOR;
    case 0x1c: return vq ? vq->ready : 0;
    case 0x1e: return vp->queue_sel;
    case 0x20: return vq ? (uint32_t)vq->desc : 0;
    case 0x24: return vq ? vq->desc >> 32 : 0;
    case 0x28: return vq ? (uint32_t)vq->avail : 0;
    case 0x2c: return vq ? vq->avail >> 32 : 0;
    case 0x30: return vq ? (uint32_t)vq->used : 0;
    case 0x34: return vq ? vq->used >> 32 : 0;
    default: return 0;
    }
}

static void vp_set_half(uint64_t *field, bool high, uint32_t val)
{
    *field = high ? (*field & 0xffffffffull) | ((uint64_t)val << 32)
                  : (*field & ~0xffffffffull) | val;
}

static void vp_write_queue_size(VirtQueue *vq, uint32_t n)
{
    if (!n || n > VIRTQ_MAX_SIZE || (n & (n - 1))) {
        log_guest_error("virtio: queue size %u refused", n);
        return;
    }
    vq->num = n;
}

static void vp_common_write(VirtIOPCIState *vp, uint64_t off, uint32_t val)
{
    VirtQueue *vq = vp_sel_vq(vp);
    unsigned sel = vp->gfselect;

    switch (off) {
    case 0x00: vp->dfselect = val; return;
    case 0x08: vp->gfselect = val; return;
    case 0x0c:
        if (sel < 2) {
            vp_set_half(&vp->guest_features, sel, val);
        }
        return;
    case 0x10: vp->config_vector = vp_vector(vp, val); return;
    case 0x14: vp_write_status(vp, val); return;
    case 0x16: vp->queue_sel = val; return;
    }
    if (!vq) {
        log_guest_error("virtio: write 0x%02" PRIx64 " for queue %u",
                        off, vp->queue_sel);
        return;
    }
    switch (off) {
    case 0x18: vp_write_queue_size(vq, val); break;
    case 0x1a: vp->queue_vector[vp->queue_sel] = vp_vector(vp, val); break;
    case 0x1c: vq->ready = val & 1; break;
    case 0x20: case 0x24: vp_set_half(&vq->desc, off == 0x24, val); break;
    case 0x28: case 0x2c: vp_set_half(&vq->avail, off == 0x2c, val); break;
    case 0x30: case 0x34: vp_set_half(&vq->used, off == 0x34, val); break;
    default:
        log_guest_error("virtio: common config write at 0x%02" PRIx64, off);
        break;
    }
}

/* Fields are 1, 2 or 4 bytes: a narrower access reads part of one. */
static uint64_t vp_modern_read(void *opaque, uint64_t off, unsigned size)
{
    VirtIOPCIState *vp = opaque;
    static const uint8_t field_size[0x38] = {
        [0x00] = 4, [0x04] = 4, [0x08] = 4, [0x0c] = 4, [0x10] = 2,
        [0x12] = 2, [0x14] = 1, [0x15] = 1, [0x16] = 2, [0x18] = 2,
        [0x1a] = 2, [0x1c] = 2, [0x1e] = 2, [0x20] = 4, [0x24] = 4,
        [0x28] = 4, [0x2c] = 4, [0x30] = 4, [0x34] = 4,
    };
    uint64_t base;

    if (off < 0x38) {
        base = off;
        while (base && !field_size[base]) {
            base--;
        }
        return (vp_common_read(vp, base) >> (8 * (off - base))) &
               (size == 4 ? 0xffffffffull : (1ull << (8 * size)) - 1);
    }
    if (off == VP_ISR) {
        return vp_isr_read(vp);
    }
    if (off >= VP_DEVICE && off < VP_DEVICE + 0x1000) {
        return vp_config_read(vp, off - VP_DEVICE, size);
    }
    return 0;
}

static void vp_modern_write(void *opaque, uint64_t off, uint64_t val,
                            unsigned size)
{
    VirtIOPCIState *vp = opaque;

    if (off < 0x38) {
        vp_common_write(vp, off, val);
    } else if (off >= VP_DEVICE && off < VP_DEVICE + 0x1000) {
        vp_config_write(vp, off - VP_DEVICE, val, size);
    } else if (off >= VP_NOTIFY && off < VP_NOTIFY + 0x1000) {
        vp_notify(vp, (off - VP_NOTIFY) / VP_NOTIFY_MULT);
    }
}

static const MemoryRegionOps vp_modern_ops = {
    .read = vp_modern_read, .write = vp_modern_write,
    .min_access = 1, .max_access = 4,
};

/* ---- PCI capabilities ------------------------------------------------- */

static void vp_add_cap(PCIDevice *d, uint8_t pos, uint8_t next,
                       uint8_t type, uint32_t offset, uint32_t len)
{
    uint8_t *c = d->config + pos;

    c[0] = 0x09;                    /* vendor specific */
    c[1] = next;
    c[2] = type == VP_CAP_NOTIFY ? 20 : 16;
    c[3] = type;
    c[4] = 4;                       /* BAR4 */
    pci_set_long(c + 8, offset);
    pci_set_long(c + 12, len);
    if (type == VP_CAP_NOTIFY) {
        pci_set_long(c + 16, VP_NOTIFY_MULT);
    }
}

bool virtio_pci_realize(VirtIOPCIState *vp, const VirtIODeviceOps *ops,
                        unsigned nvqs, Error **errp)
{
    PCIDevice *d = &vp->parent;
    bool msix = vp->nvectors && pci_bus_has_msi(pci_bus_of(d->parent.machine));

    assert(nvqs <= VIRTIO_PCI_MAX_QUEUES && ops->config_size <= 256);
    if (vp->nvectors > MSIX_MAX_VECTORS) {
        error_setg(errp, "vectors must be at most %d", MSIX_MAX_VECTORS);
        return false;
    }
    vp->ops = ops;
    vp->nvqs = nvqs;
    if (!pci_device_plug(d, errp)) {
        return false;
    }
    d->config[PCI_INTERRUPT_PIN] = 1;
    pci_set_word(d->config + PCI_STATUS, PCI_STATUS_CAP_LIST);
    d->config[PCI_CAPABILITY_LIST] = 0x40;
    vp_add_cap(d, 0x40, 0x50, VP_CAP_COMMON, VP_COMMON, 0x38);
    vp_add_cap(d, 0x50, 0x60, VP_CAP_ISR, VP_ISR, 1);
    vp_add_cap(d, 0x60, 0x70, VP_CAP_DEVICE, VP_DEVICE, ops->config_size);
    vp_add_cap(d, 0x70, msix ? VP_MSIX_CAP : 0x00, VP_CAP_NOTIFY,
               VP_NOTIFY, VP_NOTIFY_MULT * nvqs);
    if (msix) {
        msix_init(&vp->msix, d, vp->nvectors, VP_MSIX_BAR, VP_MSIX_CAP, 0);
    }
    vp_vectors_reset(vp);
    memory_region_init_io(&vp->legacy_io, "virtio-pci-legacy",
                          &vp_legacy_ops, vp,
                          VP_LEGACY_HDR + 4 + ops->config_size);
    memory_region_init_io(&vp->modern_mem, "virtio-pci-modern",
                          &vp_modern_ops, vp, VP_MODERN_SIZE);
    pci_register_bar(d, 0, PCI_BAR_IO, &vp->legacy_io);
    pci_register_bar(d, 4, 0, &vp->modern_mem);
    return true;
}

void virtio_pci_unrealize(VirtIOPCIState *vp)
{
    pci_device_unplug(&vp->parent);
    msix_uninit(&vp->msix);
    memory_region_destroy(&vp->legacy_io);
    memory_region_destroy(&vp->modern_mem);
}

void virtio_pci_config_write(PCIDevice *d, uint32_t addr, uint32_t val,
                             unsigned size)
{
    VirtIOPCIState *vp = container_of(d, VirtIOPCIState, parent);

    pci_default_write(d, addr, val, size);
    msix_config_write(&vp->msix, addr, size);
    vp_update_irq(vp);
}

void virtio_pci_reset(VirtIOPCIState *vp)
{
    pci_device_reset(&vp->parent);
    msix_reset(&vp->msix);
    vp_vectors_reset(vp);
    vp->ops->reset(vp);
    vp->guest_features = 0;
    vp->dfselect = vp->gfselect = 0;
    vp->status = 0;
    vp->isr = 0;
    vp->queue_sel = 0;
    for (unsigned i = 0; i < VIRTIO_PCI_MAX_QUEUES; i++) {
        virtqueue_reset(&vp->vq[i]);
        vp->vq[i].num = i < vp->nvqs ? VIRTQ_MAX_SIZE : 0;
    }
}
