/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the PC's -kernel loaders without running the CPU: the
 * fw_cfg items and option ROM that -kernel with -bios hands to SeaBIOS
 * (hw/i386/linux-boot.c), the direct boot's images coming back at every
 * reset, and Multiboot headers that must be refused with an error
 * (hw/i386/multiboot.c).  Kernels are synthetic files written here.
 */
#include <string.h>

#include <glib/gstdio.h>

#include "hw/i386/pc.h"
#include "system/cpus.h"
#include "pc-test-machine.h"

#define KSETUP_SECTS 4
#define KSETUP_SIZE ((KSETUP_SECTS + 1) * 512)
#define KPAYLOAD 8192

typedef struct Fixture {
    Machine *m;
    MachineConfig cfg;
    char *dir;
    char *kernel;
    char *initrd;
} Fixture;

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = v;
    p[1] = v >> 8;
    p[2] = v >> 16;
    p[3] = v >> 24;
}

static uint32_t get32(const uint8_t *p)
{
    return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t)p[3] << 24);
}

static char *write_file(Fixture *f, const char *name, const void *data,
                        size_t len)
{
    char *path = g_build_filename(f->dir, name, NULL);

    g_assert_true(g_file_set_contents(path, data, len, NULL));
    return path;
}

/* A bzImage-shaped file: boot protocol 2.15, loaded high, 8 KiB payload
 * of a known pattern. */
static void write_bzimage(Fixture *f)
{
    g_autofree uint8_t *k = g_malloc0(KSETUP_SIZE + KPAYLOAD);

    k[0x1f1] = KSETUP_SECTS;
    k[0x201] = 0x6a;                    /* header length after 0x202 */
    memcpy(k + 0x202, "HdrS", 4);
    k[0x206] = 0x0f;
    k[0x207] = 0x02;
    k[0x211] = 0x01;                    /* LOADED_HIGH */
    put32(k + 0x214, 0x100000);
    put32(k + 0x22c, 0x7fffffff);       /* initrd_addr_max */
    put32(k + 0x238, 2047);             /* cmdline_size */
    put32(k + 0x260, 0x400000);         /* init_size */
    for (unsigned i = 0; i < KPAYLOAD; i++) {
        k[KSETUP_SIZE + i] = i * 7 + 3;
    }
    f->kernel = write_file(f, "bzImage", k, KSETUP_SIZE + KPAYLOAD);
    f->initrd = write_file(f, "initrd", "INITRD-DATA", 11);
}

static void fixture_setup(Fixture *f, gconstpointer data)
{
    static char *dirs[] = { "/usr/share/seabios", NULL };

    machine_free(test_machine_new());   /* installs the fake clock */
    memset(f, 0, sizeof(*f));
    f->dir = g_dir_make_tmp("pc-boot-XXXXXX", NULL);
    g_assert_nonnull(f->dir);
    f->cfg.ram_size = 64 * 1024 * 1024;
    f->cfg.smp_cpus = 1;
    f->cfg.firmware_dirs = dirs;
    f->cfg.boot_reboot_timeout = -1;
    f->cfg.boot_splash_time = -1;
    f->cfg.vga = (char *)"none";
    write_bzimage(f);
}

/* Build the machine; returns whether init succeeded (error text in *msg). */
static bool fixture_init(Fixture *f, char **msg)
{
    Error *err = NULL;

    f->m = machine_new(&pc_i440fx_class, &f->cfg);
    if (!machine_init(f->m, &err)) {
        if (msg) {
            *msg = g_strdup(error_get_pretty(err));
        } else {
            g_test_message("%s", error_get_pretty(err));
        }
        error_free(err);
        return false;
    }
    machine_reset(f->m);
    return true;
}

static void fixture_teardown(Fixture *f, gconstpointer data)
{
    if (f->m) {
        cpus_destroy(f->m);
        machine_free(f->m);
    }
    g_autoptr(GDir) d = g_dir_open(f->dir, 0, NULL);
    const char *n;

    while (d && (n = g_dir_read_name(d))) {
        g_autofree char *p = g_build_filename(f->dir, n, NULL);
        g_unlink(p);
    }
    g_rmdir(f->dir);
    g_free(f->dir);
    g_free(f->kernel);
    g_free(f->initrd);
}

