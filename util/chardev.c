/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Character devices: the core shared by every backend; see
 * include/util/chardev.h and util/chardev-internal.h.
 *
 * Each chardev has one GSource on the default context polling the peer's
 * input and output fds (one entry when they are the same socket).
 * prepare() decides what to wait for: input only while the frontend's
 * can_read() is non-zero (back-pressure leaves bytes in the kernel, where
 * they slow the sender), output only while the buffer holds bytes.
 * Writers on any thread append to the buffer under the chardev's lock and
 * wake the loop; the loop does the host writes, so a frontend writing a
 * byte at a time costs no syscall per byte.
 */
#include "util/chardev-internal.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "util/clock.h"
#include "util/main-loop.h"

typedef struct ChardevSource {
    GSource source;
    Chardev *chr;
} ChardevSource;

/* Time chardev_delete() gives pending output to drain. */
#define CHARDEV_CLOSE_FLUSH_MS 200

static const ChardevDriver *const chardev_drivers[] = {
    &chardev_socket_driver,
    &chardev_stdio_driver,
    &chardev_file_driver,
    &chardev_null_driver,
    &chardev_pty_driver,
};

static GPtrArray *chardevs;     /* in creation order; main thread only */

/* ---- options -------------------------------------------------------- */

bool chardev_opt_str(struct json_object *opts, const char *key,
                     const char **out, Error **errp)
{
    struct json_object *v;

    *out = NULL;
    if (!json_object_object_get_ex(opts, key, &v)) {
        return true;
    }
    if (!json_object_is_type(v, json_type_string)) {
        error_setg(errp, "Parameter '%s' expects a string", key);
        return false;
    }
    *out = json_object_get_string(v);
    return true;
}

bool chardev_opt_bool(struct json_object *opts, const char *key, bool def,
                      bool *out, Error **errp)
{
    static const char *const yes[] = { "on", "yes", "true", "y" };
    static const char *const no[] = { "off", "no", "false", "n" };
    struct json_object *v;
    const char *s;

    *out = def;
    if (!json_object_object_get_ex(opts, key, &v)) {
        return true;
    }
    if (json_object_is_type(v, json_type_boolean)) {
        *out = json_object_get_boolean(v);
        return true;
    }
    s = json_object_is_type(v, json_type_string) ? json_object_get_string(v)
                                                 : "";
    for (size_t i = 0; i < G_N_ELEMENTS(yes); i++) {
        if (!strcmp(s, yes[i]) || !strcmp(s, no[i])) {
            *out = !strcmp(s, yes[i]);
            return true;
        }
    }
    error_setg(errp, "Parameter '%s' expects 'on' or 'off'", key);
    return false;
}

bool chardev_opt_uint(struct json_object *opts, const char *key,
                      uint64_t def, uint64_t max, uint64_t *out,
                      Error **errp)
{
    struct json_object *v;
    const char *s;
    char *end;

    *out = def;
    if (!json_object_object_get_ex(opts, key, &v)) {
        return true;
    }
    if (json_object_is_type(v, json_type_int) &&
        json_object_get_int64(v) >= 0 &&
        (uint64_t)json_object_get_int64(v) <= max) {
        *out = json_object_get_int64(v);
        return true;
    }
    s = json_object_is_type(v, json_type_string) ? json_object_get_string(v)
                                                 : "";
    errno = 0;
    *out = g_ascii_strtoull(s, &end, 10);
    if (!g_ascii_isdigit(*s) || *end || errno || *out > max) {
        error_setg(errp, "Parameter '%s' expects a number from 0 to %" PRIu64,
                   key, max);
        return false;
    }
    return true;
}

/* Every member must be "backend", "id", "mux" or one of the driver's
 * options. */
