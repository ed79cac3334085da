/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Functional test of the real SDL window (run under Xvfb by
 * test-ui-xvfb.sh): a console shows a test pattern, the display starts
 * with "-display sdl,gl=on|off", a BLOCK_WRITE_THRESHOLD raised on the
 * event bus from another thread must show up as a toast in the top-right
 * corner of the window as the X server has it (captured with XGetImage,
 * not from our own buffers), and the captured window must match
 * screendump_window().  Then a disk-full pause (BLOCK_IO_ERROR + run state
 * io-error) must show the modal and " [Paused: disk full]" in the title,
 * and a click on Resume must resume the VM.
 *
 * There is no machine: the console is the test's, the run state is the
 * real one (system/runstate.c) without vCPUs.
 *
 * Usage: test-ui-window SPEC OUTDIR   (SPEC e.g. "sdl,gl=on")
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>
#include <string.h>
#include <glib.h>
#include <SDL.h>
#include <SDL_syswm.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <linux/input-event-codes.h>

#include "system/runstate.h"
#include "ui/console.h"
#include "ui/display.h"
#include "ui/display-int.h"
#include "ui/input.h"
#include "ui/overlay.h"
#include "ui/screendump.h"
#include "util/event-bus.h"

/* ---- run state: system/runstate.c itself, watched by a hook ---------- */

static int shutdowns;
static ShutdownCause last_cause;

static void watch_runstate(RunStateNotice notice, RunState old_state,
                           RunState new_state, ShutdownCause cause,
                           void *opaque)
{
    if (notice == RUNSTATE_NOTICE_SHUTDOWN) {
        shutdowns++;
        last_cause = cause;
    }
}

/* ---- helpers ---------------------------------------------------------- */

static int failures;

#define CHECK(cond, ...)                                             \
    do {                                                             \
        if (!(cond)) {                                               \
            failures++;                                              \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);     \
            fprintf(stderr, __VA_ARGS__);                            \
            fprintf(stderr, "\n");                                   \
        }                                                            \
    } while (0)

static gboolean quit_loop(gpointer loop)
{
    g_main_loop_quit(loop);
    return G_SOURCE_REMOVE;
}

/* Run the main loop as plimsoll does (sleeping in poll) for @ms. */
static void run_loop_ms(int ms)
{
    GMainLoop *loop = g_main_loop_new(NULL, FALSE);

    g_timeout_add(ms, quit_loop, loop);
    g_main_loop_run(loop);
    g_main_loop_unref(loop);
}

static const uint32_t bars[] = { 0xc0c0c0, 0xc0c000, 0x00c0c0, 0x00c000,
                                 0xc000c0, 0xc00000, 0x0000c0, 0x101010 };

static void draw_pattern(Console *con)
{
    DisplaySurface *s = console_resize(con, 640, 480, &error_abort);
    uint32_t *p = (uint32_t *)surface_data(s);

    for (int y = 0; y < 480; y++) {
        for (int x = 0; x < 640; x++) {
            p[y * 640 + x] = bars[x * 8 / 640];
        }
    }
    console_mark_dirty(con, 0, 0, 640, 480);
}

/* The SDL window as the X server shows it, as an x8r8g8b8 image. */
static pixman_image_t *capture_window(void)
{
    SDL_Window *win = SDL_GetWindowFromID(1);
    SDL_SysWMinfo info;
    Display *dpy;
    Window child;
    int x, y, w, h;
    XImage *xi;
    pixman_image_t *img;
    uint32_t *out;

    SDL_VERSION(&info.version);
    if (!win || !SDL_GetWindowWMInfo(win, &info) ||
        info.subsystem != SDL_SYSWM_X11) {
        return NULL;
    }
    dpy = info.info.x11.display;
    SDL_GetWindowSize(win, &w, &h);
    XSync(dpy, False);
    XTranslateCoordinates(dpy, info.info.x11.window, DefaultRootWindow(dpy),
                          0, 0, &x, &y, &child);
    xi = XGetImage(dpy, DefaultRootWindow(dpy), x, y, w, h, AllPlanes,
                   ZPixmap);
    if (!xi) {
        return NULL;
    }
    img = pixman_image_create_bits(PIXMAN_x8r8g8b8, w, h, NULL, 0);
    out = pixman_image_get_data(img);
    for (int j = 0; j < h; j++) {
        for (int i = 0; i < w; i++) {
            out[j * w + i] = XGetPixel(xi, i, j) & 0xffffff;
        }
    }
    XDestroyImage(xi);
    return img;
}

