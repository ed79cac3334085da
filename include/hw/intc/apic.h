/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The local APICs of the PC's vCPUs (xAPIC mode, MMIO at 0xfee00000) as one
 * device: one LocalAPIC per vCPU behind a single 4 KiB window, where each
 * vCPU sees its own registers (system/cpus.h cpus_current_index() says
 * which vCPU is accessing).  Intel SDM vol. 3A ch. 10.
 *
 * The APIC reaches the vCPUs only through an APICCpuOps hook (INTR level,
 * NMI, INIT, STARTUP), so tests record deliveries without a CPU; the PC
 * machine (hw/i386/pc-apic.c) connects it to x86_cpu_set_intr() and
 * friends.  Interrupt messages (IPIs, IOAPIC redirections) all go through
 * apic_deliver(), the model of the APIC bus.
 */
#ifndef HW_INTC_APIC_H
#define HW_INTC_APIC_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/core/device.h"
#include "hw/core/irq.h"
#include "hw/core/memory.h"

#define APIC_DEFAULT_ADDR   0xfee00000ULL
#define APIC_MMIO_SIZE      0x1000
#define APIC_MAX_CPUS       255
/* Version register: integrated APIC version 0x14, 6 LVT entries. */
#define APIC_VERSION_VALUE  0x00050014u

/* Delivery modes of the ICR, LVT and IOAPIC redirection entries. */
typedef enum APICDeliveryMode {
    APIC_DM_FIXED = 0,
    APIC_DM_LOWEST = 1,
    APIC_DM_SMI = 2,
    APIC_DM_NMI = 4,
    APIC_DM_INIT = 5,
    APIC_DM_STARTUP = 6,
    APIC_DM_EXTINT = 7,
} APICDeliveryMode;

/* LVT slots, in register order (0x320..0x370). */
enum {
    APIC_LVT_TIMER = 0,
    APIC_LVT_THERMAL,
    APIC_LVT_PERF,
    APIC_LVT_LINT0,
    APIC_LVT_LINT1,
    APIC_LVT_ERROR,
    APIC_LVT_NB,
};

/** What the APIC asks of a vCPU. */
typedef enum APICSignal {
    APIC_SIGNAL_INTR = 0,   /* @arg: the INTR level */
    APIC_SIGNAL_NMI,        /* an NMI edge */
    APIC_SIGNAL_INIT,       /* INIT: the vCPU resets to wait-for-SIPI */
    APIC_SIGNAL_SIPI,       /* STARTUP with vector @arg */
} APICSignal;

/**
 * typedef APICSignalFn - deliver @sig to vCPU @cpu (index, = APIC ID at
 * reset).  Called under the machine lock.
 */
typedef void (*APICSignalFn)(void *opaque, unsigned cpu, APICSignal sig,
                             int arg);

typedef struct APICState APICState;
typedef struct Timer Timer;

/**
 * struct LocalAPIC - one vCPU's local APIC.  Register names from SDM
 * Table 10-1.  isr/tmr/irr are 256-bit vectors as 8 words.
 */
typedef struct LocalAPIC {
    /* guest-visible state */
    uint8_t id;
    uint32_t tpr;
    uint32_t ldr;
    uint32_t dfr;
    uint32_t svr;
    uint32_t isr[8];
    uint32_t tmr[8];
    uint32_t irr[8];
    uint32_t esr;
    uint32_t esr_pending;
    uint32_t icr_lo;
    uint32_t icr_hi;
    uint32_t lvt[APIC_LVT_NB];
    uint32_t initial_count;
    uint32_t divide_conf;
    int64_t timer_load_ns;
    bool lint_level[2];
    bool hw_disabled;
    /* host plumbing */
    APICState *apic;
    unsigned index;
    Timer *timer;
    bool intr_out;
} LocalAPIC;

/**
 * struct APICState - the local APICs of all vCPUs.
 * @ncpus: property "cpus": how many vCPUs (1..255).
 * @cpu: @ncpus LocalAPICs, indexed by vCPU.
 * @lint0, @lint1: LINT0/LINT1 input pins, wired to every vCPU's APIC
 *        (the PC drives LINT0 from the 8259's INTR: virtual wire mode).
 * @signal, @signal_opaque: the vCPU hook (apic_set_signal()).
 * @extint_ack, @extint_opaque: INTA of the 8259 for ExtINT deliveries.
 * @eoi_broadcast, @eoi_opaque: a level-triggered vector was EOIed (to the
 *        IOAPIC's remote IRR).
 */
struct APICState {
    Device parent;
    /* properties */
    uint32_t ncpus;
    /* guest-visible state */
    LocalAPIC *cpu;
    /* host plumbing */
    MemoryRegion mmio;
    IRQLine lint0;
    IRQLine lint1;
    APICSignalFn signal;
    void *signal_opaque;
    int (*extint_ack)(void *opaque);
    void *extint_opaque;
    void (*eoi_broadcast)(void *opaque, int vector);
    void *eoi_opaque;
};

extern const DeviceClass apic_class;

static inline APICState *apic_from_dev(Device *dev)
{
    return container_of(dev, APICState, parent);
}

/** apic_set_signal() - route what the APICs ask of vCPUs to @fn. */
void apic_set_signal(APICState *s, APICSignalFn fn, void *opaque);

/**
 * apic_deliver() - an interrupt message on the APIC bus (an IPI, an
 * IOAPIC redirection): to the APICs that @dest selects (physical APIC ID,
 * 0xff = all; or a logical MDA when @logical), with @mode, @vector and
 * trigger (@level_trig).  Fixed vectors below 16 are refused with the
 * receive-illegal-vector error.  Returns the number of APICs that
 * accepted it.
 */
unsigned apic_deliver(APICState *s, uint8_t dest, bool logical,
                      APICDeliveryMode mode, uint8_t vector, bool level_trig);

/**
 * apic_deliver_msi() - a PCI MSI/MSI-X message: a write of @data to
 * @addr (0xfeeXXXXX), decoded into apic_deliver()'s destination, mode,
 * vector and trigger.  Other addresses are logged and dropped.  Returns
 * the number of APICs that accepted it.
 */
unsigned apic_deliver_msi(APICState *s, uint64_t addr, uint32_t data);

/**
 * apic_intr_ack() - INTA of vCPU @cpu: the highest pending fixed vector
 * above PPR (moved to ISR), else the 8259's vector when LINT0 is in
 * ExtINT mode and the 8259 asserts INTR, else the spurious vector.
 */
int apic_intr_ack(APICState *s, unsigned cpu);

/** apic_mmio_access_cpu() - the vCPU whose registers MMIO reaches now. */
unsigned apic_mmio_access_cpu(const APICState *s);

/**
 * apic_timer_current() - the current-count register of @cpu's timer at
 * virtual time @now (for tests; MMIO reads use the clock).
 */
uint32_t apic_timer_current(const LocalAPIC *l, int64_t now);

/**
 * apic_set_hw_enabled() - IA32_APIC_BASE bit 11 (global enable) of vCPU
 * @cpu changed (SDM 10.4.3).  Disabled, the APIC takes no messages, its
 * state returns to power-on values and LINT0 passes the 8259's INTR
 * straight through, as on a CPU without an APIC.  For the CPU's WRMSR,
 * through the machine.
 */
void apic_set_hw_enabled(APICState *s, unsigned cpu, bool enabled);

/** apic_accepts_pic() - LINT0 of @cpu passes 8259 interrupts (ExtINT). */
bool apic_accepts_pic(const LocalAPIC *l);

#endif /* HW_INTC_APIC_H */
