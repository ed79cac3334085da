/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The request path of one node: what happens between a caller asking a
 * node to read, write, zero, discard or flush bytes and the node's driver
 * seeing the request (QEMU's block/io.c in role).
 *
 * For every request, in order:
 *  1. sanity: node usable (-ENOMEDIUM), writable (-EPERM), range (-EIO);
 *  2. alignment: requests are widened to bs->request_alignment; unaligned
 *     writes become read-modify-write and are "serialising": no overlapping
 *     request on the node runs while they do (tracked requests, below);
 *  3. writes, write-zeroes, discards: the write threshold is checked on the
 *     aligned range, before the driver (BLOCK-QMP-REFERENCE.md §1.2);
 *  4. the driver, split at bs->max_transfer;
 *  5. writethrough/FUA flush, accounting (include/block/accounting.h).
 *
 * Request tracking costs a mutex round trip per request; nodes with
 * request_alignment 1 never need serialising and skip the overlap list.
 * Blocking: everything here runs on the caller's thread (a block worker or
 * a tool); there are no coroutines.  In an inline attempt (nowait mode,
 * block/aio-pool.h) a request that would wait here (an overlapping
 * serialising request, a block job's write gate, a writethrough or FUA
 * flush) bails out before any side effect, and is not accounted.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "block/aio-pool.h"
#include "block/block-int.h"
#include "block/job-write-gate.h"
#include "block/write-threshold.h"

#define ZERO_CHUNK (1u << 20)

static bool is_pow2_aligned(int64_t v, uint32_t align)
{
    return (v & (align - 1)) == 0;
}

static int bdrv_check_range(int64_t offset, int64_t bytes)
{
    if (offset < 0 || bytes < 0 || bytes > BDRV_MAX_LENGTH ||
        offset > BDRV_MAX_LENGTH - bytes) {
        return -EIO;
    }
    return 0;
}

/* A shared 1 MiB of zeroes for write-zeroes fallbacks (never written). */
static const uint8_t *zero_chunk(void)
{
    static gsize once;
    static void *buf;

    if (g_once_init_enter(&once)) {
        if (posix_memalign(&buf, 4096, ZERO_CHUNK)) {
            abort();
        }
        memset(buf, 0, ZERO_CHUNK);
        g_once_init_leave(&once, 1);
    }
    return buf;
}

/* ---------------------------------------------------------------------- */
/* In-flight counting and overlap serialisation                            */
/* ---------------------------------------------------------------------- */

/*
 * Threads waiting on some node's reqs_cond.  Raised under the node's
 * reqs_lock before waiting, so a request ending on that node, which reads
 * it under the same lock, never misses a waiter; an ending request only
 * pays for a broadcast (a futex call) when someone waits somewhere.
 */
static int reqs_waiters;

static void req_wait(BlockDriverState *bs)
{
    __atomic_add_fetch(&reqs_waiters, 1, __ATOMIC_RELAXED);
    g_cond_wait(&bs->reqs_cond, &bs->reqs_lock);
    __atomic_sub_fetch(&reqs_waiters, 1, __ATOMIC_RELAXED);
}

static bool req_overlaps(const BdrvTrackedRequest *a, int64_t offset,
                         int64_t bytes)
{
    return a->offset < offset + bytes && offset < a->offset + a->bytes;
}

/* Must a new request [offset, +bytes) wait for someone in the list? */
static bool req_must_wait(BlockDriverState *bs, int64_t offset,
                          int64_t bytes, bool serialising)
{
    for (BdrvTrackedRequest *r = bs->tracked; r; r = r->next) {
        if ((serialising || r->serialising) &&
            req_overlaps(r, offset, bytes)) {
            return true;
        }
    }
    return false;
}

