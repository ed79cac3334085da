/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The vCPU object: creation, RESET/INIT state (SDM vol. 3A 9.1, table 9-1),
 * control-register writes and mode changes (2.5, 9.8, 9.9), the CPU model
 * and CPUID (SDM vol. 2A "CPUID"), MSRs (vol. 4) and the time-stamp counter
 * derived from the virtual clock.  The model advertises only what is
 * implemented; x87/SSE bits join when the FPU/SIMD library is wired in.
 */
#include <stdio.h>
#include <stdlib.h>

#include <glib.h>

#include "target/i386/fpu/ops-x87.h"
#include "target/i386/ops.h"
#include "util/error.h"

/* IA32_APIC_BASE bits (SDM vol. 3A figure 10-5) and CPUID.1:EDX.APIC. */
#define MSR_APIC_BASE_BSP (1ull << 8)
#define MSR_APIC_BASE_EN  (1ull << 11)
#define CPUID_1_EDX_APIC  (1u << 9)

/* CPUID.1 and 80000001h feature bits of the model (SDM table 3-11). */
#define F1_EDX (1u << 0 | 1u << 2 | 1u << 3 | 1u << 4 | 1u << 5 | 1u << 6 | \
                1u << 8 | 1u << 11 | 1u << 12 | 1u << 13 | 1u << 15 | \
                1u << 16 | 1u << 17 | 1u << 19 | 1u << 23 | 1u << 24 | \
                1u << 25 | 1u << 26)
#define F1_ECX (1u << 0 | 1u << 9 | 1u << 13 | 1u << 19 | 1u << 20 | \
                1u << 22 | 1u << 23)
#define F81_EDX (1u << 11 | 1u << 20 | 1u << 27 | 1u << 29)
#define F81_ECX (1u << 0 | 1u << 5)
/* CPUID.7.0: EBX bit 7 SMEP, bit 20 SMAP; ECX bit 2 UMIP. */
#define F7_EBX (1u << 7 | 1u << 20)
#define F7_ECX (1u << 2)

typedef struct X86Model {
    const char *name;
    const char *desc;
} X86Model;

static const X86Model x86_models[] = {
    { "plimsoll", "Plimsoll integer x86-64 CPU (default)" },
    { "qemu64", "alias of plimsoll" },
    { "max", "alias of plimsoll: everything implemented" },
};

const char *x86_cpu_model_name(unsigned idx, const char **desc)
{
    if (idx >= G_N_ELEMENTS(x86_models)) {
        return NULL;
    }
    if (desc) {
        *desc = x86_models[idx].desc;
    }
    return x86_models[idx].name;
}

bool x86_cpuid_has(X86CPU *cpu, uint32_t feature)
{
    unsigned word = (feature - 1) >> 5, bit = (feature - 1) & 31;
    uint32_t w[] = { cpu->features_edx, cpu->features_ecx,
                     cpu->ext_features_edx, cpu->ext_features_ecx,
                     cpu->features7_ebx };
    return word < G_N_ELEMENTS(w) && ((w[word] >> bit) & 1);
}

X86CPU *x86_cpu_new(const char *model, uint32_t apic_id,
                    const CPUPlatform *platform, struct Error **errp)
{
    X86CPU *cpu;
    unsigned m;

    for (m = 0; model && m < G_N_ELEMENTS(x86_models); m++) {
        if (!strcmp(model, x86_models[m].name)) {
            break;
        }
    }
    if (model && m == G_N_ELEMENTS(x86_models)) {
        error_setg(errp, "unknown CPU model '%s' (try -cpu help)", model);
        return NULL;
    }
    cpu = g_new0(X86CPU, 1);
    cpu->plat = *platform;
    cpu->apic_id = apic_id;
    cpu->a20_mask = ~0ull;
    memcpy(cpu->cpuid_vendor, "GenuineIntel", 12);
    cpu->cpuid_level = 7;
    cpu->cpuid_xlevel = 0x80000008;
    cpu->cpuid_sig = (6 << 8) | (2 << 4) | 3;       /* family 6 model 2 */
    cpu->features_edx = F1_EDX;
    cpu->features_ecx = F1_ECX;
    cpu->ext_features_edx = F81_EDX;
    cpu->ext_features_ecx = F81_ECX;
    cpu->features7_ebx = F7_EBX;
    cpu->features7_ecx = F7_ECX;
    snprintf(cpu->model_id, sizeof(cpu->model_id), "Plimsoll x86-64 CPU");
    x86_bc_create(cpu);
    x86_smp_register(cpu);
    x86_cpu_reset(cpu, false);
    return cpu;
}

