/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PC's disks: the PIIX3 IDE function at 00:01.1 wired to the i8259's
 * IRQ 14 (primary) and 15 (secondary), as GUESTS-AND-FIRMWARE.md §5.5
 * describes, and one device per -drive that names an interface:
 * if=ide gives ide-hd / ide-cd on ide.BUS as master (unit 0) or slave
 * (unit 1), if=virtio gives virtio-blk-pci in the first free PCI slot.
 * Those devices have no id, so QMP shows them by QOM path
 * ("/machine/unattached/device[N]"), as QEMU does for -drive devices.
 *
 * The "bootindex" property of the disks becomes fw_cfg's "bootorder"
 * file: OpenFirmware device paths, lowest index first, one per line and
 * NUL-terminated, in the shape SeaBIOS matches (GUESTS-AND-FIRMWARE.md
 * §5.7): "/pci@i0cf8/ide@1,1/drive@CHANNEL/disk@UNIT" for IDE disks and
 * CD-ROMs, "/pci@i0cf8/scsi@SLOT/disk@0,0" for virtio-blk-pci (its
 * class is a SCSI-class storage controller).
 */
#include "hw/i386/pc-drives.h"

#include <string.h>

#include "hw/ide/ide-dev.h"
#include "hw/ide/piix-ide.h"
#include "hw/virtio/virtio-blk.h"

static bool pc_drive_device(Machine *m, const MachineDrive *d, Error **errp)
{
    const DeviceClass *cls;
    Device *dev;

    switch (d->iface) {
    case DRIVE_IF_IDE:
        if (d->bus > 1) {
            error_setg(errp, "IDE bus %d not found (the PC has ide.0 and "
                       "ide.1)", d->bus);
            return false;
        }
        cls = d->cdrom ? &ide_cd_class : &ide_hd_class;
        break;
    case DRIVE_IF_VIRTIO:
        cls = &virtio_blk_pci_class.parent;
        break;
    default:
        return true;
    }
    dev = device_new(cls, m, NULL);
    if (!device_set_prop_str(dev, "drive", d->id, errp)) {
        device_destroy(dev);
        return false;
    }
    if (d->iface == DRIVE_IF_IDE) {
        g_autofree char *unit = g_strdup_printf("%d", d->unit);

        dev->bus_name = g_strdup_printf("ide.%d", d->bus);
        if (!device_set_prop_str(dev, "unit", unit, errp)) {
            device_destroy(dev);
            return false;
        }
    }
    return device_realize(dev, errp);
}

bool pc_init_drives(PCMachineState *pcms, Error **errp)
{
    Machine *m = &pcms->parent;
    const MachineConfig *cfg = m->cfg;
    PIIXIDEState *ide;
    Device *dev;

    dev = device_new(&piix3_ide_class.parent, m, NULL);
    device_set_prop_str(dev, "addr", "1.1", &error_abort);
    ide = piix_ide_from_dev(dev);
    ide->irq[0] = pc_isa_irq(pcms, 14);
    ide->irq[1] = pc_isa_irq(pcms, 15);
    if (!device_realize(dev, errp)) {
        return false;
    }
    for (guint i = 0; cfg->drives && i < cfg->drives->len; i++) {
        if (!pc_drive_device(m, cfg->drives->pdata[i], errp)) {
            return false;
        }
    }
    return true;
}

/* The OpenFirmware path of disk device @dev, or NULL when it has no
 * bootindex (*@index then stays untouched). */
static char *pc_disk_fw_path(Machine *m, Device *dev, int64_t *index)
{
    if (dev->cls == &ide_hd_class || dev->cls == &ide_cd_class) {
        IDEDevState *s = container_of(dev, IDEDevState, parent);
        PCIDevice *ctrl = &piix_ide_find(m)->parent;

        if (s->bootindex < 0 || !s->bus) {
            return NULL;
        }
        *index = s->bootindex;
        return g_strdup_printf("/pci@i0cf8/ide@%x,%x/drive@%x/disk@%x",
                               PCI_SLOT(ctrl->devfn), PCI_FUNC(ctrl->devfn),
                               s->bus->index, s->unit_used);
    }
    if (dev->cls == &virtio_blk_pci_class.parent) {
        VirtIOBlockState *s = container_of(virtio_pci_from_dev(dev),
                                           VirtIOBlockState, vp);
        int devfn = s->vp.parent.devfn;

        if (s->bootindex < 0) {
            return NULL;
        }
        *index = s->bootindex;
        return PCI_FUNC(devfn)
            ? g_strdup_printf("/pci@i0cf8/scsi@%x,%x/disk@0,0",
                              PCI_SLOT(devfn), PCI_FUNC(devfn))
            : g_strdup_printf("/pci@i0cf8/scsi@%x/disk@0,0",
                              PCI_SLOT(devfn));
    }
    return NULL;
}

typedef struct PCBootEntry {
    int64_t index;
    char *path;
} PCBootEntry;

static gint pc_boot_entry_cmp(gconstpointer a, gconstpointer b)
{
    const PCBootEntry *x = a, *y = b;

    return x->index < y->index ? -1 : x->index > y->index;
}

GByteArray *pc_drives_bootorder(Machine *m)
{
    g_autoptr(GArray) list = g_array_new(false, false, sizeof(PCBootEntry));
    GByteArray *out = g_byte_array_new();

    for (guint i = 0; i < m->devices->len; i++) {
        PCBootEntry e = { 0 };

        e.path = pc_disk_fw_path(m, m->devices->pdata[i], &e.index);
        if (e.path) {
            g_array_append_val(list, e);
        }
    }
    g_array_sort(list, pc_boot_entry_cmp);
    for (guint i = 0; i < list->len; i++) {
        PCBootEntry *e = &g_array_index(list, PCBootEntry, i);

        g_byte_array_append(out, (const guint8 *)e->path,
                            strlen(e->path) + 1);
        out->data[out->len - 1] = i + 1 < list->len ? '\n' : '\0';
        g_free(e->path);
    }
    return out;
}
