/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for util/main-loop.c, util/timer.c and util/clock.c: timers on
 * a fake clock, the virtual clock stopping while paused and resuming where
 * it stopped, bottom halves scheduled from other threads, fd watches, the
 * loop lock, and a deterministic virtual time base.
 */
#include <glib.h>
#include <unistd.h>

#include "util/clock.h"
#include "util/main-loop.h"
#include "util/timer.h"

#define MS 1000000LL

typedef struct Fired {
    int count;
    int64_t at[8];          /* clock value seen by each firing */
    ClockType type;
    Timer *rearm;           /* re-arm this timer by @period each time */
    int64_t period;
} Fired;

static void on_timer(void *opaque)
{
    Fired *f = opaque;

    if (f->count < (int)G_N_ELEMENTS(f->at)) {
        f->at[f->count] = clock_get_ns(f->type);
    }
    f->count++;
    if (f->rearm) {
        timer_mod(f->rearm, clock_get_ns(f->type) + f->period);
    }
}

/* Run every ready callback without sleeping. */
static void drain(void)
{
    for (int i = 0; i < 100 && main_loop_wait(true); i++) {
    }
}

static void fake_clock_setup(void)
{
    /* The virtual clock restarts from 0 when a source is installed. */
    clock_fake_set_ns(1000 * MS);
    clock_set_source(clock_fake_source());
    virtual_clock_start();
}

static void test_virtual_clock(void)
{
    fake_clock_setup();
    g_assert_cmpint(clock_get_ns(CLOCK_TYPE_VIRTUAL), ==, 0);
    g_assert_cmpint(clock_get_ns(CLOCK_TYPE_REALTIME), ==, 1000 * MS);
    g_assert_cmpint(clock_get_ns(CLOCK_TYPE_HOST), >,
                    50LL * 365 * 86400 * NANOSECONDS_PER_SECOND);

    clock_fake_advance_ns(30 * MS);
    g_assert_cmpint(clock_get_ns(CLOCK_TYPE_VIRTUAL), ==, 30 * MS);
    virtual_clock_stop();
    virtual_clock_stop();
    g_assert_false(virtual_clock_is_running());
    clock_fake_advance_ns(5000 * MS);
    g_assert_cmpint(clock_get_ns(CLOCK_TYPE_VIRTUAL), ==, 30 * MS);
    g_assert_cmpint(clock_get_ns(CLOCK_TYPE_REALTIME), ==, 6030 * MS);
    virtual_clock_start();
    virtual_clock_start();
    g_assert_cmpint(clock_get_ns(CLOCK_TYPE_VIRTUAL), ==, 30 * MS);
    clock_fake_advance_ns(7 * MS);
    g_assert_cmpint(clock_get_ns(CLOCK_TYPE_VIRTUAL), ==, 37 * MS);
    g_assert_cmpint(clock_get_ms(CLOCK_TYPE_VIRTUAL), ==, 37);
    clock_set_source(NULL);
}

/*
 * vCPU threads read the virtual clock while the main thread pauses and
 * resumes it: every reader sees time that never goes backwards.
 */
static gint readers_stop;

static gpointer vclock_reader(gpointer opaque)
{
    int64_t last = clock_get_ns(CLOCK_TYPE_VIRTUAL);
    long reads = 0;

    while (!g_atomic_int_get(&readers_stop)) {
        int64_t now = clock_get_ns(CLOCK_TYPE_VIRTUAL);

        if (now < last) {
            return GINT_TO_POINTER(1);
        }
        last = now;
        reads++;
    }
    return GINT_TO_POINTER(reads > 0 ? 0 : 2);
}

