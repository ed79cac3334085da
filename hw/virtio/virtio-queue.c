/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Split virtqueues, device side (Virtual I/O Device 1.2 §2.7).
 *
 * Layout (all little-endian):
 *   descriptor table  num x { le64 addr; le32 len; le16 flags; le16 next }
 *   available ring    le16 flags; le16 idx; le16 ring[num]; le16 used_event
 *   used ring         le16 flags; le16 idx; {le32 id; le32 len}[num];
 *                     le16 avail_event
 * A chain is followed through NEXT; an INDIRECT descriptor points to a
 * table of len/16 descriptors walked the same way (§2.7.5.3.2: no nested
 * indirect, no NEXT together with INDIRECT).  A walk visits at most as
 * many descriptors as its table has, which ends loops.
 */
#include "hw/virtio/virtio-queue.h"

#include <string.h>

#include "util/log.h"

#define VIRTQ_MAX_SEGS  (VIRTQ_MAX_SIZE + VIRTQ_MAX_INDIRECT)

static bool vq_read16(PCIDevice *pci, uint64_t addr, uint16_t *v)
{
    uint8_t b[2];

    if (pci_dma_read(pci, addr, b, 2) < 0) {
        return false;
    }
    *v = b[0] | (b[1] << 8);
    return true;
}

static void vq_write16(PCIDevice *pci, uint64_t addr, uint16_t v)
{
    uint8_t b[2] = { v, v >> 8 };

    pci_dma_write(pci, addr, b, 2);
}

void virtqueue_reset(VirtQueue *vq)
{
    *vq = (VirtQueue){ 0 };
}

typedef struct VirtQueueDesc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
} VirtQueueDesc;

static bool vq_read_desc(PCIDevice *pci, uint64_t table, unsigned i,
                         VirtQueueDesc *d)
{
    uint8_t b[16];

    if (pci_dma_read(pci, table + 16ull * i, b, 16) < 0) {
        return false;
    }
    d->addr = 0;
    for (int k = 7; k >= 0; k--) {
        d->addr = (d->addr << 8) | b[k];
    }
    d->len = b[8] | (b[9] << 8) | (b[10] << 16) | ((uint32_t)b[11] << 24);
    d->flags = b[12] | (b[13] << 8);
    d->next = b[14] | (b[15] << 8);
    return true;
}

static bool vq_add_seg(VirtQueueElement *e, const VirtQueueDesc *d)
{
    bool in = d->flags & VRING_DESC_F_WRITE;
    unsigned *n = in ? &e->nin : &e->nout;
    VirtQueueSeg **arr = in ? &e->in : &e->out;

    if (e->nout + e->nin >= VIRTQ_MAX_SEGS) {
        log_guest_error("virtio: chain has more than %d segments",
                        VIRTQ_MAX_SEGS);
        return false;
    }
    /* Arrays grow in powers of two from 8 entries. */
    if (*n >= 8 && !(*n & (*n - 1))) {
        *arr = g_renew(VirtQueueSeg, *arr, 2 * *n);
    }
    if (!in && e->nin) {
        log_guest_error("virtio: readable descriptor after a writable one");
        return false;
    }
    if (in) {
        e->in[e->nin++] = (VirtQueueSeg){ d->addr, d->len };
        e->in_bytes += d->len;
    } else {
        e->out[e->nout++] = (VirtQueueSeg){ d->addr, d->len };
        e->out_bytes += d->len;
    }
    return true;
}

/* Walk the chain starting at @head; false on any malformation. */
static bool vq_walk(VirtQueue *vq, PCIDevice *pci, VirtQueueElement *e)
{
    uint64_t table = vq->desc;
    unsigned max = vq->num;
    unsigned i = e->head;
    unsigned seen = 0;
    bool indirect = false;
    VirtQueueDesc d;

    for (;;) {
        if (i >= max || ++seen > max) {
            log_guest_error("virtio: descriptor %u out of range or loop", i);
            return false;
        }
        if (!vq_read_desc(pci, table, i, &d)) {
            log_guest_error("virtio: descriptor table 0x%" PRIx64
                            " is not RAM", table);
            return false;
        }
        if (d.flags & VRING_DESC_F_INDIRECT) {
            if (indirect || (d.flags & VRING_DESC_F_NEXT) || !d.len ||
                d.len % 16 || d.len / 16 > VIRTQ_MAX_INDIRECT) {
                log_guest_error("virtio: bad indirect descriptor (len %u)",
                                d.len);
                return false;
            }
            indirect = true;
            table = d.addr;
            max = d.len / 16;
            i = 0;
            seen = 0;
            continue;
        }
        if (!vq_add_seg(e, &d)) {
            return false;
        }
        if (!(d.flags & VRING_DESC_F_NEXT)) {
            return true;
        }
        i = d.next;
    }
}

