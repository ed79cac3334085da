/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The user-visible IDE devices ide-hd and ide-cd (hw/ide/ide-dev.c).
 */
#ifndef HW_IDE_IDE_DEV_H
#define HW_IDE_IDE_DEV_H

#include "hw/core/device.h"
#include "hw/ide/disk-attach.h"
#include "hw/ide/ide.h"

/**
 * struct IDEDevState - an ide-hd or ide-cd.
 * Properties: drive, unit (-1: first free), serial, model, wwn,
 * bootindex, werror/rerror ("auto" or unset: the -drive policy).
 */
typedef struct IDEDevState {
    Device parent;
    /* properties */
    char *drive;
    int64_t unit;
    char *serial;
    char *model;
    uint64_t wwn;
    int64_t bootindex;
    char *werror;
    char *rerror;
    /* host plumbing */
    DiskAttach attach;
    IDEBus *bus;
    int unit_used;
} IDEDevState;

extern const DeviceClass ide_hd_class;
extern const DeviceClass ide_cd_class;

#endif /* HW_IDE_IDE_DEV_H */
