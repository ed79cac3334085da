/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for image locking (block/file-lock.c, block/block-perm.c):
 * the bytes of QEMU's OFD lock protocol a node holds for each way of
 * opening an image (as observed on QEMU 7.2's qemu-io and
 * qemu-system-x86_64), the conflicts and their messages, force-share,
 * locking=off, guest disks, backing files, image creation, and that
 * locks go away with the node.
 *
 * OFD locks belong to an open file description, so a probe descriptor
 * of this process sees the test's own nodes as another process would.
 */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "block/block-backend.h"
#include "block/block-int.h"
#include "block/file-lock.h"

static char *tmpdir;

/* Bytes 100..103 and 200..203 others hold on @path, as "100 101 201". */
static char *held_bytes(const char *path)
{
    GString *s = g_string_new(NULL);
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    g_assert_cmpint(fd, >=, 0);
    for (int base = FILE_LOCK_PERM_BASE; base <= FILE_LOCK_SHARED_BASE;
         base += FILE_LOCK_SHARED_BASE - FILE_LOCK_PERM_BASE) {
        for (int i = 0; i < 4; i++) {
            struct flock fl = {
                .l_whence = SEEK_SET, .l_start = base + i, .l_len = 1,
                .l_type = F_WRLCK,
            };
            g_assert_cmpint(fcntl(fd, F_OFD_GETLK, &fl), ==, 0);
            if (fl.l_type != F_UNLCK) {
                g_string_append_printf(s, "%s%d", s->len ? " " : "",
                                       base + i);
            }
        }
    }
    close(fd);
    return g_string_free(s, false);
}

static char *make_image(const char *name, const char *fmt,
                        const char *backing)
{
    char *p = g_build_filename(tmpdir, name, NULL);
    struct json_object *o = json_tokener_parse("{\"size\": \"1M\"}");

    if (backing) {
        json_object_object_add(o, "backing_file",
                               json_object_new_string(backing));
        json_object_object_add(o, "backing_fmt",
                               json_object_new_string("qcow2"));
    }
    g_assert_true(bdrv_create(fmt, p, o, &error_abort));
    json_object_put(o);
    return p;
}

/* A tool's open (qemu-img, qemu-io): @extra is added to the options. */
static BlockBackend *tool_open(const char *path, const char *fmt, bool rw,
                               const char *extra, Error **errp)
{
    g_autofree char *json = g_strdup_printf("{\"driver\": \"%s\"%s%s}", fmt,
                                            extra ? ", " : "",
                                            extra ? extra : "");
    struct json_object *o = json_tokener_parse(json);
    BlockBackend *blk;

    g_assert_nonnull(o);
    blk = blk_new_open(path, o, rw ? BDRV_O_RDWR : 0, errp);
    json_object_put(o);
    return blk;
}

/* The bytes of each way of opening, as QEMU 7.2 takes them. */
static void test_bytes(void)
{
    static const struct {
        const char *fmt;
        bool rw;
        const char *extra;
        const char *bytes;
    } cases[] = {
        { "qcow2", true, NULL, "100 101 103 201 203" },
        { "qcow2", false, NULL, "100 201 203" },
        { "qcow2", false, "\"force-share\": true", "100" },
        { "qcow2", true, "\"file\": {\"locking\": \"off\"}", "" },
        { "qcow2", true, "\"file\": {\"locking\": \"on\"}",
          "100 101 103 201 203" },
        { "raw", true, NULL, "100 101" },
        { "raw", false, NULL, "100" },
    };
    g_autofree char *q = make_image("bytes.qcow2", "qcow2", NULL);
    g_autofree char *r = make_image("bytes.raw", "raw", NULL);

    for (unsigned i = 0; i < G_N_ELEMENTS(cases); i++) {
        const char *p = strcmp(cases[i].fmt, "raw") ? q : r;
        BlockBackend *blk = tool_open(p, cases[i].fmt, cases[i].rw,
                                      cases[i].extra, &error_abort);
        g_autofree char *got = held_bytes(p);
        g_autofree char *after = NULL;

        g_assert_cmpstr(got, ==, cases[i].bytes);
        blk_unref(blk);
        after = held_bytes(p);
        g_assert_cmpstr(after, ==, "");
    }
}

