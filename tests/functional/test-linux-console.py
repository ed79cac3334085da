#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The Linux console on the standard VGA: the Debian kernel boots directly
# with initrd-vga.img (scripts/build-linux-guest.sh), whose /init
# (guest_vga=1, scripts/guest-init.sh) loads bochs-drm; fbcon takes the
# VBE linear framebuffer over, /init clears tty1, hides the cursor and
# writes a known screen: "PLIMSOLL-FBCON" on text row 0 and eight 4-cell
# blocks in background colours 40-47 on row 2.  It then copies the visible
# framebuffer (/dev/fb0 from the panning offset) to a virtio disk.
#
# No OCR and no stored image; what is checked:
#   - screendump == the guest's own framebuffer copy, pixel for pixel
#     (the emulator shows exactly what the driver put in VRAM, through
#     the DISPI registers bochs-drm programs over the MMIO BAR);
#   - the 8x16 character grid: the marker's 14 cells are lit, nothing
#     else is on rows 0-1, identical letters render identically, and
#     'P' and 'L' have the IBM VGA 8x16 font's bits (the kernel's
#     font_vga_8x16);
#   - the colour blocks have the console's default palette (VGA colours
#     in ANSI order: 000000 aa0000 00aa00 aa5500 0000aa aa00aa 00aaaa
#     aaaaaa), and the rest of the screen is black.
# One Linux boot (about two minutes): suite 'slow'.
import importlib.machinery
import os
import re
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
linux = importlib.machinery.SourceFileLoader(
    'linux_guest', os.path.join(HERE, 'linux-guest-common.py')).load_module()
common = linux.common

PALETTE = [(0, 0, 0), (170, 0, 0), (0, 170, 0), (170, 85, 0),
           (0, 0, 170), (170, 0, 170), (0, 170, 170), (170, 170, 170)]
MARKER = 'PLIMSOLL-FBCON'
GLYPHS = {'P': '0000fc6666667c60606060f000000000',
          'L': '0000f06060606060606266fe00000000'}


def read_ppm(path):
    with open(path, 'rb') as f:
        data = f.read()
    parts = data.split(maxsplit=4)
    w, h = int(parts[1]), int(parts[2])
    return w, h, data[len(data) - w * h * 3:]


class Screen:
    def __init__(self, w, h, pix):
        self.w, self.h, self.pix = w, h, pix

    def at(self, x, y):
        o = (y * self.w + x) * 3
        return tuple(self.pix[o:o + 3])

    def cell(self, col, row):
        """The 8x16 cell's rows as hex bits (lit = not black)."""
        bits = ''
        for y in range(16):
            v = 0
            for x in range(8):
                v = v << 1 | (self.at(col * 8 + x, row * 16 + y) != (0, 0, 0))
            bits += '%02x' % v
        return bits


def check_screen(tap, s, fbcopy, stride):
    bad = 0
    for y in range(s.h):
        row = fbcopy[y * stride:y * stride + s.w * 4]
        # XRGB8888, little endian: B, G, R, X.
        want = bytearray(s.w * 3)
        want[0::3] = row[2::4]
        want[1::3] = row[1::4]
        want[2::3] = row[0::4]
        bad += bytes(want) != s.pix[y * s.w * 3:(y + 1) * s.w * 3]
    tap.check('screendump equals the guest framebuffer, all 768 rows',
              bad == 0, '%d rows differ' % bad)
    cells = [s.cell(c, 0) for c in range(len(MARKER))]
    tap.check('every marker cell on text row 0 is lit',
              all(int(c, 16) for c in cells), cells)
    tap.check('identical letters render identically (L L L, O O)',
              cells[1] == cells[6] == cells[7] and cells[5] == cells[12])
    tap.check('the marker letters are all different glyphs otherwise',
              len(set(cells)) == len(set(MARKER)))
    for ch, bits in GLYPHS.items():
        tap.eq("glyph '%s' has the VGA 8x16 font's bits" % ch,
               cells[MARKER.index(ch)], bits)
    lit = {s.at(x, y) for y in range(16) for x in range(len(MARKER) * 8)}
    tap.eq('the marker is light grey on black', lit,
           {(0, 0, 0), (170, 170, 170)})
    stray = [(x, y) for y in range(32) for x in range(s.w)
             if (y >= 16 or x >= len(MARKER) * 8) and
             s.at(x, y) != (0, 0, 0)]
    tap.check('nothing else on text rows 0 and 1', not stray, stray[:8])
    for c, rgb in enumerate(PALETTE):
        got = {s.at(x, y) for y in range(32, 48)
               for x in range(32 * c, 32 * c + 32)}
        tap.eq('row 2 block %d is background colour 4%d' % (c, c), got,
               {rgb})
    stray = [(x, y) for y in range(32, s.h) for x in range(s.w)
             if (y >= 48 or x >= 256) and s.at(x, y) != (0, 0, 0)]
    tap.check('the rest of the screen is black', not stray, stray[:8])


def main():
    binary = os.path.abspath(sys.argv[1])
    tap = common.Tap()
    guest, why = linux.build_guest(os.path.dirname(binary))
    if not guest or not os.path.exists(os.path.join(guest,
                                                    'initrd-vga.img')):
        print('1..0 # SKIP the guest could not be assembled from Debian '
              'packages: %s' % why.strip().splitlines()[-1:])
        return
    work = tempfile.mkdtemp(prefix='test-linux-console-')
    disk = os.path.join(work, 'fb.raw')
    with open(disk, 'wb') as f:
        f.truncate(8 << 20)
    proc, out, shot = linux.boot_and_screendump(tap, [
        binary, '-m', '256', '-display', 'none', '-no-reboot',
        '-kernel', os.path.join(guest, 'vmlinuz'),
        '-initrd', os.path.join(guest, 'initrd-vga.img'),
        '-append', 'console=ttyS0 guest_vga=1',
        '-drive', 'file=%s,format=raw,if=virtio' % disk], work,
        'GUEST-VGA-DUMPED', 'the guest drew its screen and copied the '
        'framebuffer')
    tap.check('bochs-drm finds the VGA (DISPI ID b0c5)',
              '[drm] Found bochs VGA, ID 0xb0c5.' in out)
    tap.check('fbcon takes the bochs-drm framebuffer',
              'fbcon: bochs-drmdrmfb (fb0) is primary device' in out)
    m = re.search(r'^GUEST-VGA name=\S+ mode=U:(\d+)x(\d+)p\S* '
                  r'stride=(\d+) bpp=(\d+) pan=(\d+),(\d+)', out, re.M)
    if tap.check('the guest reports its framebuffer', m, out[-2000:]):
        w, h, stride, bpp = (int(v) for v in m.groups()[:4])
        tap.eq('1024x768 at 32 bpp (no EDID: bochs-drm default)',
               (w, h, stride, bpp), (1024, 768, 4096, 32))
        s = Screen(*read_ppm(shot))
        if tap.eq('screendump size', (s.w, s.h), (w, h)):
            with open(disk, 'rb') as f:
                check_screen(tap, s, f.read(stride * h), stride)
    tap.eq('exit status 0 after quit', proc.returncode, 0)
    tap.finish()


if __name__ == '__main__':
    main()
