/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qcow2 internal snapshots: the snapshot table (load, write), create,
 * apply (goto), delete and list, and the COPIED flag recomputation they
 * need.
 *
 * Spec: QEMU docs/interop/qcow2.txt "Snapshots" (table entries, extra
 * data: vm_state_size_large, disk_size, icount); BLOCK-QMP-REFERENCE.md
 * 3.4 (COPIED flags cleared when a snapshot is taken and recomputed from
 * refcounts afterwards) and 3.5.  Ordering: refcount increments reach the
 * disk before the tables that add references; the table and header switch
 * comes last; decrements are deferred, so a crash can only leak.
 * No VM state is saved (vm-state-size is 0).
 */
#include <errno.h>
#include <string.h>
#include "block/qcow2/qcow2.h"
#include "block/qcow2/qcow2-snapshot.h"

#define SN_FIXED 40

static void qcow2_snapshot_clear(Qcow2Snapshot *sn)
{
    g_free(sn->id_str);
    g_free(sn->name);
    g_free(sn->extra);
    g_free(sn->l1);
    memset(sn, 0, sizeof(*sn));
}

void qcow2_snapshots_free(Qcow2State *s)
{
    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        qcow2_snapshot_clear(&s->snapshots[i]);
    }
    g_free(s->snapshots);
    s->snapshots = NULL;
    s->nb_snapshots = 0;
}

static void qcow2_snapshot_extra(Qcow2Snapshot *sn, const uint8_t *x,
                                 uint32_t len)
{
    sn->icount = UINT64_MAX;
    if (len >= 8) {
        sn->vm_state_size = qcow2_be64(x);
    }
    if (len >= 16) {
        sn->disk_size = qcow2_be64(x + 8);
    }
    if (len >= 24) {
        sn->icount = qcow2_be64(x + 16);
    }
    if (len > 24) {
        sn->extra = g_memdup2(x + 24, len - 24);
        sn->extra_len = len - 24;
    }
}

/* Parse one entry at @off; returns its size or -errno. */
static int64_t qcow2_snapshot_load_one(Qcow2State *s, uint64_t off,
                                       Qcow2Snapshot *sn, int64_t flen)
{
    uint8_t f[SN_FIXED];
    int ret = s->host.pread(s->host.opaque, off, f, SN_FIXED);

    if (ret < 0) {
        return ret;
    }
    uint16_t id_len = qcow2_be16(f + 12), name_len = qcow2_be16(f + 14);
    uint32_t extra_len = qcow2_be32(f + 36);
    uint64_t var = (uint64_t)extra_len + id_len + name_len;
    if (extra_len > 1024 || off + SN_FIXED + var > (uint64_t)flen) {
        return -EINVAL;
    }
    g_autofree uint8_t *v = g_malloc(var + 1);
    ret = s->host.pread(s->host.opaque, off + SN_FIXED, v, var);
    if (ret < 0) {
        return ret;
    }
    sn->l1_table_offset = qcow2_be64(f);
    sn->l1_size = qcow2_be32(f + 8);
    sn->date_sec = qcow2_be32(f + 16);
    sn->date_nsec = qcow2_be32(f + 20);
    sn->vm_clock_nsec = qcow2_be64(f + 24);
    sn->vm_state_size = qcow2_be32(f + 32);
    sn->disk_size = s->size;
    qcow2_snapshot_extra(sn, v, extra_len);
    sn->id_str = g_strndup((char *)v + extra_len, id_len);
    sn->name = g_strndup((char *)v + extra_len + id_len, name_len);
    if (sn->l1_size > QCOW2_MAX_L1_BYTES / 8 ||
        (sn->l1_table_offset & (s->cluster_size - 1)) ||
        sn->l1_table_offset + (uint64_t)sn->l1_size * 8 > (uint64_t)flen) {
        return -EINVAL;
    }
    g_autofree uint8_t *raw = g_malloc((uint64_t)sn->l1_size * 8 + 1);
    ret = sn->l1_size ? s->host.pread(s->host.opaque, sn->l1_table_offset,
                                      raw, (uint64_t)sn->l1_size * 8) : 0;
    if (ret < 0) {
        return ret;
    }
    sn->l1 = g_new(uint64_t, sn->l1_size + 1);
    for (uint32_t i = 0; i < sn->l1_size; i++) {
        sn->l1[i] = qcow2_be64(raw + i * 8ull);
    }
    return (int64_t)qcow2_align_up(SN_FIXED + var, 8);
}

