/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qcow2 runtime options: overlap-check (mode string, or an object with
 * "template" and per-structure booleans, or the same as dotted keys),
 * overlap-check-memory-limit, the cache sizes, cache-clean-interval,
 * lazy-refcounts and pass-discard-request.
 *
 * Behaviour and messages: BLOCK-QMP-REFERENCE.md 2.1 (QEMU's qcow2 option
 * handling, iotest 137) and issue 4 item 4 for the memory limit.  Values
 * arrive as JSON strings (from -drive/keyval) or typed JSON (-blockdev
 * JSON, QMP); each consumed member is removed from the options object.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "block/qcow2/qcow2.h"

void qcow2_options_init(Qcow2Options *opts)
{
    memset(opts, 0, sizeof(*opts));
    opts->overlap_mask = QCOW2_OL_CACHED;
    opts->overlap_mem_limit = UINT64_MAX;
    opts->pass_discard_request = true;
    opts->cache_clean_interval = 600;  /* QEMU's default on Linux */
    opts->device = "";
}

static bool qcow2_parse_size_str(const char *str, uint64_t *out)
{
    char *end;
    double v;
    uint64_t mul = 1;

    errno = 0;
    v = strtod(str, &end);
    if (end == str || errno || v < 0 || !isdigit((unsigned char)str[0])) {
        return false;
    }
    switch (toupper((unsigned char)*end)) {
    case 'B': mul = 1; end++; break;
    case 'K': mul = 1ull << 10; end++; break;
    case 'M': mul = 1ull << 20; end++; break;
    case 'G': mul = 1ull << 30; end++; break;
    case 'T': mul = 1ull << 40; end++; break;
    case 'P': mul = 1ull << 50; end++; break;
    case 'E': mul = 1ull << 60; end++; break;
    default: break;
    }
    if (*end || v * (double)mul >= 18446744073709551616.0) {
        return false;
    }
    *out = (uint64_t)(v * (double)mul);
    return true;
}

/* Take @key from @obj as a size.  Absent: true, *present = false. */
bool qcow2_take_size(struct json_object *obj, const char *key,
                            uint64_t *out, bool *present, Error **errp)
{
    struct json_object *v;

    *present = false;
    if (!json_object_object_get_ex(obj, key, &v)) {
        return true;
    }
    bool ok;
    if (json_object_is_type(v, json_type_int)) {
        int64_t i = json_object_get_int64(v);
        ok = i >= 0;
        *out = (uint64_t)i;
    } else {
        ok = json_object_is_type(v, json_type_string) &&
             qcow2_parse_size_str(json_object_get_string(v), out);
    }
    json_object_object_del(obj, key);
    if (!ok) {
        error_setg(errp, "Parameter '%s' expects a non-negative number "
                   "below 2^64", key);
        error_append_hint(errp, "Optional suffix k, M, G, T, P or E means "
                          "kilo-, mega-, giga-, tera-, peta-\nand exabytes, "
                          "respectively.\n");
        return false;
    }
    *present = true;
    return true;
}

/*
 * Take @key as a QEMU "number" option: an integer, or a string strtoull
 * takes whole (base 0; a minus sign wraps, as in QEMU).
 */
static bool qcow2_take_number(struct json_object *obj, const char *key,
                              uint64_t *out, Error **errp)
{
    struct json_object *v;
    bool ok = true;

    if (!json_object_object_get_ex(obj, key, &v)) {
        return true;
    }
    if (json_object_is_type(v, json_type_int)) {
        *out = (uint64_t)json_object_get_int64(v);
    } else {
        const char *str = json_object_get_string(v);
        char *end;
        errno = 0;
        *out = strtoull(str, &end, 0);
        ok = json_object_is_type(v, json_type_string) && end != str &&
             !*end && !errno && !isspace((unsigned char)*str);
    }
    json_object_object_del(obj, key);
    if (!ok) {
        error_setg(errp, "Parameter '%s' expects a number", key);
    }
    return ok;
}

bool qcow2_take_bool(struct json_object *obj, const char *key,
                            bool *out, bool *present, Error **errp)
{
    struct json_object *v;
    bool ok = true;

    *present = false;
    if (!json_object_object_get_ex(obj, key, &v)) {
        return true;
    }
    if (json_object_is_type(v, json_type_boolean)) {
        *out = json_object_get_boolean(v);
    } else {
        const char *s = json_object_get_string(v);
        if (!strcmp(s, "on") || !strcmp(s, "true") || !strcmp(s, "yes")) {
            *out = true;
        } else if (!strcmp(s, "off") || !strcmp(s, "false") ||
                   !strcmp(s, "no")) {
            *out = false;
        } else {
            ok = false;
        }
    }
    json_object_object_del(obj, key);
    if (!ok) {
        error_setg(errp, "Parameter '%s' expects 'on' or 'off'", key);
        return false;
    }
    *present = true;
    return true;
}

bool qcow2_take_str(struct json_object *obj, const char *key, char **out,
                    Error **errp)
{
    struct json_object *v;

    if (!json_object_object_get_ex(obj, key, &v)) {
        return true;
    }
    if (json_object_is_type(v, json_type_object) ||
        json_object_is_type(v, json_type_array)) {
        json_object_object_del(obj, key);
        error_setg(errp, "Parameter '%s' expects a string", key);
        return false;
    }
    g_free(*out);
    *out = g_strdup(json_object_get_string(v));
    json_object_object_del(obj, key);
    return true;
}

