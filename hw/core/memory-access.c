/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest and device accesses through a memory map's flat view: CPU reads and
 * writes (CPUPlatform.phys_read/phys_write/phys_map), the access-size
 * adaptation for IO regions, and the DMA API.
 *
 * Access-size adaptation.  A device's ops declare [min_access, max_access].
 * An access of @size at @offset is carried out in units of
 * u = clamp(size, min, max), each naturally aligned: every unit that
 * overlaps the access is read (and the wanted bytes extracted) or written
 * (with the access's bytes shifted into place and the rest zero, as a
 * narrow write on a wide bus drives only some byte lanes).  Values are
 * little-endian.  An access that leaves its flat range is done byte by
 * byte so each byte reaches whatever serves it.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "hw/core/memory-internal.h"
#include "util/log.h"

static uint64_t memory_size_mask(unsigned size)
{
    return size >= 8 ? UINT64_MAX : (UINT64_C(1) << (size * 8)) - 1;
}

static uint64_t memory_load_le(const uint8_t *p, unsigned size)
{
    uint64_t v = 0;
    unsigned i;

    for (i = 0; i < size; i++) {
        v |= (uint64_t)p[i] << (8 * i);
    }
    return v;
}

static void memory_store_le(uint8_t *p, uint64_t v, unsigned size)
{
    unsigned i;

    for (i = 0; i < size; i++) {
        p[i] = v >> (8 * i);
    }
}

static unsigned memory_access_unit(const MemoryRegionOps *ops, unsigned size)
{
    unsigned min = ops->min_access ? ops->min_access : 1;
    unsigned max = ops->max_access ? ops->max_access : 4;

    return size < min ? min : size > max ? max : size;
}

/* Read @size bytes at @offset of IO region @mr in declared units. */
static uint64_t memory_io_read(MemoryRegion *mr, uint64_t offset,
                               unsigned size)
{
    const MemoryRegionOps *ops = mr->ops;
    unsigned u = memory_access_unit(ops, size);
    uint64_t a, end = offset + size, result = 0;

    if (!ops->read) {
        return memory_size_mask(size);
    }
    if (ops->unaligned && u == size) {
        return ops->read(mr->opaque, offset, size) & memory_size_mask(size);
    }
    for (a = offset & ~(uint64_t)(u - 1); a < end; a += u) {
        uint64_t v = ops->read(mr->opaque, a, u) & memory_size_mask(u);
        uint64_t lo = MAX(a, offset), hi = MIN(a + u, end);

        v >>= 8 * (lo - a);
        v &= memory_size_mask(hi - lo);
        result |= v << (8 * (lo - offset));
    }
    return result;
}

static void memory_io_write(MemoryRegion *mr, uint64_t offset, uint64_t val,
                            unsigned size)
{
    const MemoryRegionOps *ops = mr->ops;
    unsigned u = memory_access_unit(ops, size);
    uint64_t a, end = offset + size;

    if (!ops->write) {
        return;
    }
    if (ops->unaligned && u == size) {
        ops->write(mr->opaque, offset, val & memory_size_mask(size), size);
        return;
    }
    for (a = offset & ~(uint64_t)(u - 1); a < end; a += u) {
        uint64_t lo = MAX(a, offset), hi = MIN(a + u, end);
        uint64_t piece = (val >> (8 * (lo - offset))) &
                         memory_size_mask(hi - lo);

        ops->write(mr->opaque, a, piece << (8 * (lo - a)), u);
    }
}

static bool memory_is_ram(const MemoryRegion *mr)
{
    return mr->kind == MEMORY_REGION_RAM || mr->kind == MEMORY_REGION_ROM;
}

static bool memory_is_writable_ram(const MemoryRegion *mr)
{
    return mr->kind == MEMORY_REGION_RAM && !mr->readonly;
}

/* One access known to lie inside @fr. */
static uint64_t memory_range_read(const FlatRange *fr, uint64_t addr,
                                  unsigned size)
{
    uint64_t off = fr->offset + (addr - fr->start);

    if (memory_is_ram(fr->target)) {
        return memory_load_le(fr->target->host + off, size);
    }
    return memory_io_read(fr->target, off, size);
}

static void memory_range_write(MemoryMap *map, const FlatRange *fr,
                               uint64_t addr, uint64_t val, unsigned size)
{
    uint64_t off = fr->offset + (addr - fr->start);

    if (fr->target->kind == MEMORY_REGION_IO) {
        memory_io_write(fr->target, off, val, size);
    } else if (memory_is_writable_ram(fr->target)) {
        memory_store_le(fr->target->host + off, val, size);
        memory_map_notify_written(map, addr, size);
    }
    /* ROM and read-only RAM drop guest writes, as the chips do. */
}

