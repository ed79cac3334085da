/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The block node graph: opening nodes from filenames and -blockdev style
 * options, format probing, node names, children and reference counting.
 *
 * How a node is opened (QEMU's bdrv_open_inherit() in outline):
 *  1. A "json:{...}" filename becomes options.
 *  2. Generic options are taken out: node-name, read-only, cache.*,
 *     discard, aio, detect-zeroes, auto-read-only, force-share.
 *  3. The driver: "driver" if given; for a protocol-level open the
 *     filename's "proto:" prefix, else "file" (or "host_device" for a block
 *     device); for a format-level open without "driver", the file child is
 *     opened first and its first 2 KiB are probed.  Probing falls back to
 *     raw and then warns as QEMU does; a probed raw node refuses writes
 *     that would make sector 0 probe as another format (bdrv_probe_guard).
 *  4. Formats get their "file" child from the core; protocols and filters
 *     open what they need themselves.
 *  5. Options left over after the driver's open() are an error.
 *
 * Deviation: generated node names are "#blockN" with N a plain counter
 * (QEMU appends two random digits); deterministic names keep golden test
 * output stable.  Main thread only.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "block/block-int.h"
#include "block/block-backend.h"

#define BDRV_PROBE_BUF_SIZE 2048

static GQueue all_nodes = G_QUEUE_INIT;
static unsigned node_counter;

const BlockDriver *bdrv_find_format(const char *name)
{
    for (int i = 0; bdrv_drivers[i]; i++) {
        if (!strcmp(bdrv_drivers[i]->format_name, name)) {
            return bdrv_drivers[i];
        }
    }
    return NULL;
}

static const BlockDriver *bdrv_find_protocol(const char *filename,
                                             bool parse_prefix)
{
    const char *colon = strchr(filename, ':');
    const char *slash = strchr(filename, '/');

    /* QEMU's rule: a protocol prefix is a colon before any slash (only in
     * a filename, not in a "filename" option). */
    if (parse_prefix && colon && (!slash || colon < slash)) {
        size_t n = colon - filename;
        for (int i = 0; bdrv_drivers[i]; i++) {
            const char *p = bdrv_drivers[i]->protocol_name;
            if (p && strlen(p) == n && !strncmp(p, filename, n)) {
                return bdrv_drivers[i];
            }
        }
    }
    /* A path naming a block device opens as host_device, as in QEMU. */
    for (int i = 0; bdrv_drivers[i]; i++) {
        if (bdrv_drivers[i]->probe_device &&
            bdrv_drivers[i]->probe_device(filename) > 0) {
            return bdrv_drivers[i];
        }
    }
    return &bdrv_file;
}

const BlockDriver *bdrv_probe_format(const uint8_t *buf, int len,
                                     const char *filename)
{
    const BlockDriver *best = &bdrv_raw;
    int best_score = 0;

    for (int i = 0; bdrv_drivers[i]; i++) {
        const BlockDriver *d = bdrv_drivers[i];
        if (d->probe && !d->is_protocol) {
            int score = d->probe(buf, len, filename);
            if (score > best_score) {
                best_score = score;
                best = d;
            }
        }
    }
    return best;
}

bool bdrv_node_name_valid(const char *name)
{
    if (!g_ascii_isalpha(name[0]) || strlen(name) >= BDRV_NODE_NAME_MAX) {
        return false;
    }
    for (int i = 1; name[i]; i++) {
        if (!g_ascii_isalnum(name[i]) && !strchr("-._", name[i])) {
            return false;
        }
    }
    return true;
}

BlockDriverState *bdrv_find_node(const char *node_name)
{
    for (GList *l = all_nodes.head; l; l = l->next) {
        BlockDriverState *bs = l->data;
        if (!strcmp(bs->node_name, node_name)) {
            return bs;
        }
    }
    return NULL;
}

