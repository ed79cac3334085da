/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest memory access: segment checks (SDM vol. 3A 5.3), then the software
 * TLB fast path (host pointer into RAM), else the slow path in mmu.c which
 * walks the page tables, fills the TLB and handles MMIO and code pages.
 */
#ifndef TARGET_I386_MEM_H
#define TARGET_I386_MEM_H

#include "target/i386/cpu.h"

/* mmu.c */
uint64_t x86_ld_slow(X86CPU *cpu, uint64_t lin, unsigned size, int acc);
void x86_st_slow(X86CPU *cpu, uint64_t lin, uint64_t val, unsigned size);
_Noreturn void x86_seg_fault(X86CPU *cpu, int seg, uint64_t off);
X86TLBEntry *x86_tlb_fill(X86CPU *cpu, uint64_t lin, int acc, bool user);
bool x86_translate(X86CPU *cpu, uint64_t lin, int acc, bool user,
                   uint64_t *paddr, bool probe);
void x86_tlb_flush(X86CPU *cpu, bool global);
void x86_tlb_flush_page(X86CPU *cpu, uint64_t lin);
bool x86_tlb_drop_phys_write(X86CPU *cpu, uint64_t ppage);
void *x86_tlb_host_rmw(X86CPU *cpu, uint64_t lin, unsigned size);
uint64_t x86_phys_ld(X86CPU *cpu, uint64_t paddr, unsigned size);
void x86_phys_st(X86CPU *cpu, uint64_t paddr, uint64_t val, unsigned size);

/**
 * x86_pdpte_load() - load the four PAE PDPTE registers (SDM 3A 4.4.1)
 * @cpu: the CPU
 * @cr3: the CR3 value whose bits 31:5 address the page-directory-pointer
 *       table
 *
 * Reads the four PDPTEs from physical memory; if one has P set and a
 * reserved bit set (bits 2:1, 8:5, 63:MAXPHYADDR) raises #GP(0) and
 * leaves the registers unchanged.  The caller must not yet have changed
 * any state of the instruction that loads them.
 */
void x86_pdpte_load(X86CPU *cpu, uint64_t cr3);

static inline uint64_t x86_host_ld(const void *p, unsigned size)
{
    switch (size) {
    case 1: return *(const uint8_t *)p;
    case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
    case 4: { uint32_t v; memcpy(&v, p, 4); return v; }
    default: { uint64_t v; memcpy(&v, p, 8); return v; }
    }
}

static inline void x86_host_st(void *p, uint64_t val, unsigned size)
{
    switch (size) {
    case 1: *(uint8_t *)p = val; break;
    case 2: { uint16_t v = val; memcpy(p, &v, 2); break; }
    case 4: { uint32_t v = val; memcpy(p, &v, 4); break; }
    default: memcpy(p, &val, 8); break;
    }
}

/* Linear address of @off in segment @seg, with the limit and type checks. */
static inline uint64_t x86_seg_lin(X86CPU *cpu, int seg, uint64_t off,
                                   unsigned size, unsigned perm)
{
    const X86Seg *s = &cpu->seg[seg];
    if (likely(off < s->fast_lim && (s->perm & perm) && size <= 8)) {
        return (s->base + off) & cpu->lin_mask;
    }
    if (unlikely(off < s->lo || off + size - 1 > s->hi ||
                 off + size - 1 < off || !(s->perm & perm))) {
        x86_seg_fault(cpu, seg, off);
    }
    return (s->base + off) & cpu->lin_mask;
}

static inline X86TLBEntry *x86_tlb_entry(X86CPU *cpu, uint64_t lin)
{
    return &cpu->tlb[cpu->mmu_idx][(lin >> 12) & (X86_TLB_SIZE - 1)];
}

/*
 * The fast-path tag test: the page matches and the access is aligned, so
 * it cannot cross the page (one compare: the low @size - 1 address bits
 * must be zero to equal a tag).  Unaligned accesses take the slow path,
 * which serves those inside one page from the same entry.
 */
