#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# QMP: idle CPU with 100 connected clients, and BLOCK_WRITE_THRESHOLD
# latency, for Plimsoll and QEMU (see qmp-bench.py).
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
exec python3 "$src/bench/qmp-bench.py" "${1:-build}"
