/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qcow2 host cluster management: refcount lookup and update, cluster and
 * byte allocation, refcount block creation, refcount table growth, and
 * deferred freeing.
 *
 * Spec: QEMU docs/interop/qcow2.txt "Host cluster management";
 * BLOCK-QMP-REFERENCE.md 3.3, 3.4.  Allocation is first fit from a hint.
 * A missing refcount block is created inside the range it describes, at
 * the first cluster the allocation would have used, so refcount blocks
 * describe themselves as QEMU's do.  Refcount decrements wait in a queue
 * until the tables that dropped the reference are on disk (see qcow2.h).
 */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include "block/aio-pool.h"
#include "block/qcow2/qcow2.h"

static int qcow2_refblock_offset(Qcow2State *s, uint64_t idx, uint64_t *off)
{
    *off = 0;
    if (idx >= s->reftable_entries) {
        return 0;
    }
    uint64_t e = s->reftable[idx];
    *off = e & QCOW2_REFT_OFFSET_MASK;
    if (*off & (s->cluster_size - 1)) {
        qcow2_signal_corruption(s, true, -1, -1, "Refblock offset %#llx "
                                "unaligned (reftable index: %#llx)",
                                (unsigned long long)*off,
                                (unsigned long long)idx);
        return -EIO;
    }
    return 0;
}

int qcow2_get_refcount(Qcow2State *s, uint64_t cluster, uint64_t *rc)
{
    uint64_t rb_off;
    uint8_t *rb;
    int ret = qcow2_refblock_offset(s, cluster / s->rb_entries, &rb_off);

    *rc = 0;
    if (ret < 0 || !rb_off) {
        return ret;
    }
    ret = qcow2_cache_get(s, s->rb_cache, rb_off, true, &rb);
    if (ret < 0) {
        return ret;
    }
    *rc = qcow2_refcount_get(rb, s->refcount_order,
                             cluster % s->rb_entries);
    return 0;
}

static int qcow2_update_one(Qcow2State *s, uint64_t cluster, int64_t delta)
{
    uint64_t rb_off, old, new;
    uint8_t *rb;
    int ret = qcow2_refblock_offset(s, cluster / s->rb_entries, &rb_off);

    if (ret < 0) {
        return ret;
    }
    if (!rb_off) {
        qcow2_signal_corruption(s, true, -1, -1, "Refcount block for "
                                "cluster %#llx missing",
                                (unsigned long long)cluster);
        return -EIO;
    }
    ret = qcow2_cache_get(s, s->rb_cache, rb_off, true, &rb);
    if (ret < 0) {
        return ret;
    }
    old = qcow2_refcount_get(rb, s->refcount_order, cluster % s->rb_entries);
    if (delta < 0 && old < (uint64_t)-delta) {
        return -EINVAL;
    }
    new = old + (uint64_t)delta;
    if (delta > 0 && (new < old || new > qcow2_refcount_max(s->refcount_order))) {
        return -ERANGE;
    }
    qcow2_refcount_set(rb, s->refcount_order, cluster % s->rb_entries, new);
    qcow2_cache_dirty(s->rb_cache, rb_off);
    if (new == 0) {
        if (cluster < s->free_cluster_index) {
            s->free_cluster_index = cluster;
        }
        if (s->free_byte_offset &&
            (s->free_byte_offset >> s->cluster_bits) == cluster) {
            s->free_byte_offset = 0;
        }
    }
    return 0;
}

int qcow2_update_refcount(Qcow2State *s, uint64_t off, uint64_t bytes,
                          int64_t delta)
{
    if (!bytes) {
        return 0;
    }
    uint64_t first = off >> s->cluster_bits;
    uint64_t last = (off + bytes - 1) >> s->cluster_bits;
    for (uint64_t c = first; c <= last; c++) {
        int ret = qcow2_update_one(s, c, delta);
        if (ret < 0) {
            return ret;
        }
    }
    return 0;
}

/* Write a fresh refblock for reftable index @idx at cluster @at (inside
 * the range it describes, so it counts itself) and hook it up. */
