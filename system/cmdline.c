/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command line: QEMU's syntax (qemu-system-x86_64 options as QEMU's
 * documentation "Invocation" describes them) for the options Plimsoll
 * supports, in one table of name, argument, handler and help.  Handlers
 * only parse and validate into a SystemConfig; system/assemble.c acts on
 * it.  Every option argument in key=value form goes through util/keyval.c.
 *
 * Accepted and ignored, because managers always pass them: -overcommit,
 * -sandbox, -no-user-config, -nodefaults, and "-net none"/"-nic none".
 * -msg timestamp=on is honoured.  KVM is refused: Plimsoll emulates in
 * software only.
 */
#include <string.h>

#include "config-host.h"
#include "exec/cpu-iface.h"
#include "gdbstub/gdbstub.h"
#include "system/cmdline.h"
#include "system/config-seams.h"
#include "util/keyval.h"
#include "util/log.h"
#if HAVE_UI
#include "ui/display.h"
#endif

G_DEFINE_AUTOPTR_CLEANUP_FUNC(json_object, json_object_put)

typedef bool (*CmdlineHandler)(SystemConfig *cfg, const char *arg,
                               Error **errp);

/**
 * struct CmdlineOption - one row of the option table.
 * @name: without the leading '-'.
 * @arg: the argument as -h shows it, or NULL for a flag.
 * @handler: parses the argument into the config.
 * @help: one line for -h.
 */
typedef struct CmdlineOption {
    const char *name;
    const char *arg;
    CmdlineHandler handler;
    const char *help;
} CmdlineOption;

static bool cmdline_is_help(const char *arg)
{
    return !strcmp(arg, "help") || !strcmp(arg, "?");
}

/* "driver,help" or "driver,?" */
static bool cmdline_ends_with_help(const char *arg)
{
    return g_str_has_suffix(arg, ",help") || g_str_has_suffix(arg, ",?");
}

static void cmdline_set_info(SystemConfig *cfg, CmdlineInfo info,
                             const char *arg)
{
    if (cfg->info == CMDLINE_INFO_NONE) {
        cfg->info = info;
        cfg->info_arg = g_strdup(arg);
    }
}

static void cmdline_set_str(char **field, const char *arg)
{
    g_free(*field);
    *field = g_strdup(arg);
}

static bool cmdline_refuse_kvm(Error **errp)
{
    error_setg(errp, "KVM is not supported: Plimsoll emulates in software "
               "only (use -accel tcg)");
    return false;
}

static bool opt_version(SystemConfig *cfg, const char *arg, Error **errp)
{
    cmdline_set_info(cfg, CMDLINE_INFO_VERSION, NULL);
    return true;
}

static bool opt_help(SystemConfig *cfg, const char *arg, Error **errp)
{
    cmdline_set_info(cfg, CMDLINE_INFO_HELP, NULL);
    return true;
}

static bool opt_machine(SystemConfig *cfg, const char *arg, Error **errp)
{
    struct json_object *opts;
    const char *type;

    if (cmdline_is_help(arg)) {
        cmdline_set_info(cfg, CMDLINE_INFO_MACHINE_HELP, NULL);
        return true;
    }
    if (cmdline_ends_with_help(arg)) {
        g_autofree char *type = g_strndup(arg, strcspn(arg, ","));

        cmdline_set_info(cfg, CMDLINE_INFO_MACHINE_HELP,
                         g_str_has_prefix(type, "type=") ? type + 5 : type);
        return true;
    }
    opts = keyval_parse(arg, "type", errp);
    if (!opts) {
        return false;
    }
    type = keyval_get_str(opts, "type", NULL);
    if (type && cmdline_is_help(type)) {
        cmdline_set_info(cfg, CMDLINE_INFO_MACHINE_HELP, NULL);
    }
    /* Later -machine options override earlier keys, as in QEMU. */
    json_object_object_foreach(opts, key, val) {
        json_object_object_add(cfg->machine_opts, key, json_object_get(val));
    }
    json_object_put(opts);
    type = keyval_get_str(cfg->machine_opts, "accel", NULL);
    if (type && (g_str_has_prefix(type, "kvm"))) {
        return cmdline_refuse_kvm(errp);
    }
    return true;
}

