/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for hw/core/memory.c and memory-access.c: RAM/ROM/IO
 * dispatch, splitting and widening of access sizes, overlap and
 * priorities, aliases, run-time changes, unassigned behaviour, the CPU's
 * page lookup, DMA bounds checks and listener notifications.
 */
#include <errno.h>
#include <glib.h>
#include <string.h>

#include "hw/core/memory.h"

/* A fake device: 16 byte registers, logs every access it sees. */
typedef struct FakeDev {
    uint8_t regs[16];
    GString *log;
} FakeDev;

static uint64_t fake_read(void *opaque, uint64_t offset, unsigned size)
{
    FakeDev *d = opaque;
    uint64_t v = 0;
    unsigned i;

    g_string_append_printf(d->log, "r%u@%u ", size, (unsigned)offset);
    /* The core promises aligned offsets inside the declared sizes. */
    g_assert_cmpuint(offset % size, ==, 0);
    for (i = 0; i < size; i++) {
        v |= (uint64_t)d->regs[(offset + i) % 16] << (8 * i);
    }
    return v;
}

static void fake_write(void *opaque, uint64_t offset, uint64_t val,
                       unsigned size)
{
    FakeDev *d = opaque;
    unsigned i;

    g_string_append_printf(d->log, "w%u@%u=%llx ", size, (unsigned)offset,
                           (unsigned long long)val);
    g_assert_cmpuint(offset % size, ==, 0);
    for (i = 0; i < size; i++) {
        d->regs[(offset + i) % 16] = val >> (8 * i);
    }
}

static const MemoryRegionOps ops_byte = {
    .read = fake_read, .write = fake_write, .min_access = 1, .max_access = 1,
};
static const MemoryRegionOps ops_dword = {
    .read = fake_read, .write = fake_write, .min_access = 4, .max_access = 4,
};
static const MemoryRegionOps ops_any = {
    .read = fake_read, .write = fake_write, .min_access = 1, .max_access = 8,
};

/* Overlapping 16-bit ports (Bochs VBE 0x1ce/0x1cf): unaligned passes. */
static uint64_t loose_read(void *opaque, uint64_t offset, unsigned size)
{
    FakeDev *d = opaque;

    g_string_append_printf(d->log, "r%u@%u ", size, (unsigned)offset);
    return 0xbeef;
}

static const MemoryRegionOps ops_unaligned_word = {
    .read = loose_read, .min_access = 2, .max_access = 2, .unaligned = true,
};

static FakeDev *fake_new(void)
{
    FakeDev *d = g_new0(FakeDev, 1);
    unsigned i;

    for (i = 0; i < 16; i++) {
        d->regs[i] = 0x10 + i;
    }
    d->log = g_string_new(NULL);
    return d;
}

static void fake_free(FakeDev *d)
{
    g_string_free(d->log, TRUE);
    g_free(d);
}

static void test_ram_rom(void)
{
    MemoryMap *map = memory_map_new("test", UINT64_C(1) << 32);
    MemoryRegion ram, rom;
    uint8_t *host;

    g_assert_true(memory_region_init_ram(&ram, "ram", 0x10000,
                                         &error_abort));
    g_assert_true(memory_region_init_rom(&rom, "rom", 0x1000, &error_abort));
    memory_region_get_ram_ptr(&rom)[0] = 0xea;
    memory_map_add(map, &ram, 0, 0);
    memory_map_add(map, &rom, 0xf0000, 0);

    memory_map_write(map, 0x100, 0x1122334455667788ull, 8);
    g_assert_cmpuint(memory_map_read(map, 0x100, 8), ==,
                     0x1122334455667788ull);
    g_assert_cmpuint(memory_map_read(map, 0x101, 2), ==, 0x6677);
    g_assert_cmpuint(memory_region_get_ram_ptr(&ram)[0x100], ==, 0x88);

    /* ROM reads its contents and drops writes. */
    memory_map_write(map, 0xf0000, 0, 1);
    g_assert_cmpuint(memory_map_read(map, 0xf0000, 1), ==, 0xea);

    /* Unassigned: all ones, writes vanish. */
    g_assert_cmpuint(memory_map_read(map, 0x20000, 4), ==, 0xffffffff);
    g_assert_cmpuint(memory_map_read(map, 0x20000, 8), ==, UINT64_MAX);
    memory_map_write(map, 0x20000, 0, 4);
    /* Straddling RAM end into a hole: RAM bytes, then ones. */
    memory_region_get_ram_ptr(&ram)[0xffff] = 0x42;
    g_assert_cmpuint(memory_map_read(map, 0xffff, 2), ==, 0xff42);

    g_assert_cmpint(memory_map_page(map, 0x1234, &host), ==, PHYS_PAGE_RAM);
    g_assert_true(host == memory_region_get_ram_ptr(&ram) + 0x1000);
    g_assert_cmpint(memory_map_page(map, 0xf0fff, &host), ==, PHYS_PAGE_ROM);
    g_assert_cmpint(memory_map_page(map, 0x30000, &host), ==,
                    PHYS_PAGE_MMIO);

    memory_region_destroy(&ram);
    memory_region_destroy(&rom);
    memory_map_free(map);
}

