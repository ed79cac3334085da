/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to system/: -drive and -blockdev on top of the block layer
 * (system/drive.c; built only when the block layer is in the tree).
 */
#ifndef SYSTEM_DRIVE_H
#define SYSTEM_DRIVE_H

#include <stdbool.h>
#include <json-c/json.h>

#include "hw/core/machine.h"
#include "system/cmdline.h"
#include "util/error.h"

/**
 * drive_new() - one -drive: open the backend named by id= (or QEMU's
 * default id) and append its MachineDrive to @m->drives for the machine.
 * @snapshot_all: -snapshot was given.  Errors as QEMU words them.
 */
bool drive_new(MachineConfig *m, struct json_object *opts,
               bool snapshot_all, Error **errp);

/** blockdev_new() - one -blockdev: open the node graph it describes. */
bool blockdev_new(struct json_object *opts, Error **errp);

/** drive_cleanup_all() - release every backend and -blockdev node. */
void drive_cleanup_all(void);

#endif /* SYSTEM_DRIVE_H */
