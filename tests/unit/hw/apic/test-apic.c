/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Local APIC tests on the PC with apic=on (vCPUs not running): register
 * semantics, the timer against the fake virtual clock, IPIs recorded per
 * destination, virtual wire mode to the 8259, and hostile accesses.
 */
#include "apic-test.h"

#include "hw/i386/acpi-build.h"

static void test_regs(Fixture *f, gconstpointer data)
{
    g_assert_cmphex(apic_rd(f, 0, 0x30), ==, 0x50014);
    g_assert_cmphex(apic_rd(f, 0, 0x20), ==, 0);
    g_assert_cmphex(apic_rd(f, 3, 0x20), ==, 3u << 24);
    g_assert_cmphex(apic_rd(f, 0, 0xf0), ==, 0xff);
    g_assert_cmphex(apic_rd(f, 0, 0xe0), ==, 0xffffffff);
    /* Reset: LVTs masked, except the BSP's LINT0 (virtual wire). */
    g_assert_cmphex(apic_rd(f, 0, 0x320), ==, 0x10000);
    g_assert_cmphex(apic_rd(f, 0, 0x350), ==, 0x700);
    g_assert_cmphex(apic_rd(f, 1, 0x350), ==, 0x10000);
    /* Software-disabled: LVT mask bits cannot be cleared. */
    apic_wr(f, 0, 0x360, 0x400);
    g_assert_cmphex(apic_rd(f, 0, 0x360), ==, 0x10400);
    apic_wr(f, 0, 0xf0, 0x1ff);
    g_assert_cmphex(apic_rd(f, 0, 0xf0), ==, 0x1ff);
    apic_wr(f, 0, 0x360, 0x8400);               /* SeaBIOS' LVT1 */
    g_assert_cmphex(apic_rd(f, 0, 0x360), ==, 0x8400);
    /* ID, TPR (8 bits), LDR (bits 31-24), DFR (model nibble). */
    apic_wr(f, 1, 0x20, 0x07000000);
    g_assert_cmphex(apic_rd(f, 1, 0x20), ==, 0x07000000);
    apic_wr(f, 0, 0x80, 0x1234);
    g_assert_cmphex(apic_rd(f, 0, 0x80), ==, 0x34);
    g_assert_cmphex(apic_rd(f, 0, 0xa0), ==, 0x34);  /* PPR = TPR */
    apic_wr(f, 0, 0xd0, 0x12345678);
    g_assert_cmphex(apic_rd(f, 0, 0xd0), ==, 0x12000000);
    apic_wr(f, 0, 0xe0, 0);
    g_assert_cmphex(apic_rd(f, 0, 0xe0), ==, 0x0fffffff);
    /* Read-only registers drop writes. */
    apic_wr(f, 0, 0x30, 0);
    g_assert_cmphex(apic_rd(f, 0, 0x30), ==, 0x50014);
    apic_wr(f, 0, 0x200, 0xffffffff);
    g_assert_cmphex(apic_rd(f, 0, 0x200), ==, 0);
    /* Divide configuration keeps bits 0, 1 and 3. */
    apic_wr(f, 0, 0x3e0, 0xff);
    g_assert_cmphex(apic_rd(f, 0, 0x3e0), ==, 0xb);
    /* Disabling the APIC masks every LVT again. */
    apic_wr(f, 0, 0xf0, 0xff);
    g_assert_cmphex(apic_rd(f, 0, 0x360), ==, 0x18400);
}

