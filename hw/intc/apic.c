/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Local APIC in xAPIC mode (Intel SDM vol. 3A ch. 10), one per vCPU, all
 * behind the 4 KiB window at 0xfee00000.  Each vCPU sees its own registers:
 * the vCPU thread's index comes from cpus_current_index() (system/cpus.h).
 *
 * Register map (offset, SDM Table 10-1):
 *   0x020 ID       0x030 version (RO)   0x080 TPR    0x090 APR (RO)
 *   0x0a0 PPR (RO) 0x0b0 EOI (WO)       0x0d0 LDR    0x0e0 DFR
 *   0x0f0 SVR      0x100-0x170 ISR      0x180-0x1f0 TMR   0x200-0x270 IRR
 *   0x280 ESR      0x300/0x310 ICR      0x320-0x370 LVT timer, thermal,
 *   perf, LINT0, LINT1, error           0x380 initial count
 *   0x390 current count (RO)            0x3e0 divide configuration
 * Registers are 32 bits wide at 16-byte aligned offsets; other dwords read
 * 0 and drop writes.
 *
 * Modelled: fixed, lowest-priority, NMI, INIT and STARTUP messages in
 * physical and logical (flat and cluster) destination mode with the
 * self/all/all-but-self shorthands; TPR/PPR priority, EOI with a broadcast
 * to the IOAPIC for level-triggered vectors; ESR (illegal vectors); the
 * LVT timer, one-shot and periodic, counting at 1 GHz / divisor from the
 * virtual clock (the count is computed, never stepped); LINT0 ExtINT
 * (virtual wire mode to the 8259) and LINT1 NMI.
 * IA32_APIC_BASE's global enable arrives through apic_set_hw_enabled().
 * Left out: TSC-deadline mode (the CPU does not advertise it), x2APIC, SMI
 * delivery, thermal/perf sources, the remote read register.
 *
 * Deviation: at reset the BSP's LINT0 is ExtINT and unmasked (the SDM
 * says masked), so the 8259 reaches the CPU before firmware programs
 * virtual wire mode; QEMU's PC behaves the same.
 * Deviation: delivery status is always idle: a message is accepted at once.
 */
#include "hw/intc/apic.h"

#include <string.h>

#include "hw/core/machine.h"
#include "system/cpus.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/timer.h"

#define APIC_REG_ID        0x02
#define APIC_REG_VERSION   0x03
#define APIC_REG_TPR       0x08
#define APIC_REG_APR       0x09
#define APIC_REG_PPR       0x0a
#define APIC_REG_EOI       0x0b
#define APIC_REG_RRD       0x0c
#define APIC_REG_LDR       0x0d
#define APIC_REG_DFR       0x0e
#define APIC_REG_SVR       0x0f
#define APIC_REG_ISR       0x10
#define APIC_REG_TMR       0x18
#define APIC_REG_IRR       0x20
#define APIC_REG_ESR       0x28
#define APIC_REG_ICR_LO    0x30
#define APIC_REG_ICR_HI    0x31
#define APIC_REG_LVT       0x32
#define APIC_REG_INITIAL   0x38
#define APIC_REG_CURRENT   0x39
#define APIC_REG_DIVIDE    0x3e

#define APIC_SVR_ENABLE        (1u << 8)
#define APIC_LVT_MASKED        (1u << 16)
#define APIC_LVT_LEVEL         (1u << 15)
#define APIC_LVT_REMOTE_IRR    (1u << 14)
#define APIC_LVT_TIMER_PERIODIC (1u << 17)
#define APIC_ICR_DEST_LOGICAL  (1u << 11)
#define APIC_ICR_LEVEL_ASSERT  (1u << 14)
#define APIC_ICR_TRIGGER_LEVEL (1u << 15)
#define APIC_ESR_SEND_ILLEGAL  (1u << 5)
#define APIC_ESR_RECV_ILLEGAL  (1u << 6)
#define APIC_ESR_ILLEGAL_REG   (1u << 7)

