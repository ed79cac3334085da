/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The human monitor (HMP): a line-oriented command interface for people,
 * on a chardev (-monitor stdio, -mon mode=readline) or through QMP's
 * human-monitor-command.  Commands are a table; each one calls the QMP
 * handler that does the work and prints its result the way QEMU's HMP
 * does.  No events are sent to HMP clients.
 *
 * Commands: help, info (status, block, blockstats, version), stop, cont,
 * system_reset, quit, xp (physical memory), block_resize, qemu-io,
 * screendump, eject, change (removable media).
 * Left out: line editing and history (the terminal's own line discipline
 * is used), completion.
 */
#include "monitor-internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "block/block-backend.h"
#include "block/block.h"
#include "config-host.h"
#include "hw/core/machine.h"
#include "hw/core/memory.h"
#include "qapi/qapi-commands.h"
#include "tools/io/io-cmds.h"

#define HMP_PROMPT "(qemu) "
#define HMP_MAX_LINE 4096

typedef struct HmpCommand {
    const char *name;
    const char *args;
    const char *help;
    int min_args;
    int max_args;
    void (*fn)(GString *out, int argc, char **argv);
} HmpCommand;

static void hmp_print_error(GString *out, Error *err)
{
    g_string_append_printf(out, "Error: %s\n", error_get_pretty(err));
    error_free(err);
}

/* ---- info ------------------------------------------------------------ */

static void hmp_info_status(GString *out, int argc, char **argv)
{
    g_autoptr(Error) err = NULL;
    StatusInfo *info = qmp_query_status(&err);

    g_string_append_printf(out, "VM status: %s",
                           info->running ? "running" : "paused");
    if (!info->running && info->status != QAPI_RUN_STATE_PAUSED) {
        g_string_append_printf(out, " (%s)", QapiRunState_str(info->status));
    }
    g_string_append_c(out, '\n');
    qapi_free_StatusInfo(info);
}

static void hmp_info_version(GString *out, int argc, char **argv)
{
    VersionInfo *info = qmp_query_version(NULL);

    g_string_append_printf(out, "%" PRId64 ".%" PRId64 ".%" PRId64 " (%s)\n",
                           info->qemu->major, info->qemu->minor,
                           info->qemu->micro, info->package);
    qapi_free_VersionInfo(info);
}

static void hmp_info_block(GString *out, int argc, char **argv)
{
    BlockInfoList *list = qmp_query_block(NULL);

    for (BlockInfoList *l = list; l; l = l->next) {
        BlockInfo *b = l->value;
        BlockDeviceInfo *in = b->inserted;

        if (!in) {
            g_string_append_printf(out, "%s: [not inserted]\n", b->device);
            continue;
        }
        g_string_append_printf(out, "%s (%s): %s (%s%s)\n", b->device,
                               in->node_name, in->file, in->drv,
                               in->ro ? ", read-only" : "");
        if (b->has_qdev) {
            g_string_append_printf(out, "    Attached to:      %s\n",
                                   b->qdev);
        }
        if (b->has_io_status && b->io_status != QAPI_BLOCK_DEVICE_IO_STATUS_OK) {
            g_string_append_printf(out, "    I/O status:       %s\n",
                                   QapiBlockDeviceIoStatus_str(b->io_status));
        }
        g_string_append_printf(out, "    Cache mode:       %s%s\n",
                               in->cache->direct ? "writeback, direct"
                                                 : "writeback",
                               in->cache->no_flush ? ", ignore flushes" : "");
        if (in->write_threshold) {
            g_string_append_printf(out, "    Write threshold:  %" PRIu64 "\n",
                                   (uint64_t)in->write_threshold);
        }
    }
    qapi_free_BlockInfoList(list);
}

static void hmp_info_blockstats(GString *out, int argc, char **argv)
{
    BlockStatsList *list = qmp_query_blockstats(false, false, NULL);

    for (BlockStatsList *l = list; l; l = l->next) {
        BlockDeviceStats *s = l->value->stats;

        g_string_append_printf(out,
            "%s: rd_bytes=%" PRId64 " wr_bytes=%" PRId64
            " rd_operations=%" PRId64 " wr_operations=%" PRId64
            " flush_operations=%" PRId64 " wr_total_time_ns=%" PRId64
            " rd_total_time_ns=%" PRId64 " flush_total_time_ns=%" PRId64
            " rd_merged=%" PRId64 " wr_merged=%" PRId64
            " idle_time_ns=%" PRId64 "\n",
            l->value->device, s->rd_bytes, s->wr_bytes, s->rd_operations,
            s->wr_operations, s->flush_operations, s->wr_total_time_ns,
            s->rd_total_time_ns, s->flush_total_time_ns, s->rd_merged,
            s->wr_merged, s->has_idle_time_ns ? s->idle_time_ns : 0);
    }
    qapi_free_BlockStatsList(list);
}

