/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Run-time support for the generated QAPI visitors; see
 * include/qapi/qapi-runtime.h.  Numbers: json-c keeps integers as int64
 * or uint64 and fractional values as double; QMP integer types accept
 * only the former (a 1.0 is not an integer), "number" accepts both.
 */
#include "qapi/qapi-runtime.h"

#include <inttypes.h>
#include <string.h>

char *qapi_path_member(const char *path, const char *name)
{
    return path ? g_strdup_printf("%s.%s", path, name) : g_strdup(name);
}

char *qapi_path_index(const char *path, size_t i)
{
    return g_strdup_printf("%s[%zu]", path ? path : "", i);
}

const char *qapi_path_show(const char *path)
{
    return path ? path : "null";
}

bool qapi_get_member(struct json_object *src, const char *name,
                     struct json_object **val)
{
    *val = NULL;
    return src && json_object_object_get_ex(src, name, val);
}

void qapi_error_missing(const char *path, Error **errp)
{
    error_setg(errp, "Parameter '%s' is missing", qapi_path_show(path));
}

void qapi_error_type(const char *path, const char *expected, Error **errp)
{
    error_setg(errp, "Invalid parameter type for '%s', expected: %s",
               qapi_path_show(path), expected);
}

bool qapi_check_object(struct json_object *src, const char *path,
                       Error **errp)
{
    if (!json_object_is_type(src, json_type_object)) {
        qapi_error_type(path, "object", errp);
        return false;
    }
    return true;
}

bool qapi_check_unexpected(struct json_object *src, const char *path,
                           GPtrArray *known, Error **errp)
{
    if (!src) {
        return true;
    }
    json_object_object_foreach(src, key, val) {
        bool found = false;

        (void)val;
        for (guint i = 0; i < known->len && !found; i++) {
            found = !strcmp(key, g_ptr_array_index(known, i));
        }
        if (!found) {
            g_autofree char *full = qapi_path_member(path, key);

            error_setg(errp, "Parameter '%s' is unexpected", full);
            return false;
        }
    }
    return true;
}

bool qapi_in_str(struct json_object *src, const char *path, char **out,
                 Error **errp)
{
    if (!json_object_is_type(src, json_type_string)) {
        qapi_error_type(path, "string", errp);
        return false;
    }
    *out = g_strdup(json_object_get_string(src));
    return true;
}

/*
 * The exact value of a json-c integer: json-c clamps when asked for the
 * other signedness, so ask for int64 first and fall back to uint64 when it
 * saturated at INT64_MAX.  Returns false for non-integers.
 */
static bool qapi_int_value(struct json_object *src, int64_t *sval,
                           uint64_t *uval, bool *is_unsigned_big)
{
    if (!json_object_is_type(src, json_type_int)) {
        return false;
    }
    *sval = json_object_get_int64(src);
    *uval = (uint64_t)*sval;
    *is_unsigned_big = false;
    if (*sval == INT64_MAX) {
        *uval = json_object_get_uint64(src);
        *is_unsigned_big = *uval > (uint64_t)INT64_MAX;
    }
    return true;
}

static bool qapi_in_signed(struct json_object *src, const char *path,
                           int64_t min, int64_t max, const char *tname,
                           int64_t *out, Error **errp)
{
    int64_t s;
    uint64_t u;
    bool big;

    if (!qapi_int_value(src, &s, &u, &big) || big) {
        qapi_error_type(path, "integer", errp);
        return false;
    }
    if (s < min || s > max) {
        error_setg(errp, "Parameter '%s' expects %s", qapi_path_show(path),
                   tname);
        return false;
    }
    *out = s;
    return true;
}

static bool qapi_in_unsigned(struct json_object *src, const char *path,
                             uint64_t max, const char *tname, uint64_t *out,
                             Error **errp)
{
    int64_t s;
    uint64_t u;
    bool big;

    if (!qapi_int_value(src, &s, &u, &big)) {
        /* QEMU words this one differently from the other type errors. */
        error_setg(errp, "Parameter '%s' expects uint64",
                   qapi_path_show(path));
        return false;
    }
    /* Negative values wrap modulo 2^64 first, as QEMU's visitor does. */
    if (u > max) {
        error_setg(errp, "Parameter '%s' expects %s", qapi_path_show(path),
                   tname);
        return false;
    }
    *out = u;
    return true;
}

bool qapi_in_int(struct json_object *src, const char *path, int64_t *out,
                 Error **errp)
{
    return qapi_in_signed(src, path, INT64_MIN, INT64_MAX, "int64", out,
                          errp);
}

bool qapi_in_int64(struct json_object *src, const char *path, int64_t *out,
                   Error **errp)
{
    return qapi_in_int(src, path, out, errp);
}

bool qapi_in_int8(struct json_object *src, const char *path,
                  int8_t *out, Error **errp)
{
    int64_t v;

    if (!qapi_in_signed(src, path, INT8_MIN, INT8_MAX, "int8_t", &v,
                        errp)) {
        return false;
    }
    *out = (int8_t)v;
    return true;
}