BlockDriverState *bdrv_next_node(BlockDriverState *bs)
{
    if (!bs) {
        return all_nodes.head ? all_nodes.head->data : NULL;
    }
    GList *l = g_queue_find(&all_nodes, bs);
    return l && l->next ? l->next->data : NULL;
}

const char *bdrv_get_node_name(const BlockDriverState *bs)
{
    return bs->node_name;
}

const char *bdrv_get_format_name(const BlockDriverState *bs)
{
    return bs->drv ? bs->drv->format_name : NULL;
}

const char *bdrv_get_filename(const BlockDriverState *bs)
{
    return bs->filename ? bs->filename : "";
}

bool bdrv_is_read_only(const BlockDriverState *bs)
{
    return bs->read_only;
}

BlockDriverState *bdrv_get_file(const BlockDriverState *bs)
{
    return bs->file ? bs->file->bs : NULL;
}

BlockDriverState *bdrv_get_backing(const BlockDriverState *bs)
{
    return bs->backing ? bs->backing->bs : NULL;
}

struct json_object *bdrv_get_options(const BlockDriverState *bs)
{
    return bs->options;
}

const char *bdrv_get_device_name(const BlockDriverState *bs)
{
    for (BlockBackend *blk = blk_next(NULL); blk; blk = blk_next(blk)) {
        if (blk_bs(blk) == bs) {
            return blk_name(blk);
        }
    }
    return "";
}

void bdrv_mark_unusable(BlockDriverState *bs)
{
    __atomic_store_n(&bs->unusable, 1, __ATOMIC_SEQ_CST);
}

bool bdrv_is_usable(const BlockDriverState *bs)
{
    return !__atomic_load_n(&bs->unusable, __ATOMIC_ACQUIRE);
}

void bdrv_ref(BlockDriverState *bs)
{
    bs->refcnt++;
}

/*
 * The caller has unlinked @child (or is freeing its parent, which is out
 * of the node list): a child that lives on drops what the edge took.
 */
void bdrv_child_free(BdrvChild *child)
{
    if (child) {
        BlockDriverState *bs = child->bs;
        bool survives = bs->refcnt > 1;

        bdrv_unref(bs);
        if (survives) {
            bdrv_refresh_perms(bs, NULL);
        }
        g_free(child->name);
        g_free(child);
    }
}

static void bdrv_free(BlockDriverState *bs)
{
    g_queue_remove(&all_nodes, bs);
    if (bs->opaque) {
        if (bs->drv && bs->drv->close) {
            bs->drv->close(bs);
        }
        g_free(bs->opaque);
    }
    bdrv_child_free(bs->backing);
    bdrv_child_free(bs->file);
    json_object_put(bs->options);
    g_mutex_clear(&bs->reqs_lock);
    g_cond_clear(&bs->reqs_cond);
    g_free(bs->filename);
    g_free(bs);
}

void bdrv_unref(BlockDriverState *bs)
{
    if (!bs) {
        return;
    }
    assert(bs->refcnt > 0);
    if (--bs->refcnt > 0) {
        return;
    }
    bdrv_drain(bs);
    if (bs->opaque && !bs->read_only && bdrv_is_usable(bs)) {
        bdrv_node_flush(bs);
    }
    bdrv_free(bs);
}

static BlockDriverState *bdrv_new(void)
{
    BlockDriverState *bs = g_new0(BlockDriverState, 1);

    bs->refcnt = 1;
    bs->request_alignment = 1;
    bs->shared_perm = BLK_PERM_ALL;     /* no users yet */
    g_mutex_init(&bs->reqs_lock);
    g_cond_init(&bs->reqs_cond);
    block_acct_init(&bs->stats);
    return bs;
}

/* ---------------------------------------------------------------------- */
/* Generic options                                                         */
/* ---------------------------------------------------------------------- */

