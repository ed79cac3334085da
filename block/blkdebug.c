/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * blkdebug: a filter that injects I/O errors when named events happen, for
 * tests (QEMU's blkdebug, options as in its QAPI schema
 * BlockdevOptionsBlkdebug and its config file format).
 *
 * Rules:
 *  - inject-error {event, state?, iotype?, errno (5), sector?, once,
 *    immediately}: when @event happens while the state is @state (or any
 *    state), the rule becomes active; from then on every request of a
 *    matching type (and, with @sector, covering byte sector*512) fails
 *    with -errno.  once=on removes the rule after its first failure.
 *    immediately: QEMU fails a request at once with immediately=on and
 *    otherwise yields first, so that the requests already running in the
 *    node go ahead of the failure.  Here requests are threads, so the
 *    default (off) makes the failing request wait until the requests that
 *    entered the node's I/O before it have left (at most
 *    BLKDEBUG_YIELD_MAX_US); on fails at once, overtaking them.  A request
 *    stopped at a breakpoint (events come before a request enters) is not
 *    waited for, as in QEMU; nor does a request on the thread that owns
 *    the main loop wait.
 *  - set-state {event, state?, new_state}: the event moves the state
 *    machine (which starts in state 1) to @new_state.
 * An event that arms inject rules replaces the set of active rules with
 * those it armed, as QEMU does.
 *
 * Events are raised with bdrv_debug_event() by formats on their file child
 * (raw: read_aio/write_aio; qcow2: l1_update, cluster_alloc, ...) and by
 * the request path on the node itself (pwritev, pwritev_done, flush_to_os,
 * ...).  Sources: "blkdebug:CONFIG:IMAGE" filenames, "config" (an INI
 * file of [inject-error] and [set-state] sections), and the "inject-error"
 * and "set-state" option lists.
 *
 * Suspend points (include/block/blkdebug.h): a breakpoint on an event
 * stops the next request raising it, on its own thread, until resumed.
 *
 * Plimsoll extension, x-enospc-limit=BYTES (also set at run time through
 * bdrv_debug_set_enospc_limit, plimsoll-io's enospc_limit): writes and
 * write-zeroes that reach past BYTES fail with ENOSPC, as writes past the
 * end of a full thin logical volume do; 0 turns it off.  A manager grows
 * the "volume" by raising the limit (scripts/thin-manager, BlkdebugVolume).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "block/blkdebug.h"
#include "block/block-int.h"

/* The longest a non-immediate failure waits for earlier requests. */
#define BLKDEBUG_YIELD_MAX_US (2 * G_USEC_PER_SEC)

typedef enum BlkdebugIOType {
    BLKDEBUG_IO_TYPE_READ,
    BLKDEBUG_IO_TYPE_WRITE,
    BLKDEBUG_IO_TYPE_WRITE_ZEROES,
    BLKDEBUG_IO_TYPE_DISCARD,
    BLKDEBUG_IO_TYPE_FLUSH,
    BLKDEBUG_IO_TYPE_BLOCK_STATUS,
    BLKDEBUG_IO_TYPE__MAX,
} BlkdebugIOType;

static const char *const iotype_names[BLKDEBUG_IO_TYPE__MAX] = {
    "read", "write", "write-zeroes", "discard", "flush", "block-status",
};

/* Default iotype: everything but block-status. */
#define BLKDEBUG_IOTYPE_DEFAULT \
    ((1u << BLKDEBUG_IO_TYPE_BLOCK_STATUS) - 1)

static const char *const event_names[BLKDBG__MAX] = {
    "l1_update", "l1_grow_alloc_table", "l1_grow_write_table",
    "l1_grow_activate_table", "l2_load", "l2_update", "l2_update_compressed",
    "l2_alloc_cow_read", "l2_alloc_write", "read_aio", "read_backing_aio",
    "read_compressed", "write_aio", "write_compressed", "vmstate_load",
    "vmstate_save", "cow_read", "cow_write", "reftable_load",
    "reftable_grow", "reftable_update", "refblock_load", "refblock_update",
    "refblock_update_part", "refblock_alloc", "refblock_alloc_hookup",
    "refblock_alloc_write", "refblock_alloc_write_blocks",
    "refblock_alloc_write_table", "refblock_alloc_switch_table",
    "cluster_alloc", "cluster_alloc_bytes", "cluster_free", "flush_to_os",
    "flush_to_disk", "pwritev_rmw_head", "pwritev_rmw_after_head",
    "pwritev_rmw_tail", "pwritev_rmw_after_tail", "pwritev", "pwritev_zero",
    "pwritev_done", "empty_image_prepare", "l1_shrink_write_table",
    "l1_shrink_free_l2_clusters", "cor_write", "cluster_alloc_space", "none",
};

typedef struct BlkdebugRule {
    bool inject;            /* inject-error, else set-state */
    int event;
    int state;              /* 0: any state */
    int error;              /* positive errno */
    int64_t offset;         /* -1: any */
    bool once;
    bool immediately;
    unsigned iotypes;
    int new_state;
    bool active;
    bool removed;
} BlkdebugRule;

/* A breakpoint (a suspend rule): the next request raising @event stops. */
typedef struct BlkdebugBreak {
    int event;
    char *tag;
} BlkdebugBreak;

/* A request stopped at a breakpoint; lives on the stopped thread's stack. */
typedef struct BlkdebugSuspended {
    const char *tag;
    bool resume;
} BlkdebugSuspended;

typedef struct BlkdebugState {
    GMutex lock;
    GCond cond;             /* resume, a request left, a request stopped */
    int state;
    GPtrArray *rules;       /* BlkdebugRule *, owned */
    GPtrArray *breaks;      /* BlkdebugBreak *, owned */
    GPtrArray *suspended;   /* BlkdebugSuspended *, not owned */
    GArray *inside;         /* uint64_t: sequence numbers of requests in */
    uint64_t next_seq;
    uint64_t enospc_limit;  /* atomic; 0: none */
    uint64_t align;
    uint64_t max_transfer;
    char *config;
} BlkdebugState;

static const char *const blkdebug_runtime_opts[] = {
    "config", "image", "align", "max-transfer", "opt-write-zero",
    "max-write-zero", "opt-discard", "max-discard", "inject-error",
    "set-state", "take-child-perms", "unshare-child-perms",
    "x-enospc-limit", NULL,
};

const char *blkdebug_event_name(BlkdebugEvent ev)
{
    return ev < BLKDBG__MAX ? event_names[ev] : NULL;
}

int blkdebug_event_lookup(const char *name)
{
    for (int i = 0; i < BLKDBG__MAX; i++) {
        if (!strcmp(event_names[i], name)) {
            return i;
        }
    }
    return -1;
}

/* ---------------------------------------------------------------------- */
/* Rules from key/value pairs (config file sections and JSON objects)      */
/* ---------------------------------------------------------------------- */

/* Normalise a JSON leaf to a string for uniform parsing. */
static const char *leaf_str(struct json_object *v, char *buf, size_t n)
{
    if (json_object_is_type(v, json_type_string)) {
        return json_object_get_string(v);
    }
    if (json_object_is_type(v, json_type_boolean)) {
        return json_object_get_boolean(v) ? "on" : "off";
    }
    if (json_object_is_type(v, json_type_int)) {
        snprintf(buf, n, "%" PRId64, json_object_get_int64(v));
        return buf;
    }
    return NULL;
}

static bool parse_int(const char *s, int64_t min, int64_t *out)
{
    char *end;

    errno = 0;
    long long v = strtoll(s, &end, 0);
    if (errno || end == s || *end || v < min) {
        return false;
    }
    *out = v;
    return true;
}

static bool parse_bool(const char *s, bool *out)
{
    if (!strcmp(s, "on") || !strcmp(s, "true") || !strcmp(s, "yes")) {
        *out = true;
    } else if (!strcmp(s, "off") || !strcmp(s, "false") ||
               !strcmp(s, "no")) {
        *out = false;
    } else {
        return false;
    }
    return true;
}

/* Apply one key of a rule; false with *errp on a bad key or value. */
static bool rule_set(BlkdebugRule *r, const char *key, const char *val,
                     Error **errp)
{
    int64_t n;

    if (!strcmp(key, "event")) {
        r->event = blkdebug_event_lookup(val);
        if (r->event < 0) {
            error_setg(errp, "Invalid event name \"%s\"", val);
            return false;
        }
    } else if (!strcmp(key, "state") && parse_int(val, 0, &n)) {
        r->state = n;
    } else if (!strcmp(key, "new_state") && !r->inject &&
               parse_int(val, 1, &n)) {
        r->new_state = n;
    } else if (!strcmp(key, "errno") && r->inject && parse_int(val, 0, &n)) {
        r->error = n;
    } else if (!strcmp(key, "sector") && r->inject &&
               parse_int(val, -1, &n)) {
        r->offset = n < 0 ? -1 : n * BDRV_SECTOR_SIZE;
    } else if (!strcmp(key, "once") && r->inject &&
               parse_bool(val, &r->once)) {
        /* parsed */
    } else if (!strcmp(key, "immediately") && r->inject) {
        if (!parse_bool(val, &r->immediately)) {
            goto bad;
        }
    } else if (!strcmp(key, "iotype") && r->inject) {
        int i;
        for (i = 0; i < BLKDEBUG_IO_TYPE__MAX; i++) {
            if (!strcmp(val, iotype_names[i])) {
                break;
            }
        }
        if (i == BLKDEBUG_IO_TYPE__MAX) {
            goto bad;
        }
        r->iotypes = 1u << i;
    } else {
        goto bad;
    }
    return true;
bad:
    error_setg(errp, "Invalid value '%s' for blkdebug option '%s'", val,
               key);
    return false;
}

static BlkdebugRule *rule_new(bool inject)
{
    BlkdebugRule *r = g_new0(BlkdebugRule, 1);

    r->inject = inject;
    r->event = -1;
    r->error = EIO;
    r->offset = -1;
    r->iotypes = BLKDEBUG_IOTYPE_DEFAULT;
    return r;
}

static bool rule_finish(BlkdebugState *s, BlkdebugRule *r, Error **errp)
{
    if (r->event < 0) {
        error_setg(errp, "Parameter 'event' is missing");
        g_free(r);
        return false;
    }
    if (!r->inject && !r->new_state) {
        error_setg(errp, "Parameter 'new_state' is missing");
        g_free(r);
        return false;
    }
    g_ptr_array_add(s->rules, r);
    return true;
}

static bool rule_from_json(BlkdebugState *s, struct json_object *o,
                           bool inject, Error **errp)
{
    BlkdebugRule *r;
    char buf[32];

    if (!json_object_is_type(o, json_type_object)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: object",
                   inject ? "inject-error" : "set-state");
        return false;
    }
    r = rule_new(inject);
    json_object_object_foreach(o, k, v) {
        const char *val = leaf_str(v, buf, sizeof(buf));
        if (!val || !rule_set(r, k, val, errp)) {
            if (!val) {
                error_setg(errp, "Invalid value for blkdebug option '%s'", k);
            }
            g_free(r);
            return false;
        }
    }
    return rule_finish(s, r, errp);
}

