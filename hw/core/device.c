/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Devices (include/hw/core/device.h): instance life cycle, properties set
 * from -device options, the -device help listings and the machine's device
 * list.  The class table itself is hw/core/device-classes.c.
 */
#include <assert.h>
#include <string.h>

#include "hw/core/device.h"
#include "hw/core/machine.h"

static const char *const device_category_names[] = {
    [DEVICE_CATEGORY_BRIDGE] = "Controller/Bridge/Hub devices",
    [DEVICE_CATEGORY_USB] = "USB devices",
    [DEVICE_CATEGORY_STORAGE] = "Storage devices",
    [DEVICE_CATEGORY_NETWORK] = "Network devices",
    [DEVICE_CATEGORY_INPUT] = "Input devices",
    [DEVICE_CATEGORY_DISPLAY] = "Display devices",
    [DEVICE_CATEGORY_SOUND] = "Sound devices",
    [DEVICE_CATEGORY_MISC] = "Misc devices",
    [DEVICE_CATEGORY_CPU] = "CPU devices",
    [DEVICE_CATEGORY_WATCHDOG] = "Watchdog devices",
    [DEVICE_CATEGORY_UNCATEGORIZED] = "Uncategorized devices",
};

const char *device_category_name(DeviceCategory cat)
{
    return cat < DEVICE_CATEGORY__MAX ? device_category_names[cat]
                                      : "Uncategorized devices";
}

const DeviceClass *device_class_find(const char *name)
{
    size_t i;

    for (i = 0; name && device_classes[i]; i++) {
        if (!strcmp(device_classes[i]->name, name)) {
            return device_classes[i];
        }
    }
    return NULL;
}

char *device_class_list_help(void)
{
    GString *s = g_string_new(NULL);
    unsigned cat;
    size_t i;

    for (cat = 0; cat < DEVICE_CATEGORY__MAX; cat++) {
        bool header = false;

        for (i = 0; device_classes[i]; i++) {
            const DeviceClass *c = device_classes[i];

            if (c->category != cat || !c->user_creatable) {
                continue;
            }
            if (!header) {
                g_string_append_printf(s, "%s%s:\n", s->len ? "\n" : "",
                                       device_category_name(cat));
                header = true;
            }
            g_string_append_printf(s, "name \"%s\"", c->name);
            if (c->bus) {
                g_string_append_printf(s, ", bus %s", c->bus);
            }
            if (c->description) {
                g_string_append_printf(s, ", desc \"%s\"", c->description);
            }
            g_string_append_c(s, '\n');
        }
    }
    return g_string_free(s, FALSE);
}

char *device_class_props_help(const DeviceClass *cls)
{
    g_autofree char *title = g_strdup_printf("%s options:", cls->name);

    return property_list_help(title, cls->base_props, cls->props,
                              "There are no options for this device.");
}

struct json_object *device_class_props_json(const DeviceClass *cls)
{
    return property_list_json(cls->base_props, cls->props);
}

Device *device_new(const DeviceClass *cls, Machine *machine, const char *id)
{
    Device *dev;

    /* Every instance embeds Device first: a class smaller is a bug. */
    assert(cls->instance_size >= sizeof(Device));
    dev = g_malloc0(cls->instance_size);
    dev->cls = cls;
    dev->machine = machine;
    dev->id = g_strdup(id);
    property_set_defaults(cls->base_props, dev);
    property_set_defaults(cls->props, dev);
    return dev;
}

static const Property *device_find_prop(const Device *dev, const char *name)
{
    const Property *p = property_find(dev->cls->props, name);

    return p ? p : property_find(dev->cls->base_props, name);
}

bool device_set_prop(Device *dev, const char *name, struct json_object *val,
                     Error **errp)
{
    const Property *p = device_find_prop(dev, name);

    if (dev->realized) {
        error_setg(errp, "Attempt to set property '%s' on device '%s' "
                   "after it was realized", name, dev->cls->name);
        return false;
    }
    if (!p) {
        error_setg(errp, "Property '%s.%s' not found", dev->cls->name, name);
        return false;
    }
    return property_set(p, dev->cls->name, dev, val, errp);
}

