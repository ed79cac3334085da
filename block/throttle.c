/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Throttling (include/block/throttle.h).  The bucket arithmetic follows
 * QEMU's documented leaky-bucket model (docs/throttle.txt): a bucket's
 * level drains at the average rate; a request may start when the level
 * is below the bucket size (average/10 without a burst rate, else
 * max * burst_length) and the burst level below max/10; the request then
 * adds its bytes (or operations) to every bucket it concerns.
 */
#include <math.h>
#include <string.h>

#include "block/throttle.h"
#include "util/main-loop.h"

#define THROTTLE_VALUE_MAX 1000000000000000LL

typedef struct ThrottleWaiter {
    bool is_write;
    int64_t bytes;
    void (*submit)(void *opaque);
    void *opaque;
} ThrottleWaiter;

typedef struct ThrottleGroup {
    char *name;
    ThrottleLimits l;
    double level[THROTTLE_BUCKETS];
    double burst[THROTTLE_BUCKETS];
    int64_t last_ns;
    GQueue queue;                 /* ThrottleWaiter *, arrival order */
    guint timer;
    int users;
} ThrottleGroup;

static GMutex throttle_lock;
static GHashTable *groups;        /* name -> ThrottleGroup */
static GHashTable *members;       /* BlockBackend * -> ThrottleGroup */
static __thread bool in_async;

static const bool bucket_is_bytes[THROTTLE_BUCKETS] = { 1, 1, 1, 0, 0, 0 };
static const int bucket_dir[THROTTLE_BUCKETS] = { 0, 1, 2, 0, 1, 2 };

void throttle_limits_init(ThrottleLimits *l)
{
    memset(l, 0, sizeof(*l));
    for (int i = 0; i < THROTTLE_BUCKETS; i++) {
        l->burst_length[i] = 1;
    }
}

bool throttle_limits_check(const ThrottleLimits *l, Error **errp)
{
    for (int t = 0; t < THROTTLE_BUCKETS; t += 3) {
        if ((l->avg[t] && (l->avg[t + 1] || l->avg[t + 2])) ||
            (l->max[t] && (l->max[t + 1] || l->max[t + 2]))) {
            error_setg(errp, "bps/iops/max total values and read/write "
                       "values cannot be used at the same time");
            return false;
        }
    }
    for (int i = 0; i < THROTTLE_BUCKETS; i++) {
        if (l->avg[i] < 0 || l->max[i] < 0 ||
            l->avg[i] > THROTTLE_VALUE_MAX || l->max[i] > THROTTLE_VALUE_MAX) {
            error_setg(errp, "bps/iops/max values must be within [0, %lld]",
                       THROTTLE_VALUE_MAX);
            return false;
        }
        if (!l->burst_length[i]) {
            error_setg(errp, "the burst length cannot be 0");
            return false;
        }
        if (l->burst_length[i] > 1 && !l->max[i]) {
            error_setg(errp, "burst length set without burst rate");
            return false;
        }
        if (l->max[i] && l->burst_length[i] > THROTTLE_VALUE_MAX / l->max[i]) {
            error_setg(errp, "burst length too high for this burst rate");
            return false;
        }
        if (l->max[i] && !l->avg[i]) {
            error_setg(errp, "bps_max/iops_max require corresponding"
                       " bps/iops values");
            return false;
        }
        if (l->max[i] && l->max[i] < l->avg[i]) {
            error_setg(errp, "bps_max/iops_max cannot be lower than bps/iops");
            return false;
        }
    }
    if (l->iops_size < 0) {
        error_setg(errp, "iops size must be within [0, %lld]",
                   THROTTLE_VALUE_MAX);
        return false;
    }
    return true;
}

static int64_t throttle_now_ns(void)
{
    return g_get_monotonic_time() * 1000;
}

static void group_leak(ThrottleGroup *g, int64_t now)
{
    double dt = (now - g->last_ns) / 1e9;

    g->last_ns = now;
    for (int i = 0; i < THROTTLE_BUCKETS; i++) {
        g->level[i] = MAX(0.0, g->level[i] - g->l.avg[i] * dt);
        g->burst[i] = MAX(0.0, g->burst[i] - g->l.max[i] * dt);
    }
}

