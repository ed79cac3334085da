/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a block driver implements and may use: the BlockDriver operations
 * table, the BlockDriverState fields drivers read and write, the child I/O
 * helpers, option getters, and the blkdebug event hook.
 *
 * Driver contract (ARCHITECTURE.md "Threads, locks, clocks"):
 * - Request callbacks (preadv, pwritev, ...) block and run on block worker
 *   threads or on a tool's thread, never on the main loop of the emulator
 *   or a vCPU thread.  Several may run at once on one node: a driver with
 *   shared metadata (qcow2) takes its own per-node lock (a GMutex in its
 *   opaque state) and must not hold it across I/O it does not need to.
 * - Requests a driver receives are already checked: the node is usable,
 *   offset and bytes are sane (>= 0, end <= BDRV_MAX_LENGTH) and multiples
 *   of bs->request_alignment.  Node-level requests are not checked against
 *   the image size (a format grows its file by writing past the end);
 *   BlockBackend requests are.
 * - A driver reaches its children only through the bdrv_child_*() helpers
 *   (or the bdrv_node_*() functions on child->bs), so every layer's
 *   threshold, accounting and alignment apply.
 * - Return >= 0 or -errno; never print.  open() reports with Error.
 *
 * The driver table (block/drivers.c) is an explicit array: nothing is
 * registered before main().
 */
#ifndef BLOCK_BLOCK_INT_H
#define BLOCK_BLOCK_INT_H

#include <glib.h>
#include <json-c/json.h>

#include "block/accounting.h"
#include "block/block.h"

/* The blkdebug events, with QEMU's names (QAPI BlkdebugEvent). */
typedef enum BlkdebugEvent {
    BLKDBG_L1_UPDATE = 0,
    BLKDBG_L1_GROW_ALLOC_TABLE,
    BLKDBG_L1_GROW_WRITE_TABLE,
    BLKDBG_L1_GROW_ACTIVATE_TABLE,
    BLKDBG_L2_LOAD,
    BLKDBG_L2_UPDATE,
    BLKDBG_L2_UPDATE_COMPRESSED,
    BLKDBG_L2_ALLOC_COW_READ,
    BLKDBG_L2_ALLOC_WRITE,
    BLKDBG_READ_AIO,
    BLKDBG_READ_BACKING_AIO,
    BLKDBG_READ_COMPRESSED,
    BLKDBG_WRITE_AIO,
    BLKDBG_WRITE_COMPRESSED,
    BLKDBG_VMSTATE_LOAD,
    BLKDBG_VMSTATE_SAVE,
    BLKDBG_COW_READ,
    BLKDBG_COW_WRITE,
    BLKDBG_REFTABLE_LOAD,
    BLKDBG_REFTABLE_GROW,
    BLKDBG_REFTABLE_UPDATE,
    BLKDBG_REFBLOCK_LOAD,
    BLKDBG_REFBLOCK_UPDATE,
    BLKDBG_REFBLOCK_UPDATE_PART,
    BLKDBG_REFBLOCK_ALLOC,
    BLKDBG_REFBLOCK_ALLOC_HOOKUP,
    BLKDBG_REFBLOCK_ALLOC_WRITE,
    BLKDBG_REFBLOCK_ALLOC_WRITE_BLOCKS,
    BLKDBG_REFBLOCK_ALLOC_WRITE_TABLE,
    BLKDBG_REFBLOCK_ALLOC_SWITCH_TABLE,
    BLKDBG_CLUSTER_ALLOC,
    BLKDBG_CLUSTER_ALLOC_BYTES,
    BLKDBG_CLUSTER_FREE,
    BLKDBG_FLUSH_TO_OS,
    BLKDBG_FLUSH_TO_DISK,
    BLKDBG_PWRITEV_RMW_HEAD,
    BLKDBG_PWRITEV_RMW_AFTER_HEAD,
    BLKDBG_PWRITEV_RMW_TAIL,
    BLKDBG_PWRITEV_RMW_AFTER_TAIL,
    BLKDBG_PWRITEV,
    BLKDBG_PWRITEV_ZERO,
    BLKDBG_PWRITEV_DONE,
    BLKDBG_EMPTY_IMAGE_PREPARE,
    BLKDBG_L1_SHRINK_WRITE_TABLE,
    BLKDBG_L1_SHRINK_FREE_L2_CLUSTERS,
    BLKDBG_COR_WRITE,
    BLKDBG_CLUSTER_ALLOC_SPACE,
    BLKDBG_NONE,
    BLKDBG__MAX,
} BlkdebugEvent;