/*
 * Resize the window from another X connection, as a window manager would:
 * the ConfigureNotify then reaches SDL's connection unprompted.
 */
static void x_resize_window(int w, int h)
{
    SDL_SysWMinfo info;
    Display *other = XOpenDisplay(NULL);

    SDL_VERSION(&info.version);
    if (other && SDL_GetWindowWMInfo(SDL_GetWindowFromID(1), &info)) {
        XResizeWindow(other, info.info.x11.window, w, h);
        XSync(other, False);
    }
    if (other) {
        XCloseDisplay(other);
    }
}

static uint32_t pix(pixman_image_t *img, int x, int y)
{
    int stride = pixman_image_get_stride(img) / 4;

    return pixman_image_get_data(img)[y * stride + x] & 0xffffff;
}

static int count_amber(pixman_image_t *img, int x1, int y1, int x2, int y2)
{
    int n = 0;

    for (int y = y1; y < y2; y++) {
        for (int x = x1; x < x2; x++) {
            uint32_t v = pix(img, x, y);
            int r = v >> 16, g = (v >> 8) & 0xff, b = v & 0xff;

            n += r > 200 && g > 120 && g < 200 && b < 90;
        }
    }
    return n;
}

static void save(pixman_image_t *img, const char *dir, const char *name)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);

    screendump_save(img, path, SCREENDUMP_FORMAT_PNG, &error_abort);
    printf("# wrote %s\n", path);
}

/*
 * Queue an SDL event as if the X server had sent it.  Real input also
 * wakes the idle window through its X connection; pushed events do not,
 * so kick it.
 */
static void push_event(SDL_Event *e)
{
    SDL_PushEvent(e);
    sdl2_display_kick();
}

static gpointer raise_threshold(gpointer opaque)
{
    event_bus_emit("BLOCK_WRITE_THRESHOLD",
                   json_tokener_parse("{\"node-name\": \"disk0-file\", "
                                      "\"amount-exceeded\": 3145728, "
                                      "\"write-threshold\": 1073741824}"));
    return NULL;
}

/* Pixels differing by more than a little between two same-size images. */
static int count_differences(pixman_image_t *a, pixman_image_t *b)
{
    int w = pixman_image_get_width(a), h = pixman_image_get_height(a);
    int n = 0;

    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
            uint32_t p = pix(a, x, y), q = pix(b, x, y);

            for (int sh = 0; sh < 24; sh += 8) {
                if (abs((int)((p >> sh) & 0xff) - (int)((q >> sh) & 0xff)) >
                    24) {
                    n++;
                    break;
                }
            }
        }
    }
    return n;
}

