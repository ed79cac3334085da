/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The option parser of every command-line option: QEMU's key=value syntax
 * (docs: qemu-options, "-device", "-blockdev"; keyval as described in
 * QEMU's documentation of dotted keys) and the JSON form of -blockdev,
 * -device and -object, both into json-c objects.
 *
 * Syntax accepted by keyval_parse():
 *   params   := [ param { ',' param } ] [ ',' ]
 *   param    := key '=' value | value          (bare value: implied key,
 *                                               first parameter only)
 *   key      := fragment { '.' fragment }      fragment: [A-Za-z0-9_-]+,
 *                                               at most 127 characters,
 *                                               at most 64 levels
 *   value    := any characters; ",," stands for one ','
 * Dotted keys build nested objects.  Leaves are JSON strings.
 *
 * Deviation: QEMU lets a later duplicate key win in some options; this
 * parser rejects duplicates, as include/util/keyval.h specifies, because a
 * repeated key on a command line is nearly always a mistake.  Lists
 * ("a.0=x") are kept as objects with numeric keys.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "util/keyval.h"

#define KEYVAL_FRAGMENT_MAX 127
/* Nesting limit of dotted keys (json-c frees nested objects recursively,
 * so a hostile "a.a.a...." must not build a million levels). */
#define KEYVAL_DEPTH_MAX 64

static bool keyval_key_char_ok(char c)
{
    return isalnum((unsigned char)c) || c == '-' || c == '_';
}

/*
 * Check a whole dotted key: non-empty fragments of allowed characters.
 * @key is NUL-terminated.
 */
static bool keyval_check_key(const char *key, Error **errp)
{
    const char *frag = key;
    unsigned depth = 0;

    if (!*key) {
        error_setg(errp, "Invalid parameter ''");
        return false;
    }
    for (;;) {
        size_t n = 0;

        while (frag[n] && frag[n] != '.') {
            if (!keyval_key_char_ok(frag[n])) {
                error_setg(errp, "Invalid parameter '%s'", key);
                return false;
            }
            n++;
        }
        if (n == 0) {
            error_setg(errp, "Invalid parameter '%s'", key);
            return false;
        }
        if (n > KEYVAL_FRAGMENT_MAX) {
            error_setg(errp, "Parameter '%.*s' is too long", 32, frag);
            return false;
        }
        if (!frag[n]) {
            return true;
        }
        if (++depth >= KEYVAL_DEPTH_MAX) {
            error_setg(errp, "Parameter '%.32s...' nests deeper than %d "
                       "levels", key, KEYVAL_DEPTH_MAX);
            return false;
        }
        frag += n + 1;
    }
}

/* Length of the first @n fragments of dotted @key, dots included. */
static int keyval_prefix_len(const char *key, size_t n)
{
    const char *p = key;

    while (n--) {
        p = strchr(p, '.');
        if (!p) {
            return (int)strlen(key);
        }
        if (n) {
            p++;
        }
    }
    return (int)(p - key);
}

/*
 * Store @value under the dotted @key in @root, creating intermediate
 * objects.  Rejects duplicates and keys used both as a value and as a
 * prefix.  Takes ownership of @value.
 */
static bool keyval_put(struct json_object *root, const char *key,
                       struct json_object *value, Error **errp)
{
    g_auto(GStrv) frags = g_strsplit(key, ".", -1);
    struct json_object *cur = root;
    struct json_object *old = NULL;
    size_t i;

    for (i = 0; frags[i + 1]; i++) {
        struct json_object *next = NULL;

        if (json_object_object_get_ex(cur, frags[i], &next)) {
            if (!json_object_is_type(next, json_type_object)) {
                error_setg(errp, "Parameters '%.*s.*' used inconsistently",
                           keyval_prefix_len(key, i + 1), key);
                json_object_put(value);
                return false;
            }
        } else {
            next = json_object_new_object();
            json_object_object_add(cur, frags[i], next);
        }
        cur = next;
    }
    if (json_object_object_get_ex(cur, frags[i], &old)) {
        if (json_object_is_type(old, json_type_object)) {
            error_setg(errp, "Parameters '%s.*' used inconsistently", key);
        } else {
            error_setg(errp, "Parameter '%s' is set more than once", key);
        }
        json_object_put(value);
        return false;
    }
    json_object_object_add(cur, frags[i], value);
    return true;
}

/*
 * Scan a value starting at *@pos up to the next single ','; ",," is a
 * literal comma.  Leaves *@pos on the terminating ',' or NUL.
 */
static char *keyval_scan_value(const char **pos)
{
    GString *val = g_string_new(NULL);
    const char *p = *pos;

    while (*p) {
        if (*p == ',') {
            if (p[1] != ',') {
                break;
            }
            p++;
        }
        g_string_append_c(val, *p);
        p++;
    }
    *pos = p;
    return g_string_free(val, FALSE);
}

/* Parse one "key=value" or bare value at *@pos into @root. */
static bool keyval_parse_one(struct json_object *root, const char **pos,
                             const char *implied_key, Error **errp)
{
    const char *start = *pos;
    const char *p = start;
    g_autofree char *key = NULL;
    char *value;
    bool ok;

    while (*p && *p != '=' && *p != ',') {
        p++;
    }
    if (*p == '=') {
        key = g_strndup(start, p - start);
        if (!keyval_check_key(key, errp)) {
            return false;
        }
        p++;
    } else if (implied_key && p != start) {
        key = g_strdup(implied_key);
        p = start;
    } else if (p == start) {
        error_setg(errp, "Invalid parameter ''");
        return false;
    } else {
        error_setg(errp, "Expected '=' after parameter '%.*s'",
                   (int)MIN(p - start, 64), start);
        return false;
    }
    value = keyval_scan_value(&p);
    *pos = p;
    ok = keyval_put(root, key, json_object_new_string(value), errp);
    g_free(value);
    return ok;
}

struct json_object *keyval_parse(const char *params, const char *implied_key,
                                 Error **errp)
{
    struct json_object *root = json_object_new_object();
    const char *p = params ? params : "";
    bool first = true;

    while (*p) {
        if (!keyval_parse_one(root, &p, first ? implied_key : NULL, errp)) {
            json_object_put(root);
            return NULL;
        }
        first = false;
        if (*p == ',') {
            p++;
        }
    }
    return root;
}

static struct json_object *keyval_parse_json(const char *text, Error **errp)
{
    struct json_tokener *tok = json_tokener_new_ex(64);
    size_t len = strlen(text);
    struct json_object *obj;
    enum json_tokener_error jerr;
    size_t used;

    obj = json_tokener_parse_ex(tok, text, (int)MIN(len, (size_t)INT32_MAX));
    jerr = json_tokener_get_error(tok);
    used = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    if (len > INT32_MAX) {
        json_object_put(obj);
        error_setg(errp, "JSON option value is too long");
        return NULL;
    }
    if (jerr != json_tokener_success || !obj) {
        json_object_put(obj);
        error_setg(errp, "JSON parse error: %s",
                   jerr == json_tokener_continue
                       ? "unexpected end of input"
                       : json_tokener_error_desc(jerr));
        return NULL;
    }
    while (used < len && isspace((unsigned char)text[used])) {
        used++;
    }
    if (used != len) {
        json_object_put(obj);
        error_setg(errp, "JSON parse error: trailing characters after the "
                         "object");
        return NULL;
    }
    if (!json_object_is_type(obj, json_type_object)) {
        json_object_put(obj);
        error_setg(errp, "JSON option value must be an object");
        return NULL;
    }
    return obj;
}

struct json_object *keyval_parse_or_json(const char *params,
                                         const char *implied_key,
                                         Error **errp)
{
    if (params && params[0] == '{') {
        return keyval_parse_json(params, errp);
    }
    return keyval_parse(params, implied_key, errp);
}

/*
 * The member at dotted @key, or NULL when absent (any missing level).
 */
static struct json_object *keyval_lookup(struct json_object *opts,
                                         const char *key)
{
    g_auto(GStrv) frags = NULL;
    struct json_object *cur = opts;
    size_t i;

    if (!opts || !key) {
        return NULL;
    }
    if (json_object_object_get_ex(opts, key, &cur)) {
        return cur;
    }
    frags = g_strsplit(key, ".", -1);
    cur = opts;
    for (i = 0; frags[i]; i++) {
        if (!json_object_is_type(cur, json_type_object) ||
            !json_object_object_get_ex(cur, frags[i], &cur)) {
            return NULL;
        }
    }
    return cur;
}

const char *keyval_get_str(struct json_object *opts, const char *key,
                           Error **errp)
{
    struct json_object *v = keyval_lookup(opts, key);

    if (!v) {
        return NULL;
    }
    if (!json_object_is_type(v, json_type_string)) {
        error_setg(errp, "Parameter '%s' expects a string", key);
        return NULL;
    }
    return json_object_get_string(v);
}

bool keyval_str_to_bool(const char *s, bool *out)
{
    static const struct {
        const char *word;
        bool val;
    } words[] = {
        { "on", true }, { "yes", true }, { "true", true },
        { "off", false }, { "no", false }, { "false", false },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(words); i++) {
        if (!strcmp(s, words[i].word)) {
            *out = words[i].val;
            return true;
        }
    }
    return false;
}

bool keyval_get_bool(struct json_object *opts, const char *key, bool def,
                     bool *out, Error **errp)
{
    struct json_object *v = keyval_lookup(opts, key);

    if (!v) {
        *out = def;
        return true;
    }
    if (json_object_is_type(v, json_type_boolean)) {
        *out = json_object_get_boolean(v);
        return true;
    }
    if (json_object_is_type(v, json_type_string) &&
        keyval_str_to_bool(json_object_get_string(v), out)) {
        return true;
    }
    error_setg(errp, "Parameter '%s' expects 'on' or 'off'", key);
    return false;
}

bool keyval_str_to_uint(const char *s, uint64_t *out)
{
    char *end = NULL;
    unsigned long long v;

    while (isspace((unsigned char)*s)) {
        s++;
    }
    if (!isdigit((unsigned char)*s)) {
        return false;
    }
    errno = 0;
    v = strtoull(s, &end, 0);
    if (errno || end == s || *end) {
        return false;
    }
    *out = v;
    return true;
}

bool keyval_str_to_int(const char *s, int64_t *out)
{
    char *end = NULL;
    long long v;

    while (isspace((unsigned char)*s)) {
        s++;
    }
    if (!isdigit((unsigned char)*s) && *s != '-' && *s != '+') {
        return false;
    }
    errno = 0;
    v = strtoll(s, &end, 0);
    if (errno || end == s || *end) {
        return false;
    }
    *out = v;
    return true;
}

bool keyval_get_uint(struct json_object *opts, const char *key, uint64_t def,
                     uint64_t *out, Error **errp)
{
    struct json_object *v = keyval_lookup(opts, key);

    if (!v) {
        *out = def;
        return true;
    }
    if (json_object_is_type(v, json_type_int)) {
        /* json-c keeps negative integers as int64, big ones as uint64. */
        if (json_object_get_int64(v) >= 0 ||
            json_object_get_uint64(v) > (uint64_t)INT64_MAX) {
            *out = json_object_get_uint64(v);
            return true;
        }
    } else if (json_object_is_type(v, json_type_string) &&
               keyval_str_to_uint(json_object_get_string(v), out)) {
        return true;
    }
    error_setg(errp, "Parameter '%s' expects uint64", key);
    return false;
}

bool keyval_get_int(struct json_object *opts, const char *key, int64_t def,
                    int64_t *out, Error **errp)
{
    struct json_object *v = keyval_lookup(opts, key);

    if (!v) {
        *out = def;
        return true;
    }
    if (json_object_is_type(v, json_type_int)) {
        if (json_object_get_int64(v) < 0 ||
            json_object_get_uint64(v) <= (uint64_t)INT64_MAX) {
            *out = json_object_get_int64(v);
            return true;
        }
    } else if (json_object_is_type(v, json_type_string) &&
               keyval_str_to_int(json_object_get_string(v), out)) {
        return true;
    }
    error_setg(errp, "Parameter '%s' expects int64", key);
    return false;
}

/* The multiplier of a size suffix letter, 0 when @c is not one. */
static uint64_t keyval_size_unit(char c)
{
    static const char suffixes[] = "bkmgtpe";
    const char *hit = c ? strchr(suffixes, tolower((unsigned char)c)) : NULL;

    return hit ? UINT64_C(1) << (10 * (hit - suffixes)) : 0;
}

/*
 * Parse "<number>[.<fraction>][suffix]" (hex "0x..." without fraction).
 * No suffix means @default_unit.  A fraction needs a suffix, as in QEMU.
 */
static bool keyval_str_to_size(const char *s, uint64_t default_unit,
                               uint64_t *out)
{
    const char *p = s;
    char *end = NULL;
    unsigned long long whole;
    double frac = 0;
    uint64_t unit, result, frac_bytes;
    bool hex;

    while (isspace((unsigned char)*p)) {
        p++;
    }
    if (!isdigit((unsigned char)*p)) {
        return false;
    }
    hex = p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
    errno = 0;
    whole = strtoull(p, &end, hex ? 16 : 10);
    if (errno || end == p || (hex && end == p + 2)) {
        return false;
    }
    p = end;
    if (*p == '.' && !hex) {
        const char *fstart = p;

        p++;
        if (!isdigit((unsigned char)*p)) {
            return false;
        }
        while (isdigit((unsigned char)*p)) {
            p++;
        }
        frac = g_ascii_strtod(fstart, NULL);
    }
    unit = *p ? keyval_size_unit(*p) : default_unit;
    if (!unit || (*p && p[1]) || (frac != 0 && !*p)) {
        return false;
    }
    if (__builtin_mul_overflow((uint64_t)whole, unit, &result)) {
        return false;
    }
    frac_bytes = (uint64_t)(frac * (double)unit + 0.5);
    if (frac != 0 && frac * (double)unit >= 18446744073709551616.0) {
        return false;
    }
    if (__builtin_add_overflow(result, frac_bytes, &result)) {
        return false;
    }
    *out = result;
    return true;
}

bool keyval_parse_size_unit(const char *str, const char *name,
                            uint64_t default_unit, uint64_t *out,
                            Error **errp)
{
    if (!str || !keyval_str_to_size(str, default_unit, out)) {
        error_setg(errp, "Parameter '%s' expects a non-negative number below "
                   "2^64 with an optional suffix k, M, G, T, P or E", name);
        return false;
    }
    return true;
}

bool keyval_parse_size(const char *str, const char *name, uint64_t *out,
                       Error **errp)
{
    return keyval_parse_size_unit(str, name, 1, out, errp);
}

bool keyval_get_size(struct json_object *opts, const char *key, uint64_t def,
                     uint64_t *out, Error **errp)
{
    struct json_object *v = keyval_lookup(opts, key);

    if (!v) {
        *out = def;
        return true;
    }
    if (json_object_is_type(v, json_type_int)) {
        return keyval_get_uint(opts, key, def, out, errp);
    }
    if (!json_object_is_type(v, json_type_string)) {
        error_setg(errp, "Parameter '%s' expects a size", key);
        return false;
    }
    return keyval_parse_size(json_object_get_string(v), key, out, errp);
}

bool keyval_check_unused(struct json_object *opts, const char *const *known,
                         Error **errp)
{
    json_object_object_foreach(opts, key, val) {
        size_t i;
        bool found = false;

        (void)val;
        for (i = 0; known && known[i]; i++) {
            if (!strcmp(known[i], key)) {
                found = true;
                break;
            }
        }
        if (!found) {
            error_setg(errp, "Invalid parameter '%s'", key);
            return false;
        }
    }
    return true;
}
