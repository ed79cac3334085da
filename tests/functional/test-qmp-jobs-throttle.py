#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# block_set_io_throttle against the real emulator: argument checks with
# QEMU's messages, the limits reported by query-block, and measured rates
# (bytes/s and requests/s, through HMP qemu-io on the device) within 10 %
# of the limits, while an unthrottled device keeps full speed.  TAP.
#
# Measuring under load: each request is one QMP/HMP round trip, and a
# round trip longer than the bucket's 100 ms of slack (avg / 10) loses
# credit, so a loaded host can only make a window slower, never faster
# (the bucket lets no more than its size plus avg * time through).  So
# every window is started from the steady state (untimed requests first),
# every window must stay at most 10 % above the limit, and the best of up
# to TRIES windows must come within 10 % below it.  The limits leave a
# request at least 50 ms of throttle wait, far above an unloaded round
# trip.
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


TRIES = 4


def window(devs, op, size, count):
    """Requests per second over @count requests of @size bytes, spread
    round robin over @devs, after 4 untimed ones that leave the buckets
    in their steady state."""
    def one(i):
        c.hmp('qemu-io %s "%s -q %d %d"' % (devs[i % len(devs)], op,
                                            i * size, size))
    for i in range(count, count + 4):
        one(i)
    t0 = time.monotonic()
    for i in range(count):
        one(i)
    return count / (time.monotonic() - t0)


def rates(devs, op, size, count, enough):
    """The windows measured until one reaches @enough requests/s (at
    most TRIES)."""
    got = []
    while len(got) < TRIES and (not got or got[-1] < enough):
        got.append(window(devs, op, size, count))
    return got


def check_limit(name, devs, op, size, count, limit, unit=1):
    """The rate in @unit per request is within 10 %% of @limit: no window
    above, the best window not below."""
    got = [r * unit for r in rates(devs, op, size, count,
                                   0.9 * limit / unit)]
    t.check('throttle: %s within 10%% of %g (%s)'
            % (name, limit, ', '.join('%.4g' % g for g in got)),
            max(got) <= 1.1 * limit and max(got) >= 0.9 * limit, got)


def check_faster(name, devs, op, size, count, floor, unit=1):
    """Some window beats @floor (in @unit per second)."""
    got = [r * unit for r in rates(devs, op, size, count, floor / unit)]
    t.check('throttle: %s (%.4g)' % (name, max(got)), max(got) > floor, got)


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
          **limits(bps_wr=2 * MiB))
    check_limit('write bytes/s', ['disk0'], 'write', 128 * 1024, 24,
                2 * MiB, 128 * 1024)
    check_faster('other device unthrottled, bytes/s', ['disk1'], 'write',
                 128 * 1024, 24, 4 * 2 * MiB, 128 * 1024)
    c.cmd('block_set_io_throttle', device='disk0', **limits(iops_rd=20))
    check_limit('read iops', ['disk0'], 'read', 4096, 30, 20)
    c.cmd('block_set_io_throttle', device='disk0',
          **limits(iops=20, iops_size=16384))
    check_limit('iops_size counts 64k as 4, ops/s', ['disk0'], 'write',
                65536, 8, 20, 4)
    c.cmd('block_set_io_throttle', device='disk0',
          **limits(iops_wr=20, group='g1'))
    c.cmd('block_set_io_throttle', device='disk1',
          **limits(iops_wr=20, group='g1'))
    check_limit('a group shares its limit, ops/s', ['disk0', 'disk1'],
                'write', 4096, 30, 20)
    c.cmd('block_set_io_throttle', device='disk0', **limits())
    c.cmd('block_set_io_throttle', device='disk1', **limits())
    check_faster('removed, ops/s', ['disk0'], 'write', 4096, 30, 4 * 20)


t.run('checks', checks)
t.run('measure', measure)
c.close()
vm.stop()
t.finish()
