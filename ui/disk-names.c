/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Friendly disk names (include/ui/disk-names.h), found by walking the
 * block graph upwards along "file" children to the node a backend uses.
 */
#include "ui/disk-names.h"

#include <glib.h>

#include "block/block-backend.h"
#include "block/block.h"

/* The node whose "file" child is @bs, or NULL. */
static BlockDriverState *ui_disk_file_parent(BlockDriverState *bs)
{
    for (BlockDriverState *p = bdrv_next_node(NULL); p;
         p = bdrv_next_node(p)) {
        if (bdrv_get_file(p) == bs) {
            return p;
        }
    }
    return NULL;
}

/* The top of @bs's "file" chain: the node a drive would be attached to. */
static BlockDriverState *ui_disk_top(BlockDriverState *bs)
{
    /* A chain is short; the bound only guards against a broken graph. */
    for (int depth = 0; depth < 16; depth++) {
        BlockDriverState *p = ui_disk_file_parent(bs);

        if (!p) {
            break;
        }
        bs = p;
    }
    return bs;
}

char *ui_disk_name(const char *name, void *opaque)
{
    BlockBackend *blk = blk_by_name(name);
    BlockDriverState *bs = blk ? blk_bs(blk) : bdrv_find_node(name);
    const char *drive = blk ? name : NULL;
    const char *file;
    g_autofree char *base = NULL;

    if (!bs) {
        return NULL;
    }
    bs = ui_disk_top(bs);
    if (!drive) {
        drive = bdrv_get_device_name(bs);
    }
    /* No backend (-blockdev): the top node is what a device attaches. */
    if (!drive || !*drive) {
        drive = bdrv_get_node_name(bs);
    }
    if (!drive || !*drive) {
        drive = name;
    }
    file = bdrv_get_filename(bs);
    if (!file || !*file) {
        return g_strdup(drive);
    }
    base = g_path_get_basename(file);
    return g_strdup_printf("%s (%s)", drive, base);
}