static const HmpCommand hmp_info_table[] = {
    { "block", "", "show the block devices", 0, 0, hmp_info_block },
    { "blockstats", "", "show block device statistics", 0, 0,
      hmp_info_blockstats },
    { "block-jobs", "", "show progress of ongoing block device operations",
      0, 0, hmp_info_block_jobs },
    { "status", "", "show the current VM status (running|paused)", 0, 0,
      hmp_info_status },
    { "version", "", "show the version of QEMU", 0, 0, hmp_info_version },
};

static void hmp_info(GString *out, int argc, char **argv)
{
    for (size_t i = 0; i < G_N_ELEMENTS(hmp_info_table); i++) {
        if (argc > 1 && !strcmp(argv[1], hmp_info_table[i].name)) {
            hmp_info_table[i].fn(out, argc - 1, argv + 1);
            return;
        }
    }
    for (size_t i = 0; i < G_N_ELEMENTS(hmp_info_table); i++) {
        g_string_append_printf(out, "info %s  -- %s\n",
                               hmp_info_table[i].name,
                               hmp_info_table[i].help);
    }
}

/* ---- commands that act ---------------------------------------------- */

static void hmp_simple(GString *out, void (*fn)(Error **errp))
{
    Error *err = NULL;

    fn(&err);
    if (err) {
        hmp_print_error(out, err);
    }
}

static void hmp_stop(GString *out, int argc, char **argv)
{
    hmp_simple(out, qmp_stop);
}

static void hmp_cont(GString *out, int argc, char **argv)
{
    hmp_simple(out, qmp_cont);
}

static void hmp_system_reset(GString *out, int argc, char **argv)
{
    hmp_simple(out, qmp_system_reset);
}

static void hmp_quit(GString *out, int argc, char **argv)
{
    hmp_simple(out, qmp_quit);
}

/* HMP sizes: a number of bytes with an optional K, M, G or T suffix. */
static bool hmp_parse_size(const char *s, int64_t *out)
{
    static const char suffixes[] = "kmgt";
    char *end;
    double v = g_ascii_strtod(s, &end);
    int shift = 0;

    if (end == s || v < 0) {
        return false;
    }
    if (*end) {
        const char *p = strchr(suffixes, g_ascii_tolower(*end));

        if (!p || end[1]) {
            return false;
        }
        shift = 10 * (p - suffixes + 1);
    }
    v *= (double)((uint64_t)1 << shift);
    if (v >= (double)INT64_MAX) {
        return false;
    }
    *out = (int64_t)v;
    return true;
}

static void hmp_block_resize(GString *out, int argc, char **argv)
{
    Error *err = NULL;
    int64_t size;

    if (!hmp_parse_size(argv[2], &size)) {
        g_string_append_printf(out, "invalid size: %s\n", argv[2]);
        return;
    }
    /* Like QEMU's HMP: the name may be a backend or a node. */
    qmp_block_resize(true, argv[1], true, argv[1], size, &err);
    if (err) {
        hmp_print_error(out, err);
    }
}

/*
 * plimsoll-io's command engine prints on stdout; its output is caught by
 * pointing stdout at a memory stream for the length of the command.
 * Deviation: anything else printing with stdio from another thread at
 * that moment would land in the reply too (nothing does today).
 */
static void hmp_qemu_io_run(GString *out, BlockBackend *blk, const char *cmd)
{
    IoContext ctx = { .blk = blk };
    FILE *saved = stdout;
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);

    if (!mem) {
        g_string_append(out, "qemu-io: cannot capture output\n");
        return;
    }
    fflush(stdout);
    stdout = mem;
    io_run_command_line(&ctx, cmd);
    /* aio_read/aio_write print when they complete: wait for them. */
    blk_drain(blk);
    fflush(mem);
    stdout = saved;
    fclose(mem);
    g_string_append_len(out, text, len);
    free(text);
}

