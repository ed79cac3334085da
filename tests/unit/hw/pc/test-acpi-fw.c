/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the firmware tables the PC offers through fw_cfg
 * (hw/i386/acpi-fw.c, hw/i386/smbios.c), read through the fw_cfg ports as
 * firmware reads them.  The test plays SeaBIOS: it runs the
 * etc/table-loader commands into a fake guest memory, then checks what a
 * guest OS would check: the RSDP in the F segment (ACPI §5.2.5), every
 * table's checksum, RSDP -> RSDT -> FADT -> DSDT, MADT and HPET with the
 * APICs and none without; the SMBIOS 2.8 entry point and structures
 * (DSP0134 §5.2.1, §6.1).
 */
#include <string.h>

#include <json-c/json.h>

#include "hw/i386/acpi-build.h"
#include "hw/i386/pc.h"
#include "hw/i386/smbios.h"
#include "system/cpus.h"
#include "pc-test-machine.h"

#define MEM_SIZE   (2 * 1024 * 1024)
#define FSEG       0xf0000
#define HIGH_BASE  0x100000
#define NAME_LEN   56

typedef struct Fixture {
    Machine *m;
    MachineConfig cfg;
} Fixture;

/* The fake guest memory and the loader's allocations. */
typedef struct Loaded {
    uint8_t *mem;
    uint32_t fseg_next;
    uint32_t high_next;
    unsigned nfiles;
    char name[8][NAME_LEN + 1];
    uint32_t addr[8];
    uint32_t size[8];
} Loaded;

static uint32_t get32(const uint8_t *p)
{
    return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t)p[3] << 24);
}

static uint16_t get16(const uint8_t *p)
{
    return p[0] | (p[1] << 8);
}

static uint8_t sum8(const uint8_t *p, unsigned len)
{
    uint8_t s = 0;

    while (len--) {
        s += *p++;
    }
    return s;
}

static void fixture_setup(Fixture *f, gconstpointer data)
{
    static char *dirs[] = { "/usr/share/seabios", NULL };

    machine_free(test_machine_new());   /* installs the fake clock */
    memset(f, 0, sizeof(*f));
    f->cfg.ram_size = 64 * 1024 * 1024;
    f->cfg.smp_cpus = 2;
    f->cfg.firmware_dirs = dirs;
    f->cfg.boot_reboot_timeout = -1;
    f->cfg.boot_splash_time = -1;
    f->cfg.vga = (char *)"none";
}

static void fixture_init(Fixture *f, const char *key, const char *val)
{
    f->m = machine_new(&pc_i440fx_class, &f->cfg);
    if (key) {
        json_object *o = json_object_new_object();

        json_object_object_add(o, key, json_object_new_string(val));
        g_assert_true(machine_set_props(f->m, o, &error_abort));
        json_object_put(o);
    }
    g_assert_true(machine_init(f->m, &error_abort));
    machine_reset(f->m);
}

static void fixture_teardown(Fixture *f, gconstpointer data)
{
    if (f->m) {
        cpus_destroy(f->m);
        machine_free(f->m);
    }
}

static void fw_cfg_read(Fixture *f, uint16_t key, void *buf, unsigned len)
{
    io_space_write(f->m->io, 0x510, key, 2);
    for (unsigned i = 0; i < len; i++) {
        ((uint8_t *)buf)[i] = io_space_read(f->m->io, 0x511, 1);
    }
}

/* A fw_cfg file's contents (NULL if absent), as firmware finds it in the
 * big-endian file directory (item 0x19). */
static uint8_t *fw_cfg_file(Fixture *f, const char *name, uint32_t *size)
{
    uint8_t cnt[4];
    uint32_t n;

    fw_cfg_read(f, 0x19, cnt, 4);
    n = GUINT32_FROM_BE(*(uint32_t *)cnt);
    for (uint32_t i = 0; i < n; i++) {
        uint8_t e[64];

        for (unsigned j = 0; j < 64; j++) {
            e[j] = io_space_read(f->m->io, 0x511, 1);
        }
        if (!strncmp((char *)e + 8, name, 56)) {
            uint8_t *data;

            *size = GUINT32_FROM_BE(*(uint32_t *)e);
            data = g_malloc(*size + 1);
            fw_cfg_read(f, GUINT16_FROM_BE(*(uint16_t *)(e + 4)), data,
                        *size);
            return data;
        }
    }
    return NULL;
}

