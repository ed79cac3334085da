#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# /init of the Linux test guest (installed by scripts/build-linux-guest.sh).
# Prints GUEST-* markers at column 0 on the console, writes a known pattern
# to the test disk, reads it back, and powers off.  Kernel command-line
# knobs: guest_mb=N (write size), guest_dev=/dev/X (test disk),
# guest_nodisk=1, guest_exit=poweroff|reboot|debugexit|halt,
# guest_loop=N (repeat the write N times over successive regions: the
# thin-provisioning demo fills a disk this way), guest_vga=1 (with
# initrd-vga.img: load bochs-drm, draw a known screen on tty1 through
# fbcon, copy the visible framebuffer to the test disk instead of the
# pattern, then wait 60 s so the host can take a screendump),
# guest_vga=text (the same screen on the VGA text console, vgacon, when
# SeaBIOS booted the kernel; /dev/vcsa1 is copied to the test disk),
# guest_cdrom=N (no test disk: print "GUEST-CDROM n=I bytes=B md5=M" for
# the disc in /dev/sr0, then poll it for up to 60 s and print the line
# again each time a different disc is read, until N discs were seen).
export PATH=/bin:/sbin

up() { cut -d' ' -f1 /proc/uptime; }
mark() { echo "GUEST-$* uptime=$(up)"; }

mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null

mb=@WRITE_MB@
dev=""
nodisk=0
exitmode=poweroff
loops=1
vga=0
cdrom=0
for w in $(cat /proc/cmdline); do
    case "$w" in
    guest_mb=*) mb=${w#guest_mb=} ;;
    guest_dev=*) dev=${w#guest_dev=} ;;
    guest_nodisk=1) nodisk=1 ;;
    guest_exit=*) exitmode=${w#guest_exit=} ;;
    guest_loop=*) loops=${w#guest_loop=} ;;
    guest_vga=*) vga=${w#guest_vga=} ;;
    guest_cdrom=*) cdrom=${w#guest_cdrom=} ;;
    esac
done

echo "GUEST-INIT-START arch=$(uname -m) kernel=$(uname -r) uptime=$(up)"

finish() {
    echo "GUEST-RESULT $1"
    echo "GUEST-POWEROFF result=$1 uptime=$(up)"
    sync
    case "$exitmode" in
    reboot) reboot -f ;;
    halt) halt -f ;;
    debugexit) printf '\001' | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null ;;
    *) poweroff -f ;;
    esac
    sleep 10
}

