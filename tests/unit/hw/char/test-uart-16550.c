/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for hw/char/uart-16550.c: reset values, the divisor latch,
 * the probe sequence Linux's 8250 driver runs, loopback and overrun,
 * receive FIFO trigger levels and the character timeout on the virtual
 * clock, back-pressure, batched transmission and the output bound, all
 * through the I/O space with a unix-socket chardev as the serial line.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "hw/char/uart-16550.h"
#include "hw/core/ioport.h"
#include "hw/core/machine.h"
#include "util/chardev.h"
#include "util/clock.h"
#include "util/main-loop.h"

#define BASE 0x3f8
enum { RBR, IER, IIR, LCR, MCR, LSR, MSR, SCR };

typedef struct Fixture {
    Machine *m;
    Device *dev;
    Chardev *chr;
    IRQLine pin;
    bool level;
    int peer;               /* the far end of the serial line */
    char *dir;
    char *path;
} Fixture;

static void pin_handler(void *opaque, int n, bool level)
{
    *(bool *)opaque = level;
}

static uint8_t rd(Fixture *f, unsigned reg)
{
    return io_space_read(f->m->io, BASE + reg, 1);
}

static void wr(Fixture *f, unsigned reg, uint8_t val)
{
    io_space_write(f->m->io, BASE + reg, val, 1);
}

static void spin(int n)
{
    for (int i = 0; i < n; i++) {
        main_loop_wait(true);
        g_usleep(200);
    }
}

static void fixture_setup(Fixture *f, gconstpointer data)
{
    static MachineConfig cfg;
    g_autofree char *spec = NULL;
    struct sockaddr_un sun = { .sun_family = AF_UNIX };

    clock_fake_set_ns(0);
    clock_set_source(clock_fake_source());
    virtual_clock_start();
    f->dir = g_dir_make_tmp("plimsoll-uart-XXXXXX", NULL);
    f->path = g_build_filename(f->dir, "line", NULL);
    spec = g_strdup_printf("unix:%s,server=on,wait=off", f->path);
    f->chr = chardev_new_shorthand("line0", spec, &error_abort);
    f->m = machine_new(machine_class_find("none"), &cfg);
    irq_init(&f->pin, pin_handler, &f->level, 4);
    f->dev = device_new(&uart16550_class, f->m, "serial0");
    device_set_prop_str(f->dev, "chardev", "line0", &error_abort);
    uart16550_connect_irq(f->dev, &f->pin);
    g_assert_true(device_realize(f->dev, &error_abort));

    f->peer = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    g_strlcpy(sun.sun_path, f->path, sizeof(sun.sun_path));
    g_assert_cmpint(connect(f->peer, (struct sockaddr *)&sun, sizeof(sun)),
                    ==, 0);
    for (int i = 0; i < 1000 && !chardev_is_connected(f->chr); i++) {
        spin(1);
    }
    g_assert_true(chardev_is_connected(f->chr));
}

static void fixture_teardown(Fixture *f, gconstpointer data)
{
    close(f->peer);
    machine_free(f->m);
    chardev_delete(f->chr);
    clock_set_source(NULL);
    g_rmdir(f->dir);
    g_free(f->path);
    g_free(f->dir);
}

/* Read what the peer has received so far (up to @len) within @ms. */
static size_t peer_read(Fixture *f, void *buf, size_t len, int ms)
{
    size_t done = 0;

    for (int i = 0; i < ms && done < len; i++) {
        struct pollfd pfd = { .fd = f->peer, .events = POLLIN };

        main_loop_wait(true);
        if (poll(&pfd, 1, 1) == 1) {
            ssize_t n = read(f->peer, (char *)buf + done, len - done);

            g_assert_cmpint(n, >, 0);
            done += n;
        }
    }
    return done;
}

