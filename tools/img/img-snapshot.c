/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plimsoll-img snapshot, commit and rebase.
 *
 * snapshot -l/-c/-a/-d: internal snapshots through the driver table, the
 * list printed as qemu-img prints it.  commit: copy what the top image
 * holds into its backing file, then empty the top image (unless -d).
 * rebase: -u rewrites only the backing file name; without -u every
 * cluster the image does not hold itself and on which the old and new
 * backing chains differ is first copied into the image.  Messages and exit
 * codes follow qemu-img 7.2.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "tools/img/img.h"
#include "block/qcow2/qcow2-bdrv.h"

#define IMG_CHUNK (1 << 20)

enum { OPT_IMAGE_OPTS = 256, OPT_OBJECT };

static void img_snapshot_list(BlockDriverState *bs)
{
    BlockSnapshotInfo *sn = NULL;
    int n = bs->drv->snapshot_list ? bs->drv->snapshot_list(bs, &sn) : 0;

    if (n <= 0) {
        /* qemu-img prints nothing, not even the heading */
        g_free(sn);
        return;
    }
    printf("Snapshot list:\n%-9s %-16s %8s%20s%13s%11s\n", "ID", "TAG",
           "VM SIZE", "DATE", "VM CLOCK", "ICOUNT");
    for (int i = 0; i < n; i++) {
        time_t t = sn[i].date_sec;
        uint64_t secs = sn[i].vm_clock_nsec / 1000000000;
        char date[32], clock[32], icount[24] = "";
        struct tm tm;
        localtime_r(&t, &tm);
        strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm);
        snprintf(clock, sizeof(clock), "%02d:%02d:%02d.%03d",
                 (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60),
                 (int)(sn[i].vm_clock_nsec % 1000000000 / 1000000));
        if (sn[i].icount != UINT64_MAX) {
            snprintf(icount, sizeof(icount), "%llu",
                     (unsigned long long)sn[i].icount);
        }
        g_autofree char *vs = img_size_str(sn[i].vm_state_size);
        printf("%-9s %-16s %8s%20s%13s%11s\n", sn[i].id_str, sn[i].name, vs,
               date, clock, icount);
    }
    g_free(sn);
}

static bool img_snapshot_named(BlockDriverState *bs, const char *name)
{
    BlockSnapshotInfo *sn = NULL;
    int n = bs->drv->snapshot_list ? bs->drv->snapshot_list(bs, &sn) : 0;
    bool found = false;

    for (int i = 0; i < n; i++) {
        found |= !strcmp(sn[i].name, name);
    }
    g_free(sn);
    return found;
}

static int img_snapshot_do(BlockDriverState *bs, char action,
                           const char *name)
{
    Error *err = NULL;
    int ret;

    switch (action) {
    case 'c': {
        BlockSnapshotInfo sn = { 0 };
        gint64 now = g_get_real_time();
        g_strlcpy(sn.name, name, sizeof(sn.name));
        sn.date_sec = (uint32_t)(now / 1000000);
        sn.date_nsec = (uint32_t)(now % 1000000 * 1000);
        ret = bs->drv->snapshot_create ? bs->drv->snapshot_create(bs, &sn)
                                       : -ENOTSUP;
        if (ret < 0) {
            error_report("Could not create snapshot '%s': %s", name,
                         g_strerror(-ret));
        }
        return ret < 0;
    }
    case 'a':
        ret = bs->drv->snapshot_goto ? bs->drv->snapshot_goto(bs, name)
                                     : -ENOTSUP;
        if (ret < 0) {
            error_report("Could not apply snapshot '%s': Failed to load "
                         "snapshot: %s", name, g_strerror(-ret));
        }
        return ret < 0;
    default:
        /* qemu-img snapshot -d takes a name, not an ID (unlike -a) */
        ret = !img_snapshot_named(bs, name) ? -ENOENT :
              bs->drv->snapshot_delete ?
              bs->drv->snapshot_delete(bs, name, &err) : -ENOTSUP;
        if (ret < 0) {
            error_report("Could not delete snapshot '%s': %s", name,
                         ret == -ENOENT ? "snapshot not found"
                                        : g_strerror(-ret));
            error_free(err);
        }
        return ret < 0;
    }
}

