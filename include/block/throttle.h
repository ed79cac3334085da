/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * I/O throttling of block backends (block_set_io_throttle): QEMU's leaky
 * buckets for bytes and operations, total/read/write, each with an
 * average rate, an optional burst rate (_max) and burst length, and
 * iops_size (a request counts one operation per iops_size bytes).
 * Backends in the same group share one set of buckets.
 *
 * Asynchronous requests that must wait are queued per group in arrival
 * order and submitted from a main-loop timer, so no worker thread sleeps
 * and other devices are never held up.  Blocking requests (the monitor's
 * qemu-io, tools) sleep in the caller.
 */
#ifndef BLOCK_THROTTLE_H
#define BLOCK_THROTTLE_H

#include <stdbool.h>
#include <stdint.h>

#include "block/block-backend.h"

typedef enum ThrottleBucketType {
    THROTTLE_BPS_TOTAL, THROTTLE_BPS_READ, THROTTLE_BPS_WRITE,
    THROTTLE_OPS_TOTAL, THROTTLE_OPS_READ, THROTTLE_OPS_WRITE,
    THROTTLE_BUCKETS,
} ThrottleBucketType;

/** struct ThrottleLimits - what block_set_io_throttle sets. */
typedef struct ThrottleLimits {
    int64_t avg[THROTTLE_BUCKETS];
    int64_t max[THROTTLE_BUCKETS];
    int64_t burst_length[THROTTLE_BUCKETS];   /* seconds, >= 1 */
    int64_t iops_size;
} ThrottleLimits;

/** throttle_limits_init() - no limits, burst length 1. */
void throttle_limits_init(ThrottleLimits *l);

/** throttle_limits_check() - QEMU's validity rules and messages. */
bool throttle_limits_check(const ThrottleLimits *l, Error **errp);

/**
 * blk_throttle_set() - set @blk's limits in @group (NULL: the device
 * name); all zero removes @blk from throttling.
 */
void blk_throttle_set(BlockBackend *blk, const ThrottleLimits *l,
                      const char *group);

/**
 * blk_throttle_get() - @blk's limits and group; false when it is not
 * throttled.  @group is borrowed.
 */
bool blk_throttle_get(BlockBackend *blk, ThrottleLimits *l,
                      const char **group);

/**
 * blk_throttle_defer() - for an asynchronous request of @bytes: returns
 * false when @blk is not throttled or the request may go now (it is
 * accounted); otherwise queues @submit(@opaque), called on the main loop
 * when its turn comes, and returns true.
 */
bool blk_throttle_defer(BlockBackend *blk, bool is_write, int64_t bytes,
                        void (*submit)(void *opaque), void *opaque);

/**
 * blk_throttle_wait() - for a blocking request: sleep until it may go,
 * then account it.  No-op inside the asynchronous path.
 */
void blk_throttle_wait(BlockBackend *blk, bool is_write, int64_t bytes);

/** blk_throttle_set_async_context() - the calling thread runs requests
 *  that blk_throttle_defer() already admitted. */
void blk_throttle_set_async_context(bool on);

/**
 * blk_throttle_flush() - submit every request of @blk's group that waits
 * (drain: nothing may stay queued).  Main thread.
 */
void blk_throttle_flush(BlockBackend *blk);

/** blk_throttle_forget() - @blk goes away. */
void blk_throttle_forget(BlockBackend *blk);

#endif /* BLOCK_THROTTLE_H */
