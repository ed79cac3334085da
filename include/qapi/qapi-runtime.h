/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The run-time half of the QAPI generator: converting built-in types
 * between json-c values and C, building the "full names" QMP errors use,
 * and the checks every generated input visitor shares.
 *
 * Error messages are QEMU 7.2's, because clients match on them (checked
 * against qemu-system-x86_64 7.2):
 *   "Parameter 'X' is missing"                    (member absent)
 *   "Invalid parameter type for 'X', expected: T" (wrong JSON type; T is
 *        "string", "integer", "number", "boolean", "null", "object",
 *        "array", or an alternate's type name)
 *   "Parameter 'X' expects uint64"                (wrong JSON type for
 *        uint64, size and the narrower unsigned types)
 *   "Parameter 'X' expects int32_t"               (integer out of the
 *        range of a fixed-width type; likewise uint8_t, ...)
 *   "Parameter 'X' does not accept value 'V'"     (not an enum value)
 *   "Parameter 'X' is unexpected"                 (unknown member)
 * X is the member's full name: "a.b" inside objects, "a[2]" in arrays,
 * "null" for a value without a name (see qapi_path_show()).
 *
 * Quirk kept from QEMU: uint64 and size accept negative JSON integers and
 * take them modulo 2^64, so -1 becomes UINT64_MAX.
 */
#ifndef QAPI_QAPI_RUNTIME_H
#define QAPI_QAPI_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>
#include <json-c/json.h>

#include "util/error.h"

/**
 * qapi_path_member() - the full name of member @name inside @path
 * (NULL @path: the top level).  Caller frees.
 */
char *qapi_path_member(const char *path, const char *name);
/** qapi_path_index() - the full name of element @i of @path. */
char *qapi_path_index(const char *path, size_t i);
/** qapi_path_show() - @path for a message: "null" when NULL. */
const char *qapi_path_show(const char *path);

/**
 * qapi_get_member() - look up @name in object @src.
 * Returns true when present (*@val may then be NULL for JSON null).
 */
bool qapi_get_member(struct json_object *src, const char *name,
                     struct json_object **val);

/** qapi_error_missing() - "Parameter 'X' is missing". */
void qapi_error_missing(const char *path, Error **errp);
/** qapi_error_type() - "Invalid parameter type for 'X', expected: T". */
void qapi_error_type(const char *path, const char *expected, Error **errp);

/**
 * qapi_check_object() - fail unless @src is a JSON object
 * ("expected: object").
 */
bool qapi_check_object(struct json_object *src, const char *path,
                       Error **errp);

/**
 * qapi_check_unexpected() - fail with "Parameter 'X' is unexpected" for
 * the first member of @src whose name is not in @known.
 */
bool qapi_check_unexpected(struct json_object *src, const char *path,
                           GPtrArray *known, Error **errp);

/* Built-in types, JSON -> C.  @out is written only on success. */
bool qapi_in_str(struct json_object *src, const char *path, char **out,
                 Error **errp);
bool qapi_in_int(struct json_object *src, const char *path, int64_t *out,
                 Error **errp);
bool qapi_in_int8(struct json_object *src, const char *path, int8_t *out,
                  Error **errp);
bool qapi_in_int16(struct json_object *src, const char *path, int16_t *out,
                   Error **errp);
bool qapi_in_int32(struct json_object *src, const char *path, int32_t *out,
                   Error **errp);
bool qapi_in_int64(struct json_object *src, const char *path, int64_t *out,
                   Error **errp);
bool qapi_in_uint8(struct json_object *src, const char *path, uint8_t *out,
                   Error **errp);
bool qapi_in_uint16(struct json_object *src, const char *path,
                    uint16_t *out, Error **errp);
bool qapi_in_uint32(struct json_object *src, const char *path,
                    uint32_t *out, Error **errp);
bool qapi_in_uint64(struct json_object *src, const char *path,
                    uint64_t *out, Error **errp);
bool qapi_in_size(struct json_object *src, const char *path, uint64_t *out,
                  Error **errp);
bool qapi_in_number(struct json_object *src, const char *path, double *out,
                    Error **errp);
bool qapi_in_bool(struct json_object *src, const char *path, bool *out,
                  Error **errp);
bool qapi_in_null(struct json_object *src, const char *path, bool *out,
                  Error **errp);
/** qapi_in_any() - takes a new reference to @src. */
bool qapi_in_any(struct json_object *src, const char *path,
                 struct json_object **out, Error **errp);

/**
 * qapi_in_enum() - a JSON string that must be one of @names[0..@count).
 */
bool qapi_in_enum(struct json_object *src, const char *path,
                  const char *const *names, int count, int *out,
                  Error **errp);

/* Built-in types, C -> JSON.  Each returns a new reference. */
struct json_object *qapi_out_str(const char *v);
struct json_object *qapi_out_int(int64_t v);
struct json_object *qapi_out_uint(uint64_t v);
struct json_object *qapi_out_number(double v);
struct json_object *qapi_out_bool(bool v);
struct json_object *qapi_out_null(bool v);
struct json_object *qapi_out_any(struct json_object *v);

/**
 * qapi_enum_lookup() - index of @name in @names, or -1.
 */
int qapi_enum_lookup(const char *const *names, int count, const char *name);

#endif /* QAPI_QAPI_RUNTIME_H */
