/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Write gates: how a block job sees and orders the other writers of a
 * node.  A gate on a node is entered by every write, write-zeroes and
 * discard on that node (block/io.c calls bdrv_write_gate_enter/leave)
 * except those the job itself issues from its thread.  Writers hold the
 * gate shared; the job takes it exclusively around one chunk (stream's
 * check-read-write), so guest writes never interleave with a chunk.
 * @before runs before the write reaches the node (backup's
 * copy-before-write); @after runs once it is done (mirror's dirty map).
 */
#ifndef BLOCK_JOB_WRITE_GATE_H
#define BLOCK_JOB_WRITE_GATE_H

#include <glib.h>
#include "block/block.h"

typedef int BdrvWriteGateFn(void *opaque, int64_t offset, int64_t bytes);

typedef struct BdrvWriteGate {
    BlockDriverState *bs;
    BdrvWriteGateFn *before;     /* may be NULL; -errno fails the write */
    BdrvWriteGateFn *after;      /* may be NULL */
    void *opaque;
    GRWLock lock;
} BdrvWriteGate;

/**
 * bdrv_write_gate_add() - put a gate on @bs (main thread, drained).
 * Returns the gate; remove it with bdrv_write_gate_remove().
 */
BdrvWriteGate *bdrv_write_gate_add(BlockDriverState *bs,
                                   BdrvWriteGateFn *before,
                                   BdrvWriteGateFn *after, void *opaque);

/** bdrv_write_gate_remove() - take the gate off and free it. */
void bdrv_write_gate_remove(BdrvWriteGate *gate);

/** bdrv_write_gate_lock() - the job holds off every other writer. */
void bdrv_write_gate_lock(BdrvWriteGate *gate);
void bdrv_write_gate_unlock(BdrvWriteGate *gate);

/**
 * bdrv_write_gate_set_bypass() - the calling thread (a job thread)
 * writes without entering any gate.
 */
void bdrv_write_gate_set_bypass(bool bypass);

/**
 * bdrv_write_gates_active() - whether a write by this thread may have to
 * enter a gate (some gate exists and the thread does not bypass them).
 */
bool bdrv_write_gates_active(void);

/**
 * bdrv_write_gate_enter() - called by the request path before a write of
 * [@offset, +@bytes) on @bs.  Returns 0, or -errno from a @before hook
 * (the write must then fail; bdrv_write_gate_leave() is still called).
 */
int bdrv_write_gate_enter(BlockDriverState *bs, int64_t offset,
                          int64_t bytes);

/** bdrv_write_gate_leave() - the write of bdrv_write_gate_enter() ended. */
void bdrv_write_gate_leave(BlockDriverState *bs, int64_t offset,
                           int64_t bytes, int ret);

#endif /* BLOCK_JOB_WRITE_GATE_H */
