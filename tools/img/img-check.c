/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plimsoll-img check, map and measure.
 *
 * check: the driver's consistency check (and repair with -r leaks|all,
 * then a second check of the repaired image), human text or ImageCheck
 * JSON, qemu-img's exit codes (0 clean, 1 check failed, 2 corruptions,
 * 3 leaks, 63 no checks for this format).  map: allocation of every byte
 * of the chain as MapEntry JSON lines or the human offset table.
 * measure: BlockMeasureInfo for a new image of a size or of an image's
 * data.  Reference: QEMU's qemu-img manual and its outputs.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "tools/img/img.h"
#include "block/qcow2/qcow2-create.h"
#include "block/qcow2/qcow2-bdrv.h"

enum { OPT_OUTPUT = 256, OPT_IMAGE_OPTS, OPT_START, OPT_MAXLEN, OPT_SIZE,
       OPT_OBJECT };

static void img_check_human(const BdrvCheckResult *r)
{
    if (!r->corruptions && !r->leaks && !r->check_errors) {
        printf("No errors were found on the image.\n");
    } else {
        if (r->corruptions) {
            printf("\n%d errors were found on the image.\nData may be "
                   "corrupted, or further writes to the image may corrupt "
                   "it.\n", r->corruptions);
        }
        if (r->leaks) {
            printf("\n%d leaked clusters were found on the image.\nThis "
                   "means waste of disk space, but no harm to data.\n",
                   r->leaks);
        }
        if (r->check_errors) {
            printf("\n%d internal errors have occurred during the check.\n",
                   r->check_errors);
        }
    }
    if (r->total_clusters && r->allocated_clusters) {
        printf("%lld/%lld = %0.2f%% allocated, %0.2f%% fragmented, %0.2f%% "
               "compressed clusters\n", (long long)r->allocated_clusters,
               (long long)r->total_clusters,
               r->allocated_clusters * 100.0 / r->total_clusters,
               r->fragmented_clusters * 100.0 / r->allocated_clusters,
               r->compressed_clusters * 100.0 / r->allocated_clusters);
    }
    if (r->image_end_offset > 0) {
        printf("Image end offset: %lld\n", (long long)r->image_end_offset);
    }
}

static void img_add_nz(struct json_object *o, const char *k, int64_t v)
{
    if (v) {
        json_object_object_add(o, k, json_object_new_int64(v));
    }
}

static void img_check_json(const BdrvCheckResult *r, const char *filename,
                           const char *fmt)
{
    struct json_object *o = json_object_new_object();

    /* qemu-img's member order (its QDict's) */
    img_add_nz(o, "image-end-offset", r->image_end_offset);
    img_add_nz(o, "compressed-clusters", r->compressed_clusters);
    img_add_nz(o, "total-clusters", r->total_clusters);
    img_add_nz(o, "corruptions", r->corruptions);
    img_add_nz(o, "corruptions-fixed", r->corruptions_fixed);
    json_object_object_add(o, "check-errors",
                           json_object_new_int(r->check_errors));
    img_add_nz(o, "leaks", r->leaks);
    img_add_nz(o, "leaks-fixed", r->leaks_fixed);
    img_add_nz(o, "allocated-clusters", r->allocated_clusters);
    json_object_object_add(o, "filename", json_object_new_string(filename));
    json_object_object_add(o, "format", json_object_new_string(fmt));
    img_add_nz(o, "fragmented-clusters", r->fragmented_clusters);
    img_json_print(o);
    json_object_put(o);
}

static int img_check_run(BlockDriverState *bs, int fix, bool quiet,
                         BdrvCheckResult *r)
{
    int ret;

    memset(r, 0, sizeof(*r));
    ret = bs->drv->check(bs, r, (BdrvCheckMode)fix);
    if (fix && (r->leaks_fixed || r->corruptions_fixed)) {
        int lf = r->leaks_fixed, cf = r->corruptions_fixed;
        if (!quiet) {
            printf("The following inconsistencies were found and repaired:"
                   "\n\n    %d leaked clusters\n    %d corruptions\n\n"
                   "Double checking the fixed image now...\n", lf, cf);
        }
        memset(r, 0, sizeof(*r));
        ret = bs->drv->check(bs, r, 0);
        r->leaks_fixed = lf;
        r->corruptions_fixed = cf;
    }
    return ret;
}

