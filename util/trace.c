/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Trace points; see include/util/trace.h.
 *
 * Groups are kept in a small array in the order they were added; patterns
 * are remembered so a group added after "-d trace:..." was parsed picks
 * them up.  Enabling is rare and done under a lock; checking a point is a
 * plain load of its bool.
 */
#include "util/trace.h"

#include <stdarg.h>
#include <string.h>

#include "util/clock.h"
#include "util/log.h"

typedef struct TraceGroup {
    const char *name;
    TracePoint *points;
    size_t n;
} TraceGroup;

typedef struct TracePattern {
    char *glob;
    bool on;
} TracePattern;

static GMutex trace_lock;
static GArray *trace_groups;     /* of TraceGroup */
static GArray *trace_patterns;   /* of TracePattern, in the order given */

static void trace_init_locked(void)
{
    if (!trace_groups) {
        trace_groups = g_array_new(false, true, sizeof(TraceGroup));
        trace_patterns = g_array_new(false, true, sizeof(TracePattern));
    }
}

/* Apply one pattern to one group; returns the points it changed. */
static size_t trace_apply(const TracePattern *pat, const TraceGroup *g)
{
    size_t changed = 0;

    for (size_t i = 0; i < g->n; i++) {
        TracePoint *tp = &g->points[i];

        if (g_pattern_match_simple(pat->glob, tp->name) &&
            tp->enabled != pat->on) {
            __atomic_store_n(&tp->enabled, pat->on, __ATOMIC_RELAXED);
            changed++;
        }
    }
    return changed;
}

void trace_add_group(const char *group, TracePoint *points, size_t n)
{
    TraceGroup g = { group, points, n };

    g_mutex_lock(&trace_lock);
    trace_init_locked();
    for (guint i = 0; i < trace_groups->len; i++) {
        if (g_array_index(trace_groups, TraceGroup, i).points == points) {
            g_mutex_unlock(&trace_lock);
            return;
        }
    }
    g_array_append_val(trace_groups, g);
    for (guint i = 0; i < trace_patterns->len; i++) {
        trace_apply(&g_array_index(trace_patterns, TracePattern, i), &g);
    }
    g_mutex_unlock(&trace_lock);
}

size_t trace_enable_pattern(const char *pattern, bool on)
{
    TracePattern pat = { g_strdup(pattern), on };
    size_t changed = 0;

    g_mutex_lock(&trace_lock);
    trace_init_locked();
    g_array_append_val(trace_patterns, pat);
    for (guint i = 0; i < trace_groups->len; i++) {
        changed += trace_apply(&pat,
                               &g_array_index(trace_groups, TraceGroup, i));
    }
    g_mutex_unlock(&trace_lock);
    return changed;
}

TracePoint *trace_find(const char *name)
{
    TracePoint *found = NULL;

    g_mutex_lock(&trace_lock);
    for (guint i = 0; trace_groups && i < trace_groups->len && !found; i++) {
        TraceGroup *g = &g_array_index(trace_groups, TraceGroup, i);

        for (size_t j = 0; j < g->n; j++) {
            if (!strcmp(g->points[j].name, name)) {
                found = &g->points[j];
                break;
            }
        }
    }
    g_mutex_unlock(&trace_lock);
    return found;
}

void trace_print_list(FILE *out)
{
    g_mutex_lock(&trace_lock);
    fprintf(out, "Trace points (enable with -d trace:PATTERN):\n");
    for (guint i = 0; trace_groups && i < trace_groups->len; i++) {
        TraceGroup *g = &g_array_index(trace_groups, TraceGroup, i);

        for (size_t j = 0; j < g->n; j++) {
            fprintf(out, "%-32s %-10s %s\n", g->points[j].name, g->name,
                    g->points[j].enabled ? "on" : "off");
        }
    }
    g_mutex_unlock(&trace_lock);
}

void trace_emit(const TracePoint *tp, const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    log_printf("%" G_GINT64_FORMAT " %s %s\n",
               clock_get_ns(CLOCK_TYPE_REALTIME) / 1000, tp->name, msg);
}

void trace_reset(void)
{
    g_mutex_lock(&trace_lock);
    if (trace_groups) {
        for (guint i = 0; i < trace_groups->len; i++) {
            TraceGroup *g = &g_array_index(trace_groups, TraceGroup, i);

            for (size_t j = 0; j < g->n; j++) {
                g->points[j].enabled = false;
            }
        }
        for (guint i = 0; i < trace_patterns->len; i++) {
            g_free(g_array_index(trace_patterns, TracePattern, i).glob);
        }
        g_array_free(trace_groups, true);
        g_array_free(trace_patterns, true);
        trace_groups = NULL;
        trace_patterns = NULL;
    }
    g_mutex_unlock(&trace_lock);
}
