/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The device model (STYLE.md "Device model: small, no QOM weight").
 *
 * A device class is a const DeviceClass: name, description, instance size,
 * property table, realize/reset/unrealize.  A bus-specific class (PCI, ISA)
 * embeds DeviceClass as its FIRST member and adds its own hooks; the core
 * only ever sees the DeviceClass part.  An instance embeds Device as its
 * first member; each device file has one inline downcast:
 *
 *     static inline UART16550State *uart_from_dev(Device *dev)
 *     {
 *         return container_of(dev, UART16550State, parent);
 *     }
 *
 * Life cycle: device_new() allocates instance_size bytes (zeroed) and
 * stores the property defaults; properties are set (device_set_props()
 * from a -device option object, or device_set_prop() from code); then
 * device_realize() freezes them, calls the class's realize (which maps
 * regions, connects lines, attaches backends) and adds the device to the
 * machine's device list, which machine reset walks in creation order.
 *
 * The classes a user can name (-device, -device help,
 * device-list-properties) are listed in the explicit array device_classes[]
 * in hw/core/device-classes.c: one line per class, grouped by directory.
 * Nothing is registered at start-up.
 *
 * All functions here run under the machine lock (include/hw/core/lock.h),
 * except device_class_* lookups, which read only const tables.
 */
#ifndef HW_CORE_DEVICE_H
#define HW_CORE_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>

#include "hw/core/property.h"
#include "util/error.h"

#ifndef container_of
#define container_of(ptr, type, member) \
    ((type *)((char *)(ptr) - offsetof(type, member)))
#endif

typedef struct Device Device;
typedef struct DeviceClass DeviceClass;
typedef struct Machine Machine;

/** Categories of "-device help", in QEMU's order and wording. */
typedef enum DeviceCategory {
    DEVICE_CATEGORY_BRIDGE = 0,   /* "Controller/Bridge/Hub devices" */
    DEVICE_CATEGORY_USB,          /* "USB devices" */
    DEVICE_CATEGORY_STORAGE,      /* "Storage devices" */
    DEVICE_CATEGORY_NETWORK,      /* "Network devices" */
    DEVICE_CATEGORY_INPUT,        /* "Input devices" */
    DEVICE_CATEGORY_DISPLAY,      /* "Display devices" */
    DEVICE_CATEGORY_SOUND,        /* "Sound devices" */
    DEVICE_CATEGORY_MISC,         /* "Misc devices" */
    DEVICE_CATEGORY_CPU,          /* "CPU devices" */
    DEVICE_CATEGORY_WATCHDOG,     /* "Watchdog devices" */
    DEVICE_CATEGORY_UNCATEGORIZED,/* "Uncategorized devices" */
    DEVICE_CATEGORY__MAX,
} DeviceCategory;

/**
 * struct DeviceClass - what every device type provides.
 * @name: the -device driver name ("isa-serial", "virtio-blk-pci").
 * @description: one line for -device help, or NULL.
 * @category: the -device help section.
 * @bus: the bus the device plugs into, as -device help prints it ("PCI",
 *       "ISA", "IDE"), or NULL for a system device.
 * @user_creatable: may be named with -device / device_add.  Onboard
 *       chips created by the machine (i8259, i440FX) set false: they are
 *       still listed in device_classes[] only if users may list them.
 * @instance_size: size of the instance struct that embeds Device first.
 * @base_props: properties every device of a bus shares ("addr" for PCI),
 *       with offsets valid in the instance; NULL if none.
 * @props: the device's own properties; NULL if none.
 * @vmsd: snapshot description (reserved: migration is not built yet).
 * @realize: make the device live: validate properties, map regions,
 *       attach backends.  On failure set *errp and undo everything; the
 *       core then frees the instance.  May be NULL.
 * @reset: restore power-on register values.  Never touches IRQ lines.
 * @sync_irqs: after every device was reset, drive output lines from the
 *       reset state (the machine re-syncs lines this way).  May be NULL.
 * @unrealize: undo realize (unmap, detach); then the core frees the
 *       instance and its STR properties.  May be NULL.
 */
