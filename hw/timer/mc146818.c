/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Motorola MC146818A real-time clock with CMOS RAM (MC146818A datasheet:
 * "Address Map", "Registers A-D", "Interrupts"), as in every PC since the
 * AT: index port 0x70 (bit 7 masks NMI on the PC and is ignored here),
 * data port 0x71, IRQ 8, the century in CMOS byte 0x32.
 *
 * The clock is not stepped every second.  Time is host wall time at start
 * plus elapsed virtual time (so it stands still while the VM is paused,
 * like QEMU's default clock=vm is not: QEMU's default base is the host
 * clock; here the guest sees time advance only while it runs, which keeps
 * tests deterministic) plus an offset the guest sets by writing the clock.
 * Registers 0-9 are computed on read in BCD or binary and 12- or 24-hour
 * form as register B says.  Periodic, alarm and update-ended interrupts run
 * on virtual-clock timers only while enabled; with their interrupt disabled
 * the flags in register C are still set, computed when C is read.
 *
 * Left out: daylight-saving adjustment (DSE) and the square-wave output pin
 * (SQWE), which a PC does not wire; divider values other than the 32.768 kHz
 * time base stop the clock only in the update-in-progress sense.
 */
#include "hw/timer/mc146818.h"

#include "hw/core/machine.h"

#include <time.h>

#include "util/clock.h"
#include "util/log.h"
#include "util/timer.h"

#define REG_A_UIP   0x80
#define REG_A_DV    0x70
#define REG_A_RS    0x0f
#define REG_B_SET   0x80
#define REG_B_PIE   0x40
#define REG_B_AIE   0x20
#define REG_B_UIE   0x10
#define REG_B_DM    0x04    /* binary (1) or BCD (0) */
#define REG_B_24H   0x02
#define REG_C_IRQF  0x80
#define REG_C_PF    0x40
#define REG_C_AF    0x20
#define REG_C_UF    0x10
#define REG_D_VRT   0x80

/* The update cycle takes 244 us; UIP rises that long before it. */
#define RTC_UIP_NS  244000LL

static inline MC146818State *rtc_from_dev(Device *dev)
{
    return container_of(dev, MC146818State, parent);
}

static int64_t rtc_vnow(void)
{
    return clock_get_ns(CLOCK_TYPE_VIRTUAL);
}

/* The guest's wall time in ns since the epoch. */
static int64_t rtc_guest_ns(MC146818State *s)
{
    return s->host_base_ns + rtc_vnow() + s->offset_ns;
}

static uint8_t rtc_to_reg(MC146818State *s, int v)
{
    if (s->cmos[RTC_REG_B] & REG_B_DM) {
        return v;
    }
    return ((v / 10) << 4) | (v % 10);
}

static int rtc_from_reg(MC146818State *s, uint8_t v)
{
    if (s->cmos[RTC_REG_B] & REG_B_DM) {
        return v;
    }
    return ((v >> 4) & 0xf) * 10 + (v & 0xf);
}

static uint8_t rtc_hour_to_reg(MC146818State *s, int hour)
{
    if (s->cmos[RTC_REG_B] & REG_B_24H) {
        return rtc_to_reg(s, hour);
    }
    /* 12-hour: 1-12 with bit 7 = PM. */
    return rtc_to_reg(s, hour % 12 ? hour % 12 : 12) | (hour >= 12 ? 0x80 : 0);
}

static int rtc_hour_from_reg(MC146818State *s, uint8_t v)
{
    int h;

    if (s->cmos[RTC_REG_B] & REG_B_24H) {
        return rtc_from_reg(s, v);
    }
    h = rtc_from_reg(s, v & 0x7f) % 12;
    return (v & 0x80) ? h + 12 : h;
}

