/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The streaming JSON parser behind every QMP connection.
 *
 * Bytes arrive in arbitrary pieces; each complete top-level JSON value is
 * handed to a callback as soon as its last byte arrives (objects and
 * arrays when their brackets balance, no newline needed).  The dialect is
 * QMP's: JSON plus 'single-quoted' strings and the \' escape.
 *
 * Errors never end the stream.  Each one is reported once through the
 * callback (value NULL, error set), the partial value is dropped, and
 * parsing resumes:
 *   - a lexical error (a byte no token can start with, such as 0xFF or a
 *     control character other than TAB, CR, LF; a raw control character
 *     inside a string): "JSON parse error, stray '<char>'" or "JSON parse
 *     error, <what>"; input is then skipped up to the next '{', '[', '}',
 *     ']', newline, or 0xFE/0xFF/other control byte, so a client can always
 *     resynchronise by sending one of those;
 *   - a grammar error in a balanced value ("JSON parse error, expecting
 *     value", "... invalid UTF-8 sequence in string", ...);
 *   - a limit: more than JSON_STREAM_MAX_BYTES bytes in one value ("JSON
 *     token size limit exceeded"), more than JSON_STREAM_MAX_TOKENS tokens
 *     ("JSON token count limit exceeded"), nesting deeper than
 *     JSON_STREAM_MAX_DEPTH ("JSON nesting depth limit exceeded").  The
 *     rest of the offending value is skipped without being stored, so
 *     memory stays bounded by the byte limit whatever a client sends.
 *
 * Numbers: integers that fit int64 (or, when positive, uint64) become
 * json-c integers; other numbers become doubles.
 */
#ifndef QAPI_JSON_STREAM_H
#define QAPI_JSON_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>

#include "util/error.h"

/* QEMU's limits (qmp-spec): bytes per value, tokens per value, depth. */
#define JSON_STREAM_MAX_BYTES (64u << 20)
#define JSON_STREAM_MAX_TOKENS (2u << 20)
#define JSON_STREAM_MAX_DEPTH 1024

typedef struct JsonStream JsonStream;

/**
 * JsonStreamEmit - called once per top-level value or error.
 * @value: the value (a new reference the callee owns; NULL for JSON null
 *         or on error).
 * @err: NULL on success, else an error the callee owns.
 */
typedef void JsonStreamEmit(void *opaque, struct json_object *value,
                            Error *err);

JsonStream *json_stream_new(JsonStreamEmit *emit, void *opaque);

/**
 * json_stream_set_limits() - override the limits (tests); 0 keeps one.
 */
void json_stream_set_limits(JsonStream *s, size_t max_bytes,
                            size_t max_tokens, unsigned max_depth);

/** json_stream_feed() - process @len bytes; may call emit many times. */
void json_stream_feed(JsonStream *s, const char *buf, size_t len);

/**
 * json_stream_flush() - end of input: a pending scalar (e.g. "42") is
 * emitted, an unfinished value is reported as an error.  The stream is
 * reset and can be fed again (a new client on the same monitor).
 */
void json_stream_flush(JsonStream *s);

/** json_stream_reset() - drop any partial value silently. */
void json_stream_reset(JsonStream *s);

/** json_stream_buffered() - bytes of the current partial value held. */
size_t json_stream_buffered(const JsonStream *s);

void json_stream_free(JsonStream *s);

#endif /* QAPI_JSON_STREAM_H */
