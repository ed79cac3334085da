/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The block layer's QMP events, built as json-c "data" objects with QEMU's
 * member names and raised on the event bus.  Kept in one file so the
 * generated QAPI senders can replace it wholesale.
 * Shapes: BLOCK-QMP-REFERENCE.md §1.5 (BLOCK_WRITE_THRESHOLD), §4
 * (BLOCK_IO_ERROR), §2.3 (BLOCK_IMAGE_CORRUPTED), §2.4
 * (QCOW2_OVERLAP_CHECK_MEMORY_LIMIT_REACHED).
 */
#include <string.h>

#include "block/block-events.h"
#include "util/event-bus.h"

void block_event_write_threshold(const char *node_name,
                                 uint64_t amount_exceeded,
                                 uint64_t write_threshold)
{
    struct json_object *d = json_object_new_object();

    json_object_object_add(d, "node-name", json_object_new_string(node_name));
    json_object_object_add(d, "amount-exceeded",
                           json_object_new_uint64(amount_exceeded));
    json_object_object_add(d, "write-threshold",
                           json_object_new_uint64(write_threshold));
    event_bus_emit("BLOCK_WRITE_THRESHOLD", d);
}

void block_event_io_error(const char *qom_path, const char *device,
                          const char *node_name, bool is_read,
                          const char *action, bool has_nospace, bool nospace,
                          int error)
{
    struct json_object *d = json_object_new_object();

    json_object_object_add(d, "qom-path",
                           json_object_new_string(qom_path ? qom_path : ""));
    json_object_object_add(d, "device",
                           json_object_new_string(device ? device : ""));
    if (node_name) {
        json_object_object_add(d, "node-name",
                               json_object_new_string(node_name));
    }
    json_object_object_add(d, "operation",
                           json_object_new_string(is_read ? "read" : "write"));
    json_object_object_add(d, "action", json_object_new_string(action));
    if (has_nospace) {
        json_object_object_add(d, "nospace", json_object_new_boolean(nospace));
    }
    json_object_object_add(d, "reason", json_object_new_string(
                               strerror(error)));
    event_bus_emit("BLOCK_IO_ERROR", d);
}

void block_event_image_corrupted(const char *device, const char *node_name,
                                 const char *msg, bool has_range,
                                 int64_t offset, int64_t size, bool fatal)
{
    struct json_object *d = json_object_new_object();

    json_object_object_add(d, "device",
                           json_object_new_string(device ? device : ""));
    if (node_name) {
        json_object_object_add(d, "node-name",
                               json_object_new_string(node_name));
    }
    json_object_object_add(d, "msg", json_object_new_string(msg));
    if (has_range) {
        json_object_object_add(d, "offset", json_object_new_int64(offset));
        json_object_object_add(d, "size", json_object_new_int64(size));
    }
    json_object_object_add(d, "fatal", json_object_new_boolean(fatal));
    event_bus_emit("BLOCK_IMAGE_CORRUPTED", d);
}

void block_event_overlap_limit_reached(const char *reference, bool has_range,
                                       int64_t start, int64_t length)
{
    struct json_object *d = json_object_new_object();

    json_object_object_add(d, "reference", json_object_new_string(reference));
    if (has_range) {
        json_object_object_add(d, "start", json_object_new_int64(start));
        json_object_object_add(d, "length", json_object_new_int64(length));
    }
    event_bus_emit("QCOW2_OVERLAP_CHECK_MEMORY_LIMIT_REACHED", d);
}
