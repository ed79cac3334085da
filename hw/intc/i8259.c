/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Intel 8259A programmable interrupt controller pair, as on the PC/AT and
 * the PIIX3 south bridge: master at 0x20-0x21 (IRQ 0-7), slave at 0xa0-0xa1
 * (IRQ 8-15) cascaded on master IR2, ELCR at 0x4d0-0x4d1 (PIIX3 datasheet
 * §3.7.3: per-IRQ edge/level selection; IRQ 0, 1, 2, 8 and 13 are edge only).
 *
 * Modelled from the 8259A datasheet: ICW1-ICW4 initialisation, OCW1 mask,
 * OCW2 (non-specific / specific EOI, rotate on EOI, set priority, rotate in
 * AEOI mode), OCW3 (read IRR/ISR, poll, special mask mode), auto-EOI, fully
 * nested and special fully nested mode on the master, edge and level inputs.
 * Left out: 8080/8085 mode (ICW1 IC4=0 with an x86 CPU still works: ICW4
 * defaults apply), buffered mode (no effect on a PC).
 *
 * Deviation: a spurious acknowledge returns IR7 (or IR15 on the slave)
 * without setting ISR, as the datasheet describes; the vector is the
 * chip's base + 7.
 */
#include "hw/intc/i8259.h"

#include "hw/core/machine.h"

#include "util/log.h"

/* ICW1 bits (written to the command port with bit 4 set). */
#define PIC_ICW1_IC4   0x01
#define PIC_ICW1_SNGL  0x02
#define PIC_ICW1_LTIM  0x08
#define PIC_ICW1_INIT  0x10
/* ICW4 bits. */
#define PIC_ICW4_AEOI  0x02
#define PIC_ICW4_SFNM  0x10
/* OCW3 bits (bit 3 set, bit 4 clear). */
#define PIC_OCW3_RIS   0x01
#define PIC_OCW3_RR    0x02
#define PIC_OCW3_P     0x04
#define PIC_OCW3_SMM   0x20
#define PIC_OCW3_ESMM  0x40

static inline I8259State *pic_from_dev(Device *dev)
{
    return container_of(dev, I8259State, parent);
}

/* Priority of IR @irq relative to the current rotation: 0 is highest. */
static int pic_priority(const PICChip *c, int irq)
{
    return (irq - c->priority_add) & 7;
}

/* The highest-priority bit of @mask, or -1. */
static int pic_highest(const PICChip *c, uint8_t mask)
{
    for (int p = 0; p < 8; p++) {
        int irq = (p + c->priority_add) & 7;
        if (mask & (1u << irq)) {
            return irq;
        }
    }
    return -1;
}

/*
 * The IR the chip would present to the CPU now, or -1: the highest
 * unmasked request whose priority beats every in-service level (unless
 * special mask mode, where only the in-service bits themselves are
 * blocked).  In special fully nested mode the master lets a request on
 * the cascade input through even while that input is in service.
 */
static int pic_pending_irq(const PICChip *c, bool is_master)
{
    uint8_t req = c->irr & ~c->imr;
    uint8_t isr = c->isr;
    int irq = pic_highest(c, req);
    int cur;

    if (irq < 0) {
        return -1;
    }
    if (c->special_mask) {
        isr &= ~c->imr;
        req &= ~isr;
        return pic_highest(c, req);
    }
    if (is_master && c->special_fully_nested) {
        isr &= ~(1u << 2);
    }
    cur = pic_highest(c, isr);
    if (cur >= 0 && pic_priority(c, irq) >= pic_priority(c, cur)) {
        return -1;
    }
    return irq;
}

static void pic_update(I8259State *s)
{
    /* The slave's INT output drives master IR2 (edge-sensitive there is
     * irrelevant: the master latches it whenever the slave asserts). */
    bool slave_int = pic_pending_irq(&s->chip[1], false) >= 0;

    if (slave_int) {
        s->chip[0].irr |= 1u << 2;
    } else {
        s->chip[0].irr &= ~(1u << 2);
    }
    irq_set(s->out, pic_pending_irq(&s->chip[0], true) >= 0);
}

/* An input changed level on chip @c, pin @pin. */
static void pic_set_input(PICChip *c, int pin, bool level)
{
    uint8_t bit = 1u << pin;
    bool level_mode = c->level_triggered_all || (c->elcr & bit);

    if (level_mode) {
        if (level) {
            c->irr |= bit;
            c->last_irr |= bit;
        } else {
            c->irr &= ~bit;
            c->last_irr &= ~bit;
        }
        return;
    }
    if (level) {
        if (!(c->last_irr & bit)) {
            c->irr |= bit;
        }
        c->last_irr |= bit;
    } else {
        c->last_irr &= ~bit;
    }
}

static void i8259_set_irq(void *opaque, int n, bool level)
{
    I8259State *s = opaque;

    if (n == 2) {
        /* The cascade input is wired to the slave, not to a device. */
        return;
    }
    pic_set_input(&s->chip[n >> 3], n & 7, level);
    pic_update(s);
}