static int loaded_find(Loaded *l, const uint8_t *name)
{
    for (unsigned i = 0; i < l->nfiles; i++) {
        if (!strncmp(l->name[i], (const char *)name, NAME_LEN)) {
            return i;
        }
    }
    return -1;
}

static void loader_allocate(Fixture *f, Loaded *l, const uint8_t *e)
{
    uint32_t align = get32(e + 4 + NAME_LEN);
    uint8_t zone = e[8 + NAME_LEN];
    uint32_t *next = zone == 2 ? &l->fseg_next : &l->high_next;
    g_autofree uint8_t *data = NULL;
    uint32_t size;
    unsigned i = l->nfiles++;

    g_assert_true(zone == 1 || zone == 2);
    g_assert_true(align && !(align & (align - 1)));
    g_assert_cmpuint(i, <, G_N_ELEMENTS(l->name));
    memcpy(l->name[i], e + 4, NAME_LEN);
    data = fw_cfg_file(f, l->name[i], &size);
    g_assert_nonnull(data);
    *next = (*next + align - 1) & ~(align - 1);
    g_assert_cmpuint(*next + size, <=, zone == 2 ? 0x100000 : MEM_SIZE);
    l->addr[i] = *next;
    l->size[i] = size;
    memcpy(l->mem + *next, data, size);
    *next += size;
}

static void loader_add_pointer(Loaded *l, const uint8_t *e)
{
    int dest = loaded_find(l, e + 4);
    int src = loaded_find(l, e + 4 + NAME_LEN);
    uint32_t off = get32(e + 4 + 2 * NAME_LEN);
    uint8_t *p;
    uint32_t v;

    g_assert_cmpint(dest, >=, 0);
    g_assert_cmpint(src, >=, 0);
    g_assert_cmpuint(e[8 + 2 * NAME_LEN], ==, 4);
    g_assert_cmpuint(off + 4, <=, l->size[dest]);
    p = l->mem + l->addr[dest] + off;
    v = get32(p) + l->addr[src];
    for (unsigned i = 0; i < 4; i++) {
        p[i] = v >> (8 * i);
    }
}

static void loader_add_checksum(Loaded *l, const uint8_t *e)
{
    int file = loaded_find(l, e + 4);
    uint32_t off = get32(e + 4 + NAME_LEN);
    uint32_t start = get32(e + 8 + NAME_LEN);
    uint32_t len = get32(e + 12 + NAME_LEN);
    uint8_t *base;

    g_assert_cmpint(file, >=, 0);
    g_assert_cmpuint(off, <, l->size[file]);
    g_assert_cmpuint(start + len, <=, l->size[file]);
    base = l->mem + l->addr[file];
    g_assert_cmpuint(base[off], ==, 0);     /* the host leaves it zero */
    base[off] -= sum8(base + start, len);
}

/* Run etc/table-loader as SeaBIOS does. */
static void run_loader(Fixture *f, Loaded *l)
{
    uint32_t size;
    g_autofree uint8_t *cmds = fw_cfg_file(f, "etc/table-loader", &size);

    memset(l, 0, sizeof(*l));
    l->mem = g_malloc0(MEM_SIZE);
    l->fseg_next = FSEG;
    l->high_next = HIGH_BASE;
    g_assert_nonnull(cmds);
    g_assert_cmpuint(size % 128, ==, 0);
    g_assert_cmpuint(size, >, 0);
    for (uint32_t o = 0; o < size; o += 128) {
        switch (get32(cmds + o)) {
        case 1:
            loader_allocate(f, l, cmds + o);
            break;
        case 2:
            loader_add_pointer(l, cmds + o);
            break;
        case 3:
            loader_add_checksum(l, cmds + o);
            break;
        default:
            g_assert_not_reached();
        }
    }
}

/* A valid system description table at @addr with signature @sig. */
static const uint8_t *acpi_table(Loaded *l, uint32_t addr, const char *sig)
{
    const uint8_t *t;

    g_assert_cmpuint(addr, >=, HIGH_BASE);
    g_assert_cmpuint(addr + 36, <=, MEM_SIZE);
    t = l->mem + addr;
    g_assert_cmpmem(t, 4, sig, 4);
    g_assert_cmpuint(get32(t + 4), >=, 36);
    g_assert_cmpuint(addr + get32(t + 4), <=, MEM_SIZE);
    g_assert_cmpuint(sum8(t, get32(t + 4)), ==, 0);
    g_assert_cmpmem(t + 10, 6, "PLIMSL", 6);
    return t;
}

