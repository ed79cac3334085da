/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Removable media over QMP (schema module block-removable): eject,
 * blockdev-open-tray, blockdev-close-tray, blockdev-remove-medium,
 * blockdev-insert-medium, blockdev-change-medium, and the removable /
 * locked / tray_open members of query-block.
 *
 * The drive's device model answers through the removable-media half of
 * BlockDevOps (include/block/block-backend.h): a device with
 * change_media_cb is "removable", one with is_tray_open "has a tray".
 * A backend with no device attached counts as removable and tray-less,
 * so its medium can be swapped at will, as in QEMU.
 *
 * Order of the steps and the error texts follow QEMU 7.2's blockdev.c
 * behaviour: opening a locked tray without force sends the guest an eject
 * request and fails with "Device 'x' is locked and force was not
 * specified, wait for tray to open and try again" (blockdev-open-tray
 * swallows that error; eject and blockdev-change-medium report it).
 * A tray-less device is told of removal and insertion directly.
 */
#include "monitor-internal.h"

#include <errno.h>
#include <string.h>

#include "block/block-backend.h"
#include "block/block-int.h"
#include "block/block.h"
#include "hw/core/device.h"
#include "hw/core/machine.h"
#include "qapi/qapi-commands.h"
#include "qapi/qapi-events.h"

/* ---- the device behind a backend ---------------------------------- */

static const BlockDevOps *rm_ops(BlockBackend *blk, void **opaque)
{
    return blk_get_dev_ops(blk, opaque);
}

static bool rm_has_device(BlockBackend *blk)
{
    return blk_get_qdev(blk) != NULL;
}

static bool rm_is_removable(BlockBackend *blk)
{
    void *opaque;
    const BlockDevOps *ops = rm_ops(blk, &opaque);

    return !rm_has_device(blk) || (ops && ops->change_media_cb);
}

static bool rm_has_tray(BlockBackend *blk)
{
    void *opaque;
    const BlockDevOps *ops = rm_ops(blk, &opaque);

    return ops && ops->is_tray_open;
}

static bool rm_is_tray_open(BlockBackend *blk)
{
    void *opaque;
    const BlockDevOps *ops = rm_ops(blk, &opaque);

    return ops && ops->is_tray_open && ops->is_tray_open(opaque);
}

static bool rm_is_locked(BlockBackend *blk)
{
    void *opaque;
    const BlockDevOps *ops = rm_ops(blk, &opaque);

    return ops && ops->is_medium_locked && ops->is_medium_locked(opaque);
}

/* The device sees the medium go (@load false) or come (@load true). */
static void rm_change_media(BlockBackend *blk, bool load)
{
    void *opaque;
    const BlockDevOps *ops = rm_ops(blk, &opaque);

    if (ops && ops->change_media_cb) {
        ops->change_media_cb(opaque, load);
    }
}

static void rm_eject_request(BlockBackend *blk, bool force)
{
    void *opaque;
    const BlockDevOps *ops = rm_ops(blk, &opaque);

    if (ops && ops->eject_request_cb) {
        ops->eject_request_cb(opaque, force);
    }
}

void qmp_removable_fill_info(BlockBackend *blk, BlockInfo *info)
{
    info->removable = rm_is_removable(blk);
    info->locked = rm_is_locked(blk);
    if (rm_has_tray(blk)) {
        info->has_tray_open = true;
        info->tray_open = rm_is_tray_open(blk);
    }
}

/* ---- lookup ---------------------------------------------------------- */

/* The backend of the device @id (its id, or its QOM path). */
static BlockBackend *rm_blk_by_qdev_id(const char *id, Error **errp)
{
    Machine *m = machine_current();
    bool found = m && device_find(m, id);

    for (BlockBackend *blk = blk_next(NULL); blk; blk = blk_next(blk)) {
        const char *qdev = blk_get_qdev(blk);

        if (qdev && !strcmp(qdev, id)) {
            return blk;
        }
    }
    if (found) {
        error_setg(errp, "Device '%s' does not have a block device backend",
                   id);
    } else {
        error_set_class(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                        "Device '%s' not found", id);
    }
    return NULL;
}

