#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Block jobs over QMP against the real emulator (-machine none, -drive):
# block-stream to completion (data and backing link checked with
# qemu-img), rate-limited, paused and resumed, cancelled and restarted,
# failing under on-error policies (blkdebug), with concurrent HMP qemu-io
# writes; block-commit (intermediate and active with READY/complete);
# blockdev-snapshot-sync; change-backing-file; block_passwd; the job
# events in QEMU's order and shapes (BLOCK-QMP-REFERENCE.md section 6).
# TAP output.  Needs qemu-img/qemu-io to build the images.
import importlib.machinery
import os
import shutil
import subprocess
import sys
import tempfile
import time

common = importlib.machinery.SourceFileLoader(
    'qmp_common', os.path.join(os.path.dirname(os.path.abspath(__file__)),
                               'test-qmp-common.py')).load_module()
BIN = sys.argv[1]
MiB = 1 << 20
t = common.Tap()
work = tempfile.mkdtemp(prefix='test-qmp-jobs-')


def p(name):
    return os.path.join(work, name)


def sh(*args):
    subprocess.check_call(args, stdout=subprocess.DEVNULL)


def out(*args):
    return subprocess.run(args, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True).stdout


def chain(size=4):
    """base (0x11 everywhere) <- mid (0x33 at 2M) <- top (0x22 at 1M)."""
    for f in ('base', 'mid', 'top'):
        if os.path.exists(p(f + '.qcow2')):
            os.unlink(p(f + '.qcow2'))
    sh('qemu-img', 'create', '-q', '-f', 'qcow2', p('base.qcow2'),
       '%dM' % size)
    sh('qemu-io', '-c', 'write -P 0x11 0 %dM' % size, p('base.qcow2'))
    sh('qemu-img', 'create', '-q', '-f', 'qcow2', '-b', p('base.qcow2'),
       '-F', 'qcow2', p('mid.qcow2'))
    sh('qemu-io', '-c', 'write -P 0x33 2M 512k', p('mid.qcow2'))
    sh('qemu-img', 'create', '-q', '-f', 'qcow2', '-b', p('mid.qcow2'),
       '-F', 'qcow2', p('top.qcow2'))
    sh('qemu-io', '-c', 'write -P 0x22 1M 512k', p('top.qcow2'))


def start(img='top.qcow2', extra=()):
    vm = common.VM(BIN, extra=['-drive', 'file=%s,format=qcow2,if=none,'
                               'id=disk0,node-name=top0' % p(img)] + list(extra))
    return vm, connect(vm)


def connect(vm):
    """The socket file exists from bind(); listen() may come a moment
    later on a loaded machine."""
    for _ in range(50):
        try:
            return vm.connect()
        except ConnectionRefusedError:
            time.sleep(0.05)
    return vm.connect()


sanitizer_reports = []


def stop(vm, c):
    c.close()
    rc, err = vm.stop()
    if 'Sanitizer' in (err or '') or 'runtime error' in (err or ''):
        sanitizer_reports.append(err)


def events(c, until, timeout=20):
    """Collect events up to and including the first @until."""
    got = []
    end = time.time() + timeout
    while time.time() < end:
        ev = c.get_event(None, timeout=end - time.time())
        if ev is None:
            break
        got.append(ev)
        if ev['event'] == until:
            break
    return got


def names(evs):
    return [e['event'] if e['event'] != 'JOB_STATUS_CHANGE'
            else e['data']['status'] for e in evs]


def patterns(img, spec):
    o = out('qemu-io', '-r', '-c', ' ; '.join([]) or 'help', img)
    for pat, off, ln in spec:
        o = out('qemu-io', '-r', '-c', 'read -P %s %s %s' % (pat, off, ln),
                img)
        if 'failed' in o or 'read ' not in o:
            return '%s %s %s: %s' % (pat, off, ln, o)
    return None


def model_chain(size):
    """What chain() images read as, byte by byte."""
    m = bytearray(b'\x11' * (size * MiB))
    m[2 * MiB:2 * MiB + 512 * 1024] = b'\x33' * (512 * 1024)
    m[1 * MiB:1 * MiB + 512 * 1024] = b'\x22' * (512 * 1024)
    return m


def raw_of(img):
    dst = img + '.raw'
    sh('qemu-img', 'convert', '-O', 'raw', img, dst)
    with open(dst, 'rb') as f:
        data = f.read()
    os.unlink(dst)
    return data


