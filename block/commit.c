/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * block-commit: merge the layers from a top node down to (not including)
 * a base into the base.  The base is made writable first (it is a
 * read-only backing node) and grows to the top's size.
 *
 * Intermediate commit: the top is read-only, nothing else writes it; when
 * done the top's parent backs onto the base and the committed layers
 * leave the chain.  Active commit (top = the device's root): guest writes
 * keep landing in the top, so a write gate marks what they touch dirty
 * and the job copies dirty chunks again; when nothing is left it is
 * ready; block-job-complete copies the rest with the device drained and
 * switches the device to the base.  Writes to the base go through the
 * normal request path, so a write threshold set on the base (or its
 * protocol node) fires as the data arrives.
 */
#include <errno.h>
#include <string.h>

#include "block/job-drivers.h"
#include "block/job-graph.h"
#include "block/job-write-gate.h"

#define COMMIT_CHUNK (512 * 1024)

typedef struct CommitJob {
    BlockJob common;
    BlockBackend *blk;            /* active commit: the device */
    BlockDriverState *top;        /* ref */
    BlockDriverState *base;       /* ref; writable */
    BlockDriverState *active;     /* the chain's top node (ref) */
    bool base_was_read_only;      /* made read-only again at the end */
    char *backing_file;
    BdrvWriteGate *gate;
    GMutex dirty_lock;
    unsigned long *dirty;         /* one bit per chunk (active commit) */
    int64_t nb_chunks;
} CommitJob;

static int commit_after_write(void *opaque, int64_t off, int64_t bytes)
{
    CommitJob *s = opaque;

    g_mutex_lock(&s->dirty_lock);
    for (int64_t c = off / COMMIT_CHUNK;
         c <= (off + bytes - 1) / COMMIT_CHUNK && c < s->nb_chunks; c++) {
        s->dirty[c / 64] |= 1ul << (c % 64);
    }
    g_mutex_unlock(&s->dirty_lock);
    return 0;
}

/* Take one dirty chunk (its bit cleared) or -1. */
static int64_t commit_take_dirty(CommitJob *s)
{
    int64_t found = -1;

    g_mutex_lock(&s->dirty_lock);
    for (int64_t c = 0; c < s->nb_chunks; c++) {
        if (s->dirty[c / 64] & (1ul << (c % 64))) {
            s->dirty[c / 64] &= ~(1ul << (c % 64));
            found = c;
            break;
        }
    }
    g_mutex_unlock(&s->dirty_lock);
    return found;
}

/* Copy what the chain above the base holds in [@off, +@n). */
static int commit_chunk(CommitJob *s, int64_t off, int64_t n, uint8_t *buf,
                        int64_t *copied, bool *is_read)
{
    for (int64_t done = 0; done < n; ) {
        int64_t pnum = 0;
        int st = bdrv_block_status_above(s->top, s->base, off + done,
                                         n - done, &pnum, NULL, NULL);
        *is_read = true;
        if (st < 0) {
            return st;
        }
        if (st & BDRV_BLOCK_ALLOCATED) {
            int ret = bdrv_node_pread(s->top, off + done, pnum, buf, 0);
            if (ret < 0) {
                return ret;
            }
            *is_read = false;
            ret = bdrv_node_pwrite(s->base, off + done, pnum, buf, 0);
            if (ret < 0) {
                return ret;
            }
            *copied += pnum;
        }
        done += pnum;
    }
    return 0;
}

/* One chunk with the on-error policy: 1 done, 0 retry, -errno fail. */
static int commit_step(CommitJob *s, int64_t off, int64_t n, uint8_t *buf)
{
    BlockJob *job = &s->common;
    int64_t copied = 0;
    bool is_read = true;
    int ret = commit_chunk(s, off, n, buf, &copied, &is_read);

    if (ret < 0) {
        BlockErrorAction a = block_job_error_action(job, is_read, ret);
        if (a == BLOCK_ERROR_ACTION_REPORT) {
            return ret;
        }
        if (a == BLOCK_ERROR_ACTION_IGNORE && s->gate) {
            commit_after_write(s, off, n);    /* retried later */
        }
        return a == BLOCK_ERROR_ACTION_STOP ? 0 : 1;
    }
    block_job_ratelimit(job, copied);
    return 1;
}

/* Active commit after the first pass: follow the guest until complete. */
static int commit_active_loop(CommitJob *s, uint8_t *buf, int64_t len)
{
    BlockJob *job = &s->common;

    for (;;) {
        int64_t c;

        if (block_job_pause_point(job)) {
            return -ECANCELED;
        }
        if (block_job_should_complete(job) ||
            (job->ready && block_job_cancel_requested(job))) {
            return 0;
        }
        c = commit_take_dirty(s);
        if (c < 0) {
            if (!job->ready) {
                block_job_set_ready(job);
            }
            block_job_sleep_ns(job, 20 * 1000 * 1000);
            continue;
        }
        int64_t off = c * COMMIT_CHUNK, n = MIN(COMMIT_CHUNK, len - off);
        int ret = commit_step(s, off, n, buf);
        if (ret < 0) {
            return ret;
        }
        if (ret == 0) {
            commit_after_write(s, off, n);
        }
    }
}

static int commit_run(BlockJob *job)
{
    CommitJob *s = (CommitJob *)job;
    int64_t len = bdrv_getlength(s->top);
    g_autofree uint8_t *buf = g_malloc(COMMIT_CHUNK);

    if (len < 0) {
        return (int)len;
    }
    block_job_set_len(job, len);
    bdrv_write_gate_set_bypass(true);
    for (int64_t off = 0; off < len; ) {
        int64_t n = MIN(COMMIT_CHUNK, len - off);
        int ret;

        if (block_job_pause_point(job)) {
            return -ECANCELED;
        }
        ret = commit_step(s, off, n, buf);
        if (ret < 0) {
            return ret;
        }
        if (ret > 0) {
            off += n;
            block_job_progress(job, n);
        }
    }
    return s->blk ? commit_active_loop(s, buf, len) : 0;
}

/* Active commit, main thread, device drained: copy what is still dirty. */
static int commit_flush_dirty(CommitJob *s)
{
    g_autofree uint8_t *buf = g_malloc(COMMIT_CHUNK);
    int64_t len = bdrv_getlength(s->top), c, copied = 0;
    bool is_read;

    while ((c = commit_take_dirty(s)) >= 0) {
        int64_t off = c * COMMIT_CHUNK;
        int ret = commit_chunk(s, off, MIN(COMMIT_CHUNK, len - off), buf,
                               &copied, &is_read);
        if (ret < 0) {
            return ret;
        }
    }
    return bdrv_node_flush(s->base);
}

static bool commit_prepare(BlockJob *job, Error **errp)
{
    CommitJob *s = (CommitJob *)job;
    BlockDriverState *parent;

    if (s->blk) {
        if (!block_job_should_complete(job)) {
            return true;          /* cancelled while ready: no pivot */
        }
        blk_drain(s->blk);
        int ret = commit_flush_dirty(s);
        if (ret < 0) {
            error_setg_errno(errp, -ret, "Could not complete the commit");
            return false;
        }
        bdrv_write_gate_remove(s->gate);
        s->gate = NULL;
        blk_remove_bs(s->blk);
        return blk_insert_bs(s->blk, s->base, errp);
    }
    parent = block_job_chain_parent(s->active, s->top);
    if (!parent) {
        error_setg(errp, "The top node left the chain");
        return false;
    }
    return block_job_set_backing(parent, s->base, s->backing_file, errp);
}

static void commit_clean(BlockJob *job)
{
    CommitJob *s = (CommitJob *)job;
    BlockDriverState *parent = block_job_chain_parent(s->active, s->base);

    /* As QEMU: a base still in the chain goes back to read-only, so its
     * image lock lets readers (qemu-img info) in again. */
    if (s->base_was_read_only && parent) {
        block_job_make_read_only(parent, s->base, NULL);
    }
    if (s->gate) {
        bdrv_write_gate_remove(s->gate);
    }
    if (s->blk) {
        blk_unref(s->blk);
    }
    bdrv_unref(s->top);
    bdrv_unref(s->base);
    bdrv_unref(s->active);
    g_free(s->dirty);
    g_mutex_clear(&s->dirty_lock);
    g_free(s->backing_file);
}

static bool commit_complete(BlockJob *job, Error **errp)
{
    return true;
}

static const BlockJobDriver commit_driver = {
    .type = JOB_TYPE_COMMIT,
    .instance_size = sizeof(CommitJob),
    .run = commit_run,
    .prepare = commit_prepare,
    .clean = commit_clean,
    .complete = commit_complete,
};

/* Make the base writable and as large as the top. */
static BlockDriverState *commit_prepare_base(BlockDriverState *active,
                                             BlockDriverState *top,
                                             BlockDriverState *base,
                                             Error **errp)
{
    BlockDriverState *parent = block_job_chain_parent(active, base);
    int64_t tlen = bdrv_getlength(top), blen;

    base = block_job_make_writable(parent, base, errp);
    if (!base) {
        return NULL;
    }
    blen = bdrv_getlength(base);
    if (tlen > blen &&
        bdrv_truncate(base, tlen, false, PREALLOC_MODE_OFF, errp) < 0) {
        return NULL;
    }
    return base;
}

bool commit_start(const BlockJobCommon *c, BlockBackend *blk,
                  BlockDriverState *active, BlockDriverState *top,
                  BlockDriverState *base, const char *backing_file,
                  Error **errp)
{
    CommitJob *s;
    bool is_active = top == active;

    if (top == base) {
        error_setg(errp, "cannot commit an image into itself");
        return false;
    }
    if (!block_job_chain_contains(top, base)) {
        error_setg(errp, "Base '%s' not found", bdrv_get_filename(base));
        return false;
    }
    if (is_active && !blk) {
        error_setg(errp, "Active commit needs a device");
        return false;
    }
    if (block_job_node_busy(top)) {
        error_setg(errp, "Node '%s' is busy: block device is in use by "
                   "block job: %s", bdrv_get_node_name(top),
                   JobType_str(block_job_node_busy(top)->drv->type));
        return false;
    }
    bool base_ro = bdrv_is_read_only(base);

    base = commit_prepare_base(active, top, base, errp);
    if (!base) {
        return false;
    }
    s = (CommitJob *)block_job_create(c->job_id, &commit_driver, top,
                                      c->speed, c->on_error,
                                      c->auto_finalize, c->auto_dismiss,
                                      errp);
    if (!s) {
        return false;
    }
    g_mutex_init(&s->dirty_lock);
    s->top = top;
    s->base = base;
    s->base_was_read_only = base_ro;
    s->active = active;
    bdrv_ref(top);
    bdrv_ref(base);
    bdrv_ref(active);
    s->backing_file = g_strdup(backing_file);
    if (is_active) {
        s->blk = blk;
        blk_ref(blk);
        s->nb_chunks = (bdrv_getlength(top) + COMMIT_CHUNK - 1) /
                       COMMIT_CHUNK;
        s->dirty = g_new0(unsigned long, s->nb_chunks / 64 + 1);
        blk_drain_all();
        s->gate = bdrv_write_gate_add(top, NULL, commit_after_write, s);
    }
    block_job_start(&s->common);
    return true;
}