/* A list as an array or as keyval's {"0": {...}, "1": {...}}. */
static bool rules_from_json_list(BlkdebugState *s, struct json_object *list,
                                 bool inject, Error **errp)
{
    if (json_object_is_type(list, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(list); i++) {
            if (!rule_from_json(s, json_object_array_get_idx(list, i),
                                inject, errp)) {
                return false;
            }
        }
        return true;
    }
    if (json_object_is_type(list, json_type_object)) {
        json_object_object_foreach(list, k, v) {
            (void)k;
            if (!rule_from_json(s, v, inject, errp)) {
                return false;
            }
        }
        return true;
    }
    error_setg(errp, "Invalid parameter type for '%s', expected: array",
               inject ? "inject-error" : "set-state");
    return false;
}

/* Parse the INI-style config file of QEMU's blkdebug. */
static bool blkdebug_read_config(BlkdebugState *s, const char *path,
                                 Error **errp)
{
    g_autofree char *text = NULL;
    g_autoptr(GError) gerr = NULL;
    g_auto(GStrv) lines = NULL;
    BlkdebugRule *cur = NULL;

    if (!g_file_get_contents(path, &text, NULL, &gerr)) {
        error_setg(errp, "Could not read blkdebug config file: %s",
                   gerr->message);
        return false;
    }
    lines = g_strsplit(text, "\n", -1);
    for (int i = 0; lines[i]; i++) {
        char *line = g_strstrip(lines[i]);
        if (!line[0] || line[0] == '#' || line[0] == ';') {
            continue;
        }
        if (line[0] == '[') {
            if (cur && !rule_finish(s, cur, errp)) {
                return false;
            }
            if (!strcmp(line, "[inject-error]")) {
                cur = rule_new(true);
            } else if (!strcmp(line, "[set-state]")) {
                cur = rule_new(false);
            } else {
                error_setg(errp, "Unknown blkdebug config section %s", line);
                return false;
            }
            continue;
        }
        char *eq = strchr(line, '=');
        if (!eq || !cur) {
            error_setg(errp, "Invalid line %d in blkdebug config file", i + 1);
            g_free(cur);
            return false;
        }
        *eq = '\0';
        char *key = g_strstrip(line), *val = g_strstrip(eq + 1);
        size_t vl = strlen(val);
        if (vl >= 2 && val[0] == '"' && val[vl - 1] == '"') {
            val[vl - 1] = '\0';
            val++;
        }
        if (!rule_set(cur, key, val, errp)) {
            g_free(cur);
            return false;
        }
    }
    return cur ? rule_finish(s, cur, errp) : true;
}

