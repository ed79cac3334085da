#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# QMP wire protocol against the real emulator (BLOCK-QMP-REFERENCE.md
# section 5, the cases of QEMU's tests/qtest/qmp-test.c and more): the
# greeting, negotiation, id echo, request envelope errors, malformed and
# oversized JSON with recovery, two monitors at once, reconnecting, a
# client that dies mid-command, a human monitor on a socket, and idle
# clients costing no CPU.  TAP output.
import importlib.machinery
import json
import os
import socket
import sys
import time

common = importlib.machinery.SourceFileLoader(
    'qmp_common', os.path.join(os.path.dirname(os.path.abspath(__file__)),
                               'test-qmp-common.py')).load_module()
BIN = sys.argv[1]
t = common.Tap()
vm = common.VM(BIN, qmp=('qmp0', 'qmp1'))


def raw_lines(c, n):
    return [c.recv_line() for _ in range(n)]


def greeting_and_negotiation():
    c = vm.connect(negotiate=False)
    g = c.greeting
    t.eq('greeting shape', sorted(g.keys()), ['QMP'])
    t.eq('greeting version', g['QMP']['version']['qemu'],
         {'major': 7, 'minor': 2, 'micro': 0})
    t.check('greeting package', g['QMP']['version']['package']
            .startswith('Plimsoll '), g)
    t.eq('greeting capabilities', g['QMP']['capabilities'], [])
    r = c.request({'execute': 'query-status', 'id': 'x1'})
    t.eq('before negotiation: CommandNotFound', r,
         {'error': {'class': 'CommandNotFound', 'desc':
                    "Expecting capabilities negotiation with "
                    "'qmp_capabilities'"}, 'id': 'x1'})
    r = c.request({'execute': 'nonexistent'})
    t.eq('before negotiation: unknown command too', r['error']['desc'],
         "Expecting capabilities negotiation with 'qmp_capabilities'")
    t.error('enable oob refused',
            lambda: c.cmd('qmp_capabilities', enable=['oob']),
            'GenericError', 'Capability oob not available')
    t.eq('qmp_capabilities', c.cmd('qmp_capabilities'), {})
    t.error('qmp_capabilities twice', lambda: c.cmd('qmp_capabilities'),
            'CommandNotFound',
            'Capabilities negotiation is already complete, command ignored')
    c.close()


def envelope_and_ids():
    c = vm.connect()
    for ident in [1, 'str', [1, {'a': None}], {'k': 1.5}, None, True]:
        r = c.request({'execute': 'query-status', 'id': ident})
        t.check('id echoed: %r' % (ident,), 'return' in r and
                'id' in r and r['id'] == ident, r)
    r = c.request({'execute': 'nope', 'id': 7})
    t.eq('unknown command', r, {'error': {'class': 'CommandNotFound',
         'desc': 'The command nope has not been found'}, 'id': 7})
    cases = [
        ('[1]', 'QMP input must be a JSON object', False),
        ('{"id": 9}', "QMP input lacks member 'execute'", True),
        ('{"execute": 1, "id": 9}',
         "QMP input member 'execute' must be a string", True),
        ('{"execute": "stop", "arguments": [], "id": 9}',
         "QMP input member 'arguments' must be an object", True),
        ('{"execute": "stop", "x": 1, "id": 9}',
         "QMP input member 'x' is unexpected", True),
        ('{"exec-oob": "stop", "id": 9}',
         'The command stop does not support OOB', True),
        ('{"execute": "stop", "exec-oob": "stop"}',
         "QMP input member 'exec-oob' clashes with 'execute'", False),
        ('{"execute": "query-status", "arguments": {"a": 1}, "id": 9}',
         "Parameter 'a' is unexpected", True),
    ]
    for text, desc, has_id in cases:
        r = c.request(text)
        t.check('envelope: ' + desc, r.get('error', {}).get('desc') == desc
                and r['error']['class'] == 'GenericError'
                and ('id' in r) == has_id, r)
    # Output is ASCII with \u escapes and ends in CRLF.
    c.send_raw('{"execute": "query-status", "id": "caf\u00e9 \U0001F600"}')
    line = c.recv_line()
    t.check('ascii output with escapes', b'"caf\\u00e9 \\ud83d\\ude00"' in
            line and all(b < 0x80 for b in line), line)
    c.close()


