/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * I/O accounting for query-blockstats (include/block/accounting.h).
 * Counters are plain 64-bit integers updated with relaxed atomic adds: a
 * report may see one request's bytes before its operation count, which
 * QEMU's numbers allow as well.
 */
#include "block/accounting.h"

#include <string.h>
#include <time.h>

void block_acct_init(BlockAcctStats *s)
{
    memset(s, 0, sizeof(*s));
    s->account_invalid = true;
    s->account_failed = true;
}

int64_t block_acct_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void acct_add(uint64_t *p, uint64_t v)
{
    __atomic_fetch_add(p, v, __ATOMIC_RELAXED);
}

void block_acct_done(BlockAcctStats *s, BlockAcctType type, int ret,
                     int64_t start_ns, int64_t offset, int64_t bytes)
{
    int64_t now = block_acct_now_ns();

    if (ret < 0) {
        acct_add(&s->failed_ops[type], 1);
    } else {
        acct_add(&s->ops[type], 1);
        acct_add(&s->bytes[type], bytes);
        acct_add(&s->total_time_ns[type], now - start_ns);
        if (type == BLOCK_ACCT_WRITE) {
            uint64_t end = offset + bytes;
            uint64_t cur = __atomic_load_n(&s->wr_highest_offset,
                                           __ATOMIC_RELAXED);
            while (end > cur &&
                   !__atomic_compare_exchange_n(&s->wr_highest_offset, &cur,
                                                end, true, __ATOMIC_RELAXED,
                                                __ATOMIC_RELAXED)) {
                /* cur was reloaded by the failed exchange */
            }
        }
    }
    __atomic_store_n(&s->last_done_ns, now, __ATOMIC_RELAXED);
}

void block_acct_invalid(BlockAcctStats *s, BlockAcctType type)
{
    acct_add(&s->invalid_ops[type], 1);
    __atomic_store_n(&s->last_done_ns, block_acct_now_ns(), __ATOMIC_RELAXED);
}

void block_acct_merged(BlockAcctStats *s, BlockAcctType type, unsigned n)
{
    acct_add(&s->merged[type], n);
}

void block_acct_snapshot(const BlockAcctStats *s, BlockAcctStats *out)
{
    for (int t = 0; t < BLOCK_ACCT__MAX; t++) {
        out->bytes[t] = __atomic_load_n(&s->bytes[t], __ATOMIC_RELAXED);
        out->ops[t] = __atomic_load_n(&s->ops[t], __ATOMIC_RELAXED);
        out->failed_ops[t] = __atomic_load_n(&s->failed_ops[t],
                                             __ATOMIC_RELAXED);
        out->invalid_ops[t] = __atomic_load_n(&s->invalid_ops[t],
                                              __ATOMIC_RELAXED);
        out->merged[t] = __atomic_load_n(&s->merged[t], __ATOMIC_RELAXED);
        out->total_time_ns[t] = __atomic_load_n(&s->total_time_ns[t],
                                                __ATOMIC_RELAXED);
    }
    out->wr_highest_offset = __atomic_load_n(&s->wr_highest_offset,
                                             __ATOMIC_RELAXED);
    out->last_done_ns = __atomic_load_n(&s->last_done_ns, __ATOMIC_RELAXED);
    out->account_invalid = s->account_invalid;
    out->account_failed = s->account_failed;
}

int64_t block_acct_idle_ns(const BlockAcctStats *s)
{
    int64_t last = __atomic_load_n(&s->last_done_ns, __ATOMIC_RELAXED);

    return last ? block_acct_now_ns() - last : -1;
}
