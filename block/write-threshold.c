/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Write thresholds: BLOCK-QMP-REFERENCE.md §1.2 is the trigger this file
 * implements.  The threshold lives in BlockDriverState.write_threshold and
 * is read and disarmed with 64-bit atomics: the request whose
 * compare-and-swap moves it from the armed value to 0 is the only one that
 * raises the event, so concurrent writers on several threads produce
 * exactly one BLOCK_WRITE_THRESHOLD per arming (QEMU itself races here;
 * §1.2 "Concurrency").  A concurrent re-arm wins over a stale disarm
 * because the exchange compares against the value the checker saw.
 *
 * Plimsoll extension (issue 4 item 2): "write-threshold-percent", in
 * thousandths of a percent of the node's current size, converted to bytes
 * when set.
 */
#include "block/write-threshold.h"

#include "block/block-events.h"
#include "block/block-int.h"

void bdrv_write_threshold_set(BlockDriverState *bs, uint64_t threshold_bytes)
{
    __atomic_store_n(&bs->write_threshold, threshold_bytes, __ATOMIC_SEQ_CST);
}

uint64_t bdrv_write_threshold_get(const BlockDriverState *bs)
{
    return __atomic_load_n(&bs->write_threshold, __ATOMIC_SEQ_CST);
}

void bdrv_write_threshold_check_write(BlockDriverState *bs, int64_t offset,
                                      int64_t bytes)
{
    uint64_t end = (uint64_t)offset + (uint64_t)bytes;
    uint64_t threshold = __atomic_load_n(&bs->write_threshold,
                                         __ATOMIC_ACQUIRE);

    /* Fast path: disarmed, or the request ends at or below it. */
    if (threshold == 0 || end <= threshold) {
        return;
    }
    if (!__atomic_compare_exchange_n(&bs->write_threshold, &threshold, 0,
                                     false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        /* Someone else disarmed (and raised the event) or re-armed it. */
        return;
    }
    block_event_write_threshold(bs->node_name, end - threshold, threshold);
}

bool bdrv_write_threshold_percent_to_bytes(uint64_t size,
                                           uint64_t milli_percent,
                                           uint64_t *out, Error **errp)
{
    if (milli_percent > BDRV_THRESHOLD_PERCENT_SCALE) {
        error_setg(errp, "Parameter 'write-threshold-percent' expects a "
                   "value between 0 and %u", BDRV_THRESHOLD_PERCENT_SCALE);
        return false;
    }
    /* size < 2^63 and milli_percent <= 100000 < 2^17: use 128-bit math. */
    *out = (uint64_t)(((unsigned __int128)size * milli_percent) /
                      BDRV_THRESHOLD_PERCENT_SCALE);
    return true;
}

bool block_set_write_threshold(const char *node_name, uint64_t threshold,
                               bool has_percent, uint64_t milli_percent,
                               Error **errp)
{
    BlockDriverState *bs = bdrv_find_node(node_name);

    if (!bs) {
        error_setg(errp, "Device '%s' not found", node_name);
        return false;
    }
    if (has_percent) {
        int64_t size = bdrv_getlength(bs);
        if (size < 0) {
            error_setg_errno(errp, (int)-size,
                             "Cannot get the size of node '%s'", node_name);
            return false;
        }
        if (!bdrv_write_threshold_percent_to_bytes(size, milli_percent,
                                                   &threshold, errp)) {
            return false;
        }
    }
    bdrv_write_threshold_set(bs, threshold);
    return true;
}
