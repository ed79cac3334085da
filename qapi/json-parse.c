/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The grammar half of QMP's JSON reader: turns the text of one balanced
 * top-level value (cut out of the byte stream by json-stream.c) into
 * json-c objects.  RFC 8259 plus the QMP extensions: 'single-quoted'
 * strings and the \' escape.
 *
 * Strictness, as QEMU's parser: strings must be valid UTF-8 (no overlong
 * forms, no encoded surrogates), \u escapes must pair surrogates
 * correctly, \u0000 is refused, object keys must be unique.  Integers that
 * fit int64, or uint64 when positive, stay integers; anything else is a
 * double.  Nesting depth is bounded by the stream before this runs.
 */
#include "qapi/json-parse.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct JsonParser {
    const char *p;
    const char *end;
    Error **errp;
} JsonParser;

static bool json_parse_value(JsonParser *jp, struct json_object **out);

static bool json_parse_fail(JsonParser *jp, const char *what)
{
    error_setg(jp->errp, "JSON parse error, %s", what);
    return false;
}

static void json_skip_ws(JsonParser *jp)
{
    while (jp->p < jp->end &&
           (*jp->p == ' ' || *jp->p == '\t' || *jp->p == '\n' ||
            *jp->p == '\r')) {
        jp->p++;
    }
}

static int json_hex4(const char *s)
{
    int v = 0;

    for (int i = 0; i < 4; i++) {
        int d = g_ascii_xdigit_value(s[i]);

        if (d < 0) {
            return -1;
        }
        v = v * 16 + d;
    }
    return v;
}

/* One \uXXXX escape (with its low surrogate, if any) at jp->p. */
static bool json_parse_unicode(JsonParser *jp, GString *str)
{
    int cp, lo;

    if (jp->end - jp->p < 4 || (cp = json_hex4(jp->p)) < 0) {
        return json_parse_fail(jp, "invalid hex escape sequence in string");
    }
    jp->p += 4;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (jp->end - jp->p < 6 || jp->p[0] != '\\' || jp->p[1] != 'u' ||
            (lo = json_hex4(jp->p + 2)) < 0xDC00 || lo > 0xDFFF) {
            return json_parse_fail(jp, "missing low surrogate in string");
        }
        jp->p += 6;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
        return json_parse_fail(jp, "stray low surrogate in string");
    } else if (cp == 0) {
        return json_parse_fail(jp, "\\u0000 is not supported");
    }
    g_string_append_unichar(str, cp);
    return true;
}

static bool json_parse_escape(JsonParser *jp, GString *str)
{
    static const char simple[][2] = {
        { '"', '"' }, { '\'', '\'' }, { '\\', '\\' }, { '/', '/' },
        { 'b', '\b' }, { 'f', '\f' }, { 'n', '\n' }, { 'r', '\r' },
        { 't', '\t' },
    };
    char c;

    if (jp->p >= jp->end) {
        return json_parse_fail(jp, "unterminated string");
    }
    c = *jp->p++;
    if (c == 'u') {
        return json_parse_unicode(jp, str);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(simple); i++) {
        if (simple[i][0] == c) {
            g_string_append_c(str, simple[i][1]);
            return true;
        }
    }
    return json_parse_fail(jp, "invalid escape sequence in string");
}

static bool json_parse_string(JsonParser *jp, char **out)
{
    char quote = *jp->p++;
    g_autoptr(GString) str = g_string_new(NULL);

    while (jp->p < jp->end && *jp->p != quote) {
        unsigned char c = *jp->p;

        if (c == '\\') {
            jp->p++;
            if (!json_parse_escape(jp, str)) {
                return false;
            }
        } else if (c < 0x20) {
            return json_parse_fail(jp, "control character in string");
        } else if (c < 0x80) {
            g_string_append_c(str, c);
            jp->p++;
        } else {
            gunichar u = g_utf8_get_char_validated(jp->p, jp->end - jp->p);
            const char *next;

            if (u == (gunichar)-1 || u == (gunichar)-2) {
                return json_parse_fail(jp,
                                       "invalid UTF-8 sequence in string");
            }
            next = g_utf8_next_char(jp->p);
            g_string_append_len(str, jp->p, next - jp->p);
            jp->p = next;
        }
    }
    if (jp->p >= jp->end) {
        return json_parse_fail(jp, "unterminated string");
    }
    jp->p++;
    *out = g_string_free(g_steal_pointer(&str), false);
    return true;
}

static bool json_is_word_char(char c)
{
    return g_ascii_isalnum(c) || c == '-' || c == '+' || c == '.';
}

/* Checks the number grammar of RFC 8259 section 6; returns "is integer". */
static bool json_number_shape(const char *s, size_t len, bool *integer)
{
    size_t i = 0;

    *integer = true;
    if (i < len && s[i] == '-') {
        i++;
    }
    if (i < len && s[i] == '0') {
        i++;
    } else if (i < len && s[i] >= '1' && s[i] <= '9') {
        while (i < len && g_ascii_isdigit(s[i])) {
            i++;
        }
    } else {
        return false;
    }
    if (i < len && s[i] == '.') {
        *integer = false;
        if (++i >= len || !g_ascii_isdigit(s[i])) {
            return false;
        }
        while (i < len && g_ascii_isdigit(s[i])) {
            i++;
        }
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        *integer = false;
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-')) {
            i++;
        }
        if (i >= len || !g_ascii_isdigit(s[i])) {
            return false;
        }
        while (i < len && g_ascii_isdigit(s[i])) {
            i++;
        }
    }
    return i == len;
}

