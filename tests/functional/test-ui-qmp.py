#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The UI's QMP commands and the notification path against the real
# emulator (-machine none, -display DISPLAY with a notification log):
# screendump's errors as QEMU words them, a BLOCK_WRITE_THRESHOLD caused by
# a real write (HMP qemu-io) becoming a toast that the notification log
# records and that x-screendump-window's image shows in the top-right
# corner.  Usage: test-ui-qmp.py PLIMSOLL DISPLAY (none, or sdl,... under
# Xvfb).  TAP output.
import importlib.machinery
import os
import shutil
import sys
import tempfile
import time

common = importlib.machinery.SourceFileLoader(
    'qmp_common', os.path.join(os.path.dirname(os.path.abspath(__file__)),
                               'test-qmp-common.py')).load_module()
BIN = sys.argv[1]
DISPLAY = sys.argv[2] if len(sys.argv) > 2 else 'none'
MiB = 1 << 20
t = common.Tap()
work = tempfile.mkdtemp(prefix='test-ui-qmp-')
log = os.path.join(work, 'notifications.log')
raw = os.path.join(work, 'vm1.img')
with open(raw, 'wb') as f:
    f.truncate(16 * MiB)
vm = common.VM(BIN, extra=('-display',
                           DISPLAY + ',notifications-log=' + log))
c = vm.connect()


def read_ppm(path):
    """(width, height, rgb bytes) of a binary P6 file."""
    with open(path, 'rb') as f:
        data = f.read()
    fields = data.split(b'\n', 3)
    w, h = (int(x) for x in fields[1].split())
    return w, h, fields[3]


def screendump_errors():
    t.error('screendump: no console with -machine none',
            lambda: c.cmd('screendump', filename=os.path.join(work, 'a.ppm')),
            'GenericError', 'There is no console to take a screendump from')
    t.error('screendump: jpeg is not a format',
            lambda: c.cmd('screendump', filename=os.path.join(work, 'a.jpg'),
                          format='jpeg'),
            'GenericError', "Parameter 'format' does not accept value 'jpeg'")
    t.error('screendump: filename is mandatory',
            lambda: c.cmd('screendump'),
            'GenericError', "Parameter 'filename' is missing")
    t.error('x-screendump-window: unwritable file',
            lambda: c.cmd('x-screendump-window',
                          filename='/nonexistent/dir/w.png'),
            'GenericError', None)


def threshold_toast():
    c.cmd('blockdev-add', {'driver': 'raw', 'node-name': 'fmt0',
                           'file': {'driver': 'file', 'node-name': 'prot0',
                                    'filename': raw}})
    c.cmd('block-set-write-threshold',
          {'node-name': 'prot0', 'write-threshold': MiB})
    c.hmp('qemu-io fmt0 "write 1M 64k"')
    ev = c.get_event('BLOCK_WRITE_THRESHOLD')
    t.eq('the write crossed the mark', ev and ev['data'],
         {'node-name': 'prot0', 'amount-exceeded': 65536,
          'write-threshold': MiB})
    # The toast is opaque from 0.4 s to 3.6 s after it appears.
    time.sleep(1.0)
    shot = os.path.join(work, 'window.ppm')
    t.eq('x-screendump-window', c.cmd('x-screendump-window', filename=shot,
                                      format='ppm'), {})
    w, h, rgb = read_ppm(shot)
    t.eq('the window is the default 640x480', (w, h), (640, 480))
    amber = 0
    for y in range(10, 60):
        for x in range(w - 410, w - 10):
            r, g, b = rgb[3 * (y * w + x):3 * (y * w + x) + 3]
            amber += r > 200 and 120 < g < 200 and b < 90
    t.check('the toast is drawn top-right', amber > 150,
            '%d amber pixels' % amber)
    black = sum(1 for i in range(0, len(rgb), 3)
                if rgb[i:i + 3] == b'\0\0\0')
    t.check('the rest of the window is the (empty) guest',
            black > w * h * 8 // 10, '%d black pixels' % black)
    with open(log) as f:
        lines = f.read().splitlines()
    want = ("toast warning BLOCK_WRITE_THRESHOLD Disk almost full: "
            "Disk 'fmt0 (vm1.img)' passed its high-water mark (1 MiB) "
            "by 64 KiB")
    t.check('the notification log has the toast',
            any(line.endswith(want) for line in lines), '\n'.join(lines))


t.run('screendump errors', screendump_errors)
t.run('threshold toast', threshold_toast)
c.close()
code, err = vm.stop()
t.eq('exit status', code, 0)
shutil.rmtree(work, ignore_errors=True)
t.finish()