int qcow2_snapshots_load(Qcow2State *s)
{
    int64_t flen = s->host.getlength(s->host.opaque);
    uint64_t off = s->meta.h.snapshots_offset;

    s->nb_snapshots = 0;
    s->snapshots_offset = s->meta.h.snapshots_offset;
    s->snapshots_size = 0;
    if (!s->meta.h.nb_snapshots) {
        return 0;
    }
    s->snapshots = g_new0(Qcow2Snapshot, s->meta.h.nb_snapshots);
    for (uint32_t i = 0; i < s->meta.h.nb_snapshots; i++) {
        int64_t n = qcow2_snapshot_load_one(s, off, &s->snapshots[i], flen);
        s->nb_snapshots = i + 1;
        if (n < 0) {
            return (int)n;
        }
        off += (uint64_t)n;
        if (off - s->snapshots_offset > QCOW2_MAX_SNAPSHOT_TABLE) {
            return -EINVAL;
        }
    }
    s->snapshots_size = off - s->snapshots_offset;
    return 0;
}

static uint64_t qcow2_snapshot_serialize(Qcow2State *s, GByteArray *out)
{
    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        Qcow2Snapshot *sn = &s->snapshots[i];
        uint32_t extra = 24 + sn->extra_len;
        size_t id_len = strlen(sn->id_str), name_len = strlen(sn->name);
        uint8_t f[SN_FIXED + 24] = { 0 };
        qcow2_put_be64(f, sn->l1_table_offset);
        qcow2_put_be32(f + 8, sn->l1_size);
        qcow2_put_be16(f + 12, (uint16_t)id_len);
        qcow2_put_be16(f + 14, (uint16_t)name_len);
        qcow2_put_be32(f + 16, sn->date_sec);
        qcow2_put_be32(f + 20, sn->date_nsec);
        qcow2_put_be64(f + 24, sn->vm_clock_nsec);
        qcow2_put_be32(f + 32, (uint32_t)MIN(sn->vm_state_size, UINT32_MAX));
        qcow2_put_be32(f + 36, extra);
        qcow2_put_be64(f + 40, sn->vm_state_size);
        qcow2_put_be64(f + 48, sn->disk_size);
        qcow2_put_be64(f + 56, sn->icount);
        g_byte_array_append(out, f, sizeof(f));
        g_byte_array_append(out, sn->extra ? sn->extra : f, sn->extra_len);
        g_byte_array_append(out, (uint8_t *)sn->id_str, id_len);
        g_byte_array_append(out, (uint8_t *)sn->name, name_len);
        static const uint8_t pad[8];
        g_byte_array_append(out, pad, qcow2_align_up(out->len, 8) - out->len);
    }
    return out->len;
}

/* Write the in-memory table to new clusters and switch the header. */
static int qcow2_snapshots_write(Qcow2State *s)
{
    GByteArray *b = g_byte_array_new();
    uint64_t len = qcow2_snapshot_serialize(s, b), old = s->snapshots_offset;
    uint64_t old_size = s->snapshots_size;
    int64_t off = 0;
    int ret = 0;

    if (len) {
        off = qcow2_alloc_clusters(s, qcow2_align_up(len, s->cluster_size)
                                   >> s->cluster_bits);
        ret = off < 0 ? (int)off : qcow2_flush_locked(s);
        if (ret == 0) {
            ret = qcow2_host_write(s, (uint64_t)off, b->data, len, 0);
        }
    }
    g_byte_array_free(b, TRUE);
    if (ret < 0) {
        return ret;
    }
    s->snapshots_offset = (uint64_t)off;
    s->snapshots_size = len;
    ret = qcow2_update_header(s);
    if (ret < 0) {
        return ret;
    }
    if (s->overlap) {
        qcow2_overlap_remove(s->overlap, old, old_size,
                             QCOW2_OL_SNAPSHOT_TABLE);
        qcow2_overlap_add(s->overlap, (uint64_t)off, len,
                          QCOW2_OL_SNAPSHOT_TABLE);
    }
    qcow2_free_later(s, old, old_size, false);
    return 0;
}

/* Add @delta to every cluster reachable from @l1 (tables and data);
 * decrements are deferred.  With @clear_copied, the COPIED flags of the
 * active tables are cleared on the way. */
