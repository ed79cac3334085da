/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests of QMP's JSON reader and writer (qapi/json-stream.c,
 * qapi/json-parse.c, qapi/qjson.c): values split across feeds, QMP's
 * single-quote dialect, number ranges, malformed input and recovery
 * (the cases of QEMU's qmp-test plus more), the three limits, and ASCII
 * output with \u escapes.
 */
#include <string.h>
#include <glib.h>

#include "qapi/json-stream.h"
#include "qapi/qjson.h"

/* Everything the stream emitted: JSON text of values, or "ERR:<msg>". */
typedef struct Sink {
    GPtrArray *items;
} Sink;

static void sink_emit(void *opaque, struct json_object *value, Error *err)
{
    Sink *sink = opaque;

    if (err) {
        g_ptr_array_add(sink->items,
                        g_strdup_printf("ERR:%s", error_get_pretty(err)));
        error_free(err);
        g_assert_null(value);
        return;
    }
    g_ptr_array_add(sink->items, qjson_to_string(value, false));
    json_object_put(value);
}

static JsonStream *sink_new(Sink *sink)
{
    sink->items = g_ptr_array_new_with_free_func(g_free);
    return json_stream_new(sink_emit, sink);
}

static void sink_free(Sink *sink, JsonStream *s)
{
    json_stream_free(s);
    g_ptr_array_free(sink->items, true);
}

static const char *item(Sink *sink, guint i)
{
    g_assert_cmpuint(i, <, sink->items->len);
    return g_ptr_array_index(sink->items, i);
}

static void feed(JsonStream *s, const char *text)
{
    json_stream_feed(s, text, strlen(text));
}

static void test_split_feeds(void)
{
    Sink sink;
    JsonStream *s = sink_new(&sink);
    const char *text = "{\"execute\": \"query-status\", \"id\": [1, 2.5]}";

    for (size_t i = 0; text[i]; i++) {
        json_stream_feed(s, text + i, 1);
        if (text[i + 1]) {
            g_assert_cmpuint(sink.items->len, ==, 0);
        }
    }
    g_assert_cmpuint(sink.items->len, ==, 1);
    g_assert_cmpstr(item(&sink, 0), ==,
                    "{\"execute\": \"query-status\", \"id\": [1, 2.5]}");
    sink_free(&sink, s);
}

static void test_back_to_back(void)
{
    Sink sink;
    JsonStream *s = sink_new(&sink);

    feed(s, "{\"a\":1}{\"b\":2}  [3]\"x\"");
    g_assert_cmpuint(sink.items->len, ==, 4);
    g_assert_cmpstr(item(&sink, 0), ==, "{\"a\": 1}");
    g_assert_cmpstr(item(&sink, 1), ==, "{\"b\": 2}");
    g_assert_cmpstr(item(&sink, 2), ==, "[3]");
    g_assert_cmpstr(item(&sink, 3), ==, "\"x\"");
    sink_free(&sink, s);
}

static void test_single_quotes(void)
{
    Sink sink;
    JsonStream *s = sink_new(&sink);

    feed(s, "{'execute': 'it\\'s', \"q\": '\"'}");
    g_assert_cmpuint(sink.items->len, ==, 1);
    g_assert_cmpstr(item(&sink, 0), ==,
                    "{\"execute\": \"it's\", \"q\": \"\\\"\"}");
    sink_free(&sink, s);
}

static void test_numbers(void)
{
    Sink sink;
    JsonStream *s = sink_new(&sink);

    feed(s, "[9223372036854775807, 18446744073709551615, -1, "
            "-9223372036854775809, 1e3, 0.5]");
    g_assert_cmpstr(item(&sink, 0), ==,
                    "[9223372036854775807, 18446744073709551615, -1, "
                    "-9.2233720368547758e+18, 1000, 0.5]");
    /* A scalar at top level ends with the next non-number byte, or EOF. */
    feed(s, "42\n17");
    g_assert_cmpstr(item(&sink, 1), ==, "42");
    g_assert_cmpuint(sink.items->len, ==, 2);
    json_stream_flush(s);
    g_assert_cmpstr(item(&sink, 2), ==, "17");
    feed(s, "[01]");
    g_assert_cmpstr(item(&sink, 3), ==, "ERR:JSON parse error, invalid number");
    sink_free(&sink, s);
}

/* After each malformed input, the next good command must still parse. */
static void check_recovers(const char *bad, const char *want_err)
{
    Sink sink;
    JsonStream *s = sink_new(&sink);

    json_stream_feed(s, bad, strlen(bad));
    feed(s, "{\"execute\": \"cont\"}");
    g_assert_cmpuint(sink.items->len, >=, 2);
    g_assert_true(g_str_has_prefix(item(&sink, 0), "ERR:JSON parse error"));
    if (want_err) {
        g_assert_cmpstr(item(&sink, 0), ==, want_err);
    }
    g_assert_cmpstr(item(&sink, sink.items->len - 1), ==,
                    "{\"execute\": \"cont\"}");
    for (guint i = 1; i + 1 < sink.items->len; i++) {
        g_assert_true(g_str_has_prefix(item(&sink, i), "ERR:"));
    }
    sink_free(&sink, s);
}

static void test_recovery(void)
{
    check_recovers("{]", "ERR:JSON parse error, expecting value");
    check_recovers("{1: 2}",
                   "ERR:JSON parse error, key is not a string in object");
    check_recovers("[1 2]",
                   "ERR:JSON parse error, expected separator in list");
    check_recovers("{\xff", "ERR:JSON parse error, stray '\\xff'");
    check_recovers("{\x01", "ERR:JSON parse error, stray '\\x01'");
    check_recovers("{'bad \xff'", "ERR:JSON parse error, stray '\\xff'");
    check_recovers("{\"a\" 1}", "ERR:JSON parse error, missing : in object pair");
    check_recovers("}", "ERR:JSON parse error, expecting value");
    check_recovers("{\"a\": 1, \"a\": 2}", "ERR:JSON parse error, duplicate key");
    check_recovers("[\"\xc3\x28\"]",
                   "ERR:JSON parse error, invalid UTF-8 sequence in string");
    check_recovers("[\"\\u0000\"]",
                   "ERR:JSON parse error, \\u0000 is not supported");
    check_recovers("[\"\\ud800x\"]",
                   "ERR:JSON parse error, missing low surrogate in string");
    check_recovers("[truth]", "ERR:JSON parse error, invalid keyword");
    check_recovers("{\"a\": @}", "ERR:JSON parse error, stray '@'");
}

static void test_depth_limit(void)
{
    Sink sink;
    JsonStream *s = sink_new(&sink);
    GString *deep = g_string_new(NULL);

    for (int i = 0; i < 2000; i++) {
        g_string_append_c(deep, '[');
    }
    for (int i = 0; i < 2000; i++) {
        g_string_append_c(deep, ']');
    }
    json_stream_feed(s, deep->str, deep->len);
    feed(s, "{\"ok\": true}");
    g_assert_cmpuint(sink.items->len, ==, 2);
    g_assert_cmpstr(item(&sink, 0), ==,
                    "ERR:JSON nesting depth limit exceeded");
    g_assert_cmpstr(item(&sink, 1), ==, "{\"ok\": true}");
    g_string_free(deep, true);

    /* Exactly at the limit is fine. */
    deep = g_string_new(NULL);
    for (int i = 0; i < JSON_STREAM_MAX_DEPTH; i++) {
        g_string_append_c(deep, '[');
    }
    for (int i = 0; i < JSON_STREAM_MAX_DEPTH; i++) {
        g_string_append_c(deep, ']');
    }
    json_stream_feed(s, deep->str, deep->len);
    g_assert_cmpuint(sink.items->len, ==, 3);
    g_assert_false(g_str_has_prefix(item(&sink, 2), "ERR:"));
    g_string_free(deep, true);
    sink_free(&sink, s);
}

static void test_size_limit(void)
{
    Sink sink;
    JsonStream *s = sink_new(&sink);
    char chunk[4096];

    json_stream_set_limits(s, 100000, 0, 0);
    memset(chunk, 'a', sizeof(chunk));
    feed(s, "{\"execute\": \"x\", \"arguments\": {\"s\": \"");
    /* 10 MiB of string: memory must stay bounded by the limit. */
    for (int i = 0; i < 2560; i++) {
        json_stream_feed(s, chunk, sizeof(chunk));
        g_assert_cmpuint(json_stream_buffered(s), <=, 100001);
    }
    feed(s, "\"}}");
    feed(s, "{\"execute\": \"cont\"}");
    g_assert_cmpuint(sink.items->len, ==, 2);
    g_assert_cmpstr(item(&sink, 0), ==, "ERR:JSON token size limit exceeded");
    g_assert_cmpstr(item(&sink, 1), ==, "{\"execute\": \"cont\"}");

    /* A brace inside the oversized string must not confuse the skipper. */
    feed(s, "[\"");
    for (int i = 0; i < 30; i++) {
        json_stream_feed(s, chunk, sizeof(chunk));
    }
    feed(s, "}]\"]{\"n\": 1}");
    g_assert_cmpuint(sink.items->len, ==, 4);
    g_assert_cmpstr(item(&sink, 3), ==, "{\"n\": 1}");
    sink_free(&sink, s);
}

static void test_token_limit(void)
{
    Sink sink;
    JsonStream *s = sink_new(&sink);

    json_stream_set_limits(s, 0, 10, 0);
    feed(s, "[1,2,3,4,5,6,7,8,9,10,11,12]");
    feed(s, "[1,2]");
    g_assert_cmpuint(sink.items->len, ==, 2);
    g_assert_cmpstr(item(&sink, 0), ==, "ERR:JSON token count limit exceeded");
    g_assert_cmpstr(item(&sink, 1), ==, "[1, 2]");
    sink_free(&sink, s);
}

static void test_flush(void)
{
    Sink sink;
    JsonStream *s = sink_new(&sink);

    feed(s, "{\"a\": ");
    json_stream_flush(s);
    g_assert_cmpuint(sink.items->len, ==, 1);
    g_assert_cmpstr(item(&sink, 0), ==,
                    "ERR:JSON parse error, premature end of input");
    feed(s, "{\"b\": 1}");
    g_assert_cmpstr(item(&sink, 1), ==, "{\"b\": 1}");
    feed(s, "{\"c\": ");
    json_stream_reset(s);
    feed(s, "[]");
    g_assert_cmpuint(sink.items->len, ==, 3);
    g_assert_cmpstr(item(&sink, 2), ==, "[]");
    sink_free(&sink, s);
}

static void test_ascii_output(void)
{
    struct json_object *obj = json_object_new_object();
    g_autofree char *text = NULL;
    g_autofree char *pretty = NULL;
    struct json_object *back = NULL;

    json_object_object_add(obj, "s",
        json_object_new_string("caf\xc3\xa9 \xf0\x9f\x98\x80 \x01\t/\"\\"));
    json_object_object_add(obj, "bad", json_object_new_string("\xff"));
    json_object_object_add(obj, "e", json_object_new_object());
    text = qjson_to_string(obj, false);
    g_assert_cmpstr(text, ==,
                    "{\"s\": \"caf\\u00e9 \\ud83d\\ude00 \\u0001\\t/\\\"\\\\\", "
                    "\"bad\": \"\\ufffd\", \"e\": {}}");
    for (const char *p = text; *p; p++) {
        g_assert_cmpint((unsigned char)*p, <, 0x80);
    }
    g_assert_true(qjson_parse(text, &back, NULL));
    g_assert_cmpstr(json_object_get_string(json_object_object_get(back, "s")),
                    ==, "caf\xc3\xa9 \xf0\x9f\x98\x80 \x01\t/\"\\");
    pretty = qjson_to_string(obj, true);
    g_assert_nonnull(strstr(pretty, "\n    \"bad\": "));
    json_object_put(back);
    json_object_put(obj);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qapi/json-stream/split-feeds", test_split_feeds);
    g_test_add_func("/qapi/json-stream/back-to-back", test_back_to_back);
    g_test_add_func("/qapi/json-stream/single-quotes", test_single_quotes);
    g_test_add_func("/qapi/json-stream/numbers", test_numbers);
    g_test_add_func("/qapi/json-stream/recovery", test_recovery);
    g_test_add_func("/qapi/json-stream/depth-limit", test_depth_limit);
    g_test_add_func("/qapi/json-stream/size-limit", test_size_limit);
    g_test_add_func("/qapi/json-stream/token-limit", test_token_limit);
    g_test_add_func("/qapi/json-stream/flush", test_flush);
    g_test_add_func("/qapi/json-stream/ascii-output", test_ascii_output);
    return g_test_run();
}