/* Acknowledge @irq on @c: set ISR (unless AEOI), clear an edge request. */
static void pic_intack(PICChip *c, int irq)
{
    uint8_t bit = 1u << irq;

    if (c->auto_eoi) {
        if (c->rotate_on_auto_eoi) {
            c->priority_add = (irq + 1) & 7;
        }
    } else {
        c->isr |= bit;
    }
    if (!(c->level_triggered_all || (c->elcr & bit))) {
        c->irr &= ~bit;
    }
}

int i8259_acknowledge(I8259State *s)
{
    PICChip *m = &s->chip[0];
    PICChip *sl = &s->chip[1];
    int irq = pic_pending_irq(m, true);
    int vector;

    if (irq < 0) {
        /* Spurious: the request went away before INTA. */
        vector = m->vector_base | 7;
    } else if (irq == 2) {
        int irq2 = pic_pending_irq(sl, false);

        pic_intack(m, 2);
        if (irq2 < 0) {
            vector = sl->vector_base | 7;
        } else {
            pic_intack(sl, irq2);
            vector = sl->vector_base | irq2;
        }
    } else {
        pic_intack(m, irq);
        vector = m->vector_base | irq;
    }
    pic_update(s);
    return vector;
}

bool i8259_has_interrupt(I8259State *s)
{
    return pic_pending_irq(&s->chip[0], true) >= 0;
}

IRQLine *i8259_irq(I8259State *s, int n)
{
    return &s->in[n & 15];
}

/* OCW3 poll: acknowledge the highest request and return it as a byte
 * (bit 7 = an interrupt was pending, bits 2-0 = its IR). */
static uint8_t pic_poll_read(I8259State *s, int chip_index)
{
    PICChip *c = &s->chip[chip_index];
    int irq = pic_pending_irq(c, chip_index == 0);

    c->poll = false;
    if (irq < 0) {
        return 0;
    }
    pic_intack(c, irq);
    if (chip_index == 1) {
        /* The master's cascade request follows the slave's. */
        s->chip[0].isr &= ~(1u << 2);
    }
    pic_update(s);
    return 0x80 | irq;
}

static void pic_reset_chip(PICChip *c)
{
    uint8_t elcr = c->elcr;
    uint8_t elcr_mask = c->elcr_mask;

    *c = (PICChip){ 0 };
    c->elcr = elcr;
    c->elcr_mask = elcr_mask;
}

static void pic_write_icw1(PICChip *c, uint8_t val)
{
    pic_reset_chip(c);
    c->init_state = 1;
    c->icw4_needed = val & PIC_ICW1_IC4;
    c->single_mode = val & PIC_ICW1_SNGL;
    c->level_triggered_all = val & PIC_ICW1_LTIM;
}

static void pic_write_ocw2(I8259State *s, PICChip *c, uint8_t val)
{
    unsigned cmd = val >> 5;
    int level = val & 7;
    int irq;

    switch (cmd) {
    case 0: /* rotate in AEOI mode: clear */
    case 4: /* rotate in AEOI mode: set */
        c->rotate_on_auto_eoi = cmd == 4;
        break;
    case 1: /* non-specific EOI */
    case 5: /* rotate on non-specific EOI */
        irq = pic_highest(c, c->isr);
        if (irq >= 0) {
            c->isr &= ~(1u << irq);
            if (cmd == 5) {
                c->priority_add = (irq + 1) & 7;
            }
        }
        break;
    case 3: /* specific EOI */
        c->isr &= ~(1u << level);
        break;
    case 7: /* rotate on specific EOI */
        c->isr &= ~(1u << level);
        c->priority_add = (level + 1) & 7;
        break;
    case 6: /* set priority: @level becomes the lowest */
        c->priority_add = (level + 1) & 7;
        break;
    default: /* 2: no operation */
        break;
    }
    pic_update(s);
}

static void pic_write_command(I8259State *s, int ci, uint8_t val)
{
    PICChip *c = &s->chip[ci];

    if (val & PIC_ICW1_INIT) {
        pic_write_icw1(c, val);
        pic_update(s);
    } else if (val & 0x08) {
        if (val & PIC_OCW3_P) {
            c->poll = true;
        }
        if (val & PIC_OCW3_RR) {
            c->read_isr = val & PIC_OCW3_RIS;
        }
        if (val & PIC_OCW3_ESMM) {
            c->special_mask = val & PIC_OCW3_SMM;
        }
        pic_update(s);
    } else {
        pic_write_ocw2(s, c, val);
    }
}

