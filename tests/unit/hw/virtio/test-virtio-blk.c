/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for virtio-blk-pci (hw/virtio/): a CPU-less machine acts as
 * the driver, through the legacy I/O BAR and the modern capabilities,
 * with rings and buffers in guest RAM; checks data in the image, status
 * bytes, used ring, INTx/ISR, event index suppression, indirect tables,
 * hostile chains, the werror=stop retry in order, and MSI-X (vectors,
 * table, masking, pending bits, the legacy layout shift).
 */
#include "../ide/disk-rig.h"

#include "hw/intc/apic.h"
#include "hw/virtio/virtio-blk.h"

#define LEG       0xc080
#define MODERN    0xfe000000ull
#define RING      0x40000
#define HDR       0x50000
#define STATUS    0x51000
#define DATA      0x60000
#define DATA2     0x80000
#define INDIRECT  0x52000

typedef struct Drv {
    uint64_t desc, avail, used;
    uint16_t num;
    uint16_t avail_idx;
    uint16_t used_seen;
    bool modern;
} Drv;

typedef struct VRig {
    DiskRig r;
    PCIDevice *d;
    bool irq;
    Drv q;
} VRig;

static void vr_route(void *opaque, int devfn, int pin, bool level)
{
    ((VRig *)opaque)->irq = level;
}

static void wr16(VRig *t, uint64_t a, uint16_t v)
{
    uint8_t *p = rig_ram(&t->r) + a;

    p[0] = v;
    p[1] = v >> 8;
}

static uint16_t rd16(VRig *t, uint64_t a)
{
    uint8_t *p = rig_ram(&t->r) + a;

    return p[0] | (p[1] << 8);
}

static uint32_t rd32(VRig *t, uint64_t a)
{
    return rd16(t, a) | ((uint32_t)rd16(t, a + 2) << 16);
}

static void wr_desc(VRig *t, uint64_t table, unsigned i, uint64_t addr,
                    uint32_t len, uint16_t flags, uint16_t next)
{
    uint8_t *p = rig_ram(&t->r) + table + 16 * i;

    for (int k = 0; k < 8; k++) {
        p[k] = addr >> (8 * k);
    }
    for (int k = 0; k < 4; k++) {
        p[8 + k] = len >> (8 * k);
    }
    p[12] = flags;
    p[13] = flags >> 8;
    p[14] = next;
    p[15] = next >> 8;
}

static uint32_t mmio_rd(VRig *t, uint64_t off, unsigned size)
{
    return memory_map_read(t->r.m->mem, MODERN + off, size);
}

static void mmio_wr(VRig *t, uint64_t off, uint32_t v, unsigned size)
{
    memory_map_write(t->r.m->mem, MODERN + off, v, size);
}

/* Create the device from JSON @props, reset, map BAR0 and BAR4. */
static void vr_init_dev(VRig *t, const char *props)
{
    struct json_object *o = json_tokener_parse(props);
    Device *dev;

    pci_bus_set_irq_router(t->r.pci, vr_route, t);
    dev = device_create(t->r.m, o, &error_abort);
    json_object_put(o);
    t->d = pci_from_dev(dev);
    machine_reset(t->r.m);
    pci_config_write(t->d, 0x10, LEG | 1, 4);
    pci_config_write(t->d, 0x20, (uint32_t)MODERN, 4);
    pci_config_write(t->d, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY |
                     PCI_COMMAND_MASTER, 2);
}

static void vr_init(VRig *t, const char *fmt, uint64_t size,
                    const char *inject)
{
    memset(t, 0, sizeof(*t));
    rig_init(&t->r, fmt, size, inject);
    vr_init_dev(t, "{\"driver\": \"virtio-blk-pci\", \"drive\": "
                "\"disk0\", \"serial\": \"VSERIAL01\", \"addr\": \"3\", "
                "\"id\": \"vd0\"}");
}

/* The legacy driver's initialisation (virtio 0.9.5 / §4.1.4.8). */
static void vr_legacy_setup(VRig *t, uint32_t features)
{
    Machine *m = t->r.m;

    outb(m, LEG + 0x12, 0);
    outb(m, LEG + 0x12, 3);
    io_space_write(m->io, LEG + 4,
                   io_space_read(m->io, LEG, 4) & features, 4);
    io_space_write(m->io, LEG + 0x0e, 0, 2);
    t->q.num = io_space_read(m->io, LEG + 0x0c, 2);
    g_assert_cmpuint(t->q.num, ==, 256);
    io_space_write(m->io, LEG + 8, RING >> 12, 4);
    t->q.desc = RING;
    t->q.avail = RING + 16 * 256;
    t->q.used = (t->q.avail + 4 + 512 + 2 + 4095) & ~4095ull;
    outb(m, LEG + 0x12, 7);
}

