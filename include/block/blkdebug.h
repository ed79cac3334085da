/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * blkdebug at run time: suspend points (qemu-io's break, wait_break,
 * resume and remove_break), and Plimsoll's ENOSPC limit (a stand-in for
 * the end of a thin volume).  Suspend points: a request that raises a
 * blkdebug event with a breakpoint on it stops inside the blkdebug node
 * until resumed by tag, so tests can act while a request is known to be
 * in flight at that exact place.
 *
 * Each call looks for the blkdebug node from @bs down its file children
 * (the way qemu-io finds it under a format node); with none: -ENOTSUP.
 * A request suspends on the thread that runs it: setting a breakpoint
 * makes the nodes on the path from @bs run asynchronous requests on block
 * workers, never inline on the submitting thread.  A tool that wants
 * QEMU's messages ("blkdebug: Suspended request 'TAG'", "blkdebug:
 * Resuming request 'TAG'") prints them from the notifier below.
 */
#ifndef BLOCK_BLKDEBUG_H
#define BLOCK_BLKDEBUG_H

#include <stdbool.h>
#include "block/block-int.h"

/**
 * bdrv_debug_breakpoint() - the next request raising @event (a blkdebug
 * event name) suspends with @tag; the breakpoint is then used up.
 * Returns 0, -ENOENT for an unknown event, -ENOTSUP without blkdebug.
 */
int bdrv_debug_breakpoint(BlockDriverState *bs, const char *event,
                          const char *tag);

/**
 * bdrv_debug_remove_breakpoint() - drop the breakpoints with @tag and
 * resume the requests suspended with it.  -ENOENT when no breakpoint with
 * @tag was left (even if a request was resumed), as QEMU.
 */
int bdrv_debug_remove_breakpoint(BlockDriverState *bs, const char *tag);

/**
 * bdrv_debug_resume() - let one request suspended with @tag go on.
 * -ENOENT when none is suspended with it.
 */
int bdrv_debug_resume(BlockDriverState *bs, const char *tag);

/** bdrv_debug_is_suspended() - whether a request waits with @tag. */
bool bdrv_debug_is_suspended(BlockDriverState *bs, const char *tag);

/**
 * typedef BlkdebugSuspendNotify - told when a request stops at a
 * breakpoint (@resumed false) and when it goes on again (true); called on
 * the request's thread.
 */
typedef void BlkdebugSuspendNotify(const char *tag, bool resumed);

/** blkdebug_set_suspend_notify() - one process-wide notifier, or NULL. */
void blkdebug_set_suspend_notify(BlkdebugSuspendNotify *fn);

/**
 * bdrv_debug_set_enospc_limit() - writes reaching past @limit bytes on
 * the blkdebug node fail with ENOSPC, as at the end of a full thin volume
 * (its x-enospc-limit option); 0 turns that off.  0 or -ENOTSUP.
 */
int bdrv_debug_set_enospc_limit(BlockDriverState *bs, uint64_t limit);

/** bdrv_debug_get_enospc_limit() - the limit (0: off), or -ENOTSUP. */
int64_t bdrv_debug_get_enospc_limit(BlockDriverState *bs);

#endif /* BLOCK_BLKDEBUG_H */
