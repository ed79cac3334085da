/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the block job core (block/job.c) with a fake job driver
 * over a null-co node: the JobStatus sequence and events of success,
 * cancel, failure, pause/resume, the verb table errors, the rate limiter
 * and on-error stop.
 */
#include <errno.h>
#include <glib.h>
#include <string.h>

#include "block/block.h"
#include "block/job.h"
#include "util/event-bus.h"
#include "util/main-loop.h"

typedef struct FakeJob {
    BlockJob common;
    int steps;            /* work units to do */
    int fail_at;          /* step that fails with -EIO, -1 none */
    int64_t unit;         /* bytes per step, for the rate limiter */
} FakeJob;

static int fake_run(BlockJob *job)
{
    FakeJob *f = (FakeJob *)job;

    block_job_set_len(job, (int64_t)f->steps * f->unit);
    for (int i = 0; i < f->steps; ) {
        if (block_job_pause_point(job)) {
            return -ECANCELED;
        }
        if (i == f->fail_at) {
            BlockErrorAction a = block_job_error_action(job, true, -EIO);
            f->fail_at = -1;
            if (a == BLOCK_ERROR_ACTION_REPORT) {
                return -EIO;
            }
            continue;
        }
        g_usleep(1000);
        block_job_progress(job, f->unit);
        block_job_ratelimit(job, f->unit);
        i++;
    }
    return 0;
}

static const BlockJobDriver fake_driver = {
    .type = JOB_TYPE_STREAM,
    .instance_size = sizeof(FakeJob),
    .run = fake_run,
};

static GString *seen;
static GMutex seen_lock;

/* Events come from the job thread and the main thread. */
static void on_event(const BusEvent *ev, void *opaque)
{
    struct json_object *st;

    g_mutex_lock(&seen_lock);
    if (!strcmp(ev->name, "JOB_STATUS_CHANGE") &&
        json_object_object_get_ex(ev->data, "status", &st)) {
        g_string_append_printf(seen, "%s ", json_object_get_string(st));
    } else {
        g_string_append_printf(seen, "%s ", ev->name);
    }
    g_mutex_unlock(&seen_lock);
}

static BlockDriverState *null_node(void)
{
    struct json_object *o = json_tokener_parse(
        "{\"driver\": \"null-co\", \"size\": 1048576}");
    BlockDriverState *bs = bdrv_open_blockdev(o, &error_abort);

    json_object_put(o);
    return bs;
}

static FakeJob *fake_start(BlockDriverState *bs, int steps, int fail_at,
                           int64_t speed, BlockdevOnErrorJob on_error)
{
    FakeJob *f;

    g_mutex_lock(&seen_lock);
    g_string_truncate(seen, 0);
    g_mutex_unlock(&seen_lock);
    f = (FakeJob *)block_job_create("job0", &fake_driver, bs, speed,
                                    on_error, true, true, &error_abort);
    f->steps = steps;
    f->fail_at = fail_at;
    f->unit = 4096;
    block_job_start(&f->common);
    return f;
}

/* Run the main loop until the job list is empty (or 5 s). */
static void wait_gone(void)
{
    gint64 end = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;

    while (block_job_find("job0") && g_get_monotonic_time() < end) {
        main_loop_wait(true);
        g_usleep(1000);
    }
    g_assert_null(block_job_find("job0"));
}

static void test_success(void)
{
    BlockDriverState *bs = null_node();

    fake_start(bs, 5, -1, 0, BLOCKDEV_ON_ERROR_JOB_REPORT);
    wait_gone();
    g_assert_cmpstr(seen->str, ==, "created running waiting pending "
                    "BLOCK_JOB_COMPLETED concluded null ");
    bdrv_unref(bs);
}

static void test_failure_report(void)
{
    BlockDriverState *bs = null_node();

    fake_start(bs, 5, 2, 0, BLOCKDEV_ON_ERROR_JOB_REPORT);
    wait_gone();
    g_assert_cmpstr(seen->str, ==, "created running BLOCK_JOB_ERROR "
                    "aborting BLOCK_JOB_COMPLETED concluded null ");
    bdrv_unref(bs);
}

static void test_stop_resume(void)
{
    BlockDriverState *bs = null_node();
    FakeJob *f = fake_start(bs, 5, 2, 0, BLOCKDEV_ON_ERROR_JOB_STOP);
    gint64 end = g_get_monotonic_time() + 2 * G_USEC_PER_SEC;
    BlockJobInfo *info;

    while (f->common.status != JOB_STATUS_PAUSED &&
           g_get_monotonic_time() < end) {
        g_usleep(1000);
    }
    info = block_job_info(&f->common);
    g_assert_true(info->paused);
    g_assert_cmpint(info->io_status, ==, QAPI_BLOCK_DEVICE_IO_STATUS_FAILED);
    qapi_free_BlockJobInfo(info);
    g_assert_true(block_job_user_resume(&f->common, &error_abort));
    wait_gone();
    g_assert_cmpstr(seen->str, ==, "created running BLOCK_JOB_ERROR "
                    "paused running waiting pending BLOCK_JOB_COMPLETED "
                    "concluded null ");
    bdrv_unref(bs);
}

static void test_cancel_and_verbs(void)
{
    BlockDriverState *bs = null_node();
    FakeJob *f = fake_start(bs, 100000, -1, 0, BLOCKDEV_ON_ERROR_JOB_REPORT);
    Error *err = NULL;

    g_assert_false(block_job_complete(&f->common, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Job 'job0' in state "
                    "'running' cannot accept command verb 'complete'");
    error_free(err);
    err = NULL;
    g_assert_false(block_job_set_speed(&f->common, -1, &err));
    error_free(err);
    g_assert_true(block_job_user_pause(&f->common, &error_abort));
    g_assert_true(block_job_user_cancel(&f->common, true, &error_abort));
    wait_gone();
    g_assert_true(g_str_has_suffix(seen->str, "aborting BLOCK_JOB_CANCELLED "
                                   "concluded null "));
    bdrv_unref(bs);
}

static void test_ratelimit(void)
{
    BlockDriverState *bs = null_node();
    gint64 t0 = g_get_monotonic_time();

    /* 40 units of 4 KiB at 320 KiB/s: about half a second. */
    fake_start(bs, 40, -1, 320 * 1024, BLOCKDEV_ON_ERROR_JOB_REPORT);
    wait_gone();
    gint64 us = g_get_monotonic_time() - t0;
    g_assert_cmpint(us, >, 400000);
    g_assert_cmpint(us, <, 900000);
    bdrv_unref(bs);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    seen = g_string_new("");
    main_loop_init();
    event_bus_subscribe(on_event, NULL);
    g_test_add_func("/block/job/success", test_success);
    g_test_add_func("/block/job/failure-report", test_failure_report);
    g_test_add_func("/block/job/stop-resume", test_stop_resume);
    g_test_add_func("/block/job/cancel-and-verbs", test_cancel_and_verbs);
    g_test_add_func("/block/job/ratelimit", test_ratelimit);
    return g_test_run();
}
