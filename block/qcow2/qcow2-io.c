/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qcow2 guest requests: read, write (with copy-on-write of partial
 * clusters from the old cluster or the backing image), compressed write,
 * write-zeroes, discard and block status.
 *
 * Spec: QEMU docs/interop/qcow2.txt "Cluster mapping", "Compressed
 * Clusters Descriptor"; BLOCK-QMP-REFERENCE.md 3.3, 3.4 (allocating write:
 * allocate, write data merged with COW as one write, then the L2 entry,
 * then drop the old cluster; writing to a compressed or shared cluster
 * always allocates; zero flag and discard rules for v2/v3).
 * Data reads of allocated clusters and rewrites of COPIED clusters run
 * without the image lock (see qcow2.h for why that is safe); a request
 * whose last step is such an access never takes the lock again.
 *
 * Inline attempts (block/aio-pool.h nowait mode) are served when they
 * need no metadata I/O and no waiting: the lock must be free, the L2
 * table cached, the clusters allocated (reads may also hit zero or
 * unallocated clusters) and no allocation in flight on them; otherwise
 * the request bails out before it changes anything.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "block/aio-pool.h"
#include "block/qcow2/qcow2.h"

/* Most clusters one allocating write handles at once. */
#define QCOW2_MAX_ALLOC_BYTES (4u << 20)

static int qcow2_backing_read(Qcow2State *s, uint64_t off, uint8_t *buf,
                              uint64_t len)
{
    uint64_t avail = 0;

    if (s->has_backing && s->backing.pread && off < s->backing.size) {
        avail = MIN(len, s->backing.size - off);
        int ret = s->backing.pread(s->backing.opaque, off, buf, avail);
        if (ret < 0) {
            return ret;
        }
    }
    memset(buf + avail, 0, len - avail);
    return 0;
}

static int qcow2_host_read_clip(Qcow2State *s, uint64_t off, uint8_t *buf,
                                uint64_t len)
{
    int64_t flen = s->host.getlength(s->host.opaque);
    uint64_t n = len;

    if (flen < 0) {
        return (int)flen;
    }
    if (off >= (uint64_t)flen) {
        return -EIO;
    }
    n = MIN(len, (uint64_t)flen - off);
    memset(buf + n, 0, len - n);
    return s->host.pread(s->host.opaque, off, buf, n);
}

static int qcow2_read_compressed(Qcow2State *s, uint64_t entry)
{
    uint64_t hoff, clen;
    int ret;

    if (s->zbuf_entry == entry && s->zbuf) {
        return 0;
    }
    qcow2_compressed_decode(entry, s->cluster_bits, &hoff, &clen);
    g_autofree uint8_t *cbuf = g_malloc(clen);
    ret = qcow2_host_read_clip(s, hoff, cbuf, clen);
    if (ret < 0) {
        return ret;
    }
    if (!s->zbuf) {
        s->zbuf = g_malloc(s->cluster_size);
    }
    s->zbuf_entry = 0;
    ret = qcow2_decompress(s, cbuf, clen, s->zbuf, s->cluster_size);
    if (ret < 0) {
        return -EIO;
    }
    s->zbuf_entry = entry;
    return 0;
}

static bool qcow2_host_offset_bad(Qcow2State *s, uint64_t entry,
                                  uint64_t guest_off)
{
    uint64_t h = entry & QCOW2_L2E_OFFSET_MASK;

    if (h & (s->cluster_size - 1)) {
        qcow2_signal_corruption(s, true, -1, -1, "Cluster allocation offset "
                                "%#llx unaligned (L2 offset: %#llx)",
                                (unsigned long long)h,
                                (unsigned long long)guest_off);
        return true;
    }
    return false;
}

/* Read @len bytes of guest cluster data at @guest_off (inside one cluster)
 * described by L2 entry @entry.  Locked. */
static int qcow2_read_entry(Qcow2State *s, uint64_t entry,
                            uint64_t guest_off, uint8_t *buf, uint64_t len)
{
    uint64_t in = guest_off & (s->cluster_size - 1);

    switch (qcow2_l2_entry_type(entry, s->meta.h.version)) {
    case QCOW2_CLUSTER_UNALLOCATED:
        return qcow2_backing_read(s, guest_off, buf, len);
    case QCOW2_CLUSTER_ZERO_PLAIN:
    case QCOW2_CLUSTER_ZERO_ALLOC:
        memset(buf, 0, len);
        return 0;
    case QCOW2_CLUSTER_COMPRESSED: {
        int ret = qcow2_read_compressed(s, entry);
        if (ret == 0) {
            memcpy(buf, s->zbuf + in, len);
        }
        return ret;
    }
    default:
        if (qcow2_host_offset_bad(s, entry, guest_off)) {
            return -EIO;
        }
        return s->host.pread(s->host.opaque,
                             (entry & QCOW2_L2E_OFFSET_MASK) + in, buf, len);
    }
}

