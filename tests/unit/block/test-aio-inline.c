/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for inline attempts (block/aio-pool.h "nowait" mode) through
 * qcow2 over a file: a read of cached data and a rewrite of an allocated
 * cluster are served on the submitting thread; a request that would wait
 * (L2 table not cached, O_DIRECT, writethrough) bails out and the pool
 * serves it, with correct data and exactly one accounted operation either
 * way; an allocating write whose metadata is all cached is served inline
 * and leaves a consistent image (the driver's check finds nothing);
 * large reads go inline only when nothing else is outstanding, large
 * writes at any queue depth; with O_DIRECT, a tool that lets lone
 * requests wait (aio_pool_set_wait_alone()) gets them served inline,
 * allocating writes included, while deeper ones still go to the pool.
 */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "block/aio-pool.h"
#include "block/block-backend.h"
#include "block/block-int.h"
#include "block/file-posix.h"
#include "hw/core/lock.h"

#define CLUSTER 65536

typedef struct Fixture {
    char *dir;
    char *path;
} Fixture;

static void fixture_setup(Fixture *f, gconstpointer data)
{
    struct json_object *o = json_tokener_parse("{\"size\": \"16M\"}");

    /* No back-off: the counts below must not depend on the host's load. */
    aio_pool_set_inline(AIO_INLINE_ALWAYS);
    f->dir = g_dir_make_tmp("plimsoll-inl-XXXXXX", NULL);
    f->path = g_build_filename(f->dir, "a.qcow2", NULL);
    g_assert_true(bdrv_create("qcow2", f->path, o, &error_abort));
    json_object_put(o);
}

static void fixture_teardown(Fixture *f, gconstpointer data)
{
    aio_pool_set_inline(AIO_INLINE_ADAPTIVE);
    g_unlink(f->path);
    g_rmdir(f->dir);
    g_free(f->path);
    g_free(f->dir);
}

/* A backend over qcow2 over file with @cache ("writeback", "none"...);
 * aio=io_uring when @uring. */
static BlockBackend *open_qcow2_aio(Fixture *f, const char *cache,
                                    bool uring)
{
    struct json_object *o = json_object_new_object();
    BlockBackend *blk;
    int flags = BDRV_O_RDWR | (uring ? BDRV_O_IO_URING : 0);

    g_assert_true(bdrv_parse_cache_mode(cache, &flags, &error_abort));
    json_object_object_add(o, "driver", json_object_new_string("qcow2"));
    blk = blk_new_open(f->path, o, flags, NULL);
    json_object_put(o);   /* bdrv_open() copies the options */
    return blk;
}

static BlockBackend *open_qcow2(Fixture *f, const char *cache)
{
    return open_qcow2_aio(f, cache, false);
}

typedef struct Done {
    int n, ret;
} Done;

static void done_cb(void *opaque, int ret)
{
    Done *d = opaque;

    d->n++;
    d->ret = ret;
}

/* One async request, run to completion; returns its result. */
static int one_aio(BlockBackend *blk, bool write, int64_t off, void *buf,
                   size_t len)
{
    BlockIOV v;
    Done d = { 0 };

    block_iov_init_buf(&v, buf, len);
    if (write) {
        blk_aio_pwritev(blk, off, &v, 0, done_cb, &d);
    } else {
        blk_aio_preadv(blk, off, &v, 0, done_cb, &d);
    }
    g_assert_cmpint(d.n, ==, 0);      /* never completed synchronously */
    blk_drain(blk);
    g_assert_cmpint(d.n, ==, 1);
    return d.ret;
}

/* Stats deltas since @base. */
static void stats_delta(const AioPoolStats *base, uint64_t *inl,
                        uint64_t *bailed, uint64_t *pool)
{
    AioPoolStats now;

    aio_pool_get_stats(&now);
    *inl = now.inline_done - base->inline_done;
    *bailed = now.inline_bailed - base->inline_bailed;
    *pool = now.pool_done - base->pool_done;
}

static void fill(uint8_t *buf, size_t len, uint8_t v)
{
    memset(buf, v, len);
}

static void assert_filled(const uint8_t *buf, size_t len, uint8_t v)
{
    for (size_t i = 0; i < len; i++) {
        g_assert_cmpint(buf[i], ==, v);
    }
}

static void assert_acct(BlockBackend *blk, uint64_t reads, uint64_t writes)
{
    BlockAcctStats st;

    block_acct_snapshot(blk_get_stats(blk), &st);
    g_assert_cmpuint(st.ops[BLOCK_ACCT_READ], ==, reads);
    g_assert_cmpuint(st.ops[BLOCK_ACCT_WRITE], ==, writes);
    g_assert_cmpuint(st.failed_ops[BLOCK_ACCT_READ], ==, 0);
    g_assert_cmpuint(st.failed_ops[BLOCK_ACCT_WRITE], ==, 0);
}

/* First read: L2 miss, so the pool; second read: inline (through the
 * ring with aio=io_uring). */
static void test_read_bail_then_inline(Fixture *f, gconstpointer data)
{
    static uint8_t buf[4096], chk[4096];
    bool uring = data != NULL;
    BlockBackend *blk = open_qcow2(f, "writeback");
    AioPoolStats base;
    uint64_t inl, bailed, pool, ring_base;

    if (uring && !file_posix_uring_available()) {
        g_test_skip("io_uring unavailable");
        blk_unref(blk);
        return;
    }
    fill(buf, sizeof(buf), 0x3c);
    g_assert_cmpint(blk_pwrite(blk, 8192, sizeof(buf), buf, 0), ==, 0);
    blk_unref(blk);
    blk = open_qcow2_aio(f, "writeback", uring);
    block_acct_init(blk_get_stats(blk));

    aio_pool_get_stats(&base);
    g_assert_cmpint(one_aio(blk, false, 8192, chk, sizeof(chk)), ==, 0);
    assert_filled(chk, sizeof(chk), 0x3c);
    stats_delta(&base, &inl, &bailed, &pool);
    g_assert_cmpuint(bailed, ==, 1);
    g_assert_cmpuint(pool, ==, 1);
    g_assert_cmpuint(inl, ==, 0);

    aio_pool_get_stats(&base);
    ring_base = file_posix_uring_requests();
    memset(chk, 0, sizeof(chk));
    g_assert_cmpint(one_aio(blk, false, 8192, chk, sizeof(chk)), ==, 0);
    assert_filled(chk, sizeof(chk), 0x3c);
    stats_delta(&base, &inl, &bailed, &pool);
    g_assert_cmpuint(inl, ==, 1);
    g_assert_cmpuint(bailed + pool, ==, 0);
    g_assert_cmpuint(file_posix_uring_requests() - ring_base, ==,
                     uring ? 1 : 0);
    /* Unallocated clusters read as zeroes, inline too. */
    g_assert_cmpint(one_aio(blk, false, 3 * CLUSTER, chk, sizeof(chk)), ==,
                    0);
    assert_filled(chk, sizeof(chk), 0);
    /* The bailed attempt was not accounted: three reads, none failed. */
    assert_acct(blk, 3, 0);
    blk_unref(blk);
}

static void test_rewrite_inline(Fixture *f, gconstpointer data)
{
    static uint8_t buf[4096], chk[4096];
    BlockBackend *blk = open_qcow2(f, "writeback");
    AioPoolStats base;
    uint64_t inl, bailed, pool;

    fill(buf, sizeof(buf), 1);
    g_assert_cmpint(blk_pwrite(blk, 0, sizeof(buf), buf, 0), ==, 0);
    block_acct_init(blk_get_stats(blk));
    aio_pool_get_stats(&base);
    fill(buf, sizeof(buf), 2);
    g_assert_cmpint(one_aio(blk, true, 0, buf, sizeof(buf)), ==, 0);
    stats_delta(&base, &inl, &bailed, &pool);
    g_assert_cmpuint(inl, ==, 1);
    g_assert_cmpuint(bailed + pool, ==, 0);
    g_assert_cmpint(blk_pread(blk, 0, sizeof(chk), chk, 0), ==, 0);
    assert_filled(chk, sizeof(chk), 2);
    assert_acct(blk, 1, 1);
    blk_unref(blk);
}

/* The image's own check: no corruption, no leak. */
static void assert_image_clean(Fixture *f)
{
    struct json_object *o = json_object_new_object();
    struct json_object *file = json_object_new_object();
    BdrvCheckResult r = { 0 };

    json_object_object_add(file, "driver", json_object_new_string("file"));
    json_object_object_add(file, "filename", json_object_new_string(f->path));
    json_object_object_add(o, "driver", json_object_new_string("qcow2"));
    json_object_object_add(o, "file", file);
    json_object_object_add(o, "read-only", json_object_new_boolean(true));
    BlockDriverState *bs = bdrv_open_blockdev(o, &error_abort);
    g_assert_cmpint(bs->drv->check(bs, &r, 0), ==, 0);
    g_assert_cmpint(r.corruptions, ==, 0);
    g_assert_cmpint(r.leaks, ==, 0);
    g_assert_cmpint(r.check_errors, ==, 0);
    bdrv_unref(bs);
    json_object_put(o);
}

static void test_alloc_inline(Fixture *f, gconstpointer data)
{
    static uint8_t buf[4096], chk[CLUSTER];
    BlockBackend *blk = open_qcow2(f, "writeback");
    AioPoolStats base;
    uint64_t inl, bailed, pool;

    /* The L2 table and refcount block come into the caches. */
    fill(buf, sizeof(buf), 7);
    g_assert_cmpint(blk_pwrite(blk, 0, sizeof(buf), buf, 0), ==, 0);
    aio_pool_get_stats(&base);
    for (int i = 1; i <= 8; i++) {
        /* Partial clusters (middle of each): no COW read is due. */
        fill(buf, sizeof(buf), 0x40 + i);
        g_assert_cmpint(one_aio(blk, true, i * CLUSTER + 4096, buf,
                                sizeof(buf)), ==, 0);
    }
    stats_delta(&base, &inl, &bailed, &pool);
    g_assert_cmpuint(inl, ==, 8);
    g_assert_cmpuint(bailed + pool, ==, 0);
    for (int i = 1; i <= 8; i++) {
        g_assert_cmpint(blk_pread(blk, i * CLUSTER, CLUSTER, chk, 0), ==, 0);
        assert_filled(chk, 4096, 0);
        assert_filled(chk + 4096, 4096, 0x40 + i);
        assert_filled(chk + 8192, CLUSTER - 8192, 0);
    }
    blk_unref(blk);
    assert_image_clean(f);
}

/* Cases where an inline attempt must bail: each is served by the pool. */
static void test_bail_cases(Fixture *f, gconstpointer data)
{
    const char *cache = data;
    static uint8_t buf[4096], chk[4096];
    BlockBackend *blk = open_qcow2(f, cache);
    AioPoolStats base;
    uint64_t inl, bailed, pool;

    if (!blk) {
        g_test_skip("cache mode not supported on this file system");
        return;
    }
    fill(buf, sizeof(buf), 9);
    g_assert_cmpint(blk_pwrite(blk, 0, sizeof(buf), buf, 0), ==, 0);
    block_acct_init(blk_get_stats(blk));
    aio_pool_get_stats(&base);
    fill(buf, sizeof(buf), 10);
    g_assert_cmpint(one_aio(blk, true, 0, buf, sizeof(buf)), ==, 0);
    g_assert_cmpint(one_aio(blk, false, 0, chk, sizeof(chk)), ==, 0);
    assert_filled(chk, sizeof(chk), 10);
    stats_delta(&base, &inl, &bailed, &pool);
    if (!strcmp(cache, "writethrough")) {
        /* The write bails (a flush follows); the read is inline. */
        g_assert_cmpuint(bailed, ==, 1);
        g_assert_cmpuint(inl, ==, 1);
    } else {
        g_assert_cmpuint(bailed, ==, 2);
        g_assert_cmpuint(inl, ==, 0);
    }
    g_assert_cmpuint(pool, ==, bailed);
    assert_acct(blk, 1, 1);
    blk_unref(blk);
}

/* cache=none with aio_pool_set_wait_alone(): a lone request waits for the
 * device on the submitting thread; from the third outstanding request
 * on, the pool serves them. */
static void test_direct_wait_alone(Fixture *f, gconstpointer data)
{
    static uint8_t buf[4][4096] __attribute__((aligned(4096)));
    BlockBackend *blk = open_qcow2(f, "none");
    Done d[4] = { 0 };
    BlockIOV v[4];
    AioPoolStats base;
    uint64_t inl, bailed, pool;

    if (!blk) {
        g_test_skip("O_DIRECT not supported on this file system");
        return;
    }
    /* The L2 table exists and is cached: only data clusters allocate. */
    fill(buf[0], 4096, 0x30);
    g_assert_cmpint(blk_pwrite(blk, 0, 4096, buf[0], 0), ==, 0);
    aio_pool_set_wait_alone(true);
    block_acct_init(blk_get_stats(blk));
    aio_pool_get_stats(&base);
    fill(buf[0], 4096, 0x31);
    /* An allocating write, then a read of it, one at a time. */
    g_assert_cmpint(one_aio(blk, true, 3 * CLUSTER, buf[0], 4096), ==, 0);
    memset(buf[1], 0, 4096);
    g_assert_cmpint(one_aio(blk, false, 3 * CLUSTER, buf[1], 4096), ==, 0);
    assert_filled(buf[1], 4096, 0x31);
    stats_delta(&base, &inl, &bailed, &pool);
    g_assert_cmpuint(inl, ==, 2);
    g_assert_cmpuint(bailed, ==, 0);
    g_assert_cmpuint(pool, ==, 0);
    assert_acct(blk, 1, 1);
    aio_pool_get_stats(&base);
    for (int i = 0; i < 4; i++) {
        block_iov_init_buf(&v[i], buf[i], 4096);
        blk_aio_preadv(blk, 3 * CLUSTER, &v[i], 0, done_cb, &d[i]);
    }
    blk_drain(blk);
    stats_delta(&base, &inl, &bailed, &pool);
    g_assert_cmpuint(inl, ==, 2);
    g_assert_cmpuint(bailed, ==, 2);
    g_assert_cmpuint(pool, ==, 2);
    for (int i = 0; i < 4; i++) {
        g_assert_cmpint(d[i].ret, ==, 0);
        assert_filled(buf[i], 4096, 0x31);
    }
    aio_pool_set_wait_alone(false);
    blk_unref(blk);
    assert_image_clean(f);
}

static void test_disabled(Fixture *f, gconstpointer data)
{
    static uint8_t buf[4096];
    BlockBackend *blk = open_qcow2(f, "writeback");
    AioPoolStats base;
    uint64_t inl, bailed, pool;

    g_assert_cmpint(blk_pwrite(blk, 0, sizeof(buf), buf, 0), ==, 0);
    aio_pool_set_inline(AIO_INLINE_OFF);
    aio_pool_get_stats(&base);
    g_assert_cmpint(one_aio(blk, false, 0, buf, sizeof(buf)), ==, 0);
    stats_delta(&base, &inl, &bailed, &pool);
    g_assert_cmpuint(pool, ==, 1);
    g_assert_cmpuint(inl + bailed, ==, 0);
    blk_unref(blk);
}

/*
 * Under the machine lock (a device model submitting from a vCPU thread or
 * the main loop) no inline attempt is made: host I/O never runs there.
 */
static void test_machine_lock(Fixture *f, gconstpointer data)
{
    static uint8_t buf[4096];
    BlockBackend *blk = open_qcow2(f, "writeback");
    AioPoolStats base;
    uint64_t inl, bailed, pool;

    fill(buf, sizeof(buf), 3);
    g_assert_cmpint(blk_pwrite(blk, 0, sizeof(buf), buf, 0), ==, 0);
    aio_pool_get_stats(&base);
    machine_lock();
    g_assert_cmpint(one_aio(blk, true, 0, buf, sizeof(buf)), ==, 0);
    g_assert_cmpint(one_aio(blk, false, 0, buf, sizeof(buf)), ==, 0);
    machine_unlock();
    stats_delta(&base, &inl, &bailed, &pool);
    g_assert_cmpuint(pool, ==, 2);
    g_assert_cmpuint(inl + bailed, ==, 0);
    assert_filled(buf, sizeof(buf), 3);
    blk_unref(blk);
}

/* Even: the first two clusters, 4 KiB apart; odd: one new cluster each. */
static int64_t mixed_off(int i)
{
    return (i % 2) ? (int64_t)(i + 32) * CLUSTER : (int64_t)i * 4096;
}

/* Many requests in flight, mixed: inline and pool completions agree. */
static void test_mixed_depth(Fixture *f, gconstpointer data)
{
    static uint8_t bufs[32][4096];
    BlockBackend *blk = open_qcow2(f, "writeback");
    Done d[32] = { 0 };
    BlockIOV v[32];

    for (int i = 0; i < 32; i++) {
        fill(bufs[i], 4096, i + 1);
        block_iov_init_buf(&v[i], bufs[i], 4096);
        blk_aio_pwritev(blk, mixed_off(i), &v[i], 0, done_cb, &d[i]);
    }
    blk_drain(blk);
    for (int i = 0; i < 32; i++) {
        g_assert_cmpint(d[i].n, ==, 1);
        g_assert_cmpint(d[i].ret, ==, 0);
        memset(bufs[i], 0, 4096);
        g_assert_cmpint(blk_pread(blk, mixed_off(i), 4096, bufs[i], 0), ==,
                        0);
        assert_filled(bufs[i], 4096, i + 1);
    }
    blk_unref(blk);
    assert_image_clean(f);
}

/* Reads above 16 KiB go inline only while the queue is otherwise empty
 * (with more outstanding, the pool copies them in parallel); writes of
 * that size go inline at any depth (one file's writes serialise on its
 * inode lock). */
static void test_large_deep_queue(Fixture *f, gconstpointer data)
{
    static uint8_t bufs[4][CLUSTER];
    BlockBackend *blk = open_qcow2(f, "writeback");
    Done d[4] = { 0 }, w[4] = { 0 };
    BlockIOV v[4];
    AioPoolStats base;
    uint64_t inl, bailed, pool;

    fill(bufs[0], CLUSTER, 0x77);
    for (int i = 0; i < 4; i++) {
        g_assert_cmpint(blk_pwrite(blk, i * CLUSTER, CLUSTER, bufs[0], 0),
                        ==, 0);
    }
    aio_pool_get_stats(&base);
    g_assert_cmpint(one_aio(blk, false, 0, bufs[1], CLUSTER), ==, 0);
    stats_delta(&base, &inl, &bailed, &pool);
    g_assert_cmpuint(inl, ==, 1);           /* alone: inline */
    aio_pool_get_stats(&base);
    for (int i = 0; i < 4; i++) {
        block_iov_init_buf(&v[i], bufs[i], CLUSTER);
        blk_aio_preadv(blk, i * CLUSTER, &v[i], 0, done_cb, &d[i]);
    }
    blk_drain(blk);
    stats_delta(&base, &inl, &bailed, &pool);
    /* The first two find at most one other request outstanding. */
    g_assert_cmpuint(inl, ==, 2);
    g_assert_cmpuint(pool, ==, 2);
    g_assert_cmpuint(bailed, ==, 0);
    for (int i = 0; i < 4; i++) {
        g_assert_cmpint(d[i].ret, ==, 0);
        assert_filled(bufs[i], CLUSTER, 0x77);
    }
    /* Four rewrites in flight at once: all served inline. */
    aio_pool_get_stats(&base);
    for (int i = 0; i < 4; i++) {
        fill(bufs[i], CLUSTER, 0x20 + i);
        block_iov_init_buf(&v[i], bufs[i], CLUSTER);
        blk_aio_pwritev(blk, i * CLUSTER, &v[i], 0, done_cb, &w[i]);
    }
    blk_drain(blk);
    stats_delta(&base, &inl, &bailed, &pool);
    g_assert_cmpuint(inl, ==, 4);
    g_assert_cmpuint(pool, ==, 0);
    for (int i = 0; i < 4; i++) {
        g_assert_cmpint(w[i].ret, ==, 0);
        memset(bufs[i], 0, CLUSTER);
        g_assert_cmpint(blk_pread(blk, i * CLUSTER, CLUSTER, bufs[i], 0),
                        ==, 0);
        assert_filled(bufs[i], CLUSTER, 0x20 + i);
    }
    blk_unref(blk);
}

static uint64_t be64_at(const uint8_t *p)
{
    uint64_t v = 0;

    for (int i = 0; i < 8; i++) {
        v = (v << 8) | p[i];
    }
    return v;
}

static void put_be64_at(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        p[i] = v & 0xff;
        v >>= 8;
    }
}

