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
import importlib.machinery
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
e2e = importlib.machinery.SourceFileLoader(
    'thin_e2e', os.path.join(HERE, 'thin-e2e-common.py')).load_module()
MiB = e2e.MiB


class LateManager(e2e.LateManager):
    """A manager too slow for the first crossing; on time afterwards.
    While the VM sits paused on the full disk it captures the window as a
    person sees it (x-screendump-window) before it resumes the VM."""

    def __init__(self, *args, shot=None, **kwargs):
        self.shot = shot
        self.shot_taken = False
        super().__init__(*args, **kwargs)

    def on_late_event(self, ev):
        if ev['event'] == 'BLOCK_IO_ERROR' and not self.shot_taken:
            stop = self.qmp.get_event('STOP', timeout=10)
            if stop:
                self.events.append(stop)
            time.sleep(1.0)     # let the modal fade in
            self.qmp.cmd('x-screendump-window', filename=self.shot,
                         format='ppm')
            self.shot_taken = True
        return super().on_late_event(ev)


def read_ppm(path):
    with open(path, 'rb') as f:
        data = f.read()
    parts = data.split(maxsplit=4)
    w, h = int(parts[1]), int(parts[2])
    return w, h, parts[4][-w * h * 3:]


def main():
    binary = os.path.abspath(sys.argv[1])
    build = os.path.dirname(binary)
    tap = e2e.common.Tap()
    if os.geteuid() != 0:
        print('1..0 # SKIP mounting the tmpfs thin volume needs root')
        return
    guest = e2e.guest_or_skip(build)
    if not guest:
        return
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
    nlog = os.path.join(work, 'notifications.log')
    shot = os.path.join(work, 'window.ppm')
    proc, client = e2e.start([], binary, guest,
                             os.path.join(work, 'qmp.sock'), [
        '-display', 'none,notifications-log=' + nlog,
        '-drive', 'file=%s,format=qcow2,if=virtio,id=disk0' % image])
    log = []
    mgr = LateManager(client, 'disk0', e2e.tm.TmpfsVolume(vol), 4 * MiB,
                      1 * MiB, 64 * MiB, log=log.append, shot=shot)
    out, err = e2e.run(proc, client, mgr, 1400)

    thr = [e for e in mgr.events if e['event'] == 'BLOCK_WRITE_THRESHOLD']
    e2e.check_guest(tap, out, err)
    tap.check('thresholds fired on the file node with positive amounts',
              len(thr) >= 2 and all(
                  e['data']['node-name'] == mgr.node and
                  e['data']['amount-exceeded'] > 0 for e in thr),
              '%r' % thr)
    e2e.check_full_stop_resume(tap, mgr, log, 'disk')
    tap.eq('plimsoll exited with status 0', proc.returncode, 0)
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
    e2e.check_image(tap, image, work)


if __name__ == '__main__':
    main()
