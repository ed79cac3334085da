/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qcow2 operations the block driver table has no slot for, used by
 * plimsoll-img: compressed cluster writes (convert -c) and emptying an
 * image after commit.  Both fail with -ENOTSUP on a non-qcow2 node.
 */
#ifndef BLOCK_QCOW2_BDRV_H
#define BLOCK_QCOW2_BDRV_H

#include "block/block-int.h"

/** qcow2_bdrv_is_qcow2() - whether @bs is a qcow2 node. */
bool qcow2_bdrv_is_qcow2(const BlockDriverState *bs);

/**
 * qcow2_bdrv_write_compressed() - write one cluster at cluster-aligned
 * @offset (@bytes <= cluster size; a short last cluster is zero-padded),
 * compressed when that saves space.  Returns 0 or -errno.
 */
int qcow2_bdrv_write_compressed(BlockDriverState *bs, int64_t offset,
                                const void *buf, int64_t bytes);

/** qcow2_bdrv_cluster_size() - the image's cluster size. */
int64_t qcow2_bdrv_cluster_size(BlockDriverState *bs);

/**
 * qcow2_bdrv_make_empty() - drop every cluster of the active state so the
 * whole image reads from its backing file again (qemu-img commit).
 */
int qcow2_bdrv_make_empty(BlockDriverState *bs);

/**
 * qcow2_bdrv_change_backing() - rewrite the backing file name (and format,
 * or none) in the image header on disk (block jobs, change-backing-file).
 * The graph is not touched.  Returns 0 or -errno.
 */
int qcow2_bdrv_change_backing(BlockDriverState *bs, const char *file,
                              const char *fmt);

/**
 * qcow2_bdrv_backing_changed() - @bs->backing was relinked by a block
 * job: read unallocated clusters from the new backing node (or zeroes).
 */
void qcow2_bdrv_backing_changed(BlockDriverState *bs);

#endif /* BLOCK_QCOW2_BDRV_H */
