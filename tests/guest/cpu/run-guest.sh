#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run-guest.sh RUNNER IMAGE EXPECTED-STATUS: run one CPU test program on
# the test machine and check its exit status (the program prints why it
# failed on its console).
runner=$1 image=$2 expect=$3
"$runner" --max-insns 50000000 "$image"
status=$?
if [ "$status" -ne "$expect" ]; then
    echo "exit status $status, expected $expect" >&2
    exit 1
fi
exit 0
