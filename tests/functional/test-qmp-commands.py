#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Every non-block QMP command with good and bad arguments, the run-state
# events (STOP, RESUME, RESET, POWERDOWN, SHUTDOWN), introspection
# consistency (every command of query-commands is described by
# query-qmp-schema, with argument and return types that resolve), the
# human monitor through human-monitor-command and on its own socket, and
# -mon chardev=...,mode=control.  TAP output.
import importlib.machinery
import os
import socket
import sys
import time

common = importlib.machinery.SourceFileLoader(
    'qmp_common', os.path.join(os.path.dirname(os.path.abspath(__file__)),
                               'test-qmp-common.py')).load_module()
BIN = sys.argv[1]
t = common.Tap()
tmp_hmp = None


def start():
    global tmp_hmp
    import tempfile
    tmp_hmp = tempfile.mkdtemp(prefix='test-qmp-hmp-')
    extra = ['-name', 'guest=testvm',
             '-chardev', 'socket,id=ctl,path=%s/ctl.sock,server=on,wait=off'
             % tmp_hmp,
             '-mon', 'chardev=ctl,mode=control',
             '-monitor', 'unix:%s/hmp.sock,server=on,wait=off' % tmp_hmp]
    return common.VM(BIN, extra=extra)


vm = start()


def queries(c):
    t.eq('query-version', c.cmd('query-version')['qemu'],
         {'major': 7, 'minor': 2, 'micro': 0})
    t.eq('query-status', c.cmd('query-status'),
         {'running': False, 'singlestep': False, 'status': 'prelaunch'})
    t.eq('query-name', c.cmd('query-name'), {'name': 'testvm'})
    t.eq('query-uuid', c.cmd('query-uuid'),
         {'UUID': '00000000-0000-0000-0000-000000000000'})
    t.eq('query-kvm', set(c.cmd('query-kvm')), {'enabled', 'present'})
    t.eq('query-target', c.cmd('query-target'), {'arch': 'x86_64'})
    machines = c.cmd('query-machines')
    t.check('query-machines lists none',
            any(m['name'] == 'none' for m in machines) and
            all({'name', 'cpu-max', 'hotpluggable-cpus',
                 'numa-mem-supported', 'deprecated'} <= set(m)
                for m in machines), machines)
    t.eq('query-cpus-fast on -machine none', c.cmd('query-cpus-fast'), [])
    chardevs = c.cmd('query-chardev')
    labels = {d['label']: d for d in chardevs}
    t.check('query-chardev', 'compat_monitor0' in labels and 'ctl' in labels
            and labels['compat_monitor0']['filename'].startswith('unix:')
            and labels['compat_monitor0']['frontend-open'] is True,
            chardevs)
    for name in ['query-version', 'query-status', 'query-name', 'query-uuid',
                 'query-kvm', 'query-target', 'query-machines',
                 'query-cpus-fast', 'query-chardev', 'query-commands',
                 'query-qmp-schema', 'stop', 'cont', 'system_reset',
                 'system_powerdown', 'quit']:
        t.error('%s rejects an unknown argument' % name,
                lambda: c.cmd(name, bogus=1), 'GenericError',
                "Parameter 'bogus' is unexpected")


def runstate_events(c):
    c.cmd('stop')
    t.check('stop in prelaunch keeps prelaunch, no STOP',
            c.cmd('query-status')['status'] == 'prelaunch' and
            c.get_event('STOP', timeout=0.2) is None)
    c.cmd('cont')
    ev = c.get_event('RESUME')
    t.check('cont: RESUME', ev and 'data' not in ev, ev)
    t.eq('running', c.cmd('query-status')['status'], 'running')
    c.cmd('stop')
    t.check('stop: STOP', c.get_event('STOP'))
    t.eq('paused', c.cmd('query-status')['status'], 'paused')
    c.cmd('system_reset')
    ev = c.get_event('RESET')
    t.eq('system_reset: RESET', ev and ev.get('data'),
         {'guest': False, 'reason': 'host-qmp-system-reset'})
    c.cmd('system_powerdown')
    ev = c.get_event('POWERDOWN')
    t.check('system_powerdown: POWERDOWN', ev and 'data' not in ev, ev)


