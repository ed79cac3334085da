/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Rebuilding a qcow2 image's refcount structure from scratch (the repair
 * `check -r all` falls back to when the refcount table or blocks cannot be
 * trusted: a table entry that points nowhere or at another structure, a
 * refcount block that is lost, shared or overlaps data, a referenced
 * cluster whose stored refcount is 0).
 *
 * Input: the refcounts the check counted in memory from the L1/L2 and
 * snapshot walk (qcow2-check.c).  New refcount blocks go into clusters
 * that walk found free, first fit; the new refcount table goes into the
 * first free run large enough; both are counted in the array before it is
 * written out, so the new structure describes itself.  Crash safety: the
 * new blocks and table are written and flushed before the header is
 * switched over with one 12-byte write (refcount_table_offset and
 * refcount_table_clusters), so a crash leaves either the old structure or
 * the new one.  The old table and blocks are not freed here: they were
 * counted in the array, and the check's next pass finds them leaked and
 * frees them.
 *
 * Spec: QEMU docs/interop/qcow2.txt "Host cluster management" and
 * "Header" (bytes 48-59); BLOCK-QMP-REFERENCE.md 3.3, 3.4.
 */
#include <errno.h>
#include <string.h>
#include "block/qcow2/qcow2-check.h"

typedef struct Rebuild {
    Qcow2State *s;
    uint32_t **ref;          /* in-memory refcounts, one per cluster */
    uint64_t *nb;            /* clusters in *ref */
    uint64_t *rb;            /* new refcount block offset by table index */
    uint64_t nrb;            /* entries in rb */
    uint64_t hint;           /* no free cluster below this one */
    bool new_order;          /* the refcount width changes too */
} Rebuild;

/* Make the in-memory array cover @n clusters (new ones free). */
static int rebuild_cover(Rebuild *r, uint64_t n)
{
    Qcow2State *s = r->s;
    uint64_t need_rb = (n + s->rb_entries - 1) / s->rb_entries + 1;

    if ((n << s->cluster_bits) >= QCOW2_MAX_HOST_OFFSET) {
        return -EFBIG;
    }
    if (n > *r->nb) {
        uint32_t *t = g_try_renew(uint32_t, *r->ref, n + 1);
        if (!t) {
            return -ENOMEM;
        }
        memset(t + *r->nb, 0, (n + 1 - *r->nb) * sizeof(*t));
        *r->ref = t;
        *r->nb = n;
    }
    if (need_rb > r->nrb) {
        r->rb = g_renew(uint64_t, r->rb, need_rb);
        memset(r->rb + r->nrb, 0, (need_rb - r->nrb) * sizeof(uint64_t));
        r->nrb = need_rb;
    }
    return 0;
}

/* Take the first run of @n free clusters; returns its first cluster. */
static int64_t rebuild_take(Rebuild *r, uint64_t n)
{
    uint64_t c = r->hint, run = 0;

    for (;;) {
        int ret = rebuild_cover(r, c + n);
        if (ret < 0) {
            return ret;
        }
        for (run = 0; run < n && !(*r->ref)[c + run]; run++) {
        }
        if (run == n) {
            break;
        }
        c += run + 1;
    }
    for (uint64_t i = 0; i < n; i++) {
        (*r->ref)[c + i] = 1;
    }
    if (c == r->hint) {
        r->hint = c + n;
    }
    return (int64_t)c;
}

static bool rebuild_range_used(Rebuild *r, uint64_t j)
{
    uint64_t first = j * r->s->rb_entries;
    uint64_t end = MIN(first + r->s->rb_entries, *r->nb);

    for (uint64_t x = first; x < end; x++) {
        if ((*r->ref)[x]) {
            return true;
        }
    }
    return false;
}

/* Give every range of clusters in use a refcount block; repeat until a
 * pass adds none (a new block may land in a range that had none). */
