/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Block backends: the handles device models, QMP and tools hold (QEMU's
 * BlockBackend).  A backend has a name ("drive0", or "" when anonymous),
 * one root node, the werror/rerror error policy, the io-status and its own
 * accounting.  It offers the asynchronous request API with completion
 * callbacks (for device models) and blocking wrappers (for tools).
 *
 * Async requests run on the block worker pool; the callback is invoked on
 * the backend's completion GMainContext (the default one unless set), from
 * the main loop, never from the submitting function itself.  The caller
 * keeps the BlockIOV and its buffers alive until the callback runs.
 *
 * Error policy (BLOCK-QMP-REFERENCE.md §4): the device model asks
 * blk_get_error_action() what to do with a failed request and then calls
 * blk_error_action(), which updates io-status, raises BLOCK_IO_ERROR and,
 * for STOP, stops the VM with vm_stop(RUN_STATE_IO_ERROR).
 */
#ifndef BLOCK_BLOCK_BACKEND_H
#define BLOCK_BLOCK_BACKEND_H

#include <glib.h>

#include "block/accounting.h"
#include "block/block.h"

typedef struct BlockBackend BlockBackend;

/* QAPI BlockdevOnError. */
typedef enum BlockdevOnError {
    BLOCKDEV_ON_ERROR_REPORT = 0,
    BLOCKDEV_ON_ERROR_IGNORE,
    BLOCKDEV_ON_ERROR_ENOSPC,
    BLOCKDEV_ON_ERROR_STOP,
    BLOCKDEV_ON_ERROR_AUTO,     /* device properties: use the backend's */
    BLOCKDEV_ON_ERROR__MAX,
} BlockdevOnError;

/* QAPI BlockErrorAction. */
typedef enum BlockErrorAction {
    BLOCK_ERROR_ACTION_IGNORE = 0,
    BLOCK_ERROR_ACTION_REPORT,
    BLOCK_ERROR_ACTION_STOP,
    BLOCK_ERROR_ACTION__MAX,
} BlockErrorAction;

/* QAPI BlockDeviceIoStatus. */
typedef enum BlockDeviceIoStatus {
    BLOCK_DEVICE_IO_STATUS_OK = 0,
    BLOCK_DEVICE_IO_STATUS_FAILED,
    BLOCK_DEVICE_IO_STATUS_NOSPACE,
    BLOCK_DEVICE_IO_STATUS__MAX,
} BlockDeviceIoStatus;

const char *blockdev_on_error_name(BlockdevOnError v);
const char *block_error_action_name(BlockErrorAction v);
const char *block_device_io_status_name(BlockDeviceIoStatus v);

/**
 * blockdev_on_error_parse() - parse a -drive werror=/rerror= value.
 * Errors as QEMU words them: "'x' invalid write error action",
 * "'enospc' invalid read error action" (rerror cannot be enospc), and
 * "auto" is refused here (device properties only).
 */
bool blockdev_on_error_parse(const char *s, bool is_read,
                             BlockdevOnError *out, Error **errp);

/** BlockCompletionFunc - @ret is 0 or -errno. */
typedef void BlockCompletionFunc(void *opaque, int ret);

/**
 * struct BlockDevOps - callbacks a device model registers (main loop).
 * @resize_cb: after block_resize.
 * @change_media_cb: removable media only (ide-cd): the medium was loaded
 *      (@load: tray closed over the backend's root node) or unloaded
 *      (tray open).  Its presence makes the drive "removable".
 * @eject_request_cb: a QMP client asks for the tray of a locked drive
 *      (@force: unlock it).
 * @is_tray_open/@is_medium_locked: the device's tray state; a device
 *      with @is_tray_open "has a tray".
 */
typedef struct BlockDevOps {
    void (*resize_cb)(void *opaque);
    void (*change_media_cb)(void *opaque, bool load);
    void (*eject_request_cb)(void *opaque, bool force);
    bool (*is_tray_open)(void *opaque);
    bool (*is_medium_locked)(void *opaque);
} BlockDevOps;

