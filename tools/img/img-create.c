/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plimsoll-img create, resize, amend, snapshot, commit and rebase: the
 * subcommands that make or change an image.
 *
 * Command lines, messages and exit codes follow qemu-img 7.2 (QEMU's
 * qemu-img manual): create prints "Formatting '...', fmt=... opts" with
 * the options in qemu-img's order; resize takes [+|-]size and refuses to
 * shrink a format image without --shrink; snapshot -l prints the table of
 * qemu-img; commit copies the top image's data into its backing file and
 * empties it unless -d; rebase -u only rewrites the backing file name,
 * safe rebase first copies into the image every cluster the old and new
 * backing chains disagree on.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "tools/img/img.h"
#include "block/qcow2/qcow2-bdrv.h"

enum { OPT_SHRINK = 256, OPT_PREALLOC, OPT_IMAGE_OPTS, OPT_OBJECT };

static bool img_check_create_opts(const char *fmt, struct json_object *o,
                                  Error **errp)
{
    const BlockDriver *drv = bdrv_find_format(fmt);

    if (!drv || !drv->create) {
        error_setg(errp, drv ? "Format driver '%s' does not support image "
                   "creation" : "Unknown file format '%s'", fmt);
        return false;
    }
    json_object_object_foreach(o, k, v) {
        bool known = false;
        for (int i = 0; drv->create_opts && drv->create_opts[i]; i++) {
            known |= !strcmp(k, drv->create_opts[i]);
        }
        if (!known) {
            error_setg(errp, "Invalid parameter '%s'", k);
            return false;
        }
        (void)v;
    }
    return true;
}

/* -o values of size options must parse (before the size argument). */
static bool img_check_size_opts(struct json_object *o, Error **errp)
{
    json_object_object_foreach(o, k, v) {
        uint64_t n;
        if ((!strcmp(k, "size") || !strcmp(k, "cluster_size")) &&
            !img_parse_size(json_object_get_string(v), &n)) {
            error_setg(errp, "Parameter '%s' expects a non-negative number "
                       "below 2^64", k);
            error_append_hint(errp, "Optional suffix k, M, G, T, P or E "
                              "means kilo-, mega-, giga-, tera-, peta-\nand "
                              "exabytes, respectively.\n");
            return false;
        }
    }
    return true;
}

static void img_print_formatting(const char *file, const char *fmt,
                                 struct json_object *o)
{
    static const char *const qcow2_order[][2] = {
        { "cluster_size", "65536" }, { "extended_l2", "off" },
        { "preallocation", NULL }, { "compression_type", "zlib" },
        { "size", "0" }, { "compat", NULL }, { "backing_file", NULL },
        { "backing_fmt", NULL }, { "lazy_refcounts", "off" },
        { "refcount_bits", "16" },
    };
    struct json_object *v;

    printf("Formatting '%s', fmt=%s", file, fmt);
    if (strcmp(fmt, "qcow2")) {
        json_object_object_foreach(o, k, val) {
            printf(" %s=%s", k, json_object_get_string(val));
        }
        printf("\n");
        return;
    }
    for (unsigned i = 0; i < G_N_ELEMENTS(qcow2_order); i++) {
        const char *k = qcow2_order[i][0];
        if (json_object_object_get_ex(o, k, &v)) {
            uint64_t n;
            const char *s = json_object_get_string(v);
            if ((!strcmp(k, "size") || !strcmp(k, "cluster_size")) &&
                img_parse_size(s, &n)) {
                printf(" %s=%llu", k, (unsigned long long)n);
            } else {
                printf(" %s=%s", k, s);
            }
        } else if (qcow2_order[i][1]) {
            printf(" %s=%s", k, qcow2_order[i][1]);
        }
    }
    printf("\n");
}

/*
 * The backing file rules of qemu-img create: a name that is neither empty
 * nor the image's own, a backing format, and without a size the backing
 * image's size (it is opened unless -u).  Relative backing names are
 * relative to the new image's directory.
 */
