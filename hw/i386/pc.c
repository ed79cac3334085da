/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The i440FX/PIIX PC, "-machine pc" (alias of pc-i440fx-7.2), built to
 * look to SeaBIOS and Linux as QEMU's does (GUESTS-AND-FIRMWARE.md §5):
 *
 *   RAM       0 .. min(ram, 3.5 GiB), the rest from 4 GiB; 0xa0000-0xfffff
 *             is not RAM until PAM shadows it
 *   BIOS      bios-256k.bin (or -bios) at the top of 4 GiB, its last
 *             128 KiB aliased at 0xe0000
 *   00:00.0   i440FX host bridge (PAM, PCI config ports 0xcf8/0xcfc)
 *   00:01.0   PIIX3 ISA bridge (PIRQ routing)   00:01.3 PIIX4 PM (ACPI)
 *   ISA       i8259 pair, i8254 PIT, MC146818 RTC, port 0x92, port 0x61,
 *             COM1-COM4 16550A from -serial, fw_cfg at 0x510
 *
 * CMOS bytes and fw_cfg items are filled as QEMU fills them so that
 * SeaBIOS finds RAM size, CPU count, boot order and the e820 map.
 * With -kernel and no -bios, the kernel is booted directly by
 * hw/i386/linux-boot.c without any firmware; with -bios too, SeaBIOS boots
 * it through fw_cfg and Plimsoll's linuxboot option ROM.
 */
#include "hw/i386/pc.h"

#include <string.h>

#include "hw/i386/acpi-build.h"
#include "hw/i386/smbios.h"
#include "hw/i386/pc-drives.h"

#include "hw/char/uart-16550.h"
#include "hw/display/vga-pci.h"
#include "hw/core/ioport.h"
#include "system/cpus.h"
#include "util/chardev.h"
#include "util/log.h"

#define PC_DEFAULT_BIOS "bios-256k.bin"

static Device *pc_add(Machine *m, const DeviceClass *cls, Error **errp)
{
    Device *dev = device_new(cls, m, NULL);

    if (!device_realize(dev, errp)) {
        return NULL;
    }
    return dev;
}

static void pc_cpu_intr(void *opaque, int n, bool level)
{
    Machine *m = opaque;

    if (m->ncpus) {
        x86_cpu_set_intr(m->cpus[0], level);
        if (level) {
            cpus_kick_all();
        }
    }
}

/* The A20M# pin of every vCPU: PIIX3 asserts it while both the fast A20
 * gate (port 0x92 bit 1) and the keyboard controller's are low. */
static void pc_a20_update(PCMachineState *pcms)
{
    Machine *m = &pcms->parent;
    bool on = pcms->a20_level[0] || pcms->a20_level[1];

    for (unsigned i = 0; i < m->ncpus; i++) {
        x86_cpu_set_a20(m->cpus[i], on);
    }
}

static void pc_a20_handler(void *opaque, int n, bool level)
{
    PCMachineState *pcms = opaque;

    pcms->a20_level[n] = level;
    pc_a20_update(pcms);
}

static int pc_intr_ack(Machine *m, unsigned cpu_index)
{
    return i8259_acknowledge(pc_from_machine(m)->pic);
}

static bool pc_init_ram(PCMachineState *pcms, Error **errp)
{
    Machine *m = &pcms->parent;
    uint64_t ram = m->cfg->ram_size;

    pcms->below_4g = ram >= PC_LOWMEM_LIMIT ? 0xc0000000ULL : ram;
    pcms->above_4g = ram - pcms->below_4g;
    if (!memory_region_init_ram(&pcms->ram, "pc.ram", ram, errp)) {
        return false;
    }
    memory_region_init_alias(&pcms->ram_below, "ram-below-4g", &pcms->ram, 0,
                             pcms->below_4g);
    memory_map_add(m->mem, &pcms->ram_below, 0, 0);
    if (pcms->above_4g) {
        memory_region_init_alias(&pcms->ram_above, "ram-above-4g", &pcms->ram,
                                 pcms->below_4g, pcms->above_4g);
        memory_map_add(m->mem, &pcms->ram_above, 0x100000000ULL, 0);
    }
    /* VGA window and option-ROM space: not RAM (reads all-ones) until a
     * device or PAM maps something there. */
    static const MemoryRegionOps hole_ops = { 0 };

    memory_region_init_io(&pcms->legacy_hole, "pc.legacy-hole", &hole_ops, NULL,
                          PC_BIOS_ISA_BASE - 0xa0000);
    memory_map_add(m->mem, &pcms->legacy_hole, 0xa0000, 1);
    return true;
}