/* Writable bits of each LVT (SDM Figure 10-8). */
static const uint32_t apic_lvt_mask[APIC_LVT_NB] = {
    [APIC_LVT_TIMER] = 0x300ff | APIC_LVT_MASKED,
    [APIC_LVT_THERMAL] = 0x007ff | APIC_LVT_MASKED,
    [APIC_LVT_PERF] = 0x007ff | APIC_LVT_MASKED,
    [APIC_LVT_LINT0] = 0x0a7ff | APIC_LVT_MASKED,
    [APIC_LVT_LINT1] = 0x0a7ff | APIC_LVT_MASKED,
    [APIC_LVT_ERROR] = 0x000ff | APIC_LVT_MASKED,
};

static bool apic_bit(const uint32_t *v, unsigned n)
{
    return v[n >> 5] & (1u << (n & 31));
}

static void apic_set_bit(uint32_t *v, unsigned n)
{
    v[n >> 5] |= 1u << (n & 31);
}

static void apic_clear_bit(uint32_t *v, unsigned n)
{
    v[n >> 5] &= ~(1u << (n & 31));
}

/* The highest vector set in @v, or -1. */
static int apic_highest(const uint32_t *v)
{
    for (int i = 7; i >= 0; i--) {
        if (v[i]) {
            return i * 32 + 31 - __builtin_clz(v[i]);
        }
    }
    return -1;
}

static bool apic_sw_enabled(const LocalAPIC *l)
{
    return l->svr & APIC_SVR_ENABLE;
}

/* Processor priority (SDM 10.8.3.1). */
static uint32_t apic_ppr(const LocalAPIC *l)
{
    int isrv = apic_highest(l->isr);
    uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0;

    if ((l->tpr & 0xf0) >= isr_class) {
        return l->tpr & 0xff;
    }
    return isr_class;
}

/* The IRR vector the APIC would dispatch now, or -1. */
static int apic_pending_vector(const LocalAPIC *l)
{
    int irrv = apic_highest(l->irr);

    if (irrv < 0 || ((uint32_t)irrv & 0xf0) <= (apic_ppr(l) & 0xf0)) {
        return -1;
    }
    return irrv;
}

bool apic_accepts_pic(const LocalAPIC *l)
{
    uint32_t lvt0 = l->lvt[APIC_LVT_LINT0];

    if (l->hw_disabled) {
        return l->index == 0;   /* no APIC: the 8259 drives INTR */
    }
    return !(lvt0 & APIC_LVT_MASKED) &&
           ((lvt0 >> 8) & 7) == APIC_DM_EXTINT;
}

/* Drive the vCPU's INTR from the APIC's pending vector and LINT0. */
static void apic_update_intr(LocalAPIC *l)
{
    APICState *s = l->apic;
    bool level = apic_pending_vector(l) >= 0 ||
                 (l->lint_level[0] && apic_accepts_pic(l));

    if (level != l->intr_out || level) {
        l->intr_out = level;
        if (s->signal) {
            s->signal(s->signal_opaque, l->index, APIC_SIGNAL_INTR, level);
        }
    }
}

static void apic_signal(LocalAPIC *l, APICSignal sig, int arg)
{
    APICState *s = l->apic;

    if (s->signal) {
        s->signal(s->signal_opaque, l->index, sig, arg);
    }
}

/* Raise the error interrupt for newly latched errors (SDM 10.5.3). */
static void apic_error(LocalAPIC *l, uint32_t bits);

/* Accept a fixed interrupt into IRR (and TMR for level triggers). */
static void apic_accept_fixed(LocalAPIC *l, uint8_t vector, bool level)
{
    if (vector < 16) {
        apic_error(l, APIC_ESR_RECV_ILLEGAL);
        return;
    }
    apic_set_bit(l->irr, vector);
    if (level) {
        apic_set_bit(l->tmr, vector);
    } else {
        apic_clear_bit(l->tmr, vector);
    }
    apic_update_intr(l);
}

static void apic_error(LocalAPIC *l, uint32_t bits)
{
    uint32_t lvt = l->lvt[APIC_LVT_ERROR];

    l->esr_pending |= bits;
    if (!(lvt & APIC_LVT_MASKED) && (lvt & 0xff) >= 16) {
        apic_accept_fixed(l, lvt & 0xff, false);
    }
}