/* ---------------------------------------------------------------------- */
/* Open                                                                    */
/* ---------------------------------------------------------------------- */

/* "blkdebug:[CONFIG]:IMAGE" */
static bool blkdebug_parse_filename(const char *filename,
                                    struct json_object *opts, Error **errp)
{
    const char *p, *c;

    if (!g_str_has_prefix(filename, "blkdebug:")) {
        error_setg(errp, "File name string must start with 'blkdebug:'");
        return false;
    }
    p = filename + strlen("blkdebug:");
    c = strchr(p, ':');
    if (!c) {
        error_setg(errp, "File name string must contain a config file name "
                   "and an image file name, separated by ':'");
        return false;
    }
    if (c != p) {
        g_autofree char *cfg = g_strndup(p, c - p);
        json_object_object_add(opts, "config", json_object_new_string(cfg));
    }
    json_object_object_add(opts, "x-image", json_object_new_string(c + 1));
    return true;
}

static bool blkdebug_take_rules(BlkdebugState *s, struct json_object *opts,
                                Error **errp)
{
    struct json_object *v;
    g_autofree char *config = NULL;

    if (!bdrv_opt_take_str(opts, "config", &config, errp)) {
        return false;
    }
    if (config && !blkdebug_read_config(s, config, errp)) {
        return false;
    }
    s->config = g_steal_pointer(&config);
    if (json_object_object_get_ex(opts, "inject-error", &v)) {
        if (!rules_from_json_list(s, v, true, errp)) {
            return false;
        }
        json_object_object_del(opts, "inject-error");
    }
    if (json_object_object_get_ex(opts, "set-state", &v)) {
        if (!rules_from_json_list(s, v, false, errp)) {
            return false;
        }
        json_object_object_del(opts, "set-state");
    }
    return true;
}

