/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The block worker pool and completion queues (private to block/).
 *
 * A request is a copy of an AioRequest template: a worker thread of the
 * pool calls its run() (a blocking blk_*() call) and queues the finished
 * request on its completion queue; the queue's GMainContext then calls the
 * callbacks in completion order.  One idle source is scheduled per batch of
 * completions, not per request.
 */
#ifndef BLOCK_AIO_POOL_H
#define BLOCK_AIO_POOL_H

#include <glib.h>

#include "block/block-backend.h"

typedef struct AioCompletionQueue AioCompletionQueue;

typedef enum AioKind {
    AIO_READ,
    AIO_WRITE,
    AIO_WRITE_ZEROES,
    AIO_DISCARD,
    AIO_FLUSH,
} AioKind;

typedef struct AioRequest {
    BlockBackend *blk;
    AioKind kind;
    int64_t offset;
    int64_t bytes;
    BlockIOV *qiov;
    BdrvRequestFlags flags;
    int (*run)(const struct AioRequest *r);
    BlockCompletionFunc *cb;
    void *opaque;
    /* filled by the pool */
    int ret;
    AioCompletionQueue *cq;
    struct AioRequest *next;
} AioRequest;

/** aio_completion_queue_new() - completions go to @ctx (NULL: default). */
AioCompletionQueue *aio_completion_queue_new(GMainContext *ctx);
void aio_completion_queue_set_context(AioCompletionQueue *cq,
                                      GMainContext *ctx);
/** aio_completion_queue_free() - drains, then frees. */
void aio_completion_queue_free(AioCompletionQueue *cq);
int aio_completion_queue_in_flight(AioCompletionQueue *cq);
/** aio_completion_queue_drain() - until every callback has run. */
void aio_completion_queue_drain(AioCompletionQueue *cq);

/**
 * aio_pool_submit() - copy @tmpl and run it on the pool, or right here
 * when @inline_ok (the request cannot block); the callback runs later
 * from the completion queue either way.
 */
void aio_pool_submit(AioCompletionQueue *cq, const AioRequest *tmpl,
                     bool inline_ok);

/** aio_pool_set_max_threads() - workers (default 64, as QEMU's pool). */
void aio_pool_set_max_threads(int n);

/*
 * Inline attempts ("nowait" mode).  A small read or write is first run on
 * the submitting thread with nowait mode on: every layer that would have
 * to wait (a lock held by someone else, a metadata cache miss, a host read
 * the page cache cannot answer, O_DIRECT, a flush, a block job's
 * copy-before-write) calls aio_nowait_bail() before it changes any state
 * and returns its result (-EAGAIN) upwards; no layer accounts or reports
 * a bailed request.  The request is then queued to the pool as usual.  A
 * host request that was served inline costs no thread hand-off at all.
 */

/** AIO_INLINE_MAX_BYTES - larger requests always go to the pool. */
#define AIO_INLINE_MAX_BYTES (128 * 1024)

/** aio_nowait_active() - whether this thread runs an inline attempt. */
bool aio_nowait_active(void);

/**
 * aio_nowait_bail() - give the inline attempt up (call only when
 * aio_nowait_active()); returns -EAGAIN for the caller to pass up.
 */
int aio_nowait_bail(void);

/** aio_nowait_bailed() - whether this thread's attempt was given up. */
bool aio_nowait_bailed(void);

/**
 * aio_nowait_may_wait() - whether this thread's inline attempt may wait
 * for the device (an O_DIRECT transfer) instead of bailing out: its
 * request is alone on its queue and the program allowed it with
 * aio_pool_set_wait_alone().  False outside an attempt.
 */
bool aio_nowait_may_wait(void);

/**
 * aio_pool_set_wait_alone() - let a request that is alone on its queue
 * wait for the device on the submitting thread.  For tools (plimsoll-img,
 * plimsoll-io), whose main thread has nothing else to do while a lone
 * request runs; never the emulator, whose main loop must stay responsive
 * (and whose device models submit under the machine lock, which keeps
 * every request off the inline path anyway).  Default off.
 */
void aio_pool_set_wait_alone(bool on);

/**
 * aio_nowait_commit() - the inline attempt has changed state it cannot
 * undo cheaply (a qcow2 cluster allocation): it finishes on this thread,
 * and from now on aio_nowait_active() is false, so lower layers may wait.
 * Only for paths whose remaining waits are short (page-cache writes).
 */
void aio_nowait_commit(void);

/**
 * AioInlineMode - whether requests are tried inline: never (the pool
 * serves everything), adaptively (the default: writes back off to the
 * pool for a while after a slow one, see block/aio-pool.c), or always
 * (no back-off: for tests that count inline requests on a busy host).
 */
typedef enum AioInlineMode {
    AIO_INLINE_OFF,
    AIO_INLINE_ADAPTIVE,
    AIO_INLINE_ALWAYS,
} AioInlineMode;

/** aio_pool_set_inline() - set the mode; also ends any back-off. */
void aio_pool_set_inline(AioInlineMode mode);

/**
 * AioPoolStats - counters since start: requests served inline, inline
 * attempts given up, requests run by workers.
 */
typedef struct AioPoolStats {
    uint64_t inline_done, inline_bailed, pool_done;
} AioPoolStats;

/** aio_pool_get_stats() - a snapshot of the counters. */
void aio_pool_get_stats(AioPoolStats *st);

#endif /* BLOCK_AIO_POOL_H */