static void test_split_wide(void)
{
    MemoryMap *map = memory_map_new("test", 0x10000);
    FakeDev *d = fake_new();
    MemoryRegion io;

    memory_region_init_io(&io, "bytes", &ops_byte, d, 16);
    memory_map_add(map, &io, 0x1000, 0);
    /* A dword read of a byte device: four byte reads, merged LE. */
    g_assert_cmpuint(memory_map_read(map, 0x1004, 4), ==, 0x17161514);
    g_assert_cmpstr(d->log->str, ==, "r1@4 r1@5 r1@6 r1@7 ");
    g_string_truncate(d->log, 0);
    memory_map_write(map, 0x1002, 0xbeef, 2);
    g_assert_cmpstr(d->log->str, ==, "w1@2=ef w1@3=be ");
    g_assert_cmpuint(d->regs[2], ==, 0xef);
    g_assert_cmpuint(d->regs[3], ==, 0xbe);

    memory_region_destroy(&io);
    memory_map_free(map);
    fake_free(d);
}

static void test_widen_narrow(void)
{
    MemoryMap *map = memory_map_new("test", 0x10000);
    FakeDev *d = fake_new();
    MemoryRegion io;

    memory_region_init_io(&io, "dwords", &ops_dword, d, 16);
    memory_map_add(map, &io, 0x2000, 0);
    /* A byte read of a dword device: one dword read, byte extracted. */
    g_assert_cmpuint(memory_map_read(map, 0x2006, 1), ==, 0x16);
    g_assert_cmpstr(d->log->str, ==, "r4@4 ");
    g_string_truncate(d->log, 0);
    /* A narrow write becomes a dword write with the byte in its lane. */
    memory_map_write(map, 0x2005, 0xaa, 1);
    g_assert_cmpstr(d->log->str, ==, "w4@4=aa00 ");
    g_string_truncate(d->log, 0);
    /* Unaligned word read across two dwords. */
    memory_map_read(map, 0x2003, 2);
    g_assert_cmpstr(d->log->str, ==, "r4@0 r4@4 ");
    g_string_truncate(d->log, 0);
    /* A qword access splits into two dwords. */
    memory_map_read(map, 0x2008, 8);
    g_assert_cmpstr(d->log->str, ==, "r4@8 r4@12 ");

    memory_region_destroy(&io);
    memory_map_free(map);
    fake_free(d);
}

static void test_unaligned_any(void)
{
    MemoryMap *map = memory_map_new("test", 0x10000);
    FakeDev *d = fake_new();
    MemoryRegion io;

    memory_region_init_io(&io, "any", &ops_any, d, 16);
    memory_map_add(map, &io, 0, 0);
    /* Aligned accesses pass as they are. */
    memory_map_read(map, 8, 8);
    g_assert_cmpstr(d->log->str, ==, "r8@8 ");
    g_string_truncate(d->log, 0);
    /* An unaligned dword at 2: aligned dword units at 0 and 4. */
    g_assert_cmpuint(memory_map_read(map, 2, 4), ==, 0x15141312);
    g_assert_cmpstr(d->log->str, ==, "r4@0 r4@4 ");

    memory_region_destroy(&io);
    memory_map_free(map);
    fake_free(d);
}

