/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the chardevs: unix and tcp sockets as server and client,
 * wait=off and wait=on, one client at a time, disconnect and reconnect,
 * back-pressure through can_read(), the bounded output buffer with partial
 * writes, file/null/pty backends, shorthands and bad options.
 */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include "util/chardev.h"
#include "util/clock.h"
#include "util/main-loop.h"

/* ---- a recording frontend ------------------------------------------- */

typedef struct Frontend {
    GByteArray *got;
    size_t can_read;        /* what can_read() answers */
    size_t max_chunk;       /* largest read() seen */
    int opened;
    int closed;
} Frontend;

static size_t fe_can_read(void *opaque)
{
    return ((Frontend *)opaque)->can_read;
}

static void fe_read(void *opaque, const uint8_t *buf, size_t len)
{
    Frontend *fe = opaque;

    g_assert_cmpuint(len, <=, fe->can_read);
    g_byte_array_append(fe->got, buf, len);
    fe->max_chunk = MAX(fe->max_chunk, len);
}

static void fe_event(void *opaque, ChardevEvent ev)
{
    Frontend *fe = opaque;

    if (ev == CHARDEV_EVENT_OPENED) {
        fe->opened++;
    } else {
        fe->closed++;
    }
}

static const ChardevHandlers fe_handlers = {
    .can_read = fe_can_read,
    .read = fe_read,
    .event = fe_event,
};

static void fe_init(Frontend *fe)
{
    *fe = (Frontend){ .got = g_byte_array_new(), .can_read = 1 << 20 };
}

static void fe_attach(Chardev *chr, Frontend *fe)
{
    fe_init(fe);
    g_assert_true(chardev_set_handlers(chr, &fe_handlers, fe, &error_abort));
}

static void fe_free(Frontend *fe)
{
    g_byte_array_free(fe->got, true);
}

/* Run the loop until @cond(@opaque) holds; fail after 5 s. */
static void run_until(bool (*cond)(void *opaque), void *opaque)
{
    int64_t deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;

    while (!cond(opaque)) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        main_loop_wait(true);
        g_usleep(200);
    }
}

static void spin(int iterations)
{
    for (int i = 0; i < iterations; i++) {
        main_loop_wait(true);
        g_usleep(200);
    }
}

typedef struct Want {
    Frontend *fe;
    int count;
    size_t bytes;
} Want;

static bool got_opened(void *opaque)
{
    Want *w = opaque;

    return w->fe->opened >= w->count;
}

static bool got_closed(void *opaque)
{
    Want *w = opaque;

    return w->fe->closed >= w->count;
}

static bool got_bytes(void *opaque)
{
    Want *w = opaque;

    return w->fe->got->len >= w->bytes;
}

/* ---- raw peer sockets ----------------------------------------------- */

static char *tmp_dir;

static char *sock_path(const char *name)
{
    return g_build_filename(tmp_dir, name, NULL);
}

static int unix_client(const char *path)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    g_strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
    g_assert_cmpint(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), ==, 0);
    return fd;
}

static int tcp_client(int port)
{
    struct sockaddr_in sin = {
        .sin_family = AF_INET,
        .sin_port = htons(port),
        .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
    };
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    g_assert_cmpint(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), ==, 0);
    return fd;
}

/* Read exactly @len bytes from @fd while running the loop. */
static void peer_read_exact(int fd, void *buf, size_t len)
{
    size_t done = 0;
    int64_t deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;

    while (done < len) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        ssize_t n;

        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        main_loop_wait(true);
        if (poll(&pfd, 1, 1) == 1) {
            n = read(fd, (char *)buf + done, len - done);
            g_assert_cmpint(n, >, 0);
            done += n;
        }
    }
}

/* Whether @fd sees EOF within a few loop iterations. */
static bool peer_sees_eof(int fd)
{
    char c;

    for (int i = 0; i < 1000; i++) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };

        main_loop_wait(true);
        if (poll(&pfd, 1, 1) == 1) {
            return read(fd, &c, 1) == 0;
        }
    }
    return false;
}

static int filename_port(Chardev *chr)
{
    g_autofree char *name = chardev_filename(chr);
    const char *colon = strrchr(name, ':');

    g_assert_nonnull(colon);
    return atoi(colon + 1);
}

static struct json_object *opts_new(const char *backend, const char *id)
{
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "backend", json_object_new_string(backend));
    json_object_object_add(o, "id", json_object_new_string(id));
    return o;
}

