/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for util/keyval.c, the option parser of the command line:
 * key=value syntax, ",," escapes, implied keys, dotted keys, the JSON form,
 * typed getters, sizes, and hostile inputs.  (Kept with the command-line
 * tests in tests/unit/system/ because system/ owns the parser.)
 */
#include <glib.h>
#include <string.h>

#include "util/keyval.h"

static const char *member(struct json_object *o, const char *key)
{
    struct json_object *v = NULL;

    if (!json_object_object_get_ex(o, key, &v)) {
        return NULL;
    }
    return json_object_get_string(v);
}

/* Parse @s expecting failure; return the message (caller frees). */
static char *parse_error(const char *s, const char *implied)
{
    Error *err = NULL;
    struct json_object *o = keyval_parse_or_json(s, implied, &err);
    char *msg;

    g_assert_null(o);
    g_assert_nonnull(err);
    msg = g_strdup(error_get_pretty(err));
    error_free(err);
    return msg;
}

static void test_basic(void)
{
    struct json_object *o = keyval_parse("a=1,b=two,c=", NULL, &error_abort);

    g_assert_cmpint(json_object_object_length(o), ==, 3);
    g_assert_cmpstr(member(o, "a"), ==, "1");
    g_assert_cmpstr(member(o, "b"), ==, "two");
    g_assert_cmpstr(member(o, "c"), ==, "");
    json_object_put(o);

    o = keyval_parse("", NULL, &error_abort);
    g_assert_cmpint(json_object_object_length(o), ==, 0);
    json_object_put(o);

    /* A trailing comma is harmless. */
    o = keyval_parse("a=1,", NULL, &error_abort);
    g_assert_cmpint(json_object_object_length(o), ==, 1);
    json_object_put(o);
}

static void test_escape(void)
{
    struct json_object *o =
        keyval_parse("file=a,,b,,,,c,x=y", NULL, &error_abort);

    g_assert_cmpstr(member(o, "file"), ==, "a,b,,c");
    g_assert_cmpstr(member(o, "x"), ==, "y");
    json_object_put(o);

    /* Values may contain '=' and '.' freely. */
    o = keyval_parse("append=console=ttyS0 root=/dev/sda1", NULL,
                     &error_abort);
    g_assert_cmpstr(member(o, "append"), ==, "console=ttyS0 root=/dev/sda1");
    json_object_put(o);
}

static void test_implied(void)
{
    struct json_object *o =
        keyval_parse("socket,id=mon0,path=/tmp/q", "backend", &error_abort);
    char *msg;

    g_assert_cmpstr(member(o, "backend"), ==, "socket");
    g_assert_cmpstr(member(o, "id"), ==, "mon0");
    json_object_put(o);

    /* The implied value honours ",," too. */
    o = keyval_parse("a,,b,x=1", "driver", &error_abort);
    g_assert_cmpstr(member(o, "driver"), ==, "a,b");
    json_object_put(o);

    /* Only the first parameter may be bare. */
    msg = parse_error("socket,server", "backend");
    g_assert_cmpstr(msg, ==, "Expected '=' after parameter 'server'");
    g_free(msg);
    msg = parse_error("socket", NULL);
    g_assert_cmpstr(msg, ==, "Expected '=' after parameter 'socket'");
    g_free(msg);
    /* An explicit value for the implied key plus a bare word clash. */
    msg = parse_error("x,driver=y", "driver");
    g_assert_cmpstr(msg, ==, "Parameter 'driver' is set more than once");
    g_free(msg);
}

static void test_dotted(void)
{
    struct json_object *o = keyval_parse(
        "driver=qcow2,file.driver=file,file.filename=a.qcow2,"
        "file.aio.mode=x",
        NULL, &error_abort);
    struct json_object *file = NULL, *aio = NULL;
    const char *s;

    g_assert_true(json_object_object_get_ex(o, "file", &file));
    g_assert_true(json_object_is_type(file, json_type_object));
    g_assert_cmpstr(member(file, "filename"), ==, "a.qcow2");
    g_assert_true(json_object_object_get_ex(file, "aio", &aio));
    g_assert_cmpstr(member(aio, "mode"), ==, "x");
    s = keyval_get_str(o, "file.driver", &error_abort);
    g_assert_cmpstr(s, ==, "file");
    g_assert_null(keyval_get_str(o, "file.nope", &error_abort));
    json_object_put(o);
}

