/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plimsoll-io commands, with qemu-io's names, options and output lines so
 * tests written for qemu-io read the same ("wrote 65536/65536 bytes at
 * offset 0" followed by a timing line that tests filter out).
 *
 * read [-qv] [-P pat] off len        readv [-qv] [-P pat] off len [len..]
 * write [-fnqzu] [-P pat] off len    writev [-q] [-P pat] off len [len..]
 * aio_read / aio_write (several in flight), aio_flush (wait for them)
 * discard [-q] off len, flush, length, info, map
 * threshold [-p] NODE VALUE  (Plimsoll: arm a write threshold in bytes, or
 *                             with -p in thousandths of a percent)
 * stats [NODE]               (Plimsoll: the node's accounting)
 * break EVENT TAG, wait_break TAG, resume TAG, remove_break TAG: blkdebug
 * suspend points (include/block/blkdebug.h); sleep MS runs the main loop
 * for MS milliseconds so completions are reported meanwhile.
 * enospc_limit [BYTES|off]   (Plimsoll: blkdebug's ENOSPC limit, the end of
 *                             a stand-in thin volume; shows or sets it)
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "block/blkdebug.h"
#include "block/block-int.h"
#include "block/qcow2/qcow2-bdrv.h"
#include "block/write-threshold.h"
#include "io-cmds.h"

/* ---------------------------------------------------------------------- */
/* Formatting as qemu-io does                                              */
/* ---------------------------------------------------------------------- */

/* Human size: "64 KiB", "1.500 MiB", "32 bytes" (only ".000" is cut). */
static void cvtstr(double value, char *buf, size_t n)
{
    static const char *const units[] = { "EiB", "PiB", "TiB", "GiB",
                                         "MiB", "KiB" };
    const char *unit = "bytes";
    double div = 1;

    for (int i = 0; i < 6; i++) {
        double u = (double)(1ull << (10 * (6 - i)));
        if (value >= u) {
            unit = units[i];
            div = u;
            break;
        }
    }
    snprintf(buf, n, "%.3f", value / div);
    char *trim = strstr(buf, ".000");
    if (trim) {
        *trim = '\0';
    }
    g_strlcat(buf, " ", n);
    g_strlcat(buf, unit, n);
}

static void print_report(const char *op, int64_t t_ns, int64_t offset,
                         int64_t bytes, int64_t total, int cnt, bool quiet)
{
    char s1[64], s2[64], ts[64];
    double secs = t_ns / 1e9;

    if (quiet) {
        return;
    }
    printf("%s %" PRId64 "/%" PRId64 " bytes at offset %" PRId64 "\n", op,
           bytes, total, offset);
    cvtstr(bytes, s1, sizeof(s1));
    cvtstr(secs > 0 ? bytes / secs : 0, s2, sizeof(s2));
    unsigned cs = (unsigned)(secs * 100) % 100, sec = (unsigned)secs;
    if (sec >= 3600) {
        snprintf(ts, sizeof(ts), "%u:%02u:%02u.%02u", sec / 3600,
                 sec / 60 % 60, sec % 60, cs);
    } else {
        snprintf(ts, sizeof(ts), "%02u.%02u sec", sec, cs);
    }
    printf("%s, %d ops; %s (%s/sec and %.4f ops/sec)\n", s1, cnt, ts, s2,
           secs > 0 ? cnt / secs : 0.0);
}

static void dump_buffer(const uint8_t *buf, int64_t offset, int64_t len)
{
    for (int64_t i = 0; i < len; i += 16) {
        int64_t n = MIN(16, len - i);
        printf("%08" PRIx64 ":  ", (uint64_t)(offset + i));
        for (int64_t j = 0; j < n; j++) {
            printf("%02x ", buf[i + j]);
        }
        printf(" ");
        for (int64_t j = 0; j < n; j++) {
            uint8_t c = buf[i + j];
            putchar(c >= 0x20 && c < 0x7f ? c : '.');
        }
        printf("\n");
    }
}

static bool parse_num(const char *s, int64_t *out)
{
    uint64_t v;

    if (!bdrv_parse_size(s, "x", &v, NULL) || v > INT64_MAX) {
        printf("Parsing error: non-numeric argument, or "
               "extraneous/unrecognized suffix -- %s\n", s);
        return false;
    }
    *out = v;
    return true;
}

/* A request length: also bounded, so a typo cannot allocate 1 TiB. */
static bool parse_len(const char *s, int64_t *out)
{
    if (!parse_num(s, out)) {
        return false;
    }
    if (*out > BDRV_REQUEST_MAX_BYTES) {
        printf("length cannot exceed %u, given %s\n",
               BDRV_REQUEST_MAX_BYTES, s);
        return false;
    }
    return true;
}

static bool parse_pattern(const char *s, int *out)
{
    char *end;
    long v = strtol(s, &end, 0);

    if (*end || v < 0 || v > 255) {
        printf("non-numeric pattern argument -- %s\n", s);
        return false;
    }
    *out = (int)v;
    return true;
}

static void *io_alloc(int64_t len, int pattern)
{
    void *buf;

    if (posix_memalign(&buf, 4096, MAX(len, 1))) {
        return NULL;
    }
    memset(buf, pattern, len);
    return buf;
}

static int io_fail(IoContext *ctx, const char *what, int ret)
{
    printf("%s failed: %s\n", what, strerror(-ret));
    ctx->failures++;
    return ret;
}

/* ---------------------------------------------------------------------- */
/* read / write / readv / writev                                           */
/* ---------------------------------------------------------------------- */

typedef struct RwOpts {
    bool quiet, verbose, zero, unmap, fua, no_fallback, compress;
    int pattern;            /* -1: none */
    const char *src_file;   /* write -s: data from this file */
} RwOpts;

static bool rw_parse_opts(int *argc, char ***argv, const char *optstr,
                          RwOpts *o)
{
    int c;

    *o = (RwOpts){ .pattern = -1 };
    optind = 0;
    while ((c = getopt(*argc, *argv, optstr)) != -1) {
        switch (c) {
        case 'q': o->quiet = true; break;
        case 'v': o->verbose = true; break;
        case 'z': o->zero = true; break;
        case 'u': o->unmap = true; break;
        case 'f': o->fua = true; break;
        case 'n': o->no_fallback = true; break;
        case 'c': o->compress = true; break;
        case 's': o->src_file = optarg; break;
        case 'P':
            if (!parse_pattern(optarg, &o->pattern)) {
                return false;
            }
            break;
        default:
            return false;
        }
    }
    *argc -= optind;
    *argv += optind;
    return true;
}

static bool check_pattern(const uint8_t *buf, int64_t len, int pattern,
                          int64_t offset)
{
    for (int64_t i = 0; i < len; i++) {
        if (buf[i] != pattern) {
            printf("Pattern verification failed at offset %" PRId64 ", %"
                   PRId64 " bytes\n", offset, len);
            return false;
        }
    }
    return true;
}

static int cmd_read(IoContext *ctx, int argc, char **argv)
{
    RwOpts o;
    int64_t off, len, t0;
    int ret;

    if (!rw_parse_opts(&argc, &argv, "qvP:", &o) || argc != 2 ||
        !parse_num(argv[0], &off) || !parse_len(argv[1], &len)) {
        ctx->failures++;
        return -EINVAL;
    }
    uint8_t *buf = io_alloc(len, 0);
    t0 = g_get_monotonic_time();
    ret = blk_pread(ctx->blk, off, len, buf, 0);
    t0 = (g_get_monotonic_time() - t0) * 1000;
    if (ret < 0) {
        free(buf);
        return io_fail(ctx, "read", ret);
    }
    if (o.pattern >= 0 && !check_pattern(buf, len, o.pattern, off)) {
        ctx->failures++;
        ret = -EINVAL;
    }
    if (o.verbose) {
        dump_buffer(buf, off, len);
    }
    print_report("read", t0, off, len, len, 1, o.quiet);
    free(buf);
    return ret;
}

/* qemu-io write's rules for combining options; false after the message. */
static bool write_opts_ok(const RwOpts *o)
{
    const char *msg = NULL;

    if (o->fua && o->compress) {
        msg = "-f and -b or -c cannot be specified at the same time";
    } else if (o->no_fallback && !o->zero) {
        msg = "-n requires -z to be specified";
    } else if (o->unmap && !o->zero) {
        msg = "-u requires -z to be specified";
    } else if (o->zero + (o->pattern >= 0) + !!o->src_file > 1) {
        msg = "Only one of -z, -P, and -s can be specified at the same time";
    }
    if (msg) {
        printf("%s\n", msg);
    }
    return !msg;
}

/* write -s: @len bytes of the file, repeated as often as needed. */
static uint8_t *write_buf_from_file(const char *name, int64_t len)
{
    uint8_t *buf = io_alloc(len, 0);
    FILE *f = fopen(name, "r");
    size_t got = 0;

    if (f) {
        got = fread(buf, 1, len, f);
    }
    if (!f || ferror(f)) {
        perror(name);
    } else if (got == 0 && len) {
        fprintf(stderr, "%s: file is empty\n", name);
    }
    if (f) {
        fclose(f);
    }
    if (!got && len) {
        free(buf);
        return NULL;
    }
    for (int64_t done = got; done < len; done += got) {
        memcpy(buf + done, buf, MIN((int64_t)got, len - done));
    }
    return buf;
}

/* write -c: whole clusters from a cluster boundary (or up to the end). */
static int write_compressed(IoContext *ctx, int64_t off, int64_t len,
                            const uint8_t *buf)
{
    BlockDriverState *bs = blk_bs(ctx->blk);
    int64_t cs = qcow2_bdrv_is_qcow2(bs) ? qcow2_bdrv_cluster_size(bs) : 0;
    int64_t end = blk_getlength(ctx->blk);

    if (!cs) {
        return -ENOTSUP;
    }
    if (off % cs || (len % cs && off + len != end)) {
        return -EINVAL;
    }
    for (int64_t done = 0; done < len; done += cs) {
        int ret = qcow2_bdrv_write_compressed(bs, off + done, buf + done,
                                              MIN(cs, len - done));
        if (ret < 0) {
            return ret;
        }
    }
    return 0;
}

static int cmd_write(IoContext *ctx, int argc, char **argv)
{
    RwOpts o;
    int64_t off, len, t0;
    int ret;

    if (!rw_parse_opts(&argc, &argv, "cfnqzuP:s:", &o) || argc != 2 ||
        !parse_num(argv[0], &off) || !parse_len(argv[1], &len) ||
        !write_opts_ok(&o)) {
        ctx->failures++;
        return -EINVAL;
    }
    uint8_t *buf = NULL;
    if (!o.zero) {
        buf = o.src_file ? write_buf_from_file(o.src_file, len)
                         : io_alloc(len, o.pattern >= 0 ? o.pattern : 0xcd);
        if (!buf) {
            ctx->failures++;
            return -EINVAL;
        }
    }
    BdrvRequestFlags flags = (o.fua ? BDRV_REQ_FUA : 0) |
                             (o.unmap ? BDRV_REQ_MAY_UNMAP : 0) |
                             (o.no_fallback ? BDRV_REQ_NO_FALLBACK : 0);
    t0 = g_get_monotonic_time();
    if (o.zero) {
        ret = blk_pwrite_zeroes(ctx->blk, off, len, flags);
    } else if (o.compress) {
        ret = write_compressed(ctx, off, len, buf);
    } else {
        ret = blk_pwrite(ctx->blk, off, len, buf, flags);
    }
    free(buf);
    t0 = (g_get_monotonic_time() - t0) * 1000;
    if (ret < 0) {
        return io_fail(ctx, "write", ret);
    }
    print_report("wrote", t0, off, len, len, 1, o.quiet);
    return 0;
}

static void free_iov(BlockIOV *v)
{
    for (int i = 0; i < v->niov; i++) {
        free(v->iov[i].iov_base);
    }
    block_iov_destroy(v);
}

/* Build a vector of buffers from "len [len...]"; returns total, or -1
 * (nothing left allocated). */
static int64_t build_iov(BlockIOV *v, int argc, char **argv, int pattern)
{
    int64_t total = 0, len = 0;

    block_iov_init(v, argc);
    for (int i = 0; i < argc; i++) {
        if (!parse_len(argv[i], &len)) {
            free_iov(v);
            return -1;
        }
        if (total + len > BDRV_REQUEST_MAX_BYTES) {
            printf("length cannot exceed %u\n", BDRV_REQUEST_MAX_BYTES);
            free_iov(v);
            return -1;
        }
        block_iov_add(v, io_alloc(len, pattern), len);
        total += len;
    }
    return total;
}

static int cmd_readv(IoContext *ctx, int argc, char **argv)
{
    RwOpts o;
    BlockIOV v;
    int64_t off, total, t0;
    int ret;

    if (!rw_parse_opts(&argc, &argv, "qvP:", &o) || argc < 2 ||
        !parse_num(argv[0], &off) ||
        (total = build_iov(&v, argc - 1, argv + 1, 0)) < 0) {
        ctx->failures++;
        return -EINVAL;
    }
    t0 = g_get_monotonic_time();
    ret = blk_preadv(ctx->blk, off, total, &v, 0);
    t0 = (g_get_monotonic_time() - t0) * 1000;
    if (ret < 0) {
        free_iov(&v);
        return io_fail(ctx, "readv", ret);
    }
    uint8_t *flat = g_malloc(MAX(total, 1));
    block_iov_to_buf(&v, 0, flat, total);
    if (o.pattern >= 0 && !check_pattern(flat, total, o.pattern, off)) {
        ctx->failures++;
        ret = -EINVAL;
    }
    if (o.verbose) {
        dump_buffer(flat, off, total);
    }
    g_free(flat);
    print_report("read", t0, off, total, total, 1, o.quiet);
    free_iov(&v);
    return ret;
}

static int cmd_writev(IoContext *ctx, int argc, char **argv)
{
    RwOpts o;
    BlockIOV v;
    int64_t off, total, t0;
    int ret;

    if (!rw_parse_opts(&argc, &argv, "fqP:", &o) || argc < 2 ||
        !parse_num(argv[0], &off) ||
        (total = build_iov(&v, argc - 1, argv + 1,
                           o.pattern >= 0 ? o.pattern : 0xcd)) < 0) {
        ctx->failures++;
        return -EINVAL;
    }
    t0 = g_get_monotonic_time();
    ret = blk_pwritev(ctx->blk, off, total, &v, o.fua ? BDRV_REQ_FUA : 0);
    t0 = (g_get_monotonic_time() - t0) * 1000;
    free_iov(&v);
    if (ret < 0) {
        return io_fail(ctx, "writev", ret);
    }
    print_report("wrote", t0, off, total, total, 1, o.quiet);
    return 0;
}

/* ---------------------------------------------------------------------- */
/* aio_read / aio_write / aio_flush                                        */
/* ---------------------------------------------------------------------- */

typedef struct AioCmd {
    IoContext *ctx;
    BlockIOV v;
    bool write;
    RwOpts o;
    int64_t offset;
    int64_t start_us;
} AioCmd;

static void aio_cmd_done(void *opaque, int ret)
{
    AioCmd *a = opaque;
    int64_t t = (g_get_monotonic_time() - a->start_us) * 1000;

    if (ret < 0) {
        io_fail(a->ctx, a->write ? "aio_write" : "aio_read", ret);
    } else {
        if (!a->write && a->v.niov) {
            uint8_t *flat = g_malloc(MAX(a->v.size, 1));
            block_iov_to_buf(&a->v, 0, flat, a->v.size);
            if (a->o.pattern >= 0 &&
                !check_pattern(flat, a->v.size, a->o.pattern, a->offset)) {
                a->ctx->failures++;
            }
            if (a->o.verbose) {
                dump_buffer(flat, a->offset, a->v.size);
            }
            g_free(flat);
        }
        print_report(a->write ? "wrote" : "read", t, a->offset, a->v.size,
                     a->v.size, 1, a->o.quiet);
    }
    free_iov(&a->v);
    g_free(a);
}

static int cmd_aio_rw(IoContext *ctx, int argc, char **argv, bool write)
{
    AioCmd *a = g_new0(AioCmd, 1);
    int64_t total;

    a->ctx = ctx;
    a->write = write;
    if (!rw_parse_opts(&argc, &argv, write ? "fqzP:" : "qvP:", &a->o) ||
        argc < 2 || !parse_num(argv[0], &a->offset) ||
        (total = build_iov(&a->v, argc - 1, argv + 1,
                           write ? (a->o.pattern >= 0 ? a->o.pattern : 0xcd)
                                 : 0)) < 0) {
        ctx->failures++;
        block_iov_destroy(&a->v);
        g_free(a);
        return -EINVAL;
    }
    a->start_us = g_get_monotonic_time();
    if (write && a->o.zero) {
        blk_aio_pwrite_zeroes(ctx->blk, a->offset, total, 0, aio_cmd_done, a);
    } else if (write) {
        blk_aio_pwritev(ctx->blk, a->offset, &a->v,
                        a->o.fua ? BDRV_REQ_FUA : 0, aio_cmd_done, a);
    } else {
        blk_aio_preadv(ctx->blk, a->offset, &a->v, 0, aio_cmd_done, a);
    }
    return 0;
}

static int cmd_aio_read(IoContext *ctx, int argc, char **argv)
{
    return cmd_aio_rw(ctx, argc, argv, false);
}

static int cmd_aio_write(IoContext *ctx, int argc, char **argv)
{
    return cmd_aio_rw(ctx, argc, argv, true);
}

static int cmd_aio_flush(IoContext *ctx, int argc, char **argv)
{
    blk_drain(ctx->blk);
    return 0;
}

/* ---------------------------------------------------------------------- */
/* discard, flush, length, info, map                                       */
/* ---------------------------------------------------------------------- */

static int cmd_discard(IoContext *ctx, int argc, char **argv)
{
    RwOpts o;
    int64_t off, len, t0;
    int ret;

    if (!rw_parse_opts(&argc, &argv, "Cq", &o) || argc != 2 ||
        !parse_num(argv[0], &off) || !parse_len(argv[1], &len)) {
        ctx->failures++;
        return -EINVAL;
    }
    t0 = g_get_monotonic_time();
    ret = blk_pdiscard(ctx->blk, off, len);
    t0 = (g_get_monotonic_time() - t0) * 1000;
    if (ret < 0) {
        return io_fail(ctx, "discard", ret);
    }
    print_report("discard", t0, off, len, len, 1, o.quiet);
    return 0;
}

static int cmd_flush(IoContext *ctx, int argc, char **argv)
{
    int ret = blk_flush(ctx->blk);

    return ret < 0 ? io_fail(ctx, "flush", ret) : 0;
}

static int cmd_length(IoContext *ctx, int argc, char **argv)
{
    int64_t len = blk_getlength(ctx->blk);
    char s[64];

    if (len < 0) {
        printf("getlength: %s\n", strerror((int)-len));
        ctx->failures++;
        return (int)len;
    }
    cvtstr(len, s, sizeof(s));
    printf("%s\n", s);
    return 0;
}

static int cmd_info(IoContext *ctx, int argc, char **argv)
{
    BlockDriverState *bs = blk_bs(ctx->blk);
    BlockDriverInfo bdi = { 0 };
    char s[64];
    int64_t vm_state = 0;

    printf("format name: %s\n", bdrv_get_format_name(bs));
    if (bs->drv->get_info) {
        bs->drv->get_info(bs, &bdi);
    }
    cvtstr(bdi.cluster_size, s, sizeof(s));
    printf("cluster size: %s\n", s);
    if (qcow2_bdrv_is_qcow2(bs)) {
        /* qcow2 keeps VM state past the L2 tables covering the disk */
        int64_t span = (int64_t)bdi.cluster_size * (bdi.cluster_size / 8);
        vm_state = (blk_getlength(ctx->blk) + span - 1) / span * span;
    }
    cvtstr(vm_state, s, sizeof(s));
    printf("vm state offset: %s\n", s);
    struct json_object *fs = bs->drv->get_specific_info ?
                             bs->drv->get_specific_info(bs, NULL) : NULL;
    struct json_object *data;
    if (fs && json_object_object_get_ex(fs, "data", &data)) {
        printf("Format specific information:\n");
        json_object_object_foreach(data, k, v) {
            g_autofree char *key = g_strdelimit(g_strdup(k), "-", ' ');
            printf("    %s: %s\n", key, json_object_get_string(v));
        }
    }
    json_object_put(fs);
    return 0;
}

/* alloc off [count]: how much of the range the top node allocates. */
static int cmd_alloc(IoContext *ctx, int argc, char **argv)
{
    BlockDriverState *bs = blk_bs(ctx->blk);
    int64_t off, count = 512, sum = 0;
    char s[64];

    if (!parse_num(argv[1], &off) || (argc == 3 && !parse_num(argv[2],
                                                               &count))) {
        ctx->failures++;
        return -EINVAL;
    }
    int64_t start = off, remaining = count;
    while (remaining) {
        int64_t n = 0;
        int ret = bdrv_is_allocated(bs, off, remaining, &n);
        if (ret < 0) {
            printf("is_allocated failed: %s\n", strerror(-ret));
            ctx->failures++;
            return ret;
        }
        off += n;
        remaining -= n;
        sum += ret ? n : 0;
        if (n == 0) {
            count -= remaining;
            remaining = 0;
        }
    }
    cvtstr(start, s, sizeof(s));
    printf("%" PRId64 "/%" PRId64 " bytes allocated at offset %s\n", sum,
           count, s);
    return 0;
}

/* truncate [-m prealloc] off */
static int cmd_truncate(IoContext *ctx, int argc, char **argv)
{
    PreallocMode prealloc = PREALLOC_MODE_OFF;
    Error *err = NULL;
    int64_t off;
    int c;

    optind = 0;
    while ((c = getopt(argc, argv, "m:")) != -1) {
        if (c != 'm' || !prealloc_mode_parse(optarg, &prealloc, NULL)) {
            if (c == 'm') {
                error_report("Invalid preallocation mode '%s'", optarg);
            }
            ctx->failures++;
            return -EINVAL;
        }
    }
    if (optind != argc - 1 || !parse_num(argv[optind], &off)) {
        ctx->failures++;
        return -EINVAL;
    }
    int ret = blk_truncate(ctx->blk, off, false, prealloc, &err);
    if (ret < 0) {
        error_report_err(err);
        ctx->failures++;
    }
    return ret;
}

static int cmd_map(IoContext *ctx, int argc, char **argv)
{
    BlockDriverState *bs = blk_bs(ctx->blk);
    int64_t len = blk_getlength(ctx->blk), off = 0;

    while (off < len) {
        int64_t n, m;
        int ret = bdrv_is_allocated(bs, off, len - off, &n);
        if (ret < 0) {
            return io_fail(ctx, "map", ret);
        }
        /* Merge following ranges with the same answer. */
        while (off + n < len) {
            int r2 = bdrv_is_allocated(bs, off + n, len - off - n, &m);
            if (r2 != ret) {
                break;
            }
            n += m;
        }
        char s1[64], s2[64];
        cvtstr(n, s1, sizeof(s1));
        cvtstr(off, s2, sizeof(s2));
        printf("%s (0x%" PRIx64 ") bytes %s allocated at offset %s (0x%"
               PRIx64 ")\n", s1, n, ret ? "   " : "not", s2, off);
        off += n;
    }
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Plimsoll additions                                                      */
/* ---------------------------------------------------------------------- */

static int cmd_threshold(IoContext *ctx, int argc, char **argv)
{
    bool percent = argc > 1 && !strcmp(argv[1], "-p");
    int64_t v;
    Error *err = NULL;

    argc -= percent ? 2 : 1;
    argv += percent ? 2 : 1;
    if (argc == 1) {
        BlockDriverState *bs = bdrv_find_node(argv[0]);
        if (!bs) {
            printf("threshold: Device '%s' not found\n", argv[0]);
            ctx->failures++;
            return -ENOENT;
        }
        printf("write threshold of %s: %" PRIu64 "\n", argv[0],
               bdrv_write_threshold_get(bs));
        return 0;
    }
    if (argc != 2 || !parse_num(argv[1], &v)) {
        printf("usage: threshold [-p] NODE [BYTES|MILLIPERCENT]\n");
        ctx->failures++;
        return -EINVAL;
    }
    if (!block_set_write_threshold(argv[0], v, percent, v, &err)) {
        printf("threshold: %s\n", error_get_pretty(err));
        error_free(err);
        ctx->failures++;
        return -EINVAL;
    }
    return 0;
}

static int cmd_stats(IoContext *ctx, int argc, char **argv)
{
    BlockDriverState *bs = argc > 1 ? bdrv_find_node(argv[1])
                                    : blk_bs(ctx->blk);
    BlockAcctStats st;

    if (!bs) {
        printf("stats: Device '%s' not found\n", argv[1]);
        ctx->failures++;
        return -ENOENT;
    }
    block_acct_snapshot(&bs->stats, &st);
    printf("%s: rd_bytes %" PRIu64 " wr_bytes %" PRIu64 " rd_operations %"
           PRIu64 " wr_operations %" PRIu64 " flush_operations %" PRIu64
           " unmap_operations %" PRIu64 " failed_wr_operations %" PRIu64
           " wr_highest_offset %" PRIu64 "\n", bs->node_name,
           st.bytes[BLOCK_ACCT_READ], st.bytes[BLOCK_ACCT_WRITE],
           st.ops[BLOCK_ACCT_READ], st.ops[BLOCK_ACCT_WRITE],
           st.ops[BLOCK_ACCT_FLUSH], st.ops[BLOCK_ACCT_UNMAP],
           st.failed_ops[BLOCK_ACCT_WRITE], st.wr_highest_offset);
    return 0;
}

static int cmd_nodes(IoContext *ctx, int argc, char **argv)
{
    for (BlockDriverState *bs = bdrv_next_node(NULL); bs;
         bs = bdrv_next_node(bs)) {
        printf("%s: %s %s\n", bs->node_name, bdrv_get_format_name(bs),
               bdrv_get_filename(bs));
    }
    return 0;
}

/* ---------------------------------------------------------------------- */
/* blkdebug suspend points, sleep                                          */
/* ---------------------------------------------------------------------- */

/* How long wait_break waits for a request to stop before giving up. */
#define WAIT_BREAK_MAX_US (10 * G_USEC_PER_SEC)

/* Run the main loop (completions print) for @us microseconds. */
static void io_run_loop(int64_t us)
{
    int64_t end = g_get_monotonic_time() + us;

    do {
        while (g_main_context_iteration(NULL, FALSE)) {
            /* dispatch everything ready */
        }
        g_usleep(500);
    } while (g_get_monotonic_time() < end);
}

/* QEMU's blkdebug prints these itself; tests match the lines. */
static void io_suspend_notify(const char *tag, bool resumed)
{
    printf("blkdebug: %s request '%s'\n", resumed ? "Resuming" : "Suspended",
           tag);
    fflush(stdout);
}

static int cmd_break(IoContext *ctx, int argc, char **argv)
{
    blkdebug_set_suspend_notify(io_suspend_notify);
    int ret = bdrv_debug_breakpoint(blk_bs(ctx->blk), argv[1], argv[2]);

    if (ret < 0) {
        printf("Could not set breakpoint: %s\n", g_strerror(-ret));
        ctx->failures++;
    }
    return ret;
}

static int cmd_remove_break(IoContext *ctx, int argc, char **argv)
{
    int ret = bdrv_debug_remove_breakpoint(blk_bs(ctx->blk), argv[1]);

    if (ret < 0) {
        printf("Could not remove breakpoint %s: %s\n", argv[1],
               g_strerror(-ret));
        ctx->failures++;
    }
    return ret;
}

static int cmd_resume(IoContext *ctx, int argc, char **argv)
{
    int ret = bdrv_debug_resume(blk_bs(ctx->blk), argv[1]);

    if (ret < 0) {
        printf("Could not resume request: %s\n", g_strerror(-ret));
        ctx->failures++;
    }
    return ret;
}

static int cmd_wait_break(IoContext *ctx, int argc, char **argv)
{
    int64_t end = g_get_monotonic_time() + WAIT_BREAK_MAX_US;

    while (!bdrv_debug_is_suspended(blk_bs(ctx->blk), argv[1])) {
        if (g_get_monotonic_time() > end) {
            /* Deviation: qemu-io waits forever. */
            printf("wait_break: no request suspended with tag '%s'\n",
                   argv[1]);
            ctx->failures++;
            return -ETIMEDOUT;
        }
        io_run_loop(0);
    }
    return 0;
}

static int cmd_sleep(IoContext *ctx, int argc, char **argv)
{
    char *end;
    long ms = strtol(argv[1], &end, 0);

    if (ms < 0 || *end || end == argv[1]) {
        printf("%s is not a valid number\n", argv[1]);
        ctx->failures++;
        return -EINVAL;
    }
    io_run_loop((int64_t)ms * 1000);
    return 0;
}

static int cmd_enospc_limit(IoContext *ctx, int argc, char **argv)
{
    BlockDriverState *bs = blk_bs(ctx->blk);
    int64_t limit = 0;
    int ret;

    if (argc > 1 && strcmp(argv[1], "off") && !parse_num(argv[1], &limit)) {
        ctx->failures++;
        return -EINVAL;
    }
    ret = argc > 1 ? bdrv_debug_set_enospc_limit(bs, (uint64_t)limit) : 0;
    if (ret == 0) {
        limit = bdrv_debug_get_enospc_limit(bs);
        ret = limit < 0 ? (int)limit : 0;
    }
    if (ret < 0) {
        printf("enospc_limit: %s\n", g_strerror(-ret));
        ctx->failures++;
        return ret;
    }
    if (limit) {
        printf("enospc limit %" PRId64 "\n", limit);
    } else {
        printf("enospc limit off\n");
    }
    return 0;
}

const IoCommand io_command_table[] = {
    { "read", "r", "[-qv] [-P pattern] off len", 2, -1, cmd_read,
      "reads a number of bytes at a specified offset" },
    { "write", "w", "[-cfnquz] [-P pattern | -s file] off len", 2, -1,
      cmd_write,
      "writes a number of bytes at a specified offset", true },
    { "readv", NULL, "[-qv] [-P pattern] off len [len..]", 2, -1, cmd_readv,
      "reads a number of bytes into several buffers" },
    { "writev", NULL, "[-fq] [-P pattern] off len [len..]", 2, -1,
      cmd_writev, "writes a number of bytes from several buffers", true },
    { "aio_read", NULL, "[-qv] [-P pattern] off len [len..]", 2, -1,
      cmd_aio_read, "asynchronously reads a number of bytes" },
    { "aio_write", NULL, "[-fqz] [-P pattern] off len [len..]", 2, -1,
      cmd_aio_write, "asynchronously writes a number of bytes", true },
    { "aio_flush", NULL, "", 0, 0, cmd_aio_flush,
      "completes all outstanding aio requests" },
    { "discard", "d", "[-q] off len", 2, -1, cmd_discard,
      "discards a number of bytes at a specified offset", true },
    { "flush", "f", "", 0, 0, cmd_flush,
      "flush all in-core file state to disk" },
    { "length", "l", "", 0, 0, cmd_length, "gets the length of the file" },
    { "info", "i", "", 0, 0, cmd_info, "prints information about the file" },
    { "alloc", "a", "offset [count]", 1, 2, cmd_alloc,
      "checks if offset is allocated in the file" },
    { "truncate", "t", "[-m prealloc_mode] off", 1, 3, cmd_truncate,
      "truncates the current file at the given offset", true },
    { "map", NULL, "", 0, 0, cmd_map,
      "prints the allocated areas of a file" },
    { "threshold", NULL, "[-p] NODE [VALUE]", 1, 3, cmd_threshold,
      "sets or shows a node's write threshold" },
    { "stats", NULL, "[NODE]", 0, 1, cmd_stats,
      "prints a node's I/O accounting" },
    { "nodes", NULL, "", 0, 0, cmd_nodes, "lists the block nodes" },
    { "break", NULL, "event tag", 2, 2, cmd_break,
      "sets a breakpoint on event and tags the stopped request as tag" },
    { "remove_break", NULL, "tag", 1, 1, cmd_remove_break,
      "remove a breakpoint by tag" },
    { "resume", NULL, "tag", 1, 1, cmd_resume,
      "resumes the request tagged as tag" },
    { "wait_break", NULL, "tag", 1, 1, cmd_wait_break,
      "waits for the suspension of a request" },
    { "sleep", NULL, "milliseconds", 1, 1, cmd_sleep,
      "waits for the given value in milliseconds" },
    { "enospc_limit", NULL, "[bytes|off]", 0, 1, cmd_enospc_limit,
      "shows or sets blkdebug's ENOSPC limit (end of a thin volume)" },
    { NULL },
};

/*
 * Split a command line into words at blanks; double quotes group words.
 * Unlike a shell, '#' is an ordinary character (node names "#block0").
 */
static GPtrArray *split_words(const char *line)
{
    GPtrArray *words = g_ptr_array_new_with_free_func(g_free);
    GString *w = NULL;
    bool quoted = false;

    for (const char *p = line;; p++) {
        bool end = !*p || (!quoted && (*p == ' ' || *p == '\t'));
        if (end) {
            if (w) {
                g_ptr_array_add(words, g_string_free(w, FALSE));
                w = NULL;
            }
            if (!*p) {
                break;
            }
            continue;
        }
        if (!w) {
            w = g_string_new("");
        }
        if (*p == '"') {
            quoted = !quoted;
        } else {
            g_string_append_c(w, *p);
        }
    }
    g_ptr_array_add(words, NULL);
    return words;
}

int io_run_command_line(IoContext *ctx, const char *line)
{
    g_autoptr(GPtrArray) words = split_words(line);
    char **argv = (char **)words->pdata;
    int argc = words->len - 1;

    if (argc == 0) {
        return 0;
    }
    for (const IoCommand *c = io_command_table; c->name; c++) {
        if (strcmp(argv[0], c->name) &&
            (!c->altname || strcmp(argv[0], c->altname))) {
            continue;
        }
        if (argc - 1 < c->min_args ||
            (c->max_args >= 0 && argc - 1 > c->max_args)) {
            fflush(stdout);
            if (c->max_args < 0) {
                fprintf(stderr, "bad argument count %d to %s, expected at "
                        "least %d arguments\n", argc - 1, c->name,
                        c->min_args);
            } else if (c->min_args == c->max_args) {
                fprintf(stderr, "bad argument count %d to %s, expected %d "
                        "arguments\n", argc - 1, c->name, c->min_args);
            } else {
                fprintf(stderr, "bad argument count %d to %s, expected "
                        "between %d and %d arguments\n", argc - 1, c->name,
                        c->min_args, c->max_args);
            }
            ctx->failures++;
            return -EINVAL;
        }
        if (c->writes && bdrv_is_read_only(blk_bs(ctx->blk))) {
            fflush(stdout);
            error_report("Block node is read-only");
            ctx->failures++;
            return -EACCES;
        }
        return c->fn(ctx, argc, argv);
    }
    fflush(stdout);
    fprintf(stderr, "command \"%s\" not found\n", argv[0]);
    ctx->failures++;
    return -EINVAL;
}
