/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PC's system control ports (IBM PS/2 technical reference; PIIX3
 * datasheet §4.7 "NMI status and control"):
 *   0x92 port A: bit 0 fast reset (a 0->1 transition resets the system),
 *        bit 1 fast A20 gate.
 *   0x61 port B: bit 0 timer 2 gate, bit 1 speaker data (read back),
 *        bit 4 refresh toggle (flips every 15.085 us), bit 5 timer 2 OUT.
 * The A20 gate goes out on the a20 line; the machine combines it with the
 * keyboard controller's gate (hw/i386/pc.c).  NMI status bits 6-7 of port
 * B read 0 (no parity errors).
 */
#include "hw/misc/pc-misc.h"

#include "hw/core/ioport.h"
#include "hw/core/machine.h"
#include "system/runstate.h"
#include "util/clock.h"
#include "util/log.h"

#define PORT92_RESET 0x01
#define PORT92_A20   0x02
#define PORT61_GATE2 0x01
#define PORT61_SPKR  0x02
#define PORT61_REFRESH 0x10
#define PORT61_OUT2  0x20
#define REFRESH_PERIOD_NS 15085

static uint64_t port92_read(void *opaque, uint64_t offset, unsigned size)
{
    Port92State *s = opaque;

    return s->value;
}

static void port92_write(void *opaque, uint64_t offset, uint64_t val,
                         unsigned size)
{
    Port92State *s = opaque;
    uint8_t old = s->value;

    s->value = val & (PORT92_RESET | PORT92_A20);
    if (s->a20) {
        irq_set(s->a20, val & PORT92_A20);
    }
    if ((val & PORT92_RESET) && !(old & PORT92_RESET)) {
        system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
    }
}

static const MemoryRegionOps port92_ops = {
    .read = port92_read, .write = port92_write,
    .min_access = 1, .max_access = 1,
};

static bool port92_realize(Device *dev, Error **errp)
{
    Port92State *s = container_of(dev, Port92State, parent);

    memory_region_init_io(&s->io, "port92", &port92_ops, s, 1);
    s->io.owner = dev;
    io_space_map(dev->machine->io, &s->io, 0x92);
    return true;
}

static void port92_reset(Device *dev)
{
    Port92State *s = container_of(dev, Port92State, parent);

    s->value = PORT92_A20;
}

static void port92_unrealize(Device *dev)
{
    memory_region_destroy(&container_of(dev, Port92State, parent)->io);
}

const DeviceClass port92_class = {
    .name = "port92",
    .description = "PC system control port A (fast A20, fast reset)",
    .category = DEVICE_CATEGORY_MISC,
    .bus = "ISA",
    .instance_size = sizeof(Port92State),
    .realize = port92_realize,
    .reset = port92_reset,
    .unrealize = port92_unrealize,
};

static uint64_t port61_read(void *opaque, uint64_t offset, unsigned size)
{
    Port61State *s = opaque;
    int64_t now = clock_get_ns(CLOCK_TYPE_VIRTUAL);
    uint8_t v = s->value & (PORT61_GATE2 | PORT61_SPKR);

    if ((now / REFRESH_PERIOD_NS) & 1) {
        v |= PORT61_REFRESH;
    }
    if (s->pit && i8254_get_out(s->pit, 2)) {
        v |= PORT61_OUT2;
    }
    return v;
}

static void port61_write(void *opaque, uint64_t offset, uint64_t val,
                         unsigned size)
{
    Port61State *s = opaque;

    s->value = val & (PORT61_GATE2 | PORT61_SPKR);
    if (s->pit) {
        i8254_set_gate(s->pit, 2, val & PORT61_GATE2);
    }
}

static const MemoryRegionOps port61_ops = {
    .read = port61_read, .write = port61_write,
    .min_access = 1, .max_access = 1,
};

static bool port61_realize(Device *dev, Error **errp)
{
    Port61State *s = container_of(dev, Port61State, parent);

    memory_region_init_io(&s->io, "port61", &port61_ops, s, 1);
    s->io.owner = dev;
    io_space_map(dev->machine->io, &s->io, 0x61);
    return true;
}

static void port61_reset(Device *dev)
{
    Port61State *s = container_of(dev, Port61State, parent);

    s->value = 0;
    if (s->pit) {
        i8254_set_gate(s->pit, 2, false);
    }
}

static void port61_unrealize(Device *dev)
{
    memory_region_destroy(&container_of(dev, Port61State, parent)->io);
}

const DeviceClass port61_class = {
    .name = "port61",
    .description = "PC system control port B (speaker, timer 2)",
    .category = DEVICE_CATEGORY_MISC,
    .bus = "ISA",
    .instance_size = sizeof(Port61State),
    .realize = port61_realize,
    .reset = port61_reset,
    .unrealize = port61_unrealize,
};
