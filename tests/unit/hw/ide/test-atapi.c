/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the ATAPI drive (hw/ide/atapi.c) as a guest driver sees
 * it through the ports while a QMP client handles the medium (the
 * command handlers of monitor/qmp-cmds-removable.c, called directly):
 * a locked tray refuses eject and the guest gets an eject request; the
 * guest's own eject moves the tray (DEVICE_TRAY_MOVED); a changed medium
 * reads as NOT READY, then UNIT ATTENTION 28h, then its new data; and
 * PACKET with the DMA feature bit moves READ(10)/(12) data and command
 * replies through the bus-master engine.
 */
#include "ide-rig.h"

#include "qapi/qapi-commands.h"

#define CD_BLOCK 2048

/* A CD image of @blocks blocks, block i filled with @seed + i. */
static char *cd_image(unsigned blocks, uint8_t seed)
{
    g_autofree uint8_t *buf = g_malloc(CD_BLOCK);
    char *path;
    FILE *f;
    int fd = g_file_open_tmp("plimsoll-cd-XXXXXX", &path, NULL);

    g_assert_cmpint(fd, >=, 0);
    f = fdopen(fd, "wb");
    for (unsigned i = 0; i < blocks; i++) {
        memset(buf, (uint8_t)(seed + i), CD_BLOCK);
        g_assert_cmpuint(fwrite(buf, 1, CD_BLOCK, f), ==, CD_BLOCK);
    }
    fclose(f);
    return path;
}

static void cd_rig_init(IDERig *t)
{
    FILE *f;
    g_autofree uint8_t *buf = g_malloc(CD_BLOCK);

    ide_rig_init(t, "raw", 64 * CD_BLOCK, NULL, &ide_cd_class);
    f = fopen(t->r.img, "r+b");
    for (unsigned i = 0; i < 64; i++) {
        memset(buf, (uint8_t)(0x10 + i), CD_BLOCK);
        fwrite(buf, 1, CD_BLOCK, f);
    }
    fclose(f);
}

/* Sense key and ASC of the last command, through REQUEST SENSE. */
static void cd_sense(IDERig *t, uint8_t *key, uint8_t *asc)
{
    uint8_t pkt[12] = { 0x03, 0, 0, 0, 18 };
    uint8_t buf[64];
    unsigned len;

    atapi_cmd(t, pkt, buf, &len);
    g_assert_cmpuint(len, ==, 18);
    *key = buf[2] & 0x0f;
    *asc = buf[12];
}

static uint8_t cd_tur(IDERig *t)
{
    uint8_t pkt[12] = { 0 };
    uint8_t buf[4];

    return atapi_cmd(t, pkt, buf, NULL);
}

static void cd_simple(IDERig *t, uint8_t op, uint8_t b4)
{
    uint8_t pkt[12] = { op, 0, 0, 0, b4 };
    uint8_t buf[4];

    g_assert_cmphex(atapi_cmd(t, pkt, buf, NULL) & ATA_STAT_ERR, ==, 0);
}

/* GET EVENT STATUS NOTIFICATION, media class: the event code. */
static uint8_t cd_media_event(IDERig *t, uint8_t *status)
{
    uint8_t pkt[12] = { 0x4a, 1, 0, 0, 0x10, 0, 0, 0, 8 };
    uint8_t buf[64];
    unsigned len;

    atapi_cmd(t, pkt, buf, &len);
    g_assert_cmpuint(len, ==, 8);
    *status = buf[5];
    return buf[4] & 0x0f;
}

static void last_event_has(IDERig *t, const char *what)
{
    const char *ev = t->r.events->pdata[t->r.events->len - 1];

    if (!strstr(ev, what)) {
        g_error("event %s lacks %s", ev, what);
    }
}

static BlockInfo *cd_query(BlockInfoList *list)
{
    for (; list; list = list->next) {
        if (!strcmp(list->value->device, "disk0")) {
            return list->value;
        }
    }
    g_assert_not_reached();
}

