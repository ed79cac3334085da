/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-blk-pci (Virtual I/O Device 1.2, OASIS, §5.2 "Block Device"):
 * PCI 1AF4:1001 (transitional), subsystem 1AF4:0002, class 0100h, over
 * the transport of hw/virtio/virtio-pci.c.
 *
 * Features offered (§5.2.3): SIZE_MAX (1), SEG_MAX (2), GEOMETRY (4),
 * RO (5) for read-only media, BLK_SIZE (6), FLUSH (9), TOPOLOGY (10),
 * CONFIG_WCE (11), MQ (12) with num-queues > 1, DISCARD (13),
 * WRITE_ZEROES (14); plus INDIRECT_DESC, EVENT_IDX and VERSION_1.
 *
 * Configuration layout (§5.2.4):
 *   00h capacity (le64, 512-byte sectors)   08h size_max   0Ch seg_max
 *   10h geometry {cylinders le16, heads, sectors}          14h blk_size
 *   18h topology {physical_block_exp, alignment_offset, min_io_size le16,
 *       opt_io_size le32}   20h writeback   22h num_queues (le16)
 *   24h max_discard_sectors 28h max_discard_seg 2Ch discard_sector_alignment
 *   30h max_write_zeroes_sectors 34h max_write_zeroes_seg
 *   38h write_zeroes_may_unmap
 *
 * Requests (§5.2.6): a 16-byte header {le32 type, le32 reserved, le64
 * sector} in driver-readable memory, the data, and a status byte as the
 * last driver-writable byte; any layout of descriptors is accepted.
 * Types IN (0), OUT (1), FLUSH (4), GET_ID (8), DISCARD (11),
 * WRITE_ZEROES (13); others are UNSUPP.  Data is mapped straight from
 * guest RAM (zero copy) and handed to the block backend asynchronously.
 * A failed request follows werror/rerror; under "stop" it is kept, in
 * submission order, and resubmitted when the VM runs again.
 */
#include "hw/virtio/virtio-blk.h"

#include <string.h>

#include "hw/core/lock.h"
#include "system/runstate.h"
#include "util/log.h"

#define VIRTIO_BLK_F_SIZE_MAX       1
#define VIRTIO_BLK_F_SEG_MAX        2
#define VIRTIO_BLK_F_GEOMETRY       4
#define VIRTIO_BLK_F_RO             5
#define VIRTIO_BLK_F_BLK_SIZE       6
#define VIRTIO_BLK_F_FLUSH          9
#define VIRTIO_BLK_F_TOPOLOGY       10
#define VIRTIO_BLK_F_CONFIG_WCE     11
#define VIRTIO_BLK_F_MQ             12
#define VIRTIO_BLK_F_DISCARD        13
#define VIRTIO_BLK_F_WRITE_ZEROES   14

#define VIRTIO_BLK_T_IN             0
#define VIRTIO_BLK_T_OUT            1
#define VIRTIO_BLK_T_FLUSH          4
#define VIRTIO_BLK_T_GET_ID         8
#define VIRTIO_BLK_T_DISCARD        11
#define VIRTIO_BLK_T_WRITE_ZEROES   13

#define VIRTIO_BLK_S_OK             0
#define VIRTIO_BLK_S_IOERR          1
#define VIRTIO_BLK_S_UNSUPP         2

#define VBLK_CONFIG_SIZE    0x3c
#define VBLK_SIZE_MAX       (1u << 20)
#define VBLK_SEG_MAX        (VIRTQ_MAX_SIZE - 2)
#define VBLK_MAX_BYTES      (32u << 20)     /* larger requests are IOERR */
#define VBLK_MAX_DISCARD    (VBLK_MAX_BYTES / 512)
#define VBLK_ID_BYTES       20

typedef struct VirtIOBlockReq {
    VirtIOBlockState *s;
    int q;
    uint64_t gen;
    uint64_t seq;
    VirtQueueElement elem;
    uint32_t type;
    uint64_t sector;
    BlockIOV qiov;
    VirtQueueSeg *maps;
    unsigned nmaps;
    uint64_t status_addr;
    uint32_t in_len;
    uint64_t wz_sectors;
    uint32_t wz_flags;
} VirtIOBlockReq;

static inline VirtIOBlockState *vblk_from_vp(VirtIOPCIState *vp)
{
    return container_of(vp, VirtIOBlockState, vp);
}

static MemoryMap *vblk_mem(VirtIOBlockState *s)
{
    return s->vp.parent.parent.machine->mem;
}

