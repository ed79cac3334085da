/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Machines: what "-machine TYPE" builds.
 *
 * A machine type is a const MachineClass listed in the explicit array
 * machine_classes[] (hw/core/machine-classes.c): "none" (hw/core) and the
 * PC types (hw/i386).  An instance embeds Machine as its first member, like
 * devices (container_of downcast).  system/ assembles the machine from the
 * command line:
 *
 *   1. machine_new(): allocate, fill MachineConfig from the options, create
 *      the memory map and I/O space;
 *   2. the class's @props are set from -machine key=value options;
 *   3. cls->init(): RAM, firmware, onboard chips, CPUs (cpus_create() in
 *      include/system/cpus.h), buses, -drive interfaces, serial ports;
 *   4. -device options are created in command-line order (device_create);
 *   5. machine_reset() puts everything in power-on state;
 *   6. the vCPUs start unless -S.
 *
 * Everything here runs under the machine lock (include/hw/core/lock.h).
 */
#ifndef HW_CORE_MACHINE_H
#define HW_CORE_MACHINE_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include <json-c/json.h>

#include "exec/cpu-iface.h"
#include "hw/core/device.h"
#include "hw/core/memory.h"
#include "hw/core/property.h"
#include "util/error.h"

typedef struct Chardev Chardev;
typedef struct MachineClass MachineClass;

/** Interfaces of -drive if=, as QEMU names them. */
typedef enum DriveInterface {
    DRIVE_IF_NONE = 0,  /* "none": for -device ...,drive=ID */
    DRIVE_IF_IDE,       /* "ide" (the default on pc) */
    DRIVE_IF_VIRTIO,    /* "virtio": virtio-blk-pci */
    DRIVE_IF_FLOPPY,    /* "floppy" */
    DRIVE_IF_PFLASH,    /* "pflash" */
    DRIVE_IF__MAX,
} DriveInterface;

/**
 * struct MachineDrive - one -drive with an interface the machine wires.
 * @id: the block backend's name (id= or QEMU's "ide0-hd0"-style default).
 * @iface: if=.
 * @bus, @unit: bus= and unit= (or derived from index=), -1 when unset.
 * @index: index= or -1.
 * @cdrom: media=cdrom.
 * @claimed: set by the machine when it wired a controller to the drive.
 */
typedef struct MachineDrive {
    char *id;
    DriveInterface iface;
    int bus;
    int unit;
    int index;
    bool cdrom;
    bool claimed;
} MachineDrive;

/**
 * struct MachineConfig - the command line's answer for the machine.
 * Filled by system/ before init; read-only for the machine.  Strings are
 * NULL when the option was not given.
 * @ram_size: -m in bytes (the class default when not given).
 * @smp_cpus, @smp_max_cpus, @sockets, @cores, @threads: -smp.
 * @cpu_model: -cpu (NULL: the class default).
 * @bios: -bios file name (search it in @firmware_dirs unless it has a '/').
 * @firmware_dirs: -L directories, then the built-in ones; NULL-terminated.
 * @kernel, @initrd, @append: direct boot.
 * @boot_order: -boot order= (QEMU letters "a", "c", "d", "n"), "cad"
 *              style; NULL means the machine default ("cad" on pc).
 * @boot_once: -boot once=, or NULL.
 * @boot_menu: -boot menu=on.  @boot_splash_time: splash-time= ms or -1.
 * @boot_reboot_timeout: reboot-timeout= ms, or -1 (default).
 * @boot_strict: strict=on.
 * @vga: -vga TYPE ("std", "cirrus", "none", ...) or NULL for the default.
 * @nographic: -nographic (SeaBIOS console on COM1 via fw_cfg key 0x04).
 * @serial: chardevs for COM1..COM4 from -serial (NULL: none); @nserial.
 * @drives: the -drive list (MachineDrive *), in command-line order.
 * @name: -name guest=.
 * @machine_opts: the whole -machine option object (borrowed).
 */
typedef struct MachineConfig {
    uint64_t ram_size;
    unsigned smp_cpus;
    unsigned smp_max_cpus;
    unsigned sockets;
    unsigned cores;
    unsigned threads;
    char *cpu_model;
    char *bios;
    char **firmware_dirs;
    char *kernel;
    char *initrd;
    char *append;
    char *boot_order;
    char *boot_once;
    bool boot_menu;
    int boot_splash_time;
    int boot_reboot_timeout;
    bool boot_strict;
    char *vga;
    bool nographic;
    Chardev *serial[4];
    unsigned nserial;
    GPtrArray *drives;
    char *name;
    struct json_object *machine_opts;
} MachineConfig;

