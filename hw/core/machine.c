/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Machines (include/hw/core/machine.h): class lookup and -machine help,
 * instance life cycle, system reset order, firmware search.  The class
 * table is hw/core/machine-classes.c; "none" is hw/core/machine-none.c.
 */
#include <assert.h>
#include <string.h>

#include "hw/core/ioport.h"
#include "hw/core/machine.h"

/* The physical address space a PC machine decodes (52 bits). */
#define MACHINE_PHYS_LIMIT (UINT64_C(1) << 52)

static Machine *current_machine;

const MachineClass *machine_class_find(const char *name)
{
    size_t i;

    for (i = 0; name && machine_classes[i]; i++) {
        const MachineClass *c = machine_classes[i];

        if (!strcmp(c->name, name) || (c->alias && !strcmp(c->alias, name))) {
            return c;
        }
    }
    return NULL;
}

const MachineClass *machine_class_default(void)
{
    size_t i;

    for (i = 0; machine_classes[i]; i++) {
        if (machine_classes[i]->is_default) {
            return machine_classes[i];
        }
    }
    return machine_class_find("none");
}

char *machine_class_list_help(void)
{
    GString *s = g_string_new("Supported machines are:\n");
    size_t i;

    for (i = 0; machine_classes[i]; i++) {
        const MachineClass *c = machine_classes[i];

        if (c->alias) {
            g_string_append_printf(s, "%-20s %s (alias of %s)\n", c->alias,
                                   c->description, c->name);
        }
        g_string_append_printf(s, "%-20s %s%s\n", c->name, c->description,
                               c->is_default ? " (default)" : "");
    }
    return g_string_free(s, FALSE);
}

Machine *machine_new(const MachineClass *cls, const MachineConfig *cfg)
{
    Machine *m;

    assert(cls->instance_size >= sizeof(Machine));
    m = g_malloc0(cls->instance_size);
    m->cls = cls;
    m->cfg = cfg;
    m->mem = memory_map_new("memory", MACHINE_PHYS_LIMIT);
    m->io = io_space_new();
    m->devices = g_ptr_array_new();
    property_set_defaults(cls->props, m);
    return m;
}

bool machine_set_props(Machine *m, struct json_object *opts, Error **errp)
{
    static const char *const generic[] = {
        "type", "accel", "usb", "dump-guest-core", "mem-merge",
        "graphics", "memory-backend", "kernel-irqchip", NULL,
    };

    json_object_object_foreach(opts, key, val) {
        const Property *p = property_find(m->cls->props, key);

        if (g_strv_contains(generic, key)) {
            continue;
        }
        if (!p) {
            error_setg(errp, "Property '%s.%s' not found", m->cls->name, key);
            return false;
        }
        if (!property_set(p, m->cls->name, m, val, errp)) {
            return false;
        }
    }
    return true;
}

bool machine_init(Machine *m, Error **errp)
{
    return m->cls->init ? m->cls->init(m, errp) : true;
}

void machine_reset(Machine *m)
{
    guint i;

    for (i = 0; i < m->devices->len; i++) {
        device_reset(g_ptr_array_index(m->devices, i));
    }
    for (i = 0; i < m->devices->len; i++) {
        Device *dev = g_ptr_array_index(m->devices, i);

        if (dev->cls->sync_irqs) {
            dev->cls->sync_irqs(dev);
        }
    }
    if (m->cls->reset) {
        m->cls->reset(m);
    }
}

void machine_free(Machine *m)
{
    if (!m) {
        return;
    }
    if (current_machine == m) {
        current_machine = NULL;
    }
    if (m->cls->finalize) {
        m->cls->finalize(m);
    }
    while (m->devices->len) {
        device_destroy(g_ptr_array_index(m->devices, m->devices->len - 1));
    }
    g_ptr_array_free(m->devices, TRUE);
    memory_map_free(m->mem);
    memory_map_free(m->io);
    property_free_values(m->cls->props, m);
    g_free(m->cpus);
    g_free(m);
}

Machine *machine_current(void)
{
    return current_machine;
}

void machine_set_current(Machine *m)
{
    current_machine = m;
}

char *machine_find_firmware(const Machine *m, const char *name, Error **errp)
{
    char *const *dir;

    if (strchr(name, '/')) {
        if (g_file_test(name, G_FILE_TEST_IS_REGULAR)) {
            return g_strdup(name);
        }
        error_setg(errp, "could not find firmware '%s'", name);
        return NULL;
    }
    for (dir = m->cfg ? m->cfg->firmware_dirs : NULL; dir && *dir; dir++) {
        char *path = g_build_filename(*dir, name, NULL);

        if (g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
            return path;
        }
        g_free(path);
    }
    error_setg(errp, "could not find firmware '%s'", name);
    return NULL;
}

const char *drive_interface_name(DriveInterface iface)
{
    static const char *const names[] = {
        [DRIVE_IF_NONE] = "none", [DRIVE_IF_IDE] = "ide",
        [DRIVE_IF_VIRTIO] = "virtio", [DRIVE_IF_FLOPPY] = "floppy",
        [DRIVE_IF_PFLASH] = "pflash",
    };

    return iface < DRIVE_IF__MAX ? names[iface] : "none";
}
