/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Properties: the typed, named fields of a device (or machine) instance that
 * the user sets with "-device driver,name=value" (or the JSON form of
 * -device), that "-device driver,help" and QMP device-list-properties list,
 * and that are frozen once the device is realized.
 *
 * A property table is a const array of Property, terminated by an entry
 * whose name is NULL.  Each entry names a field of the instance struct by
 * byte offset and size; the DEFINE_PROP_* initialisers below compute both
 * from the struct and field name, so a table reads like the datasheet's
 * strap list:
 *
 *     static const Property uart_props[] = {
 *         DEFINE_PROP_UINT("iobase", UART16550State, iobase, 0x3f8,
 *                          "I/O base port"),
 *         DEFINE_PROP_CHARDEV("chardev", UART16550State, chr,
 *                             "backend of the serial line"),
 *         { 0 },
 *     };
 *
 * Field types per property type:
 *   PROP_TYPE_BOOL     bool
 *   PROP_TYPE_UINT     uint8_t/uint16_t/uint32_t/uint64_t (range checked)
 *   PROP_TYPE_INT      int8_t/int16_t/int32_t/int64_t (range checked)
 *   PROP_TYPE_SIZE     uint64_t, accepts suffixes ("64M", "1G")
 *   PROP_TYPE_STR      char *, owned by the instance (g_free'd with it)
 *   PROP_TYPE_CHARDEV  Chardev *, looked up by id with chardev_find()
 *   PROP_TYPE_DRIVE    char *, the name (id or node-name) of a block
 *                      backend; the device resolves it in realize
 *
 * Values come from json-c objects built by util/keyval.h: from key=value
 * syntax every leaf is a string ("on", "0x3f8"); from JSON syntax leaves
 * keep their JSON type.  Both are accepted for every property type.
 */
#ifndef HW_CORE_PROPERTY_H
#define HW_CORE_PROPERTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>

#include "util/error.h"

typedef enum PropertyType {
    PROP_TYPE_BOOL = 0,
    PROP_TYPE_UINT,
    PROP_TYPE_INT,
    PROP_TYPE_SIZE,
    PROP_TYPE_STR,
    PROP_TYPE_CHARDEV,
    PROP_TYPE_DRIVE,
} PropertyType;

/**
 * struct Property - one settable field.
 * @name: the key the user types ("iobase").
 * @type: how the value is parsed and stored.
 * @offset: byte offset of the field in the instance struct.
 * @size: sizeof the field (checked against @type by property_table_check).
 * @description: one line for help output, or NULL.
 * @def: the power-on default: .b for BOOL, .u for UINT/SIZE, .i for INT,
 *       .s for STR/DRIVE (copied; NULL means unset).  CHARDEV defaults to
 *       NULL (no backend).
 */
typedef struct Property {
    const char *name;
    PropertyType type;
    size_t offset;
    unsigned size;
    const char *description;
    union {
        bool b;
        uint64_t u;
        int64_t i;
        const char *s;
    } def;
} Property;

#define PROP_FIELD_(state, field) \
    .offset = offsetof(state, field), .size = sizeof(((state *)0)->field)

#define DEFINE_PROP_BOOL(pname, state, field, dflt, desc) \
    { .name = (pname), .type = PROP_TYPE_BOOL, PROP_FIELD_(state, field), \
      .description = (desc), .def.b = (dflt) }
#define DEFINE_PROP_UINT(pname, state, field, dflt, desc) \
    { .name = (pname), .type = PROP_TYPE_UINT, PROP_FIELD_(state, field), \
      .description = (desc), .def.u = (dflt) }
#define DEFINE_PROP_INT(pname, state, field, dflt, desc) \
    { .name = (pname), .type = PROP_TYPE_INT, PROP_FIELD_(state, field), \
      .description = (desc), .def.i = (dflt) }
#define DEFINE_PROP_SIZE(pname, state, field, dflt, desc) \
    { .name = (pname), .type = PROP_TYPE_SIZE, PROP_FIELD_(state, field), \
      .description = (desc), .def.u = (dflt) }
#define DEFINE_PROP_STR(pname, state, field, dflt, desc) \
    { .name = (pname), .type = PROP_TYPE_STR, PROP_FIELD_(state, field), \
      .description = (desc), .def.s = (dflt) }
#define DEFINE_PROP_CHARDEV(pname, state, field, desc) \
    { .name = (pname), .type = PROP_TYPE_CHARDEV, \
      PROP_FIELD_(state, field), .description = (desc) }
#define DEFINE_PROP_DRIVE(pname, state, field, desc) \
    { .name = (pname), .type = PROP_TYPE_DRIVE, PROP_FIELD_(state, field), \
      .description = (desc) }

/** property_type_name() - QEMU's spelling for help output: "bool",
 *  "uint32", "int32", "size", "str", "chr", "str" (drive). */
const char *property_type_name(const Property *prop);

/**
 * property_find() - the entry called @name in @table (NULL-terminated),
 * or NULL.  @table may be NULL.
 */
const Property *property_find(const Property *table, const char *name);

/**
 * property_table_check() - verify every entry's @size fits its @type and
 * that no name repeats.  A failure is a bug in the table; used by unit
 * tests over every class.  Returns false with *errp naming the entry.
 */
bool property_table_check(const Property *table, Error **errp);

/** property_set_defaults() - store every default of @table into @base. */
void property_set_defaults(const Property *table, void *base);

/**
 * property_set() - parse @val (a json-c string, integer or boolean) for
 * @prop and store it into the instance at @base.  @val NULL is an error.
 * Errors name the property and the value, in QEMU's words, e.g.
 * "Parameter 'iobase' expects uint16" or "Property 'x.chardev' can't find
 * value 'nope'" (@owner is the driver name used in messages).
 * On failure the field is unchanged.
 */
bool property_set(const Property *prop, const char *owner, void *base,
                  struct json_object *val, Error **errp);

/**
 * property_get_json() - the current value of @prop at @base as a new json-c
 * value (string for STR/DRIVE/CHARDEV ids, null when unset).  For QMP
 * qom-get style queries and tests.
 */
struct json_object *property_get_json(const Property *prop, const void *base);

/** property_default_json() - the default of @p as new json-c, or NULL
 *  when it has none (CHARDEV, DRIVE and unset STR). */
struct json_object *property_default_json(const Property *p);

/**
 * property_list_help() - "@title" then one line per property of
 * @base_table and @table: "  name=<type>  - description (default: x)",
 * or the line @none when both are empty.  Returns a new string.
 */
char *property_list_help(const char *title, const Property *base_table,
                         const Property *table, const char *none);

/** property_free_values() - g_free the STR/DRIVE fields of @base. */
void property_free_values(const Property *table, void *base);

/**
 * property_list_json() - device-list-properties: an array of
 * {"name", "type", "description"?, "default-value"?} for @table (entries
 * of @base_table first, if given).  Caller owns the result.
 */
struct json_object *property_list_json(const Property *base_table,
                                       const Property *table);

#endif /* HW_CORE_PROPERTY_H */