int img_check(int argc, char **argv)
{
    static const struct option lopts[] = {
        { "output", required_argument, NULL, OPT_OUTPUT },
        { "repair", required_argument, NULL, 'r' },
        { "image-opts", no_argument, NULL, OPT_IMAGE_OPTS },
        { "force-share", no_argument, NULL, 'U' },
        { "format", required_argument, NULL, 'f' },
        { NULL, 0, NULL, 0 },
    };
    ImgOpenOpts oo = { 0 };
    bool json = false, quiet = false;
    int fix = 0, c;
    Error *err = NULL;

    while ((c = getopt_long(argc, argv, ":f:hr:T:qU", lopts, NULL)) != -1) {
        switch (c) {
        case 'f': oo.fmt = optarg; break;
        case 'q': quiet = true; break;
        case 'T': break;
        case 'U': oo.force_share = true; break;
        case 'r':
            if (!strcmp(optarg, "leaks")) {
                fix = BDRV_FIX_LEAKS;
            } else if (!strcmp(optarg, "all")) {
                fix = BDRV_FIX_LEAKS | BDRV_FIX_ERRORS;
            } else {
                return img_error_exit("Unknown option value for -r "
                                      "(expecting 'leaks' or 'all'): %s",
                                      optarg);
            }
            break;
        case OPT_OUTPUT:
            if (!img_output_json(optarg, &json)) {
                return 1;
            }
            break;
        case OPT_IMAGE_OPTS: oo.image_opts = true; break;
        default: return img_getopt_default(c, argv);
        }
    }
    if (optind != argc - 1) {
        return img_error_exit("Expecting one image file name");
    }
    oo.writable = fix != 0;
    oo.check = fix != 0;
    oo.no_backing = true;
    BlockBackend *blk = img_open(argv[optind], &oo, &err);
    if (!blk) {
        error_report_err(err);
        return 1;
    }
    BlockDriverState *bs = blk_bs(blk);
    if (!bs->drv->check) {
        error_report("This image format does not support checks");
        blk_unref(blk);
        return 63;
    }
    BdrvCheckResult r;
    int ret = img_check_run(bs, fix, quiet || json, &r);
    if (ret < 0) {
        /* The check could not finish: no counts to show (qemu-img). */
        error_report("Check failed: %s", g_strerror(-ret));
    } else if (json) {
        img_check_json(&r, argv[optind], bs->drv->format_name);
    } else if (!quiet) {
        img_check_human(&r);
    }
    if (ret == 0 && r.check_errors) {
        fflush(stdout);
        error_report("Check failed");
    }
    blk_unref(blk);
    if (ret < 0 || r.check_errors) {
        return 1;
    }
    return r.corruptions ? 2 : r.leaks ? 3 : 0;
}

typedef struct MapEntry {
    int64_t start, length, offset;
    int depth;
    bool present, zero, data, has_offset;
    const char *file;
} MapEntry;

static int img_map_one(BlockDriverState *top, int64_t off, int64_t len,
                       MapEntry *e)
{
    BlockDriverState *bs = top, *file;
    int64_t pnum, map;
    int depth = 0, ret;

    for (;;) {
        ret = bdrv_block_status(bs, off, len, &pnum, &map, &file);
        if (ret < 0) {
            return ret;
        }
        len = pnum;
        if ((ret & BDRV_BLOCK_ALLOCATED) || !bdrv_get_backing(bs) ||
            off >= bdrv_getlength(bdrv_get_backing(bs))) {
            break;
        }
        bs = bdrv_get_backing(bs);
        depth++;
    }
    if ((ret & BDRV_BLOCK_RECURSE) && file) {
        int64_t p2, m2;
        BlockDriverState *f2;
        int r2 = bdrv_block_status(file, map, pnum, &p2, &m2, &f2);
        if (r2 >= 0 && (r2 & BDRV_BLOCK_ZERO)) {
            ret |= BDRV_BLOCK_ZERO;
        }
        if (r2 >= 0 && p2 > 0 && p2 < pnum) {
            pnum = p2;
        }
    }
    *e = (MapEntry) {
        .start = off, .length = pnum, .depth = depth,
        .present = !!(ret & BDRV_BLOCK_ALLOCATED),
        .zero = !!(ret & BDRV_BLOCK_ZERO), .data = !!(ret & BDRV_BLOCK_DATA),
        .has_offset = !!(ret & BDRV_BLOCK_OFFSET_VALID), .offset = map,
        .file = file ? bdrv_get_filename(file) : NULL,
    };
    if (!e->present && !bdrv_get_backing(bs)) {
        e->zero = true;
    }
    return 0;
}

