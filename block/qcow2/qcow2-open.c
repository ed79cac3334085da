/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Opening and closing a qcow2 image; the checked host write every other
 * file uses; corruption signalling; header rewrites; flush.
 *
 * Behaviour: BLOCK-QMP-REFERENCE.md 2.2-2.3 (every host write is checked
 * against the metadata map before it is sent; an overlap marks the image
 * corrupt, fails the write with EIO, makes the node unusable and raises
 * BLOCK_IMAGE_CORRUPTED once), 3.1, 3.4 (dirty bit and repair on open,
 * corrupt bit refuses read-write opens, unknown autoclear bits cleared
 * before writing), 3.6.  Spec: QEMU docs/interop/qcow2.txt "Header".
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include "block/aio-pool.h"
#include "block/qcow2/qcow2.h"
#include "block/qcow2/qcow2-check.h"
#include "util/event-bus.h"

static bool qcow2_extent_hit(uint64_t off, uint64_t len, uint64_t start,
                             uint64_t bytes, uint64_t cs)
{
    uint64_t a = off & ~(cs - 1), b = qcow2_align_up(off + len, cs);

    return bytes && start < b && a < start + bytes;
}

/* The structures with one extent each, checked without the map so they
 * stay protected even where the map gave up for lack of memory. */
static int qcow2_constant_check(Qcow2State *s, uint32_t mask, uint64_t off,
                                uint64_t len)
{
    uint64_t cs = s->cluster_size;

    if ((mask & QCOW2_OL_BIT(QCOW2_OL_MAIN_HEADER)) && off < cs) {
        return QCOW2_OL_MAIN_HEADER;
    }
    if ((mask & QCOW2_OL_BIT(QCOW2_OL_ACTIVE_L1)) &&
        qcow2_extent_hit(off, len, s->l1_offset, (uint64_t)s->l1_size * 8,
                         cs)) {
        return QCOW2_OL_ACTIVE_L1;
    }
    if ((mask & QCOW2_OL_BIT(QCOW2_OL_REFCOUNT_TABLE)) &&
        qcow2_extent_hit(off, len, s->reftable_offset,
                         s->reftable_entries * 8, cs)) {
        return QCOW2_OL_REFCOUNT_TABLE;
    }
    if ((mask & QCOW2_OL_BIT(QCOW2_OL_SNAPSHOT_TABLE)) &&
        qcow2_extent_hit(off, len, s->snapshots_offset, s->snapshots_size,
                         cs)) {
        return QCOW2_OL_SNAPSHOT_TABLE;
    }
    return -1;
}

int qcow2_overlap_test(Qcow2State *s, uint32_t mask, uint64_t off,
                       uint64_t len)
{
    int t;

    if (!mask || !len) {
        return -1;
    }
    t = qcow2_constant_check(s, mask, off, len);
    if (t < 0 && s->overlap) {
        t = qcow2_overlap_check(s->overlap, mask, off, len);
    }
    return t;
}

int qcow2_host_write(Qcow2State *s, uint64_t off, const void *buf,
                     uint64_t len, uint32_t ign)
{
    uint32_t mask = s->opts.overlap_mask & ~ign;

    if (s->corrupt) {
        return -EIO;
    }
    if (mask) {
        int t = qcow2_overlap_test(s, mask, off, len);
        if (t >= 0) {
            qcow2_signal_corruption(s, true, (int64_t)off, (int64_t)len,
                                    "Preventing invalid write on metadata "
                                    "(overlaps with %s)",
                                    qcow2_overlap_type_name(t));
            return -EIO;
        }
    }
    int ret = s->host.pwrite(s->host.opaque, off, buf, len);
    if (ret == 0 && off + len > s->file_end) {
        s->file_end = off + len;
    }
    return ret;
}

