/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The block job core (include/block/job.h): QEMU's JobStatus state
 * machine with its transition and verb tables, JOB_STATUS_CHANGE and the
 * BLOCK_JOB_* events, the rate limiter, on-error handling and the
 * finalization sequence (BLOCK-QMP-REFERENCE.md sections 4 and 6).
 *
 * Deviation: no transactions; every job is its own transaction, so
 * "waiting" is passed through at once.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "block/block-int.h"
#include "block/job.h"
#include "qapi/qapi-events.h"
#include "util/main-loop.h"

static GQueue all_jobs = G_QUEUE_INIT;

/* QEMU's JobSTT: allowed[from][to]. */
static const bool job_stt[JOB_STATUS__MAX][JOB_STATUS__MAX] = {
    [JOB_STATUS_UNDEFINED] = { [JOB_STATUS_CREATED] = 1 },
    [JOB_STATUS_CREATED] = { [JOB_STATUS_RUNNING] = 1,
                             [JOB_STATUS_ABORTING] = 1,
                             [JOB_STATUS_NULL] = 1 },
    [JOB_STATUS_RUNNING] = { [JOB_STATUS_PAUSED] = 1, [JOB_STATUS_READY] = 1,
                             [JOB_STATUS_WAITING] = 1,
                             [JOB_STATUS_ABORTING] = 1 },
    [JOB_STATUS_PAUSED] = { [JOB_STATUS_RUNNING] = 1 },
    [JOB_STATUS_READY] = { [JOB_STATUS_STANDBY] = 1,
                           [JOB_STATUS_WAITING] = 1,
                           [JOB_STATUS_ABORTING] = 1 },
    [JOB_STATUS_STANDBY] = { [JOB_STATUS_READY] = 1 },
    [JOB_STATUS_WAITING] = { [JOB_STATUS_PENDING] = 1,
                             [JOB_STATUS_ABORTING] = 1 },
    [JOB_STATUS_PENDING] = { [JOB_STATUS_ABORTING] = 1,
                             [JOB_STATUS_CONCLUDED] = 1 },
    [JOB_STATUS_ABORTING] = { [JOB_STATUS_ABORTING] = 1,
                              [JOB_STATUS_CONCLUDED] = 1 },
    [JOB_STATUS_CONCLUDED] = { [JOB_STATUS_NULL] = 1 },
};

typedef enum JobVerb {
    JOB_VERB_CANCEL, JOB_VERB_PAUSE, JOB_VERB_RESUME, JOB_VERB_SET_SPEED,
    JOB_VERB_COMPLETE, JOB_VERB_FINALIZE, JOB_VERB_DISMISS, JOB_VERB__MAX,
} JobVerb;

static const char *const job_verb_names[JOB_VERB__MAX] = {
    "cancel", "pause", "resume", "set-speed", "complete", "finalize",
    "dismiss",
};

/* QEMU's JobVerbTable: which verbs each state accepts. */
#define JV_LIVE (1u << JOB_STATUS_CREATED | 1u << JOB_STATUS_RUNNING | \
                 1u << JOB_STATUS_PAUSED | 1u << JOB_STATUS_READY | \
                 1u << JOB_STATUS_STANDBY)
static const unsigned job_verb_states[JOB_VERB__MAX] = {
    [JOB_VERB_CANCEL] = JV_LIVE | 1u << JOB_STATUS_WAITING |
                        1u << JOB_STATUS_PENDING,
    [JOB_VERB_PAUSE] = JV_LIVE,
    [JOB_VERB_RESUME] = JV_LIVE,
    [JOB_VERB_SET_SPEED] = JV_LIVE,
    [JOB_VERB_COMPLETE] = 1u << JOB_STATUS_READY | 1u << JOB_STATUS_STANDBY,
    [JOB_VERB_FINALIZE] = 1u << JOB_STATUS_PENDING,
    [JOB_VERB_DISMISS] = 1u << JOB_STATUS_CONCLUDED,
};

static int64_t job_now_ns(void)
{
    return g_get_monotonic_time() * 1000;
}

/* Caller holds job->lock (or is the only thread that can see the job). */
static void job_transition(BlockJob *job, JobStatus to)
{
    assert(job_stt[job->status][to]);   /* our own state machine */
    job->status = to;
    qapi_event_send_job_status_change(job->id, to);
}

