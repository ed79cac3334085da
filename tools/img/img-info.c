/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plimsoll-img info, check, map and measure: the subcommands that inspect
 * an image.  They open it read-only (check -r excepted) and never write.
 *
 * Output shapes follow qemu-img 7.2: ImageInfo JSON (BLOCK-QMP-REFERENCE.md
 * 6), ImageCheck JSON and human text, MapEntry JSON lines, BlockMeasureInfo.
 * Exit codes of check: 0 clean, 1 check failed, 2 corruptions, 3 leaks,
 * 63 format without checks.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "tools/img/img.h"
#include "block/qcow2/qcow2-create.h"

enum { OPT_OUTPUT = 256, OPT_BACKING_CHAIN, OPT_IMAGE_OPTS, OPT_START,
       OPT_MAXLEN, OPT_SIZE, OPT_SHARE };

static char *img_full_backing(const char *filename, const char *backing)
{
    if (g_path_is_absolute(backing) || !strchr(filename, '/')) {
        return g_strdup(backing);
    }
    g_autofree char *dir = g_path_get_dirname(filename);
    return g_build_filename(dir, backing, NULL);
}

static struct json_object *img_snapshot_json(const BlockSnapshotInfo *sn)
{
    struct json_object *o = json_object_new_object();

    if (sn->icount != UINT64_MAX) {
        json_object_object_add(o, "icount",
                               json_object_new_int64((int64_t)sn->icount));
    }
    json_object_object_add(o, "vm-clock-nsec", json_object_new_int64(
                               (int64_t)(sn->vm_clock_nsec % 1000000000)));
    json_object_object_add(o, "name", json_object_new_string(sn->name));
    json_object_object_add(o, "date-sec", json_object_new_int64(sn->date_sec));
    json_object_object_add(o, "date-nsec",
                           json_object_new_int64(sn->date_nsec));
    json_object_object_add(o, "vm-clock-sec", json_object_new_int64(
                               (int64_t)(sn->vm_clock_nsec / 1000000000)));
    json_object_object_add(o, "id", json_object_new_string(sn->id_str));
    json_object_object_add(o, "vm-state-size",
                           json_object_new_int64((int64_t)sn->vm_state_size));
    return o;
}

/* The ImageInfo object of one node, in qemu-img's member order. */
static struct json_object *img_image_info(BlockDriverState *bs,
                                          const char *filename)
{
    struct json_object *o = json_object_new_object();
    const BlockDriver *drv = bs->drv;
    BlockDriverInfo bdi = { 0 };
    BlockSnapshotInfo *sn = NULL;
    int nsn = drv->snapshot_list ? drv->snapshot_list(bs, &sn) : 0;
    int64_t actual = bdrv_get_allocated_file_size(bs);

    if (drv->get_info) {
        drv->get_info(bs, &bdi);
    }
    if (bs->backing_file[0] && bs->backing_format[0]) {
        json_object_object_add(o, "backing-filename-format",
                               json_object_new_string(bs->backing_format));
    }
    if (nsn > 0) {
        struct json_object *a = json_object_new_array();
        for (int i = 0; i < nsn; i++) {
            json_object_array_add(a, img_snapshot_json(&sn[i]));
        }
        json_object_object_add(o, "snapshots", a);
    }
    g_free(sn);
    json_object_object_add(o, "virtual-size",
                           json_object_new_int64(bdrv_getlength(bs)));
    json_object_object_add(o, "filename", json_object_new_string(filename));
    if (bdi.cluster_size) {
        json_object_object_add(o, "cluster-size",
                               json_object_new_int(bdi.cluster_size));
    }
    json_object_object_add(o, "format",
                           json_object_new_string(drv->format_name));
    if (actual >= 0) {
        json_object_object_add(o, "actual-size", json_object_new_int64(actual));
    }
    struct json_object *fs = drv->get_specific_info ?
                             drv->get_specific_info(bs, NULL) : NULL;
    if (fs) {
        json_object_object_add(o, "format-specific", fs);
    }
    if (bs->backing_file[0]) {
        g_autofree char *full = img_full_backing(filename, bs->backing_file);
        json_object_object_add(o, "full-backing-filename",
                               json_object_new_string(full));
        json_object_object_add(o, "backing-filename",
                               json_object_new_string(bs->backing_file));
    }
    json_object_object_add(o, "dirty-flag",
                           json_object_new_boolean(bdi.is_dirty));
    return o;
}

