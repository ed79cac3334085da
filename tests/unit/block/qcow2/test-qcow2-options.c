/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the qcow2 runtime options (qcow2_options_from_json):
 * QEMU's defaults (cache-clean-interval 600 s), the number and size
 * parsers with QEMU's messages, the cache-clean-interval bound (UINT_MAX
 * seconds; "-1" wraps to too big, as in QEMU), and the cache-size split
 * rules.  Reference: QEMU's qcow2 driver options (docs/system/qemu-block-
 * drivers "qcow2" runtime options) and BLOCK-QMP-REFERENCE.md 2.1.
 */
#include <string.h>
#include <glib.h>
#include "block/qcow2/qcow2.h"

typedef struct OptCase {
    const char *json;
    const char *err;        /* substring of the error, or NULL: accepted */
} OptCase;

static const OptCase cases[] = {
    { "{\"cache-clean-interval\": 10}", NULL },
    { "{\"cache-clean-interval\": \"4294967295\"}", NULL },
    { "{\"cache-clean-interval\": \"0x10\"}", NULL },
    { "{\"cache-clean-interval\": \"4294967296\"}",
      "Cache clean interval too big" },
    { "{\"cache-clean-interval\": \"-1\"}", "Cache clean interval too big" },
    { "{\"cache-clean-interval\": -1}", "Cache clean interval too big" },
    { "{\"cache-clean-interval\": \"10k\"}",
      "Parameter 'cache-clean-interval' expects a number" },
    { "{\"cache-clean-interval\": \" 5\"}",
      "Parameter 'cache-clean-interval' expects a number" },
    { "{\"l2-cache-size\": \"abc\"}",
      "Parameter 'l2-cache-size' expects a non-negative number below 2^64" },
    { "{\"l2-cache-size\": \"1M\", \"refcount-cache-size\": \"1M\", "
      "\"cache-size\": \"2M\"}", "may not be set at the same time" },
    { "{\"l2-cache-size\": \"2M\", \"cache-size\": \"1M\"}",
      "l2-cache-size may not exceed cache-size" },
    { "{\"refcount-cache-size\": \"2M\", \"cache-size\": \"1M\"}",
      "refcount-cache-size may not exceed cache-size" },
};

static void test_cases(void)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(cases); i++) {
        struct json_object *o = json_tokener_parse(cases[i].json);
        Qcow2Options opts;
        Error *err = NULL;

        g_assert_nonnull(o);
        qcow2_options_init(&opts);
        bool ok = qcow2_options_from_json(&opts, o, &err);
        g_test_message("%s", cases[i].json);
        if (cases[i].err) {
            g_assert_false(ok);
            g_assert_nonnull(strstr(error_get_pretty(err), cases[i].err));
            error_free(err);
        } else {
            g_assert_true(ok);
        }
        json_object_put(o);
    }
}

static void test_values(void)
{
    struct json_object *o = json_tokener_parse(
        "{\"cache-clean-interval\": \"0x10\", \"l2-cache-size\": \"512k\", "
        "\"cache-size\": \"2M\"}");
    Qcow2Options opts;

    qcow2_options_init(&opts);
    g_assert_cmpuint(opts.cache_clean_interval, ==, 600);
    g_assert_true(qcow2_options_from_json(&opts, o, &error_abort));
    g_assert_cmpuint(opts.cache_clean_interval, ==, 16);
    g_assert_cmpuint(opts.l2_cache_bytes, ==, 512 * 1024);
    g_assert_cmpuint(opts.refcount_cache_bytes, ==, 1536 * 1024);
    json_object_put(o);

    /* absent: the default stays */
    o = json_tokener_parse("{\"lazy-refcounts\": \"on\"}");
    qcow2_options_init(&opts);
    g_assert_true(qcow2_options_from_json(&opts, o, &error_abort));
    g_assert_cmpuint(opts.cache_clean_interval, ==, 600);
    g_assert_true(opts.lazy_refcounts);
    json_object_put(o);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/block/qcow2/options/errors", test_cases);
    g_test_add_func("/block/qcow2/options/values", test_values);
    return g_test_run();
}
