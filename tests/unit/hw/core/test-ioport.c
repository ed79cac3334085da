/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for hw/core/ioport.c: the I/O port space, its access-size
 * adaptation and unassigned ports, including the top of the space.
 */
#include <glib.h>

#include "hw/core/ioport.h"

typedef struct Pit {
    uint8_t regs[4];
    unsigned reads, writes;
} Pit;

static uint64_t pit_read(void *opaque, uint64_t offset, unsigned size)
{
    Pit *p = opaque;

    g_assert_cmpuint(size, ==, 1);
    p->reads++;
    return p->regs[offset];
}

static void pit_write(void *opaque, uint64_t offset, uint64_t val,
                      unsigned size)
{
    Pit *p = opaque;

    g_assert_cmpuint(size, ==, 1);
    p->writes++;
    p->regs[offset] = val;
}

static const MemoryRegionOps pit_ops = {
    .read = pit_read, .write = pit_write, .min_access = 1, .max_access = 1,
};

static uint64_t wo_dummy;
static void wo_write(void *opaque, uint64_t offset, uint64_t val,
                     unsigned size)
{
    wo_dummy = val;
}
static const MemoryRegionOps write_only_ops = {
    .write = wo_write, .min_access = 1, .max_access = 4,
};

static void test_ports(void)
{
    MemoryMap *io = io_space_new();
    MemoryRegion r, top, wo;
    Pit p = { .regs = { 1, 2, 3, 4 } }, q = { 0 };

    memory_region_init_io(&r, "pit", &pit_ops, &p, 4);
    io_space_map(io, &r, 0x40);
    g_assert_cmpuint(io_space_read(io, 0x40, 1), ==, 1);
    /* A 16-bit IN reaches the byte device as two reads. */
    g_assert_cmpuint(io_space_read(io, 0x41, 2), ==, 0x0302);
    g_assert_cmpuint(p.reads, ==, 3);
    io_space_write(io, 0x40, 0xaabbccdd, 4);
    g_assert_cmpuint(p.writes, ==, 4);
    g_assert_cmpuint(p.regs[3], ==, 0xaa);
    /* Half in, half out: device bytes then 0xff. */
    g_assert_cmpuint(io_space_read(io, 0x43, 2), ==, 0xffaa);
    /* Nothing there. */
    g_assert_cmpuint(io_space_read(io, 0x2f9, 1), ==, 0xff);
    g_assert_cmpuint(io_space_read(io, 0x2f8, 4), ==, 0xffffffff);
    io_space_write(io, 0x2f8, 0, 4);

    /* The top of the space: a dword at 0xfffe sees two ports and ones. */
    memory_region_init_io(&top, "top", &pit_ops, &q, 2);
    io_space_map(io, &top, 0xfffe);
    q.regs[0] = 0x11;
    q.regs[1] = 0x22;
    g_assert_cmpuint(io_space_read(io, 0xfffe, 4), ==, 0xffff2211);
    io_space_write(io, 0xffff, 0x7766, 2);
    g_assert_cmpuint(q.regs[1], ==, 0x66);

    /* A write-only block reads all-ones. */
    memory_region_init_io(&wo, "wo", &write_only_ops, NULL, 4);
    io_space_map(io, &wo, 0x80);
    io_space_write(io, 0x80, 0x1234, 2);
    g_assert_cmpuint(wo_dummy, ==, 0x1234);
    g_assert_cmpuint(io_space_read(io, 0x80, 2), ==, 0xffff);

    memory_region_destroy(&wo);
    memory_region_destroy(&top);
    memory_region_destroy(&r);
    memory_map_free(io);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/hw/core/ioport/ports", test_ports);
    return g_test_run();
}
