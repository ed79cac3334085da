/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The streaming half of QMP's JSON reader (include/qapi/json-stream.h):
 * a byte-at-a-time lexer that finds where each top-level value ends,
 * enforces the size, token and depth limits, and recovers from errors.
 * The bytes of the value in progress are kept verbatim and handed to
 * json-parse.c once the value is complete.
 *
 * Modes:
 *   NORMAL   collecting a value;
 *   RECOVER  after a lexical error: skip to a resynchronisation byte;
 *   DISCARD  after a limit error: lex the rest of the oversized value
 *            (strings and brackets only) without storing it.
 */
#include "qapi/json-stream.h"

#include <glib.h>

#include "qapi/json-parse.h"

typedef enum JsonStreamMode {
    JSON_STREAM_NORMAL,
    JSON_STREAM_RECOVER,
    JSON_STREAM_DISCARD,
} JsonStreamMode;

typedef enum JsonLexState {
    JSON_LEX_TOP,       /* between tokens */
    JSON_LEX_STRING,    /* inside a string quoted by @quote */
    JSON_LEX_ESCAPE,    /* after a backslash inside a string */
    JSON_LEX_WORD,      /* inside a number or keyword */
} JsonLexState;

struct JsonStream {
    JsonStreamEmit *emit;
    void *opaque;
    JsonStreamMode mode;
    JsonLexState lex;
    char quote;
    int depth;
    size_t tokens;
    GString *buf;
    size_t max_bytes;
    size_t max_tokens;
    unsigned max_depth;
};

JsonStream *json_stream_new(JsonStreamEmit *emit, void *opaque)
{
    JsonStream *s = g_new0(JsonStream, 1);

    s->emit = emit;
    s->opaque = opaque;
    s->buf = g_string_new(NULL);
    s->max_bytes = JSON_STREAM_MAX_BYTES;
    s->max_tokens = JSON_STREAM_MAX_TOKENS;
    s->max_depth = JSON_STREAM_MAX_DEPTH;
    return s;
}

void json_stream_set_limits(JsonStream *s, size_t max_bytes,
                            size_t max_tokens, unsigned max_depth)
{
    s->max_bytes = max_bytes ? max_bytes : s->max_bytes;
    s->max_tokens = max_tokens ? max_tokens : s->max_tokens;
    s->max_depth = max_depth ? max_depth : s->max_depth;
}

static void json_stream_clear(JsonStream *s)
{
    /* Give back the memory of an oversized value, keep a small buffer. */
    if (s->buf->allocated_len > 65536) {
        g_string_free(s->buf, true);
        s->buf = g_string_new(NULL);
    } else {
        g_string_truncate(s->buf, 0);
    }
    s->depth = 0;
    s->tokens = 0;
}

void json_stream_reset(JsonStream *s)
{
    json_stream_clear(s);
    s->mode = JSON_STREAM_NORMAL;
    s->lex = JSON_LEX_TOP;
}

size_t json_stream_buffered(const JsonStream *s)
{
    return s->buf->len;
}

void json_stream_free(JsonStream *s)
{
    if (s) {
        g_string_free(s->buf, true);
        g_free(s);
    }
}

