/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -drive and -blockdev: the command line's way into the block layer
 * (include/block/).  -drive makes a named backend over a format node over a
 * protocol node, as QEMU's -drive does, and records the interface (if=,
 * bus/unit/index, media) for the machine to wire a disk controller to;
 * -blockdev opens one node graph with explicit options.
 *
 * -drive keys handled here: file, format, if, bus, unit, index, media, id,
 * cache, readonly (and read-only), snapshot, werror, rerror.  Everything
 * else ("aio", "discard", "node-name", "file.locking", driver options) is
 * passed to the format node's options, where an unknown key is an error.
 * Default ids follow QEMU: "ide0-hd0", "ide1-cd0", "virtio0", "none0".
 * As in QEMU, a -drive without file= still opens an image when it has
 * driver-specific options ("file.driver=file,file.filename=x",
 * "driver=qcow2,file.filename=x"); without them the drive is empty.
 *
 * snapshot=on (or -snapshot): the image is opened read-only as the backing
 * file of a temporary qcow2 overlay that takes the writes and is deleted
 * as soon as it is open.
 */
#include <string.h>
#include <unistd.h>

#include "block/block-backend.h"
#include "block/block.h"
#include "system/drive.h"
#include "util/keyval.h"

/* The keys -drive consumes itself. */
static const char *const drive_own_keys[] = {
    "file", "format", "if", "bus", "unit", "index", "media", "id", "cache",
    "readonly", "read-only", "snapshot", "werror", "rerror", NULL,
};

/* Node options that do not make a drive without file= open an image. */
static const char *const drive_generic_keys[] = {
    "aio", "discard", "detect-zeroes", "copy-on-read", NULL,
};

/* Devices per bus for bus/unit <-> index (QEMU: IDE 2, others 0). */
static int drive_max_devs(DriveInterface iface)
{
    return iface == DRIVE_IF_IDE ? 2 : 0;
}

static BlockBackend **drive_backends;
static unsigned drive_nbackends;
static GPtrArray *blockdev_nodes;

static bool drive_unit_taken(const MachineConfig *m, DriveInterface iface,
                             int bus, int unit)
{
    guint i;

    for (i = 0; i < m->drives->len; i++) {
        const MachineDrive *d = m->drives->pdata[i];

        if (d->iface == iface && d->bus == bus && d->unit == unit) {
            return true;
        }
    }
    return false;
}

static bool drive_get_int(struct json_object *opts, const char *key,
                          int *out, Error **errp)
{
    int64_t v;

    if (!keyval_get_int(opts, key, -1, &v, errp)) {
        return false;
    }
    if (v < -1 || v > 1023) {
        error_setg(errp, "Parameter '%s' expects a value between 0 and "
                   "1023", key);
        return false;
    }
    *out = (int)v;
    return true;
}

/* Interface, bus, unit, index and media of one -drive. */
static bool drive_placement(const MachineConfig *m, struct json_object *opts,
                            MachineDrive *d, Error **errp)
{
    const char *iface = keyval_get_str(opts, "if", NULL);
    const char *media = keyval_get_str(opts, "media", NULL);
    int max;

    d->iface = iface ? (DriveInterface)drive_interface_parse(iface)
                     : DRIVE_IF_IDE;
    d->cdrom = media && !strcmp(media, "cdrom");
    if (!drive_get_int(opts, "bus", &d->bus, errp) ||
        !drive_get_int(opts, "unit", &d->unit, errp) ||
        !drive_get_int(opts, "index", &d->index, errp)) {
        return false;
    }
    max = drive_max_devs(d->iface);
    if (d->index >= 0) {
        if (d->bus >= 0 || d->unit >= 0) {
            error_setg(errp, "index cannot be used with bus and unit");
            return false;
        }
        d->bus = max ? d->index / max : 0;
        d->unit = max ? d->index % max : d->index;
    }
    d->bus = d->bus < 0 ? 0 : d->bus;
    if (d->unit < 0) {
        d->unit = 0;
        while (drive_unit_taken(m, d->iface, d->bus, d->unit)) {
            d->unit++;
        }
    }
    if (max && d->unit >= max) {
        error_setg(errp, "unit %d too big (max is %d)", d->unit, max - 1);
        return false;
    }
    if (drive_unit_taken(m, d->iface, d->bus, d->unit)) {
        error_setg(errp, "drive with bus=%d, unit=%d (index=%d) exists",
                   d->bus, d->unit, d->index);
        return false;
    }
    return true;
}

