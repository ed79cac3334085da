/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Parse the text of one complete JSON value in QMP's dialect (see
 * qapi/json-parse.c for the rules).  The streaming reader
 * (json-stream.h) cuts values out of a byte stream and calls this.
 */
#ifndef QAPI_JSON_PARSE_H
#define QAPI_JSON_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>

#include "util/error.h"

/**
 * json_parse_text() - parse @len bytes holding exactly one value.
 * Returns true with a new reference in *@out (NULL for JSON null), or
 * false with *@errp set to "JSON parse error, <what>".  Nesting depth is
 * not limited here: callers bound it first.
 */
bool json_parse_text(const char *text, size_t len, struct json_object **out,
                     Error **errp);

#endif /* QAPI_JSON_PARSE_H */
