/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The block node graph: opening images, node names, children and the
 * byte-granular request API every user of storage goes through.
 *
 * A node (BlockDriverState) is one driver instance: a format (qcow2, raw),
 * a protocol (file, host_device, null-co) or a filter (blkdebug).  Nodes
 * reach their children (named "file", "backing", "image" for blkdebug)
 * through BdrvChild edges.  Every node has a name: given with "node-name"
 * or generated as "#blockN".  Nodes are reference counted: bdrv_open()
 * returns one reference; each parent edge and each BlockBackend holds one.
 *
 * Options are json-c objects shaped as -blockdev takes them (dotted keys
 * already nested by keyval_parse(), see include/util/keyval.h); leaves may
 * be JSON strings ("on", "4096") or typed JSON values.
 *
 * Threads (ARCHITECTURE.md): the request functions below block.  They run
 * on block worker threads (the async API in block-backend.h submits to that
 * pool) or, in tools, directly on the tool's main thread.  They are safe to
 * call concurrently from several threads on one node.  Graph changes
 * (open, close, attach, detach) happen on the main thread only, with no
 * request in flight on the nodes involved (see bdrv_drain()).
 *
 * Errors: configuration functions take Error **errp; request functions
 * return >= 0 on success and -errno on failure (STYLE.md).
 */
#ifndef BLOCK_BLOCK_H
#define BLOCK_BLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>

#include "block/iov.h"
#include "util/error.h"

typedef struct BlockDriver BlockDriver;
typedef struct BlockDriverState BlockDriverState;
typedef struct BdrvChild BdrvChild;

/* Limits of QEMU's block layer that clients observe. */
#define BDRV_SECTOR_BITS    9
#define BDRV_SECTOR_SIZE    (1u << BDRV_SECTOR_BITS)
#define BDRV_MAX_LENGTH     (INT64_MAX / 2)   /* largest image size */
#define BDRV_REQUEST_MAX_BYTES (1u << 30)     /* largest single request */
#define BDRV_NODE_NAME_MAX  32                /* incl. NUL, as QEMU */

/* Open flags (the bits QEMU's BDRV_O_* name; values are Plimsoll's own). */
enum {
    BDRV_O_RDWR       = 1 << 0,  /* writable node */
    BDRV_O_NOCACHE    = 1 << 1,  /* cache.direct: O_DIRECT on the host file */
    BDRV_O_NO_FLUSH   = 1 << 2,  /* cache.no-flush: flushes are no-ops */
    BDRV_O_WRITETHROUGH = 1 << 3, /* every write is followed by a flush */
    BDRV_O_PROTOCOL   = 1 << 4,  /* open as a protocol: no format probing */
    BDRV_O_NO_BACKING = 1 << 5,  /* do not open the backing file */
    BDRV_O_CHECK      = 1 << 6,  /* opened for check/repair (qemu-img check) */
    BDRV_O_UNMAP      = 1 << 7,  /* discard=unmap: pass discards down */
    BDRV_O_IO_URING   = 1 << 8,  /* aio=io_uring for the file driver */
    BDRV_O_NO_IO      = 1 << 9,  /* metadata only (qemu-img info) */
    BDRV_O_INACTIVE   = 1 << 10, /* not used yet; reserved */
    BDRV_O_FORCE_SHARE = 1 << 11, /* force-share=on: others may do anything */
};

/*
 * Permissions a user of a node takes or leaves to others (QEMU's
 * BLK_PERM_*; the bit numbers are the image lock protocol's byte offsets,
 * see include/block/file-lock.h).
 */
enum {
    BLK_PERM_CONSISTENT_READ = 1 << 0,  /* reads see a consistent image */
    BLK_PERM_WRITE           = 1 << 1,  /* writes that change the data */
    BLK_PERM_WRITE_UNCHANGED = 1 << 2,  /* writes that keep the data */
    BLK_PERM_RESIZE          = 1 << 3,  /* change the size */
    BLK_PERM_ALL             = 0xf,
};

