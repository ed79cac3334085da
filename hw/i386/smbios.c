/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SMBIOS 2.8 tables for firmware through fw_cfg (DMTF DSP0134 2.8.0).
 *
 * "etc/smbios/smbios-anchor" holds the 31-byte 32-bit entry point (§5.2.1,
 * "_SM_" ... "_DMI_"), "etc/smbios/smbios-tables" the structures.  The
 * firmware copies the structures into its own memory, stores their address
 * in the entry point and recomputes both entry point checksums; here the
 * address is 0 and the checksums are valid for it.
 *
 * Structures: BIOS (type 0, §7.1), system (1, §7.2), chassis (3, §7.4),
 * one processor per CPU (4, §7.5), the physical memory array (16, §7.17),
 * one memory device (17, §7.18), one array mapped address per RAM range
 * (19, §7.20), system boot information (32, §7.33) and end of table
 * (127, §7.45).  Each is followed by its strings, numbered from 1, and an
 * extra NUL.
 */
#include "hw/i386/smbios.h"

#include <glib.h>
#include <string.h>

#include "hw/i386/pc.h"
#include "hw/nvram/fw_cfg.h"
#include "util/byteorder.h"

#define SMBIOS_MANUFACTURER "Plimsoll"
#define SMBIOS_PRODUCT      "Standard PC (i440FX + PIIX, 1996)"
#define SMBIOS_VERSION      "pc-i440fx-7.2"

typedef struct SmbiosBuilder {
    GByteArray *t;
    unsigned count;
    unsigned max_size;
} SmbiosBuilder;

/* Start a structure of @len formatted bytes; returns it zeroed with the
 * header filled (the pointer is valid until the next append). */
static uint8_t *smbios_begin(SmbiosBuilder *b, uint8_t type, uint8_t len,
                             uint16_t handle)
{
    uint8_t *s;

    g_byte_array_set_size(b->t, b->t->len + len);
    s = b->t->data + b->t->len - len;
    memset(s, 0, len);
    s[0] = type;
    s[1] = len;
    s[2] = handle;
    s[3] = handle >> 8;
    return s;
}

/* Append the string-set of the structure that starts at @start. */
static void smbios_end(SmbiosBuilder *b, unsigned start,
                       const char *const *strs)
{
    static const uint8_t nul = 0;
    unsigned n = 0;

    for (; strs && strs[n]; n++) {
        g_byte_array_append(b->t, (const uint8_t *)strs[n],
                            strlen(strs[n]) + 1);
    }
    if (!n) {
        g_byte_array_append(b->t, &nul, 1);
    }
    g_byte_array_append(b->t, &nul, 1);
    b->count++;
    b->max_size = MAX(b->max_size, b->t->len - start);
}

static void smbios_type0_1_3(SmbiosBuilder *b)
{
    static const char *const bios[] = { SMBIOS_MANUFACTURER, "1.0",
                                        "01/01/2026", NULL };
    static const char *const sys[] = { SMBIOS_MANUFACTURER, SMBIOS_PRODUCT,
                                       SMBIOS_VERSION, NULL };
    static const char *const chassis[] = { SMBIOS_MANUFACTURER, NULL };
    unsigned start = b->t->len;
    uint8_t *s = smbios_begin(b, 0, 24, 0x000);

    s[4] = 1;                       /* vendor */
    s[5] = 2;                       /* version */
    st_le16(s + 6, 0xe800);           /* starting segment */
    s[8] = 3;                       /* release date */
    s[9] = 0;                       /* ROM size: 64 KiB */
    s[10] = 1 << 3;                 /* characteristics not supported */
    s[19] = 1 << 4;                 /* extension 2: virtual machine */
    s[20] = 0;                      /* major/minor release */
    s[21] = 0;
    s[22] = 0xff;                   /* no embedded controller */
    s[23] = 0xff;
    smbios_end(b, start, bios);

    start = b->t->len;
    s = smbios_begin(b, 1, 27, 0x100);
    s[4] = 1;                       /* manufacturer */
    s[5] = 2;                       /* product name */
    s[6] = 3;                       /* version */
    s[24] = 6;                      /* wake-up type: power switch */
    smbios_end(b, start, sys);

    start = b->t->len;
    s = smbios_begin(b, 3, 21, 0x300);
    s[4] = 1;                       /* manufacturer */
    s[5] = 1;                       /* type: other */
    s[9] = 3;                       /* boot-up state: safe */
    s[10] = 3;                      /* power supply state: safe */
    s[11] = 3;                      /* thermal state: safe */
    s[12] = 2;                      /* security status: unknown */
    smbios_end(b, start, chassis);
}

static void smbios_type4(SmbiosBuilder *b, unsigned cpu)
{
    g_autofree char *socket = g_strdup_printf("CPU %u", cpu);
    const char *strs[] = { socket, SMBIOS_MANUFACTURER, NULL };
    unsigned start = b->t->len;
    uint8_t *s = smbios_begin(b, 4, 42, 0x400 + cpu);

    s[4] = 1;                       /* socket designation */
    s[5] = 3;                       /* processor type: central */
    s[6] = 1;                       /* family: other */
    s[7] = 2;                       /* manufacturer */
    st_le16(s + 20, 2000);            /* max speed, MHz */
    st_le16(s + 22, 2000);            /* current speed */
    s[24] = 0x41;                   /* socket populated, CPU enabled */
    s[25] = 1;                      /* upgrade: other */
    st_le16(s + 26, 0xffff);          /* no cache information */
    st_le16(s + 28, 0xffff);
    st_le16(s + 30, 0xffff);
    s[35] = 1;                      /* core count */
    s[36] = 1;                      /* cores enabled */
    s[37] = 1;                      /* thread count */
    st_le16(s + 38, 1 << 1);          /* characteristics: unknown */
    st_le16(s + 40, 1);               /* family 2: other */
    smbios_end(b, start, strs);
}