/* Take the image lock; an inline attempt does not wait for it. */
static int qcow2_lock(Qcow2State *s)
{
    if (!aio_nowait_active()) {
        g_mutex_lock(&s->lock);
        return 0;
    }
    return g_mutex_trylock(&s->lock) ? 0 : aio_nowait_bail();
}

static void qcow2_unlocked_begin(Qcow2State *s)
{
    __atomic_add_fetch(&s->unlocked_io, 1, __ATOMIC_SEQ_CST);
    g_mutex_unlock(&s->lock);
}

/*
 * Unlocked I/O ended, and the caller is done with the image.  Waiters
 * count themselves in io_waiters under the lock before they test
 * unlocked_io, so the lock is only needed to wake one.
 */
static void qcow2_unlocked_done(Qcow2State *s)
{
    if (__atomic_sub_fetch(&s->unlocked_io, 1, __ATOMIC_SEQ_CST) == 0 &&
        __atomic_load_n(&s->io_waiters, __ATOMIC_SEQ_CST)) {
        g_mutex_lock(&s->lock);
        g_cond_broadcast(&s->io_cond);
        g_mutex_unlock(&s->lock);
    }
}

/* Unlocked I/O ended; the caller goes on under the lock. */
static void qcow2_unlocked_end(Qcow2State *s)
{
    g_mutex_lock(&s->lock);
    if (__atomic_sub_fetch(&s->unlocked_io, 1, __ATOMIC_SEQ_CST) == 0 &&
        __atomic_load_n(&s->io_waiters, __ATOMIC_SEQ_CST)) {
        g_cond_broadcast(&s->io_cond);
    }
}

/* Wait on io_cond (locked), counted for qcow2_unlocked_done(). */
static void qcow2_io_wait(Qcow2State *s)
{
    __atomic_add_fetch(&s->io_waiters, 1, __ATOMIC_SEQ_CST);
    g_cond_wait(&s->io_cond, &s->lock);
    __atomic_sub_fetch(&s->io_waiters, 1, __ATOMIC_SEQ_CST);
}

static bool qcow2_inflight_hit(Qcow2State *s, uint64_t first, uint64_t last)
{
    for (guint i = 0; i < s->inflight->len; i++) {
        Qcow2Inflight *f = &g_array_index(s->inflight, Qcow2Inflight, i);
        if (f->first <= last && first <= f->last) {
            return true;
        }
    }
    return false;
}

void qcow2_inflight_wait(Qcow2State *s, uint64_t off, uint64_t len)
{
    uint64_t first = off >> s->cluster_bits;
    uint64_t last = (off + MAX(len, 1) - 1) >> s->cluster_bits;

    while (qcow2_inflight_hit(s, first, last)) {
        qcow2_io_wait(s);
    }
}

void qcow2_drain_locked(Qcow2State *s)
{
    for (;;) {
        __atomic_add_fetch(&s->io_waiters, 1, __ATOMIC_SEQ_CST);
        if (!__atomic_load_n(&s->unlocked_io, __ATOMIC_SEQ_CST) &&
            !s->inflight->len) {
            __atomic_sub_fetch(&s->io_waiters, 1, __ATOMIC_SEQ_CST);
            return;
        }
        g_cond_wait(&s->io_cond, &s->lock);
        __atomic_sub_fetch(&s->io_waiters, 1, __ATOMIC_SEQ_CST);
    }
}

static void qcow2_inflight_end(Qcow2State *s, uint64_t first)
{
    for (guint i = 0; i < s->inflight->len; i++) {
        if (g_array_index(s->inflight, Qcow2Inflight, i).first == first) {
            g_array_remove_index_fast(s->inflight, i);
            break;
        }
    }
    /* Waiters count themselves under the lock, which we hold. */
    if (__atomic_load_n(&s->io_waiters, __ATOMIC_SEQ_CST)) {
        g_cond_broadcast(&s->io_cond);
    }
}

