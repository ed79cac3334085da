/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the qcow2 header parser and serializer
 * (block/qcow2/qcow2-header.c): valid v2/v3 headers, round trips that keep
 * unknown extensions and additional fields, every validation rule, and a
 * fuzzer that mutates valid headers and asserts the parser never reads out
 * of bounds (run under ASan) and never accepts inconsistent tables.
 */
#include <string.h>
#include <glib.h>
#include "block/qcow2/qcow2-format.h"

#define CS 65536
#define FILE_LEN (16 * CS)

/* A valid v3 image header: reftable at cluster 1, L1 at cluster 3. */
static void build_header(uint8_t *buf, uint32_t version)
{
    Qcow2Meta m = { 0 };

    m.h.version = version;
    m.h.cluster_bits = 16;
    m.h.size = 1 << 30;
    m.h.l1_size = 2;
    m.h.l1_table_offset = 3 * CS;
    m.h.refcount_table_offset = CS;
    m.h.refcount_table_clusters = 1;
    m.h.refcount_order = 4;
    if (version == 3) {
        qcow2_meta_set_default_features(&m);
    }
    m.backing_file = g_strdup("base.img");
    m.backing_format = g_strdup("raw");
    g_assert_true(qcow2_meta_serialize(&m, buf, CS, NULL));
    qcow2_meta_clear(&m);
}

static bool parse(const uint8_t *buf, Qcow2Meta *m, char **msg)
{
    Error *err = NULL;
    bool ok = qcow2_meta_parse(buf, CS, FILE_LEN, m, &err);

    if (!ok && msg) {
        *msg = g_strdup(error_get_pretty(err));
    }
    error_free(err);
    return ok;
}

static void test_valid(void)
{
    g_autofree uint8_t *buf = g_malloc0(CS);
    Qcow2Meta m;

    for (uint32_t v = 2; v <= 3; v++) {
        build_header(buf, v);
        g_assert_true(parse(buf, &m, NULL));
        g_assert_cmpuint(m.h.version, ==, v);
        g_assert_cmpuint(m.h.header_length, ==, v == 3 ? 112 : 72);
        g_assert_cmpstr(m.backing_file, ==, "base.img");
        g_assert_cmpstr(m.backing_format, ==, "raw");
        g_assert_cmpuint(m.nb_features, ==, v == 3 ? 8 : 0);
        g_assert_cmpuint(m.h.refcount_order, ==, 4);
        qcow2_meta_clear(&m);
    }
}

static void test_roundtrip_unknown(void)
{
    g_autofree uint8_t *buf = g_malloc0(CS), *buf2 = g_malloc0(CS);
    Qcow2Meta m, m2;
    uint8_t data[5] = { 1, 2, 3, 4, 5 };

    build_header(buf, 3);
    g_assert_true(parse(buf, &m, NULL));
    m.unknown = g_new0(Qcow2Extension, 1);
    m.unknown[0].type = 0x12345678;
    m.unknown[0].len = 5;
    m.unknown[0].data = g_memdup2(data, 5);
    m.nb_unknown = 1;
    m.h.unknown_fields_len = 8;
    memset(m.h.unknown_fields, 0xab, 8);
    g_assert_true(qcow2_meta_serialize(&m, buf2, CS, NULL));
    g_assert_true(parse(buf2, &m2, NULL));
    g_assert_cmpuint(m2.h.header_length, ==, 120);
    g_assert_cmpuint(m2.h.unknown_fields_len, ==, 8);
    g_assert_cmpuint(m2.h.unknown_fields[7], ==, 0xab);
    g_assert_cmpuint(m2.nb_unknown, ==, 1);
    g_assert_cmpuint(m2.unknown[0].type, ==, 0x12345678);
    g_assert_cmpmem(m2.unknown[0].data, 5, data, 5);
    g_assert_cmpstr(m2.backing_file, ==, "base.img");
    qcow2_meta_clear(&m);
    qcow2_meta_clear(&m2);
}

typedef struct Mutation {
    size_t off;
    int width;
    uint64_t value;
    const char *msg;    /* substring of the expected error */
} Mutation;