void x86_cpu_free(X86CPU *cpu)
{
    if (cpu) {
        x86_smp_unregister(cpu);
        x86_bc_destroy(cpu);
        g_free(cpu);
    }
}

void x86_cpu_reset(X86CPU *cpu, bool init_only)
{
    const uint32_t data = DESC_P | DESC_S | DESC_RW | DESC_A;

    memset(cpu->regs, 0, sizeof(cpu->regs));
    cpu->regs[R_EDX] = cpu->cpuid_sig;
    cpu->regs[R_RIP] = 0xfff0;
    cpu->cc_op = CC_OP_EFLAGS;
    cpu->cc_src = 0;
    cpu->eflags = EF_FIXED1;
    cpu->cr0 = CR0_ET | CR0_CD | CR0_NW;
    cpu->cr2 = cpu->cr3 = cpu->cr4 = cpu->cr8 = 0;
    memset(cpu->pdpte, 0, sizeof(cpu->pdpte));
    cpu->efer = 0;
    cpu->long_mode = false;
    cpu->cpl = 0;
    cpu->code_size = 2;
    cpu->lin_mask = 0xffffffffull;
    memset(cpu->dr, 0, sizeof(cpu->dr));
    cpu->dr[6] = 0xffff0ff0;
    cpu->dr[7] = 0x400;
    cpu->dr_exec = cpu->dr_io = cpu->dr_hits = 0;
    cpu->dr_watch &= ~0xfu;     /* the debugger's watchpoints stay */
    cpu->tf_armed = cpu->db_shadow = false;
    x86_debug_update_flags(cpu);
    cpu->gdt.base = cpu->idt.base = 0;
    cpu->gdt.limit = cpu->idt.limit = 0xffff;
    for (int s = 0; s < X86_NSEGS; s++) {
        x86_seg_set_cache(cpu, s, 0, 0, 0xffff, data);
    }
    x86_seg_set_cache(cpu, R_CS, 0xf000, 0xffff0000ull, 0xffff,
                      data | DESC_CODE);
    x86_seg_set_cache(cpu, R_LDTR, 0, 0, 0xffff, DESC_P | (2u << 8));
    x86_seg_set_cache(cpu, R_TR, 0, 0, 0xffff, DESC_P | (0xbu << 8));
    if (!init_only) {
        cpu->star = cpu->lstar = cpu->cstar = cpu->sfmask = 0;
        cpu->kernel_gs_base = 0;
        cpu->sysenter_cs = cpu->sysenter_esp = cpu->sysenter_eip = 0;
        cpu->tsc_offset = 0;
        cpu->tsc_aux = 0;
        cpu->pat = 0x0007040600070406ull;
        cpu->misc_enable = 1;           /* fast strings */
        cpu->mtrr_def_type = 0;
        memset(cpu->mtrr_fixed, 0, sizeof(cpu->mtrr_fixed));
        memset(cpu->mtrr_var, 0, sizeof(cpu->mtrr_var));
        cpu->apic_base = 0xfee00000ull | MSR_APIC_BASE_EN |
                         (cpu->apic_id == 0 ? MSR_APIC_BASE_BSP : 0);
        x86_fpu_reset(cpu);
    }
    cpu->halted = false;
    cpu->wait_sipi = false;
    cpu->inhibit_irq = false;
    cpu->nmi_pending = false;
    cpu->nmi_blocked = false;
    cpu->exc_depth = 0;
    cpu->reset_requested = false;
    x86_update_mode(cpu);
    x86_tlb_flush(cpu, true);
    x86_bc_flush(cpu);
}

