#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Block QMP against the real emulator: blockdev-add/-del, query-block,
# query-named-block-nodes (flat), query-blockstats (query-nodes),
# block_resize, and block-set-write-threshold with BLOCK_WRITE_THRESHOLD
# events produced by real writes (HMP qemu-io) on a raw image and, when
# qemu-img is installed to make one, on the file node under a qcow2 image
# (BLOCK-QMP-REFERENCE.md sections 1 and 6).  TAP output.
import importlib.machinery
import os
import shutil
import subprocess
import sys
import tempfile

common = importlib.machinery.SourceFileLoader(
    'qmp_common', os.path.join(os.path.dirname(os.path.abspath(__file__)),
                               'test-qmp-common.py')).load_module()
BIN = sys.argv[1]
MiB = 1 << 20
t = common.Tap()
work = tempfile.mkdtemp(prefix='test-qmp-block-')
raw_path = os.path.join(work, 'disk.raw')
with open(raw_path, 'wb') as f:
    f.truncate(16 * MiB)
qcow2_path = os.path.join(work, 'disk.qcow2')
have_qcow2 = shutil.which('qemu-img') is not None and subprocess.call(
    ['qemu-img', 'create', '-q', '-f', 'qcow2', qcow2_path, '64M']) == 0
vm = common.VM(BIN)
c = vm.connect()


def node(name, flat=False):
    for n in c.cmd('query-named-block-nodes', flat=flat):
        if n['node-name'] == name:
            return n
    return None


def add_and_query():
    t.error('blockdev-add: node-name required',
            lambda: c.cmd('blockdev-add', driver='null-co'), 'GenericError',
            "'node-name' must be specified for the root node")
    t.error('blockdev-add: unknown driver',
            lambda: c.cmd('blockdev-add', driver='vmdk', **{'node-name': 'x'}),
            'GenericError', "Parameter 'driver' does not accept value 'vmdk'")
    t.error('blockdev-add: nested member missing',
            lambda: c.cmd('blockdev-add', driver='raw', file={'driver': 'file'},
                          **{'node-name': 'x'}),
            'GenericError', "Parameter 'file.filename' is missing")
    t.error('blockdev-add: wrong alternate type',
            lambda: c.cmd('blockdev-add', driver='raw', file=1,
                          **{'node-name': 'x'}),
            'GenericError',
            "Invalid parameter type for 'file', expected: BlockdevRef")
    t.error('blockdev-add: missing file',
            lambda: c.cmd('blockdev-add', driver='file',
                          filename=os.path.join(work, 'nope'),
                          **{'node-name': 'x'}), 'GenericError', None)
    t.eq('blockdev-add raw over file', c.cmd('blockdev-add', {
        'driver': 'raw', 'node-name': 'fmt0',
        'file': {'driver': 'file', 'node-name': 'prot0',
                 'filename': raw_path}}), {})
    t.error('blockdev-add: duplicate node name',
            lambda: c.cmd('blockdev-add', driver='null-co',
                          **{'node-name': 'fmt0'}), 'GenericError', None)
    f = node('fmt0')
    p = node('prot0')
    t.check('query-named-block-nodes: both nodes', f and p, (f, p))
    t.check('format node shape', f['drv'] == 'raw' and f['ro'] is False and
            f['write_threshold'] == 0 and f['image']['virtual-size'] ==
            16 * MiB and f['file'] == raw_path and
            f['cache'] == {'writeback': True, 'direct': False,
                           'no-flush': False} and
            f['detect_zeroes'] == 'off' and f['backing_file_depth'] == 0,
            f)
    t.eq('protocol node driver', p['drv'], 'file')
    t.eq('query-block without backends', c.cmd('query-block'), [])