static bool pc_load_file(const char *path, uint8_t **data, gsize *len,
                         Error **errp)
{
    GError *gerr = NULL;

    if (!g_file_get_contents(path, (char **)data, len, &gerr)) {
        error_setg(errp, "could not load '%s': %s", path, gerr->message);
        g_error_free(gerr);
        return false;
    }
    return true;
}

static bool pc_init_bios(PCMachineState *pcms, const char *name, Error **errp)
{
    Machine *m = &pcms->parent;
    g_autofree char *path = machine_find_firmware(m, name, errp);
    g_autofree uint8_t *data = NULL;
    gsize len;
    uint64_t isa;

    if (!path || !pc_load_file(path, &data, &len, errp)) {
        return false;
    }
    if (len == 0 || len > 16 * 1024 * 1024 || (len % 65536) != 0) {
        error_setg(errp, "qemu: could not load PC BIOS '%s': size %zu is not "
                   "a multiple of 64 KiB up to 16 MiB", path, (size_t)len);
        return false;
    }
    if (!memory_region_init_rom(&pcms->bios, "pc.bios", len, errp)) {
        return false;
    }
    memcpy(memory_region_get_ram_ptr(&pcms->bios), data, len);
    memory_map_add(m->mem, &pcms->bios, 0x100000000ULL - len, 0);
    isa = MIN(len, PC_BIOS_ISA_SIZE);
    memory_region_init_alias(&pcms->bios_isa, "isa-bios", &pcms->bios,
                             len - isa, isa);
    memory_map_add(m->mem, &pcms->bios_isa, 0x100000 - isa, 1);
    pcms->bios_loaded = true;
    return true;
}

static bool pc_init_pci(PCMachineState *pcms, Error **errp)
{
    Machine *m = &pcms->parent;
    Device *dev;

    dev = device_new(&i440fx_class.parent, m, NULL);
    device_set_prop_str(dev, "addr", "0.0", &error_abort);
    if (!device_realize(dev, errp)) {
        return false;
    }
    pcms->i440fx = container_of(pci_from_dev(dev), I440FXState, parent);
    pcms->pci = pcms->i440fx->bus;
    if (pcms->apic) {
        pci_bus_set_msi(pcms->pci, pc_apic_msi, pcms->apic);
    }

    dev = device_new(&piix3_class.parent, m, NULL);
    device_set_prop_str(dev, "addr", "1.0", &error_abort);
    pcms->piix3 = container_of(pci_from_dev(dev), PIIX3State, parent);
    for (int i = 0; i < 16; i++) {
        pcms->piix3->isa_irq[i] = pc_isa_irq(pcms, i);
    }
    for (int i = 0; pcms->ioapic && i < 4; i++) {
        pcms->piix3->ioapic_pirq[i] = ioapic_irq(pcms->ioapic, 16 + i);
    }
    if (!device_realize(dev, errp)) {
        return false;
    }

    if (pcms->acpi) {
        dev = device_new(&piix4_pm_class.parent, m, NULL);
        device_set_prop_str(dev, "addr", "1.3", &error_abort);
        pcms->pm = container_of(pci_from_dev(dev), PIIX4PMState, parent);
        pcms->pm->sci = pc_isa_irq(pcms, 9);
        if (!device_realize(dev, errp)) {
            return false;
        }
    }
    return true;
}