static void test_unaligned_declared(void)
{
    MemoryMap *map = memory_map_new("test", 0x10000);
    FakeDev *d = fake_new();
    MemoryRegion io;

    memory_region_init_io(&io, "vbe", &ops_unaligned_word, d, 4);
    memory_map_add(map, &io, 0x1ce, 0);
    /* A word at the odd port reaches the device as it is. */
    g_assert_cmpuint(memory_map_read(map, 0x1cf, 2), ==, 0xbeef);
    g_assert_cmpuint(memory_map_read(map, 0x1ce, 2), ==, 0xbeef);
    /* A byte is still widened to the declared word size. */
    g_assert_cmpuint(memory_map_read(map, 0x1cf, 1), ==, 0xbe);
    /* Running off the region's end: byte by byte, the rest unassigned. */
    g_assert_cmpuint(memory_map_read(map, 0x1d1, 2), ==, 0xffbe);
    g_assert_cmpstr(d->log->str, ==, "r2@1 r2@0 r2@0 r2@2 ");

    memory_region_destroy(&io);
    memory_map_free(map);
    fake_free(d);
}

static void test_priority_overlap(void)
{
    MemoryMap *map = memory_map_new("test", 0x100000);
    FakeDev *d = fake_new();
    MemoryRegion ram, vga, hi;
    g_autofree char *dump = NULL;

    memory_region_init_ram(&ram, "ram", 0x100000, &error_abort);
    memory_region_init_io(&vga, "vga", &ops_byte, d, 0x20000);
    memory_map_add(map, &ram, 0, 0);
    memory_map_add(map, &vga, 0xa0000, 1);
    memory_map_write(map, 0xa0000, 0x99, 1);
    g_assert_cmpuint(memory_region_get_ram_ptr(&ram)[0xa0000], ==, 0);
    g_assert_cmpuint(d->regs[0], ==, 0x99);
    /* Below and above the window it is still RAM. */
    memory_map_write(map, 0x9ffff, 0x55, 1);
    memory_map_write(map, 0xc0000, 0x66, 1);
    g_assert_cmpuint(memory_region_get_ram_ptr(&ram)[0x9ffff], ==, 0x55);
    g_assert_cmpuint(memory_region_get_ram_ptr(&ram)[0xc0000], ==, 0x66);

    /* Disable the window: RAM shows through; enable: window again. */
    memory_region_set_enabled(&vga, false);
    memory_map_write(map, 0xa0000, 0x77, 1);
    g_assert_cmpuint(memory_region_get_ram_ptr(&ram)[0xa0000], ==, 0x77);
    memory_region_set_enabled(&vga, true);
    g_assert_cmpuint(memory_map_read(map, 0xa0000, 1), ==, 0x99);

    /* A lower priority region never shows where a higher one is. */
    memory_region_init_rom(&hi, "low", 0x1000, &error_abort);
    memory_map_add(map, &hi, 0xa0000, -1);
    g_assert_cmpuint(memory_map_read(map, 0xa0000, 1), ==, 0x99);
    /* Equal priority: the one placed (or moved) last wins. */
    memory_map_del(&hi);
    memory_map_add(map, &hi, 0xa0000, 1);
    g_assert_cmpuint(memory_map_read(map, 0xa0000, 1), ==, 0);
    memory_region_set_address(&vga, 0xa0000);
    g_assert_cmpuint(memory_map_read(map, 0xa0000, 1), ==, 0x99);

    dump = memory_map_dump(map);
    g_assert_nonnull(strstr(dump, "00000000000a0000-00000000000bffff (i/o)"));

    memory_region_destroy(&hi);
    memory_region_destroy(&vga);
    memory_region_destroy(&ram);
    memory_map_free(map);
    fake_free(d);
}

