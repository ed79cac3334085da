/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Direct Linux boot without firmware: -kernel bzImage [-initrd] [-append].
 *
 * Follows the Linux x86 boot protocol (Documentation/x86/boot.rst and
 * zero-page.rst; GUESTS-AND-FIRMWARE.md §6): the setup header is read from
 * the bzImage at 0x1f1, the protected-mode kernel is loaded at 1 MiB, a
 * zero page (struct boot_params) is built with the e820 map, the command
 * line and the initrd location, and the 32-bit entry stub
 * (hw/i386/linuxboot-stub.asm, assembled at build time) is mapped as the
 * reset-vector ROM.  The CPU then starts at the reset vector like any PC,
 * switches to flat protected mode and jumps to code32_start with ESI
 * pointing at the zero page: no BIOS runs, which makes this the fastest
 * way to boot a kernel.
 *
 * Layout in RAM: zero page at 0x10000, command line at 0x20000, kernel at
 * 0x100000, initrd at the top of RAM below 4 GiB and initrd_addr_max.
 * A file without the bzImage signature but with a Multiboot header goes
 * to hw/i386/multiboot.c instead.  Every system reset restores the images
 * in RAM (pc_boot_image_save()) and the CPU runs the stub again.
 * With firmware (-bios given too) the kernel goes to SeaBIOS instead, as
 * QEMU does it: fw_cfg setup/kernel/initrd/cmdline items and a boot option
 * ROM (hw/i386/linuxboot-rom.asm) named first in "bootorder"
 * (pc_linux_boot_firmware(), at the end of this file).
 * Hostile inputs: a file that is not a bzImage of protocol 2.06 or newer,
 * a kernel or initrd that does not fit in RAM, an over-long command line:
 * each is a clear start-up error.
 */
#include "hw/i386/pc.h"
#include "util/byteorder.h"

#include <string.h>

#include "hw/i386/acpi-build.h"

#define ZERO_PAGE_ADDR   0x10000
#define CMDLINE_ADDR     0x20000
#define KERNEL_ADDR      0x100000
#define STUB_ROM_BASE    0xffff0000ULL

/* Setup header offsets (boot.rst "The real-mode kernel header"). */
#define HDR_SETUP_SECTS  0x1f1
#define HDR_VID_MODE     0x1fa
#define HDR_JUMP         0x200
#define HDR_MAGIC        0x202
#define HDR_VERSION      0x206
#define HDR_LOADER_TYPE  0x210
#define HDR_LOADFLAGS    0x211
#define HDR_CODE32_START 0x214
#define HDR_RAMDISK_IMAGE 0x218
#define HDR_RAMDISK_SIZE 0x21c
#define HDR_CMD_LINE_PTR 0x228
#define HDR_INITRD_MAX   0x22c
#define HDR_CMDLINE_SIZE 0x238
#define HDR_INIT_SIZE    0x260
/* Zero page offsets outside the header. */
#define ZP_ACPI_RSDP     0x070
#define ZP_E820_ENTRIES  0x1e8
#define ZP_E820_TABLE    0x2d0
#define ZP_E820_MAX      128

#define LOADFLAGS_LOADED_HIGH 0x01

extern const unsigned char pc_linuxboot_stub[];
extern const unsigned pc_linuxboot_stub_size;

static bool load(const char *what, const char *path, uint8_t **data,
                 gsize *len, Error **errp)
{
    GError *gerr = NULL;

    if (!g_file_get_contents(path, (char **)data, len, &gerr)) {
        error_setg(errp, "%s: could not load '%s': %s", what, path,
                   gerr->message);
        g_error_free(gerr);
        return false;
    }
    return true;
}

/* The e820 map as the kernel sees it: low RAM, the BIOS areas reserved,
 * RAM from 1 MiB, RAM above 4 GiB. */
static unsigned linux_e820(PCMachineState *pcms, uint8_t *zp)
{
    struct { uint64_t a, l; uint32_t t; } e[] = {
        { 0, 0x9fc00, 1 },
        { 0x9fc00, 0x400, 2 },
        { 0xf0000, 0x10000, 2 },
        { 0x100000, pcms->below_4g - 0x100000, 1 },
        { 0x100000000ULL, pcms->above_4g, 1 },
        { STUB_ROM_BASE, 0x10000, 2 },
    };
    unsigned n = 0;

    for (unsigned i = 0; i < G_N_ELEMENTS(e); i++) {
        uint8_t *p = zp + ZP_E820_TABLE + 20 * n;
        uint64_t a = GUINT64_TO_LE(e[i].a);
        uint64_t l = GUINT64_TO_LE(e[i].l);

        if (!e[i].l) {
            continue;
        }
        memcpy(p, &a, 8);
        memcpy(p + 8, &l, 8);
        st_le32(p + 16, e[i].t);
        n++;
    }
    zp[ZP_E820_ENTRIES] = n;
    return n;
}

