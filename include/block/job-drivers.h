/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Starting the block jobs (block/stream.c, commit.c, mirror.c,
 * backup.c).  Arguments have already been resolved to nodes by the QMP
 * handlers (monitor/qmp-cmds-jobs.c); these check the graph and start the
 * job.  Each returns false with @errp set when the job cannot start.
 */
#ifndef BLOCK_JOB_DRIVERS_H
#define BLOCK_JOB_DRIVERS_H

#include "block/job.h"

/** struct BlockJobCommon - arguments every job takes. */
typedef struct BlockJobCommon {
    const char *job_id;          /* NULL: the device name */
    int64_t speed;
    BlockdevOnErrorJob on_error;
    bool auto_finalize;
    bool auto_dismiss;
} BlockJobCommon;

/**
 * stream_start() - block-stream: copy what @top reads from its chain
 * above @base (NULL: the whole chain) into @top, then make @base its
 * backing, writing @backing_file (NULL: @base's file name) to the header.
 */
bool stream_start(const BlockJobCommon *c, BlockDriverState *top,
                  BlockDriverState *base, const char *backing_file,
                  Error **errp);

/**
 * commit_start() - block-commit: copy what @top and the layers down to
 * @base hold into @base.  @active is @top's device root: the job becomes
 * ready and complete switches @blk to @base.  Otherwise @top is dropped
 * from the chain and its parent backs onto @base (@backing_file).
 */
bool commit_start(const BlockJobCommon *c, BlockBackend *blk,
                  BlockDriverState *active, BlockDriverState *top,
                  BlockDriverState *base, const char *backing_file,
                  Error **errp);

/**
 * mirror_start() - drive-mirror from @blk's root to @target (referenced
 * by the job) with @sync; dirty map of @granularity bytes (a power of 2),
 * copies of up to @buf_size bytes.  @zero_target: the target was not
 * created empty, so regions that read as zero are written too.
 */
bool mirror_start(const BlockJobCommon *c, BlockBackend *blk,
                  BlockDriverState *target, MirrorSyncMode sync,
                  int64_t granularity, int64_t buf_size, bool zero_target,
                  BlockdevOnErrorJob on_target_error, Error **errp);

/**
 * backup_start() - a point-in-time copy of @src (a device's root) into
 * @target: what @src holds when the job starts, whatever the guest
 * writes afterwards (copy-before-write).  sync none copies only what the
 * guest overwrites, until cancelled.
 */
bool backup_start(const BlockJobCommon *c, BlockDriverState *src,
                  BlockDriverState *target, MirrorSyncMode sync,
                  bool target_is_new, BlockdevOnErrorJob on_target_error,
                  Error **errp);

#endif /* BLOCK_JOB_DRIVERS_H */
