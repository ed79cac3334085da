#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# guest-io.sh BUILDDIR: disk throughput inside the Linux test guest
# (sequential 1 MiB and random 4 KiB O_DIRECT dd over virtio-blk and IDE
# on qcow2) for Plimsoll and, if installed, QEMU TCG in the same run; a
# Markdown table (bench/guest-io.py does the work).  The guest comes from
# scripts/build-linux-guest.sh (BUILDDIR/guest/linux-amd64).
set -u
build=${1:-build}
here=$(dirname "$0")
qemu=$(command -v qemu-system-x86_64 || true)
exec python3 "$here/guest-io.py" "$build/plimsoll" $qemu \
    --guest "$build/guest/linux-amd64"
