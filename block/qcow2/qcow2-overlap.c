/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The qcow2 metadata overlap map (see qcow2-overlap.h for the model).
 *
 * Layout: the host file is cut into windows of QCOW2_OVERLAP_WINDOW_CLUSTERS
 * clusters.  A window holds a GTree (balanced binary tree) of the metadata
 * clusters inside it, each with a per-type reference count, so a check is
 * one lower-bound search per window the write touches plus a walk over the
 * metadata clusters actually inside the write: O(log n) for a valid image.
 *
 * Memory: every entry and tree is charged to the map's budget.  When an
 * entry does not fit, its whole window is dropped (its memory freed) and
 * QCOW2_OVERLAP_CHECK_MEMORY_LIMIT_REACHED is raised once for the window's
 * byte range; the window then fails open.  The owner calls
 * qcow2_overlap_map_recover() at points where its metadata is consistent;
 * dropped windows whose estimated size now fits are refilled through the
 * refill callback and are protected again.  The event is raised again only
 * if a window is lost again after having been restored.
 */
#include <string.h>
#include <glib.h>
#include <json-c/json.h>
#include "block/qcow2/qcow2-overlap.h"
#include "util/event-bus.h"

#define OVERLAP_EVENT "QCOW2_OVERLAP_CHECK_MEMORY_LIMIT_REACHED"

typedef struct OverlapEntry {
    uint64_t cluster;
    uint32_t types;                 /* bit set while count[type] > 0 */
    uint32_t count[QCOW2_OL_MAX];
} OverlapEntry;

/* What one entry and one tree cost, including glib's node overhead. */
#define ENTRY_COST (sizeof(OverlapEntry) + 48)
#define TREE_COST  64

typedef struct OverlapWindow {
    GTree *tree;
    uint64_t nb_entries;
    bool dropped;
    uint64_t dropped_refs;          /* adds minus removes while dropped */
} OverlapWindow;

struct Qcow2OverlapMap {
    uint32_t cluster_bits;
    uint64_t limit;
    uint64_t used;
    uint64_t work;
    char *reference;
    OverlapWindow *windows;
    uint64_t nb_windows;
    unsigned nb_dropped;
    bool refilling;
    uint64_t refill_window;
    Qcow2OverlapRefill refill;
    void *refill_opaque;
};

static const char *const overlap_names[QCOW2_OL_MAX] = {
    [QCOW2_OL_MAIN_HEADER] = "qcow2_header",
    [QCOW2_OL_ACTIVE_L1] = "active L1 table",
    [QCOW2_OL_ACTIVE_L2] = "active L2 table",
    [QCOW2_OL_REFCOUNT_TABLE] = "refcount table",
    [QCOW2_OL_REFCOUNT_BLOCK] = "refcount block",
    [QCOW2_OL_SNAPSHOT_TABLE] = "snapshot table",
    [QCOW2_OL_INACTIVE_L1] = "inactive L1 table",
    [QCOW2_OL_INACTIVE_L2] = "inactive L2 table",
    [QCOW2_OL_BITMAP_DIRECTORY] = "bitmap directory",
};

static const char *const overlap_options[QCOW2_OL_MAX] = {
    [QCOW2_OL_MAIN_HEADER] = "main-header",
    [QCOW2_OL_ACTIVE_L1] = "active-l1",
    [QCOW2_OL_ACTIVE_L2] = "active-l2",
    [QCOW2_OL_REFCOUNT_TABLE] = "refcount-table",
    [QCOW2_OL_REFCOUNT_BLOCK] = "refcount-block",
    [QCOW2_OL_SNAPSHOT_TABLE] = "snapshot-table",
    [QCOW2_OL_INACTIVE_L1] = "inactive-l1",
    [QCOW2_OL_INACTIVE_L2] = "inactive-l2",
    [QCOW2_OL_BITMAP_DIRECTORY] = "bitmap-directory",
};

