#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# A real Multiboot v1 kernel: Debian's grub-invaders (/boot/invaders.exec,
# an a.out-kludge image) boots with -kernel on the PC machine and draws its
# game screen; the aliens "-*-" appear in VGA text memory at 0xb8000, read
# back with the HMP "xp" command through QMP human-monitor-command.
import importlib.machinery
import os
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
common = importlib.machinery.SourceFileLoader(
    'qmp_common', os.path.join(HERE, 'test-qmp-common.py')).load_module()

INVADERS = '/boot/invaders.exec'


def text_screen(client):
    """The 80x25 character cells of VGA text memory as one string."""
    out = client.cmd('human-monitor-command',
                     {'command-line': 'xp /4000xb 0xb8000'})
    vals = [int(v, 16) for v in re.findall(r' 0x([0-9a-f]{2})', out)]
    return ''.join(chr(c) if 32 <= c < 127 else ' ' for c in vals[0::2])


def main():
    binary = os.path.abspath(sys.argv[1])
    tap = common.Tap()
    if not os.path.exists(INVADERS):
        print('1..0 # SKIP %s is missing (apt package grub-invaders)'
              % INVADERS)
        return
    vm = common.VM(binary, extra=['-machine', 'pc', '-m', '32',
                                  '-kernel', INVADERS])
    try:
        c = vm.connect()
        c.cmd('cont')
        screen = ''
        end = time.time() + 30
        while time.time() < end and '-*-' not in screen:
            time.sleep(0.2)
            screen = text_screen(c)
        tap.check('the aliens -*- are on the text screen', '-*-' in screen,
                  screen.rstrip())
        tap.eq('the VM is running', c.cmd('query-status')['status'],
               'running')
        c.close()
    finally:
        rc, err = vm.stop()
    tap.check('no error on stderr', not err.strip(), err)
    tap.finish()


if __name__ == '__main__':
    main()
