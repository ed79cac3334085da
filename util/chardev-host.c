/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Chardev backends on the host's own fds: stdio (the emulator's terminal),
 * file (path=, append=), null (swallows output, never has input) and pty
 * (a pseudo-terminal whose slave name is printed for the user to attach,
 * as QEMU prints "char device redirected to /dev/pts/N (label ID)").
 *
 * stdio leaves stdin and stdout blocking (other processes may share those
 * file descriptions): input is read only when poll() says it is there, and
 * output goes out in chunks of PIPE_BUF after POLLOUT.  A terminal on stdin
 * is switched to raw input (no echo, no line editing) and restored at exit;
 * Ctrl-C still sends SIGINT unless signal=off.
 *
 * A pty counts as connected while some process has its slave open; with
 * nobody attached its output is dropped, like a serial line with nothing
 * on the far end.  Whether a reader is attached is checked once a second.
 */
#include "util/chardev-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>
#include <glib-unix.h>

#include "util/timer.h"

static const char *const no_opts[] = { NULL };

/* ---- stdio ---------------------------------------------------------- */

static const char *const stdio_opts[] = { "signal", NULL };

static bool stdio_in_use;
static bool stdio_tty_saved;
static bool stdio_atexit_done;
static struct termios stdio_saved_tty;

static void stdio_restore_tty(void)
{
    if (stdio_tty_saved) {
        tcsetattr(STDIN_FILENO, TCSANOW, &stdio_saved_tty);
        stdio_tty_saved = false;
    }
}

/* Raw input: bytes reach the guest as typed, without echo or editing. */
static void stdio_raw_tty(bool signals)
{
    struct termios tty;

    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &tty) < 0) {
        return;
    }
    stdio_saved_tty = tty;
    stdio_tty_saved = true;
    if (!stdio_atexit_done) {
        atexit(stdio_restore_tty);
        stdio_atexit_done = true;
    }
    tty.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR |
                     ICRNL | IXON);
    tty.c_oflag |= OPOST;
    tty.c_lflag &= ~(ECHO | ECHONL | ICANON | IEXTEN);
    if (!signals) {
        tty.c_lflag &= ~ISIG;
    }
    tty.c_cflag &= ~(CSIZE | PARENB);
    tty.c_cflag |= CS8;
    tty.c_cc[VMIN] = 1;
    tty.c_cc[VTIME] = 0;
    tcsetattr(STDIN_FILENO, TCSANOW, &tty);
}

static bool stdio_open(Chardev *chr, struct json_object *opts, Error **errp)
{
    bool signals;

    if (!chardev_opt_bool(opts, "signal", true, &signals, errp)) {
        return false;
    }
    if (stdio_in_use) {
        error_setg(errp, "cannot use stdio by multiple character devices");
        return false;
    }
    stdio_in_use = true;
    chr->be = &stdio_in_use;
    stdio_raw_tty(signals);
    chr->out_chunk = PIPE_BUF;
    chardev_peer_connected(chr, STDIN_FILENO, STDOUT_FILENO, false);
    return true;
}

static void stdio_input_eof(Chardev *chr)
{
    /* stdin is exhausted (e.g. </dev/null); output carries on. */
    chardev_stop_input(chr);
}

static char *stdio_filename(const Chardev *chr)
{
    return g_strdup("stdio");
}

static void stdio_close(Chardev *chr)
{
    if (chr->be) {
        stdio_restore_tty();
        stdio_in_use = false;
        chr->be = NULL;
    }
}

const ChardevDriver chardev_stdio_driver = {
    .name = "stdio",
    .opts = stdio_opts,
    .open = stdio_open,
    .input_eof = stdio_input_eof,
    .filename = stdio_filename,
    .close = stdio_close,
};

/* ---- file ----------------------------------------------------------- */

static const char *const file_opts[] = { "path", "append", NULL };

typedef struct FileChardev {
    char *path;
    int fd;
} FileChardev;

static bool file_open(Chardev *chr, struct json_object *opts, Error **errp)
{
    FileChardev *f;
    const char *path;
    bool append;

    if (!chardev_opt_str(opts, "path", &path, errp) ||
        !chardev_opt_bool(opts, "append", false, &append, errp)) {
        return false;
    }
    if (!path || !*path) {
        error_setg(errp, "chardev '%s': file needs path=", chr->id);
        return false;
    }
    f = g_new0(FileChardev, 1);
    chr->be = f;
    f->path = g_strdup(path);
    f->fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC |
                 (append ? O_APPEND : O_TRUNC), 0666);
    if (f->fd < 0) {
        error_setg_errno(errp, errno, "Could not open '%s'", path);
        return false;
    }
    chardev_peer_connected(chr, -1, f->fd, false);
    return true;
}

