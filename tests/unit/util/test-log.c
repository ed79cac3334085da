/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for util/log.c and util/trace.c: -d parsing (good and bad),
 * -D files, rate limiting of guest errors, trace patterns.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "util/clock.h"
#include "util/log.h"
#include "util/trace.h"

static TracePoint demo_trace[] = {
    { "demo_read" },
    { "demo_write" },
    { "other_thing" },
};

/* A fresh file in a private directory: the ASan build runs in parallel. */
static char *tmp_path(const char *name)
{
    g_autofree char *dir = g_dir_make_tmp("plimsoll-log-XXXXXX", NULL);

    g_assert_nonnull(dir);
    return g_build_filename(dir, name, NULL);
}

static void tmp_remove(const char *path)
{
    g_autofree char *dir = g_path_get_dirname(path);

    g_unlink(path);
    g_rmdir(dir);
}

static char *read_log(const char *path)
{
    char *text = NULL;

    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    return text;
}

static void test_parse_good(void)
{
    Error *err = NULL;

    g_assert_true(log_set_items("guest_errors,unimp", &err));
    g_assert_null(err);
    g_assert_true(log_enabled(LOG_GUEST_ERROR));
    g_assert_true(log_enabled(LOG_UNIMP));
    g_assert_false(log_enabled(LOG_INT | LOG_CPU));

    /* The last -d wins. */
    g_assert_true(log_set_items("int,cpu,in_asm,exec,block", &err));
    g_assert_false(log_enabled(LOG_GUEST_ERROR));
    g_assert_cmphex(log_active_mask, ==,
                    LOG_INT | LOG_CPU | LOG_IN_ASM | LOG_EXEC | LOG_BLOCK);

    g_assert_true(log_set_items("all", &err));
    g_assert_true(log_enabled(LOG_GUEST_ERROR) && log_enabled(LOG_BLOCK));
    g_assert_false(log_enabled(LOG_TRACE));
    g_assert_true(log_set_items("none", &err));
    g_assert_cmphex(log_active_mask, ==, 0);
}

static void test_parse_bad(void)
{
    static const char *const bad[] = {
        "bogus", "guest_errors,bogus", "", "trace:", ",", "unimp,",
        "GUEST_ERRORS", "int,,cpu",
    };
    Error *err = NULL;

    log_set_mask(LOG_UNIMP);
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_assert_false(log_set_items(bad[i], &err));
        g_assert_nonnull(err);
        error_free(err);
        err = NULL;
        /* A failed -d changes nothing. */
        g_assert_cmphex(log_active_mask, ==, LOG_UNIMP);
    }
    g_assert_false(log_set_items("int,frobnicate", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Unknown -d log item 'frobnicate' (use -d help for a "
                    "list)");
    error_free(err);
    g_assert_false(log_set_items(NULL, NULL));
    log_set_mask(0);
}

static void test_help(void)
{
    g_autofree char *path = tmp_path("plimsoll-log-help.txt");
    g_autofree char *text = NULL;
    FILE *f;

    g_assert_true(log_items_want_help("help"));
    g_assert_true(log_items_want_help("int,help"));
    g_assert_true(log_items_want_help("trace:help"));
    g_assert_false(log_items_want_help("int,cpu"));
    g_assert_false(log_items_want_help("trace:helpers*"));

    f = fopen(path, "w");
    g_assert_nonnull(f);
    log_print_help(f, "help");
    fclose(f);
    text = read_log(path);
    g_assert_nonnull(strstr(text, "guest_errors"));
    g_assert_nonnull(strstr(text, "unimp"));
    g_assert_nonnull(strstr(text, "in_asm"));
    g_assert_nonnull(strstr(text, "trace:PATTERN"));
    tmp_remove(path);
}

static void test_file_and_ratelimit(void)
{
    g_autofree char *path = tmp_path("plimsoll-log-test.txt");
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    Error *err = NULL;

    clock_set_source(clock_fake_source());
    clock_fake_set_ns(5 * NANOSECONDS_PER_SECOND);
    g_assert_true(log_set_file(path, &err));
    log_set_mask(LOG_GUEST_ERROR);

    log_mask(LOG_INT, "not logged\n");
    log_mask(LOG_GUEST_ERROR | LOG_INT, "logged %d\n", 1);
    log_unimp("unimp is off\n");
    for (int i = 0; i < LOG_RATELIMIT_BURST + 30; i++) {
        log_guest_error("bad write %d\n", i);
    }
    /* A new window reports what the last one dropped. */
    clock_fake_advance_ns(LOG_RATELIMIT_WINDOW_NS);
    log_guest_error("after the window\n");
    log_close();

    text = read_log(path);
    lines = g_strsplit(text, "\n", -1);
    g_assert_cmpstr(lines[0], ==, "logged 1");
    g_assert_cmpstr(lines[1], ==, "guest error: bad write 0");
    g_assert_cmpstr(lines[LOG_RATELIMIT_BURST], ==,
                    "guest error: bad write 49");
    g_assert_cmpstr(lines[LOG_RATELIMIT_BURST + 1], ==,
                    "30 guest error messages suppressed");
    g_assert_cmpstr(lines[LOG_RATELIMIT_BURST + 2], ==,
                    "guest error: after the window");
    g_assert_null(strstr(text, "not logged"));
    g_assert_null(strstr(text, "unimp is off"));
    tmp_remove(path);
    log_set_mask(0);
    clock_set_source(NULL);

    g_assert_false(log_set_file("/nonexistent-dir/x/log", &err));
    g_assert_true(g_str_has_prefix(error_get_pretty(err), "Could not open "
                                   "log file '/nonexistent-dir/x/log': "));
    error_free(err);
}

static void test_trace_patterns(void)
{
    g_autofree char *path = tmp_path("plimsoll-trace-test.txt");
    g_autofree char *text = NULL;
    Error *err = NULL;

    trace_reset();
    /* A pattern given before the group exists applies when it is added. */
    g_assert_true(log_set_items("trace:demo_*", &err));
    g_assert_true(log_enabled(LOG_TRACE));
    trace_add_group("demo", demo_trace, G_N_ELEMENTS(demo_trace));
    g_assert_true(trace_enabled(&demo_trace[0]));
    g_assert_true(trace_enabled(&demo_trace[1]));
    g_assert_false(trace_enabled(&demo_trace[2]));
    g_assert_true(trace_find("other_thing") == &demo_trace[2]);
    g_assert_null(trace_find("nope"));

    g_assert_cmpuint(trace_enable_pattern("demo_w?ite", false), ==, 1);
    g_assert_false(trace_enabled(&demo_trace[1]));
    g_assert_cmpuint(trace_enable_pattern("*thing", true), ==, 1);

    g_assert_true(log_set_file(path, &err));
    if (trace_enabled(&demo_trace[0])) {
        trace_emit(&demo_trace[0], "addr=0x%x", 0x3f8);
    }
    trace_print_list(stderr);
    log_close();
    text = read_log(path);
    g_assert_nonnull(strstr(text, " demo_read addr=0x3f8\n"));
    tmp_remove(path);

    trace_reset();
    g_assert_false(trace_enabled(&demo_trace[0]));
    log_set_mask(0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/util/log/parse-good", test_parse_good);
    g_test_add_func("/util/log/parse-bad", test_parse_bad);
    g_test_add_func("/util/log/help", test_help);
    g_test_add_func("/util/log/file-and-ratelimit", test_file_and_ratelimit);
    g_test_add_func("/util/log/trace-patterns", test_trace_patterns);
    return g_test_run();
}
