/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Machine assembly: turn the parsed command line (system/cmdline.h) into a
 * running system, in QEMU's order: logging, character devices, monitors,
 * objects, block nodes and drives, the machine (RAM, firmware, chips,
 * CPUs), -device devices, the display, then a system reset.
 *
 * Subsystems that are not in the tree yet (system/config-seams.h says
 * which) are never called: an option that needs one fails with one line
 * saying it is not built yet.
 */
#include <string.h>

#include "config-host.h"
#include "hw/core/lock.h"
#include "system/assemble.h"
#include "system/config-seams.h"
#include "system/cpus.h"
#include "system/drive.h"
#include "system/runstate.h"
#include "util/chardev.h"
#include "util/keyval.h"
#include "util/log.h"
#if HAVE_UI
#include "ui/display.h"
#endif
#if HAVE_QMP
#include "monitor/monitor.h"
#endif

/* Where firmware is searched after the -L directories. */
static const char *const default_firmware_dirs[] = {
    PLIMSOLL_DATADIR,
    "/usr/share/seabios",
    "/usr/share/qemu",
    "/usr/lib/ipxe/qemu",
};

static bool assemble_not_built(const char *option, const char *what,
                               Error **errp)
{
    error_setg(errp, "%s: %s is not built yet", option, what);
    return false;
}

static void assemble_firmware_dirs(SystemConfig *cfg)
{
    GPtrArray *dirs = g_ptr_array_new();
    guint i;

    for (i = 0; i < cfg->firmware_dirs->len; i++) {
        g_ptr_array_add(dirs, g_strdup(cfg->firmware_dirs->pdata[i]));
    }
    for (i = 0; i < G_N_ELEMENTS(default_firmware_dirs); i++) {
        g_ptr_array_add(dirs, g_strdup(default_firmware_dirs[i]));
    }
    g_ptr_array_add(dirs, NULL);
    g_strfreev(cfg->machine.firmware_dirs);
    cfg->machine.firmware_dirs = (char **)g_ptr_array_free(dirs, FALSE);
}

static bool assemble_chardevs(SystemConfig *cfg, Error **errp)
{
    guint i;

    if (cfg->chardev_opts->len && !HAVE_CHARDEV) {
        return assemble_not_built("-chardev", "character device support",
                                  errp);
    }
#if HAVE_CHARDEV
    for (i = 0; i < cfg->chardev_opts->len; i++) {
        struct json_object *opts = cfg->chardev_opts->pdata[i];

        if (!chardev_new(opts, errp)) {
            error_prepend(errp, "-chardev %s: ",
                          (char *)cfg->chardev_args->pdata[i]);
            return false;
        }
    }
#else
    (void)i;
#endif
    return true;
}

#if HAVE_CHARDEV
/* Ctrl-A x on a mux chardev: QEMU calls qmp_quit(). */
static void assemble_mux_exit(void *opaque)
{
    system_shutdown_request(SHUTDOWN_CAUSE_HOST_QMP_QUIT);
}

#endif

/*
 * "mon:SPEC": the serial port shares the chardev with a human monitor.
 * Attached after the machine, so the UART is the mux's first frontend and
 * has the focus (Ctrl-A c switches to the monitor), as in QEMU.
 */
static bool assemble_serial_monitors(SystemConfig *cfg, Error **errp)
{
    guint i;

    for (i = 0; i < cfg->serial_specs->len && i < 4; i++) {
        const char *spec = cfg->serial_specs->pdata[i];
        Chardev *chr = cfg->machine.serial[i];

        if (!g_str_has_prefix(spec, "mon:") || !chr) {
            continue;
        }
#if HAVE_CHARDEV
        chardev_set_mux_exit_hook(assemble_mux_exit, NULL);
#endif
#if HAVE_QMP
        if (!monitor_init_hmp(chr, errp)) {
            error_prepend(errp, "-serial %s: ", spec);
            return false;
        }
#endif
    }
    return true;
}

/*
 * -serial specs.  With -nographic and neither -serial nor -monitor, COM1
 * is "mon:stdio" (serial and human monitor on stdio), as in QEMU.
 */
