/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Timers; see include/util/timer.h.
 *
 * Each clock has a list of armed timers sorted by expiry time, under one
 * mutex so vCPU threads can arm device timers.  One GSource on the default
 * context asks for a poll timeout that ends at the earliest deadline and
 * runs what is due.  The virtual clock's list is ignored while that clock
 * is stopped, which is all "timers do not fire while paused" takes.
 *
 * With the host clock a timerfd wakes the loop at the deadline, so timers
 * fire within microseconds of it (never before).
 */
#include "util/timer.h"

#include <assert.h>
#include <unistd.h>
#include <sys/timerfd.h>
#include <glib.h>

#include "util/main-loop.h"
#include "util/util-internal.h"

struct Timer {
    ClockType type;
    int64_t expire;         /* -1 when not armed */
    uint64_t mod_seq;       /* value of timer_seq when last armed */
    TimerFunc *cb;
    void *opaque;
    Timer *next;            /* in timer_lists[type], sorted by expire */
};

static GMutex timer_lock;
static Timer *timer_lists[CLOCK_TYPE__MAX];
static uint64_t timer_seq;

/* Unlink @t from its list if armed; timer_lock held. */
static void timer_unlink_locked(Timer *t)
{
    Timer **p;

    if (t->expire < 0) {
        return;
    }
    for (p = &timer_lists[t->type]; *p; p = &(*p)->next) {
        if (*p == t) {
            *p = t->next;
            break;
        }
    }
    t->next = NULL;
    t->expire = -1;
}

Timer *timer_new(ClockType type, TimerFunc *cb, void *opaque)
{
    Timer *t = g_new0(Timer, 1);

    assert((unsigned)type < CLOCK_TYPE__MAX);
    main_loop_init();
    t->type = type;
    t->expire = -1;
    t->cb = cb;
    t->opaque = opaque;
    return t;
}

void timer_mod(Timer *t, int64_t expire_ns)
{
    Timer **p;
    bool first;

    if (expire_ns < 0) {
        expire_ns = 0;
    }
    g_mutex_lock(&timer_lock);
    timer_unlink_locked(t);
    t->expire = expire_ns;
    t->mod_seq = ++timer_seq;
    /* Equal deadlines keep arming order. */
    for (p = &timer_lists[t->type]; *p && (*p)->expire <= expire_ns;
         p = &(*p)->next) {
    }
    t->next = *p;
    *p = t;
    first = timer_lists[t->type] == t;
    g_mutex_unlock(&timer_lock);
    if (first) {
        main_loop_kick();
    }
}

void timer_mod_in_ns(Timer *t, int64_t delta_ns)
{
    timer_mod(t, clock_get_ns(t->type) + delta_ns);
}

void timer_del(Timer *t)
{
    g_mutex_lock(&timer_lock);
    timer_unlink_locked(t);
    g_mutex_unlock(&timer_lock);
}

bool timer_pending(Timer *t)
{
    return timer_expire_time_ns(t) >= 0;
}

int64_t timer_expire_time_ns(Timer *t)
{
    int64_t expire;

    g_mutex_lock(&timer_lock);
    expire = t->expire;
    g_mutex_unlock(&timer_lock);
    return expire;
}

void timer_free(Timer *t)
{
    if (t) {
        timer_del(t);
        g_free(t);
    }
}

int64_t timers_deadline_ns(ClockType type)
{
    int64_t expire;
    int64_t now;

    if (type == CLOCK_TYPE_VIRTUAL && !virtual_clock_is_running()) {
        return -1;
    }
    g_mutex_lock(&timer_lock);
    expire = timer_lists[type] ? timer_lists[type]->expire : -1;
    g_mutex_unlock(&timer_lock);
    if (expire < 0) {
        return -1;
    }
    now = clock_get_ns(type);
    return expire > now ? expire - now : 0;
}

/*
 * Timers armed while this pass runs (a periodic timer re-arming itself, even
 * for a time already past) wait for the next pass, so a callback cannot keep
 * the loop here forever.
 */
