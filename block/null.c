/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "null-co" protocol driver: a disk of a given size that drops writes
 * and returns nothing (or zeroes, with read-zeroes=on) on reads; for
 * benchmarking the block layer itself.  Options as QEMU's: size (default
 * 1 GiB), read-zeroes (default off), latency-ns (sleep per request).
 * Filename form "null-co://".
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "block/block-int.h"

typedef struct NullState {
    uint64_t size;
    uint64_t latency_ns;
    bool read_zeroes;
} NullState;

static const char *const null_runtime_opts[] = {
    "size", "read-zeroes", "latency-ns", "filename", NULL,
};

static bool null_parse_filename(const char *filename,
                                struct json_object *opts, Error **errp)
{
    if (strcmp(filename, "null-co://")) {
        error_setg(errp, "The only allowed filename for this driver is "
                   "'null-co://'");
        return false;
    }
    return true;
}

static int null_open(BlockDriverState *bs, struct json_object *opts,
                     int flags, Error **errp)
{
    NullState *s = bs->opaque;
    g_autofree char *filename = NULL;

    if (!bdrv_opt_take_size(opts, "size", 1ull << 30, &s->size, errp) ||
        !bdrv_opt_take_bool(opts, "read-zeroes", false, &s->read_zeroes,
                            errp) ||
        !bdrv_opt_take_uint(opts, "latency-ns", 0, &s->latency_ns, errp) ||
        !bdrv_opt_take_str(opts, "filename", &filename, errp)) {
        return -EINVAL;
    }
    if (filename && strcmp(filename, "null-co://")) {
        error_setg(errp, "The only allowed filename for this driver is "
                   "'null-co://'");
        return -EINVAL;
    }
    if (s->size > BDRV_MAX_LENGTH) {
        error_setg(errp, "size too large");
        return -EINVAL;
    }
    bs->nonblocking = s->latency_ns == 0;
    g_free(bs->filename);
    bs->filename = g_strdup("null-co://");
    return 0;
}

static void null_delay(NullState *s)
{
    if (s->latency_ns) {
        struct timespec ts = {
            .tv_sec = s->latency_ns / 1000000000,
            .tv_nsec = s->latency_ns % 1000000000,
        };
        nanosleep(&ts, NULL);
    }
}

static int null_preadv(BlockDriverState *bs, int64_t offset, int64_t bytes,
                       BlockIOV *qiov, BdrvRequestFlags flags)
{
    NullState *s = bs->opaque;

    if (s->read_zeroes) {
        block_iov_memset(qiov, 0, 0, bytes);
    }
    null_delay(s);
    return 0;
}

static int null_pwritev(BlockDriverState *bs, int64_t offset, int64_t bytes,
                        BlockIOV *qiov, BdrvRequestFlags flags)
{
    null_delay(bs->opaque);
    return 0;
}

static int null_pwrite_zeroes(BlockDriverState *bs, int64_t offset,
                              int64_t bytes, BdrvRequestFlags flags)
{
    null_delay(bs->opaque);
    return 0;
}

static int null_flush(BlockDriverState *bs)
{
    null_delay(bs->opaque);
    return 0;
}

static int64_t null_getlength(BlockDriverState *bs)
{
    return ((NullState *)bs->opaque)->size;
}

static int null_block_status(BlockDriverState *bs, int64_t offset,
                             int64_t bytes, int64_t *pnum, int64_t *map,
                             BlockDriverState **file)
{
    NullState *s = bs->opaque;

    *pnum = bytes;
    *map = offset;
    *file = bs;
    return BDRV_BLOCK_OFFSET_VALID | (s->read_zeroes ? BDRV_BLOCK_ZERO : 0);
}

const BlockDriver bdrv_null_co = {
    .format_name = "null-co",
    .protocol_name = "null-co",
    .instance_size = sizeof(NullState),
    .is_protocol = true,
    .nonblocking = true,
    .runtime_opts = null_runtime_opts,
    .parse_filename = null_parse_filename,
    .open = null_open,
    .preadv = null_preadv,
    .pwritev = null_pwritev,
    .pwrite_zeroes = null_pwrite_zeroes,
    .flush_to_disk = null_flush,
    .getlength = null_getlength,
    .block_status = null_block_status,
};
