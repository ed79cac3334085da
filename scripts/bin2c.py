#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Turn a binary built at build time (e.g. by nasm) into a C array.

usage: bin2c.py INPUT OUTPUT.c SYMBOL
Defines `const unsigned char SYMBOL[]` and `const unsigned SYMBOL_size`.
"""
import sys


def main(inp, out, sym):
    data = open(inp, "rb").read()
    with open(out, "w", encoding="ascii") as f:
        f.write("/* Generated from %s by scripts/bin2c.py: do not edit. */\n"
                % inp.split("/")[-1])
        f.write("const unsigned char %s[] = {\n" % sym)
        for i in range(0, len(data), 12):
            chunk = data[i:i + 12]
            f.write("    " + ", ".join("0x%02x" % b for b in chunk) + ",\n")
        f.write("};\n")
        f.write("const unsigned %s_size = %d;\n" % (sym, len(data)))


if __name__ == "__main__":
    main(*sys.argv[1:4])