static void qcow2_emit_corrupted(Qcow2State *s, const char *msg,
                                 int64_t off, int64_t size, bool fatal)
{
    struct json_object *d = json_object_new_object();

    const char *dev = s->opts.device_fn ?
                      s->opts.device_fn(s->opts.device_opaque) : s->device;

    json_object_object_add(d, "device", json_object_new_string(dev ? dev
                                                                   : ""));
    if (s->node_name) {
        json_object_object_add(d, "node-name",
                               json_object_new_string(s->node_name));
    }
    json_object_object_add(d, "msg", json_object_new_string(msg));
    if (off >= 0) {
        json_object_object_add(d, "offset", json_object_new_int64(off));
    }
    if (size >= 0) {
        json_object_object_add(d, "size", json_object_new_int64(size));
    }
    json_object_object_add(d, "fatal", json_object_new_boolean(fatal));
    event_bus_emit("BLOCK_IMAGE_CORRUPTED", d);
}

void qcow2_signal_corruption(Qcow2State *s, bool fatal, int64_t off,
                             int64_t size, const char *fmt, ...)
{
    va_list ap;

    fatal = fatal && s->writable;
    if (s->corrupt || (!fatal && s->corruption_reported)) {
        return;
    }
    if (aio_nowait_active()) {
        /* The corrupt bit must reach the disk now: no bailing out. */
        aio_nowait_commit();
    }
    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (fatal) {
        error_report("qcow2: Marking image as corrupt: %s; further "
                     "corruption events will be suppressed", msg);
    } else {
        error_report("qcow2: Image is corrupt: %s; further non-fatal "
                     "corruption events will be suppressed", msg);
    }
    qcow2_emit_corrupted(s, msg, off, size, fatal);
    s->corruption_reported = true;
    if (fatal) {
        uint8_t v[8];
        s->meta.h.incompatible_features |= QCOW2_INCOMPAT_CORRUPT;
        if (s->meta.h.version >= 3) {
            qcow2_put_be64(v, s->meta.h.incompatible_features);
            s->host.pwrite(s->host.opaque, 72, v, 8);
            s->host.flush(s->host.opaque);
        }
        s->corrupt = true;
    }
}

int qcow2_update_header(Qcow2State *s)
{
    Error *err = NULL;
    uint8_t *buf = g_malloc0(s->cluster_size);
    int ret;

    s->meta.h.size = s->size;
    s->meta.h.l1_size = s->l1_size;
    s->meta.h.l1_table_offset = s->l1_offset;
    s->meta.h.refcount_table_offset = s->reftable_offset;
    s->meta.h.refcount_table_clusters =
        (uint32_t)((s->reftable_entries * 8) >> s->cluster_bits);
    s->meta.h.nb_snapshots = s->nb_snapshots;
    s->meta.h.snapshots_offset = s->snapshots_offset;
    if (!qcow2_meta_serialize(&s->meta, buf, s->cluster_size, &err)) {
        error_free(err);
        g_free(buf);
        return -EFBIG;
    }
    ret = qcow2_host_write(s, 0, buf, s->cluster_size,
                           QCOW2_OL_BIT(QCOW2_OL_MAIN_HEADER));
    g_free(buf);
    if (ret == 0) {
        ret = s->host.flush(s->host.opaque);
    }
    return ret;
}

int qcow2_set_incompat_bit(Qcow2State *s, uint64_t bit, bool on)
{
    uint8_t v[8];
    int ret;

    if (s->meta.h.version < 3) {
        return 0;
    }
    if (on) {
        s->meta.h.incompatible_features |= bit;
    } else {
        s->meta.h.incompatible_features &= ~bit;
    }
    qcow2_put_be64(v, s->meta.h.incompatible_features);
    ret = qcow2_host_write(s, 72, v, 8, QCOW2_OL_BIT(QCOW2_OL_MAIN_HEADER));
    if (ret == 0) {
        ret = s->host.flush(s->host.opaque);
    }
    return ret;
}

