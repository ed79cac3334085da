/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the PIIX3 IDE function (hw/ide/): a CPU-less machine
 * programs the controller through its legacy ports, the bus-master BAR
 * and guest RAM, as a driver would, and checks data in the image file,
 * task file status and error registers, IRQ 14, the ATAPI packet
 * protocol, hostile programming and the werror=stop retry.
 */
#include "ide-rig.h"

static void test_identify(void)
{
    IDERig t;
    uint16_t w[256];
    uint8_t sum = 0;
    char model[41];

    ide_rig_init(&t, "raw", 64 << 20, NULL, &ide_hd_class);
    /* Signature after reset: a disk. */
    g_assert_cmphex(inb(t.r.m, 0x1f2), ==, 1);
    g_assert_cmphex(inb(t.r.m, 0x1f4), ==, 0);
    g_assert_cmphex(inb(t.r.m, 0x1f7), ==, ATA_STAT_DRDY | ATA_STAT_DSC);
    /* No slave: status 0; the secondary channel floats. */
    outb(t.r.m, 0x1f6, 0xb0);
    g_assert_cmphex(inb(t.r.m, 0x1f7), ==, 0);
    outb(t.r.m, 0x1f6, 0xa0);
    g_assert_cmphex(inb(t.r.m, 0x177), ==, 0xff);

    outb(t.r.m, 0x1f7, 0xec);
    g_assert_true(t.pin[0].level);
    g_assert_cmphex(ide_wait(&t) & ATA_STAT_DRQ, ==, ATA_STAT_DRQ);
    ide_pio_in(&t, (uint8_t *)w, 512);
    g_assert_cmphex(inb(t.r.m, 0x1f7), ==, ATA_STAT_DRDY | ATA_STAT_DSC);
    g_assert_false(t.pin[0].level);
    g_assert_cmphex(w[0], ==, 0x0040);
    g_assert_cmpuint(w[1], ==, 130);        /* 64 MiB / (16 * 63) */
    g_assert_cmpuint(w[3], ==, 16);
    g_assert_cmpuint(w[6], ==, 63);
    g_assert_cmpuint(w[60] | (w[61] << 16), ==, 131072);
    g_assert_cmpuint(w[100] | (w[101] << 16), ==, 131072);
    g_assert_true(w[83] & (1 << 10));       /* LBA48 */
    g_assert_true(w[169] & 1);              /* TRIM */
    for (int i = 0; i < 20; i++) {
        model[2 * i] = w[27 + i] >> 8;
        model[2 * i + 1] = w[27 + i];
    }
    model[40] = 0;
    g_assert_true(g_str_has_prefix(model, "PLIMSOLL HARDDISK "));
    g_assert_cmphex(w[10], ==, ('S' << 8) | 'N');
    for (int i = 0; i < 512; i++) {
        sum += ((uint8_t *)w)[i];
    }
    g_assert_cmphex(w[255] & 0xff, ==, 0xa5);
    g_assert_cmpuint(sum, ==, 0);
    /* PCI identity. */
    g_assert_cmphex(pci_config_read(&t.ide->parent, 0, 4), ==, 0x70108086);
    g_assert_cmphex(pci_config_read(&t.ide->parent, 8, 4) >> 8, ==,
                    0x010180);
    ide_rig_free(&t);
}