static bool job_verb_ok(BlockJob *job, JobVerb verb, Error **errp)
{
    if (job_verb_states[verb] & (1u << job->status)) {
        return true;
    }
    error_setg(errp, "Job '%s' in state '%s' cannot accept command verb "
               "'%s'", job->id, JobStatus_str(job->status),
               job_verb_names[verb]);
    return false;
}

static bool job_id_wellformed(const char *id)
{
    if (!id || !g_ascii_isalpha(id[0])) {
        return false;
    }
    for (const char *p = id; *p; p++) {
        if (!g_ascii_isalnum(*p) && !strchr("-._", *p)) {
            return false;
        }
    }
    return strlen(id) < 128;
}

BlockJob *block_job_find(const char *id)
{
    for (GList *l = all_jobs.head; l; l = l->next) {
        BlockJob *job = l->data;
        if (!strcmp(job->id, id)) {
            return job;
        }
    }
    return NULL;
}

BlockJob *block_job_next(BlockJob *job)
{
    GList *l = job ? g_queue_find(&all_jobs, job) : NULL;

    if (!job) {
        return all_jobs.head ? all_jobs.head->data : NULL;
    }
    return l && l->next ? l->next->data : NULL;
}

BlockJob *block_job_node_busy(BlockDriverState *bs)
{
    for (GList *l = all_jobs.head; l; l = l->next) {
        BlockJob *job = l->data;
        if (job->bs == bs) {
            return job;
        }
    }
    return NULL;
}

BlockJob *block_job_create(const char *job_id, const BlockJobDriver *drv,
                           BlockDriverState *bs, int64_t speed,
                           BlockdevOnErrorJob on_error, bool auto_finalize,
                           bool auto_dismiss, Error **errp)
{
    BlockJob *job, *other;

    if (!job_id) {
        job_id = bdrv_get_device_name(bs);
    }
    if (!job_id_wellformed(job_id)) {
        error_setg(errp, "Invalid job ID '%s'", job_id);
        return NULL;
    }
    if (block_job_find(job_id)) {
        error_setg(errp, "Job ID '%s' already in use", job_id);
        return NULL;
    }
    other = block_job_node_busy(bs);
    if (other) {
        error_setg(errp, "Node '%s' is busy: block device is in use by "
                   "block job: %s", bdrv_get_node_name(bs),
                   JobType_str(other->drv->type));
        return NULL;
    }
    if (speed < 0) {
        error_setg(errp, "Parameter 'speed' expects a non-negative value");
        return NULL;
    }
    job = g_malloc0(drv->instance_size);
    job->drv = drv;
    job->id = g_strdup(job_id);
    job->bs = bs;
    bdrv_ref(bs);
    g_mutex_init(&job->lock);
    g_cond_init(&job->cond);
    job->speed = speed;
    job->on_error = on_error;
    job->on_error_write = on_error;
    job->auto_finalize = auto_finalize;
    job->auto_dismiss = auto_dismiss;
    job->status = JOB_STATUS_UNDEFINED;
    g_queue_push_tail(&all_jobs, job);
    job_transition(job, JOB_STATUS_CREATED);
    return job;
}

static void job_finish_bh(void *opaque);

static gpointer job_thread_main(gpointer opaque)
{
    BlockJob *job = opaque;
    int ret = job->drv->run(job);

    g_mutex_lock(&job->lock);
    job->ret = ret;
    job->busy = false;
    job->finished = true;
    g_mutex_unlock(&job->lock);
    main_loop_call(job_finish_bh, job);
    return NULL;
}

void block_job_start(BlockJob *job)
{
    g_mutex_lock(&job->lock);
    job_transition(job, JOB_STATUS_RUNNING);
    job->busy = true;
    job->rl_start_ns = job_now_ns();
    g_mutex_unlock(&job->lock);
    job->thread = g_thread_new("block-job", job_thread_main, job);
}

/* ---- finalization (main thread) ------------------------------------- */

static void job_free(BlockJob *job)
{
    g_queue_remove(&all_jobs, job);
    if (job->drv->clean) {
        job->drv->clean(job);
    }
    bdrv_unref(job->bs);
    g_mutex_clear(&job->lock);
    g_cond_clear(&job->cond);
    g_free(job->error);
    g_free(job->id);
    g_free(job);
}

