/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plimsoll-img: shared helpers of the subcommands (image opening, size
 * parsing and printing, QEMU-style JSON output).
 *
 * The tool follows qemu-img 7.2's command lines, human output, exit codes
 * and --output=json shapes (QEMU's qemu-img manual), so scripts written
 * for qemu-img work unchanged.  Inspecting an image opens it read-only.
 */
#ifndef TOOLS_IMG_IMG_H
#define TOOLS_IMG_IMG_H

#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>
#include "block/block-backend.h"
#include "block/block-int.h"
#include "util/error.h"

typedef int (*ImgCommandFn)(int argc, char **argv);

/** struct ImgOpenOpts - how a subcommand opens an image. */
typedef struct ImgOpenOpts {
    const char *fmt;        /* -f, or NULL to probe */
    bool image_opts;        /* --image-opts: filename is a JSON object */
    const char *cache;      /* -t */
    bool writable;
    bool check;             /* BDRV_O_CHECK (check -r) */
    bool no_backing;
    bool force_share;       /* -U: force-share=on (read-only opens only) */
    const char *aio;        /* aio=threads|native|io_uring, or NULL */
    int extra_flags;
} ImgOpenOpts;

/** img_open() - a BlockBackend over @filename; NULL with *errp set. */
BlockBackend *img_open(const char *filename, const ImgOpenOpts *o,
                       Error **errp);

/**
 * img_error_exit() - qemu-img's error_exit(): the message, then "Try
 * 'plimsoll-img --help' for more information".  Returns 1, the exit status.
 */
int img_error_exit(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/**
 * img_getopt_default() - what qemu-img does with a getopt result no
 * subcommand handles: -h prints the usage (status 0); an unknown option or
 * one missing its argument is an error (status 1).  Returns the status.
 * The option strings start with ':' so that getopt reports a missing
 * argument as ':'.
 */
int img_getopt_default(int c, char **argv);

/** img_parse_size() - "1G", "512", "64k" (qemu-img's suffixes). */
bool img_parse_size(const char *s, uint64_t *out);

/** img_parse_size_u64() - the same, up to 2^64 (qemu-img resize). */
bool img_parse_size_u64(const char *s, uint64_t *out);

/** img_size_str() - QEMU's human size ("336 KiB", "1.31 MiB"). */
char *img_size_str(uint64_t val);

/** img_json_print() - print @o the way qemu-img --output=json does. */
void img_json_print(struct json_object *o);

/** img_output_json() - parse --output=human|json; false if invalid. */
bool img_output_json(const char *arg, bool *json);

/** img_opts_merge() - add "k=v,k2=v2" (-o) to @obj as strings. */
bool img_opts_merge(struct json_object *obj, const char *list, Error **errp);

/**
 * img_progress() - qemu-img's -p progress line, "    (12.50/100%)\r":
 * printed at 0 and 100 and whenever it moved by more than 1 point.
 */
void img_progress(double percent);

/** img_progress_end() - end the progress line (a newline). */
void img_progress_end(void);

int img_create(int argc, char **argv);
int img_info(int argc, char **argv);
int img_check(int argc, char **argv);
int img_map(int argc, char **argv);
int img_measure(int argc, char **argv);
int img_convert(int argc, char **argv);
int img_compare(int argc, char **argv);
int img_resize(int argc, char **argv);
int img_commit(int argc, char **argv);
int img_rebase(int argc, char **argv);
int img_snapshot(int argc, char **argv);
int img_amend(int argc, char **argv);
int img_bench(int argc, char **argv);

#endif /* TOOLS_IMG_IMG_H */
