/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PC's disk controllers and -drive wiring (hw/i386/pc-drives.c).
 */
#ifndef HW_I386_PC_DRIVES_H
#define HW_I386_PC_DRIVES_H

#include "hw/i386/pc.h"

/**
 * pc_init_drives() - create the PIIX3 IDE function at 00:01.1 (legacy
 * channels on IRQ 14 and 15) and a device for every -drive with if=ide
 * (ide-hd, or ide-cd for media=cdrom, on ide.BUS unit UNIT) or
 * if=virtio (virtio-blk-pci in the next free slot).  Errors as QEMU
 * words them.
 */
bool pc_init_drives(PCMachineState *pcms, Error **errp);

/**
 * pc_drives_bootorder() - the contents of fw_cfg "bootorder": the
 * OpenFirmware paths of the disks that have a bootindex, lowest first,
 * separated by newlines and NUL-terminated (empty when none has one).
 * The caller owns the array.
 */
GByteArray *pc_drives_bootorder(Machine *m);

#endif /* HW_I386_PC_DRIVES_H */
