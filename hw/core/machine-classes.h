/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to hw/core/machine-classes.c: declarations of the machine types
 * it lists.  hw/i386 adds its PC types in its section.
 */
#ifndef HW_CORE_MACHINE_CLASSES_H
#define HW_CORE_MACHINE_CLASSES_H

#include "hw/core/machine.h"

/* hw/i386 */
#include "hw/i386/pc.h"

/* hw/core */
extern const MachineClass machine_none_class;

#endif /* HW_CORE_MACHINE_CLASSES_H */