/* Bytes from @off that map to contiguous host clusters starting at
 * @entry's, all with the same flags; at most @len, same L2 table. */
static uint64_t qcow2_contiguous(Qcow2State *s, const uint8_t *l2,
                                 uint32_t idx, uint64_t entry, uint64_t off,
                                 uint64_t len, uint64_t flags_mask)
{
    uint64_t n = MIN(len, s->cluster_size - (off & (s->cluster_size - 1)));
    uint64_t want = entry;

    while (n < len && ++idx < s->l2_entries) {
        want += s->cluster_size;
        if ((qcow2_l2e(l2, idx) & (QCOW2_L2E_OFFSET_MASK | flags_mask)) !=
            (want & (QCOW2_L2E_OFFSET_MASK | flags_mask))) {
            break;
        }
        n += MIN(s->cluster_size, len - n);
    }
    return n;
}

/*
 * One step of a read; returns bytes done or -errno.  Locked on entry and
 * on return, except that a step that finishes the request with unlocked
 * I/O returns without the lock and sets *@unlocked.
 */
static int64_t qcow2_read_step(Qcow2State *s, uint64_t off, uint8_t *buf,
                               uint64_t len, bool *unlocked)
{
    uint64_t cur = MIN(len, s->cluster_size - (off & (s->cluster_size - 1)));
    uint8_t *l2;
    uint32_t idx;
    uint64_t e;
    int ret = qcow2_get_l2(s, off, false, &l2, &idx);

    if (ret < 0) {
        return ret;
    }
    e = l2 ? qcow2_l2e(l2, idx) : 0;
    Qcow2ClusterType t = qcow2_l2_entry_type(e, s->meta.h.version);
    if (t != QCOW2_CLUSTER_NORMAL) {
        if (t == QCOW2_CLUSTER_COMPRESSED && aio_nowait_active()) {
            return aio_nowait_bail();   /* inflating is for a worker */
        }
        ret = qcow2_read_entry(s, e, off, buf, cur);
        return ret < 0 ? ret : (int64_t)cur;
    }
    if (qcow2_host_offset_bad(s, e, off)) {
        return -EIO;
    }
    cur = qcow2_contiguous(s, l2, idx, e, off, len,
                           QCOW2_OFLAG_COMPRESSED | QCOW2_OFLAG_ZERO);
    uint64_t hoff = (e & QCOW2_L2E_OFFSET_MASK) +
                    (off & (s->cluster_size - 1));
    qcow2_unlocked_begin(s);
    ret = s->host.pread(s->host.opaque, hoff, buf, cur);
    if (cur == len) {
        qcow2_unlocked_done(s);
        *unlocked = true;
    } else {
        qcow2_unlocked_end(s);
    }
    return ret < 0 ? ret : (int64_t)cur;
}

int qcow2_read(Qcow2State *s, uint64_t off, void *buf, uint64_t len)
{
    uint8_t *p = buf;
    bool unlocked = false;
    int ret = qcow2_lock(s);

    if (ret < 0) {
        return ret;
    }
    while (len && ret == 0) {
        if (s->corrupt) {
            ret = -ENOMEDIUM;
            break;
        }
        int64_t n = qcow2_read_step(s, off, p, len, &unlocked);
        if (n < 0) {
            ret = (int)n;
            break;
        }
        off += n;
        p += n;
        len -= n;
    }
    if (!unlocked) {
        g_mutex_unlock(&s->lock);
    }
    return ret;
}

static int qcow2_mark_dirty(Qcow2State *s)
{
    if (!s->writable) {
        return -EACCES;
    }
    if (!s->lazy || s->dirty_set) {
        return 0;
    }
    int ret = qcow2_set_incompat_bit(s, QCOW2_INCOMPAT_DIRTY, true);
    if (ret == 0) {
        s->dirty_set = true;
    }
    return ret;
}

static uint64_t qcow2_l2_table_off(Qcow2State *s, uint64_t guest_off)
{
    return s->l1[guest_off >> (s->cluster_bits + s->l2_bits)] &
           QCOW2_L1E_OFFSET_MASK;
}

static bool qcow2_needs_alloc(Qcow2State *s, uint64_t e)
{
    return qcow2_l2_entry_type(e, s->meta.h.version) != QCOW2_CLUSTER_NORMAL
           || !(e & QCOW2_OFLAG_COPIED);
}