static void blkdebug_break_free(gpointer p)
{
    BlkdebugBreak *b = p;

    g_free(b->tag);
    g_free(b);
}

static void blkdebug_free_state(BlkdebugState *s)
{
    if (s->rules) {
        g_ptr_array_free(s->rules, TRUE);
        s->rules = NULL;
    }
    if (s->breaks) {
        g_ptr_array_free(s->breaks, TRUE);
        g_ptr_array_free(s->suspended, TRUE);
        g_array_free(s->inside, TRUE);
        s->breaks = NULL;
    }
    g_cond_clear(&s->cond);
    g_free(s->config);
    s->config = NULL;
    g_mutex_clear(&s->lock);
}

static int blkdebug_open(BlockDriverState *bs, struct json_object *opts,
                         int flags, Error **errp)
{
    BlkdebugState *s = bs->opaque;
    g_autofree char *image = NULL;
    uint64_t dummy;

    g_mutex_init(&s->lock);
    g_cond_init(&s->cond);
    s->state = 1;
    s->rules = g_ptr_array_new_with_free_func(g_free);
    s->breaks = g_ptr_array_new_with_free_func(blkdebug_break_free);
    s->suspended = g_ptr_array_new();
    s->inside = g_array_new(FALSE, FALSE, sizeof(uint64_t));
    if (!blkdebug_take_rules(s, opts, errp) ||
        !bdrv_opt_take_str(opts, "x-image", &image, errp) ||
        !bdrv_opt_take_size(opts, "align", 0, &s->align, errp) ||
        !bdrv_opt_take_size(opts, "max-transfer", 0, &s->max_transfer,
                            errp) ||
        !bdrv_opt_take_size(opts, "opt-write-zero", 0, &dummy, errp) ||
        !bdrv_opt_take_size(opts, "max-write-zero", 0, &dummy, errp) ||
        !bdrv_opt_take_size(opts, "opt-discard", 0, &dummy, errp) ||
        !bdrv_opt_take_size(opts, "max-discard", 0, &dummy, errp) ||
        !bdrv_opt_take_size(opts, "x-enospc-limit", 0, &s->enospc_limit,
                            errp)) {
        goto fail;
    }
    if (s->align && (s->align & (s->align - 1))) {
        error_setg(errp, "Cannot meet constraints with align %" PRIu64,
                   s->align);
        goto fail;
    }
    bs->file = bdrv_open_child(image, opts, "image", bs, true, false, errp);
    if (!bs->file) {
        goto fail;
    }
    g_free(bs->filename);
    bs->filename = s->config
        ? g_strdup_printf("blkdebug:%s:%s", s->config, bs->file->bs->filename)
        : g_strdup_printf("blkdebug::%s", bs->file->bs->filename);
    return 0;
fail:
    blkdebug_free_state(s);
    return -EINVAL;
}