static void opt(struct json_object *o, const char *key, const char *val)
{
    json_object_object_add(o, key, json_object_new_string(val));
}

/* ---- unix server ---------------------------------------------------- */

static void test_unix_server(void)
{
    g_autofree char *path = sock_path("s1");
    g_autofree char *spec = g_strdup_printf("unix:%s,server=on,wait=off",
                                            path);
    g_autofree char *name = NULL;
    g_autofree char *want = NULL;
    Frontend fe;
    Want w = { &fe };
    struct stat st;
    char buf[8];
    Chardev *chr;
    int c;

    chr = chardev_new_shorthand("mon0", spec, &error_abort);
    g_assert_true(chardev_find("mon0") == chr);
    g_assert_cmpstr(chardev_id(chr), ==, "mon0");
    fe_attach(chr, &fe);
    g_assert_cmpint(stat(path, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 0777, ==, 0600);
    want = g_strdup_printf("disconnected:unix:%s,server=on", path);
    name = chardev_filename(chr);
    g_assert_cmpstr(name, ==, want);
    g_free(name);
    g_assert_false(chardev_is_connected(chr));
    /* No peer: output is dropped but accepted. */
    g_assert_cmpint(chardev_write(chr, (const uint8_t *)"lost", 4), ==, 4);

    c = unix_client(path);
    w.count = 1;
    run_until(got_opened, &w);
    g_assert_true(chardev_is_connected(chr));
    name = chardev_filename(chr);
    g_assert_cmpstr(name, ==, want + strlen("disconnected:"));

    g_assert_cmpint(write(c, "hello", 5), ==, 5);
    w.bytes = 5;
    run_until(got_bytes, &w);
    g_assert_cmpmem(fe.got->data, fe.got->len, "hello", 5);
    g_assert_cmpint(chardev_write(chr, (const uint8_t *)"world", 5), ==, 5);
    peer_read_exact(c, buf, 5);
    g_assert_cmpmem(buf, 5, "world", 5);
    /* Idle and connected: the loop has nothing to do (no busy polling). */
    spin(5);
    g_assert_false(main_loop_wait(true));

    /* The client leaves; the server listens again for the next one. */
    close(c);
    run_until(got_closed, &w);
    g_assert_false(chardev_is_connected(chr));
    c = unix_client(path);
    w.count = 2;
    run_until(got_opened, &w);
    g_assert_cmpint(write(c, "again", 5), ==, 5);
    w.bytes = 10;
    run_until(got_bytes, &w);
    g_assert_cmpmem(fe.got->data + 5, 5, "again", 5);

    /* The server drops the client: it sees EOF, and a new one gets in. */
    chardev_disconnect(chr);
    g_assert_cmpint(fe.closed, ==, 2);
    g_assert_true(peer_sees_eof(c));
    close(c);
    c = unix_client(path);
    w.count = 3;
    run_until(got_opened, &w);
    close(c);

    chardev_delete(chr);
    g_assert_null(chardev_find("mon0"));
    /* The socket file goes with the chardev. */
    g_assert_cmpint(stat(path, &st), ==, -1);
    fe_free(&fe);
}

static void test_one_client_at_a_time(void)
{
    g_autofree char *path = sock_path("s2");
    g_autofree char *spec = g_strdup_printf("unix:%s,server,nowait", path);
    Frontend fe;
    Want w = { &fe, 1 };
    Chardev *chr = chardev_new_shorthand("serial0", spec, &error_abort);
    int a, b;

    fe_attach(chr, &fe);
    a = unix_client(path);
    run_until(got_opened, &w);
    b = unix_client(path);              /* waits in the backlog */
    g_assert_cmpint(write(b, "B", 1), ==, 1);
    g_assert_cmpint(write(a, "A", 1), ==, 1);
    w.bytes = 1;
    run_until(got_bytes, &w);
    spin(50);
    g_assert_cmpuint(fe.got->len, ==, 1);
    g_assert_cmpint(fe.got->data[0], ==, 'A');
    g_assert_cmpint(fe.opened, ==, 1);

    close(a);
    w.bytes = 2;
    run_until(got_bytes, &w);
    g_assert_cmpint(fe.got->data[1], ==, 'B');
    g_assert_cmpint(fe.opened, ==, 2);
    g_assert_cmpint(fe.closed, ==, 1);
    close(b);
    chardev_delete(chr);
    fe_free(&fe);
}

/* ---- tcp ------------------------------------------------------------ */

static void test_tcp_server(void)
{
    struct json_object *o = opts_new("socket", "tcp0");
    g_autofree char *name = NULL;
    Frontend fe;
    Want w = { &fe, 1, 3 };
    char buf[3];
    Chardev *chr;
    int port, c;

    /* Empty host: loopback only; port 0: the kernel picks one. */
    opt(o, "host", "");
    opt(o, "port", "0");
    opt(o, "server", "on");
    json_object_object_add(o, "wait", json_object_new_boolean(false));
    opt(o, "nodelay", "on");
    chr = chardev_new(o, &error_abort);
    json_object_put(o);
    name = chardev_filename(chr);
    g_assert_true(g_str_has_prefix(name, "disconnected:tcp:127.0.0.1:"));
    g_assert_true(g_str_has_suffix(name, ",server=on"));
    port = atoi(strrchr(name, ':') + 1);
    g_assert_cmpint(port, >, 0);

    fe_attach(chr, &fe);
    c = tcp_client(port);
    run_until(got_opened, &w);
    g_free(name);
    name = chardev_filename(chr);
    g_assert_true(g_str_has_prefix(name, "tcp:127.0.0.1:"));
    g_assert_nonnull(strstr(name, ",server=on <-> 127.0.0.1:"));
    g_assert_cmpint(write(c, "abc", 3), ==, 3);
    run_until(got_bytes, &w);
    chardev_write(chr, (const uint8_t *)"xyz", 3);
    peer_read_exact(c, buf, 3);
    g_assert_cmpmem(buf, 3, "xyz", 3);
    close(c);
    w.count = 1;
    run_until(got_closed, &w);
    chardev_delete(chr);
    fe_free(&fe);
}

static void test_tcp_shorthand_and_client(void)
{
    Chardev *srv = chardev_new_shorthand(
        "srv", "tcp:127.0.0.1:0,server=on,wait=off", &error_abort);
    g_autofree char *spec = g_strdup_printf("tcp:127.0.0.1:%d",
                                            filename_port(srv));
    Frontend fs, fc;
    Want ws = { &fs, 1, 4 };
    Want wc = { &fc, 1, 4 };
    Chardev *cli;

    fe_attach(srv, &fs);
    /* Two chardevs talking to each other: client connects at creation. */
    cli = chardev_new_shorthand("cli", spec, &error_abort);
    g_assert_true(chardev_is_connected(cli));
    fe_attach(cli, &fc);
    run_until(got_opened, &ws);
    run_until(got_opened, &wc);    /* late frontend still hears OPENED */
    chardev_write(cli, (const uint8_t *)"ping", 4);
    run_until(got_bytes, &ws);
    chardev_write(srv, (const uint8_t *)"pong", 4);
    run_until(got_bytes, &wc);
    g_assert_cmpmem(fc.got->data, 4, "pong", 4);

    chardev_delete(srv);
    run_until(got_closed, &wc);
    chardev_delete(cli);
    fe_free(&fs);
    fe_free(&fc);
}

/* ---- client with reconnect ------------------------------------------ */

static int unix_listener(const char *path)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    g_strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
    g_assert_cmpint(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), ==, 0);
    g_assert_cmpint(listen(fd, 4), ==, 0);
    return fd;
}

