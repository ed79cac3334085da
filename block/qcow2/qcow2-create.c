/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qcow2 create, preallocate, resize, measure, amend and format-specific
 * info (see qcow2-create.h).
 *
 * A new image is laid out as QEMU lays it out: cluster 0 the header (with
 * the feature table for v3 when clusters are larger than 4 KiB, the backing
 * format extension, the backing file name), cluster 1 the refcount table,
 * cluster 2 the first refcount block; the image is then opened and grown
 * to its size, which puts the L1 table in cluster 3.  Measure uses the
 * same sizing as qemu-img measure (L2 and L1 tables in whole clusters,
 * then refcount blocks and table covering everything).
 */
#include <errno.h>
#include <string.h>
#include "block/qcow2/qcow2-create.h"

void qcow2_create_opts_init(Qcow2CreateOpts *o)
{
    memset(o, 0, sizeof(*o));
    o->cluster_size = 65536;
    o->version = 3;
    o->refcount_bits = 16;
}

void qcow2_create_opts_clear(Qcow2CreateOpts *o)
{
    g_free(o->backing_file);
    g_free(o->backing_fmt);
    memset(o, 0, sizeof(*o));
}

static bool qcow2_parse_version(const char *v, uint32_t *out, Error **errp)
{
    if (!strcmp(v, "0.10") || !strcmp(v, "v2")) {
        *out = 2;
    } else if (!strcmp(v, "1.1") || !strcmp(v, "v3")) {
        *out = 3;
    } else {
        error_setg(errp, "Parameter 'version' does not accept value '%s'", v);
        return false;
    }
    return true;
}

static bool qcow2_parse_prealloc(const char *v, Qcow2Prealloc *out,
                                 Error **errp)
{
    static const char *const names[] = { "off", "metadata", "falloc",
                                         "full" };

    for (unsigned i = 0; i < G_N_ELEMENTS(names); i++) {
        if (!strcmp(v, names[i])) {
            *out = (Qcow2Prealloc)i;
            return true;
        }
    }
    error_setg(errp, "Parameter 'preallocation' does not accept value '%s'",
               v);
    return false;
}

static bool qcow2_create_strings(Qcow2CreateOpts *o, struct json_object *obj,
                                 Error **errp)
{
    g_autofree char *compat = NULL, *prealloc = NULL, *ctype = NULL;
    g_autofree char *ext = NULL, *enc = NULL;

    if (!qcow2_take_str(obj, "compat", &compat, errp) ||
        !qcow2_take_str(obj, "preallocation", &prealloc, errp) ||
        !qcow2_take_str(obj, "compression_type", &ctype, errp) ||
        !qcow2_take_str(obj, "extended_l2", &ext, errp) ||
        !qcow2_take_str(obj, "encryption", &enc, errp) ||
        !qcow2_take_str(obj, "backing_file", &o->backing_file, errp) ||
        !qcow2_take_str(obj, "backing_fmt", &o->backing_fmt, errp)) {
        return false;
    }
    if (compat && !qcow2_parse_version(compat, &o->version, errp)) {
        return false;
    }
    if (prealloc && !qcow2_parse_prealloc(prealloc, &o->prealloc, errp)) {
        return false;
    }
    if (ctype && strcmp(ctype, "zlib") && strcmp(ctype, "zstd")) {
        error_setg(errp, "Parameter 'compression-type' does not accept "
                   "value '%s'", ctype);
        return false;
    }
    o->compression_type = ctype && !strcmp(ctype, "zstd");
    if (ext && strcmp(ext, "off") && strcmp(ext, "false")) {
        error_setg(errp, "Extended L2 entries are not supported");
        return false;
    }
    if (enc && strcmp(enc, "off") && strcmp(enc, "false")) {
        error_setg(errp, "Encrypted images are not supported");
        return false;
    }
    return true;
}

bool qcow2_create_opts_take(Qcow2CreateOpts *o, struct json_object *obj,
                            Error **errp)
{
    bool present;

    return qcow2_take_size(obj, "size", &o->size, &o->size_set, errp) &&
           qcow2_take_size(obj, "cluster_size", &o->cluster_size, &present,
                           errp) &&
           qcow2_take_size(obj, "refcount_bits", &o->refcount_bits,
                           &present, errp) &&
           qcow2_take_bool(obj, "lazy_refcounts", &o->lazy_refcounts,
                           &present, errp) &&
           qcow2_create_strings(o, obj, errp);
}

