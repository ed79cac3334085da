/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Block backends (include/block/block-backend.h): named handles over a root
 * node, their lifecycle, the byte-range check of guest requests (QEMU's
 * blk_check_byte_request), backend accounting and the async entry points.
 *
 * The error policy lives in block/block-error.c, the worker pool and
 * completion queues in block/aio-pool.c.
 */
#include <errno.h>
#include <string.h>

#include "block/block-backend.h"
#include "block/block-int.h"
#include "block/throttle.h"
#include "aio-pool.h"
#include "block-backend-int.h"


static GQueue all_backends = G_QUEUE_INIT;

/* ---------------------------------------------------------------------- */
/* Lifecycle and names                                                     */
/* ---------------------------------------------------------------------- */

static bool blk_name_valid(const char *name)
{
    return bdrv_node_name_valid(name);
}

BlockBackend *blk_new(const char *name, Error **errp)
{
    BlockBackend *blk;

    if (name && name[0]) {
        if (!blk_name_valid(name)) {
            error_setg(errp, "Invalid device name '%s'", name);
            return NULL;
        }
        if (blk_by_name(name)) {
            error_setg(errp, "Device with id '%s' already exists", name);
            return NULL;
        }
        if (bdrv_find_node(name)) {
            error_setg(errp, "Device name '%s' conflicts with an existing "
                       "node name", name);
            return NULL;
        }
    }
    blk = g_new0(BlockBackend, 1);
    blk->name = g_strdup(name ? name : "");
    blk->refcnt = 1;
    blk->perm = BLK_PERM_CONSISTENT_READ;
    blk->shared_perm = BLK_PERM_ALL;
    blk->on_read_error = BLOCKDEV_ON_ERROR_REPORT;
    blk->on_write_error = BLOCKDEV_ON_ERROR_ENOSPC;
    block_acct_init(&blk->stats);
    blk->cq = aio_completion_queue_new(NULL);
    g_queue_push_tail(&all_backends, blk);
    return blk;
}

BlockBackend *blk_new_open(const char *filename, struct json_object *options,
                           int flags, Error **errp)
{
    BlockBackend *blk;
    BlockDriverState *bs = bdrv_open(filename, options, flags, errp);

    if (!bs) {
        return NULL;
    }
    blk = blk_new("", errp);
    /* A tool (qemu-img's blk_new_open): takes what it opened for. */
    blk->perm = BLK_PERM_CONSISTENT_READ |
                ((flags & BDRV_O_RDWR) ? BLK_PERM_WRITE : 0);
    if (!blk_insert_bs(blk, bs, errp)) {
        blk_unref(blk);
        bdrv_unref(bs);
        return NULL;
    }
    bdrv_unref(bs);
    return blk;
}

bool blk_insert_bs(BlockBackend *blk, BlockDriverState *bs, Error **errp)
{
    if (blk->root) {
        error_setg(errp, "Device '%s' already has a medium", blk->name);
        return false;
    }
    bdrv_ref(bs);
    blk->root = g_new0(BdrvChild, 1);
    blk->root->bs = bs;
    blk->root->name = g_strdup("root");
    if (!bdrv_refresh_perms(bs, errp)) {
        BdrvChild *root = blk->root;

        blk->root = NULL;
        bdrv_child_free(root);
        return false;
    }
    return true;
}

void blk_remove_bs(BlockBackend *blk)
{
    if (blk->root) {
        BdrvChild *root = blk->root;

        blk_drain(blk);
        blk->root = NULL;
        bdrv_child_free(root);
    }
}

bool blk_set_perm(BlockBackend *blk, uint64_t perm, uint64_t shared,
                  Error **errp)
{
    uint64_t old_perm = blk->perm, old_shared = blk->shared_perm;

    blk->perm = perm;
    blk->shared_perm = shared;
    if (blk->root && !bdrv_refresh_perms(blk->root->bs, errp)) {
        blk->perm = old_perm;
        blk->shared_perm = old_shared;
        bdrv_refresh_perms(blk->root->bs, NULL);
        return false;
    }
    return true;
}

void blk_get_perm(BlockBackend *blk, uint64_t *perm, uint64_t *shared)
{
    *perm = blk->perm;
    *shared = blk->shared_perm;
}

void blk_ref(BlockBackend *blk)
{
    blk->refcnt++;
}

void blk_unref(BlockBackend *blk)
{
    if (!blk || --blk->refcnt > 0) {
        return;
    }
    blk_throttle_forget(blk);
    blk_remove_bs(blk);
    g_queue_remove(&all_backends, blk);
    aio_completion_queue_free(blk->cq);
    g_free(blk->name);
    g_free(blk->qdev);
    g_free(blk->qom_path);
    g_free(blk);
}

