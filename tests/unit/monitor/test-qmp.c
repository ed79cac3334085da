/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests of the QMP server (monitor/): greeting, negotiation, the request
 * envelope and id echo, JSON errors and recovery, events (shape, CRLF,
 * other threads, only to negotiated clients, two monitors, throttling),
 * reconnects and a client that vanishes.  The monitors run on real unix
 * socket chardevs served by this test's main loop, with a command table
 * of the protocol commands plus two test commands.
 */
#include <glib/gstdio.h>

#include "monitor/monitor.h"
#include "qapi/qapi-commands.h"
#include "qapi/qapi-events.h"
#include "qapi/qjson.h"
#include "qmp-test-client.h"
#include "util/event-bus.h"

static void test_echo(struct json_object *args, struct json_object **ret,
                      Error **errp)
{
    *ret = json_object_get(args);
}

static void test_fail(struct json_object *args, struct json_object **ret,
                      Error **errp)
{
    error_set_class(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                    "Device 'x' not found");
}

static const QmpCommand test_table[] = {
    { "qmp_capabilities", qmp_marshal_qmp_capabilities, 0 },
    { "query-version", qmp_marshal_query_version, 0 },
    { "query-commands", qmp_marshal_query_commands, 0 },
    { "query-qmp-schema", qmp_marshal_query_qmp_schema, 0 },
    { "x-echo", test_echo, 0 },
    { "x-fail", test_fail, 0 },
};

typedef struct Fixture {
    char *dir;
    char *path[2];
    Chardev *chr[2];
    Monitor *mon[2];
} Fixture;

static void fixture_up(Fixture *f, gconstpointer data)
{
    f->dir = g_dir_make_tmp("test-qmp-XXXXXX", NULL);
    for (int i = 0; i < 2; i++) {
        g_autofree char *spec = NULL;
        g_autofree char *id = g_strdup_printf("qmp%d", i);

        f->path[i] = g_strdup_printf("%s/qmp%d.sock", f->dir, i);
        spec = g_strdup_printf("unix:%s,server=on,wait=off", f->path[i]);
        f->chr[i] = chardev_new_shorthand(id, spec, &error_abort);
        f->mon[i] = monitor_new_qmp(f->chr[i], i == 1 && data, test_table,
                                    G_N_ELEMENTS(test_table), &error_abort);
    }
}

static void fixture_down(Fixture *f, gconstpointer data)
{
    monitor_cleanup();
    for (int i = 0; i < 2; i++) {
        chardev_delete(f->chr[i]);
        g_unlink(f->path[i]);
        g_free(f->path[i]);
    }
    g_rmdir(f->dir);
    g_free(f->dir);
}

/* Sends @req and checks the next line is exactly @want. */
static void expect(TestClient *c, const char *req, const char *want)
{
    g_autofree char *line = NULL;

    if (req) {
        tc_send(c, req);
    }
    line = tc_line(c);
    g_assert_nonnull(line);
    g_assert_cmpstr(line, ==, want);
}

#define GREETING "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, " \
    "\"minor\": 2, \"major\": 7}, \"package\": \"Plimsoll " \
    PLIMSOLL_VERSION_FOR_TEST "\"}, \"capabilities\": []}}"

/* One message: a line, or with pretty=on the lines up to "}". */
static char *tc_message(TestClient *c)
{
    char *line = tc_line(c);
    GString *msg;

    g_assert_nonnull(line);
    if (strcmp(line, "{") != 0) {
        return line;
    }
    msg = g_string_new(line);
    g_free(line);
    do {
        line = tc_line(c);
        g_assert_nonnull(line);
        g_string_append_printf(msg, "\n%s", line);
    } while (strcmp(line, "}") != 0 && (g_free(line), true));
    g_free(line);
    return g_string_free(msg, false);
}

