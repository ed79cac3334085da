/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the "file" protocol driver's transfer paths
 * (block/file-posix.c): aio=threads (preadv/pwritev) and aio=io_uring (a
 * ring per thread, liburing), each with data round trips, vectored
 * requests, short reads at the end of the file (zero-filled), and host
 * errors passed up as -errno (/dev/full answers writes with ENOSPC).  The
 * io_uring cases check that the ring really carried the transfers, and
 * are skipped when the kernel refuses a ring (seccomp, sysctl).
 */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "block/block-int.h"
#include "block/file-posix.h"

typedef struct Fixture {
    char *dir;
    char *path;
} Fixture;

static void fixture_setup(Fixture *f, gconstpointer data)
{
    f->dir = g_dir_make_tmp("plimsoll-fp-XXXXXX", NULL);
    f->path = g_build_filename(f->dir, "img", NULL);
}

static void fixture_teardown(Fixture *f, gconstpointer data)
{
    g_unlink(f->path);
    g_rmdir(f->dir);
    g_free(f->path);
    g_free(f->dir);
}

static bool want_uring(gconstpointer data)
{
    return GPOINTER_TO_INT(data) != 0;
}

/* A file node on @path, aio=threads or io_uring as the test data says;
 * NULL (test skipped) if io_uring was asked for and is unavailable. */
static BlockDriverState *open_file(const char *path, gconstpointer data,
                                   bool writable)
{
    struct json_object *o = json_object_new_object();
    BlockDriverState *bs;

    if (want_uring(data) && !file_posix_uring_available()) {
        g_test_skip("io_uring unavailable (no liburing or refused)");
        json_object_put(o);
        return NULL;
    }
    json_object_object_add(o, "driver", json_object_new_string("file"));
    json_object_object_add(o, "filename", json_object_new_string(path));
    json_object_object_add(o, "aio", json_object_new_string(
                               want_uring(data) ? "io_uring" : "threads"));
    json_object_object_add(o, "read-only",
                           json_object_new_boolean(!writable));
    bs = bdrv_open_blockdev(o, &error_abort);
    json_object_put(o);
    return bs;
}

/* The io_uring counter moved iff the node uses io_uring. */
static void check_uring_used(gconstpointer data, uint64_t before)
{
    uint64_t after = file_posix_uring_requests();

    if (want_uring(data)) {
        g_assert_cmpuint(after, >, before);
    } else {
        g_assert_cmpuint(after, ==, before);
    }
}

