/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Block QMP (schema module block-core): query-block, query-blockstats,
 * query-named-block-nodes, block-set-write-threshold, block_resize,
 * blockdev-add and blockdev-del, as thin wrappers over include/block/.
 * Shapes and error strings: BLOCK-QMP-REFERENCE.md sections 1.4 and 6.
 *
 * Nodes made by blockdev-add belong to the monitor (it holds their first
 * reference) until blockdev-del gives it back; nodes made by -drive or
 * -blockdev belong to system/.
 */
#include "monitor-internal.h"

#include "block/block-backend.h"
#include "block/block-int.h"
#include "block/block.h"
#include "block/write-threshold.h"
#include "qapi/qapi-commands.h"

static GPtrArray *monitor_nodes;    /* BlockDriverState * from blockdev-add */

/* ---- node descriptions ---------------------------------------------- */

static ImageInfoSpecific *qmp_format_specific(BlockDriverState *bs)
{
    struct json_object *obj;
    ImageInfoSpecific *info = NULL;

    if (!bs->drv || !bs->drv->get_specific_info) {
        return NULL;
    }
    obj = bs->drv->get_specific_info(bs, NULL);
    /* Facts the schema does not describe are left out, not faked. */
    if (obj && !qapi_in_ImageInfoSpecific(obj, "format-specific", &info,
                                          NULL)) {
        info = NULL;
    }
    json_object_put(obj);
    return info;
}

static ImageInfo *qmp_image_info(BlockDriverState *bs, bool flat)
{
    ImageInfo *info = g_new0(ImageInfo, 1);
    BlockDriverInfo bdi = { 0 };
    BlockDriverState *backing = bdrv_get_backing(bs);
    int64_t size = bdrv_getlength(bs);
    int64_t used = bdrv_get_allocated_file_size(bs);

    info->filename = g_strdup(bdrv_get_filename(bs));
    info->format = g_strdup(bdrv_get_format_name(bs));
    info->virtual_size = size < 0 ? 0 : size;
    info->has_actual_size = used >= 0;
    info->actual_size = used;
    if (bs->drv && bs->drv->get_info && bs->drv->get_info(bs, &bdi) >= 0) {
        info->has_cluster_size = bdi.cluster_size > 0;
        info->cluster_size = bdi.cluster_size;
        info->has_dirty_flag = bdi.is_dirty;
        info->dirty_flag = bdi.is_dirty;
    }
    info->has_encrypted = bs->encrypted;
    info->encrypted = bs->encrypted;
    if (bs->backing_file[0]) {
        info->has_backing_filename = true;
        info->backing_filename = g_strdup(bs->backing_file);
        info->has_full_backing_filename = backing != NULL;
        info->full_backing_filename =
            backing ? g_strdup(bdrv_get_filename(backing)) : NULL;
        info->has_backing_filename_format = bs->backing_format[0] != 0;
        info->backing_filename_format = bs->backing_format[0]
            ? g_strdup(bs->backing_format) : NULL;
    }
    info->format_specific = qmp_format_specific(bs);
    info->has_format_specific = info->format_specific != NULL;
    if (backing && !flat) {
        info->has_backing_image = true;
        info->backing_image = qmp_image_info(backing, false);
    }
    return info;
}

static BlockdevDetectZeroesOptions qmp_detect_zeroes(BlockDriverState *bs)
{
    struct json_object *val = NULL;
    int i;

    if (!bs->options ||
        !json_object_object_get_ex(bs->options, "detect-zeroes", &val)) {
        return BLOCKDEV_DETECT_ZEROES_OPTIONS_OFF;
    }
    i = qapi_enum_lookup(BlockdevDetectZeroesOptions_names,
                         BLOCKDEV_DETECT_ZEROES_OPTIONS__MAX,
                         json_object_get_string(val));
    return i < 0 ? BLOCKDEV_DETECT_ZEROES_OPTIONS_OFF : i;
}

