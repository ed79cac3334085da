/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Image locking of the file and host_device drivers: QEMU's interop
 * protocol of open file description (OFD) byte-range locks on the image
 * file, so that Plimsoll, QEMU, qemu-img and libvirt see each other's use
 * of an image.
 *
 * The protocol (observed on QEMU 7.2 with /proc/locks): each permission
 * bit i of a node (0 consistent read, 1 write, 2 write unchanged,
 * 3 resize) is one byte.  A user holding permission i takes a shared
 * lock on byte 100 + i; a user that does not let others have permission
 * i takes a shared lock on byte 200 + i.  Before it counts as holding
 * permission i, a user checks that nobody else locks byte 200 + i, and
 * before it refuses to share i, that nobody else locks byte 100 + i
 * (F_OFD_GETLK with a write lock).  Locks are never exclusive, so any
 * number of compatible users coexist; the conflict is found by the test.
 */
#ifndef BLOCK_FILE_LOCK_H
#define BLOCK_FILE_LOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "util/error.h"

/* First byte of the "holds permission" and "does not share" ranges. */
#define FILE_LOCK_PERM_BASE   100
#define FILE_LOCK_SHARED_BASE 200

/**
 * enum FileLockMode - the file driver's "locking" option.
 * @FILE_LOCK_AUTO: lock when the host has OFD locks (the default).
 * @FILE_LOCK_ON: lock; as auto on Linux, which always has OFD locks.
 * @FILE_LOCK_OFF: never lock and never check.
 */
typedef enum FileLockMode {
    FILE_LOCK_AUTO = 0,
    FILE_LOCK_ON,
    FILE_LOCK_OFF,
} FileLockMode;

/**
 * struct FileLock - lock state of one open file description.
 * @enabled: locking is in use for this file.
 * @perm, @shared: the permissions in force (BLK_PERM_* bits).
 * @locked_perm, @locked_unshared: the bytes now held, as permission bits
 *                                 (100 + i and 200 + i).
 */
typedef struct FileLock {
    bool enabled;
    uint64_t perm;
    uint64_t shared;
    uint64_t locked_perm;
    uint64_t locked_unshared;
} FileLock;

/**
 * file_lock_parse_mode() - "auto", "on" or "off" (NULL: auto) to a mode;
 * anything else fails with QEMU's "invalid parameter value: X".
 */
bool file_lock_parse_mode(const char *s, FileLockMode *out, Error **errp);

/**
 * file_lock_init() - no locks held, nothing taken, everything shared.
 */
void file_lock_init(FileLock *l, FileLockMode mode);

/**
 * file_lock_perm_name() - QEMU's name of one permission bit ("write").
 */
const char *file_lock_perm_name(uint64_t bit);

/**
 * file_lock_set() - move @fd's locks to @perm (taken) and @shared (left
 * to others).  New bytes are locked first, then the conflicts are tested;
 * on a conflict the locks go back to what they were and @errp says, as
 * QEMU, 'Failed to get "write" lock' or 'Failed to get shared "write"
 * lock' with the hint "Is another process using the image [@filename]?".
 * Dropping permissions never fails.  Returns true on success.
 */
bool file_lock_set(FileLock *l, int fd, const char *filename, uint64_t perm,
                   uint64_t shared, Error **errp);

/**
 * file_lock_check_create() - the check of image creation: take the write
 * and resize bytes and refuse others resizing, then test as
 * file_lock_set() does.  The caller closes @fd afterwards (which drops
 * the locks).  Returns true when nobody else uses the file.
 */
bool file_lock_check_create(int fd, const char *filename, Error **errp);

#endif /* BLOCK_FILE_LOCK_H */
