/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plimsoll-cputest: run a CPU test program on the test machine.
 *
 *   plimsoll-cputest [--multiboot] [--addr A] [--entry E] [--ram MB]
 *                    [--max-insns N] [--stats] IMAGE
 *
 * A flat image is loaded at --addr (default 0xf0000 when the image is at
 * most 64 KiB, so it starts at the reset vector F000:FFF0; else 0x100000
 * with --entry required).  The exit status is the value the program wrote
 * to port 0xf4, 2 after a triple fault, 3 if it stopped otherwise (HLT
 * with nothing to wake it, or the instruction limit).  Console output
 * (port 0xe9) goes to stdout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "accel/test-machine.h"

static gboolean opt_multiboot, opt_stats;
static gchar *opt_addr, *opt_entry;
static gint opt_ram = 64;
static gint64 opt_max = 2000000000;
static gchar *opt_log;

static GOptionEntry entries[] = {
    { "multiboot", 'm', 0, G_OPTION_ARG_NONE, &opt_multiboot,
      "load IMAGE as a multiboot kernel", NULL },
    { "addr", 'a', 0, G_OPTION_ARG_STRING, &opt_addr,
      "load address of a flat image", "ADDR" },
    { "entry", 'e', 0, G_OPTION_ARG_STRING, &opt_entry,
      "start in real mode at CS:IP = 0:ENTRY (flat image)", "ADDR" },
    { "ram", 'r', 0, G_OPTION_ARG_INT, &opt_ram, "RAM in MiB (64)", "MB" },
    { "max-insns", 'n', 0, G_OPTION_ARG_INT64, &opt_max,
      "stop after N instructions", "N" },
    { "log", 'd', 0, G_OPTION_ARG_STRING, &opt_log,
      "trace items: in_asm,exec,int,cpu", "ITEMS" },
    { "stats", 's', 0, G_OPTION_ARG_NONE, &opt_stats,
      "print instructions, seconds and MIPS to stderr", NULL },
    { NULL }
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static bool load_image(TestMachine *m, const uint8_t *img, gsize len,
                       Error **errp)
{
    uint64_t addr;
    if (opt_multiboot) {
        return test_machine_load_multiboot(m, img, len, errp);
    }
    addr = opt_addr ? g_ascii_strtoull(opt_addr, NULL, 0)
                    : len <= 0x10000 ? 0x100000 - len : 0x100000;
    if (!test_machine_load(m, addr, img, len, errp)) {
        return false;
    }
    if (opt_entry) {
        uint64_t e = g_ascii_strtoull(opt_entry, NULL, 0);
        if (e > 0xffff) {
            error_setg(errp, "--entry must be below 64 KiB (real mode 0:IP)");
            return false;
        }
        x86_cpu_set_reg(m->cpu, X86_REG_RIP, e);
        /* CS = 0 through a far jump stub is the program's business; the
         * reset CS base (0xffff0000) is replaced by a real-mode CS of 0. */
        x86_cpu_set_reg(m->cpu, X86_REG_SEG + 1, 0);
    } else if (len > 0x10000 && !opt_addr) {
        error_setg(errp, "a flat image over 64 KiB needs --entry");
        return false;
    }
    return true;
}

int main(int argc, char **argv)
{
    g_autoptr(GOptionContext) ctx = g_option_context_new("IMAGE");
    g_autoptr(GError) gerr = NULL;
    g_autofree gchar *img = NULL;
    Error *err = NULL;
    TestMachine *m;
    gsize len;
    uint64_t n;
    double t0, t;
    int status;

    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!g_option_context_parse(ctx, &argc, &argv, &gerr) || argc != 2) {
        fprintf(stderr, "plimsoll-cputest: %s\n",
                gerr ? gerr->message : "exactly one IMAGE is needed");
        return 125;
    }
    if (!g_file_get_contents(argv[1], &img, &len, &gerr)) {
        fprintf(stderr, "plimsoll-cputest: %s\n", gerr->message);
        return 125;
    }
    m = test_machine_new(opt_ram, &err);
    if (!m || !load_image(m, (const uint8_t *)img, len, &err)) {
        fprintf(stderr, "plimsoll-cputest: %s\n", error_get_pretty(err));
        error_free(err);
        test_machine_free(m);
        return 125;
    }
    m->echo = true;
    if (opt_log) {
        unsigned mask = 0;
        mask |= strstr(opt_log, "in_asm") ? X86_LOG_IN_ASM : 0;
        mask |= strstr(opt_log, "exec") ? X86_LOG_EXEC : 0;
        mask |= strstr(opt_log, "int") ? X86_LOG_INT : 0;
        mask |= strstr(opt_log, "cpu") ? X86_LOG_CPU : 0;
        x86_cpu_set_log(m->cpu, mask);
    }
    t0 = now_s();
    n = test_machine_run(m, opt_max);
    t = now_s() - t0;
    fflush(stdout);
    if (opt_stats) {
        fprintf(stderr, "instructions %" G_GUINT64_FORMAT " seconds %.3f "
                "MIPS %.1f\n", n, t, t > 0 ? n / t / 1e6 : 0.0);
    }
    status = m->exited ? (int)(m->exit_code & 0xff) : m->reset ? 2 : 3;
    if (!m->exited) {
        fprintf(stderr, "plimsoll-cputest: %s after %" G_GUINT64_FORMAT
                " instructions at RIP 0x%" G_GINT64_MODIFIER "x\n",
                m->reset ? "triple fault" : "stopped", n,
                x86_cpu_get_reg(m->cpu, X86_REG_RIP));
    }
    test_machine_free(m);
    return status;
}