/* Fill the parts of the @m-cluster buffer outside [head, head + n) with
 * the old contents of the guest clusters. */
static int qcow2_cow_fill(Qcow2State *s, uint64_t gbase, const uint64_t *old,
                          uint32_t m, uint8_t *nb, uint64_t head, uint64_t n)
{
    uint64_t end = head + n, total = (uint64_t)m << s->cluster_bits;
    int ret = 0;

    if (head) {
        ret = qcow2_read_entry(s, old[0], gbase, nb, head);
    }
    if (ret == 0 && end < total) {
        /* The tail lies in the last cluster: its old entry describes it. */
        ret = qcow2_read_entry(s, old[m - 1], gbase + end, nb + end,
                               total - end);
    }
    return ret;
}

/* Whether the @m new clusters at @host hold nothing yet (past anything
 * ever written) and their old contents read as zeroes. */
static bool qcow2_fresh_zero(Qcow2State *s, uint64_t host,
                             const uint64_t *old, uint32_t m)
{
    if (host < s->file_end) {
        return false;
    }
    for (uint32_t k = 0; k < m; k++) {
        Qcow2ClusterType t = qcow2_l2_entry_type(old[k], s->meta.h.version);
        if (t == QCOW2_CLUSTER_UNALLOCATED ? s->has_backing
                                           : t != QCOW2_CLUSTER_ZERO_PLAIN &&
                                             t != QCOW2_CLUSTER_ZERO_ALLOC) {
            return false;
        }
    }
    return true;
}

/* Allocating write of up to @len bytes at @off; locked.  Returns bytes
 * written or -errno. */
/* The data write of an allocation, without the lock: the new clusters
 * belong to nobody else until the L2 entries point at them, and other
 * writers to these guest clusters wait in qcow2_inflight_wait(). */
static int qcow2_alloc_data(Qcow2State *s, uint64_t gfirst, uint32_t m,
                            uint64_t woff, const uint8_t *wbuf, uint64_t wlen)
{
    Qcow2Inflight f = { gfirst, gfirst + m - 1 };
    int t = qcow2_overlap_test(s, s->opts.overlap_mask, woff, wlen);
    int ret;

    if (t >= 0) {
        qcow2_signal_corruption(s, true, (int64_t)woff, (int64_t)wlen,
                                "Preventing invalid write on metadata "
                                "(overlaps with %s)",
                                qcow2_overlap_type_name(t));
        return -EIO;
    }
    s->file_end = MAX(s->file_end, woff + wlen);
    g_array_append_val(s->inflight, f);
    g_mutex_unlock(&s->lock);
    ret = s->host.pwrite(s->host.opaque, woff, wbuf, wlen);
    g_mutex_lock(&s->lock);
    qcow2_inflight_end(s, gfirst);
    return ret;
}

/* Clusters from @idx one allocating write takes: those needing a new
 * cluster, not being allocated by another request, covering the data. */
static uint32_t qcow2_alloc_span(Qcow2State *s, const uint8_t *l2,
                                 uint32_t idx, uint64_t gfirst, uint64_t need,
                                 uint64_t *old)
{
    uint32_t max_m = MIN(s->l2_entries - idx,
                         QCOW2_MAX_ALLOC_BYTES >> s->cluster_bits);
    uint32_t m = 0;

    max_m = MAX(max_m, 1);
    while (m < max_m && ((uint64_t)m << s->cluster_bits) < need) {
        uint64_t e = qcow2_l2e(l2, idx + m);
        if (m && (!qcow2_needs_alloc(s, e) ||
                  qcow2_inflight_hit(s, gfirst + m, gfirst + m))) {
            break;
        }
        old[m++] = e;
    }
    return m;
}

/* Whether the old contents of a cluster described by @e read as zeroes
 * without host I/O. */
static bool qcow2_entry_reads_zero(Qcow2State *s, uint64_t e)
{
    switch (qcow2_l2_entry_type(e, s->meta.h.version)) {
    case QCOW2_CLUSTER_UNALLOCATED:
        return !s->has_backing;
    case QCOW2_CLUSTER_ZERO_PLAIN:
    case QCOW2_CLUSTER_ZERO_ALLOC:
        return true;
    default:
        return false;
    }
}

/*
 * Whether an inline attempt may allocate for a write at @off (@idx in the
 * cached table @l2): no dirty bit, L1 or L2 table to write first, and no
 * old data to copy around a partial cluster.  Refcount blocks are checked
 * by qcow2_alloc_clusters() itself, which bails out before any change.
 */