static bool linux_check_header(const uint8_t *k, gsize klen, Error **errp)
{
    if (klen < 0x1000 || memcmp(k + HDR_MAGIC, "HdrS", 4) != 0) {
        error_setg(errp, "-kernel: not a Linux bzImage (no 'HdrS' signature)");
        return false;
    }
    if ((k[HDR_VERSION] | (k[HDR_VERSION + 1] << 8)) < 0x0206) {
        error_setg(errp, "-kernel: boot protocol %d.%02d is older than 2.06",
                   k[HDR_VERSION + 1], k[HDR_VERSION]);
        return false;
    }
    if (!(k[HDR_LOADFLAGS] & LOADFLAGS_LOADED_HIGH)) {
        error_setg(errp, "-kernel: zImage kernels (not loaded high) are not "
                   "supported");
        return false;
    }
    return true;
}

/* Place the initrd below the top of RAM less @reserve; returns its
 * address or 0 with *errp set. */
static uint32_t linux_place_initrd(PCMachineState *pcms, const uint8_t *k,
                                   uint64_t kernel_end, gsize len,
                                   uint64_t reserve, Error **errp)
{
    uint64_t max = ld_le32(k + HDR_INITRD_MAX);
    uint64_t top = MIN(pcms->below_4g - reserve, max + 1);
    uint64_t addr;

    if (len > top) {
        error_setg(errp, "-initrd: %zu bytes do not fit below 0x%" PRIx64,
                   (size_t)len, top);
        return 0;
    }
    addr = (top - len) & ~0xfffULL;
    if (addr < kernel_end) {
        error_setg(errp, "-initrd: not enough RAM for the kernel and the "
                   "initrd (use a larger -m)");
        return 0;
    }
    return addr;
}

