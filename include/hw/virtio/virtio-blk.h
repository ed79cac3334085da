/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-blk-pci: a transitional virtio block device (hw/virtio/virtio-blk.c).
 */
#ifndef HW_VIRTIO_VIRTIO_BLK_H
#define HW_VIRTIO_VIRTIO_BLK_H

#include <glib.h>

#include "hw/ide/disk-attach.h"
#include "hw/virtio/virtio-pci.h"

/**
 * struct VirtIOBlockState - a virtio-blk-pci function.
 * Properties: drive, serial (GET_ID, 20 bytes), num-queues, vectors
 * (MSI-X), bootindex, config-wce, discard, write-zeroes, werror/rerror
 * ("auto" or unset: the -drive policy).
 * @retry: requests a "stop" error policy kept, in submission order.
 * @gen: bumped by a device reset; older completions are dropped.
 */
typedef struct VirtIOBlockState {
    VirtIOPCIState vp;
    /* properties */
    char *drive;
    char *serial;
    uint64_t num_queues;
    int64_t bootindex;
    int64_t vectors;
    char *werror;
    char *rerror;
    bool config_wce;
    bool discard;
    bool write_zeroes;
    /* guest-visible state */
    bool wce;
    /* host plumbing */
    DiskAttach attach;
    uint64_t capacity;
    uint64_t gen;
    uint64_t seq;
    GList *retry;
    unsigned inflight;
} VirtIOBlockState;

extern const PCIDeviceClass virtio_blk_pci_class;

#endif /* HW_VIRTIO_VIRTIO_BLK_H */