static bool opt_memory(SystemConfig *cfg, const char *arg, Error **errp)
{
    static const char *const known[] = { "size", "slots", "maxmem", NULL };
    g_autoptr(json_object) opts = keyval_parse(arg, "size", errp);
    const char *size;
    uint64_t bytes;

    if (!opts || !keyval_check_unused(opts, known, errp)) {
        return false;
    }
    if (!json_object_object_get_ex(opts, "size", NULL)) {
        error_setg(errp, "Parameter 'size' is missing");
        return false;
    }
    size = keyval_get_str(opts, "size", errp);
    if (!size) {
        return false;
    }
    if (!keyval_parse_size_unit(size, "size", 1 << 20, &bytes, errp)) {
        return false;
    }
    if (bytes == 0) {
        error_setg(errp, "Invalid RAM size 0");
        return false;
    }
    if (bytes > (UINT64_C(1) << 40)) {
        error_setg(errp, "ram size too large");
        return false;
    }
    /* QEMU rounds RAM up to 8 KiB. */
    cfg->machine.ram_size = (bytes + 8191) & ~UINT64_C(8191);
    cfg->ram_given = true;
    return true;
}

static bool smp_get(struct json_object *opts, const char *key,
                    unsigned *out, Error **errp)
{
    uint64_t v;

    if (!keyval_get_uint(opts, key, 0, &v, errp)) {
        return false;
    }
    if (v > 1024) {
        error_setg(errp, "Parameter '%s' is too large (at most 1024)", key);
        return false;
    }
    *out = (unsigned)v;
    return true;
}

static bool opt_smp(SystemConfig *cfg, const char *arg, Error **errp)
{
    static const char *const known[] = { "cpus", "maxcpus", "sockets",
                                         "dies", "cores", "threads", NULL };
    g_autoptr(json_object) opts = keyval_parse(arg, "cpus", errp);
    MachineConfig *m = &cfg->machine;
    unsigned cpus, maxcpus, dies;

    if (!opts || !keyval_check_unused(opts, known, errp) ||
        !smp_get(opts, "cpus", &cpus, errp) ||
        !smp_get(opts, "maxcpus", &maxcpus, errp) ||
        !smp_get(opts, "sockets", &m->sockets, errp) ||
        !smp_get(opts, "dies", &dies, errp) ||
        !smp_get(opts, "cores", &m->cores, errp) ||
        !smp_get(opts, "threads", &m->threads, errp)) {
        return false;
    }
    m->sockets = m->sockets ? m->sockets : 1;
    m->cores = m->cores ? m->cores : 1;
    m->threads = m->threads ? m->threads : 1;
    dies = dies ? dies : 1;
    if (!cpus) {
        cpus = m->sockets * dies * m->cores * m->threads;
    }
    maxcpus = maxcpus ? maxcpus : cpus;
    if (cpus > 1024 || maxcpus < cpus) {
        error_setg(errp, "maxcpus must be equal to or greater than smp");
        return false;
    }
    m->smp_cpus = cpus;
    m->smp_max_cpus = maxcpus;
    cfg->smp_given = true;
    return true;
}

static bool opt_cpu(SystemConfig *cfg, const char *arg, Error **errp)
{
    if (cmdline_is_help(arg)) {
        cmdline_set_info(cfg, CMDLINE_INFO_CPU_HELP, NULL);
        return true;
    }
    if (!*arg) {
        error_setg(errp, "CPU model name is empty");
        return false;
    }
    cmdline_set_str(&cfg->machine.cpu_model, arg);
    return true;
}

static bool opt_accel(SystemConfig *cfg, const char *arg, Error **errp)
{
    static const char *const known[] = { "accel", "thread", "tb-size",
                                         "one-insn-per-tb", "jit", NULL };
    g_autoptr(json_object) opts = NULL;
    const char *accel;
    bool jit, one_insn;
    uint64_t tb_size;

    if (cmdline_is_help(arg)) {
        cmdline_set_info(cfg, CMDLINE_INFO_ACCEL_HELP, NULL);
        return true;
    }
    opts = keyval_parse(arg, "accel", errp);
    if (!opts || !keyval_check_unused(opts, known, errp)) {
        return false;
    }
    accel = keyval_get_str(opts, "accel", NULL);
    if (!accel) {
        error_setg(errp, "Parameter 'accel' is missing");
        return false;
    }
    if (!strcmp(accel, "kvm")) {
        return cmdline_refuse_kvm(errp);
    }
    if (strcmp(accel, "tcg")) {
        error_setg(errp, "invalid accelerator %s", accel);
        return false;
    }
    /* The block translator (target/i386/jit.c): jit=off, or
     * one-insn-per-tb (its blocks are for the interpreter), keep the
     * interpreter; tb-size is the code region per vCPU in MiB. */
    if (!keyval_get_bool(opts, "jit", true, &jit, errp) ||
        !keyval_get_bool(opts, "one-insn-per-tb", false, &one_insn, errp) ||
        !keyval_get_uint(opts, "tb-size", 0, &tb_size, errp)) {
        return false;
    }
    x86_jit_configure(jit && !one_insn, tb_size);
    cmdline_set_str(&cfg->accel, accel);
    return true;
}