static bool chardev_check_opts(const ChardevDriver *drv,
                               struct json_object *opts, Error **errp)
{
    json_object_object_foreach(opts, key, val) {
        bool known = !strcmp(key, "backend") || !strcmp(key, "id") ||
                     !strcmp(key, "mux");

        for (size_t i = 0; drv->opts[i] && !known; i++) {
            known = !strcmp(key, drv->opts[i]);
        }
        if (!known) {
            error_setg(errp, "Invalid parameter '%s' for chardev backend "
                       "'%s'", key, drv->name);
            return false;
        }
        (void)val;
    }
    return true;
}

/* ---- polling -------------------------------------------------------- */

size_t chardev_fe_can_read(Chardev *chr, unsigned i)
{
    ChardevFrontend *fe = &chr->fe[i];

    if (i >= chr->nfe || !fe->h.can_read || !fe->h.read) {
        return 0;
    }
    return fe->h.can_read(fe->opaque);
}

static size_t chardev_can_read(Chardev *chr)
{
    return chr->mux ? chardev_mux_can_read(chr) : chardev_fe_can_read(chr, 0);
}

/* Make @w poll @fd for @events (nothing when @events is 0). */
static void chardev_watch_set(Chardev *chr, ChardevWatch *w, int fd,
                              GIOCondition events)
{
    if (w->tag && (fd != w->fd || !events)) {
        g_source_remove_unix_fd(chr->source, w->tag);
        w->tag = NULL;
    }
    if (events && !w->tag) {
        w->tag = g_source_add_unix_fd(chr->source, fd, events);
    } else if (events && events != w->events) {
        g_source_modify_unix_fd(chr->source, w->tag, events);
    }
    w->fd = events ? fd : -1;
    w->events = events;
}

/*
 * Poll only what can be handled now.  An fd is dropped from the poll set
 * entirely when nothing is wanted from it, so a hang-up nobody is ready to
 * handle cannot make poll() return at once forever.
 */
static void chardev_watch_update(Chardev *chr)
{
    bool want_in = chr->in_fd >= 0 && chardev_can_read(chr) > 0;
    bool want_out;
    GIOCondition in_ev, out_ev;

    g_mutex_lock(&chr->lock);
    want_out = chr->out_fd >= 0 && chr->out->len > chr->out_head;
    g_mutex_unlock(&chr->lock);
    in_ev = want_in ? G_IO_IN : 0;
    out_ev = want_out ? G_IO_OUT : 0;
    if (chr->in_fd >= 0 && chr->in_fd == chr->out_fd) {
        chardev_watch_set(chr, &chr->watch[0], chr->in_fd, in_ev | out_ev);
        chardev_watch_set(chr, &chr->watch[1], -1, 0);
    } else {
        chardev_watch_set(chr, &chr->watch[0], chr->in_fd, in_ev);
        chardev_watch_set(chr, &chr->watch[1], chr->out_fd, out_ev);
    }
}

static void chardev_watch_clear(Chardev *chr)
{
    chardev_watch_set(chr, &chr->watch[0], -1, 0);
    chardev_watch_set(chr, &chr->watch[1], -1, 0);
}

static GIOCondition chardev_watch_revents(Chardev *chr, ChardevWatch *w)
{
    return w->tag ? g_source_query_unix_fd(chr->source, w->tag) : 0;
}

static gboolean chardev_source_prepare(GSource *source, gint *timeout)
{
    chardev_watch_update(((ChardevSource *)source)->chr);
    *timeout = -1;
    return false;
}

static gboolean chardev_source_check(GSource *source)
{
    Chardev *chr = ((ChardevSource *)source)->chr;

    return chardev_watch_revents(chr, &chr->watch[0]) ||
           chardev_watch_revents(chr, &chr->watch[1]);
}

/*
 * Drop @n sent bytes from the front of the buffer.  The front is skipped,
 * not moved, until it is at least half the buffer: a peer taking a little
 * at a time does not cost a copy of the whole buffer per write.
 */