struct DeviceClass {
    const char *name;
    const char *description;
    DeviceCategory category;
    const char *bus;
    bool user_creatable;
    size_t instance_size;
    const Property *base_props;
    const Property *props;
    const void *vmsd;
    bool (*realize)(Device *dev, Error **errp);
    void (*reset)(Device *dev);
    void (*sync_irqs)(Device *dev);
    void (*unrealize)(Device *dev);
};

/**
 * struct Device - the first member of every device instance.
 * @cls: the class (a bus class downcasts it with container_of).
 * @id: the user's id= or NULL; unique among the machine's devices.
 * @bus_name: the user's bus= or NULL, for the bus code to resolve.
 * @machine: the machine it belongs to (set by device_new()).
 * @realized: true between a successful realize and unrealize.
 * @parent_bus_state: opaque per-bus data the bus code may hang here.
 */
struct Device {
    const DeviceClass *cls;
    char *id;
    char *bus_name;
    Machine *machine;
    bool realized;
    void *parent_bus_state;
};

/** The user-nameable classes, NULL-terminated (hw/core/device-classes.c). */
extern const DeviceClass *const device_classes[];

/** device_class_find() - the class called @name in device_classes[], or
 *  NULL. */
const DeviceClass *device_class_find(const char *name);

/** device_category_name() - "Storage devices", ... */
const char *device_category_name(DeviceCategory cat);

/**
 * device_class_list_help() - what "-device help" prints: every class of
 * device_classes[] grouped by category, one line each:
 * name "isa-serial", bus ISA, desc "16550A UART"
 * Returns a new string.
 */
char *device_class_list_help(void);

/**
 * device_class_props_help() - what "-device NAME,help" prints: the
 * properties of @cls, one per line ("  iobase=<uint16> - I/O base port
 * (default: 1016)").  Returns a new string.
 */
char *device_class_props_help(const DeviceClass *cls);

/** device_class_props_json() - device-list-properties for @cls. */
struct json_object *device_class_props_json(const DeviceClass *cls);

/**
 * device_new() - allocate an instance of @cls for @machine with the
 * property defaults stored.  @id may be NULL.  Not yet realized.
 */
Device *device_new(const DeviceClass *cls, Machine *machine, const char *id);

/**
 * device_set_prop() - set one property from a string or JSON value.
 * Fails when the name is unknown ("Property 'drv.name' not found"), the
 * value is bad, or the device is already realized.
 */
bool device_set_prop(Device *dev, const char *name, struct json_object *val,
                     Error **errp);
/** device_set_prop_str() - the same from a C string ("on", "0x3f8"). */
bool device_set_prop_str(Device *dev, const char *name, const char *val,
                         Error **errp);

/**
 * device_set_props() - set every member of @opts as a property, except
 * "driver", "id" and "bus" (which device_create() consumes).
 */
bool device_set_props(Device *dev, struct json_object *opts, Error **errp);

/** device_get_prop() - the value of property @name as new json-c, or NULL
 *  when there is no such property. */
struct json_object *device_get_prop(const Device *dev, const char *name);

/**
 * device_realize() - call the class's realize; on success append @dev to
 * its machine's device list.  On failure *errp is set and @dev is freed
 * (the caller must not touch it again).
 */
bool device_realize(Device *dev, Error **errp);

/** device_reset() - call the class's reset (no-op when NULL). */
void device_reset(Device *dev);

/**
 * device_destroy() - unrealize (if realized), remove from the machine's
 * list, free properties and the instance.  NULL is ignored.
 */
void device_destroy(Device *dev);

/**
 * device_create() - the whole of "-device driver=NAME,id=X,bus=Y,...":
 * find the class ("'nope' is not a valid device model name"), refuse
 * classes that are not user-creatable ("Parameter 'driver' expects a
 * pluggable device type"), check the id is unique ("Duplicate device ID
 * 'x'"), set properties, realize.  Returns the realized device or NULL.
 */
Device *device_create(Machine *machine, struct json_object *opts,
                      Error **errp);

/** device_find() - the device of @machine with id @id, or NULL. */
Device *device_find(Machine *machine, const char *id);

#endif /* HW_CORE_DEVICE_H */
