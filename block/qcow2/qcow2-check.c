/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qcow2 consistency check and repair (see qcow2-check.h).
 *
 * Pass 1 counts, in memory, every reference to every host cluster: the
 * header, the active L1 table and each L2 table and data cluster under it,
 * the refcount table and blocks, the snapshot table, each snapshot's L1
 * table and everything under it (a cluster shared by the active state and
 * N snapshots is counted once per L1 table that reaches it, which is what
 * its refcount must be), then checks that each refcount block is aligned,
 * inside the file and referenced once.  Pass 2 compares with the stored
 * refcounts and repairs them by updates, or, when the structure cannot be
 * trusted (a bad block, a referenced cluster stored as free) and -r all
 * allows, rebuilds it (qcow2-repair.c) and counts again; pass 3 checks the
 * COPIED flags of the active tables.  The counts and messages follow
 * qemu-img check: repaired problems count as fixed, not found.
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
    uint64_t highest;       /* last cluster with a refcount or reference */
    bool rebuild;           /* the refcount structure cannot be trusted */
    bool quiet;             /* no per-cluster messages (amend) */
    int fix;                /* QCOW2_FIX_* allowed (image writable) */
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

/*
 * A preallocated zero cluster whose offset is not cluster aligned holds no
 * data: with -r all (as qemu-img) its L2 entry at index @i of the table at
 * @l2_off becomes a plain zero cluster, written straight to the file so
 * that a later walk of a shared table sees it; the cluster it named is
 * then not counted.  Returns whether the entry was repaired.
 */
static bool check_fix_prealloc(CheckCtx *c, uint64_t l2_off, uint32_t i,
                               bool active)
{
    Qcow2State *s = c->s;
    uint64_t e = qcow2_l2e(c->buf, i);
    uint8_t be[8];

    fprintf(stderr, "%s offset=%llx: Preallocated cluster is not properly "
            "aligned; L2 entry corrupted.\n",
            (c->fix & QCOW2_FIX_ERRORS) ? "Repairing" : "ERROR",
            (unsigned long long)(e & QCOW2_L2E_OFFSET_MASK));
    if (!(c->fix & QCOW2_FIX_ERRORS)) {
        c->res->corruptions++;
        return false;
    }
    qcow2_set_l2e(c->buf, i, QCOW2_OFLAG_ZERO);
    memcpy(be, c->buf + (uint64_t)i * 8, sizeof(be));
    int ret = qcow2_host_write(s, l2_off + (uint64_t)i * 8, be, sizeof(be),
                               QCOW2_OL_BIT(active ? QCOW2_OL_ACTIVE_L2
                                                   : QCOW2_OL_INACTIVE_L2));
    if (ret < 0) {
        fprintf(stderr, "ERROR: Failed to overwrite L2 table entry: %s\n",
                g_strerror(-ret));
        c->res->corruptions++;
        c->res->check_errors++;
        return false;
    }
    /* The cache is clean (flushed when the check began): drop the stale
     * copy of this table, if any. */
    qcow2_cache_discard(s->l2_cache, l2_off);
    c->res->corruptions_fixed++;
    return true;
}

/* A data or preallocated cluster at @off (L2 entry @i); false if it was
 * repaired away and must not be counted. */
