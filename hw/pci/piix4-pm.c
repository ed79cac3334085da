/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Intel 82371AB PIIX4 function 3: power management (PIIX4 datasheet, order
 * 290562: §3.4 "Power Management Configuration Registers", §7 "Power
 * Management I/O Registers"; ACPI 1.0 §4.7 fixed hardware registers).
 *
 * Modelled: PMBA (40h) and PMREGMISC (80h) placing the 64-byte PM I/O block;
 * PM1a status/enable/control (SCI_EN, SLP_TYP, SLP_EN: writing SLP_EN with
 * the S5 type 0 that Plimsoll's DSDT and QEMU's declare powers the machine
 * off); the 24-bit ACPI PM timer at 3.579545 MHz with its overflow status;
 * the power button; SCI on IRQ 9; the APM control/status ports 0xb2/0xb3,
 * where writing the FADT's ACPI_ENABLE (0xf1) or ACPI_DISABLE (0xf0) sets or
 * clears SCI_EN, as QEMU's SMI handler does.
 *
 * There is no SMM: DEVACTB (58h) bit 25 APMC_EN is set at reset (config
 * byte 5Bh = 02h), which tells SeaBIOS not to wait for an SMI handler
 * (GUESTS-AND-FIRMWARE.md §5.6), as QEMU does for machines without SMM.
 * Left out: SMBus (90h) beyond a writable base register, GPE blocks,
 * suspend to RAM (S1-S3 types are logged and ignored).
 */
#include "hw/pci/piix.h"

#include <string.h>

#include "hw/core/ioport.h"
#include "system/runstate.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/timer.h"

#define PIIX4_PMBA       0x40
#define PIIX4_DEVACTB    0x58
#define PIIX4_PMREGMISC  0x80
#define PIIX4_SMBBA      0x90

#define PM1_STS          0x00
#define PM1_EN           0x02
#define PM1_CNT          0x04
#define PM_TMR           0x08
#define PM_IO_SIZE       64

#define PM1_STS_TMR      0x0001
#define PM1_STS_PWRBTN   0x0100
#define PM1_STS_WAK      0x8000
#define PM1_CNT_SCI_EN   0x0001
#define PM1_CNT_SLP_TYP(v) (((v) >> 10) & 7)
#define PM1_CNT_SLP_EN   0x2000

#define PM_TIMER_HZ      3579545
#define ACPI_ENABLE      0xf1
#define ACPI_DISABLE     0xf0

static inline PIIX4PMState *pm_from_pci(PCIDevice *d)
{
    return container_of(d, PIIX4PMState, parent);
}

static uint64_t pm_timer_ticks(PIIX4PMState *s)
{
    int64_t ns = clock_get_ns(CLOCK_TYPE_VIRTUAL) - s->tmr_base_ns;

    return (uint64_t)ns * PM_TIMER_HZ / NANOSECONDS_PER_SECOND;
}

static void pm_update_sci(PIIX4PMState *s)
{
    bool level = (s->pm1_cnt & PM1_CNT_SCI_EN) &&
                 (s->pm1_sts & s->pm1_en & (PM1_STS_TMR | PM1_STS_PWRBTN));

    irq_set(s->sci, level);
}

/* Arm the overflow timer for the next carry out of bit 23. */
static void pm_arm_overflow(PIIX4PMState *s)
{
    uint64_t ticks;
    uint64_t next;

    if (!(s->pm1_en & PM1_STS_TMR)) {
        timer_del(s->tmr_timer);
        return;
    }
    ticks = pm_timer_ticks(s);
    next = (ticks | 0x7fffff) + 1;
    timer_mod(s->tmr_timer, s->tmr_base_ns +
              (int64_t)(next * NANOSECONDS_PER_SECOND / PM_TIMER_HZ) + 1);
}

static void pm_overflow_cb(void *opaque)
{
    PIIX4PMState *s = opaque;

    s->pm1_sts |= PM1_STS_TMR;
    pm_update_sci(s);
    pm_arm_overflow(s);
}

static void pm_write_cnt(PIIX4PMState *s, uint16_t val)
{
    s->pm1_cnt = val & ~PM1_CNT_SLP_EN;
    if (!(val & PM1_CNT_SLP_EN)) {
        pm_update_sci(s);
        return;
    }
    switch (PM1_CNT_SLP_TYP(val)) {
    case 0:
        /* S5 soft-off: the _S5 package of the DSDT declares type 0. */
        system_shutdown_request(SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
        break;
    default:
        log_unimp("piix4-pm: sleep type %u is not supported",
                  PM1_CNT_SLP_TYP(val));
        s->pm1_sts |= PM1_STS_WAK;
        break;
    }
    pm_update_sci(s);
}

static uint64_t pm_io_read(void *opaque, uint64_t offset, unsigned size)
{
    PIIX4PMState *s = opaque;

    switch (offset) {
    case PM1_STS:
        /* Overflow status also reflects a carry the timer did not see. */
        return s->pm1_sts;
    case PM1_EN:
        return s->pm1_en;
    case PM1_CNT:
        return s->pm1_cnt;
    case PM_TMR:
        return pm_timer_ticks(s) & 0xffffff;
    default:
        return 0;
    }
}

static void pm_io_write(void *opaque, uint64_t offset, uint64_t val,
                        unsigned size)
{
    PIIX4PMState *s = opaque;

    switch (offset) {
    case PM1_STS:
        s->pm1_sts &= ~val;     /* write 1 to clear */
        pm_update_sci(s);
        break;
    case PM1_EN:
        /* TMR_EN, GBL_EN, PWRBTN_EN and RTC_EN are the enables this PM has. */
        s->pm1_en = val & (PM1_STS_TMR | 0x0020 | PM1_STS_PWRBTN | 0x0400);
        pm_update_sci(s);
        pm_arm_overflow(s);
        break;
    case PM1_CNT:
        pm_write_cnt(s, val);
        break;
    default:
        break;
    }
}

/* The PM block is 16-bit registers plus the 32-bit timer: accept 1-4 and
 * split by register as the core requires a fixed size; 2 and 4 cover it. */
static uint64_t pm_io_read_any(void *opaque, uint64_t offset, unsigned size)
{
    uint64_t reg = offset & ~(uint64_t)(offset >= PM_TMR && offset < PM_TMR + 4 ? 3 : 1);
    uint64_t v = pm_io_read(opaque, reg, size);

    return (v >> (8 * (offset - reg))) & (0xffffffffu >> (32 - 8 * size));
}

static void pm_io_write_any(void *opaque, uint64_t offset, uint64_t val,
                            unsigned size)
{
    if (offset & 1) {
        /* A byte write to a register's high half: merge with the rest. */
        uint64_t reg = offset & ~1ull;
        uint64_t cur = pm_io_read(opaque, reg, 2);

        if (reg == PM1_STS) {
            pm_io_write(opaque, reg, val << 8, 2);
            return;
        }
        pm_io_write(opaque, reg, (cur & 0xff) | (val << 8), 2);
        return;
    }
    pm_io_write(opaque, offset, val, size);
}

static const MemoryRegionOps pm_io_ops = {
    .read = pm_io_read_any, .write = pm_io_write_any,
    .min_access = 1, .max_access = 4,
};

static uint64_t apm_read(void *opaque, uint64_t offset, unsigned size)
{
    PIIX4PMState *s = opaque;

    return offset ? s->apms : s->apmc;
}

static void apm_write(void *opaque, uint64_t offset, uint64_t val,
                      unsigned size)
{
    PIIX4PMState *s = opaque;

    if (offset) {
        s->apms = val;
        return;
    }
    s->apmc = val;
    if (val == ACPI_ENABLE) {
        s->pm1_cnt |= PM1_CNT_SCI_EN;
    } else if (val == ACPI_DISABLE) {
        s->pm1_cnt &= ~PM1_CNT_SCI_EN;
    }
    pm_update_sci(s);
}

static const MemoryRegionOps apm_ops = {
    .read = apm_read, .write = apm_write,
    .min_access = 1, .max_access = 1,
};

static void pm_update_io(PIIX4PMState *s)
{
    uint8_t *c = s->parent.config;
    uint32_t base = pci_get_long(c + PIIX4_PMBA) & 0xffc0;
    bool on = (c[PIIX4_PMREGMISC] & 1) && base;
    MemoryMap *io = s->parent.parent.machine->io;

    if (s->pm_io_mapped) {
        memory_map_del(&s->pm_io);
        s->pm_io_mapped = false;
    }
    if (on) {
        io_space_map(io, &s->pm_io, base);
        s->pm_io_mapped = true;
    }
}

static void pm_config_write(PCIDevice *d, uint32_t addr, uint32_t val,
                            unsigned size)
{
    pci_default_write(d, addr, val, size);
    if ((addr < PIIX4_PMBA + 4 && addr + size > PIIX4_PMBA) ||
        (addr <= PIIX4_PMREGMISC && addr + size > PIIX4_PMREGMISC)) {
        pm_update_io(pm_from_pci(d));
    }
}

void piix4_pm_powerdown(PIIX4PMState *s)
{
    s->pm1_sts |= PM1_STS_PWRBTN;
    pm_update_sci(s);
}

static bool piix4_pm_realize(Device *dev, Error **errp)
{
    PCIDevice *d = pci_from_dev(dev);
    PIIX4PMState *s = pm_from_pci(d);

    if (!pci_device_plug(d, errp)) {
        return false;
    }
    pci_set_long(d->wmask + PIIX4_PMBA, 0xffc0);
    d->wmask[PIIX4_PMREGMISC] = 0x01;
    pci_set_long(d->wmask + PIIX4_DEVACTB, 0xffffffff);
    pci_set_long(d->wmask + PIIX4_SMBBA, 0xfff0);
    d->wmask[0xd2] = 0x0f;      /* SMBus host configuration */
    d->config[PCI_INTERRUPT_PIN] = 1;
    s->tmr_timer = timer_new(CLOCK_TYPE_VIRTUAL, pm_overflow_cb, s);
    memory_region_init_io(&s->pm_io, "piix4-pm", &pm_io_ops, s, PM_IO_SIZE);
    memory_region_init_io(&s->apm_io, "apm", &apm_ops, s, 2);
    s->pm_io.owner = dev;
    s->apm_io.owner = dev;
    io_space_map(dev->machine->io, &s->apm_io, 0xb2);
    return true;
}

static void piix4_pm_reset(Device *dev)
{
    PCIDevice *d = pci_from_dev(dev);
    PIIX4PMState *s = pm_from_pci(d);

    pci_device_reset(d);
    pci_set_long(d->config + PIIX4_PMBA, 1);    /* I/O space indicator */
    d->config[PIIX4_PMREGMISC] = 0;
    pci_set_long(d->config + PIIX4_DEVACTB, 0);
    d->config[0x5b] = 0x02;                      /* APMC_EN: no SMM */
    pci_set_long(d->config + PIIX4_SMBBA, 1);
    s->pm1_sts = 0;
    s->pm1_en = 0;
    s->pm1_cnt = 0;
    s->apmc = 0;
    s->apms = 0;
    s->tmr_base_ns = clock_get_ns(CLOCK_TYPE_VIRTUAL);
    timer_del(s->tmr_timer);
    pm_update_io(s);
}

static void piix4_pm_sync_irqs(Device *dev)
{
    pm_update_sci(pm_from_pci(pci_from_dev(dev)));
}

static void piix4_pm_unrealize(Device *dev)
{
    PCIDevice *d = pci_from_dev(dev);
    PIIX4PMState *s = pm_from_pci(d);

    memory_region_destroy(&s->pm_io);
    memory_region_destroy(&s->apm_io);
    timer_free(s->tmr_timer);
    pci_device_unplug(d);
}

const PCIDeviceClass piix4_pm_class = {
    .parent = {
        .name = "PIIX4_PM",
        .description = "Intel 82371AB PIIX4 power management",
        .category = DEVICE_CATEGORY_BRIDGE,
        .bus = "PCI",
        .user_creatable = false,
        .instance_size = sizeof(PIIX4PMState),
        .base_props = pci_base_props,
        .realize = piix4_pm_realize,
        .reset = piix4_pm_reset,
        .sync_irqs = piix4_pm_sync_irqs,
        .unrealize = piix4_pm_unrealize,
    },
    .vendor_id = 0x8086,
    .device_id = 0x7113,
    .revision = 0x03,
    .class_id = 0x0680,
    .subsystem_vendor_id = 0x1af4,
    .subsystem_id = 0x1100,
    .config_write = pm_config_write,
};