static bool qcow2_mode_mask(const char *mode, uint32_t *mask, Error **errp)
{
    if (!qcow2_overlap_parse_mode(mode, mask)) {
        error_setg(errp, "Unsupported value '%s' for qcow2 option "
                   "'overlap-check'. Allowed are any of the following: "
                   "none, constant, cached, all", mode);
        return false;
    }
    return true;
}

/* Apply "template" and per-structure booleans found in @o (an object
 * whose members are named without prefix, or with @prefix). */
static bool qcow2_overlap_flags(struct json_object *o, const char *prefix,
                                const char *mode, uint32_t *mask,
                                Error **errp)
{
    g_autofree char *tkey = g_strconcat(prefix, "template", NULL);
    struct json_object *t;

    if (json_object_object_get_ex(o, tkey, &t)) {
        g_autofree char *tmpl = g_strdup(json_object_get_string(t));
        json_object_object_del(o, tkey);
        if (mode && strcmp(mode, tmpl)) {
            error_setg(errp, "Conflicting values for qcow2 options "
                       "'overlap-check' ('%s') and 'overlap-check.template' "
                       "('%s')", mode, tmpl);
            return false;
        }
        if (!qcow2_mode_mask(tmpl, mask, errp)) {
            return false;
        }
    }
    for (int ty = 0; ty < QCOW2_OL_MAX; ty++) {
        static const char *const names[] = {
            "main-header", "active-l1", "active-l2", "refcount-table",
            "refcount-block", "snapshot-table", "inactive-l1",
            "inactive-l2", "bitmap-directory",
        };
        g_autofree char *key = g_strconcat(prefix, names[ty], NULL);
        bool on, present;
        if (!qcow2_take_bool(o, key, &on, &present, errp)) {
            return false;
        }
        if (present) {
            *mask = on ? (*mask | QCOW2_OL_BIT(ty)) : (*mask & ~QCOW2_OL_BIT(ty));
        }
    }
    return true;
}

static bool qcow2_overlap_options(Qcow2Options *opts,
                                  struct json_object *obj, Error **errp)
{
    struct json_object *v;
    g_autofree char *mode = NULL;

    if (json_object_object_get_ex(obj, "overlap-check", &v)) {
        if (json_object_is_type(v, json_type_object)) {
            bool ok = qcow2_overlap_flags(v, "", NULL, &opts->overlap_mask,
                                          errp);
            json_object_object_del(obj, "overlap-check");
            return ok;
        }
        mode = g_strdup(json_object_get_string(v));
        json_object_object_del(obj, "overlap-check");
        if (!qcow2_mode_mask(mode, &opts->overlap_mask, errp)) {
            return false;
        }
    }
    return qcow2_overlap_flags(obj, "overlap-check.", mode,
                               &opts->overlap_mask, errp);
}

bool qcow2_options_from_json(Qcow2Options *opts, struct json_object *obj,
                             Error **errp)
{
    bool present;
    uint64_t total = 0, interval = opts->cache_clean_interval;
    bool have_total;

    if (!obj) {
        return true;
    }
    if (!qcow2_overlap_options(opts, obj, errp) ||
        !qcow2_take_size(obj, "overlap-check-memory-limit",
                         &opts->overlap_mem_limit, &present, errp) ||
        !qcow2_take_size(obj, "l2-cache-size", &opts->l2_cache_bytes,
                         &present, errp) ||
        !qcow2_take_size(obj, "refcount-cache-size",
                         &opts->refcount_cache_bytes, &present, errp) ||
        !qcow2_take_size(obj, "cache-size", &total, &have_total, errp) ||
        !qcow2_take_number(obj, "cache-clean-interval", &interval, errp) ||
        !qcow2_take_bool(obj, "lazy-refcounts", &opts->lazy_refcounts,
                         &opts->lazy_refcounts_set, errp) ||
        !qcow2_take_bool(obj, "pass-discard-request",
                         &opts->pass_discard_request, &present, errp)) {
        return false;
    }
    if (interval > UINT32_MAX) {
        error_setg(errp, "Cache clean interval too big");
        return false;
    }
    opts->cache_clean_interval = interval;
    if (have_total) {
        if (opts->l2_cache_bytes && opts->refcount_cache_bytes) {
            error_setg(errp, "cache-size, l2-cache-size and "
                       "refcount-cache-size may not be set at the same time");
            return false;
        }
        if (opts->l2_cache_bytes > total) {
            error_setg(errp, "l2-cache-size may not exceed cache-size");
            return false;
        }
        if (opts->refcount_cache_bytes > total) {
            error_setg(errp, "refcount-cache-size may not exceed cache-size");
            return false;
        }
        if (opts->l2_cache_bytes) {
            opts->refcount_cache_bytes = total - opts->l2_cache_bytes;
        } else if (opts->refcount_cache_bytes) {
            opts->l2_cache_bytes = total - opts->refcount_cache_bytes;
        } else {
            /* Split at open, once the cluster size is known. */
            opts->l2_cache_bytes = total;
            opts->refcount_cache_bytes = UINT64_MAX;
        }
    }
    return true;
}
