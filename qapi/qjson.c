/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP's JSON writer (include/qapi/qjson.h): ASCII-only output with
 * \uXXXX escapes, QEMU's ", " and ": " separators, optional pretty
 * printing; and a one-shot parse helper over the streaming reader.
 */
#include "qapi/qjson.h"

#include <inttypes.h>
#include <string.h>

#include "qapi/json-parse.h"

static void qjson_indent(GString *out, bool pretty, int level)
{
    if (pretty) {
        g_string_append_c(out, '\n');
        for (int i = 0; i < level; i++) {
            g_string_append(out, "    ");
        }
    }
}

static void qjson_append_unichar(GString *out, gunichar cp)
{
    if (cp > 0xFFFF) {
        cp -= 0x10000;
        g_string_append_printf(out, "\\u%04x\\u%04x",
                               0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF));
    } else {
        g_string_append_printf(out, "\\u%04x", cp);
    }
}

static void qjson_append_string(GString *out, const char *s, size_t len)
{
    const char *end = s + len;

    g_string_append_c(out, '"');
    while (s < end) {
        unsigned char c = *s;
        gunichar cp;

        switch (c) {
        case '"':  g_string_append(out, "\\\""); s++; continue;
        case '\\': g_string_append(out, "\\\\"); s++; continue;
        case '\b': g_string_append(out, "\\b"); s++; continue;
        case '\f': g_string_append(out, "\\f"); s++; continue;
        case '\n': g_string_append(out, "\\n"); s++; continue;
        case '\r': g_string_append(out, "\\r"); s++; continue;
        case '\t': g_string_append(out, "\\t"); s++; continue;
        default:
            break;
        }
        if (c >= 0x20 && c < 0x7f) {
            g_string_append_c(out, c);
            s++;
            continue;
        }
        if (c < 0x80) {
            qjson_append_unichar(out, c);
            s++;
            continue;
        }
        cp = g_utf8_get_char_validated(s, end - s);
        if (cp == (gunichar)-1 || cp == (gunichar)-2) {
            /* Not UTF-8: say so with the replacement character. */
            qjson_append_unichar(out, 0xFFFD);
            s++;
            continue;
        }
        qjson_append_unichar(out, cp);
        s = g_utf8_next_char(s);
    }
    g_string_append_c(out, '"');
}

static void qjson_append_number(GString *out, struct json_object *obj)
{
    if (json_object_is_type(obj, json_type_int)) {
        int64_t v = json_object_get_int64(obj);

        if (v == INT64_MAX) {
            g_string_append_printf(out, "%" PRIu64,
                                   json_object_get_uint64(obj));
        } else {
            g_string_append_printf(out, "%" PRId64, v);
        }
    } else {
        char buf[G_ASCII_DTOSTR_BUF_SIZE];
        double d = json_object_get_double(obj);

        /* JSON has no NaN or infinity; QMP never produces them. */
        if (d != d || d > G_MAXDOUBLE || d < -G_MAXDOUBLE) {
            g_string_append(out, "null");
            return;
        }
        /* 17 significant digits, as QEMU prints doubles (1000.0 is "1000"). */
        g_ascii_formatd(buf, sizeof(buf), "%.17g", d);
        g_string_append(out, buf);
    }
}

static void qjson_append_level(GString *out, struct json_object *obj,
                               bool pretty, int level)
{
    bool first = true;

    switch (json_object_get_type(obj)) {
    case json_type_null:
        g_string_append(out, "null");
        break;
    case json_type_boolean:
        g_string_append(out, json_object_get_boolean(obj) ? "true" : "false");
        break;
    case json_type_int:
    case json_type_double:
        qjson_append_number(out, obj);
        break;
    case json_type_string:
        qjson_append_string(out, json_object_get_string(obj),
                            json_object_get_string_len(obj));
        break;
    case json_type_object:
        g_string_append_c(out, '{');
        json_object_object_foreach(obj, key, val) {
            g_string_append(out, first ? "" : ",");
            g_string_append(out, first || pretty ? "" : " ");
            qjson_indent(out, pretty, level + 1);
            qjson_append_string(out, key, strlen(key));
            g_string_append(out, ": ");
            qjson_append_level(out, val, pretty, level + 1);
            first = false;
        }
        if (!first) {
            qjson_indent(out, pretty, level);
        }
        g_string_append_c(out, '}');
        break;
    case json_type_array:
        g_string_append_c(out, '[');
        for (size_t i = 0; i < json_object_array_length(obj); i++) {
            g_string_append(out, i ? (pretty ? "," : ", ") : "");
            qjson_indent(out, pretty, level + 1);
            qjson_append_level(out, json_object_array_get_idx(obj, i),
                               pretty, level + 1);
            first = false;
        }
        if (!first) {
            qjson_indent(out, pretty, level);
        }
        g_string_append_c(out, ']');
        break;
    }
}

void qjson_append(GString *out, struct json_object *obj, bool pretty)
{
    qjson_append_level(out, obj, pretty, 0);
}

char *qjson_to_string(struct json_object *obj, bool pretty)
{
    GString *out = g_string_new(NULL);

    qjson_append(out, obj, pretty);
    return g_string_free(out, false);
}

bool qjson_parse(const char *text, struct json_object **out, Error **errp)
{
    return json_parse_text(text, strlen(text), out, errp);
}