/* Store the guest time into registers 0-9 and the century. */
static void rtc_store_time(MC146818State *s)
{
    time_t t = rtc_guest_ns(s) / NANOSECONDS_PER_SECOND;
    struct tm tm;
    int year;

    gmtime_r(&t, &tm);
    year = tm.tm_year + 1900;
    s->cmos[RTC_SECONDS] = rtc_to_reg(s, tm.tm_sec);
    s->cmos[RTC_MINUTES] = rtc_to_reg(s, tm.tm_min);
    s->cmos[RTC_HOURS] = rtc_hour_to_reg(s, tm.tm_hour);
    s->cmos[RTC_DAY_OF_WEEK] = rtc_to_reg(s, tm.tm_wday + 1);
    s->cmos[RTC_DAY_OF_MONTH] = rtc_to_reg(s, tm.tm_mday);
    s->cmos[RTC_MONTH] = rtc_to_reg(s, tm.tm_mon + 1);
    s->cmos[RTC_YEAR] = rtc_to_reg(s, year % 100);
    s->cmos[RTC_CENTURY] = rtc_to_reg(s, year / 100);
}

/* The guest finished setting the clock (SET cleared): adopt registers. */
static void rtc_load_time(MC146818State *s)
{
    struct tm tm = { 0 };
    int century = rtc_from_reg(s, s->cmos[RTC_CENTURY]);
    time_t t;

    tm.tm_sec = rtc_from_reg(s, s->cmos[RTC_SECONDS]);
    tm.tm_min = rtc_from_reg(s, s->cmos[RTC_MINUTES]);
    tm.tm_hour = rtc_hour_from_reg(s, s->cmos[RTC_HOURS]);
    tm.tm_mday = rtc_from_reg(s, s->cmos[RTC_DAY_OF_MONTH]);
    tm.tm_mon = rtc_from_reg(s, s->cmos[RTC_MONTH]) - 1;
    if (century < 19 || century > 99) {
        century = s->base_year / 100;
    }
    tm.tm_year = century * 100 + rtc_from_reg(s, s->cmos[RTC_YEAR]) - 1900;
    t = timegm(&tm);
    s->offset_ns = (int64_t)t * NANOSECONDS_PER_SECOND -
                   (s->host_base_ns + rtc_vnow());
    s->last_update_s = t;
}

/* Periodic interrupt period from register A's rate select, or 0 (off). */
static int64_t rtc_period_ns(MC146818State *s)
{
    int rs = s->cmos[RTC_REG_A] & REG_A_RS;

    if (rs == 0) {
        return 0;
    }
    if (rs <= 2) {
        rs += 7;    /* rates 1 and 2 alias 8 and 9 at 32.768 kHz */
    }
    /* 32768 Hz >> (rs - 1) */
    return (NANOSECONDS_PER_SECOND << (rs - 1)) / 32768;
}

static void rtc_update_irq(MC146818State *s)
{
    uint8_t c = s->cmos[RTC_REG_C];
    uint8_t b = s->cmos[RTC_REG_B];
    bool fire = ((c & REG_C_PF) && (b & REG_B_PIE)) ||
                ((c & REG_C_AF) && (b & REG_B_AIE)) ||
                ((c & REG_C_UF) && (b & REG_B_UIE));

    if (fire) {
        s->cmos[RTC_REG_C] |= REG_C_IRQF;
    }
    irq_set(s->irq, s->cmos[RTC_REG_C] & REG_C_IRQF);
}

static bool rtc_alarm_matches(MC146818State *s)
{
    static const int regs[3][2] = {
        { RTC_SECONDS_ALARM, RTC_SECONDS },
        { RTC_MINUTES_ALARM, RTC_MINUTES },
        { RTC_HOURS_ALARM, RTC_HOURS },
    };

    for (int i = 0; i < 3; i++) {
        uint8_t alarm = s->cmos[regs[i][0]];
        /* 11xxxxxx is "don't care" for every alarm byte. */
        if ((alarm & 0xc0) != 0xc0 && alarm != s->cmos[regs[i][1]]) {
            return false;
        }
    }
    return true;
}

/* Account for every update cycle since the last one: UF, and AF on match. */
static void rtc_catch_up_seconds(MC146818State *s)
{
    int64_t now_s;

    if (s->cmos[RTC_REG_B] & REG_B_SET) {
        return;
    }
    now_s = rtc_guest_ns(s) / NANOSECONDS_PER_SECOND;
    if (now_s == s->last_update_s) {
        return;
    }
    s->last_update_s = now_s;
    rtc_store_time(s);
    s->cmos[RTC_REG_C] |= REG_C_UF;
    if (rtc_alarm_matches(s)) {
        s->cmos[RTC_REG_C] |= REG_C_AF;
    }
}

