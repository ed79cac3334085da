#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# MSI-X end to end: the Linux test guest on "-machine pc,apic=on" with a
# virtio-blk disk enables MSI-X, its virtio0 config and request vectors
# show in /proc/interrupts as PCI-MSI, reads through the disk raise the
# request vector, and the data read back matches the image.  The guest
# shell is driven over the serial console (bench/guest-io.py's Guest).
# Skipped when the guest has no IO-APIC (a CPU without the APIC bit).
# Usage: test-disk-msix.py EMULATOR [GUEST_DIR].  TAP output; slow suite.
import importlib.machinery
import os
import re
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))
gio = importlib.machinery.SourceFileLoader(
    'guest_io', os.path.join(SRC, 'bench', 'guest-io.py')).load_module()
BIN = sys.argv[1]
GUEST = sys.argv[2] if len(sys.argv) > 2 else \
    os.path.join(SRC, 'build', 'guest', 'linux-amd64')
results = []


def check(name, ok, detail=''):
    results.append((name, bool(ok), detail))


def irq_count(text, name):
    for line in text.splitlines():
        if line.strip().endswith(name):
            m = re.match(r'\s*\d+:\s+(\d+)', line)
            return int(m.group(1)) if m else None
    return None


def main():
    if not os.path.exists(os.path.join(GUEST, 'vmlinuz')):
        print('1..0 # SKIP no guest in %s' % GUEST)
        return 0
    work = tempfile.mkdtemp(prefix='test-disk-msix-')
    img = os.path.join(work, 'disk.raw')
    with open(img, 'wb') as f:
        for i in range(256):
            f.write(bytes([i]) * 4096)
    args = [BIN, '-machine', 'pc,apic=on', '-m', '256', '-display', 'none',
            '-serial', 'stdio', '-no-reboot',
            '-kernel', os.path.join(GUEST, 'vmlinuz'),
            '-initrd', os.path.join(GUEST, 'initrd.img'),
            '-append', 'console=ttyS0 panic=-1 rdinit=/bin/sh quiet',
            '-drive', 'file=%s,format=raw,if=virtio' % img]
    g = gio.Guest(args)
    try:
        g.wait_for(rb'(?:#|\$) ', 1200)
        g.run('DEV=vda', 60)
        for line in gio.PROLOGUE.strip().splitlines():
            g.run(line, 300)
        before = g.run('cat /proc/interrupts', 120)
        if 'IO-APIC' not in before:
            print('1..0 # SKIP the guest runs without an IO-APIC')
            return 0
        check('virtio0 config vector is PCI-MSI',
              re.search(r'PCI-MSI.*virtio0-config', before), before)
        check('virtio0 request vector is PCI-MSI',
              re.search(r'PCI-MSI.*virtio0-req\.0', before), before)
        n0 = irq_count(before, 'virtio0-req.0') or 0
        out = g.run('dd if=/dev/vda bs=4096 skip=200 count=1 iflag=direct '
                    '2>/dev/null | od -An -tx1 | head -1', 300)
        check('data read through MSI-X completions',
              re.search(r'\bc8 c8 c8 c8\b', out), out)
        after = g.run('cat /proc/interrupts', 120)
        n1 = irq_count(after, 'virtio0-req.0') or 0
        check('the read raised the request vector', n1 > n0,
              '%d -> %d' % (n0, n1))
        check('INTx of the disk stays unused',
              not re.search(r'(IO-APIC|XT-PIC).*virtio0', after), after)
    finally:
        g.stop()
        shutil.rmtree(work, ignore_errors=True)
    print('1..%d' % len(results))
    for i, (name, ok, detail) in enumerate(results, 1):
        print('%s %d - %s' % ('ok' if ok else 'not ok', i, name))
        if not ok and detail:
            print('# ' + str(detail).replace('\n', '\n# '))
    return 0 if all(ok for _, ok, _ in results) else 1


sys.exit(main())
