/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The physical memory map (and, through include/hw/core/ioport.h, the I/O
 * port space): regions of RAM, ROM and device registers placed at guest
 * physical addresses, with priorities for overlap.
 *
 * Model.  A MemoryMap is a flat address space.  A MemoryRegion is one of:
 *   RAM    host memory the guest reads and writes (optionally read-only,
 *          which is how PAM "read RAM, write to PCI" is modelled);
 *   ROM    host memory the guest reads; guest writes are dropped; loaders
 *          fill it through memory_region_get_ram_ptr();
 *   IO     device registers behind a MemoryRegionOps table;
 *   ALIAS  a window [offset, offset+size) onto another region (which need
 *          not be mapped itself): the BIOS's last 128 KiB at 0xe0000, PAM
 *          segments, SMRAM.
 * Regions are placed with memory_map_add() at an address and a priority.
 * Where mapped regions overlap, the higher priority wins; at equal
 * priority the region added (or moved, or enabled) last wins.  A region can
 * be enabled/disabled, moved and (for aliases) re-pointed at run time: PCI
 * BARs, PAM, SMRAM and the VGA window all use these.  Addresses covered by
 * no enabled region are unassigned: reads return all-ones, writes are
 * dropped (and logged as guest errors).
 *
 * Access sizes.  An IO region declares the access sizes its callbacks
 * implement (min_access..max_access, powers of two).  The core splits wider
 * accesses into naturally aligned pieces, widens narrower ones (a read
 * returns the wanted bytes of the wider read; a write becomes a wider write
 * of the value shifted into place with the other bytes zero), and splits
 * unaligned ones, so a device never sees a size it did not declare nor an
 * offset that is not a multiple of the size it sees.  Accesses that cross
 * from one region into another are done byte by byte.  Multi-byte values
 * are little-endian, as on a PC.
 *
 * Changes to the map rebuild a sorted flat view (cheap: a PC has tens of
 * regions) and call every listener's map_changed, which system/cpus.c uses
 * to call x86_cpu_memory_map_changed().  Group several changes between
 * memory_map_begin() and memory_map_commit() to rebuild once.
 *
 * Locking: every function here that takes a MemoryMap runs under the
 * machine lock (include/hw/core/lock.h), except memory_map_page()'s result
 * pointers and dma_memory_map() pointers, which stay valid until the RAM
 * region is destroyed (never while the machine runs) and may be used
 * without the lock.
 */
#ifndef HW_CORE_MEMORY_H
#define HW_CORE_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exec/cpu-iface.h"
#include "util/error.h"

typedef struct MemoryMap MemoryMap;
typedef struct MemoryRegion MemoryRegion;
typedef struct Device Device;

/**
 * struct MemoryRegionOps - register access callbacks of an IO region.
 * @read: return @size bytes at @offset (relative to the region start).
 *        @size is within [min_access, max_access] and @offset is a
 *        multiple of it.
 * @write: store @val (@size bytes) at @offset; same guarantees.
 * @min_access: smallest size the callbacks implement (1, 2, 4, 8); 0 = 1.
 * @max_access: largest size they implement; 0 = 4.
 * @unaligned: the callbacks also take accesses of a declared size at any
 *        offset (overlapping 16-bit ports such as Bochs VBE's 0x1ce/0x1cf);
 *        the core then passes such an access through unsplit.
 * Either callback may be NULL: reads then return all-ones and writes are
 * dropped (a write-only or read-only register block).
 */
typedef struct MemoryRegionOps {
    uint64_t (*read)(void *opaque, uint64_t offset, unsigned size);
    void (*write)(void *opaque, uint64_t offset, uint64_t val, unsigned size);
    unsigned min_access;
    unsigned max_access;
    bool unaligned;
} MemoryRegionOps;

typedef enum MemoryRegionKind {
    MEMORY_REGION_RAM = 0,
    MEMORY_REGION_ROM,
    MEMORY_REGION_IO,
    MEMORY_REGION_ALIAS,
} MemoryRegionKind;

/**
 * struct MemoryRegion - embed one in the device state per window.
 * All members are owned by hw/core: read them, never write them; use the
 * functions below.  @owner may be set by the device for map dumps.
 */
struct MemoryRegion {
    char *name;
    MemoryRegionKind kind;
    uint64_t size;
    Device *owner;
    /* RAM and ROM */
    uint8_t *host;
    bool host_mmapped;
    bool readonly;
    /* IO */
    const MemoryRegionOps *ops;
    void *opaque;
    /* ALIAS */
    MemoryRegion *alias_target;
    uint64_t alias_offset;
    /* placement */
    MemoryMap *map;
    uint64_t addr;
    int priority;
    bool enabled;
    uint64_t order;
};

/**
 * memory_region_init_ram() - @size bytes of zeroed guest RAM.  Large
 * sizes are mapped lazily (anonymous mmap).  Fails with *errp when the
 * host cannot provide the memory or @size is 0.
 */
bool memory_region_init_ram(MemoryRegion *mr, const char *name,
                            uint64_t size, Error **errp);
/** memory_region_init_rom() - @size bytes of zeroed ROM (see above). */
bool memory_region_init_rom(MemoryRegion *mr, const char *name,
                            uint64_t size, Error **errp);
/** memory_region_init_io() - registers of @size bytes behind @ops. */
void memory_region_init_io(MemoryRegion *mr, const char *name,
                           const MemoryRegionOps *ops, void *opaque,
                           uint64_t size);
/**
 * memory_region_init_alias() - a window of @size bytes onto @target at
 * @offset.  @target must outlive the alias.  Aliases of aliases resolve.
 */
