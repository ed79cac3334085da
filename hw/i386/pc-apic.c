/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PC's APIC interrupt architecture, built unless "-machine pc,apic=off":
 * one local APIC per vCPU at 0xfee00000, the IOAPIC at 0xfec00000 and the
 * HPET at 0xfed00000, wired as on QEMU's i440FX PC (Intel MultiProcessor
 * Specification 1.4 §3.6 "virtual wire" and the ACPI MADT's default
 * routing):
 *
 *   ISA IRQ n   -> 8259 input n and IOAPIC pin n, except IRQ0 -> pin 2
 *   PIIX3 PIRQA-D -> IOAPIC pins 16-19 (and their routed ISA IRQs)
 *   8259 INTR   -> LINT0 of every local APIC (ExtINT, virtual wire)
 *   HPET legacy replacement: timer 0 -> IRQ0, timer 1 -> IRQ8, and the
 *               8254 / RTC outputs are disconnected meanwhile
 *   HPET timers otherwise -> IOAPIC pins 20-23
 *   local APIC EOI of a level vector -> IOAPIC remote IRR
 *
 * The APICs reach the vCPUs through pc_apic_signal(); INTA goes to the
 * local APIC, which hands ExtINT acknowledges to the 8259.
 */
#include "hw/i386/pc.h"

#include "system/cpus.h"
#include "util/log.h"

/* IOAPIC pin of ISA IRQ @n (the MADT's interrupt source override). */
static int pc_isa_gsi(int n)
{
    return n == 0 ? 2 : n;
}

IRQLine *pc_isa_irq(PCMachineState *pcms, int n)
{
    n &= 15;
    if (pcms->apic) {
        return &pcms->isa_in[n];
    }
    return i8259_irq(pcms->pic, n);
}

/* Forward ISA IRQ @n's level to the 8259 and the IOAPIC. */
static void pc_isa_forward(PCMachineState *pcms, int n, bool level)
{
    irq_set(i8259_irq(pcms->pic, n), level);
    irq_set(ioapic_irq(pcms->ioapic, pc_isa_gsi(n)), level);
}

static void pc_isa_irq_handler(void *opaque, int n, bool level)
{
    PCMachineState *pcms = opaque;

    pcms->isa_level[n] = level;
    if (pcms->hpet_legacy && (n == 0 || n == 8)) {
        return;     /* the HPET owns IRQ0 and IRQ8 */
    }
    pc_isa_forward(pcms, n, level);
}

/* HPET legacy outputs: [0] = IRQ0, [1] = IRQ8. */
static void pc_hpet_legacy_handler(void *opaque, int n, bool level)
{
    PCMachineState *pcms = opaque;

    if (pcms->hpet_legacy) {
        pc_isa_forward(pcms, n ? 8 : 0, level);
    }
}

static void pc_hpet_legacy_changed(void *opaque, bool legacy)
{
    PCMachineState *pcms = opaque;

    pcms->hpet_legacy = legacy;
    /* Hand IRQ0/IRQ8 back to (or away from) the 8254 and the RTC. */
    pc_isa_forward(pcms, 0, legacy ? false : pcms->isa_level[0]);
    pc_isa_forward(pcms, 8, legacy ? false : pcms->isa_level[8]);
}

void pc_apic_signal(void *opaque, unsigned cpu, APICSignal sig, int arg)
{
    Machine *m = opaque;

    if (cpu >= m->ncpus) {
        return;
    }
    switch (sig) {
    case APIC_SIGNAL_INTR:
        x86_cpu_set_intr(m->cpus[cpu], arg);
        if (!arg) {
            return;
        }
        break;
    case APIC_SIGNAL_NMI:
        x86_cpu_nmi(m->cpus[cpu]);
        break;
    case APIC_SIGNAL_INIT:
        x86_cpu_init_sipi(m->cpus[cpu], -1);
        break;
    case APIC_SIGNAL_SIPI:
        x86_cpu_init_sipi(m->cpus[cpu], arg);
        break;
    }
    cpus_kick_all();
}

