/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QMP protocol on a monitor (QEMU's qmp-spec, BLOCK-QMP-REFERENCE.md
 * section 5): the greeting on connect, the streaming JSON reader, one
 * response per request (or per JSON error), and events for negotiated
 * clients.  Every message is one JSON object on one line ending in CRLF
 * (several lines with pretty=on), pure ASCII.
 *
 * Requests run one at a time, on the main loop, in the order they
 * arrive; a monitor reads no further input while a command runs.
 */
#include "monitor-internal.h"

#include <string.h>

#include "config-host.h"
#include "qapi/qjson.h"

struct json_object *qmp_version_json(void)
{
    struct json_object *ver = json_object_new_object();
    struct json_object *qemu = json_object_new_object();

    json_object_object_add(qemu, "micro", json_object_new_int(QMP_QEMU_MICRO));
    json_object_object_add(qemu, "minor", json_object_new_int(QMP_QEMU_MINOR));
    json_object_object_add(qemu, "major", json_object_new_int(QMP_QEMU_MAJOR));
    json_object_object_add(ver, "qemu", qemu);
    json_object_object_add(ver, "package",
                           json_object_new_string("Plimsoll " PLIMSOLL_VERSION));
    return ver;
}

static void qmp_send(Monitor *mon, struct json_object *msg)
{
    g_autoptr(GString) text = g_string_new(NULL);

    qjson_append(text, msg, mon->pretty);
    g_string_append_c(text, '\n');
    monitor_write(mon, text->str, text->len);
}

static void qmp_greet(Monitor *mon)
{
    struct json_object *greeting = json_object_new_object();
    struct json_object *body = json_object_new_object();

    json_object_object_add(body, "version", qmp_version_json());
    /* No optional capability (oob) is offered. */
    json_object_object_add(body, "capabilities", json_object_new_array());
    json_object_object_add(greeting, "QMP", body);
    qmp_send(mon, greeting);
    json_object_put(greeting);
}

static void qmp_opened(Monitor *mon)
{
    json_stream_reset(mon->stream);
    mon->session.negotiated = false;
    qmp_greet(mon);
}

static void qmp_closed(Monitor *mon)
{
    json_stream_reset(mon->stream);
    mon->session.negotiated = false;
}

/* One value (or a JSON error) from the stream. */
static void qmp_handle(void *opaque, struct json_object *req, Error *err)
{
    Monitor *mon = opaque;
    struct json_object *resp;

    if (err) {
        resp = qmp_error_response(err);
    } else {
        resp = qmp_dispatch(&mon->session, req);
        json_object_put(req);
    }
    qmp_send(mon, resp);
    json_object_put(resp);
}

static void qmp_input(Monitor *mon, const uint8_t *buf, size_t len)
{
    json_stream_feed(mon->stream, (const char *)buf, len);
}

static void qmp_destroy(Monitor *mon)
{
    json_stream_free(mon->stream);
}

static const MonitorOps qmp_ops = {
    .opened = qmp_opened,
    .closed = qmp_closed,
    .input = qmp_input,
    .destroy = qmp_destroy,
};

Monitor *monitor_new_qmp(Chardev *chr, bool pretty, const QmpCommand *table,
                         size_t table_len, Error **errp)
{
    Monitor *mon;

    monitor_events_init();
    mon = monitor_new(chr, &qmp_ops, errp);
    if (!mon) {
        return NULL;
    }
    mon->is_qmp = true;
    mon->pretty = pretty;
    mon->session.table = table;
    mon->session.table_len = table_len;
    mon->stream = json_stream_new(qmp_handle, mon);
    return mon;
}

void monitor_qmp_send_event(Monitor *mon, const char *compact,
                            const char *pretty)
{
    const char *text = mon->pretty ? pretty : compact;

    if (!mon->is_qmp || !mon->connected || !mon->session.negotiated) {
        return;
    }
    monitor_write(mon, text, strlen(text));
    monitor_write(mon, "\n", 1);
}
