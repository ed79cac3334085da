# SPDX-License-Identifier: GPL-2.0-or-later
#
# Shared by the test-qmp-*.py functional tests (loaded by file name, not
# run by itself): start `plimsoll -S -display none` with QMP monitors on
# unix sockets in a temporary directory, connect with scripts/plimsoll-qmp's
# QMPClient, collect TAP results.
import importlib.machinery
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

SRC = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
qmp = importlib.machinery.SourceFileLoader(
    'plimsoll_qmp', os.path.join(SRC, 'scripts', 'plimsoll-qmp')).load_module()
QMPClient = qmp.QMPClient
QMPError = qmp.QMPError


def end_process(proc, connect=None, timeout=10):
    """Ends the emulator @proc: while it runs, "quit" over the client that
    @connect() returns (a fresh connection, or one already open; errors
    there are ignored), then waits up to @timeout seconds and kills it if
    it is still there.  Returns its exit status."""
    if proc.poll() is None and connect:
        try:
            c = connect()
            c.cmd('quit')
            c.close()
        except Exception:
            pass
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()


class VM:
    """One emulator process; monitors named in @qmp get sockets
    <dir>/<name>.sock."""

    def __init__(self, binary, qmp=('qmp0',), extra=()):
        self.dir = tempfile.mkdtemp(prefix='test-qmp-')
        self.sockets = {}
        args = [binary, '-S', '-display', 'none', '-machine', 'none']
        for name in qmp:
            path = os.path.join(self.dir, name + '.sock')
            self.sockets[name] = path
            args += ['-qmp', 'unix:%s,server=on,wait=off' % path]
        args += list(extra)
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        end = time.time() + 10
        while time.time() < end and self.proc.poll() is None:
            if all(os.path.exists(p) for p in self.sockets.values()):
                break
            time.sleep(0.01)

    def path(self, name):
        return os.path.join(self.dir, name)

    def connect(self, name='qmp0', negotiate=True):
        return QMPClient(self.sockets[name], timeout=10, negotiate=negotiate)

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        """Ends the process (quit over a fresh connection, then kill)."""
        end_process(self.proc, self.connect)
        out, err = self.proc.communicate()
        shutil.rmtree(self.dir, ignore_errors=True)
        return self.proc.returncode, err


class Tap:
    def __init__(self):
        self.results = []

    def check(self, name, cond, detail=''):
        self.results.append((name, bool(cond), detail))
        return bool(cond)

    def eq(self, name, got, want):
        return self.check(name, got == want, 'got %r\nwant %r' % (got, want))

    def error(self, name, fn, cls, desc):
        """fn() must raise QMPError with @cls and @desc (None: any)."""
        try:
            got = fn()
        except QMPError as e:
            return self.check(name, e.cls == cls and
                              (desc is None or e.desc == desc),
                              'got %s: %s\nwant %s: %s'
                              % (e.cls, e.desc, cls, desc))
        return self.check(name, False, 'no error; returned %r' % (got,))

    def run(self, name, fn):
        """Run a group; an exception fails it with the traceback."""
        try:
            fn()
        except Exception:
            self.check(name, False, traceback.format_exc())

    def finish(self):
        print('1..%d' % len(self.results))
        for i, (name, ok, detail) in enumerate(self.results, 1):
            print('%s %d - %s' % ('ok' if ok else 'not ok', i, name))
            if not ok and detail:
                print('# ' + str(detail).replace('\n', '\n# '))
        sys.exit(0 if all(ok for _, ok, _ in self.results) else 1)


def load():
    return sys.modules[__name__]
