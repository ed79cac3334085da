/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The socket chardev backend: a stream socket over unix (path=) or TCP
 * (host=, port=), as a server (server=on) or a client, with QEMU's options:
 * wait=on|off (a server with wait=on blocks start-up until the first
 * client), reconnect=SECONDS (a client retries a refused or lost
 * connection), nodelay=on|off (TCP_NODELAY).
 *
 * A server serves one client at a time: while a client is attached the
 * listening socket is not polled, so the next client waits in the backlog
 * and is accepted when the current one leaves.  Unix sockets are created
 * owner-only (mode 0600, umask around bind(2)); a stale socket file left by
 * a dead process is replaced, a live one is "Address already in use".
 * A TCP server with an empty host listens on loopback only
 * (Deviation: QEMU listens on every interface).
 */
#include "util/chardev-internal.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <glib-unix.h>

#include "util/main-loop.h"
#include "util/timer.h"

typedef struct SocketChardev {
    Chardev *chr;
    bool is_unix;
    bool server;
    bool nodelay;
    char *path;             /* unix */
    char *host;             /* tcp */
    char *port;             /* tcp */
    int ipv_family;         /* AF_UNSPEC, AF_INET or AF_INET6 */
    int listen_fd;
    int fd;                 /* the connected peer, or -1 */
    uint64_t reconnect_s;
    Timer *reconnect_timer;
} SocketChardev;

static const char *const socket_opts[] = {
    "path", "host", "port", "server", "wait", "reconnect", "nodelay",
    "ipv4", "ipv6", NULL,
};

static SocketChardev *socket_state(const Chardev *chr)
{
    return chr->be;
}

/* ---- addresses ------------------------------------------------------ */

static bool unix_addr(const char *path, struct sockaddr_un *sun,
                      Error **errp)
{
    memset(sun, 0, sizeof(*sun));
    sun->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sun->sun_path)) {
        error_setg(errp, "UNIX socket path '%s' is too long", path);
        return false;
    }
    strcpy(sun->sun_path, path);
    return true;
}

static struct addrinfo *tcp_resolve(SocketChardev *s, bool passive,
                                    Error **errp)
{
    struct addrinfo hints = {
        .ai_family = s->ipv_family,
        .ai_socktype = SOCK_STREAM,
        .ai_flags = passive ? AI_PASSIVE : 0,
    };
    struct addrinfo *res = NULL;
    const char *host = *s->host ? s->host : (passive ? "127.0.0.1"
                                                     : "localhost");
    int rc = getaddrinfo(host, s->port, &hints, &res);

    if (rc != 0) {
        error_setg(errp, "address resolution failed for %s:%s: %s", host,
                   s->port, gai_strerror(rc));
        return NULL;
    }
    return res;
}

/* "host:port" of a socket address, with [] around IPv6 hosts. */
static char *sockaddr_str(const struct sockaddr_storage *ss, socklen_t len)
{
    char host[NI_MAXHOST], serv[NI_MAXSERV];

    if (getnameinfo((const struct sockaddr *)ss, len, host, sizeof(host),
                    serv, sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV)) {
        return g_strdup("?:?");
    }
    if (ss->ss_family == AF_INET6) {
        return g_strdup_printf("[%s]:%s", host, serv);
    }
    return g_strdup_printf("%s:%s", host, serv);
}

static char *fd_local_str(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);

    if (fd < 0 || getsockname(fd, (struct sockaddr *)&ss, &len)) {
        return NULL;
    }
    return sockaddr_str(&ss, len);
}

static char *fd_peer_str(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);

    if (getpeername(fd, (struct sockaddr *)&ss, &len)) {
        return g_strdup("?:?");
    }
    return sockaddr_str(&ss, len);
}

/* ---- listening ------------------------------------------------------ */

/* A socket file nobody listens on any more (its process died). */
static bool unix_path_is_stale(const struct sockaddr_un *sun)
{
    struct stat st;
    int fd;
    bool stale;

    if (stat(sun->sun_path, &st) || !S_ISSOCK(st.st_mode)) {
        return false;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return false;
    }
    stale = connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) < 0 &&
            errno == ECONNREFUSED;
    close(fd);
    return stale;
}

static int unix_listen(const char *path, Error **errp)
{
    struct sockaddr_un sun;
    mode_t old_mask;
    int fd, rc;

    if (!unix_addr(path, &sun, errp)) {
        return -1;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        error_setg_errno(errp, errno, "Failed to create socket");
        return -1;
    }
    if (unix_path_is_stale(&sun)) {
        unlink(path);
    }
    /* Owner-only (0600): the monitor socket is the keys to the VM. */
    old_mask = umask(0177);
    rc = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
    umask(old_mask);
    if (rc < 0 || listen(fd, 1) < 0) {
        error_setg_errno(errp, errno, "Failed to bind socket to %s", path);
        close(fd);
        return -1;
    }
    return fd;
}