static void vblk_put(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        p[i] = v >> (8 * i);
    }
}

static uint64_t vblk_get(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;

    for (unsigned i = n; i-- > 0;) {
        v = (v << 8) | p[i];
    }
    return v;
}

/* ---- guest memory ----------------------------------------------------- */

static void vblk_unmap(VirtIOBlockReq *req, bool written)
{
    MemoryMap *mem = vblk_mem(req->s);

    for (unsigned i = 0; i < req->nmaps; i++) {
        dma_memory_unmap(mem, req->maps[i].addr,
                         written ? req->maps[i].len : 0);
    }
    req->nmaps = 0;
}

/* Map @len bytes of @segs after @skip into req->qiov. */
static bool vblk_map(VirtIOBlockReq *req, const VirtQueueSeg *segs,
                     unsigned nseg, uint64_t skip, uint64_t len,
                     bool is_write)
{
    MemoryMap *mem = vblk_mem(req->s);

    unsigned cap = 8;

    req->maps = g_new(VirtQueueSeg, cap);
    for (unsigned i = 0; i < nseg && len; i++) {
        uint64_t addr = segs[i].addr, n = segs[i].len;

        if (skip >= n) {
            skip -= n;
            continue;
        }
        addr += skip;
        n = MIN(n - skip, len);
        skip = 0;
        while (n) {
            uint64_t got = n;
            uint8_t *p = dma_memory_map(mem, addr, &got, is_write);

            if (!p || !got ||
                req->nmaps >= VIRTQ_MAX_SIZE + VIRTQ_MAX_INDIRECT) {
                log_guest_error("virtio-blk: buffer 0x%" PRIx64 " is not "
                                "RAM", addr);
                vblk_unmap(req, false);
                return false;
            }
            if (req->nmaps == cap) {
                cap *= 2;
                req->maps = g_renew(VirtQueueSeg, req->maps, cap);
            }
            req->maps[req->nmaps++] = (VirtQueueSeg){ addr, got };
            block_iov_add(&req->qiov, p, got);
            addr += got;
            n -= got;
            len -= got;
        }
    }
    return true;
}

/* Copy @len bytes at @skip of the readable segments into @buf. */
static bool vblk_gather(VirtIOBlockReq *req, uint64_t skip, void *buf,
                        uint64_t len)
{
    PCIDevice *pci = &req->s->vp.parent;
    uint8_t *out = buf;

    for (unsigned i = 0; i < req->elem.nout && len; i++) {
        const VirtQueueSeg *sg = &req->elem.out[i];
        uint64_t n;

        if (skip >= sg->len) {
            skip -= sg->len;
            continue;
        }
        n = MIN(sg->len - skip, len);
        if (pci_dma_read(pci, sg->addr + skip, out, n) < 0) {
            return false;
        }
        out += n;
        len -= n;
        skip = 0;
    }
    return len == 0;
}

/* ---- completion ------------------------------------------------------- */

static void vblk_req_free(VirtIOBlockReq *req)
{
    virtqueue_elem_free(&req->elem);
    block_iov_destroy(&req->qiov);
    g_free(req->maps);
    g_free(req);
}

static void vblk_complete(VirtIOBlockReq *req, uint8_t status)
{
    VirtIOBlockState *s = req->s;
    PCIDevice *pci = &s->vp.parent;
    bool data_in = req->type == VIRTIO_BLK_T_IN ||
                   req->type == VIRTIO_BLK_T_GET_ID;

    vblk_unmap(req, req->type == VIRTIO_BLK_T_IN && status == 0);
    pci_dma_write(pci, req->status_addr, &status, 1);
    virtqueue_push(&s->vp.vq[req->q], pci, req->elem.head,
                   (data_in && status == 0 ? req->in_len : 0) + 1);
    virtio_pci_notify_queue(&s->vp, req->q);
    vblk_req_free(req);
}

