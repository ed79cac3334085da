/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Little-endian loads and stores of 16- and 32-bit values at any byte
 * address, for the tables and headers firmware and boot loaders read
 * (ACPI, SMBIOS, the Linux boot protocol, Multiboot) and for PCI
 * configuration space: the host's own byte order and alignment do not
 * matter.
 */
#ifndef UTIL_BYTEORDER_H
#define UTIL_BYTEORDER_H

#include <stdint.h>

/**
 * ld_le16() - read a little-endian 16-bit value.
 * @p: its first byte
 */
static inline uint16_t ld_le16(const uint8_t *p)
{
    return p[0] | (p[1] << 8);
}

/**
 * ld_le32() - read a little-endian 32-bit value.
 * @p: its first byte
 */
static inline uint32_t ld_le32(const uint8_t *p)
{
    return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t)p[3] << 24);
}

/**
 * st_le16() - store @v little endian at @p.
 * @p: the first byte written
 * @v: the value
 */
static inline void st_le16(uint8_t *p, uint16_t v)
{
    p[0] = v;
    p[1] = v >> 8;
}

/**
 * st_le32() - store @v little endian at @p.
 * @p: the first byte written
 * @v: the value
 */
static inline void st_le32(uint8_t *p, uint32_t v)
{
    st_le16(p, v);
    st_le16(p + 2, v >> 16);
}

#endif /* UTIL_BYTEORDER_H */
