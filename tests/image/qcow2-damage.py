#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# qcow2-damage.py IMG KIND : damage one part of a qcow2 image's refcount
# structures, for the repair tests (tests/image/106-qcow2-repair).  The
# image needs 16-bit refcounts, data at guest offset 0 and one internal
# snapshot.  KINDs:
#   reftable-zero       refcount table entry 0 cleared (its block is lost)
#   reftable-past-eof   entry 0 points a few clusters past the end of file
#   reftable-unaligned  entry 0 moved by 512 bytes
#   reftable-on-data    entry 0 points at a data cluster
#   refblock-zero       refcount block 0 overwritten with zeroes
#   refblock-dup        entry 1 points at the same block as entry 0
#   X-rc0 / X-rc3       the stored refcount of X (l1, l2, data, snaptable,
#                       snapl1, reftable, refblock) set to 0 or 3
#   shared-rc1          a data cluster shared with the snapshot set to 1
#   l1-reserved-lo/-hi  active L1 entry 0 with reserved bit 1 / 56 set
#   l2-reserved-lo/-hi  active L2 entry 0 with reserved bit 1 / 56 set
#   prealloc-unaligned  the first unused entry of an active L2 table made a
#                       preallocated zero cluster 512 bytes into the
#                       first data cluster
#   data-unaligned      the same as a data cluster (not repairable)
import os
import struct
import sys

OFF = 0x00fffffffffffe00


def main():
    path, kind = sys.argv[1], sys.argv[2]
    f = open(path, 'r+b')

    def rd(off):
        f.seek(off)
        return struct.unpack('>Q', f.read(8))[0]

    def wr(off, val):
        f.seek(off)
        f.write(struct.pack('>Q', val))

    h = f.read(104)
    cs = 1 << struct.unpack('>I', h[20:24])[0]
    l1o, rto = struct.unpack('>QQ', h[40:56])
    sno = struct.unpack('>Q', h[64:72])[0]
    assert struct.unpack('>I', h[96:100])[0] == 4, 'needs refcount_bits=16'
    size = os.path.getsize(path)
    l2 = rd(l1o) & OFF
    data = rd(l2) & OFF
    where = {'l1': l1o, 'l2': l2, 'data': data, 'snaptable': sno,
             'snapl1': rd(sno), 'reftable': rto, 'refblock': rd(rto)}

    def set_rc(cluster, val):
        per = cs * 8 // 16
        rb = rd(rto + 8 * (cluster // per)) & ~511
        f.seek(rb + 2 * (cluster % per))
        f.write(struct.pack('>H', val))

    if kind == 'reftable-zero':
        wr(rto, 0)
    elif kind == 'reftable-past-eof':
        wr(rto, (size // cs + 4) * cs)
    elif kind == 'reftable-unaligned':
        wr(rto, rd(rto) + 512)
    elif kind == 'reftable-on-data':
        wr(rto, data)
    elif kind == 'refblock-zero':
        f.seek(rd(rto))
        f.write(bytes(cs))
    elif kind == 'refblock-dup':
        wr(rto + 8, rd(rto))
    elif kind == 'shared-rc1':
        set_rc(data // cs, 1)
    elif kind in ('l1-reserved-lo', 'l1-reserved-hi'):
        wr(l1o, rd(l1o) | (2 if kind.endswith('lo') else 1 << 56))
    elif kind in ('l2-reserved-lo', 'l2-reserved-hi'):
        wr(l2, rd(l2) | (2 if kind.endswith('lo') else 1 << 56))
    elif kind in ('prealloc-unaligned', 'data-unaligned'):
        l1n = struct.unpack('>I', h[36:40])[0]
        tables = [rd(l1o + 8 * i) & OFF for i in range(l1n)]
        free = next(t + 8 * i for t in tables if t
                    for i in range(cs // 8) if rd(t + 8 * i) == 0)
        zero = 1 if kind == 'prealloc-unaligned' else 0
        wr(free, (data + 512) | zero)
    elif kind.endswith(('-rc0', '-rc3')) and kind[:-4] in where:
        set_rc(where[kind[:-4]] // cs, int(kind[-1]))
    else:
        sys.exit('unknown damage ' + kind)
    f.close()


main()
