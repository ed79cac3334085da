/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Multiboot v1 boot of -kernel without firmware (Multiboot Specification
 * 0.6.96, §3 "The exact definitions of Multiboot Specification").
 *
 * §3.1: the kernel carries a header (magic 0x1BADB002, flags, checksum)
 * 4-byte aligned in its first 8 KiB.  Flags bits 0-15 are requirements:
 * bit 0 (modules page aligned: always done), bit 1 (memory information:
 * always given) and bit 2 (video mode: not offered, the information says
 * so by leaving bit 11 clear) are honoured or harmless; any other bit in
 * 0-15 makes the load fail, as the specification asks.  Bit 16 selects the
 * "a.out kludge" addresses of the header; otherwise the file must be ELF
 * (32-bit, or 64-bit with every address below 4 GiB) and its PT_LOAD
 * segments are loaded at their physical addresses.
 *
 * §3.3: the boot information structure, at MB_INFO_ADDR, gives
 * mem_lower/mem_upper, the command line ("<kernel path> <-append>", as
 * QEMU passes it), the modules of -initrd "file args,file args" (",,"
 * stands for a comma; each module's string is its "file args"), the
 * memory map and the boot loader name.  §3.2 (machine state) is applied by
 * pc_reset() in hw/i386/pc.c: EAX = 0x2BADB002, EBX = the structure, flat
 * 32-bit protected mode, paging and interrupts off, A20 on.
 *
 * Hostile inputs (a truncated or inconsistent header, ELF program headers
 * outside the file, images outside RAM or over the information area) are
 * start-up errors, never out-of-bounds accesses.
 */
#include "hw/i386/pc.h"
#include "util/byteorder.h"

#include <elf.h>
#include <string.h>

#define MB_MAGIC        0x1badb002u
#define MB_SEARCH       8192
#define MB_F_PAGE_ALIGN (1u << 0)
#define MB_F_MEMINFO    (1u << 1)
#define MB_F_VIDEO      (1u << 2)
#define MB_F_AOUT       (1u << 16)

/* Boot information structure (§3.3): flags and field offsets. */
#define MBI_F_MEM       (1u << 0)
#define MBI_F_CMDLINE   (1u << 2)
#define MBI_F_MODS      (1u << 3)
#define MBI_F_MMAP      (1u << 6)
#define MBI_F_LOADER    (1u << 9)
#define MBI_FLAGS       0
#define MBI_MEM_LOWER   4
#define MBI_MEM_UPPER   8
#define MBI_CMDLINE     16
#define MBI_MODS_COUNT  20
#define MBI_MODS_ADDR   24
#define MBI_MMAP_LENGTH 44
#define MBI_MMAP_ADDR   48
#define MBI_LOADER_NAME 64
#define MBI_SIZE        88

/* The information, memory map, module list and strings live here. */
#define MB_INFO_ADDR    0x9000
#define MB_INFO_END     0x10000

typedef struct MBLoader {
    PCMachineState *pcms;
    uint8_t *ram;
    uint64_t end;               /* highest byte loaded so far, + 1 */
} MBLoader;

long pc_multiboot_probe(const uint8_t *k, size_t klen)
{
    size_t limit = MIN(klen, (size_t)MB_SEARCH);

    for (size_t off = 0; off + 12 <= limit; off += 4) {
        uint32_t magic = ld_le32(k + off);

        if (magic == MB_MAGIC &&
            (uint32_t)(magic + ld_le32(k + off + 4) + ld_le32(k + off + 8))
            == 0) {
            return off;
        }
    }
    return -1;
}

/*
 * Copy @filesz bytes of @src to guest [@addr, +@memsz), zeroing the rest.
 * The range must lie in RAM below 4 GiB and miss the information area.
 */
static bool mb_place(MBLoader *l, uint64_t addr, const uint8_t *src,
                     uint64_t filesz, uint64_t memsz, Error **errp)
{
    if (memsz < filesz || addr > l->pcms->below_4g ||
        memsz > l->pcms->below_4g - addr) {
        error_setg(errp, "-kernel: multiboot image at 0x%" PRIx64 " (%"
                   PRIu64 " bytes) does not fit in RAM; use a larger -m",
                   addr, memsz);
        return false;
    }
    if (memsz && addr < MB_INFO_END && addr + memsz > MB_INFO_ADDR) {
        error_setg(errp, "-kernel: multiboot image at 0x%" PRIx64
                   " overlaps the boot information at 0x%x", addr,
                   MB_INFO_ADDR);
        return false;
    }
    memcpy(l->ram + addr, src, filesz);
    memset(l->ram + addr + filesz, 0, memsz - filesz);
    pc_boot_image_save(l->pcms, addr, memsz);
    l->end = MAX(l->end, addr + memsz);
    return true;
}

/* §3.1.3 with bit 16: the header's own load addresses. */
static bool mb_load_aout(MBLoader *l, const uint8_t *k, size_t klen,
                         size_t hdr, uint32_t *entry, Error **errp)
{
    uint32_t header_addr, load_addr, load_end, bss_end;
    uint64_t load_off, len, memsz;

    if (hdr + 32 > klen) {
        error_setg(errp, "-kernel: multiboot header truncated");
        return false;
    }
    header_addr = ld_le32(k + hdr + 12);
    load_addr = ld_le32(k + hdr + 16);
    load_end = ld_le32(k + hdr + 20);
    bss_end = ld_le32(k + hdr + 24);
    *entry = ld_le32(k + hdr + 28);
    if (header_addr < load_addr || header_addr - load_addr > hdr) {
        error_setg(errp, "-kernel: multiboot header_addr 0x%x is not "
                   "within the image loaded at 0x%x", header_addr, load_addr);
        return false;
    }
    load_off = hdr - (header_addr - load_addr);
    len = load_end ? (uint64_t)load_end - load_addr : klen - load_off;
    if (load_end && (load_end <= load_addr || load_off + len > klen)) {
        error_setg(errp, "-kernel: multiboot load_end_addr 0x%x is not "
                   "within the file", load_end);
        return false;
    }
    memsz = bss_end ? (uint64_t)bss_end - load_addr : len;
    if (bss_end && bss_end < load_addr + len) {
        error_setg(errp, "-kernel: multiboot bss_end_addr 0x%x is below "
                   "the loaded image", bss_end);
        return false;
    }
    return mb_place(l, load_addr, k + load_off, len, memsz, errp);
}

/* One ELF program header, either class, as 64-bit values. */
typedef struct MBSeg {
    uint32_t type;
    uint64_t offset, vaddr, paddr, filesz, memsz;
} MBSeg;

static void mb_elf_seg(const uint8_t *ph, bool is64, MBSeg *s)
{
    if (is64) {
        Elf64_Phdr p;

        memcpy(&p, ph, sizeof(p));
        *s = (MBSeg){ p.p_type, p.p_offset, p.p_vaddr, p.p_paddr,
                      p.p_filesz, p.p_memsz };
    } else {
        Elf32_Phdr p;

        memcpy(&p, ph, sizeof(p));
        *s = (MBSeg){ p.p_type, p.p_offset, p.p_vaddr, p.p_paddr,
                      p.p_filesz, p.p_memsz };
    }
}

/* §3.1.3 without bit 16: the ELF program headers.  A virtual entry point
 * inside a segment is translated to its physical address, as GRUB does. */
static bool mb_load_elf(MBLoader *l, const uint8_t *k, size_t klen,
                        uint32_t *entry, Error **errp)
{
    bool is64 = klen > EI_CLASS && k[EI_CLASS] == ELFCLASS64;
    size_t ehsize = is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
    size_t phsize = is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
    uint64_t phoff, e_entry;
    unsigned phnum, phentsize;

    if (klen < ehsize || memcmp(k, ELFMAG, SELFMAG) != 0 ||
        k[EI_DATA] != ELFDATA2LSB) {
        error_setg(errp, "-kernel: multiboot kernel is not a little-endian "
                   "ELF file and its header has no a.out addresses "
                   "(flag 16)");
        return false;
    }
    if (is64) {
        Elf64_Ehdr h;

        memcpy(&h, k, sizeof(h));
        phoff = h.e_phoff, phnum = h.e_phnum, phentsize = h.e_phentsize;
        e_entry = h.e_entry;
    } else {
        Elf32_Ehdr h;

        memcpy(&h, k, sizeof(h));
        phoff = h.e_phoff, phnum = h.e_phnum, phentsize = h.e_phentsize;
        e_entry = h.e_entry;
    }
    if (phentsize < phsize || phoff > klen ||
        (uint64_t)phnum * phentsize > klen - phoff) {
        error_setg(errp, "-kernel: ELF program headers outside the file");
        return false;
    }
    *entry = e_entry;
    for (unsigned i = 0; i < phnum; i++) {
        MBSeg s;

        mb_elf_seg(k + phoff + (uint64_t)i * phentsize, is64, &s);
        if (s.type != PT_LOAD || !s.memsz) {
            continue;
        }
        if (s.offset > klen || s.filesz > klen - s.offset) {
            error_setg(errp, "-kernel: ELF segment %u outside the file", i);
            return false;
        }
        if (!mb_place(l, s.paddr, k + s.offset, s.filesz, s.memsz, errp)) {
            return false;
        }
        if (e_entry >= s.vaddr && e_entry - s.vaddr < s.memsz) {
            *entry = e_entry - s.vaddr + s.paddr;
        }
    }
    return true;
}

/* The information area being built: a host copy of [MB_INFO_ADDR, END). */
typedef struct MBInfo {
    uint8_t buf[MB_INFO_END - MB_INFO_ADDR];
    uint32_t used;
} MBInfo;

/* Reserve @len bytes (4-byte aligned); returns the guest address or 0. */
static uint32_t mb_info_alloc(MBInfo *mi, uint32_t len)
{
    uint32_t at = (mi->used + 3) & ~3u;

    if (at + len > sizeof(mi->buf)) {
        return 0;
    }
    mi->used = at + len;
    return MB_INFO_ADDR + at;
}

static uint32_t mb_info_string(MBInfo *mi, const char *s)
{
    uint32_t len = strlen(s) + 1;
    uint32_t at = mb_info_alloc(mi, len);

    if (at) {
        memcpy(mi->buf + at - MB_INFO_ADDR, s, len);
    }
    return at;
}

/* The memory map (§3.3 "mmap_*"): the direct boot's e820 view. */
static uint32_t mb_info_mmap(MBInfo *mi, PCMachineState *pcms,
                             uint32_t *length)
{
    const struct { uint64_t a, l; uint32_t t; } e[] = {
        { 0, 0x9fc00, 1 },
        { 0x9fc00, 0x400, 2 },
        { 0xf0000, 0x10000, 2 },
        { 0x100000, pcms->below_4g - 0x100000, 1 },
        { 0x100000000ULL, pcms->above_4g, 1 },
    };
    uint32_t at = mb_info_alloc(mi, 24 * G_N_ELEMENTS(e));
    uint8_t *p = mi->buf + at - MB_INFO_ADDR;

    *length = 0;
    for (unsigned i = 0; i < G_N_ELEMENTS(e); i++) {
        uint64_t a = GUINT64_TO_LE(e[i].a), l = GUINT64_TO_LE(e[i].l);

        if (!e[i].l) {
            continue;
        }
        st_le32(p, 20);             /* size of the rest of the entry */
        memcpy(p + 4, &a, 8);
        memcpy(p + 12, &l, 8);
        st_le32(p + 20, e[i].t);
        p += 24;
        *length += 24;
    }
    return at;
}

/* -initrd "file args,file args": ",," is a literal comma. */
static GPtrArray *mb_split_modules(const char *spec)
{
    GPtrArray *mods = g_ptr_array_new_with_free_func(g_free);
    GString *cur = g_string_new(NULL);

    for (const char *p = spec; ; p++) {
        if (*p == ',' && p[1] == ',') {
            g_string_append_c(cur, ',');
            p++;
        } else if (*p == ',' || !*p) {
            g_ptr_array_add(mods, g_string_free(cur, FALSE));
            if (!*p) {
                break;
            }
            cur = g_string_new(NULL);
        } else {
            g_string_append_c(cur, *p);
        }
    }
    return mods;
}

/* Load one module page-aligned after everything loaded so far and fill
 * its 16-byte list entry @ent. */
static bool mb_load_module(MBLoader *l, MBInfo *mi, const char *spec,
                           uint8_t *ent, Error **errp)
{
    g_autofree char *path = g_strndup(spec, strcspn(spec, " "));
    g_autofree char *data = NULL;
    GError *gerr = NULL;
    uint64_t addr = (l->end + 0xfff) & ~0xfffULL;
    gsize len;
    uint32_t str;

    if (!*path) {
        error_setg(errp, "-initrd: empty multiboot module name");
        return false;
    }
    if (!g_file_get_contents(path, &data, &len, &gerr)) {
        error_setg(errp, "-initrd: could not load '%s': %s", path,
                   gerr->message);
        g_error_free(gerr);
        return false;
    }
    str = mb_info_string(mi, spec);
    if (!str) {
        error_setg(errp, "-initrd: multiboot module strings too long");
        return false;
    }
    if (!mb_place(l, addr, (uint8_t *)data, len, len, errp)) {
        return false;
    }
    st_le32(ent, addr);
    st_le32(ent + 4, addr + len);
    st_le32(ent + 8, str);
    st_le32(ent + 12, 0);
    return true;
}

static bool mb_load_modules(MBLoader *l, MBInfo *mi, uint8_t *info,
                            Error **errp)
{
    const char *spec = l->pcms->parent.cfg->initrd;
    g_autoptr(GPtrArray) mods = NULL;
    uint32_t list;

    if (!spec || !*spec) {
        return true;
    }
    mods = mb_split_modules(spec);
    list = mb_info_alloc(mi, 16 * mods->len);
    if (!list) {
        error_setg(errp, "-initrd: too many multiboot modules");
        return false;
    }
    for (guint i = 0; i < mods->len; i++) {
        if (!mb_load_module(l, mi, mods->pdata[i],
                            mi->buf + list - MB_INFO_ADDR + 16 * i, errp)) {
            return false;
        }
    }
    st_le32(info + MBI_MODS_COUNT, mods->len);
    st_le32(info + MBI_MODS_ADDR, list);
    st_le32(info + MBI_FLAGS, ld_le32(info + MBI_FLAGS) | MBI_F_MODS);
    return true;
}

/* §3.3: everything but the modules; returns false if it does not fit. */
static bool mb_build_info(MBLoader *l, MBInfo *mi, uint8_t *info,
                          Error **errp)
{
    const MachineConfig *cfg = l->pcms->parent.cfg;
    g_autofree char *cmdline = cfg->append && *cfg->append ?
        g_strdup_printf("%s %s", cfg->kernel, cfg->append) :
        g_strdup(cfg->kernel);
    uint32_t mmap_len;
    uint32_t mmap = mb_info_mmap(mi, l->pcms, &mmap_len);
    uint32_t cmd = mb_info_string(mi, cmdline);
    uint32_t name = mb_info_string(mi, "Plimsoll");

    if (!cmd || !name) {
        error_setg(errp, "-append: multiboot command line too long");
        return false;
    }
    st_le32(info + MBI_FLAGS, MBI_F_MEM | MBI_F_CMDLINE | MBI_F_MMAP |
            MBI_F_LOADER);
    st_le32(info + MBI_MEM_LOWER, 640);
    st_le32(info + MBI_MEM_UPPER, (l->pcms->below_4g - 0x100000) / 1024);
    st_le32(info + MBI_CMDLINE, cmd);
    st_le32(info + MBI_MMAP_LENGTH, mmap_len);
    st_le32(info + MBI_MMAP_ADDR, mmap);
    st_le32(info + MBI_LOADER_NAME, name);
    return true;
}

bool pc_multiboot_boot(PCMachineState *pcms, const uint8_t *k, size_t klen,
                       Error **errp)
{
    long hdr = pc_multiboot_probe(k, klen);
    MBLoader l = { pcms, memory_region_get_ram_ptr(&pcms->ram), 0 };
    g_autofree MBInfo *mi = g_new0(MBInfo, 1);
    uint32_t flags, entry;
    uint8_t *info;

    g_assert(hdr >= 0);     /* the caller probed */
    flags = ld_le32(k + hdr + 4);
    if (flags & 0xffff & ~(MB_F_PAGE_ALIGN | MB_F_MEMINFO | MB_F_VIDEO)) {
        error_setg(errp, "-kernel: the multiboot kernel requires features "
                   "0x%x this loader does not provide",
                   flags & 0xffff & ~(MB_F_PAGE_ALIGN | MB_F_MEMINFO |
                                      MB_F_VIDEO));
        return false;
    }
    if (!((flags & MB_F_AOUT) ? mb_load_aout(&l, k, klen, hdr, &entry, errp)
                              : mb_load_elf(&l, k, klen, &entry, errp))) {
        return false;
    }
    info = mi->buf + mb_info_alloc(mi, MBI_SIZE) - MB_INFO_ADDR;
    if (!mb_build_info(&l, mi, info, errp) ||
        !mb_load_modules(&l, mi, info, errp)) {
        return false;
    }
    memcpy(l.ram + MB_INFO_ADDR, mi->buf, mi->used);
    pc_boot_image_save(pcms, MB_INFO_ADDR, mi->used);
    pcms->multiboot = true;
    pcms->mb_entry = entry;
    pcms->mb_info = MB_INFO_ADDR;
    return true;
}