static char *file_filename(const Chardev *chr)
{
    FileChardev *f = chr->be;

    return g_strdup_printf("file:%s", f->path);
}

static void file_close(Chardev *chr)
{
    FileChardev *f = chr->be;

    if (f) {
        if (f->fd >= 0) {
            close(f->fd);
        }
        g_free(f->path);
        g_free(f);
        chr->be = NULL;
    }
}

const ChardevDriver chardev_file_driver = {
    .name = "file",
    .opts = file_opts,
    .open = file_open,
    .filename = file_filename,
    .close = file_close,
};

/* ---- null ----------------------------------------------------------- */

static bool null_open(Chardev *chr, struct json_object *opts, Error **errp)
{
    return true;
}

static char *null_filename(const Chardev *chr)
{
    return g_strdup("null");
}

const ChardevDriver chardev_null_driver = {
    .name = "null",
    .opts = no_opts,
    .open = null_open,
    .filename = null_filename,
};

/* ---- pty ------------------------------------------------------------ */

/* How often a pty without a reader is checked for one. */
#define PTY_POLL_NS NANOSECONDS_PER_SECOND

typedef struct PtyChardev {
    Chardev *chr;
    int master;
    char *name;
    Timer *poll_timer;
} PtyChardev;

/* While the slave side is closed, the master reports POLLHUP. */
static void pty_poll(void *opaque)
{
    PtyChardev *p = opaque;
    struct pollfd pfd = { .fd = p->master, .events = POLLIN };

    if (poll(&pfd, 1, 0) >= 0 && !(pfd.revents & POLLHUP)) {
        chardev_peer_connected(p->chr, p->master, p->master, false);
        return;
    }
    timer_mod_in_ns(p->poll_timer, PTY_POLL_NS);
}

static bool pty_make_raw(const char *name, Error **errp)
{
    struct termios tty;
    int slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);

    if (slave < 0) {
        error_setg_errno(errp, errno, "Failed to open %s", name);
        return false;
    }
    if (tcgetattr(slave, &tty) == 0) {
        cfmakeraw(&tty);
        tcsetattr(slave, TCSAFLUSH, &tty);
    }
    close(slave);
    return true;
}

static bool pty_open(Chardev *chr, struct json_object *opts, Error **errp)
{
    PtyChardev *p = g_new0(PtyChardev, 1);
    char name[PATH_MAX];

    p->chr = chr;
    chr->be = p;
    p->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (p->master < 0 || grantpt(p->master) < 0 || unlockpt(p->master) < 0 ||
        ptsname_r(p->master, name, sizeof(name)) != 0) {
        error_setg_errno(errp, errno, "Failed to create a pty");
        return false;
    }
    g_unix_set_fd_nonblocking(p->master, true, NULL);
    p->name = g_strdup(name);
    if (!pty_make_raw(p->name, errp)) {
        return false;
    }
    fprintf(stderr, "char device redirected to %s (label %s)\n", p->name,
            chr->id);
    p->poll_timer = timer_new(CLOCK_TYPE_REALTIME, pty_poll, p);
    timer_mod(p->poll_timer, 0);
    return true;
}

static void pty_peer_gone(Chardev *chr, int in_fd, int out_fd)
{
    PtyChardev *p = chr->be;

    timer_mod_in_ns(p->poll_timer, PTY_POLL_NS);
}

static char *pty_filename(const Chardev *chr)
{
    PtyChardev *p = chr->be;

    return g_strdup_printf("pty:%s", p->name);
}

static void pty_close(Chardev *chr)
{
    PtyChardev *p = chr->be;

    if (p) {
        timer_free(p->poll_timer);
        if (p->master >= 0) {
            close(p->master);
        }
        g_free(p->name);
        g_free(p);
        chr->be = NULL;
    }
}

const ChardevDriver chardev_pty_driver = {
    .name = "pty",
    .opts = no_opts,
    .open = pty_open,
    .peer_gone = pty_peer_gone,
    .filename = pty_filename,
    .close = pty_close,
};
