/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qcow2 cluster compression: raw deflate (zlib, no header, window bits 12,
 * the image's compression_type 0) and zstd frames (compression_type 1).
 *
 * Spec: QEMU docs/interop/qcow2.txt "Compressed Clusters Descriptor" and
 * compression_type; BLOCK-QMP-REFERENCE.md 3.4 "Compression".  A
 * compressed cluster's stored length is rounded up to 512-byte sectors, so
 * the decompressor stops as soon as one whole cluster has been produced and
 * ignores what follows.
 */
#include <zlib.h>
#include <zstd.h>
#include "block/qcow2/qcow2.h"

static int qcow2_inflate(const uint8_t *src, size_t slen, uint8_t *dst,
                         size_t dlen)
{
    z_stream z = { 0 };
    int ret;

    if (inflateInit2(&z, -12) != Z_OK) {
        return -1;
    }
    z.next_in = (Bytef *)src;
    z.avail_in = (uInt)slen;
    z.next_out = dst;
    z.avail_out = (uInt)dlen;
    ret = inflate(&z, Z_FINISH);
    inflateEnd(&z);
    if ((ret == Z_STREAM_END || ret == Z_BUF_ERROR || ret == Z_OK) &&
        z.avail_out == 0) {
        return 0;
    }
    return -1;
}

static int qcow2_unzstd(const uint8_t *src, size_t slen, uint8_t *dst,
                        size_t dlen)
{
    ZSTD_DCtx *dctx = ZSTD_createDCtx();
    ZSTD_inBuffer in = { src, slen, 0 };
    ZSTD_outBuffer out = { dst, dlen, 0 };
    int ret = -1;

    if (!dctx) {
        return -1;
    }
    while (out.pos < out.size && in.pos < in.size) {
        size_t r = ZSTD_decompressStream(dctx, &out, &in);
        if (ZSTD_isError(r)) {
            break;
        }
        if (r == 0 && out.pos < out.size) {
            break;   /* frame ended short of a cluster */
        }
    }
    if (out.pos == out.size) {
        ret = 0;
    }
    ZSTD_freeDCtx(dctx);
    return ret;
}

int qcow2_decompress(Qcow2State *s, const uint8_t *src, size_t slen,
                     uint8_t *dst, size_t dlen)
{
    if (s->meta.h.compression_type == QCOW2_COMPRESS_ZSTD) {
        return qcow2_unzstd(src, slen, dst, dlen);
    }
    return qcow2_inflate(src, slen, dst, dlen);
}

static ssize_t qcow2_deflate(const uint8_t *src, size_t slen, uint8_t *dst,
                             size_t dlen)
{
    z_stream z = { 0 };
    ssize_t n = -1;

    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -12, 9,
                     Z_DEFAULT_STRATEGY) != Z_OK) {
        return -1;
    }
    z.next_in = (Bytef *)src;
    z.avail_in = (uInt)slen;
    z.next_out = dst;
    z.avail_out = (uInt)dlen;
    if (deflate(&z, Z_FINISH) == Z_STREAM_END) {
        n = (ssize_t)(dlen - z.avail_out);
    }
    deflateEnd(&z);
    return n;
}

ssize_t qcow2_compress(Qcow2State *s, const uint8_t *src, size_t slen,
                       uint8_t *dst, size_t dlen)
{
    if (s->meta.h.compression_type == QCOW2_COMPRESS_ZSTD) {
        size_t r = ZSTD_compress(dst, dlen, src, slen, ZSTD_CLEVEL_DEFAULT);
        return ZSTD_isError(r) ? -1 : (ssize_t)r;
    }
    return qcow2_deflate(src, slen, dst, dlen);
}