static void json_stream_error(JsonStream *s, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

static void json_stream_error(JsonStream *s, const char *fmt, ...)
{
    Error *err = NULL;
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    error_setg(&err, "%s", msg);
    json_stream_clear(s);
    s->emit(s->opaque, NULL, err);
}

/* A lexical error: report, drop the value, skip to a resync point. */
static void json_stream_stray(JsonStream *s, unsigned char c)
{
    if (c >= 0x20 && c < 0x7f) {
        json_stream_error(s, "JSON parse error, stray '%c'", c);
    } else {
        json_stream_error(s, "JSON parse error, stray '\\x%02x'", c);
    }
    s->mode = JSON_STREAM_RECOVER;
    s->lex = JSON_LEX_TOP;
}

/* A limit error: report, then swallow the rest of the value. */
static void json_stream_over_limit(JsonStream *s, const char *what)
{
    int depth = s->depth;

    json_stream_error(s, "JSON %s limit exceeded", what);
    s->depth = depth;
    s->mode = JSON_STREAM_DISCARD;
}

static void json_stream_complete(JsonStream *s)
{
    struct json_object *val = NULL;
    Error *err = NULL;

    if (json_parse_text(s->buf->str, s->buf->len, &val, &err)) {
        json_stream_clear(s);
        s->emit(s->opaque, val, NULL);
    } else {
        json_stream_clear(s);
        s->emit(s->opaque, NULL, err);
    }
}

static bool json_stream_is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool json_stream_is_word(unsigned char c)
{
    return g_ascii_isalnum(c) || c == '-' || c == '+' || c == '.';
}

/* A byte that starts or continues nothing: not JSON at all. */
static bool json_stream_is_stray_in_string(unsigned char c)
{
    return c < 0x20 || c == 0xfe || c == 0xff;
}

/* Counts a token and checks the token limit; false when exceeded. */
static bool json_stream_token(JsonStream *s)
{
    if (++s->tokens > s->max_tokens) {
        json_stream_over_limit(s, "token count");
        return false;
    }
    return true;
}

static void json_stream_top(JsonStream *s, unsigned char c)
{
    if (json_stream_is_ws(c)) {
        if (s->depth > 0) {
            g_string_append_c(s->buf, c);
        }
        return;
    }
    if (c == '{' || c == '[') {
        g_string_append_c(s->buf, c);
        s->depth++;
        if (!json_stream_token(s)) {
            return;
        }
        if (s->depth > (int)s->max_depth) {
            json_stream_over_limit(s, "nesting depth");
        }
        return;
    }
    if (c == '}' || c == ']' || c == ':' || c == ',') {
        g_string_append_c(s->buf, c);
        if (c == '}' || c == ']') {
            s->depth--;
        }
        if (!json_stream_token(s)) {
            return;
        }
        if (s->depth <= 0) {
            json_stream_complete(s);
        }
        return;
    }
    if (c == '"' || c == '\'') {
        g_string_append_c(s->buf, c);
        s->quote = c;
        s->lex = JSON_LEX_STRING;
        json_stream_token(s);
        return;
    }
    if (json_stream_is_word(c)) {
        g_string_append_c(s->buf, c);
        s->lex = JSON_LEX_WORD;
        json_stream_token(s);
        return;
    }
    json_stream_stray(s, c);
}

static void json_stream_normal(JsonStream *s, unsigned char c)
{
    switch (s->lex) {
    case JSON_LEX_TOP:
        json_stream_top(s, c);
        break;
    case JSON_LEX_STRING:
        if (json_stream_is_stray_in_string(c)) {
            json_stream_stray(s, c);
            return;
        }
        g_string_append_c(s->buf, c);
        if (c == '\\') {
            s->lex = JSON_LEX_ESCAPE;
        } else if (c == s->quote) {
            s->lex = JSON_LEX_TOP;
            if (s->depth <= 0) {
                json_stream_complete(s);
            }
        }
        break;
    case JSON_LEX_ESCAPE:
        if (json_stream_is_stray_in_string(c)) {
            json_stream_stray(s, c);
            return;
        }
        g_string_append_c(s->buf, c);
        s->lex = JSON_LEX_STRING;
        break;
    case JSON_LEX_WORD:
        if (json_stream_is_word(c)) {
            g_string_append_c(s->buf, c);
            break;
        }
        s->lex = JSON_LEX_TOP;
        if (s->depth <= 0) {
            json_stream_complete(s);
        }
        json_stream_top(s, c);
        break;
    }
}

/* Skipping the rest of a value that broke a limit. */
static void json_stream_discard(JsonStream *s, unsigned char c)
{
    switch (s->lex) {
    case JSON_LEX_STRING:
        if (c == '\\') {
            s->lex = JSON_LEX_ESCAPE;
        } else if (c == s->quote) {
            s->lex = JSON_LEX_TOP;
        } else if (json_stream_is_stray_in_string(c)) {
            s->lex = JSON_LEX_TOP;
            s->mode = JSON_STREAM_RECOVER;
            return;
        }
        break;
    case JSON_LEX_ESCAPE:
        s->lex = JSON_LEX_STRING;
        break;
    case JSON_LEX_WORD:
        if (json_stream_is_word(c)) {
            return;
        }
        s->lex = JSON_LEX_TOP;
        if (s->depth <= 0) {
            /* The oversized value was a bare word; c starts the next. */
            json_stream_reset(s);
            json_stream_normal(s, c);
            return;
        }
        /* c is the next token of the oversized value */
        G_GNUC_FALLTHROUGH;
    case JSON_LEX_TOP:
        if (c == '"' || c == '\'') {
            s->quote = c;
            s->lex = JSON_LEX_STRING;
        } else if (c == '{' || c == '[') {
            s->depth++;
        } else if (c == '}' || c == ']') {
            s->depth--;
        } else if (json_stream_is_word(c)) {
            s->lex = JSON_LEX_WORD;
        }
        break;
    }
    if (s->depth <= 0 && s->lex == JSON_LEX_TOP) {
        json_stream_reset(s);
    }
}

/* After a lexical error: structural bytes and line ends resynchronise. */
static bool json_stream_recover(JsonStream *s, unsigned char c)
{
    if (c == '{' || c == '[' || c == '}' || c == ']') {
        s->mode = JSON_STREAM_NORMAL;
        return false;               /* process c normally */
    }
    if ((c < 0x20 && c != '\t') || c >= 0xfe) {
        s->mode = JSON_STREAM_NORMAL;
    }
    return true;                    /* c consumed */
}

void json_stream_feed(JsonStream *s, const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = buf[i];

        if (s->mode == JSON_STREAM_RECOVER && json_stream_recover(s, c)) {
            continue;
        }
        if (s->mode == JSON_STREAM_DISCARD) {
            json_stream_discard(s, c);
            continue;
        }
        json_stream_normal(s, c);
        if (s->mode == JSON_STREAM_NORMAL && s->buf->len > s->max_bytes) {
            json_stream_over_limit(s, "token size");
        }
    }
}

void json_stream_flush(JsonStream *s)
{
    if (s->mode == JSON_STREAM_NORMAL && s->lex == JSON_LEX_WORD &&
        s->depth <= 0) {
        s->lex = JSON_LEX_TOP;
        json_stream_complete(s);
    } else if (s->mode == JSON_STREAM_NORMAL && s->buf->len > 0) {
        json_stream_error(s, "JSON parse error, premature end of input");
    }
    json_stream_reset(s);
}