static int qcow2_l1_refs(Qcow2State *s, uint64_t *l1, uint32_t n, int delta,
                         bool clear_copied)
{
    for (uint32_t i = 0; i < n; i++) {
        uint64_t o = l1[i] & QCOW2_L1E_OFFSET_MASK;
        uint8_t *l2;
        int ret;
        if (!o || (o & (s->cluster_size - 1))) {
            continue;
        }
        ret = qcow2_cache_get(s, s->l2_cache, o, true, &l2);
        if (ret < 0) {
            return ret;
        }
        for (uint32_t j = 0; j < s->l2_entries; j++) {
            uint64_t e = qcow2_l2e(l2, j), hoff, len;
            Qcow2ClusterType t = qcow2_l2_entry_type(e, s->meta.h.version);
            if (t == QCOW2_CLUSTER_COMPRESSED) {
                qcow2_compressed_decode(e, s->cluster_bits, &hoff, &len);
            } else if (t == QCOW2_CLUSTER_NORMAL ||
                       t == QCOW2_CLUSTER_ZERO_ALLOC) {
                hoff = e & QCOW2_L2E_OFFSET_MASK;
                len = s->cluster_size;
                if (clear_copied && (e & QCOW2_OFLAG_COPIED)) {
                    qcow2_set_l2e(l2, j, e & ~QCOW2_OFLAG_COPIED);
                    qcow2_cache_dirty(s->l2_cache, o);
                }
            } else {
                continue;
            }
            if (delta > 0) {
                ret = qcow2_update_refcount(s, hoff, len, delta);
            } else {
                qcow2_free_later(s, hoff, len, false);
            }
            if (ret < 0) {
                return ret;
            }
        }
        if (delta > 0) {
            ret = qcow2_update_refcount(s, o, s->cluster_size, delta);
            if (ret < 0) {
                return ret;
            }
        } else {
            qcow2_free_later(s, o, s->cluster_size, false);
        }
        if (clear_copied) {
            l1[i] &= ~QCOW2_OFLAG_COPIED;
        }
    }
    return 0;
}

static int qcow2_write_l1_table(Qcow2State *s)
{
    g_autofree uint8_t *raw = g_malloc0((uint64_t)s->l1_size * 8 + 1);

    for (uint32_t i = 0; i < s->l1_size; i++) {
        qcow2_put_be64(raw + i * 8ull, s->l1[i]);
    }
    return qcow2_host_write(s, s->l1_offset, raw, (uint64_t)s->l1_size * 8,
                            QCOW2_OL_BIT(QCOW2_OL_ACTIVE_L1));
}

/* Set COPIED exactly where the refcount is 1, in the active tables. */
static int qcow2_fix_copied(Qcow2State *s)
{
    uint64_t rc;

    for (uint32_t i = 0; i < s->l1_size; i++) {
        uint64_t o = s->l1[i] & QCOW2_L1E_OFFSET_MASK;
        uint8_t *l2;
        int ret;
        if (!o || (o & (s->cluster_size - 1)) ||
            qcow2_get_refcount(s, o >> s->cluster_bits, &rc) < 0) {
            continue;
        }
        s->l1[i] = rc == 1 ? s->l1[i] | QCOW2_OFLAG_COPIED
                           : s->l1[i] & ~QCOW2_OFLAG_COPIED;
        if (rc != 1) {
            continue;
        }
        ret = qcow2_cache_get(s, s->l2_cache, o, true, &l2);
        if (ret < 0) {
            return ret;
        }
        for (uint32_t j = 0; j < s->l2_entries; j++) {
            uint64_t e = qcow2_l2e(l2, j);
            Qcow2ClusterType t = qcow2_l2_entry_type(e, s->meta.h.version);
            if (t != QCOW2_CLUSTER_NORMAL && t != QCOW2_CLUSTER_ZERO_ALLOC) {
                continue;
            }
            if (qcow2_get_refcount(s, (e & QCOW2_L2E_OFFSET_MASK) >>
                                   s->cluster_bits, &rc) < 0) {
                continue;
            }
            uint64_t ne = rc == 1 ? e | QCOW2_OFLAG_COPIED
                                  : e & ~QCOW2_OFLAG_COPIED;
            if (ne != e) {
                qcow2_set_l2e(l2, j, ne);
                qcow2_cache_dirty(s->l2_cache, o);
            }
        }
    }
    return qcow2_write_l1_table(s);
}

