# SPDX-License-Identifier: GPL-2.0-or-later
#
# Shared by the two thin-provisioning end-to-end tests, test-e2e-thin.py
# (tmpfs volume) and test-e2e-thin-blkdebug.py (blkdebug's ENOSPC limit);
# loaded by file name, not run by itself.  The Linux test guest writes
# LOOPS regions of CHUNK_MB MiB to its virtio-blk data disk and reads each
# back; a thin-manager (scripts/thin-manager) that misses the first write
# threshold lets the guest fill the volume once.  Here: the manager base
# class, starting the emulator and the manager, and the checks both tests
# make on the events, the guest's checksums and the image.
import hashlib
import importlib.machinery
import os
import shutil
import subprocess
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
linux = importlib.machinery.SourceFileLoader(
    'linux_guest', os.path.join(HERE, 'linux-guest-common.py')).load_module()
common = linux.common
tm = importlib.machinery.SourceFileLoader(
    'thin_manager', os.path.join(common.SRC, 'scripts',
                                 'thin-manager')).load_module()
MiB = 1 << 20
LOOPS = 3
CHUNK_MB = 4
LINE = (b'GUESTDATA 0123456789abcdefghijklmnopqrstuvwxyz'
        b'ABCDEFGHIJKLMNOPQRSTUVWXYZ')
PATTERN = (LINE[:63] + b'\n') * (CHUNK_MB * MiB // 64)


class LateManager(tm.ThinManager):
    """Misses the first threshold, so the guest fills the volume once;
    on time afterwards.  Keeps every event it saw in @events."""

    def __init__(self, *args, **kwargs):
        self.events = []
        self.missed = False
        super().__init__(*args, **kwargs)

    def on_event(self, ev):
        self.events.append(ev)
        if ev['event'] == 'BLOCK_WRITE_THRESHOLD' and not self.missed:
            self.missed = True
            return True
        return self.on_late_event(ev)

    def on_late_event(self, ev):
        return super().on_event(ev)


def guest_or_skip(build):
    """The amd64 guest directory, or None after printing the SKIP line."""
    guest, _ = linux.build_guest(build)
    if not guest:
        print('1..0 # SKIP the guest could not be assembled from Debian '
              'packages')
    return guest


def readable_guest(guest, work):
    """The guest's kernel and initrd copied into @work (mode 0644), so that
    user nobody can read them whatever the checkout's permissions (a clone
    in a mode-0700 directory); returns the directory to pass to start()."""
    dst = os.path.join(work, 'guest')
    os.makedirs(dst, exist_ok=True)
    os.chmod(dst, 0o755)
    for name in ('vmlinuz', 'initrd.img'):
        shutil.copy(os.path.join(guest, name), os.path.join(dst, name))
        os.chmod(os.path.join(dst, name), 0o644)
    return dst


def start(prefix, binary, guest, sock, extra):
    """The emulator, paused (-S), with the guest's write/read loop and a
    QMP socket @sock; @extra names the data disk.  Returns the process
    and a connected QMP client."""
    proc = subprocess.Popen(list(prefix) + [
        binary, '-m', '256', '-serial', 'stdio', '-no-reboot', '-S',
        '-kernel', os.path.join(guest, 'vmlinuz'),
        '-initrd', os.path.join(guest, 'initrd.img'),
        '-append', 'console=ttyS0 quiet guest_mb=%d guest_loop=%d'
                   % (CHUNK_MB, LOOPS),
        '-qmp', 'unix:%s,server=on,wait=off' % sock] + list(extra),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        errors='replace')
    for _ in range(200):
        if os.path.exists(sock):
            break
        threading.Event().wait(0.05)
    return proc, tm.QMPClient(sock, timeout=10)


def run(proc, client, mgr, timeout):
    """Continue the VM, run @mgr beside it until the emulator exits;
    returns the emulator's (stdout, stderr)."""
    client.cmd('cont')
    t = threading.Thread(target=mgr.run, daemon=True)
    t.start()
    out, err = proc.communicate(timeout=timeout)
    t.join(timeout=10)
    return out, err


def check_guest(tap, out, err):
    tap.check('the guest passed', 'GUEST-RESULT PASS' in out,
              out[-3000:] + err[-2000:])
    w = [l.split('md5=')[1].split()[0] for l in out.splitlines()
         if l.startswith('GUEST-WRITE-DONE')]
    rd = [l.split('md5=')[1].split()[0] for l in out.splitlines()
          if l.startswith('GUEST-READ-DONE')]
    tap.eq('every region read back as written', (len(w), w), (LOOPS, rd))


def check_full_stop_resume(tap, mgr, log, what):
    """BLOCK_IO_ERROR (nospace, write, stop), then STOP before RESUME;
    the manager resumed the VM and extended the volume.  Returns the
    index of the first BLOCK_IO_ERROR in the event names (or None)."""
    names = [e['event'] for e in mgr.events]
    ioe = [e for e in mgr.events if e['event'] == 'BLOCK_IO_ERROR']
    tap.check('the %s filled: BLOCK_IO_ERROR nospace, write, stop' % what,
              ioe and ioe[0]['data'].get('nospace') is True and
              ioe[0]['data']['operation'] == 'write' and
              ioe[0]['data']['action'] == 'stop', '%r' % ioe)
    i = None
    order_ok = False
    if 'BLOCK_IO_ERROR' in names:
        i = names.index('BLOCK_IO_ERROR')
        rest = names[i:]
        order_ok = ('STOP' in rest and 'RESUME' in rest and
                    rest.index('STOP') < rest.index('RESUME') and
                    'BLOCK_WRITE_THRESHOLD' in names[:i])
    tap.check('events in order: threshold, io-error, STOP, RESUME', order_ok,
              '%r' % names)
    tap.check('the manager resumed the VM', mgr.resumes >= 1, log)
    tap.check('the manager extended the volume', mgr.extensions >= 2, log)
    return i


def check_image(tap, image, work):
    """qemu-img check is clean and every region holds the pattern."""
    chk = subprocess.run(['qemu-img', 'check', image], capture_output=True,
                         text=True)
    tap.eq('qemu-img check: clean', chk.returncode, 0)
    raw = os.path.join(work, 'data.raw')
    subprocess.run(['qemu-img', 'convert', '-O', 'raw', image, raw],
                   check=True)
    with open(raw, 'rb') as f:
        data = f.read(LOOPS * CHUNK_MB * MiB)
    os.unlink(raw)
    want = hashlib.md5(PATTERN).hexdigest()
    got = [hashlib.md5(data[i * CHUNK_MB * MiB:(i + 1) * CHUNK_MB * MiB])
           .hexdigest() for i in range(LOOPS)]
    tap.eq('no write lost: every region on the image holds the pattern',
           got, [want] * LOOPS)