/**
 * struct Machine - the first member of every machine instance.
 * @cls: its class.
 * @cfg: the configuration (owned by system/).
 * @mem: the physical memory map.  @io: the I/O port space.
 * @devices: realized devices in creation order (Device *).
 * @cpus, @ncpus: the vCPUs (created by cpus_create(); empty on "none").
 * @intr_ack: the interrupt controller's INTA, set by init (PIC or APIC):
 *            the vector for @cpu_index.  NULL: the CPU gets vector 0xff.
 * @has_apic: the vCPUs have local APICs (CPUID.1:EDX.APIC); set by init
 *            before cpus_create().
 * @apic_base_write: with @has_apic, vCPU @cpu_index wrote IA32_APIC_BASE
 *            (called under the machine lock).
 * @platform_opaque: reserved for system/cpus.c.
 */
struct Machine {
    const MachineClass *cls;
    const MachineConfig *cfg;
    MemoryMap *mem;
    MemoryMap *io;
    GPtrArray *devices;
    X86CPU **cpus;
    unsigned ncpus;
    int (*intr_ack)(Machine *m, unsigned cpu_index);
    bool has_apic;
    void (*apic_base_write)(Machine *m, unsigned cpu_index, uint64_t val);
    void *platform_opaque;
};

/**
 * struct MachineClass - a machine type.
 * @name: "-machine" name ("pc-i440fx-7.2", "none").
 * @alias: a second name ("pc"), or NULL.
 * @description: for -machine help.
 * @is_default: the machine used without -machine (only one).
 * @instance_size: size of the struct embedding Machine first.
 * @default_ram_size: bytes when -m is not given (0: no RAM, as "none").
 * @max_cpus: largest -smp accepted (0: CPUs are not supported).
 * @default_cpu_model: -cpu default ("qemu64"), or NULL.
 * @props: machine options (-machine pc,smm=off) stored in the instance;
 *         NULL if none.  Generic keys (type, accel, ...) are not here.
 * @no_drive_interfaces: the machine wires no -drive interface (if=ide,
 *         virtio, ...): such drives fail with QEMU's "machine type does
 *         not support if=ide,bus=0,unit=0" (only if=none is useful).
 * @init: build the machine; on failure set *errp (system/ then exits 1).
 * @reset: called by machine_reset() after devices were reset and lines
 *         re-synced: reset CPUs, reload firmware or boot images.  May be
 *         NULL.
 * @finalize: called by machine_free() before the devices go: free what
 *         init allocated outside devices.  May be NULL.
 */
struct MachineClass {
    const char *name;
    const char *alias;
    const char *description;
    bool is_default;
    size_t instance_size;
    uint64_t default_ram_size;
    unsigned max_cpus;
    const char *default_cpu_model;
    const Property *props;
    bool no_drive_interfaces;
    bool (*init)(Machine *m, Error **errp);
    void (*reset)(Machine *m);
    void (*finalize)(Machine *m);
};

/** The machine types, NULL-terminated (hw/core/machine-classes.c). */
extern const MachineClass *const machine_classes[];

/** machine_class_find() - by name or alias; NULL when unknown. */
const MachineClass *machine_class_find(const char *name);
/** machine_class_default() - the is_default class (or "none"). */
const MachineClass *machine_class_default(void);
/**
 * machine_class_list_help() - what "-machine help" prints, QEMU's layout:
 * "Supported machines are:" then "pc                   Standard PC ...
 * (alias of pc-i440fx-7.2)" lines, the default marked "(default)".
 */
char *machine_class_list_help(void);

/**
 * machine_new() - an instance of @cls with @cfg, its memory map and I/O
 * space, and the property defaults.  Not yet initialised.
 */
Machine *machine_new(const MachineClass *cls, const MachineConfig *cfg);
/** machine_set_props() - -machine options other than the generic ones. */
bool machine_set_props(Machine *m, struct json_object *opts, Error **errp);
/** machine_init() - call cls->init. */
bool machine_init(Machine *m, Error **errp);
/**
 * machine_reset() - system reset: every device's reset in creation order,
 * then every device's sync_irqs, then cls->reset.
 */
void machine_reset(Machine *m);
/** machine_free() - destroy devices (reverse order), maps, instance. */
void machine_free(Machine *m);

/** machine_current() - the machine main() built, or NULL (tests, none
 *  yet).  For QMP handlers and the UI; set by machine_set_current(). */
Machine *machine_current(void);
void machine_set_current(Machine *m);

/**
 * machine_find_firmware() - the path of firmware file @name: as is if it
 * contains '/', else the first of cfg->firmware_dirs holding it.  Returns
 * a new string, or NULL with *errp ("could not find firmware 'x'").
 */
char *machine_find_firmware(const Machine *m, const char *name, Error **errp);

/** drive_interface_name() - "none", "ide", "virtio", ... */
const char *drive_interface_name(DriveInterface iface);

#endif /* HW_CORE_MACHINE_H */
