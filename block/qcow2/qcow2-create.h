/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qcow2 image-level jobs: create (qemu-img create -o ...), preallocation,
 * resize, measure, amend, and the "format-specific" info object.
 *
 * Behaviour: BLOCK-QMP-REFERENCE.md 3.4 (fresh image layout: header,
 * refcount table, first refcount block, then the L1 table), 6 (ImageInfo
 * format-specific data for qcow2); option names and error messages as
 * qemu-img 7.2 prints them.
 */
#ifndef BLOCK_QCOW2_CREATE_H
#define BLOCK_QCOW2_CREATE_H

#include "block/qcow2/qcow2.h"

/** struct Qcow2CreateOpts - qemu-img create -o options for qcow2. */
typedef struct Qcow2CreateOpts {
    uint64_t size;
    bool size_set;
    uint64_t cluster_size;
    uint32_t version;            /* 2 (compat=0.10) or 3 (compat=1.1) */
    uint64_t refcount_bits;
    bool lazy_refcounts;
    char *backing_file;
    char *backing_fmt;
    Qcow2Prealloc prealloc;
    uint8_t compression_type;
} Qcow2CreateOpts;

/** qcow2_create_opts_init() - qemu-img's defaults. */
void qcow2_create_opts_init(Qcow2CreateOpts *o);
void qcow2_create_opts_clear(Qcow2CreateOpts *o);

/**
 * qcow2_create_opts_take() - take the qcow2 creation options out of @obj
 * (JSON strings or typed values): size, cluster_size, compat,
 * refcount_bits, lazy_refcounts, backing_file, backing_fmt,
 * preallocation, compression_type, extended_l2 (only "off"), encryption
 * (refused).  Leaves unknown members for the caller to report.
 */
bool qcow2_create_opts_take(Qcow2CreateOpts *o, struct json_object *obj,
                            Error **errp);

/** qcow2_create_opts_validate() - QEMU's consistency rules. */
bool qcow2_create_opts_validate(const Qcow2CreateOpts *o, Error **errp);

/**
 * qcow2_create() - format the (empty) file behind @host as a qcow2 image.
 */
bool qcow2_create(const Qcow2Host *host, const Qcow2CreateOpts *o,
                  Error **errp);

/** qcow2_measure_meta() - bytes of metadata a fully allocated image of
 *  @size needs (qemu-img measure), not counting the data itself. */
uint64_t qcow2_measure_meta(uint64_t size, uint64_t cluster_size,
                            uint32_t refcount_order);

/**
 * qcow2_amend() - change creation options of an open image: compat,
 * lazy_refcounts, backing_file, backing_fmt, size.  Others are refused
 * with QEMU's messages.
 */
bool qcow2_amend(Qcow2State *s, struct json_object *opts, Error **errp);

/** qcow2_format_specific() - {"type": "qcow2", "data": {...}}. */
struct json_object *qcow2_format_specific(Qcow2State *s);

#endif /* BLOCK_QCOW2_CREATE_H */
