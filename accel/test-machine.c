/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CPU test machine.
 *
 * Memory map: RAM from 0; 0xffff0000-0xffffffff aliases RAM 0xf0000-
 * 0xfffff (reset vector); everything else is unassigned (reads ones).
 * I/O: 0xe9 console (byte writes append to the console buffer; reads give
 * 0xe9 as QEMU's debugcon does), 0xf4 exit (any write stops the machine
 * with that value), 0xe0 test interrupt (a byte write raises INTR with that
 * vector until acknowledged).  The virtual clock advances by one nanosecond
 * per instruction, so runs are deterministic.
 */
#include <stdio.h>
#include <string.h>

#include "accel/test-machine.h"

#define BIOS_ALIAS_BASE 0xffff0000ull
#define TEST_PORT_IRQ 0xe0

static PhysPageKind tm_phys_map(void *opaque, uint64_t paddr, uint8_t **host)
{
    TestMachine *m = opaque;
    if (paddr < m->ram_size) {
        *host = m->ram + (paddr & ~0xfffull);
        return PHYS_PAGE_RAM;
    }
    if (paddr >= BIOS_ALIAS_BASE && paddr < BIOS_ALIAS_BASE + 0x10000 &&
        m->ram_size >= 0x100000) {
        *host = m->ram + 0xf0000 + ((paddr - BIOS_ALIAS_BASE) & ~0xfffull);
        return PHYS_PAGE_ROM;
    }
    return PHYS_PAGE_MMIO;
}

