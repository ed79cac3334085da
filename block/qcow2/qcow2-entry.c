/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qcow2 table entries: L2 entry classification, compressed cluster
 * descriptors, and refcount block entries of every width from 1 to 64 bits.
 *
 * Spec: QEMU docs/interop/qcow2.txt "Host cluster management" (refcount
 * blocks: entries of refcount_bits, sub-byte widths packed from the least
 * significant bit, wider ones big-endian), "Cluster mapping" (standard and
 * compressed cluster descriptors).  Extended L2 entries are not handled.
 */
#include "block/qcow2/qcow2-format.h"

Qcow2ClusterType qcow2_l2_entry_type(uint64_t entry, uint32_t version)
{
    if (entry & QCOW2_OFLAG_COMPRESSED) {
        return QCOW2_CLUSTER_COMPRESSED;
    }
    if (version >= 3 && (entry & QCOW2_OFLAG_ZERO)) {
        return (entry & QCOW2_L2E_OFFSET_MASK) ? QCOW2_CLUSTER_ZERO_ALLOC
                                               : QCOW2_CLUSTER_ZERO_PLAIN;
    }
    if (entry & QCOW2_L2E_OFFSET_MASK) {
        return QCOW2_CLUSTER_NORMAL;
    }
    return QCOW2_CLUSTER_UNALLOCATED;
}

/* Bit where the sector count starts: x = 62 - (cluster_bits - 8). */
static uint32_t qcow2_csize_shift(uint32_t cluster_bits)
{
    return 62 - (cluster_bits - 8);
}

void qcow2_compressed_decode(uint64_t entry, uint32_t cluster_bits,
                             uint64_t *host_off, uint64_t *len)
{
    uint32_t x = qcow2_csize_shift(cluster_bits);
    uint64_t sectors_mask = (1ull << (cluster_bits - 8)) - 1;
    uint64_t nb_sectors = ((entry >> x) & sectors_mask) + 1;

    *host_off = entry & ((1ull << x) - 1);
    *len = nb_sectors * 512 - (*host_off & 511);
}

uint64_t qcow2_compressed_encode(uint64_t host_off, uint64_t len,
                                 uint32_t cluster_bits)
{
    uint32_t x = qcow2_csize_shift(cluster_bits);
    uint64_t sectors_mask = (1ull << (cluster_bits - 8)) - 1;
    uint64_t last = (host_off + len - 1) >> 9;
    uint64_t nb_extra = last - (host_off >> 9);

    if (len == 0 || host_off >= (1ull << x) || nb_extra > sectors_mask) {
        return 0;
    }
    return QCOW2_OFLAG_COMPRESSED | (nb_extra << x) | host_off;
}

uint64_t qcow2_refcount_get(const uint8_t *block, uint32_t order,
                            uint64_t idx)
{
    switch (order) {
    case 0:
    case 1:
    case 2: {
        uint32_t bits = 1u << order;
        uint64_t bit = idx * bits;
        return (block[bit / 8] >> (bit % 8)) & ((1u << bits) - 1);
    }
    case 3:
        return block[idx];
    case 4:
        return qcow2_be16(block + idx * 2);
    case 5:
        return qcow2_be32(block + idx * 4);
    default:
        return qcow2_be64(block + idx * 8);
    }
}

void qcow2_refcount_set(uint8_t *block, uint32_t order, uint64_t idx,
                        uint64_t value)
{
    switch (order) {
    case 0:
    case 1:
    case 2: {
        uint32_t bits = 1u << order;
        uint64_t bit = idx * bits;
        uint8_t mask = (uint8_t)(((1u << bits) - 1) << (bit % 8));
        block[bit / 8] = (uint8_t)((block[bit / 8] & ~mask) |
                                   ((value << (bit % 8)) & mask));
        break;
    }
    case 3:
        block[idx] = (uint8_t)value;
        break;
    case 4:
        qcow2_put_be16(block + idx * 2, (uint16_t)value);
        break;
    case 5:
        qcow2_put_be32(block + idx * 4, (uint32_t)value);
        break;
    default:
        qcow2_put_be64(block + idx * 8, value);
        break;
    }
}