static bool assemble_serials(SystemConfig *cfg, Error **errp)
{
    MachineConfig *m = &cfg->machine;
    guint i;

    if (cfg->nographic && cfg->serial_specs->len == 0) {
        g_ptr_array_add(cfg->serial_specs,
                        g_strdup(cfg->monitors->len ? "stdio" : "mon:stdio"));
    }
    for (i = 0; i < cfg->serial_specs->len && i < 4; i++) {
        const char *spec = cfg->serial_specs->pdata[i];

        m->nserial = i + 1;
        if (!strcmp(spec, "none")) {
            continue;
        }
#if HAVE_CHARDEV
        {
            g_autofree char *id = g_strdup_printf("serial%u", i);

            m->serial[i] = chardev_new_shorthand(id, spec, errp);
            if (!m->serial[i]) {
                error_prepend(errp, "-serial %s: ", spec);
                return false;
            }
        }
#else
        return assemble_not_built("-serial", "character device support",
                                  errp);
#endif
    }
    return true;
}

#if HAVE_QMP
/* The chardev of one monitor request: a -mon chardev= or a shorthand. */
static Chardev *assemble_monitor_chardev(MonitorRequest *req, unsigned n,
                                         Error **errp)
{
    g_autofree char *id = NULL;
    Chardev *chr;

    if (req->chardev_id) {
        chr = chardev_find(req->chardev_id);
        if (!chr) {
            error_setg(errp, "chardev \"%s\" not found", req->chardev_id);
        }
        return chr;
    }
    id = g_strdup_printf("compat_monitor%u", n);
    return chardev_new_shorthand(id, req->chardev_spec, errp);
}

static bool assemble_monitors(SystemConfig *cfg, Error **errp)
{
    guint i;

    monitor_init_globals();
    for (i = 0; i < cfg->monitors->len; i++) {
        MonitorRequest *req = cfg->monitors->pdata[i];
        const char *opt = req->chardev_id ? "-mon"
                          : req->qmp      ? "-qmp"
                                          : "-monitor";
        const char *arg = req->chardev_id ? req->chardev_id
                                          : req->chardev_spec;
        Chardev *chr;

        if (req->chardev_spec && !strcmp(req->chardev_spec, "none")) {
            continue;
        }
        chr = assemble_monitor_chardev(req, i, errp);
        if (!chr || !(req->qmp ? monitor_init_qmp(chr, req->pretty, errp)
                               : monitor_init_hmp(chr, errp))) {
            error_prepend(errp, "%s %s: ", opt, arg);
            return false;
        }
    }
    return true;
}
#else
static bool assemble_monitors(SystemConfig *cfg, Error **errp)
{
    MonitorRequest *req;
    guint i;

    for (i = 0; i < cfg->monitors->len; i++) {
        req = cfg->monitors->pdata[i];
        if (req->chardev_spec && !strcmp(req->chardev_spec, "none")) {
            continue;
        }
        return assemble_not_built(req->chardev_id ? "-mon"
                                  : req->qmp      ? "-qmp"
                                                  : "-monitor",
                                  req->qmp ? "QMP" : "the human monitor",
                                  errp);
    }
    return true;
}
#endif

#if HAVE_BLOCK
static bool assemble_block(SystemConfig *cfg, Error **errp)
{
    guint i;

    for (i = 0; i < cfg->blockdev_opts->len; i++) {
        if (!blockdev_new(cfg->blockdev_opts->pdata[i], errp)) {
            error_prepend(errp, "-blockdev %s: ",
                          (char *)cfg->blockdev_args->pdata[i]);
            return false;
        }
    }
    for (i = 0; i < cfg->drive_opts->len; i++) {
        if (!drive_new(&cfg->machine, cfg->drive_opts->pdata[i],
                       cfg->snapshot, errp)) {
            error_prepend(errp, "-drive %s: ",
                          (char *)cfg->drive_args->pdata[i]);
            return false;
        }
    }
    return true;
}
#else
static bool assemble_block(SystemConfig *cfg, Error **errp)
{
    if (cfg->blockdev_opts->len) {
        return assemble_not_built("-blockdev", "the block layer", errp);
    }
    if (cfg->drive_opts->len) {
        return assemble_not_built("-drive", "the block layer", errp);
    }
    return true;
}
#endif

static const MachineClass *assemble_machine_class(SystemConfig *cfg,
                                                  Error **errp)
{
    const char *type = keyval_get_str(cfg->machine_opts, "type", NULL);
    const MachineClass *cls;

    if (!type) {
        return machine_class_default();
    }
    cls = machine_class_find(type);
    if (!cls) {
        error_setg(errp, "-machine %s: unsupported machine type (use "
                   "-machine help to list them)", type);
    }
    return cls;
}

