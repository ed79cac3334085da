/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The DSDT of the direct Linux boot, encoded as AML (ACPI 6.4 §20 "ACPI
 * Machine Language Specification") by a handful of encoders below:
 *
 *   Scope (\_SB) {
 *       Device (PCI0) {
 *           Name (_HID, EisaId ("PNP0A03"))  -- the PCI root bridge, so
 *           Name (_ADR, 0)                      Linux scans bus 0
 *           Name (_UID, 0)
 *           Name (_PRT, Package () {         -- INTx of slots 1-31: static
 *               Package () { 0xSSSSFFFF, pin, 0, IRQ }, ...   GSIs
 *           })
 *       }
 *   }
 *   Name (_S5, Package () { 0, 0, 0, 0 })    -- S5 soft-off is type 0
 *
 * The IRQs follow the board's rotation (PIRQ = (slot - 1 + pin) mod 4) and
 * the PIRQ routes the machine programs into the PIIX3 for a direct boot:
 * PIRQA-D -> IRQ 10, 10, 11, 11, level-triggered (what SeaBIOS programs
 * too).  _CRS gives the root bus its windows: all I/O ports but the
 * configuration ports, the VGA window, and the 32-bit PCI hole (from
 * 2 GiB, or the end of low RAM if higher, up to the IOAPIC), where Linux
 * places the BARs no firmware assigned.
 */
#include "hw/i386/acpi-build.h"

#include <glib.h>
#include <stdbool.h>
#include <string.h>

/* PkgLength (§20.2.4): the length includes its own encoding. */
static void aml_pkg_wrap(GByteArray *out, uint8_t op, const GByteArray *body,
                         bool ext)
{
    uint32_t len = body->len;
    uint8_t enc[4];
    unsigned n;

    if (len + 1 < 64) {
        enc[0] = len + 1;
        n = 1;
    } else if (len + 2 < 4096) {
        len += 2;
        enc[0] = 0x40 | (len & 0x0f);
        enc[1] = len >> 4;
        n = 2;
    } else {
        len += 3;
        enc[0] = 0x80 | (len & 0x0f);
        enc[1] = len >> 4;
        enc[2] = len >> 12;
        n = 3;
    }
    if (ext) {
        g_byte_array_append(out, (const uint8_t *)"\x5b", 1);
    }
    g_byte_array_append(out, &op, 1);
    g_byte_array_append(out, enc, n);
    g_byte_array_append(out, body->data, body->len);
}

static void aml_bytes(GByteArray *out, const void *p, unsigned n)
{
    g_byte_array_append(out, p, n);
}

/* An integer in the smallest encoding (§20.2.3 ComputationalData). */
static void aml_int(GByteArray *out, uint32_t v)
{
    uint8_t b[5];

    if (v == 0 || v == 1) {
        b[0] = v;               /* ZeroOp, OneOp */
        aml_bytes(out, b, 1);
    } else if (v <= 0xff) {
        b[0] = 0x0a;
        b[1] = v;
        aml_bytes(out, b, 2);
    } else if (v <= 0xffff) {
        b[0] = 0x0b;
        b[1] = v;
        b[2] = v >> 8;
        aml_bytes(out, b, 3);
    } else {
        b[0] = 0x0c;
        b[1] = v;
        b[2] = v >> 8;
        b[3] = v >> 16;
        b[4] = v >> 24;
        aml_bytes(out, b, 5);
    }
}

static void aml_name_int(GByteArray *out, const char *seg, uint32_t v)
{
    aml_bytes(out, "\x08", 1);  /* NameOp */
    aml_bytes(out, seg, 4);
    aml_int(out, v);
}

/* Name (_PRT, Package () { ... }) for slots 1-31 and INTA-INTD. */
static void aml_prt(GByteArray *out)
{
    static const uint8_t pirq_irq[4] = { 10, 10, 11, 11 };
    GByteArray *elems = g_byte_array_new();
    GByteArray *pkg = g_byte_array_new();
    unsigned count = 0;

    for (unsigned slot = 1; slot < 32; slot++) {
        for (unsigned pin = 0; pin < 4; pin++) {
            GByteArray *e = g_byte_array_new();
            uint8_t n = 4;

            aml_bytes(e, &n, 1);
            aml_int(e, (slot << 16) | 0xffff);
            aml_int(e, pin);
            aml_int(e, 0);
            aml_int(e, pirq_irq[(slot - 1 + pin) & 3]);
            aml_pkg_wrap(elems, 0x12, e, false);   /* PackageOp */
            g_byte_array_free(e, TRUE);
            count++;
        }
    }
    /* VarPackageOp takes the element count as a TermArg (> 255 allowed). */
    aml_int(pkg, count);
    aml_bytes(pkg, elems->data, elems->len);
    aml_bytes(out, "\x08_PRT", 5);
    aml_pkg_wrap(out, 0x13, pkg, false);            /* VarPackageOp */
    g_byte_array_free(elems, TRUE);
    g_byte_array_free(pkg, TRUE);
}

static void put_le(uint8_t *p, uint32_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        p[i] = v >> (8 * i);
    }
}

