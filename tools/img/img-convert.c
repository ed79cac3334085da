/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plimsoll-img convert and compare.
 *
 * convert: one or more source images (concatenated) into a new image of
 * -O format (or an existing one with -n); ranges the sources report as
 * zero are skipped on a fresh target, data is split into -S sized pieces
 * (default 4 KiB) and all-zero pieces are skipped too; -c writes qcow2
 * compressed clusters; -p prints qemu-img's progress line.  -B FILE -F FMT
 * creates the target over that backing file and copies only what each
 * source's top layer has allocated (the rest reads through the backing
 * file, which should hold the same data as the source's backing chain);
 * zeroes are then written, not skipped, since the backing file may have
 * data there.
 * compare: "Images are identical." (exit 0), "Content mismatch at offset
 * N!" (exit 1, N sector-aligned as qemu-img reports it), errors exit 2;
 * a size mismatch is fine when the extra part reads as zeroes (not in
 * strict mode -s).  Reference: QEMU's qemu-img manual.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tools/img/img.h"
#include "block/qcow2/qcow2-bdrv.h"

#define IMG_CONVERT_CHUNK (2 << 20)

enum { OPT_IMAGE_OPTS = 256, OPT_OBJECT, OPT_TARGET_OPTS, OPT_SALVAGE };

typedef struct ConvertState {
    BlockBackend **src;
    int nsrc;
    int64_t *src_len;
    int64_t total;
    BlockBackend *dst;
    bool compress, fresh, progress;
    const char *backing, *backing_fmt;   /* -B, -F */
    uint64_t sparse;
    int64_t cluster;
    int64_t err_off;        /* the step that failed: where, and whether */
    bool err_read;          /* it was reading (or else writing) */
} ConvertState;

/* Where the source range [off, off + n) of the concatenation comes from. */
static int convert_status(ConvertState *c, int64_t off, int64_t n, int *idx,
                          int64_t *soff, int64_t *pnum)
{
    int64_t base = 0;
    int i = 0;

    while (off >= base + c->src_len[i]) {
        base += c->src_len[i++];
    }
    *idx = i;
    *soff = off - base;
    n = MIN(n, c->src_len[i] - *soff);
    int64_t map;
    BlockDriverState *file;
    if (c->backing) {
        /* Only the top layer: what it lacks the new backing file has. */
        return bdrv_block_status(blk_bs(c->src[i]), *soff, n, pnum, &map,
                                 &file);
    }
    return bdrv_block_status_above(blk_bs(c->src[i]), NULL, *soff, n, pnum,
                                   &map, &file);
}

/* Zeroes may be left out: a fresh target without backing reads zero. */
static bool convert_skip_zero(const ConvertState *c)
{
    return c->fresh && !c->backing;
}

static int convert_write(ConvertState *c, int64_t off, uint8_t *buf,
                         int64_t n)
{
    if (c->compress) {
        for (int64_t done = 0; done < n; done += c->cluster) {
            int64_t len = MIN(c->cluster, n - done);
            if (convert_skip_zero(c) &&
                block_buffer_is_zero(buf + done, (size_t)len)) {
                continue;
            }
            int ret = qcow2_bdrv_write_compressed(blk_bs(c->dst), off + done,
                                                  buf + done, len);
            if (ret < 0) {
                return ret;
            }
        }
        return 0;
    }
    if (!c->sparse) {
        return blk_pwrite(c->dst, off, n, buf, 0);
    }
    for (int64_t done = 0; done < n;) {
        int64_t len = MIN((int64_t)c->sparse, n - done);
        bool zero = block_buffer_is_zero(buf + done, (size_t)len);
        int64_t run = len;
        while (done + run < n) {
            int64_t l2 = MIN((int64_t)c->sparse, n - done - run);
            if (block_buffer_is_zero(buf + done + run, (size_t)l2) != zero) {
                break;
            }
            run += l2;
        }
        int ret = 0;
        if (!zero) {
            ret = blk_pwrite(c->dst, off + done, run, buf + done, 0);
        } else if (!convert_skip_zero(c)) {
            ret = blk_pwrite_zeroes(c->dst, off + done, run, 0);
        }
        if (ret < 0) {
            return ret;
        }
        done += run;
    }
    return 0;
}

