#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# block_set_io_throttle against the real emulator: argument checks with
# QEMU's messages, the limits reported by query-block, and measured rates
# (bytes/s and requests/s, through HMP qemu-io on the device) within 10 %
# of the limits, while an unthrottled device keeps full speed.  TAP.
import importlib.machinery
import os
import sys
import tempfile
import time

common = importlib.machinery.SourceFileLoader(
    'qmp_common', os.path.join(os.path.dirname(os.path.abspath(__file__)),
                               'test-qmp-common.py')).load_module()
BIN = sys.argv[1]
MiB = 1 << 20
t = common.Tap()
work = tempfile.mkdtemp(prefix='test-qmp-throttle-')
for n in ('a', 'b'):
    with open(os.path.join(work, n + '.raw'), 'wb') as f:
        f.truncate(64 * MiB)
vm = common.VM(BIN, extra=[
    '-drive', 'file=%s,format=raw,if=none,id=disk0' % os.path.join(work,
                                                                   'a.raw'),
    '-drive', 'file=%s,format=raw,if=none,id=disk1' % os.path.join(work,
                                                                   'b.raw')])
c = vm.connect()
ZERO = dict(bps=0, bps_rd=0, bps_wr=0, iops=0, iops_rd=0, iops_wr=0)


def limits(**kw):
    return dict(ZERO, **kw)


def rate(dev, op, size, count):
    """Requests per second in the steady state (the bucket's initial
    allowance is spent by the first requests, not timed)."""
    for i in range(count, count + 4):
        c.hmp('qemu-io %s "%s -q %d %d"' % (dev, op, i * size, size))
    t0 = time.time()
    for i in range(count):
        c.hmp('qemu-io %s "%s -q %d %d"' % (dev, op, i * size, size))
    return count / (time.time() - t0)


def checks():
    t.error('throttle: unknown device',
            lambda: c.cmd('block_set_io_throttle', device='nodev',
                          **limits()), 'DeviceNotFound',
            "Device 'nodev' not found")
    t.error('throttle: total and read together',
            lambda: c.cmd('block_set_io_throttle', device='disk0',
                          **limits(bps=1, bps_rd=1)), 'GenericError',
            'bps/iops/max total values and read/write values cannot be '
            'used at the same time')
    t.error('throttle: negative',
            lambda: c.cmd('block_set_io_throttle', device='disk0',
                          **limits(iops=-1)), 'GenericError',
            'bps/iops/max values must be within [0, 1000000000000000]')
    t.error('throttle: max below avg',
            lambda: c.cmd('block_set_io_throttle', device='disk0',
                          **limits(bps=100, bps_max=10)), 'GenericError',
            'bps_max/iops_max cannot be lower than bps/iops')
    t.error('throttle: max without avg',
            lambda: c.cmd('block_set_io_throttle', device='disk0',
                          **limits(iops_max=10)), 'GenericError',
            'bps_max/iops_max require corresponding bps/iops values')
    ins = c.cmd('query-block')[0]['inserted']
    t.eq('throttle: none reported', [ins[k] for k in ZERO] +
         ['group' in ins], [0] * 6 + [False])
    c.cmd('block_set_io_throttle', device='disk0',
          **limits(bps_wr=2 * MiB, iops_rd=50, bps_wr_max=4 * MiB,
                   iops_size=8192))
    ins = c.cmd('query-block')[0]['inserted']
    t.eq('throttle: query-block values',
         (ins['bps_wr'], ins['iops_rd'], ins['bps_wr_max'],
          ins['bps_wr_max_length'], ins['iops_size'], ins['group']),
         (2 * MiB, 50, 4 * MiB, 1, 8192, 'disk0'))


def measure():
    c.cmd('block_set_io_throttle', device='disk0',
          **limits(bps_wr=4 * MiB))
    r = rate('disk0', 'write', 128 * 1024, 48) * 128 * 1024
    t.check('throttle: write bytes/s within 10%% of 4 MiB/s (%.2f)'
            % (r / MiB), abs(r - 4 * MiB) <= 0.1 * 4 * MiB, r)
    r1 = rate('disk1', 'write', 128 * 1024, 48) * 128 * 1024
    t.check('throttle: other device unthrottled (%.1f MiB/s)' % (r1 / MiB),
            r1 > 4 * 4 * MiB, r1)
    c.cmd('block_set_io_throttle', device='disk0', **limits(iops_rd=40))
    r = rate('disk0', 'read', 4096, 60)
    t.check('throttle: read iops within 10%% of 40 (%.1f)' % r,
            abs(r - 40) <= 4, r)
    c.cmd('block_set_io_throttle', device='disk0',
          **limits(iops=40, iops_size=16384))
    r = rate('disk0', 'write', 65536, 20) * 4
    t.check('throttle: iops_size counts 64k as 4 (%.1f ops/s)' % r,
            abs(r - 40) <= 4, r)
    c.cmd('block_set_io_throttle', device='disk0',
          **limits(iops_wr=50, group='g1'))
    c.cmd('block_set_io_throttle', device='disk1',
          **limits(iops_wr=50, group='g1'))
    for i in range(40, 46):
        c.hmp('qemu-io disk%d "write -q %d 4096"' % (i % 2, i * 4096))
    t0 = time.time()
    for i in range(40):
        c.hmp('qemu-io disk%d "write -q %d 4096"' % (i % 2, i * 4096))
    r = 40 / (time.time() - t0)
    t.check('throttle: a group shares its limit (%.1f ops/s)' % r,
            abs(r - 50) <= 5, r)
    c.cmd('block_set_io_throttle', device='disk0', **limits())
    c.cmd('block_set_io_throttle', device='disk1', **limits())
    r = rate('disk0', 'write', 4096, 50)
    t.check('throttle: removed (%.0f ops/s)' % r, r > 200, r)


t.run('checks', checks)
t.run('measure', measure)
c.close()
vm.stop()
t.finish()
