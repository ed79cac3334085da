/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "drive" property of disk devices: backend lookup, claiming, and the
 * QMP names (include/hw/ide/disk-attach.h).
 */
#include "hw/ide/disk-attach.h"

#include <string.h>

#include "block/block.h"
#include "hw/core/machine.h"

static BlockBackend *disk_find_backend(const char *drive, Error **errp)
{
    BlockBackend *blk = blk_by_name(drive);
    BlockDriverState *bs;

    if (blk) {
        blk_ref(blk);
        return blk;
    }
    bs = bdrv_find_node(drive);
    if (!bs) {
        return NULL;
    }
    blk = blk_new("", errp);
    if (blk && !blk_insert_bs(blk, bs, errp)) {
        blk_unref(blk);
        return NULL;
    }
    return blk;
}

bool disk_attach(DiskAttach *a, Device *dev, const char *drive,
                 const char *suffix, bool need_medium, Error **errp)
{
    BlockBackend *blk;

    *a = (DiskAttach){ 0 };
    if (!drive) {
        if (need_medium) {
            error_setg(errp, "drive property not set");
            return false;
        }
    } else {
        blk = disk_find_backend(drive, errp);
        if (!blk) {
            error_setg(errp, "Property '%s.drive' can't find value '%s'",
                       dev->cls->name, drive);
            return false;
        }
        if (blk_get_qdev(blk)) {
            blk_unref(blk);
            error_setg(errp, "Drive '%s' is already in use by another "
                       "device", drive);
            return false;
        }
        if (need_medium && !blk_is_inserted(blk)) {
            blk_unref(blk);
            error_setg(errp, "Device needs media, but drive is empty");
            return false;
        }
        a->blk = blk;
    }
    if (dev->id) {
        a->qom_path = g_strdup_printf("/machine/peripheral/%s", dev->id);
        a->qdev = g_strdup(dev->id);
    } else {
        a->qom_path = g_strdup_printf("/machine/unattached/device[%u]",
                                      dev->machine->devices->len);
        a->qdev = g_strdup(a->qom_path);
    }
    if (a->blk) {
        g_autofree char *path = g_strconcat(a->qom_path, suffix, NULL);

        /* A guest disk refuses other writers (QEMU without share-rw). */
        if (!blk_set_perm(a->blk, BLK_PERM_CONSISTENT_READ |
                          (blk_is_read_only(a->blk) ? 0 : BLK_PERM_WRITE),
                          BLK_PERM_ALL & ~BLK_PERM_WRITE, errp)) {
            g_clear_pointer(&a->blk, blk_unref);
            g_clear_pointer(&a->qom_path, g_free);
            g_clear_pointer(&a->qdev, g_free);
            return false;
        }
        blk_attach_dev(a->blk, a->qdev, path);
    }
    return true;
}

bool disk_attach_empty(DiskAttach *a, Error **errp)
{
    a->blk = blk_new("", errp);
    if (!a->blk) {
        return false;
    }
    blk_attach_dev(a->blk, a->qdev, a->qom_path);
    return true;
}

bool disk_apply_error_policy(DiskAttach *a, const char *werror,
                             const char *rerror, Error **errp)
{
    BlockdevOnError w, r;

    if (!a->blk) {
        return true;
    }
    w = blk_get_on_error(a->blk, false);
    r = blk_get_on_error(a->blk, true);
    if ((werror && strcmp(werror, "auto") &&
         !blockdev_on_error_parse(werror, false, &w, errp)) ||
        (rerror && strcmp(rerror, "auto") &&
         !blockdev_on_error_parse(rerror, true, &r, errp))) {
        return false;
    }
    blk_set_on_error(a->blk, r, w);
    return true;
}

bool disk_check_bootindex(Device *dev, int64_t bootindex, Error **errp)
{
    GPtrArray *devs = dev->machine->devices;

    for (guint i = 0; bootindex >= 0 && i < devs->len; i++) {
        struct json_object *v = device_get_prop(devs->pdata[i], "bootindex");
        bool same = v && devs->pdata[i] != dev &&
                    json_object_get_int64(v) == bootindex;

        json_object_put(v);
        if (same) {
            error_setg(errp, "The bootindex %" PRId64 " has already been "
                       "used", bootindex);
            return false;
        }
    }
    return true;
}

void disk_detach(DiskAttach *a)
{
    if (a->blk) {
        blk_drain(a->blk);
        blk_detach_dev(a->blk);
        blk_unref(a->blk);
    }
    g_free(a->qom_path);
    g_free(a->qdev);
    *a = (DiskAttach){ 0 };
}
