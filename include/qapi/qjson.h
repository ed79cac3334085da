/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Writing json-c values the way QMP sends them.
 *
 * QMP output is pure ASCII: every character outside 0x20..0x7E in a
 * string is escaped, non-ASCII ones as \uXXXX (UTF-16 surrogate pairs
 * above U+FFFF), and bytes that are not valid UTF-8 as \uFFFD.  Members
 * are separated by ", " and keys from values by ": ", as QEMU prints them.
 * json-c's own writer is not used because it passes UTF-8 through and
 * escapes '/'.
 */
#ifndef QAPI_QJSON_H
#define QAPI_QJSON_H

#include <stdbool.h>
#include <glib.h>
#include <json-c/json.h>

#include "util/error.h"

/**
 * qjson_append() - append @obj as JSON text to @out.
 * @pretty: indent nested values by four spaces, one member per line.
 */
void qjson_append(GString *out, struct json_object *obj, bool pretty);

/** qjson_to_string() - @obj as a new string; caller frees. */
char *qjson_to_string(struct json_object *obj, bool pretty);

/**
 * qjson_parse() - parse one complete JSON text (QMP's dialect: single
 * quoted strings allowed).  Returns true and a new reference in *@out
 * (NULL for JSON null), or false with *@errp set.  For tests, tools and
 * configuration; streams go through json-stream.h.
 */
bool qjson_parse(const char *text, struct json_object **out, Error **errp);

#endif /* QAPI_QJSON_H */
