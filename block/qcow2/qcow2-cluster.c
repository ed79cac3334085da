/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qcow2 cluster mapping: the active L1 table and L2 table lookup,
 * allocation and copy-on-write of shared L2 tables, L1 entry updates and
 * L1 growth.
 *
 * Spec: QEMU docs/interop/qcow2.txt "Cluster mapping" (two-level lookup,
 * l2_bits = cluster_bits - 3, the COPIED flag); BLOCK-QMP-REFERENCE.md
 * 3.3, 3.4.  Ordering: a new L2 table is written and flushed (after the
 * refcount of its cluster) before the L1 entry that points at it.
 */
#include <errno.h>
#include <string.h>
#include "block/qcow2/qcow2.h"

int qcow2_write_l1_entry(Qcow2State *s, uint32_t idx)
{
    uint8_t ent[8];

    qcow2_put_be64(ent, s->l1[idx]);
    return qcow2_host_write(s, s->l1_offset + (uint64_t)idx * 8, ent, 8,
                            QCOW2_OL_BIT(QCOW2_OL_ACTIVE_L1));
}

static int qcow2_l2_offset(Qcow2State *s, uint32_t l1_idx, uint64_t *off)
{
    uint64_t e = s->l1[l1_idx];

    *off = e & QCOW2_L1E_OFFSET_MASK;
    if (*off & (s->cluster_size - 1)) {
        qcow2_signal_corruption(s, true, -1, -1, "L2 table offset %#llx "
                                "unaligned (L1 index: %#x)",
                                (unsigned long long)*off, l1_idx);
        return -EIO;
    }
    return 0;
}

/* Allocate a new L2 table for L1 entry @l1_idx, copying @old_off (a
 * table shared with a snapshot) or starting empty. */
static int qcow2_alloc_l2(Qcow2State *s, uint32_t l1_idx, uint64_t old_off,
                          uint8_t **l2)
{
    g_autofree uint8_t *copy = NULL;
    uint8_t *t;
    int64_t new_off;
    int ret;

    if (old_off) {
        copy = g_malloc(s->cluster_size);
        ret = qcow2_cache_get(s, s->l2_cache, old_off, true, &t);
        if (ret < 0) {
            return ret;
        }
        memcpy(copy, t, s->cluster_size);
    }
    new_off = qcow2_alloc_clusters(s, 1);
    if (new_off < 0) {
        return (int)new_off;
    }
    ret = qcow2_write_refblocks_first(s);
    if (ret < 0) {
        return ret;
    }
    ret = qcow2_cache_get(s, s->l2_cache, (uint64_t)new_off, false, &t);
    if (ret < 0) {
        return ret;
    }
    if (copy) {
        memcpy(t, copy, s->cluster_size);
    }
    ret = qcow2_host_write(s, (uint64_t)new_off, t, s->cluster_size, 0);
    if (ret == 0) {
        ret = s->host.flush(s->host.opaque);
    }
    if (ret < 0) {
        qcow2_cache_discard(s->l2_cache, (uint64_t)new_off);
        return ret;
    }
    s->l1[l1_idx] = (uint64_t)new_off | QCOW2_OFLAG_COPIED;
    ret = qcow2_write_l1_entry(s, l1_idx);
    if (ret < 0) {
        return ret;
    }
    if (s->overlap) {
        qcow2_overlap_add(s->overlap, (uint64_t)new_off, s->cluster_size,
                          QCOW2_OL_ACTIVE_L2);
        if (old_off) {
            qcow2_overlap_remove(s->overlap, old_off, s->cluster_size,
                                 QCOW2_OL_ACTIVE_L2);
        }
    }
    if (old_off) {
        qcow2_free_later(s, old_off, s->cluster_size, false);
    }
    *l2 = t;
    return 0;
}

int qcow2_get_l2(Qcow2State *s, uint64_t guest_off, bool alloc,
                 uint8_t **l2, uint32_t *idx)
{
    uint64_t l1_idx = guest_off >> (s->cluster_bits + s->l2_bits);
    uint64_t l2_off;
    int ret;

    *idx = (guest_off >> s->cluster_bits) & (s->l2_entries - 1);
    *l2 = NULL;
    if (l1_idx >= s->l1_size) {
        if (!alloc) {
            return 0;
        }
        ret = qcow2_grow_l1(s, l1_idx + 1);
        if (ret < 0) {
            return ret;
        }
    }
    ret = qcow2_l2_offset(s, (uint32_t)l1_idx, &l2_off);
    if (ret < 0) {
        return ret;
    }
    if (l2_off && (!alloc || (s->l1[l1_idx] & QCOW2_OFLAG_COPIED))) {
        return qcow2_cache_get(s, s->l2_cache, l2_off, true, l2);
    }
    if (!alloc) {
        return 0;
    }
    return qcow2_alloc_l2(s, (uint32_t)l1_idx, l2_off, l2);
}

static int qcow2_l1_switch(Qcow2State *s, uint64_t new_off, uint32_t n)
{
    uint8_t hdr[12];
    int ret = s->host.flush(s->host.opaque);

    if (ret < 0) {
        return ret;
    }
    qcow2_put_be32(hdr, n);
    qcow2_put_be64(hdr + 4, new_off);
    ret = qcow2_host_write(s, 36, hdr, 12,
                           QCOW2_OL_BIT(QCOW2_OL_MAIN_HEADER));
    if (ret == 0) {
        ret = s->host.flush(s->host.opaque);
    }
    return ret;
}

int qcow2_grow_l1(Qcow2State *s, uint64_t min_size)
{
    uint64_t n = MAX(min_size, (uint64_t)s->l1_size * 3 / 2);
    uint64_t bytes, old_bytes = (uint64_t)s->l1_size * 8;
    int64_t new_off;
    int ret;

    if (min_size <= s->l1_size) {
        return 0;
    }
    if (n * 8 > QCOW2_MAX_L1_BYTES) {
        n = MAX(min_size, QCOW2_MAX_L1_BYTES / 8);
        if (n * 8 > QCOW2_MAX_L1_BYTES) {
            return -EFBIG;
        }
    }
    bytes = qcow2_align_up(n * 8, s->cluster_size);
    new_off = qcow2_alloc_clusters(s, bytes >> s->cluster_bits);
    if (new_off < 0) {
        return (int)new_off;
    }
    g_autofree uint8_t *raw = g_malloc0(bytes);
    for (uint32_t i = 0; i < s->l1_size; i++) {
        qcow2_put_be64(raw + i * 8ull, s->l1[i]);
    }
    ret = qcow2_write_refblocks_first(s);
    if (ret == 0) {
        ret = qcow2_host_write(s, (uint64_t)new_off, raw, n * 8, 0);
    }
    if (ret == 0) {
        ret = qcow2_l1_switch(s, (uint64_t)new_off, (uint32_t)n);
    }
    if (ret < 0) {
        return ret;
    }
    if (s->overlap) {
        qcow2_overlap_remove(s->overlap, s->l1_offset, old_bytes,
                             QCOW2_OL_ACTIVE_L1);
        qcow2_overlap_add(s->overlap, (uint64_t)new_off, n * 8,
                          QCOW2_OL_ACTIVE_L1);
    }
    qcow2_free_later(s, s->l1_offset, old_bytes, false);
    s->l1 = g_renew(uint64_t, s->l1, n);
    memset(s->l1 + s->l1_size, 0, (n - s->l1_size) * 8);
    s->l1_size = (uint32_t)n;
    s->l1_offset = (uint64_t)new_off;
    s->meta.h.l1_size = s->l1_size;
    s->meta.h.l1_table_offset = s->l1_offset;
    return 0;
}
