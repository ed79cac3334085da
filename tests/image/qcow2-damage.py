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
    elif kind.endswith(('-rc0', '-rc3')) and kind[:-4] in where:
        set_rc(where[kind[:-4]] // cs, int(kind[-1]))
    else:
        sys.exit('unknown damage ' + kind)
    f.close()


main()
