/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one parser for QEMU-style option strings: "key=val,key2=val2" with
 * ",," escaping a comma inside a value, an optional implied first key
 * ("-chardev socket,id=x" = "backend=socket,id=x"; "-device ide-hd,..." =
 * "driver=ide-hd,..."), and dotted keys building nested objects
 * ("file.driver=file,file.filename=a" = {"file": {"driver": "file",
 * "filename": "a"}}).  Options that QEMU also accepts as JSON (-blockdev,
 * -device, -object) may instead be a JSON object starting with '{'.
 *
 * The result is a json-c object.  From key=value syntax every leaf is a
 * JSON string (the consumer converts, as QEMU's keyval visitor does);
 * from JSON syntax leaves keep their JSON types.  Helpers below read typed
 * values from either form, with clear errors.
 */
#ifndef UTIL_KEYVAL_H
#define UTIL_KEYVAL_H

#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>

#include "util/error.h"

/**
 * keyval_parse() - parse @params into a new json-c object.
 * @implied_key: name of the key a leading bare word stands for, or NULL.
 * Errors (all with *errp set and NULL returned): empty key, a key given
 * twice, a key that is both a value and a prefix ("a=1,a.b=2"), a bare word
 * without '=' where no implied key applies, invalid characters in a key,
 * a JSON document that is not an object.
 */
struct json_object *keyval_parse(const char *params, const char *implied_key,
                                 Error **errp);

/**
 * keyval_parse_or_json() - JSON when @params starts with '{', else
 * keyval_parse().
 */
struct json_object *keyval_parse_or_json(const char *params,
                                         const char *implied_key,
                                         Error **errp);

/** keyval_get_str() - string member @key, or NULL if absent.  A non-string
 *  JSON leaf is an error ("Parameter 'key' expects a string"). */
const char *keyval_get_str(struct json_object *opts, const char *key,
                           Error **errp);
/** keyval_get_bool() - "on"/"off"/"yes"/"no"/"true"/"false" or JSON bool;
 *  @def when absent.  Returns false with *errp set for anything else. */
bool keyval_get_bool(struct json_object *opts, const char *key, bool def,
                     bool *out, Error **errp);
/** keyval_get_uint() - unsigned number (decimal, 0x hex) or JSON integer. */
bool keyval_get_uint(struct json_object *opts, const char *key, uint64_t def,
                     uint64_t *out, Error **errp);
/** keyval_get_size() - a size with optional suffix k/M/G/T (powers of 1024)
 *  as QEMU's size options accept ("64M", "1G", "512"). */
bool keyval_get_size(struct json_object *opts, const char *key, uint64_t def,
                     uint64_t *out, Error **errp);
/** keyval_parse_size() - the same for a bare string. */
bool keyval_parse_size(const char *str, const char *name, uint64_t *out,
                       Error **errp);

/** keyval_get_int() - signed number (decimal, 0x hex) or JSON integer. */
bool keyval_get_int(struct json_object *opts, const char *key, int64_t def,
                    int64_t *out, Error **errp);
/**
 * keyval_parse_size_unit() - keyval_parse_size() where a number without
 * suffix counts in @default_unit bytes (-m takes MiB: 1 << 20).
 */
bool keyval_parse_size_unit(const char *str, const char *name,
                            uint64_t default_unit, uint64_t *out,
                            Error **errp);

/** keyval_str_to_bool() - "on"/"yes"/"true"/"off"/"no"/"false"; false
 *  (and *out unchanged) for anything else. */
bool keyval_str_to_bool(const char *s, bool *out);
/** keyval_str_to_uint() - decimal, 0x hex or 0 octal, no sign, whole
 *  string, no overflow; false otherwise. */
bool keyval_str_to_uint(const char *s, uint64_t *out);
/** keyval_str_to_int() - likewise, with an optional sign. */
bool keyval_str_to_int(const char *s, int64_t *out);

/*
 * The getters above accept a dotted @key ("file.filename") and look through
 * nested objects; absent members give @def.
 */

/**
 * keyval_check_unused() - fail on any member of @opts not in the
 * NULL-terminated @known list: "Invalid parameter 'x'".
 */
bool keyval_check_unused(struct json_object *opts, const char *const *known,
                         Error **errp);

#endif /* UTIL_KEYVAL_H */
