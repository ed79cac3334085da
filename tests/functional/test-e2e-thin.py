#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The whole mission in one run (issue "End to end"): the Linux test guest
# boots directly with a qcow2 data disk on virtio-blk whose image lives on a
# small tmpfs, the "thin volume".  The guest writes 3 x 4 MiB and reads each
# back.  A manager (scripts/thin-manager's ThinManager, over QMP only) arms
# a write threshold on the disk's file node; this test makes it miss the
# first crossing on purpose, so the guest runs the volume full: the VM stops
# (BLOCK_IO_ERROR with nospace, then STOP), the manager grows the volume and
# sends cont (RESUME), and from then on it extends the volume ahead of the
# guest at each BLOCK_WRITE_THRESHOLD.  Checks: the events in that order
# with the file node's name and positive amounts, the guest's checksums,
# the data on the image, qemu-img check / plimsoll-img check clean, and what
# a person sees: the notification log's toasts and disk-full modal, and the
# window captured while paused showing the modal.
import hashlib
import importlib.machinery
import os
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
common = importlib.machinery.SourceFileLoader(
    'qmp_common', os.path.join(HERE, 'test-qmp-common.py')).load_module()
SRC = common.SRC
tm = importlib.machinery.SourceFileLoader(
    'thin_manager', os.path.join(SRC, 'scripts', 'thin-manager')).load_module()
