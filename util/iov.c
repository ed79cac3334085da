/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Scatter/gather helpers; see include/util/iov.h.  Every walk skips whole
 * elements until @offset falls inside one, then works element by element,
 * so an offset or length past the end simply stops the walk.
 */
#include "util/iov.h"

#include <assert.h>
#include <string.h>
#include <glib.h>

size_t iov_size(const struct iovec *iov, unsigned iovcnt)
{
    size_t len = 0;

    for (unsigned i = 0; i < iovcnt; i++) {
        len += iov[i].iov_len;
    }
    return len;
}

/*
 * Walk @bytes at @offset, calling @fn on each piece; returns bytes walked.
 * @fn returns false to stop early.
 */
typedef bool IovPieceFn(void *base, size_t len, size_t done, void *opaque);

static size_t iov_walk(const struct iovec *iov, unsigned iovcnt,
                       size_t offset, size_t bytes, IovPieceFn *fn,
                       void *opaque)
{
    size_t done = 0;

    for (unsigned i = 0; i < iovcnt && done < bytes; i++) {
        size_t len = iov[i].iov_len;

        if (offset >= len) {
            offset -= len;
            continue;
        }
        len = MIN(len - offset, bytes - done);
        if (!fn((char *)iov[i].iov_base + offset, len, done, opaque)) {
            return done;
        }
        done += len;
        offset = 0;
    }
    return done;
}

static bool piece_from_buf(void *base, size_t len, size_t done, void *opaque)
{
    memcpy(base, (const char *)opaque + done, len);
    return true;
}

static bool piece_to_buf(void *base, size_t len, size_t done, void *opaque)
{
    memcpy((char *)opaque + done, base, len);
    return true;
}

static bool piece_memset(void *base, size_t len, size_t done, void *opaque)
{
    memset(base, *(const int *)opaque, len);
    return true;
}

static bool piece_is_zero(void *base, size_t len, size_t done, void *opaque)
{
    const unsigned char *p = base;

    for (size_t i = 0; i < len; i++) {
        if (p[i]) {
            *(bool *)opaque = false;
            return false;
        }
    }
    return true;
}

size_t iov_from_buf(const struct iovec *iov, unsigned iovcnt, size_t offset,
                    const void *buf, size_t bytes)
{
    return iov_walk(iov, iovcnt, offset, bytes, piece_from_buf, (void *)buf);
}

size_t iov_to_buf(const struct iovec *iov, unsigned iovcnt, size_t offset,
                  void *buf, size_t bytes)
{
    return iov_walk(iov, iovcnt, offset, bytes, piece_to_buf, buf);
}

size_t iov_memset(const struct iovec *iov, unsigned iovcnt, size_t offset,
                  int fillc, size_t bytes)
{
    return iov_walk(iov, iovcnt, offset, bytes, piece_memset, &fillc);
}

bool iov_is_zero(const struct iovec *iov, unsigned iovcnt, size_t offset,
                 size_t bytes)
{
    bool zero = true;
    size_t done = iov_walk(iov, iovcnt, offset, bytes, piece_is_zero, &zero);

    return zero && done == bytes;
}

unsigned iov_copy(struct iovec *dst, unsigned dst_cnt,
                  const struct iovec *src, unsigned src_cnt, size_t offset,
                  size_t bytes)
{
    unsigned n = 0;

    for (unsigned i = 0; i < src_cnt && bytes > 0 && n < dst_cnt; i++) {
        size_t len = src[i].iov_len;

        if (offset >= len) {
            offset -= len;
            continue;
        }
        len = MIN(len - offset, bytes);
        dst[n].iov_base = (char *)src[i].iov_base + offset;
        dst[n].iov_len = len;
        n++;
        bytes -= len;
        offset = 0;
    }
    return n;
}

/* ---- IOVector ------------------------------------------------------- */

void iovector_init(IOVector *qiov, int alloc_hint)
{
    alloc_hint = MAX(alloc_hint, 1);
    qiov->iov = g_new(struct iovec, alloc_hint);
    qiov->niov = 0;
    qiov->nalloc = alloc_hint;
    qiov->size = 0;
}

void iovector_init_external(IOVector *qiov, struct iovec *iov, int niov)
{
    qiov->iov = iov;
    qiov->niov = niov;
    qiov->nalloc = -1;
    qiov->size = iov_size(iov, niov);
}

void iovector_add(IOVector *qiov, void *base, size_t len)
{
    struct iovec *last;

    /* An external array is fixed; growing it is a caller bug. */
    assert(qiov->nalloc != -1);
    if (len == 0) {
        return;
    }
    last = qiov->niov ? &qiov->iov[qiov->niov - 1] : NULL;
    if (last && (char *)last->iov_base + last->iov_len == (char *)base) {
        last->iov_len += len;
        qiov->size += len;
        return;
    }
    if (qiov->niov == qiov->nalloc) {
        qiov->nalloc = 2 * qiov->nalloc + 1;
        qiov->iov = g_renew(struct iovec, qiov->iov, qiov->nalloc);
    }
    qiov->iov[qiov->niov].iov_base = base;
    qiov->iov[qiov->niov].iov_len = len;
    qiov->niov++;
    qiov->size += len;
}

void iovector_concat(IOVector *dst, const IOVector *src, size_t soffset,
                     size_t bytes)
{
    assert(soffset <= src->size && bytes <= src->size - soffset);
    for (int i = 0; i < src->niov && bytes > 0; i++) {
        size_t len = src->iov[i].iov_len;

        if (soffset >= len) {
            soffset -= len;
            continue;
        }
        len = MIN(len - soffset, bytes);
        iovector_add(dst, (char *)src->iov[i].iov_base + soffset, len);
        bytes -= len;
        soffset = 0;
    }
}

void iovector_init_slice(IOVector *qiov, const IOVector *src, size_t offset,
                         size_t bytes)
{
    iovector_init(qiov, src->niov);
    iovector_concat(qiov, src, offset, bytes);
}

void iovector_reset(IOVector *qiov)
{
    assert(qiov->nalloc != -1);
    qiov->niov = 0;
    qiov->size = 0;
}

void iovector_destroy(IOVector *qiov)
{
    if (qiov->nalloc != -1) {
        g_free(qiov->iov);
    }
    *qiov = (IOVector){ 0 };
}

size_t iovector_to_buf(const IOVector *qiov, size_t offset, void *buf,
                       size_t bytes)
{
    return iov_to_buf(qiov->iov, qiov->niov, offset, buf, bytes);
}

size_t iovector_from_buf(const IOVector *qiov, size_t offset,
                         const void *buf, size_t bytes)
{
    return iov_from_buf(qiov->iov, qiov->niov, offset, buf, bytes);
}

size_t iovector_memset(const IOVector *qiov, size_t offset, int fillc,
                       size_t bytes)
{
    return iov_memset(qiov->iov, qiov->niov, offset, fillc, bytes);
}