/* The modern driver's initialisation (§3.1.1, §4.1.5.1.3). */
static void vr_modern_setup(VRig *t, bool event_idx)
{
    uint32_t hi, lo;

    mmio_wr(t, 0x14, 0, 1);
    mmio_wr(t, 0x14, 3, 1);
    mmio_wr(t, 0x00, 1, 4);
    hi = mmio_rd(t, 0x04, 4);
    g_assert_true(hi & 1);                  /* VERSION_1 */
    mmio_wr(t, 0x00, 0, 4);
    lo = mmio_rd(t, 0x04, 4);
    mmio_wr(t, 0x08, 0, 4);
    mmio_wr(t, 0x0c, lo & ((1u << 28) | (event_idx ? 1u << 29 : 0) |
                           (1u << 13) | (1u << 14) | (1u << 9) |
                           (1u << 11)), 4);
    mmio_wr(t, 0x08, 1, 4);
    mmio_wr(t, 0x0c, 1, 4);
    mmio_wr(t, 0x14, 0x0b, 1);
    g_assert_cmphex(mmio_rd(t, 0x14, 1), ==, 0x0b);
    mmio_wr(t, 0x16, 0, 2);
    mmio_wr(t, 0x18, 64, 2);
    t->q.num = 64;
    t->q.desc = RING;
    t->q.avail = RING + 0x1000;
    t->q.used = RING + 0x2000;
    t->q.modern = true;
    mmio_wr(t, 0x20, RING, 4);
    mmio_wr(t, 0x24, 0, 4);
    mmio_wr(t, 0x28, RING + 0x1000, 4);
    mmio_wr(t, 0x30, RING + 0x2000, 4);
    mmio_wr(t, 0x1c, 1, 2);
    mmio_wr(t, 0x14, 0x0f, 1);
}

static void vr_kick(VRig *t, uint16_t head)
{
    wr16(t, t->q.avail + 4 + 2 * (t->q.avail_idx % t->q.num), head);
    t->q.avail_idx++;
    wr16(t, t->q.avail + 2, t->q.avail_idx);
    if (t->q.modern) {
        mmio_wr(t, 0x3000, 0, 2);
    } else {
        io_space_write(t->r.m->io, LEG + 0x10, 0, 2);
    }
}

/* Wait for the next used element: its length; *id its head. */
static uint32_t vr_used(VRig *t, uint16_t *id)
{
    uint64_t e;

    for (int i = 0; i < 1000 && rd16(t, t->q.used + 2) == t->q.used_seen;
         i++) {
        rig_drain(&t->r);
    }
    g_assert_cmpuint(rd16(t, t->q.used + 2), !=, t->q.used_seen);
    e = t->q.used + 4 + 8 * (t->q.used_seen % t->q.num);
    t->q.used_seen++;
    if (id) {
        *id = rd32(t, e);
    }
    return rd32(t, e + 4);
}

static void vr_hdr(VRig *t, uint32_t type, uint64_t sector)
{
    uint8_t *p = rig_ram(&t->r) + HDR;

    memset(p, 0, 16);
    for (int k = 0; k < 4; k++) {
        p[k] = type >> (8 * k);
    }
    for (int k = 0; k < 8; k++) {
        p[8 + k] = sector >> (8 * k);
    }
}

/* One request: header, data (in or out), status; direct descriptors. */
static uint8_t vr_req(VRig *t, uint32_t type, uint64_t sector,
                      uint64_t data, uint32_t len, bool data_in,
                      uint32_t *used_len)
{
    uint32_t ulen;

    vr_hdr(t, type, sector);
    rig_ram(&t->r)[STATUS] = 0xaa;
    wr_desc(t, t->q.desc, 0, HDR, 16, VRING_DESC_F_NEXT, 1);
    if (len) {
        wr_desc(t, t->q.desc, 1, data, len, VRING_DESC_F_NEXT |
                (data_in ? VRING_DESC_F_WRITE : 0), 2);
        wr_desc(t, t->q.desc, 2, STATUS, 1, VRING_DESC_F_WRITE, 0);
    } else {
        wr_desc(t, t->q.desc, 1, STATUS, 1, VRING_DESC_F_WRITE, 0);
    }
    vr_kick(t, 0);
    ulen = vr_used(t, NULL);
    if (used_len) {
        *used_len = ulen;
    }
    return rig_ram(&t->r)[STATUS];
}

