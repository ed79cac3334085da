#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The Linux console in VGA text mode: SeaBIOS and its VGA BIOS boot the
# Debian kernel (-bios with -kernel, through the linuxboot option ROM), so
# the kernel finds an 80x25 colour text screen and vgacon drives it.  The
# guest's /init (guest_vga=text, scripts/guest-init.sh) clears tty1, hides
# the cursor, writes "PLIMSOLL-VGACON" on row 0 and eight blocks in
# background colours 40-47 on row 2, then copies /dev/vcsa1 (the screen's
# character/attribute pairs) to an IDE disk.
#
# Checked, with no OCR and no stored image: the screendump equals, pixel
# for pixel, the 720x400 picture computed from the guest's own vcsa1 copy
# and the font the VGA BIOS loads into plane 2 (read back by booting
# tests/guest/vga/text.asm first), in the default EGA palette; the marker
# and the colour blocks are where the guest put them.  Skipped when this
# build cannot boot -kernel through firmware (verified on a merge with the
# machine branch at f419834: 16/16).  The copy goes to an IDE disk: there,
# Linux did not bind virtio-pci to the virtio-blk disk when booted through
# SeaBIOS.  One Linux boot: suite slow.
import importlib.machinery
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
common = importlib.machinery.SourceFileLoader(
    'qmp_common', os.path.join(HERE, 'test-qmp-common.py')).load_module()
golden = importlib.machinery.SourceFileLoader(
    'vga_golden', os.path.join(HERE, 'test-vga-golden.py')).load_module()
console = importlib.machinery.SourceFileLoader(
    'linux_console', os.path.join(HERE, 'test-linux-console.py')).load_module()

# ANSI colour n is VGA colour VT_TO_VGA[n] (the Linux VT's colour table).
VT_TO_VGA = [0, 4, 2, 6, 1, 5, 3, 7]


def bios_font(binary, work):
    """The VGA BIOS's 8x16 font, as text.asm reads it from plane 2."""
    g = golden.Guest(binary, work, 'font', 'text')
    try:
        if not g.wait_ready():
            return None
        return golden.field(g.output(), b'FONT:', 4096)
    finally:
        g.stop()


def main():
    binary = os.path.abspath(sys.argv[1])
    tap = common.Tap()
    if not os.path.exists('/usr/share/seabios/bios-256k.bin') or \
            not shutil.which('nasm'):
        print('1..0 # SKIP seabios or nasm not installed')
        return
    guest, why = console.linux.build_guest(os.path.dirname(binary))
    if not guest:
        print('1..0 # SKIP the guest could not be assembled: %s' % why)
        return
    work = tempfile.mkdtemp(prefix='test-linux-console-text-')
    disk = os.path.join(work, 'vcsa.raw')
    with open(disk, 'wb') as f:
        f.truncate(1 << 20)
    run = console.linux.boot_and_screendump(tap, [
        binary, '-m', '256', '-display', 'none', '-no-reboot',
        '-bios', 'bios-256k.bin',
        '-kernel', os.path.join(guest, 'vmlinuz'),
        '-initrd', os.path.join(guest, 'initrd.img'),
        '-append', 'console=ttyS0 guest_vga=text',
        '-drive', 'file=%s,format=raw,if=ide,index=1' % disk], work,
        'GUEST-VGA-DUMPED', 'the guest wrote its screen and copied vcsa1',
        skip_if='not supported')
    if run is None:
        return
    proc, out, shot = run
    tap.check('the kernel found the VGA text console',
              'Console: colour VGA+ 80x25' in out, out[:3000])
    with open(disk, 'rb') as f:
        vcsa = f.read(4 + 4000)
    tap.eq('vcsa1: 25 lines of 80 columns', (vcsa[0], vcsa[1]), (25, 80))
    cells = vcsa[4:]
    tap.eq('the marker on row 0', cells[0:30:2], b'PLIMSOLL-VGACON')
    for c in range(8):
        attrs = {cells[2 * (160 + 4 * c + i) + 1] for i in range(4)}
        tap.eq('row 2 block %d: background colour 4%d' % (c, c), attrs,
               {VT_TO_VGA[c] << 4 | 7})
    font = bios_font(binary, work)
    if tap.check('the VGA BIOS font read back from plane 2', font):
        golden.compare(tap, 'vgacon', golden.read_ppm(shot), (720, 400),
                       golden.text_pixel(cells, font, True))
    tap.eq('exit status 0 after quit', proc.returncode, 0)
    shutil.rmtree(work, ignore_errors=True)
    tap.finish()


if __name__ == '__main__':
    main()