void pc_apic_reset_cpus(PCMachineState *pcms)
{
    Machine *m = &pcms->parent;

    for (unsigned i = 1; i < m->ncpus; i++) {
        x86_cpu_init_sipi(m->cpus[i], -1);
    }
}

static int pc_apic_intr_ack(Machine *m, unsigned cpu_index)
{
    return apic_intr_ack(pc_from_machine(m)->apic, cpu_index);
}

/* WRMSR IA32_APIC_BASE: EN enables or disables the vCPU's local APIC.
 * Deviation: the APIC window stays at 0xfee00000; a relocation is
 * logged and the registers stay where they were. */
static void pc_apic_base_write(Machine *m, unsigned cpu, uint64_t val)
{
    PCMachineState *pcms = pc_from_machine(m);

    if ((val & ~0xfffULL) != APIC_DEFAULT_ADDR) {
        log_unimp("apic: relocating the local APIC to 0x%" PRIx64
                  " is not supported", val & ~(uint64_t)0xfff);
    }
    apic_set_hw_enabled(pcms->apic, cpu, val & (1u << 11));
}

static int pc_extint_ack(void *opaque)
{
    return i8259_acknowledge(opaque);
}

static bool pc_apic_create(PCMachineState *pcms, Error **errp)
{
    Machine *m = &pcms->parent;
    unsigned ncpus = m->cfg->smp_cpus ? m->cfg->smp_cpus : 1;
    g_autofree char *n = g_strdup_printf("%u", ncpus);
    Device *dev;

    dev = device_new(&apic_class, m, NULL);
    if (!device_set_prop_str(dev, "cpus", n, errp)) {
        device_destroy(dev);
        return false;
    }
    if (!device_realize(dev, errp)) {
        return false;
    }
    pcms->apic = apic_from_dev(dev);
    dev = device_new(&ioapic_class, m, NULL);
    pcms->ioapic = ioapic_from_dev(dev);
    pcms->ioapic->apic = pcms->apic;
    if (!device_realize(dev, errp)) {
        return false;
    }
    dev = device_new(&hpet_class, m, NULL);
    pcms->hpet = hpet_from_dev(dev);
    if (!device_realize(dev, errp)) {
        return false;
    }
    return true;
}

void pc_apic_msi(void *opaque, uint64_t addr, uint32_t data)
{
    apic_deliver_msi(opaque, addr, data);
}

bool pc_init_apic(PCMachineState *pcms, Error **errp)
{
    Machine *m = &pcms->parent;
    APICState *apic;
    HPETState *hpet;

    if (!pc_apic_create(pcms, errp)) {
        return false;
    }
    apic = pcms->apic;
    hpet = pcms->hpet;
    apic_set_signal(apic, pc_apic_signal, m);
    apic->extint_ack = pc_extint_ack;
    apic->extint_opaque = pcms->pic;
    apic->eoi_broadcast = ioapic_eoi;
    apic->eoi_opaque = pcms->ioapic;
    pcms->pic->out = &apic->lint0;
    m->intr_ack = pc_apic_intr_ack;
    m->has_apic = true;
    m->apic_base_write = pc_apic_base_write;

    for (int i = 0; i < 16; i++) {
        irq_init(&pcms->isa_in[i], pc_isa_irq_handler, pcms, i);
    }
    irq_init(&pcms->hpet_legacy_in[0], pc_hpet_legacy_handler, pcms, 0);
    irq_init(&pcms->hpet_legacy_in[1], pc_hpet_legacy_handler, pcms, 1);
    hpet->irq[0] = &pcms->hpet_legacy_in[0];
    hpet->irq[8] = &pcms->hpet_legacy_in[1];
    for (int pin = 20; pin < 24; pin++) {
        hpet->irq[pin] = ioapic_irq(pcms->ioapic, pin);
    }
    hpet->legacy_changed = pc_hpet_legacy_changed;
    hpet->legacy_opaque = pcms;
    return true;
}
