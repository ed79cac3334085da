/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The main loop on glib's default GMainContext; see include/util/main-loop.h.
 *
 * Three kinds of GSource live here: one per watched fd (a GPollFD whose
 * events are recomputed from the handlers), one for all bottom halves (a
 * locked FIFO that other threads append to, then wake the context), and
 * the timer source of util/timer.c.  An optional lock (the machine lock)
 * is dropped only inside the poll function, as QEMU's main loop drops its
 * big lock only while it sleeps.
 */
#include "util/main-loop.h"

#include "util/timer.h"
#include "util/util-internal.h"

struct BH {
    BHFunc *cb;
    void *opaque;
    bool scheduled;     /* in bh_queue; protected by bh_lock */
    bool deleted;       /* bh_delete() ran inside its own callback */
    bool oneshot;       /* free it after it runs */
};

typedef struct FdSource {
    GSource source;
    GPollFD pfd;
    IOHandler *read;
    IOHandler *write;
    void *opaque;
} FdSource;

static GMutex bh_lock;
static GQueue bh_queue = G_QUEUE_INIT;
static GSource *bh_source;
static GHashTable *fd_sources;      /* fd -> FdSource *, main thread only */
static gint quit_requested;
static GOnce init_once = G_ONCE_INIT;
static BH *bh_running;              /* main thread only */

static void (*loop_lock)(void *opaque);
static void (*loop_unlock)(void *opaque);
static void *loop_lock_opaque;

/* ---- bottom halves -------------------------------------------------- */

static gboolean bh_source_prepare(GSource *source, gint *timeout)
{
    bool ready;

    g_mutex_lock(&bh_lock);
    ready = !g_queue_is_empty(&bh_queue);
    g_mutex_unlock(&bh_lock);
    *timeout = ready ? 0 : -1;
    return ready;
}

static gboolean bh_source_check(GSource *source)
{
    return bh_source_prepare(source, &(gint){ 0 });
}

/*
 * Run the BHs queued when dispatch began; ones scheduled by these callbacks
 * wait for the next iteration, so a BH that re-schedules itself cannot
 * starve fds and timers.
 */
