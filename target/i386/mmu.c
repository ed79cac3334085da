/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Paging and the software TLB (SDM vol. 3A ch. 4).
 *
 * Models 32-bit paging with 4 MiB pages (PSE, PSE-36), PAE paging, 4-level
 * paging, the U/S, R/W and NX bits, CR0.WP, global pages, accessed and
 * dirty bits (set atomically, as other vCPUs share the tables: 4.8) and
 * the #PF error code (4.7).  The TLB is direct mapped, one
 * for supervisor and one for user accesses; entries give a host pointer
 * for RAM.  Tags with bit 1 set are "slow": they match only here, for
 * MMIO, ROM writes and writes to pages holding decoded code.
 * SMEP and SMAP (4.6.1) are modelled.  PAE walks start from the four
 * PDPTE registers (4.4.1), loaded by x86_pdpte_load() when CR0, CR3, CR4
 * or a task switch say so, never from the in-memory table.
 * Deviation: PKU and the paging-structure caches are not modelled.
 */
#include "target/i386/mem.h"

#define TAG_SLOW X86_TLB_SLOW
#define PTE_P   (1ull << 0)
#define PTE_RW  (1ull << 1)
#define PTE_US  (1ull << 2)
#define PTE_A   (1ull << 5)
#define PTE_D   (1ull << 6)
#define PTE_PS  (1ull << 7)
#define PTE_G   (1ull << 8)
#define PTE_NX  (1ull << 63)
#define PF_P    1u
#define PF_W    2u
#define PF_U    4u
#define PF_RSVD 8u
#define PF_I    16u

/*
 * Reserved bits of paging-structure entries (4.3 table 4-4, 4.4.2 tables
 * 4-8 to 4-11, 4.5.4 tables 4-15 to 4-20): with MAXPHYADDR 40 (CPUID
 * 80000008h), address bits 62:40 in PAE entries and 51:40 in 4-level
 * ones (62:52 are ignored there); in a large-page leaf the bits between
 * the PAT bit (12) and the page frame; bit 21 of a 4 MiB page (PSE-36
 * gives bits 20:13 as address bits 39:32); PS in a PML4E, and in a PDPTE
 * since CPUID does not advertise 1 GiB pages.  A set reserved bit is a
 * #PF with RSVD (4.7).
 */
#define PTE_RSVD_PAE  0x7fffff0000000000ull
#define PTE_RSVD_LM   0x000fff0000000000ull

/* Reserved bits of a present PAE PDPTE (4.4.1 table 4-8), MAXPHYADDR 40. */
#define PDPTE_RSVD    0xffffff00000001e6ull

void x86_pdpte_load(X86CPU *cpu, uint64_t cr3)
{
    uint64_t base = cr3 & 0xffffffe0ull;
    uint64_t e[4];

    for (int i = 0; i < 4; i++) {
        e[i] = x86_phys_ld(cpu, base + i * 8, 8);
        if ((e[i] & PTE_P) && (e[i] & PDPTE_RSVD)) {
            x86_raise(cpu, EXCP_GP, 0);
        }
    }
    memcpy(cpu->pdpte, e, sizeof(e));
}

static bool pte_reserved(X86CPU *cpu, uint64_t pte, int shift, bool leaf,
                         uint64_t rsvd)
{
    if (pte & rsvd) {
        return true;
    }
    if (!(pte & PTE_PS) || shift == 12) {
        return false;
    }
    if (cpu->long_mode && shift >= 30) {
        return true;
    }
    if (!leaf) {
        return false;
    }
    if (shift == 22 && !(cpu->cr4 & CR4_PAE)) {
        return pte & (1ull << 21);
    }
    return pte & ((1ull << shift) - 1) & ~0x1fffull;
}

/* The host page of RAM page @paddr, or NULL if it is not RAM. */
static uint8_t *phys_ram_page(X86CPU *cpu, uint64_t paddr)
{
    unsigned n = sizeof(cpu->phys_cache) / sizeof(cpu->phys_cache[0]);
    uint64_t page = paddr & ~0xfffull;
    struct X86PhysCache *c = &cpu->phys_cache[(paddr >> 12) & (n - 1)];
    uint8_t *host;

    if (c->key == (page | 1)) {
        return c->host;
    }
    if (cpu->plat.phys_map(cpu->plat.opaque, page, &host) != PHYS_PAGE_RAM) {
        return NULL;
    }
    c->key = page | 1;
    c->host = host;
    return host;
}