static void blkdebug_close(BlockDriverState *bs)
{
    blkdebug_free_state(bs->opaque);
}

static void blkdebug_refresh_limits(BlockDriverState *bs)
{
    BlkdebugState *s = bs->opaque;

    bs->request_alignment = MAX((uint64_t)bs->file->bs->request_alignment,
                                s->align ? s->align : 1);
    bs->max_transfer = s->max_transfer;
}

/* ---------------------------------------------------------------------- */
/* Events and injection                                                    */
/* ---------------------------------------------------------------------- */

/* ---------------------------------------------------------------------- */
/* Suspend points                                                          */
/* ---------------------------------------------------------------------- */

static BlkdebugSuspendNotify *suspend_notify;

void blkdebug_set_suspend_notify(BlkdebugSuspendNotify *fn)
{
    suspend_notify = fn;
}

/* Stop here if a breakpoint is set on @event (used up), until resumed. */
static void blkdebug_suspend_locked(BlkdebugState *s, BlkdebugEvent event)
{
    for (guint i = 0; i < s->breaks->len; i++) {
        BlkdebugBreak *b = g_ptr_array_index(s->breaks, i);
        if (b->event != (int)event) {
            continue;
        }
        g_autofree char *tag = g_strdup(b->tag);
        BlkdebugSuspended me = { .tag = tag };
        g_ptr_array_remove_index(s->breaks, i);
        g_ptr_array_add(s->suspended, &me);
        if (suspend_notify) {
            suspend_notify(tag, false);
        }
        g_cond_broadcast(&s->cond);
        while (!me.resume) {
            g_cond_wait(&s->cond, &s->lock);
        }
        if (suspend_notify) {
            suspend_notify(tag, true);
        }
        g_ptr_array_remove(s->suspended, &me);
        g_cond_broadcast(&s->cond);
        return;
    }
}

/* The blkdebug node at or under @bs (down file children), or NULL; with
 * @async, the nodes above it stop running requests inline. */
static BlkdebugState *blkdebug_find(BlockDriverState *bs, bool async)
{
    for (; bs; bs = bs->file ? bs->file->bs : NULL) {
        if (async) {
            bs->nonblocking = false;
        }
        if (bs->drv == &bdrv_blkdebug) {
            return bs->opaque;
        }
    }
    return NULL;
}

int bdrv_debug_breakpoint(BlockDriverState *bs, const char *event,
                          const char *tag)
{
    BlkdebugState *s = blkdebug_find(bs, true);
    int ev = blkdebug_event_lookup(event);

    if (!s) {
        return -ENOTSUP;
    }
    if (ev < 0) {
        return -ENOENT;
    }
    BlkdebugBreak *b = g_new0(BlkdebugBreak, 1);
    b->event = ev;
    b->tag = g_strdup(tag);
    g_mutex_lock(&s->lock);
    g_ptr_array_add(s->breaks, b);
    g_mutex_unlock(&s->lock);
    return 0;
}

