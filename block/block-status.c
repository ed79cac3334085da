/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Allocation status of byte ranges (QEMU's bdrv_block_status family):
 * which ranges of a node hold data, read as zeroes, or come from the next
 * layer of a backing chain.  plimsoll-img map/convert and plimsoll-io map
 * are built on it.  Results use the BDRV_BLOCK_* bits of block.h.
 */
#include <errno.h>

#include "block/block-int.h"

/* One node's own answer, with defaults for drivers without block_status. */
static int bdrv_block_status_one(BlockDriverState *bs, int64_t offset,
                                 int64_t bytes, int64_t *pnum, int64_t *map,
                                 BlockDriverState **file)
{
    int ret;

    *pnum = bytes;
    *map = 0;
    *file = NULL;
    if (!bs->drv->block_status) {
        if (bs->drv->is_protocol) {
            *map = offset;
            *file = bs;
            return BDRV_BLOCK_DATA | BDRV_BLOCK_OFFSET_VALID;
        }
        if (bs->drv->is_filter && bs->file) {
            *map = offset;
            *file = bs->file->bs;
            return BDRV_BLOCK_RAW | BDRV_BLOCK_OFFSET_VALID;
        }
        return BDRV_BLOCK_DATA;
    }
    ret = bs->drv->block_status(bs, offset, bytes, pnum, map, file);
    if (ret >= 0 && (*pnum <= 0 || *pnum > bytes)) {
        /* A driver bug must not make callers loop forever. */
        *pnum = bytes;
    }
    return ret;
}

int bdrv_block_status(BlockDriverState *bs, int64_t offset, int64_t bytes,
                      int64_t *pnum, int64_t *map, BlockDriverState **file)
{
    int64_t len, local_map, n;
    BlockDriverState *local_file;
    int ret;

    if (!bs->drv || !bdrv_is_usable(bs)) {
        return -ENOMEDIUM;
    }
    len = bdrv_getlength(bs);
    if (len < 0) {
        return (int)len;
    }
    if (offset < 0 || bytes < 0) {
        return -EINVAL;
    }
    if (offset >= len || bytes == 0) {
        *pnum = 0;
        return offset >= len ? BDRV_BLOCK_EOF : 0;
    }
    bytes = MIN(bytes, len - offset);
    ret = bdrv_block_status_one(bs, offset, bytes, &n, &local_map,
                                &local_file);
    if (ret < 0) {
        return ret;
    }
    if ((ret & BDRV_BLOCK_RAW) && local_file) {
        /* Pass-through: the lower node answers for its own offsets. */
        int64_t n2;
        ret = bdrv_block_status(local_file, local_map, n, &n2, &local_map,
                                &local_file);
        if (ret < 0) {
            return ret;
        }
        n = n2 ? n2 : n;
        ret &= ~BDRV_BLOCK_EOF;
    }
    if (ret & (BDRV_BLOCK_DATA | BDRV_BLOCK_ZERO)) {
        ret |= BDRV_BLOCK_ALLOCATED;
    } else if (!bs->drv->is_protocol && !bs->drv->is_filter &&
               !bs->backing) {
        /* Unallocated in a format without backing file: reads as zero,
         * but this layer does not provide it (QEMU's rule). */
        ret |= BDRV_BLOCK_ZERO;
    }
    if (offset + n == len) {
        ret |= BDRV_BLOCK_EOF;
    }
    *pnum = n;
    if (map) {
        *map = local_map;
    }
    if (file) {
        *file = local_file;
    }
    return ret;
}

int bdrv_block_status_above(BlockDriverState *bs, BlockDriverState *base,
                            int64_t offset, int64_t bytes, int64_t *pnum,
                            int64_t *map, BlockDriverState **file)
{
    int64_t n = bytes;

    for (BlockDriverState *p = bs; p && p != base; p = bdrv_get_backing(p)) {
        int64_t len = bdrv_getlength(p), pn;
        int ret;

        if (len < 0) {
            return (int)len;
        }
        if (offset >= len) {
            /* Past the end of a shorter backing file: reads as zero. */
            break;
        }
        ret = bdrv_block_status(p, offset, n, &pn, map, file);
        if (ret < 0) {
            return ret;
        }
        if (ret & BDRV_BLOCK_ALLOCATED) {
            *pnum = pn;
            return ret;
        }
        n = pn;
    }
    *pnum = n;
    if (map) {
        *map = 0;
    }
    if (file) {
        *file = NULL;
    }
    return BDRV_BLOCK_ZERO;
}

int bdrv_is_allocated(BlockDriverState *bs, int64_t offset, int64_t bytes,
                      int64_t *pnum)
{
    int ret = bdrv_block_status(bs, offset, bytes, pnum, NULL, NULL);

    if (ret < 0) {
        return ret;
    }
    return !!(ret & BDRV_BLOCK_ALLOCATED);
}
