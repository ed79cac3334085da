/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The notification model; see include/ui/notifications.h for the rules
 * and shared/docs/UX-NOTIFICATIONS.md section 4.5 for why.
 *
 * Event shapes handled (shared/docs/BLOCK-QMP-REFERENCE.md):
 *   BLOCK_WRITE_THRESHOLD {node-name, amount-exceeded, write-threshold} 1.5
 *   QCOW2_OVERLAP_CHECK_MEMORY_LIMIT_REACHED {reference, start?, length?} 2.4
 *   BLOCK_IMAGE_CORRUPTED {device, node-name?, msg, offset?, size?, fatal} 2.3
 *   BLOCK_IO_ERROR {device, node-name?, operation, action, nospace?,
 *                   reason}, STOP, RESUME                                  4
 * BLOCK_IO_ERROR always precedes the STOP of the pause it causes; the run
 * state hook may run before the queued bus events, so entering io-error
 * first drains the queue.
 */
#include "ui/notifications.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "util/event-bus.h"

typedef struct IoErrorInfo {
    bool pending;          /* a BLOCK_IO_ERROR with action stop was seen */
    bool nospace;
    char *disk;
    char *operation;
    char *reason;
} IoErrorInfo;

typedef struct QueuedEvent {
    char *name;
    struct json_object *data;
} QueuedEvent;

struct NotifModel {
    int64_t (*clock_ms)(void *opaque);
    void *clock_opaque;
    NotifActions actions;
    bool toasts_enabled;
    FILE *log;
    void (*changed)(void *opaque);
    void *changed_opaque;
    char *(*namer)(const char *name, void *opaque);
    void *namer_opaque;
    uint64_t next_id;

    GQueue toasts;               /* waiting toasts, oldest first */
    Notification *toast;         /* on screen */
    GQueue modals;               /* head is on screen */
    Notification *history[NOTIF_HISTORY_LEN];
    unsigned history_head;       /* next slot to fill */
    unsigned history_count;
    bool history_visible;

    bool running;
    bool have_runstate;          /* run-state hooks arrive: trust them */
    IoErrorInfo io;
    Notification *io_modal;      /* the pause modal, while shown/queued */
    bool io_paused;              /* stopped by a disk error, not resumed */
    bool io_pause_nospace;

    unsigned bus_handle;
    GMainContext *ctx;
    GMutex qlock;
    GQueue bus_queue;            /* QueuedEvent, filled by any thread */
    GSource *bus_source;
};

static int64_t notif_monotonic_ms(void *opaque)
{
    return g_get_monotonic_time() / 1000;
}

static int64_t notif_now(NotifModel *m)
{
    return m->clock_ms(m->clock_opaque);
}

static void notif_clear(gpointer p)
{
    Notification *n = p;

    g_free(n->event);
    g_free(n->title);
    g_free(n->body);
}

static void notif_unref(Notification *n)
{
    if (n) {
        g_rc_box_release_full(n, notif_clear);
    }
}

static void notif_changed(NotifModel *m)
{
    if (m->changed) {
        m->changed(m->changed_opaque);
    }
}

NotifModel *notif_model_new(int64_t (*clock_ms)(void *opaque),
                            void *clock_opaque)
{
    NotifModel *m = g_new0(NotifModel, 1);

    m->clock_ms = clock_ms ? clock_ms : notif_monotonic_ms;
    m->clock_opaque = clock_opaque;
    m->toasts_enabled = true;
    m->running = true;
    m->next_id = 1;
    g_queue_init(&m->toasts);
    g_queue_init(&m->modals);
    g_queue_init(&m->bus_queue);
    g_mutex_init(&m->qlock);
    return m;
}

static void io_info_clear(IoErrorInfo *io)
{
    g_free(io->disk);
    g_free(io->operation);
    g_free(io->reason);
    *io = (IoErrorInfo){ 0 };
}

static void queued_event_free(gpointer p)
{
    QueuedEvent *q = p;

    g_free(q->name);
    json_object_put(q->data);
    g_free(q);
}

