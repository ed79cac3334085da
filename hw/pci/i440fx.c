/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Intel 82441FX PMC, the host bridge of the i440FX chipset (82441FX
 * datasheet, order 290549: §3.2 "PCI Configuration Registers", PAM
 * registers 59h-5Fh, SMRAM 72h) and PCI configuration mechanism #1 (PCI
 * 3.0 §3.2.2.3.2: CONFIG_ADDRESS at 0xcf8, CONFIG_DATA at 0xcfc-0xcff).
 *
 * PAM: each of the 13 shadow segments (0xc0000-0xeffff in 16 KiB pieces
 * and 0xf0000-0xfffff as one) is its own small RAM region placed over the
 * address range while its PAM field enables DRAM: RE|WE maps it writable,
 * RE alone read-only (writes are dropped, as they would go to the ROM on
 * the PCI side).  With DRAM disabled the segment shows whatever lies below
 * (the BIOS ROM alias, option ROMs, VGA).  Deviation: write-only mode
 * (WE without RE) is modelled as read/write; firmware never uses it.
 *
 * The subsystem ID is QEMU's 1af4:1100, which SeaBIOS checks to recognise
 * a paravirtual PC (GUESTS-AND-FIRMWARE.md §5.5).  SMRAM (72h) is kept as a
 * register only: there is no SMM.
 */
#include "hw/pci/i440fx.h"

#include "hw/core/ioport.h"
#include "system/runstate.h"
#include "util/log.h"

#define I440FX_PAM0         0x59
#define I440FX_SMRAM        0x72
#define I440FX_PAM_PRIORITY 2

static inline I440FXState *i440fx_from_pci(PCIDevice *d)
{
    return container_of(d, I440FXState, parent);
}

/* Segment @i's base and size. */
static void pam_segment(int i, uint64_t *base, uint64_t *size)
{
    if (i == 0) {
        *base = 0xf0000;
        *size = 0x10000;
    } else {
        *base = 0xc0000 + (uint64_t)(i - 1) * 0x4000;
        *size = 0x4000;
    }
}

/* The 2-bit RE/WE field of segment @i. */
static unsigned pam_field(I440FXState *s, int i)
{
    uint8_t *c = s->parent.config;

    if (i == 0) {
        return (c[I440FX_PAM0] >> 4) & 3;
    }
    return (c[I440FX_PAM0 + (i + 1) / 2] >> ((i - 1) % 2 ? 4 : 0)) & 3;
}

static void i440fx_update_pam(I440FXState *s)
{
    MemoryMap *mem = s->parent.parent.machine->mem;

    memory_map_begin(mem);
    for (int i = 0; i < I440FX_PAM_SEGMENTS; i++) {
        unsigned f = pam_field(s, i);
        uint64_t base;
        uint64_t size;

        pam_segment(i, &base, &size);
        if (f == 0) {
            if (s->pam_mapped[i]) {
                memory_map_del(&s->pam[i]);
                s->pam_mapped[i] = false;
            }
            continue;
        }
        if (f == 2) {
            log_unimp("i440fx: PAM write-only mode on segment %d treated as "
                      "read/write", i);
        }
        memory_region_set_readonly(&s->pam[i], f == 1);
        if (!s->pam_mapped[i]) {
            memory_map_add(mem, &s->pam[i], base, I440FX_PAM_PRIORITY);
            s->pam_mapped[i] = true;
        }
    }
    memory_map_commit(mem);
}

static void i440fx_config_write(PCIDevice *d, uint32_t addr, uint32_t val,
                                unsigned size)
{
    I440FXState *s = i440fx_from_pci(d);

    pci_default_write(d, addr, val, size);
    if (addr < I440FX_PAM0 + 7 && addr + size > I440FX_PAM0) {
        i440fx_update_pam(s);
    }
}

/*
 * Configuration mechanism #1.  A dword access at 0xcf8 is CONFIG_ADDRESS;
 * a byte at 0xcf9 is the PIIX3 reset control register (RCR): writing it
 * with RST_CPU (bit 2) set resets the system, as Linux's "reboot=pci" and
 * SeaBIOS do.  Other narrow accesses read the address latch's bytes and
 * are otherwise ignored.
 */
#define RCR_SYS_RST 0x02
#define RCR_RST_CPU 0x04

static uint64_t conf_addr_read(void *opaque, uint64_t offset, unsigned size)
{
    I440FXState *s = opaque;

    if (size == 1 && offset == 1) {
        return s->rcr;
    }
    return (s->config_address >> (8 * offset)) & (0xffffffffu >> (32 - 8 * size));
}

static void conf_addr_write(void *opaque, uint64_t offset, uint64_t val,
                            unsigned size)
{
    I440FXState *s = opaque;

    if (size == 4) {
        s->config_address = val & 0x80fffffc;
    } else if (size == 1 && offset == 1) {
        s->rcr = val & RCR_SYS_RST;
        if (val & RCR_RST_CPU) {
            system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
        }
    }
}

