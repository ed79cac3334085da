/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The qcow2 engine: an open qcow2 image over a host file reached through a
 * small I/O interface (Qcow2Host), with its backing image reached through
 * another (Qcow2Backing).  The block driver (qcow2-driver.c) plugs the
 * block layer's child helpers into these; unit tests plug in a memory file.
 *
 * Model: BLOCK-QMP-REFERENCE.md 2 and 3, QEMU docs/interop/qcow2.txt.
 * Concurrency: every entry point takes the per-image lock; reads of
 * allocated clusters and rewrites of clusters the image owns alone
 * (COPIED) drop it for the host I/O.  Freed clusters are only reused after
 * the next flush with no such I/O in flight, so an unlocked access never
 * lands in a cluster that changed owner.
 * Crash safety (flush ordering): guest data and new refcounts reach the
 * disk before the L2 entries that point at them; a new L2 table reaches the
 * disk before the L1 entry that points at it; refcount decrements are
 * applied only after the tables that dropped the reference are on disk.
 * A crash may leak clusters, never corrupt.
 */
#ifndef BLOCK_QCOW2_QCOW2_H
#define BLOCK_QCOW2_QCOW2_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include <json-c/json.h>
#include "block/qcow2/qcow2-format.h"
#include "block/qcow2/qcow2-overlap.h"
#include "util/error.h"

typedef enum Qcow2Prealloc {
    QCOW2_PREALLOC_OFF = 0,
    QCOW2_PREALLOC_METADATA,
    QCOW2_PREALLOC_FALLOC,
    QCOW2_PREALLOC_FULL,
} Qcow2Prealloc;

/**
 * struct Qcow2Host - the image file.  All return 0 (or a length) or -errno.
 * @truncate: set the file length (grow or shrink); @prealloc as for create.
 * @discard: optional; may be NULL.
 */
typedef struct Qcow2Host {
    void *opaque;
    int (*pread)(void *opaque, uint64_t off, void *buf, size_t len);
    int (*pwrite)(void *opaque, uint64_t off, const void *buf, size_t len);
    int (*flush)(void *opaque);
    int64_t (*getlength)(void *opaque);
    int (*truncate)(void *opaque, uint64_t len, Qcow2Prealloc prealloc);
    int (*discard)(void *opaque, uint64_t off, uint64_t len);
} Qcow2Host;

/** struct Qcow2Backing - the backing image, read-only, @size bytes. */
typedef struct Qcow2Backing {
    void *opaque;
    int (*pread)(void *opaque, uint64_t off, void *buf, size_t len);
    uint64_t size;
} Qcow2Backing;

/** struct Qcow2Options - runtime options (qcow2 node options). */
typedef struct Qcow2Options {
    bool read_only;
    bool check_mode;             /* opened for check/repair: may be corrupt */
    bool no_repair;              /* never repair a dirty image on open */
    uint32_t overlap_mask;       /* QCOW2_OL_BIT set; default cached */
    uint64_t overlap_mem_limit;  /* bytes; UINT64_MAX unlimited */
    uint64_t l2_cache_bytes;     /* 0: default */
    uint64_t refcount_cache_bytes;
    uint64_t cache_clean_interval; /* seconds; 0 off; default 600 */
    bool lazy_refcounts_set, lazy_refcounts;
    bool pass_discard_request;
    const char *device;          /* BlockBackend name for events, or "" */
    const char *node_name;       /* node name for events, or NULL */
    /* The BlockBackend name at the time of an event (it may be attached
     * after open); NULL: use @device. */
    const char *(*device_fn)(void *opaque);
    void *device_opaque;
} Qcow2Options;

/** qcow2_options_init() - QEMU's defaults. */
void qcow2_options_init(Qcow2Options *opts);

/**
 * qcow2_options_from_json() - take qcow2 runtime options out of @obj
 * (values as JSON strings or typed): overlap-check (mode string or object
 * with template and per-structure booleans), overlap-check.* dotted keys,
 * overlap-check-memory-limit, l2-cache-size, refcount-cache-size,
 * cache-size, cache-clean-interval, lazy-refcounts, pass-discard-request.
 * Sizes need the cluster size only for the split of cache-size, which is
 * done at open.  Returns false with QEMU's messages on bad values.
 */
bool qcow2_options_from_json(Qcow2Options *opts, struct json_object *obj,
                             Error **errp);

/*
 * Option getters shared by runtime and creation options: take @key out of
 * @obj.  Absent: true with *present false (*out untouched).  A bad value:
 * false with "Parameter 'key' expects a non-negative number below 2^64"
 * or "... 'on' or 'off'".
 */
bool qcow2_take_size(struct json_object *obj, const char *key,
                     uint64_t *out, bool *present, Error **errp);
