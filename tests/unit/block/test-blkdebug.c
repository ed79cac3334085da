/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for block/blkdebug.c: errors injected by event (EIO, ENOSPC),
 * once, sector filtering, iotype, the state machine (set-state), config
 * files and "blkdebug:CONFIG:IMAGE" filenames, and events raised by the
 * raw format (read_aio/write_aio) on its file child; suspend points
 * (break/resume/remove_break from another thread than the stopped
 * request) and "immediately" (a failure overtakes a stopped request, or
 * waits for it).
 */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "block/blkdebug.h"
#include "block/block-int.h"

static char *tmpdir;

static char *tmp_file(const char *name, const char *contents, gsize len)
{
    char *p = g_build_filename(tmpdir, name, NULL);

    g_assert_true(g_file_set_contents(p, contents, len, NULL));
    return p;
}

/* blkdebug over null-co with the given inject/set-state JSON lists. */
static BlockDriverState *open_dbg(const char *rules_json)
{
    g_autofree char *json = g_strdup_printf(
        "{\"driver\": \"blkdebug\", \"image\": {\"driver\": \"null-co\", "
        "\"read-zeroes\": true}%s%s}", rules_json ? ", " : "",
        rules_json ? rules_json : "");
    struct json_object *o = json_tokener_parse(json);
    BlockDriverState *bs;

    g_assert_nonnull(o);
    bs = bdrv_open_blockdev(o, &error_abort);
    json_object_put(o);
    return bs;
}

static int rd(BlockDriverState *bs, int64_t off)
{
    uint8_t buf[512];

    return bdrv_node_pread(bs, off, 512, buf, 0);
}

static int wr(BlockDriverState *bs, int64_t off)
{
    uint8_t buf[512] = { 0 };

    return bdrv_node_pwrite(bs, off, 512, buf, 0);
}

static void test_inject_eio_and_enospc(void)
{
    BlockDriverState *bs = open_dbg(
        "\"inject-error\": [{\"event\": \"read_aio\"}, "
        "{\"event\": \"write_aio\", \"errno\": 28}]");

    /* Nothing armed until an event happens. */
    g_assert_cmpint(rd(bs, 0), ==, 0);
    g_assert_cmpint(wr(bs, 0), ==, 0);
    bdrv_debug_event(bs, BLKDBG_WRITE_AIO);
    g_assert_cmpint(wr(bs, 0), ==, -ENOSPC);
    g_assert_cmpint(wr(bs, 4096), ==, -ENOSPC);   /* stays armed */
    /* read_aio arms EIO, replacing the active set. */
    bdrv_debug_event(bs, BLKDBG_READ_AIO);
    g_assert_cmpint(rd(bs, 0), ==, -EIO);
    g_assert_cmpint(wr(bs, 0), ==, -EIO);
    bdrv_unref(bs);
}

/*
 * query-blockstats' failure and time fields: requests failing with an
 * injected error count as failed (not as done, not as invalid), requests
 * that succeed add to the total time, and the idle time restarts.
 */
