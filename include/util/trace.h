/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Trace points: named probes that cost one predicted-not-taken branch when
 * off, enabled at run time by "-d trace:PATTERN" (a glob, e.g. "ide_*").
 *
 * There is no hidden registration (STYLE.md principle 4).  Each area keeps
 * an explicit array of its trace points and hands it to trace_add_group()
 * from its own init function, called from main() or from a test:
 *
 *     static TracePoint ide_trace[] = {
 *         [IDE_TRACE_CMD] = { "ide_cmd" },
 *         [IDE_TRACE_DMA] = { "ide_dma" },
 *     };
 *     trace_add_group("ide", ide_trace, G_N_ELEMENTS(ide_trace));
 *     ...
 *     if (trace_enabled(&ide_trace[IDE_TRACE_CMD])) {
 *         trace_emit(&ide_trace[IDE_TRACE_CMD], "cmd=0x%02x", cmd);
 *     }
 *
 * The arguments of trace_emit() are evaluated only inside the if, so a
 * disabled point costs a load and a branch.  Patterns given before a group
 * is added apply to it when it is added.  Output goes to the log (-D).
 */
#ifndef UTIL_TRACE_H
#define UTIL_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <glib.h>

/**
 * struct TracePoint - one trace point.
 * @name: unique name, lower case with underscores, prefixed by its area.
 * @enabled: set by trace_enable_pattern(); read through trace_enabled().
 */
typedef struct TracePoint {
    const char *name;
    bool enabled;
} TracePoint;

/**
 * trace_enabled() - whether @tp is on; the only cost of a disabled point.
 */
static inline bool trace_enabled(const TracePoint *tp)
{
    return __builtin_expect(tp->enabled, 0);
}

/**
 * trace_emit() - write "NAME MESSAGE\n" to the log, prefixed with the
 * realtime clock in microseconds.  Call it only when trace_enabled().
 */
void trace_emit(const TracePoint *tp, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

/**
 * trace_add_group() - make the @n points of @points known under @group.
 * @points: must live as long as the program (a static array).
 *
 * Patterns enabled earlier apply to the new points at once.  Adding the
 * same array twice is harmless.
 */
void trace_add_group(const char *group, TracePoint *points, size_t n);

/**
 * trace_enable_pattern() - switch on (@on) or off every known and future
 * point whose name matches the glob @pattern ('*' and '?').
 * Returns the number of known points it changed.
 */
size_t trace_enable_pattern(const char *pattern, bool on);

/** trace_find() - the point named @name, or NULL. */
TracePoint *trace_find(const char *name);

/** trace_print_list() - list every known point and its state on @out. */
void trace_print_list(FILE *out);

/** trace_reset() - forget all groups and patterns (tests). */
void trace_reset(void);

#endif /* UTIL_TRACE_H */