bool qcow2_take_bool(struct json_object *obj, const char *key, bool *out,
                     bool *present, Error **errp);
/** qcow2_take_str() - *@out replaced (g_free'd) when @key is present. */
bool qcow2_take_str(struct json_object *obj, const char *key, char **out,
                    Error **errp);

typedef struct Qcow2Cache Qcow2Cache;

/** struct Qcow2Snapshot - one internal snapshot, in memory. */
typedef struct Qcow2Snapshot {
    uint64_t l1_table_offset;
    uint32_t l1_size;
    char *id_str;
    char *name;
    uint32_t date_sec, date_nsec;
    uint64_t vm_clock_nsec;
    uint64_t vm_state_size;
    uint64_t disk_size;
    uint64_t icount;             /* UINT64_MAX: none */
    uint8_t *extra;              /* extra data beyond what we know */
    uint32_t extra_len;
    uint64_t *l1;                /* its L1 table (host order) */
} Qcow2Snapshot;

/* Guest clusters [first, last] whose allocating write is in flight. */
typedef struct Qcow2Inflight {
    uint64_t first, last;
} Qcow2Inflight;

typedef struct Qcow2PendingFree {
    uint64_t offset, bytes;
    bool discard;
} Qcow2PendingFree;

typedef struct Qcow2State {
    GMutex lock;
    Qcow2Host host;
    Qcow2Backing backing;
    bool has_backing;
    Qcow2Options opts;
    char *device, *node_name;

    Qcow2Meta meta;
    uint32_t cluster_bits;
    uint64_t cluster_size;
    uint32_t l2_bits, l2_entries;
    uint32_t refcount_order;
    uint64_t rb_entries;          /* refcounts per refcount block */
    uint64_t size;                /* virtual size */

    uint64_t *l1;                 /* active L1, host order */
    uint32_t l1_size;
    uint64_t l1_offset;
    uint64_t *reftable;
    uint64_t reftable_entries;
    uint64_t reftable_offset;

    Qcow2Snapshot *snapshots;
    uint32_t nb_snapshots;
    uint64_t snapshots_offset, snapshots_size;

    Qcow2Cache *l2_cache;
    Qcow2Cache *rb_cache;
    Qcow2OverlapMap *overlap;

    uint64_t free_cluster_index;  /* allocation hint */
    uint64_t file_end;            /* nothing was ever written at or past */
    uint64_t free_byte_offset;    /* compressed packing; 0 none */
    GArray *pending_frees;        /* Qcow2PendingFree */
    int unlocked_io;              /* atomic: I/O in flight unlocked; raised
                                   * only under the lock */
    int io_waiters;               /* atomic: threads in io_cond waits */
    GArray *inflight;             /* Qcow2Inflight: clusters being allocated */
    GCond io_cond;                /* unlocked I/O or an allocation ended */

    bool dirty_set;               /* we set the dirty bit this session */
    bool lazy;                    /* lazy refcounts active */
    bool corrupt;                 /* corruption signalled; node unusable */
    bool corruption_reported;
    bool writable;
    int64_t last_clean;           /* cache-clean-interval bookkeeping */

    uint8_t *zbuf;                /* last decompressed cluster */
    uint64_t zbuf_entry;
} Qcow2State;

/**
 * qcow2_open() - open an image.
 * @backing: NULL when the image has no backing or it was not opened.
 * Refuses a corrupt image read-write (unless opts->check_mode) and
 * repairs a dirty one on a read-write open.  Returns NULL with @errp set.
 */
Qcow2State *qcow2_open(const Qcow2Host *host, const Qcow2Backing *backing,
                       const Qcow2Options *opts, Error **errp);

/** qcow2_close() - flush, clear the dirty bit, free.  Returns -errno. */
int qcow2_close(Qcow2State *s);

/* Requests: byte granularity, inside the virtual size.  0 or -errno. */
int qcow2_read(Qcow2State *s, uint64_t off, void *buf, uint64_t len);
int qcow2_write(Qcow2State *s, uint64_t off, const void *buf, uint64_t len);
/** qcow2_write_compressed() - one whole cluster (a short tail cluster is
 *  padded with zeroes), compressed when that saves space. */
int qcow2_write_compressed(Qcow2State *s, uint64_t off, const void *buf,
                           uint64_t len);
int qcow2_write_zeroes(Qcow2State *s, uint64_t off, uint64_t len,
                       bool may_unmap);
int qcow2_discard(Qcow2State *s, uint64_t off, uint64_t len);
int qcow2_flush(Qcow2State *s);
/** qcow2_make_empty() - unallocate every guest cluster (commit). */
int qcow2_make_empty(Qcow2State *s);

