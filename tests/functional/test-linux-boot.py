#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The Linux test guest (Debian's amd64 kernel and busybox, assembled by
# scripts/build-linux-guest.sh from Debian packages) boots directly on the
# PC machine (-kernel, no firmware), reaches its /init, prints its markers
# on the serial console and powers off through ACPI S5: Plimsoll exits with
# status 0.  This is the one Linux boot that stays in `make check`.
import importlib.machinery
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
common = importlib.machinery.SourceFileLoader(
    'qmp_common', os.path.join(HERE, 'test-qmp-common.py')).load_module()
SRC = common.SRC


def build_guest(build):
    out = os.path.join(build, 'guest')
    r = subprocess.run(['sh', os.path.join(SRC, 'scripts',
                                           'build-linux-guest.sh'), out],
                       capture_output=True, text=True,
                       env=dict(os.environ, ARCH='amd64'))
    if r.returncode != 0:
        return None, r.stdout + r.stderr
    return os.path.join(out, 'linux-amd64'), ''


def main():
    binary = os.path.abspath(sys.argv[1])
    build = os.path.dirname(binary)
    tap = common.Tap()
    guest, why = build_guest(build)
    if not guest:
        print('1..0 # SKIP the guest could not be assembled from Debian '
              'packages: %s' % why.strip().splitlines()[-1:])
        return
    start = time.time()
    r = subprocess.run([binary, '-m', '256', '-display', 'none',
                        '-serial', 'stdio', '-no-reboot',
                        '-kernel', os.path.join(guest, 'vmlinuz'),
                        '-initrd', os.path.join(guest, 'initrd.img'),
                        '-append', 'console=ttyS0 guest_nodisk=1'],
                       capture_output=True, text=True, errors='replace',
                       timeout=1500)
    elapsed = time.time() - start
    out = r.stdout
    tap.check('the kernel announces itself', 'Linux version 6.' in out,
              out[-2000:])
    tap.check('the kernel finds the ACPI tables of the direct boot',
              'ACPI: FACP' in out, out[-2000:])
    tap.check('the 16550A UART is found', 'is a 16550A' in out)
    m = re.search(r'^GUEST-INIT-START arch=x86_64 kernel=(\S+)', out, re.M)
    tap.check('/init runs (GUEST-INIT-START)', m, out[-3000:])
    tap.check('the guest powers off', 'GUEST-POWEROFF result=PASS' in out,
              out[-3000:])
    tap.check('ACPI S5 power-off', 'reboot: Power down' in out)
    tap.eq('plimsoll exits with status 0', r.returncode, 0)
    print('# boot to power-off took %.1f s' % elapsed)
    tap.finish()


if __name__ == '__main__':
    main()
