#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Functional tests of the monitor options on "-machine none": -qmp with a
# unix-socket shorthand and -chardev + -mon mode=control both serve QMP;
# -S starts in prelaunch; cont/stop/system_reset change the run state with
# RESUME/STOP/RESET events; quit ends the process with status 0.  Skipped
# (TAP "skip") when the binary says QMP is not built yet.  TAP output.
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

BIN = sys.argv[1]
results = []


def check(name, cond, detail=''):
    results.append((name, bool(cond), detail))


class QMP:
    def __init__(self, path):
        end = time.time() + 10
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX)
                self.sock.connect(path)
                break
            except OSError:
                if time.time() > end:
                    raise
                time.sleep(0.02)
        self.file = self.sock.makefile('rw')
        self.events = []
        self.greeting = self.read()

    def read(self):
        """One JSON value; pretty output spans several lines."""
        text = ''
        while True:
            line = self.file.readline()
            if not line:
                return None
            text += line
            try:
                return json.loads(text)
            except ValueError:
                continue

    def cmd(self, name, **args):
        msg = {'execute': name}
        if args:
            msg['arguments'] = args
        self.file.write(json.dumps(msg) + '\n')
        self.file.flush()
        while True:
            reply = self.read()
            if reply is None:
                return None
            if 'event' in reply:
                self.events.append(reply['event'])
                continue
            return reply

    def wait_event(self, name, timeout=5):
        self.sock.settimeout(timeout)
        try:
            while name not in self.events:
                reply = self.read()
                if reply is None:
                    break
                if 'event' in reply:
                    self.events.append(reply['event'])
        except socket.timeout:
            pass
        self.sock.settimeout(None)
        return name in self.events


def exercise(q, p):
    """The run-state round trip; True when every step answered right."""
    ok = 'QMP' in q.greeting
    ok &= q.cmd('qmp_capabilities') == {'return': {}}
    st = q.cmd('query-status')['return']
    ok &= st['status'] == 'prelaunch' and not st['running']
    ok &= q.cmd('cont') == {'return': {}} and q.wait_event('RESUME')
    ok &= q.cmd('query-status')['return']['status'] == 'running'
    ok &= q.cmd('stop') == {'return': {}} and q.wait_event('STOP')
    ok &= q.cmd('query-status')['return']['status'] == 'paused'
    ok &= q.cmd('system_reset') == {'return': {}} and q.wait_event('RESET')
    q.cmd('quit')
    p.wait(timeout=10)
    return ok


def session(name, args, path):
    """Returns False when QMP is not built; records a result otherwise."""
    p = subprocess.Popen([BIN, '-machine', 'none', '-S', '-display', 'none',
                          *args], stderr=subprocess.PIPE, text=True)
    try:
        q = QMP(path)
    except (OSError, ValueError):
        p.kill()
        err = p.communicate()[1]
        if 'not built yet' in err:
            return False
        check(name, False, err)
        return True
    try:
        ok = exercise(q, p)
    except Exception as e:  # noqa: BLE001 - any failure fails the test
        ok = False
        q.events.append(repr(e))
    finally:
        if p.poll() is None:
            p.kill()
    err = p.communicate()[1]
    check(name, ok and p.returncode == 0, 'rc=%s events=%s err=%r'
          % (p.returncode, q.events, err))
    return True


with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, 'qmp.sock')
    if not session('qmp-shorthand',
                   ['-qmp', 'unix:%s,server=on,wait=off' % path], path):
        print('1..0 # SKIP QMP is not built yet')
        sys.exit(0)
    path2 = os.path.join(d, 'mon.sock')
    session('chardev-mon-control',
            ['-chardev', 'socket,id=m0,path=%s,server=on,wait=off' % path2,
             '-mon', 'chardev=m0,mode=control,pretty=on'], path2)

# A -mon naming a chardev that does not exist: one line, exit 1.
p = subprocess.run([BIN, '-M', 'none', '-display', 'none', '-mon',
                    'chardev=nope,mode=control'], capture_output=True,
                   text=True, timeout=10)
check('mon-missing-chardev', p.returncode == 1 and
      len(p.stderr.splitlines()) == 1 and 'nope' in p.stderr, p.stderr)

print('1..%d' % len(results))
for i, (name, ok, detail) in enumerate(results, 1):
    print('%s %d - %s' % ('ok' if ok else 'not ok', i, name))
    if not ok and detail:
        print('# ' + str(detail).replace('\n', '\n# '))
sys.exit(0 if all(ok for _, ok, _ in results) else 1)
