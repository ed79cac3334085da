#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# make bench: run every bench/*.sh with the build directory as argument.
set -eu
build=${1:-build}
src=$(cd "$(dirname "$0")/.." && pwd)
found=0
for b in "$src"/bench/*.sh; do
    [ -e "$b" ] || continue
    found=1
    echo "== $(basename "$b")"
    sh "$b" "$build"
done
[ "$found" = 1 ] || echo "run-benchmarks: no benchmarks yet"