bool qcow2_create_opts_validate(const Qcow2CreateOpts *o, Error **errp)
{
    const char *hint = "(use version=v3 or greater)";

    if (o->cluster_size < 512 || o->cluster_size > (2u << 20) ||
        (o->cluster_size & (o->cluster_size - 1))) {
        error_setg(errp, "Cluster size must be a power of two between 512 "
                   "and 2048k");
        return false;
    }
    if (!o->refcount_bits || o->refcount_bits > 64 ||
        (o->refcount_bits & (o->refcount_bits - 1))) {
        error_setg(errp, "Refcount width must be a power of two and may not "
                   "exceed 64 bits");
        return false;
    }
    if (o->version < 3 && o->refcount_bits != 16) {
        error_setg(errp, "Different refcount widths than 16 bits require "
                   "compatibility level 1.1 or above %s", hint);
        return false;
    }
    if (o->version < 3 && o->lazy_refcounts) {
        error_setg(errp, "Lazy refcounts only supported with compatibility "
                   "level 1.1 and above %s", hint);
        return false;
    }
    if (o->version < 3 && o->compression_type) {
        error_setg(errp, "Non-zlib compression type is only supported with "
                   "compatibility level 1.1 and above %s", hint);
        return false;
    }
    if (o->backing_fmt && !o->backing_file) {
        error_setg(errp, "Backing format cannot be used without backing "
                   "file");
        return false;
    }
    if (o->backing_file && o->prealloc != QCOW2_PREALLOC_OFF) {
        error_setg(errp, "Backing file and preallocation can only be used "
                   "at the same time if extended_l2 is on");
        return false;
    }
    if (o->size > (1ull << 62)) {
        error_setg(errp, "Image size too large");
        return false;
    }
    return true;
}

static void qcow2_create_meta(const Qcow2CreateOpts *o, Qcow2Meta *m)
{
    memset(m, 0, sizeof(*m));
    m->h.version = o->version;
    m->h.cluster_bits = (uint32_t)__builtin_ctzll(o->cluster_size);
    m->h.refcount_order = (uint32_t)__builtin_ctzll(o->refcount_bits);
    m->h.refcount_table_offset = o->cluster_size;
    m->h.refcount_table_clusters = 1;
    if (o->lazy_refcounts) {
        m->h.compatible_features |= QCOW2_COMPAT_LAZY_REFCOUNTS;
    }
    if (o->compression_type) {
        m->h.incompatible_features |= QCOW2_INCOMPAT_COMPRESSION;
        m->h.compression_type = o->compression_type;
    }
    if (o->version >= 3 && o->cluster_size > 4096) {
        qcow2_meta_set_default_features(m);
    }
    m->backing_file = g_strdup(o->backing_file);
    m->backing_format = g_strdup(o->backing_fmt);
}

static bool qcow2_create_format(const Qcow2Host *host,
                                const Qcow2CreateOpts *o, Error **errp)
{
    uint64_t cs = o->cluster_size;
    g_autofree uint8_t *buf = g_malloc0(cs * 3);
    Qcow2Meta m;
    bool ok;
    int ret;

    qcow2_create_meta(o, &m);
    ok = qcow2_meta_serialize(&m, buf, cs, errp);
    qcow2_meta_clear(&m);
    if (!ok) {
        return false;
    }
    qcow2_put_be64(buf + cs, 2 * cs);
    for (int i = 0; i < 3; i++) {
        qcow2_refcount_set(buf + 2 * cs, (uint32_t)__builtin_ctzll(
                               o->refcount_bits), i, 1);
    }
    ret = host->truncate(host->opaque, 0, QCOW2_PREALLOC_OFF);
    if (ret == 0) {
        ret = host->pwrite(host->opaque, 0, buf, cs * 3);
    }
    if (ret == 0) {
        ret = host->flush(host->opaque);
    }
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not write qcow2 header");
        return false;
    }
    return true;
}

bool qcow2_create(const Qcow2Host *host, const Qcow2CreateOpts *o,
                  Error **errp)
{
    Qcow2Options opts;
    Qcow2State *s;

    if (!qcow2_create_opts_validate(o, errp) ||
        !qcow2_create_format(host, o, errp)) {
        return false;
    }
    qcow2_options_init(&opts);
    opts.no_repair = true;
    s = qcow2_open(host, NULL, &opts, errp);
    if (!s) {
        return false;
    }
    bool ok = qcow2_resize(s, o->size, o->prealloc, errp) == 0;
    int ret = qcow2_close(s);
    if (ok && ret < 0) {
        error_setg_errno(errp, -ret, "Could not close the new image");
        ok = false;
    }
    return ok;
}

uint64_t qcow2_measure_meta(uint64_t size, uint64_t cs, uint32_t order)
{
    uint64_t al = qcow2_align_up(size, cs), per = cs / 8;
    uint64_t nl2e = qcow2_align_up(al / cs, per);
    uint64_t nl1e = qcow2_align_up(nl2e * 8 / cs, per);
    uint64_t meta = cs + nl2e * 8 + nl1e * 8;
    uint64_t clusters = (al + meta) / cs;
    uint64_t rpb = cs * 8 >> order, blocks = 0, table = 0, n = clusters, last;

    do {
        last = n;
        blocks = (clusters + table + blocks + rpb - 1) / rpb;
        table = (blocks + per - 1) / per;
        n = clusters + blocks + table;
    } while (n != last);
    return meta + (blocks + table) * cs;
}
