/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plimsoll-io's command table and the state commands share.  Commands
 * follow qemu-io's names, options and output lines (see io-cmds.c).
 */
#ifndef TOOLS_IO_IO_CMDS_H
#define TOOLS_IO_IO_CMDS_H

#include <stdbool.h>

#include "block/block-backend.h"

/* One open image and the tool's outcome so far. */
typedef struct IoContext {
    BlockBackend *blk;
    int failures;            /* commands that failed: exit status 1 */
} IoContext;

/**
 * struct IoCommand - one command.
 * @name, @altname: "write" / "w".
 * @args: usage line after the name.
 * @min_args, @max_args: positional arguments after options (-1: any).
 * @fn: runs with argv[0] = the command name; returns 0 or -errno (already
 *      reported on stdout).
 * @help: one line.
 * @writes: refused on a read-only image ("Block node is read-only").
 */
typedef struct IoCommand {
    const char *name;
    const char *altname;
    const char *args;
    int min_args;
    int max_args;
    int (*fn)(IoContext *ctx, int argc, char **argv);
    const char *help;
    bool writes;
} IoCommand;

/** io_command_table - all commands, NULL-name terminated. */
extern const IoCommand io_command_table[];

/**
 * io_run_command_line() - split @line into words and run the command.
 * Returns 0, or -errno when the command failed (also counted in @ctx).
 */
int io_run_command_line(IoContext *ctx, const char *line);

#endif /* TOOLS_IO_IO_CMDS_H */