static const Mutation bad[] = {
    { 0, 4, 0x514649fa, "not in qcow2 format" },
    { 4, 4, 1, "Unsupported qcow2 version" },
    { 4, 4, 4, "Unsupported qcow2 version" },
    { 20, 4, 8, "Unsupported cluster size" },
    { 20, 4, 22, "Unsupported cluster size" },
    { 100, 4, 96, "header too short" },
    { 100, 4, CS + 8, "exceeds cluster size" },
    { 96, 4, 7, "width too large" },
    { 72, 8, 1ull << 20, "Unsupported qcow2 feature" },
    { 72, 8, 1ull << 4, "extended L2 entries" },
    { 72, 8, 1ull << 3, "feature bit must not be set" },
    { 104, 1, 1, "feature bit must be set" },
    { 104, 1, 2, "unknown compression type: 2" },
    { 32, 4, 1, "Encrypted" },
    { 36, 4, 1, "L1 table is too small" },
    { 36, 4, QCOW2_MAX_L1_BYTES / 8 + 1, "Active L1 table too large" },
    { 40, 8, 3 * CS + 8, "Invalid L1 table offset" },
    { 40, 8, 16 * CS, "exceeds the image file" },
    { 40, 8, 1ull << 62, "Invalid L1 table offset" },
    { 56, 4, 0, "does not contain a reference count table" },
    { 56, 4, 1000, "Reference count table too large" },
    { 48, 8, 17, "Invalid reference count table offset" },
    { 60, 4, 65537, "Too many snapshots" },
    { 24, 8, 1ull << 63, "Image size too large" },
    { 16, 4, 2000, "Invalid backing file" },
    { 8, 8, CS + 100, "Invalid backing file" },
};

static void put(uint8_t *buf, const Mutation *mu)
{
    switch (mu->width) {
    case 1: buf[mu->off] = (uint8_t)mu->value; break;
    case 4: qcow2_put_be32(buf + mu->off, (uint32_t)mu->value); break;
    default: qcow2_put_be64(buf + mu->off, mu->value); break;
    }
}

static void test_rejects(void)
{
    g_autofree uint8_t *buf = g_malloc0(CS);

    for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
        Qcow2Meta m;
        g_autofree char *msg = NULL;
        build_header(buf, 3);
        put(buf, &bad[i]);
        if (parse(buf, &m, &msg)) {
            g_test_message("case %u accepted", i);
            g_assert_not_reached();
        }
        if (!strstr(msg, bad[i].msg)) {
            g_test_message("case %u: '%s' lacks '%s'", i, msg, bad[i].msg);
            g_assert_not_reached();
        }
    }
}

static void test_extension_too_large(void)
{
    g_autofree uint8_t *buf = g_malloc0(CS);
    g_autofree char *msg = NULL;
    Qcow2Meta m;

    build_header(buf, 3);
    /* First extension (backing format) claims to run past the cluster. */
    qcow2_put_be32(buf + 112 + 4, CS);
    g_assert_false(parse(buf, &m, &msg));
    g_assert_nonnull(strstr(msg, "too large"));
}

static void test_short_buffer(void)
{
    g_autofree uint8_t *buf = g_malloc0(CS);
    Qcow2Meta m;

    build_header(buf, 3);
    for (size_t len = 0; len < 120; len += 7) {
        Error *err = NULL;
        uint8_t *copy = g_memdup2(buf, len ? len : 1);
        g_assert_false(qcow2_meta_parse(copy, len, FILE_LEN, &m, &err));
        error_free(err);
        g_free(copy);
    }
}

/* Random mutations of valid headers: never crash, never accept tables
 * that do not fit the file. */
static void test_fuzz(void)
{
    g_autofree uint8_t *buf = g_malloc0(CS);
    GRand *r = g_rand_new_with_seed(1234);
    unsigned accepted = 0;

    for (int iter = 0; iter < 20000; iter++) {
        Qcow2Meta m;
        build_header(buf, g_rand_int_range(r, 2, 4));
        int n = g_rand_int_range(r, 1, 6);
        for (int k = 0; k < n; k++) {
            size_t off = g_rand_int_range(r, 0, 512);
            buf[off] = (uint8_t)g_rand_int(r);
        }
        if (parse(buf, &m, NULL)) {
            accepted++;
            uint64_t cs = 1ull << m.h.cluster_bits;
            g_assert_cmpuint(m.h.l1_table_offset % cs, ==, 0);
            g_assert_cmpuint(m.h.refcount_table_offset +
                             (uint64_t)m.h.refcount_table_clusters * cs, <=,
                             FILE_LEN);
            g_assert_cmpuint(m.h.l1_table_offset + m.h.l1_size * 8ull, <=,
                             FILE_LEN);
            g_assert_cmpuint(m.h.refcount_order, <=, 6);
            qcow2_meta_clear(&m);
        }
    }
    g_assert_cmpuint(accepted, >, 0);
    g_rand_free(r);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/block/qcow2/header/valid", test_valid);
    g_test_add_func("/block/qcow2/header/roundtrip-unknown",
                    test_roundtrip_unknown);
    g_test_add_func("/block/qcow2/header/rejects", test_rejects);
    g_test_add_func("/block/qcow2/header/extension-too-large",
                    test_extension_too_large);
    g_test_add_func("/block/qcow2/header/short-buffer", test_short_buffer);
    g_test_add_func("/block/qcow2/header/fuzz", test_fuzz);
    return g_test_run();
}
