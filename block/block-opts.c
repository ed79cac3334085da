/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading driver options from json-c objects.  Options arrive either from
 * key=value syntax (every leaf a JSON string, as keyval_parse() makes them)
 * or from JSON (typed leaves); these getters accept both, as QEMU's keyval
 * and QObject input visitors do, and remove what they read so the core can
 * reject options nobody consumed.  Error texts follow QEMU's visitors.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "block/block-int.h"

static const char *const prealloc_names[PREALLOC_MODE__MAX] = {
    [PREALLOC_MODE_OFF] = "off",
    [PREALLOC_MODE_METADATA] = "metadata",
    [PREALLOC_MODE_FALLOC] = "falloc",
    [PREALLOC_MODE_FULL] = "full",
};

const char *prealloc_mode_name(PreallocMode mode)
{
    return mode < PREALLOC_MODE__MAX ? prealloc_names[mode] : NULL;
}

bool prealloc_mode_parse(const char *s, PreallocMode *out, Error **errp)
{
    for (int i = 0; i < PREALLOC_MODE__MAX; i++) {
        if (!strcmp(s, prealloc_names[i])) {
            *out = i;
            return true;
        }
    }
    error_setg(errp, "Parameter 'preallocation' does not accept value '%s'",
               s);
    return false;
}

static const char *const detect_zeroes_names[] = {
    [BDRV_DETECT_ZEROES_OFF] = "off",
    [BDRV_DETECT_ZEROES_ON] = "on",
    [BDRV_DETECT_ZEROES_UNMAP] = "unmap",
};

bool bdrv_parse_detect_zeroes(const char *s, BdrvDetectZeroes *out,
                              Error **errp)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(detect_zeroes_names); i++) {
        if (!strcmp(s, detect_zeroes_names[i])) {
            *out = (BdrvDetectZeroes)i;
            return true;
        }
    }
    error_setg(errp, "Parameter 'detect-zeroes' does not accept value '%s'",
               s);
    return false;
}

bool bdrv_parse_size(const char *str, const char *name, uint64_t *out,
                     Error **errp)
{
    static const char suffixes[] = "kmgtpe";
    char *end;
    const char *p;
    uint64_t mult = 1;

    errno = 0;
    if (!str[0] || str[0] == '-' || str[0] == ' ') {
        goto bad;
    }
    unsigned long long v = strtoull(str, &end, 0);
    if (errno || end == str) {
        goto bad;
    }
    if (*end) {
        p = strchr(suffixes, g_ascii_tolower(*end));
        if (*end == 'b' || *end == 'B') {
            p = NULL;
            mult = 1;
        } else if (!p) {
            goto bad;
        } else {
            mult = 1ull << (10 * (p - suffixes + 1));
        }
        if (end[1]) {
            goto bad;
        }
    }
    if (v > UINT64_MAX / mult) {
        goto bad;
    }
    *out = v * mult;
    return true;
bad:
    error_setg(errp, "Parameter '%s' expects a non-negative number below "
               "2^64", name);
    error_append_hint(errp, "Optional suffix k, M, G, T, P or E means "
                      "kilo-, mega-, giga-, tera-, peta-\nand exabytes, "
                      "respectively.\n");
    return false;
}

bool bdrv_opt_take_str(struct json_object *opts, const char *key,
                       char **out, Error **errp)
{
    struct json_object *v;

    *out = NULL;
    if (!opts || !json_object_object_get_ex(opts, key, &v)) {
        return true;
    }
    if (!json_object_is_type(v, json_type_string)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: string",
                   key);
        return false;
    }
    *out = g_strdup(json_object_get_string(v));
    json_object_object_del(opts, key);
    return true;
}

bool bdrv_opt_take_bool(struct json_object *opts, const char *key, bool def,
                        bool *out, Error **errp)
{
    struct json_object *v;

    *out = def;
    if (!opts || !json_object_object_get_ex(opts, key, &v)) {
        return true;
    }
    if (json_object_is_type(v, json_type_boolean)) {
        *out = json_object_get_boolean(v);
    } else if (json_object_is_type(v, json_type_string)) {
        const char *s = json_object_get_string(v);
        if (!strcmp(s, "on") || !strcmp(s, "yes") || !strcmp(s, "true")) {
            *out = true;
        } else if (!strcmp(s, "off") || !strcmp(s, "no") ||
                   !strcmp(s, "false")) {
            *out = false;
        } else {
            error_setg(errp, "Parameter '%s' expects 'on' or 'off'", key);
            return false;
        }
    } else {
        error_setg(errp, "Invalid parameter type for '%s', expected: boolean",
                   key);
        return false;
    }
    json_object_object_del(opts, key);
    return true;
}

static bool opt_take_number(struct json_object *opts, const char *key,
                            uint64_t def, uint64_t *out, bool size,
                            Error **errp)
{
    struct json_object *v;

    *out = def;
    if (!opts || !json_object_object_get_ex(opts, key, &v)) {
        return true;
    }
    if (json_object_is_type(v, json_type_int)) {
        int64_t i = json_object_get_int64(v);
        if (i == INT64_MAX) {
            /* json-c keeps integers above INT64_MAX as uint64. */
            *out = json_object_get_uint64(v);
        } else if (i < 0) {
            /* QEMU's uint64 visitor takes negative numbers as two's
             * complement; a size never is negative. */
            if (size) {
                goto bad;
            }
            *out = (uint64_t)i;
        } else {
            *out = i;
        }
    } else if (json_object_is_type(v, json_type_string)) {
        const char *s = json_object_get_string(v);
        if (size) {
            if (!bdrv_parse_size(s, key, out, errp)) {
                return false;
            }
        } else {
            char *end;
            errno = 0;
            if (!s[0] || s[0] == '-') {
                goto bad;
            }
            *out = strtoull(s, &end, 0);
            if (errno || *end) {
                goto bad;
            }
        }
    } else {
        goto bad;
    }
    json_object_object_del(opts, key);
    return true;
bad:
    error_setg(errp, "Parameter '%s' expects %s", key,
               size ? "a size value" : "uint64");
    return false;
}

bool bdrv_opt_take_uint(struct json_object *opts, const char *key,
                        uint64_t def, uint64_t *out, Error **errp)
{
    return opt_take_number(opts, key, def, out, false, errp);
}

bool bdrv_opt_take_size(struct json_object *opts, const char *key,
                        uint64_t def, uint64_t *out, Error **errp)
{
    return opt_take_number(opts, key, def, out, true, errp);
}

bool bdrv_parse_cache_mode(const char *mode, int *flags, Error **errp)
{
    static const struct {
        const char *name;
        int set;
    } modes[] = {
        { "writeback", 0 },
        { "none", BDRV_O_NOCACHE },
        { "off", BDRV_O_NOCACHE },
        { "unsafe", BDRV_O_NO_FLUSH },
        { "directsync", BDRV_O_NOCACHE | BDRV_O_WRITETHROUGH },
        { "writethrough", BDRV_O_WRITETHROUGH },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(modes); i++) {
        if (!strcmp(mode, modes[i].name)) {
            *flags &= ~(BDRV_O_NOCACHE | BDRV_O_NO_FLUSH |
                        BDRV_O_WRITETHROUGH);
            *flags |= modes[i].set;
            return true;
        }
    }
    error_setg(errp, "Invalid cache option: %s", mode);
    return false;
}
