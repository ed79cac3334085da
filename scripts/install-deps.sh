#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Install every Debian package that Plimsoll's build, tests and demo need.
# This list is the only place those packages are named.  Uses sudo when not
# root; prints one line and does nothing when everything is present; safe to
# run any number of times.
set -eu

PACKAGES="
meson ninja-build pkg-config gcc python3 nasm
libglib2.0-dev libsdl2-dev libsdl2-ttf-dev libpixman-1-dev libepoxy-dev
libcapstone-dev libjson-c-dev zlib1g-dev libzstd-dev libpng-dev liburing-dev
qemu-utils qemu-system-x86 seabios
xvfb xauth fonts-dejavu-core libx11-dev gdb
busybox-static cpio xz-utils mtools dosfstools syslinux syslinux-common isolinux xorriso
grub-invaders
"

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
        missing="$missing $p"
    fi
done

if [ -z "$missing" ]; then
    echo "install-deps: all $(echo $PACKAGES | wc -w) packages present"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
else
    SUDO="sudo"
fi
echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