static BlockBackend *rm_get_blk(const char *device, const char *id,
                                Error **errp)
{
    BlockBackend *blk;

    if (!device == !id) {
        error_setg(errp, "Need exactly one of 'device' and 'id'");
        return NULL;
    }
    if (id) {
        return rm_blk_by_qdev_id(id, errp);
    }
    blk = blk_by_name(device);
    if (!blk) {
        error_set_class(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                        "Device '%s' not found", device);
    }
    return blk;
}

/* ---- the four steps ---------------------------------------------------- */

/*
 * Open the tray.  0 on success; -ENOSYS for a tray-less device and
 * -EINPROGRESS for a locked tray without @force (the guest got an eject
 * request), both with *errp set; other -errno on failure.
 */
static int rm_open_tray(const char *device, const char *id, bool force,
                        Error **errp)
{
    BlockBackend *blk = rm_get_blk(device, id, errp);
    const char *name = id ? id : device;
    bool locked;

    if (!blk) {
        return -ENODEV;
    }
    if (!rm_is_removable(blk)) {
        error_setg(errp, "Device '%s' is not removable", name);
        return -ENOTSUP;
    }
    if (!rm_has_tray(blk)) {
        error_setg(errp, "Device '%s' does not have a tray", name);
        return -ENOSYS;
    }
    if (rm_is_tray_open(blk)) {
        return 0;
    }
    locked = rm_is_locked(blk);
    if (locked) {
        rm_eject_request(blk, force);
    }
    if (!locked || force) {
        rm_change_media(blk, false);
    }
    if (locked && !force) {
        error_setg(errp, "Device '%s' is locked and force was not "
                   "specified, wait for tray to open and try again", name);
        return -EINPROGRESS;
    }
    return 0;
}

void qmp_blockdev_open_tray(bool has_device, const char *device,
                            bool has_id, const char *id, bool has_force,
                            bool force, Error **errp)
{
    Error *err = NULL;
    int rc = rm_open_tray(has_device ? device : NULL, has_id ? id : NULL,
                          has_force && force, &err);

    if (rc && rc != -ENOSYS && rc != -EINPROGRESS) {
        error_propagate(errp, err);
        return;
    }
    error_free(err);
}

void qmp_blockdev_close_tray(bool has_device, const char *device,
                             bool has_id, const char *id, Error **errp)
{
    BlockBackend *blk = rm_get_blk(has_device ? device : NULL,
                                   has_id ? id : NULL, errp);

    if (!blk) {
        return;
    }
    if (!rm_is_removable(blk)) {
        error_setg(errp, "Device '%s' is not removable",
                   has_id ? id : device);
        return;
    }
    if (rm_has_tray(blk) && rm_is_tray_open(blk)) {
        rm_change_media(blk, true);
    }
}

static void rm_remove_medium(const char *device, const char *id,
                             Error **errp)
{
    BlockBackend *blk = rm_get_blk(device, id, errp);
    const char *name = id ? id : device;

    if (!blk) {
        return;
    }
    if (rm_has_device(blk) && !rm_is_removable(blk)) {
        error_setg(errp, "Device '%s' is not removable", name);
        return;
    }
    if (rm_has_device(blk) && rm_has_tray(blk) && !rm_is_tray_open(blk)) {
        error_setg(errp, "Tray of device '%s' is not open", name);
        return;
    }
    if (!blk_is_inserted(blk)) {
        return;
    }
    blk_remove_bs(blk);
    if (!rm_has_tray(blk)) {
        rm_change_media(blk, false);
    }
}

void qmp_blockdev_remove_medium(bool has_device, const char *device,
                                bool has_id, const char *id, Error **errp)
{
    rm_remove_medium(has_device ? device : NULL, has_id ? id : NULL, errp);
}

void qmp_eject(bool has_device, const char *device, bool has_id,
               const char *id, bool has_force, bool force, Error **errp)
{
    Error *err = NULL;
    int rc = rm_open_tray(has_device ? device : NULL, has_id ? id : NULL,
                          has_force && force, &err);

    if (rc && rc != -ENOSYS) {
        error_propagate(errp, err);
        return;
    }
    error_free(err);
    rm_remove_medium(has_device ? device : NULL, has_id ? id : NULL, errp);
}

