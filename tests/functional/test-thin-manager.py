#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# scripts/thin-manager against a real Plimsoll over QMP, with writes pushed
# through HMP qemu-io on a second monitor (standing in for a guest).  Two
# volumes:
#  - blkdebug (no root needed): the disk's chain is qcow2 -> blkdebug with
#    x-enospc-limit -> file; the limit is the end of the "volume", raised
#    by the manager through QMP (--blkdebug).  Run as user nobody (setpriv)
#    when the test runs as root, to show the demo needs no privilege.  A
#    write past the limit fails with ENOSPC; after the manager's extension
#    the same write succeeds.
#  - tmpfs (root only): a small tmpfs mount the manager remounts larger.
# Checks: the events came for the protocol-level node with the right
# amounts, the volume grew in chunks, every write succeeded and reads back,
# and qemu-img check finds the image clean.
import importlib.machinery
import json
import os
import shutil
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
    tap.run('blkdebug volume', lambda: run_blkdebug(tap, binary, build))
    if os.geteuid() != 0:
        print('# tmpfs volume: skipped, mounting a tmpfs needs root')
        tap.finish()
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


def unprivileged():
    """A command prefix that drops root (user nobody), or [] when the test
    already runs unprivileged or setpriv is missing."""
    if os.geteuid() != 0 or not shutil.which('setpriv'):
        return [], sys.executable
    return (['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'],
            shutil.which('python3', path='/usr/bin:/bin') or sys.executable)


def readable_manager(work):
    """scripts/thin-manager and its QMP module copied into @work, so that
    user nobody can read them whatever the checkout's permissions (a clone
    in a mode-0700 directory)."""
    for name in ('thin-manager', 'plimsoll-qmp'):
        dst = os.path.join(work, name)
        shutil.copy(os.path.join(SRC, 'scripts', name), dst)
        os.chmod(dst, 0o755)
    return os.path.join(work, 'thin-manager')


def wait_for(paths, proc, seconds=10):
    end = time.time() + seconds
    while time.time() < end and proc.poll() is None:
        if all(os.path.exists(p) for p in paths):
            return True
        time.sleep(0.05)
    return False


def run_blkdebug(tap, binary, build):
    prefix, python = unprivileged()
    work = tempfile.mkdtemp(prefix='thin-blkdebug-')
    os.chmod(work, 0o777)
    image = os.path.join(work, 'disk.qcow2')
    subprocess.run([tool(build, 'plimsoll-img'), 'create', '-q', '-f',
                    'qcow2', image, '64M'], check=True)
    os.chmod(image, 0o666)
    node = {'driver': 'qcow2', 'node-name': 'disk0', 'file': {
        'driver': 'blkdebug', 'node-name': 'thinvol',
        'x-enospc-limit': 4 * MiB,
        'image': {'driver': 'file', 'filename': image}}}
    socks = [os.path.join(work, n + '.sock') for n in ('manager', 'guest')]
    vm = subprocess.Popen(prefix + [
        binary, '-display', 'none', '-machine', 'none',
        '-blockdev', json.dumps(node)] + sum(
            (['-qmp', 'unix:%s,server=on,wait=off' % p] for p in socks), []),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    mgr = None
    try:
        tap.check('plimsoll runs %s' % ('as nobody' if prefix else
                                         'unprivileged'),
                  wait_for(socks, vm))
        guest = common.QMPClient(socks[1], timeout=10)
        out = guest.hmp('qemu-io disk0 "write -P 0x55 0 5M"')
        tap.check('a write past the volume end fails with ENOSPC',
                  'No space left on device' in out, out)
        mgr = subprocess.Popen(prefix + [
            python, readable_manager(work),
            '--qmp', socks[0], '--drive', 'disk0', '--blkdebug',
            '--chunk', '4M', '--watermark', '1M', '--max', '32M'],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        time.sleep(0.8)   # the manager arms its first threshold
        ok, retries, fails = True, 0, []
        for i in range(14):
            for attempt in range(6):
                out = guest.hmp('qemu-io disk0 "write -P 0x%02x %d 1M"'
                                % (i + 1, i * MiB))
                if 'No space left' not in out:
                    break
                # A loaded host let the guest outrun the manager: retry
                # once it has extended, as a guest stopped by werror=enospc
                # is resumed after the extension.
                retries += 1
                time.sleep(0.5)
            if 'wrote 1048576/1048576' not in out:
                ok = False
                fails.append(out)
            time.sleep(0.3)   # a steady guest, not a burst
        tap.check('every write succeeded with the manager running', ok,
                  '%d retries\n%s' % (retries, '\n'.join(fails)))
        for i in range(14):
            out = guest.hmp('qemu-io disk0 "read -P 0x%02x %d 1M"'
                            % (i + 1, i * MiB))
            ok = ok and 'read 1048576/1048576' in out
        tap.check('every write reads back with its pattern', ok)
        limit = guest.hmp('qemu-io disk0 "enospc_limit"').split()
        guest.cmd('quit')
    finally:
        log = mgr.communicate(timeout=20)[0] if mgr else ''
        vm.communicate(timeout=20)
    ext = [line for line in log.splitlines() if 'extended volume' in line]
    tap.check('the manager found the blkdebug node (thinvol)',
              'thinvol: volume 4.0 MiB, threshold armed at 3.0 MiB' in log,
              log)
    tap.check('the manager extended the volume at least 3 times',
              len(ext) >= 3, log)
    tap.check('the first extension went 4 -> 8 MiB',
              ext and '4.0 MiB -> 8.0 MiB' in ext[0], log)
    tap.check('the limit grew in 4 MiB chunks',
              len(limit) == 3 and int(limit[2]) % (4 * MiB) == 0 and
              int(limit[2]) >= 16 * MiB, limit)
    chk = subprocess.run(['qemu-img', 'check', image], capture_output=True,
                         text=True)
    tap.eq('qemu-img check finds the image clean', chk.returncode, 0)
    shutil.rmtree(work)


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