static gint vblk_seq_cmp(gconstpointer a, gconstpointer b)
{
    const VirtIOBlockReq *x = a, *y = b;

    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void vblk_submit(VirtIOBlockReq *req);

static bool vblk_lock(void)
{
    if (machine_lock_held()) {
        return false;
    }
    machine_lock();
    return true;
}

static void vblk_rw_cb(void *opaque, int ret)
{
    VirtIOBlockReq *req = opaque;
    VirtIOBlockState *s = req->s;
    bool taken = vblk_lock();
    bool is_read = req->type == VIRTIO_BLK_T_IN;
    BlockErrorAction action;
    uint8_t status = VIRTIO_BLK_S_OK;

    s->inflight--;
    if (req->gen != s->gen) {
        vblk_unmap(req, false);
        vblk_req_free(req);
        goto out;
    }
    if (ret < 0) {
        action = blk_get_error_action(s->attach.blk, is_read, -ret);
        if (action == BLOCK_ERROR_ACTION_STOP) {
            s->retry = g_list_insert_sorted(s->retry, req, vblk_seq_cmp);
            blk_error_action(s->attach.blk, action, is_read, -ret);
            goto out;
        }
        blk_error_action(s->attach.blk, action, is_read, -ret);
        if (action == BLOCK_ERROR_ACTION_REPORT) {
            status = VIRTIO_BLK_S_IOERR;
        }
    }
    vblk_complete(req, status);
out:
    if (taken) {
        machine_unlock();
    }
}

static void vblk_submit(VirtIOBlockReq *req)
{
    VirtIOBlockState *s = req->s;
    BlockBackend *blk = s->attach.blk;
    int64_t off = req->sector * 512;

    s->inflight++;
    switch (req->type) {
    case VIRTIO_BLK_T_IN:
        blk_aio_preadv(blk, off, &req->qiov, 0, vblk_rw_cb, req);
        break;
    case VIRTIO_BLK_T_OUT:
        blk_aio_pwritev(blk, off, &req->qiov, 0, vblk_rw_cb, req);
        break;
    case VIRTIO_BLK_T_FLUSH:
        blk_aio_flush(blk, vblk_rw_cb, req);
        break;
    case VIRTIO_BLK_T_DISCARD:
        blk_aio_pdiscard(blk, off, req->wz_sectors * 512, vblk_rw_cb, req);
        break;
    default:
        blk_aio_pwrite_zeroes(blk, off, req->wz_sectors * 512,
                              (req->wz_flags & 1) ? BDRV_REQ_MAY_UNMAP : 0,
                              vblk_rw_cb, req);
        break;
    }
}

/* ---- request decoding ------------------------------------------------- */

static bool vblk_range_ok(VirtIOBlockReq *req, uint64_t sector,
                          uint64_t bytes, BlockAcctType type)
{
    VirtIOBlockState *s = req->s;

    if (bytes > VBLK_MAX_BYTES || sector > s->capacity ||
        bytes / 512 > s->capacity - sector) {
        log_guest_error("virtio-blk: request at sector %" PRIu64 " of %"
                        PRIu64 " bytes is out of range", sector, bytes);
        block_acct_invalid(blk_get_stats(s->attach.blk), type);
        return false;
    }
    return true;
}

static uint8_t vblk_rw(VirtIOBlockReq *req)
{
    VirtIOBlockState *s = req->s;
    bool is_read = req->type == VIRTIO_BLK_T_IN;
    uint64_t bytes = is_read ? req->elem.in_bytes - 1
                             : req->elem.out_bytes - 16;
    BlockAcctType type = is_read ? BLOCK_ACCT_READ : BLOCK_ACCT_WRITE;

    if (!is_read && blk_is_read_only(s->attach.blk)) {
        return VIRTIO_BLK_S_IOERR;
    }
    if (bytes % 512 || !vblk_range_ok(req, req->sector, bytes, type)) {
        return VIRTIO_BLK_S_IOERR;
    }
    block_iov_init(&req->qiov, req->elem.nin + req->elem.nout);
    if (is_read ? !vblk_map(req, req->elem.in, req->elem.nin, 0, bytes, true)
                : !vblk_map(req, req->elem.out, req->elem.nout, 16, bytes,
                            false)) {
        return VIRTIO_BLK_S_IOERR;
    }
    req->in_len = is_read ? bytes : 0;
    vblk_submit(req);
    return 0xff;
}

/* DISCARD / WRITE_ZEROES: exactly one 16-byte segment (max_*_seg = 1). */
static uint8_t vblk_zero_or_discard(VirtIOBlockReq *req)
{
    VirtIOBlockState *s = req->s;
    bool discard = req->type == VIRTIO_BLK_T_DISCARD;
    uint8_t seg[16];

    if ((discard && !s->discard) || (!discard && !s->write_zeroes) ||
        req->elem.out_bytes != 32 || !vblk_gather(req, 16, seg, 16)) {
        return VIRTIO_BLK_S_UNSUPP;
    }
    req->sector = vblk_get(seg, 8);
    req->wz_sectors = vblk_get(seg + 8, 4);
    req->wz_flags = vblk_get(seg + 12, 4);
    if ((discard && req->wz_flags) || (req->wz_flags & ~1u)) {
        return VIRTIO_BLK_S_UNSUPP;
    }
    if (blk_is_read_only(s->attach.blk) ||
        !vblk_range_ok(req, req->sector, req->wz_sectors * 512,
                       discard ? BLOCK_ACCT_UNMAP : BLOCK_ACCT_WRITE)) {
        return VIRTIO_BLK_S_IOERR;
    }
    vblk_submit(req);
    return 0xff;
}

static uint8_t vblk_get_id(VirtIOBlockReq *req)
{
    VirtIOBlockState *s = req->s;
    uint8_t id[VBLK_ID_BYTES] = { 0 };
    uint32_t n = MIN(req->elem.in_bytes - 1, VBLK_ID_BYTES);
    uint64_t done = 0;

    if (s->serial) {
        memcpy(id, s->serial, MIN(strlen(s->serial), VBLK_ID_BYTES));
    }
    for (unsigned i = 0; i < req->elem.nin && done < n; i++) {
        uint64_t k = MIN(req->elem.in[i].len, n - done);

        if (pci_dma_write(&s->vp.parent, req->elem.in[i].addr, id + done,
                          k) < 0) {
            return VIRTIO_BLK_S_IOERR;
        }
        done += k;
    }
    req->in_len = n;
    return VIRTIO_BLK_S_OK;
}

/* Decode one chain; complete it at once unless it went to the backend. */
static void vblk_handle(VirtIOBlockState *s, int q, VirtQueueElement *elem)
{
    VirtIOBlockReq *req = g_new0(VirtIOBlockReq, 1);
    const VirtQueueSeg *last;
    uint8_t hdr[16];
    uint8_t status;

    req->s = s;
    req->q = q;
    req->gen = s->gen;
    req->seq = s->seq++;
    req->elem = *elem;
    last = elem->nin ? &elem->in[elem->nin - 1] : NULL;
    if (!last || !last->len || elem->out_bytes < 16 ||
        !vblk_gather(req, 0, hdr, 16)) {
        log_guest_error("virtio-blk: request without header or status");
        virtqueue_push(&s->vp.vq[q], &s->vp.parent, elem->head, 0);
        virtio_pci_notify_queue(&s->vp, q);
        vblk_req_free(req);
        return;
    }
    req->status_addr = last->addr + last->len - 1;
    req->type = vblk_get(hdr, 4);
    req->sector = vblk_get(hdr + 8, 8);
    switch (req->type) {
    case VIRTIO_BLK_T_IN:
    case VIRTIO_BLK_T_OUT:
        status = vblk_rw(req);
        break;
    case VIRTIO_BLK_T_FLUSH:
        vblk_submit(req);
        return;
    case VIRTIO_BLK_T_GET_ID:
        status = vblk_get_id(req);
        break;
    case VIRTIO_BLK_T_DISCARD:
    case VIRTIO_BLK_T_WRITE_ZEROES:
        status = vblk_zero_or_discard(req);
        break;
    default:
        status = VIRTIO_BLK_S_UNSUPP;
        break;
    }
    if (status != 0xff) {
        vblk_complete(req, status);
    }
}

static void vblk_notify(VirtIOPCIState *vp, int q)
{
    VirtIOBlockState *s = vblk_from_vp(vp);
    bool ev = virtio_pci_has_feature(vp, VIRTIO_RING_F_EVENT_IDX);
    VirtQueueElement elem;

    for (;;) {
        switch (virtqueue_pop(&vp->vq[q], &vp->parent, ev, &elem)) {
        case VIRTQ_POP_OK:
            vblk_handle(s, q, &elem);
            continue;
        case VIRTQ_POP_BAD_CHAIN:
            virtqueue_push(&vp->vq[q], &vp->parent, elem.head, 0);
            virtqueue_elem_free(&elem);
            virtio_pci_notify_queue(vp, q);
            continue;
        case VIRTQ_POP_BROKEN:
            virtqueue_elem_free(&elem);
            vp->status |= VIRTIO_STATUS_NEEDS_RESET;
            virtio_pci_config_changed(vp);
            return;
        default:
            virtqueue_elem_free(&elem);
            return;
        }
    }
}

/* ---- configuration ---------------------------------------------------- */

static uint64_t vblk_features(VirtIOPCIState *vp)
{
    VirtIOBlockState *s = vblk_from_vp(vp);
    uint64_t f = (1ull << VIRTIO_BLK_F_SIZE_MAX) |
                 (1ull << VIRTIO_BLK_F_SEG_MAX) |
                 (1ull << VIRTIO_BLK_F_GEOMETRY) |
                 (1ull << VIRTIO_BLK_F_BLK_SIZE) |
                 (1ull << VIRTIO_BLK_F_FLUSH) |
                 (1ull << VIRTIO_BLK_F_TOPOLOGY);

    if (s->config_wce) {
        f |= 1ull << VIRTIO_BLK_F_CONFIG_WCE;
    }
    if (s->num_queues > 1) {
        f |= 1ull << VIRTIO_BLK_F_MQ;
    }
    if (blk_is_read_only(s->attach.blk)) {
        f |= 1ull << VIRTIO_BLK_F_RO;
    } else {
        f |= (s->discard ? 1ull << VIRTIO_BLK_F_DISCARD : 0) |
             (s->write_zeroes ? 1ull << VIRTIO_BLK_F_WRITE_ZEROES : 0);
    }
    return f;
}

static void vblk_get_config(VirtIOPCIState *vp, uint8_t *c)
{
    VirtIOBlockState *s = vblk_from_vp(vp);
    uint64_t cyls = s->capacity / (16 * 63);

    vblk_put(c + 0x00, s->capacity, 8);
    vblk_put(c + 0x08, VBLK_SIZE_MAX, 4);
    vblk_put(c + 0x0c, VBLK_SEG_MAX, 4);
    vblk_put(c + 0x10, MIN(cyls, 65535), 2);
    c[0x12] = 16;
    c[0x13] = 63;
    vblk_put(c + 0x14, 512, 4);
    c[0x18] = 0;                /* one logical block per physical block */
    c[0x19] = 0;
    vblk_put(c + 0x1a, 1, 2);
    vblk_put(c + 0x1c, 0, 4);
    c[0x20] = s->wce;
    vblk_put(c + 0x22, s->num_queues, 2);
    vblk_put(c + 0x24, VBLK_MAX_DISCARD, 4);
    vblk_put(c + 0x28, 1, 4);
    vblk_put(c + 0x2c, 1, 4);
    vblk_put(c + 0x30, VBLK_MAX_DISCARD, 4);
    vblk_put(c + 0x34, 1, 4);
    c[0x38] = 1;
}

static void vblk_set_config(VirtIOPCIState *vp, const uint8_t *c)
{
    VirtIOBlockState *s = vblk_from_vp(vp);

    if (s->config_wce && s->wce != !!c[0x20]) {
        s->wce = c[0x20];
        blk_set_enable_write_cache(s->attach.blk, s->wce);
    }
}

static void vblk_drop_retry(VirtIOBlockState *s)
{
    for (GList *l = s->retry; l; l = l->next) {
        VirtIOBlockReq *req = l->data;

        vblk_unmap(req, false);
        vblk_req_free(req);
    }
    g_list_free(s->retry);
    s->retry = NULL;
}

static void vblk_reset(VirtIOPCIState *vp)
{
    VirtIOBlockState *s = vblk_from_vp(vp);

    s->gen++;
    vblk_drop_retry(s);
    s->wce = true;
    blk_set_enable_write_cache(s->attach.blk, true);
}

static const VirtIODeviceOps vblk_ops = {
    .features = vblk_features,
    .config_size = VBLK_CONFIG_SIZE,
    .get_config = vblk_get_config,
    .set_config = vblk_set_config,
    .notify = vblk_notify,
    .reset = vblk_reset,
};

/* ---- life cycle ------------------------------------------------------- */

/* cont: resubmit what the error policy kept, oldest first. */
static void vblk_runstate(RunStateNotice notice, RunState old_state,
                          RunState new_state, ShutdownCause cause,
                          void *opaque)
{
    VirtIOBlockState *s = opaque;
    GList *list = s->retry;

    if (notice != RUNSTATE_NOTICE_STATE || new_state != RUN_STATE_RUNNING) {
        return;
    }
    s->retry = NULL;
    for (GList *l = list; l; l = l->next) {
        vblk_submit(l->data);
    }
    g_list_free(list);
}

static void vblk_resize(void *opaque)
{
    VirtIOBlockState *s = opaque;
    bool taken = vblk_lock();

    s->capacity = blk_getlength(s->attach.blk) / 512;
    virtio_pci_config_changed(&s->vp);
    if (taken) {
        machine_unlock();
    }
}

static const BlockDevOps vblk_dev_ops = {
    .resize_cb = vblk_resize,
};

static bool vblk_realize(Device *dev, Error **errp)
{
    VirtIOBlockState *s = container_of(virtio_pci_from_dev(dev),
                                       VirtIOBlockState, vp);
    int64_t len;

    if (!s->num_queues || s->num_queues > VIRTIO_PCI_MAX_QUEUES) {
        error_setg(errp, "num-queues property must be between 1 and %d",
                   VIRTIO_PCI_MAX_QUEUES);
        return false;
    }
    if (!disk_check_bootindex(dev, s->bootindex, errp) ||
        !disk_attach(&s->attach, dev, s->drive, "/virtio-backend", true,
                     errp)) {
        return false;
    }
    len = blk_getlength(s->attach.blk);
    if (!disk_apply_error_policy(&s->attach, s->werror, s->rerror, errp)) {
        disk_detach(&s->attach);
        return false;
    }
    if (len < 0) {
        error_setg(errp, "Could not get the size of the image");
        disk_detach(&s->attach);
        return false;
    }
    s->capacity = len / 512;
    s->vp.nvectors = s->vectors < 0 ? s->num_queues + 1 : s->vectors;
    if (!virtio_pci_realize(&s->vp, &vblk_ops, s->num_queues, errp)) {
        disk_detach(&s->attach);
        return false;
    }
    blk_iostatus_enable(s->attach.blk);
    blk_set_dev_ops(s->attach.blk, &vblk_dev_ops, s);
    runstate_add_hook(vblk_runstate, s);
    return true;
}

static void vblk_pci_reset(Device *dev)
{
    virtio_pci_reset(virtio_pci_from_dev(dev));
}

/* After a system reset the INTx line follows the (cleared) ISR. */
static void vblk_sync_irqs(Device *dev)
{
    virtio_pci_sync_irq(virtio_pci_from_dev(dev));
}

static void vblk_unrealize(Device *dev)
{
    VirtIOBlockState *s = container_of(virtio_pci_from_dev(dev),
                                       VirtIOBlockState, vp);

    runstate_remove_hook(vblk_runstate, s);
    s->gen++;
    vblk_drop_retry(s);
    disk_detach(&s->attach);
    virtio_pci_unrealize(&s->vp);
}

static const Property vblk_props[] = {
    DEFINE_PROP_DRIVE("drive", VirtIOBlockState, drive,
                      "backing block device"),
    DEFINE_PROP_STR("serial", VirtIOBlockState, serial, NULL,
                    "GET_ID serial (20 bytes)"),
    DEFINE_PROP_UINT("num-queues", VirtIOBlockState, num_queues, 1,
                     "number of request queues"),
    DEFINE_PROP_INT("bootindex", VirtIOBlockState, bootindex, -1,
                    "boot order position"),
    DEFINE_PROP_INT("vectors", VirtIOBlockState, vectors, -1,
                    "MSI-X vectors (default num-queues + 1; 0: INTx only)"),
    DEFINE_PROP_STR("werror", VirtIOBlockState, werror, NULL,
                    "write error action (auto: the drive's)"),
    DEFINE_PROP_STR("rerror", VirtIOBlockState, rerror, NULL,
                    "read error action (auto: the drive's)"),
    DEFINE_PROP_BOOL("config-wce", VirtIOBlockState, config_wce, true,
                     "guest may toggle the write cache"),
    DEFINE_PROP_BOOL("discard", VirtIOBlockState, discard, true,
                     "offer DISCARD"),
    DEFINE_PROP_BOOL("write-zeroes", VirtIOBlockState, write_zeroes, true,
                     "offer WRITE_ZEROES"),
    { 0 },
};

const PCIDeviceClass virtio_blk_pci_class = {
    .parent = {
        .name = "virtio-blk-pci",
        .description = "virtio block device (transitional)",
        .category = DEVICE_CATEGORY_STORAGE,
        .bus = "PCI",
        .user_creatable = true,
        .instance_size = sizeof(VirtIOBlockState),
        .base_props = pci_base_props,
        .props = vblk_props,
        .realize = vblk_realize,
        .reset = vblk_pci_reset,
        .sync_irqs = vblk_sync_irqs,
        .unrealize = vblk_unrealize,
    },
    .vendor_id = 0x1af4,
    .device_id = 0x1001,
    .class_id = 0x0100,
    .subsystem_vendor_id = 0x1af4,
    .subsystem_id = 0x0002,
    .config_write = virtio_pci_config_write,
};
