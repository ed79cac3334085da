/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP commands about the protocol itself (schema modules control and
 * introspect): qmp_capabilities, query-version, query-commands and
 * query-qmp-schema.  They depend on nothing outside qapi/ and monitor/.
 */
#include "monitor-internal.h"

#include "config-host.h"
#include "qapi/qapi-commands.h"
#include "qapi/qapi-introspect.h"
#include "qapi/qjson.h"

void qmp_qmp_capabilities(bool has_enable, QMPCapabilityList *enable,
                          Error **errp)
{
    QmpSession *s = qmp_session_current();

    /* Plimsoll offers no optional capability (the greeting lists none). */
    for (; has_enable && enable; enable = enable->next) {
        error_setg(errp, "Capability %s not available",
                   QMPCapability_str(enable->value));
        return;
    }
    if (s) {
        s->negotiated = true;
    }
}

VersionInfo *qmp_query_version(Error **errp)
{
    VersionInfo *info = g_new0(VersionInfo, 1);

    info->qemu = g_new0(VersionTriple, 1);
    info->qemu->major = QMP_QEMU_MAJOR;
    info->qemu->minor = QMP_QEMU_MINOR;
    info->qemu->micro = QMP_QEMU_MICRO;
    info->package = g_strdup("Plimsoll " PLIMSOLL_VERSION);
    return info;
}

CommandInfoList *qmp_query_commands(Error **errp)
{
    QmpSession *s = qmp_session_current();
    CommandInfoList *head = NULL;

    /* Built back to front so the list comes out in table order. */
    for (size_t i = s ? s->table_len : 0; i > 0; i--) {
        CommandInfoList *node = g_new0(CommandInfoList, 1);

        node->value = g_new0(CommandInfo, 1);
        node->value->name = g_strdup(s->table[i - 1].name);
        node->next = head;
        head = node;
    }
    return head;
}

/*
 * query-qmp-schema is 'gen': false: its result is the generated JSON text,
 * parsed once and copied for each caller.
 */
void qmp_marshal_query_qmp_schema(struct json_object *args,
                                  struct json_object **ret, Error **errp)
{
    static struct json_object *schema;
    struct json_object *copy = NULL;

    if (args && json_object_object_length(args) > 0) {
        json_object_object_foreach(args, key, val) {
            (void)val;
            error_setg(errp, "Parameter '%s' is unexpected", key);
            return;
        }
    }
    if (!schema && !qjson_parse(qapi_introspect_json, &schema, errp)) {
        return;
    }
    json_object_deep_copy(schema, &copy, NULL);
    *ret = copy;
}
