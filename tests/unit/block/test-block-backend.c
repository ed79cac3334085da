/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for block backends: the werror/rerror decision table and the
 * STOP sequence (io-status, BLOCK_IO_ERROR, then vm_stop) of
 * BLOCK-QMP-REFERENCE.md §4, backend names, range checks, and the async
 * API (many requests in flight, callbacks on the main context, drain).
 *
 * vm_stop() is faked here: the test records the call and its order
 * relative to the event.
 */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "block/block-backend.h"
#include "block/block-int.h"
#include "system/runstate.h"
#include "util/event-bus.h"

static GString *trace;
static struct json_object *last_io_error;

void vm_stop(RunState state)
{
    g_assert_cmpint(state, ==, RUN_STATE_IO_ERROR);
    g_string_append(trace, "stop;");
}

static void on_event(const BusEvent *e, void *opaque)
{
    g_string_append_printf(trace, "%s;", e->name);
    if (!strcmp(e->name, "BLOCK_IO_ERROR")) {
        json_object_put(last_io_error);
        last_io_error = json_object_get(e->data);
    }
}

static BlockBackend *new_null_backend(const char *name)
{
    struct json_object *o = json_tokener_parse(
        "{\"driver\": \"null-co\", \"size\": 1048576, \"read-zeroes\": true}");
    BlockDriverState *bs = bdrv_open_blockdev(o, &error_abort);
    BlockBackend *blk = blk_new(name, &error_abort);

    g_assert_true(blk_insert_bs(blk, bs, &error_abort));
    bdrv_unref(bs);
    json_object_put(o);
    return blk;
}

static void test_decision_table(void)
{
    static const struct {
        BlockdevOnError policy;
        int error;
        BlockErrorAction action;
    } cases[] = {
        { BLOCKDEV_ON_ERROR_REPORT, EIO, BLOCK_ERROR_ACTION_REPORT },
        { BLOCKDEV_ON_ERROR_REPORT, ENOSPC, BLOCK_ERROR_ACTION_REPORT },
        { BLOCKDEV_ON_ERROR_IGNORE, EIO, BLOCK_ERROR_ACTION_IGNORE },
        { BLOCKDEV_ON_ERROR_STOP, EIO, BLOCK_ERROR_ACTION_STOP },
        { BLOCKDEV_ON_ERROR_ENOSPC, ENOSPC, BLOCK_ERROR_ACTION_STOP },
        { BLOCKDEV_ON_ERROR_ENOSPC, EIO, BLOCK_ERROR_ACTION_REPORT },
    };
    BlockBackend *blk = new_null_backend("d0");

    /* Defaults of a new backend: werror=enospc, rerror=report. */
    g_assert_cmpint(blk_get_on_error(blk, false), ==,
                    BLOCKDEV_ON_ERROR_ENOSPC);
    g_assert_cmpint(blk_get_on_error(blk, true), ==,
                    BLOCKDEV_ON_ERROR_REPORT);
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        blk_set_on_error(blk, cases[i].policy, cases[i].policy);
        g_assert_cmpint(blk_get_error_action(blk, false, cases[i].error), ==,
                        cases[i].action);
    }
    blk_unref(blk);
}

