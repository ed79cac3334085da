/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "-machine none": an empty machine with no CPU, no RAM and no devices,
 * as QEMU's "none" type.  Management tools start it to probe the emulator
 * (QMP capabilities, query-* commands), and the block and QMP tests run on
 * it: only the block layer, chardevs and monitors are alive.
 */
#include "hw/core/machine.h"
#include "hw/core/machine-classes.h"

const MachineClass machine_none_class = {
    .name = "none",
    .description = "empty machine",
    .instance_size = sizeof(Machine),
    .default_ram_size = 0,
    .max_cpus = 1,
    .no_drive_interfaces = true,
};
