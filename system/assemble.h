/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to system/: building the system from the command line, and the
 * POSIX process plumbing (pid file, daemonizing, signals).
 */
#ifndef SYSTEM_ASSEMBLE_H
#define SYSTEM_ASSEMBLE_H

#include "hw/core/machine.h"
#include "system/cmdline.h"
#include "util/error.h"

/**
 * system_assemble() - create chardevs, monitors, block nodes, the machine
 * and its devices from @cfg, and reset the machine.  Call with the machine
 * lock held.  Returns the machine, or NULL with *errp naming the option
 * that failed ("-device foo: 'foo' is not a valid device model name").
 */
Machine *system_assemble(SystemConfig *cfg, Error **errp);

/**
 * os_pidfile_create() - create and lock @path and write our pid to it.
 * Fails when another process holds the lock ("Cannot lock pid file").
 */
bool os_pidfile_create(const char *path, Error **errp);
/** os_pidfile_remove() - unlink the pid file created above, if any. */
void os_pidfile_remove(void);

/**
 * os_daemonize_start() - fork; the parent waits until the child calls
 * os_daemonize_finish() and then exits with the child's start-up status.
 * Returns in the child only.
 */
bool os_daemonize_start(Error **errp);
/** os_daemonize_finish() - start-up succeeded: detach stdio, free the
 *  parent (no-op without -daemonize). */
void os_daemonize_finish(void);

/** os_setup_signals() - SIGTERM, SIGINT and SIGHUP request a shutdown
 *  (cause host-signal) through the main loop; SIGPIPE is ignored. */
void os_setup_signals(void);

#endif /* SYSTEM_ASSEMBLE_H */
