#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The Linux test guest reads an ATAPI CD-ROM (ata_piix, sr_mod): two ISO
# 9660 images are made at test time with xorriso, the guest boots with the
# first in an ide-cd drive (guest_cdrom=2 in scripts/guest-init.sh) and
# prints its size and md5; the host then swaps the disc over QMP with
# blockdev-change-medium and the guest must print the second disc's size
# and md5.  Checks the whole path of a media change: tray events, UNIT
# ATTENTION, the new capacity.  Usage:
#   test-disk-linux-cdrom.py EMULATOR [GUEST_DIR]
# EMULATOR is plimsoll (or, to check the test itself, qemu-system-x86_64).
# GUEST_DIR defaults to build/guest/linux-amd64.  TAP output; in make
# check.
import hashlib
import importlib.machinery
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
common = importlib.machinery.SourceFileLoader(
    'qmp_common', os.path.join(HERE, 'test-qmp-common.py')).load_module()
BIN = sys.argv[1]
SRC = os.path.dirname(os.path.dirname(HERE))
GUEST = sys.argv[2] if len(sys.argv) > 2 else \
    os.path.join(SRC, 'build', 'guest', 'linux-amd64')
t = common.Tap()
work = tempfile.mkdtemp(prefix='test-disk-linux-cdrom-')
CD_RE = re.compile(r'^GUEST-CDROM n=(\d+) bytes=(\d+) md5=(\w+)', re.M)


def make_iso(name, fill, size):
    """An ISO 9660 image holding one file of @size bytes of @fill."""
    tree = os.path.join(work, name + '.d')
    os.mkdir(tree)
    with open(os.path.join(tree, 'DATA.BIN'), 'wb') as f:
        f.write(fill * size)
    iso = os.path.join(work, name + '.iso')
    subprocess.run(['xorriso', '-as', 'mkisofs', '-quiet', '-V', name.upper(),
                    '-o', iso, tree], check=True, capture_output=True)
    with open(iso, 'rb') as f:
        data = f.read()
    return iso, len(data), hashlib.md5(data).hexdigest()


def wait_serial(path, pattern, proc, timeout):
    end = time.time() + timeout
    text = ''
    while time.time() < end:
        if os.path.exists(path):
            with open(path, errors='replace') as f:
                text = f.read()
        m = pattern(text)
        if m or proc.poll() is not None:
            return m, text
        time.sleep(0.2)
    return None, text


def change_medium(client, iso):
    """blockdev-change-medium, retried as libvirt does while the guest holds
    the tray locked.

    The guest polls /dev/sr0, and Linux locks the door (PREVENT ALLOW MEDIUM
    REMOVAL) for as long as the device is open; a change without force then
    fails with "is locked", as in QEMU, after sending the guest an eject
    request.  Returns the number of attempts, or 0 after 60 s.
    """
    end = time.time() + 60
    tries = 0
    while time.time() < end:
        tries += 1
        try:
            client.cmd('blockdev-change-medium', id='cdrom', filename=iso,
                       format='raw')
            return tries
        except common.QMPError as e:
            if e.cls != 'GenericError' or 'is locked' not in (e.desc or ''):
                raise
        time.sleep(0.05)
    return 0


def discs(text):
    return [(int(n), int(b), m) for n, b, m in CD_RE.findall(text)]


def main():
    iso_a, size_a, md5_a = make_iso('first', b'A', 300 << 10)
    iso_b, size_b, md5_b = make_iso('second', b'B', 700 << 10)
    serial = os.path.join(work, 'serial.txt')
    sock = os.path.join(work, 'qmp.sock')
    proc = subprocess.Popen([
        BIN, '-m', '256', '-display', 'none', '-no-reboot',
        '-serial', 'file:' + serial,
        '-qmp', 'unix:%s,server=on,wait=off' % sock,
        '-kernel', os.path.join(GUEST, 'vmlinuz'),
        '-initrd', os.path.join(GUEST, 'initrd.img'),
        '-append', 'console=ttyS0 panic=-1 guest_cdrom=2',
        '-drive', 'file=%s,format=raw,if=none,id=cd0,readonly=on' % iso_a,
        '-device', 'ide-cd,drive=cd0,bus=ide.1,unit=0,id=cdrom'],
        stdout=subprocess.DEVNULL,
        stderr=open(os.path.join(work, 'stderr.txt'), 'w'))
    client = None
    try:
        m, text = wait_serial(serial, lambda s: discs(s), proc, 900)
        t.check('guest read the first disc', m, text[-2000:])
        t.eq('first disc: size and md5 as on the host',
             m and m[0][1:], (size_a, md5_a))
        client = common.QMPClient(sock, timeout=10)
        tries = change_medium(client, iso_b)
        t.check('blockdev-change-medium took the disc', tries,
                'the tray stayed locked for 60 s')
        m, text = wait_serial(serial, lambda s: len(discs(s)) >= 2 and
                              discs(s), proc, 120)
        t.check('guest read the second disc after blockdev-change-medium',
                m, text[-2000:])
        t.eq('second disc: size and md5 as on the host',
             m and m[1][1:], (size_b, md5_b))
        m, text = wait_serial(serial, lambda s: 'GUEST-RESULT' in s, proc,
                              60)
        t.check('guest result PASS', 'GUEST-RESULT PASS' in text,
                text[-1000:])
    finally:
        if client:
            try:
                client.close()
            except Exception:
                pass
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(work, ignore_errors=True)


# Always: the script returns at once when the guest is up to date, and
# rebuilds one made before guest_cdrom existed.
subprocess.run(['sh', os.path.join(SRC, 'scripts', 'build-linux-guest.sh'),
                os.path.dirname(GUEST)], check=True, stdout=sys.stderr,
               env=dict(os.environ, ARCH='amd64'))
if not shutil.which('xorriso'):
    print('1..0 # SKIP xorriso missing (scripts/install-deps.sh)')
    sys.exit(0)
main()
t.finish()