static void test_bad_keys(void)
{
    static const struct {
        const char *in;
        const char *msg;
    } cases[] = {
        { "=x", "Invalid parameter ''" },
        { "a=1,,", NULL },
        { "a=1,=2", "Invalid parameter ''" },
        { "a..b=1", "Invalid parameter 'a..b'" },
        { ".a=1", "Invalid parameter '.a'" },
        { "a.=1", "Invalid parameter 'a.'" },
        { "a b=1", "Invalid parameter 'a b'" },
        { "a=1,a=2", "Parameter 'a' is set more than once" },
        { "a=1,a.b=2", "Parameters 'a.*' used inconsistently" },
        { "a.b=2,a=1", "Parameters 'a.*' used inconsistently" },
        { "x.a=1,x.a.b=2", "Parameters 'x.a.*' used inconsistently" },
        { ",a=1", "Invalid parameter ''" },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        Error *err = NULL;
        struct json_object *o = keyval_parse(cases[i].in, NULL, &err);

        if (!cases[i].msg) {
            /* "a=1,," is a value "1," : legal. */
            g_assert_nonnull(o);
            g_assert_cmpstr(member(o, "a"), ==, "1,");
            json_object_put(o);
            continue;
        }
        g_assert_null(o);
        g_assert_nonnull(err);
        g_assert_cmpstr(error_get_pretty(err), ==, cases[i].msg);
        error_free(err);
    }
}

static void test_huge(void)
{
    GString *s = g_string_new(NULL);
    g_autofree char *longkey = g_strnfill(200, 'k');
    g_autofree char *longkey_opt = g_strdup_printf("%s=1", longkey);
    struct json_object *o;
    Error *err = NULL;
    unsigned i;

    /* 20000 distinct keys and a 1 MiB value parse in one piece. */
    for (i = 0; i < 20000; i++) {
        g_string_append_printf(s, "k%u=v%u,", i, i);
    }
    g_string_append(s, "big=");
    for (i = 0; i < (1u << 20); i++) {
        g_string_append_c(s, 'x');
    }
    o = keyval_parse(s->str, NULL, &error_abort);
    g_assert_cmpint(json_object_object_length(o), ==, 20001);
    g_assert_cmpint(strlen(member(o, "big")), ==, 1u << 20);
    json_object_put(o);
    g_string_free(s, TRUE);

    /* A million-level dotted key is refused, not built. */
    s = g_string_new(NULL);
    for (i = 0; i < 1000000; i++) {
        g_string_append(s, "a.");
    }
    g_string_append(s, "b=1");
    o = keyval_parse(s->str, NULL, &err);
    g_assert_null(o);
    g_assert_nonnull(strstr(error_get_pretty(err), "nests deeper"));
    error_free(err);
    err = NULL;
    g_string_free(s, TRUE);
    /* 63 levels are fine. */
    s = g_string_new(NULL);
    for (i = 0; i < 63; i++) {
        g_string_append(s, "a.");
    }
    g_string_append(s, "b=1");
    o = keyval_parse(s->str, NULL, &error_abort);
    json_object_put(o);
    g_string_free(s, TRUE);

    /* An over-long key fragment is refused, not truncated. */
    o = keyval_parse(longkey_opt, NULL, &err);
    g_assert_null(o);
    g_assert_nonnull(strstr(error_get_pretty(err), "is too long"));
    error_free(err);
}