/* Read [off, off + n) of the concatenated sources. */
static int convert_read(ConvertState *c, int64_t off, uint8_t *buf,
                        int64_t n)
{
    int64_t base = 0;

    for (int i = 0; i < c->nsrc && n > 0; base += c->src_len[i++]) {
        if (off >= base + c->src_len[i]) {
            continue;
        }
        int64_t len = MIN(n, base + c->src_len[i] - off);
        int ret = blk_pread(c->src[i], off - base, len, buf, 0);
        if (ret < 0) {
            return ret;
        }
        off += len;
        buf += len;
        n -= len;
    }
    memset(buf, 0, (size_t)n);
    return 0;
}

/* One step: returns the bytes handled or -errno. */
static int64_t convert_step(ConvertState *c, int64_t off, uint8_t *buf)
{
    int idx;
    int64_t soff, pnum, want;

    want = c->compress ? MIN(c->cluster, c->total - off)
                       : MIN(IMG_CONVERT_CHUNK, c->total - off);
    c->err_off = off;
    c->err_read = false;
    int ret = convert_status(c, off, want, &idx, &soff, &pnum);
    if (ret < 0) {
        return ret;
    }
    /* -S 0: fully allocated output, zeroes included */
    bool zero = (ret & BDRV_BLOCK_ZERO) && !(ret & BDRV_BLOCK_DATA) &&
                (c->sparse || c->compress);
    if (c->compress && !(zero && pnum >= want) &&
        !(c->backing && !(ret & (BDRV_BLOCK_ALLOCATED | BDRV_BLOCK_ZERO)) &&
          pnum >= want)) {
        c->err_read = true;
        ret = convert_read(c, off, buf, want);
        if (ret == 0) {
            c->err_read = false;
            ret = convert_write(c, off, buf, want);
        }
        return ret < 0 ? ret : want;
    }
    pnum = c->compress ? want : pnum;
    if (c->backing && !(ret & (BDRV_BLOCK_ALLOCATED | BDRV_BLOCK_ZERO))) {
        ret = 0;             /* left to the target's backing file */
    } else if (zero) {
        ret = convert_skip_zero(c) ? 0
                                   : blk_pwrite_zeroes(c->dst, off, pnum, 0);
    } else {
        c->err_read = true;
        ret = blk_pread(c->src[idx], soff, pnum, buf, 0);
        if (ret >= 0) {
            c->err_read = false;
            ret = convert_write(c, off, buf, pnum);
        }
    }
    return ret < 0 ? ret : pnum;
}

static int convert_copy(ConvertState *c)
{
    g_autofree uint8_t *buf = g_malloc(MAX(IMG_CONVERT_CHUNK, c->cluster));

    if (c->progress) {
        img_progress(0);
    }
    for (int64_t off = 0; off < c->total;) {
        int64_t n = convert_step(c, off, buf);
        if (n < 0) {
            return (int)n;
        }
        off += n;
        if (c->progress) {
            img_progress(off * 100.0 / c->total);
        }
    }
    return blk_flush(c->dst);
}

static bool convert_create(ConvertState *c, const char *out, const char *fmt,
                           const char *opts, Error **errp)
{
    struct json_object *o = json_object_new_object();
    char num[32];
    bool ok;

    snprintf(num, sizeof(num), "%lld", (long long)c->total);
    json_object_object_add(o, "size", json_object_new_string(num));
    if (c->backing) {
        json_object_object_add(o, "backing_file",
                               json_object_new_string(c->backing));
        json_object_object_add(o, "backing_fmt",
                               json_object_new_string(c->backing_fmt));
    }
    ok = (!opts || img_opts_merge(o, opts, errp)) &&
         bdrv_create(fmt, out, o, errp);
    json_object_put(o);
    return ok;
}

