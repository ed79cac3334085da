/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for block/iov.c: single-buffer vectors, growth, slicing one
 * vector out of another (as the padded read-modify-write path does),
 * copies across element boundaries, fills and zero detection.
 */
#include <glib.h>
#include <string.h>

#include "block/iov.h"

static void test_single_and_growth(void)
{
    uint8_t a[10], b[20];
    BlockIOV v;

    block_iov_init_buf(&v, a, sizeof(a));
    g_assert_cmpint(v.niov, ==, 1);
    g_assert_cmpuint(v.size, ==, 10);
    g_assert_cmpint(v.nalloc, ==, 0);
    /* Growing a single-buffer vector converts it to an owned array. */
    for (int i = 0; i < 40; i++) {
        block_iov_add(&v, b, sizeof(b));
    }
    g_assert_cmpint(v.niov, ==, 41);
    g_assert_cmpuint(v.size, ==, 10 + 40 * 20);
    g_assert_true(v.iov[0].iov_base == a);
    block_iov_destroy(&v);
    g_assert_cmpint(v.niov, ==, 0);
}

static void test_concat_and_copy(void)
{
    uint8_t a[7], b[5], c[9], out[21], in[21];
    BlockIOV src, part;

    for (int i = 0; i < 21; i++) {
        in[i] = i + 1;
    }
    block_iov_init(&src, 1);
    block_iov_add(&src, a, sizeof(a));
    block_iov_add(&src, b, sizeof(b));
    block_iov_add(&src, c, sizeof(c));
    g_assert_cmpuint(block_iov_from_buf(&src, 0, in, 21), ==, 21);
    g_assert_cmpint(a[6], ==, 7);
    g_assert_cmpint(b[0], ==, 8);
    g_assert_cmpint(c[8], ==, 21);

    /* Bytes 5..15 span all three elements. */
    block_iov_init(&part, 1);
    block_iov_concat(&part, &src, 5, 11);
    g_assert_cmpint(part.niov, ==, 3);
    g_assert_cmpuint(part.size, ==, 11);
    memset(out, 0, sizeof(out));
    g_assert_cmpuint(block_iov_to_buf(&part, 0, out, 11), ==, 11);
    g_assert_cmpmem(out, 11, in + 5, 11);
    /* Copies stop at the end of the vector. */
    g_assert_cmpuint(block_iov_to_buf(&part, 8, out, 100), ==, 3);
    block_iov_destroy(&part);

    g_assert_cmpuint(block_iov_memset(&src, 6, 0, 10), ==, 10);
    g_assert_true(block_iov_is_zero(&src, 6, 10));
    g_assert_false(block_iov_is_zero(&src, 5, 10));
    g_assert_false(block_iov_is_zero(&src, 6, 11));
    block_iov_destroy(&src);
}

static void test_buffer_is_zero(void)
{
    uint8_t buf[4096] = { 0 };

    g_assert_true(block_buffer_is_zero(buf, 0));
    g_assert_true(block_buffer_is_zero(buf, 3));
    g_assert_true(block_buffer_is_zero(buf, sizeof(buf)));
    for (size_t pos = 0; pos < sizeof(buf); pos += 511) {
        buf[pos] = 1;
        g_assert_false(block_buffer_is_zero(buf, sizeof(buf)));
        buf[pos] = 0;
    }
    buf[4095] = 0x80;
    g_assert_false(block_buffer_is_zero(buf, sizeof(buf)));
    g_assert_true(block_buffer_is_zero(buf, 4095));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/block/iov/single-and-growth", test_single_and_growth);
    g_test_add_func("/block/iov/concat-and-copy", test_concat_and_copy);
    g_test_add_func("/block/iov/buffer-is-zero", test_buffer_is_zero);
    return g_test_run();
}