static bool pc_init_isa(PCMachineState *pcms, Error **errp)
{
    Machine *m = &pcms->parent;
    Device *dev;

    dev = pc_add(m, &i8259_class, errp);
    if (!dev) {
        return false;
    }
    pcms->pic = container_of(dev, I8259State, parent);
    irq_init(&pcms->cpu_intr, pc_cpu_intr, m, 0);
    pcms->pic->out = &pcms->cpu_intr;
    m->intr_ack = pc_intr_ack;
    if (pcms->apic_on && !pc_init_apic(pcms, errp)) {
        return false;
    }

    dev = device_new(&i8254_class, m, NULL);
    pcms->pit = container_of(dev, I8254State, parent);
    pcms->pit->irq = pc_isa_irq(pcms, 0);
    if (!device_realize(dev, errp)) {
        return false;
    }
    dev = device_new(&mc146818_class, m, NULL);
    pcms->rtc = container_of(dev, MC146818State, parent);
    pcms->rtc->irq = pc_isa_irq(pcms, 8);
    if (!device_realize(dev, errp)) {
        return false;
    }
    for (int i = 0; i < 2; i++) {
        irq_init(&pcms->a20_in[i], pc_a20_handler, pcms, i);
    }
    dev = device_new(&port92_class, m, NULL);
    container_of(dev, Port92State, parent)->a20 = &pcms->a20_in[0];
    if (!device_realize(dev, errp)) {
        return false;
    }
    dev = device_new(&i8042_class, m, NULL);
    pcms->kbc = container_of(dev, I8042State, parent);
    pcms->kbc->irq_kbd = pc_isa_irq(pcms, 1);
    pcms->kbc->irq_mouse = pc_isa_irq(pcms, 12);
    pcms->kbc->a20 = &pcms->a20_in[1];
    if (!device_realize(dev, errp)) {
        return false;
    }
    dev = device_new(&port61_class, m, NULL);
    pcms->port61 = container_of(dev, Port61State, parent);
    pcms->port61->pit = pcms->pit;
    if (!device_realize(dev, errp)) {
        return false;
    }
    for (unsigned i = 0; i < m->cfg->nserial && i < 4; i++) {
        if (!m->cfg->serial[i]) {
            continue;
        }
        dev = device_new(&uart16550_class, m, NULL);
        device_set_prop_str(dev, "chardev", chardev_id(m->cfg->serial[i]),
                            &error_abort);
        {
            g_autofree char *base = g_strdup_printf("%u", uart16550_pc_iobase[i]);
            device_set_prop_str(dev, "iobase", base, &error_abort);
        }
        uart16550_connect_irq(dev, pc_isa_irq(pcms, uart16550_pc_irq[i]));
        if (!device_realize(dev, errp)) {
            return false;
        }
    }
    return true;
}

/* -vga: "std" (the default) is the PCI VGA at 00:02.0; "none" has none. */
static bool pc_init_vga(PCMachineState *pcms, Error **errp)
{
    const char *vga = pcms->parent.cfg->vga;
    Device *dev;

    if (vga && !strcmp(vga, "none")) {
        return true;
    }
    if (vga && strcmp(vga, "std")) {
        error_setg(errp, "-vga %s: only 'std' and 'none' are supported", vga);
        return false;
    }
    dev = device_new(&vga_pci_class.parent, &pcms->parent, NULL);
    device_set_prop_str(dev, "addr", "2.0", &error_abort);
    return device_realize(dev, errp);
}