static bool img_create_backing(const char *file, struct json_object *o,
                               bool no_open, Error **errp)
{
    struct json_object *b, *f;
    struct { const char *fmt; } oo = { NULL };
    g_autofree char *path = NULL;
    bool has_size = json_object_object_get_ex(o, "size", NULL);

    if (!json_object_object_get_ex(o, "backing_file", &b)) {
        goto need_size;
    }
    const char *bf = json_object_get_string(b);
    if (!strcmp(bf, file)) {
        error_setg(errp, "Error: Trying to create an image with the same "
                   "filename as the backing file");
        return false;
    }
    if (!*bf) {
        error_setg(errp, "Expected backing file name, got empty string");
        return false;
    }
    if (json_object_object_get_ex(o, "backing_fmt", &f)) {
        oo.fmt = json_object_get_string(f);
    }
    if (no_open) {
        if (!oo.fmt) {
            error_setg(errp, "Backing file specified without backing format");
            return false;
        }
        goto need_size;
    }
    if (g_path_is_absolute(bf) || !strchr(file, '/')) {
        path = g_strdup(bf);
    } else {
        g_autofree char *dir = g_path_get_dirname(file);
        path = g_build_filename(dir, bf, NULL);
    }
    struct json_object *opts = json_object_new_object();
    if (oo.fmt) {
        json_object_object_add(opts, "driver", json_object_new_string(oo.fmt));
    }
    BlockBackend *blk = blk_new_open(path, opts, 0, errp);
    json_object_put(opts);
    if (!blk) {
        error_append_hint(errp, "Could not open backing image.\n");
        return false;
    }
    if (!oo.fmt) {
        error_setg(errp, "Backing file specified without backing format");
        error_append_hint(errp, "Detected format of %s.",
                          blk_bs(blk)->drv->format_name);
        blk_unref(blk);
        return false;
    }
    if (!has_size) {
        char num[32];
        snprintf(num, sizeof(num), "%lld", (long long)blk_getlength(blk));
        json_object_object_add(o, "size", json_object_new_string(num));
        has_size = true;
    }
    blk_unref(blk);
need_size:
    if (!has_size) {
        error_setg(errp, "Image creation needs a size parameter");
        return false;
    }
    return true;
}

/*
 * The -o size values and the optional size argument (@argc words left in
 * @argv) into @o["size"].  Returns 0, or the exit status (1) after the
 * message or with *@errp set.
 */
static int img_create_size(const char *file, int argc, char **argv,
                           struct json_object *o, Error **errp)
{
    uint64_t size;
    char num[32];

    if (!img_check_size_opts(o, errp)) {
        error_prepend(errp, "%s: ", file);
        return 1;
    }
    if (argc && json_object_object_get_ex(o, "size", NULL)) {
        error_setg(errp, "%s: The image size must be specified only once",
                   file);
        return 1;
    }
    if (argc && !img_parse_size(argv[0], &size)) {
        error_report("Invalid image size specified. You may use k, M, G, T, "
                     "P or E suffixes for");
        error_report("kilobytes, megabytes, gigabytes, terabytes, petabytes "
                     "and exabytes.");
        return 1;
    }
    if (argc) {
        snprintf(num, sizeof(num), "%llu", (unsigned long long)size);
        json_object_object_add(o, "size", json_object_new_string(num));
    }
    if (argc > 1) {
        return img_error_exit("Unexpected argument: %s", argv[1]);
    }
    return 0;
}

int img_create(int argc, char **argv)
{
    static const struct option lopts[] = {
        { "object", required_argument, NULL, OPT_OBJECT },
        { NULL, 0, NULL, 0 },
    };
    const char *fmt = "raw", *backing = NULL, *bfmt = NULL;
    struct json_object *o = json_object_new_object();
    bool quiet = false, no_open = false;
    Error *err = NULL;
    int c, ret = 1;

    while ((c = getopt_long(argc, argv, ":F:b:f:ho:qu", lopts, NULL)) != -1) {
        switch (c) {
        case 'f': fmt = optarg; break;
        case 'b': backing = optarg; break;
        case 'F': bfmt = optarg; break;
        case 'q': quiet = true; break;
        case 'u': no_open = true; break;
        case OPT_OBJECT: break;
        case 'o':
            if (!img_opts_merge(o, optarg, &err)) {
                goto out;
            }
            break;
        default:
            ret = img_getopt_default(c, argv);
            goto out;
        }
    }
    if (optind >= argc) {
        ret = img_error_exit("Expecting image file name");
        goto out;
    }
    const char *file = argv[optind++];
    ret = img_create_size(file, argc - optind, argv + optind, o, &err);
    if (ret) {
        goto out;
    }
    ret = 1;
    if (backing) {
        json_object_object_add(o, "backing_file",
                               json_object_new_string(backing));
    }
    if (bfmt) {
        json_object_object_add(o, "backing_fmt", json_object_new_string(bfmt));
    }
    if (!img_check_create_opts(fmt, o, &err)) {
        error_prepend(&err, "%s: ", file);
        goto out;
    }
    if (!img_create_backing(file, o, no_open, &err)) {
        error_prepend(&err, "%s: ", file);
        goto out;
    }
    if (!quiet) {
        img_print_formatting(file, fmt, o);
    }
    if (!bdrv_create(fmt, file, o, &err)) {
        error_prepend(&err, "%s: ", file);
        goto out;
    }
    ret = 0;
out:
    if (err) {
        error_report_err(err);
    }
    json_object_put(o);
    return ret;
}

