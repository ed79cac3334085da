/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qcow2 on-disk format: the header, header extensions, L1/L2 entries,
 * compressed cluster descriptors and refcount entries, with the pure
 * arithmetic on them.  Nothing here does I/O.
 *
 * Spec: QEMU docs/interop/qcow2.txt, sections "Header", "Additional fields",
 * "Header extensions", "Feature name table", "Host cluster management",
 * "Cluster mapping", "Compressed Clusters Descriptor", "Snapshots";
 * BLOCK-QMP-REFERENCE.md section 3.  Left out: encryption (refused at open),
 * external data files and extended L2 entries (refused by their incompatible
 * bits), persistent bitmaps (the extension is preserved, not interpreted).
 * All numbers on disk are big-endian.
 */
#ifndef BLOCK_QCOW2_FORMAT_H
#define BLOCK_QCOW2_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>
#include "util/error.h"

#define QCOW2_MAGIC                 0x514649fbu
#define QCOW2_V2_HEADER_LEN         72
#define QCOW2_V3_MIN_HEADER_LEN     104
#define QCOW2_V3_HEADER_LEN         112
#define QCOW2_MIN_CLUSTER_BITS      9
#define QCOW2_MAX_CLUSTER_BITS      21
#define QCOW2_MAX_L1_BYTES          (32u * 1024 * 1024)
#define QCOW2_MAX_REFTABLE_BYTES    (8u * 1024 * 1024)
#define QCOW2_MAX_SNAPSHOTS         65536
#define QCOW2_MAX_SNAPSHOT_TABLE    (64u * 1024 * 1024)
#define QCOW2_MAX_BACKING_NAME      1023
#define QCOW2_MAX_HOST_OFFSET       (1ull << 56)
#define QCOW2_FEATURE_NAME_LEN      46

/* Header extension types. */
#define QCOW2_EXT_END               0x00000000u
#define QCOW2_EXT_BACKING_FORMAT    0xe2792acau
#define QCOW2_EXT_FEATURE_TABLE     0x6803f857u
#define QCOW2_EXT_BITMAPS           0x23852875u
#define QCOW2_EXT_CRYPTO            0x0537be77u
#define QCOW2_EXT_DATA_FILE         0x44415441u

/* Feature bits. */
#define QCOW2_INCOMPAT_DIRTY        (1ull << 0)
#define QCOW2_INCOMPAT_CORRUPT      (1ull << 1)
#define QCOW2_INCOMPAT_DATA_FILE    (1ull << 2)
#define QCOW2_INCOMPAT_COMPRESSION  (1ull << 3)
#define QCOW2_INCOMPAT_EXTL2        (1ull << 4)
#define QCOW2_INCOMPAT_SUPPORTED    (QCOW2_INCOMPAT_DIRTY | \
                                     QCOW2_INCOMPAT_CORRUPT | \
                                     QCOW2_INCOMPAT_COMPRESSION)
#define QCOW2_COMPAT_LAZY_REFCOUNTS (1ull << 0)
#define QCOW2_AUTOCLEAR_BITMAPS     (1ull << 0)
#define QCOW2_AUTOCLEAR_DATA_RAW    (1ull << 1)

#define QCOW2_COMPRESS_DEFLATE      0
#define QCOW2_COMPRESS_ZSTD         1

/* L1 / L2 entries. */
#define QCOW2_OFLAG_COPIED          (1ull << 63)
#define QCOW2_OFLAG_COMPRESSED      (1ull << 62)
#define QCOW2_OFLAG_ZERO            (1ull << 0)
#define QCOW2_L1E_OFFSET_MASK       0x00fffffffffffe00ull
#define QCOW2_L2E_OFFSET_MASK       0x00fffffffffffe00ull
#define QCOW2_L1E_RESERVED_MASK     0x7f000000000001ffull
#define QCOW2_L2E_RESERVED_MASK     0x3f000000000001feull
#define QCOW2_REFT_OFFSET_MASK      0xfffffffffffffe00ull
#define QCOW2_REFT_RESERVED_MASK    0x00000000000001ffull

/**
 * struct Qcow2Header - the fixed header fields, in host byte order.
 * Fields beyond 104 that this implementation does not know are kept in
 * @unknown_fields so a rewrite preserves them (spec "Additional fields").
 */
typedef struct Qcow2Header {
    uint32_t version;
    uint64_t backing_file_offset;
    uint32_t backing_file_size;
    uint32_t cluster_bits;
    uint64_t size;
    uint32_t crypt_method;
    uint32_t l1_size;
    uint64_t l1_table_offset;
    uint64_t refcount_table_offset;
    uint32_t refcount_table_clusters;
    uint32_t nb_snapshots;
    uint64_t snapshots_offset;
    uint64_t incompatible_features;
    uint64_t compatible_features;
    uint64_t autoclear_features;
    uint32_t refcount_order;
    uint32_t header_length;
    uint8_t compression_type;
    uint8_t unknown_fields[256];
    uint32_t unknown_fields_len;  /* bytes from offset 112 kept verbatim */
} Qcow2Header;

/** struct Qcow2Feature - one entry of the feature name table. */
typedef struct Qcow2Feature {
    uint8_t type;   /* 0 incompatible, 1 compatible, 2 autoclear */
    uint8_t bit;
    char name[QCOW2_FEATURE_NAME_LEN + 1];
} Qcow2Feature;

/** struct Qcow2Extension - a header extension kept verbatim. */
typedef struct Qcow2Extension {
    uint32_t type;
    uint32_t len;
    uint8_t *data;
} Qcow2Extension;

/**
 * struct Qcow2Meta - everything cluster 0 holds: header, backing file name,
 * backing format, feature table, and the extensions we preserve unread.
 */
