#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run-apic-guest.sh PLIMSOLL IMAGE: boot guest-apic.asm as the firmware of
# "-machine pc,apic=on" and check what it printed and how it exited.
plimsoll=$1 image=$2
log=$(mktemp)
trap 'rm -f "$log"' EXIT
timeout 60 "$plimsoll" -machine pc,apic=on -smp 2 -m 16 -bios "$image" \
    -display none -vga none \
    -chardev file,id=con,path="$log" \
    -device isa-debugcon,iobase=0xe9,chardev=con \
    -device isa-debug-exit,iobase=0xf4,iosize=1
status=$?
out=$(cat "$log")
# Status 1 (value 0) is written only after every phase passed, 3 on an
# unexpected vector; the letters on 0xe9 say how far it got, but the last
# ones may not reach the file before the emulator exits.
if [ "$status" -ne 1 ]; then
    echo "exit status $status (expected 1), output '$out' (expected MAPHSD)" >&2
    exit 1
fi
echo "ok: $out"
exit 0