MiB = 1 << 20
LOOPS = 3
CHUNK_MB = 4
LINE = b'GUESTDATA 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'
PATTERN = (LINE[:63] + b'\n') * (CHUNK_MB * MiB // 64)


class LateManager(tm.ThinManager):
    """A manager too slow for the first crossing; on time afterwards.
    While the VM sits paused on the full disk it captures the window as a
    person sees it (x-screendump-window) before it resumes the VM."""

    def __init__(self, *args, shot=None, **kwargs):
        self.events = []
        self.missed = False
        self.shot = shot
        self.shot_taken = False
        super().__init__(*args, **kwargs)

    def on_event(self, ev):
        self.events.append(ev)
        if ev['event'] == 'BLOCK_WRITE_THRESHOLD' and not self.missed:
            self.missed = True
            return True
        if ev['event'] == 'BLOCK_IO_ERROR' and not self.shot_taken:
            stop = self.qmp.get_event('STOP', timeout=10)
            if stop:
                self.events.append(stop)
            time.sleep(1.0)     # let the modal fade in
            self.qmp.cmd('x-screendump-window', filename=self.shot,
                         format='ppm')
            self.shot_taken = True
        return super().on_event(ev)


def read_ppm(path):
    with open(path, 'rb') as f:
        data = f.read()
    parts = data.split(maxsplit=4)
    w, h = int(parts[1]), int(parts[2])
    return w, h, parts[4][-w * h * 3:]


def main():
    binary = os.path.abspath(sys.argv[1])
    build = os.path.dirname(binary)
    tap = common.Tap()
    if os.geteuid() != 0:
        print('1..0 # SKIP mounting the tmpfs thin volume needs root')
        return
    r = subprocess.run(['sh', os.path.join(SRC, 'scripts',
                                           'build-linux-guest.sh'),
                        os.path.join(build, 'guest')],
                       capture_output=True, text=True,
                       env=dict(os.environ, ARCH='amd64'))
    if r.returncode != 0:
        print('1..0 # SKIP the guest could not be assembled from Debian '
              'packages')
        return
    guest = os.path.join(build, 'guest', 'linux-amd64')
    vol = tempfile.mkdtemp(prefix='e2e-vol-')
    subprocess.run(['mount', '-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', vol],
                   check=True)
    try:
        run(tap, binary, build, guest, vol)
    finally:
        subprocess.run(['umount', '-l', vol])
        os.rmdir(vol)
    tap.finish()


def run(tap, binary, build, guest, vol):
    image = os.path.join(vol, 'data.qcow2')
    img = os.path.join(build, 'tools', 'img', 'plimsoll-img')
    subprocess.run([img, 'create', '-q', '-f', 'qcow2', image, '64M'],
                   check=True)
    work = tempfile.mkdtemp(prefix='e2e-qmp-')
    sock = os.path.join(work, 'qmp.sock')
    nlog = os.path.join(work, 'notifications.log')
    shot = os.path.join(work, 'window.ppm')
    proc = subprocess.Popen([
        binary, '-m', '256', '-serial', 'stdio',
        '-display', 'none,notifications-log=' + nlog,
        '-no-reboot', '-S',
        '-kernel', os.path.join(guest, 'vmlinuz'),
        '-initrd', os.path.join(guest, 'initrd.img'),
        '-append', 'console=ttyS0 quiet guest_mb=%d guest_loop=%d'
                   % (CHUNK_MB, LOOPS),
        '-drive', 'file=%s,format=qcow2,if=virtio,id=disk0' % image,
        '-qmp', 'unix:%s,server=on,wait=off' % sock],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        errors='replace')
    for _ in range(100):
        if os.path.exists(sock):
            break
        threading.Event().wait(0.05)
    client = tm.QMPClient(sock, timeout=10)
    log = []
    mgr = LateManager(client, 'disk0', tm.TmpfsVolume(vol), 4 * MiB,
                      1 * MiB, 64 * MiB, log=log.append, shot=shot)
    client.cmd('cont')
    t = threading.Thread(target=mgr.run, daemon=True)
    t.start()
    out, err = proc.communicate(timeout=1400)
    t.join(timeout=10)

    names = [e['event'] for e in mgr.events]
    thr = [e for e in mgr.events if e['event'] == 'BLOCK_WRITE_THRESHOLD']
    ioe = [e for e in mgr.events if e['event'] == 'BLOCK_IO_ERROR']
    tap.check('the guest passed', 'GUEST-RESULT PASS' in out, out[-3000:])
    w = [l.split('md5=')[1].split()[0] for l in out.splitlines()
         if l.startswith('GUEST-WRITE-DONE')]
    rd = [l.split('md5=')[1].split()[0] for l in out.splitlines()
          if l.startswith('GUEST-READ-DONE')]
    tap.eq('every region read back as written', (len(w), w), (LOOPS, rd))
    tap.check('thresholds fired on the file node with positive amounts',
              len(thr) >= 2 and all(
                  e['data']['node-name'] == mgr.node and
                  e['data']['amount-exceeded'] > 0 for e in thr),
              '%r' % thr)
    tap.check('the disk filled: BLOCK_IO_ERROR nospace, write, stop',
              ioe and ioe[0]['data'].get('nospace') is True and
              ioe[0]['data']['operation'] == 'write' and
              ioe[0]['data']['action'] == 'stop', '%r' % ioe)
    order_ok = False
    if 'BLOCK_IO_ERROR' in names:
        i = names.index('BLOCK_IO_ERROR')
        rest = names[i:]
        order_ok = ('STOP' in rest and 'RESUME' in rest and
                    rest.index('STOP') < rest.index('RESUME') and
                    names.index('BLOCK_WRITE_THRESHOLD') < i)
    tap.check('events in order: threshold, io-error, STOP, RESUME', order_ok,
              '%r' % names)
    tap.check('the manager resumed the VM once', mgr.resumes >= 1, log)
    tap.check('the manager extended the volume', mgr.extensions >= 2, log)
    tap.eq('plimsoll exited with status 0', proc.returncode, 0)
    chk = subprocess.run(['qemu-img', 'check', image], capture_output=True,
                         text=True)
    tap.eq('qemu-img check: clean', chk.returncode, 0)
    chk = subprocess.run([img, 'check', image], capture_output=True,
                         text=True)
    tap.eq('plimsoll-img check: clean', chk.returncode, 0)
    with open(nlog) as f:
        notes = f.read()
    tap.check('the notification log shows the threshold toasts',
              'toast warning BLOCK_WRITE_THRESHOLD Disk almost full' in notes,
              notes)
    tap.check('the notification log shows the disk-full modal',
              any(' modal ' in l and 'disk full' in l
                  for l in notes.splitlines()), notes)
    tap.check('the window image was captured while paused',
              mgr.shot_taken and os.path.exists(shot))
    if mgr.shot_taken:
        w, h, rgb = read_ppm(shot)
        red = sum(1 for i in range(0, len(rgb), 3)
                  if rgb[i] > 180 and rgb[i + 1] < 110 and rgb[i + 2] < 110)
        tap.check('the captured window shows the modal (red title, button)',
                  red > 300, '%d red pixels' % red)
    raw = os.path.join(work, 'data.raw')
    subprocess.run(['qemu-img', 'convert', '-O', 'raw', image, raw],
                   check=True)
    with open(raw, 'rb') as f:
        data = f.read(LOOPS * CHUNK_MB * MiB)
    want = hashlib.md5(PATTERN).hexdigest()
    got = [hashlib.md5(data[i * CHUNK_MB * MiB:(i + 1) * CHUNK_MB * MiB])
           .hexdigest() for i in range(LOOPS)]
    tap.eq('no write lost: every region on the image holds the pattern',
           got, [want] * LOOPS)
    os.unlink(raw)


if __name__ == '__main__':
    main()
