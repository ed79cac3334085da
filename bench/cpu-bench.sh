#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# cpu-bench.sh BUILDDIR: guest instructions per second of Plimsoll's CPU on
# a register loop and a memory loop (bench/cpu-loop.asm), and of QEMU TCG
# on the same images when qemu-system-x86_64 is installed, in the same run.
# Each emulator runs the image once with no loop (start-up cost) and once
# with the loop; MIPS = loop instructions / (loop time - start-up time).
# QEMU gets more iterations so its run is long enough to time.
set -eu
build=${1:-build}
src=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
runner=$build/tests/guest/cpu/plimsoll-cputest
p_iters=${P_ITERS:-20000000}
q_iters=${Q_ITERS:-400000000}

now() { date +%s.%N; }
asm() { nasm -f bin -DLOOP="$1" -DITERS="$2" -o "$3" "$src/cpu-loop.asm"; }

time_plimsoll() {
    t0=$(now); "$runner" "$1" >/dev/null; t1=$(now)
    echo "$t1 - $t0" | bc -l
}
time_qemu() {
    t0=$(now)
    qemu-system-x86_64 -machine pc,accel=tcg -nodefaults -display none \
        -bios "$1" -device isa-debug-exit,iobase=0xf4,iosize=4 \
        >/dev/null 2>&1 || true
    t1=$(now)
    echo "$t1 - $t0" | bc -l
}

asm none 1 "$tmp/none.bin"
printf '%-6s %-10s %14s %10s %10s\n' loop engine instructions seconds MIPS
for loop in alu mem; do
    asm "$loop" "$p_iters" "$tmp/p-$loop.bin"
    base=$(time_plimsoll "$tmp/none.bin")
    t=$(time_plimsoll "$tmp/p-$loop.bin")
    n=$((p_iters * 5))
    pm=$(echo "$n / ($t - $base) / 1000000" | bc -l)
    printf '%-6s %-10s %14d %10.3f %10.1f\n' "$loop" plimsoll "$n" "$t" "$pm"
    if command -v qemu-system-x86_64 >/dev/null 2>&1; then
        asm "$loop" "$q_iters" "$tmp/q-$loop.bin"
        base=$(time_qemu "$tmp/none.bin")
        t=$(time_qemu "$tmp/q-$loop.bin")
        n=$((q_iters * 5))
        qm=$(echo "$n / ($t - $base) / 1000000" | bc -l)
        printf '%-6s %-10s %14d %10.3f %10.1f\n' "$loop" qemu-tcg "$n" "$t" "$qm"
        printf '%-6s ratio qemu/plimsoll: %.1fx\n' "$loop" \
            "$(echo "$qm / $pm" | bc -l)"
    fi
done
