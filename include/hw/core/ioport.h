/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x86 I/O port space (IN/OUT), 64 KiB of ports.
 *
 * It is a MemoryMap (include/hw/core/memory.h) of limit 0x10000 holding IO
 * regions only, so port devices use the same MemoryRegionOps tables,
 * declared access sizes and split/widen rules as MMIO devices:
 *
 *     static const MemoryRegionOps pit_ops = {
 *         .read = pit_ioport_read, .write = pit_ioport_write,
 *         .min_access = 1, .max_access = 1,
 *     };
 *     memory_region_init_io(&s->io, "pit", &pit_ops, s, 4);
 *     io_space_map(machine->io, &s->io, 0x40);
 *
 * A 16-bit IN from 0x40 then reaches the PIT as two byte reads at offsets
 * 0 and 1.  Unassigned ports read all-ones (0xff per byte) and drop
 * writes; accesses that run past 0xffff see the rest as unassigned.
 * Same locking rule as the memory map: under the machine lock.
 */
#ifndef HW_CORE_IOPORT_H
#define HW_CORE_IOPORT_H

#include <stdint.h>

#include "hw/core/memory.h"

/** io_space_new() - an empty 64 KiB port space. */
MemoryMap *io_space_new(void);

/** io_space_map() - place the IO region @mr at @port (priority 0). */
void io_space_map(MemoryMap *io, MemoryRegion *mr, uint16_t port);

/** io_space_read() - CPUPlatform.io_read: IN of @size (1, 2, 4). */
uint32_t io_space_read(MemoryMap *io, uint16_t port, unsigned size);
/** io_space_write() - CPUPlatform.io_write: OUT of @size (1, 2, 4). */
void io_space_write(MemoryMap *io, uint16_t port, uint32_t val,
                    unsigned size);

#endif /* HW_CORE_IOPORT_H */