/* Track @req; 0, or -EAGAIN when an inline attempt would have to wait. */
static int req_begin(BlockDriverState *bs, BdrvTrackedRequest *req,
                     int64_t offset, int64_t bytes, bool serialising)
{
    req->offset = offset;
    req->bytes = bytes;
    req->serialising = serialising;
    req->next = NULL;
    g_mutex_lock(&bs->reqs_lock);
    if (bs->request_alignment > 1 || serialising) {
        while (req_must_wait(bs, offset, bytes, serialising)) {
            if (aio_nowait_active()) {
                g_mutex_unlock(&bs->reqs_lock);
                return aio_nowait_bail();
            }
            req_wait(bs);
        }
        req->next = bs->tracked;
        bs->tracked = req;
        req->bytes = bytes ? bytes : 1;
    } else {
        req->bytes = -1;   /* not in the list */
    }
    bs->in_flight++;
    g_mutex_unlock(&bs->reqs_lock);
    return 0;
}

static void req_end(BlockDriverState *bs, BdrvTrackedRequest *req)
{
    g_mutex_lock(&bs->reqs_lock);
    if (req->bytes >= 0) {
        for (BdrvTrackedRequest **p = &bs->tracked; *p; p = &(*p)->next) {
            if (*p == req) {
                *p = req->next;
                break;
            }
        }
    }
    bs->in_flight--;
    /* Waiters are rare (RMW overlap, drain): broadcast when any exist. */
    if (__atomic_load_n(&reqs_waiters, __ATOMIC_RELAXED)) {
        g_cond_broadcast(&bs->reqs_cond);
    }
    g_mutex_unlock(&bs->reqs_lock);
}

void bdrv_drain(BlockDriverState *bs)
{
    g_mutex_lock(&bs->reqs_lock);
    while (bs->in_flight > 0) {
        req_wait(bs);
    }
    g_mutex_unlock(&bs->reqs_lock);
    if (bs->file) {
        bdrv_drain(bs->file->bs);
    }
    if (bs->backing) {
        bdrv_drain(bs->backing->bs);
    }
}

/*
 * Whether an inline attempt must stop at @bs: blkdebug counts events and
 * may suspend requests, so a debugged node is always served by the pool,
 * and so is its parent, which raises events on it (raw_pwritev and the
 * format drivers signal their file child before calling into it); with
 * O_DIRECT (cache.direct) every transfer waits for the device, which only
 * an attempt that may wait (aio_nowait_may_wait(): alone, in a tool) does.
 */
static bool nowait_refused(BlockDriverState *bs)
{
    return aio_nowait_active() &&
           (bs->drv->debug_event ||
            ((bs->open_flags & BDRV_O_NOCACHE) && !aio_nowait_may_wait()) ||
            (bs->file && bs->file->bs->drv->debug_event));
}

/* ---------------------------------------------------------------------- */
/* Driver calls, split at max_transfer                                     */
/* ---------------------------------------------------------------------- */

typedef int (*DrvRwFn)(BlockDriverState *bs, int64_t offset, int64_t bytes,
                       BlockIOV *qiov, BdrvRequestFlags flags);

static int drv_rw_split(BlockDriverState *bs, DrvRwFn fn, int64_t offset,
                        int64_t bytes, BlockIOV *qiov, BdrvRequestFlags flags)
{
    uint64_t max = bs->max_transfer;

    if (!max || (uint64_t)bytes <= max) {
        return fn(bs, offset, bytes, qiov, flags);
    }
    max &= ~((uint64_t)bs->request_alignment - 1);
    for (int64_t done = 0; done < bytes; ) {
        int64_t n = MIN((int64_t)max, bytes - done);
        BlockIOV part;
        int ret;

        block_iov_init(&part, qiov->niov);
        block_iov_concat(&part, qiov, done, n);
        ret = fn(bs, offset + done, n, &part, flags);
        block_iov_destroy(&part);
        if (ret < 0) {
            return ret;
        }
        done += n;
    }
    return 0;
}

