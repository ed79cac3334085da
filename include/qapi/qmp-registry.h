/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QMP command table: what the generated marshallers look like and how
 * the dispatcher finds them.  The table itself (qmp_command_table[]) is
 * generated from the schema into qapi-commands.c; nothing registers
 * commands at run time.
 *
 * Adding a command: describe it in a schema module (qapi/NAME.json), then write
 * "qmp_<name>()" (name with '-' turned into '_') with the signature the
 * generated qapi-commands.h declares; the marshaller and table entry come
 * for free.  Commands marked 'gen': false in the schema instead need a
 * hand-written qmp_marshal_<name>().
 */
#ifndef QAPI_QMP_REGISTRY_H
#define QAPI_QMP_REGISTRY_H

#include <stddef.h>
#include <json-c/json.h>

#include "util/error.h"

/**
 * QmpMarshalFn - convert @args (a JSON object, or NULL for none), run the
 * command, and on success store its result in *@ret (a new reference;
 * "{}" for commands without a result).  On failure *@ret is untouched and
 * *@errp is set; argument errors are raised before the command runs.
 */
typedef void QmpMarshalFn(struct json_object *args, struct json_object **ret,
                          Error **errp);

typedef enum QmpCommandFlags {
    QMP_CMD_ALLOW_PRECONFIG = 1 << 0,   /* 'allow-preconfig': true */
} QmpCommandFlags;

typedef struct QmpCommand {
    const char *name;
    QmpMarshalFn *fn;
    unsigned flags;
} QmpCommand;

/** qmp_command_find() - the table entry for @name, or NULL. */
const QmpCommand *qmp_command_find(const char *name);

#endif /* QAPI_QMP_REGISTRY_H */
