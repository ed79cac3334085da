/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for util/error.c: setting, propagation, prefixes, classes.
 */
#include <errno.h>
#include <glib.h>

#include "util/error.h"

static bool fail_with(int n, Error **errp)
{
    error_setg(errp, "value %d is bad", n);
    return false;
}

static void test_setg(void)
{
    Error *err = NULL;

    g_assert_false(fail_with(7, &err));
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, "value 7 is bad");
    g_assert_cmpint(error_get_class(err), ==, ERROR_CLASS_GENERIC_ERROR);
    g_assert_cmpstr(error_class_name(error_get_class(err)), ==, "GenericError");
    error_free(err);
    /* NULL discards without crashing. */
    g_assert_false(fail_with(1, NULL));
}

static void test_errno(void)
{
    Error *err = NULL;

    error_setg_errno(&err, ENOSPC, "Could not write '%s'", "x");
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Could not write 'x': No space left on device");
    error_free(err);
}

static void test_propagate_first_wins(void)
{
    Error *dst = NULL;
    Error *a = NULL;
    Error *b = NULL;

    error_setg(&a, "first");
    error_setg(&b, "second");
    error_propagate(&dst, a);
    error_propagate(&dst, b);
    g_assert_cmpstr(error_get_pretty(dst), ==, "first");
    error_free(dst);
    error_propagate(NULL, NULL);
}

static void test_prepend_class_copy(void)
{
    Error *err = NULL;
    Error *copy;

    error_set_class(&err, ERROR_CLASS_DEVICE_NOT_FOUND, "Device '%s' not found",
                    "d0");
    error_prepend(&err, "block: ");
    g_assert_cmpstr(error_get_pretty(err), ==, "block: Device 'd0' not found");
    copy = error_copy(err);
    g_assert_cmpstr(error_class_name(error_get_class(copy)), ==,
                    "DeviceNotFound");
    error_free(copy);
    error_free_or_abort(&err);
    g_assert_null(err);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/util/error/setg", test_setg);
    g_test_add_func("/util/error/errno", test_errno);
    g_test_add_func("/util/error/propagate-first-wins", test_propagate_first_wins);
    g_test_add_func("/util/error/prepend-class-copy", test_prepend_class_copy);
    return g_test_run();
}