/** blkdebug_event_name() - QEMU's spelling ("write_aio"), or NULL. */
const char *blkdebug_event_name(BlkdebugEvent ev);
/** blkdebug_event_lookup() - the event named @name, or -1. */
int blkdebug_event_lookup(const char *name);

/**
 * bdrv_debug_event() - tell blkdebug (if @bs is a blkdebug node) that
 * @event happened; it may arm error rules or change state.  Formats call
 * it on their file child: bdrv_debug_event(s->file->bs, BLKDBG_L2_UPDATE).
 * Cheap when @bs is not blkdebug.  Safe from any thread.
 */
void bdrv_debug_event(BlockDriverState *bs, BlkdebugEvent event);

/* What BlockDriver.get_info() fills (qemu-img info, query-block). */
typedef struct BlockDriverInfo {
    int cluster_size;      /* 0: not applicable */
    bool is_dirty;         /* qcow2 dirty bit */
    bool unallocated_blocks_are_zero;
} BlockDriverInfo;

/* Result of BlockDriver.check() (qemu-img check). */
typedef struct BdrvCheckResult {
    int corruptions;
    int leaks;
    int check_errors;
    int corruptions_fixed;
    int leaks_fixed;
    int64_t image_end_offset;
    int64_t allocated_clusters;
    int64_t total_clusters;
    int64_t fragmented_clusters;
    int64_t compressed_clusters;
} BdrvCheckResult;

typedef enum BdrvCheckMode {
    BDRV_FIX_LEAKS  = 1 << 0,
    BDRV_FIX_ERRORS = 1 << 1,
} BdrvCheckMode;

/* One internal snapshot (QEMUSnapshotInfo / SnapshotInfo). */
typedef struct BlockSnapshotInfo {
    char id_str[128];
    char name[256];
    uint64_t vm_state_size;
    uint32_t date_sec;
    uint32_t date_nsec;
    uint64_t vm_clock_nsec;
    uint64_t icount;       /* UINT64_MAX: not recorded */
} BlockSnapshotInfo;

/**
 * struct BlockDriver - one driver's operations table.
 *
 * Names and shape:
 * @format_name: "qcow2", "raw", "file", "host_device", "null-co", "blkdebug".
 * @protocol_name: filename prefix it owns ("blkdebug" for "blkdebug:..."),
 *                 NULL if none.
 * @instance_size: bytes of bs->opaque, zeroed before open().
 * @is_protocol: opens a host resource itself (no "file" child).
 * @is_filter: passes data through to its file child (blkdebug).
 * @has_variable_length: getlength() is re-asked on every size check.
 * @nonblocking: requests never block (no host I/O, no sleeping locks);
 *               a node whose whole subtree is nonblocking has its async
 *               requests run on the submitting thread (null-co, raw and
 *               blkdebug over it).  open() may clear bs->nonblocking.
 * @runtime_opts: NULL-terminated option names the driver consumes
 *                (top-level members; nested objects by their first key).
 * @create_opts: NULL-terminated creation option names, for tools' help.
 *
 * Probing:
 * @probe: score 0..100 for the first @len bytes; 0 = not this format.
 * @probe_device: score for a host device path (host_device).
 * @parse_filename: turn a protocol filename into options ("filename",
 *                  "config", "image"...), adding members to @options.
 *
 * Lifecycle:
 * @open: set up bs->opaque from @options; open children with
 *        bdrv_open_child().  Returns 0 or -errno with *errp set.
 * @close: release everything (children are released by the core).
 * @refresh_limits: set bs->request_alignment / max_transfer after open.
 *
 * Requests (see the contract above):
 * @preadv, @pwritev: @qiov holds at least @bytes; data starts at byte 0.
 * @pwrite_zeroes: -ENOTSUP makes the core write a zeroed buffer instead
 *                 (unless BDRV_REQ_NO_FALLBACK).
 * @pdiscard: -ENOTSUP is treated as success (discard is a hint).
 * @flush_to_os: write back the driver's caches to its children.
 * @flush_to_disk: protocols: make data durable (fdatasync).
 * @truncate, @getlength, @get_allocated_file_size, @block_status: as the
 *             bdrv_*() functions of block.h; block_status may assume
 *             @offset < image size and answer for a prefix.  It returns
 *             DATA and/or ZERO only for ranges this layer provides
 *             (allocated); an unallocated range returns 0 and the core
 *             adds ZERO (without ALLOCATED) when there is no backing.
 *
 * Tools and queries (all optional):
 * @create: create an image file (qemu-img create).
 * @get_info: cluster size, dirty flag.
 * @get_specific_info: json-c "format-specific" object for ImageInfo
 *                     ({"type": "qcow2", "data": {...}}), or NULL.
 * @check: consistency check and repair.
 * @amend: change creation options of an open image.
 * @snapshot_*: internal snapshots.
 * @debug_event: blkdebug only.
 *
 * Permissions (protocols):
 * @set_perm: the node's users now take @perm and leave @shared to others
 *            (BLK_PERM_* bits); the file driver turns them into image
 *            locks.  Fails with *errp set when another user conflicts,
 *            and then keeps the permissions it had.
 */