unsigned pc_e820_table(PCMachineState *pcms, uint8_t **table)
{
    struct { uint64_t addr, len; uint32_t type; } ent[3];
    unsigned n = 0;
    uint8_t *t;

    ent[n++] = (typeof(ent[0])){ 0, pcms->below_4g, 1 };
    if (pcms->above_4g) {
        ent[n++] = (typeof(ent[0])){ 0x100000000ULL, pcms->above_4g, 1 };
    }
    t = g_malloc0(20 * n);
    for (unsigned i = 0; i < n; i++) {
        uint64_t a = GUINT64_TO_LE(ent[i].addr);
        uint64_t l = GUINT64_TO_LE(ent[i].len);
        uint32_t ty = GUINT32_TO_LE(ent[i].type);

        memcpy(t + 20 * i, &a, 8);
        memcpy(t + 20 * i + 8, &l, 8);
        memcpy(t + 20 * i + 16, &ty, 4);
    }
    *table = t;
    return n;
}

/* QEMU's -boot letters to CMOS boot device codes (§5.4). */
static int pc_boot_code(char c)
{
    switch (c) {
    case 'a':
        return 1;
    case 'c':
        return 2;
    case 'd':
        return 3;
    case 'n':
        return 4;
    default:
        return 0;
    }
}

static void pc_init_cmos(PCMachineState *pcms)
{
    MC146818State *rtc = pcms->rtc;
    const MachineConfig *cfg = pcms->parent.cfg;
    const char *order = cfg->boot_order ? cfg->boot_order : "cad";
    uint64_t ext;
    int codes[3] = { 0 };

    /* Base memory 640 KiB; extended memory in KiB (max 0xffff). */
    rtc_set_cmos(rtc, 0x15, 640 & 0xff);
    rtc_set_cmos(rtc, 0x16, 640 >> 8);
    ext = pcms->below_4g > 0x100000 ? (pcms->below_4g - 0x100000) / 1024 : 0;
    ext = MIN(ext, 0xffff);
    rtc_set_cmos(rtc, 0x17, ext);
    rtc_set_cmos(rtc, 0x18, ext >> 8);
    rtc_set_cmos(rtc, 0x30, ext);
    rtc_set_cmos(rtc, 0x31, ext >> 8);
    /* Memory above 16 MiB in 64 KiB units (max 0xffff). */
    ext = pcms->below_4g > 0x1000000 ?
          (pcms->below_4g - 0x1000000) / 65536 : 0;
    ext = MIN(ext, 0xffff);
    rtc_set_cmos(rtc, 0x34, ext);
    rtc_set_cmos(rtc, 0x35, ext >> 8);
    ext = pcms->above_4g / 65536;
    rtc_set_cmos(rtc, 0x5b, ext);
    rtc_set_cmos(rtc, 0x5c, ext >> 8);
    rtc_set_cmos(rtc, 0x5d, ext >> 16);
    rtc_set_cmos(rtc, 0x5f, (cfg->smp_cpus ? cfg->smp_cpus : 1) - 1);
    for (int i = 0; i < 3 && order[i]; i++) {
        codes[i] = pc_boot_code(order[i]);
    }
    rtc_set_cmos(rtc, 0x3d, codes[0] | (codes[1] << 4));
    rtc_set_cmos(rtc, 0x38, (codes[2] << 4) | 0x01);
    /* Equipment: a math coprocessor; no floppy drives. */
    rtc_set_cmos(rtc, 0x14, 0x06);
    rtc_set_cmos(rtc, 0x10, 0x00);
}

