/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Block job QMP (schema module block-core, jobs section): query-block-jobs,
 * the block-job-* verbs, block-stream, block-commit, blockdev-snapshot-sync,
 * change-backing-file and block_passwd.  Argument checks and error
 * strings follow QEMU 7.2 (BLOCK-QMP-REFERENCE.md section 6).
 */
#include "monitor-internal.h"

#include "block/block-backend.h"
#include "block/block-int.h"
#include "block/job-drivers.h"
#include "block/job-graph.h"
#include "block/qcow2/qcow2-bdrv.h"
#include "qapi/qapi-commands.h"

static BlockJob *qmp_job_get(const char *id, Error **errp)
{
    BlockJob *job = block_job_find(id);

    if (!job) {
        error_set_class(errp, ERROR_CLASS_DEVICE_NOT_ACTIVE,
                        "Block job '%s' not found", id);
    }
    return job;
}

/* The block-job-* verbs that only name the job: look it up, apply @verb. */
static void qmp_job_verb(const char *id,
                         bool (*verb)(BlockJob *job, Error **errp),
                         Error **errp)
{
    BlockJob *job = qmp_job_get(id, errp);

    if (job) {
        verb(job, errp);
    }
}

BlockJobInfoList *qmp_query_block_jobs(Error **errp)
{
    BlockJobInfoList *head = NULL, **tail = &head;

    for (BlockJob *job = block_job_next(NULL); job;
         job = block_job_next(job)) {
        *tail = g_new0(BlockJobInfoList, 1);
        (*tail)->value = block_job_info(job);
        tail = &(*tail)->next;
    }
    return head;
}

void qmp_block_job_set_speed(const char *device, int64_t speed,
                             Error **errp)
{
    BlockJob *job = qmp_job_get(device, errp);

    if (job) {
        block_job_set_speed(job, speed, errp);
    }
}

void qmp_block_job_cancel(const char *device, bool has_force, bool force,
                          Error **errp)
{
    BlockJob *job = qmp_job_get(device, errp);

    if (!job) {
        return;
    }
    if (job->user_paused && !(has_force && force)) {
        error_setg(errp, "The block job for device '%s' is currently paused",
                   device);
        return;
    }
    block_job_user_cancel(job, has_force && force, errp);
}

void qmp_block_job_pause(const char *device, Error **errp)
{
    qmp_job_verb(device, block_job_user_pause, errp);
}

void qmp_block_job_resume(const char *device, Error **errp)
{
    qmp_job_verb(device, block_job_user_resume, errp);
}

void qmp_block_job_complete(const char *device, Error **errp)
{
    qmp_job_verb(device, block_job_complete, errp);
}

void qmp_block_job_finalize(const char *id, Error **errp)
{
    qmp_job_verb(id, block_job_finalize, errp);
}

void qmp_block_job_dismiss(const char *id, Error **errp)
{
    qmp_job_verb(id, block_job_dismiss, errp);
}

/* ---- starting jobs --------------------------------------------------- */

/* A new job on @bs fails while another job uses it (QEMU's message). */
static bool qmp_job_node_busy(BlockDriverState *bs, Error **errp)
{
    BlockJob *job = block_job_node_busy(bs);

    if (job) {
        error_setg(errp, "Node '%s' is busy: block device is in use by "
                   "block job: %s", bdrv_get_node_name(bs),
                   JobType_str(job->drv->type));
    }
    return job != NULL;
}

/* QEMU's bdrv_lookup_bs() for a job's device argument. */
static BlockDriverState *qmp_job_device(const char *device, Error **errp)
{
    BlockBackend *blk = blk_by_name(device);
    BlockDriverState *bs;

    if (blk) {
        if (!blk_bs(blk)) {
            error_setg(errp, "Device '%s' has no medium", device);
        }
        return blk_bs(blk);
    }
    bs = bdrv_find_node(device);
    if (!bs) {
        error_setg(errp, "Cannot find device='%s' nor node-name='%s'",
                   device, device);
    }
    return bs;
}

/* A node of @top's chain by file name (QEMU's bdrv_find_backing_image). */
static BlockDriverState *qmp_chain_by_file(BlockDriverState *top,
                                           const char *file)
{
    for (BlockDriverState *b = top; b; b = bdrv_get_backing(b)) {
        if (!strcmp(bdrv_get_filename(b), file)) {
            return b;
        }
    }
    for (BlockDriverState *p = top; p && bdrv_get_backing(p);
         p = bdrv_get_backing(p)) {
        if (!strcmp(p->backing_file, file)) {
            return bdrv_get_backing(p);
        }
    }
    return NULL;
}