static void test_reset_values(Fixture *f, gconstpointer data)
{
    g_assert_cmphex(rd(f, IER), ==, 0x00);
    g_assert_cmphex(rd(f, IIR), ==, 0x01);
    g_assert_cmphex(rd(f, LCR), ==, 0x00);
    g_assert_cmphex(rd(f, MCR), ==, 0x00);
    g_assert_cmphex(rd(f, LSR), ==, 0x60);
    g_assert_cmphex(rd(f, MSR), ==, 0xb0);
    wr(f, SCR, 0x5a);
    g_assert_cmphex(rd(f, SCR), ==, 0x5a);
    g_assert_false(f->level);

    /* The divisor latch hides RBR/THR and IER while DLAB is set. */
    wr(f, LCR, 0x83);
    wr(f, RBR, 0x01);
    wr(f, IER, 0x02);
    g_assert_cmphex(rd(f, RBR), ==, 0x01);
    g_assert_cmphex(rd(f, IER), ==, 0x02);
    wr(f, LCR, 0x03);
    g_assert_cmphex(rd(f, IER), ==, 0x00);
    g_assert_cmphex(rd(f, LCR), ==, 0x03);

    /* device reset restores power-on values. */
    wr(f, IER, 0x0f);
    device_reset(f->dev);
    g_assert_cmphex(rd(f, IER), ==, 0x00);
    g_assert_cmphex(rd(f, LCR), ==, 0x00);
}

/* What Linux's 8250 autoconfig does to recognise a 16550A. */
static void test_linux_probe(Fixture *f, gconstpointer data)
{
    wr(f, IER, 0x00);
    g_assert_cmphex(rd(f, IER) & 0x0f, ==, 0x00);
    wr(f, IER, 0xff);
    g_assert_cmphex(rd(f, IER), ==, 0x0f);      /* bits 7:4 read zero */
    wr(f, IER, 0x00);

    wr(f, MCR, 0x1a);                           /* LOOP | OUT2 | RTS */
    g_assert_cmphex(rd(f, MSR) & 0xf0, ==, 0x90);
    wr(f, MCR, 0x00);

    wr(f, IIR, 0x07);                           /* FCR: enable + reset */
    g_assert_cmphex(rd(f, IIR) & 0xc0, ==, 0xc0);
    wr(f, LCR, 0xbf);                           /* no EFR on a 16550A */
    g_assert_cmphex(rd(f, IIR), !=, 0x00);
    wr(f, LCR, 0x00);
    wr(f, IIR, 0x00);
    g_assert_cmphex(rd(f, IIR) & 0xc0, ==, 0x00);
}

static void test_loopback_overrun(Fixture *f, gconstpointer data)
{
    char buf[4];

    wr(f, MCR, 0x10);
    wr(f, IER, 0x05);                           /* ERBFI | ELSI */
    wr(f, RBR, 'A');
    g_assert_true(rd(f, LSR) & 0x01);
    g_assert_true(f->level);
    g_assert_cmphex(rd(f, IIR), ==, 0x04);
    /* 16450 mode holds one byte: a second one overruns and replaces it. */
    wr(f, RBR, 'B');
    g_assert_cmphex(rd(f, IIR), ==, 0x06);
    g_assert_cmphex(rd(f, LSR), ==, 0x63);       /* OE | DR, THRE, TEMT */
    g_assert_cmphex(rd(f, LSR), ==, 0x61);       /* OE clears on read */
    g_assert_cmphex(rd(f, IIR), ==, 0x04);
    g_assert_cmpint(rd(f, RBR), ==, 'B');
    g_assert_false(f->level);
    g_assert_false(rd(f, LSR) & 0x01);

    /* Modem lines loop back: DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD. */
    wr(f, IER, 0x08);
    wr(f, MCR, 0x10 | 0x01 | 0x04);
    g_assert_true(f->level);
    g_assert_cmphex(rd(f, IIR), ==, 0x00);
    g_assert_cmphex(rd(f, MSR), ==, 0x60 | 0x02 | 0x08 | 0x01);
    g_assert_false(f->level);
    wr(f, MCR, 0x10);                           /* RI off: TERI */
    g_assert_cmphex(rd(f, MSR) & 0x0f, ==, 0x04 | 0x02);

    /* Nothing looped reached the line. */
    wr(f, MCR, 0x00);
    g_assert_cmpuint(peer_read(f, buf, sizeof(buf), 20), ==, 0);
}

