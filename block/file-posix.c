/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "file" and "host_device" protocol drivers: POSIX files and Linux
 * block devices, read and written with preadv/pwritev on the calling
 * (worker) thread.
 *
 * Cache modes (-drive cache=, QEMU's table): writeback = page cache +
 * flushes; none = O_DIRECT (cache.direct); unsafe = flushes ignored
 * (cache.no-flush, done by the core); directsync = O_DIRECT +
 * writethrough; writethrough = flush after every write (core).  With
 * O_DIRECT the request alignment is probed (512 or 4096) and buffers whose
 * address or lengths are not 4 KiB aligned go through an aligned bounce
 * buffer; unaligned byte ranges are read-modify-written by the core.
 *
 * Discard and write-zeroes with unmap punch holes (fallocate
 * FALLOC_FL_PUNCH_HOLE); write-zeroes without unmap uses
 * FALLOC_FL_ZERO_RANGE.  The size is re-read (fstat, BLKGETSIZE64) every
 * time it is asked for, so a file or LV grown behind our back is seen.
 * Block status comes from SEEK_DATA/SEEK_HOLE.
 *
 * aio=io_uring (and aio=native, its alias here): each thread that runs
 * requests of such a node gets its own ring (liburing), created on first
 * use, and transfers go through it; when liburing is missing or the
 * kernel refuses a ring (seccomp, io_uring_disabled), the thread falls
 * back to preadv/pwritev for good.  Deviation: QEMU's native is Linux
 * AIO and needs cache.direct=on; here both names mean the io_uring path.
 * O_DIRECT writes that overlap others also go through the thread's ring
 * with aio=threads: the submitting thread still waits, but the kernel
 * does not hold the file's inode lock while the device works (ext4 does
 * for a synchronous O_DIRECT write into a hole), so the workers' writes
 * proceed together.  A lone write stays pwritev (the ring would hand it to
 * a kernel worker for nothing), and so do O_DIRECT reads (they share the
 * lock).
 *
 * Grow-ahead (file_posix_grow_ahead(), asked for by qcow2 on its image
 * file with O_DIRECT): an O_DIRECT write past the end of the file makes
 * the file system extend it, which it does one write at a time; instead,
 * the file is made longer (ftruncate, a sparse hole) in steps ahead of
 * the writes.  The size the node reports stays the end of what was
 * written, and close() cuts the file back to it, as QEMU's preallocate
 * filter does.  A crash leaves a zero tail, which qcow2 ignores.
 *
 * Inline attempts (block/aio-pool.h nowait mode): reads use RWF_NOWAIT
 * (preadv2, or the ring's rw_flags with io_uring), which fails with
 * EAGAIN unless the page cache holds the data; O_DIRECT requests would
 * wait for the device and bail out, unless the attempt may wait (a
 * tool's lone request: aio_nowait_may_wait()); small buffered writes use
 * RWF_NOWAIT where the file system supports it, and otherwise run as
 * plain pwritev (a page-cache copy; the pool backs off from inline writes
 * after slow ones, see block/aio-pool.c).
 * Left out: file locking, pr-manager, cdrom/floppy.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "block/aio-pool.h"
#include "block/block-int.h"
#include "block/file-lock.h"
#include "block/file-posix.h"
#include "config-host.h"

#if CONFIG_LIBURING
#include <liburing.h>
#endif

#define FILE_MEM_ALIGN 4096

/* Largest buffered write an inline attempt does without RWF_NOWAIT. */
#define FILE_INLINE_WRITE_MAX (64 * 1024)

typedef struct FileState {
    int fd;
    bool direct;
    bool is_blockdev;
    bool has_punch_hole;
    bool has_zero_range;
    bool use_uring;         /* aio=io_uring|native */
    bool no_nowait_write;   /* atomic: RWF_NOWAIT writes unsupported */
    uint32_t mem_align;     /* O_DIRECT buffer alignment (512 or 4096) */
    int direct_writes;      /* atomic: O_DIRECT writes in progress */
    /* buffered-write gate of a regular file: see file_gate_enter() */
    GMutex gate_lock;
    GCond gate_cond;
    int gate_writers;       /* buffered pwritev calls in progress */
    /* grow-ahead: @grow_lock guards the three sizes below */
    uint64_t grow_step;     /* 0: off */
    GMutex grow_lock;
    int64_t data_end;       /* end of everything written, as reported */
    int64_t grown_to;       /* the size we gave the file (0: none) */
    FileLock lock;          /* image locks of @fd (block/file-lock.c) */
} FileState;

static uint64_t uring_requests;     /* atomic; for tests */

static const char *const file_runtime_opts[] = {
    "filename", "locking", "x-check-cache-dropped", "drop-cache", NULL,
};

static const char *const file_create_opts[] = {
    "size", "preallocation", "nocow", NULL,
};

/* Open the host file; returns 0 or -errno with *errp set. */
static int file_open_common(BlockDriverState *bs, struct json_object *opts,
                            int flags, bool want_blockdev, Error **errp)
{
    FileState *s = bs->opaque;
    g_autofree char *filename = NULL, *locking = NULL;
    FileLockMode lock_mode;
    bool dummy;
    struct stat st;

    if (!bdrv_opt_take_str(opts, "filename", &filename, errp) ||
        !bdrv_opt_take_str(opts, "locking", &locking, errp) ||
        !file_lock_parse_mode(locking, &lock_mode, errp) ||
        !bdrv_opt_take_bool(opts, "x-check-cache-dropped", false, &dummy,
                            errp) ||
        !bdrv_opt_take_bool(opts, "drop-cache", true, &dummy, errp)) {
        return -EINVAL;
    }
    /* No locks until the core sets the node's permissions (set_perm). */
    file_lock_init(&s->lock, lock_mode);
    if (!filename) {
        error_setg(errp, "Parameter 'filename' is missing");
        return -EINVAL;
    }
    int oflags = O_CLOEXEC | ((flags & BDRV_O_RDWR) ? O_RDWR : O_RDONLY);
    if (flags & BDRV_O_NOCACHE) {
        oflags |= O_DIRECT;
    }
    s->fd = open(filename, oflags);
    if (s->fd < 0) {
        int err = errno;
        error_setg_errno(errp, err, "Could not open '%s'", filename);
        return -err;
    }
    s->direct = flags & BDRV_O_NOCACHE;
    s->use_uring = flags & BDRV_O_IO_URING;
    g_mutex_init(&s->grow_lock);
    g_mutex_init(&s->gate_lock);
    g_cond_init(&s->gate_cond);
    if (fstat(s->fd, &st) < 0) {
        int err = errno;
        error_setg_errno(errp, err, "Could not stat '%s'", filename);
        close(s->fd);
        return -err;
    }
    s->is_blockdev = S_ISBLK(st.st_mode);
    if (want_blockdev && !s->is_blockdev && !S_ISCHR(st.st_mode)) {
        error_setg(errp, "'%s' is not a block device", filename);
        close(s->fd);
        return -EINVAL;
    }
    s->has_punch_hole = s->has_zero_range = !s->is_blockdev;
    g_free(bs->filename);
    bs->filename = g_strdup(filename);
    return 0;
}

static int file_open(BlockDriverState *bs, struct json_object *opts,
                     int flags, Error **errp)
{
    return file_open_common(bs, opts, flags, false, errp);
}

static int host_device_open(BlockDriverState *bs, struct json_object *opts,
                            int flags, Error **errp)
{
    return file_open_common(bs, opts, flags, true, errp);
}

/* The permissions of the node's users, as image locks on the file. */
static bool file_set_perm(BlockDriverState *bs, uint64_t perm,
                          uint64_t shared, Error **errp)
{
    FileState *s = bs->opaque;

    return file_lock_set(&s->lock, s->fd, bs->filename, perm, shared, errp);
}

static void file_grow_undo(FileState *s);

static void file_close(BlockDriverState *bs)
{
    FileState *s = bs->opaque;

    if (s->fd >= 0) {
        file_grow_undo(s);
        close(s->fd);
        s->fd = -1;
        g_mutex_clear(&s->grow_lock);
        g_mutex_clear(&s->gate_lock);
        g_cond_clear(&s->gate_cond);
    }
}

/* The smallest O_DIRECT read the host accepts: 512 or 4096. */
static uint32_t file_probe_alignment(FileState *s)
{
    void *buf;
    uint32_t align = 4096;
    int bsz;

    s->mem_align = FILE_MEM_ALIGN;
    if (s->is_blockdev && ioctl(s->fd, BLKSSZGET, &bsz) == 0 && bsz > 0) {
        return bsz;
    }
    if (posix_memalign(&buf, FILE_MEM_ALIGN, 8192)) {
        return align;
    }
    if (pread(s->fd, buf, 512, 0) >= 0) {
        align = 512;
    }
    /* Memory alignment: 512-byte aligned buffers avoid bounce copies of
     * guest memory when the host allows them. */
    s->mem_align = pread(s->fd, (uint8_t *)buf + 512, align, 0) >= 0
                   ? 512 : FILE_MEM_ALIGN;
    free(buf);
    return align;
}

static void file_refresh_limits(BlockDriverState *bs)
{
    FileState *s = bs->opaque;

    bs->request_alignment = s->direct ? file_probe_alignment(s) : 1;
    bs->max_transfer = 0;
    bs->supported_zero_flags = BDRV_REQ_MAY_UNMAP;
}

/* Whether every element of @qiov suits O_DIRECT. */
static bool file_iov_aligned(const BlockIOV *qiov, uint32_t align)
{
    for (int i = 0; i < qiov->niov; i++) {
        if (((uintptr_t)qiov->iov[i].iov_base | qiov->iov[i].iov_len) &
            (align - 1)) {
            return false;
        }
    }
    return true;
}

/* ---------------------------------------------------------------------- */
/* io_uring: one ring per thread                                           */
/* ---------------------------------------------------------------------- */

#if CONFIG_LIBURING
#define FILE_URING_ENTRIES 4

typedef struct FileRing {
    struct io_uring ring;
    bool tried, ok;
} FileRing;

static void file_ring_exit(gpointer ring)
{
    io_uring_queue_exit(ring);
}

static __thread FileRing thread_ring;
static GPrivate ring_owner = G_PRIVATE_INIT(file_ring_exit);

/* This thread's ring, created on first use; NULL if the kernel said no. */
static struct io_uring *file_thread_ring(void)
{
    FileRing *r = &thread_ring;

    if (!r->tried) {
        r->tried = true;
        r->ok = io_uring_queue_init(FILE_URING_ENTRIES, &r->ring, 0) == 0;
        if (r->ok) {
            /* Torn down when the thread exits. */
            g_private_set(&ring_owner, &r->ring);
        }
    }
    return r->ok ? &r->ring : NULL;
}

/* One readv/writev through @ring: bytes transferred or -errno. */
static ssize_t file_uring_xfer(struct io_uring *ring, int fd,
                               const struct iovec *iov, int niov,
                               int64_t offset, bool write, int rwf)
{
    struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
    struct io_uring_cqe *cqe;
    ssize_t res;
    int ret;

    if (!sqe) {
        return -EBUSY;     /* cannot happen: one request at a time */
    }
    if (write) {
        io_uring_prep_writev(sqe, fd, iov, niov, offset);
    } else {
        io_uring_prep_readv(sqe, fd, iov, niov, offset);
    }
    sqe->rw_flags = rwf;    /* RWF_NOWAIT: -EAGAIN instead of a punt */
    /* -EINTR from io_uring_enter means nothing was submitted yet. */
    do {
        ret = io_uring_submit_and_wait(ring, 1);
    } while (ret == -EINTR);
    if (ret < 0) {
        return ret;
    }
    do {
        ret = io_uring_wait_cqe(ring, &cqe);
    } while (ret == -EINTR);
    if (ret < 0) {
        return ret;
    }
    res = cqe->res;
    io_uring_cqe_seen(ring, cqe);
    __atomic_fetch_add(&uring_requests, 1, __ATOMIC_RELAXED);
    return res;
}
#endif

bool file_posix_uring_available(void)
{
#if CONFIG_LIBURING
    return file_thread_ring() != NULL;
#else
    return false;
#endif
}

uint64_t file_posix_uring_requests(void)
{
    return __atomic_load_n(&uring_requests, __ATOMIC_RELAXED);
}

/* ---------------------------------------------------------------------- */
/* Transfers                                                               */
/* ---------------------------------------------------------------------- */

/* One transfer with preadv/pwritev: bytes done or -errno. */
static ssize_t file_sync_xfer(FileState *s, const struct iovec *iov,
                              int niov, int64_t offset, bool write, int rwf)
{
    ssize_t n;

    if (rwf) {
        n = write ? pwritev2(s->fd, iov, niov, offset, rwf)
                  : preadv2(s->fd, iov, niov, offset, rwf);
    } else {
        n = write ? pwritev(s->fd, iov, niov, offset)
                  : preadv(s->fd, iov, niov, offset);
    }
    return n < 0 ? -errno : n;
}

/*
 * The buffered-write gate.  Linux file systems (ext4, XFS, btrfs, tmpfs)
 * hold a regular file's inode lock for the whole of a buffered write, so
 * writes to one file never copy in parallel; with a deep queue, every
 * worker but one spins on that lock (optimistic rwsem spinning) and takes
 * the CPU the copying one and the submitting thread need.  So at most
 * FILE_GATE_WRITERS buffered writes of one file enter the kernel at a
 * time: one copies, one waits on the inode lock to follow at once; the
 * rest sleep here.  Measured (bench/img-bench.sh, 64 KiB sequential
 * writes at QD32, writeback): 1 writer is slower than none (no overlap),
 * 2-4 alike and 20 % faster than no gate.  Block devices are not gated:
 * their buffered writes do not take the inode lock.  An inline attempt
 * (nowait mode) never sleeps here: it bails out to the pool instead.
 */
#define FILE_GATE_WRITERS 2

static int gate_peak;               /* atomic; for tests */

int file_posix_gate_peak(void)
{
    return __atomic_load_n(&gate_peak, __ATOMIC_RELAXED);
}

static bool file_gated(const FileState *s, bool write)
{
    return write && !s->direct && !s->is_blockdev;
}

/* Enter the gate; false (nowait mode only) if it is full. */
static bool file_gate_enter(FileState *s, bool nowait)
{
    bool ok = true;

    g_mutex_lock(&s->gate_lock);
    while (s->gate_writers >= FILE_GATE_WRITERS) {
        if (nowait) {
            ok = false;
            break;
        }
        g_cond_wait(&s->gate_cond, &s->gate_lock);
    }
    s->gate_writers += ok;
    if (s->gate_writers > __atomic_load_n(&gate_peak, __ATOMIC_RELAXED)) {
        __atomic_store_n(&gate_peak, s->gate_writers, __ATOMIC_RELAXED);
    }
    g_mutex_unlock(&s->gate_lock);
    return ok;
}

static void file_gate_leave(FileState *s)
{
    g_mutex_lock(&s->gate_lock);
    s->gate_writers--;
    g_mutex_unlock(&s->gate_lock);
    g_cond_signal(&s->gate_cond);
}

/* One host transfer past the gate: bytes done or -errno. */
static ssize_t file_xfer_ungated(FileState *s, const struct iovec *iov,
                                 int niov, int64_t offset, bool write,
                                 int rwf)
{
#if CONFIG_LIBURING
    /* Alone, a write gains nothing from the ring but a kernel worker
     * hand-off: only O_DIRECT writes that overlap others take it. */
    bool counted = s->direct && write && !s->use_uring;
    bool overlap = counted && __atomic_fetch_add(&s->direct_writes, 1,
                                                 __ATOMIC_RELAXED) > 0;
    struct io_uring *ring = s->use_uring || overlap ? file_thread_ring()
                                                    : NULL;
    ssize_t n = ring ? file_uring_xfer(ring, s->fd, iov, niov, offset,
                                       write, rwf)
                     : file_sync_xfer(s, iov, niov, offset, write, rwf);

    if (counted) {
        __atomic_fetch_sub(&s->direct_writes, 1, __ATOMIC_RELAXED);
    }
    return n;
#else
    return file_sync_xfer(s, iov, niov, offset, write, rwf);
#endif
}

/* One host transfer: bytes done or -errno (-EAGAIN: gate full in nowait
 * mode). */
static ssize_t file_xfer(FileState *s, const struct iovec *iov, int niov,
                         int64_t offset, bool write, int rwf)
{
    bool gated = file_gated(s, write);
    ssize_t n;

    if (gated && !file_gate_enter(s, aio_nowait_active())) {
        return -EAGAIN;
    }
    n = file_xfer_ungated(s, iov, niov, offset, write, rwf);
    if (gated) {
        file_gate_leave(s);
    }
    return n;
}

/* Transfer until done; short reads past EOF are zero-filled. */
static int file_rw_loop(FileState *s, int64_t offset, int64_t bytes,
                        struct iovec *iov, int niov, bool write)
{
    struct iovec local[IOV_MAX > 64 ? 64 : IOV_MAX];
    BlockIOV rest;
    int64_t done = 0;

    while (done < bytes) {
        ssize_t n;

        if (niov > 0 && done == 0) {
            n = file_xfer(s, iov, MIN(niov, IOV_MAX), offset, write, 0);
        } else {
            /* After a short transfer: rebuild the remaining vector. */
            BlockIOV all = { .iov = iov, .niov = niov, .size = bytes };
            block_iov_init(&rest, niov);
            block_iov_concat(&rest, &all, done, bytes - done);
            int cnt = MIN(rest.niov, (int)G_N_ELEMENTS(local));
            memcpy(local, rest.iov, cnt * sizeof(local[0]));
            block_iov_destroy(&rest);
            n = file_xfer(s, local, cnt, offset + done, write, 0);
        }
        if (n == -EAGAIN && aio_nowait_active()) {
            return aio_nowait_bail();   /* the write gate is full */
        }
        if (n == -EINTR || n == -EAGAIN) {
            continue;
        }
        if (n < 0) {
            return (int)n;
        }
        if (n == 0) {
            if (write) {
                return -EIO;
            }
            /* End of file: the rest reads as zeroes. */
            BlockIOV all = { .iov = iov, .niov = niov, .size = bytes };
            block_iov_memset(&all, done, 0, bytes - done);
            return 0;
        }
        done += n;
    }
    return 0;
}

/* A buffered write without RWF_NOWAIT support: a plain page-cache write
 * when small (block/aio-pool.c backs off after slow ones); -EAGAIN (bail)
 * otherwise. */
static int file_inline_plain_write(FileState *s, int64_t offset,
                                   int64_t bytes, BlockIOV *qiov)
{
    if (bytes > FILE_INLINE_WRITE_MAX) {
        return aio_nowait_bail();
    }
    return file_rw_loop(s, offset, bytes, qiov->iov, qiov->niov, true);
}

/*
 * An inline attempt (nowait mode): the whole request in one call that
 * does not wait for the disk, or -EAGAIN after aio_nowait_bail().
 */
static int file_rw_nowait(FileState *s, int64_t offset, int64_t bytes,
                          BlockIOV *qiov, bool write)
{
    ssize_t n;

    if (s->direct || qiov->niov > IOV_MAX) {
        return aio_nowait_bail();
    }
    if (write && __atomic_load_n(&s->no_nowait_write, __ATOMIC_RELAXED)) {
        return file_inline_plain_write(s, offset, bytes, qiov);
    }
    n = file_xfer(s, qiov->iov, qiov->niov, offset, write, RWF_NOWAIT);
    if (n == bytes) {
        return 0;
    }
    if (n == -EOPNOTSUPP && write) {
        __atomic_store_n(&s->no_nowait_write, true, __ATOMIC_RELAXED);
        return file_inline_plain_write(s, offset, bytes, qiov);
    }
    if (n >= 0 && n < bytes && !write) {
        /* Short: either the end of the file or only partly cached. */
        int64_t len = lseek(s->fd, 0, SEEK_END);
        if (len >= 0 && offset + n >= len) {
            BlockIOV all = { .iov = qiov->iov, .niov = qiov->niov,
                             .size = bytes };
            block_iov_memset(&all, n, 0, bytes - n);
            return 0;
        }
    }
    if (n < 0 && n != -EAGAIN && n != -EOPNOTSUPP && n != -EINTR) {
        return (int)n;      /* a real error: the pool would get it too */
    }
    return aio_nowait_bail();
}

static int file_rw(BlockDriverState *bs, int64_t offset, int64_t bytes,
                   BlockIOV *qiov, bool write)
{
    FileState *s = bs->opaque;
    void *bounce;
    int ret;

    if (aio_nowait_active() && !(s->direct && aio_nowait_may_wait())) {
        return file_rw_nowait(s, offset, bytes, qiov, write);
    }
    if (!s->direct || file_iov_aligned(qiov, s->mem_align)) {
        return file_rw_loop(s, offset, bytes, qiov->iov, qiov->niov, write);
    }
    if (posix_memalign(&bounce, FILE_MEM_ALIGN, bytes)) {
        return -ENOMEM;
    }
    struct iovec one = { .iov_base = bounce, .iov_len = bytes };
    if (write) {
        block_iov_to_buf(qiov, 0, bounce, bytes);
    }
    ret = file_rw_loop(s, offset, bytes, &one, 1, write);
    if (!write && ret >= 0) {
        block_iov_from_buf(qiov, 0, bounce, bytes);
    }
    free(bounce);
    return ret;
}

static int file_preadv(BlockDriverState *bs, int64_t offset, int64_t bytes,
                       BlockIOV *qiov, BdrvRequestFlags flags)
{
    return file_rw(bs, offset, bytes, qiov, false);
}

/* ---------------------------------------------------------------------- */
/* Grow-ahead                                                              */
/* ---------------------------------------------------------------------- */

static int64_t file_stat_size(FileState *s)
{
    struct stat st;

    return fstat(s->fd, &st) < 0 ? -errno : st.st_size;
}

void file_posix_grow_ahead(BlockDriverState *bs, uint64_t step)
{
    FileState *s = bs->opaque;
    int64_t size;

    if (bs->drv != &bdrv_file || !s->direct || !step) {
        return;
    }
    size = file_stat_size(s);
    if (size < 0) {
        return;
    }
    g_mutex_lock(&s->grow_lock);
    s->data_end = size;
    s->grown_to = 0;
    s->grow_step = step;
    g_mutex_unlock(&s->grow_lock);
}

/* A write will end at @end: count it, and make the file longer first if
 * it would have to grow.  Failing to grow is not an error (the write
 * then extends the file itself). */
static void file_grow_for(FileState *s, int64_t end)
{
    if (!__atomic_load_n(&s->grow_step, __ATOMIC_RELAXED)) {
        return;
    }
    g_mutex_lock(&s->grow_lock);
    s->data_end = MAX(s->data_end, end);
    if (end > s->grown_to) {
        int64_t size = file_stat_size(s);
        uint64_t step = s->grow_step;
        int64_t to = (int64_t)(((uint64_t)end + 2 * step - 1) / step * step);
        if (size >= 0 && size < end && ftruncate(s->fd, to) == 0) {
            s->grown_to = to;
        } else if (size >= end && size == s->grown_to) {
            s->grown_to = size;
        }
    }
    g_mutex_unlock(&s->grow_lock);
}

/* The size to report: the data end while the file is the length we gave
 * it; -1 when grow-ahead has nothing to say. */
static int64_t file_grow_length(FileState *s, int64_t st_size)
{
    int64_t len = -1;

    if (!__atomic_load_n(&s->grow_step, __ATOMIC_RELAXED)) {
        return -1;
    }
    g_mutex_lock(&s->grow_lock);
    if (s->grown_to && st_size == s->grown_to) {
        len = s->data_end;
    }
    g_mutex_unlock(&s->grow_lock);
    return len;
}

/* Cut the file back to its data end (close, or before a resize). */
static void file_grow_undo(FileState *s)
{
    g_mutex_lock(&s->grow_lock);
    if (s->grown_to && file_stat_size(s) == s->grown_to &&
        s->data_end < s->grown_to) {
        /* On failure only a longer sparse file is left. */
        int ret = ftruncate(s->fd, s->data_end);
        (void)ret;
    }
    s->grown_to = 0;
    g_mutex_unlock(&s->grow_lock);
}

static int file_pwritev(BlockDriverState *bs, int64_t offset, int64_t bytes,
                        BlockIOV *qiov, BdrvRequestFlags flags)
{
    int ret;

    file_grow_for(bs->opaque, offset + bytes);
    ret = file_rw(bs, offset, bytes, qiov, true);

    if (ret >= 0 && (flags & BDRV_REQ_FUA)) {
        ret = fdatasync(((FileState *)bs->opaque)->fd) < 0 ? -errno : 0;
    }
    return ret;
}

static int file_fallocate(FileState *s, int mode, int64_t offset,
                          int64_t bytes)
{
    do {
        if (fallocate(s->fd, mode, offset, bytes) == 0) {
            return 0;
        }
    } while (errno == EINTR);
    return (errno == EOPNOTSUPP || errno == ENOSYS) ? -ENOTSUP : -errno;
}

static int64_t file_getlength(BlockDriverState *bs)
{
    FileState *s = bs->opaque;
    struct stat st;

    if (s->is_blockdev) {
        uint64_t size;
        if (ioctl(s->fd, BLKGETSIZE64, &size) == 0) {
            return size;
        }
        off_t end = lseek(s->fd, 0, SEEK_END);
        return end < 0 ? -errno : end;
    }
    if (fstat(s->fd, &st) < 0) {
        return -errno;
    }
    int64_t grown = file_grow_length(s, st.st_size);
    return grown >= 0 ? grown : st.st_size;
}

static int file_pwrite_zeroes(BlockDriverState *bs, int64_t offset,
                              int64_t bytes, BdrvRequestFlags flags)
{
    FileState *s = bs->opaque;
    int64_t len = file_getlength(bs);
    int ret = -ENOTSUP;

    /* Punching holes keeps the size: only inside the file. */
    if ((flags & BDRV_REQ_MAY_UNMAP) && s->has_punch_hole && len >= 0 &&
        offset + bytes <= len) {
        ret = file_fallocate(s, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                             offset, bytes);
        if (ret != -ENOTSUP) {
            return ret;
        }
        s->has_punch_hole = false;
    }
    if (s->has_zero_range) {
        file_grow_for(s, offset + bytes);
        ret = file_fallocate(s, FALLOC_FL_ZERO_RANGE, offset, bytes);
        if (ret == -ENOTSUP) {
            s->has_zero_range = false;
        }
    }
    if (ret == -ENOTSUP && s->is_blockdev) {
        uint64_t range[2] = { offset, bytes };
        if (ioctl(s->fd, BLKZEROOUT, range) == 0) {
            return 0;
        }
    }
    return ret;
}

static int file_pdiscard(BlockDriverState *bs, int64_t offset, int64_t bytes)
{
    FileState *s = bs->opaque;

    if (s->is_blockdev) {
        uint64_t range[2] = { offset, bytes };
        return ioctl(s->fd, BLKDISCARD, range) == 0 ? 0 : -ENOTSUP;
    }
    return file_fallocate(s, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                          offset, bytes);
}

static int file_flush_to_disk(BlockDriverState *bs)
{
    FileState *s = bs->opaque;

    return fdatasync(s->fd) < 0 ? -errno : 0;
}

/* Extend the file from @from to @to as @prealloc asks. */
static int file_preallocate(FileState *s, int64_t from, int64_t to,
                            PreallocMode prealloc, Error **errp)
{
    if (prealloc == PREALLOC_MODE_FALLOC) {
        int ret = posix_fallocate(s->fd, from, to - from);
        if (ret) {
            error_setg_errno(errp, ret, "Could not preallocate new data");
            return -ret;
        }
        return 0;
    }
    /* full: write zeroes */
    size_t chunk = 1 << 20;
    g_autofree uint8_t *zero = g_malloc0(chunk);
    for (int64_t o = from; o < to; ) {
        ssize_t n = pwrite(s->fd, zero, MIN((int64_t)chunk, to - o), o);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            int err = errno;
            error_setg_errno(errp, err, "Could not write zeros for "
                             "preallocation");
            return -err;
        }
        o += n;
    }
    return 0;
}

static int file_truncate(BlockDriverState *bs, int64_t offset, bool exact,
                         PreallocMode prealloc, Error **errp)
{
    FileState *s = bs->opaque;
    int64_t cur = file_getlength(bs);

    if (cur < 0) {
        error_setg_errno(errp, (int)-cur, "Failed to get the file size");
        return (int)cur;
    }
    if (s->is_blockdev) {
        if (offset > cur || (exact && offset != cur)) {
            error_setg(errp, "Cannot grow device files");
            return -EINVAL;
        }
        return 0;
    }
    if (prealloc == PREALLOC_MODE_METADATA) {
        error_setg(errp, "Unsupported preallocation mode '%s'",
                   prealloc_mode_name(prealloc));
        return -ENOTSUP;
    }
    if (prealloc != PREALLOC_MODE_OFF && offset > cur) {
        int ret = file_preallocate(s, cur, offset, prealloc, errp);
        if (ret < 0) {
            return ret;
        }
    }
    g_mutex_lock(&s->grow_lock);
    if (ftruncate(s->fd, offset) < 0) {
        int err = errno;
        g_mutex_unlock(&s->grow_lock);
        error_setg_errno(errp, err, "Failed to resize the file");
        return -err;
    }
    s->data_end = offset;
    s->grown_to = 0;
    g_mutex_unlock(&s->grow_lock);
    return 0;
}

static int64_t file_get_allocated_file_size(BlockDriverState *bs)
{
    FileState *s = bs->opaque;
    struct stat st;

    if (fstat(s->fd, &st) < 0) {
        return -errno;
    }
    return (int64_t)st.st_blocks * 512;
}

static int file_block_status(BlockDriverState *bs, int64_t offset,
                             int64_t bytes, int64_t *pnum, int64_t *map,
                             BlockDriverState **file)
{
    FileState *s = bs->opaque;
    off_t data, hole;

    *map = offset;
    *file = bs;
    *pnum = bytes;
    if (s->is_blockdev) {
        return BDRV_BLOCK_DATA | BDRV_BLOCK_OFFSET_VALID;
    }
    data = lseek(s->fd, offset, SEEK_DATA);
    if (data < 0) {
        if (errno == ENXIO) {
            /* Only a hole to the end of the file. */
            return BDRV_BLOCK_ZERO | BDRV_BLOCK_OFFSET_VALID;
        }
        return BDRV_BLOCK_DATA | BDRV_BLOCK_OFFSET_VALID;
    }
    if (data > offset) {
        *pnum = MIN(bytes, data - offset);
        return BDRV_BLOCK_ZERO | BDRV_BLOCK_OFFSET_VALID;
    }
    hole = lseek(s->fd, offset, SEEK_HOLE);
    if (hole > offset) {
        *pnum = MIN(bytes, hole - offset);
    }
    return BDRV_BLOCK_DATA | BDRV_BLOCK_OFFSET_VALID;
}

static bool file_create_with_opts(const char *filename, struct json_object *o,
                           Error **errp);

static bool file_create(const char *filename, struct json_object *opts,
                        Error **errp)
{
    struct json_object *o = NULL;
    bool ok;

    if (opts) {
        json_object_deep_copy(opts, &o, NULL);
    } else {
        o = json_object_new_object();
    }
    ok = file_create_with_opts(filename, o, errp);
    json_object_put(o);
    return ok;
}

static bool file_create_with_opts(const char *filename, struct json_object *o,
                           Error **errp)
{
    g_autofree char *prealloc_s = NULL;
    PreallocMode prealloc = PREALLOC_MODE_OFF;
    uint64_t size;
    bool nocow;
    FileState s;
    int ret = 0;

    if (!bdrv_opt_take_size(o, "size", 0, &size, errp) ||
        !bdrv_opt_take_str(o, "preallocation", &prealloc_s, errp) ||
        !bdrv_opt_take_bool(o, "nocow", false, &nocow, errp) ||
        (prealloc_s && !prealloc_mode_parse(prealloc_s, &prealloc, errp))) {
        return false;
    }
    if (prealloc == PREALLOC_MODE_METADATA) {
        error_setg(errp, "Unsupported preallocation mode 'metadata'");
        return false;
    }
    s.fd = open(filename, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (s.fd < 0) {
        error_setg_errno(errp, errno, "Could not create '%s'", filename);
        return false;
    }
    /* As QEMU: an image another process uses is not truncated. */
    if (!file_lock_check_create(s.fd, filename, errp)) {
        close(s.fd);
        return false;
    }
    if (ftruncate(s.fd, 0) < 0 || ftruncate(s.fd, size) < 0) {
        error_setg_errno(errp, errno, "Could not resize file");
        ret = -1;
    } else if (prealloc != PREALLOC_MODE_OFF) {
        ret = file_preallocate(&s, 0, size, prealloc, errp);
    }
    close(s.fd);
    return ret == 0;
}

static int host_device_probe_device(const char *filename)
{
    struct stat st;

    if (stat(filename, &st) == 0 && S_ISBLK(st.st_mode)) {
        return 100;
    }
    return 0;
}

static bool file_parse_filename(const char *filename,
                                struct json_object *opts, Error **errp)
{
    /* "file:PATH" names a file explicitly (QEMU accepts the prefix). */
    if (g_str_has_prefix(filename, "file:")) {
        filename += 5;
    }
    if (!json_object_object_get_ex(opts, "filename", NULL)) {
        json_object_object_add(opts, "filename",
                               json_object_new_string(filename));
    }
    return true;
}

const BlockDriver bdrv_file = {
    .format_name = "file",
    .protocol_name = "file",
    .instance_size = sizeof(FileState),
    .is_protocol = true,
    .has_variable_length = true,
    .runtime_opts = file_runtime_opts,
    .create_opts = file_create_opts,
    .parse_filename = file_parse_filename,
    .open = file_open,
    .close = file_close,
    .set_perm = file_set_perm,
    .refresh_limits = file_refresh_limits,
    .preadv = file_preadv,
    .pwritev = file_pwritev,
    .pwrite_zeroes = file_pwrite_zeroes,
    .pdiscard = file_pdiscard,
    .flush_to_disk = file_flush_to_disk,
    .truncate = file_truncate,
    .getlength = file_getlength,
    .get_allocated_file_size = file_get_allocated_file_size,
    .block_status = file_block_status,
    .create = file_create,
};

const BlockDriver bdrv_host_device = {
    .format_name = "host_device",
    .protocol_name = "host_device",
    .instance_size = sizeof(FileState),
    .is_protocol = true,
    .has_variable_length = true,
    .runtime_opts = file_runtime_opts,
    .probe_device = host_device_probe_device,
    .parse_filename = file_parse_filename,
    .open = host_device_open,
    .close = file_close,
    .set_perm = file_set_perm,
    .refresh_limits = file_refresh_limits,
    .preadv = file_preadv,
    .pwritev = file_pwritev,
    .pwrite_zeroes = file_pwrite_zeroes,
    .pdiscard = file_pdiscard,
    .flush_to_disk = file_flush_to_disk,
    .truncate = file_truncate,
    .getlength = file_getlength,
    .get_allocated_file_size = file_get_allocated_file_size,
    .block_status = file_block_status,
};
