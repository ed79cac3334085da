# SPDX-License-Identifier: GPL-2.0-or-later
#
# Image locking interop with QEMU 7.2 (Debian's qemu-img, qemu-io and
# qemu-system-x86_64, when installed): a running Plimsoll VM keeps
# qemu-img, plimsoll-img and a second VM off its images with QEMU's
# messages and exit codes, -U reads anyway, readers share; a running
# qemu-io or QEMU VM keeps Plimsoll off the same way; QMP blockdev-add
# reports the conflict.  Each process this test starts is ended by its pid.
import importlib.machinery
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

common = importlib.machinery.SourceFileLoader(
    'qmp_common', os.path.join(os.path.dirname(os.path.abspath(__file__)),
                               'test-qmp-common.py')).load_module()
BIN = os.path.abspath(sys.argv[1])
BUILD = os.path.dirname(BIN)
PIMG = os.path.join(BUILD, 'tools', 'img', 'plimsoll-img')
PIO = os.path.join(BUILD, 'tools', 'io', 'plimsoll-io')
HAVE_QEMU = all(shutil.which(p) for p in
                ('qemu-img', 'qemu-io', 'qemu-system-x86_64'))
t = common.Tap()
work = tempfile.mkdtemp(prefix='test-image-locking-')


def path(name):
    return os.path.join(work, name)


def run(args):
    return subprocess.run(args, capture_output=True, text=True, timeout=30)


def hint(p):
    return 'Is another process using the image [%s]?\n' % p


def lock_msg(prog, p, shared):
    return "%s: Could not open '%s': Failed to get %s\"write\" lock\n%s" % (
        prog, p, 'shared ' if shared else '', hint(p))


def make(name, fmt):
    p = path(name)
    r = run([PIMG, 'create', '-q', '-f', fmt, p, '16M'])
    assert r.returncode == 0, r.stderr
    return p


def refused(name, args, prog, p, shared, rc=1):
    r = run(args)
    t.eq(name, (r.returncode, r.stderr), (rc, lock_msg(prog, p, shared)))


def works(name, args):
    r = run(args)
    t.eq(name, (r.returncode, r.stderr), (0, ''))


def lock_ranges(p):
    """The (start, end) of every OFD lock on @p, one per holder and range
    (the kernel merges a holder's adjacent bytes)."""
    st = os.stat(p)
    key = '%02x:%02x:%d' % (os.major(st.st_dev), os.minor(st.st_dev),
                            st.st_ino)
    out = []
    with open('/proc/locks') as f:
        for line in f:
            fields = line.split()
            if len(fields) >= 8 and fields[5] == key:
                end = fields[7]
                out.append((int(fields[6]),
                            int(fields[6]) if end == 'EOF' else int(end)))
    return out


QCOW2_WRITER = (100, 101, 103, 201, 203)