static void test_json(void)
{
    struct json_object *o = keyval_parse_or_json(
        "{\"driver\": \"virtio-blk-pci\", \"drive\": \"d0\", "
        "\"bootindex\": 1, \"share-rw\": true, "
        "\"file\": {\"filename\": \"a\"}}",
        "driver", &error_abort);
    uint64_t u;
    bool b;
    char *msg;

    g_assert_cmpstr(keyval_get_str(o, "driver", &error_abort), ==,
                    "virtio-blk-pci");
    g_assert_true(keyval_get_uint(o, "bootindex", 0, &u, &error_abort));
    g_assert_cmpuint(u, ==, 1);
    g_assert_true(keyval_get_bool(o, "share-rw", false, &b, &error_abort));
    g_assert_true(b);
    g_assert_cmpstr(keyval_get_str(o, "file.filename", &error_abort), ==,
                    "a");
    json_object_put(o);

    msg = parse_error("{\"driver\": \"x\"", NULL);
    g_assert_cmpstr(msg, ==, "JSON parse error: unexpected end of input");
    g_free(msg);
    msg = parse_error("{\"a\": 1} trailing", NULL);
    g_assert_nonnull(strstr(msg, "trailing"));
    g_free(msg);
    msg = parse_error("{", NULL);
    g_assert_nonnull(strstr(msg, "JSON parse error"));
    g_free(msg);
    msg = parse_error("{]", NULL);
    g_assert_nonnull(strstr(msg, "JSON parse error"));
    g_free(msg);
    /* Not starting with '{': keyval syntax, where '[' is a bad key. */
    msg = parse_error("[1,2]", NULL);
    g_assert_nonnull(strstr(msg, "'[1"));
    g_free(msg);
}

static void test_json_not_object(void)
{
    /* Deeply nested input stops at the depth limit, it does not recurse
     * without bound. */
    GString *deep = g_string_new("{\"a\":");
    char *msg;
    unsigned i;

    for (i = 0; i < 10000; i++) {
        g_string_append_c(deep, '[');
    }
    msg = parse_error(deep->str, NULL);
    g_assert_nonnull(strstr(msg, "JSON parse error"));
    g_free(msg);
    g_string_free(deep, TRUE);
}