def random_writes(c, model, n, seed):
    """@n writes of 4-64 KiB at random places through HMP qemu-io on
    the device, applied to @model too."""
    import random
    rnd = random.Random(seed)
    for i in range(n):
        ln = rnd.randrange(1, 17) * 4096
        off = rnd.randrange(0, (len(model) - ln) // 512) * 512
        pat = 0x40 + i
        c.hmp('qemu-io disk0 "write -q -P 0x%x %d %d"' % (pat, off, ln))
        model[off:off + ln] = bytes([pat]) * ln
        time.sleep(0.01)


def stress(kind):
    chain(size=8)
    model = model_chain(8)
    vm, c = start()
    if kind == 'stream':
        c.cmd('block-stream', device='disk0', speed=8 * MiB)
    elif kind == 'commit':
        c.cmd('block-commit', device='disk0', speed=8 * MiB)
    else:
        c.cmd('drive-mirror', device='disk0', target=p('stress.qcow2'),
              sync='full', speed=8 * MiB, granularity=4096)
    random_writes(c, model, 40, kind)
    if kind != 'stream':
        events(c, 'BLOCK_JOB_READY')
        random_writes(c, model, 10, kind + '2')
        c.cmd('block-job-complete', device='disk0')
    evs = events(c, 'BLOCK_JOB_COMPLETED')
    t.check('stress %s: completed' % kind, evs and 'error' not in
            evs[-1]['data'], evs[-1:])
    stop(vm, c)
    img = {'stream': 'top.qcow2', 'commit': 'base.qcow2',
           'mirror': 'stress.qcow2'}[kind]
    data = raw_of(p(img))
    bad = next((i for i in range(len(model)) if data[i] != model[i]), None)
    t.check('stress %s: result equals the model (50 concurrent writes)'
            % kind, bad is None, 'first difference at %r' % bad)
    t.check('stress %s: qemu-img check' % kind,
            'No errors' in out('qemu-img', 'check', p(img)))


def stress_backup():
    chain(size=8)
    model = model_chain(8)
    before = bytes(model)
    vm, c = start()
    c.cmd('drive-backup', device='disk0', target=p('bk.qcow2'), sync='full',
          format='qcow2', speed=4 * MiB)
    random_writes(c, model, 40, 'backup')
    evs = events(c, 'BLOCK_JOB_COMPLETED')
    t.check('stress backup: completed', evs and 'error' not in
            evs[-1]['data'], evs[-1:])
    stop(vm, c)
    t.check('stress backup: target is the image at the start',
            raw_of(p('bk.qcow2')) == before)
    t.check('stress backup: source has every write',
            raw_of(p('top.qcow2')) == bytes(model))


def stream_full():
    chain()
    vm, c = start()
    c.cmd('block-stream', device='disk0')
    evs = events(c, 'BLOCK_JOB_COMPLETED')
    t.eq('stream: event order', names(evs),
         ['created', 'running', 'waiting', 'pending', 'BLOCK_JOB_COMPLETED'])
    t.eq('stream: completed payload', evs[-1]['data'],
         {'type': 'stream', 'device': 'disk0', 'len': 4 * MiB,
          'offset': 4 * MiB, 'speed': 0})
    evs = events(c, 'JOB_STATUS_CHANGE', 5) + \
        events(c, 'JOB_STATUS_CHANGE', 5)
    t.eq('stream: concluded, null', names(evs), ['concluded', 'null'])
    t.eq('stream: no job left', c.cmd('query-block-jobs'), [])
    ins = c.cmd('query-block')[0]['inserted']
    t.check('stream: no backing any more', 'backing_file' not in ins,
            ins.get('backing_file'))
    stop(vm, c)
    t.check('stream: header has no backing',
            'backing file' not in out('qemu-img', 'info', p('top.qcow2')))
    t.eq('stream: data', patterns(p('top.qcow2'), [
        ('0x11', '0', '1M'), ('0x22', '1M', '512k'), ('0x11', '1536k', '512k'),
        ('0x33', '2M', '512k'), ('0x11', '2560k', '1536k')]), None)
    t.check('stream: qemu-img check',
            'No errors' in out('qemu-img', 'check', p('top.qcow2')))


def stream_base_and_writes():
    chain()
    vm, c = start()
    c.cmd('block-stream', device='disk0', speed=2 * MiB,
          base=p('base.qcow2'))
    # Concurrent guest-path writes while the job runs.
    top = c.cmd('query-block')[0]['inserted']['node-name']
    c.hmp('qemu-io %s "write -P 0x44 2M 64k"' % top)
    c.hmp('qemu-io %s "write -P 0x55 3M 64k"' % top)
    evs = events(c, 'BLOCK_JOB_COMPLETED')
    t.check('stream base: completed', evs and 'error' not in evs[-1]['data'],
            evs[-1:])
    stop(vm, c)
    info = out('qemu-img', 'info', p('top.qcow2'))
    t.check('stream base: backing is base', 'backing file: %s'
            % p('base.qcow2') in info, info)
    t.eq('stream base: data incl. concurrent writes', patterns(
        p('top.qcow2'), [('0x22', '1M', '512k'), ('0x44', '2M', '64k'),
                         ('0x33', '2112k', '448k'), ('0x55', '3M', '64k'),
                         ('0x11', '0', '1M')]), None)
    t.check('stream base: qemu-img check', 'No errors' in out(
        'qemu-img', 'check', p('top.qcow2')))


def stream_speed_pause_cancel():
    chain(size=16)
    vm, c = start()
    c.cmd('block-stream', device='disk0', speed=4 * MiB)
    time.sleep(0.3)
    a = c.cmd('query-block-jobs')[0]
    t0 = time.time()
    time.sleep(1.0)
    b = c.cmd('query-block-jobs')[0]
    rate = (b['offset'] - a['offset']) / (time.time() - t0)
    t.check('stream: rate near 4 MiB/s (%.2f MiB/s)' % (rate / MiB),
            abs(rate - 4 * MiB) < 0.15 * 4 * MiB, rate)
    t.eq('stream: query shape', sorted(b.keys()), sorted(
        ['type', 'device', 'len', 'offset', 'busy', 'paused', 'speed',
         'io-status', 'ready', 'status', 'auto-finalize', 'auto-dismiss']))
    c.cmd('block-job-pause', device='disk0')
    time.sleep(0.3)
    q = c.cmd('query-block-jobs')[0]
    t.check('stream: paused', q['paused'] and q['status'] == 'paused', q)
    time.sleep(0.3)
    t.eq('stream: no progress while paused',
         c.cmd('query-block-jobs')[0]['offset'], q['offset'])
    t.error('stream: cancel paused needs force',
            lambda: c.cmd('block-job-cancel', device='disk0'),
            'GenericError',
            "The block job for device 'disk0' is currently paused")
    c.cmd('block-job-resume', device='disk0')
    time.sleep(0.3)
    q2 = c.cmd('query-block-jobs')[0]
    t.check('stream: resumed', q2['status'] == 'running' and
            q2['offset'] > q['offset'], q2)
    c.cmd('block-job-set-speed', device='disk0', speed=1 * MiB)
    c.cmd('block-job-cancel', device='disk0')
    evs = events(c, 'BLOCK_JOB_CANCELLED')
    t.check('stream: cancelled', evs and
            evs[-1]['event'] == 'BLOCK_JOB_CANCELLED' and
            0 < evs[-1]['data']['offset'] < 16 * MiB, evs[-1:])
    t.check('stream: aborting before CANCELLED',
            names(evs)[-2:] == ['aborting', 'BLOCK_JOB_CANCELLED'],
            names(evs))
    stop(vm, c)
    t.check('stream cancel: image consistent, still backed',
            'No errors' in out('qemu-img', 'check', p('top.qcow2')) and
            'backing file' in out('qemu-img', 'info', p('top.qcow2')))
    vm, c = start()
    c.cmd('block-stream', device='disk0')
    evs = events(c, 'BLOCK_JOB_COMPLETED')
    stop(vm, c)
    t.eq('stream: a later stream finishes it', patterns(p('top.qcow2'), [
        ('0x11', '0', '1M'), ('0x33', '2M', '512k'), ('0x11', '4M', '12M')]),
        None)


def stream_manual_finalize():
    chain()
    vm, c = start()
    nodes = {n['file']: n['node-name']
             for n in c.cmd('query-named-block-nodes')}
    c.cmd('block-stream', device='top0', **{
        'job-id': 'j1', 'base-node': nodes[p('base.qcow2')],
        'auto-finalize': False, 'auto-dismiss': False})
    evs = events(c, 'BLOCK_JOB_PENDING')
    t.eq('manual: stops in pending', names(evs),
         ['created', 'running', 'waiting', 'pending', 'BLOCK_JOB_PENDING'])
    t.eq('manual: PENDING payload', evs[-1]['data'],
         {'type': 'stream', 'id': 'j1'})
    q = c.cmd('query-block-jobs')[0]
    t.check('manual: query shows pending', q['status'] == 'pending' and
            not q['auto-finalize'] and not q['auto-dismiss'], q)
    t.error('manual: dismiss before conclusion',
            lambda: c.cmd('block-job-dismiss', id='j1'), 'GenericError',
            "Job 'j1' in state 'pending' cannot accept command verb "
            "'dismiss'")
    c.cmd('block-job-finalize', id='j1')
    evs = events(c, 'JOB_STATUS_CHANGE', 5)
    t.eq('manual: finalize completes', names(evs),
         ['BLOCK_JOB_COMPLETED', 'concluded'])
    t.eq('manual: concluded job listed',
         c.cmd('query-block-jobs')[0]['status'], 'concluded')
    c.cmd('block-job-dismiss', id='j1')
    evs = events(c, 'JOB_STATUS_CHANGE', 5)
    t.eq('manual: dismissed', names(evs), ['null'])
    t.eq('manual: gone', c.cmd('query-block-jobs'), [])
    stop(vm, c)
    t.check('manual: backing is base (base-node)', 'backing file: %s'
            % p('base.qcow2') in out('qemu-img', 'info', p('top.qcow2')))


def stream_errors():
    chain()
    vm, c = start()
    t.error('stream: unknown device',
            lambda: c.cmd('block-stream', device='nodev'), 'GenericError',
            "Cannot find device='nodev' nor node-name='nodev'")
    t.error('stream: negative speed',
            lambda: c.cmd('block-stream', device='disk0', speed=-1),
            'GenericError', "Parameter 'speed' expects a non-negative value")
    t.error('stream: base not in chain',
            lambda: c.cmd('block-stream', device='disk0', base='/nope'),
            'GenericError', "Can't find '/nope' in the backing chain")
    t.error('job verbs: missing job',
            lambda: c.cmd('block-job-pause', device='nojob'),
            'DeviceNotActive', "Block job 'nojob' not found")
    t.error('commit: unknown device',
            lambda: c.cmd('block-commit', device='nodev'), 'DeviceNotFound',
            "Device 'nodev' not found")
    c.cmd('block-stream', device='disk0', speed=64 * 1024)
    t.error('job: complete not allowed while running',
            lambda: c.cmd('block-job-complete', device='disk0'),
            'GenericError', "Job 'disk0' in state 'running' cannot accept "
            "command verb 'complete'")
    t.error('job: id in use',
            lambda: c.cmd('block-stream', device='disk0'), 'GenericError',
            "Job ID 'disk0' already in use")
    c.cmd('block-job-cancel', device='disk0')
    events(c, 'BLOCK_JOB_CANCELLED')
    t.error('block_passwd: unencrypted',
            lambda: c.cmd('block_passwd', device='disk0', password='x'),
            'GenericError', "Device 'disk0' is not encrypted")
    stop(vm, c)


def on_error(policy):
    with open(p('base.raw'), 'wb') as f:
        f.write(b'\x11' * (4 * MiB))
    if os.path.exists(p('top.qcow2')):
        os.unlink(p('top.qcow2'))
    sh('qemu-img', 'create', '-q', '-f', 'qcow2', '-b', p('base.raw'),
       '-F', 'raw', p('top.qcow2'))
    bd = ('driver=qcow2,node-name=fmt0,file.driver=file,'
          'file.filename=%s,backing.driver=raw,'
          'backing.file.driver=blkdebug,'
          'backing.file.inject-error.0.event=read_aio,'
          'backing.file.inject-error.0.errno=5,'
          'backing.file.inject-error.0.once=on,'
          'backing.file.image.driver=file,'
          'backing.file.image.filename=%s' % (p('top.qcow2'), p('base.raw')))
    vm = common.VM(BIN, extra=['-blockdev', bd])
    c = connect(vm)
    c.cmd('block-stream', device='fmt0', **{'on-error': policy,
                                            'job-id': 'disk0'})
    if policy == 'stop':
        ev = c.get_event('BLOCK_JOB_ERROR', timeout=10)
        t.eq('on-error stop: BLOCK_JOB_ERROR', ev and ev['data'],
             {'device': 'disk0', 'operation': 'read', 'action': 'stop'})
        time.sleep(0.2)
        q = c.cmd('query-block-jobs')[0]
        t.check('on-error stop: paused, io-status failed',
                q['paused'] and q['io-status'] == 'failed', q)
        c.cmd('block-job-resume', device='disk0')
    evs = events(c, 'BLOCK_JOB_COMPLETED')
    err = [e for e in evs if e['event'] == 'BLOCK_JOB_ERROR']
    done = evs[-1]['data'] if evs else {}
    if policy == 'report':
        t.eq('on-error report: error event', err and err[0]['data'],
             {'device': 'disk0', 'operation': 'read', 'action': 'report'})
        t.eq('on-error report: completed with error', done.get('error'),
             'Input/output error')
    elif policy == 'ignore':
        t.eq('on-error ignore: error event', err and err[0]['data'],
             {'device': 'disk0', 'operation': 'read', 'action': 'ignore'})
        t.check('on-error ignore: ran to the end', done.get('offset') ==
                done.get('len'), done)
    elif policy == 'enospc':
        t.eq('on-error enospc: EIO reports', err and err[0]['data'],
             {'device': 'disk0', 'operation': 'read', 'action': 'report'})
    else:
        t.check('on-error stop: completes after resume',
                'error' not in done and done.get('offset') == 4 * MiB, done)
    stop(vm, c)


def commit_intermediate():
    chain()
    vm, c = start()
    nodes = {n['file']: n['node-name']
             for n in c.cmd('query-named-block-nodes')}
    base = nodes[p('base.qcow2')]
    c.cmd('block-set-write-threshold', **{'node-name': base,
                                           'write-threshold': 2 * MiB + 65536})
    c.cmd('block-commit', device='disk0', top=p('mid.qcow2'),
          base=p('base.qcow2'))
    evs = events(c, 'BLOCK_JOB_COMPLETED')
    thr = [e for e in evs if e['event'] == 'BLOCK_WRITE_THRESHOLD']
    t.check('commit: threshold on the base fires',
            thr and thr[0]['data']['node-name'] == base, names(evs))
    t.check('commit: completed', evs and evs[-1]['event'] ==
            'BLOCK_JOB_COMPLETED' and 'error' not in evs[-1]['data'] and
            evs[-1]['data']['type'] == 'commit', evs[-1:])
    ins = c.cmd('query-block')[0]['inserted']
    t.eq('commit: chain is top <- base', ins['image'].get('backing-image',
         {}).get('filename'), p('base.qcow2'))
    stop(vm, c)
    t.check('commit: top header points at base', 'backing file: %s' %
            p('base.qcow2') in out('qemu-img', 'info', p('top.qcow2')))
    t.eq('commit: base holds mid data', patterns(p('base.qcow2'), [
        ('0x11', '0', '2M'), ('0x33', '2M', '512k')]), None)
    t.check('commit: qemu-img check base', 'No errors' in out(
        'qemu-img', 'check', p('base.qcow2')))


def commit_active():
    chain()
    vm, c = start()
    top = c.cmd('query-block')[0]['inserted']['node-name']
    c.cmd('block-commit', device='disk0')
    ev = c.get_event('BLOCK_JOB_READY', timeout=20)
    t.check('active commit: READY', ev and ev['data']['type'] == 'commit' and
            ev['data']['device'] == 'disk0', ev)
    q = c.cmd('query-block-jobs')[0]
    t.check('active commit: ready in query', q['ready'] and
            q['status'] == 'ready', q)
    c.hmp('qemu-io %s "write -P 0x66 3M 64k"' % top)
    c.cmd('block-job-complete', device='disk0')
    evs = events(c, 'BLOCK_JOB_COMPLETED')
    t.check('active commit: completed', evs and 'error' not in
            evs[-1]['data'], evs[-1:])
    ins = c.cmd('query-block')[0]['inserted']
    t.eq('active commit: device now on base', ins['file'], p('base.qcow2'))
    stop(vm, c)
    t.eq('active commit: base has everything', patterns(p('base.qcow2'), [
        ('0x11', '0', '1M'), ('0x22', '1M', '512k'), ('0x33', '2M', '512k'),
        ('0x66', '3M', '64k')]), None)
    t.check('active commit: qemu-img check', 'No errors' in out(
        'qemu-img', 'check', p('base.qcow2')))


def snapshot_and_backing():
    chain()
    vm, c = start()
    c.cmd('blockdev-snapshot-sync', device='disk0',
          **{'snapshot-file': p('snap.qcow2'), 'format': 'qcow2',
             'snapshot-node-name': 'snap0'})
    ins = c.cmd('query-block')[0]['inserted']
    t.eq('snapshot-sync: device on the overlay',
         (ins['file'], ins['node-name'], ins.get('backing_file')),
         (p('snap.qcow2'), 'snap0', p('top.qcow2')))
    c.hmp('qemu-io snap0 "write -P 0x77 0 64k"')
    nodes = {n['file']: n['node-name']
             for n in c.cmd('query-named-block-nodes')}
    c.cmd('change-backing-file', device='disk0',
          **{'image-node-name': 'snap0', 'backing-file': 'top.qcow2'})
    t.error('change-backing-file: node without backing',
            lambda: c.cmd('change-backing-file', device='disk0',
                          **{'image-node-name': nodes[p('base.qcow2')],
                             'backing-file': 'x'}), 'GenericError',
            'not allowing backing file change on an image without a '
            'backing file')
    stop(vm, c)
    t.check('snapshot-sync: relative backing name written',
            'backing file: top.qcow2' in out('qemu-img', 'info',
                                             p('snap.qcow2')))
    t.eq('snapshot-sync: overlay data', patterns(p('snap.qcow2'), [
        ('0x77', '0', '64k'), ('0x22', '1M', '512k'), ('0x33', '2M', '512k')]),
        None)
    t.eq('snapshot-sync: top untouched', patterns(p('top.qcow2'), [
        ('0x11', '0', '64k')]), None)


def mirror(sync):
    chain()
    tgt = p('mirror-%s.qcow2' % sync)
    vm, c = start()
    t.error('mirror: granularity range',
            lambda: c.cmd('drive-mirror', device='disk0', target=tgt,
                          sync=sync, granularity=256), 'GenericError',
            "Parameter 'granularity' expects a value in range [512B, 64MB]")
    t.error('mirror: granularity power of 2',
            lambda: c.cmd('drive-mirror', device='disk0', target=tgt,
                          sync=sync, granularity=3 * 4096), 'GenericError',
            "Parameter 'granularity' expects a power of 2")
    c.cmd('drive-mirror', device='disk0', target=tgt, sync=sync,
          format='qcow2', granularity=65536, **{'buf-size': 262144,
                                                'node-name': 'tgt0'})
    c.cmd('block-set-write-threshold', **{'node-name': 'tgt0',
                                           'write-threshold': 1 << 30})
    evs = events(c, 'BLOCK_JOB_READY')
    t.check('mirror %s: created, running, ready' % sync, names(evs)[-3:] ==
            ['running', 'ready', 'BLOCK_JOB_READY'], names(evs))
    ready = evs[-1]['data'] if evs else {}
    t.check('mirror %s: READY payload' % sync,
            ready.get('type') == 'mirror' and ready.get('device') == 'disk0'
            and ready.get('offset') == ready.get('len'), ready)
    c.hmp('qemu-io top0 "write -P 0x88 3M 128k"')
    c.cmd('block-set-write-threshold', **{'node-name': 'tgt0',
                                           'write-threshold': 3 * MiB})
    c.hmp('qemu-io top0 "write -P 0x99 3584k 64k"')
    ev = c.get_event('BLOCK_WRITE_THRESHOLD', timeout=5)
    t.check('mirror %s: threshold on the target node fires' % sync,
            ev and ev['data']['node-name'] == 'tgt0', ev)
    c.cmd('block-job-complete', device='disk0')
    evs = events(c, 'BLOCK_JOB_COMPLETED')
    t.check('mirror %s: completed' % sync, evs and 'error' not in
            evs[-1]['data'], evs[-1:])
    ins = c.cmd('query-block')[0]['inserted']
    t.eq('mirror %s: device pivoted' % sync, (ins['file'], ins['node-name']),
         (tgt, 'tgt0'))
    c.hmp('qemu-io disk0 "write -P 0xaa 0 64k"')
    stop(vm, c)
    want = [('0xaa', '0', '64k'), ('0x22', '1M', '512k'),
            ('0x88', '3M', '128k'), ('0x99', '3584k', '64k')]
    if sync != 'top':
        want += [('0x33', '2M', '512k'), ('0x11', '64k', '960k')]
    t.eq('mirror %s: target data' % sync, patterns(tgt, want), None)
    t.check('mirror %s: qemu-img check' % sync,
            'No errors' in out('qemu-img', 'check', tgt))
    t.eq('mirror %s: source untouched by later writes' % sync,
         patterns(p('top.qcow2'), [('0x22', '1M', '512k')]), None)


def mirror_cancel_ready():
    chain()
    vm, c = start()
    c.cmd('drive-mirror', device='disk0', target=p('m.qcow2'), sync='full')
    events(c, 'BLOCK_JOB_READY')
    node = c.cmd('query-block')[0]['inserted']['node-name']
    for cmd in ('drive-mirror', 'drive-backup'):
        t.error('mirror: %s on the busy node refused' % cmd,
                lambda: c.cmd(cmd, device='disk0', target=p('busy.qcow2'),
                              sync='full'), 'GenericError',
                "Node '%s' is busy: block device is in use by block job: "
                "mirror" % node)
    c.cmd('block-job-cancel', device='disk0')
    evs = events(c, 'BLOCK_JOB_COMPLETED')
    t.check('mirror: cancel when ready completes',
            evs and evs[-1]['event'] == 'BLOCK_JOB_COMPLETED', names(evs))
    t.eq('mirror: no pivot after cancel',
         c.cmd('query-block')[0]['inserted']['file'], p('top.qcow2'))
    stop(vm, c)
    t.eq('mirror: qemu-img compare equal', subprocess.call(
        ['qemu-img', 'compare', '-q', p('m.qcow2'), p('top.qcow2')]), 0)
    img = os.path.join(os.path.dirname(os.path.abspath(BIN)), 'tools',
                       'img', 'plimsoll-img')
    if os.path.exists(img):
        o = out(img, 'compare', p('m.qcow2'), p('top.qcow2'))
        t.check('mirror: plimsoll-img compare equal',
                'Images are identical' in o, o)


def backup(cmd):
    chain(size=8)
    tgt = p('backup.qcow2')
    vm, c = start()
    if cmd == 'drive-backup':
        c.cmd('drive-backup', device='disk0', target=tgt, sync='full',
              format='qcow2', speed=8 * MiB)
    else:
        sh('qemu-img', 'create', '-q', '-f', 'qcow2', tgt, '8M')
        c.cmd('blockdev-add', driver='qcow2', **{'node-name': 'bk0'},
              file={'driver': 'file', 'filename': tgt})
        c.cmd('blockdev-backup', device='disk0', target='bk0', sync='full',
              speed=8 * MiB)
    # Guest writes during the backup must not leak into it.
    c.hmp('qemu-io top0 "write -P 0xbb 6M 256k"')
    c.hmp('qemu-io top0 "write -P 0xcc 0 64k"')
    evs = events(c, 'BLOCK_JOB_COMPLETED')
    done = evs[-1]['data'] if evs else {}
    t.check('%s: completed' % cmd, done.get('type') == 'backup' and
            'error' not in done and done.get('offset') == 8 * MiB, done)
    t.eq('%s: device keeps its image' % cmd,
         c.cmd('query-block')[0]['inserted']['file'], p('top.qcow2'))
    stop(vm, c)
    t.eq('%s: point-in-time content' % cmd, patterns(tgt, [
        ('0x11', '0', '1M'), ('0x22', '1M', '512k'), ('0x33', '2M', '512k'),
        ('0x11', '6M', '256k')]), None)
    t.eq('%s: the guest writes are in the source' % cmd, patterns(
        p('top.qcow2'), [('0xbb', '6M', '256k'), ('0xcc', '0', '64k')]), None)
    t.check('%s: qemu-img check' % cmd,
            'No errors' in out('qemu-img', 'check', tgt))


def h(c, line):
    return c.hmp(line).replace('\r\n', '\n')


def hmp():
    chain(size=8)
    vm, c = start()
    t.eq('hmp: info block-jobs, none', h(c, 'info block-jobs'),
         'No active jobs\n')
    t.eq('hmp: block_stream', h(c, 'block_stream disk0 1048576'), '')
    time.sleep(0.3)
    o = h(c, 'info block-jobs')
    t.check('hmp: info block-jobs line', o.startswith(
        'Streaming device disk0: Completed ') and o.endswith(
        ' of 8388608 bytes, speed limit 1048576 bytes/s\n'), o)
    t.eq('hmp: pause', h(c, 'block_job_pause disk0'), '')
    t.eq('hmp: cancel of a paused job refused',
         h(c, 'block_job_cancel disk0'),
         "Error: The block job for device 'disk0' is currently paused\n")
    t.eq('hmp: resume', h(c, 'block_job_resume disk0'), '')
    t.eq('hmp: set speed', h(c, 'block_job_set_speed disk0 2097152'), '')
    t.check('hmp: speed shown', 'speed limit 2097152 bytes/s' in
            h(c, 'info block-jobs'))
    t.eq('hmp: cancel', h(c, 'block_job_cancel -f disk0'), '')
    events(c, 'BLOCK_JOB_CANCELLED')
    t.eq('hmp: complete without job', h(c, 'block_job_complete disk0'),
         "Error: Block job 'disk0' not found\n")
    t.eq('hmp: block_set_io_throttle',
         h(c, 'block_set_io_throttle disk0 0 0 1048576 0 0 0'), '')
    t.eq('hmp: throttle in query-block',
         c.cmd('query-block')[0]['inserted']['bps_wr'], MiB)
    stop(vm, c)


def quit_during_job():
    chain()
    vm, c = start()
    c.cmd('block-stream', device='disk0', speed=256 * 1024)
    time.sleep(0.2)
    c.cmd('quit')
    try:
        rc = vm.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        rc = None
    t.eq('quit: exits cleanly', rc, 0)
    stop(vm, c)
    t.check('quit: image consistent',
            'No errors' in out('qemu-img', 'check', p('top.qcow2')))


def internal_snapshots():
    chain()
    vm, c = start()
    c.cmd('blockdev-snapshot-internal-sync', {'device': 'disk0', 'name': 's1'})
    t.error('internal snapshot: duplicate name',
            lambda: c.cmd('blockdev-snapshot-internal-sync', {'device': 'disk0',
                          'name': 's1'}), 'GenericError',
            "Snapshot with name 's1' already exists on device 'disk0'")
    t.error('internal snapshot: empty name',
            lambda: c.cmd('blockdev-snapshot-internal-sync', {'device': 'disk0',
                          'name': ''}), 'GenericError', 'Name is empty')
    c.cmd('blockdev-snapshot-internal-sync', {'device': 'disk0', 'name': 's2'})
    t.error('internal snapshot delete: nothing given',
            lambda: c.cmd('blockdev-snapshot-delete-internal-sync',
                          {'device': 'disk0'}), 'GenericError',
            'Name or id must be provided')
    t.error('internal snapshot delete: missing',
            lambda: c.cmd('blockdev-snapshot-delete-internal-sync',
                          {'device': 'disk0', 'name': 'zz'}), 'GenericError',
            "Snapshot with id '(null)' and name 'zz' does not exist on "
            "device 'disk0'")
    r = c.cmd('blockdev-snapshot-delete-internal-sync', {'device': 'disk0',
              'name': 's1'})
    t.check('internal snapshot delete: returns SnapshotInfo',
            r.get('name') == 's1' and r.get('id') == '1' and
            'date-sec' in r and 'vm-clock-nsec' in r, r)
    stop(vm, c)
    o = out('qemu-img', 'snapshot', '-l', p('top.qcow2'))
    t.check('internal snapshot: qemu-img sees s2 only',
            ' s2 ' in o and ' s1 ' not in o, o)
    t.check('internal snapshot: qemu-img check',
            'No errors' in out('qemu-img', 'check', p('top.qcow2')))


if shutil.which('qemu-img') is None or shutil.which('qemu-io') is None:
    print('1..0 # SKIP qemu-img/qemu-io not installed')
    sys.exit(0)
t.run('stream full', stream_full)
t.run('stream base and writes', stream_base_and_writes)
t.run('stream speed pause cancel', stream_speed_pause_cancel)
t.run('stream errors', stream_errors)
t.run('stream manual finalize', stream_manual_finalize)
for pol in ('report', 'ignore', 'enospc', 'stop'):
    t.run('on-error ' + pol, lambda: on_error(pol))
t.run('commit intermediate', commit_intermediate)
t.run('commit active', commit_active)
t.run('snapshot and backing', snapshot_and_backing)
for sync in ('full', 'top', 'none'):
    t.run('mirror ' + sync, lambda: mirror(sync))
t.run('mirror cancel ready', mirror_cancel_ready)
for kind in ('stream', 'commit', 'mirror'):
    t.run('stress ' + kind, lambda: stress(kind))
t.run('stress backup', stress_backup)
t.run('hmp', hmp)
t.run('internal snapshots', internal_snapshots)
t.run('quit during job', quit_during_job)
t.run('drive-backup', lambda: backup('drive-backup'))
t.run('blockdev-backup', lambda: backup('blockdev-backup'))
t.check('no sanitizer report from the emulator', not sanitizer_reports,
        '\n'.join(sanitizer_reports)[:4000])
shutil.rmtree(work, ignore_errors=True)
t.finish()
