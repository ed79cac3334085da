/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Node permissions: what the users of a node take (read consistently,
 * write, write unchanged, resize) and what they leave to others, worked
 * out from the top of the graph down so that protocol nodes can lock
 * their image files (block/file-lock.c).  The rules are QEMU's
 * (bdrv_default_perms), as observed through the locks its processes take:
 *
 *  - A BlockBackend takes what its user asked for (blk_set_perm): a tool
 *    reads (and writes when opened read-write) and shares everything; a
 *    guest disk also refuses other writers.
 *  - A filter (blkdebug) and raw pass their users' permissions through.
 *  - A format's file child holds metadata: the format always reads it,
 *    writes and resizes it when the node is writable, and never lets
 *    anyone else write or resize it.  So a read-write qcow2 image holds
 *    bytes 100, 101, 103, 201 and 203 of the lock protocol, a read-only
 *    one 100, 201 and 203.
 *  - A backing child is only read; others may write it only when the
 *    users of the overlay let others write.
 *  - A node opened with force-share=on (read-only) shares everything.
 *
 * A node's permissions are the union of what its parents take and the
 * intersection of what they share.  Main thread only.
 */
#include <string.h>

#include "block/block-backend.h"
#include "block/block-int.h"

static GSList *opening_nodes;

void bdrv_perm_opening(BlockDriverState *bs, bool on)
{
    opening_nodes = on ? g_slist_prepend(opening_nodes, bs)
                       : g_slist_remove(opening_nodes, bs);
}

/* Whether @drv hands its users' permissions straight to its child. */
static bool bdrv_perm_passes_through(const BlockDriver *drv)
{
    return drv && (drv->is_filter || !strcmp(drv->format_name, "raw"));
}

/*
 * What @parent (holding its own perm/shared_perm) takes and shares on
 * its child @edge: the rules listed at the top of the file.
 */
static void bdrv_child_perm(const BlockDriverState *parent,
                            const BdrvChild *edge, uint64_t *perm,
                            uint64_t *shared)
{
    uint64_t p = parent->perm, sh = parent->shared_perm;

    if (edge == parent->backing) {
        *perm = BLK_PERM_CONSISTENT_READ;
        *shared = BLK_PERM_CONSISTENT_READ | BLK_PERM_WRITE_UNCHANGED;
        if (sh & BLK_PERM_WRITE) {
            *shared |= BLK_PERM_WRITE | BLK_PERM_RESIZE;
        }
    } else if (bdrv_perm_passes_through(parent->drv)) {
        *perm = p;
        *shared = sh;
    } else {
        *perm = BLK_PERM_CONSISTENT_READ | (p & BLK_PERM_WRITE_UNCHANGED);
        if (!parent->read_only) {
            *perm |= BLK_PERM_WRITE | BLK_PERM_RESIZE;
        }
        *shared = sh & ~(BLK_PERM_WRITE | BLK_PERM_RESIZE);
    }
    if (parent->read_only) {
        *perm &= ~(BLK_PERM_WRITE | BLK_PERM_RESIZE);
    }
}

/* Add what @parent's edges into @bs take and share. */
static void bdrv_perm_add_parent(const BlockDriverState *parent,
                                 const BlockDriverState *bs, uint64_t *perm,
                                 uint64_t *shared)
{
    const BdrvChild *edges[] = { parent->file, parent->backing };

    if (parent->perm_inactive || !parent->drv) {
        return;
    }
    for (unsigned i = 0; i < G_N_ELEMENTS(edges); i++) {
        uint64_t p, sh;

        if (!edges[i] || edges[i]->bs != bs) {
            continue;
        }
        bdrv_child_perm(parent, edges[i], &p, &sh);
        *perm |= p;
        *shared &= sh;
    }
}

/* The union of what @bs's users take, the intersection of what they share. */
static void bdrv_perm_gather(const BlockDriverState *bs, uint64_t *perm,
                             uint64_t *shared)
{
    *perm = 0;
    *shared = BLK_PERM_ALL;
    for (BlockDriverState *p = bdrv_next_node(NULL); p;
         p = bdrv_next_node(p)) {
        bdrv_perm_add_parent(p, bs, perm, shared);
    }
    for (GSList *l = opening_nodes; l; l = l->next) {
        bdrv_perm_add_parent(l->data, bs, perm, shared);
    }
    for (BlockBackend *blk = blk_next(NULL); blk; blk = blk_next(blk)) {
        uint64_t p, sh;

        if (blk_bs(blk) == bs) {
            blk_get_perm(blk, &p, &sh);
            *perm |= p;
            *shared &= sh;
        }
    }
    if (bs->open_flags & BDRV_O_FORCE_SHARE) {
        *shared = BLK_PERM_ALL;
    }
    if (bs->read_only) {
        *perm &= ~(BLK_PERM_WRITE | BLK_PERM_RESIZE);
    }
}

/*
 * Refresh @bs's children after its own permissions changed; go on after
 * a failure so that the others drop what they can (the first error is
 * reported).
 */
static bool bdrv_refresh_children(BlockDriverState *bs, Error **errp)
{
    bool ok = true;

    if (bs->file && !bdrv_refresh_perms(bs->file->bs, errp)) {
        ok = false;
        errp = NULL;
    }
    if (bs->backing && !bdrv_refresh_perms(bs->backing->bs, errp)) {
        ok = false;
    }
    return ok;
}

bool bdrv_refresh_perms(BlockDriverState *bs, Error **errp)
{
    uint64_t perm, shared;

    if (!bs || !bs->drv || !bs->opaque) {
        return true;
    }
    bdrv_perm_gather(bs, &perm, &shared);
    if (bs->drv->set_perm &&
        !bs->drv->set_perm(bs, perm, shared, errp)) {
        return false;
    }
    bs->perm = perm;
    bs->shared_perm = shared;
    return bdrv_refresh_children(bs, errp);
}

bool bdrv_perm_deactivate(BlockDriverState *bs, bool inactive,
                          Error **errp)
{
    bs->perm_inactive = inactive;
    return bdrv_refresh_children(bs, errp);
}