/* cache.direct / cache.no-flush */
static bool bdrv_take_cache_opts(struct json_object *opts, int *flags,
                                 Error **errp)
{
    bool direct = *flags & BDRV_O_NOCACHE;
    bool no_flush = *flags & BDRV_O_NO_FLUSH;
    struct json_object *cache;

    if (!json_object_object_get_ex(opts, "cache", &cache)) {
        return true;
    }
    if (!json_object_is_type(cache, json_type_object)) {
        error_setg(errp, "Invalid parameter type for 'cache', expected: "
                   "object");
        return false;
    }
    if (!bdrv_opt_take_bool(cache, "direct", direct, &direct, errp) ||
        !bdrv_opt_take_bool(cache, "no-flush", no_flush, &no_flush, errp)) {
        return false;
    }
    json_object_object_foreach(cache, k, v) {
        (void)v;
        error_setg(errp, "Invalid parameter 'cache.%s'", k);
        return false;
    }
    json_object_object_del(opts, "cache");
    *flags = direct ? (*flags | BDRV_O_NOCACHE) : (*flags & ~BDRV_O_NOCACHE);
    *flags = no_flush ? (*flags | BDRV_O_NO_FLUSH)
                      : (*flags & ~BDRV_O_NO_FLUSH);
    return true;
}

/* discard, aio, detect-zeroes (acted on by block/io.c's write path) */
static bool bdrv_take_mode_opts(BlockDriverState *bs,
                                struct json_object *opts, int *flags,
                                Error **errp)
{
    g_autofree char *discard = NULL, *aio = NULL, *dz = NULL;

    if (!bdrv_opt_take_str(opts, "discard", &discard, errp) ||
        !bdrv_opt_take_str(opts, "aio", &aio, errp) ||
        !bdrv_opt_take_str(opts, "detect-zeroes", &dz, errp)) {
        return false;
    }
    if (discard) {
        if (!strcmp(discard, "unmap") || !strcmp(discard, "on")) {
            *flags |= BDRV_O_UNMAP;
        } else if (!strcmp(discard, "ignore") || !strcmp(discard, "off")) {
            *flags &= ~BDRV_O_UNMAP;
        } else {
            error_setg(errp, "Invalid discard option");
            return false;
        }
    }
    if (aio && strcmp(aio, "threads") && strcmp(aio, "io_uring") &&
        strcmp(aio, "native")) {
        error_setg(errp, "Parameter 'aio' does not accept value '%s'", aio);
        return false;
    }
    if (aio) {
        /* native (Linux AIO in QEMU) is served by io_uring here. */
        *flags = strcmp(aio, "threads") ? (*flags | BDRV_O_IO_URING)
                                        : (*flags & ~BDRV_O_IO_URING);
    }
    bs->detect_zeroes = BDRV_DETECT_ZEROES_OFF;
    return !dz || bdrv_parse_detect_zeroes(dz, &bs->detect_zeroes, errp);
}

/* node-name: given (checked) or generated. */
static bool bdrv_set_node_name(BlockDriverState *bs, const char *name,
                               Error **errp)
{
    if (!name) {
        snprintf(bs->node_name, sizeof(bs->node_name), "#block%u",
                 node_counter++);
        return true;
    }
    if (!bdrv_node_name_valid(name)) {
        error_setg(errp, "Invalid node-name: '%s'", name);
        return false;
    }
    if (bdrv_find_node(name)) {
        error_setg(errp, "Duplicate nodes with node-name='%s'", name);
        return false;
    }
    if (blk_by_name(name)) {
        error_setg(errp, "node-name=%s is conflicting with a device id",
                   name);
        return false;
    }
    g_strlcpy(bs->node_name, name, sizeof(bs->node_name));
    return true;
}