static void pc_init_fw_cfg(PCMachineState *pcms)
{
    const MachineConfig *cfg = pcms->parent.cfg;
    FWCfgState *f = pcms->fw_cfg;
    g_autofree uint8_t *e820 = NULL;
    unsigned n = pc_e820_table(pcms, &e820);
    uint32_t fail_wait = GUINT32_TO_LE(cfg->boot_reboot_timeout >= 0 ?
                                       cfg->boot_reboot_timeout : 60000);
    unsigned ncpus = cfg->smp_cpus ? cfg->smp_cpus : 1;
    uint64_t numa = 0;

    fw_cfg_add_i64(f, FW_CFG_RAM_SIZE, cfg->ram_size);
    fw_cfg_add_i16(f, FW_CFG_NB_CPUS, ncpus);
    fw_cfg_add_i16(f, FW_CFG_MAX_CPUS, MAX(ncpus, cfg->smp_max_cpus));
    fw_cfg_add_i16(f, FW_CFG_NOGRAPHIC, cfg->nographic);
    fw_cfg_add_i16(f, FW_CFG_BOOT_MENU, cfg->boot_menu);
    fw_cfg_add_bytes(f, FW_CFG_NUMA, &numa, sizeof(numa));
    fw_cfg_add_file(f, "etc/e820", e820, 20 * n);
    fw_cfg_add_file(f, "etc/boot-fail-wait", &fail_wait, 4);
    fw_cfg_add_file(f, "bootorder", "", 0);
    if (cfg->boot_splash_time >= 0) {
        uint16_t t = GUINT16_TO_LE(cfg->boot_splash_time);
        fw_cfg_add_file(f, "etc/boot-menu-wait", &t, 2);
    }
    if (pcms->acpi) {
        acpi_fw_cfg_install(pcms);
    }
    smbios_fw_cfg_install(pcms);
}

static bool pc_init(Machine *m, Error **errp)
{
    PCMachineState *pcms = pc_from_machine(m);
    const MachineConfig *cfg = m->cfg;
    Device *dev;

    if (pcms->smm) {
        error_setg(errp, "smm=on: system management mode is not emulated");
        return false;
    }
    /* QEMU's order, which fixes the PCI addresses guests and managers
     * see: chipset functions, VGA at 00:02.0, then -drive if=virtio. */
    if (!pc_init_ram(pcms, errp) || !pc_init_isa(pcms, errp) ||
        !pc_init_pci(pcms, errp) || !pc_init_vga(pcms, errp) ||
        !pc_init_drives(pcms, errp)) {
        return false;
    }
    dev = pc_add(m, &fw_cfg_class, errp);
    if (!dev) {
        return false;
    }
    pcms->fw_cfg = container_of(dev, FWCfgState, parent);
    pc_init_cmos(pcms);
    pc_init_fw_cfg(pcms);
    if (cfg->kernel && !cfg->bios) {
        if (!pc_linux_boot(pcms, errp)) {
            return false;
        }
    } else if (!pc_init_bios(pcms, cfg->bios ? cfg->bios : PC_DEFAULT_BIOS,
                             errp)) {
        return false;
    } else if (cfg->kernel && !pc_linux_boot_firmware(pcms, errp)) {
        return false;
    }
    if (cpus_available()) {
        return cpus_create(m, errp);
    }
    warn_report("this build has no CPU: the machine will not run");
    return true;
}

void pc_boot_image_save(PCMachineState *pcms, uint64_t addr, uint64_t len)
{
    PCBootImage *img;

    if (!len) {
        return;
    }
    g_assert(addr + len <= pcms->below_4g);   /* loaders checked it */
    img = g_malloc(sizeof(*img) + len);
    img->addr = addr;
    img->len = len;
    memcpy(img->data, memory_region_get_ram_ptr(&pcms->ram) + addr, len);
    if (!pcms->boot_images) {
        pcms->boot_images = g_ptr_array_new_with_free_func(g_free);
    }
    g_ptr_array_add(pcms->boot_images, img);
}

/* Direct boot: put the loaded images back and, for Multiboot, hand the
 * BSP over in the state the specification (§3.2) asks for. */
static void pc_reset_direct_boot(PCMachineState *pcms)
{
    Machine *m = &pcms->parent;
    uint8_t *ram = memory_region_get_ram_ptr(&pcms->ram);

    for (guint i = 0; pcms->boot_images && i < pcms->boot_images->len; i++) {
        PCBootImage *img = g_ptr_array_index(pcms->boot_images, i);

        memcpy(ram + img->addr, img->data, img->len);
        for (unsigned c = 0; c < m->ncpus; c++) {
            x86_cpu_phys_written(m->cpus[c], img->addr, img->len);
        }
    }
    if (pcms->multiboot && m->ncpus) {
        x86_cpu_enter_flat32(m->cpus[0], pcms->mb_entry);
        x86_cpu_set_reg(m->cpus[0], X86_REG_RAX, 0x2badb002);
        x86_cpu_set_reg(m->cpus[0], X86_REG_RAX + 3 /* RBX */, pcms->mb_info);
    }
}

