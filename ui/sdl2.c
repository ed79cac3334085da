/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SDL2 window (-display sdl): window, keyboard and mouse, hotkeys,
 * timing, and the guest + overlay pictures handed to a renderer
 * (ui/sdl2-2d.c or ui/sdl2-gl.c).
 *
 * Timing: one glib timeout on the main loop.  It runs every 16 ms (about
 * 60 Hz) while something changes (guest pixels, a toast animating, input
 * in the last 250 ms, a running guest whose device must be polled).  Idle,
 * an fd watch on the display connection (X11, or Wayland through the
 * libwayland-client SDL loaded) wakes the loop for input and the timer
 * drops to 500 ms; on Wayland a held key keeps the 60 Hz pace, as SDL
 * makes key repeats itself while pumping.  Without a connection fd the
 * timer pumps SDL's queue every 30 ms, as QEMU's SDL display does.
 * Changes from other threads (a device marking dirty pixels) wake the
 * loop through an idle source.  A frame is drawn only when something
 * changed, so an idle window draws nothing.
 *
 * Hotkeys (Ctrl+Alt held): G grab/release keyboard and mouse, F full
 * screen, U restore the guest's own size, N notification history, S save
 * a screenshot of the window (PNG in the current directory).  While
 * a modal is shown, R/Enter, P and D press its buttons.
 */
#include "ui/sdl2.h"

#include <dlfcn.h>
#include <linux/input-event-codes.h>
#include <string.h>
#include <glib.h>
#include <glib-unix.h>
#include <SDL_syswm.h>

#include "system/runstate.h"
#include "ui/display-int.h"
#include "ui/input.h"
#include "ui/screendump.h"

#define SDL2_ACTIVE_MS 16
#define SDL2_IDLE_MS   30
#define SDL2_IDLE_WATCHED_MS 500
#define SDL2_LINGER_US 250000