/* Take the generic options out of @opts into @bs / *@flags. */
static bool bdrv_take_generic_opts(BlockDriverState *bs,
                                   struct json_object *opts, int *flags,
                                   Error **errp)
{
    g_autofree char *name = NULL;
    bool ro, dummy, share;

    if (!bdrv_opt_take_str(opts, "node-name", &name, errp) ||
        !bdrv_opt_take_bool(opts, "read-only", !(*flags & BDRV_O_RDWR), &ro,
                            errp) ||
        !bdrv_opt_take_bool(opts, "auto-read-only", false, &dummy, errp) ||
        !bdrv_opt_take_bool(opts, "force-share", false, &share, errp) ||
        !bdrv_take_cache_opts(opts, flags, errp) ||
        !bdrv_take_mode_opts(bs, opts, flags, errp) ||
        !bdrv_set_node_name(bs, name, errp)) {
        return false;
    }
    if (share && !ro) {
        error_setg(errp, "force-share=on can only be used with read-only "
                   "images");
        return false;
    }
    if (share) {
        /* Inherited by the children, as QEMU's option is. */
        *flags |= BDRV_O_FORCE_SHARE;
    }
    *flags = ro ? (*flags & ~BDRV_O_RDWR) : (*flags | BDRV_O_RDWR);
    bs->read_only = ro;
    return true;
}

/* Merge a "json:{...}" pseudo filename into @opts (explicit options win). */
static bool bdrv_merge_json_filename(const char *filename,
                                     struct json_object *opts, Error **errp)
{
    struct json_object *j = json_tokener_parse(filename + 5);

    if (!j || !json_object_is_type(j, json_type_object)) {
        json_object_put(j);
        error_setg(errp, "Could not parse the JSON options");
        return false;
    }
    json_object_object_foreach(j, k, v) {
        if (!json_object_object_get_ex(opts, k, NULL)) {
            json_object_object_add(opts, k, json_object_get(v));
        }
    }
    json_object_put(j);
    return true;
}

static bool bdrv_check_leftover_opts(BlockDriverState *bs,
                                     struct json_object *opts, Error **errp)
{
    json_object_object_foreach(opts, k, v) {
        (void)v;
        if (bs->drv->is_protocol || bs->drv->is_filter) {
            error_setg(errp, "Block protocol '%s' doesn't support the option "
                       "'%s'", bs->drv->format_name, k);
        } else {
            error_setg(errp, "Block format '%s' does not support the option "
                       "'%s'", bs->drv->format_name, k);
        }
        return false;
    }
    return true;
}

/* ---------------------------------------------------------------------- */
/* Opening                                                                 */
/* ---------------------------------------------------------------------- */

static BlockDriverState *bdrv_open_inherit(const char *filename,
                                           struct json_object *opts,
                                           int flags, Error **errp);

static void bdrv_warn_probed_raw(const char *filename)
{
    fprintf(stderr,
            "WARNING: Image format was not specified for '%s' and probing "
            "guessed raw.\n"
            "         Automatically detecting the format is dangerous for "
            "raw images, write operations on block 0 will be restricted.\n"
            "         Specify the 'raw' format explicitly to remove the "
            "restrictions.\n", filename);
}

/*
 * Probe the format from the already opened file child of @bs.  As in
 * QEMU, only a writable probed raw node warns: a read-only one cannot be
 * turned into a format image.
 */
static const BlockDriver *bdrv_probe_child(BlockDriverState *bs,
                                           const char *filename, int flags,
                                           Error **errp)
{
    uint8_t buf[BDRV_PROBE_BUF_SIZE] = { 0 };
    int64_t len = bdrv_getlength(bs->file->bs);
    int n = len < 0 ? 0 : (int)MIN(len, (int64_t)sizeof(buf));
    int ret = n ? bdrv_node_pread(bs->file->bs, 0, n, buf, 0) : 0;

    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not read image for determining "
                         "its format");
        return NULL;
    }
    const BlockDriver *drv = bdrv_probe_format(buf, n, filename);
    if (drv == &bdrv_raw) {
        bs->probed = true;
        if (flags & BDRV_O_RDWR) {
            bdrv_warn_probed_raw(filename ? filename
                                          : bs->file->bs->filename);
        }
    }
    return drv;
}

