#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The Linux test guest (Debian's amd64 kernel and busybox, assembled by
# scripts/build-linux-guest.sh from Debian packages) boots directly on the
# PC machine (-kernel, no firmware), reaches its /init, prints its markers
# on the serial console and powers off through ACPI S5: Plimsoll exits with
# status 0.  This is the one Linux boot that stays in `make check`.
#
# Options (the slow suite's variants): --smp N boots N vCPUs and checks
# that Linux activates them all (INIT/SIPI through the local APICs);
# --arch i386 boots Debian's 686 kernel instead of the amd64 one, --arch
# i386-pae its 686-pae kernel (PAE paging: the PDPTE registers, NX);
# --firmware adds -bios bios-256k.bin: SeaBIOS boots the kernel through
# fw_cfg and Plimsoll's linuxboot option ROM (Plimsoll's ACPI tables reach
# Linux through fw_cfg's table loader, and its SMBIOS tables); --reboot lets the guest reboot and checks
# that the reset boots the kernel again.
import argparse
import importlib.machinery
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
linux = importlib.machinery.SourceFileLoader(
    'linux_guest', os.path.join(HERE, 'linux-guest-common.py')).load_module()
common = linux.common
SRC = common.SRC


# The guest builder, shared with the other Linux guest tests (and used by
# test-linux-seabios-disk.py through this module).
build_guest = linux.build_guest


def reboot_test(binary, guest, tap):
    """guest_exit=reboot without -no-reboot: the reset must load the
    kernel again and boot it a second time."""
    proc = subprocess.Popen([binary, '-m', '256', '-display', 'none',
                             '-serial', 'stdio',
                             '-kernel', os.path.join(guest, 'vmlinuz'),
                             '-initrd', os.path.join(guest, 'initrd.img'),
                             '-append', 'console=ttyS0 guest_nodisk=1 '
                             'guest_exit=reboot'],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True, errors='replace')
    lines = []
    end = time.time() + 1500
    try:
        for line in proc.stdout:
            lines.append(line)
            if sum('GUEST-INIT-START' in l for l in lines) == 2 or \
               time.time() > end:
                break
    finally:
        proc.kill()
        proc.wait()
    out = ''.join(lines)
    tap.check('the guest asks for a reboot', 'reboot: Restarting system'
              in out, out[-3000:])
    tap.eq('the kernel boots twice', out.count('Linux version 6.'), 2)
    tap.eq('/init runs after the reset too', out.count('GUEST-INIT-START'),
           2)
    tap.finish()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('binary')
    ap.add_argument('--smp', type=int, default=1)
    ap.add_argument('--arch', default='amd64', choices=('amd64', 'i386', 'i386-pae'))
    ap.add_argument('--firmware', action='store_true')
    ap.add_argument('--reboot', action='store_true')
    opts = ap.parse_args()
    binary = os.path.abspath(opts.binary)
    build = os.path.dirname(binary)
    tap = common.Tap()
    guest, why = build_guest(build, opts.arch)
    if not guest:
        print('1..0 # SKIP the guest could not be assembled from Debian '
              'packages: %s' % why.strip().splitlines()[-1:])
        return
    if opts.reboot:
        reboot_test(binary, guest, tap)
        return
    start = time.time()
    fw, disk, append = [], None, 'console=ttyS0 guest_nodisk=1'
    if opts.firmware:
        # Through SeaBIOS with a virtio-blk data disk too: the firmware
        # assigns the PCI resources Linux's virtio-pci must then accept.
        disk = tempfile.NamedTemporaryFile(prefix='test-linux-fw-',
                                           suffix='.raw')
        disk.truncate(16 << 20)
        fw = ['-bios', 'bios-256k.bin',
              '-drive', 'file=%s,format=raw,if=virtio' % disk.name]
        append = 'console=ttyS0 guest_mb=1'
    r = subprocess.run([binary, '-m', '256', '-smp', str(opts.smp)] + fw +
                       ['-display', 'none',
                        '-serial', 'stdio', '-no-reboot',
                        '-kernel', os.path.join(guest, 'vmlinuz'),
                        '-initrd', os.path.join(guest, 'initrd.img'),
                        '-append', append],
                       capture_output=True, text=True, errors='replace',
                       timeout=1500)
    elapsed = time.time() - start
    if disk:
        disk.close()
    out = r.stdout
    tap.check('the kernel announces itself', 'Linux version 6.' in out,
              out[-2000:])
    tap.check('the kernel finds the ACPI tables',
              'ACPI: FACP' in out, out[-2000:])
    tap.check('the ACPI tables are Plimsoll\'s',
              re.search(r'ACPI: RSDP \S+ \S+ \(v00 PLIMSL', out))
    if opts.firmware:
        tap.check('SMBIOS through SeaBIOS: DMI: Plimsoll',
                  'DMI: Plimsoll Standard PC (i440FX + PIIX, 1996)' in out,
                  out[:3000])
        tap.check('virtio-blk found through SeaBIOS: GUEST-DISK /dev/vda',
                  re.search(r'^GUEST-DISK dev=/dev/vda bytes=16777216', out,
                            re.M), out[-3000:])
        w = re.search(r'^GUEST-WRITE-DONE md5=(\w+)', out, re.M)
        rd = re.search(r'^GUEST-READ-DONE md5=(\w+)', out, re.M)
        tap.check('the guest read back what it wrote on vda',
                  w and rd and w.group(1) == rd.group(1), out[-3000:])
    tap.check('the 16550A UART is found', 'is a 16550A' in out)
    if opts.smp > 1:
        tap.check('Linux activates all %d CPUs' % opts.smp,
                  'smpboot: Total of %d processors activated' % opts.smp
                  in out, out[-3000:])
    uname = 'x86_64' if opts.arch == 'amd64' else r'i\d86'
    m = re.search(r'^GUEST-INIT-START arch=%s kernel=(\S+)' % uname, out,
                  re.M)
    tap.check('/init runs (GUEST-INIT-START)', m, out[-3000:])
    if opts.arch == 'i386-pae':
        tap.check('the kernel is the PAE one',
                  m and m.group(1).endswith('-686-pae'), m and m.group(1))
    tap.check('the guest powers off', 'GUEST-POWEROFF result=PASS' in out,
              out[-3000:])
    tap.check('ACPI S5 power-off', 'reboot: Power down' in out)
    tap.eq('plimsoll exits with status 0', r.returncode, 0)
    print('# boot to power-off took %.1f s' % elapsed)
    tap.finish()


if __name__ == '__main__':
    main()