int img_snapshot(int argc, char **argv)
{
    static const struct option lopts[] = {
        { "image-opts", no_argument, NULL, OPT_IMAGE_OPTS },
        { "object", required_argument, NULL, OPT_OBJECT },
        { "force-share", no_argument, NULL, 'U' },
        { NULL, 0, NULL, 0 },
    };
    ImgOpenOpts oo = { 0 };
    const char *name = NULL;
    char action = 0;
    Error *err = NULL;
    int c;

    while ((c = getopt_long(argc, argv, ":la:c:d:f:hqU", lopts, NULL)) != -1) {
        switch (c) {
        case 'l': case 'a': case 'c': case 'd':
            if (action) {
                return img_error_exit("Cannot mix '-l', '-a', '-c', '-d'");
            }
            action = (char)c;
            name = optarg;
            break;
        case 'f': oo.fmt = optarg; break;
        case 'U': oo.force_share = true; break;
        case 'q': case OPT_OBJECT: break;
        case OPT_IMAGE_OPTS: oo.image_opts = true; break;
        default: return img_getopt_default(c, argv);
        }
    }
    if (optind != argc - 1) {
        return img_error_exit("Expecting one image file name");
    }
    /* Without an action qemu-img opens the image and does nothing. */
    oo.writable = action && action != 'l';
    oo.no_backing = true;
    BlockBackend *blk = img_open(argv[optind], &oo, &err);
    if (!blk) {
        error_report_err(err);
        return 1;
    }
    int ret = 0;
    if (action == 'l') {
        img_snapshot_list(blk_bs(blk));
    } else if (action) {
        ret = img_snapshot_do(blk_bs(blk), action, name);
    }
    blk_unref(blk);
    return ret;
}

/* Copy what @top and the layers above @chain_base hold into @base. */
static int img_commit_copy(BlockBackend *top, BlockDriverState *chain_base,
                           BlockBackend *base, bool progress)
{
    BlockDriverState *bs = blk_bs(top);
    int64_t len = blk_getlength(top);
    g_autofree uint8_t *buf = g_malloc(IMG_CHUNK);

    for (int64_t off = 0; off < len;) {
        int64_t pnum, map;
        BlockDriverState *file;
        int ret = bdrv_block_status_above(bs, chain_base, off,
                                          MIN(len - off, IMG_CHUNK),
                                          &pnum, &map, &file);
        if (ret < 0) {
            return ret;
        }
        if (ret & BDRV_BLOCK_ALLOCATED) {
            if (ret & BDRV_BLOCK_ZERO) {
                ret = blk_pwrite_zeroes(base, off, pnum, 0);
            } else {
                ret = blk_pread(top, off, pnum, buf, 0);
                if (ret >= 0) {
                    ret = blk_pwrite(base, off, pnum, buf, 0);
                }
            }
            if (ret < 0) {
                return ret;
            }
        }
        off += pnum;
        if (progress) {
            img_progress(off * 100.0 / len);
        }
    }
    return blk_flush(base);
}

/* Whether two names are the same file (as qemu-img -b matches them). */
static bool img_same_file(const char *a, const char *b)
{
    g_autofree char *ra = realpath(a, NULL), *rb = realpath(b, NULL);

    return !strcmp(a, b) || (ra && rb && !strcmp(ra, rb));
}