static const uint16_t sdl2_keymap[SDL_NUM_SCANCODES] = {
    [SDL_SCANCODE_A] = KEY_A, [SDL_SCANCODE_B] = KEY_B,
    [SDL_SCANCODE_C] = KEY_C, [SDL_SCANCODE_D] = KEY_D,
    [SDL_SCANCODE_E] = KEY_E, [SDL_SCANCODE_F] = KEY_F,
    [SDL_SCANCODE_G] = KEY_G, [SDL_SCANCODE_H] = KEY_H,
    [SDL_SCANCODE_I] = KEY_I, [SDL_SCANCODE_J] = KEY_J,
    [SDL_SCANCODE_K] = KEY_K, [SDL_SCANCODE_L] = KEY_L,
    [SDL_SCANCODE_M] = KEY_M, [SDL_SCANCODE_N] = KEY_N,
    [SDL_SCANCODE_O] = KEY_O, [SDL_SCANCODE_P] = KEY_P,
    [SDL_SCANCODE_Q] = KEY_Q, [SDL_SCANCODE_R] = KEY_R,
    [SDL_SCANCODE_S] = KEY_S, [SDL_SCANCODE_T] = KEY_T,
    [SDL_SCANCODE_U] = KEY_U, [SDL_SCANCODE_V] = KEY_V,
    [SDL_SCANCODE_W] = KEY_W, [SDL_SCANCODE_X] = KEY_X,
    [SDL_SCANCODE_Y] = KEY_Y, [SDL_SCANCODE_Z] = KEY_Z,
    [SDL_SCANCODE_1] = KEY_1, [SDL_SCANCODE_2] = KEY_2,
    [SDL_SCANCODE_3] = KEY_3, [SDL_SCANCODE_4] = KEY_4,
    [SDL_SCANCODE_5] = KEY_5, [SDL_SCANCODE_6] = KEY_6,
    [SDL_SCANCODE_7] = KEY_7, [SDL_SCANCODE_8] = KEY_8,
    [SDL_SCANCODE_9] = KEY_9, [SDL_SCANCODE_0] = KEY_0,
    [SDL_SCANCODE_RETURN] = KEY_ENTER, [SDL_SCANCODE_ESCAPE] = KEY_ESC,
    [SDL_SCANCODE_BACKSPACE] = KEY_BACKSPACE, [SDL_SCANCODE_TAB] = KEY_TAB,
    [SDL_SCANCODE_SPACE] = KEY_SPACE, [SDL_SCANCODE_MINUS] = KEY_MINUS,
    [SDL_SCANCODE_EQUALS] = KEY_EQUAL,
    [SDL_SCANCODE_LEFTBRACKET] = KEY_LEFTBRACE,
    [SDL_SCANCODE_RIGHTBRACKET] = KEY_RIGHTBRACE,
    [SDL_SCANCODE_BACKSLASH] = KEY_BACKSLASH,
    [SDL_SCANCODE_NONUSHASH] = KEY_BACKSLASH,
    [SDL_SCANCODE_SEMICOLON] = KEY_SEMICOLON,
    [SDL_SCANCODE_APOSTROPHE] = KEY_APOSTROPHE,
    [SDL_SCANCODE_GRAVE] = KEY_GRAVE, [SDL_SCANCODE_COMMA] = KEY_COMMA,
    [SDL_SCANCODE_PERIOD] = KEY_DOT, [SDL_SCANCODE_SLASH] = KEY_SLASH,
    [SDL_SCANCODE_CAPSLOCK] = KEY_CAPSLOCK,
    [SDL_SCANCODE_F1] = KEY_F1, [SDL_SCANCODE_F2] = KEY_F2,
    [SDL_SCANCODE_F3] = KEY_F3, [SDL_SCANCODE_F4] = KEY_F4,
    [SDL_SCANCODE_F5] = KEY_F5, [SDL_SCANCODE_F6] = KEY_F6,
    [SDL_SCANCODE_F7] = KEY_F7, [SDL_SCANCODE_F8] = KEY_F8,
    [SDL_SCANCODE_F9] = KEY_F9, [SDL_SCANCODE_F10] = KEY_F10,
    [SDL_SCANCODE_F11] = KEY_F11, [SDL_SCANCODE_F12] = KEY_F12,
    [SDL_SCANCODE_PRINTSCREEN] = KEY_SYSRQ,
    [SDL_SCANCODE_SCROLLLOCK] = KEY_SCROLLLOCK,
    [SDL_SCANCODE_PAUSE] = KEY_PAUSE, [SDL_SCANCODE_INSERT] = KEY_INSERT,
    [SDL_SCANCODE_HOME] = KEY_HOME, [SDL_SCANCODE_PAGEUP] = KEY_PAGEUP,
    [SDL_SCANCODE_DELETE] = KEY_DELETE, [SDL_SCANCODE_END] = KEY_END,
    [SDL_SCANCODE_PAGEDOWN] = KEY_PAGEDOWN, [SDL_SCANCODE_RIGHT] = KEY_RIGHT,
    [SDL_SCANCODE_LEFT] = KEY_LEFT, [SDL_SCANCODE_DOWN] = KEY_DOWN,
    [SDL_SCANCODE_UP] = KEY_UP, [SDL_SCANCODE_NUMLOCKCLEAR] = KEY_NUMLOCK,
    [SDL_SCANCODE_KP_DIVIDE] = KEY_KPSLASH,
    [SDL_SCANCODE_KP_MULTIPLY] = KEY_KPASTERISK,
    [SDL_SCANCODE_KP_MINUS] = KEY_KPMINUS, [SDL_SCANCODE_KP_PLUS] = KEY_KPPLUS,
    [SDL_SCANCODE_KP_ENTER] = KEY_KPENTER, [SDL_SCANCODE_KP_1] = KEY_KP1,
    [SDL_SCANCODE_KP_2] = KEY_KP2, [SDL_SCANCODE_KP_3] = KEY_KP3,
    [SDL_SCANCODE_KP_4] = KEY_KP4, [SDL_SCANCODE_KP_5] = KEY_KP5,
    [SDL_SCANCODE_KP_6] = KEY_KP6, [SDL_SCANCODE_KP_7] = KEY_KP7,
    [SDL_SCANCODE_KP_8] = KEY_KP8, [SDL_SCANCODE_KP_9] = KEY_KP9,
    [SDL_SCANCODE_KP_0] = KEY_KP0, [SDL_SCANCODE_KP_PERIOD] = KEY_KPDOT,
    [SDL_SCANCODE_NONUSBACKSLASH] = KEY_102ND,
    [SDL_SCANCODE_APPLICATION] = KEY_COMPOSE,
    [SDL_SCANCODE_LCTRL] = KEY_LEFTCTRL, [SDL_SCANCODE_LSHIFT] = KEY_LEFTSHIFT,
    [SDL_SCANCODE_LALT] = KEY_LEFTALT, [SDL_SCANCODE_LGUI] = KEY_LEFTMETA,
    [SDL_SCANCODE_RCTRL] = KEY_RIGHTCTRL,
    [SDL_SCANCODE_RSHIFT] = KEY_RIGHTSHIFT,
    [SDL_SCANCODE_RALT] = KEY_RIGHTALT, [SDL_SCANCODE_RGUI] = KEY_RIGHTMETA,
};