static void img_print_snapshots(struct json_object *arr)
{
    printf("%-9s %-16s %8s%20s%13s%11s\n", "ID", "TAG", "VM SIZE", "DATE",
           "VM CLOCK", "ICOUNT");
    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        struct json_object *s = json_object_array_get_idx(arr, i), *v;
        time_t t = json_object_get_int64(json_object_object_get(s, "date-sec"));
        int64_t secs = json_object_get_int64(json_object_object_get(
                                                 s, "vm-clock-sec"));
        int64_t ns = json_object_get_int64(json_object_object_get(
                                               s, "vm-clock-nsec"));
        char date[32], clock[32], icount[24] = "";
        struct tm tm;
        localtime_r(&t, &tm);
        strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm);
        snprintf(clock, sizeof(clock), "%02d:%02d:%02d.%03d",
                 (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60),
                 (int)(ns / 1000000));
        if (json_object_object_get_ex(s, "icount", &v)) {
            snprintf(icount, sizeof(icount), "%lld",
                     (long long)json_object_get_int64(v));
        }
        g_autofree char *vs = img_size_str((uint64_t)json_object_get_int64(
            json_object_object_get(s, "vm-state-size")));
        printf("%-9s %-16s %8s%20s%13s%11s\n",
               json_object_get_string(json_object_object_get(s, "id")),
               json_object_get_string(json_object_object_get(s, "name")),
               vs, date, clock, icount);
    }
}

static void img_print_specific(struct json_object *fs)
{
    struct json_object *data = json_object_object_get(fs, "data");

    printf("Format specific information:\n");
    json_object_object_foreach(data, k, v) {
        g_autofree char *key = g_strdelimit(g_strdup(k), "-", ' ');
        printf("    %s: %s\n", key, json_object_get_string(v));
    }
}

static void img_print_info(struct json_object *o)
{
    struct json_object *v;
    int64_t vsize = json_object_get_int64(json_object_object_get(
                                              o, "virtual-size"));
    g_autofree char *vs = img_size_str((uint64_t)vsize);

    printf("image: %s\nfile format: %s\nvirtual size: %s (%lld bytes)\n",
           json_object_get_string(json_object_object_get(o, "filename")),
           json_object_get_string(json_object_object_get(o, "format")), vs,
           (long long)vsize);
    if (json_object_object_get_ex(o, "actual-size", &v)) {
        g_autofree char *as = img_size_str((uint64_t)json_object_get_int64(v));
        printf("disk size: %s\n", as);
    } else {
        printf("disk size: unavailable\n");
    }
    if (json_object_object_get_ex(o, "cluster-size", &v)) {
        printf("cluster_size: %d\n", json_object_get_int(v));
    }
    if (json_object_get_boolean(json_object_object_get(o, "dirty-flag"))) {
        printf("cleanly shut down: no\n");
    }
    if (json_object_object_get_ex(o, "backing-filename", &v)) {
        const char *full = json_object_get_string(json_object_object_get(
                                                      o, "full-backing-filename"));
        printf("backing file: %s", json_object_get_string(v));
        if (strcmp(full, json_object_get_string(v))) {
            printf(" (actual path: %s)", full);
        }
        printf("\n");
    }
    if (json_object_object_get_ex(o, "backing-filename-format", &v)) {
        printf("backing file format: %s\n", json_object_get_string(v));
    }
    if (json_object_object_get_ex(o, "snapshots", &v)) {
        printf("Snapshot list:\n");
        img_print_snapshots(v);
    }
    if (json_object_object_get_ex(o, "format-specific", &v)) {
        img_print_specific(v);
    }
}

int img_info(int argc, char **argv)
{
    static const struct option lopts[] = {
        { "output", required_argument, NULL, OPT_OUTPUT },
        { "backing-chain", no_argument, NULL, OPT_BACKING_CHAIN },
        { "image-opts", no_argument, NULL, OPT_IMAGE_OPTS },
        { "force-share", no_argument, NULL, 'U' },
        { "format", required_argument, NULL, 'f' },
        { NULL, 0, NULL, 0 },
    };
    ImgOpenOpts oo = { 0 };
    bool json = false, chain = false;
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
        case OPT_BACKING_CHAIN: chain = true; break;
        case OPT_IMAGE_OPTS: oo.image_opts = true; break;
        default: return img_getopt_default(c, argv);
        }
    }
    if (optind != argc - 1) {
        return img_error_exit("Expecting one image file name");
    }
    oo.no_backing = !chain;
    BlockBackend *blk = img_open(argv[optind], &oo, &err);
    if (!blk) {
        error_report_err(err);
        return 1;
    }
    struct json_object *all = json_object_new_array();
    g_autofree char *name = g_strdup(argv[optind]);
    for (BlockDriverState *bs = blk_bs(blk); bs; bs = bdrv_get_backing(bs)) {
        json_object_array_add(all, img_image_info(bs, name));
        if (!chain || !bs->backing_file[0]) {
            break;
        }
        char *next = img_full_backing(name, bs->backing_file);
        g_free(name);
        name = next;
    }
    if (json) {
        img_json_print(chain ? all : json_object_array_get_idx(all, 0));
    } else {
        for (size_t i = 0; i < json_object_array_length(all); i++) {
            printf(i ? "\n" : "");
            img_print_info(json_object_array_get_idx(all, i));
        }
    }
    json_object_put(all);
    blk_unref(blk);
    return 0;
}
