/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * High Precision Event Timer (IA-PC HPET specification 1.0a, §2.3) with
 * three timers, at 0xfed00000:
 *
 *   0x000 GCAP_ID (RO)   0x010 GEN_CONF   0x020 GEN_INT_STATUS (W1C)
 *   0x0f0 MAIN_COUNTER   0x100 + 0x20 * n: Tn_CONFIG, +0x08 Tn_COMPARATOR,
 *   +0x10 Tn_FSB_ROUTE
 *
 * Registers are 64 bits wide and may be accessed as two dwords.  The main
 * counter runs at 100 MHz from the virtual clock while ENABLE_CNF is set;
 * it is computed when read, never stepped, and each timer arms one host
 * timer for its next match.  Timers are 64-bit capable, may run in 32-bit
 * mode (Tn_32MODE_CNF), one-shot or periodic (Tn_VAL_SET_CNF sets the
 * comparator directly; other writes in periodic mode set the period), edge
 * or level (level interrupts hold their line until GEN_INT_STATUS is
 * cleared).  Legacy replacement (LEG_RT_CNF, §2.4) routes timer 0 to IRQ0
 * (IOAPIC pin 2) and timer 1 to IRQ8, and asks the machine to disconnect
 * the 8254 and RTC interrupts meanwhile.  Otherwise a timer goes to the
 * IOAPIC pin in Tn_INT_ROUTE_CNF, one of pins 20-23.
 * Left out: FSB (MSI) delivery (Tn_FSB_INT_DEL_CAP reads 0).
 */
#include "hw/timer/hpet.h"

#include "hw/core/machine.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/timer.h"

#define HPET_REG_CAP      0x000
#define HPET_REG_CONF     0x010
#define HPET_REG_STATUS   0x020
#define HPET_REG_COUNTER  0x0f0
#define HPET_REG_TIMER    0x100
#define HPET_MMIO_SIZE    0x400

#define HPET_CONF_ENABLE  (1ull << 0)
#define HPET_CONF_LEGACY  (1ull << 1)

#define HPET_TN_INT_LEVEL (1ull << 1)
#define HPET_TN_INT_ENB   (1ull << 2)
#define HPET_TN_PERIODIC  (1ull << 3)
#define HPET_TN_PER_CAP   (1ull << 4)
#define HPET_TN_SIZE_CAP  (1ull << 5)
#define HPET_TN_VAL_SET   (1ull << 6)
#define HPET_TN_32MODE    (1ull << 8)
#define HPET_TN_ROUTE_SHIFT 9
#define HPET_TN_ROUTE     (0x1full << HPET_TN_ROUTE_SHIFT)
#define HPET_TN_FSB_EN    (1ull << 14)
#define HPET_TN_WRITABLE  (HPET_TN_INT_LEVEL | HPET_TN_INT_ENB | \
                           HPET_TN_PERIODIC | HPET_TN_VAL_SET | \
                           HPET_TN_32MODE | HPET_TN_ROUTE | HPET_TN_FSB_EN)
/* Beyond this many ticks ahead (about 32 days) a timer is not armed. */
#define HPET_MAX_DELTA    (1ull << 48)

static int64_t hpet_now(void)
{
    return clock_get_ns(CLOCK_TYPE_VIRTUAL);
}

uint64_t hpet_counter(const HPETState *s, int64_t now)
{
    if (!(s->config & HPET_CONF_ENABLE) || now <= s->load_ns) {
        return s->counter;
    }
    return s->counter + (uint64_t)(now - s->load_ns) / HPET_NS_PER_TICK;
}

static bool hpet_timer_32bit(const HPETTimer *t)
{
    return t->config & HPET_TN_32MODE;
}

/* The line timer @t drives now. */
static IRQLine *hpet_route(HPETTimer *t)
{
    HPETState *s = t->hpet;
    unsigned route;

    if ((s->config & HPET_CONF_LEGACY) && t->index < 2) {
        return s->irq[t->index == 0 ? 0 : 8];
    }
    route = (t->config & HPET_TN_ROUTE) >> HPET_TN_ROUTE_SHIFT;
    /* A route outside Tn_INT_ROUTE_CAP reaches no pin. */
    return (HPET_ROUTE_CAP & (1u << route)) ? s->irq[route] : NULL;
}

/* Drive a level-triggered timer's line from its status bit. */
static void hpet_update_level(HPETTimer *t)
{
    HPETState *s = t->hpet;
    bool level = (t->config & HPET_TN_INT_LEVEL) &&
                 (t->config & HPET_TN_INT_ENB) &&
                 (s->isr & (1ull << t->index));

    if (level != t->level_out) {
        t->level_out = level;
        irq_set(hpet_route(t), level);
    }
}

static void hpet_fire(HPETTimer *t)
{
    HPETState *s = t->hpet;

    if (!(t->config & HPET_TN_INT_ENB)) {
        return;
    }
    if (t->config & HPET_TN_INT_LEVEL) {
        s->isr |= 1ull << t->index;
        hpet_update_level(t);
    } else {
        irq_pulse(hpet_route(t));
    }
}

