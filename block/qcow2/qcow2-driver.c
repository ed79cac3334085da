/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The qcow2 block driver: plugs the qcow2 engine (qcow2.h) into the block
 * layer's driver table (block-int.h).  The engine reaches the image file
 * through the "file" child and the backing image through the "backing"
 * child, both via the bdrv_child_*() helpers, so thresholds, accounting
 * and blkdebug apply to every host access.
 *
 * Behaviour: BLOCK-QMP-REFERENCE.md 2 (runtime options, corruption: the
 * node is marked unusable), 3 (format), 6 (format-specific info).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "block/block-int.h"
#include "block/file-posix.h"
#include "block/qcow2/qcow2-check.h"
#include "block/qcow2/qcow2-create.h"
#include "block/qcow2/qcow2-snapshot.h"
#include "block/qcow2/qcow2-bdrv.h"

/* How far ahead of its allocations the image file is grown (O_DIRECT);
 * QEMU's preallocate filter's default step. */
#define QCOW2_GROW_AHEAD_BYTES (128ull << 20)

typedef struct Qcow2Driver {
    Qcow2State *s;
    BlockDriverState *bs;
    guint clean_timer;
} Qcow2Driver;

static const char *const qcow2_runtime_opts[] = {
    "overlap-check", "overlap-check-memory-limit", "l2-cache-size",
    "refcount-cache-size", "cache-size", "cache-clean-interval",
    "lazy-refcounts", "pass-discard-request", "backing", NULL,
};

static const char *const qcow2_create_opt_names[] = {
    "size", "compat", "backing_file", "backing_fmt", "cluster_size",
    "preallocation", "lazy_refcounts", "refcount_bits", "compression_type",
    "extended_l2", NULL,
};

static int qcow2_host_pread(void *opaque, uint64_t off, void *buf, size_t len)
{
    BdrvChild *c = opaque;
    int ret = bdrv_child_pread(c, (int64_t)off, (int64_t)len, buf, 0);
    return ret < 0 ? ret : 0;
}

static int qcow2_host_pwrite(void *opaque, uint64_t off, const void *buf,
                            size_t len)
{
    BdrvChild *c = opaque;
    int ret = bdrv_child_pwrite(c, (int64_t)off, (int64_t)len, buf, 0);
    return ret < 0 ? ret : 0;
}

static int qcow2_host_flush(void *opaque)
{
    return bdrv_child_flush(opaque);
}

static int64_t qcow2_host_getlength(void *opaque)
{
    return bdrv_child_getlength(opaque);
}

static int qcow2_host_truncate(void *opaque, uint64_t len, Qcow2Prealloc p)
{
    static const PreallocMode modes[] = {
        PREALLOC_MODE_OFF, PREALLOC_MODE_OFF, PREALLOC_MODE_FALLOC,
        PREALLOC_MODE_FULL,
    };
    return bdrv_child_truncate(opaque, (int64_t)len, true, modes[p], NULL);
}

static int qcow2_host_discard(void *opaque, uint64_t off, uint64_t len)
{
    return bdrv_child_pdiscard(opaque, (int64_t)off, (int64_t)len);
}

static void qcow2_host_for(Qcow2Host *h, BdrvChild *c)
{
    h->opaque = c;
    h->pread = qcow2_host_pread;
    h->pwrite = qcow2_host_pwrite;
    h->flush = qcow2_host_flush;
    h->getlength = qcow2_host_getlength;
    h->truncate = qcow2_host_truncate;
    h->discard = qcow2_host_discard;
}

static int qcow2_drv_probe(const uint8_t *buf, int len, const char *filename)
{
    return len >= 4 && qcow2_be32(buf) == QCOW2_MAGIC ? 100 : 0;
}

static gboolean qcow2_drv_clean(gpointer opaque)
{
    Qcow2Driver *d = opaque;
    qcow2_clean_caches(d->s);
    return G_SOURCE_CONTINUE;
}

static const char *qcow2_drv_device(void *opaque)
{
    return bdrv_get_device_name(opaque);
}

static void qcow2_drv_attach_backing(Qcow2Driver *d, BlockDriverState *bs)
{
    Qcow2State *s = d->s;

    s->has_backing = s->meta.backing_file != NULL || bs->backing;
    if (bs->backing) {
        int64_t len = bdrv_getlength(bs->backing->bs);
        s->backing.opaque = bs->backing;
        s->backing.pread = qcow2_host_pread;
        s->backing.size = len > 0 ? (uint64_t)len : 0;
    }
}