static void test_alias_move(void)
{
    MemoryMap *map = memory_map_new("test", UINT64_C(1) << 32);
    MemoryRegion bios, low, alias2;
    uint8_t *p;

    memory_region_init_rom(&bios, "bios", 0x40000, &error_abort);
    p = memory_region_get_ram_ptr(&bios);
    p[0x20000] = 0xaa;
    p[0x3fff0] = 0xea;
    memory_map_add(map, &bios, 0xfffc0000, 0);
    /* The last 128 KiB also at 0xe0000, as on a PC. */
    memory_region_init_alias(&low, "isa-bios", &bios, 0x20000, 0x20000);
    memory_map_add(map, &low, 0xe0000, 1);
    g_assert_cmpuint(memory_map_read(map, 0xe0000, 1), ==, 0xaa);
    g_assert_cmpuint(memory_map_read(map, 0xffff0, 1), ==, 0xea);
    g_assert_cmpuint(memory_map_read(map, 0xfffffff0, 1), ==, 0xea);

    /* Re-point and move at run time. */
    memory_region_set_alias_offset(&low, 0x1fff0);
    g_assert_cmpuint(memory_map_read(map, 0xe0010, 1), ==, 0xaa);
    memory_region_set_address(&low, 0xd0000);
    g_assert_cmpuint(memory_map_read(map, 0xf0010, 1), ==, 0xff);
    g_assert_cmpuint(memory_map_read(map, 0xd0010, 1), ==, 0xaa);
    /* An alias reaching past its target's end is unassigned there. */
    memory_region_set_alias_offset(&low, 0x30000);
    g_assert_cmpuint(memory_map_read(map, 0xd0000 + 0xfff0, 1), ==, 0xea);
    g_assert_cmpuint(memory_map_read(map, 0xd0000 + 0x10000, 1), ==, 0xff);
    /* An alias of an alias resolves. */
    memory_region_init_alias(&alias2, "a2", &low, 0xfff0, 0x10);
    memory_map_add(map, &alias2, 0x500000, 0);
    g_assert_cmpuint(memory_map_read(map, 0x500000, 1), ==, 0xea);

    memory_region_destroy(&alias2);
    memory_region_destroy(&low);
    memory_region_destroy(&bios);
    memory_map_free(map);
}

typedef struct Counts {
    unsigned changed;
    unsigned written;
    uint64_t last_addr, last_len;
} Counts;

static void count_changed(void *opaque)
{
    ((Counts *)opaque)->changed++;
}

static void count_written(void *opaque, uint64_t addr, uint64_t len)
{
    Counts *c = opaque;

    c->written++;
    c->last_addr = addr;
    c->last_len = len;
}

static const MemoryListener counter = {
    .map_changed = count_changed, .ram_written = count_written,
};

static void test_readonly_and_listeners(void)
{
    MemoryMap *map = memory_map_new("test", 0x100000);
    MemoryRegion ram, seg;
    Counts c = { 0 };
    uint8_t *host;

    memory_region_init_ram(&ram, "ram", 0x100000, &error_abort);
    memory_map_add_listener(map, &counter, &c);
    memory_map_add(map, &ram, 0, 0);
    g_assert_cmpuint(c.changed, ==, 1);

    /* A batch rebuilds once. */
    memory_region_init_alias(&seg, "pam", &ram, 0xf0000, 0x10000);
    memory_map_begin(map);
    memory_map_add(map, &seg, 0xf0000, 1);
    memory_region_set_readonly(&ram, true);
    memory_map_commit(map);
    g_assert_cmpuint(c.changed, ==, 2);
    memory_map_write(map, 0xf0000, 0x12, 1);
    g_assert_cmpuint(memory_map_read(map, 0xf0000, 1), ==, 0);
    g_assert_cmpint(memory_map_page(map, 0xf0000, &host), ==, PHYS_PAGE_ROM);
    memory_region_set_readonly(&ram, false);
    g_assert_cmpint(memory_map_page(map, 0xf0000, &host), ==, PHYS_PAGE_RAM);
    memory_map_write(map, 0xf0000, 0x12, 1);
    g_assert_cmpuint(memory_map_read(map, 0xf0000, 1), ==, 0x12);
    g_assert_cmpuint(c.written, ==, 1);
    g_assert_cmpuint(c.last_addr, ==, 0xf0000);

    memory_map_remove_listener(map, &counter, &c);
    memory_region_destroy(&seg);
    memory_region_destroy(&ram);
    memory_map_free(map);
}