/**
 * qcow2_block_status() - what backs [@off, @off + @len): sets *@pnum to
 * the length of the run with the same status and returns a
 * Qcow2ClusterType; *@host_off is the host offset for NORMAL/ZERO_ALLOC
 * (and the descriptor's offset for COMPRESSED).
 */
int qcow2_block_status(Qcow2State *s, uint64_t off, uint64_t len,
                       uint64_t *pnum, uint64_t *host_off);

/** qcow2_resize() - grow, or shrink when nothing is allocated beyond. */
int qcow2_resize(Qcow2State *s, uint64_t new_size, Qcow2Prealloc prealloc,
                 Error **errp);

/** qcow2_clean_caches() - drop clean cache entries unused since the last
 *  call (cache-clean-interval). */
void qcow2_clean_caches(Qcow2State *s);

/* ---- internal (between the qcow2-*.c files) -------------------------- */

int qcow2_host_write(Qcow2State *s, uint64_t off, const void *buf,
                     uint64_t len, uint32_t ign);
/** qcow2_overlap_test() - overlap type hit by a write, or -1 (locked). */
int qcow2_overlap_test(Qcow2State *s, uint32_t mask, uint64_t off,
                       uint64_t len);
void qcow2_signal_corruption(Qcow2State *s, bool fatal, int64_t off,
                             int64_t size, const char *fmt, ...)
    G_GNUC_PRINTF(5, 6);
int qcow2_update_header(Qcow2State *s);
int qcow2_set_incompat_bit(Qcow2State *s, uint64_t bit, bool on);

Qcow2Cache *qcow2_cache_new(Qcow2State *s, unsigned nb, Qcow2OverlapType t);
void qcow2_cache_free(Qcow2Cache *c);
int qcow2_cache_get(Qcow2State *s, Qcow2Cache *c, uint64_t off, bool read,
                    uint8_t **table);
void qcow2_cache_dirty(Qcow2Cache *c, uint64_t off);
int qcow2_cache_writeback(Qcow2State *s, Qcow2Cache *c);
void qcow2_cache_discard(Qcow2Cache *c, uint64_t off);
void qcow2_cache_clean(Qcow2Cache *c);
unsigned qcow2_cache_dirty_count(Qcow2Cache *c);

int qcow2_get_refcount(Qcow2State *s, uint64_t cluster, uint64_t *rc);
int qcow2_update_refcount(Qcow2State *s, uint64_t off, uint64_t bytes,
                          int64_t delta);
int64_t qcow2_alloc_clusters(Qcow2State *s, uint64_t n);
int64_t qcow2_alloc_bytes(Qcow2State *s, uint64_t bytes);
void qcow2_free_later(Qcow2State *s, uint64_t off, uint64_t bytes,
                      bool discard);
int qcow2_apply_frees(Qcow2State *s);
void qcow2_free_l2_entry(Qcow2State *s, uint64_t entry);
int qcow2_flush_locked(Qcow2State *s);
int qcow2_write_refblocks_first(Qcow2State *s);

int qcow2_get_l2(Qcow2State *s, uint64_t guest_off, bool alloc,
                 uint8_t **l2, uint32_t *idx);
/**
 * qcow2_inflight_wait() - wait (dropping the lock) until no allocating
 * write is in flight on the guest clusters of [@off, @off + @len).
 */
void qcow2_inflight_wait(Qcow2State *s, uint64_t off, uint64_t len);
/** qcow2_drain_locked() - wait until no unlocked I/O or allocation runs. */
void qcow2_drain_locked(Qcow2State *s);

int qcow2_write_l1_entry(Qcow2State *s, uint32_t idx);
int qcow2_grow_l1(Qcow2State *s, uint64_t min_size);

int qcow2_snapshots_load(Qcow2State *s);
void qcow2_snapshots_free(Qcow2State *s);
void qcow2_overlap_fill(Qcow2OverlapMap *map, void *opaque);

int qcow2_decompress(Qcow2State *s, const uint8_t *src, size_t slen,
                     uint8_t *dst, size_t dlen);
ssize_t qcow2_compress(Qcow2State *s, const uint8_t *src, size_t slen,
                       uint8_t *dst, size_t dlen);

static inline uint64_t qcow2_l2e(const uint8_t *l2, uint32_t idx)
{
    return qcow2_be64(l2 + (uint64_t)idx * 8);
}

static inline void qcow2_set_l2e(uint8_t *l2, uint32_t idx, uint64_t e)
{
    qcow2_put_be64(l2 + (uint64_t)idx * 8, e);
}

static inline uint64_t qcow2_align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) & ~(a - 1);
}

#endif /* BLOCK_QCOW2_QCOW2_H */