/**
 * blk_new() - a backend with no root node yet.
 * @name: backend name, "" for an anonymous backend (tools).  A non-empty
 *        name must be well formed and unused ("Device with id 'x' already
 *        exists").
 * Defaults: werror=enospc, rerror=report, io-status disabled.
 * Returns NULL with *errp set.
 */
BlockBackend *blk_new(const char *name, Error **errp);

/**
 * blk_new_open() - blk_new("") plus bdrv_open(@filename, @options, @flags)
 * as the root.  The usual entry point of tools.
 */
BlockBackend *blk_new_open(const char *filename, struct json_object *options,
                           int flags, Error **errp);

/**
 * blk_set_perm() - what the backend's user takes (@perm) and leaves to
 * others (@shared), as BLK_PERM_* bits; they apply to the root node and
 * through it to the image locks.  A new backend reads and shares
 * everything; blk_new_open() also writes when read-write; a guest disk
 * refuses other writers.  Fails (keeping the old ones) on a lock conflict.
 */
bool blk_set_perm(BlockBackend *blk, uint64_t perm, uint64_t shared,
                  Error **errp);
/** blk_get_perm() - the permissions blk_set_perm() gave. */
void blk_get_perm(BlockBackend *blk, uint64_t *perm, uint64_t *shared);

/**
 * blk_insert_bs() - attach @bs as root (takes a reference); fails when
 * the backend's permissions conflict with another user of the image.
 */
bool blk_insert_bs(BlockBackend *blk, BlockDriverState *bs, Error **errp);
/** blk_remove_bs() - drain and detach the root node. */
void blk_remove_bs(BlockBackend *blk);

void blk_ref(BlockBackend *blk);
/** blk_unref() - the last reference drains, detaches and frees. */
void blk_unref(BlockBackend *blk);

/** blk_by_name() - the named backend or NULL. */
BlockBackend *blk_by_name(const char *name);
/** blk_next() - iterate backends in creation order (NULL starts). */
BlockBackend *blk_next(BlockBackend *blk);

const char *blk_name(const BlockBackend *blk);
BlockDriverState *blk_bs(BlockBackend *blk);
BdrvChild *blk_root(BlockBackend *blk);
/** blk_is_inserted() - whether a root node is attached. */
bool blk_is_inserted(BlockBackend *blk);
/** blk_is_read_only() - true without a root node or with a read-only one. */
bool blk_is_read_only(BlockBackend *blk);

/**
 * blk_set_enable_write_cache() - the guest's volatile write cache switch
 * (virtio-blk WCE, ATA SET FEATURES 02h/82h).  Off means writethrough:
 * every write is flushed before it completes.  On by default.
 */
void blk_set_enable_write_cache(BlockBackend *blk, bool wce);
bool blk_enable_write_cache(BlockBackend *blk);

/**
 * blk_attach_dev() - record the device using the backend.
 * @qdev_id: QMP "qdev" (the device id, or its QOM path if it has none).
 * @qom_path: the BLOCK_IO_ERROR "qom-path".
 */
void blk_attach_dev(BlockBackend *blk, const char *qdev_id,
                    const char *qom_path);
void blk_detach_dev(BlockBackend *blk);
const char *blk_get_qdev(const BlockBackend *blk);
void blk_set_dev_ops(BlockBackend *blk, const BlockDevOps *ops, void *opaque);
/** blk_get_dev_ops() - the device's callbacks (or NULL) and, in
 *  *@opaque, their argument. */
const BlockDevOps *blk_get_dev_ops(BlockBackend *blk, void **opaque);
/** blk_resize_notify() - run the device's resize_cb (block_resize). */
void blk_resize_notify(BlockBackend *blk);

/** blk_set_completion_context() - where async callbacks run (NULL:
 *  the default GMainContext). */
void blk_set_completion_context(BlockBackend *blk, GMainContext *ctx);

/* ---------------------------------------------------------------------- */
/* Error policy and io-status                                              */
/* ---------------------------------------------------------------------- */

void blk_set_on_error(BlockBackend *blk, BlockdevOnError on_read_error,
                      BlockdevOnError on_write_error);
BlockdevOnError blk_get_on_error(const BlockBackend *blk, bool is_read);