BlockBackend *blk_by_name(const char *name)
{
    for (GList *l = all_backends.head; l; l = l->next) {
        BlockBackend *blk = l->data;
        if (blk->name[0] && !strcmp(blk->name, name)) {
            return blk;
        }
    }
    return NULL;
}

BlockBackend *blk_next(BlockBackend *blk)
{
    if (!blk) {
        return all_backends.head ? all_backends.head->data : NULL;
    }
    GList *l = g_queue_find(&all_backends, blk);
    return l && l->next ? l->next->data : NULL;
}

const char *blk_name(const BlockBackend *blk)
{
    return blk->name;
}

BlockDriverState *blk_bs(BlockBackend *blk)
{
    return blk->root ? blk->root->bs : NULL;
}

BdrvChild *blk_root(BlockBackend *blk)
{
    return blk->root;
}

bool blk_is_inserted(BlockBackend *blk)
{
    return blk->root != NULL;
}

bool blk_is_read_only(BlockBackend *blk)
{
    return !blk->root || bdrv_is_read_only(blk->root->bs);
}

void blk_set_enable_write_cache(BlockBackend *blk, bool wce)
{
    BlockDriverState *bs = blk_bs(blk);

    /* The root node's writethrough flag is what the request path reads;
     * only the main thread changes it, with requests possibly in flight,
     * so a racing write may see either mode, as on real hardware. */
    if (bs) {
        int flags = __atomic_load_n(&bs->open_flags, __ATOMIC_RELAXED);
        flags = wce ? (flags & ~BDRV_O_WRITETHROUGH)
                    : (flags | BDRV_O_WRITETHROUGH);
        __atomic_store_n(&bs->open_flags, flags, __ATOMIC_RELAXED);
    }
}

bool blk_enable_write_cache(BlockBackend *blk)
{
    BlockDriverState *bs = blk_bs(blk);

    return bs && !(__atomic_load_n(&bs->open_flags, __ATOMIC_RELAXED) &
                   BDRV_O_WRITETHROUGH);
}

void blk_attach_dev(BlockBackend *blk, const char *qdev_id,
                    const char *qom_path)
{
    g_free(blk->qdev);
    g_free(blk->qom_path);
    blk->qdev = g_strdup(qdev_id);
    blk->qom_path = g_strdup(qom_path);
}

void blk_detach_dev(BlockBackend *blk)
{
    /* The guest disk's claim goes with it. */
    blk_set_perm(blk, BLK_PERM_CONSISTENT_READ, BLK_PERM_ALL, NULL);
    blk_attach_dev(blk, NULL, NULL);
    blk->dev_ops = NULL;
    blk->dev_opaque = NULL;
    blk->iostatus_enabled = false;
}

const char *blk_get_qdev(const BlockBackend *blk)
{
    return blk->qdev;
}

void blk_set_dev_ops(BlockBackend *blk, const BlockDevOps *ops, void *opaque)
{
    blk->dev_ops = ops;
    blk->dev_opaque = opaque;
}

const BlockDevOps *blk_get_dev_ops(BlockBackend *blk, void **opaque)
{
    *opaque = blk->dev_opaque;
    return blk->dev_ops;
}

void blk_resize_notify(BlockBackend *blk)
{
    if (blk->dev_ops && blk->dev_ops->resize_cb) {
        blk->dev_ops->resize_cb(blk->dev_opaque);
    }
}

void blk_set_completion_context(BlockBackend *blk, GMainContext *ctx)
{
    aio_completion_queue_set_context(blk->cq, ctx);
}

BlockAcctStats *blk_get_stats(BlockBackend *blk)
{
    return &blk->stats;
}

/* ---------------------------------------------------------------------- */
/* Blocking requests                                                       */
/* ---------------------------------------------------------------------- */

/*
 * QEMU's blk_check_byte_request(): the range must lie inside the root.
 * The cached size is used; a request past it re-reads the size once, so a
 * file grown behind our back is seen.
 */
static int blk_check_byte_request(BlockBackend *blk, int64_t offset,
                                  int64_t bytes)
{
    BlockDriverState *bs = blk_bs(blk);
    int64_t len;

    if (!bs) {
        return -ENOMEDIUM;
    }
    if (offset < 0 || bytes < 0) {
        return -EIO;
    }
    len = __atomic_load_n(&bs->total_size, __ATOMIC_RELAXED);
    if (offset <= len && len - offset >= bytes) {
        return 0;
    }
    len = bdrv_getlength(bs);
    if (len < 0) {
        return (int)len;
    }
    if (offset > len || len - offset < bytes) {
        return -EIO;
    }
    return 0;
}

