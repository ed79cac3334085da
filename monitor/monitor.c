/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The monitor core: the list of monitors, the glue to their chardevs
 * (connect, disconnect, input with back-pressure), and output with the
 * CRLF line ends QMP and HMP clients expect.  What the bytes mean is up
 * to the monitor's kind (qmp.c, hmp.c).
 *
 * A client that vanishes mid-command harms nothing: the command finishes,
 * its reply goes to a chardev with no peer (which drops it), and the
 * CLOSED notice resets the monitor for the next client.
 */
#include "monitor-internal.h"

#include <string.h>

static GPtrArray *monitors;

static size_t monitor_can_read(void *opaque)
{
    return MONITOR_INPUT_CHUNK;
}

static void monitor_read(void *opaque, const uint8_t *buf, size_t len)
{
    Monitor *mon = opaque;

    mon->ops->input(mon, buf, len);
}

static void monitor_chr_event(void *opaque, ChardevEvent event)
{
    Monitor *mon = opaque;

    switch (event) {
    case CHARDEV_EVENT_OPENED:
        mon->connected = true;
        mon->ops->opened(mon);
        break;
    case CHARDEV_EVENT_CLOSED:
        mon->connected = false;
        mon->ops->closed(mon);
        break;
    }
}

static const ChardevHandlers monitor_chr_handlers = {
    .can_read = monitor_can_read,
    .read = monitor_read,
    .event = monitor_chr_event,
};

Monitor *monitor_new(Chardev *chr, const MonitorOps *ops, Error **errp)
{
    Monitor *mon = g_new0(Monitor, 1);

    mon->chr = chr;
    mon->ops = ops;
    if (!chardev_set_handlers(chr, &monitor_chr_handlers, mon, errp)) {
        g_free(mon);
        return NULL;
    }
    if (!monitors) {
        monitors = g_ptr_array_new();
    }
    g_ptr_array_add(monitors, mon);
    return mon;
}

void monitor_free(Monitor *mon)
{
    if (!mon) {
        return;
    }
    chardev_set_handlers(mon->chr, NULL, NULL, NULL);
    g_ptr_array_remove(monitors, mon);
    mon->ops->destroy(mon);
    g_free(mon);
}

void monitor_cleanup(void)
{
    while (monitors && monitors->len) {
        monitor_free(g_ptr_array_index(monitors, monitors->len - 1));
    }
    if (monitors) {
        g_ptr_array_free(monitors, true);
        monitors = NULL;
    }
    monitor_events_cleanup();
}

void monitor_foreach(void (*fn)(Monitor *mon, void *opaque), void *opaque)
{
    for (guint i = 0; monitors && i < monitors->len; i++) {
        fn(g_ptr_array_index(monitors, i), opaque);
    }
}

void monitor_write(Monitor *mon, const char *text, size_t len)
{
    g_autoptr(GString) out = g_string_sized_new(len + 16);

    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n') {
            g_string_append_c(out, '\r');
        }
        g_string_append_c(out, text[i]);
    }
    if (mon->connected) {
        chardev_write(mon->chr, (const uint8_t *)out->str, out->len);
    }
}

void monitor_puts(Monitor *mon, const char *text)
{
    monitor_write(mon, text, strlen(text));
}
