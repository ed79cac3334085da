/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qcow2 header and header extensions: parse, validate, serialize.
 *
 * Spec: QEMU docs/interop/qcow2.txt "Header", "Additional fields", "Header
 * padding", "Header extensions", "String header extensions", "Feature name
 * table"; BLOCK-QMP-REFERENCE.md 3.1, 3.2.  The parser treats cluster 0 as
 * hostile input: every offset and length is bounded before it is used, and
 * every table the header points at is checked to lie inside the file and
 * below QEMU's size limits.  Unknown header extensions (and the bitmaps
 * extension, which we do not interpret) are preserved in order; unknown
 * additional header fields are preserved verbatim.
 */
#include <string.h>
#include "block/qcow2/qcow2-format.h"

typedef struct Qcow2FeatureDefault {
    uint8_t type;
    uint8_t bit;
    const char *name;
} Qcow2FeatureDefault;

/* The names QEMU's feature table carries for the bits it knows. */
static const Qcow2FeatureDefault qcow2_default_features[] = {
    { 0, 0, "dirty bit" },
    { 0, 1, "corrupt bit" },
    { 0, 2, "external data file" },
    { 0, 3, "compression type" },
    { 0, 4, "extended L2 entries" },
    { 1, 0, "lazy refcounts" },
    { 2, 0, "bitmaps" },
    { 2, 1, "raw external data" },
};

static uint64_t qcow2_round_up8(uint64_t v)
{
    return (v + 7) & ~7ull;
}

static bool qcow2_header_fixed(const uint8_t *buf, size_t len,
                               Qcow2Header *h, Error **errp)
{
    if (len < QCOW2_V2_HEADER_LEN || qcow2_be32(buf) != QCOW2_MAGIC) {
        error_setg(errp, "Image is not in qcow2 format");
        return false;
    }
    memset(h, 0, sizeof(*h));
    h->version = qcow2_be32(buf + 4);
    h->backing_file_offset = qcow2_be64(buf + 8);
    h->backing_file_size = qcow2_be32(buf + 16);
    h->cluster_bits = qcow2_be32(buf + 20);
    h->size = qcow2_be64(buf + 24);
    h->crypt_method = qcow2_be32(buf + 32);
    h->l1_size = qcow2_be32(buf + 36);
    h->l1_table_offset = qcow2_be64(buf + 40);
    h->refcount_table_offset = qcow2_be64(buf + 48);
    h->refcount_table_clusters = qcow2_be32(buf + 56);
    h->nb_snapshots = qcow2_be32(buf + 60);
    h->snapshots_offset = qcow2_be64(buf + 64);
    if (h->version != 2 && h->version != 3) {
        error_setg(errp, "Unsupported qcow2 version %u", h->version);
        return false;
    }
    if (h->cluster_bits < QCOW2_MIN_CLUSTER_BITS ||
        h->cluster_bits > QCOW2_MAX_CLUSTER_BITS) {
        error_setg(errp, "Unsupported cluster size: 2^%u", h->cluster_bits);
        return false;
    }
    if (h->version == 2) {
        h->refcount_order = 4;
        h->header_length = QCOW2_V2_HEADER_LEN;
        return true;
    }
    if (len < QCOW2_V3_MIN_HEADER_LEN) {
        error_setg(errp, "qcow2 header too short");
        return false;
    }
    h->incompatible_features = qcow2_be64(buf + 72);
    h->compatible_features = qcow2_be64(buf + 80);
    h->autoclear_features = qcow2_be64(buf + 88);
    h->refcount_order = qcow2_be32(buf + 96);
    h->header_length = qcow2_be32(buf + 100);
    return true;
}