static int blk_account(BlockBackend *blk, BlockAcctType type, int ret,
                       int64_t start, int64_t offset, int64_t bytes)
{
    if (aio_nowait_bailed()) {
        return ret;    /* given up inline; the pool runs it again */
    }
    block_acct_done(&blk->stats, type, ret, start, offset, bytes);
    return ret;
}

int blk_preadv(BlockBackend *blk, int64_t offset, int64_t bytes,
               BlockIOV *qiov, BdrvRequestFlags flags)
{
    int64_t start = block_acct_now_ns();
    int ret = blk_check_byte_request(blk, offset, bytes);

    if (ret < 0) {
        block_acct_invalid(&blk->stats, BLOCK_ACCT_READ);
        return ret;
    }
    blk_throttle_wait(blk, false, bytes);
    ret = bdrv_node_preadv(blk_bs(blk), offset, bytes, qiov, flags);
    return blk_account(blk, BLOCK_ACCT_READ, ret, start, offset, bytes);
}

int blk_pwritev(BlockBackend *blk, int64_t offset, int64_t bytes,
                BlockIOV *qiov, BdrvRequestFlags flags)
{
    int64_t start = block_acct_now_ns();
    int ret = blk_check_byte_request(blk, offset, bytes);

    if (ret < 0) {
        block_acct_invalid(&blk->stats, BLOCK_ACCT_WRITE);
        return ret;
    }
    blk_throttle_wait(blk, true, bytes);
    ret = bdrv_node_pwritev(blk_bs(blk), offset, bytes, qiov, flags);
    return blk_account(blk, BLOCK_ACCT_WRITE, ret, start, offset, bytes);
}

int blk_pread(BlockBackend *blk, int64_t offset, int64_t bytes, void *buf,
              BdrvRequestFlags flags)
{
    BlockIOV v;

    block_iov_init_buf(&v, buf, bytes);
    return blk_preadv(blk, offset, bytes, &v, flags);
}

int blk_pwrite(BlockBackend *blk, int64_t offset, int64_t bytes,
               const void *buf, BdrvRequestFlags flags)
{
    BlockIOV v;

    block_iov_init_buf(&v, (void *)buf, bytes);
    return blk_pwritev(blk, offset, bytes, &v, flags);
}

int blk_pwrite_zeroes(BlockBackend *blk, int64_t offset, int64_t bytes,
                      BdrvRequestFlags flags)
{
    int64_t start = block_acct_now_ns();
    int ret = blk_check_byte_request(blk, offset, bytes);

    if (ret < 0) {
        block_acct_invalid(&blk->stats, BLOCK_ACCT_WRITE);
        return ret;
    }
    blk_throttle_wait(blk, true, bytes);
    ret = bdrv_node_pwrite_zeroes(blk_bs(blk), offset, bytes, flags);
    return blk_account(blk, BLOCK_ACCT_WRITE, ret, start, offset, bytes);
}

int blk_pdiscard(BlockBackend *blk, int64_t offset, int64_t bytes)
{
    int64_t start = block_acct_now_ns();
    int ret = blk_check_byte_request(blk, offset, bytes);

    if (ret < 0) {
        block_acct_invalid(&blk->stats, BLOCK_ACCT_UNMAP);
        return ret;
    }
    ret = bdrv_node_pdiscard(blk_bs(blk), offset, bytes);
    return blk_account(blk, BLOCK_ACCT_UNMAP, ret, start, offset, bytes);
}

int blk_flush(BlockBackend *blk)
{
    int64_t start = block_acct_now_ns();
    int ret;

    if (!blk_bs(blk)) {
        return -ENOMEDIUM;
    }
    ret = bdrv_node_flush(blk_bs(blk));
    return blk_account(blk, BLOCK_ACCT_FLUSH, ret, start, 0, 0);
}

int64_t blk_getlength(BlockBackend *blk)
{
    return blk_bs(blk) ? bdrv_getlength(blk_bs(blk)) : -ENOMEDIUM;
}

int blk_truncate(BlockBackend *blk, int64_t offset, bool exact,
                 PreallocMode prealloc, Error **errp)
{
    if (!blk_bs(blk)) {
        error_setg(errp, "No medium inserted");
        return -ENOMEDIUM;
    }
    return bdrv_truncate(blk_bs(blk), offset, exact, prealloc, errp);
}