void notif_model_free(NotifModel *m)
{
    if (!m) {
        return;
    }
    if (m->bus_handle) {
        event_bus_unsubscribe(m->bus_handle);
    }
    g_mutex_lock(&m->qlock);
    if (m->bus_source) {
        g_source_destroy(m->bus_source);
        g_source_unref(m->bus_source);
    }
    g_queue_clear_full(&m->bus_queue, queued_event_free);
    g_mutex_unlock(&m->qlock);
    g_mutex_clear(&m->qlock);
    g_queue_clear_full(&m->toasts, (GDestroyNotify)notif_unref);
    g_queue_clear_full(&m->modals, (GDestroyNotify)notif_unref);
    notif_unref(m->toast);
    for (unsigned i = 0; i < NOTIF_HISTORY_LEN; i++) {
        notif_unref(m->history[i]);
    }
    io_info_clear(&m->io);
    if (m->log && m->log != stderr) {
        fclose(m->log);
    }
    g_free(m);
}

void notif_model_set_actions(NotifModel *m, const NotifActions *actions)
{
    m->actions = *actions;
}

void notif_model_set_changed_cb(NotifModel *m, void (*fn)(void *opaque),
                                void *opaque)
{
    m->changed = fn;
    m->changed_opaque = opaque;
}

void notif_model_set_disk_namer(NotifModel *m,
                                char *(*fn)(const char *name, void *opaque),
                                void *opaque)
{
    m->namer = fn;
    m->namer_opaque = opaque;
}

bool notif_model_set_log_file(NotifModel *m, const char *path, Error **errp)
{
    FILE *f = NULL;

    if (path && !strcmp(path, "-")) {
        f = stderr;
    } else if (path) {
        f = fopen(path, "a");
        if (!f) {
            error_setg_errno(errp, errno, "Could not open notification log "
                             "'%s'", path);
            return false;
        }
        setvbuf(f, NULL, _IOLBF, 0);
    }
    if (m->log && m->log != stderr) {
        fclose(m->log);
    }
    m->log = f;
    return true;
}

static const char *const notif_kind_names[] = {
    [NOTIF_TOAST] = "toast",
    [NOTIF_MODAL] = "modal",
};

static const char *const notif_severity_names[] = {
    [NOTIF_INFO] = "info",
    [NOTIF_WARNING] = "warning",
    [NOTIF_ERROR] = "error",
};

/* One log line: time, what happened, the notification, then @tail. */
static void notif_log_line(NotifModel *m, const char *what,
                           const Notification *n, const char *tail)
{
    g_autoptr(GDateTime) now = NULL;
    g_autofree char *stamp = NULL;

    if (!m->log) {
        return;
    }
    now = g_date_time_new_now_utc();
    stamp = g_date_time_format(now, "%Y-%m-%dT%H:%M:%S");
    fprintf(m->log, "%s.%03dZ %s %s %s %s: %s\n", stamp,
            g_date_time_get_microsecond(now) / 1000, what,
            notif_severity_names[n->severity], n->event, n->title, tail);
    fflush(m->log);
}

void notif_model_set_toasts_enabled(NotifModel *m, bool enabled)
{
    m->toasts_enabled = enabled;
    if (!enabled) {
        g_queue_clear_full(&m->toasts, (GDestroyNotify)notif_unref);
        notif_unref(m->toast);
        m->toast = NULL;
    }
    notif_changed(m);
}

static void notif_history_add(NotifModel *m, Notification *n)
{
    notif_unref(m->history[m->history_head]);
    m->history[m->history_head] = g_rc_box_acquire(n);
    m->history_head = (m->history_head + 1) % NOTIF_HISTORY_LEN;
    m->history_count = MIN(m->history_count + 1, NOTIF_HISTORY_LEN);
}

static Notification *notif_new(NotifModel *m, NotifKind kind,
                               NotifSeverity severity, const char *event,
                               const char *title, const char *body)
{
    Notification *n = g_rc_box_new0(Notification);

    n->id = m->next_id++;
    n->kind = kind;
    n->severity = severity;
    n->event = g_strdup(event);
    n->title = g_strdup(title);
    n->body = g_strdup(body);
    n->created_ms = notif_now(m);
    n->shown_ms = -1;
    n->wall_us = g_get_real_time();
    notif_history_add(m, n);
    return n;
}

void notif_model_toast(NotifModel *m, NotifSeverity severity,
                       const char *event, const char *title,
                       const char *body)
{
    Notification *n = notif_new(m, NOTIF_TOAST, severity, event, title, body);

    if (m->toasts_enabled) {
        g_queue_push_tail(&m->toasts, n);
    } else {
        notif_unref(n);
    }
    notif_model_tick(m);
    notif_changed(m);
}