static void fw_cfg_read(Fixture *f, uint16_t key, void *buf, unsigned len)
{
    io_space_write(f->m->io, 0x510, key, 2);
    for (unsigned i = 0; i < len; i++) {
        ((uint8_t *)buf)[i] = io_space_read(f->m->io, 0x511, 1);
    }
}

static uint32_t fw_cfg_u32(Fixture *f, uint16_t key)
{
    uint8_t b[4];

    fw_cfg_read(f, key, b, 4);
    return get32(b);
}

/* The contents of file @name (g_free), its size in *@size. */
static uint8_t *fw_cfg_file(Fixture *f, const char *name, uint32_t *size)
{
    uint8_t cnt[4];
    uint32_t count;

    fw_cfg_read(f, 0x19, cnt, 4);
    count = GUINT32_FROM_BE(*(uint32_t *)cnt);
    for (uint32_t i = 0; i < count; i++) {
        uint8_t e[64];

        for (unsigned j = 0; j < 64; j++) {
            e[j] = io_space_read(f->m->io, 0x511, 1);
        }
        if (!strcmp((char *)e + 8, name)) {
            uint8_t *data;

            *size = GUINT32_FROM_BE(*(uint32_t *)e);
            data = g_malloc(*size + 1);
            fw_cfg_read(f, GUINT16_FROM_BE(*(uint16_t *)(e + 4)), data,
                        *size);
            data[*size] = 0;
            return data;
        }
    }
    return NULL;
}

static uint8_t sum8(const uint8_t *p, unsigned len)
{
    uint8_t s = 0;

    while (len--) {
        s += *p++;
    }
    return s;
}

static void test_firmware_fw_cfg(Fixture *f, gconstpointer data)
{
    g_autofree uint8_t *setup = g_malloc(KSETUP_SIZE);
    g_autofree uint8_t *payload = g_malloc(KPAYLOAD);
    g_autofree uint8_t *rom = NULL;
    g_autofree uint8_t *order = NULL;
    char cmd[32] = { 0 };
    uint32_t size, initrd;
    unsigned pnp;

    f->cfg.kernel = f->kernel;
    f->cfg.initrd = f->initrd;
    f->cfg.append = (char *)"console=ttyS0";
    f->cfg.bios = (char *)"bios-256k.bin";
    g_assert_true(fixture_init(f, NULL));

    g_assert_cmphex(fw_cfg_u32(f, FW_CFG_SETUP_ADDR), ==, 0x10000);
    g_assert_cmpuint(fw_cfg_u32(f, FW_CFG_SETUP_SIZE), ==, KSETUP_SIZE);
    fw_cfg_read(f, FW_CFG_SETUP_DATA, setup, KSETUP_SIZE);
    g_assert_cmpmem(setup + 0x202, 4, "HdrS", 4);
    g_assert_cmphex(setup[0x210], ==, 0xff);            /* loader type */
    g_assert_cmphex(setup[0x211], ==, 0x81);            /* CAN_USE_HEAP */
    g_assert_cmphex(setup[0x224] | (setup[0x225] << 8), ==, 0xfe00);
    g_assert_cmphex(get32(setup + 0x228), ==, 0x20000);

    g_assert_cmphex(fw_cfg_u32(f, FW_CFG_KERNEL_ADDR), ==, 0x100000);
    g_assert_cmpuint(fw_cfg_u32(f, FW_CFG_KERNEL_SIZE), ==, KPAYLOAD);
    fw_cfg_read(f, FW_CFG_KERNEL_DATA, payload, KPAYLOAD);
    for (unsigned i = 0; i < KPAYLOAD; i++) {
        g_assert_cmpuint(payload[i], ==, (uint8_t)(i * 7 + 3));
    }

    initrd = fw_cfg_u32(f, FW_CFG_INITRD_ADDR);
    g_assert_cmphex(initrd & 0xfff, ==, 0);
    g_assert_cmphex(initrd, <, 63 * 1024 * 1024);       /* SeaBIOS' top */
    g_assert_cmphex(initrd, ==, get32(setup + 0x218));
    g_assert_cmpuint(fw_cfg_u32(f, FW_CFG_INITRD_SIZE), ==, 11);
    g_assert_cmpuint(get32(setup + 0x21c), ==, 11);
    g_assert_cmphex(fw_cfg_u32(f, FW_CFG_CMDLINE_ADDR), ==, 0x20000);
    g_assert_cmpuint(fw_cfg_u32(f, FW_CFG_CMDLINE_SIZE), ==, 14);
    fw_cfg_read(f, FW_CFG_CMDLINE_DATA, cmd, 14);
    g_assert_cmpstr(cmd, ==, "console=ttyS0");

    /* The option ROM: signature, both checksums, a BEV; first to boot. */
    rom = fw_cfg_file(f, "genroms/linuxboot.bin", &size);
    g_assert_nonnull(rom);
    g_assert_cmpuint(size % 512, ==, 0);
    g_assert_cmphex(rom[0] | (rom[1] << 8), ==, 0xaa55);
    g_assert_cmpuint(rom[2] * 512, ==, size);
    g_assert_cmpuint(sum8(rom, size), ==, 0);
    pnp = rom[0x1a] | (rom[0x1b] << 8);
    g_assert_cmpmem(rom + pnp, 4, "$PnP", 4);
    g_assert_cmpuint(sum8(rom + pnp, 32), ==, 0);
    g_assert_cmpuint(rom[pnp + 0x1a] | (rom[pnp + 0x1b] << 8), !=, 0);
    order = fw_cfg_file(f, "bootorder", &size);
    g_assert_true(g_str_has_prefix((char *)order,
                                   "/rom@genroms/linuxboot.bin\n"));
}

