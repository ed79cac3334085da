/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Command lookup over the generated table (include/qapi/qmp-registry.h).
 * The table is short (a few dozen entries) and looked up once per
 * command, so a linear scan is plenty.
 */
#include "qapi/qapi-commands.h"

#include <string.h>

const QmpCommand *qmp_command_find(const char *name)
{
    for (size_t i = 0; i < qmp_command_table_len; i++) {
        if (!strcmp(qmp_command_table[i].name, name)) {
            return &qmp_command_table[i];
        }
    }
    return NULL;
}
