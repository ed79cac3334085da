/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The gdbstub: gdb's remote serial protocol (GDB manual, appendix E) on a
 * chardev, so gdb can stop the VM, read and write registers and memory,
 * set breakpoints, single-step and continue (-s, -gdb DEV).
 */
#ifndef GDBSTUB_GDBSTUB_H
#define GDBSTUB_GDBSTUB_H

#include <stdbool.h>

#include "util/error.h"

typedef struct Machine Machine;

/** The port -s listens on (-gdb tcp::1234). */
#define GDBSTUB_DEFAULT_SPEC "tcp::1234"

/**
 * gdbstub_start() - serve gdb on the chardev @spec (a -serial style
 * shorthand: "tcp::1234", "unix:/path", ...; tcp and unix sockets are made
 * servers that do not wait) for the vCPUs of @m.  "none" starts nothing.
 * Call on the main thread with the machine lock held, after the machine
 * is assembled.  Fails with *errp if the chardev cannot be created or a
 * stub already runs.
 */
bool gdbstub_start(const char *spec, Machine *m, Error **errp);

/** gdbstub_stop() - close the connection and forget the machine (exit). */
void gdbstub_stop(void);

#endif /* GDBSTUB_GDBSTUB_H */
