/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Intel 8042 keyboard controller as on the PC/AT and PS/2 (IBM PS/2
 * Hardware Interface Technical Reference, "Keyboard/Auxiliary Device
 * Controller": status register, command byte, commands 20h-FFh), with the
 * keyboard and mouse of hw/input/ps2.c behind it.
 *
 * The controller owns one output buffer.  Whenever it is empty it takes
 * the next byte from the keyboard (translated from set 2 to set 1 when
 * the command byte's XLAT bit is set) or, if the keyboard has none, from
 * the mouse; OBF and AUX_OBF say which, and IRQ 1 or IRQ 12 is asserted
 * while a byte waits and that source's interrupt is enabled.
 * Output-port bit 0 low (command D1h or pulse FEh) resets the system;
 * bit 1 is the A20 gate, sent out on the a20 line (hw/i386/pc.c).
 * Keys and mouse motion come from the UI's input layer (include/ui/input.h).
 */
#include "hw/input/i8042.h"

#include "hw/core/ioport.h"
#include "hw/core/machine.h"
#include "system/runstate.h"
#include "ui/input.h"
#include "util/log.h"

#define STAT_OBF      0x01
#define STAT_IBF      0x02
#define STAT_SYS      0x04
#define STAT_CMD      0x08
#define STAT_UNLOCKED 0x10
#define STAT_AUX_OBF  0x20

#define CB_KBD_INT    0x01
#define CB_AUX_INT    0x02
#define CB_SYS        0x04
#define CB_KBD_OFF    0x10
#define CB_AUX_OFF    0x20
#define CB_XLAT       0x40

#define OUT_RESET     0x01
#define OUT_A20       0x02

static inline I8042State *kbc_from_dev(Device *dev)
{
    return container_of(dev, I8042State, parent);
}

static void kbc_update_irq(I8042State *s)
{
    bool full = s->status & STAT_OBF;

    irq_set(s->irq_kbd, full && !s->obuf_aux && (s->cmd_byte & CB_KBD_INT));
    irq_set(s->irq_mouse, full && s->obuf_aux && (s->cmd_byte & CB_AUX_INT));
}

static void kbc_put(I8042State *s, uint8_t b, bool aux)
{
    s->obuf = b;
    s->obuf_aux = aux;
    s->status |= STAT_OBF;
    if (aux) {
        s->status |= STAT_AUX_OBF;
    } else {
        s->status &= ~STAT_AUX_OBF;
    }
}

/* Refill the output buffer from the devices if it is empty. */
static void kbc_refill(I8042State *s)
{
    uint8_t b;

    while (!(s->status & STAT_OBF)) {
        if (!(s->cmd_byte & CB_KBD_OFF) && ps2_queue_pop(&s->kbd.q, &b)) {
            if (s->cmd_byte & CB_XLAT) {
                int t = ps2_translate_set2(b, &s->xlat_break);
                if (t < 0) {
                    continue;
                }
                b = t;
            }
            kbc_put(s, b, false);
        } else if (!(s->cmd_byte & CB_AUX_OFF) &&
                   ps2_queue_pop(&s->mouse.q, &b)) {
            kbc_put(s, b, true);
        } else {
            break;
        }
    }
    kbc_update_irq(s);
}

static void kbc_set_outport(I8042State *s, uint8_t val)
{
    s->outport = val;
    if (s->a20) {
        irq_set(s->a20, val & OUT_A20);
    }
}

static void kbc_write_outport(I8042State *s, uint8_t val)
{
    kbc_set_outport(s, val);
    if (!(val & OUT_RESET)) {
        system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
    }
}

static void kbc_command(I8042State *s, uint8_t cmd)
{
    switch (cmd) {
    case 0x20:
        kbc_put(s, s->cmd_byte, false);
        break;
    case 0x60: case 0xd1: case 0xd2: case 0xd3: case 0xd4:
        s->pending = cmd;
        break;
    case 0xa7: s->cmd_byte |= CB_AUX_OFF; break;
    case 0xa8: s->cmd_byte &= ~CB_AUX_OFF; break;
    case 0xa9: kbc_put(s, 0x00, false); break;   /* aux interface test */
    case 0xaa:                                   /* self-test */
        s->status |= STAT_SYS;
        kbc_put(s, 0x55, false);
        break;
    case 0xab: kbc_put(s, 0x00, false); break;   /* keyboard interface test */
    case 0xad: s->cmd_byte |= CB_KBD_OFF; break;
    case 0xae: s->cmd_byte &= ~CB_KBD_OFF; break;
    case 0xc0: kbc_put(s, 0x80, false); break;   /* input port: unlocked */
    case 0xd0: kbc_put(s, s->outport, false); break;
    case 0xdd: kbc_set_outport(s, s->outport & ~OUT_A20); break;
    case 0xdf: kbc_set_outport(s, s->outport | OUT_A20); break;
    case 0xe0: kbc_put(s, 0x00, false); break;   /* test inputs */
    default:
        if (cmd >= 0xf0) {
            /* Pulse output lines low for 6 us: bit 0 is the reset line. */
            if (!(cmd & OUT_RESET)) {
                system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
            }
        } else {
            log_unimp("i8042: controller command 0x%02x", cmd);
        }
        break;
    }
}

static void kbc_data(I8042State *s, uint8_t val)
{
    uint8_t pending = s->pending;

    s->pending = 0;
    switch (pending) {
    case 0x60:
        s->cmd_byte = val;
        if (val & CB_SYS) {
            s->status |= STAT_SYS;
        } else {
            s->status &= ~STAT_SYS;
        }
        break;
    case 0xd1: kbc_write_outport(s, val); break;
    case 0xd2: kbc_put(s, val, false); break;
    case 0xd3: kbc_put(s, val, true); break;
    case 0xd4: ps2_mouse_write(&s->mouse, val); break;
    default:
        /* A data byte with no pending command goes to the keyboard, which
         * also re-enables its interface, as on real controllers. */
        s->cmd_byte &= ~CB_KBD_OFF;
        ps2_kbd_write(&s->kbd, val);
        break;
    }
}

static uint64_t kbc_data_read(void *opaque, uint64_t offset, unsigned size)
{
    I8042State *s = opaque;
    uint8_t v = s->obuf;

    s->status &= ~(STAT_OBF | STAT_AUX_OBF);
    kbc_refill(s);
    return v;
}

static void kbc_data_write(void *opaque, uint64_t offset, uint64_t val,
                           unsigned size)
{
    I8042State *s = opaque;

    s->status &= ~STAT_CMD;
    kbc_data(s, val);
    kbc_refill(s);
}

static uint64_t kbc_status_read(void *opaque, uint64_t offset, unsigned size)
{
    I8042State *s = opaque;

    return s->status;
}

static void kbc_cmd_write(void *opaque, uint64_t offset, uint64_t val,
                          unsigned size)
{
    I8042State *s = opaque;

    s->status |= STAT_CMD;
    kbc_command(s, val);
    kbc_refill(s);
}

static const MemoryRegionOps kbc_data_ops = {
    .read = kbc_data_read, .write = kbc_data_write,
    .min_access = 1, .max_access = 1,
};
static const MemoryRegionOps kbc_cmd_ops = {
    .read = kbc_status_read, .write = kbc_cmd_write,
    .min_access = 1, .max_access = 1,
};

static void kbc_key(void *opaque, unsigned code, bool down)
{
    I8042State *s = opaque;

    ps2_kbd_key(&s->kbd, code, down);
    kbc_refill(s);
}

static void kbc_mouse(void *opaque, int dx, int dy, int dz, unsigned buttons)
{
    I8042State *s = opaque;

    ps2_mouse_event(&s->mouse, dx, dy, dz, buttons);
    kbc_refill(s);
}

static const InputKbdHandler kbc_kbd_handler = {
    .name = "i8042 keyboard",
    .key = kbc_key,
};
static const InputMouseHandler kbc_mouse_handler = {
    .name = "i8042 mouse",
    .event = kbc_mouse,
};

static bool i8042_realize(Device *dev, Error **errp)
{
    I8042State *s = kbc_from_dev(dev);

    memory_region_init_io(&s->io_data, "i8042-data", &kbc_data_ops, s, 1);
    memory_region_init_io(&s->io_cmd, "i8042-cmd", &kbc_cmd_ops, s, 1);
    s->io_data.owner = dev;
    s->io_cmd.owner = dev;
    io_space_map(dev->machine->io, &s->io_data, 0x60);
    io_space_map(dev->machine->io, &s->io_cmd, 0x64);
    input_register_kbd(&kbc_kbd_handler, s);
    input_register_mouse(&kbc_mouse_handler, s);
    return true;
}

static void i8042_reset(Device *dev)
{
    I8042State *s = kbc_from_dev(dev);

    s->status = STAT_UNLOCKED;
    s->cmd_byte = CB_KBD_INT | CB_XLAT;
    s->outport = OUT_RESET | OUT_A20;
    s->pending = 0;
    s->obuf = 0;
    s->obuf_aux = false;
    s->xlat_break = false;
    ps2_kbd_reset(&s->kbd);
    ps2_mouse_reset(&s->mouse);
}

static void i8042_sync_irqs(Device *dev)
{
    kbc_update_irq(kbc_from_dev(dev));
}

static void i8042_unrealize(Device *dev)
{
    I8042State *s = kbc_from_dev(dev);

    input_unregister_kbd(&kbc_kbd_handler);
    input_unregister_mouse(&kbc_mouse_handler);
    memory_region_destroy(&s->io_data);
    memory_region_destroy(&s->io_cmd);
}

const DeviceClass i8042_class = {
    .name = "i8042",
    .description = "Intel 8042 keyboard controller with PS/2 keyboard and "
                   "mouse",
    .category = DEVICE_CATEGORY_INPUT,
    .bus = "ISA",
    .instance_size = sizeof(I8042State),
    .realize = i8042_realize,
    .reset = i8042_reset,
    .sync_irqs = i8042_sync_irqs,
    .unrealize = i8042_unrealize,
};
