/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A tiny QMP client for the monitor unit tests: a unix socket to a
 * monitor served by the test's own main loop, pumped while waiting.
 */
#ifndef TESTS_UNIT_MONITOR_QMP_TEST_CLIENT_H
#define TESTS_UNIT_MONITOR_QMP_TEST_CLIENT_H

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <glib.h>

#include "util/main-loop.h"

typedef struct TestClient {
    int fd;
    GString *in;
} TestClient;

static inline TestClient *tc_connect(const char *path)
{
    TestClient *c = g_new0(TestClient, 1);
    struct sockaddr_un sun = { .sun_family = AF_UNIX };

    g_strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
    c->fd = socket(AF_UNIX, SOCK_STREAM, 0);
    g_assert_cmpint(c->fd, >=, 0);
    g_assert_cmpint(connect(c->fd, (struct sockaddr *)&sun, sizeof(sun)),
                    ==, 0);
    fcntl(c->fd, F_SETFL, O_NONBLOCK);
    c->in = g_string_new(NULL);
    return c;
}

static inline void tc_close(TestClient *c)
{
    close(c->fd);
    g_string_free(c->in, true);
    g_free(c);
}

static inline void tc_send_len(TestClient *c, const char *text, size_t len)
{
    size_t done = 0;

    while (done < len) {
        ssize_t n = write(c->fd, text + done, len - done);

        if (n < 0 && errno == EAGAIN) {
            main_loop_wait(true);
            continue;
        }
        g_assert_cmpint(n, >, 0);
        done += n;
    }
}

static inline void tc_send(TestClient *c, const char *text)
{
    tc_send_len(c, text, strlen(text));
}

/* Pump the main loop for about @ms milliseconds. */
static inline void tc_pump(unsigned ms)
{
    gint64 end = g_get_monotonic_time() + ms * 1000;

    while (g_get_monotonic_time() < end) {
        if (!main_loop_wait(true)) {
            g_usleep(500);
        }
    }
}

/* The next CRLF-terminated line (without CRLF), or NULL after 3 s. */
static inline char *tc_line(TestClient *c)
{
    gint64 end = g_get_monotonic_time() + 3 * G_USEC_PER_SEC;

    for (;;) {
        char buf[4096];
        char *crlf = strstr(c->in->str, "\r\n");
        ssize_t n;

        if (crlf) {
            char *line = g_strndup(c->in->str, crlf - c->in->str);

            g_string_erase(c->in, 0, crlf + 2 - c->in->str);
            return line;
        }
        if (g_get_monotonic_time() > end) {
            return NULL;
        }
        n = read(c->fd, buf, sizeof(buf));
        if (n > 0) {
            g_string_append_len(c->in, buf, n);
            continue;
        }
        if (!main_loop_wait(true)) {
            g_usleep(200);
        }
    }
}

/* Nothing more arrives within @ms. */
static inline bool tc_quiet(TestClient *c, unsigned ms)
{
    char buf[256];
    ssize_t n;

    tc_pump(ms);
    n = read(c->fd, buf, sizeof(buf));
    if (n > 0) {
        g_string_append_len(c->in, buf, n);
    }
    return c->in->len == 0;
}

#endif