static void test_accounting_failed(void)
{
    BlockDriverState *bs = open_dbg(
        "\"inject-error\": [{\"event\": \"read_aio\", \"iotype\": \"read\"}, "
        "{\"event\": \"read_aio\", \"iotype\": \"flush\", \"errno\": 28}]");
    BlockAcctStats st;

    g_assert_cmpint(wr(bs, 0), ==, 0);
    g_assert_cmpint(wr(bs, 4096), ==, 0);
    bdrv_debug_event(bs, BLKDBG_READ_AIO);
    g_assert_cmpint(rd(bs, 0), ==, -EIO);
    g_assert_cmpint(rd(bs, 512), ==, -EIO);
    g_assert_cmpint(bdrv_node_flush(bs), ==, -ENOSPC);
    block_acct_snapshot(&bs->stats, &st);
    g_assert_cmpuint(st.ops[BLOCK_ACCT_WRITE], ==, 2);
    g_assert_cmpuint(st.bytes[BLOCK_ACCT_WRITE], ==, 1024);
    g_assert_cmpuint(st.ops[BLOCK_ACCT_READ], ==, 0);
    g_assert_cmpuint(st.failed_ops[BLOCK_ACCT_READ], ==, 2);
    g_assert_cmpuint(st.invalid_ops[BLOCK_ACCT_READ], ==, 0);
    g_assert_cmpuint(st.failed_ops[BLOCK_ACCT_FLUSH], ==, 1);
    g_assert_cmpuint(st.failed_ops[BLOCK_ACCT_WRITE], ==, 0);
    g_assert_cmpuint(st.total_time_ns[BLOCK_ACCT_WRITE], >, 0);
    g_assert_cmpuint(st.wr_highest_offset, ==, 4608);
    g_assert_cmpint(block_acct_idle_ns(&bs->stats), >=, 0);
    bdrv_unref(bs);
}

static void test_once_and_sector(void)
{
    BlockDriverState *bs = open_dbg(
        "\"inject-error\": [{\"event\": \"pwritev\", \"once\": true, "
        "\"sector\": 8, \"errno\": \"5\"}]");

    /* pwritev is raised by the request path itself. */
    g_assert_cmpint(wr(bs, 0), ==, 0);          /* sector 8 not covered */
    g_assert_cmpint(wr(bs, 4096), ==, -EIO);    /* covers byte 4096 */
    g_assert_cmpint(wr(bs, 4096), ==, 0);       /* once: gone */
    bdrv_unref(bs);
}

static void test_iotype(void)
{
    BlockDriverState *bs = open_dbg(
        "\"inject-error\": [{\"event\": \"none\", \"iotype\": \"flush\"}]");

    bdrv_debug_event(bs, BLKDBG_NONE);
    g_assert_cmpint(wr(bs, 0), ==, 0);
    g_assert_cmpint(rd(bs, 0), ==, 0);
    g_assert_cmpint(bdrv_node_flush(bs), ==, -EIO);
    bdrv_unref(bs);
}

static void test_state_machine(void)
{
    BlockDriverState *bs = open_dbg(
        "\"set-state\": [{\"event\": \"cluster_alloc\", \"state\": 1, "
        "\"new_state\": 2}], "
        "\"inject-error\": [{\"event\": \"l2_update\", \"state\": 2}]");

    bdrv_debug_event(bs, BLKDBG_L2_UPDATE);        /* state 1: no match */
    g_assert_cmpint(wr(bs, 0), ==, 0);
    bdrv_debug_event(bs, BLKDBG_CLUSTER_ALLOC);    /* 1 -> 2 */
    g_assert_cmpint(wr(bs, 0), ==, 0);
    bdrv_debug_event(bs, BLKDBG_L2_UPDATE);        /* state 2: armed */
    g_assert_cmpint(wr(bs, 0), ==, -EIO);
    bdrv_unref(bs);
}

static void test_config_file_and_filename(void)
{
    g_autofree char *cfg = NULL, *img = NULL, *fname = NULL;
    g_autofree uint8_t *zero = g_malloc0(65536);
    struct json_object *o = json_object_new_object();
    BlockDriverState *bs;
    uint8_t buf[512] = { 0 };

    cfg = tmp_file("cfg", "# comment\n"
                   "[inject-error]\n"
                   "event = \"write_aio\"\n"
                   "errno = \"28\"\n"
                   "once = \"on\"\n"
                   "\n"
                   "[set-state]\n"
                   "event = \"read_aio\"\n"
                   "new_state = \"3\"\n", -1);
    img = tmp_file("img", (char *)zero, 65536);
    fname = g_strdup_printf("blkdebug:%s:%s", cfg, img);
    /* raw over blkdebug over file: raw raises write_aio on blkdebug. */
    json_object_object_add(o, "driver", json_object_new_string("raw"));
    bs = bdrv_open(fname, o, BDRV_O_RDWR, &error_abort);
    json_object_put(o);
    g_assert_cmpstr(bdrv_get_format_name(bdrv_get_file(bs)), ==, "blkdebug");
    g_assert_cmpint(bdrv_node_pwrite(bs, 0, 512, buf, 0), ==, -ENOSPC);
    g_assert_cmpint(bdrv_node_pwrite(bs, 0, 512, buf, 0), ==, 0);
    g_assert_cmpint(bdrv_node_pread(bs, 0, 512, buf, 0), ==, 0);
    bdrv_unref(bs);
    g_unlink(cfg);
    g_unlink(img);
}

