#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Disk throughput inside the Linux test guest (scripts/build-linux-guest.sh)
# over virtio-blk and IDE on a qcow2 image, for Plimsoll and QEMU TCG on
# the same guest and the same kind of image in the same run.  The guest
# boots with rdinit=/bin/sh (busybox); this script types the commands on
# the serial console and reads the answers, so the guest's own /init is
# not involved.  Each case times, inside the guest, with O_DIRECT dd:
#   seq-write  16 MiB in 1 MiB blocks       seq-read  the same back
#   rand-read  256 x 4 KiB at pseudo-random offsets (a busybox loop)
#   rand-write 256 x 4 KiB likewise
# and prints a Markdown table of MiB/s (guest time, /proc/uptime).  It
# also reports which interrupt the disk used (/proc/interrupts: PCI-MSI
# lines under -machine pc,apic=on).
#
# Usage: guest-io.py PLIMSOLL [QEMU] [--guest DIR] [--cases LIST]
#                    [--machine OPTS] [--show-irqs]
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PROLOGUE = """
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $(cat /lib/modules/order); do insmod /lib/modules/$m 2>/dev/null; done
i=0; while [ ! -b /dev/$DEV ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
ls -l /dev/$DEV
up() { cut -d' ' -f1 /proc/uptime; }
t() { a=$(up); "$@" 2>/dev/null; b=$(up); echo "T $a $b"; }
"""

# Each case: name, bytes moved, shell command (timed with t).
CASES = {
    'seq-write': (16 << 20, 'dd if=/dev/zero of=/dev/$DEV bs=1M count=16 '
                            'oflag=direct'),
    'seq-read': (16 << 20, 'dd if=/dev/$DEV of=/dev/null bs=1M count=16 '
                           'iflag=direct'),
    'rand-read': (256 * 4096,
                  'sh -c \'s=1; n=0; while [ $n -lt 256 ]; do '
                  's=$(( (s * 1103515245 + 12345) % 2147483648 )); '
                  'dd if=/dev/$DEV of=/dev/null bs=4k count=1 '
                  'skip=$(( s % 16384 )) iflag=direct 2>/dev/null; '
                  'n=$((n+1)); done\''),
    'rand-write': (256 * 4096,
                   'sh -c \'s=7; n=0; while [ $n -lt 256 ]; do '
                   's=$(( (s * 1103515245 + 12345) % 2147483648 )); '
                   'dd if=/dev/zero of=/dev/$DEV bs=4k count=1 '
                   'seek=$(( s % 16384 )) oflag=direct 2>/dev/null; '
                   'n=$((n+1)); done\''),
}


class Guest:
    """One emulator process whose serial console is our stdin/stdout."""

    def __init__(self, args):
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.buf = b''
        self.lock = threading.Lock()
        threading.Thread(target=self._reader, daemon=True).start()

    def _reader(self):
        while True:
            chunk = self.proc.stdout.read1(4096)
            if not chunk:
                return
            with self.lock:
                self.buf += chunk

    def wait_for(self, pattern, timeout):
        end = time.time() + timeout
        while time.time() < end:
            with self.lock:
                m = re.search(pattern, self.buf)
                if m:
                    rest = self.buf[m.end():]
                    text = self.buf[:m.end()]
                    self.buf = rest
                    return text.decode(errors='replace')
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise TimeoutError('no %r; tail %r' % (pattern, self.buf[-800:]))

    def run(self, cmd, timeout=600):
        """Run @cmd in the guest shell; its output up to a marker."""
        tag = 'DONE%d' % int(time.time() * 1000)
        self.proc.stdin.write(('%s; echo %s\n' % (cmd, tag)).encode())
        self.proc.stdin.flush()
        return self.wait_for(rb'\n' + tag.encode() + rb'\r?\n', timeout)

    def stop(self):
        try:
            self.proc.stdin.write(b'poweroff -f\n')
            self.proc.stdin.flush()
            self.proc.wait(timeout=60)
        except Exception:
            self.proc.kill()
            self.proc.wait()


def boot(binary, guest, img, iface, machine, boot_timeout):
    args = [binary, '-machine', machine, '-m', '256', '-display', 'none',
            '-serial', 'stdio', '-no-reboot',
            '-kernel', os.path.join(guest, 'vmlinuz'),
            '-initrd', os.path.join(guest, 'initrd.img'),
            '-append', 'console=ttyS0 panic=-1 rdinit=/bin/sh quiet',
            '-drive', 'file=%s,format=qcow2,if=%s,cache=none' % (img, iface)]
    if 'qemu' in os.path.basename(binary):
        args += ['-accel', 'tcg']
    start = time.time()
    g = Guest(args)
    g.wait_for(rb'(?:#|\$) ', boot_timeout)
    g.run('echo hello', 120)
    return g, time.time() - start


def measure(binary, guest, iface, cases, machine, show_irqs, boot_timeout):
    work = tempfile.mkdtemp(prefix='guest-io-')
    img = os.path.join(work, 'disk.qcow2')
    subprocess.run(['qemu-img', 'create', '-q', '-f', 'qcow2', img, '64M'],
                   check=True)
    dev = 'vda' if iface == 'virtio' else 'sda'
    g, boot_s = boot(binary, guest, img, iface, machine, boot_timeout)
    out = {'boot': boot_s}
    try:
        g.run('DEV=%s' % dev)
        for line in PROLOGUE.strip().splitlines():
            g.run(line, 300)
        for name in cases:
            nbytes, cmd = CASES[name]
            text = g.run('t ' + cmd, 1800)
            m = re.search(r'T ([\d.]+) ([\d.]+)', text)
            secs = float(m.group(2)) - float(m.group(1)) if m else None
            out[name] = (nbytes / secs / (1 << 20)) if secs else None
        if show_irqs:
            text = g.run('cat /proc/interrupts')
            out['irqs'] = [l.strip() for l in text.splitlines()
                           if re.search(r'virtio|ata_piix|MSI', l)]
    finally:
        g.stop()
        shutil.rmtree(work, ignore_errors=True)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('plimsoll')
    ap.add_argument('qemu', nargs='?')
    ap.add_argument('--guest', default=os.path.join(SRC, 'build', 'guest',
                                                    'linux-amd64'))
    ap.add_argument('--cases', default=','.join(CASES))
    ap.add_argument('--ifaces', default='virtio,ide')
    ap.add_argument('--machine', default='pc')
    ap.add_argument('--show-irqs', action='store_true')
    ap.add_argument('--boot-timeout', type=float, default=900)
    a = ap.parse_args()
    cases = [c for c in a.cases.split(',') if c]
    bins = [('plimsoll', a.plimsoll)] + ([('qemu', a.qemu)] if a.qemu
                                         else [])
    rows = []
    for iface in a.ifaces.split(','):
        for label, binary in bins:
            r = measure(binary, a.guest, iface, cases, a.machine,
                        a.show_irqs, a.boot_timeout)
            rows.append((iface, label, r))
            for l in r.get('irqs', []):
                print('# %s %s: %s' % (label, iface, l), flush=True)
    load = os.getloadavg()[0]
    print('| interface | emulator | boot s | ' +
          ' | '.join('%s MiB/s' % c for c in cases) + ' | load |')
    print('|---' * (len(cases) + 4) + '|')
    for iface, label, r in rows:
        cells = ['%.2f' % r[c] if r.get(c) else '-' for c in cases]
        print('| %s | %s | %.1f | %s | %.1f |' % (
            iface, label, r['boot'], ' | '.join(cells), load))


if __name__ == '__main__':
    main()
