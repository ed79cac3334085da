/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for hw/core/device.c, property.c and machine.c: properties
 * set from -device option objects (key=value and JSON), bad values, the
 * device life cycle on a machine, reset order, help output, and a sanity
 * check of every class table in the tree.
 */
#include <glib.h>
#include <string.h>

#include "hw/core/device.h"
#include "hw/core/irq.h"
#include "hw/core/machine.h"
#include "util/keyval.h"

typedef struct TestDev {
    Device parent;
    /* properties */
    bool flag;
    uint16_t iobase;
    uint8_t irqnum;
    int32_t bootindex;
    uint64_t size;
    char *name;
    char *drive;
    /* guest-visible state */
    uint8_t reg;
    /* host plumbing */
    IRQLine *irq;
    GString *log;
} TestDev;

static TestDev *test_dev(Device *dev)
{
    return container_of(dev, TestDev, parent);
}

static GString *test_log;

static bool test_dev_realize(Device *dev, Error **errp)
{
    TestDev *s = test_dev(dev);

    if (s->iobase == 0x666) {
        error_setg(errp, "iobase 0x666 is cursed");
        return false;
    }
    g_string_append_printf(test_log, "realize(%s) ", dev->id);
    return true;
}

static void test_dev_reset(Device *dev)
{
    test_dev(dev)->reg = 0x5a;
    g_string_append_printf(test_log, "reset(%s) ", dev->id);
}

static void test_dev_sync(Device *dev)
{
    g_string_append_printf(test_log, "sync(%s) ", dev->id);
}

static void test_dev_unrealize(Device *dev)
{
    g_string_append_printf(test_log, "unrealize(%s) ", dev->id);
}

static const Property test_dev_props[] = {
    DEFINE_PROP_BOOL("flag", TestDev, flag, true, "a switch"),
    DEFINE_PROP_UINT("iobase", TestDev, iobase, 0x3f8, "I/O base"),
    DEFINE_PROP_UINT("irq", TestDev, irqnum, 4, NULL),
    DEFINE_PROP_INT("bootindex", TestDev, bootindex, -1, "boot order"),
    DEFINE_PROP_SIZE("size", TestDev, size, 4096, NULL),
    DEFINE_PROP_STR("name", TestDev, name, "dflt", NULL),
    DEFINE_PROP_DRIVE("drive", TestDev, drive, "backend"),
    { 0 },
};

static const DeviceClass test_dev_class = {
    .name = "test-dev",
    .description = "a device for tests",
    .category = DEVICE_CATEGORY_MISC,
    .bus = "ISA",
    .user_creatable = true,
    .instance_size = sizeof(TestDev),
    .props = test_dev_props,
    .realize = test_dev_realize,
    .reset = test_dev_reset,
    .sync_irqs = test_dev_sync,
    .unrealize = test_dev_unrealize,
};

static void test_defaults_and_set(void)
{
    Device *dev = device_new(&test_dev_class, NULL, "d0");
    TestDev *s = test_dev(dev);
    struct json_object *opts, *v;

    g_assert_true(s->flag);
    g_assert_cmpuint(s->iobase, ==, 0x3f8);
    g_assert_cmpint(s->bootindex, ==, -1);
    g_assert_cmpstr(s->name, ==, "dflt");
    g_assert_null(s->drive);

    opts = keyval_parse("test-dev,flag=off,iobase=0x2f8,bootindex=-3,"
                        "size=1M,name=n,,x,drive=disk0",
                        "driver", &error_abort);
    g_assert_true(device_set_props(dev, opts, &error_abort));
    json_object_put(opts);
    g_assert_false(s->flag);
    g_assert_cmpuint(s->iobase, ==, 0x2f8);
    g_assert_cmpint(s->bootindex, ==, -3);
    g_assert_cmpuint(s->size, ==, 1 << 20);
    g_assert_cmpstr(s->name, ==, "n,x");
    g_assert_cmpstr(s->drive, ==, "disk0");

    /* The JSON form keeps types. */
    opts = keyval_parse_or_json("{\"driver\": \"test-dev\", \"flag\": true,"
                                " \"iobase\": 760, \"size\": 512,"
                                " \"bootindex\": 2}",
                                "driver", &error_abort);
    g_assert_true(device_set_props(dev, opts, &error_abort));
    json_object_put(opts);
    g_assert_true(s->flag);
    g_assert_cmpuint(s->iobase, ==, 760);
    g_assert_cmpint(s->bootindex, ==, 2);

    v = device_get_prop(dev, "iobase");
    g_assert_cmpint(json_object_get_int64(v), ==, 760);
    json_object_put(v);
    g_assert_null(device_get_prop(dev, "nope"));
    device_destroy(dev);
}