uint64_t x86_phys_ld(X86CPU *cpu, uint64_t paddr, unsigned size)
{
    uint8_t *host = phys_ram_page(cpu, paddr);
    PhysPageKind k = PHYS_PAGE_RAM;

    if (!host) {
        k = cpu->plat.phys_map(cpu->plat.opaque, paddr, &host);
    }
    if (k != PHYS_PAGE_MMIO && (paddr & 0xfff) <= 0x1000u - size) {
        return x86_host_ld(host + (paddr & 0xfff), size);
    }
    return cpu->plat.phys_read(cpu->plat.opaque, paddr, size);
}

void x86_phys_st(X86CPU *cpu, uint64_t paddr, uint64_t val, unsigned size)
{
    uint8_t *host = phys_ram_page(cpu, paddr);

    if (host && (paddr & 0xfff) <= 0x1000u - size) {
        if (x86_smp_page_has_code(paddr)) {
            x86_smp_ram_store(cpu, paddr, size);
        }
        x86_host_st(host + (paddr & 0xfff), val, size);
        return;
    }
    cpu->plat.phys_write(cpu->plat.opaque, paddr, val, size);
}

/* The bit of cpu->code_pages for the page of @lin. */
static inline unsigned code_page_bit(uint64_t lin)
{
    return (lin >> 12) & (sizeof(((X86CPU *)0)->code_pages) * 8 - 1);
}

void x86_tlb_flush(X86CPU *cpu, bool global)
{
    x86_jc_flush(cpu);
    if (global) {
        memset(cpu->phys_cache, 0, sizeof(cpu->phys_cache));
        memset(cpu->code_pages, 0, sizeof(cpu->code_pages));
    }
    for (int m = 0; m < 2; m++) {
        for (unsigned i = 0; i < X86_TLB_SIZE; i++) {
            X86TLBEntry *e = &cpu->tlb[m][i];
            if (global || !e->global) {
                e->tag_r = e->tag_w = e->tag_x = X86_TLB_INVALID;
                e->global = 0;
            }
        }
    }
}

/*
 * INVLPG.  Jump-cache entries and block links hold linear code addresses;
 * each was made through an executable TLB entry of its page, which set
 * the page's bit in code_pages, so a page without the bit (data pages,
 * the usual case) leaves them all valid.
 */
void x86_tlb_flush_page(X86CPU *cpu, uint64_t lin)
{
    unsigned bit = code_page_bit(lin);

    if (cpu->code_pages[bit / 64] & (1ull << (bit % 64))) {
        x86_jc_flush(cpu);
    }
    for (int m = 0; m < 2; m++) {
        X86TLBEntry *e = &cpu->tlb[m][(lin >> 12) & (X86_TLB_SIZE - 1)];
        if (((e->tag_r | e->tag_w | e->tag_x) & ~0xfffull) ==
            (lin & ~0xfffull) || e->global) {
            e->tag_r = e->tag_w = e->tag_x = X86_TLB_INVALID;
            e->global = 0;
        }
    }
}

/* A page now holds decoded code: its writes must take the slow path.
 * Returns true if some entry allowed fast writes to it until now. */
bool x86_tlb_drop_phys_write(X86CPU *cpu, uint64_t ppage)
{
    bool was_fast = false;

    for (int m = 0; m < 2; m++) {
        for (unsigned i = 0; i < X86_TLB_SIZE; i++) {
            X86TLBEntry *e = &cpu->tlb[m][i];
            if (e->paddr == (ppage & ~0xfffull) &&
                !(e->tag_w & X86_TLB_INVALID)) {
                was_fast |= !(e->tag_w & TAG_SLOW);
                e->tag_w |= TAG_SLOW;
            }
        }
    }
    return was_fast;
}

static _Noreturn void page_fault(X86CPU *cpu, uint64_t lin, uint32_t err)
{
    cpu->cr2 = lin;
    x86_raise(cpu, EXCP_PF, err);
}