static bool qcow2_alloc_inline_ok(Qcow2State *s, const uint8_t *l2,
                                  uint32_t idx, uint64_t off, uint64_t len)
{
    uint64_t l1_idx = off >> (s->cluster_bits + s->l2_bits);
    uint64_t head = off & (s->cluster_size - 1);
    uint64_t last = idx + ((head + len - 1) >> s->cluster_bits);

    if ((s->lazy && !s->dirty_set) || !l2 ||
        !(s->l1[l1_idx] & QCOW2_OFLAG_COPIED)) {
        return false;
    }
    if (head && !qcow2_entry_reads_zero(s, qcow2_l2e(l2, idx))) {
        return false;
    }
    /* A tail past this table ends the step on a cluster boundary. */
    return ((head + len) & (s->cluster_size - 1)) == 0 ||
           last >= s->l2_entries ||
           qcow2_entry_reads_zero(s, qcow2_l2e(l2, (uint32_t)last));
}

/* Allocating write of up to @len bytes at @off; locked.  Returns bytes
 * written or -errno. */
static int64_t qcow2_alloc_write(Qcow2State *s, uint64_t off,
                                 const uint8_t *buf, uint64_t len)
{
    uint64_t head = off & (s->cluster_size - 1), gbase = off - head;
    uint8_t *l2, *nb = NULL;
    uint32_t idx, m;
    int ret = qcow2_mark_dirty(s);

    if (ret == 0) {
        ret = qcow2_get_l2(s, off, true, &l2, &idx);
    }
    if (ret < 0) {
        return ret;
    }
    g_autofree uint64_t *old = g_new(uint64_t, QCOW2_MAX_ALLOC_BYTES /
                                     s->cluster_size + 1);
    m = qcow2_alloc_span(s, l2, idx, gbase >> s->cluster_bits, head + len,
                         old);
    uint64_t n = MIN(len, ((uint64_t)m << s->cluster_bits) - head);
    uint64_t total = (uint64_t)m << s->cluster_bits;
    int64_t host = qcow2_alloc_clusters(s, m);
    if (host < 0) {
        return host;
    }
    if (aio_nowait_active()) {
        /* Past the point of no return: finish here (a page-cache write). */
        aio_nowait_commit();
    }
    if (qcow2_fresh_zero(s, (uint64_t)host, old, m)) {
        /* Never-written clusters past the end of the file read as zero:
         * only the guest data needs writing (no zero-filled COW). */
        ret = qcow2_alloc_data(s, gbase >> s->cluster_bits, m,
                               (uint64_t)host + head, buf, n);
    } else if (posix_memalign((void **)&nb, 4096, total)) {
        ret = -ENOMEM;
    } else {
        ret = qcow2_cow_fill(s, gbase, old, m, nb, head, n);
        if (ret == 0) {
            memcpy(nb + head, buf, n);
            ret = qcow2_alloc_data(s, gbase >> s->cluster_bits, m,
                                   (uint64_t)host, nb, total);
        }
        free(nb);
    }
    if (ret == 0) {
        ret = qcow2_get_l2(s, off, true, &l2, &idx);
    }
    if (ret < 0) {
        qcow2_free_later(s, (uint64_t)host, total, false);
        return ret;
    }
    for (uint32_t k = 0; k < m; k++) {
        /* Free what the entry holds now (other writers waited for us). */
        uint64_t cur = qcow2_l2e(l2, idx + k);
        qcow2_set_l2e(l2, idx + k, ((uint64_t)host + ((uint64_t)k <<
                                    s->cluster_bits)) | QCOW2_OFLAG_COPIED);
        qcow2_free_l2_entry(s, cur);
    }
    qcow2_cache_dirty(s->l2_cache, qcow2_l2_table_off(s, off));
    return (int64_t)n;
}

/* Whether a write of [@off, +@len) in the first cluster must wait for an
 * allocation in flight. */
static bool qcow2_inflight_busy(Qcow2State *s, uint64_t off, uint64_t len)
{
    uint64_t cur = MIN(len, s->cluster_size - (off & (s->cluster_size - 1)));

    return s->inflight->len &&
           qcow2_inflight_hit(s, off >> s->cluster_bits,
                              (off + cur - 1) >> s->cluster_bits);
}

