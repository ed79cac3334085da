/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "raw" format: the image is the guest disk, byte for byte, optionally
 * a window [offset, offset + size) of its file (QEMU's raw-format options
 * "offset" and "size").
 *
 * A raw node whose format was probed (no driver given) guards sector 0:
 * a write that would make the first 512 bytes probe as another format
 * fails with -EPERM, so a guest cannot turn its raw disk into, say, a
 * qcow2 header pointing at host files (QEMU's raw_probe restriction).
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "block/block-int.h"

typedef struct RawState {
    uint64_t offset;
    uint64_t size;
    bool has_size;
} RawState;

static const char *const raw_runtime_opts[] = { "offset", "size", NULL };
static const char *const raw_create_opts[] = { "size", "preallocation",
                                               NULL };

static int raw_probe(const uint8_t *buf, int len, const char *filename)
{
    /* The fallback: any other format that recognises the data wins. */
    return 1;
}

static int raw_open(BlockDriverState *bs, struct json_object *opts,
                    int flags, Error **errp)
{
    RawState *s = bs->opaque;
    int64_t file_size = bdrv_getlength(bs->file->bs);
    struct json_object *v;

    s->has_size = json_object_object_get_ex(opts, "size", &v);
    if (!bdrv_opt_take_size(opts, "offset", 0, &s->offset, errp) ||
        !bdrv_opt_take_size(opts, "size", 0, &s->size, errp)) {
        return -EINVAL;
    }
    if (file_size < 0) {
        error_setg_errno(errp, (int)-file_size, "Could not get the size of "
                         "'%s'", bs->file->bs->filename);
        return (int)file_size;
    }
    if (s->offset > (uint64_t)file_size) {
        error_setg(errp, "Offset (%" PRIu64 ") cannot be greater than size "
                   "of the containing file (%" PRId64 ")", s->offset,
                   file_size);
        return -EINVAL;
    }
    if (s->has_size) {
        if (s->size > (uint64_t)file_size - s->offset) {
            error_setg(errp, "The sum of offset (%" PRIu64 ") and size "
                       "(%" PRIu64 ") has to be smaller or equal to the "
                       "actual size of the containing file (%" PRId64 ")",
                       s->offset, s->size, file_size);
            return -EINVAL;
        }
        if (s->size % BDRV_SECTOR_SIZE) {
            error_setg(errp, "Specified size is not multiple of %u",
                       BDRV_SECTOR_SIZE);
            return -EINVAL;
        }
    }
    if (s->offset % bs->file->bs->request_alignment) {
        error_setg(errp, "Specified offset is not multiple of %u",
                   bs->file->bs->request_alignment);
        return -EINVAL;
    }
    return 0;
}

/* Map a request into the file; -EINVAL if it leaves a fixed window. */
static int raw_adjust(BlockDriverState *bs, int64_t *offset, int64_t bytes)
{
    RawState *s = bs->opaque;

    if (s->has_size &&
        (*offset > (int64_t)s->size || bytes > (int64_t)s->size - *offset)) {
        return -EINVAL;
    }
    *offset += s->offset;
    return 0;
}

/* The probed-raw guard: would sector 0 look like another format? */
static int raw_probe_guard(BlockDriverState *bs, int64_t offset,
                           int64_t bytes, BlockIOV *qiov)
{
    uint8_t sector[BDRV_SECTOR_SIZE];
    int ret;

    if (!bs->probed || offset >= BDRV_SECTOR_SIZE) {
        return 0;
    }
    if (offset > 0 || bytes < BDRV_SECTOR_SIZE) {
        ret = bdrv_child_pread(bs->file, 0, BDRV_SECTOR_SIZE, sector, 0);
        if (ret < 0) {
            return ret;
        }
    }
    block_iov_to_buf(qiov, 0, sector + offset,
                     MIN(bytes, (int64_t)BDRV_SECTOR_SIZE - offset));
    if (bdrv_probe_format(sector, sizeof(sector), NULL) != &bdrv_raw) {
        return -EPERM;
    }
    return 0;
}

static int raw_preadv(BlockDriverState *bs, int64_t offset, int64_t bytes,
                      BlockIOV *qiov, BdrvRequestFlags flags)
{
    int ret = raw_adjust(bs, &offset, bytes);

    if (ret < 0) {
        return ret;
    }
    bdrv_debug_event(bs->file->bs, BLKDBG_READ_AIO);
    return bdrv_child_preadv(bs->file, offset, bytes, qiov, flags);
}

static int raw_pwritev(BlockDriverState *bs, int64_t offset, int64_t bytes,
                       BlockIOV *qiov, BdrvRequestFlags flags)
{
    int ret = raw_probe_guard(bs, offset, bytes, qiov);

    if (ret < 0 || (ret = raw_adjust(bs, &offset, bytes)) < 0) {
        return ret;
    }
    bdrv_debug_event(bs->file->bs, BLKDBG_WRITE_AIO);
    return bdrv_child_pwritev(bs->file, offset, bytes, qiov, flags);
}

static int raw_pwrite_zeroes(BlockDriverState *bs, int64_t offset,
                             int64_t bytes, BdrvRequestFlags flags)
{
    int ret = raw_adjust(bs, &offset, bytes);

    if (ret < 0) {
        return ret;
    }
    return bdrv_child_pwrite_zeroes(bs->file, offset, bytes,
                                    flags & ~BDRV_REQ_ZERO_WRITE);
}

static int raw_pdiscard(BlockDriverState *bs, int64_t offset, int64_t bytes)
{
    int ret = raw_adjust(bs, &offset, bytes);

    if (ret < 0) {
        return ret;
    }
    return bdrv_child_pdiscard(bs->file, offset, bytes);
}

static int64_t raw_getlength(BlockDriverState *bs)
{
    RawState *s = bs->opaque;
    int64_t len;

    if (s->has_size) {
        return s->size;
    }
    len = bdrv_getlength(bs->file->bs);
    if (len < 0) {
        return len;
    }
    return len > (int64_t)s->offset ? len - (int64_t)s->offset : 0;
}

static int raw_truncate(BlockDriverState *bs, int64_t offset, bool exact,
                        PreallocMode prealloc, Error **errp)
{
    RawState *s = bs->opaque;

    if (s->has_size || s->offset) {
        error_setg(errp, "Cannot resize fixed-size raw disks");
        return -ENOTSUP;
    }
    return bdrv_child_truncate(bs->file, offset, exact, prealloc, errp);
}

static int raw_block_status(BlockDriverState *bs, int64_t offset,
                            int64_t bytes, int64_t *pnum, int64_t *map,
                            BlockDriverState **file)
{
    RawState *s = bs->opaque;

    *pnum = bytes;
    *map = offset + s->offset;
    *file = bs->file->bs;
    return BDRV_BLOCK_RAW | BDRV_BLOCK_OFFSET_VALID;
}

static int64_t raw_get_allocated_file_size(BlockDriverState *bs)
{
    return bdrv_get_allocated_file_size(bs->file->bs);
}

static bool raw_create(const char *filename, struct json_object *opts,
                       Error **errp)
{
    return bdrv_create_file(filename, opts, errp);
}

const BlockDriver bdrv_raw = {
    .format_name = "raw",
    .instance_size = sizeof(RawState),
    .has_variable_length = true,
    .nonblocking = true,
    .runtime_opts = raw_runtime_opts,
    .create_opts = raw_create_opts,
    .probe = raw_probe,
    .open = raw_open,
    .preadv = raw_preadv,
    .pwritev = raw_pwritev,
    .pwrite_zeroes = raw_pwrite_zeroes,
    .pdiscard = raw_pdiscard,
    .truncate = raw_truncate,
    .getlength = raw_getlength,
    .get_allocated_file_size = raw_get_allocated_file_size,
    .block_status = raw_block_status,
    .create = raw_create,
};