static int drv_preadv(BlockDriverState *bs, int64_t offset, int64_t bytes,
                      BlockIOV *qiov, BdrvRequestFlags flags)
{
    if (!bs->drv->preadv) {
        return -ENOTSUP;
    }
    return drv_rw_split(bs, bs->drv->preadv, offset, bytes, qiov, flags);
}

static int drv_pwrite_zeroes(BlockDriverState *bs, int64_t offset,
                             int64_t bytes, BdrvRequestFlags flags);

/*
 * detect-zeroes: the flags that turn a write of nothing but zeroes into
 * write-zeroes, or 0 to write it as it is.  Only on a driver with its own
 * write-zeroes; unmapping needs detect-zeroes=unmap and discard=unmap.
 * QEMU's docs for -drive detect-zeroes; it checks the aligned request too.
 */
static BdrvRequestFlags bdrv_detect_zeroes(BlockDriverState *bs,
                                           BlockIOV *qiov, int64_t bytes,
                                           BdrvRequestFlags flags)
{
    if (bs->detect_zeroes == BDRV_DETECT_ZEROES_OFF ||
        (flags & BDRV_REQ_ZERO_WRITE) || !bs->drv->pwrite_zeroes ||
        !block_iov_is_zero(qiov, 0, (size_t)bytes)) {
        return 0;
    }
    flags |= BDRV_REQ_ZERO_WRITE;
    if (bs->detect_zeroes == BDRV_DETECT_ZEROES_UNMAP &&
        (bs->open_flags & BDRV_O_UNMAP)) {
        flags |= BDRV_REQ_MAY_UNMAP;
    }
    return flags;
}

static int drv_pwritev(BlockDriverState *bs, int64_t offset, int64_t bytes,
                       BlockIOV *qiov, BdrvRequestFlags flags)
{
    BdrvRequestFlags zero_flags = bdrv_detect_zeroes(bs, qiov, bytes, flags);

    if (zero_flags) {
        return drv_pwrite_zeroes(bs, offset, bytes, zero_flags);
    }
    if (!bs->drv->pwritev) {
        return -ENOTSUP;
    }
    return drv_rw_split(bs, bs->drv->pwritev, offset, bytes, qiov,
                        flags & ~BDRV_REQ_ZERO_WRITE);
}

/* Allocate memory aligned for O_DIRECT. */
static void *bdrv_blockalign(BlockDriverState *bs, size_t size)
{
    void *p;

    if (posix_memalign(&p, MAX(4096u, bs->request_alignment), size)) {
        return NULL;
    }
    return p;
}

/* ---------------------------------------------------------------------- */
/* Reads                                                                   */
/* ---------------------------------------------------------------------- */

/*
 * Read the unaligned [offset, +bytes): read the padded range into
 * head/tail bounce blocks around the caller's vector.
 */
static int bdrv_padded_preadv(BlockDriverState *bs, int64_t offset,
                              int64_t bytes, BlockIOV *qiov,
                              BdrvRequestFlags flags)
{
    uint32_t align = bs->request_alignment;
    int64_t ao = offset & ~(int64_t)(align - 1);
    int64_t ae = (offset + bytes + align - 1) & ~(int64_t)(align - 1);
    int64_t head = offset - ao, tail = ae - (offset + bytes);
    uint8_t *pad = bdrv_blockalign(bs, 2 * align);
    BlockIOV v;
    int ret;

    if (!pad) {
        return -ENOMEM;
    }
    block_iov_init(&v, qiov->niov + 2);
    if (head) {
        block_iov_add(&v, pad, head);
    }
    block_iov_concat(&v, qiov, 0, bytes);
    if (tail) {
        block_iov_add(&v, pad + align, tail);
    }
    ret = drv_preadv(bs, ao, ae - ao, &v, flags);
    block_iov_destroy(&v);
    free(pad);
    return ret;
}