static inline uint64_t x86_tlb_key(uint64_t lin, unsigned size)
{
    return lin & (~0xfffull | (size - 1));
}

static inline uint64_t x86_ld_lin(X86CPU *cpu, uint64_t lin, unsigned size)
{
    X86TLBEntry *e = x86_tlb_entry(cpu, lin);
    if (likely(e->tag_r == x86_tlb_key(lin, size))) {
        return x86_host_ld((void *)(uintptr_t)(lin + e->addend), size);
    }
    return x86_ld_slow(cpu, lin, size, ACC_READ);
}

static inline void x86_st_lin(X86CPU *cpu, uint64_t lin, uint64_t val,
                              unsigned size)
{
    X86TLBEntry *e = x86_tlb_entry(cpu, lin);
    if (likely(e->tag_w == x86_tlb_key(lin, size))) {
        x86_host_st((void *)(uintptr_t)(lin + e->addend), val, size);
        return;
    }
    x86_st_slow(cpu, lin, val, size);
}

/* Check that a write of @size at @lin would succeed (for RMW and stacks). */
static inline void x86_probe_write(X86CPU *cpu, uint64_t lin, unsigned size)
{
    X86TLBEntry *e = x86_tlb_entry(cpu, lin);
    if (likely(e->tag_w == (lin & ~0xfffull))) {
        return;
    }
    x86_tlb_fill(cpu, lin, ACC_WRITE, cpu->mmu_idx);
    if ((lin & 0xfff) > 0x1000 - size) {
        x86_tlb_fill(cpu, (lin + size - 1), ACC_WRITE, cpu->mmu_idx);
    }
}

static inline uint64_t x86_ld(X86CPU *cpu, int seg, uint64_t off,
                              unsigned size)
{
    return x86_ld_lin(cpu, x86_seg_lin(cpu, seg, off, size, SEG_PERM_R),
                      size);
}

static inline void x86_st(X86CPU *cpu, int seg, uint64_t off, uint64_t val,
                          unsigned size)
{
    x86_st_lin(cpu, x86_seg_lin(cpu, seg, off, size, SEG_PERM_W), val, size);
}

/*
 * Linear address of offset @off in segment @seg for an access of @size
 * bytes by code decoded for 64-bit mode (@flat64) or not.  64-bit code has
 * no limit or type checks (SDM vol. 3A 3.2.4; the decoder maps CS/DS/ES/SS
 * overrides to DS or SS, all flat and writable there), so the check is a
 * decode-time constant rather than a per-access test.
 */
static inline __attribute__((always_inline)) uint64_t
x86_lin_addr(X86CPU *cpu, bool flat64, int seg, uint64_t off, unsigned size,
             unsigned perm)
{
    if (flat64) {
        return cpu->seg[seg].base + off;
    }
    return x86_seg_lin(cpu, seg, off, size, perm);
}

/* Loads and stores of 1, 2, 4 or 8 bytes with @size a compile-time
 * constant at the call site, so the TLB fast path has no size switch. */
static inline __attribute__((always_inline)) uint64_t
x86_ld_seg(X86CPU *cpu, bool flat64, int seg, uint64_t off, unsigned size)
{
    return x86_ld_lin(cpu, x86_lin_addr(cpu, flat64, seg, off, size,
                                        SEG_PERM_R), size);
}

static inline __attribute__((always_inline)) void
x86_st_seg(X86CPU *cpu, bool flat64, int seg, uint64_t off, uint64_t val,
           unsigned size)
{
    x86_st_lin(cpu, x86_lin_addr(cpu, flat64, seg, off, size, SEG_PERM_W),
               val, size);
}

/* Supervisor-mode (implicit) accesses to system tables: GDT, IDT, TSS. */
uint64_t x86_ld_sys(X86CPU *cpu, uint64_t lin, unsigned size);
void x86_st_sys(X86CPU *cpu, uint64_t lin, uint64_t val, unsigned size);

#endif /* TARGET_I386_MEM_H */