def introspection(c):
    names = [x['name'] for x in c.cmd('query-commands')]
    schema = c.cmd('query-qmp-schema')
    by_name = {e['name']: e for e in schema}
    missing = [n for n in names if by_name.get(n, {}).get('meta-type') !=
               'command']
    t.eq('every command is in the schema', missing, [])
    extra = [e['name'] for e in schema if e['meta-type'] == 'command'
             and e['name'] not in names]
    t.eq('the schema lists no command that does not exist', extra, [])
    unresolved = []
    for n in names:
        e = by_name[n]
        for key in ('arg-type', 'ret-type'):
            if e[key] not in by_name:
                unresolved.append((n, key, e[key]))
    t.eq('argument and return types resolve', unresolved, [])
    bad_refs = []
    for e in schema:
        for m in e.get('members', []):
            if 'type' in m and m['type'] not in by_name:
                bad_refs.append((e['name'], m))
        if e['meta-type'] == 'array' and e['element-type'] not in by_name:
            bad_refs.append(e['name'])
    t.eq('every referenced type is described', bad_refs, [])
    t.check('type names are masked', all(
        e['name'].isdigit() or e['name'].startswith('[')
        for e in schema if e['meta-type'] in ('object', 'enum',
                                              'alternate')), None)
    wt = by_name['block-set-write-threshold']
    members = {m['name']: m for m in by_name[wt['arg-type']]['members']}
    t.check('block-set-write-threshold arguments', set(members) ==
            {'node-name', 'write-threshold', 'write-threshold-percent'} and
            members['node-name']['type'] == 'str' and
            members['write-threshold']['type'] == 'int', members)
    ev = by_name['BLOCK_WRITE_THRESHOLD']
    t.eq('BLOCK_WRITE_THRESHOLD members',
         [m['name'] for m in by_name[ev['arg-type']]['members']],
         ['node-name', 'amount-exceeded', 'write-threshold'])
    for e in ['STOP', 'RESUME', 'RESET', 'SHUTDOWN', 'POWERDOWN',
              'BLOCK_IO_ERROR', 'BLOCK_IMAGE_CORRUPTED',
              'QCOW2_OVERLAP_CHECK_MEMORY_LIMIT_REACHED']:
        t.check('event %s described' % e,
                by_name.get(e, {}).get('meta-type') == 'event')


def hmp(c):
    # A reset of a stopped VM leaves it in prelaunch, as in QEMU.
    t.eq('hmp: info status', c.hmp('info status'),
         'VM status: paused (prelaunch)\r\n')
    c.cmd('cont')
    t.eq('hmp: info status, running', c.hmp('info status'),
         'VM status: running\r\n')
    c.hmp('stop')
    t.eq('hmp: stop', c.hmp('info status'), 'VM status: paused\r\n')
    t.check('hmp: info version', c.hmp('info version').startswith('7.2.0 '))
    t.check('hmp: help lists qemu-io', 'qemu-io' in c.hmp('help'))
    t.eq('hmp: unknown command', c.hmp('frobnicate'),
         "unknown command: 'frobnicate'\r\n")
    t.eq('hmp: empty line', c.hmp(''), '')
    t.error('hmp: missing command-line',
            lambda: c.cmd('human-monitor-command'), 'GenericError',
            "Parameter 'command-line' is missing")
    t.error('hmp: wrong type', lambda: c.hmp(42), 'GenericError',
            "Invalid parameter type for 'command-line', expected: string")
    # The human monitor on its own socket.
    s = socket.socket(socket.AF_UNIX)
    s.connect(os.path.join(tmp_hmp, 'hmp.sock'))
    s.settimeout(5)
    buf = b''
    while not buf.endswith(b'(qemu) '):
        buf += s.recv(4096)
    t.check('hmp socket: banner and prompt', b'monitor - type' in buf, buf)
    s.sendall(b'info status\n')
    buf = b''
    while not buf.endswith(b'(qemu) '):
        buf += s.recv(4096)
    t.eq('hmp socket: info status', buf, b'VM status: paused\r\n(qemu) ')
    s.close()
    # -mon chardev=ctl,mode=control is a QMP monitor.
    ctl = common.QMPClient(os.path.join(tmp_hmp, 'ctl.sock'))
    t.eq('-mon mode=control serves QMP',
         ctl.cmd('query-status')['status'], 'paused')
    ctl.close()


def shutdown():
    c = vm.connect()
    c.cmd('quit')
    ev = c.get_event('SHUTDOWN')
    t.eq('quit: SHUTDOWN', ev and ev.get('data'),
         {'guest': False, 'reason': 'host-qmp-quit'})
    try:
        vm.proc.wait(timeout=10)
    except Exception:
        pass
    t.eq('quit: the process exits 0', vm.proc.returncode, 0)


c = vm.connect()
for name, fn in [('queries', queries), ('events', runstate_events),
                 ('introspection', introspection), ('hmp', hmp)]:
    t.run(name, lambda fn=fn: fn(c))
c.close()
t.run('shutdown', shutdown)
vm.stop()
t.finish()
