/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The event bus: the one path every QMP-visible event takes.
 *
 * ARCHITECTURE.md: "Every storage event goes out through one event path that
 * fans out to each connected QMP client, the UI notification overlay, and the
 * log on stderr."  A producer (block layer, runstate, devices) raises an event
 * with its QMP name and its QMP "data" member; the generated QAPI event
 * senders (qapi/) build that data and call event_bus_emit().  Subscribers
 * (the QMP monitors, the UI, the tools' --events printer, tests) are called
 * synchronously, in registration order, in the thread that raised the event,
 * with the bus lock held: a subscriber must not block, must not raise events
 * itself, and should hand work to its own thread or main loop
 * (g_main_context_invoke) when it needs one.
 */
#ifndef UTIL_EVENT_BUS_H
#define UTIL_EVENT_BUS_H

#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>

/**
 * struct BusEvent - one raised event, as QMP clients will see it.
 * @name: QMP event name, e.g. "BLOCK_WRITE_THRESHOLD".
 * @data: the QMP "data" object, or NULL for events without members
 *        (STOP, RESUME).  Borrowed: take json_object_get() to keep it.
 * @seconds: host realtime at the moment the event was raised.
 * @microseconds: likewise.
 */
typedef struct BusEvent {
    const char *name;
    struct json_object *data;
    int64_t seconds;
    int64_t microseconds;
} BusEvent;

typedef void (*EventBusFn)(const BusEvent *ev, void *opaque);

/**
 * event_bus_emit() - raise an event.
 * @name: QMP event name (a static string).
 * @data: the QMP data object or NULL; ownership passes to the bus.
 *
 * Safe to call from any thread.  Returns after every subscriber ran.
 */
void event_bus_emit(const char *name, struct json_object *data);

/**
 * event_bus_subscribe() - call @fn for every later event.
 * Returns a handle for event_bus_unsubscribe() (never 0).
 */
unsigned event_bus_subscribe(EventBusFn fn, void *opaque);
void event_bus_unsubscribe(unsigned handle);

/**
 * event_bus_set_clock() - replace the timestamp source (tests, -icount):
 * @now_us returns microseconds since the epoch.  NULL restores realtime.
 */
void event_bus_set_clock(int64_t (*now_us)(void));

/**
 * event_bus_to_json() - the event as the JSON object QMP sends:
 * {"event", "data"?, "timestamp": {"seconds", "microseconds"}}.
 * Caller owns the result.
 */
struct json_object *event_bus_to_json(const BusEvent *ev);

#endif /* UTIL_EVENT_BUS_H */
