/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PC's pair of Intel 8259A programmable interrupt controllers: a
 * master at ports 0x20-0x21 and a slave at 0xa0-0xa1 cascaded on the
 * master's IR2, with the PIIX3's edge/level control registers (ELCR) at
 * 0x4d0-0x4d1.
 */
#ifndef HW_INTC_I8259_H
#define HW_INTC_I8259_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/core/device.h"
#include "hw/core/irq.h"
#include "hw/core/memory.h"

/**
 * struct PICChip - one 8259A.  Field names follow the datasheet.
 * @irr: interrupt request register (latched requests).
 * @imr: interrupt mask register (OCW1).
 * @isr: in-service register.
 * @last_irr: input levels seen last, for edge detection.
 * @elcr: edge/level control (PIIX3 ELCR): 1 = level-triggered input.
 * @elcr_mask: bits of ELCR that are writable on this chip.
 * @priority_add: the lowest-priority IR, rotated by EOI/rotate commands.
 * @vector_base: ICW2 & 0xf8.
 * @read_isr: OCW3 RR/RIS: the next read of the command port returns ISR.
 * @poll: OCW3 P: the next read acknowledges and returns the highest IR.
 * @special_mask: OCW3 SMM.
 * @init_state: 0 = operational; 1..3 = expecting ICW2..ICW4.
 * @icw4_needed: ICW1 IC4.
 * @single_mode: ICW1 SNGL.
 * @auto_eoi: ICW4 AEOI.
 * @rotate_on_auto_eoi: OCW2 rotate-in-AEOI mode.
 * @special_fully_nested: ICW4 SFNM.
 * @level_triggered_all: ICW1 LTIM.
 */
typedef struct PICChip {
    uint8_t irr;
    uint8_t imr;
    uint8_t isr;
    uint8_t last_irr;
    uint8_t elcr;
    uint8_t elcr_mask;
    uint8_t priority_add;
    uint8_t vector_base;
    bool read_isr;
    bool poll;
    bool special_mask;
    uint8_t init_state;
    bool icw4_needed;
    bool single_mode;
    bool auto_eoi;
    bool rotate_on_auto_eoi;
    bool special_fully_nested;
    bool level_triggered_all;
} PICChip;

/**
 * struct I8259State - the master/slave pair as one device.
 * @in: the 16 input pins (IRQ 0-15); IRQ 2 is the cascade and unused.
 * @out: the INTR output to the CPU (connected by the machine).
 */
typedef struct I8259State {
    Device parent;
    /* guest-visible state */
    PICChip chip[2];
    /* host plumbing */
    IRQLine in[16];
    IRQLine *out;
    MemoryRegion io_master;
    MemoryRegion io_slave;
    MemoryRegion io_elcr;
} I8259State;

extern const DeviceClass i8259_class;

/**
 * i8259_acknowledge() - the INTA cycle: the vector of the highest-priority
 * pending request (spurious IRQ 7 / 15 vector when none), updating ISR/IRR
 * as the hardware does.  Caller holds the machine lock.
 */
int i8259_acknowledge(I8259State *s);

/** i8259_irq() - input pin @n (0-15) for the machine to connect. */
IRQLine *i8259_irq(I8259State *s, int n);

/** i8259_has_interrupt() - whether INTR is asserted now. */
bool i8259_has_interrupt(I8259State *s);

#endif /* HW_INTC_I8259_H */
