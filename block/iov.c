/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Scatter/gather vectors for block requests (include/block/iov.h): building
 * them, slicing one out of another, and copying between a vector and flat
 * buffers.  Nothing here touches the data a vector points at except the
 * copy, fill and zero-test helpers.
 */
#include "block/iov.h"

#include <string.h>
#include <glib.h>

void block_iov_init_buf(BlockIOV *v, void *buf, size_t len)
{
    v->local.iov_base = buf;
    v->local.iov_len = len;
    v->iov = &v->local;
    v->niov = 1;
    v->nalloc = 0;
    v->size = len;
}

void block_iov_init(BlockIOV *v, int hint)
{
    if (hint < 1) {
        hint = 1;
    }
    v->iov = g_new(struct iovec, hint);
    v->niov = 0;
    v->nalloc = hint;
    v->size = 0;
    v->local = (struct iovec){ 0 };
}

void block_iov_add(BlockIOV *v, void *base, size_t len)
{
    /* Vectors made by block_iov_init_buf() are fixed: convert on growth. */
    if (v->nalloc == 0) {
        struct iovec *old = v->iov;
        int n = v->niov;

        v->nalloc = n + 4;
        v->iov = g_new(struct iovec, v->nalloc);
        if (n) {
            memcpy(v->iov, old, n * sizeof(*old));
        }
    } else if (v->niov == v->nalloc) {
        v->nalloc *= 2;
        v->iov = g_renew(struct iovec, v->iov, v->nalloc);
    }
    v->iov[v->niov].iov_base = base;
    v->iov[v->niov].iov_len = len;
    v->niov++;
    v->size += len;
}

void block_iov_concat(BlockIOV *dst, const BlockIOV *src, size_t offset,
                      size_t len)
{
    for (int i = 0; i < src->niov && len > 0; i++) {
        size_t l = src->iov[i].iov_len;

        if (offset >= l) {
            offset -= l;
            continue;
        }
        size_t take = MIN(l - offset, len);
        block_iov_add(dst, (uint8_t *)src->iov[i].iov_base + offset, take);
        len -= take;
        offset = 0;
    }
}

void block_iov_reset(BlockIOV *v)
{
    v->niov = 0;
    v->size = 0;
}

void block_iov_destroy(BlockIOV *v)
{
    if (v->nalloc) {
        g_free(v->iov);
    }
    v->iov = NULL;
    v->niov = v->nalloc = 0;
    v->size = 0;
}

/*
 * Walk the bytes [offset, offset + len) of @v, calling @fn on each
 * contiguous piece; stops early when @fn returns false.
 */
typedef bool (*IovPieceFn)(uint8_t *p, size_t n, size_t done, void *opaque);

static size_t iov_walk(const BlockIOV *v, size_t offset, size_t len,
                       IovPieceFn fn, void *opaque)
{
    size_t done = 0;

    for (int i = 0; i < v->niov && done < len; i++) {
        size_t l = v->iov[i].iov_len;

        if (offset >= l) {
            offset -= l;
            continue;
        }
        size_t n = MIN(l - offset, len - done);
        if (!fn((uint8_t *)v->iov[i].iov_base + offset, n, done, opaque)) {
            return done;
        }
        done += n;
        offset = 0;
    }
    return done;
}

static bool iov_piece_to_buf(uint8_t *p, size_t n, size_t done, void *opaque)
{
    memcpy((uint8_t *)opaque + done, p, n);
    return true;
}

static bool iov_piece_from_buf(uint8_t *p, size_t n, size_t done,
                               void *opaque)
{
    memcpy(p, (const uint8_t *)opaque + done, n);
    return true;
}

static bool iov_piece_fill(uint8_t *p, size_t n, size_t done, void *opaque)
{
    memset(p, *(int *)opaque, n);
    return true;
}

static bool iov_piece_is_zero(uint8_t *p, size_t n, size_t done, void *opaque)
{
    if (!block_buffer_is_zero(p, n)) {
        *(bool *)opaque = false;
        return false;
    }
    return true;
}

size_t block_iov_to_buf(const BlockIOV *v, size_t offset, void *buf,
                        size_t len)
{
    return iov_walk(v, offset, len, iov_piece_to_buf, buf);
}

size_t block_iov_from_buf(const BlockIOV *v, size_t offset, const void *buf,
                          size_t len)
{
    return iov_walk(v, offset, len, iov_piece_from_buf, (void *)buf);
}

size_t block_iov_memset(const BlockIOV *v, size_t offset, int c, size_t len)
{
    return iov_walk(v, offset, len, iov_piece_fill, &c);
}

bool block_iov_is_zero(const BlockIOV *v, size_t offset, size_t len)
{
    bool zero = true;

    iov_walk(v, offset, len, iov_piece_is_zero, &zero);
    return zero;
}

bool block_buffer_is_zero(const void *buf, size_t len)
{
    const uint8_t *p = buf;

    /* Check the head byte-wise, then compare the rest with itself shifted:
     * if the first 16 bytes are zero and buf[i] == buf[i + 16] for all i,
     * everything is zero.  memcmp is vectorised by libc. */
    if (len <= 16) {
        for (size_t i = 0; i < len; i++) {
            if (p[i]) {
                return false;
            }
        }
        return true;
    }
    for (size_t i = 0; i < 16; i++) {
        if (p[i]) {
            return false;
        }
    }
    return memcmp(p, p + 16, len - 16) == 0;
}