def malformed():
    c = vm.connect()
    for bad in [b'{]', b'{\xff', b'{\x01', b"{'bad \xff'", b'}',
                b'{"a": @}', b'"unterminated\n', b'[1 2]']:
        c.send_raw(bad)
        c.send_raw('{"execute": "query-status", "id": "after"}')
        errors = []
        while True:
            r = c.recv()
            if r is None or r.get('id') == 'after':
                break
            errors.append(r)
        t.check('malformed %r answered, then recovered' % bad,
                r is not None and 'return' in r and errors and
                all(e.get('error', {}).get('class') == 'GenericError' and
                    e['error']['desc'].startswith('JSON') and 'id' not in e
                    for e in errors), (errors, r))
    # Single quotes are QMP's dialect.
    r = c.request("{'execute': 'query-status', 'id': 'it\\'s'}")
    t.eq('single-quoted strings', r.get('id'), "it's")
    # Over the nesting limit.
    c.send_raw('[' * 3000 + ']' * 3000)
    r = c.recv()
    t.eq('nesting limit', r, {'error': {'class': 'GenericError',
         'desc': 'JSON nesting depth limit exceeded'}})
    t.check('usable after nesting limit',
            'return' in c.request({'execute': 'query-status'}))
    # A 65 MiB string: refused, memory stays bounded, connection stays.
    chunk = b'a' * (1 << 20)
    c.send_raw(b'{"execute": "query-status", "id": "')
    for _ in range(65):
        c.send_raw(chunk)
    c.send_raw(b'"}')
    r = c.recv(timeout=30)
    t.eq('token size limit', r, {'error': {'class': 'GenericError',
         'desc': 'JSON token size limit exceeded'}})
    r = c.request({'execute': 'query-status', 'id': 2})
    t.check('usable after size limit', r.get('id') == 2 and 'return' in r, r)
    c.close()


def two_monitors_and_events():
    a = vm.connect('qmp0')
    b = vm.connect('qmp1')
    a.cmd('cont')
    ea = a.get_event('RESUME')
    eb = b.get_event('RESUME')
    t.check('RESUME on both monitors', ea and eb, (ea, eb))
    t.check('event shape', ea and set(ea) == {'event', 'timestamp'} and
            set(ea['timestamp']) == {'seconds', 'microseconds'}, ea)
    b.cmd('stop')
    t.check('STOP seen by the other monitor', a.get_event('STOP'))
    t.check('STOP seen by the sender', b.get_event('STOP'))
    # Commands alternate between monitors fine.
    t.eq('monitor 0 query', a.cmd('query-status')['status'], 'paused')
    t.eq('monitor 1 query', b.cmd('query-status')['status'], 'paused')
    a.close()
    b.close()


def reconnect_and_vanish():
    c = vm.connect()
    c.cmd('query-status')
    c.close()
    c = vm.connect(negotiate=False)
    t.check('reconnect: greeting again', 'QMP' in c.greeting)
    r = c.request({'execute': 'query-status'})
    t.check('reconnect: negotiation again',
            r.get('error', {}).get('class') == 'CommandNotFound', r)
    c.close()
    # Dies right after sending a command with a large reply.
    s = socket.socket(socket.AF_UNIX)
    s.connect(vm.sockets['qmp0'])
    s.sendall(b'{"execute": "qmp_capabilities"}'
              b'{"execute": "query-qmp-schema"}' * 1)
    s.close()
    # Dies half-way through a request.
    s = socket.socket(socket.AF_UNIX)
    s.connect(vm.sockets['qmp0'])
    s.sendall(b'{"execute": "qmp_capabilities"}{"execute": "query-')
    s.close()
    time.sleep(0.1)
    t.check('emulator alive after vanished clients', vm.alive())
    c = vm.connect()
    t.check('next client served', 'status' in c.cmd('query-status'))
    c.close()


def idle_cpu():
    clients = [vm.connect(name) for name in ('qmp0', 'qmp1')]
    with open('/proc/%d/stat' % vm.proc.pid) as f:
        before = f.read().split()
    time.sleep(1.0)
    with open('/proc/%d/stat' % vm.proc.pid) as f:
        after = f.read().split()
    ticks = (int(after[13]) + int(after[14])) - (int(before[13]) +
                                                   int(before[14]))
    t.check('idle with connected clients: no CPU (%d ticks/s)' % ticks,
            ticks <= 2, ticks)
    for c in clients:
        c.close()


for name, fn in [('greeting', greeting_and_negotiation),
                 ('envelope', envelope_and_ids), ('malformed', malformed),
                 ('two monitors', two_monitors_and_events),
                 ('reconnect', reconnect_and_vanish),
                 ('idle', idle_cpu)]:
    t.run(name, fn)
rc, err = vm.stop()
t.eq('quit: exit status 0', rc, 0)
t.finish()
