/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device and machine properties (include/hw/core/property.h): parse values
 * from option objects into instance fields, with range checks and QEMU's
 * messages, and describe tables for -device help and
 * device-list-properties.
 */
#include <inttypes.h>
#include <string.h>

#include "hw/core/property.h"
#include "system/config-seams.h"
#include "util/chardev.h"
#include "util/keyval.h"

static const char *const prop_uint_names[] = {
    [1] = "uint8", [2] = "uint16", [4] = "uint32", [8] = "uint64",
};
static const char *const prop_int_names[] = {
    [1] = "int8", [2] = "int16", [4] = "int32", [8] = "int64",
};

const char *property_type_name(const Property *prop)
{
    switch (prop->type) {
    case PROP_TYPE_BOOL:
        return "bool";
    case PROP_TYPE_UINT:
        return prop->size <= 8 && prop_uint_names[prop->size]
                   ? prop_uint_names[prop->size]
                   : "uint";
    case PROP_TYPE_INT:
        return prop->size <= 8 && prop_int_names[prop->size]
                   ? prop_int_names[prop->size]
                   : "int";
    case PROP_TYPE_SIZE:
        return "size";
    case PROP_TYPE_STR:
        return "str";
    case PROP_TYPE_CHARDEV:
        return "chr";
    case PROP_TYPE_DRIVE:
        return "str";
    }
    return "?";
}

const Property *property_find(const Property *table, const char *name)
{
    for (; table && table->name; table++) {
        if (!strcmp(table->name, name)) {
            return table;
        }
    }
    return NULL;
}

/* The field size each type requires (0: 1, 2, 4 or 8). */
static unsigned property_expected_size(PropertyType type)
{
    switch (type) {
    case PROP_TYPE_BOOL:
        return sizeof(bool);
    case PROP_TYPE_SIZE:
        return sizeof(uint64_t);
    case PROP_TYPE_STR:
    case PROP_TYPE_DRIVE:
        return sizeof(char *);
    case PROP_TYPE_CHARDEV:
        return sizeof(Chardev *);
    default:
        return 0;
    }
}

bool property_table_check(const Property *table, Error **errp)
{
    const Property *p, *q;

    for (p = table; p && p->name; p++) {
        unsigned want = property_expected_size(p->type);
        bool ok = want ? p->size == want
                       : (p->size == 1 || p->size == 2 || p->size == 4 ||
                          p->size == 8);

        if (!ok) {
            error_setg(errp, "Property '%s' has a field of %u bytes, wrong "
                       "for type %s", p->name, p->size,
                       property_type_name(p));
            return false;
        }
        for (q = table; q != p; q++) {
            if (!strcmp(q->name, p->name)) {
                error_setg(errp, "Property '%s' is listed twice", p->name);
                return false;
            }
        }
    }
    return true;
}

static void property_store_uint(void *field, unsigned size, uint64_t v)
{
    switch (size) {
    case 1:
        *(uint8_t *)field = v;
        break;
    case 2:
        *(uint16_t *)field = v;
        break;
    case 4:
        *(uint32_t *)field = v;
        break;
    default:
        *(uint64_t *)field = v;
        break;
    }
}

static uint64_t property_load_uint(const void *field, unsigned size)
{
    switch (size) {
    case 1:
        return *(const uint8_t *)field;
    case 2:
        return *(const uint16_t *)field;
    case 4:
        return *(const uint32_t *)field;
    default:
        return *(const uint64_t *)field;
    }
}

static int64_t property_load_int(const void *field, unsigned size)
{
    switch (size) {
    case 1:
        return *(const int8_t *)field;
    case 2:
        return *(const int16_t *)field;
    case 4:
        return *(const int32_t *)field;
    default:
        return *(const int64_t *)field;
    }
}

void property_set_defaults(const Property *table, void *base)
{
    const Property *p;

    for (p = table; p && p->name; p++) {
        void *field = (char *)base + p->offset;

        switch (p->type) {
        case PROP_TYPE_BOOL:
            *(bool *)field = p->def.b;
            break;
        case PROP_TYPE_UINT:
        case PROP_TYPE_SIZE:
        case PROP_TYPE_INT:
            /* Two's complement: storing the low bytes works for INT too. */
            property_store_uint(field, p->size, p->def.u);
            break;
        case PROP_TYPE_STR:
        case PROP_TYPE_DRIVE:
            g_free(*(char **)field);
            *(char **)field = g_strdup(p->def.s);
            break;
        case PROP_TYPE_CHARDEV:
            *(Chardev **)field = NULL;
            break;
        }
    }
}

