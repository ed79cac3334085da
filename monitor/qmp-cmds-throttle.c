/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * block_set_io_throttle and the throttle members of query-block's
 * BlockDeviceInfo (bps... always, bps_max... and group when throttled),
 * over include/block/throttle.h.  Lookup and validation errors as QEMU.
 */
#include "monitor-internal.h"

#include "block/block-backend.h"
#include "block/throttle.h"
#include "qapi/qapi-commands.h"

/* The device by backend name or by the guest device's id (qdev). */
static BlockBackend *qmp_throttle_blk(const char *device, const char *id,
                                      Error **errp)
{
    if ((device == NULL) == (id == NULL)) {
        error_setg(errp, "Need exactly one of 'device' and 'id'");
        return NULL;
    }
    for (BlockBackend *blk = blk_next(NULL); blk; blk = blk_next(blk)) {
        if (device ? !strcmp(blk_name(blk), device)
                   : (blk_get_qdev(blk) && !strcmp(blk_get_qdev(blk), id))) {
            if (!blk_is_inserted(blk)) {
                error_setg(errp, "Device '%s' has no medium",
                           device ? device : id);
                return NULL;
            }
            return blk;
        }
    }
    if (device) {
        error_set_class(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                        "Device '%s' not found", device);
    } else {
        error_setg(errp, "Cannot find device '%s'", id);
    }
    return NULL;
}

static void qmp_opt(int64_t *dst, bool has, int64_t v)
{
    if (has) {
        *dst = v;
    }
}

void qmp_block_set_io_throttle(bool has_device, const char *device,
    bool has_id, const char *id, int64_t bps, int64_t bps_rd,
    int64_t bps_wr, int64_t iops, int64_t iops_rd, int64_t iops_wr,
    bool has_bps_max, int64_t bps_max, bool has_bps_rd_max,
    int64_t bps_rd_max, bool has_bps_wr_max, int64_t bps_wr_max,
    bool has_iops_max, int64_t iops_max, bool has_iops_rd_max,
    int64_t iops_rd_max, bool has_iops_wr_max, int64_t iops_wr_max,
    bool has_bps_max_length, int64_t bps_max_length,
    bool has_bps_rd_max_length, int64_t bps_rd_max_length,
    bool has_bps_wr_max_length, int64_t bps_wr_max_length,
    bool has_iops_max_length, int64_t iops_max_length,
    bool has_iops_rd_max_length, int64_t iops_rd_max_length,
    bool has_iops_wr_max_length, int64_t iops_wr_max_length,
    bool has_iops_size, int64_t iops_size, bool has_group,
    const char *group, Error **errp)
{
    BlockBackend *blk = qmp_throttle_blk(has_device ? device : NULL,
                                         has_id ? id : NULL, errp);
    ThrottleLimits l;

    if (!blk) {
        return;
    }
    throttle_limits_init(&l);
    l.avg[THROTTLE_BPS_TOTAL] = bps;
    l.avg[THROTTLE_BPS_READ] = bps_rd;
    l.avg[THROTTLE_BPS_WRITE] = bps_wr;
    l.avg[THROTTLE_OPS_TOTAL] = iops;
    l.avg[THROTTLE_OPS_READ] = iops_rd;
    l.avg[THROTTLE_OPS_WRITE] = iops_wr;
    qmp_opt(&l.max[THROTTLE_BPS_TOTAL], has_bps_max, bps_max);
    qmp_opt(&l.max[THROTTLE_BPS_READ], has_bps_rd_max, bps_rd_max);
    qmp_opt(&l.max[THROTTLE_BPS_WRITE], has_bps_wr_max, bps_wr_max);
    qmp_opt(&l.max[THROTTLE_OPS_TOTAL], has_iops_max, iops_max);
    qmp_opt(&l.max[THROTTLE_OPS_READ], has_iops_rd_max, iops_rd_max);
    qmp_opt(&l.max[THROTTLE_OPS_WRITE], has_iops_wr_max, iops_wr_max);
    qmp_opt(&l.burst_length[THROTTLE_BPS_TOTAL], has_bps_max_length,
            bps_max_length);
    qmp_opt(&l.burst_length[THROTTLE_BPS_READ], has_bps_rd_max_length,
            bps_rd_max_length);
    qmp_opt(&l.burst_length[THROTTLE_BPS_WRITE], has_bps_wr_max_length,
            bps_wr_max_length);
    qmp_opt(&l.burst_length[THROTTLE_OPS_TOTAL], has_iops_max_length,
            iops_max_length);
    qmp_opt(&l.burst_length[THROTTLE_OPS_READ], has_iops_rd_max_length,
            iops_rd_max_length);
    qmp_opt(&l.burst_length[THROTTLE_OPS_WRITE], has_iops_wr_max_length,
            iops_wr_max_length);
    qmp_opt(&l.iops_size, has_iops_size, iops_size);
    if (!throttle_limits_check(&l, errp)) {
        return;
    }
    blk_throttle_set(blk, &l, has_group ? group : NULL);
}

void qmp_throttle_fill_info(BlockBackend *blk, BlockDeviceInfo *info)
{
    ThrottleLimits l;
    const char *group;

    if (!info || !blk_throttle_get(blk, &l, &group)) {
        return;
    }
    info->bps = l.avg[THROTTLE_BPS_TOTAL];
    info->bps_rd = l.avg[THROTTLE_BPS_READ];
    info->bps_wr = l.avg[THROTTLE_BPS_WRITE];
    info->iops = l.avg[THROTTLE_OPS_TOTAL];
    info->iops_rd = l.avg[THROTTLE_OPS_READ];
    info->iops_wr = l.avg[THROTTLE_OPS_WRITE];
    info->has_bps_max = info->has_bps_rd_max = info->has_bps_wr_max = true;
    info->has_iops_max = info->has_iops_rd_max = true;
    info->has_iops_wr_max = true;
    info->bps_max = l.max[THROTTLE_BPS_TOTAL];
    info->bps_rd_max = l.max[THROTTLE_BPS_READ];
    info->bps_wr_max = l.max[THROTTLE_BPS_WRITE];
    info->iops_max = l.max[THROTTLE_OPS_TOTAL];
    info->iops_rd_max = l.max[THROTTLE_OPS_READ];
    info->iops_wr_max = l.max[THROTTLE_OPS_WRITE];
    info->has_bps_max_length = info->has_bps_rd_max_length = true;
    info->has_bps_wr_max_length = info->has_iops_max_length = true;
    info->has_iops_rd_max_length = info->has_iops_wr_max_length = true;
    info->bps_max_length = l.burst_length[THROTTLE_BPS_TOTAL];
    info->bps_rd_max_length = l.burst_length[THROTTLE_BPS_READ];
    info->bps_wr_max_length = l.burst_length[THROTTLE_BPS_WRITE];
    info->iops_max_length = l.burst_length[THROTTLE_OPS_TOTAL];
    info->iops_rd_max_length = l.burst_length[THROTTLE_OPS_READ];
    info->iops_wr_max_length = l.burst_length[THROTTLE_OPS_WRITE];
    info->has_iops_size = true;
    info->iops_size = l.iops_size;
    info->has_group = true;
    info->group = g_strdup(group);
}