static int rebuild_blocks(Rebuild *r)
{
    bool added;

    do {
        added = false;
        for (uint64_t j = 0; j * r->s->rb_entries < *r->nb; j++) {
            if (r->rb[j] || !rebuild_range_used(r, j)) {
                continue;
            }
            int64_t c = rebuild_take(r, 1);
            if (c < 0) {
                return (int)c;
            }
            r->rb[j] = (uint64_t)c << r->s->cluster_bits;
            added = true;
        }
    } while (added);
    return 0;
}

/* Place blocks and table until the table covers every block. */
static int rebuild_layout(Rebuild *r, uint64_t *rt_start, uint64_t *rt_len)
{
    Qcow2State *s = r->s;
    uint64_t start = 0, len = 0;

    for (;;) {
        int ret = rebuild_blocks(r);
        if (ret < 0) {
            return ret;
        }
        uint64_t idx = (*r->nb + s->rb_entries - 1) / s->rb_entries;
        uint64_t need = qcow2_align_up(idx * 8, s->cluster_size)
                        >> s->cluster_bits;
        if (len && len >= need) {
            break;
        }
        if ((need << s->cluster_bits) > QCOW2_MAX_REFTABLE_BYTES) {
            return -EFBIG;
        }
        for (uint64_t i = 0; i < len; i++) {
            (*r->ref)[start + i] = 0;
        }
        r->hint = MIN(r->hint, start);
        int64_t c = rebuild_take(r, need);
        if (c < 0) {
            return (int)c;
        }
        start = (uint64_t)c;
        len = need;
    }
    *rt_start = start;
    *rt_len = len;
    return 0;
}

/* The writes ignore the old refcount structures in the overlap map: the
 * clusters they claim may be free now that they are being replaced. */
#define REBUILD_IGN (QCOW2_OL_BIT(QCOW2_OL_REFCOUNT_BLOCK) | \
                     QCOW2_OL_BIT(QCOW2_OL_REFCOUNT_TABLE))

static int rebuild_write_blocks(Rebuild *r)
{
    Qcow2State *s = r->s;
    uint64_t max = qcow2_refcount_max(s->refcount_order);
    g_autofree uint8_t *buf = g_malloc(s->cluster_size);

    for (uint64_t j = 0; j < r->nrb; j++) {
        if (!r->rb[j]) {
            continue;
        }
        uint64_t first = j * s->rb_entries;
        uint64_t end = MIN(first + s->rb_entries, *r->nb);
        memset(buf, 0, s->cluster_size);
        for (uint64_t x = first; x < end; x++) {
            qcow2_refcount_set(buf, s->refcount_order, x - first,
                               MIN((uint64_t)(*r->ref)[x], max));
        }
        int ret = qcow2_host_write(s, r->rb[j], buf, s->cluster_size,
                                   REBUILD_IGN);
        if (ret < 0) {
            return ret;
        }
    }
    return 0;
}

/*
 * The header fields from refcount_table_offset (48) up to refcount_order
 * (96, v3 only; with @order_too), as they are in memory but for the new
 * table at cluster @start (@len clusters), for one write at offset 48.
 */
static size_t rebuild_header_bytes(Qcow2State *s, uint64_t start,
                                   uint64_t len, bool order_too,
                                   uint8_t *hdr)
{
    Qcow2Header h = s->meta.h;
    g_autofree uint8_t *buf = g_malloc0(QCOW2_V3_HEADER_LEN +
                                        h.unknown_fields_len);
    size_t n = order_too ? 52 : 12;

    h.refcount_table_offset = start << s->cluster_bits;
    h.refcount_table_clusters = (uint32_t)len;
    h.refcount_order = s->refcount_order;
    qcow2_header_render(&h, buf);
    memcpy(hdr, buf + 48, n);
    return n;
}