static int64_t cpu_us(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return (int64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 +
           ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
}

static void check_toast(const char *dir, const char *tag)
{
    g_autofree char *name = g_strdup_printf("window-toast-%s.png", tag);
    g_autofree char *cname = g_strdup_printf("compose-toast-%s.png", tag);
    pixman_image_t *cap, *comp;
    GThread *t;
    int w, amber, diff;

    unsigned frames = sdl2_frames_drawn();
    int64_t cpu = cpu_us();

    t = g_thread_new("block-io", raise_threshold, NULL);
    g_thread_join(t);
    /* The fade-in takes 0.4 s at about 60 Hz (slack for a busy host). */
    run_loop_ms(700);
    frames = sdl2_frames_drawn() - frames;
    printf("# toast fading in: %u frames, %.1f ms CPU in 0.7 s\n", frames,
           (cpu_us() - cpu) / 1000.0);
    CHECK(frames >= 4 && frames < 60, "%u frames for the fade-in", frames);
    /* Fully opaque and steady until 3.6 s: nothing to draw. */
    frames = sdl2_frames_drawn();
    cpu = cpu_us();
    run_loop_ms(800);
    frames = sdl2_frames_drawn() - frames;
    printf("# toast steady: %u frames, %.1f ms CPU in 0.8 s\n", frames,
           (cpu_us() - cpu) / 1000.0);
    CHECK(frames == 0, "%u frames while the toast is steady", frames);
    cap = capture_window();
    CHECK(cap != NULL, "cannot capture the window from the X server");
    if (!cap) {
        return;
    }
    save(cap, dir, name);
    w = pixman_image_get_width(cap);
    CHECK(w == 640 && pixman_image_get_height(cap) == 480,
          "window is %dx%d, expected 640x480", w,
          pixman_image_get_height(cap));
    amber = count_amber(cap, w - 410, 10, w - 10, 60);
    CHECK(amber > 150, "only %d amber pixels in the toast area", amber);
    amber = count_amber(cap, 0, 100, w, 480);
    CHECK(amber == 0, "%d amber pixels outside the toast area", amber);
    CHECK(pix(cap, 40, 400) == bars[0] && pix(cap, 600, 400) == bars[7],
          "guest pattern not shown: %06x %06x", pix(cap, 40, 400),
          pix(cap, 600, 400));
    /* A dark box replaced the guest behind the toast. */
    CHECK(pix(cap, w - 20, 30) != bars[7] || pix(cap, w - 200, 30) != bars[5],
          "no toast box");

    comp = display_compose_window(&error_abort);
    save(comp, dir, cname);
    diff = count_differences(cap, comp);
    CHECK(diff < 640 * 480 / 100,
          "window and screendump_window differ in %d pixels", diff);
    pixman_image_unref(comp);
    pixman_image_unref(cap);
}

static bool find_button(NotifButton want, int *bx, int *by)
{
    for (int y = 0; y < 480; y += 2) {
        for (int x = 0; x < 640; x += 2) {
            if (overlay_hit(display_overlay(), x, y) == want) {
                *bx = x + 4;
                *by = y + 4;
                return true;
            }
        }
    }
    return false;
}

static void check_modal(const char *dir, const char *tag)
{
    g_autofree char *name = g_strdup_printf("window-modal-%s.png", tag);
    SDL_Window *win = SDL_GetWindowFromID(1);
    SDL_Event click = { .type = SDL_MOUSEBUTTONDOWN };
    pixman_image_t *cap;
    int bx = 0, by = 0;

    event_bus_emit("BLOCK_IO_ERROR",
                   json_tokener_parse("{\"device\": \"\", \"node-name\": "
                                      "\"disk0\", \"operation\": \"write\", "
                                      "\"action\": \"stop\", \"nospace\": "
                                      "true, \"reason\": \"No space left on "
                                      "device\"}"));
    vm_stop(RUN_STATE_IO_ERROR);
    event_bus_emit("STOP", NULL);
    run_loop_ms(400);
    CHECK(!strcmp(SDL_GetWindowTitle(win),
                  "test-vm - Plimsoll [Paused: disk full]"),
          "title is '%s'", SDL_GetWindowTitle(win));
    cap = capture_window();
    if (cap) {
        save(cap, dir, name);
        /* The guest is dimmed, not hidden. */
        uint32_t c = pix(cap, 40, 470);
        CHECK(c != bars[0] && ((c >> 16) & 0xff) > 0x20 &&
              ((c >> 16) & 0xff) < 0xc0, "corner not dimmed: %06x", c);
        pixman_image_unref(cap);
    }
    CHECK(find_button(NOTIF_BUTTON_RESUME, &bx, &by), "no Resume button");
    click.button.windowID = SDL_GetWindowID(win);
    click.button.button = SDL_BUTTON_LEFT;
    click.button.state = SDL_PRESSED;
    click.button.x = bx;
    click.button.y = by;
    push_event(&click);
    run_loop_ms(300);
    CHECK(runstate_is_running(), "Resume left the VM in '%s'",
          runstate_name(runstate_get()));
    CHECK(!notif_model_current_modal(display_notifications()),
          "modal still shown after Resume");
    CHECK(!strcmp(SDL_GetWindowTitle(win), "test-vm - Plimsoll"),
          "title after resume is '%s'", SDL_GetWindowTitle(win));
}

static unsigned guest_keys[16];
static int n_guest_keys;

static void fake_guest_key(void *opaque, unsigned code, bool down)
{
    if (down && n_guest_keys < 16) {
        guest_keys[n_guest_keys++] = code;
    }
}

static const InputKbdHandler fake_kbd = { "fake-ps2", fake_guest_key };

static void push_key(SDL_Scancode sc, uint16_t mod, bool down)
{
    SDL_Event e = { .type = down ? SDL_KEYDOWN : SDL_KEYUP };

    e.key.windowID = SDL_GetWindowID(SDL_GetWindowFromID(1));
    e.key.state = down ? SDL_PRESSED : SDL_RELEASED;
    e.key.keysym.scancode = sc;
    e.key.keysym.mod = mod;
    push_event(&e);
}

/* Keys reach the guest as Linux key codes; hotkeys do not. */
static void check_input(void)
{
    input_register_kbd(&fake_kbd, NULL);
    push_key(SDL_SCANCODE_A, 0, true);
    push_key(SDL_SCANCODE_A, 0, false);
    push_key(SDL_SCANCODE_RETURN, 0, true);
    push_key(SDL_SCANCODE_RETURN, 0, false);
    push_key(SDL_SCANCODE_N, KMOD_LCTRL | KMOD_LALT, true);
    push_key(SDL_SCANCODE_N, KMOD_LCTRL | KMOD_LALT, false);
    run_loop_ms(100);
    CHECK(n_guest_keys == 2 && guest_keys[0] == KEY_A &&
          guest_keys[1] == KEY_ENTER, "guest got %d keys (%u, %u)",
          n_guest_keys, guest_keys[0], guest_keys[1]);
    CHECK(notif_model_history_visible(display_notifications()),
          "Ctrl+Alt+N did not open the history");
    push_key(SDL_SCANCODE_N, KMOD_LCTRL | KMOD_LALT, true);
    run_loop_ms(100);
    CHECK(!notif_model_history_visible(display_notifications()),
          "Ctrl+Alt+N did not close the history");
    input_unregister_kbd(&fake_kbd);
}

/* Ctrl+Alt+S saves the window (the cwd is OUTDIR) and says so. */
static void check_screenshot(void)
{
    const Notification *n;

    push_key(SDL_SCANCODE_S, KMOD_LCTRL | KMOD_LALT, true);
    run_loop_ms(100);
    n = notif_model_current_toast(display_notifications(), NULL);
    CHECK(n && !strcmp(n->title, "Screenshot saved") &&
          g_file_test(n->body, G_FILE_TEST_IS_REGULAR),
          "no screenshot: %s", n ? n->body : "no toast");
    if (n) {
        remove(n->body);
    }
}

/* A wider window pillarboxes the guest; the capture still matches. */
static void check_resize(const char *dir, const char *tag)
{
    g_autofree char *name = g_strdup_printf("window-wide-%s.png", tag);
    SDL_Window *win = SDL_GetWindowFromID(1);
    pixman_image_t *cap, *comp;
    int diff;

    /* The whole window must stay on the 1024x768 screen for XGetImage. */
    SDL_SetWindowPosition(win, 0, 0);
    SDL_SetWindowSize(win, 960, 480);
    run_loop_ms(400);
    /* A loaded X server may take a while to show the new frame. */
    for (int tries = 0; tries < 20; tries++) {
        cap = capture_window();
        if (!cap || (pixman_image_get_width(cap) == 960 &&
                     pix(cap, 100, 400) == 0)) {
            break;
        }
        pixman_image_unref(cap);
        run_loop_ms(100);
    }
    CHECK(cap && pixman_image_get_width(cap) == 960, "window not resized");
    if (!cap || pixman_image_get_width(cap) != 960) {
        return;
    }
    save(cap, dir, name);
    CHECK(pix(cap, 100, 400) == 0 && pix(cap, 860, 400) == 0,
          "no black bars: %06x %06x", pix(cap, 100, 400), pix(cap, 860, 400));
    CHECK(pix(cap, 170, 400) == bars[0] && pix(cap, 790, 400) == bars[7],
          "guest not centred: %06x %06x", pix(cap, 170, 400),
          pix(cap, 790, 400));
    comp = display_compose_window(&error_abort);
    diff = count_differences(cap, comp);
    CHECK(diff < 960 * 480 / 100, "scaled window and screendump_window "
          "differ in %d pixels", diff);
    pixman_image_unref(comp);
    pixman_image_unref(cap);
}

/* Once nothing changes, the window draws nothing and costs (almost) no CPU. */
static void check_idle(void)
{
    unsigned frames, base;
    int64_t cpu;

    /* Let the last toast expire and the 250 ms linger pass. */
    while (notif_model_current_toast(display_notifications(), NULL)) {
        run_loop_ms(100);
    }
    run_loop_ms(400);
    base = sdl2_frames_drawn();
    cpu = cpu_us();
    run_loop_ms(2000);
    frames = sdl2_frames_drawn() - base;
    cpu = cpu_us() - cpu;
    printf("# idle for 2 s: %u frames drawn, %.1f ms CPU\n", frames,
           cpu / 1000.0);
    CHECK(frames == 0, "%u frames drawn while idle", frames);
    CHECK(cpu < 100000, "%.1f ms CPU in 2 s idle", cpu / 1000.0);

    /* A change from another thread wakes the window at once. */
    base = sdl2_frames_drawn();
    console_mark_dirty(console_get(0), 0, 0, 8, 8);
    run_loop_ms(100);
    CHECK(sdl2_frames_drawn() > base, "guest change did not draw");

    /*
     * So does the X server: resize the window behind SDL's back; the fd
     * watch must pick up the ConfigureNotify well before the 500 ms tick.
     */
    run_loop_ms(400);
    base = sdl2_frames_drawn();
    x_resize_window(800, 600);
    run_loop_ms(150);
    CHECK(sdl2_frames_drawn() > base, "X event did not wake the window");
    int w = 0, h = 0;
    SDL_GetWindowSize(SDL_GetWindowFromID(1), &w, &h);
    CHECK(w == 800 && h == 600, "window is %dx%d after the X resize", w, h);
}

static void check_log(const char *path)
{
    g_autofree char *text = NULL;

    CHECK(g_file_get_contents(path, &text, NULL, NULL), "no log %s", path);
    if (!text) {
        return;
    }
    CHECK(strstr(text, " toast warning BLOCK_WRITE_THRESHOLD Disk almost "
                       "full: Disk 'disk0-file' passed its high-water mark "
                       "(1 GiB) by 3 MiB\n") != NULL, "log lacks the toast");
    CHECK(strstr(text, " modal error BLOCK_IO_ERROR VM paused: disk full: "
                       "No space left on device for disk 'disk0'") != NULL,
          "log lacks the modal");
    CHECK(strstr(text, " pressed error BLOCK_IO_ERROR VM paused: disk full: "
                       "Resume pressed\n") != NULL, "log lacks the press");
    CHECK(strstr(text, " toast info RESUME VM resumed: Disk space available "
                       "again") != NULL, "log lacks the resumed toast");
}

int main(int argc, char **argv)
{
    const char *spec, *dir;
    g_autofree char *tag = NULL, *log = NULL, *full = NULL;
    Console *con;
    Error *err = NULL;

    if (argc != 3) {
        fprintf(stderr, "usage: %s SPEC OUTDIR\n", argv[0]);
        return 2;
    }
    spec = argv[1];
    dir = argv[2];
    tag = g_strdup(strstr(spec, "gl=on") ? "gl" : "2d");
    log = g_strdup_printf("%s/notifications-%s.log", dir, tag);
    remove(log);
    full = g_strdup_printf("%s,notifications-log=%s", spec, log);

    runstate_init(false, false);
    runstate_add_hook(watch_runstate, NULL);
    CHECK(vm_start(NULL), "cannot start the VM");
    if (g_mkdir_with_parents(dir, 0755) < 0 || chdir(dir) < 0) {
        perror(dir);
        return 1;
    }
    con = console_create("video0", 0, NULL, NULL);
    draw_pattern(con);
    if (!display_init(full, &err)) {
        error_report_err(err);
        return 1;
    }
    CHECK(display_type() == DISPLAY_TYPE_SDL, "not an SDL display");
    display_set_vm_name("test-vm");
    run_loop_ms(300);
    CHECK(!strcmp(SDL_GetWindowTitle(SDL_GetWindowFromID(1)),
                  "test-vm - Plimsoll"), "title is '%s'",
          SDL_GetWindowTitle(SDL_GetWindowFromID(1)));

    check_input();
    check_toast(dir, tag);
    check_modal(dir, tag);
    /* The resumed toast waits for the threshold toast's 4 s to end. */
    run_loop_ms(2200);
    CHECK(notif_model_current_toast(display_notifications(), NULL) &&
          !strcmp(notif_model_current_toast(display_notifications(),
                                            NULL)->title, "VM resumed"),
          "the resumed toast is not shown");
    check_log(log);
    check_resize(dir, tag);
    check_idle();
    check_screenshot();

    /* The close button asks for a shutdown (window-close=on). */
    SDL_Event quit = { .type = SDL_QUIT };
    push_event(&quit);
    run_loop_ms(100);
    CHECK(shutdowns == 1 && last_cause == SHUTDOWN_CAUSE_HOST_UI,
          "close button: %d shutdowns, cause %s", shutdowns,
          shutdown_cause_name(last_cause));

    display_cleanup();
    console_destroy(con);
    printf("%s: %s\n", spec, failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