static bool qcow2_header_additional(const uint8_t *buf, size_t len,
                                    Qcow2Header *h, Error **errp)
{
    uint64_t cs = 1ull << h->cluster_bits;

    if (h->version == 2) {
        return true;
    }
    if (h->header_length < QCOW2_V3_MIN_HEADER_LEN) {
        error_setg(errp, "qcow2 header too short");
        return false;
    }
    if (h->header_length > cs || h->header_length > len) {
        error_setg(errp, "qcow2 header exceeds cluster size");
        return false;
    }
    if (h->header_length > QCOW2_V3_MIN_HEADER_LEN) {
        h->compression_type = buf[104];
    }
    if (h->header_length > QCOW2_V3_HEADER_LEN) {
        uint32_t extra = h->header_length - QCOW2_V3_HEADER_LEN;
        if (extra > sizeof(h->unknown_fields)) {
            error_setg(errp, "Unsupported qcow2 header length %u",
                       h->header_length);
            return false;
        }
        memcpy(h->unknown_fields, buf + QCOW2_V3_HEADER_LEN, extra);
        h->unknown_fields_len = extra;
    }
    return true;
}

static bool qcow2_header_features(const Qcow2Meta *meta, Error **errp)
{
    const Qcow2Header *h = &meta->h;
    uint64_t unknown = h->incompatible_features & ~QCOW2_INCOMPAT_SUPPORTED;

    if (unknown) {
        /* As QEMU: the table's names in table order, then the rest */
        GString *names = g_string_new(NULL);
        for (unsigned i = 0; i < meta->nb_features; i++) {
            const Qcow2Feature *f = &meta->features[i];
            if (f->type != 0 || f->bit >= 64 ||
                !(unknown & (1ull << f->bit))) {
                continue;
            }
            g_string_append_printf(names, "%s%.46s", names->len ? ", " : "",
                                   f->name);
            unknown &= ~(1ull << f->bit);
        }
        if (unknown) {
            g_string_append_printf(names, "%sUnknown incompatible feature: "
                                   "%llx", names->len ? ", " : "",
                                   (unsigned long long)unknown);
        }
        error_setg(errp, "Unsupported qcow2 feature(s): %s", names->str);
        g_string_free(names, TRUE);
        return false;
    }
    if (h->compression_type != QCOW2_COMPRESS_DEFLATE &&
        h->compression_type != QCOW2_COMPRESS_ZSTD) {
        error_setg(errp, "qcow2: unknown compression type: %u",
                   h->compression_type);
        return false;
    }
    if (!(h->incompatible_features & QCOW2_INCOMPAT_COMPRESSION) !=
        (h->compression_type == QCOW2_COMPRESS_DEFLATE)) {
        error_setg(errp, "qcow2: Compression type incompatible feature bit "
                   "must %sbe set", h->compression_type ? "" : "not ");
        return false;
    }
    if (h->crypt_method != 0) {
        error_setg(errp, "Encrypted qcow2 images are not supported "
                   "(crypt_method %u)", h->crypt_method);
        return false;
    }
    if (h->refcount_order > 6) {
        error_setg(errp, "Reference count entry width too large; may not "
                   "exceed 64 bits");
        return false;
    }
    return true;
}

/* A table of @bytes at @off must be cluster-aligned and inside the file. */
static bool qcow2_check_table(uint64_t off, uint64_t bytes, uint64_t cs,
                              uint64_t file_len, const char *what,
                              Error **errp)
{
    if (off & (cs - 1)) {
        error_setg(errp, "Invalid %s offset", what);
        return false;
    }
    if (off >= QCOW2_MAX_HOST_OFFSET || bytes > QCOW2_MAX_HOST_OFFSET - off) {
        error_setg(errp, "Invalid %s offset", what);
        return false;
    }
    if (bytes && (off == 0 || off + bytes > file_len)) {
        error_setg(errp, "%s exceeds the image file", what);
        return false;
    }
    return true;
}

