/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plimsoll-img: the image utility (qemu-img's subcommands, options, human
 * output, exit codes and JSON shapes), built on the block layer.
 *
 * This file holds the command table and the helpers every subcommand
 * shares: opening an image read-only or read-write, qemu-img's size
 * suffixes and human sizes, QEMU's pretty JSON printer, -o option lists
 * and the -p progress line.  Reference: QEMU's qemu-img manual (7.2).
 */
#include <ctype.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "block/aio-pool.h"
#include "config-host.h"
#include "tools/img/img.h"
#include "util/keyval.h"

typedef struct ImgCommand {
    const char *name;
    ImgCommandFn fn;
    const char *synopsis;
} ImgCommand;

static const ImgCommand img_commands[] = {
    { "amend", img_amend, "amend [-f fmt] [-t cache] -o options filename" },
    { "bench", img_bench, "bench [-c count] [-d depth] [-f fmt] "
      "[--flush-interval=flush_interval] [-n] [--no-drain] [-o offset] "
      "[--pattern=pattern] [-q] [-s buffer_size] [-S step_size] [-t cache] "
      "[-i aio] [-w] [-U] filename" },
    { "check", img_check, "check [-q] [--output=ofmt] [-f fmt] "
      "[-r [leaks | all]] [-T src_cache] [-U] filename" },
    { "commit", img_commit, "commit [-q] [-f fmt] [-t cache] [-b base] "
      "[-d] [-p] filename" },
    { "compare", img_compare, "compare [-f fmt] [-F fmt] [-T src_cache] "
      "[-p] [-q] [-s] [-U] filename1 filename2" },
    { "convert", img_convert, "convert [-c] [-p] [-q] [-n] [-f fmt] "
      "[-t cache] [-T src_cache] [-O output_fmt] [-o options] [-S "
      "sparse_size] [-W] [-m num_coroutines] filename [filename2 [...]] "
      "output_filename" },
    { "create", img_create, "create [-q] [-f fmt] [-b backing_file "
      "[-F backing_fmt]] [-u] [-o options] filename [size]" },
    { "info", img_info, "info [-f fmt] [--output=ofmt] [--backing-chain] "
      "[-U] filename" },
    { "map", img_map, "map [-f fmt] [--output=ofmt] [--start-offset=OFFSET] "
      "[--max-length=LEN] [-U] filename" },
    { "measure", img_measure, "measure [--output=ofmt] [-O output_fmt] "
      "[-o options] [--size N | [-f fmt] filename]" },
    { "rebase", img_rebase, "rebase [-q] [-f fmt] [-t cache] [-T src_cache] "
      "[-p] [-u] -b backing_file [-F backing_fmt] filename" },
    { "resize", img_resize, "resize [-f fmt] [--preallocation=prealloc] "
      "[-q] [--shrink] filename [+ | -]size" },
    { "snapshot", img_snapshot, "snapshot [-q] [-l | -a snapshot | -c "
      "snapshot | -d snapshot] [-U] filename" },
};

static void img_usage(void)
{
    printf("plimsoll-img version %s\n"
           "usage: plimsoll-img [standard options] command [command options]\n"
           "QEMU disk image utility, Plimsoll edition\n\nCommand syntax:\n",
           PLIMSOLL_VERSION);
    for (unsigned i = 0; i < G_N_ELEMENTS(img_commands); i++) {
        printf("  %s\n", img_commands[i].synopsis);
    }
}

int img_error_exit(const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    error_report("%s", msg);
    fprintf(stderr, "Try 'plimsoll-img --help' for more information\n");
    return 1;
}

int img_getopt_default(int c, char **argv)
{
    const char *opt = argv[optind - 1];

    if (c == 'h') {
        img_usage();
        return 0;
    }
    if (c == ':') {
        return img_error_exit("missing argument for option '%s'", opt);
    }
    return img_error_exit("unrecognized option '%s'", opt);
}

BlockBackend *img_open(const char *filename, const ImgOpenOpts *o,
                       Error **errp)
{
    struct json_object *opts;
    int flags = o->extra_flags;
    BlockBackend *blk;

    if (o->writable) {
        flags |= BDRV_O_RDWR | BDRV_O_UNMAP;
    }
    if (o->check) {
        flags |= BDRV_O_CHECK;
    }
    if (o->no_backing) {
        flags |= BDRV_O_NO_BACKING;
    }
    if (o->cache && !bdrv_parse_cache_mode(o->cache, &flags, errp)) {
        return NULL;
    }
    if (o->image_opts) {
        /* key=value,a.b=c (dotted keys) or a JSON object */
        opts = keyval_parse_or_json(filename, NULL, errp);
        if (!opts) {
            return NULL;
        }
    } else {
        opts = json_object_new_object();
        if (o->fmt) {
            json_object_object_add(opts, "driver",
                                   json_object_new_string(o->fmt));
        }
    }
    if (o->force_share) {
        json_object_object_add(opts, "force-share",
                               json_object_new_boolean(true));
    }
    if (o->aio) {
        json_object_object_add(opts, "aio", json_object_new_string(o->aio));
    }
    blk = blk_new_open(o->image_opts ? NULL : filename, opts, flags, errp);
    json_object_put(opts);
    if (!blk) {
        error_prepend(errp, "Could not open '%s': ", filename);
    }
    return blk;
}