static void chardev_out_consume_locked(Chardev *chr, size_t n)
{
    chr->out_head += n;
    if (chr->out_head == chr->out->len) {
        g_byte_array_set_size(chr->out, 0);
        chr->out_head = 0;
    } else if (chr->out_head >= 65536 && chr->out_head >= chr->out->len / 2) {
        g_byte_array_remove_range(chr->out, 0, chr->out_head);
        chr->out_head = 0;
    }
}

/*
 * Write what the peer takes now.  Returns false when the peer is gone
 * (the caller disconnects, outside the lock).
 */
static bool chardev_flush(Chardev *chr)
{
    bool ok = true;

    g_mutex_lock(&chr->lock);
    while (chr->out_fd >= 0 && chr->out->len > chr->out_head) {
        const uint8_t *data = chr->out->data + chr->out_head;
        size_t len = MIN(chr->out->len - chr->out_head, chr->out_chunk);
        ssize_t n;

        if (chr->out_is_socket) {
            n = send(chr->out_fd, data, len,
                     MSG_NOSIGNAL | MSG_DONTWAIT);
        } else {
            n = write(chr->out_fd, data, len);
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            ok = errno == EAGAIN || errno == EWOULDBLOCK;
            break;
        }
        chardev_out_consume_locked(chr, n);
        if ((size_t)n < len) {
            break;
        }
    }
    g_mutex_unlock(&chr->lock);
    return ok;
}

/* Read what the frontend can take.  Returns false when the peer is gone. */
static bool chardev_read_input(Chardev *chr)
{
    uint8_t buf[CHARDEV_READ_CHUNK];
    size_t room = MIN(chardev_can_read(chr), sizeof(buf));
    ssize_t n;

    if (room == 0) {
        return true;
    }
    do {
        n = read(chr->in_fd, buf, room);
    } while (n < 0 && errno == EINTR);
    if (n > 0 && chr->mux) {
        chardev_mux_input(chr, buf, n);
        return true;
    }
    if (n > 0) {
        chr->fe[0].h.read(chr->fe[0].opaque, buf, n);
        return true;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        return true;
    }
    if (n == 0 && chr->drv->input_eof) {
        chr->drv->input_eof(chr);
        return true;
    }
    return false;
}