static int qcow2_create_refblock(Qcow2State *s, uint64_t idx, uint64_t at)
{
    uint64_t off = at << s->cluster_bits;
    uint8_t *rb, ent[8];
    int ret = qcow2_cache_get(s, s->rb_cache, off, false, &rb);

    if (ret < 0) {
        return ret;
    }
    if (at / s->rb_entries == idx) {
        /* Self-describing: the block counts its own cluster. */
        qcow2_refcount_set(rb, s->refcount_order, at % s->rb_entries, 1);
    }
    ret = qcow2_host_write(s, off, rb, s->cluster_size, 0);
    if (ret < 0) {
        qcow2_cache_discard(s->rb_cache, off);
        return ret;
    }
    /* Outside its range, the block's own refcount is in another block,
     * dirty in the cache: on disk before the table points at the block. */
    ret = qcow2_cache_writeback(s, s->rb_cache);
    if (ret == 0) {
        ret = s->host.flush(s->host.opaque);
    }
    if (ret < 0) {
        return ret;
    }
    qcow2_put_be64(ent, off);
    ret = qcow2_host_write(s, s->reftable_offset + idx * 8, ent, 8,
                           QCOW2_OL_BIT(QCOW2_OL_REFCOUNT_TABLE));
    if (ret < 0) {
        return ret;
    }
    s->reftable[idx] = off;
    if (s->overlap) {
        qcow2_overlap_add(s->overlap, off, s->cluster_size,
                          QCOW2_OL_REFCOUNT_BLOCK);
    }
    return 0;
}

/* Refcount table sizing for growth: entries covering @max_idx, roomy. */
static uint64_t qcow2_reftable_clusters_for(Qcow2State *s, uint64_t max_idx)
{
    uint64_t entries = MAX(max_idx + 1, s->reftable_entries * 3 / 2);
    return qcow2_align_up(entries * 8, s->cluster_size) >> s->cluster_bits;
}

static bool qcow2_refblock_missing(Qcow2State *s, uint64_t j)
{
    return j >= s->reftable_entries || !s->reftable[j];
}

/* Count the refblocks missing for [start, end) clusters. */
static uint64_t qcow2_count_missing(Qcow2State *s, uint64_t start,
                                    uint64_t end)
{
    uint64_t n = 0;

    for (uint64_t j = start / s->rb_entries; j <= (end - 1) / s->rb_entries;
         j++) {
        n += qcow2_refblock_missing(s, j);
    }
    return n;
}

static int qcow2_grow_write(Qcow2State *s, uint64_t start, uint64_t k,
                            uint64_t t, uint64_t *table)
{
    uint64_t end = start + k + t, used = 0;
    g_autofree uint8_t *rb = g_malloc(s->cluster_size);
    int ret;

    for (uint64_t j = start / s->rb_entries; j <= (end - 1) / s->rb_entries;
         j++) {
        if (!qcow2_refblock_missing(s, j)) {
            continue;
        }
        uint64_t at = start + used++;
        memset(rb, 0, s->cluster_size);
        for (uint64_t x = MAX(start, j * s->rb_entries);
             x < MIN(end, (j + 1) * s->rb_entries); x++) {
            qcow2_refcount_set(rb, s->refcount_order, x % s->rb_entries, 1);
        }
        table[j] = at << s->cluster_bits;
        ret = qcow2_host_write(s, at << s->cluster_bits, rb,
                               s->cluster_size, 0);
        if (ret < 0) {
            return ret;
        }
    }
    g_autofree uint8_t *raw = g_malloc0(t << s->cluster_bits);
    for (uint64_t i = 0; i < (t << s->cluster_bits) / 8; i++) {
        qcow2_put_be64(raw + i * 8, table[i]);
    }
    return qcow2_host_write(s, (start + k) << s->cluster_bits, raw,
                            t << s->cluster_bits, 0);
}

static int qcow2_grow_switch(Qcow2State *s, uint64_t new_off, uint64_t t)
{
    uint8_t hdr[12];
    int ret = s->host.flush(s->host.opaque);

    if (ret < 0) {
        return ret;
    }
    qcow2_put_be64(hdr, new_off);
    qcow2_put_be32(hdr + 8, (uint32_t)t);
    ret = qcow2_host_write(s, 48, hdr, 12,
                           QCOW2_OL_BIT(QCOW2_OL_MAIN_HEADER));
    if (ret < 0) {
        return ret;
    }
    return s->host.flush(s->host.opaque);
}