bool qapi_in_int16(struct json_object *src, const char *path,
                  int16_t *out, Error **errp)
{
    int64_t v;

    if (!qapi_in_signed(src, path, INT16_MIN, INT16_MAX, "int16_t", &v,
                        errp)) {
        return false;
    }
    *out = (int16_t)v;
    return true;
}

bool qapi_in_int32(struct json_object *src, const char *path,
                  int32_t *out, Error **errp)
{
    int64_t v;

    if (!qapi_in_signed(src, path, INT32_MIN, INT32_MAX, "int32_t", &v,
                        errp)) {
        return false;
    }
    *out = (int32_t)v;
    return true;
}

bool qapi_in_uint8(struct json_object *src, const char *path,
                   uint8_t *out, Error **errp)
{
    uint64_t v;

    if (!qapi_in_unsigned(src, path, UINT8_MAX, "uint8_t", &v, errp)) {
        return false;
    }
    *out = (uint8_t)v;
    return true;
}

bool qapi_in_uint16(struct json_object *src, const char *path,
                   uint16_t *out, Error **errp)
{
    uint64_t v;

    if (!qapi_in_unsigned(src, path, UINT16_MAX, "uint16_t", &v, errp)) {
        return false;
    }
    *out = (uint16_t)v;
    return true;
}

bool qapi_in_uint32(struct json_object *src, const char *path,
                   uint32_t *out, Error **errp)
{
    uint64_t v;

    if (!qapi_in_unsigned(src, path, UINT32_MAX, "uint32_t", &v, errp)) {
        return false;
    }
    *out = (uint32_t)v;
    return true;
}

bool qapi_in_uint64(struct json_object *src, const char *path,
                    uint64_t *out, Error **errp)
{
    return qapi_in_unsigned(src, path, UINT64_MAX, "uint64", out, errp);
}

bool qapi_in_size(struct json_object *src, const char *path, uint64_t *out,
                  Error **errp)
{
    /* QEMU's input visitor treats size exactly as uint64. */
    return qapi_in_uint64(src, path, out, errp);
}

bool qapi_in_number(struct json_object *src, const char *path, double *out,
                    Error **errp)
{
    int64_t s;
    uint64_t u;
    bool big;

    if (json_object_is_type(src, json_type_double)) {
        *out = json_object_get_double(src);
        return true;
    }
    if (!qapi_int_value(src, &s, &u, &big)) {
        qapi_error_type(path, "number", errp);
        return false;
    }
    *out = big ? (double)u : (double)s;
    return true;
}

bool qapi_in_bool(struct json_object *src, const char *path, bool *out,
                  Error **errp)
{
    if (!json_object_is_type(src, json_type_boolean)) {
        qapi_error_type(path, "boolean", errp);
        return false;
    }
    *out = json_object_get_boolean(src);
    return true;
}

bool qapi_in_null(struct json_object *src, const char *path, bool *out,
                  Error **errp)
{
    if (src != NULL) {
        qapi_error_type(path, "null", errp);
        return false;
    }
    *out = true;
    return true;
}

bool qapi_in_any(struct json_object *src, const char *path,
                 struct json_object **out, Error **errp)
{
    *out = json_object_get(src);
    return true;
}

int qapi_enum_lookup(const char *const *names, int count, const char *name)
{
    for (int i = 0; i < count; i++) {
        if (!strcmp(names[i], name)) {
            return i;
        }
    }
    return -1;
}

bool qapi_in_enum(struct json_object *src, const char *path,
                  const char *const *names, int count, int *out,
                  Error **errp)
{
    const char *s;
    int i;

    if (!json_object_is_type(src, json_type_string)) {
        qapi_error_type(path, "string", errp);
        return false;
    }
    s = json_object_get_string(src);
    i = qapi_enum_lookup(names, count, s);
    if (i < 0) {
        error_setg(errp, "Parameter '%s' does not accept value '%s'",
                   qapi_path_show(path), s);
        return false;
    }
    *out = i;
    return true;
}

struct json_object *qapi_out_str(const char *v)
{
    return json_object_new_string(v ? v : "");
}

struct json_object *qapi_out_int(int64_t v)
{
    return json_object_new_int64(v);
}

struct json_object *qapi_out_uint(uint64_t v)
{
    return v > (uint64_t)INT64_MAX ? json_object_new_uint64(v)
                                   : json_object_new_int64((int64_t)v);
}

struct json_object *qapi_out_number(double v)
{
    return json_object_new_double(v);
}

struct json_object *qapi_out_bool(bool v)
{
    return json_object_new_boolean(v);
}

struct json_object *qapi_out_null(bool v)
{
    return NULL;
}

struct json_object *qapi_out_any(struct json_object *v)
{
    return json_object_get(v);
}
