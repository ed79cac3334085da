/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Block jobs: long-running copies over the node graph (stream, commit,
 * mirror, backup) with QEMU's job model: a job id, the JobStatus state
 * machine with JOB_STATUS_CHANGE, progress (offset/len), a rate limit,
 * pause/resume, cancel, complete, the on-error policy and the
 * BLOCK_JOB_* events (BLOCK-QMP-REFERENCE.md sections 4 and 6).
 *
 * Threads: each job's run() executes on its own thread doing blocking
 * requests (block.h), so neither the monitor nor guest I/O waits for it.
 * Everything else (creation, verbs, finalization: prepare/abort/clean)
 * runs on the main thread under the machine lock.  The fields marked
 * "lock" are shared between the two and read under BlockJob.lock.
 */
#ifndef BLOCK_JOB_H
#define BLOCK_JOB_H

#include <glib.h>

#include "block/block-backend.h"
#include "block/block.h"
#include "qapi/qapi-types.h"

typedef struct BlockJob BlockJob;

/**
 * struct BlockJobDriver - what one kind of job does.
 * @type: the JobType reported in queries and events.
 * @instance_size: size of the job's struct (BlockJob first).
 * @run: the copy loop, on the job thread: 0 or -errno.
 * @prepare: main thread, after a successful run: graph changes; may fail.
 * @abort: main thread, after a failed or cancelled run.
 * @clean: main thread, always last; drops references.
 * @complete: main thread, block-job-complete on a ready job.
 */
typedef struct BlockJobDriver {
    JobType type;
    size_t instance_size;
    int (*run)(BlockJob *job);
    bool (*prepare)(BlockJob *job, Error **errp);
    void (*abort)(BlockJob *job);
    void (*clean)(BlockJob *job);
    bool (*complete)(BlockJob *job, Error **errp);
} BlockJobDriver;

struct BlockJob {
    const BlockJobDriver *drv;
    char *id;
    BlockDriverState *bs;         /* the node the job works on (ref held) */
    GThread *thread;
    GMutex lock;
    GCond cond;
    /* lock */
    JobStatus status;
    int64_t len;
    int64_t offset;
    int64_t speed;
    bool busy;
    int pause_count;              /* > 0: paused was asked */
    bool user_paused;
    bool cancelled;
    bool force_cancel;
    bool should_complete;
    bool ready;
    bool finished;                /* run() returned */
    BlockDeviceIoStatus iostatus;
    /* main thread */
    BlockdevOnErrorJob on_error;        /* reads (on-source-error) */
    BlockdevOnErrorJob on_error_write;  /* writes (on-target-error) */
    bool auto_finalize;
    bool auto_dismiss;
    int ret;
    char *error;
    /* job thread: rate limiter */
    int64_t rl_start_ns;
    int64_t rl_bytes;
};

/**
 * block_job_create() - make a job and start its thread.
 * @job_id: the id; NULL means the device name of @bs's backend.
 * @drv: the job kind.
 * @bs: the node the job works on (referenced; busy until the job ends).
 * @speed: rate limit in bytes/s (0: none; negative is refused).
 * Returns the job (owned by the job list) or NULL with @errp set.  The
 * caller fills its driver fields and then calls block_job_start().
 */
BlockJob *block_job_create(const char *job_id, const BlockJobDriver *drv,
                           BlockDriverState *bs, int64_t speed,
                           BlockdevOnErrorJob on_error, bool auto_finalize,
                           bool auto_dismiss, Error **errp);

/** block_job_start() - created -> running; starts the job thread. */
void block_job_start(BlockJob *job);

/** block_job_find() - the job with @id, or NULL. */
BlockJob *block_job_find(const char *id);

/** block_job_next() - iterate over all jobs (NULL starts). */
BlockJob *block_job_next(BlockJob *job);

/** block_job_node_busy() - whether a job works on @bs. */
BlockJob *block_job_node_busy(BlockDriverState *bs);

/* ---- verbs (main thread); false with @errp set when not allowed ---- */
bool block_job_set_speed(BlockJob *job, int64_t speed, Error **errp);
bool block_job_user_cancel(BlockJob *job, bool force, Error **errp);
bool block_job_user_pause(BlockJob *job, Error **errp);
bool block_job_user_resume(BlockJob *job, Error **errp);
bool block_job_complete(BlockJob *job, Error **errp);
bool block_job_finalize(BlockJob *job, Error **errp);
bool block_job_dismiss(BlockJob *job, Error **errp);

/** block_job_info() - the query-block-jobs entry (caller frees). */
BlockJobInfo *block_job_info(BlockJob *job);

/**
 * block_job_cancel_sync_all() - cancel every job and wait for it (exit).
 */
void block_job_cancel_sync_all(void);

/* ---- for run() on the job thread ---- */

/**
 * block_job_pause_point() - wait here while paused.  Returns true when
 * the job was cancelled and run() should return.
 */
bool block_job_pause_point(BlockJob *job);

/** block_job_is_cancelled() - cancel was asked (and, when ready, forced). */
bool block_job_is_cancelled(BlockJob *job);

/** block_job_progress() - @done more units of work are finished. */
void block_job_progress(BlockJob *job, int64_t done);

/** block_job_set_len() - total units of work (may grow). */
void block_job_set_len(BlockJob *job, int64_t len);

/**
 * block_job_ratelimit() - @bytes were copied; sleep as long as the rate
 * limit wants (woken early by cancel, pause or a speed change).
 */
void block_job_ratelimit(BlockJob *job, int64_t bytes);

/**
 * block_job_error_action() - apply on-error to the failed request: emit
 * BLOCK_JOB_ERROR; for stop, pause the job as a user pause and set its
 * io-status.  Returns the action; the caller ends the job on report,
 * retries after block_job_pause_point() on stop, goes on on ignore.
 */
BlockErrorAction block_job_error_action(BlockJob *job, bool is_read,
                                        int error);

/** block_job_set_ready() - running -> ready; BLOCK_JOB_READY. */
void block_job_set_ready(BlockJob *job);

/**
 * block_job_sleep_ns() - sleep up to @ns; woken by any verb.  Used by
 * ready jobs waiting for complete or new dirty data.
 */
void block_job_sleep_ns(BlockJob *job, int64_t ns);

/** block_job_cancel_requested() - cancel was asked, forced or not. */
bool block_job_cancel_requested(BlockJob *job);

/** block_job_should_complete() - block-job-complete was accepted. */
bool block_job_should_complete(BlockJob *job);

#endif /* BLOCK_JOB_H */
