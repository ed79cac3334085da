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

#endif /* BLOCK_AIO_POOL_H */