static gboolean bh_source_dispatch(GSource *source, GSourceFunc unused,
                                   gpointer data)
{
    guint n;

    g_mutex_lock(&bh_lock);
    n = g_queue_get_length(&bh_queue);
    while (n-- > 0) {
        BH *bh = g_queue_pop_head(&bh_queue);

        bh->scheduled = false;
        g_mutex_unlock(&bh_lock);
        bh_running = bh;
        bh->cb(bh->opaque);
        bh_running = NULL;
        if (bh->deleted || bh->oneshot) {
            g_free(bh);
        }
        g_mutex_lock(&bh_lock);
    }
    g_mutex_unlock(&bh_lock);
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs bh_source_funcs = {
    .prepare = bh_source_prepare,
    .check = bh_source_check,
    .dispatch = bh_source_dispatch,
};

BH *bh_new(BHFunc *cb, void *opaque)
{
    BH *bh = g_new0(BH, 1);

    main_loop_init();
    bh->cb = cb;
    bh->opaque = opaque;
    return bh;
}

void bh_schedule(BH *bh)
{
    bool wake = false;

    g_mutex_lock(&bh_lock);
    if (!bh->scheduled) {
        bh->scheduled = true;
        g_queue_push_tail(&bh_queue, bh);
        wake = true;
    }
    g_mutex_unlock(&bh_lock);
    if (wake) {
        g_main_context_wakeup(NULL);
    }
}

void bh_cancel(BH *bh)
{
    g_mutex_lock(&bh_lock);
    if (bh->scheduled) {
        g_queue_remove(&bh_queue, bh);
        bh->scheduled = false;
    }
    g_mutex_unlock(&bh_lock);
}

void bh_delete(BH *bh)
{
    if (!bh) {
        return;
    }
    g_mutex_lock(&bh_lock);
    if (bh->scheduled) {
        g_queue_remove(&bh_queue, bh);
        bh->scheduled = false;
    }
    g_mutex_unlock(&bh_lock);
    if (bh == bh_running) {
        /* Deleted from its own callback: the dispatcher frees it. */
        bh->deleted = true;
        return;
    }
    g_free(bh);
}

void main_loop_call(BHFunc *cb, void *opaque)
{
    BH *bh = bh_new(cb, opaque);

    bh->oneshot = true;
    bh_schedule(bh);
}

/* ---- fd watches ----------------------------------------------------- */

static gboolean fd_source_check(GSource *source)
{
    FdSource *s = (FdSource *)source;

    return (s->pfd.revents & s->pfd.events) != 0 ||
           (s->pfd.revents & (G_IO_HUP | G_IO_ERR | G_IO_NVAL)) != 0;
}

static gboolean fd_source_dispatch(GSource *source, GSourceFunc unused,
                                   gpointer data)
{
    FdSource *s = (FdSource *)source;
    GIOCondition rev = s->pfd.revents;
    bool trouble = rev & (G_IO_HUP | G_IO_ERR | G_IO_NVAL);

    s->pfd.revents = 0;
    if (s->read && (rev & G_IO_IN || trouble)) {
        s->read(s->opaque);
        /* The handler may have removed or replaced this watch. */
        if (g_source_is_destroyed(source)) {
            return G_SOURCE_REMOVE;
        }
    }
    if (s->write && (rev & G_IO_OUT || (trouble && !s->read))) {
        s->write(s->opaque);
    }
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs fd_source_funcs = {
    .check = fd_source_check,
    .dispatch = fd_source_dispatch,
};

static void fd_source_remove(gpointer data)
{
    GSource *source = data;

    g_source_destroy(source);
    g_source_unref(source);
}

void main_loop_set_fd_handler(int fd, IOHandler *read, IOHandler *write,
                              void *opaque)
{
    FdSource *s;

    main_loop_init();
    g_hash_table_remove(fd_sources, GINT_TO_POINTER(fd));
    if (!read && !write) {
        return;
    }
    s = (FdSource *)g_source_new(&fd_source_funcs, sizeof(FdSource));
    g_source_set_name(&s->source, "fd-handler");
    s->pfd.fd = fd;
    s->pfd.events = (read ? G_IO_IN : 0) | (write ? G_IO_OUT : 0);
    s->read = read;
    s->write = write;
    s->opaque = opaque;
    g_source_add_poll(&s->source, &s->pfd);
    g_source_attach(&s->source, NULL);
    g_hash_table_insert(fd_sources, GINT_TO_POINTER(fd), s);
}

/* ---- the loop ------------------------------------------------------- */

static gint main_loop_poll(GPollFD *fds, guint nfds, gint timeout)
{
    gint ret;

    if (!loop_unlock || timeout == 0) {
        return g_poll(fds, nfds, timeout);
    }
    loop_unlock(loop_lock_opaque);
    ret = g_poll(fds, nfds, timeout);
    loop_lock(loop_lock_opaque);
    return ret;
}

static gpointer main_loop_do_init(gpointer unused)
{
    fd_sources = g_hash_table_new_full(NULL, NULL, NULL, fd_source_remove);
    bh_source = g_source_new(&bh_source_funcs, sizeof(GSource));
    g_source_set_name(bh_source, "bottom-halves");
    g_source_attach(bh_source, NULL);
    timer_source_attach();
    g_main_context_set_poll_func(NULL, main_loop_poll);
    return NULL;
}

void main_loop_init(void)
{
    g_once(&init_once, main_loop_do_init, NULL);
}

void main_loop_set_lock(void (*lock)(void *opaque),
                        void (*unlock)(void *opaque), void *opaque)
{
    loop_lock = lock;
    loop_unlock = unlock;
    loop_lock_opaque = opaque;
}

bool main_loop_wait(bool nonblocking)
{
    main_loop_init();
    return g_main_context_iteration(NULL, !nonblocking);
}

void main_loop_run(void)
{
    main_loop_init();
    while (!g_atomic_int_get(&quit_requested)) {
        main_loop_wait(false);
    }
    g_atomic_int_set(&quit_requested, 0);
}

void main_loop_quit(void)
{
    g_atomic_int_set(&quit_requested, 1);
    g_main_context_wakeup(NULL);
}

void main_loop_kick(void)
{
    g_main_context_wakeup(NULL);
}