/* Make the head of the modal queue visible (and logged) if it is new. */
static void notif_show_modal_head(NotifModel *m)
{
    Notification *n = g_queue_peek_head(&m->modals);

    if (n && n->shown_ms < 0) {
        n->shown_ms = notif_now(m);
        notif_log_line(m, notif_kind_names[NOTIF_MODAL], n, n->body);
    }
}

static Notification *notif_modal(NotifModel *m, NotifSeverity severity,
                                 const char *event, const char *title,
                                 const char *body, unsigned buttons)
{
    Notification *n = notif_new(m, NOTIF_MODAL, severity, event, title, body);

    n->buttons = buttons;
    g_queue_push_tail(&m->modals, n);
    notif_show_modal_head(m);
    notif_changed(m);
    return n;
}

/* Remove @n from the modal queue; logs why and shows the next one. */
static void notif_close_modal(NotifModel *m, Notification *n,
                              const char *why)
{
    if (!g_queue_remove(&m->modals, n)) {
        return;
    }
    notif_log_line(m, "closed", n, why);
    if (n == m->io_modal) {
        m->io_modal = NULL;
    }
    notif_unref(n);
    notif_show_modal_head(m);
    notif_changed(m);
}

bool notif_model_tick(NotifModel *m)
{
    int64_t now = notif_now(m);

    if (m->toast && now - m->toast->shown_ms >= NOTIF_TOAST_MS) {
        notif_unref(m->toast);
        m->toast = NULL;
        notif_changed(m);
    }
    if (!m->toast && m->toasts_enabled && !g_queue_is_empty(&m->toasts)) {
        m->toast = g_queue_pop_head(&m->toasts);
        m->toast->shown_ms = now;
        notif_log_line(m, notif_kind_names[NOTIF_TOAST], m->toast,
                       m->toast->body);
        notif_changed(m);
    }
    return m->toast != NULL;
}

const Notification *notif_model_current_toast(NotifModel *m, double *alpha)
{
    double t, a = 0;

    if (m->toast) {
        t = (double)(notif_now(m) - m->toast->shown_ms) / NOTIF_TOAST_MS;
        t = CLAMP(t, 0.0, 1.0);
        a = MIN(MIN(t, 1.0 - t) / NOTIF_FADE_FRACTION, 1.0);
    }
    if (alpha) {
        *alpha = a;
    }
    return m->toast;
}

int64_t notif_model_ms_to_change(NotifModel *m)
{
    int64_t age, fade = (int64_t)(NOTIF_TOAST_MS * NOTIF_FADE_FRACTION);

    if (!m->toast) {
        return -1;
    }
    age = notif_now(m) - m->toast->shown_ms;
    if (age < fade || age >= NOTIF_TOAST_MS - fade) {
        return 0;
    }
    return NOTIF_TOAST_MS - fade - age;
}

const Notification *notif_model_current_modal(NotifModel *m)
{
    return g_queue_peek_head(&m->modals);
}

unsigned notif_model_pending_toasts(NotifModel *m)
{
    return g_queue_get_length(&m->toasts);
}

static const char *notif_button_name(NotifButton b)
{
    switch (b) {
    case NOTIF_BUTTON_RESUME:
        return "Resume";
    case NOTIF_BUTTON_POWER_OFF:
        return "Power off";
    case NOTIF_BUTTON_DISMISS:
        return "Dismiss";
    }
    return "?";
}

bool notif_model_press(NotifModel *m, NotifButton button, Error **errp)
{
    Notification *n = g_queue_peek_head(&m->modals);
    g_autofree char *why = NULL;

    if (!n || !(n->buttons & button)) {
        error_setg(errp, "No notification offers '%s'",
                   notif_button_name(button));
        return false;
    }
    if (button == NOTIF_BUTTON_RESUME && !m->actions.resume) {
        error_setg(errp, "Resume is not available");
        return false;
    }
    why = g_strdup_printf("%s pressed", notif_button_name(button));
    notif_log_line(m, "pressed", n, why);
    /* The action may close @n itself (resume -> run state hook). */
    g_rc_box_acquire(n);
    if (button == NOTIF_BUTTON_RESUME &&
        !m->actions.resume(m->actions.opaque, errp)) {
        notif_unref(n);
        return false;
    }
    if (button == NOTIF_BUTTON_POWER_OFF && m->actions.power_off) {
        m->actions.power_off(m->actions.opaque);
    }
    notif_close_modal(m, n, why);
    notif_unref(n);
    return true;
}

