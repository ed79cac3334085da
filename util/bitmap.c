/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Bitmap helpers; see include/util/bitmap.h.  Range operations work a word
 * at a time with a mask for the partial first and last words; searches
 * skip whole words that cannot match and use the compiler's count-trailing
 * -zeros builtin inside a word.
 */
#include "util/bitmap.h"

#include <string.h>
#include <glib.h>

/* Mask of the bits of word @w that lie in [start, end). */
static unsigned long range_mask(size_t w, size_t start, size_t end)
{
    size_t lo = w * BITS_PER_LONG;
    size_t first = start > lo ? start - lo : 0;
    size_t last = MIN(end - lo, BITS_PER_LONG);     /* exclusive */
    unsigned long mask = ~0UL << first;

    if (last < BITS_PER_LONG) {
        mask &= (1UL << last) - 1;
    }
    return mask;
}

/*
 * Apply @op to every word of [start, start + nr) with the mask of that word.
 * Returns the OR of @op's results.
 */
typedef unsigned long BitmapWordOp(unsigned long *word, unsigned long mask);

static unsigned long bitmap_range_op(unsigned long *map, size_t start,
                                     size_t nr, BitmapWordOp *op)
{
    size_t end = start + nr;
    unsigned long acc = 0;

    if (nr == 0) {
        return 0;
    }
    for (size_t w = start / BITS_PER_LONG; w * BITS_PER_LONG < end; w++) {
        acc |= op(&map[w], range_mask(w, start, end));
    }
    return acc;
}

static unsigned long word_set(unsigned long *word, unsigned long mask)
{
    *word |= mask;
    return 0;
}

static unsigned long word_clear(unsigned long *word, unsigned long mask)
{
    *word &= ~mask;
    return 0;
}

static unsigned long word_set_atomic(unsigned long *word, unsigned long mask)
{
    __atomic_fetch_or(word, mask, __ATOMIC_SEQ_CST);
    return 0;
}

static unsigned long word_test_clear_atomic(unsigned long *word,
                                            unsigned long mask)
{
    return __atomic_fetch_and(word, ~mask, __ATOMIC_SEQ_CST) & mask;
}

unsigned long *bitmap_new(size_t nbits)
{
    return g_new0(unsigned long, MAX(bitmap_longs(nbits), 1));
}

unsigned long *bitmap_resize(unsigned long *map, size_t old_nbits,
                             size_t new_nbits)
{
    size_t old_longs = bitmap_longs(old_nbits);
    size_t new_longs = MAX(bitmap_longs(new_nbits), 1);

    map = g_renew(unsigned long, map, new_longs);
    if (new_longs > old_longs) {
        memset(&map[old_longs], 0,
               (new_longs - old_longs) * sizeof(unsigned long));
    }
    /* Keep the bits past the end zero, whichever way we moved. */
    if (new_nbits > old_nbits) {
        bitmap_clear(map, old_nbits,
                     MIN(new_nbits, old_longs * BITS_PER_LONG) - old_nbits);
    } else if (new_nbits % BITS_PER_LONG) {
        map[new_nbits / BITS_PER_LONG] &=
            (1UL << (new_nbits % BITS_PER_LONG)) - 1;
    }
    return map;
}

void bitmap_set(unsigned long *map, size_t start, size_t nr)
{
    bitmap_range_op(map, start, nr, word_set);
}

void bitmap_clear(unsigned long *map, size_t start, size_t nr)
{
    bitmap_range_op(map, start, nr, word_clear);
}

void bitmap_set_atomic(unsigned long *map, size_t start, size_t nr)
{
    bitmap_range_op(map, start, nr, word_set_atomic);
}

bool bitmap_test_and_clear_atomic(unsigned long *map, size_t start,
                                  size_t nr)
{
    return bitmap_range_op(map, start, nr, word_test_clear_atomic) != 0;
}

void bitmap_zero(unsigned long *map, size_t nbits)
{
    memset(map, 0, bitmap_longs(nbits) * sizeof(unsigned long));
}

void bitmap_fill(unsigned long *map, size_t nbits)
{
    bitmap_zero(map, nbits);
    bitmap_set(map, 0, nbits);
}

/* First bit at or after @offset whose value, XORed with @invert, is 1. */
static size_t bitmap_find_next(const unsigned long *map, size_t nbits,
                               size_t offset, unsigned long invert)
{
    size_t w;
    unsigned long word;

    if (offset >= nbits) {
        return nbits;
    }
    w = offset / BITS_PER_LONG;
    word = (map[w] ^ invert) & (~0UL << (offset % BITS_PER_LONG));
    while (!word) {
        if (++w * BITS_PER_LONG >= nbits) {
            return nbits;
        }
        word = map[w] ^ invert;
    }
    return MIN(w * BITS_PER_LONG + __builtin_ctzl(word), nbits);
}

size_t bitmap_find_next_set(const unsigned long *map, size_t nbits,
                            size_t offset)
{
    return bitmap_find_next(map, nbits, offset, 0);
}

size_t bitmap_find_next_zero(const unsigned long *map, size_t nbits,
                             size_t offset)
{
    return bitmap_find_next(map, nbits, offset, ~0UL);
}

size_t bitmap_count_range(const unsigned long *map, size_t start, size_t nr)
{
    size_t end = start + nr;
    size_t count = 0;

    if (nr == 0) {
        return 0;
    }
    for (size_t w = start / BITS_PER_LONG; w * BITS_PER_LONG < end; w++) {
        count += __builtin_popcountl(map[w] & range_mask(w, start, end));
    }
    return count;
}

size_t bitmap_count(const unsigned long *map, size_t nbits)
{
    return bitmap_count_range(map, 0, nbits);
}

bool bitmap_is_zero(const unsigned long *map, size_t nbits)
{
    return bitmap_find_next_set(map, nbits, 0) == nbits;
}

bool bitmap_is_full(const unsigned long *map, size_t nbits)
{
    return bitmap_find_next_zero(map, nbits, 0) == nbits;
}