static void qcow2_overlap_rebuild(Qcow2State *s)
{
    if (!s->overlap) {
        return;
    }
    qcow2_overlap_map_free(s->overlap);
    s->overlap = qcow2_overlap_map_new(s->cluster_bits,
                                       s->opts.overlap_mem_limit,
                                       *s->device ? s->device : s->node_name);
    qcow2_overlap_map_set_refill(s->overlap, qcow2_overlap_fill, s);
    qcow2_overlap_fill(s->overlap, s);
}

static int qcow2_find_snapshot(Qcow2State *s, const char *id_or_name)
{
    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        if (!strcmp(s->snapshots[i].id_str, id_or_name)) {
            return (int)i;
        }
    }
    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        if (!strcmp(s->snapshots[i].name, id_or_name)) {
            return (int)i;
        }
    }
    return -1;
}

static char *qcow2_next_snapshot_id(Qcow2State *s)
{
    uint64_t max = 0;

    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        max = MAX(max, g_ascii_strtoull(s->snapshots[i].id_str, NULL, 10));
    }
    return g_strdup_printf("%llu", (unsigned long long)max + 1);
}

static int qcow2_snapshot_create_locked(Qcow2State *s, const char *name,
                                        Qcow2Snapshot *sn)
{
    uint64_t bytes = qcow2_align_up((uint64_t)s->l1_size * 8,
                                    s->cluster_size);
    int64_t off = 0;
    int ret;

    qcow2_drain_locked(s);
    ret = qcow2_flush_locked(s);
    if (ret == 0 && bytes) {
        off = qcow2_alloc_clusters(s, bytes >> s->cluster_bits);
        ret = off < 0 ? (int)off : 0;
    }
    if (ret == 0) {
        ret = qcow2_l1_refs(s, s->l1, s->l1_size, 1, true);
    }
    sn->l1 = g_memdup2(s->l1, (uint64_t)s->l1_size * 8 + 8);
    sn->l1_size = s->l1_size;
    sn->l1_table_offset = (uint64_t)off;
    if (ret == 0) {
        ret = qcow2_write_l1_table(s);
    }
    if (ret == 0) {
        ret = qcow2_flush_locked(s);
    }
    if (ret == 0 && bytes) {
        g_autofree uint8_t *raw = g_malloc0(bytes);
        for (uint32_t i = 0; i < s->l1_size; i++) {
            qcow2_put_be64(raw + i * 8ull, sn->l1[i]);
        }
        ret = qcow2_host_write(s, (uint64_t)off, raw, bytes, 0);
    }
    if (ret == 0) {
        ret = s->host.flush(s->host.opaque);
    }
    if (ret < 0) {
        return ret;
    }
    s->snapshots = g_renew(Qcow2Snapshot, s->snapshots, s->nb_snapshots + 1);
    s->snapshots[s->nb_snapshots++] = *sn;
    memset(sn, 0, sizeof(*sn));
    qcow2_overlap_rebuild(s);
    ret = qcow2_snapshots_write(s);
    qcow2_overlap_rebuild(s);
    return ret;
}

int qcow2_snapshot_create(Qcow2State *s, const char *id, const char *name,
                          uint64_t date_sec, uint32_t date_nsec,
                          uint64_t vm_clock_nsec, Error **errp)
{
    Qcow2Snapshot sn = { 0 };
    int ret;

    g_mutex_lock(&s->lock);
    if (!s->writable || s->corrupt) {
        g_mutex_unlock(&s->lock);
        error_setg(errp, "Image is not writable");
        return -EACCES;
    }
    if (s->nb_snapshots >= QCOW2_MAX_SNAPSHOTS) {
        g_mutex_unlock(&s->lock);
        error_setg(errp, "Too many snapshots");
        return -EFBIG;
    }
    sn.id_str = id && *id ? g_strdup(id) : qcow2_next_snapshot_id(s);
    if (qcow2_find_snapshot(s, sn.id_str) >= 0 &&
        !strcmp(s->snapshots[qcow2_find_snapshot(s, sn.id_str)].id_str,
                sn.id_str)) {
        g_mutex_unlock(&s->lock);
        qcow2_snapshot_clear(&sn);
        error_setg(errp, "Snapshot with ID '%s' already exists", id);
        return -EEXIST;
    }
    sn.name = g_strdup(name ? name : "");
    sn.date_sec = (uint32_t)date_sec;
    sn.date_nsec = date_nsec;
    sn.vm_clock_nsec = vm_clock_nsec;
    sn.disk_size = s->size;
    sn.icount = 0;
    ret = qcow2_snapshot_create_locked(s, name, &sn);
    qcow2_snapshot_clear(&sn);
    g_mutex_unlock(&s->lock);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not create snapshot '%s'", name);
    }
    return ret;
}