/*
 * Corruption found by an inline attempt (an L2 entry pointing at an
 * unaligned host offset): the request fails with EIO on the spot and the
 * corrupt bit reaches the image header although the attempt could not
 * have waited for a flush.
 */
static void test_corruption_inline(Fixture *f, gconstpointer data)
{
    static uint8_t buf[4096];
    g_autofree uint8_t *img = NULL;
    gsize len;
    BlockBackend *blk = open_qcow2(f, "writeback");

    g_assert_cmpint(blk_pwrite(blk, 0, sizeof(buf), buf, 0), ==, 0);
    g_assert_cmpint(blk_pwrite(blk, CLUSTER, sizeof(buf), buf, 0), ==, 0);
    blk_unref(blk);
    /* Break L2 entry 0: its host offset gets 512 added. */
    g_assert_true(g_file_get_contents(f->path, (char **)&img, &len, NULL));
    uint64_t l2 = be64_at(img + be64_at(img + 40)) & 0x00fffffffffffe00ULL;
    g_assert_cmpuint(l2 + 8, <=, len);
    put_be64_at(img + l2, be64_at(img + l2) + 512);
    g_assert_true(g_file_set_contents(f->path, (char *)img, len, NULL));

    blk = open_qcow2(f, "writeback");
    /* Loads the L2 table (an L2 miss: served by the pool). */
    g_assert_cmpint(one_aio(blk, false, CLUSTER, buf, sizeof(buf)), ==, 0);
    AioPoolStats base;
    uint64_t inl, bailed, pool;
    aio_pool_get_stats(&base);
    g_assert_cmpint(one_aio(blk, false, 0, buf, sizeof(buf)), ==, -EIO);
    stats_delta(&base, &inl, &bailed, &pool);
    g_assert_cmpuint(inl, ==, 1);
    g_assert_cmpuint(bailed, ==, 0);
    blk_unref(blk);
    g_free(img);
    img = NULL;
    g_assert_true(g_file_get_contents(f->path, (char **)&img, &len, NULL));
    g_assert_cmpuint(be64_at(img + 72) & 2, ==, 2);   /* incompat: corrupt */
}

static void add(const char *name, void (*fn)(Fixture *, gconstpointer),
                const void *data)
{
    g_autofree char *path = g_strconcat("/block/aio-inline/", name, NULL);

    g_test_add(path, Fixture, data, fixture_setup, fn, fixture_teardown);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    add("read-bail-then-inline", test_read_bail_then_inline, NULL);
    add("read-bail-then-inline/io_uring", test_read_bail_then_inline, "");
    add("rewrite-inline", test_rewrite_inline, NULL);
    add("alloc-inline", test_alloc_inline, NULL);
    add("bail/direct", test_bail_cases, "none");
    add("bail/writethrough", test_bail_cases, "writethrough");
    add("direct-wait-alone", test_direct_wait_alone, NULL);
    add("disabled", test_disabled, NULL);
    add("machine-lock", test_machine_lock, NULL);
    add("mixed-depth", test_mixed_depth, NULL);
    add("corruption-inline", test_corruption_inline, NULL);
    add("large-deep-queue", test_large_deep_queue, NULL);
    return g_test_run();
}