/* The scalar value of @val as a string ("1", "true", "x"), or NULL. */
static const char *property_scalar(struct json_object *val)
{
    if (json_object_is_type(val, json_type_string)) {
        return json_object_get_string(val);
    }
    return NULL;
}

static bool property_parse_bool(const Property *prop,
                                struct json_object *val, bool *out,
                                Error **errp)
{
    const char *s = property_scalar(val);

    if (json_object_is_type(val, json_type_boolean)) {
        *out = json_object_get_boolean(val);
        return true;
    }
    if (s && keyval_str_to_bool(s, out)) {
        return true;
    }
    error_setg(errp, "Parameter '%s' expects 'on' or 'off'", prop->name);
    return false;
}

static bool property_parse_uint(const Property *prop, const char *owner,
                                struct json_object *val, uint64_t *out,
                                Error **errp)
{
    const char *s = property_scalar(val);
    uint64_t max = prop->size >= 8 ? UINT64_MAX
                                   : (UINT64_C(1) << (8 * prop->size)) - 1;
    bool ok = false;

    if (json_object_is_type(val, json_type_int)) {
        ok = json_object_get_int64(val) >= 0;
        *out = json_object_get_uint64(val);
    } else if (s) {
        ok = keyval_str_to_uint(s, out);
    }
    if (!ok) {
        error_setg(errp, "Parameter '%s' expects %s", prop->name,
                   property_type_name(prop));
        return false;
    }
    if (*out > max) {
        error_setg(errp, "Property '%s.%s' doesn't take value %" PRIu64
                   " (minimum: 0, maximum: %" PRIu64 ")", owner, prop->name,
                   *out, max);
        return false;
    }
    return true;
}

static bool property_parse_int(const Property *prop, const char *owner,
                               struct json_object *val, int64_t *out,
                               Error **errp)
{
    const char *s = property_scalar(val);
    int64_t max = prop->size >= 8 ? INT64_MAX
                                  : (INT64_C(1) << (8 * prop->size - 1)) - 1;
    int64_t min = -max - 1;
    bool ok = false;

    if (json_object_is_type(val, json_type_int)) {
        ok = json_object_get_int64(val) < 0 ||
             json_object_get_uint64(val) <= (uint64_t)INT64_MAX;
        *out = json_object_get_int64(val);
    } else if (s) {
        ok = keyval_str_to_int(s, out);
    }
    if (!ok) {
        error_setg(errp, "Parameter '%s' expects %s", prop->name,
                   property_type_name(prop));
        return false;
    }
    if (*out < min || *out > max) {
        error_setg(errp, "Property '%s.%s' doesn't take value %" PRId64
                   " (minimum: %" PRId64 ", maximum: %" PRId64 ")", owner,
                   prop->name, *out, min, max);
        return false;
    }
    return true;
}

static bool property_parse_size(const Property *prop,
                                struct json_object *val, uint64_t *out,
                                Error **errp)
{
    const char *s = property_scalar(val);

    if (json_object_is_type(val, json_type_int) &&
        json_object_get_int64(val) >= 0) {
        *out = json_object_get_uint64(val);
        return true;
    }
    if (!s) {
        error_setg(errp, "Parameter '%s' expects a size", prop->name);
        return false;
    }
    return keyval_parse_size(s, prop->name, out, errp);
}

static bool property_set_chardev(const Property *prop, const char *owner,
                                 void *field, const char *s, Error **errp)
{
#if HAVE_CHARDEV
    Chardev *chr = chardev_find(s);

    if (!chr) {
        error_setg(errp, "Property '%s.%s' can't find value '%s'", owner,
                   prop->name, s);
        return false;
    }
    *(Chardev **)field = chr;
    return true;
#else
    error_setg(errp, "Property '%s.%s': character devices are not built "
               "yet", owner, prop->name);
    return false;
#endif
}

static bool property_set_string(const Property *prop, const char *owner,
                                void *field, struct json_object *val,
                                Error **errp)
{
    const char *s = property_scalar(val);

    if (!s) {
        error_setg(errp, "Parameter '%s' expects a string", prop->name);
        return false;
    }
    if (prop->type == PROP_TYPE_CHARDEV) {
        return property_set_chardev(prop, owner, field, s, errp);
    }
    g_free(*(char **)field);
    *(char **)field = g_strdup(s);
    return true;
}

bool property_set(const Property *prop, const char *owner, void *base,
                  struct json_object *val, Error **errp)
{
    void *field = (char *)base + prop->offset;
    uint64_t u;
    int64_t i;
    bool b;

