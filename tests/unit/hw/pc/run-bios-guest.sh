#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run-bios-guest.sh PLIMSOLL IMAGE EXPECTED [ARGS...]: boot a test image
# assembled from tests/unit/hw/*/guest-*.asm as the firmware of "-machine
# $MACHINE" (default pc) and check its exit status (isa-debug-exit: 1 =
# every step passed; the image writes it only after every phase passed).
# The letters it printed on port 0xe9 say how far it got (the last ones
# may not reach the file before the emulator exits).
plimsoll=$1 image=$2 expected=$3
shift 3
log=$(mktemp)
trap 'rm -f "$log"' EXIT
timeout 60 "$plimsoll" -machine "${MACHINE:-pc}" -m 16 -bios "$image" \
    -display none -vga none "$@" \
    -chardev file,id=con,path="$log" \
    -device isa-debugcon,iobase=0xe9,chardev=con \
    -device isa-debug-exit,iobase=0xf4,iosize=1
status=$?
out=$(cat "$log")
if [ "$status" -ne 1 ]; then
    echo "exit status $status (expected 1), output '$out' (expected $expected)" >&2
    exit 1
fi
echo "ok: $out"
exit 0