static void test_virtual_clock_threads(void)
{
    GThread *readers[3];
    int64_t before, after;

    g_atomic_int_set(&readers_stop, 0);
    for (int i = 0; i < 3; i++) {
        readers[i] = g_thread_new("reader", vclock_reader, NULL);
    }
    before = clock_get_ns(CLOCK_TYPE_VIRTUAL);
    for (int i = 0; i < 2000; i++) {
        virtual_clock_stop();
        g_usleep(i % 50 == 0 ? 100 : 0);
        virtual_clock_start();
    }
    after = clock_get_ns(CLOCK_TYPE_VIRTUAL);
    g_atomic_int_set(&readers_stop, 1);
    for (int i = 0; i < 3; i++) {
        g_assert_cmpint(GPOINTER_TO_INT(g_thread_join(readers[i])), ==, 0);
    }
    g_assert_cmpint(after, >=, before);
    g_assert_true(virtual_clock_is_running());
}

static void test_realtime_timers(void)
{
    Fired a = { .type = CLOCK_TYPE_REALTIME };
    Fired b = { .type = CLOCK_TYPE_REALTIME };
    Timer *ta, *tb;

    fake_clock_setup();
    ta = timer_new(CLOCK_TYPE_REALTIME, on_timer, &a);
    tb = timer_new(CLOCK_TYPE_REALTIME, on_timer, &b);
    g_assert_false(timer_pending(ta));
    g_assert_cmpint(timer_expire_time_ns(ta), ==, -1);
    g_assert_cmpint(timers_deadline_ns(CLOCK_TYPE_REALTIME), ==, -1);

    timer_mod(ta, 1020 * MS);
    timer_mod_in_ns(tb, 10 * MS);
    g_assert_true(timer_pending(tb));
    g_assert_cmpint(timers_deadline_ns(CLOCK_TYPE_REALTIME), ==, 10 * MS);
    drain();
    g_assert_cmpint(a.count + b.count, ==, 0);

    clock_fake_advance_ns(10 * MS - 1);
    drain();
    g_assert_cmpint(b.count, ==, 0);
    clock_fake_advance_ns(1);
    drain();
    g_assert_cmpint(b.count, ==, 1);
    g_assert_cmpint(b.at[0], ==, 1010 * MS);
    g_assert_false(timer_pending(tb));

    /* Re-arming moves a timer; deleting disarms it. */
    timer_mod(ta, 1015 * MS);
    timer_mod(ta, 1040 * MS);
    clock_fake_advance_ns(20 * MS);
    drain();
    g_assert_cmpint(a.count, ==, 0);
    timer_del(ta);
    timer_del(ta);
    clock_fake_advance_ns(100 * MS);
    drain();
    g_assert_cmpint(a.count, ==, 0);

    /* A timer in the past fires on the next iteration. */
    timer_mod(ta, 0);
    drain();
    g_assert_cmpint(a.count, ==, 1);
    timer_free(ta);
    timer_free(tb);
    timer_free(NULL);
    clock_set_source(NULL);
}

static void test_periodic_and_order(void)
{
    Fired p = { .type = CLOCK_TYPE_REALTIME, .period = 10 * MS };
    Fired q = { .type = CLOCK_TYPE_REALTIME };
    Timer *tp, *tq;

    fake_clock_setup();
    tp = timer_new(CLOCK_TYPE_REALTIME, on_timer, &p);
    tq = timer_new(CLOCK_TYPE_REALTIME, on_timer, &q);
    p.rearm = tp;
    timer_mod(tp, 1010 * MS);
    timer_mod(tq, 1025 * MS);
    for (int i = 0; i < 4; i++) {
        clock_fake_advance_ns(10 * MS);
        drain();
    }
    g_assert_cmpint(p.count, ==, 4);
    g_assert_cmpint(p.at[3], ==, 1040 * MS);
    g_assert_cmpint(q.count, ==, 1);
    g_assert_cmpint(q.at[0], ==, 1030 * MS);

    /* A callback re-arming for the past cannot trap the loop in one pass. */
    p.period = -1000 * MS;
    clock_fake_advance_ns(10 * MS);
    g_assert_true(main_loop_wait(true));
    g_assert_cmpint(p.count, ==, 5);
    g_assert_true(main_loop_wait(true));
    g_assert_cmpint(p.count, ==, 6);
    timer_free(tp);
    timer_free(tq);
    clock_set_source(NULL);
}