static void qmp_job_common(BlockJobCommon *c, bool has_job_id,
                           const char *job_id, bool has_speed, int64_t speed,
                           bool has_on_error, BlockdevOnErrorJob on_error,
                           bool has_auto_finalize, bool auto_finalize,
                           bool has_auto_dismiss, bool auto_dismiss)
{
    c->job_id = has_job_id ? job_id : NULL;
    c->speed = has_speed ? speed : 0;
    c->on_error = has_on_error ? on_error : BLOCKDEV_ON_ERROR_JOB_REPORT;
    c->auto_finalize = has_auto_finalize ? auto_finalize : true;
    c->auto_dismiss = has_auto_dismiss ? auto_dismiss : true;
}

void qmp_block_stream(bool has_job_id, const char *job_id,
                      const char *device, bool has_base, const char *base,
                      bool has_base_node, const char *base_node,
                      bool has_backing_file, const char *backing_file,
                      bool has_speed, int64_t speed, bool has_on_error,
                      BlockdevOnErrorJob on_error, bool has_auto_finalize,
                      bool auto_finalize, bool has_auto_dismiss,
                      bool auto_dismiss, Error **errp)
{
    BlockJobCommon c;
    BlockDriverState *bs, *base_bs = NULL;

    qmp_job_common(&c, has_job_id, job_id, has_speed, speed, has_on_error,
                   on_error, has_auto_finalize, auto_finalize,
                   has_auto_dismiss, auto_dismiss);
    if (has_base && has_base_node) {
        error_setg(errp, "'base' and 'base-node' cannot be specified at "
                   "the same time");
        return;
    }
    bs = qmp_job_device(device, errp);
    if (!bs) {
        return;
    }
    if (has_base) {
        base_bs = qmp_chain_by_file(bs, base);
        if (!base_bs || base_bs == bs) {
            error_setg(errp, "Can't find '%s' in the backing chain", base);
            return;
        }
    }
    if (has_base_node) {
        base_bs = bdrv_find_node(base_node);
        if (!base_bs) {
            error_setg(errp, "Cannot find device='' nor node-name='%s'",
                       base_node);
            return;
        }
    }
    stream_start(&c, bs, base_bs, has_backing_file ? backing_file : NULL,
                 errp);
}

/* The bottom of @top's chain: its last backing node. */
static BlockDriverState *qmp_chain_bottom(BlockDriverState *top)
{
    while (bdrv_get_backing(top)) {
        top = bdrv_get_backing(top);
    }
    return top;
}

void qmp_block_commit(bool has_job_id, const char *job_id,
                      const char *device, bool has_base_node,
                      const char *base_node, bool has_base, const char *base,
                      bool has_top_node, const char *top_node, bool has_top,
                      const char *top, bool has_backing_file,
                      const char *backing_file, bool has_speed, int64_t speed,
                      bool has_on_error, BlockdevOnErrorJob on_error,
                      bool has_auto_finalize, bool auto_finalize,
                      bool has_auto_dismiss, bool auto_dismiss, Error **errp)
{
    BlockJobCommon c;
    BlockBackend *blk = blk_by_name(device);
    BlockDriverState *active, *top_bs, *base_bs;

    qmp_job_common(&c, has_job_id, job_id, has_speed, speed, has_on_error,
                   on_error, has_auto_finalize, auto_finalize,
                   has_auto_dismiss, auto_dismiss);
    active = blk ? blk_bs(blk) : bdrv_find_node(device);
    if (!active) {
        /* First on purpose: libvirt probes for this error class. */
        error_set_class(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                        "Device '%s' not found", device);
        return;
    }
    if ((has_top && has_top_node) || (has_base && has_base_node)) {
        error_setg(errp, "'%s' and '%s' cannot be specified at the same "
                   "time", has_top ? "top" : "base",
                   has_top ? "top-node" : "base-node");
        return;
    }
    top_bs = active;
    if (has_top_node) {
        top_bs = bdrv_find_node(top_node);
    } else if (has_top && strcmp(top, bdrv_get_filename(active))) {
        top_bs = qmp_chain_by_file(active, top);
    }
    if (!top_bs || (top_bs != active &&
                    !block_job_chain_contains(active, top_bs))) {
        error_setg(errp, "Top image file %s not found",
                   has_top ? top : has_top_node ? top_node : "");
        return;
    }
    base_bs = has_base_node ? bdrv_find_node(base_node)
              : has_base ? qmp_chain_by_file(top_bs, base)
              : qmp_chain_bottom(top_bs);
    if (!base_bs) {
        error_setg(errp, "Can't find '%s' in the backing chain",
                   has_base ? base : has_base_node ? base_node : "");
        return;
    }
    if (top_bs == active && has_backing_file) {
        error_setg(errp, "'backing-file' specified, but 'top' is the "
                   "active layer");
        return;
    }
    if (!c.job_id) {
        /* The job belongs to the active layer, as QEMU's. */
        c.job_id = blk ? device : "";
    }
    commit_start(&c, blk, active, top_bs, base_bs,
                 has_backing_file ? backing_file : NULL, errp);
}

