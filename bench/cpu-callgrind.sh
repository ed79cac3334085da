#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# cpu-callgrind.sh BUILDDIR: host instructions per guest instruction of
# Plimsoll's interpreter on the register and memory loops of
# bench/cpu-loop.asm, counted by valgrind's callgrind.  Unlike the timed
# benchmarks this does not move with the machine's load, so it is the
# figure to compare between commits.  The start-up cost is measured with
# an empty loop and subtracted.
set -eu
build=${1:-build}
src=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
runner=$build/tests/guest/cpu/plimsoll-cputest
iters=${ITERS:-200000}

if ! command -v valgrind >/dev/null 2>&1; then
    echo "cpu-callgrind: valgrind is not installed" >&2
    exit 1
fi
irefs() {
    valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" \
        "$runner" "$1" 2>&1 >/dev/null |
        awk '/refs:/ { gsub(",", "", $4); print $4 }'
}
nasm -f bin -DLOOP=none -DITERS=1 -o "$tmp/none.bin" "$src/cpu-loop.asm"
base=$(irefs "$tmp/none.bin")
printf '| loop | guest instructions | host instructions per guest instruction |\n'
printf '|---|---|---|\n'
for loop in alu mem call; do
    nasm -f bin -DLOOP="$loop" -DITERS="$iters" -o "$tmp/$loop.bin" \
        "$src/cpu-loop.asm"
    n=$(irefs "$tmp/$loop.bin")
    printf '| %s | %d | %.1f |\n' "$loop" $((iters * 5)) \
        "$(echo "($n - $base) / ($iters * 5)" | bc -l)"
done
