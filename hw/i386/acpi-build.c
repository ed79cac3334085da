/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ACPI tables and the $PIR table for the direct Linux boot.
 *
 * ACPI 1.0b (§5.2): an RSDP (revision 0) pointing at an RSDT that lists one
 * FADT (revision 1, 116 bytes), whose DSDT holds only the \_S5 sleep
 * package.  That is what Linux needs to power the machine off: it writes
 * SLP_TYP 0 | SLP_EN to PM1a_CNT at ACPI_PM_BASE + 4 (hw/pci/piix4-pm.c),
 * after enabling ACPI through SMI_CMD (0xb2) if SCI_EN is clear.  The PM
 * timer, SCI on IRQ 9 and the reset register complete the FADT.  With
 * apic=off there is no MADT, so Linux runs the 8259s; with the APICs (the
 * default) the RSDT also lists a MADT and an HPET table (at the end of
 * this file).  acpi_build_area() writes them for any base address:
 * hw/i386/acpi-fw.c builds them at 0 for firmware's table loader.
 *
 * $PIR (Microsoft "PCI IRQ Routing Table Specification" 1.0): router
 * 00:01.0 PIIX3 8086:7000, link values 0x60-0x63 (the PIRQRC registers),
 * entries for slots 1-6 with the board's rotation (slot - 1 + pin) mod 4.
 */
#include "hw/i386/acpi-build.h"

#include <glib.h>
#include <string.h>

#include "hw/i386/pc.h"
#include "util/byteorder.h"

#define ACPI_AREA     0xf0000
#define PIR_ADDR      0xf0800
#define RSDP_OFF      0x000
#define RSDT_OFF      0x040
#define FADT_OFF      0x080
#define DSDT_OFF      0x1000

static uint8_t acpi_checksum(const uint8_t *p, unsigned len)
{
    uint8_t sum = 0;

    for (unsigned i = 0; i < len; i++) {
        sum += p[i];
    }
    return (uint8_t)-sum;
}

/* The 36-byte System Description Table header (ACPI §5.2.6). */
static void acpi_header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
    memcpy(t, sig, 4);
    st_le32(t + 4, len);
    t[8] = rev;
    memcpy(t + 10, "PLIMSL", 6);
    memcpy(t + 16, "PLIMSOLL", 8);
    st_le32(t + 24, 1);
    memcpy(t + 28, "PLIM", 4);
    st_le32(t + 32, 1);
    t[9] = 0;
    t[9] = acpi_checksum(t, len);
}

/* DSDT: the AML of hw/i386/acpi-dsdt.c in a table header. */
static uint32_t acpi_build_dsdt(uint8_t *t, uint64_t ram_below_4g)
{
    GByteArray *aml = acpi_dsdt_aml(ram_below_4g);
    uint32_t len = 36 + aml->len;

    /* The area from DSDT_OFF to the end of the F segment holds it. */
    g_assert(len <= 0x10000 - DSDT_OFF);
    memset(t, 0, len);
    memcpy(t + 36, aml->data, aml->len);
    acpi_header(t, "DSDT", len, 1);
    g_byte_array_free(aml, TRUE);
    return len;
}

/* FADT revision 1 (ACPI 1.0b Table 5-7). */
static uint32_t acpi_build_fadt(uint8_t *t, uint32_t dsdt)
{
    const uint32_t len = 116;

    memset(t, 0, len);
    st_le32(t + 36, 0);               /* FIRMWARE_CTRL: no FACS */
    st_le32(t + 40, dsdt);
    t[45] = 0;                      /* preferred PM profile: unspecified */
    st_le16(t + 46, 9);               /* SCI_INT */
    st_le32(t + 48, 0xb2);            /* SMI_CMD */
    t[52] = 0xf1;                   /* ACPI_ENABLE */
    t[53] = 0xf0;                   /* ACPI_DISABLE */
    st_le32(t + 56, ACPI_PM_BASE);    /* PM1a_EVT_BLK */
    st_le32(t + 64, ACPI_PM_BASE + 4);/* PM1a_CNT_BLK */
    st_le32(t + 76, ACPI_PM_BASE + 8);/* PM_TMR_BLK */
    t[88] = 4;                      /* PM1_EVT_LEN */
    t[89] = 2;                      /* PM1_CNT_LEN */
    t[91] = 4;                      /* PM_TMR_LEN */
    st_le16(t + 96, 0xfff);           /* P_LVL2_LAT: C2 not supported */
    st_le16(t + 98, 0xfff);           /* P_LVL3_LAT: C3 not supported */
    t[108] = 0x32;                  /* CENTURY: CMOS index of the century */
    /* Flags: WBINVD, PROC_C1, SLP_BUTTON (no sleep button), RTC_S4. */
    st_le32(t + 112, (1u << 0) | (1u << 2) | (1u << 5) | (1u << 7));
    acpi_header(t, "FACP", len, 1);
    return len;
}

