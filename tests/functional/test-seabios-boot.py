#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# SeaBIOS (Debian's bios-256k.bin and vgabios-stdvga.bin) on the PC
# machine with no boot device: the banner and the boot attempts on the
# serial console (sercon, -nographic), its debug log on the 0x402 debug
# console (e820 map as QEMU's), and the VGA text screen through QMP
# screendump: 720x400 (80x25 with 9x16 cells), the banner drawn on the
# first text row, the blank row under it empty.
import importlib.machinery
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
common = importlib.machinery.SourceFileLoader(
    'qmp_common', os.path.join(HERE, 'test-qmp-common.py')).load_module()


def wait_for(path, text, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        try:
            with open(path, errors='replace') as f:
                if text in f.read():
                    return True
        except OSError:
            pass
        time.sleep(0.1)
    return False


def read_ppm(path):
    with open(path, 'rb') as f:
        data = f.read()
    parts = data.split(maxsplit=4)
    w, h = int(parts[1]), int(parts[2])
    return w, h, parts[4][-w * h * 3:]


def lit_pixels(w, pix, y0, y1):
    n = 0
    for y in range(y0, y1):
        row = pix[y * w * 3:(y + 1) * w * 3]
        n += sum(1 for x in range(w) if row[3 * x] or row[3 * x + 1])
    return n


def main():
    binary = os.path.abspath(sys.argv[1])
    tap = common.Tap()
    if not os.path.exists('/usr/share/seabios/bios-256k.bin'):
        print('1..0 # SKIP Debian package seabios not installed')
        return
    d = tempfile.mkdtemp(prefix='test-seabios-')
    serial = os.path.join(d, 'serial.txt')
    debug = os.path.join(d, 'debug.txt')
    qmp = os.path.join(d, 'qmp.sock')
    proc = subprocess.Popen([
        binary, '-m', '128', '-display', 'none', '-nographic',
        '-serial', 'file:' + serial,
        '-chardev', 'file,id=dbg,path=' + debug,
        '-device', 'isa-debugcon,iobase=0x402,chardev=dbg',
        '-qmp', 'unix:%s,server=on,wait=off' % qmp],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        tap.check('serial: SeaBIOS banner',
                  wait_for(serial, 'SeaBIOS (version'))
        tap.check('serial: no bootable device after trying the disks',
                  wait_for(serial, 'No bootable device.'))
        with open(debug, errors='replace') as f:
            log = f.read()
        tap.check('debug log: fw_cfg DMA found',
                  'QEMU fw_cfg DMA interface supported' in log)
        tap.check('debug log: e820 RAM below the hole',
                  '0000000000100000 - 0000000007ffe000 = 1 RAM' in log or
                  '0000000000100000 - 0000000007fe0000 = 1 RAM' in log, log)
        tap.check('debug log: the VGA BIOS ran', 'Start SeaVGABIOS' in log)
        tap.check('debug log: no allocation failures',
                  'Unable to allocate' not in log, log)
        client = common.QMPClient(qmp, timeout=10)
        shot = os.path.join(d, 'screen.ppm')
        client.cmd('screendump', {'filename': shot})
        w, h, pix = read_ppm(shot)
        tap.eq('screendump: 80x25 text at 9x16', (w, h), (720, 400))
        tap.check('screen: the banner on text row 0',
                  lit_pixels(w, pix, 0, 16) > 200)
        tap.check('screen: text row 3 is blank',
                  lit_pixels(w, pix, 48, 64) == 0)
        client.cmd('quit')
    finally:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    tap.eq('exit status 0 after quit', proc.returncode, 0)
    tap.finish()


if __name__ == '__main__':
    main()