static bool opt_enable_kvm(SystemConfig *cfg, const char *arg, Error **errp)
{
    return cmdline_refuse_kvm(errp);
}

static bool opt_bios(SystemConfig *cfg, const char *arg, Error **errp)
{
    cmdline_set_str(&cfg->machine.bios, arg);
    return true;
}

static bool opt_datadir(SystemConfig *cfg, const char *arg, Error **errp)
{
    if (cmdline_is_help(arg)) {
        cmdline_set_info(cfg, CMDLINE_INFO_FIRMWARE_DIRS, NULL);
        return true;
    }
    g_ptr_array_add(cfg->firmware_dirs, g_strdup(arg));
    return true;
}

static bool opt_kernel(SystemConfig *cfg, const char *arg, Error **errp)
{
    cmdline_set_str(&cfg->machine.kernel, arg);
    return true;
}

static bool opt_initrd(SystemConfig *cfg, const char *arg, Error **errp)
{
    cmdline_set_str(&cfg->machine.initrd, arg);
    return true;
}

static bool opt_append(SystemConfig *cfg, const char *arg, Error **errp)
{
    cmdline_set_str(&cfg->machine.append, arg);
    return true;
}

int drive_interface_parse(const char *name)
{
    int i;

    for (i = 0; i < DRIVE_IF__MAX; i++) {
        if (!strcmp(drive_interface_name(i), name)) {
            return i;
        }
    }
    return -1;
}

static bool opt_drive(SystemConfig *cfg, const char *arg, Error **errp)
{
    struct json_object *opts = keyval_parse(arg, NULL, errp);
    const char *iface, *media;

    if (!opts) {
        return false;
    }
    iface = keyval_get_str(opts, "if", NULL);
    media = keyval_get_str(opts, "media", NULL);
    if (iface && drive_interface_parse(iface) < 0) {
        error_setg(errp, "unsupported bus type '%s'", iface);
        json_object_put(opts);
        return false;
    }
    if (media && strcmp(media, "disk") && strcmp(media, "cdrom")) {
        error_setg(errp, "'%s' invalid media", media);
        json_object_put(opts);
        return false;
    }
    g_ptr_array_add(cfg->drive_opts, opts);
    g_ptr_array_add(cfg->drive_args, g_strdup(arg));
    return true;
}

/* -hda/-hdb/-hdc/-hdd/-cdrom: shorthands for an IDE -drive. */
static bool cmdline_add_ide_drive(SystemConfig *cfg, const char *file,
                                  int index, bool cdrom)
{
    struct json_object *opts = json_object_new_object();
    g_autofree char *idx = g_strdup_printf("%d", index);

    json_object_object_add(opts, "file", json_object_new_string(file));
    json_object_object_add(opts, "index", json_object_new_string(idx));
    json_object_object_add(opts, "media",
                           json_object_new_string(cdrom ? "cdrom" : "disk"));
    g_ptr_array_add(cfg->drive_opts, opts);
    g_ptr_array_add(cfg->drive_args,
                    g_strdup_printf("file=%s,index=%d,media=%s", file, index,
                                    cdrom ? "cdrom" : "disk"));
    return true;
}

static bool opt_hda(SystemConfig *cfg, const char *arg, Error **errp)
{
    return cmdline_add_ide_drive(cfg, arg, 0, false);
}

static bool opt_hdb(SystemConfig *cfg, const char *arg, Error **errp)
{
    return cmdline_add_ide_drive(cfg, arg, 1, false);
}

static bool opt_hdc(SystemConfig *cfg, const char *arg, Error **errp)
{
    return cmdline_add_ide_drive(cfg, arg, 2, false);
}

static bool opt_hdd(SystemConfig *cfg, const char *arg, Error **errp)
{
    return cmdline_add_ide_drive(cfg, arg, 3, false);
}

static bool opt_cdrom(SystemConfig *cfg, const char *arg, Error **errp)
{
    return cmdline_add_ide_drive(cfg, arg, 2, true);
}

static bool opt_blockdev(SystemConfig *cfg, const char *arg, Error **errp)
{
    struct json_object *opts = keyval_parse_or_json(arg, NULL, errp);

    if (!opts) {
        return false;
    }
    if (!json_object_object_get_ex(opts, "driver", NULL)) {
        error_setg(errp, "Parameter 'driver' is missing");
        json_object_put(opts);
        return false;
    }
    g_ptr_array_add(cfg->blockdev_opts, opts);
    g_ptr_array_add(cfg->blockdev_args, g_strdup(arg));
    return true;
}

