/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for util/bitmap.c: ranges across word boundaries, searches at
 * the ends, counts, atomic harvest, resize; random operations checked
 * against a bool-array reference.
 */
#include <glib.h>
#include <string.h>

#include "util/bitmap.h"

#define NBITS 300   /* not a multiple of the word size */

static void test_basic(void)
{
    g_autofree unsigned long *map = bitmap_new(NBITS);

    g_assert_true(bitmap_is_zero(map, NBITS));
    g_assert_cmpuint(bitmap_find_next_set(map, NBITS, 0), ==, NBITS);
    g_assert_cmpuint(bitmap_find_next_zero(map, NBITS, 0), ==, 0);

    bitmap_set(map, 60, 10);        /* straddles words 0 and 1 */
    g_assert_false(bitmap_test_bit(map, 59));
    g_assert_true(bitmap_test_bit(map, 60));
    g_assert_true(bitmap_test_bit(map, 63));
    g_assert_true(bitmap_test_bit(map, 64));
    g_assert_true(bitmap_test_bit(map, 69));
    g_assert_false(bitmap_test_bit(map, 70));
    g_assert_cmpuint(bitmap_count(map, NBITS), ==, 10);
    g_assert_cmpuint(bitmap_count_range(map, 62, 4), ==, 4);
    g_assert_cmpuint(bitmap_count_range(map, 0, 61), ==, 1);
    g_assert_cmpuint(bitmap_find_next_set(map, NBITS, 0), ==, 60);
    g_assert_cmpuint(bitmap_find_next_set(map, NBITS, 65), ==, 65);
    g_assert_cmpuint(bitmap_find_next_zero(map, NBITS, 60), ==, 70);
    g_assert_cmpuint(bitmap_find_next_set(map, NBITS, 70), ==, NBITS);

    bitmap_clear(map, 61, 8);
    g_assert_cmpuint(bitmap_count(map, NBITS), ==, 2);
    bitmap_set(map, 0, 0);
    bitmap_clear(map, 0, 0);
    g_assert_cmpuint(bitmap_count(map, NBITS), ==, 2);

    /* The last bit and searches past the end. */
    bitmap_set_bit(map, NBITS - 1);
    g_assert_cmpuint(bitmap_find_next_set(map, NBITS, 70), ==, NBITS - 1);
    g_assert_cmpuint(bitmap_find_next_set(map, NBITS, NBITS), ==, NBITS);
    g_assert_cmpuint(bitmap_find_next_zero(map, NBITS, NBITS + 5), ==, NBITS);
    bitmap_clear_bit(map, NBITS - 1);

    bitmap_fill(map, NBITS);
    g_assert_true(bitmap_is_full(map, NBITS));
    g_assert_cmpuint(bitmap_count(map, NBITS), ==, NBITS);
    /* Bits past the end stay clear, so a zero search ends at NBITS. */
    g_assert_cmpuint(bitmap_find_next_zero(map, NBITS, 0), ==, NBITS);
    g_assert_cmpuint(map[NBITS / BITS_PER_LONG] >> (NBITS % BITS_PER_LONG),
                     ==, 0);
    bitmap_zero(map, NBITS);
    g_assert_true(bitmap_is_zero(map, NBITS));
}

static void test_atomic_and_resize(void)
{
    unsigned long *map = bitmap_new(100);

    bitmap_set_atomic(map, 10, 70);
    g_assert_cmpuint(bitmap_count(map, 100), ==, 70);
    g_assert_true(bitmap_test_and_clear_atomic(map, 0, 20));
    g_assert_false(bitmap_test_and_clear_atomic(map, 0, 20));
    g_assert_cmpuint(bitmap_count(map, 100), ==, 60);
    g_assert_false(bitmap_test_and_clear_atomic(map, 90, 10));

    map = bitmap_resize(map, 100, 1000);
    g_assert_cmpuint(bitmap_count(map, 1000), ==, 60);
    g_assert_cmpuint(bitmap_find_next_set(map, 1000, 80), ==, 1000);
    bitmap_set(map, 900, 100);
    map = bitmap_resize(map, 1000, 50);
    g_assert_cmpuint(bitmap_count(map, 50), ==, 30);
    map = bitmap_resize(map, 50, 1000);
    g_assert_cmpuint(bitmap_count(map, 1000), ==, 30);
    g_free(map);

    map = bitmap_new(0);
    g_assert_true(bitmap_is_zero(map, 0));
    g_assert_true(bitmap_is_full(map, 0));
    g_assert_cmpuint(bitmap_find_next_set(map, 0, 0), ==, 0);
    g_free(map);
}

static void test_random(void)
{
    g_autofree unsigned long *map = bitmap_new(NBITS);
    bool ref[NBITS] = { false };

    for (int round = 0; round < 2000; round++) {
        size_t start = g_test_rand_int_range(0, NBITS);
        size_t nr = g_test_rand_int_range(0, NBITS - start + 1);
        size_t off = g_test_rand_int_range(0, NBITS + 1);
        size_t want_set = NBITS, want_zero = NBITS, count = 0;
        bool set = g_test_rand_bit();

        if (set) {
            bitmap_set(map, start, nr);
        } else {
            bitmap_clear(map, start, nr);
        }
        for (size_t i = start; i < start + nr; i++) {
            ref[i] = set;
        }
        for (size_t i = off; i < NBITS; i++) {
            if (ref[i] && want_set == NBITS) {
                want_set = i;
            }
            if (!ref[i] && want_zero == NBITS) {
                want_zero = i;
            }
        }
        for (size_t i = start; i < start + nr; i++) {
            count += ref[i];
        }
        g_assert_cmpuint(bitmap_find_next_set(map, NBITS, off), ==, want_set);
        g_assert_cmpuint(bitmap_find_next_zero(map, NBITS, off), ==,
                         want_zero);
        g_assert_cmpuint(bitmap_count_range(map, start, nr), ==, count);
        for (size_t i = 0; i < NBITS; i++) {
            g_assert_cmpint(bitmap_test_bit(map, i), ==, ref[i]);
        }
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/util/bitmap/basic", test_basic);
    g_test_add_func("/util/bitmap/atomic-resize", test_atomic_and_resize);
    g_test_add_func("/util/bitmap/random", test_random);
    return g_test_run();
}