static void test_parse(void)
{
    BlockdevOnError v;
    Error *err = NULL;

    g_assert_true(blockdev_on_error_parse("stop", false, &v, &error_abort));
    g_assert_cmpint(v, ==, BLOCKDEV_ON_ERROR_STOP);
    g_assert_false(blockdev_on_error_parse("enospc", true, &v, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "'enospc' invalid read error action");
    error_free(err);
    err = NULL;
    g_assert_false(blockdev_on_error_parse("bogus", false, &v, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "'bogus' invalid write error action");
    error_free(err);
}

static const char *jstr(struct json_object *o, const char *k)
{
    struct json_object *v;

    return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v)
                                               : NULL;
}

static void test_stop_sequence(void)
{
    BlockBackend *blk = new_null_backend("drive-virtio-disk0");
    struct json_object *v;

    blk_attach_dev(blk, "virtio-disk0",
                   "/machine/peripheral/virtio-disk0/virtio-backend");
    blk_iostatus_enable(blk);
    g_string_truncate(trace, 0);
    blk_error_action(blk, blk_get_error_action(blk, false, ENOSPC), false,
                     ENOSPC);
    /* io-status set, then the event, then the stop. */
    g_assert_cmpstr(trace->str, ==, "BLOCK_IO_ERROR;stop;");
    g_assert_cmpint(blk_iostatus(blk), ==, BLOCK_DEVICE_IO_STATUS_NOSPACE);
    g_assert_cmpstr(jstr(last_io_error, "qom-path"), ==,
                    "/machine/peripheral/virtio-disk0/virtio-backend");
    g_assert_cmpstr(jstr(last_io_error, "device"), ==, "drive-virtio-disk0");
    g_assert_cmpstr(jstr(last_io_error, "node-name"), ==,
                    bdrv_get_node_name(blk_bs(blk)));
    g_assert_cmpstr(jstr(last_io_error, "operation"), ==, "write");
    g_assert_cmpstr(jstr(last_io_error, "action"), ==, "stop");
    g_assert_cmpstr(jstr(last_io_error, "reason"), ==,
                    "No space left on device");
    g_assert_true(json_object_object_get_ex(last_io_error, "nospace", &v));
    g_assert_true(json_object_get_boolean(v));
    g_assert_cmpint(json_object_object_length(last_io_error), ==, 7);

    /* io-status changes only from ok. */
    blk_error_action(blk, BLOCK_ERROR_ACTION_STOP, false, EIO);
    g_assert_cmpint(blk_iostatus(blk), ==, BLOCK_DEVICE_IO_STATUS_NOSPACE);
    blk_iostatus_reset_all();
    g_assert_cmpint(blk_iostatus(blk), ==, BLOCK_DEVICE_IO_STATUS_OK);

    /* report: event only, no stop, no io-status change. */
    g_string_truncate(trace, 0);
    blk_error_action(blk, BLOCK_ERROR_ACTION_REPORT, true, EIO);
    g_assert_cmpstr(trace->str, ==, "BLOCK_IO_ERROR;");
    g_assert_cmpint(blk_iostatus(blk), ==, BLOCK_DEVICE_IO_STATUS_OK);
    g_assert_cmpstr(jstr(last_io_error, "operation"), ==, "read");
    g_assert_cmpstr(jstr(last_io_error, "reason"), ==, "Input/output error");

    /* With rerror=report,werror=report io-status is not tracked and the
     * event has no "nospace". */
    blk_set_on_error(blk, BLOCKDEV_ON_ERROR_REPORT, BLOCKDEV_ON_ERROR_REPORT);
    g_assert_false(blk_iostatus_is_enabled(blk));
    blk_error_action(blk, BLOCK_ERROR_ACTION_REPORT, false, ENOSPC);
    g_assert_false(json_object_object_get_ex(last_io_error, "nospace", NULL));
    blk_unref(blk);
}

static void test_names(void)
{
    BlockBackend *a = new_null_backend("drive0");
    Error *err = NULL;

    g_assert_true(blk_by_name("drive0") == a);
    g_assert_null(blk_new("drive0", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Device with id 'drive0' already exists");
    error_free(err);
    g_assert_cmpstr(bdrv_get_device_name(blk_bs(a)), ==, "drive0");
    blk_unref(a);
    g_assert_null(blk_by_name("drive0"));
}

static void test_range_check(void)
{
    BlockBackend *blk = new_null_backend("");
    uint8_t buf[512];

    g_assert_cmpint(blk_pread(blk, 1048576 - 512, 512, buf, 0), ==, 0);
    g_assert_cmpint(blk_pread(blk, 1048576 - 511, 512, buf, 0), ==, -EIO);
    g_assert_cmpint(blk_pwrite(blk, 1048576, 1, buf, 0), ==, -EIO);
    g_assert_cmpint(blk_pwrite_zeroes(blk, -1, 1, 0), ==, -EIO);
    blk_unref(blk);
}

static void test_write_cache(void)
{
    BlockBackend *blk = new_null_backend("");
    uint8_t buf[512] = { 0 };
    BlockAcctStats st;

    g_assert_true(blk_is_inserted(blk));
    g_assert_false(blk_is_read_only(blk));
    g_assert_true(blk_enable_write_cache(blk));
    g_assert_cmpint(blk_pwrite(blk, 0, 512, buf, 0), ==, 0);
    block_acct_snapshot(&blk_bs(blk)->stats, &st);
    g_assert_cmpuint(st.ops[BLOCK_ACCT_FLUSH], ==, 0);
    /* WCE off: writethrough, every write is followed by a flush. */
    blk_set_enable_write_cache(blk, false);
    g_assert_false(blk_enable_write_cache(blk));
    g_assert_cmpint(blk_pwrite(blk, 0, 512, buf, 0), ==, 0);
    g_assert_cmpint(blk_pwrite(blk, 512, 512, buf, 0), ==, 0);
    block_acct_snapshot(&blk_bs(blk)->stats, &st);
    g_assert_cmpuint(st.ops[BLOCK_ACCT_FLUSH], ==, 2);
    blk_remove_bs(blk);
    g_assert_false(blk_is_inserted(blk));
    g_assert_true(blk_is_read_only(blk));
    g_assert_cmpint(blk_pwrite(blk, 0, 512, buf, 0), ==, -ENOMEDIUM);
    blk_unref(blk);
}

typedef struct AioState {
    int done;
    int failed;
    GThread *main_thread;
} AioState;

static void aio_cb(void *opaque, int ret)
{
    AioState *s = opaque;

    /* Callbacks run on the thread iterating the main context. */
    g_assert_true(g_thread_self() == s->main_thread);
    if (ret < 0) {
        s->failed++;
    }
    s->done++;
}

/* 64 reads/writes + one past the end + a flush, all in flight at once. */
static void run_async(BlockBackend *blk, bool expect_inline)
{
    AioState s = { .main_thread = g_thread_self() };
    static uint8_t bufs[64][4096];
    BlockIOV v[64];

    g_assert_cmpint(blk_bs(blk)->nonblocking, ==, expect_inline);
    for (int i = 0; i < 64; i++) {
        block_iov_init_buf(&v[i], bufs[i], 4096);
        if (i % 2) {
            blk_aio_pwritev(blk, i * 4096, &v[i], 0, aio_cb, &s);
        } else {
            blk_aio_preadv(blk, i * 4096, &v[i], 0, aio_cb, &s);
        }
    }
    blk_aio_pwritev(blk, 1 << 20, &v[0], 0, aio_cb, &s);   /* past end */
    blk_aio_flush(blk, aio_cb, &s);
    /* Never completed synchronously, even when run inline. */
    g_assert_cmpint(s.done, ==, 0);
    blk_drain(blk);
    g_assert_cmpint(s.done, ==, 66);
    g_assert_cmpint(s.failed, ==, 1);
    g_assert_cmpint(blk_in_flight(blk), ==, 0);
    BlockAcctStats st;
    block_acct_snapshot(blk_get_stats(blk), &st);
    g_assert_cmpuint(st.ops[BLOCK_ACCT_WRITE], ==, 32);
    g_assert_cmpuint(st.ops[BLOCK_ACCT_READ], ==, 32);
    g_assert_cmpuint(st.invalid_ops[BLOCK_ACCT_WRITE], ==, 1);
}

static void test_async_inline(void)
{
    BlockBackend *blk = new_null_backend("");

    run_async(blk, true);
    blk_unref(blk);
}

/* A file node blocks: the requests go through the worker pool. */
static void test_async_pool(void)
{
    g_autofree char *dir = g_dir_make_tmp("plimsoll-blk-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "img", NULL);
    g_autofree char *zero = g_malloc0(1 << 20);
    struct json_object *o = json_object_new_object();
    BlockBackend *blk;

    g_assert_true(g_file_set_contents(path, zero, 1 << 20, NULL));
    json_object_object_add(o, "driver", json_object_new_string("raw"));
    blk = blk_new_open(path, o, BDRV_O_RDWR, &error_abort);
    json_object_put(o);
    run_async(blk, false);
    blk_unref(blk);
    g_unlink(path);
    g_rmdir(dir);
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    trace = g_string_new("");
    event_bus_subscribe(on_event, NULL);
    g_test_add_func("/block/backend/decision-table", test_decision_table);
    g_test_add_func("/block/backend/parse", test_parse);
    g_test_add_func("/block/backend/stop-sequence", test_stop_sequence);
    g_test_add_func("/block/backend/names", test_names);
    g_test_add_func("/block/backend/range-check", test_range_check);
    g_test_add_func("/block/backend/async-inline", test_async_inline);
    g_test_add_func("/block/backend/async-pool", test_async_pool);
    g_test_add_func("/block/backend/write-cache", test_write_cache);
    ret = g_test_run();
    json_object_put(last_io_error);
    g_string_free(trace, TRUE);
    return ret;
}
