/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graph edits block jobs make when they finish or start: relinking a
 * node's backing, rewriting the backing file name in an image header,
 * making a read-only backing node writable (commit writes into it) and
 * walking a chain.  Main thread only, with the nodes drained.
 */
#ifndef BLOCK_JOB_GRAPH_H
#define BLOCK_JOB_GRAPH_H

#include "block/block-int.h"

/**
 * block_job_chain_contains() - whether @base is below @top in @top's
 * backing chain (not @top itself).
 */
bool block_job_chain_contains(BlockDriverState *top, BlockDriverState *base);

/** block_job_chain_parent() - the node whose backing is @bs, from @top. */
BlockDriverState *block_job_chain_parent(BlockDriverState *top,
                                         BlockDriverState *bs);

/**
 * block_job_set_backing() - write @backing_file (NULL: @base's file name;
 * "" when @base is NULL) and @base's format into @bs's header, then make
 * @base (may be NULL) @bs's backing node.  The old backing chain loses
 * @bs's reference.
 */
bool block_job_set_backing(BlockDriverState *bs, BlockDriverState *base,
                           const char *backing_file, Error **errp);

/**
 * block_job_write_backing_name() - rewrite the backing file name (and
 * format) stored in @bs's header only.
 */
bool block_job_write_backing_name(BlockDriverState *bs, const char *file,
                                  const char *fmt, Error **errp);

/**
 * block_job_make_writable() - replace read-only @bs (the backing of
 * @parent) by the same image opened read-write: same node name, write
 * threshold and backing chain.  Returns the new node (the chain holds
 * it) or NULL with @errp set; @bs is gone on success.
 */
BlockDriverState *block_job_make_writable(BlockDriverState *parent,
                                          BlockDriverState *bs,
                                          Error **errp);

/**
 * block_job_make_read_only() - the reverse of block_job_make_writable():
 * replace read-write @bs (the backing of @parent) by the same image
 * opened read-only, after writing out its caches; its image locks then
 * let other readers in.  Returns the new node or NULL with @errp set (the
 * chain then keeps @bs).
 */
BlockDriverState *block_job_make_read_only(BlockDriverState *parent,
                                           BlockDriverState *bs,
                                           Error **errp);

/**
 * block_job_open_target() - the target image of drive-mirror or
 * drive-backup: created (@create: @size bytes, format @fmt, backing file
 * name of @backing when given) or opened as it is, read-write, with
 * @backing (may be NULL) as its backing node and @node_name (may be NULL).
 * Returns the node (one reference) or NULL with @errp set.
 */
BlockDriverState *block_job_open_target(const char *file, const char *fmt,
                                        bool create, int64_t size,
                                        BlockDriverState *backing,
                                        const char *node_name, Error **errp);

#endif /* BLOCK_JOB_GRAPH_H */