struct BlockDriver {
    const char *format_name;
    const char *protocol_name;
    size_t instance_size;
    bool is_protocol;
    bool is_filter;
    bool has_variable_length;
    bool nonblocking;
    const char *const *runtime_opts;
    const char *const *create_opts;

    int (*probe)(const uint8_t *buf, int len, const char *filename);
    int (*probe_device)(const char *filename);
    bool (*parse_filename)(const char *filename, struct json_object *options,
                           Error **errp);

    int (*open)(BlockDriverState *bs, struct json_object *options, int flags,
                Error **errp);
    void (*close)(BlockDriverState *bs);
    void (*refresh_limits)(BlockDriverState *bs);

    int (*preadv)(BlockDriverState *bs, int64_t offset, int64_t bytes,
                  BlockIOV *qiov, BdrvRequestFlags flags);
    int (*pwritev)(BlockDriverState *bs, int64_t offset, int64_t bytes,
                   BlockIOV *qiov, BdrvRequestFlags flags);
    int (*pwrite_zeroes)(BlockDriverState *bs, int64_t offset, int64_t bytes,
                         BdrvRequestFlags flags);
    int (*pdiscard)(BlockDriverState *bs, int64_t offset, int64_t bytes);
    int (*flush_to_os)(BlockDriverState *bs);
    int (*flush_to_disk)(BlockDriverState *bs);
    int (*truncate)(BlockDriverState *bs, int64_t offset, bool exact,
                    PreallocMode prealloc, Error **errp);
    int64_t (*getlength)(BlockDriverState *bs);
    int64_t (*get_allocated_file_size)(BlockDriverState *bs);
    int (*block_status)(BlockDriverState *bs, int64_t offset, int64_t bytes,
                        int64_t *pnum, int64_t *map,
                        BlockDriverState **file);

    bool (*create)(const char *filename, struct json_object *opts,
                   Error **errp);
    int (*get_info)(BlockDriverState *bs, BlockDriverInfo *bdi);
    struct json_object *(*get_specific_info)(BlockDriverState *bs,
                                             Error **errp);
    int (*check)(BlockDriverState *bs, BdrvCheckResult *res,
                 BdrvCheckMode fix);
    bool (*amend)(BlockDriverState *bs, struct json_object *opts, bool force,
                  Error **errp);
    int (*snapshot_create)(BlockDriverState *bs, BlockSnapshotInfo *sn);
    int (*snapshot_goto)(BlockDriverState *bs, const char *id_or_name);
    int (*snapshot_delete)(BlockDriverState *bs, const char *id_or_name,
                           Error **errp);
    int (*snapshot_list)(BlockDriverState *bs, BlockSnapshotInfo **list);

    void (*debug_event)(BlockDriverState *bs, BlkdebugEvent event);

    bool (*set_perm)(BlockDriverState *bs, uint64_t perm, uint64_t shared,
                     Error **errp);
};

/**
 * struct BdrvChild - an edge from a parent node (or BlockBackend) to a
 * child node.  The edge holds one reference to @bs.
 * @bs: the child node.
 * @parent: the parent node; NULL for a BlockBackend's root edge.
 * @name: "file", "backing", "image" (blkdebug), "root".
 */
struct BdrvChild {
    BlockDriverState *bs;
    BlockDriverState *parent;
    char *name;
};

/* A request in flight on a node (for serialising RMW writes). */
typedef struct BdrvTrackedRequest {
    int64_t offset;
    int64_t bytes;
    bool serialising;
    struct BdrvTrackedRequest *next;
} BdrvTrackedRequest;

/**
 * enum BdrvDetectZeroes - the detect-zeroes node option: a write whose
 * data are all zeroes becomes write-zeroes (@ON), which may also unmap when
 * discard=unmap (@UNMAP).  QEMU's BlockdevDetectZeroesOptions.
 */