static unsigned acpi_build_apic_tables(PCMachineState *pcms, uint8_t *area,
                                       uint32_t base, AcpiLayout *lay);

static void acpi_note_table(AcpiLayout *lay, uint32_t off, uint32_t len)
{
    lay->table_off[lay->ntables] = off;
    lay->table_len[lay->ntables++] = len;
}

void acpi_build_area(PCMachineState *pcms, uint8_t *area, uint32_t base,
                     uint8_t *rsdp, AcpiLayout *lay)
{
    uint8_t *rsdt = area + RSDT_OFF;
    uint32_t dsdt_len;
    unsigned nent;

    memset(lay, 0, sizeof(*lay));
    memset(area, 0, 0x800);
    dsdt_len = acpi_build_dsdt(area + DSDT_OFF, pcms->below_4g);
    acpi_note_table(lay, DSDT_OFF, dsdt_len);
    acpi_note_table(lay, FADT_OFF,
                    acpi_build_fadt(area + FADT_OFF, base + DSDT_OFF));
    lay->ptr_off[lay->nptrs++] = FADT_OFF + 40;
    st_le32(rsdt + 36, base + FADT_OFF);
    lay->ptr_off[lay->nptrs++] = RSDT_OFF + 36;
    nent = 1 + acpi_build_apic_tables(pcms, area, base, lay);
    acpi_header(rsdt, "RSDT", 36 + 4 * nent, 1);
    acpi_note_table(lay, RSDT_OFF, 36 + 4 * nent);
    lay->rsdt_off = RSDT_OFF;
    lay->size = DSDT_OFF + dsdt_len;
    memset(rsdp, 0, 20);
    memcpy(rsdp, "RSD PTR ", 8);
    memcpy(rsdp + 9, "PLIMSL", 6);
    rsdp[15] = 0;                   /* revision 0: ACPI 1.0 */
    st_le32(rsdp + 16, base + RSDT_OFF);
    rsdp[8] = acpi_checksum(rsdp, 20);
}

uint64_t acpi_build_tables(PCMachineState *pcms, uint8_t *ram)
{
    AcpiLayout lay;

    acpi_build_area(pcms, ram + ACPI_AREA, ACPI_AREA,
                    ram + ACPI_AREA + RSDP_OFF, &lay);
    return ACPI_AREA + RSDP_OFF;
}

void pirq_build_table(PCMachineState *pcms, uint8_t *ram)
{
    const unsigned nslots = 6;
    const unsigned len = 32 + 16 * nslots;
    uint8_t *t = ram + PIR_ADDR;

    memset(t, 0, len);
    memcpy(t, "$PIR", 4);
    st_le16(t + 4, 0x0100);           /* version 1.0 */
    st_le16(t + 6, len);
    t[8] = 0;                       /* router bus */
    t[9] = PCI_DEVFN(1, 0);         /* router devfn */
    st_le16(t + 10, 0);               /* exclusive PCI IRQs: none */
    st_le16(t + 12, 0x8086);          /* compatible router: PIIX3 */
    st_le16(t + 14, 0x7000);
    for (unsigned s = 0; s < nslots; s++) {
        uint8_t *e = t + 32 + 16 * s;
        unsigned slot = s + 1;

        e[0] = 0;
        e[1] = PCI_DEVFN(slot, 0);
        for (unsigned pin = 0; pin < 4; pin++) {
            e[2 + 3 * pin] = 0x60 + ((slot - 1 + pin) & 3);
            st_le16(e + 3 + 3 * pin, 0xdef8);
        }
        e[14] = slot;
    }
    t[31] = acpi_checksum(t, len);
}

/* ---- MADT and HPET tables (apic=on; hw/i386/pc-apic.c) ---- */

#define HPET_TBL_OFF  0x140
#define MADT_OFF      0x180
#define MADT_MAX_LEN  (0x800 - MADT_OFF)

