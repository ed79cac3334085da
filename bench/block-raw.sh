#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Block layer throughput on raw images and on null-co (pure block-layer
# overhead): plimsoll-img bench against qemu-img bench in the same run, on
# the same file.  Each case runs ROUNDS times alternating the two tools;
# the best (lowest) time of each is kept, because the machine is shared.
# Prints one table row per case: time of each tool and the ratio
# qemu/plimsoll (>= 1.0 means Plimsoll is at least as fast).
#
# Usage: bench/block-raw.sh [BUILDDIR]   (env: ROUNDS=5, BENCH_DIR=/var/tmp)
set -eu
build=${1:-build}
img_tool="$build/tools/img/plimsoll-img"
rounds=${ROUNDS:-5}
dir=$(mktemp -d "${BENCH_DIR:-/var/tmp}/plimsoll-bench-XXXXXX")
trap 'rm -rf "$dir"' EXIT

if [ ! -x "$img_tool" ] || ! command -v qemu-img >/dev/null; then
    echo "block-raw: needs $img_tool and qemu-img; skipped"
    exit 0
fi

img="$dir/bench.raw"
qemu-img create -q -f raw "$img" 1G
# Allocate the first 256 MiB so reads hit real data.
dd if=/dev/zero of="$img" bs=1M count=256 conv=notrunc status=none

best() {   # best TOOL ARGS... : lowest "Run completed in X seconds" of rounds
    tool=$1; shift
    b=""
    i=0
    while [ $i -lt "$rounds" ]; do
        t=$("$tool" bench "$@" | sed -n 's/^Run completed in \([0-9.]*\) seconds.*/\1/p')
        if [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" = 1 ]; then
            b=$t
        fi
        i=$((i + 1))
    done
    echo "$b"
}

row() {   # row LABEL ARGS...
    label=$1; shift
    q=$(best qemu-img "$@")
    p=$(best "$img_tool" "$@")
    printf '%-34s qemu-img %7ss  plimsoll-img %7ss  ratio %s\n' "$label" \
        "$q" "$p" "$(echo "scale=2; $q / $p" | bc)"
}

for cache in writeback none; do
    row "raw $cache 4k read qd1"    -f raw -t $cache -c 20000 -d 1 -s 4k "$img"
    row "raw $cache 4k read qd32"   -f raw -t $cache -c 50000 -d 32 -s 4k "$img"
    row "raw $cache 4k write qd1"   -f raw -t $cache -w -c 20000 -d 1 -s 4k "$img"
    row "raw $cache 4k write qd32"  -f raw -t $cache -w -c 50000 -d 32 -s 4k "$img"
    row "raw $cache 64k write qd1"  -f raw -t $cache -w -c 4000 -d 1 -s 64k "$img"
    row "raw $cache 64k write qd32" -f raw -t $cache -w -c 8000 -d 32 -s 64k "$img"
done
row "null-co 4k read qd1"  -f raw -c 50000 -d 1 -s 4k "null-co://"
row "null-co 4k read qd32" -f raw -c 200000 -d 32 -s 4k "null-co://"
