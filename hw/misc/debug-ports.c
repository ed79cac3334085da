/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Debug ports that firmware and test programs write to, with QEMU's
 * device names and properties:
 *   isa-debugcon    bytes written to iobase (default 0xe9; SeaBIOS logs to
 *                   0x402) go to a chardev; reading returns "readback"
 *                   (0xe9), which is how SeaBIOS detects the port.
 *   isa-debug-exit  a write of v to [iobase, iobase+iosize) ends the
 *                   emulator with exit status (v << 1) | 1, so tests can
 *                   tell a guest-chosen result from Plimsoll's own exits.
 * Output is queued through the chardev's buffer, never a host write per
 * byte on the vCPU thread.
 */
#include "hw/misc/pc-misc.h"

#include <stdio.h>
#include <stdlib.h>

#include "hw/core/ioport.h"
#include "hw/core/machine.h"
#include "util/chardev.h"
#include "util/log.h"

static uint64_t debugcon_read(void *opaque, uint64_t offset, unsigned size)
{
    DebugconState *s = opaque;

    return s->readback;
}

static void debugcon_write(void *opaque, uint64_t offset, uint64_t val,
                           unsigned size)
{
    DebugconState *s = opaque;
    uint8_t c = val;

    if (s->chr) {
        chardev_write(s->chr, &c, 1);
    }
}

static const MemoryRegionOps debugcon_ops = {
    .read = debugcon_read, .write = debugcon_write,
    .min_access = 1, .max_access = 1,
};

static bool debugcon_realize(Device *dev, Error **errp)
{
    DebugconState *s = container_of(dev, DebugconState, parent);

    if (s->iobase > 0xffff) {
        error_setg(errp, "isa-debugcon: iobase 0x%x is not an I/O port",
                   s->iobase);
        return false;
    }
    memory_region_init_io(&s->io, "isa-debugcon", &debugcon_ops, s, 1);
    s->io.owner = dev;
    io_space_map(dev->machine->io, &s->io, s->iobase);
    return true;
}

static void debugcon_unrealize(Device *dev)
{
    memory_region_destroy(&container_of(dev, DebugconState, parent)->io);
}

static const Property debugcon_props[] = {
    DEFINE_PROP_UINT("iobase", DebugconState, iobase, 0xe9, "I/O port"),
    DEFINE_PROP_UINT("readback", DebugconState, readback, 0xe9,
                     "value read from the port"),
    DEFINE_PROP_CHARDEV("chardev", DebugconState, chr, "output backend"),
    { 0 },
};

const DeviceClass isa_debugcon_class = {
    .name = "isa-debugcon",
    .description = "ISA debug console (port 0xe9 or 0x402)",
    .category = DEVICE_CATEGORY_MISC,
    .bus = "ISA",
    .user_creatable = true,
    .instance_size = sizeof(DebugconState),
    .props = debugcon_props,
    .realize = debugcon_realize,
    .unrealize = debugcon_unrealize,
};

static void debug_exit_write(void *opaque, uint64_t offset, uint64_t val,
                             unsigned size)
{
    /* The device's whole purpose is to end the process from the guest:
     * like QEMU's, it exits at once with a status the test can decode. */
    fflush(stdout);
    exit((int)(((val & 0x7f) << 1) | 1));
}

static const MemoryRegionOps debug_exit_ops = {
    .write = debug_exit_write,
    .min_access = 1, .max_access = 4,
};

static bool debug_exit_realize(Device *dev, Error **errp)
{
    DebugExitState *s = container_of(dev, DebugExitState, parent);

    if (s->iosize == 0 || s->iosize > 4 || s->iobase + s->iosize > 0x10000) {
        error_setg(errp, "isa-debug-exit: iobase 0x%x iosize %u out of range",
                   s->iobase, s->iosize);
        return false;
    }
    memory_region_init_io(&s->io, "isa-debug-exit", &debug_exit_ops, s,
                          s->iosize);
    s->io.owner = dev;
    io_space_map(dev->machine->io, &s->io, s->iobase);
    return true;
}

static void debug_exit_unrealize(Device *dev)
{
    memory_region_destroy(&container_of(dev, DebugExitState, parent)->io);
}

static const Property debug_exit_props[] = {
    DEFINE_PROP_UINT("iobase", DebugExitState, iobase, 0x501, "I/O port"),
    DEFINE_PROP_UINT("iosize", DebugExitState, iosize, 0x02,
                     "bytes decoded from iobase"),
    { 0 },
};

const DeviceClass isa_debug_exit_class = {
    .name = "isa-debug-exit",
    .description = "ISA debug exit: a guest write ends the emulator",
    .category = DEVICE_CATEGORY_MISC,
    .bus = "ISA",
    .user_creatable = true,
    .instance_size = sizeof(DebugExitState),
    .props = debug_exit_props,
    .realize = debug_exit_realize,
    .unrealize = debug_exit_unrealize,
};
