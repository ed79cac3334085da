#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Functional tests of the emulator's life cycle on "-machine none": it
# starts (paused with -S, or running), stays up in its main loop, and ends
# cleanly with exit status 0 on SIGTERM and SIGINT; the pid file is
# created, locked against a second instance, and removed at exit;
# -daemonize returns to the caller once started.  TAP output.
import os
import signal
import subprocess
import sys
import tempfile
import time

BIN = sys.argv[1]
results = []


def check(name, cond, detail=''):
    results.append((name, bool(cond), detail))


def wait_for(path, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        if os.path.exists(path) and os.path.getsize(path) > 0:
            return True
        time.sleep(0.02)
    return False


def start_and_signal(name, args, sig):
    with tempfile.TemporaryDirectory() as d:
        pidfile = os.path.join(d, 'pid')
        p = subprocess.Popen([BIN, *args, '-pidfile', pidfile],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
        up = wait_for(pidfile)
        time.sleep(0.1)
        alive = p.poll() is None
        p.send_signal(sig)
        try:
            out, err = p.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
        check(name, up and alive and p.returncode == 0
              and not os.path.exists(pidfile)
              and ('terminating on signal %d' % sig) in err,
              'up=%s alive=%s rc=%s err=%r' % (up, alive, p.returncode, err))


start_and_signal('none-paused-sigterm',
                 ['-machine', 'none', '-S', '-display', 'none'],
                 signal.SIGTERM)
start_and_signal('none-running-sigint',
                 ['-machine', 'none', '-display', 'none'], signal.SIGINT)

# A backend-only drive and -snapshot (a temporary overlay) on "none".
with tempfile.NamedTemporaryFile(suffix='.img') as img:
    img.truncate(1 << 20)
    img.flush()
    start_and_signal('none-drive-snapshot',
                     ['-machine', 'none', '-S', '-display', 'none',
                      '-drive', 'file=%s,format=raw,if=none,id=d0'
                      % img.name, '-snapshot'], signal.SIGTERM)

# -nographic: serial and human monitor muxed on stdio ("mon:stdio");
# Ctrl-A x ends the emulator with status 0.
p = subprocess.Popen([BIN, '-machine', 'none', '-S', '-nographic'],
                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                     stderr=subprocess.PIPE)
try:
    time.sleep(0.5)
    p.stdin.write(b'info status\n')
    p.stdin.flush()
    time.sleep(0.5)
    p.stdin.write(b'\x01x')
    p.stdin.flush()
    out, err = p.communicate(timeout=10)
except subprocess.TimeoutExpired:
    p.kill()
    out, err = p.communicate()
check('nographic-mon-stdio', p.returncode == 0 and
      b'paused (prelaunch)' in out and b'Terminated' in out,
      'rc=%s out=%r err=%r' % (p.returncode, out, err))

# A second instance on the same pid file refuses to start.
with tempfile.TemporaryDirectory() as d:
    pidfile = os.path.join(d, 'pid')
    p = subprocess.Popen([BIN, '-M', 'none', '-S', '-display', 'none',
                          '-pidfile', pidfile], stderr=subprocess.PIPE)
    wait_for(pidfile)
    q = subprocess.run([BIN, '-M', 'none', '-S', '-display', 'none',
                        '-pidfile', pidfile], capture_output=True, text=True,
                       timeout=10)
    with open(pidfile) as f:
        owner = int(f.read().strip())
    p.terminate()
    p.wait(timeout=10)
    check('pidfile-locked', q.returncode == 1 and owner == p.pid
          and 'cannot create PID file' in q.stderr, q.stderr)

# -daemonize: the foreground process returns 0 once the daemon runs.
with tempfile.TemporaryDirectory() as d:
    pidfile = os.path.join(d, 'pid')
    q = subprocess.run([BIN, '-M', 'none', '-display', 'none', '-daemonize',
                        '-pidfile', pidfile], capture_output=True,
                       timeout=10)
    ok = q.returncode == 0 and wait_for(pidfile)
    pid = int(open(pidfile).read().strip()) if ok else 0
    if pid:
        os.kill(pid, signal.SIGTERM)
        end = time.time() + 10
        while os.path.exists(pidfile) and time.time() < end:
            time.sleep(0.02)
    check('daemonize', ok and pid > 0 and not os.path.exists(pidfile),
          'rc=%d' % q.returncode)

print('1..%d' % len(results))
for i, (name, ok, detail) in enumerate(results, 1):
    print('%s %d - %s' % ('ok' if ok else 'not ok', i, name))
    if not ok and detail:
        print('# ' + str(detail).replace('\n', '\n# '))
sys.exit(0 if all(ok for _, ok, _ in results) else 1)
