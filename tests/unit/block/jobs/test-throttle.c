/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of block/throttle.c: QEMU's validity rules, the blocking
 * wait at the average rate, asynchronous requests deferred in arrival
 * order to the main loop, and groups sharing one budget.
 */
#include <glib.h>

#include "block/block-backend.h"
#include "block/throttle.h"
#include "util/main-loop.h"

static void check_err(ThrottleLimits *l, const char *msg)
{
    Error *err = NULL;

    g_assert_false(throttle_limits_check(l, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free(err);
}

static void test_validity(void)
{
    ThrottleLimits l;

    throttle_limits_init(&l);
    g_assert_true(throttle_limits_check(&l, &error_abort));
    l.avg[THROTTLE_BPS_TOTAL] = 1;
    l.avg[THROTTLE_BPS_READ] = 1;
    check_err(&l, "bps/iops/max total values and read/write values cannot "
              "be used at the same time");
    throttle_limits_init(&l);
    l.avg[THROTTLE_OPS_WRITE] = -1;
    check_err(&l, "bps/iops/max values must be within [0, "
              "1000000000000000]");
    throttle_limits_init(&l);
    l.avg[THROTTLE_OPS_WRITE] = 10;
    l.max[THROTTLE_OPS_WRITE] = 5;
    check_err(&l, "bps_max/iops_max cannot be lower than bps/iops");
    throttle_limits_init(&l);
    l.max[THROTTLE_BPS_TOTAL] = 5;
    check_err(&l, "bps_max/iops_max require corresponding bps/iops values");
    throttle_limits_init(&l);
    l.burst_length[THROTTLE_BPS_TOTAL] = 0;
    check_err(&l, "the burst length cannot be 0");
}

static void test_blocking_rate(void)
{
    BlockBackend *blk = blk_new("t0", &error_abort);
    ThrottleLimits l;
    gint64 t0;

    throttle_limits_init(&l);
    l.avg[THROTTLE_OPS_WRITE] = 100;
    blk_throttle_set(blk, &l, NULL);
    for (int i = 0; i < 12; i++) {
        /* The bucket holds a tenth of a second: 10 requests go at once. */
        blk_throttle_wait(blk, true, 512);
    }
    t0 = g_get_monotonic_time();
    for (int i = 0; i < 30; i++) {
        blk_throttle_wait(blk, true, 512);
    }
    double rate = 30.0 / ((g_get_monotonic_time() - t0) / 1e6);
    g_assert_cmpfloat(rate, >, 90);
    g_assert_cmpfloat(rate, <, 110);
    /* Reads are not limited by a write limit. */
    t0 = g_get_monotonic_time();
    for (int i = 0; i < 100; i++) {
        blk_throttle_wait(blk, false, 512);
    }
    g_assert_cmpint(g_get_monotonic_time() - t0, <, 50000);
    blk_unref(blk);
}

static GString *order;

static void submit_cb(void *opaque)
{
    g_string_append_printf(order, "%d ", GPOINTER_TO_INT(opaque));
}

static void test_deferred_fifo(void)
{
    BlockBackend *a = blk_new("ta", &error_abort);
    BlockBackend *b = blk_new("tb", &error_abort);
    ThrottleLimits l;
    int deferred = 0;
    gint64 end;

    order = g_string_new("");
    throttle_limits_init(&l);
    l.avg[THROTTLE_BPS_TOTAL] = 1024 * 1024;
    blk_throttle_set(a, &l, "grp");
    blk_throttle_set(b, &l, "grp");
    for (int i = 0; i < 6; i++) {
        BlockBackend *blk = i % 2 ? b : a;
        if (blk_throttle_defer(blk, i % 3 == 0, 64 * 1024, submit_cb,
                               GINT_TO_POINTER(i))) {
            deferred++;
        } else {
            submit_cb(GINT_TO_POINTER(i));
        }
    }
    g_assert_cmpint(deferred, >=, 4);
    end = g_get_monotonic_time() + 2 * G_USEC_PER_SEC;
    while (order->len < 12 && g_get_monotonic_time() < end) {
        main_loop_wait(false);
    }
    g_assert_cmpstr(order->str, ==, "0 1 2 3 4 5 ");
    /* Drain does not wait for the clock: queued requests go at once. */
    g_string_truncate(order, 0);
    for (int i = 0; i < 4; i++) {
        if (!blk_throttle_defer(a, true, 1024 * 1024, submit_cb,
                                GINT_TO_POINTER(i))) {
            submit_cb(GINT_TO_POINTER(i));
        }
    }
    g_assert_cmpint(order->len, <, 8);
    blk_throttle_flush(a);
    g_assert_cmpstr(order->str, ==, "0 1 2 3 ");
    g_string_free(order, TRUE);
    blk_unref(a);
    blk_unref(b);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    main_loop_init();
    g_test_add_func("/block/throttle/validity", test_validity);
    g_test_add_func("/block/throttle/blocking-rate", test_blocking_rate);
    g_test_add_func("/block/throttle/deferred-fifo", test_deferred_fifo);
    return g_test_run();
}