/* Let a protocol driver turn @filename into options. */
static bool bdrv_apply_filename(const BlockDriver *drv, const char *filename,
                                struct json_object *opts, Error **errp)
{
    if (!filename) {
        return true;
    }
    if (drv->parse_filename) {
        return drv->parse_filename(filename, opts, errp);
    }
    if (!json_object_object_get_ex(opts, "filename", NULL)) {
        json_object_object_add(opts, "filename",
                               json_object_new_string(filename));
    }
    return true;
}

/* The driver named by "driver" or the filename; *out NULL: probe. */
static bool bdrv_pick_driver(const char *filename, struct json_object *opts,
                             int flags, const BlockDriver **out,
                             Error **errp)
{
    g_autofree char *name = NULL;

    *out = NULL;
    if (!bdrv_opt_take_str(opts, "driver", &name, errp)) {
        return false;
    }
    if (name) {
        *out = bdrv_find_format(name);
        if (!*out) {
            error_setg(errp, "Unknown driver '%s'", name);
            return false;
        }
        return true;
    }
    if (flags & BDRV_O_PROTOCOL) {
        struct json_object *fn = NULL;

        /* As QEMU: {"filename": "x"} without a driver opens "x" as a file
         * (or host_device); no protocol prefix is parsed from it. */
        if (filename) {
            *out = bdrv_find_protocol(filename, true);
        } else if (json_object_object_get_ex(opts, "filename", &fn) &&
                   json_object_is_type(fn, json_type_string)) {
            *out = bdrv_find_protocol(json_object_get_string(fn), false);
        } else {
            error_setg(errp, "Parameter 'driver' is missing");
            return false;
        }
    }
    return true;
}

/*
 * Choose the driver and give formats their "file" child (probing the
 * format from it when no driver was named).
 */
static const BlockDriver *bdrv_open_prepare(BlockDriverState *bs,
                                            const char *filename,
                                            struct json_object *opts,
                                            int flags, Error **errp)
{
    const BlockDriver *drv;

    if (!bdrv_pick_driver(filename, opts, flags, &drv, errp)) {
        return NULL;
    }
    if (drv && (drv->is_protocol || drv->is_filter)) {
        return bdrv_apply_filename(drv, filename, opts, errp) ? drv : NULL;
    }
    bs->file = bdrv_open_child(filename, opts, "file", bs, true, false,
                               errp);
    if (!bs->file) {
        return NULL;
    }
    return drv ? drv : bdrv_probe_child(bs, filename, flags, errp);
}

/* Run the driver's open() and settle limits and size; false on error. */
static bool bdrv_open_driver(BlockDriverState *bs, const BlockDriver *drv,
                             const char *filename, struct json_object *opts,
                             int flags, Error **errp)
{
    Error *local_err = NULL;
    int ret;

    bs->drv = drv;
    bs->open_flags = flags;
    if (!bs->filename) {
        bs->filename = g_strdup(filename ? filename :
                                bs->file ? bs->file->bs->filename : "");
    }
    bs->opaque = g_malloc0(MAX(drv->instance_size, 1));
    bs->nonblocking = drv->nonblocking;
    /* A format takes its file (image locks) before it reads or writes it. */
    ret = bs->file && !bdrv_refresh_perms(bs->file->bs, &local_err)
          ? -EBUSY : drv->open(bs, opts, flags, &local_err);
    if (ret < 0) {
        if (!local_err) {
            error_setg_errno(&local_err, -ret, "Could not open '%s'",
                             bs->filename);
        }
        error_propagate(errp, local_err);
        g_free(bs->opaque);
        bs->opaque = NULL;
        return false;
    }
    error_free(local_err);
    if (!bdrv_check_leftover_opts(bs, opts, errp)) {
        return false;
    }
    if (drv->refresh_limits) {
        drv->refresh_limits(bs);
    }
    bs->nonblocking = bs->nonblocking &&
                      (!bs->file || bs->file->bs->nonblocking) &&
                      (!bs->backing || bs->backing->bs->nonblocking);
    bs->total_size = drv->getlength ? drv->getlength(bs) : 0;
    if (bs->total_size < 0) {
        error_setg_errno(errp, (int)-bs->total_size,
                         "Could not get the size of '%s'", bs->filename);
        return false;
    }
    return true;
}