static void test_locked_eject(void)
{
    IDERig t;
    Error *err = NULL;
    BlockInfoList *list;
    BlockInfo *bi;
    uint8_t st;

    cd_rig_init(&t);
    g_assert_cmphex(cd_tur(&t) & ATA_STAT_ERR, ==, 0);
    cd_simple(&t, 0x1e, 1);                         /* PREVENT */
    list = qmp_query_block(&error_abort);
    bi = cd_query(list);
    g_assert_true(bi->removable);
    g_assert_true(bi->locked);
    g_assert_true(bi->has_tray_open && !bi->tray_open);
    g_assert_true(bi->has_inserted);
    qapi_free_BlockInfoList(list);
    /* eject without force: refused, the guest is asked. */
    qmp_eject(true, "disk0", false, NULL, false, false, &err);
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, "Device 'disk0' is locked "
                    "and force was not specified, wait for tray to open "
                    "and try again");
    error_free(err);
    g_assert_true(blk_is_inserted(t.r.blk));
    g_assert_cmpuint(cd_media_event(&t, &st), ==, 1);  /* eject request */
    g_assert_cmphex(st, ==, 0x02);
    g_assert_cmpuint(cd_media_event(&t, &st), ==, 0);
    /* blockdev-open-tray swallows the error; a second request is sent. */
    qmp_blockdev_open_tray(true, "disk0", false, NULL, false, false,
                           &error_abort);
    g_assert_cmpuint(cd_media_event(&t, &st), ==, 1);
    /* The guest agrees: ALLOW, START STOP UNIT with LoEj: tray opens. */
    g_assert_false(rig_has_event(&t.r, "DEVICE_TRAY_MOVED"));
    cd_simple(&t, 0x1e, 0);
    cd_simple(&t, 0x1b, 0x02);
    g_assert_cmpuint(t.r.events->len, ==, 1);
    last_event_has(&t, "DEVICE_TRAY_MOVED ");
    last_event_has(&t, "\"device\": \"disk0\"");
    last_event_has(&t, "\"id\": \"\\/machine\\/unattached\\/");
    last_event_has(&t, "\"tray-open\": true");
    qmp_blockdev_remove_medium(true, "disk0", false, NULL, &error_abort);
    g_assert_false(blk_is_inserted(t.r.blk));
    list = qmp_query_block(&error_abort);
    bi = cd_query(list);
    g_assert_false(bi->has_inserted);
    g_assert_true(bi->tray_open);
    g_assert_false(bi->locked);
    qapi_free_BlockInfoList(list);
    ide_rig_free(&t);
}

static void test_change_medium(void)
{
    IDERig t;
    g_autofree char *img = cd_image(8, 0xb0);
    g_autofree uint8_t *buf = g_malloc(4 * CD_BLOCK);
    uint8_t pkt[12] = { 0x28, 0, 0, 0, 0, 3, 0, 0, 2 };   /* READ(10) */
    uint8_t key, asc, st;
    unsigned len;

    cd_rig_init(&t);
    /* Locked: change fails without force, succeeds with it. */
    cd_simple(&t, 0x1e, 1);
    qmp_blockdev_change_medium(true, "disk0", false, NULL, img, true, "raw",
                               false, false, false, 0, NULL);
    g_assert_cmpint(blk_getlength(t.r.blk), ==, 64 * CD_BLOCK);
    qmp_blockdev_change_medium(true, "disk0", false, NULL, img, true, "raw",
                               true, true, false, 0, &error_abort);
    g_assert_cmpint(blk_getlength(t.r.blk), ==, 8 * CD_BLOCK);
    g_assert_false(blk_is_read_only(t.r.blk));
    /* The guest sees the medium go, then a unit attention, then data. */
    g_assert_cmphex(cd_tur(&t) & ATA_STAT_ERR, ==, ATA_STAT_ERR);
    cd_sense(&t, &key, &asc);
    g_assert_cmphex(key, ==, 0x02);
    g_assert_cmphex(asc, ==, 0x3a);
    g_assert_cmphex(cd_tur(&t) & ATA_STAT_ERR, ==, ATA_STAT_ERR);
    cd_sense(&t, &key, &asc);
    g_assert_cmphex(key, ==, 0x06);
    g_assert_cmphex(asc, ==, 0x28);
    g_assert_cmphex(cd_tur(&t) & ATA_STAT_ERR, ==, 0);
    g_assert_cmpuint(cd_media_event(&t, &st), ==, 2);   /* new media */
    g_assert_cmphex(st, ==, 0x02);
    g_assert_cmphex(atapi_cmd(&t, pkt, buf, &len) & ATA_STAT_ERR, ==, 0);
    g_assert_cmpuint(len, ==, 2 * CD_BLOCK);
    g_assert_cmphex(buf[0], ==, 0xb3);
    g_assert_cmphex(buf[2 * CD_BLOCK - 1], ==, 0xb4);
    /* Tray opened then closed: two events. */
    g_assert_cmpuint(t.r.events->len, ==, 2);
    g_assert_nonnull(strstr(t.r.events->pdata[0], "\"tray-open\": true"));
    g_assert_nonnull(strstr(t.r.events->pdata[1], "\"tray-open\": false"));
    /* Force unlocked the tray. */
    g_assert_false(t.ide->bus[0].drive[0].tray_locked);
    unlink(img);
    ide_rig_free(&t);
}