def thresholds():
    t.error('threshold: unknown node',
            lambda: c.cmd('block-set-write-threshold',
                          {'node-name': 'nosuch', 'write-threshold': 1}),
            'GenericError', "Device 'nosuch' not found")
    t.error('threshold: missing node-name',
            lambda: c.cmd('block-set-write-threshold',
                          {'write-threshold': 1}),
            'GenericError', "Parameter 'node-name' is missing")
    t.error('threshold: missing value',
            lambda: c.cmd('block-set-write-threshold', {'node-name': 'prot0'}),
            'GenericError', "Parameter 'write-threshold' is missing")
    t.error('threshold: wrong type',
            lambda: c.cmd('block-set-write-threshold',
                          {'node-name': 'prot0', 'write-threshold': 'x'}),
            'GenericError', "Parameter 'write-threshold' expects uint64")
    c.cmd('block-set-write-threshold',
          {'node-name': 'prot0', 'write-threshold': -1})
    t.eq('threshold -1 reads back negative', node('prot0')['write_threshold'],
         -1)
    c.cmd('block-set-write-threshold',
          {'node-name': 'prot0', 'write-threshold': MiB})
    t.eq('threshold set', node('prot0')['write_threshold'], MiB)
    out = c.hmp('qemu-io fmt0 "write -P 0xab 0 1M"')
    t.check('qemu-io write', 'wrote 1048576/1048576 bytes at offset 0' in out,
            out)
    t.check('a write ending at the threshold does not fire',
            c.get_event('BLOCK_WRITE_THRESHOLD', timeout=0.3) is None)
    c.hmp('qemu-io fmt0 "write 1M 4k"')
    ev = c.get_event('BLOCK_WRITE_THRESHOLD')
    t.eq('crossing write fires', ev and ev['data'],
         {'node-name': 'prot0', 'amount-exceeded': 4096,
          'write-threshold': MiB})
    t.eq('one-shot: disarmed', node('prot0')['write_threshold'], 0)
    c.hmp('qemu-io fmt0 "write 4M 4k"')
    t.check('no event once disarmed',
            c.get_event('BLOCK_WRITE_THRESHOLD', timeout=0.3) is None)
    # Plimsoll extension: thousandths of a percent of the node's size.
    c.cmd('block-set-write-threshold',
          {'node-name': 'prot0', 'write-threshold-percent': 50000})
    t.eq('percent threshold in bytes', node('prot0')['write_threshold'],
         8 * MiB)
    c.hmp('qemu-io fmt0 "write 10M 64k"')
    ev = c.get_event('BLOCK_WRITE_THRESHOLD')
    t.eq('percent threshold fires', ev and ev['data'],
         {'node-name': 'prot0', 'amount-exceeded': 2 * MiB + 65536,
          'write-threshold': 8 * MiB})
    t.error('percent out of range',
            lambda: c.cmd('block-set-write-threshold',
                          {'node-name': 'prot0',
                           'write-threshold-percent': 100001}),
            'GenericError', None)


def stats_and_resize():
    st = {s['node-name']: s for s in
          c.cmd('query-blockstats', **{'query-nodes': True})}
    p = st.get('prot0', {}).get('stats', {})
    t.eq('wr_highest_offset on the protocol node',
         p.get('wr_highest_offset'), 10 * MiB + 65536)
    t.check('write accounting', p.get('wr_operations', 0) >= 4 and
            p.get('wr_bytes', 0) >= MiB, p)
    t.check('format node stats have the file child as parent',
            st['fmt0'].get('parent', {}).get('node-name') == 'prot0' and
            'backing' not in st['fmt0'], st['fmt0'])
    t.eq('query-blockstats by backend', c.cmd('query-blockstats'), [])
    t.error('block_resize: nothing named',
            lambda: c.cmd('block_resize', size=1), 'GenericError',
            "Cannot find device='' nor node-name=''")
    t.error('block_resize: negative size',
            lambda: c.cmd('block_resize', size=-1, **{'node-name': 'fmt0'}),
            'GenericError', "Parameter 'size' expects a >0 size")
    c.cmd('block_resize', size=32 * MiB, **{'node-name': 'fmt0'})
    t.eq('block_resize', node('fmt0')['image']['virtual-size'], 32 * MiB)
    t.eq('hmp qemu-io: unknown node', c.hmp('qemu-io nosuch "read 0 1"'),
         "Error: Cannot find device='' nor node-name='nosuch'\r\n")