static void test_priority_eoi(Fixture *f, gconstpointer data)
{
    APICState *a = f->pc->apic;

    apic_enable_all(f);
    g_assert_cmpuint(apic_deliver(a, 0, false, APIC_DM_FIXED, 0x51, false),
                     ==, 1);
    g_assert_true(f->rec.intr[0]);
    g_assert_true(apic_irr(f, 0, 0x51));
    /* TPR class 5 blocks vector 0x51; class 4 lets it through. */
    apic_wr(f, 0, 0x80, 0x50);
    g_assert_false(f->rec.intr[0]);
    g_assert_cmpint(apic_intr_ack(a, 0), ==, 0xff);     /* spurious */
    apic_wr(f, 0, 0x80, 0x40);
    g_assert_true(f->rec.intr[0]);
    g_assert_cmpint(apic_intr_ack(a, 0), ==, 0x51);
    g_assert_true(apic_isr(f, 0, 0x51));
    g_assert_false(apic_irr(f, 0, 0x51));
    g_assert_cmphex(apic_rd(f, 0, 0xa0), ==, 0x50);     /* PPR = ISRV */
    /* A lower class waits for the EOI; a higher one preempts. */
    apic_deliver(a, 0, false, APIC_DM_FIXED, 0x42, false);
    g_assert_false(f->rec.intr[0]);
    apic_deliver(a, 0, false, APIC_DM_FIXED, 0x91, false);
    g_assert_cmpint(apic_intr_ack(a, 0), ==, 0x91);
    apic_wr(f, 0, 0xb0, 0);
    apic_wr(f, 0, 0xb0, 0);
    g_assert_false(apic_isr(f, 0, 0x51));
    apic_wr(f, 0, 0x80, 0);
    g_assert_cmpint(apic_intr_ack(a, 0), ==, 0x42);
    apic_wr(f, 0, 0xb0, 0);
    g_assert_false(f->rec.intr[0]);
    g_assert_cmphex(apic_rd(f, 0, 0xa0), ==, 0);
}

static void test_timer_oneshot(Fixture *f, gconstpointer data)
{
    apic_enable_all(f);
    apic_wr(f, 0, 0x3e0, 0xb);          /* divide by 1 */
    apic_wr(f, 0, 0x320, 0x40);
    apic_wr(f, 0, 0x380, 1000);
    test_clock_step(300);
    g_assert_cmpuint(apic_rd(f, 0, 0x390), ==, 700);
    g_assert_false(apic_irr(f, 0, 0x40));
    test_clock_step(700);
    g_assert_cmpuint(apic_rd(f, 0, 0x390), ==, 0);
    g_assert_true(apic_irr(f, 0, 0x40));
    g_assert_true(f->rec.intr[0]);
    g_assert_cmpint(apic_intr_ack(f->pc->apic, 0), ==, 0x40);
    apic_wr(f, 0, 0xb0, 0);
    test_clock_step(5000);
    g_assert_false(apic_irr(f, 0, 0x40));   /* one shot only */
    /* Divide by 16 (0x3): 1600 ns is 100 ticks. */
    apic_wr(f, 0, 0x3e0, 0x3);
    apic_wr(f, 0, 0x380, 1000);
    test_clock_step(1600);
    g_assert_cmpuint(apic_rd(f, 0, 0x390), ==, 900);
    /* Masked: the count runs out without an interrupt. */
    apic_wr(f, 0, 0x320, 0x10040);
    test_clock_step(16000);
    g_assert_cmpuint(apic_rd(f, 0, 0x390), ==, 0);
    g_assert_false(apic_irr(f, 0, 0x40));
}

static void test_timer_periodic(Fixture *f, gconstpointer data)
{
    int fired = 0;

    apic_enable_all(f);
    apic_wr(f, 0, 0x3e0, 0x0);          /* divide by 2 */
    apic_wr(f, 0, 0x320, 0x20000 | 0x41);
    apic_wr(f, 0, 0x380, 500);          /* 1000 ns period */
    test_clock_step(250);
    g_assert_cmpuint(apic_rd(f, 0, 0x390), ==, 375);
    for (int i = 0; i < 5; i++) {
        test_clock_step(1000);
        if (apic_irr(f, 0, 0x41)) {
            fired++;
            g_assert_cmpint(apic_intr_ack(f->pc->apic, 0), ==, 0x41);
            apic_wr(f, 0, 0xb0, 0);
        }
    }
    g_assert_cmpint(fired, ==, 5);
    g_assert_cmpuint(apic_rd(f, 0, 0x390), ==, 375);
    /* Writing 0 to the initial count stops the timer. */
    apic_wr(f, 0, 0x380, 0);
    test_clock_step(3000);
    g_assert_false(apic_irr(f, 0, 0x41));
    g_assert_cmpuint(apic_rd(f, 0, 0x390), ==, 0);
}