static void rtc_catch_up_periodic(MC146818State *s)
{
    int64_t period = rtc_period_ns(s);
    int64_t now = rtc_vnow();

    if (period && now - s->last_pf_ns >= period) {
        s->cmos[RTC_REG_C] |= REG_C_PF;
        s->last_pf_ns = now - (now - s->last_pf_ns) % period;
    }
}

static void rtc_arm_timers(MC146818State *s)
{
    int64_t period = rtc_period_ns(s);
    uint8_t b = s->cmos[RTC_REG_B];

    if (period && (b & REG_B_PIE)) {
        timer_mod(s->periodic_timer, s->last_pf_ns + period);
    } else {
        timer_del(s->periodic_timer);
    }
    if ((b & (REG_B_UIE | REG_B_AIE)) && !(b & REG_B_SET)) {
        int64_t g = rtc_guest_ns(s);
        int64_t to_next = NANOSECONDS_PER_SECOND - g % NANOSECONDS_PER_SECOND;
        timer_mod(s->second_timer, rtc_vnow() + to_next);
    } else {
        timer_del(s->second_timer);
    }
}

static void rtc_periodic_cb(void *opaque)
{
    MC146818State *s = opaque;

    rtc_catch_up_periodic(s);
    rtc_update_irq(s);
    rtc_arm_timers(s);
}

static void rtc_second_cb(void *opaque)
{
    MC146818State *s = opaque;

    rtc_catch_up_seconds(s);
    rtc_update_irq(s);
    rtc_arm_timers(s);
}

static uint8_t rtc_read_reg(MC146818State *s, int idx)
{
    uint8_t v;

    switch (idx) {
    case RTC_SECONDS:
    case RTC_MINUTES:
    case RTC_HOURS:
    case RTC_DAY_OF_WEEK:
    case RTC_DAY_OF_MONTH:
    case RTC_MONTH:
    case RTC_YEAR:
    case RTC_CENTURY:
        if (!(s->cmos[RTC_REG_B] & REG_B_SET)) {
            rtc_store_time(s);
        }
        return s->cmos[idx];
    case RTC_REG_A: {
        int64_t frac = rtc_guest_ns(s) % NANOSECONDS_PER_SECOND;
        v = s->cmos[RTC_REG_A] & ~REG_A_UIP;
        if (!(s->cmos[RTC_REG_B] & REG_B_SET) &&
            frac >= NANOSECONDS_PER_SECOND - RTC_UIP_NS) {
            v |= REG_A_UIP;
        }
        return v;
    }
    case RTC_REG_C:
        rtc_catch_up_seconds(s);
        rtc_catch_up_periodic(s);
        rtc_update_irq(s);
        v = s->cmos[RTC_REG_C];
        /* Reading C clears every flag and releases IRQ 8. */
        s->cmos[RTC_REG_C] = 0;
        irq_lower(s->irq);
        rtc_arm_timers(s);
        return v;
    case RTC_REG_D:
        return REG_D_VRT;
    default:
        return s->cmos[idx];
    }
}

static void rtc_write_reg(MC146818State *s, int idx, uint8_t val)
{
    uint8_t old;

    switch (idx) {
    case RTC_REG_A:
        /* UIP is read-only. */
        s->cmos[RTC_REG_A] = val & ~REG_A_UIP;
        s->last_pf_ns = rtc_vnow();
        rtc_arm_timers(s);
        break;
    case RTC_REG_B:
        old = s->cmos[RTC_REG_B];
        if ((val & REG_B_SET) && !(old & REG_B_SET)) {
            /* Freeze the registers at the current time for editing. */
            rtc_store_time(s);
            val &= ~REG_B_UIE;  /* SET clears UIE (datasheet) */
        }
        if ((old ^ val) & (REG_B_DM | REG_B_24H)) {
            log_guest_error("rtc: data mode changed (B=0x%02x); time "
                            "registers are re-encoded", val);
        }
        s->cmos[RTC_REG_B] = val;
        if (!(val & REG_B_SET) && (old & REG_B_SET)) {
            rtc_load_time(s);
        }
        rtc_update_irq(s);
        rtc_arm_timers(s);
        break;
    case RTC_REG_C:
    case RTC_REG_D:
        /* Read-only. */
        break;
    case RTC_SECONDS:
        /* Writing seconds clears bit 7 (no OSF on this part). */
        s->cmos[idx] = val & 0x7f;
        if (!(s->cmos[RTC_REG_B] & REG_B_SET)) {
            rtc_load_time(s);
        }
        break;
    default:
        s->cmos[idx] = val;
        if (idx <= RTC_YEAR && idx != RTC_SECONDS_ALARM &&
            idx != RTC_MINUTES_ALARM && idx != RTC_HOURS_ALARM &&
            !(s->cmos[RTC_REG_B] & REG_B_SET)) {
            rtc_load_time(s);
        }
        break;
    }
}