def wait_locked(p, need=QCOW2_WRITER, holders=1, timeout=10):
    """Until @holders processes each lock every byte of @need on @p."""
    end = time.time() + timeout
    while time.time() < end:
        ranges = lock_ranges(p)
        if all(sum(1 for a, b in ranges if a <= x <= b) >= holders
               for x in need):
            return True
        time.sleep(0.02)
    return False


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def plimsoll_vm(extra):
    sock = path('qmp-%d.sock' % time.monotonic_ns())
    proc = subprocess.Popen([BIN, '-S', '-display', 'none', '-machine', 'pc',
                             '-m', '32', '-qmp',
                             'unix:%s,server=on,wait=off' % sock] + extra,
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    end = time.time() + 10
    while time.time() < end and proc.poll() is None and \
            not os.path.exists(sock):
        time.sleep(0.01)
    return proc, sock


def tools_vs_plimsoll_vm():
    q, r = make('disk.qcow2', 'qcow2'), make('disk.raw', 'raw')
    vm, sock = plimsoll_vm(['-drive', 'file=%s,if=virtio' % q,
                            '-drive', 'file=%s,format=raw,if=virtio' % r])
    try:
        t.check('VM holds its images', wait_locked(q) and
                wait_locked(r, (100, 101, 201)))
        for cmd in (['info'], ['check'], ['map'],
                    ['measure', '-O', 'qcow2']):
            refused('plimsoll-img %s on a VM\'s qcow2' % cmd[0],
                    [PIMG] + cmd + [q], 'plimsoll-img', q, True)
            works('plimsoll-img %s -U' % cmd[0], [PIMG] + cmd + ['-U', q])
        refused('plimsoll-img compare: exit 2', [PIMG, 'compare', q, q],
                'plimsoll-img', q, True, rc=2)
        works('plimsoll-img compare -U', [PIMG, 'compare', '-U', q, q])
        refused('plimsoll-img resize wants the write lock',
                [PIMG, 'resize', q, '32M'], 'plimsoll-img', q, False)
        size = os.path.getsize(q)
        r2 = run([PIMG, 'create', '-q', '-f', 'qcow2', q, '1M'])
        t.eq('plimsoll-img create over it', (r2.returncode, r2.stderr),
             (1, 'plimsoll-img: %s: Failed to get "write" lock\n%s'
              % (q, hint(q))))
        t.eq('the image was not truncated', os.path.getsize(q), size)
        works('plimsoll-img info on a VM\'s raw image (raw shares reads)',
              [PIMG, 'info', '-f', 'raw', r])
        r1 = run([PIO, '-f', 'raw', '-c', 'write 0 512', r])
        t.eq('plimsoll-io write on a VM\'s raw image (qemu-io\'s words)',
             (r1.returncode, r1.stderr),
             (1, "plimsoll-io: can't open device %s: Failed to get "
              '"write" lock\n%s' % (r, hint(r))))
        second = run([BIN, '-S', '-display', 'none', '-machine', 'pc',
                      '-drive', 'file=%s,if=virtio' % q])
        t.eq('a second VM on the qcow2',
             (second.returncode, second.stderr),
             (1, 'plimsoll: -drive file=%s,if=virtio: Failed to get '
              '"write" lock\n%s' % (q, hint(q))))
        second = run([BIN, '-S', '-display', 'none', '-machine', 'pc',
                      '-drive', 'file=%s,format=raw,if=ide' % r])
        t.check('a second VM on the raw image (guest disks refuse writers)',
                second.returncode == 1 and second.stderr.endswith(
                    'Failed to get "write" lock\n%s' % hint(r)),
                (second.returncode, second.stderr))
        if HAVE_QEMU:
            refused('qemu-img info on a Plimsoll VM\'s qcow2',
                    ['qemu-img', 'info', q], 'qemu-img', q, True)
            works('qemu-img info -U', ['qemu-img', 'info', '-U', q])
            refused('qemu-img compare: exit 2', ['qemu-img', 'compare', q, q],
                    'qemu-img', q, True, rc=2)
            r3 = run(['qemu-io', '-f', 'raw', '-c', 'write 0 512', r])
            t.eq('qemu-io write on the VM\'s raw image',
                 (r3.returncode, r3.stderr),
                 (1, "qemu-io: can't open device %s: Failed to get "
                  '"write" lock\n%s' % (r, hint(r))))
            r4 = run(['qemu-system-x86_64', '-S', '-display', 'none',
                      '-nodefaults', '-drive', 'file=%s,if=virtio' % q])
            t.eq('a QEMU VM on the qcow2', (r4.returncode, r4.stderr),
                 (1, 'qemu-system-x86_64: -drive file=%s,if=virtio: Failed '
                  'to get "write" lock\n%s' % (q, hint(q))))
        c = common.QMPClient(sock, timeout=10)
        t.error('QMP blockdev-add of the VM\'s own image again',
                lambda: c.cmd('blockdev-add', driver='qcow2',
                              **{'node-name': 'again'},
                              file={'driver': 'file', 'filename': q}),
                'GenericError', 'Failed to get "write" lock')
        c.cmd('blockdev-add', driver='qcow2', **{'node-name': 'ro'},
              file={'driver': 'file', 'filename': q}, **{'read-only': True,
                                                          'force-share': True})
        t.check('read-only force-share node beside the writer', True)
        c.cmd('blockdev-del', **{'node-name': 'ro'})
        c.close()
    finally:
        common.end_process(vm, lambda: common.QMPClient(sock, timeout=10))
        vm.communicate()
    works('after the VM quits, plimsoll-img info', [PIMG, 'info', q])
    works('and plimsoll-img check', [PIMG, 'check', q])


def readers_share():
    q = make('shared.qcow2', 'qcow2')
    spec = ['-blockdev', 'driver=qcow2,node-name=b0,read-only=on,'
            'file.driver=file,file.filename=%s' % q]
    a, _ = plimsoll_vm(spec)
    b, _ = plimsoll_vm(spec)
    try:
        t.check('two VMs read the same qcow2',
                wait_locked(q, (100, 201, 203), holders=2) and
                a.poll() is None and b.poll() is None)
        works('plimsoll-img info beside two readers', [PIMG, 'info', q])
        works('plimsoll-img check beside two readers', [PIMG, 'check', q])
        refused('but no writer', [PIMG, 'resize', q, '32M'], 'plimsoll-img',
                q, False)
    finally:
        stop(a)
        stop(b)


def held_bytes(p):
    """The lock bytes any process holds on @p, as a sorted list."""
    got = set()
    for a, b in lock_ranges(p):
        got.update(range(a, b + 1))
    return sorted(got)


def commit_reopens():
    """block-commit makes the read-only base writable for the job and
    read-only again afterwards, as QEMU's reopen does: readers of the base
    are refused only while the job writes it."""
    base = make('cbase.qcow2', 'qcow2')
    mid, top = path('cmid.qcow2'), path('ctop.qcow2')
    for img, back in ((mid, base), (top, mid)):
        r = run([PIMG, 'create', '-q', '-f', 'qcow2', '-b', back, '-F',
                 'qcow2', img])
        assert r.returncode == 0, r.stderr
    r = run([PIO, '-c', 'write -P 0x5a 0 1M', mid])
    assert r.returncode == 0, r.stderr
    vm, sock = plimsoll_vm(['-drive', 'file=%s,if=virtio' % top])
    try:
        t.check('chain opened', wait_locked(base, (100, 201, 203)))
        works('plimsoll-img info of a VM\'s backing file', [PIMG, 'info',
                                                          base])
        refused('no writer on a VM\'s backing file',
                [PIMG, 'resize', base, '32M'], 'plimsoll-img', base, False)
        c = common.QMPClient(sock, timeout=10)
        c.cmd('block-commit', device='virtio0', top=mid, base=base)
        ev = c.get_event('BLOCK_JOB_COMPLETED', timeout=20)
        t.check('commit completed', ev and 'error' not in ev['data'], ev)
        end = time.time() + 10
        while time.time() < end and 101 in held_bytes(base):
            time.sleep(0.05)
        t.eq('the base is read-only again: its locks',
             held_bytes(base), [100, 201, 203])
        works('plimsoll-img info of the base after the commit',
              [PIMG, 'info', base])
        ins = c.cmd('query-block')[0]['inserted']
        t.eq('the chain is top <- base',
             ins['image'].get('backing-image', {}).get('filename'), base)
        r = run([PIO, '-U', '-r', '-c', 'read -P 0x5a 0 1M', top])
        t.check('the data read through the new chain',
                r.returncode == 0 and 'Pattern' not in r.stdout,
                (r.returncode, r.stdout, r.stderr))
        c.close()
    finally:
        common.end_process(vm, lambda: common.QMPClient(sock, timeout=10))
        vm.communicate()


def plimsoll_vs_qemu(holder_args, label, q):
    holder = subprocess.Popen(holder_args, stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        t.check('%s holds the image' % label, wait_locked(q))
        refused('plimsoll-img info on %s\'s image' % label,
                [PIMG, 'info', q], 'plimsoll-img', q, True)
        works('plimsoll-img info -U on %s\'s image' % label,
              [PIMG, 'info', '-U', q])
        r = run([BIN, '-S', '-display', 'none', '-machine', 'pc',
                 '-drive', 'file=%s,if=virtio' % q])
        t.eq('plimsoll VM on %s\'s image' % label, (r.returncode, r.stderr),
             (1, 'plimsoll: -drive file=%s,if=virtio: Failed to get '
              '"write" lock\n%s' % (q, hint(q))))
    finally:
        stop(holder)


def qemu_holds():
    q = make('qemu.qcow2', 'qcow2')
    plimsoll_vs_qemu(['qemu-io', '-f', 'qcow2', '-c', 'sleep 30000', q],
                     'qemu-io', q)
    plimsoll_vs_qemu(['qemu-system-x86_64', '-S', '-display', 'none',
                      '-nodefaults', '-drive', 'file=%s,if=virtio' % q],
                     'a QEMU VM', q)
    works('plimsoll-img check once QEMU is gone', [PIMG, 'check', q])


try:
    t.run('tools vs a Plimsoll VM', tools_vs_plimsoll_vm)
    t.run('readers share', readers_share)
    t.run('commit reopens the base', commit_reopens)
    if HAVE_QEMU:
        t.run('Plimsoll vs QEMU', qemu_holds)
finally:
    shutil.rmtree(work, ignore_errors=True)
t.finish()