static bool opt_device(SystemConfig *cfg, const char *arg, Error **errp)
{
    struct json_object *opts;
    const char *driver;

    if (cmdline_is_help(arg)) {
        cmdline_set_info(cfg, CMDLINE_INFO_DEVICE_HELP, NULL);
        return true;
    }
    if (arg[0] != '{' && cmdline_ends_with_help(arg)) {
        g_autofree char *drv = g_strndup(arg, strcspn(arg, ","));

        cmdline_set_info(cfg, CMDLINE_INFO_DEVICE_HELP, drv);
        return true;
    }
    opts = keyval_parse_or_json(arg, "driver", errp);
    if (!opts) {
        return false;
    }
    driver = keyval_get_str(opts, "driver", NULL);
    if (!driver) {
        error_setg(errp, "Parameter 'driver' is missing");
        json_object_put(opts);
        return false;
    }
    g_ptr_array_add(cfg->device_opts, opts);
    g_ptr_array_add(cfg->device_args, g_strdup(arg));
    return true;
}

static bool opt_chardev(SystemConfig *cfg, const char *arg, Error **errp)
{
    struct json_object *opts;

    if (cmdline_is_help(arg)) {
        cmdline_set_info(cfg, CMDLINE_INFO_CHARDEV_HELP, NULL);
        return true;
    }
    opts = keyval_parse(arg, "backend", errp);
    if (!opts) {
        return false;
    }
    if (!keyval_get_str(opts, "id", NULL)) {
        error_setg(errp, "Parameter 'id' is missing");
        json_object_put(opts);
        return false;
    }
    g_ptr_array_add(cfg->chardev_opts, opts);
    g_ptr_array_add(cfg->chardev_args, g_strdup(arg));
    return true;
}

static bool opt_object(SystemConfig *cfg, const char *arg, Error **errp)
{
    struct json_object *opts = keyval_parse_or_json(arg, "qom-type", errp);

    if (!opts) {
        return false;
    }
    g_ptr_array_add(cfg->object_opts, opts);
    return true;
}

static bool opt_serial(SystemConfig *cfg, const char *arg, Error **errp)
{
    if (cfg->serial_specs->len >= 4) {
        error_setg(errp, "too many serial ports (at most 4)");
        return false;
    }
    g_ptr_array_add(cfg->serial_specs, g_strdup(arg));
    return true;
}

static void cmdline_add_monitor(SystemConfig *cfg, const char *spec,
                                const char *chardev_id, bool qmp,
                                bool pretty)
{
    MonitorRequest *req = g_new0(MonitorRequest, 1);

    req->chardev_spec = g_strdup(spec);
    req->chardev_id = g_strdup(chardev_id);
    req->qmp = qmp;
    req->pretty = pretty;
    g_ptr_array_add(cfg->monitors, req);
}

static bool opt_qmp(SystemConfig *cfg, const char *arg, Error **errp)
{
    cmdline_add_monitor(cfg, arg, NULL, true, false);
    return true;
}

static bool opt_qmp_pretty(SystemConfig *cfg, const char *arg, Error **errp)
{
    cmdline_add_monitor(cfg, arg, NULL, true, true);
    return true;
}

static bool opt_monitor(SystemConfig *cfg, const char *arg, Error **errp)
{
    cmdline_add_monitor(cfg, arg, NULL, false, false);
    return true;
}

static bool opt_mon(SystemConfig *cfg, const char *arg, Error **errp)
{
    static const char *const known[] = { "chardev", "mode", "pretty", NULL };
    g_autoptr(json_object) opts = keyval_parse(arg, "chardev", errp);
    const char *chr, *mode;
    bool pretty;

    if (!opts || !keyval_check_unused(opts, known, errp) ||
        !keyval_get_bool(opts, "pretty", false, &pretty, errp)) {
        return false;
    }
    chr = keyval_get_str(opts, "chardev", NULL);
    mode = keyval_get_str(opts, "mode", NULL);
    if (!chr) {
        error_setg(errp, "Parameter 'chardev' is missing");
        return false;
    }
    if (mode && strcmp(mode, "control") && strcmp(mode, "readline")) {
        error_setg(errp, "Parameter 'mode' does not accept value '%s'",
                   mode);
        return false;
    }
    cmdline_add_monitor(cfg, NULL, chr, mode && !strcmp(mode, "control"),
                        pretty);
    return true;
}

static bool opt_display(SystemConfig *cfg, const char *arg, Error **errp)
{
    static const char *const types[] = { "none", "sdl", "default", NULL };
    g_autoptr(json_object) opts = NULL;
    const char *type;

    if (cmdline_is_help(arg)) {
        cmdline_set_info(cfg, CMDLINE_INFO_DISPLAY_HELP, NULL);
        return true;
    }
    opts = keyval_parse(arg, "type", errp);
    if (!opts) {
        return false;
    }
    type = keyval_get_str(opts, "type", NULL);
    if (!type || !g_strv_contains(types, type)) {
        error_setg(errp, "Parameter 'type' does not accept value '%s'",
                   type ? type : "");
        return false;
    }
#if HAVE_UI
    {
        DisplayOptions dopts = { 0 };
        bool ok = display_parse(arg, &dopts, errp);

        display_options_clear(&dopts);
        if (!ok) {
            return false;
        }
    }
#endif
    cmdline_set_str(&cfg->display, arg);
    return true;
}