def qcow2_file_node():
    if not have_qcow2:
        t.check('qcow2 threshold (skipped: no qemu-img)', True)
        return
    c.cmd('blockdev-add', {'driver': 'qcow2', 'node-name': 'qfmt',
                           'file': {'driver': 'file', 'node-name': 'qprot',
                                    'filename': qcow2_path}})
    size = os.path.getsize(qcow2_path)
    c.cmd('block-set-write-threshold',
          {'node-name': 'qprot', 'write-threshold': size})
    out = c.hmp('qemu-io qfmt "write 0 64k"')
    ev = c.get_event('BLOCK_WRITE_THRESHOLD')
    t.check('qcow2: allocating write crosses the file node threshold',
            ev and ev['data']['node-name'] == 'qprot' and
            ev['data']['write-threshold'] == size and
            ev['data']['amount-exceeded'] > 0, (ev, out))
    info = node('qfmt')
    t.check('qcow2 node info', info['drv'] == 'qcow2' and
            info['image'].get('cluster-size') == 65536, info)
    c.cmd('blockdev-del', **{'node-name': 'qfmt'})


def delete():
    t.error('blockdev-del: unknown', lambda: c.cmd('blockdev-del',
            **{'node-name': 'zz'}), 'GenericError',
            "Failed to find node with node-name='zz'")
    t.error('blockdev-del: child node', lambda: c.cmd('blockdev-del',
            **{'node-name': 'prot0'}), 'GenericError',
            'Node prot0 is not owned by the monitor')
    t.eq('blockdev-del', c.cmd('blockdev-del', **{'node-name': 'fmt0'}), {})
    t.check('nodes gone', node('fmt0') is None and node('prot0') is None)


def drive_backend():
    """-drive: a backend over auto-named nodes, as libvirt/oVirt see it."""
    d = common.VM(BIN, extra=['-drive', 'file=%s,format=raw,if=none,'
                              'id=disk0,werror=stop' % raw_path])
    dc = d.connect()
    blocks = dc.cmd('query-block')
    b = blocks[0] if blocks else {}
    t.check('query-block: the -drive backend', len(blocks) == 1 and
            b['device'] == 'disk0' and b['type'] == 'unknown' and
            # No device: removable, as QEMU says of an unattached drive.
            b['removable'] is True and b['locked'] is False and
            b['inserted']['drv'] == 'raw' and
            b['inserted']['node-name'].startswith('#block'), blocks)
    fmt = b['inserted']['node-name']
    prot = [n['node-name'] for n in dc.cmd('query-named-block-nodes')
            if n['drv'] == 'file']
    t.check('auto-named file node listed', len(prot) == 1, prot)
    dc.cmd('block-set-write-threshold',
           {'node-name': prot[0], 'write-threshold': 2 * MiB})
    dc.hmp('qemu-io disk0 "write 2M 512"')
    ev = dc.get_event('BLOCK_WRITE_THRESHOLD')
    t.eq('threshold on the auto-named protocol node', ev and ev['data'],
         {'node-name': prot[0], 'amount-exceeded': 512,
          'write-threshold': 2 * MiB})
    st = dc.cmd('query-blockstats')
    t.check('query-blockstats: backend with its file child as parent',
            len(st) == 1 and st[0]['device'] == 'disk0' and
            st[0]['node-name'] == fmt and
            st[0]['stats']['wr_operations'] == 1 and
            st[0]['parent']['node-name'] == prot[0] and
            st[0]['parent']['stats']['wr_highest_offset'] == 2 * MiB + 512,
            st)
    dc.cmd('block_resize', device='disk0', size=24 * MiB)
    t.eq('block_resize by device',
         dc.cmd('query-block')[0]['inserted']['image']['virtual-size'],
         24 * MiB)
    t.check('hmp info block', dc.hmp('info block').startswith(
        'disk0 (%s): %s (raw)' % (fmt, raw_path)))
    dc.close()
    t.eq('-drive VM exits cleanly', d.stop()[0], 0)


for name, fn in [('add', add_and_query), ('thresholds', thresholds),
                 ('stats', stats_and_resize), ('qcow2', qcow2_file_node),
                 ('delete', delete)]:
    t.run(name, fn)
c.close()
rc, err = vm.stop()
t.eq('clean exit', rc, 0)
t.run('drive', drive_backend)
shutil.rmtree(work, ignore_errors=True)
t.finish()
