/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Cross-modifying code between vCPUs (SDM vol. 3A 8.1.3).
 *
 * Each vCPU keeps its own decoded-block cache (tb.c) and software TLB
 * (mmu.c) and runs on its own host thread, so a store by one vCPU to a
 * page another vCPU has decoded code from must reach that other vCPU's
 * cache.  This file keeps:
 *   - the code map: for every physical page, the set of vCPUs (a bit per
 *     vCPU slot) with decoded blocks there, updated by tb.c as blocks are
 *     published and dropped.  A TLB entry allows fast (unchecked) writes
 *     only to pages no vCPU has code on;
 *   - a request inbox per vCPU: a store to a page with code posts "drop
 *     decoded code in [paddr, +len)" to every other vCPU that has code
 *     there, and a vCPU publishing code on a fresh page posts "make writes
 *     to this page slow" to all others.  The poster kicks the receiver,
 *     whose run loop ends its slice at the next block boundary; the
 *     receiver applies its inbox when x86_cpu_run() starts again.
 * So a vCPU sees another's store to its code at its next block boundary,
 * before any serialising instruction after it can retire (CPUID, IRET and
 * the other serialising instructions end their block), which is what the
 * cross-modifying-code protocol of 8.1.3 asks of the executing processor.
 * Deviation: a vCPU that already holds a fast write entry for a page when
 * another vCPU first decodes code there may write that page until it
 * applies the "slow writes" request at its next block boundary; it then
 * has the code of the whole page dropped everywhere, so such a store is
 * seen one block boundary late.  Guests publish new code with TLB flushes
 * and IPIs in between, which closes this window.
 *
 * vCPUs in one process share the map (one machine per process; unit tests
 * with several test machines only see extra, harmless invalidations).
 */
#include <glib.h>

#include "target/i386/mem.h"

/* Code map: a two-level table of 32-bit vCPU masks, one per 4 KiB page,
 * leaves of 64 Ki pages (256 MiB) allocated on first use; pages above
 * 1 TiB count as "code, every vCPU" (no RAM lives there in practice). */
#define CM_LEAF_BITS 16
#define CM_ROOT_BITS 12
#define SMP_SLOTS 32
#define SMP_SHARED_SLOT (SMP_SLOTS - 1)     /* sticky: never cleared */
#define INBOX_MAX 64

typedef enum SmpReqKind { REQ_INVAL_CODE, REQ_SLOW_WRITES } SmpReqKind;

typedef struct SmpReq {
    uint64_t paddr, len;
    SmpReqKind kind;
} SmpReq;

struct X86SmpState {
    GMutex lock;                /* guards reqs, n_reqs, overflow */
    SmpReq reqs[INBOX_MAX];
    unsigned n_reqs;
    bool overflow;              /* too many: flush everything instead */
};

static uint32_t *code_map[1u << CM_ROOT_BITS];
static GMutex smp_lock;         /* guards smp_cpus and slot allocation */
static GPtrArray *smp_cpus;     /* every vCPU of the process */
static unsigned smp_ncpus;      /* smp_cpus->len, read without the lock */
static uint32_t slots_used;

static uint32_t *code_map_slot(uint64_t ppage, bool alloc)
{
    uint64_t pn = ppage >> 12;
    uint32_t **root, *leaf;

    if (pn >> (CM_LEAF_BITS + CM_ROOT_BITS)) {
        return NULL;
    }
    root = &code_map[pn >> CM_LEAF_BITS];
    leaf = __atomic_load_n(root, __ATOMIC_ACQUIRE);
    if (!leaf && alloc) {
        uint32_t *fresh = g_new0(uint32_t, 1u << CM_LEAF_BITS);
        if (!__atomic_compare_exchange_n(root, &leaf, fresh, false,
                                         __ATOMIC_ACQ_REL,
                                         __ATOMIC_ACQUIRE)) {
            g_free(fresh);
        } else {
            leaf = fresh;
        }
    }
    return leaf ? &leaf[pn & ((1u << CM_LEAF_BITS) - 1)] : NULL;
}

static uint32_t code_mask(uint64_t paddr)
{
    uint32_t *m;

    if ((paddr >> 12) >> (CM_LEAF_BITS + CM_ROOT_BITS)) {
        return ~0u;
    }
    m = code_map_slot(paddr & ~0xfffull, false);
    return m ? __atomic_load_n(m, __ATOMIC_ACQUIRE) : 0;
}

bool x86_smp_page_has_code(uint64_t paddr)
{
    return code_mask(paddr) != 0;
}

/* Queue @r for @cpu and kick it (any thread). */
static void smp_post(X86CPU *cpu, SmpReq r)
{
    X86SmpState *s = cpu->smp;
    bool merged = false;

    g_mutex_lock(&s->lock);
    for (unsigned k = 0; k < s->n_reqs && !merged; k++) {
        SmpReq *q = &s->reqs[k];
        if (q->kind == r.kind && q->paddr <= r.paddr &&
            r.paddr + r.len <= q->paddr + q->len) {
            merged = true;
        }
    }
    if (!merged) {
        if (s->n_reqs < INBOX_MAX) {
            s->reqs[s->n_reqs++] = r;
        } else {
            s->overflow = true;
        }
    }
    g_mutex_unlock(&s->lock);
    if (!__atomic_exchange_n(&cpu->smp_pending, 1, __ATOMIC_ACQ_REL)) {
        x86_cpu_kick(cpu);
    }
}