static void test_bad_config(void)
{
    g_autofree char *cfg = tmp_file("bad", "[inject-error]\nevent = "
                                    "\"write_aio\"\nerrno = \"x\"\n", -1);
    g_autofree char *json = g_strdup_printf(
        "{\"driver\": \"blkdebug\", \"config\": \"%s\", \"image\": "
        "{\"driver\": \"null-co\"}}", cfg);
    struct json_object *o = json_tokener_parse(json);
    Error *err = NULL;

    g_assert_null(bdrv_open_blockdev(o, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Invalid value 'x' for blkdebug option 'errno'");
    error_free(err);
    json_object_put(o);
    g_unlink(cfg);

    err = NULL;
    g_assert_null(bdrv_open("blkdebug:nocolon", NULL,
                            BDRV_O_RDWR | BDRV_O_PROTOCOL, &err));
    g_assert_nonnull(err);
    error_free(err);
}

static void test_event_names(void)
{
    g_assert_cmpstr(blkdebug_event_name(BLKDBG_WRITE_AIO), ==, "write_aio");
    g_assert_cmpstr(blkdebug_event_name(BLKDBG_CLUSTER_ALLOC), ==,
                    "cluster_alloc");
    g_assert_cmpstr(blkdebug_event_name(BLKDBG_NONE), ==, "none");
    g_assert_cmpint(blkdebug_event_lookup("pwritev_done"), ==,
                    BLKDBG_PWRITEV_DONE);
    g_assert_cmpint(blkdebug_event_lookup("nosuch"), ==, -1);
    for (int i = 0; i < BLKDBG__MAX; i++) {
        g_assert_nonnull(blkdebug_event_name(i));
        g_assert_cmpint(blkdebug_event_lookup(blkdebug_event_name(i)), ==, i);
    }
}

/* A write on its own thread; @done set when it returned. */
typedef struct Writer {
    BlockDriverState *bs;
    int64_t off;
    int ret;
    int done;               /* atomic */
    GThread *thread;
} Writer;

static gpointer writer_run(gpointer opaque)
{
    Writer *w = opaque;

    w->ret = wr(w->bs, w->off);
    g_atomic_int_set(&w->done, 1);
    return NULL;
}

static void writer_start(Writer *w, BlockDriverState *bs, int64_t off)
{
    *w = (Writer) { .bs = bs, .off = off };
    w->thread = g_thread_new("writer", writer_run, w);
}

static void wait_suspended(BlockDriverState *bs, const char *tag)
{
    for (int i = 0; i < 5000 && !bdrv_debug_is_suspended(bs, tag); i++) {
        g_usleep(1000);
    }
    g_assert_true(bdrv_debug_is_suspended(bs, tag));
}

static void test_break_resume(void)
{
    BlockDriverState *bs = open_dbg(NULL);
    Writer w;

    g_assert_cmpint(bdrv_debug_breakpoint(bs, "nosuch", "A"), ==, -ENOENT);
    g_assert_cmpint(bdrv_debug_resume(bs, "A"), ==, -ENOENT);
    g_assert_cmpint(bdrv_debug_breakpoint(bs, "pwritev", "A"), ==, 0);
    writer_start(&w, bs, 0);
    wait_suspended(bs, "A");
    g_usleep(20000);
    g_assert_cmpint(g_atomic_int_get(&w.done), ==, 0);
    g_assert_false(bdrv_debug_is_suspended(bs, "B"));
    g_assert_cmpint(bdrv_debug_resume(bs, "A"), ==, 0);
    g_thread_join(w.thread);
    g_assert_cmpint(w.ret, ==, 0);
    /* The breakpoint was used up: the next write passes. */
    g_assert_cmpint(wr(bs, 0), ==, 0);
    g_assert_false(bdrv_debug_is_suspended(bs, "A"));
    g_assert_cmpint(bdrv_debug_remove_breakpoint(bs, "A"), ==, -ENOENT);
    bdrv_unref(bs);
}

static void test_remove_break(void)
{
    BlockDriverState *bs = open_dbg(NULL);
    Writer w;

    g_assert_cmpint(bdrv_debug_breakpoint(bs, "pwritev", "A"), ==, 0);
    g_assert_cmpint(bdrv_debug_breakpoint(bs, "read_aio", "B"), ==, 0);
    writer_start(&w, bs, 0);
    wait_suspended(bs, "A");
    /* Removing resumes the stopped request too; the breakpoint itself
     * was used up, so QEMU's answer is "not found". */
    g_assert_cmpint(bdrv_debug_remove_breakpoint(bs, "A"), ==, -ENOENT);
    g_thread_join(w.thread);
    g_assert_cmpint(w.ret, ==, 0);
    g_assert_cmpint(bdrv_debug_remove_breakpoint(bs, "B"), ==, 0);
    g_assert_cmpint(bdrv_debug_remove_breakpoint(bs, "B"), ==, -ENOENT);
    bdrv_unref(bs);
}

/*
 * Request A runs in the outer blkdebug node and is stopped inside it (at a
 * breakpoint of the inner blkdebug node, its child); then request B fails
 * on the outer node.  immediately=on: B fails at once; off: B waits until
 * A has left the node.  A request stopped before entering the node (a
 * breakpoint on the outer node itself) is not waited for.
 */
static void immediately_case(bool immediately)
{
    g_autofree char *json = g_strdup_printf(
        "{\"driver\": \"blkdebug\", \"inject-error\": [{\"event\": "
        "\"pwritev\", \"sector\": 8, \"immediately\": %s}], "
        "\"image\": {\"driver\": \"blkdebug\", \"image\": "
        "{\"driver\": \"null-co\"}}}", immediately ? "true" : "false");
    struct json_object *o = json_tokener_parse(json);
    BlockDriverState *bs = bdrv_open_blockdev(o, &error_abort);
    BlockDriverState *inner = bdrv_get_file(bs);
    Writer a, b;

    json_object_put(o);
    g_assert_cmpint(bdrv_debug_breakpoint(inner, "pwritev", "A"), ==, 0);
    writer_start(&a, bs, 0);
    wait_suspended(inner, "A");
    writer_start(&b, bs, 4096);
    if (immediately) {
        g_thread_join(b.thread);     /* fails while A is still stopped */
        g_assert_cmpint(b.ret, ==, -EIO);
        g_assert_true(bdrv_debug_is_suspended(inner, "A"));
    } else {
        g_usleep(100000);
        g_assert_cmpint(g_atomic_int_get(&b.done), ==, 0);
    }
    g_assert_cmpint(bdrv_debug_resume(inner, "A"), ==, 0);
    g_thread_join(a.thread);
    g_assert_cmpint(a.ret, ==, 0);
    if (!immediately) {
        g_thread_join(b.thread);     /* fails after A went through */
        g_assert_cmpint(b.ret, ==, -EIO);
    }
    /* Stopped before entering the node: B does not wait for it. */
    g_assert_cmpint(bdrv_debug_breakpoint(bs, "pwritev", "C"), ==, 0);
    writer_start(&a, bs, 0);
    wait_suspended(bs, "C");
    g_assert_cmpint(wr(bs, 4096), ==, -EIO);
    g_assert_cmpint(bdrv_debug_resume(bs, "C"), ==, 0);
    g_thread_join(a.thread);
    g_assert_cmpint(a.ret, ==, 0);
    bdrv_unref(bs);
}

static void test_immediately_on(void)
{
    immediately_case(true);
}

static void test_immediately_off(void)
{
    immediately_case(false);
}

/* x-enospc-limit: the end of a stand-in thin volume, moved at run time. */
static void test_enospc_limit(void)
{
    BlockDriverState *bs = open_dbg("\"x-enospc-limit\": \"8k\"");

    g_assert_cmpint(bdrv_debug_get_enospc_limit(bs), ==, 8192);
    g_assert_cmpint(wr(bs, 8192 - 512), ==, 0);
    g_assert_cmpint(wr(bs, 8192), ==, -ENOSPC);
    g_assert_cmpint(bdrv_node_pwrite_zeroes(bs, 8000, 1024, 0), ==,
                    -ENOSPC);
    g_assert_cmpint(rd(bs, 8192), ==, 0);          /* reads are not limited */
    g_assert_cmpint(bdrv_debug_set_enospc_limit(bs, 16384), ==, 0);
    g_assert_cmpint(wr(bs, 8192), ==, 0);
    g_assert_cmpint(wr(bs, 16384), ==, -ENOSPC);
    g_assert_cmpint(bdrv_debug_set_enospc_limit(bs, 0), ==, 0);
    g_assert_cmpint(wr(bs, 1 << 20), ==, 0);
    bdrv_unref(bs);
}

static void test_break_without_blkdebug(void)
{
    struct json_object *o = json_tokener_parse(
        "{\"driver\": \"null-co\"}");
    BlockDriverState *bs = bdrv_open_blockdev(o, &error_abort);

    json_object_put(o);
    g_assert_cmpint(bdrv_debug_breakpoint(bs, "pwritev", "A"), ==,
                    -ENOTSUP);
    g_assert_cmpint(bdrv_debug_resume(bs, "A"), ==, -ENOTSUP);
    g_assert_false(bdrv_debug_is_suspended(bs, "A"));
    g_assert_cmpint(bdrv_debug_set_enospc_limit(bs, 1), ==, -ENOTSUP);
    g_assert_cmpint(bdrv_debug_get_enospc_limit(bs), ==, -ENOTSUP);
    bdrv_unref(bs);
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp("plimsoll-blkdebug-XXXXXX", NULL);
    g_test_add_func("/block/blkdebug/inject-eio-enospc",
                    test_inject_eio_and_enospc);
    g_test_add_func("/block/blkdebug/once-and-sector", test_once_and_sector);
    g_test_add_func("/block/blkdebug/accounting-failed",
                    test_accounting_failed);
    g_test_add_func("/block/blkdebug/iotype", test_iotype);
    g_test_add_func("/block/blkdebug/state-machine", test_state_machine);
    g_test_add_func("/block/blkdebug/config-file",
                    test_config_file_and_filename);
    g_test_add_func("/block/blkdebug/bad-config", test_bad_config);
    g_test_add_func("/block/blkdebug/event-names", test_event_names);
    g_test_add_func("/block/blkdebug/break-resume", test_break_resume);
    g_test_add_func("/block/blkdebug/remove-break", test_remove_break);
    g_test_add_func("/block/blkdebug/immediately-on", test_immediately_on);
    g_test_add_func("/block/blkdebug/immediately-off",
                    test_immediately_off);
    g_test_add_func("/block/blkdebug/enospc-limit", test_enospc_limit);
    g_test_add_func("/block/blkdebug/break-without-blkdebug",
                    test_break_without_blkdebug);
    ret = g_test_run();
    g_rmdir(tmpdir);
    g_free(tmpdir);
    return ret;
}