static bool check_l2_cluster(CheckCtx *c, uint64_t l2_off, uint32_t i,
                             Qcow2ClusterType t, uint64_t off, bool active)
{
    if (!(off & (c->s->cluster_size - 1))) {
        return true;
    }
    if (t == QCOW2_CLUSTER_ZERO_ALLOC) {
        return !check_fix_prealloc(c, l2_off, i, active);
    }
    /* Reported, then counted like any cluster (qemu-img). */
    fprintf(stderr, "ERROR offset=%llx: Data cluster is not properly "
            "aligned; L2 entry corrupted.\n", (unsigned long long)off);
    c->res->corruptions++;
    return true;
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
        Qcow2ClusterType t = qcow2_l2_entry_type(e, s->meta.h.version);
        if (t != QCOW2_CLUSTER_COMPRESSED && (e & QCOW2_L2E_RESERVED_MASK)) {
            fprintf(stderr, "ERROR found l2 entry with reserved bits set: "
                    "%llx\n", (unsigned long long)e);
            c->res->corruptions++;
        }
        switch (t) {
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
            if (!check_l2_cluster(c, l2_off, i, t, off, active)) {
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
        if (l1[i] & QCOW2_L1E_RESERVED_MASK) {
            fprintf(stderr, "ERROR found L1 entry with reserved bits set: "
                    "%llx\n", (unsigned long long)l1[i]);
            c->res->corruptions++;
        }
        /* As qemu-img: any non-zero entry names a table (reserved bits
         * alone name the one at offset 0), and a misaligned table is still
         * counted and walked, so the counts agree on damaged images. */
        if (!l1[i]) {
            continue;
        }
        check_ref(c, o, s->cluster_size);
        if (o & (s->cluster_size - 1)) {
            fprintf(stderr, "ERROR l2_offset=%llx: Table is not cluster "
                    "aligned; L1 entry corrupted\n", (unsigned long long)o);
            c->res->corruptions++;
        }
        if ((o >> s->cluster_bits) < c->nb) {
            check_l2(c, o, active);
        }
    }
}

static void check_refblocks(CheckCtx *c);

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
    check_refblocks(c);
}

/*
 * Each refcount block must be cluster aligned, inside the file and
 * referenced exactly once (by itself, not also as data or another table).
 * Any other state means the refcount structure has to be rebuilt.
 */
static void check_refblocks(CheckCtx *c)
{
    Qcow2State *s = c->s;

    for (uint64_t i = 0; i < s->reftable_entries; i++) {
        uint64_t e = s->reftable[i], o = e & QCOW2_REFT_OFFSET_MASK;
        const char *what = NULL;
        if (e & QCOW2_REFT_RESERVED_MASK) {
            fprintf(stderr, "ERROR refcount table entry %llu has reserved "
                    "bits set\n", (unsigned long long)i);
        } else if (o & (s->cluster_size - 1)) {
            what = "is not cluster aligned; refcount table entry corrupted";
        } else if ((o >> s->cluster_bits) >= c->nb) {
            what = "is outside image";
        } else if (o) {
            check_ref(c, o, s->cluster_size);
            uint32_t n = c->ref[o >> s->cluster_bits];
            if (n == 1) {
                continue;
            }
            fprintf(stderr, "ERROR refcount block %llu refcount=%u\n",
                    (unsigned long long)i, n);
        } else {
            continue;
        }
        if (what) {
            fprintf(stderr, "ERROR refcount block %llu %s\n",
                    (unsigned long long)i, what);
        }
        c->res->corruptions++;
        c->rebuild = true;
    }
}

/*
 * The stored refcount of cluster @i.  A refcount block whose table entry
 * is not cluster aligned cannot be read: on a read-only image the lookup
 * reports the corruption (non-fatal), on a writable one it is skipped so
 * the rebuild that follows can still write.  One past the end of the file
 * holds zeroes.
 */
static int check_stored(CheckCtx *c, uint64_t i, uint64_t *rc)
{
    Qcow2State *s = c->s;
    uint64_t j = i / s->rb_entries;

    *rc = 0;
    if (j >= s->reftable_entries) {
        return 0;
    }
    uint64_t o = s->reftable[j] & QCOW2_REFT_OFFSET_MASK;
    if ((s->writable && (o & (s->cluster_size - 1))) ||
        o > (uint64_t)INT64_MAX) {
        return -EIO;         /* unreadable, as qemu-img finds it */
    }
    if ((o >> s->cluster_bits) >= c->nb) {
        return 0;            /* a block past the end of the file reads 0 */
    }
    return qcow2_get_refcount(s, i, rc);
}