static void send_ipi(Fixture *f, unsigned from, uint8_t dest, uint32_t lo)
{
    apic_wr(f, from, 0x310, (uint32_t)dest << 24);
    apic_wr(f, from, 0x300, lo);
}

static void test_ipi(Fixture *f, gconstpointer data)
{
    apic_enable_all(f);
    /* Physical fixed to APIC 2 only. */
    send_ipi(f, 0, 2, 0x50);
    for (unsigned i = 0; i < TEST_MAX_CPUS; i++) {
        g_assert_cmpint(apic_irr(f, i, 0x50), ==, i == 2);
        g_assert_cmpint(f->rec.intr[i], ==, i == 2);
    }
    g_assert_cmphex(apic_rd(f, 0, 0x300) & 0x1000, ==, 0);  /* idle */
    /* Self shorthand. */
    send_ipi(f, 1, 0, (1u << 18) | 0x60);
    g_assert_true(apic_irr(f, 1, 0x60));
    g_assert_false(apic_irr(f, 0, 0x60));
    /* NMI to all excluding self. */
    send_ipi(f, 0, 0, (3u << 18) | (APIC_DM_NMI << 8));
    g_assert_cmpint(f->rec.nmi[0], ==, 0);
    g_assert_cmpint(f->rec.nmi[1] + f->rec.nmi[2] + f->rec.nmi[3], ==, 3);
    /* SeaBIOS' INIT then SIPI to all but self (GUESTS-AND-FIRMWARE 5.6). */
    send_ipi(f, 0, 0, 0xc4500);
    send_ipi(f, 0, 0, 0xc4699);
    for (unsigned i = 1; i < TEST_MAX_CPUS; i++) {
        g_assert_cmpint(f->rec.init[i], ==, 1);
        g_assert_cmpint(f->rec.sipi_vector[i], ==, 0x99);
        /* INIT reset the target APIC: disabled, IRR cleared, ID kept. */
        g_assert_cmphex(apic_rd(f, i, 0xf0), ==, 0xff);
        g_assert_cmphex(apic_rd(f, i, 0x20), ==, i << 24);
    }
    g_assert_false(apic_irr(f, 2, 0x50));
    g_assert_cmpint(f->rec.init[0] + f->rec.sipi[0], ==, 0);
    /* INIT level de-assert does nothing. */
    send_ipi(f, 0, 1, 0x8500);
    g_assert_cmpint(f->rec.init[1], ==, 1);
    /* Physical broadcast 0xff to all, NMI. */
    send_ipi(f, 0, 0xff, APIC_DM_NMI << 8);
    g_assert_cmpint(f->rec.nmi[0], ==, 1);
}

static void test_ipi_logical(Fixture *f, gconstpointer data)
{
    APICState *a = f->pc->apic;

    apic_enable_all(f);
    /* Flat model: LDR bits select. */
    apic_wr(f, 1, 0xd0, 0x02000000);
    apic_wr(f, 3, 0xd0, 0x08000000);
    send_ipi(f, 0, 0x0a, 0x800 | 0x70);
    g_assert_true(apic_irr(f, 1, 0x70));
    g_assert_true(apic_irr(f, 3, 0x70));
    g_assert_false(apic_irr(f, 2, 0x70));
    g_assert_false(apic_irr(f, 0, 0x70));
    /* Cluster model: cluster 1, members 1 and 2 -> APIC 2 only. */
    for (unsigned i = 0; i < TEST_MAX_CPUS; i++) {
        apic_wr(f, i, 0xe0, 0x0fffffff);
    }
    apic_wr(f, 2, 0xd0, 0x12000000);
    apic_wr(f, 3, 0xd0, 0x24000000);
    g_assert_cmpuint(apic_deliver(a, 0x13, true, APIC_DM_FIXED, 0x71, false),
                     ==, 1);
    g_assert_true(apic_irr(f, 2, 0x71));
    g_assert_false(apic_irr(f, 3, 0x71));
    /* Lowest priority: of APICs 0 and 1 (flat), the one with lower TPR. */
    for (unsigned i = 0; i < TEST_MAX_CPUS; i++) {
        apic_wr(f, i, 0xe0, 0xffffffff);
    }
    apic_wr(f, 0, 0xd0, 0x01000000);
    apic_wr(f, 1, 0xd0, 0x02000000);
    apic_wr(f, 2, 0xd0, 0);
    apic_wr(f, 3, 0xd0, 0);
    apic_wr(f, 0, 0x80, 0x20);
    send_ipi(f, 2, 0x03, 0x800 | (APIC_DM_LOWEST << 8) | 0x72);
    g_assert_true(apic_irr(f, 1, 0x72));
    g_assert_false(apic_irr(f, 0, 0x72));
}

