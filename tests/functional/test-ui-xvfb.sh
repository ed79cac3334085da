#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Run a UI test command on a private Xvfb server (1024x768, 24 bit).
# Usage: test-ui-xvfb.sh COMMAND [ARGS...]
# Exits 77 (skipped) when Xvfb is not installed.
set -eu
if ! command -v xvfb-run >/dev/null 2>&1; then
    echo "xvfb-run not found (scripts/install-deps.sh installs xvfb): skip"
    exit 77
fi
# Mesa's software rasteriser gives the GL path a context without a GPU.
export LIBGL_ALWAYS_SOFTWARE=1
exec xvfb-run -a -s "-screen 0 1024x768x24" "$@"