/* A Word Address Space Descriptor (§6.4.3.5.3): @type 1 I/O, 2 bus. */
static void crs_word(GByteArray *b, uint8_t type, uint16_t min, uint16_t max)
{
    uint8_t d[16] = { 0x88, 13, 0, type, 0x0c, type == 1 ? 0x03 : 0 };

    put_le(d + 8, min, 2);
    put_le(d + 10, max, 2);
    put_le(d + 14, (uint32_t)max - min + 1, 2);
    aml_bytes(b, d, sizeof(d));
}

/* A DWord memory range (§6.4.3.5.2), read-write and cacheable. */
static void crs_dword_mem(GByteArray *b, uint32_t min, uint32_t max)
{
    uint8_t d[26] = { 0x87, 23, 0, 0, 0x0c, 0x03 };

    put_le(d + 10, min, 4);
    put_le(d + 14, max, 4);
    put_le(d + 22, max - min + 1, 4);
    aml_bytes(b, d, sizeof(d));
}

/*
 * Name (_CRS, ResourceTemplate ()): bus 0-255, the config ports, I/O
 * around them, the VGA window and the 32-bit PCI hole from the end of
 * RAM below 4 GiB to the IOAPIC.
 */
static void aml_crs(GByteArray *out, uint32_t hole_start)
{
    static const uint8_t conf_io[] = { 0x47, 0x01, 0xf8, 0x0c, 0xf8, 0x0c,
                                       0x01, 0x08 };
    static const uint8_t end_tag[] = { 0x79, 0x00 };
    GByteArray *res = g_byte_array_new();
    GByteArray *buf = g_byte_array_new();

    crs_word(res, 2, 0x00, 0xff);
    aml_bytes(res, conf_io, sizeof(conf_io));
    crs_word(res, 1, 0x0000, 0x0cf7);
    crs_word(res, 1, 0x0d00, 0xffff);
    crs_dword_mem(res, 0xa0000, 0xbffff);
    crs_dword_mem(res, hole_start, 0xfebfffff);
    aml_bytes(res, end_tag, sizeof(end_tag));
    aml_int(buf, res->len);
    aml_bytes(buf, res->data, res->len);
    aml_bytes(out, "\x08_CRS", 5);
    aml_pkg_wrap(out, 0x11, buf, false);            /* BufferOp */
    g_byte_array_free(res, TRUE);
    g_byte_array_free(buf, TRUE);
}

GByteArray *acpi_dsdt_aml(uint64_t ram_below_4g)
{
    uint32_t hole = ram_below_4g < 0x80000000u ? 0x80000000u : ram_below_4g;
    GByteArray *out = g_byte_array_new();
    GByteArray *dev = g_byte_array_new();
    GByteArray *devbody = g_byte_array_new();
    GByteArray *scope = g_byte_array_new();
    static const uint8_t s5[] = {
        0x08, '_', 'S', '5', '_',   /* NameOp "_S5_" */
        0x12, 0x06, 0x04,           /* PackageOp, PkgLength 6, 4 elements */
        0x00, 0x00, 0x00, 0x00,     /* ZeroOp x 4: SLP_TYPa/b = 0 */
    };

    aml_bytes(devbody, "PCI0", 4);
    aml_name_int(devbody, "_HID", 0x030ad041);      /* EisaId ("PNP0A03") */
    aml_name_int(devbody, "_ADR", 0);
    aml_name_int(devbody, "_UID", 0);
    aml_prt(devbody);
    aml_crs(devbody, hole);
    aml_pkg_wrap(dev, 0x82, devbody, true);         /* DeviceOp */
    aml_bytes(scope, "\\_SB_", 5);
    aml_bytes(scope, dev->data, dev->len);
    aml_pkg_wrap(out, 0x10, scope, false);          /* ScopeOp */
    aml_bytes(out, s5, sizeof(s5));
    g_byte_array_free(dev, TRUE);
    g_byte_array_free(devbody, TRUE);
    g_byte_array_free(scope, TRUE);
    return out;
}
