/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * drive-mirror: copy a device's image to a target while the guest keeps
 * writing, then switch the device to the target.  A dirty map with one
 * bit per @granularity bytes starts with what the sync mode copies (full:
 * everything the chain holds; top: what the top image holds; none:
 * nothing) and a write gate on the source sets bits for every guest
 * write.  The job copies dirty chunks (clearing the bit before reading,
 * so a write that races the copy marks it again) until none are left,
 * then is ready (BLOCK_JOB_READY) and keeps following the guest.
 * block-job-complete copies the rest with the device drained and pivots
 * the device onto the target; cancel while ready completes without the
 * pivot, as QEMU does.  Writes to the target go through the request path,
 * so a write threshold on the target node fires.
 */
#include <errno.h>
#include <string.h>

#include "block/job-drivers.h"
#include "block/job-graph.h"
#include "block/job-write-gate.h"

typedef struct MirrorJob {
    BlockJob common;
    BlockBackend *blk;
    BlockDriverState *target;     /* ref */
    MirrorSyncMode sync;
    int64_t granularity;
    int64_t chunk;                /* bytes copied per step */
    bool zero_target;             /* existing target: write zeroes too */
    BdrvWriteGate *gate;
    GMutex dirty_lock;
    unsigned long *dirty;
    int64_t nb_bits;
    int64_t dirty_count;
} MirrorJob;

static void mirror_mark(MirrorJob *s, int64_t off, int64_t bytes)
{
    g_mutex_lock(&s->dirty_lock);
    for (int64_t b = off / s->granularity;
         b <= (off + bytes - 1) / s->granularity && b < s->nb_bits; b++) {
        if (!(s->dirty[b / 64] & (1ul << (b % 64)))) {
            s->dirty[b / 64] |= 1ul << (b % 64);
            s->dirty_count++;
        }
    }
    g_mutex_unlock(&s->dirty_lock);
}

static int mirror_after_write(void *opaque, int64_t off, int64_t bytes)
{
    MirrorJob *s = opaque;

    if (bytes > 0) {
        mirror_mark(s, off, bytes);
        g_mutex_lock(&s->common.lock);
        s->common.len += bytes;        /* more work appeared */
        g_mutex_unlock(&s->common.lock);
    }
    return 0;
}

/* Take a run of dirty bits (at most s->chunk bytes) starting at the first
 * dirty one; returns its byte range or false when clean. */
static bool mirror_take(MirrorJob *s, int64_t *off, int64_t *bytes)
{
    int64_t first = -1, n = 0, per = s->chunk / s->granularity;

    g_mutex_lock(&s->dirty_lock);
    for (int64_t b = 0; b < s->nb_bits && n < per; b++) {
        bool d = s->dirty[b / 64] & (1ul << (b % 64));
        if (d) {
            if (first < 0) {
                first = b;
            }
            s->dirty[b / 64] &= ~(1ul << (b % 64));
            s->dirty_count--;
            n++;
        } else if (first >= 0) {
            break;
        }
    }
    g_mutex_unlock(&s->dirty_lock);
    *off = first * s->granularity;
    *bytes = n * s->granularity;
    return first >= 0;
}

/* Copy [off, +bytes) (clipped to the image) from source to target. */
static int mirror_copy(MirrorJob *s, int64_t off, int64_t bytes,
                       uint8_t *buf, bool *is_read)
{
    BlockDriverState *src = s->common.bs;
    int64_t len = bdrv_getlength(src);
    int ret;

    bytes = MIN(bytes, len - off);
    if (bytes <= 0) {
        return 0;
    }
    *is_read = true;
    ret = bdrv_node_pread(src, off, bytes, buf, 0);
    if (ret < 0) {
        return ret;
    }
    *is_read = false;
    return bdrv_node_pwrite(s->target, off, bytes, buf, 0);
}

static int mirror_initial_dirty(MirrorJob *s, int64_t len)
{
    BlockDriverState *src = s->common.bs;

    for (int64_t off = 0; off < len && s->sync != MIRROR_SYNC_MODE_NONE; ) {
        int64_t pnum = 0;
        int st = s->sync == MIRROR_SYNC_MODE_TOP
                 ? bdrv_is_allocated(src, off, len - off, &pnum)
                 : bdrv_block_status_above(src, NULL, off, len - off, &pnum,
                                           NULL, NULL);
        if (st < 0) {
            return st;
        }
        bool data = s->sync == MIRROR_SYNC_MODE_TOP
                    ? st > 0 : (st & BDRV_BLOCK_ALLOCATED) != 0;
        if (data || (s->zero_target && s->sync == MIRROR_SYNC_MODE_FULL)) {
            mirror_mark(s, off, pnum);
        }
        off += pnum;
    }
    g_mutex_lock(&s->dirty_lock);
    block_job_set_len(&s->common, s->dirty_count * s->granularity);
    g_mutex_unlock(&s->dirty_lock);
    return 0;
}