static void test_pio_rw(gconstpointer fmt)
{
    IDERig t;
    g_autofree uint8_t *out = g_malloc(16 * 512);
    g_autofree uint8_t *in = g_malloc0(16 * 512);
    uint64_t last = (32 << 20) / 512 - 2;

    ide_rig_init(&t, fmt, 32 << 20, NULL, &ide_hd_class);
    rig_pattern(out, 16 * 512, 1);
    ide_pio_write(&t, 0x30, 5, 3, 1, out, false);
    ide_pio_read(&t, 0x20, 5, 3, 1, in, false);
    g_assert_cmpmem(in, 3 * 512, out, 3 * 512);
    if (!strcmp(fmt, "raw")) {
        memset(in, 0, 512);
        rig_file_read(&t.r, 6 * 512, in, 512);
        g_assert_cmpmem(in, 512, out + 512, 512);
    }
    /* LBA48 at the end of the disk; the LBA registers show the last. */
    ide_pio_write(&t, 0x34, last, 2, 1, out + 1024, true);
    ide_pio_read(&t, 0x24, last, 2, 1, in, true);
    g_assert_cmpmem(in, 1024, out + 1024, 1024);
    g_assert_cmphex(inb(t.r.m, 0x1f3), ==, (last + 1) & 0xff);
    /* SET MULTIPLE 4, then 10 sectors in blocks of 4, 4, 2. */
    outb(t.r.m, 0x1f2, 4);
    outb(t.r.m, 0x1f7, 0xc6);
    g_assert_cmphex(ide_wait(&t), ==, ATA_STAT_DRDY | ATA_STAT_DSC);
    ide_pio_write(&t, 0xc5, 100, 10, 4, out, false);
    memset(in, 0, 16 * 512);
    ide_pio_read(&t, 0x29, 100, 10, 4, in, true);
    g_assert_cmpmem(in, 10 * 512, out, 10 * 512);
    /* Read-ahead: 44 sectors in 4-sector blocks take one backend read,
     * 300 sectors (LBA48) two (256 + 44), not one per DRQ block. */
    {
        uint64_t before = blk_get_stats(t.r.blk)->ops[BLOCK_ACCT_READ];
        g_autofree uint8_t *big = g_malloc(300 * 512);

        ide_pio_read(&t, 0xc4, 0, 300 & 0xff, 4, big, false);
        g_assert_cmpuint(blk_get_stats(t.r.blk)->ops[BLOCK_ACCT_READ] -
                         before, ==, 1);
        before = blk_get_stats(t.r.blk)->ops[BLOCK_ACCT_READ];
        ide_pio_read(&t, 0x29, 0, 300, 4, big, true);
        g_assert_cmpuint(blk_get_stats(t.r.blk)->ops[BLOCK_ACCT_READ] -
                         before, ==, 2);
        g_assert_cmpmem(big + 100 * 512, 10 * 512, out, 10 * 512);
    }
    /* A multiple count that is not a power of two is refused. */
    outb(t.r.m, 0x1f2, 3);
    outb(t.r.m, 0x1f7, 0xc6);
    g_assert_cmphex(ide_wait(&t) & ATA_STAT_ERR, ==, ATA_STAT_ERR);
    g_assert_cmphex(inb(t.r.m, 0x1f1), ==, ATA_ERR_ABRT);
    /* FLUSH CACHE EXT, accounted by the backend. */
    outb(t.r.m, 0x1f7, 0xea);
    g_assert_cmphex(ide_wait(&t), ==, ATA_STAT_DRDY | ATA_STAT_DSC);
    g_assert_cmpuint(blk_get_stats(t.r.blk)->ops[BLOCK_ACCT_FLUSH], ==, 1);
    g_assert_cmpuint(blk_get_stats(t.r.blk)->ops[BLOCK_ACCT_WRITE], >=, 3);
    ide_rig_free(&t);
}


