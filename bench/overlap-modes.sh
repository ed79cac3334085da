#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The cost of qcow2 overlap checks in plimsoll-img alone (issue 4: "all
# within 10% of none"): 4 KiB allocating writes and 4 KiB scattered
# rewrites with overlap-check=none, cached and all, the modes interleaved
# round by round (none cached all, all cached none, ...) so that drift in
# the host (dirty page writeback, load) reaches every mode alike; best of
# REPS rounds, and each mode's time relative to none.
#
# Usage: bench/overlap-modes.sh BUILDDIR [SCRATCHDIR]   (REPS=N, default 5)
set -u
BUILD=$(cd "${1:-build}" && pwd)
DIR=${2:-$(mktemp -d /var/tmp/plimsoll-ovl.XXXXXX)}
PIMG="$BUILD/tools/img/plimsoll-img"
REPS=${REPS:-5}
cd "$DIR" || exit 1
qemu-img create -q -f qcow2 empty.qcow2 1G
qemu-img create -q -f qcow2 d.qcow2 256M
qemu-io -c 'write -P 7 0 256M' d.qcow2 >/dev/null

# one KIND QD MODE -> seconds
one()
{
    local kind=$1 qd=$2 mode=$3 img=d.qcow2 args
    if [ "$kind" = alloc ]; then
        cp empty.qcow2 b.qcow2; img=b.qcow2
        args="-w -s 4k -S 64k -c 16000"
    else
        args="-w -s 4k -S 1044480 -c 32000"
    fi
    sync "$img"
    "$PIMG" bench $args -d "$qd" --image-opts \
        "driver=qcow2,file.driver=file,file.filename=$img,overlap-check=$mode" |
        sed -n 's/^Run completed in \([0-9.]*\).*/\1/p'
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); REPS=$REPS"
echo "| case | none s | cached s | all s | cached/none | all/none |"
echo "|---|---|---|---|---|---|"
for kind in alloc rewrite; do
    for qd in 1 32; do
        declare -A best=([none]=999 [cached]=999 [all]=999)
        for r in $(seq "$REPS"); do
            order="none cached all"
            [ $((r % 2)) = 0 ] && order="all cached none"
            for m in $order; do
                t=$(one "$kind" "$qd" "$m")
                best[$m]=$(echo "${best[$m]} ${t:-999}" |
                           awk '{print ($1 < $2) ? $1 : $2}')
            done
        done
        echo "${best[none]} ${best[cached]} ${best[all]}" | awk -v k="4k $kind QD$qd" \
            '{printf "| %s | %.3f | %.3f | %.3f | %.2f | %.2f |\n", k, $1, $2, $3, $2/$1, $3/$1}'
        unset best
    done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -f b.qcow2 d.qcow2 empty.qcow2
