/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * drive-backup and blockdev-backup: a point-in-time copy of a node.  The
 * source is cut into clusters (64 KiB); a "copied" map says which are in
 * the target.  The job walks the clusters in order; a write gate on the
 * source runs copy-before-write first for every guest write: clusters
 * it is about to overwrite that are not copied yet are copied now, with
 * their old content.  One mutex covers a cluster's check-copy-mark, so
 * the job and a guest write never copy the same cluster twice, and what
 * reaches the target is always the content at the start of the job.
 * sync full copies what the chain reads (not regions reading as zero of
 * a new target), top what the top image holds, none nothing but what
 * guest writes displace (it runs until cancelled).  Nothing changes in
 * the graph when it ends.
 */
#include <errno.h>
#include <string.h>

#include "block/job-drivers.h"
#include "block/job-graph.h"
#include "block/job-write-gate.h"

#define BACKUP_CLUSTER (64 * 1024)

typedef struct BackupJob {
    BlockJob common;
    BlockDriverState *target;     /* ref */
    MirrorSyncMode sync;
    bool target_is_new;
    BdrvWriteGate *gate;
    GMutex copy_lock;
    unsigned long *copied;        /* one bit per cluster */
    int64_t nb_clusters;
    int64_t len;
    uint8_t *cbw_buf;             /* under copy_lock */
    int cbw_error;                /* first copy-before-write error */
} BackupJob;

static bool backup_is_copied(BackupJob *s, int64_t c)
{
    return s->copied[c / 64] & (1ul << (c % 64));
}

/* Copy cluster @c unless done; copy_lock held.  0 or -errno. */
static int backup_copy_cluster(BackupJob *s, int64_t c, uint8_t *buf,
                               bool *is_read, int64_t *copied)
{
    int64_t off = c * BACKUP_CLUSTER, n = MIN(BACKUP_CLUSTER, s->len - off);
    int ret;

    *copied = 0;
    if (backup_is_copied(s, c)) {
        return 0;
    }
    *is_read = true;
    ret = bdrv_node_pread(s->common.bs, off, n, buf, 0);
    if (ret < 0) {
        return ret;
    }
    *is_read = false;
    ret = bdrv_node_pwrite(s->target, off, n, buf, 0);
    if (ret < 0) {
        return ret;
    }
    s->copied[c / 64] |= 1ul << (c % 64);
    *copied = n;
    return 0;
}

/* The gate's before hook: runs on the guest write's thread. */
static int backup_before_write(void *opaque, int64_t off, int64_t bytes)
{
    BackupJob *s = opaque;
    int ret = 0;

    if (bytes <= 0) {
        return 0;
    }
    bdrv_write_gate_set_bypass(true);
    g_mutex_lock(&s->copy_lock);
    for (int64_t c = off / BACKUP_CLUSTER;
         c <= (off + bytes - 1) / BACKUP_CLUSTER && c < s->nb_clusters;
         c++) {
        bool is_read;
        int64_t copied;

        ret = backup_copy_cluster(s, c, s->cbw_buf, &is_read, &copied);
        if (ret < 0) {
            if (!s->cbw_error) {
                s->cbw_error = ret;
            }
            break;
        }
    }
    g_mutex_unlock(&s->copy_lock);
    bdrv_write_gate_set_bypass(false);
    /* As QEMU's copy-before-write filter: the guest write fails too. */
    return ret;
}

/* Whether cluster @c is to be copied by the job itself. */
static int backup_wanted(BackupJob *s, int64_t c)
{
    int64_t off = c * BACKUP_CLUSTER, n = MIN(BACKUP_CLUSTER, s->len - off);
    int64_t pnum = 0;
    int st;

    if (s->sync == MIRROR_SYNC_MODE_TOP) {
        return bdrv_is_allocated(s->common.bs, off, n, &pnum) != 0 ||
               pnum < n;
    }
    if (!s->target_is_new) {
        return 1;
    }
    st = bdrv_block_status_above(s->common.bs, NULL, off, n, &pnum, NULL,
                                 NULL);
    return st < 0 ? st : ((st & BDRV_BLOCK_ALLOCATED) || pnum < n);
}

