/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP queries about the machine and the host side of the VM: query-name,
 * query-uuid, query-kvm, query-target, query-machines, query-cpus-fast and
 * query-chardev.  They read hw/core's machine table and current machine
 * and util/'s chardev list; nothing here changes state.
 */
#include "monitor-internal.h"

#include <unistd.h>

#include "hw/core/machine.h"
#include "qapi/qapi-commands.h"

NameInfo *qmp_query_name(Error **errp)
{
    NameInfo *info = g_new0(NameInfo, 1);
    Machine *m = machine_current();

    if (m && m->cfg && m->cfg->name) {
        info->has_name = true;
        info->name = g_strdup(m->cfg->name);
    }
    return info;
}

UuidInfo *qmp_query_uuid(Error **errp)
{
    UuidInfo *info = g_new0(UuidInfo, 1);

    /* Deviation: -uuid is not supported, so the UUID is QEMU's default. */
    info->UUID = g_strdup("00000000-0000-0000-0000-000000000000");
    return info;
}

KvmInfo *qmp_query_kvm(Error **errp)
{
    KvmInfo *info = g_new0(KvmInfo, 1);

    /* The software CPU only, for now. */
    info->enabled = false;
    info->present = false;
    return info;
}

TargetInfo *qmp_query_target(Error **errp)
{
    TargetInfo *info = g_new0(TargetInfo, 1);

    info->arch = SYS_EMU_TARGET_X86_64;
    return info;
}

MachineInfoList *qmp_query_machines(Error **errp)
{
    MachineInfoList *head = NULL, **tail = &head;

    for (size_t i = 0; machine_classes[i]; i++) {
        const MachineClass *c = machine_classes[i];
        MachineInfo *info = g_new0(MachineInfo, 1);

        info->name = g_strdup(c->name);
        info->has_alias = c->alias != NULL;
        info->alias = g_strdup(c->alias);
        info->has_is_default = c->is_default;
        info->is_default = c->is_default;
        info->cpu_max = c->max_cpus;
        info->has_default_cpu_type = c->default_cpu_model != NULL;
        if (c->default_cpu_model) {
            info->default_cpu_type = g_strdup_printf("%s-x86_64-cpu",
                                                     c->default_cpu_model);
        }
        if (c->default_ram_size) {
            info->has_default_ram_id = true;
            info->default_ram_id = g_strdup("pc.ram");
        }
        *tail = g_new0(MachineInfoList, 1);
        (*tail)->value = info;
        tail = &(*tail)->next;
    }
    return head;
}

CpuInfoFastList *qmp_query_cpus_fast(Error **errp)
{
    CpuInfoFastList *head = NULL, **tail = &head;
    Machine *m = machine_current();

    for (unsigned i = 0; m && i < m->ncpus; i++) {
        CpuInfoFast *info = g_new0(CpuInfoFast, 1);

        info->cpu_index = i;
        info->qom_path = g_strdup_printf("/machine/unattached/device[%u]", i);
        /* Deviation: the process id, not the vCPU thread's own id. */
        info->thread_id = getpid();
        info->target = SYS_EMU_TARGET_X86_64;
        *tail = g_new0(CpuInfoFastList, 1);
        (*tail)->value = info;
        tail = &(*tail)->next;
    }
    return head;
}

static void qmp_chardev_info(Chardev *chr, void *opaque)
{
    ChardevInfoList ***tail = opaque;
    ChardevInfo *info = g_new0(ChardevInfo, 1);

    info->label = g_strdup(chardev_id(chr));
    info->filename = chardev_filename(chr);
    info->frontend_open = chardev_is_connected(chr);
    **tail = g_new0(ChardevInfoList, 1);
    (**tail)->value = info;
    *tail = &(**tail)->next;
}

ChardevInfoList *qmp_query_chardev(Error **errp)
{
    ChardevInfoList *head = NULL, **tail = &head;

    chardev_foreach(qmp_chardev_info, &tail);
    return head;
}