/*
 * Arm @t for its next match as seen at virtual time @now; @fired: the
 * current value just matched.  @now must be the reading the caller based
 * its comparator on: a later one can already be past a comparator that
 * was ahead then, and an equality match would wait for the next wrap.
 */
static void hpet_arm(HPETTimer *t, bool fired, int64_t now)
{
    HPETState *s = t->hpet;
    uint64_t cur = hpet_counter(s, now);
    uint64_t delta;

    if (!(s->config & HPET_CONF_ENABLE)) {
        timer_del(t->timer);
        return;
    }
    if (hpet_timer_32bit(t)) {
        delta = (uint32_t)(t->cmp - cur);
        if (fired && delta == 0) {
            delta = 1ull << 32;     /* a one-shot matches again on wrap */
        }
    } else {
        delta = t->cmp - cur;
        if (fired && delta == 0) {
            delta = UINT64_MAX;
        }
    }
    if (delta > HPET_MAX_DELTA) {
        timer_del(t->timer);
        return;
    }
    timer_mod(t->timer, s->load_ns +
              (int64_t)((cur - s->counter + delta) * HPET_NS_PER_TICK));
}

static void hpet_timer_cb(void *opaque)
{
    HPETTimer *t = opaque;
    int64_t now = hpet_now();
    uint64_t cur = hpet_counter(t->hpet, now);

    hpet_fire(t);
    if ((t->config & HPET_TN_PERIODIC) && t->period) {
        /* Advance past now: a late callback fires once, not many times. */
        uint64_t behind = hpet_timer_32bit(t) ? (uint32_t)(cur - t->cmp)
                                              : cur - t->cmp;

        t->cmp += (behind / t->period + 1) * t->period;
        if (hpet_timer_32bit(t)) {
            t->cmp = (uint32_t)t->cmp;
        }
        hpet_arm(t, false, now);
        return;
    }
    hpet_arm(t, true, now);
}

static void hpet_arm_all(HPETState *s, int64_t now)
{
    for (int i = 0; i < HPET_NUM_TIMERS; i++) {
        hpet_arm(&s->t[i], false, now);
    }
}

static uint64_t hpet_reg_read(HPETState *s, unsigned reg)
{
    HPETTimer *t;

    switch (reg) {
    case HPET_REG_CAP:
        return ((uint64_t)HPET_PERIOD_FS << 32) | (0x8086u << 16) |
               (1u << 15) | (1u << 13) | ((HPET_NUM_TIMERS - 1) << 8) | 1;
    case HPET_REG_CONF:
        return s->config;
    case HPET_REG_STATUS:
        return s->isr;
    case HPET_REG_COUNTER:
        return hpet_counter(s, hpet_now());
    }
    if (reg >= HPET_REG_TIMER &&
        reg < HPET_REG_TIMER + 0x20 * HPET_NUM_TIMERS) {
        t = &s->t[(reg - HPET_REG_TIMER) / 0x20];
        switch (reg & 0x1f) {
        case 0x00:
            return t->config;
        case 0x08:
            return hpet_timer_32bit(t) ? (uint32_t)t->cmp : t->cmp;
        default:
            return 0;   /* FSB route: no FSB delivery */
        }
    }
    log_guest_error("hpet: read of reserved register 0x%03x", reg);
    return 0;
}

static void hpet_write_conf(HPETState *s, uint64_t val)
{
    uint64_t old = s->config;
    int64_t now = hpet_now();

    /* Lower level lines on their old routes before anything moves. */
    for (int i = 0; i < HPET_NUM_TIMERS; i++) {
        if (s->t[i].level_out) {
            irq_set(hpet_route(&s->t[i]), false);
            s->t[i].level_out = false;
        }
    }
    s->counter = hpet_counter(s, now);
    s->load_ns = now;
    s->config = val & (HPET_CONF_ENABLE | HPET_CONF_LEGACY);
    if (((old ^ s->config) & HPET_CONF_LEGACY) && s->legacy_changed) {
        s->legacy_changed(s->legacy_opaque, s->config & HPET_CONF_LEGACY);
    }
    for (int i = 0; i < HPET_NUM_TIMERS; i++) {
        hpet_update_level(&s->t[i]);
    }
    hpet_arm_all(s, now);
}

static void hpet_write_tconf(HPETTimer *t, uint64_t val)
{
    if (t->level_out) {
        irq_set(hpet_route(t), false);
        t->level_out = false;
    }
    t->config = (t->config & ~HPET_TN_WRITABLE) | (val & HPET_TN_WRITABLE);
    if (t->config & HPET_TN_FSB_EN) {
        log_unimp("hpet: FSB interrupt delivery");
        t->config &= ~HPET_TN_FSB_EN;
    }
    if (hpet_timer_32bit(t)) {
        t->cmp = (uint32_t)t->cmp;
        t->period = (uint32_t)t->period;
    }
    hpet_update_level(t);
    hpet_arm(t, false, hpet_now());
}

/*
 * @val is the merged 64-bit value; @mask the bits the guest wrote.  With
 * VAL_SET, a 64-bit timer written as two dwords keeps VAL_SET until the
 * high dword (written second, as drivers do) has been stored too.
 */
