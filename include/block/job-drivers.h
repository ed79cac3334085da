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

#endif /* BLOCK_JOB_DRIVERS_H */