typedef enum BdrvDetectZeroes {
    BDRV_DETECT_ZEROES_OFF = 0,
    BDRV_DETECT_ZEROES_ON,
    BDRV_DETECT_ZEROES_UNMAP,
} BdrvDetectZeroes;

/**
 * bdrv_parse_detect_zeroes() - "off"/"on"/"unmap" to enum; anything else
 * fails with "Parameter 'detect-zeroes' does not accept value 'x'".
 */
bool bdrv_parse_detect_zeroes(const char *s, BdrvDetectZeroes *out,
                              Error **errp);

/**
 * struct BlockDriverState - one node.
 *
 * Set by the core before drv->open() and read by drivers:
 * @drv, @opaque (drv->instance_size bytes), @node_name, @filename,
 * @open_flags, @read_only.
 *
 * Set by the core before open() for formats (neither protocol nor filter):
 * @file, the "file" child (opened as a protocol unless its options name a
 * driver; already probed when the format was).
 *
 * Set by drivers in open()/refresh_limits():
 * @file (filters: their one child, e.g. blkdebug's "image"),
 * @backing: via bdrv_open_child() / bdrv_open_backing().
 * @request_alignment: the smallest unit the driver can read/write
 *                     (1 by default; 512 or 4096 under O_DIRECT).
 * @max_transfer: largest request the driver takes (0: no limit).
 * @total_size: image size in bytes (core keeps it after truncate).
 * @backing_file, @backing_format: names from the image header.
 * @supported_zero_flags: BDRV_REQ_MAY_UNMAP etc. the driver honours.
 * @encrypted: image is encrypted.
 *
 * Core only (drivers leave them alone):
 * @detect_zeroes (acted on in the write path), @refcnt, @write_threshold,
 * @stats, @probed, @unusable, the request
 * tracking fields, @options, @perm, @shared_perm and @perm_inactive
 * (block/block-perm.c).
 */
struct BlockDriverState {
    const BlockDriver *drv;
    void *opaque;
    char node_name[BDRV_NODE_NAME_MAX];
    char *filename;
    int open_flags;
    bool read_only;

    BdrvChild *file;
    BdrvChild *backing;
    char backing_file[4096];
    char backing_format[32];
    bool encrypted;

    uint32_t request_alignment;
    uint64_t max_transfer;
    int64_t total_size;
    int supported_zero_flags;
    BdrvDetectZeroes detect_zeroes;  /* the node's detect-zeroes option */

    int refcnt;
    bool nonblocking;        /* this node and its subtree never block */
    bool probed;             /* a probed raw image: guard sector 0 */
    int unusable;            /* atomic: set by bdrv_mark_unusable() */
    uint64_t write_threshold; /* atomic; 0 = disabled */
    BlockAcctStats stats;
    struct json_object *options;
    uint64_t perm;           /* what the node's users take (BLK_PERM_*) */
    uint64_t shared_perm;    /* what they leave to others */
    bool perm_inactive;      /* being replaced: imposes nothing below */

    GMutex reqs_lock;
    GCond reqs_cond;
    BdrvTrackedRequest *tracked;
    int in_flight;           /* under reqs_lock */
    int serialising_in_flight;
};

/**
 * bdrv_open_child() - open the child @name of @parent from the member
 * @name of @options (an options object, a node-name string, or absent
 * with @filename given).  The member is removed from @options.
 * @is_format_child: true for a format's "file" child: opened as a
 *                   protocol (no probing) unless "driver" says otherwise.
 * @allow_none: return NULL without error when nothing is given.
 * Returns the new edge (stored by the caller in bs->file/bs->backing or
 * its own state) or NULL with *errp set.
 */
BdrvChild *bdrv_open_child(const char *filename, struct json_object *options,
                           const char *name, BlockDriverState *parent,
                           bool is_format_child, bool allow_none,
                           Error **errp);

/**
 * bdrv_open_backing() - open @bs's backing file from options["backing"]
 * or, if absent, from bs->backing_file/backing_format (relative names are
 * taken relative to @bs's filename).  JSON null in "backing" and
 * BDRV_O_NO_BACKING skip it.  Sets bs->backing.  Returns 0 or -errno.
 */
int bdrv_open_backing(BlockDriverState *bs, struct json_object *options,
                      Error **errp);

/** bdrv_child_free() - drop the edge and its reference. */
void bdrv_child_free(BdrvChild *child);

/**
 * bdrv_mark_unusable() - make every later request on @bs fail with
 * -ENOMEDIUM (qcow2 after a fatal corruption; QEMU sets bs->drv = NULL).
 * Requests in flight finish normally.
 */
