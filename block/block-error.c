/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The werror/rerror error policy of block backends, io-status and
 * BLOCK_IO_ERROR (BLOCK-QMP-REFERENCE.md §4): the decision table
 * (blk_get_error_action) and its execution (blk_error_action), which for
 * STOP sets io-status, raises the event and then stops the VM through
 * vm_stop(RUN_STATE_IO_ERROR), in that order.  Kept apart from the rest of
 * the backend so tools, which never stop a VM, do not link the run state.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "block-backend-int.h"
#include "block/block-events.h"
#include "system/runstate.h"

static const char *const on_error_names[BLOCKDEV_ON_ERROR__MAX] = {
    [BLOCKDEV_ON_ERROR_REPORT] = "report",
    [BLOCKDEV_ON_ERROR_IGNORE] = "ignore",
    [BLOCKDEV_ON_ERROR_ENOSPC] = "enospc",
    [BLOCKDEV_ON_ERROR_STOP] = "stop",
    [BLOCKDEV_ON_ERROR_AUTO] = "auto",
};

static const char *const action_names[BLOCK_ERROR_ACTION__MAX] = {
    [BLOCK_ERROR_ACTION_IGNORE] = "ignore",
    [BLOCK_ERROR_ACTION_REPORT] = "report",
    [BLOCK_ERROR_ACTION_STOP] = "stop",
};

static const char *const iostatus_names[BLOCK_DEVICE_IO_STATUS__MAX] = {
    [BLOCK_DEVICE_IO_STATUS_OK] = "ok",
    [BLOCK_DEVICE_IO_STATUS_FAILED] = "failed",
    [BLOCK_DEVICE_IO_STATUS_NOSPACE] = "nospace",
};

const char *blockdev_on_error_name(BlockdevOnError v)
{
    return v < BLOCKDEV_ON_ERROR__MAX ? on_error_names[v] : NULL;
}

const char *block_error_action_name(BlockErrorAction v)
{
    return v < BLOCK_ERROR_ACTION__MAX ? action_names[v] : NULL;
}

const char *block_device_io_status_name(BlockDeviceIoStatus v)
{
    return v < BLOCK_DEVICE_IO_STATUS__MAX ? iostatus_names[v] : NULL;
}

bool blockdev_on_error_parse(const char *s, bool is_read,
                             BlockdevOnError *out, Error **errp)
{
    for (int i = 0; i < BLOCKDEV_ON_ERROR_AUTO; i++) {
        if (!strcmp(s, on_error_names[i])) {
            if (is_read && i == BLOCKDEV_ON_ERROR_ENOSPC) {
                break;
            }
            *out = i;
            return true;
        }
    }
    error_setg(errp, "'%s' invalid %s error action", s,
               is_read ? "read" : "write");
    return false;
}

/* ---------------------------------------------------------------------- */
/* Error policy                                                            */
/* ---------------------------------------------------------------------- */

void blk_set_on_error(BlockBackend *blk, BlockdevOnError on_read_error,
                      BlockdevOnError on_write_error)
{
    blk->on_read_error = on_read_error;
    blk->on_write_error = on_write_error;
}

BlockdevOnError blk_get_on_error(const BlockBackend *blk, bool is_read)
{
    return is_read ? blk->on_read_error : blk->on_write_error;
}

BlockErrorAction blk_get_error_action(const BlockBackend *blk, bool is_read,
                                      int error)
{
    switch (blk_get_on_error(blk, is_read)) {
    case BLOCKDEV_ON_ERROR_ENOSPC:
        return error == ENOSPC ? BLOCK_ERROR_ACTION_STOP
                               : BLOCK_ERROR_ACTION_REPORT;
    case BLOCKDEV_ON_ERROR_STOP:
        return BLOCK_ERROR_ACTION_STOP;
    case BLOCKDEV_ON_ERROR_IGNORE:
        return BLOCK_ERROR_ACTION_IGNORE;
    case BLOCKDEV_ON_ERROR_REPORT:
    case BLOCKDEV_ON_ERROR_AUTO:
    default:
        return BLOCK_ERROR_ACTION_REPORT;
    }
}

void blk_iostatus_enable(BlockBackend *blk)
{
    blk->iostatus_enabled = true;
    blk->iostatus = BLOCK_DEVICE_IO_STATUS_OK;
}

bool blk_iostatus_is_enabled(const BlockBackend *blk)
{
    return blk->iostatus_enabled &&
           (blk->on_write_error == BLOCKDEV_ON_ERROR_ENOSPC ||
            blk->on_write_error == BLOCKDEV_ON_ERROR_STOP ||
            blk->on_read_error == BLOCKDEV_ON_ERROR_STOP);
}

BlockDeviceIoStatus blk_iostatus(const BlockBackend *blk)
{
    return blk->iostatus;
}

void blk_iostatus_reset(BlockBackend *blk)
{
    blk->iostatus = BLOCK_DEVICE_IO_STATUS_OK;
}

void blk_iostatus_reset_all(void)
{
    for (BlockBackend *blk = blk_next(NULL); blk; blk = blk_next(blk)) {
        blk_iostatus_reset(blk);
    }
}

static void blk_iostatus_set_err(BlockBackend *blk, int error)
{
    if (blk_iostatus_is_enabled(blk) &&
        blk->iostatus == BLOCK_DEVICE_IO_STATUS_OK) {
        blk->iostatus = error == ENOSPC ? BLOCK_DEVICE_IO_STATUS_NOSPACE
                                        : BLOCK_DEVICE_IO_STATUS_FAILED;
    }
}

void blk_error_action(BlockBackend *blk, BlockErrorAction action,
                      bool is_read, int error)
{
    BlockDriverState *bs = blk_bs(blk);
    const char *node = bs ? bs->node_name : NULL;
    bool has_nospace = blk_iostatus_is_enabled(blk);

    assert(error >= 0);
    if (action == BLOCK_ERROR_ACTION_STOP) {
        /* io-status first, then the event, then the stop: STOP always
         * follows BLOCK_IO_ERROR (§4 "STOP sequence"). */
        blk_iostatus_set_err(blk, error);
        block_event_io_error(blk->qom_path, blk->name, node, is_read,
                             action_names[action], has_nospace,
                             error == ENOSPC, error);
        vm_stop(RUN_STATE_IO_ERROR);
    } else {
        block_event_io_error(blk->qom_path, blk->name, node, is_read,
                             action_names[action], has_nospace,
                             error == ENOSPC, error);
    }
}

