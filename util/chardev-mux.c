/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Chardev multiplexing (mux=on, or the "mon:" shorthand prefix): one host
 * terminal shared by several frontends, typically the guest's serial port
 * and a monitor, as QEMU's -nographic and "-serial mon:stdio" do.
 *
 * Output from every frontend goes to the one peer.  Input goes to the
 * frontend that has the focus, except the escape sequences introduced by
 * Ctrl-A:
 *   C-a h   print the list of escapes
 *   C-a x   exit the emulator (the exit hook; default: quit the main loop)
 *   C-a c   move the focus to the next frontend (serial <-> monitor)
 *   C-a C-a send a Ctrl-A to the frontend with the focus
 * Deviation: QEMU's C-a s (sync disks), C-a b (break) and C-a t (output
 * timestamps) are accepted and do nothing.
 *
 * So that an escape is seen even while the focused frontend takes no
 * input (a guest not reading its UART), the mux always reads a little:
 * up to CHARDEV_MUX_PENDING bytes wait here for the frontend.
 */
#include "util/chardev-internal.h"

#include <string.h>

#define MUX_ESCAPE 0x01     /* Ctrl-A */

static void (*mux_exit_hook)(void *opaque);
static void *mux_exit_opaque;

static const char mux_help[] =
    "\r\n"
    "C-a h    print this help\r\n"
    "C-a x    exit the emulator\r\n"
    "C-a c    switch between console and monitor\r\n"
    "C-a C-a  send C-a\r\n";

void chardev_set_mux_exit_hook(void (*fn)(void *opaque), void *opaque)
{
    mux_exit_hook = fn;
    mux_exit_opaque = opaque;
}

/* Give the focused frontend what it can take of the pending bytes. */
static void mux_deliver(Chardev *chr)
{
    size_t room, n;
    ChardevFrontend *fe;

    if (!chr->mux_npending || chr->focus >= chr->nfe) {
        return;
    }
    room = chardev_fe_can_read(chr, chr->focus);
    n = MIN(room, chr->mux_npending);
    if (n == 0) {
        return;
    }
    fe = &chr->fe[chr->focus];
    fe->h.read(fe->opaque, chr->mux_pending, n);
    chr->mux_npending -= n;
    memmove(chr->mux_pending, chr->mux_pending + n, chr->mux_npending);
}

static void mux_bh_cb(void *opaque)
{
    mux_deliver(opaque);
}

static void mux_queue(Chardev *chr, uint8_t byte)
{
    /* can_read() bounded the input to the room left. */
    if (chr->mux_npending < CHARDEV_MUX_PENDING) {
        chr->mux_pending[chr->mux_npending++] = byte;
    }
}

static void mux_command(Chardev *chr, uint8_t cmd)
{
    switch (cmd) {
    case 'h':
    case '?':
        chardev_write(chr, (const uint8_t *)mux_help, strlen(mux_help));
        break;
    case 'x':
        chardev_write(chr, (const uint8_t *)"Plimsoll: Terminated\r\n", 22);
        if (mux_exit_hook) {
            mux_exit_hook(mux_exit_opaque);
        } else {
            main_loop_quit();
        }
        break;
    case 'c':
        if (chr->nfe) {
            /* What the old focus cannot take now is dropped: it was not
             * reading, as a terminal switched away would lose it. */
            mux_deliver(chr);
            chr->mux_npending = 0;
            chr->focus = (chr->focus + 1) % chr->nfe;
        }
        break;
    case MUX_ESCAPE:
    case 'a':
        mux_queue(chr, MUX_ESCAPE);
        break;
    default:
        /* s, b, t and unknown letters: nothing (see above). */
        break;
    }
}

size_t chardev_mux_can_read(Chardev *chr)
{
    if (chr->nfe == 0) {
        return 0;
    }
    if (chr->mux_npending && chardev_fe_can_read(chr, chr->focus) > 0) {
        /* Not from prepare(): the frontend's read may do real work. */
        bh_schedule(chr->mux_bh);
    }
    return CHARDEV_MUX_PENDING - chr->mux_npending;
}

void chardev_mux_input(Chardev *chr, const uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (chr->mux_escape) {
            chr->mux_escape = false;
            mux_command(chr, buf[i]);
        } else if (buf[i] == MUX_ESCAPE) {
            chr->mux_escape = true;
        } else {
            mux_queue(chr, buf[i]);
        }
    }
    mux_deliver(chr);
}

void chardev_mux_init(Chardev *chr)
{
    chr->mux_bh = bh_new(mux_bh_cb, chr);
}

void chardev_mux_cleanup(Chardev *chr)
{
    bh_delete(chr->mux_bh);
    chr->mux_bh = NULL;
}
