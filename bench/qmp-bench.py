#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# QMP benchmarks, Plimsoll next to QEMU (qemu-system-x86_64 from Debian)
# in the same run:
#  - idle CPU: the emulator paused (-S) with N monitors, each with a
#    connected, negotiated client that sends nothing; CPU time of the
#    process over a few seconds (no polling anywhere: expect ~0);
#  - event latency: a null-co node's write threshold is armed, a crossing
#    write is made with HMP qemu-io, and the time from the event's own
#    timestamp (taken when the write crossed the threshold, before the
#    driver sees it) to its arrival at the client is recorded; median and
#    95th percentile over many events.
# Prints Markdown table rows.
#
#   bench/qmp-bench.py BUILD [--clients N] [--events N] [--seconds S]
import argparse
import importlib.machinery
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
qmp = importlib.machinery.SourceFileLoader(
    'plimsoll_qmp', os.path.join(SRC, 'scripts', 'plimsoll-qmp')).load_module()


def start(binary, nsock, tmp):
    paths = [os.path.join(tmp, 'q%d.sock' % i) for i in range(nsock)]
    args = [binary, '-S', '-display', 'none', '-machine', 'none']
    for p in paths:
        args += ['-qmp', 'unix:%s,server=on,wait=off' % p]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    end = time.time() + 20
    while time.time() < end and not all(os.path.exists(p) for p in paths):
        time.sleep(0.02)
    return proc, paths


def cpu_ticks(pid):
    with open('/proc/%d/stat' % pid) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return int(fields[11]) + int(fields[12])


def idle_cpu(binary, nclients, seconds):
    tmp = tempfile.mkdtemp()
    proc, paths = start(binary, nclients, tmp)
    clients = [qmp.QMPClient(p) for p in paths]
    time.sleep(0.5)
    t0, c0 = time.time(), cpu_ticks(proc.pid)
    time.sleep(seconds)
    t1, c1 = time.time(), cpu_ticks(proc.pid)
    hz = os.sysconf('SC_CLK_TCK')
    pct = 100.0 * (c1 - c0) / hz / (t1 - t0)
    clients[0].cmd('quit')
    for c in clients:
        c.close()
    proc.wait(timeout=20)
    shutil.rmtree(tmp, ignore_errors=True)
    return pct


def event_latency(binary, nevents, hmp_cmd):
    tmp = tempfile.mkdtemp()
    proc, paths = start(binary, 1, tmp)
    c = qmp.QMPClient(paths[0])
    c.cmd('blockdev-add', {'driver': 'null-co', 'node-name': 'n0',
                           'size': 1 << 30})
    lat = []
    for i in range(nevents):
        c.cmd('block-set-write-threshold',
              {'node-name': 'n0', 'write-threshold': 4096})
        c.hmp(hmp_cmd)
        ev = c.get_event('BLOCK_WRITE_THRESHOLD', timeout=5)
        now = time.time()
        if ev is None:
            raise RuntimeError('event %d lost' % i)
        ts = ev['timestamp']
        lat.append(now - (ts['seconds'] + ts['microseconds'] / 1e6))
    c.cmd('quit')
    c.close()
    proc.wait(timeout=20)
    shutil.rmtree(tmp, ignore_errors=True)
    lat.sort()
    return statistics.median(lat), lat[int(len(lat) * 0.95)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('build')
    ap.add_argument('--clients', type=int, default=100)
    ap.add_argument('--events', type=int, default=1000)
    ap.add_argument('--seconds', type=float, default=5.0)
    opts = ap.parse_args()
    emulators = [('Plimsoll', os.path.join(opts.build, 'plimsoll'))]
    if shutil.which('qemu-system-x86_64'):
        emulators.append(('QEMU 7.2', shutil.which('qemu-system-x86_64')))
    print('| emulator | idle CPU, %d clients | threshold event latency, '
          'write on the main thread: median / p95 | aio_write on a worker '
          'thread: median / p95 |' % opts.clients)
    print('|---|---|---|---|')
    for name, binary in emulators:
        cpu = idle_cpu(binary, opts.clients, opts.seconds)
        # QEMU's HMP qemu-io takes the same commands.
        sync = event_latency(binary, opts.events,
                             'qemu-io n0 "write 8192 512"')
        aio = event_latency(binary, opts.events,
                            'qemu-io n0 "aio_write 8192 512"')
        print('| %s | %.2f %% | %.0f us / %.0f us | %.0f us / %.0f us |'
              % (name, cpu, sync[0] * 1e6, sync[1] * 1e6, aio[0] * 1e6,
                 aio[1] * 1e6), flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