/* Compare stored refcounts with the references counted; fix what @fix
 * allows and a plain update can fix.  A referenced cluster with a stored
 * refcount of 0 asks for a rebuild instead. */
static void check_compare(CheckCtx *c, int fix)
{
    Qcow2State *s = c->s;
    uint64_t rc;

    for (uint64_t i = 0; i < c->nb; i++) {
        int ret = check_stored(c, i, &rc);
        if (ret < 0) {
            fprintf(stderr, "Can't get refcount for cluster %llu: %s\n",
                    (unsigned long long)i, g_strerror(-ret));
            c->res->check_errors++;
            continue;
        }
        if (rc || c->ref[i]) {
            c->highest = i;
        }
        if (rc == c->ref[i]) {
            continue;
        }
        int *fixed = NULL;
        if (rc == 0) {
            c->rebuild = true;
        } else if (rc > c->ref[i] && (fix & QCOW2_FIX_LEAKS)) {
            fixed = &c->res->leaks_fixed;
        } else if (rc < c->ref[i] && (fix & QCOW2_FIX_ERRORS)) {
            fixed = &c->res->corruptions_fixed;
        }
        if (!c->quiet || rc < c->ref[i]) {
            fprintf(stderr, "%s cluster %llu refcount=%llu reference=%u\n",
                    fixed ? "Repairing" : rc < c->ref[i] ? "ERROR" : "Leaked",
                    (unsigned long long)i, (unsigned long long)rc,
                    c->ref[i]);
        }
        if (fixed && qcow2_update_refcount(s, i << s->cluster_bits, 1,
                                           (int64_t)c->ref[i] -
                                           (int64_t)rc) == 0) {
            (*fixed)++;
            continue;
        }
        if (rc < c->ref[i]) {
            c->res->corruptions++;
        } else {
            c->res->leaks++;
        }
    }
}

/* COPIED repairs: always with -r all; with -r leaks only on an image
 * that is otherwise clean (qemu-img's rule). */
static bool check_copied_repair(CheckCtx *c, int fix)
{
    return (fix & QCOW2_FIX_ERRORS) ||
           ((fix & QCOW2_FIX_LEAKS) && !c->res->check_errors &&
            !c->res->corruptions && !c->res->leaks);
}

static void check_copied_l2(CheckCtx *c, uint64_t l2_off, bool repair)
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
            check_stored(c, h >> s->cluster_bits, &rc) < 0) {
            continue;
        }
        if ((rc == 1) == !!(e & QCOW2_OFLAG_COPIED)) {
            continue;
        }
        fprintf(stderr, "%s OFLAG_COPIED data cluster: l2_entry=%llx "
                "refcount=%llu\n", repair ? "Repairing" : "ERROR",
                (unsigned long long)e, (unsigned long long)rc);
        if (!repair) {
            c->res->corruptions++;
            continue;
        }
        qcow2_set_l2e(l2, i, rc == 1 ? e | QCOW2_OFLAG_COPIED
                                     : e & ~QCOW2_OFLAG_COPIED);
        qcow2_cache_dirty(s->l2_cache, l2_off);
        c->res->corruptions_fixed++;
    }
}

static void check_copied(CheckCtx *c, int fix)
{
    Qcow2State *s = c->s;
    bool repair = check_copied_repair(c, fix) && s->writable;
    uint64_t rc;

    for (uint32_t i = 0; i < s->l1_size; i++) {
        uint64_t o = s->l1[i] & QCOW2_L1E_OFFSET_MASK;
        if (!o || check_stored(c, o >> s->cluster_bits, &rc) < 0) {
            continue;
        }
        if ((rc == 1) != !!(s->l1[i] & QCOW2_OFLAG_COPIED)) {
            fprintf(stderr, "%s OFLAG_COPIED L2 cluster: l1_index=%u "
                    "l1_entry=%llx refcount=%llu\n",
                    repair ? "Repairing" : "ERROR", i,
                    (unsigned long long)s->l1[i], (unsigned long long)rc);
            c->res->corruptions++;
            if (repair) {
                s->l1[i] = rc == 1 ? s->l1[i] | QCOW2_OFLAG_COPIED
                                   : s->l1[i] & ~QCOW2_OFLAG_COPIED;
                if (qcow2_write_l1_entry(s, i) < 0) {
                    c->res->check_errors++;
                    return;
                }
                c->res->corruptions--;
                c->res->corruptions_fixed++;
            }
        }
        if (!(o & (s->cluster_size - 1)) && (o >> s->cluster_bits) < c->nb) {
            check_copied_l2(c, o, repair);
        }
    }
}

