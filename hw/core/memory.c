/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The physical memory map: regions (RAM, ROM, IO, ALIAS), their placement
 * with priorities, and the flat view that dispatch and the CPU's phys_map
 * read.  Accesses through the view are in hw/core/memory-access.c.
 *
 * The flat view is a sorted array of non-overlapping ranges, each naming
 * the resolved (non-alias) region that serves it and the offset in it.  It
 * is rebuilt from scratch after every change (or once per
 * memory_map_begin/commit batch): cut the address space at every region
 * boundary, give each piece to the covering region of highest priority
 * (ties: the most recently placed), resolve aliases, and merge neighbours
 * that continue the same region.  A PC has a few dozen regions, so the
 * quadratic paint is cheaper than keeping a tree up to date.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/mman.h>

#include "hw/core/memory-internal.h"

/* RAM above this size is mapped lazily with mmap instead of g_malloc0. */
#define MEMORY_MMAP_THRESHOLD (1u << 20)

/* Every live map, so a change seen through aliases refreshes them all. */
static GPtrArray *memory_all_maps;

static void memory_map_changed(MemoryMap *map);

typedef struct MemoryListenerEntry {
    const MemoryListener *l;
    void *opaque;
} MemoryListenerEntry;

static bool memory_region_alloc_host(MemoryRegion *mr, uint64_t size,
                                     Error **errp)
{
    void *p;

    if (size == 0 || size > (UINT64_C(1) << 48)) {
        error_setg(errp, "Invalid size %" PRIu64 " for memory region '%s'",
                   size, mr->name);
        return false;
    }
    if (size < MEMORY_MMAP_THRESHOLD) {
        mr->host = g_malloc0(size);
        return true;
    }
    p = mmap(NULL, size, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        error_setg_errno(errp, errno, "Cannot allocate %" PRIu64
                         " bytes for memory region '%s'", size, mr->name);
        return false;
    }
    mr->host = p;
    mr->host_mmapped = true;
    return true;
}

static void memory_region_init_common(MemoryRegion *mr, const char *name,
                                      MemoryRegionKind kind, uint64_t size)
{
    memset(mr, 0, sizeof(*mr));
    mr->name = g_strdup(name ? name : "anonymous");
    mr->kind = kind;
    mr->size = size;
}

bool memory_region_init_ram(MemoryRegion *mr, const char *name,
                            uint64_t size, Error **errp)
{
    memory_region_init_common(mr, name, MEMORY_REGION_RAM, size);
    if (!memory_region_alloc_host(mr, size, errp)) {
        g_free(mr->name);
        mr->name = NULL;
        return false;
    }
    return true;
}

bool memory_region_init_rom(MemoryRegion *mr, const char *name,
                            uint64_t size, Error **errp)
{
    if (!memory_region_init_ram(mr, name, size, errp)) {
        return false;
    }
    mr->kind = MEMORY_REGION_ROM;
    return true;
}

void memory_region_init_io(MemoryRegion *mr, const char *name,
                           const MemoryRegionOps *ops, void *opaque,
                           uint64_t size)
{
    assert(ops);
    memory_region_init_common(mr, name, MEMORY_REGION_IO, size);
    mr->ops = ops;
    mr->opaque = opaque;
}

void memory_region_init_alias(MemoryRegion *mr, const char *name,
                              MemoryRegion *target, uint64_t offset,
                              uint64_t size)
{
    assert(target && target != mr);
    memory_region_init_common(mr, name, MEMORY_REGION_ALIAS, size);
    mr->alias_target = target;
    mr->alias_offset = offset;
}

void memory_region_destroy(MemoryRegion *mr)
{
    if (!mr) {
        return;
    }
    memory_map_del(mr);
    if (mr->host_mmapped) {
        munmap(mr->host, mr->size);
    } else {
        g_free(mr->host);
    }
    g_free(mr->name);
    memset(mr, 0, sizeof(*mr));
}

uint8_t *memory_region_get_ram_ptr(MemoryRegion *mr)
{
    return mr->kind == MEMORY_REGION_RAM || mr->kind == MEMORY_REGION_ROM
               ? mr->host
               : NULL;
}

MemoryMap *memory_map_new(const char *name, uint64_t limit)
{
    MemoryMap *map = g_new0(MemoryMap, 1);

    map->name = g_strdup(name);
    map->limit = limit;
    map->regions = g_ptr_array_new();
    map->listeners = g_array_new(FALSE, FALSE, sizeof(MemoryListenerEntry));
    if (!memory_all_maps) {
        memory_all_maps = g_ptr_array_new();
    }
    g_ptr_array_add(memory_all_maps, map);
    return map;
}

void memory_map_free(MemoryMap *map)
{
    guint i;

    if (!map) {
        return;
    }
    for (i = 0; i < map->regions->len; i++) {
        MemoryRegion *mr = g_ptr_array_index(map->regions, i);

        mr->map = NULL;
    }
    g_ptr_array_remove(memory_all_maps, map);
    if (memory_all_maps->len == 0) {
        g_ptr_array_free(memory_all_maps, TRUE);
        memory_all_maps = NULL;
    }
    g_ptr_array_free(map->regions, TRUE);
    g_array_free(map->listeners, TRUE);
    g_free(map->flat);
    g_free(map->name);
    g_free(map);
}

