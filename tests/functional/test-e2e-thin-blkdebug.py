#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The thin-provisioning scenario of `make run` without root: the Linux test
# guest boots with a qcow2 data disk on virtio-blk (werror=enospc) whose
# chain is qcow2 -> blkdebug (x-enospc-limit=2M) -> file; the limit plays
# the end of a thin volume.  Plimsoll runs as user nobody (setpriv) when
# the test runs as root.  The manager (scripts/thin-manager's ThinManager
# with its BlkdebugVolume, QMP only) misses the first threshold on purpose,
# so the guest runs the "volume" full: BLOCK_IO_ERROR with nospace, STOP;
# the manager raises the limit and sends cont (RESUME); afterwards it keeps
# ahead at each BLOCK_WRITE_THRESHOLD.  Checks: that order of events, the
# guest's checksums, the data on the image, qemu-img check clean.
import hashlib
import importlib.machinery
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
common = importlib.machinery.SourceFileLoader(
    'qmp_common', os.path.join(HERE, 'test-qmp-common.py')).load_module()
SRC = common.SRC
tm = importlib.machinery.SourceFileLoader(
    'thin_manager', os.path.join(SRC, 'scripts', 'thin-manager')).load_module()
MiB = 1 << 20
LOOPS = 3
CHUNK_MB = 4
LINE = (b'GUESTDATA 0123456789abcdefghijklmnopqrstuvwxyz'
        b'ABCDEFGHIJKLMNOPQRSTUVWXYZ')
PATTERN = (LINE[:63] + b'\n') * (CHUNK_MB * MiB // 64)


class LateManager(tm.ThinManager):
    """Misses the first threshold, so the guest fills the volume once."""

    def __init__(self, *args, **kwargs):
        self.events = []
        self.missed = False
        super().__init__(*args, **kwargs)

    def on_event(self, ev):
        self.events.append(ev)
        if ev['event'] == 'BLOCK_WRITE_THRESHOLD' and not self.missed:
            self.missed = True
            return True
        return super().on_event(ev)


def main():
    binary = os.path.abspath(sys.argv[1])
    build = os.path.dirname(binary)
    tap = common.Tap()
    r = subprocess.run(['sh', os.path.join(SRC, 'scripts',
                                           'build-linux-guest.sh'),
                        os.path.join(build, 'guest')],
                       capture_output=True, text=True,
                       env=dict(os.environ, ARCH='amd64'))
    if r.returncode != 0:
        print('1..0 # SKIP the guest could not be assembled from Debian '
              'packages')
        return
    work = tempfile.mkdtemp(prefix='e2e-blkdebug-')
    os.chmod(work, 0o777)
    try:
        run(tap, binary, build, os.path.join(build, 'guest', 'linux-amd64'),
            work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    tap.finish()


def run(tap, binary, build, guest, work):
    image = os.path.join(work, 'data.qcow2')
    img = os.path.join(build, 'tools', 'img', 'plimsoll-img')
    subprocess.run([img, 'create', '-q', '-f', 'qcow2', image, '64M'],
                   check=True)
    os.chmod(image, 0o666)
    sock = os.path.join(work, 'qmp.sock')
    node = {'driver': 'qcow2', 'node-name': 'disk0', 'file': {
        'driver': 'blkdebug', 'node-name': 'thinvol',
        'x-enospc-limit': 2 * MiB,
        'image': {'driver': 'file', 'filename': image}}}
    prefix = []
    if os.geteuid() == 0 and shutil.which('setpriv'):
        prefix = ['setpriv', '--reuid=65534', '--regid=65534',
                  '--clear-groups']
    proc = subprocess.Popen(prefix + [
        binary, '-m', '256', '-serial', 'stdio', '-display', 'none',
        '-no-reboot', '-S',
        '-kernel', os.path.join(guest, 'vmlinuz'),
        '-initrd', os.path.join(guest, 'initrd.img'),
        '-append', 'console=ttyS0 quiet guest_mb=%d guest_loop=%d'
                   % (CHUNK_MB, LOOPS),
        '-blockdev', json.dumps(node),
        '-device', 'virtio-blk-pci,drive=disk0,werror=enospc',
        '-qmp', 'unix:%s,server=on,wait=off' % sock],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        errors='replace')
    for _ in range(200):
        if os.path.exists(sock):
            break
        threading.Event().wait(0.05)
    client = tm.QMPClient(sock, timeout=10)
    log = []
    mgr = LateManager(client, 'disk0', tm.BlkdebugVolume(client, 'disk0'),
                      4 * MiB, 1 * MiB, 64 * MiB, log=log.append)
    client.cmd('cont')
    t = threading.Thread(target=mgr.run, daemon=True)
    t.start()
    out, err = proc.communicate(timeout=3000)
    t.join(timeout=10)

    names = [e['event'] for e in mgr.events]
    ioe = [e for e in mgr.events if e['event'] == 'BLOCK_IO_ERROR']
    tap.check('plimsoll ran %s' % ('as nobody' if prefix else
                                    'unprivileged'), True)
    tap.check('the guest passed', 'GUEST-RESULT PASS' in out,
              out[-3000:] + err[-2000:])
    w = [l.split('md5=')[1].split()[0] for l in out.splitlines()
         if l.startswith('GUEST-WRITE-DONE')]
    rd = [l.split('md5=')[1].split()[0] for l in out.splitlines()
          if l.startswith('GUEST-READ-DONE')]
    tap.eq('every region read back as written', (len(w), w), (LOOPS, rd))
    tap.check('the volume filled: BLOCK_IO_ERROR nospace, write, stop',
              ioe and ioe[0]['data'].get('nospace') is True and
              ioe[0]['data']['action'] == 'stop', '%r' % ioe)
    order_ok = False
    if 'BLOCK_IO_ERROR' in names:
        rest = names[names.index('BLOCK_IO_ERROR'):]
        order_ok = ('STOP' in rest and 'RESUME' in rest and
                    rest.index('STOP') < rest.index('RESUME'))
    tap.check('events in order: io-error, STOP, RESUME', order_ok,
              '%r' % names)
    tap.check('thresholds fired on the blkdebug node',
              any(e['event'] == 'BLOCK_WRITE_THRESHOLD' and
                  e['data']['node-name'] == 'thinvol' for e in mgr.events),
              '%r' % names)
    tap.check('the manager resumed the VM', mgr.resumes >= 1, log)
    tap.check('the manager extended the volume', mgr.extensions >= 2, log)
    tap.eq('plimsoll exited with status 0', proc.returncode, 0)
    chk = subprocess.run(['qemu-img', 'check', image], capture_output=True,
                         text=True)
    tap.eq('qemu-img check: clean', chk.returncode, 0)
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


if __name__ == '__main__':
    main()