static bool opt_nographic(SystemConfig *cfg, const char *arg, Error **errp)
{
    cfg->nographic = true;
    cfg->machine.nographic = true;
    return true;
}

static bool opt_vga(SystemConfig *cfg, const char *arg, Error **errp)
{
    static const char *const types[] = { "std", "cirrus", "vmware", "qxl",
                                         "virtio", "none", NULL };

    if (cmdline_is_help(arg)) {
        error_setg(errp, "use -vga std, cirrus, virtio or none");
        return false;
    }
    if (!g_strv_contains(types, arg)) {
        error_setg(errp, "unknown vga type '%s'", arg);
        return false;
    }
    cmdline_set_str(&cfg->machine.vga, arg);
    return true;
}

static bool opt_paused(SystemConfig *cfg, const char *arg, Error **errp)
{
    cfg->start_paused = true;
    return true;
}

static bool opt_no_reboot(SystemConfig *cfg, const char *arg, Error **errp)
{
    cfg->no_reboot = true;
    return true;
}

static bool opt_no_shutdown(SystemConfig *cfg, const char *arg,
                            Error **errp)
{
    cfg->no_shutdown = true;
    return true;
}

static bool opt_name(SystemConfig *cfg, const char *arg, Error **errp)
{
    static const char *const known[] = { "guest", "process",
                                         "debug-threads", NULL };
    g_autoptr(json_object) opts = keyval_parse(arg, "guest", errp);
    bool dbg;

    if (!opts || !keyval_check_unused(opts, known, errp) ||
        !keyval_get_bool(opts, "debug-threads", false, &dbg, errp)) {
        return false;
    }
    cmdline_set_str(&cfg->machine.name,
                    keyval_get_str(opts, "guest", NULL));
    return true;
}

/* QEMU's boot letters: a, b floppy; c disk; d CD-ROM; n-p network. */
static bool cmdline_check_boot_order(const char *order, Error **errp)
{
    const char *p;

    for (p = order; *p; p++) {
        if (!strchr("abcdnop", *p) || strchr(p + 1, *p)) {
            error_setg(errp, "Invalid boot device '%c'", *p);
            return false;
        }
    }
    return true;
}

static bool boot_get_ms(struct json_object *opts, const char *key, int *out,
                        Error **errp)
{
    int64_t v;

    if (!keyval_get_int(opts, key, -1, &v, errp)) {
        return false;
    }
    if (v < -1 || v > 65535) {
        error_setg(errp, "Parameter '%s' expects a value between -1 and "
                   "65535", key);
        return false;
    }
    *out = (int)v;
    return true;
}

static bool opt_boot(SystemConfig *cfg, const char *arg, Error **errp)
{
    static const char *const known[] = { "order", "once", "menu", "splash",
                                         "splash-time", "reboot-timeout",
                                         "strict", NULL };
    g_autoptr(json_object) opts = keyval_parse(arg, "order", errp);
    MachineConfig *m = &cfg->machine;
    const char *order, *once;

    if (!opts || !keyval_check_unused(opts, known, errp) ||
        !keyval_get_bool(opts, "menu", false, &m->boot_menu, errp) ||
        !keyval_get_bool(opts, "strict", false, &m->boot_strict, errp) ||
        !boot_get_ms(opts, "splash-time", &m->boot_splash_time, errp) ||
        !boot_get_ms(opts, "reboot-timeout", &m->boot_reboot_timeout,
                     errp)) {
        return false;
    }
    order = keyval_get_str(opts, "order", NULL);
    once = keyval_get_str(opts, "once", NULL);
    if ((order && !cmdline_check_boot_order(order, errp)) ||
        (once && !cmdline_check_boot_order(once, errp))) {
        return false;
    }
    if (order) {
        cmdline_set_str(&m->boot_order, order);
    }
    if (once) {
        cmdline_set_str(&m->boot_once, once);
    }
    return true;
}

static bool opt_snapshot(SystemConfig *cfg, const char *arg, Error **errp)
{
    cfg->snapshot = true;
    return true;
}

static bool opt_pidfile(SystemConfig *cfg, const char *arg, Error **errp)
{
    cmdline_set_str(&cfg->pidfile, arg);
    return true;
}

