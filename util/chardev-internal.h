/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The seam between the chardev core (util/chardev.c) and its backends
 * (util/chardev-socket.c, util/chardev-host.c).  Only util/ includes this.
 *
 * The core owns the frontend, the bounded output buffer and the polling of
 * the current peer's fds; a backend decides where a peer comes from
 * (accept, connect, stdin/stdout, a pty, a file) and what happens when it
 * goes (listen again, reconnect later, wait for a pty reader).
 */
#ifndef UTIL_CHARDEV_INTERNAL_H
#define UTIL_CHARDEV_INTERNAL_H

#include <glib.h>

#include "util/chardev.h"
#include "util/main-loop.h"

/* Output buffered for a slow peer before chardev_write() returns short. */
#define CHARDEV_OUT_MAX (1024 * 1024)
/* Bytes read from the peer per dispatch. */
#define CHARDEV_READ_CHUNK 4096

/* Frontends a mux=on chardev can carry (serial + monitors). */
#define CHARDEV_MAX_FRONTENDS 4
/* Input a mux holds for a busy frontend, so escapes are always seen. */
#define CHARDEV_MUX_PENDING 32

typedef struct ChardevFrontend {
    ChardevHandlers h;
    void *opaque;
    bool opened;            /* has been told OPENED for this peer */
} ChardevFrontend;

/* One fd the chardev's GSource polls (see chardev_watch_update()). */
typedef struct ChardevWatch {
    int fd;
    GIOCondition events;
    gpointer tag;               /* from g_source_add_unix_fd(), or NULL */
} ChardevWatch;

typedef struct ChardevDriver {
    const char *name;
    /* Options beyond "backend" and "id", NULL-terminated. */
    const char *const *opts;
    /* Open with validated @opts; may call chardev_peer_connected(). */
    bool (*open)(Chardev *chr, struct json_object *opts, Error **errp);
    /* The peer left (chardev_peer_disconnect() ran); may be NULL. */
    void (*peer_gone)(Chardev *chr, int in_fd, int out_fd);
    /* End of input without the peer leaving (stdin EOF); may be NULL,
     * in which case EOF disconnects the peer. */
    void (*input_eof)(Chardev *chr);
    /* QEMU's filename string (caller frees). */
    char *(*filename)(const Chardev *chr);
    /* Release the backend state; the peer is already gone. */
    void (*close)(Chardev *chr);
} ChardevDriver;

struct Chardev {
    char *id;
    const ChardevDriver *drv;
    void *be;                       /* backend state */

    /* Frontends; main thread only.  Without mux at most one. */
    ChardevFrontend fe[CHARDEV_MAX_FRONTENDS];
    unsigned nfe;
    bool mux;
    unsigned focus;                 /* mux: the frontend input goes to */
    bool mux_escape;                /* mux: saw the escape character */
    uint8_t mux_pending[CHARDEV_MUX_PENDING]; /* mux: input not yet taken */
    unsigned mux_npending;
    BH *mux_bh;                     /* mux: deliver mux_pending */

    /* The peer.  @lock guards these against writers on other threads. */
    GMutex lock;
    int in_fd;                      /* -1: no input */
    int out_fd;                     /* -1: output is dropped */
    bool connected;
    bool out_is_socket;             /* send(MSG_NOSIGNAL), not write() */
    size_t out_chunk;               /* largest single write */
    GByteArray *out;                /* output; pending from out_head */
    size_t out_head;                /* bytes at the front already sent */

    /* Polling, main thread only. */
    GSource *source;
    ChardevWatch watch[2];          /* [0]: input (and output if same fd) */
    BH *opened_bh;                  /* OPENED for a late frontend */
};

/* Option readers for the backends; all accept JSON and keyval forms. */
bool chardev_opt_str(struct json_object *opts, const char *key,
                     const char **out, Error **errp);
bool chardev_opt_bool(struct json_object *opts, const char *key, bool def,
                      bool *out, Error **errp);
bool chardev_opt_uint(struct json_object *opts, const char *key,
                      uint64_t def, uint64_t max, uint64_t *out,
                      Error **errp);

/** chardev_fe_can_read() - what frontend @i can take now (0 if none). */
size_t chardev_fe_can_read(Chardev *chr, unsigned i);

/** chardev_mux_can_read() / chardev_mux_input() - util/chardev-mux.c:
 *  input of a mux=on chardev, with the escape sequences handled. */
size_t chardev_mux_can_read(Chardev *chr);
void chardev_mux_input(Chardev *chr, const uint8_t *buf, size_t len);
/** chardev_mux_init() / chardev_mux_cleanup() - a mux's own state. */
void chardev_mux_init(Chardev *chr);
void chardev_mux_cleanup(Chardev *chr);

/**
 * chardev_peer_connected() - a peer is attached: poll @in_fd (-1: none)
 * for input and write output to @out_fd (may equal @in_fd), then tell the
 * frontend.  The fds stay the backend's: peer_gone() gets them back.
 */
void chardev_peer_connected(Chardev *chr, int in_fd, int out_fd,
                            bool is_socket);

/** chardev_peer_disconnect() - detach the peer, drop pending output, tell
 *  the frontend, then hand the fds to drv->peer_gone(). */
void chardev_peer_disconnect(Chardev *chr);

/** chardev_stop_input() - stop polling input (stdin reached EOF). */
void chardev_stop_input(Chardev *chr);

/* Backends. */
extern const ChardevDriver chardev_socket_driver;
extern const ChardevDriver chardev_stdio_driver;
extern const ChardevDriver chardev_file_driver;
extern const ChardevDriver chardev_null_driver;
extern const ChardevDriver chardev_pty_driver;

#endif /* UTIL_CHARDEV_INTERNAL_H */