/* Request flags. */
typedef enum BdrvRequestFlags {
    BDRV_REQ_FUA         = 1 << 0,  /* write through to stable storage */
    BDRV_REQ_MAY_UNMAP   = 1 << 1,  /* write-zeroes may deallocate */
    BDRV_REQ_NO_FALLBACK = 1 << 2,  /* write-zeroes: fail -ENOTSUP rather
                                     * than write a buffer of zeroes */
    BDRV_REQ_ZERO_WRITE  = 1 << 3,  /* internal: this write is write-zeroes */
    BDRV_REQ_SERIALISING = 1 << 4,  /* internal: exclude overlapping requests */
} BdrvRequestFlags;

/* bdrv_block_status() result bits (QEMU's BDRV_BLOCK_* meanings). */
enum {
    BDRV_BLOCK_DATA         = 0x01,  /* reads come from a file */
    BDRV_BLOCK_ZERO         = 0x02,  /* reads return zeroes */
    BDRV_BLOCK_OFFSET_VALID = 0x04,  /* *map is the offset in *file */
    BDRV_BLOCK_RAW          = 0x08,  /* pass-through: ask *file at *map */
    BDRV_BLOCK_ALLOCATED    = 0x10,  /* this layer provides the content */
    BDRV_BLOCK_EOF          = 0x20,  /* the range reaches the end of image */
    BDRV_BLOCK_RECURSE      = 0x40,  /* ask *file whether it reads as zero */
};

/* Preallocation modes of truncate/create (QAPI PreallocMode). */
typedef enum PreallocMode {
    PREALLOC_MODE_OFF = 0,
    PREALLOC_MODE_METADATA,
    PREALLOC_MODE_FALLOC,
    PREALLOC_MODE_FULL,
    PREALLOC_MODE__MAX,
} PreallocMode;

/**
 * bdrv_parse_cache_mode() - apply a -drive cache= mode to BDRV_O_* @flags:
 * writeback (default), none/off (O_DIRECT), unsafe (no flushes),
 * directsync (O_DIRECT + writethrough), writethrough.
 * Error: "Invalid cache option: x".
 */
bool bdrv_parse_cache_mode(const char *mode, int *flags, Error **errp);

/** prealloc_mode_parse() - "off"/"metadata"/"falloc"/"full" to enum. */
bool prealloc_mode_parse(const char *s, PreallocMode *out, Error **errp);
const char *prealloc_mode_name(PreallocMode mode);

/* ---------------------------------------------------------------------- */
/* Opening and closing                                                     */
/* ---------------------------------------------------------------------- */

/**
 * bdrv_open() - open a node (and its children) from a filename, options,
 * or both.
 * @filename: an image file name, a protocol filename ("blkdebug:cfg:img",
 *            "null-co://", "json:{...}"), or NULL when @options says all.
 * @options: json-c object as -blockdev takes it, or NULL.  Borrowed: the
 *           node keeps a copy.  Generic members: "driver", "node-name",
 *           "read-only", "cache" {"direct","no-flush"}, "discard"
 *           ("ignore"|"unmap"), "aio" ("threads"|"io_uring"), "file"
 *           (options object, or a node name string), "backing" (options
 *           object, node name, or JSON null for none).  Everything else
 *           belongs to the driver; an option no one takes is an error
 *           ("Block format 'raw' does not support the option 'x'").
 * @flags: BDRV_O_* bits (BDRV_O_RDWR for a writable node).
 *
 * Without "driver", the format is probed from the first bytes of the file;
 * a probed raw image gets QEMU's warning on stderr and writes to its first
 * sector that would make it look like another format fail with -EPERM.
 *
 * Returns a new node holding one reference, or NULL with *errp set
 * ("Could not open 'x': No such file or directory",
 * "Unknown driver 'x'", "Duplicate nodes with node-name='x'", ...).
 */