static bool rm_insert(BlockBackend *blk, BlockDriverState *bs, Error **errp)
{
    if (rm_has_device(blk) && !rm_is_removable(blk)) {
        error_setg(errp, "Device is not removable");
        return false;
    }
    if (rm_has_device(blk) && rm_has_tray(blk) && !rm_is_tray_open(blk)) {
        error_setg(errp, "Tray of the device is not open");
        return false;
    }
    if (blk_is_inserted(blk)) {
        error_setg(errp, "There already is a medium in the device");
        return false;
    }
    if (!blk_insert_bs(blk, bs, errp)) {
        return false;
    }
    if (!rm_has_tray(blk)) {
        rm_change_media(blk, true);
    }
    return true;
}

/* Whether some backend already has @bs as its root. */
static bool rm_node_in_use(BlockDriverState *bs)
{
    for (BlockBackend *blk = blk_next(NULL); blk; blk = blk_next(blk)) {
        if (blk_bs(blk) == bs) {
            return true;
        }
    }
    return false;
}

void qmp_blockdev_insert_medium(bool has_device, const char *device,
                                bool has_id, const char *id,
                                const char *node_name, Error **errp)
{
    BlockBackend *blk = rm_get_blk(has_device ? device : NULL,
                                   has_id ? id : NULL, errp);
    BlockDriverState *bs;

    if (!blk) {
        return;
    }
    bs = bdrv_find_node(node_name);
    if (!bs) {
        error_setg(errp, "Node '%s' not found", node_name);
        return;
    }
    if (rm_node_in_use(bs)) {
        error_setg(errp, "Node '%s' is already in use", node_name);
        return;
    }
    rm_insert(blk, bs, errp);
}

/* ---- the one-step change ---------------------------------------------- */

/* Open flags for the new medium: those of the old one unless told. */
static int rm_change_flags(BlockBackend *blk, bool has_mode,
                           BlockdevChangeReadOnlyMode mode)
{
    BlockDriverState *old = blk_bs(blk);
    int flags;

    if (old) {
        flags = old->open_flags & (BDRV_O_RDWR | BDRV_O_NOCACHE |
                                   BDRV_O_NO_FLUSH | BDRV_O_UNMAP);
    } else {
        /* An empty drive with a tray is a CD-ROM: read-only media. */
        flags = rm_has_tray(blk) ? 0 : BDRV_O_RDWR;
    }
    if (has_mode && mode == BLOCKDEV_CHANGE_READ_ONLY_MODE_READ_ONLY) {
        flags &= ~BDRV_O_RDWR;
    } else if (has_mode && mode == BLOCKDEV_CHANGE_READ_ONLY_MODE_READ_WRITE) {
        flags |= BDRV_O_RDWR;
    }
    return flags;
}

void qmp_blockdev_change_medium(bool has_device, const char *device,
                                bool has_id, const char *id,
                                const char *filename, bool has_format,
                                const char *format, bool has_force,
                                bool force, bool has_read_only_mode,
                                BlockdevChangeReadOnlyMode read_only_mode,
                                Error **errp)
{
    const char *dev = has_device ? device : NULL;
    const char *qid = has_id ? id : NULL;
    BlockBackend *blk = rm_get_blk(dev, qid, errp);
    struct json_object *opts;
    BlockDriverState *bs;
    Error *err = NULL;
    int rc;

    if (!blk) {
        return;
    }
    opts = json_object_new_object();
    if (has_format) {
        json_object_object_add(opts, "driver",
                               json_object_new_string(format));
    }
    bs = bdrv_open(filename, opts,
                   rm_change_flags(blk, has_read_only_mode, read_only_mode),
                   errp);
    json_object_put(opts);
    if (!bs) {
        return;
    }
    rc = rm_open_tray(dev, qid, has_force && force, &err);
    if (rc && rc != -ENOSYS) {
        error_propagate(errp, err);
        goto out;
    }
    error_free(err);
    err = NULL;
    rm_remove_medium(dev, qid, &err);
    if (err || !rm_insert(blk, bs, &err)) {
        error_propagate(errp, err);
        goto out;
    }
    qmp_blockdev_close_tray(has_device, device, has_id, id, errp);
out:
    bdrv_unref(bs);
}
