/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * POSIX process plumbing for the emulator: the -pidfile (created, locked
 * and removed at exit, as QEMU does, so a second instance with the same
 * pid file refuses to start), -daemonize (the parent returns to the shell
 * only once the child has started, with its status), and the signals that
 * end the VM (SIGTERM, SIGINT, SIGHUP -> shutdown cause "host-signal").
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib-unix.h>

#include "system/assemble.h"
#include "system/runstate.h"

static char *pidfile_path;
static int pidfile_fd = -1;
static int daemon_pipe = -1;

bool os_pidfile_create(const char *path, Error **errp)
{
    g_autofree char *pid = g_strdup_printf("%d\n", (int)getpid());
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

    if (fd < 0) {
        error_setg_errno(errp, errno, "Cannot open pid file");
        return false;
    }
    if (lockf(fd, F_TLOCK, 0) < 0) {
        error_setg_errno(errp, errno, "Cannot lock pid file");
        close(fd);
        return false;
    }
    if (ftruncate(fd, 0) < 0 || write(fd, pid, strlen(pid)) < 0) {
        error_setg_errno(errp, errno, "Failed to write pid file");
        close(fd);
        unlink(path);
        return false;
    }
    pidfile_fd = fd;
    pidfile_path = g_strdup(path);
    return true;
}

void os_pidfile_remove(void)
{
    if (pidfile_path) {
        unlink(pidfile_path);
        close(pidfile_fd);
        g_free(pidfile_path);
        pidfile_path = NULL;
        pidfile_fd = -1;
    }
}

bool os_daemonize_start(Error **errp)
{
    int fds[2];
    pid_t pid;
    char status = 1;

    if (pipe(fds) < 0) {
        error_setg_errno(errp, errno, "Cannot create a pipe");
        return false;
    }
    pid = fork();
    if (pid < 0) {
        error_setg_errno(errp, errno, "Cannot fork");
        return false;
    }
    if (pid > 0) {
        /* Parent: exit with the child's start-up verdict. */
        close(fds[1]);
        if (read(fds[0], &status, 1) != 1) {
            status = 1;
        }
        _exit(status);
    }
    close(fds[0]);
    daemon_pipe = fds[1];
    setsid();
    return true;
}

void os_daemonize_finish(void)
{
    char ok = 0;
    int null;

    if (daemon_pipe < 0) {
        return;
    }
    null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        close(null);
    }
    if (write(daemon_pipe, &ok, 1) < 0) {
        /* The parent is gone; nothing to tell. */
    }
    close(daemon_pipe);
    daemon_pipe = -1;
}

static gboolean os_on_signal(gpointer opaque)
{
    int sig = GPOINTER_TO_INT(opaque);

    error_report("terminating on signal %d", sig);
    system_shutdown_request(SHUTDOWN_CAUSE_HOST_SIGNAL);
    return G_SOURCE_CONTINUE;
}

void os_setup_signals(void)
{
    static const int sigs[] = { SIGTERM, SIGINT, SIGHUP };
    size_t i;

    signal(SIGPIPE, SIG_IGN);
    for (i = 0; i < G_N_ELEMENTS(sigs); i++) {
        g_unix_signal_add(sigs[i], os_on_signal, GINT_TO_POINTER(sigs[i]));
    }
}