static gboolean chardev_source_dispatch(GSource *source, GSourceFunc unused,
                                        gpointer data)
{
    Chardev *chr = ((ChardevSource *)source)->chr;
    const GIOCondition trouble = G_IO_HUP | G_IO_ERR | G_IO_NVAL;
    GIOCondition in_rev = 0, out_rev = 0;

    for (int i = 0; i < 2; i++) {
        ChardevWatch *w = &chr->watch[i];
        GIOCondition rev = chardev_watch_revents(chr, w);

        if (w->events & G_IO_IN) {
            in_rev |= rev & (G_IO_IN | trouble);
        }
        if (w->events & G_IO_OUT) {
            out_rev |= rev & (G_IO_OUT | trouble);
        }
    }
    if (out_rev && !chardev_flush(chr)) {
        chardev_peer_disconnect(chr);
        return G_SOURCE_CONTINUE;
    }
    /* The peer may have left (or the frontend disconnected it) above. */
    if (in_rev && chr->in_fd >= 0 && !chardev_read_input(chr)) {
        chardev_peer_disconnect(chr);
    }
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs chardev_source_funcs = {
    .prepare = chardev_source_prepare,
    .check = chardev_source_check,
    .dispatch = chardev_source_dispatch,
};

/* ---- peers ---------------------------------------------------------- */

/*
 * Tell every frontend that has not heard it yet: OPENED goes to those not
 * yet opened (a late frontend gets it from opened_bh), CLOSED to those
 * that were.
 */
static void chardev_send_event(Chardev *chr, ChardevEvent event)
{
    bool opened = event == CHARDEV_EVENT_OPENED;

    for (unsigned i = 0; i < chr->nfe; i++) {
        ChardevFrontend *fe = &chr->fe[i];

        if (fe->opened == opened) {
            continue;
        }
        fe->opened = opened;
        if (fe->h.event) {
            fe->h.event(fe->opaque, event);
        }
        /* The handler may have detached frontends. */
    }
}

void chardev_peer_connected(Chardev *chr, int in_fd, int out_fd,
                            bool is_socket)
{
    g_mutex_lock(&chr->lock);
    chr->in_fd = in_fd;
    chr->out_fd = out_fd;
    chr->out_is_socket = is_socket;
    chr->connected = true;
    g_byte_array_set_size(chr->out, 0);
    chr->out_head = 0;
    g_mutex_unlock(&chr->lock);
    bh_cancel(chr->opened_bh);
    chardev_send_event(chr, CHARDEV_EVENT_OPENED);
}

void chardev_peer_disconnect(Chardev *chr)
{
    int in_fd, out_fd;

    g_mutex_lock(&chr->lock);
    in_fd = chr->in_fd;
    out_fd = chr->out_fd;
    chr->in_fd = -1;
    chr->out_fd = -1;
    chr->connected = false;
    g_byte_array_set_size(chr->out, 0);
    chr->out_head = 0;
    g_mutex_unlock(&chr->lock);
    /* Stop polling before the backend closes the fds. */
    chardev_watch_clear(chr);
    bh_cancel(chr->opened_bh);
    chardev_send_event(chr, CHARDEV_EVENT_CLOSED);
    if (chr->drv->peer_gone) {
        chr->drv->peer_gone(chr, in_fd, out_fd);
    }
}

void chardev_stop_input(Chardev *chr)
{
    g_mutex_lock(&chr->lock);
    chr->in_fd = -1;
    g_mutex_unlock(&chr->lock);
    chardev_watch_update(chr);
}

static void chardev_opened_bh(void *opaque)
{
    Chardev *chr = opaque;

    if (chr->connected) {
        chardev_send_event(chr, CHARDEV_EVENT_OPENED);
    }
}

/* ---- public API ----------------------------------------------------- */

static const ChardevDriver *chardev_driver_find(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(chardev_drivers); i++) {
        if (!strcmp(chardev_drivers[i]->name, name)) {
            return chardev_drivers[i];
        }
    }
    return NULL;
}

static void chardev_free(Chardev *chr)
{
    if (chr->source) {
        g_source_destroy(chr->source);
        g_source_unref(chr->source);
    }
    bh_delete(chr->opened_bh);
    chardev_mux_cleanup(chr);
    g_byte_array_free(chr->out, true);
    g_mutex_clear(&chr->lock);
    g_free(chr->id);
    g_free(chr);
}

static Chardev *chardev_alloc(const char *id, const ChardevDriver *drv)
{
    Chardev *chr = g_new0(Chardev, 1);
    ChardevSource *src;

    chr->id = g_strdup(id);
    chr->drv = drv;
    g_mutex_init(&chr->lock);
    chr->in_fd = chr->out_fd = -1;
    chr->out_chunk = 64 * 1024;
    chr->out = g_byte_array_new();
    chr->opened_bh = bh_new(chardev_opened_bh, chr);
    src = (ChardevSource *)g_source_new(&chardev_source_funcs,
                                        sizeof(ChardevSource));
    src->chr = chr;
    chr->source = &src->source;
    g_source_set_name(chr->source, "chardev");
    chr->watch[0].fd = chr->watch[1].fd = -1;
    g_source_attach(chr->source, NULL);
    return chr;
}