static void test_data(Fixture *f, gconstpointer data)
{
    g_autofree char *zero = g_malloc0(256 * 1024);
    uint8_t a[3000], b[5000], chk[8000];
    struct iovec iov[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
    BlockIOV v = { .iov = iov, .niov = 2, .size = sizeof(a) + sizeof(b) };

    g_assert_true(g_file_set_contents(f->path, zero, 256 * 1024, NULL));
    BlockDriverState *bs = open_file(f->path, data, true);
    if (!bs) {
        return;
    }
    uint64_t before = file_posix_uring_requests();
    memset(a, 0xa1, sizeof(a));
    memset(b, 0xb2, sizeof(b));
    /* A two-element vector at an odd offset, then read back flat. */
    g_assert_cmpint(bdrv_node_pwritev(bs, 12345, v.size, &v, 0), ==, 0);
    g_assert_cmpint(bdrv_node_pread(bs, 12345, sizeof(chk), chk, 0), ==, 0);
    for (size_t i = 0; i < sizeof(chk); i++) {
        g_assert_cmpint(chk[i], ==, i < sizeof(a) ? 0xa1 : 0xb2);
    }
    /* Bytes around it are untouched. */
    g_assert_cmpint(bdrv_node_pread(bs, 12344, 1, chk, 0), ==, 0);
    g_assert_cmpint(chk[0], ==, 0);
    check_uring_used(data, before);
    bdrv_unref(bs);
}

static void test_short_read_eof(Fixture *f, gconstpointer data)
{
    uint8_t chk[4096];

    g_assert_true(g_file_set_contents(f->path, "0123456789", 10, NULL));
    BlockDriverState *bs = open_file(f->path, data, false);
    if (!bs) {
        return;
    }
    uint64_t before = file_posix_uring_requests();
    memset(chk, 0xee, sizeof(chk));
    /* 10 bytes of data, then zeroes to the end of the request. */
    g_assert_cmpint(bdrv_node_pread(bs, 0, sizeof(chk), chk, 0), ==, 0);
    g_assert_cmpmem(chk, 10, "0123456789", 10);
    for (size_t i = 10; i < sizeof(chk); i++) {
        g_assert_cmpint(chk[i], ==, 0);
    }
    /* Wholly past the end: all zeroes. */
    memset(chk, 0xee, sizeof(chk));
    g_assert_cmpint(bdrv_node_pread(bs, 100000, 512, chk, 0), ==, 0);
    for (size_t i = 0; i < 512; i++) {
        g_assert_cmpint(chk[i], ==, 0);
    }
    check_uring_used(data, before);
    bdrv_unref(bs);
}

static void test_host_error(Fixture *f, gconstpointer data)
{
    uint8_t buf[4096] = { 1 };

    if (!g_file_test("/dev/full", G_FILE_TEST_EXISTS)) {
        g_test_skip("no /dev/full");
        return;
    }
    BlockDriverState *bs = open_file("/dev/full", data, true);
    if (!bs) {
        return;
    }
    g_assert_cmpint(bdrv_node_pwrite(bs, 0, sizeof(buf), buf, 0), ==,
                    -ENOSPC);
    /* /dev/full reads as zeroes. */
    g_assert_cmpint(bdrv_node_pread(bs, 0, sizeof(buf), buf, 0), ==, 0);
    g_assert_cmpint(buf[0], ==, 0);
    bdrv_unref(bs);
}

/* A ring belongs to its thread: transfers from many threads at once. */
typedef struct ThreadJob {
    BlockDriverState *bs;
    int n;
    int ret;
} ThreadJob;

static gpointer thread_rw(gpointer opaque)
{
    ThreadJob *j = opaque;
    uint8_t buf[4096], chk[4096];

    memset(buf, 0x10 + j->n, sizeof(buf));
    j->ret = bdrv_node_pwrite(j->bs, j->n * 4096, 4096, buf, 0);
    if (j->ret == 0) {
        j->ret = bdrv_node_pread(j->bs, j->n * 4096, 4096, chk, 0);
    }
    if (j->ret == 0 && memcmp(buf, chk, sizeof(buf))) {
        j->ret = -EIO;
    }
    return NULL;
}

static void test_threads(Fixture *f, gconstpointer data)
{
    g_autofree char *zero = g_malloc0(64 * 1024);
    ThreadJob jobs[8];
    GThread *th[8];

    g_assert_true(g_file_set_contents(f->path, zero, 64 * 1024, NULL));
    BlockDriverState *bs = open_file(f->path, data, true);
    if (!bs) {
        return;
    }
    for (int i = 0; i < 8; i++) {
        jobs[i] = (ThreadJob){ .bs = bs, .n = i };
        th[i] = g_thread_new("rw", thread_rw, &jobs[i]);
    }
    for (int i = 0; i < 8; i++) {
        g_thread_join(th[i]);
        g_assert_cmpint(jobs[i].ret, ==, 0);
    }
    bdrv_unref(bs);
}

static void test_aio_option(void)
{
    struct json_object *o = json_tokener_parse(
        "{\"driver\": \"file\", \"filename\": \"/dev/null\", "
        "\"aio\": \"bogus\"}");
    Error *err = NULL;

    g_assert_null(bdrv_open_blockdev(o, &err));
    g_assert_nonnull(err);
    g_assert_nonnull(strstr(error_get_pretty(err), "bogus"));
    error_free(err);
    json_object_put(o);
    /* native is accepted (served by io_uring here). */
    o = json_tokener_parse("{\"driver\": \"file\", \"filename\": "
                           "\"/dev/null\", \"aio\": \"native\"}");
    BlockDriverState *bs = bdrv_open_blockdev(o, &error_abort);
    g_assert_true(bs->open_flags & BDRV_O_IO_URING);
    bdrv_unref(bs);
    json_object_put(o);
}

static void add(const char *name, void (*fn)(Fixture *, gconstpointer))
{
    for (int u = 0; u < 2; u++) {
        g_autofree char *path = g_strdup_printf(
            "/block/file-posix/%s/%s", u ? "io_uring" : "threads", name);
        g_test_add(path, Fixture, GINT_TO_POINTER(u), fixture_setup, fn,
                   fixture_teardown);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    add("data", test_data);
    add("short-read-eof", test_short_read_eof);
    add("host-error", test_host_error);
    add("threads", test_threads);
    g_test_add_func("/block/file-posix/aio-option", test_aio_option);
    return g_test_run();
}
