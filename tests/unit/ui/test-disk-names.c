/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit test for ui_disk_name(): a drive "disk0" over a raw format node
 * over a file node; every name the storage events can carry resolves to
 * "disk0 (<image>)", and the notification text uses it.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "block/block-backend.h"
#include "block/block.h"
#include "ui/disk-names.h"
#include "ui/notifications.h"

static void test_names(void)
{
    g_autofree char *dir = g_dir_make_tmp("disknames-XXXXXX", NULL);
    g_autofree char *img = g_build_filename(dir, "vm1.img", NULL);
    g_autofree char *json = NULL;
    struct json_object *opts;
    BlockBackend *blk;
    BlockDriverState *bs;
    NotifModel *m;
    const Notification *n;

    g_assert_true(g_file_set_contents(img, "", 0, NULL));
    g_assert_cmpint(truncate(img, 1 << 20), ==, 0);
    json = g_strdup_printf("{\"driver\": \"raw\", \"node-name\": \"fmt0\", "
                           "\"file\": {\"driver\": \"file\", \"node-name\": "
                           "\"proto0\", \"filename\": \"%s\"}}", img);
    opts = json_tokener_parse(json);
    bs = bdrv_open(NULL, opts, BDRV_O_RDWR, &error_abort);
    json_object_put(opts);
    blk = blk_new("disk0", &error_abort);
    g_assert_true(blk_insert_bs(blk, bs, &error_abort));
    bdrv_unref(bs);

    for (const char *const *q = (const char *const[]){ "disk0", "fmt0",
                                                       "proto0", NULL };
         *q; q++) {
        g_autofree char *s = ui_disk_name(*q, NULL);

        g_assert_cmpstr(s, ==, "disk0 (vm1.img)");
    }
    g_assert_null(ui_disk_name("nope", NULL));

    /* -blockdev style, no backend: the top node names the drive. */
    g_free(json);
    json = g_strdup_printf("{\"driver\": \"raw\", \"node-name\": \"fmt1\", "
                           "\"file\": {\"driver\": \"file\", \"node-name\": "
                           "\"proto1\", \"filename\": \"%s\"}}", img);
    opts = json_tokener_parse(json);
    BlockDriverState *bs1 = bdrv_open(NULL, opts, 0, &error_abort);
    json_object_put(opts);
    g_autofree char *s1 = ui_disk_name("proto1", NULL);
    g_assert_cmpstr(s1, ==, "fmt1 (vm1.img)");
    bdrv_unref(bs1);

    m = notif_model_new(NULL, NULL);
    notif_model_set_disk_namer(m, ui_disk_name, NULL);
    opts = json_tokener_parse("{\"node-name\": \"proto0\", "
                              "\"amount-exceeded\": 1048576, "
                              "\"write-threshold\": 805306368}");
    notif_model_event(m, "BLOCK_WRITE_THRESHOLD", opts);
    json_object_put(opts);
    n = notif_model_current_toast(m, NULL);
    g_assert_cmpstr(n->body, ==, "Disk 'disk0 (vm1.img)' passed its "
                    "high-water mark (768 MiB) by 1 MiB");
    notif_model_free(m);

    blk_unref(blk);
    g_unlink(img);
    g_rmdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/ui/disk-names/drive-and-nodes", test_names);
    return g_test_run();
}