/* A writer refuses readers and writers; -U readers and ro readers pass. */
static void test_conflicts(void)
{
    g_autofree char *q = make_image("busy.qcow2", "qcow2", NULL);
    BlockBackend *w = tool_open(q, "qcow2", true, NULL, &error_abort);
    BlockBackend *b;
    Error *err = NULL;

    g_assert_null(tool_open(q, "qcow2", true, NULL, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Failed to get \"write\" lock");
    g_clear_pointer(&err, error_free);
    g_assert_null(tool_open(q, "qcow2", false, NULL, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Failed to get shared \"write\" lock");
    g_clear_pointer(&err, error_free);
    /* force-share is for read-only opens only. */
    g_assert_null(tool_open(q, "qcow2", true, "\"force-share\": true", &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "force-share=on can only be "
                    "used with read-only images");
    g_clear_pointer(&err, error_free);
    b = tool_open(q, "qcow2", false, "\"force-share\": true", &error_abort);
    blk_unref(b);
    /* The failed opens left the writer's locks alone. */
    g_autofree char *got = held_bytes(q);
    g_assert_cmpstr(got, ==, "100 101 103 201 203");
    blk_unref(w);

    /* Readers share with each other but keep writers out. */
    w = tool_open(q, "qcow2", false, NULL, &error_abort);
    b = tool_open(q, "qcow2", false, NULL, &error_abort);
    g_assert_null(tool_open(q, "qcow2", true, NULL, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Failed to get \"write\" lock");
    g_clear_pointer(&err, error_free);
    blk_unref(b);
    blk_unref(w);
    b = tool_open(q, "qcow2", true, NULL, &error_abort);
    blk_unref(b);
}

/* A guest disk on a raw image refuses other writers but not readers. */
static void test_guest_disk(void)
{
    g_autofree char *r = make_image("disk.raw", "raw", NULL);
    BlockBackend *d = tool_open(r, "raw", true, NULL, &error_abort);
    BlockBackend *b;
    Error *err = NULL;
    uint64_t perm, shared;

    g_assert_true(blk_set_perm(d, BLK_PERM_CONSISTENT_READ | BLK_PERM_WRITE,
                               BLK_PERM_ALL & ~BLK_PERM_WRITE, &error_abort));
    g_autofree char *got = held_bytes(r);
    g_assert_cmpstr(got, ==, "100 101 201");
    b = tool_open(r, "raw", false, NULL, &error_abort);
    g_assert_null(tool_open(r, "raw", true, NULL, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Failed to get \"write\" lock");
    g_clear_pointer(&err, error_free);
    blk_unref(b);
    /* A tool writing it makes a second guest disk fail and stay as it was. */
    blk_unref(d);
    b = tool_open(r, "raw", true, NULL, &error_abort);
    d = tool_open(r, "raw", true, NULL, &error_abort);
    g_assert_false(blk_set_perm(d, BLK_PERM_CONSISTENT_READ | BLK_PERM_WRITE,
                                BLK_PERM_ALL & ~BLK_PERM_WRITE, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Failed to get shared \"write\" lock");
    g_clear_pointer(&err, error_free);
    blk_get_perm(d, &perm, &shared);
    g_assert_cmphex(shared, ==, BLK_PERM_ALL);
    blk_unref(d);
    blk_unref(b);
}

/* An overlay's backing file is read and kept from other writers. */
static void test_backing(void)
{
    g_autofree char *base = make_image("base.qcow2", "qcow2", NULL);
    g_autofree char *top = make_image("top.qcow2", "qcow2", base);
    BlockBackend *t = tool_open(top, "qcow2", true, NULL, &error_abort);
    BlockBackend *b;
    Error *err = NULL;
    g_autofree char *got = held_bytes(base);

    g_assert_cmpstr(got, ==, "100 201 203");
    g_assert_null(tool_open(base, "qcow2", true, NULL, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Failed to get \"write\" lock");
    g_clear_pointer(&err, error_free);
    b = tool_open(base, "qcow2", false, NULL, &error_abort);
    blk_unref(b);
    blk_unref(t);
    g_free(got);
    got = held_bytes(base);
    g_assert_cmpstr(got, ==, "");
}

/* Creating an image over one in use fails and leaves it untouched. */
static void test_create(void)
{
    g_autofree char *q = make_image("create.qcow2", "qcow2", NULL);
    BlockBackend *w = tool_open(q, "qcow2", true, NULL, &error_abort);
    struct json_object *o = json_tokener_parse("{\"size\": \"2M\"}");
    Error *err = NULL;
    struct stat st0, st1;

    g_assert_cmpint(stat(q, &st0), ==, 0);
    g_assert_false(bdrv_create("qcow2", q, o, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Failed to get \"write\" lock");
    g_clear_pointer(&err, error_free);
    g_assert_cmpint(stat(q, &st1), ==, 0);
    g_assert_cmpint(st0.st_size, ==, st1.st_size);
    json_object_put(o);
    blk_unref(w);
    o = json_tokener_parse("{\"size\": \"2M\"}");
    g_assert_true(bdrv_create("qcow2", q, o, &error_abort));
    json_object_put(o);
}

/* The locking option: auto, on, off; anything else is refused. */
static void test_mode(void)
{
    g_autofree char *q = make_image("mode.qcow2", "qcow2", NULL);
    Error *err = NULL;
    FileLockMode m;

    g_assert_true(file_lock_parse_mode(NULL, &m, &error_abort));
    g_assert_cmpint(m, ==, FILE_LOCK_AUTO);
    g_assert_true(file_lock_parse_mode("off", &m, &error_abort));
    g_assert_cmpint(m, ==, FILE_LOCK_OFF);
    g_assert_null(tool_open(q, "qcow2", false,
                            "\"file\": {\"locking\": \"bogus\"}", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "invalid parameter value: bogus");
    g_clear_pointer(&err, error_free);
    g_assert_cmpstr(file_lock_perm_name(BLK_PERM_RESIZE), ==, "resize");
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp("plimsoll-lock-XXXXXX", NULL);
    g_assert_nonnull(tmpdir);
    g_test_add_func("/block/file-lock/bytes", test_bytes);
    g_test_add_func("/block/file-lock/conflicts", test_conflicts);
    g_test_add_func("/block/file-lock/guest-disk", test_guest_disk);
    g_test_add_func("/block/file-lock/backing", test_backing);
    g_test_add_func("/block/file-lock/create", test_create);
    g_test_add_func("/block/file-lock/mode", test_mode);
    ret = g_test_run();
    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", tmpdir);
    g_assert_cmpint(system(cmd), ==, 0);
    g_free(tmpdir);
    return ret;
}