static BlockDriverState *bdrv_open_inherit(const char *filename,
                                           struct json_object *opts,
                                           int flags, Error **errp)
{
    BlockDriverState *bs = bdrv_new();
    struct json_object *saved = NULL;
    const BlockDriver *drv;

    if (filename && g_str_has_prefix(filename, "json:")) {
        if (!bdrv_merge_json_filename(filename, opts, errp)) {
            goto fail;
        }
        filename = NULL;
    }
    json_object_deep_copy(opts, &saved, NULL);

    if (!bdrv_take_generic_opts(bs, opts, &flags, errp)) {
        goto fail;
    }
    /* Children opened below inherit these (cache mode, discard, aio). */
    bs->open_flags = flags;
    drv = bdrv_open_prepare(bs, filename, opts, flags, errp);
    if (!drv) {
        goto fail;
    }
    bdrv_perm_opening(bs, true);
    if (!bdrv_open_driver(bs, drv, filename, opts, flags, errp)) {
        bdrv_perm_opening(bs, false);
        goto fail;
    }
    bs->options = saved;
    json_object_put(opts);
    g_queue_push_tail(&all_nodes, bs);
    bdrv_perm_opening(bs, false);
    return bs;

fail:
    json_object_put(saved);
    json_object_put(opts);
    bdrv_free(bs);
    return NULL;
}

BdrvChild *bdrv_open_child(const char *filename, struct json_object *options,
                           const char *name, BlockDriverState *parent,
                           bool is_format_child, bool allow_none,
                           Error **errp)
{
    struct json_object *v = NULL, *copts = NULL;
    BlockDriverState *child;
    int flags = 0;

    /* Inherited: cache mode, discard, aio.  Writethrough is the top
     * node's business (one flush per write, not one per layer). */
    if (parent) {
        flags = (parent->open_flags & ~(BDRV_O_RDWR | BDRV_O_PROTOCOL |
                                        BDRV_O_WRITETHROUGH |
                                        BDRV_O_NO_BACKING)) |
                (parent->read_only ? 0 : BDRV_O_RDWR);
    }
    if (options && json_object_object_get_ex(options, name, &v)) {
        if (json_object_is_type(v, json_type_string)) {
            const char *ref = json_object_get_string(v);
            child = bdrv_find_node(ref);
            if (!child) {
                error_setg(errp, "Cannot find device='' nor node-name='%s'",
                           ref);
                return NULL;
            }
            bdrv_ref(child);
            json_object_object_del(options, name);
            goto done;
        }
        if (!json_object_is_type(v, json_type_object)) {
            error_setg(errp, "Invalid parameter type for '%s', expected: "
                       "object", name);
            return NULL;
        }
        json_object_deep_copy(v, &copts, NULL);
        json_object_object_del(options, name);
    } else if (!filename) {
        if (allow_none) {
            return NULL;
        }
        error_setg(errp, "A block device must be specified for \"%s\"",
                   name);
        return NULL;
    } else {
        copts = json_object_new_object();
    }
    if (is_format_child && !json_object_object_get_ex(copts, "driver", NULL)) {
        flags |= BDRV_O_PROTOCOL;
    }
    child = bdrv_open_inherit(filename, copts, flags, errp);
    if (!child) {
        return NULL;
    }
done:;
    BdrvChild *c = g_new0(BdrvChild, 1);
    c->bs = child;
    c->parent = parent;
    c->name = g_strdup(name);
    return c;
}