static bool img_parse_size_below(const char *s, uint64_t *out, double limit)
{
    char *end;
    double v;
    double mul = 1;

    if (!isdigit((unsigned char)*s)) {
        return false;
    }
    v = strtod(s, &end);
    switch (*end) {
    case 'b': case 'B': end++; break;
    case 'k': case 'K': mul = 1024.0; end++; break;
    case 'm': case 'M': mul = 1048576.0; end++; break;
    case 'g': case 'G': mul = 1073741824.0; end++; break;
    case 't': case 'T': mul = 1099511627776.0; end++; break;
    case 'p': case 'P': mul = 1125899906842624.0; end++; break;
    case 'e': case 'E': mul = 1152921504606846976.0; end++; break;
    default: break;
    }
    if (*end || v * mul >= limit) {
        return false;
    }
    *out = (uint64_t)(v * mul);
    return true;
}

bool img_parse_size(const char *s, uint64_t *out)
{
    return img_parse_size_below(s, out, 9223372036854775808.0);
}

bool img_parse_size_u64(const char *s, uint64_t *out)
{
    return img_parse_size_below(s, out, 18446744073709551616.0);
}

char *img_size_str(uint64_t val)
{
    static const char *const suffixes[] = { "", "Ki", "Mi", "Gi", "Ti",
                                            "Pi", "Ei" };
    int i;

    frexp((double)val / (1000.0 / 1024.0), &i);
    i = (i - 1) / 10;
    i = CLAMP(i, 0, 6);
    return g_strdup_printf("%0.3g %sB", (double)val / (double)(1ull << (i * 10)),
                           suffixes[i]);
}

static void img_json_indent(GString *g, int level)
{
    for (int i = 0; i < level; i++) {
        g_string_append(g, "    ");
    }
}

static void img_json_render(GString *g, struct json_object *o, int level)
{
    switch (json_object_get_type(o)) {
    case json_type_object: {
        bool first = true;
        if (json_object_object_length(o) == 0) {
            g_string_append(g, "{}");
            break;
        }
        g_string_append(g, "{\n");
        json_object_object_foreach(o, k, v) {
            g_string_append(g, first ? "" : ",\n");
            first = false;
            struct json_object *key = json_object_new_string(k);
            img_json_indent(g, level + 1);
            g_string_append(g, json_object_to_json_string_ext(
                key, JSON_C_TO_STRING_PLAIN));
            json_object_put(key);
            g_string_append(g, ": ");
            img_json_render(g, v, level + 1);
        }
        g_string_append(g, "\n");
        img_json_indent(g, level);
        g_string_append(g, "}");
        break;
    }
    case json_type_array: {
        size_t n = json_object_array_length(o);
        if (!n) {
            g_string_append(g, "[]");
            break;
        }
        g_string_append(g, "[\n");
        for (size_t i = 0; i < n; i++) {
            img_json_indent(g, level + 1);
            img_json_render(g, json_object_array_get_idx(o, i), level + 1);
            g_string_append(g, i + 1 < n ? ",\n" : "\n");
        }
        img_json_indent(g, level);
        g_string_append(g, "]");
        break;
    }
    default:
        g_string_append(g, json_object_to_json_string_ext(
            o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
        break;
    }
}

void img_json_print(struct json_object *o)
{
    GString *g = g_string_new(NULL);

    img_json_render(g, o, 0);
    printf("%s\n", g->str);
    g_string_free(g, TRUE);
}

bool img_output_json(const char *arg, bool *json)
{
    if (!strcmp(arg, "json")) {
        *json = true;
    } else if (!strcmp(arg, "human")) {
        *json = false;
    } else {
        error_report("--output must be used with human or json as argument.");
        return false;
    }
    return true;
}

bool img_opts_merge(struct json_object *obj, const char *list, Error **errp)
{
    g_auto(GStrv) items = g_strsplit(list, ",", -1);

    for (int i = 0; items[i]; i++) {
        char *eq = strchr(items[i], '=');
        if (!*items[i]) {
            continue;
        }
        if (!eq) {
            error_setg(errp, "Invalid parameter '%s'", items[i]);
            return false;
        }
        *eq = '\0';
        json_object_object_add(obj, items[i],
                               json_object_new_string(eq + 1));
    }
    return true;
}

/* The last percentage printed; below 0 before the first one. */
static double img_progress_last = -1;

void img_progress(double percent)
{
    percent = CLAMP(percent, 0.0, 100.0);
    if (img_progress_last >= 0 && percent != 0 && percent != 100 &&
        fabs(percent - img_progress_last) <= 1.0) {
        return;
    }
    img_progress_last = percent;
    printf("    (%.2f/100%%)\r", percent);
    fflush(stdout);
}

void img_progress_end(void)
{
    printf("\n");
    img_progress_last = -1;
}

int main(int argc, char **argv)
{
    error_set_progname("plimsoll-img");
    /* Nothing else runs on this thread while a lone request waits for
     * the device: run it here instead of handing it to a worker. */
    aio_pool_set_wait_alone(true);
    opterr = 0;
    if (argc < 2) {
        return img_error_exit("Not enough arguments");
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        img_usage();
        return 0;
    }
    if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
        printf("plimsoll-img version %s\n", PLIMSOLL_VERSION);
        return 0;
    }
    for (unsigned i = 0; i < G_N_ELEMENTS(img_commands); i++) {
        if (!strcmp(argv[1], img_commands[i].name)) {
            return img_commands[i].fn(argc - 1, argv + 1);
        }
    }
    return img_error_exit("Command not found: %s", argv[1]);
}