void x86_set_cpl(X86CPU *cpu, unsigned cpl)
{
    cpu->cpl = cpl;
    cpu->mmu_idx = cpl == 3;
    cpu->chain_gen++;           /* block links assume the old CPL */
}

/* Recompute the decode mode after CR0, EFER, CS or EFLAGS.VM changed. */
void x86_update_mode(X86CPU *cpu)
{
    unsigned old = cpu->code_size;
    const X86Seg *cs = &cpu->seg[R_CS];

    cpu->chain_gen++;           /* block links assume the old CS and mode */

    if (cpu->long_mode && (cs->flags & DESC_L)) {
        cpu->code_size = 8;
    } else if ((cpu->cr0 & CR0_PE) && !(cpu->eflags & EF_VM) &&
               (cs->flags & DESC_B)) {
        cpu->code_size = 4;
    } else {
        cpu->code_size = 2;
    }
    cpu->lin_mask = cpu->long_mode ? ~0ull : 0xffffffffull;
    if (!(cpu->cr0 & CR0_PE)) {
        x86_set_cpl(cpu, 0);
    } else if (cpu->eflags & EF_VM) {
        x86_set_cpl(cpu, 3);
    }
    if (old != cpu->code_size) {
        x86_seg_refresh_all(cpu);
    }
}

void x86_set_cr0(X86CPU *cpu, uint64_t val)
{
    uint64_t old = cpu->cr0;
    bool to_lm, pdpte = false;

    val |= CR0_ET;
    if ((val >> 32) || ((val & CR0_PG) && !(val & CR0_PE)) ||
        ((val & CR0_NW) && !(val & CR0_CD))) {
        x86_raise(cpu, EXCP_GP, 0);
    }
    to_lm = (val & CR0_PG) && !(old & CR0_PG) && (cpu->efer & EFER_LME);
    if (to_lm && !(cpu->cr4 & CR4_PAE)) {
        x86_raise(cpu, EXCP_GP, 0);
    }
    if (!to_lm && (val & CR0_PG) && (cpu->cr4 & CR4_PAE) && !cpu->long_mode &&
        ((old ^ val) & (CR0_PG | CR0_CD | CR0_NW))) {
        x86_pdpte_load(cpu, cpu->cr3);  /* PAE paging after: 4.4.1 */
        pdpte = true;
    }
    if (to_lm) {
        cpu->efer |= EFER_LMA;
        cpu->long_mode = true;
    } else if (!(val & CR0_PG) && (old & CR0_PG) && cpu->long_mode) {
        if (cpu->code_size == 8) {
            x86_raise(cpu, EXCP_GP, 0);
        }
        cpu->efer &= ~(uint64_t)EFER_LMA;
        cpu->long_mode = false;
    }
    cpu->cr0 = val;
    if ((old ^ val) & (CR0_PG | CR0_PE | CR0_WP)) {
        x86_tlb_flush(cpu, true);
    } else if (pdpte) {
        x86_tlb_flush(cpu, false);      /* entries from the old PDPTEs */
    }
    if ((old ^ val) & CR0_PE) {
        x86_seg_refresh_all(cpu);
    }
    x86_update_mode(cpu);
    x86_stop_block(cpu);
}

/* MOV to CR3 and task switches; in PAE paging this loads the PDPTE
 * registers first (SDM 3A 4.4.1), and a bad PDPTE leaves CR3 as it was. */
