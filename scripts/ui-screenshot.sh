#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Regenerate docs/images/notifications.png, the README's picture of the
# notification overlay: the real SDL window (GL path) on a private Xvfb
# server, showing a "Disk almost full" toast over a "VM paused: disk full"
# modal, captured from the X server by tests/functional/test-ui-window.
#
# Usage: scripts/ui-screenshot.sh [BUILDDIR]     (default: build)
set -eu
srcdir=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
prog="$build/tests/functional/test-ui-window"
if [ ! -x "$prog" ]; then
    echo "ui-screenshot: $prog not built; run 'ninja -C $build' first" >&2
    exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$srcdir/tests/functional/test-ui-xvfb.sh" "$prog" "sdl,gl=on" "$tmp" >/dev/null
mkdir -p "$srcdir/docs/images"
cp "$tmp/window-modal-gl.png" "$srcdir/docs/images/notifications.png"
echo "ui-screenshot: wrote docs/images/notifications.png"