/* Deliver an LVT entry's interrupt locally (SDM 10.5.1). */
static void apic_lvt_fire(LocalAPIC *l, int slot)
{
    uint32_t lvt = l->lvt[slot];

    if (lvt & APIC_LVT_MASKED) {
        return;
    }
    switch ((lvt >> 8) & 7) {
    case APIC_DM_NMI:
        apic_signal(l, APIC_SIGNAL_NMI, 0);
        break;
    case APIC_DM_FIXED:
        apic_accept_fixed(l, lvt & 0xff,
                          slot != APIC_LVT_TIMER && (lvt & APIC_LVT_LEVEL));
        break;
    case APIC_DM_EXTINT:
        apic_update_intr(l);
        break;
    default:
        log_unimp("apic: LVT delivery mode %u", (lvt >> 8) & 7);
        break;
    }
}

/* ---- timer ---- */

static unsigned apic_timer_shift(const LocalAPIC *l)
{
    unsigned v = (l->divide_conf & 3) | ((l->divide_conf >> 1) & 4);

    return v == 7 ? 0 : v + 1;
}

/* Timer ticks (bus clock 1 GHz, one per ns, divided) since the load. */
static uint64_t apic_timer_ticks(const LocalAPIC *l, int64_t now)
{
    if (now <= l->timer_load_ns) {
        return 0;
    }
    return (uint64_t)(now - l->timer_load_ns) >> apic_timer_shift(l);
}

uint32_t apic_timer_current(const LocalAPIC *l, int64_t now)
{
    uint64_t d;

    if (!l->initial_count) {
        return 0;
    }
    d = apic_timer_ticks(l, now);
    if (l->lvt[APIC_LVT_TIMER] & APIC_LVT_TIMER_PERIODIC) {
        return l->initial_count - d % l->initial_count;
    }
    return d >= l->initial_count ? 0 : l->initial_count - (uint32_t)d;
}

/* Arm the host timer for the next time the count reaches zero. */
static void apic_timer_arm(LocalAPIC *l, int64_t now)
{
    uint64_t d, next;

    if (!l->initial_count) {
        timer_del(l->timer);
        return;
    }
    d = apic_timer_ticks(l, now);
    if (l->lvt[APIC_LVT_TIMER] & APIC_LVT_TIMER_PERIODIC) {
        next = (d / l->initial_count + 1) * l->initial_count;
    } else if (d < l->initial_count) {
        next = l->initial_count;
    } else {
        timer_del(l->timer);
        return;
    }
    timer_mod(l->timer, l->timer_load_ns +
              (int64_t)(next << apic_timer_shift(l)));
}

static void apic_timer_cb(void *opaque)
{
    LocalAPIC *l = opaque;
    int64_t now = clock_get_ns(CLOCK_TYPE_VIRTUAL);

    if (!(l->lvt[APIC_LVT_TIMER] & APIC_LVT_TIMER_PERIODIC)) {
        /* One-shot: the count stays at zero until re-loaded. */
        apic_lvt_fire(l, APIC_LVT_TIMER);
        timer_del(l->timer);
        return;
    }
    apic_lvt_fire(l, APIC_LVT_TIMER);
    apic_timer_arm(l, now);
}

/* ---- the APIC bus ---- */

/* Power-on (@power_on) or INIT state of one APIC (SDM 10.4.7.1). */
static void apic_reset_one(LocalAPIC *l, bool power_on)
{
    uint8_t id = power_on ? l->index : l->id;
    APICState *s = l->apic;
    unsigned index = l->index;
    Timer *timer = l->timer;
    bool intr_out = l->intr_out;
    bool lint0 = l->lint_level[0], lint1 = l->lint_level[1];
    bool hw_disabled = !power_on && l->hw_disabled;

    timer_del(timer);
    *l = (LocalAPIC){ 0 };
    l->apic = s;
    l->index = index;
    l->timer = timer;
    l->intr_out = intr_out;
    l->lint_level[0] = lint0;
    l->lint_level[1] = lint1;
    l->hw_disabled = hw_disabled;
    l->id = id;
    l->dfr = 0xffffffff;
    l->svr = 0xff;
    for (int i = 0; i < APIC_LVT_NB; i++) {
        l->lvt[i] = APIC_LVT_MASKED;
    }
    if (power_on && index == 0) {
        /* Deviation (file comment): virtual wire mode from power-on. */
        l->lvt[APIC_LVT_LINT0] = APIC_DM_EXTINT << 8;
    }
}

