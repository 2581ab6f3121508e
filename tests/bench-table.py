#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The benchmark's one table: each figure, its budget, its bare-SQLite floor
and the ratio; from the FIGURE lines of tests/bench.sh and bench-budgets.

Usage: bench-table.py FIGURES [--json FILE]

A FIGURE line is tab-separated: FIGURE, name, value, budget, floor (or -),
and an optional note; values are in milliseconds unless the name says
otherwise (MB, s).  A figure passes when it is within its budget and, with
a floor, within twice the floor.
"""

import json
import sys


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    json_path = None
    if "--json" in argv:
        json_path = argv[argv.index("--json") + 1]
    rows = []
    with open(argv[1], encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 5 or parts[0] != "FIGURE":
                continue
            name, value, budget, floor = parts[1], float(parts[2]), float(parts[3]), parts[4]
            floor = None if floor in ("-", "") else float(floor)
            note = parts[5] if len(parts) > 5 else ""
            ratio = value / floor if floor else None
            within = value <= budget and (ratio is None or ratio <= 2.0)
            rows.append({"figure": name, "value": value, "budget": budget, "floor": floor,
                         "ratio": ratio, "within": within, "note": note})

    unit = lambda name: "MB" if "MB" in name else ("s" if name.endswith("(s)") else "ms")
    width = max([len(r["figure"]) for r in rows] + [6])
    print(f"{'figure':<{width}}  {'value':>10}  {'budget':>8}  {'floor':>9}  {'ratio':>6}  ok")
    print("-" * (width + 46))
    for r in rows:
        u = unit(r["figure"])
        floor = f"{r['floor']:9.2f}" if r["floor"] is not None else f"{'-':>9}"
        ratio = f"{r['ratio']:6.2f}" if r["ratio"] is not None else f"{'-':>6}"
        mark = "yes" if r["within"] else "NO"
        print(f"{r['figure']:<{width}}  {r['value']:8.2f}{u:>2}  {r['budget']:8.0f}  {floor}  {ratio}  {mark}"
              + (f"  ({r['note']})" if r["note"] else ""))
    missed = [r for r in rows if not r["within"]]
    print(f"{len(rows) - len(missed)} of {len(rows)} figures within budget and within 2x of the floor")

    if json_path:
        with open(json_path, "w", encoding="utf-8") as f:
            json.dump({"figures": rows}, f, indent=2, ensure_ascii=False)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