static void test_dma(void)
{
    MemoryMap *map = memory_map_new("test", UINT64_C(1) << 40);
    FakeDev *d = fake_new();
    MemoryRegion ram1, ram2, rom, io;
    Counts c = { 0 };
    uint8_t buf[64], *p;
    uint64_t len;

    memory_region_init_ram(&ram1, "ram1", 0x2000, &error_abort);
    memory_region_init_ram(&ram2, "ram2", 0x2000, &error_abort);
    memory_region_init_rom(&rom, "rom", 0x1000, &error_abort);
    memory_region_init_io(&io, "io", &ops_byte, d, 16);
    memory_map_add(map, &ram1, 0, 0);
    memory_map_add(map, &ram2, 0x2000, 0);      /* contiguous with ram1 */
    memory_map_add(map, &rom, 0x10000, 0);
    memory_map_add(map, &io, 0x20000, 0);
    memory_map_add_listener(map, &counter, &c);

    /* Across two adjacent RAM regions: fine, one notification. */
    memset(buf, 0x5a, sizeof(buf));
    g_assert_cmpint(dma_memory_write(map, 0x1ff0, buf, 32), ==, 0);
    g_assert_cmpuint(c.written, ==, 1);
    g_assert_cmpuint(c.last_len, ==, 32);
    g_assert_cmpuint(memory_region_get_ram_ptr(&ram2)[0xf], ==, 0x5a);
    memset(buf, 0, sizeof(buf));
    g_assert_cmpint(dma_memory_read(map, 0x1ff0, buf, 32), ==, 0);
    g_assert_cmpuint(buf[31], ==, 0x5a);

    /* Running off the end of RAM: refused, nothing written. */
    g_assert_cmpint(dma_memory_write(map, 0x3ff0, buf, 32), ==, -EFAULT);
    g_assert_cmpuint(memory_region_get_ram_ptr(&ram2)[0x1ff0], ==, 0);
    g_assert_cmpuint(c.written, ==, 1);
    /* Into MMIO, ROM (for writes), unassigned, wrapping: refused. */
    g_assert_cmpint(dma_memory_read(map, 0x20000, buf, 4), ==, -EFAULT);
    g_assert_cmpstr(d->log->str, ==, "");
    g_assert_cmpint(dma_memory_write(map, 0x10000, buf, 4), ==, -EFAULT);
    g_assert_cmpint(dma_memory_read(map, 0x10000, buf, 4), ==, 0);
    g_assert_cmpint(dma_memory_read(map, 0x50000, buf, 4), ==, -EFAULT);
    g_assert_cmpint(dma_memory_read(map, UINT64_MAX - 2, buf, 8), ==,
                    -EFAULT);
    g_assert_cmpint(dma_memory_read(map, UINT64_C(1) << 41, buf, 8), ==,
                    -EFAULT);
    g_assert_cmpint(dma_memory_read(map, 0, buf, 0), ==, 0);

    /* Zero-copy: the length shrinks to the contiguous part. */
    len = 0x3000;
    p = dma_memory_map(map, 0x1000, &len, true);
    g_assert_true(p == memory_region_get_ram_ptr(&ram1) + 0x1000);
    g_assert_cmpuint(len, ==, 0x1000);
    dma_memory_unmap(map, 0x1000, 0x10);
    g_assert_cmpuint(c.written, ==, 2);
    len = 16;
    g_assert_null(dma_memory_map(map, 0x10000, &len, true));
    g_assert_nonnull(dma_memory_map(map, 0x10000, &len, false));
    g_assert_null(dma_memory_map(map, 0x20000, &len, false));

    memory_map_remove_listener(map, &counter, &c);
    memory_region_destroy(&io);
    memory_region_destroy(&rom);
    memory_region_destroy(&ram2);
    memory_region_destroy(&ram1);
    memory_map_free(map);
    fake_free(d);
}

static void test_big_ram_lazy(void)
{
    MemoryRegion ram;
    Error *err = NULL;

    /* 8 GiB of RAM costs nothing until touched. */
    g_assert_true(memory_region_init_ram(&ram, "big", UINT64_C(8) << 30,
                                         &error_abort));
    memory_region_get_ram_ptr(&ram)[(UINT64_C(8) << 30) - 1] = 1;
    memory_region_destroy(&ram);
    g_assert_false(memory_region_init_ram(&ram, "zero", 0, &err));
    error_free_or_abort(&err);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/hw/core/memory/ram-rom", test_ram_rom);
    g_test_add_func("/hw/core/memory/split-wide", test_split_wide);
    g_test_add_func("/hw/core/memory/widen-narrow", test_widen_narrow);
    g_test_add_func("/hw/core/memory/unaligned", test_unaligned_any);
    g_test_add_func("/hw/core/memory/unaligned-declared",
                    test_unaligned_declared);
    g_test_add_func("/hw/core/memory/priority", test_priority_overlap);
    g_test_add_func("/hw/core/memory/alias-move", test_alias_move);
    g_test_add_func("/hw/core/memory/readonly-listeners",
                    test_readonly_and_listeners);
    g_test_add_func("/hw/core/memory/dma", test_dma);
    g_test_add_func("/hw/core/memory/big-ram", test_big_ram_lazy);
    return g_test_run();
}