static struct {
    SDL_Window *win;
    const Sdl2Renderer *r;
    Console *con;
    ConsoleListener listener;
    uint64_t generation;
    bool have_guest;
    int gw, gh;
    pixman_image_t *staging;       /* x8r8g8b8 copy of non-32-bit guests */
    pixman_image_t *overlay;       /* premultiplied, drawable-sized */
    int ow, oh;
    pixman_box32_t ov_box;         /* what the overlay covered last frame */
    bool ov_shown;
    uint64_t toast_id;             /* toast and opacity last drawn */
    double toast_alpha;
    guint timer;
    int interval;
    guint conn_watch;              /* fd watch on the display connection */
    bool wayland;
    gint wake_pending;
    unsigned frames;
    gint guest_kick;               /* set from any thread */
    gint overlay_kick;
    int64_t last_change_us;
    bool redraw;
    bool grabbed;
    bool full_screen;
    bool window_close;
    char *title;
} sdl;

static gboolean sdl2_tick(gpointer opaque);

/* ---- guest pixels -------------------------------------------------------- */

static void sdl2_guest_switch(DisplaySurface *s)
{
    sdl.gw = surface_width(s);
    sdl.gh = surface_height(s);
    sdl.r->guest_resize(sdl.gw, sdl.gh);
    if (sdl.staging) {
        pixman_image_unref(sdl.staging);
        sdl.staging = NULL;
    }
    if (s->format != PIXMAN_x8r8g8b8 && s->format != PIXMAN_a8r8g8b8) {
        sdl.staging = pixman_image_create_bits(PIXMAN_x8r8g8b8, sdl.gw,
                                               sdl.gh, NULL, 0);
    }
    /* Follow the guest's mode size unless the user went full screen. */
    if (!sdl.full_screen && sdl.have_guest) {
        SDL_SetWindowSize(sdl.win, sdl.gw, sdl.gh);
    }
    sdl.have_guest = true;
}

/* Upload what the guest changed; true if anything did. */
static bool sdl2_update_guest(void)
{
    pixman_region32_t dirty;
    uint64_t gen;
    DisplaySurface *s;
    pixman_box32_t *rects;
    int n;

    if (!sdl.con) {
        return false;
    }
    console_hw_update(sdl.con);
    pixman_region32_init(&dirty);
    if (!console_take_dirty(sdl.con, &dirty, &gen)) {
        pixman_region32_fini(&dirty);
        return false;
    }
    s = console_surface(sdl.con);
    if (gen != sdl.generation || !sdl.have_guest) {
        sdl.generation = gen;
        sdl2_guest_switch(s);
        pixman_region32_fini(&dirty);
        pixman_region32_init_rect(&dirty, 0, 0, sdl.gw, sdl.gh);
    }
    rects = pixman_region32_rectangles(&dirty, &n);
    for (int i = 0; i < n; i++) {
        if (sdl.staging) {
            surface_convert_region(s, sdl.staging, &rects[i]);
        }
        sdl.r->guest_update(sdl.staging ? sdl.staging : s->image, &rects[i]);
    }
    pixman_region32_fini(&dirty);
    return true;
}

