#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Run test-ui-window (the real SDL window) on a private Xvfb server.
# Usage: test-ui-window.sh PROGRAM SPEC OUTDIR
# Exits 77 (skipped) when Xvfb is not installed.
set -eu
prog=$1
spec=$2
outdir=$3
if ! command -v xvfb-run >/dev/null 2>&1; then
    echo "xvfb-run not found (scripts/install-deps.sh installs xvfb): skip"
    exit 77
fi
mkdir -p "$outdir"
# Mesa's software rasteriser gives the GL path a context without a GPU.
export LIBGL_ALWAYS_SOFTWARE=1
exec xvfb-run -a -s "-screen 0 1024x768x24" "$prog" "$spec" "$outdir"