static void test_bad_values(void)
{
    static const struct {
        const char *opts;
        const char *msg;
    } cases[] = {
        { "flag=maybe", "Parameter 'flag' expects 'on' or 'off'" },
        { "iobase=70000", "Property 'test-dev.iobase' doesn't take value "
                          "70000 (minimum: 0, maximum: 65535)" },
        { "iobase=-1", "Parameter 'iobase' expects uint16" },
        { "iobase=12abc", "Parameter 'iobase' expects uint16" },
        { "irq=256", "Property 'test-dev.irq' doesn't take value 256 "
                     "(minimum: 0, maximum: 255)" },
        { "bootindex=2147483648", "Property 'test-dev.bootindex' doesn't "
                                  "take value 2147483648 (minimum: "
                                  "-2147483648, maximum: 2147483647)" },
        { "size=1Q", "Parameter 'size' expects a non-negative number below "
                     "2^64 with an optional suffix k, M, G, T, P or E" },
        { "bogus=1", "Property 'test-dev.bogus' not found" },
        { "{\"iobase\": \"x\"}", "Parameter 'iobase' expects uint16" },
        { "{\"iobase\": -5}", "Parameter 'iobase' expects uint16" },
        { "{\"name\": 5}", "Parameter 'name' expects a string" },
        { "{\"flag\": 1}", "Parameter 'flag' expects 'on' or 'off'" },
        { "{\"size\": [1]}", "Parameter 'size' expects a size" },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        Device *dev = device_new(&test_dev_class, NULL, NULL);
        struct json_object *opts =
            keyval_parse_or_json(cases[i].opts, NULL, &error_abort);
        Error *err = NULL;

        g_assert_false(device_set_props(dev, opts, &err));
        g_assert_nonnull(err);
        g_assert_cmpstr(error_get_pretty(err), ==, cases[i].msg);
        /* A failed set leaves the default in place. */
        g_assert_cmpuint(test_dev(dev)->iobase, ==, 0x3f8);
        error_free(err);
        json_object_put(opts);
        device_destroy(dev);
    }
}

static const MachineClass test_machine_class = {
    .name = "test",
    .description = "test machine",
    .instance_size = sizeof(Machine),
};

static void test_life_cycle(void)
{
    MachineConfig cfg = { 0 };
    Machine *m = machine_new(&test_machine_class, &cfg);
    Device *a = device_new(&test_dev_class, m, "a");
    Device *b = device_new(&test_dev_class, m, "b");
    Device *bad = device_new(&test_dev_class, m, "bad");
    Error *err = NULL;

    test_log = g_string_new(NULL);
    g_assert_true(device_realize(a, &error_abort));
    g_assert_true(device_realize(b, &error_abort));
    g_assert_true(device_set_prop_str(bad, "iobase", "0x666", &error_abort));
    g_assert_false(device_realize(bad, &err));   /* frees it */
    g_assert_cmpstr(error_get_pretty(err), ==, "iobase 0x666 is cursed");
    error_free(err);
    err = NULL;
    g_assert_true(device_find(m, "b") == b);
    g_assert_null(device_find(m, "bad"));

    /* Properties are frozen after realize. */
    g_assert_false(device_set_prop_str(a, "iobase", "1", &err));
    error_free_or_abort(&err);

    machine_reset(m);
    g_assert_cmpuint(test_dev(a)->reg, ==, 0x5a);
    machine_free(m);
    g_assert_cmpstr(test_log->str, ==,
                    "realize(a) realize(b) reset(a) reset(b) sync(a) "
                    "sync(b) unrealize(b) unrealize(a) ");
    g_string_free(test_log, TRUE);
}