fb=/sys/class/graphics/fb0
# The screen for guest_vga=1 or text: row 0 a marker in the default
# colours, row 2 eight 4-cell blocks in background colours 40-47, cursor
# hidden.
vga_console() {
    if [ "$vga" = text ]; then
        name=VGACON
    else
        name=FBCON
        for m in $(cat /lib/modules/order-vga 2>/dev/null); do
            insmod "/lib/modules/$m" || echo "GUEST-ERROR insmod $m"
        done
    fi
    i=0
    while [ "$vga" = 1 ] && [ ! -c /dev/fb0 ] && [ $i -lt 100 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    echo 0 > /sys/class/graphics/fbcon/cursor_blink 2>/dev/null
    {
        printf '\033[2J\033[H\033[?25lPLIMSOLL-%s\n\n' $name
        for c in 0 1 2 3 4 5 6 7; do printf '\033[4%sm    ' $c; done
        printf '\033[0m'
    } > /dev/tty1
    sleep 1
    [ "$vga" = text ] && return
    echo "GUEST-VGA name=$(cat $fb/name) mode=$(head -n 1 $fb/modes)" \
         "stride=$(cat $fb/stride) bpp=$(cat $fb/bits_per_pixel)" \
         "pan=$(cat $fb/pan)"
}
# Copy the visible part of the framebuffer (from the panning offset), or
# the text screen (/dev/vcsa1), to the test disk, then hold the picture
# for the host.
vga_dump() {
    if [ "$vga" = text ]; then
        dd if=/dev/vcsa1 of="$1" conv=fsync 2>/dev/null
        echo "GUEST-VGA-DUMPED vcsa1"
        sleep 60
        finish PASS
    fi
    yres=$(head -n 1 $fb/modes | sed 's/^[^:]*:[0-9]*x\([0-9]*\).*/\1/')
    pany=$(cut -d, -f2 $fb/pan)
    dd if=/dev/fb0 of="$1" bs="$(cat $fb/stride)" skip="$pany" \
       count="$yres" conv=fsync 2>/dev/null
    echo "GUEST-VGA-DUMPED rows=$yres from=$pany"
    sleep 60
    finish PASS
}

[ "$vga" != 0 ] && vga_console
if [ "$nodisk" = 1 ]; then
    [ "$vga" != 0 ] && sleep 60
    finish PASS
fi

for m in $(cat /lib/modules/order 2>/dev/null); do
    insmod "/lib/modules/$m" 2>/dev/null
done
mark MODULES-LOADED

# guest_cdrom: the disc's size and md5, or nothing while the drive is
# empty or its tray open (opening or reading /dev/sr0 then fails).
cd_read() {
    echo 3 > /proc/sys/vm/drop_caches
    b=$(blockdev --getsize64 /dev/sr0 2>/dev/null) || return 1
    [ "$b" -gt 0 ] || return 1
    dd if=/dev/sr0 of=/tmp/cd bs=2048 count=$((b / 2048)) 2>/dev/null ||
        return 1
    [ "$(wc -c < /tmp/cd)" = "$b" ] || return 1
    echo "$b $(md5sum /tmp/cd | cut -d' ' -f1)"
}
cdrom_test() {
    seen=0
    last=""
    i=0
    while [ "$seen" -lt "$cdrom" ] && [ $i -lt 600 ]; do
        cur=$(cd_read)
        if [ -n "$cur" ] && [ "$cur" != "$last" ]; then
            seen=$((seen + 1))
            last=$cur
            echo "GUEST-CDROM n=$seen bytes=${cur% *} md5=${cur#* }" \
                 "uptime=$(up)"
        fi
        sleep 0.1
        i=$((i + 1))
    done
    [ "$seen" -ge "$cdrom" ] && finish PASS
    echo "GUEST-ERROR saw $seen of $cdrom discs"
    finish FAIL
}
[ "$cdrom" != 0 ] && cdrom_test

# The test disk: first vd?, then sd?, whose sector 0 carries neither a boot
# signature nor the GUESTBOOT label (so a syslinux boot disk is skipped).
is_test_disk() {
    sig=$(dd if="$1" bs=1 skip=510 count=2 2>/dev/null | od -An -tx1 | tr -d ' ')
    [ "$sig" = "55aa" ] && return 1
    dd if="$1" bs=512 count=64 2>/dev/null | grep -q GUESTBOOT && return 1
    return 0
}
i=0
while [ -z "$dev" ] && [ $i -lt 150 ]; do
    for d in /dev/vd? /dev/sd?; do
        [ -b "$d" ] || continue
        if is_test_disk "$d"; then dev=$d; break; fi
    done
    [ -n "$dev" ] || sleep 0.1
    i=$((i + 1))
done
if [ -z "$dev" ]; then
    echo "GUEST-ERROR no test disk found"
    finish FAIL
fi
bytes=$(blockdev --getsize64 "$dev")
echo "GUEST-DISK dev=$dev bytes=$bytes uptime=$(up)"
[ "$vga" != 0 ] && vga_dump "$dev"
maxmb=$((bytes / 1048576))
[ "$mb" -gt "$maxmb" ] && mb=$maxmb

line="GUESTDATA 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
n=0
result=PASS
while [ $n -lt "$loops" ]; do
    seek=$((n * mb))
    [ $((seek + mb)) -gt "$maxmb" ] && break
    mark "WRITE-START mb=$mb seek=$seek"
    w=$(yes "$line" | cut -c1-63 | head -c $((mb * 1048576)) | md5sum |
        cut -d' ' -f1)
    yes "$line" | cut -c1-63 | head -c $((mb * 1048576)) |
        dd of="$dev" bs=1M seek=$seek conv=fsync 2>/dev/null
    mark "WRITE-DONE md5=$w"
    blockdev --flushbufs "$dev"
    echo 3 > /proc/sys/vm/drop_caches
    r=$(dd if="$dev" bs=1M skip=$seek count=$mb 2>/dev/null | md5sum | cut -d' ' -f1)
    mark "READ-DONE md5=$r"
    [ "$w" = "$r" ] || result=FAIL
    n=$((n + 1))
done
finish $result