static void test_direct_reset_restores(Fixture *f, gconstpointer data)
{
    PCMachineState *pcms;
    uint8_t *ram;
    uint8_t zp[4096];

    f->cfg.kernel = f->kernel;
    f->cfg.initrd = f->initrd;
    g_assert_true(fixture_init(f, NULL));
    pcms = pc_from_machine(f->m);
    ram = memory_region_get_ram_ptr(&pcms->ram);
    g_assert_cmpuint(ram[0x100000 + 5], ==, (uint8_t)(5 * 7 + 3));
    memcpy(zp, ram + 0x10000, sizeof(zp));
    g_assert_cmpmem(zp + 0x202, 4, "HdrS", 4);
    /* The guest decompresses over its image and reuses its zero page. */
    memset(ram + 0x100000, 0xee, KPAYLOAD);
    memset(ram + 0x10000, 0xee, sizeof(zp));
    machine_reset(f->m);
    for (unsigned i = 0; i < KPAYLOAD; i++) {
        g_assert_cmpuint(ram[0x100000 + i], ==, (uint8_t)(i * 7 + 3));
    }
    g_assert_cmpmem(ram + 0x10000, sizeof(zp), zp, sizeof(zp));
}

/* A minimal a.out-kludge Multiboot image loaded at 1 MiB. */
static size_t mb_image(uint8_t *k, uint32_t flags)
{
    memset(k, 0x90, 4096);
    put32(k + 0, 0x1badb002);
    put32(k + 4, flags);
    put32(k + 8, -(0x1badb002 + flags));
    put32(k + 12, 0x100000);            /* header_addr */
    put32(k + 16, 0x100000);            /* load_addr */
    put32(k + 20, 0x101000);            /* load_end_addr */
    put32(k + 24, 0x102000);            /* bss_end_addr */
    put32(k + 28, 0x100020);            /* entry_addr */
    return 4096;
}