static bool bucket_applies(int i, bool is_write)
{
    return bucket_dir[i] == 0 || bucket_dir[i] == (is_write ? 2 : 1);
}

/* Nanoseconds until a request in direction @is_write may start. */
static int64_t group_wait_ns(ThrottleGroup *g, bool is_write)
{
    double wait = 0;

    for (int i = 0; i < THROTTLE_BUCKETS; i++) {
        double avg = g->l.avg[i], max = g->l.max[i], size, bsize;

        if (!avg || !bucket_applies(i, is_write)) {
            continue;
        }
        size = max ? max * g->l.burst_length[i] : avg / 10;
        bsize = max / 10;
        if (g->level[i] > size) {
            wait = MAX(wait, (g->level[i] - size) / avg);
        }
        if (bsize && g->burst[i] > bsize) {
            wait = MAX(wait, (g->burst[i] - bsize) / max);
        }
    }
    return (int64_t)ceil(wait * 1e9);
}

static void group_account(ThrottleGroup *g, bool is_write, int64_t bytes)
{
    double ops = 1;

    if (g->l.iops_size && bytes > g->l.iops_size) {
        ops = (double)bytes / g->l.iops_size;
    }
    for (int i = 0; i < THROTTLE_BUCKETS; i++) {
        if (g->l.avg[i] && bucket_applies(i, is_write)) {
            double units = bucket_is_bytes[i] ? (double)bytes : ops;
            g->level[i] += units;
            g->burst[i] += units;
        }
    }
}

static ThrottleGroup *group_of(BlockBackend *blk)
{
    return members ? g_hash_table_lookup(members, blk) : NULL;
}

static gboolean group_timer_cb(gpointer opaque);

/* Start the waiters whose turn it is; throttle_lock held.  Returns the
 * ones to submit (outside the lock). */
static GSList *group_pump(ThrottleGroup *g)
{
    GSList *go = NULL;

    group_leak(g, throttle_now_ns());
    while (!g_queue_is_empty(&g->queue)) {
        ThrottleWaiter *w = g_queue_peek_head(&g->queue);
        int64_t ns = group_wait_ns(g, w->is_write);

        if (ns > 0) {
            if (!g->timer) {
                g->timer = g_timeout_add(MAX(1, (guint)(ns / 1000000)),
                                         group_timer_cb, g);
            }
            break;
        }
        g_queue_pop_head(&g->queue);
        group_account(g, w->is_write, w->bytes);
        go = g_slist_append(go, w);
    }
    return go;
}

static void run_waiters(GSList *go)
{
    for (GSList *l = go; l; l = l->next) {
        ThrottleWaiter *w = l->data;
        w->submit(w->opaque);
        g_free(w);
    }
    g_slist_free(go);
}

static gboolean group_timer_cb(gpointer opaque)
{
    ThrottleGroup *g = opaque;
    GSList *go;

    g_mutex_lock(&throttle_lock);
    g->timer = 0;
    go = group_pump(g);
    g_mutex_unlock(&throttle_lock);
    run_waiters(go);
    return G_SOURCE_REMOVE;
}

bool blk_throttle_defer(BlockBackend *blk, bool is_write, int64_t bytes,
                        void (*submit)(void *opaque), void *opaque)
{
    ThrottleGroup *g;
    bool deferred = false;
    GSList *go = NULL;

    if (!__atomic_load_n(&members, __ATOMIC_ACQUIRE)) {
        return false;
    }
    g_mutex_lock(&throttle_lock);
    g = group_of(blk);
    if (g) {
        ThrottleWaiter *w = g_new0(ThrottleWaiter, 1);

        w->is_write = is_write;
        w->bytes = bytes;
        w->submit = submit;
        w->opaque = opaque;
        g_queue_push_tail(&g->queue, w);
        go = group_pump(g);
        /* Submitted at once when it is first in line and allowed. */
        deferred = !(go && go->data == w && !go->next);
        if (!deferred) {
            g_free(w);
            g_slist_free(go);
            go = NULL;
        }
    }
    g_mutex_unlock(&throttle_lock);
    run_waiters(go);
    return deferred;
}

