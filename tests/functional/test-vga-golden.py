#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Golden screendumps of the standard VGA (hw/display/): small nasm
# programs (tests/guest/vga/*.asm, assembled here at test time) boot from
# an IDE disk through SeaBIOS and its VGA BIOS, draw a picture and halt;
# a QMP screendump (PPM) is then compared pixel for pixel with the
# picture's formula, computed below.  No reference image is stored: the
# expected colours come from the default EGA palette of the VGA BIOS, or
# from the DAC entries the program wrote, through the same 6-to-8-bit DAC
# conversion (v * 255 / 63) the renderer documents.
#
#   text      SeaBIOS's banner in 80x25 text (9x16 cells), plus a row of
#             coloured characters; the program reads the screen and the
#             font back (font from plane 2 through GR04/SR04), so the
#             expected pixels are the glyph bits the guest itself sees.
#   text40    40x25 text (dots doubled), blink off (16 backgrounds) and a
#             512-character font: attribute bit 3 picks map 1, which
#             holds glyphs the program loaded through INT 10h AX=1100h.
#   mono      mode 7: CRTC at 3B4h, text at B000h, MDA underline (CR14).
#   mode12    640x480x16 planar, write modes 0-3, set/reset, XOR, rotate,
#             read mode 1 (colour compare) read back by the guest.
#   mode13    320x200x256 chain-4 with a DAC palette the program loads.
#   split     mode 12h with a moved start address, pixel panning (AR13)
#             and a split screen (line compare) that AR10 keeps unpanned.
#   cga4/6    CGA modes 04h and 06h: B800h interleaved rows (CR17 bit 0),
#             2-bit pixels through the shift register interleave (04h).
#   vbe-bank  640x480x8 VBE with an 8-bit DAC, no linear framebuffer:
#             drawn bank by bank through the A000h window.
#   vbe-port  Bochs VBE through ports 0x1ce/0x1cf: 640x480x32 pattern in
#             the linear framebuffer (PCI BAR0) written in protected mode.
#   vbe-mmio  The same through the MMIO BAR (BAR2, DISPI words at 0x500,
#             VGA ports at 0x400) as Linux's bochs-drm drives it: 800x600
#             at 16 bpp with a 1024-pixel virtual width and a display
#             start offset (panning).
import importlib.machinery
import os
import shutil
import subprocess
import sys
import struct
import tempfile
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))
ASM = os.path.join(SRC, 'tests', 'guest', 'vga')
common = importlib.machinery.SourceFileLoader(
    'qmp_common', os.path.join(HERE, 'test-qmp-common.py')).load_module()

# The 16 colours of the VGA BIOS's text and planar modes (attribute
# palette 0-5, 14h, 7, 38h-3Fh through the default DAC), as 8-bit RGB.
EGA = [(0, 0, 0), (0, 0, 170), (0, 170, 0), (0, 170, 170),
       (170, 0, 0), (170, 0, 170), (170, 85, 0), (170, 170, 170),
       (85, 85, 85), (85, 85, 255), (85, 255, 85), (85, 255, 255),
       (255, 85, 85), (255, 85, 255), (255, 255, 85), (255, 255, 255)]


def dac8(v):
    return v * 255 // 63


def read_ppm(path):
    with open(path, 'rb') as f:
        data = f.read()
    magic, w, h, maxval, rest = data.split(maxsplit=4)
    assert magic == b'P6' and maxval == b'255'
    w, h = int(w), int(h)
    return w, h, data[len(data) - w * h * 3:]


def compare(tap, name, shot, size, pixel):
    """Every pixel of @shot against pixel(x, y) -> (r, g, b)."""
    w, h, pix = shot
    if not tap.eq(name + ': screen size', (w, h), size):
        return
    bad = []
    nbad = 0
    for y in range(h):
        row = pix[y * w * 3:(y + 1) * w * 3]
        for x in range(w):
            want = pixel(x, y)
            got = tuple(row[3 * x:3 * x + 3])
            if got != want:
                nbad += 1
                if len(bad) < 8:
                    bad.append('(%d,%d) got %s want %s' % (x, y, got, want))
    tap.check(name + ': every pixel matches the formula', nbad == 0,
              '%d pixels differ; first: %s' % (nbad, '; '.join(bad)))