static void test_dma(void)
{
    IDERig t;
    uint8_t *ram;
    g_autofree uint8_t *out = g_malloc(8 * 512);
    g_autofree uint8_t *file = g_malloc(8 * 512);
    uint8_t bm;

    ide_rig_init(&t, "raw", 8 << 20, NULL, &ide_hd_class);
    ram = rig_ram(&t.r);
    rig_pattern(out, 8 * 512, 2);
    /* Two PRD entries: 3 sectors and 5 sectors at separate buffers. */
    memcpy(ram + BUF_ADDR, out, 3 * 512);
    memcpy(ram + BUF_ADDR + 0x8000, out + 3 * 512, 5 * 512);
    prd_set(&t, 0, BUF_ADDR, 3 * 512, false);
    prd_set(&t, 1, BUF_ADDR + 0x8000, 5 * 512, true);
    bm = ide_dma(&t, 0xca, 40, 8, false);
    g_assert_cmphex(bm & 0x07, ==, 0x04);   /* interrupt, no error */
    g_assert_cmphex(inb(t.r.m, 0x1f7), ==, ATA_STAT_DRDY | ATA_STAT_DSC);
    rig_file_read(&t.r, 40 * 512, file, 8 * 512);
    g_assert_cmpmem(file, 8 * 512, out, 8 * 512);
    outb(t.r.m, BM_BASE + 2, 0x06);          /* clear interrupt/error */
    g_assert_cmphex(inb(t.r.m, BM_BASE + 2) & 0x06, ==, 0);
    /* READ DMA EXT back into one 64 KiB entry (count 0 = 64 KiB). */
    memset(ram + 0x20000, 0, 8 * 512);
    prd_set(&t, 0, 0x20000, 0, true);
    bm = ide_dma(&t, 0x25, 40, 8, true);
    g_assert_cmphex(bm & 0x07, ==, 0x04);
    g_assert_cmpmem(ram + 0x20000, 8 * 512, out, 8 * 512);
    g_assert_cmpuint(blk_get_stats(t.r.blk)->bytes[BLOCK_ACCT_READ], ==,
                     8 * 512);
    /* TRIM sectors 40-43 through DATA SET MANAGEMENT. */
    memset(ram + 0x30000, 0, 512);
    ram[0x30000] = 40;
    ram[0x30006] = 4;
    prd_set(&t, 0, 0x30000, 512, true);
    outb(t.r.m, 0x1f1, 0);
    outb(t.r.m, 0x1f1, 1);                   /* feature: TRIM */
    bm = ide_dma(&t, 0x06, 0, 1, false);
    g_assert_cmphex(bm & 0x07, ==, 0x04);
    g_assert_cmphex(inb(t.r.m, 0x1f7) & ATA_STAT_ERR, ==, 0);
    g_assert_cmpuint(blk_get_stats(t.r.blk)->ops[BLOCK_ACCT_UNMAP], ==, 1);
    ide_rig_free(&t);
}