static void hmp_qemu_io(GString *out, int argc, char **argv)
{
    BlockBackend *blk = blk_by_name(argv[1]);
    BlockDriverState *bs;
    Error *err = NULL;

    if (blk) {
        if (!blk_bs(blk)) {
            g_string_append_printf(out, "Device '%s' has no medium\n",
                                   argv[1]);
            return;
        }
        hmp_qemu_io_run(out, blk, argv[2]);
        return;
    }
    bs = bdrv_find_node(argv[1]);
    if (!bs) {
        g_string_append_printf(out, "Error: Cannot find device='' nor "
                               "node-name='%s'\n", argv[1]);
        return;
    }
    /* A node without a backend gets a temporary anonymous one. */
    blk = blk_new("", &err);
    if (!blk || !blk_insert_bs(blk, bs, &err)) {
        hmp_print_error(out, err);
        blk_unref(blk);
        return;
    }
    hmp_qemu_io_run(out, blk, argv[2]);
    blk_unref(blk);
}

/*
 * eject [-f] DEVICE and change [-f] DEVICE FILENAME [FORMAT
 * [READ-ONLY-MODE]], as QEMU's HMP: DEVICE names a backend, -f forces
 * a locked tray (it may come anywhere after the command name).
 * Returns the number of arguments left in @pos.
 */
static int hmp_split_force(int argc, char **argv, const char **pos,
                           int max, bool *force)
{
    int n = 0;

    *force = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-f")) {
            *force = true;
        } else if (n == max) {
            return -1;
        } else {
            pos[n++] = argv[i];
        }
    }
    return n;
}

static void hmp_eject(GString *out, int argc, char **argv)
{
    const char *pos[1];
    bool force;
    Error *err = NULL;

    if (hmp_split_force(argc, argv, pos, 1, &force) != 1) {
        g_string_append(out, "eject: usage: eject [-f] device\n");
        return;
    }
    qmp_eject(true, pos[0], false, NULL, true, force, &err);
    if (err) {
        hmp_print_error(out, err);
    }
}

static void hmp_change(GString *out, int argc, char **argv)
{
    const char *pos[4] = { NULL };
    bool force;
    int n = hmp_split_force(argc, argv, pos, 4, &force);
    int mode = -1;
    Error *err = NULL;

    if (n < 2) {
        g_string_append(out, "change: usage: change [-f] device filename "
                        "[format [read-only-mode]]\n");
        return;
    }
    if (pos[3]) {
        mode = qapi_enum_lookup(BlockdevChangeReadOnlyMode_names,
                                BLOCKDEV_CHANGE_READ_ONLY_MODE__MAX, pos[3]);
        if (mode < 0) {
            g_string_append_printf(out, "Error: Parameter 'read-only-mode' "
                                   "does not accept value '%s'\n", pos[3]);
            return;
        }
    }
    qmp_blockdev_change_medium(true, pos[0], false, NULL, pos[1],
                               pos[2] != NULL, pos[2], true, force,
                               mode >= 0,
                               mode >= 0 ? (BlockdevChangeReadOnlyMode)mode
                                         : 0, &err);
    if (err) {
        hmp_print_error(out, err);
    }
}

/*
 * screendump FILENAME [-f FORMAT] [DEVICE [HEAD]], QEMU's syntax, with
 * "-d DEVICE" accepted as well.  Options may come anywhere after the
 * command name.
 */
