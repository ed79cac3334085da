#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# cpu-linux-boot.sh BUILDDIR KERNEL INITRD: wall-clock seconds from start
# to the Linux test guest's "GUEST-INIT-START" marker on the serial port,
# for Plimsoll and (if installed) QEMU TCG, in the same run.  The guest is
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
    echo "$t"
}

p=$(time_to_marker "$build/plimsoll" -display none -serial stdio -m 256 \
    -kernel "$kernel" -initrd "$initrd" -append "$append")
printf 'plimsoll  %s s to GUEST-INIT-START\n' "${p:-none}"
if command -v qemu-system-x86_64 >/dev/null 2>&1; then
    q=$(time_to_marker qemu-system-x86_64 -machine pc,accel=tcg \
        -display none -serial stdio -m 256 -kernel "$kernel" \
        -initrd "$initrd" -append "$append")
    printf 'qemu-tcg  %s s to GUEST-INIT-START\n' "${q:-none}"
    if [ -n "$p" ] && [ -n "$q" ]; then
        printf 'ratio plimsoll/qemu: %.1fx\n' "$(echo "$p / $q" | bc -l)"
    fi
fi