static void smbios_memory(SmbiosBuilder *b, PCMachineState *pcms)
{
    static const char *const dimm[] = { "DIMM 0", SMBIOS_MANUFACTURER, NULL };
    uint64_t kib = (pcms->below_4g + pcms->above_4g) >> 10;
    uint64_t mib = kib >> 10;
    const uint64_t ranges[2][2] = {
        { 0, pcms->below_4g },
        { 1ULL << 32, (1ULL << 32) + pcms->above_4g },
    };
    unsigned start = b->t->len;
    uint8_t *s = smbios_begin(b, 16, 23, 0x1000);

    s[4] = 3;                       /* location: system board */
    s[5] = 3;                       /* use: system memory */
    s[6] = 3;                       /* error correction: none */
    st_le32(s + 7, kib < 0x80000000u ? kib : 0x80000000u);
    st_le16(s + 11, 0xfffe);          /* no error information */
    st_le16(s + 13, 1);               /* one device */
    if (kib >= 0x80000000u) {
        st_le32(s + 15, kib << 10);
        st_le32(s + 19, kib >> 22);
    }
    smbios_end(b, start, NULL);

    start = b->t->len;
    s = smbios_begin(b, 17, 40, 0x1100);
    st_le16(s + 4, 0x1000);           /* array */
    st_le16(s + 6, 0xfffe);
    st_le16(s + 8, 0xffff);           /* widths unknown */
    st_le16(s + 10, 0xffff);
    st_le16(s + 12, mib < 0x7fff ? mib : 0x7fff);
    s[14] = 9;                      /* form factor: DIMM */
    s[16] = 1;                      /* device locator */
    s[18] = 7;                      /* type: RAM */
    st_le16(s + 19, 1 << 1);          /* detail: other */
    s[23] = 2;                      /* manufacturer */
    if (mib >= 0x7fff) {
        st_le32(s + 28, mib);
    }
    smbios_end(b, start, dimm);

    for (unsigned i = 0; i < 2; i++) {
        if (ranges[i][1] == ranges[i][0]) {
            continue;
        }
        start = b->t->len;
        s = smbios_begin(b, 19, 31, 0x1300 + i);
        st_le32(s + 4, ranges[i][0] >> 10);
        st_le32(s + 8, (ranges[i][1] >> 10) - 1);
        st_le16(s + 12, 0x1000);
        s[14] = 1;                  /* partition width */
        smbios_end(b, start, NULL);
    }
}

static uint8_t sum8(const uint8_t *p, unsigned len)
{
    uint8_t s = 0;

    while (len--) {
        s += *p++;
    }
    return s;
}

/* The 32-bit entry point (§5.2.1) for @b's structures at address 0. */
static void smbios_anchor(const SmbiosBuilder *b, uint8_t *ep)
{
    memset(ep, 0, SMBIOS_ANCHOR_LEN);
    memcpy(ep, "_SM_", 4);
    ep[5] = SMBIOS_ANCHOR_LEN;
    ep[6] = 2;
    ep[7] = 8;
    st_le16(ep + 8, b->max_size);
    memcpy(ep + 16, "_DMI_", 5);
    st_le16(ep + 22, b->t->len);
    st_le32(ep + 24, 0);
    st_le16(ep + 28, b->count);
    ep[30] = 0x28;                  /* BCD revision 2.8 */
    ep[21] = -sum8(ep + 16, 15);
    ep[4] = -sum8(ep, SMBIOS_ANCHOR_LEN);
}

void smbios_fw_cfg_install(PCMachineState *pcms)
{
    const MachineConfig *cfg = pcms->parent.cfg;
    unsigned ncpus = cfg->smp_cpus ? cfg->smp_cpus : 1;
    SmbiosBuilder b = { .t = g_byte_array_new() };
    uint8_t ep[SMBIOS_ANCHOR_LEN];
    unsigned start;

    smbios_type0_1_3(&b);
    for (unsigned i = 0; i < ncpus; i++) {
        smbios_type4(&b, i);
    }
    smbios_memory(&b, pcms);
    start = b.t->len;
    smbios_begin(&b, 32, 11, 0x2000);  /* boot status 0: no errors */
    smbios_end(&b, start, NULL);
    start = b.t->len;
    smbios_begin(&b, 127, 4, 0x7f00);
    smbios_end(&b, start, NULL);

    smbios_anchor(&b, ep);
    fw_cfg_add_file(pcms->fw_cfg, "etc/smbios/smbios-tables", b.t->data,
                    b.t->len);
    fw_cfg_add_file(pcms->fw_cfg, "etc/smbios/smbios-anchor", ep, sizeof(ep));
    g_byte_array_free(b.t, TRUE);
}
