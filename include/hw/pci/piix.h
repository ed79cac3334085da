/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PIIX south bridge functions a PC has: the PIIX3 PCI-to-ISA bridge at
 * 00:01.0 (PIRQ routing) and the PIIX4 power-management function at
 * 00:01.3 (ACPI PM timer, PM1 registers, S5 power-off, APM ports).
 */
#ifndef HW_PCI_PIIX_H
#define HW_PCI_PIIX_H

#include "hw/core/irq.h"
#include "hw/pci/pci.h"

typedef struct Timer Timer;

/**
 * struct PIIX3State - the ISA bridge function.
 * @isa_irq: the ISA interrupt inputs (i8259, IOAPIC) PIRQs route to;
 *           connected by the machine.
 * @pirq_level: per PIRQ A-D, a bitmap of the devfns asserting it.
 */
typedef struct PIIX3State {
    PCIDevice parent;
    /* guest-visible state lives in parent.config (PIRQRC 60h-63h) */
    /* host plumbing */
    IRQLine *isa_irq[16];
    IRQLine *ioapic_pirq[4];
    uint64_t pirq_level[4][4];
    int routed_irq[4];
} PIIX3State;

extern const PCIDeviceClass piix3_class;

/**
 * struct PIIX4PMState - the power-management function.
 * @pm1_sts, @pm1_en, @pm1_cnt: PM1a event and control registers.
 * @gpe_sts, @gpe_en: GPE0 block (reported at 0xafe0 by QEMU's tables;
 *                    modelled inside the PM I/O block).
 * @apmc, @apms: APM control and status ports 0xb2/0xb3.
 * @sci: IRQ 9 (SCI) output.
 */
typedef struct PIIX4PMState {
    PCIDevice parent;
    /* guest-visible state */
    uint16_t pm1_sts;
    uint16_t pm1_en;
    uint16_t pm1_cnt;
    uint8_t apmc;
    uint8_t apms;
    int64_t tmr_base_ns;
    /* host plumbing */
    IRQLine *sci;
    Timer *tmr_timer;
    MemoryRegion pm_io;
    bool pm_io_mapped;
    MemoryRegion apm_io;
} PIIX4PMState;

extern const PCIDeviceClass piix4_pm_class;

/** piix4_pm_powerdown() - press the power button (QMP system_powerdown):
 *  PWRBTN_STS, SCI if enabled. */
void piix4_pm_powerdown(PIIX4PMState *s);

#endif /* HW_PCI_PIIX_H */
