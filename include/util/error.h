/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Error reporting for configuration, host resources, QMP and the tools.
 *
 * The convention (STYLE.md "Errors: four shapes"): a function that can fail
 * takes "Error **errp" as its last parameter and returns bool (or a pointer,
 * NULL on failure).  On failure it sets *errp with error_setg() and returns
 * false; it never both reports and returns.  Callers that do not care pass
 * NULL; callers that cannot continue pass &error_fatal.  Only the top of a
 * program (main, the QMP dispatcher, a tool's subcommand) reports errors.
 *
 * Each error carries a QMP error class so the QMP dispatcher can answer with
 * the class QEMU would use (GenericError unless set otherwise).
 */
#ifndef UTIL_ERROR_H
#define UTIL_ERROR_H

#include <stdarg.h>
#include <stdbool.h>
#include <glib.h>

/**
 * enum ErrorClass - QMP error classes (qapi/error.json in QEMU).
 */
typedef enum ErrorClass {
    ERROR_CLASS_GENERIC_ERROR = 0,
    ERROR_CLASS_COMMAND_NOT_FOUND,
    ERROR_CLASS_DEVICE_NOT_ACTIVE,
    ERROR_CLASS_DEVICE_NOT_FOUND,
    ERROR_CLASS_KVM_MISSING_CAP,
} ErrorClass;

typedef struct Error Error;

/* Pass as errp to exit(1) after reporting, during start-up only. */
extern Error *error_fatal;
/* Pass as errp to abort() on failure: the failure would be our own bug. */
extern Error *error_abort;

/**
 * error_setg() - set *errp to a new GenericError with a printf-style message.
 * @errp: where to store the error; NULL discards it; &error_fatal reports
 *        and exits; &error_abort reports and aborts.
 *
 * *errp must be NULL on entry (an error is never overwritten).
 */
#define error_setg(errp, ...) \
    error_setg_internal((errp), __FILE__, __LINE__, __func__, __VA_ARGS__)
/**
 * error_setg_errno() - like error_setg() with ": strerror(errno)" appended.
 * @os_errno: a positive errno value.
 */
#define error_setg_errno(errp, os_errno, ...) \
    error_setg_errno_internal((errp), __FILE__, __LINE__, __func__, \
                              (os_errno), __VA_ARGS__)

void error_setg_internal(Error **errp, const char *src, int line,
                         const char *func, const char *fmt, ...)
    G_GNUC_PRINTF(5, 6);
void error_setg_errno_internal(Error **errp, const char *src, int line,
                               const char *func, int os_errno,
                               const char *fmt, ...) G_GNUC_PRINTF(6, 7);

/**
 * error_set_class() - set *errp with an explicit QMP error class.
 */
void error_set_class(Error **errp, ErrorClass cls, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

/**
 * error_propagate() - move @local_err into *@dst_errp.
 *
 * If @dst_errp is NULL the error is freed; if *@dst_errp is already set,
 * @local_err is freed (the first error wins).
 */
void error_propagate(Error **dst_errp, Error *local_err);

/**
 * error_prepend() - prefix the message of *@errp (if set) with a
 * printf-style string, e.g. "Could not open 'x': ".
 */
void error_prepend(Error **errp, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/**
 * error_append_hint() - add a hint line printed after the message by
 * error_report_err() (not sent over QMP).
 */
void error_append_hint(Error **errp, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

const char *error_get_pretty(const Error *err);
ErrorClass error_get_class(const Error *err);
/** error_class_name() - the QMP spelling of @cls, e.g. "GenericError". */
const char *error_class_name(ErrorClass cls);
Error *error_copy(const Error *err);
void error_free(Error *err);
/** error_free_or_abort() - free *@errp, which must be set; for tests. */
void error_free_or_abort(Error **errp);

/**
 * error_report() - print "<program>: <message>" on stderr (one line).
 */
void error_report(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void warn_report(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void info_report(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
/** error_report_err() - report @err (message and hints) and free it. */
void error_report_err(Error *err);
void warn_report_err(Error *err);

/** error_set_progname() - the prefix error_report() prints ("plimsoll"). */
void error_set_progname(const char *name);
/** error_set_report_timestamp() - prefix reports with a timestamp
 *  (-msg timestamp=on). */
void error_set_report_timestamp(bool on);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(Error, error_free)

#endif /* UTIL_ERROR_H */
