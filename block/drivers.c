/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The table of block drivers: every format, protocol and filter Plimsoll
 * knows, in probe order.  Nothing registers itself; a driver exists
 * because it is listed here.
 *
 * bdrv_qcow2 (block/qcow2/) joins the list when the qcow2 driver is built.
 */
#include "block/block-int.h"

const BlockDriver *const bdrv_drivers[] = {
    &bdrv_qcow2,
    &bdrv_raw,
    &bdrv_file,
    &bdrv_host_device,
    &bdrv_null_co,
    &bdrv_blkdebug,
    NULL,
};