/* ---------------------------------------------------------------------- */
/* Asynchronous requests: see block/aio-pool.c                             */
/* ---------------------------------------------------------------------- */

static int blk_aio_run_kind(const AioRequest *r)
{
    BlockBackend *blk = r->blk;

    switch (r->kind) {
    case AIO_READ:
        return blk_preadv(blk, r->offset, r->bytes, r->qiov, r->flags);
    case AIO_WRITE:
        return blk_pwritev(blk, r->offset, r->bytes, r->qiov, r->flags);
    case AIO_WRITE_ZEROES:
        return blk_pwrite_zeroes(blk, r->offset, r->bytes, r->flags);
    case AIO_DISCARD:
        return blk_pdiscard(blk, r->offset, r->bytes);
    case AIO_FLUSH:
        return blk_flush(blk);
    }
    return -EINVAL;
}

/* Requests admitted by the throttle (block/throttle.c) are not
 * throttled again on the worker thread. */
static int blk_aio_run(const AioRequest *r)
{
    int ret;

    blk_throttle_set_async_context(true);
    ret = blk_aio_run_kind(r);
    blk_throttle_set_async_context(false);
    return ret;
}

static void blk_aio_submit_deferred(void *opaque)
{
    AioRequest *r = opaque;
    BlockDriverState *bs = blk_bs(r->blk);

    aio_pool_submit(r->blk->cq, r, bs && bs->nonblocking);
    g_free(r);
}

static void blk_aio_submit(BlockBackend *blk, AioKind kind, int64_t offset,
                           int64_t bytes, BlockIOV *qiov,
                           BdrvRequestFlags flags, BlockCompletionFunc *cb,
                           void *opaque)
{
    AioRequest r = {
        .blk = blk, .kind = kind, .offset = offset, .bytes = bytes,
        .qiov = qiov, .flags = flags, .run = blk_aio_run, .cb = cb,
        .opaque = opaque,
    };

    BlockDriverState *bs = blk_bs(blk);

    if (kind != AIO_DISCARD && kind != AIO_FLUSH) {
        AioRequest *copy = g_memdup2(&r, sizeof(r));

        if (blk_throttle_defer(blk, kind != AIO_READ, bytes,
                               blk_aio_submit_deferred, copy)) {
            return;
        }
        g_free(copy);
    }
    aio_pool_submit(blk->cq, &r, bs && bs->nonblocking);
}

void blk_aio_preadv(BlockBackend *blk, int64_t offset, BlockIOV *qiov,
                    BdrvRequestFlags flags, BlockCompletionFunc *cb,
                    void *opaque)
{
    blk_aio_submit(blk, AIO_READ, offset, qiov->size, qiov, flags, cb,
                   opaque);
}

void blk_aio_pwritev(BlockBackend *blk, int64_t offset, BlockIOV *qiov,
                     BdrvRequestFlags flags, BlockCompletionFunc *cb,
                     void *opaque)
{
    blk_aio_submit(blk, AIO_WRITE, offset, qiov->size, qiov, flags, cb,
                   opaque);
}

void blk_aio_pwrite_zeroes(BlockBackend *blk, int64_t offset, int64_t bytes,
                           BdrvRequestFlags flags, BlockCompletionFunc *cb,
                           void *opaque)
{
    blk_aio_submit(blk, AIO_WRITE_ZEROES, offset, bytes, NULL, flags, cb,
                   opaque);
}

void blk_aio_pdiscard(BlockBackend *blk, int64_t offset, int64_t bytes,
                      BlockCompletionFunc *cb, void *opaque)
{
    blk_aio_submit(blk, AIO_DISCARD, offset, bytes, NULL, 0, cb, opaque);
}

void blk_aio_flush(BlockBackend *blk, BlockCompletionFunc *cb, void *opaque)
{
    blk_aio_submit(blk, AIO_FLUSH, 0, 0, NULL, 0, cb, opaque);
}

int blk_in_flight(BlockBackend *blk)
{
    return aio_completion_queue_in_flight(blk->cq);
}

void blk_drain(BlockBackend *blk)
{
    blk_throttle_flush(blk);     /* throttled requests go now, as QEMU */
    aio_completion_queue_drain(blk->cq);
    if (blk_bs(blk)) {
        bdrv_drain(blk_bs(blk));
    }
}

void blk_drain_all(void)
{
    for (GList *l = all_backends.head; l; l = l->next) {
        blk_drain(l->data);
    }
}