static void test_transmit(Fixture *f, gconstpointer data)
{
    const char *msg = "hello, world\n";
    char buf[32] = { 0 };

    wr(f, IER, 0x02);
    g_assert_true(f->level);                    /* THR already empty */
    g_assert_cmphex(rd(f, IIR), ==, 0x02);      /* read clears THRI */
    g_assert_false(f->level);
    for (const char *p = msg; *p; p++) {
        g_assert_true(rd(f, LSR) & 0x20);
        wr(f, RBR, *p);
    }
    g_assert_true(f->level);

    /* Batched: nothing goes to the chardev until the flush timer. */
    spin(5);
    g_assert_cmpuint(chardev_pending_output(f->chr), ==, 0);
    g_assert_cmpuint(peer_read(f, buf, sizeof(buf), 5), ==, 0);
    clock_fake_advance_ns(1000000);
    g_assert_cmpuint(peer_read(f, buf, strlen(msg), 2000), ==, strlen(msg));
    g_assert_cmpstr(buf, ==, msg);
}

static void test_receive_fifo(Fixture *f, gconstpointer data)
{
    uint8_t out[20];
    int64_t char_ns;

    wr(f, LCR, 0x03);                           /* 8N1, 10 bits a char */
    wr(f, IIR, 0xc1);                           /* FIFO, trigger 14 */
    wr(f, IER, 0x01);
    g_assert_cmpint(write(f->peer, "12345", 5), ==, 5);
    spin(20);
    g_assert_true(rd(f, LSR) & 0x01);
    g_assert_false(f->level);                   /* below the trigger */

    /* Four character times of silence at 9600 baud: timeout. */
    char_ns = 10LL * NANOSECONDS_PER_SECOND * 12 / 115200;
    clock_fake_advance_ns(4 * char_ns - 1);
    spin(3);
    g_assert_false(f->level);
    clock_fake_advance_ns(1);
    spin(3);
    g_assert_true(f->level);
    g_assert_cmphex(rd(f, IIR), ==, 0xcc);
    for (int i = 0; i < 5; i++) {
        out[i] = rd(f, RBR);
    }
    g_assert_cmpmem(out, 5, "12345", 5);
    g_assert_false(f->level);
    g_assert_cmphex(rd(f, IIR), ==, 0xc1);

    /* 20 bytes: the FIFO takes 16, the rest wait in the chardev. */
    g_assert_cmpint(write(f->peer, "abcdefghijklmnopqrst", 20), ==, 20);
    spin(30);
    g_assert_true(f->level);
    g_assert_cmphex(rd(f, IIR), ==, 0xc4);
    for (int i = 0; i < 16; i++) {
        out[i] = rd(f, RBR);
    }
    spin(30);
    for (int i = 16; i < 20; i++) {
        g_assert_true(rd(f, LSR) & 0x01);
        out[i] = rd(f, RBR);
    }
    g_assert_cmpmem(out, 20, "abcdefghijklmnopqrst", 20);
    g_assert_false(rd(f, LSR) & 0x03);          /* no data, no overrun */
}

static void test_receive_16450(Fixture *f, gconstpointer data)
{
    uint8_t out[3];

    /* Without FIFOs one byte at a time, never an overrun. */
    g_assert_cmpint(write(f->peer, "xyz", 3), ==, 3);
    for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 100 && !(rd(f, LSR) & 0x01); j++) {
            spin(1);
        }
        g_assert_cmphex(rd(f, LSR) & 0x03, ==, 0x01);
        out[i] = rd(f, RBR);
    }
    g_assert_cmpmem(out, 3, "xyz", 3);
}

/* The peer stops reading: THRE clears once everything is full, and the
 * bytes the guest wrote while THRE was set all arrive later, in order. */
static void test_output_bound(Fixture *f, gconstpointer data)
{
    const size_t max = 8 * 1024 * 1024;
    g_autofree uint8_t *got = g_malloc(max);
    size_t written = 0, received = 0;

    while ((rd(f, LSR) & 0x20) && written < max) {
        for (int i = 0; i < 4096 && (rd(f, LSR) & 0x20); i++) {
            wr(f, RBR, written * 31 % 251);
            written++;
        }
        clock_fake_advance_ns(1000000);
        main_loop_wait(true);
        main_loop_wait(true);
    }
    g_assert_false(rd(f, LSR) & 0x20);
    g_assert_cmpuint(written, <, max);
    g_assert_cmpuint(written, >, 1024 * 1024);

    wr(f, IER, 0x02);
    rd(f, IIR);
    while (received < written) {
        struct pollfd pfd = { .fd = f->peer, .events = POLLIN };

        clock_fake_advance_ns(1000000);
        main_loop_wait(true);
        if (poll(&pfd, 1, 1) == 1) {
            ssize_t n = read(f->peer, got + received, max - received);

            g_assert_cmpint(n, >, 0);
            received += n;
        }
    }
    g_assert_cmpuint(received, ==, written);
    for (size_t i = 0; i < written; i++) {
        if (got[i] != (uint8_t)(i * 31 % 251)) {
            g_error("byte %zu differs", i);
        }
    }
    g_assert_true(rd(f, LSR) & 0x20);
    g_assert_true(f->level);                    /* THRE interrupt */
}

