/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the request path (block/io.c) and the node graph
 * (block/block.c): byte-granular reads and writes over nodes with 4 KiB
 * request alignment (read-modify-write), concurrent overlapping unaligned
 * writes (serialisation), O_DIRECT with unaligned buffers, write-zeroes
 * with unaligned ends, accounting, block status, node names and options.
 */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "block/block-int.h"

typedef struct Fixture {
    char *dir;
    char *path;
} Fixture;

static void fixture_setup(Fixture *f, gconstpointer data)
{
    g_autofree uint8_t *zero = g_malloc0(1 << 20);

    f->dir = g_dir_make_tmp("plimsoll-io-XXXXXX", NULL);
    f->path = g_build_filename(f->dir, "img", NULL);
    g_assert_true(g_file_set_contents(f->path, (char *)zero, 1 << 20, NULL));
}

static void fixture_teardown(Fixture *f, gconstpointer data)
{
    g_unlink(f->path);
    g_rmdir(f->dir);
    g_free(f->path);
    g_free(f->dir);
}

/* blkdebug with align=4096 over the file: the core must do RMW. */
static BlockDriverState *open_aligned(Fixture *f, const char *extra_key,
                                      const char *extra_val)
{
    struct json_object *o = json_object_new_object();
    struct json_object *img = json_object_new_object();
    BlockDriverState *bs;

    json_object_object_add(img, "driver", json_object_new_string("file"));
    json_object_object_add(img, "filename", json_object_new_string(f->path));
    if (extra_key) {
        json_object_object_add(img, extra_key,
                               json_object_new_string(extra_val));
    }
    json_object_object_add(o, "driver", json_object_new_string("blkdebug"));
    json_object_object_add(o, "align", json_object_new_int(4096));
    json_object_object_add(o, "image", img);
    bs = bdrv_open_blockdev(o, &error_abort);
    json_object_put(o);
    g_assert_cmpuint(bs->request_alignment, ==, 4096);
    return bs;
}

static void test_rmw_unaligned(Fixture *f, gconstpointer data)
{
    BlockDriverState *bs = open_aligned(f, NULL, NULL);
    uint8_t buf[10000], chk[12288];

    memset(buf, 0x5a, sizeof(buf));
    g_assert_cmpint(bdrv_node_pwrite(bs, 1000, 10000, buf, 0), ==, 0);
    g_assert_cmpint(bdrv_node_pread(bs, 0, sizeof(chk), chk, 0), ==, 0);
    for (int i = 0; i < (int)sizeof(chk); i++) {
        g_assert_cmpint(chk[i], ==, (i >= 1000 && i < 11000) ? 0x5a : 0);
    }
    /* An unaligned read of the middle. */
    g_assert_cmpint(bdrv_node_pread(bs, 999, 3, chk, 0), ==, 0);
    g_assert_cmpint(chk[0], ==, 0);
    g_assert_cmpint(chk[1], ==, 0x5a);
    g_assert_cmpint(chk[2], ==, 0x5a);
    /* Inside one block, both ends unaligned. */
    g_assert_cmpint(bdrv_node_pwrite(bs, 20000, 10, "0123456789", 0), ==, 0);
    g_assert_cmpint(bdrv_node_pread(bs, 19998, 14, chk, 0), ==, 0);
    g_assert_cmpmem(chk, 14, "\0\0" "0123456789" "\0\0", 14);
    bdrv_unref(bs);
}

typedef struct Overlap {
    BlockDriverState *bs;
    int id;
} Overlap;

/* Each thread owns bytes id, id+8, id+16...: unaligned 1-byte writes that
 * share blocks.  Without serialisation RMWs would lose each other's bytes. */
static gpointer overlap_writer(gpointer opaque)
{
    Overlap *o = opaque;

    for (int i = 0; i < 256; i++) {
        uint8_t v = 0x10 + o->id;
        g_assert_cmpint(bdrv_node_pwrite(o->bs, i * 8 + o->id, 1, &v, 0), ==,
                        0);
    }
    return NULL;
}