static bool apic_match(const LocalAPIC *l, uint8_t dest, bool logical)
{
    uint8_t ld = l->ldr >> 24;

    if (dest == 0xff) {
        return true;
    }
    if (!logical) {
        return l->id == dest;
    }
    if ((l->dfr >> 28) == 0xf) {
        return ld & dest;                       /* flat model */
    }
    return (ld >> 4) == (dest >> 4) && (ld & dest & 0xf);   /* cluster */
}

/* One message reaching one APIC. */
static void apic_receive(LocalAPIC *l, APICDeliveryMode mode, uint8_t vector,
                         bool level_trig)
{
    switch (mode) {
    case APIC_DM_FIXED:
    case APIC_DM_LOWEST:
        apic_accept_fixed(l, vector, level_trig);
        break;
    case APIC_DM_NMI:
        apic_signal(l, APIC_SIGNAL_NMI, 0);
        break;
    case APIC_DM_INIT:
        apic_reset_one(l, false);
        apic_update_intr(l);
        apic_signal(l, APIC_SIGNAL_INIT, 0);
        break;
    case APIC_DM_STARTUP:
        apic_signal(l, APIC_SIGNAL_SIPI, vector);
        break;
    default:
        log_unimp("apic: delivery mode %u", mode);
        break;
    }
}

/* Lowest priority: the selected APIC with the lowest TPR (first wins). */
static int apic_lowest_priority(APICState *s, const bool *hit)
{
    int best = -1;

    for (unsigned i = 0; i < s->ncpus; i++) {
        if (hit[i] && (best < 0 || (s->cpu[i].tpr & 0xff) <
                                   (s->cpu[best].tpr & 0xff))) {
            best = i;
        }
    }
    return best;
}

static unsigned apic_deliver_set(APICState *s, bool *hit,
                                 APICDeliveryMode mode, uint8_t vector,
                                 bool level_trig)
{
    unsigned n = 0;

    for (unsigned i = 0; i < s->ncpus; i++) {
        /* A hardware-disabled APIC only takes part in INIT/SIPI. */
        if (s->cpu[i].hw_disabled && mode != APIC_DM_INIT &&
            mode != APIC_DM_STARTUP) {
            hit[i] = false;
        }
    }

    if (mode == APIC_DM_LOWEST) {
        int best = apic_lowest_priority(s, hit);

        if (best < 0) {
            return 0;
        }
        apic_receive(&s->cpu[best], mode, vector, level_trig);
        return 1;
    }
    for (unsigned i = 0; i < s->ncpus; i++) {
        if (hit[i]) {
            apic_receive(&s->cpu[i], mode, vector, level_trig);
            n++;
        }
    }
    return n;
}

unsigned apic_deliver(APICState *s, uint8_t dest, bool logical,
                      APICDeliveryMode mode, uint8_t vector, bool level_trig)
{
    bool hit[APIC_MAX_CPUS] = { false };

    for (unsigned i = 0; i < s->ncpus; i++) {
        hit[i] = apic_match(&s->cpu[i], dest, logical);
    }
    return apic_deliver_set(s, hit, mode, vector, level_trig);
}

/*
 * An MSI message (SDM vol. 3 §11.11): address 0xfeeXXXXX with the
 * destination ID in bits 19:12 and the destination mode in bit 2; data
 * with the vector in bits 7:0, the delivery mode in 10:8, the trigger
 * mode in bit 15.
 */
unsigned apic_deliver_msi(APICState *s, uint64_t addr, uint32_t data)
{
    if ((addr >> 20) != 0xfee) {
        log_guest_error("apic: MSI to 0x%" PRIx64 ", not 0xfeeXXXXX", addr);
        return 0;
    }
    return apic_deliver(s, (addr >> 12) & 0xff, addr & 0x4,
                        (data >> 8) & 7, data & 0xff, data & 0x8000);
}