static void test_hostile(void)
{
    IDERig t;
    uint8_t bm;

    ide_rig_init(&t, "raw", 1 << 20, NULL, &ide_hd_class);
    /* PRD buffer far outside RAM: bus-master error, ATA abort. */
    prd_set(&t, 0, 0xf0000000u, 512, true);
    bm = ide_dma(&t, 0xc8, 0, 1, true);
    g_assert_cmphex(bm & 0x02, ==, 0x02);
    g_assert_cmphex(inb(t.r.m, 0x1f7) & ATA_STAT_ERR, ==, ATA_STAT_ERR);
    outb(t.r.m, BM_BASE + 2, 0x06);
    /* PRD table itself outside RAM. */
    io_space_write(t.r.m->io, BM_BASE + 4, 0xfff00000u, 4);
    outb(t.r.m, BM_BASE, 0x08);
    ide_issue(&t, 0xc8, 0, 1, false);
    outb(t.r.m, BM_BASE, 0x09);
    ide_wait(&t);
    g_assert_cmphex(inb(t.r.m, BM_BASE + 2) & 0x02, ==, 0x02);
    outb(t.r.m, BM_BASE, 0);
    outb(t.r.m, BM_BASE + 2, 0x06);
    /* A table shorter than the transfer is refused. */
    prd_set(&t, 0, BUF_ADDR, 256, true);
    bm = ide_dma(&t, 0xc8, 0, 1, true);
    g_assert_cmphex(bm & 0x02, ==, 0x02);
    g_assert_cmphex(inb(t.r.m, 0x1f7) & ATA_STAT_ERR, ==, ATA_STAT_ERR);
    outb(t.r.m, BM_BASE + 2, 0x06);
    /* A table of 2-byte entries with no end mark that runs into the end
     * of RAM: the walk stops there and the 512 bytes it covers move. */
    io_space_write(t.r.m->io, BM_BASE + 4, RIG_RAM_SIZE - 0x8000, 4);
    for (unsigned i = 0; i < 0x1000; i++) {
        uint8_t *p = rig_ram(&t.r) + RIG_RAM_SIZE - 0x8000 + 8 * i;

        memset(p, 0, 8);
        p[1] = 0x20;
        p[4] = 2;
    }
    outb(t.r.m, BM_BASE, 0x08);
    ide_issue(&t, 0xc8, 0, 1, false);
    outb(t.r.m, BM_BASE, 0x09);
    ide_wait(&t);
    g_assert_cmphex(inb(t.r.m, 0x1f7) & ATA_STAT_ERR, ==, 0);
    g_assert_cmphex(inb(t.r.m, BM_BASE + 2) & 0x06, ==, 0x04);
    outb(t.r.m, BM_BASE, 0);
    outb(t.r.m, BM_BASE + 2, 0x06);
    outb(t.r.m, BM_BASE + 2, 0x06);
    /* Past the end of the disk: IDNF. */
    ide_issue(&t, 0x20, 2047, 2, false);
    g_assert_cmphex(ide_wait(&t) & ATA_STAT_ERR, ==, ATA_STAT_ERR);
    g_assert_cmphex(inb(t.r.m, 0x1f1) & ATA_ERR_IDNF, ==, ATA_ERR_IDNF);
    g_assert_cmpuint(blk_get_stats(t.r.blk)->invalid_ops[BLOCK_ACCT_READ],
                     ==, 1);
    /* CHS with sector 0 is not an address. */
    outb(t.r.m, 0x1f6, 0xa0);
    outb(t.r.m, 0x1f3, 0);
    outb(t.r.m, 0x1f7, 0x20);
    g_assert_cmphex(ide_wait(&t) & ATA_STAT_ERR, ==, ATA_STAT_ERR);
    /* Unknown opcode: ABRT. */
    outb(t.r.m, 0x1f7, 0xfe);
    g_assert_cmphex(ide_wait(&t) & ATA_STAT_ERR, ==, ATA_STAT_ERR);
    g_assert_cmphex(inb(t.r.m, 0x1f1), ==, ATA_ERR_ABRT);
    /* Data port with no transfer: harmless. */
    g_assert_cmphex(inw(t.r.m, 0x1f0), ==, 0xffff);
    outw(t.r.m, 0x1f0, 0x1234);
    /* SRST: BSY while asserted, commands ignored, signature after. */
    ide_issue(&t, 0x20, 0, 1, false);       /* in flight during reset */
    outb(t.r.m, 0x3f6, ATA_CTL_SRST);
    g_assert_cmphex(inb(t.r.m, 0x3f6), ==, ATA_STAT_BSY);
    outb(t.r.m, 0x1f7, 0xec);
    outb(t.r.m, 0x3f6, 0);
    rig_drain(&t.r);
    g_assert_cmphex(inb(t.r.m, 0x3f6), ==, ATA_STAT_DRDY | ATA_STAT_DSC);
    g_assert_cmphex(inb(t.r.m, 0x1f1), ==, 0x01);
    g_assert_cmphex(inb(t.r.m, 0x1f2), ==, 0x01);
    /* EXECUTE DEVICE DIAGNOSTIC. */
    outb(t.r.m, 0x1f7, 0x90);
    g_assert_cmphex(inb(t.r.m, 0x1f1), ==, 0x01);
    g_assert_true(t.pin[0].level);
    ide_rig_free(&t);
}

/* ---- ATAPI ------------------------------------------------------------ */


