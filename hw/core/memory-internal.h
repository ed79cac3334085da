/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to hw/core: the MemoryMap structure and its flat view, shared by
 * memory.c (building the view) and memory-access.c (dispatch, DMA).
 */
#ifndef HW_CORE_MEMORY_INTERNAL_H
#define HW_CORE_MEMORY_INTERNAL_H

#include <assert.h>
#include <glib.h>

#include "hw/core/memory.h"

/* [start, end) served by @target from @offset on; @target is no alias. */
typedef struct FlatRange {
    uint64_t start;
    uint64_t end;
    MemoryRegion *target;
    uint64_t offset;
} FlatRange;

struct MemoryMap {
    char *name;
    uint64_t limit;
    GPtrArray *regions;      /* MemoryRegion *, placed in this map */
    GArray *listeners;       /* MemoryListenerEntry */
    FlatRange *flat;
    size_t nflat;
    unsigned txn_depth;
    bool dirty;
    uint64_t order_counter;
    uint64_t generation;
    size_t last_hit;         /* flat index of the last lookup (a hint) */
};

/* The flat range holding @addr, or NULL (unassigned). */
const FlatRange *memory_map_find(MemoryMap *map, uint64_t addr);
/* Tell every listener of @map that RAM at [@addr, +@len) was written. */
void memory_map_notify_written(MemoryMap *map, uint64_t addr, uint64_t len);
/* Rebuild every map: @mr changed in a way aliases may show. */
void memory_map_changed_all(MemoryRegion *mr);

#endif /* HW_CORE_MEMORY_INTERNAL_H */