void x86_set_cr3(X86CPU *cpu, uint64_t val)
{
    if ((cpu->cr0 & CR0_PG) && (cpu->cr4 & CR4_PAE) && !cpu->long_mode) {
        x86_pdpte_load(cpu, val);
    }
    cpu->cr3 = val;
    x86_tlb_flush(cpu, false);
}

void x86_set_cr4(X86CPU *cpu, uint64_t val)
{
    uint64_t ok = CR4_TSD | CR4_DE | CR4_PSE |
                  CR4_PAE | CR4_MCE | CR4_PGE | CR4_PCE | CR4_OSFXSR |
                  CR4_OSXMMEXCPT;
    /* A CR4 bit of a feature CPUID does not report is reserved (#GP):
     * virtual-8086 mode extensions (VME, PVI) are not modelled. */
    if (cpu->features_edx & (1u << 1)) {
        ok |= CR4_VME | CR4_PVI;
    }
    if (cpu->features7_ebx & (1u << 7)) {
        ok |= CR4_SMEP;
    }
    if (cpu->features7_ebx & (1u << 20)) {
        ok |= CR4_SMAP;
    }
    if (cpu->features7_ecx & (1u << 2)) {
        ok |= CR4_UMIP;
    }
    if ((val & ~ok) || (cpu->long_mode && !(val & CR4_PAE))) {
        x86_raise(cpu, EXCP_GP, 0);
    }
    if ((cpu->cr0 & CR0_PG) && (val & CR4_PAE) && !cpu->long_mode &&
        ((cpu->cr4 ^ val) & (CR4_PSE | CR4_PAE | CR4_PGE | CR4_SMEP))) {
        x86_pdpte_load(cpu, cpu->cr3);  /* PAE paging after: 4.4.1 */
    }
    if ((cpu->cr4 ^ val) & (CR4_PSE | CR4_PAE | CR4_PGE | CR4_SMEP |
                            CR4_SMAP)) {
        x86_tlb_flush(cpu, true);
    }
    cpu->cr4 = val;
    x86_stop_block(cpu);
}

uint64_t x86_rdtsc(X86CPU *cpu)
{
    return (uint64_t)cpu->plat.clock_ns(cpu->plat.opaque) + cpu->tsc_offset;
}

static void cpuid_brand(X86CPU *cpu, uint32_t leaf, uint32_t out[4])
{
    memcpy(out, cpu->model_id + (leaf - 0x80000002) * 16, 16);
}

/* CPUID (SDM vol. 2A "CPUID"): leaves the model does not have read 0. */
bool x86_cpuid(X86CPU *cpu, uint32_t leaf, uint32_t sub, uint32_t out[4])
{
    memset(out, 0, 16);
    if (leaf >= 0x80000000 ? leaf > cpu->cpuid_xlevel
                           : leaf > cpu->cpuid_level) {
        leaf = cpu->cpuid_level;
    }
    switch (leaf) {
    case 0:
        out[0] = cpu->cpuid_level;
        out[1] = cpu->cpuid_vendor[0];
        out[3] = cpu->cpuid_vendor[1];
        out[2] = cpu->cpuid_vendor[2];
        return true;
    case 1:
        out[0] = cpu->cpuid_sig;
        out[1] = (cpu->apic_id << 24) | (1u << 16) | (8u << 8);
        out[2] = cpu->features_ecx;
        out[3] = cpu->features_edx;
        if (cpu->plat.has_apic && (cpu->apic_base & MSR_APIC_BASE_EN)) {
            out[3] |= CPUID_1_EDX_APIC;
        }
        return true;
    case 7:
        if (sub == 0) {
            out[1] = cpu->features7_ebx;
            out[2] = cpu->features7_ecx;
        }
        return true;
    case 0x80000000:
        out[0] = cpu->cpuid_xlevel;
        return true;
    case 0x80000001:
        out[0] = cpu->cpuid_sig;
        out[2] = cpu->ext_features_ecx;
        out[3] = cpu->ext_features_edx;
        return true;
    case 0x80000002: case 0x80000003: case 0x80000004:
        cpuid_brand(cpu, leaf, out);
        return true;
    case 0x80000008:
        out[0] = (48u << 8) | 40u;
        return true;
    default:
        return true;
    }
}

