/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The IDE devices a user names: "-device ide-hd,drive=D[,bus=ide.N]
 * [,unit=U]" and "-device ide-cd[,drive=D]".  Each attaches an ATA disk
 * (ata-disk.c) or an ATAPI drive (atapi.c) to a channel of the machine's
 * PIIX IDE function; without bus= the first free slot is taken (ide.0
 * master, ide.0 slave, ide.1 master, ide.1 slave), as QEMU does.  An
 * ide-cd without drive= gets an anonymous, empty backend, so QMP can
 * insert a medium later (blockdev-change-medium id=...).
 */
#include "hw/ide/ide-dev.h"

#include <string.h>

#include "hw/ide/piix-ide.h"

static inline IDEDevState *ide_dev_from_dev(Device *dev)
{
    return container_of(dev, IDEDevState, parent);
}

/* The channel and unit of a new device, from bus= and unit=. */
static bool ide_dev_place(IDEDevState *s, PIIXIDEState *ctrl, Error **errp)
{
    const char *want = s->parent.bus_name;
    int64_t unit = s->unit;

    for (int b = 0; b < 2; b++) {
        IDEBus *bus = &ctrl->bus[b];

        if (want && strcmp(want, bus->name)) {
            continue;
        }
        for (int u = 0; u < 2; u++) {
            if ((unit < 0 || unit == u) &&
                bus->drive[u].kind == IDE_KIND_NONE) {
                s->bus = bus;
                s->unit_used = u;
                return true;
            }
        }
        if (want) {
            error_setg(errp, "IDE unit %" PRId64 " on %s is in use or "
                       "invalid", unit < 0 ? 0 : unit, want);
            return false;
        }
    }
    error_setg(errp, want ? "Bus '%s' not found" : "No free IDE unit%s",
               want ? want : "");
    return false;
}

static bool ide_dev_realize_kind(Device *dev, IDEDriveKind kind,
                                 Error **errp)
{
    IDEDevState *s = ide_dev_from_dev(dev);
    PIIXIDEState *ctrl = piix_ide_find(dev->machine);

    if (!ctrl) {
        error_setg(errp, "No 'IDE' bus found for device '%s'",
                   dev->cls->name);
        return false;
    }
    if (s->unit > 1) {
        error_setg(errp, "Parameter 'unit' expects a value 0 or 1");
        return false;
    }
    if (!disk_check_bootindex(dev, s->bootindex, errp)) {
        return false;
    }
    if (!ide_dev_place(s, ctrl, errp) ||
        !disk_attach(&s->attach, dev, s->drive, "", kind == IDE_KIND_HD,
                     errp)) {
        return false;
    }
    if (!s->attach.blk && !disk_attach_empty(&s->attach, errp)) {
        disk_detach(&s->attach);
        return false;
    }
    if (!disk_apply_error_policy(&s->attach, s->werror, s->rerror, errp)) {
        disk_detach(&s->attach);
        return false;
    }
    if (!ide_drive_attach(s->bus, s->unit_used, kind, s->attach.blk,
                          s->serial, s->model, errp)) {
        disk_detach(&s->attach);
        return false;
    }
    s->bus->drive[s->unit_used].wwn = s->wwn;
    return true;
}

static bool ide_hd_realize(Device *dev, Error **errp)
{
    return ide_dev_realize_kind(dev, IDE_KIND_HD, errp);
}

static bool ide_cd_realize(Device *dev, Error **errp)
{
    return ide_dev_realize_kind(dev, IDE_KIND_CD, errp);
}

static void ide_dev_unrealize(Device *dev)
{
    IDEDevState *s = ide_dev_from_dev(dev);

    if (s->bus) {
        ide_drive_detach(s->bus, s->unit_used);
    }
    disk_detach(&s->attach);
}

static const Property ide_dev_props[] = {
    DEFINE_PROP_DRIVE("drive", IDEDevState, drive, "backing block device"),
    DEFINE_PROP_INT("unit", IDEDevState, unit, -1,
                    "unit on the channel (0 master, 1 slave)"),
    DEFINE_PROP_STR("serial", IDEDevState, serial, NULL,
                    "IDENTIFY serial number (20 characters)"),
    DEFINE_PROP_STR("model", IDEDevState, model, NULL,
                    "IDENTIFY model (40 characters)"),
    DEFINE_PROP_UINT("wwn", IDEDevState, wwn, 0, "world wide name"),
    DEFINE_PROP_INT("bootindex", IDEDevState, bootindex, -1,
                    "boot order position"),
    DEFINE_PROP_STR("werror", IDEDevState, werror, NULL,
                    "write error action (auto: the drive's)"),
    DEFINE_PROP_STR("rerror", IDEDevState, rerror, NULL,
                    "read error action (auto: the drive's)"),
    { 0 },
};

const DeviceClass ide_hd_class = {
    .name = "ide-hd",
    .description = "virtual IDE disk",
    .category = DEVICE_CATEGORY_STORAGE,
    .bus = "IDE",
    .user_creatable = true,
    .instance_size = sizeof(IDEDevState),
    .props = ide_dev_props,
    .realize = ide_hd_realize,
    .unrealize = ide_dev_unrealize,
};

const DeviceClass ide_cd_class = {
    .name = "ide-cd",
    .description = "virtual IDE CD-ROM",
    .category = DEVICE_CATEGORY_STORAGE,
    .bus = "IDE",
    .user_creatable = true,
    .instance_size = sizeof(IDEDevState),
    .props = ide_dev_props,
    .realize = ide_cd_realize,
    .unrealize = ide_dev_unrealize,
};