unsigned notif_model_history(NotifModel *m, const Notification **out,
                             unsigned max)
{
    unsigned n = MIN(max, m->history_count);

    for (unsigned i = 0; i < n; i++) {
        unsigned slot = (m->history_head + NOTIF_HISTORY_LEN - 1 - i) %
                        NOTIF_HISTORY_LEN;
        out[i] = m->history[slot];
    }
    return n;
}

void notif_model_toggle_history(NotifModel *m)
{
    m->history_visible = !m->history_visible;
    notif_changed(m);
}

bool notif_model_history_visible(NotifModel *m)
{
    return m->history_visible;
}

const char *notif_model_title_tag(NotifModel *m)
{
    if (m->running) {
        return "";
    }
    return m->io_pause_nospace ? " [Paused: disk full]" : " [Paused]";
}

char *notif_format_size(uint64_t bytes)
{
    static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB",
                                        "EiB" };
    double v = bytes;
    int u = -1;

    if (bytes < 1024) {
        return g_strdup_printf("%" PRIu64 " B", bytes);
    }
    while (v >= 1024 && u < (int)G_N_ELEMENTS(units) - 1) {
        v /= 1024;
        u++;
    }
    if (v == (double)(uint64_t)v) {
        return g_strdup_printf("%" PRIu64 " %s", (uint64_t)v, units[u]);
    }
    return g_strdup_printf("%.1f %s", v, units[u]);
}


/* ---- events -> notifications ------------------------------------------ */

static const char *notif_json_str(struct json_object *data, const char *key)
{
    struct json_object *v;

    if (data && json_object_object_get_ex(data, key, &v) &&
        json_object_is_type(v, json_type_string)) {
        return json_object_get_string(v);
    }
    return NULL;
}

/* Integer member; false when absent or not a number. */
static bool notif_json_u64(struct json_object *data, const char *key,
                     uint64_t *out)
{
    struct json_object *v;

    if (data && json_object_object_get_ex(data, key, &v) &&
        json_object_is_type(v, json_type_int)) {
        *out = json_object_get_uint64(v);
        return true;
    }
    return false;
}

static bool notif_json_bool(struct json_object *data, const char *key)
{
    struct json_object *v;

    return data && json_object_object_get_ex(data, key, &v) &&
           json_object_is_type(v, json_type_boolean) &&
           json_object_get_boolean(v);
}

/* The name a person knows the disk by: device, else node, else a dash. */
static char *notif_disk_name(NotifModel *m, struct json_object *data,
                             const char *first, const char *second)
{
    const char *name = notif_json_str(data, first);
    char *friendly;

    if ((!name || !*name) && second) {
        name = notif_json_str(data, second);
    }
    if (!name || !*name) {
        return g_strdup("(unnamed)");
    }
    friendly = m->namer ? m->namer(name, m->namer_opaque) : NULL;
    return friendly ? friendly : g_strdup(name);
}

static void notif_on_write_threshold(NotifModel *m, struct json_object *d)
{
    g_autofree char *disk = notif_disk_name(m, d, "node-name", NULL);
    g_autofree char *mark = NULL, *over = NULL, *body = NULL;
    uint64_t amount = 0, threshold = 0;

    notif_json_u64(d, "amount-exceeded", &amount);
    notif_json_u64(d, "write-threshold", &threshold);
    mark = notif_format_size(threshold);
    over = notif_format_size(amount);
    body = g_strdup_printf("Disk '%s' passed its high-water mark (%s) by %s",
                           disk, mark, over);
    notif_model_toast(m, NOTIF_WARNING, "BLOCK_WRITE_THRESHOLD",
                      "Disk almost full", body);
}

