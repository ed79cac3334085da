/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The notification model: what the window tells a person about storage
 * events, independent of how it is drawn.
 *
 * It follows shared/docs/UX-NOTIFICATIONS.md section 4.5 ("Recommended UX"):
 *  - BLOCK_WRITE_THRESHOLD and QCOW2_OVERLAP_CHECK_MEMORY_LIMIT_REACHED
 *    become toasts: one at a time, FIFO, top-right, 4 s each with a linear
 *    fade over the first and last 10 %; "notifications=off" hides them.
 *  - BLOCK_IO_ERROR with action "stop" followed by STOP (or the run state
 *    io-error) becomes a persistent modal with Resume and Power off: "disk
 *    full" when nospace is true, "disk error" otherwise.  A RESUME after
 *    such a pause closes it and shows the toast "Disk space available
 *    again - VM resumed".
 *  - BLOCK_IMAGE_CORRUPTED with fatal=true becomes a modal with Dismiss and
 *    Power off; a non-fatal one is a toast.
 *  Modals are never hidden by the toast setting.  The last 20 notifications
 *  are kept for a history view, and every notification shown writes one
 *  line to the optional notification log.
 *
 * Threads: the model is used on the UI (main) thread only.  Events raised
 * in other threads reach it through notif_model_subscribe(), which queues
 * them to a GMainContext.  Time comes from an injected millisecond clock,
 * so tests drive the animation without sleeping.
 */
#ifndef UI_NOTIFICATIONS_H
#define UI_NOTIFICATIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include <json-c/json.h>

#include "system/runstate.h"
#include "util/error.h"

#define NOTIF_TOAST_MS       4000  /* xemu's kNotificationDuration */
#define NOTIF_FADE_FRACTION  0.10  /* fade in/out over 10 % of the life */
#define NOTIF_HISTORY_LEN    20

typedef enum NotifKind {
    NOTIF_TOAST,
    NOTIF_MODAL,
} NotifKind;

typedef enum NotifSeverity {
    NOTIF_INFO,      /* green accent: things got better */
    NOTIF_WARNING,   /* amber accent: act before it is too late */
    NOTIF_ERROR,     /* red accent: the VM or an image needs a person */
} NotifSeverity;

/* Buttons of a modal, as a bit mask. */
typedef enum NotifButton {
    NOTIF_BUTTON_RESUME    = 1 << 0,
    NOTIF_BUTTON_POWER_OFF = 1 << 1,
    NOTIF_BUTTON_DISMISS   = 1 << 2,
} NotifButton;

/**
 * struct Notification - one thing shown to the user.
 * @id: sequence number, from 1.
 * @kind: toast or modal.
 * @severity: picks the accent colour and icon.
 * @event: the event that caused it ("BLOCK_WRITE_THRESHOLD"), or "UI".
 * @title: short heading, e.g. "Disk almost full".
 * @body: one or two sentences, no trailing period for toasts.
 * @buttons: NotifButton mask (modals only).
 * @created_ms: model clock when it was raised.
 * @shown_ms: model clock when it first became visible (-1 if not yet).
 * @wall_us: host realtime at creation, for the history view.
 */
typedef struct Notification {
    uint64_t id;
    NotifKind kind;
    NotifSeverity severity;
    char *event;
    char *title;
    char *body;
    unsigned buttons;
    int64_t created_ms;
    int64_t shown_ms;
    int64_t wall_us;
} Notification;

/**
 * struct NotifActions - what the modal buttons do.
 * @resume: restart the VM (vm_start()); false with *errp on failure.
 * @power_off: request a shutdown (system_shutdown_request(HOST_UI)).
 * @opaque: passed to both.
 */
typedef struct NotifActions {
    bool (*resume)(void *opaque, Error **errp);
    void (*power_off)(void *opaque);
    void *opaque;
} NotifActions;

typedef struct NotifModel NotifModel;

/**
 * notif_model_new() - an empty model.
 * @clock_ms: milliseconds from any fixed origin; NULL uses the monotonic
 *            clock.  Tests pass a fake.
 * @clock_opaque: passed to @clock_ms.
 */
NotifModel *notif_model_new(int64_t (*clock_ms)(void *opaque),
                            void *clock_opaque);

/** notif_model_free() - unsubscribe, close the log and free everything. */
void notif_model_free(NotifModel *m);

/** notif_model_set_actions() - install the modal buttons' actions. */
void notif_model_set_actions(NotifModel *m, const NotifActions *actions);