/* The 8259 reaches CPU 0 through LINT0 (ExtINT) until LINT0 is masked. */
static void test_extint(Fixture *f, gconstpointer data)
{
    static const uint8_t icw[] = { 0x11, 0x08, 0x04, 0x01 };

    outb(f->m, 0x20, icw[0]);
    for (int i = 1; i < 4; i++) {
        outb(f->m, 0x21, icw[i]);
    }
    outb(f->m, 0x21, 0x00);
    irq_raise(pc_isa_irq(f->pc, 1));
    g_assert_true(f->rec.intr[0]);
    g_assert_cmpint(f->m->intr_ack(f->m, 0), ==, 0x09);
    outb(f->m, 0x20, 0x20);                  /* EOI to the 8259 */
    irq_lower(pc_isa_irq(f->pc, 1));
    g_assert_false(f->rec.intr[0]);
    /* SeaBIOS' virtual wire setup keeps it working. */
    apic_enable_all(f);
    apic_wr(f, 0, 0x350, 0x8700);
    irq_raise(pc_isa_irq(f->pc, 1));
    g_assert_true(f->rec.intr[0]);
    /* Masked LINT0: the 8259 no longer reaches the CPU. */
    apic_wr(f, 0, 0x350, 0x18700);
    g_assert_false(f->rec.intr[0]);
    g_assert_cmpint(f->m->intr_ack(f->m, 0), ==, 0xff);
    /* LINT1 as NMI. */
    apic_wr(f, 0, 0x360, 0x400);
    irq_raise(&f->pc->apic->lint1);
    irq_lower(&f->pc->apic->lint1);
    g_assert_cmpint(f->rec.nmi[0], ==, 1);
}

/* IA32_APIC_BASE global disable: no messages, no MMIO, 8259 direct. */
static void test_hw_disable(Fixture *f, gconstpointer data)
{
    APICState *a = f->pc->apic;

    apic_enable_all(f);
    apic_wr(f, 0, 0x350, 0x18700);              /* LINT0 masked */
    apic_set_hw_enabled(a, 0, false);
    g_assert_cmphex(apic_rd(f, 0, 0x30), ==, 0xffffffff);
    g_assert_cmpuint(apic_deliver(a, 0, false, APIC_DM_FIXED, 0x50, false),
                     ==, 0);
    g_assert_false(f->rec.intr[0]);
    outb(f->m, 0x20, 0x11);
    outb(f->m, 0x21, 0x08);
    outb(f->m, 0x21, 0x04);
    outb(f->m, 0x21, 0x01);
    outb(f->m, 0x21, 0xfd);
    irq_raise(pc_isa_irq(f->pc, 1));
    g_assert_true(f->rec.intr[0]);
    g_assert_cmpint(f->m->intr_ack(f->m, 0), ==, 0x09);
    apic_set_hw_enabled(a, 0, true);
    g_assert_cmphex(apic_rd(f, 0, 0x30), ==, 0x50014);
    g_assert_cmphex(apic_rd(f, 0, 0xf0), ==, 0xff);   /* reset values */
    g_assert_cmphex(apic_rd(f, 0, 0x350), ==, 0x700);
}

