#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Disk devices on the real emulator (pc machine, -S, no guest code runs):
# -drive if=ide|virtio|none, -cdrom and -device ide-hd|ide-cd|virtio-blk-pci
# become the devices and names QMP shows (query-block qdev, io-status),
# with QEMU's wording for the command-line mistakes.  TAP output.
import importlib.machinery
import os
import subprocess
import sys
import tempfile
import time

common = importlib.machinery.SourceFileLoader(
    'qmp_common', os.path.join(os.path.dirname(os.path.abspath(__file__)),
                               'test-qmp-common.py')).load_module()
BIN = sys.argv[1]
t = common.Tap()
work = tempfile.mkdtemp(prefix='test-disk-wiring-')


def image(name, size=16 << 20):
    path = os.path.join(work, name)
    with open(path, 'wb') as f:
        f.truncate(size)
    return path


a, b, c = image('a.raw'), image('b.raw'), image('c.raw')
# -hda and -cdrom get images of their own: a guest disk's image lock
# keeps a second device off an image in use, as in QEMU.
d, e = image('d.raw'), image('e.raw')
sock = os.path.join(work, 'qmp.sock')
base = [BIN, '-S', '-display', 'none', '-machine', 'pc', '-m', '64']


def start(extra):
    proc = subprocess.Popen(base + ['-qmp', 'unix:%s,server=on,wait=off'
                                    % sock] + extra,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    end = time.time() + 10
    while time.time() < end and proc.poll() is None:
        if os.path.exists(sock):
            break
        time.sleep(0.01)
    return proc


def stop(proc, client):
    common.end_process(proc, lambda: client)
    proc.communicate()
    if os.path.exists(sock):
        os.unlink(sock)


def fails(name, extra, msg):
    r = subprocess.run(base + extra, capture_output=True, text=True,
                       timeout=30)
    t.check(name, r.returncode == 1 and msg in r.stderr,
            'rc %d, stderr %r' % (r.returncode, r.stderr))


def wiring():
    proc = start(['-drive', 'file=%s,format=raw,if=virtio,werror=stop' % a,
                  '-drive', 'file=%s,format=raw,if=none,id=d2' % b,
                  '-device', 'ide-hd,drive=d2,bus=ide.1,unit=1,id=slave,'
                  'serial=S1',
                  '-drive', 'file=%s,format=raw,if=none,id=d3' % c,
                  '-device', 'virtio-blk-pci,drive=d3,id=vd3,num-queues=2,'
                  'rerror=stop',
                  '-hda', d, '-cdrom', e])
    client = common.QMPClient(sock, timeout=10)
    try:
        blocks = {x['device']: x for x in client.cmd('query-block')}
        t.check('virtio0 from -drive if=virtio', 'virtio0' in blocks)
        t.check('virtio0 qdev is an unattached QOM path',
                blocks['virtio0'].get('qdev', '').startswith(
                    '/machine/unattached/device['))
        t.eq('virtio0 io-status with werror=stop',
             blocks['virtio0'].get('io-status'), 'ok')
        t.eq('ide-hd with id: qdev', blocks['d2'].get('qdev'), 'slave')
        t.eq('virtio-blk-pci with id: qdev', blocks['d3'].get('qdev'), 'vd3')
        t.eq('device rerror=stop: io-status', blocks['d3'].get('io-status'),
             'ok')
        t.check('-hda is ide0-hd0', 'ide0-hd0' in blocks)
        t.check('-cdrom is ide1-cd0', 'ide1-cd0' in blocks)
        t.eq('io-status ok with the default werror=enospc',
             blocks['d2'].get('io-status'), 'ok')
    finally:
        stop(proc, client)


t.run('wiring', wiring)
fails('unknown drive', ['-device', 'ide-hd,drive=nope'],
      "can't find value 'nope'")
fails('drive used twice',
      ['-drive', 'file=%s,format=raw,if=none,id=x' % a,
       '-device', 'ide-hd,drive=x', '-device', 'virtio-blk-pci,drive=x'],
      'already in use')
fails('slot taken', ['-hda', a, '-device',
                     'ide-hd,drive=x,bus=ide.0,unit=0',
                     '-drive', 'file=%s,format=raw,if=none,id=x' % b],
      'in use')
fails('ide-hd without drive', ['-device', 'ide-hd'], 'drive property')
fails('num-queues 0', ['-drive', 'file=%s,format=raw,if=none,id=x' % a,
                       '-device', 'virtio-blk-pci,drive=x,num-queues=0'],
      'num-queues')
fails('bad werror on the device',
      ['-drive', 'file=%s,format=raw,if=none,id=x' % a,
       '-device', 'virtio-blk-pci,drive=x,werror=sometimes'],
      "'sometimes' invalid write error action")
t.finish()