static char *drive_default_id(const MachineDrive *d)
{
    const char *media = d->iface == DRIVE_IF_IDE ? (d->cdrom ? "-cd" : "-hd")
                                                 : "";

    if (drive_max_devs(d->iface)) {
        return g_strdup_printf("%s%d%s%d", drive_interface_name(d->iface),
                               d->bus, media, d->unit);
    }
    return g_strdup_printf("%s%s%d", drive_interface_name(d->iface), media,
                           d->unit);
}

/*
 * The format node's options: all keys -drive does not consume, and the
 * file child's options when "file" is given as dotted keys (file.*).
 */
static struct json_object *drive_node_options(struct json_object *opts)
{
    struct json_object *node = json_object_new_object();
    const char *format = keyval_get_str(opts, "format", NULL);
    struct json_object *file;

    json_object_object_foreach(opts, key, val) {
        if (!g_strv_contains(drive_own_keys, key)) {
            json_object_object_add(node, key, json_object_get(val));
        }
    }
    if (json_object_object_get_ex(opts, "file", &file) &&
        json_object_is_type(file, json_type_object)) {
        json_object_object_add(node, "file", json_object_get(file));
    }
    if (format) {
        json_object_object_add(node, "driver",
                               json_object_new_string(format));
    }
    return node;
}

/* Open @file (read-only; NULL: @node names it) under a temporary qcow2
 * overlay. */
static BlockDriverState *drive_open_snapshot(const char *file,
                                             struct json_object *node,
                                             int flags, Error **errp)
{
    g_autofree char *tmp = NULL;
    struct json_object *create, *overlay;
    BlockDriverState *base, *bs;
    int fd = g_file_open_tmp("plimsoll-snapshot-XXXXXX.qcow2", &tmp, NULL);

    if (fd < 0) {
        error_setg(errp, "Could not create a temporary overlay");
        return NULL;
    }
    close(fd);
    base = bdrv_open(file, node, flags & ~BDRV_O_RDWR, errp);
    if (!base) {
        unlink(tmp);
        return NULL;
    }
    create = json_object_new_object();
    json_object_object_add(create, "size",
                           json_object_new_int64(bdrv_getlength(base)));
    json_object_object_add(create, "backing_file",
                           json_object_new_string(bdrv_get_filename(base)));
    json_object_object_add(create, "backing_fmt",
                           json_object_new_string(bdrv_get_format_name(base)));
    bdrv_unref(base);
    overlay = json_object_new_object();
    json_object_object_add(overlay, "driver", json_object_new_string("qcow2"));
    bs = bdrv_create("qcow2", tmp, create, errp)
             ? bdrv_open(tmp, overlay, flags | BDRV_O_RDWR, errp)
             : NULL;
    json_object_put(create);
    json_object_put(overlay);
    unlink(tmp);
    return bs;
}

/* Flags from cache= and readonly=. */
static bool drive_flags(struct json_object *opts, int *flags, Error **errp)
{
    const char *cache = keyval_get_str(opts, "cache", NULL);
    bool ro, ro2;

    if (!keyval_get_bool(opts, "readonly", false, &ro, errp) ||
        !keyval_get_bool(opts, "read-only", false, &ro2, errp)) {
        return false;
    }
    *flags = (ro || ro2) ? 0 : BDRV_O_RDWR;
    return !cache || bdrv_parse_cache_mode(cache, flags, errp);
}

/* Whether @node (no file= given) names an image: QEMU opens one when any
 * driver-specific option is left. */