static int convert_run(ConvertState *c, char **srcs, const char *out,
                       const char *ofmt, const char *opts, ImgOpenOpts *so,
                       ImgOpenOpts *to, Error **errp)
{
    if (c->backing && !c->backing_fmt) {
        error_setg(errp, "Use of backing file requires explicit backing "
                   "format");
        return 1;
    }
    if (c->backing && strcmp(ofmt, "qcow2")) {
        error_setg(errp, "Backing file not supported for file format '%s'",
                   ofmt);
        return 1;
    }
    for (int i = 0; i < c->nsrc; i++) {
        c->src[i] = img_open(srcs[i], so, errp);
        if (!c->src[i]) {
            return 1;
        }
        c->src_len[i] = blk_getlength(c->src[i]);
        c->total += c->src_len[i];
    }
    if (c->compress && strcmp(ofmt, "qcow2")) {
        error_setg(errp, "Compression not supported for this file format");
        return 1;
    }
    if (c->fresh && !convert_create(c, out, ofmt, opts, errp)) {
        return 1;
    }
    to->fmt = ofmt;
    c->dst = img_open(out, to, errp);
    if (!c->dst) {
        return 1;
    }
    c->cluster = c->compress ? qcow2_bdrv_cluster_size(blk_bs(c->dst)) : 0;
    int ret = convert_copy(c);
    if (c->progress) {
        img_progress(100);
        img_progress_end();
    }
    if (ret < 0) {
        error_setg(errp, "error while %s at byte %lld: %s",
                   c->err_read ? "reading" : "writing",
                   (long long)c->err_off, g_strerror(-ret));
        return 1;
    }
    return 0;
}

int img_convert(int argc, char **argv)
{
    static const struct option lopts[] = {
        { "image-opts", no_argument, NULL, OPT_IMAGE_OPTS },
        { "object", required_argument, NULL, OPT_OBJECT },
        { "target-image-opts", no_argument, NULL, OPT_TARGET_OPTS },
        { "salvage", no_argument, NULL, OPT_SALVAGE },
        { "force-share", no_argument, NULL, 'U' },
        { NULL, 0, NULL, 0 },
    };
    ImgOpenOpts so = { 0 }, to = { .writable = true, .cache = "unsafe" };
    ConvertState c = { .fresh = true, .sparse = 4096 };
    const char *ofmt = "raw", *opts = NULL;
    bool quiet = false;
    Error *err = NULL;
    int ch, ret = 1;

    while ((ch = getopt_long(argc, argv, ":hf:O:B:F:Cco:l:S:pt:T:qnm:WUr:",
                             lopts, NULL)) != -1) {
        switch (ch) {
        case 'f': so.fmt = optarg; break;
        case 'O': ofmt = optarg; break;
        case 'c': c.compress = true; break;
        case 'o': opts = optarg; break;
        case 'p': c.progress = true; break;
        case 'q': quiet = true; break;
        case 'n': c.fresh = false; break;
        case 't': to.cache = optarg; break;
        case 'T': so.cache = optarg; break;
        case 'S':
            if (!img_parse_size(optarg, &c.sparse)) {
                error_report("Invalid buffer size for sparse output "
                             "specified. You may use k, M, G, T, P or E "
                             "suffixes for");
                error_report("kilobytes, megabytes, gigabytes, terabytes, "
                             "petabytes and exabytes.");
                return 1;
            }
            if (c.sparse % 512 || c.sparse > 16 * 1024 * 1024) {
                error_report("Invalid buffer size for sparse output "
                             "specified. Valid sizes are multiples of 512 up "
                             "to 16777216. Select 0 to disable sparse "
                             "detection (fully allocates output).");
                return 1;
            }
            break;
        case 'm': {
            char *end;
            long n = strtol(optarg, &end, 0);
            if (!*optarg || *end || n < 1 || n > 16) {
                error_report("Invalid number of coroutines. Allowed number "
                             "of coroutines is between 1 and 16");
                return 1;
            }
            break;
        }
        case OPT_IMAGE_OPTS: so.image_opts = true; break;
        case 'B': c.backing = optarg; break;
        case 'F': c.backing_fmt = optarg; break;
        case 'U': so.force_share = true; break;
        case 'C': case 'l': case 'W': case 'r':
        case OPT_OBJECT: case OPT_TARGET_OPTS: case OPT_SALVAGE:
            break;
        default: return img_getopt_default(ch, argv);
        }
    }
    if (argc - optind < 2) {
        error_report("Must specify image file name");
        return 1;
    }
    c.progress &= !quiet;
    c.nsrc = argc - optind - 1;
    c.src = g_new0(BlockBackend *, c.nsrc);
    c.src_len = g_new0(int64_t, c.nsrc);
    ret = convert_run(&c, argv + optind, argv[argc - 1], ofmt, opts, &so,
                      &to, &err);
    if (err) {
        error_report_err(err);
    }
    if (c.dst) {
        blk_unref(c.dst);
    }
    for (int i = 0; i < c.nsrc; i++) {
        if (c.src[i]) {
            blk_unref(c.src[i]);
        }
    }
    g_free(c.src);
    g_free(c.src_len);
    return ret;
}

