/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plimsoll: the system emulator's entry point.  Placeholder until the
 * command line lands (issue: Foundation).
 */
#include <stdio.h>
#include <string.h>

#include "config-host.h"
#include "util/error.h"

int main(int argc, char **argv)
{
    if (argc > 1 && (!strcmp(argv[1], "-version") ||
                     !strcmp(argv[1], "--version"))) {
        printf("Plimsoll emulator version %s\n", PLIMSOLL_VERSION);
        return 0;
    }
    error_report("the command line is not built yet");
    return 1;
}
