#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# make run: the thin-provisioning demo (README "The demo").
#
# 1. builds the Linux test guest from Debian packages (scripts/
#    build-linux-guest.sh) into BUILD/guest;
# 2. makes a small "thin volume" holding a 1 GiB qcow2 data disk: a tmpfs
#    mount when we may mount (root), else the image sits in a plain
#    directory behind a blkdebug node whose ENOSPC limit plays the end of
#    the volume (writes past it fail with ENOSPC, as on a full thin LV);
#    PLIMSOLL_DEMO_VOLUME=blkdebug picks that path even as root;
# 3. boots the guest directly (-kernel) with the disk, a QMP socket and a
#    window when a display server is reachable (headless otherwise);
# 4. runs scripts/thin-manager against QMP: it arms a write threshold on
#    the disk's file node, grows the volume (remounts the tmpfs larger, or
#    raises the blkdebug limit over QMP) each time the guest crosses it,
#    and resumes the VM if the guest ever fills the volume first.
# The guest writes GUEST_LOOPS x 8 MiB and powers off.  Connect your own
# QMP client meanwhile: scripts/plimsoll-qmp RUNDIR/qmp-user.sock
set -eu

build=${1:-build}
src=$(cd "$(dirname "$0")/.." && pwd)
case "$build" in /*) ;; *) build=$src/$build ;; esac
plimsoll=$build/plimsoll
img=$build/tools/img/plimsoll-img
loops=${GUEST_LOOPS:-8}
run=$build/demo
mkdir -p "$run"

say() { echo "make run: $*"; }

sh "$src/scripts/build-linux-guest.sh" "$build/guest" >/dev/null
guest=$build/guest/linux-amd64
say "guest: Debian kernel $(cat "$guest/kernel-version") + busybox initrd ($guest)"

vol=$run/volume
mkdir -p "$vol"
if mountpoint -q "$vol" 2>/dev/null; then
    umount -l "$vol" || true
fi
manager_vol=""
if [ "${PLIMSOLL_DEMO_VOLUME:-}" != blkdebug ] && [ "$(id -u)" -eq 0 ] &&
   mount -t tmpfs -o size=8m tmpfs "$vol" 2>/dev/null; then
    manager_vol="--tmpfs $vol"
    say "thin volume: an 8 MiB tmpfs at $vol (the manager grows it by 8 MiB)"
else
    manager_vol="--blkdebug"
    say "thin volume: $vol behind a blkdebug node: writes past 8 MiB fail with ENOSPC until the manager raises that limit over QMP (no root needed)"
fi
rm -f "$vol/data.qcow2"
"$img" create -q -f qcow2 "$vol/data.qcow2" 1G

display=none
if [ -n "${DISPLAY:-}" ] && command -v xdpyinfo >/dev/null 2>&1 &&
   xdpyinfo >/dev/null 2>&1; then
    display=sdl
    say "window: SDL on $DISPLAY (notifications appear top-right)"
elif [ -n "${DISPLAY:-}" ]; then
    display=sdl
    say "window: SDL on $DISPLAY"
else
    say "no display server (\$DISPLAY unset): running headless; events are printed below"
fi

disk_if=virtio
if ! "$plimsoll" -device help 2>&1 | grep -q '"virtio-blk-pci"'; then
    disk_if=none
    say "virtio-blk is not built yet: the data disk is attached to the block layer only"
fi

# The data disk: a -drive over the image, or, for the blkdebug volume, the
# node chain qcow2 -> blkdebug (x-enospc-limit) -> file with the device
# on top (the same werror=enospc policy).
if [ "$manager_vol" = --blkdebug ]; then
    node='{"driver": "qcow2", "node-name": "disk0", "file": {"driver": "blkdebug", "node-name": "thinvol", "x-enospc-limit": 8388608, "image": {"driver": "file", "filename": "'"$vol/data.qcow2"'"}}}'
    if [ "$disk_if" = virtio ]; then
        set -- -blockdev "$node" -device virtio-blk-pci,drive=disk0,werror=enospc
    else
        set -- -blockdev "$node"
    fi
else
    set -- -drive file="$vol/data.qcow2",format=qcow2,if=$disk_if,id=disk0,werror=enospc
fi

rm -f "$run/qmp.sock" "$run/qmp-user.sock"
"$plimsoll" -name plimsoll-demo -m 512 -display "$display" \
    -kernel "$guest/vmlinuz" -initrd "$guest/initrd.img" \
    -append "console=ttyS0 quiet guest_loop=$loops" \
    "$@" \
    -serial stdio \
    -qmp unix:"$run/qmp.sock",server=on,wait=off \
    -qmp unix:"$run/qmp-user.sock",server=on,wait=off &
vm=$!
trap 'kill $vm 2>/dev/null; [ "$manager_vol" != --blkdebug ] && umount -l "$vol" 2>/dev/null; exit 0' INT TERM
i=0
while [ ! -S "$run/qmp.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
say "QMP: connect your own client with: scripts/plimsoll-qmp $run/qmp-user.sock"
# shellcheck disable=SC2086
python3 "$src/scripts/thin-manager" --qmp "$run/qmp.sock" --drive disk0 \
    $manager_vol --chunk 8M --watermark 4M --max 1G &
wait $vm || true
[ "$manager_vol" != --blkdebug ] && umount -l "$vol" 2>/dev/null
say "the VM has exited"