/* ---- overlay ------------------------------------------------------------- */

static void sdl2_overlay_resize(void)
{
    int w, h;

    sdl.r->drawable_size(&w, &h);
    if (w <= 0 || h <= 0 || (sdl.overlay && w == sdl.ow && h == sdl.oh)) {
        return;
    }
    if (sdl.overlay) {
        pixman_image_unref(sdl.overlay);
    }
    sdl.overlay = pixman_image_create_bits(PIXMAN_a8r8g8b8, w, h, NULL, 0);
    sdl.ow = w;
    sdl.oh = h;
    sdl.r->overlay_resize(w, h);
    sdl.ov_box = (pixman_box32_t){ 0, 0, w, h };
    sdl.ov_shown = true;  /* upload the cleared image once */
    g_atomic_int_set(&sdl.overlay_kick, 1);
}

/* Redraw the overlay image and upload the part that changed. */
static void sdl2_update_overlay(NotifModel *m)
{
    static const pixman_color_t clear = { 0, 0, 0, 0 };
    pixman_box32_t box = { 0, 0, 0, 0 }, up;
    bool full = notif_model_current_modal(m) || notif_model_history_visible(m);
    bool drawn;

    if (sdl.ov_shown) {
        pixman_image_fill_boxes(PIXMAN_OP_SRC, sdl.overlay, &clear, 1,
                                &sdl.ov_box);
    }
    drawn = overlay_render(display_overlay(), m, sdl.overlay);
    if (full) {
        box = (pixman_box32_t){ 0, 0, sdl.ow, sdl.oh };
    } else if (drawn) {
        overlay_toast_rect(display_overlay(), &box);
    }
    up = box;
    if (sdl.ov_shown) {
        up.x1 = drawn ? MIN(box.x1, sdl.ov_box.x1) : sdl.ov_box.x1;
        up.y1 = drawn ? MIN(box.y1, sdl.ov_box.y1) : sdl.ov_box.y1;
        up.x2 = drawn ? MAX(box.x2, sdl.ov_box.x2) : sdl.ov_box.x2;
        up.y2 = drawn ? MAX(box.y2, sdl.ov_box.y2) : sdl.ov_box.y2;
    }
    if (drawn || sdl.ov_shown) {
        sdl.r->overlay_update(sdl.overlay, &up);
        sdl.redraw = true;
    }
    sdl.ov_box = box;
    sdl.ov_shown = drawn;
}

/* ---- title, grab, full screen ------------------------------------------ */

static void sdl2_update_title(void)
{
    g_autofree char *base = display_title();
    g_autofree char *title = g_strdup_printf(
        "%s%s", base, sdl.grabbed ? " - Press Ctrl+Alt+G to release grab" : "");

    if (!sdl.title || strcmp(title, sdl.title)) {
        SDL_SetWindowTitle(sdl.win, title);
        g_free(sdl.title);
        sdl.title = g_steal_pointer(&title);
    }
}

static void sdl2_set_grab(bool on)
{
    sdl.grabbed = on;
    SDL_SetWindowGrab(sdl.win, on);
    SDL_SetRelativeMouseMode(on);
    input_release_all();
    sdl2_update_title();
}

static void sdl2_toggle_grab(void)
{
    sdl2_set_grab(!sdl.grabbed);
}