static bool qcow2_header_tables(const Qcow2Header *h, uint64_t file_len,
                                Error **errp)
{
    uint64_t cs = 1ull << h->cluster_bits;
    uint32_t l2_bits = h->cluster_bits - 3;
    uint32_t shift = h->cluster_bits + l2_bits;
    uint64_t need_l1;

    if (h->size > (1ull << 62)) {
        error_setg(errp, "Image size too large");
        return false;
    }
    need_l1 = (h->size + (1ull << shift) - 1) >> shift;
    if (h->l1_size > QCOW2_MAX_L1_BYTES / 8) {
        error_setg(errp, "Active L1 table too large");
        return false;
    }
    if (h->l1_size < need_l1) {
        error_setg(errp, "L1 table is too small");
        return false;
    }
    if (!qcow2_check_table(h->l1_table_offset, (uint64_t)h->l1_size * 8, cs,
                           file_len, "L1 table", errp)) {
        return false;
    }
    if (h->refcount_table_clusters == 0) {
        error_setg(errp, "Image does not contain a reference count table");
        return false;
    }
    if ((uint64_t)h->refcount_table_clusters * cs > QCOW2_MAX_REFTABLE_BYTES) {
        error_setg(errp, "Reference count table too large");
        return false;
    }
    if (!qcow2_check_table(h->refcount_table_offset,
                           (uint64_t)h->refcount_table_clusters * cs, cs,
                           file_len, "reference count table", errp)) {
        return false;
    }
    if (h->nb_snapshots > QCOW2_MAX_SNAPSHOTS) {
        error_setg(errp, "Too many snapshots");
        return false;
    }
    if (h->nb_snapshots &&
        !qcow2_check_table(h->snapshots_offset, 40, cs, file_len,
                           "snapshot table", errp)) {
        return false;
    }
    return true;
}

static bool qcow2_parse_feature_table(Qcow2Meta *meta, const uint8_t *d,
                                      uint32_t len)
{
    unsigned n = len / 48;

    g_free(meta->features);
    meta->features = g_new0(Qcow2Feature, n ? n : 1);
    meta->nb_features = n;
    for (unsigned i = 0; i < n; i++) {
        meta->features[i].type = d[i * 48];
        meta->features[i].bit = d[i * 48 + 1];
        memcpy(meta->features[i].name, d + i * 48 + 2,
               QCOW2_FEATURE_NAME_LEN);
    }
    return true;
}

static bool qcow2_parse_one_ext(Qcow2Meta *meta, uint32_t type,
                                const uint8_t *d, uint32_t len, Error **errp)
{
    switch (type) {
    case QCOW2_EXT_BACKING_FORMAT:
        if (len > QCOW2_MAX_BACKING_NAME) {
            error_setg(errp, "ERROR: ext_backing_format: len=%u too large",
                       len);
            return false;
        }
        g_free(meta->backing_format);
        meta->backing_format = g_strndup((const char *)d, len);
        return true;
    case QCOW2_EXT_FEATURE_TABLE:
        return qcow2_parse_feature_table(meta, d, len);
    default:
        if (meta->nb_unknown >= 64) {
            error_setg(errp, "Too many header extensions");
            return false;
        }
        meta->unknown = g_renew(Qcow2Extension, meta->unknown,
                                meta->nb_unknown + 1);
        meta->unknown[meta->nb_unknown].type = type;
        meta->unknown[meta->nb_unknown].len = len;
        meta->unknown[meta->nb_unknown].data = g_memdup2(d, len ? len : 1);
        meta->nb_unknown++;
        return true;
    }
}

static bool qcow2_parse_extensions(Qcow2Meta *meta, const uint8_t *buf,
                                   size_t len, Error **errp)
{
    uint64_t cs = 1ull << meta->h.cluster_bits;
    uint64_t end = MIN((uint64_t)len, cs);
    uint64_t off = meta->h.header_length;

    if (meta->h.backing_file_offset) {
        end = MIN(end, meta->h.backing_file_offset);
    }
    while (off + 8 <= end) {
        uint32_t type = qcow2_be32(buf + off);
        uint32_t elen = qcow2_be32(buf + off + 4);
        off += 8;
        if (type == QCOW2_EXT_END) {
            return true;
        }
        if ((uint64_t)elen > end - off) {
            error_setg(errp, "Header extension too large");
            return false;
        }
        if (!qcow2_parse_one_ext(meta, type, buf + off, elen, errp)) {
            return false;
        }
        off += qcow2_round_up8(elen);
    }
    return true;
}