/* -gdb DEV: a gdbstub on a chardev shorthand; -s: -gdb tcp::1234. */
static bool opt_gdb(SystemConfig *cfg, const char *arg, Error **errp)
{
    cmdline_set_str(&cfg->gdb_spec, arg);
    return true;
}

static bool opt_gdb_default(SystemConfig *cfg, const char *arg, Error **errp)
{
    cmdline_set_str(&cfg->gdb_spec, GDBSTUB_DEFAULT_SPEC);
    return true;
}

static bool opt_daemonize(SystemConfig *cfg, const char *arg, Error **errp)
{
    cfg->daemonize = true;
    return true;
}

static bool opt_log(SystemConfig *cfg, const char *arg, Error **errp)
{
    if (log_items_want_help(arg)) {
        cmdline_set_info(cfg, CMDLINE_INFO_LOG_HELP, arg);
        return true;
    }
    if (!log_set_items(arg, errp)) {
        return false;
    }
    cmdline_set_str(&cfg->log_items, arg);
    return true;
}

static bool opt_logfile(SystemConfig *cfg, const char *arg, Error **errp)
{
    cmdline_set_str(&cfg->log_file, arg);
    return true;
}

static bool opt_msg(SystemConfig *cfg, const char *arg, Error **errp)
{
    static const char *const known[] = { "timestamp", "guest-name", NULL };
    g_autoptr(json_object) opts = keyval_parse(arg, "timestamp", errp);
    bool ts, gn;

    if (!opts || !keyval_check_unused(opts, known, errp) ||
        !keyval_get_bool(opts, "timestamp", false, &ts, errp) ||
        !keyval_get_bool(opts, "guest-name", false, &gn, errp)) {
        return false;
    }
    cfg->msg_timestamp = ts;
    error_set_report_timestamp(ts);
    return true;
}

/* -overcommit, -sandbox: must parse, then are ignored. */
static bool opt_ignored_keyval(SystemConfig *cfg, const char *arg,
                               Error **errp)
{
    g_autoptr(json_object) opts = keyval_parse(arg, "enable", errp);

    return opts != NULL;
}

static bool opt_ignored_flag(SystemConfig *cfg, const char *arg,
                             Error **errp)
{
    return true;
}

static bool opt_net(SystemConfig *cfg, const char *arg, Error **errp)
{
    if (strcmp(arg, "none")) {
        error_setg(errp, "networking is not built yet (only 'none')");
        return false;
    }
    return true;
}

