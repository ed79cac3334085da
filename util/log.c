/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Debug logging (-d, -D); see include/util/log.h.
 *
 * The item names follow QEMU's -d where the item exists there
 * (guest_errors, unimp, in_asm, exec, int, cpu, trace:PATTERN); "block" is
 * Plimsoll's own.  The log is stderr or a -D file, written under one lock
 * so lines from vCPU threads and the main loop never interleave.
 */
#include "util/log.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "util/clock.h"
#include "util/trace.h"

typedef struct LogItem {
    unsigned mask;
    const char *name;
    const char *help;
} LogItem;

static const LogItem log_items[] = {
    { LOG_GUEST_ERROR, "guest_errors",
      "log when the guest misuses a device or the CPU" },
    { LOG_UNIMP, "unimp", "log use of unimplemented functionality" },
    { LOG_IN_ASM, "in_asm", "show guest code as it is decoded" },
    { LOG_EXEC, "exec", "show every executed block of guest code" },
    { LOG_INT, "int", "show interrupts and exceptions" },
    { LOG_CPU, "cpu", "show the CPU state before each block" },
    { LOG_BLOCK, "block", "log block-layer decisions (allocation, errors)" },
};

/* One rate-limited category of guest-provoked messages. */
typedef struct RateLimit {
    const char *what;       /* "guest error", for the suppressed line */
    int64_t window_start;   /* realtime ns */
    unsigned count;         /* messages in this window */
    unsigned suppressed;    /* messages dropped in this window */
} RateLimit;

unsigned log_active_mask;

static GMutex log_lock;
static FILE *log_file;          /* NULL: stderr */
static RateLimit guest_error_limit = { .what = "guest error" };
static RateLimit unimp_limit = { .what = "unimplemented" };

static FILE *log_out(void)
{
    return log_file ? log_file : stderr;
}

static void log_vprintf_locked(const char *prefix, const char *fmt,
                               va_list ap)
{
    FILE *out = log_out();

    if (prefix) {
        fputs(prefix, out);
    }
    vfprintf(out, fmt, ap);
    fflush(out);
}

void log_printf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_mutex_lock(&log_lock);
    log_vprintf_locked(NULL, fmt, ap);
    g_mutex_unlock(&log_lock);
    va_end(ap);
}

void log_mask(unsigned mask, const char *fmt, ...)
{
    va_list ap;

    if (!log_enabled(mask)) {
        return;
    }
    va_start(ap, fmt);
    g_mutex_lock(&log_lock);
    log_vprintf_locked(NULL, fmt, ap);
    g_mutex_unlock(&log_lock);
    va_end(ap);
}

/*
 * Whether a message of category @rl may be written now; log_lock held.
 * Opening a new window first reports what the last one suppressed.
 */
static bool ratelimit_admit_locked(RateLimit *rl)
{
    int64_t now = clock_get_ns(CLOCK_TYPE_REALTIME);

    if (rl->count == 0 || now - rl->window_start >= LOG_RATELIMIT_WINDOW_NS) {
        if (rl->suppressed) {
            fprintf(log_out(), "%u %s messages suppressed\n", rl->suppressed,
                    rl->what);
        }
        rl->window_start = now;
        rl->count = 0;
        rl->suppressed = 0;
    }
    if (rl->count >= LOG_RATELIMIT_BURST) {
        rl->suppressed++;
        return false;
    }
    rl->count++;
    return true;
}

static void log_limited(unsigned mask, RateLimit *rl, const char *prefix,
                        const char *fmt, va_list ap)
{
    if (!log_enabled(mask)) {
        return;
    }
    g_mutex_lock(&log_lock);
    if (ratelimit_admit_locked(rl)) {
        log_vprintf_locked(prefix, fmt, ap);
    }
    g_mutex_unlock(&log_lock);
}

