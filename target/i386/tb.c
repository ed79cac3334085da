/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The decoded-block cache (CPU-ENGINE.md "Decode once").
 *
 * A block is a run of decoded instructions starting at a physical address,
 * decoded for one code size, ending at a branch or mode-changing
 * instruction, at a page boundary or after X86_BLOCK_MAX instructions.
 * Blocks live in preallocated pools (no allocation on the hot path; a full
 * pool is flushed as a whole), are found through a hash table keyed by
 * (physical address, code size), and are listed per physical page so a
 * write to that page drops exactly the blocks whose bytes it overlaps.
 * Instructions that straddle a page, or code fetched from MMIO, are decoded
 * into a scratch block every time they run.
 */
#include <glib.h>

#include "target/i386/jit.h"
#include "target/i386/tb.h"

#define BC_HASH_BITS 15
#define BC_MAX_BLOCKS (1u << 15)
#define BC_MAX_INSNS (1u << 18)

struct X86BlockCache {
    X86Block *hash[1u << BC_HASH_BITS];
    X86Block *blocks;
    unsigned n_blocks;
    X86Insn *insns;
    unsigned n_insns;
    GHashTable *pages;          /* page number -> first X86Block on it */
    X86Block scratch;
    X86Insn scratch_insn;
    X86JitCode *jit;            /* NULL: interpreter only */
};

void x86_bc_create(X86CPU *cpu)
{
    X86BlockCache *bc = g_new0(X86BlockCache, 1);
    bc->blocks = g_new0(X86Block, BC_MAX_BLOCKS);
    bc->insns = g_new0(X86Insn, BC_MAX_INSNS);
    bc->pages = g_hash_table_new(g_int64_hash, g_int64_equal);
    bc->jit = x86_jit_new();
    cpu->bc = bc;
}

void x86_bc_destroy(X86CPU *cpu)
{
    X86BlockCache *bc = cpu->bc;
    g_hash_table_destroy(bc->pages);
    x86_jit_free(bc->jit);
    g_free(bc->blocks);
    g_free(bc->insns);
    g_free(bc);
    cpu->bc = NULL;
}

void x86_jc_flush(X86CPU *cpu)
{
    /* Entries of older generations stop matching; the table is cleared
     * only when the counter wraps. */
    if (++cpu->jc_gen == 0) {
        memset(cpu->jc, 0, sizeof(cpu->jc));
        cpu->jc_gen = 1;
    }
    cpu->chain_gen++;
}

static void bc_page_gone(gpointer key, gpointer value, gpointer opaque)
{
    x86_smp_code_removed(opaque, (uint64_t)*(int64_t *)key << 12);
}

void x86_bc_flush(X86CPU *cpu)
{
    X86BlockCache *bc = cpu->bc;
    x86_jc_flush(cpu);
    memset(bc->hash, 0, sizeof(bc->hash));
    bc->n_blocks = bc->n_insns = 0;
    /* Blocks are gone, so is their code (a block's code lives no
     * longer than the block: no second invalidation path). */
    x86_jit_reset(bc->jit);
    g_hash_table_foreach(bc->pages, bc_page_gone, cpu);
    g_hash_table_remove_all(bc->pages);
    if (cpu->cur_block) {
        x86_stop_block(cpu);
    }
}

static unsigned bc_hash(uint64_t paddr, unsigned mode)
{
    uint64_t h = (paddr ^ (paddr >> BC_HASH_BITS) ^ mode) * 0x9e3779b1u;
    return (h >> 7) & ((1u << BC_HASH_BITS) - 1);
}

bool x86_bc_page_has_code(X86CPU *cpu, uint64_t paddr)
{
    int64_t key = paddr >> 12;
    return g_hash_table_contains(cpu->bc->pages, &key);
}

X86Block *x86_bc_lookup(X86CPU *cpu, uint64_t paddr, unsigned mode)
{
    X86Block *b = cpu->bc->hash[bc_hash(paddr, mode)];
    while (b && (b->phys != paddr || b->mode != mode)) {
        b = b->hash_next;
    }
    return b;
}

