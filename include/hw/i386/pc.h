/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The i440FX/PIIX PC ("-machine pc", an alias of pc-i440fx-7.2): what the
 * machine instance holds, for the boot loaders and tests that need it.
 */
#ifndef HW_I386_PC_H
#define HW_I386_PC_H

#include "hw/core/irq.h"
#include "hw/core/machine.h"
#include "hw/input/i8042.h"
#include "hw/intc/apic.h"
#include "hw/intc/i8259.h"
#include "hw/intc/ioapic.h"
#include "hw/misc/pc-misc.h"
#include "hw/nvram/fw_cfg.h"
#include "hw/pci/i440fx.h"
#include "hw/pci/piix.h"
#include "hw/timer/hpet.h"
#include "hw/timer/i8254.h"
#include "hw/timer/mc146818.h"

/* Where the 32-bit PCI hole starts when RAM reaches it (QEMU's layout). */
#define PC_LOWMEM_LIMIT 0xe0000000ULL
#define PC_BIOS_ISA_BASE 0xe0000ULL
#define PC_BIOS_ISA_SIZE 0x20000ULL

/**
 * struct PCMachineState - the PC.
 * @below_4g, @above_4g: RAM split around the PCI hole.
 * @cpu_intr: INTR input of vCPU 0, driven by the PIC.
 * @apic_on: property "apic": local APICs, IOAPIC and HPET (pc-apic.c).
 * @isa_in: with the APIC on, the ISA IRQ pins devices drive; each goes
 *          to the 8259 and the IOAPIC (pc_isa_irq()).
 * @a20_in: the A20 gates of port 0x92 [0] and the keyboard controller
 *          [1]; A20 is masked only while both are low (pc_a20_update()).
 */
typedef struct PCMachineState {
    Machine parent;
    /* properties */
    bool smm;
    bool acpi;
    bool apic_on;
    /* layout */
    uint64_t below_4g;
    uint64_t above_4g;
    /* chips */
    I8259State *pic;
    I8254State *pit;
    MC146818State *rtc;
    FWCfgState *fw_cfg;
    PCIBus *pci;
    I440FXState *i440fx;
    PIIX3State *piix3;
    PIIX4PMState *pm;
    Port61State *port61;
    I8042State *kbc;
    APICState *apic;
    IOAPICState *ioapic;
    HPETState *hpet;
    /* memory */
    MemoryRegion ram;
    MemoryRegion ram_below;
    MemoryRegion ram_above;
    MemoryRegion bios;
    MemoryRegion bios_isa;
    MemoryRegion legacy_hole;
    bool bios_loaded;
    bool linuxboot_rom;     /* -kernel with -bios: boot our option ROM first */
    /* wiring */
    IRQLine cpu_intr;
    IRQLine isa_in[16];
    bool isa_level[16];
    IRQLine hpet_legacy_in[2];
    bool hpet_legacy;
    IRQLine a20_in[2];
    bool a20_level[2];
    /* direct boot (-kernel without firmware) */
    GPtrArray *boot_images;     /* PCBootImage *, restored at every reset */
    bool multiboot;
    uint32_t mb_entry;
    uint32_t mb_info;
} PCMachineState;

/**
 * struct PCBootImage - a range of RAM a direct-boot loader filled, kept so
 * that every system reset puts it back (the guest overwrites its zero
 * page, decompresses over its own image...).
 */
typedef struct PCBootImage {
    uint64_t addr;
    uint64_t len;
    uint8_t data[];
} PCBootImage;

extern const MachineClass pc_i440fx_class;

static inline PCMachineState *pc_from_machine(Machine *m)
{
    return container_of(m, PCMachineState, parent);
}

/**
 * pc_init_apic() - with apic=on: create the local APICs (one per vCPU),
 * the IOAPIC and the HPET, route the ISA IRQs to both the 8259 and the
 * IOAPIC (IRQ0 to pin 2), the PIIX3 PIRQs to pins 16-19, the 8259's INTR
 * to LINT0, and take over INTA (hw/i386/pc-apic.c).  Call right after the
 * 8259 is created and before any ISA device is wired.
 */
bool pc_init_apic(PCMachineState *pcms, Error **errp);

/**
 * pc_apic_reset_cpus() - after a system reset, park every application
 * processor (vCPU 1..n-1) in wait-for-SIPI, as on an MP system with
 * APICs (MP spec 1.4 §B.4): only the BSP runs the firmware.  With
 * apic=off they stay parked.
 */
void pc_apic_reset_cpus(PCMachineState *pcms);

/** pc_isa_irq() - the line an ISA device uses for IRQ @n (0-15). */
IRQLine *pc_isa_irq(PCMachineState *pcms, int n);

/**
 * pc_apic_signal() - the APICs' hook to the vCPUs: x86_cpu_set_intr,
 * x86_cpu_nmi, x86_cpu_init_sipi, then cpus_kick_all().  @opaque is the
 * Machine.  Tests replace it with apic_set_signal().
 */
void pc_apic_signal(void *opaque, unsigned cpu, APICSignal sig, int arg);

/** pc_apic_msi() - the PCI bus's MSI route (@opaque: the APICState). */
void pc_apic_msi(void *opaque, uint64_t addr, uint32_t data);

/**
 * pc_linux_boot() - load -kernel/-initrd/-append into RAM by the Linux x86
 * boot protocol and install the direct-boot entry stub (hw/i386/
 * linux-boot.c).  Fails with *errp for an unreadable or non-bzImage file.
 */
bool pc_linux_boot(PCMachineState *pcms, Error **errp);

/**
 * pc_linux_boot_firmware() - -kernel with -bios: offer the bzImage, initrd
 * and command line to the firmware as QEMU's fw_cfg items (setup, kernel,
 * initrd, cmdline: *_ADDR, *_SIZE, *_DATA) with the boot option ROM
 * "genroms/linuxboot.bin" first in "bootorder" (hw/i386/linux-boot.c).
 * Call after the fw_cfg device exists.  Fails with *errp like
 * pc_linux_boot().
 */
bool pc_linux_boot_firmware(PCMachineState *pcms, Error **errp);

/**
 * pc_multiboot_probe() - the file offset of a Multiboot v1 header (magic
 * 0x1BADB002 with a valid checksum, 4-byte aligned within the first
 * 8 KiB) in @k, or -1.
 */
long pc_multiboot_probe(const uint8_t *k, size_t klen);

/**
 * pc_multiboot_boot() - load the Multiboot v1 kernel @k (ELF32/ELF64 or
 * the a.out kludge), the modules of -initrd ("file args,file args") and
 * the information structure into RAM (hw/i386/multiboot.c); pc_reset()
 * then starts the BSP in flat 32-bit protected mode with EAX = 0x2BADB002
 * and EBX = the information structure.  Fails with *errp for a header the
 * loader cannot honour or images that do not fit in RAM.
 */
bool pc_multiboot_boot(PCMachineState *pcms, const uint8_t *k, size_t klen,
                       Error **errp);

/**
 * pc_boot_image_save() - remember RAM [@addr, +@len), just filled by a
 * direct-boot loader, so that pc_reset() restores it.
 */
void pc_boot_image_save(PCMachineState *pcms, uint64_t addr, uint64_t len);

/**
 * pc_e820_table() - the e820 map (20-byte entries) for fw_cfg "etc/e820"
 * and the zero page; returns the entry count and sets *@table (g_free).
 */
unsigned pc_e820_table(PCMachineState *pcms, uint8_t **table);

#endif /* HW_I386_PC_H */