static void sdl2_toggle_full_screen(void)
{
    sdl.full_screen = !sdl.full_screen;
    SDL_SetWindowFullscreen(sdl.win,
                            sdl.full_screen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
}

static void sdl2_restore_size(void)
{
    if (!sdl.full_screen && sdl.have_guest) {
        SDL_SetWindowSize(sdl.win, sdl.gw, sdl.gh);
    }
}

static void sdl2_toggle_history(void)
{
    notif_model_toggle_history(display_notifications());
}

/* Ctrl+Alt+S: the window as shown, to a PNG in the current directory. */
static void sdl2_save_screenshot(void)
{
    NotifModel *m = display_notifications();
    g_autoptr(GDateTime) now = g_date_time_new_now_local();
    g_autofree char *stamp = g_date_time_format(now, "%Y%m%d-%H%M%S");
    g_autofree char *path = g_strdup_printf("plimsoll-%s.png", stamp);
    Error *err = NULL;

    if (screendump_window(path, "png", &err)) {
        notif_model_toast(m, NOTIF_INFO, "UI", "Screenshot saved", path);
        return;
    }
    notif_model_toast(m, NOTIF_ERROR, "UI", "Screenshot failed",
                      error_get_pretty(err));
    error_free(err);
}

static const struct {
    SDL_Scancode key;
    void (*fn)(void);
} sdl2_hotkeys[] = {
    { SDL_SCANCODE_G, sdl2_toggle_grab },
    { SDL_SCANCODE_F, sdl2_toggle_full_screen },
    { SDL_SCANCODE_U, sdl2_restore_size },
    { SDL_SCANCODE_N, sdl2_toggle_history },
    { SDL_SCANCODE_S, sdl2_save_screenshot },
};

/* Keys that press a modal's buttons. */
static const struct {
    SDL_Scancode key;
    unsigned buttons;   /* first offered one wins */
} sdl2_modal_keys[] = {
    { SDL_SCANCODE_R, NOTIF_BUTTON_RESUME },
    { SDL_SCANCODE_RETURN, NOTIF_BUTTON_RESUME | NOTIF_BUTTON_DISMISS },
    { SDL_SCANCODE_KP_ENTER, NOTIF_BUTTON_RESUME | NOTIF_BUTTON_DISMISS },
    { SDL_SCANCODE_P, NOTIF_BUTTON_POWER_OFF },
    { SDL_SCANCODE_D, NOTIF_BUTTON_DISMISS },
};

static void sdl2_press(NotifButton b)
{
    Error *err = NULL;

    if (b && !notif_model_press(display_notifications(), b, &err)) {
        /* The modal stays; the toast drawn over it says why. */
        notif_model_toast(display_notifications(), NOTIF_ERROR, "UI",
                          "Resume failed", error_get_pretty(err));
        error_report_err(err);
    }
}

/* ---- events ---------------------------------------------------------------- */

static bool sdl2_hotkey(const SDL_KeyboardEvent *k)
{
    if ((k->keysym.mod & KMOD_CTRL) && (k->keysym.mod & KMOD_ALT)) {
        for (size_t i = 0; i < G_N_ELEMENTS(sdl2_hotkeys); i++) {
            if (sdl2_hotkeys[i].key == k->keysym.scancode) {
                if (k->type == SDL_KEYDOWN && !k->repeat) {
                    sdl2_hotkeys[i].fn();
                    /* The guest saw Ctrl and Alt go down: let them go. */
                    input_release_all();
                }
                return true;
            }
        }
    }
    return false;
}

static bool sdl2_modal_key(const SDL_KeyboardEvent *k)
{
    const Notification *n = notif_model_current_modal(display_notifications());

    if (!n) {
        return false;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(sdl2_modal_keys); i++) {
        unsigned offered = sdl2_modal_keys[i].buttons & n->buttons;

        if (sdl2_modal_keys[i].key == k->keysym.scancode && offered &&
            k->type == SDL_KEYDOWN && !k->repeat) {
            /* Lowest bit first: Resume before Dismiss. */
            sdl2_press(offered & -offered);
            break;
        }
    }
    return true; /* a modal takes the keyboard */
}

static void sdl2_key(const SDL_KeyboardEvent *k)
{
    if (sdl2_hotkey(k) || sdl2_modal_key(k)) {
        return;
    }
    input_key(sdl2_keymap[k->keysym.scancode], k->type == SDL_KEYDOWN);
}

static unsigned sdl2_buttons(uint32_t state)
{
    return (state & SDL_BUTTON_LMASK ? INPUT_BUTTON_LEFT : 0) |
           (state & SDL_BUTTON_RMASK ? INPUT_BUTTON_RIGHT : 0) |
           (state & SDL_BUTTON_MMASK ? INPUT_BUTTON_MIDDLE : 0);
}

static void sdl2_click(const SDL_MouseButtonEvent *b)
{
    int ww, wh;
    NotifButton hit;

    if (b->type == SDL_MOUSEBUTTONDOWN &&
        notif_model_current_modal(display_notifications())) {
        /* Window coordinates to drawable pixels (HiDPI). */
        SDL_GetWindowSize(sdl.win, &ww, &wh);
        hit = overlay_hit(display_overlay(),
                          ww ? b->x * sdl.ow / ww : b->x,
                          wh ? b->y * sdl.oh / wh : b->y);
        sdl2_press(hit);
        return;
    }
    if (!sdl.grabbed) {
        if (b->type == SDL_MOUSEBUTTONDOWN && b->button == SDL_BUTTON_LEFT) {
            sdl2_set_grab(true);
        }
        return;
    }
    input_mouse(0, 0, 0, sdl2_buttons(SDL_GetMouseState(NULL, NULL)));
}

static void sdl2_window_event(const SDL_WindowEvent *w)
{
    switch (w->event) {
    case SDL_WINDOWEVENT_SIZE_CHANGED:
        sdl2_overlay_resize();
        sdl.redraw = true;
        break;
    case SDL_WINDOWEVENT_EXPOSED:
        sdl.redraw = true;
        break;
    case SDL_WINDOWEVENT_FOCUS_LOST:
        input_release_all();
        break;
    default:
        break;
    }
}

static void sdl2_event(const SDL_Event *ev)
{
    switch (ev->type) {
    case SDL_QUIT:
        if (sdl.window_close) {
            display_power_off();
        }
        break;
    case SDL_KEYDOWN:
    case SDL_KEYUP:
        sdl2_key(&ev->key);
        break;
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
        sdl2_click(&ev->button);
        break;
    case SDL_MOUSEMOTION:
        if (sdl.grabbed) {
            input_mouse(ev->motion.xrel, ev->motion.yrel, 0,
                        sdl2_buttons(ev->motion.state));
        }
        break;
    case SDL_MOUSEWHEEL:
        if (sdl.grabbed) {
            input_mouse(0, 0, -ev->wheel.y,
                        sdl2_buttons(SDL_GetMouseState(NULL, NULL)));
        }
        break;
    case SDL_WINDOWEVENT:
        sdl2_window_event(&ev->window);
        break;
    default:
        return;
    }
    sdl.last_change_us = g_get_monotonic_time();
}

/* ---- the frame ----------------------------------------------------------- */

static void sdl2_schedule(int interval)
{
    if (sdl.timer && interval == sdl.interval) {
        return;
    }
    if (sdl.timer) {
        g_source_remove(sdl.timer);
    }
    sdl.interval = interval;
    sdl.timer = g_timeout_add(interval, sdl2_tick, NULL);
}

/*
 * Idle, the timer only catches events the connection's fd watch could
 * miss (already read into Xlib's or libwayland's queue); without that
 * watch it pumps SDL's queue at QEMU's 30 ms.
 */
static int sdl2_idle_ms(void)
{
    return sdl.conn_watch ? SDL2_IDLE_WATCHED_MS : SDL2_IDLE_MS;
}

/* Wayland: SDL repeats a held key only while it is pumped. */
static bool sdl2_key_held(void)
{
    int n;
    const Uint8 *keys;

    if (!sdl.wayland) {
        return false;
    }
    keys = SDL_GetKeyboardState(&n);
    for (int i = 0; i < n; i++) {
        if (keys[i]) {
            return true;
        }
    }
    return false;
}

/* One frame: events, guest, overlay, title, draw.  Returns "busy". */
static bool sdl2_frame(void)
{
    NotifModel *m = display_notifications();
    const Notification *toast;
    double alpha;
    SDL_Event ev;
    bool animating, guest_changed;
    pixman_box32_t dst;

    while (SDL_PollEvent(&ev)) {
        sdl2_event(&ev);
    }
    g_atomic_int_set(&sdl.guest_kick, 0);
    guest_changed = sdl2_update_guest();
    notif_model_tick(m);
    animating = notif_model_ms_to_change(m) == 0;
    toast = notif_model_current_toast(m, &alpha);
    /*
     * Toast start and expiry, modals and history kick the overlay; a
     * fading toast changes every frame; a steady one only once, to be
     * drawn fully opaque however late the last fading frame came.
     */
    if (g_atomic_int_exchange(&sdl.overlay_kick, 0) ||
        (toast ? toast->id != sdl.toast_id || alpha != sdl.toast_alpha
               : sdl.toast_id != 0)) {
        sdl2_update_overlay(m);
        sdl.toast_id = toast ? toast->id : 0;
        sdl.toast_alpha = alpha;
    }
    sdl2_update_title();
    if (guest_changed || sdl.redraw) {
        display_layout(sdl.gw, sdl.gh, sdl.ow, sdl.oh, &dst);
        sdl.r->draw(&dst, sdl.ov_shown);
        sdl.frames++;
        sdl.redraw = false;
        sdl.last_change_us = g_get_monotonic_time();
    }
    /* Drawing may have read X events into Xlib's queue: move them on. */
    SDL_PumpEvents();
    return animating || SDL_HasEvents(SDL_FIRSTEVENT, SDL_LASTEVENT) ||
           g_atomic_int_get(&sdl.guest_kick) ||
           g_atomic_int_get(&sdl.overlay_kick) ||
           g_get_monotonic_time() - sdl.last_change_us < SDL2_LINGER_US ||
           sdl2_key_held() ||
           (sdl.con && console_has_hw_update(sdl.con) &&
            runstate_is_running());
}

/* The timer period after a frame: 60 Hz when busy, else until the
 * steady toast starts fading, else idle. */
static int sdl2_next_interval(bool busy)
{
    int64_t toast = notif_model_ms_to_change(display_notifications());

    if (busy) {
        return SDL2_ACTIVE_MS;
    }
    if (toast >= 0) {
        return CLAMP(toast, SDL2_ACTIVE_MS, sdl2_idle_ms());
    }
    return sdl2_idle_ms();
}

static gboolean sdl2_tick(gpointer opaque)
{
    int want = sdl2_next_interval(sdl2_frame());

    if (want != sdl.interval) {
        sdl.timer = 0;
        sdl2_schedule(want);
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

/* The display server sent something: handle it now, not at the next tick. */
static gboolean sdl2_conn_readable(gint fd, GIOCondition cond,
                                   gpointer opaque)
{
    int want = sdl2_next_interval(sdl2_frame());

    if (want < sdl.interval) {
        sdl2_schedule(want);
    }
    return G_SOURCE_CONTINUE;
}

/*
 * The fd of the display connection: X11's ConnectionNumber, or Wayland's
 * wl_display_get_fd() from the libwayland-client SDL already loaded (no
 * link-time dependency); -1 when there is none.
 */
static int sdl2_connection_fd(void)
{
    SDL_SysWMinfo info;

    SDL_VERSION(&info.version);
    if (!SDL_GetWindowWMInfo(sdl.win, &info)) {
        return -1;
    }
#if defined(SDL_VIDEO_DRIVER_X11)
    if (info.subsystem == SDL_SYSWM_X11) {
        /* ConnectionNumber is a macro over the Display: no libX11 link. */
        return ConnectionNumber(info.info.x11.display);
    }
#endif
#if defined(SDL_VIDEO_DRIVER_WAYLAND)
    if (info.subsystem == SDL_SYSWM_WAYLAND) {
        void *lib = dlopen("libwayland-client.so.0", RTLD_LAZY | RTLD_NOLOAD);
        int (*get_fd)(struct wl_display *) = NULL;
        int fd = -1;

        if (lib) {
            *(void **)&get_fd = dlsym(lib, "wl_display_get_fd");
            fd = get_fd ? get_fd(info.info.wl.display) : -1;
            dlclose(lib);
        }
        sdl.wayland = fd >= 0;
        return fd;
    }
#endif
    return -1;
}

static void sdl2_watch_connection(void)
{
    int fd = sdl2_connection_fd();

    if (fd >= 0) {
        sdl.conn_watch = g_unix_fd_add(fd, G_IO_IN, sdl2_conn_readable, NULL);
    }
}

/* Main thread: make the next frame come soon. */
static gboolean sdl2_wake(gpointer opaque)
{
    g_atomic_int_set(&sdl.wake_pending, 0);
    if (sdl.win) {
        sdl2_schedule(SDL2_ACTIVE_MS);
    }
    return G_SOURCE_REMOVE;
}

/* Any thread. */
static void sdl2_wake_up(void)
{
    if (g_atomic_int_compare_and_exchange(&sdl.wake_pending, 0, 1)) {
        /* Default priority: a busy loop must not starve the wake-up. */
        g_idle_add_full(G_PRIORITY_DEFAULT, sdl2_wake, NULL, NULL);
    }
}

unsigned sdl2_frames_drawn(void)
{
    return sdl.frames;
}

/* Console listener: any thread, console lock held. */
static void sdl2_guest_changed(void *opaque)
{
    g_atomic_int_set(&sdl.guest_kick, 1);
    sdl2_wake_up();
}

void sdl2_display_kick(void)
{
    g_atomic_int_set(&sdl.overlay_kick, 1);
    sdl2_wake_up();
}

bool sdl2_window_size(int *w, int *h)
{
    if (!sdl.win) {
        return false;
    }
    *w = sdl.ow;
    *h = sdl.oh;
    return true;
}

/* ---- start and stop ---------------------------------------------------- */

static bool sdl2_open_window(const DisplayOptions *opts, Error **errp)
{
    DisplaySurface *s = sdl.con ? console_surface(sdl.con) : NULL;
    int w = s ? surface_width(s) : 640, h = s ? surface_height(s) : 480;
    uint32_t flags = SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI |
                     sdl.r->window_flags;

    if (opts->full_screen) {
        flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
        sdl.full_screen = true;
    }
    sdl.win = SDL_CreateWindow("Plimsoll", SDL_WINDOWPOS_UNDEFINED,
                               SDL_WINDOWPOS_UNDEFINED, w, h, flags);
    if (!sdl.win) {
        error_setg(errp, "cannot open the SDL window: %s", SDL_GetError());
        return false;
    }
    SDL_SetWindowMinimumSize(sdl.win, 320, 200);
    return sdl.r->init(sdl.win, errp);
}

bool sdl2_display_init(const DisplayOptions *opts, Error **errp)
{
    /* plimsoll handles SIGINT/SIGTERM itself. */
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0");
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) < 0) {
        error_setg(errp, "cannot start SDL video: %s", SDL_GetError());
        return false;
    }
    sdl.r = opts->gl ? &sdl2_renderer_gl : &sdl2_renderer_2d;
    sdl.window_close = opts->window_close;
    sdl.con = display_console();
    if (!sdl2_open_window(opts, errp)) {
        sdl2_display_cleanup();
        return false;
    }
    sdl.listener = (ConsoleListener){ sdl2_guest_changed, NULL };
    if (sdl.con) {
        console_add_listener(sdl.con, &sdl.listener);
    }
    sdl2_overlay_resize();
    sdl.redraw = true;
    sdl.last_change_us = g_get_monotonic_time();
    sdl2_update_title();
    sdl2_watch_connection();
    sdl2_schedule(SDL2_ACTIVE_MS);
    return true;
}

void sdl2_display_cleanup(void)
{
    if (sdl.timer) {
        g_source_remove(sdl.timer);
    }
    if (sdl.conn_watch) {
        g_source_remove(sdl.conn_watch);
    }
    if (sdl.con && sdl.win) {
        console_remove_listener(sdl.con, &sdl.listener);
    }
    if (sdl.r) {
        sdl.r->cleanup();
    }
    if (sdl.win) {
        SDL_DestroyWindow(sdl.win);
    }
    if (sdl.staging) {
        pixman_image_unref(sdl.staging);
    }
    if (sdl.overlay) {
        pixman_image_unref(sdl.overlay);
    }
    g_free(sdl.title);
    memset(&sdl, 0, sizeof(sdl));
    SDL_QuitSubSystem(SDL_INIT_VIDEO);
}
