/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for block/write-threshold.c and its place in the request path
 * (BLOCK-QMP-REFERENCE.md §1.2): strict ">" trigger, amount = end -
 * threshold, one-shot disarm, event before the driver (so it fires even
 * when the write then fails), write-zeroes and discard checked, truncate
 * not, exactly one event under 8 concurrent writer threads, the
 * percentage extension, and QMP-level lookup errors.
 */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "block/block-int.h"
#include "block/write-threshold.h"
#include "util/event-bus.h"

typedef struct Events {
    GMutex lock;
    int count;
    char node[64];
    uint64_t amount;
    uint64_t threshold;
} Events;

static Events ev;

static void on_event(const BusEvent *e, void *opaque)
{
    if (strcmp(e->name, "BLOCK_WRITE_THRESHOLD")) {
        return;
    }
    g_mutex_lock(&ev.lock);
    ev.count++;
    struct json_object *v;
    g_assert_cmpint(json_object_object_length(e->data), ==, 3);
    g_assert_true(json_object_object_get_ex(e->data, "node-name", &v));
    g_strlcpy(ev.node, json_object_get_string(v), sizeof(ev.node));
    g_assert_true(json_object_object_get_ex(e->data, "amount-exceeded", &v));
    ev.amount = json_object_get_uint64(v);
    g_assert_true(json_object_object_get_ex(e->data, "write-threshold", &v));
    ev.threshold = json_object_get_uint64(v);
    g_mutex_unlock(&ev.lock);
}

static void reset_events(void)
{
    ev.count = 0;
    ev.amount = ev.threshold = 0;
    ev.node[0] = '\0';
}

/* A null-co node of @size bytes named @name. */
static BlockDriverState *open_null(const char *name, uint64_t size)
{
    struct json_object *o = json_object_new_object();
    BlockDriverState *bs;

    json_object_object_add(o, "driver", json_object_new_string("null-co"));
    json_object_object_add(o, "node-name", json_object_new_string(name));
    json_object_object_add(o, "size", json_object_new_uint64(size));
    json_object_object_add(o, "discard", json_object_new_string("unmap"));
    bs = bdrv_open_blockdev(o, &error_abort);
    json_object_put(o);
    return bs;
}

static int write_at(BlockDriverState *bs, int64_t off, int64_t len)
{
    g_autofree uint8_t *buf = g_malloc0(len);

    return bdrv_node_pwrite(bs, off, len, buf, 0);
}

static void test_not_set_on_init(void)
{
    BlockDriverState *bs = open_null("n0", 1 << 20);

    g_assert_cmpuint(bdrv_write_threshold_get(bs), ==, 0);
    reset_events();
    g_assert_cmpint(write_at(bs, 0, 4096), ==, 0);
    g_assert_cmpint(ev.count, ==, 0);
    bdrv_unref(bs);
}

static void test_end_exactly_at_threshold(void)
{
    BlockDriverState *bs = open_null("n1", 8 << 20);

    bdrv_write_threshold_set(bs, 4 << 20);
    reset_events();
    g_assert_cmpint(write_at(bs, (4 << 20) - 4096, 4096), ==, 0);
    g_assert_cmpint(ev.count, ==, 0);
    g_assert_cmpuint(bdrv_write_threshold_get(bs), ==, 4 << 20);
    bdrv_unref(bs);
}

static void test_one_byte_past(void)
{
    BlockDriverState *bs = open_null("n2", 8 << 20);

    bdrv_write_threshold_set(bs, 4 << 20);
    reset_events();
    /* The last byte written sits at offset == threshold. */
    g_assert_cmpint(write_at(bs, 4 << 20, 1), ==, 0);
    g_assert_cmpint(ev.count, ==, 1);
    g_assert_cmpuint(ev.amount, ==, 1);
    g_assert_cmpuint(ev.threshold, ==, 4 << 20);
    g_assert_cmpstr(ev.node, ==, "n2");
    /* One-shot: disarmed and reads back as 0; a second write is silent. */
    g_assert_cmpuint(bdrv_write_threshold_get(bs), ==, 0);
    g_assert_cmpint(write_at(bs, 5 << 20, 4096), ==, 0);
    g_assert_cmpint(ev.count, ==, 1);
    bdrv_unref(bs);
}

