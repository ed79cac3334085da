/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plimsoll-img bench: qemu-img bench's I/O benchmark.  @count requests of
 * @size bytes, @depth in flight through the block backend's asynchronous
 * interface, at @offset + i * @step (wrapping at the end of the image),
 * reads or (-w) writes of --pattern, optionally flushing every
 * --flush-interval requests.  Output and defaults as qemu-img bench
 * (count 75000, depth 64, size 4 KiB, step = size, cache writeback).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tools/img/img.h"

enum { OPT_PATTERN = 256, OPT_FLUSH_INTERVAL, OPT_NO_DRAIN, OPT_IMAGE_OPTS,
       OPT_OBJECT };

typedef struct BenchState {
    BlockBackend *blk;
    GMainContext *ctx;
    bool write;
    uint64_t size, step, offset, image_size;
    int count, depth, in_flight, submitted, done;
    int flush_interval, since_flush;
    bool flushing;
    int ret;
} BenchState;

typedef struct BenchReq {
    BenchState *b;
    BlockIOV v;
    uint8_t *buf;
} BenchReq;

static void bench_submit(BenchState *b, BenchReq *r);

static void bench_flush_done(void *opaque, int ret)
{
    BenchReq *r = opaque;
    BenchState *b = r->b;

    b->flushing = false;
    b->in_flight--;
    if (ret < 0 && !b->ret) {
        b->ret = ret;
    }
    bench_submit(b, r);
}

static void bench_done(void *opaque, int ret)
{
    BenchReq *r = opaque;
    BenchState *b = r->b;

    b->in_flight--;
    b->done++;
    if (ret < 0 && !b->ret) {
        b->ret = ret;
    }
    if (b->flush_interval && ++b->since_flush >= b->flush_interval &&
        !b->flushing) {
        b->since_flush = 0;
        b->flushing = true;
        b->in_flight++;
        blk_aio_flush(b->blk, bench_flush_done, r);
        return;
    }
    bench_submit(b, r);
}

static void bench_submit(BenchState *b, BenchReq *r)
{
    if (b->submitted >= b->count || b->ret) {
        return;
    }
    b->submitted++;
    b->in_flight++;
    if (b->write) {
        blk_aio_pwritev(b->blk, (int64_t)b->offset, &r->v, 0, bench_done, r);
    } else {
        blk_aio_preadv(b->blk, (int64_t)b->offset, &r->v, 0, bench_done, r);
    }
    b->offset += b->step;
    if (b->offset + b->size > b->image_size) {
        b->offset = 0;
    }
}

static int bench_run(BenchState *b, int pattern)
{
    BenchReq *reqs = g_new0(BenchReq, b->depth);

    for (int i = 0; i < b->depth; i++) {
        reqs[i].b = b;
        if (posix_memalign((void **)&reqs[i].buf, 4096, b->size)) {
            abort();
        }
        memset(reqs[i].buf, pattern, b->size);
        block_iov_init_buf(&reqs[i].v, reqs[i].buf, b->size);
    }
    for (int i = 0; i < b->depth; i++) {
        bench_submit(b, &reqs[i]);
    }
    while (b->in_flight) {
        g_main_context_iteration(b->ctx, TRUE);
    }
    for (int i = 0; i < b->depth; i++) {
        free(reqs[i].buf);
    }
    g_free(reqs);
    return b->ret;
}

/* An integer in [@min, @max]; false after qemu-img's message. */
static bool bench_int(const char *arg, const char *what, long min, long max,
                      int *out)
{
    char *end;
    long v = strtol(arg, &end, 0);

    if (!*arg || *end || v < min || v > max) {
        error_report("Invalid %s specified", what);
        return false;
    }
    *out = (int)v;
    return true;
}