/* First differing 512-byte sector of two buffers, or -1. */
static int64_t compare_buffers(const uint8_t *a, const uint8_t *b,
                               int64_t n)
{
    for (int64_t off = 0; off < n; off += 512) {
        int64_t len = MIN(512, n - off);
        if (memcmp(a + off, b + off, (size_t)len)) {
            return off;
        }
    }
    return -1;
}

/* Bytes from @off (at most @n) that read as zeroes without reading. */
static int64_t compare_zero_run(BlockBackend *blk, int64_t off, int64_t n)
{
    int64_t pnum, map;
    BlockDriverState *file;
    int ret = bdrv_block_status_above(blk_bs(blk), NULL, off, n, &pnum,
                                      &map, &file);

    return ret >= 0 && (ret & BDRV_BLOCK_ZERO) ? pnum : 0;
}

static int compare_tail(BlockBackend *blk, int64_t from, int64_t to,
                        uint8_t *buf, int64_t *where)
{
    for (int64_t off = from; off < to;) {
        int64_t n = MIN(IMG_CONVERT_CHUNK, to - off);
        int64_t z = compare_zero_run(blk, off, to - off);
        if (z) {
            off += z;
            continue;
        }
        int ret = blk_pread(blk, off, n, buf, 0);
        if (ret < 0) {
            *where = off;
            return ret;
        }
        for (int64_t i = 0; i < n; i += 512) {
            if (!block_buffer_is_zero(buf + i, (size_t)MIN(512, n - i))) {
                *where = off + i;
                return 1;
            }
        }
        off += n;
    }
    return 0;
}

/* One qemu-img compare run: the two images and the options. */
typedef struct CompareJob {
    BlockBackend *blk[2];
    const char *name[2];
    bool strict, quiet, progress;
} CompareJob;

static int compare_read_error(const CompareJob *j, int i, int64_t off,
                              int err)
{
    error_report("Error while reading offset %lld of %s: %s",
                 (long long)off, j->name[i], g_strerror(-err));
    return 4;
}

/* Exit status of qemu-img compare: 0 same, 1 different, 4 read error. */
#define COMPARE_STATUS (BDRV_BLOCK_ALLOCATED | BDRV_BLOCK_ZERO | \
                        BDRV_BLOCK_DATA)

/* Block status of both images at @off: flags, and the common length. */
static int compare_status(const CompareJob *j, int64_t off, int64_t len,
                          int st[2], int64_t *chunk)
{
    int64_t pnum[2], map;
    BlockDriverState *file;

    for (int i = 0; i < 2; i++) {
        st[i] = bdrv_block_status_above(blk_bs(j->blk[i]), NULL, off, len,
                                        &pnum[i], &map, &file);
        if (st[i] < 0 || !pnum[i]) {
            error_report("Sector allocation test failed for %s",
                         j->name[i]);
            return 3;
        }
    }
    *chunk = MIN(pnum[0], pnum[1]);
    return 0;
}

/*
 * One run of equal block status from @off (qemu-img compare's loop):
 * zeroes on both sides are not read; data on both sides is compared; data
 * on one side only must read as zeroes.  Returns an exit status, or -1
 * with *@chunk bytes found equal.
 */
static int compare_step(const CompareJob *j, int64_t off, int64_t common,
                        uint8_t *ba, uint8_t *bb, int64_t *chunk)
{
    int st[2], ret = compare_status(j, off, common - off, st, chunk);
    bool alloc[2];

    if (ret) {
        return ret;
    }
    if (j->strict && (st[0] & COMPARE_STATUS) != (st[1] & COMPARE_STATUS)) {
        if (!j->quiet) {
            printf("Strict mode: Offset %lld block status mismatch!\n",
                   (long long)off);
        }
        return 1;
    }
    if (st[0] & st[1] & BDRV_BLOCK_ZERO) {
        return -1;
    }
    alloc[0] = st[0] & BDRV_BLOCK_ALLOCATED;
    alloc[1] = st[1] & BDRV_BLOCK_ALLOCATED;
    if (!alloc[0] && !alloc[1]) {
        return -1;
    }
    *chunk = MIN(*chunk, IMG_CONVERT_CHUNK);
    for (int i = 0; i < 2; i++) {
        ret = alloc[i] ? blk_pread(j->blk[i], off, *chunk, i ? bb : ba, 0)
                       : 0;
        if (ret < 0) {
            return compare_read_error(j, i, off, ret);
        }
        if (!alloc[i]) {
            memset(i ? bb : ba, 0, *chunk);
        }
    }
    int64_t d = compare_buffers(ba, bb, *chunk);
    if (d >= 0) {
        if (!j->quiet) {
            printf("Content mismatch at offset %lld!\n",
                   (long long)(off + d));
        }
        return 1;
    }
    return -1;
}