static bool json_parse_number(JsonParser *jp, const char *word, size_t len,
                              struct json_object **out)
{
    g_autofree char *text = g_strndup(word, len);
    bool integer;

    if (!json_number_shape(text, len, &integer)) {
        return json_parse_fail(jp, "invalid number");
    }
    if (integer) {
        long long sv;
        unsigned long long uv;

        errno = 0;
        sv = strtoll(text, NULL, 10);
        if (errno == 0) {
            *out = json_object_new_int64(sv);
            return true;
        }
        if (text[0] != '-') {
            errno = 0;
            uv = strtoull(text, NULL, 10);
            if (errno == 0) {
                *out = json_object_new_uint64(uv);
                return true;
            }
        }
    }
    *out = json_object_new_double(g_ascii_strtod(text, NULL));
    return true;
}

static bool json_parse_word(JsonParser *jp, struct json_object **out)
{
    const char *start = jp->p;
    size_t len;

    while (jp->p < jp->end && json_is_word_char(*jp->p)) {
        jp->p++;
    }
    len = jp->p - start;
    if (len == 4 && !memcmp(start, "true", 4)) {
        *out = json_object_new_boolean(true);
        return true;
    }
    if (len == 5 && !memcmp(start, "false", 5)) {
        *out = json_object_new_boolean(false);
        return true;
    }
    if (len == 4 && !memcmp(start, "null", 4)) {
        *out = NULL;
        return true;
    }
    if (start[0] == '-' || g_ascii_isdigit(start[0])) {
        return json_parse_number(jp, start, len, out);
    }
    return json_parse_fail(jp, "invalid keyword");
}

static bool json_parse_object(JsonParser *jp, struct json_object **out)
{
    struct json_object *obj = json_object_new_object();

    jp->p++;
    json_skip_ws(jp);
    if (jp->p < jp->end && *jp->p == '}') {
        jp->p++;
        *out = obj;
        return true;
    }
    for (;;) {
        g_autofree char *key = NULL;
        struct json_object *val;

        json_skip_ws(jp);
        if (jp->p >= jp->end || (*jp->p != '"' && *jp->p != '\'')) {
            json_object_put(obj);
            /* As QEMU: a key that is some other value, or no value. */
            if (jp->p < jp->end && (json_is_word_char(*jp->p) ||
                                    *jp->p == '{' || *jp->p == '[')) {
                return json_parse_fail(jp, "key is not a string in object");
            }
            return json_parse_fail(jp, "expecting value");
        }
        if (!json_parse_string(jp, &key)) {
            goto fail;
        }
        json_skip_ws(jp);
        if (jp->p >= jp->end || *jp->p != ':') {
            json_parse_fail(jp, "missing : in object pair");
            goto fail;
        }
        jp->p++;
        if (!json_parse_value(jp, &val)) {
            goto fail;
        }
        if (json_object_object_get_ex(obj, key, NULL)) {
            json_object_put(val);
            json_parse_fail(jp, "duplicate key");
            goto fail;
        }
        json_object_object_add(obj, key, val);
        json_skip_ws(jp);
        if (jp->p < jp->end && *jp->p == ',') {
            jp->p++;
            continue;
        }
        if (jp->p < jp->end && *jp->p == '}') {
            jp->p++;
            *out = obj;
            return true;
        }
        json_parse_fail(jp, "expected separator in dict");
        goto fail;
    }
fail:
    json_object_put(obj);
    return false;
}

static bool json_parse_array(JsonParser *jp, struct json_object **out)
{
    struct json_object *arr = json_object_new_array();

    jp->p++;
    json_skip_ws(jp);
    if (jp->p < jp->end && *jp->p == ']') {
        jp->p++;
        *out = arr;
        return true;
    }
    for (;;) {
        struct json_object *val;

        if (!json_parse_value(jp, &val)) {
            break;
        }
        json_object_array_add(arr, val);
        json_skip_ws(jp);
        if (jp->p < jp->end && *jp->p == ',') {
            jp->p++;
            continue;
        }
        if (jp->p < jp->end && *jp->p == ']') {
            jp->p++;
            *out = arr;
            return true;
        }
        json_parse_fail(jp, "expected separator in list");
        break;
    }
    json_object_put(arr);
    return false;
}

static bool json_parse_value(JsonParser *jp, struct json_object **out)
{
    char c;

    json_skip_ws(jp);
    if (jp->p >= jp->end) {
        return json_parse_fail(jp, "expecting value");
    }
    c = *jp->p;
    if (c == '{') {
        return json_parse_object(jp, out);
    }
    if (c == '[') {
        return json_parse_array(jp, out);
    }
    if (c == '"' || c == '\'') {
        char *s;

        if (!json_parse_string(jp, &s)) {
            return false;
        }
        *out = json_object_new_string(s);
        g_free(s);
        return true;
    }
    if (json_is_word_char(c)) {
        return json_parse_word(jp, out);
    }
    return json_parse_fail(jp, "expecting value");
}

bool json_parse_text(const char *text, size_t len, struct json_object **out,
                     Error **errp)
{
    JsonParser jp = { .p = text, .end = text + len, .errp = errp };
    struct json_object *val;

    if (!json_parse_value(&jp, &val)) {
        return false;
    }
    json_skip_ws(&jp);
    if (jp.p < jp.end) {
        json_object_put(val);
        return json_parse_fail(&jp, "trailing characters after value");
    }
    *out = val;
    return true;
}