int bdrv_open_backing(BlockDriverState *bs, struct json_object *options,
                      Error **errp)
{
    struct json_object *v = NULL;
    struct json_object *bopts;
    g_autofree char *path = NULL;

    if (options && json_object_object_get_ex(options, "backing", &v)) {
        if (v == NULL || json_object_is_type(v, json_type_null)) {
            json_object_object_del(options, "backing");
            return 0;
        }
        bs->backing = bdrv_open_child(NULL, options, "backing", bs, false,
                                      false, errp);
        if (bs->backing && !bdrv_refresh_perms(bs->backing->bs, errp)) {
            return -EBUSY;
        }
        return bs->backing ? 0 : -EINVAL;
    }
    if ((bs->open_flags & BDRV_O_NO_BACKING) || !bs->backing_file[0]) {
        return 0;
    }
    /* QEMU's path_combine: beside an image named without a directory,
     * the name stays as it is (lock messages and queries show it). */
    if (g_path_is_absolute(bs->backing_file) ||
        strchr(bs->backing_file, ':') || !strchr(bs->filename, '/')) {
        path = g_strdup(bs->backing_file);
    } else {
        g_autofree char *dir = g_path_get_dirname(bs->filename);
        path = g_build_filename(dir, bs->backing_file, NULL);
    }
    bopts = json_object_new_object();
    if (bs->backing_format[0]) {
        json_object_object_add(bopts, "driver",
                               json_object_new_string(bs->backing_format));
    }
    /* Backing files are opened read-only, as QEMU does. */
    json_object_object_add(bopts, "read-only", json_object_new_boolean(1));
    BlockDriverState *b = bdrv_open_inherit(
        path, bopts, bs->open_flags & ~(BDRV_O_RDWR | BDRV_O_PROTOCOL |
                                        BDRV_O_WRITETHROUGH), errp);
    if (!b) {
        error_prepend(errp, "Could not open backing file: ");
        return -EINVAL;
    }
    bs->backing = g_new0(BdrvChild, 1);
    bs->backing->bs = b;
    bs->backing->parent = bs;
    bs->backing->name = g_strdup("backing");
    return bdrv_refresh_perms(b, errp) ? 0 : -EBUSY;
}

BlockDriverState *bdrv_open(const char *filename, struct json_object *options,
                            int flags, Error **errp)
{
    struct json_object *opts = NULL;

    if (options) {
        json_object_deep_copy(options, &opts, NULL);
    } else {
        opts = json_object_new_object();
    }
    return bdrv_open_inherit(filename, opts, flags, errp);
}

BlockDriverState *bdrv_open_blockdev(struct json_object *options,
                                     Error **errp)
{
    struct json_object *drv;

    if (!options || !json_object_object_get_ex(options, "driver", &drv)) {
        error_setg(errp, "Parameter 'driver' is missing");
        return NULL;
    }
    return bdrv_open(NULL, options, BDRV_O_RDWR | BDRV_O_PROTOCOL, errp);
}

bool bdrv_create(const char *drv_name, const char *filename,
                 struct json_object *opts, Error **errp)
{
    const BlockDriver *drv = bdrv_find_format(drv_name);

    if (!drv) {
        error_setg(errp, "Unknown file format '%s'", drv_name);
        return false;
    }
    if (!drv->create) {
        error_setg(errp, "Format driver '%s' does not support image "
                   "creation", drv_name);
        return false;
    }
    return drv->create(filename, opts, errp);
}

bool bdrv_create_file(const char *filename, struct json_object *opts,
                      Error **errp)
{
    const BlockDriver *drv = bdrv_find_protocol(filename, true);

    if (!drv->create) {
        error_setg(errp, "Protocol driver '%s' does not support image "
                   "creation", drv->format_name);
        return false;
    }
    return drv->create(filename, opts, errp);
}