static TestClient *connect_negotiated(Fixture *f, int i)
{
    TestClient *c = tc_connect(f->path[i]);
    g_autofree char *greeting = tc_message(c);
    g_autofree char *reply = NULL;

    g_assert_true(g_str_has_prefix(greeting, "{\"QMP\": ") ||
                  g_str_has_prefix(greeting, "{\n    \"QMP\": "));
    tc_send(c, "{\"execute\": \"qmp_capabilities\"}");
    reply = tc_message(c);
    g_assert_true(!strcmp(reply, "{\"return\": {}}") ||
                  !strcmp(reply, "{\n    \"return\": {}\n}"));
    return c;
}

static void test_greeting_negotiation(Fixture *f, gconstpointer data)
{
    TestClient *c = tc_connect(f->path[0]);

    expect(c, NULL, GREETING);
    expect(c, "{\"execute\": \"query-version\", \"id\": 1}",
           "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": "
           "\"Expecting capabilities negotiation with 'qmp_capabilities'\"}, "
           "\"id\": 1}");
    expect(c, "{\"execute\": \"no-such\"}",
           "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": "
           "\"Expecting capabilities negotiation with 'qmp_capabilities'\"}}");
    /* No events before negotiation. */
    qapi_event_send_stop();
    g_assert_true(tc_quiet(c, 50));
    expect(c, "{\"execute\": \"qmp_capabilities\", "
              "\"arguments\": {\"enable\": [\"oob\"]}}",
           "{\"error\": {\"class\": \"GenericError\", \"desc\": "
           "\"Capability oob not available\"}}");
    expect(c, "{\"execute\": \"qmp_capabilities\", "
              "\"arguments\": {\"enable\": [\"fast\"]}}",
           "{\"error\": {\"class\": \"GenericError\", \"desc\": "
           "\"Parameter 'enable[0]' does not accept value 'fast'\"}}");
    expect(c, "{\"execute\": \"qmp_capabilities\", \"id\": \"a\"}",
           "{\"return\": {}, \"id\": \"a\"}");
    expect(c, "{\"execute\": \"qmp_capabilities\"}",
           "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": "
           "\"Capabilities negotiation is already complete, command "
           "ignored\"}}");
    expect(c, "{'execute': 'query-version'}",
           "{\"return\": {\"qemu\": {\"major\": 7, \"minor\": 2, "
           "\"micro\": 0}, \"package\": \"Plimsoll " PLIMSOLL_VERSION_FOR_TEST
           "\"}}");
    expect(c, "{'execute': 'query-commands'}",
           "{\"return\": [{\"name\": \"qmp_capabilities\"}, "
           "{\"name\": \"query-version\"}, {\"name\": \"query-commands\"}, "
           "{\"name\": \"query-qmp-schema\"}, {\"name\": \"x-echo\"}, "
           "{\"name\": \"x-fail\"}]}");
    tc_close(c);
}

