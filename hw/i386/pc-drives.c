/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PC's disks: the PIIX3 IDE function at 00:01.1 wired to the i8259's
 * IRQ 14 (primary) and 15 (secondary), as GUESTS-AND-FIRMWARE.md §5.5
 * describes, and one device per -drive that names an interface:
 * if=ide gives ide-hd / ide-cd on ide.BUS as master (unit 0) or slave
 * (unit 1), if=virtio gives virtio-blk-pci in the first free PCI slot.
 * Those devices have no id, so QMP shows them by QOM path
 * ("/machine/unattached/device[N]"), as QEMU does for -drive devices.
 */
#include "hw/i386/pc-drives.h"

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