void bdrv_mark_unusable(BlockDriverState *bs);
bool bdrv_is_usable(const BlockDriverState *bs);

/**
 * bdrv_refresh_perms() - recompute what @bs's users (parent nodes and
 * BlockBackends) take and share, pass it down to @bs's children, and let
 * protocol nodes lock their files accordingly (QEMU's permission rules:
 * a format takes its file whole, a filter or raw passes its users'
 * permissions through, a backing file is only read).  Returns false with
 * @errp set when an image lock conflicts; nodes then keep what they held
 * where they could not change, so callers undo their graph change and
 * refresh again (dropping permissions always succeeds).
 */
bool bdrv_refresh_perms(BlockDriverState *bs, Error **errp);

/**
 * bdrv_perm_opening() - count @bs, which is being opened and is not in
 * the node list yet, as a parent of its children (@on) or stop (@on false).
 */
void bdrv_perm_opening(BlockDriverState *bs, bool on);

/**
 * bdrv_perm_deactivate() - @bs is about to be replaced (or, with @inactive
 * false, stays): it stops (resumes) imposing permissions on its children,
 * so the same image can be opened again in its place.
 */
bool bdrv_perm_deactivate(BlockDriverState *bs, bool inactive,
                          Error **errp);

/* Child I/O helpers: the node functions of block.h on child->bs. */
int bdrv_child_preadv(BdrvChild *child, int64_t offset, int64_t bytes,
                      BlockIOV *qiov, BdrvRequestFlags flags);
int bdrv_child_pwritev(BdrvChild *child, int64_t offset, int64_t bytes,
                       BlockIOV *qiov, BdrvRequestFlags flags);
int bdrv_child_pread(BdrvChild *child, int64_t offset, int64_t bytes,
                     void *buf, BdrvRequestFlags flags);
int bdrv_child_pwrite(BdrvChild *child, int64_t offset, int64_t bytes,
                      const void *buf, BdrvRequestFlags flags);
/** bdrv_child_pwrite_sync() - write then flush the child (metadata). */
int bdrv_child_pwrite_sync(BdrvChild *child, int64_t offset, int64_t bytes,
                           const void *buf, BdrvRequestFlags flags);
int bdrv_child_pwrite_zeroes(BdrvChild *child, int64_t offset, int64_t bytes,
                             BdrvRequestFlags flags);
int bdrv_child_pdiscard(BdrvChild *child, int64_t offset, int64_t bytes);
int bdrv_child_flush(BdrvChild *child);
int64_t bdrv_child_getlength(BdrvChild *child);
int bdrv_child_truncate(BdrvChild *child, int64_t offset, bool exact,
                        PreallocMode prealloc, Error **errp);

/**
 * bdrv_create_file() - create the protocol file under a format image
 * (the "file" driver for plain names), passing @opts through.
 */
bool bdrv_create_file(const char *filename, struct json_object *opts,
                      Error **errp);

/*
 * Option getters for drivers: members of @opts as JSON strings (keyval)
 * or typed JSON.  Absent: *out = @def and true.  Malformed: false with
 * *errp set ("Parameter 'x' expects a size", "... expects 'on' or 'off'").
 * Each removes the member from @opts so the core can report leftovers.
 */
bool bdrv_opt_take_str(struct json_object *opts, const char *key,
                       char **out, Error **errp);
bool bdrv_opt_take_bool(struct json_object *opts, const char *key, bool def,
                        bool *out, Error **errp);
bool bdrv_opt_take_uint(struct json_object *opts, const char *key,
                        uint64_t def, uint64_t *out, Error **errp);
bool bdrv_opt_take_size(struct json_object *opts, const char *key,
                        uint64_t def, uint64_t *out, Error **errp);
/** bdrv_parse_size() - "64k", "1G", "512" (suffixes k M G T P E, 1024-based). */
bool bdrv_parse_size(const char *str, const char *name, uint64_t *out,
                     Error **errp);

/* Drivers in this tree (block/drivers.c lists them in bdrv_drivers[]). */
extern const BlockDriver bdrv_file;
extern const BlockDriver bdrv_host_device;
extern const BlockDriver bdrv_raw;
extern const BlockDriver bdrv_null_co;
extern const BlockDriver bdrv_blkdebug;
extern const BlockDriver bdrv_qcow2;   /* block/qcow2/ */

/** bdrv_drivers - every driver, NULL-terminated, in probe order. */
extern const BlockDriver *const bdrv_drivers[];

#endif /* BLOCK_BLOCK_INT_H */
