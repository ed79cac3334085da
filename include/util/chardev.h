/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Character devices: the byte streams behind serial ports and monitors.
 *
 * Backends (QEMU's -chardev): stdio, file (path=), null, pty, socket
 * (path= for unix, host=/port= for tcp; server=on|off, wait=on|off).  The
 * shorthands of -serial/-qmp/-monitor ("stdio", "none", "null",
 * "unix:/path,server=on,wait=off", "tcp:127.0.0.1:4444,server=on,wait=off",
 * "file:/path", "pty") are turned into the same options by
 * chardev_new_shorthand().  "mon:SPEC" is SPEC with mux=on: a serial
 * port and a monitor share it, Ctrl-A c switching between them.
 *
 * All I/O runs on the main loop (the default GMainContext).  A frontend
 * (UART, monitor) attaches handlers; received bytes are delivered as far as
 * can_read() allows, so a busy frontend applies back-pressure instead of
 * losing input.  Writes never block: what the host cannot take at once is
 * buffered (bounded; see chardev_write()).  A socket server serves one client
 * at a time and listens again when it disconnects.
 */
#ifndef UTIL_CHARDEV_H
#define UTIL_CHARDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <json-c/json.h>

#include "util/error.h"

typedef struct Chardev Chardev;

typedef enum ChardevEvent {
    CHARDEV_EVENT_OPENED,   /* a peer connected (or the backend is ready) */
    CHARDEV_EVENT_CLOSED,   /* the peer went away */
} ChardevEvent;

/**
 * struct ChardevHandlers - a frontend's callbacks, all on the main loop.
 * @can_read: how many bytes the frontend can take now (0 pauses input).
 * @read: @len bytes (never more than can_read() said) arrived.
 * @event: the connection state changed.
 */
typedef struct ChardevHandlers {
    size_t (*can_read)(void *opaque);
    void (*read)(void *opaque, const uint8_t *buf, size_t len);
    void (*event)(void *opaque, ChardevEvent event);
} ChardevHandlers;

/**
 * chardev_new() - create and open a chardev from -chardev options.
 * @opts: a json-c object of string members as keyval_parse() makes:
 *        "backend" (the implied first key: "socket", "stdio", ...), "id",
 *        and the backend's options.
 * Returns NULL with *errp set for a bad option or a host failure (e.g.
 * "Failed to bind socket to /x: Address already in use").  With server=on
 * and wait=on, waits for the first client before returning.
 */
Chardev *chardev_new(struct json_object *opts, Error **errp);

/**
 * chardev_new_shorthand() - create from a -serial/-qmp/-monitor shorthand
 * such as "unix:/tmp/q,server=on,wait=off", giving it @id.  "none" makes a
 * null chardev (a caller for which "none" means "no device at all" checks
 * for it first).  "chardev:NAME" creates nothing: it returns the existing
 * chardev NAME (error "chardev 'NAME' not found"), still owned by the
 * registry.
 */
Chardev *chardev_new_shorthand(const char *id, const char *spec, Error **errp);

/** chardev_find() - the chardev with @id, or NULL. */
Chardev *chardev_find(const char *id);
const char *chardev_id(const Chardev *chr);
/** chardev_filename() - QEMU's "filename" string for query-chardev,
 *  e.g. "unix:/tmp/q,server=on" or "disconnected:unix:...". */
char *chardev_filename(const Chardev *chr);
/** chardev_is_connected() - whether a peer is attached now. */
bool chardev_is_connected(const Chardev *chr);

/**
 * chardev_set_handlers() - attach a frontend, or detach with NULL @h: the
 * frontend whose opaque is @opaque, or every frontend when @opaque is
 * NULL.  A chardev has at most one frontend (four with mux=on); one more
 * fails with *errp ("chardev 'x' is busy").  If a peer is already
 * connected, @h->event gets CHARDEV_EVENT_OPENED from the main loop.
 */
bool chardev_set_handlers(Chardev *chr, const ChardevHandlers *h,
                          void *opaque, Error **errp);

/**
 * chardev_write() - queue @len bytes for the peer; never blocks.
 * Returns @len, or a smaller count when the bounded output buffer (1 MiB)
 * is full, or -errno.  With no peer connected the bytes are dropped and
 * @len is returned, as a serial line with nothing attached would.
 */
ssize_t chardev_write(Chardev *chr, const uint8_t *buf, size_t len);

/**
 * chardev_accept_input() - the frontend's can_read() may have grown (e.g.
 * the guest drained a FIFO): wake the main loop so input resumes at once.
 * Safe from any thread.
 */
void chardev_accept_input(Chardev *chr);

/**
 * chardev_pending_output() - bytes written but not yet taken by the peer.
 * A frontend can use it to pace itself well before chardev_write() runs
 * into the 1 MiB bound.  Safe from any thread.
 */
size_t chardev_pending_output(Chardev *chr);

/** chardev_disconnect() - drop the current peer (servers listen again). */
void chardev_disconnect(Chardev *chr);

/**
 * chardev_delete() - close and free; detaches the frontend first (it gets
 * no CLOSED event) and gives pending output up to 200 ms to drain.  Not
 * from inside the chardev's own handlers.  NULL is ignored.
 */
void chardev_delete(Chardev *chr);

/**
 * chardev_is_mux() - whether @chr was made with mux=on (or "mon:"), so
 * that a monitor may share it with the serial port.
 */
bool chardev_is_mux(const Chardev *chr);

/**
 * chardev_set_mux_exit_hook() - what Ctrl-A x on a mux chardev does:
 * call @fn(@opaque) (system/ requests a shutdown).  Without a hook it
 * quits the main loop.
 */
void chardev_set_mux_exit_hook(void (*fn)(void *opaque), void *opaque);

/** chardev_delete_all() - at exit. */
void chardev_delete_all(void);

/** chardev_foreach() - call @fn for every chardev, in creation order. */
void chardev_foreach(void (*fn)(Chardev *chr, void *opaque), void *opaque);

#endif /* UTIL_CHARDEV_H */