/*
 * Resolve @mr at @offset through aliases.  Returns the serving region and
 * stores its offset; *@len shrinks to what stays contiguous in it.  NULL
 * when the offset falls outside a region (an alias larger than its target).
 */
static MemoryRegion *memory_resolve(MemoryRegion *mr, uint64_t offset,
                                    uint64_t *len, uint64_t *out_offset)
{
    unsigned depth;

    for (depth = 0; depth < 16; depth++) {
        if (offset >= mr->size) {
            return NULL;
        }
        *len = MIN(*len, mr->size - offset);
        if (mr->kind != MEMORY_REGION_ALIAS) {
            *out_offset = offset;
            return mr;
        }
        offset += mr->alias_offset;
        mr = mr->alias_target;
    }
    /* An alias cycle (or absurd chain): treat as unassigned. */
    return NULL;
}

/* Does @a beat @b where both cover an address? */
static bool memory_region_wins(const MemoryRegion *a, const MemoryRegion *b)
{
    if (a->priority != b->priority) {
        return a->priority > b->priority;
    }
    return a->order > b->order;
}

static int memory_cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

static void memory_flat_push(GArray *out, uint64_t start, uint64_t end,
                             MemoryRegion *target, uint64_t offset)
{
    if (out->len) {
        FlatRange *last = &g_array_index(out, FlatRange, out->len - 1);

        if (last->end == start && last->target == target &&
            last->offset + (last->end - last->start) == offset) {
            last->end = end;
            return;
        }
    }
    g_array_append_val(out, ((FlatRange){ start, end, target, offset }));
}

/* The winner among enabled regions covering [a, ...); NULL if none. */
static MemoryRegion *memory_top_region(MemoryMap *map, uint64_t a)
{
    MemoryRegion *best = NULL;
    guint i;

    for (i = 0; i < map->regions->len; i++) {
        MemoryRegion *mr = g_ptr_array_index(map->regions, i);

        if (mr->enabled && a >= mr->addr && a - mr->addr < mr->size &&
            (!best || memory_region_wins(mr, best))) {
            best = mr;
        }
    }
    return best;
}

static void memory_map_rebuild(MemoryMap *map)
{
    GArray *points = g_array_new(FALSE, FALSE, sizeof(uint64_t));
    GArray *out = g_array_new(FALSE, FALSE, sizeof(FlatRange));
    guint i;

    for (i = 0; i < map->regions->len; i++) {
        MemoryRegion *mr = g_ptr_array_index(map->regions, i);
        uint64_t end = mr->addr + mr->size;

        if (mr->enabled) {
            g_array_append_val(points, mr->addr);
            g_array_append_val(points, end);
        }
    }
    g_array_sort(points, memory_cmp_u64);
    for (i = 0; i + 1 < points->len; i++) {
        uint64_t a = g_array_index(points, uint64_t, i);
        uint64_t b = g_array_index(points, uint64_t, i + 1);
        MemoryRegion *top = a < b ? memory_top_region(map, a) : NULL;

        while (top && a < b) {
            uint64_t len = b - a, off = 0;
            MemoryRegion *t = memory_resolve(top, a - top->addr, &len, &off);

            if (!t) {
                break;
            }
            memory_flat_push(out, a, a + len, t, off);
            a += len;
        }
    }
    g_array_free(points, TRUE);
    g_free(map->flat);
    map->nflat = out->len;
    map->flat = (FlatRange *)g_array_free(out, FALSE);
    map->generation++;
}

/* Rebuild (unless batching) and tell the listeners. */
static void memory_map_changed(MemoryMap *map)
{
    guint i;

    if (!map) {
        return;
    }
    if (map->txn_depth) {
        map->dirty = true;
        return;
    }
    memory_map_rebuild(map);
    map->dirty = false;
    for (i = 0; i < map->listeners->len; i++) {
        MemoryListenerEntry *e =
            &g_array_index(map->listeners, MemoryListenerEntry, i);

        if (e->l->map_changed) {
            e->l->map_changed(e->opaque);
        }
    }
}

void memory_map_begin(MemoryMap *map)
{
    map->txn_depth++;
}

void memory_map_commit(MemoryMap *map)
{
    assert(map->txn_depth > 0);
    if (--map->txn_depth == 0 && map->dirty) {
        memory_map_changed(map);
    }
}

void memory_map_add(MemoryMap *map, MemoryRegion *mr, uint64_t addr,
                    int priority)
{
    /* Placing a region twice or outside the map is a machine bug. */
    assert(!mr->map);
    assert(mr->size <= map->limit && addr <= map->limit - mr->size);
    mr->map = map;
    mr->addr = addr;
    mr->priority = priority;
    mr->enabled = true;
    mr->order = ++map->order_counter;
    g_ptr_array_add(map->regions, mr);
    memory_map_changed(map);
}