static void test_atapi(void)
{
    IDERig t;
    g_autofree uint8_t *buf = g_malloc0(128 * 1024);
    g_autofree uint8_t *img = g_malloc(4 * 2048);
    uint8_t pkt[12] = { 0 };
    unsigned len;
    FILE *f;

    ide_rig_init(&t, "raw", 1 << 20, NULL, &ide_cd_class);
    rig_pattern(img, 4 * 2048, 3);
    f = fopen(t.r.img, "r+b");
    fseek(f, 10 * 2048, SEEK_SET);
    fwrite(img, 1, 4 * 2048, f);
    fclose(f);
    /* Signature; IDENTIFY DEVICE aborts, IDENTIFY PACKET DEVICE works. */
    g_assert_cmphex(inb(t.r.m, 0x1f4), ==, 0x14);
    g_assert_cmphex(inb(t.r.m, 0x1f5), ==, 0xeb);
    outb(t.r.m, 0x1f7, 0xec);
    g_assert_cmphex(ide_wait(&t) & ATA_STAT_ERR, ==, ATA_STAT_ERR);
    g_assert_cmphex(inb(t.r.m, 0x1f5), ==, 0xeb);
    outb(t.r.m, 0x1f7, 0xa1);
    ide_wait(&t);
    ide_pio_in(&t, buf, 512);
    g_assert_cmphex(buf[0] | (buf[1] << 8), ==, 0x85c0);
    /* INQUIRY. */
    pkt[0] = 0x12;
    pkt[4] = 36;
    g_assert_cmphex(atapi_cmd(&t, pkt, buf, &len) & ATA_STAT_ERR, ==, 0);
    g_assert_cmpuint(len, ==, 36);
    g_assert_cmphex(buf[0], ==, 0x05);
    g_assert_cmpmem(buf + 8, 8, "PLIMSOLL", 8);
    /* TEST UNIT READY, READ CAPACITY (1 MiB = 512 blocks). */
    memset(pkt, 0, 12);
    g_assert_cmphex(atapi_cmd(&t, pkt, buf, NULL) & ATA_STAT_ERR, ==, 0);
    pkt[0] = 0x25;
    atapi_cmd(&t, pkt, buf, &len);
    g_assert_cmpuint(len, ==, 8);
    g_assert_cmphex(buf[2] << 8 | buf[3], ==, 511);
    g_assert_cmphex(buf[6] << 8 | buf[7], ==, 2048);
    /* READ(10) of 4 blocks at 10. */
    memset(pkt, 0, 12);
    pkt[0] = 0x28;
    pkt[5] = 10;
    pkt[8] = 4;
    g_assert_cmphex(atapi_cmd(&t, pkt, buf, &len) & ATA_STAT_ERR, ==, 0);
    g_assert_cmpuint(len, ==, 4 * 2048);
    g_assert_cmpmem(buf, 4 * 2048, img, 4 * 2048);
    /* READ(12) past the end: CHECK CONDITION, ILLEGAL REQUEST/21h. */
    memset(pkt, 0, 12);
    pkt[0] = 0xa8;
    pkt[4] = 0x01;
    pkt[5] = 0xff;
    pkt[9] = 2;
    g_assert_cmphex(atapi_cmd(&t, pkt, buf, NULL) & ATA_STAT_ERR, ==,
                    ATA_STAT_ERR);
    g_assert_cmphex(inb(t.r.m, 0x1f1) >> 4, ==, 0x05);
    memset(pkt, 0, 12);
    pkt[0] = 0x03;
    pkt[4] = 18;
    atapi_cmd(&t, pkt, buf, &len);
    g_assert_cmphex(buf[2], ==, 0x05);
    g_assert_cmphex(buf[12], ==, 0x21);
    /* Malformed: unknown opcode gives INVALID COMMAND OPERATION CODE. */
    memset(pkt, 0, 12);
    pkt[0] = 0xff;
    g_assert_cmphex(atapi_cmd(&t, pkt, buf, NULL) & ATA_STAT_ERR, ==,
                    ATA_STAT_ERR);
    pkt[0] = 0x03;
    pkt[4] = 18;
    atapi_cmd(&t, pkt, buf, &len);
    g_assert_cmphex(buf[12], ==, 0x20);
    /* READ TOC: one track, lead-out at 512. */
    memset(pkt, 0, 12);
    pkt[0] = 0x43;
    pkt[8] = 20;
    atapi_cmd(&t, pkt, buf, &len);
    g_assert_cmpuint(len, ==, 20);
    g_assert_cmphex(buf[14], ==, 0xaa);
    g_assert_cmphex(buf[18] << 8 | buf[19], ==, 512);
    /* GET CONFIGURATION: current profile CD-ROM. */
    memset(pkt, 0, 12);
    pkt[0] = 0x46;
    pkt[8] = 64;
    atapi_cmd(&t, pkt, buf, &len);
    g_assert_cmphex(buf[6] << 8 | buf[7], ==, 0x0008);
    /* MODE SENSE(10) page 2Ah, GET EVENT STATUS NOTIFICATION. */
    memset(pkt, 0, 12);
    pkt[0] = 0x5a;
    pkt[2] = 0x2a;
    pkt[8] = 64;
    atapi_cmd(&t, pkt, buf, &len);
    g_assert_cmpuint(len, ==, 30);
    g_assert_cmphex(buf[8], ==, 0x2a);
    memset(pkt, 0, 12);
    pkt[0] = 0x4a;
    pkt[1] = 1;
    pkt[4] = 0x10;
    pkt[8] = 8;
    atapi_cmd(&t, pkt, buf, &len);
    g_assert_cmphex(buf[5], ==, 0x02);     /* media present, tray closed */
    /* PREVENT, then eject refused; ALLOW, eject, TUR: no medium. */
    memset(pkt, 0, 12);
    pkt[0] = 0x1e;
    pkt[4] = 1;
    atapi_cmd(&t, pkt, buf, NULL);
    memset(pkt, 0, 12);
    pkt[0] = 0x1b;
    pkt[4] = 0x02;
    g_assert_cmphex(atapi_cmd(&t, pkt, buf, NULL) & ATA_STAT_ERR, ==,
                    ATA_STAT_ERR);
    pkt[0] = 0x1e;
    pkt[4] = 0;
    atapi_cmd(&t, pkt, buf, NULL);
    pkt[0] = 0x1b;
    pkt[4] = 0x02;
    g_assert_cmphex(atapi_cmd(&t, pkt, buf, NULL) & ATA_STAT_ERR, ==, 0);
    memset(pkt, 0, 12);
    g_assert_cmphex(atapi_cmd(&t, pkt, buf, NULL) & ATA_STAT_ERR, ==,
                    ATA_STAT_ERR);
    g_assert_cmphex(inb(t.r.m, 0x1f1) >> 4, ==, 0x02);   /* NOT READY */
    /* Close: unit attention once, then ready. */
    pkt[0] = 0x1b;
    pkt[4] = 0x03;
    atapi_cmd(&t, pkt, buf, NULL);
    memset(pkt, 0, 12);
    g_assert_cmphex(atapi_cmd(&t, pkt, buf, NULL) & ATA_STAT_ERR, ==,
                    ATA_STAT_ERR);
    g_assert_cmphex(inb(t.r.m, 0x1f1) >> 4, ==, 0x06);
    g_assert_cmphex(atapi_cmd(&t, pkt, buf, NULL) & ATA_STAT_ERR, ==, 0);
    ide_rig_free(&t);
}