Chardev *chardev_new(struct json_object *opts, Error **errp)
{
    const ChardevDriver *drv;
    const char *backend = NULL;
    const char *id = NULL;
    Chardev *chr;
    bool mux;

    if (!json_object_is_type(opts, json_type_object)) {
        error_setg(errp, "chardev options must be an object");
        return NULL;
    }
    if (!chardev_opt_str(opts, "backend", &backend, errp) ||
        !chardev_opt_str(opts, "id", &id, errp)) {
        return NULL;
    }
    if (!backend) {
        error_setg(errp, "Parameter 'backend' is missing");
        return NULL;
    }
    if (!id || !*id) {
        error_setg(errp, "Parameter 'id' is missing");
        return NULL;
    }
    drv = chardev_driver_find(backend);
    if (!drv) {
        error_setg(errp, "'%s' is not a valid char driver name", backend);
        return NULL;
    }
    if (chardev_find(id)) {
        error_setg(errp, "Duplicate chardev ID '%s'", id);
        return NULL;
    }
    if (!chardev_check_opts(drv, opts, errp) ||
        !chardev_opt_bool(opts, "mux", false, &mux, errp)) {
        return NULL;
    }
    main_loop_init();
    chr = chardev_alloc(id, drv);
    chr->mux = mux;
    if (mux) {
        chardev_mux_init(chr);
    }
    if (!drv->open(chr, opts, errp)) {
        if (drv->close) {
            drv->close(chr);
        }
        chardev_free(chr);
        return NULL;
    }
    if (!chardevs) {
        chardevs = g_ptr_array_new();
    }
    g_ptr_array_add(chardevs, chr);
    return chr;
}

Chardev *chardev_find(const char *id)
{
    for (guint i = 0; chardevs && i < chardevs->len; i++) {
        Chardev *chr = g_ptr_array_index(chardevs, i);

        if (!strcmp(chr->id, id)) {
            return chr;
        }
    }
    return NULL;
}

const char *chardev_id(const Chardev *chr)
{
    return chr->id;
}

char *chardev_filename(const Chardev *chr)
{
    return chr->drv->filename(chr);
}

bool chardev_is_connected(const Chardev *chr)
{
    return chr->connected;
}

/* Detach the frontend with @opaque, or every frontend for NULL. */
static void chardev_detach(Chardev *chr, void *opaque)
{
    unsigned kept = 0;

    for (unsigned i = 0; i < chr->nfe; i++) {
        if (opaque && chr->fe[i].opaque != opaque) {
            chr->fe[kept++] = chr->fe[i];
        }
    }
    chr->nfe = kept;
    if (chr->focus >= kept) {
        chr->focus = 0;
    }
    if (!kept) {
        bh_cancel(chr->opened_bh);
    }
}

bool chardev_set_handlers(Chardev *chr, const ChardevHandlers *h,
                          void *opaque, Error **errp)
{
    unsigned max = chr->mux ? CHARDEV_MAX_FRONTENDS : 1;

    if (!h) {
        chardev_detach(chr, opaque);
        return true;
    }
    if (chr->nfe >= max) {
        error_setg(errp, "chardev '%s' is busy", chr->id);
        return false;
    }
    chr->fe[chr->nfe++] = (ChardevFrontend){ .h = *h, .opaque = opaque };
    if (chr->connected) {
        bh_schedule(chr->opened_bh);
    }
    main_loop_kick();
    return true;
}

bool chardev_is_mux(const Chardev *chr)
{
    return chr->mux;
}

void chardev_accept_input(Chardev *chr)
{
    main_loop_kick();
}

ssize_t chardev_write(Chardev *chr, const uint8_t *buf, size_t len)
{
    size_t n;
    bool was_empty;

    g_mutex_lock(&chr->lock);
    if (!chr->connected || chr->out_fd < 0) {
        g_mutex_unlock(&chr->lock);
        return len;
    }
    was_empty = chr->out->len == chr->out_head;
    n = MIN(len, CHARDEV_OUT_MAX - (chr->out->len - chr->out_head));
    g_byte_array_append(chr->out, buf, n);
    g_mutex_unlock(&chr->lock);
    /* The loop's next prepare() sees the bytes; wake it if it sleeps. */
    if (was_empty && n > 0 && !g_main_context_is_owner(NULL)) {
        main_loop_kick();
    }
    return n;
}

size_t chardev_pending_output(Chardev *chr)
{
    size_t len;

    g_mutex_lock(&chr->lock);
    len = chr->out->len - chr->out_head;
    g_mutex_unlock(&chr->lock);
    return len;
}

