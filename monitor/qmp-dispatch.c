/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QMP dispatcher (include/monitor/qmp-dispatch.h), following QEMU's
 * qmp-spec: request envelope checks first, then the negotiation rule,
 * then the command, whose marshaller checks the arguments before the
 * handler runs.  The "id" member is copied verbatim into every response
 * to an object request, even when the envelope itself was wrong.
 *
 * Deviation: Plimsoll never offers the "oob" capability, so "exec-oob" is
 * accepted by the envelope check but refused for every command with
 * QEMU's "The command X does not support OOB".
 */
#include "monitor/qmp-dispatch.h"

#include <string.h>

static QmpSession *qmp_current;

QmpSession *qmp_session_current(void)
{
    return qmp_current;
}

struct json_object *qmp_error_response(Error *err)
{
    struct json_object *resp = json_object_new_object();
    struct json_object *body = json_object_new_object();

    json_object_object_add(body, "class", json_object_new_string(
        error_class_name(error_get_class(err))));
    json_object_object_add(body, "desc",
                           json_object_new_string(error_get_pretty(err)));
    json_object_object_add(resp, "error", body);
    error_free(err);
    return resp;
}

/* Checks the envelope; returns the command name (borrowed) or NULL. */
static const char *qmp_check_envelope(struct json_object *req, bool *oob,
                                      Error **errp)
{
    const char *exec = NULL, *exec_oob = NULL;

    json_object_object_foreach(req, key, val) {
        if (!strcmp(key, "execute") || !strcmp(key, "exec-oob")) {
            if (!json_object_is_type(val, json_type_string)) {
                error_setg(errp, "QMP input member '%s' must be a string",
                           key);
                return NULL;
            }
            *(key[4] == '-' ? &exec_oob : &exec) =
                json_object_get_string(val);
        } else if (!strcmp(key, "arguments")) {
            if (!json_object_is_type(val, json_type_object)) {
                error_setg(errp,
                           "QMP input member 'arguments' must be an object");
                return NULL;
            }
        } else if (strcmp(key, "id") != 0) {
            error_setg(errp, "QMP input member '%s' is unexpected", key);
            return NULL;
        }
    }
    if (exec && exec_oob) {
        error_setg(errp, "QMP input member 'exec-oob' clashes with 'execute'");
        return NULL;
    }
    if (!exec && !exec_oob) {
        error_setg(errp, "QMP input lacks member 'execute'");
        return NULL;
    }
    *oob = exec_oob != NULL;
    return exec ? exec : exec_oob;
}

static const QmpCommand *qmp_lookup(QmpSession *s, const char *name)
{
    for (size_t i = 0; i < s->table_len; i++) {
        if (!strcmp(s->table[i].name, name)) {
            return &s->table[i];
        }
    }
    return NULL;
}

/* Runs the request; returns the result or NULL with *errp set. */
static struct json_object *qmp_run(QmpSession *s, struct json_object *req,
                                   Error **errp)
{
    const QmpCommand *cmd;
    const char *name;
    struct json_object *args = NULL, *ret = NULL, *empty = NULL;
    bool oob = false;

    name = qmp_check_envelope(req, &oob, errp);
    if (!name) {
        return NULL;
    }
    cmd = qmp_lookup(s, name);
    if (cmd && oob) {
        error_setg(errp, "The command %s does not support OOB", name);
        return NULL;
    }
    if (!s->negotiated && !(cmd && !strcmp(name, "qmp_capabilities"))) {
        error_set_class(errp, ERROR_CLASS_COMMAND_NOT_FOUND,
                        "Expecting capabilities negotiation with "
                        "'qmp_capabilities'");
        return NULL;
    }
    if (!cmd) {
        error_set_class(errp, ERROR_CLASS_COMMAND_NOT_FOUND,
                        "The command %s has not been found", name);
        return NULL;
    }
    if (s->negotiated && !strcmp(name, "qmp_capabilities")) {
        error_set_class(errp, ERROR_CLASS_COMMAND_NOT_FOUND,
                        "Capabilities negotiation is already complete, "
                        "command ignored");
        return NULL;
    }
    if (!json_object_object_get_ex(req, "arguments", &args)) {
        args = empty = json_object_new_object();
    }
    qmp_current = s;
    cmd->fn(args, &ret, errp);
    qmp_current = NULL;
    json_object_put(empty);
    return ret;
}

struct json_object *qmp_dispatch(QmpSession *session, struct json_object *req)
{
    struct json_object *resp, *id, *ret;
    Error *err = NULL;

    if (!json_object_is_type(req, json_type_object)) {
        error_setg(&err, "QMP input must be a JSON object");
        return qmp_error_response(err);
    }
    ret = qmp_run(session, req, &err);
    if (err) {
        json_object_put(ret);
        resp = qmp_error_response(err);
    } else {
        resp = json_object_new_object();
        json_object_object_add(resp, "return",
                               ret ? ret : json_object_new_object());
    }
    if (json_object_object_get_ex(req, "id", &id)) {
        json_object_object_add(resp, "id", json_object_get(id));
    }
    return resp;
}