bool device_set_prop_str(Device *dev, const char *name, const char *val,
                         Error **errp)
{
    struct json_object *v = json_object_new_string(val);
    bool ok = device_set_prop(dev, name, v, errp);

    json_object_put(v);
    return ok;
}

bool device_set_props(Device *dev, struct json_object *opts, Error **errp)
{
    json_object_object_foreach(opts, key, val) {
        if (!strcmp(key, "driver") || !strcmp(key, "id") ||
            !strcmp(key, "bus")) {
            continue;
        }
        if (!device_set_prop(dev, key, val, errp)) {
            return false;
        }
    }
    return true;
}

struct json_object *device_get_prop(const Device *dev, const char *name)
{
    const Property *p = device_find_prop(dev, name);

    return p ? property_get_json(p, dev) : NULL;
}

static void device_free(Device *dev)
{
    property_free_values(dev->cls->base_props, dev);
    property_free_values(dev->cls->props, dev);
    g_free(dev->id);
    g_free(dev->bus_name);
    g_free(dev);
}

bool device_realize(Device *dev, Error **errp)
{
    assert(!dev->realized);
    if (dev->cls->realize && !dev->cls->realize(dev, errp)) {
        device_free(dev);
        return false;
    }
    dev->realized = true;
    if (dev->machine) {
        g_ptr_array_add(dev->machine->devices, dev);
    }
    return true;
}

void device_reset(Device *dev)
{
    if (dev->cls->reset) {
        dev->cls->reset(dev);
    }
}

void device_destroy(Device *dev)
{
    if (!dev) {
        return;
    }
    if (dev->realized) {
        if (dev->cls->unrealize) {
            dev->cls->unrealize(dev);
        }
        dev->realized = false;
        if (dev->machine) {
            g_ptr_array_remove(dev->machine->devices, dev);
        }
    }
    device_free(dev);
}

Device *device_find(Machine *machine, const char *id)
{
    guint i;

    for (i = 0; id && machine && i < machine->devices->len; i++) {
        Device *dev = g_ptr_array_index(machine->devices, i);

        if (dev->id && !strcmp(dev->id, id)) {
            return dev;
        }
    }
    return NULL;
}

/* QEMU's rule for ids: a letter, then letters, digits, '-', '.', '_'. */
static bool device_id_valid(const char *id)
{
    const char *p;

    if (!g_ascii_isalpha(id[0])) {
        return false;
    }
    for (p = id; *p; p++) {
        if (!g_ascii_isalnum(*p) && !strchr("-._", *p)) {
            return false;
        }
    }
    return true;
}

Device *device_create(Machine *machine, struct json_object *opts,
                      Error **errp)
{
    const char *driver = NULL, *id = NULL, *bus = NULL;
    const DeviceClass *cls;
    Device *dev;
    struct json_object *v;

    if (json_object_object_get_ex(opts, "driver", &v)) {
        driver = json_object_get_string(v);
    }
    if (json_object_object_get_ex(opts, "id", &v)) {
        id = json_object_get_string(v);
    }
    if (json_object_object_get_ex(opts, "bus", &v)) {
        bus = json_object_get_string(v);
    }
    if (!driver) {
        error_setg(errp, "Parameter 'driver' is missing");
        return NULL;
    }
    cls = device_class_find(driver);
    if (!cls) {
        error_setg(errp, "'%s' is not a valid device model name", driver);
        return NULL;
    }
    if (!cls->user_creatable) {
        error_setg(errp, "Parameter 'driver' expects a pluggable device "
                   "type");
        return NULL;
    }
    if (id && !device_id_valid(id)) {
        error_setg(errp, "Parameter 'id' expects an identifier");
        return NULL;
    }
    if (id && device_find(machine, id)) {
        error_setg(errp, "Duplicate device ID '%s'", id);
        return NULL;
    }
    dev = device_new(cls, machine, id);
    dev->bus_name = g_strdup(bus);
    if (!device_set_props(dev, opts, errp)) {
        device_free(dev);
        return NULL;
    }
    return device_realize(dev, errp) ? dev : NULL;
}