static bool qcow2_parse_backing(Qcow2Meta *meta, const uint8_t *buf,
                                size_t len, Error **errp)
{
    const Qcow2Header *h = &meta->h;
    uint64_t cs = 1ull << h->cluster_bits;

    if (!h->backing_file_offset) {
        return true;
    }
    if (h->backing_file_size > QCOW2_MAX_BACKING_NAME ||
        h->backing_file_offset > cs ||
        h->backing_file_offset + h->backing_file_size > MIN(cs, len)) {
        error_setg(errp, "Invalid backing file offset or size");
        return false;
    }
    meta->backing_file = g_strndup((const char *)buf + h->backing_file_offset,
                                   h->backing_file_size);
    return true;
}

bool qcow2_meta_parse(const uint8_t *buf, size_t len, uint64_t file_len,
                      Qcow2Meta *meta, Error **errp)
{
    memset(meta, 0, sizeof(*meta));
    if (!qcow2_header_fixed(buf, len, &meta->h, errp) ||
        !qcow2_header_additional(buf, len, &meta->h, errp) ||
        !qcow2_parse_extensions(meta, buf, len, errp) ||
        !qcow2_header_features(meta, errp) ||
        !qcow2_header_tables(&meta->h, file_len, errp) ||
        !qcow2_parse_backing(meta, buf, len, errp)) {
        qcow2_meta_clear(meta);
        return false;
    }
    return true;
}

void qcow2_header_render(const Qcow2Header *h, uint8_t *buf)
{
    qcow2_put_be32(buf, QCOW2_MAGIC);
    qcow2_put_be32(buf + 4, h->version);
    qcow2_put_be64(buf + 8, h->backing_file_offset);
    qcow2_put_be32(buf + 16, h->backing_file_size);
    qcow2_put_be32(buf + 20, h->cluster_bits);
    qcow2_put_be64(buf + 24, h->size);
    qcow2_put_be32(buf + 32, h->crypt_method);
    qcow2_put_be32(buf + 36, h->l1_size);
    qcow2_put_be64(buf + 40, h->l1_table_offset);
    qcow2_put_be64(buf + 48, h->refcount_table_offset);
    qcow2_put_be32(buf + 56, h->refcount_table_clusters);
    qcow2_put_be32(buf + 60, h->nb_snapshots);
    qcow2_put_be64(buf + 64, h->snapshots_offset);
    if (h->version == 2) {
        return;
    }
    qcow2_put_be64(buf + 72, h->incompatible_features);
    qcow2_put_be64(buf + 80, h->compatible_features);
    qcow2_put_be64(buf + 88, h->autoclear_features);
    qcow2_put_be32(buf + 96, h->refcount_order);
    qcow2_put_be32(buf + 100, h->header_length);
    buf[104] = h->compression_type;
    memcpy(buf + QCOW2_V3_HEADER_LEN, h->unknown_fields,
           h->unknown_fields_len);
}

/* Append one extension at *off; false when it would leave no room. */
static bool qcow2_put_ext(uint8_t *buf, size_t cs, size_t *off,
                          uint32_t type, const void *data, uint32_t len)
{
    if (*off + 8 + qcow2_round_up8(len) + 8 > cs) {
        return false;
    }
    qcow2_put_be32(buf + *off, type);
    qcow2_put_be32(buf + *off + 4, len);
    if (len) {
        memcpy(buf + *off + 8, data, len);
    }
    *off += 8 + qcow2_round_up8(len);
    return true;
}

static bool qcow2_put_features(const Qcow2Meta *meta, uint8_t *buf,
                               size_t cs, size_t *off)
{
    size_t bytes = (size_t)meta->nb_features * 48;
    g_autofree uint8_t *t = g_malloc0(bytes ? bytes : 1);

    for (unsigned i = 0; i < meta->nb_features; i++) {
        t[i * 48] = meta->features[i].type;
        t[i * 48 + 1] = meta->features[i].bit;
        memcpy(t + i * 48 + 2, meta->features[i].name,
               strnlen(meta->features[i].name, QCOW2_FEATURE_NAME_LEN));
    }
    return qcow2_put_ext(buf, cs, off, QCOW2_EXT_FEATURE_TABLE, t, bytes);
}