/* QEMU's order of tests: the first hit names the overlap. */
static const Qcow2OverlapType overlap_priority[QCOW2_OL_MAX] = {
    QCOW2_OL_MAIN_HEADER, QCOW2_OL_ACTIVE_L1, QCOW2_OL_REFCOUNT_TABLE,
    QCOW2_OL_SNAPSHOT_TABLE, QCOW2_OL_INACTIVE_L1, QCOW2_OL_ACTIVE_L2,
    QCOW2_OL_REFCOUNT_BLOCK, QCOW2_OL_INACTIVE_L2, QCOW2_OL_BITMAP_DIRECTORY,
};

static const struct {
    const char *name;
    uint32_t mask;
} overlap_modes[] = {
    { "none", QCOW2_OL_NONE },
    { "constant", QCOW2_OL_CONSTANT },
    { "cached", QCOW2_OL_CACHED },
    { "all", QCOW2_OL_ALL },
};

static gint overlap_cmp(gconstpointer a, gconstpointer b, gpointer opaque)
{
    const OverlapEntry *ea = a, *eb = b;
    Qcow2OverlapMap *map = opaque;

    map->work++;
    return ea->cluster < eb->cluster ? -1 : ea->cluster > eb->cluster;
}

Qcow2OverlapMap *qcow2_overlap_map_new(uint32_t cluster_bits,
                                       uint64_t mem_limit,
                                       const char *reference)
{
    Qcow2OverlapMap *map = g_new0(Qcow2OverlapMap, 1);

    map->cluster_bits = cluster_bits;
    map->limit = mem_limit;
    map->reference = g_strdup(reference ? reference : "");
    map->used = sizeof(*map);
    return map;
}

void qcow2_overlap_map_free(Qcow2OverlapMap *map)
{
    if (!map) {
        return;
    }
    for (uint64_t i = 0; i < map->nb_windows; i++) {
        if (map->windows[i].tree) {
            g_tree_destroy(map->windows[i].tree);
        }
    }
    g_free(map->windows);
    g_free(map->reference);
    g_free(map);
}

void qcow2_overlap_map_set_refill(Qcow2OverlapMap *map,
                                  Qcow2OverlapRefill fn, void *opaque)
{
    map->refill = fn;
    map->refill_opaque = opaque;
}

static OverlapWindow *overlap_window(Qcow2OverlapMap *map, uint64_t w,
                                     bool create)
{
    if (w < map->nb_windows) {
        return &map->windows[w];
    }
    if (!create) {
        return NULL;
    }
    uint64_t n = MAX(w + 1, map->nb_windows * 2);
    map->windows = g_renew(OverlapWindow, map->windows, n);
    memset(map->windows + map->nb_windows, 0,
           (n - map->nb_windows) * sizeof(OverlapWindow));
    map->used += (n - map->nb_windows) * sizeof(OverlapWindow);
    map->nb_windows = n;
    return &map->windows[w];
}

static void overlap_emit(Qcow2OverlapMap *map, uint64_t w)
{
    uint64_t bytes = (uint64_t)QCOW2_OVERLAP_WINDOW_CLUSTERS
                     << map->cluster_bits;
    struct json_object *data = json_object_new_object();

    json_object_object_add(data, "reference",
                           json_object_new_string(map->reference));
    json_object_object_add(data, "start",
                           json_object_new_int64((int64_t)(w * bytes)));
    json_object_object_add(data, "length",
                           json_object_new_int64((int64_t)bytes));
    event_bus_emit(OVERLAP_EVENT, data);
}

static uint64_t overlap_window_refs(OverlapWindow *win)
{
    uint64_t refs = 0;
    GTreeNode *node = win->tree ? g_tree_node_first(win->tree) : NULL;

    for (; node; node = g_tree_node_next(node)) {
        const OverlapEntry *e = g_tree_node_key(node);
        for (unsigned t = 0; t < QCOW2_OL_MAX; t++) {
            refs += e->count[t];
        }
    }
    return refs;
}