/**
 * notif_model_set_toasts_enabled() - "notifications=on|off".  Off drops
 * queued and future toasts from view (they still go to the history);
 * modals are unaffected.
 */
void notif_model_set_toasts_enabled(NotifModel *m, bool enabled);

/**
 * notif_model_set_log_file() - append one line per notification shown to
 * @path ("-" for stderr, NULL to stop logging).  Lines look like
 * "2026-01-02T03:04:05.678Z toast warning BLOCK_WRITE_THRESHOLD
 * Disk almost full: Disk 'x' passed its high-water mark (1 GiB) by 3 MiB".
 */
bool notif_model_set_log_file(NotifModel *m, const char *path, Error **errp);

/**
 * notif_model_set_changed_cb() - @fn is called (on the UI thread) after
 * anything visible changed, so the front end can schedule a frame.
 */
void notif_model_set_changed_cb(NotifModel *m, void (*fn)(void *opaque),
                                void *opaque);

/**
 * notif_model_set_disk_namer() - @fn returns a newly allocated friendly
 * name for a node or device name, e.g. "disk0 (vm1.qcow2)", or NULL to use
 * the name as is.
 */
void notif_model_set_disk_namer(NotifModel *m,
                                char *(*fn)(const char *name, void *opaque),
                                void *opaque);

/**
 * notif_model_event() - feed one event (QMP name and data, borrowed).
 * Unknown events are ignored.  UI thread only.
 */
void notif_model_event(NotifModel *m, const char *name,
                       struct json_object *data);

/** notif_model_runstate() - feed a run-state change. */
void notif_model_runstate(NotifModel *m, RunState old_state,
                          RunState new_state);

/**
 * notif_model_toast() - a toast from any UI-thread code ("Screenshot
 * saved"); @event names its origin for the log.
 */
void notif_model_toast(NotifModel *m, NotifSeverity severity,
                       const char *event, const char *title,
                       const char *body);

/**
 * notif_model_tick() - advance the toast queue to the current time.
 * Returns true while something animates (a toast is up or waiting), so
 * the front end knows to keep drawing frames.
 */
bool notif_model_tick(NotifModel *m);

/**
 * notif_model_current_toast() - the toast on screen, or NULL.
 * @alpha: set to its opacity 0..1 at the current time (may be NULL).
 */
const Notification *notif_model_current_toast(NotifModel *m, double *alpha);

/**
 * notif_model_ms_to_change() - how soon the toast's look changes: 0 while
 * it fades in or out, the time until the fade-out starts (or it expires)
 * while it is fully opaque, -1 when no toast is shown.  Lets a front end
 * sleep through the steady part instead of redrawing it.
 */
int64_t notif_model_ms_to_change(NotifModel *m);

/** notif_model_current_modal() - the modal on screen, or NULL. */
const Notification *notif_model_current_modal(NotifModel *m);

/** notif_model_pending_toasts() - toasts waiting behind the current one. */
unsigned notif_model_pending_toasts(NotifModel *m);

/**
 * notif_model_press() - a button of the current modal was pressed.
 * Resume runs the resume action and closes the modal on success (false
 * with *errp, modal kept, on failure); Power off requests the shutdown;
 * Dismiss closes.  Returns false with *errp when no modal offers @button.
 */
bool notif_model_press(NotifModel *m, NotifButton button, Error **errp);

/**
 * notif_model_history() - up to NOTIF_HISTORY_LEN notifications, newest
 * first, into @out (which holds @max pointers).  Returns the count.  The
 * pointers stay valid until the next change to the model.
 */
unsigned notif_model_history(NotifModel *m, const Notification **out,
                             unsigned max);

/** notif_model_toggle_history() - show or hide the history view. */
void notif_model_toggle_history(NotifModel *m);
bool notif_model_history_visible(NotifModel *m);

/**
 * notif_model_title_tag() - the run-state suffix for the window title:
 * "", " [Paused]" or " [Paused: disk full]".
 */
const char *notif_model_title_tag(NotifModel *m);

/**
 * notif_model_subscribe() - follow the event bus: events are copied in the
 * raising thread and fed to the model from @ctx (NULL: the default
 * context).  Undone by notif_model_free().
 */
void notif_model_subscribe(NotifModel *m, GMainContext *ctx);

/**
 * notif_model_flush() - feed queued bus events now (tests, shutdown).
 * UI thread only.
 */
void notif_model_flush(NotifModel *m);

/** notif_format_size() - "512 B", "64 KiB", "1.5 GiB" (caller frees). */
char *notif_format_size(uint64_t bytes);

#endif /* UI_NOTIFICATIONS_H */
