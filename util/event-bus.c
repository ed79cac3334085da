/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The event bus; see include/util/event-bus.h.  A fixed table of
 * subscribers under one mutex: events are rare (thresholds, errors, run-state
 * changes), so simplicity and a strict total order matter more than
 * concurrency.  The order in which subscribers see events is the order in
 * which the bus accepted them, the same for every subscriber.
 */
#include "util/event-bus.h"

#include <glib.h>

#define EVENT_BUS_MAX_SUBSCRIBERS 64

typedef struct Subscriber {
    unsigned handle;
    EventBusFn fn;
    void *opaque;
} Subscriber;

static GMutex bus_lock;
static Subscriber subscribers[EVENT_BUS_MAX_SUBSCRIBERS];
static unsigned next_handle = 1;
static int64_t (*bus_clock)(void);

void event_bus_set_clock(int64_t (*now_us)(void))
{
    g_mutex_lock(&bus_lock);
    bus_clock = now_us;
    g_mutex_unlock(&bus_lock);
}

void event_bus_emit(const char *name, struct json_object *data)
{
    BusEvent ev = { .name = name, .data = data };
    int64_t now;

    g_mutex_lock(&bus_lock);
    now = bus_clock ? bus_clock() : g_get_real_time();
    if (now < 0) {
        ev.seconds = -1;
        ev.microseconds = -1;
    } else {
        ev.seconds = now / G_USEC_PER_SEC;
        ev.microseconds = now % G_USEC_PER_SEC;
    }
    for (int i = 0; i < EVENT_BUS_MAX_SUBSCRIBERS; i++) {
        if (subscribers[i].fn) {
            subscribers[i].fn(&ev, subscribers[i].opaque);
        }
    }
    g_mutex_unlock(&bus_lock);
    json_object_put(data);
}

unsigned event_bus_subscribe(EventBusFn fn, void *opaque)
{
    unsigned handle = 0;

    g_mutex_lock(&bus_lock);
    for (int i = 0; i < EVENT_BUS_MAX_SUBSCRIBERS; i++) {
        if (!subscribers[i].fn) {
            handle = next_handle++;
            subscribers[i] = (Subscriber){ handle, fn, opaque };
            break;
        }
    }
    g_mutex_unlock(&bus_lock);
    /* The table is sized for every monitor and UI a VM can have. */
    g_assert(handle != 0);
    return handle;
}

void event_bus_unsubscribe(unsigned handle)
{
    g_mutex_lock(&bus_lock);
    for (int i = 0; i < EVENT_BUS_MAX_SUBSCRIBERS; i++) {
        if (subscribers[i].handle == handle) {
            subscribers[i] = (Subscriber){ 0 };
        }
    }
    g_mutex_unlock(&bus_lock);
}

struct json_object *event_bus_to_json(const BusEvent *ev)
{
    struct json_object *obj = json_object_new_object();
    struct json_object *ts = json_object_new_object();

    json_object_object_add(ts, "seconds", json_object_new_int64(ev->seconds));
    json_object_object_add(ts, "microseconds",
                           json_object_new_int64(ev->microseconds));
    json_object_object_add(obj, "timestamp", ts);
    json_object_object_add(obj, "event", json_object_new_string(ev->name));
    if (ev->data) {
        json_object_object_add(obj, "data", json_object_get(ev->data));
    }
    return obj;
}
