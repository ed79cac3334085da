/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qcow2 internal snapshots (qemu-img snapshot -c/-a/-d/-l): see
 * qcow2-snapshot.c.  The list lives in Qcow2State.snapshots.
 */
#ifndef BLOCK_QCOW2_SNAPSHOT_H
#define BLOCK_QCOW2_SNAPSHOT_H

#include "block/qcow2/qcow2.h"

/**
 * qcow2_snapshot_create() - snapshot the current disk state.
 * @id: ID string, or NULL/"" for the next free number.
 * @name: snapshot name (may be "").
 * Returns 0 or -errno with @errp set.
 */
int qcow2_snapshot_create(Qcow2State *s, const char *id, const char *name,
                          uint64_t date_sec, uint32_t date_nsec,
                          uint64_t vm_clock_nsec, Error **errp);

/** qcow2_snapshot_goto() - revert the disk to a snapshot (ID or name). */
int qcow2_snapshot_goto(Qcow2State *s, const char *id_or_name, Error **errp);

/** qcow2_snapshot_delete() - delete a snapshot (ID first, then name). */
int qcow2_snapshot_delete(Qcow2State *s, const char *id_or_name,
                          Error **errp);

#endif /* BLOCK_QCOW2_SNAPSHOT_H */
