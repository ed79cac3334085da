/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for system/cmdline.c and system/assemble.c: every option
 * family parses into the config, bad values and unknown options fail with
 * QEMU's one-line messages, and "-machine none" assembles.
 */
#include <glib.h>
#include <string.h>

#include "system/assemble.h"
#include "system/cmdline.h"
#include "system/config-seams.h"
#include "util/keyval.h"
#if HAVE_UI
#include "ui/display.h"
#endif

/* Parse a NULL-terminated list of words after "plimsoll". */
static SystemConfig *parse_ok(const char *first, ...)
{
    GPtrArray *argv = g_ptr_array_new();
    SystemConfig *cfg = system_config_new();
    const char *w;
    va_list ap;

    g_ptr_array_add(argv, (char *)"plimsoll");
    va_start(ap, first);
    for (w = first; w; w = va_arg(ap, const char *)) {
        g_ptr_array_add(argv, (char *)w);
    }
    va_end(ap);
    g_assert_true(cmdline_parse(cfg, argv->len, (char **)argv->pdata,
                                &error_abort));
    g_ptr_array_free(argv, TRUE);
    return cfg;
}

/* Parse and expect failure with exactly @msg. */
static void parse_fails(const char *msg, const char *first, ...)
{
    GPtrArray *argv = g_ptr_array_new();
    SystemConfig *cfg = system_config_new();
    Error *err = NULL;
    const char *w;
    va_list ap;

    g_ptr_array_add(argv, (char *)"plimsoll");
    va_start(ap, first);
    for (w = first; w; w = va_arg(ap, const char *)) {
        g_ptr_array_add(argv, (char *)w);
    }
    va_end(ap);
    g_assert_false(cmdline_parse(cfg, argv->len, (char **)argv->pdata,
                                 &err));
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    /* One line: no newline inside the message. */
    g_assert_null(strchr(error_get_pretty(err), '\n'));
    error_free(err);
    g_ptr_array_free(argv, TRUE);
    system_config_free(cfg);
}

static void test_basic_options(void)
{
    SystemConfig *cfg = parse_ok(
        "-M", "none", "-m", "512", "-smp", "2,maxcpus=4", "-S",
        "--no-reboot", "-no-shutdown", "-name", "guest=vm1,debug-threads=on",
        "-kernel", "bz", "-initrd", "rd", "-append", "console=ttyS0",
        "-bios", "b.bin", "-L", "/fw", "-vga", "std", "-nographic",
        "-cpu", "qemu64", "-accel", "tcg,thread=single", NULL);
    MachineConfig *m = &cfg->machine;

    g_assert_cmpstr(keyval_get_str(cfg->machine_opts, "type", NULL), ==,
                    "none");
    g_assert_cmpuint(m->ram_size, ==, 512u << 20);
    g_assert_cmpuint(m->smp_cpus, ==, 2);
    g_assert_cmpuint(m->smp_max_cpus, ==, 4);
    g_assert_true(cfg->start_paused && cfg->no_reboot && cfg->no_shutdown);
    g_assert_cmpstr(m->name, ==, "vm1");
    g_assert_cmpstr(m->kernel, ==, "bz");
    g_assert_cmpstr(m->initrd, ==, "rd");
    g_assert_cmpstr(m->append, ==, "console=ttyS0");
    g_assert_cmpstr(m->bios, ==, "b.bin");
    g_assert_cmpstr(cfg->firmware_dirs->pdata[0], ==, "/fw");
    g_assert_cmpstr(m->vga, ==, "std");
    g_assert_true(cfg->nographic && m->nographic);
    g_assert_cmpstr(m->cpu_model, ==, "qemu64");
    g_assert_cmpstr(cfg->accel, ==, "tcg");
    system_config_free(cfg);
}

static void test_memory_smp_boot(void)
{
    SystemConfig *cfg = parse_ok("-m", "size=1G", "-smp",
                                 "sockets=2,cores=2,threads=2", "-boot",
                                 "order=dc,menu=on,splash-time=500", NULL);

    g_assert_cmpuint(cfg->machine.ram_size, ==, 1u << 30);
    g_assert_cmpuint(cfg->machine.smp_cpus, ==, 8);
    g_assert_cmpstr(cfg->machine.boot_order, ==, "dc");
    g_assert_true(cfg->machine.boot_menu);
    g_assert_cmpint(cfg->machine.boot_splash_time, ==, 500);
    system_config_free(cfg);

    /* RAM is rounded up to 8 KiB. */
    cfg = parse_ok("-m", "1k", NULL);
    g_assert_cmpuint(cfg->machine.ram_size, ==, 8192);
    system_config_free(cfg);

    parse_fails("-m 0: Invalid RAM size 0", "-m", "0", NULL);
    parse_fails("-m 99999999999: ram size too large", "-m", "99999999999",
                NULL);
    parse_fails("-m 1G,foo=1: Invalid parameter 'foo'", "-m", "1G,foo=1",
                NULL);
    parse_fails("-smp 2,maxcpus=1: maxcpus must be equal to or greater "
                "than smp", "-smp", "2,maxcpus=1", NULL);
    parse_fails("-smp x: Parameter 'cpus' expects uint64", "-smp", "x",
                NULL);
    parse_fails("-boot order=cz: Invalid boot device 'z'", "-boot",
                "order=cz", NULL);
    parse_fails("-boot menu=perhaps: Parameter 'menu' expects 'on' or "
                "'off'", "-boot", "menu=perhaps", NULL);
}

