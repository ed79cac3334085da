/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Builders and senders of the block layer's QMP events, in one place so
 * they can later be replaced by generated QAPI senders.  Each raises the
 * event on the event bus (include/util/event-bus.h) with exactly QEMU's
 * "data" members (BLOCK-QMP-REFERENCE.md §1.5, §2.3, §2.4, §4).
 */
#ifndef BLOCK_BLOCK_EVENTS_H
#define BLOCK_BLOCK_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

/** BLOCK_WRITE_THRESHOLD {node-name, amount-exceeded, write-threshold}. */
void block_event_write_threshold(const char *node_name,
                                 uint64_t amount_exceeded,
                                 uint64_t write_threshold);

/**
 * BLOCK_IO_ERROR {qom-path, device, node-name?, operation, action,
 * nospace?, reason}.  @node_name NULL leaves it out; @has_nospace says
 * whether "nospace" is present (io-status tracked), @nospace its value;
 * @error is a positive errno ("reason" = strerror).
 */
void block_event_io_error(const char *qom_path, const char *device,
                          const char *node_name, bool is_read,
                          const char *action, bool has_nospace, bool nospace,
                          int error);

/**
 * BLOCK_IMAGE_CORRUPTED {device, node-name?, msg, offset?, size?, fatal}.
 * @device "" when the node has no backend; @has_range adds offset/size.
 */
void block_event_image_corrupted(const char *device, const char *node_name,
                                 const char *msg, bool has_range,
                                 int64_t offset, int64_t size, bool fatal);

/**
 * QCOW2_OVERLAP_CHECK_MEMORY_LIMIT_REACHED {reference, start?, length?}
 * (Plimsoll, after Max Reitz's unmerged series).
 */
void block_event_overlap_limit_reached(const char *reference, bool has_range,
                                       int64_t start, int64_t length);

#endif /* BLOCK_BLOCK_EVENTS_H */