typedef struct Qcow2Meta {
    Qcow2Header h;
    char *backing_file;       /* NULL when none */
    char *backing_format;     /* NULL when the extension is absent */
    Qcow2Feature *features;
    unsigned nb_features;
    Qcow2Extension *unknown;  /* unknown and bitmaps extensions, in order */
    unsigned nb_unknown;
} Qcow2Meta;

/**
 * qcow2_meta_parse() - parse and validate cluster 0 of an image.
 * @buf: the first bytes of the image (at least min(file length, cluster
 *       size) bytes, and at least 72).
 * @len: bytes in @buf.
 * @file_len: length of the image file (bounds the tables).
 * @meta: filled on success; release with qcow2_meta_clear().
 * @errp: why the image is refused.
 *
 * Validates every field against the spec and QEMU's limits so that a
 * hostile header can never lead to an out-of-range access later.
 * Returns false and sets @errp for a malformed or unsupported image.
 */
bool qcow2_meta_parse(const uint8_t *buf, size_t len, uint64_t file_len,
                      Qcow2Meta *meta, Error **errp);

/**
 * qcow2_meta_serialize() - render the header and extensions into @buf.
 * @buf: cluster-size buffer, zeroed by this function.
 * @cluster_size: size of @buf.
 *
 * Writes the fixed header, extensions (backing format, feature table,
 * preserved ones, end marker) and the backing file name; updates
 * backing_file_offset/size and header_length in @meta.
 * Returns false if it does not fit in one cluster.
 */
bool qcow2_meta_serialize(Qcow2Meta *meta, uint8_t *buf, size_t cluster_size,
                          Error **errp);

/**
 * qcow2_header_render() - the fixed header fields of @h (version 2: up to
 * offset 72; version 3: up to 112, then @h->unknown_fields) at @buf, which
 * must hold QCOW2_V3_HEADER_LEN + @h->unknown_fields_len bytes.
 */
void qcow2_header_render(const Qcow2Header *h, uint8_t *buf);

/** qcow2_meta_clear() - free what qcow2_meta_parse() allocated. */
void qcow2_meta_clear(Qcow2Meta *meta);

/** qcow2_meta_copy() - deep copy of @src into @dst. */
void qcow2_meta_copy(Qcow2Meta *dst, const Qcow2Meta *src);

/** qcow2_meta_set_default_features() - the feature table QEMU writes. */
void qcow2_meta_set_default_features(Qcow2Meta *meta);

/**
 * qcow2_feature_name() - name of an incompatible feature bit from the
 * image's table, or NULL.
 */
const char *qcow2_feature_name(const Qcow2Meta *meta, uint8_t type,
                               uint8_t bit);

/* ---- L1/L2 entries ------------------------------------------------- */

typedef enum Qcow2ClusterType {
    QCOW2_CLUSTER_UNALLOCATED,
    QCOW2_CLUSTER_ZERO_PLAIN,   /* zero flag, no host cluster */
    QCOW2_CLUSTER_ZERO_ALLOC,   /* zero flag, preallocated host cluster */
    QCOW2_CLUSTER_NORMAL,
    QCOW2_CLUSTER_COMPRESSED,
} Qcow2ClusterType;

/**
 * qcow2_l2_entry_type() - classify an L2 entry.
 * @version: image version (the zero flag exists in v3 only).
 */
Qcow2ClusterType qcow2_l2_entry_type(uint64_t entry, uint32_t version);

/**
 * qcow2_compressed_decode() - host byte offset and on-disk length of a
 * compressed cluster descriptor (spec "Compressed Clusters Descriptor").
 * @len: bytes that may hold compressed data (sector count * 512 minus the
 *       offset within the first sector).
 */
void qcow2_compressed_decode(uint64_t entry, uint32_t cluster_bits,
                             uint64_t *host_off, uint64_t *len);

/**
 * qcow2_compressed_encode() - build a descriptor for @len bytes at
 * @host_off.  Returns 0 if the offset or length does not fit.
 */
uint64_t qcow2_compressed_encode(uint64_t host_off, uint64_t len,
                                 uint32_t cluster_bits);

/* ---- refcount entries ---------------------------------------------- */

/**
 * qcow2_refcount_get() - entry @idx of a refcount block whose entries are
 * 1 << @order bits wide (sub-byte widths count from the LSB).
 */
uint64_t qcow2_refcount_get(const uint8_t *block, uint32_t order,
                            uint64_t idx);

/** qcow2_refcount_set() - store @value (must fit the width). */
void qcow2_refcount_set(uint8_t *block, uint32_t order, uint64_t idx,
                        uint64_t value);

/** qcow2_refcount_max() - largest refcount a 1 << @order bit entry holds. */
static inline uint64_t qcow2_refcount_max(uint32_t order)
{
    return order >= 6 ? UINT64_MAX : (1ull << (1u << order)) - 1;
}

/* ---- big-endian helpers ------------------------------------------- */

static inline uint64_t qcow2_be64(const uint8_t *p)
{
    return ((uint64_t)p[0] << 56) | ((uint64_t)p[1] << 48) |
           ((uint64_t)p[2] << 40) | ((uint64_t)p[3] << 32) |
           ((uint64_t)p[4] << 24) | ((uint64_t)p[5] << 16) |
           ((uint64_t)p[6] << 8) | p[7];
}

static inline uint32_t qcow2_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
           ((uint32_t)p[2] << 8) | p[3];
}

static inline uint16_t qcow2_be16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

static inline void qcow2_put_be64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        p[i] = (uint8_t)v;
        v >>= 8;
    }
}

static inline void qcow2_put_be32(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

static inline void qcow2_put_be16(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = (uint8_t)v;
}

#endif /* BLOCK_QCOW2_FORMAT_H */