void log_guest_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_limited(LOG_GUEST_ERROR, &guest_error_limit, "guest error: ", fmt, ap);
    va_end(ap);
}

void log_unimp(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_limited(LOG_UNIMP, &unimp_limit, "unimplemented: ", fmt, ap);
    va_end(ap);
}

static const LogItem *log_item_find(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(log_items); i++) {
        if (!strcmp(log_items[i].name, name)) {
            return &log_items[i];
        }
    }
    return NULL;
}

bool log_items_want_help(const char *items)
{
    g_auto(GStrv) parts = g_strsplit(items, ",", -1);

    for (int i = 0; parts[i]; i++) {
        if (!strcmp(parts[i], "help") || !strcmp(parts[i], "?") ||
            !strcmp(parts[i], "trace:help")) {
            return true;
        }
    }
    return false;
}

/* Check every item of @items; on success *mask has the plain items. */
static bool log_items_check(char **parts, unsigned *mask, Error **errp)
{
    *mask = 0;
    for (int i = 0; parts[i]; i++) {
        const char *p = parts[i];
        const LogItem *item;

        if (g_str_has_prefix(p, "trace:")) {
            if (!p[6]) {
                error_setg(errp, "-d trace: needs a pattern, e.g. "
                           "trace:ide_*");
                return false;
            }
            continue;
        }
        if (!strcmp(p, "all")) {
            for (size_t j = 0; j < G_N_ELEMENTS(log_items); j++) {
                *mask |= log_items[j].mask;
            }
            continue;
        }
        if (!strcmp(p, "none")) {
            continue;
        }
        item = log_item_find(p);
        if (!item) {
            error_setg(errp, "Unknown -d log item '%s' (use -d help for a "
                       "list)", p);
            return false;
        }
        *mask |= item->mask;
    }
    return true;
}

bool log_set_items(const char *items, Error **errp)
{
    g_auto(GStrv) parts = NULL;
    unsigned mask;
    bool tracing = false;

    if (!items || !*items) {
        error_setg(errp, "-d needs a list of log items (use -d help)");
        return false;
    }
    parts = g_strsplit(items, ",", -1);
    if (!log_items_check(parts, &mask, errp)) {
        return false;
    }
    for (int i = 0; parts[i]; i++) {
        if (g_str_has_prefix(parts[i], "trace:")) {
            trace_enable_pattern(parts[i] + 6, true);
            tracing = true;
        }
    }
    if (tracing) {
        mask |= LOG_TRACE;
    }
    log_set_mask(mask);
    return true;
}

void log_print_help(FILE *out, const char *items)
{
    if (items && strstr(items, "trace:help")) {
        trace_print_list(out);
        return;
    }
    fprintf(out, "Log items (comma separated):\n");
    for (size_t i = 0; i < G_N_ELEMENTS(log_items); i++) {
        fprintf(out, "%-15s %s\n", log_items[i].name, log_items[i].help);
    }
    fprintf(out, "%-15s %s\n", "all", "every item above");
    fprintf(out, "%-15s %s\n", "trace:PATTERN",
            "enable the trace points matching PATTERN (glob)");
    fprintf(out, "\nUse \"-d trace:help\" to list the trace points.\n");
}

bool log_set_file(const char *path, Error **errp)
{
    FILE *f = NULL;

    if (path) {
        f = fopen(path, "w");
        if (!f) {
            error_setg_errno(errp, errno, "Could not open log file '%s'",
                             path);
            return false;
        }
        setvbuf(f, NULL, _IOLBF, 0);
    }
    g_mutex_lock(&log_lock);
    if (log_file) {
        fclose(log_file);
    }
    log_file = f;
    g_mutex_unlock(&log_lock);
    return true;
}

unsigned log_set_mask(unsigned mask)
{
    return __atomic_exchange_n(&log_active_mask, mask, __ATOMIC_SEQ_CST);
}

void log_close(void)
{
    log_set_file(NULL, NULL);
}