static void hmp_screendump(GString *out, int argc, char **argv)
{
    const char *pos[3] = { NULL };
    const char *format = NULL, *device = NULL;
    int npos = 0, fmt = -1;
    int64_t head = 0;
    Error *err = NULL;

    for (int i = 1; i < argc; i++) {
        bool opt_f = !strcmp(argv[i], "-f"), opt_d = !strcmp(argv[i], "-d");

        if ((opt_f || opt_d) && i + 1 < argc) {
            *(opt_f ? &format : &device) = argv[++i];
        } else if (argv[i][0] == '-' || npos == 3) {
            g_string_append(out, "screendump: usage: screendump filename "
                            "[-f ppm|png] [device [head]]\n");
            return;
        } else {
            pos[npos++] = argv[i];
        }
    }
    if (!pos[0] || (device && pos[1])) {
        g_string_append(out, "screendump: usage: screendump filename "
                        "[-f ppm|png] [device [head]]\n");
        return;
    }
    if (format) {
        fmt = qapi_enum_lookup(ImageFormat_names, IMAGE_FORMAT__MAX, format);
        if (fmt < 0) {
            g_string_append_printf(out, "Error: Parameter 'format' does not "
                                   "accept value '%s'\n", format);
            return;
        }
    }
    if (pos[2]) {
        char *end;

        head = g_ascii_strtoll(pos[2], &end, 10);
        if (*end || end == pos[2]) {
            g_string_append_printf(out, "invalid head: %s\n", pos[2]);
            return;
        }
    }
    device = device ? device : pos[1];
    qmp_screendump(pos[0], device != NULL, device, pos[2] != NULL, head,
                   fmt >= 0, fmt >= 0 ? (ImageFormat)fmt : 0, &err);
    if (err) {
        hmp_print_error(out, err);
    }
}

/*
 * xp [/NxU] ADDR: N units (U = b, h, w, g; default 1 w) of guest-physical
 * memory in hex, 8 bytes per line for bytes and 16 otherwise, as QEMU.
 */
static void hmp_xp(GString *out, int argc, char **argv)
{
    static const char units[] = "bhwg";
    const char *fmt = argc > 2 ? argv[1] : "/1xw";
    const char *u;
    char *end;
    unsigned long n = strtoul(fmt + 1, &end, 10);
    uint64_t addr = strtoull(argv[argc - 1], NULL, 0);
    Machine *m = machine_current();
    unsigned size, per_line;

    if (*fmt != '/' || end == fmt + 1) {
        n = 1;
    }
    end += *end == 'x';
    u = *end ? strchr(units, *end) : units + 2;
    if (!u || !*u || n == 0 || n > 4096 || !m) {
        g_string_append(out, "Error: usage: xp /NxU ADDR (U = b, h, w, g)\n");
        return;
    }
    size = 1u << (u - units);
    per_line = size == 1 ? 8 : 16 / size;
    for (unsigned long i = 0; i < n; i++, addr += size) {
        if (i % per_line == 0) {
            g_string_append_printf(out, "%s%016" PRIx64 ":", i ? "\n" : "",
                                   addr);
        }
        g_string_append_printf(out, " 0x%0*" PRIx64, 2 * size,
                               memory_map_read(m->mem, addr, size));
    }
    g_string_append_c(out, '\n');
}

static void hmp_help(GString *out, int argc, char **argv);

static const HmpCommand hmp_table[] = {
    { "help", "[cmd]", "show the help", 0, 1, hmp_help },
    { "?", "[cmd]", "show the help", 0, 1, hmp_help },
    { "info", "[subcommand]", "show various information about the system "
      "state", 0, 1, hmp_info },
    { "stop", "", "stop emulation", 0, 0, hmp_stop },
    { "cont", "", "resume emulation", 0, 0, hmp_cont },
    { "c", "", "resume emulation", 0, 0, hmp_cont },
    { "system_reset", "", "reset the system", 0, 0, hmp_system_reset },
    { "quit", "", "quit the emulator", 0, 0, hmp_quit },
    { "xp", "/fmt addr", "physical memory dump starting at 'addr'", 1, 2,
      hmp_xp },
    { "q", "", "quit the emulator", 0, 0, hmp_quit },
    { "block_resize", "device size", "resize a block image", 2, 2,
      hmp_block_resize },
    { "qemu-io", "device \"command\"", "run a plimsoll-io command on a block "
      "device or node", 2, 2, hmp_qemu_io },
    { "block_stream", "device [speed [base]]", "copy data from a backing "
      "file into a block device", 1, 3, hmp_block_stream },
    { "block_job_set_speed", "device speed", "set maximum speed for a "
      "background block operation", 2, 2, hmp_block_job_set_speed },
    { "block_job_cancel", "[-f] device", "stop an active background block "
      "operation (-f: also a paused one)", 1, 2, hmp_block_job_cancel },
    { "block_job_complete", "device", "stop an active background block "
      "operation", 1, 1, hmp_block_job_complete },
    { "block_job_pause", "device", "pause an active background block "
      "operation", 1, 1, hmp_block_job_pause },
    { "block_job_resume", "device", "resume a paused background block "
      "operation", 1, 1, hmp_block_job_resume },
    { "block_set_io_throttle", "device bps bps_rd bps_wr iops iops_rd "
      "iops_wr", "change I/O throttle limits for a block drive", 7, 7,
      hmp_block_set_io_throttle },
    { "eject", "[-f] device", "eject a removable medium (use -f to force "
      "it)", 1, 2, hmp_eject },
    { "change", "[-f] device filename [format [read-only-mode]]", "change "
      "a removable medium, optional format (use -f to force it)", 2, 5,
      hmp_change },
    { "screendump", "filename [-f format] [device [head]]", "save the "
      "screen of a display device as a PPM or PNG image", 1, 6,
      hmp_screendump },
};

