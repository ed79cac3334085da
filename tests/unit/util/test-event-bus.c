/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for util/event-bus.c: fan-out order, payload ownership,
 * timestamps, unsubscribe, and a total order under concurrent emitters.
 */
#include <glib.h>
#include <string.h>

#include "util/event-bus.h"

typedef struct Seen {
    GPtrArray *names;
    int64_t last_seconds;
} Seen;

static void record(const BusEvent *ev, void *opaque)
{
    Seen *s = opaque;

    g_ptr_array_add(s->names, g_strdup(ev->name));
    s->last_seconds = ev->seconds;
}

static int64_t fixed_clock(void)
{
    return 1234 * G_USEC_PER_SEC + 56;
}

static void test_fanout_and_json(void)
{
    Seen a = { g_ptr_array_new_with_free_func(g_free) };
    Seen b = { g_ptr_array_new_with_free_func(g_free) };
    unsigned ha = event_bus_subscribe(record, &a);
    unsigned hb = event_bus_subscribe(record, &b);
    struct json_object *data = json_object_new_object();

    event_bus_set_clock(fixed_clock);
    json_object_object_add(data, "node-name", json_object_new_string("n0"));
    event_bus_emit("BLOCK_WRITE_THRESHOLD", data);
    event_bus_emit("STOP", NULL);
    g_assert_cmpuint(a.names->len, ==, 2);
    g_assert_cmpuint(b.names->len, ==, 2);
    g_assert_cmpstr(a.names->pdata[1], ==, "STOP");
    g_assert_cmpint(a.last_seconds, ==, 1234);

    event_bus_unsubscribe(hb);
    event_bus_emit("RESUME", NULL);
    g_assert_cmpuint(a.names->len, ==, 3);
    g_assert_cmpuint(b.names->len, ==, 2);
    event_bus_unsubscribe(ha);
    event_bus_set_clock(NULL);
    g_ptr_array_free(a.names, true);
    g_ptr_array_free(b.names, true);
}

static void test_to_json(void)
{
    struct json_object *data = json_object_new_object();
    BusEvent ev = { "BLOCK_IMAGE_CORRUPTED", data, 5, 7 };
    struct json_object *obj;
    struct json_object *ts;

    obj = event_bus_to_json(&ev);
    g_assert_cmpstr(json_object_get_string(json_object_object_get(obj, "event")),
                    ==, "BLOCK_IMAGE_CORRUPTED");
    g_assert_true(json_object_object_get_ex(obj, "timestamp", &ts));
    g_assert_cmpint(json_object_get_int64(json_object_object_get(ts, "microseconds")),
                    ==, 7);
    g_assert_true(json_object_object_get_ex(obj, "data", NULL));
    json_object_put(obj);
    json_object_put(data);

    ev.data = NULL;
    obj = event_bus_to_json(&ev);
    g_assert_false(json_object_object_get_ex(obj, "data", NULL));
    json_object_put(obj);
}

static int counter;

static void count(const BusEvent *ev, void *opaque)
{
    /* Subscribers run under the bus lock: a plain increment is safe. */
    counter++;
}

static gpointer emitter(gpointer unused)
{
    for (int i = 0; i < 1000; i++) {
        event_bus_emit("X", json_object_new_object());
    }
    return NULL;
}

static void test_threads(void)
{
    unsigned h = event_bus_subscribe(count, NULL);
    GThread *t[4];

    counter = 0;
    for (int i = 0; i < 4; i++) {
        t[i] = g_thread_new("emit", emitter, NULL);
    }
    for (int i = 0; i < 4; i++) {
        g_thread_join(t[i]);
    }
    g_assert_cmpint(counter, ==, 4000);
    event_bus_unsubscribe(h);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/util/event-bus/fanout", test_fanout_and_json);
    g_test_add_func("/util/event-bus/to-json", test_to_json);
    g_test_add_func("/util/event-bus/threads", test_threads);
    return g_test_run();
}
