/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The UI's QMP commands (qapi/ui.json): screendump as QEMU has it, and
 * Plimsoll's x-screendump-window.  Thin wrappers over ui/screendump.c.
 */
#include "qapi/qapi-commands.h"
#include "ui/screendump.h"

void qmp_screendump(const char *filename, bool has_device, const char *device,
                    bool has_head, int64_t head, bool has_format,
                    ImageFormat format, Error **errp)
{
    /* As QEMU: without a device, the head number is not looked at. */
    screendump(filename, has_device ? device : NULL,
               has_device && has_head, head,
               has_format ? ImageFormat_str(format) : NULL, errp);
}

void qmp_x_screendump_window(const char *filename, bool has_format,
                             ImageFormat format, Error **errp)
{
    screendump_window(filename, has_format ? ImageFormat_str(format) : NULL,
                      errp);
}
