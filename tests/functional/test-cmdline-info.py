#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Functional tests of the command line's informational options and errors:
# start the real plimsoll binary and check what it prints and its exit
# status (-version, -h, -machine help, -device help, -d help, bad options
# and values in one line with exit status 1).  TAP output.
import subprocess
import sys
import tempfile

BIN = sys.argv[1]
results = []


def run(*args):
    p = subprocess.run([BIN, *args], capture_output=True, text=True,
                       timeout=20)
    return p.returncode, p.stdout, p.stderr


def check(name, cond, detail=''):
    results.append((name, bool(cond), detail))


def one_line_error(name, args, needle):
    rc, out, err = run(*args)
    lines = err.splitlines()
    check(name, rc == 1 and len(lines) == 1 and needle in lines[0]
          and lines[0].startswith('plimsoll: '),
          'rc=%d stderr=%r' % (rc, err))


rc, out, err = run('-version')
check('version', rc == 0 and out.startswith('Plimsoll emulator version '),
      out)

rc, out, err = run('-h')
check('help', rc == 0 and 'usage: plimsoll [options]' in out
      and '\n-machine ' in out and '\n-device ' in out and err == '')
rc2, out2, _ = run('--help')
check('help-long-form', rc2 == 0 and out2 == out)

rc, out, err = run('-machine', 'help')
check('machine-help', rc == 0 and out.startswith('Supported machines are:')
      and any(l.startswith('none ') and 'empty machine' in l
              for l in out.splitlines()), out)

rc, out, err = run('-device', 'help')
check('device-help', rc == 0 and err == '', err)

rc, out, err = run('-d', 'help')
check('log-help', rc == 0 and 'guest_errors' in out, out)

rc, out, err = run('-accel', 'help')
check('accel-help', rc == 0 and 'tcg' in out.split(), out)

one_line_error('invalid-option', ['-foo'], '-foo: invalid option')
one_line_error('missing-argument', ['-m'], '-m: requires an argument')
one_line_error('bad-size', ['-m', '12Q'], "-m 12Q: Parameter 'size'")
one_line_error('bad-machine', ['-M', 'nonesuch'],
               '-machine nonesuch: unsupported machine type')
one_line_error('bad-device', ['-M', 'none', '-device', 'nonesuch'],
               "'nonesuch' is not a valid device model name")
one_line_error('kvm-refused', ['-enable-kvm'], 'KVM is not supported')
one_line_error('bad-log-item', ['-d', 'bogus'], "Unknown -d log item")
one_line_error('bad-json', ['-device', '{"driver":'], 'JSON parse error')
one_line_error('smp-limit', ['-M', 'none', '-smp', '2'],
               "Invalid SMP CPUs 2")

rc, out, err = run('-cpu', 'help')
check('cpu-help', (rc == 0 and 'qemu64' in out) or
      (rc == 1 and 'not built yet' in err), out + err)

rc, out, err = run('-device', 'nonesuch,help')
check('device-props-help-unknown', rc == 1 and
      "'nonesuch' is not a valid device model name" in err, err)

# Disks: errors name the -drive argument as typed.
one_line_error('drive-missing-file',
               ['-M', 'none', '-display', 'none', '-drive',
                'file=/nonexistent/x.img,format=raw,if=none'],
               "-drive file=/nonexistent/x.img,format=raw,if=none: ")
with tempfile.NamedTemporaryFile(suffix='.img') as img:
    img.truncate(1 << 20)
    img.flush()
    one_line_error('drive-if-on-none',
                   ['-M', 'none', '-display', 'none', '-drive',
                    'file=%s,format=raw' % img.name],
                   'machine type does not support if=ide,bus=0,unit=0')
    one_line_error('drive-bad-werror',
                   ['-M', 'none', '-display', 'none', '-drive',
                    'file=%s,format=raw,if=none,werror=maybe' % img.name],
                   "'maybe' invalid write error action")

# -msg timestamp=on prefixes reports with an ISO time.
rc, out, err = run('-msg', 'timestamp=on', '-M', 'nonesuch')
check('msg-timestamp', rc == 1 and err[:4].isdigit() and 'T' in err[:12]
      and 'plimsoll: -machine nonesuch' in err, err)

print('1..%d' % len(results))
for i, (name, ok, detail) in enumerate(results, 1):
    print('%s %d - %s' % ('ok' if ok else 'not ok', i, name))
    if not ok and detail:
        for line in str(detail).splitlines():
            print('# ' + line)
sys.exit(0 if all(ok for _, ok, _ in results) else 1)