int bdrv_node_preadv(BlockDriverState *bs, int64_t offset, int64_t bytes,
                     BlockIOV *qiov, BdrvRequestFlags flags)
{
    uint32_t align = bs->request_alignment;
    BdrvTrackedRequest req;
    int64_t start;
    int ret;

    if (!bs->drv || !bdrv_is_usable(bs)) {
        return -ENOMEDIUM;
    }
    ret = bdrv_check_range(offset, bytes);
    if (ret < 0 || qiov->size < (size_t)bytes) {
        block_acct_invalid(&bs->stats, BLOCK_ACCT_READ);
        return -EIO;
    }
    if (nowait_refused(bs)) {
        return aio_nowait_bail();
    }
    start = block_acct_now_ns();
    bool aligned = is_pow2_aligned(offset | bytes, align);
    int64_t ao = offset & ~(int64_t)(align - 1);
    int64_t ae = (offset + bytes + align - 1) & ~(int64_t)(align - 1);
    ret = req_begin(bs, &req, ao, ae - ao, false);
    if (ret < 0) {
        return ret;
    }
    if (bytes == 0) {
        ret = 0;
    } else if (aligned) {
        ret = drv_preadv(bs, offset, bytes, qiov, flags);
    } else {
        ret = bdrv_padded_preadv(bs, offset, bytes, qiov, flags);
    }
    req_end(bs, &req);
    if (!aio_nowait_bailed()) {
        block_acct_done(&bs->stats, BLOCK_ACCT_READ, ret, start, offset,
                        bytes);
    }
    return ret;
}

/* ---------------------------------------------------------------------- */
/* Writes                                                                  */
/* ---------------------------------------------------------------------- */

static int bdrv_write_prologue(BlockDriverState *bs, int64_t offset,
                               int64_t bytes)
{
    if (!bs->drv || !bdrv_is_usable(bs)) {
        return -ENOMEDIUM;
    }
    if (bs->read_only) {
        return -EPERM;
    }
    return bdrv_check_range(offset, bytes);
}

/*
 * Read-modify-write of the unaligned [offset, +bytes).  The caller holds a
 * serialising tracked request over the padded range, so the blocks read
 * here cannot change before they are written back.
 */
static int bdrv_padded_pwritev(BlockDriverState *bs, int64_t offset,
                               int64_t bytes, BlockIOV *qiov,
                               BdrvRequestFlags flags)
{
    uint32_t align = bs->request_alignment;
    int64_t ao = offset & ~(int64_t)(align - 1);
    int64_t ae = (offset + bytes + align - 1) & ~(int64_t)(align - 1);
    int64_t head = offset - ao, tail = ae - (offset + bytes);
    uint8_t *pad = bdrv_blockalign(bs, 2 * align);
    BlockIOV rd, v;
    int ret = 0;

    if (!pad) {
        return -ENOMEM;
    }
    if (head) {
        bdrv_debug_event(bs, BLKDBG_PWRITEV_RMW_HEAD);
        block_iov_init_buf(&rd, pad, align);
        ret = drv_preadv(bs, ao, align, &rd, 0);
        bdrv_debug_event(bs, BLKDBG_PWRITEV_RMW_AFTER_HEAD);
    }
    if (ret >= 0 && tail) {
        bdrv_debug_event(bs, BLKDBG_PWRITEV_RMW_TAIL);
        if (ae - ao == align && head) {
            memcpy(pad + align, pad, align);   /* one block: read once */
        } else {
            block_iov_init_buf(&rd, pad + align, align);
            ret = drv_preadv(bs, ae - align, align, &rd, 0);
        }
        bdrv_debug_event(bs, BLKDBG_PWRITEV_RMW_AFTER_TAIL);
    }
    if (ret >= 0) {
        block_iov_init(&v, qiov->niov + 2);
        if (head) {
            block_iov_add(&v, pad, head);
        }
        block_iov_concat(&v, qiov, 0, bytes);
        if (tail) {
            block_iov_add(&v, pad + 2 * align - tail, tail);
        }
        ret = drv_pwritev(bs, ao, ae - ao, &v, flags);
        block_iov_destroy(&v);
    }
    free(pad);
    return ret;
}