/*
 * After a rebuild: count the references again (the old table and blocks
 * are no longer among them), free what the old structure leaves leaked
 * when leaks may be fixed, and work out what the rebuild fixed.
 */
static int check_after_rebuild(CheckCtx *c, int fix,
                               const Qcow2CheckResult *before)
{
    Qcow2CheckResult *res = c->res, keep = *res;
    int fresh_leaks = 0;

    memset(c->ref, 0, (c->nb + 1) * sizeof(*c->ref));
    c->rebuild = false;
    res->corruptions = 0;
    res->leaks = 0;
    res->check_errors = 0;
    check_count_all(c);
    if (c->rebuild) {
        fprintf(stderr, "ERROR rebuilt refcount structure is still "
                "broken\n");
    }
    if (fix & QCOW2_FIX_LEAKS) {
        Qcow2CheckResult saved = *res;
        memset(res, 0, sizeof(*res));
        check_compare(c, QCOW2_FIX_LEAKS);
        if (c->rebuild) {
            fprintf(stderr, "ERROR rebuilt refcount structure is still "
                    "broken\n");
        }
        fresh_leaks = res->leaks;
        *res = saved;
    }
    /* The walk's statistics from the first pass stand. */
    res->allocated_clusters = keep.allocated_clusters;
    res->fragmented_clusters = keep.fragmented_clusters;
    res->compressed_clusters = keep.compressed_clusters;
    if (res->corruptions < before->corruptions) {
        res->corruptions_fixed += before->corruptions - res->corruptions;
    }
    if (res->leaks < before->leaks) {
        res->leaks_fixed += before->leaks - res->leaks;
    }
    res->leaks += fresh_leaks;
    return c->rebuild ? -EIO : 0;
}

/* Pass 2: compare, then repair by updates or by a rebuild. */
static int check_refcounts(CheckCtx *c, int fix)
{
    Qcow2CheckResult pre = *c->res;
    int ret;

    check_compare(c, 0);
    if (c->rebuild && (fix & QCOW2_FIX_ERRORS)) {
        Qcow2CheckResult before = *c->res;
        fprintf(stderr, "Rebuilding refcount structure\n");
        ret = qcow2_rebuild_refcounts(c->s, &c->ref, &c->nb);
        if (ret < 0) {
            fprintf(stderr, "ERROR rebuilding the refcount structure: %s\n",
                    g_strerror(-ret));
            c->res->check_errors++;
            return ret;
        }
        return check_after_rebuild(c, fix, &before);
    }
    if (fix && c->rebuild) {
        fprintf(stderr, "ERROR need to rebuild refcount structures\n");
        c->res->check_errors++;
        return -EIO;
    }
    if (fix && (c->res->leaks || c->res->corruptions)) {
        *c->res = pre;
        check_compare(c, fix);
    }
    return 0;
}

static int check_finish(CheckCtx *c)
{
    Qcow2State *s = c->s;
    Qcow2CheckResult *res = c->res;
    int ret = 0;

    res->image_end_offset = (int64_t)((c->highest + 1) << s->cluster_bits);
    res->total_clusters = (int64_t)((s->size + s->cluster_size - 1)
                                    >> s->cluster_bits);
    if (!s->writable) {
        return 0;
    }
    ret = qcow2_flush_locked(s);
    if (ret == 0 && !res->corruptions && !res->check_errors &&
        (s->meta.h.incompatible_features & (QCOW2_INCOMPAT_CORRUPT |
                                            QCOW2_INCOMPAT_DIRTY))) {
        s->meta.h.incompatible_features &= ~(QCOW2_INCOMPAT_CORRUPT |
                                             QCOW2_INCOMPAT_DIRTY);
        ret = qcow2_update_header(s);
    }
    return ret;
}