/*
 * Resume the requests suspended with @tag (all, or the first) and wait
 * until they are on their way, so that what they report comes before
 * what the caller does next (QEMU re-enters them synchronously).
 */
static int blkdebug_resume_locked(BlkdebugState *s, const char *tag,
                                  bool all)
{
    g_autoptr(GPtrArray) woken = g_ptr_array_new();

    for (guint i = 0; i < s->suspended->len; i++) {
        BlkdebugSuspended *r = g_ptr_array_index(s->suspended, i);
        if (!r->resume && !strcmp(r->tag, tag)) {
            r->resume = true;
            g_ptr_array_add(woken, r);
            if (!all) {
                break;
            }
        }
    }
    g_cond_broadcast(&s->cond);
    for (guint i = 0; i < woken->len; i++) {
        while (g_ptr_array_find(s->suspended, woken->pdata[i], NULL)) {
            g_cond_wait(&s->cond, &s->lock);
        }
    }
    return (int)woken->len;
}

int bdrv_debug_remove_breakpoint(BlockDriverState *bs, const char *tag)
{
    BlkdebugState *s = blkdebug_find(bs, false);
    int n;

    if (!s) {
        return -ENOTSUP;
    }
    g_mutex_lock(&s->lock);
    /* Requests stopped with @tag go on; only breakpoints count as found,
     * as in QEMU. */
    blkdebug_resume_locked(s, tag, true);
    n = 0;
    for (guint i = s->breaks->len; i-- > 0;) {
        BlkdebugBreak *b = g_ptr_array_index(s->breaks, i);
        if (!strcmp(b->tag, tag)) {
            g_ptr_array_remove_index(s->breaks, i);
            n++;
        }
    }
    g_mutex_unlock(&s->lock);
    return n ? 0 : -ENOENT;
}

int bdrv_debug_resume(BlockDriverState *bs, const char *tag)
{
    BlkdebugState *s = blkdebug_find(bs, false);
    int n;

    if (!s) {
        return -ENOTSUP;
    }
    g_mutex_lock(&s->lock);
    n = blkdebug_resume_locked(s, tag, false);
    g_mutex_unlock(&s->lock);
    return n ? 0 : -ENOENT;
}

bool bdrv_debug_is_suspended(BlockDriverState *bs, const char *tag)
{
    BlkdebugState *s = blkdebug_find(bs, false);
    bool found = false;

    if (!s) {
        return false;
    }
    g_mutex_lock(&s->lock);
    for (guint i = 0; i < s->suspended->len && !found; i++) {
        BlkdebugSuspended *r = g_ptr_array_index(s->suspended, i);
        found = !r->resume && !strcmp(r->tag, tag);
    }
    g_mutex_unlock(&s->lock);
    return found;
}

static void blkdebug_debug_event(BlockDriverState *bs, BlkdebugEvent event)
{
    BlkdebugState *s = bs->opaque;
    bool armed = false;

    g_mutex_lock(&s->lock);
    int new_state = s->state;
    for (guint i = 0; i < s->rules->len; i++) {
        BlkdebugRule *r = g_ptr_array_index(s->rules, i);
        if (r->event != (int)event || (r->state && r->state != s->state)) {
            continue;
        }
        if (r->inject) {
            if (!armed) {
                /* This event's rules replace the active set. */
                for (guint j = 0; j < s->rules->len; j++) {
                    ((BlkdebugRule *)g_ptr_array_index(s->rules, j))->active
                        = false;
                }
                armed = true;
            }
            r->active = true;
        } else {
            new_state = r->new_state;
        }
    }
    s->state = new_state;
    blkdebug_suspend_locked(s, event);
    g_mutex_unlock(&s->lock);
}

void bdrv_debug_event(BlockDriverState *bs, BlkdebugEvent event)
{
    if (bs && bs->drv && bs->drv->debug_event) {
        bs->drv->debug_event(bs, event);
    }
}