/**
 * blk_get_error_action() - the action for a request that failed with
 * positive errno @error: report/ignore/stop, and enospc = stop iff
 * @error == ENOSPC, else report.
 */
BlockErrorAction blk_get_error_action(const BlockBackend *blk, bool is_read,
                                      int error);

/**
 * blk_error_action() - carry out @action: for STOP set io-status (only
 * from ok: nospace for ENOSPC, else failed), raise BLOCK_IO_ERROR, then
 * vm_stop(RUN_STATE_IO_ERROR); for REPORT/IGNORE only raise the event.
 * @error: positive errno.
 */
void blk_error_action(BlockBackend *blk, BlockErrorAction action,
                      bool is_read, int error);

/** blk_iostatus_enable() - the device tracks io-status (virtio-blk, IDE);
 *  it is reported only with werror enospc/stop or rerror stop. */
void blk_iostatus_enable(BlockBackend *blk);
/** blk_iostatus_is_enabled() - enabled by the device and by the policy. */
bool blk_iostatus_is_enabled(const BlockBackend *blk);
BlockDeviceIoStatus blk_iostatus(const BlockBackend *blk);
void blk_iostatus_reset(BlockBackend *blk);
/** blk_iostatus_reset_all() - every backend back to ok (QMP cont). */
void blk_iostatus_reset_all(void);

/* ---------------------------------------------------------------------- */
/* Requests                                                                */
/* ---------------------------------------------------------------------- */

/* Blocking (tools, worker threads): 0 or -errno.  -ENOMEDIUM without a
 * root node. */
int blk_preadv(BlockBackend *blk, int64_t offset, int64_t bytes,
               BlockIOV *qiov, BdrvRequestFlags flags);
int blk_pwritev(BlockBackend *blk, int64_t offset, int64_t bytes,
                BlockIOV *qiov, BdrvRequestFlags flags);
int blk_pread(BlockBackend *blk, int64_t offset, int64_t bytes, void *buf,
              BdrvRequestFlags flags);
int blk_pwrite(BlockBackend *blk, int64_t offset, int64_t bytes,
               const void *buf, BdrvRequestFlags flags);
int blk_pwrite_zeroes(BlockBackend *blk, int64_t offset, int64_t bytes,
                      BdrvRequestFlags flags);
int blk_pdiscard(BlockBackend *blk, int64_t offset, int64_t bytes);
int blk_flush(BlockBackend *blk);
int64_t blk_getlength(BlockBackend *blk);
int blk_truncate(BlockBackend *blk, int64_t offset, bool exact,
                 PreallocMode prealloc, Error **errp);

/**
 * blk_aio_preadv() and friends - submit to the worker pool; @cb(@opaque,
 * ret) runs later on the completion context.  Never fail synchronously.
 */
void blk_aio_preadv(BlockBackend *blk, int64_t offset, BlockIOV *qiov,
                    BdrvRequestFlags flags, BlockCompletionFunc *cb,
                    void *opaque);
void blk_aio_pwritev(BlockBackend *blk, int64_t offset, BlockIOV *qiov,
                     BdrvRequestFlags flags, BlockCompletionFunc *cb,
                     void *opaque);
void blk_aio_pwrite_zeroes(BlockBackend *blk, int64_t offset, int64_t bytes,
                           BdrvRequestFlags flags, BlockCompletionFunc *cb,
                           void *opaque);
void blk_aio_pdiscard(BlockBackend *blk, int64_t offset, int64_t bytes,
                      BlockCompletionFunc *cb, void *opaque);
void blk_aio_flush(BlockBackend *blk, BlockCompletionFunc *cb, void *opaque);

/** blk_in_flight() - async requests submitted and not yet completed. */
int blk_in_flight(BlockBackend *blk);

/**
 * blk_drain() - wait until every async request of @blk has completed and
 * its callback has run.  On the thread owning the completion context it
 * iterates that context; elsewhere it waits.
 */
void blk_drain(BlockBackend *blk);
void blk_drain_all(void);

/** blk_get_stats() - the backend's accounting (device-level numbers). */
BlockAcctStats *blk_get_stats(BlockBackend *blk);

#endif /* BLOCK_BLOCK_BACKEND_H */
