/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the host_device protocol driver (block/file-posix.c) on a
 * Linux loop device: the size is read from the device (BLKGETSIZE64) and
 * read again after the device grows (the backing file is extended and
 * "losetup -c" tells the kernel, as an LVM extend would; a write past
 * the end fails with ENOSPC), data goes
 * through to the backing file, and discard reaches the device
 * (BLKDISCARD: the range reads as zeroes and the backing file loses the
 * blocks).  Needs root for losetup: otherwise every case is skipped with
 * the reason.  Reference: losetup(8), Linux loop driver, ioctl_list.
 */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "block/block-int.h"

#define MIB (1 << 20)

typedef struct Loop {
    char *dir, *file;
    char *dev;               /* /dev/loopN, or NULL when unavailable */
} Loop;

static bool run(const char *const *argv, char **out)
{
    g_autofree char *err = NULL;
    int status;

    if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL,
                      NULL, out, &err, &status, NULL)) {
        return false;
    }
    return g_spawn_check_wait_status(status, NULL);
}

/* A loop device over a fresh file of @size bytes; skips when impossible. */
static bool loop_setup(Loop *l, uint64_t size)
{
    g_autofree char *out = NULL;

    memset(l, 0, sizeof(*l));
    if (getuid() != 0) {
        g_test_skip("needs root to attach a loop device (losetup)");
        return false;
    }
    l->dir = g_dir_make_tmp("test-host-device-XXXXXX", NULL);
    l->file = g_build_filename(l->dir, "backing.img", NULL);
    g_assert_true(g_file_set_contents(l->file, "", 0, NULL));
    g_assert_cmpint(truncate(l->file, (off_t)size), ==, 0);
    const char *argv[] = { "losetup", "-f", "--show", l->file, NULL };
    if (!run(argv, &out) || !g_str_has_prefix(out, "/dev/loop")) {
        g_test_skip("losetup could not attach a loop device");
        return false;
    }
    l->dev = g_strdup(g_strstrip(out));
    return true;
}

static void loop_teardown(Loop *l)
{
    if (l->dev) {
        const char *argv[] = { "losetup", "-d", l->dev, NULL };
        g_assert_true(run(argv, NULL));
    }
    if (l->file) {
        g_unlink(l->file);
        g_rmdir(l->dir);
    }
    g_free(l->dev);
    g_free(l->file);
    g_free(l->dir);
}

static BlockDriverState *open_dev(const char *dev)
{
    g_autofree char *json = g_strdup_printf(
        "{\"driver\": \"host_device\", \"filename\": \"%s\", "
        "\"discard\": \"unmap\"}", dev);
    struct json_object *o = json_tokener_parse(json);
    BlockDriverState *bs = bdrv_open_blockdev(o, &error_abort);

    json_object_put(o);
    return bs;
}

static void test_size_and_growth(void)
{
    Loop l;

    if (!loop_setup(&l, 4 * MIB)) {
        loop_teardown(&l);
        return;
    }
    BlockDriverState *bs = open_dev(l.dev);
    g_assert_cmpint(bdrv_getlength(bs), ==, 4 * MIB);
    g_assert_cmpint(truncate(l.file, 8 * MIB), ==, 0);
    /* The kernel keeps the old size until told. */
    g_assert_cmpint(bdrv_getlength(bs), ==, 4 * MIB);
    const char *argv[] = { "losetup", "-c", l.dev, NULL };
    g_assert_true(run(argv, NULL));
    g_assert_cmpint(bdrv_getlength(bs), ==, 8 * MIB);
    /* The new end is writable at once; past it the kernel answers ENOSPC
     * (what a full thin volume gives the guest). */
    g_autofree uint8_t *buf = g_malloc(4096);
    memset(buf, 0x3c, 4096);
    g_assert_cmpint(bdrv_node_pwrite(bs, 8 * MIB - 4096, 4096, buf, 0), ==,
                    0);
    g_assert_cmpint(bdrv_node_pwrite(bs, 8 * MIB, 4096, buf, 0), ==,
                    -ENOSPC);
    bdrv_unref(bs);
    loop_teardown(&l);
}

static void test_data_and_discard(void)
{
    Loop l;
    struct stat st;

    if (!loop_setup(&l, 4 * MIB)) {
        loop_teardown(&l);
        return;
    }
    BlockDriverState *bs = open_dev(l.dev);
    g_autofree uint8_t *buf = g_malloc(MIB);
    g_autofree uint8_t *zero = g_malloc0(MIB);
    g_autofree char *contents = NULL;
    gsize len;

    memset(buf, 0xaa, MIB);
    g_assert_cmpint(bdrv_node_pwrite(bs, MIB, MIB, buf, 0), ==, 0);
    g_assert_cmpint(bdrv_node_flush(bs), ==, 0);
    g_assert_true(g_file_get_contents(l.file, &contents, &len, NULL));
    g_assert_cmpmem(contents + MIB, MIB, buf, MIB);
    g_assert_cmpint(stat(l.file, &st), ==, 0);
    int64_t before = st.st_blocks;
    g_assert_cmpint(bdrv_node_pdiscard(bs, MIB, MIB / 2), ==, 0);
    g_assert_cmpint(bdrv_node_flush(bs), ==, 0);
    g_assert_cmpint(bdrv_node_pread(bs, MIB, MIB / 2, buf, 0), ==, 0);
    g_assert_cmpmem(buf, MIB / 2, zero, MIB / 2);
    g_assert_cmpint(bdrv_node_pread(bs, MIB + MIB / 2, MIB / 2, buf, 0), ==,
                    0);
    g_assert_cmpint(buf[0], ==, 0xaa);
    g_assert_cmpint(stat(l.file, &st), ==, 0);
    g_assert_cmpint(st.st_blocks, <, before);
    bdrv_unref(bs);
    loop_teardown(&l);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/block/host-device/size-and-growth",
                    test_size_and_growth);
    g_test_add_func("/block/host-device/data-and-discard",
                    test_data_and_discard);
    return g_test_run();
}