    if (!val) {
        error_setg(errp, "Parameter '%s' is missing a value", prop->name);
        return false;
    }
    switch (prop->type) {
    case PROP_TYPE_BOOL:
        if (!property_parse_bool(prop, val, &b, errp)) {
            return false;
        }
        *(bool *)field = b;
        return true;
    case PROP_TYPE_UINT:
        if (!property_parse_uint(prop, owner, val, &u, errp)) {
            return false;
        }
        property_store_uint(field, prop->size, u);
        return true;
    case PROP_TYPE_INT:
        if (!property_parse_int(prop, owner, val, &i, errp)) {
            return false;
        }
        property_store_uint(field, prop->size, (uint64_t)i);
        return true;
    case PROP_TYPE_SIZE:
        if (!property_parse_size(prop, val, &u, errp)) {
            return false;
        }
        *(uint64_t *)field = u;
        return true;
    default:
        return property_set_string(prop, owner, field, val, errp);
    }
}

struct json_object *property_get_json(const Property *prop, const void *base)
{
    const void *field = (const char *)base + prop->offset;
    const char *s;

    switch (prop->type) {
    case PROP_TYPE_BOOL:
        return json_object_new_boolean(*(const bool *)field);
    case PROP_TYPE_UINT:
    case PROP_TYPE_SIZE:
        return json_object_new_uint64(property_load_uint(field, prop->size));
    case PROP_TYPE_INT:
        return json_object_new_int64(property_load_int(field, prop->size));
    case PROP_TYPE_CHARDEV:
#if HAVE_CHARDEV
        s = *(Chardev *const *)field ? chardev_id(*(Chardev *const *)field)
                                     : NULL;
#else
        s = NULL;
#endif
        return s ? json_object_new_string(s) : NULL;
    default:
        s = *(char *const *)field;
        return s ? json_object_new_string(s) : NULL;
    }
}

void property_free_values(const Property *table, void *base)
{
    const Property *p;

    for (p = table; p && p->name; p++) {
        if (p->type == PROP_TYPE_STR || p->type == PROP_TYPE_DRIVE) {
            char **field = (char **)((char *)base + p->offset);

            g_free(*field);
            *field = NULL;
        }
    }
}

struct json_object *property_default_json(const Property *p)
{
    switch (p->type) {
    case PROP_TYPE_BOOL:
        return json_object_new_boolean(p->def.b);
    case PROP_TYPE_UINT:
    case PROP_TYPE_SIZE:
        return json_object_new_uint64(p->def.u);
    case PROP_TYPE_INT:
        return json_object_new_int64(p->def.i);
    case PROP_TYPE_STR:
    case PROP_TYPE_DRIVE:
        return p->def.s ? json_object_new_string(p->def.s) : NULL;
    default:
        return NULL;
    }
}

static void property_list_append(struct json_object *arr,
                                 const Property *table)
{
    const Property *p;

    for (p = table; p && p->name; p++) {
        struct json_object *o = json_object_new_object();
        struct json_object *def = property_default_json(p);

        json_object_object_add(o, "name", json_object_new_string(p->name));
        json_object_object_add(o, "type",
                               json_object_new_string(property_type_name(p)));
        if (p->description) {
            json_object_object_add(o, "description",
                                   json_object_new_string(p->description));
        }
        if (def) {
            json_object_object_add(o, "default-value", def);
        }
        json_object_array_add(arr, o);
    }
}

struct json_object *property_list_json(const Property *base_table,
                                       const Property *table)
{
    struct json_object *arr = json_object_new_array();

    property_list_append(arr, base_table);
    property_list_append(arr, table);
    return arr;
}

static void property_help_append(GString *s, const Property *table)
{
    const Property *p;

    for (p = table; p && p->name; p++) {
        g_autofree char *left = g_strdup_printf("%s=<%s>", p->name,
                                                property_type_name(p));
        struct json_object *def = property_default_json(p);

        g_string_append_printf(s, "  %-24s", left);
        if (p->description) {
            g_string_append_printf(s, " - %s", p->description);
        }
        if (def) {
            g_string_append_printf(s, " (default: %s)",
                                   json_object_is_type(def, json_type_string)
                                       ? json_object_get_string(def)
                                       : json_object_to_json_string(def));
            json_object_put(def);
        }
        g_string_append_c(s, '\n');
    }
}

char *property_list_help(const char *title, const Property *base_table,
                         const Property *table, const char *none)
{
    GString *s = g_string_new(title);

    g_string_append_c(s, '\n');
    property_help_append(s, base_table);
    property_help_append(s, table);
    if ((!base_table || !base_table->name) && (!table || !table->name)) {
        g_string_append_printf(s, "%s\n", none);
    }
    return g_string_free(s, FALSE);
}