/* Free a window's entries and make it fail open. */
static void overlap_drop(Qcow2OverlapMap *map, uint64_t w)
{
    OverlapWindow *win = &map->windows[w];

    win->dropped_refs = overlap_window_refs(win) + 1;
    if (win->tree) {
        g_tree_destroy(win->tree);
        win->tree = NULL;
        map->used -= TREE_COST + win->nb_entries * ENTRY_COST;
    }
    win->nb_entries = 0;
    win->dropped = true;
    map->nb_dropped++;
    if (!map->refilling) {
        overlap_emit(map, w);
    }
}

static void overlap_add_cluster(Qcow2OverlapMap *map, uint64_t c,
                                Qcow2OverlapType type)
{
    uint64_t w = c / QCOW2_OVERLAP_WINDOW_CLUSTERS;
    OverlapWindow *win;
    OverlapEntry key = { .cluster = c }, *e;
    uint64_t cost;

    if (map->refilling && w != map->refill_window) {
        return;
    }
    win = overlap_window(map, w, true);
    if (win->dropped) {
        win->dropped_refs++;
        return;
    }
    e = win->tree ? g_tree_lookup(win->tree, &key) : NULL;
    if (e) {
        e->count[type]++;
        e->types |= QCOW2_OL_BIT(type);
        return;
    }
    cost = ENTRY_COST + (win->tree ? 0 : TREE_COST);
    if (map->used + cost > map->limit) {
        overlap_drop(map, w);
        return;
    }
    if (!win->tree) {
        win->tree = g_tree_new_full(overlap_cmp, map, g_free, NULL);
    }
    e = g_new0(OverlapEntry, 1);
    e->cluster = c;
    e->count[type] = 1;
    e->types = QCOW2_OL_BIT(type);
    g_tree_insert(win->tree, e, e);
    win->nb_entries++;
    map->used += cost;
}

static void overlap_remove_cluster(Qcow2OverlapMap *map, uint64_t c,
                                   Qcow2OverlapType type)
{
    OverlapWindow *win = overlap_window(map,
                                        c / QCOW2_OVERLAP_WINDOW_CLUSTERS,
                                        false);
    OverlapEntry key = { .cluster = c }, *e;

    if (!win) {
        return;
    }
    if (win->dropped) {
        win->dropped_refs -= win->dropped_refs > 1;
        return;
    }
    e = win->tree ? g_tree_lookup(win->tree, &key) : NULL;
    if (!e || !e->count[type]) {
        return;
    }
    if (--e->count[type] == 0) {
        e->types &= ~QCOW2_OL_BIT(type);
    }
    if (e->types) {
        return;
    }
    g_tree_remove(win->tree, e);
    map->used -= ENTRY_COST;
    if (--win->nb_entries == 0) {
        g_tree_destroy(win->tree);
        win->tree = NULL;
        map->used -= TREE_COST;
    }
}

void qcow2_overlap_add(Qcow2OverlapMap *map, uint64_t offset, uint64_t bytes,
                       Qcow2OverlapType type)
{
    if (!bytes) {
        return;
    }
    uint64_t first = offset >> map->cluster_bits;
    uint64_t last = (offset + bytes - 1) >> map->cluster_bits;
    for (uint64_t c = first; c <= last; c++) {
        overlap_add_cluster(map, c, type);
    }
}

void qcow2_overlap_remove(Qcow2OverlapMap *map, uint64_t offset,
                          uint64_t bytes, Qcow2OverlapType type)
{
    if (!bytes) {
        return;
    }
    uint64_t first = offset >> map->cluster_bits;
    uint64_t last = (offset + bytes - 1) >> map->cluster_bits;
    for (uint64_t c = first; c <= last; c++) {
        overlap_remove_cluster(map, c, type);
    }
}

static uint32_t overlap_window_hits(Qcow2OverlapMap *map, OverlapWindow *win,
                                    uint64_t lo, uint64_t hi, uint32_t mask)
{
    OverlapEntry key = { .cluster = lo };
    uint32_t hits = 0;
    GTreeNode *node = g_tree_lower_bound(win->tree, &key);

    for (; node; node = g_tree_node_next(node)) {
        const OverlapEntry *e = g_tree_node_key(node);
        map->work++;
        if (e->cluster > hi) {
            break;
        }
        hits |= e->types & mask;
    }
    return hits;
}