static int accept_within(int lfd, int ms)
{
    struct pollfd pfd = { .fd = lfd, .events = POLLIN };

    if (poll(&pfd, 1, ms) != 1) {
        return -1;
    }
    return accept(lfd, NULL, NULL);
}

static void test_client_reconnect(void)
{
    g_autofree char *path = sock_path("c1");
    struct json_object *o = opts_new("socket", "rc");
    Frontend fe;
    Want w = { &fe, 1 };
    Error *err = NULL;
    Chardev *chr;
    int lfd, s;

    /* Without reconnect a refused connection is an error. */
    opt(o, "path", path);
    g_assert_null(chardev_new(o, &err));
    g_assert_true(g_str_has_prefix(error_get_pretty(err),
                                   "Failed to connect to '"));
    error_free(err);

    /* With it, the client starts anyway and keeps trying. */
    clock_fake_set_ns(0);
    clock_set_source(clock_fake_source());
    opt(o, "reconnect", "2");
    chr = chardev_new(o, &error_abort);
    json_object_put(o);
    fe_attach(chr, &fe);
    g_assert_false(chardev_is_connected(chr));
    lfd = unix_listener(path);
    spin(5);
    g_assert_cmpint(accept_within(lfd, 0), ==, -1);    /* not yet: 2 s */
    clock_fake_advance_ns(2 * NANOSECONDS_PER_SECOND);
    run_until(got_opened, &w);
    s = accept_within(lfd, 1000);
    g_assert_cmpint(s, >=, 0);

    /* The server side drops it; after 2 s the client is back. */
    close(s);
    run_until(got_closed, &w);
    spin(5);
    g_assert_cmpint(accept_within(lfd, 0), ==, -1);
    clock_fake_advance_ns(2 * NANOSECONDS_PER_SECOND);
    w.count = 2;
    run_until(got_opened, &w);
    s = accept_within(lfd, 1000);
    g_assert_cmpint(s, >=, 0);
    g_assert_cmpint(write(s, "back", 4), ==, 4);
    w.bytes = 4;
    run_until(got_bytes, &w);

    close(s);
    close(lfd);
    chardev_delete(chr);
    clock_set_source(NULL);
    unlink(path);
    fe_free(&fe);
}

