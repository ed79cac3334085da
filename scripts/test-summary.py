#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Summarise meson test logs (testlog.json, one JSON object per line).

Prints the failing tests, then, as the last line, "N passed, N failed" with
", N skipped" when some were skipped.  Exits 1 when any test failed or a log
is missing (a build that produced no log has failed too).
"""
import json
import sys


def main(paths):
    passed = failed = skipped = 0
    failures = []
    missing = []
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                lines = f.readlines()
        except OSError:
            missing.append(path)
            continue
        for line in lines:
            line = line.strip()
            if not line:
                continue
            rec = json.loads(line)
            res = rec.get("result", "")
            name = rec.get("name", "?")
            if res in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif res == "SKIP":
                skipped += 1
            else:
                failed += 1
                failures.append(f"{path.split('/')[0]}: {name}: {res}")
    for f in failures:
        print("FAILED", f)
    for m in missing:
        print("MISSING test log", m, "(the suite did not run)")
        failed += 1
    line = f"{passed} passed, {failed} failed"
    if skipped:
        line += f", {skipped} skipped"
    print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