static BlockDeviceInfo *qmp_node_info(BlockDriverState *bs, bool flat)
{
    BlockDeviceInfo *info = g_new0(BlockDeviceInfo, 1);
    int depth = 0;

    for (BlockDriverState *b = bdrv_get_backing(bs); b;
         b = bdrv_get_backing(b)) {
        depth++;
    }
    info->file = g_strdup(bdrv_get_filename(bs));
    info->has_node_name = true;
    info->node_name = g_strdup(bdrv_get_node_name(bs));
    info->ro = bdrv_is_read_only(bs);
    info->drv = g_strdup(bdrv_get_format_name(bs));
    info->has_backing_file = bs->backing_file[0] != 0;
    info->backing_file = bs->backing_file[0] ? g_strdup(bs->backing_file)
                                             : NULL;
    info->backing_file_depth = depth;
    info->encrypted = bs->encrypted;
    info->detect_zeroes = qmp_detect_zeroes(bs);
    info->image = qmp_image_info(bs, flat);
    info->cache = g_new0(BlockdevCacheInfo, 1);
    info->cache->writeback = true;
    info->cache->direct = (bs->open_flags & BDRV_O_NOCACHE) != 0;
    info->cache->no_flush = (bs->open_flags & BDRV_O_NO_FLUSH) != 0;
    /* The member is signed in QEMU: thresholds >= 2^63 print negative. */
    info->write_threshold = (int64_t)bdrv_write_threshold_get(bs);
    return info;
}

BlockInfoList *qmp_query_block(Error **errp)
{
    BlockInfoList *head = NULL, **tail = &head;

    for (BlockBackend *blk = blk_next(NULL); blk; blk = blk_next(blk)) {
        BlockInfo *info = g_new0(BlockInfo, 1);
        BlockDriverState *bs = blk_bs(blk);
        const char *qdev = blk_get_qdev(blk);

        info->device = g_strdup(blk_name(blk));
        info->has_qdev = qdev != NULL;
        info->qdev = g_strdup(qdev);
        info->type = g_strdup("unknown");
        info->has_inserted = bs != NULL;
        info->inserted = bs ? qmp_node_info(bs, false) : NULL;
        qmp_throttle_fill_info(blk, info->inserted);
        qmp_removable_fill_info(blk, info);
        if (blk_iostatus_is_enabled(blk)) {
            info->has_io_status = true;
            info->io_status = (QapiBlockDeviceIoStatus)blk_iostatus(blk);
        }
        *tail = g_new0(BlockInfoList, 1);
        (*tail)->value = info;
        tail = &(*tail)->next;
    }
    return head;
}

BlockDeviceInfoList *qmp_query_named_block_nodes(bool has_flat, bool flat,
                                                 Error **errp)
{
    BlockDeviceInfoList *head = NULL, **tail = &head;

    for (BlockDriverState *bs = bdrv_next_node(NULL); bs;
         bs = bdrv_next_node(bs)) {
        *tail = g_new0(BlockDeviceInfoList, 1);
        (*tail)->value = qmp_node_info(bs, has_flat && flat);
        tail = &(*tail)->next;
    }
    return head;
}

/* ---- statistics ------------------------------------------------------- */

