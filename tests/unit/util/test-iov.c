/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for util/iov.c: copies across element boundaries, zero-length
 * elements, offsets and lengths past the end, IOVector growth, slices and
 * concatenation, checked against a flat reference buffer.
 */
#include <glib.h>
#include <string.h>

#include "util/iov.h"

/* Three elements of 3, 0 and 5 bytes over one 8-byte backing store. */
static char store[8];
static struct iovec three[3];

static void three_setup(void)
{
    memset(store, '.', sizeof(store));
    three[0] = (struct iovec){ store, 3 };
    three[1] = (struct iovec){ store + 3, 0 };
    three[2] = (struct iovec){ store + 3, 5 };
}

static void test_size_and_copies(void)
{
    char out[16];

    three_setup();
    g_assert_cmpuint(iov_size(three, 3), ==, 8);
    g_assert_cmpuint(iov_size(three, 0), ==, 0);

    g_assert_cmpuint(iov_from_buf(three, 3, 2, "ABCD", 4), ==, 4);
    g_assert_cmpmem(store, 8, "..ABCD..", 8);
    /* Past the end: short count, nothing written out of bounds. */
    g_assert_cmpuint(iov_from_buf(three, 3, 6, "xyz", 3), ==, 2);
    g_assert_cmpmem(store, 8, "..ABCDxy", 8);
    g_assert_cmpuint(iov_from_buf(three, 3, 8, "x", 1), ==, 0);
    g_assert_cmpuint(iov_from_buf(three, 3, 100, "x", 1), ==, 0);

    memset(out, 0, sizeof(out));
    g_assert_cmpuint(iov_to_buf(three, 3, 1, out, 16), ==, 7);
    g_assert_cmpstr(out, ==, ".ABCDxy");
    g_assert_cmpuint(iov_to_buf(three, 3, 3, out, 0), ==, 0);

    g_assert_cmpuint(iov_memset(three, 3, 3, 0, 10), ==, 5);
    g_assert_cmpmem(store, 8, "..A\0\0\0\0\0", 8);
    g_assert_true(iov_is_zero(three, 3, 3, 5));
    g_assert_false(iov_is_zero(three, 3, 2, 5));
    g_assert_false(iov_is_zero(three, 3, 3, 6));  /* runs off the end */
    g_assert_true(iov_is_zero(three, 3, 8, 0));
}

static void test_iov_copy(void)
{
    struct iovec dst[4];
    char out[8] = { 0 };

    three_setup();
    iov_from_buf(three, 3, 0, "01234567", 8);
    g_assert_cmpuint(iov_copy(dst, 4, three, 3, 2, 4), ==, 2);
    g_assert_cmpuint(iov_size(dst, 2), ==, 4);
    iov_to_buf(dst, 2, 0, out, 4);
    g_assert_cmpmem(out, 4, "2345", 4);
    /* Limited by the destination array. */
    g_assert_cmpuint(iov_copy(dst, 1, three, 3, 0, 8), ==, 1);
    g_assert_cmpuint(dst[0].iov_len, ==, 3);
    g_assert_cmpuint(iov_copy(dst, 4, three, 3, 8, 4), ==, 0);
}

static void test_iovector(void)
{
    /* Separated by a byte so only deliberate neighbours merge. */
    char mem[15] = "abcd.efgh.ijkl";
    char *a = mem, *b = mem + 5, *c = mem + 10;
    char out[12];
    IOVector q, s, d;

    iovector_init(&q, 0);
    iovector_add(&q, a, 4);
    iovector_add(&q, b, 0);         /* ignored */
    iovector_add(&q, b, 4);
    iovector_add(&q, c, 2);
    iovector_add(&q, c + 2, 2);     /* continues c: merged */
    g_assert_cmpuint(q.size, ==, 12);
    g_assert_cmpint(q.niov, ==, 3);
    g_assert_cmpuint(iovector_to_buf(&q, 0, out, 12), ==, 12);
    g_assert_cmpmem(out, 12, "abcdefghijkl", 12);

    iovector_init_slice(&s, &q, 3, 6);
    g_assert_cmpuint(s.size, ==, 6);
    g_assert_cmpint(s.niov, ==, 3);
    g_assert_cmpuint(iovector_to_buf(&s, 0, out, 12), ==, 6);
    g_assert_cmpmem(out, 6, "defghi", 6);
    /* A slice shares the buffers. */
    iovector_memset(&s, 1, '-', 4);
    g_assert_cmpmem(b, 4, "----", 4);

    iovector_init(&d, 1);
    iovector_concat(&d, &q, 0, 0);
    g_assert_cmpuint(d.size, ==, 0);
    iovector_concat(&d, &q, 8, 4);
    iovector_concat(&d, &q, 0, 1);
    g_assert_cmpuint(d.size, ==, 5);
    iovector_from_buf(&d, 0, "IJKLA", 5);
    g_assert_cmpmem(c, 4, "IJKL", 4);
    g_assert_cmpmem(a, 1, "A", 1);

    iovector_reset(&d);
    g_assert_cmpuint(d.size, ==, 0);
    g_assert_cmpint(d.niov, ==, 0);
    for (int i = 0; i < 100; i++) {
        iovector_add(&d, &out[i % 2 ? 0 : 6], 1);   /* never adjacent */
    }
    g_assert_cmpint(d.niov, ==, 100);
    g_assert_cmpuint(d.size, ==, 100);

    iovector_destroy(&q);
    iovector_destroy(&s);
    iovector_destroy(&d);
    g_assert_null(d.iov);
}

static void test_external(void)
{
    IOVector q;

    three_setup();
    iovector_init_external(&q, three, 3);
    g_assert_cmpuint(q.size, ==, 8);
    g_assert_cmpuint(iovector_from_buf(&q, 0, "zzzzzzzz", 8), ==, 8);
    g_assert_cmpmem(store, 8, "zzzzzzzz", 8);
    iovector_destroy(&q);
    g_assert_cmpuint(three[2].iov_len, ==, 5);   /* not freed or touched */
}

/* Random element layouts against a flat reference. */
static void test_random(void)
{
    g_autofree char *flat = g_malloc(4096);
    g_autofree char *back = g_malloc0(4096);
    g_autofree char *out = g_malloc(4096);
    struct iovec iov[64];

    for (int i = 0; i < 4096; i++) {
        flat[i] = g_test_rand_int_range(0, 256);
    }
    for (int round = 0; round < 200; round++) {
        unsigned n = g_test_rand_int_range(1, 64);
        size_t pos = 0;

        for (unsigned i = 0; i < n; i++) {
            size_t len = g_test_rand_int_range(0, 64);

            iov[i] = (struct iovec){ back + pos, len };
            pos += len;
        }
        size_t off = g_test_rand_int_range(0, pos + 2);
        size_t len = g_test_rand_int_range(0, pos + 2);
        size_t want = off >= pos ? 0 : MIN(len, pos - off);

        memset(back, 0, 4096);
        g_assert_cmpuint(iov_from_buf(iov, n, off, flat, len), ==, want);
        g_assert_cmpmem(back + off, want, flat, want);
        g_assert_cmpuint(iov_to_buf(iov, n, off, out, len), ==, want);
        g_assert_cmpmem(out, want, flat, want);
        g_assert_true(want == 0 || back[off + want] == 0 ||
                      off + want == pos);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/util/iov/size-and-copies", test_size_and_copies);
    g_test_add_func("/util/iov/copy", test_iov_copy);
    g_test_add_func("/util/iov/iovector", test_iovector);
    g_test_add_func("/util/iov/external", test_external);
    g_test_add_func("/util/iov/random", test_random);
    return g_test_run();
}