static void test_rmw_serialised(Fixture *f, gconstpointer data)
{
    BlockDriverState *bs = open_aligned(f, NULL, NULL);
    GThread *t[8];
    Overlap o[8];
    uint8_t chk[2048];

    for (int i = 0; i < 8; i++) {
        o[i] = (Overlap){ bs, i };
        t[i] = g_thread_new("rmw", overlap_writer, &o[i]);
    }
    for (int i = 0; i < 8; i++) {
        g_thread_join(t[i]);
    }
    g_assert_cmpint(bdrv_node_pread(bs, 0, sizeof(chk), chk, 0), ==, 0);
    for (int i = 0; i < (int)sizeof(chk); i++) {
        g_assert_cmpint(chk[i], ==, 0x10 + i % 8);
    }
    bdrv_unref(bs);
}

static void test_zeroes_unaligned(Fixture *f, gconstpointer data)
{
    BlockDriverState *bs = open_aligned(f, NULL, NULL);
    g_autofree uint8_t *buf = g_malloc(65536);
    g_autofree uint8_t *chk = g_malloc(65536);

    memset(buf, 0xff, 65536);
    g_assert_cmpint(bdrv_node_pwrite(bs, 0, 65536, buf, 0), ==, 0);
    g_assert_cmpint(bdrv_node_pwrite_zeroes(bs, 100, 20000, 0), ==, 0);
    g_assert_cmpint(bdrv_node_pread(bs, 0, 65536, chk, 0), ==, 0);
    for (int i = 0; i < 65536; i++) {
        g_assert_cmpint(chk[i], ==, (i >= 100 && i < 20100) ? 0 : 0xff);
    }
    /* With unmap: holes are punched, data still reads as zero. */
    g_assert_cmpint(bdrv_node_pwrite_zeroes(bs, 32768, 16384,
                                            BDRV_REQ_MAY_UNMAP), ==, 0);
    g_assert_cmpint(bdrv_node_pread(bs, 32768, 16384, chk, 0), ==, 0);
    g_assert_true(block_buffer_is_zero(chk, 16384));
    bdrv_unref(bs);
}

static void test_odirect_unaligned_buffers(Fixture *f, gconstpointer data)
{
    struct json_object *o = json_object_new_object();
    struct json_object *cache = json_object_new_object();
    BlockDriverState *bs;
    g_autofree uint8_t *mem = g_malloc(20000);
    uint8_t *buf = mem + 3;         /* deliberately misaligned memory */
    uint8_t chk[8192];

    json_object_object_add(cache, "direct", json_object_new_boolean(1));
    json_object_object_add(o, "driver", json_object_new_string("file"));
    json_object_object_add(o, "filename", json_object_new_string(f->path));
    json_object_object_add(o, "cache", cache);
    bs = bdrv_open_blockdev(o, &error_abort);
    json_object_put(o);
    g_assert_cmpuint(bs->request_alignment, >=, 512);
    memset(buf, 0x77, 5000);
    g_assert_cmpint(bdrv_node_pwrite(bs, 700, 5000, buf, 0), ==, 0);
    g_assert_cmpint(bdrv_node_pread(bs, 0, 8192, chk, 0), ==, 0);
    for (int i = 0; i < 8192; i++) {
        g_assert_cmpint(chk[i], ==, (i >= 700 && i < 5700) ? 0x77 : 0);
    }
    g_assert_cmpint(bdrv_node_pread(bs, 701, 3, buf, 0), ==, 0);
    g_assert_cmpint(buf[0], ==, 0x77);
    bdrv_unref(bs);
}

static void test_accounting(Fixture *f, gconstpointer data)
{
    BlockDriverState *bs = open_aligned(f, NULL, NULL);
    uint8_t buf[4096] = { 1 };
    BlockAcctStats st;

    g_assert_cmpint(bdrv_node_pwrite(bs, 8192, 4096, buf, 0), ==, 0);
    g_assert_cmpint(bdrv_node_pwrite(bs, 0, 100, buf, 0), ==, 0);
    g_assert_cmpint(bdrv_node_pread(bs, 0, 4096, buf, 0), ==, 0);
    g_assert_cmpint(bdrv_node_flush(bs), ==, 0);
    g_assert_cmpint(bdrv_node_pread(bs, -1, 1, buf, 0), ==, -EIO);
    block_acct_snapshot(&bs->stats, &st);
    g_assert_cmpuint(st.ops[BLOCK_ACCT_WRITE], ==, 2);
    g_assert_cmpuint(st.bytes[BLOCK_ACCT_WRITE], ==, 4196);
    g_assert_cmpuint(st.ops[BLOCK_ACCT_READ], ==, 1);
    g_assert_cmpuint(st.bytes[BLOCK_ACCT_READ], ==, 4096);
    g_assert_cmpuint(st.ops[BLOCK_ACCT_FLUSH], ==, 1);
    g_assert_cmpuint(st.invalid_ops[BLOCK_ACCT_READ], ==, 1);
    g_assert_cmpuint(st.wr_highest_offset, ==, 12288);
    g_assert_cmpint(block_acct_idle_ns(&bs->stats), >=, 0);
    bdrv_unref(bs);
}