static int qcow2_read_table(Qcow2State *s, uint64_t off, uint64_t n,
                            uint64_t **out)
{
    g_autofree uint8_t *raw = g_try_malloc(n * 8 + 1);
    uint64_t *t = g_try_new(uint64_t, n + 1);
    int ret;

    if (!raw || !t) {
        g_free(t);
        return -ENOMEM;
    }
    ret = n ? s->host.pread(s->host.opaque, off, raw, n * 8) : 0;
    if (ret < 0) {
        g_free(t);
        return ret;
    }
    for (uint64_t i = 0; i < n; i++) {
        t[i] = qcow2_be64(raw + i * 8);
    }
    *out = t;
    return 0;
}

/* The refill callback of the overlap map: enter every metadata cluster. */
void qcow2_overlap_fill(Qcow2OverlapMap *map, void *opaque)
{
    Qcow2State *s = opaque;
    int64_t flen = s->host.getlength(s->host.opaque);
    uint64_t lim = flen > 0 ? (uint64_t)flen : 0;
    uint64_t cs = s->cluster_size;

    qcow2_overlap_add(map, 0, cs, QCOW2_OL_MAIN_HEADER);
    qcow2_overlap_add(map, s->l1_offset, (uint64_t)s->l1_size * 8,
                      QCOW2_OL_ACTIVE_L1);
    for (uint32_t i = 0; i < s->l1_size; i++) {
        uint64_t o = s->l1[i] & QCOW2_L1E_OFFSET_MASK;
        if (o && !(o & (cs - 1)) && o < lim) {
            qcow2_overlap_add(map, o, cs, QCOW2_OL_ACTIVE_L2);
        }
    }
    qcow2_overlap_add(map, s->reftable_offset, s->reftable_entries * 8,
                      QCOW2_OL_REFCOUNT_TABLE);
    for (uint64_t i = 0; i < s->reftable_entries; i++) {
        uint64_t o = s->reftable[i] & QCOW2_REFT_OFFSET_MASK;
        if (o && !(o & (cs - 1)) && o < lim) {
            qcow2_overlap_add(map, o, cs, QCOW2_OL_REFCOUNT_BLOCK);
        }
    }
    qcow2_overlap_add(map, s->snapshots_offset, s->snapshots_size,
                      QCOW2_OL_SNAPSHOT_TABLE);
    for (uint32_t k = 0; k < s->nb_snapshots; k++) {
        Qcow2Snapshot *sn = &s->snapshots[k];
        qcow2_overlap_add(map, sn->l1_table_offset, (uint64_t)sn->l1_size * 8,
                          QCOW2_OL_INACTIVE_L1);
        for (uint32_t i = 0; i < sn->l1_size; i++) {
            uint64_t o = sn->l1[i] & QCOW2_L1E_OFFSET_MASK;
            if (o && !(o & (cs - 1)) && o < lim) {
                qcow2_overlap_add(map, o, cs, QCOW2_OL_INACTIVE_L2);
            }
        }
    }
}

static void qcow2_cache_sizes(Qcow2State *s, unsigned *nl2, unsigned *nrb)
{
    uint64_t cs = s->cluster_size;
    uint64_t l2 = s->opts.l2_cache_bytes, rb = s->opts.refcount_cache_bytes;
    uint64_t cover = ((s->size + ((uint64_t)s->l2_entries << s->cluster_bits)
                      - 1) >> (s->cluster_bits + s->l2_bits)) * cs;

    if (rb == UINT64_MAX) {
        rb = MIN(4 * cs, l2 / 4);
        l2 = l2 - rb;
    }
    if (!l2) {
        l2 = MIN(cover, 32ull << 20);
    }
    if (!rb) {
        rb = 4 * cs;
    }
    *nl2 = (unsigned)MIN(MAX(l2 / cs, 2), 1u << 20);
    *nrb = (unsigned)MIN(MAX(rb / cs, 4), 1u << 20);
}