/* The backend whose root is @bs, or NULL. */
static BlockBackend *qmp_blk_of(BlockDriverState *bs)
{
    for (BlockBackend *blk = blk_next(NULL); blk; blk = blk_next(blk)) {
        if (blk_bs(blk) == bs) {
            return blk;
        }
    }
    return NULL;
}

static bool qmp_snapshot_create(const char *file, const char *format,
                                BlockDriverState *bs, Error **errp)
{
    struct json_object *o = json_object_new_object();
    bool ok;

    json_object_object_add(o, "size",
                           json_object_new_int64(bdrv_getlength(bs)));
    json_object_object_add(o, "backing_file",
                           json_object_new_string(bdrv_get_filename(bs)));
    json_object_object_add(o, "backing_fmt",
                           json_object_new_string(bdrv_get_format_name(bs)));
    ok = bdrv_create(format, file, o, errp);
    json_object_put(o);
    return ok;
}

void qmp_blockdev_snapshot_sync(bool has_device, const char *device,
                                bool has_node_name, const char *node_name,
                                const char *snapshot_file,
                                bool has_snapshot_node_name,
                                const char *snapshot_node_name,
                                bool has_format, const char *format,
                                bool has_mode, NewImageMode mode,
                                Error **errp)
{
    const char *fmt = has_format ? format : "qcow2";
    BlockBackend *blk = has_device ? blk_by_name(device) : NULL;
    BlockDriverState *bs = blk ? blk_bs(blk) : NULL, *nbs;
    struct json_object *opts;

    if (!bs && has_node_name) {
        bs = bdrv_find_node(node_name);
        blk = bs ? qmp_blk_of(bs) : NULL;
    }
    if (!bs || !blk) {
        error_setg(errp, "Cannot find device='%s' nor node-name='%s'",
                   has_device ? device : "", has_node_name ? node_name : "");
        return;
    }
    if (has_snapshot_node_name && bdrv_find_node(snapshot_node_name)) {
        error_setg(errp, "Duplicate nodes with node-name='%s'",
                   snapshot_node_name);
        return;
    }
    if (block_job_node_busy(bs)) {
        error_setg(errp, "Node '%s' is busy: block device is in use by "
                   "block job", bdrv_get_node_name(bs));
        return;
    }
    if ((!has_mode || mode == NEW_IMAGE_MODE_ABSOLUTE_PATHS) &&
        !qmp_snapshot_create(snapshot_file, fmt, bs, errp)) {
        return;
    }
    opts = json_object_new_object();
    json_object_object_add(opts, "driver", json_object_new_string(fmt));
    json_object_object_add(opts, "backing", NULL);
    if (has_snapshot_node_name) {
        json_object_object_add(opts, "node-name",
                               json_object_new_string(snapshot_node_name));
    }
    nbs = bdrv_open(snapshot_file, opts, BDRV_O_RDWR, errp);
    json_object_put(opts);
    if (!nbs) {
        return;
    }
    blk_drain(blk);
    bdrv_ref(bs);
    nbs->backing = g_new0(BdrvChild, 1);
    nbs->backing->bs = bs;
    nbs->backing->parent = nbs;
    nbs->backing->name = g_strdup("backing");
    qcow2_bdrv_backing_changed(nbs);
    blk_remove_bs(blk);
    blk_insert_bs(blk, nbs, errp);
    bdrv_unref(nbs);
}