bool pc_linux_boot(PCMachineState *pcms, Error **errp)
{
    Machine *m = &pcms->parent;
    const MachineConfig *cfg = m->cfg;
    g_autofree uint8_t *k = NULL;
    g_autofree uint8_t *initrd = NULL;
    gsize klen;
    gsize ilen = 0;
    uint8_t *ram = memory_region_get_ram_ptr(&pcms->ram);
    uint8_t *zp = ram + ZERO_PAGE_ADDR;
    const char *cmdline = cfg->append ? cfg->append : "";
    unsigned setup_sects;
    gsize setup_size;
    uint64_t init_size;
    uint64_t kernel_end;
    uint32_t initrd_addr = 0;
    uint8_t *stub;
    uint64_t rsdp;

    if (!load("-kernel", cfg->kernel, &k, &klen, errp)) {
        return false;
    }
    if ((klen < HDR_MAGIC + 4 || memcmp(k + HDR_MAGIC, "HdrS", 4) != 0) &&
        pc_multiboot_probe(k, klen) >= 0) {
        return pc_multiboot_boot(pcms, k, klen, errp);
    }
    if (!linux_check_header(k, klen, errp)) {
        return false;
    }
    setup_sects = k[HDR_SETUP_SECTS] ? k[HDR_SETUP_SECTS] : 4;
    setup_size = (setup_sects + 1) * 512;
    if (setup_size >= klen) {
        error_setg(errp, "-kernel: setup size %zu exceeds the file",
                   (size_t)setup_size);
        return false;
    }
    init_size = MAX((uint64_t)ld_le32(k + HDR_INIT_SIZE), klen - setup_size);
    kernel_end = KERNEL_ADDR + init_size;
    if (kernel_end > pcms->below_4g) {
        error_setg(errp, "-kernel: the kernel needs %" PRIu64 " MiB of RAM "
                   "from 1 MiB; use a larger -m", init_size >> 20);
        return false;
    }
    if (strlen(cmdline) + 1 > MAX(ld_le32(k + HDR_CMDLINE_SIZE), 256u)) {
        error_setg(errp, "-append: command line longer than the kernel's "
                   "limit of %u bytes", ld_le32(k + HDR_CMDLINE_SIZE));
        return false;
    }
    if (cfg->initrd) {
        if (!load("-initrd", cfg->initrd, &initrd, &ilen, errp)) {
            return false;
        }
        initrd_addr = linux_place_initrd(pcms, k, kernel_end, ilen, 0, errp);
        if (!initrd_addr) {
            return false;
        }
        memcpy(ram + initrd_addr, initrd, ilen);
    }
    memcpy(ram + KERNEL_ADDR, k + setup_size, klen - setup_size);
    memset(zp, 0, 4096);
    memcpy(zp + HDR_SETUP_SECTS, k + HDR_SETUP_SECTS,
           HDR_JUMP + 2 + k[HDR_JUMP + 1] - HDR_SETUP_SECTS);
    zp[HDR_LOADER_TYPE] = 0xff;
    zp[HDR_VID_MODE] = 0xff;
    zp[HDR_VID_MODE + 1] = 0xff;
    st_le32(zp + HDR_CMD_LINE_PTR, CMDLINE_ADDR);
    st_le32(zp + HDR_RAMDISK_IMAGE, initrd_addr);
    st_le32(zp + HDR_RAMDISK_SIZE, ilen);
    strcpy((char *)ram + CMDLINE_ADDR, cmdline);
    linux_e820(pcms, zp);
    rsdp = pcms->acpi ? acpi_build_tables(pcms, ram) : 0;
    if (rsdp) {
        uint64_t le = GUINT64_TO_LE(rsdp);
        memcpy(zp + ZP_ACPI_RSDP, &le, 8);
    }
    pirq_build_table(pcms, ram);
    /* What a reset must put back: the guest reuses all of it. */
    pc_boot_image_save(pcms, KERNEL_ADDR, klen - setup_size);
    pc_boot_image_save(pcms, initrd_addr, ilen);
    pc_boot_image_save(pcms, ZERO_PAGE_ADDR, 4096);
    pc_boot_image_save(pcms, CMDLINE_ADDR, strlen(cmdline) + 1);
    pc_boot_image_save(pcms, 0xf0000, 0x10000);

    if (!memory_region_init_rom(&pcms->bios, "linuxboot", 0x10000, errp)) {
        return false;
    }
    stub = memory_region_get_ram_ptr(&pcms->bios);
    g_assert(pc_linuxboot_stub_size == 0x10000);
    memcpy(stub, pc_linuxboot_stub, 0x10000);
    st_le32(stub + 0, ld_le32(k + HDR_CODE32_START));
    st_le32(stub + 4, ZERO_PAGE_ADDR);
    memory_map_add(m->mem, &pcms->bios, STUB_ROM_BASE, 0);
    return true;
}

/* ---- -kernel with firmware: fw_cfg items and the boot option ROM ---- */

#define FW_SETUP_ADDR    0x10000
#define FW_CMDLINE_ADDR  0x20000
/* SeaBIOS keeps its tables in the top 256 KiB of RAM below 4 GiB. */
#define FW_HIGH_RESERVE  0x100000
#define HDR_HEAP_END     0x224
#define LOADFLAGS_CAN_USE_HEAP 0x80

extern const unsigned char pc_linuxboot_rom[];
extern const unsigned pc_linuxboot_rom_size;

/* The option ROM image with its PnP header and whole-ROM checksums set
 * (BIOS Boot Specification appendix A). */
static uint8_t *linux_boot_rom(void)
{
    uint8_t *rom = g_memdup2(pc_linuxboot_rom, pc_linuxboot_rom_size);
    unsigned pnp = rom[0x1a] | (rom[0x1b] << 8);
    uint8_t sum = 0;

    g_assert(pnp + 32 <= pc_linuxboot_rom_size &&
             !memcmp(rom + pnp, "$PnP", 4));
    rom[pnp + 9] = 0;
    for (unsigned i = 0; i < 32; i++) {
        sum += rom[pnp + i];
    }
    rom[pnp + 9] = -sum;
    rom[pc_linuxboot_rom_size - 1] = 0;
    sum = 0;
    for (unsigned i = 0; i < pc_linuxboot_rom_size; i++) {
        sum += rom[i];
    }
    rom[pc_linuxboot_rom_size - 1] = -sum;
    return rom;
}

/* The setup sectors as a 16-bit boot loader hands them over (boot.rst
 * "Loading the rest of the kernel", "Sample boot configuration"). */