static void test_virtual_timers_pause(void)
{
    Fired v = { .type = CLOCK_TYPE_VIRTUAL };
    Timer *t;

    fake_clock_setup();
    t = timer_new(CLOCK_TYPE_VIRTUAL, on_timer, &v);
    clock_fake_advance_ns(5 * MS);
    timer_mod(t, clock_get_ns(CLOCK_TYPE_VIRTUAL) + 10 * MS);   /* v=15ms */

    clock_fake_advance_ns(4 * MS);                              /* v=9ms */
    virtual_clock_stop();
    g_assert_cmpint(timers_deadline_ns(CLOCK_TYPE_VIRTUAL), ==, -1);
    clock_fake_advance_ns(60000 * MS);
    drain();
    g_assert_cmpint(v.count, ==, 0);
    g_assert_true(timer_pending(t));

    virtual_clock_start();
    g_assert_cmpint(timers_deadline_ns(CLOCK_TYPE_VIRTUAL), ==, 6 * MS);
    drain();
    g_assert_cmpint(v.count, ==, 0);
    clock_fake_advance_ns(6 * MS - 1);
    drain();
    g_assert_cmpint(v.count, ==, 0);
    clock_fake_advance_ns(1);
    drain();
    g_assert_cmpint(v.count, ==, 1);
    g_assert_cmpint(v.at[0], ==, 15 * MS);
    timer_free(t);
    clock_set_source(NULL);
}

static void quit_cb(void *opaque)
{
    main_loop_quit();
}

static void test_host_timer_run(void)
{
    Timer *t = timer_new(CLOCK_TYPE_REALTIME, quit_cb, NULL);
    int64_t start = clock_get_ns(CLOCK_TYPE_REALTIME);
    int64_t elapsed;

    timer_mod(t, start + 20 * MS);
    main_loop_run();
    elapsed = clock_get_ns(CLOCK_TYPE_REALTIME) - start;
    g_assert_cmpint(elapsed, >=, 20 * MS);
    g_assert_cmpint(elapsed, <, 2000 * MS);
    timer_free(t);
}

static void note_time(void *opaque)
{
    *(int64_t *)opaque = clock_get_ns(CLOCK_TYPE_REALTIME);
}

/*
 * Host timers fire within microseconds, not at glib's millisecond poll
 * granularity: of ten 300 us timers, at least one fires within 900 us even
 * on a loaded machine (with millisecond polling none could).
 */
static void test_host_timer_precision(void)
{
    int64_t fired = 0;
    Timer *t = timer_new(CLOCK_TYPE_REALTIME, note_time, &fired);
    int64_t best = G_MAXINT64;

    for (int i = 0; i < 10; i++) {
        int64_t start = clock_get_ns(CLOCK_TYPE_REALTIME);

        fired = 0;
        timer_mod(t, start + 300000);
        while (!fired) {
            main_loop_wait(false);
        }
        g_assert_cmpint(fired - start, >=, 300000);
        best = MIN(best, fired - start);
    }
    g_test_message("best latency of a 300 us timer: %" G_GINT64_FORMAT
                   " ns past its deadline", best - 300000);
    g_assert_cmpint(best, <, 900000);
    timer_free(t);
}

/* ---- bottom halves -------------------------------------------------- */

#define BH_THREADS 4
#define BH_CALLS 2000

static gint bh_total;
static int bh_last_seen[BH_THREADS];
static gboolean bh_order_ok = TRUE;

typedef struct BHCall {
    int thread;
    int seq;
} BHCall;