static void test_pci(void)
{
    VRig t;
    Machine *m;
    uint8_t cap;
    unsigned types = 0;

    vr_init(&t, "raw", 8 << 20, NULL);
    m = t.r.m;
    g_assert_cmphex(pci_config_read(t.d, 0, 4), ==, 0x10011af4);
    g_assert_cmphex(pci_config_read(t.d, 0x2c, 4), ==, 0x00021af4);
    g_assert_cmphex(pci_config_read(t.d, 0x08, 4) >> 16, ==, 0x0100);
    g_assert_cmphex(pci_config_read(t.d, 0x3d, 1), ==, 1);
    g_assert_true(pci_config_read(t.d, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);
    for (cap = pci_config_read(t.d, 0x34, 1); cap;
         cap = pci_config_read(t.d, cap + 1, 1)) {
        g_assert_cmphex(pci_config_read(t.d, cap, 1), ==, 0x09);
        types |= 1u << pci_config_read(t.d, cap + 3, 1);
    }
    g_assert_cmphex(types, ==, 0x1e);        /* common, notify, ISR, dev */
    /* Legacy: features and capacity (8 MiB = 16384 sectors). */
    g_assert_true(io_space_read(m->io, LEG, 4) & (1u << 2));     /* SEG_MAX */
    g_assert_true(io_space_read(m->io, LEG, 4) & (1u << 28));    /* INDIRECT */
    g_assert_cmpuint(io_space_read(m->io, LEG + 0x14, 4), ==, 16384);
    g_assert_cmpuint(io_space_read(m->io, LEG + 0x14 + 0x14, 4), ==, 512);
    /* Modern: the same config through BAR4; one queue. */
    g_assert_cmpuint(mmio_rd(&t, 0x2000, 4), ==, 16384);
    g_assert_cmpuint(mmio_rd(&t, 0x12, 2), ==, 1);
    g_assert_cmphex(mmio_rd(&t, 0x10, 2), ==, 0xffff);
    rig_free(&t.r);
}

static void test_legacy_rw(gconstpointer fmt)
{
    VRig t;
    uint8_t *ram;
    g_autofree uint8_t *file = g_malloc(4096);
    uint32_t ulen;

    vr_init(&t, fmt, 8 << 20, NULL);
    ram = rig_ram(&t.r);
    vr_legacy_setup(&t, ~(1u << 29));      /* no event index */
    rig_pattern(ram + DATA, 4096, 5);
    g_assert_cmpuint(vr_req(&t, 1, 16, DATA, 4096, false, &ulen), ==, 0);
    g_assert_cmpuint(ulen, ==, 1);
    g_assert_true(t.irq);
    g_assert_cmpuint(inb(t.r.m, LEG + 0x13), ==, 1);
    g_assert_false(t.irq);
    g_assert_cmpuint(vr_req(&t, 0, 16, DATA2, 4096, true, &ulen), ==, 0);
    g_assert_cmpuint(ulen, ==, 4097);
    g_assert_cmpmem(ram + DATA2, 4096, ram + DATA, 4096);
    if (!strcmp(fmt, "raw")) {
        rig_file_read(&t.r, 16 * 512, file, 4096);
        g_assert_cmpmem(file, 4096, ram + DATA, 4096);
    }
    /* GET_ID, FLUSH, an unsupported type. */
    memset(ram + DATA, 0, 20);
    g_assert_cmpuint(vr_req(&t, 8, 0, DATA, 20, true, &ulen), ==, 0);
    g_assert_cmpstr((char *)ram + DATA, ==, "VSERIAL01");
    g_assert_cmpuint(vr_req(&t, 4, 0, 0, 0, false, NULL), ==, 0);
    g_assert_cmpuint(vr_req(&t, 2, 0, DATA, 512, false, NULL), ==, 2);
    g_assert_cmpuint(blk_get_stats(t.r.blk)->ops[BLOCK_ACCT_FLUSH], ==, 1);
    g_assert_cmpuint(blk_get_stats(t.r.blk)->bytes[BLOCK_ACCT_WRITE], ==,
                     4096);
    /* A system reset with the interrupt pending releases the line and
     * the device forgets the queue. */
    g_assert_true(t.irq);
    machine_reset(t.r.m);
    g_assert_false(t.irq);
    pci_config_write(t.d, 0x10, LEG | 1, 4);
    pci_config_write(t.d, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MASTER,
                     2);
    g_assert_cmpuint(io_space_read(t.r.m->io, LEG + 8, 4), ==, 0);
    g_assert_cmpuint(inb(t.r.m, LEG + 0x12), ==, 0);
    rig_free(&t.r);
}

static void test_modern_indirect(void)
{
    VRig t;
    uint8_t *ram;

    vr_init(&t, "raw", 8 << 20, NULL);
    ram = rig_ram(&t.r);
    vr_modern_setup(&t, true);
    /* A write through an indirect table: header, 2 data pieces, status. */
    rig_pattern(ram + DATA, 2048, 6);
    vr_hdr(&t, 1, 100);
    wr_desc(&t, INDIRECT, 0, HDR, 16, VRING_DESC_F_NEXT, 1);
    wr_desc(&t, INDIRECT, 1, DATA, 1024, VRING_DESC_F_NEXT, 2);
    wr_desc(&t, INDIRECT, 2, DATA + 1024, 1024, VRING_DESC_F_NEXT, 3);
    wr_desc(&t, INDIRECT, 3, STATUS, 1, VRING_DESC_F_WRITE, 0);
    wr_desc(&t, t.q.desc, 5, INDIRECT, 64, VRING_DESC_F_INDIRECT, 0);
    /* used_event far ahead: no interrupt for this completion. */
    wr16(&t, t.q.avail + 4 + 2 * 64, 100);
    ram[STATUS] = 0xaa;
    vr_kick(&t, 5);
    {
        uint16_t id;

        vr_used(&t, &id);
        g_assert_cmpuint(id, ==, 5);
    }
    g_assert_cmpuint(ram[STATUS], ==, 0);
    g_assert_false(t.irq);
    /* avail_event published by the device. */
    g_assert_cmpuint(rd16(&t, t.q.used + 4 + 8 * 64), ==, 1);
    /* used_event = current: the next completion interrupts. */
    wr16(&t, t.q.avail + 4 + 2 * 64, 1);
    g_assert_cmpuint(vr_req(&t, 0, 100, DATA2, 2048, true, NULL), ==, 0);
    g_assert_true(t.irq);
    g_assert_cmpuint(mmio_rd(&t, 0x1000, 1), ==, 1);
    g_assert_false(t.irq);
    g_assert_cmpmem(ram + DATA2, 2048, ram + DATA, 2048);
    /* WRITE_ZEROES over sector 100, then read back zeros. */
    memset(ram + DATA, 0, 16);
    ram[DATA] = 100;
    ram[DATA + 8] = 2;
    g_assert_cmpuint(vr_req(&t, 13, 0, DATA, 16, false, NULL), ==, 0);
    g_assert_cmpuint(vr_req(&t, 0, 100, DATA2, 1024, true, NULL), ==, 0);
    for (int i = 0; i < 1024; i++) {
        g_assert_cmpuint(ram[DATA2 + i], ==, 0);
    }
    /* DISCARD; with the unmap flag it is refused (UNSUPP). */
    g_assert_cmpuint(vr_req(&t, 11, 0, DATA, 16, false, NULL), ==, 0);
    g_assert_cmpuint(blk_get_stats(t.r.blk)->ops[BLOCK_ACCT_UNMAP], ==, 1);
    ram[DATA + 12] = 1;
    g_assert_cmpuint(vr_req(&t, 11, 0, DATA, 16, false, NULL), ==, 2);
    /* Turning the write cache off through config (CONFIG_WCE). */
    mmio_wr(&t, 0x2000 + 0x20, 0, 1);
    g_assert_false(blk_enable_write_cache(t.r.blk));
    rig_free(&t.r);
}

static void test_hostile(void)
{
    VRig t;
    uint8_t *ram;

    vr_init(&t, "raw", 1 << 20, NULL);
    ram = rig_ram(&t.r);
    vr_legacy_setup(&t, ~0u);
    /* A descriptor loop: returned with length 0, no hang. */
    wr_desc(&t, t.q.desc, 0, HDR, 16, VRING_DESC_F_NEXT, 1);
    wr_desc(&t, t.q.desc, 1, DATA, 512, VRING_DESC_F_NEXT, 0);
    vr_kick(&t, 0);
    g_assert_cmpuint(vr_used(&t, NULL), ==, 0);
    /* Data outside RAM: IOERR. */
    g_assert_cmpuint(vr_req(&t, 0, 0, 0xf0000000ull, 512, true, NULL), ==,
                     1);
    g_assert_cmpuint(vr_req(&t, 1, 0, 0x7ffff000ull, 512, false, NULL), ==,
                     1);
    /* Past the end, and a sector number that overflows. */
    g_assert_cmpuint(vr_req(&t, 0, 2047, DATA, 1024, true, NULL), ==, 1);
    g_assert_cmpuint(vr_req(&t, 1, UINT64_MAX / 256, DATA, 512, false,
                            NULL), ==, 1);
    g_assert_cmpuint(blk_get_stats(t.r.blk)->invalid_ops[BLOCK_ACCT_READ],
                     ==, 1);
    /* Not a multiple of 512. */
    g_assert_cmpuint(vr_req(&t, 0, 0, DATA, 100, true, NULL), ==, 1);
    /* No status byte (nothing writable): length 0. */
    wr_desc(&t, t.q.desc, 0, HDR, 16, 0, 0);
    vr_kick(&t, 0);
    g_assert_cmpuint(vr_used(&t, NULL), ==, 0);
    /* Nested indirect and an indirect length not a multiple of 16. */
    wr_desc(&t, INDIRECT, 0, INDIRECT + 0x100, 32, VRING_DESC_F_INDIRECT, 0);
    wr_desc(&t, t.q.desc, 3, INDIRECT, 16, VRING_DESC_F_INDIRECT, 0);
    vr_kick(&t, 3);
    g_assert_cmpuint(vr_used(&t, NULL), ==, 0);
    wr_desc(&t, t.q.desc, 3, INDIRECT, 17, VRING_DESC_F_INDIRECT, 0);
    vr_kick(&t, 3);
    g_assert_cmpuint(vr_used(&t, NULL), ==, 0);
    /* Head index out of range. */
    vr_kick(&t, 999);
    g_assert_cmpuint(vr_used(&t, NULL), ==, 0);
    /* Still working after all that. */
    rig_pattern(ram + DATA, 512, 7);
    g_assert_cmpuint(vr_req(&t, 1, 1, DATA, 512, false, NULL), ==, 0);
    /* The available index jumps by more than the queue size: the device
     * stops using the queue and asks for a reset. */
    wr16(&t, t.q.avail + 2, t.q.avail_idx + 1000);
    io_space_write(t.r.m->io, LEG + 0x10, 0, 2);
    g_assert_cmphex(inb(t.r.m, LEG + 0x12) & 0x40, ==, 0x40);
    /* Notify of a queue that does not exist: ignored. */
    io_space_write(t.r.m->io, LEG + 0x10, 7, 2);
    /* Reset by the driver clears it. */
    outb(t.r.m, LEG + 0x12, 0);
    g_assert_cmphex(inb(t.r.m, LEG + 0x12), ==, 0);
    rig_free(&t.r);
}

static void test_werror_stop(void)
{
    VRig t;
    uint8_t *ram;
    g_autofree uint8_t *file = g_malloc(1024);
    uint16_t id1, id2;

    vr_init(&t, "raw", 1 << 20,
            "[{\"event\": \"pwritev\", \"errno\": 28, \"once\": true}, "
            "{\"event\": \"pwritev\", \"errno\": 28, \"once\": true}]");
    g_assert_true(vm_start(&error_abort));
    ram = rig_ram(&t.r);
    vr_legacy_setup(&t, ~0u);
    /* Two writes in one kick; both fail with ENOSPC. */
    rig_pattern(ram + DATA, 512, 8);
    rig_pattern(ram + DATA2, 512, 9);
    vr_hdr(&t, 1, 4);
    memcpy(ram + HDR + 16, ram + HDR, 16);
    ram[HDR + 16 + 8] = 5;
    wr_desc(&t, t.q.desc, 0, HDR, 16, VRING_DESC_F_NEXT, 1);
    wr_desc(&t, t.q.desc, 1, DATA, 512, VRING_DESC_F_NEXT, 2);
    wr_desc(&t, t.q.desc, 2, STATUS, 1, VRING_DESC_F_WRITE, 0);
    wr_desc(&t, t.q.desc, 3, HDR + 16, 16, VRING_DESC_F_NEXT, 4);
    wr_desc(&t, t.q.desc, 4, DATA2, 512, VRING_DESC_F_NEXT, 5);
    wr_desc(&t, t.q.desc, 5, STATUS + 1, 1, VRING_DESC_F_WRITE, 0);
    ram[STATUS] = ram[STATUS + 1] = 0xaa;
    wr16(&t, t.q.avail + 4, 0);
    wr16(&t, t.q.avail + 6, 3);
    t.q.avail_idx = 2;
    wr16(&t, t.q.avail + 2, 2);
    io_space_write(t.r.m->io, LEG + 0x10, 0, 2);
    rig_drain(&t.r);
    g_assert_cmpint(runstate_get(), ==, RUN_STATE_IO_ERROR);
    g_assert_cmpuint(rd16(&t, t.q.used + 2), ==, 0);
    g_assert_cmpuint(ram[STATUS], ==, 0xaa);
    g_assert_cmpint(blk_iostatus(t.r.blk), ==, BLOCK_DEVICE_IO_STATUS_NOSPACE);
    g_assert_true(rig_has_event(&t.r, "BLOCK_IO_ERROR"));
    g_assert_nonnull(strstr(t.r.events->pdata[0],
                     "\"qom-path\": \"\\/machine\\/peripheral\\/vd0\\/"
                     "virtio-backend\""));
    g_assert_nonnull(strstr(t.r.events->pdata[0], "\"device\": \"disk0\""));
    /* cont: both resubmitted and completed OK. */
    blk_iostatus_reset_all();
    g_assert_true(vm_start(&error_abort));
    vr_used(&t, &id1);
    vr_used(&t, &id2);
    g_assert_cmpuint(id1 + id2, ==, 3);
    g_assert_cmpuint(ram[STATUS], ==, 0);
    g_assert_cmpuint(ram[STATUS + 1], ==, 0);
    rig_file_read(&t.r, 4 * 512, file, 1024);
    g_assert_cmpmem(file, 512, ram + DATA, 512);
    g_assert_cmpmem(file + 512, 512, ram + DATA2, 512);
    g_assert_cmpint(runstate_get(), ==, RUN_STATE_RUNNING);
    rig_free(&t.r);
}

/* A read-only drive offers RO and fails writes; a second queue works. */
static void test_ro_two_queues(void)
{
    VRig t;
    Device *dev;
    struct json_object *o;
    BlockDriverState *bs;
    BlockBackend *ro;
    g_autofree char *json = NULL;
    uint8_t *ram;

    memset(&t, 0, sizeof(t));
    rig_init(&t.r, "raw", 1 << 20, NULL);
    ram = rig_ram(&t.r);
    json = g_strdup_printf("{\"driver\": \"raw\", \"read-only\": true, "
                           "\"file\": {\"driver\": \"file\", "
                           "\"filename\": \"%s\"}}", t.r.img);
    o = json_tokener_parse(json);
    bs = bdrv_open_blockdev(o, &error_abort);
    json_object_put(o);
    ro = blk_new("ro0", &error_abort);
    g_assert_true(blk_insert_bs(ro, bs, &error_abort));
    bdrv_unref(bs);
    pci_bus_set_irq_router(t.r.pci, vr_route, &t);
    o = json_tokener_parse("{\"driver\": \"virtio-blk-pci\", \"drive\": "
                           "\"ro0\", \"addr\": \"4\", \"num-queues\": 2}");
    dev = device_create(t.r.m, o, &error_abort);
    json_object_put(o);
    t.d = pci_from_dev(dev);
    machine_reset(t.r.m);
    pci_config_write(t.d, 0x10, LEG | 1, 4);
    pci_config_write(t.d, 0x20, (uint32_t)MODERN, 4);
    pci_config_write(t.d, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY |
                     PCI_COMMAND_MASTER, 2);
    g_assert_true(io_space_read(t.r.m->io, LEG, 4) & (1u << 5));   /* RO */
    g_assert_false(io_space_read(t.r.m->io, LEG, 4) & (1u << 13));
    g_assert_cmpuint(mmio_rd(&t, 0x12, 2), ==, 2);
    g_assert_cmpuint(mmio_rd(&t, 0x2000 + 0x22, 2), ==, 2);
    vr_modern_setup(&t, false);
    /* Queue 1 at its own rings; notify offset 1 * 4. */
    mmio_wr(&t, 0x16, 1, 2);
    g_assert_cmpuint(mmio_rd(&t, 0x1e, 2), ==, 1);
    mmio_wr(&t, 0x18, 64, 2);
    mmio_wr(&t, 0x20, RING + 0x4000, 4);
    mmio_wr(&t, 0x28, RING + 0x5000, 4);
    mmio_wr(&t, 0x30, RING + 0x6000, 4);
    mmio_wr(&t, 0x1c, 1, 2);
    t.q.desc = RING + 0x4000;
    t.q.avail = RING + 0x5000;
    t.q.used = RING + 0x6000;
    vr_hdr(&t, 1, 0);
    wr_desc(&t, t.q.desc, 0, HDR, 16, VRING_DESC_F_NEXT, 1);
    wr_desc(&t, t.q.desc, 1, DATA, 512, VRING_DESC_F_NEXT, 2);
    wr_desc(&t, t.q.desc, 2, STATUS, 1, VRING_DESC_F_WRITE, 0);
    wr16(&t, t.q.avail + 4, 0);
    wr16(&t, t.q.avail + 2, 1);
    t.q.avail_idx = 1;
    mmio_wr(&t, 0x3004, 1, 2);
    vr_used(&t, NULL);
    g_assert_cmpuint(ram[STATUS], ==, 1);           /* IOERR: read-only */
    rig_free(&t.r);
    blk_unref(ro);
}

/* ---- MSI-X ---------------------------------------------------------- */

#define MSIX_BASE 0xfe100000ull

typedef struct MsiLog {
    unsigned n;
    uint64_t addr[16];
    uint32_t data[16];
} MsiLog;

static MsiLog msi_log;

static void vr_msi(void *opaque, uint64_t addr, uint32_t data)
{
    g_assert_cmpuint(msi_log.n, <, 16);
    msi_log.addr[msi_log.n] = addr;
    msi_log.data[msi_log.n] = data;
    msi_log.n++;
}

static void msix_entry_set(VRig *t, unsigned v, uint32_t addr, uint32_t data,
                           bool masked)
{
    uint64_t e = MSIX_BASE + 16 * v;

    memory_map_write(t->r.m->mem, e, addr, 4);
    memory_map_write(t->r.m->mem, e + 4, 0, 4);
    memory_map_write(t->r.m->mem, e + 8, data, 4);
    memory_map_write(t->r.m->mem, e + 12, masked, 4);
}

static uint32_t msix_pba(VRig *t)
{
    return memory_map_read(t->r.m->mem, MSIX_BASE + 0x800, 4);
}

/* The MSI-X capability's config offset, or 0. */
static uint8_t msix_cap(VRig *t)
{
    for (uint8_t c = pci_config_read(t->d, 0x34, 1); c;
         c = pci_config_read(t->d, c + 1, 1)) {
        if (pci_config_read(t->d, c, 1) == 0x11) {
            return c;
        }
    }
    return 0;
}

static void test_msix(void)
{
    VRig t;
    uint8_t cap;
    VirtIOPCIState *vp;

    memset(&msi_log, 0, sizeof(msi_log));
    memset(&t, 0, sizeof(t));
    rig_init(&t.r, "raw", 8 << 20, NULL);
    pci_bus_set_msi(t.r.pci, vr_msi, &t);
    vr_init_dev(&t, "{\"driver\": \"virtio-blk-pci\", \"drive\": \"disk0\", "
                "\"addr\": \"3\", \"num-queues\": 2}");
    vp = container_of(t.d, VirtIOPCIState, parent);
    pci_config_write(t.d, 0x14, (uint32_t)MSIX_BASE, 4);
    /* Capability: 3 vectors (2 queues + config), table/PBA in BAR1. */
    cap = msix_cap(&t);
    g_assert_cmpuint(cap, !=, 0);
    g_assert_cmphex(pci_config_read(t.d, cap + 2, 2), ==, 2);
    g_assert_cmphex(pci_config_read(t.d, cap + 4, 4), ==, 1);
    g_assert_cmphex(pci_config_read(t.d, cap + 8, 4), ==, 0x801);
    g_assert_cmphex(memory_map_read(t.r.m->mem, MSIX_BASE + 12, 4), ==, 1);
    /* Vectors: in range kept, out of range read back as NO_VECTOR. */
    vr_modern_setup(&t, false);
    mmio_wr(&t, 0x10, 0, 2);
    mmio_wr(&t, 0x16, 0, 2);
    mmio_wr(&t, 0x1a, 1, 2);
    g_assert_cmphex(mmio_rd(&t, 0x1a, 2), ==, 1);
    mmio_wr(&t, 0x16, 1, 2);
    mmio_wr(&t, 0x1a, 7, 2);
    g_assert_cmphex(mmio_rd(&t, 0x1a, 2), ==, 0xffff);
    mmio_wr(&t, 0x16, 0, 2);
    g_assert_cmphex(mmio_rd(&t, 0x10, 2), ==, 0);
    msix_entry_set(&t, 0, 0xfee00000, 0x4030, false);
    msix_entry_set(&t, 1, 0xfee01000, 0x0041, false);
    pci_config_write(t.d, cap + 2, 0x8000, 2);
    g_assert_cmphex(pci_config_read(t.d, cap + 2, 2), ==, 0x8002);
    /* A request signals vector 1; INTx stays low. */
    g_assert_cmpuint(vr_req(&t, 4, 0, 0, 0, false, NULL), ==, 0);
    g_assert_cmpuint(msi_log.n, ==, 1);
    g_assert_cmphex(msi_log.addr[0], ==, 0xfee01000);
    g_assert_cmphex(msi_log.data[0], ==, 0x41);
    g_assert_false(t.irq);
    /* Masked entry: pending bit, delivered on unmask. */
    msix_entry_set(&t, 1, 0xfee01000, 0x0041, true);
    g_assert_cmpuint(vr_req(&t, 4, 0, 0, 0, false, NULL), ==, 0);
    g_assert_cmpuint(msi_log.n, ==, 1);
    g_assert_cmphex(msix_pba(&t), ==, 0x2);
    memory_map_write(t.r.m->mem, MSIX_BASE + 16 + 12, 0, 4);
    g_assert_cmpuint(msi_log.n, ==, 2);
    g_assert_cmphex(msix_pba(&t), ==, 0);
    /* Function mask: the same through message control. */
    pci_config_write(t.d, cap + 2, 0xc000, 2);
    g_assert_cmpuint(vr_req(&t, 4, 0, 0, 0, false, NULL), ==, 0);
    g_assert_cmphex(msix_pba(&t), ==, 0x2);
    g_assert_cmpuint(msi_log.n, ==, 2);
    pci_config_write(t.d, cap + 2, 0x8000, 2);
    g_assert_cmpuint(msi_log.n, ==, 3);
    /* The PBA is read-only. */
    memory_map_write(t.r.m->mem, MSIX_BASE + 0x800, 0xff, 4);
    g_assert_cmphex(msix_pba(&t), ==, 0);
    /* A config change signals the config vector. */
    virtio_pci_config_changed(vp);
    g_assert_cmpuint(msi_log.n, ==, 4);
    g_assert_cmphex(msi_log.data[3], ==, 0x4030);
    /* Legacy BAR0 with MSI-X on: vectors at 14h/16h, config at 18h. */
    g_assert_cmpuint(io_space_read(t.r.m->io, LEG + 0x14, 2), ==, 0);
    g_assert_cmpuint(io_space_read(t.r.m->io, LEG + 0x18, 4), ==, 16384);
    /* Bus mastering off: no message. */
    pci_config_write(t.d, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY,
                     2);
    virtio_pci_config_changed(vp);
    g_assert_cmpuint(msi_log.n, ==, 4);
    /* MSI-X off again: INTx carries the (still set) ISR. */
    pci_config_write(t.d, cap + 2, 0, 2);
    g_assert_true(t.irq);
    g_assert_cmpuint(io_space_read(t.r.m->io, LEG + 0x14, 4), ==, 16384);
    /* A system reset masks every vector and disables MSI-X. */
    machine_reset(t.r.m);
    g_assert_cmphex(pci_config_read(t.d, cap + 2, 2), ==, 2);
    pci_config_write(t.d, 0x14, (uint32_t)MSIX_BASE, 4);
    pci_config_write(t.d, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    g_assert_cmphex(memory_map_read(t.r.m->mem, MSIX_BASE + 16 + 12, 4), ==,
                    1);
    rig_free(&t.r);
}

/* End to end: the message reaches a real local APIC's IRR. */
static void vr_msi_apic(void *opaque, uint64_t addr, uint32_t data)
{
    vr_msi(NULL, addr, data);
    apic_deliver_msi(opaque, addr, data);
}

static void test_msix_apic(void)
{
    VRig t;
    Device *adev;
    uint8_t cap;

    memset(&msi_log, 0, sizeof(msi_log));
    memset(&t, 0, sizeof(t));
    rig_init(&t.r, "raw", 8 << 20, NULL);
    adev = device_new(&apic_class, t.r.m, NULL);
    device_set_prop_str(adev, "cpus", "1", &error_abort);
    g_assert_true(device_realize(adev, &error_abort));
    pci_bus_set_msi(t.r.pci, vr_msi_apic, apic_from_dev(adev));
    vr_init_dev(&t, "{\"driver\": \"virtio-blk-pci\", \"drive\": \"disk0\", "
                "\"addr\": \"3\"}");
    pci_config_write(t.d, 0x14, (uint32_t)MSIX_BASE, 4);
    cap = msix_cap(&t);
    vr_modern_setup(&t, false);
    mmio_wr(&t, 0x16, 0, 2);
    mmio_wr(&t, 0x1a, 1, 2);
    /* Vector 1 -> APIC ID 0, physical, fixed, vector 0x61. */
    msix_entry_set(&t, 1, 0xfee00000, 0x0061, false);
    pci_config_write(t.d, cap + 2, 0x8000, 2);
    g_assert_cmphex(memory_map_read(t.r.m->mem, 0xfee00200 + 0x30, 4) &
                    (1u << 1), ==, 0);
    g_assert_cmpuint(vr_req(&t, 4, 0, 0, 0, false, NULL), ==, 0);
    g_assert_cmpuint(msi_log.n, ==, 1);
    /* IRR bit 0x61: register 0x200 + 16 * (0x61 / 32), bit 0x61 % 32. */
    g_assert_cmphex(memory_map_read(t.r.m->mem, 0xfee00200 + 0x30, 4) &
                    (1u << 1), ==, 1u << 1);
    rig_free(&t.r);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/hw/virtio-blk/pci", test_pci);
    g_test_add_data_func("/hw/virtio-blk/legacy-rw/raw", "raw",
                         test_legacy_rw);
    g_test_add_data_func("/hw/virtio-blk/legacy-rw/qcow2", "qcow2",
                         test_legacy_rw);
    g_test_add_func("/hw/virtio-blk/modern-indirect", test_modern_indirect);
    g_test_add_func("/hw/virtio-blk/hostile", test_hostile);
    g_test_add_func("/hw/virtio-blk/werror-stop", test_werror_stop);
    g_test_add_func("/hw/virtio-blk/ro-two-queues", test_ro_two_queues);
    g_test_add_func("/hw/virtio-blk/msix", test_msix);
    g_test_add_func("/hw/virtio-blk/msix-apic", test_msix_apic);
    return g_test_run();
}