static void hmp_help(GString *out, int argc, char **argv)
{
    for (size_t i = 0; i < G_N_ELEMENTS(hmp_table); i++) {
        if (argc > 1 && strcmp(argv[1], hmp_table[i].name) != 0) {
            continue;
        }
        g_string_append_printf(out, "%s %s -- %s\n", hmp_table[i].name,
                               hmp_table[i].args, hmp_table[i].help);
    }
}

/* Runs @line; output uses "\n" line ends. */
static void hmp_run(const char *line, GString *out)
{
    g_auto(GStrv) argv = NULL;
    int argc;
    GError *gerr = NULL;

    if (!g_shell_parse_argv(line, &argc, &argv, &gerr)) {
        /* An empty line is not an error; bad quoting is. */
        if (!g_error_matches(gerr, G_SHELL_ERROR, G_SHELL_ERROR_EMPTY_STRING)) {
            g_string_append_printf(out, "%s\n", gerr->message);
        }
        g_error_free(gerr);
        return;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(hmp_table); i++) {
        const HmpCommand *c = &hmp_table[i];

        if (strcmp(argv[0], c->name) != 0) {
            continue;
        }
        if (argc - 1 < c->min_args || argc - 1 > c->max_args) {
            g_string_append_printf(out, "%s: usage: %s %s\n", c->name,
                                   c->name, c->args);
            return;
        }
        c->fn(out, argc, argv);
        return;
    }
    g_string_append_printf(out, "unknown command: '%s'\n", argv[0]);
}

void hmp_run_line(const char *line, GString *out)
{
    g_autoptr(GString) raw = g_string_new(NULL);

    hmp_run(line, raw);
    for (size_t i = 0; i < raw->len; i++) {
        if (raw->str[i] == '\n') {
            g_string_append_c(out, '\r');
        }
        g_string_append_c(out, raw->str[i]);
    }
}

char *qmp_human_monitor_command(const char *command_line, bool has_cpu_index,
                                int64_t cpu_index, Error **errp)
{
    GString *out = g_string_new(NULL);

    hmp_run_line(command_line, out);
    return g_string_free(out, false);
}

/* ---- the monitor side ------------------------------------------------ */

static void hmp_opened(Monitor *mon)
{
    g_string_truncate(mon->line, 0);
    monitor_puts(mon, "Plimsoll " PLIMSOLL_VERSION " monitor - type 'help' "
                 "for more information\n" HMP_PROMPT);
}

static void hmp_closed(Monitor *mon)
{
    g_string_truncate(mon->line, 0);
}

static void hmp_input(Monitor *mon, const uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        g_autoptr(GString) out = NULL;

        if (buf[i] == '\r') {
            continue;
        }
        if (buf[i] != '\n') {
            /* An over-long line is cut, not grown without bound. */
            if (mon->line->len < HMP_MAX_LINE) {
                g_string_append_c(mon->line, buf[i]);
            }
            continue;
        }
        out = g_string_new(NULL);
        hmp_run(mon->line->str, out);
        g_string_truncate(mon->line, 0);
        g_string_append(out, HMP_PROMPT);
        monitor_write(mon, out->str, out->len);
    }
}

static void hmp_destroy(Monitor *mon)
{
    g_string_free(mon->line, true);
}

static const MonitorOps hmp_ops = {
    .opened = hmp_opened,
    .closed = hmp_closed,
    .input = hmp_input,
    .destroy = hmp_destroy,
};

Monitor *monitor_init_hmp(Chardev *chr, Error **errp)
{
    Monitor *mon;

    monitor_init_globals();
    mon = monitor_new(chr, &hmp_ops, errp);
    if (mon) {
        mon->line = g_string_new(NULL);
    }
    return mon;
}