/* One copy step under on-error: 1 done, 0 retry later, -errno fail. */
static int mirror_step(MirrorJob *s, uint8_t *buf)
{
    BlockJob *job = &s->common;
    int64_t off, bytes;
    bool is_read = true;
    int ret;

    if (!mirror_take(s, &off, &bytes)) {
        return 1;
    }
    ret = mirror_copy(s, off, bytes, buf, &is_read);
    if (ret < 0) {
        mirror_mark(s, off, bytes);           /* copy it again later */
        BlockErrorAction a = block_job_error_action(job, is_read, ret);
        return a == BLOCK_ERROR_ACTION_REPORT ? ret : 0;
    }
    block_job_progress(job, bytes);
    block_job_ratelimit(job, bytes);
    return 1;
}

static int mirror_run(BlockJob *job)
{
    MirrorJob *s = (MirrorJob *)job;
    int64_t len = bdrv_getlength(job->bs);
    g_autofree uint8_t *buf = g_malloc(s->chunk);
    int ret;

    bdrv_write_gate_set_bypass(true);
    if (len < 0 || (ret = mirror_initial_dirty(s, len)) < 0) {
        return len < 0 ? (int)len : ret;
    }
    for (;;) {
        if (block_job_pause_point(job)) {
            return -ECANCELED;
        }
        if (block_job_should_complete(job) ||
            (job->ready && block_job_cancel_requested(job))) {
            return 0;
        }
        g_mutex_lock(&s->dirty_lock);
        bool clean = s->dirty_count == 0;
        g_mutex_unlock(&s->dirty_lock);
        if (clean) {
            if (!job->ready) {
                ret = bdrv_node_flush(s->target);
                if (ret < 0 && block_job_error_action(job, false, ret) ==
                    BLOCK_ERROR_ACTION_REPORT) {
                    return ret;
                }
                block_job_set_ready(job);
            }
            block_job_sleep_ns(job, 20 * 1000 * 1000);
            continue;
        }
        ret = mirror_step(s, buf);
        if (ret < 0) {
            return ret;
        }
    }
}

static bool mirror_prepare(BlockJob *job, Error **errp)
{
    MirrorJob *s = (MirrorJob *)job;
    g_autofree uint8_t *buf = g_malloc(s->chunk);
    int64_t off, bytes;
    bool is_read;

    if (!block_job_should_complete(job)) {
        return true;              /* cancelled while ready: no pivot */
    }
    blk_drain(s->blk);
    while (mirror_take(s, &off, &bytes)) {
        int ret = mirror_copy(s, off, bytes, buf, &is_read);
        if (ret < 0) {
            error_setg_errno(errp, -ret, "Could not complete the mirror");
            return false;
        }
    }
    if (bdrv_node_flush(s->target) < 0) {
        error_setg(errp, "Could not flush the mirror target");
        return false;
    }
    bdrv_write_gate_remove(s->gate);
    s->gate = NULL;
    blk_remove_bs(s->blk);
    return blk_insert_bs(s->blk, s->target, errp);
}

static void mirror_clean(BlockJob *job)
{
    MirrorJob *s = (MirrorJob *)job;

    if (s->gate) {
        bdrv_write_gate_remove(s->gate);
    }
    blk_unref(s->blk);
    bdrv_unref(s->target);
    g_free(s->dirty);
    g_mutex_clear(&s->dirty_lock);
}

static bool mirror_complete(BlockJob *job, Error **errp)
{
    return true;
}

static const BlockJobDriver mirror_driver = {
    .type = JOB_TYPE_MIRROR,
    .instance_size = sizeof(MirrorJob),
    .run = mirror_run,
    .prepare = mirror_prepare,
    .clean = mirror_clean,
    .complete = mirror_complete,
};

bool mirror_start(const BlockJobCommon *c, BlockBackend *blk,
                  BlockDriverState *target, MirrorSyncMode sync,
                  int64_t granularity, int64_t buf_size, bool zero_target,
                  BlockdevOnErrorJob on_target_error, Error **errp)
{
    BlockDriverState *src = blk_bs(blk);
    MirrorJob *s;
    int64_t len = bdrv_getlength(src);

    if (bdrv_getlength(target) < len) {
        error_setg(errp, "Source and target image have different sizes");
        return false;
    }
    s = (MirrorJob *)block_job_create(c->job_id, &mirror_driver, src,
                                      c->speed, c->on_error,
                                      c->auto_finalize, c->auto_dismiss,
                                      errp);
    if (!s) {
        return false;
    }
    s->common.on_error_write = on_target_error;
    g_mutex_init(&s->dirty_lock);
    s->blk = blk;
    blk_ref(blk);
    s->target = target;
    bdrv_ref(target);
    s->sync = sync;
    s->granularity = granularity;
    s->chunk = MAX(granularity, MIN(buf_size, 1024 * 1024)) /
               granularity * granularity;
    s->zero_target = zero_target;
    s->nb_bits = (len + granularity - 1) / granularity;
    s->dirty = g_new0(unsigned long, s->nb_bits / 64 + 1);
    blk_drain_all();
    s->gate = bdrv_write_gate_add(src, NULL, mirror_after_write, s);
    block_job_start(&s->common);
    return true;
}