/* ISA IRQs whose GSI differs from the IRQ or that are level-triggered
 * (SCI and the PCI interrupt links): IRQ0 -> GSI 2; 5, 9, 10 and 11 level,
 * active high (MPS INTI flags 0x000d). */
static const struct {
    uint8_t irq;
    uint8_t gsi;
    uint16_t flags;
} madt_overrides[] = {
    { 0, 2, 0x0000 },
    { 5, 5, 0x000d },
    { 9, 9, 0x000d },
    { 10, 10, 0x000d },
    { 11, 11, 0x000d },
};

/* MADT revision 1 (ACPI 1.0b §5.2.8, ACPI 2.0 §5.2.10.4 for type 4). */
static uint32_t acpi_build_madt(PCMachineState *pcms, uint8_t *t)
{
    unsigned fixed = 44 + 12 + 10 * G_N_ELEMENTS(madt_overrides) + 6;
    unsigned ncpus = pcms->apic->ncpus;
    uint32_t len;
    uint8_t *e;

    /* A guest sees at most what fits below the $PIR table. */
    ncpus = MIN(ncpus, (MADT_MAX_LEN - fixed) / 8);
    len = fixed + 8 * ncpus;
    memset(t, 0, len);
    st_le32(t + 36, APIC_DEFAULT_ADDR);
    st_le32(t + 40, 1);                   /* PCAT_COMPAT: 8259s present */
    e = t + 44;
    for (unsigned i = 0; i < ncpus; i++, e += 8) {
        e[0] = 0;                       /* processor local APIC */
        e[1] = 8;
        e[2] = i;                       /* ACPI processor ID */
        e[3] = i;                       /* APIC ID at power-on */
        st_le32(e + 4, 1);                /* enabled */
    }
    e[0] = 1;                           /* I/O APIC */
    e[1] = 12;
    e[2] = 0;                           /* its ID (reset value) */
    st_le32(e + 4, IOAPIC_DEFAULT_ADDR);
    st_le32(e + 8, 0);                    /* GSI base */
    e += 12;
    for (unsigned i = 0; i < G_N_ELEMENTS(madt_overrides); i++, e += 10) {
        e[0] = 2;                       /* interrupt source override */
        e[1] = 10;
        e[2] = 0;                       /* ISA */
        e[3] = madt_overrides[i].irq;
        st_le32(e + 4, madt_overrides[i].gsi);
        st_le16(e + 8, madt_overrides[i].flags);
    }
    e[0] = 4;                           /* local APIC NMI */
    e[1] = 6;
    e[2] = 0xff;                        /* all processors */
    st_le16(e + 3, 0);                    /* conforming polarity/trigger */
    e[5] = 1;                           /* LINT1 */
    acpi_header(t, "APIC", len, 1);
    return len;
}

/* IA-PC HPET table (HPET specification 1.0a §3.2.4). */
static uint32_t acpi_build_hpet(uint8_t *t)
{
    const uint32_t len = 56;

    memset(t, 0, len);
    /* Event timer block ID: GCAP_ID bits 31-0. */
    st_le32(t + 36, 0x8086a201);
    t[40] = 0;                          /* GAS: system memory */
    t[41] = 64;                         /* register bit width */
    t[42] = 0;
    st_le32(t + 44, (uint32_t)HPET_DEFAULT_ADDR);
    st_le32(t + 48, 0);
    t[52] = 0;                          /* HPET number */
    st_le16(t + 53, 0x80);                /* minimum periodic tick */
    t[55] = 0;                          /* no page protection */
    acpi_header(t, "HPET", len, 1);
    return len;
}

/* With apic=on: build both tables, list them at @rsdt_entries, return
 * how many were listed. */
static unsigned acpi_build_apic_tables(PCMachineState *pcms, uint8_t *area,
                                       uint32_t base, AcpiLayout *lay)
{
    uint8_t *rsdt_entries = area + RSDT_OFF + 40;

    if (!pcms->apic) {
        return 0;
    }
    acpi_note_table(lay, MADT_OFF, acpi_build_madt(pcms, area + MADT_OFF));
    acpi_note_table(lay, HPET_TBL_OFF, acpi_build_hpet(area + HPET_TBL_OFF));
    st_le32(rsdt_entries, base + MADT_OFF);
    st_le32(rsdt_entries + 4, base + HPET_TBL_OFF);
    lay->ptr_off[lay->nptrs++] = RSDT_OFF + 40;
    lay->ptr_off[lay->nptrs++] = RSDT_OFF + 44;
    return 2;
}