static int rebuild_write_table(Rebuild *r, uint64_t start, uint64_t len,
                               uint64_t **table)
{
    Qcow2State *s = r->s;
    uint64_t entries = (len << s->cluster_bits) / 8;
    g_autofree uint8_t *raw = g_malloc0(len << s->cluster_bits);
    uint64_t *t = g_new0(uint64_t, entries);
    uint8_t hdr[52];
    int ret;

    for (uint64_t j = 0; j < MIN(entries, r->nrb); j++) {
        t[j] = r->rb[j];
        qcow2_put_be64(raw + j * 8, t[j]);
    }
    ret = qcow2_host_write(s, start << s->cluster_bits, raw,
                           len << s->cluster_bits, REBUILD_IGN);
    if (ret == 0) {
        ret = s->host.flush(s->host.opaque);
    }
    if (ret == 0) {
        size_t n = rebuild_header_bytes(s, start, len, r->new_order, hdr);
        ret = qcow2_host_write(s, 48, hdr, n,
                               QCOW2_OL_BIT(QCOW2_OL_MAIN_HEADER));
    }
    if (ret == 0) {
        ret = s->host.flush(s->host.opaque);
    }
    if (ret < 0) {
        g_free(t);
        return ret;
    }
    *table = t;
    return 0;
}

/* Forget everything derived from the old structure. */
static void rebuild_switch(Qcow2State *s, uint64_t *table, uint64_t start,
                           uint64_t len)
{
    for (uint64_t i = 0; i < s->reftable_entries; i++) {
        qcow2_cache_discard(s->rb_cache, s->reftable[i] &
                                         QCOW2_REFT_OFFSET_MASK);
    }
    for (uint64_t i = 0; i < (len << s->cluster_bits) / 8; i++) {
        qcow2_cache_discard(s->rb_cache, table[i]);
    }
    g_free(s->reftable);
    s->reftable = table;
    s->reftable_entries = (len << s->cluster_bits) / 8;
    s->reftable_offset = start << s->cluster_bits;
    s->meta.h.refcount_table_offset = s->reftable_offset;
    s->meta.h.refcount_table_clusters = (uint32_t)len;
    s->free_cluster_index = 0;
    s->free_byte_offset = 0;
    if (s->overlap) {
        qcow2_overlap_map_free(s->overlap);
        s->overlap = qcow2_overlap_map_new(s->cluster_bits,
                                           s->opts.overlap_mem_limit,
                                           *s->device ? s->device
                                                      : s->node_name);
        qcow2_overlap_map_set_refill(s->overlap, qcow2_overlap_fill, s);
        qcow2_overlap_fill(s->overlap, s);
    }
}

int qcow2_rebuild_refcounts(Qcow2State *s, uint32_t **ref, uint64_t *nb)
{
    return qcow2_rebuild_refcounts_order(s, ref, nb, s->refcount_order);
}

int qcow2_rebuild_refcounts_order(Qcow2State *s, uint32_t **ref,
                                  uint64_t *nb, uint32_t order)
{
    Rebuild r = { .s = s, .ref = ref, .nb = nb,
                  .new_order = order != s->refcount_order };
    uint32_t old_order = s->refcount_order;
    uint64_t start = 0, len = 0, *table = NULL;
    int ret;

    if (qcow2_cache_dirty_count(s->rb_cache)) {
        /* The check flushed and changed nothing since: a broken invariant
         * here would write old, untrusted refcount blocks. */
        return -EIO;
    }
    if (r.new_order && s->meta.h.version < 3) {
        return -ENOTSUP;
    }
    /* Blocks are laid out and written in the new width. */
    s->refcount_order = order;
    s->rb_entries = (s->cluster_size * 8) >> order;
    ret = rebuild_cover(&r, *nb);
    if (ret == 0) {
        ret = rebuild_layout(&r, &start, &len);
    }
    if (ret == 0) {
        ret = rebuild_write_blocks(&r);
    }
    if (ret == 0) {
        ret = rebuild_write_table(&r, start, len, &table);
    }
    if (ret == 0) {
        s->meta.h.refcount_order = order;
        rebuild_switch(s, table, start, len);
    } else {
        s->refcount_order = old_order;
        s->rb_entries = (s->cluster_size * 8) >> old_order;
    }
    g_free(r.rb);
    return ret;
}
