#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# make run: assemble the demo guest and boot it.  Until the PC machine
# exists this says so in one line.
set -eu
build=${1:-build}
"$build/plimsoll" -version
echo "make run: the PC machine and the demo guest are not built yet; see the open issues"
