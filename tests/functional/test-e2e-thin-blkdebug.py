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
import importlib.machinery
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
e2e = importlib.machinery.SourceFileLoader(
    'thin_e2e', os.path.join(HERE, 'thin-e2e-common.py')).load_module()
MiB = e2e.MiB


def main():
    binary = os.path.abspath(sys.argv[1])
    build = os.path.dirname(binary)
    tap = e2e.common.Tap()
    guest = e2e.guest_or_skip(build)
    if not guest:
        return
    work = tempfile.mkdtemp(prefix='e2e-blkdebug-')
    os.chmod(work, 0o777)
    try:
        run(tap, binary, build, guest, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    tap.finish()


def run(tap, binary, build, guest, work):
    image = os.path.join(work, 'data.qcow2')
    img = os.path.join(build, 'tools', 'img', 'plimsoll-img')
    subprocess.run([img, 'create', '-q', '-f', 'qcow2', image, '64M'],
                   check=True)
    os.chmod(image, 0o666)
    node = {'driver': 'qcow2', 'node-name': 'disk0', 'file': {
        'driver': 'blkdebug', 'node-name': 'thinvol',
        'x-enospc-limit': 2 * MiB,
        'image': {'driver': 'file', 'filename': image}}}
    prefix = []
    if os.geteuid() == 0 and shutil.which('setpriv'):
        prefix = ['setpriv', '--reuid=65534', '--regid=65534',
                  '--clear-groups']
        guest = e2e.readable_guest(guest, work)
    proc, client = e2e.start(prefix, binary, guest,
                             os.path.join(work, 'qmp.sock'), [
        '-display', 'none', '-blockdev', json.dumps(node),
        '-device', 'virtio-blk-pci,drive=disk0,werror=enospc'])
    log = []
    mgr = e2e.LateManager(client, 'disk0',
                          e2e.tm.BlkdebugVolume(client, 'disk0'),
                          4 * MiB, 1 * MiB, 64 * MiB, log=log.append)
    out, err = e2e.run(proc, client, mgr, 3000)

    tap.check('plimsoll ran %s' % ('as nobody' if prefix else
                                    'unprivileged'), True)
    e2e.check_guest(tap, out, err)
    e2e.check_full_stop_resume(tap, mgr, log, 'volume')
    tap.check('thresholds fired on the blkdebug node',
              any(e['event'] == 'BLOCK_WRITE_THRESHOLD' and
                  e['data']['node-name'] == 'thinvol' for e in mgr.events),
              '%r' % [e['event'] for e in mgr.events])
    tap.eq('plimsoll exited with status 0', proc.returncode, 0)
    e2e.check_image(tap, image, work)


if __name__ == '__main__':
    main()
