/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * I/O accounting: the counters query-blockstats reports (QAPI
 * BlockDeviceStats, BLOCK-QMP-REFERENCE.md §6).  Every node and every
 * BlockBackend keeps one BlockAcctStats; requests update it lock-free with
 * atomic adds, so accounting never serialises the hot path.
 *
 * Left out: zone-append (no zoned devices), timed_stats intervals and
 * latency histograms (reported empty/absent), "invalid" counts other than
 * requests rejected before reaching a driver.
 */
#ifndef BLOCK_ACCOUNTING_H
#define BLOCK_ACCOUNTING_H

#include <stdbool.h>
#include <stdint.h>

/* The request kinds QEMU accounts (BlockAcctType). */
typedef enum BlockAcctType {
    BLOCK_ACCT_READ = 0,
    BLOCK_ACCT_WRITE,
    BLOCK_ACCT_FLUSH,
    BLOCK_ACCT_UNMAP,
    BLOCK_ACCT__MAX,
} BlockAcctType;

/**
 * struct BlockAcctStats - counters of one node or backend.
 * All members are updated with atomics; read them with
 * block_acct_snapshot().
 * @bytes: bytes transferred, per type (flush: unused).
 * @ops: completed operations, per type.
 * @failed_ops: operations that failed, per type.
 * @invalid_ops: operations rejected before reaching storage.
 * @merged: requests merged by a device model into others.
 * @total_time_ns: sum of latencies of completed operations.
 * @wr_highest_offset: highest offset+bytes of a successful write.
 * @last_done_ns: monotonic time the last request completed (idle time).
 * @account_invalid, @account_failed: QEMU's flags (always true here).
 */
typedef struct BlockAcctStats {
    uint64_t bytes[BLOCK_ACCT__MAX];
    uint64_t ops[BLOCK_ACCT__MAX];
    uint64_t failed_ops[BLOCK_ACCT__MAX];
    uint64_t invalid_ops[BLOCK_ACCT__MAX];
    uint64_t merged[BLOCK_ACCT__MAX];
    uint64_t total_time_ns[BLOCK_ACCT__MAX];
    uint64_t wr_highest_offset;
    int64_t last_done_ns;
    bool account_invalid;
    bool account_failed;
} BlockAcctStats;

/** block_acct_init() - zero all counters. */
void block_acct_init(BlockAcctStats *s);

/**
 * block_acct_done() - account one finished request.
 * @ret: the request's result (< 0: counted as failed, no bytes).
 * @start_ns: block_acct_now_ns() when the request started.
 * @offset, @bytes: the range (for the high-water mark of writes).
 */
void block_acct_done(BlockAcctStats *s, BlockAcctType type, int ret,
                     int64_t start_ns, int64_t offset, int64_t bytes);

/** block_acct_invalid() - count a request rejected up front. */
void block_acct_invalid(BlockAcctStats *s, BlockAcctType type);

/** block_acct_merged() - a device model merged @n requests of @type. */
void block_acct_merged(BlockAcctStats *s, BlockAcctType type, unsigned n);

/** block_acct_now_ns() - monotonic nanoseconds (host clock). */
int64_t block_acct_now_ns(void);

/** block_acct_snapshot() - consistent-enough copy of @s for reporting. */
void block_acct_snapshot(const BlockAcctStats *s, BlockAcctStats *out);

/** block_acct_idle_ns() - ns since the last completion, or -1 if none. */
int64_t block_acct_idle_ns(const BlockAcctStats *s);

#endif /* BLOCK_ACCOUNTING_H */