/* ---- wait=on -------------------------------------------------------- */

static gpointer connect_later(gpointer opaque)
{
    int fd;

    g_usleep(50000);
    fd = unix_client(opaque);
    g_assert_cmpint(write(fd, "early", 5), ==, 5);
    return GINT_TO_POINTER(fd);
}

static void test_wait_on(void)
{
    g_autofree char *path = sock_path("w1");
    struct json_object *o = opts_new("socket", "waiter");
    Frontend fe;
    Want w = { &fe, 1, 5 };
    GThread *thr;
    Chardev *chr;

    opt(o, "path", path);
    opt(o, "server", "on");     /* wait defaults to on */
    thr = g_thread_new("client", connect_later, path);
    chr = chardev_new(o, &error_abort);
    json_object_put(o);
    /* chardev_new() returned only once the client was there. */
    g_assert_true(chardev_is_connected(chr));
    fe_attach(chr, &fe);
    run_until(got_opened, &w);
    run_until(got_bytes, &w);
    g_assert_cmpmem(fe.got->data, 5, "early", 5);
    close(GPOINTER_TO_INT(g_thread_join(thr)));
    chardev_delete(chr);
    fe_free(&fe);
}

/* ---- back-pressure and the bounded buffer --------------------------- */

static void test_back_pressure(void)
{
    g_autofree char *path = sock_path("bp");
    g_autofree char *spec = g_strdup_printf("unix:%s,server=on,wait=off",
                                            path);
    Chardev *chr = chardev_new_shorthand("bp", spec, &error_abort);
    uint8_t data[100];
    Frontend fe;
    Want w = { &fe, 1, 100 };
    int c;

    for (int i = 0; i < 100; i++) {
        data[i] = i;
    }
    fe_attach(chr, &fe);
    fe.can_read = 0;
    c = unix_client(path);
    run_until(got_opened, &w);
    g_assert_cmpint(write(c, data, 100), ==, 100);
    spin(50);
    g_assert_cmpuint(fe.got->len, ==, 0);       /* held in the kernel */

    fe.can_read = 7;
    chardev_accept_input(chr);
    run_until(got_bytes, &w);
    g_assert_cmpuint(fe.got->len, ==, 100);
    g_assert_cmpuint(fe.max_chunk, ==, 7);
    g_assert_cmpmem(fe.got->data, 100, data, 100);
    close(c);
    chardev_delete(chr);
    fe_free(&fe);
}