void qmp_change_backing_file(const char *device, const char *image_node_name,
                             const char *backing_file, Error **errp)
{
    BlockBackend *blk = blk_by_name(device);
    BlockDriverState *image, *parent;

    if (!blk || !blk_bs(blk)) {
        error_set_class(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                        "Device '%s' not found", device);
        return;
    }
    image = bdrv_find_node(image_node_name);
    if (!image) {
        error_setg(errp, "image file not found");
        return;
    }
    if (!bdrv_get_backing(image)) {
        error_setg(errp, "not allowing backing file change on an image "
                   "without a backing file");
        return;
    }
    if (image != blk_bs(blk) &&
        !block_job_chain_contains(blk_bs(blk), image)) {
        error_setg(errp, "'%s' and image file are not in the same chain",
                   device);
        return;
    }
    parent = block_job_chain_parent(blk_bs(blk), image);
    if (bdrv_is_read_only(image) && parent) {
        image = block_job_make_writable(parent, image, errp);
        if (!image) {
            return;
        }
    }
    block_job_write_backing_name(image, backing_file,
                                 bdrv_get_format_name(bdrv_get_backing(image)),
                                 errp);
}

void qmp_block_passwd(bool has_device, const char *device,
                      bool has_node_name, const char *node_name,
                      const char *password, Error **errp)
{
    BlockBackend *blk = has_device ? blk_by_name(device) : NULL;
    BlockDriverState *bs = blk ? blk_bs(blk) : NULL;

    if (!bs && has_node_name) {
        bs = bdrv_find_node(node_name);
    }
    if (!bs) {
        error_setg(errp, "Cannot find device=%s nor node_name=%s",
                   has_device ? device : "", has_node_name ? node_name : "");
        return;
    }
    if (!bs->encrypted) {
        error_setg(errp, "Device '%s' is not encrypted",
                   blk ? device : bdrv_get_node_name(bs));
        return;
    }
    error_setg(errp, "Use of AES-CBC encrypted qcow2 images is no longer "
               "supported in system emulators");
}

/* The device a mirror or backup copies: backend and root node. */
static BlockBackend *qmp_job_blk(const char *device, Error **errp)
{
    BlockBackend *blk = blk_by_name(device);
    BlockDriverState *bs;

    if (!blk) {
        bs = bdrv_find_node(device);
        blk = bs ? qmp_blk_of(bs) : NULL;
    }
    if (!blk || !blk_bs(blk)) {
        error_setg(errp, "Cannot find device='%s' nor node-name='%s'",
                   device, device);
        return NULL;
    }
    return blk;
}

/* The backing node a new target gets for @sync. */
static BlockDriverState *qmp_target_backing(BlockDriverState *src,
                                            MirrorSyncMode sync)
{
    return sync == MIRROR_SYNC_MODE_NONE ? src
           : sync == MIRROR_SYNC_MODE_TOP ? bdrv_get_backing(src) : NULL;
}

void qmp_drive_mirror(bool has_job_id, const char *job_id,
                      const char *device, const char *target,
                      bool has_format, const char *format,
                      bool has_node_name, const char *node_name,
                      bool has_replaces, const char *replaces,
                      MirrorSyncMode sync, bool has_mode, NewImageMode mode,
                      bool has_speed, int64_t speed, bool has_granularity,
                      uint32_t granularity, bool has_buf_size,
                      int64_t buf_size, bool has_on_source_error,
                      BlockdevOnErrorJob on_source_error,
                      bool has_on_target_error,
                      BlockdevOnErrorJob on_target_error, bool has_unmap,
                      bool unmap, bool has_auto_finalize, bool auto_finalize,
                      bool has_auto_dismiss, bool auto_dismiss, Error **errp)
{
    BlockJobCommon c;
    BlockBackend *blk = qmp_job_blk(device, errp);
    BlockDriverState *src, *tgt;
    bool create = !has_mode || mode != NEW_IMAGE_MODE_EXISTING;
    int64_t gran = has_granularity ? granularity : 65536;

    if (!blk) {
        return;
    }
    src = blk_bs(blk);
    qmp_job_common(&c, has_job_id, job_id, has_speed, speed,
                   has_on_source_error, on_source_error, has_auto_finalize,
                   auto_finalize, has_auto_dismiss, auto_dismiss);
    if (!c.job_id) {
        c.job_id = blk_name(blk);
    }
    if (gran < 512 || gran > 64 * 1024 * 1024) {
        error_setg(errp, "Parameter 'granularity' expects a value in range "
                   "[512B, 64MB]");
        return;
    }
    if (gran & (gran - 1)) {
        error_setg(errp, "Parameter 'granularity' expects a power of 2");
        return;
    }
    if (has_buf_size && buf_size < 0) {
        error_setg(errp, "Parameter 'buf-size' expects a non-negative value");
        return;
    }
    if (has_replaces && bdrv_find_node(replaces) != src) {
        error_setg(errp, "Node '%s' is not the device's root node",
                   replaces);
        return;
    }
    if (qmp_job_node_busy(src, errp)) {
        return;
    }
    tgt = block_job_open_target(target,
                                has_format ? format
                                           : bdrv_get_format_name(src),
                                create, bdrv_getlength(src),
                                qmp_target_backing(src, sync),
                                has_node_name ? node_name : NULL, errp);
    if (!tgt) {
        return;
    }
    mirror_start(&c, blk, tgt, sync, gran,
                 has_buf_size && buf_size ? buf_size : 1024 * 1024, !create,
                 has_on_target_error ? on_target_error
                                     : BLOCKDEV_ON_ERROR_JOB_REPORT, errp);
    bdrv_unref(tgt);
}

