/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the "file" driver's grow-ahead (block/file-posix.c,
 * file_posix_grow_ahead()) and its O_DIRECT transfers through io_uring:
 * an O_DIRECT write past the end finds the file grown a step ahead (a
 * sparse hole) while the node reports the end of what was written; data
 * and the zeroes between read back; close cuts the file back to the data
 * end; an explicit truncate is exact; without O_DIRECT grow-ahead is off;
 * with aio=threads a lone O_DIRECT write is a pwritev and overlapping ones
 * go through their threads' rings (when the kernel gives rings); buffered
 * writes from 8 threads at once all land, with at most two of them in the
 * kernel at a time (the write gate).  qcow2 asks for grow-ahead on its image file
 * with cache.direct: while open the file is longer than the image, after
 * close it ends at the last cluster, and the data reads back.
 */
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "block/block-int.h"
#include "block/file-posix.h"

#define KIB 1024
#define MIB (1024 * 1024)

static char *tmpdir;

static char *tmp_path(const char *name)
{
    return g_build_filename(tmpdir, name, NULL);
}

static int64_t file_size(const char *path)
{
    struct stat st;

    g_assert_cmpint(stat(path, &st), ==, 0);
    return st.st_size;
}

/* An empty file node on @path, O_DIRECT when @direct. */
static BlockDriverState *open_file(const char *path, bool direct)
{
    g_autofree char *json = g_strdup_printf(
        "{\"driver\": \"file\", \"filename\": \"%s\", "
        "\"cache\": {\"direct\": %s}}", path, direct ? "true" : "false");
    struct json_object *o = json_tokener_parse(json);
    BlockDriverState *bs;

    g_assert_true(g_file_set_contents(path, "", 0, NULL));
    bs = bdrv_open_blockdev(o, &error_abort);
    json_object_put(o);
    return bs;
}

/* Write 64 KiB of @pattern at @off and check it reads back. */
static void write_check(BlockDriverState *bs, int64_t off, uint8_t pattern)
{
    uint8_t *buf = g_aligned_alloc(64 * KIB, 1, 4096);
    uint8_t *back = g_aligned_alloc(64 * KIB, 1, 4096);

    memset(buf, pattern, 64 * KIB);
    g_assert_cmpint(bdrv_node_pwrite(bs, off, 64 * KIB, buf, 0), ==, 0);
    g_assert_cmpint(bdrv_node_pread(bs, off, 64 * KIB, back, 0), ==, 0);
    g_assert_cmpmem(buf, 64 * KIB, back, 64 * KIB);
    g_aligned_free(buf);
    g_aligned_free(back);
}

/* A file node on @p (O_DIRECT when @direct) told to grow ahead by 1 MiB,
 * with 64 KiB of @pattern written and checked at offset 0. */
static BlockDriverState *open_grown(const char *p, bool direct,
                                    uint8_t pattern)
{
    BlockDriverState *bs = open_file(p, direct);

    file_posix_grow_ahead(bs, MIB);
    write_check(bs, 0, pattern);
    return bs;
}

/* The file on @p is @file bytes long and the node @len. */
static void check_sizes(BlockDriverState *bs, const char *p, int64_t file,
                        int64_t len)
{
    g_assert_cmpint(file_size(p), ==, file);
    g_assert_cmpint(bdrv_getlength(bs), ==, len);
}

static void test_grow_direct(void)
{
    g_autofree char *p = tmp_path("direct");
    BlockDriverState *bs = open_grown(p, true, 0x11);
    uint8_t *gap = g_aligned_alloc(64 * KIB, 1, 4096);

    check_sizes(bs, p, 2 * MIB, 64 * KIB);
    write_check(bs, 2 * MIB, 0x22);
    check_sizes(bs, p, 4 * MIB, 2 * MIB + 64 * KIB);
    g_assert_cmpint(bdrv_node_pread(bs, MIB, 64 * KIB, gap, 0), ==, 0);
    for (int i = 0; i < 64 * KIB; i++) {
        g_assert_cmpint(gap[i], ==, 0);
    }
    bdrv_unref(bs);
    g_assert_cmpint(file_size(p), ==, 2 * MIB + 64 * KIB);
    g_aligned_free(gap);
    g_unlink(p);
}

static void test_truncate_is_exact(void)
{
    g_autofree char *p = tmp_path("trunc");
    BlockDriverState *bs = open_grown(p, true, 0x33);

    g_assert_cmpint(file_size(p), ==, 2 * MIB);
    g_assert_cmpint(bdrv_truncate(bs, 128 * KIB, true, PREALLOC_MODE_OFF,
                                  &error_abort), ==, 0);
    check_sizes(bs, p, 128 * KIB, 128 * KIB);
    write_check(bs, 128 * KIB, 0x44);
    g_assert_cmpint(bdrv_getlength(bs), ==, 192 * KIB);
    bdrv_unref(bs);
    g_assert_cmpint(file_size(p), ==, 192 * KIB);
    g_unlink(p);
}

static void test_buffered_no_grow(void)
{
    g_autofree char *p = tmp_path("buffered");
    BlockDriverState *bs = open_grown(p, false, 0x55);

    check_sizes(bs, p, 64 * KIB, 64 * KIB);
    bdrv_unref(bs);
    g_unlink(p);
}

/* Writer @n of the ring test: 32 writes of 64 KiB into its own 2 MiB. */
typedef struct Writer {
    BlockDriverState *bs;
    int n;
} Writer;

