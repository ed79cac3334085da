#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# plimsoll-img bench against qemu-img bench, same run, same file system
# (issues 3 and 4): 4 KiB allocating writes into an empty qcow2 image,
# 64 KiB sequential writes, 4 KiB reads and in-place rewrites of allocated
# data at a large step (a scattered pattern; qemu-img bench has no random
# mode), at queue depth 1 and 32, cache=none and writeback; then the
# overlap-check modes none, cached and all.
#
# Trust: each case runs REPS times per tool, the two tools interleaved
# (q p, p q, q p, ...) so that a burst of load or the kernel writing back
# an earlier case's dirty pages hits both alike; the images are synced
# before every timed run (outside the timing).  For each tool the best
# and the median time are printed, with the ratios qemu-img / plimsoll-img
# of both (>= 1: we are as fast): the best run shows what each tool can
# do, the median what it usually does (cache=none cells wait for the
# disk, whose latency varies from run to run).  Then each tool's spread
# (slowest minus best run, ms) and the load average before and after.
#
# Usage: bench/img-bench.sh BUILDDIR [SCRATCHDIR]
#   REPS=N (default 3), SCALE=N multiplies every request count (default 1),
#   CASES=regex runs only the matching case labels.
set -u
BUILD=$(cd "${1:-build}" && pwd)
DIR=${2:-$(mktemp -d /var/tmp/plimsoll-bench.XXXXXX)}
PIMG="$BUILD/tools/img/plimsoll-img"
REPS=${REPS:-3}
SCALE=${SCALE:-1}
CASES=${CASES:-.}
cd "$DIR" || exit 1

run_once()   # tool prep args... -> seconds
{
    local tool=$1 prep=$2 t; shift 2
    $prep
    sync b.qcow2 d.qcow2
    t=$("$tool" bench "$@" 2>&1 | sed -n 's/^Run completed in \([0-9.]*\).*/\1/p')
    [ -n "$t" ] || { echo "FAILED: $tool bench $*" >&2; t=999999; }
    echo "$t"
}

# best / median of a list of seconds
best()   { printf '%s\n' "$@" | sort -n | head -1; }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
spread() { printf '%s\n' "$@" | sort -n | awk 'NR == 1 {b = $1} {w = $1} END {print 1000 * (w - b)}'; }

# A new empty image per run under a new name: unlinking a just-written
# image waits for its pages under writeback (tens of seconds on a busy
# disk), so the old ones are only removed at the end.
# They are copies of one empty image: qemu-img create flushes, which can
# also take seconds there.
RUN=0
fresh()
{
    RUN=$((RUN + 1))
    cp empty.qcow2 "b$RUN.qcow2"
    ln -sf "b$RUN.qcow2" b.qcow2
}
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
    local -a q=() p=()
    local r
    [[ $label =~ $CASES ]] || return 0
    for ((r = 0; r < REPS; r++)); do
        if ((r % 2 == 0)); then
            q+=("$(run_once qemu-img "$prep" "$@")")
            p+=("$(run_once "$PIMG" "$prep" "$@")")
        else
            p+=("$(run_once "$PIMG" "$prep" "$@")")
            q+=("$(run_once qemu-img "$prep" "$@")")
        fi
    done
    local qb pb qm pm
    qb=$(best "${q[@]}"); pb=$(best "${p[@]}")
    qm=$(median "${q[@]}"); pm=$(median "${p[@]}")
    printf '| %-44s | %8s | %8s | %5.2f | %8s | %8s | %5.2f | %4.0f | %4.0f |\n' \
        "$label" "$qb" "$pb" "$(echo "$qb $pb" | awk '{print $1 / $2}')" \
        "$qm" "$pm" "$(echo "$qm $pm" | awk '{print $1 / $2}')" \
        "$(spread "${q[@]}")" "$(spread "${p[@]}")"
}

prepare_full
qemu-img create -q -f qcow2 empty.qcow2 2G
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); REPS=$REPS SCALE=$SCALE"
echo "| case | qemu-img best s | plimsoll-img best s | ratio best | qemu-img median s | plimsoll-img median s | ratio median | q spread ms | p spread ms |"
echo "|---|---|---|---|---|---|---|---|---|"
for cache in writeback none; do
    n=$((16000 * SCALE)); [ $cache = none ] && n=$((4000 * SCALE))
    for qd in 1 32; do
        row "4k alloc write, QD$qd, cache=$cache" fresh -w -s 4k -S 64k \
            -c $n -d $qd -t $cache -f qcow2 b.qcow2
        row "64k seq write, QD$qd, cache=$cache" fresh -w -s 64k -c $((n / 4)) \
            -d $qd -t $cache -f qcow2 b.qcow2
        row "4k read (step 1020k), QD$qd, cache=$cache" full -s 4k -S 1044480 \
            -c $((n * 2)) -d $qd -t $cache -f qcow2 d.qcow2
    done
done
for mode in none cached all; do
    for qd in 1 32; do
        opts="driver=qcow2,file.driver=file,file.filename=b.qcow2,overlap-check=$mode"
        row "4k alloc write, QD$qd, overlap-check=$mode" fresh -w -s 4k -S 64k \
            -c $((16000 * SCALE)) -d $qd --image-opts "$opts"
        opts="driver=qcow2,file.driver=file,file.filename=d.qcow2,overlap-check=$mode"
        row "4k rewrite (step 1020k), QD$qd, overlap-check=$mode" full -w -s 4k \
            -S 1044480 -c $((32000 * SCALE)) -d $qd --image-opts "$opts"
    done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -f b.qcow2 b[0-9]*.qcow2 d.qcow2 empty.qcow2