static void qmp_backup(BlockJobCommon *c, BlockDriverState *src,
                       BlockDriverState *tgt, MirrorSyncMode sync,
                       bool is_new, bool has_on_target_error,
                       BlockdevOnErrorJob on_target_error, Error **errp)
{
    backup_start(c, src, tgt, sync, is_new,
                 has_on_target_error ? on_target_error
                                     : BLOCKDEV_ON_ERROR_JOB_REPORT, errp);
}

void qmp_drive_backup(bool has_job_id, const char *job_id,
                      const char *device, const char *target,
                      bool has_format, const char *format,
                      MirrorSyncMode sync, bool has_mode, NewImageMode mode,
                      bool has_speed, int64_t speed,
                      bool has_on_source_error,
                      BlockdevOnErrorJob on_source_error,
                      bool has_on_target_error,
                      BlockdevOnErrorJob on_target_error,
                      bool has_auto_finalize, bool auto_finalize,
                      bool has_auto_dismiss, bool auto_dismiss, Error **errp)
{
    BlockJobCommon c;
    BlockBackend *blk = qmp_job_blk(device, errp);
    BlockDriverState *src, *tgt;
    bool create = !has_mode || mode != NEW_IMAGE_MODE_EXISTING;

    if (!blk) {
        return;
    }
    src = blk_bs(blk);
    qmp_job_common(&c, has_job_id, job_id, has_speed, speed,
                   has_on_source_error, on_source_error, has_auto_finalize,
                   auto_finalize, has_auto_dismiss, auto_dismiss);
    if (!c.job_id) {
        c.job_id = blk_name(blk);
    }
    if (qmp_job_node_busy(src, errp)) {
        return;
    }
    tgt = block_job_open_target(target,
                                has_format ? format
                                           : bdrv_get_format_name(src),
                                create, bdrv_getlength(src),
                                qmp_target_backing(src, sync), NULL, errp);
    if (!tgt) {
        return;
    }
    qmp_backup(&c, src, tgt, sync, create, has_on_target_error,
               on_target_error, errp);
    bdrv_unref(tgt);
}

void qmp_blockdev_backup(bool has_job_id, const char *job_id,
                         const char *device, const char *target,
                         MirrorSyncMode sync, bool has_speed, int64_t speed,
                         bool has_on_source_error,
                         BlockdevOnErrorJob on_source_error,
                         bool has_on_target_error,
                         BlockdevOnErrorJob on_target_error,
                         bool has_auto_finalize, bool auto_finalize,
                         bool has_auto_dismiss, bool auto_dismiss,
                         Error **errp)
{
    BlockJobCommon c;
    BlockDriverState *src = qmp_job_device(device, errp), *tgt;

    if (!src) {
        return;
    }
    tgt = bdrv_find_node(target);
    if (!tgt) {
        error_setg(errp, "Cannot find device='%s' nor node-name='%s'",
                   target, target);
        return;
    }
    qmp_job_common(&c, has_job_id, job_id, has_speed, speed,
                   has_on_source_error, on_source_error, has_auto_finalize,
                   auto_finalize, has_auto_dismiss, auto_dismiss);
    if (qmp_job_node_busy(src, errp)) {
        return;
    }
    qmp_backup(&c, src, tgt, sync, false, has_on_target_error,
               on_target_error, errp);
}
