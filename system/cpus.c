/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vCPU threads (include/system/cpus.h): one host thread per vCPU drives
 * x86_cpu_run() (include/exec/cpu-iface.h) in slices, without the machine
 * lock; the CPUPlatform callbacks below take the lock around every access
 * that reaches devices.  Pausing (runstate) and halting (HLT) park a thread
 * on a condition variable tied to the machine lock.
 *
 * Without a CPU in the tree (HAVE_X86_CPU is 0 until target/i386 is
 * merged) this file keeps only the bookkeeping: no vCPU can be created,
 * and pause/resume act on an empty set, which is what "-machine none"
 * needs.
 */
#include <glib.h>

#include "hw/core/ioport.h"
#include "hw/core/lock.h"
#include "system/config-seams.h"
#include "system/cpus.h"
#include "system/runstate.h"
#include "util/clock.h"

/* Instructions per slice: long enough to amortise, short enough that a
 * pause or a device event is seen within well under a millisecond. */
#define CPUS_SLICE 100000
/* A halted vCPU re-checks for interrupts at least this often. */
#define CPUS_HALT_POLL_US 1000

typedef struct VCPU {
    X86CPU *cpu;
    unsigned index;
    Machine *machine;
    GThread *thread;
    CPUPlatform platform;
    bool in_guest;       /* running x86_cpu_run(), without the lock */
    bool halted;
} VCPU;

/* All guarded by the machine lock. */
static GPtrArray *vcpus;
static bool cpus_may_run;
static bool cpus_exiting;
static GCond cpus_cond;
/* Bumped by every kick, so a vCPU that halts just after an interrupt was
 * raised does not sleep through it. */
static unsigned cpus_kick_gen;
/* The vCPU this thread runs (cpus_current_index()); -1 elsewhere. */
static __thread int cpus_current = -1;

int cpus_current_index(void)
{
    return cpus_current;
}

void cpus_set_current_index(int index)
{
    cpus_current = index;
}

bool cpus_available(void)
{
    return HAVE_X86_CPU;
}

static void cpus_wake_all(void)
{
    g_cond_broadcast(&cpus_cond);
}

#if HAVE_X86_CPU
static PhysPageKind cpus_phys_map(void *opaque, uint64_t paddr,
                                  uint8_t **host)
{
    VCPU *v = opaque;
    PhysPageKind kind;

    machine_lock();
    kind = memory_map_page(v->machine->mem, paddr, host);
    machine_unlock();
    return kind;
}

static uint64_t cpus_phys_read(void *opaque, uint64_t paddr, unsigned size)
{
    VCPU *v = opaque;
    uint64_t val;

    machine_lock();
    val = memory_map_read(v->machine->mem, paddr, size);
    machine_unlock();
    return val;
}

static void cpus_phys_write(void *opaque, uint64_t paddr, uint64_t val,
                            unsigned size)
{
    VCPU *v = opaque;

    machine_lock();
    memory_map_write(v->machine->mem, paddr, val, size);
    machine_unlock();
}

static uint32_t cpus_io_read(void *opaque, uint16_t port, unsigned size)
{
    VCPU *v = opaque;
    uint32_t val;

    machine_lock();
    val = io_space_read(v->machine->io, port, size);
    machine_unlock();
    return val;
}

static void cpus_io_write(void *opaque, uint16_t port, uint32_t val,
                          unsigned size)
{
    VCPU *v = opaque;

    machine_lock();
    io_space_write(v->machine->io, port, val, size);
    machine_unlock();
}

static int cpus_intr_ack(void *opaque)
{
    VCPU *v = opaque;
    int vector = 0xff;

    machine_lock();
    if (v->machine->intr_ack) {
        vector = v->machine->intr_ack(v->machine, v->index);
    }
    machine_unlock();
    return vector;
}

static void cpus_apic_base_write(void *opaque, uint64_t val)
{
    VCPU *v = opaque;

    machine_lock();
    if (v->machine->apic_base_write) {
        v->machine->apic_base_write(v->machine, v->index, val);
    }
    machine_unlock();
}

static int64_t cpus_clock_ns(void *opaque)
{
    return clock_get_ns(CLOCK_TYPE_VIRTUAL);
}

static void cpus_request_reset(void *opaque)
{
    system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
}