static const uint8_t *find_rsdp(Loaded *l)
{
    for (uint32_t a = FSEG; a < 0x100000; a += 16) {
        if (!memcmp(l->mem + a, "RSD PTR ", 8)) {
            return l->mem + a;
        }
    }
    return NULL;
}

static void check_acpi(Fixture *f, bool apic)
{
    Loaded l;
    const uint8_t *rsdp, *rsdt, *fadt, *dsdt;
    bool seen_madt = false, seen_hpet = false;
    unsigned n;

    run_loader(f, &l);
    rsdp = find_rsdp(&l);
    g_assert_nonnull(rsdp);
    g_assert_cmpuint(sum8(rsdp, 20), ==, 0);
    g_assert_cmpmem(rsdp + 9, 6, "PLIMSL", 6);
    rsdt = acpi_table(&l, get32(rsdp + 16), "RSDT");
    n = (get32(rsdt + 4) - 36) / 4;
    g_assert_cmpuint(n, ==, apic ? 3 : 1);
    fadt = acpi_table(&l, get32(rsdt + 36), "FACP");
    dsdt = acpi_table(&l, get32(fadt + 40), "DSDT");
    g_assert_nonnull(memmem(dsdt, get32(dsdt + 4), "_S5_", 4));
    g_assert_nonnull(memmem(dsdt, get32(dsdt + 4), "_PRT", 4));
    g_assert_cmpuint(get16(fadt + 46), ==, 9);     /* SCI_INT */
    for (unsigned i = 1; i < n; i++) {
        const uint8_t *t = l.mem + get32(rsdt + 36 + 4 * i);

        if (!memcmp(t, "APIC", 4)) {
            t = acpi_table(&l, get32(rsdt + 36 + 4 * i), "APIC");
            /* Two processor local APIC entries first: -smp 2. */
            g_assert_cmpuint(t[44], ==, 0);
            g_assert_cmpuint(t[52], ==, 0);
            g_assert_cmpuint(t[55], ==, 1);
            seen_madt = true;
        } else {
            acpi_table(&l, get32(rsdt + 36 + 4 * i), "HPET");
            seen_hpet = true;
        }
    }
    g_assert_true(seen_madt == apic);
    g_assert_true(seen_hpet == apic);
    g_free(l.mem);
}

static void test_acpi_apic(Fixture *f, gconstpointer data)
{
    fixture_init(f, NULL, NULL);
    check_acpi(f, true);
}

static void test_acpi_no_apic(Fixture *f, gconstpointer data)
{
    fixture_init(f, "apic", "off");
    check_acpi(f, false);
}

static void test_acpi_off(Fixture *f, gconstpointer data)
{
    uint32_t size;

    fixture_init(f, "acpi", "off");
    g_assert_null(fw_cfg_file(f, "etc/table-loader", &size));
    g_assert_null(fw_cfg_file(f, "etc/acpi/tables", &size));
}

/* Same bytes as table @b, apart from the checksum and [@skip, @skip + 4). */
static void same_table(const uint8_t *a, const uint8_t *b, unsigned skip)
{
    uint32_t len = get32(a + 4);

    g_assert_cmpuint(get32(b + 4), ==, len);
    for (uint32_t i = 0; i < len; i++) {
        if (i != 9 && (i < skip || i >= skip + 4)) {
            g_assert_cmphex(a[i], ==, b[i]);
        }
    }
}

/* The direct boot's tables (acpi_build_tables() at 0xf0000) hold what the
 * table loader assembles, but for the addresses. */
static void test_acpi_same_as_direct(Fixture *f, gconstpointer data)
{
    g_autofree uint8_t *ram = g_malloc0(0x100000);
    const uint8_t *rsdt, *drsdt;
    uint64_t rsdp;
    Loaded l;

    fixture_init(f, NULL, NULL);
    run_loader(f, &l);
    rsdp = acpi_build_tables(pc_from_machine(f->m), ram);
    g_assert_cmphex(rsdp, >=, FSEG);
    g_assert_cmpuint(sum8(ram + rsdp, 20), ==, 0);
    drsdt = ram + get32(ram + rsdp + 16);
    rsdt = l.mem + get32(find_rsdp(&l) + 16);
    g_assert_cmpuint(get32(drsdt + 4), ==, get32(rsdt + 4));
    g_assert_cmpuint(sum8(drsdt, get32(drsdt + 4)), ==, 0);
    for (unsigned i = 0; i < (get32(rsdt + 4) - 36) / 4; i++) {
        const uint8_t *a = l.mem + get32(rsdt + 36 + 4 * i);
        const uint8_t *b = ram + get32(drsdt + 36 + 4 * i);

        g_assert_cmpuint(sum8(b, get32(b + 4)), ==, 0);
        same_table(a, b, !memcmp(a, "FACP", 4) ? 40 : 0x10000);
        if (!memcmp(a, "FACP", 4)) {
            same_table(l.mem + get32(a + 40), ram + get32(b + 40), 0x10000);
        }
    }
    g_free(l.mem);
}