/* MTRR MSR numbers (SDM vol. 4 table 2-2). */
static uint64_t *mtrr_slot(X86CPU *cpu, uint32_t idx)
{
    static const uint32_t fixed[11] = { 0x250, 0x258, 0x259, 0x268, 0x269,
                                        0x26a, 0x26b, 0x26c, 0x26d, 0x26e,
                                        0x26f };
    if (idx >= 0x200 && idx < 0x210) {
        return &cpu->mtrr_var[idx - 0x200];
    }
    for (unsigned k = 0; k < 11; k++) {
        if (fixed[k] == idx) {
            return &cpu->mtrr_fixed[k];
        }
    }
    return idx == 0x2ff ? &cpu->mtrr_def_type : NULL;
}

static uint64_t *msr_slot(X86CPU *cpu, uint32_t idx)
{
    switch (idx) {
    case 0x174: return &cpu->sysenter_cs;
    case 0x175: return &cpu->sysenter_esp;
    case 0x176: return &cpu->sysenter_eip;
    case 0x1a0: return &cpu->misc_enable;
    case 0x277: return &cpu->pat;
    case 0xc0000081: return &cpu->star;
    case 0xc0000082: return &cpu->lstar;
    case 0xc0000083: return &cpu->cstar;
    case 0xc0000084: return &cpu->sfmask;
    case 0xc0000100: return &cpu->seg[R_FS].base;
    case 0xc0000101: return &cpu->seg[R_GS].base;
    case 0xc0000102: return &cpu->kernel_gs_base;
    case 0xc0000103: return &cpu->tsc_aux;
    default: return mtrr_slot(cpu, idx);
    }
}

bool x86_msr_read(X86CPU *cpu, uint32_t idx, uint64_t *val)
{
    uint64_t *slot;
    switch (idx) {
    case 0x10: *val = x86_rdtsc(cpu); return true;
    case 0x1b: *val = cpu->apic_base; return true;
    case 0x17: *val = 0; return true;               /* IA32_PLATFORM_ID */
    case 0x3a: *val = 1; return true;               /* FEATURE_CONTROL: locked */
    case 0x8b: *val = 0; return true;               /* BIOS_SIGN_ID (no ucode) */
    case 0x179: *val = 0; return true;              /* MCG_CAP: no banks */
    case 0x17a: *val = 0; return true;              /* MCG_STATUS */
    case 0xfe: *val = (1u << 10) | (1u << 8) | 8; return true; /* MTRRcap */
    case 0xc0000080: *val = cpu->efer; return true;
    }
    slot = msr_slot(cpu, idx);
    if (!slot) {
        return false;
    }
    *val = *slot;
    return true;
}

/*
 * IA32_APIC_BASE (SDM vol. 3A 10.4.4): BSP (bit 8) is read-only, EN (bit
 * 11) enables the local APIC, bits 12 up to MAXPHYADDR move it.  Reserved
 * bits, and EXTD (bit 10: x2APIC is not modelled), fault.
 */
static bool x86_msr_write_apic_base(X86CPU *cpu, uint64_t val)
{
    const uint64_t writable = MSR_APIC_BASE_EN | 0xfffff000ull |
                              (0xffull << 32);      /* MAXPHYADDR 40 */

    if (val & ~(writable | MSR_APIC_BASE_BSP)) {
        return false;
    }
    val = (val & writable) | (cpu->apic_base & MSR_APIC_BASE_BSP);
    if (val == cpu->apic_base) {
        return true;
    }
    cpu->apic_base = val;
    if (cpu->plat.has_apic && cpu->plat.apic_base_write) {
        cpu->plat.apic_base_write(cpu->plat.opaque, val);
    }
    return true;
}

