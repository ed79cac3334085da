/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Write gates (include/block/job-write-gate.h): the one hook block jobs
 * have in the request path.  A global list, guarded by a mutex, maps
 * nodes to gates; an atomic count keeps the path free of locks when no
 * job runs.  A writer takes each gate of its node shared (the job takes
 * it exclusively around a chunk), runs @before, writes, runs @after.
 */
#include "block/job-write-gate.h"

/* More gates on one node than jobs can put there are not entered. */
#define GATES_PER_NODE_MAX 8

static GMutex gates_lock;
static GPtrArray *gates;                /* BdrvWriteGate * */
static int gate_count;                  /* atomic */
static __thread bool gate_bypass;
static __thread int gates_held;       /* gates this thread holds shared */

BdrvWriteGate *bdrv_write_gate_add(BlockDriverState *bs,
                                   BdrvWriteGateFn *before,
                                   BdrvWriteGateFn *after, void *opaque)
{
    BdrvWriteGate *gate = g_new0(BdrvWriteGate, 1);

    gate->bs = bs;
    gate->before = before;
    gate->after = after;
    gate->opaque = opaque;
    g_rw_lock_init(&gate->lock);
    g_mutex_lock(&gates_lock);
    if (!gates) {
        gates = g_ptr_array_new();
    }
    g_ptr_array_add(gates, gate);
    __atomic_add_fetch(&gate_count, 1, __ATOMIC_SEQ_CST);
    g_mutex_unlock(&gates_lock);
    return gate;
}

void bdrv_write_gate_remove(BdrvWriteGate *gate)
{
    g_mutex_lock(&gates_lock);
    g_ptr_array_remove(gates, gate);
    __atomic_sub_fetch(&gate_count, 1, __ATOMIC_SEQ_CST);
    g_mutex_unlock(&gates_lock);
    /* Wait for writers that entered before the removal. */
    g_rw_lock_writer_lock(&gate->lock);
    g_rw_lock_writer_unlock(&gate->lock);
    g_rw_lock_clear(&gate->lock);
    g_free(gate);
}

void bdrv_write_gate_lock(BdrvWriteGate *gate)
{
    g_rw_lock_writer_lock(&gate->lock);
}

void bdrv_write_gate_unlock(BdrvWriteGate *gate)
{
    g_rw_lock_writer_unlock(&gate->lock);
}

void bdrv_write_gate_set_bypass(bool bypass)
{
    gate_bypass = bypass;
}

bool bdrv_write_gates_active(void)
{
    return __atomic_load_n(&gate_count, __ATOMIC_SEQ_CST) && !gate_bypass;
}

int bdrv_write_gate_enter(BlockDriverState *bs, int64_t offset,
                          int64_t bytes)
{
    BdrvWriteGate *held[GATES_PER_NODE_MAX];
    int n = 0, ret = 0;

    if (!__atomic_load_n(&gate_count, __ATOMIC_SEQ_CST) || gate_bypass) {
        return 0;
    }
    g_mutex_lock(&gates_lock);
    for (guint i = 0; gates && i < gates->len; i++) {
        BdrvWriteGate *gate = g_ptr_array_index(gates, i);

        if (gate->bs == bs && n < GATES_PER_NODE_MAX) {
            g_rw_lock_reader_lock(&gate->lock);
            gates_held++;
            held[n++] = gate;
        }
    }
    g_mutex_unlock(&gates_lock);
    /* Hooks run unlocked: they do I/O that re-enters the request path. */
    for (int i = 0; i < n && ret == 0; i++) {
        if (held[i]->before) {
            ret = held[i]->before(held[i]->opaque, offset, bytes);
        }
    }
    return ret;
}

void bdrv_write_gate_leave(BlockDriverState *bs, int64_t offset,
                           int64_t bytes, int ret)
{
    if (!gates_held || gate_bypass) {
        return;
    }
    g_mutex_lock(&gates_lock);
    for (guint i = 0; gates && i < gates->len; i++) {
        BdrvWriteGate *gate = g_ptr_array_index(gates, i);

        if (gate->bs == bs) {
            if (ret >= 0 && gate->after) {
                gate->after(gate->opaque, offset, bytes);
            }
            g_rw_lock_reader_unlock(&gate->lock);
            gates_held--;
        }
    }
    g_mutex_unlock(&gates_lock);
}
