/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the parts of monitor/ share: the Monitor structure, the core's
 * output helpers, and the hooks between the core (monitor.c), the QMP
 * protocol (qmp.c), the human monitor (hmp.c) and the event fan-out
 * (events.c).  Not for use outside monitor/.
 */
#ifndef MONITOR_MONITOR_INTERNAL_H
#define MONITOR_MONITOR_INTERNAL_H

#include <glib.h>

#include "monitor/monitor.h"
#include "monitor/qmp-dispatch.h"
#include "qapi/json-stream.h"

/* The QEMU release whose QMP Plimsoll speaks; see query-version. */
#define QMP_QEMU_MAJOR 7
#define QMP_QEMU_MINOR 2
#define QMP_QEMU_MICRO 0

/* Input is taken in pieces of at most this size. */
#define MONITOR_INPUT_CHUNK 4096

/**
 * struct MonitorOps - what a kind of monitor does with its chardev.
 * @opened: a client connected (send the greeting).
 * @closed: the client went away (forget its state).
 * @input: bytes from the client.
 * @destroy: free the kind-specific state.
 */
typedef struct MonitorOps {
    void (*opened)(Monitor *mon);
    void (*closed)(Monitor *mon);
    void (*input)(Monitor *mon, const uint8_t *buf, size_t len);
    void (*destroy)(Monitor *mon);
} MonitorOps;

struct Monitor {
    Chardev *chr;
    const MonitorOps *ops;
    bool connected;
    bool pretty;
    /* QMP only */
    bool is_qmp;
    QmpSession session;
    JsonStream *stream;
    /* HMP only */
    GString *line;
};

/** monitor_new() - attach a new monitor of kind @ops to @chr. */
Monitor *monitor_new(Chardev *chr, const MonitorOps *ops, Error **errp);

/** monitor_write() - send @len bytes, turning each "\n" into "\r\n". */
void monitor_write(Monitor *mon, const char *text, size_t len);
void monitor_puts(Monitor *mon, const char *text);

/** monitor_foreach() - call @fn for every monitor, in creation order. */
void monitor_foreach(void (*fn)(Monitor *mon, void *opaque), void *opaque);

/* qmp.c: send one event (already formatted, compact and pretty). */
void monitor_qmp_send_event(Monitor *mon, const char *compact,
                            const char *pretty);

/* qmp.c: the greeting's "version" object (the query-version result). */
struct json_object *qmp_version_json(void);

/* events.c */
void monitor_events_init(void);
void monitor_events_cleanup(void);
/* Main loop only: deliver queued events now (the process is exiting). */
void monitor_events_flush(void);

/* qmp-cmds-run-state.c */
void monitor_runstate_events_init(void);

/* hmp.c: run one HMP command line, appending its output to @out. */
void hmp_run_line(const char *line, GString *out);

/**
 * qmp_throttle_fill_info() - the throttle members of @info for @blk
 * (monitor/qmp-cmds-throttle.c); @info may be NULL.
 */
struct BlockDeviceInfo;
struct BlockBackend;
void qmp_throttle_fill_info(struct BlockBackend *blk,
                            struct BlockDeviceInfo *info);

/**
 * qmp_removable_fill_info() - query-block's removable, locked and
 * tray_open for @blk (monitor/qmp-cmds-removable.c).
 */
struct BlockInfo;
void qmp_removable_fill_info(struct BlockBackend *blk,
                             struct BlockInfo *info);

/* HMP block job and throttle commands (monitor/hmp-cmds-jobs.c). */
void hmp_info_block_jobs(GString *out, int argc, char **argv);
void hmp_block_stream(GString *out, int argc, char **argv);
void hmp_block_job_set_speed(GString *out, int argc, char **argv);
void hmp_block_job_cancel(GString *out, int argc, char **argv);
void hmp_block_job_pause(GString *out, int argc, char **argv);
void hmp_block_job_resume(GString *out, int argc, char **argv);
void hmp_block_job_complete(GString *out, int argc, char **argv);
void hmp_block_set_io_throttle(GString *out, int argc, char **argv);

#endif /* MONITOR_MONITOR_INTERNAL_H */
