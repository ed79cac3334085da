/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Intel 8042 keyboard controller with a PS/2 keyboard and mouse, at ports
 * 0x60 (data) and 0x64 (status/command), IRQ 1 (keyboard) and 12 (mouse).
 */
#ifndef HW_INPUT_I8042_H
#define HW_INPUT_I8042_H

#include "hw/core/device.h"
#include "hw/core/irq.h"
#include "hw/core/memory.h"
#include "hw/input/ps2.h"

typedef struct I8042State {
    Device parent;
    /* guest-visible state */
    uint8_t status;
    uint8_t cmd_byte;       /* the controller command byte (RAM 0) */
    uint8_t outport;        /* output port: bit 0 reset, bit 1 A20 */
    uint8_t obuf;           /* output buffer */
    uint8_t pending;        /* controller command waiting for data, or 0 */
    bool obuf_aux;          /* the byte in obuf came from the mouse */
    bool xlat_break;        /* F0 seen by the set 2 -> 1 translation */
    PS2Kbd kbd;
    PS2Mouse mouse;
    /* host plumbing */
    IRQLine *irq_kbd;
    IRQLine *irq_mouse;
    IRQLine *a20;           /* output port bit 1, if the machine wires it */
    MemoryRegion io_data;
    MemoryRegion io_cmd;
} I8042State;

extern const DeviceClass i8042_class;

#endif /* HW_INPUT_I8042_H */
