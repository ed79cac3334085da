/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graph edits of block jobs (include/block/job-graph.h).  QEMU reopens a
 * backing node read-write in place (bdrv_reopen), and read-only again
 * when the job is over; Plimsoll opens the image again and swaps the new
 * node in, carrying over what clients can see (node names, write
 * thresholds).  The old node gives up its image locks first.
 */
#include <errno.h>
#include <string.h>

#include "block/block-backend.h"
#include "block/job-graph.h"
#include "block/qcow2/qcow2-bdrv.h"

bool block_job_chain_contains(BlockDriverState *top, BlockDriverState *base)
{
    for (BlockDriverState *b = bdrv_get_backing(top); b;
         b = bdrv_get_backing(b)) {
        if (b == base) {
            return true;
        }
    }
    return false;
}

BlockDriverState *block_job_chain_parent(BlockDriverState *top,
                                         BlockDriverState *bs)
{
    for (BlockDriverState *p = top; p; p = bdrv_get_backing(p)) {
        if (bdrv_get_backing(p) == bs) {
            return p;
        }
    }
    return NULL;
}

bool block_job_write_backing_name(BlockDriverState *bs, const char *file,
                                  const char *fmt, Error **errp)
{
    int ret = qcow2_bdrv_change_backing(bs, file, fmt);

    if (ret == -ENOTSUP) {
        error_setg(errp, "Could not change the backing file of '%s': the "
                   "format '%s' has no backing file", bdrv_get_filename(bs),
                   bdrv_get_format_name(bs));
        return false;
    }
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not change the backing file "
                         "to '%s'", file ? file : "");
        return false;
    }
    return true;
}

bool block_job_set_backing(BlockDriverState *bs, BlockDriverState *base,
                           const char *backing_file, Error **errp)
{
    const char *file = backing_file;
    const char *fmt = base ? bdrv_get_format_name(base) : NULL;

    if (!file) {
        file = base ? bdrv_get_filename(base) : "";
    }
    blk_drain_all();
    bdrv_drain(bs);
    if (!block_job_write_backing_name(bs, file, fmt, errp)) {
        return false;
    }
    BdrvChild *old = bs->backing;
    if (base) {
        bdrv_ref(base);
        bs->backing = g_new0(BdrvChild, 1);
        bs->backing->bs = base;
        bs->backing->parent = bs;
        bs->backing->name = g_strdup("backing");
    } else {
        bs->backing = NULL;
    }
    qcow2_bdrv_backing_changed(bs);
    bdrv_child_free(old);
    return true;
}

/* Give @dst what clients know @src by, and @src @dst's automatic name. */
static void job_graph_take_identity(BlockDriverState *dst,
                                    BlockDriverState *src)
{
    char name[BDRV_NODE_NAME_MAX];
    uint64_t thr;

    memcpy(name, dst->node_name, sizeof(name));
    memcpy(dst->node_name, src->node_name, sizeof(name));
    memcpy(src->node_name, name, sizeof(name));
    thr = __atomic_load_n(&src->write_threshold, __ATOMIC_SEQ_CST);
    __atomic_store_n(&dst->write_threshold, thr, __ATOMIC_SEQ_CST);
    __atomic_store_n(&src->write_threshold, 0, __ATOMIC_SEQ_CST);
}

/*
 * Open @bs's image again, read-write (@flags BDRV_O_RDWR) or read-only
 * (0), and put the new node in its place below @parent: QEMU's reopen.
 */
static BlockDriverState *job_graph_reopen(BlockDriverState *parent,
                                          BlockDriverState *bs, int flags,
                                          Error **errp)
{
    struct json_object *opts;
    BlockDriverState *nbs;

    if (!(flags & BDRV_O_RDWR)) {
        /* The new node reads the metadata: write it all out first. */
        blk_drain_all();
        bdrv_drain(bs);
        bdrv_node_flush(bs);
    }
    opts = json_object_new_object();
    json_object_object_add(opts, "driver",
                           json_object_new_string(bdrv_get_format_name(bs)));
    if (bdrv_get_backing(bs) || bs->backing_file[0]) {
        json_object_object_add(opts, "backing", NULL);
    }
    /* The old node's image locks would keep the new one out (QEMU
     * reopens in place); they come back if the open fails. */
    bdrv_perm_deactivate(bs, true, NULL);
    nbs = bdrv_open(bdrv_get_filename(bs), opts, flags, errp);
    json_object_put(opts);
    if (!nbs) {
        bdrv_perm_deactivate(bs, false, NULL);
        return NULL;
    }
    /* Requests may be on their way down from any node above. */
    blk_drain_all();
    bdrv_drain(parent);
    bdrv_drain(bs);
    job_graph_take_identity(nbs, bs);
    if (nbs->file && bs->file) {
        job_graph_take_identity(nbs->file->bs, bs->file->bs);
    }
    /* The chain below moves over unchanged. */
    nbs->backing = bs->backing;
    bs->backing = NULL;
    if (nbs->backing) {
        nbs->backing->parent = nbs;
    }
    qcow2_bdrv_backing_changed(nbs);
    parent->backing->bs = nbs;        /* takes bdrv_open()'s reference */
    qcow2_bdrv_backing_changed(parent);
    bdrv_unref(bs);
    return nbs;
}

BlockDriverState *block_job_make_writable(BlockDriverState *parent,
                                          BlockDriverState *bs,
                                          Error **errp)
{
    return bdrv_is_read_only(bs) ? job_graph_reopen(parent, bs, BDRV_O_RDWR,
                                                    errp)
                                 : bs;
}

BlockDriverState *block_job_make_read_only(BlockDriverState *parent,
                                           BlockDriverState *bs,
                                           Error **errp)
{
    return bdrv_is_read_only(bs) ? bs : job_graph_reopen(parent, bs, 0,
                                                         errp);
}

static bool job_graph_create(const char *file, const char *fmt,
                             int64_t size, BlockDriverState *backing,
                             Error **errp)
{
    struct json_object *o = json_object_new_object();
    bool ok;

    json_object_object_add(o, "size", json_object_new_int64(size));
    if (backing) {
        json_object_object_add(o, "backing_file", json_object_new_string(
                                   bdrv_get_filename(backing)));
        json_object_object_add(o, "backing_fmt", json_object_new_string(
                                   bdrv_get_format_name(backing)));
    }
    ok = bdrv_create(fmt, file, o, errp);
    json_object_put(o);
    return ok;
}

BlockDriverState *block_job_open_target(const char *file, const char *fmt,
                                        bool create, int64_t size,
                                        BlockDriverState *backing,
                                        const char *node_name, Error **errp)
{
    struct json_object *opts;
    BlockDriverState *bs;
    bool has_backing = strcmp(fmt, "raw") != 0;

    if (create && !job_graph_create(file, fmt, size,
                                    has_backing ? backing : NULL, errp)) {
        return NULL;
    }
    opts = json_object_new_object();
    json_object_object_add(opts, "driver", json_object_new_string(fmt));
    if (has_backing) {
        json_object_object_add(opts, "backing", NULL);
    }
    if (node_name) {
        json_object_object_add(opts, "node-name",
                               json_object_new_string(node_name));
    }
    bs = bdrv_open(file, opts, BDRV_O_RDWR, errp);
    json_object_put(opts);
    if (!bs) {
        return NULL;
    }
    if (has_backing && backing) {
        bdrv_ref(backing);
        bs->backing = g_new0(BdrvChild, 1);
        bs->backing->bs = backing;
        bs->backing->parent = bs;
        bs->backing->name = g_strdup("backing");
        qcow2_bdrv_backing_changed(bs);
    }
    return bs;
}
