/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Split virtqueues (Virtual I/O Device 1.2, OASIS, §2.7 "Split
 * Virtqueues"): descriptor table, available ring, used ring, indirect
 * descriptors (§2.7.5.3) and event index suppression (§2.7.7, §2.7.10).
 *
 * The device side only: pop a descriptor chain as lists of guest
 * physical segments (driver-readable "out", then driver-writable "in"),
 * push the chain back as used, and decide whether to interrupt.  Every
 * ring and descriptor access goes through the PCI function's bus-master
 * DMA, so a ring outside RAM or with bus mastering off reads as an error.
 */
#ifndef HW_VIRTIO_VIRTIO_QUEUE_H
#define HW_VIRTIO_VIRTIO_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/pci/pci.h"

#define VIRTQ_MAX_SIZE          256
#define VIRTQ_MAX_INDIRECT      1024    /* descriptors in one indirect table */

#define VRING_DESC_F_NEXT       1
#define VRING_DESC_F_WRITE      2
#define VRING_DESC_F_INDIRECT   4
#define VRING_AVAIL_F_NO_INTERRUPT 1

/**
 * struct VirtQueue - one split ring as the driver configured it.
 * @num: queue size (power of two, <= VIRTQ_MAX_SIZE); 0 = not set up.
 * @ready: the driver enabled it (modern queue_enable, legacy PFN != 0).
 * @desc/@avail/@used: guest physical addresses of the three areas.
 * @last_avail: next available-ring slot the device will read.
 * @used_idx: the used ring's idx as the device last wrote it.
 * @signalled_used: used idx at the last interrupt decision (event index).
 * @pfn: the legacy interface's queue PFN register.
 */
typedef struct VirtQueue {
    uint16_t num;
    bool ready;
    uint64_t desc;
    uint64_t avail;
    uint64_t used;
    uint16_t last_avail;
    uint16_t used_idx;
    uint16_t signalled_used;
    uint32_t pfn;
    bool broken;
} VirtQueue;

/* One guest buffer segment of a chain. */
typedef struct VirtQueueSeg {
    uint64_t addr;
    uint32_t len;
} VirtQueueSeg;

/**
 * struct VirtQueueElement - a popped chain.
 * @head: the head descriptor index (what the used ring returns).
 * @out/@nout: driver-readable segments; @in/@nin: driver-writable ones.
 * @out_bytes/@in_bytes: their totals.
 */
typedef struct VirtQueueElement {
    uint16_t head;
    VirtQueueSeg *out;
    VirtQueueSeg *in;
    unsigned nout;
    unsigned nin;
    uint64_t out_bytes;
    uint64_t in_bytes;
} VirtQueueElement;

/** Results of virtqueue_pop(). */
typedef enum VirtQueuePop {
    VIRTQ_POP_EMPTY = 0,    /* nothing available */
    VIRTQ_POP_OK,           /* @elem holds a chain */
    VIRTQ_POP_BAD_CHAIN,    /* malformed chain: push @elem->head with 0 */
    VIRTQ_POP_BROKEN,       /* the ring itself is unusable: stop */
} VirtQueuePop;

/** virtqueue_reset() - forget the configuration (device reset). */
void virtqueue_reset(VirtQueue *vq);

/**
 * virtqueue_pop() - take the next available chain.  Malformed chains
 * (descriptor outside RAM, loops, nested or empty indirect tables,
 * writable before readable, too many segments) are logged as guest errors.
 * @event_idx: VIRTIO_RING_F_EVENT_IDX was negotiated (publish avail_event).
 * The caller frees @elem with virtqueue_elem_free().
 */
VirtQueuePop virtqueue_pop(VirtQueue *vq, PCIDevice *pci, bool event_idx,
                           VirtQueueElement *elem);

/** virtqueue_elem_free() - release the segment arrays. */
void virtqueue_elem_free(VirtQueueElement *elem);

/** virtqueue_push() - return chain @head with @len bytes written. */
void virtqueue_push(VirtQueue *vq, PCIDevice *pci, uint16_t head,
                    uint32_t len);

/**
 * virtqueue_should_notify() - after pushes: whether the driver wants an
 * interrupt now (NO_INTERRUPT flag, or used_event with @event_idx).
 */
bool virtqueue_should_notify(VirtQueue *vq, PCIDevice *pci, bool event_idx);

#endif /* HW_VIRTIO_VIRTIO_QUEUE_H */
