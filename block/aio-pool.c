/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The block worker pool: host I/O runs here, never on the main loop or a
 * vCPU thread (ARCHITECTURE.md "Threads, locks, clocks").
 *
 * Submission: one mutex-protected FIFO of requests; idle workers sleep on
 * a condition variable and exactly one is woken per request.  Threads are
 * started on demand up to the limit (64, as QEMU's thread pool) and then
 * stay.  Completion: a finished request is pushed on its backend's
 * completion queue; the first one of a batch writes the queue's eventfd,
 * whose GSource (created once, attached to the queue's GMainContext) then
 * runs all queued callbacks in completion order.  Per request this costs
 * one condition signal and at most one eventfd write; the source also
 * polls briefly before the loop sleeps (see AIO_POLL_NS).
 *
 * Inline attempts: a small read or write is first run right on the
 * submitting thread in "nowait" mode (aio-pool.h); when no layer bails
 * out, the request has been served without waking a worker and only its
 * completion is queued.  Cached reads and page-cache writes take a few
 * microseconds this way instead of two thread hand-offs.
 */
#include <assert.h>
#include <errno.h>
#include <glib-unix.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "aio-pool.h"
#include "hw/core/lock.h"

#define AIO_POOL_DEFAULT_THREADS 64

struct AioCompletionQueue {
    GMainContext *ctx;
    GSource *source;
    int efd;
    AioRequest *done;        /* atomic LIFO; reversed when dispatched */
    bool scheduled;          /* atomic: a dispatch runs or is notified */
    int in_flight;           /* atomic */
};

typedef struct AioPool {
    GMutex lock;
    GCond cond;
    AioRequest *head, *tail;
    int threads;
    int idle;               /* workers waiting on @cond */
    int wakeups;            /* signals sent and not yet consumed */
    int max_threads;
} AioPool;

static AioPool pool = { .max_threads = AIO_POOL_DEFAULT_THREADS };

typedef enum AioNowaitState {
    AIO_NOWAIT_OFF,
    AIO_NOWAIT_ON,
    AIO_NOWAIT_BAILED,
    AIO_NOWAIT_COMMITTED,
} AioNowaitState;

static __thread AioNowaitState nowait_state;
static __thread bool nowait_alone;  /* this attempt may wait: see below */
static bool wait_alone;             /* atomic: aio_pool_set_wait_alone() */
static AioInlineMode inline_mode = AIO_INLINE_ADAPTIVE;   /* atomic */
static int write_skip;          /* atomic: writes to send to the pool */
static int write_backoff;       /* atomic: the current streak's skip count */
static AioPoolStats stats;      /* atomic counters */

static void aio_stat_inc(uint64_t *counter)
{
    __atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

/* ---------------------------------------------------------------------- */
/* Completion queues                                                       */
/* ---------------------------------------------------------------------- */

/*
 * Run callbacks until the queue is empty.  While this runs, "scheduled"
 * stays set, so completions queued meanwhile (by workers, or inline by
 * callbacks that submit again) are picked up by this loop instead of
 * costing an eventfd write each.  The list is taken with one atomic
 * exchange; completers push with a compare-and-swap (aio_complete), so
 * neither side ever waits for the other.
 */
static void aio_dispatch_list(AioCompletionQueue *cq)
{
    __atomic_store_n(&cq->scheduled, true, __ATOMIC_SEQ_CST);
    for (;;) {
        AioRequest *list, *rev = NULL;

        list = __atomic_exchange_n(&cq->done, NULL, __ATOMIC_SEQ_CST);
        if (!list) {
            /* Clear, then look again: a completer that saw the flag set
             * did not notify, so its request must be seen here. */
            __atomic_store_n(&cq->scheduled, false, __ATOMIC_SEQ_CST);
            if (!__atomic_load_n(&cq->done, __ATOMIC_SEQ_CST)) {
                return;
            }
            __atomic_store_n(&cq->scheduled, true, __ATOMIC_SEQ_CST);
            continue;
        }
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
    }
}

/*
 * The completion GSource.  Before the main loop sleeps, prepare() polls
 * the queue while a few requests are in flight, as QEMU's event loop does
 * (adaptive poll-max-ns, 32 us): a fast request then completes without an
 * eventfd wake-up of the main thread.  The poll time adapts: it doubles
 * after a poll that caught a completion and halves after one that did
 * not, so slow storage (or a busy host) soon stops being polled.  Deep
 * queues are not polled: completions arrive often anyway and the CPU is
 * better left to the workers.
 */
#define AIO_POLL_MAX_NS 32000
#define AIO_POLL_MIN_NS 1000
#define AIO_POLL_MAX_IN_FLIGHT 4

typedef struct AioSource {
    GSource base;
    AioCompletionQueue *cq;
    gpointer fd_tag;
    int64_t poll_ns;
} AioSource;

static bool aio_cq_has_done(AioCompletionQueue *cq)
{
    return __atomic_load_n(&cq->done, __ATOMIC_ACQUIRE) != NULL;
}

static bool aio_source_poll(AioSource *as)
{
    int64_t deadline = g_get_monotonic_time() * 1000 + as->poll_ns;

    while (g_get_monotonic_time() * 1000 < deadline) {
        if (aio_cq_has_done(as->cq)) {
            as->poll_ns = MIN(as->poll_ns * 2, AIO_POLL_MAX_NS);
            return true;
        }
    }
    as->poll_ns = MAX(as->poll_ns / 2, AIO_POLL_MIN_NS);
    return false;
}

static gboolean aio_source_prepare(GSource *src, gint *timeout)
{
    AioSource *as = (AioSource *)src;
    int in_flight = aio_completion_queue_in_flight(as->cq);

    *timeout = -1;
    if (aio_cq_has_done(as->cq)) {
        return TRUE;
    }
    if (in_flight == 0 || in_flight > AIO_POLL_MAX_IN_FLIGHT) {
        return FALSE;
    }
    return aio_source_poll(as);
}

static gboolean aio_source_check(GSource *src)
{
    AioSource *as = (AioSource *)src;

    return aio_cq_has_done(as->cq) ||
           (g_source_query_unix_fd(src, as->fd_tag) & G_IO_IN);
}

static gboolean aio_source_dispatch(GSource *src, GSourceFunc cb,
                                    gpointer unused)
{
    AioCompletionQueue *cq = ((AioSource *)src)->cq;
    uint64_t v;

    /* Drain the counter first: a completion after this read re-arms it. */
    if (read(cq->efd, &v, sizeof(v)) < 0 && errno != EAGAIN) {
        return G_SOURCE_CONTINUE;
    }
    aio_dispatch_list(cq);
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs aio_source_funcs = {
    .prepare = aio_source_prepare,
    .check = aio_source_check,
    .dispatch = aio_source_dispatch,
};

static void aio_cq_attach(AioCompletionQueue *cq)
{
    AioSource *as = (AioSource *)g_source_new(&aio_source_funcs,
                                              sizeof(AioSource));

    as->cq = cq;
    as->poll_ns = AIO_POLL_MAX_NS;
    as->fd_tag = g_source_add_unix_fd(&as->base, cq->efd, G_IO_IN);
    cq->source = &as->base;
    /* A callback may drain (iterate the loop) while we dispatch. */
    g_source_set_can_recurse(cq->source, TRUE);
    g_source_attach(cq->source, cq->ctx);
}

AioCompletionQueue *aio_completion_queue_new(GMainContext *ctx)
{
    AioCompletionQueue *cq = g_new0(AioCompletionQueue, 1);

    cq->ctx = ctx;
    cq->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    /* Out of file descriptors at start-up: nothing sensible to do. */
    g_assert(cq->efd >= 0);
    aio_cq_attach(cq);
    return cq;
}

void aio_completion_queue_set_context(AioCompletionQueue *cq,
                                      GMainContext *ctx)
{
    aio_completion_queue_drain(cq);
    g_source_destroy(cq->source);
    g_source_unref(cq->source);
    cq->ctx = ctx;
    aio_cq_attach(cq);
}

int aio_completion_queue_in_flight(AioCompletionQueue *cq)
{
    return __atomic_load_n(&cq->in_flight, __ATOMIC_ACQUIRE);
}

static void aio_complete(AioRequest *r)
{
    AioCompletionQueue *cq = r->cq;
    AioRequest *old = __atomic_load_n(&cq->done, __ATOMIC_RELAXED);

    do {
        r->next = old;
    } while (!__atomic_compare_exchange_n(&cq->done, &old, r, true,
                                          __ATOMIC_SEQ_CST,
                                          __ATOMIC_RELAXED));
    /* The first of a batch wakes the loop, unless a dispatch runs or a
     * wake-up is already on its way. */
    if (!old && !__atomic_exchange_n(&cq->scheduled, true,
                                     __ATOMIC_SEQ_CST)) {
        uint64_t one = 1;
        ssize_t n = write(cq->efd, &one, sizeof(one));
        (void)n;   /* EAGAIN: the counter is already non-zero */
    }
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
        g_source_destroy(cq->source);
        g_source_unref(cq->source);
        close(cq->efd);
        g_free(cq);
    }
}

/* ---------------------------------------------------------------------- */
/* Workers                                                                 */
/* ---------------------------------------------------------------------- */

static gpointer aio_worker(gpointer unused)
{
    for (;;) {
        AioRequest *r;

        g_mutex_lock(&pool.lock);
        while (!pool.head) {
            pool.idle++;
            g_cond_wait(&pool.cond, &pool.lock);
            pool.idle--;
            if (pool.wakeups > 0) {
                pool.wakeups--;
            }
        }
        r = pool.head;
        pool.head = r->next;
        if (!pool.head) {
            pool.tail = NULL;
        }
        g_mutex_unlock(&pool.lock);

        r->next = NULL;
        r->ret = r->run(r);
        aio_stat_inc(&stats.pool_done);
        aio_complete(r);
    }
    return NULL;
}

bool aio_nowait_active(void)
{
    return nowait_state == AIO_NOWAIT_ON || nowait_state == AIO_NOWAIT_BAILED;
}

int aio_nowait_bail(void)
{
    assert(aio_nowait_active());
    nowait_state = AIO_NOWAIT_BAILED;
    return -EAGAIN;
}

void aio_nowait_commit(void)
{
    /* Never after a bail-out: that returns straight up the stack. */
    assert(nowait_state == AIO_NOWAIT_ON);
    nowait_state = AIO_NOWAIT_COMMITTED;
}

bool aio_nowait_bailed(void)
{
    return nowait_state == AIO_NOWAIT_BAILED;
}

bool aio_nowait_may_wait(void)
{
    return aio_nowait_active() && nowait_alone;
}

void aio_pool_set_wait_alone(bool on)
{
    __atomic_store_n(&wait_alone, on, __ATOMIC_RELAXED);
}

void aio_pool_set_inline(AioInlineMode mode)
{
    __atomic_store_n(&inline_mode, mode, __ATOMIC_RELAXED);
    __atomic_store_n(&write_skip, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&write_backoff, 0, __ATOMIC_RELAXED);
}

void aio_pool_get_stats(AioPoolStats *st)
{
    st->inline_done = __atomic_load_n(&stats.inline_done, __ATOMIC_RELAXED);
    st->inline_bailed = __atomic_load_n(&stats.inline_bailed,
                                        __ATOMIC_RELAXED);
    st->pool_done = __atomic_load_n(&stats.pool_done, __ATOMIC_RELAXED);
}

/*
 * Which requests are tried inline.  Small ones always: a page-cache copy
 * of a few KiB costs less than waking a worker.  Large writes too, at any
 * queue depth: buffered writes of one file take its inode lock, so
 * workers could not copy them side by side anyway (the file driver lets
 * two at a time into the kernel and an inline attempt that finds that gate
 * full bails out to the pool).  Large reads only when nothing else is
 * outstanding on the queue (its own count and the one whose callback may
 * be submitting it): cached reads of one file do copy in parallel on other
 * CPUs.  After an
 * inline write slower than AIO_SLOW_WRITE_US (throttling, a page under
 * writeback, preemption on a busy host) the next writes go to the pool:
 * 16 of them, doubling while slow ones keep coming, up to
 * AIO_WRITE_BACKOFF_MAX; a fast one halves the streak again.
 */
#define AIO_INLINE_SMALL_BYTES (16 * 1024)
#define AIO_SLOW_WRITE_US 500
#define AIO_WRITE_BACKOFF_MIN 16
#define AIO_WRITE_BACKOFF_MAX 4096


static bool aio_inline_candidate(AioCompletionQueue *cq, const AioRequest *r)
{
    AioInlineMode mode = __atomic_load_n(&inline_mode, __ATOMIC_RELAXED);

    if ((r->kind != AIO_READ && r->kind != AIO_WRITE) ||
        r->bytes > AIO_INLINE_MAX_BYTES || nowait_state != AIO_NOWAIT_OFF ||
        mode == AIO_INLINE_OFF) {
        return false;
    }
    /* Host I/O never runs under the machine lock: a device model (on a
     * vCPU thread or the main loop) always hands its requests over. */
    if (machine_lock_held()) {
        return false;
    }
    if (r->kind == AIO_READ && r->bytes > AIO_INLINE_SMALL_BYTES &&
        aio_completion_queue_in_flight(cq) > 2) {
        return false;
    }
    if (r->kind == AIO_WRITE && mode == AIO_INLINE_ADAPTIVE &&
        __atomic_load_n(&write_skip, __ATOMIC_RELAXED) > 0) {
        __atomic_fetch_sub(&write_skip, 1, __ATOMIC_RELAXED);
        return false;
    }
    return true;
}

static void aio_note_write_time(int64_t us)
{
    int b = __atomic_load_n(&write_backoff, __ATOMIC_RELAXED);

    if (us > AIO_SLOW_WRITE_US) {
        b = b ? MIN(b * 2, AIO_WRITE_BACKOFF_MAX) : AIO_WRITE_BACKOFF_MIN;
        __atomic_store_n(&write_skip, b, __ATOMIC_RELAXED);
    } else {
        b /= 2;
    }
    __atomic_store_n(&write_backoff, b, __ATOMIC_RELAXED);
}

/*
 * Run @r here in nowait mode; false if some layer bailed out.  A request
 * alone on its queue (nothing else outstanding but the one whose callback
 * may be submitting it) may wait for the device here when the program
 * asked for it (aio_pool_set_wait_alone()): the thread has nothing else
 * to do meanwhile, and the two thread hand-offs of the pool are saved.
 * Such a write's time says nothing about the page cache, so it does not
 * feed the back-off.
 */
static bool aio_try_inline(AioRequest *r)
{
    int64_t t0 = r->kind == AIO_WRITE ? g_get_monotonic_time() : 0;
    bool bailed;

    nowait_alone = __atomic_load_n(&wait_alone, __ATOMIC_RELAXED) &&
                   aio_completion_queue_in_flight(r->cq) <= 2;
    nowait_state = AIO_NOWAIT_ON;
    r->ret = r->run(r);
    bailed = nowait_state == AIO_NOWAIT_BAILED;
    nowait_state = AIO_NOWAIT_OFF;
    aio_stat_inc(bailed ? &stats.inline_bailed : &stats.inline_done);
    if (t0 && !bailed && !nowait_alone) {
        aio_note_write_time(g_get_monotonic_time() - t0);
    }
    return !bailed;
}

void aio_pool_set_max_threads(int n)
{
    g_mutex_lock(&pool.lock);
    pool.max_threads = n > 0 ? n : AIO_POOL_DEFAULT_THREADS;
    g_mutex_unlock(&pool.lock);
}

void aio_pool_submit(AioCompletionQueue *cq, const AioRequest *tmpl,
                     bool inline_ok)
{
    AioRequest *r = g_new(AioRequest, 1);
    bool spawn = false, wake = false;

    *r = *tmpl;
    r->cq = cq;
    r->next = NULL;
    __atomic_fetch_add(&cq->in_flight, 1, __ATOMIC_ACQ_REL);
    if (inline_ok) {
        r->ret = r->run(r);
        aio_complete(r);
        return;
    }
    if (aio_inline_candidate(cq, r) && aio_try_inline(r)) {
        aio_complete(r);
        return;
    }

    g_mutex_lock(&pool.lock);
    if (pool.tail) {
        pool.tail->next = r;
    } else {
        pool.head = r;
    }
    pool.tail = r;
    /* Wake an idle worker not already woken, else start one, so that a
     * burst of N requests gets N workers (queue depth N). */
    if (pool.idle > pool.wakeups) {
        pool.wakeups++;
        wake = true;
    } else if (pool.threads < pool.max_threads) {
        pool.threads++;
        spawn = true;
    }
    g_mutex_unlock(&pool.lock);
    if (wake) {
        /* After the unlock: the woken worker does not block on it. */
        g_cond_signal(&pool.cond);
    }
    if (spawn) {
        /* Workers live as long as the process, like QEMU's pool threads
         * between requests; they hold no resources while idle. */
        g_thread_unref(g_thread_new("block-worker", aio_worker, NULL));
    }
}
