/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to system/: the parsed command line.  cmdline.c fills a
 * SystemConfig from argv through one table of options; assemble.c builds
 * the machine, chardevs, monitors, block nodes and devices from it.
 */
#ifndef SYSTEM_CMDLINE_H
#define SYSTEM_CMDLINE_H

#include <stdbool.h>
#include <glib.h>
#include <json-c/json.h>

#include "hw/core/machine.h"
#include "util/error.h"

/** What the command line asked to print instead of running a VM. */
typedef enum CmdlineInfo {
    CMDLINE_INFO_NONE = 0,
    CMDLINE_INFO_VERSION,
    CMDLINE_INFO_HELP,
    CMDLINE_INFO_MACHINE_HELP,
    CMDLINE_INFO_DEVICE_HELP,      /* info_arg: NULL or a driver name */
    CMDLINE_INFO_CPU_HELP,
    CMDLINE_INFO_LOG_HELP,         /* info_arg: the -d argument */
    CMDLINE_INFO_ACCEL_HELP,
    CMDLINE_INFO_DISPLAY_HELP,
    CMDLINE_INFO_CHARDEV_HELP,
    CMDLINE_INFO_FIRMWARE_DIRS,    /* -L help */
} CmdlineInfo;

/** A -qmp, -monitor or -mon request. */
typedef struct MonitorRequest {
    char *chardev_spec;   /* -qmp/-monitor shorthand, or NULL */
    char *chardev_id;     /* -mon chardev=, or NULL */
    bool qmp;             /* mode=control (QMP) vs readline (HMP) */
    bool pretty;
} MonitorRequest;

/**
 * struct SystemConfig - everything the command line said.
 * Option objects (json-c, from util/keyval.h) are kept in command-line
 * order per kind.
 */
typedef struct SystemConfig {
    CmdlineInfo info;
    char *info_arg;

    MachineConfig machine;
    struct json_object *machine_opts;   /* merged -machine options */
    bool ram_given;
    bool smp_given;

    char *accel;
    bool start_paused;
    bool no_reboot;
    bool no_shutdown;
    bool snapshot;
    bool daemonize;
    char *pidfile;
    char *gdb_spec;                     /* -gdb / -s, or NULL */
    char *log_items;
    char *log_file;
    bool msg_timestamp;

    char *display;                      /* -display spec, or NULL */
    bool nographic;

    GPtrArray *firmware_dirs;           /* -L, in order */
    GPtrArray *serial_specs;            /* char *: -serial arguments */
    GPtrArray *monitors;                /* MonitorRequest * */
    GPtrArray *chardev_opts;            /* json: -chardev */
    GPtrArray *blockdev_opts;           /* json: -blockdev */
    GPtrArray *drive_opts;              /* json: -drive */
    GPtrArray *device_opts;             /* json: -device */
    GPtrArray *object_opts;             /* json: -object */
    /* The arguments as typed, parallel to the *_opts arrays, for errors
     * ("-drive file=x: Could not open 'x'"). */
    GPtrArray *chardev_args;
    GPtrArray *blockdev_args;
    GPtrArray *drive_args;
    GPtrArray *device_args;
} SystemConfig;

/** system_config_new() - defaults: nothing given. */
SystemConfig *system_config_new(void);
void system_config_free(SystemConfig *cfg);

/**
 * cmdline_parse() - parse @argv (both "-opt" and "--opt") into @cfg.
 * Errors name the option and its argument in one line, as QEMU does:
 * "-foo: invalid option", "-m: requires an argument",
 * "-m 0x: Parameter 'size' expects ...".  Stops at the first error.
 */
bool cmdline_parse(SystemConfig *cfg, int argc, char **argv, Error **errp);

/** cmdline_help() - the text of -h: usage line, then every option of the
 *  table with its argument and description.  Returns a new string. */
char *cmdline_help(void);

/** drive_interface_parse() - "ide" -> DRIVE_IF_IDE...; -1 if unknown. */
int drive_interface_parse(const char *name);

#endif /* SYSTEM_CMDLINE_H */
