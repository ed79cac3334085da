/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for block/blkdebug.c: errors injected by event (EIO, ENOSPC),
 * once, sector filtering, iotype, the state machine (set-state), config
 * files and "blkdebug:CONFIG:IMAGE" filenames, and events raised by the
 * raw format (read_aio/write_aio) on its file child.
 */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

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

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp("plimsoll-blkdebug-XXXXXX", NULL);
    g_test_add_func("/block/blkdebug/inject-eio-enospc",
                    test_inject_eio_and_enospc);
    g_test_add_func("/block/blkdebug/once-and-sector", test_once_and_sector);
    g_test_add_func("/block/blkdebug/iotype", test_iotype);
    g_test_add_func("/block/blkdebug/state-machine", test_state_machine);
    g_test_add_func("/block/blkdebug/config-file",
                    test_config_file_and_filename);
    g_test_add_func("/block/blkdebug/bad-config", test_bad_config);
    g_test_add_func("/block/blkdebug/event-names", test_event_names);
    ret = g_test_run();
    g_rmdir(tmpdir);
    g_free(tmpdir);
    return ret;
}
