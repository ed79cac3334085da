/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The device classes a user can name with -device, list with -device help
 * and query with device-list-properties.  One line per class, in a section
 * per directory (keep the sections apart so parallel additions merge).
 * Onboard chips that only a machine creates need not be listed.
 */
#include <stddef.h>

#include "hw/core/device.h"
#include "hw/core/device-classes.h"

const DeviceClass *const device_classes[] = {
    /* hw/char */
    &uart16550_class,

    /* hw/display */
    &vga_pci_class.parent,

    /* hw/i386 */

    /* hw/ide */
    &ide_hd_class,
    &ide_cd_class,

    /* hw/input */

    /* hw/misc */
    &isa_debugcon_class,
    &isa_debug_exit_class,

    /* hw/nvram */

    /* hw/pci */

    /* hw/timer */

    /* hw/virtio */
    &virtio_blk_pci_class.parent,

    NULL,
};