static int qcow2_drv_open(BlockDriverState *bs, struct json_object *options,
                          int flags, Error **errp)
{
    Qcow2Driver *d = bs->opaque;
    Qcow2Options o;
    Qcow2Host host;

    qcow2_options_init(&o);
    if (!qcow2_options_from_json(&o, options, errp)) {
        return -EINVAL;
    }
    o.read_only = !(flags & BDRV_O_RDWR);
    o.check_mode = !!(flags & BDRV_O_CHECK);
    o.node_name = bs->node_name;
    o.device_fn = qcow2_drv_device;
    o.device_opaque = bs;
    qcow2_host_for(&host, bs->file);
    d->bs = bs;
    d->s = qcow2_open(&host, NULL, &o, errp);
    if (!d->s) {
        return -EINVAL;
    }
    if (!o.read_only) {
        /* Allocating O_DIRECT writes at the end of the image file need
         * not extend it one by one (a crash leaves a harmless tail). */
        file_posix_grow_ahead(bs->file->bs, QCOW2_GROW_AHEAD_BYTES);
    }
    if (d->s->meta.backing_file) {
        g_strlcpy(bs->backing_file, d->s->meta.backing_file,
                  sizeof(bs->backing_file));
    }
    if (d->s->meta.backing_format) {
        g_strlcpy(bs->backing_format, d->s->meta.backing_format,
                  sizeof(bs->backing_format));
    }
    if (bdrv_open_backing(bs, options, errp) < 0) {
        qcow2_close(d->s);
        d->s = NULL;
        return -EINVAL;
    }
    qcow2_drv_attach_backing(d, bs);
    bs->total_size = (int64_t)d->s->size;
    bs->supported_zero_flags = BDRV_REQ_MAY_UNMAP;
    if (o.cache_clean_interval) {
        d->clean_timer = g_timeout_add_seconds(
            (guint)MIN(o.cache_clean_interval, UINT32_MAX),
            qcow2_drv_clean, d);
    }
    return 0;
}

static void qcow2_drv_close(BlockDriverState *bs)
{
    Qcow2Driver *d = bs->opaque;

    if (d->clean_timer) {
        g_source_remove(d->clean_timer);
    }
    qcow2_close(d->s);
    d->s = NULL;
}

/* A flat buffer for @qiov: the vector's own when it has one element. */
static uint8_t *qcow2_flat(BlockIOV *qiov, int64_t bytes, bool *bounce)
{
    *bounce = !(qiov->niov == 1 && qiov->iov[0].iov_len >= (size_t)bytes);
    return *bounce ? g_malloc((size_t)bytes) : qiov->iov[0].iov_base;
}

static void qcow2_drv_fail(BlockDriverState *bs, Qcow2Driver *d)
{
    if (d->s->corrupt) {
        bdrv_mark_unusable(bs);
    }
}

static int qcow2_drv_preadv(BlockDriverState *bs, int64_t offset,
                            int64_t bytes, BlockIOV *qiov,
                            BdrvRequestFlags flags)
{
    Qcow2Driver *d = bs->opaque;
    bool bounce;
    uint8_t *buf = qcow2_flat(qiov, bytes, &bounce);
    int ret = qcow2_read(d->s, (uint64_t)offset, buf, (uint64_t)bytes);

    if (bounce) {
        if (ret == 0) {
            block_iov_from_buf(qiov, 0, buf, (size_t)bytes);
        }
        g_free(buf);
    }
    if (ret < 0) {
        qcow2_drv_fail(bs, d);
    }
    return ret;
}

static int qcow2_drv_pwritev(BlockDriverState *bs, int64_t offset,
                             int64_t bytes, BlockIOV *qiov,
                             BdrvRequestFlags flags)
{
    Qcow2Driver *d = bs->opaque;
    bool bounce;
    uint8_t *buf = qcow2_flat(qiov, bytes, &bounce);
    int ret;

    if (bounce) {
        block_iov_to_buf(qiov, 0, buf, (size_t)bytes);
    }
    ret = qcow2_write(d->s, (uint64_t)offset, buf, (uint64_t)bytes);
    if (bounce) {
        g_free(buf);
    }
    if (ret == 0 && (flags & BDRV_REQ_FUA)) {
        ret = qcow2_flush(d->s);
    }
    if (ret < 0) {
        qcow2_drv_fail(bs, d);
    }
    return ret;
}