static const CmdlineOption cmdline_options[] = {
    { "h", NULL, opt_help, "display this help and exit" },
    { "help", NULL, opt_help, "display this help and exit" },
    { "version", NULL, opt_version, "display version information and exit" },
    { "machine", "[type=]name[,prop[=value][,...]]", opt_machine,
      "select the machine (-machine help lists them)" },
    { "M", "[type=]name[,prop[=value][,...]]", opt_machine,
      "same as -machine" },
    { "cpu", "model", opt_cpu, "select the CPU model (-cpu help lists them)" },
    { "accel", "[accel=]tcg[,thread=single|multi][,jit=on|off][,tb-size=n]",
      opt_accel,
      "select the accelerator (software only: tcg)" },
    { "enable-kvm", NULL, opt_enable_kvm, "refused: software only" },
    { "smp", "[cpus=]n[,maxcpus=][,sockets=][,cores=][,threads=]", opt_smp,
      "set the number of CPUs and their topology" },
    { "m", "[size=]megs[,slots=n,maxmem=size]", opt_memory,
      "set the RAM size (MiB without suffix; k, M, G, T suffixes)" },
    { "bios", "file", opt_bios, "set the firmware image" },
    { "L", "path", opt_datadir, "add a directory to search for firmware" },
    { "kernel", "bzImage", opt_kernel, "boot this Linux or Multiboot kernel" },
    { "initrd", "file", opt_initrd, "use this initial ram disk" },
    { "append", "cmdline", opt_append, "the kernel command line" },
    { "drive", "[file=file][,if=type][,media=d][,index=i][,format=f]...",
      opt_drive, "define a disk drive" },
    { "hda", "file", opt_hda, "IDE hard disk 0 image" },
    { "hdb", "file", opt_hdb, "IDE hard disk 1 image" },
    { "hdc", "file", opt_hdc, "IDE hard disk 2 image" },
    { "hdd", "file", opt_hdd, "IDE hard disk 3 image" },
    { "cdrom", "file", opt_cdrom, "IDE CD-ROM image" },
    { "blockdev", "driver=d,node-name=n[,...] | JSON", opt_blockdev,
      "define a block node" },
    { "device", "driver[,prop[=value][,...]] | JSON", opt_device,
      "add a device (-device help, -device driver,help)" },
    { "chardev", "backend,id=id[,...]", opt_chardev,
      "define a character device" },
    { "object", "type,id=id[,...] | JSON", opt_object, "define an object" },
    { "serial", "dev", opt_serial,
      "redirect the next serial port to a chardev shorthand" },
    { "qmp", "dev", opt_qmp, "a QMP monitor on a chardev shorthand" },
    { "qmp-pretty", "dev", opt_qmp_pretty, "the same, pretty-printed" },
    { "mon", "[chardev=]id[,mode=control|readline][,pretty=on|off]",
      opt_mon, "a monitor on a -chardev" },
    { "monitor", "dev", opt_monitor, "a human monitor on a chardev" },
    { "display", "type (sdl, none)", opt_display, "select the display" },
    { "nographic", NULL, opt_nographic,
      "no window; serial port on stdio" },
    { "vga", "type", opt_vga, "select the video card (std, cirrus, none)" },
    { "S", NULL, opt_paused, "do not start the CPU at start-up" },
    { "no-reboot", NULL, opt_no_reboot, "exit instead of rebooting" },
    { "no-shutdown", NULL, opt_no_shutdown,
      "stop instead of exiting when the guest powers off" },
    { "name", "[guest=]name[,debug-threads=on|off]", opt_name,
      "set the guest name" },
    { "boot", "[order=drives][,once=drives][,menu=on|off][,splash-time=ms]"
      "[,reboot-timeout=ms][,strict=on|off]", opt_boot, "boot order" },
    { "snapshot", NULL, opt_snapshot,
      "write to temporary files instead of disk images" },
    { "pidfile", "file", opt_pidfile, "write the process id to file" },
    { "gdb", "dev", opt_gdb, "accept a gdb connection on a chardev "
      "(tcp::PORT, unix:PATH)" },
    { "s", NULL, opt_gdb_default, "shorthand for -gdb " GDBSTUB_DEFAULT_SPEC },
    { "daemonize", NULL, opt_daemonize,
      "detach from the terminal after start-up" },
    { "d", "item1[,...]", opt_log, "enable logging of items (-d help)" },
    { "D", "logfile", opt_logfile, "log to logfile instead of stderr" },
    { "msg", "timestamp=on|off", opt_msg, "prefix messages with a time" },
    { "overcommit", "mem-lock=on|off,cpu-pm=on|off", opt_ignored_keyval,
      "accepted and ignored" },
    { "sandbox", "on|off[,...]", opt_ignored_keyval, "accepted and ignored" },
    { "no-user-config", NULL, opt_ignored_flag, "accepted and ignored" },
    { "nodefaults", NULL, opt_ignored_flag, "accepted and ignored" },
    { "net", "none", opt_net, "networking (only none)" },
    { "nic", "none", opt_net, "networking (only none)" },
};

static const CmdlineOption *cmdline_find(const char *name)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cmdline_options); i++) {
        if (!strcmp(cmdline_options[i].name, name)) {
            return &cmdline_options[i];
        }
    }
    return NULL;
}

char *cmdline_help(void)
{
    GString *s = g_string_new(NULL);
    size_t i;

    g_string_append_printf(s, "Plimsoll emulator version %s\n"
                           "usage: plimsoll [options] [disk_image]\n\n"
                           "'disk_image' is a raw hard disk image for IDE "
                           "hard disk 0\n\n", PLIMSOLL_VERSION);
    for (i = 0; i < G_N_ELEMENTS(cmdline_options); i++) {
        const CmdlineOption *o = &cmdline_options[i];

        g_string_append_printf(s, "-%s%s%s\n                %s\n", o->name,
                               o->arg ? " " : "", o->arg ? o->arg : "",
                               o->help);
    }
    return g_string_free(s, FALSE);
}

/* Run @opt's handler; prefix its error with the option as QEMU does. */
static bool cmdline_run(SystemConfig *cfg, const CmdlineOption *opt,
                        const char *arg, Error **errp)
{
    Error *local = NULL;

    if (opt->handler(cfg, arg, &local)) {
        return true;
    }
    if (arg) {
        error_prepend(&local, "-%s %s: ", opt->name, arg);
    } else {
        error_prepend(&local, "-%s: ", opt->name);
    }
    error_propagate(errp, local);
    return false;
}

/* Options that exclude each other, with QEMU's messages. */
static bool cmdline_check_combinations(SystemConfig *cfg, Error **errp)
{
    guint i;

    if (!cfg->daemonize || cfg->info) {
        return true;
    }
    if (cfg->nographic) {
        error_setg(errp, "-nographic cannot be used with -daemonize");
        return false;
    }
    for (i = 0; i < cfg->serial_specs->len; i++) {
        const char *spec = cfg->serial_specs->pdata[i];

        if (!strcmp(spec, "stdio") || !strcmp(spec, "mon:stdio")) {
            error_setg(errp, "-serial stdio cannot be used with -daemonize");
            return false;
        }
    }
    return true;
}