void chardev_disconnect(Chardev *chr)
{
    if (chr->connected) {
        chardev_peer_disconnect(chr);
    }
}

/* Give pending output a short time to reach the peer before closing. */
static void chardev_drain(Chardev *chr)
{
    int64_t deadline = clock_get_ms(CLOCK_TYPE_REALTIME) +
                       CHARDEV_CLOSE_FLUSH_MS;

    while (chardev_pending_output(chr) > 0 && chr->out_fd >= 0) {
        int64_t left = deadline - clock_get_ms(CLOCK_TYPE_REALTIME);
        struct pollfd pfd = { .fd = chr->out_fd, .events = POLLOUT };

        if (left <= 0 || poll(&pfd, 1, left) <= 0 ||
            (pfd.revents & (POLLERR | POLLHUP | POLLNVAL)) ||
            !chardev_flush(chr)) {
            break;
        }
    }
}

void chardev_delete(Chardev *chr)
{
    if (!chr) {
        return;
    }
    chardev_set_handlers(chr, NULL, NULL, NULL);
    chardev_drain(chr);
    chardev_disconnect(chr);
    if (chr->drv->close) {
        chr->drv->close(chr);
    }
    if (chardevs) {
        g_ptr_array_remove(chardevs, chr);
    }
    chardev_free(chr);
}

void chardev_delete_all(void)
{
    while (chardevs && chardevs->len) {
        chardev_delete(g_ptr_array_index(chardevs, chardevs->len - 1));
    }
    if (chardevs) {
        g_ptr_array_free(chardevs, true);
        chardevs = NULL;
    }
}

void chardev_foreach(void (*fn)(Chardev *chr, void *opaque), void *opaque)
{
    for (guint i = 0; chardevs && i < chardevs->len; i++) {
        fn(g_ptr_array_index(chardevs, i), opaque);
    }
}

/* ---- shorthands (-serial, -qmp, -monitor) --------------------------- */

/*
 * Split "value,k=v,k2=v2" at single commas, turning ",," into ",".
 * Returns the pieces (first one the value) or NULL for an empty piece.
 */
static GPtrArray *shorthand_split(const char *s)
{
    GPtrArray *parts = g_ptr_array_new_with_free_func(g_free);
    GString *cur = g_string_new(NULL);

    for (; *s; s++) {
        if (*s == ',' && s[1] == ',') {
            g_string_append_c(cur, ',');
            s++;
        } else if (*s == ',') {
            g_ptr_array_add(parts, g_string_free(cur, false));
            cur = g_string_new(NULL);
        } else {
            g_string_append_c(cur, *s);
        }
    }
    g_ptr_array_add(parts, g_string_free(cur, false));
    return parts;
}

/* QEMU's legacy bare flags, still common in scripts. */
static const struct {
    const char *flag;
    const char *key;
    const char *value;
} shorthand_flags[] = {
    { "server", "server", "on" },
    { "nowait", "wait", "off" },
    { "nodelay", "nodelay", "on" },
};

static bool shorthand_add_opts(struct json_object *opts, GPtrArray *parts,
                               Error **errp)
{
    for (guint i = 1; i < parts->len; i++) {
        const char *p = g_ptr_array_index(parts, i);
        const char *eq = strchr(p, '=');
        g_autofree char *key = NULL;
        bool done = false;

        for (size_t j = 0; j < G_N_ELEMENTS(shorthand_flags) && !eq; j++) {
            if (!strcmp(p, shorthand_flags[j].flag)) {
                json_object_object_add(
                    opts, shorthand_flags[j].key,
                    json_object_new_string(shorthand_flags[j].value));
                done = true;
            }
        }
        if (done) {
            continue;
        }
        if (!eq || eq == p) {
            error_setg(errp, "Invalid chardev option '%s'", p);
            return false;
        }
        key = g_strndup(p, eq - p);
        if (!strcmp(key, "id") || !strcmp(key, "backend")) {
            error_setg(errp, "Invalid chardev option '%s'", key);
            return false;
        }
        json_object_object_add(opts, key, json_object_new_string(eq + 1));
    }
    return true;
}

