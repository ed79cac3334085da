/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Debug logging: the -d and -D options.
 *
 * "-d item[,item...]" selects what is logged (QEMU's log items, plus
 * "block" and "trace:PATTERN"); "-D file" sends the log to a file instead
 * of stderr.  Code asks log_enabled() before building an expensive message,
 * or calls log_mask() which does the check itself.
 *
 * The guest is hostile input (STYLE.md principle 5): log_guest_error() and
 * log_unimp() are rate-limited so a guest hammering a bad register cannot
 * flood the host; suppressed messages are counted and reported once the
 * window closes.
 */
#ifndef UTIL_LOG_H
#define UTIL_LOG_H

#include <stdbool.h>
#include <stdio.h>
#include <glib.h>

#include "util/error.h"

/* The log items; one bit each.  See log_print_help() for what they mean. */
enum {
    LOG_GUEST_ERROR = 1u << 0,  /* "guest_errors": the guest misused hw */
    LOG_UNIMP       = 1u << 1,  /* "unimp": unimplemented device features */
    LOG_IN_ASM      = 1u << 2,  /* "in_asm": guest code as it is decoded */
    LOG_EXEC        = 1u << 3,  /* "exec": every executed block */
    LOG_INT         = 1u << 4,  /* "int": interrupts and exceptions */
    LOG_CPU         = 1u << 5,  /* "cpu": CPU state before each block */
    LOG_BLOCK       = 1u << 6,  /* "block": block-layer decisions */
    LOG_TRACE       = 1u << 7,  /* set when a trace point is enabled */
};

/* Messages per rate-limit window for log_guest_error()/log_unimp(). */
#define LOG_RATELIMIT_BURST 50
/* Length of one rate-limit window, in nanoseconds of the realtime clock. */
#define LOG_RATELIMIT_WINDOW_NS 1000000000LL

/* The active mask; read it through log_enabled(). */
extern unsigned log_active_mask;

/**
 * log_enabled() - whether any item of @mask is being logged.
 * @mask: LOG_* bits.
 *
 * Costs one load and a predicted-not-taken branch when logging is off.
 */
static inline bool log_enabled(unsigned mask)
{
    return __builtin_expect((log_active_mask & mask) != 0, 0);
}

/**
 * log_mask() - log a printf-style message if an item of @mask is on.
 * @mask: LOG_* bits.
 *
 * A newline is not added: messages end with "\n" as QEMU's do.  Safe from
 * any thread; one call is written atomically with respect to other calls.
 */
void log_mask(unsigned mask, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/**
 * log_printf() - write to the log unconditionally (for code that already
 * checked log_enabled(), such as a CPU state dump).
 */
void log_printf(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/**
 * log_guest_error() - the guest did something the hardware would reject.
 *
 * Logged under "guest_errors", prefixed "guest error: ", at most
 * %LOG_RATELIMIT_BURST messages per window; the rest are counted and a
 * "N guest error messages suppressed" line follows when the next window
 * opens.  Not an error for the emulator: the caller then behaves as the
 * hardware would.
 */
void log_guest_error(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/**
 * log_unimp() - the guest used a feature Plimsoll does not model.
 *
 * Like log_guest_error() under "unimp", prefixed "unimplemented: ".
 */
void log_unimp(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/**
 * log_set_items() - apply a -d argument such as "guest_errors,unimp" or
 * "int,trace:ide_*".
 * @items: comma-separated log items; "all" selects every item, "none"
 *         none; "trace:PATTERN" enables the trace points whose names match
 *         the glob PATTERN (see util/trace.h).
 *
 * The mask is replaced (the last -d wins); trace patterns accumulate.  An
 * unknown item fails with "Unknown -d log item 'x' (use -d help for a
 * list)" and changes nothing.  "help" is not an item: check
 * log_items_want_help() first.
 */
bool log_set_items(const char *items, Error **errp);

/**
 * log_items_want_help() - whether the -d argument asks for help
 * ("help" or "trace:help" among its items).
 */
bool log_items_want_help(const char *items);

/**
 * log_print_help() - print the help @items asks for on @out: the list of
 * log items for "help", the list of trace points for "trace:help".
 */
void log_print_help(FILE *out, const char *items);

/**
 * log_set_file() - the -D option: log to @path (created or truncated)
 * instead of stderr.  NULL @path returns to stderr.  Fails with *errp
 * ("Could not open log file '/x': ...") and leaves the log unchanged.
 */
bool log_set_file(const char *path, Error **errp);

/**
 * log_set_mask() - set the mask directly (tests, QMP).  Returns the old one.
 */
unsigned log_set_mask(unsigned mask);

/** log_close() - flush and close a -D file (at exit). */
void log_close(void);

#endif /* UTIL_LOG_H */