/* A request enters the node: its place in line. */
static uint64_t blkdebug_enter(BlkdebugState *s)
{
    g_mutex_lock(&s->lock);
    uint64_t seq = s->next_seq++;
    g_array_append_val(s->inside, seq);
    g_mutex_unlock(&s->lock);
    return seq;
}

static void blkdebug_leave(BlkdebugState *s, uint64_t seq)
{
    g_mutex_lock(&s->lock);
    for (guint i = 0; i < s->inside->len; i++) {
        if (g_array_index(s->inside, uint64_t, i) == seq) {
            g_array_remove_index_fast(s->inside, i);
            break;
        }
    }
    g_cond_broadcast(&s->cond);
    g_mutex_unlock(&s->lock);
}

/* Whether a request that entered before @seq is still in the node. */
static bool blkdebug_ahead_locked(BlkdebugState *s, uint64_t seq)
{
    for (guint i = 0; i < s->inside->len; i++) {
        if (g_array_index(s->inside, uint64_t, i) < seq) {
            return true;
        }
    }
    return false;
}

/* A non-immediate failure lets the requests ahead of it finish first. */
static void blkdebug_yield_locked(BlkdebugState *s, uint64_t seq)
{
    int64_t deadline = g_get_monotonic_time() + BLKDEBUG_YIELD_MAX_US;

    if (g_main_context_is_owner(g_main_context_default())) {
        return;
    }
    while (blkdebug_ahead_locked(s, seq) &&
           g_cond_wait_until(&s->cond, &s->lock, deadline)) {
        /* woken: look again */
    }
}

/* Fail a request if an active rule covers it: -errno, else 0. */
static int blkdebug_rule_check(BlockDriverState *bs, int64_t offset,
                               int64_t bytes, BlkdebugIOType type,
                               uint64_t seq)
{
    BlkdebugState *s = bs->opaque;
    int err = 0;
    bool immediately = true;

    g_mutex_lock(&s->lock);
    for (guint i = 0; i < s->rules->len; i++) {
        BlkdebugRule *r = g_ptr_array_index(s->rules, i);
        if (!r->active || !(r->iotypes & (1u << type))) {
            continue;
        }
        if (r->offset != -1 &&
            !(bytes && r->offset >= offset && r->offset < offset + bytes)) {
            continue;
        }
        err = r->error;
        immediately = r->immediately;
        if (r->once) {
            g_ptr_array_remove_index(s->rules, i);
        }
        break;
    }
    if (err && !immediately) {
        blkdebug_yield_locked(s, seq);
    }
    g_mutex_unlock(&s->lock);
    return -err;
}

static int blkdebug_preadv(BlockDriverState *bs, int64_t offset,
                           int64_t bytes, BlockIOV *qiov,
                           BdrvRequestFlags flags)
{
    uint64_t seq = blkdebug_enter(bs->opaque);
    int ret = blkdebug_rule_check(bs, offset, bytes, BLKDEBUG_IO_TYPE_READ,
                                  seq);

    if (!ret) {
        ret = bdrv_child_preadv(bs->file, offset, bytes, qiov, flags);
    }
    blkdebug_leave(bs->opaque, seq);
    return ret;
}

/* x-enospc-limit: -ENOSPC for a write reaching past the limit. */
static int blkdebug_limit_check(BlockDriverState *bs, int64_t offset,
                                int64_t bytes)
{
    BlkdebugState *s = bs->opaque;
    uint64_t limit = __atomic_load_n(&s->enospc_limit, __ATOMIC_ACQUIRE);

    return limit && (uint64_t)(offset + bytes) > limit ? -ENOSPC : 0;
}

int bdrv_debug_set_enospc_limit(BlockDriverState *bs, uint64_t limit)
{
    BlkdebugState *s = blkdebug_find(bs, false);

    if (!s) {
        return -ENOTSUP;
    }
    __atomic_store_n(&s->enospc_limit, limit, __ATOMIC_RELEASE);
    return 0;
}

int64_t bdrv_debug_get_enospc_limit(BlockDriverState *bs)
{
    BlkdebugState *s = blkdebug_find(bs, false);

    if (!s) {
        return -ENOTSUP;
    }
    return (int64_t)__atomic_load_n(&s->enospc_limit, __ATOMIC_ACQUIRE);
}