/* A write to ICR low sends an IPI (SDM 10.6.1). */
static void apic_send_ipi(LocalAPIC *l)
{
    APICState *s = l->apic;
    uint32_t lo = l->icr_lo;
    APICDeliveryMode mode = (lo >> 8) & 7;
    uint8_t vector = lo & 0xff;
    bool level_trig = lo & APIC_ICR_TRIGGER_LEVEL;
    bool hit[APIC_MAX_CPUS] = { false };

    if (mode == APIC_DM_INIT && level_trig && !(lo & APIC_ICR_LEVEL_ASSERT)) {
        return;     /* INIT level de-assert: arbitration IDs only */
    }
    if ((mode == APIC_DM_FIXED || mode == APIC_DM_LOWEST) && vector < 16) {
        apic_error(l, APIC_ESR_SEND_ILLEGAL);
        return;
    }
    switch ((lo >> 18) & 3) {
    case 0:
        apic_deliver(s, l->icr_hi >> 24, lo & APIC_ICR_DEST_LOGICAL, mode,
                     vector, level_trig);
        return;
    case 1:
        hit[l->index] = true;
        break;
    case 2:
        memset(hit, 1, s->ncpus);
        break;
    default:
        memset(hit, 1, s->ncpus);
        hit[l->index] = false;
        break;
    }
    apic_deliver_set(s, hit, mode, vector, level_trig);
}

static void apic_eoi(LocalAPIC *l)
{
    APICState *s = l->apic;
    int v = apic_highest(l->isr);

    if (v < 0) {
        return;
    }
    apic_clear_bit(l->isr, v);
    if (apic_bit(l->tmr, v) && s->eoi_broadcast) {
        s->eoi_broadcast(s->eoi_opaque, v);
    }
    apic_update_intr(l);
}

int apic_intr_ack(APICState *s, unsigned cpu)
{
    LocalAPIC *l;
    int v;

    if (cpu >= s->ncpus) {
        return 0xff;
    }
    l = &s->cpu[cpu];
    v = apic_pending_vector(l);
    if (v >= 0) {
        apic_clear_bit(l->irr, v);
        apic_set_bit(l->isr, v);
        apic_update_intr(l);
        return v;
    }
    if (l->lint_level[0] && apic_accepts_pic(l) && s->extint_ack) {
        v = s->extint_ack(s->extint_opaque);
        apic_update_intr(l);
        return v;
    }
    apic_update_intr(l);
    return l->svr & 0xff;
}

/* LINT0/LINT1 pins, wired to every vCPU's APIC. */
static void apic_lint_handler(void *opaque, int n, bool level)
{
    APICState *s = opaque;

    for (unsigned i = 0; i < s->ncpus; i++) {
        LocalAPIC *l = &s->cpu[i];
        bool rising = level && !l->lint_level[n];
        uint32_t mode = (l->lvt[APIC_LVT_LINT0 + n] >> 8) & 7;

        l->lint_level[n] = level;
        if (mode == APIC_DM_EXTINT) {
            apic_update_intr(l);
        } else if (rising) {
            apic_lvt_fire(l, APIC_LVT_LINT0 + n);
        }
    }
}

/* ---- registers ---- */

static uint32_t apic_reg_read(LocalAPIC *l, unsigned reg)
{
    switch (reg) {
    case APIC_REG_ID:
        return (uint32_t)l->id << 24;
    case APIC_REG_VERSION:
        return APIC_VERSION_VALUE;
    case APIC_REG_TPR:
        return l->tpr;
    case APIC_REG_APR:
    case APIC_REG_EOI:
    case APIC_REG_RRD:
        return 0;
    case APIC_REG_PPR:
        return apic_ppr(l);
    case APIC_REG_LDR:
        return l->ldr;
    case APIC_REG_DFR:
        return l->dfr;
    case APIC_REG_SVR:
        return l->svr;
    case APIC_REG_ISR ... APIC_REG_ISR + 7:
        return l->isr[reg - APIC_REG_ISR];
    case APIC_REG_TMR ... APIC_REG_TMR + 7:
        return l->tmr[reg - APIC_REG_TMR];
    case APIC_REG_IRR ... APIC_REG_IRR + 7:
        return l->irr[reg - APIC_REG_IRR];
    case APIC_REG_ESR:
        return l->esr;
    case APIC_REG_ICR_LO:
        return l->icr_lo;
    case APIC_REG_ICR_HI:
        return l->icr_hi;
    case APIC_REG_LVT ... APIC_REG_LVT + APIC_LVT_NB - 1:
        return l->lvt[reg - APIC_REG_LVT];
    case APIC_REG_INITIAL:
        return l->initial_count;
    case APIC_REG_CURRENT:
        return apic_timer_current(l, clock_get_ns(CLOCK_TYPE_VIRTUAL));
    case APIC_REG_DIVIDE:
        return l->divide_conf;
    default:
        log_guest_error("apic: read of reserved register 0x%03x", reg << 4);
        apic_error(l, APIC_ESR_ILLEGAL_REG);
        return 0;
    }
}