/* Remove @b from the hash chain and its page list. */
static void block_unlink(X86CPU *cpu, X86Block *b)
{
    X86BlockCache *bc = cpu->bc;
    X86Block **p = &bc->hash[bc_hash(b->phys, b->mode)];
    X86PageCode *pc = b->page_owner;

    while (*p && *p != b) {
        p = &(*p)->hash_next;
    }
    if (*p) {
        *p = b->hash_next;
    }
    for (p = &pc->page_first; *p; p = &(*p)->page_next) {
        if (*p == b) {
            *p = b->page_next;
            break;
        }
    }
    if (!pc->page_first) {
        x86_smp_code_removed(cpu, (uint64_t)pc->key << 12);
        g_hash_table_remove(bc->pages, &pc->key);
    }
    b->valid = false;
    if (b == cpu->cur_block) {
        x86_stop_block(cpu);
    }
}

void x86_bc_invalidate_phys(X86CPU *cpu, uint64_t paddr, uint64_t len)
{
    X86BlockCache *bc = cpu->bc;
    uint64_t end = paddr + len;

    for (uint64_t page = paddr & ~0xfffull; page < end; page += 0x1000) {
        int64_t key = page >> 12;
        X86PageCode *pc = g_hash_table_lookup(bc->pages, &key);
        X86Block *b, *next;
        if (!pc) {
            continue;
        }
        for (b = pc->page_first; b; b = next) {
            next = b->page_next;
            if (b->phys < end && b->phys + b->bytes > paddr) {
                block_unlink(cpu, b);
            }
        }
    }
}

/* Allocate a block with room for @max instructions (flushing if full). */
X86Block *x86_bc_alloc(X86CPU *cpu, unsigned max)
{
    X86BlockCache *bc = cpu->bc;
    X86Block *b;

    if (bc->n_blocks == BC_MAX_BLOCKS || bc->n_insns + max > BC_MAX_INSNS) {
        x86_bc_flush(cpu);
    }
    b = &bc->blocks[bc->n_blocks++];
    memset(b, 0, sizeof(*b));
    b->insns = &bc->insns[bc->n_insns];
    return b;
}

/* Publish @b (its instructions are final) in the hash and page list. */
void x86_bc_commit(X86CPU *cpu, X86Block *b)
{
    X86BlockCache *bc = cpu->bc;
    unsigned h = bc_hash(b->phys, b->mode);
    int64_t key = b->phys >> 12;
    X86PageCode *pc = g_hash_table_lookup(bc->pages, &key);

    bc->n_insns += b->n_insns;
    if (!pc) {
        pc = &b->page_code;
        pc->key = key;
        pc->page_first = NULL;
        g_hash_table_insert(bc->pages, &pc->key, pc);
        x86_tlb_drop_phys_write(cpu, b->phys);
        x86_smp_code_added(cpu, b->phys);
    }
    b->page_owner = pc;
    b->page_next = pc->page_first;
    pc->page_first = b;
    b->hash_next = bc->hash[h];
    bc->hash[h] = b;
    b->valid = true;
}

X86Block *x86_bc_scratch(X86CPU *cpu)
{
    X86Block *b = &cpu->bc->scratch;
    memset(b, 0, sizeof(*b));
    b->insns = &cpu->bc->scratch_insn;
    return b;
}

/*
 * Host code for a hot block.  Only committed blocks (the cache's own, with
 * exact invalidation) are translated; a full code region flushes the whole
 * cache, and @b, no longer in it, runs interpreted this once.
 */
void x86_bc_translate(X86CPU *cpu, X86Block *b)
{
    X86BlockCache *bc = cpu->bc;

    if (!bc->jit || !b->valid || b == &bc->scratch) {
        return;
    }
    if (!x86_jit_translate(bc->jit, b, &b->jit)) {
        x86_bc_flush(cpu);
    }
}

uint64_t x86_bc_jit_blocks(X86CPU *cpu)
{
    return x86_jit_blocks(cpu->bc->jit);
}

uint64_t x86_bc_jit_flushes(X86CPU *cpu)
{
    return x86_jit_flushes(cpu->bc->jit);
}