static void notif_on_overlap_limit(NotifModel *m, struct json_object *d)
{
    g_autofree char *disk = notif_disk_name(m, d, "reference", NULL);
    g_autofree char *body = NULL;
    uint64_t start, length;

    if (notif_json_u64(d, "start", &start) && notif_json_u64(d, "length", &length)) {
        g_autofree char *from = notif_format_size(start);
        g_autofree char *len = notif_format_size(length);

        body = g_strdup_printf("Disk '%s' reached the overlap-check memory "
                               "limit: %s from offset %s are not checked "
                               "against qcow2 metadata", disk, len, from);
    } else {
        body = g_strdup_printf("Disk '%s' reached the overlap-check memory "
                               "limit: some writes are not checked against "
                               "qcow2 metadata", disk);
    }
    notif_model_toast(m, NOTIF_WARNING,
                      "QCOW2_OVERLAP_CHECK_MEMORY_LIMIT_REACHED",
                      "Metadata checks limited", body);
}

static void notif_on_corrupted(NotifModel *m, struct json_object *d)
{
    g_autofree char *disk = notif_disk_name(m, d, "device", "node-name");
    const char *msg = notif_json_str(d, "msg");
    g_autofree char *body = NULL;

    msg = msg ? msg : "unknown reason";
    if (notif_json_bool(d, "fatal")) {
        body = g_strdup_printf("The image of disk '%s' was marked corrupt: "
                               "%s. Writes to it now fail. Power off and "
                               "repair it with 'plimsoll-img check -r all'.",
                               disk, msg);
        notif_modal(m, NOTIF_ERROR, "BLOCK_IMAGE_CORRUPTED",
                    "Disk image corrupt", body,
                    NOTIF_BUTTON_DISMISS | NOTIF_BUTTON_POWER_OFF);
    } else {
        body = g_strdup_printf("Disk '%s' has an inconsistent image: %s",
                               disk, msg);
        notif_model_toast(m, NOTIF_WARNING, "BLOCK_IMAGE_CORRUPTED",
                          "Disk image inconsistent", body);
    }
}

static void notif_on_io_error(NotifModel *m, struct json_object *d)
{
    const char *action = notif_json_str(d, "action");
    const char *op = notif_json_str(d, "operation");
    const char *reason = notif_json_str(d, "reason");

    if (!action || strcmp(action, "stop")) {
        return; /* reported to or hidden from the guest: no pause */
    }
    io_info_clear(&m->io);
    m->io.pending = true;
    m->io.nospace = notif_json_bool(d, "nospace");
    m->io.disk = notif_disk_name(m, d, "device", "node-name");
    m->io.operation = g_strdup(op ? op : "I/O");
    m->io.reason = g_strdup(reason ? reason : "Input/output error");
}

/* The VM stopped: if a disk error asked for it, show the pause modal. */
static void notif_show_pause(NotifModel *m, bool io_error_state)
{
    g_autofree char *body = NULL;
    const char *title;

    m->running = false;
    if (m->io_modal || (!m->io.pending && !io_error_state)) {
        return;
    }
    if (m->io.pending && m->io.nospace) {
        title = "VM paused: disk full";
        body = g_strdup_printf("No space left on device for disk '%s'. Free "
                               "space on the host or enlarge the image, "
                               "then Resume.", m->io.disk);
    } else if (m->io.pending) {
        title = "VM paused: disk error";
        body = g_strdup_printf("A %s on disk '%s' failed: %s. Fix the cause "
                               "on the host, then Resume.", m->io.operation,
                               m->io.disk, m->io.reason);
    } else {
        title = "VM paused: disk error";
        body = g_strdup("A disk error paused the VM. Fix the cause on the "
                        "host, then Resume.");
    }
    m->io_paused = true;
    m->io_pause_nospace = m->io.pending && m->io.nospace;
    m->io_modal = notif_modal(m, NOTIF_ERROR, "BLOCK_IO_ERROR", title, body,
                              NOTIF_BUTTON_RESUME | NOTIF_BUTTON_POWER_OFF);
    io_info_clear(&m->io);
}

/* The VM runs again: close the pause modal and say so. */
static void notif_show_resume(NotifModel *m)
{
    bool was_io_pause = m->io_paused;
    bool nospace = m->io_pause_nospace;

    m->running = true;
    m->io_paused = false;
    m->io_pause_nospace = false;
    io_info_clear(&m->io);
    if (m->io_modal) {
        notif_close_modal(m, m->io_modal, "VM resumed");
    }
    if (was_io_pause) {
        notif_model_toast(m, NOTIF_INFO, "RESUME", "VM resumed",
                          nospace ? "Disk space available again \u2014 VM "
                                    "resumed"
                                  : "The VM resumed after a disk error");
    }
    notif_changed(m);
}