BlockDriverState *bdrv_open(const char *filename, struct json_object *options,
                            int flags, Error **errp);

/**
 * bdrv_open_blockdev() - -blockdev / blockdev-add semantics: @options must
 * name "driver"; "read-only" defaults to off (so the node is writable);
 * no probing.  Returns a new node with one reference, or NULL.
 */
BlockDriverState *bdrv_open_blockdev(struct json_object *options,
                                     Error **errp);

/** bdrv_ref() - take one more reference to @bs. */
void bdrv_ref(BlockDriverState *bs);

/**
 * bdrv_unref() - drop one reference; the last one drains, flushes, closes
 * and frees the node and drops its references to its children.
 * NULL is ignored.
 */
void bdrv_unref(BlockDriverState *bs);

/** bdrv_find_node() - the node named @node_name, or NULL. */
BlockDriverState *bdrv_find_node(const char *node_name);

/**
 * bdrv_next_node() - iterate over all nodes in creation order: pass NULL
 * to get the first, then the previous result.  Main thread only.
 */
BlockDriverState *bdrv_next_node(BlockDriverState *bs);

/** bdrv_node_name_valid() - QEMU's rule: a letter, then letters, digits,
 *  '-', '.', '_'; shorter than BDRV_NODE_NAME_MAX. */
bool bdrv_node_name_valid(const char *name);

const char *bdrv_get_node_name(const BlockDriverState *bs);
/** bdrv_get_format_name() - the driver name ("qcow2", "file", ...). */
const char *bdrv_get_format_name(const BlockDriverState *bs);
/** bdrv_get_filename() - the file name QEMU reports for the node. */
const char *bdrv_get_filename(const BlockDriverState *bs);
bool bdrv_is_read_only(const BlockDriverState *bs);
/** bdrv_get_file() - the "file" (or blkdebug "image") child node or NULL. */
BlockDriverState *bdrv_get_file(const BlockDriverState *bs);
/** bdrv_get_backing() - the backing node or NULL. */
BlockDriverState *bdrv_get_backing(const BlockDriverState *bs);
/** bdrv_get_device_name() - name of the BlockBackend whose root is @bs,
 *  or "" (BLOCK_IMAGE_CORRUPTED "device"). */
const char *bdrv_get_device_name(const BlockDriverState *bs);
/** bdrv_get_options() - the options the node was opened with (borrowed). */
struct json_object *bdrv_get_options(const BlockDriverState *bs);

/* ---------------------------------------------------------------------- */
/* Requests on a node (blocking; see "Threads" above)                     */
/* ---------------------------------------------------------------------- */

/**
 * bdrv_node_preadv() - read @bytes at @offset of @bs into @qiov (which
 * must be at least @bytes long).  The driver sees aligned requests
 * (unaligned ones are padded).  Not checked against the image size: a
 * file node reads zeroes past its end, a format decides itself.
 * Returns 0 or -errno.
 */
int bdrv_node_preadv(BlockDriverState *bs, int64_t offset, int64_t bytes,
                     BlockIOV *qiov, BdrvRequestFlags flags);

/**
 * bdrv_node_pwritev() - write @bytes from @qiov at @offset.  Checks, in
 * this order: node usable (-ENOMEDIUM), writable (-EPERM), sane range
 * (-EIO);
 * then the node's write threshold (event before the driver sees the
 * request), then the driver.  Unaligned writes are read-modify-written
 * with overlapping requests excluded.  Returns 0 or -errno.
 */
int bdrv_node_pwritev(BlockDriverState *bs, int64_t offset, int64_t bytes,
                      BlockIOV *qiov, BdrvRequestFlags flags);

/** bdrv_node_pwrite_zeroes() - make the range read as zeroes; with
 *  BDRV_REQ_MAY_UNMAP the driver may deallocate it. */
