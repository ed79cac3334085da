/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plimsoll: the system emulator's entry point.  Parse the command line
 * (system/cmdline.c), answer the informational options (-version, -h,
 * -machine help, -device help, -cpu help, -d help, ...), then assemble the
 * system (system/assemble.c), start the vCPUs unless -S, and run the main
 * loop under the machine lock until a shutdown ends it.
 *
 * Exit status: 0 after a shutdown (guest power-off, quit, signal), 1 for a
 * bad command line or a start-up failure, each reported in one line.
 */
#include <stdio.h>
#include <string.h>

#include "config-host.h"
#include "gdbstub/gdbstub.h"
#include "hw/core/lock.h"
#include "system/assemble.h"
#include "system/cmdline.h"
#include "system/config-seams.h"
#include "system/cpus.h"
#include "system/drive.h"
#if HAVE_BLOCK
#include "block/job.h"
#endif
#include "system/runstate.h"
#include "util/chardev.h"
#include "util/error.h"
#include "util/log.h"
#include "util/main-loop.h"
#if HAVE_UI
#include "ui/display.h"
#endif
#if HAVE_QMP
#include "monitor/monitor.h"
#endif

static void main_print_device_help(const char *driver)
{
    const DeviceClass *cls;
    g_autofree char *text = NULL;

    if (!driver) {
        text = device_class_list_help();
        fputs(text, stdout);
        return;
    }
    cls = device_class_find(driver);
    if (!cls) {
        error_report("-device %s,help: '%s' is not a valid device model name",
                     driver, driver);
        exit(1);
    }
    text = device_class_props_help(cls);
    fputs(text, stdout);
}

/* -machine help, or -machine TYPE,help: that type's properties. */
static int main_print_machine_help(const char *type)
{
    g_autofree char *text = NULL;
    g_autofree char *title = NULL;
    const MachineClass *cls;

    if (!type) {
        text = machine_class_list_help();
        fputs(text, stdout);
        return 0;
    }
    cls = machine_class_find(type);
    if (!cls) {
        error_report("-machine %s,help: unsupported machine type (use "
                     "-machine help to list them)", type);
        return 1;
    }
    title = g_strdup_printf("%s options:", cls->name);
    text = property_list_help(title, NULL, cls->props,
                              "There are no options for this machine.");
    fputs(text, stdout);
    return 0;
}

static int main_print_cpu_help(void)
{
    if (!cpus_available()) {
        error_report("-cpu help: CPU emulation is not built yet");
        return 1;
    }
#if HAVE_X86_CPU
    {
        const char *name, *desc;
        unsigned i;

        printf("Available CPUs:\n");
        for (i = 0; (name = x86_cpu_model_name(i, &desc)); i++) {
            printf("x86 %-20s %s\n", name, desc ? desc : "");
        }
    }
#endif
    return 0;
}

/* The informational options: print and return the exit status. */
static int main_print_info(SystemConfig *cfg)
{
    g_autofree char *text = NULL;

    switch (cfg->info) {
    case CMDLINE_INFO_VERSION:
        printf("Plimsoll emulator version %s\n"
               "A PC emulator in the QEMU family; software x86 CPU only.\n",
               PLIMSOLL_VERSION);
        return 0;
    case CMDLINE_INFO_HELP:
        text = cmdline_help();
        fputs(text, stdout);
        return 0;
    case CMDLINE_INFO_MACHINE_HELP:
        return main_print_machine_help(cfg->info_arg);
    case CMDLINE_INFO_DEVICE_HELP:
        main_print_device_help(cfg->info_arg);
        return 0;
    case CMDLINE_INFO_CPU_HELP:
        return main_print_cpu_help();
    case CMDLINE_INFO_LOG_HELP:
        log_print_help(stdout, cfg->info_arg);
        return 0;
    case CMDLINE_INFO_ACCEL_HELP:
        printf("Accelerators supported in Plimsoll binary:\ntcg\n");
        return 0;
    case CMDLINE_INFO_DISPLAY_HELP:
        printf("Available display backend types:\nnone\nsdl\n");
        return 0;
    case CMDLINE_INFO_CHARDEV_HELP:
        printf("Available chardev backend types:\n  file\n  null\n  pty\n"
               "  socket\n  stdio\n");
        return 0;
    case CMDLINE_INFO_FIRMWARE_DIRS:
        printf("%s\n/usr/share/seabios\n/usr/share/qemu\n"
               "/usr/lib/ipxe/qemu\n", PLIMSOLL_DATADIR);
        return 0;
    case CMDLINE_INFO_NONE:
        break;
    }
    return 0;
}

static void main_lock_cb(void *opaque)
{
    machine_lock();
}

static void main_unlock_cb(void *opaque)
{
    machine_unlock();
}

/* Tear down in reverse order of assembly; vCPUs are joined unlocked. */
static void main_cleanup(Machine *m)
{
    main_loop_set_lock(NULL, NULL, NULL);
    gdbstub_stop();
#if HAVE_UI
    display_cleanup();
#endif
    machine_unlock();
    cpus_destroy(m);
    machine_lock();
    machine_free(m);
#if HAVE_BLOCK
    block_job_cancel_sync_all();   /* jobs hold nodes and run threads */
#endif
#if HAVE_QMP
    monitor_cleanup();
#endif
#if HAVE_BLOCK
    drive_cleanup_all();
#endif
#if HAVE_CHARDEV
    chardev_delete_all();
#endif
    machine_unlock();
    os_pidfile_remove();
    log_close();
}

/* Everything after parsing: returns the exit status. */
static int main_run(SystemConfig *cfg)
{
    Error *err = NULL;
    Machine *m;

    if ((cfg->daemonize && !os_daemonize_start(&err)) ||
        (cfg->pidfile && !os_pidfile_create(cfg->pidfile, &err))) {
        error_prepend(&err, "cannot create PID file: ");
        error_report_err(err);
        return 1;
    }
    main_loop_init();
    os_setup_signals();
    machine_lock();
    main_loop_set_lock(main_lock_cb, main_unlock_cb, NULL);
    runstate_init(cfg->no_shutdown, cfg->no_reboot);
    m = system_assemble(cfg, &err);
    if (!m) {
        error_report_err(err);
        main_cleanup(NULL);
        return 1;
    }
    if (cfg->gdb_spec && !gdbstub_start(cfg->gdb_spec, m, &err)) {
        error_prepend(&err, "-gdb %s: ", cfg->gdb_spec);
        error_report_err(err);
        main_cleanup(m);
        return 1;
    }
    os_daemonize_finish();
    if (!cfg->start_paused && !vm_start(&err)) {
        error_report_err(err);
        main_cleanup(m);
        return 1;
    }
    main_loop_run();
    main_cleanup(m);
    return 0;
}

int main(int argc, char **argv)
{
    SystemConfig *cfg = system_config_new();
    Error *err = NULL;
    int status;

    error_set_progname("plimsoll");
    if (!cmdline_parse(cfg, argc, argv, &err)) {
        error_report_err(err);
        system_config_free(cfg);
        return 1;
    }
    status = cfg->info ? main_print_info(cfg) : main_run(cfg);
    system_config_free(cfg);
    return status;
}
