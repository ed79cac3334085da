# SPDX-License-Identifier: GPL-2.0-or-later
#
# Shared by the functional tests that boot the Linux test guest (loaded by
# file name, not run by itself): assemble the guest from Debian packages
# (scripts/build-linux-guest.sh), wait for a marker on a serial log file,
# and the "boot, wait for the guest's dump marker, screendump, quit" run
# of the console tests.
import importlib.machinery
import os
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
common = importlib.machinery.SourceFileLoader(
    'qmp_common', os.path.join(HERE, 'test-qmp-common.py')).load_module()
SRC = common.SRC


def build_guest(build, arch='amd64'):
    """(guest directory, '') once the guest for @arch is in
    @build/guest, or (None, the builder's output) when it cannot be."""
    out = os.path.join(build, 'guest')
    env = dict(os.environ, ARCH=arch)
    if arch.startswith('i386'):
        env['ADD_I386_ARCH'] = '1'
    r = subprocess.run(['sh', os.path.join(SRC, 'scripts',
                                           'build-linux-guest.sh'), out],
                       capture_output=True, text=True, env=env)
    if r.returncode != 0:
        return None, r.stdout + r.stderr
    return os.path.join(out, 'linux-' + arch), ''


def wait_for(path, text, proc, timeout):
    """The contents of @path once it holds @text; None when @proc exits
    or @timeout seconds pass first."""
    end = time.time() + timeout
    while time.time() < end and proc.poll() is None:
        try:
            with open(path, errors='replace') as f:
                out = f.read()
            if text in out:
                return out
        except OSError:
            pass
        time.sleep(0.5)
    return None


def boot_and_screendump(tap, args, work, marker, what, skip_if=None):
    """Run the emulator with @args (plus a serial log file and a QMP
    socket in @work) until the guest prints @marker, then screendump to
    @work/screen.ppm and quit.  Records the TAP check @what (finishing the
    test when the marker never came).  Returns (process, serial output,
    screendump path), or None when the emulator exited at once with
    @skip_if in its error output (the test prints its SKIP line)."""
    serial = os.path.join(work, 'serial.txt')
    qmp = os.path.join(work, 'qmp.sock')
    proc = subprocess.Popen(
        list(args) + ['-serial', 'file:' + serial,
                      '-qmp', 'unix:%s,server=on,wait=off' % qmp],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if skip_if:
        time.sleep(1)
        if proc.poll() is not None:
            err = proc.stderr.read()
            if skip_if in err:
                print('1..0 # SKIP %s' % err.strip())
                return None
    shot = os.path.join(work, 'screen.ppm')
    try:
        out = wait_for(serial, marker, proc, 1400)
        if not tap.check(what, out is not None,
                         open(serial, errors='replace').read()[-3000:]):
            tap.finish()
        client = common.QMPClient(qmp, timeout=10)
        client.cmd('screendump', {'filename': shot})
        client.close()
    finally:
        common.end_process(proc, lambda: common.QMPClient(qmp, timeout=10))
    return proc, out, shot