static void test_errors(void)
{
    parse_fails("-foo: invalid option", "-foo", NULL);
    parse_fails("--foo: invalid option", "--foo", NULL);
    parse_fails("-m: requires an argument", "-m", NULL);
    parse_fails("-accel kvm: KVM is not supported: Plimsoll emulates in "
                "software only (use -accel tcg)", "-accel", "kvm", NULL);
    parse_fails("-machine pc,accel=kvm: KVM is not supported: Plimsoll "
                "emulates in software only (use -accel tcg)", "-machine",
                "pc,accel=kvm", NULL);
    parse_fails("-accel hax: invalid accelerator hax", "-accel", "hax",
                NULL);
    parse_fails("-display gtk: Parameter 'type' does not accept value "
                "'gtk'", "-display", "gtk", NULL);
    parse_fails("-drive file=a,if=scsi: unsupported bus type 'scsi'",
                "-drive", "file=a,if=scsi", NULL);
    parse_fails("-drive file=a,media=tape: 'tape' invalid media", "-drive",
                "file=a,media=tape", NULL);
    parse_fails("-chardev socket,path=/x: Parameter 'id' is missing",
                "-chardev", "socket,path=/x", NULL);
    parse_fails("-blockdev node-name=x: Parameter 'driver' is missing",
                "-blockdev", "node-name=x", NULL);
    parse_fails("-device {\"id\": 1: JSON parse error: unexpected end of "
                "input", "-device", "{\"id\": 1", NULL);
    parse_fails("-mon chardev=c,mode=x: Parameter 'mode' does not accept "
                "value 'x'", "-mon", "chardev=c,mode=x", NULL);
    parse_fails("-d nonsense: Unknown -d log item 'nonsense' (use -d help "
                "for a list)", "-d", "nonsense", NULL);
    parse_fails("-vga vesa: unknown vga type 'vesa'", "-vga", "vesa", NULL);
    parse_fails("-net user: networking is not built yet (only 'none')",
                "-net", "user", NULL);
    parse_fails("-nographic cannot be used with -daemonize", "-nographic",
                "-daemonize", NULL);
    parse_fails("-serial stdio cannot be used with -daemonize", "-daemonize",
                "-serial", "stdio", NULL);
}

static void test_info_requests(void)
{
    static const struct {
        const char *opt, *arg;
        CmdlineInfo info;
        const char *info_arg;
    } cases[] = {
        { "-version", NULL, CMDLINE_INFO_VERSION, NULL },
        { "-h", NULL, CMDLINE_INFO_HELP, NULL },
        { "--help", NULL, CMDLINE_INFO_HELP, NULL },
        { "-machine", "help", CMDLINE_INFO_MACHINE_HELP, NULL },
        { "-M", "?", CMDLINE_INFO_MACHINE_HELP, NULL },
        { "-machine", "type=help", CMDLINE_INFO_MACHINE_HELP, NULL },
        { "-machine", "pc,help", CMDLINE_INFO_MACHINE_HELP, "pc" },
        { "-machine", "type=none,help", CMDLINE_INFO_MACHINE_HELP, "none" },
        { "-device", "help", CMDLINE_INFO_DEVICE_HELP, NULL },
        { "-device", "isa-serial,help", CMDLINE_INFO_DEVICE_HELP,
          "isa-serial" },
        { "-cpu", "help", CMDLINE_INFO_CPU_HELP, NULL },
        { "-d", "help", CMDLINE_INFO_LOG_HELP, "help" },
        { "-accel", "help", CMDLINE_INFO_ACCEL_HELP, NULL },
        { "-display", "help", CMDLINE_INFO_DISPLAY_HELP, NULL },
        { "-chardev", "help", CMDLINE_INFO_CHARDEV_HELP, NULL },
        { "-L", "help", CMDLINE_INFO_FIRMWARE_DIRS, NULL },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        SystemConfig *cfg = parse_ok(cases[i].opt, cases[i].arg, NULL);

        g_assert_cmpint(cfg->info, ==, cases[i].info);
        g_assert_cmpstr(cfg->info_arg, ==, cases[i].info_arg);
        system_config_free(cfg);
    }
}