/*
 * One step of a write; locked on entry and on return, except that a step
 * that finishes the request with an unlocked rewrite returns without the
 * lock and sets *@unlocked.
 */
static int64_t qcow2_write_step(Qcow2State *s, uint64_t off,
                                const uint8_t *buf, uint64_t len,
                                bool *unlocked)
{
    uint8_t *l2;
    uint32_t idx;
    int ret;

    if (aio_nowait_active() && qcow2_inflight_busy(s, off, len)) {
        return aio_nowait_bail();
    }
    qcow2_inflight_wait(s, off, MIN(len, s->cluster_size -
                                    (off & (s->cluster_size - 1))));
    if (s->corrupt) {
        return -ENOMEDIUM;
    }
    ret = qcow2_get_l2(s, off, false, &l2, &idx);

    if (ret < 0) {
        return ret;
    }
    uint64_t e = l2 ? qcow2_l2e(l2, idx) : 0;
    if (qcow2_needs_alloc(s, e)) {
        if (aio_nowait_active() &&
            !qcow2_alloc_inline_ok(s, l2, idx, off, len)) {
            return aio_nowait_bail();
        }
        return qcow2_alloc_write(s, off, buf, len);
    }
    if (qcow2_host_offset_bad(s, e, off)) {
        return -EIO;
    }
    uint64_t cur = qcow2_contiguous(s, l2, idx, e, off, len,
                                    QCOW2_OFLAG_COPIED |
                                    QCOW2_OFLAG_COMPRESSED | QCOW2_OFLAG_ZERO);
    uint64_t hoff = (e & QCOW2_L2E_OFFSET_MASK) +
                    (off & (s->cluster_size - 1));
    if (s->opts.overlap_mask) {
        int t = qcow2_overlap_test(s, s->opts.overlap_mask, hoff, cur);
        if (t >= 0) {
            qcow2_signal_corruption(s, true, (int64_t)hoff, (int64_t)cur,
                                    "Preventing invalid write on metadata "
                                    "(overlaps with %s)",
                                    qcow2_overlap_type_name(t));
            return -EIO;
        }
    }
    qcow2_unlocked_begin(s);
    ret = s->host.pwrite(s->host.opaque, hoff, buf, cur);
    if (cur == len && unlocked) {
        qcow2_unlocked_done(s);
        *unlocked = true;
    } else {
        qcow2_unlocked_end(s);
    }
    return ret < 0 ? ret : (int64_t)cur;
}

/* Write under the lock; if @unlocked is given, the last step may return
 * without the lock (then *@unlocked is set). */
static int qcow2_write_steps(Qcow2State *s, uint64_t off, const uint8_t *p,
                             uint64_t len, bool *unlocked)
{
    while (len) {
        if (s->corrupt) {
            return -ENOMEDIUM;
        }
        if (!s->writable) {
            return -EACCES;
        }
        int64_t n = qcow2_write_step(s, off, p, len, unlocked);
        if (n < 0) {
            return (int)n;
        }
        off += n;
        p += n;
        len -= n;
    }
    return 0;
}

static int qcow2_write_locked(Qcow2State *s, uint64_t off, const uint8_t *p,
                              uint64_t len)
{
    return qcow2_write_steps(s, off, p, len, NULL);
}

int qcow2_write(Qcow2State *s, uint64_t off, const void *buf, uint64_t len)
{
    bool unlocked = false;
    int ret = qcow2_lock(s);

    if (ret < 0) {
        return ret;
    }
    ret = qcow2_write_steps(s, off, buf, len, &unlocked);
    if (!unlocked) {
        g_mutex_unlock(&s->lock);
    }
    return ret;
}

static int qcow2_write_compressed_locked(Qcow2State *s, uint64_t off,
                                         const uint8_t *dst, uint64_t clen)
{
    uint8_t *l2;
    uint32_t idx;
    int ret;

    qcow2_inflight_wait(s, off, s->cluster_size);
    ret = qcow2_mark_dirty(s);
    if (ret == 0) {
        ret = qcow2_get_l2(s, off, true, &l2, &idx);
    }
    if (ret < 0) {
        return ret;
    }
    int64_t hoff = qcow2_alloc_bytes(s, clen);
    if (hoff < 0) {
        return (int)hoff;
    }
    ret = qcow2_host_write(s, (uint64_t)hoff, dst, clen, 0);
    if (ret == 0) {
        ret = qcow2_get_l2(s, off, true, &l2, &idx);
    }
    if (ret < 0) {
        qcow2_free_later(s, (uint64_t)hoff, clen, false);
        return ret;
    }
    uint64_t old = qcow2_l2e(l2, idx);
    qcow2_set_l2e(l2, idx, qcow2_compressed_encode((uint64_t)hoff, clen,
                                                   s->cluster_bits));
    qcow2_cache_dirty(s->l2_cache, qcow2_l2_table_off(s, off));
    qcow2_free_l2_entry(s, old);
    return 0;
}

