#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The benchmark (not a test): makes a demo database of the given scale once
# (and remembers how long that took), then measures every figure of the
# performance budgets and prints one table: figure, budget, the same query
# run bare in SQLite (the floor) and the ratio (tests/bench-table.py).
#
#   tests/bench.sh BUILD [small|medium|large] [--json FILE] [--detail]
#
# --json also writes the table for machines; --detail first runs the older
# per-module benchmarks, which print more figures than the budgets name.
set -euo pipefail
build=$1
shift
scale=large
json=
detail=no
while [ $# -gt 0 ]; do
  case $1 in
    small|medium|large) scale=$1 ;;
    --json) json=$2; shift ;;
    --detail) detail=yes ;;
    *) echo "bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cli="$build/src/cli/scim-sales-cli"
dir="$build/bench"
db="$dir/$scale.db"
figures="$dir/figures-$scale.tsv"
mkdir -p "$dir"
: >"$figures"

now_ms() { date +%s%3N; }

if [ ! -f "$db" ] || [ ! -f "$db.generation" ]; then
  rm -f "$db" "$db"-* "$db.generation"
  echo "== demo --scale $scale (once; the file is kept for the next runs)" >&2
  start=$(now_ms)
  "$cli" --db "$db" demo --scale "$scale" >/dev/null
  echo $(( $(now_ms) - start )) >"$db.generation"
fi
ls -l "$db" | awk '{ printf "== %s: %.0f MB\n", $9, $5 / 1048576 }' >&2
printf 'FIGURE\tdemo --scale %s generation (s)\t%s\t60\t-\n' "$scale" \
  "$(awk '{ printf "%.1f", $1 / 1000 }' "$db.generation")" >>"$figures"

# Whole processes on the file, open included: the best of three runs each.
# Not "check" and "backup", which read the whole file by their nature.
owner=$("$cli" --db "$db" users list --format csv | awk -F, '$5 == "sales" { print $2; exit }')
head=$("$cli" --db "$db" users list --format csv | awk -F, '$5 == "head" { print $2; exit }')
as_of=$(date -d '180 days ago' +%Y-%m-%d)
commands=(
  "products list"
  "users list"
  "funnel --format json"
  "funnel --as-of $as_of"
  "tasks --due overdue --owner $owner"
  "tasks --due overdue"
  "sales list --owner $owner"
  "leads list --state new"
  "events list --author $owner --since $(date -d '7 days ago' +%Y-%m-%d)"
  "alerts --user $head"
)
# The best of 3 of a command, whole process, in milliseconds.
best_of_3() {
  local best= took start
  for _ in 1 2 3; do
    start=$(now_ms)
    "$@" >/dev/null
    took=$(( $(now_ms) - start ))
    if [ -z "$best" ] || [ "$took" -lt "$best" ]; then best=$took; fi
  done
  echo "$best"
}

# A command's floor: the reads it ran (SCIM_TRACE_SQL, in a run of its
# own), run bare by bench-floor, a process of its own too.
reads="$dir/reads.sql"
echo "== commands, best of 3, and their reads run bare" >&2
for c in "${commands[@]}"; do
  # shellcheck disable=SC2086
  best=$(best_of_3 "$cli" --db "$db" $c)
  rm -f "$reads"
  # shellcheck disable=SC2086
  SCIM_TRACE_SQL="$reads" "$cli" --db "$db" $c >/dev/null
  floor=$(best_of_3 "$build/tests/bench-floor" "$db" "$reads")
  printf 'FIGURE\tscim-sales-cli %s\t%s\t300\t%s\t%s statements\n' "$c" "$best" "$floor" \
    "$(tr -cd '\0' <"$reads" | wc -c)" >>"$figures"
done
rm -f "$reads"

echo "== in-process figures (bench-budgets)" >&2
"$build/tests/bench-budgets" "$db" | grep '^FIGURE' >>"$figures"

# The window on the file, headless: Xvfb and a private bus as the tests
# have them, the cairo renderer and no OpenGL at all: under Xvfb the only GL
# is Mesa's software rasterizer, whose buffers and LLVM (some 45 MB
# resident) would be counted as ours; on a desktop the GPU driver is mapped
# once for every program and the GL renderer's buffers live on the GPU.
if command -v xvfb-run >/dev/null 2>&1 && command -v dbus-run-session >/dev/null 2>&1; then
  echo "== the window on the file (test-gui /bench/large-file)" >&2
  scratch=$(mktemp -d)
  mkdir -p "$scratch/home" "$scratch/runtime"
  chmod 700 "$scratch/runtime"
  env -u DBUS_SESSION_BUS_ADDRESS -u DISPLAY -u WAYLAND_DISPLAY GSK_RENDERER=cairo GDK_DEBUG=gl-disable \
    HOME="$scratch/home" XDG_RUNTIME_DIR="$scratch/runtime" XDG_CONFIG_HOME="$scratch/home/.config" \
    GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$build/data" NO_AT_BRIDGE=1 \
    SCIM_BENCH_DB="$(readlink -f "$db")" SCIM_BUILD_ROOT="$build" SCIM_CLI="$cli" \
    xvfb-run -a -s "-screen 0 1280x1024x24" dbus-run-session -- "$build/tests/test-gui" 2>/dev/null \
    | grep '^FIGURE' >>"$figures" || echo "   (the window could not be measured)" >&2
  rm -rf "$scratch"
else
  echo "== the window was not measured: no xvfb-run or dbus-run-session (./build-aux/dev bench installs them)" >&2
fi

echo "== import of 100,000 leads from CSV into a fresh small demo database" >&2
"$build/tests/bench-import" "$dir/import" | grep '^FIGURE' >>"$figures"

if [ "$detail" = yes ]; then
  for b in bench-control bench-events bench-alerts bench-funnel; do
    "$build/tests/$b" "$db"
  done
fi

echo
if [ -n "$json" ]; then
  /usr/bin/python3 "$top/tests/bench-table.py" "$figures" --json "$json"
else
  /usr/bin/python3 "$top/tests/bench-table.py" "$figures"
fi
