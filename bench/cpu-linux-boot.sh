#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# cpu-linux-boot.sh BUILDDIR KERNEL INITRD: wall-clock seconds from start
# to the Linux test guest's "GUEST-INIT-START" marker on the serial port,
# for Plimsoll and (if installed) QEMU TCG, in the same run, and the CPU
# seconds (user + system, all threads) each process had used by then,
# which a loaded machine distorts less than wall time.  The guest is
# built by scripts/build-linux-guest.sh.
set -u
build=$1 kernel=$2 initrd=$3
limit=${LIMIT:-900}
append="console=ttyS0"

# Start "$@" with output to a file, poll for the marker, stop it by PID.
time_to_marker() {
    log=$(mktemp)
    start=$(date +%s.%N)
    "$@" >"$log" 2>/dev/null &
    pid=$!
    t=""
    while kill -0 "$pid" 2>/dev/null; do
        if grep -q GUEST-INIT-START "$log"; then
            t=$(echo "$(date +%s.%N) - $start" | bc -l)
            # utime and stime, fields 14 and 15 of /proc/PID/stat (the
            # command name, field 2, has no spaces here).
            cpu=$(awk -v hz="$(getconf CLK_TCK)" \
                  '{ printf "%.1f", ($14 + $15) / hz }' "/proc/$pid/stat")
            break
        fi
        if [ "$(echo "$(date +%s.%N) - $start > $limit" | bc -l)" = 1 ]; then
            break
        fi
        sleep 0.2
    done
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    rm -f "$log"
    echo "$t ${cpu:-}"
}

echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
set -- $(time_to_marker "$build/plimsoll" -display none -serial stdio \
    -m 256 -kernel "$kernel" -initrd "$initrd" -append "$append")
p=${1:-} pc=${2:-}
printf 'plimsoll  %s s to GUEST-INIT-START (cpu %s s)\n' "${p:-none}" \
    "${pc:-?}"
if command -v qemu-system-x86_64 >/dev/null 2>&1; then
    set -- $(time_to_marker qemu-system-x86_64 -machine pc,accel=tcg \
        -display none -serial stdio -m 256 -kernel "$kernel" \
        -initrd "$initrd" -append "$append")
    q=${1:-} qc=${2:-}
    printf 'qemu-tcg  %s s to GUEST-INIT-START (cpu %s s)\n' "${q:-none}" \
        "${qc:-?}"
    if [ -n "$p" ] && [ -n "$q" ]; then
        printf 'ratio plimsoll/qemu: %.1fx wall, %.1fx cpu\n' \
            "$(echo "$p / $q" | bc -l)" "$(echo "$pc / $qc" | bc -l)"
    fi
fi
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
