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
#   mode12    640x480x16 planar, write modes 0-3, set/reset, XOR, rotate,
#             read mode 1 (colour compare) read back by the guest.
#   mode13    320x200x256 chain-4 with a DAC palette the program loads.
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
import tempfile
import time

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


class Guest:
    """One boot of an assembled VGA program; output on port 0xe9."""

    def __init__(self, binary, work, name, defines=()):
        self.work = work
        self.name = name
        src = name.split('-')[0] if name.startswith('vbe') else name
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

    def stop(self):
        if self.proc.poll() is None:
            try:
                client = common.QMPClient(self.qmp, timeout=10)
                client.cmd('quit')
                client.close()
            except Exception:
                pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


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
    compare(tap, 'mode13', g.screendump(), (320, 200),
            lambda x, y: pal[(x + 3 * y) % 256])


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


CASES = [
    ('text', (), case_text),
    ('mode12', (), case_mode12),
    ('mode13', (), case_mode13),
    ('vbe-port', (), case_vbe_port),
    ('vbe-mmio', ('MMIO',), case_vbe_mmio),
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
    for name, defines, check in CASES:
        if only and name not in only:
            continue
        g = Guest(binary, work, name, defines)
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
