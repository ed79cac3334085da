/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internal snapshots over QMP: blockdev-snapshot-internal-sync and
 * blockdev-snapshot-delete-internal-sync, through the format driver's
 * snapshot table (qcow2), with QEMU 7.2's checks and messages.
 */
#include <time.h>

#include "monitor-internal.h"

#include "block/block-backend.h"
#include "block/block-int.h"
#include "block/job.h"
#include "qapi/qapi-commands.h"

static BlockDriverState *qmp_snapshot_bs(const char *device, Error **errp)
{
    BlockBackend *blk = blk_by_name(device);
    BlockDriverState *bs = blk ? blk_bs(blk) : bdrv_find_node(device);

    if (!bs) {
        error_setg(errp, "Cannot find device='%s' nor node-name='%s'",
                   device, device);
        return NULL;
    }
    if (!bs->drv->snapshot_create || !bs->drv->snapshot_list) {
        error_setg(errp, "Block format '%s' used by device '%s' does not "
                   "support internal snapshots", bdrv_get_format_name(bs),
                   device);
        return NULL;
    }
    if (bdrv_is_read_only(bs)) {
        error_setg(errp, "Device '%s' is read only", device);
        return NULL;
    }
    if (block_job_node_busy(bs)) {
        error_setg(errp, "Node '%s' is busy: block device is in use by "
                   "block job", bdrv_get_node_name(bs));
        return NULL;
    }
    return bs;
}

/* Index of the snapshot matching @id and/or @name in @l, or -1. */
static int qmp_snapshot_find(BlockSnapshotInfo *l, int n, const char *id,
                             const char *name)
{
    for (int i = 0; i < n; i++) {
        if ((!id || !strcmp(l[i].id_str, id)) &&
            (!name || !strcmp(l[i].name, name))) {
            return i;
        }
    }
    return -1;
}

void qmp_blockdev_snapshot_internal_sync(const char *device,
                                         const char *name, Error **errp)
{
    BlockDriverState *bs = qmp_snapshot_bs(device, errp);
    BlockSnapshotInfo *l = NULL, sn = { 0 };
    struct timespec ts;
    int n, ret;

    if (!bs) {
        return;
    }
    if (!name[0]) {
        error_setg(errp, "Name is empty");
        return;
    }
    n = bs->drv->snapshot_list(bs, &l);
    if (n >= 0 && qmp_snapshot_find(l, n, NULL, name) >= 0) {
        error_setg(errp, "Snapshot with name '%s' already exists on device "
                   "'%s'", name, device);
        g_free(l);
        return;
    }
    g_free(l);
    clock_gettime(CLOCK_REALTIME, &ts);
    g_strlcpy(sn.name, name, sizeof(sn.name));
    sn.date_sec = (uint32_t)ts.tv_sec;
    sn.date_nsec = (uint32_t)ts.tv_nsec;
    sn.icount = UINT64_MAX;
    bdrv_drain(bs);
    ret = bs->drv->snapshot_create(bs, &sn);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Failed to create snapshot '%s' on "
                         "device '%s'", name, device);
    }
}

SnapshotInfo *qmp_blockdev_snapshot_delete_internal_sync(
    const char *device, bool has_id, const char *id, bool has_name,
    const char *name, Error **errp)
{
    BlockDriverState *bs = qmp_snapshot_bs(device, errp);
    BlockSnapshotInfo *l = NULL;
    SnapshotInfo *info;
    int n, i;

    if (!bs) {
        return NULL;
    }
    if (!has_id && !has_name) {
        error_setg(errp, "Name or id must be provided");
        return NULL;
    }
    n = bs->drv->snapshot_list(bs, &l);
    i = n < 0 ? -1 : qmp_snapshot_find(l, n, has_id ? id : NULL,
                                       has_name ? name : NULL);
    if (i < 0) {
        error_setg(errp, "Snapshot with id '%s' and name '%s' does not "
                   "exist on device '%s'", has_id ? id : "(null)",
                   has_name ? name : "(null)", device);
        g_free(l);
        return NULL;
    }
    bdrv_drain(bs);
    if (bs->drv->snapshot_delete(bs, l[i].id_str, errp) < 0) {
        g_free(l);
        return NULL;
    }
    info = g_new0(SnapshotInfo, 1);
    info->id = g_strdup(l[i].id_str);
    info->name = g_strdup(l[i].name);
    info->vm_state_size = (int64_t)l[i].vm_state_size;
    info->date_sec = l[i].date_sec;
    info->date_nsec = l[i].date_nsec;
    info->vm_clock_sec = (int64_t)(l[i].vm_clock_nsec / 1000000000ull);
    info->vm_clock_nsec = (int64_t)(l[i].vm_clock_nsec % 1000000000ull);
    g_free(l);
    return info;
}
