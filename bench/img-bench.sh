#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# plimsoll-img bench against qemu-img bench, same run, same file system
# (issues 3 and 4): 4 KiB allocating writes into an empty qcow2 image,
# 64 KiB sequential writes, 4 KiB reads and in-place rewrites of allocated
# data at a large step (a scattered pattern; qemu-img bench has no random
# mode), at queue depth 1 and 32, cache=none and writeback; then the
# overlap-check modes none, cached and all.  Each case runs REPS times per
# tool, alternating tools, and the best time counts (the machine is
# shared).  Ratio = qemu-img time / plimsoll-img time (>= 1: as fast).
#
# Usage: bench/img-bench.sh BUILDDIR [SCRATCHDIR]
set -u
BUILD=$(cd "${1:-build}" && pwd)
DIR=${2:-$(mktemp -d /var/tmp/plimsoll-bench.XXXXXX)}
PIMG="$BUILD/tools/img/plimsoll-img"
REPS=${REPS:-3}
cd "$DIR" || exit 1

best_time()   # tool args... -> seconds (best of REPS)
{
    local tool=$1 prep=$2; shift 2
    local best=999999 t
    for ((r = 0; r < REPS; r++)); do
        $prep
        t=$("$tool" bench "$@" 2>&1 | sed -n 's/^Run completed in \([0-9.]*\).*/\1/p')
        [ -n "$t" ] || { echo "FAILED: $tool bench $*" >&2; t=999999; }
        best=$(echo "$t $best" | awk '{print ($1 < $2) ? $1 : $2}')
    done
    echo "$best"
}

fresh() { rm -f b.qcow2; qemu-img create -q -f qcow2 b.qcow2 1G; }
full()  { :; }
prepare_full()
{
    rm -f d.qcow2
    qemu-img create -q -f qcow2 d.qcow2 256M
    qemu-io -c 'write -P 7 0 256M' d.qcow2 >/dev/null
}

row()   # label prep args...
{
    local label=$1 prep=$2; shift 2
    local q p
    q=$(best_time qemu-img "$prep" "$@")
    p=$(best_time "$PIMG" "$prep" "$@")
    printf '| %-44s | %8s | %8s | %5.2f |\n' "$label" "$q" "$p" \
        "$(echo "$q $p" | awk '{print $1 / $2}')"
}

prepare_full
echo "| case | qemu-img s | plimsoll-img s | ratio |"
echo "|---|---|---|---|"
for cache in writeback none; do
    n=8000; [ $cache = none ] && n=2000
    for qd in 1 32; do
        row "4k alloc write, QD$qd, cache=$cache" fresh -w -s 4k -S 64k \
            -c $n -d $qd -t $cache -f qcow2 b.qcow2
        row "64k seq write, QD$qd, cache=$cache" fresh -w -s 64k -c $((n / 2)) \
            -d $qd -t $cache -f qcow2 b.qcow2
        row "4k read (step 1020k), QD$qd, cache=$cache" full -s 4k -S 1044480 \
            -c $((n * 2)) -d $qd -t $cache -f qcow2 d.qcow2
    done
done
for mode in none cached all; do
    for qd in 1 32; do
        opts="driver=qcow2,file.driver=file,file.filename=b.qcow2,overlap-check=$mode"
        row "4k alloc write, QD$qd, overlap-check=$mode" fresh -w -s 4k -S 64k \
            -c 8000 -d $qd --image-opts "$opts"
        opts="driver=qcow2,file.driver=file,file.filename=d.qcow2,overlap-check=$mode"
        row "4k rewrite (step 1020k), QD$qd, overlap-check=$mode" full -w -s 4k \
            -S 1044480 -c 16000 -d $qd --image-opts "$opts"
    done
done
rm -f b.qcow2 d.qcow2
