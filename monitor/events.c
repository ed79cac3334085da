/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Event fan-out to QMP monitors, with QEMU's rate limiting.
 *
 * The event bus calls us in whatever thread raised the event, with the bus
 * lock held.  There the event is formatted (so no json-c object crosses a
 * thread) and queued; a bottom half on the main loop drains the queue in
 * bus order and hands each event to every negotiated QMP client.  Nothing
 * polls: an idle monitor costs nothing.
 *
 * Rate limiting (QEMU 7.2's table; BLOCK-QMP-REFERENCE.md 5.6): for each
 * throttled event and key, the first event goes out at once and opens a
 * window of the throttle period; events inside the window replace one
 * pending event (last one wins), which is sent when the window closes and
 * opens a new window; a window that closes with nothing pending ends the
 * throttling.  Events not in the table (storage events, run-state
 * events) are never delayed.
 */
#include "monitor-internal.h"

#include <string.h>

#include "qapi/qjson.h"
#include "util/event-bus.h"
#include "util/main-loop.h"

/* QEMU 7.2 throttles these; @key names the data member that splits
 * them into independent streams (NULL: one stream per event). */
static const struct {
    const char *name;
    const char *key;
} event_throttle_table[] = {
    { "RTC_CHANGE", NULL },
    { "WATCHDOG", NULL },
    { "BALLOON_CHANGE", NULL },
    { "QUORUM_REPORT_BAD", "node-name" },
    { "QUORUM_FAILURE", NULL },
    { "VSERPORT_CHANGE", "id" },
    { "MEMORY_DEVICE_SIZE_CHANGE", "qom-path" },
};

typedef struct QueuedEvent {
    char *compact;      /* the event as one line, no line end */
    char *pretty;       /* the event indented, no final line end */
    char *throttle_key; /* "NAME\nkey" for throttled events, else NULL */
} QueuedEvent;

typedef struct Throttle {
    char *key;
    QueuedEvent *pending;
    guint timer;
} Throttle;

static unsigned bus_handle;
static BH *drain_bh;
static GMutex queue_lock;
static GQueue queue = G_QUEUE_INIT;
static GHashTable *throttles;   /* throttle key -> Throttle */
static unsigned throttle_ms = 1000;

void monitor_set_event_throttle_ms(unsigned ms)
{
    throttle_ms = ms;
}

static void queued_event_free(QueuedEvent *ev)
{
    if (ev) {
        g_free(ev->compact);
        g_free(ev->pretty);
        g_free(ev->throttle_key);
        g_free(ev);
    }
}

static char *event_throttle_key(const BusEvent *ev)
{
    for (size_t i = 0; i < G_N_ELEMENTS(event_throttle_table); i++) {
        const char *member = event_throttle_table[i].key;
        struct json_object *val = NULL;

        if (strcmp(event_throttle_table[i].name, ev->name) != 0) {
            continue;
        }
        if (member && ev->data) {
            json_object_object_get_ex(ev->data, member, &val);
        }
        return g_strdup_printf("%s\n%s", ev->name,
                               val ? json_object_get_string(val) : "");
    }
    return NULL;
}

static void deliver_one(Monitor *mon, void *opaque)
{
    QueuedEvent *ev = opaque;

    monitor_qmp_send_event(mon, ev->compact, ev->pretty);
}

static void event_deliver(QueuedEvent *ev)
{
    monitor_foreach(deliver_one, ev);
}

static gboolean throttle_expired(gpointer opaque)
{
    Throttle *t = opaque;

    if (t->pending) {
        event_deliver(t->pending);
        queued_event_free(t->pending);
        t->pending = NULL;
        return G_SOURCE_CONTINUE;
    }
    t->timer = 0;
    g_hash_table_remove(throttles, t->key);
    return G_SOURCE_REMOVE;
}

static void throttle_free(gpointer opaque)
{
    Throttle *t = opaque;

    if (t->timer) {
        g_source_remove(t->timer);
    }
    queued_event_free(t->pending);
    g_free(t->key);
    g_free(t);
}

/* Main loop: send @ev now, later, or replace an earlier pending one. */
static void event_dispatch(QueuedEvent *ev)
{
    Throttle *t;

    if (!ev->throttle_key) {
        event_deliver(ev);
        queued_event_free(ev);
        return;
    }
    t = g_hash_table_lookup(throttles, ev->throttle_key);
    if (t) {
        queued_event_free(t->pending);
        t->pending = ev;
        return;
    }
    event_deliver(ev);
    t = g_new0(Throttle, 1);
    t->key = g_strdup(ev->throttle_key);
    t->timer = g_timeout_add(throttle_ms, throttle_expired, t);
    g_hash_table_insert(throttles, t->key, t);
    queued_event_free(ev);
}

static void event_drain(void *opaque)
{
    for (;;) {
        QueuedEvent *ev;

        g_mutex_lock(&queue_lock);
        ev = g_queue_pop_head(&queue);
        g_mutex_unlock(&queue_lock);
        if (!ev) {
            return;
        }
        event_dispatch(ev);
    }
}

/* Any thread, bus lock held: format, queue, wake the main loop. */
static void event_from_bus(const BusEvent *bev, void *opaque)
{
    QueuedEvent *ev = g_new0(QueuedEvent, 1);
    struct json_object *obj = event_bus_to_json(bev);

    ev->compact = qjson_to_string(obj, false);
    ev->pretty = qjson_to_string(obj, true);
    ev->throttle_key = event_throttle_key(bev);
    json_object_put(obj);
    g_mutex_lock(&queue_lock);
    g_queue_push_tail(&queue, ev);
    g_mutex_unlock(&queue_lock);
    bh_schedule(drain_bh);
}

void monitor_events_flush(void)
{
    if (bus_handle) {
        event_drain(NULL);
    }
}

void monitor_events_init(void)
{
    if (bus_handle) {
        return;
    }
    throttles = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                      throttle_free);
    drain_bh = bh_new(event_drain, NULL);
    bus_handle = event_bus_subscribe(event_from_bus, NULL);
}

void monitor_events_cleanup(void)
{
    if (!bus_handle) {
        return;
    }
    event_bus_unsubscribe(bus_handle);
    bus_handle = 0;
    bh_delete(drain_bh);
    drain_bh = NULL;
    g_mutex_lock(&queue_lock);
    g_queue_clear_full(&queue, (GDestroyNotify)queued_event_free);
    g_mutex_unlock(&queue_lock);
    g_hash_table_destroy(throttles);
    throttles = NULL;
}