static void test_create_errors(void)
{
    MachineConfig cfg = { 0 };
    Machine *m = machine_new(&test_machine_class, &cfg);
    struct json_object *opts =
        keyval_parse("no-such-dev,id=x", "driver", &error_abort);
    Error *err = NULL;

    g_assert_null(device_create(m, opts, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "'no-such-dev' is not a valid device model name");
    error_free(err);
    json_object_put(opts);
    err = NULL;
    opts = keyval_parse("id=x", NULL, &error_abort);
    g_assert_null(device_create(m, opts, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Parameter 'driver' is missing");
    error_free(err);
    json_object_put(opts);
    machine_free(m);
}

static void test_help(void)
{
    g_autofree char *props = device_class_props_help(&test_dev_class);
    g_autofree char *machines = machine_class_list_help();
    g_autofree char *devices = device_class_list_help();
    struct json_object *list = device_class_props_json(&test_dev_class);
    struct json_object *first = json_object_array_get_idx(list, 0);
    struct json_object *v;

    g_assert_true(g_str_has_prefix(props, "test-dev options:\n"));
    g_assert_nonnull(strstr(props, "  iobase=<uint16>"));
    g_assert_nonnull(strstr(props, " - I/O base (default: 1016)\n"));
    g_assert_nonnull(strstr(props, " - a switch (default: true)\n"));
    g_assert_nonnull(strstr(props, "  bootindex=<int32>"));
    g_assert_nonnull(strstr(props, "  size=<size>"));

    g_assert_true(g_str_has_prefix(machines, "Supported machines are:\n"));
    g_assert_nonnull(strstr(machines, "\nnone                 empty machine"));
    g_assert_nonnull(devices);

    g_assert_cmpint(json_object_array_length(list), ==, 7);
    g_assert_true(json_object_object_get_ex(first, "name", &v));
    g_assert_cmpstr(json_object_get_string(v), ==, "flag");
    g_assert_true(json_object_object_get_ex(first, "type", &v));
    g_assert_cmpstr(json_object_get_string(v), ==, "bool");
    g_assert_true(json_object_object_get_ex(first, "default-value", &v));
    g_assert_true(json_object_get_boolean(v));
    json_object_put(list);

    g_assert_true(machine_class_find("none") != NULL);
    g_assert_null(machine_class_find("bogus"));
    g_assert_nonnull(machine_class_default());
}

/* Every table in the tree must be well formed. */
static void test_all_tables(void)
{
    size_t i;

    g_assert_true(property_table_check(test_dev_props, &error_abort));
    for (i = 0; device_classes[i]; i++) {
        const DeviceClass *c = device_classes[i];

        g_assert_cmpuint(c->instance_size, >=, sizeof(Device));
        g_assert_true(property_table_check(c->base_props, &error_abort));
        g_assert_true(property_table_check(c->props, &error_abort));
        g_assert_true(device_class_find(c->name) == c);
    }
    for (i = 0; machine_classes[i]; i++) {
        g_assert_true(property_table_check(machine_classes[i]->props,
                                           &error_abort));
    }
}

static void test_bad_table(void)
{
    static const Property bad[] = {
        { .name = "x", .type = PROP_TYPE_UINT, .size = 3 },
        { 0 },
    };
    static const Property dup[] = {
        DEFINE_PROP_BOOL("x", TestDev, flag, false, NULL),
        DEFINE_PROP_BOOL("x", TestDev, flag, false, NULL),
        { 0 },
    };
    Error *err = NULL;

    g_assert_false(property_table_check(bad, &err));
    error_free_or_abort(&err);
    g_assert_false(property_table_check(dup, &err));
    error_free_or_abort(&err);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/hw/core/device/defaults-and-set", test_defaults_and_set);
    g_test_add_func("/hw/core/device/bad-values", test_bad_values);
    g_test_add_func("/hw/core/device/life-cycle", test_life_cycle);
    g_test_add_func("/hw/core/device/create-errors", test_create_errors);
    g_test_add_func("/hw/core/device/help", test_help);
    g_test_add_func("/hw/core/device/all-tables", test_all_tables);
    g_test_add_func("/hw/core/device/bad-table", test_bad_table);
    return g_test_run();
}