static void test_hostile(Fixture *f, gconstpointer data)
{
    MemoryMap *mem = f->m->mem;

    apic_enable_all(f);
    apic_wr(f, 0, 0x370, 0x33);                 /* LVT error: vector 0x33 */
    /* Unaligned and narrow accesses never crash. */
    g_assert_cmphex(memory_map_read(mem, APIC_DEFAULT_ADDR + 0x31, 1), ==,
                    0x00);
    g_assert_cmphex(memory_map_read(mem, APIC_DEFAULT_ADDR + 0x30, 2), ==,
                    0x0014);
    g_assert_cmphex(memory_map_read(mem, APIC_DEFAULT_ADDR + 0x34, 4), ==, 0);
    (void)memory_map_read(mem, APIC_DEFAULT_ADDR + 0xffe, 8);
    memory_map_write(mem, APIC_DEFAULT_ADDR + 0x83, 0xff, 1);
    memory_map_write(mem, APIC_DEFAULT_ADDR + 0x304, 0xffffffff, 4);
    memory_map_write(mem, APIC_DEFAULT_ADDR + 0xfff, 0xff, 1);
    /* Fixed IPI with vector < 16: send illegal vector, nothing sent. */
    send_ipi(f, 0, 0, 0x05);
    g_assert_cmphex(apic_rd(f, 0, 0x280), ==, 0);   /* not yet latched */
    apic_wr(f, 0, 0x280, 0);
    g_assert_cmphex(apic_rd(f, 0, 0x280), ==, 0x20);
    g_assert_true(apic_irr(f, 0, 0x33));            /* error interrupt */
    apic_wr(f, 0, 0x280, 0);
    g_assert_cmphex(apic_rd(f, 0, 0x280), ==, 0);
    /* A timer with vector 3: receive illegal vector. */
    apic_wr(f, 0, 0x3e0, 0xb);
    apic_wr(f, 0, 0x320, 0x03);
    apic_wr(f, 0, 0x380, 10);
    test_clock_step(20);
    g_assert_false(apic_irr(f, 0, 0x03));
    apic_wr(f, 0, 0x280, 0);
    g_assert_cmphex(apic_rd(f, 0, 0x280), ==, 0x40);
    /* Reserved registers read 0 and flag an illegal register address. */
    g_assert_cmphex(apic_rd(f, 0, 0x040), ==, 0);
    apic_wr(f, 0, 0x3f0, 1);
    apic_wr(f, 0, 0x280, 0);
    g_assert_cmphex(apic_rd(f, 0, 0x280), ==, 0x80);
    /* A vCPU index out of range is treated as vCPU 0; delivery to an
     * absent APIC ID reaches nobody. */
    g_assert_cmphex(apic_rd(f, 200, 0x20), ==, 0);
    g_assert_cmpuint(apic_deliver(f->pc->apic, 0x77, false, APIC_DM_FIXED,
                                  0x40, false), ==, 0);
    g_assert_cmpint(apic_intr_ack(f->pc->apic, 77), ==, 0xff);
}

static uint32_t get32(const uint8_t *p)
{
    return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t)p[3] << 24);
}

static uint8_t sum(const uint8_t *p, unsigned len)
{
    uint8_t s = 0;

    for (unsigned i = 0; i < len; i++) {
        s += p[i];
    }
    return s;
}

/* The direct boot's RSDT lists a MADT and an HPET table. */
static void test_acpi_tables(Fixture *f, gconstpointer data)
{
    g_autofree uint8_t *ram = g_malloc0(0x100000);
    uint64_t rsdp = acpi_build_tables(f->pc, ram);
    const uint8_t *rsdt = ram + get32(ram + rsdp + 16);
    const uint8_t *madt = NULL, *hpet = NULL;
    unsigned n = (get32(rsdt + 4) - 36) / 4;
    unsigned lapics = 0, ioapics = 0, iso0 = 0, nmi = 0;

    g_assert_cmpuint(n, ==, 3);
    for (unsigned i = 0; i < n; i++) {
        const uint8_t *t = ram + get32(rsdt + 36 + 4 * i);

        g_assert_cmpuint(sum(t, get32(t + 4)), ==, 0);
        if (!memcmp(t, "APIC", 4)) {
            madt = t;
        } else if (!memcmp(t, "HPET", 4)) {
            hpet = t;
        }
    }
    g_assert_nonnull(madt);
    g_assert_nonnull(hpet);
    g_assert_cmphex(get32(madt + 36), ==, 0xfee00000);
    for (const uint8_t *e = madt + 44; e < madt + get32(madt + 4);
         e += e[1]) {
        g_assert_cmpuint(e[1], >=, 2);
        switch (e[0]) {
        case 0:
            g_assert_cmpuint(e[3], ==, lapics);
            lapics++;
            break;
        case 1:
            g_assert_cmphex(get32(e + 4), ==, 0xfec00000);
            ioapics++;
            break;
        case 2:
            if (e[3] == 0) {
                g_assert_cmpuint(get32(e + 4), ==, 2);
                iso0++;
            }
            break;
        case 4:
            g_assert_cmpuint(e[5], ==, 1);
            nmi++;
            break;
        }
    }
    g_assert_cmpuint(lapics, ==, TEST_MAX_CPUS);
    g_assert_cmpuint(ioapics + iso0 + nmi, ==, 3);
    g_assert_cmphex(get32(hpet + 44), ==, 0xfed00000);
    g_assert_cmphex(get32(hpet + 36),  ==,
                    (uint32_t)memory_map_read(f->m->mem, 0xfed00000, 4));
}