VirtQueuePop virtqueue_pop(VirtQueue *vq, PCIDevice *pci, bool event_idx,
                           VirtQueueElement *elem)
{
    uint16_t avail_idx, head;

    memset(elem, 0, sizeof(*elem));
    if (!vq->ready || !vq->num || vq->broken) {
        return VIRTQ_POP_EMPTY;
    }
    if (!vq_read16(pci, vq->avail + 2, &avail_idx)) {
        log_guest_error("virtio: available ring 0x%" PRIx64 " is not RAM",
                        vq->avail);
        vq->broken = true;
        return VIRTQ_POP_BROKEN;
    }
    if ((uint16_t)(avail_idx - vq->last_avail) > vq->num) {
        log_guest_error("virtio: available idx moved by %u (size %u)",
                        (uint16_t)(avail_idx - vq->last_avail), vq->num);
        vq->broken = true;
        return VIRTQ_POP_BROKEN;
    }
    if (avail_idx == vq->last_avail) {
        return VIRTQ_POP_EMPTY;
    }
    /* Read the ring entry only after seeing idx (§2.7.13.2). */
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    if (!vq_read16(pci, vq->avail + 4 + 2 * (vq->last_avail % vq->num),
                   &head)) {
        vq->broken = true;
        return VIRTQ_POP_BROKEN;
    }
    vq->last_avail++;
    if (event_idx) {
        vq_write16(pci, vq->used + 4 + 8 * vq->num, vq->last_avail);
    }
    elem->head = head;
    elem->out = g_new(VirtQueueSeg, 8);
    elem->in = g_new(VirtQueueSeg, 8);
    if (!vq_walk(vq, pci, elem)) {
        return VIRTQ_POP_BAD_CHAIN;
    }
    return VIRTQ_POP_OK;
}

void virtqueue_elem_free(VirtQueueElement *elem)
{
    g_free(elem->out);
    g_free(elem->in);
    elem->out = elem->in = NULL;
}

void virtqueue_push(VirtQueue *vq, PCIDevice *pci, uint16_t head,
                    uint32_t len)
{
    uint8_t b[8] = { head, head >> 8, 0, 0, len, len >> 8, len >> 16,
                     len >> 24 };

    if (!vq->num) {
        return;
    }
    pci_dma_write(pci, vq->used + 4 + 8 * (vq->used_idx % vq->num), b, 8);
    /* The element must be visible before the index (§2.7.8). */
    __atomic_thread_fence(__ATOMIC_RELEASE);
    vq->used_idx++;
    vq_write16(pci, vq->used + 2, vq->used_idx);
}

/* §2.7.10: interrupt when used idx passed used_event since last time. */
static bool vring_need_event(uint16_t event, uint16_t new_idx, uint16_t old)
{
    return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old);
}

bool virtqueue_should_notify(VirtQueue *vq, PCIDevice *pci, bool event_idx)
{
    uint16_t v;

    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (event_idx) {
        /* The used index starts at 0 with the queue, so the last value
         * signalled starts there too. */
        uint16_t old = vq->signalled_used;

        vq->signalled_used = vq->used_idx;
        if (!vq_read16(pci, vq->avail + 4 + 2 * vq->num, &v)) {
            return true;
        }
        return vring_need_event(v, vq->used_idx, old);
    }
    if (!vq_read16(pci, vq->avail, &v)) {
        return true;
    }
    return !(v & VRING_AVAIL_F_NO_INTERRUPT);
}