/* Memory types valid in PAT entries (SDM vol. 3A table 11-10): UC, WC,
 * WT, WP, WB, UC-; and in MTRRs (table 11-8): UC, WC, WT, WP, WB. */
static bool mem_types_ok(uint64_t val, unsigned n, bool pat)
{
    const uint8_t ok = pat ? 0xf3 : 0x73;

    for (unsigned k = 0; k < n; k++) {
        uint8_t t = val >> (8 * k);
        if (t > 7 || !((ok >> t) & 1)) {
            return false;
        }
    }
    return true;
}

/* Bits at and above MAXPHYADDR (40, CPUID 80000008h). */
#define MSR_PHYS_RSVD (~0ull << 40)

/*
 * Whether @val is a legal value for the PAT and MTRR MSRs (SDM vol. 3A
 * 11.11.2, 11.12.2; a reserved bit or memory type set is #GP(0)) and the
 * others whose reserved bits are checked: SYSENTER_ESP/EIP take
 * canonical addresses (vol. 4 table 2-2), TSC_AUX 32 bits.
 */
static bool msr_value_ok(uint32_t idx, uint64_t val, bool canon)
{
    if (idx >= 0x200 && idx < 0x210) {
        if (idx & 1) {              /* PHYSMASKn: V (bit 11) and the mask */
            return !(val & (MSR_PHYS_RSVD | 0x7ffull));
        }
        return !(val & (MSR_PHYS_RSVD | 0xf00ull)) &&   /* PHYSBASEn */
               mem_types_ok(val, 1, false);
    }
    switch (idx) {
    case 0x250: case 0x258: case 0x259:
    case 0x268: case 0x269: case 0x26a: case 0x26b:
    case 0x26c: case 0x26d: case 0x26e: case 0x26f:
        return mem_types_ok(val, 8, false);
    case 0x277:
        return mem_types_ok(val, 8, true);
    case 0x2ff:                     /* MTRRdefType: type, FE (10), E (11) */
        return !(val & ~0xcffull) && mem_types_ok(val, 1, false);
    case 0x175: case 0x176:
        return canon;
    case 0xc0000103:
        return !(val >> 32);
    default:
        return true;
    }
}

bool x86_msr_write(X86CPU *cpu, uint32_t idx, uint64_t val)
{
    uint64_t *slot;
    bool canon = (uint64_t)((int64_t)(val << 16) >> 16) == val;

    switch (idx) {
    case 0x10:
        cpu->tsc_offset = val - (uint64_t)cpu->plat.clock_ns(cpu->plat.opaque);
        return true;
    case 0x8b:          /* BIOS_SIGN_ID: written before CPUID 1, ignored */
    case 0x17a:
        return true;
    case 0x1b:
        return x86_msr_write_apic_base(cpu, val);
    case 0xc0000080:
        if ((val & ~(uint64_t)(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)) ||
            (((val ^ cpu->efer) & EFER_LME) && (cpu->cr0 & CR0_PG))) {
            return false;
        }
        cpu->efer = (val & ~(uint64_t)EFER_LMA) | (cpu->efer & EFER_LMA);
        x86_tlb_flush(cpu, true);
        return true;
    case 0xc0000100: case 0xc0000101: case 0xc0000102:
    case 0xc0000082: case 0xc0000083:
        if (!canon) {
            return false;
        }
        break;
    }
    slot = msr_slot(cpu, idx);
    if (!slot || !msr_value_ok(idx, val, canon)) {
        return false;
    }
    *slot = val;
    return true;
}

void x86_cpu_set_intr(X86CPU *cpu, bool level)
{
    __atomic_store_n(&cpu->intr_line, level, __ATOMIC_RELEASE);
    if (level) {
        /* Take it after the current instruction, not the block's end. */
        x86_stop_block(cpu);
    }
}

