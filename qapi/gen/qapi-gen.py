#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# qapi-gen: generate Plimsoll's QAPI C code from the schema.
#
#   qapi-gen.py SCHEMA OUTDIR
#
# writes OUTDIR/qapi-{types,visit,commands,events,introspect}.{h,c} and
# OUTDIR/qapi-commands-<module>.c for every schema module.
# Python 3 standard library only; run by meson at build time.

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import schema as qapi_schema                       # noqa: E402
from gen_types import gen_types, gen_visit         # noqa: E402
from gen_commands import gen_commands, gen_command_modules  # noqa: E402
from gen_commands import gen_events                # noqa: E402
from gen_introspect import gen_introspect          # noqa: E402


def write(path, text):
    """Write only when changed, so unchanged headers do not rebuild."""
    try:
        with open(path, encoding='utf-8') as f:
            if f.read() == text:
                return
    except OSError:
        pass
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)


def main(argv):
    if len(argv) != 3:
        sys.stderr.write('usage: qapi-gen.py SCHEMA OUTDIR\n')
        return 2
    schema = qapi_schema.load(argv[1])
    outdir = argv[2]
    # Generated files live in <builddir>/qapi/ and include each other as
    # "qapi/qapi-<x>.h", which the top-level include path resolves.
    prefix = 'qapi/qapi-'
    for name, gen in (('types', gen_types), ('visit', gen_visit),
                      ('commands', gen_commands), ('events', gen_events),
                      ('introspect', gen_introspect)):
        h, c = gen(schema, prefix)
        write(os.path.join(outdir, 'qapi-' + name + '.h'), h)
        write(os.path.join(outdir, 'qapi-' + name + '.c'), c)
    for mod, c in gen_command_modules(schema, prefix).items():
        write(os.path.join(outdir, 'qapi-commands-%s.c' % mod), c)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
