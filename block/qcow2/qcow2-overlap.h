/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The qcow2 metadata overlap map: which host clusters hold which kind of
 * metadata, active and inactive, so that every host write the driver issues
 * can be checked in O(log n) whatever the overlap-check mode.
 *
 * Behaviour: BLOCK-QMP-REFERENCE.md 2.1-2.4 and issue 4 item 4.  Unlike
 * QEMU's linear scans (and its "all" mode, which reads every snapshot L1
 * and inactive L2 from disk on each check), every structure is kept here,
 * counted per type per cluster (an inactive L2 table may be shared by many
 * snapshots), in one balanced tree per window of host clusters.  Memory is
 * bounded by overlap-check-memory-limit: a window whose entries do not fit
 * is dropped, reported once by QCOW2_OVERLAP_CHECK_MEMORY_LIMIT_REACHED,
 * and fails open (its checks find nothing) until enough memory is free
 * again; then the owner's refill callback re-enters its metadata.
 */
#ifndef BLOCK_QCOW2_OVERLAP_H
#define BLOCK_QCOW2_OVERLAP_H

#include <stdbool.h>
#include <stdint.h>

/* Overlap types, as QEMU numbers them (QCow2MetadataOverlap bits). */
typedef enum Qcow2OverlapType {
    QCOW2_OL_MAIN_HEADER = 0,
    QCOW2_OL_ACTIVE_L1,
    QCOW2_OL_ACTIVE_L2,
    QCOW2_OL_REFCOUNT_TABLE,
    QCOW2_OL_REFCOUNT_BLOCK,
    QCOW2_OL_SNAPSHOT_TABLE,
    QCOW2_OL_INACTIVE_L1,
    QCOW2_OL_INACTIVE_L2,
    QCOW2_OL_BITMAP_DIRECTORY,
    QCOW2_OL_MAX
} Qcow2OverlapType;

#define QCOW2_OL_BIT(t)       (1u << (t))
#define QCOW2_OL_NONE         0u
#define QCOW2_OL_CONSTANT     (QCOW2_OL_BIT(QCOW2_OL_MAIN_HEADER) | \
                               QCOW2_OL_BIT(QCOW2_OL_ACTIVE_L1) | \
                               QCOW2_OL_BIT(QCOW2_OL_REFCOUNT_TABLE) | \
                               QCOW2_OL_BIT(QCOW2_OL_SNAPSHOT_TABLE) | \
                               QCOW2_OL_BIT(QCOW2_OL_BITMAP_DIRECTORY))
#define QCOW2_OL_CACHED       (QCOW2_OL_CONSTANT | \
                               QCOW2_OL_BIT(QCOW2_OL_ACTIVE_L2) | \
                               QCOW2_OL_BIT(QCOW2_OL_REFCOUNT_BLOCK) | \
                               QCOW2_OL_BIT(QCOW2_OL_INACTIVE_L1))
#define QCOW2_OL_ALL          (QCOW2_OL_CACHED | \
                               QCOW2_OL_BIT(QCOW2_OL_INACTIVE_L2))

/* Host clusters per window (the unit of coverage under a memory limit). */
#define QCOW2_OVERLAP_WINDOW_CLUSTERS 4096

typedef struct Qcow2OverlapMap Qcow2OverlapMap;

/**
 * typedef Qcow2OverlapRefill - re-enter every metadata cluster (the map
 * keeps only those inside the window being restored).
 */
typedef void (*Qcow2OverlapRefill)(Qcow2OverlapMap *map, void *opaque);

/**
 * qcow2_overlap_map_new() - an empty map.
 * @cluster_bits: log2 of the image's cluster size.
 * @mem_limit: bytes the map may use (UINT64_MAX: unlimited).
 * @reference: "reference" member of the memory-limit event (copied).
 */
Qcow2OverlapMap *qcow2_overlap_map_new(uint32_t cluster_bits,
                                       uint64_t mem_limit,
                                       const char *reference);
void qcow2_overlap_map_free(Qcow2OverlapMap *map);

/** qcow2_overlap_map_set_refill() - how to restore a dropped window. */
void qcow2_overlap_map_set_refill(Qcow2OverlapMap *map,
                                  Qcow2OverlapRefill fn, void *opaque);

/**
 * qcow2_overlap_add() - note that [@offset, @offset + @bytes) (widened to
 * whole clusters) holds metadata of @type, once more.
 */
void qcow2_overlap_add(Qcow2OverlapMap *map, uint64_t offset, uint64_t bytes,
                       Qcow2OverlapType type);

/** qcow2_overlap_remove() - undo one qcow2_overlap_add() of that range. */
void qcow2_overlap_remove(Qcow2OverlapMap *map, uint64_t offset,
                          uint64_t bytes, Qcow2OverlapType type);

/**
 * qcow2_overlap_check() - the metadata type a write would hit.
 * @mask: types to check (QCOW2_OL_BIT set).
 *
 * Returns the first type hit in QEMU's priority order (main header, active
 * L1, refcount table, snapshot table, inactive L1, active L2, refcount
 * block, inactive L2, bitmap directory), or -1 when nothing in @mask
 * overlaps.  The main header is tested on the raw offset (offset <
 * cluster size); the rest on the range widened to cluster boundaries.
 * Windows dropped for memory report nothing.
 */
int qcow2_overlap_check(Qcow2OverlapMap *map, uint32_t mask, uint64_t offset,
                        uint64_t bytes);

/**
 * qcow2_overlap_map_recover() - restore dropped windows that fit again.
 *
 * Call where the owner's metadata is consistent (between requests): the
 * refill callback is run once per window that now fits.  Returns true if
 * any window became protected again.
 */
bool qcow2_overlap_map_recover(Qcow2OverlapMap *map);

/** qcow2_overlap_type_name() - the name QEMU's corruption message uses. */
const char *qcow2_overlap_type_name(Qcow2OverlapType type);

/**
 * qcow2_overlap_parse_mode() - "none", "constant", "cached", "all" to a
 * mask; returns false for anything else.
 */
bool qcow2_overlap_parse_mode(const char *mode, uint32_t *mask);

/** qcow2_overlap_option_type() - type for "main-header", "active-l1"... */
int qcow2_overlap_option_type(const char *name);

/** Bytes in use, for tests and query output. */
uint64_t qcow2_overlap_map_mem_used(const Qcow2OverlapMap *map);
/** Work counter: tree comparisons and node visits since creation. */
uint64_t qcow2_overlap_map_work(const Qcow2OverlapMap *map);
/** Number of windows currently dropped for lack of memory. */
unsigned qcow2_overlap_map_uncovered(const Qcow2OverlapMap *map);
/** Change the limit; dropped windows come back when they fit. */
void qcow2_overlap_map_set_limit(Qcow2OverlapMap *map, uint64_t limit);

#endif /* BLOCK_QCOW2_OVERLAP_H */
