/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Monitors: the QMP (JSON) and HMP (human) command interfaces, each on a
 * chardev.  Any number of monitors may exist; each serves one client at a
 * time (the chardev's), and the next one after it disconnects.
 *
 * Start-up (system/): call monitor_init_globals() once, early, so that
 * run-state events reach the event bus even before any monitor exists;
 * then one monitor_init_*() per -qmp, -monitor and -mon option.  Everything
 * runs on the main loop; events may be raised from any thread (they reach
 * the monitors through the event bus and a bottom half).
 */
#ifndef MONITOR_MONITOR_H
#define MONITOR_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>

#include "qapi/qmp-registry.h"
#include "util/chardev.h"
#include "util/error.h"

typedef struct Monitor Monitor;

/**
 * monitor_init_globals() - hook run-state changes to the STOP, RESUME,
 * RESET, SHUTDOWN and POWERDOWN events and subscribe the monitors to the
 * event bus.  Idempotent; the monitor_init_*() functions call it.  Needs
 * the run-state module (system/runstate.c).
 */
void monitor_init_globals(void);

/**
 * monitor_init_qmp() - a QMP monitor on @chr with every command of the
 * schema.  @pretty: indent replies and events (-mon pretty=on).
 * Fails when @chr already has a frontend.
 */
Monitor *monitor_init_qmp(Chardev *chr, bool pretty, Error **errp);

/** monitor_init_hmp() - a human monitor on @chr (-monitor, mode=readline). */
Monitor *monitor_init_hmp(Chardev *chr, Error **errp);

/**
 * monitor_init_opts() - -mon options as keyval_parse() makes them:
 * "chardev" (required), "mode" ("readline", the default, or "control"),
 * "pretty" ("on"/"off", control mode only).  Errors use QEMU's wording,
 * e.g. "chardev "x" not found".
 */
Monitor *monitor_init_opts(struct json_object *opts, Error **errp);

/**
 * monitor_new_qmp() - a QMP monitor with an explicit command table (the
 * generated qmp_command_table for real monitors; a small one in tests).
 * The table must outlive the monitor.
 */
Monitor *monitor_new_qmp(Chardev *chr, bool pretty, const QmpCommand *table,
                         size_t table_len, Error **errp);

/** monitor_free() - detach from the chardev and free (the chardev stays). */
void monitor_free(Monitor *mon);

/** monitor_cleanup() - free every monitor (at exit). */
void monitor_cleanup(void);

/**
 * monitor_set_event_throttle_ms() - the rate-limit period of throttled
 * events (QEMU: 1000 ms).  For tests.
 */
void monitor_set_event_throttle_ms(unsigned ms);

#endif /* MONITOR_MONITOR_H */