static bool qcow2_open_meta(Qcow2State *s, Error **errp)
{
    int64_t flen = s->host.getlength(s->host.opaque);
    uint64_t n;
    int ret;

    if (flen < 0) {
        error_setg_errno(errp, (int)-flen, "Could not get the image size");
        return false;
    }
    n = MIN((uint64_t)flen, 1ull << QCOW2_MAX_CLUSTER_BITS);
    g_autofree uint8_t *buf = g_malloc0(MAX(n, 128));
    ret = n ? s->host.pread(s->host.opaque, 0, buf, n) : 0;
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not read qcow2 header");
        return false;
    }
    s->file_end = (uint64_t)flen;
    if (!qcow2_meta_parse(buf, n, (uint64_t)flen, &s->meta, errp)) {
        return false;
    }
    Qcow2Header *h = &s->meta.h;
    s->cluster_bits = h->cluster_bits;
    s->cluster_size = 1ull << h->cluster_bits;
    s->l2_bits = h->cluster_bits - 3;
    s->l2_entries = 1u << s->l2_bits;
    s->refcount_order = h->refcount_order;
    s->rb_entries = (s->cluster_size * 8) >> h->refcount_order;
    s->size = h->size;
    s->l1_size = h->l1_size;
    s->l1_offset = h->l1_table_offset;
    s->reftable_offset = h->refcount_table_offset;
    s->reftable_entries = ((uint64_t)h->refcount_table_clusters
                           << s->cluster_bits) / 8;
    return true;
}

static bool qcow2_open_tables(Qcow2State *s, Error **errp)
{
    int ret = qcow2_read_table(s, s->l1_offset, s->l1_size, &s->l1);

    if (ret == 0) {
        ret = qcow2_read_table(s, s->reftable_offset, s->reftable_entries,
                               &s->reftable);
    }
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not read the L1 or refcount "
                         "table");
        return false;
    }
    ret = qcow2_snapshots_load(s);
    if (ret < 0) {
        error_setg(errp, "Could not read the snapshot table: %s",
                   ret == -EINVAL ? "invalid snapshot table"
                                  : g_strerror(-ret));
        return false;
    }
    unsigned nl2, nrb;
    qcow2_cache_sizes(s, &nl2, &nrb);
    s->l2_cache = qcow2_cache_new(s, nl2, QCOW2_OL_ACTIVE_L2);
    s->rb_cache = qcow2_cache_new(s, nrb, QCOW2_OL_REFCOUNT_BLOCK);
    if (s->opts.overlap_mask) {
        s->overlap = qcow2_overlap_map_new(s->cluster_bits,
                                           s->opts.overlap_mem_limit,
                                           *s->device ? s->device
                                                      : s->node_name);
        qcow2_overlap_map_set_refill(s->overlap, qcow2_overlap_fill, s);
        qcow2_overlap_fill(s->overlap, s);
    }
    return true;
}

static bool qcow2_open_checks(Qcow2State *s, Error **errp)
{
    Qcow2Header *h = &s->meta.h;

    if ((h->incompatible_features & QCOW2_INCOMPAT_CORRUPT) &&
        s->writable && !s->opts.check_mode) {
        error_setg(errp, "qcow2: Image is corrupt; cannot be opened "
                   "read/write");
        return false;
    }
    s->lazy = s->writable && h->version >= 3 &&
              (s->opts.lazy_refcounts_set ? s->opts.lazy_refcounts
                                          : !!(h->compatible_features &
                                               QCOW2_COMPAT_LAZY_REFCOUNTS));
    if (s->writable && h->autoclear_features) {
        h->autoclear_features = 0;
        if (qcow2_update_header(s) < 0) {
            error_setg(errp, "Could not update qcow2 header");
            return false;
        }
    }
    if (s->writable && (h->incompatible_features & QCOW2_INCOMPAT_DIRTY) &&
        !s->opts.check_mode && !s->opts.no_repair) {
        Qcow2CheckResult res;
        if (qcow2_check_locked(s, &res, QCOW2_FIX_LEAKS | QCOW2_FIX_ERRORS)
            < 0 || qcow2_set_incompat_bit(s, QCOW2_INCOMPAT_DIRTY, false) < 0) {
            error_setg(errp, "Could not repair dirty image");
            return false;
        }
    }
    return true;
}