int qcow2_write_compressed(Qcow2State *s, uint64_t off, const void *buf,
                           uint64_t len)
{
    g_autofree uint8_t *src = g_malloc0(s->cluster_size);
    g_autofree uint8_t *dst = g_malloc(s->cluster_size);
    ssize_t clen;
    int ret;

    if ((off & (s->cluster_size - 1)) || len > s->cluster_size) {
        return -EINVAL;
    }
    memcpy(src, buf, len);
    clen = qcow2_compress(s, src, s->cluster_size, dst, s->cluster_size);
    g_mutex_lock(&s->lock);
    if (s->corrupt) {
        ret = -ENOMEDIUM;
    } else if (clen <= 0 || (uint64_t)clen >= s->cluster_size - 512 ||
               qcow2_compressed_encode(s->cluster_size, clen,
                                       s->cluster_bits) == 0) {
        ret = qcow2_write_locked(s, off, src, MIN(s->cluster_size,
                                                  s->size - off));
    } else {
        ret = qcow2_write_compressed_locked(s, off, dst, (uint64_t)clen);
    }
    g_mutex_unlock(&s->lock);
    return ret;
}

/* Set the entry of the whole cluster at @off to @new_e (ZERO or 0). */
static int qcow2_zero_cluster(Qcow2State *s, uint64_t off, bool may_unmap,
                              bool discard)
{
    uint8_t *l2;
    uint32_t idx;
    int ret = qcow2_get_l2(s, off, false, &l2, &idx);
    uint64_t e = l2 ? qcow2_l2e(l2, idx) : 0;
    Qcow2ClusterType t = qcow2_l2_entry_type(e, s->meta.h.version);
    bool v3 = s->meta.h.version >= 3;
    uint64_t new_e = (v3 && (s->has_backing || !discard)) ? QCOW2_OFLAG_ZERO
                                                          : 0;

    if (ret < 0) {
        return ret;
    }
    if ((t == QCOW2_CLUSTER_UNALLOCATED && !s->has_backing) ||
        (t == QCOW2_CLUSTER_ZERO_PLAIN)) {
        return 0;
    }
    if (!v3 && s->has_backing && !discard) {
        return 1;  /* caller writes zeroes */
    }
    if (!may_unmap && t == QCOW2_CLUSTER_NORMAL &&
        (e & QCOW2_OFLAG_COPIED) && v3) {
        new_e = (e & QCOW2_L2E_OFFSET_MASK) | QCOW2_OFLAG_COPIED |
                QCOW2_OFLAG_ZERO;
    }
    ret = qcow2_mark_dirty(s);
    if (ret == 0) {
        ret = qcow2_get_l2(s, off, true, &l2, &idx);
    }
    if (ret < 0) {
        return ret;
    }
    qcow2_set_l2e(l2, idx, new_e);
    qcow2_cache_dirty(s->l2_cache, qcow2_l2_table_off(s, off));
    if (!(new_e & QCOW2_L2E_OFFSET_MASK)) {
        qcow2_free_l2_entry(s, e);
    }
    return 0;
}

static int qcow2_zero_range(Qcow2State *s, uint64_t off, uint64_t len,
                            bool may_unmap, bool discard)
{
    g_autofree uint8_t *zeroes = NULL;

    while (len) {
        uint64_t in = off & (s->cluster_size - 1);
        uint64_t cur = MIN(len, s->cluster_size - in);
        int ret = 1;
        if (s->corrupt) {
            return -ENOMEDIUM;
        }
        qcow2_inflight_wait(s, off, cur);
        if (!in && cur == s->cluster_size) {
            ret = qcow2_zero_cluster(s, off, may_unmap, discard);
        } else if (discard) {
            ret = 0;   /* partial clusters are not discarded */
        }
        if (ret == 1) {
            zeroes = zeroes ? zeroes : g_malloc0(s->cluster_size);
            ret = qcow2_write_locked(s, off, zeroes, cur);
        }
        if (ret < 0) {
            return ret;
        }
        off += cur;
        len -= cur;
    }
    return 0;
}

