/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small PC ports: system control port A (0x92: fast A20 and fast reset),
 * system control port B (0x61: speaker gate, refresh toggle, PIT OUT2),
 * the debug console (isa-debugcon, 0x402 or 0xe9) and isa-debug-exit.
 */
#ifndef HW_MISC_PC_MISC_H
#define HW_MISC_PC_MISC_H

#include "hw/core/device.h"
#include "hw/core/irq.h"
#include "hw/core/memory.h"
#include "hw/timer/i8254.h"

typedef struct Chardev Chardev;

/*
 * @a20: the fast A20 gate output (bit 1), connected by the machine; it
 * follows every write.
 */
typedef struct Port92State {
    Device parent;
    uint8_t value;
    MemoryRegion io;
    IRQLine *a20;
} Port92State;

typedef struct Port61State {
    Device parent;
    uint8_t value;          /* bits 0-1: gate 2 and speaker data */
    I8254State *pit;        /* connected by the machine */
    MemoryRegion io;
} Port61State;

typedef struct DebugconState {
    Device parent;
    /* properties */
    uint32_t iobase;
    uint32_t readback;
    Chardev *chr;
    /* host plumbing */
    MemoryRegion io;
} DebugconState;

typedef struct DebugExitState {
    Device parent;
    /* properties */
    uint32_t iobase;
    uint32_t iosize;
    /* host plumbing */
    MemoryRegion io;
} DebugExitState;

extern const DeviceClass port92_class;
extern const DeviceClass port61_class;
extern const DeviceClass isa_debugcon_class;
extern const DeviceClass isa_debug_exit_class;

#endif /* HW_MISC_PC_MISC_H */