static int blkdebug_pwritev(BlockDriverState *bs, int64_t offset,
                            int64_t bytes, BlockIOV *qiov,
                            BdrvRequestFlags flags)
{
    uint64_t seq = blkdebug_enter(bs->opaque);
    int ret = blkdebug_rule_check(bs, offset, bytes, BLKDEBUG_IO_TYPE_WRITE,
                                  seq);

    if (!ret) {
        ret = blkdebug_limit_check(bs, offset, bytes);
    }
    if (!ret) {
        ret = bdrv_child_pwritev(bs->file, offset, bytes, qiov, flags);
    }
    blkdebug_leave(bs->opaque, seq);
    return ret;
}

static int blkdebug_pwrite_zeroes(BlockDriverState *bs, int64_t offset,
                                  int64_t bytes, BdrvRequestFlags flags)
{
    uint64_t seq = blkdebug_enter(bs->opaque);
    int ret = blkdebug_rule_check(bs, offset, bytes,
                                  BLKDEBUG_IO_TYPE_WRITE_ZEROES, seq);

    if (!ret) {
        ret = blkdebug_limit_check(bs, offset, bytes);
    }
    if (!ret) {
        ret = bdrv_child_pwrite_zeroes(bs->file, offset, bytes,
                                       flags & ~BDRV_REQ_ZERO_WRITE);
    }
    blkdebug_leave(bs->opaque, seq);
    return ret;
}

static int blkdebug_pdiscard(BlockDriverState *bs, int64_t offset,
                             int64_t bytes)
{
    uint64_t seq = blkdebug_enter(bs->opaque);
    int ret = blkdebug_rule_check(bs, offset, bytes,
                                  BLKDEBUG_IO_TYPE_DISCARD, seq);

    if (!ret) {
        ret = bdrv_child_pdiscard(bs->file, offset, bytes);
    }
    blkdebug_leave(bs->opaque, seq);
    return ret;
}

static int blkdebug_flush(BlockDriverState *bs)
{
    uint64_t seq = blkdebug_enter(bs->opaque);
    int ret = blkdebug_rule_check(bs, 0, 0, BLKDEBUG_IO_TYPE_FLUSH, seq);

    blkdebug_leave(bs->opaque, seq);
    return ret;
}

static int64_t blkdebug_getlength(BlockDriverState *bs)
{
    return bdrv_getlength(bs->file->bs);
}

static int blkdebug_truncate(BlockDriverState *bs, int64_t offset,
                             bool exact, PreallocMode prealloc, Error **errp)
{
    return bdrv_child_truncate(bs->file, offset, exact, prealloc, errp);
}

static int blkdebug_block_status(BlockDriverState *bs, int64_t offset,
                                 int64_t bytes, int64_t *pnum, int64_t *map,
                                 BlockDriverState **file)
{
    uint64_t seq = blkdebug_enter(bs->opaque);
    int ret = blkdebug_rule_check(bs, offset, bytes,
                                  BLKDEBUG_IO_TYPE_BLOCK_STATUS, seq);

    blkdebug_leave(bs->opaque, seq);

    if (ret) {
        return ret;
    }
    *pnum = bytes;
    *map = offset;
    *file = bs->file->bs;
    return BDRV_BLOCK_RAW | BDRV_BLOCK_OFFSET_VALID;
}

const BlockDriver bdrv_blkdebug = {
    .format_name = "blkdebug",
    .protocol_name = "blkdebug",
    .instance_size = sizeof(BlkdebugState),
    .is_filter = true,
    .nonblocking = true,
    .has_variable_length = true,
    .runtime_opts = blkdebug_runtime_opts,
    .parse_filename = blkdebug_parse_filename,
    .open = blkdebug_open,
    .close = blkdebug_close,
    .refresh_limits = blkdebug_refresh_limits,
    .preadv = blkdebug_preadv,
    .pwritev = blkdebug_pwritev,
    .pwrite_zeroes = blkdebug_pwrite_zeroes,
    .pdiscard = blkdebug_pdiscard,
    .flush_to_disk = blkdebug_flush,
    .getlength = blkdebug_getlength,
    .truncate = blkdebug_truncate,
    .block_status = blkdebug_block_status,
    .debug_event = blkdebug_debug_event,
};