/* Post @r to every vCPU but @self whose slot is in @mask. */
static void smp_post_others(X86CPU *self, uint32_t mask, SmpReq r)
{
    g_mutex_lock(&smp_lock);
    for (unsigned k = 0; k < smp_cpus->len; k++) {
        X86CPU *c = g_ptr_array_index(smp_cpus, k);
        if (c != self && (mask & (1u << c->smp_slot))) {
            smp_post(c, r);
        }
    }
    g_mutex_unlock(&smp_lock);
}

void x86_smp_code_added(X86CPU *cpu, uint64_t ppage)
{
    uint32_t *m = code_map_slot(ppage & ~0xfffull, true);
    uint32_t old;

    if (!m) {
        return;
    }
    old = __atomic_fetch_or(m, 1u << cpu->smp_slot, __ATOMIC_SEQ_CST);
    if (old == 0 && __atomic_load_n(&smp_ncpus, __ATOMIC_ACQUIRE) > 1) {
        smp_post_others(cpu, ~0u, (SmpReq){ ppage & ~0xfffull, 0x1000,
                                            REQ_SLOW_WRITES });
    }
}

void x86_smp_code_removed(X86CPU *cpu, uint64_t ppage)
{
    uint32_t *m = code_map_slot(ppage & ~0xfffull, false);

    if (m && cpu->smp_slot != SMP_SHARED_SLOT) {
        __atomic_fetch_and(m, ~(1u << cpu->smp_slot), __ATOMIC_SEQ_CST);
    }
}

bool x86_smp_ram_store(X86CPU *cpu, uint64_t paddr, uint64_t len)
{
    uint32_t mask = code_mask(paddr);
    uint32_t others = mask & ~(1u << cpu->smp_slot);

    if (!mask) {
        return false;
    }
    if (others || cpu->smp_slot == SMP_SHARED_SLOT) {
        smp_post_others(cpu, others | (1u << SMP_SHARED_SLOT),
                        (SmpReq){ paddr, len, REQ_INVAL_CODE });
    }
    if (x86_bc_page_has_code(cpu, paddr)) {
        x86_bc_invalidate_phys(cpu, paddr, len);
    }
    return x86_smp_page_has_code(paddr);
}

void x86_smp_process(X86CPU *cpu)
{
    X86SmpState *s = cpu->smp;
    SmpReq reqs[INBOX_MAX];
    unsigned n;
    bool overflow;

    __atomic_store_n(&cpu->smp_pending, 0, __ATOMIC_SEQ_CST);
    g_mutex_lock(&s->lock);
    n = s->n_reqs;
    memcpy(reqs, s->reqs, n * sizeof(reqs[0]));
    overflow = s->overflow;
    s->n_reqs = 0;
    s->overflow = false;
    g_mutex_unlock(&s->lock);
    if (overflow) {
        x86_bc_flush(cpu);
        x86_tlb_flush(cpu, true);
        return;
    }
    for (unsigned k = 0; k < n; k++) {
        if (reqs[k].kind == REQ_SLOW_WRITES) {
            /* This vCPU may have written the page through a fast entry
             * after the code was decoded: have that code dropped. */
            if (x86_tlb_drop_phys_write(cpu, reqs[k].paddr)) {
                x86_smp_ram_store(cpu, reqs[k].paddr, 0x1000);
            }
        } else {
            x86_bc_invalidate_phys(cpu, reqs[k].paddr, reqs[k].len);
        }
    }
}

void x86_smp_register(X86CPU *cpu)
{
    cpu->smp = g_new0(X86SmpState, 1);
    g_mutex_init(&cpu->smp->lock);
    g_mutex_lock(&smp_lock);
    cpu->smp_slot = SMP_SHARED_SLOT;
    for (unsigned k = 0; k < SMP_SHARED_SLOT; k++) {
        if (!(slots_used & (1u << k))) {
            slots_used |= 1u << k;
            cpu->smp_slot = k;
            break;
        }
    }
    if (!smp_cpus) {
        smp_cpus = g_ptr_array_new();
    }
    g_ptr_array_add(smp_cpus, cpu);
    __atomic_store_n(&smp_ncpus, smp_cpus->len, __ATOMIC_RELEASE);
    g_mutex_unlock(&smp_lock);
}

void x86_smp_unregister(X86CPU *cpu)
{
    /* Clear this vCPU's bits in the code map. */
    x86_bc_flush(cpu);
    g_mutex_lock(&smp_lock);
    g_ptr_array_remove_fast(smp_cpus, cpu);
    __atomic_store_n(&smp_ncpus, smp_cpus->len, __ATOMIC_RELEASE);
    if (cpu->smp_slot != SMP_SHARED_SLOT) {
        slots_used &= ~(1u << cpu->smp_slot);
    }
    g_mutex_unlock(&smp_lock);
    g_mutex_clear(&cpu->smp->lock);
    g_free(cpu->smp);
    cpu->smp = NULL;
}
