/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HMP commands for block jobs and throttling, with QEMU's HMP syntax and
 * output: info block-jobs, block_stream, block_job_set_speed,
 * block_job_cancel [-f], block_job_pause, block_job_resume,
 * block_job_complete, block_set_io_throttle.  Thin wrappers over the QMP
 * handlers (monitor/qmp-cmds-jobs.c, qmp-cmds-throttle.c).
 */
#include <inttypes.h>
#include <stdlib.h>

#include "monitor-internal.h"

#include "qapi/qapi-commands.h"

static void hmp_jobs_result(GString *out, Error *err)
{
    if (err) {
        g_string_append_printf(out, "Error: %s\n", error_get_pretty(err));
        error_free(err);
    }
}

static bool hmp_jobs_int(GString *out, const char *s, int64_t *v)
{
    char *end;

    *v = g_ascii_strtoll(s, &end, 0);
    if (!*s || *end) {
        g_string_append_printf(out, "invalid number: %s\n", s);
        return false;
    }
    return true;
}

void hmp_info_block_jobs(GString *out, int argc, char **argv)
{
    BlockJobInfoList *list = qmp_query_block_jobs(NULL);

    if (!list) {
        g_string_append(out, "No active jobs\n");
        return;
    }
    for (BlockJobInfoList *l = list; l; l = l->next) {
        BlockJobInfo *j = l->value;

        if (!strcmp(j->type, "stream")) {
            g_string_append_printf(out, "Streaming device %s", j->device);
        } else {
            g_string_append_printf(out, "Type %s, device %s", j->type,
                                   j->device);
        }
        g_string_append_printf(out, ": Completed %" PRId64 " of %" PRId64
                               " bytes, speed limit %" PRId64 " bytes/s\n",
                               j->offset, j->len, j->speed);
    }
    qapi_free_BlockJobInfoList(list);
}

void hmp_block_stream(GString *out, int argc, char **argv)
{
    Error *err = NULL;
    int64_t speed = 0;

    if (argc > 2 && !hmp_jobs_int(out, argv[2], &speed)) {
        return;
    }
    qmp_block_stream(false, NULL, argv[1], argc > 3, argc > 3 ? argv[3] : NULL,
                     false, NULL, false, NULL, true, speed, true,
                     BLOCKDEV_ON_ERROR_JOB_REPORT, false, false, false, false,
                     &err);
    hmp_jobs_result(out, err);
}

void hmp_block_job_set_speed(GString *out, int argc, char **argv)
{
    Error *err = NULL;
    int64_t speed;

    if (hmp_jobs_int(out, argv[2], &speed)) {
        qmp_block_job_set_speed(argv[1], speed, &err);
        hmp_jobs_result(out, err);
    }
}

void hmp_block_job_cancel(GString *out, int argc, char **argv)
{
    Error *err = NULL;
    bool force = argc > 2 && !strcmp(argv[1], "-f");

    if (argc > 2 && !force) {
        g_string_append_printf(out, "invalid option: %s\n", argv[1]);
        return;
    }
    qmp_block_job_cancel(argv[argc - 1], true, force, &err);
    hmp_jobs_result(out, err);
}

void hmp_block_job_pause(GString *out, int argc, char **argv)
{
    Error *err = NULL;

    qmp_block_job_pause(argv[1], &err);
    hmp_jobs_result(out, err);
}

void hmp_block_job_resume(GString *out, int argc, char **argv)
{
    Error *err = NULL;

    qmp_block_job_resume(argv[1], &err);
    hmp_jobs_result(out, err);
}

void hmp_block_job_complete(GString *out, int argc, char **argv)
{
    Error *err = NULL;

    qmp_block_job_complete(argv[1], &err);
    hmp_jobs_result(out, err);
}

void hmp_block_set_io_throttle(GString *out, int argc, char **argv)
{
    Error *err = NULL;
    int64_t v[6];

    for (int i = 0; i < 6; i++) {
        if (!hmp_jobs_int(out, argv[2 + i], &v[i])) {
            return;
        }
    }
    qmp_block_set_io_throttle(true, argv[1], false, NULL, v[0], v[1], v[2],
                              v[3], v[4], v[5], false, 0, false, 0, false, 0,
                              false, 0, false, 0, false, 0, false, 0, false,
                              0, false, 0, false, 0, false, 0, false, 0,
                              false, 0, false, NULL, &err);
    hmp_jobs_result(out, err);
}