static gpointer writer_run(gpointer opaque)
{
    Writer *w = opaque;

    for (int i = 0; i < 32; i++) {
        write_check(w->bs, (int64_t)w->n * 2 * MIB + i * 64 * KIB,
                    (uint8_t)(w->n + i));
    }
    return NULL;
}

static void test_direct_uses_ring(void)
{
    g_autofree char *p = tmp_path("ring");
    BlockDriverState *bs;
    Writer w[8];
    GThread *th[8];
    uint64_t before;

    if (!file_posix_uring_available()) {
        g_test_skip("io_uring unavailable (no liburing or refused)");
        return;
    }
    bs = open_file(p, true);
    /* A lone write stays pwritev. */
    before = file_posix_uring_requests();
    write_check(bs, 0, 0x66);
    g_assert_cmpuint(file_posix_uring_requests(), ==, before);
    /* 8 threads writing at once overlap (256 writes of a device's
     * latency each): some of them take the ring. */
    for (int i = 0; i < 8; i++) {
        w[i] = (Writer){ .bs = bs, .n = i };
        th[i] = g_thread_new("writer", writer_run, &w[i]);
    }
    for (int i = 0; i < 8; i++) {
        g_thread_join(th[i]);
    }
    g_assert_cmpuint(file_posix_uring_requests(), >, before);
    bdrv_unref(bs);
    g_unlink(p);
}

static void test_buffered_gate(void)
{
    g_autofree char *p = tmp_path("gate");
    BlockDriverState *bs = open_file(p, false);
    Writer w[8];
    GThread *th[8];

    for (int i = 0; i < 8; i++) {
        w[i] = (Writer){ .bs = bs, .n = i };
        th[i] = g_thread_new("writer", writer_run, &w[i]);
    }
    for (int i = 0; i < 8; i++) {
        g_thread_join(th[i]);
    }
    g_assert_cmpint(file_posix_gate_peak(), >=, 1);
    g_assert_cmpint(file_posix_gate_peak(), <=, 2);
    bdrv_unref(bs);
    g_unlink(p);
}

static void test_qcow2_direct(void)
{
    g_autofree char *p = tmp_path("img.qcow2");
    struct json_object *o = json_tokener_parse("{\"size\": \"64M\"}");
    g_autofree char *json = g_strdup_printf(
        "{\"driver\": \"qcow2\", \"cache\": {\"direct\": true}, "
        "\"file\": {\"driver\": \"file\", \"filename\": \"%s\"}}", p);
    BlockDriverState *bs;

    g_assert_true(bdrv_create("qcow2", p, o, &error_abort));
    json_object_put(o);
    int64_t empty = file_size(p);
    o = json_tokener_parse(json);
    bs = bdrv_open_blockdev(o, &error_abort);
    write_check(bs, 0, 0x77);
    write_check(bs, 8 * MIB, 0x78);
    g_assert_cmpint(file_size(p), >=, empty + 128 * MIB);
    bdrv_unref(bs);
    int64_t closed = file_size(p);
    g_assert_cmpint(closed, >, empty);
    g_assert_cmpint(closed, <, empty + MIB);
    g_assert_cmpint(closed % (64 * KIB), ==, 0);
    bs = bdrv_open_blockdev(o, &error_abort);
    json_object_put(o);
    write_check(bs, 16 * MIB, 0x79);
    uint8_t *buf = g_aligned_alloc(64 * KIB, 1, 4096);
    g_assert_cmpint(bdrv_node_pread(bs, 8 * MIB, 64 * KIB, buf, 0), ==, 0);
    g_assert_cmpint(buf[0], ==, 0x78);
    g_assert_cmpint(buf[64 * KIB - 1], ==, 0x78);
    g_aligned_free(buf);
    bdrv_unref(bs);
    g_unlink(p);
}

/* Whether files in @dir can be opened with O_DIRECT (not on tmpfs). */
static bool direct_ok(const char *dir)
{
    g_autofree char *p = g_build_filename(dir, "probe", NULL);
    int fd = open(p, O_CREAT | O_RDWR | O_DIRECT, 0600);

    if (fd >= 0) {
        close(fd);
        g_unlink(p);
    }
    return fd >= 0;
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp("plimsoll-grow-XXXXXX", NULL);
    if (!direct_ok(tmpdir)) {
        /* /tmp is tmpfs: try the working (build) directory. */
        g_rmdir(tmpdir);
        g_free(tmpdir);
        tmpdir = g_strdup_printf("plimsoll-grow-%d", (int)getpid());
        g_mkdir(tmpdir, 0700);
        if (!direct_ok(tmpdir)) {
            g_rmdir(tmpdir);
            g_free(tmpdir);
            printf("1..0 # SKIP no O_DIRECT for temporary files\n");
            return 0;
        }
    }
    g_test_add_func("/block/file-grow/direct", test_grow_direct);
    g_test_add_func("/block/file-grow/truncate-is-exact",
                    test_truncate_is_exact);
    g_test_add_func("/block/file-grow/buffered-no-grow",
                    test_buffered_no_grow);
    g_test_add_func("/block/file-grow/direct-uses-ring",
                    test_direct_uses_ring);
    g_test_add_func("/block/file-grow/buffered-gate", test_buffered_gate);
    g_test_add_func("/block/file-grow/qcow2-direct", test_qcow2_direct);
    ret = g_test_run();
    g_rmdir(tmpdir);
    g_free(tmpdir);
    return ret;
}
