#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The error policy end to end on the real emulator (BLOCK-QMP-REFERENCE.md
# §4): SeaBIOS reads the boot sector of an IDE disk whose first read fails
# (blkdebug, once).  With rerror=stop the VM stops in io-error with
# BLOCK_IO_ERROR then STOP, query-block shows io-status "failed"; cont
# resets io-status, the device resubmits the read, the boot sector runs,
# reads sector 2 and exits with status 3 through isa-debug-exit.  With
# rerror=report the read error reaches SeaBIOS, which cannot boot the
# disk.  A disk full on the boot sector's write (blkdebug ENOSPC, once)
# with the default werror=enospc stops the VM with nospace; after cont the
# write lands in the image; on qcow2 (with qemu-img installed) the image
# then passes qemu-img check.  Needs seabios and nasm.  TAP output.
import importlib.machinery
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
common = importlib.machinery.SourceFileLoader(
    'qmp_common', os.path.join(HERE, 'test-qmp-common.py')).load_module()
BIN = sys.argv[1]
t = common.Tap()
work = tempfile.mkdtemp(prefix='test-disk-errors-')
sock = os.path.join(work, 'qmp.sock')


def blkdebug(disk, event, errno):
    cfg = os.path.join(work, event + '.cfg')
    with open(cfg, 'w') as f:
        f.write('[inject-error]\nevent = "%s"\nerrno = "%d"\n'
                'once = "on"\n' % (event, errno))
    return 'blkdebug:%s:%s' % (cfg, disk)


def setup():
    mbr = os.path.join(work, 'mbr.bin')
    subprocess.run(['nasm', '-f', 'bin', '-o', mbr,
                    os.path.join(HERE, 'test-disk-boot.asm')], check=True)
    disk = os.path.join(work, 'disk.raw')
    with open(disk, 'wb') as f:
        f.write(open(mbr, 'rb').read())
        f.write(b'SECTOR2!' + bytes(504))
        f.truncate(4 << 20)
    return disk


def start(drive, policy):
    args = [BIN, '-m', '128', '-display', 'none', '-no-reboot',
            '-device', 'isa-debug-exit,iobase=0xf4,iosize=4',
            '-drive', 'file=%s,if=ide,id=disk0%s'
            % (drive, policy),
            '-qmp', 'unix:%s,server=on,wait=off' % sock]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    end = time.time() + 10
    while time.time() < end and not os.path.exists(sock):
        time.sleep(0.01)
    return proc, common.QMPClient(sock, timeout=30)


def stop_policy(drive):
    proc, c = start(drive, ',format=raw,rerror=stop')
    ev = c.get_event('BLOCK_IO_ERROR', timeout=60)
    t.check('BLOCK_IO_ERROR raised', ev is not None)
    if ev is None:
        proc.kill()
        return
    d = ev.get('data', {})
    t.eq('event device', d.get('device'), 'disk0')
    t.eq('event operation/action', (d.get('operation'), d.get('action')),
         ('read', 'stop'))
    t.eq('event nospace (EIO)', d.get('nospace'), False)
    t.check('event qom-path', d.get('qom-path', '').startswith(
        '/machine/unattached/device['), d)
    t.check('STOP follows', c.get_event('STOP', timeout=10) is not None)
    t.eq('query-status', c.cmd('query-status')['status'], 'io-error')
    blk = [b for b in c.cmd('query-block') if b['device'] == 'disk0'][0]
    t.eq('io-status failed', blk.get('io-status'), 'failed')
    c.cmd('cont')
    try:
        rc = proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        rc = 'timeout'
    t.eq('after cont the read is resubmitted and the boot finishes', rc, 3)
    c.close()
    if os.path.exists(sock):
        os.unlink(sock)


def report_policy(drive):
    proc, c = start(drive, ',format=raw,rerror=report')
    ev = c.get_event('BLOCK_IO_ERROR', timeout=60)
    t.eq('report: event action', ev and ev['data'].get('action'), 'report')
    t.check('report: VM keeps running',
            c.cmd('query-status')['status'] == 'running')
    c.cmd('quit')
    proc.wait(timeout=10)
    c.close()
    if os.path.exists(sock):
        os.unlink(sock)


def sector3(disk, fmt):
    if fmt == 'raw':
        with open(disk, 'rb') as f:
            f.seek(1024)
            return f.read(8)
    out = os.path.join(work, 'check.raw')
    # -U: the VM still holds the image (and its write lock).
    subprocess.run(['qemu-img', 'convert', '-U', '-f', fmt, '-O', 'raw',
                    disk, out],
                   check=True)
    with open(out, 'rb') as f:
        f.seek(1024)
        return f.read(8)


def enospc_policy(drive, disk, fmt='raw'):
    proc, c = start(drive, ',format=' + fmt)
    ev = c.get_event('BLOCK_IO_ERROR', timeout=60)
    t.check('enospc: BLOCK_IO_ERROR raised', ev is not None)
    if ev is None:
        proc.kill()
        return
    d = ev['data']
    t.eq('enospc: operation/action/nospace',
         (d.get('operation'), d.get('action'), d.get('nospace')),
         ('write', 'stop', True))
    t.eq('enospc: reason', d.get('reason'), 'No space left on device')
    blk = [b for b in c.cmd('query-block') if b['device'] == 'disk0'][0]
    t.eq('enospc: io-status nospace', blk.get('io-status'), 'nospace')
    t.check('enospc: nothing written yet',
            sector3(disk, fmt) != b'WRITTEN!')
    c.cmd('cont')
    try:
        rc = proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        rc = 'timeout'
    t.eq('enospc: after cont the guest finishes', rc, 3)
    t.eq('enospc: the write landed after cont', sector3(disk, fmt),
         b'WRITTEN!')
    if fmt == 'qcow2':
        r = subprocess.run(['qemu-img', 'check', '-q', disk],
                           capture_output=True, text=True)
        t.check('enospc: qemu-img check finds the qcow2 image clean',
                r.returncode == 0, r.stdout + r.stderr)
    c.close()
    if os.path.exists(sock):
        os.unlink(sock)


if not os.path.exists('/usr/share/seabios/bios-256k.bin') or \
        not shutil.which('nasm'):
    print('1..0 # SKIP seabios or nasm not installed')
    sys.exit(0)
disk = setup()
t.run('rerror=stop', lambda: stop_policy(blkdebug(disk, 'read_aio', 5)))
t.run('rerror=report', lambda: report_policy(blkdebug(disk, 'read_aio', 5)))
disk2 = setup()
t.run('werror=enospc', lambda: enospc_policy(blkdebug(disk2, 'write_aio', 28),
                                             disk2))
if shutil.which('qemu-img'):
    qcow2 = os.path.join(work, 'disk.qcow2')
    subprocess.run(['qemu-img', 'convert', '-f', 'raw', '-O', 'qcow2',
                    setup(), qcow2], check=True)
    t.run('werror=enospc on qcow2',
          lambda: enospc_policy(blkdebug(qcow2, 'pwritev', 28), qcow2,
                                'qcow2'))
shutil.rmtree(work, ignore_errors=True)
t.finish()