static void test_getters(void)
{
    struct json_object *o = keyval_parse(
        "s=str,b1=on,b2=no,b3=maybe,u=0x10,u2=-1,u3=99999999999999999999,"
        "i=-5,sz=64M,sz2=1.5k,sz3=bogus",
        NULL, &error_abort);
    Error *err = NULL;
    uint64_t u;
    int64_t i;
    bool b;

    g_assert_true(keyval_get_bool(o, "b1", false, &b, &error_abort) && b);
    g_assert_true(keyval_get_bool(o, "b2", true, &b, &error_abort) && !b);
    g_assert_true(keyval_get_bool(o, "absent", true, &b, &error_abort) && b);
    g_assert_false(keyval_get_bool(o, "b3", false, &b, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'b3' expects 'on' or 'off'");
    error_free_or_abort(&err);

    g_assert_true(keyval_get_uint(o, "u", 0, &u, &error_abort));
    g_assert_cmpuint(u, ==, 16);
    g_assert_false(keyval_get_uint(o, "u2", 0, &u, &err));
    error_free_or_abort(&err);
    g_assert_false(keyval_get_uint(o, "u3", 0, &u, &err));
    error_free_or_abort(&err);
    g_assert_false(keyval_get_uint(o, "s", 0, &u, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Parameter 's' expects uint64");
    error_free_or_abort(&err);
    g_assert_true(keyval_get_int(o, "i", 0, &i, &error_abort));
    g_assert_cmpint(i, ==, -5);

    g_assert_true(keyval_get_size(o, "sz", 0, &u, &error_abort));
    g_assert_cmpuint(u, ==, 64 << 20);
    g_assert_true(keyval_get_size(o, "sz2", 0, &u, &error_abort));
    g_assert_cmpuint(u, ==, 1536);
    g_assert_false(keyval_get_size(o, "sz3", 0, &u, &err));
    error_free_or_abort(&err);

    json_object_put(o);
}

static void test_sizes(void)
{
    static const struct {
        const char *in;
        bool ok;
        uint64_t val;
    } cases[] = {
        { "0", true, 0 },
        { "512", true, 512 },
        { "1k", true, 1024 },
        { "1K", true, 1024 },
        { "64M", true, 64ull << 20 },
        { "2G", true, 2ull << 30 },
        { "1T", true, 1ull << 40 },
        { "1E", true, 1ull << 60 },
        { "0x1000", true, 4096 },
        { "0x10M", true, 16ull << 20 },
        { "1.5G", true, 3ull << 29 },
        { "15E", true, 15ull << 60 },
        { "18446744073709551615", true, UINT64_MAX },
        { "16E", false, 0 },
        { "18446744073709551616", false, 0 },
        { "99999999999999999999999", false, 0 },
        { "17179869184G", false, 0 },
        { "15.99999999E", true, 0 },
        { "1.5", false, 0 },
        { "-1", false, 0 },
        { "", false, 0 },
        { "M", false, 0 },
        { "1MB", false, 0 },
        { "1X", false, 0 },
        { "0x", false, 0 },
        { "1.G", false, 0 },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        Error *err = NULL;
        uint64_t v = 0;
        bool ok = keyval_parse_size(cases[i].in, "size", &v, &err);

        if (ok != cases[i].ok) {
            g_error("size '%s': expected %s", cases[i].in,
                    cases[i].ok ? "success" : "failure");
        }
        if (ok && cases[i].val) {
            g_assert_cmpuint(v, ==, cases[i].val);
        }
        if (!ok) {
            g_assert_nonnull(strstr(error_get_pretty(err), "'size'"));
            error_free(err);
        }
    }
}

static void test_size_unit(void)
{
    uint64_t v;
    Error *err = NULL;

    /* -m 256 means MiB; an explicit suffix overrides. */
    g_assert_true(keyval_parse_size_unit("256", "m", 1 << 20, &v,
                                         &error_abort));
    g_assert_cmpuint(v, ==, 256ull << 20);
    g_assert_true(keyval_parse_size_unit("1G", "m", 1 << 20, &v,
                                         &error_abort));
    g_assert_cmpuint(v, ==, 1ull << 30);
    g_assert_false(keyval_parse_size_unit("17592186044416", "m", 1 << 20,
                                          &v, &err));
    error_free_or_abort(&err);
}

static void test_check_unused(void)
{
    static const char *const known[] = { "id", "path", NULL };
    struct json_object *o = keyval_parse("id=a,path=b", NULL, &error_abort);
    Error *err = NULL;

    g_assert_true(keyval_check_unused(o, known, &error_abort));
    json_object_put(o);
    o = keyval_parse("id=a,bogus=b", NULL, &error_abort);
    g_assert_false(keyval_check_unused(o, known, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Invalid parameter 'bogus'");
    error_free(err);
    json_object_put(o);
}

/*
 * Random strings over the parser's special characters: each either parses
 * or fails with an error, never both and never neither; the JSON path too.
 */
static void test_random_inputs(void)
{
    static const char alphabet[] = ",,==..{}[]\"ab1 -_:";
    GRand *rand = g_rand_new_with_seed(20261122);
    unsigned i, j;

    for (i = 0; i < 20000; i++) {
        char buf[24];
        unsigned len = g_rand_int_range(rand, 0, sizeof(buf));
        Error *err = NULL;
        struct json_object *o;

        for (j = 0; j < len; j++) {
            buf[j] = alphabet[g_rand_int_range(rand, 0,
                                               sizeof(alphabet) - 1)];
        }
        buf[len] = '\0';
        o = keyval_parse_or_json(buf, (i & 1) ? "driver" : NULL, &err);
        g_assert_true((o == NULL) != (err == NULL));
        if (o) {
            g_assert_true(json_object_is_type(o, json_type_object));
            json_object_put(o);
        } else {
            g_assert_cmpstr(error_get_pretty(err), !=, "");
            error_free(err);
        }
    }
    g_rand_free(rand);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/util/keyval/basic", test_basic);
    g_test_add_func("/util/keyval/escape", test_escape);
    g_test_add_func("/util/keyval/implied", test_implied);
    g_test_add_func("/util/keyval/dotted", test_dotted);
    g_test_add_func("/util/keyval/bad-keys", test_bad_keys);
    g_test_add_func("/util/keyval/huge", test_huge);
    g_test_add_func("/util/keyval/json", test_json);
    g_test_add_func("/util/keyval/json-depth", test_json_not_object);
    g_test_add_func("/util/keyval/getters", test_getters);
    g_test_add_func("/util/keyval/sizes", test_sizes);
    g_test_add_func("/util/keyval/size-unit", test_size_unit);
    g_test_add_func("/util/keyval/check-unused", test_check_unused);
    g_test_add_func("/util/keyval/random-inputs", test_random_inputs);
    return g_test_run();
}