int bdrv_node_pwrite_zeroes(BlockDriverState *bs, int64_t offset,
                            int64_t bytes, BdrvRequestFlags flags);

/** bdrv_node_pdiscard() - hint that the range is unused; 0 if the driver
 *  ignores discards.  Checks the write threshold like a write. */
int bdrv_node_pdiscard(BlockDriverState *bs, int64_t offset, int64_t bytes);

/** bdrv_node_flush() - write back the node and its children to stable
 *  storage (a no-op with cache.no-flush). */
int bdrv_node_flush(BlockDriverState *bs);

/* Single-buffer conveniences. */
int bdrv_node_pread(BlockDriverState *bs, int64_t offset, int64_t bytes,
                    void *buf, BdrvRequestFlags flags);
int bdrv_node_pwrite(BlockDriverState *bs, int64_t offset, int64_t bytes,
                     const void *buf, BdrvRequestFlags flags);

/**
 * bdrv_truncate() - resize the node to @offset bytes.  Not a write for the
 * write threshold.  @exact: fail rather than round the size.
 * Returns 0 or -errno with *errp set.
 */
int bdrv_truncate(BlockDriverState *bs, int64_t offset, bool exact,
                  PreallocMode prealloc, Error **errp);

/** bdrv_getlength() - size in bytes (re-read for growable files), or
 *  -errno. */
int64_t bdrv_getlength(BlockDriverState *bs);

/** bdrv_get_allocated_file_size() - host bytes used, or -errno. */
int64_t bdrv_get_allocated_file_size(BlockDriverState *bs);

/**
 * bdrv_block_status() - allocation status of [@offset, @offset + @bytes)
 * in @bs alone.  Returns BDRV_BLOCK_* bits for the first *@pnum bytes
 * (at least 1, at most @bytes), or -errno.  @map/@file (may be NULL) get
 * the host offset and node when BDRV_BLOCK_OFFSET_VALID is set.
 */
int bdrv_block_status(BlockDriverState *bs, int64_t offset, int64_t bytes,
                      int64_t *pnum, int64_t *map, BlockDriverState **file);

/**
 * bdrv_block_status_above() - the same through the backing chain from
 * @bs down to (not including) @base (NULL: the whole chain): the first
 * layer that has the range allocated answers; an unallocated range of
 * the whole chain reads as zero.
 */
int bdrv_block_status_above(BlockDriverState *bs, BlockDriverState *base,
                            int64_t offset, int64_t bytes, int64_t *pnum,
                            int64_t *map, BlockDriverState **file);

/** bdrv_is_allocated() - 1 if @bs itself provides the first *@pnum bytes,
 *  0 if not, -errno on failure. */
int bdrv_is_allocated(BlockDriverState *bs, int64_t offset, int64_t bytes,
                      int64_t *pnum);

/**
 * bdrv_drain() - wait until no request is in flight on @bs or below.
 */
void bdrv_drain(BlockDriverState *bs);

/* ---------------------------------------------------------------------- */
/* Creating images                                                         */
/* ---------------------------------------------------------------------- */

/**
 * bdrv_create() - create an image as "qemu-img create" does.
 * @drv_name: format or protocol ("qcow2", "raw", "file").
 * @filename: where.
 * @opts: creation options as json-c (strings or typed): "size", and the
 *        driver's own ("cluster_size", "backing_file", "preallocation"...).
 * Returns false with *errp set on failure.
 */
bool bdrv_create(const char *drv_name, const char *filename,
                 struct json_object *opts, Error **errp);

/** bdrv_find_format() - the driver named @name, or NULL. */
const BlockDriver *bdrv_find_format(const char *name);

/**
 * bdrv_probe_format() - the best format for the first @len bytes of an
 * image (at least 512 bytes for a fair answer); "raw" if none claims it.
 */
const BlockDriver *bdrv_probe_format(const uint8_t *buf, int len,
                                     const char *filename);

#endif /* BLOCK_BLOCK_H */
