/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Bounded write-back caches of cluster-sized qcow2 tables: one for L2
 * tables (l2-cache-size) and one for refcount blocks (refcount-cache-size).
 *
 * Entries are found by host offset through a hash table and evicted least
 * recently used first.  Writing back an L2 table first writes every dirty
 * refcount block and flushes the host file, so the data and the refcounts
 * of the clusters an L2 entry points at are on disk before the entry is
 * (BLOCK-QMP-REFERENCE.md 3.4 "Ordering").  Every write is overlap-checked
 * with the cache's own structure type ignored.  A table pointer returned
 * by qcow2_cache_get() is valid until the next get on the same cache.
 * In an inline attempt (block/aio-pool.h) a miss bails out untouched.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "block/aio-pool.h"
#include "block/qcow2/qcow2.h"

typedef struct Qcow2CacheEntry {
    uint64_t offset;        /* 0: empty */
    uint8_t *data;
    bool dirty;
    uint64_t lru;
} Qcow2CacheEntry;

struct Qcow2Cache {
    Qcow2CacheEntry *e;
    unsigned nb;
    uint64_t tick;
    uint64_t clean_mark;
    GHashTable *index;      /* offset -> entry number + 1 */
    Qcow2OverlapType type;
    uint32_t ign;           /* overlap types its own writes may touch */
    uint64_t cluster_size;
};

Qcow2Cache *qcow2_cache_new(Qcow2State *s, unsigned nb, Qcow2OverlapType t)
{
    Qcow2Cache *c = g_new0(Qcow2Cache, 1);

    c->nb = MAX(nb, 2);
    c->e = g_new0(Qcow2CacheEntry, c->nb);
    c->index = g_hash_table_new(g_int64_hash, g_int64_equal);
    c->type = t;
    /* An active L2 table shared with a snapshot is also an inactive one;
     * rewriting it (COPIED flags) is legitimate. */
    c->ign = QCOW2_OL_BIT(t) | (t == QCOW2_OL_ACTIVE_L2 ?
                                QCOW2_OL_BIT(QCOW2_OL_INACTIVE_L2) : 0);
    c->cluster_size = s->cluster_size;
    return c;
}

void qcow2_cache_free(Qcow2Cache *c)
{
    if (!c) {
        return;
    }
    for (unsigned i = 0; i < c->nb; i++) {
        free(c->e[i].data);
    }
    g_hash_table_destroy(c->index);
    g_free(c->e);
    g_free(c);
}

static int qcow2_cache_entry_write(Qcow2State *s, Qcow2Cache *c,
                                   Qcow2CacheEntry *e)
{
    int ret;

    if (!e->dirty) {
        return 0;
    }
    if (c->type == QCOW2_OL_ACTIVE_L2) {
        ret = qcow2_write_refblocks_first(s);
        if (ret < 0) {
            return ret;
        }
    }
    ret = qcow2_host_write(s, e->offset, e->data, c->cluster_size,
                           c->ign);
    if (ret < 0) {
        return ret;
    }
    e->dirty = false;
    return 0;
}

int qcow2_cache_writeback(Qcow2State *s, Qcow2Cache *c)
{
    bool any = false;

    for (unsigned i = 0; i < c->nb; i++) {
        any |= c->e[i].dirty;
    }
    if (!any) {
        return 0;
    }
    if (c->type == QCOW2_OL_ACTIVE_L2) {
        int ret = qcow2_write_refblocks_first(s);
        if (ret < 0) {
            return ret;
        }
    }
    for (unsigned i = 0; i < c->nb; i++) {
        Qcow2CacheEntry *e = &c->e[i];
        if (e->dirty) {
            int ret = qcow2_host_write(s, e->offset, e->data,
                                       c->cluster_size,
                                       c->ign);
            if (ret < 0) {
                return ret;
            }
            e->dirty = false;
        }
    }
    return 0;
}

static Qcow2CacheEntry *qcow2_cache_victim(Qcow2Cache *c)
{
    Qcow2CacheEntry *best = NULL;

    for (unsigned i = 0; i < c->nb; i++) {
        Qcow2CacheEntry *e = &c->e[i];
        if (!e->offset) {
            return e;
        }
        if (!best || e->lru < best->lru) {
            best = e;
        }
    }
    return best;
}

int qcow2_cache_get(Qcow2State *s, Qcow2Cache *c, uint64_t off, bool read,
                    uint8_t **table)
{
    gpointer v = g_hash_table_lookup(c->index, &off);
    Qcow2CacheEntry *e;
    int ret;

    if (v) {
        e = &c->e[GPOINTER_TO_UINT(v) - 1];
        e->lru = ++c->tick;
        if (!read) {
            memset(e->data, 0, c->cluster_size);
        }
        *table = e->data;
        return 0;
    }
    if (aio_nowait_active()) {
        return aio_nowait_bail();    /* a miss means host I/O */
    }
    e = qcow2_cache_victim(c);
    ret = qcow2_cache_entry_write(s, c, e);
    if (ret < 0) {
        return ret;
    }
    if (e->offset) {
        g_hash_table_remove(c->index, &e->offset);
        e->offset = 0;
    }
    if (!e->data && posix_memalign((void **)&e->data, 4096,
                                   c->cluster_size)) {
        return -ENOMEM;
    }
    if (read) {
        ret = s->host.pread(s->host.opaque, off, e->data, c->cluster_size);
        if (ret < 0) {
            return ret;
        }
    } else {
        memset(e->data, 0, c->cluster_size);
    }
    e->offset = off;
    e->lru = ++c->tick;
    g_hash_table_insert(c->index, &e->offset,
                        GUINT_TO_POINTER((unsigned)(e - c->e) + 1));
    *table = e->data;
    return 0;
}

void qcow2_cache_dirty(Qcow2Cache *c, uint64_t off)
{
    gpointer v = g_hash_table_lookup(c->index, &off);

    if (v) {
        c->e[GPOINTER_TO_UINT(v) - 1].dirty = true;
    }
}

void qcow2_cache_discard(Qcow2Cache *c, uint64_t off)
{
    gpointer v = g_hash_table_lookup(c->index, &off);

    if (v) {
        Qcow2CacheEntry *e = &c->e[GPOINTER_TO_UINT(v) - 1];
        g_hash_table_remove(c->index, &e->offset);
        e->offset = 0;
        e->dirty = false;
    }
}

void qcow2_cache_clean(Qcow2Cache *c)
{
    for (unsigned i = 0; i < c->nb; i++) {
        Qcow2CacheEntry *e = &c->e[i];
        if (e->offset && !e->dirty && e->lru <= c->clean_mark) {
            g_hash_table_remove(c->index, &e->offset);
            e->offset = 0;
            free(e->data);
            e->data = NULL;
        }
    }
    c->clean_mark = c->tick;
}

unsigned qcow2_cache_dirty_count(Qcow2Cache *c)
{
    unsigned n = 0;

    for (unsigned i = 0; i < c->nb; i++) {
        n += c->e[i].dirty;
    }
    return n;
}