static void test_bounded_output(void)
{
    g_autofree char *path = sock_path("bo");
    g_autofree char *spec = g_strdup_printf("unix:%s,server=on,wait=off",
                                            path);
    Chardev *chr = chardev_new_shorthand("bo", spec, &error_abort);
    const size_t total = 4 * 1024 * 1024;
    g_autofree uint8_t *data = g_malloc(total);
    g_autofree uint8_t *back = g_malloc(total);
    size_t accepted = 0;
    size_t received = 0;
    Frontend fe;
    Want w = { &fe, 1 };
    ssize_t n;
    int c;

    for (size_t i = 0; i < total; i++) {
        data[i] = (i * 7 + i / 251) & 0xff;
    }
    fe_attach(chr, &fe);
    c = unix_client(path);
    run_until(got_opened, &w);

    /* Nothing flushed yet: exactly the 1 MiB bound is taken. */
    n = chardev_write(chr, data, total);
    g_assert_cmpint(n, ==, 1024 * 1024);
    g_assert_cmpuint(chardev_pending_output(chr), ==, 1024 * 1024);
    g_assert_cmpint(chardev_write(chr, data + n, 10), ==, 0);
    accepted = n;

    /* The peer is not reading: the loop fills the kernel buffer, then the
     * chardev buffer refills to its bound and stays there. */
    for (int i = 0; i < 20; i++) {
        spin(5);
        n = chardev_write(chr, data + accepted, total - accepted);
        g_assert_cmpint(n, >=, 0);
        accepted += n;
    }
    g_assert_cmpuint(chardev_pending_output(chr), ==, 1024 * 1024);
    g_assert_cmpuint(accepted, <, total);

    /* Now it reads: every accepted byte arrives, in order, no more. */
    while (received < accepted) {
        struct pollfd pfd = { .fd = c, .events = POLLIN };

        main_loop_wait(true);
        if (accepted < total) {
            n = chardev_write(chr, data + accepted, total - accepted);
            g_assert_cmpint(n, >=, 0);
            accepted += n;
        }
        if (poll(&pfd, 1, 1) == 1) {
            n = read(c, back + received, total - received);
            g_assert_cmpint(n, >, 0);
            received += n;
        }
    }
    g_assert_cmpuint(accepted, ==, total);
    g_assert_cmpuint(received, ==, total);
    g_assert_true(memcmp(back, data, total) == 0);
    g_assert_cmpuint(chardev_pending_output(chr), ==, 0);
    close(c);
    chardev_delete(chr);
    fe_free(&fe);
}

/* ---- file, null, pty ------------------------------------------------ */

static void test_file_null(void)
{
    g_autofree char *path = sock_path("out.txt");
    g_autofree char *spec = g_strdup_printf("file:%s", path);
    g_autofree char *name = NULL;
    g_autofree char *text = NULL;
    struct json_object *o;
    Chardev *chr;

    chr = chardev_new_shorthand("f0", spec, &error_abort);
    name = chardev_filename(chr);
    g_assert_cmpstr(name, ==, spec);
    g_assert_cmpint(chardev_write(chr, (const uint8_t *)"one\n", 4), ==, 4);
    chardev_delete(chr);      /* flushes */
    o = opts_new("file", "f1");
    opt(o, "path", path);
    opt(o, "append", "on");
    chr = chardev_new(o, &error_abort);
    json_object_put(o);
    chardev_write(chr, (const uint8_t *)"two\n", 4);
    spin(3);
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    g_assert_cmpstr(text, ==, "one\ntwo\n");
    chardev_delete(chr);
    unlink(path);

    chr = chardev_new_shorthand("n0", "null", &error_abort);
    g_assert_cmpint(chardev_write(chr, (const uint8_t *)"x", 1), ==, 1);
    g_free(name);
    name = chardev_filename(chr);
    g_assert_cmpstr(name, ==, "null");
    chardev_delete(chr);
    chr = chardev_new_shorthand("n1", "none", &error_abort);
    g_assert_true(chardev_new_shorthand("x", "chardev:n1", &error_abort) ==
                  chr);
    g_assert_null(chardev_new_shorthand("x", "chardev:n9", NULL));
    g_assert_null(chardev_find("x"));
    chardev_delete(chr);
}

static void test_pty(void)
{
    g_autofree char *name = NULL;
    Frontend fe;
    Want w = { &fe, 1, 3 };
    char buf[3];
    Chardev *chr;
    int slave;

    clock_fake_set_ns(0);
    clock_set_source(clock_fake_source());
    chr = chardev_new_shorthand("p0", "pty", &error_abort);
    fe_attach(chr, &fe);
    name = chardev_filename(chr);
    g_assert_true(g_str_has_prefix(name, "pty:/dev/pts/"));
    spin(3);
    g_assert_false(chardev_is_connected(chr));
    slave = open(name + 4, O_RDWR | O_NOCTTY);
    g_assert_cmpint(slave, >=, 0);
    clock_fake_advance_ns(NANOSECONDS_PER_SECOND);
    run_until(got_opened, &w);
    g_assert_cmpint(write(slave, "abc", 3), ==, 3);
    run_until(got_bytes, &w);
    g_assert_cmpmem(fe.got->data, 3, "abc", 3);
    chardev_write(chr, (const uint8_t *)"\x01\n\x02", 3);   /* raw: as is */
    peer_read_exact(slave, buf, 3);
    g_assert_cmpmem(buf, 3, "\x01\n\x02", 3);
    close(slave);
    run_until(got_closed, &w);
    chardev_delete(chr);
    clock_set_source(NULL);
    fe_free(&fe);
}