static void apic_write_lvt(LocalAPIC *l, int slot, uint32_t val)
{
    int64_t now = clock_get_ns(CLOCK_TYPE_VIRTUAL);
    uint32_t v = val & apic_lvt_mask[slot];

    if (!apic_sw_enabled(l)) {
        v |= APIC_LVT_MASKED;   /* SDM 10.4.7.2: mask bits stay set */
    }
    if (slot == APIC_LVT_TIMER && l->initial_count) {
        /* Keep the count running across a mode change. */
        uint32_t cur = apic_timer_current(l, now);

        l->lvt[slot] = v;
        l->timer_load_ns = now - ((int64_t)(l->initial_count - cur)
                                  << apic_timer_shift(l));
        apic_timer_arm(l, now);
        return;
    }
    l->lvt[slot] = v | (l->lvt[slot] & APIC_LVT_REMOTE_IRR);
    if (slot == APIC_LVT_LINT0 || slot == APIC_LVT_LINT1) {
        apic_update_intr(l);
    }
}

static void apic_write_svr(LocalAPIC *l, uint32_t val)
{
    l->svr = val & 0x3ff;
    if (!apic_sw_enabled(l)) {
        for (int i = 0; i < APIC_LVT_NB; i++) {
            l->lvt[i] |= APIC_LVT_MASKED;
        }
    }
    apic_update_intr(l);
}

static void apic_write_timer(LocalAPIC *l, unsigned reg, uint32_t val)
{
    int64_t now = clock_get_ns(CLOCK_TYPE_VIRTUAL);

    if (reg == APIC_REG_INITIAL) {
        l->initial_count = val;
        l->timer_load_ns = now;
    } else {
        uint32_t cur = apic_timer_current(l, now);

        l->divide_conf = val & 0xb;
        l->timer_load_ns = now - ((int64_t)(l->initial_count - cur)
                                  << apic_timer_shift(l));
    }
    apic_timer_arm(l, now);
}

static void apic_reg_write(LocalAPIC *l, unsigned reg, uint32_t val)
{
    switch (reg) {
    case APIC_REG_ID:
        l->id = val >> 24;
        break;
    case APIC_REG_TPR:
        l->tpr = val & 0xff;
        apic_update_intr(l);
        break;
    case APIC_REG_EOI:
        apic_eoi(l);
        break;
    case APIC_REG_LDR:
        l->ldr = val & 0xff000000;
        break;
    case APIC_REG_DFR:
        l->dfr = val | 0x0fffffff;
        break;
    case APIC_REG_SVR:
        apic_write_svr(l, val);
        break;
    case APIC_REG_ESR:
        l->esr = l->esr_pending;
        l->esr_pending = 0;
        break;
    case APIC_REG_ICR_LO:
        l->icr_lo = val & 0x000ccfff;
        apic_send_ipi(l);
        break;
    case APIC_REG_ICR_HI:
        l->icr_hi = val & 0xff000000;
        break;
    case APIC_REG_LVT ... APIC_REG_LVT + APIC_LVT_NB - 1:
        apic_write_lvt(l, reg - APIC_REG_LVT, val);
        break;
    case APIC_REG_INITIAL:
    case APIC_REG_DIVIDE:
        apic_write_timer(l, reg, val);
        break;
    case APIC_REG_VERSION:
    case APIC_REG_APR:
    case APIC_REG_PPR:
    case APIC_REG_RRD:
    case APIC_REG_ISR ... APIC_REG_IRR + 7:
    case APIC_REG_CURRENT:
        log_guest_error("apic: write to read-only register 0x%03x",
                        reg << 4);
        break;
    default:
        log_guest_error("apic: write to reserved register 0x%03x", reg << 4);
        apic_error(l, APIC_ESR_ILLEGAL_REG);
        break;
    }
}

unsigned apic_mmio_access_cpu(const APICState *s)
{
    int cpu = cpus_current_index();

    return cpu >= 0 && (unsigned)cpu < s->ncpus ? (unsigned)cpu : 0;
}

static uint64_t apic_mmio_read(void *opaque, uint64_t offset, unsigned size)
{
    APICState *s = opaque;

    LocalAPIC *l = &s->cpu[apic_mmio_access_cpu(s)];

    if (l->hw_disabled) {
        return UINT32_MAX;  /* not decoded: the bus floats */
    }
    if (offset & 0xf) {
        return 0;   /* the upper dwords of each 16-byte slot */
    }
    return apic_reg_read(l, offset >> 4);
}