static PCIDevice *conf_target(I440FXState *s, uint32_t *reg)
{
    uint32_t a = s->config_address;

    if (!(a & 0x80000000u) || ((a >> 16) & 0xff) != 0) {
        /* Disabled, or a bus other than 0: nothing answers. */
        return NULL;
    }
    *reg = a & 0xfc;
    return pci_bus_find(s->parent.bus, (a >> 8) & 0xff);
}

static uint64_t conf_data_read(void *opaque, uint64_t offset, unsigned size)
{
    I440FXState *s = opaque;
    uint32_t reg;
    PCIDevice *d = conf_target(s, &reg);

    if (!d) {
        return 0xffffffffu >> (32 - 8 * size);
    }
    return pci_config_read(d, reg + offset, size);
}

static void conf_data_write(void *opaque, uint64_t offset, uint64_t val,
                            unsigned size)
{
    I440FXState *s = opaque;
    uint32_t reg;
    PCIDevice *d = conf_target(s, &reg);

    if (d) {
        pci_config_write(d, reg + offset, val, size);
    }
}

static const MemoryRegionOps conf_addr_ops = {
    .read = conf_addr_read, .write = conf_addr_write,
    .min_access = 1, .max_access = 4,
};
static const MemoryRegionOps conf_data_ops = {
    .read = conf_data_read, .write = conf_data_write,
    .min_access = 1, .max_access = 4,
};

static bool i440fx_realize(Device *dev, Error **errp)
{
    PCIDevice *d = pci_from_dev(dev);
    I440FXState *s = i440fx_from_pci(d);

    /* The host bridge owns the root bus: it exists as long as the bridge. */
    s->bus = pci_bus_new(dev->machine);
    if (!pci_device_plug(d, errp)) {
        pci_bus_free(s->bus);
        return false;
    }
    for (int i = 0; i < I440FX_PAM_SEGMENTS; i++) {
        uint64_t base;
        uint64_t size;
        g_autofree char *name = g_strdup_printf("pam-%d", i);

        pam_segment(i, &base, &size);
        if (!memory_region_init_ram(&s->pam[i], name, size, errp)) {
            return false;
        }
        s->pam[i].owner = dev;
        d->wmask[I440FX_PAM0 + (i + 1) / 2] = i == 0 ? 0xf0 : 0xff;
    }
    d->wmask[I440FX_PAM0] = 0x30;
    d->wmask[I440FX_SMRAM] = 0x78;
    memory_region_init_io(&s->conf_addr_io, "pci-conf-idx", &conf_addr_ops,
                          s, 4);
    memory_region_init_io(&s->conf_data_io, "pci-conf-data", &conf_data_ops,
                          s, 4);
    io_space_map(dev->machine->io, &s->conf_addr_io, 0xcf8);
    io_space_map(dev->machine->io, &s->conf_data_io, 0xcfc);
    return true;
}

static void i440fx_reset(Device *dev)
{
    PCIDevice *d = pci_from_dev(dev);
    I440FXState *s = i440fx_from_pci(d);

    pci_device_reset(d);
    /* The host bridge always decodes memory and masters the bus. */
    pci_set_word(d->config + PCI_COMMAND,
                 PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    for (int i = 0; i < 7; i++) {
        d->config[I440FX_PAM0 + i] = 0;
    }
    d->config[I440FX_SMRAM] = 0x02;
    s->config_address = 0;
    s->rcr = 0;
    i440fx_update_pam(s);
}

static void i440fx_unrealize(Device *dev)
{
    PCIDevice *d = pci_from_dev(dev);
    I440FXState *s = i440fx_from_pci(d);

    memory_region_destroy(&s->conf_addr_io);
    memory_region_destroy(&s->conf_data_io);
    for (int i = 0; i < I440FX_PAM_SEGMENTS; i++) {
        memory_region_destroy(&s->pam[i]);
    }
    pci_device_unplug(d);
    pci_bus_free(s->bus);
}

const PCIDeviceClass i440fx_class = {
    .parent = {
        .name = "i440FX-pcihost",
        .description = "Intel 82441FX PCI and memory controller",
        .category = DEVICE_CATEGORY_BRIDGE,
        .bus = "PCI",
        .user_creatable = false,
        .instance_size = sizeof(I440FXState),
        .base_props = pci_base_props,
        .realize = i440fx_realize,
        .reset = i440fx_reset,
        .unrealize = i440fx_unrealize,
    },
    .vendor_id = 0x8086,
    .device_id = 0x1237,
    .revision = 0x02,
    .class_id = 0x0600,
    .subsystem_vendor_id = 0x1af4,
    .subsystem_id = 0x1100,
    .config_write = i440fx_config_write,
};
