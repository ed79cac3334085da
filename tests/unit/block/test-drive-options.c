/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for -drive without file= (system/drive.c over block/block.c):
 * as in QEMU, the image may be named by the file child's options alone
 * ("file.driver=file,file.filename=X,format=qcow2",
 * "driver=qcow2,file.filename=X", "file.filename=X" with the format
 * probed), and the drive then has a medium that reads back what was
 * written through it; a -drive with none of these stays empty (a CD-ROM
 * drive without a disc); a missing file named that way is an error.
 * Reference: QEMU's -drive documentation ("file.*" driver options) and
 * its behaviour (blockdev_init opens an image when driver-specific options
 * are left).
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "block/block-backend.h"
#include "block/block.h"
#include "system/drive.h"
#include "util/keyval.h"

static char *tmpdir;
static char *image;

static MachineConfig *cfg_new_empty(void)
{
    MachineConfig *m = g_new0(MachineConfig, 1);

    m->drives = g_ptr_array_new();
    return m;
}

static void cfg_free(MachineConfig *m)
{
    drive_cleanup_all();
    for (guint i = 0; i < m->drives->len; i++) {
        MachineDrive *d = m->drives->pdata[i];
        g_free(d->id);
        g_free(d);
    }
    g_ptr_array_free(m->drives, TRUE);
    g_free(m);
}

/* -drive @params (with "%s" for the image name); true if it was made. */
static bool drive_try(MachineConfig *m, const char *params, Error **errp)
{
    g_autofree char *s = g_strdup_printf(params, image);
    struct json_object *o = keyval_parse(s, NULL, &error_abort);
    bool ok = drive_new(m, o, false, errp);

    json_object_put(o);
    return ok;
}

/* The drive @id has a qcow2 medium that keeps what is written to it. */
static void assert_qcow2_medium(const char *id, uint8_t pattern)
{
    BlockBackend *blk = blk_by_name(id);
    uint8_t buf[4096], back[4096];

    g_assert_nonnull(blk);
    g_assert_true(blk_is_inserted(blk));
    g_assert_cmpstr(bdrv_get_format_name(blk_bs(blk)), ==, "qcow2");
    memset(buf, pattern, sizeof(buf));
    g_assert_cmpint(blk_pwrite(blk, 8192, sizeof(buf), buf, 0), ==, 0);
    g_assert_cmpint(blk_pread(blk, 8192, sizeof(back), back, 0), ==, 0);
    g_assert_cmpmem(buf, sizeof(buf), back, sizeof(back));
}

static void test_file_dotted_with_format(void)
{
    MachineConfig *m = cfg_new_empty();

    g_assert_true(drive_try(m, "if=none,id=d0,format=qcow2,"
                            "file.driver=file,file.filename=%s",
                            &error_abort));
    assert_qcow2_medium("d0", 0x11);
    cfg_free(m);
}

static void test_driver_and_file_filename(void)
{
    MachineConfig *m = cfg_new_empty();

    g_assert_true(drive_try(m, "if=none,id=d1,driver=qcow2,"
                            "file.filename=%s", &error_abort));
    assert_qcow2_medium("d1", 0x22);
    cfg_free(m);
}

static void test_file_filename_probed(void)
{
    MachineConfig *m = cfg_new_empty();

    g_assert_true(drive_try(m, "if=none,id=d2,file.filename=%s",
                            &error_abort));
    assert_qcow2_medium("d2", 0x33);
    cfg_free(m);
}

static void test_no_image_is_empty(void)
{
    MachineConfig *m = cfg_new_empty();

    g_assert_true(drive_try(m, "if=ide,media=cdrom,id=cd,aio=threads",
                            &error_abort));
    g_assert_nonnull(blk_by_name("cd"));
    g_assert_false(blk_is_inserted(blk_by_name("cd")));
    cfg_free(m);
}

static void test_missing_file(void)
{
    MachineConfig *m = cfg_new_empty();
    Error *err = NULL;

    g_assert_false(drive_try(m, "if=none,id=d3,format=qcow2,"
                             "file.driver=file,file.filename=%s.nonexistent",
                             &err));
    g_assert_nonnull(err);
    g_assert_nonnull(strstr(error_get_pretty(err),
                            "No such file or directory"));
    error_free(err);
    g_assert_null(blk_by_name("d3"));
    cfg_free(m);
}

int main(int argc, char **argv)
{
    struct json_object *o = json_tokener_parse("{\"size\": \"4M\"}");
    int ret;

    g_test_init(&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp("test-drive-options-XXXXXX", NULL);
    image = g_build_filename(tmpdir, "d.qcow2", NULL);
    g_assert_true(bdrv_create("qcow2", image, o, &error_abort));
    json_object_put(o);
    g_test_add_func("/block/drive-options/file-dotted-with-format",
                    test_file_dotted_with_format);
    g_test_add_func("/block/drive-options/driver-and-file-filename",
                    test_driver_and_file_filename);
    g_test_add_func("/block/drive-options/file-filename-probed",
                    test_file_filename_probed);
    g_test_add_func("/block/drive-options/no-image-is-empty",
                    test_no_image_is_empty);
    g_test_add_func("/block/drive-options/missing-file", test_missing_file);
    ret = g_test_run();
    g_unlink(image);
    g_rmdir(tmpdir);
    g_free(image);
    g_free(tmpdir);
    return ret;
}
