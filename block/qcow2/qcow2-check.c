/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qcow2 consistency check and repair (see qcow2-check.h).
 *
 * Pass 1 counts, in memory, every reference to every host cluster: the
 * header, the active L1 table and each L2 table and data cluster under it,
 * the refcount table and blocks, the snapshot table, each snapshot's L1
 * table and everything under it (a cluster shared by the active state and
 * N snapshots is counted once per L1 table that reaches it, which is what
 * its refcount must be).  Pass 2 compares with the stored refcounts and
 * repairs them; pass 3 checks the COPIED flags of the active tables.
 * Spec: QEMU docs/interop/qcow2.txt "Host cluster management", "Cluster
 * mapping"; BLOCK-QMP-REFERENCE.md 3.4.  Messages follow qemu-img check.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "block/qcow2/qcow2-check.h"

typedef struct CheckCtx {
    Qcow2State *s;
    Qcow2CheckResult *res;
    uint32_t *ref;
    uint64_t nb;
    uint64_t last_stored;   /* 1 + highest cluster with a refcount */
    int fix;
    uint8_t *buf;
} CheckCtx;

static void check_ref(CheckCtx *c, uint64_t off, uint64_t len)
{
    if (!len) {
        return;
    }
    uint64_t first = off >> c->s->cluster_bits;
    uint64_t last = (off + len - 1) >> c->s->cluster_bits;
    if (last >= c->nb) {
        fprintf(stderr, "ERROR: counting reference for region exceeding "
                "the end of the file by one cluster or more: offset %#llx "
                "size %#llx\n", (unsigned long long)off,
                (unsigned long long)len);
        c->res->corruptions++;
        last = c->nb ? MIN(last, c->nb - 1) : 0;
        if (first >= c->nb) {
            return;
        }
    }
    for (uint64_t i = first; i <= last; i++) {
        if (c->ref[i] != UINT32_MAX) {
            c->ref[i]++;
        }
    }
}

static void check_l2(CheckCtx *c, uint64_t l2_off, bool active)
{
    Qcow2State *s = c->s;
    uint64_t prev = 0, off, len;

    if (s->host.pread(s->host.opaque, l2_off, c->buf, s->cluster_size) < 0) {
        fprintf(stderr, "ERROR: I/O error in check_refcounts_l2\n");
        c->res->check_errors++;
        return;
    }
    for (uint32_t i = 0; i < s->l2_entries; i++) {
        uint64_t e = qcow2_l2e(c->buf, i);
        switch (qcow2_l2_entry_type(e, s->meta.h.version)) {
        case QCOW2_CLUSTER_COMPRESSED:
            qcow2_compressed_decode(e, s->cluster_bits, &off, &len);
            check_ref(c, off, len);
            if (active) {
                /* qemu-img counts every compressed cluster as fragmented */
                c->res->compressed_clusters++;
                c->res->allocated_clusters++;
                c->res->fragmented_clusters++;
            }
            prev = 0;
            break;
        case QCOW2_CLUSTER_NORMAL:
        case QCOW2_CLUSTER_ZERO_ALLOC:
            off = e & QCOW2_L2E_OFFSET_MASK;
            if (off & (s->cluster_size - 1)) {
                fprintf(stderr, "ERROR offset=%llx: Cluster is not properly "
                        "aligned; L2 entry corrupted.\n",
                        (unsigned long long)off);
                c->res->corruptions++;
                break;
            }
            check_ref(c, off, s->cluster_size);
            if (active) {
                c->res->allocated_clusters++;
                if (prev && off != prev + s->cluster_size) {
                    c->res->fragmented_clusters++;
                }
            }
            prev = off;
            break;
        default:
            break;
        }
    }
}

static void check_l1(CheckCtx *c, const uint64_t *l1, uint32_t n,
                     bool active)
{
    Qcow2State *s = c->s;

    for (uint32_t i = 0; i < n; i++) {
        uint64_t o = l1[i] & QCOW2_L1E_OFFSET_MASK;
        if (!o) {
            continue;
        }
        if (o & (s->cluster_size - 1)) {
            fprintf(stderr, "ERROR l2_offset=%llx: Table is not cluster "
                    "aligned; L1 entry corrupted\n", (unsigned long long)o);
            c->res->corruptions++;
            continue;
        }
        check_ref(c, o, s->cluster_size);
        if ((o >> s->cluster_bits) < c->nb) {
            check_l2(c, o, active);
        }
    }
}

