/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plimsoll-io: scripted block I/O in the manner of qemu-io, for tests and
 * for poking at images by hand.
 *
 *   plimsoll-io [-f FMT] [--image-opts] [-r] [-n] [-t CACHE] [-d DISCARD]
 *               [-i AIO] [--events] [-c CMD]... FILE
 *
 * Commands (io-cmds.c) run in order; without -c they are read from stdin,
 * one per line.  --events prints every event raised on the event bus as a
 * JSON line (QMP's shape, with timestamp).  FILE may be a plain name, a
 * protocol name ("blkdebug:cfg:img", "null-co://", "json:{...}"), or with
 * --image-opts an options string: JSON, or key=value with dotted keys.
 * Exit status: 0 if every command succeeded, 1 otherwise.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "block/aio-pool.h"
#include "block/block-backend.h"
#include "block/block-int.h"
#include "io-cmds.h"
#include "util/event-bus.h"
#include "util/keyval.h"

static void usage(void)
{
    printf("Usage: plimsoll-io [OPTIONS]... [-c CMD]... FILE\n"
           "  -f, --format=FMT     image format (no probing)\n"
           "      --image-opts     FILE is an options string\n"
           "  -r, --read-only      open read-only\n"
           "  -n, --nocache        cache=none (O_DIRECT)\n"
           "  -t, --cache=MODE     none, writeback, unsafe, directsync, "
           "writethrough\n"
           "  -d, --discard=MODE   ignore or unmap (default unmap)\n"
           "  -i, --aio=MODE       threads or io_uring\n"
           "      --events         print events as JSON lines\n"
           "  -c, --cmd=CMD        run CMD (repeatable)\n"
           "Commands:\n");
    for (const IoCommand *c = io_command_table; c->name; c++) {
        printf("  %s %s -- %s\n", c->name, c->args, c->help);
    }
}

/* JSON as QEMU's monitor prints it: {"a": 1, "b": [2, 3]}. */
static void print_qmp_json(GString *out, struct json_object *j)
{
    bool first = true;

    switch (json_object_get_type(j)) {
    case json_type_object:
        g_string_append_c(out, '{');
        json_object_object_foreach(j, k, v) {
            struct json_object *key = json_object_new_string(k);
            g_string_append_printf(out, "%s%s: ", first ? "" : ", ",
                                   json_object_to_json_string_ext(
                                       key, JSON_C_TO_STRING_NOSLASHESCAPE));
            json_object_put(key);
            print_qmp_json(out, v);
            first = false;
        }
        g_string_append_c(out, '}');
        break;
    case json_type_array:
        g_string_append_c(out, '[');
        for (size_t i = 0; i < json_object_array_length(j); i++) {
            g_string_append(out, i ? ", " : "");
            print_qmp_json(out, json_object_array_get_idx(j, i));
        }
        g_string_append_c(out, ']');
        break;
    default:
        g_string_append(out, json_object_to_json_string_ext(
                            j, JSON_C_TO_STRING_NOSLASHESCAPE));
        break;
    }
}

static void print_event(const BusEvent *ev, void *opaque)
{
    struct json_object *j = event_bus_to_json(ev);
    GString *out = g_string_new("");

    print_qmp_json(out, j);
    printf("%s\n", out->str);
    fflush(stdout);
    g_string_free(out, TRUE);
    json_object_put(j);
}

typedef struct IoArgs {
    const char *format;
    bool image_opts;
    int flags;
    bool events;
    bool force_share;       /* -U: force-share=on (read-only opens only) */
    GPtrArray *cmds;
    const char *file;
} IoArgs;

enum { OPT_IMAGE_OPTS = 256, OPT_EVENTS };

static bool parse_args(int argc, char **argv, IoArgs *a)
{
    static const struct option longopts[] = {
        { "format", required_argument, NULL, 'f' },
        { "image-opts", no_argument, NULL, OPT_IMAGE_OPTS },
        { "read-only", no_argument, NULL, 'r' },
        { "nocache", no_argument, NULL, 'n' },
        { "cache", required_argument, NULL, 't' },
        { "discard", required_argument, NULL, 'd' },
        { "aio", required_argument, NULL, 'i' },
        { "events", no_argument, NULL, OPT_EVENTS },
        { "cmd", required_argument, NULL, 'c' },
        { "force-share", no_argument, NULL, 'U' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    Error *err = NULL;
    int c;

    while ((c = getopt_long(argc, argv, "+f:rnt:d:i:c:UhV", longopts,
                            NULL)) != -1) {
        switch (c) {
        case 'f': a->format = optarg; break;
        case OPT_IMAGE_OPTS: a->image_opts = true; break;
        case 'r': a->flags &= ~BDRV_O_RDWR; break;
        case 'n': a->flags |= BDRV_O_NOCACHE; break;
        case 't':
            if (!bdrv_parse_cache_mode(optarg, &a->flags, &err)) {
                error_report_err(err);
                return false;
            }
            break;
        case 'd':
            if (!strcmp(optarg, "unmap") || !strcmp(optarg, "on")) {
                a->flags |= BDRV_O_UNMAP;
            } else if (!strcmp(optarg, "ignore") || !strcmp(optarg, "off")) {
                a->flags &= ~BDRV_O_UNMAP;
            } else {
                error_report("Invalid discard option: %s", optarg);
                return false;
            }
            break;
        case 'i':
            if (!strcmp(optarg, "io_uring")) {
                a->flags |= BDRV_O_IO_URING;
            } else if (strcmp(optarg, "threads")) {
                error_report("Invalid aio option: %s", optarg);
                return false;
            }
            break;
        case OPT_EVENTS: a->events = true; break;
        case 'c': g_ptr_array_add(a->cmds, optarg); break;
        case 'U': a->force_share = true; break;
        case 'V': printf("plimsoll-io version %s\n", PLIMSOLL_IO_VERSION);
            exit(0);
        case 'h': usage(); exit(0);
        default: usage(); return false;
        }
    }
    if (optind != argc - 1) {
        error_report("exactly one image file must be given");
        return false;
    }
    a->file = argv[optind];
    return true;
}

/* -U: as qemu-io, force-share=on on the top node (children inherit it). */
static void open_image_share(const IoArgs *a, struct json_object *opts)
{
    if (a->force_share) {
        json_object_object_add(opts, "force-share",
                               json_object_new_boolean(true));
    }
}

static BlockBackend *open_image(const IoArgs *a, Error **errp)
{
    struct json_object *opts;
    BlockBackend *blk;

    if (a->image_opts) {
        if (a->format) {
            error_setg(errp, "--image-opts and --format are mutually "
                       "exclusive");
            return NULL;
        }
        opts = keyval_parse_or_json(a->file, NULL, errp);
        if (!opts) {
            return NULL;
        }
        open_image_share(a, opts);
        blk = blk_new_open(NULL, opts, a->flags, errp);
    } else {
        opts = json_object_new_object();
        if (a->format) {
            json_object_object_add(opts, "driver",
                                   json_object_new_string(a->format));
        }
        open_image_share(a, opts);
        blk = blk_new_open(a->file, opts, a->flags, errp);
    }
    json_object_put(opts);
    if (!blk) {
        /* qemu-io names no device for --image-opts */
        if (a->image_opts) {
            error_prepend(errp, "can't open: ");
        } else {
            error_prepend(errp, "can't open device %s: ", a->file);
        }
    }
    return blk;
}

static void run_stdin(IoContext *ctx)
{
    char line[4096];

    while (fgets(line, sizeof(line), stdin)) {
        line[strcspn(line, "\n")] = '\0';
        if (!strcmp(line, "quit") || !strcmp(line, "q")) {
            break;
        }
        io_run_command_line(ctx, line);
        fflush(stdout);
    }
}

int main(int argc, char **argv)
{
    IoArgs a = { .flags = BDRV_O_RDWR | BDRV_O_UNMAP,
                 .cmds = g_ptr_array_new() };
    IoContext ctx = { 0 };
    Error *err = NULL;
    unsigned sub = 0;

    error_set_progname("plimsoll-io");
    /* Nothing else runs on this thread while a lone request waits for
     * the device: run it here instead of handing it to a worker. */
    aio_pool_set_wait_alone(true);
    if (!parse_args(argc, argv, &a)) {
        g_ptr_array_free(a.cmds, TRUE);
        return 1;
    }
    if (a.events) {
        sub = event_bus_subscribe(print_event, NULL);
    }
    ctx.blk = open_image(&a, &err);
    if (!ctx.blk) {
        error_report_err(err);
        g_ptr_array_free(a.cmds, TRUE);
        return 1;
    }
    if (a.cmds->len == 0) {
        run_stdin(&ctx);
    }
    for (guint i = 0; i < a.cmds->len; i++) {
        io_run_command_line(&ctx, g_ptr_array_index(a.cmds, i));
        fflush(stdout);
    }
    blk_drain(ctx.blk);
    blk_unref(ctx.blk);
    if (sub) {
        event_bus_unsubscribe(sub);
    }
    g_ptr_array_free(a.cmds, TRUE);
    return ctx.failures ? 1 : 0;
}