/*
 * stdio in a subprocess whose stdin and stdout are pipes: input arrives,
 * output leaves, stdin EOF keeps output working, and only one stdio chardev
 * may exist.
 */
static void test_stdio(void)
{
    int in[2], out[2];
    Frontend fe;
    Want w = { &fe, 1, 2 };
    Error *err = NULL;
    char buf[3];
    Chardev *chr;

    if (!g_test_subprocess()) {
        g_test_trap_subprocess(NULL, 10 * G_USEC_PER_SEC, 0);
        g_test_trap_assert_passed();
        return;
    }
    g_assert_cmpint(pipe(in), ==, 0);
    g_assert_cmpint(pipe(out), ==, 0);
    dup2(in[0], STDIN_FILENO);
    dup2(out[1], STDOUT_FILENO);
    chr = chardev_new_shorthand("con", "stdio", &error_abort);
    g_assert_null(chardev_new_shorthand("con2", "stdio", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "cannot use stdio by multiple character devices");
    error_free(err);
    fe_attach(chr, &fe);
    run_until(got_opened, &w);
    g_assert_cmpint(write(in[1], "hi", 2), ==, 2);
    run_until(got_bytes, &w);
    close(in[1]);
    spin(5);
    chardev_write(chr, (const uint8_t *)"out", 3);
    peer_read_exact(out[0], buf, 3);
    g_assert_cmpmem(buf, 3, "out", 3);
    g_assert_true(chardev_is_connected(chr));
    chardev_delete(chr);
    fe_free(&fe);
}

/* ---- mux ------------------------------------------------------------ */

static int exit_hook_calls;

static void exit_hook(void *opaque)
{
    exit_hook_calls++;
}

static bool got_text(void *opaque)
{
    Want *w = opaque;

    return w->fe->got->len >= w->bytes;
}

static void test_mux(void)
{
    g_autofree char *path = sock_path("mux");
    g_autofree char *spec = g_strdup_printf(
        "mon:unix:%s,server=on,wait=off", path);
    Chardev *chr = chardev_new_shorthand("mux0", spec, &error_abort);
    Frontend a, b, c, d, e;
    Want wa = { &a, 1 }, wb = { &b, 1 };
    char buf[256] = { 0 };
    int peer;

    g_assert_true(chardev_is_mux(chr));
    chardev_set_mux_exit_hook(exit_hook, NULL);
    fe_attach(chr, &a);
    fe_attach(chr, &b);
    fe_attach(chr, &c);
    fe_attach(chr, &d);
    fe_init(&e);
    g_assert_false(chardev_set_handlers(chr, &fe_handlers, &e, NULL));
    chardev_set_handlers(chr, NULL, &c, &error_abort);
    chardev_set_handlers(chr, NULL, &d, &error_abort);

    peer = unix_client(path);
    run_until(got_opened, &wa);
    run_until(got_opened, &wb);

    /* Input goes to the focus; C-a c moves it; C-a C-a is a C-a. */
    g_assert_cmpint(write(peer, "ab\x01" "cde\x01\x01", 8), ==, 8);
    wa.bytes = 2;
    wb.bytes = 3;
    run_until(got_bytes, &wa);
    run_until(got_bytes, &wb);
    g_assert_cmpmem(a.got->data, a.got->len, "ab", 2);
    g_assert_cmpmem(b.got->data, b.got->len, "de\x01", 3);

    /* A busy frontend does not block escapes. */
    b.can_read = 0;
    g_assert_cmpint(write(peer, "zz\x01h", 4), ==, 4);
    peer_read_exact(peer, buf, 10);
    g_assert_cmpmem(buf, 10, "\r\nC-a h   ", 10);
    g_assert_cmpuint(b.got->len, ==, 3);
    b.can_read = 100;
    chardev_accept_input(chr);
    wb.bytes = 5;
    run_until(got_text, &wb);
    g_assert_cmpmem(b.got->data + 3, 2, "zz", 2);

    /* Both frontends write to the one peer. */
    while (recv(peer, buf, sizeof(buf), MSG_DONTWAIT) > 0) {
    }
    chardev_write(chr, (const uint8_t *)"A", 1);
    chardev_write(chr, (const uint8_t *)"B", 1);
    peer_read_exact(peer, buf, 2);
    g_assert_cmpmem(buf, 2, "AB", 2);

    g_assert_cmpint(write(peer, "\x01x", 2), ==, 2);
    for (int i = 0; i < 1000 && !exit_hook_calls; i++) {
        spin(1);
    }
    g_assert_cmpint(exit_hook_calls, ==, 1);
    chardev_set_mux_exit_hook(NULL, NULL);
    close(peer);
    chardev_delete(chr);
    fe_free(&a);
    fe_free(&b);
    fe_free(&c);
    fe_free(&d);
    fe_free(&e);
}

/* ---- errors --------------------------------------------------------- */

static void expect_error(struct json_object *o, const char *prefix)
{
    Error *err = NULL;

    g_assert_null(chardev_new(o, &err));
    g_assert_nonnull(err);
    if (!g_str_has_prefix(error_get_pretty(err), prefix)) {
        g_printerr("got: %s\nwant: %s...\n", error_get_pretty(err), prefix);
        g_assert_not_reached();
    }
    error_free(err);
    json_object_put(o);
}

static void test_errors(void)
{
    g_autofree char *path = sock_path("busy");
    g_autofree char *spec = g_strdup_printf("unix:%s,server=on,wait=off",
                                            path);
    static const char *const bad_specs[] = {
        "", "bogus", "unix:", "tcp:", "tcp:host", "file:", "vc",
        "mon:vc", "mon:", "unix:/x,server=on,junk", "tcp::1,id=x",
        "tcp:127.0.0.1:1,server=maybe",
    };
    struct json_object *o;
    Frontend fe, fe2;
    Error *err = NULL;
    Chardev *chr;

    o = opts_new("serial-thing", "x");
    expect_error(o, "'serial-thing' is not a valid char driver name");
    o = json_object_new_object();
    opt(o, "backend", "null");
    expect_error(o, "Parameter 'id' is missing");
    o = opts_new("null", "x");
    opt(o, "mux", "maybe");
    expect_error(o, "Parameter 'mux' expects 'on' or 'off'");
    o = opts_new("null", "x");
    opt(o, "logfile", "/tmp/x");
    expect_error(o, "Invalid parameter 'logfile'");
    o = opts_new("socket", "x");
    expect_error(o, "chardev 'x': socket needs path=");
    o = opts_new("socket", "x");
    opt(o, "path", "/tmp/a");
    opt(o, "port", "1");
    expect_error(o, "chardev 'x': path= (unix) and host=/port= (tcp)");
    o = opts_new("socket", "x");
    opt(o, "path", "/tmp/a");
    opt(o, "reconnect", "-1");
    expect_error(o, "Parameter 'reconnect' expects a number");
    o = opts_new("socket", "x");
    json_object_object_add(o, "path", json_object_new_int(3));
    expect_error(o, "Parameter 'path' expects a string");
    o = opts_new("file", "x");
    opt(o, "path", "/nonexistent-dir/f");
    expect_error(o, "Could not open '/nonexistent-dir/f'");

    /* A live server owns its path. */
    chr = chardev_new_shorthand("busy", spec, &error_abort);
    o = opts_new("socket", "busy2");
    opt(o, "path", path);
    opt(o, "server", "on");
    opt(o, "wait", "off");
    {
        g_autofree char *want = g_strdup_printf(
            "Failed to bind socket to %s: Address already in use", path);
        expect_error(o, want);
    }
    g_assert_null(chardev_new_shorthand("busy", "null", &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Duplicate chardev ID 'busy'");
    error_free(err);
    err = NULL;

    /* One frontend per chardev. */
    fe_attach(chr, &fe);
    fe_init(&fe2);
    g_assert_false(chardev_set_handlers(chr, &fe_handlers, &fe2, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "chardev 'busy' is busy");
    error_free(err);
    err = NULL;
    g_assert_true(chardev_set_handlers(chr, NULL, NULL, &error_abort));
    g_assert_true(chardev_set_handlers(chr, &fe_handlers, &fe2, &error_abort));
    chardev_delete(chr);
    fe_free(&fe);
    fe_free(&fe2);

    /* A stale socket file of a dead server is replaced. */
    close(unix_listener(path));
    chr = chardev_new_shorthand("stale", spec, &error_abort);
    chardev_delete(chr);

    for (size_t i = 0; i < G_N_ELEMENTS(bad_specs); i++) {
        g_assert_null(chardev_new_shorthand("bad", bad_specs[i], &err));
        g_assert_nonnull(err);
        error_free(err);
        err = NULL;
    }
    g_assert_null(chardev_find("bad"));
}

/*
 * Hostile command lines: random specs built from the shorthand grammar's
 * tokens either make a chardev or fail with an error, never crash (ASan
 * checks the memory side).  Specs always end in ",wait=off" so a server
 * never blocks, and run in a private directory so "file:" stays there.
 */
static void test_fuzz_shorthand(void)
{
    static const char *const tokens[] = {
        "unix:", "tcp:", "file:", "null", "none", "pty", "vc", "mon:",
        ",", ",,", "=", ":", "[", "]", "server", "nowait", "nodelay",
        "server=on", "server=off", "port=", "host=", "path=", "reconnect=",
        "0", "1", "65536", "127.0.0.1", "::1", "localhost", "p", "q/r",
        "id=", "backend=", "x", "", "on", "off", "-1", "99999999999999",
    };
    g_autofree char *cwd = g_get_current_dir();
    int made = 0;

    g_assert_cmpint(chdir(tmp_dir), ==, 0);
    for (int i = 0; i < 3000; i++) {
        GString *spec = g_string_new(NULL);
        int n = g_test_rand_int_range(1, 8);
        Error *err = NULL;
        Chardev *chr;

        for (int j = 0; j < n; j++) {
            g_string_append(spec, tokens[g_test_rand_int_range(
                0, G_N_ELEMENTS(tokens))]);
        }
        g_string_append(spec, ",wait=off");
        chr = chardev_new_shorthand("fz", spec->str, &err);
        if (chr) {
            made++;
            g_assert_null(err);
            chardev_delete(chr);
        } else {
            g_assert_nonnull(err);
            g_assert_cmpstr(error_get_pretty(err), !=, "");
            error_free(err);
        }
        g_assert_null(chardev_find("fz"));
        g_string_free(spec, true);
    }
    g_assert_cmpint(made, >, 0);
    g_assert_cmpint(chdir(cwd), ==, 0);
    /* Clean up what "file:" and unix servers left in the directory. */
    {
        GDir *dir = g_dir_open(tmp_dir, 0, NULL);
        const char *name;

        while ((name = g_dir_read_name(dir))) {
            g_autofree char *p = g_build_filename(tmp_dir, name, NULL);

            g_remove(p);
        }
        g_dir_close(dir);
    }
}

static void count_chardev(Chardev *chr, void *opaque)
{
    (*(int *)opaque)++;
}

static void test_foreach_delete_all(void)
{
    int n = 0;

    chardev_new_shorthand("a", "null", &error_abort);
    chardev_new_shorthand("b", "null", &error_abort);
    chardev_foreach(count_chardev, &n);
    g_assert_cmpint(n, ==, 2);
    chardev_delete_all();
    n = 0;
    chardev_foreach(count_chardev, &n);
    g_assert_cmpint(n, ==, 0);
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    tmp_dir = g_dir_make_tmp("plimsoll-chardev-XXXXXX", NULL);
    main_loop_init();
    g_test_add_func("/util/chardev/unix-server", test_unix_server);
    g_test_add_func("/util/chardev/one-client", test_one_client_at_a_time);
    g_test_add_func("/util/chardev/tcp-server", test_tcp_server);
    g_test_add_func("/util/chardev/tcp-client", test_tcp_shorthand_and_client);
    g_test_add_func("/util/chardev/client-reconnect", test_client_reconnect);
    g_test_add_func("/util/chardev/wait-on", test_wait_on);
    g_test_add_func("/util/chardev/back-pressure", test_back_pressure);
    g_test_add_func("/util/chardev/bounded-output", test_bounded_output);
    g_test_add_func("/util/chardev/file-null", test_file_null);
    g_test_add_func("/util/chardev/pty", test_pty);
    g_test_add_func("/util/chardev/stdio", test_stdio);
    g_test_add_func("/util/chardev/mux", test_mux);
    g_test_add_func("/util/chardev/errors", test_errors);
    g_test_add_func("/util/chardev/foreach", test_foreach_delete_all);
    g_test_add_func("/util/chardev/fuzz-shorthand", test_fuzz_shorthand);
    ret = g_test_run();
    g_rmdir(tmp_dir);
    g_free(tmp_dir);
    return ret;
}