/* Grow the refcount table so that index @need exists. */
static int qcow2_grow_reftable(Qcow2State *s, uint64_t need)
{
    int64_t flen = s->host.getlength(s->host.opaque);
    uint64_t start, k = 0, t = 1, end;
    int ret;

    if (flen < 0) {
        return (int)flen;
    }
    start = MAX(qcow2_align_up(flen, s->cluster_size) >> s->cluster_bits,
                s->free_cluster_index);
    for (int iter = 0; iter < 16; iter++) {
        end = start + k + t;
        uint64_t nt = qcow2_reftable_clusters_for(
            s, MAX(need, (end - 1) / s->rb_entries));
        uint64_t nk = qcow2_count_missing(s, start, start + k + nt);
        if (nt == t && nk == k) {
            break;
        }
        t = nt;
        k = nk;
    }
    if ((t << s->cluster_bits) > QCOW2_MAX_REFTABLE_BYTES ||
        ((start + k + t) << s->cluster_bits) >= QCOW2_MAX_HOST_OFFSET) {
        return -EFBIG;
    }
    end = start + k + t;
    /* Clusters of the new area in regions that already have refblocks. */
    for (uint64_t x = start; x < end; x++) {
        if (!qcow2_refblock_missing(s, x / s->rb_entries)) {
            ret = qcow2_update_one(s, x, 1);
            if (ret < 0) {
                return ret;
            }
        }
    }
    ret = qcow2_cache_writeback(s, s->rb_cache);
    if (ret < 0) {
        return ret;
    }
    g_autofree uint64_t *table = g_new0(uint64_t, (t << s->cluster_bits) / 8);
    memcpy(table, s->reftable, s->reftable_entries * 8);
    ret = qcow2_grow_write(s, start, k, t, table);
    if (ret < 0) {
        return ret;
    }
    ret = qcow2_grow_switch(s, (start + k) << s->cluster_bits, t);
    if (ret < 0) {
        return ret;
    }
    uint64_t old_off = s->reftable_offset;
    uint64_t old_bytes = s->reftable_entries * 8;
    if (s->overlap) {
        qcow2_overlap_remove(s->overlap, old_off, old_bytes,
                             QCOW2_OL_REFCOUNT_TABLE);
        qcow2_overlap_add(s->overlap, (start + k) << s->cluster_bits,
                          t << s->cluster_bits, QCOW2_OL_REFCOUNT_TABLE);
        for (uint64_t j = 0; j < (t << s->cluster_bits) / 8; j++) {
            if (table[j] && qcow2_refblock_missing(s, j)) {
                qcow2_overlap_add(s->overlap, table[j], s->cluster_size,
                                  QCOW2_OL_REFCOUNT_BLOCK);
            }
        }
    }
    g_free(s->reftable);
    s->reftable = g_steal_pointer(&table);
    s->reftable_entries = (t << s->cluster_bits) / 8;
    s->reftable_offset = (start + k) << s->cluster_bits;
    s->meta.h.refcount_table_offset = s->reftable_offset;
    s->meta.h.refcount_table_clusters = (uint32_t)t;
    qcow2_free_later(s, old_off, old_bytes, false);
    return 0;
}

/* Make sure refblocks exist for clusters [c, c + n).  Returns 1 when it
 * changed something (the caller restarts its search), 0, or -errno. */
static int qcow2_ensure_refblocks(Qcow2State *s, uint64_t c, uint64_t n)
{
    for (uint64_t j = c / s->rb_entries; j <= (c + n - 1) / s->rb_entries;
         j++) {
        int ret;
        if ((j >= s->reftable_entries || !s->reftable[j]) &&
            aio_nowait_active()) {
            return aio_nowait_bail();   /* new metadata: not inline */
        }
        if (j >= s->reftable_entries) {
            ret = qcow2_grow_reftable(s, j);
            return ret < 0 ? ret : 1;
        }
        if (!s->reftable[j] && j == c / s->rb_entries) {
            ret = qcow2_create_refblock(s, j, c);
            return ret < 0 ? ret : 1;
        }
        if (!s->reftable[j]) {
            /* Inside the run: put the block outside it, where a single
             * cluster is free, so long runs stay possible. */
            int64_t p = qcow2_alloc_clusters(s, 1);
            if (p < 0) {
                return (int)p;
            }
            if (s->reftable[j]) {
                ret = qcow2_update_refcount(s, (uint64_t)p, 1, -1);
                return ret < 0 ? ret : 1;
            }
            ret = qcow2_create_refblock(s, j, (uint64_t)p >> s->cluster_bits);
            return ret < 0 ? ret : 1;
        }
    }
    return 0;
}