/* RAM size and CPU count against what the machine type supports. */
static bool assemble_check_limits(SystemConfig *cfg,
                                  const MachineClass *cls, Error **errp)
{
    MachineConfig *m = &cfg->machine;

    if (!cfg->ram_given) {
        m->ram_size = cls->default_ram_size;
    }
    if (!cfg->smp_given) {
        m->smp_cpus = m->smp_max_cpus = 1;
        m->sockets = m->cores = m->threads = 1;
    }
    if (m->smp_max_cpus > MAX(cls->max_cpus, 1)) {
        error_setg(errp, "-smp %u: Invalid SMP CPUs %u. The max CPUs "
                   "supported by machine '%s' is %u", m->smp_cpus,
                   m->smp_max_cpus, cls->name, MAX(cls->max_cpus, 1));
        return false;
    }
    m->machine_opts = cfg->machine_opts;
    return true;
}

static Machine *assemble_machine(SystemConfig *cfg, Error **errp)
{
    const MachineClass *cls = assemble_machine_class(cfg, errp);
    Machine *m;

    if (!cls || !assemble_check_limits(cfg, cls, errp)) {
        return NULL;
    }
    m = machine_new(cls, &cfg->machine);
    if (!machine_set_props(m, cfg->machine_opts, errp) ||
        !machine_init(m, errp)) {
        error_prepend(errp, "-machine %s: ", cls->name);
        machine_free(m);
        return NULL;
    }
    machine_set_current(m);
    return m;
}

/* Drives with an interface the machine does not wire (QEMU's check). */
static bool assemble_check_drives(SystemConfig *cfg, Machine *m,
                                  Error **errp)
{
    guint i;

    for (i = 0; i < cfg->machine.drives->len; i++) {
        MachineDrive *d = cfg->machine.drives->pdata[i];

        if (d->iface != DRIVE_IF_NONE && m->cls->no_drive_interfaces &&
            !d->claimed) {
            error_setg(errp, "-drive %s: machine type does not support "
                       "if=%s,bus=%d,unit=%d",
                       (char *)cfg->drive_args->pdata[i],
                       drive_interface_name(d->iface), d->bus, d->unit);
            return false;
        }
    }
    return true;
}

static bool assemble_devices(SystemConfig *cfg, Machine *m, Error **errp)
{
    guint i;

    for (i = 0; i < cfg->device_opts->len; i++) {
        struct json_object *opts = cfg->device_opts->pdata[i];

        if (!device_create(m, opts, errp)) {
            error_prepend(errp, "-device %s: ",
                          (char *)cfg->device_args->pdata[i]);
            return false;
        }
    }
    return true;
}

/* -display: "default" (sdl if a display server answers), or -nographic's
 * "none".  Runs after the devices created their consoles. */
static bool assemble_display(SystemConfig *cfg, Error **errp)
{
    const char *spec = cfg->display ? cfg->display
                       : cfg->nographic ? "none"
                                        : "default";

#if HAVE_UI
    if (!display_init(spec, errp)) {
        error_prepend(errp, "-display %s: ", spec);
        return false;
    }
    if (cfg->machine.name) {
        display_set_vm_name(cfg->machine.name);
    }
#else
    if (g_str_has_prefix(spec, "sdl")) {
        return assemble_not_built("-display sdl", "the SDL display", errp);
    }
#endif
    return true;
}

Machine *system_assemble(SystemConfig *cfg, Error **errp)
{
    Machine *m;

    if (cfg->log_file && !log_set_file(cfg->log_file, errp)) {
        return NULL;
    }
    assemble_firmware_dirs(cfg);
    if (cfg->object_opts->len) {
        assemble_not_built("-object", "-object support", errp);
        return NULL;
    }
    if (!assemble_chardevs(cfg, errp) || !assemble_serials(cfg, errp) ||
        !assemble_monitors(cfg, errp) || !assemble_block(cfg, errp)) {
        return NULL;
    }
    m = assemble_machine(cfg, errp);
    if (!m) {
        return NULL;
    }
    if (!assemble_check_drives(cfg, m, errp) ||
        !assemble_devices(cfg, m, errp) ||
        !assemble_serial_monitors(cfg, errp) ||
        !assemble_display(cfg, errp)) {
        machine_free(m);
        return NULL;
    }
    machine_reset(m);
    return m;
}
