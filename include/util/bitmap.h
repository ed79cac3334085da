/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Bitmaps: arrays of unsigned long, bit N in word N / BITS_PER_LONG at
 * position N % BITS_PER_LONG (the layout of Linux and QEMU bitmaps, so
 * dirty-bitmap code reads the same).  Used for cluster allocation maps,
 * dirty tracking and interrupt vectors.
 *
 * Ranges are [@start, @start + @nr).  Functions named *_atomic may race
 * with other threads setting or clearing bits of the same words; the rest
 * need the caller's lock.  Bits past @nbits in the last word are kept zero
 * by these functions; a search never returns an index >= @nbits.
 */
#ifndef UTIL_BITMAP_H
#define UTIL_BITMAP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#define BITS_PER_LONG (sizeof(unsigned long) * CHAR_BIT)

/** bitmap_longs() - words needed for @nbits bits. */
static inline size_t bitmap_longs(size_t nbits)
{
    return (nbits + BITS_PER_LONG - 1) / BITS_PER_LONG;
}

/** bitmap_new() - @nbits zero bits; free with g_free(). */
unsigned long *bitmap_new(size_t nbits);

/**
 * bitmap_resize() - grow or shrink @map to @new_nbits (from @old_nbits);
 * new bits are zero.  Returns the new pointer (g_renew semantics).
 */
unsigned long *bitmap_resize(unsigned long *map, size_t old_nbits,
                             size_t new_nbits);

/** bitmap_test_bit() - bit @nr. */
static inline bool bitmap_test_bit(const unsigned long *map, size_t nr)
{
    return (map[nr / BITS_PER_LONG] >> (nr % BITS_PER_LONG)) & 1;
}

/** bitmap_set_bit() - set bit @nr. */
static inline void bitmap_set_bit(unsigned long *map, size_t nr)
{
    map[nr / BITS_PER_LONG] |= 1UL << (nr % BITS_PER_LONG);
}

/** bitmap_clear_bit() - clear bit @nr. */
static inline void bitmap_clear_bit(unsigned long *map, size_t nr)
{
    map[nr / BITS_PER_LONG] &= ~(1UL << (nr % BITS_PER_LONG));
}

/** bitmap_set() - set bits [@start, @start + @nr). */
void bitmap_set(unsigned long *map, size_t start, size_t nr);

/** bitmap_clear() - clear bits [@start, @start + @nr). */
void bitmap_clear(unsigned long *map, size_t start, size_t nr);

/** bitmap_set_atomic() - bitmap_set() safe against concurrent writers. */
void bitmap_set_atomic(unsigned long *map, size_t start, size_t nr);

/**
 * bitmap_test_and_clear_atomic() - clear [@start, @start + @nr) and say
 * whether any bit in it was set (dirty-log harvesting).
 */
bool bitmap_test_and_clear_atomic(unsigned long *map, size_t start,
                                  size_t nr);

/** bitmap_zero() / bitmap_fill() - all @nbits bits to 0 / 1. */
void bitmap_zero(unsigned long *map, size_t nbits);
void bitmap_fill(unsigned long *map, size_t nbits);

/**
 * bitmap_find_next_set() - the first set bit at or after @offset, or
 * @nbits when there is none (also when @offset >= @nbits).
 */
size_t bitmap_find_next_set(const unsigned long *map, size_t nbits,
                            size_t offset);

/** bitmap_find_next_zero() - the same for a clear bit. */
size_t bitmap_find_next_zero(const unsigned long *map, size_t nbits,
                             size_t offset);

/** bitmap_count() - set bits among the first @nbits. */
size_t bitmap_count(const unsigned long *map, size_t nbits);

/** bitmap_count_range() - set bits in [@start, @start + @nr). */
size_t bitmap_count_range(const unsigned long *map, size_t start, size_t nr);

/** bitmap_is_zero() / bitmap_is_full() - over the first @nbits bits. */
bool bitmap_is_zero(const unsigned long *map, size_t nbits);
bool bitmap_is_full(const unsigned long *map, size_t nbits);

#endif /* UTIL_BITMAP_H */