static void test_far_beyond(void)
{
    BlockDriverState *bs = open_null("n3", 64 << 20);

    bdrv_write_threshold_set(bs, 1 << 20);
    reset_events();
    g_assert_cmpint(write_at(bs, 10 << 20, 4096), ==, 0);
    g_assert_cmpint(ev.count, ==, 1);
    g_assert_cmpuint(ev.amount, ==, (10 << 20) + 4096 - (1 << 20));
    bdrv_unref(bs);
}

static void test_zeroes_and_discard(void)
{
    BlockDriverState *bs = open_null("n4", 64 << 20);

    bdrv_write_threshold_set(bs, 1 << 20);
    reset_events();
    g_assert_cmpint(bdrv_node_pwrite_zeroes(bs, 1 << 20, 65536, 0), ==, 0);
    g_assert_cmpint(ev.count, ==, 1);
    g_assert_cmpuint(ev.amount, ==, 65536);

    /* null-co has no discard: as in QEMU, nothing is checked then. */
    bdrv_write_threshold_set(bs, 2 << 20);
    g_assert_cmpint(bdrv_node_pdiscard(bs, (2 << 20) - 512, 1024), ==, 0);
    g_assert_cmpint(ev.count, ==, 1);
    bdrv_unref(bs);
}

/* Discard on a file node (discard=unmap) crossing the threshold. */
static void test_discard_file(void)
{
    g_autofree char *dir = g_dir_make_tmp("plimsoll-wt-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "img", NULL);
    struct json_object *o = json_object_new_object();
    BlockDriverState *bs;

    g_assert_true(g_file_set_contents(path, "", 0, NULL));
    g_assert_cmpint(truncate(path, 4 << 20), ==, 0);
    json_object_object_add(o, "driver", json_object_new_string("file"));
    json_object_object_add(o, "filename", json_object_new_string(path));
    json_object_object_add(o, "discard", json_object_new_string("unmap"));
    bs = bdrv_open_blockdev(o, &error_abort);
    json_object_put(o);
    bdrv_write_threshold_set(bs, 2 << 20);
    reset_events();
    g_assert_cmpint(bdrv_node_pdiscard(bs, (2 << 20) - 512, 1024), ==, 0);
    g_assert_cmpint(ev.count, ==, 1);
    g_assert_cmpuint(ev.amount, ==, 512);
    /* discard=ignore: the request does nothing and is not checked. */
    bdrv_unref(bs);
    o = json_object_new_object();
    json_object_object_add(o, "driver", json_object_new_string("file"));
    json_object_object_add(o, "filename", json_object_new_string(path));
    bs = bdrv_open_blockdev(o, &error_abort);
    json_object_put(o);
    bdrv_write_threshold_set(bs, 2 << 20);
    g_assert_cmpint(bdrv_node_pdiscard(bs, 2 << 20, 4096), ==, 0);
    g_assert_cmpint(ev.count, ==, 1);
    bdrv_unref(bs);
    g_unlink(path);
    g_rmdir(dir);
}

static void test_truncate_not_checked(void)
{
    g_autofree char *dir = g_dir_make_tmp("plimsoll-wt-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "img", NULL);
    struct json_object *o = json_object_new_object();
    BlockDriverState *bs;

    g_assert_true(g_file_set_contents(path, "", 0, NULL));
    json_object_object_add(o, "driver", json_object_new_string("file"));
    json_object_object_add(o, "filename", json_object_new_string(path));
    bs = bdrv_open_blockdev(o, &error_abort);
    json_object_put(o);
    bdrv_write_threshold_set(bs, 4096);
    reset_events();
    g_assert_cmpint(bdrv_truncate(bs, 1 << 20, false, PREALLOC_MODE_OFF,
                                  &error_abort), ==, 0);
    g_assert_cmpint(ev.count, ==, 0);
    g_assert_cmpuint(bdrv_write_threshold_get(bs), ==, 4096);
    bdrv_unref(bs);
    g_unlink(path);
    g_rmdir(dir);
}

static void test_rearm_and_zero_disables(void)
{
    BlockDriverState *bs = open_null("n5", 64 << 20);

    reset_events();
    bdrv_write_threshold_set(bs, 1 << 20);
    g_assert_cmpint(write_at(bs, 1 << 20, 4096), ==, 0);
    g_assert_cmpint(ev.count, ==, 1);
    /* Re-arm below the high-water mark: fires on the next crossing only. */
    bdrv_write_threshold_set(bs, 512);
    g_assert_cmpint(ev.count, ==, 1);
    g_assert_cmpint(write_at(bs, 0, 1024), ==, 0);
    g_assert_cmpint(ev.count, ==, 2);
    g_assert_cmpuint(ev.amount, ==, 512);
    /* 0 disables. */
    bdrv_write_threshold_set(bs, 0);
    g_assert_cmpint(write_at(bs, 32 << 20, 4096), ==, 0);
    g_assert_cmpint(ev.count, ==, 2);
    bdrv_unref(bs);
}

/* The event goes out even though the write then fails (ENOSPC). */
static void test_fires_before_failing_write(void)
{
    g_autofree char *dir = g_dir_make_tmp("plimsoll-wt-XXXXXX", NULL);
    g_autofree char *img = g_build_filename(dir, "img", NULL);
    g_autofree char *cfg = g_build_filename(dir, "cfg", NULL);
    g_autofree char *fname = g_strdup_printf("blkdebug:%s:%s", cfg, img);
    g_autofree uint8_t *zero = g_malloc0(1 << 20);
    BlockDriverState *bs;
    struct json_object *o = json_object_new_object();

    g_assert_true(g_file_set_contents(img, (char *)zero, 1 << 20, NULL));
    g_assert_true(g_file_set_contents(cfg, "[inject-error]\n"
                                      "event = \"pwritev\"\n"
                                      "errno = \"28\"\n", -1, NULL));
    json_object_object_add(o, "node-name", json_object_new_string("dbg"));
    bs = bdrv_open(fname, o, BDRV_O_RDWR | BDRV_O_PROTOCOL, &error_abort);
    json_object_put(o);
    g_assert_cmpstr(bdrv_get_format_name(bs), ==, "blkdebug");
    bdrv_write_threshold_set(bs, 4096);
    reset_events();
    g_assert_cmpint(write_at(bs, 4096, 512), ==, -ENOSPC);
    g_assert_cmpint(ev.count, ==, 1);
    g_assert_cmpuint(ev.amount, ==, 512);
    bdrv_unref(bs);
    g_unlink(img);
    g_unlink(cfg);
    g_rmdir(dir);
}

typedef struct Racer {
    BlockDriverState *bs;
    int index;
} Racer;

static gpointer race_writer(gpointer opaque)
{
    Racer *r = opaque;

    for (int i = 0; i < 64; i++) {
        write_at(r->bs, ((int64_t)(i * 8 + r->index)) << 16, 65536);
    }
    return NULL;
}

static void test_concurrent_exactly_one(void)
{
    BlockDriverState *bs = open_null("n6", 1ull << 30);

    for (int round = 0; round < 20; round++) {
        GThread *t[8];
        Racer r[8];

        reset_events();
        bdrv_write_threshold_set(bs, 4096);
        for (int i = 0; i < 8; i++) {
            r[i] = (Racer){ bs, i };
            t[i] = g_thread_new("writer", race_writer, &r[i]);
        }
        for (int i = 0; i < 8; i++) {
            g_thread_join(t[i]);
        }
        g_assert_cmpint(ev.count, ==, 1);
        g_assert_cmpuint(bdrv_write_threshold_get(bs), ==, 0);
    }
    bdrv_unref(bs);
}

static void test_percent(void)
{
    BlockDriverState *bs = open_null("n7", 10 << 20);
    Error *err = NULL;
    uint64_t out;

    /* 50.000 % of 10 MiB */
    g_assert_true(block_set_write_threshold("n7", 0, true, 50000,
                                            &error_abort));
    g_assert_cmpuint(bdrv_write_threshold_get(bs), ==, 5 << 20);
    /* 0.001 % of 10 MiB = 104 bytes (rounded down) */
    g_assert_true(bdrv_write_threshold_percent_to_bytes(10 << 20, 1, &out,
                                                        &error_abort));
    g_assert_cmpuint(out, ==, 104);
    g_assert_true(bdrv_write_threshold_percent_to_bytes(10 << 20, 100000,
                                                        &out, &error_abort));
    g_assert_cmpuint(out, ==, 10 << 20);
    g_assert_false(block_set_write_threshold("n7", 0, true, 100001, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Parameter "
                    "'write-threshold-percent' expects a value between 0 "
                    "and 100000");
    error_free(err);
    err = NULL;
    /* Percent thresholds then behave as byte thresholds. */
    reset_events();
    g_assert_cmpint(write_at(bs, 5 << 20, 1), ==, 0);
    g_assert_cmpint(ev.count, ==, 1);
    g_assert_cmpuint(ev.threshold, ==, 5 << 20);
    bdrv_unref(bs);
}

static void test_lookup_by_node_name_only(void)
{
    BlockDriverState *bs = open_null("n8", 1 << 20);
    Error *err = NULL;

    g_assert_false(block_set_write_threshold("nosuch", 1, false, 0, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Device 'nosuch' not found");
    g_assert_cmpint(error_get_class(err), ==, ERROR_CLASS_GENERIC_ERROR);
    error_free(err);
    g_assert_true(block_set_write_threshold("n8", UINT64_MAX, false, 0,
                                            &error_abort));
    g_assert_cmpuint(bdrv_write_threshold_get(bs), ==, UINT64_MAX);
    reset_events();
    g_assert_cmpint(write_at(bs, 0, 4096), ==, 0);
    g_assert_cmpint(ev.count, ==, 0);
    bdrv_unref(bs);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_mutex_init(&ev.lock);
    event_bus_subscribe(on_event, NULL);
    g_test_add_func("/block/write-threshold/not-set-on-init",
                    test_not_set_on_init);
    g_test_add_func("/block/write-threshold/end-exactly-at",
                    test_end_exactly_at_threshold);
    g_test_add_func("/block/write-threshold/one-byte-past",
                    test_one_byte_past);
    g_test_add_func("/block/write-threshold/far-beyond", test_far_beyond);
    g_test_add_func("/block/write-threshold/zeroes-and-discard",
                    test_zeroes_and_discard);
    g_test_add_func("/block/write-threshold/discard-file", test_discard_file);
    g_test_add_func("/block/write-threshold/truncate-not-checked",
                    test_truncate_not_checked);
    g_test_add_func("/block/write-threshold/rearm-and-zero",
                    test_rearm_and_zero_disables);
    g_test_add_func("/block/write-threshold/before-failing-write",
                    test_fires_before_failing_write);
    g_test_add_func("/block/write-threshold/concurrent-exactly-one",
                    test_concurrent_exactly_one);
    g_test_add_func("/block/write-threshold/percent", test_percent);
    g_test_add_func("/block/write-threshold/lookup", test_lookup_by_node_name_only);
    return g_test_run();
}