static void pc_reset(Machine *m)
{
    PCMachineState *pcms = pc_from_machine(m);
    /* -device disks exist only now: their bootindex orders the boot. */
    g_autoptr(GByteArray) bootorder = pc_drives_bootorder(m);
    static const char rom_entry[] = "/rom@genroms/linuxboot.bin\n";

    if (pcms->linuxboot_rom) {
        g_byte_array_prepend(bootorder, (const guint8 *)rom_entry,
                             strlen(rom_entry));
    }
    fw_cfg_add_file(pcms->fw_cfg, "bootorder", bootorder->data,
                    bootorder->len);

    if (!pcms->bios_loaded && pcms->pm) {
        /* Direct boot: no firmware programs the PM base the ACPI tables
         * describe, so the machine does it as SeaBIOS would. */
        pci_config_write(&pcms->pm->parent, 0x40, ACPI_PM_BASE | 1, 4);
        pci_config_write(&pcms->pm->parent, 0x80, 1, 1);
    }
    if (!pcms->bios_loaded) {
        /* PIRQA-D -> IRQ 10, 10, 11, 11, level-triggered: the routes the
         * direct boot's DSDT _PRT describes (hw/i386/acpi-dsdt.c). */
        pci_config_write(&pcms->piix3->parent, 0x60, 0x0b0b0a0a, 4);
        io_space_write(m->io, 0x4d1, 0x0c, 1);
    }
    for (unsigned i = 0; i < m->ncpus; i++) {
        x86_cpu_reset(m->cpus[i], false);
    }
    /* Both gates come out of reset enabled. */
    pcms->a20_level[0] = pcms->a20_level[1] = true;
    pc_a20_update(pcms);
    /* Application processors wait for a STARTUP IPI; without APICs none
     * ever comes, and only the BSP runs. */
    pc_apic_reset_cpus(pcms);
    pc_reset_direct_boot(pcms);
}

static void pc_finalize(Machine *m)
{
    PCMachineState *pcms = pc_from_machine(m);

    if (pcms->boot_images) {
        g_ptr_array_free(pcms->boot_images, TRUE);
        pcms->boot_images = NULL;
    }
    /* Aliases before their targets; the BIOS slot also holds -kernel's
     * stub ROM.  Regions never initialised are zero and destroy is a no-op. */
    memory_region_destroy(&pcms->bios_isa);
    memory_region_destroy(&pcms->bios);
    memory_region_destroy(&pcms->legacy_hole);
    memory_region_destroy(&pcms->ram_above);
    memory_region_destroy(&pcms->ram_below);
    memory_region_destroy(&pcms->ram);
}

static const Property pc_props[] = {
    DEFINE_PROP_BOOL("smm", PCMachineState, smm, false,
                     "system management mode (not emulated; must be off)"),
    DEFINE_PROP_BOOL("acpi", PCMachineState, acpi, true,
                     "ACPI power management (PIIX4 PM)"),
    DEFINE_PROP_BOOL("apic", PCMachineState, apic_on, true,
                     "local APICs, IOAPIC and HPET"),
    { 0 },
};

const MachineClass pc_i440fx_class = {
    .name = "pc-i440fx-7.2",
    .alias = "pc",
    .description = "Standard PC (i440FX + PIIX, 1996)",
    .is_default = true,
    .instance_size = sizeof(PCMachineState),
    .default_ram_size = 128 * 1024 * 1024,
    .max_cpus = 255,
    .default_cpu_model = "qemu64",
    .props = pc_props,
    .init = pc_init,
    .reset = pc_reset,
    .finalize = pc_finalize,
};