static void check_count_all(CheckCtx *c)
{
    Qcow2State *s = c->s;

    check_ref(c, 0, s->cluster_size);
    check_ref(c, s->l1_offset, (uint64_t)s->l1_size * 8);
    check_l1(c, s->l1, s->l1_size, true);
    check_ref(c, s->snapshots_offset, s->snapshots_size);
    for (uint32_t k = 0; k < s->nb_snapshots; k++) {
        check_ref(c, s->snapshots[k].l1_table_offset,
                  (uint64_t)s->snapshots[k].l1_size * 8);
        check_l1(c, s->snapshots[k].l1, s->snapshots[k].l1_size, false);
    }
    check_ref(c, s->reftable_offset, s->reftable_entries * 8);
    for (uint64_t i = 0; i < s->reftable_entries; i++) {
        uint64_t o = s->reftable[i] & QCOW2_REFT_OFFSET_MASK;
        if (!o) {
            continue;
        }
        if (o & (s->cluster_size - 1)) {
            fprintf(stderr, "ERROR refcount block %llu is not cluster "
                    "aligned; refcount table entry corrupted\n",
                    (unsigned long long)i);
            c->res->corruptions++;
            continue;
        }
        check_ref(c, o, s->cluster_size);
    }
}

static bool check_has_refblock(Qcow2State *s, uint64_t cl)
{
    uint64_t i = cl / s->rb_entries;

    return i < s->reftable_entries &&
           (s->reftable[i] & QCOW2_REFT_OFFSET_MASK) &&
           !(s->reftable[i] & (s->cluster_size - 1) & QCOW2_REFT_OFFSET_MASK);
}

static void check_compare(CheckCtx *c)
{
    Qcow2State *s = c->s;
    uint64_t rc;

    for (uint64_t i = 0; i < c->nb; i++) {
        bool has = check_has_refblock(s, i);
        if (!has) {
            rc = 0;
        } else if (qcow2_get_refcount(s, i, &rc) < 0) {
            c->res->check_errors++;
            continue;
        }
        if (rc) {
            c->last_stored = i + 1;
        }
        if (rc == c->ref[i]) {
            continue;
        }
        bool leak = rc > c->ref[i];
        bool fixit = has && (c->fix & (leak ? QCOW2_FIX_LEAKS
                                            : QCOW2_FIX_ERRORS));
        fprintf(stderr, "%s cluster %llu refcount=%llu reference=%u\n",
                fixit ? "Repairing" : leak ? "Leaked" : "ERROR",
                (unsigned long long)i, (unsigned long long)rc, c->ref[i]);
        if (leak) {
            c->res->leaks++;
        } else {
            c->res->corruptions++;
        }
        if (fixit && qcow2_update_refcount(s, i << s->cluster_bits, 1,
                                           (int64_t)c->ref[i] -
                                           (int64_t)rc) == 0) {
            if (leak) {
                c->res->leaks_fixed++;
            } else {
                c->res->corruptions_fixed++;
            }
        }
    }
}

static void check_copied_l2(CheckCtx *c, uint64_t l2_off)
{
    Qcow2State *s = c->s;
    uint8_t *l2;
    uint64_t rc;

    if (qcow2_cache_get(s, s->l2_cache, l2_off, true, &l2) < 0) {
        c->res->check_errors++;
        return;
    }
    for (uint32_t i = 0; i < s->l2_entries; i++) {
        uint64_t e = qcow2_l2e(l2, i);
        Qcow2ClusterType t = qcow2_l2_entry_type(e, s->meta.h.version);
        uint64_t h = e & QCOW2_L2E_OFFSET_MASK;
        if ((t != QCOW2_CLUSTER_NORMAL && t != QCOW2_CLUSTER_ZERO_ALLOC) ||
            (h & (s->cluster_size - 1)) ||
            qcow2_get_refcount(s, h >> s->cluster_bits, &rc) < 0) {
            continue;
        }
        if ((rc == 1) == !!(e & QCOW2_OFLAG_COPIED)) {
            continue;
        }
        fprintf(stderr, "ERROR OFLAG_COPIED data cluster: l2_entry=%llx "
                "refcount=%llu\n", (unsigned long long)e,
                (unsigned long long)rc);
        c->res->corruptions++;
        if ((c->fix & QCOW2_FIX_ERRORS) && rc) {
            qcow2_set_l2e(l2, i, rc == 1 ? e | QCOW2_OFLAG_COPIED
                                         : e & ~QCOW2_OFLAG_COPIED);
            qcow2_cache_dirty(s->l2_cache, l2_off);
            c->res->corruptions_fixed++;
        }
    }
}