int img_commit(int argc, char **argv)
{
    static const struct option lopts[] = {
        { "image-opts", no_argument, NULL, OPT_IMAGE_OPTS },
        { "object", required_argument, NULL, OPT_OBJECT },
        { NULL, 0, NULL, 0 },
    };
    ImgOpenOpts oo = { .writable = true }, bo = { .writable = true };
    bool keep = false, progress = false, quiet = false;
    const char *base_name = NULL;
    Error *err = NULL;
    int c, ret = 1;

    while ((c = getopt_long(argc, argv, ":f:ht:b:dpqr:", lopts, NULL)) != -1) {
        switch (c) {
        case 'f': oo.fmt = optarg; break;
        case 't': oo.cache = bo.cache = optarg; break;
        case 'd': keep = true; break;
        case 'p': progress = true; break;
        case 'q': quiet = true; break;
        case 'b': base_name = optarg; keep = true; break;
        case 'r': case OPT_OBJECT: break;
        case OPT_IMAGE_OPTS: oo.image_opts = true; break;
        default: return img_getopt_default(c, argv);
        }
    }
    if (optind != argc - 1) {
        return img_error_exit("Expecting one image file name");
    }
    BlockBackend *top = img_open(argv[optind], &oo, &err), *base = NULL;
    BlockDriverState *b = top ? bdrv_get_backing(blk_bs(top)) : NULL;
    if (top && !b) {
        error_setg(&err, "Image does not have a backing file");
    }
    /* -b: the base is any image of the chain (-d is implied). */
    while (b && base_name && !img_same_file(bdrv_get_filename(b), base_name)) {
        b = bdrv_get_backing(b);
        if (!b) {
            error_setg(&err, "Did not find '%s' in the backing chain of "
                       "'%s'", base_name, argv[optind]);
        }
    }
    if (b) {
        /* The chain's read-only node of the base lets the writer in (QEMU
         * reopens that node read-write instead). */
        bdrv_perm_deactivate(b, true, NULL);
        bo.fmt = b->drv->format_name;
        base = img_open(bdrv_get_filename(b), &bo, &err);
    }
    if (base) {
        progress &= !quiet;
        if (progress) {
            img_progress(0);
        }
        ret = img_commit_copy(top, b, base, progress);
        if (ret == 0 && !keep && qcow2_bdrv_is_qcow2(blk_bs(top))) {
            ret = qcow2_bdrv_make_empty(blk_bs(top));
        }
        if (ret < 0) {
            error_setg(&err, "Failed to commit: %s", g_strerror(-ret));
        } else if (!quiet) {
            if (progress) {
                img_progress(100);
                img_progress_end();
            }
            printf("Image committed.\n");
        }
        ret = ret < 0;
    }
    if (err) {
        error_report_err(err);
    }
    if (base) {
        blk_unref(base);
    }
    if (top) {
        blk_unref(top);
    }
    return ret;
}

/* Copy into @top every cluster it does not hold where @newb differs. */
static int img_rebase_copy(BlockBackend *top, BlockBackend *newb,
                           bool progress)
{
    int64_t len = blk_getlength(top), nlen = newb ? blk_getlength(newb) : 0;
    g_autofree uint8_t *a = g_malloc(IMG_CHUNK), *b = g_malloc0(IMG_CHUNK);

    for (int64_t off = 0; off < len;) {
        int64_t pnum;
        int ret = bdrv_is_allocated(blk_bs(top), off,
                                    MIN(len - off, IMG_CHUNK), &pnum);
        if (ret < 0) {
            return ret;
        }
        if (!ret) {
            ret = blk_pread(top, off, pnum, a, 0);
            memset(b, 0, (size_t)pnum);
            if (ret >= 0 && newb && off < nlen) {
                ret = blk_pread(newb, off, MIN(pnum, nlen - off), b, 0);
            }
            if (ret >= 0 && memcmp(a, b, (size_t)pnum)) {
                ret = blk_pwrite(top, off, pnum, a, 0);
            }
            if (ret < 0) {
                return ret;
            }
        }
        off += pnum;
        if (progress) {
            img_progress(off * 100.0 / len);
        }
    }
    return 0;
}