static void job_conclude(BlockJob *job)
{
    job_transition(job, JOB_STATUS_CONCLUDED);
    if (job->auto_dismiss) {
        job_transition(job, JOB_STATUS_NULL);
        job_free(job);
    }
}

static void job_send_completed(BlockJob *job, const char *error)
{
    qapi_event_send_block_job_completed(job->drv->type, job->id, job->len,
                                        job->offset, job->speed,
                                        error != NULL, error);
}

/* Failure or cancel: aborting, abort(), the event, concluded. */
static void job_do_abort(BlockJob *job)
{
    bool cancelled = job->cancelled && job->ret == -ECANCELED;

    job_transition(job, JOB_STATUS_ABORTING);
    if (job->drv->abort) {
        job->drv->abort(job);
    }
    if (cancelled) {
        qapi_event_send_block_job_cancelled(job->drv->type, job->id,
                                            job->len, job->offset,
                                            job->speed);
    } else {
        if (!job->error) {
            job->error = g_strdup(g_strerror(-job->ret));
        }
        job_send_completed(job, job->error);
    }
    job_conclude(job);
}

static void job_do_finalize(BlockJob *job)
{
    Error *err = NULL;

    if (job->drv->prepare && !job->drv->prepare(job, &err)) {
        job->ret = -EIO;
        job->error = g_strdup(error_get_pretty(err));
        error_free(err);
        job_do_abort(job);
        return;
    }
    job_send_completed(job, NULL);
    job_conclude(job);
}

static void job_finish_bh(void *opaque)
{
    BlockJob *job = opaque;

    /* block_job_cancel_sync_all() may have ended it already (exit). */
    if (!g_queue_find(&all_jobs, job) || !job->thread) {
        return;
    }
    g_thread_join(job->thread);
    job->thread = NULL;
    if (job->ret < 0 || (job->cancelled && job->ret == -ECANCELED)) {
        job_do_abort(job);
        return;
    }
    job_transition(job, JOB_STATUS_WAITING);
    job_transition(job, JOB_STATUS_PENDING);
    if (job->auto_finalize) {
        job_do_finalize(job);
    } else {
        qapi_event_send_block_job_pending(job->drv->type, job->id);
    }
}

/* ---- verbs (main thread) ------------------------------------------- */

bool block_job_set_speed(BlockJob *job, int64_t speed, Error **errp)
{
    if (!job_verb_ok(job, JOB_VERB_SET_SPEED, errp)) {
        return false;
    }
    if (speed < 0) {
        error_setg(errp, "Parameter 'speed' expects a non-negative value");
        return false;
    }
    g_mutex_lock(&job->lock);
    job->speed = speed;
    g_cond_broadcast(&job->cond);
    g_mutex_unlock(&job->lock);
    return true;
}

bool block_job_user_cancel(BlockJob *job, bool force, Error **errp)
{
    if (!job_verb_ok(job, JOB_VERB_CANCEL, errp)) {
        return false;
    }
    if (job->status == JOB_STATUS_PENDING) {
        job->cancelled = true;
        job->ret = -ECANCELED;
        job_do_abort(job);
        return true;
    }
    g_mutex_lock(&job->lock);
    job->cancelled = true;
    job->force_cancel |= force;
    /* A cancelled job leaves its pause point even when paused. */
    job->pause_count = 0;
    job->user_paused = false;
    g_cond_broadcast(&job->cond);
    g_mutex_unlock(&job->lock);
    return true;
}

bool block_job_user_pause(BlockJob *job, Error **errp)
{
    if (!job_verb_ok(job, JOB_VERB_PAUSE, errp)) {
        return false;
    }
    if (job->user_paused) {
        error_setg(errp, "Job is already paused");
        return false;
    }
    g_mutex_lock(&job->lock);
    job->user_paused = true;
    job->pause_count++;
    g_mutex_unlock(&job->lock);
    return true;
}

