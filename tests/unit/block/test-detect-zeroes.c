/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the detect-zeroes node option (block/io.c's write path,
 * block/block-opts.c's parser): with "on" a write of all-zero data becomes
 * write-zeroes (a qcow2 zero cluster that keeps its host cluster), with
 * "unmap" and discard=unmap it also frees the cluster, "unmap" without
 * discard=unmap behaves as "on", "off" writes the zeroes as data; data
 * with one non-zero byte is never converted; a bad value is refused with
 * QEMU's message.  Reference: QEMU's -drive documentation (detect-zeroes).
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "block/block-int.h"

#define CLUSTER 65536

static char *tmpdir;

/* A fresh 4 MiB qcow2 whose first two clusters hold data. */
static BlockDriverState *open_image(const char *name, const char *dz,
                                    const char *discard)
{
    g_autofree char *p = g_build_filename(tmpdir, name, NULL);
    struct json_object *o = json_tokener_parse("{\"size\": \"4M\"}");
    g_autofree uint8_t *buf = g_malloc(2 * CLUSTER);

    g_assert_true(bdrv_create("qcow2", p, o, &error_abort));
    json_object_put(o);
    g_autofree char *json = g_strdup_printf(
        "{\"driver\": \"qcow2\", \"detect-zeroes\": \"%s\", "
        "\"discard\": \"%s\", \"file\": {\"driver\": \"file\", "
        "\"filename\": \"%s\"}}", dz, discard, p);
    o = json_tokener_parse(json);
    BlockDriverState *bs = bdrv_open_blockdev(o, &error_abort);
    json_object_put(o);
    memset(buf, 0x5a, 2 * CLUSTER);
    g_assert_cmpint(bdrv_node_pwrite(bs, 0, 2 * CLUSTER, buf, 0), ==, 0);
    return bs;
}

/* Write @len zero bytes at @off, then return the block status there. */
static int zero_write_status(BlockDriverState *bs, int64_t off, int64_t len)
{
    g_autofree uint8_t *zero = g_malloc0(len);
    int64_t pnum, map;
    BlockDriverState *file;

    g_assert_cmpint(bdrv_node_pwrite(bs, off, len, zero, 0), ==, 0);
    int ret = bdrv_block_status(bs, off, len, &pnum, &map, &file);
    g_assert_cmpint(ret, >=, 0);
    g_assert_cmpint(pnum, ==, len);
    return ret;
}

static void read_back_zero(BlockDriverState *bs, int64_t off, int64_t len)
{
    g_autofree uint8_t *buf = g_malloc(len);
    g_autofree uint8_t *zero = g_malloc0(len);

    g_assert_cmpint(bdrv_node_pread(bs, off, len, buf, 0), ==, 0);
    g_assert_cmpmem(buf, len, zero, len);
}

static void test_off(void)
{
    BlockDriverState *bs = open_image("off.qcow2", "off", "unmap");
    int st = zero_write_status(bs, 0, CLUSTER);

    g_assert_cmpint(st & BDRV_BLOCK_DATA, !=, 0);
    g_assert_cmpint(bs->detect_zeroes, ==, BDRV_DETECT_ZEROES_OFF);
    read_back_zero(bs, 0, CLUSTER);
    bdrv_unref(bs);
}

static void test_on_keeps_cluster(void)
{
    BlockDriverState *bs = open_image("on.qcow2", "on", "unmap");
    int st = zero_write_status(bs, 0, CLUSTER);

    g_assert_cmpint(st & BDRV_BLOCK_ZERO, !=, 0);
    g_assert_cmpint(st & BDRV_BLOCK_DATA, ==, 0);
    /* Without unmap the zero cluster keeps its host cluster. */
    g_assert_cmpint(st & BDRV_BLOCK_OFFSET_VALID, !=, 0);
    read_back_zero(bs, 0, CLUSTER);
    /* Accounted as the write it was. */
    g_assert_cmpuint(bs->stats.bytes[BLOCK_ACCT_WRITE], ==, 3 * CLUSTER);
    bdrv_unref(bs);
}

static void test_unmap(void)
{
    BlockDriverState *bs = open_image("unmap.qcow2", "unmap", "unmap");
    int st = zero_write_status(bs, CLUSTER, CLUSTER);

    g_assert_cmpint(st & BDRV_BLOCK_ZERO, !=, 0);
    g_assert_cmpint(st & BDRV_BLOCK_DATA, ==, 0);
    g_assert_cmpint(st & BDRV_BLOCK_OFFSET_VALID, ==, 0);
    read_back_zero(bs, CLUSTER, CLUSTER);
    bdrv_unref(bs);
}

static void test_unmap_needs_discard(void)
{
    BlockDriverState *bs = open_image("nodisc.qcow2", "unmap", "ignore");
    int st = zero_write_status(bs, 0, CLUSTER);

    g_assert_cmpint(st & BDRV_BLOCK_ZERO, !=, 0);
    g_assert_cmpint(st & BDRV_BLOCK_OFFSET_VALID, !=, 0);
    bdrv_unref(bs);
}

static void test_nonzero_stays_data(void)
{
    BlockDriverState *bs = open_image("nz.qcow2", "unmap", "unmap");
    g_autofree uint8_t *buf = g_malloc0(CLUSTER);
    int64_t pnum, map;

    buf[CLUSTER - 1] = 1;
    g_assert_cmpint(bdrv_node_pwrite(bs, 0, CLUSTER, buf, 0), ==, 0);
    int st = bdrv_block_status(bs, 0, CLUSTER, &pnum, &map, NULL);
    g_assert_cmpint(st & BDRV_BLOCK_DATA, !=, 0);
    g_assert_cmpint(st & BDRV_BLOCK_ZERO, ==, 0);
    /* An unaligned all-zero write: zero after read-modify-write only if
     * the whole padded range is zero, here it is not. */
    g_assert_cmpint(bdrv_node_pwrite(bs, 100, 200, buf, 0), ==, 0);
    g_assert_cmpint(bdrv_node_pread(bs, 0, CLUSTER, buf, 0), ==, 0);
    g_assert_cmpint(buf[CLUSTER - 1], ==, 1);
    g_assert_cmpint(buf[150], ==, 0);
    bdrv_unref(bs);
}

static void test_bad_value(void)
{
    struct json_object *o = json_tokener_parse(
        "{\"driver\": \"null-co\", \"detect-zeroes\": \"always\"}");
    Error *err = NULL;

    g_assert_null(bdrv_open_blockdev(o, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'detect-zeroes' does not accept value "
                    "'always'");
    error_free(err);
    json_object_put(o);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp("test-detect-zeroes-XXXXXX", NULL);
    g_test_add_func("/block/detect-zeroes/off", test_off);
    g_test_add_func("/block/detect-zeroes/on-keeps-cluster",
                    test_on_keeps_cluster);
    g_test_add_func("/block/detect-zeroes/unmap", test_unmap);
    g_test_add_func("/block/detect-zeroes/unmap-needs-discard",
                    test_unmap_needs_discard);
    g_test_add_func("/block/detect-zeroes/nonzero-stays-data",
                    test_nonzero_stays_data);
    g_test_add_func("/block/detect-zeroes/bad-value", test_bad_value);
    int ret = g_test_run();
    g_autoptr(GDir) d = g_dir_open(tmpdir, 0, NULL);
    for (const char *n; d && (n = g_dir_read_name(d));) {
        g_autofree char *p = g_build_filename(tmpdir, n, NULL);
        g_unlink(p);
    }
    g_rmdir(tmpdir);
    g_free(tmpdir);
    return ret;
}