static void test_object_lists(void)
{
    SystemConfig *cfg = parse_ok(
        "-device", "isa-serial,chardev=s0,id=com1",
        "-device", "{\"driver\": \"virtio-blk-pci\", \"drive\": \"d\"}",
        "-chardev", "socket,id=s0,path=/tmp/s,server=on,wait=off",
        "-blockdev", "driver=qcow2,node-name=d,file.driver=file,"
                     "file.filename=a,,b.qcow2",
        "-drive", "file=x.img,if=virtio", "-hda", "disk.img",
        "bare.img", "-cdrom", "cd.iso",
        "-serial", "stdio", "-qmp", "unix:/tmp/q,server=on,wait=off",
        "-mon", "chardev=s0,mode=control,pretty=on", "-monitor", "none",
        "-msg", "timestamp=off", "-overcommit", "mem-lock=off",
        "-sandbox", "on,obsolete=deny", "-no-user-config", "-nodefaults",
        "-nic", "none", "-snapshot", "-pidfile", "/tmp/p", "-D", "/tmp/l",
        "-d", "guest_errors", NULL);
    struct json_object *o;
    MonitorRequest *mon;

    g_assert_cmpuint(cfg->device_opts->len, ==, 2);
    o = cfg->device_opts->pdata[1];
    g_assert_cmpstr(keyval_get_str(o, "driver", NULL), ==, "virtio-blk-pci");
    g_assert_cmpuint(cfg->chardev_opts->len, ==, 1);
    o = cfg->blockdev_opts->pdata[0];
    g_assert_cmpstr(keyval_get_str(o, "file.filename", NULL), ==,
                    "a,b.qcow2");
    /* -drive, -hda, the bare image and -cdrom are four drives. */
    g_assert_cmpuint(cfg->drive_opts->len, ==, 4);
    o = cfg->drive_opts->pdata[3];
    g_assert_cmpstr(keyval_get_str(o, "media", NULL), ==, "cdrom");
    g_assert_cmpuint(cfg->monitors->len, ==, 3);
    mon = cfg->monitors->pdata[1];
    g_assert_true(mon->qmp && mon->pretty);
    g_assert_cmpstr(mon->chardev_id, ==, "s0");
    mon = cfg->monitors->pdata[2];
    g_assert_false(mon->qmp);
    g_assert_true(cfg->snapshot);
    g_assert_cmpstr(cfg->pidfile, ==, "/tmp/p");
    g_assert_cmpstr(cfg->log_file, ==, "/tmp/l");
    system_config_free(cfg);
}

static void test_machine_merge(void)
{
    SystemConfig *cfg = parse_ok("-machine", "pc,smm=off", "-M",
                                 "none,usb=off", NULL);

    g_assert_cmpstr(keyval_get_str(cfg->machine_opts, "type", NULL), ==,
                    "none");
    g_assert_cmpstr(keyval_get_str(cfg->machine_opts, "smm", NULL), ==,
                    "off");
    g_assert_cmpstr(keyval_get_str(cfg->machine_opts, "usb", NULL), ==,
                    "off");
    system_config_free(cfg);
}

static void test_help_text(void)
{
    g_autofree char *help = cmdline_help();

    g_assert_nonnull(strstr(help, "usage: plimsoll [options]"));
    g_assert_nonnull(strstr(help, "\n-machine [type=]name"));
    g_assert_nonnull(strstr(help, "\n-S\n"));
    g_assert_nonnull(strstr(help, "\n-qmp dev\n"));
}

static void test_assemble_none(void)
{
    SystemConfig *cfg = parse_ok("-machine", "none", "-S", "-display", "none",
                                 NULL);
    Machine *m = system_assemble(cfg, &error_abort);
    Error *err = NULL;

    g_assert_nonnull(m);
    g_assert_true(machine_current() == m);
    g_assert_cmpuint(m->ncpus, ==, 0);
    g_assert_cmpuint(m->devices->len, ==, 0);
    machine_free(m);
#if HAVE_UI
    display_cleanup();
#endif
    g_assert_null(machine_current());
    system_config_free(cfg);

    cfg = parse_ok("-machine", "none", "-device", "nope,id=x", NULL);
    g_assert_null(system_assemble(cfg, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "-device nope,id=x: 'nope' is not a valid device model "
                    "name");
    error_free(err);
    err = NULL;
    system_config_free(cfg);

    cfg = parse_ok("-machine", "none,bogus=1", NULL);
    g_assert_null(system_assemble(cfg, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "-machine none: Property 'none.bogus' not found");
    error_free(err);
    system_config_free(cfg);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/system/cmdline/basic", test_basic_options);
    g_test_add_func("/system/cmdline/memory-smp-boot", test_memory_smp_boot);
    g_test_add_func("/system/cmdline/errors", test_errors);
    g_test_add_func("/system/cmdline/info", test_info_requests);
    g_test_add_func("/system/cmdline/object-lists", test_object_lists);
    g_test_add_func("/system/cmdline/machine-merge", test_machine_merge);
    g_test_add_func("/system/cmdline/help", test_help_text);
    g_test_add_func("/system/cmdline/assemble-none", test_assemble_none);
    return g_test_run();
}