static void test_envelope(Fixture *f, gconstpointer data)
{
    TestClient *c = connect_negotiated(f, 0);

    expect(c, "{\"execute\": \"x-echo\", \"arguments\": {\"a\": [1]}, "
              "\"id\": {\"deep\": [null, true, 1.5, \"\\u00e9\"]}}",
           "{\"return\": {\"a\": [1]}, \"id\": {\"deep\": [null, true, 1.5, "
           "\"\\u00e9\"]}}");
    expect(c, "[1]", "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                     "\"QMP input must be a JSON object\"}}");
    expect(c, "{\"id\": 5}", "{\"error\": {\"class\": \"GenericError\", "
           "\"desc\": \"QMP input lacks member 'execute'\"}, \"id\": 5}");
    expect(c, "{\"execute\": 1, \"id\": 6}",
           "{\"error\": {\"class\": \"GenericError\", \"desc\": "
           "\"QMP input member 'execute' must be a string\"}, \"id\": 6}");
    expect(c, "{\"execute\": \"x-echo\", \"arguments\": [], \"id\": 7}",
           "{\"error\": {\"class\": \"GenericError\", \"desc\": "
           "\"QMP input member 'arguments' must be an object\"}, \"id\": 7}");
    expect(c, "{\"execute\": \"x-echo\", \"extra\": 1}",
           "{\"error\": {\"class\": \"GenericError\", \"desc\": "
           "\"QMP input member 'extra' is unexpected\"}}");
    expect(c, "{\"execute\": \"x-echo\", \"exec-oob\": \"x-echo\"}",
           "{\"error\": {\"class\": \"GenericError\", \"desc\": "
           "\"QMP input member 'exec-oob' clashes with 'execute'\"}}");
    expect(c, "{\"exec-oob\": \"x-echo\"}",
           "{\"error\": {\"class\": \"GenericError\", \"desc\": "
           "\"The command x-echo does not support OOB\"}}");
    expect(c, "{\"execute\": \"nope\", \"id\": [2]}",
           "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": "
           "\"The command nope has not been found\"}, \"id\": [2]}");
    expect(c, "{\"execute\": \"x-fail\", \"id\": 8}",
           "{\"error\": {\"class\": \"DeviceNotFound\", \"desc\": "
           "\"Device 'x' not found\"}, \"id\": 8}");
    expect(c, "{\"execute\": \"query-version\", \"arguments\": {\"x\": 1}}",
           "{\"error\": {\"class\": \"GenericError\", \"desc\": "
           "\"Parameter 'x' is unexpected\"}}");
    tc_close(c);
}

static void test_malformed(Fixture *f, gconstpointer data)
{
    TestClient *c = connect_negotiated(f, 0);
    static const char *const bad[] = {
        "{]", "{\xff", "{\x01", "{'bad \xff'", "}",
    };
    GString *deep = g_string_new(NULL);

    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autofree char *line = NULL;

        tc_send(c, bad[i]);
        line = tc_line(c);
        g_assert_nonnull(line);
        g_assert_true(g_str_has_prefix(line, "{\"error\": {\"class\": "
                                       "\"GenericError\", \"desc\": "
                                       "\"JSON parse error"));
        g_assert_null(strstr(line, "\"id\""));
        expect(c, "{\"execute\": \"x-echo\", \"id\": 1}",
               "{\"return\": {}, \"id\": 1}");
    }
    for (int i = 0; i < 5000; i++) {
        g_string_append_c(deep, '{');
    }
    tc_send(c, deep->str);
    expect(c, NULL, "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                    "\"JSON nesting depth limit exceeded\"}}");
    g_string_assign(deep, "");
    for (int i = 0; i < 5000; i++) {
        g_string_append_c(deep, '}');
    }
    tc_send(c, deep->str);
    expect(c, "{\"execute\": \"x-echo\", \"id\": 2}",
           "{\"return\": {}, \"id\": 2}");
    g_string_free(deep, true);
    tc_close(c);
}

static gpointer emit_from_thread(gpointer data)
{
    qapi_event_send_block_write_threshold("prot0", 1, 1048576);
    return NULL;
}

static void test_events(Fixture *f, gconstpointer data)
{
    TestClient *a = connect_negotiated(f, 0);
    TestClient *b = connect_negotiated(f, 1);
    g_autofree char *line = NULL;
    struct json_object *ev = NULL, *ts;
    GThread *th;

    qapi_event_send_stop();
    line = tc_line(a);
    g_assert_nonnull(line);
    g_assert_true(qjson_parse(line, &ev, NULL));
    g_assert_cmpstr(json_object_get_string(json_object_object_get(ev, "event")),
                    ==, "STOP");
    g_assert_false(json_object_object_get_ex(ev, "data", NULL));
    ts = json_object_object_get(ev, "timestamp");
    g_assert_cmpint(json_object_get_int64(json_object_object_get(ts, "seconds")),
                    >, 1600000000);
    g_assert_true(json_object_object_get_ex(ts, "microseconds", NULL));
    json_object_put(ev);
    g_free(g_steal_pointer(&line));
    /* The second monitor is pretty: several lines, same content. */
    line = tc_message(b);
    g_assert_true(g_str_has_prefix(line, "{\n    \"timestamp\": {\n"));
    g_assert_nonnull(strstr(line, "\n    \"event\": \"STOP\"\n}"));

    th = g_thread_new("emitter", emit_from_thread, NULL);
    g_thread_join(th);
    g_free(g_steal_pointer(&line));
    line = tc_line(a);
    g_assert_nonnull(strstr(line, "\"event\": \"BLOCK_WRITE_THRESHOLD\", "
                                  "\"data\": {\"node-name\": \"prot0\", "
                                  "\"amount-exceeded\": 1, "
                                  "\"write-threshold\": 1048576}"));
    tc_close(a);
    tc_close(b);
}