int64_t qcow2_alloc_clusters(Qcow2State *s, uint64_t n)
{
    uint64_t c = s->free_cluster_index, rc;
    bool hint_moves = true;
    int ret;

restart:
    if (((c + n) << s->cluster_bits) >= QCOW2_MAX_HOST_OFFSET) {
        return -EFBIG;
    }
    ret = qcow2_ensure_refblocks(s, c, n);
    if (ret < 0) {
        return ret;
    }
    if (ret > 0) {
        goto restart;
    }
    for (uint64_t j = 0; j < n; j++) {
        ret = qcow2_get_refcount(s, c + j, &rc);
        if (ret < 0) {
            return ret;
        }
        if (rc) {
            if (j) {
                hint_moves = false;
            }
            c += j + 1;
            if (hint_moves) {
                s->free_cluster_index = c;
            }
            goto restart;
        }
    }
    if (aio_nowait_active() && c / s->rb_entries != (c + n - 1) /
                                                    s->rb_entries) {
        /* Two refblocks: the second might miss the cache half-way. */
        return aio_nowait_bail();
    }
    ret = qcow2_update_refcount(s, c << s->cluster_bits, n << s->cluster_bits,
                                1);
    if (ret < 0) {
        return ret;
    }
    if (hint_moves) {
        s->free_cluster_index = c + n;
    }
    return (int64_t)(c << s->cluster_bits);
}

int64_t qcow2_alloc_bytes(Qcow2State *s, uint64_t bytes)
{
    uint64_t off = s->free_byte_offset;
    int64_t c;
    int ret;

    assert(bytes > 0 && bytes <= s->cluster_size);
    if (off && (off & (s->cluster_size - 1)) &&
        (off & (s->cluster_size - 1)) + bytes <= s->cluster_size) {
        ret = qcow2_update_refcount(s, off, 1, 1);
        if (ret < 0) {
            return ret;
        }
    } else {
        c = qcow2_alloc_clusters(s, 1);
        if (c < 0) {
            return c;
        }
        off = (uint64_t)c;
    }
    s->free_byte_offset = off + bytes;
    if (!(s->free_byte_offset & (s->cluster_size - 1))) {
        s->free_byte_offset = 0;
    }
    return (int64_t)off;
}

void qcow2_free_later(Qcow2State *s, uint64_t off, uint64_t bytes,
                      bool discard)
{
    Qcow2PendingFree f = { .offset = off, .bytes = bytes,
                           .discard = discard };

    if (bytes) {
        g_array_append_val(s->pending_frees, f);
    }
}

void qcow2_free_l2_entry(Qcow2State *s, uint64_t entry)
{
    uint64_t off, len;

    switch (qcow2_l2_entry_type(entry, s->meta.h.version)) {
    case QCOW2_CLUSTER_NORMAL:
    case QCOW2_CLUSTER_ZERO_ALLOC:
        qcow2_free_later(s, entry & QCOW2_L2E_OFFSET_MASK, s->cluster_size,
                         true);
        break;
    case QCOW2_CLUSTER_COMPRESSED:
        qcow2_compressed_decode(entry, s->cluster_bits, &off, &len);
        qcow2_free_later(s, off, len, false);
        break;
    default:
        break;
    }
}

static void qcow2_discard_freed(Qcow2State *s, const Qcow2PendingFree *f)
{
    uint64_t rc;

    if (!f->discard || !s->opts.pass_discard_request || !s->host.discard) {
        return;
    }
    if (qcow2_get_refcount(s, f->offset >> s->cluster_bits, &rc) == 0 &&
        rc == 0) {
        s->host.discard(s->host.opaque, f->offset, f->bytes);
    }
}

int qcow2_apply_frees(Qcow2State *s)
{
    int ret = 0;

    if (__atomic_load_n(&s->unlocked_io, __ATOMIC_SEQ_CST) ||
        !s->pending_frees->len) {
        return 0;
    }
    for (guint i = 0; i < s->pending_frees->len; i++) {
        Qcow2PendingFree *f = &g_array_index(s->pending_frees,
                                             Qcow2PendingFree, i);
        int r = qcow2_update_refcount(s, f->offset, f->bytes, -1);
        if (r < 0 && ret == 0) {
            ret = r;
        }
        if (r == 0) {
            qcow2_discard_freed(s, f);
        }
    }
    g_array_set_size(s->pending_frees, 0);
    return ret;
}

int qcow2_write_refblocks_first(Qcow2State *s)
{
    int ret = 0;

    if (!s->lazy) {
        ret = qcow2_cache_writeback(s, s->rb_cache);
    }
    if (ret == 0) {
        ret = s->host.flush(s->host.opaque);
    }
    return ret;
}