static int qcow2_drv_pwrite_zeroes(BlockDriverState *bs, int64_t offset,
                                   int64_t bytes, BdrvRequestFlags flags)
{
    Qcow2Driver *d = bs->opaque;
    int ret = qcow2_write_zeroes(d->s, (uint64_t)offset, (uint64_t)bytes,
                                 !!(flags & BDRV_REQ_MAY_UNMAP));

    if (ret < 0) {
        qcow2_drv_fail(bs, d);
    }
    return ret;
}

static int qcow2_drv_pdiscard(BlockDriverState *bs, int64_t offset,
                              int64_t bytes)
{
    Qcow2Driver *d = bs->opaque;
    int ret = qcow2_discard(d->s, (uint64_t)offset, (uint64_t)bytes);

    if (ret < 0) {
        qcow2_drv_fail(bs, d);
    }
    return ret;
}

static int qcow2_drv_flush(BlockDriverState *bs)
{
    Qcow2Driver *d = bs->opaque;
    return qcow2_flush(d->s);
}

static int qcow2_drv_truncate(BlockDriverState *bs, int64_t offset,
                              bool exact, PreallocMode prealloc,
                              Error **errp)
{
    Qcow2Driver *d = bs->opaque;
    return qcow2_resize(d->s, (uint64_t)offset, (Qcow2Prealloc)prealloc,
                        errp);
}

static int64_t qcow2_drv_getlength(BlockDriverState *bs)
{
    Qcow2Driver *d = bs->opaque;
    return (int64_t)d->s->size;
}

static int64_t qcow2_drv_allocated(BlockDriverState *bs)
{
    return bdrv_get_allocated_file_size(bs->file->bs);
}

static int qcow2_drv_block_status(BlockDriverState *bs, int64_t offset,
                                  int64_t bytes, int64_t *pnum, int64_t *map,
                                  BlockDriverState **file)
{
    Qcow2Driver *d = bs->opaque;
    uint64_t n, host;
    int t = qcow2_block_status(d->s, (uint64_t)offset, (uint64_t)bytes, &n,
                               &host);

    if (t < 0) {
        return t;
    }
    *pnum = (int64_t)n;
    *map = 0;
    *file = NULL;
    switch (t) {
    case QCOW2_CLUSTER_NORMAL:
        *map = (int64_t)host;
        *file = bs->file->bs;
        return BDRV_BLOCK_DATA | BDRV_BLOCK_OFFSET_VALID |
               BDRV_BLOCK_RECURSE;
    case QCOW2_CLUSTER_ZERO_ALLOC:
        *map = (int64_t)host;
        *file = bs->file->bs;
        return BDRV_BLOCK_ZERO | BDRV_BLOCK_OFFSET_VALID;
    case QCOW2_CLUSTER_ZERO_PLAIN:
        return BDRV_BLOCK_ZERO;
    case QCOW2_CLUSTER_COMPRESSED:
        return BDRV_BLOCK_DATA;
    default:
        return 0;   /* the core answers for the backing chain */
    }
}

static int qcow2_drv_get_info(BlockDriverState *bs, BlockDriverInfo *bdi)
{
    Qcow2Driver *d = bs->opaque;

    bdi->cluster_size = (int)d->s->cluster_size;
    bdi->is_dirty = !!(d->s->meta.h.incompatible_features &
                       QCOW2_INCOMPAT_DIRTY);
    bdi->unallocated_blocks_are_zero = !d->s->has_backing;
    return 0;
}

static struct json_object *qcow2_drv_specific(BlockDriverState *bs,
                                              Error **errp)
{
    Qcow2Driver *d = bs->opaque;
    return qcow2_format_specific(d->s);
}

static int qcow2_drv_check(BlockDriverState *bs, BdrvCheckResult *res,
                           BdrvCheckMode fix)
{
    Qcow2Driver *d = bs->opaque;
    Qcow2CheckResult r;
    int ret = qcow2_check(d->s, &r, (fix & BDRV_FIX_LEAKS ? QCOW2_FIX_LEAKS
                                     : 0) |
                          (fix & BDRV_FIX_ERRORS ? QCOW2_FIX_ERRORS : 0));

    res->corruptions = r.corruptions;
    res->leaks = r.leaks;
    res->check_errors = r.check_errors;
    res->corruptions_fixed = r.corruptions_fixed;
    res->leaks_fixed = r.leaks_fixed;
    res->image_end_offset = r.image_end_offset;
    res->allocated_clusters = r.allocated_clusters;
    res->total_clusters = r.total_clusters;
    res->fragmented_clusters = r.fragmented_clusters;
    res->compressed_clusters = r.compressed_clusters;
    return ret;
}

