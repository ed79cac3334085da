/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QMP dispatcher: one request object in, one response object out.
 * It validates the request envelope, enforces capability negotiation,
 * finds the command in a table, runs its marshaller and wraps the result
 * or error with the request's "id".  No I/O: the monitor (monitor/qmp.c)
 * feeds it parsed JSON and writes what it returns.
 *
 * Error classes and messages are QEMU's (BLOCK-QMP-REFERENCE.md 5.3, 5.4).
 */
#ifndef MONITOR_QMP_DISPATCH_H
#define MONITOR_QMP_DISPATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>

#include "qapi/qmp-registry.h"

/**
 * struct QmpSession - the state of one client connection.
 * @table, @table_len: the commands this monitor offers.
 * @negotiated: qmp_capabilities has succeeded; commands and events flow.
 */
typedef struct QmpSession {
    const QmpCommand *table;
    size_t table_len;
    bool negotiated;
} QmpSession;

/**
 * qmp_dispatch() - run one request.
 * @req: the parsed request (borrowed; any JSON value, NULL for null).
 * Returns the response object ({"return": ...} or {"error": ...}, with
 * "id" when the request was an object that had one).  Caller owns it.
 */
struct json_object *qmp_dispatch(QmpSession *session, struct json_object *req);

/**
 * qmp_session_current() - the session whose command is running, for the
 * few handlers that act on the connection itself (qmp_capabilities,
 * query-commands).  NULL outside qmp_dispatch().
 */
QmpSession *qmp_session_current(void);

/**
 * qmp_error_response() - {"error": {"class", "desc"}} for @err, which is
 * freed.  Used for errors found before dispatch (JSON syntax).
 */
struct json_object *qmp_error_response(Error *err);

#endif /* MONITOR_QMP_DISPATCH_H */
