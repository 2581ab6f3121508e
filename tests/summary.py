#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Prints the line CI reads, `N passed, N failed, N skipped`, from meson's test logs.

Each argument is one testlog.json (the normal build's, the sanitized build's);
the line sums them.  Subtests of TAP tests count one by one, so the line says
how many checks ran."""
import json
import re
import sys

passed = failed = skipped = 0
for path in sys.argv[1:]:
    try:
        with open(path, encoding="utf-8") as log:
            for line in log:
                test = json.loads(line)
                result = test.get("result")
                stdout = test.get("stdout") or ""
                oks = len(re.findall(r"^ok \d+", stdout, re.M))
                skips = len(re.findall(r"^ok \d+ .*# SKIP", stdout, re.M))
                not_oks = len(re.findall(r"^not ok \d+", stdout, re.M))
                if oks + not_oks > 0 and result in ("OK", "FAIL", "EXPECTEDFAIL"):
                    passed += oks - skips
                    skipped += skips
                    failed += not_oks
                    if result == "FAIL" and not_oks == 0:
                        failed += 1
                elif result in ("OK", "EXPECTEDFAIL"):
                    passed += 1
                elif result == "SKIP":
                    skipped += 1
                else:
                    failed += 1
    except FileNotFoundError:
        failed += 1
        print(f"no test log {path}: the build or the test run failed before any test ran", file=sys.stderr)

print(f"{passed} passed, {failed} failed, {skipped} skipped")