/* qemu-img resize takes "-1G" as the size, which getopt would eat. */
static const char *img_take_size_arg(int *argc, char **argv)
{
    const char *last = argv[*argc - 1];

    if (*argc >= 3 && last[0] == '-' && g_ascii_isdigit(last[1])) {
        (*argc)--;
        return last;
    }
    return NULL;
}

/*
 * [+|-]size: the sign (0 when absolute) and the number; false if it does
 * not parse.  As in qemu-img, sizes up to 2^64 parse (and wrap when made
 * signed).
 */
static bool img_resize_parse(const char *arg, int *sign, uint64_t *n)
{
    *sign = 0;
    if (*arg == '+' || *arg == '-') {
        *sign = *arg == '+' ? 1 : -1;
        arg++;
    }
    if (!img_parse_size_u64(arg, n)) {
        error_report("Parameter 'size' expects a non-negative number below "
                     "2^64");
        fprintf(stderr, "Optional suffix k, M, G, T, P or E means kilo-, "
                "mega-, giga-, tera-, peta-\nand exabytes, respectively.\n");
        return false;
    }
    return true;
}

/* qemu-img resize's checks of the new size against the current one. */
static bool img_resize_ok(int64_t cur, int64_t target, bool shrink,
                          PreallocMode prealloc)
{
    if (target <= 0) {
        error_report("New image size must be positive");
        return false;
    }
    if (target <= cur && prealloc != PREALLOC_MODE_OFF) {
        error_report("Preallocation can only be used for growing images");
        return false;
    }
    if (target < cur && !shrink) {
        error_report("Use the --shrink option to perform a shrink "
                     "operation.");
        warn_report("Shrinking an image will delete all data beyond the "
                    "shrunken image's end. Before performing such an "
                    "operation, make sure there is no important data "
                    "there.");
        return false;
    }
    return true;
}

int img_resize(int argc, char **argv)
{
    static const struct option lopts[] = {
        { "shrink", no_argument, NULL, OPT_SHRINK },
        { "preallocation", required_argument, NULL, OPT_PREALLOC },
        { "image-opts", no_argument, NULL, OPT_IMAGE_OPTS },
        { "object", required_argument, NULL, OPT_OBJECT },
        { NULL, 0, NULL, 0 },
    };
    const char *size_arg;
    ImgOpenOpts oo = { .writable = true };
    PreallocMode prealloc = PREALLOC_MODE_OFF;
    bool shrink = false, quiet = false;
    Error *err = NULL;
    int c;

    if (argc < 3) {
        return img_error_exit("Not enough arguments");
    }
    size_arg = img_take_size_arg(&argc, argv);
    while ((c = getopt_long(argc, argv, ":f:hq", lopts, NULL)) != -1) {
        switch (c) {
        case 'f': oo.fmt = optarg; break;
        case 'q': quiet = true; break;
        case OPT_SHRINK: shrink = true; break;
        case OPT_IMAGE_OPTS: oo.image_opts = true; break;
        case OPT_OBJECT: break;
        case OPT_PREALLOC:
            if (!prealloc_mode_parse(optarg, &prealloc, NULL)) {
                error_report("Invalid preallocation mode '%s'", optarg);
                return 1;
            }
            break;
        default: return img_getopt_default(c, argv);
        }
    }
    if (!size_arg && optind + 2 == argc) {
        size_arg = argv[--argc];
    }
    if (!size_arg || optind + 1 != argc) {
        return img_error_exit("Expecting image file name and size");
    }
    int sign;
    uint64_t n;
    if (!img_resize_parse(size_arg, &sign, &n)) {
        return 1;
    }
    BlockBackend *blk = img_open(argv[optind], &oo, &err);
    if (!blk) {
        error_report_err(err);
        return 1;
    }
    int64_t cur = blk_getlength(blk);
    int64_t target = (int64_t)(sign ? (uint64_t)cur + (uint64_t)sign * n : n);
    int ret = 1;
    if (img_resize_ok(cur, target, shrink, prealloc)) {
        ret = blk_truncate(blk, target, false, prealloc, &err) < 0;
        if (ret) {
            error_report_err(err);
        } else if (!quiet) {
            printf("Image resized.\n");
        }
    }
    blk_unref(blk);
    return ret;
}