/* ---- error policy ----------------------------------------------------- */

static void test_werror_stop(void)
{
    IDERig t;
    g_autofree uint8_t *out = g_malloc(4 * 512);
    g_autofree uint8_t *file = g_malloc(4 * 512);
    uint8_t *ram;

    ide_rig_init(&t, "raw", 1 << 20,
                 "[{\"event\": \"pwritev\", \"errno\": 28, \"once\": true}]",
                 &ide_hd_class);
    blk_set_on_error(t.r.blk, BLOCKDEV_ON_ERROR_REPORT,
                     BLOCKDEV_ON_ERROR_ENOSPC);
    g_assert_true(vm_start(&error_abort));
    ram = rig_ram(&t.r);
    rig_pattern(out, 4 * 512, 4);
    memcpy(ram + BUF_ADDR, out, 4 * 512);
    prd_set(&t, 0, BUF_ADDR, 4 * 512, true);
    io_space_write(t.r.m->io, BM_BASE + 4, PRD_ADDR, 4);
    outb(t.r.m, BM_BASE, 0x00);
    ide_issue(&t, 0xca, 8, 4, false);
    outb(t.r.m, BM_BASE, 0x01);
    rig_drain(&t.r);
    /* Stopped: io-error, BSY kept, events in QEMU's order. */
    g_assert_cmpint(runstate_get(), ==, RUN_STATE_IO_ERROR);
    g_assert_cmphex(inb(t.r.m, 0x3f6) & ATA_STAT_BSY, ==, ATA_STAT_BSY);
    g_assert_cmpint(blk_iostatus(t.r.blk), ==, BLOCK_DEVICE_IO_STATUS_NOSPACE);
    g_assert_true(rig_has_event(&t.r, "BLOCK_IO_ERROR"));
    g_assert_nonnull(strstr(t.r.events->pdata[0], "\"nospace\": true"));
    g_assert_nonnull(strstr(t.r.events->pdata[0],
                            "\"qom-path\": \"\\/machine\\/unattached"));
    g_assert_false(t.pin[0].level);
    /* The guest's buffer changes while stopped: the kept data is what
     * was written at the time of the command. */
    memset(ram + BUF_ADDR, 0xee, 4 * 512);
    blk_iostatus_reset_all();
    g_assert_true(vm_start(&error_abort));
    g_assert_cmphex(ide_wait(&t), ==, ATA_STAT_DRDY | ATA_STAT_DSC);
    g_assert_true(t.pin[0].level);
    rig_file_read(&t.r, 8 * 512, file, 4 * 512);
    g_assert_cmpmem(file, 4 * 512, out, 4 * 512);
    g_assert_cmphex(inb(t.r.m, BM_BASE + 2) & 0x06, ==, 0x04);
    ide_rig_free(&t);
}

