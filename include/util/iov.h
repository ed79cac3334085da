/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Scatter/gather lists: arrays of struct iovec (POSIX readv/writev) and
 * IOVector, a growable list that the block layer passes down its request
 * path (guest DMA lists in, host preadv/pwritev out).
 *
 * Offsets and byte counts address the concatenation of the elements.
 * Copies stop at the end of the list: they return how many bytes they
 * moved, which is less than asked when the list is shorter.
 */
#ifndef UTIL_IOV_H
#define UTIL_IOV_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/uio.h>

/** iov_size() - total bytes of @iovcnt elements. */
size_t iov_size(const struct iovec *iov, unsigned iovcnt);

/**
 * iov_from_buf() - copy @bytes from @buf into the list at @offset.
 * Returns the bytes copied (short at the end of the list).
 */
size_t iov_from_buf(const struct iovec *iov, unsigned iovcnt, size_t offset,
                    const void *buf, size_t bytes);

/** iov_to_buf() - copy @bytes at @offset of the list into @buf. */
size_t iov_to_buf(const struct iovec *iov, unsigned iovcnt, size_t offset,
                  void *buf, size_t bytes);

/** iov_memset() - fill @bytes at @offset with @fillc; returns bytes set. */
size_t iov_memset(const struct iovec *iov, unsigned iovcnt, size_t offset,
                  int fillc, size_t bytes);

/**
 * iov_is_zero() - whether the @bytes at @offset are all zero (bytes past
 * the end of the list count as not zero: the answer is then false).
 */
bool iov_is_zero(const struct iovec *iov, unsigned iovcnt, size_t offset,
                 size_t bytes);

/**
 * iov_copy() - describe @bytes at @offset of @src in @dst (no data is
 * copied; @dst points into @src's buffers).
 * Returns the number of @dst elements used, at most @dst_cnt.
 */
unsigned iov_copy(struct iovec *dst, unsigned dst_cnt,
                  const struct iovec *src, unsigned src_cnt, size_t offset,
                  size_t bytes);

/**
 * struct IOVector - a growable scatter/gather list.
 * @iov: the elements; @niov of them are in use.
 * @nalloc: allocated elements, or -1 for an external array
 *          (iovector_init_external()) that must not grow or be freed.
 * @size: total bytes, kept up to date by the functions below.
 */
typedef struct IOVector {
    struct iovec *iov;
    int niov;
    int nalloc;
    size_t size;
} IOVector;

/** iovector_init() - an empty list with room for @alloc_hint elements. */
void iovector_init(IOVector *qiov, int alloc_hint);

/** iovector_init_external() - wrap the caller's array (not copied). */
void iovector_init_external(IOVector *qiov, struct iovec *iov, int niov);

/**
 * iovector_init_slice() - a new list for @bytes at @offset of @src,
 * pointing into @src's buffers.  Destroy it with iovector_destroy().
 * @offset + @bytes must lie within @src.
 */
void iovector_init_slice(IOVector *qiov, const IOVector *src, size_t offset,
                         size_t bytes);

/**
 * iovector_add() - append @len bytes at @base (zero-length adds are
 * ignored; a buffer that continues the last element extends it).
 */
void iovector_add(IOVector *qiov, void *base, size_t len);

/**
 * iovector_concat() - append @bytes at @soffset of @src to @dst.
 * @soffset + @bytes must lie within @src.
 */
void iovector_concat(IOVector *dst, const IOVector *src, size_t soffset,
                     size_t bytes);

/** iovector_reset() - empty the list, keeping its allocation. */
void iovector_reset(IOVector *qiov);

/** iovector_destroy() - free the element array (not the buffers). */
void iovector_destroy(IOVector *qiov);

/** iovector_to_buf() - iov_to_buf() on the list. */
size_t iovector_to_buf(const IOVector *qiov, size_t offset, void *buf,
                       size_t bytes);

/** iovector_from_buf() - iov_from_buf() on the list. */
size_t iovector_from_buf(const IOVector *qiov, size_t offset,
                         const void *buf, size_t bytes);

/** iovector_memset() - iov_memset() on the list. */
size_t iovector_memset(const IOVector *qiov, size_t offset, int fillc,
                       size_t bytes);

#endif /* UTIL_IOV_H */