static uint64_t tm_phys_read(void *opaque, uint64_t paddr, unsigned size)
{
    return size == 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

static void tm_phys_write(void *opaque, uint64_t paddr, uint64_t val,
                          unsigned size)
{
}

static uint32_t tm_io_read(void *opaque, uint16_t port, unsigned size)
{
    if (port == TEST_MACHINE_PORT_CONSOLE) {
        return 0xe9;
    }
    return size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
}

static void tm_io_write(void *opaque, uint16_t port, uint32_t val,
                        unsigned size)
{
    TestMachine *m = opaque;
    switch (port) {
    case TEST_MACHINE_PORT_CONSOLE:
        g_string_append_c(m->console, val & 0xff);
        if (m->echo) {
            fputc(val & 0xff, stdout);
        }
        break;
    case TEST_MACHINE_PORT_EXIT:
        if (!m->exited) {
            m->exited = true;
            m->exit_code = val;
            x86_cpu_kick(m->cpu);
        }
        break;
    case TEST_PORT_IRQ:
        m->irq_vector = val & 0xff;
        m->irq_pending = true;
        x86_cpu_set_intr(m->cpu, true);
        break;
    }
}

static int tm_intr_ack(void *opaque)
{
    TestMachine *m = opaque;
    if (!m->irq_pending) {
        return -1;
    }
    m->irq_pending = false;
    x86_cpu_set_intr(m->cpu, false);
    return m->irq_vector;
}

static int64_t tm_clock_ns(void *opaque)
{
    TestMachine *m = opaque;
    return m->clock_ns;
}

static void tm_request_reset(void *opaque)
{
    TestMachine *m = opaque;
    m->reset = true;
}

static void tm_request_shutdown(void *opaque)
{
    TestMachine *m = opaque;
    m->exited = true;
}

TestMachine *test_machine_new(unsigned ram_mb, Error **errp)
{
    TestMachine *m;
    CPUPlatform plat = {
        .phys_map = tm_phys_map,
        .phys_read = tm_phys_read,
        .phys_write = tm_phys_write,
        .io_read = tm_io_read,
        .io_write = tm_io_write,
        .intr_ack = tm_intr_ack,
        .clock_ns = tm_clock_ns,
        .request_reset = tm_request_reset,
        .request_shutdown = tm_request_shutdown,
    };

    if (ram_mb < 1 || ram_mb > 3072) {
        error_setg(errp, "test machine RAM must be 1..3072 MiB, not %u",
                   ram_mb);
        return NULL;
    }
    m = g_new0(TestMachine, 1);
    m->ram_size = (size_t)ram_mb << 20;
    m->ram = g_malloc0(m->ram_size);
    m->console = g_string_new(NULL);
    plat.opaque = m;
    m->cpu = x86_cpu_new(NULL, 0, &plat, errp);
    if (!m->cpu) {
        test_machine_free(m);
        return NULL;
    }
    return m;
}

void test_machine_free(TestMachine *m)
{
    if (!m) {
        return;
    }
    x86_cpu_free(m->cpu);
    g_string_free(m->console, true);
    g_free(m->ram);
    g_free(m);
}

bool test_machine_load(TestMachine *m, uint64_t addr, const void *data,
                       size_t len, Error **errp)
{
    if (addr > m->ram_size || len > m->ram_size - addr) {
        error_setg(errp, "image of %zu bytes at 0x%" G_GINT64_MODIFIER
                   "x does not fit in %zu bytes of RAM", len, addr,
                   m->ram_size);
        return false;
    }
    memcpy(m->ram + addr, data, len);
    x86_cpu_phys_written(m->cpu, addr, len);
    return true;
}

/* Multiboot specification 0.6.96, section 3.1 (header) and 3.3 (info). */
#define MB_MAGIC 0x1badb002u
#define MB_BOOT_MAGIC 0x2badb002u
#define MB_INFO_ADDR 0x9000u

static uint32_t rd32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

bool test_machine_load_multiboot(TestMachine *m, const uint8_t *img,
                                 size_t len, Error **errp)
{
    size_t scan = len < 8192 ? len : 8192;
    for (size_t off = 0; off + 32 <= scan; off += 4) {
        const uint8_t *h = img + off;
        uint32_t flags = rd32(h + 4), hdr, load, load_end, bss_end, entry;
        size_t file_off, n;
        uint8_t info[16] = { 0 };
        if (rd32(h) != MB_MAGIC || rd32(h) + flags + rd32(h + 8) != 0) {
            continue;
        }
        if (!(flags & (1u << 16))) {
            error_setg(errp, "multiboot image without address fields "
                       "(ELF loading is not supported)");
            return false;
        }
        hdr = rd32(h + 12), load = rd32(h + 16), load_end = rd32(h + 20);
        bss_end = rd32(h + 24), entry = rd32(h + 28);
        if (hdr < load || hdr - load > off) {
            error_setg(errp, "multiboot header addresses are inconsistent");
            return false;
        }
        file_off = off - (hdr - load);
        n = load_end ? load_end - load : len - file_off;
        if (file_off + n > len) {
            n = len - file_off;
        }
        if (!test_machine_load(m, load, img + file_off, n, errp)) {
            return false;
        }
        if (bss_end > load + n && bss_end < m->ram_size) {
            memset(m->ram + load + n, 0, bss_end - load - n);
        }
        info[0] = 1;    /* flags: mem_lower/mem_upper valid */
        info[4] = 640 & 0xff, info[5] = 640 >> 8;
        {
            uint32_t upper = (m->ram_size >> 10) - 1024;
            memcpy(info + 8, &upper, 4);
        }
        test_machine_load(m, MB_INFO_ADDR, info, sizeof(info), NULL);
        x86_cpu_enter_flat32(m->cpu, entry);
        x86_cpu_set_reg(m->cpu, X86_REG_RAX, MB_BOOT_MAGIC);
        x86_cpu_set_reg(m->cpu, X86_REG_RAX + 3, MB_INFO_ADDR);
        return true;
    }
    error_setg(errp, "no multiboot header in the first 8 KiB");
    return false;
}

uint64_t test_machine_run(TestMachine *m, uint64_t max_insns)
{
    uint64_t total = 0;
    while (!m->exited && !m->reset && total < max_insns) {
        uint64_t n = 0, slice = max_insns - total;
        CPUExitReason why;
        if (slice > 1000000) {
            slice = 1000000;
        }
        why = x86_cpu_run(m->cpu, slice, &n);
        total += n;
        m->clock_ns += n;
        if (why == CPU_EXIT_RESET) {
            m->reset = true;
        } else if (why == CPU_EXIT_HALTED && !m->irq_pending) {
            break;      /* nothing can wake the CPU */
        }
    }
    return total;
}
