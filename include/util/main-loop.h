/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The main loop: glib's default GMainContext, run by the main thread.
 *
 * It serves fd watches (sockets, chardevs, the UI), bottom halves
 * (callbacks that any thread schedules and the main loop runs) and timers
 * (util/timer.h).  Anything else that uses the default GMainContext (GIO,
 * g_idle_add, SDL event pumps) runs in the same loop.
 *
 * The machine lock (ARCHITECTURE.md: QEMU's big lock) can be handed to the
 * loop with main_loop_set_lock(): the loop then runs every callback with
 * the lock held and drops it only while it sleeps in poll().
 */
#ifndef UTIL_MAIN_LOOP_H
#define UTIL_MAIN_LOOP_H

#include <stdbool.h>
#include <glib.h>

typedef void IOHandler(void *opaque);
typedef void BHFunc(void *opaque);
typedef struct BH BH;

/**
 * main_loop_init() - attach the loop's sources to the default context.
 * Idempotent; the other functions call it when needed, so main() may but
 * need not call it first.
 */
void main_loop_init(void);

/**
 * main_loop_wait() - run one iteration: poll (sleeping until something is
 * ready unless @nonblocking), then dispatch what is ready.
 * Returns whether any callback ran.  Main thread only; with a lock set,
 * call it with the lock held.
 */
bool main_loop_wait(bool nonblocking);

/**
 * main_loop_run() - iterate until main_loop_quit() is called.  The quit
 * request is consumed, so main_loop_run() can be called again.
 */
void main_loop_run(void);

/** main_loop_quit() - make main_loop_run() return; any thread. */
void main_loop_quit(void);

/**
 * main_loop_set_lock() - run callbacks under a lock (the machine lock).
 * @lock, @unlock: take and release it; both NULL removes the lock.
 * The loop releases it only while sleeping in poll().
 */
void main_loop_set_lock(void (*lock)(void *opaque),
                        void (*unlock)(void *opaque), void *opaque);

/**
 * main_loop_set_fd_handler() - call @read when @fd is readable and @write
 * when it is writable (either may be NULL); both NULL removes the watch.
 * Setting handlers for an @fd that has some replaces them.  Hang-up and
 * error conditions call @read (so the handler sees EOF or the error) or,
 * without @read, @write.  Main thread only.
 */
void main_loop_set_fd_handler(int fd, IOHandler *read, IOHandler *write,
                              void *opaque);

/**
 * bh_new() - a bottom half: @cb(@opaque) run once on the main loop each
 * time bh_schedule() is called (schedules made before it runs coalesce).
 */
BH *bh_new(BHFunc *cb, void *opaque);

/** bh_schedule() - run @bh on the main loop soon; any thread. */
void bh_schedule(BH *bh);

/** bh_cancel() - unschedule @bh if it has not run yet; any thread. */
void bh_cancel(BH *bh);

/**
 * bh_delete() - cancel and free @bh (NULL is ignored).  Main thread, or
 * when no other thread can schedule @bh any more.
 */
void bh_delete(BH *bh);

/**
 * main_loop_call() - run @cb(@opaque) once on the main loop; any thread.
 * Calls made from one thread run in the order they were made.
 */
void main_loop_call(BHFunc *cb, void *opaque);

/** main_loop_kick() - wake the loop from poll(); any thread. */
void main_loop_kick(void);

#endif /* UTIL_MAIN_LOOP_H */