bool block_job_user_resume(BlockJob *job, Error **errp)
{
    if (!job_verb_ok(job, JOB_VERB_RESUME, errp)) {
        return false;
    }
    if (!job->user_paused) {
        error_setg(errp, "Can't resume a job that was not paused");
        return false;
    }
    g_mutex_lock(&job->lock);
    job->user_paused = false;
    job->pause_count--;
    job->iostatus = BLOCK_DEVICE_IO_STATUS_OK;
    g_cond_broadcast(&job->cond);
    g_mutex_unlock(&job->lock);
    return true;
}

bool block_job_complete(BlockJob *job, Error **errp)
{
    if (!job_verb_ok(job, JOB_VERB_COMPLETE, errp)) {
        return false;
    }
    if (job->pause_count || job->cancelled || !job->drv->complete) {
        error_setg(errp, "The active block job '%s' cannot be completed",
                   job->id);
        return false;
    }
    if (!job->drv->complete(job, errp)) {
        return false;
    }
    g_mutex_lock(&job->lock);
    job->should_complete = true;
    g_cond_broadcast(&job->cond);
    g_mutex_unlock(&job->lock);
    return true;
}

bool block_job_finalize(BlockJob *job, Error **errp)
{
    if (!job_verb_ok(job, JOB_VERB_FINALIZE, errp)) {
        return false;
    }
    job_do_finalize(job);
    return true;
}

bool block_job_dismiss(BlockJob *job, Error **errp)
{
    if (!job_verb_ok(job, JOB_VERB_DISMISS, errp)) {
        return false;
    }
    job_transition(job, JOB_STATUS_NULL);
    job_free(job);
    return true;
}

BlockJobInfo *block_job_info(BlockJob *job)
{
    BlockJobInfo *info = g_new0(BlockJobInfo, 1);

    g_mutex_lock(&job->lock);
    info->type = g_strdup(JobType_str(job->drv->type));
    info->device = g_strdup(job->id);
    info->len = job->len;
    info->offset = job->offset;
    info->busy = job->busy;
    info->paused = job->pause_count > 0;
    info->speed = job->speed;
    info->io_status = (QapiBlockDeviceIoStatus)job->iostatus;
    info->ready = job->ready;
    info->status = job->status;
    info->auto_finalize = job->auto_finalize;
    info->auto_dismiss = job->auto_dismiss;
    g_mutex_unlock(&job->lock);
    if (job->status == JOB_STATUS_CONCLUDED && job->error) {
        info->has_error = true;
        info->error = g_strdup(job->error);
    }
    return info;
}

void block_job_cancel_sync_all(void)
{
    while (all_jobs.head) {
        BlockJob *job = all_jobs.head->data;

        if (job->thread) {
            g_mutex_lock(&job->lock);
            job->cancelled = job->force_cancel = true;
            job->pause_count = 0;
            g_cond_broadcast(&job->cond);
            g_mutex_unlock(&job->lock);
            g_thread_join(job->thread);
            job->thread = NULL;
        }
        job->auto_dismiss = true;
        if (job->status == JOB_STATUS_CONCLUDED) {
            job_transition(job, JOB_STATUS_NULL);
            job_free(job);
        } else {
            job->ret = job->ret < 0 ? job->ret : -ECANCELED;
            job->cancelled = true;
            job_do_abort(job);
        }
    }
}

/* ---- job thread ----------------------------------------------------- */

bool block_job_is_cancelled(BlockJob *job)
{
    bool c;

    g_mutex_lock(&job->lock);
    c = job->cancelled && (!job->ready || job->force_cancel);
    g_mutex_unlock(&job->lock);
    return c;
}

bool block_job_pause_point(BlockJob *job)
{
    bool cancelled;

    g_mutex_lock(&job->lock);
    if (job->pause_count > 0 && !job->cancelled) {
        JobStatus resume_to = job->status;

        job_transition(job, job->status == JOB_STATUS_READY
                       ? JOB_STATUS_STANDBY : JOB_STATUS_PAUSED);
        job->busy = false;
        while (job->pause_count > 0 && !job->cancelled) {
            g_cond_wait(&job->cond, &job->lock);
        }
        job->busy = true;
        job_transition(job, resume_to);
        job->rl_start_ns = job_now_ns();
        job->rl_bytes = 0;
    }
    cancelled = job->cancelled && (!job->ready || job->force_cancel);
    g_mutex_unlock(&job->lock);
    return cancelled;
}