/*
 * The options qemu-img amend takes (QEMU's qcow2 amend option list) and
 * its messages for the others.  The backing file is rebase's business.
 */
static bool img_amend_opts_ok(struct json_object *o, Error **errp)
{
    static const char *const amendable[] = {
        "size", "compat", "backing_file", "backing_fmt", "data_file",
        "data_file_raw", "lazy_refcounts", "refcount_bits",
    };
    static const char *const create_only[] = {
        "cluster_size", "preallocation", "compression_type", "extended_l2",
        "encryption", "encrypt.format",
    };

    json_object_object_foreach(o, k, v) {
        bool ok = false, create = false;
        for (unsigned i = 0; i < G_N_ELEMENTS(amendable); i++) {
            ok |= !strcmp(k, amendable[i]);
        }
        for (unsigned i = 0; i < G_N_ELEMENTS(create_only); i++) {
            create |= !strcmp(k, create_only[i]);
        }
        if (!ok) {
            error_setg(errp, "Invalid parameter '%s'", k);
            if (create) {
                error_append_hint(errp, "This option is only supported for "
                                  "image creation\n");
            }
            return false;
        }
        (void)v;
    }
    if (json_object_object_get_ex(o, "backing_file", NULL) ||
        json_object_object_get_ex(o, "backing_fmt", NULL)) {
        error_setg(errp, "Cannot amend the backing file");
        error_append_hint(errp, "You can use 'plimsoll-img rebase' "
                          "instead.\n");
        return false;
    }
    if (json_object_object_get_ex(o, "data_file", NULL) ||
        json_object_object_get_ex(o, "data_file_raw", NULL)) {
        error_setg(errp, "data-file can only be set for images that use an "
                   "external data file");
        return false;
    }
    return true;
}

int img_amend(int argc, char **argv)
{
    static const struct option lopts[] = {
        { "image-opts", no_argument, NULL, OPT_IMAGE_OPTS },
        { "object", required_argument, NULL, OPT_OBJECT },
        { "force", no_argument, NULL, 'F' },
        { NULL, 0, NULL, 0 },
    };
    ImgOpenOpts oo = { .writable = true };
    struct json_object *o = json_object_new_object();
    bool have_opts = false, progress = false, quiet = false;
    Error *err = NULL;
    int c, ret = 1;

    while ((c = getopt_long(argc, argv, ":ho:f:t:pq", lopts, NULL)) != -1) {
        switch (c) {
        case 'f': oo.fmt = optarg; break;
        case 't': oo.cache = optarg; break;
        case 'o':
            have_opts = true;
            if (!img_opts_merge(o, optarg, &err)) {
                goto out;
            }
            break;
        case 'p': progress = true; break;
        case 'q': quiet = true; break;
        case 'F': case OPT_OBJECT: break;
        case OPT_IMAGE_OPTS: oo.image_opts = true; break;
        default:
            ret = img_getopt_default(c, argv);
            goto out;
        }
    }
    if (!have_opts) {
        ret = img_error_exit("Must specify options (-o)");
        goto out;
    }
    if (optind != argc - 1) {
        ret = img_error_exit("Expecting one image file name");
        goto out;
    }
    BlockBackend *blk = img_open(argv[optind], &oo, &err);
    if (!blk) {
        goto out;
    }
    BlockDriverState *bs = blk_bs(blk);
    if (!bs->drv->amend) {
        error_setg(&err, "Format driver '%s' does not support option "
                   "amendment", bs->drv->format_name);
    } else if (img_amend_opts_ok(o, &err)) {
        progress &= !quiet;
        if (progress) {
            img_progress(0);
        }
        ret = !bs->drv->amend(bs, o, false, &err);
        if (progress) {
            img_progress(100);
            img_progress_end();
        }
    }
    blk_unref(blk);
out:
    if (err) {
        error_report_err(err);
    }
    json_object_put(o);
    return ret;
}