static void test_throttle(Fixture *f, gconstpointer data)
{
    TestClient *c = connect_negotiated(f, 0);
    g_autofree char *l1 = NULL, *l2 = NULL, *l3 = NULL;
    struct json_object *d;

    monitor_set_event_throttle_ms(150);
    for (int i = 0; i < 5; i++) {
        d = json_object_new_object();
        json_object_object_add(d, "offset", json_object_new_int(i));
        event_bus_emit("RTC_CHANGE", d);
    }
    /* Not throttled: goes straight through. */
    qapi_event_send_resume();
    l1 = tc_line(c);
    l2 = tc_line(c);
    g_assert_nonnull(strstr(l1, "\"offset\": 0"));
    g_assert_nonnull(strstr(l2, "RESUME"));
    g_assert_true(tc_quiet(c, 50));
    /* After the window: only the last one. */
    l3 = tc_line(c);
    g_assert_nonnull(strstr(l3, "\"offset\": 4"));
    g_assert_true(tc_quiet(c, 400));
    monitor_set_event_throttle_ms(1000);
    tc_close(c);
}

static void test_reconnect_and_vanish(Fixture *f, gconstpointer data)
{
    TestClient *c = connect_negotiated(f, 0);

    /* A client that sends a command and disappears before the reply. */
    tc_send(c, "{\"execute\": \"query-qmp-schema\"}");
    tc_close(c);
    tc_pump(50);
    qapi_event_send_stop();
    tc_pump(20);
    /* The next client starts from scratch: greeting, negotiation. */
    c = tc_connect(f->path[0]);
    expect(c, NULL, GREETING);
    expect(c, "{\"execute\": \"x-echo\"}",
           "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": "
           "\"Expecting capabilities negotiation with 'qmp_capabilities'\"}}");
    /* A half-sent request of the previous client left nothing behind. */
    tc_close(c);
    c = tc_connect(f->path[0]);
    expect(c, NULL, GREETING);
    tc_send(c, "{\"execute\": \"qmp_capab");
    tc_close(c);
    tc_pump(20);
    c = tc_connect(f->path[0]);
    expect(c, NULL, GREETING);
    expect(c, "{\"execute\": \"qmp_capabilities\"}", "{\"return\": {}}");
    tc_close(c);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    main_loop_init();
    g_test_add("/monitor/qmp/greeting-negotiation", Fixture, NULL, fixture_up,
               test_greeting_negotiation, fixture_down);
    g_test_add("/monitor/qmp/envelope", Fixture, NULL, fixture_up,
               test_envelope, fixture_down);
    g_test_add("/monitor/qmp/malformed", Fixture, NULL, fixture_up,
               test_malformed, fixture_down);
    g_test_add("/monitor/qmp/events", Fixture, "pretty", fixture_up,
               test_events, fixture_down);
    g_test_add("/monitor/qmp/throttle", Fixture, NULL, fixture_up,
               test_throttle, fixture_down);
    g_test_add("/monitor/qmp/reconnect-vanish", Fixture, NULL, fixture_up,
               test_reconnect_and_vanish, fixture_down);
    return g_test_run();
}