int qcow2_overlap_check(Qcow2OverlapMap *map, uint32_t mask, uint64_t offset,
                        uint64_t bytes)
{
    uint32_t hits = 0;
    uint32_t tree_mask = mask & ~QCOW2_OL_BIT(QCOW2_OL_MAIN_HEADER);

    if (!bytes || !mask) {
        return -1;
    }
    if ((mask & QCOW2_OL_BIT(QCOW2_OL_MAIN_HEADER)) &&
        offset < (1ull << map->cluster_bits)) {
        hits |= QCOW2_OL_BIT(QCOW2_OL_MAIN_HEADER);
    }
    uint64_t first = offset >> map->cluster_bits;
    uint64_t last = (offset + bytes - 1) >> map->cluster_bits;
    uint64_t wfirst = first / QCOW2_OVERLAP_WINDOW_CLUSTERS;
    uint64_t wlast = MIN(last / QCOW2_OVERLAP_WINDOW_CLUSTERS,
                         map->nb_windows ? map->nb_windows - 1 : 0);
    for (uint64_t w = wfirst; tree_mask && w <= wlast && w < map->nb_windows;
         w++) {
        OverlapWindow *win = &map->windows[w];
        uint64_t base = w * QCOW2_OVERLAP_WINDOW_CLUSTERS;
        map->work++;
        if (!win->tree) {
            continue;
        }
        hits |= overlap_window_hits(map, win, MAX(first, base),
                                    MIN(last, base +
                                        QCOW2_OVERLAP_WINDOW_CLUSTERS - 1),
                                    tree_mask);
    }
    for (unsigned i = 0; hits && i < QCOW2_OL_MAX; i++) {
        if (hits & QCOW2_OL_BIT(overlap_priority[i])) {
            return overlap_priority[i];
        }
    }
    return -1;
}

bool qcow2_overlap_map_recover(Qcow2OverlapMap *map)
{
    bool restored = false;

    if (!map->nb_dropped || !map->refill || map->refilling) {
        return false;
    }
    for (uint64_t w = 0; w < map->nb_windows && map->nb_dropped; w++) {
        OverlapWindow *win = &map->windows[w];
        uint64_t need = win->dropped_refs * ENTRY_COST + TREE_COST;
        if (!win->dropped || map->used + need > map->limit) {
            continue;
        }
        win->dropped = false;
        win->dropped_refs = 0;
        map->nb_dropped--;
        map->refilling = true;
        map->refill_window = w;
        map->refill(map, map->refill_opaque);
        map->refilling = false;
        restored |= !win->dropped;
    }
    return restored;
}

const char *qcow2_overlap_type_name(Qcow2OverlapType type)
{
    return type < QCOW2_OL_MAX ? overlap_names[type] : "unknown";
}

bool qcow2_overlap_parse_mode(const char *mode, uint32_t *mask)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(overlap_modes); i++) {
        if (!strcmp(mode, overlap_modes[i].name)) {
            *mask = overlap_modes[i].mask;
            return true;
        }
    }
    return false;
}

int qcow2_overlap_option_type(const char *name)
{
    for (unsigned i = 0; i < QCOW2_OL_MAX; i++) {
        if (!strcmp(name, overlap_options[i])) {
            return (int)i;
        }
    }
    return -1;
}

uint64_t qcow2_overlap_map_mem_used(const Qcow2OverlapMap *map)
{
    return map->used;
}

uint64_t qcow2_overlap_map_work(const Qcow2OverlapMap *map)
{
    return map->work;
}

unsigned qcow2_overlap_map_uncovered(const Qcow2OverlapMap *map)
{
    return map->nb_dropped;
}

void qcow2_overlap_map_set_limit(Qcow2OverlapMap *map, uint64_t limit)
{
    map->limit = limit;
}