void memory_map_del(MemoryRegion *mr)
{
    MemoryMap *map = mr->map;

    if (!map) {
        return;
    }
    g_ptr_array_remove(map->regions, mr);
    mr->map = NULL;
    memory_map_changed(map);
}

void memory_region_set_readonly(MemoryRegion *mr, bool readonly)
{
    if (mr->readonly != readonly) {
        mr->readonly = readonly;
        memory_map_changed_all(mr);
    }
}

void memory_region_set_enabled(MemoryRegion *mr, bool enabled)
{
    if (mr->enabled != enabled) {
        mr->enabled = enabled;
        if (mr->map) {
            mr->order = ++mr->map->order_counter;
        }
        memory_map_changed(mr->map);
    }
}

void memory_region_set_address(MemoryRegion *mr, uint64_t addr)
{
    if (mr->map) {
        assert(addr <= mr->map->limit - mr->size);
        mr->order = ++mr->map->order_counter;
    }
    mr->addr = addr;
    memory_map_changed(mr->map);
}

void memory_region_set_alias_offset(MemoryRegion *mr, uint64_t offset)
{
    assert(mr->kind == MEMORY_REGION_ALIAS);
    if (mr->alias_offset != offset) {
        mr->alias_offset = offset;
        memory_map_changed_all(mr);
    }
}

/*
 * A change to @mr's contents mapping (read-only, alias offset) may show
 * through aliases placed in any map.  Maps are few (memory, I/O), so all
 * of them are refreshed.
 */
void memory_map_changed_all(MemoryRegion *mr)
{
    guint i;

    (void)mr;
    for (i = 0; i < memory_all_maps->len; i++) {
        memory_map_changed(g_ptr_array_index(memory_all_maps, i));
    }
}

void memory_map_add_listener(MemoryMap *map, const MemoryListener *l,
                             void *opaque)
{
    MemoryListenerEntry e = { l, opaque };

    g_array_append_val(map->listeners, e);
}

void memory_map_remove_listener(MemoryMap *map, const MemoryListener *l,
                                void *opaque)
{
    guint i;

    for (i = 0; i < map->listeners->len; i++) {
        MemoryListenerEntry *e =
            &g_array_index(map->listeners, MemoryListenerEntry, i);

        if (e->l == l && e->opaque == opaque) {
            g_array_remove_index(map->listeners, i);
            return;
        }
    }
}

void memory_map_notify_written(MemoryMap *map, uint64_t addr, uint64_t len)
{
    guint i;

    for (i = 0; i < map->listeners->len; i++) {
        MemoryListenerEntry *e =
            &g_array_index(map->listeners, MemoryListenerEntry, i);

        if (e->l->ram_written) {
            e->l->ram_written(e->opaque, addr, len);
        }
    }
}

const FlatRange *memory_map_find(MemoryMap *map, uint64_t addr)
{
    size_t lo = 0, hi = map->nflat;

    /* Accesses cluster (a loop over RAM, a driver polling a register):
     * try the range that answered last time before searching. */
    if (map->last_hit < map->nflat) {
        const FlatRange *fr = &map->flat[map->last_hit];

        if (addr >= fr->start && addr < fr->end) {
            return fr;
        }
    }

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const FlatRange *fr = &map->flat[mid];

        if (addr < fr->start) {
            hi = mid;
        } else if (addr >= fr->end) {
            lo = mid + 1;
        } else {
            map->last_hit = mid;
            return fr;
        }
    }
    return NULL;
}

MemoryRegion *memory_map_lookup(MemoryMap *map, uint64_t addr,
                                uint64_t *offset)
{
    const FlatRange *fr = memory_map_find(map, addr);

    if (!fr) {
        return NULL;
    }
    if (offset) {
        *offset = fr->offset + (addr - fr->start);
    }
    return fr->target;
}

static const char *memory_kind_name(const MemoryRegion *mr)
{
    static const char *const names[] = {
        [MEMORY_REGION_RAM] = "ram",
        [MEMORY_REGION_ROM] = "rom",
        [MEMORY_REGION_IO] = "i/o",
        [MEMORY_REGION_ALIAS] = "alias",
    };

    if (mr->kind == MEMORY_REGION_RAM && mr->readonly) {
        return "ram, read-only";
    }
    return names[mr->kind];
}

char *memory_map_dump(MemoryMap *map)
{
    GString *s = g_string_new(NULL);
    size_t i;

    for (i = 0; i < map->nflat; i++) {
        const FlatRange *fr = &map->flat[i];

        g_string_append_printf(s, "%016" PRIx64 "-%016" PRIx64
                               " (%s): %s @%" PRIx64 "\n",
                               fr->start, fr->end - 1,
                               memory_kind_name(fr->target), fr->target->name,
                               fr->offset);
    }
    return g_string_free(s, FALSE);
}
