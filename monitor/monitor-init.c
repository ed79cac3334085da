/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Creating the emulator's monitors from the command line (-qmp, -monitor,
 * -mon) with the full command table generated from the schema.  Kept
 * apart from the monitor core so that tests can build monitors with a
 * table of their own without linking every command handler.
 */
#include "monitor-internal.h"

#include <string.h>

#include "qapi/qapi-commands.h"

void monitor_init_globals(void)
{
    monitor_runstate_events_init();
    monitor_events_init();
}

Monitor *monitor_init_qmp(Chardev *chr, bool pretty, Error **errp)
{
    monitor_init_globals();
    return monitor_new_qmp(chr, pretty, qmp_command_table,
                           qmp_command_table_len, errp);
}

static bool monitor_opt_bool(struct json_object *opts, const char *key,
                             bool *out, Error **errp)
{
    struct json_object *val;
    const char *s;

    if (!json_object_object_get_ex(opts, key, &val)) {
        return true;
    }
    if (json_object_is_type(val, json_type_boolean)) {
        *out = json_object_get_boolean(val);
        return true;
    }
    s = json_object_get_string(val);
    if (!strcmp(s, "on") || !strcmp(s, "yes") || !strcmp(s, "true")) {
        *out = true;
    } else if (!strcmp(s, "off") || !strcmp(s, "no") || !strcmp(s, "false")) {
        *out = false;
    } else {
        error_setg(errp, "Parameter '%s' expects 'on' or 'off'", key);
        return false;
    }
    return true;
}

Monitor *monitor_init_opts(struct json_object *opts, Error **errp)
{
    struct json_object *val;
    const char *chr_id = NULL, *mode = "readline";
    bool pretty = false;
    Chardev *chr;

    json_object_object_foreach(opts, key, v) {
        if (strcmp(key, "chardev") && strcmp(key, "mode") &&
            strcmp(key, "pretty") && strcmp(key, "id")) {
            error_setg(errp, "Invalid parameter '%s'", key);
            return NULL;
        }
        (void)v;
    }
    if (json_object_object_get_ex(opts, "chardev", &val)) {
        chr_id = json_object_get_string(val);
    }
    if (json_object_object_get_ex(opts, "mode", &val)) {
        mode = json_object_get_string(val);
    }
    if (!monitor_opt_bool(opts, "pretty", &pretty, errp)) {
        return NULL;
    }
    if (!chr_id) {
        error_setg(errp, "Parameter 'chardev' is missing");
        return NULL;
    }
    chr = chardev_find(chr_id);
    if (!chr) {
        error_setg(errp, "chardev \"%s\" not found", chr_id);
        return NULL;
    }
    if (!strcmp(mode, "control")) {
        return monitor_init_qmp(chr, pretty, errp);
    }
    if (strcmp(mode, "readline") != 0) {
        error_setg(errp, "Parameter 'mode' does not accept value '%s'", mode);
        return NULL;
    }
    if (pretty) {
        error_setg(errp, "'pretty' is not compatible with HMP monitors");
        return NULL;
    }
    return monitor_init_hmp(chr, errp);
}