static BlockDeviceStats *qmp_stats(const BlockAcctStats *live)
{
    BlockDeviceStats *st = g_new0(BlockDeviceStats, 1);
    BlockAcctStats s;
    int64_t idle = block_acct_idle_ns(live);

    block_acct_snapshot(live, &s);
    st->rd_bytes = s.bytes[BLOCK_ACCT_READ];
    st->wr_bytes = s.bytes[BLOCK_ACCT_WRITE];
    st->unmap_bytes = s.bytes[BLOCK_ACCT_UNMAP];
    st->rd_operations = s.ops[BLOCK_ACCT_READ];
    st->wr_operations = s.ops[BLOCK_ACCT_WRITE];
    st->flush_operations = s.ops[BLOCK_ACCT_FLUSH];
    st->unmap_operations = s.ops[BLOCK_ACCT_UNMAP];
    st->rd_total_time_ns = s.total_time_ns[BLOCK_ACCT_READ];
    st->wr_total_time_ns = s.total_time_ns[BLOCK_ACCT_WRITE];
    st->flush_total_time_ns = s.total_time_ns[BLOCK_ACCT_FLUSH];
    st->unmap_total_time_ns = s.total_time_ns[BLOCK_ACCT_UNMAP];
    st->wr_highest_offset = s.wr_highest_offset;
    st->rd_merged = s.merged[BLOCK_ACCT_READ];
    st->wr_merged = s.merged[BLOCK_ACCT_WRITE];
    st->unmap_merged = s.merged[BLOCK_ACCT_UNMAP];
    st->has_idle_time_ns = idle >= 0;
    st->idle_time_ns = idle;
    st->failed_rd_operations = s.failed_ops[BLOCK_ACCT_READ];
    st->failed_wr_operations = s.failed_ops[BLOCK_ACCT_WRITE];
    st->failed_flush_operations = s.failed_ops[BLOCK_ACCT_FLUSH];
    st->failed_unmap_operations = s.failed_ops[BLOCK_ACCT_UNMAP];
    st->invalid_rd_operations = s.invalid_ops[BLOCK_ACCT_READ];
    st->invalid_wr_operations = s.invalid_ops[BLOCK_ACCT_WRITE];
    st->invalid_flush_operations = s.invalid_ops[BLOCK_ACCT_FLUSH];
    st->invalid_unmap_operations = s.invalid_ops[BLOCK_ACCT_UNMAP];
    st->account_invalid = s.account_invalid;
    st->account_failed = s.account_failed;
    return st;
}

/* A node's statistics; @parent is its file child's, recursively. */
static BlockStats *qmp_node_stats(BlockDriverState *bs, bool with_backing)
{
    BlockStats *st = g_new0(BlockStats, 1);
    BlockDriverState *file = bdrv_get_file(bs);
    BlockDriverState *backing = bdrv_get_backing(bs);

    st->has_node_name = true;
    st->node_name = g_strdup(bdrv_get_node_name(bs));
    st->stats = qmp_stats(&bs->stats);
    if (file) {
        st->has_parent = true;
        st->parent = qmp_node_stats(file, with_backing);
    }
    if (backing && with_backing) {
        st->has_backing = true;
        st->backing = qmp_node_stats(backing, with_backing);
    }
    return st;
}

static BlockStats *qmp_backend_stats(BlockBackend *blk)
{
    BlockDriverState *bs = blk_bs(blk);
    BlockStats *st;
    const char *qdev = blk_get_qdev(blk);

    if (bs) {
        st = qmp_node_stats(bs, true);
        qapi_free_BlockDeviceStats(st->stats);
    } else {
        st = g_new0(BlockStats, 1);
    }
    /* The backend's own accounting is what the guest's requests did. */
    st->stats = qmp_stats(blk_get_stats(blk));
    st->has_device = true;
    st->device = g_strdup(blk_name(blk));
    st->has_qdev = qdev != NULL;
    st->qdev = g_strdup(qdev);
    return st;
}

BlockStatsList *qmp_query_blockstats(bool has_query_nodes, bool query_nodes,
                                     Error **errp)
{
    BlockStatsList *head = NULL, **tail = &head;

    if (has_query_nodes && query_nodes) {
        for (BlockDriverState *bs = bdrv_next_node(NULL); bs;
             bs = bdrv_next_node(bs)) {
            *tail = g_new0(BlockStatsList, 1);
            (*tail)->value = qmp_node_stats(bs, false);
            tail = &(*tail)->next;
        }
        return head;
    }
    for (BlockBackend *blk = blk_next(NULL); blk; blk = blk_next(blk)) {
        *tail = g_new0(BlockStatsList, 1);
        (*tail)->value = qmp_backend_stats(blk);
        tail = &(*tail)->next;
    }
    return head;
}

