/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Image locking of the file and host_device drivers
 * (include/block/file-lock.h): the OFD byte-range lock protocol QEMU
 * uses, so that Plimsoll and QEMU processes refuse to open an image the
 * other one writes.
 *
 * Bytes 100..103 say "I hold permission i", bytes 200..203 "I do not
 * share permission i".  All locks are shared (F_RDLCK): a conflict is
 * not a failed lock but a test (F_OFD_GETLK asking for F_WRLCK) that
 * finds another open file description holding the opposite byte.  OFD
 * locks belong to the open file description, so two nodes of one
 * process on one file see each other as QEMU's do, and closing the
 * descriptor drops them.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include <glib.h>

#include "block/block.h"
#include "block/file-lock.h"

#define FILE_LOCK_BITS 4

/* QEMU's names of the permissions, by bit (its error messages use them). */
static const char *const file_lock_names[FILE_LOCK_BITS] = {
    "consistent read", "write", "write unchanged", "resize",
};

bool file_lock_parse_mode(const char *s, FileLockMode *out, Error **errp)
{
    static const char *const names[] = { "auto", "on", "off" };

    *out = FILE_LOCK_AUTO;
    if (!s) {
        return true;
    }
    for (unsigned i = 0; i < G_N_ELEMENTS(names); i++) {
        if (!strcmp(s, names[i])) {
            *out = (FileLockMode)i;
            return true;
        }
    }
    error_setg(errp, "invalid parameter value: %s", s);
    return false;
}

void file_lock_init(FileLock *l, FileLockMode mode)
{
    *l = (FileLock){
        .enabled = mode != FILE_LOCK_OFF,
        .shared = BLK_PERM_ALL,
    };
}

const char *file_lock_perm_name(uint64_t bit)
{
    for (int i = 0; i < FILE_LOCK_BITS; i++) {
        if (bit == (1ull << i)) {
            return file_lock_names[i];
        }
    }
    return "?";
}

/* One byte: F_RDLCK to lock, F_UNLCK to unlock; -errno on failure. */
static int file_lock_byte(int fd, int off, short type)
{
    struct flock fl = {
        .l_whence = SEEK_SET,
        .l_start = off,
        .l_len = 1,
        .l_type = type,
    };

    return fcntl(fd, F_OFD_SETLK, &fl) < 0 ? -errno : 0;
}

/* Whether another open file description holds a lock on byte @off. */
static bool file_lock_byte_taken(int fd, int off)
{
    struct flock fl = {
        .l_whence = SEEK_SET,
        .l_start = off,
        .l_len = 1,
        .l_type = F_WRLCK,
    };

    if (fcntl(fd, F_OFD_GETLK, &fl) < 0) {
        return false;
    }
    return fl.l_type != F_UNLCK;
}

/*
 * Make @fd hold exactly the bytes of @perm (100 + i) and @unshared
 * (200 + i), changing only the bytes that differ from what @l records.
 * Unlocking does not fail on Linux; a failed lock is reported.
 */
static bool file_lock_apply(FileLock *l, int fd, uint64_t perm,
                            uint64_t unshared, Error **errp)
{
    for (int i = 0; i < FILE_LOCK_BITS; i++) {
        const struct {
            uint64_t want, *held;
            int base;
        } sets[] = {
            { perm, &l->locked_perm, FILE_LOCK_PERM_BASE },
            { unshared, &l->locked_unshared, FILE_LOCK_SHARED_BASE },
        };
        uint64_t bit = 1ull << i;

        for (unsigned k = 0; k < G_N_ELEMENTS(sets); k++) {
            bool want = sets[k].want & bit;
            int ret;

            if (want == !!(*sets[k].held & bit)) {
                continue;
            }
            ret = file_lock_byte(fd, sets[k].base + i,
                                 want ? F_RDLCK : F_UNLCK);
            if (ret < 0 && want) {
                error_setg_errno(errp, -ret, "Failed to lock byte %d",
                                 sets[k].base + i);
                return false;
            }
            *sets[k].held = want ? (*sets[k].held | bit)
                                 : (*sets[k].held & ~bit);
        }
    }
    return true;
}

/* Test @perm and ~@shared against the other users of the file. */
static bool file_lock_test(int fd, uint64_t perm, uint64_t shared,
                           Error **errp)
{
    for (int i = 0; i < FILE_LOCK_BITS; i++) {
        uint64_t bit = 1ull << i;

        if ((perm & bit) && file_lock_byte_taken(fd,
                                                 FILE_LOCK_SHARED_BASE + i)) {
            error_setg(errp, "Failed to get \"%s\" lock", file_lock_names[i]);
            return false;
        }
    }
    for (int i = 0; i < FILE_LOCK_BITS; i++) {
        uint64_t bit = 1ull << i;

        if (!(shared & bit) && file_lock_byte_taken(fd,
                                                    FILE_LOCK_PERM_BASE + i)) {
            error_setg(errp, "Failed to get shared \"%s\" lock",
                       file_lock_names[i]);
            return false;
        }
    }
    return true;
}

bool file_lock_set(FileLock *l, int fd, const char *filename, uint64_t perm,
                   uint64_t shared, Error **errp)
{
    uint64_t unshared = ~shared & BLK_PERM_ALL;

    perm &= BLK_PERM_ALL;
    if (!l->enabled) {
        l->perm = perm;
        l->shared = shared & BLK_PERM_ALL;
        return true;
    }
    /* Growing: hold the union first, so there is no window without. */
    if ((perm & ~l->perm) || (unshared & l->shared)) {
        uint64_t old_unshared = ~l->shared & BLK_PERM_ALL;

        if (!file_lock_apply(l, fd, l->perm | perm, old_unshared | unshared,
                             errp) ||
            !file_lock_test(fd, perm, shared, errp)) {
            error_append_hint(errp, "Is another process using the image "
                              "[%s]?\n", filename);
            file_lock_apply(l, fd, l->perm, old_unshared, NULL);
            return false;
        }
    }
    file_lock_apply(l, fd, perm, unshared, NULL);
    l->perm = perm;
    l->shared = shared & BLK_PERM_ALL;
    return true;
}

bool file_lock_check_create(int fd, const char *filename, Error **errp)
{
    FileLock l;

    file_lock_init(&l, FILE_LOCK_AUTO);
    return file_lock_set(&l, fd, filename, BLK_PERM_WRITE | BLK_PERM_RESIZE,
                         BLK_PERM_ALL & ~BLK_PERM_RESIZE, errp);
}