static void bdrv_note_growth(BlockDriverState *bs, int64_t end)
{
    int64_t cur = __atomic_load_n(&bs->total_size, __ATOMIC_RELAXED);

    while (end > cur && bs->drv->is_protocol &&
           !__atomic_compare_exchange_n(&bs->total_size, &cur, end, true,
                                        __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
        /* cur reloaded */
    }
}

static int bdrv_write_epilogue(BlockDriverState *bs, int ret, int64_t end,
                               BdrvRequestFlags flags)
{
    if (ret >= 0) {
        bdrv_note_growth(bs, end);
        if ((flags & BDRV_REQ_FUA) ||
            (bs->open_flags & BDRV_O_WRITETHROUGH)) {
            ret = bdrv_node_flush(bs);
        }
    }
    return ret;
}

/* A write without accounting (shared by writes and zeroing of the
 * unaligned ends of write-zeroes). */
static int bdrv_do_pwritev(BlockDriverState *bs, int64_t offset,
                           int64_t bytes, BlockIOV *qiov,
                           BdrvRequestFlags flags)
{
    uint32_t align = bs->request_alignment;
    BdrvTrackedRequest req;
    bool aligned = is_pow2_aligned(offset | bytes, align);
    int64_t ao = offset & ~(int64_t)(align - 1);
    int64_t ae = (offset + bytes + align - 1) & ~(int64_t)(align - 1);
    int ret;

    if (aio_nowait_active() && ((flags & BDRV_REQ_FUA) ||
                                (bs->open_flags & BDRV_O_WRITETHROUGH))) {
        return aio_nowait_bail();    /* a flush follows: never inline */
    }
    ret = req_begin(bs, &req, ao, ae - ao, !aligned);
    if (ret < 0) {
        return ret;
    }
    bdrv_write_threshold_check_write(bs, ao, ae - ao);
    bdrv_debug_event(bs, BLKDBG_PWRITEV);
    if (bytes == 0) {
        ret = 0;
    } else if (aligned) {
        ret = drv_pwritev(bs, offset, bytes, qiov, flags);
    } else {
        ret = bdrv_padded_pwritev(bs, offset, bytes, qiov, flags);
    }
    bdrv_debug_event(bs, BLKDBG_PWRITEV_DONE);
    ret = bdrv_write_epilogue(bs, ret, ae, flags);
    req_end(bs, &req);
    return ret;
}

int bdrv_node_pwritev(BlockDriverState *bs, int64_t offset, int64_t bytes,
                      BlockIOV *qiov, BdrvRequestFlags flags)
{
    int64_t start = block_acct_now_ns();
    int ret = bdrv_write_prologue(bs, offset, bytes);

    if (ret < 0 || qiov->size < (size_t)bytes) {
        block_acct_invalid(&bs->stats, BLOCK_ACCT_WRITE);
        return ret < 0 ? ret : -EIO;
    }
    if (nowait_refused(bs) ||
        (aio_nowait_active() && bdrv_write_gates_active())) {
        return aio_nowait_bail();    /* a job's hook may copy first */
    }
    ret = bdrv_write_gate_enter(bs, offset, bytes);
    if (ret >= 0) {
        ret = bdrv_do_pwritev(bs, offset, bytes, qiov, flags);
    }
    bdrv_write_gate_leave(bs, offset, bytes, ret);
    if (!aio_nowait_bailed()) {
        block_acct_done(&bs->stats, BLOCK_ACCT_WRITE, ret, start, offset,
                        bytes);
    }
    return ret;
}

/* Write zeroes to an aligned range with the driver's help if it has any. */
static int drv_pwrite_zeroes(BlockDriverState *bs, int64_t offset,
                             int64_t bytes, BdrvRequestFlags flags)
{
    int ret = -ENOTSUP;

    if (bs->drv->pwrite_zeroes) {
        ret = bs->drv->pwrite_zeroes(bs, offset, bytes, flags);
    }
    if (ret != -ENOTSUP || (flags & BDRV_REQ_NO_FALLBACK)) {
        return ret;
    }
    for (int64_t done = 0; done < bytes; ) {
        int64_t n = MIN((int64_t)ZERO_CHUNK, bytes - done);
        BlockIOV v;

        block_iov_init_buf(&v, (void *)zero_chunk(), n);
        ret = drv_pwritev(bs, offset + done, n, &v,
                          flags & ~(BDRV_REQ_MAY_UNMAP | BDRV_REQ_NO_FALLBACK));
        if (ret < 0) {
            return ret;
        }
        done += n;
    }
    return 0;
}

static int bdrv_zero_aligned_body(BlockDriverState *bs, int64_t offset,
                                  int64_t bytes, BdrvRequestFlags flags)
{
    BdrvTrackedRequest req;
    int ret;

    req_begin(bs, &req, offset, bytes, false);
    bdrv_write_threshold_check_write(bs, offset, bytes);
    bdrv_debug_event(bs, BLKDBG_PWRITEV_ZERO);
    ret = drv_pwrite_zeroes(bs, offset, bytes, flags | BDRV_REQ_ZERO_WRITE);
    bdrv_debug_event(bs, BLKDBG_PWRITEV_DONE);
    ret = bdrv_write_epilogue(bs, ret, offset + bytes, flags);
    req_end(bs, &req);
    return ret;
}

/* The unaligned head or tail of write-zeroes: an RMW of zeroes. */
static int bdrv_zero_piece(BlockDriverState *bs, int64_t offset,
                           int64_t bytes, BdrvRequestFlags flags)
{
    BlockIOV v;

    block_iov_init_buf(&v, (void *)zero_chunk(), bytes);
    return bdrv_do_pwritev(bs, offset, bytes, &v,
                           flags & ~(BDRV_REQ_MAY_UNMAP |
                                     BDRV_REQ_NO_FALLBACK));
}

int bdrv_node_pwrite_zeroes(BlockDriverState *bs, int64_t offset,
                            int64_t bytes, BdrvRequestFlags flags)
{
    uint32_t align = bs->request_alignment;
    int64_t start = block_acct_now_ns(), end = offset + bytes;
    int ret = bdrv_write_prologue(bs, offset, bytes);

    if (ret >= 0 && aio_nowait_active()) {
        return aio_nowait_bail();
    }
    if (ret < 0) {
        block_acct_invalid(&bs->stats, BLOCK_ACCT_WRITE);
        return ret;
    }
    int64_t body = (offset + align - 1) & ~(int64_t)(align - 1);
    int64_t body_end = end & ~(int64_t)(align - 1);
    ret = bdrv_write_gate_enter(bs, offset, bytes);
    if (ret < 0) {
        /* a block job's copy-before-write failed: the write fails */
    } else if (body >= body_end) {
        /* Within one block (or two partial ones): plain zero RMW. */
        ret = bytes ? bdrv_zero_piece(bs, offset, bytes, flags) : 0;
    } else {
        if (offset < body) {
            ret = bdrv_zero_piece(bs, offset, body - offset, flags);
        }
        if (ret >= 0) {
            ret = bdrv_zero_aligned_body(bs, body, body_end - body, flags);
        }
        if (ret >= 0 && body_end < end) {
            ret = bdrv_zero_piece(bs, body_end, end - body_end, flags);
        }
    }
    bdrv_write_gate_leave(bs, offset, bytes, ret);
    block_acct_done(&bs->stats, BLOCK_ACCT_WRITE, ret, start, offset, bytes);
    return ret;
}

int bdrv_node_pdiscard(BlockDriverState *bs, int64_t offset, int64_t bytes)
{
    uint32_t align = bs->request_alignment;
    BdrvTrackedRequest req;
    int64_t start = block_acct_now_ns();
    int ret = bdrv_write_prologue(bs, offset, bytes);

    if (ret >= 0 && aio_nowait_active()) {
        return aio_nowait_bail();
    }
    if (ret < 0) {
        block_acct_invalid(&bs->stats, BLOCK_ACCT_UNMAP);
        return ret;
    }
    /* As QEMU: discard=ignore or a driver without discard does nothing,
     * and then the threshold is not checked either. */
    if (!(bs->open_flags & BDRV_O_UNMAP) || !bs->drv->pdiscard) {
        return 0;
    }
    int64_t a = (offset + align - 1) & ~(int64_t)(align - 1);
    int64_t e = (offset + bytes) & ~(int64_t)(align - 1);
    ret = bdrv_write_gate_enter(bs, offset, bytes);
    req_begin(bs, &req, offset, bytes, false);
    bdrv_write_threshold_check_write(bs, offset, bytes);
    if (ret >= 0) {
        ret = a < e ? bs->drv->pdiscard(bs, a, e - a) : 0;
    }
    if (ret == -ENOTSUP) {
        ret = 0;
    }
    req_end(bs, &req);
    bdrv_write_gate_leave(bs, offset, bytes, ret);
    block_acct_done(&bs->stats, BLOCK_ACCT_UNMAP, ret, start, offset, bytes);
    return ret;
}

int bdrv_node_flush(BlockDriverState *bs)
{
    BdrvTrackedRequest req;
    int64_t start;
    int ret = 0;

    if (!bs->drv || !bdrv_is_usable(bs)) {
        return -ENOMEDIUM;
    }
    if (bs->read_only) {
        return 0;
    }
    if (aio_nowait_active()) {
        return aio_nowait_bail();
    }
    start = block_acct_now_ns();
    req_begin(bs, &req, 0, 0, false);
    bdrv_debug_event(bs, BLKDBG_FLUSH_TO_OS);
    if (bs->drv->flush_to_os) {
        ret = bs->drv->flush_to_os(bs);
    }
    if (ret >= 0 && !(bs->open_flags & BDRV_O_NO_FLUSH) &&
        bs->drv->flush_to_disk) {
        bdrv_debug_event(bs, BLKDBG_FLUSH_TO_DISK);
        ret = bs->drv->flush_to_disk(bs);
    }
    if (ret >= 0 && bs->file) {
        ret = bdrv_node_flush(bs->file->bs);
    }
    req_end(bs, &req);
    block_acct_done(&bs->stats, BLOCK_ACCT_FLUSH, ret, start, 0, 0);
    return ret;
}

int bdrv_node_pread(BlockDriverState *bs, int64_t offset, int64_t bytes,
                    void *buf, BdrvRequestFlags flags)
{
    BlockIOV v;

    block_iov_init_buf(&v, buf, bytes);
    return bdrv_node_preadv(bs, offset, bytes, &v, flags);
}

int bdrv_node_pwrite(BlockDriverState *bs, int64_t offset, int64_t bytes,
                     const void *buf, BdrvRequestFlags flags)
{
    BlockIOV v;

    block_iov_init_buf(&v, (void *)buf, bytes);
    return bdrv_node_pwritev(bs, offset, bytes, &v, flags);
}

/* ---------------------------------------------------------------------- */
/* Size                                                                    */
/* ---------------------------------------------------------------------- */

int bdrv_truncate(BlockDriverState *bs, int64_t offset, bool exact,
                  PreallocMode prealloc, Error **errp)
{
    BdrvTrackedRequest req;
    int ret;

    if (!bs->drv || !bdrv_is_usable(bs)) {
        error_setg(errp, "No medium found");
        return -ENOMEDIUM;
    }
    if (offset < 0 || offset > BDRV_MAX_LENGTH) {
        error_setg(errp, "Image size cannot be negative");
        return -EINVAL;
    }
    if (bs->read_only) {
        error_setg(errp, "Image is read-only");
        return -EACCES;
    }
    if (!bs->drv->truncate) {
        error_setg(errp, "Image format driver does not support resize");
        return -ENOTSUP;
    }
    /* Serialise against everything: the size changes under requests. */
    req_begin(bs, &req, 0, BDRV_MAX_LENGTH, true);
    ret = bs->drv->truncate(bs, offset, exact, prealloc, errp);
    if (ret >= 0) {
        int64_t len = bs->drv->getlength ? bs->drv->getlength(bs) : offset;
        __atomic_store_n(&bs->total_size, len < 0 ? offset : len,
                         __ATOMIC_RELAXED);
    }
    req_end(bs, &req);
    return ret;
}

int64_t bdrv_getlength(BlockDriverState *bs)
{
    if (!bs->drv || !bdrv_is_usable(bs)) {
        return -ENOMEDIUM;
    }
    if (bs->drv->has_variable_length && bs->drv->getlength) {
        int64_t len = bs->drv->getlength(bs);
        if (len >= 0) {
            __atomic_store_n(&bs->total_size, len, __ATOMIC_RELAXED);
        }
        return len;
    }
    return __atomic_load_n(&bs->total_size, __ATOMIC_RELAXED);
}

int64_t bdrv_get_allocated_file_size(BlockDriverState *bs)
{
    if (!bs->drv) {
        return -ENOMEDIUM;
    }
    if (bs->drv->get_allocated_file_size) {
        return bs->drv->get_allocated_file_size(bs);
    }
    if (bs->file) {
        return bdrv_get_allocated_file_size(bs->file->bs);
    }
    return -ENOTSUP;
}

/* ---------------------------------------------------------------------- */
/* Child helpers for drivers (include/block/block-int.h)                   */
/* ---------------------------------------------------------------------- */

int bdrv_child_preadv(BdrvChild *child, int64_t offset, int64_t bytes,
                      BlockIOV *qiov, BdrvRequestFlags flags)
{
    return bdrv_node_preadv(child->bs, offset, bytes, qiov, flags);
}

int bdrv_child_pwritev(BdrvChild *child, int64_t offset, int64_t bytes,
                       BlockIOV *qiov, BdrvRequestFlags flags)
{
    return bdrv_node_pwritev(child->bs, offset, bytes, qiov, flags);
}

int bdrv_child_pread(BdrvChild *child, int64_t offset, int64_t bytes,
                     void *buf, BdrvRequestFlags flags)
{
    return bdrv_node_pread(child->bs, offset, bytes, buf, flags);
}

int bdrv_child_pwrite(BdrvChild *child, int64_t offset, int64_t bytes,
                      const void *buf, BdrvRequestFlags flags)
{
    return bdrv_node_pwrite(child->bs, offset, bytes, buf, flags);
}

int bdrv_child_pwrite_sync(BdrvChild *child, int64_t offset, int64_t bytes,
                           const void *buf, BdrvRequestFlags flags)
{
    int ret = bdrv_node_pwrite(child->bs, offset, bytes, buf, flags);

    return ret < 0 ? ret : bdrv_node_flush(child->bs);
}

int bdrv_child_pwrite_zeroes(BdrvChild *child, int64_t offset, int64_t bytes,
                             BdrvRequestFlags flags)
{
    return bdrv_node_pwrite_zeroes(child->bs, offset, bytes, flags);
}

int bdrv_child_pdiscard(BdrvChild *child, int64_t offset, int64_t bytes)
{
    return bdrv_node_pdiscard(child->bs, offset, bytes);
}

int bdrv_child_flush(BdrvChild *child)
{
    return bdrv_node_flush(child->bs);
}

int64_t bdrv_child_getlength(BdrvChild *child)
{
    return bdrv_getlength(child->bs);
}

int bdrv_child_truncate(BdrvChild *child, int64_t offset, bool exact,
                        PreallocMode prealloc, Error **errp)
{
    return bdrv_truncate(child->bs, offset, exact, prealloc, errp);
}