static int backup_loop(BackupJob *s, uint8_t *buf)
{
    BlockJob *job = &s->common;

    for (int64_t c = 0; c < s->nb_clusters; ) {
        int64_t copied = 0;
        bool is_read = true;
        int ret;

        if (block_job_pause_point(job)) {
            return -ECANCELED;
        }
        ret = backup_wanted(s, c);
        if (ret > 0) {
            g_mutex_lock(&s->copy_lock);
            ret = backup_copy_cluster(s, c, buf, &is_read, &copied);
            g_mutex_unlock(&s->copy_lock);
        }
        if (ret < 0) {
            BlockErrorAction a = block_job_error_action(job, is_read, ret);
            if (a == BLOCK_ERROR_ACTION_REPORT) {
                return ret;
            }
            if (a == BLOCK_ERROR_ACTION_STOP) {
                continue;
            }
        }
        block_job_progress(job, MIN(BACKUP_CLUSTER,
                                    s->len - c * BACKUP_CLUSTER));
        block_job_ratelimit(job, copied);
        c++;
    }
    return 0;
}

static int backup_run(BlockJob *job)
{
    BackupJob *s = (BackupJob *)job;
    g_autofree uint8_t *buf = g_malloc(BACKUP_CLUSTER);
    int ret;

    block_job_set_len(job, s->len);
    bdrv_write_gate_set_bypass(true);
    if (s->sync == MIRROR_SYNC_MODE_NONE) {
        while (!block_job_pause_point(job)) {
            block_job_sleep_ns(job, 50 * 1000 * 1000);
        }
        return -ECANCELED;
    }
    ret = backup_loop(s, buf);
    g_mutex_lock(&s->copy_lock);
    if (ret == 0 && s->cbw_error) {
        ret = s->cbw_error;
    }
    g_mutex_unlock(&s->copy_lock);
    if (ret == 0) {
        ret = bdrv_node_flush(s->target);
    }
    return ret;
}

static void backup_clean(BlockJob *job)
{
    BackupJob *s = (BackupJob *)job;

    if (s->gate) {
        bdrv_write_gate_remove(s->gate);
    }
    bdrv_unref(s->target);
    g_free(s->copied);
    g_free(s->cbw_buf);
    g_mutex_clear(&s->copy_lock);
}

static const BlockJobDriver backup_driver = {
    .type = JOB_TYPE_BACKUP,
    .instance_size = sizeof(BackupJob),
    .run = backup_run,
    .clean = backup_clean,
};

bool backup_start(const BlockJobCommon *c, BlockDriverState *src,
                  BlockDriverState *target, MirrorSyncMode sync,
                  bool target_is_new, BlockdevOnErrorJob on_target_error,
                  Error **errp)
{
    BackupJob *s;
    int64_t len = bdrv_getlength(src);

    if (src == target) {
        error_setg(errp, "Source and target cannot be the same");
        return false;
    }
    if (len < 0 || bdrv_getlength(target) < len) {
        error_setg(errp, "Source and target image have different sizes");
        return false;
    }
    if (bdrv_is_read_only(target)) {
        error_setg(errp, "Target node is read-only");
        return false;
    }
    s = (BackupJob *)block_job_create(c->job_id, &backup_driver, src,
                                      c->speed, c->on_error,
                                      c->auto_finalize, c->auto_dismiss,
                                      errp);
    if (!s) {
        return false;
    }
    s->common.on_error_write = on_target_error;
    g_mutex_init(&s->copy_lock);
    s->target = target;
    bdrv_ref(target);
    s->sync = sync;
    s->target_is_new = target_is_new;
    s->len = len;
    s->nb_clusters = (len + BACKUP_CLUSTER - 1) / BACKUP_CLUSTER;
    s->copied = g_new0(unsigned long, s->nb_clusters / 64 + 1);
    s->cbw_buf = g_malloc(BACKUP_CLUSTER);
    blk_drain_all();
    s->gate = bdrv_write_gate_add(src, backup_before_write, NULL, s);
    block_job_start(&s->common);
    return true;
}