static void check_copied(CheckCtx *c)
{
    Qcow2State *s = c->s;
    uint64_t rc;

    for (uint32_t i = 0; i < s->l1_size; i++) {
        uint64_t o = s->l1[i] & QCOW2_L1E_OFFSET_MASK;
        if (!o || (o & (s->cluster_size - 1)) || (o >> s->cluster_bits) >= c->nb ||
            qcow2_get_refcount(s, o >> s->cluster_bits, &rc) < 0) {
            continue;
        }
        if ((rc == 1) != !!(s->l1[i] & QCOW2_OFLAG_COPIED)) {
            fprintf(stderr, "ERROR OFLAG_COPIED L2 cluster: l1_index=%u "
                    "l1_entry=%llx refcount=%llu\n", i,
                    (unsigned long long)s->l1[i], (unsigned long long)rc);
            c->res->corruptions++;
            if ((c->fix & QCOW2_FIX_ERRORS) && rc) {
                s->l1[i] = rc == 1 ? s->l1[i] | QCOW2_OFLAG_COPIED
                                   : s->l1[i] & ~QCOW2_OFLAG_COPIED;
                if (qcow2_write_l1_entry(s, i) == 0) {
                    c->res->corruptions_fixed++;
                }
            }
        }
        check_copied_l2(c, o);
    }
}

static void check_finish(CheckCtx *c)
{
    Qcow2State *s = c->s;
    uint64_t last = 0;

    for (uint64_t i = 0; i < c->nb; i++) {
        if (c->ref[i]) {
            last = i + 1;
        }
    }
    last = MAX(last, c->last_stored);
    c->res->image_end_offset = (int64_t)(last << s->cluster_bits);
    c->res->total_clusters = (int64_t)((s->size + s->cluster_size - 1)
                                       >> s->cluster_bits);
}

int qcow2_check_locked(Qcow2State *s, Qcow2CheckResult *res, int fix)
{
    int64_t flen = s->host.getlength(s->host.opaque);
    CheckCtx c = { .s = s, .res = res, .fix = s->writable ? fix : 0 };
    int ret = 0;

    memset(res, 0, sizeof(*res));
    qcow2_drain_locked(s);
    if (flen < 0) {
        res->check_errors++;
        return (int)flen;
    }
    if (s->writable && (ret = qcow2_flush_locked(s)) < 0) {
        res->check_errors++;
        return ret;
    }
    c.nb = qcow2_align_up((uint64_t)flen, s->cluster_size) >> s->cluster_bits;
    c.ref = g_try_new0(uint32_t, c.nb + 1);
    c.buf = g_malloc(s->cluster_size);
    if (!c.ref) {
        g_free(c.buf);
        res->check_errors++;
        return -ENOMEM;
    }
    check_count_all(&c);
    check_compare(&c);
    check_copied(&c);
    check_finish(&c);
    if (c.fix) {
        ret = qcow2_flush_locked(s);
        bool clean = res->corruptions == res->corruptions_fixed &&
                     res->check_errors == 0;
        if (ret == 0 && clean && (s->meta.h.incompatible_features &
                                  (QCOW2_INCOMPAT_CORRUPT |
                                   QCOW2_INCOMPAT_DIRTY))) {
            s->meta.h.incompatible_features &= ~(QCOW2_INCOMPAT_CORRUPT |
                                                 QCOW2_INCOMPAT_DIRTY);
            ret = qcow2_update_header(s);
        }
    }
    g_free(c.ref);
    g_free(c.buf);
    return ret;
}

int qcow2_check(Qcow2State *s, Qcow2CheckResult *res, int fix)
{
    g_mutex_lock(&s->lock);
    int ret = qcow2_check_locked(s, res, fix);
    g_mutex_unlock(&s->lock);
    return ret;
}
