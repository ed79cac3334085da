/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The block worker pool: host I/O runs here, never on the main loop or a
 * vCPU thread (ARCHITECTURE.md "Threads, locks, clocks").  A GThreadPool
 * runs requests; finished requests are pushed on their completion queue
 * and the queue's GMainContext is woken once per batch to run callbacks.
 */
#include "aio-pool.h"

#define AIO_POOL_DEFAULT_THREADS 64

struct AioCompletionQueue {
    GMutex lock;
    GMainContext *ctx;
    AioRequest *done;        /* LIFO; reversed when dispatched */
    bool scheduled;
    int in_flight;           /* atomic */
};

static GThreadPool *pool;
static int pool_max_threads = AIO_POOL_DEFAULT_THREADS;
static GMutex pool_lock;

AioCompletionQueue *aio_completion_queue_new(GMainContext *ctx)
{
    AioCompletionQueue *cq = g_new0(AioCompletionQueue, 1);

    g_mutex_init(&cq->lock);
    cq->ctx = ctx;
    return cq;
}

void aio_completion_queue_set_context(AioCompletionQueue *cq,
                                      GMainContext *ctx)
{
    g_mutex_lock(&cq->lock);
    cq->ctx = ctx;
    g_mutex_unlock(&cq->lock);
}

int aio_completion_queue_in_flight(AioCompletionQueue *cq)
{
    return __atomic_load_n(&cq->in_flight, __ATOMIC_ACQUIRE);
}

static gboolean aio_dispatch(gpointer opaque)
{
    AioCompletionQueue *cq = opaque;
    AioRequest *list, *rev = NULL;

    g_mutex_lock(&cq->lock);
    list = cq->done;
    cq->done = NULL;
    cq->scheduled = false;
    g_mutex_unlock(&cq->lock);

    while (list) {
        AioRequest *next = list->next;
        list->next = rev;
        rev = list;
        list = next;
    }
    while (rev) {
        AioRequest *r = rev;
        rev = r->next;
        if (r->cb) {
            r->cb(r->opaque, r->ret);
        }
        g_free(r);
        __atomic_fetch_sub(&cq->in_flight, 1, __ATOMIC_RELEASE);
    }
    return G_SOURCE_REMOVE;
}

static void aio_worker(gpointer data, gpointer user_data)
{
    AioRequest *r = data;
    AioCompletionQueue *cq = r->cq;
    bool schedule;

    r->ret = r->run(r);
    g_mutex_lock(&cq->lock);
    r->next = cq->done;
    cq->done = r;
    schedule = !cq->scheduled;
    cq->scheduled = true;
    g_mutex_unlock(&cq->lock);
    if (schedule) {
        GSource *src = g_idle_source_new();
        g_source_set_priority(src, G_PRIORITY_DEFAULT);
        g_source_set_callback(src, aio_dispatch, cq, NULL);
        g_source_attach(src, cq->ctx);
        g_source_unref(src);
    }
}

static GThreadPool *aio_pool_get(void)
{
    g_mutex_lock(&pool_lock);
    if (!pool) {
        pool = g_thread_pool_new(aio_worker, NULL, pool_max_threads, FALSE,
                                 NULL);
    }
    g_mutex_unlock(&pool_lock);
    return pool;
}

void aio_pool_set_max_threads(int n)
{
    g_mutex_lock(&pool_lock);
    pool_max_threads = n > 0 ? n : AIO_POOL_DEFAULT_THREADS;
    if (pool) {
        g_thread_pool_set_max_threads(pool, pool_max_threads, NULL);
    }
    g_mutex_unlock(&pool_lock);
}

void aio_pool_submit(AioCompletionQueue *cq, const AioRequest *tmpl)
{
    AioRequest *r = g_new(AioRequest, 1);

    *r = *tmpl;
    r->cq = cq;
    r->next = NULL;
    __atomic_fetch_add(&cq->in_flight, 1, __ATOMIC_ACQ_REL);
    g_thread_pool_push(aio_pool_get(), r, NULL);
}

void aio_completion_queue_drain(AioCompletionQueue *cq)
{
    GMainContext *ctx = cq->ctx ? cq->ctx : g_main_context_default();

    while (aio_completion_queue_in_flight(cq) > 0) {
        if (g_main_context_acquire(ctx)) {
            g_main_context_iteration(ctx, TRUE);
            g_main_context_release(ctx);
        } else {
            /* Another thread runs the loop; it will run the callbacks. */
            g_usleep(100);
        }
    }
}

void aio_completion_queue_free(AioCompletionQueue *cq)
{
    if (cq) {
        aio_completion_queue_drain(cq);
        g_mutex_clear(&cq->lock);
        g_free(cq);
    }
}