static void pic_write_data(I8259State *s, int ci, uint8_t val)
{
    PICChip *c = &s->chip[ci];

    switch (c->init_state) {
    case 0: /* OCW1 */
        c->imr = val;
        break;
    case 1: /* ICW2 */
        c->vector_base = val & 0xf8;
        c->init_state = c->single_mode ? (c->icw4_needed ? 3 : 0) : 2;
        break;
    case 2: /* ICW3: cascade wiring is fixed on a PC */
        c->init_state = c->icw4_needed ? 3 : 0;
        break;
    case 3: /* ICW4 */
        c->auto_eoi = val & PIC_ICW4_AEOI;
        c->special_fully_nested = val & PIC_ICW4_SFNM;
        if (!(val & 0x01)) {
            log_unimp("i8259: 8080/8085 mode (ICW4 uPM=0) is not modelled");
        }
        c->init_state = 0;
        break;
    }
    pic_update(s);
}

static uint64_t pic_io_read(I8259State *s, int ci, uint64_t offset)
{
    PICChip *c = &s->chip[ci];

    if (c->poll) {
        return pic_poll_read(s, ci);
    }
    if (offset == 0) {
        return c->read_isr ? c->isr : c->irr;
    }
    return c->imr;
}

static uint64_t pic_master_read(void *opaque, uint64_t offset, unsigned size)
{
    return pic_io_read(opaque, 0, offset);
}

static uint64_t pic_slave_read(void *opaque, uint64_t offset, unsigned size)
{
    return pic_io_read(opaque, 1, offset);
}

static void pic_io_write(I8259State *s, int ci, uint64_t offset, uint8_t val)
{
    if (offset == 0) {
        pic_write_command(s, ci, val);
    } else {
        pic_write_data(s, ci, val);
    }
}

static void pic_master_write(void *opaque, uint64_t offset, uint64_t val,
                             unsigned size)
{
    pic_io_write(opaque, 0, offset, val);
}

static void pic_slave_write(void *opaque, uint64_t offset, uint64_t val,
                            unsigned size)
{
    pic_io_write(opaque, 1, offset, val);
}

static uint64_t pic_elcr_read(void *opaque, uint64_t offset, unsigned size)
{
    I8259State *s = opaque;

    return s->chip[offset].elcr;
}

static void pic_elcr_write(void *opaque, uint64_t offset, uint64_t val,
                           unsigned size)
{
    I8259State *s = opaque;
    PICChip *c = &s->chip[offset];

    c->elcr = val & c->elcr_mask;
    pic_update(s);
}

static const MemoryRegionOps pic_master_ops = {
    .read = pic_master_read, .write = pic_master_write,
    .min_access = 1, .max_access = 1,
};
static const MemoryRegionOps pic_slave_ops = {
    .read = pic_slave_read, .write = pic_slave_write,
    .min_access = 1, .max_access = 1,
};
static const MemoryRegionOps pic_elcr_ops = {
    .read = pic_elcr_read, .write = pic_elcr_write,
    .min_access = 1, .max_access = 1,
};

static bool i8259_realize(Device *dev, Error **errp)
{
    I8259State *s = pic_from_dev(dev);
    MemoryMap *io = dev->machine->io;

    for (int i = 0; i < 16; i++) {
        irq_init(&s->in[i], i8259_set_irq, s, i);
    }
    memory_region_init_io(&s->io_master, "pic-master", &pic_master_ops, s, 2);
    memory_region_init_io(&s->io_slave, "pic-slave", &pic_slave_ops, s, 2);
    memory_region_init_io(&s->io_elcr, "elcr", &pic_elcr_ops, s, 2);
    s->io_master.owner = dev;
    s->io_slave.owner = dev;
    s->io_elcr.owner = dev;
    memory_map_add(io, &s->io_master, 0x20, 0);
    memory_map_add(io, &s->io_slave, 0xa0, 0);
    memory_map_add(io, &s->io_elcr, 0x4d0, 0);
    return true;
}

static void i8259_reset(Device *dev)
{
    I8259State *s = pic_from_dev(dev);

    for (int i = 0; i < 2; i++) {
        s->chip[i].elcr = 0;
        pic_reset_chip(&s->chip[i]);
    }
    /* PIIX3: IRQ 0, 1, 2 (master) and 8, 13 (slave) are edge only. */
    s->chip[0].elcr_mask = 0xf8;
    s->chip[1].elcr_mask = 0xde;
}

static void i8259_sync_irqs(Device *dev)
{
    I8259State *s = pic_from_dev(dev);

    irq_set(s->out, i8259_has_interrupt(s));
}

static void i8259_unrealize(Device *dev)
{
    I8259State *s = pic_from_dev(dev);

    memory_region_destroy(&s->io_master);
    memory_region_destroy(&s->io_slave);
    memory_region_destroy(&s->io_elcr);
}

const DeviceClass i8259_class = {
    .name = "i8259",
    .description = "Intel 8259A PIC pair with PIIX3 ELCR",
    .category = DEVICE_CATEGORY_MISC,
    .bus = "ISA",
    .user_creatable = false,
    .instance_size = sizeof(I8259State),
    .realize = i8259_realize,
    .reset = i8259_reset,
    .sync_irqs = i8259_sync_irqs,
    .unrealize = i8259_unrealize,
};