static void test_block_status_and_size(Fixture *f, gconstpointer data)
{
    struct json_object *o = json_object_new_object();
    BlockDriverState *bs;
    int64_t pnum, map;
    BlockDriverState *file;
    uint8_t buf[65536];
    int ret;

    g_assert_cmpint(truncate(f->path, 0), ==, 0);
    g_assert_cmpint(truncate(f->path, 4 << 20), ==, 0);
    json_object_object_add(o, "driver", json_object_new_string("raw"));
    json_object_object_add(o, "file", json_object_new_string(f->path));
    json_object_put(o);
    o = json_object_new_object();
    json_object_object_add(o, "driver", json_object_new_string("raw"));
    bs = bdrv_open(f->path, o, BDRV_O_RDWR, &error_abort);
    json_object_put(o);
    memset(buf, 1, sizeof(buf));
    g_assert_cmpint(bdrv_node_pwrite(bs, 1 << 20, 65536, buf, 0), ==, 0);
    ret = bdrv_block_status(bs, 0, 4 << 20, &pnum, &map, &file);
    g_assert_cmpint(ret, >=, 0);
    g_assert_true(ret & BDRV_BLOCK_ZERO);
    g_assert_cmpint(pnum, ==, 1 << 20);
    g_assert_true(file == bdrv_get_file(bs));
    ret = bdrv_block_status(bs, 1 << 20, 4 << 20, &pnum, &map, &file);
    g_assert_true(ret & BDRV_BLOCK_DATA);
    g_assert_cmpint(map, ==, 1 << 20);
    /* The size is re-read: grow the file behind the node's back. */
    g_assert_cmpint(bdrv_getlength(bs), ==, 4 << 20);
    g_assert_cmpint(truncate(f->path, 8 << 20), ==, 0);
    g_assert_cmpint(bdrv_getlength(bs), ==, 8 << 20);
    bdrv_unref(bs);
}