void memory_region_init_alias(MemoryRegion *mr, const char *name,
                              MemoryRegion *target, uint64_t offset,
                              uint64_t size);
/** memory_region_destroy() - unmap if mapped, free host memory and name. */
void memory_region_destroy(MemoryRegion *mr);

/** memory_region_get_ram_ptr() - host memory of a RAM/ROM region (for
 *  loaders and the device that owns it); NULL for other kinds. */
uint8_t *memory_region_get_ram_ptr(MemoryRegion *mr);

/** memory_region_set_readonly() - a RAM region that drops guest writes
 *  (and maps as PHYS_PAGE_ROM).  Notifies listeners. */
void memory_region_set_readonly(MemoryRegion *mr, bool readonly);
/** memory_region_set_enabled() - include or exclude a mapped region. */
void memory_region_set_enabled(MemoryRegion *mr, bool enabled);
/** memory_region_set_address() - move a mapped region (PCI BARs). */
void memory_region_set_address(MemoryRegion *mr, uint64_t addr);
/** memory_region_set_alias_offset() - re-point an alias. */
void memory_region_set_alias_offset(MemoryRegion *mr, uint64_t offset);

/**
 * memory_map_new() - an empty map covering [0, @limit): 1 << 52 for the
 * physical memory map, 0x10000 for the I/O port space.
 */
MemoryMap *memory_map_new(const char *name, uint64_t limit);
/** memory_map_free() - unmaps (does not destroy) every region. */
void memory_map_free(MemoryMap *map);

/**
 * memory_map_add() - place @mr at @addr with @priority, enabled.
 * @mr must not be mapped and [@addr, @addr + size) must lie in the map;
 * both are the caller's invariants (asserted).
 */
void memory_map_add(MemoryMap *map, MemoryRegion *mr, uint64_t addr,
                    int priority);
/** memory_map_del() - remove @mr from its map (no-op if not mapped). */
void memory_map_del(MemoryRegion *mr);

/** memory_map_begin()/memory_map_commit() - batch changes; nestable. */
void memory_map_begin(MemoryMap *map);
void memory_map_commit(MemoryMap *map);

/**
 * struct MemoryListener - observers of a map (the vCPUs' TLBs).
 * @map_changed: the flat view changed: drop cached host pointers.
 * @ram_written: RAM at [@addr, +@len) was written by DMA or a loader.
 */
typedef struct MemoryListener {
    void (*map_changed)(void *opaque);
    void (*ram_written)(void *opaque, uint64_t addr, uint64_t len);
} MemoryListener;
void memory_map_add_listener(MemoryMap *map, const MemoryListener *l,
                             void *opaque);
void memory_map_remove_listener(MemoryMap *map, const MemoryListener *l,
                                void *opaque);

/**
 * memory_map_read() - a guest access of @size (1, 2, 4, 8) bytes at
 * @addr through the map: RAM/ROM copied, IO dispatched (split/widened as
 * described above), unassigned all-ones.  This is CPUPlatform.phys_read.
 */
uint64_t memory_map_read(MemoryMap *map, uint64_t addr, unsigned size);
/** memory_map_write() - likewise; ROM and unassigned drop the write.
 *  This is CPUPlatform.phys_write.  RAM writes notify ram_written. */
void memory_map_write(MemoryMap *map, uint64_t addr, uint64_t val,
                      unsigned size);

/**
 * memory_map_page() - CPUPlatform.phys_map: if the whole 4 KiB page that
 * holds @addr is backed by one RAM (or ROM / read-only RAM) region, set
 * *@host to the host address of the page start and return PHYS_PAGE_RAM
 * (PHYS_PAGE_ROM); otherwise PHYS_PAGE_MMIO.
 */
PhysPageKind memory_map_page(MemoryMap *map, uint64_t addr, uint8_t **host);

/**
 * memory_map_lookup() - the region (aliases resolved) that serves @addr
 * and the offset in it, or NULL for unassigned.  For tests and dumps.
 */
MemoryRegion *memory_map_lookup(MemoryMap *map, uint64_t addr,
                                uint64_t *offset);

/** memory_map_dump() - the flat view, one range per line, as a new
 *  string ("0000000000000000-000000000009ffff (prio 0, ram): pc.ram"). */
char *memory_map_dump(MemoryMap *map);

/**
 * dma_memory_read() - a device reads guest memory at [@addr, +@len).
 * Every byte must be RAM or ROM; otherwise nothing is copied and -EFAULT
 * is returned (the device reports its own error: fw_cfg sets its error
 * bit, IDE aborts the command).  Returns 0 on success.
 */
int dma_memory_read(MemoryMap *map, uint64_t addr, void *buf, uint64_t len);
/**
 * dma_memory_write() - a device writes guest RAM.  Every byte must be
 * writable RAM, else -EFAULT and nothing is written.  Listeners get
 * ram_written (the CPU drops decoded code there).
 */
int dma_memory_write(MemoryMap *map, uint64_t addr, const void *buf,
                     uint64_t len);
/**
 * dma_memory_map() - zero-copy access for block I/O: the host address of
 * guest RAM at @addr, with *@len reduced to the contiguous length
 * available (never grown).  NULL when @addr is not (writable, if
 * @is_write) RAM.  The pointer may be used outside the machine lock.
 * Pair with dma_memory_unmap() to notify listeners of writes.
 */
uint8_t *dma_memory_map(MemoryMap *map, uint64_t addr, uint64_t *len,
                        bool is_write);
/** dma_memory_unmap() - end a mapping; @written bytes from @addr were
 *  stored by the device (0 for reads). */
void dma_memory_unmap(MemoryMap *map, uint64_t addr, uint64_t written);

#endif /* HW_CORE_MEMORY_H */