/* "HOST:PORT" with HOST possibly empty or "[v6addr]". */
static bool shorthand_tcp(struct json_object *opts, const char *addr,
                          Error **errp)
{
    const char *colon = strrchr(addr, ':');
    g_autofree char *host = NULL;

    if (!colon || !colon[1]) {
        error_setg(errp, "tcp chardev needs HOST:PORT, got '%s'", addr);
        return false;
    }
    host = g_strndup(addr, colon - addr);
    if (host[0] == '[' && host[strlen(host) - 1] == ']') {
        char *inner = g_strndup(host + 1, strlen(host) - 2);

        g_free(host);
        host = inner;
    }
    json_object_object_add(opts, "host", json_object_new_string(host));
    json_object_object_add(opts, "port", json_object_new_string(colon + 1));
    return true;
}

/* Build -chardev style options for @spec; NULL with *errp on error. */
static struct json_object *shorthand_parse(const char *id, const char *spec,
                                           Error **errp)
{
    static const char *const bare[][2] = {
        { "none", "null" }, { "null", "null" }, { "stdio", "stdio" },
        { "pty", "pty" },
    };
    struct json_object *opts = json_object_new_object();
    g_autoptr(GPtrArray) parts = NULL;
    const char *first;
    bool ok = true;

    if (g_str_has_prefix(spec, "mon:")) {
        json_object_put(opts);
        opts = shorthand_parse(id, spec + 4, errp);
        if (opts) {
            json_object_object_add(opts, "mux", json_object_new_string("on"));
        }
        return opts;
    }
    json_object_object_add(opts, "id", json_object_new_string(id));
    for (size_t i = 0; i < G_N_ELEMENTS(bare); i++) {
        if (!strcmp(spec, bare[i][0])) {
            json_object_object_add(opts, "backend",
                                   json_object_new_string(bare[i][1]));
            return opts;
        }
    }
    parts = shorthand_split(spec);
    first = g_ptr_array_index(parts, 0);
    if (g_str_has_prefix(first, "unix:") && first[5]) {
        json_object_object_add(opts, "backend",
                               json_object_new_string("socket"));
        json_object_object_add(opts, "path", json_object_new_string(first + 5));
    } else if (g_str_has_prefix(first, "tcp:")) {
        json_object_object_add(opts, "backend",
                               json_object_new_string("socket"));
        ok = shorthand_tcp(opts, first + 4, errp);
    } else if (g_str_has_prefix(spec, "file:") && spec[5]) {
        /* The rest is the path, commas and all, as in QEMU. */
        json_object_object_add(opts, "backend",
                               json_object_new_string("file"));
        json_object_object_add(opts, "path", json_object_new_string(spec + 5));
        return opts;
    } else {
        error_setg(errp, "chardev '%s': unsupported or malformed spec '%s' "
                   "(supported: none, null, stdio, pty, file:PATH, "
                   "unix:PATH[,...], tcp:HOST:PORT[,...], mon:SPEC)", id,
                   spec);
        ok = false;
    }
    if (ok) {
        ok = shorthand_add_opts(opts, parts, errp);
    }
    if (!ok) {
        json_object_put(opts);
        return NULL;
    }
    return opts;
}

Chardev *chardev_new_shorthand(const char *id, const char *spec,
                               Error **errp)
{
    struct json_object *opts;
    Chardev *chr;

    if (g_str_has_prefix(spec, "chardev:")) {
        chr = chardev_find(spec + 8);
        if (!chr) {
            error_setg(errp, "chardev '%s' not found", spec + 8);
        }
        return chr;
    }
    opts = shorthand_parse(id, spec, errp);
    if (!opts) {
        return NULL;
    }
    chr = chardev_new(opts, errp);
    json_object_put(opts);
    return chr;
}