/* Exit status of qemu-img compare: 0 same, 1 different, 3 block status
 * error, 4 read error. */
static int compare_run(const CompareJob *j, uint8_t *ba, uint8_t *bb)
{
    int64_t la = blk_getlength(j->blk[0]), lb = blk_getlength(j->blk[1]);
    int64_t common = MIN(la, lb), total = MAX(la, lb), where, chunk;
    int ret;

    if (j->strict && la != lb) {
        printf(j->quiet ? "" : "Strict mode: Image size mismatch!\n");
        return 1;
    }
    for (int64_t off = 0; off < common; off += chunk) {
        ret = compare_step(j, off, common, ba, bb, &chunk);
        if (ret >= 0) {
            return ret;
        }
        if (j->progress) {
            img_progress((off + chunk) * 100.0 / total);
        }
    }
    if (la != lb) {
        printf(j->quiet ? "" : "Warning: Image size mismatch!\n");
        ret = compare_tail(j->blk[la < lb], common, total, ba, &where);
        if (ret < 0) {
            return compare_read_error(j, la < lb, where, ret);
        }
        if (ret) {
            if (!j->quiet) {
                printf("Content mismatch at offset %lld!\n",
                       (long long)where);
            }
            return 1;
        }
    }
    printf(j->quiet ? "" : "Images are identical.\n");
    return 0;
}

static int compare_images(const CompareJob *j)
{
    g_autofree uint8_t *ba = g_malloc(IMG_CONVERT_CHUNK);
    g_autofree uint8_t *bb = g_malloc(IMG_CONVERT_CHUNK);

    if (j->progress) {
        img_progress(0);
    }
    int ret = compare_run(j, ba, bb);
    if (j->progress) {
        img_progress_end();
    }
    return ret;
}

int img_compare(int argc, char **argv)
{
    static const struct option lopts[] = {
        { "image-opts", no_argument, NULL, OPT_IMAGE_OPTS },
        { "object", required_argument, NULL, OPT_OBJECT },
        { "force-share", no_argument, NULL, 'U' },
        { NULL, 0, NULL, 0 },
    };
    ImgOpenOpts oa = { 0 }, ob = { 0 };
    CompareJob j = { .strict = false };
    Error *err = NULL;
    int c;

    while ((c = getopt_long(argc, argv, ":hf:F:T:pqsU", lopts, NULL)) != -1) {
        switch (c) {
        case 'f': oa.fmt = optarg; break;
        case 'F': ob.fmt = optarg; break;
        case 'T': oa.cache = ob.cache = optarg; break;
        case 's': j.strict = true; break;
        case 'q': j.quiet = true; break;
        case 'p': j.progress = true; break;
        case 'U': oa.force_share = ob.force_share = true; break;
        case OPT_OBJECT: break;
        case OPT_IMAGE_OPTS: oa.image_opts = ob.image_opts = true; break;
        default: return img_getopt_default(c, argv);
        }
    }
    if (optind != argc - 2) {
        return img_error_exit("Expecting two image file names");
    }
    BlockBackend *a = img_open(argv[optind], &oa, &err);
    BlockBackend *b = a ? img_open(argv[optind + 1], &ob, &err) : NULL;
    int ret = 2;
    if (a && b) {
        j.blk[0] = a;
        j.blk[1] = b;
        j.name[0] = argv[optind];
        j.name[1] = argv[optind + 1];
        j.progress &= !j.quiet;
        ret = compare_images(&j);
    } else {
        error_report_err(err);
    }
    if (b) {
        blk_unref(b);
    }
    if (a) {
        blk_unref(a);
    }
    return ret;
}