/* PACKET with the DMA bit; returns the bus-master status afterwards. */
static uint8_t atapi_dma_cmd(IDERig *t, const uint8_t *pkt, bool start_first)
{
    Machine *m = t->r.m;

    io_space_write(m->io, BM_BASE + 4, PRD_ADDR, 4);
    outb(m, BM_BASE, 0x08);
    if (start_first) {
        outb(m, BM_BASE, 0x09);
    }
    outb(m, 0x1f1, 0x01);                   /* features: DMA */
    outb(m, 0x1f7, 0xa0);
    g_assert_cmphex(ide_wait(t) & ATA_STAT_DRQ, ==, ATA_STAT_DRQ);
    ide_pio_out(t, pkt, 12);
    rig_drain(&t->r);
    if (!start_first) {
        g_assert_cmphex(inb(m, 0x3f6) & ATA_STAT_DRQ, ==, ATA_STAT_DRQ);
        outb(m, BM_BASE, 0x09);
    }
    ide_wait(t);
    outb(m, BM_BASE, 0);
    return inb(m, BM_BASE + 2);
}

static void test_dma(void)
{
    IDERig t;
    uint8_t *ram;
    uint8_t pkt[12] = { 0 };
    uint16_t w[256];
    uint8_t bm;

    cd_rig_init(&t);
    ram = rig_ram(&t.r);
    /* IDENTIFY PACKET DEVICE offers DMA (word 49 bit 8, words 63/88). */
    outb(t.r.m, 0x1f7, 0xa1);
    ide_wait(&t);
    for (int i = 0; i < 256; i++) {
        w[i] = inw(t.r.m, 0x1f0);
    }
    g_assert_cmphex(w[49] & 0x0100, ==, 0x0100);
    g_assert_cmphex(w[88] & 0x3f, ==, 0x3f);
    /* READ(10) of 40 blocks (80 KiB: two chunks) into three entries. */
    pkt[0] = 0x28;
    pkt[5] = 5;
    pkt[8] = 40;
    prd_set(&t, 0, BUF_ADDR, 0x3000, false);
    prd_set(&t, 1, 0x40000, 0, false);
    prd_set(&t, 2, 0x80000, 0x9000, true);
    bm = atapi_dma_cmd(&t, pkt, true);
    g_assert_cmphex(bm & 0x07, ==, 0x04);
    g_assert_true(t.pin[0].level);
    g_assert_cmphex(inb(t.r.m, 0x1f2), ==, 0x03);
    g_assert_cmphex(inb(t.r.m, 0x1f7) & (ATA_STAT_ERR | ATA_STAT_DRQ), ==,
                    0);
    g_assert_false(t.pin[0].level);
    /* Blocks 5-10 in the first entry, 11-42 in the second, 43-44 in
     * the third, which is longer than what is left. */
    g_assert_cmphex(ram[BUF_ADDR], ==, 0x10 + 5);
    g_assert_cmphex(ram[BUF_ADDR + 0x2fff], ==, 0x10 + 10);
    g_assert_cmphex(ram[0x40000], ==, 0x10 + 11);
    g_assert_cmphex(ram[0x40000 + 0xffff], ==, 0x10 + 42);
    g_assert_cmphex(ram[0x80000], ==, 0x10 + 43);
    g_assert_cmphex(ram[0x80000 + 2 * CD_BLOCK - 1], ==, 0x10 + 44);
    g_assert_cmphex(ram[0x80000 + 2 * CD_BLOCK], ==, 0);
    outb(t.r.m, BM_BASE + 2, 0x06);
    /* READ(12), engine started after the packet; then INQUIRY by DMA. */
    memset(pkt, 0, 12);
    pkt[0] = 0xa8;
    pkt[5] = 60;
    pkt[9] = 2;
    prd_set(&t, 0, BUF_ADDR, 2 * CD_BLOCK, true);
    bm = atapi_dma_cmd(&t, pkt, false);
    g_assert_cmphex(bm & 0x07, ==, 0x04);
    g_assert_cmphex(ram[BUF_ADDR], ==, 0x10 + 60);
    g_assert_cmphex(ram[BUF_ADDR + CD_BLOCK], ==, 0x10 + 61);
    outb(t.r.m, BM_BASE + 2, 0x06);
    memset(pkt, 0, 12);
    pkt[0] = 0x12;
    pkt[4] = 36;
    bm = atapi_dma_cmd(&t, pkt, true);
    g_assert_cmphex(bm & 0x07, ==, 0x04);
    g_assert_cmpmem(ram + BUF_ADDR + 8, 8, "PLIMSOLL", 8);
    outb(t.r.m, BM_BASE + 2, 0x06);
    /* A PRD table shorter than the data: bus-master error, abort. */
    memset(pkt, 0, 12);
    pkt[0] = 0x28;
    pkt[8] = 4;
    prd_set(&t, 0, BUF_ADDR, CD_BLOCK, true);
    bm = atapi_dma_cmd(&t, pkt, true);
    g_assert_cmphex(bm & 0x02, ==, 0x02);
    g_assert_cmphex(inb(t.r.m, 0x1f7) & ATA_STAT_ERR, ==, ATA_STAT_ERR);
    outb(t.r.m, BM_BASE + 2, 0x06);
    /* Out of range by DMA: CHECK CONDITION, nothing moved. */
    memset(ram + BUF_ADDR, 0xee, 16);
    memset(pkt, 0, 12);
    pkt[0] = 0x28;
    pkt[5] = 63;
    pkt[8] = 2;
    atapi_dma_cmd(&t, pkt, true);
    g_assert_cmphex(inb(t.r.m, 0x1f7) & ATA_STAT_ERR, ==, ATA_STAT_ERR);
    g_assert_cmphex(ram[BUF_ADDR], ==, 0xee);
    /* Hostile: a PRD buffer outside RAM; the engine direction wrong. */
    memset(pkt, 0, 12);
    pkt[0] = 0x28;
    pkt[8] = 1;
    prd_set(&t, 0, 0xf0000000u, CD_BLOCK, true);
    bm = atapi_dma_cmd(&t, pkt, true);
    g_assert_cmphex(bm & 0x02, ==, 0x02);
    g_assert_cmphex(inb(t.r.m, 0x1f7) & ATA_STAT_ERR, ==, ATA_STAT_ERR);
    outb(t.r.m, BM_BASE + 2, 0x06);
    prd_set(&t, 0, BUF_ADDR, CD_BLOCK, true);
    io_space_write(t.r.m->io, BM_BASE + 4, PRD_ADDR, 4);
    outb(t.r.m, 0x1f1, 0x01);
    outb(t.r.m, 0x1f7, 0xa0);
    ide_wait(&t);
    ide_pio_out(&t, pkt, 12);
    outb(t.r.m, BM_BASE, 0x01);             /* start, but device->memory */
    ide_wait(&t);
    outb(t.r.m, BM_BASE, 0);
    g_assert_cmphex(inb(t.r.m, BM_BASE + 2) & 0x02, ==, 0x02);
    g_assert_cmphex(inb(t.r.m, 0x1f7) & ATA_STAT_ERR, ==, ATA_STAT_ERR);
    outb(t.r.m, BM_BASE + 2, 0x06);
    /* PIO still works afterwards. */
    g_assert_cmphex(cd_tur(&t) & ATA_STAT_ERR, ==, 0);
    ide_rig_free(&t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/hw/ide/atapi/locked-eject", test_locked_eject);
    g_test_add_func("/hw/ide/atapi/change-medium", test_change_medium);
    g_test_add_func("/hw/ide/atapi/dma", test_dma);
    return g_test_run();
}
