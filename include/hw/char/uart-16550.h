/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The 16550A UART ("isa-serial"): what a machine needs to place one.
 *
 * A PC has up to four at the classic ISA addresses: COM1 0x3f8 IRQ 4,
 * COM2 0x2f8 IRQ 3, COM3 0x3e8 IRQ 4, COM4 0x2e8 IRQ 3.  The machine
 * creates the device, sets "iobase", "irq" and "chardev", connects the
 * interrupt output to the interrupt controller pin, then realizes it:
 *
 *     Device *dev = device_new(&uart16550_class, m, "serial0");
 *     device_set_prop_str(dev, "iobase", "0x3f8", &error_abort);
 *     uart16550_connect_irq(dev, &pic->pins[4]);
 *     device_realize(dev, errp);
 */
#ifndef HW_CHAR_UART_16550_H
#define HW_CHAR_UART_16550_H

#include <stdint.h>

#include "hw/core/device.h"
#include "hw/core/irq.h"

/* The classic PC COM port resources, indexed by port number 0..3. */
extern const uint16_t uart16550_pc_iobase[4];
extern const uint8_t uart16550_pc_irq[4];

extern const DeviceClass uart16550_class;

/**
 * uart16550_connect_irq() - wire the UART's INTRPT output to @irq (a
 * receiver pin; NULL leaves it unconnected).  Call before realize, or
 * later: the new line is driven with the current level at once.
 */
void uart16550_connect_irq(Device *dev, IRQLine *irq);

#endif /* HW_CHAR_UART_16550_H */