/* apic=on is the default, as in QEMU; with apic=off none of the devices
 * exists. */
static void test_default_on(void)
{
    MachineConfig cfg = { 0 };
    static char *dirs[] = { "/usr/share/seabios", NULL };
    Machine *m;

    machine_free(test_machine_new());   /* installs the fake clock */
    cfg.ram_size = 32 * 1024 * 1024;
    cfg.smp_cpus = 1;
    cfg.firmware_dirs = dirs;
    cfg.boot_reboot_timeout = -1;
    cfg.boot_splash_time = -1;
    cfg.vga = (char *)"none";
    m = machine_new(&pc_i440fx_class, &cfg);
    g_assert_true(pc_from_machine(m)->apic_on);
    {
        /* -machine pc,apic=... parses; a bad value is refused. */
        struct json_object *o = json_tokener_parse("{\"apic\": \"maybe\"}");
        Error *err = NULL;

        g_assert_false(machine_set_props(m, o, &err));
        g_assert_nonnull(err);
        error_free(err);
        json_object_put(o);
        o = json_tokener_parse("{\"apic\": \"off\"}");
        g_assert_true(machine_set_props(m, o, &error_abort));
        json_object_put(o);
    }
    g_assert_true(machine_init(m, &error_abort));
    machine_reset(m);
    g_assert_null(pc_from_machine(m)->apic);
    g_assert_cmphex(memory_map_read(m->mem, 0xfee00030, 4), ==, 0xffffffff);
    g_assert_cmphex(memory_map_read(m->mem, 0xfed00000, 4), ==, 0xffffffff);
    cpus_destroy(m);
    machine_free(m);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add("/apic/regs", Fixture, NULL, fixture_setup_smp, test_regs,
               fixture_teardown);
    g_test_add("/apic/priority-eoi", Fixture, NULL, fixture_setup,
               test_priority_eoi, fixture_teardown);
    g_test_add("/apic/timer-oneshot", Fixture, NULL, fixture_setup,
               test_timer_oneshot, fixture_teardown);
    g_test_add("/apic/timer-periodic", Fixture, NULL, fixture_setup,
               test_timer_periodic, fixture_teardown);
    g_test_add("/apic/ipi", Fixture, NULL, fixture_setup_smp, test_ipi,
               fixture_teardown);
    g_test_add("/apic/ipi-logical", Fixture, NULL, fixture_setup_smp,
               test_ipi_logical, fixture_teardown);
    g_test_add("/apic/extint", Fixture, NULL, fixture_setup, test_extint,
               fixture_teardown);
    g_test_add("/apic/hw-disable", Fixture, NULL, fixture_setup,
               test_hw_disable, fixture_teardown);
    g_test_add("/apic/hostile", Fixture, NULL, fixture_setup, test_hostile,
               fixture_teardown);
    g_test_add("/apic/acpi-tables", Fixture, NULL, fixture_setup_smp,
               test_acpi_tables, fixture_teardown);
    g_test_add_func("/apic/default-on-apic-off", test_default_on);
    return g_test_run();
}