static int qcow2_snapshot_goto_locked(Qcow2State *s, Qcow2Snapshot *sn)
{
    int ret;

    qcow2_drain_locked(s);
    ret = qcow2_flush_locked(s);
    if (ret == 0 && sn->l1_size > s->l1_size) {
        ret = qcow2_grow_l1(s, sn->l1_size);
    }
    if (ret == 0) {
        ret = qcow2_l1_refs(s, sn->l1, sn->l1_size, 1, false);
    }
    if (ret == 0) {
        ret = qcow2_flush_locked(s);
    }
    if (ret < 0) {
        return ret;
    }
    g_autofree uint64_t *old = g_memdup2(s->l1, (uint64_t)s->l1_size * 8 + 8);
    uint32_t old_n = s->l1_size;
    memset(s->l1, 0, (uint64_t)s->l1_size * 8);
    memcpy(s->l1, sn->l1, (uint64_t)sn->l1_size * 8);
    for (uint32_t i = 0; i < s->l1_size; i++) {
        s->l1[i] &= ~QCOW2_OFLAG_COPIED;
    }
    ret = qcow2_write_l1_table(s);
    if (ret == 0) {
        ret = s->host.flush(s->host.opaque);
    }
    qcow2_overlap_rebuild(s);
    if (ret < 0) {
        return ret;
    }
    s->size = sn->disk_size;
    ret = qcow2_l1_refs(s, old, old_n, -1, false);
    if (ret == 0) {
        ret = qcow2_update_header(s);
    }
    if (ret == 0) {
        ret = qcow2_flush_locked(s);
    }
    if (ret == 0) {
        ret = qcow2_fix_copied(s);
    }
    if (ret == 0) {
        ret = qcow2_flush_locked(s);
    }
    qcow2_overlap_rebuild(s);
    return ret;
}

int qcow2_snapshot_goto(Qcow2State *s, const char *id_or_name, Error **errp)
{
    g_mutex_lock(&s->lock);
    int i = qcow2_find_snapshot(s, id_or_name);
    int ret;

    if (i < 0) {
        ret = -ENOENT;
        error_setg(errp, "Can't find snapshot");
    } else if (!s->writable || s->corrupt) {
        ret = -EACCES;
        error_setg(errp, "Image is not writable");
    } else {
        ret = qcow2_snapshot_goto_locked(s, &s->snapshots[i]);
        if (ret < 0) {
            error_setg_errno(errp, -ret, "Could not apply snapshot");
        }
    }
    g_mutex_unlock(&s->lock);
    return ret;
}

static int qcow2_snapshot_delete_locked(Qcow2State *s, int idx)
{
    Qcow2Snapshot sn;
    int ret;

    qcow2_drain_locked(s);
    sn = s->snapshots[idx];
    memmove(&s->snapshots[idx], &s->snapshots[idx + 1],
            (s->nb_snapshots - idx - 1) * sizeof(Qcow2Snapshot));
    s->nb_snapshots--;
    ret = qcow2_snapshots_write(s);
    qcow2_overlap_rebuild(s);
    if (ret == 0) {
        ret = qcow2_l1_refs(s, sn.l1, sn.l1_size, -1, false);
    }
    if (ret == 0) {
        qcow2_free_later(s, sn.l1_table_offset,
                         (uint64_t)sn.l1_size * 8, false);
        ret = qcow2_flush_locked(s);
    }
    if (ret == 0) {
        ret = qcow2_fix_copied(s);
    }
    if (ret == 0) {
        ret = qcow2_flush_locked(s);
    }
    qcow2_snapshot_clear(&sn);
    qcow2_overlap_rebuild(s);
    return ret;
}

int qcow2_snapshot_delete(Qcow2State *s, const char *id_or_name,
                          Error **errp)
{
    g_mutex_lock(&s->lock);
    int i = qcow2_find_snapshot(s, id_or_name);
    int ret;

    if (i < 0) {
        ret = -ENOENT;
        error_setg(errp, "Can't find the snapshot");
    } else if (!s->writable || s->corrupt) {
        ret = -EACCES;
        error_setg(errp, "Image is not writable");
    } else {
        ret = qcow2_snapshot_delete_locked(s, i);
        if (ret < 0) {
            error_setg_errno(errp, -ret, "Could not delete snapshot");
        }
    }
    g_mutex_unlock(&s->lock);
    return ret;
}
