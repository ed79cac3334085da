#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# SeaBIOS boots from the PIIX IDE disk and from an ATAPI CD-ROM (El Torito,
# no emulation): a boot sector (test-disk-boot.asm, assembled with nasm at
# test time) prints on the debug console, reads sector 2 through INT 13h,
# and exits through isa-debug-exit; with bootindex on an IDE and a
# virtio disk, SeaBIOS boots the lowest (fw_cfg bootorder), and a
# bootindex used twice is refused.  Needs the seabios package and nasm;
# the CD case also xorriso (skipped when missing).  TAP output.
import importlib.machinery
import os
import shutil
import subprocess
import sys
import tempfile

BIN = sys.argv[1]
HERE = os.path.dirname(os.path.abspath(__file__))
work = tempfile.mkdtemp(prefix='test-disk-seabios-')
common = importlib.machinery.SourceFileLoader(
    'qmp_common', os.path.join(os.path.dirname(os.path.abspath(__file__)),
                               'test-qmp-common.py')).load_module()
t = common.Tap()
check = t.check


def skip(name, why):
    check(name + ' # SKIP ' + why, True)


def asm(out, cdrom):
    args = ['nasm', '-f', 'bin', '-o', out]
    if cdrom:
        args.append('-DCDROM')
    subprocess.run(args + [os.path.join(HERE, 'test-disk-boot.asm')],
                   check=True)


def boot(name, media, want):
    log = os.path.join(work, name + '.log')
    args = [BIN, '-m', '128', '-display', 'none', '-no-reboot',
            '-chardev', 'file,id=dc,path=%s' % log,
            '-device', 'isa-debugcon,iobase=0x402,chardev=dc',
            '-device', 'isa-debug-exit,iobase=0xf4,iosize=4'] + media
    try:
        r = subprocess.run(args, capture_output=True, text=True, timeout=90)
        rc = r.returncode
    except subprocess.TimeoutExpired:
        rc = 'timeout'
    text = open(log, errors='replace').read() if os.path.exists(log) else ''
    # Status 3 is the boot sector's verdict (its own checks passed); the
    # log is checked for what SeaBIOS printed long before the exit.
    check(name + ': boot sector ran and its checks passed', rc == 3,
          'rc %r; log tail %r' % (rc, text[-600:]))
    for w in want:
        check(name + ': ' + w.strip(), w in text, text[-600:])


if not os.path.exists('/usr/share/seabios/bios-256k.bin') or \
        not shutil.which('nasm'):
    skip('seabios boots', 'seabios or nasm not installed')
else:
    mbr = os.path.join(work, 'mbr.bin')
    asm(mbr, False)
    disk = os.path.join(work, 'disk.raw')
    with open(disk, 'wb') as f:
        f.write(open(mbr, 'rb').read())
        f.write(b'SECTOR2!' + bytes(504))
        f.truncate(4 << 20)
    boot('ide disk', ['-drive', 'file=%s,format=raw,if=ide' % disk],
         ['ata0-0: PLIMSOLL HARDDISK ATA-8 Hard-Disk (4 MiBytes)',
          'Booting from Hard Disk'])
    # bootindex: SeaBIOS boots the disk with the lowest index (fw_cfg
    # bootorder), here either the virtio disk with the test boot sector
    # or an IDE disk whose boot sector exits with status 9 at once.
    other = os.path.join(work, 'other.raw')
    with open(other, 'wb') as f:
        f.write(b'\xb0\x04\xe6\xf4\xf4' + bytes(505) + b'\x55\xaa')
        f.truncate(4 << 20)
    for vd, hd, want in ((1, 2, 3), (2, 1, 9)):
        log = os.path.join(work, 'bootindex.log')
        r = subprocess.run(
            [BIN, '-m', '128', '-display', 'none', '-no-reboot',
             '-chardev', 'file,id=dc,path=%s' % log,
             '-device', 'isa-debugcon,iobase=0x402,chardev=dc',
             '-device', 'isa-debug-exit,iobase=0xf4,iosize=4',
             '-drive', 'file=%s,format=raw,if=none,id=hd' % other,
             '-device', 'ide-hd,drive=hd,bus=ide.0,unit=0,bootindex=%d' % hd,
             '-drive', 'file=%s,format=raw,if=none,id=vd' % disk,
             '-device', 'virtio-blk-pci,drive=vd,bootindex=%d' % vd],
            capture_output=True, text=True, timeout=90)
        text = open(log, errors='replace').read()
        check('bootindex virtio=%d ide=%d: exit status %d' % (vd, hd, want),
              r.returncode == want,
              'rc %r; log tail %r' % (r.returncode, text[-600:]))
    r = subprocess.run(
        [BIN, '-display', 'none', '-S',
         '-drive', 'file=%s,format=raw,if=none,id=hd' % other,
         '-device', 'ide-hd,drive=hd,bootindex=1',
         '-drive', 'file=%s,format=raw,if=none,id=vd' % disk,
         '-device', 'virtio-blk-pci,drive=vd,bootindex=1'],
        capture_output=True, text=True, timeout=30)
    check('a bootindex used twice is refused', r.returncode == 1 and
          'The bootindex 1 has already been used' in r.stderr, r.stderr)
    if shutil.which('xorriso'):
        tree = os.path.join(work, 'iso')
        os.mkdir(tree)
        asm(os.path.join(tree, 'boot.bin'), True)
        iso = os.path.join(work, 'cd.iso')
        subprocess.run(['xorriso', '-as', 'mkisofs', '-quiet', '-o', iso,
                        '-b', 'boot.bin', '-no-emul-boot',
                        '-boot-load-size', '4', tree], check=True,
                       capture_output=True)
        boot('ide cdrom', ['-cdrom', iso, '-boot', 'd'],
             ['DVD/CD [ata1-0: PLIMSOLL DVD-ROM ATAPI-4 DVD/CD]',
              'Booting from DVD/CD'])
    else:
        skip('ide cdrom', 'xorriso not installed')

shutil.rmtree(work, ignore_errors=True)
t.finish()
