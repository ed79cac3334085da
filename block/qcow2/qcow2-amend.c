/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Changing an open qcow2 image: resize (grow with optional preallocation;
 * shrink, which drops every cluster beyond the new end), amend (compat
 * level, lazy refcounts, backing file and format, size) and the
 * format-specific info object.
 *
 * Behaviour: qemu-img resize/amend/info as documented in QEMU's qemu-img
 * manual and BLOCK-QMP-REFERENCE.md 6; spec QEMU docs/interop/qcow2.txt
 * "Header" (downgrading to v2 needs 16-bit refcounts, no zero clusters,
 * which are expanded first, no zstd compressed clusters, no lazy
 * refcounts, snapshots of the image's size).
 */
#include <errno.h>
#include <string.h>
#include "block/qcow2/qcow2-check.h"
#include "block/qcow2/qcow2-create.h"

/* Allocate data clusters for every unallocated guest cluster in
 * [from, to); clusters reused from below @old_end are zeroed. */
static int qcow2_prealloc_range(Qcow2State *s, uint64_t from, uint64_t to,
                                uint64_t old_end)
{
    g_autofree uint8_t *zero = g_malloc0(s->cluster_size);
    uint64_t off = from & ~(s->cluster_size - 1);

    while (off < to) {
        uint8_t *l2;
        uint32_t idx;
        int ret = qcow2_get_l2(s, off, true, &l2, &idx);
        if (ret < 0) {
            return ret;
        }
        uint64_t e = qcow2_l2e(l2, idx);
        Qcow2ClusterType t = qcow2_l2_entry_type(e, s->meta.h.version);
        if (t == QCOW2_CLUSTER_UNALLOCATED || t == QCOW2_CLUSTER_ZERO_PLAIN) {
            int64_t h = qcow2_alloc_clusters(s, 1);
            if (h < 0) {
                return (int)h;
            }
            if ((uint64_t)h < old_end) {
                ret = qcow2_host_write(s, (uint64_t)h, zero, s->cluster_size,
                                       0);
                if (ret < 0) {
                    return ret;
                }
            }
            ret = qcow2_get_l2(s, off, true, &l2, &idx);
            if (ret < 0) {
                return ret;
            }
            qcow2_set_l2e(l2, idx, (uint64_t)h | QCOW2_OFLAG_COPIED);
            qcow2_cache_dirty(s->l2_cache, s->l1[off >> (s->cluster_bits +
                              s->l2_bits)] & QCOW2_L1E_OFFSET_MASK);
        }
        off += s->cluster_size;
    }
    return 0;
}

static int qcow2_preallocate(Qcow2State *s, uint64_t from, uint64_t to,
                             Qcow2Prealloc mode)
{
    int64_t old_end = s->host.getlength(s->host.opaque);
    int ret;

    if (mode == QCOW2_PREALLOC_OFF || from >= to) {
        return 0;
    }
    if (old_end < 0) {
        return (int)old_end;
    }
    ret = qcow2_prealloc_range(s, from, to, (uint64_t)old_end);
    if (ret == 0) {
        ret = qcow2_flush_locked(s);
    }
    if (ret == 0) {
        uint64_t end = s->free_cluster_index << s->cluster_bits;
        int64_t cur = s->host.getlength(s->host.opaque);
        if (cur >= 0 && end > (uint64_t)cur) {
            s->file_end = MAX(s->file_end, end);
            ret = s->host.truncate(s->host.opaque, end, mode ==
                                   QCOW2_PREALLOC_METADATA ?
                                   QCOW2_PREALLOC_OFF : mode);
        }
    }
    return ret;
}

static int qcow2_shrink(Qcow2State *s, uint64_t new_size)
{
    uint64_t off = qcow2_align_up(new_size, s->cluster_size);

    for (; off < s->size; off += s->cluster_size) {
        uint8_t *l2;
        uint32_t idx;
        int ret = qcow2_get_l2(s, off, false, &l2, &idx);
        if (ret < 0) {
            return ret;
        }
        if (!l2 || !qcow2_l2e(l2, idx)) {
            continue;
        }
        uint64_t e = qcow2_l2e(l2, idx);
        ret = qcow2_get_l2(s, off, true, &l2, &idx);
        if (ret < 0) {
            return ret;
        }
        qcow2_set_l2e(l2, idx, 0);
        qcow2_cache_dirty(s->l2_cache, s->l1[off >> (s->cluster_bits +
                          s->l2_bits)] & QCOW2_L1E_OFFSET_MASK);
        qcow2_free_l2_entry(s, e);
    }
    return 0;
}

int qcow2_resize(Qcow2State *s, uint64_t new_size, Qcow2Prealloc prealloc,
                 Error **errp)
{
    uint64_t span = (uint64_t)s->l2_entries << s->cluster_bits;
    uint64_t old = s->size;
    int ret = 0;

    g_mutex_lock(&s->lock);
    qcow2_drain_locked(s);
    if (!s->writable || s->corrupt) {
        ret = -EACCES;
        error_setg(errp, "Image is not writable");
    } else if (new_size & 511) {
        ret = -EINVAL;
        error_setg(errp, "The new size must be a multiple of 512");
    } else if (s->nb_snapshots && s->meta.h.version < 3) {
        /* v2 snapshots do not record their disk size */
        ret = -ENOTSUP;
        error_setg(errp, "Can't resize a v2 image which has snapshots");
    } else if (new_size > (1ull << 62) ||
               (new_size + span - 1) / span > QCOW2_MAX_L1_BYTES / 8) {
        ret = -EFBIG;
        error_setg(errp, "Image size too large");
    } else if (new_size < old) {
        if (prealloc != QCOW2_PREALLOC_OFF) {
            ret = -ENOTSUP;
            error_setg(errp, "Preallocation can't be used for shrinking an "
                       "image");
        } else {
            ret = qcow2_shrink(s, new_size);
        }
    } else {
        ret = qcow2_grow_l1(s, (new_size + span - 1) / span);
    }
    if (ret == 0) {
        s->size = new_size;
        ret = qcow2_update_header(s);
        if (ret == 0 && new_size > old) {
            ret = qcow2_preallocate(s, old, new_size, prealloc);
        }
        if (ret == 0) {
            ret = qcow2_flush_locked(s);
        }
        if (ret < 0) {
            error_setg_errno(errp, -ret, "Could not resize the image");
        }
    }
    g_mutex_unlock(&s->lock);
    return ret;
}

/* What a downgrade to v2 finds in the L2 tables. */
typedef struct DowngradeScan {
    GArray *zero;           /* guest offsets of active zero clusters */
    bool snap_zero;         /* a snapshot's table has a zero cluster */
    bool compressed;        /* some table has a compressed cluster */
} DowngradeScan;

static void qcow2_downgrade_scan_l1(Qcow2State *s, const uint64_t *l1,
                                    uint32_t n, bool active,
                                    DowngradeScan *d)
{
    for (uint32_t i = 0; i < n; i++) {
        uint64_t o = l1[i] & QCOW2_L1E_OFFSET_MASK;
        uint8_t *l2;
        if (!o || qcow2_cache_get(s, s->l2_cache, o, true, &l2) < 0) {
            continue;
        }
        for (uint32_t j = 0; j < s->l2_entries; j++) {
            uint64_t e = qcow2_l2e(l2, j);
            uint64_t g = (((uint64_t)i << s->l2_bits) + j) << s->cluster_bits;
            if (e & QCOW2_OFLAG_COMPRESSED) {
                d->compressed = true;
            } else if ((e & QCOW2_OFLAG_ZERO) && !active) {
                d->snap_zero = true;
            } else if ((e & QCOW2_OFLAG_ZERO) && g < s->size) {
                g_array_append_val(d->zero, g);
            }
        }
    }
}

/*
 * qemu-img's refusals of a downgrade to v2 (@order: the refcount order
 * the amend leaves).  Zero clusters in snapshots are refused here (QEMU
 * expands them too); the active ones are listed in @d for expanding.
 */
static bool qcow2_downgrade_check(Qcow2State *s, uint32_t order,
                                  DowngradeScan *d, Error **errp)
{
    qcow2_downgrade_scan_l1(s, s->l1, s->l1_size, true, d);
    for (uint32_t k = 0; k < s->nb_snapshots; k++) {
        Qcow2Snapshot *sn = &s->snapshots[k];
        qcow2_downgrade_scan_l1(s, sn->l1, sn->l1_size, false, d);
        if (sn->disk_size != s->size || sn->vm_state_size > UINT32_MAX) {
            error_setg(errp, "Internal snapshots prevent downgrade of image");
            return false;
        }
    }
    if (order != 4) {
        error_setg(errp, "compat=0.10 requires refcount_bits=16");
    } else if (s->meta.h.compression_type && d->compressed) {
        error_setg(errp, "Cannot downgrade an image with zstd compression "
                   "type and existing compressed clusters");
    } else if (d->snap_zero) {
        error_setg(errp, "Cannot downgrade an image with zero clusters in "
                   "internal snapshots");
    } else {
        return true;
    }
    return false;
}

/*
 * Zero clusters without a host cluster in an image without a backing
 * file become unallocated (they read as zeroes all the same); the others
 * are left in @d->zero for writing.  Lock held.
 */
static int qcow2_downgrade_unzero(Qcow2State *s, DowngradeScan *d)
{
    for (guint i = 0; !s->has_backing && i < d->zero->len;) {
        uint64_t g = g_array_index(d->zero, uint64_t, i);
        uint8_t *l2;
        uint32_t idx;
        int ret = qcow2_get_l2(s, g, true, &l2, &idx);
        if (ret < 0) {
            return ret;
        }
        if (qcow2_l2e(l2, idx) & QCOW2_L2E_OFFSET_MASK) {
            i++;
            continue;
        }
        qcow2_set_l2e(l2, idx, 0);
        qcow2_cache_dirty(s->l2_cache, s->l1[g >> (s->cluster_bits +
                          s->l2_bits)] & QCOW2_L1E_OFFSET_MASK);
        g_array_remove_index_fast(d->zero, i);
    }
    return 0;
}

/*
 * Before a downgrade: check it, then turn the active zero clusters into
 * clusters v2 can express (unallocated, or zeroes written through the I/O
 * path), as QEMU's qcow2_expand_zero_clusters does.
 */
static bool qcow2_downgrade_prepare(Qcow2State *s, uint32_t order,
                                    Error **errp)
{
    DowngradeScan d = { .zero = g_array_new(FALSE, FALSE, sizeof(uint64_t)) };
    g_autofree uint8_t *zeroes = g_malloc0(s->cluster_size);
    int ret = 0;

    g_mutex_lock(&s->lock);
    bool ok = qcow2_downgrade_check(s, order, &d, errp);
    if (ok) {
        ret = qcow2_downgrade_unzero(s, &d);
    }
    g_mutex_unlock(&s->lock);
    for (guint i = 0; ok && ret == 0 && i < d.zero->len; i++) {
        uint64_t g = g_array_index(d.zero, uint64_t, i);
        ret = qcow2_write(s, g, zeroes, MIN(s->cluster_size, s->size - g));
    }
    if (ok && ret < 0) {
        error_setg_errno(errp, -ret, "Could not expand the zero clusters");
        ok = false;
    }
    g_array_free(d.zero, TRUE);
    return ok;
}

/* Downgrading to v2 needs an image without v3-only features. */
static bool qcow2_amend_downgrade_ok(Qcow2State *s, Error **errp)
{
    DowngradeScan d = { .zero = g_array_new(FALSE, FALSE, sizeof(uint64_t)) };
    bool ok = qcow2_downgrade_check(s, s->refcount_order, &d, errp);

    if (ok && d.zero->len) {
        error_setg(errp, "Cannot downgrade an image with zero clusters");
        ok = false;
    }
    g_array_free(d.zero, TRUE);
    return ok;
}

static bool qcow2_amend_refuse(struct json_object *opts, Error **errp)
{
    static const char *const fixed[][2] = {
        { "cluster_size", "Changing the cluster size is not supported" },
        { "compression_type", "Changing the compression type is not "
                              "supported" },
        { "preallocation", "Changing the preallocation mode is not "
                           "supported" },
        { "encryption", "Changing the encryption flag is not supported" },
        { "extended_l2", "Toggling extended L2 entries is not supported" },
    };

    for (unsigned i = 0; i < G_N_ELEMENTS(fixed); i++) {
        if (json_object_object_get_ex(opts, fixed[i][0], NULL)) {
            error_setg(errp, "%s", fixed[i][1]);
            return false;
        }
    }
    return true;
}

/*
 * A new refcount width (QEMU changes it after an upgrade and before a
 * downgrade, so that compat=0.10,refcount_bits=16 works on one command).
 */
static bool qcow2_amend_refcount_bits(Qcow2State *s, uint64_t bits,
                                      uint32_t version, Error **errp)
{
    if (!bits || bits > 64 || (bits & (bits - 1))) {
        error_setg(errp, "Refcount width must be a power of two and may not "
                   "exceed 64 bits");
        return false;
    }
    uint32_t order = (uint32_t)__builtin_ctzll(bits);
    if (order == s->refcount_order) {
        return true;
    }
    if (version < 3 && bits != 16) {
        error_setg(errp, "Refcount widths other than 16 bits require "
                   "compatibility level 1.1 or above (use compat=1.1 or "
                   "greater)");
        return false;
    }
    if (s->meta.h.version < 3) {
        /* upgrade first: v2 headers have no refcount order */
        s->meta.h.version = 3;
        if (qcow2_update_header(s) < 0) {
            error_setg(errp, "Could not update the image header");
            return false;
        }
    }
    return qcow2_change_refcount_order(s, order, errp) == 0;
}

static bool qcow2_amend_locked(Qcow2State *s, Qcow2CreateOpts *o,
                               bool compat_set, bool lazy_set, bool rc_set,
                               Error **errp)
{
    Qcow2Header *h = &s->meta.h;
    uint32_t version = compat_set ? o->version : h->version;

    if (lazy_set && o->lazy_refcounts && version < 3) {
        error_setg(errp, "Lazy refcounts only supported with compatibility "
                   "level 1.1 and above (use compat=1.1 or greater)");
        return false;
    }
    if (rc_set &&
        !qcow2_amend_refcount_bits(s, o->refcount_bits, version, errp)) {
        return false;
    }
    if (compat_set && o->version < h->version) {
        if (!qcow2_amend_downgrade_ok(s, errp)) {
            return false;
        }
        if (qcow2_flush_locked(s) < 0) {
            error_setg(errp, "Could not flush the image");
            return false;
        }
        h->compatible_features = 0;
        h->incompatible_features = 0;
        h->compression_type = 0;
        h->autoclear_features = 0;
        h->unknown_fields_len = 0;
        s->lazy = false;
    }
    if (compat_set) {
        h->version = o->version;
        if (h->version >= 3 && !s->meta.nb_features &&
            s->cluster_size > 4096) {
            qcow2_meta_set_default_features(&s->meta);
        }
    }
    if (lazy_set) {
        if (!o->lazy_refcounts && s->lazy && qcow2_flush_locked(s) < 0) {
            error_setg(errp, "Could not flush the image");
            return false;
        }
        h->compatible_features = o->lazy_refcounts
            ? h->compatible_features | QCOW2_COMPAT_LAZY_REFCOUNTS
            : h->compatible_features & ~QCOW2_COMPAT_LAZY_REFCOUNTS;
    }
    if (o->backing_file) {
        g_free(s->meta.backing_file);
        s->meta.backing_file = *o->backing_file ? g_strdup(o->backing_file)
                                                : NULL;
    }
    if (o->backing_fmt) {
        g_free(s->meta.backing_format);
        s->meta.backing_format = g_strdup(o->backing_fmt);
    }
    if (qcow2_update_header(s) < 0) {
        error_setg(errp, "Could not update the image header");
        return false;
    }
    return true;
}

/*
 * A downgrade first expands the zero clusters (through the I/O path, so
 * without the lock), unless an option error comes first.
 */
static bool qcow2_amend_prepare(Qcow2State *s, const Qcow2CreateOpts *o,
                                bool compat_set, bool lazy_set, bool rc_set,
                                Error **errp)
{
    uint64_t bits = rc_set ? o->refcount_bits : 1ull << s->refcount_order;

    if (!compat_set || o->version >= s->meta.h.version ||
        (lazy_set && o->lazy_refcounts) || (rc_set && bits != 16) ||
        !bits || bits > 64 || (bits & (bits - 1)) || !s->writable ||
        s->corrupt) {
        return true;        /* nothing to do, or qcow2_amend_locked refuses */
    }
    return qcow2_downgrade_prepare(s, (uint32_t)__builtin_ctzll(bits), errp);
}

bool qcow2_amend(Qcow2State *s, struct json_object *opts, Error **errp)
{
    Qcow2CreateOpts o;
    bool lazy_set = json_object_object_get_ex(opts, "lazy_refcounts", NULL);
    bool compat_set = json_object_object_get_ex(opts, "compat", NULL);
    bool rc_set = json_object_object_get_ex(opts, "refcount_bits", NULL);
    bool ok;

    if (!qcow2_amend_refuse(opts, errp)) {
        return false;
    }
    qcow2_create_opts_init(&o);
    o.version = s->meta.h.version;
    if (!qcow2_create_opts_take(&o, opts, errp)) {
        qcow2_create_opts_clear(&o);
        return false;
    }
    if (!qcow2_amend_prepare(s, &o, compat_set, lazy_set, rc_set, errp)) {
        qcow2_create_opts_clear(&o);
        return false;
    }
    g_mutex_lock(&s->lock);
    ok = s->writable && !s->corrupt;
    if (!ok) {
        error_setg(errp, "Image is not writable");
    } else {
        ok = qcow2_amend_locked(s, &o, compat_set, lazy_set, rc_set,
                                errp);
    }
    g_mutex_unlock(&s->lock);
    if (ok && o.size_set && o.size != s->size) {
        ok = qcow2_resize(s, o.size, QCOW2_PREALLOC_OFF, errp) == 0;
    }
    qcow2_create_opts_clear(&o);
    return ok;
}

struct json_object *qcow2_format_specific(Qcow2State *s)
{
    struct json_object *r = json_object_new_object();
    struct json_object *d = json_object_new_object();
    const Qcow2Header *h = &s->meta.h;
    bool v3 = h->version >= 3;

    json_object_object_add(r, "type", json_object_new_string("qcow2"));
    json_object_object_add(d, "compat",
                           json_object_new_string(v3 ? "1.1" : "0.10"));
    json_object_object_add(d, "compression-type", json_object_new_string(
                               h->compression_type ? "zstd" : "zlib"));
    if (v3) {
        json_object_object_add(d, "lazy-refcounts", json_object_new_boolean(
            !!(h->compatible_features & QCOW2_COMPAT_LAZY_REFCOUNTS)));
    }
    json_object_object_add(d, "refcount-bits",
                           json_object_new_int(1 << s->refcount_order));
    if (v3) {
        json_object_object_add(d, "corrupt", json_object_new_boolean(
            !!(h->incompatible_features & QCOW2_INCOMPAT_CORRUPT)));
        json_object_object_add(d, "extended-l2",
                               json_object_new_boolean(false));
    }
    json_object_object_add(r, "data", d);
    return r;
}