static uint64_t rtc_io_read(void *opaque, uint64_t offset, unsigned size)
{
    MC146818State *s = opaque;

    if (offset == 0) {
        /* The index port is write-only on the PC. */
        return 0xff;
    }
    return rtc_read_reg(s, s->index);
}

static void rtc_io_write(void *opaque, uint64_t offset, uint64_t val,
                         unsigned size)
{
    MC146818State *s = opaque;

    if (offset == 0) {
        s->index = val & 0x7f;
    } else {
        rtc_write_reg(s, s->index, val);
    }
}

static const MemoryRegionOps rtc_ops = {
    .read = rtc_io_read, .write = rtc_io_write,
    .min_access = 1, .max_access = 1,
};

void rtc_set_cmos(MC146818State *s, int index, uint8_t val)
{
    s->cmos[index & 0x7f] = val;
}

uint8_t rtc_get_cmos(MC146818State *s, int index)
{
    return rtc_read_reg(s, index & 0x7f);
}

static bool mc146818_realize(Device *dev, Error **errp)
{
    MC146818State *s = rtc_from_dev(dev);

    s->periodic_timer = timer_new(CLOCK_TYPE_VIRTUAL, rtc_periodic_cb, s);
    s->second_timer = timer_new(CLOCK_TYPE_VIRTUAL, rtc_second_cb, s);
    s->host_base_ns = clock_get_ns(CLOCK_TYPE_HOST) - rtc_vnow();
    memory_region_init_io(&s->io, "rtc", &rtc_ops, s, 2);
    s->io.owner = dev;
    memory_map_add(dev->machine->io, &s->io, 0x70, 0);
    /* Power-on register values: 32.768 kHz base, 1024 Hz rate, 24 h BCD. */
    s->cmos[RTC_REG_A] = 0x26;
    s->cmos[RTC_REG_B] = REG_B_24H;
    rtc_store_time(s);
    return true;
}

static void mc146818_reset(Device *dev)
{
    MC146818State *s = rtc_from_dev(dev);

    /* RESET clears the interrupt enables and flags, not the clock. */
    s->cmos[RTC_REG_B] &= ~(REG_B_PIE | REG_B_AIE | REG_B_UIE | 0x08);
    s->cmos[RTC_REG_C] = 0;
    s->last_pf_ns = rtc_vnow();
    s->last_update_s = rtc_guest_ns(s) / NANOSECONDS_PER_SECOND;
    timer_del(s->periodic_timer);
    timer_del(s->second_timer);
}

static void mc146818_sync_irqs(Device *dev)
{
    MC146818State *s = rtc_from_dev(dev);

    irq_set(s->irq, s->cmos[RTC_REG_C] & REG_C_IRQF);
}

static void mc146818_unrealize(Device *dev)
{
    MC146818State *s = rtc_from_dev(dev);

    memory_region_destroy(&s->io);
    timer_free(s->periodic_timer);
    timer_free(s->second_timer);
}

static const Property mc146818_props[] = {
    DEFINE_PROP_UINT("base_year", MC146818State, base_year, 2000,
                     "year the two-digit year register counts from"),
    { 0 },
};

const DeviceClass mc146818_class = {
    .name = "mc146818rtc",
    .description = "MC146818 real-time clock with CMOS RAM",
    .category = DEVICE_CATEGORY_MISC,
    .bus = "ISA",
    .user_creatable = false,
    .instance_size = sizeof(MC146818State),
    .props = mc146818_props,
    .realize = mc146818_realize,
    .reset = mc146818_reset,
    .sync_irqs = mc146818_sync_irqs,
    .unrealize = mc146818_unrealize,
};
