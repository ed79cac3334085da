#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The gdbstub (-gdb, -s): gdb itself (gdb -batch) against a small firmware
# guest (test-gdbstub.asm, assembled with nasm here) on the PC machine:
# break at an address, continue to it, read registers, single-step, write
# a register and memory, delete the breakpoint and continue to the guest's
# exit, whose status shows the writes took effect; a hardware watchpoint
# stops after the guest's first store.  Then the protocol by
# hand on two vCPUs: thread list, Ctrl-C stopping a spinning guest at the
# right PC, register and memory packets, kill.  Needs gdb and nasm.
# Usage: test-gdbstub.py EMULATOR.  TAP output.
import importlib.machinery
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))
common = importlib.machinery.SourceFileLoader(
    'qmp_common', os.path.join(HERE, 'test-qmp-common.py')).load_module()

COUNT = 0xf0180     # the loop in test-gdbstub.asm
START = 0xf0100
VALUE = 0x2000


def assemble(out, spin):
    args = ['nasm', '-f', 'bin', '-I', os.path.join(SRC, 'tests', 'guest',
                                                    'cpu') + '/', '-o', out]
    if spin:
        args.append('-DSPIN')
    subprocess.run(args + [os.path.join(HERE, 'test-gdbstub.asm')],
                   check=True)


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_vm(binary, bios, port, extra=()):
    args = [binary, '-machine', 'pc', '-display', 'none', '-bios', bios,
            '-device', 'isa-debug-exit,iobase=0xf4,iosize=1', '-S',
            '-gdb', 'tcp:127.0.0.1:%d' % port] + list(extra)
    proc = subprocess.Popen(args, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    end = time.time() + 10
    while time.time() < end:
        try:
            socket.create_connection(('127.0.0.1', port), 0.2).close()
            return proc
        except OSError:
            time.sleep(0.05)
    return proc


GDB_SCRIPT = '''set pagination off
set confirm off
target remote 127.0.0.1:%(port)d
watch *(int *)0x%(value)x
continue
printf "WPC=%%x\\n", $pc
delete
break *0x%(count)x
continue
printf "PC1=%%x\\n", $pc
printf "EAX1=%%d\\n", $eax
stepi
printf "PC2=%%x\\n", $pc
printf "EAX2=%%d\\n", $eax
set $ebx = 2
set {int}0x%(value)x = 0x2a
printf "MEM=%%x\\n", *(int *)0x%(value)x
printf "EBX=%%d\\n", $ebx
delete
continue
'''


def test_gdb(tap, binary, bios, d):
    port = free_port()
    script = os.path.join(d, 'script.gdb')
    with open(script, 'w') as f:
        f.write(GDB_SCRIPT % {'port': port, 'count': COUNT, 'value': VALUE})
    proc = start_vm(binary, bios, port)
    try:
        r = subprocess.run(['gdb', '-batch', '-nx', '-x', script],
                           capture_output=True, text=True, timeout=60)
        out = r.stdout + r.stderr
        status = proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    # The guest's first store (mov dword [VALUE], 0x11 at START, 10 bytes)
    # stops right after itself.
    tap.check('gdb: hardware watchpoint set', 'Hardware watchpoint 1' in out,
              out)
    tap.check('gdb: watchpoint reports the store',
              'Old value = 0' in out and 'New value = 17' in out, out)
    tap.check('gdb: stopped after the storing instruction',
              'WPC=%x' % (START + 10) in out, out)
    tap.check('gdb: breakpoint hit', 'Breakpoint 2, ' in out, out)
    tap.check('gdb: PC at the breakpoint', 'PC1=%x' % COUNT in out, out)
    tap.check('gdb: EAX read', 'EAX1=0\n' in out, out)
    tap.check('gdb: stepi moved one instruction',
              'PC2=%x' % (COUNT + 1) in out, out)
    tap.check('gdb: the step ran inc eax', 'EAX2=1\n' in out, out)
    tap.check('gdb: memory write reads back', 'MEM=2a\n' in out, out)
    tap.check('gdb: register write reads back', 'EBX=2\n' in out, out)
    # EBX = 2 ends the loop at EAX = 2; AL = 2 + 0x2a; status (AL<<1)|1.
    tap.eq('guest exit status shows both writes', status,
           ((2 + 0x2a) << 1) | 1)


class Remote:
    """A bare remote-protocol client (GDB manual, appendix E)."""

    def __init__(self, port):
        self.s = socket.create_connection(('127.0.0.1', port), 10)
        self.buf = b''

    def _byte(self):
        while not self.buf:
            data = self.s.recv(4096)
            if not data:
                raise EOFError('connection closed')
            self.buf += data
        c, self.buf = self.buf[:1], self.buf[1:]
        return c

    def recv(self):
        while self._byte() != b'$':
            pass
        data = b''
        while True:
            c = self._byte()
            if c == b'#':
                break
            data += c
        csum = self._byte() + self._byte()
        if int(csum, 16) != sum(data) % 256:
            raise ValueError('bad checksum in %r' % data)
        self.s.sendall(b'+')
        return data.decode()

    def send(self, pkt, reply=True):
        raw = pkt.encode()
        self.s.sendall(b'$%s#%02x' % (raw, sum(raw) % 256))
        return self.recv() if reply else None

    def close(self):
        self.s.close()


def le_hex(val, size):
    return val.to_bytes(size, 'little').hex()


def test_protocol(tap, binary, bios):
    port = free_port()
    proc = start_vm(binary, bios, port, ['-smp', '2'])
    try:
        g = Remote(port)
        tap.check('qSupported lists target.xml',
                  'qXfer:features:read+' in g.send('qSupported:xmlRegisters=i386'))
        xml = g.send('qXfer:features:read:target.xml:0,3fff')
        tap.check('target description is x86-64',
                  xml.startswith('l') and 'i386:x86-64' in xml, xml[:200])
        tap.eq('two vCPUs, two threads', g.send('qfThreadInfo'), 'm1,2')
        tap.eq('thread list ends', g.send('qsThreadInfo'), 'l')
        tap.eq('thread 2 is alive', g.send('T2'), 'OK')
        tap.eq('thread 3 is not', g.send('T3'), 'E01')
        tap.check('? answers a stop', g.send('?').startswith('T05thread:'))
        tap.eq('vCont? lists the actions', g.send('vCont?'), 'vCont;c;C;s;S')
        tap.eq('a malformed vCont errors', g.send('vCont;'), 'E01')
        # Run the spinning guest, then interrupt it.
        g.send('vCont;c', reply=False)
        time.sleep(0.3)
        tap.eq('registers are refused while running', g.send('g'), 'E01')
        g.s.sendall(b'\x03')
        stop = g.recv()
        tap.check('Ctrl-C stops the VM', stop.startswith('T02thread:1;'),
                  stop)
        tap.eq('Hg1', g.send('Hg1'), 'OK')
        tap.eq('RIP is at the spin loop', g.send('p10'), le_hex(START, 8))
        regs = g.send('g')
        tap.eq('g gives every register', len(regs), 2 * (16 * 8 + 8 + 7 * 4 +
                                                       8 * 10 + 8 * 4 +
                                                       16 * 16 + 4))
        tap.eq('rip in g at its offset', regs[256:272], le_hex(START, 8))
        tap.eq('P writes rbx', g.send('P3=%s' % le_hex(0x1234, 8)), 'OK')
        tap.eq('p reads it back', g.send('p3'), le_hex(0x1234, 8))
        tap.eq('M writes memory', g.send('M%x,4:78563412' % VALUE), 'OK')
        tap.eq('m reads it back', g.send('m%x,4' % VALUE), '78563412')
        tap.eq('a malformed m errors', g.send('m2000'), 'E01')
        tap.eq('Z0 inserts', g.send('Z0,%x,1' % COUNT), 'OK')
        tap.eq('z0 removes', g.send('z0,%x,1' % COUNT), 'OK')
        tap.eq('Z2 inserts a write watchpoint', g.send('Z2,2000,4'), 'OK')
        tap.eq('z2 removes it', g.send('z2,2000,4'), 'OK')
        tap.eq('a zero-length watchpoint is refused', g.send('Z4,2000,0'),
               'E22')
        tap.eq('unknown Z kinds are unsupported', g.send('Z9,2000,4'), '')
        g.send('k', reply=False)
        tap.eq('k ends the emulator', proc.wait(timeout=30), 0)
        g.close()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def main():
    binary = os.path.abspath(sys.argv[1])
    tap = common.Tap()
    if not shutil.which('gdb') or not shutil.which('nasm'):
        print('1..0 # SKIP gdb or nasm not installed')
        return
    d = tempfile.mkdtemp(prefix='test-gdbstub-')
    try:
        bios = os.path.join(d, 'guest.bin')
        spin = os.path.join(d, 'spin.bin')
        assemble(bios, False)
        assemble(spin, True)
        tap.run('gdb session', lambda: test_gdb(tap, binary, bios, d))
        tap.run('remote protocol', lambda: test_protocol(tap, binary, spin))
    finally:
        shutil.rmtree(d, ignore_errors=True)
    tap.finish()


if __name__ == '__main__':
    main()