/*
 * STOP and RESUME travel through the queue and may be handled after the
 * run-state hook reported a later change; once hooks arrive, they alone
 * say whether the VM runs.
 */
static void notif_on_stop(NotifModel *m, struct json_object *d)
{
    if (!m->have_runstate) {
        notif_show_pause(m, false);
    }
}

static void notif_on_resume(NotifModel *m, struct json_object *d)
{
    if (!m->have_runstate && !m->running) {
        notif_show_resume(m);
    }
}

static const struct {
    const char *name;
    void (*handle)(NotifModel *m, struct json_object *data);
} notif_event_table[] = {
    { "BLOCK_WRITE_THRESHOLD", notif_on_write_threshold },
    { "QCOW2_OVERLAP_CHECK_MEMORY_LIMIT_REACHED", notif_on_overlap_limit },
    { "BLOCK_IMAGE_CORRUPTED", notif_on_corrupted },
    { "BLOCK_IO_ERROR", notif_on_io_error },
    { "STOP", notif_on_stop },
    { "RESUME", notif_on_resume },
};

void notif_model_event(NotifModel *m, const char *name,
                       struct json_object *data)
{
    for (size_t i = 0; i < G_N_ELEMENTS(notif_event_table); i++) {
        if (!strcmp(notif_event_table[i].name, name)) {
            notif_event_table[i].handle(m, data);
            return;
        }
    }
}

void notif_model_runstate(NotifModel *m, RunState old_state,
                          RunState new_state)
{
    m->have_runstate = true;
    if (new_state == RUN_STATE_RUNNING) {
        if (!m->running) {
            notif_show_resume(m);
        }
        return;
    }
    if (new_state == RUN_STATE_IO_ERROR) {
        /* The BLOCK_IO_ERROR of this pause may still sit in the queue. */
        notif_model_flush(m);
        notif_show_pause(m, true);
        return;
    }
    m->running = false;
    notif_changed(m);
}

/* ---- the event bus, from any thread ------------------------------------ */

static gboolean notif_bus_dispatch(gpointer opaque)
{
    NotifModel *m = opaque;

    notif_model_flush(m);
    return G_SOURCE_REMOVE;
}

static void notif_bus_event(const BusEvent *ev, void *opaque)
{
    NotifModel *m = opaque;
    QueuedEvent *q;
    bool known = false;

    for (size_t i = 0; i < G_N_ELEMENTS(notif_event_table); i++) {
        known |= !strcmp(notif_event_table[i].name, ev->name);
    }
    if (!known) {
        return;
    }
    q = g_new0(QueuedEvent, 1);
    q->name = g_strdup(ev->name);
    /* A deep copy: json-c reference counts are not for sharing threads. */
    if (ev->data) {
        json_object_deep_copy(ev->data, &q->data, NULL);
    }
    g_mutex_lock(&m->qlock);
    g_queue_push_tail(&m->bus_queue, q);
    if (!m->bus_source) {
        m->bus_source = g_idle_source_new();
        /* As urgent as the window's frames, or a busy loop starves it. */
        g_source_set_priority(m->bus_source, G_PRIORITY_DEFAULT);
        g_source_set_callback(m->bus_source, notif_bus_dispatch, m, NULL);
        g_source_attach(m->bus_source, m->ctx);
    }
    g_mutex_unlock(&m->qlock);
}

void notif_model_subscribe(NotifModel *m, GMainContext *ctx)
{
    m->ctx = ctx;
    if (!m->bus_handle) {
        m->bus_handle = event_bus_subscribe(notif_bus_event, m);
    }
}

void notif_model_flush(NotifModel *m)
{
    for (;;) {
        QueuedEvent *q;

        g_mutex_lock(&m->qlock);
        q = g_queue_pop_head(&m->bus_queue);
        if (!q && m->bus_source) {
            g_source_destroy(m->bus_source);
            g_source_unref(m->bus_source);
            m->bus_source = NULL;
        }
        g_mutex_unlock(&m->qlock);
        if (!q) {
            return;
        }
        notif_model_event(m, q->name, q->data);
        queued_event_free(q);
    }
}
