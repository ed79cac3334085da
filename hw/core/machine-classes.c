/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The machine types "-machine help" lists, in its order.  The PC types
 * (hw/i386) go in their section; exactly one class sets is_default.
 */
#include <stddef.h>

#include "hw/core/machine-classes.h"

const MachineClass *const machine_classes[] = {
    /* hw/i386 */
    &pc_i440fx_class,

    /* hw/core */
    &machine_none_class,
    NULL,
};
