#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The Linux test guest (scripts/build-linux-guest.sh, direct boot) writes
# 8 MiB through ata_piix (IDE) and virtio-blk onto raw and qcow2 images,
# reads them back and powers off (GUESTS-AND-FIRMWARE.md §2.3); the host
# checks the guest's md5 and the image contents.  Usage:
#   test-disk-linux.py [--only IFACE:FMT[,...]] EMULATOR [GUEST_DIR]
# EMULATOR is plimsoll (or, to check the test itself, qemu-system-x86_64).
# GUEST_DIR defaults to build/guest/linux-amd64.  TAP output.
# Checked against qemu-system-x86_64 (18/18); in make check.  "--only" picks
# interface:format pairs for a quicker run by hand.  The guest is assembled
# first if it is missing.
import importlib.machinery
import os
import re
import shutil
import subprocess
import sys
import tempfile
import hashlib

ONLY = None
if '--only' in sys.argv[1:-1]:
    i = sys.argv.index('--only')
    ONLY = sys.argv[i + 1].split(',')
    del sys.argv[i:i + 2]
BIN = sys.argv[1]
SRC = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
GUEST = sys.argv[2] if len(sys.argv) > 2 else \
    os.path.join(SRC, 'build', 'guest', 'linux-amd64')
# What scripts/guest-init.sh writes: its 63-character line plus newline,
# repeated over 8 MiB.
LINE = b'GUESTDATA 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'
MD5_8M = hashlib.md5((LINE[:63] + b'\n') * ((8 << 20) // 64)).hexdigest()
if not os.path.exists(os.path.join(GUEST, 'vmlinuz')):
    subprocess.run(['sh', os.path.join(SRC, 'scripts', 'build-linux-guest.sh'),
                    os.path.dirname(GUEST)], check=True, stdout=sys.stderr,
                   env=dict(os.environ, ARCH='amd64'))
work = tempfile.mkdtemp(prefix='test-disk-linux-')
common = importlib.machinery.SourceFileLoader(
    'qmp_common', os.path.join(os.path.dirname(os.path.abspath(__file__)),
                               'test-qmp-common.py')).load_module()
t = common.Tap()
check = t.check


def make_image(fmt):
    raw = os.path.join(work, 'disk.raw')
    with open(raw, 'wb') as f:
        f.truncate(64 << 20)
    if fmt == 'raw':
        return raw
    img = os.path.join(work, 'disk.qcow2')
    subprocess.run(['qemu-img', 'create', '-q', '-f', 'qcow2', img, '64M'],
                   check=True)
    return img


def image_md5(img, fmt):
    path = img
    if fmt != 'raw':
        path = os.path.join(work, 'out.raw')
        subprocess.run(['qemu-img', 'convert', '-f', fmt, '-O', 'raw', img,
                        path], check=True)
    with open(path, 'rb') as f:
        return hashlib.md5(f.read(8 << 20)).hexdigest()


def run(iface, fmt):
    name = '%s on %s' % (iface, fmt)
    img = make_image(fmt)
    args = [BIN, '-m', '256', '-display', 'none', '-serial', 'stdio',
            '-no-reboot', '-kernel', os.path.join(GUEST, 'vmlinuz'),
            '-initrd', os.path.join(GUEST, 'initrd.img'),
            '-append', 'console=ttyS0 panic=-1 guest_mb=8',
            '-drive', 'file=%s,format=%s,if=%s' % (img, fmt, iface)]
    try:
        r = subprocess.run(args, capture_output=True, text=True,
                           timeout=600, errors='replace')
        out = r.stdout
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b'').decode(errors='replace') \
            if isinstance(e.stdout, bytes) else (e.stdout or '')
    m = re.search(r'^GUEST-DISK dev=(\S+)', out, re.M)
    check(name + ': guest found the disk', m, out[-1500:])
    check(name + ': guest result PASS', 'GUEST-RESULT PASS' in out,
          out[-1500:])
    m = re.search(r'^GUEST-READ-DONE md5=(\w+)', out, re.M)
    check(name + ': guest read back the pattern',
          m and m.group(1) == MD5_8M, m and m.group(0))
    check(name + ': the image holds the pattern',
          image_md5(img, fmt) == MD5_8M)
    if fmt == 'qcow2':
        r = subprocess.run(['qemu-img', 'check', '-q', img],
                           capture_output=True, text=True)
        check(name + ': qemu-img check clean', r.returncode == 0, r.stdout)


if not os.path.exists(os.path.join(GUEST, 'vmlinuz')):
    print('1..0 # SKIP no guest in %s (scripts/build-linux-guest.sh)' % GUEST)
    sys.exit(0)
for iface in ('virtio', 'ide'):
    for fmt in ('raw', 'qcow2'):
        if fmt == 'qcow2' and not shutil.which('qemu-img'):
            continue
        if ONLY and '%s:%s' % (iface, fmt) not in ONLY:
            continue
        run(iface, fmt)
shutil.rmtree(work, ignore_errors=True)
t.finish()
