#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Removable media over QMP on the real emulator (pc machine, -S): eject,
# blockdev-open-tray / -close-tray / -remove-medium / -insert-medium,
# blockdev-change-medium, DEVICE_TRAY_MOVED, and query-block's removable,
# locked, tray_open and (absent when empty) inserted, with QEMU's error
# classes and texts; HMP's eject and change (through human-monitor-command)
# with QEMU's syntax and messages.  What the guest sees of it (sense codes, eject
# requests, a locked tray) is tested through the ports in
# tests/unit/hw/ide.  TAP output.
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
work = tempfile.mkdtemp(prefix='test-qmp-tray-')
sock = os.path.join(work, 'qmp.sock')


def image(name, size=1 << 20, fill=b'\0'):
    path = os.path.join(work, name)
    with open(path, 'wb') as f:
        f.write(fill * size)
    return path


iso_a = image('a.iso', fill=b'A')
iso_b = image('b.iso', fill=b'B')
hd = image('hd.raw')


def start():
    args = [BIN, '-S', '-display', 'none', '-machine', 'pc', '-m', '64',
            '-qmp', 'unix:%s,server=on,wait=off' % sock,
            '-drive', 'file=%s,format=raw,if=none,id=hd0' % hd,
            '-device', 'ide-hd,drive=hd0,bus=ide.0,unit=0,id=disk',
            '-drive', 'file=%s,format=raw,if=none,id=cd0,readonly=on'
            % iso_a,
            '-device', 'ide-cd,drive=cd0,bus=ide.1,unit=0,id=cdrom',
            '-device', 'ide-cd,bus=ide.1,unit=1,id=empty',
            '-drive', 'if=none,id=spare']
    proc = subprocess.Popen(args, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    end = time.time() + 10
    while time.time() < end and proc.poll() is None:
        if os.path.exists(sock):
            break
        time.sleep(0.01)
    return proc, common.QMPClient(sock, timeout=10)


def blocks(c):
    out = {}
    for b in c.cmd('query-block'):
        out[b.get('qdev') if not b['device'] else b['device']] = b
    return out


def tray_event(c, want_open):
    ev = c.get_event('DEVICE_TRAY_MOVED', timeout=5)
    return ev is not None and ev['data']['tray-open'] == want_open, ev


def query_shapes(c):
    b = blocks(c)
    t.eq('ide-hd is not removable', b['hd0']['removable'], False)
    t.check('ide-hd has no tray_open', 'tray_open' not in b['hd0'])
    t.eq('ide-cd is removable', b['cd0']['removable'], True)
    t.eq('ide-cd tray closed', b['cd0'].get('tray_open'), False)
    t.eq('ide-cd not locked', b['cd0']['locked'], False)
    t.check('ide-cd medium inserted', 'inserted' in b['cd0'])
    t.check('empty ide-cd listed by its id', 'empty' in b)
    t.check('empty ide-cd: no inserted', 'inserted' not in b['empty'])
    t.eq('empty ide-cd: tray closed', b['empty'].get('tray_open'), False)
    t.eq('-drive without a device is removable', b['spare']['removable'],
         True)
    t.check('-drive without a device has no tray',
            'tray_open' not in b['spare'])


def errors(c):
    GE, NF = 'GenericError', 'DeviceNotFound'
    t.error('eject: neither device nor id', lambda: c.cmd('eject'), GE,
            "Need exactly one of 'device' and 'id'")
    t.error('eject: both device and id',
            lambda: c.cmd('eject', device='cd0', id='cdrom'), GE,
            "Need exactly one of 'device' and 'id'")
    t.error('eject: unknown backend', lambda: c.cmd('eject', device='nope'),
            NF, "Device 'nope' not found")
    t.error('eject: unknown id', lambda: c.cmd('eject', id='nope'), NF,
            "Device 'nope' not found")
    t.error('eject: a hard disk', lambda: c.cmd('eject', id='disk'), GE,
            "Device 'disk' is not removable")
    t.error('open-tray: a hard disk',
            lambda: c.cmd('blockdev-open-tray', device='hd0'), GE,
            "Device 'hd0' is not removable")
    t.error('remove-medium: tray closed',
            lambda: c.cmd('blockdev-remove-medium', id='cdrom'), GE,
            "Tray of device 'cdrom' is not open")
    t.error('insert-medium: unknown node',
            lambda: c.cmd('blockdev-insert-medium', id='empty',
                          **{'node-name': 'nope'}), GE,
            "Node 'nope' not found")
    t.error('change-medium: missing file',
            lambda: c.cmd('blockdev-change-medium', id='cdrom',
                          filename=os.path.join(work, 'missing.iso'),
                          format='raw'), GE, None)
    b = blocks(c)
    t.eq('failed change leaves the medium', b['cd0']['inserted']['file'],
         iso_a)
    t.eq('failed change leaves the tray closed', b['cd0']['tray_open'],
         False)


def eject_and_change(c):
    c.events.clear()
    t.eq('eject by id', c.cmd('eject', id='cdrom'), {})
    ok, ev = tray_event(c, True)
    t.check('DEVICE_TRAY_MOVED open', ok, repr(ev))
    t.eq('event names backend and device',
         ev and (ev['data']['device'], ev['data']['id']), ('cd0', 'cdrom'))
    b = blocks(c)
    t.eq('after eject: tray open', b['cd0'].get('tray_open'), True)
    t.check('after eject: no inserted', 'inserted' not in b['cd0'])
    t.eq('eject again is fine', c.cmd('eject', device='cd0'), {})
    t.check('no second event for an open tray',
            c.get_event('DEVICE_TRAY_MOVED', timeout=0.3) is None)
    c.cmd('blockdev-close-tray', id='cdrom')
    ok, ev = tray_event(c, False)
    t.check('close-tray: DEVICE_TRAY_MOVED closed', ok, repr(ev))
    t.eq('closed empty tray', blocks(c)['cd0'].get('tray_open'), False)
    c.cmd('blockdev-change-medium', id='cdrom', filename=iso_b,
          format='raw')
    b = blocks(c)
    t.eq('change-medium: new file', b['cd0']['inserted']['file'], iso_b)
    t.eq('change-medium: read-only retained from a CD',
         b['cd0']['inserted']['ro'], True)
    t.eq('change-medium: tray closed after', b['cd0']['tray_open'], False)
    opened, _ = tray_event(c, True)
    closed, _ = tray_event(c, False)
    t.check('change-medium: tray opened then closed', opened and closed)
    c.cmd('blockdev-change-medium', device='cd0', filename=iso_a,
          format='raw', **{'read-only-mode': 'read-write'})
    t.eq('read-only-mode read-write', blocks(c)['cd0']['inserted']['ro'],
         False)


def steps_on_empty(c):
    c.events.clear()
    c.cmd('blockdev-add', driver='raw', **{'node-name': 'disc',
          'file': {'driver': 'file', 'filename': iso_b}})
    t.error('insert-medium: tray closed',
            lambda: c.cmd('blockdev-insert-medium', id='empty',
                          **{'node-name': 'disc'}), 'GenericError',
            'Tray of the device is not open')
    c.cmd('blockdev-open-tray', id='empty')
    t.check('open-tray event', tray_event(c, True)[0])
    c.cmd('blockdev-insert-medium', id='empty', **{'node-name': 'disc'})
    b = blocks(c)
    t.eq('inserted node', b['empty'].get('inserted', {}).get('node-name'),
         'disc')
    t.eq('tray still open after insert', b['empty']['tray_open'], True)
    t.error('insert twice', lambda: c.cmd('blockdev-insert-medium',
                                          id='empty',
                                          **{'node-name': 'disc'}),
            'GenericError', "Node 'disc' is already in use")
    c.cmd('blockdev-close-tray', id='empty')
    t.check('close-tray event', tray_event(c, False)[0])
    c.cmd('blockdev-open-tray', id='empty')
    c.cmd('blockdev-remove-medium', id='empty')
    t.check('remove-medium: no inserted',
            'inserted' not in blocks(c)['empty'])
    t.eq('remove-medium on an empty drive', c.cmd('blockdev-remove-medium',
                                                  id='empty'), {})
    c.cmd('blockdev-del', **{'node-name': 'disc'})
    # A backend without a device swaps media without any tray.
    c.cmd('blockdev-change-medium', device='spare', filename=iso_a,
          format='raw')
    t.eq('-drive without a device: medium inserted',
         blocks(c)['spare'].get('inserted', {}).get('file'), iso_a)
    c.cmd('blockdev-remove-medium', device='spare')
    t.check('-drive without a device: removed',
            'inserted' not in blocks(c)['spare'])


def hmp(c, line):
    return c.cmd('human-monitor-command', **{'command-line': line})


def hmp_eject_change(c):
    c.events.clear()
    t.eq('hmp eject: no output', hmp(c, 'eject cd0'), '')
    t.check('hmp eject: tray opened', tray_event(c, True)[0])
    t.check('hmp eject: medium gone', 'inserted' not in blocks(c)['cd0'])
    t.eq('hmp change: no output', hmp(c, 'change cd0 %s raw' % iso_b), '')
    b = blocks(c)['cd0']
    t.eq('hmp change: new file', b.get('inserted', {}).get('file'), iso_b)
    t.eq('hmp change: tray closed', b['tray_open'], False)
    t.eq('hmp change with read-only-mode',
         hmp(c, 'change cd0 %s raw read-only' % iso_a), '')
    b = blocks(c)['cd0']
    t.eq('hmp change: read-only-mode applied',
         (b['inserted']['file'], b['inserted']['ro']), (iso_a, True))
    t.eq('hmp eject -f', hmp(c, 'eject -f cd0'), '')
    t.check('hmp eject -f: medium gone', 'inserted' not in blocks(c)['cd0'])
    t.eq('hmp change -f, format probed', hmp(c, 'change -f cd0 %s' % iso_a),
         '')
    t.eq('hmp change -f: inserted',
         blocks(c)['cd0'].get('inserted', {}).get('file'), iso_a)
    t.eq('hmp eject: unknown device', hmp(c, 'eject nope'),
         "Error: Device 'nope' not found\r\n")
    t.eq('hmp eject: a hard disk', hmp(c, 'eject hd0'),
         "Error: Device 'hd0' is not removable\r\n")
    t.eq('hmp change: bad read-only-mode',
         hmp(c, 'change cd0 %s raw sideways' % iso_a),
         "Error: Parameter 'read-only-mode' does not accept value "
         "'sideways'\r\n")
    t.check('hmp change: missing file is an error',
            hmp(c, 'change cd0 %s raw' % os.path.join(work, 'no.iso'))
            .startswith('Error: '))
    t.eq('hmp eject: usage', hmp(c, 'eject'),
         'eject: usage: eject [-f] device\r\n')
    t.eq('hmp change: usage', hmp(c, 'change cd0'),
         'change: usage: change [-f] device filename [format '
         '[read-only-mode]]\r\n')
    t.eq('hmp eject: too many names', hmp(c, 'eject cd0 cd1'),
         'eject: usage: eject [-f] device\r\n')
    t.eq('medium kept after the failed changes',
         blocks(c)['cd0'].get('inserted', {}).get('file'), iso_a)


def main():
    proc, c = start()
    try:
        t.run('query-block shapes', lambda: query_shapes(c))
        t.run('errors', lambda: errors(c))
        t.run('eject and change', lambda: eject_and_change(c))
        t.run('steps on an empty drive', lambda: steps_on_empty(c))
        t.run('hmp eject and change', lambda: hmp_eject_change(c))
        names = [x['name'] for x in c.cmd('query-commands')]
        t.check('query-commands lists the tray commands',
                all(n in names for n in ['eject', 'blockdev-open-tray',
                                         'blockdev-close-tray',
                                         'blockdev-remove-medium',
                                         'blockdev-insert-medium',
                                         'blockdev-change-medium']))
    finally:
        common.end_process(proc, lambda: c)
        proc.communicate()


main()
t.finish()