static void test_node_names(Fixture *f, gconstpointer data)
{
    struct json_object *o = json_object_new_object();
    BlockDriverState *a, *b;
    Error *err = NULL;

    json_object_object_add(o, "driver", json_object_new_string("null-co"));
    json_object_object_add(o, "node-name", json_object_new_string("disk0"));
    a = bdrv_open_blockdev(o, &error_abort);
    g_assert_true(bdrv_find_node("disk0") == a);
    g_assert_null(bdrv_open_blockdev(o, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Duplicate nodes with node-name='disk0'");
    error_free(err);
    err = NULL;
    json_object_object_add(o, "node-name", json_object_new_string("9bad"));
    g_assert_null(bdrv_open_blockdev(o, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Invalid node-name: '9bad'");
    error_free(err);
    err = NULL;
    json_object_object_del(o, "node-name");
    b = bdrv_open_blockdev(o, &error_abort);
    g_assert_true(g_str_has_prefix(bdrv_get_node_name(b), "#block"));
    g_assert_true(bdrv_find_node(bdrv_get_node_name(b)) == b);
    json_object_put(o);
    bdrv_unref(a);
    bdrv_unref(b);
    g_assert_null(bdrv_find_node("disk0"));
}

static void expect_open_error(const char *json, const char *msg)
{
    struct json_object *o = json_tokener_parse(json);
    Error *err = NULL;

    g_assert_nonnull(o);
    g_assert_null(bdrv_open_blockdev(o, &err));
    g_assert_nonnull(err);
    if (msg) {
        g_assert_cmpstr(error_get_pretty(err), ==, msg);
    }
    error_free(err);
    json_object_put(o);
}

static void test_hostile_options(Fixture *f, gconstpointer data)
{
    expect_open_error("{\"driver\": \"nosuch\"}", "Unknown driver 'nosuch'");
    expect_open_error("{\"driver\": \"null-co\", \"bogus\": 1}",
                      "Block protocol 'null-co' doesn't support the option "
                      "'bogus'");
    expect_open_error("{\"driver\": \"file\"}",
                      "Parameter 'filename' is missing");
    expect_open_error("{\"driver\": \"file\", \"filename\": "
                      "\"/nonexistent/x\"}",
                      "Could not open '/nonexistent/x': No such file or "
                      "directory");
    expect_open_error("{\"driver\": \"raw\", \"file\": 42}", NULL);
    expect_open_error("{\"driver\": \"raw\", \"file\": \"nonode\"}",
                      "Cannot find device='' nor node-name='nonode'");
    expect_open_error("{\"driver\": \"null-co\", \"size\": \"-5\"}", NULL);
    expect_open_error("{\"driver\": \"null-co\", \"size\": \"12Q\"}", NULL);
    expect_open_error("{\"driver\": \"null-co\", \"read-only\": \"maybe\"}",
                      "Parameter 'read-only' expects 'on' or 'off'");
    expect_open_error("{\"driver\": \"null-co\", \"cache\": 3}", NULL);
    expect_open_error("{\"driver\": \"blkdebug\", \"image\": {\"driver\": "
                      "\"null-co\"}, \"inject-error\": [{\"event\": "
                      "\"nosuch\"}]}", "Invalid event name \"nosuch\"");
    expect_open_error("{\"driver\": \"blkdebug\", \"image\": {\"driver\": "
                      "\"null-co\"}, \"align\": 3000}",
                      "Cannot meet constraints with align 3000");
    expect_open_error("{}", "Parameter 'driver' is missing");
}

static void test_raw_window(Fixture *f, gconstpointer data)
{
    struct json_object *o = json_tokener_parse(
        "{\"driver\": \"raw\", \"offset\": 4096, \"size\": 8192}");
    BlockDriverState *bs;
    uint8_t buf[8192], chk[16384];
    Error *err = NULL;

    json_object_object_add(o, "file", json_object_new_string(f->path));
    json_object_object_del(o, "file");
    bs = bdrv_open(f->path, o, BDRV_O_RDWR, &error_abort);
    g_assert_cmpint(bdrv_getlength(bs), ==, 8192);
    memset(buf, 0x42, sizeof(buf));
    g_assert_cmpint(bdrv_node_pwrite(bs, 0, 8192, buf, 0), ==, 0);
    /* Past the window: refused, nothing written outside it. */
    g_assert_cmpint(bdrv_node_pwrite(bs, 4096, 8192, buf, 0), ==, -EINVAL);
    g_assert_cmpint(bdrv_node_pread(bs, 8192, 1, buf, 0), ==, -EINVAL);
    g_assert_cmpint(bdrv_node_pread(bdrv_get_file(bs), 0, sizeof(chk), chk,
                                    0), ==, 0);
    for (int i = 0; i < (int)sizeof(chk); i++) {
        g_assert_cmpint(chk[i], ==, (i >= 4096 && i < 12288) ? 0x42 : 0);
    }
    g_assert_cmpint(bdrv_truncate(bs, 1 << 20, false, PREALLOC_MODE_OFF,
                                  &err), ==, -ENOTSUP);
    error_free(err);
    bdrv_unref(bs);
    json_object_put(o);

    o = json_tokener_parse("{\"driver\": \"raw\", \"offset\": 4096, "
                           "\"size\": 2097152}");
    err = NULL;
    g_assert_null(bdrv_open(f->path, o, BDRV_O_RDWR, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "The sum of offset (4096) and "
                    "size (2097152) has to be smaller or equal to the actual "
                    "size of the containing file (1048576)");
    error_free(err);
    json_object_put(o);
    o = json_tokener_parse("{\"driver\": \"raw\", \"offset\": 4194304}");
    err = NULL;
    g_assert_null(bdrv_open(f->path, o, BDRV_O_RDWR, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Offset (4194304) cannot be "
                    "greater than size of the containing file (1048576)");
    error_free(err);
    json_object_put(o);
}

/* A probed raw image refuses to become a format through sector 0. */
static void test_probed_raw_guard(Fixture *f, gconstpointer data)
{
    BlockDriverState *bs = bdrv_open(f->path, NULL, BDRV_O_RDWR,
                                     &error_abort);
    uint8_t qcow_magic[512] = { 'Q', 'F', 'I', 0xfb, 0, 0, 0, 3 };
    uint8_t hello[512] = "hello";

    g_assert_cmpstr(bdrv_get_format_name(bs), ==, "raw");
    g_assert_true(bs->probed);
    /* Probing only recognises formats in the table; qcow2 may be absent. */
    if (bdrv_find_format("qcow2")) {
        g_assert_cmpint(bdrv_node_pwrite(bs, 0, 512, qcow_magic, 0), ==,
                        -EPERM);
    }
    g_assert_cmpint(bdrv_node_pwrite(bs, 0, 512, hello, 0), ==, 0);
    g_assert_cmpint(bdrv_node_pwrite(bs, 512, 512, qcow_magic, 0), ==, 0);
    bdrv_unref(bs);
}

/* A format's children inherit the cache mode and discard, not
 * writethrough (one flush per write at the top). */
static void test_flag_inheritance(Fixture *f, gconstpointer data)
{
    BlockDriverState *bs;
    int flags = BDRV_O_RDWR | BDRV_O_UNMAP;
    struct json_object *o = json_tokener_parse("{\"driver\": \"raw\"}");

    g_assert_true(bdrv_parse_cache_mode("directsync", &flags, &error_abort));
    bs = bdrv_open(f->path, o, flags, &error_abort);
    json_object_put(o);
    g_assert_true(bs->open_flags & BDRV_O_WRITETHROUGH);
    g_assert_true(bdrv_get_file(bs)->open_flags & BDRV_O_NOCACHE);
    g_assert_true(bdrv_get_file(bs)->open_flags & BDRV_O_UNMAP);
    g_assert_false(bdrv_get_file(bs)->open_flags & BDRV_O_WRITETHROUGH);
    g_assert_cmpuint(bdrv_get_file(bs)->request_alignment, >=, 512);
    g_assert_false(bdrv_is_read_only(bdrv_get_file(bs)));
    bdrv_unref(bs);
}

static void test_create(Fixture *f, gconstpointer data)
{
    g_autofree char *p = g_build_filename(f->dir, "new", NULL);
    struct json_object *o = json_tokener_parse(
        "{\"size\": \"1M\", \"preallocation\": \"falloc\"}");
    Error *err = NULL;
    struct stat st;

    g_assert_true(bdrv_create("raw", p, o, &error_abort));
    g_assert_cmpint(stat(p, &st), ==, 0);
    g_assert_cmpint(st.st_size, ==, 1 << 20);
    g_assert_cmpint(st.st_blocks * 512, >=, 1 << 20);
    json_object_put(o);
    o = json_tokener_parse("{\"size\": \"1M\", \"preallocation\": "
                           "\"metadata\"}");
    g_assert_false(bdrv_create("file", p, o, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Unsupported preallocation mode 'metadata'");
    error_free(err);
    err = NULL;
    json_object_put(o);
    g_assert_false(bdrv_create("nosuch", p, NULL, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Unknown file format 'nosuch'");
    error_free(err);
    g_unlink(p);
}

static void add(const char *path,
                void (*fn)(Fixture *f, gconstpointer data))
{
    g_autofree char *full = g_strconcat("/block/io/", path, NULL);

    g_test_add(full, Fixture, NULL, fixture_setup, fn, fixture_teardown);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    add("rmw-unaligned", test_rmw_unaligned);
    add("rmw-serialised", test_rmw_serialised);
    add("zeroes-unaligned", test_zeroes_unaligned);
    add("odirect-unaligned-buffers", test_odirect_unaligned_buffers);
    add("accounting", test_accounting);
    add("block-status-and-size", test_block_status_and_size);
    add("node-names", test_node_names);
    add("hostile-options", test_hostile_options);
    add("raw-window", test_raw_window);
    add("probed-raw-guard", test_probed_raw_guard);
    add("flag-inheritance", test_flag_inheritance);
    add("create", test_create);
    return g_test_run();
}