int qcow2_write_zeroes(Qcow2State *s, uint64_t off, uint64_t len,
                       bool may_unmap)
{
    g_mutex_lock(&s->lock);
    int ret = s->writable ? qcow2_zero_range(s, off, len, may_unmap, false)
                          : -EACCES;
    g_mutex_unlock(&s->lock);
    return ret;
}

int qcow2_discard(Qcow2State *s, uint64_t off, uint64_t len)
{
    g_mutex_lock(&s->lock);
    int ret = s->writable ? qcow2_zero_range(s, off, len, true, true)
                          : -EACCES;
    if (ret == 0 && s->pending_frees->len > 4096) {
        ret = qcow2_flush_locked(s);
    }
    g_mutex_unlock(&s->lock);
    return ret;
}

int qcow2_block_status(Qcow2State *s, uint64_t off, uint64_t len,
                       uint64_t *pnum, uint64_t *host_off)
{
    uint8_t *l2;
    uint32_t idx;
    int ret;

    g_mutex_lock(&s->lock);
    ret = s->corrupt ? -ENOMEDIUM : qcow2_get_l2(s, off, false, &l2, &idx);
    if (ret < 0) {
        g_mutex_unlock(&s->lock);
        return ret;
    }
    uint64_t e = l2 ? qcow2_l2e(l2, idx) : 0;
    Qcow2ClusterType t = qcow2_l2_entry_type(e, s->meta.h.version);
    uint64_t n = MIN(len, s->cluster_size - (off & (s->cluster_size - 1)));
    if (!l2) {
        uint64_t span = (uint64_t)s->l2_entries << s->cluster_bits;
        n = MIN(len, span - (off & (span - 1)));
    } else if (t == QCOW2_CLUSTER_NORMAL || t == QCOW2_CLUSTER_ZERO_ALLOC) {
        n = qcow2_contiguous(s, l2, idx, e, off, len,
                             QCOW2_OFLAG_COMPRESSED | QCOW2_OFLAG_ZERO);
    } else if (t != QCOW2_CLUSTER_COMPRESSED) {
        while (n < len && ++idx < s->l2_entries &&
               qcow2_l2_entry_type(qcow2_l2e(l2, idx), s->meta.h.version) == t) {
            n += MIN(s->cluster_size, len - n);
        }
    }
    *pnum = n;
    *host_off = 0;
    if (t == QCOW2_CLUSTER_NORMAL || t == QCOW2_CLUSTER_ZERO_ALLOC) {
        *host_off = (e & QCOW2_L2E_OFFSET_MASK) +
                    (off & (s->cluster_size - 1));
    } else if (t == QCOW2_CLUSTER_COMPRESSED) {
        uint64_t clen;
        qcow2_compressed_decode(e, s->cluster_bits, host_off, &clen);
    }
    g_mutex_unlock(&s->lock);
    return (int)t;
}

int qcow2_make_empty(Qcow2State *s)
{
    int ret = 0;

    g_mutex_lock(&s->lock);
    qcow2_drain_locked(s);
    if (!s->writable || s->corrupt) {
        ret = -EACCES;
    }
    for (uint64_t off = 0; ret == 0 && off < s->size;
         off += s->cluster_size) {
        uint8_t *l2;
        uint32_t idx;
        ret = qcow2_get_l2(s, off, false, &l2, &idx);
        if (ret < 0 || !l2) {
            uint64_t span = (uint64_t)s->l2_entries << s->cluster_bits;
            off = (off | (span - 1)) + 1 - s->cluster_size;
            continue;
        }
        uint64_t e = qcow2_l2e(l2, idx);
        if (!e) {
            continue;
        }
        ret = qcow2_mark_dirty(s);
        if (ret == 0) {
            ret = qcow2_get_l2(s, off, true, &l2, &idx);
        }
        if (ret == 0) {
            qcow2_set_l2e(l2, idx, 0);
            qcow2_cache_dirty(s->l2_cache, qcow2_l2_table_off(s, off));
            qcow2_free_l2_entry(s, e);
        }
    }
    if (ret == 0) {
        ret = qcow2_flush_locked(s);
    }
    g_mutex_unlock(&s->lock);
    return ret;
}