static void test_werror_report(void)
{
    IDERig t;
    uint8_t out[512] = { 1 };

    ide_rig_init(&t, "raw", 1 << 20,
                 "[{\"event\": \"pwritev\", \"errno\": 5}]", &ide_hd_class);
    g_assert_true(vm_start(&error_abort));
    ide_issue(&t, 0x30, 0, 1, false);
    ide_wait(&t);
    ide_pio_out(&t, out, 512);
    g_assert_cmphex(ide_wait(&t) & ATA_STAT_ERR, ==, ATA_STAT_ERR);
    g_assert_cmphex(inb(t.r.m, 0x1f1), ==, ATA_ERR_ABRT);
    g_assert_cmpint(runstate_get(), ==, RUN_STATE_RUNNING);
    g_assert_true(rig_has_event(&t.r, "BLOCK_IO_ERROR"));
    /* rerror=ignore: a failing read completes as a success. */
    ide_rig_free(&t);
}

static void test_features_chs(void)
{
    IDERig t;
    Machine *m;
    g_autofree uint8_t *out = g_malloc(1024);
    g_autofree uint8_t *in = g_malloc0(1024);
    uint32_t v;

    ide_rig_init(&t, "raw", 8 << 20, NULL, &ide_hd_class);
    m = t.r.m;
    /* SET FEATURES: write cache off and on reaches the backend. */
    outb(m, 0x1f1, 0x82);
    outb(m, 0x1f7, 0xef);
    g_assert_cmphex(ide_wait(&t), ==, ATA_STAT_DRDY | ATA_STAT_DSC);
    g_assert_false(blk_enable_write_cache(t.r.blk));
    outb(m, 0x1f1, 0x02);
    outb(m, 0x1f7, 0xef);
    ide_wait(&t);
    g_assert_true(blk_enable_write_cache(t.r.blk));
    /* An unknown subcommand aborts. */
    outb(m, 0x1f1, 0x77);
    outb(m, 0x1f7, 0xef);
    g_assert_cmphex(ide_wait(&t) & ATA_STAT_ERR, ==, ATA_STAT_ERR);
    /* INITIALIZE DEVICE PARAMETERS 4 heads x 17 sectors, then CHS
     * cylinder 1 head 2 sector 3 = LBA (1 * 4 + 2) * 17 + 2 = 104. */
    outb(m, 0x1f2, 17);
    outb(m, 0x1f6, 0xa3);
    outb(m, 0x1f7, 0x91);
    ide_wait(&t);
    rig_pattern(out, 1024, 9);
    ide_pio_write(&t, 0x30, 104, 2, 1, out, false);
    outb(m, 0x1f2, 1);
    outb(m, 0x1f3, 3);
    outb(m, 0x1f4, 1);
    outb(m, 0x1f5, 0);
    outb(m, 0x1f6, 0xa2);
    outb(m, 0x1f7, 0x20);
    ide_wait(&t);
    /* 32-bit data port reads. */
    for (int i = 0; i < 512; i += 4) {
        v = io_space_read(m->io, 0x1f0, 4);
        memcpy(in + i, &v, 4);
    }
    g_assert_cmpmem(in, 512, out, 512);
    /* nIEN masks INTRQ; READ VERIFY completes without data. */
    outb(m, 0x3f6, ATA_CTL_NIEN);
    outb(m, 0x1f6, 0xe0);
    ide_issue(&t, 0x40, 0, 8, false);
    g_assert_cmphex(ide_wait(&t), ==, ATA_STAT_DRDY | ATA_STAT_DSC);
    g_assert_false(t.pin[0].level);
    outb(m, 0x3f6, 0);
    g_assert_true(t.pin[0].level);
    /* CHECK POWER MODE: active. */
    outb(m, 0x1f7, 0xe5);
    g_assert_cmphex(inb(m, 0x1f2), ==, 0xff);
    ide_rig_free(&t);
}