static bool drive_has_image_opts(struct json_object *node)
{
    json_object_object_foreach(node, key, val) {
        (void)val;
        if (!g_strv_contains(drive_generic_keys, key)) {
            return true;
        }
    }
    return false;
}

/* The backend over the opened image (or empty for a CD-ROM without one). */
static BlockBackend *drive_open_backend(const char *id,
                                        struct json_object *opts,
                                        bool snapshot, Error **errp)
{
    const char *file = keyval_get_str(opts, "file", NULL);
    struct json_object *node = drive_node_options(opts);
    BlockDriverState *bs = NULL;
    BlockBackend *blk;
    int flags;

    if (!drive_flags(opts, &flags, errp)) {
        json_object_put(node);
        return NULL;
    }
    if (file && !*file) {
        file = NULL;
    }
    if (file || drive_has_image_opts(node)) {
        bs = snapshot ? drive_open_snapshot(file, node, flags, errp)
                      : bdrv_open(file, node, flags, errp);
        if (!bs) {
            json_object_put(node);
            return NULL;
        }
    }
    json_object_put(node);
    blk = blk_new(id, errp);
    if (blk && bs && !blk_insert_bs(blk, bs, errp)) {
        blk_unref(blk);
        blk = NULL;
    }
    if (bs) {
        bdrv_unref(bs);
    }
    return blk;
}

static bool drive_error_policy(BlockBackend *blk, struct json_object *opts,
                               Error **errp)
{
    const char *werror = keyval_get_str(opts, "werror", NULL);
    const char *rerror = keyval_get_str(opts, "rerror", NULL);
    BlockdevOnError w = BLOCKDEV_ON_ERROR_ENOSPC;
    BlockdevOnError r = BLOCKDEV_ON_ERROR_REPORT;

    if ((werror && !blockdev_on_error_parse(werror, false, &w, errp)) ||
        (rerror && !blockdev_on_error_parse(rerror, true, &r, errp))) {
        return false;
    }
    blk_set_on_error(blk, r, w);
    return true;
}

bool drive_new(MachineConfig *m, struct json_object *opts,
               bool snapshot_all, Error **errp)
{
    MachineDrive *d = g_new0(MachineDrive, 1);
    const char *id = keyval_get_str(opts, "id", NULL);
    BlockBackend *blk;
    bool snapshot;

    if (!drive_placement(m, opts, d, errp) ||
        !keyval_get_bool(opts, "snapshot", snapshot_all, &snapshot, errp)) {
        g_free(d);
        return false;
    }
    d->id = id ? g_strdup(id) : drive_default_id(d);
    blk = drive_open_backend(d->id, opts, snapshot, errp);
    if (!blk || !drive_error_policy(blk, opts, errp)) {
        if (blk) {
            blk_unref(blk);
        }
        g_free(d->id);
        g_free(d);
        return false;
    }
    drive_backends = g_renew(BlockBackend *, drive_backends,
                             drive_nbackends + 1);
    drive_backends[drive_nbackends++] = blk;
    g_ptr_array_add(m->drives, d);
    return true;
}

bool blockdev_new(struct json_object *opts, Error **errp)
{
    BlockDriverState *bs = bdrv_open_blockdev(opts, errp);

    if (!bs) {
        return false;
    }
    if (!blockdev_nodes) {
        blockdev_nodes = g_ptr_array_new();
    }
    g_ptr_array_add(blockdev_nodes, bs);
    return true;
}

void drive_cleanup_all(void)
{
    unsigned i;

    for (i = drive_nbackends; i-- > 0;) {
        blk_unref(drive_backends[i]);
    }
    g_free(drive_backends);
    drive_backends = NULL;
    drive_nbackends = 0;
    for (i = blockdev_nodes ? blockdev_nodes->len : 0; i-- > 0;) {
        bdrv_unref(blockdev_nodes->pdata[i]);
    }
    if (blockdev_nodes) {
        g_ptr_array_free(blockdev_nodes, TRUE);
        blockdev_nodes = NULL;
    }
}