static BlockBackend *img_rebase_open_new(const char *top, const char *nb,
                                         const char *nfmt, Error **errp)
{
    struct json_object *opts = json_object_new_object();
    g_autofree char *path = NULL;
    BlockBackend *blk;

    if (g_path_is_absolute(nb) || !strchr(top, '/')) {
        path = g_strdup(nb);
    } else {
        g_autofree char *dir = g_path_get_dirname(top);
        path = g_build_filename(dir, nb, NULL);
    }
    if (nfmt) {
        json_object_object_add(opts, "driver", json_object_new_string(nfmt));
    }
    blk = blk_new_open(path, opts, 0, errp);
    json_object_put(opts);
    if (!blk) {
        error_prepend(errp, "Could not open new backing file '%s': ", nb);
    }
    return blk;
}

int img_rebase(int argc, char **argv)
{
    static const struct option lopts[] = {
        { "image-opts", no_argument, NULL, OPT_IMAGE_OPTS },
        { "object", required_argument, NULL, OPT_OBJECT },
        { "force-share", no_argument, NULL, 'U' },
        { NULL, 0, NULL, 0 },
    };
    ImgOpenOpts oo = { .writable = true };
    const char *nb = NULL, *nfmt = NULL;
    bool unsafe = false, progress = false, quiet = false;
    Error *err = NULL;
    int c, ret = 1;

    while ((c = getopt_long(argc, argv, ":hf:F:b:upt:T:qU", lopts, NULL))
           != -1) {
        switch (c) {
        case 'f': oo.fmt = optarg; break;
        case 'F': nfmt = optarg; break;
        case 'b': nb = optarg; break;
        case 'u': unsafe = true; break;
        case 'p': progress = true; break;
        case 'q': quiet = true; break;
        case 't': oo.cache = optarg; break;
        case 'T': case 'U': case OPT_OBJECT: break;
        case OPT_IMAGE_OPTS: oo.image_opts = true; break;
        default: return img_getopt_default(c, argv);
        }
    }
    if (optind != argc - 1) {
        return img_error_exit("Expecting one image file name");
    }
    if (!nb) {
        return img_error_exit("Must specify backing file (-b) or use unsafe "
                              "mode (-u)");
    }
    oo.no_backing = unsafe;
    BlockBackend *top = img_open(argv[optind], &oo, &err), *newb = NULL;
    if (top && !unsafe && *nb) {
        newb = img_rebase_open_new(argv[optind], nb, nfmt, &err);
    }
    if (top && *nb && !nfmt && (unsafe || newb)) {
        /* qemu-img copies first and then fails; this changes nothing */
        error_setg(&err, "Could not change the backing file to '%s': "
                   "backing format must be specified", nb);
    } else if (top && (unsafe || !*nb || newb)) {
        progress &= !quiet;
        if (progress) {
            img_progress(0);
        }
        int r = unsafe ? 0 : img_rebase_copy(top, newb, progress);
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "backing_file", json_object_new_string(nb));
        if (nfmt) {
            json_object_object_add(o, "backing_fmt",
                                   json_object_new_string(nfmt));
        }
        BlockDriverState *bs = blk_bs(top);
        if (r < 0) {
            error_setg(&err, "Could not rebase: %s", g_strerror(-r));
        } else if (!bs->drv->amend) {
            error_setg(&err, "Could not change the backing file to '%s': "
                       "%s", nb, g_strerror(ENOTSUP));
        } else if (bs->drv->amend(bs, o, false, &err)) {
            ret = 0;
        }
        json_object_put(o);
        if (progress) {
            img_progress(100);
            img_progress_end();
        }
    }
    if (err) {
        error_report_err(err);
    }
    if (newb) {
        blk_unref(newb);
    }
    if (top) {
        blk_unref(top);
    }
    return ret;
}