bool qcow2_meta_serialize(Qcow2Meta *meta, uint8_t *buf, size_t cs,
                          Error **errp)
{
    Qcow2Header *h = &meta->h;
    size_t off;
    bool ok = true;

    memset(buf, 0, cs);
    if (h->version == 2) {
        h->header_length = QCOW2_V2_HEADER_LEN;
    } else {
        h->header_length = QCOW2_V3_HEADER_LEN +
                           (uint32_t)qcow2_round_up8(h->unknown_fields_len);
    }
    off = h->header_length;
    if (meta->backing_format) {
        ok &= qcow2_put_ext(buf, cs, &off, QCOW2_EXT_BACKING_FORMAT,
                            meta->backing_format,
                            strlen(meta->backing_format));
    }
    if (meta->nb_features && h->version >= 3) {
        ok &= qcow2_put_features(meta, buf, cs, &off);
    }
    for (unsigned i = 0; ok && i < meta->nb_unknown; i++) {
        ok &= qcow2_put_ext(buf, cs, &off, meta->unknown[i].type,
                            meta->unknown[i].data, meta->unknown[i].len);
    }
    off += 8;  /* end-of-extensions marker: type 0, length 0 */
    h->backing_file_offset = 0;
    h->backing_file_size = 0;
    if (ok && meta->backing_file) {
        size_t blen = strlen(meta->backing_file);
        if (blen > QCOW2_MAX_BACKING_NAME || off + blen > cs) {
            ok = false;
        } else {
            memcpy(buf + off, meta->backing_file, blen);
            h->backing_file_offset = off;
            h->backing_file_size = (uint32_t)blen;
        }
    }
    if (!ok) {
        error_setg(errp, "Cannot fit the qcow2 header and its extensions "
                   "into one cluster");
        return false;
    }
    qcow2_header_render(h, buf);
    return true;
}

void qcow2_meta_clear(Qcow2Meta *meta)
{
    g_free(meta->backing_file);
    g_free(meta->backing_format);
    g_free(meta->features);
    for (unsigned i = 0; i < meta->nb_unknown; i++) {
        g_free(meta->unknown[i].data);
    }
    g_free(meta->unknown);
    memset(meta, 0, sizeof(*meta));
}

void qcow2_meta_copy(Qcow2Meta *dst, const Qcow2Meta *src)
{
    *dst = *src;
    dst->backing_file = g_strdup(src->backing_file);
    dst->backing_format = g_strdup(src->backing_format);
    dst->features = g_memdup2(src->features,
                              sizeof(Qcow2Feature) * (src->nb_features + 1));
    dst->unknown = g_new0(Qcow2Extension, src->nb_unknown + 1);
    for (unsigned i = 0; i < src->nb_unknown; i++) {
        dst->unknown[i] = src->unknown[i];
        dst->unknown[i].data = g_memdup2(src->unknown[i].data,
                                         src->unknown[i].len + 1);
    }
}

void qcow2_meta_set_default_features(Qcow2Meta *meta)
{
    unsigned n = G_N_ELEMENTS(qcow2_default_features);

    g_free(meta->features);
    meta->features = g_new0(Qcow2Feature, n);
    meta->nb_features = n;
    for (unsigned i = 0; i < n; i++) {
        meta->features[i].type = qcow2_default_features[i].type;
        meta->features[i].bit = qcow2_default_features[i].bit;
        g_strlcpy(meta->features[i].name, qcow2_default_features[i].name,
                  sizeof(meta->features[i].name));
    }
}

const char *qcow2_feature_name(const Qcow2Meta *meta, uint8_t type,
                               uint8_t bit)
{
    for (unsigned i = 0; i < meta->nb_features; i++) {
        if (meta->features[i].type == type && meta->features[i].bit == bit) {
            return meta->features[i].name;
        }
    }
    return NULL;
}