static void test_multiboot_probe(Fixture *f, gconstpointer data)
{
    uint8_t k[12288] = { 0 };

    mb_image(k, 0x10000);
    g_assert_cmpint(pc_multiboot_probe(k, sizeof(k)), ==, 0);
    g_assert_cmpint(pc_multiboot_probe(k, 8), ==, -1);       /* truncated */
    k[8] ^= 1;                                                /* checksum */
    g_assert_cmpint(pc_multiboot_probe(k, sizeof(k)), ==, -1);
    memset(k, 0, sizeof(k));
    mb_image(k + 8192, 0x10000);                              /* too far */
    g_assert_cmpint(pc_multiboot_probe(k, sizeof(k)), ==, -1);
    memset(k, 0, sizeof(k));
    mb_image(k + 4094, 0x10000);                              /* unaligned */
    g_assert_cmpint(pc_multiboot_probe(k, sizeof(k)), ==, -1);
}

/* Each case: a header field set to a value the loader must refuse. */
static const struct {
    const char *name;
    uint32_t flags;
    unsigned off;
    uint32_t val;
    const char *error;
} mb_bad[] = {
    { "unknown-requirement", 0x10008, 0, 0, "requires features 0x8" },
    { "load-above-ram", 0x10000, 16, 0xf0000000, "header_addr" },
    { "header-below-load", 0x10000, 12, 0xfffff, "header_addr" },
    { "load-end-before-load", 0x10000, 20, 0x100000, "load_end_addr" },
    { "bss-below-image", 0x10000, 24, 0x100800, "bss_end_addr" },
    { "bss-beyond-ram", 0x10000, 24, 0xfff00000, "does not fit" },
    { "over-info-area", 0x10000, 0, 0, "boot information" },
    { "elf-not-elf", 0x00000, 0, 0, "not a little-endian ELF" },
};

static void test_multiboot_hostile(Fixture *f, gconstpointer data)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(mb_bad); i++) {
        uint8_t k[4096];
        size_t len = mb_image(k, mb_bad[i].flags);
        g_autofree char *path = NULL;
        g_autofree char *msg = NULL;

        if (mb_bad[i].off) {
            put32(k + mb_bad[i].off, mb_bad[i].val);
        }
        if (!strcmp(mb_bad[i].name, "over-info-area")) {
            put32(k + 12, 0x8000);
            put32(k + 16, 0x8000);
            put32(k + 20, 0x9000);
            put32(k + 24, 0xa000);
        }
        path = write_file(f, mb_bad[i].name, k, len);
        f->cfg.kernel = path;
        g_test_message("%s", mb_bad[i].name);
        g_assert_false(fixture_init(f, &msg));
        g_assert_nonnull(strstr(msg, mb_bad[i].error));
        machine_free(f->m);
        f->m = NULL;
    }
}

static void test_multiboot_missing_module(Fixture *f, gconstpointer data)
{
    uint8_t k[4096];
    g_autofree char *msg = NULL;

    f->cfg.kernel = write_file(f, "mb", k, mb_image(k, 0x10000));
    f->cfg.initrd = (char *)"/nonexistent/module arg";
    g_assert_false(fixture_init(f, &msg));
    g_assert_nonnull(strstr(msg, "/nonexistent/module"));
    machine_free(f->m);
    f->m = NULL;
    g_free(f->cfg.kernel);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (!g_file_test("/usr/share/seabios/bios-256k.bin", G_FILE_TEST_EXISTS)) {
        g_test_skip("SeaBIOS (Debian package seabios) is not installed");
    }
#define ADD(path, fn) \
    g_test_add("/hw/pc/boot/" path, Fixture, NULL, fixture_setup, fn, \
               fixture_teardown)
    ADD("firmware-fw-cfg", test_firmware_fw_cfg);
    ADD("direct-reset-restores", test_direct_reset_restores);
    ADD("multiboot-probe", test_multiboot_probe);
    ADD("multiboot-hostile", test_multiboot_hostile);
    ADD("multiboot-missing-module", test_multiboot_missing_module);
    return g_test_run();
}