static void cpus_request_shutdown(void *opaque)
{
    system_shutdown_request(SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
}

/* Memory listener: keep every vCPU's cached translations honest. */
static void cpus_map_changed(void *opaque)
{
    Machine *m = opaque;
    unsigned i;

    for (i = 0; i < m->ncpus; i++) {
        x86_cpu_memory_map_changed(m->cpus[i]);
    }
}

static void cpus_ram_written(void *opaque, uint64_t addr, uint64_t len)
{
    Machine *m = opaque;
    unsigned i;

    for (i = 0; i < m->ncpus; i++) {
        x86_cpu_phys_written(m->cpus[i], addr, len);
    }
}

static const MemoryListener cpus_listener = {
    .map_changed = cpus_map_changed,
    .ram_written = cpus_ram_written,
};

/* React to why x86_cpu_run() returned; called with the lock held. */
static void cpus_handle_exit(VCPU *v, CPUExitReason reason, unsigned gen)
{
    switch (reason) {
    case CPU_EXIT_HALTED:
        if (gen != __atomic_load_n(&cpus_kick_gen, __ATOMIC_SEQ_CST)) {
            break;      /* kicked while running: look at INTR again */
        }
        v->halted = true;
        machine_lock_cond_wait(&cpus_cond, CPUS_HALT_POLL_US);
        v->halted = false;
        break;
    case CPU_EXIT_DEBUG:
        /* The stop is carried out on the main loop; wait for it instead
         * of re-entering the CPU, which would stop again at once. */
        vm_stop(RUN_STATE_DEBUG);
        machine_lock_cond_wait(&cpus_cond, CPUS_HALT_POLL_US);
        break;
    default:
        /* Budget, kick, reset (already requested via the platform). */
        break;
    }
}

static gpointer cpus_thread_fn(gpointer opaque)
{
    VCPU *v = opaque;

    cpus_set_current_index(v->index);
    machine_lock();
    while (!cpus_exiting) {
        CPUExitReason reason;
        unsigned gen;

        if (!cpus_may_run) {
            machine_lock_cond_wait(&cpus_cond, 0);
            continue;
        }
        v->in_guest = true;
        gen = __atomic_load_n(&cpus_kick_gen, __ATOMIC_SEQ_CST);
        machine_unlock();
        reason = x86_cpu_run(v->cpu, CPUS_SLICE, NULL);
        machine_lock();
        v->in_guest = false;
        cpus_wake_all();
        cpus_handle_exit(v, reason, gen);
    }
    machine_unlock();
    return NULL;
}

bool cpus_create(Machine *m, Error **errp)
{
    const char *model = m->cfg && m->cfg->cpu_model
                            ? m->cfg->cpu_model
                            : m->cls->default_cpu_model;
    unsigned n = m->cfg && m->cfg->smp_cpus ? m->cfg->smp_cpus : 1;
    unsigned i;

    if (!vcpus) {
        vcpus = g_ptr_array_new();
    }
    m->cpus = g_new0(X86CPU *, n);
    for (i = 0; i < n; i++) {
        VCPU *v = g_new0(VCPU, 1);

        v->platform = (CPUPlatform){
            .opaque = v, .phys_map = cpus_phys_map,
            .phys_read = cpus_phys_read, .phys_write = cpus_phys_write,
            .io_read = cpus_io_read, .io_write = cpus_io_write,
            .intr_ack = cpus_intr_ack, .clock_ns = cpus_clock_ns,
            .request_reset = cpus_request_reset,
            .request_shutdown = cpus_request_shutdown,
            .has_apic = m->has_apic,
            .apic_base_write = cpus_apic_base_write,
        };
        v->index = i;
        v->machine = m;
        v->cpu = x86_cpu_new(model, i, &v->platform, errp);
        if (!v->cpu) {
            g_free(v);
            return false;
        }
        m->cpus[i] = v->cpu;
        m->ncpus = i + 1;
        g_ptr_array_add(vcpus, v);
        v->thread = g_thread_new("vcpu", cpus_thread_fn, v);
    }
    memory_map_add_listener(m->mem, &cpus_listener, m);
    return true;
}
#else
bool cpus_create(Machine *m, Error **errp)
{
    error_setg(errp, "CPU emulation is not built yet");
    return false;
}
#endif

void cpus_resume(void)
{
    cpus_may_run = true;
    cpus_wake_all();
}

void cpus_kick_all(void)
{
    guint i;

    __atomic_add_fetch(&cpus_kick_gen, 1, __ATOMIC_SEQ_CST);
    for (i = 0; vcpus && i < vcpus->len; i++) {
#if HAVE_X86_CPU
        x86_cpu_kick(((VCPU *)g_ptr_array_index(vcpus, i))->cpu);
#endif
    }
    cpus_wake_all();
}

/* Whether any vCPU is executing guest code now. */
static bool cpus_any_in_guest(void)
{
    guint i;

    for (i = 0; vcpus && i < vcpus->len; i++) {
        if (((VCPU *)g_ptr_array_index(vcpus, i))->in_guest) {
            return true;
        }
    }
    return false;
}

void cpus_pause(void)
{
    cpus_may_run = false;
    while (cpus_any_in_guest()) {
        cpus_kick_all();
        machine_lock_cond_wait(&cpus_cond, CPUS_HALT_POLL_US);
    }
}

void cpus_destroy(Machine *m)
{
    guint i;

    machine_lock();
    cpus_exiting = true;
    machine_unlock();
    cpus_kick_all();
    for (i = 0; vcpus && i < vcpus->len; i++) {
        VCPU *v = g_ptr_array_index(vcpus, i);

        g_thread_join(v->thread);
#if HAVE_X86_CPU
        x86_cpu_free(v->cpu);
#endif
        g_free(v);
    }
    if (vcpus) {
        g_ptr_array_free(vcpus, TRUE);
        vcpus = NULL;
    }
    if (m) {
        m->ncpus = 0;
    }
    cpus_exiting = false;
}
