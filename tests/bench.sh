#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The store's benchmark (not a test): builds a demo database of the given
# scale once, then times the commands and queries that pages depend on.
set -euo pipefail
build=$1
scale=${2:-large}
cli="$build/src/cli/scim-sales-cli"
dir="$build/bench"
db="$dir/$scale.db"
mkdir -p "$dir"

if [ ! -f "$db" ]; then
  echo "== demo --scale $scale (one time)"
  /usr/bin/time -f "   %e s, %M KB max RSS" "$cli" --db "$db" demo --scale "$scale"
fi
ls -l "$db" | awk '{ printf "   file: %.0f MB\n", $5 / 1048576 }'

echo "== check (quick_check + foreign keys)"
/usr/bin/time -f "   %e s" "$cli" --db "$db" check >/dev/null
echo "== backup (backup API + integrity_check of the copy)"
/usr/bin/time -f "   %e s" "$cli" --db "$db" backup "$dir/$scale-backup.db" >/dev/null
rm -f "$dir/$scale-backup.db"

if [ -x "$build/tests/scim-bench" ]; then
  "$build/tests/scim-bench" "$db"
fi

if [ -x "$build/tests/bench-control" ]; then
  "$build/tests/bench-control" "$db"
fi

if [ -x "$build/tests/bench-events" ]; then
  "$build/tests/bench-events" "$db"
fi

if [ -x "$build/tests/bench-alerts" ]; then
  "$build/tests/bench-alerts" "$db"
fi

if [ -x "$build/tests/bench-funnel" ]; then
  "$build/tests/bench-funnel" "$db"
fi

echo "== import of 100,000 leads from CSV into a fresh small demo database"
"$build/tests/bench-import" "$dir/import"
