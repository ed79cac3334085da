/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Intel 8254 programmable interval timer (8254 datasheet, "Modes of
 * Operation" and "Read-Back Command"), as on the PC: three 16-bit counters
 * clocked at 1.193182 MHz; counter 0 drives IRQ 0, counter 1 (DRAM refresh)
 * is unused, counter 2 feeds the speaker and is gated by port 0x61 bit 0.
 *
 * The counters are not stepped: each channel records when its count was
 * loaded on the virtual clock, and the count and OUT are computed from the
 * elapsed ticks when read.  Channel 0 arms one timer for its next OUT
 * transition, so a periodic 100 Hz tick costs two callbacks per period and
 * nothing in between.
 *
 * All six modes, binary and BCD counting, LSB/MSB/word access, counter
 * latch and read-back (count and status) are modelled.  Deviation: a new
 * count written in modes 2 and 3 takes effect at once instead of at the end
 * of the current period (guests re-program these modes only when starting).
 */
#include "hw/timer/i8254.h"

#include "hw/core/machine.h"

#include "util/clock.h"
#include "util/log.h"
#include "util/timer.h"

#define PIT_CMD_SC(v)    (((v) >> 6) & 3)
#define PIT_CMD_RW(v)    (((v) >> 4) & 3)
#define PIT_CMD_MODE(v)  (((v) >> 1) & 7)
#define PIT_CMD_BCD      0x01
#define PIT_READBACK_NO_COUNT  0x20
#define PIT_READBACK_NO_STATUS 0x10
#define PIT_STATUS_OUT   0x80
#define PIT_STATUS_NULL  0x40

static inline I8254State *pit_from_dev(Device *dev)
{
    return container_of(dev, I8254State, parent);
}

static int64_t pit_now(void)
{
    return clock_get_ns(CLOCK_TYPE_VIRTUAL);
}

/* Whole PIT ticks between @load_ns and @now. */
static uint64_t pit_ticks(int64_t load_ns, int64_t now)
{
    if (now <= load_ns) {
        return 0;
    }
    return (uint64_t)(now - load_ns) * PIT_FREQ_HZ / NANOSECONDS_PER_SECOND;
}

/* Virtual time of tick @d after @load_ns (rounded up to the tick). */
static int64_t pit_tick_time(int64_t load_ns, uint64_t d)
{
    return load_ns + (int64_t)((d * NANOSECONDS_PER_SECOND + PIT_FREQ_HZ - 1)
                               / PIT_FREQ_HZ);
}

static uint32_t pit_period(const PITChannel *c)
{
    if (c->count) {
        return c->count;
    }
    return c->bcd ? 10000 : 0x10000;
}

static uint16_t pit_to_bcd(uint32_t v)
{
    return (v % 10) | ((v / 10 % 10) << 4) | ((v / 100 % 10) << 8) |
           ((v / 1000 % 10) << 12);
}

static uint32_t pit_from_bcd(uint16_t v)
{
    return (v & 0xf) + ((v >> 4) & 0xf) * 10 + ((v >> 8) & 0xf) * 100 +
           ((v >> 12) & 0xf) * 1000;
}

/* The counting element now, in binary (0..period). */
static uint32_t pit_get_count(const PITChannel *c, int64_t now)
{
    uint32_t n = pit_period(c);
    uint64_t d;

    if (c->frozen) {
        return c->frozen_count;
    }
    if (!c->armed) {
        return n & 0xffff;
    }
    d = pit_ticks(c->load_ns, now);
    switch (c->mode) {
    case 2:
        return n - d % n;
    case 3:
        return (n - (d * 2) % n) & 0xfffe;
    default: {
        /* Modes 0, 1, 4, 5 count down and wrap after terminal count. */
        uint32_t range = c->bcd ? 10000 : 0x10000;

        return (uint32_t)((n + range - d % range) % range);
    }
    }
}

static bool pit_out_at(const PITChannel *c, uint64_t d)
{
    uint32_t n = pit_period(c);

    switch (c->mode) {
    case 0:
    case 1:
        return d >= n;
    case 2:
        return d % n != n - 1;
    case 3:
        return d % n < (n + 1) / 2;
    default:
        /* 4, 5: one-clock strobe at terminal count. */
        return d != n;
    }
}

bool i8254_get_out(I8254State *s, int ch)
{
    PITChannel *c = &s->ch[ch];

    if (!c->armed) {
        /* Mode 0 before the count is written: low; other modes idle high. */
        return c->mode != 0;
    }
    if (c->frozen) {
        /* Gate low in mode 0/4 before terminal count holds OUT. */
        return c->mode != 0;
    }
    if (!c->gate && (c->mode == 2 || c->mode == 3)) {
        /* Gate low forces OUT high in modes 2 and 3. */
        return true;
    }
    return pit_out_at(c, pit_ticks(c->load_ns, pit_now()));
}

/* Tick of the next OUT change after tick @d, or UINT64_MAX for never. */
static uint64_t pit_next_change(const PITChannel *c, uint64_t d)
{
    uint32_t n = pit_period(c);
    uint64_t base = d - d % n;
    uint32_t in = d % n;

    switch (c->mode) {
    case 0:
    case 1:
        return d < n ? n : UINT64_MAX;
    case 2:
        return in < n - 1 ? base + n - 1 : base + n;
    case 3:
        return in < (n + 1) / 2 ? base + (n + 1) / 2 : base + n;
    default:
        if (d < n) {
            return n;
        }
        return d == n ? n + 1 : UINT64_MAX;
    }
}

/*
 * Whether OUT rose at least once in ticks (@from, @to]: the timer may run
 * late, after a short low pulse (mode 2) or a whole period has passed, and
 * the edge-triggered PIC must still see every period start.
 */
static bool pit_rose_between(const PITChannel *c, uint64_t from, uint64_t to)
{
    uint32_t n = pit_period(c);

    if (to <= from) {
        return false;
    }
    switch (c->mode) {
    case 2:
    case 3:
        return to / n > from / n;
    case 4:
    case 5:
        return from <= n && to > n;
    default:
        return from < n && to >= n;
    }
}

/* Drive IRQ 0 from channel 0's OUT and arm the timer for its next change. */
static void pit_update_irq(I8254State *s)
{
    PITChannel *c = &s->ch[0];
    int64_t now = pit_now();
    bool out = i8254_get_out(s, 0);
    uint64_t d;
    uint64_t next;

    if (c->armed && !c->frozen && c->gate) {
        d = pit_ticks(c->load_ns, now);
        if (pit_rose_between(c, c->irq_ticks, d) && c->irq_out && out) {
            /* A whole low pulse happened between two evaluations. */
            irq_set(s->irq, false);
            irq_set(s->irq, true);
        }
        c->irq_ticks = d;
    }
    if (out != c->irq_out) {
        c->irq_out = out;
        irq_set(s->irq, out);
    }
    if (!c->armed || c->frozen || !c->gate) {
        timer_del(s->timer);
        return;
    }
    d = pit_ticks(c->load_ns, now);
    next = pit_next_change(c, d);
    if (next == UINT64_MAX) {
        timer_del(s->timer);
    } else {
        timer_mod(s->timer, pit_tick_time(c->load_ns, next));
    }
}

static void pit_timer_cb(void *opaque)
{
    pit_update_irq(opaque);
}

static void pit_load_count(I8254State *s, int ch, uint32_t raw)
{
    PITChannel *c = &s->ch[ch];

    c->count = c->bcd ? pit_from_bcd(raw) : raw;
    c->null_count = false;
    c->frozen = false;
    c->load_ns = pit_now();
    c->irq_ticks = 0;
    /* Modes 1 and 5 wait for a gate trigger. */
    c->armed = !(c->mode == 1 || c->mode == 5);
    if (ch == 0) {
        pit_update_irq(s);
    }
}

void i8254_set_gate(I8254State *s, int ch, bool level)
{
    PITChannel *c = &s->ch[ch];
    bool rising = level && !c->gate;
    int64_t now = pit_now();

    if (!level && c->gate && c->armed && (c->mode == 0 || c->mode == 4)) {
        c->frozen_count = pit_get_count(c, now);
        c->frozen = true;
    }
    c->gate = level;
    if (rising) {
        switch (c->mode) {
        case 0:
        case 4:
            if (c->frozen) {
                /* Resume counting from the held value. */
                uint32_t held = c->frozen_count;
                c->frozen = false;
                c->load_ns = now - (int64_t)((uint64_t)(pit_period(c) - held) *
                             NANOSECONDS_PER_SECOND / PIT_FREQ_HZ);
            }
            break;
        default:
            /* 1, 2, 3, 5: a rising gate (re)starts the count. */
            c->load_ns = now;
            c->armed = true;
            break;
        }
        c->irq_ticks = pit_ticks(c->load_ns, now);
    }
    if (ch == 0) {
        pit_update_irq(s);
    }
}

static uint8_t pit_status(I8254State *s, int ch)
{
    PITChannel *c = &s->ch[ch];

    return (i8254_get_out(s, ch) ? PIT_STATUS_OUT : 0) |
           (c->null_count ? PIT_STATUS_NULL : 0) | (c->rw_mode << 4) |
           (c->mode << 1) | (c->bcd ? 1 : 0);
}

static void pit_latch_count(I8254State *s, int ch)
{
    PITChannel *c = &s->ch[ch];
    uint32_t v;

    if (c->count_latched) {
        return;
    }
    v = pit_get_count(c, pit_now());
    c->latched_count = c->bcd ? pit_to_bcd(v % 10000) : (uint16_t)v;
    c->count_latched = c->rw_mode == 3 ? 2 : 1;
}

static void pit_write_control(I8254State *s, uint8_t val)
{
    int sc = PIT_CMD_SC(val);
    PITChannel *c;

    if (sc == 3) {
        /* Read-back: bits 1-3 select channels. */
        for (int ch = 0; ch < 3; ch++) {
            if (!(val & (2u << ch))) {
                continue;
            }
            if (!(val & PIT_READBACK_NO_COUNT)) {
                pit_latch_count(s, ch);
            }
            if (!(val & PIT_READBACK_NO_STATUS) && !s->ch[ch].status_latched) {
                s->ch[ch].status = pit_status(s, ch);
                s->ch[ch].status_latched = true;
            }
        }
        return;
    }
    c = &s->ch[sc];
    if (PIT_CMD_RW(val) == 0) {
        pit_latch_count(s, sc);
        return;
    }
    c->rw_mode = PIT_CMD_RW(val);
    c->mode = PIT_CMD_MODE(val);
    if (c->mode >= 6) {
        c->mode -= 4;   /* 6 and 7 are aliases of 2 and 3 */
    }
    c->bcd = val & PIT_CMD_BCD;
    c->read_msb_next = false;
    c->write_msb_next = false;
    c->armed = false;
    c->frozen = false;
    c->null_count = true;
    if (sc == 0) {
        pit_update_irq(s);
    }
}

static void pit_write_counter(I8254State *s, int ch, uint8_t val)
{
    PITChannel *c = &s->ch[ch];

    switch (c->rw_mode) {
    case 1:
        pit_load_count(s, ch, val);
        break;
    case 2:
        pit_load_count(s, ch, (uint32_t)val << 8);
        break;
    default:
        if (!c->write_msb_next) {
            c->write_lsb = val;
            c->write_msb_next = true;
            if (c->mode == 0) {
                /* Writing the first byte stops the count in mode 0. */
                c->armed = false;
                if (ch == 0) {
                    pit_update_irq(s);
                }
            }
        } else {
            c->write_msb_next = false;
            pit_load_count(s, ch, c->write_lsb | ((uint32_t)val << 8));
        }
        break;
    }
}

static uint8_t pit_read_counter(I8254State *s, int ch)
{
    PITChannel *c = &s->ch[ch];
    uint16_t v;
    uint8_t byte;

    if (c->status_latched) {
        c->status_latched = false;
        return c->status;
    }
    if (c->count_latched) {
        v = c->latched_count;
        if (c->rw_mode == 2 || (c->rw_mode == 3 && c->count_latched == 1)) {
            byte = v >> 8;
        } else {
            byte = v & 0xff;
        }
        c->count_latched--;
        return byte;
    }
    v = pit_get_count(c, pit_now());
    if (c->bcd) {
        v = pit_to_bcd(v % 10000);
    }
    switch (c->rw_mode) {
    case 1:
        return v & 0xff;
    case 2:
        return v >> 8;
    default:
        byte = c->read_msb_next ? v >> 8 : v & 0xff;
        c->read_msb_next = !c->read_msb_next;
        return byte;
    }
}

static uint64_t pit_io_read(void *opaque, uint64_t offset, unsigned size)
{
    I8254State *s = opaque;

    if (offset == 3) {
        /* The control word register is write-only. */
        return 0xff;
    }
    return pit_read_counter(s, offset);
}

static void pit_io_write(void *opaque, uint64_t offset, uint64_t val,
                         unsigned size)
{
    I8254State *s = opaque;

    if (offset == 3) {
        pit_write_control(s, val);
    } else {
        pit_write_counter(s, offset, val);
    }
}

static const MemoryRegionOps pit_ops = {
    .read = pit_io_read, .write = pit_io_write,
    .min_access = 1, .max_access = 1,
};

static bool i8254_realize(Device *dev, Error **errp)
{
    I8254State *s = pit_from_dev(dev);

    s->timer = timer_new(CLOCK_TYPE_VIRTUAL, pit_timer_cb, s);
    memory_region_init_io(&s->io, "pit", &pit_ops, s, 4);
    s->io.owner = dev;
    memory_map_add(dev->machine->io, &s->io, s->iobase, 0);
    return true;
}

static void i8254_reset(Device *dev)
{
    I8254State *s = pit_from_dev(dev);

    timer_del(s->timer);
    for (int i = 0; i < 3; i++) {
        PITChannel *c = &s->ch[i];

        *c = (PITChannel){ 0 };
        c->rw_mode = 3;
        c->mode = 3;
        /* Gates 0 and 1 are tied high; gate 2 follows port 0x61. */
        c->gate = i != 2;
    }
}

static void i8254_sync_irqs(Device *dev)
{
    I8254State *s = pit_from_dev(dev);

    s->ch[0].irq_out = i8254_get_out(s, 0);
    irq_set(s->irq, s->ch[0].irq_out);
}

static void i8254_unrealize(Device *dev)
{
    I8254State *s = pit_from_dev(dev);

    memory_region_destroy(&s->io);
    timer_free(s->timer);
}

static const Property i8254_props[] = {
    DEFINE_PROP_UINT("iobase", I8254State, iobase, 0x40, "I/O base port"),
    { 0 },
};

const DeviceClass i8254_class = {
    .name = "isa-pit",
    .description = "Intel 8254 programmable interval timer",
    .category = DEVICE_CATEGORY_MISC,
    .bus = "ISA",
    .user_creatable = false,
    .instance_size = sizeof(I8254State),
    .props = i8254_props,
    .realize = i8254_realize,
    .reset = i8254_reset,
    .sync_irqs = i8254_sync_irqs,
    .unrealize = i8254_unrealize,
};