static bool img_map_mergeable(const MapEntry *a, const MapEntry *b)
{
    return a->depth == b->depth && a->present == b->present &&
           a->zero == b->zero && a->data == b->data &&
           a->has_offset == b->has_offset &&
           (!a->has_offset || a->offset + a->length == b->offset) &&
           (a->file == b->file || (a->file && b->file &&
                                   !strcmp(a->file, b->file)));
}

/* One map line; false for data without an offset (human form only). */
static bool img_map_print(const MapEntry *e, bool json, bool first)
{
    if (json) {
        printf("%s{ \"start\": %lld, \"length\": %lld, \"depth\": %d, "
               "\"present\": %s, \"zero\": %s, \"data\": %s",
               first ? "[" : ",\n", (long long)e->start,
               (long long)e->length, e->depth, e->present ? "true" : "false",
               e->zero ? "true" : "false", e->data ? "true" : "false");
        if (e->has_offset) {
            printf(", \"offset\": %lld", (long long)e->offset);
        }
        printf("}");
    } else if (e->data && !e->has_offset) {
        return false;
    } else if (e->data && e->has_offset) {
        printf("%#-16llx%#-16llx%#-16llx%s\n", (unsigned long long)e->start,
               (unsigned long long)e->length, (unsigned long long)e->offset,
               e->file ? e->file : "");
    }
    return true;
}

int img_map(int argc, char **argv)
{
    static const struct option lopts[] = {
        { "output", required_argument, NULL, OPT_OUTPUT },
        { "image-opts", no_argument, NULL, OPT_IMAGE_OPTS },
        { "start-offset", required_argument, NULL, OPT_START },
        { "max-length", required_argument, NULL, OPT_MAXLEN },
        { "force-share", no_argument, NULL, 'U' },
        { "format", required_argument, NULL, 'f' },
        { NULL, 0, NULL, 0 },
    };
    ImgOpenOpts oo = { 0 };
    bool json = false;
    uint64_t start = 0, maxlen = UINT64_MAX;
    Error *err = NULL;
    int c;

    while ((c = getopt_long(argc, argv, ":f:hU", lopts, NULL)) != -1) {
        switch (c) {
        case 'f': oo.fmt = optarg; break;
        case 'U': oo.force_share = true; break;
        case OPT_OUTPUT:
            if (!img_output_json(optarg, &json)) {
                return 1;
            }
            break;
        case OPT_IMAGE_OPTS: oo.image_opts = true; break;
        case OPT_START:
            if (!img_parse_size(optarg, &start)) {
                error_report("Invalid start offset specified! You may use "
                             "k, M, G, T, P or E suffixes for ");
                return 1;
            }
            break;
        case OPT_MAXLEN:
            if (!img_parse_size(optarg, &maxlen)) {
                error_report("Invalid max length specified! You may use "
                             "k, M, G, T, P or E suffixes for ");
                return 1;
            }
            break;
        default: return img_getopt_default(c, argv);
        }
    }
    if (optind != argc - 1) {
        return img_error_exit("Expecting one image file name");
    }
    BlockBackend *blk = img_open(argv[optind], &oo, &err);
    if (!blk) {
        error_report_err(err);
        return 1;
    }
    BlockDriverState *bs = blk_bs(blk);
    int64_t end = bdrv_getlength(bs);
    if (maxlen != UINT64_MAX && start + maxlen < (uint64_t)end) {
        end = (int64_t)(start + maxlen);
    }
    if (!json) {
        printf("%-16s%-16s%-16s%s\n", "Offset", "Length", "Mapped to",
               "File");
    }
    MapEntry cur = { 0 }, next;
    bool have = false, first = true;
    int ret = 0;
    for (int64_t off = (int64_t)start; off < end; off += next.length) {
        ret = img_map_one(bs, off, MIN(end - off, 1ll << 30), &next);
        if (ret < 0) {
            error_report("Could not read file metadata: %s",
                         g_strerror(-ret));
            break;
        }
        if (have && img_map_mergeable(&cur, &next)) {
            cur.length += next.length;
            continue;
        }
        if (have && !img_map_print(&cur, json, first)) {
            ret = -ENOTSUP;
            break;
        }
        first = !have && first;
        cur = next;
        have = true;
    }
    if (have && ret == 0 && !img_map_print(&cur, json, first)) {
        ret = -ENOTSUP;
    }
    if (ret == -ENOTSUP) {
        error_report("File contains external, encrypted or compressed "
                     "clusters.");
    }
    if (json) {
        printf("]\n");
    }
    blk_unref(blk);
    return ret < 0 ? 1 : 0;
}