static void apic_mmio_write(void *opaque, uint64_t offset, uint64_t val,
                            unsigned size)
{
    APICState *s = opaque;
    LocalAPIC *l = &s->cpu[apic_mmio_access_cpu(s)];

    if (l->hw_disabled) {
        return;
    }
    if (offset & 0xf) {
        log_guest_error("apic: write at unaligned offset 0x%03x",
                        (unsigned)offset);
        return;
    }
    apic_reg_write(l, offset >> 4, val);
}

static const MemoryRegionOps apic_mmio_ops = {
    .read = apic_mmio_read, .write = apic_mmio_write,
    .min_access = 4, .max_access = 4,
};

void apic_set_hw_enabled(APICState *s, unsigned cpu, bool enabled)
{
    LocalAPIC *l;

    if (cpu >= s->ncpus || s->cpu[cpu].hw_disabled == !enabled) {
        return;
    }
    l = &s->cpu[cpu];
    if (!enabled) {
        apic_reset_one(l, false);
        /* Deviation: the BSP keeps its power-on LINT0 so that re-enabling
         * stays in virtual wire mode until software reprograms it. */
        if (l->index == 0) {
            l->lvt[APIC_LVT_LINT0] = APIC_DM_EXTINT << 8;
        }
    }
    l->hw_disabled = !enabled;
    apic_update_intr(l);
}

void apic_set_signal(APICState *s, APICSignalFn fn, void *opaque)
{
    s->signal = fn;
    s->signal_opaque = opaque;
}

static bool apic_realize(Device *dev, Error **errp)
{
    APICState *s = apic_from_dev(dev);

    if (s->ncpus < 1 || s->ncpus > APIC_MAX_CPUS) {
        error_setg(errp, "apic: cpus=%u must be 1..%u", s->ncpus,
                   APIC_MAX_CPUS);
        return false;
    }
    s->cpu = g_new0(LocalAPIC, s->ncpus);
    for (unsigned i = 0; i < s->ncpus; i++) {
        s->cpu[i].apic = s;
        s->cpu[i].index = i;
        s->cpu[i].id = i;
        s->cpu[i].timer = timer_new(CLOCK_TYPE_VIRTUAL, apic_timer_cb,
                                    &s->cpu[i]);
    }
    irq_init(&s->lint0, apic_lint_handler, s, 0);
    irq_init(&s->lint1, apic_lint_handler, s, 1);
    memory_region_init_io(&s->mmio, "apic", &apic_mmio_ops, s,
                          APIC_MMIO_SIZE);
    s->mmio.owner = dev;
    memory_map_add(dev->machine->mem, &s->mmio, APIC_DEFAULT_ADDR, 1);
    return true;
}

static void apic_reset(Device *dev)
{
    APICState *s = apic_from_dev(dev);

    for (unsigned i = 0; i < s->ncpus; i++) {
        apic_reset_one(&s->cpu[i], true);
    }
}

static void apic_sync_irqs(Device *dev)
{
    APICState *s = apic_from_dev(dev);

    for (unsigned i = 0; i < s->ncpus; i++) {
        s->cpu[i].intr_out = true;      /* force the level out once */
        apic_update_intr(&s->cpu[i]);
    }
}

static void apic_unrealize(Device *dev)
{
    APICState *s = apic_from_dev(dev);

    memory_map_del(&s->mmio);
    memory_region_destroy(&s->mmio);
    for (unsigned i = 0; i < s->ncpus; i++) {
        timer_free(s->cpu[i].timer);
    }
    g_free(s->cpu);
}

static const Property apic_props[] = {
    DEFINE_PROP_UINT("cpus", APICState, ncpus, 1, "number of local APICs"),
    { 0 },
};

const DeviceClass apic_class = {
    .name = "apic",
    .description = "local APICs (xAPIC)",
    .category = DEVICE_CATEGORY_MISC,
    .user_creatable = false,
    .instance_size = sizeof(APICState),
    .props = apic_props,
    .realize = apic_realize,
    .reset = apic_reset,
    .sync_irqs = apic_sync_irqs,
    .unrealize = apic_unrealize,
};
