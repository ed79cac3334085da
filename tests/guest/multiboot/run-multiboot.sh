#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run-multiboot.sh PLIMSOLL KERNEL: boot a Multiboot test kernel
# (mb-test.asm) with two modules and a command line, and check its exit
# status (isa-debug-exit: 1 = every check passed on both boots).
plimsoll=$1 kernel=$2
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
printf MOD1 > "$d/mod1"
printf MOD2 > "$d/mod2"
timeout 60 "$plimsoll" -machine pc -m 32 -display none -vga none \
    -kernel "$kernel" -append "mbtest=ok" \
    -initrd "$d/mod1 arg1,$d/mod2 second,,comma" \
    -chardev file,id=con,path="$d/log" \
    -device isa-debugcon,iobase=0xe9,chardev=con \
    -device isa-debug-exit,iobase=0xf4,iosize=1
status=$?
if [ "$status" -ne 1 ]; then
    echo "exit status $status (expected 1), output '$(cat "$d/log")'" \
         "(expected MICDELMICDELR)" >&2
    exit 1
fi
echo "ok: $(cat "$d/log")"