typedef struct Walk {
    uint64_t paddr;     /* physical address of the byte */
    uint64_t page_mask; /* offset bits covered by the leaf */
    bool user, write, nx, global, dirty;
} Walk;

/*
 * Set the @set bits (accessed, dirty) in the paging entry at @addr, which
 * read @pte.  The processor does this with a locked operation (SDM vol. 3A
 * 4.8): here a compare-and-swap on RAM, so a change another vCPU made to
 * the entry since it was read is never overwritten.  Returns false when
 * the entry changed: the walk starts again.
 */
static bool pte_update(X86CPU *cpu, uint64_t addr, uint64_t pte,
                       uint64_t set, unsigned size)
{
    uint8_t *host;
    bool ok;

    if ((pte & set) == set) {
        return true;
    }
    if (cpu->plat.phys_map(cpu->plat.opaque, addr, &host) != PHYS_PAGE_RAM ||
        (addr & (size - 1))) {
        x86_phys_st(cpu, addr, pte | set, size);
        return true;
    }
    host += addr & 0xfff;
    if (size == 8) {
        ok = __atomic_compare_exchange_n((uint64_t *)host, &pte, pte | set,
                                         false, __ATOMIC_SEQ_CST,
                                         __ATOMIC_SEQ_CST);
    } else {
        uint32_t old = pte;
        ok = __atomic_compare_exchange_n((uint32_t *)host, &old,
                                         (uint32_t)(pte | set), false,
                                         __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    }
    if (ok && x86_smp_page_has_code(addr)) {
        x86_smp_ram_store(cpu, addr, size);
    }
    return ok;
}

/* walk() result: an entry changed under an accessed/dirty update. */
#define WALK_RETRY 0xfffffffeu

/* Walk the tables; returns 0xffffffff (translated), WALK_RETRY, or a #PF
 * error code (without the U/I bits) ORed with 0x100. */
static uint32_t walk_once(X86CPU *cpu, uint64_t lin, bool is_write, Walk *w)
{
    bool pae = cpu->cr4 & CR4_PAE;
    bool lm = cpu->long_mode;
    uint64_t rsvd = ((cpu->efer & EFER_NXE) ? 0 : PTE_NX) |
                    (lm ? PTE_RSVD_LM : pae ? PTE_RSVD_PAE : 0);
    uint64_t table = cpu->cr3 & ~0xfffull;
    uint64_t addrs[4], ptes[4];
    int shift, n = 0;
    unsigned esz = pae ? 8 : 4;

    w->user = w->write = true;
    w->nx = false;
    if (lm) {
        shift = 39, table = cpu->cr3 & 0x000ffffffffff000ull;
    } else if (pae) {
        uint64_t pdpte = cpu->pdpte[(lin >> 30) & 3];
        if (!(pdpte & PTE_P)) {
            return 0;
        }
        table = pdpte & 0x000ffffffffff000ull;
        shift = 21;
    } else {
        shift = 22;
    }
    for (;;) {
        unsigned idx_bits = pae ? 9 : 10;
        uint64_t idx = (lin >> shift) & ((1u << idx_bits) - 1);
        uint64_t addr = table + idx * esz;
        uint64_t pte = x86_phys_ld(cpu, addr, esz);
        bool leaf;
        if (!(pte & PTE_P)) {
            return 0 | 0x100;
        }
        leaf = shift == 12 ||
               ((pte & PTE_PS) &&
                ((shift == 22 && (cpu->cr4 & CR4_PSE)) || shift == 21));
        if (pte_reserved(cpu, pte, shift, leaf, rsvd)) {
            return PF_P | PF_RSVD | 0x100;
        }
        w->user &= !!(pte & PTE_US);
        w->write &= !!(pte & PTE_RW);
        w->nx |= !!(pte & PTE_NX) && (cpu->efer & EFER_NXE);
        addrs[n] = addr, ptes[n++] = pte;
        if (leaf) {
            uint64_t mask = (1ull << shift) - 1;
            uint64_t frame = pae ? pte & 0x000ffffffffff000ull
                                 : pte & 0xfffff000ull;
            if (shift == 22) {
                frame = (pte & 0xffc00000ull) | ((pte >> 13) & 0xffull) << 32;
            }
            w->paddr = (frame & ~mask) | (lin & mask);
            w->page_mask = mask;
            w->global = (pte & PTE_G) && (cpu->cr4 & CR4_PGE);
            w->dirty = is_write;
            break;
        }
        table = pae ? pte & 0x000ffffffffff000ull : pte & 0xfffff000ull;
        shift -= pae ? 9 : 10;
        if (shift < 12) {
            shift = 12;
        }
    }
    w->paddr &= 0x000fffffffffffffull;
    /* Accessed bits on every level; dirty on the leaf for writes. */
    for (int i = 0; i < n; i++) {
        uint64_t set = PTE_A | (i == n - 1 && is_write ? PTE_D : 0);
        if (!pte_update(cpu, addrs[i], ptes[i], set, esz)) {
            return WALK_RETRY;
        }
    }
    return 0xffffffffu;
}

/* Walk again while other vCPUs change the entries under us (bounded: a
 * guest rewriting its tables in a loop gets the last translation). */
static uint32_t walk(X86CPU *cpu, uint64_t lin, bool is_write, Walk *w)
{
    uint32_t r;
    int tries = 0;

    do {
        r = walk_once(cpu, lin, is_write, w);
    } while (r == WALK_RETRY && ++tries < 16);
    return r == WALK_RETRY ? 0xffffffffu : r;
}

/*
 * SMAP (SDM vol. 3A 4.6): a supervisor-mode data access to a user-mode
 * page, allowed at CPL < 3 with EFLAGS.AC set; at CPL 3 (implicit
 * accesses to system structures) AC does not count.
 */
static bool smap_denies(X86CPU *cpu, int acc, bool user, const Walk *w)
{
    return acc != ACC_EXEC && !user && w->user && (cpu->cr4 & CR4_SMAP) &&
           (cpu->cpl == 3 || !(cpu->eflags & EF_AC));
}

/*
 * Translate @lin for an access of kind @acc; raises #PF (or #GP for a
 * non-canonical address) unless @probe, in which case it returns false.
 */
static bool translate(X86CPU *cpu, uint64_t lin, int acc, bool user,
                      Walk *wp, bool probe)
{
    Walk w = { 0 };
    uint32_t r, err;
    bool is_write = acc == ACC_WRITE;

    if (cpu->long_mode && (uint64_t)((int64_t)(lin << 16) >> 16) != lin) {
        if (probe) {
            return false;
        }
        x86_raise(cpu, EXCP_GP, 0);
    }
    if (!(cpu->cr0 & CR0_PG)) {
        wp->paddr = lin & cpu->lin_mask & cpu->a20_mask;
        wp->user = wp->write = true;
        wp->nx = wp->global = false;
        return true;
    }
    r = walk(cpu, lin, false, &w);
    err = (is_write ? PF_W : 0) | (user ? PF_U : 0) |
          (acc == ACC_EXEC && (cpu->efer & EFER_NXE || cpu->cr4 & CR4_SMEP)
           ? PF_I : 0);
    if (r != 0xffffffffu) {
        if (probe) {
            return false;
        }
        page_fault(cpu, lin, err | (r & 0xff));
    }
    /* SMEP (4.6.1): no supervisor fetch from a user-accessible page;
     * SMAP: no supervisor data access to one, unless EFLAGS.AC allows it
     * (a debugger's probe is not checked). */
    if ((user && !w.user) || (!probe && smap_denies(cpu, acc, user, &w)) ||
        (is_write && !w.write && (user || (cpu->cr0 & CR0_WP))) ||
        (acc == ACC_EXEC && w.nx) ||
        (acc == ACC_EXEC && !user && w.user && (cpu->cr4 & CR4_SMEP))) {
        if (probe) {
            return false;
        }
        page_fault(cpu, lin, err | PF_P);
    }
    if (is_write) {
        walk(cpu, lin, true, &w);
    }
    w.paddr &= cpu->a20_mask;
    *wp = w;
    return true;
}

bool x86_translate(X86CPU *cpu, uint64_t lin, int acc, bool user,
                   uint64_t *paddr, bool probe)
{
    Walk w;
    if (!translate(cpu, lin, acc, user, &w, probe)) {
        return false;
    }
    *paddr = w.paddr;
    return true;
}

X86TLBEntry *x86_tlb_fill(X86CPU *cpu, uint64_t lin, int acc, bool user)
{
    uint64_t paddr, page = lin & ~0xfffull;
    X86TLBEntry *e = &cpu->tlb[user][(lin >> 12) & (X86_TLB_SIZE - 1)];
    uint8_t *host = NULL;
    PhysPageKind kind;
    Walk w;

    translate(cpu, lin, acc, user, &w, false);
    paddr = w.paddr;
    if (e->paddr != (paddr & ~0xfffull) || (e->tag_r & ~0xfffull) != page) {
        e->tag_r = e->tag_w = e->tag_x = X86_TLB_INVALID;
    }
    host = phys_ram_page(cpu, paddr);
    kind = host ? PHYS_PAGE_RAM
                : cpu->plat.phys_map(cpu->plat.opaque, paddr & ~0xfffull,
                                     &host);
    e->paddr = paddr & ~0xfffull;
    e->mmio = kind == PHYS_PAGE_MMIO;
    e->global = w.global;
    e->addend = kind == PHYS_PAGE_MMIO ? 0 : (uintptr_t)host - page;
    e->tag_r = page | (kind == PHYS_PAGE_MMIO ? TAG_SLOW : 0);
    if (!w.nx && !(!user && w.user && (cpu->cr4 & CR4_SMEP))) {
        unsigned bit = code_page_bit(lin);

        e->tag_x = e->tag_r;
        cpu->code_pages[bit / 64] |= 1ull << (bit % 64);
    }
    if (acc == ACC_WRITE) {
        bool slow = kind != PHYS_PAGE_RAM || x86_smp_page_has_code(paddr);
        e->tag_w = page | (slow ? TAG_SLOW : 0);
    }
    /* SMAP depends on EFLAGS.AC and the CPL: not cached. */
    if (!user && w.user && (cpu->cr4 & CR4_SMAP)) {
        e->tag_r = e->tag_w = X86_TLB_INVALID;
    }
    /* Pages with a guest data breakpoint: every access is checked. */
    if (unlikely(cpu->dr_watch)) {
        if (x86_debug_watch_page(cpu, page, ACC_READ)) {
            e->tag_r |= TAG_SLOW;
        }
        if (x86_debug_watch_page(cpu, page, ACC_WRITE) &&
            !(e->tag_w & X86_TLB_INVALID)) {
            e->tag_w |= TAG_SLOW;
        }
    }
    return e;
}

static X86TLBEntry *tlb_get(X86CPU *cpu, uint64_t lin, int acc, bool user)
{
    X86TLBEntry *e = &cpu->tlb[user][(lin >> 12) & (X86_TLB_SIZE - 1)];
    uint64_t tag = acc == ACC_READ ? e->tag_r :
                   acc == ACC_WRITE ? e->tag_w : e->tag_x;
    if ((tag & ~TAG_SLOW) == (lin & ~0xfffull)) {
        return e;
    }
    return x86_tlb_fill(cpu, lin, acc, user);
}

static uint64_t ld_page(X86CPU *cpu, uint64_t lin, unsigned size, int acc,
                        bool user)
{
    X86TLBEntry *e = tlb_get(cpu, lin, acc, user);
    if (unlikely(cpu->dr_watch) && acc == ACC_READ) {
        x86_debug_watch_access(cpu, lin, size, false);
    }
    if (e->mmio) {
        return cpu->plat.phys_read(cpu->plat.opaque,
                                   e->paddr | (lin & 0xfff), size);
    }
    return x86_host_ld((void *)(uintptr_t)(lin + e->addend), size);
}

/* A RAM store of @size bytes at @paddr is about to happen through @e:
 * drop the decoded code it overlaps, in every vCPU (smp.c). */
static void st_code_check(X86CPU *cpu, X86TLBEntry *e, uint64_t paddr,
                          unsigned size)
{
    if (unlikely(cpu->dr_watch)) {
        uint64_t lin = (e->tag_w & ~0xfffull) | (paddr & 0xfff);
        x86_debug_watch_access(cpu, lin, size, true);
        if (x86_debug_watch_page(cpu, lin & ~0xfffull, ACC_WRITE)) {
            x86_smp_ram_store(cpu, paddr, size);
            return;
        }
    }
    if (x86_smp_page_has_code(paddr) &&
        !x86_smp_ram_store(cpu, paddr, size)) {
        e->tag_w &= ~TAG_SLOW;
    }
}

static void st_page(X86CPU *cpu, X86TLBEntry *e, uint64_t lin, uint64_t val,
                    unsigned size)
{
    uint64_t paddr = e->paddr | (lin & 0xfff);

    if (e->mmio || !phys_ram_page(cpu, e->paddr)) {
        if (unlikely(cpu->dr_watch)) {
            x86_debug_watch_access(cpu, lin, size, true);
        }
        cpu->plat.phys_write(cpu->plat.opaque, paddr, val, size);
        return;
    }
    st_code_check(cpu, e, paddr, size);
    x86_host_st((void *)(uintptr_t)(lin + e->addend), val, size);
}

/*
 * The host address for a locked read-modify-write of @size bytes at @lin
 * (within one page), with the write checked (#PF) and the decoded code it
 * overlaps dropped; NULL when the page is not RAM (MMIO, ROM).
 */
void *x86_tlb_host_rmw(X86CPU *cpu, uint64_t lin, unsigned size)
{
    X86TLBEntry *e = x86_tlb_entry(cpu, lin);

    if (likely(e->tag_w == (lin & ~0xfffull))) {
        return (void *)(uintptr_t)(lin + e->addend);
    }
    e = tlb_get(cpu, lin, ACC_WRITE, cpu->mmu_idx);
    if (e->mmio || !phys_ram_page(cpu, e->paddr)) {
        return NULL;
    }
    st_code_check(cpu, e, e->paddr | (lin & 0xfff), size);
    return (void *)(uintptr_t)(lin + e->addend);
}

static uint64_t ld_any(X86CPU *cpu, uint64_t lin, unsigned size, int acc,
                       bool user)
{
    if ((lin & 0xfff) > 0x1000u - size) {
        uint64_t v = 0;
        for (unsigned i = 0; i < size; i++) {
            v |= ld_page(cpu, (lin + i) & cpu->lin_mask, 1, acc, user)
                 << (i * 8);
        }
        return v;
    }
    return ld_page(cpu, lin, size, acc, user);
}

static void st_any(X86CPU *cpu, uint64_t lin, uint64_t val, unsigned size,
                   bool user)
{
    if ((lin & 0xfff) > 0x1000u - size) {
        uint64_t lin2 = (lin + size - 1) & cpu->lin_mask;
        tlb_get(cpu, lin, ACC_WRITE, user);
        tlb_get(cpu, lin2, ACC_WRITE, user);
        for (unsigned i = 0; i < size; i++) {
            uint64_t l = (lin + i) & cpu->lin_mask;
            st_page(cpu, tlb_get(cpu, l, ACC_WRITE, user), l,
                    val >> (i * 8), 1);
        }
        return;
    }
    st_page(cpu, tlb_get(cpu, lin, ACC_WRITE, user), lin, val, size);
}

uint64_t x86_ld_slow(X86CPU *cpu, uint64_t lin, unsigned size, int acc)
{
    if (unlikely(lin & (size - 1))) {
        x86_alignment_check(cpu, lin, size);
    }
    return ld_any(cpu, lin, size, acc, cpu->mmu_idx);
}

void x86_st_slow(X86CPU *cpu, uint64_t lin, uint64_t val, unsigned size)
{
    if (unlikely(lin & (size - 1))) {
        x86_alignment_check(cpu, lin, size);
    }
    st_any(cpu, lin, val, size, cpu->mmu_idx);
}

uint64_t x86_ld_sys(X86CPU *cpu, uint64_t lin, unsigned size)
{
    return ld_any(cpu, lin & cpu->lin_mask, size, ACC_READ, false);
}

void x86_st_sys(X86CPU *cpu, uint64_t lin, uint64_t val, unsigned size)
{
    st_any(cpu, lin & cpu->lin_mask, val, size, false);
}

_Noreturn void x86_seg_fault(X86CPU *cpu, int seg, uint64_t off)
{
    x86_raise(cpu, seg == R_SS ? EXCP_SS : EXCP_GP, 0);
}
