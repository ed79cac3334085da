#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The whole firmware chain on the PC machine: SeaBIOS boots an IDE disk
# whose MBR (syslinux mbr.bin) chains to a FAT16 partition with SYSLINUX,
# which loads the Linux test guest through int 13h and the 16-bit boot
# protocol; the guest reaches /init and powers off (exit status 0).  The
# disk is assembled here without mounting (mkfs.fat, syslinux --offset,
# mcopy), as GUESTS-AND-FIRMWARE.md §2.4 describes.  Slow suite.
import importlib.machinery
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
linuxboot = importlib.machinery.SourceFileLoader(
    'linux_boot', os.path.join(HERE, 'test-linux-boot.py')).load_module()
common = linuxboot.common

MBR = '/usr/lib/syslinux/mbr/mbr.bin'
LDLINUX_C32 = '/usr/lib/syslinux/modules/bios/ldlinux.c32'
DISK_MB = 32
PART_LBA = 2048
CFG = ('SERIAL 0 115200\nDEFAULT linux\nLABEL linux\n  KERNEL vmlinuz\n'
       '  INITRD initrd.img\n  APPEND console=ttyS0 guest_nodisk=1\n')


def make_disk(path, guest):
    size = DISK_MB << 20
    sectors = (size >> 9) - PART_LBA
    with open(path, 'wb') as f:
        f.truncate(size)
    subprocess.run(['mkfs.fat', '-F', '16', '--offset', str(PART_LBA),
                    '-h', str(PART_LBA), path, str(sectors // 2)],
                   check=True, capture_output=True)
    mbr = bytearray(open(MBR, 'rb').read()[:440].ljust(446, b'\0'))
    # One active FAT16-LBA partition; CHS fields "beyond 8 GiB".
    mbr += struct.pack('<B3sB3sII', 0x80, b'\xfe\xff\xff', 0x0e,
                       b'\xfe\xff\xff', PART_LBA, sectors)
    mbr = mbr.ljust(510, b'\0') + b'\x55\xaa'
    with open(path, 'r+b') as f:
        f.write(mbr)
    off = str(PART_LBA * 512)
    subprocess.run(['syslinux', '--offset', off, '--install', path],
                   check=True, capture_output=True)
    cfg = os.path.join(os.path.dirname(path), 'syslinux.cfg')
    with open(cfg, 'w') as f:
        f.write(CFG)
    img = '%s@@%s' % (path, off)
    for src in (LDLINUX_C32, cfg, os.path.join(guest, 'vmlinuz'),
                os.path.join(guest, 'initrd.img')):
        subprocess.run(['mcopy', '-o', '-i', img, src, '::'], check=True,
                       capture_output=True, env=dict(os.environ,
                                                     MTOOLS_SKIP_CHECK='1'))


def main():
    binary = os.path.abspath(sys.argv[1])
    tap = common.Tap()
    for tool in ('mkfs.fat', 'syslinux', 'mcopy'):
        if not shutil.which(tool) or not os.path.exists(MBR):
            print('1..0 # SKIP %s or %s missing (install-deps)' % (tool, MBR))
            return
    guest, why = linuxboot.build_guest(os.path.dirname(binary), 'amd64')
    if not guest:
        print('1..0 # SKIP the guest could not be assembled: %s' % why)
        return
    d = tempfile.mkdtemp(prefix='test-linux-disk-')
    try:
        disk = os.path.join(d, 'boot.img')
        make_disk(disk, guest)
        start = time.time()
        r = subprocess.run([binary, '-m', '256', '-display', 'none',
                            '-serial', 'stdio', '-no-reboot',
                            '-drive', 'file=%s,format=raw,if=ide' % disk],
                           capture_output=True, text=True, errors='replace',
                           timeout=1500)
        out = r.stdout
    finally:
        shutil.rmtree(d, ignore_errors=True)
    tap.check('SYSLINUX runs from the IDE disk', 'SYSLINUX' in out,
              out[:2000])
    tap.check('the kernel announces itself', 'Linux version 6.' in out,
              out[-2000:])
    tap.check('/init runs (GUEST-INIT-START)', 'GUEST-INIT-START' in out,
              out[-3000:])
    tap.check('the guest powers off', 'GUEST-POWEROFF result=PASS' in out,
              out[-3000:])
    tap.eq('plimsoll exits with status 0', r.returncode, 0)
    print('# SeaBIOS -> IDE -> SYSLINUX -> Linux -> power-off: %.1f s'
          % (time.time() - start))
    tap.finish()


if __name__ == '__main__':
    main()
