#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build the Linux test guest from Debian packages: the distribution kernel
# (linux-image-amd64, linux-image-686 or linux-image-686-pae), busybox-static, and the ata_piix
# (with sr_mod for CD-ROMs) and virtio-blk module chains, with an /init that prints GUEST-* markers on
# the serial console, writes and verifies a disk pattern, and powers off.
# initrd-vga.img is initrd.img with a second archive appended holding the
# bochs-drm module chain (/lib/modules/order-vga), for guest_vga=1.
#
#   ARCH=amd64 scripts/build-linux-guest.sh [OUTDIR]   -> OUTDIR/linux-amd64/
#   ARCH=i386 ADD_I386_ARCH=1 scripts/build-linux-guest.sh [OUTDIR]
#   ARCH=i386-pae ADD_I386_ARCH=1 ...   -> OUTDIR/linux-i386-pae/ (PAE paging)
#
# OUTDIR defaults to build/guest.  Downloaded .debs are cached in
# ${PLIMSOLL_CACHE:-$HOME/.cache/plimsoll}/debs so a rebuild needs no network.
# Nothing produced here is committed.
set -eu

ARCH=${ARCH:-amd64}
WRITE_MB=${WRITE_MB:-8}
src=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$src/build/guest}
cache=${PLIMSOLL_CACHE:-$HOME/.cache/plimsoll}/debs
dest=$out/linux-$ARCH

case "$ARCH" in
amd64) meta=linux-image-amd64; sfx=""; debarch=amd64 ;;
i386) meta=linux-image-686; sfx=":i386"; debarch=i386 ;;
i386-pae) meta=linux-image-686-pae; sfx=":i386"; debarch=i386 ;;
*) echo "build-linux-guest: unknown ARCH '$ARCH' (amd64, i386 or i386-pae)" >&2
   exit 1 ;;
esac

mkdir -p "$dest"
# Tests build the guest in parallel: one builder at a time per directory,
# and the others find it up to date when they get the lock.
exec 9>"$dest/.lock"
flock 9
if [ -f "$dest/initrd.img" ] && [ -f "$dest/vmlinuz" ] &&
   [ -f "$dest/initrd-vga.img" ] &&
   [ "$dest/initrd.img" -nt "$0" ] &&
   [ "$dest/initrd.img" -nt "$src/scripts/guest-init.sh" ]; then
    echo "build-linux-guest: $dest is up to date"
    exit 0
fi

if [ "$debarch" = i386 ] && [ "${ADD_I386_ARCH:-0}" = 1 ]; then
    if ! dpkg --print-foreign-architectures | grep -qx i386; then
        dpkg --add-architecture i386
        # A mirror mid-sync may fail one index; the main one is enough.
        apt-get update -q || echo "build-linux-guest: apt-get update reported errors; continuing"
        trap 'dpkg --remove-architecture i386 2>/dev/null || true' EXIT
    fi
fi

mkdir -p "$cache" "$dest"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

# Resolve the metapackage to the current kernel image package.
kpkg=$(apt-cache depends "$meta$sfx" 2>/dev/null |
       awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
if [ -z "$kpkg" ]; then
    apt-get update -q >/dev/null
    kpkg=$(apt-cache depends "$meta$sfx" |
           awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
fi
[ -n "$kpkg" ] || { echo "build-linux-guest: cannot resolve $meta" >&2; exit 1; }
kpkg=${kpkg%:i386}

fetch() {
    name=$1
    if ! ls "$cache/${name}_"*"_$debarch.deb" >/dev/null 2>&1 &&
       ! ls "$cache/${name}_"*"_all.deb" >/dev/null 2>&1; then
        (cd "$cache" && apt-get download -q "$name$sfx" >/dev/null 2>&1)
    fi
    ls "$cache/${name}_"*"_$debarch.deb" 2>/dev/null | tail -n 1
}

kdeb=$(fetch "$kpkg")
bdeb=$(fetch busybox-static)
echo "build-linux-guest: kernel $(basename "$kdeb"), $(basename "$bdeb")"

dpkg-deb -x "$kdeb" "$work/k"
dpkg-deb -x "$bdeb" "$work/b"
kver=$(ls "$work/k/lib/modules" | head -n 1)
cp "$work/k/boot/vmlinuz-$kver" "$dest/vmlinuz.tmp"
mv "$dest/vmlinuz.tmp" "$dest/vmlinuz"

root=$work/root
mkdir -p "$root/bin" "$root/sbin" "$root/proc" "$root/sys" "$root/dev" \
         "$root/lib/modules" "$root/tmp" "$root/mnt"
cp "$work/b/bin/busybox" "$root/bin/busybox"
for app in sh mount umount insmod cat echo dd md5sum sleep ls yes head \
           poweroff reboot halt blockdev sync uname cut grep sed tr printf \
           mknod hexdump od tail wc; do
    ln -s busybox "$root/bin/$app"
done

# Module chain for IDE (ata_piix), ATAPI CD-ROMs (sr_mod: depends=
# scsi_mod,cdrom,scsi_common) and virtio-blk, in load order.  The .deb
# ships no modules.dep, so dependencies were resolved from each module's
# "depends=" and are listed here in order.
MODULES="scsi_common scsi_mod libata ata_piix crct10dif_common crc-t10dif
crc64 crc64-rocksoft t10-pi sd_mod cdrom sr_mod virtio_ring
virtio_pci_modern_dev virtio_pci_legacy_dev virtio virtio_pci virtio_blk"
for m in $MODULES; do
    f=$(find "$work/k/lib/modules/$kver" -name "$m.ko" -o -name "$m.ko.xz" |
        head -n 1)
    if [ -z "$f" ]; then
        # Built in on this kernel: nothing to load.
        continue
    fi
    cp "$f" "$root/lib/modules/"
    echo "${f##*/}" >> "$root/lib/modules/order"
done

sed -e "s/@WRITE_MB@/$WRITE_MB/" -e "s/@KVER@/$kver/" \
    "$src/scripts/guest-init.sh" > "$root/init"
chmod +x "$root/init"

(cd "$root" && find . | cpio -o -H newc --quiet | gzip -9) > "$dest/initrd.tmp"
mv "$dest/initrd.tmp" "$dest/initrd.img"

# The display driver for the standard VGA (bochs-drm) and what it needs,
# in load order: each module's "depends=" (modinfo) resolved depth first.
# The kernel unpacks concatenated archives, so initrd-vga.img is
# initrd.img followed by one holding these modules.
vga=$work/vga
mkdir -p "$vga/lib/modules"
kmod_find() {
    find "$work/k/lib/modules/$kver" -name "$1.ko" -o -name "$1.ko.xz" |
        head -n 1
}
kmod_add() {
    local f d
    f=$(kmod_find "$1")
    [ -n "$f" ] || return 0
    grep -qx "${f##*/}" "$vga/lib/modules/order-vga" 2>/dev/null && return 0
    for d in $(strings -a "$f" | sed -n 's/^depends=//p' | tr ',' ' '); do
        kmod_add "$d"
    done
    cp "$f" "$vga/lib/modules/"
    echo "${f##*/}" >> "$vga/lib/modules/order-vga"
}
kmod_add bochs
(cd "$vga" && find . | cpio -o -H newc --quiet | gzip -9) |
    cat "$dest/initrd.img" - > "$dest/initrd-vga.tmp"
mv "$dest/initrd-vga.tmp" "$dest/initrd-vga.img"
echo "$kver" > "$dest/kernel-version"
echo "build-linux-guest: built $dest (kernel $kver, write ${WRITE_MB} MiB)"