/* ---- commands that change things -------------------------------------- */

void qmp_block_set_write_threshold(const char *node_name,
                                   bool has_write_threshold,
                                   uint64_t write_threshold,
                                   bool has_write_threshold_percent,
                                   uint64_t write_threshold_percent,
                                   Error **errp)
{
    /* QEMU's member is mandatory; the Plimsoll extension can replace it. */
    if (!has_write_threshold && !has_write_threshold_percent) {
        error_setg(errp, "Parameter 'write-threshold' is missing");
        return;
    }
    block_set_write_threshold(node_name, write_threshold,
                              has_write_threshold_percent,
                              write_threshold_percent, errp);
}

/* QEMU's bdrv_lookup_bs(): a backend's root node, or a node by name. */
static BlockDriverState *qmp_lookup_bs(const char *device,
                                       const char *node_name, Error **errp)
{
    if (device) {
        BlockBackend *blk = blk_by_name(device);

        if (blk) {
            if (!blk_bs(blk)) {
                error_setg(errp, "Device '%s' has no medium", device);
            }
            return blk_bs(blk);
        }
    }
    if (node_name) {
        BlockDriverState *bs = bdrv_find_node(node_name);

        if (bs) {
            return bs;
        }
    }
    error_setg(errp, "Cannot find device='%s' nor node-name='%s'",
               device ? device : "", node_name ? node_name : "");
    return NULL;
}

void qmp_block_resize(bool has_device, const char *device,
                      bool has_node_name, const char *node_name,
                      int64_t size, Error **errp)
{
    BlockDriverState *bs;
    Error *err = NULL;

    bs = qmp_lookup_bs(has_device ? device : NULL,
                       has_node_name ? node_name : NULL, &err);
    if (!bs) {
        error_propagate(errp, err);
        return;
    }
    if (size < 0) {
        error_setg(errp, "Parameter 'size' expects a >0 size");
        return;
    }
    if (bdrv_truncate(bs, size, false, PREALLOC_MODE_OFF, errp) < 0) {
        return;
    }
    /* Tell the guest device (e.g. a virtio-blk config change). */
    for (BlockBackend *blk = blk_next(NULL); blk; blk = blk_next(blk)) {
        if (blk_bs(blk) == bs) {
            blk_resize_notify(blk);
        }
    }
}

void qmp_blockdev_add(BlockdevOptions *arg, Error **errp)
{
    struct json_object *opts;
    BlockDriverState *bs;

    if (!arg->has_node_name) {
        error_setg(errp, "'node-name' must be specified for the root node");
        return;
    }
    /* The validated options, back in the JSON form the block layer takes. */
    opts = qapi_out_BlockdevOptions(arg);
    bs = bdrv_open_blockdev(opts, errp);
    json_object_put(opts);
    if (!bs) {
        return;
    }
    if (!monitor_nodes) {
        monitor_nodes = g_ptr_array_new();
    }
    g_ptr_array_add(monitor_nodes, bs);
}

void qmp_blockdev_del(const char *node_name, Error **errp)
{
    BlockDriverState *bs = bdrv_find_node(node_name);

    if (!bs) {
        error_setg(errp, "Failed to find node with node-name='%s'",
                   node_name);
        return;
    }
    if (!monitor_nodes || !g_ptr_array_find(monitor_nodes, bs, NULL)) {
        error_setg(errp, "Node %s is not owned by the monitor", node_name);
        return;
    }
    /* Only the monitor's own reference left: nothing uses it. */
    if (bs->refcnt > 1) {
        error_setg(errp, "Node %s is in use", node_name);
        return;
    }
    g_ptr_array_remove(monitor_nodes, bs);
    bdrv_unref(bs);
}
