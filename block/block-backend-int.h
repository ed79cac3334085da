/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The BlockBackend structure, shared by block/block-backend.c (lifecycle,
 * requests) and block/block-error.c (error policy, io-status).  Private to
 * block/.
 */
#ifndef BLOCK_BLOCK_BACKEND_INT_H
#define BLOCK_BLOCK_BACKEND_INT_H

#include "aio-pool.h"
#include "block/block-backend.h"
#include "block/block-int.h"

struct BlockBackend {
    char *name;
    int refcnt;
    BdrvChild *root;
    uint64_t perm;          /* BLK_PERM_* the user takes */
    uint64_t shared_perm;   /* and leaves to others */
    char *qdev;
    char *qom_path;
    const BlockDevOps *dev_ops;
    void *dev_opaque;
    BlockdevOnError on_read_error;
    BlockdevOnError on_write_error;
    bool iostatus_enabled;
    BlockDeviceIoStatus iostatus;
    BlockAcctStats stats;
    AioCompletionQueue *cq;
};

#endif /* BLOCK_BLOCK_BACKEND_INT_H */