static void test_trigger_levels(Fixture *f, gconstpointer data)
{
    static const struct {
        uint8_t fcr;
        unsigned level;
    } levels[] = { { 0x01, 1 }, { 0x41, 4 }, { 0x81, 8 }, { 0xc1, 14 } };

    wr(f, IER, 0x01);
    for (size_t i = 0; i < G_N_ELEMENTS(levels); i++) {
        /* Loopback fills the FIFO one byte at a time. */
        wr(f, IIR, levels[i].fcr | 0x02);
        wr(f, MCR, 0x10);
        for (unsigned n = 1; n <= levels[i].level; n++) {
            wr(f, RBR, n);
            g_assert_cmpint(f->level, ==, n == levels[i].level);
        }
        g_assert_cmphex(rd(f, IIR), ==, 0xc4);
        wr(f, IIR, levels[i].fcr | 0x02);       /* RX FIFO reset */
        g_assert_false(f->level);
        g_assert_false(rd(f, LSR) & 0x01);
        wr(f, MCR, 0x00);
    }
}

static void test_device_create(Fixture *f, gconstpointer data)
{
    struct json_object *o = json_object_new_object();
    g_autofree char *help = device_class_list_help();
    Chardev *line1 = chardev_new_shorthand("line1", "null", &error_abort);
    Error *err = NULL;
    Device *dev;

    g_assert_nonnull(strstr(help, "\"isa-serial\""));
    json_object_object_add(o, "driver", json_object_new_string("isa-serial"));
    json_object_object_add(o, "id", json_object_new_string("com2"));
    json_object_object_add(o, "iobase", json_object_new_string("0x2f8"));
    json_object_object_add(o, "irq", json_object_new_string("3"));
    json_object_object_add(o, "chardev", json_object_new_string("line1"));
    dev = device_create(f->m, o, &error_abort);
    g_assert_nonnull(dev);
    g_assert_cmphex(io_space_read(f->m->io, 0x2f8 + LSR, 1), ==, 0x60);
    /* The chardev now has its frontend. */
    g_assert_false(chardev_set_handlers(line1, &(ChardevHandlers){ 0 }, f,
                                        NULL));

    json_object_object_add(o, "id", json_object_new_string("com3"));
    json_object_object_add(o, "chardev", json_object_new_string("nope"));
    g_assert_null(device_create(f->m, o, &err));
    g_assert_nonnull(err);
    error_free(err);
    json_object_put(o);
    device_destroy(dev);
    chardev_delete(line1);
}

static const struct {
    const char *path;
    void (*fn)(Fixture *f, gconstpointer data);
} tests[] = {
    { "/hw/char/uart-16550/reset-values", test_reset_values },
    { "/hw/char/uart-16550/linux-probe", test_linux_probe },
    { "/hw/char/uart-16550/loopback-overrun", test_loopback_overrun },
    { "/hw/char/uart-16550/transmit", test_transmit },
    { "/hw/char/uart-16550/receive-fifo", test_receive_fifo },
    { "/hw/char/uart-16550/receive-16450", test_receive_16450 },
    { "/hw/char/uart-16550/trigger-levels", test_trigger_levels },
    { "/hw/char/uart-16550/device-create", test_device_create },
    { "/hw/char/uart-16550/output-bound", test_output_bound },
};

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    main_loop_init();
    for (size_t i = 0; i < G_N_ELEMENTS(tests); i++) {
        g_test_add(tests[i].path, Fixture, NULL, fixture_setup, tests[i].fn,
                   fixture_teardown);
    }
    return g_test_run();
}