/* String @n (from 1) of the structure at @s. */
static const char *smbios_string(const uint8_t *s, unsigned n)
{
    const char *p = (const char *)s + s[1];

    g_assert_cmpuint(n, >, 0);
    while (--n) {
        g_assert_cmpuint(*p, !=, 0);
        p += strlen(p) + 1;
    }
    return p;
}

static void test_smbios(Fixture *f, gconstpointer data)
{
    uint32_t alen, tlen;
    g_autofree uint8_t *ep = NULL;
    g_autofree uint8_t *t = NULL;
    unsigned count = 0, cpus = 0, max = 0, types = 0;
    bool boot_info = false, end_seen = false;
    uint32_t o = 0;

    fixture_init(f, NULL, NULL);
    ep = fw_cfg_file(f, "etc/smbios/smbios-anchor", &alen);
    t = fw_cfg_file(f, "etc/smbios/smbios-tables", &tlen);
    g_assert_nonnull(ep);
    g_assert_nonnull(t);
    g_assert_cmpuint(alen, ==, SMBIOS_ANCHOR_LEN);
    g_assert_cmpmem(ep, 4, "_SM_", 4);
    g_assert_cmpuint(ep[5], ==, SMBIOS_ANCHOR_LEN);
    g_assert_cmpuint(ep[6], ==, 2);
    g_assert_cmpuint(ep[7], ==, 8);
    g_assert_cmpuint(sum8(ep, alen), ==, 0);
    g_assert_cmpmem(ep + 16, 5, "_DMI_", 5);
    g_assert_cmpuint(sum8(ep + 16, 15), ==, 0);
    g_assert_cmpuint(get16(ep + 22), ==, tlen);

    while (o < tlen) {
        const uint8_t *s = t + o;
        uint32_t end = o + s[1];

        g_assert_cmpuint(end + 2, <=, tlen);
        while (t[end] || t[end + 1]) {
            end++;
            g_assert_cmpuint(end + 1, <, tlen);
        }
        end += 2;
        max = MAX(max, end - o);
        count++;
        types |= s[0] < 32 ? 1u << s[0] : 0;
        if (s[0] == 1) {
            g_assert_cmpstr(smbios_string(s, s[4]), ==, "Plimsoll");
            g_assert_cmpstr(smbios_string(s, s[5]), ==,
                            "Standard PC (i440FX + PIIX, 1996)");
            g_assert_cmpstr(smbios_string(s, s[6]), ==, "pc-i440fx-7.2");
        } else if (s[0] == 0) {
            g_assert_cmpstr(smbios_string(s, s[4]), ==, "Plimsoll");
        } else if (s[0] == 4) {
            cpus++;
        } else if (s[0] == 17) {
            g_assert_cmpuint(get16(s + 12), ==, 64);   /* MiB */
        } else if (s[0] == 19) {
            g_assert_cmpuint(get32(s + 8) + 1, ==, 64 * 1024);
        }
        o = end;
        boot_info |= s[0] == 32;
        if (s[0] == 127) {
            end_seen = true;
            break;
        }
    }
    g_assert_cmpuint(o, ==, tlen);
    g_assert_true(boot_info && end_seen);
    g_assert_cmpuint(count, ==, get16(ep + 28));
    g_assert_cmpuint(max, ==, get16(ep + 8));
    g_assert_cmpuint(cpus, ==, 2);
    g_assert_cmphex(types, ==, (1u << 0) | (1u << 1) | (1u << 3) | (1u << 4) |
                    (1u << 16) | (1u << 17) | (1u << 19));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) \
    g_test_add("/hw/pc/acpi-fw/" path, Fixture, NULL, fixture_setup, fn, \
               fixture_teardown)
    ADD("acpi-apic", test_acpi_apic);
    ADD("acpi-no-apic", test_acpi_no_apic);
    ADD("acpi-off", test_acpi_off);
    ADD("acpi-same-as-direct", test_acpi_same_as_direct);
    ADD("smbios", test_smbios);
    return g_test_run();
}