int qcow2_check_locked(Qcow2State *s, Qcow2CheckResult *res, int fix)
{
    int64_t flen = s->host.getlength(s->host.opaque);
    CheckCtx c = { .s = s, .res = res };
    int ret = 0;

    memset(res, 0, sizeof(*res));
    fix = s->writable ? fix : 0;
    c.fix = fix;
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
    if (!c.ref) {
        res->check_errors++;
        return -ENOMEM;
    }
    c.buf = g_malloc(s->cluster_size);
    check_count_all(&c);
    ret = check_refcounts(&c, fix);
    if (ret == 0) {
        check_copied(&c, fix);
        ret = check_finish(&c);
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

/* The widest refcount the references of @c need, or an error. */
static bool check_fits_order(CheckCtx *c, uint32_t order, Error **errp)
{
    uint64_t max = qcow2_refcount_max(order);

    for (uint64_t i = 0; i < c->nb; i++) {
        if (c->ref[i] > max) {
            error_setg(errp, "Cannot decrease refcount entry width to %u "
                       "bits: Cluster at offset %#llx has a refcount of %u",
                       1u << order,
                       (unsigned long long)(i << c->s->cluster_bits),
                       c->ref[i]);
            return false;
        }
    }
    return true;
}

/* Drop the references the old refcount table and blocks held. */
static int check_free_old(Qcow2State *s, const uint64_t *old_rt,
                          uint64_t old_n, uint64_t old_off)
{
    int ret = qcow2_update_refcount(s, old_off, old_n * 8, -1);

    for (uint64_t i = 0; ret == 0 && i < old_n; i++) {
        uint64_t o = old_rt[i] & QCOW2_REFT_OFFSET_MASK;
        if (o) {
            ret = qcow2_update_refcount(s, o, s->cluster_size, -1);
        }
    }
    return ret == 0 ? qcow2_flush_locked(s) : ret;
}

int qcow2_change_refcount_order(Qcow2State *s, uint32_t order, Error **errp)
{
    Qcow2CheckResult res = { 0 };
    CheckCtx c = { .s = s, .res = &res, .quiet = true };
    int64_t flen = s->host.getlength(s->host.opaque);
    int ret = flen < 0 ? (int)flen : qcow2_flush_locked(s);

    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not flush the image");
        return ret;
    }
    c.nb = qcow2_align_up((uint64_t)flen, s->cluster_size) >> s->cluster_bits;
    c.ref = g_try_new0(uint32_t, c.nb + 1);
    if (!c.ref) {
        error_setg(errp, "Not enough memory to count the references");
        return -ENOMEM;
    }
    c.buf = g_malloc(s->cluster_size);
    check_count_all(&c);
    check_compare(&c, 0);
    ret = -EINVAL;
    if (res.corruptions || res.check_errors || c.rebuild) {
        error_setg(errp, "The image has errors; repair it (check -r all) "
                   "before changing the refcount width");
    } else if (check_fits_order(&c, order, errp)) {
        uint64_t old_n = s->reftable_entries, old_off = s->reftable_offset;
        g_autofree uint64_t *old_rt = g_memdup2(s->reftable, old_n * 8);
        ret = qcow2_rebuild_refcounts_order(s, &c.ref, &c.nb, order);
        if (ret == 0) {
            ret = check_free_old(s, old_rt, old_n, old_off);
        }
        if (ret < 0) {
            error_setg_errno(errp, -ret, "Could not rewrite the refcount "
                             "structure");
        }
    }
    g_free(c.ref);
    g_free(c.buf);
    return ret;
}