void block_job_progress(BlockJob *job, int64_t done)
{
    g_mutex_lock(&job->lock);
    job->offset += done;
    if (job->offset > job->len) {
        job->len = job->offset;
    }
    g_mutex_unlock(&job->lock);
}

void block_job_set_len(BlockJob *job, int64_t len)
{
    g_mutex_lock(&job->lock);
    job->len = len;
    g_mutex_unlock(&job->lock);
}

/* Sleep until @deadline (monotonic ns) or a verb wakes the job. */
static void job_wait_until(BlockJob *job, int64_t deadline_ns)
{
    g_mutex_lock(&job->lock);
    if (!job->cancelled && !job->pause_count && !job->should_complete) {
        job->busy = false;
        g_cond_wait_until(&job->cond, &job->lock, deadline_ns / 1000);
        job->busy = true;
    }
    g_mutex_unlock(&job->lock);
}

void block_job_ratelimit(BlockJob *job, int64_t bytes)
{
    int64_t speed, now = job_now_ns(), due;

    g_mutex_lock(&job->lock);
    speed = job->speed;
    g_mutex_unlock(&job->lock);
    if (speed <= 0) {
        job->rl_start_ns = now;
        job->rl_bytes = 0;
        return;
    }
    job->rl_bytes += bytes;
    due = job->rl_start_ns + (int64_t)((double)job->rl_bytes * 1e9 / speed);
    if (now < due) {
        job_wait_until(job, due);
    } else if (now - due > 100 * 1000 * 1000) {
        /* Fell behind (I/O was slower): do not burst to catch up. */
        job->rl_start_ns = now;
        job->rl_bytes = 0;
    }
}

void block_job_sleep_ns(BlockJob *job, int64_t ns)
{
    job_wait_until(job, job_now_ns() + ns);
}

bool block_job_cancel_requested(BlockJob *job)
{
    bool c;

    g_mutex_lock(&job->lock);
    c = job->cancelled;
    g_mutex_unlock(&job->lock);
    return c;
}

bool block_job_should_complete(BlockJob *job)
{
    bool c;

    g_mutex_lock(&job->lock);
    c = job->should_complete;
    g_mutex_unlock(&job->lock);
    return c;
}

BlockErrorAction block_job_error_action(BlockJob *job, bool is_read,
                                        int error)
{
    BlockErrorAction action;

    switch (is_read ? job->on_error : job->on_error_write) {
    case BLOCKDEV_ON_ERROR_JOB_IGNORE:
        action = BLOCK_ERROR_ACTION_IGNORE;
        break;
    case BLOCKDEV_ON_ERROR_JOB_STOP:
        action = BLOCK_ERROR_ACTION_STOP;
        break;
    case BLOCKDEV_ON_ERROR_JOB_ENOSPC:
    case BLOCKDEV_ON_ERROR_JOB_Q_AUTO:
        action = error == -ENOSPC ? BLOCK_ERROR_ACTION_STOP
                                  : BLOCK_ERROR_ACTION_REPORT;
        break;
    default:
        action = BLOCK_ERROR_ACTION_REPORT;
        break;
    }
    qapi_event_send_block_job_error(job->id,
                                    is_read ? IO_OPERATION_TYPE_READ
                                            : IO_OPERATION_TYPE_WRITE,
                                    (QapiBlockErrorAction)action);
    if (action == BLOCK_ERROR_ACTION_STOP) {
        g_mutex_lock(&job->lock);
        if (!job->user_paused) {
            job->user_paused = true;
            job->pause_count++;
        }
        if (job->iostatus == BLOCK_DEVICE_IO_STATUS_OK) {
            job->iostatus = error == -ENOSPC ? BLOCK_DEVICE_IO_STATUS_NOSPACE
                                             : BLOCK_DEVICE_IO_STATUS_FAILED;
        }
        g_mutex_unlock(&job->lock);
    }
    return action;
}

void block_job_set_ready(BlockJob *job)
{
    g_mutex_lock(&job->lock);
    job->ready = true;
    job_transition(job, JOB_STATUS_READY);
    qapi_event_send_block_job_ready(job->drv->type, job->id, job->len,
                                    job->offset, job->speed);
    g_mutex_unlock(&job->lock);
}
