/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of qcow2 entry arithmetic (block/qcow2/qcow2-entry.c):
 * refcount entries of every width 1..64 (neighbours untouched, sub-byte
 * packing from the LSB, big-endian wider entries), compressed cluster
 * descriptors for every cluster size, and L2 entry classification.
 */
#include <string.h>
#include <glib.h>
#include "block/qcow2/qcow2-format.h"

static void test_refcount_widths(void)
{
    uint8_t block[512];
    GRand *r = g_rand_new_with_seed(7);

    for (uint32_t order = 0; order <= 6; order++) {
        uint64_t n = sizeof(block) * 8 >> order;
        uint64_t max = qcow2_refcount_max(order);
        g_autofree uint64_t *shadow = g_new0(uint64_t, n);
        memset(block, 0, sizeof(block));
        for (int k = 0; k < 4000; k++) {
            uint64_t idx = g_rand_int_range(r, 0, (gint32)n);
            uint64_t v = ((uint64_t)g_rand_int(r) << 32 | g_rand_int(r)) & max;
            qcow2_refcount_set(block, order, idx, v);
            shadow[idx] = v;
        }
        for (uint64_t i = 0; i < n; i++) {
            g_assert_cmpuint(qcow2_refcount_get(block, order, i), ==,
                             shadow[i]);
        }
        qcow2_refcount_set(block, order, n - 1, max);
        g_assert_cmpuint(qcow2_refcount_get(block, order, n - 1), ==, max);
    }
    g_rand_free(r);
}

static void test_refcount_layout(void)
{
    uint8_t b[16] = { 0 };

    qcow2_refcount_set(b, 0, 1, 1);             /* 1-bit: bit 1 of byte 0 */
    g_assert_cmpuint(b[0], ==, 0x02);
    qcow2_refcount_set(b, 2, 1, 0xa);           /* 4-bit: high nibble */
    g_assert_cmpuint(b[0], ==, 0xa2);
    memset(b, 0, sizeof(b));
    qcow2_refcount_set(b, 4, 1, 0x1234);        /* 16-bit big-endian */
    g_assert_cmpuint(b[2], ==, 0x12);
    g_assert_cmpuint(b[3], ==, 0x34);
    qcow2_refcount_set(b, 6, 1, 0x0102030405060708ull);
    g_assert_cmpuint(b[8], ==, 1);
    g_assert_cmpuint(b[15], ==, 8);
    g_assert_cmpuint(qcow2_refcount_max(0), ==, 1);
    g_assert_cmpuint(qcow2_refcount_max(4), ==, 65535);
    g_assert_cmpuint(qcow2_refcount_max(6), ==, UINT64_MAX);
}

static void test_compressed(void)
{
    for (uint32_t cb = 9; cb <= 21; cb++) {
        uint64_t cs = 1ull << cb;
        uint64_t offs[] = { 0x10000, 0x10000 + 511, 0x123456789ull, 512 };
        for (unsigned i = 0; i < G_N_ELEMENTS(offs); i++) {
            for (uint64_t len = 1; len < cs; len = len * 3 + 1) {
                uint64_t e = qcow2_compressed_encode(offs[i], len, cb), o, l;
                g_assert_cmpuint(e, !=, 0);
                g_assert_true(e & QCOW2_OFLAG_COMPRESSED);
                g_assert_false(e & QCOW2_OFLAG_COPIED);
                qcow2_compressed_decode(e, cb, &o, &l);
                g_assert_cmpuint(o, ==, offs[i]);
                g_assert_cmpuint(l, >=, len);
                g_assert_cmpuint(l, <, len + 512 + 512);
                g_assert_cmpuint(qcow2_l2_entry_type(e, 3), ==,
                                 QCOW2_CLUSTER_COMPRESSED);
            }
        }
    }
    /* 64 KiB clusters: the sector count starts at bit 54. */
    uint64_t o, l;
    qcow2_compressed_decode(QCOW2_OFLAG_COMPRESSED | (3ull << 54) | 0x50200,
                            16, &o, &l);
    g_assert_cmpuint(o, ==, 0x50200);
    g_assert_cmpuint(l, ==, 4 * 512);
    /* An offset past x bits does not fit. */
    g_assert_cmpuint(qcow2_compressed_encode(1ull << 54, 100, 16), ==, 0);
}

static void test_l2_types(void)
{
    g_assert_cmpuint(qcow2_l2_entry_type(0, 3), ==, QCOW2_CLUSTER_UNALLOCATED);
    g_assert_cmpuint(qcow2_l2_entry_type(1, 3), ==, QCOW2_CLUSTER_ZERO_PLAIN);
    g_assert_cmpuint(qcow2_l2_entry_type(0x50000 | 1, 3), ==,
                     QCOW2_CLUSTER_ZERO_ALLOC);
    g_assert_cmpuint(qcow2_l2_entry_type(0x50000 | QCOW2_OFLAG_COPIED, 3),
                     ==, QCOW2_CLUSTER_NORMAL);
    /* v2 has no zero flag. */
    g_assert_cmpuint(qcow2_l2_entry_type(0x50000 | 1, 2), ==,
                     QCOW2_CLUSTER_NORMAL);
    g_assert_cmpuint(qcow2_l2_entry_type(1, 2), ==,
                     QCOW2_CLUSTER_UNALLOCATED);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/block/qcow2/entry/refcount-widths",
                    test_refcount_widths);
    g_test_add_func("/block/qcow2/entry/refcount-layout",
                    test_refcount_layout);
    g_test_add_func("/block/qcow2/entry/compressed", test_compressed);
    g_test_add_func("/block/qcow2/entry/l2-types", test_l2_types);
    return g_test_run();
}