static void hpet_write_cmp(HPETTimer *t, uint64_t val, uint64_t mask)
{
    if (hpet_timer_32bit(t)) {
        val = (uint32_t)val;
        mask = UINT64_MAX;
    }
    if (t->config & HPET_TN_PERIODIC) {
        t->period = (t->period & ~mask) | (val & mask);
        if (t->config & HPET_TN_VAL_SET) {
            t->cmp = val;
            if (mask >> 32) {
                t->config &= ~HPET_TN_VAL_SET;
            }
        }
    } else {
        t->cmp = val;
    }
    hpet_arm(t, false, hpet_now());
}

/* Write the bits of @mask in register @reg with those of @val. */
static void hpet_reg_write(HPETState *s, unsigned reg, uint64_t val,
                           uint64_t mask)
{
    uint64_t merged = (hpet_reg_read(s, reg) & ~mask) | (val & mask);
    HPETTimer *t;

    switch (reg) {
    case HPET_REG_CAP:
        return;
    case HPET_REG_CONF:
        hpet_write_conf(s, merged);
        return;
    case HPET_REG_STATUS:
        s->isr &= ~(val & mask);
        for (int i = 0; i < HPET_NUM_TIMERS; i++) {
            hpet_update_level(&s->t[i]);
        }
        return;
    case HPET_REG_COUNTER:
        s->counter = merged;
        s->load_ns = hpet_now();
        hpet_arm_all(s, s->load_ns);
        return;
    }
    if (reg >= HPET_REG_TIMER &&
        reg < HPET_REG_TIMER + 0x20 * HPET_NUM_TIMERS) {
        t = &s->t[(reg - HPET_REG_TIMER) / 0x20];
        if ((reg & 0x1f) == 0x00) {
            hpet_write_tconf(t, merged);
        } else if ((reg & 0x1f) == 0x08) {
            hpet_write_cmp(t, merged, mask);
        }
        return;
    }
    log_guest_error("hpet: write to reserved register 0x%03x", reg);
}

static uint64_t hpet_mmio_read(void *opaque, uint64_t offset, unsigned size)
{
    uint64_t v = hpet_reg_read(opaque, offset & ~7ull);

    if (size == 8) {
        return v;
    }
    return (offset & 4) ? v >> 32 : (uint32_t)v;
}

static void hpet_mmio_write(void *opaque, uint64_t offset, uint64_t val,
                            unsigned size)
{
    unsigned shift = size == 8 ? 0 : (offset & 4) * 8;
    uint64_t mask = size == 8 ? UINT64_MAX : 0xffffffffull << shift;

    hpet_reg_write(opaque, offset & ~7ull, val << shift, mask);
}

static const MemoryRegionOps hpet_mmio_ops = {
    .read = hpet_mmio_read, .write = hpet_mmio_write,
    .min_access = 4, .max_access = 8,
};

static bool hpet_realize(Device *dev, Error **errp)
{
    HPETState *s = hpet_from_dev(dev);

    for (int i = 0; i < HPET_NUM_TIMERS; i++) {
        s->t[i].hpet = s;
        s->t[i].index = i;
        s->t[i].timer = timer_new(CLOCK_TYPE_VIRTUAL, hpet_timer_cb, &s->t[i]);
    }
    memory_region_init_io(&s->mmio, "hpet", &hpet_mmio_ops, s,
                          HPET_MMIO_SIZE);
    s->mmio.owner = dev;
    memory_map_add(dev->machine->mem, &s->mmio, HPET_DEFAULT_ADDR, 1);
    return true;
}

static void hpet_reset(Device *dev)
{
    HPETState *s = hpet_from_dev(dev);

    s->config = 0;
    s->isr = 0;
    s->counter = 0;
    s->load_ns = hpet_now();
    for (int i = 0; i < HPET_NUM_TIMERS; i++) {
        HPETTimer *t = &s->t[i];

        timer_del(t->timer);
        t->config = ((uint64_t)HPET_ROUTE_CAP << 32) | HPET_TN_PER_CAP |
                    HPET_TN_SIZE_CAP;
        t->cmp = UINT64_MAX;
        t->period = 0;
        t->level_out = false;
    }
}

static void hpet_sync_irqs(Device *dev)
{
    HPETState *s = hpet_from_dev(dev);

    if (s->legacy_changed) {
        s->legacy_changed(s->legacy_opaque, false);
    }
}

static void hpet_unrealize(Device *dev)
{
    HPETState *s = hpet_from_dev(dev);

    memory_region_destroy(&s->mmio);
    for (int i = 0; i < HPET_NUM_TIMERS; i++) {
        timer_free(s->t[i].timer);
    }
}

const DeviceClass hpet_class = {
    .name = "hpet",
    .description = "High Precision Event Timer",
    .category = DEVICE_CATEGORY_MISC,
    .user_creatable = false,
    .instance_size = sizeof(HPETState),
    .realize = hpet_realize,
    .reset = hpet_reset,
    .sync_irqs = hpet_sync_irqs,
    .unrealize = hpet_unrealize,
};