def read_png_rgb(path):
    """(width, height, rgb bytes) of an 8-bit RGB, non-interlaced PNG
    (what screendump writes): the IDAT stream inflated and unfiltered
    (PNG specification, section 9)."""
    with open(path, 'rb') as f:
        data = f.read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n'
    pos, idat = 8, b''
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR':
            w, h, depth, colour, _, _, interlace = struct.unpack('>IIBBBBB',
                                                                 body)
            assert (depth, colour, interlace) == (8, 2, 0)
        elif kind == b'IDAT':
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    out = bytearray()
    prev = bytearray(w * 3)
    for y in range(h):
        ftype = raw[y * (w * 3 + 1)]
        line = bytearray(raw[y * (w * 3 + 1) + 1:(y + 1) * (w * 3 + 1)])
        for i in range(len(line)):
            a = line[i - 3] if i >= 3 else 0
            b = prev[i]
            c = prev[i - 3] if i >= 3 else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 255
            elif ftype == 2:
                line[i] = (line[i] + b) & 255
            elif ftype == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pred) & 255
        out += line
        prev = line
    return w, h, bytes(out)


class Guest:
    """One boot of an assembled VGA program; output on port 0xe9."""

    def __init__(self, binary, work, name, src, defines=()):
        self.work = work
        self.name = name
        img = os.path.join(work, name + '.img')
        subprocess.run(['nasm', '-f', 'bin', '-I', ASM + '/', '-o', img] +
                       ['-D' + d for d in defines] +
                       [os.path.join(ASM, src + '.asm')], check=True)
        with open(img, 'r+b') as f:
            f.truncate(1 << 20)
        self.con = os.path.join(work, name + '.con')
        self.qmp = os.path.join(work, name + '.sock')
        self.proc = subprocess.Popen([
            binary, '-m', '64', '-display', 'none', '-no-reboot',
            '-drive', 'file=%s,format=raw,if=ide' % img,
            '-chardev', 'file,id=dc,path=' + self.con,
            '-device', 'isa-debugcon,iobase=0xe9,chardev=dc',
            '-qmp', 'unix:%s,server=on,wait=off' % self.qmp],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def output(self):
        try:
            with open(self.con, 'rb') as f:
                return f.read()
        except OSError:
            return b''

    def wait_ready(self, timeout=60):
        end = time.time() + timeout
        while time.time() < end and self.proc.poll() is None:
            if b'VGA-READY\n' in self.output():
                return True
            time.sleep(0.1)
        return False

    def screendump(self):
        client = common.QMPClient(self.qmp, timeout=10)
        path = os.path.join(self.work, self.name + '.ppm')
        client.cmd('screendump', {'filename': path})
        client.close()
        return read_ppm(path)

    def hmp(self, line):
        client = common.QMPClient(self.qmp, timeout=10)
        try:
            return client.hmp(line)
        finally:
            client.close()

    def stop(self):
        common.end_process(
            self.proc, lambda: common.QMPClient(self.qmp, timeout=10))


def mode12_pixel(x, y):
    c = (x // 8 + y // 8) % 16
    if 80 <= y < 160:
        c ^= 15
    elif 160 <= y < 320:
        c = (x + y) % 16
    elif y >= 320:
        t = (y // 8) % 16
        c = t if x % 8 < 4 else 15 - t
    return EGA[c]


def case_mode12(tap, g):
    out = g.output().decode('latin-1')
    tap.check('mode12: colour compare reads ff, 00, f0',
              'CMP=ff,00,f0\n' in out, out[-200:])
    compare(tap, 'mode12', g.screendump(), (640, 480), mode12_pixel)


def mode13_dac(i):
    return (dac8(i // 4), dac8(i * 5 % 64), dac8((i ^ 0x2a) % 64))


def case_mode13(tap, g):
    out = g.output().decode('latin-1')
    tap.check('mode13: DAC entry 200 reads back 32,28,22',
              'DAC200=32,28,22\n' in out, out[-200:])
    pal = [mode13_dac(i) for i in range(256)]
    shot = g.screendump()
    compare(tap, 'mode13', shot, (320, 200),
            lambda x, y: pal[(x + 3 * y) % 256])
    hmp_screendump(tap, g, shot)


def hmp_screendump(tap, g, shot):
    """HMP screendump writes what QMP's does, in PPM and PNG."""
    ppm = os.path.join(g.work, 'hmp.ppm')
    png = os.path.join(g.work, 'hmp.png')
    tap.eq('hmp screendump: no output on success',
           g.hmp('screendump ' + ppm), '')
    tap.check('hmp screendump: the PPM is the QMP one',
              os.path.exists(ppm) and read_ppm(ppm) == shot)
    tap.eq('hmp screendump -f png: no output on success',
           g.hmp('screendump -f png ' + png), '')
    tap.check('hmp screendump -f png: the same pixels',
              os.path.exists(png) and read_png_rgb(png) == shot)
    tap.eq('hmp screendump: jpeg is not a format',
           g.hmp('screendump %s -f jpeg' % ppm),
           "Error: Parameter 'format' does not accept value 'jpeg'\r\n")
    tap.check('hmp screendump: an unknown device is an error',
              g.hmp('screendump %s -d nosuch' % ppm).startswith('Error: '))
    tap.check('hmp screendump: a filename is needed',
              'usage' in g.hmp('screendump'))


def case_vbe_port(tap, g):
    out = g.output().decode('latin-1')
    tap.check('vbe-port: DISPI ID b0c5, 16 MiB of VRAM',
              'ID=b0c5 VRAM64K=0100\n' in out, out[-200:])
    compare(tap, 'vbe-port', g.screendump(), (640, 480),
            lambda x, y: (x % 256, y % 256, (x + y) % 256))


def rgb565(vx, vy):
    return (vx % 32 * 255 // 31, vy % 64 * 255 // 63,
            (vx + vy) // 8 % 32 * 255 // 31)


def case_vbe_mmio(tap, g):
    out = g.output().decode('latin-1')
    tap.check('vbe-mmio: DISPI ID b0c5, 16 MiB of VRAM through BAR2',
              'ID=b0c5 VRAM64K=0100\n' in out, out[-200:])
    compare(tap, 'vbe-mmio', g.screendump(), (800, 600),
            lambda x, y: rgb565(x + 8, y + 16))


def field(out, tag, length):
    i = out.index(tag) + len(tag)
    return out[i:i + length]


def text_pixel(cells, font, line_graphics):
    """pixel(x, y) of an 80x25 screen of 9x16 cells."""
    def pixel(x, y):
        cell = (y // 16) * 80 + x // 9
        ch, attr = cells[2 * cell], cells[2 * cell + 1]
        bits = font[ch * 16 + y % 16]
        dot = x % 9
        if dot < 8:
            on = (bits >> (7 - dot)) & 1
        else:
            on = line_graphics and 0xc0 <= ch <= 0xdf and bits & 1
        return EGA[attr & 15] if on else EGA[(attr >> 4) & 7]
    return pixel


def case_text(tap, g):
    out = g.output()
    cells = field(out, b'TEXT:', 4000)
    ar10 = field(out, b'AR10:', 1)[0]
    font = field(out, b'FONT:', 4096)
    tap.check('text: the SeaBIOS banner on row 0',
              cells[0:160:2].startswith(b'SeaBIOS (version '), cells[:160])
    tap.check('text: "Booting from Hard Disk" on the screen',
              b'Booting from Hard Disk' in cells[0::2])
    # The IBM VGA 8x16 font's 'A' and full block, as the VGA BIOS loads
    # them into plane 2.
    tap.eq('text: glyph A read from plane 2', font[0x41 * 16:0x42 * 16].hex(),
           '000010386cc6c6fec6c6c6c600000000')
    tap.eq('text: glyph DBh (full block) read from plane 2',
           font[0xdb * 16:0xdc * 16], b'\xff' * 16)
    tap.check('text: row 12 holds the colour cells',
              cells[12 * 160:12 * 160 + 4] == bytes([0x41, 0x30, 0x42, 0x41]),
              cells[12 * 160:12 * 160 + 8])
    tap.eq('text: AR10 of mode 3 (blink, line graphics)', ar10, 0x0c)
    compare(tap, 'text', g.screendump(), (720, 400),
            text_pixel(cells, font, ar10 & 0x04))


def text40_pixel(cells, fonts, sr3):
    """pixel(x, y) of a 40x25 screen of 9-dot cells, dots doubled, blink
    off, attribute bit 3 choosing map A over map B (SR03)."""
    map_a = ((sr3 >> 2) & 3) | ((sr3 >> 3) & 4)
    map_b = (sr3 & 3) | ((sr3 >> 2) & 4)

    def pixel(x, y):
        cell = (y // 16) * 40 + x // 18
        ch, attr = cells[2 * cell], cells[2 * cell + 1]
        font = fonts[map_a if attr & 8 else map_b]
        bits = font[ch * 16 + y % 16]
        dot = x % 18 // 2
        if dot < 8:
            on = (bits >> (7 - dot)) & 1
        else:
            on = 0xc0 <= ch <= 0xdf and bits & 1
        return EGA[attr & 15] if on else EGA[attr >> 4]
    return pixel


def case_text40(tap, g):
    out = g.output()
    cells = field(out, b'TEXT:', 2000)
    ar10 = field(out, b'AR10:', 1)[0]
    sr3 = field(out, b'SR03:', 1)[0]
    fonts = {0: field(out, b'FONT0:', 4096), 1: field(out, b'FONT1:', 4096)}
    tap.eq('text40: blink off, line graphics on (AR10)', ar10 & 0x0c, 0x04)
    tap.eq('text40: map A = 1, map B = 0 (SR03)', sr3, 0x04)
    want = bytes(((0x81 << k | 0x81 >> (8 - k)) & 255) ^ (0x11 * r)
                 for k in range(8) for r in range(16))
    tap.eq('text40: the user glyphs in map 1', fonts[1][0x41 * 16:0x49 * 16],
           want)
    tap.check('text40: map 0 keeps the BIOS font',
              fonts[0][0x41 * 16:0x42 * 16].hex() ==
              '000010386cc6c6fec6c6c6c600000000')
    tap.check('text40: both maps in use on row 0',
              {cells[2 * i + 1] & 8 for i in range(40)} == {0, 8})
    compare(tap, 'text40', g.screendump(), (720, 400),
            text40_pixel(cells, fonts, sr3))


def case_mono(tap, g):
    out = g.output()
    cells = field(out, b'TEXT:', 4000)
    ar = field(out, b'AR:', 21)
    cr14 = field(out, b'CR14:', 1)[0]
    dac = field(out, b'DAC:', 768)
    font = field(out, b'FONT:', 4096)

    def attr_rgb(c):
        v = ar[c & 15] & 0x3f
        if ar[0x10] & 0x80:
            v = (v & 0x0f) | ((ar[0x14] & 3) << 4)
        v |= (ar[0x14] & 0x0c) << 4
        return tuple(dac8(dac[v * 3 + i] & 63) for i in range(3))

    def pixel(x, y):
        cell = (y // 16) * 80 + x // 9
        ch, attr = cells[2 * cell], cells[2 * cell + 1]
        bits = font[ch * 16 + y % 16]
        dot = x % 9
        on = (bits >> (7 - dot)) & 1 if dot < 8 else \
            ar[0x10] & 4 and 0xc0 <= ch <= 0xdf and bits & 1
        on = on or ((attr & 0x77) == 1 and y % 16 == cr14 & 0x1f)
        return attr_rgb(attr) if on else attr_rgb((attr >> 4) & 7)

    tap.check('mono: the words on row 0 of B000h',
              cells[0:18:2] == b'PLIMSOLL ' and cells[1] == 0x07 and
              cells[3 * 18 + 1] == 0x01, cells[:120])
    tap.check('mono: the underline lies inside the cell (CR14 < 16)',
              (cr14 & 0x1f) < 16, cr14)
    tap.check('mono: the attribute palette has black, grey and white',
              len({attr_rgb(c) for c in range(16)}) >= 3)
    shot = g.screendump()
    compare(tap, 'mono', shot, (720, 400), pixel)
    w, h, pix = shot
    # Underlined "P" at column 27: its underline row is lit across the
    # cell; the same row of the plain "P" at column 0 is not.
    y = cr14 & 0x1f

    def lit(col):
        return sum(pix[(y * w + col * 9 + i) * 3] > 0 for i in range(8))
    tap.eq('mono: the underline is drawn (8 dots lit)', (lit(27), lit(0)),
           (8, 0))


CGA_DAC = [(5, 10, 15), (63, 20, 0), (0, 40, 63), (50, 50, 50)]


def case_cga4(tap, g):
    pal = [tuple(dac8(v) for v in e) for e in CGA_DAC]
    compare(tap, 'cga4', g.screendump(), (320, 200),
            lambda x, y: pal[(x // 2 + x // 32 + y) % 4])


def case_cga6(tap, g):
    pal = [tuple(dac8(v) for v in e) for e in CGA_DAC]
    compare(tap, 'cga6', g.screendump(), (640, 200),
            lambda x, y: pal[(x // 4 + x // 64 + y) % 2])


def split_plane(p, o):
    return (o & 255, o >> 8, 0xaa, (o // 80) & 255)[p]


def split_pixel(x, y):
    line, pan = (8002 + 80 * y, 3) if y <= 300 else (80 * (y - 301), 0)
    o = (line + (x + pan) // 8) & 0xffff
    bit = 7 - (x + pan) % 8
    return EGA[sum(((split_plane(p, o) >> bit) & 1) << p for p in range(4))]


def case_split(tap, g):
    compare(tap, 'split', g.screendump(), (640, 480), split_pixel)


def case_vbe_bank(tap, g):
    compare(tap, 'vbe-bank', g.screendump(), (640, 480),
            lambda x, y: ((x + 2 * y) % 256, 255 - (x + 2 * y) % 256,
                          (x + 2 * y) % 256 * 3 % 256))


CASES = [
    ('text', 'text', (), case_text),
    ('text40', 'text40', (), case_text40),
    ('mono', 'mono', (), case_mono),
    ('mode12', 'mode12', (), case_mode12),
    ('mode13', 'mode13', (), case_mode13),
    ('split', 'split', (), case_split),
    ('cga4', 'cga', (), case_cga4),
    ('cga6', 'cga', ('MODE6',), case_cga6),
    ('vbe-bank', 'vbe-bank', (), case_vbe_bank),
    ('vbe-port', 'vbe', (), case_vbe_port),
    ('vbe-mmio', 'vbe', ('MMIO',), case_vbe_mmio),
]


def main():
    binary = os.path.abspath(sys.argv[1])
    only = sys.argv[2:]
    tap = common.Tap()
    if not os.path.exists('/usr/share/seabios/bios-256k.bin') or \
            not shutil.which('nasm'):
        print('1..0 # SKIP seabios or nasm not installed')
        return
    work = tempfile.mkdtemp(prefix='test-vga-golden-')
    for name, src, defines, check in CASES:
        if only and name not in only:
            continue
        g = Guest(binary, work, name, src, defines)
        try:
            if tap.check(name + ': the program drew its picture',
                         g.wait_ready(), g.output()[-400:]):
                tap.run(name, lambda: check(tap, g))
        finally:
            g.stop()
        tap.check(name + ': exit status 0 after quit',
                  g.proc.returncode == 0, g.proc.stderr.read()[-400:])
    shutil.rmtree(work, ignore_errors=True)
    tap.finish()


if __name__ == '__main__':
    main()
