/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A CPU-less machine for disk controller tests: the "none" machine with
 * 16 MiB of RAM at 0, a PCI bus, a temporary image (raw, qcow2, or a
 * blkdebug filter over raw for error injection) behind a named backend,
 * and helpers to wait for block completions and record QMP events.
 */
#ifndef TESTS_UNIT_HW_IDE_DISK_RIG_H
#define TESTS_UNIT_HW_IDE_DISK_RIG_H

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "block/block-backend.h"
#include "block/block.h"
#include "hw/core/memory.h"
#include "hw/pci/pci.h"
#include "system/runstate.h"
#include "util/event-bus.h"
#include "../pc/pc-test-machine.h"

#define RIG_RAM_SIZE (16u << 20)

typedef struct DiskRig {
    Machine *m;
    MemoryRegion ram;
    PCIBus *pci;
    char *img;
    BlockBackend *blk;
    GPtrArray *events;
    unsigned sub;
} DiskRig;

static void rig_event(const BusEvent *ev, void *opaque)
{
    DiskRig *r = opaque;

    g_ptr_array_add(r->events, g_strdup_printf("%s %s", ev->name,
                    ev->data ? json_object_to_json_string(ev->data) : ""));
}

/* @fmt: "raw", "qcow2"; @inject: blkdebug inject-error JSON list or NULL. */
static inline void rig_init(DiskRig *r, const char *fmt, uint64_t size,
                            const char *inject)
{
    int fd;
    g_autofree char *json = NULL;
    struct json_object *o;
    BlockDriverState *bs;

    memset(r, 0, sizeof(*r));
    r->m = test_machine_new();
    g_assert_true(memory_region_init_ram(&r->ram, "ram", RIG_RAM_SIZE,
                                         &error_abort));
    memory_map_add(r->m->mem, &r->ram, 0, 0);
    r->pci = pci_bus_new(r->m);
    fd = g_file_open_tmp("plimsoll-disk-XXXXXX", &r->img, NULL);
    g_assert_cmpint(fd, >=, 0);
    close(fd);
    if (!strcmp(fmt, "qcow2")) {
        o = json_object_new_object();
        json_object_object_add(o, "size", json_object_new_int64(size));
        g_assert_true(bdrv_create("qcow2", r->img, o, &error_abort));
        json_object_put(o);
    } else {
        g_assert_cmpint(truncate(r->img, size), ==, 0);
    }
    if (inject) {
        json = g_strdup_printf("{\"driver\": \"blkdebug\", \"inject-error\": "
                               "%s, \"image\": {\"driver\": \"file\", "
                               "\"filename\": \"%s\"}}", inject, r->img);
    } else {
        json = g_strdup_printf("{\"driver\": \"%s\", \"file\": {\"driver\": "
                               "\"file\", \"filename\": \"%s\"}}", fmt,
                               r->img);
    }
    o = json_tokener_parse(json);
    bs = bdrv_open_blockdev(o, &error_abort);
    json_object_put(o);
    r->blk = blk_new("disk0", &error_abort);
    g_assert_true(blk_insert_bs(r->blk, bs, &error_abort));
    bdrv_unref(bs);
    r->events = g_ptr_array_new_with_free_func(g_free);
    r->sub = event_bus_subscribe(rig_event, r);
}

static inline void rig_free(DiskRig *r)
{
    event_bus_unsubscribe(r->sub);
    machine_free(r->m);
    pci_bus_free(r->pci);
    blk_unref(r->blk);
    memory_region_destroy(&r->ram);
    unlink(r->img);
    g_free(r->img);
    g_ptr_array_free(r->events, TRUE);
}

/* Run block completions until none is in flight. */
static inline void rig_drain(DiskRig *r)
{
    blk_drain(r->blk);
    while (g_main_context_iteration(NULL, FALSE)) {
    }
}

static inline uint8_t *rig_ram(DiskRig *r)
{
    return memory_region_get_ram_ptr(&r->ram);
}

/* Read the image file directly (no block layer): raw images only. */
static inline void rig_file_read(DiskRig *r, uint64_t off, void *buf,
                                 size_t len)
{
    FILE *f = fopen(r->img, "rb");

    g_assert_nonnull(f);
    g_assert_cmpint(fseek(f, off, SEEK_SET), ==, 0);
    g_assert_cmpuint(fread(buf, 1, len, f), ==, len);
    fclose(f);
}

static inline bool rig_has_event(DiskRig *r, const char *prefix)
{
    for (guint i = 0; i < r->events->len; i++) {
        if (g_str_has_prefix(r->events->pdata[i], prefix)) {
            return true;
        }
    }
    return false;
}

static inline void rig_pattern(uint8_t *p, size_t len, unsigned seed)
{
    for (size_t i = 0; i < len; i++) {
        p[i] = (uint8_t)(i * 7 + seed * 13 + (i >> 9));
    }
}

#endif
