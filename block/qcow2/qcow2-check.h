/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qcow2 consistency check and repair (qemu-img check): recount every
 * reference from the tables, compare with the stored refcounts, verify the
 * COPIED flags and table alignment, and optionally fix leaks and errors,
 * rebuilding the whole refcount structure when it cannot be trusted.
 *
 * Behaviour: BLOCK-QMP-REFERENCE.md 3.4 (leaks are refcounts larger than
 * the references and are fixed by -r leaks; smaller ones are errors, fixed
 * by -r all; COPIED must be set exactly when the refcount is 1).
 */
#ifndef BLOCK_QCOW2_CHECK_H
#define BLOCK_QCOW2_CHECK_H

#include "block/qcow2/qcow2.h"

#define QCOW2_FIX_LEAKS  1
#define QCOW2_FIX_ERRORS 2

/** struct Qcow2CheckResult - the counters qemu-img check reports. */
typedef struct Qcow2CheckResult {
    int corruptions;
    int leaks;
    int check_errors;
    int corruptions_fixed;
    int leaks_fixed;
    int64_t image_end_offset;
    int64_t allocated_clusters;
    int64_t total_clusters;
    int64_t fragmented_clusters;
    int64_t compressed_clusters;
} Qcow2CheckResult;

/**
 * qcow2_check() - check the open image and, with @fix, repair it.
 * Problems are described on stderr one per line, as qemu-img check does.
 * Repair needs a writable image.  Returns 0 or -errno (the check itself
 * could not run; counted in check_errors).
 */
int qcow2_check(Qcow2State *s, Qcow2CheckResult *res, int fix);
/** qcow2_check_locked() - the same with the image lock held. */
int qcow2_check_locked(Qcow2State *s, Qcow2CheckResult *res, int fix);

/**
 * qcow2_rebuild_refcounts() - replace the refcount table and blocks with
 * new ones written from the refcounts in *@ref (one per cluster, *@nb
 * clusters, as the check counted them from the tables).  New blocks and
 * the new table take free clusters, which are counted in *@ref (the array
 * grows, *@ref and *@nb are updated); the header is switched over last.
 * The old structure is left leaked.  Lock held, image writable, refcount
 * cache clean.  Returns 0 or -errno (the old structure is then still in
 * use).
 */
int qcow2_rebuild_refcounts(Qcow2State *s, uint32_t **ref, uint64_t *nb);

/**
 * qcow2_rebuild_refcounts_order() - the same, writing refcounts of width
 * 1 << @order: the header's refcount order switches with the table, in
 * the same write (v3 images only when @order changes).
 */
int qcow2_rebuild_refcounts_order(Qcow2State *s, uint32_t **ref,
                                  uint64_t *nb, uint32_t order);

/**
 * qcow2_change_refcount_order() - qemu-img amend -o refcount_bits: count
 * the references, refuse an image with errors or a refcount the new width
 * cannot hold, write a new refcount structure of the new width and switch
 * the header to it, then free the old structure.  A crash leaves the old
 * structure or the new one (with the old one leaked).  Lock held, image
 * writable.  Returns 0 or -errno with @errp set.
 */
int qcow2_change_refcount_order(Qcow2State *s, uint32_t order, Error **errp);

#endif /* BLOCK_QCOW2_CHECK_H */