static void count_call(void *opaque)
{
    BHCall *c = opaque;

    /* main_loop_call() keeps each thread's calls in order. */
    if (c->seq != bh_last_seen[c->thread] + 1) {
        bh_order_ok = FALSE;
    }
    bh_last_seen[c->thread] = c->seq;
    g_free(c);
    if (++bh_total == BH_THREADS * BH_CALLS) {
        main_loop_quit();
    }
}

static gpointer bh_thread(gpointer opaque)
{
    int id = GPOINTER_TO_INT(opaque);

    for (int i = 1; i <= BH_CALLS; i++) {
        BHCall *c = g_new(BHCall, 1);

        c->thread = id;
        c->seq = i;
        main_loop_call(count_call, c);
    }
    return NULL;
}

static void test_bh_threads(void)
{
    GThread *threads[BH_THREADS];

    for (int i = 0; i < BH_THREADS; i++) {
        bh_last_seen[i] = 0;
        threads[i] = g_thread_new("bh", bh_thread, GINT_TO_POINTER(i));
    }
    main_loop_run();
    for (int i = 0; i < BH_THREADS; i++) {
        g_thread_join(threads[i]);
    }
    g_assert_cmpint(bh_total, ==, BH_THREADS * BH_CALLS);
    g_assert_true(bh_order_ok);
}

typedef struct BHState {
    int runs;
    BH *self;
    bool delete_self;
} BHState;

static void bh_cb(void *opaque)
{
    BHState *s = opaque;

    s->runs++;
    if (s->delete_self) {
        bh_delete(s->self);
    }
}

static void test_bh_semantics(void)
{
    BHState s = { 0 };
    BHState d = { .delete_self = true };

    s.self = bh_new(bh_cb, &s);
    drain();
    g_assert_cmpint(s.runs, ==, 0);
    /* Schedules before it runs coalesce. */
    bh_schedule(s.self);
    bh_schedule(s.self);
    drain();
    g_assert_cmpint(s.runs, ==, 1);
    bh_schedule(s.self);
    bh_cancel(s.self);
    drain();
    g_assert_cmpint(s.runs, ==, 1);
    bh_schedule(s.self);
    bh_delete(s.self);
    drain();
    g_assert_cmpint(s.runs, ==, 1);

    /* A BH may delete itself from its callback (ASan checks the free). */
    d.self = bh_new(bh_cb, &d);
    bh_schedule(d.self);
    drain();
    g_assert_cmpint(d.runs, ==, 1);
    bh_delete(NULL);
}

/* A timer armed from another thread wakes a loop sleeping in poll(). */
static gpointer arm_later(gpointer opaque)
{
    g_usleep(20000);
    timer_mod(opaque, 0);
    return NULL;
}

static void test_timer_from_thread(void)
{
    Timer *t = timer_new(CLOCK_TYPE_REALTIME, quit_cb, NULL);
    GThread *thr = g_thread_new("arm", arm_later, t);

    main_loop_run();
    g_thread_join(thr);
    g_assert_false(timer_pending(t));
    timer_free(t);
}

/* ---- fd watches and the loop lock ----------------------------------- */

typedef struct PipeState {
    int fds[2];
    char got[16];
    size_t len;
    bool lock_held_in_cb;
} PipeState;

static bool fake_lock_held;

static void fake_lock(void *opaque)
{
    g_assert_false(fake_lock_held);
    fake_lock_held = true;
}

static void fake_unlock(void *opaque)
{
    g_assert_true(fake_lock_held);
    fake_lock_held = false;
}

static void pipe_readable(void *opaque)
{
    PipeState *p = opaque;
    ssize_t n = read(p->fds[0], p->got + p->len, sizeof(p->got) - p->len);

    p->lock_held_in_cb = fake_lock_held;
    if (n > 0) {
        p->len += n;
    }
    if (n <= 0 || p->len >= 5) {
        /* Removing the watch from inside its own handler is allowed. */
        main_loop_set_fd_handler(p->fds[0], NULL, NULL, NULL);
        main_loop_quit();
    }
}

