/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Write thresholds (block-set-write-threshold / BLOCK_WRITE_THRESHOLD,
 * BLOCK-QMP-REFERENCE.md §1).
 *
 * Each node has one threshold in bytes; 0 means disabled.  Writes,
 * write-zeroes and discards (never truncate) that end strictly past it
 * raise BLOCK_WRITE_THRESHOLD {node-name, amount-exceeded = end -
 * threshold, write-threshold} before the driver sees them, and disarm it.
 * The disarm is a compare-and-swap, so exactly one event is raised per
 * arming however many requests race past it on however many threads.
 *
 * Plimsoll extension: a threshold may be given as a fraction of the node's
 * current size in thousandths of a percent (0..100000); it is converted to
 * bytes at set time and behaves and reads back as a byte threshold.
 */
#ifndef BLOCK_WRITE_THRESHOLD_H
#define BLOCK_WRITE_THRESHOLD_H

#include <stdbool.h>
#include <stdint.h>

#include "block/block.h"

#define BDRV_THRESHOLD_PERCENT_SCALE 100000u  /* 100 % in 1/1000 % */

/** bdrv_write_threshold_set() - arm at @threshold_bytes (0 disarms). */
void bdrv_write_threshold_set(BlockDriverState *bs, uint64_t threshold_bytes);

/** bdrv_write_threshold_get() - the armed threshold, 0 if none. */
uint64_t bdrv_write_threshold_get(const BlockDriverState *bs);

/**
 * bdrv_write_threshold_percent_to_bytes() - @milli_percent (0..100000)
 * of @size, rounded down; false with *errp set when out of range
 * ("Parameter 'write-threshold-percent' expects a value between 0 and
 * 100000").
 */
bool bdrv_write_threshold_percent_to_bytes(uint64_t size,
                                           uint64_t milli_percent,
                                           uint64_t *out, Error **errp);

/**
 * bdrv_write_threshold_check_write() - the trigger; called by the request
 * path for every write, write-zeroes and discard on @bs before the driver.
 */
void bdrv_write_threshold_check_write(BlockDriverState *bs, int64_t offset,
                                      int64_t bytes);

/**
 * block_set_write_threshold() - the QMP command's work.
 * @node_name: looked up by node name only ("Device 'x' not found").
 * @threshold: bytes (used when !@has_percent).
 * @has_percent, @milli_percent: the Plimsoll extension member
 *   "write-threshold-percent"; when given it takes precedence.
 */
bool block_set_write_threshold(const char *node_name, uint64_t threshold,
                               bool has_percent, uint64_t milli_percent,
                               Error **errp);

#endif /* BLOCK_WRITE_THRESHOLD_H */
