/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What every disk device model (ide-hd, ide-cd, virtio-blk-pci) does with
 * its "drive" property: find the block backend it names (a -drive id, or
 * the node name of a -blockdev, which gets an anonymous backend), claim
 * it, and name the device the way QMP shows it (query-block "qdev",
 * BLOCK_IO_ERROR "qom-path").
 *
 * QOM paths follow QEMU's layout: a device with id= is
 * "/machine/peripheral/ID", one without is "/machine/unattached/device[N]"
 * with N its position in the machine's device list.  virtio-blk appends
 * "/virtio-backend" (the virtio device inside the PCI proxy).
 */
#ifndef HW_IDE_DISK_ATTACH_H
#define HW_IDE_DISK_ATTACH_H

#include "block/block-backend.h"
#include "hw/core/device.h"

/**
 * struct DiskAttach - a device's hold on its backend.
 * @blk: the backend (a reference is held).
 * @qom_path: the device's QOM path (owned).
 * @qdev: the QMP "qdev" value: the id, or the QOM path (owned).
 */
typedef struct DiskAttach {
    BlockBackend *blk;
    char *qom_path;
    char *qdev;
} DiskAttach;

/**
 * disk_attach() - resolve @drive for @dev and claim it.
 * @suffix: appended to the device's QOM path for the event ("" or
 *          "/virtio-backend").
 * @need_medium: fail when the backend has no root node (ide-hd, virtio).
 * Errors: "Property 'ide-hd.drive' can't find value 'x'",
 * "Drive 'x' is already in use by another device", "Device needs media,
 * but drive is empty".
 */
bool disk_attach(DiskAttach *a, Device *dev, const char *drive,
                 const char *suffix, bool need_medium, Error **errp);

/**
 * disk_apply_error_policy() - the device properties werror/rerror: NULL
 * or "auto" keeps the backend's (-drive) policy, anything else replaces
 * it.  Errors as -drive words them ("'x' invalid write error action").
 */
bool disk_apply_error_policy(DiskAttach *a, const char *werror,
                             const char *rerror, Error **errp);

/**
 * disk_attach_empty() - give a device that has no drive= (an empty
 * ide-cd) an anonymous backend without a medium, attached under the
 * names disk_attach() chose, so QMP can find it by id.
 */
bool disk_attach_empty(DiskAttach *a, Error **errp);

/**
 * disk_check_bootindex() - refuse a @bootindex (>= 0) another device of
 * the machine already has: "The bootindex N has already been used".
 */
bool disk_check_bootindex(Device *dev, int64_t bootindex, Error **errp);

/** disk_detach() - release the backend and the names (NULL-safe). */
void disk_detach(DiskAttach *a);

#endif /* HW_IDE_DISK_ATTACH_H */