static int tcp_listen(SocketChardev *s, Error **errp)
{
    struct addrinfo *res = tcp_resolve(s, true, errp);
    int err = EADDRNOTAVAIL;
    int fd = -1;

    for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
        int one = 1;

        fd = socket(ai->ai_family,
                    ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0) {
            err = errno;
            continue;
        }
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 1) < 0) {
            err = errno;
            close(fd);
            fd = -1;
        }
    }
    if (res) {
        freeaddrinfo(res);
        if (fd < 0) {
            error_setg_errno(errp, err, "Failed to bind socket to %s:%s",
                             *s->host ? s->host : "127.0.0.1", s->port);
        }
    }
    return fd;
}

static void socket_accept(void *opaque);

static void socket_listen_poll(SocketChardev *s, bool on)
{
    main_loop_set_fd_handler(s->listen_fd, on ? socket_accept : NULL, NULL,
                             s);
}

static void socket_attach(SocketChardev *s, int fd)
{
    if (!s->is_unix && s->nodelay) {
        int one = 1;

        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    s->fd = fd;
    chardev_peer_connected(s->chr, fd, fd, true);
}

static void socket_accept(void *opaque)
{
    SocketChardev *s = opaque;
    int fd;

    do {
        fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        return;     /* EAGAIN, or the client gave up already */
    }
    socket_listen_poll(s, false);
    socket_attach(s, fd);
}

/* wait=on: block start-up until the first client connects. */
static bool socket_wait_first_client(SocketChardev *s, Error **errp)
{
    g_autofree char *name = chardev_filename(s->chr);
    struct pollfd pfd = { .fd = s->listen_fd, .events = POLLIN };

    info_report("waiting for connection on: %s", name);
    for (;;) {
        if (poll(&pfd, 1, -1) < 0 && errno != EINTR) {
            error_setg_errno(errp, errno, "Failed to wait for a client");
            return false;
        }
        socket_accept(s);
        if (s->fd >= 0) {
            return true;
        }
    }
}

/* ---- connecting ----------------------------------------------------- */

static int socket_connect(SocketChardev *s, Error **errp)
{
    struct addrinfo *res = NULL;
    struct sockaddr_un sun;
    int err = ECONNREFUSED;
    int fd = -1;

    if (s->is_unix) {
        if (!unix_addr(s->path, &sun, errp)) {
            return -1;
        }
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd >= 0 && connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
            err = errno;
            close(fd);
            fd = -1;
        }
    } else {
        res = tcp_resolve(s, false, errp);
        if (!res) {
            return -1;
        }
        for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
            fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0);
            if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen)) {
                err = errno;
                close(fd);
                fd = -1;
            }
        }
        freeaddrinfo(res);
    }
    if (fd < 0) {
        error_setg_errno(errp, err, "Failed to connect to '%s%s%s'",
                         s->is_unix ? s->path : s->host,
                         s->is_unix ? "" : ":", s->is_unix ? "" : s->port);
        return -1;
    }
    g_unix_set_fd_nonblocking(fd, true, NULL);
    return fd;
}

static void socket_reconnect(void *opaque)
{
    SocketChardev *s = opaque;
    int fd = socket_connect(s, NULL);

    if (fd < 0) {
        timer_mod_in_ns(s->reconnect_timer,
                        s->reconnect_s * NANOSECONDS_PER_SECOND);
        return;
    }
    socket_attach(s, fd);
}

/* ---- driver --------------------------------------------------------- */

/* port= is a string from the command line, a number or string in JSON. */
static bool socket_opt_port(struct json_object *opts, const char **port,
                            Error **errp)
{
    struct json_object *v;

    *port = NULL;
    if (!json_object_object_get_ex(opts, "port", &v)) {
        return true;
    }
    if ((!json_object_is_type(v, json_type_string) &&
         !json_object_is_type(v, json_type_int)) ||
        !*json_object_get_string(v)) {
        error_setg(errp, "Parameter 'port' expects a port number or name");
        return false;
    }
    *port = json_object_get_string(v);
    return true;
}