static gpointer write_later(gpointer opaque)
{
    PipeState *p = opaque;

    g_usleep(10000);
    g_assert_cmpint(write(p->fds[1], "hello", 5), ==, 5);
    return NULL;
}

static void test_fd_and_lock(void)
{
    PipeState p = { 0 };
    GThread *thr;

    g_assert_cmpint(pipe(p.fds), ==, 0);
    main_loop_set_fd_handler(p.fds[0], pipe_readable, NULL, &p);
    main_loop_set_lock(fake_lock, fake_unlock, NULL);
    fake_lock(NULL);
    thr = g_thread_new("writer", write_later, &p);
    main_loop_run();
    g_thread_join(thr);
    fake_unlock(NULL);
    main_loop_set_lock(NULL, NULL, NULL);
    g_assert_cmpuint(p.len, ==, 5);
    g_assert_cmpmem(p.got, 5, "hello", 5);
    g_assert_true(p.lock_held_in_cb);

    /* EOF reaches the read handler too. */
    p.len = 0;
    main_loop_set_fd_handler(p.fds[0], pipe_readable, NULL, &p);
    close(p.fds[1]);
    main_loop_run();
    g_assert_cmpuint(p.len, ==, 0);
    close(p.fds[0]);
}

/* ---- deterministic virtual time ------------------------------------- */

static int64_t counter_value;

static int64_t read_counter(void *opaque)
{
    return counter_value;
}

static void test_virtual_counter(void)
{
    Fired v = { .type = CLOCK_TYPE_VIRTUAL };
    Timer *t;
    int64_t base;

    fake_clock_setup();
    clock_fake_advance_ns(3 * MS);
    base = clock_get_ns(CLOCK_TYPE_VIRTUAL);
    counter_value = 500 * MS;
    clock_set_virtual_counter(read_counter, NULL);
    g_assert_cmpint(clock_get_ns(CLOCK_TYPE_VIRTUAL), ==, base);
    clock_fake_advance_ns(1000 * MS);
    g_assert_cmpint(clock_get_ns(CLOCK_TYPE_VIRTUAL), ==, base);

    t = timer_new(CLOCK_TYPE_VIRTUAL, on_timer, &v);
    timer_mod(t, base + 100);
    counter_value += 99;
    g_assert_false(timers_run_expired(CLOCK_TYPE_VIRTUAL));
    counter_value += 1;
    g_assert_true(timers_run_expired(CLOCK_TYPE_VIRTUAL));
    g_assert_cmpint(v.at[0], ==, base + 100);

    clock_set_virtual_counter(NULL, NULL);
    g_assert_cmpint(clock_get_ns(CLOCK_TYPE_VIRTUAL), ==, base + 100);
    timer_free(t);
    clock_set_source(NULL);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    main_loop_init();
    g_test_add_func("/util/clock/virtual", test_virtual_clock);
    g_test_add_func("/util/clock/virtual-threads", test_virtual_clock_threads);
    g_test_add_func("/util/timer/realtime", test_realtime_timers);
    g_test_add_func("/util/timer/periodic-order", test_periodic_and_order);
    g_test_add_func("/util/timer/virtual-pause", test_virtual_timers_pause);
    g_test_add_func("/util/timer/host-run", test_host_timer_run);
    g_test_add_func("/util/timer/host-precision", test_host_timer_precision);
    g_test_add_func("/util/timer/from-thread", test_timer_from_thread);
    g_test_add_func("/util/timer/virtual-counter", test_virtual_counter);
    g_test_add_func("/util/main-loop/bh-threads", test_bh_threads);
    g_test_add_func("/util/main-loop/bh-semantics", test_bh_semantics);
    g_test_add_func("/util/main-loop/fd-and-lock", test_fd_and_lock);
    return g_test_run();
}