static void linux_fw_patch_setup(uint8_t *setup, uint32_t initrd_addr,
                                 uint32_t initrd_len)
{
    setup[HDR_LOADER_TYPE] = 0xff;
    setup[HDR_LOADFLAGS] |= LOADFLAGS_CAN_USE_HEAP;
    setup[HDR_VID_MODE] = 0xff;
    setup[HDR_VID_MODE + 1] = 0xff;
    /* Heap up to 512 bytes below the command line, stack above it. */
    setup[HDR_HEAP_END] = (FW_CMDLINE_ADDR - FW_SETUP_ADDR - 0x200) & 0xff;
    setup[HDR_HEAP_END + 1] = (FW_CMDLINE_ADDR - FW_SETUP_ADDR - 0x200) >> 8;
    st_le32(setup + HDR_CMD_LINE_PTR, FW_CMDLINE_ADDR);
    st_le32(setup + HDR_RAMDISK_IMAGE, initrd_addr);
    st_le32(setup + HDR_RAMDISK_SIZE, initrd_len);
}

bool pc_linux_boot_firmware(PCMachineState *pcms, Error **errp)
{
    const MachineConfig *cfg = pcms->parent.cfg;
    FWCfgState *f = pcms->fw_cfg;
    const char *cmdline = cfg->append ? cfg->append : "";
    g_autofree uint8_t *k = NULL;
    g_autofree uint8_t *initrd = NULL;
    g_autofree uint8_t *rom = NULL;
    gsize klen, ilen = 0;
    size_t setup_size;
    uint32_t initrd_addr = 0;

    if (!load("-kernel", cfg->kernel, &k, &klen, errp)) {
        return false;
    }
    if ((klen < HDR_MAGIC + 4 || memcmp(k + HDR_MAGIC, "HdrS", 4) != 0) &&
        pc_multiboot_probe(k, klen) >= 0) {
        error_setg(errp, "-kernel: Multiboot kernels boot without firmware; "
                   "omit -bios");
        return false;
    }
    if (!linux_check_header(k, klen, errp)) {
        return false;
    }
    setup_size = ((k[HDR_SETUP_SECTS] ? k[HDR_SETUP_SECTS] : 4) + 1) * 512;
    if (setup_size >= klen || setup_size > 0x8000 ||
        strlen(cmdline) + 1 > MAX(ld_le32(k + HDR_CMDLINE_SIZE), 256u)) {
        error_setg(errp, "-kernel: setup code or command line too large "
                   "for the 16-bit boot protocol");
        return false;
    }
    if (cfg->initrd) {
        uint64_t init_end = KERNEL_ADDR + MAX((uint64_t)ld_le32(k + HDR_INIT_SIZE),
                                              klen - setup_size);

        if (!load("-initrd", cfg->initrd, &initrd, &ilen, errp)) {
            return false;
        }
        initrd_addr = linux_place_initrd(pcms, k, init_end, ilen,
                                         FW_HIGH_RESERVE, errp);
        if (!initrd_addr) {
            return false;
        }
    }
    linux_fw_patch_setup(k, initrd_addr, ilen);
    fw_cfg_add_i32(f, FW_CFG_SETUP_ADDR, FW_SETUP_ADDR);
    fw_cfg_add_i32(f, FW_CFG_SETUP_SIZE, setup_size);
    fw_cfg_add_bytes(f, FW_CFG_SETUP_DATA, k, setup_size);
    fw_cfg_add_i32(f, FW_CFG_KERNEL_ADDR, KERNEL_ADDR);
    fw_cfg_add_i32(f, FW_CFG_KERNEL_SIZE, klen - setup_size);
    fw_cfg_add_bytes(f, FW_CFG_KERNEL_DATA, k + setup_size,
                     klen - setup_size);
    fw_cfg_add_i32(f, FW_CFG_INITRD_ADDR, initrd_addr);
    fw_cfg_add_i32(f, FW_CFG_INITRD_SIZE, ilen);
    fw_cfg_add_bytes(f, FW_CFG_INITRD_DATA, initrd, ilen);
    fw_cfg_add_i32(f, FW_CFG_CMDLINE_ADDR, FW_CMDLINE_ADDR);
    fw_cfg_add_i32(f, FW_CFG_CMDLINE_SIZE, strlen(cmdline) + 1);
    fw_cfg_add_string(f, FW_CFG_CMDLINE_DATA, cmdline);
    rom = linux_boot_rom();
    fw_cfg_add_file(f, "genroms/linuxboot.bin", rom, pc_linuxboot_rom_size);
    pcms->linuxboot_rom = true;     /* named first in bootorder (pc.c) */
    return true;
}