static bool socket_parse(SocketChardev *s, struct json_object *opts,
                         Error **errp)
{
    const char *path, *host, *port;
    bool ipv4, ipv6;

    if (!chardev_opt_str(opts, "path", &path, errp) ||
        !chardev_opt_str(opts, "host", &host, errp) ||
        !socket_opt_port(opts, &port, errp) ||
        !chardev_opt_bool(opts, "server", false, &s->server, errp) ||
        !chardev_opt_bool(opts, "nodelay", false, &s->nodelay, errp) ||
        !chardev_opt_bool(opts, "ipv4", false, &ipv4, errp) ||
        !chardev_opt_bool(opts, "ipv6", false, &ipv6, errp) ||
        !chardev_opt_uint(opts, "reconnect", 0, 86400, &s->reconnect_s,
                          errp)) {
        return false;
    }
    if (path && (host || port)) {
        error_setg(errp, "chardev '%s': path= (unix) and host=/port= (tcp) "
                   "exclude each other", s->chr->id);
        return false;
    }
    if (!path && !port) {
        error_setg(errp, "chardev '%s': socket needs path= (unix) or "
                   "port= (tcp)", s->chr->id);
        return false;
    }
    if (s->server && s->reconnect_s) {
        error_setg(errp, "chardev '%s': reconnect is for clients only "
                   "(server=off)", s->chr->id);
        return false;
    }
    s->is_unix = path != NULL;
    s->path = g_strdup(path);
    s->host = g_strdup(host ? host : "");
    s->port = g_strdup(port);
    s->ipv_family = ipv4 && !ipv6 ? AF_INET : ipv6 && !ipv4 ? AF_INET6
                                                            : AF_UNSPEC;
    return true;
}

static bool socket_open(Chardev *chr, struct json_object *opts, Error **errp)
{
    SocketChardev *s = g_new0(SocketChardev, 1);
    bool wait;

    s->chr = chr;
    s->listen_fd = -1;
    s->fd = -1;
    chr->be = s;
    if (!socket_parse(s, opts, errp) ||
        !chardev_opt_bool(opts, "wait", true, &wait, errp)) {
        return false;
    }
    if (s->server) {
        s->listen_fd = s->is_unix ? unix_listen(s->path, errp)
                                  : tcp_listen(s, errp);
        if (s->listen_fd < 0) {
            return false;
        }
        if (wait) {
            return socket_wait_first_client(s, errp);
        }
        socket_listen_poll(s, true);
        return true;
    }
    s->reconnect_timer = timer_new(CLOCK_TYPE_REALTIME, socket_reconnect, s);
    if (s->reconnect_s) {
        /* A client that reconnects may start before its server. */
        socket_reconnect(s);
        return true;
    }
    s->fd = socket_connect(s, errp);
    if (s->fd < 0) {
        return false;
    }
    socket_attach(s, s->fd);
    return true;
}

static void socket_peer_gone(Chardev *chr, int in_fd, int out_fd)
{
    SocketChardev *s = socket_state(chr);

    if (s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
    if (s->server) {
        socket_listen_poll(s, true);
    } else if (s->reconnect_s) {
        timer_mod_in_ns(s->reconnect_timer,
                        s->reconnect_s * NANOSECONDS_PER_SECOND);
    }
}

static char *socket_filename(const Chardev *chr)
{
    SocketChardev *s = socket_state(chr);
    const char *server = s->server ? ",server=on" : "";
    g_autofree char *local = NULL;
    g_autofree char *peer = NULL;

    if (s->is_unix) {
        return g_strdup_printf("%sunix:%s%s", s->fd < 0 ? "disconnected:" : "",
                               s->path, server);
    }
    if (s->fd < 0) {
        local = fd_local_str(s->listen_fd);
        if (!local) {
            local = g_strdup_printf("%s:%s", s->host, s->port);
        }
        return g_strdup_printf("disconnected:tcp:%s%s", local, server);
    }
    local = fd_local_str(s->fd);
    peer = fd_peer_str(s->fd);
    return g_strdup_printf("tcp:%s%s <-> %s", local ? local : "?:?", server,
                           peer);
}

static void socket_close(Chardev *chr)
{
    SocketChardev *s = socket_state(chr);

    if (!s) {
        return;
    }
    timer_free(s->reconnect_timer);
    if (s->fd >= 0) {
        close(s->fd);
    }
    if (s->listen_fd >= 0) {
        socket_listen_poll(s, false);
        close(s->listen_fd);
        if (s->is_unix) {
            unlink(s->path);
        }
    }
    g_free(s->path);
    g_free(s->host);
    g_free(s->port);
    g_free(s);
    chr->be = NULL;
}

const ChardevDriver chardev_socket_driver = {
    .name = "socket",
    .opts = socket_opts,
    .open = socket_open,
    .peer_gone = socket_peer_gone,
    .filename = socket_filename,
    .close = socket_close,
};