void blk_throttle_wait(BlockBackend *blk, bool is_write, int64_t bytes)
{
    if (in_async || !__atomic_load_n(&members, __ATOMIC_ACQUIRE)) {
        return;
    }
    for (;;) {
        int64_t ns;

        g_mutex_lock(&throttle_lock);
        ThrottleGroup *g = group_of(blk);
        if (!g) {
            g_mutex_unlock(&throttle_lock);
            return;
        }
        group_leak(g, throttle_now_ns());
        ns = g_queue_is_empty(&g->queue) ? group_wait_ns(g, is_write) : 1e6;
        if (ns <= 0) {
            group_account(g, is_write, bytes);
            g_mutex_unlock(&throttle_lock);
            return;
        }
        g_mutex_unlock(&throttle_lock);
        g_usleep(MAX(1, ns / 1000));
    }
}

void blk_throttle_flush(BlockBackend *blk)
{
    GSList *go = NULL;
    ThrottleGroup *g;

    if (!__atomic_load_n(&members, __ATOMIC_ACQUIRE)) {
        return;
    }
    g_mutex_lock(&throttle_lock);
    g = group_of(blk);
    while (g && !g_queue_is_empty(&g->queue)) {
        ThrottleWaiter *w = g_queue_pop_head(&g->queue);

        group_account(g, w->is_write, w->bytes);
        go = g_slist_append(go, w);
    }
    g_mutex_unlock(&throttle_lock);
    run_waiters(go);
}

void blk_throttle_set_async_context(bool on)
{
    in_async = on;
}

static void group_unref(ThrottleGroup *g)
{
    GSList *go = NULL;

    if (--g->users > 0) {
        return;
    }
    if (g->timer) {
        g_source_remove(g->timer);
    }
    /* Nothing may stay queued: let the rest go now. */
    while (!g_queue_is_empty(&g->queue)) {
        go = g_slist_append(go, g_queue_pop_head(&g->queue));
    }
    g_hash_table_remove(groups, g->name);
    g_free(g->name);
    g_free(g);
    g_mutex_unlock(&throttle_lock);
    run_waiters(go);
    g_mutex_lock(&throttle_lock);
}

static bool limits_empty(const ThrottleLimits *l)
{
    for (int i = 0; i < THROTTLE_BUCKETS; i++) {
        if (l->avg[i]) {
            return false;
        }
    }
    return true;
}

void blk_throttle_set(BlockBackend *blk, const ThrottleLimits *l,
                      const char *group)
{
    ThrottleGroup *g;
    const char *name = group && group[0] ? group : blk_name(blk);

    g_mutex_lock(&throttle_lock);
    if (!groups) {
        groups = g_hash_table_new(g_str_hash, g_str_equal);
        __atomic_store_n(&members, g_hash_table_new(NULL, NULL),
                         __ATOMIC_RELEASE);
    }
    g = group_of(blk);
    if (g && (limits_empty(l) || strcmp(g->name, name))) {
        g_hash_table_remove(members, blk);
        group_unref(g);
        g = NULL;
    }
    if (!limits_empty(l)) {
        if (!g) {
            g = g_hash_table_lookup(groups, name);
            if (!g) {
                g = g_new0(ThrottleGroup, 1);
                g->name = g_strdup(name);
                g->last_ns = throttle_now_ns();
                g_queue_init(&g->queue);
                g_hash_table_insert(groups, g->name, g);
            }
            g->users++;
            g_hash_table_insert(members, blk, g);
        }
        if (memcmp(&g->l, l, sizeof(*l))) {
            /* New limits start from empty buckets. */
            memset(g->level, 0, sizeof(g->level));
            memset(g->burst, 0, sizeof(g->burst));
        }
        g->l = *l;
    }
    g_mutex_unlock(&throttle_lock);
}

bool blk_throttle_get(BlockBackend *blk, ThrottleLimits *l,
                      const char **group)
{
    ThrottleGroup *g;

    g_mutex_lock(&throttle_lock);
    g = group_of(blk);
    if (g) {
        *l = g->l;
        *group = g->name;
    }
    g_mutex_unlock(&throttle_lock);
    return g != NULL;
}

void blk_throttle_forget(BlockBackend *blk)
{
    ThrottleLimits none;

    if (!__atomic_load_n(&members, __ATOMIC_ACQUIRE)) {
        return;
    }
    throttle_limits_init(&none);
    blk_throttle_set(blk, &none, NULL);
}
