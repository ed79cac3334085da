/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CPU test machine: one vCPU, flat RAM, a debug console port and an
 * exit port, so CPU test programs run without the PC (see test-machine.c).
 */
#ifndef ACCEL_TEST_MACHINE_H
#define ACCEL_TEST_MACHINE_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

#include "exec/cpu-iface.h"
#include "util/error.h"

/* I/O ports: QEMU's isa-debugcon and isa-debug-exit defaults. */
#define TEST_MACHINE_PORT_CONSOLE 0xe9
#define TEST_MACHINE_PORT_EXIT    0xf4

typedef struct TestMachine {
    /* properties */
    size_t ram_size;
    /* state */
    uint8_t *ram;
    X86CPU *cpu;
    int64_t clock_ns;           /* virtual: advances 1 ns per instruction */
    bool exited;
    uint32_t exit_code;
    bool reset;                 /* triple fault */
    GString *console;
    bool echo;                  /* copy console output to stdout */
    unsigned irq_vector;        /* test interrupt source (port 0xe0) */
    bool irq_pending;
} TestMachine;

/**
 * test_machine_new() - a machine with @ram_mb MiB of RAM (1..3072) and a
 * vCPU in its RESET state.  The top 64 KiB below 4 GiB alias RAM
 * 0xf0000-0xfffff, like the PC BIOS area, so a 64 KiB image loaded at
 * 0xf0000 starts at the reset vector.
 */
TestMachine *test_machine_new(unsigned ram_mb, Error **errp);
void test_machine_free(TestMachine *m);

/** test_machine_load() - copy @len bytes to guest-physical @addr. */
bool test_machine_load(TestMachine *m, uint64_t addr, const void *data,
                       size_t len, Error **errp);

/**
 * test_machine_load_multiboot() - load a multiboot (v1) kernel image whose
 * header has the address fields (flags bit 16), write a minimal info
 * structure and set the CPU to the multiboot hand-off state.
 */
bool test_machine_load_multiboot(TestMachine *m, const uint8_t *img,
                                 size_t len, Error **errp);

/**
 * test_machine_run() - run until the exit port is written, a triple fault,
 * HLT with interrupts disabled, or @max_insns instructions.  Returns the
 * number of instructions executed.
 */
uint64_t test_machine_run(TestMachine *m, uint64_t max_insns);

#endif /* ACCEL_TEST_MACHINE_H */