/* A disk as slave on the secondary channel interrupts on IRQ 15. */
static void test_secondary_slave(void)
{
    IDERig t;
    Device *dev;
    Machine *m;
    uint16_t w[256];
    struct json_object *props = json_tokener_parse(
        "{\"driver\": \"ide-hd\", \"drive\": \"d1\", \"bus\": \"ide.1\", "
        "\"unit\": 1, \"id\": \"sl\", \"model\": \"SLAVE DISK\"}");
    BlockBackend *blk2;
    BlockDriverState *bs;
    struct json_object *o;
    g_autofree char *json = NULL;

    ide_rig_init(&t, "raw", 1 << 20, NULL, &ide_hd_class);
    m = t.r.m;
    /* The master's image again: without locking=off its write lock
     * refuses a second writer, as QEMU's does. */
    json = g_strdup_printf("{\"driver\": \"raw\", \"file\": {\"driver\": "
                           "\"file\", \"locking\": \"off\", "
                           "\"filename\": \"%s\"}}", t.r.img);
    o = json_tokener_parse(json);
    bs = bdrv_open_blockdev(o, &error_abort);
    json_object_put(o);
    blk2 = blk_new("d1", &error_abort);
    g_assert_true(blk_insert_bs(blk2, bs, &error_abort));
    bdrv_unref(bs);
    dev = device_create(m, props, &error_abort);
    json_object_put(props);
    g_assert_nonnull(dev);
    g_assert_cmpstr(blk_get_qdev(blk2), ==, "sl");
    machine_reset(m);
    /* The master is absent: status 0, no-device signature. */
    g_assert_cmphex(inb(m, 0x177), ==, 0);
    g_assert_cmphex(inb(m, 0x174), ==, 0xff);
    outb(m, 0x176, 0xb0);
    g_assert_cmphex(inb(m, 0x177), ==, ATA_STAT_DRDY | ATA_STAT_DSC);
    outb(m, 0x177, 0xec);
    g_assert_true(t.pin[1].level);
    g_assert_false(t.pin[0].level);
    for (int i = 0; i < 256; i++) {
        w[i] = io_space_read(m->io, 0x170, 2);
    }
    g_assert_cmphex(w[27], ==, ('S' << 8) | 'L');
    inb(m, 0x177);
    g_assert_false(t.pin[1].level);
    ide_rig_free(&t);
    blk_unref(blk2);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/hw/ide/identify", test_identify);
    g_test_add_data_func("/hw/ide/pio-rw/raw", "raw", test_pio_rw);
    g_test_add_data_func("/hw/ide/pio-rw/qcow2", "qcow2", test_pio_rw);
    g_test_add_func("/hw/ide/dma", test_dma);
    g_test_add_func("/hw/ide/hostile", test_hostile);
    g_test_add_func("/hw/ide/atapi", test_atapi);
    g_test_add_func("/hw/ide/werror-stop", test_werror_stop);
    g_test_add_func("/hw/ide/werror-report", test_werror_report);
    g_test_add_func("/hw/ide/features-chs", test_features_chs);
    g_test_add_func("/hw/ide/secondary-slave", test_secondary_slave);
    return g_test_run();
}