Qcow2State *qcow2_open(const Qcow2Host *host, const Qcow2Backing *backing,
                       const Qcow2Options *opts, Error **errp)
{
    Qcow2State *s = g_new0(Qcow2State, 1);

    g_mutex_init(&s->lock);
    g_cond_init(&s->io_cond);
    s->host = *host;
    s->opts = *opts;
    s->device = g_strdup(opts->device ? opts->device : "");
    s->node_name = g_strdup(opts->node_name);
    s->opts.device = s->device;
    s->opts.node_name = s->node_name;
    s->writable = !opts->read_only;
    s->pending_frees = g_array_new(FALSE, FALSE, sizeof(Qcow2PendingFree));
    s->inflight = g_array_new(FALSE, FALSE, sizeof(Qcow2Inflight));
    if (backing) {
        s->backing = *backing;
        s->has_backing = true;
    }
    g_mutex_lock(&s->lock);
    bool ok = qcow2_open_meta(s, errp) && qcow2_open_tables(s, errp) &&
              qcow2_open_checks(s, errp);
    g_mutex_unlock(&s->lock);
    if (!ok) {
        s->writable = false;
        s->corrupt = true;   /* nothing to flush */
        qcow2_close(s);
        return NULL;
    }
    return s;
}

int qcow2_flush_locked(Qcow2State *s)
{
    int ret;

    if (s->corrupt) {
        return -ENOMEDIUM;
    }
    if (!s->writable) {
        return 0;
    }
    ret = qcow2_cache_writeback(s, s->l2_cache);
    if (ret == 0) {
        ret = qcow2_cache_writeback(s, s->rb_cache);
    }
    if (ret == 0) {
        ret = s->host.flush(s->host.opaque);
    }
    if (ret == 0 && s->pending_frees->len &&
        !__atomic_load_n(&s->unlocked_io, __ATOMIC_SEQ_CST)) {
        ret = qcow2_apply_frees(s);
        if (ret == 0) {
            ret = qcow2_cache_writeback(s, s->rb_cache);
        }
        if (ret == 0) {
            ret = s->host.flush(s->host.opaque);
        }
    }
    if (s->overlap) {
        qcow2_overlap_map_recover(s->overlap);
    }
    return ret;
}

int qcow2_flush(Qcow2State *s)
{
    g_mutex_lock(&s->lock);
    int ret = qcow2_flush_locked(s);
    g_mutex_unlock(&s->lock);
    return ret;
}

void qcow2_clean_caches(Qcow2State *s)
{
    g_mutex_lock(&s->lock);
    if (s->l2_cache) {
        qcow2_cache_clean(s->l2_cache);
        qcow2_cache_clean(s->rb_cache);
    }
    g_mutex_unlock(&s->lock);
}

int qcow2_close(Qcow2State *s)
{
    int ret = 0;

    if (!s) {
        return 0;
    }
    g_mutex_lock(&s->lock);
    qcow2_drain_locked(s);
    if (s->writable && !s->corrupt) {
        ret = qcow2_flush_locked(s);
        if (ret == 0 && s->pending_frees->len) {
            ret = qcow2_flush_locked(s);
        }
        if (ret == 0 && s->dirty_set) {
            ret = qcow2_set_incompat_bit(s, QCOW2_INCOMPAT_DIRTY, false);
        }
    }
    g_mutex_unlock(&s->lock);
    qcow2_cache_free(s->l2_cache);
    qcow2_cache_free(s->rb_cache);
    qcow2_overlap_map_free(s->overlap);
    qcow2_snapshots_free(s);
    g_free(s->l1);
    g_free(s->reftable);
    g_free(s->zbuf);
    g_array_free(s->pending_frees, TRUE);
    g_array_free(s->inflight, TRUE);
    qcow2_meta_clear(&s->meta);
    g_free(s->device);
    g_free(s->node_name);
    g_mutex_clear(&s->lock);
    g_cond_clear(&s->io_cond);
    g_free(s);
    return ret;
}