static bool qcow2_drv_amend(BlockDriverState *bs, struct json_object *opts,
                            bool force, Error **errp)
{
    Qcow2Driver *d = bs->opaque;
    bool ok = qcow2_amend(d->s, opts, errp);

    if (ok) {
        bs->total_size = (int64_t)d->s->size;
    }
    return ok;
}

static int qcow2_drv_snapshot_create(BlockDriverState *bs,
                                     BlockSnapshotInfo *sn)
{
    Qcow2Driver *d = bs->opaque;
    Error *err = NULL;
    int ret = qcow2_snapshot_create(d->s, sn->id_str, sn->name, sn->date_sec,
                                    sn->date_nsec, sn->vm_clock_nsec, &err);
    error_free(err);
    return ret;
}

static int qcow2_drv_snapshot_goto(BlockDriverState *bs,
                                   const char *id_or_name)
{
    Qcow2Driver *d = bs->opaque;
    Error *err = NULL;
    int ret = qcow2_snapshot_goto(d->s, id_or_name, &err);

    error_free(err);
    if (ret == 0) {
        bs->total_size = (int64_t)d->s->size;
    }
    return ret;
}

static int qcow2_drv_snapshot_delete(BlockDriverState *bs,
                                     const char *id_or_name, Error **errp)
{
    Qcow2Driver *d = bs->opaque;
    return qcow2_snapshot_delete(d->s, id_or_name, errp);
}

static int qcow2_drv_snapshot_list(BlockDriverState *bs,
                                   BlockSnapshotInfo **list)
{
    Qcow2Driver *d = bs->opaque;
    Qcow2State *s = d->s;

    g_mutex_lock(&s->lock);
    BlockSnapshotInfo *l = g_new0(BlockSnapshotInfo, s->nb_snapshots + 1);
    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        Qcow2Snapshot *sn = &s->snapshots[i];
        g_strlcpy(l[i].id_str, sn->id_str, sizeof(l[i].id_str));
        g_strlcpy(l[i].name, sn->name, sizeof(l[i].name));
        l[i].vm_state_size = sn->vm_state_size;
        l[i].date_sec = sn->date_sec;
        l[i].date_nsec = sn->date_nsec;
        l[i].vm_clock_nsec = sn->vm_clock_nsec;
        l[i].icount = sn->icount;
    }
    int n = (int)s->nb_snapshots;
    g_mutex_unlock(&s->lock);
    *list = l;
    return n;
}

static bool qcow2_create_backing_size(Qcow2CreateOpts *o,
                                      const char *filename, Error **errp)
{
    g_autofree char *path = NULL;
    struct json_object *bo = json_object_new_object();
    BlockDriverState *b;

    if (!o->backing_fmt) {
        error_setg(errp, "Backing file specified without backing format");
        json_object_put(bo);
        return false;
    }
    if (o->size_set) {
        /* qemu-img create -u: the backing file need not exist yet */
        json_object_put(bo);
        return true;
    }
    if (g_path_is_absolute(o->backing_file) || strchr(o->backing_file, ':')) {
        path = g_strdup(o->backing_file);
    } else {
        g_autofree char *dir = g_path_get_dirname(filename);
        path = g_build_filename(dir, o->backing_file, NULL);
    }
    json_object_object_add(bo, "driver",
                           json_object_new_string(o->backing_fmt));
    b = bdrv_open(path, bo, BDRV_O_NO_BACKING | BDRV_O_NO_IO, errp);
    json_object_put(bo);
    if (!b) {
        error_prepend(errp, "Could not open backing image: ");
        return false;
    }
    if (!o->size_set) {
        o->size = (uint64_t)bdrv_getlength(b);
        o->size_set = true;
    }
    bdrv_unref(b);
    return true;
}

static bool qcow2_drv_create(const char *filename, struct json_object *opts,
                             Error **errp)
{
    Qcow2CreateOpts o;
    Qcow2Host host;
    bool ok = false;

    qcow2_create_opts_init(&o);
    if (!qcow2_create_opts_take(&o, opts, errp) ||
        !qcow2_create_opts_validate(&o, errp) ||
        (o.backing_file && !qcow2_create_backing_size(&o, filename, errp))) {
        goto out;
    }
    if (!o.size_set) {
        error_setg(errp, "Image creation needs a size parameter");
        goto out;
    }
    struct json_object *fo = json_object_new_object();
    ok = bdrv_create_file(filename, fo, errp);
    json_object_put(fo);
    if (!ok) {
        goto out;
    }
    struct json_object *po = json_object_new_object();
    json_object_object_add(po, "driver", json_object_new_string("file"));
    BlockDriverState *f = bdrv_open(filename, po, BDRV_O_RDWR |
                                    BDRV_O_PROTOCOL, errp);
    json_object_put(po);
    ok = f != NULL;
    if (ok) {
        BdrvChild c = { .bs = f, .name = (char *)"file" };
        qcow2_host_for(&host, &c);
        ok = qcow2_create(&host, &o, errp);
        bdrv_unref(f);
    }
out:
    qcow2_create_opts_clear(&o);
    return ok;
}