/* Returns -1 to go on, or the exit status. */
static int bench_parse(int argc, char **argv, BenchState *b,
                       ImgOpenOpts *oo, int *pattern)
{
    static const struct option lopts[] = {
        { "flush-interval", required_argument, NULL, OPT_FLUSH_INTERVAL },
        { "image-opts", no_argument, NULL, OPT_IMAGE_OPTS },
        { "pattern", required_argument, NULL, OPT_PATTERN },
        { "no-drain", no_argument, NULL, OPT_NO_DRAIN },
        { "object", required_argument, NULL, OPT_OBJECT },
        { "force-share", no_argument, NULL, 'U' },
        { NULL, 0, NULL, 0 },
    };
    uint64_t v;
    int c;

    while ((c = getopt_long(argc, argv, ":hc:d:f:ni:o:qs:S:t:wU", lopts,
                            NULL)) != -1) {
        switch (c) {
        case 'c':
            if (!bench_int(optarg, "request count", 0, INT32_MAX,
                           &b->count)) {
                return 1;
            }
            break;
        case 'd':
            /* qemu-img takes 0 and then hangs; refused here */
            if (!bench_int(optarg, "queue depth", 1, INT32_MAX, &b->depth)) {
                return 1;
            }
            break;
        case 'f': oo->fmt = optarg; break;
        case 'n': oo->aio = "native"; break;
        case 'i':
            /* native (Linux AIO in QEMU) is served by io_uring here. */
            if (strcmp(optarg, "io_uring") && strcmp(optarg, "native") &&
                strcmp(optarg, "threads")) {
                error_report("Invalid aio option: %s", optarg);
                return 1;
            }
            oo->aio = optarg;
            break;
        case 'o': case 's': case 'S':
            if (!img_parse_size(optarg, &v)) {
                error_report("Invalid %s specified", c == 'o' ? "offset"
                             : c == 's' ? "buffer size" : "step size");
                return 1;
            }
            *(c == 'o' ? &b->offset : c == 's' ? &b->size : &b->step) = v;
            break;
        case 'q': break;    /* qemu-img bench prints its lines anyway */
        case 't': {
            int flags = 0;
            if (!bdrv_parse_cache_mode(optarg, &flags, NULL)) {
                error_report("Invalid cache mode");
                return 1;
            }
            oo->cache = optarg;
            break;
        }
        case 'w': b->write = true; break;
        case OPT_PATTERN:
            if (!bench_int(optarg, "pattern byte", 0, 255, pattern)) {
                return 1;
            }
            break;
        case OPT_FLUSH_INTERVAL:
            if (!bench_int(optarg, "flush interval", 0, INT32_MAX,
                           &b->flush_interval)) {
                return 1;
            }
            break;
        case OPT_IMAGE_OPTS: oo->image_opts = true; break;
        case 'U': oo->force_share = true; break;
        case OPT_NO_DRAIN: case OPT_OBJECT: break;
        default: return img_getopt_default(c, argv);
        }
    }
    return -1;
}

static bool bench_direct(const char *cache)
{
    int flags = 0;

    return bdrv_parse_cache_mode(cache, &flags, NULL) &&
           (flags & BDRV_O_NOCACHE);
}

int img_bench(int argc, char **argv)
{
    BenchState b = { .count = 75000, .depth = 64, .size = 4096 };
    ImgOpenOpts oo = { .cache = "writeback" };
    int pattern = 0;
    Error *err = NULL;

    int status = bench_parse(argc, argv, &b, &oo, &pattern);
    if (status >= 0) {
        return status;
    }
    if (optind != argc - 1) {
        return img_error_exit("Expecting one image file name");
    }
    if (b.flush_interval && !b.write) {
        error_report("--flush-interval is only available in write tests");
        return 1;
    }
    if (b.flush_interval && b.flush_interval < b.depth) {
        error_report("Flush interval can't be smaller than depth");
        return 1;
    }
    b.step = b.step ? b.step : b.size;
    oo.writable = b.write;
    if (oo.aio && !strcmp(oo.aio, "native") && !bench_direct(oo.cache)) {
        /* QEMU's Linux AIO needs O_DIRECT; io_uring serves it here */
        error_report("Could not open '%s': aio=native was specified, but "
                     "it requires cache.direct=on, which was not "
                     "specified.", argv[optind]);
        return 1;
    }
    b.blk = img_open(argv[optind], &oo, &err);
    if (!b.blk) {
        error_report_err(err);
        return 1;
    }
    b.image_size = (uint64_t)blk_getlength(b.blk);
    b.ctx = g_main_context_new();
    blk_set_completion_context(b.blk, b.ctx);
    printf("Sending %d %s requests, %llu bytes each, %d in parallel "
           "(starting at offset %llu, step size %llu)\n", b.count,
           b.write ? "write" : "read", (unsigned long long)b.size, b.depth,
           (unsigned long long)b.offset, (unsigned long long)b.step);
    if (b.flush_interval) {
        printf("Sending flush every %d requests\n", b.flush_interval);
    }
    gint64 t0 = g_get_monotonic_time();
    int ret = bench_run(&b, pattern);
    if (ret == 0 && b.write && b.flush_interval) {
        ret = blk_flush(b.blk);
    }
    gint64 t1 = g_get_monotonic_time();
    if (ret < 0) {
        error_report("Failed request: %s", g_strerror(-ret));
    } else {
        printf("Run completed in %3.3f seconds.\n", (t1 - t0) / 1e6);
    }
    blk_set_completion_context(b.blk, NULL);
    blk_unref(b.blk);
    g_main_context_unref(b.ctx);
    return ret < 0;
}