/* Bytes of clusters (of @cs) holding data anywhere in @bs's chain. */
static int64_t img_measure_data(BlockDriverState *bs, uint64_t cs)
{
    int64_t len = bdrv_getlength(bs), total = 0, last_cluster = -1;

    for (int64_t off = 0; off < len;) {
        int64_t pnum, map;
        BlockDriverState *f;
        int ret = bdrv_block_status_above(bs, NULL, off, len - off, &pnum,
                                          &map, &f);
        if (ret < 0) {
            return ret;
        }
        if ((ret & BDRV_BLOCK_DATA) && !(ret & BDRV_BLOCK_ZERO)) {
            int64_t a = off / (int64_t)cs, b = (off + pnum - 1) / (int64_t)cs;
            if (a == last_cluster) {
                a++;
            }
            if (b >= a) {
                total += (b - a + 1) * (int64_t)cs;
            }
            last_cluster = b;
        }
        off += pnum;
    }
    return total;
}

/* What qemu-img measure needs to know about the output image. */
typedef struct MeasureTarget {
    uint64_t cs;
    uint32_t order;
    bool v3;
    bool all_data;      /* preallocation=falloc|full, or a backing file */
} MeasureTarget;

static bool img_measure_target(struct json_object *o, MeasureTarget *t,
                               Error **errp)
{
    Qcow2CreateOpts co;

    qcow2_create_opts_init(&co);
    bool ok = qcow2_create_opts_take(&co, o, errp) &&
              qcow2_create_opts_validate(&co, errp);
    t->cs = co.cluster_size;
    t->order = (uint32_t)__builtin_ctzll(co.refcount_bits);
    t->v3 = co.version >= 3;
    t->all_data = co.prealloc == QCOW2_PREALLOC_FALLOC ||
                  co.prealloc == QCOW2_PREALLOC_FULL || co.backing_file;
    qcow2_create_opts_clear(&co);
    return ok;
}

/* The source can carry persistent bitmaps: a qcow2 v3 image. */
static bool img_measure_bitmaps(BlockDriverState *bs)
{
    struct json_object *fs, *d, *compat;
    bool v3 = false;

    if (!qcow2_bdrv_is_qcow2(bs) || !bs->drv->get_specific_info) {
        return false;
    }
    fs = bs->drv->get_specific_info(bs, NULL);
    if (fs && json_object_object_get_ex(fs, "data", &d) &&
        json_object_object_get_ex(d, "compat", &compat)) {
        v3 = !strcmp(json_object_get_string(compat), "1.1");
    }
    json_object_put(fs);
    return v3;
}