const BlockDriver bdrv_qcow2 = {
    .format_name = "qcow2",
    .instance_size = sizeof(Qcow2Driver),
    .runtime_opts = qcow2_runtime_opts,
    .create_opts = qcow2_create_opt_names,
    .probe = qcow2_drv_probe,
    .open = qcow2_drv_open,
    .close = qcow2_drv_close,
    .preadv = qcow2_drv_preadv,
    .pwritev = qcow2_drv_pwritev,
    .pwrite_zeroes = qcow2_drv_pwrite_zeroes,
    .pdiscard = qcow2_drv_pdiscard,
    .flush_to_os = qcow2_drv_flush,
    .truncate = qcow2_drv_truncate,
    .getlength = qcow2_drv_getlength,
    .get_allocated_file_size = qcow2_drv_allocated,
    .block_status = qcow2_drv_block_status,
    .create = qcow2_drv_create,
    .get_info = qcow2_drv_get_info,
    .get_specific_info = qcow2_drv_specific,
    .check = qcow2_drv_check,
    .amend = qcow2_drv_amend,
    .snapshot_create = qcow2_drv_snapshot_create,
    .snapshot_goto = qcow2_drv_snapshot_goto,
    .snapshot_delete = qcow2_drv_snapshot_delete,
    .snapshot_list = qcow2_drv_snapshot_list,
};

bool qcow2_bdrv_is_qcow2(const BlockDriverState *bs)
{
    return bs && bs->drv == &bdrv_qcow2;
}

int qcow2_bdrv_write_compressed(BlockDriverState *bs, int64_t offset,
                                const void *buf, int64_t bytes)
{
    if (!qcow2_bdrv_is_qcow2(bs)) {
        return -ENOTSUP;
    }
    Qcow2Driver *d = bs->opaque;
    return qcow2_write_compressed(d->s, (uint64_t)offset, buf,
                                  (uint64_t)bytes);
}

int64_t qcow2_bdrv_cluster_size(BlockDriverState *bs)
{
    if (!qcow2_bdrv_is_qcow2(bs)) {
        return -ENOTSUP;
    }
    Qcow2Driver *d = bs->opaque;
    return (int64_t)d->s->cluster_size;
}

int qcow2_bdrv_make_empty(BlockDriverState *bs)
{
    if (!qcow2_bdrv_is_qcow2(bs)) {
        return -ENOTSUP;
    }
    Qcow2Driver *d = bs->opaque;
    return qcow2_make_empty(d->s);
}

int qcow2_bdrv_change_backing(BlockDriverState *bs, const char *file,
                              const char *fmt)
{
    if (!qcow2_bdrv_is_qcow2(bs)) {
        return -ENOTSUP;
    }
    Qcow2Driver *d = bs->opaque;
    Qcow2State *s = d->s;
    int ret;

    g_mutex_lock(&s->lock);
    g_free(s->meta.backing_file);
    g_free(s->meta.backing_format);
    s->meta.backing_file = file && file[0] ? g_strdup(file) : NULL;
    s->meta.backing_format = s->meta.backing_file && fmt && fmt[0]
                             ? g_strdup(fmt) : NULL;
    ret = qcow2_update_header(s);
    g_mutex_unlock(&s->lock);
    g_strlcpy(bs->backing_file, file ? file : "", sizeof(bs->backing_file));
    g_strlcpy(bs->backing_format, s->meta.backing_format ? fmt : "",
              sizeof(bs->backing_format));
    return ret;
}

void qcow2_bdrv_backing_changed(BlockDriverState *bs)
{
    if (!qcow2_bdrv_is_qcow2(bs)) {
        return;
    }
    Qcow2Driver *d = bs->opaque;

    g_mutex_lock(&d->s->lock);
    memset(&d->s->backing, 0, sizeof(d->s->backing));
    qcow2_drv_attach_backing(d, bs);
    g_mutex_unlock(&d->s->lock);
}
