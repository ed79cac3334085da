/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * block-stream: pull the data of the backing chain (down to a base) into
 * the top image, then rewrite the top's backing link and header.  Each
 * chunk is checked, read and written with the top's write gate held, so a
 * guest write to the same range either lands before (and the chunk is
 * skipped as allocated) or after (and overwrites the copy).  Cancel stops
 * between chunks: the image stays consistent (what was copied is data the
 * chain would read anyway) and a later stream finishes it.
 */
#include <errno.h>

#include "block/job-drivers.h"
#include "block/job-graph.h"
#include "block/job-write-gate.h"

#define STREAM_CHUNK (512 * 1024)

typedef struct StreamJob {
    BlockJob common;
    BlockDriverState *base;       /* ref; NULL: no base */
    char *backing_file;
    BdrvWriteGate *gate;
    int ignored_error;            /* on-error=ignore: completes with it */
} StreamJob;

/* Copy [@off, +@n) if the top does not hold it; the gate is held. */
static int stream_chunk(StreamJob *s, int64_t off, int64_t n,
                        uint8_t *buf, int64_t *copied, bool *is_read)
{
    BlockDriverState *top = s->common.bs;
    int64_t done = 0;

    *copied = 0;
    while (done < n) {
        int64_t pnum = 0;
        int ret = bdrv_is_allocated(top, off + done, n - done, &pnum);

        *is_read = true;
        if (ret < 0) {
            return ret;
        }
        if (!ret && bdrv_get_backing(top)) {
            int64_t p2 = 0;
            int st = bdrv_block_status_above(bdrv_get_backing(top), s->base,
                                             off + done, pnum, &p2, NULL,
                                             NULL);
            if (st < 0) {
                return st;
            }
            pnum = p2;
            if (st & BDRV_BLOCK_ALLOCATED) {
                ret = bdrv_node_pread(top, off + done, pnum, buf, 0);
                if (ret < 0) {
                    return ret;
                }
                *is_read = false;
                ret = bdrv_node_pwrite(top, off + done, pnum, buf, 0);
                if (ret < 0) {
                    return ret;
                }
                *copied += pnum;
            }
        }
        done += pnum;
    }
    return 0;
}

static int stream_run(BlockJob *job)
{
    StreamJob *s = (StreamJob *)job;
    int64_t len = bdrv_getlength(job->bs);
    g_autofree uint8_t *buf = g_malloc(STREAM_CHUNK);

    if (len < 0) {
        return (int)len;
    }
    block_job_set_len(job, len);
    bdrv_write_gate_set_bypass(true);
    for (int64_t off = 0; off < len; ) {
        int64_t n = MIN(STREAM_CHUNK, len - off), copied = 0;
        bool is_read = true;
        int ret;

        if (block_job_pause_point(job)) {
            return -ECANCELED;
        }
        bdrv_write_gate_lock(s->gate);
        ret = stream_chunk(s, off, n, buf, &copied, &is_read);
        bdrv_write_gate_unlock(s->gate);
        if (ret < 0) {
            BlockErrorAction a = block_job_error_action(job, is_read, ret);
            if (a == BLOCK_ERROR_ACTION_REPORT) {
                return ret;
            }
            if (a == BLOCK_ERROR_ACTION_STOP) {
                continue;                 /* retried after the pause */
            }
            s->ignored_error = ret;
        }
        off += n;
        block_job_progress(job, n);
        block_job_ratelimit(job, copied);
    }
    return s->ignored_error;
}

static bool stream_prepare(BlockJob *job, Error **errp)
{
    StreamJob *s = (StreamJob *)job;

    return block_job_set_backing(job->bs, s->base, s->backing_file, errp);
}

static void stream_clean(BlockJob *job)
{
    StreamJob *s = (StreamJob *)job;

    if (s->gate) {
        bdrv_write_gate_remove(s->gate);
    }
    bdrv_unref(s->base);
    g_free(s->backing_file);
}

static const BlockJobDriver stream_driver = {
    .type = JOB_TYPE_STREAM,
    .instance_size = sizeof(StreamJob),
    .run = stream_run,
    .prepare = stream_prepare,
    .clean = stream_clean,
};

bool stream_start(const BlockJobCommon *c, BlockDriverState *top,
                  BlockDriverState *base, const char *backing_file,
                  Error **errp)
{
    StreamJob *s;

    if (base && !block_job_chain_contains(top, base)) {
        error_setg(errp, "Node '%s' is not a backing image of '%s'",
                   bdrv_get_node_name(base), bdrv_get_node_name(top));
        return false;
    }
    if (bdrv_is_read_only(top)) {
        error_setg(errp, "Block node is read-only");
        return false;
    }
    if (!base && backing_file) {
        error_setg(errp, "backing file specified, but streaming the "
                   "entire chain");
        return false;
    }
    s = (StreamJob *)block_job_create(c->job_id, &stream_driver, top,
                                      c->speed, c->on_error,
                                      c->auto_finalize, c->auto_dismiss,
                                      errp);
    if (!s) {
        return false;
    }
    s->base = base;
    if (base) {
        bdrv_ref(base);
    }
    s->backing_file = g_strdup(backing_file);
    blk_drain_all();
    s->gate = bdrv_write_gate_add(top, NULL, NULL, s);
    block_job_start(&s->common);
    return true;
}