/* qemu-img measure's output (bitmaps: the source can carry some). */
static void img_measure_print(bool json, uint64_t req, uint64_t full,
                              bool bitmaps)
{
    if (!json) {
        printf("required size: %llu\nfully allocated size: %llu\n",
               (unsigned long long)req, (unsigned long long)full);
        printf(bitmaps ? "bitmaps size: 0\n" : "");
        return;
    }
    struct json_object *o = json_object_new_object();
    if (bitmaps) {
        json_object_object_add(o, "bitmaps", json_object_new_int(0));
    }
    json_object_object_add(o, "required", json_object_new_int64(req));
    json_object_object_add(o, "fully-allocated", json_object_new_int64(full));
    img_json_print(o);
    json_object_put(o);
}

int img_measure(int argc, char **argv)
{
    static const struct option lopts[] = {
        { "output", required_argument, NULL, OPT_OUTPUT },
        { "size", required_argument, NULL, OPT_SIZE },
        { "image-opts", no_argument, NULL, OPT_IMAGE_OPTS },
        { "object", required_argument, NULL, OPT_OBJECT },
        { "force-share", no_argument, NULL, 'U' },
        { NULL, 0, NULL, 0 },
    };
    ImgOpenOpts oo = { 0 };
    const char *ofmt = "raw";
    struct json_object *copts = json_object_new_object();
    bool json = false, have_size = false;
    MeasureTarget t = { .cs = 65536, .order = 4, .v3 = true };
    uint64_t size = 0;
    int64_t data = -1;
    bool bitmaps = false;
    Error *err = NULL;
    int c, ret = 1;

    while ((c = getopt_long(argc, argv, ":hf:O:o:l:U", lopts, NULL)) != -1) {
        switch (c) {
        case 'f': oo.fmt = optarg; break;
        case 'O': ofmt = optarg; break;
        case 'U': oo.force_share = true; break;
        case 'l': case OPT_OBJECT: break;
        case 'o':
            if (!img_opts_merge(copts, optarg, &err)) {
                goto out;
            }
            break;
        case OPT_OUTPUT:
            if (!img_output_json(optarg, &json)) {
                goto out;
            }
            break;
        case OPT_IMAGE_OPTS: oo.image_opts = true; break;
        case OPT_SIZE:
            if (!img_parse_size(optarg, &size)) {
                error_setg(&err, "Invalid image size specified. Must be "
                           "between 0 and 9223372036854775807.");
                goto out;
            }
            have_size = true;
            break;
        default:
            ret = img_getopt_default(c, argv);
            goto out;
        }
    }
    if (have_size == (optind < argc)) {
        error_setg(&err, have_size ? "--size N cannot be used together "
                   "with a filename." : "Either --size N or one filename "
                   "must be specified.");
        goto out;
    }
    if (strcmp(ofmt, "qcow2") && strcmp(ofmt, "raw")) {
        error_setg(&err, "Unknown file format '%s'", ofmt);
        goto out;
    }
    bool qcow2 = !strcmp(ofmt, "qcow2");
    if (qcow2 && !img_measure_target(copts, &t, &err)) {
        goto out;
    }
    if (!have_size) {
        BlockBackend *blk = img_open(argv[optind], &oo, &err);
        if (!blk) {
            goto out;
        }
        size = (uint64_t)blk_getlength(blk);
        data = qcow2 ? img_measure_data(blk_bs(blk), t.cs) : 0;
        bitmaps = qcow2 && t.v3 && img_measure_bitmaps(blk_bs(blk));
        blk_unref(blk);
        if (data < 0) {
            error_setg(&err, "Unable to get block status");
            goto out;
        }
    }
    /*
     * qemu-img's sums: raw needs the (sector-rounded) size; qcow2 needs
     * the metadata of a fully allocated image plus the data clusters
     * (all of them when preallocated or over a backing file).
     */
    uint64_t vsize = qcow2 ? (size + t.cs - 1) / t.cs * t.cs
                           : (have_size ? (size + 511) / 512 * 512 : size);
    uint64_t meta = qcow2 ? qcow2_measure_meta(size, t.cs, t.order) : 0;
    uint64_t full = meta + vsize;
    uint64_t req = !qcow2 || t.all_data ? full
                                        : meta + (uint64_t)MAX(data, 0);
    img_measure_print(json, req, full, bitmaps);
    ret = 0;
out:
    if (err) {
        error_report_err(err);
    }
    json_object_put(copts);
    return ret;
}
