#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# pc-boot.sh BUILDDIR [GUESTDIR]: wall-clock seconds from start to the
# Linux test guest's GUEST-INIT-START marker and to the process exit after
# its ACPI power-off, for Plimsoll's direct boot, Plimsoll through SeaBIOS
# (-bios: fw_cfg + its linuxboot option ROM), Plimsoll on two vCPUs, and
# QEMU TCG (SeaBIOS + linuxboot_dma) in the same run.  GUESTDIR defaults to
# BUILDDIR/guest/linux-amd64 (scripts/build-linux-guest.sh).  Prints one
# Markdown table row per case and the load average before each run.  The
# CPU seconds (user + system) each case used are printed as well: unlike
# the wall-clock times, which follow the load other work puts on the host
# and differ between runs by 15 s and more, they compare two cases fairly.
set -u
build=$1
guest=${2:-$build/guest/linux-amd64}
limit=${LIMIT:-900}
append="console=ttyS0 guest_nodisk=1"

if [ ! -f "$guest/vmlinuz" ]; then
    echo "pc-boot: no guest in $guest (run scripts/build-linux-guest.sh)"
    exit 0
fi

# Seconds of CPU (user + system) the shell's waited-for children used so
# far: the second line of the "times" builtin, which runs in this shell
# (a command substitution would run it in a fresh subshell).
cpu_so_far() {
    times >"$cpu_file"
    awk 'NR == 2 {
        split($1, u, /[ms]/); split($2, s, /[ms]/)
        printf "%.2f", u[1] * 60 + u[2] + s[1] * 60 + s[2]
    }' "$cpu_file"
}

# "marker exit cpu" seconds for "$@".  The marker is timed as its line comes
# out of the pipe, not by polling a log file: QEMU powers off within a few
# milliseconds of printing it, so a poller would often miss it.
boot_times() {
    log=$(mktemp)
    mark=$(mktemp)
    cpu_so_far >"$cpu_file.0"
    start=$(date +%s.%N)
    timeout "$limit" "$@" 2>/dev/null | tee "$log" | {
        grep -q GUEST-INIT-START && date +%s.%N >"$mark"
        cat >/dev/null
    }
    e=$(echo "$(date +%s.%N) - $start" | bc -l)
    m=""
    [ -s "$mark" ] && m=$(echo "$(cat "$mark") - $start" | bc -l)
    grep -q "GUEST-POWEROFF result=PASS" "$log" || e=""
    c0=$(cat "$cpu_file.0")
    cpu_so_far >"$cpu_file.1"
    c=$(echo "$(cat "$cpu_file.1") - $c0" | bc -l)
    rm -f "$log" "$mark" "$cpu_file.0" "$cpu_file.1"
    printf '%.2f %s %.2f' "${m:-0}" \
        "$( [ -n "$e" ] && printf '%.2f' "$e" || echo none)" "$c"
}

row() {
    name=$1
    shift
    load=$(cut -d' ' -f1 /proc/loadavg)
    set -- $(boot_times "$@")
    printf '| %s | %s | %s | %s | %s |\n' "$name" "$1" "$2" "$3" "$load"
}

cpu_file=$(mktemp)
trap 'rm -f "$cpu_file"' EXIT
echo "| boot | marker (s) | exit (s) | CPU (s) | load (1 min) |"
echo "| --- | --- | --- | --- | --- |"
common="-display none -serial stdio -no-reboot -m 256 -kernel $guest/vmlinuz -initrd $guest/initrd.img"
row "plimsoll direct -kernel" "$build/plimsoll" $common -append "$append"
row "plimsoll SeaBIOS + linuxboot ROM" "$build/plimsoll" -bios bios-256k.bin \
    $common -append "$append"
row "plimsoll direct -kernel, -smp 2" "$build/plimsoll" -smp 2 $common \
    -append "$append"
row "plimsoll direct -kernel, apic=off" "$build/plimsoll" -machine pc,apic=off \
    $common -append "$append"
if command -v qemu-system-x86_64 >/dev/null 2>&1; then
    row "qemu-tcg -kernel (SeaBIOS)" qemu-system-x86_64 -machine pc,accel=tcg \
        $common -append "$append"
fi