bool cmdline_parse(SystemConfig *cfg, int argc, char **argv, Error **errp)
{
    int i;

    for (i = 1; i < argc; i++) {
        const char *word = argv[i];
        const CmdlineOption *opt;
        const char *arg = NULL;

        if (word[0] != '-' || !word[1]) {
            /* A bare file name is the first IDE disk, as in QEMU. */
            if (!cmdline_run(cfg, cmdline_find("hda"), word, errp)) {
                return false;
            }
            continue;
        }
        opt = cmdline_find(word + (word[1] == '-' ? 2 : 1));
        if (!opt) {
            error_setg(errp, "%s: invalid option", word);
            return false;
        }
        if (opt->arg) {
            if (i + 1 >= argc) {
                error_setg(errp, "-%s: requires an argument", opt->name);
                return false;
            }
            arg = argv[++i];
        }
        if (!cmdline_run(cfg, opt, arg, errp)) {
            return false;
        }
    }
    return cmdline_check_combinations(cfg, errp);
}

static void cmdline_json_free(gpointer p)
{
    json_object_put(p);
}

SystemConfig *system_config_new(void)
{
    SystemConfig *cfg = g_new0(SystemConfig, 1);

    cfg->machine_opts = json_object_new_object();
    cfg->machine.drives = g_ptr_array_new();
    cfg->machine.boot_splash_time = -1;
    cfg->machine.boot_reboot_timeout = -1;
    cfg->firmware_dirs = g_ptr_array_new_with_free_func(g_free);
    cfg->serial_specs = g_ptr_array_new_with_free_func(g_free);
    cfg->monitors = g_ptr_array_new();
    cfg->chardev_opts = g_ptr_array_new_with_free_func(
        cmdline_json_free);
    cfg->blockdev_opts = g_ptr_array_new_with_free_func(
        cmdline_json_free);
    cfg->drive_opts = g_ptr_array_new_with_free_func(
        cmdline_json_free);
    cfg->device_opts = g_ptr_array_new_with_free_func(
        cmdline_json_free);
    cfg->object_opts = g_ptr_array_new_with_free_func(
        cmdline_json_free);
    cfg->chardev_args = g_ptr_array_new_with_free_func(g_free);
    cfg->blockdev_args = g_ptr_array_new_with_free_func(g_free);
    cfg->drive_args = g_ptr_array_new_with_free_func(g_free);
    cfg->device_args = g_ptr_array_new_with_free_func(g_free);
    return cfg;
}

static void machine_drive_free(gpointer p)
{
    MachineDrive *d = p;

    g_free(d->id);
    g_free(d);
}

static void monitor_request_free(gpointer p)
{
    MonitorRequest *req = p;

    g_free(req->chardev_spec);
    g_free(req->chardev_id);
    g_free(req);
}

static void machine_config_clear(MachineConfig *m)
{
    g_free(m->cpu_model);
    g_free(m->bios);
    g_strfreev(m->firmware_dirs);
    g_free(m->kernel);
    g_free(m->initrd);
    g_free(m->append);
    g_free(m->boot_order);
    g_free(m->boot_once);
    g_free(m->vga);
    g_free(m->name);
    g_ptr_array_set_free_func(m->drives, machine_drive_free);
    g_ptr_array_free(m->drives, TRUE);
}

void system_config_free(SystemConfig *cfg)
{
    if (!cfg) {
        return;
    }
    machine_config_clear(&cfg->machine);
    json_object_put(cfg->machine_opts);
    g_ptr_array_set_free_func(cfg->monitors, monitor_request_free);
    g_ptr_array_free(cfg->monitors, TRUE);
    g_ptr_array_free(cfg->firmware_dirs, TRUE);
    g_ptr_array_free(cfg->serial_specs, TRUE);
    g_ptr_array_free(cfg->chardev_opts, TRUE);
    g_ptr_array_free(cfg->blockdev_opts, TRUE);
    g_ptr_array_free(cfg->drive_opts, TRUE);
    g_ptr_array_free(cfg->device_opts, TRUE);
    g_ptr_array_free(cfg->object_opts, TRUE);
    g_ptr_array_free(cfg->chardev_args, TRUE);
    g_ptr_array_free(cfg->blockdev_args, TRUE);
    g_ptr_array_free(cfg->drive_args, TRUE);
    g_ptr_array_free(cfg->device_args, TRUE);
    g_free(cfg->info_arg);
    g_free(cfg->accel);
    g_free(cfg->pidfile);
    g_free(cfg->gdb_spec);
    g_free(cfg->log_items);
    g_free(cfg->log_file);
    g_free(cfg->display);
    g_free(cfg);
}