bool timers_run_expired(ClockType type)
{
    uint64_t pass_seq;
    int64_t now;
    bool ran = false;

    if (type == CLOCK_TYPE_VIRTUAL && !virtual_clock_is_running()) {
        return false;
    }
    now = clock_get_ns(type);
    g_mutex_lock(&timer_lock);
    pass_seq = timer_seq;
    for (;;) {
        Timer *t = timer_lists[type];

        if (!t || t->expire > now || t->mod_seq > pass_seq) {
            break;
        }
        timer_lists[type] = t->next;
        t->next = NULL;
        t->expire = -1;
        g_mutex_unlock(&timer_lock);
        t->cb(t->opaque);
        ran = true;
        g_mutex_lock(&timer_lock);
    }
    g_mutex_unlock(&timer_lock);
    return ran;
}

/* ---- the GSource ---------------------------------------------------- */

/* Earliest deadline over all clocks in ns, or -1 for none. */
static int64_t timers_deadline_all(void)
{
    int64_t best = -1;

    for (int type = 0; type < CLOCK_TYPE__MAX; type++) {
        int64_t d = timers_deadline_ns(type);

        if (d >= 0 && (best < 0 || d < best)) {
            best = d;
        }
    }
    return best;
}

/*
 * The timer GSource.  glib's poll timeout has millisecond resolution, so
 * with the host clock the source instead arms a timerfd at the earliest
 * deadline (CLOCK_MONOTONIC, absolute) and polls it.  It re-arms only when
 * a timer is due earlier than the armed time (by more than the slack): a
 * later deadline costs at most one early wake-up, not a syscall per loop
 * iteration.  With a fake clock the millisecond timeout is used.
 */
typedef struct TimerSource {
    GSource source;
    int tfd;                /* -1: no timerfd, use poll timeouts */
    gpointer tag;
    int64_t armed_at;       /* host monotonic ns, or -1 when not armed */
} TimerSource;

#define TIMER_REARM_SLACK_NS 20000

static void timer_source_arm(TimerSource *ts, int64_t at)
{
    struct itimerspec its = {
        .it_value.tv_sec = at / NANOSECONDS_PER_SECOND,
        .it_value.tv_nsec = at % NANOSECONDS_PER_SECOND,
    };

    if (ts->armed_at >= 0 && at >= ts->armed_at - TIMER_REARM_SLACK_NS) {
        return;
    }
    if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0) {
        its.it_value.tv_nsec = 1;   /* zero would disarm */
    }
    if (timerfd_settime(ts->tfd, TFD_TIMER_ABSTIME, &its, NULL) == 0) {
        ts->armed_at = at;
    }
}

static gboolean timer_source_prepare(GSource *source, gint *timeout)
{
    TimerSource *ts = (TimerSource *)source;
    int64_t d = timers_deadline_all();

    *timeout = -1;
    if (d == 0) {
        *timeout = 0;
        return true;
    }
    if (d < 0) {
        return false;
    }
    if (ts->tfd >= 0 && clock_source_is_host()) {
        timer_source_arm(ts, clock_get_ns(CLOCK_TYPE_REALTIME) + d);
    } else {
        /* Round up: waking early would only spin. */
        int64_t ms = (d + 999999) / 1000000;

        *timeout = ms > G_MAXINT ? G_MAXINT : (gint)ms;
    }
    return false;
}

static gboolean timer_source_check(GSource *source)
{
    TimerSource *ts = (TimerSource *)source;
    uint64_t expirations;

    if (ts->tag && g_source_query_unix_fd(source, ts->tag)) {
        if (read(ts->tfd, &expirations, sizeof(expirations)) > 0) {
            ts->armed_at = -1;
        }
    }
    return timers_deadline_all() == 0;
}

static gboolean timer_source_dispatch(GSource *source, GSourceFunc unused,
                                      gpointer data)
{
    for (int type = 0; type < CLOCK_TYPE__MAX; type++) {
        timers_run_expired(type);
    }
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs timer_source_funcs = {
    .prepare = timer_source_prepare,
    .check = timer_source_check,
    .dispatch = timer_source_dispatch,
};

void timer_source_attach(void)
{
    TimerSource *ts = (TimerSource *)g_source_new(&timer_source_funcs,
                                                  sizeof(TimerSource));

    g_source_set_name(&ts->source, "timers");
    ts->armed_at = -1;
    ts->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (ts->tfd >= 0) {
        ts->tag = g_source_add_unix_fd(&ts->source, ts->tfd, G_IO_IN);
    }
    g_source_attach(&ts->source, NULL);
    g_source_unref(&ts->source);
}
