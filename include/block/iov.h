/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Scatter/gather vectors for block requests.
 *
 * A BlockIOV describes the guest or tool memory of one request as a list of
 * struct iovec, like the iovecs preadv(2)/pwritev(2) take.  The common
 * single-buffer case needs no allocation: block_iov_init_buf() points the
 * vector at its embedded one-element array.  Vectors never own the memory
 * they describe, only (when built with block_iov_init()/block_iov_add())
 * their iovec array.
 */
#ifndef BLOCK_IOV_H
#define BLOCK_IOV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

/**
 * struct BlockIOV - a scatter/gather list.
 * @iov: the elements (points at @local for single-buffer vectors).
 * @niov: number of elements in use.
 * @nalloc: allocated elements of @iov; 0 when @iov is not owned.
 * @size: sum of the element lengths in bytes.
 * @local: storage for the single-buffer case.
 */
typedef struct BlockIOV {
    struct iovec *iov;
    int niov;
    int nalloc;
    size_t size;
    struct iovec local;
} BlockIOV;

/** block_iov_init_buf() - a one-element vector over @buf; no allocation. */
void block_iov_init_buf(BlockIOV *v, void *buf, size_t len);

/** block_iov_init() - an empty growable vector with room for @hint items. */
void block_iov_init(BlockIOV *v, int hint);

/** block_iov_add() - append @len bytes at @base (grows the array). */
void block_iov_add(BlockIOV *v, void *base, size_t len);

/**
 * block_iov_concat() - append the bytes [@offset, @offset + @len) of @src
 * to @dst as references (no data is copied).  @src must hold them.
 */
void block_iov_concat(BlockIOV *dst, const BlockIOV *src, size_t offset,
                      size_t len);

/** block_iov_reset() - drop all elements, keep the array. */
void block_iov_reset(BlockIOV *v);

/** block_iov_destroy() - free the array (not the memory it describes). */
void block_iov_destroy(BlockIOV *v);

/**
 * block_iov_to_buf() - copy up to @len bytes starting at byte @offset of
 * the vector into @buf.  Returns the number of bytes copied.
 */
size_t block_iov_to_buf(const BlockIOV *v, size_t offset, void *buf,
                        size_t len);

/** block_iov_from_buf() - copy @buf into the vector at @offset. */
size_t block_iov_from_buf(const BlockIOV *v, size_t offset, const void *buf,
                          size_t len);

/** block_iov_memset() - fill @len bytes at @offset with @c. */
size_t block_iov_memset(const BlockIOV *v, size_t offset, int c, size_t len);

/** block_iov_is_zero() - whether @len bytes at @offset are all zero. */
bool block_iov_is_zero(const BlockIOV *v, size_t offset, size_t len);

/** block_buffer_is_zero() - whether @len bytes of @buf are all zero. */
bool block_buffer_is_zero(const void *buf, size_t len);

#endif /* BLOCK_IOV_H */
