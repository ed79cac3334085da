/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to hw/core/device-classes.c: the extern declarations of the
 * classes device_classes[] lists, one section per directory (the same
 * sections as the table).  Each device file defines its
 * "const DeviceClass <chip>_class"; declare it here, list it there.
 */
#ifndef HW_CORE_DEVICE_CLASSES_H
#define HW_CORE_DEVICE_CLASSES_H

#include "hw/core/device.h"

/* hw/char */
extern const DeviceClass uart16550_class;

/* hw/display */
#include "hw/display/vga-pci.h"

/* hw/i386 */

/* hw/ide */
#include "hw/ide/ide-dev.h"

/* hw/input */

/* hw/misc */
#include "hw/misc/pc-misc.h"

/* hw/nvram */

/* hw/pci */

/* hw/timer */

/* hw/virtio */
#include "hw/virtio/virtio-blk.h"

#endif /* HW_CORE_DEVICE_CLASSES_H */