uint64_t memory_map_read(MemoryMap *map, uint64_t addr, unsigned size)
{
    const FlatRange *fr = memory_map_find(map, addr);
    uint64_t v = 0;
    unsigned i;

    assert(size >= 1 && size <= 8);
    if (fr && size <= fr->end - addr) {
        return memory_range_read(fr, addr, size);
    }
    if (!fr && size == 1) {
        log_guest_error("unassigned %s read at 0x%" PRIx64, map->name, addr);
        return 0xff;
    }
    for (i = 0; i < size; i++) {
        v |= memory_map_read(map, addr + i, 1) << (8 * i);
    }
    return v;
}

void memory_map_write(MemoryMap *map, uint64_t addr, uint64_t val,
                      unsigned size)
{
    const FlatRange *fr = memory_map_find(map, addr);
    unsigned i;

    assert(size >= 1 && size <= 8);
    if (fr && size <= fr->end - addr) {
        memory_range_write(map, fr, addr, val, size);
        return;
    }
    if (!fr && size == 1) {
        log_guest_error("unassigned %s write at 0x%" PRIx64 " (0x%02x)",
                        map->name, addr, (unsigned)(val & 0xff));
        return;
    }
    for (i = 0; i < size; i++) {
        memory_map_write(map, addr + i, (val >> (8 * i)) & 0xff, 1);
    }
}

PhysPageKind memory_map_page(MemoryMap *map, uint64_t addr, uint8_t **host)
{
    uint64_t page = addr & ~UINT64_C(0xfff);
    const FlatRange *fr = memory_map_find(map, page);

    if (!fr || !memory_is_ram(fr->target) || fr->end - page < 0x1000) {
        return PHYS_PAGE_MMIO;
    }
    *host = fr->target->host + fr->offset + (page - fr->start);
    return memory_is_writable_ram(fr->target) ? PHYS_PAGE_RAM
                                              : PHYS_PAGE_ROM;
}

/*
 * Walk [@addr, +@len) through the flat view: call @fn for each contiguous
 * piece, or return -EFAULT (without calling @fn at all) if any byte is not
 * served by a region accepted by @ok.
 */
static int memory_dma_walk(MemoryMap *map, uint64_t addr, uint64_t len,
                           bool (*ok)(const MemoryRegion *mr),
                           void (*fn)(uint8_t *host, uint64_t done,
                                      uint64_t n, void *opaque),
                           void *opaque)
{
    unsigned pass;

    if (len == 0) {
        return 0;
    }
    if (addr + len < addr || addr + len > map->limit) {
        return -EFAULT;
    }
    for (pass = 0; pass < 2; pass++) {
        uint64_t done = 0;

        while (done < len) {
            const FlatRange *fr = memory_map_find(map, addr + done);
            uint64_t n;

            if (!fr || !ok(fr->target)) {
                assert(pass == 0);
                return -EFAULT;
            }
            n = MIN(len - done, fr->end - (addr + done));
            if (pass == 1) {
                fn(fr->target->host + fr->offset + (addr + done - fr->start),
                   done, n, opaque);
            }
            done += n;
        }
    }
    return 0;
}

static void memory_dma_copy_out(uint8_t *host, uint64_t done, uint64_t n,
                                void *opaque)
{
    memcpy((uint8_t *)opaque + done, host, n);
}

static void memory_dma_copy_in(uint8_t *host, uint64_t done, uint64_t n,
                               void *opaque)
{
    memcpy(host, (const uint8_t *)opaque + done, n);
}

int dma_memory_read(MemoryMap *map, uint64_t addr, void *buf, uint64_t len)
{
    return memory_dma_walk(map, addr, len, memory_is_ram,
                           memory_dma_copy_out, buf);
}

int dma_memory_write(MemoryMap *map, uint64_t addr, const void *buf,
                     uint64_t len)
{
    int ret = memory_dma_walk(map, addr, len, memory_is_writable_ram,
                              memory_dma_copy_in, (void *)buf);

    if (ret == 0 && len) {
        memory_map_notify_written(map, addr, len);
    }
    return ret;
}

uint8_t *dma_memory_map(MemoryMap *map, uint64_t addr, uint64_t *len,
                        bool is_write)
{
    const FlatRange *fr = memory_map_find(map, addr);

    if (!fr || *len == 0 ||
        !(is_write ? memory_is_writable_ram(fr->target)
                   : memory_is_ram(fr->target))) {
        return NULL;
    }
    *len = MIN(*len, fr->end - addr);
    return fr->target->host + fr->offset + (addr - fr->start);
}

void dma_memory_unmap(MemoryMap *map, uint64_t addr, uint64_t written)
{
    if (written) {
        memory_map_notify_written(map, addr, written);
    }
}
