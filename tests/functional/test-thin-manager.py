#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# scripts/thin-manager against a real Plimsoll over QMP: a qcow2 image on a
# small tmpfs "thin volume", writes pushed through HMP qemu-io on a second
# monitor (standing in for a guest), the manager arming write thresholds on
# the file node and growing the tmpfs as each one fires.  Checks: the
# events came for the file node with the right amounts, the volume grew in
# chunks, every write succeeded and reads back, and qemu-img check finds
# the image clean.  Needs root for the tmpfs mount (CI runs as root).
import importlib.machinery
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
common = importlib.machinery.SourceFileLoader(
    'qmp_common', os.path.join(HERE, 'test-qmp-common.py')).load_module()
SRC = common.SRC
MiB = 1 << 20


def tool(build, name):
    sub = 'img' if name.endswith('img') else 'io'
    return os.path.join(build, 'tools', sub, name)


def main():
    binary = os.path.abspath(sys.argv[1])
    build = os.path.dirname(binary)
    tap = common.Tap()
    if os.geteuid() != 0:
        print('1..0 # SKIP mounting a tmpfs volume needs root')
        return
    mnt = tempfile.mkdtemp(prefix='thin-vol-')
    subprocess.run(['mount', '-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mnt],
                   check=True)
    try:
        run(tap, binary, build, mnt)
    finally:
        subprocess.run(['umount', '-l', mnt])
        os.rmdir(mnt)
    tap.finish()


def run(tap, binary, build, mnt):
    image = os.path.join(mnt, 'disk.qcow2')
    subprocess.run([tool(build, 'plimsoll-img'), 'create', '-q', '-f',
                    'qcow2', image, '64M'], check=True)
    vm = common.VM(binary, qmp=('manager', 'guest'), extra=[
        '-drive', 'file=%s,format=qcow2,if=none,id=disk0' % image])
    log = []
    mgr_proc = subprocess.Popen(
        [sys.executable, os.path.join(SRC, 'scripts', 'thin-manager'),
         '--qmp', vm.sockets['manager'], '--drive', 'disk0', '--tmpfs', mnt,
         '--chunk', '4M', '--watermark', '1M', '--max', '32M'],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        guest = vm.connect('guest')
        time.sleep(0.5)   # the manager arms its first threshold
        ok = True
        for i in range(14):
            out = guest.hmp('qemu-io disk0 "write -P 0x%02x %d 1M"'
                            % (i + 1, i * MiB))
            ok = ok and 'wrote 1048576/1048576' in out
            time.sleep(0.3)   # a steady guest, not a burst
        tap.check('every guest write succeeded', ok)
        for i in range(14):
            out = guest.hmp('qemu-io disk0 "read -P 0x%02x %d 1M"'
                            % (i + 1, i * MiB))
            ok = ok and 'read 1048576/1048576' in out
        tap.check('every write reads back with its pattern', ok)
        guest.cmd('quit')
    finally:
        out, _ = mgr_proc.communicate(timeout=20)
        vm.stop()
    log = out.splitlines()
    ext = [l for l in log if 'extended volume' in l]
    tap.check('the manager extended the volume at least 3 times',
              len(ext) >= 3, out)
    tap.check('the first extension went 4 -> 8 MiB',
              ext and '4.0 MiB -> 8.0 MiB' in ext[0], out)
    tap.check('no pause was needed', 'resumed' not in out, out)
    st = os.statvfs(mnt)
    tap.check('the volume grew in 4 MiB chunks',
              (st.f_blocks * st.f_frsize) % (4 * MiB) == 0)
    chk = subprocess.run(['qemu-img', 'check', image], capture_output=True,
                         text=True)
    tap.eq('qemu-img check finds the image clean', chk.returncode, 0)


if __name__ == '__main__':
    main()