void x86_cpu_nmi(X86CPU *cpu)
{
    cpu->nmi_pending = true;
    cpu->kick = 1;
}

void x86_cpu_init_sipi(X86CPU *cpu, int vector)
{
    if (vector < 0) {
        x86_cpu_reset(cpu, true);
        cpu->halted = true;
        cpu->wait_sipi = true;
        return;
    }
    if (!cpu->wait_sipi) {
        return;                 /* a second STARTUP: already running */
    }
    cpu->wait_sipi = false;
    x86_seg_set_cache(cpu, R_CS, (vector & 0xff) << 8,
                      (uint64_t)(vector & 0xff) << 12, 0xffff,
                      DESC_P | DESC_S | DESC_RW | DESC_A | DESC_CODE);
    cpu->regs[R_RIP] = 0;
    cpu->halted = false;
}

void x86_cpu_set_a20(X86CPU *cpu, bool enabled)
{
    uint64_t mask = enabled ? ~0ull : ~(1ull << 20);

    if (cpu->a20_mask != mask) {
        cpu->a20_mask = mask;
        x86_tlb_flush(cpu, true);
    }
}

void x86_cpu_kick(X86CPU *cpu)
{
    __atomic_store_n(&cpu->kick, 1, __ATOMIC_RELEASE);
}

bool x86_cpu_is_halted(const X86CPU *cpu)
{
    return cpu->halted;
}

void x86_cpu_memory_map_changed(X86CPU *cpu)
{
    x86_tlb_flush(cpu, true);
    x86_bc_flush(cpu);
}

void x86_cpu_phys_written(X86CPU *cpu, uint64_t paddr, uint64_t len)
{
    x86_bc_invalidate_phys(cpu, paddr, len);
}

uint64_t x86_cpu_get_reg(X86CPU *cpu, int reg)
{
    if (reg >= 0 && reg < 16) {
        return cpu->regs[reg];
    }
    if (reg >= X86_REG_SEG && reg < X86_REG_SEG + 6) {
        return cpu->seg[reg - X86_REG_SEG].sel;
    }
    switch (reg) {
    case X86_REG_RIP: return cpu->regs[R_RIP];
    case X86_REG_RFLAGS: return x86_eflags_get(cpu);
    case X86_REG_CR0: return cpu->cr0;
    case X86_REG_CR3: return cpu->cr3;
    case X86_REG_CR4: return cpu->cr4;
    case X86_REG_EFER: return cpu->efer;
    default: return 0;
    }
}

void x86_cpu_set_reg(X86CPU *cpu, int reg, uint64_t val)
{
    if (reg >= 0 && reg < 16) {
        cpu->regs[reg] = val;
    } else if (reg == X86_REG_RIP) {
        cpu->regs[R_RIP] = val;
    } else if (reg == X86_REG_RFLAGS) {
        x86_eflags_set(cpu, val, ~(uint32_t)(EF_VM));
    } else if (reg >= X86_REG_SEG && reg < X86_REG_SEG + 6 &&
               !(cpu->cr0 & CR0_PE)) {
        x86_seg_load_real(cpu, reg - X86_REG_SEG, val);
    }
}

void x86_cpu_enter_flat32(X86CPU *cpu, uint32_t eip)
{
    const uint32_t data = DESC_P | DESC_S | DESC_RW | DESC_A | DESC_G |
                          DESC_B;
    cpu->cr0 |= CR0_PE;
    cpu->eflags &= ~(EF_IF | EF_VM);
    x86_set_cpl(cpu, 0);
    for (int s = R_ES; s <= R_GS; s++) {
        x86_seg_set_cache(cpu, s, s == R_CS ? 0x08 : 0x10, 0, 0xffffffff,
                          s == R_CS ? data | DESC_CODE : data);
    }
    x86_update_mode(cpu);
    x86_seg_refresh_all(cpu);
    cpu->regs[R_RIP] = eip;
}
