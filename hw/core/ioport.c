/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x86 I/O port space: a 64 KiB memory map of IO regions (see
 * include/hw/core/ioport.h).  IN/OUT of 1, 2 or 4 bytes reach devices with
 * the same access-size adaptation as MMIO; ports past 0xffff (a word or
 * dword access at the top of the space) are unassigned.
 */
#include "hw/core/ioport.h"
#include "hw/core/memory-internal.h"

#define IO_SPACE_SIZE 0x10000

MemoryMap *io_space_new(void)
{
    return memory_map_new("io", IO_SPACE_SIZE);
}

void io_space_map(MemoryMap *io, MemoryRegion *mr, uint16_t port)
{
    /* Only register blocks live in port space. */
    assert(mr->kind == MEMORY_REGION_IO || mr->kind == MEMORY_REGION_ALIAS);
    memory_map_add(io, mr, port, 0);
}

uint32_t io_space_read(MemoryMap *io, uint16_t port, unsigned size)
{
    uint32_t v = 0;
    unsigned i;

    assert(size == 1 || size == 2 || size == 4);
    if ((uint32_t)port + size <= IO_SPACE_SIZE) {
        return memory_map_read(io, port, size);
    }
    for (i = 0; i < size; i++) {
        uint32_t b = port + i < IO_SPACE_SIZE
                         ? memory_map_read(io, port + i, 1)
                         : 0xff;

        v |= b << (8 * i);
    }
    return v;
}

void io_space_write(MemoryMap *io, uint16_t port, uint32_t val,
                    unsigned size)
{
    unsigned i;

    assert(size == 1 || size == 2 || size == 4);
    if ((uint32_t)port + size <= IO_SPACE_SIZE) {
        memory_map_write(io, port, val, size);
        return;
    }
    for (i = 0; i < size && port + i < IO_SPACE_SIZE; i++) {
        memory_map_write(io, port + i, (val >> (8 * i)) & 0xff, 1);
    }
}
